/*
 * ratelimit.h — in-process rate limits: at most N events per key in a
 * sliding window, shared by every thread of this process.
 *
 * Keys are hashed into a fixed table, so memory does not grow with the
 * number of readers.  A key that lands in a slot another key holds takes
 * it over with a full bucket: under heavy churn a limit is approximate,
 * never a reason to refuse a reader nobody limited.
 */
#ifndef MASTHEAD_RATELIMIT_H
#define MASTHEAD_RATELIMIT_H

#include <stdint.h>

/*
 * Counts one event for key ("u:12", "ip:192.0.2.1") at time now (ms) if
 * fewer than limit happened in the last window_ms: returns 0.  Otherwise
 * counts nothing and returns how many milliseconds until one is allowed.
 */
int64_t	ratelimit_hit(const char *key, int64_t limit, int64_t window_ms,
	    int64_t now_ms);
/* Forgets every key (tests). */
void	ratelimit_reset(void);

#endif
