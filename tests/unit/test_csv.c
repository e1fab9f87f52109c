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
	/* A line break inside quotes only where the caller allows one. */
	{ "\"two\nlines\",z\n", 0, "!1" },
	{ "a,\"b\rc\"\n", 0, "!1" },
	/* Fields are text: no control characters, noncharacters or bad bytes. */
	{ "a,b\tc\n", 0, "@1:a|b\tc|;" },
	{ "a,b\nc,d\x01\n", 0, "@1:a|b|;!2" },
	{ "\"x\x1b\"\n", 0, "!1" },
	{ "x\x7f\n", 0, "!1" },
	{ "x\xc2\x85\n", 0, "!1" },
	{ "x\xef\xbf\xbe\n", 0, "!1" },
	{ "ok\nx\xc0\xaf\n", 0, "@1:ok|;!2" },
	{ "x\xc3", 0, "!1" },
	{ "\xc3\xa9,\xe2\x82\xac,\xf0\x9f\x93\xb0\n", 0,
	  "@1:\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x93\xb0|;" },
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

/* Cases where the first field (bit 0) or the second (bit 1) may hold breaks. */
static const struct {
	uint32_t	 multiline;
	struct csv_case	 t;
} ml_cases[] = {
	{ 1, { "\"two\nlines\",z\nnext\n", 0, "@1:two\nlines|z|;@3:next|;" } },
	{ 1, { "\"cr\r\nlf\",z\r\nnext\r\n", 0, "@1:cr\r\nlf|z|;@3:next|;" } },
	{ 2, { "\"two\nlines\",z\n", 0, "!1" } },
	{ 1, { "a,\"b\rc\"\n", 0, "!1" } },
	{ 2, { "a,\"b\nc\"\n", 0, "@1:a|b\nc|;" } },
	{ 2, { "a,\"b\nc\x01\"\n", 0, "!1" } },
};

static void
test_records(void **state)
{
	struct buf got = BUF_INIT;
	struct csv c;
	char err[200];
	size_t k, ncases = sizeof(cases) / sizeof(cases[0]);
	int i, rc;

	(void)state;
	for (k = 0; k < ncases + sizeof(ml_cases) / sizeof(ml_cases[0]); k++) {
		const struct csv_case *t = k < ncases ? &cases[k] :
		    &ml_cases[k - ncases].t;

		buf_reset(&got);
		csv_init(&c, t->in, t->len ? t->len : strlen(t->in));
		c.multiline = k < ncases ? 0 : ml_cases[k - ncases].multiline;
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

/* A field that is not text is named by its line, column and field. */
static void
test_text_fault(void **state)
{
	static const struct {
		const char	*in;
		int		 line;
		const char	*err;
	} t[] = {
		{ "email,name\na@b.c,R\xc3\xa9n\x01\n", 2,
		  "line 2, column 10 (field 2): a control character (U+0001)" },
		{ "a,\"two\nl\xc3\xa9\x7f\"\n", 2,
		  "line 2, column 3 (field 2): a control character (U+007F)" },
		{ "a\xff\n", 1,
		  "line 1, column 2 (field 1): a byte that is not UTF-8 (0xFF)" },
		{ "a,\"b\nc\"\n", 1, "line 1, column 5 (field 2): a line break" },
	};
	struct csv c;
	char err[200];
	size_t k;
	int rc;

	(void)state;
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		csv_init(&c, t[k].in, strlen(t[k].in));
		c.multiline = k == 1 ? 2 : 0;
		while ((rc = csv_next(&c, err, sizeof(err))) == 1)
			;
		assert_int_equal(rc, -1);
		assert_int_equal(c.text_fault, 1);
		assert_int_equal(c.errline, t[k].line);
		assert_string_equal(err, t[k].err);
		csv_free(&c);
	}
	/* A quote never closed is said before the line break it runs over. */
	csv_init(&c, "a,\"open\nnever closed", 20);
	assert_int_equal(csv_next(&c, err, sizeof(err)), -1);
	assert_int_equal(c.text_fault, 0);
	assert_non_null(strstr(err, "never closed"));
	csv_free(&c);
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
	int col = 0;

	(void)state;
	for (k = 0; k < sizeof(utf8) / sizeof(utf8[0]); k++)
		if (csv_utf8_line(utf8[k].in, strlen(utf8[k].in), NULL) !=
		    utf8[k].line)
			fail_msg("utf8 case %zu: got line %d, want %d", k,
			    csv_utf8_line(utf8[k].in, strlen(utf8[k].in), NULL),
			    utf8[k].line);
	/* The column of the bad byte counts characters. */
	assert_int_equal(csv_utf8_line("ab\n\xc3\xa9x\xff", 7, &col), 2);
	assert_int_equal(col, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_text_fault),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
