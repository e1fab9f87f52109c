/*
 * ratelimit.c — fixed windows counted in the database.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "page.h"
#include "ratelimit.h"
#include "store.h"
#include "util.h"

static const struct limit {
	const char	*name;
	int64_t		 window;	/* seconds */
	int64_t		 per_ip;	/* tries per window from one address */
	int64_t		 per_account;	/* tries per window against one email */
} limits[RL__MAX] = {
	[RL_SIGNIN] = { "signin", 900, 30, 10 },
	[RL_REGISTER] = { "register", 3600, 10, 3 },
	[RL_RESET] = { "reset", 3600, 10, 3 },
	[RL_NEWSLETTER] = { "newsletter", 3600, 20, 5 },
	[RL_RESOURCE] = { "resource", 3600, 30, 10 },
};

/* One counter; 0 or the seconds until its window ends when over. */
static int
count(struct req *r, const char *key, int64_t window, int64_t max,
    int64_t *wait)
{
	int64_t now = now_unix(), hits, start;
	int rc;

	rc = store_ratelimit_hit(r->db, key, now, window, &hits, &start);
	if (rc != STORE_OK)
		return page_status(rc);
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

int
ratelimit_key(struct req *r, const char *key, int64_t window, int64_t max)
{
	int64_t wait = 0;
	int status;

	if ((status = count(r, key, window, max, &wait)) != 0)
		return status;
	return too_many(r, wait);
}
