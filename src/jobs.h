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

struct db;

/*
 * Starts the worker thread with a connection of its own (after
 * mail_init: it sends mail); 0 or -1.
 */
int	 jobs_start(const char *url, char *err, size_t errlen);
void	 jobs_stop(void);
/*
 * Adds a job of kind with payload (not taken) to run at run_at (0: now),
 * inside the caller's transaction.  enum store_rc.
 */
int	 jobs_add(struct db *, const char *kind, json_t *payload, int64_t run_at);
/* Wakes the worker: a job added by this process is due (call after commit). */
void	 jobs_kick(void);
/* Seconds a job waits after its attempt-th failed try. */
int64_t	 jobs_backoff(int64_t attempt);

#endif
