/*
 * jobs.c — the worker thread that runs the jobs table.
 *
 * The worker asks every 250 ms (or at once when this process added a
 * job) whether a job is due, with a read that costs one index probe;
 * only then does it open a write transaction and claim one.  A job runs
 * outside any transaction, so an email that takes seconds to send holds
 * no lock; its outcome is written afterwards.
 *
 * The worker knows no kind of job: each is run by the handler its owner
 * registered at start (jobs_register), found by the kind's name.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analytics.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "jobs.h"
#include "store.h"
#include "tag.h"
#include "util.h"

#define POLL_MS		250
#define LEASE		300		/* seconds a claim holds a job */
#define BACKOFF_MAX	(6 * 3600)
#define HOUSEKEEP_EVERY	600
/* Seconds between writes of the hubs' counts of views and clicks. */
#define HUB_FLUSH_EVERY	2
/* Page views waiting that have the jobs thread write them at once. */
#define ANALYTICS_SOON	4096

static const char *const kind_names[JOB__MAX] = {
	[JOB_PUBLISH] = "publish",
	[JOB_MAIL] = "mail",
	[JOB_NEWSLETTER] = "newsletter",
	[JOB_REGISTRATION] = "registration",
	[JOB_TRASH] = "trash",
	[JOB_IMPORT] = "import",
	[JOB_WEBHOOK] = "webhook",
	[JOB_AP] = "activitypub",
};

/* Filled before the worker starts, read-only after. */
static struct handler {
	job_fn		 run;
	int		 flags;		/* JOB_SECRET */
} handlers[JOB__MAX];

static struct db *conn;
static pthread_t worker;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int kicked;
static atomic_int stopping;
static char self[128];		/* host:pid, the claims' locked_by */

int64_t
jobs_backoff(int64_t attempt)
{
	int64_t d = config.job_backoff;

	while (--attempt > 0 && d < BACKOFF_MAX)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

void
jobs_register(enum job_kind k, job_fn run, int flags)
{
	handlers[k].run = run;
	handlers[k].flags = flags;
}

int
jobs_add(struct db *db, enum job_kind k, json_t *payload, int64_t run_at)
{
	char *s = json_dumps(payload, JSON_COMPACT);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	rc = store_job_add(db, kind_names[k], s, run_at > 0 ? run_at :
	    now_unix(), NULL);
	free(s);
	return rc;
}

void
jobs_kick(void)
{
	pthread_mutex_lock(&lock);
	kicked = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* Jobs given up since start, by kind, for /metrics. */
static atomic_uint_fast64_t failed[JOB__MAX];

/* Records how a job went; a lost claim (another worker took it) is logged. */
static void
record(const struct handler *h, struct job *j, int ok, const char *msg)
{
	int64_t now = now_unix();
	int rc, secret = h != NULL && (h->flags & JOB_SECRET);

	if (db_begin_write(conn) != DB_OK)
		return;
	if (ok)
		rc = store_job_done(conn, j->id, self, now, secret);
	else if (j->attempts >= config.job_attempts) {
		rc = store_job_fail(conn, j->id, self, now, msg, secret);
		for (size_t i = 0; i < JOB__MAX; i++)
			if (strcmp(kind_names[i], j->kind) == 0)
				atomic_fetch_add_explicit(&failed[i], 1,
				    memory_order_relaxed);
	}
	else
		rc = store_job_retry(conn, j->id, self,
		    now + jobs_backoff(j->attempts), msg);
	if (rc == STORE_OK && db_commit(conn) == DB_OK) {
		if (!ok)
			fprintf(stderr, "masthead: job %lld (%s) attempt %lld "
			    "failed%s: %s\n", (long long)j->id, j->kind,
			    (long long)j->attempts, j->attempts >=
			    config.job_attempts ? ", giving up" : "", msg);
		return;
	}
	db_rollback(conn);
	fprintf(stderr, "masthead: job %lld: cannot record its outcome: %s\n",
	    (long long)j->id, rc == STORE_NOTFOUND ? "its claim ran out" :
	    db_errmsg(conn));
}

/* Claims and runs one due job; 1 when it ran one, 0 when none was due. */
static int
run_one(void)
{
	const struct handler *h = NULL;
	struct job j;
	char err[512] = "";
	json_t *payload;
	json_error_t jerr;
	size_t i;
	int rc, ok;

	if (store_job_due(conn, now_unix()) != STORE_OK)
		return 0;
	if (db_begin_write(conn) != DB_OK)
		return 0;
	rc = store_job_claim(conn, self, now_unix(), LEASE, &j);
	if (rc != STORE_OK || db_commit(conn) != DB_OK) {
		db_rollback(conn);
		free(j.payload);
		return 0;
	}
	for (i = 0; i < JOB__MAX; i++)
		if (strcmp(kind_names[i], j.kind) == 0)
			h = &handlers[i];
	payload = json_loads(j.payload, 0, &jerr);
	if (h == NULL) {
		snprintf(err, sizeof(err), "unknown kind of job");
		ok = 0;
	} else if (payload == NULL) {
		snprintf(err, sizeof(err), "malformed payload: %s", jerr.text);
		ok = 0;
	} else {
		ok = h->run(conn, payload, err, sizeof(err)) == 0;
	}
	json_decref(payload);
	record(h, &j, ok, err);
	free(j.payload);
	return 1;
}

/*
 * Reads the Most Read block's stories again and drops the pages that
 * show it when they changed: the pages stay cached between two changes
 * (page_most_read.c).
 */
static void
most_read_check(void)
{
	static char last[MOST_READ_LIMIT * 140 + 8];
	char now[sizeof(last)];
	json_t *rows, *row;
	size_t i;
	int days;

	if (!config.analytics || store_most_read_block(conn, now_unix(),
	    MOST_READ_MIN, MOST_READ_LIMIT, &rows, &days) != STORE_OK)
		return;
	snprintf(now, sizeof(now), "%d", days);
	json_array_foreach(rows, i, row) {
		strlcpy_(now + strlen(now), " ", sizeof(now) - strlen(now));
		strlcpy_(now + strlen(now), json_string_value(
		    json_object_get(row, "slug")),
		    sizeof(now) - strlen(now));
	}
	json_decref(rows);
	if (strcmp(now, last) == 0)
		return;
	/* The first read is what the pages show already: nothing to drop. */
	if (last[0] != '\0')
		bus_apply(tag_most_read().s);
	strlcpy_(last, now, sizeof(last));
}

static void *
jobs_main(void *arg)
{
	struct timespec ts;
	int64_t housekept = 0, flushed = 0, most_read = 0;

	while (!atomic_load(&stopping)) {
		if (now_unix() - flushed >= HUB_FLUSH_EVERY) {
			flushed = now_unix();
			store_hub_flush(conn, flushed);
			store_analytics_flush(conn);
		} else if (analytics_pending() >= ANALYTICS_SOON)
			/* A busy site's views go out before the batch fills. */
			store_analytics_flush(conn);
		if (now_unix() - most_read >= config.analytics_refresh) {
			most_read = now_unix();
			most_read_check();
		}
		if (now_unix() - housekept >= HOUSEKEEP_EVERY) {
			housekept = now_unix();
			if (db_begin_write(conn) == DB_OK) {
				if (store_housekeeping(conn, housekept) ==
				    STORE_OK)
					db_commit(conn);
				else
					db_rollback(conn);
			}
		}
		if (run_one())
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += POLL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&lock);
		while (!kicked && !atomic_load(&stopping))
			if (pthread_cond_timedwait(&wake, &lock, &ts) != 0)
				break;
		kicked = 0;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

/*
 * Jobs claimed by a process of this host that no longer runs (killed,
 * crashed) are due again now rather than when their claim runs out.
 */
static void
release_dead(const char *host)
{
	char **owners = NULL, prefix[80];
	size_t n = 0, i, plen;
	long pid;
	char *end;

	snprintf(prefix, sizeof(prefix), "%s:", host);
	plen = strlen(prefix);
	if (store_job_owners(conn, now_unix(), &owners, &n) != STORE_OK)
		return;
	for (i = 0; i < n; i++) {
		if (strncmp(owners[i], prefix, plen) != 0)
			continue;
		pid = strtol(owners[i] + plen, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (db_begin_write(conn) != DB_OK)
			continue;
		if (store_job_release(conn, owners[i]) == STORE_OK &&
		    db_commit(conn) == DB_OK)
			fprintf(stderr, "masthead: jobs of %s, which stopped "
			    "running, are due again\n", owners[i]);
		else
			db_rollback(conn);
	}
	for (i = 0; i < n; i++)
		free(owners[i]);
	free(owners);
}

int
jobs_start(const char *url, char *err, size_t errlen)
{
	char host[64];
	size_t i;

	for (i = 0; i < JOB__MAX; i++)
		if (handlers[i].run == NULL) {
			snprintf(err, errlen, "no handler for the %s jobs",
			    kind_names[i]);
			return -1;
		}
	if (gethostname(host, sizeof(host)) != 0)
		strlcpy_(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(self, sizeof(self), "%s:%ld", host, (long)getpid());
	if ((conn = db_open(url, err, errlen)) == NULL)
		return -1;
	release_dead(host);
	atomic_store(&stopping, 0);
	if (pthread_create(&worker, NULL, jobs_main, NULL) != 0) {
		snprintf(err, errlen, "cannot start the jobs thread");
		db_close(conn);
		conn = NULL;
		return -1;
	}
	return 0;
}

void
jobs_stop(void)
{
	if (conn == NULL)
		return;
	pthread_mutex_lock(&lock);
	atomic_store(&stopping, 1);
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(worker, NULL);
	/* The last seconds' counts of hubs and pages go in before the end. */
	store_hub_flush(conn, now_unix());
	store_analytics_flush(conn);
	db_close(conn);
	conn = NULL;
}

static void
queued_line(void *arg, const char *kind, int64_t n)
{
	buf_puts(arg, "masthead_jobs_queued{kind=\"");
	buf_puts(arg, kind);
	buf_printf(arg, "\"} %lld\n", (long long)n);
}

void
jobs_metrics(struct buf *b, struct db *db)
{
	size_t i;

	buf_puts(b, "# HELP masthead_jobs_queued Jobs waiting or running, "
	    "by kind.\n# TYPE masthead_jobs_queued gauge\n");
	if (db != NULL)
		(void)store_job_queued(db, queued_line, b);
	buf_puts(b, "# HELP masthead_jobs_failed_total Jobs given up after "
	    "job_attempts tries, by kind.\n# TYPE masthead_jobs_failed_total "
	    "counter\n");
	for (i = 0; i < JOB__MAX; i++)
		buf_printf(b, "masthead_jobs_failed_total{kind=\"%s\"} %llu\n",
		    kind_names[i], (unsigned long long)atomic_load_explicit(
		    &failed[i], memory_order_relaxed));
}
