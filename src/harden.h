/*
 * harden.h — the browser hardening headers every answer carries.
 *
 * Content-Security-Policy, X-Frame-Options, X-Content-Type-Options,
 * Referrer-Policy and, when base_url is https, Strict-Transport-Security
 * are built once at start from the configuration (harden_init) and sent
 * by http.c on every answer, whatever its kind: pages from the cache or
 * not, errors, redirects, feeds, the API, media, assets, the newsroom.
 * A header a handler set itself (a stricter Referrer-Policy on a page
 * reached by a secret link) is kept instead of the default.
 *
 * The policies allow no inline script or style: the theme's scripts and
 * styles are files under /assets/.  The one exception is the newsletter
 * preview, an email rendered as it will be mailed: its fixed style
 * attributes are allowed by their hashes, and nothing else inline.
 */
#ifndef MASTHEAD_HARDEN_H
#define MASTHEAD_HARDEN_H

#include <stddef.h>

enum harden_policy {
	HARDEN_AUTO = 0,	/* by path: the newsroom under /admin, else the site */
	HARDEN_SITE,		/* readers' pages and every other answer */
	HARDEN_NEWSROOM,	/* /admin and /api/v1/admin: no referrer leaves */
	HARDEN_MAIL,		/* a newsletter shown as mailed (its style hashes) */
	HARDEN__MAX
};

#define HARDEN_MAX_HEADERS	6

struct harden_header {
	const char	*name;		/* lower case, as HTTP/2 sends it */
	size_t		 namelen;
	const char	*value;
	size_t		 len;
};

struct harden_set {
	struct harden_header	 h[HARDEN_MAX_HEADERS];
	size_t			 n;
};

/*
 * Builds the header sets from the configuration; call once at start,
 * before any thread serves.  The strings live until the process ends.
 */
void	 harden_init(void);
/* The headers of a policy (HARDEN_AUTO is resolved by the caller). */
const struct harden_set *harden_headers(enum harden_policy);
/*
 * The Content-Security-Policy of a policy, for tests and for
 * documentation; "" before harden_init().
 */
const char *harden_csp(enum harden_policy);

#endif
