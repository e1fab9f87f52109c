/*
 * test_text.c — the one text check (text.h): UTF-8, control characters,
 * noncharacters and line breaks, with where the first fault is.
 *
 * Cases live in a table, one row per input; a failing row is printed
 * before the assertion so it can be found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

struct text_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	enum text_rule	 rule;
	enum text_fault	 fault;
	uint32_t	 cp;		/* the character or byte at fault */
	size_t		 chr, line, col;
};

#define L	TEXT_LINE
#define M	TEXT_LINES

static const struct text_case cases[] = {
	{ "", 0, L, TEXT_OK, 0, 0, 0, 0 },
	{ "plain words", 0, L, TEXT_OK, 0, 0, 0, 0 },
	{ "tab\there", 0, L, TEXT_OK, 0, 0, 0, 0 },
	{ "Ren\xc3\xa9" "e \xe2\x82\xac \xf0\x9f\x93\xb0", 0, L, TEXT_OK, 0, 0, 0, 0 },
	{ "\xef\xbf\xbd", 0, L, TEXT_OK, 0, 0, 0, 0 },		/* U+FFFD */
	{ "\xf4\x8f\xbf\xbd", 0, L, TEXT_OK, 0, 0, 0, 0 },	/* U+10FFFD */
	{ "\xc2\xa0", 0, L, TEXT_OK, 0, 0, 0, 0 },		/* U+00A0 */
	{ "\xe2\x80\xa8", 0, L, TEXT_OK, 0, 0, 0, 0 },		/* U+2028 */
	{ "\xef\xb7\x8f\xef\xb7\xb0", 0, L, TEXT_OK, 0, 0, 0, 0 }, /* FDCF FDF0 */
	/* Line breaks: one line refuses them, several lines take them. */
	{ "a\nb", 0, L, TEXT_NEWLINE, '\n', 2, 1, 2 },
	{ "ab\r", 0, L, TEXT_NEWLINE, '\r', 3, 1, 3 },
	{ "a\r\nb\nc\rd\te", 0, M, TEXT_OK, 0, 0, 0, 0 },
	/* Lines and columns count characters; CRLF is one break. */
	{ "a\r\nb\x01", 0, M, TEXT_CONTROL, 1, 5, 2, 2 },
	{ "\n\n\xc3\xa9\x01", 0, M, TEXT_CONTROL, 1, 4, 3, 2 },
	{ "\r\r\x02", 0, M, TEXT_CONTROL, 2, 3, 3, 1 },
	/* Every C0 control but tab, LF and CR; DEL; C1. */
	{ "\0", 1, M, TEXT_CONTROL, 0, 1, 1, 1 },
	{ "a\x01", 0, M, TEXT_CONTROL, 1, 2, 1, 2 },
	{ "\x07", 0, L, TEXT_CONTROL, 7, 1, 1, 1 },
	{ "\x08", 0, M, TEXT_CONTROL, 8, 1, 1, 1 },
	{ "\x0b", 0, M, TEXT_CONTROL, 0x0b, 1, 1, 1 },
	{ "\x0c", 0, M, TEXT_CONTROL, 0x0c, 1, 1, 1 },
	{ "\x1b[31m", 0, M, TEXT_CONTROL, 0x1b, 1, 1, 1 },
	{ "\x1f", 0, M, TEXT_CONTROL, 0x1f, 1, 1, 1 },
	{ "x\x7f", 0, M, TEXT_CONTROL, 0x7f, 2, 1, 2 },
	{ "\xc2\x80", 0, M, TEXT_CONTROL, 0x80, 1, 1, 1 },
	{ "\xc2\x85", 0, M, TEXT_CONTROL, 0x85, 1, 1, 1 },	/* NEL */
	{ "\xc2\x9f", 0, M, TEXT_CONTROL, 0x9f, 1, 1, 1 },
	/* Noncharacters. */
	{ "\xef\xbf\xbe", 0, M, TEXT_NONCHAR, 0xfffe, 1, 1, 1 },
	{ "\xef\xbf\xbf", 0, M, TEXT_NONCHAR, 0xffff, 1, 1, 1 },
	{ "\xef\xb7\x90", 0, M, TEXT_NONCHAR, 0xfdd0, 1, 1, 1 },
	{ "\xef\xb7\xaf", 0, M, TEXT_NONCHAR, 0xfdef, 1, 1, 1 },
	{ "\xf0\x9f\xbf\xbe", 0, M, TEXT_NONCHAR, 0x1fffe, 1, 1, 1 },
	{ "\xf4\x8f\xbf\xbf", 0, M, TEXT_NONCHAR, 0x10ffff, 1, 1, 1 },
	/* Not UTF-8: the first bad byte is named. */
	{ "\xc0\xaf", 0, M, TEXT_BAD_UTF8, 0xc0, 1, 1, 1 },	/* overlong '/' */
	{ "\xc1\x81", 0, M, TEXT_BAD_UTF8, 0xc1, 1, 1, 1 },
	{ "ab\xe0\x80\xaf", 0, M, TEXT_BAD_UTF8, 0xe0, 3, 1, 3 },
	{ "\xf0\x80\x80\xaf", 0, M, TEXT_BAD_UTF8, 0xf0, 1, 1, 1 },
	{ "\xed\xa0\x80", 0, M, TEXT_BAD_UTF8, 0xed, 1, 1, 1 },	/* U+D800 */
	{ "\xed\xbf\xbf", 0, M, TEXT_BAD_UTF8, 0xed, 1, 1, 1 },	/* U+DFFF */
	{ "\xf4\x90\x80\x80", 0, M, TEXT_BAD_UTF8, 0xf4, 1, 1, 1 },
	{ "\xf5\x80\x80\x80", 0, M, TEXT_BAD_UTF8, 0xf5, 1, 1, 1 },
	{ "\xff", 0, M, TEXT_BAD_UTF8, 0xff, 1, 1, 1 },
	{ "\xfe", 0, M, TEXT_BAD_UTF8, 0xfe, 1, 1, 1 },
	{ "a\x80", 0, M, TEXT_BAD_UTF8, 0x80, 2, 1, 2 },	/* lone continuation */
	{ "\xc3", 0, M, TEXT_BAD_UTF8, 0xc3, 1, 1, 1 },		/* cut short */
	{ "\xe2\x82", 0, M, TEXT_BAD_UTF8, 0xe2, 1, 1, 1 },
	{ "\xf0\x9f\x93", 0, M, TEXT_BAD_UTF8, 0xf0, 1, 1, 1 },
	{ "\xc3(", 0, M, TEXT_BAD_UTF8, 0xc3, 1, 1, 1 },
	{ "\xe2\x28\xa1", 0, M, TEXT_BAD_UTF8, 0xe2, 1, 1, 1 },
	/* The first fault wins. */
	{ "\xc3\xa9\n\x01\x7f", 0, L, TEXT_NEWLINE, '\n', 2, 1, 2 },
};

static void
test_table(void **state)
{
	struct text_error e;
	size_t i, n;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct text_case *t = &cases[i];

		n = t->len != 0 ? t->len : strlen(t->in);
		memset(&e, 0xaa, sizeof(e));
		rc = text_check(t->in, n, t->rule, &e);
		if (rc != (t->fault == TEXT_OK ? 0 : -1) || e.fault != t->fault ||
		    text_utf8_valid(t->in, n) != (t->fault != TEXT_BAD_UTF8) ||
		    e.cp != t->cp || e.chr != t->chr || e.line != t->line ||
		    e.col != t->col)
			printf("# row %zu: rc %d fault %d cp %x chr %zu line %zu "
			    "col %zu\n", i, rc, e.fault, (unsigned)e.cp, e.chr,
			    e.line, e.col);
		assert_int_equal(rc, t->fault == TEXT_OK ? 0 : -1);
		assert_int_equal(e.fault, t->fault);
		assert_int_equal(e.cp, t->cp);
		assert_int_equal(e.chr, t->chr);
		assert_int_equal(e.line, t->line);
		assert_int_equal(e.col, t->col);
		/* UTF-8 alone: only the bad bytes fail it. */
		assert_int_equal(text_utf8_valid(t->in, n),
		    t->fault != TEXT_BAD_UTF8);
		assert_int_equal(text_check(t->in, n, t->rule, NULL), rc);
	}
}

/*
 * text_utf8_valid() skips ASCII eight bytes at a time: a bad byte, a
 * sequence cut short or split across a word, at every position of texts
 * of every length up to three words and a tail, gives what the
 * character-by-character decoder gives.
 */
static void
test_utf8_words(void **state)
{
	static const char *const seqs[] = {
		"\xe2\x80\x94",		/* an em dash: valid */
		"\xf0\x9f\x93\xb0",	/* U+1F4F0: valid */
		"\xff",			/* never UTF-8 */
		"\xe2\x80",		/* cut short */
		"\xc0\xaf",		/* overlong */
		"\xed\xa0\x80",		/* a surrogate */
	};
	char in[48];
	size_t len, at, k, i, m, step;
	int want;
	uint32_t cp;

	(void)state;
	for (k = 0; k < sizeof(seqs) / sizeof(seqs[0]); k++)
		for (len = 0; len <= 40; len++)
			for (at = 0; at <= len; at++) {
				m = strlen(seqs[k]);
				if (at + m > len)
					continue;
				for (i = 0; i < len; i++)
					in[i] = (char)('a' + i % 26);
				memcpy(in + at, seqs[k], m);
				want = 1;
				for (i = 0; i < len; i += step)
					if ((step = text_utf8_next(
					    (const unsigned char *)in + i,
					    len - i, &cp)) == 0) {
						want = 0;
						break;
					}
				assert_int_equal(text_utf8_valid(in, len), want);
				assert_int_equal(want, k < 2);
			}
}

/* Every one of the 65 C0 and C1 controls and DEL, in both rules. */
static void
test_every_control(void **state)
{
	char s[4];
	uint32_t c;
	int want, got;

	(void)state;
	for (c = 0; c < 0xa0; c++) {
		if (c >= 0x20 && c < 0x7f)
			continue;
		if (c < 0x80) {
			s[0] = (char)c;
			s[1] = '\0';
		} else {
			s[0] = (char)0xc2;
			s[1] = (char)c;
		}
		want = c == '\t' || c == '\n' || c == '\r' ? 0 : -1;
		got = text_check(s, c < 0x80 ? 1 : 2, TEXT_LINES, NULL);
		if (got != want)
			printf("# U+%04X: %d\n", (unsigned)c, got);
		assert_int_equal(got, want);
		want = c == '\t' ? 0 : -1;
		assert_int_equal(text_check(s, c < 0x80 ? 1 : 2, TEXT_LINE,
		    NULL), want);
	}
}

static void
test_rule_of(void **state)
{
	(void)state;
	assert_int_equal(text_rule_of("body_md"), TEXT_LINES);
	assert_int_equal(text_rule_of("body"), TEXT_LINES);
	assert_int_equal(text_rule_of("agenda"), TEXT_LINES);
	assert_int_equal(text_rule_of("summary"), TEXT_LINES);
	assert_int_equal(text_rule_of("name"), TEXT_LINE);
	assert_int_equal(text_rule_of("title"), TEXT_LINE);
	assert_int_equal(text_rule_of("email"), TEXT_LINE);
	assert_int_equal(text_rule_of("subject"), TEXT_LINE);
	assert_int_equal(text_rule_of(""), TEXT_LINE);
	assert_int_equal(text_rule_of("zzz"), TEXT_LINE);
}

static void
test_explain(void **state)
{
	struct text_error e;
	char out[200];

	(void)state;
	assert_int_equal(text_check("ab\x01", 3, TEXT_LINE, &e), -1);
	text_explain(&e, "the field \"name\"", out, sizeof(out));
	assert_string_equal(out, "The field \"name\" holds a control character "
	    "(U+0001) at character 3.");
	assert_int_equal(text_check("\xc0\xaf", 2, TEXT_LINE, &e), -1);
	text_explain(&e, "the field \"q\"", out, sizeof(out));
	assert_string_equal(out, "The field \"q\" holds a byte that is not "
	    "UTF-8 (0xC0) at character 1.");
	assert_int_equal(text_check("a\nb", 3, TEXT_LINE, &e), -1);
	text_explain(&e, "title", out, sizeof(out));
	assert_string_equal(out, "Title holds a line break at character 2, "
	    "and takes a single line.");
	assert_int_equal(text_check("\xef\xbf\xbe", 3, TEXT_LINE, &e), -1);
	text_fault_words(&e, out, sizeof(out));
	assert_string_equal(out, "a noncharacter (U+FFFE)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_control),
		cmocka_unit_test(test_utf8_words),
		cmocka_unit_test(test_rule_of),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
