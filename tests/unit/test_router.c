/*
 * test_router.c — path patterns and their captures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_capture_limit),
	};

	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
