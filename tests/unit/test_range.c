/*
 * test_range.c — the Range header against a file of known length.
 *
 * One row per header, the way test_url.c keeps its cases; a failing row
 * is printed before the assertion so it can be found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "range.h"

struct range_case {
	const char		*value;
	uint64_t		 len;
	enum range_result	 want;
	uint64_t		 first;		/* on RANGE_ONE */
	uint64_t		 last;
};

static const struct range_case cases[] = {
	/* One range: first-last, first-, -suffix. */
	{ "bytes=0-99", 1000, RANGE_ONE, 0, 99 },
	{ "bytes=0-0", 1000, RANGE_ONE, 0, 0 },
	{ "bytes=999-999", 1000, RANGE_ONE, 999, 999 },
	{ "bytes=500-", 1000, RANGE_ONE, 500, 999 },
	{ "bytes=-1", 1000, RANGE_ONE, 999, 999 },
	{ "bytes=-100", 1000, RANGE_ONE, 900, 999 },
	/* A last position or a suffix past the end stops at the end. */
	{ "bytes=0-5000", 1000, RANGE_ONE, 0, 999 },
	{ "bytes=-5000", 1000, RANGE_ONE, 0, 999 },
	{ "bytes=10-99999999999999999999999", 1000, RANGE_ONE, 10, 999 },
	{ "bytes=-99999999999999999999999", 1000, RANGE_ONE, 0, 999 },
	/* The unit is case-insensitive; whitespace around the list is OWS. */
	{ "Bytes=1-2", 1000, RANGE_ONE, 1, 2 },
	{ "BYTES=1-2", 1000, RANGE_ONE, 1, 2 },
	{ "bytes= 1-2 ", 1000, RANGE_ONE, 1, 2 },
	{ "bytes=,1-2,", 1000, RANGE_ONE, 1, 2 },
	{ "bytes=\t1-2", 1000, RANGE_ONE, 1, 2 },
	/* Nothing there: 416. */
	{ "bytes=1000-", 1000, RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=1000-2000", 1000, RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=99999999999999999999999-", 1000, RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=-0", 1000, RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=0-", 0, RANGE_UNSATISFIABLE, 0, 0 },
	{ "bytes=-5", 0, RANGE_UNSATISFIABLE, 0, 0 },
	/* Several ranges: the whole file (a documented choice). */
	{ "bytes=0-1,5-6", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=0-1, -1", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=5000-6000,7000-8000", 1000, RANGE_WHOLE, 0, 0 },
	/* Not a well-formed byte range: ignored, so the whole file. */
	{ "", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=,", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes 0-1", 1000, RANGE_WHOLE, 0, 0 },
	{ "items=0-1", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytesx=0-1", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=5-2", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=-", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=1", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=a-b", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=1-2x", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=1 - 2", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=+1-2", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=-+1", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=--1", 1000, RANGE_WHOLE, 0, 0 },
	{ "bytes=0x10-20", 1000, RANGE_WHOLE, 0, 0 },
};

static void
test_range_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct range_case *c = &cases[i];
		uint64_t first = 12345, last = 67890;
		enum range_result got;

		got = range_parse(c->value, c->len, &first, &last);
		if (got != c->want || (got == RANGE_ONE &&
		    (first != c->first || last != c->last)))
			fprintf(stderr, "case %zu: \"%s\" of %llu: %d %llu-%llu\n",
			    i, c->value, (unsigned long long)c->len, (int)got,
			    (unsigned long long)first, (unsigned long long)last);
		assert_int_equal(got, c->want);
		if (got == RANGE_ONE) {
			assert_int_equal(first, c->first);
			assert_int_equal(last, c->last);
		} else {
			/* The positions are left alone unless one range applies. */
			assert_int_equal(first, 12345);
			assert_int_equal(last, 67890);
		}
	}
}

/* A file as large as 64 bits allow: no position overflows. */
static void
test_range_huge(void **state)
{
	uint64_t first, last, len = UINT64_MAX - 1;

	(void)state;
	assert_int_equal(range_parse("bytes=-1", len, &first, &last), RANGE_ONE);
	assert_true(first == len - 1 && last == len - 1);
	assert_int_equal(range_parse("bytes=18446744073709551613-", len, &first,
	    &last), RANGE_ONE);
	assert_true(first == len - 1 && last == len - 1);
	assert_int_equal(range_parse("bytes=18446744073709551614-", len, &first,
	    &last), RANGE_UNSATISFIABLE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_table),
		cmocka_unit_test(test_range_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
