/*
 * jobs.h — durable background work: scheduled publishing, email.
 *
 * A job is a row of the jobs table (a kind, a JSON payload, a time to
 * run), added inside the transaction of the write that wants it, so it
 * exists exactly when that write commits.  A worker thread of every
 * serving instance claims due jobs one at a time (on exactly one
 * instance), runs them, and on failure tries again after
 * job_backoff × 2^(attempt − 1) seconds (at most six hours), until
 * job_attempts tries have failed.  Jobs survive restarts: they are rows.
 */
#ifndef MASTHEAD_JOBS_H
#define MASTHEAD_JOBS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct db;

/*
 * The kinds of job (jobs.c names each in the jobs table).  Each is
 * run by the module that owns it, which registers its handler at start
 * (the owner is named beside it): jobs.c calls none of them by name.
 */
enum job_kind {
	JOB_PUBLISH,		/* edit.c */
	JOB_MAIL,		/* mail.c */
	JOB_NEWSLETTER,		/* newsletter.c */
	JOB_REGISTRATION,	/* registration.c */
	JOB_TRASH,		/* page_admin_trash.c */
	JOB_IMPORT,		/* import_job.c (an upload of /admin/import) */
	JOB_WEBHOOK,		/* delivery.c, for webhook.c */
	JOB_AP,			/* delivery.c, for ap.c */
	JOB__MAX
};

/*
 * Runs one job of its kind outside any transaction (it opens its own
 * on db, the worker's connection, when it needs one): 0 when done, -1
 * with err filled to try again later.  The payload is the worker's.
 */
typedef int (*job_fn)(struct db *db, json_t *payload, char *err,
    size_t errlen);

#define JOB_SECRET	0x1	/* the payload is blanked once finished */

/*
 * Makes run the handler of kind, with JOB_ flags; called at start by
 * the kind's owner, before jobs_start.
 */
void	 jobs_register(enum job_kind, job_fn run, int flags);
/*
 * Writes masthead_jobs_queued (read from db now) and
 * masthead_jobs_failed_total (jobs given up since start) for /metrics.
 */
void	 jobs_metrics(struct buf *, struct db *db);
/*
 * Starts the worker thread with a connection of its own (after
 * mail_init: it sends mail); 0 or -1, also when a kind has no handler.
 */
int	 jobs_start(const char *url, char *err, size_t errlen);
void	 jobs_stop(void);
/*
 * Adds a job of kind with payload (not taken) to run at run_at (0: now),
 * inside the caller's transaction.  enum store_rc.
 */
int	 jobs_add(struct db *, enum job_kind, json_t *payload, int64_t run_at);
/* Wakes the worker: a job added by this process is due (call after commit). */
void	 jobs_kick(void);
/* Seconds a job waits after its attempt-th failed try. */
int64_t	 jobs_backoff(int64_t attempt);

#endif
