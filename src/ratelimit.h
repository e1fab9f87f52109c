/*
 * ratelimit.h — limits on signing in, registering and asking for a
 * password reset, per client address and per account (email), and on
 * anything else a caller names by a key (comments).
 *
 * Counts live in the database (rate_limits), so every instance of a site
 * shares them: a client cannot multiply its tries by the number of
 * instances behind the load balancer.  Each try is one upsert, small
 * beside the argon2id hashing a sign-in costs anyway.
 */
#ifndef MASTHEAD_RATELIMIT_H
#define MASTHEAD_RATELIMIT_H

#include <stdint.h>

struct req;

enum rl_action {
	RL_REGISTER,
	RL_RESET,
	RL_NEWSLETTER,		/* newsletter sign-ups */
	RL_RESOURCE,		/* white papers asked for */
	RL__MAX
};

/*
 * Counts one try of action by the request's client address (email NULL)
 * or against the account of email.  0 when allowed; 429 (with a
 * Retry-After header set) when over the limit; 503 when the database
 * cannot say.
 */
int	ratelimit_hit(struct req *, enum rl_action, const char *email);

/*
 * Signing in.  Only wrong passwords count, in 15-minute windows, three
 * ways, so that nobody can lock a named editor out by failing on
 * purpose:
 *   - for one account from one client address: 5, then that address
 *     gets 429 for that account until the window ends;
 *   - from one client address, whatever the accounts: 30, then 429
 *     (credential stuffing);
 *   - for one account from anywhere: past 50 the account is not locked
 *     but slowed: each client address may try it once a minute (429
 *     with Retry-After in between), so its owner, from an address of
 *     their own, still signs in at the first try.
 * ratelimit_signin_check() runs before the password is checked: 0 to go
 * on, 429 (Retry-After set) or 503.  ratelimit_signin_failed() counts a
 * wrong password: 0 or 503.
 */
int	ratelimit_signin_check(struct req *, const char *email);
int	ratelimit_signin_failed(struct req *, const char *email);

/*
 * Counts one try under key ("comment:ip:192.0.2.1") in fixed windows of
 * window seconds, at most max a window: 0, 429 (Retry-After set) or 503.
 * Inside a write transaction the try counts only if it commits.
 */
int	ratelimit_key(struct req *, const char *key, int64_t window,
	    int64_t max);

#endif
