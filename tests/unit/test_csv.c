/*
 * test_csv.c — the strict CSV reader of the subscriber import: what it
 * reads (quotes, doubled quotes, line breaks inside quotes, CRLF or LF,
 * a last line without its break, a byte-order mark), every way a file
 * is refused with the line it is on, and the UTF-8 check.  Cases in
 * tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "csv.h"

struct csv_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;		/* "@line:" then "field|" per field, ";" per record; "!line" on error */
};

static const struct csv_case cases[] = {
	{ "a,b\r\nc,d\r\n", 0, "@1:a|b|;@2:c|d|;" },
	{ "a,b\nc,d", 0, "@1:a|b|;@2:c|d|;" },
	{ "\xef\xbb\xbf" "email\nx@y\n", 0, "@1:email|;@2:x@y|;" },
	{ "\"x,y\",\"he said \"\"hi\"\"\"\n", 0, "@1:x,y|he said \"hi\"|;" },
	{ "\"two\nlines\",z\nnext\n", 0, "@1:two\nlines|z|;@3:next|;" },
	{ "\"cr\r\nlf\",z\r\nnext\r\n", 0, "@1:cr\r\nlf|z|;@3:next|;" },
	{ ",,\n\n", 0, "@1:|||;@2:|;" },
	{ "\"\"\n", 0, "@1:|;" },
	{ "", 0, "" },
	{ "a\"b\n", 0, "!1" },
	{ "ok\n\"open\nstill open", 0, "@1:ok|;!2" },
	{ "\"x\"y\n", 0, "!1" },
	{ "\"x\" ,y\n", 0, "!1" },
	{ "a,b\nc\0d\n", 8, "@1:a|b|;!2" },
	{ "a\rb\n", 0, "!1" },
	{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
	  "25,26,27,28,29,30,31,32\n", 0, "@1:1|2|3|4|5|6|7|8|9|10|11|12|13|14|"
	  "15|16|17|18|19|20|21|22|23|24|25|26|27|28|29|30|31|32|;" },
	{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
	  "25,26,27,28,29,30,31,32,33\n", 0, "!1" },
};

static void
test_records(void **state)
{
	struct buf got = BUF_INIT;
	struct csv c;
	char err[200];
	size_t k;
	int i, rc;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct csv_case *t = &cases[k];

		buf_reset(&got);
		csv_init(&c, t->in, t->len ? t->len : strlen(t->in));
		while ((rc = csv_next(&c, err, sizeof(err))) == 1) {
			buf_printf(&got, "@%d:", c.start);
			for (i = 0; i < c.n; i++)
				buf_printf(&got, "%s|", csv_field(&c, i));
			buf_putc(&got, ';');
		}
		if (rc < 0) {
			buf_printf(&got, "!%d", c.start);
			assert_true(err[0] != '\0');
		}
		csv_free(&c);
		buf_putc(&got, '\0');
		if (strcmp(got.p, t->want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", k, got.p,
			    t->want);
	}
	buf_free(&got);
}

static const struct {
	const char	*in;
	int		 line;	/* 0: valid */
} utf8[] = {
	{ "plain ascii\n", 0 },
	{ "Ren\xc3\xa9" "e \xe2\x82\xac \xf0\x9f\x93\xb0\n", 0 },
	{ "a\nRen\xe9" "e\n", 2 },
	{ "\xc0\xaf", 1 },			/* overlong "/" */
	{ "\xe0\x80\xaf", 1 },			/* overlong, three bytes */
	{ "\xed\xa0\x80", 1 },			/* a surrogate */
	{ "\xf4\x90\x80\x80", 1 },		/* past U+10FFFF */
	{ "a\nb\n\xe2\x82", 3 },		/* cut short */
	{ "\x80", 1 },				/* a lone continuation byte */
};

static void
test_utf8(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(utf8) / sizeof(utf8[0]); k++)
		if (csv_utf8_line(utf8[k].in, strlen(utf8[k].in)) != utf8[k].line)
			fail_msg("utf8 case %zu: got line %d, want %d", k,
			    csv_utf8_line(utf8[k].in, strlen(utf8[k].in)),
			    utf8[k].line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
