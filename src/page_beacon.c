/*
 * page_beacon.c — POST /api/v1/beacon: the seconds a reader spent on a
 * page, sent by site.js with navigator.sendBeacon when the page is
 * hidden (docs/analytics.md).  No cookie, no address, nothing about
 * the reader: the seconds are added to the page's count of the day.
 *
 * The body is a form: p, the page's path ("/", "/article/SLUG" or
 * "/section/SLUG"), and s, whole seconds (0 to 86400; more than
 * BEACON_CAP counts as BEACON_CAP, a tab left open is not a reader).
 * Anything else is a 400, a page that does not exist a 404, and
 * nothing is stored; a bot's beacon is answered 204 and not counted.
 */
#include <string.h>

#include "analytics.h"
#include "api.h"
#include "config.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

/* Seconds one beacon may add: half an hour. */
#define BEACON_CAP	1800

/* Whether s[0..n) is a slug: lower-case letters, digits and dashes. */
static int
slug_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= AN_SLUG_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
page_beacon(struct req *r)
{
	struct url_query q;
	struct an_hit h;
	enum an_kind kind;
	const char *p, *s, *slug = "";
	json_t *row;
	int64_t secs;
	size_t n = 0;
	int rc;

	if ((rc = page_read_form(r, &q)) != 0)
		return api_error(r, rc, "the body is a form: p (the page's "
		    "path) and s (seconds)");
	/* The two fields, in the request's pool: the form is done with. */
	p = own_strdup(r, url_query_get(&q, "p"));
	s = own_strdup(r, url_query_get(&q, "s"));
	url_query_free(&q);
	if (p == NULL || s == NULL ||
	    parse_int(s, strlen(s), 0, 86400, &secs) != 0)
		return api_error(r, 400, "p is a page's path and s whole "
		    "seconds from 0 to 86400");
	if (strcmp(p, "/") == 0)
		kind = AN_HOME;
	else if (strncmp(p, "/article/", 9) == 0)
		kind = AN_ARTICLE, slug = p + 9;
	else if (strncmp(p, "/section/", 9) == 0)
		kind = AN_SECTION, slug = p + 9;
	else
		return api_error(r, 400, "p is not the home page, a story or "
		    "a section");
	n = strlen(slug);
	if (kind != AN_HOME && !slug_ok(slug, n))
		return api_error(r, 400, "p names no page");
	memset(&h, 0, sizeof(h));
	h.ua = http_req_header(r, "user-agent");
	h.accept = http_req_header(r, "accept");
	h.accept_language = http_req_header(r, "accept-language");
	if (!config.analytics || analytics_is_bot(&h)) {
		http_send_static(r, 204, NULL, "", 0);
		return 0;
	}
	if (kind != AN_HOME) {
		rc = kind == AN_ARTICLE ? store_analytics_article(r->db, slug,
		    &row) : store_section_get(r->db, slug, &row);
		if (rc != STORE_OK)
			return api_error(r, status_store(rc), rc ==
			    STORE_NOTFOUND ? "no such page" : "try again");
		own_json(r, row);
	}
	analytics_add_seconds(kind, slug, n, secs > BEACON_CAP ? BEACON_CAP :
	    secs);
	http_send_static(r, 204, NULL, "", 0);
	return 0;
}
