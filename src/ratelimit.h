/*
 * ratelimit.h — limits on signing in, registering and asking for a
 * password reset, per client address and per account (email).
 *
 * Counts live in the database (rate_limits), so every instance of a site
 * shares them: a client cannot multiply its tries by the number of
 * instances behind the load balancer.  Each try is one upsert, small
 * beside the argon2id hashing a sign-in costs anyway.
 */
#ifndef MASTHEAD_RATELIMIT_H
#define MASTHEAD_RATELIMIT_H

struct req;

enum rl_action {
	RL_SIGNIN,
	RL_REGISTER,
	RL_RESET,
	RL_NEWSLETTER,		/* newsletter sign-ups */
	RL__MAX
};

/*
 * Counts one try of action by the request's client address (email NULL)
 * or against the account of email.  0 when allowed; 429 (with a
 * Retry-After header set) when over the limit; 503 when the database
 * cannot say.
 */
int	ratelimit_hit(struct req *, enum rl_action, const char *email);

#endif
