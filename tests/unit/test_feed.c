/*
 * test_feed.c — the text rules of feeds and calendars: iCalendar TEXT
 * escaping, content-line folding at 75 octets without splitting a UTF-8
 * character (ical.c), and JSON-LD that no value can break out of its
 * <script>.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "escape.h"
#include "feed.h"
#include "ical.h"

struct esc_case {
	const char	*in;
	size_t		 len;
	const char	*out;
};

#define ESC(s, o)	{ (s), sizeof(s) - 1, (o) }

static const struct esc_case ics_cases[] = {
	ESC("", ""),
	ESC("plain", "plain"),
	ESC("a;b,c", "a\\;b\\,c"),
	ESC("back\\slash", "back\\\\slash"),
	ESC("two\nlines", "two\\nlines"),
	ESC("tab\there", "tab here"),
	ESC("cr\r\nlf", "cr\\nlf"),
	ESC("nul\0bell\a", "nulbell"),
	ESC("caf\xc3\xa9 \xe4\xb8\x96", "caf\xc3\xa9 \xe4\xb8\x96"),
	ESC("\\n is not a newline", "\\\\n is not a newline"),
};

static void
test_esc_ics(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ics_cases) / sizeof(ics_cases[0]); i++) {
		buf_reset(&b);
		esc_ics(&b, ics_cases[i].in, ics_cases[i].len);
		buf_putc(&b, '\0');
		if (strcmp(b.p, ics_cases[i].out) != 0)
			fprintf(stderr, "case %zu: got \"%s\"\n", i, b.p);
		assert_string_equal(b.p, ics_cases[i].out);
	}
	buf_free(&b);
}

/* Checks out: CRLF lines of at most 75 octets that unfold to in. */
static void
check_folded(const char *in, size_t n, const struct buf *out)
{
	struct buf un = BUF_INIT;
	const char *p = out->p, *end = out->p + out->len, *eol;
	int first = 1;

	assert_true(out->len >= 2);
	assert_memory_equal(end - 2, "\r\n", 2);
	while (p < end) {
		eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		assert_non_null(eol);
		assert_true(eol - p <= 75);
		if (!first) {
			assert_int_equal(*p, ' ');
			p++;
		}
		/* No line begins inside a UTF-8 sequence. */
		assert_true(p == eol || ((unsigned char)*p & 0xc0) != 0x80);
		buf_append(&un, p, (size_t)(eol - p));
		p = eol + 2;
		first = 0;
	}
	assert_int_equal(un.len, n);
	if (n > 0)
		assert_memory_equal(un.p, in, n);
	buf_free(&un);
}

static void
test_fold(void **state)
{
	static const char *const units[] = { "a", "\xc3\xa9", "\xe4\xb8\x96",
	    "\xf0\x9f\x93\xa1" };
	struct buf in = BUF_INIT, out = BUF_INIT;
	size_t u, n;

	(void)state;
	/* Every length around the limits, of 1- to 4-byte characters. */
	for (u = 0; u < 4; u++) {
		for (n = 0; n < 200; n++) {
			buf_reset(&in);
			buf_reset(&out);
			buf_puts(&in, "SUMMARY:");
			for (size_t i = 0; i < n; i++)
				buf_puts(&in, units[u]);
			ical_fold(&out, in.p, in.len);
			check_folded(in.p, in.len, &out);
		}
	}
	/* Exactly 75 octets stay on one line; 76 fold once. */
	buf_reset(&in);
	buf_reset(&out);
	for (n = 0; n < 75; n++)
		buf_putc(&in, 'x');
	ical_fold(&out, in.p, in.len);
	assert_int_equal(out.len, 77);
	buf_putc(&in, 'y');
	buf_reset(&out);
	ical_fold(&out, in.p, in.len);
	assert_int_equal(out.len, 75 + 2 + 1 + 1 + 2);
	buf_free(&in);
	buf_free(&out);
}

static void
test_script_json(void **state)
{
	const char *hostile = "</script><!-- ]]> & <b>\"q\" '\xc3\xa9'";
	json_t *v = json_pack("{s:s,s:[s]}", "headline", hostile, "x",
	    "</SCRIPT>");
	json_t *s = page_meta_script_json(v), *back;
	const char *out = json_string_value(s);

	(void)state;
	assert_non_null(out);
	assert_null(strchr(out, '<'));
	assert_null(strchr(out, '>'));
	assert_null(strchr(out, '&'));
	back = json_loads(out, 0, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back,
	    "headline")), hostile);
	json_decref(back);
	json_decref(s);
	json_decref(v);
}

/* HTML of a story as a feed carries it: URLs absolute, the rest as is. */
static const struct {
	const char	*in;
	const char	*out;
} abs_cases[] = {
	{ "<p>plain &amp; text</p>", "<p>plain &amp; text</p>" },
	{ "<img src=\"/media/a.jpg\" alt=\"x\">",
	  "<img src=\"https://n.example/media/a.jpg\" alt=\"x\">" },
	{ "<a href=\"../section/5g\">s</a>",
	  "<a href=\"https://n.example/section/5g\">s</a>" },
	{ "<a href=\"section/x\">s</a>",
	  "<a href=\"https://n.example/article/section/x\">s</a>" },
	{ "<a href=\"#notes\">n</a>",
	  "<a href=\"https://n.example/article/story#notes\">n</a>" },
	{ "<a href=\"?page=2\">n</a>",
	  "<a href=\"https://n.example/article/story?page=2\">n</a>" },
	{ "<a href=\"//cdn.example/x.js\">n</a>",
	  "<a href=\"https://cdn.example/x.js\">n</a>" },
	{ "<a href=\"/a/./b/../c/?q=1&amp;r=2#f\">n</a>",
	  "<a href=\"https://n.example/a/c/?q=1&amp;r=2#f\">n</a>" },
	{ "<a href=\"../../../x\">n</a>",
	  "<a href=\"https://n.example/x\">n</a>" },
	{ "<a href=\"..\">n</a>", "<a href=\"https://n.example/\">n</a>" },
	{ "<a href=\"\">n</a>",
	  "<a href=\"https://n.example/article/story\">n</a>" },
	/* Absolute URLs of any scheme are left as they are. */
	{ "<a href=\"https://other.example/x\">o</a>",
	  "<a href=\"https://other.example/x\">o</a>" },
	{ "<a href=\"mailto:ed@example.com\">m</a>",
	  "<a href=\"mailto:ed@example.com\">m</a>" },
	{ "<img src=\"data:image/png;base64,AAAA\">",
	  "<img src=\"data:image/png;base64,AAAA\">" },
	/* Quoting, case and spacing of raw HTML. */
	{ "<IMG SRC='/m.png' class=x>",
	  "<IMG SRC=\"https://n.example/m.png\" class=x>" },
	{ "<a href = /u/v>t</a>", "<a href = \"https://n.example/u/v\">t</a>" },
	{ "<a href=\" /sp \">t</a>", "<a href=\"https://n.example/sp\">t</a>" },
	{ "<a title=\"/not/a/url\" href=\"/y\">",
	  "<a title=\"/not/a/url\" href=\"https://n.example/y\">" },
	{ "<img src=\"/i.jpg\" srcset=\"/i-320.jpg 320w, /i-640.jpg 640w\">",
	  "<img src=\"https://n.example/i.jpg\" srcset=\"https://n.example/"
	  "i-320.jpg 320w, https://n.example/i-640.jpg 640w\">" },
	{ "<video poster=\"/p.jpg\" src=\"/v.mp4\"></video>",
	  "<video poster=\"https://n.example/p.jpg\" src=\"https://"
	  "n.example/v.mp4\"></video>" },
	{ "<a href=\"/a&#47;b\">t</a>", "<a href=\"https://n.example/a/b\">t</a>" },
	{ "<a href=\"/&copy;\">t</a>", "<a href=\"/&copy;\">t</a>" },
	{ "<a href=\"&#x6a;avascript:x\">t</a>",
	  "<a href=\"javascript:x\">t</a>" },
	/* What is not a tag is not touched. */
	{ "<!-- <a href=\"/c\"> -->", "<!-- <a href=\"/c\"> -->" },
	{ "<script>var s = '<a href=\"/s\">';</script><a href=\"/t\">",
	  "<script>var s = '<a href=\"/s\">';</script>"
	  "<a href=\"https://n.example/t\">" },
	{ "a < b > c <", "a < b > c <" },
	{ "</a><br/><br />", "</a><br/><br />" },
	{ "<a href=\"/unterminated", "<a href=\"https://n.example/unterminated\"" },
	{ "<a href", "<a href" },
	{ "<", "<" },
	{ "", "" },
};

static void
test_html_absolute(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(abs_cases) / sizeof(abs_cases[0]); i++) {
		buf_reset(&b);
		feed_html_absolute(&b, abs_cases[i].in, strlen(abs_cases[i].in),
		    "https://n.example/article/story");
		buf_putc(&b, '\0');
		if (strcmp(b.p, abs_cases[i].out) != 0)
			fprintf(stderr, "case %zu: got \"%s\"\n", i, b.p);
		assert_string_equal(b.p, abs_cases[i].out);
	}
	buf_reset(&b);
	feed_html_absolute(&b, "<a href=\"x\">", 12, "https://n.example");
	buf_putc(&b, '\0');
	assert_string_equal(b.p, "<a href=\"https://n.example/x\">");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esc_ics),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_script_json),
		cmocka_unit_test(test_html_absolute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
