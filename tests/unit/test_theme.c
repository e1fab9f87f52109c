/*
 * test_theme.c — the default theme compiles, every partial it names
 * exists, and raw output ({{{x}}} or {{&x}}) appears only for view-model
 * keys ending in "_html", which only the Markdown renderer and the
 * escapers produce.  Also: theme_dir overrides and their error messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "theme.h"
#include "tpl.h"

static int raw_count, raw_bad;

static void
check_raw(void *arg, const char *tpl, int line, const char *var)
{
	size_t n = strlen(var);

	(void)arg;
	raw_count++;
	if (n < 5 || strcmp(var + n - 5, "_html") != 0) {
		fprintf(stderr, "%s:%d: raw output of \"%s\", which does not "
		    "end in _html\n", tpl, line, var);
		raw_bad++;
	}
}

static void
test_default_theme(void **state)
{
	char err[512];
	static const char *const pages[] = { "layout", "home", "article",
	    "section", "author", "tag", "type", "events", "event", "webinars",
	    "webinar", "page", "error", "partials/sidebar", "partials/menu" };
	size_t i;

	(void)state;
	assert_int_equal(theme_load(NULL, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		assert_true(tpl_set_has(theme_templates(), pages[i]));
	tpl_foreach_raw(theme_templates(), check_raw, NULL);
	assert_true(raw_count > 0);
	assert_int_equal(raw_bad, 0);
	assert_non_null(theme_asset("site.css"));
	assert_non_null(theme_asset("favicon.ico"));
	assert_string_equal(theme_asset("site.css")->ctype,
	    "text/css; charset=utf-8");
}

static void
test_render_escapes(void **state)
{
	struct buf b = BUF_INIT;
	json_t *m;
	char err[512];

	(void)state;
	assert_int_equal(theme_load(NULL, err, sizeof(err)), 0);
	m = json_pack("{s:i,s:s,s:s,s:{s:s}}", "status", 404, "reason",
	    "<script>x</script>", "message", "a\"b", "page", "title", "t'");
	assert_int_equal(tpl_render(theme_templates(), "error", m, &b), 0);
	assert_null(strstr(b.p, "<script>x"));
	assert_non_null(strstr(b.p, "&lt;script&gt;x"));
	assert_non_null(strstr(b.p, "a&quot;b"));
	json_decref(m);
	buf_free(&b);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_override(void **state)
{
	char dir[] = "/tmp/masthead-theme-XXXXXX", path[256], err[512];
	struct buf b = BUF_INIT;
	json_t *m;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/templates", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/assets", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/templates/error.mustache", dir);
	write_file(path, "custom {{status}}");
	snprintf(path, sizeof(path), "%s/assets/extra.css", dir);
	write_file(path, "body{}");
	assert_int_equal(theme_load(dir, err, sizeof(err)), 0);
	m = json_pack("{s:i}", "status", 418);
	assert_int_equal(tpl_render(theme_templates(), "error", m, &b), 0);
	assert_string_equal(b.p, "custom 418");
	assert_non_null(theme_asset("extra.css"));
	assert_non_null(theme_asset("site.css"));
	json_decref(m);
	buf_free(&b);

	/* A broken override names its file and line. */
	snprintf(path, sizeof(path), "%s/templates/home.mustache", dir);
	write_file(path, "line one\n{{#open}}\n");
	assert_int_equal(theme_load(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "home.mustache:2"));
	unlink(path);
	/* A missing partial is caught at start-up. */
	write_file(path, "{{> partials/nowhere}}\n");
	assert_int_equal(theme_load(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nowhere"));
	unlink(path);
	assert_int_equal(theme_load("/nonexistent-theme-dir", err,
	    sizeof(err)), -1);
	theme_free();
	snprintf(path, sizeof(path), "%s/templates/error.mustache", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/assets/extra.css", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/templates", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/assets", dir);
	rmdir(path);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_theme),
		cmocka_unit_test(test_render_escapes),
		cmocka_unit_test(test_override),
	};

	return cmocka_run_group_tests_name("theme", tests, NULL, NULL);
}
