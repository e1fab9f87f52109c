/*
 * ratelimit.c — fixed windows counted in the database.
 */
#include <stdio.h>
#include <string.h>

#include "req.h"
#include "ratelimit.h"
#include "status.h"
#include "store.h"
#include "util.h"

static const struct limit {
	const char	*name;
	int64_t		 window;	/* seconds */
	int64_t		 per_ip;	/* tries per window from one address */
	int64_t		 per_account;	/* tries per window against one email */
} limits[RL__MAX] = {
	[RL_REGISTER] = { "register", 3600, 10, 3 },
	[RL_RESET] = { "reset", 3600, 10, 3 },
	[RL_NEWSLETTER] = { "newsletter", 3600, 20, 5 },
	[RL_RESOURCE] = { "resource", 3600, 30, 10 },
};

/* Signing in (ratelimit.h): wrong passwords in windows of 15 minutes. */
#define SIGNIN_WINDOW	900
#define SIGNIN_PAIR	5	/* for one account from one address */
#define SIGNIN_IP	30	/* from one address, any accounts */
#define SIGNIN_ACCOUNT	50	/* for one account: then slowed, not locked */
#define SIGNIN_SLOW	60	/* seconds between one address's tries then */

/* One counter; 0 or the seconds until its window ends when over. */
static int
count(struct req *r, const char *key, int64_t window, int64_t max,
    int64_t *wait)
{
	int64_t now = now_unix(), hits, start;
	int rc;

	rc = store_ratelimit_hit(r->db, key, now, window, &hits, &start);
	if (rc != STORE_OK)
		return status_store(rc);
	if (hits > max) {
		int64_t w = start + window - now;

		if (w > *wait)
			*wait = w < 1 ? 1 : w;
	}
	return 0;
}

/* Sets Retry-After for a wait of that many seconds: 429, or 0 for none. */
static int
too_many(struct req *r, int64_t wait)
{
	char ra[32];

	if (wait == 0)
		return 0;
	snprintf(ra, sizeof(ra), "%lld", (long long)wait);
	http_header(r, "Retry-After", ra);
	return 429;
}

int
ratelimit_hit(struct req *r, enum rl_action a, const char *email)
{
	const struct limit *l = &limits[a];
	char ip[64], key[400];
	int64_t wait = 0;
	int status;

	if (email == NULL) {
		http_client_ip(r, ip, sizeof(ip));
		snprintf(key, sizeof(key), "%s:ip:%s", l->name, ip);
		status = count(r, key, l->window, l->per_ip, &wait);
	} else {
		snprintf(key, sizeof(key), "%s:acct:%s", l->name, email);
		status = count(r, key, l->window, l->per_account, &wait);
	}
	return status != 0 ? status : too_many(r, wait);
}

/* Whether a counter has reached max without counting: the wait, or 0. */
static int
reached(struct req *r, const char *key, int64_t window, int64_t max,
    int64_t *wait)
{
	int64_t now = now_unix(), hits, start;
	int rc;

	rc = store_ratelimit_peek(r->db, key, now, window, &hits, &start);
	if (rc != STORE_OK)
		return status_store(rc);
	if (hits >= max) {
		int64_t w = start + window - now;

		if (w > *wait)
			*wait = w < 1 ? 1 : w;
	}
	return 0;
}

/* The keys of a sign-in's counters, each KEY_MAX bytes. */
#define KEY_MAX		400

struct signin_keys {
	char	pair[KEY_MAX];		/* the account from this address */
	char	ip[KEY_MAX];		/* this address */
	char	acct[KEY_MAX];		/* the account */
	char	slow[KEY_MAX];		/* this address's try a minute */
};

static void
signin_keys(struct req *r, const char *email, struct signin_keys *k)
{
	char addr[64];

	http_client_ip(r, addr, sizeof(addr));
	snprintf(k->pair, KEY_MAX, "signin:pair:%s %s", addr, email);
	snprintf(k->ip, KEY_MAX, "signin:ip:%s", addr);
	snprintf(k->acct, KEY_MAX, "signin:acct:%s", email);
	snprintf(k->slow, KEY_MAX, "signin:slow:%s %s", addr, email);
}

int
ratelimit_signin_check(struct req *r, const char *email)
{
	struct signin_keys k;
	int64_t wait = 0, over = 0;
	int status;

	signin_keys(r, email, &k);
	if ((status = reached(r, k.ip, SIGNIN_WINDOW, SIGNIN_IP,
	    &wait)) != 0 || (status = reached(r, k.pair, SIGNIN_WINDOW,
	    SIGNIN_PAIR, &wait)) != 0)
		return status;
	if (wait > 0)
		return too_many(r, wait);
	if ((status = reached(r, k.acct, SIGNIN_WINDOW, SIGNIN_ACCOUNT,
	    &over)) != 0)
		return status;
	if (over == 0)
		return 0;
	/*
	 * Past the account's ceiling, every address gets one try a minute:
	 * the try is counted here, right or wrong, so a second one within
	 * the minute waits for the rest of it.
	 */
	if ((status = count(r, k.slow, SIGNIN_SLOW, 1, &wait)) != 0)
		return status;
	return too_many(r, wait);
}

int
ratelimit_signin_failed(struct req *r, const char *email)
{
	struct signin_keys k;
	int64_t wait = 0;
	int status;

	/* The waits are for the next try: check() tells it. */
	signin_keys(r, email, &k);
	if ((status = count(r, k.pair, SIGNIN_WINDOW, SIGNIN_PAIR,
	    &wait)) != 0 || (status = count(r, k.ip, SIGNIN_WINDOW, SIGNIN_IP,
	    &wait)) != 0)
		return status;
	return count(r, k.acct, SIGNIN_WINDOW, SIGNIN_ACCOUNT, &wait);
}

int
ratelimit_key(struct req *r, const char *key, int64_t window, int64_t max)
{
	int64_t wait = 0;
	int status;

	if ((status = count(r, key, window, max, &wait)) != 0)
		return status;
	return too_many(r, wait);
}
