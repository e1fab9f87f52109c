/*
 * test_tpl.c — the Mustache engine against the official spec, plus
 * masthead's own requirements: error positions, bounded recursion, raw-tag
 * reporting, output limits and rendering from many threads.
 *
 * Every spec case becomes its own cmocka test named "file: case", so the
 * TAP output lists each one.  The spec lives outside the repository, in
 * ../shared/conformance/mustache (or $MUSTACHE_SPEC_DIR); without it the
 * suite fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <jansson.h>

#include "buf.h"
#include "tpl.h"
#include "util.h"

#define SPEC_DIR	"../shared/conformance/mustache"
#define SPEC_MAIN	"(spec template)"

/* The optional modules we implement; ~lambdas needs functions in the data. */
static const char *spec_files[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials",
	"sections", "~inheritance", "~dynamic-names",
};

/* Compiles the named sources into a new set, failing the test on error. */
static struct tpl_set *
mkset(const char *first, ...)
{
	struct tpl_set *set = tpl_set_new();
	const char *name, *src;
	char err[256];
	va_list ap;

	va_start(ap, first);
	for (name = first; name != NULL; name = va_arg(ap, const char *)) {
		src = va_arg(ap, const char *);
		if (tpl_set_add(set, name, src, strlen(src), name, err,
		    sizeof(err)) != 0)
			fail_msg("compiling %s: %s", name, err);
	}
	va_end(ap);
	return set;
}

/* Renders with a context given as JSON text; returns malloc'd output. */
static char *
render(const struct tpl_set *set, const char *name, const char *json)
{
	struct buf b = BUF_INIT;
	json_t *ctx = json_loads(json, JSON_DECODE_ANY, NULL);
	char err[256];
	int rc;

	assert_non_null(ctx);
	rc = tpl_render_err(set, name, ctx, &b, err, sizeof(err));
	json_decref(ctx);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static void
expect(const char *tplsrc, const char *json, const char *want)
{
	struct tpl_set *set = mkset("t", tplsrc, NULL);
	char *got = render(set, "t", json);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	tpl_set_free(set);
}

/* Spec cases */

static void
spec_case(void **state)
{
	json_t *test = *state, *partials, *v;
	struct tpl_set *set = tpl_set_new();
	struct buf b = BUF_INIT;
	const char *key, *want;
	char err[256];
	int rc;

	partials = json_object_get(test, "partials");
	json_object_foreach(partials, key, v) {
		if (tpl_set_add(set, key, json_string_value(v),
		    json_string_length(v), key, err, sizeof(err)) != 0)
			fail_msg("partial %s: %s", key, err);
	}
	v = json_object_get(test, "template");
	if (tpl_set_add(set, SPEC_MAIN, json_string_value(v),
	    json_string_length(v), "template", err, sizeof(err)) != 0)
		fail_msg("template: %s", err);
	rc = tpl_render_err(set, SPEC_MAIN, json_object_get(test, "data"), &b,
	    err, sizeof(err));
	if (rc != 0)
		fail_msg("render: %s", err);
	want = json_string_value(json_object_get(test, "expected"));
	if (strcmp(b.p != NULL ? b.p : "", want) != 0) {
		print_error("template: %s\nexpected: [%s]\n     got: [%s]\n",
		    json_string_value(v), want, b.p != NULL ? b.p : "");
		fail();
	}
	buf_free(&b);
	tpl_set_free(set);
}

/* Own tests */

static void
test_errors(void **state)
{
	static const struct {
		const char *src, *err;
	} cases[] = {
		{ "a\n{{#x}}\nfoo\n", "t.mustache:2: unclosed section 'x'" },
		{ "{{#a}}\n\n{{/b}}", "t.mustache:3: closing tag 'b' does not "
		    "match 'a' opened on line 1" },
		{ "x\n\n{{foo", "t.mustache:3: unclosed tag" },
		{ "x\n{{{foo}}", "t.mustache:2: unclosed tag" },
		{ "{{/a}}", "t.mustache:1: unexpected closing tag 'a'" },
		{ "\n\n\n{{ }}", "t.mustache:4: empty tag" },
		{ "{{a b}}", "t.mustache:1: invalid name 'a b'" },
		{ "{{a..b}}", "t.mustache:1: invalid name 'a..b'" },
		{ "{{=<%>=}}", "t.mustache:1: invalid delimiters '<%>'" },
		{ "{{<p}}\n{{$b}}\n{{/p}}", "t.mustache:3: closing tag 'p' "
		    "does not match 'b' opened on line 2" },
		{ "{{=<% %>=}}\n<%#a%>\n", "t.mustache:2: unclosed section 'a'" },
	};
	struct tpl_set *set = tpl_set_new();
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		assert_int_equal(tpl_set_add(set, "t", cases[i].src,
		    strlen(cases[i].src), "t.mustache", err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].err);
	}
	/* A failed compile leaves the set as it was. */
	assert_int_equal(tpl_set_has(set, "t"), 0);
	tpl_set_free(set);
}

/*
 * Found by fuzz_tpl under UBSan: a template whose only name is "." has
 * no parts array, and looking "." up offset the NULL pointer.
 */
static void
test_dot_only(void **state)
{
	expect("{{.}}", "\"x<y\"", "x&lt;y");
	expect("[{{.}}|{{{.}}}]", "3", "[3|3]");
}

static void
test_nesting_limit(void **state)
{
	struct tpl_set *set = tpl_set_new();
	struct buf src = BUF_INIT;
	char err[256];
	int i;

	for (i = 0; i < 65; i++)
		buf_puts(&src, "{{#a}}");
	assert_int_equal(tpl_set_add(set, "t", src.p, src.len, "t", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "t:1: sections nest deeper than 64");
	buf_free(&src);
	tpl_set_free(set);
}

static void
test_recursion(void **state)
{
	struct tpl_set *set = mkset(
	    "self", "x{{>self}}",
	    "guarded", "{{#a}}{{>guarded}}{{/a}}",
	    "parent", "{{<parent}}{{/parent}}",
	    "dyn", "{{>*me}}",
	    "mutual1", "{{>mutual2}}", "mutual2", "{{>mutual1}}", NULL);
	static const char *names[] = { "self", "guarded", "parent", "dyn",
	    "mutual1" };
	struct buf b = BUF_INIT;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		json_t *ctx = json_pack("{s:b, s:s}", "a", 1, "me", "dyn");

		buf_reset(&b);
		assert_int_equal(tpl_render_err(set, names[i], ctx, &b, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "nest too deeply"));
		json_decref(ctx);
	}
	/* Output stops where the limit hit: the top level and 64 partials. */
	buf_reset(&b);
	assert_int_equal(tpl_render(set, "self", NULL, &b), -1);
	assert_int_equal(b.len, 1 + TPL_MAX_DEPTH);
	buf_free(&b);
	tpl_set_free(set);
}

struct raw_seen {
	char	 text[512];
};

static void
raw_cb(void *arg, const char *tpl, int line, const char *var)
{
	struct raw_seen *s = arg;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "%s:%d:%s;", tpl, line, var);
}

static void
test_foreach_raw(void **state)
{
	struct tpl_set *set = mkset(
	    "article", "<h1>{{title}}</h1>\n{{{body_html}}}\n\n{{& a.b }}",
	    "partials/x", "{{#s}}\n{{{.}}}{{/s}}{{x}}",
	    "plain", "{{x}} {{! {{{not}}} }}", NULL);
	struct raw_seen s;

	memset(&s, 0, sizeof(s));
	tpl_foreach_raw(set, raw_cb, &s);
	assert_string_equal(s.text,
	    "article:2:body_html;article:4:a.b;partials/x:2:.;");
	tpl_set_free(set);
}

static void
test_buffer_cap(void **state)
{
	struct tpl_set *set = mkset("t",
	    "{{#list}}0123456789{{.}}{{/list}}", NULL);
	json_t *ctx = json_pack("{s:[iiiiiiii]}", "list", 1, 2, 3, 4, 5, 6, 7,
	    8);
	struct buf b;
	char err[256];

	buf_init(&b, 50);
	assert_int_equal(tpl_render_err(set, "t", ctx, &b, err, sizeof(err)),
	    -1);
	assert_int_equal(buf_err(&b), BUF_TOO_LARGE);
	assert_non_null(strstr(err, "larger than its limit"));
	assert_true(b.len <= 50);

	/* With room, the same render succeeds. */
	buf_free(&b);
	buf_init(&b, 1000);
	assert_int_equal(tpl_render(set, "t", ctx, &b), 0);
	assert_int_equal(b.len, 88);
	buf_free(&b);
	json_decref(ctx);
	tpl_set_free(set);
}

static void
test_check(void **state)
{
	struct tpl_set *set = mkset(
	    "layout", "{{$body}}{{/body}}",
	    "article", "a\n{{<layout}}{{$body}}\n{{>byline}}\n{{/body}}"
	    "{{/layout}}\n{{>*dyn}}", NULL);
	char err[256];
	char *got;

	assert_int_equal(tpl_set_check(set, err, sizeof(err)), -1);
	assert_string_equal(err, "article:3: unknown partial 'byline'");
	/* A missing partial still renders as nothing. */
	got = render(set, "article", "{}");
	assert_string_equal(got, "a\n");
	free(got);

	assert_int_equal(tpl_set_add(set, "byline", "by {{who}}\n", 11,
	    "byline.mustache", err, sizeof(err)), 0);
	assert_int_equal(tpl_set_check(set, err, sizeof(err)), 0);
	got = render(set, "article", "{\"who\": \"<Ann>\"}");
	assert_string_equal(got, "a\nby &lt;Ann&gt;\n");
	free(got);
	tpl_set_free(set);
}

/*
 * Look-ups are remembered per object and name for the rest of a render,
 * and equal name parts of a template share one string; these are the
 * cases where a wrong key would show.
 */
static void
test_lookup_memo(void **state)
{
	/* A name some items have and others lack, and one only the root has. */
	expect("{{#l}}[{{n}}:{{r}}{{n}}]{{/l}}{{n}}",
	    "{\"n\": \"root\", \"r\": \"R\", \"l\": [{\"n\": 1},"
	    " {}, {\"n\": 3}, {}]}",
	    "[1:R1][root:Rroot][3:R3][root:Rroot]root");
	/* The same part in different places of dotted names. */
	expect("{{a.b}}|{{b}}|{{#a}}{{b}}{{/a}}|{{b.a}}|{{a.a}}",
	    "{\"a\": {\"b\": 1, \"a\": 2}, \"b\": {\"a\": 3}}",
	    "1||1|3|2");
	/* The middle level changes: the same tag sees each list's own name. */
	expect("{{#o}}{{#i}}{{k}}{{/i}};{{/o}}",
	    "{\"k\": \"-\", \"o\": [{\"k\": \"a\", \"i\": [1, 2]},"
	    " {\"i\": [1]}, {\"k\": \"c\", \"i\": [1, 2]}]}",
	    "aa;-;cc;");
	/* One object reached through two paths keeps each path's lower levels. */
	{
		struct tpl_set *set = mkset("t", "{{#a}}{{#x}}{{v}}{{/x}}{{/a}}"
		    "{{#b}}{{#x}}{{v}}{{/x}}{{/b}}", NULL);
		json_t *x = json_pack("[{}]");
		json_t *ctx = json_pack("{s:{s:i,s:O},s:{s:i,s:O}}",
		    "a", "v", 1, "x", x, "b", "v", 2, "x", x);
		struct buf b = BUF_INIT;

		assert_non_null(ctx);
		assert_int_equal(tpl_render(set, "t", ctx, &b), 0);
		assert_string_equal(b.p, "12");
		buf_free(&b);
		json_decref(ctx);
		json_decref(x);
		tpl_set_free(set);
	}
	/* A partial looks up the same names in the same objects. */
	{
		struct tpl_set *set = mkset(
		    "t", "{{#l}}{{s.t}}{{>p}}{{/l}}",
		    "p", "<{{s.t}}{{#f}}!{{/f}}>", NULL);
		char *got = render(set, "t", "{\"s\": {\"t\": \"T\"},"
		    " \"l\": [{}, {\"f\": true}, {\"s\": {\"t\": 0}}]}");

		assert_string_equal(got, "T<T>T<T!>0<0>");
		free(got);
		tpl_set_free(set);
	}
	/* A null value is found, and hides the name further down. */
	expect("{{#l}}[{{#v}}x{{/v}}{{^v}}y{{/v}}]{{/l}}",
	    "{\"v\": 1, \"l\": [{\"v\": null}, {}]}", "[y][x]");
	/* Two renders of one set, each with its own context. */
	{
		struct tpl_set *set = mkset("t", "{{a}}{{#l}}{{a}}{{/l}}", NULL);
		char *got = render(set, "t", "{\"a\": 1, \"l\": [{}]}");

		assert_string_equal(got, "11");
		free(got);
		got = render(set, "t", "{\"a\": 2, \"l\": [{\"a\": 3}]}");
		assert_string_equal(got, "23");
		free(got);
		tpl_set_free(set);
	}
}

static void
test_values(void **state)
{
	/* Our escaper also covers the apostrophe; the spec never tests it. */
	expect("{{a}}|{{{a}}}", "{\"a\": \"it's <b>\"}",
	    "it&#39;s &lt;b&gt;|it's <b>");
	expect("{{i}} {{r}} {{h}} {{n}} {{t}} {{f}} {{z}} {{o}}",
	    "{\"i\": -42, \"r\": 1.5, \"h\": 0.1, \"n\": null, \"t\": true,"
	    " \"f\": false, \"z\": 1e300, \"o\": {\"x\": 1}}",
	    "-42 1.5 0.1  true false 1e+300 ");
	/* The empty string is falsey; numbers, even 0, are truthy. */
	expect("{{#s}}s{{/s}}{{^s}}!s{{/s}} {{#z}}z={{z}}{{/z}} "
	    "{{#e}}e{{/e}}{{^e}}!e{{/e}} {{#o}}o{{/o}}",
	    "{\"s\": \"\", \"z\": 0, \"e\": [], \"o\": {}}", "!s z=0 !e o");
	expect("{{#a}}{{b}}{{/a}}", "{\"a\": {\"b\": \"x\"}, \"b\": \"y\"}",
	    "x");
	/* A NULL context is an empty one. */
	{
		struct tpl_set *set = mkset("t", "[{{a}}{{.}}]", NULL);
		struct buf b = BUF_INIT;

		assert_int_equal(tpl_render(set, "t", NULL, &b), 0);
		assert_string_equal(b.p, "[]");
		buf_free(&b);
		tpl_set_free(set);
	}
}

static void
test_inheritance_own(void **state)
{
	struct tpl_set *set = mkset(
	    "layout", "<html>\n  <body>\n    {{$main}}\n    default\n"
	    "    {{/main}}\n  </body>\n</html>\n",
	    "page", "{{<layout}}\n{{$main}}\n<p>{{title}}</p>\n<p>two</p>\n"
	    "{{/main}}\n{{/layout}}\n",
	    "item", "  * {{.}}\n",
	    "list", "<ul>\n{{#items}}\n  {{>item}}\n{{/items}}\n</ul>\n",
	    NULL);
	char *got;

	got = render(set, "page", "{\"title\": \"T\"}");
	assert_string_equal(got, "<html>\n  <body>\n    <p>T</p>\n"
	    "    <p>two</p>\n  </body>\n</html>\n");
	free(got);
	got = render(set, "layout", "{}");
	assert_string_equal(got, "<html>\n  <body>\n    default\n"
	    "  </body>\n</html>\n");
	free(got);
	got = render(set, "list", "{\"items\": [\"a\", \"b\"]}");
	assert_string_equal(got, "<ul>\n    * a\n    * b\n</ul>\n");
	free(got);
	tpl_set_free(set);
}

static void
test_replace_and_many(void **state)
{
	struct tpl_set *set = tpl_set_new();
	char name[32], src[64], err[256], *got;
	int i;

	/* Enough templates to make the name index grow several times. */
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		snprintf(src, sizeof(src), "<%d>{{>t%d}}", i, i + 1);
		assert_int_equal(tpl_set_add(set, name, src, strlen(src), name,
		    err, sizeof(err)), 0);
	}
	assert_int_equal(tpl_set_has(set, "t299"), 1);
	assert_int_equal(tpl_set_has(set, "t300"), 0);
	got = render(set, "t250", "{}");
	assert_string_equal(got, "<250><251><252><253><254><255><256><257>"
	    "<258><259><260><261><262><263><264><265><266><267><268><269>"
	    "<270><271><272><273><274><275><276><277><278><279><280><281>"
	    "<282><283><284><285><286><287><288><289><290><291><292><293>"
	    "<294><295><296><297><298><299>");
	free(got);
	assert_int_equal(tpl_set_add(set, "t251", "new", 3, "t251", err,
	    sizeof(err)), 0);
	assert_int_equal(tpl_set_add(set, "t252", "{{#", 3, "t252", err,
	    sizeof(err)), -1);
	got = render(set, "t250", "{}");
	assert_string_equal(got, "<250>new");
	free(got);
	assert_null(render(set, "nope", "{}"));
	tpl_set_free(set);
}

/* The article page used by the thread and speed tests. */
static const char *page_layout =
    "<!doctype html>\n<html lang=\"{{site.lang}}\">\n<head>\n"
    "  <title>{{$title}}{{site.name}}{{/title}}</title>\n"
    "  {{#site.feeds}}\n  <link rel=\"alternate\" href=\"{{url}}\">\n"
    "  {{/site.feeds}}\n</head>\n<body>\n  {{>partials/header}}\n"
    "  <main>\n    {{$main}}{{/main}}\n  </main>\n"
    "  {{>partials/footer}}\n</body>\n</html>\n";
static const char *page_header =
    "<header><a href=\"/\">{{site.name}}</a>\n<nav>\n{{#site.sections}}\n"
    "  <a href=\"/s/{{slug}}\"{{#current}} aria-current=\"page\"{{/current}}"
    ">{{name}}</a>\n{{/site.sections}}\n</nav></header>\n";
static const char *page_footer =
    "<footer>&copy; {{site.year}} {{site.name}}</footer>\n";
static const char *page_article =
    "{{<layout}}\n{{$title}}{{article.title}} | {{site.name}}{{/title}}\n"
    "{{$main}}\n<article>\n  <h1>{{article.title}}</h1>\n"
    "  <p class=\"byline\">By {{#article.authors}}{{name}} {{/article.authors}}"
    "on {{article.date}}</p>\n  {{^article.published}}<p>Draft</p>"
    "{{/article.published}}\n  {{{article.body_html}}}\n  <ul class=\"tags\">\n"
    "  {{#article.tags}}\n    <li><a href=\"/t/{{.}}\">{{.}}</a></li>\n"
    "  {{/article.tags}}\n  </ul>\n</article>\n<aside>\n"
    "{{#related}}\n  <a href=\"/a/{{id}}\">{{title}}</a>\n{{/related}}\n"
    "</aside>\n{{/main}}\n{{/layout}}\n";

static struct tpl_set *
page_set(void)
{
	return mkset("layout", page_layout, "partials/header", page_header,
	    "partials/footer", page_footer, "article", page_article, NULL);
}

static json_t *
page_ctx(void)
{
	json_t *ctx, *paras, *related;
	struct buf body = BUF_INIT;
	int i;

	for (i = 0; i < 12; i++)
		buf_printf(&body, "<p>Paragraph %d of the story, with enough "
		    "words to look like news copy &amp; a link.</p>\n", i);
	related = json_array();
	for (i = 0; i < 6; i++)
		json_array_append_new(related, json_pack("{s:i, s:s}", "id",
		    1000 + i, "title", "A related story & more"));
	paras = json_pack("{s:s, s:s, s:b, s:s, s:[{s:s}, {s:s}], s:[s,s,s,s]}",
	    "title", "Council <votes> on \"budget\"", "date", "2024-05-01",
	    "published", 1, "body_html", body.p, "authors", "name", "Ann",
	    "name", "Bob", "tags", "politics", "city", "budget", "council");
	ctx = json_pack("{s:{s:s, s:s, s:i, s:[{s:s}], s:[{s:s, s:s, s:b},"
	    " {s:s, s:s, s:b}, {s:s, s:s, s:b}]}, s:o, s:o}",
	    "site", "name", "The Masthead", "lang", "en", "year", 2024,
	    "feeds", "url", "/feed.xml", "sections",
	    "slug", "news", "name", "News", "current", 1,
	    "slug", "sport", "name", "Sport", "current", 0,
	    "slug", "arts", "name", "Arts & Culture", "current", 0,
	    "article", paras, "related", related);
	buf_free(&body);
	assert_non_null(ctx);
	return ctx;
}

struct thread_arg {
	const struct tpl_set	*set;
	json_t			*ctx;
	const char		*want;
	int			 bad;
};

static void *
thread_main(void *p)
{
	struct thread_arg *a = p;
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 500; i++) {
		buf_reset(&b);
		if (tpl_render(a->set, "article", a->ctx, &b) != 0 ||
		    strcmp(b.p, a->want) != 0)
			a->bad++;
	}
	buf_free(&b);
	return NULL;
}

static void
test_threads(void **state)
{
	struct tpl_set *set = page_set();
	json_t *ctx = page_ctx();
	struct thread_arg args[8];
	pthread_t th[8];
	struct buf b = BUF_INIT;
	int i;

	assert_int_equal(tpl_render(set, "article", ctx, &b), 0);
	assert_non_null(strstr(b.p, "  <title>Council &lt;votes&gt; on "
	    "&quot;budget&quot; | The Masthead</title>\n"));
	assert_non_null(strstr(b.p, "    <li><a href=\"/t/city\">city</a>"
	    "</li>\n"));
	assert_non_null(strstr(b.p, "  <a href=\"/s/news\" aria-current="
	    "\"page\">News</a>\n"));
	assert_null(strstr(b.p, "Draft"));
	for (i = 0; i < 8; i++) {
		args[i].set = set;
		args[i].ctx = ctx;
		args[i].want = b.p;
		args[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, thread_main,
		    &args[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].bad, 0);
	}
	buf_free(&b);
	json_decref(ctx);
	tpl_set_free(set);
}

static void
test_speed(void **state)
{
	struct tpl_set *set = page_set();
	json_t *ctx = page_ctx();
	struct buf b = BUF_INIT;
	uint64_t t0, t1;
	int i, n = 5000;

	t0 = now_mono_usec();
	for (i = 0; i < n; i++) {
		buf_reset(&b);
		assert_int_equal(tpl_render(set, "article", ctx, &b), 0);
	}
	t1 = now_mono_usec();
	/* Reported, not asserted: sanitizer builds are many times slower. */
	printf("# article page (%zu bytes): %.2f us per render\n", b.len,
	    (double)(t1 - t0) / n);
	buf_free(&b);
	json_decref(ctx);
	tpl_set_free(set);
}

/* Test list */

static struct CMUnitTest *tests;
static size_t ntests, captests;

static void
add_test(const char *name, CMUnitTestFunction fn, void *state)
{
	struct CMUnitTest *t;

	if (ntests == captests) {
		captests = captests ? captests * 2 : 64;
		tests = xrealloc(tests, captests * sizeof(*tests));
	}
	t = &tests[ntests++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->test_func = fn;
	t->initial_state = state;
}

/* Adds one test per case of every spec file; returns the files' JSON. */
static json_t *
add_spec_tests(void)
{
	const char *dir = getenv("MUSTACHE_SPEC_DIR");
	json_t *all = json_array(), *doc, *cases, *c;
	char path[1024], *name;
	json_error_t jerr;
	struct stat st;
	size_t i, j;

	if (dir == NULL || *dir == '\0')
		dir = SPEC_DIR;
	if (stat(dir, &st) != 0) {
		/* The spec suite must run: its absence is a failure. */
		fprintf(stderr, "%s: the mustache spec suite is absent "
		    "(../shared is not checked out)\n", dir);
		add_test(xstrdup(dir), NULL, NULL);
		return all;
	}
	printf("# mustache spec suite from %s; ~lambdas.json skipped: "
	    "JSON contexts have no functions\n", dir);
	for (i = 0; i < ARRAY_SIZE(spec_files); i++) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, spec_files[i]);
		if ((doc = json_load_file(path, 0, &jerr)) == NULL) {
			/* A broken or missing file must fail, not vanish. */
			fprintf(stderr, "%s: %s\n", path, jerr.text);
			add_test(xstrdup(path), NULL, NULL);
			continue;
		}
		json_array_append_new(all, doc);
		cases = json_object_get(doc, "tests");
		printf("# %s.json: %zu cases\n", spec_files[i],
		    json_array_size(cases));
		json_array_foreach(cases, j, c) {
			size_t n = strlen(spec_files[i]) + 3 +
			    strlen(json_string_value(json_object_get(c,
			    "name")));

			name = xmalloc(n);
			snprintf(name, n, "%s: %s", spec_files[i],
			    json_string_value(json_object_get(c, "name")));
			add_test(name, spec_case, c);
		}
	}
	return all;
}

static void
missing_file(void **state)
{
	fail_msg("spec file could not be read");
}

int
main(void)
{
	json_t *docs;
	size_t i, nspec;
	int rc;

	docs = add_spec_tests();
	nspec = ntests;
	for (i = 0; i < nspec; i++)
		if (tests[i].test_func == NULL)
			tests[i].test_func = missing_file;
	add_test("own: error messages carry file:line", test_errors, NULL);
	add_test("own: a template whose only name is \".\"", test_dot_only, NULL);
	add_test("own: compile nesting limit", test_nesting_limit, NULL);
	add_test("own: recursion is bounded", test_recursion, NULL);
	add_test("own: tpl_foreach_raw", test_foreach_raw, NULL);
	add_test("own: output limit propagates", test_buffer_cap, NULL);
	add_test("own: tpl_set_check", test_check, NULL);
	add_test("own: values, escaping, truthiness", test_values, NULL);
	add_test("own: remembered look-ups", test_lookup_memo, NULL);
	add_test("own: layouts and indentation", test_inheritance_own, NULL);
	add_test("own: replacing and many templates", test_replace_and_many,
	    NULL);
	add_test("own: concurrent renders", test_threads, NULL);
	add_test("own: speed", test_speed, NULL);
	fflush(stdout);

	rc = _cmocka_run_group_tests("tpl", tests, ntests, NULL, NULL);
	for (i = 0; i < nspec; i++)
		free((char *)tests[i].name);
	free(tests);
	json_decref(docs);
	return rc;
}
