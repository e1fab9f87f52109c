/*
 * test_import.c — what the import readers share (src/import.c): dates as
 * WordPress and Ghost write them, the paths of old URLs that become
 * redirects, and our slugs made from old ones.
 *
 * Cases live in tables, one row per input; a failing row is printed
 * before the assertion so it can be found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "import.h"

struct time_case {
	const char	*in;
	int64_t		 out;
};

static const struct time_case time_cases[] = {
	{ "2021-05-12 10:00:00", 1620813600 },
	{ "2021-05-12T10:00:00", 1620813600 },
	{ "2021-05-12T10:00:00.000Z", 1620813600 },
	{ "2021-05-12T10:00:00Z", 1620813600 },
	{ "2021-05-12T12:00:00+02:00", 1620813600 },
	{ "2021-05-12T08:30:00-01:30", 1620813600 },
	{ "1970-01-01 00:00:00", 0 },
	{ "2031-01-01 08:00:00", 1925020800 },
	/* A draft's date in WordPress, and things that are not dates. */
	{ "0000-00-00 00:00:00", 0 },
	{ "2021-13-01 00:00:00", 0 },
	{ "2021-05-32 00:00:00", 0 },
	{ "2021-05-12 24:00:00", 0 },
	{ "2021-05-12", 0 },
	{ "2021/05/12 10:00:00", 0 },
	{ "Wed, 12 May 2021 10:00:00 +0000", 0 },
	{ "", 0 },
	{ NULL, 0 },
};

static void
test_time_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
		const struct time_case *c = &time_cases[i];

		if (import_time(c->in) != c->out)
			print_message("row %zu: \"%s\"\n", i,
			    c->in != NULL ? c->in : "(null)");
		assert_int_equal(import_time(c->in), c->out);
	}
}

struct path_case {
	const char	*in;
	const char	*out;
};

static const struct path_case path_cases[] = {
	{ "https://old.example.com/2021/05/12/hello/", "/2021/05/12/hello/" },
	{ "http://old.example.com/hello", "/hello" },
	{ "https://old.example.com/?p=123", "/?p=123" },
	{ "https://old.example.com?p=123", "/?p=123" },
	{ "https://old.example.com/a/#comments", "/a/" },
	{ "  https://old.example.com/a/\n", "/a/" },
	/* The path is decoded, the query kept as it is. */
	{ "https://x.org/%d0%bf%d1%80/", "/\xd0\xbf\xd1\x80/" },
	{ "https://x.org/a%20b/?q=%41", "/a b/?q=%41" },
	{ "https://x.org/a%00b/", "/a%00b/" },
	{ "/relative/path/", "/relative/path/" },
	{ "https://old.example.com", "" },
	{ "not a url", "" },
	{ "", "" },
};

static void
test_path_table(void **state)
{
	char out[256];
	size_t i;

	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];

		import_url_path(c->in, out, sizeof(out));
		if (strcmp(out, c->out) != 0)
			print_message("row %zu: \"%s\" gave \"%s\"\n", i, c->in,
			    out);
		assert_string_equal(out, c->out);
	}
}

static void
test_path_cap(void **state)
{
	char out[8];

	import_url_path("https://x.org/a-long-path/", out, sizeof(out));
	assert_string_equal(out, "/a-long");
	import_url_path(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

struct slug_case {
	const char	*old, *title, *fallback;
	const char	*out;
};

static const struct slug_case slug_cases[] = {
	{ "hello-world", "Ignored", "post-1", "hello-world" },
	{ "Hello_World", NULL, "post-1", "hello-world" },
	{ "", "A Title: Here", "post-1", "a-title-here" },
	{ NULL, "Title", "post-1", "title" },
	/* Another script: the title, then the fallback. */
	{ "%d0%bf%d1%80%d0%b8", "Plain title", "post-1", "plain-title" },
	{ "%d0%bf%d1%80%d0%b8", "\xd0\x9f\xd1\x80\xd0\xb8", "post-104",
	    "post-104" },
	{ "2021-%d0%bf", "x", "post-1", "2021" },
	{ "", "", "author", "author" },
};

static void
test_slug_table(void **state)
{
	char out[128];
	size_t i;

	for (i = 0; i < sizeof(slug_cases) / sizeof(slug_cases[0]); i++) {
		const struct slug_case *c = &slug_cases[i];

		import_slug(c->old, c->title, c->fallback, out, sizeof(out));
		if (strcmp(out, c->out) != 0)
			print_message("row %zu gave \"%s\"\n", i, out);
		assert_string_equal(out, c->out);
	}
}

static void
test_kind_names(void **state)
{
	int k;

	for (k = 0; k < IMPORT_KIND__MAX; k++)
		assert_non_null(import_kind_name((enum import_kind)k));
	assert_string_equal(import_kind_name(IMPORT_POST), "post");
	assert_string_equal(import_kind_name(IMPORT_KIND__MAX), "item");
}

/* Yoast's variables: the known ones replaced, any other drops it. */
static void
test_yoast_table(void **state)
{
	static const struct {
		const char	*tpl;
		int		 rc;
		const char	*out;
	} cases[] = {
		{ "%%title%% %%page%% %%sep%% %%sitename%%", 0,
		    "Fiber - Old Site" },
		{ "%%sitename%%: %%title%%", 0, "Old Site: Fiber" },
		{ "  About %%excerpt%%  ", 0, "About The dek" },
		{ "Plain words", 0, "Plain words" },
		{ "Line\nbreak\t and  tab", 0, "Line break and tab" },
		{ "%%primary_category%% %%sep%% %%title%%", -1, NULL },
		{ "%%title%% %%cf_price%%", -1, NULL },
		{ "50%% off %%title%%", -1, NULL },
		{ "%%title", -1, NULL },
		{ "%%page%%", -1, NULL },
		{ "", -1, NULL },
	};
	char out[64], tiny[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = import_yoast(cases[i].tpl, "Fiber", "Old Site",
		    "The dek", out, sizeof(out));

		assert_int_equal(rc, cases[i].rc);
		if (rc == 0)
			assert_string_equal(out, cases[i].out);
	}
	/* Too long for out: no override rather than a cut one. */
	assert_int_equal(import_yoast("%%sitename%% and more", "t", "Old Site",
	    "", tiny, sizeof(tiny)), -1);
	assert_int_equal(import_yoast("Short", "t", "s", "", tiny,
	    sizeof(tiny)), 0);
	assert_string_equal(tiny, "Short");
}

/*
 * A gallery waits for the end of the file while one of its attachments
 * is not known yet; a gallery without ids, or with a malformed list,
 * never becomes a figure and so never waits.
 */
static void
test_gallery_pending_table(void **state)
{
	static const struct {
		const char	*html;
		int		 pending;
	} cases[] = {
		{ "<p>no gallery</p>", 0 },
		{ "[gallery ids=\"1,2\"]", 0 },
		{ "[gallery ids=\"1, 2\" columns=\"2\"]", 0 },
		{ "[gallery ids='2']", 0 },
		{ "[gallery ids=\"1,3\"]", 1 },
		{ "[gallery ids=\"1\"] and [gallery ids=\"9\"]", 1 },
		{ "[gallery]", 0 },
		{ "[gallery ids=\"\"]", 0 },
		{ "[gallery ids=\"1,,3\"]", 0 },
		{ "[gallery ids=\"3\"", 0 },
		{ "[galleryx ids=\"3\"]", 0 },
	};
	json_t *att = json_pack("{s:s,s:s}", "1", "https://x.org/a.png", "2",
	    "https://x.org/b.png");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = import_gallery_pending(cases[i].html, att);

		if (got != cases[i].pending)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].html);
		assert_int_equal(got, cases[i].pending);
	}
	json_decref(att);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_table),
		cmocka_unit_test(test_path_table),
		cmocka_unit_test(test_path_cap),
		cmocka_unit_test(test_slug_table),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_yoast_table),
		cmocka_unit_test(test_gallery_pending_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
