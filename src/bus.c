/*
 * bus.c — the invalidation bus: NOTIFY out, LISTEN in.
 *
 * A listener thread holds its own connection.  A message is the sender's
 * instance id, "@" and the time it was sent (microseconds of the wall
 * clock), then the tags; an instance ignores its own, and counts how
 * long the others' took to be dropped here (masthead_bus_delay_seconds;
 * a message without the time, from an older instance, is applied
 * alike).  While the listener is cut off from PostgreSQL it may miss
 * messages, so when it is back it drops the whole cache.
 *
 * The listener asks Linux for the shortest time slice (sched_setattr's
 * sched_runtime, from kernel 6.12 on; older kernels ignore it): it runs
 * for microseconds per message, and a short slice lets it run as soon as
 * a message comes rather than after the busy threads' turns.  Its nice
 * value stays as it is, so it takes no more of the CPU than before.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "bus.h"
#include "cache.h"
#include "db.h"
#include "hook.h"
#include "metrics.h"
#include "purge.h"
#include "tag.h"
#include "util.h"

#define CHANNEL		"masthead_cache"
#define PAYLOAD_MAX	7900	/* PostgreSQL takes up to 8000 bytes */
#define RETRY_MS	250
#define SLICE_NS	100000	/* 0.1 ms, the shortest Linux gives */

static struct db *conn;
static pthread_t listener;
static atomic_int stopping;
static char self[17];		/* this instance's id, 16 hex digits */
static struct hooks site_hooks;
static int (*sites_fn)(struct db *);

void
bus_on_site_change(void (*fn)(void))
{
	hook_add(&site_hooks, fn);
}

void
bus_on_sites(int (*fn)(struct db *))
{
	sites_fn = fn;
}

/*
 * Another instance's tags: the sites are read again first when they
 * changed, so that the pages rendered after the drop see them.
 */
static void
bus_remote(const char *tags)
{
	if (sites_fn != NULL && (tags_has(tags, "*") ||
	    tags_has(tags, tag_sites().s)))
		sites_fn(conn);
	bus_apply(tags);
}

void
bus_apply(const char *tags)
{
	const char *p = tags, *end;
	char tag[128];

	while (p != NULL && *p != '\0') {
		for (end = p; *end != '\0' && *end != ' '; end++)
			;
		if (end - p == 1 && *p == '*') {
			cache_invalidate_all();
			hook_run(&site_hooks);
		} else if ((size_t)(end - p) < sizeof(tag)) {
			memcpy(tag, p, (size_t)(end - p));
			tag[end - p] = '\0';
			cache_invalidate(tag);
			/* The menus and settings are also kept per thread. */
			if (strcmp(tag, tag_site().s) == 0)
				hook_run(&site_hooks);
		}
		p = *end == ' ' ? end + 1 : end;
	}
	/* Varnish in front hears it from every instance (purge.h says why). */
	purge_tags(tags);
}

/* The wall clock in microseconds: instances compare their stamps. */
static uint64_t
wall_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int
bus_publish(struct db *db, const char *tags)
{
	char msg[PAYLOAD_MAX + 64];
	uint64_t now;

	if (db_kind(db) != DB_POSTGRES || tags == NULL || tags[0] == '\0')
		return DB_OK;
	now = wall_usec();
	/* Too many tags for one message: the others drop everything. */
	if (strlen(tags) > PAYLOAD_MAX)
		snprintf(msg, sizeof(msg), "%s @%" PRIu64 " *", self, now);
	else
		snprintf(msg, sizeof(msg), "%s @%" PRIu64 " %s", self, now, tags);
	return db_notify(db, CHANNEL, msg);
}

/*
 * Another instance's message, after its id: the tags are dropped here,
 * then the time since it was sent is counted, when it says.
 */
static void
bus_received(const char *msg)
{
	uint64_t sent = 0, now;
	char *end;

	if (msg[0] == '@') {
		/* Digits only: strtoull would take a sign or blanks too. */
		if (msg[1] < '0' || msg[1] > '9')
			return;
		sent = strtoull(msg + 1, &end, 10);
		if (*end != ' ')
			return;
		msg = end + 1;
	}
	bus_remote(msg);
	/* Another machine's clock may be ahead of this one's. */
	if (sent != 0)
		metrics_bus((now = wall_usec()) > sent ? now - sent : 0);
}

/* See the head of the file. */
static void
short_slice(void)
{
#ifdef __linux__
	/* struct sched_attr of sched_setattr(2); glibc 2.36 has no wrapper. */
	struct {
		uint32_t	size, policy;
		uint64_t	flags;
		int32_t		nice;
		uint32_t	priority;
		uint64_t	runtime, deadline, period;
	} a;
	pid_t tid = (pid_t)syscall(SYS_gettid);

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.policy = SCHED_OTHER;
	a.nice = getpriority(PRIO_PROCESS, (id_t)tid);
	a.runtime = SLICE_NS;
	(void)syscall(SYS_sched_setattr, tid, &a, 0);
#endif
}

static void
pause_ms(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void *
bus_main(void *arg)
{
	char msg[PAYLOAD_MAX + 64];
	int listening = 0, missed = 0, rc;

	short_slice();
	while (!atomic_load(&stopping)) {
		if (!listening) {
			if (db_listen(conn, CHANNEL) != DB_OK) {
				missed = 1;
				pause_ms(RETRY_MS);
				continue;
			}
			listening = 1;
			if (missed) {
				bus_remote("*");
				missed = 0;
			}
		}
		rc = db_wait_notify(conn, 200, msg, sizeof(msg));
		if (rc < 0) {
			listening = 0;
			missed = 1;
			continue;
		}
		if (rc == 1 && strncmp(msg, self, sizeof(self) - 1) != 0 &&
		    msg[sizeof(self) - 1] == ' ')
			bus_received(msg + sizeof(self));
	}
	return NULL;
}

int
bus_start(const char *url, char *err, size_t errlen)
{
	unsigned char id[8];

	if (strncmp(url, "postgres://", 11) != 0 &&
	    strncmp(url, "postgresql://", 13) != 0)
		return 0;
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(self, sizeof(self), id, sizeof(id));
	if ((conn = db_open(url, err, errlen)) == NULL)
		return -1;
	atomic_store(&stopping, 0);
	if (pthread_create(&listener, NULL, bus_main, NULL) != 0) {
		snprintf(err, errlen, "cannot start the invalidation listener");
		db_close(conn);
		conn = NULL;
		return -1;
	}
	return 0;
}

void
bus_stop(void)
{
	if (conn == NULL)
		return;
	atomic_store(&stopping, 1);
	pthread_join(listener, NULL);
	db_close(conn);
	conn = NULL;
}
