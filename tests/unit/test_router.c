/*
 * test_router.c — path patterns and their captures, and the policy of
 * every row of the route table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"
#include "page.h"
#include "router.h"

struct match_case {
	const char	*pattern;
	const char	*path;
	int		 match;
	int		 nargs;
	const char	*arg0;
	const char	*arg1;
};

static const struct match_case cases[] = {
	{ "/", "/", 1, 0, NULL, NULL },
	{ "/", "/x", 0, 0, NULL, NULL },
	{ "/", "", 0, 0, NULL, NULL },
	{ "/events", "/events", 1, 0, NULL, NULL },
	{ "/events", "/events/", 0, 0, NULL, NULL },
	{ "/events", "/event", 0, 0, NULL, NULL },
	{ "/events", "/eventsx", 0, 0, NULL, NULL },
	{ "/article/:slug", "/article/us-scraps", 1, 1, "us-scraps", NULL },
	{ "/article/:slug", "/article/", 0, 0, NULL, NULL },
	{ "/article/:slug", "/article", 0, 0, NULL, NULL },
	{ "/article/:slug", "/article/a/b", 0, 0, NULL, NULL },
	{ "/article/:slug", "/articles/a", 0, 0, NULL, NULL },
	{ "/:slug", "/about-us", 1, 1, "about-us", NULL },
	{ "/:slug", "/a/b", 0, 0, NULL, NULL },
	{ "/:slug", "/", 0, 0, NULL, NULL },
	{ "/a/:x/b/:y", "/a/1/b/2", 1, 2, "1", "2" },
	{ "/a/:x/b/:y", "/a/1/c/2", 0, 0, NULL, NULL },
	{ "/api/v1/articles/:slug", "/api/v1/articles/x", 1, 1, "x", NULL },
	{ "/events/archive", "/events/archive", 1, 0, NULL, NULL },
	/* A capture with a literal suffix. */
	{ "/events/:slug.ics", "/events/big-5g.ics", 1, 1, "big-5g", NULL },
	{ "/events/:slug.ics", "/events/big-5g", 0, 0, NULL, NULL },
	{ "/events/:slug.ics", "/events/.ics", 0, 0, NULL, NULL },
	{ "/events/:slug.ics", "/events/a.ics/x", 0, 0, NULL, NULL },
	{ "/events/:slug.ics", "/events/a.icsx", 0, 0, NULL, NULL },
	{ "/sitemap-:kind-:n.xml", "/sitemap-articles-3.xml", 0, 0, NULL, NULL },
	{ "/sitemaps/:kind/:n.xml", "/sitemaps/tags/3.xml", 1, 2, "tags", "3" },
	{ "/section/:slug/feed.json", "/section/asia/feed.json", 1, 1, "asia",
	  NULL },
};

static void
test_match_table(void **state)
{
	const char *args[4];
	size_t lens[4], i;
	int n, m;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct match_case *c = &cases[i];

		m = router_match(c->pattern, c->path, strlen(c->path), args,
		    lens, 4, &n);
		if (m != c->match)
			fprintf(stderr, "case %zu: %s vs %s\n", i, c->pattern,
			    c->path);
		assert_int_equal(m, c->match);
		if (!m)
			continue;
		assert_int_equal(n, c->nargs);
		if (c->arg0 != NULL) {
			assert_int_equal(lens[0], strlen(c->arg0));
			assert_memory_equal(args[0], c->arg0, lens[0]);
		}
		if (c->arg1 != NULL) {
			assert_int_equal(lens[1], strlen(c->arg1));
			assert_memory_equal(args[1], c->arg1, lens[1]);
		}
	}
}

static void
test_capture_limit(void **state)
{
	const char *args[1];
	size_t lens[1];
	int n;

	(void)state;
	/* More captures than room is no match, never an overflow. */
	assert_int_equal(router_match("/:a/:b", "/x/y", 4, args, lens, 1, &n),
	    0);
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Says which row broke a rule before the assertion stops the test. */
static void
rule(int ok, const struct route *rt, const char *what)
{
	if (!ok)
		fprintf(stderr, "%s %s: %s\n", rt->method, rt->pattern, what);
	assert_true(ok);
}

/*
 * Walks the table: each row's policy is one the router can apply and
 * the one its place in the URL space calls for.
 */
static void
test_policy_table(void **state)
{
	const struct route *t = NULL, *rt;
	size_t n, i;
	int get, staff, api_admin, write;

	(void)state;
	t = router_table(&n);
	assert_true(n > 100);
	for (i = 0; i < n; i++) {
		rt = &t[i];
		get = strcmp(rt->method, "GET") == 0;
		write = !get;
		staff = rt->who >= WHO_CONTRIBUTOR;
		api_admin = starts(rt->pattern, "/api/v1/admin/");
		rule(rt->who >= WHO_ANYONE && rt->who < WHO__MAX, rt, "who");
		rule(rt->body >= BODY_NONE && rt->body < BODY__MAX, rt,
		    "body");
		rule(rt->csrf == 0 || rt->csrf == 1, rt, "csrf is a flag");
		/*
		 * The newsroom: staff only, as forms.  An issue's preview
		 * takes an editor's session or API token, which its
		 * handler checks (docs/newsletters.md).
		 */
		if ((strcmp(rt->pattern, "/admin") == 0 ||
		    starts(rt->pattern, "/admin/")) &&
		    rt->fn != page_newsletter_preview)
			rule(staff && rt->kind == ROUTE_FORM, rt,
			    "an /admin row is a staff form");
		/* The admin API: a token of a staff role, and why not. */
		if (api_admin)
			rule(rt->kind == ROUTE_API && staff &&
			    rt->refused != NULL && rt->refused[0] != '\0',
			    rt, "an admin API row needs a staff token");
		else
			rule(rt->refused == NULL, rt,
			    "only the admin API says why in JSON");
		/*
		 * The content API and the pages anyone reads.  The one write
		 * is the reading-time beacon: anyone's, without a cookie or
		 * a token (docs/analytics.md).
		 */
		if (rt->kind == ROUTE_API && !api_admin)
			rule(rt->who == WHO_ANYONE && (get ||
			    rt->fn == page_beacon), rt,
			    "the content API is read by anyone");
		if (rt->kind == ROUTE_PAGE || rt->kind == ROUTE_ASSET)
			rule(rt->who == WHO_ANYONE && get &&
			    rt->body == BODY_NONE && !rt->csrf, rt,
			    "a page or asset is for anyone");
		/* Reads take no body and no token. */
		if (get)
			rule(rt->body == BODY_NONE && !rt->csrf, rt,
			    "a GET reads no body");
		/*
		 * Every form that changes something carries the token...
		 * The short forms of the cached event, webinar and white
		 * paper pages (the same for everyone, so without a token)
		 * change nothing: they answer the full form, which has it.
		 */
		if (write && rt->kind == ROUTE_FORM &&
		    strcmp(rt->pattern,
		    "/newsletter/unsubscribe/:slug/:token") != 0 &&
		    strcmp(rt->pattern, "/events/:slug/register/start") != 0 &&
		    strcmp(rt->pattern, "/webinars/:slug/register/start") !=
		    0 &&
		    strcmp(rt->pattern, "/resources/:slug/access/start") != 0 &&
		    rt->body != BODY_ACTIVITY)
			rule(rt->csrf && (rt->body == BODY_FORM ||
			    rt->body == BODY_MULTIPART ||
			    rt->body == BODY_ATTACHMENT ||
			    rt->body == BODY_IMPORT), rt,
			    "a form POST carries the CSRF token");
		/* ...in a form; the API's token is its credential. */
		if (rt->csrf)
			rule(rt->kind == ROUTE_FORM, rt, "CSRF is for forms");
		if (rt->body == BODY_FORM || rt->body == BODY_MULTIPART ||
		    rt->body == BODY_ATTACHMENT || rt->body == BODY_IMPORT)
			rule(rt->kind == ROUTE_FORM || rt->fn == page_beacon,
			    rt, "forms are forms (the beacon's is the API's)");
		/*
		 * An ActivityPub inbox takes a signed activity from anyone:
		 * its signature stands for the token (docs/activitypub.md).
		 */
		if (rt->body == BODY_ACTIVITY)
			rule(rt->who == WHO_ANYONE && !rt->csrf &&
			    rt->kind == ROUTE_FORM && rt->method[0] == 'P', rt,
			    "an inbox is a signed POST for anyone");
		/* A reader's file comes with the form's token, never alone. */
		if (rt->body == BODY_ATTACHMENT)
			rule(rt->csrf && rt->method[0] == 'P', rt,
			    "a reader's file is a form POST with its token");
		if (rt->body == BODY_JSON || rt->body == BODY_UPLOAD)
			rule(rt->kind == ROUTE_API, rt, "JSON is the API's");
		/* A session is a reader's: the API knows only tokens. */
		if (rt->who == WHO_MEMBER)
			rule(rt->kind == ROUTE_FORM, rt, "members use forms");
		/* Only staff may send as much as max_upload. */
		if (rt->body == BODY_MULTIPART || rt->body == BODY_UPLOAD)
			rule(staff, rt, "uploads are staff's");
		/* An export as large as import_max_mb is an admin's. */
		if (rt->body == BODY_IMPORT)
			rule(rt->who == WHO_ADMIN && rt->csrf, rt,
			    "imports are admins'");
	}
}

/* The roles of the table are auth.h's, in the same order. */
static void
test_policy_roles(void **state)
{
	(void)state;
	assert_int_equal(ROUTE_ROLE(WHO_MEMBER), ROLE_MEMBER);
	assert_int_equal(ROUTE_ROLE(WHO_CONTRIBUTOR), ROLE_CONTRIBUTOR);
	assert_int_equal(ROUTE_ROLE(WHO_AUTHOR), ROLE_AUTHOR);
	assert_int_equal(ROUTE_ROLE(WHO_EDITOR), ROLE_EDITOR);
	assert_int_equal(ROUTE_ROLE(WHO_ADMIN), ROLE_ADMIN);
	assert_int_equal(WHO__MAX - 1, ROLE__MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_capture_limit),
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_policy_roles),
	};

	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
