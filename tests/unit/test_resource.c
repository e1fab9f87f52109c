/*
 * test_resource.c — the signed download links of white papers and the
 * PDF the demo writes.
 *
 * The signature is checked against RFC 4231's HMAC-SHA-256 by computing
 * a known value here with libsodium directly, so a change of message
 * format is seen; every tampering case is a row of a table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "demo.h"
#include "media.h"
#include "resource.h"

static unsigned char key[RESOURCE_KEY_LEN];
static unsigned char other[RESOURCE_KEY_LEN];

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (size_t i = 0; i < sizeof(key); i++) {
		key[i] = (unsigned char)i;
		other[i] = (unsigned char)(i + 1);
	}
	return 0;
}

static void
test_sign_is_hmac_of_lead_and_time(void **state)
{
	unsigned char m[32];
	char want[RESOURCE_SIG_LEN + 1], got[RESOURCE_SIG_LEN + 1];
	const char msg[] = "resource:42:1700000000";

	(void)state;
	crypto_auth_hmacsha256(m, (const unsigned char *)msg, sizeof(msg) - 1,
	    key);
	sodium_bin2base64(want, sizeof(want), m, sizeof(m),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	resource_sign_with(key, 42, 1700000000, got);
	assert_int_equal(strlen(got), RESOURCE_SIG_LEN);
	assert_string_equal(got, want);
}

static void
test_check_cases(void **state)
{
	char sig[RESOURCE_SIG_LEN + 1], bad[RESOURCE_SIG_LEN + 1];
	const int64_t exp = 1700000000;
	struct {
		const char	*name;
		int64_t		 lead, exp, now;
		int		 which;	/* 0 the signature, 1 a changed one, 2 other key, 3 cut */
		enum resource_link want;
	} cases[] = {
		{ "genuine, in time", 7, exp, exp - 100, 0, RL_LINK_OK },
		{ "genuine, at its last second", 7, exp, exp, 0, RL_LINK_OK },
		{ "genuine, a second late", 7, exp, exp + 1, 0, RL_LINK_EXPIRED },
		{ "another lead", 8, exp, exp - 100, 0, RL_LINK_BAD },
		{ "a later time", 7, exp + 3600, exp - 100, 0, RL_LINK_BAD },
		{ "expired and a later time", 7, exp + 3600, exp + 7200, 0,
		    RL_LINK_BAD },
		{ "one character changed", 7, exp, exp - 100, 1, RL_LINK_BAD },
		{ "another site's key", 7, exp, exp - 100, 2, RL_LINK_BAD },
		{ "cut short", 7, exp, exp - 100, 3, RL_LINK_BAD },
	};
	size_t i;

	(void)state;
	resource_sign_with(key, 7, exp, sig);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = sig;
		size_t n = RESOURCE_SIG_LEN;
		const unsigned char *k = key;

		memcpy(bad, sig, sizeof(bad));
		if (cases[i].which == 1) {
			bad[10] = bad[10] == 'A' ? 'B' : 'A';
			s = bad;
		} else if (cases[i].which == 2) {
			k = other;
		} else if (cases[i].which == 3) {
			n = RESOURCE_SIG_LEN - 1;
		}
		printf("# %s\n", cases[i].name);
		assert_int_equal(resource_check_with(k, cases[i].lead,
		    cases[i].exp, s, n, cases[i].now), cases[i].want);
	}
	assert_int_equal(resource_check_with(key, 7, exp, NULL, 0, 0),
	    RL_LINK_BAD);
	assert_int_equal(resource_check_with(key, 7, exp, "!!!!", 4, 0),
	    RL_LINK_BAD);
}

/* The demo's PDF: the magic, one page, and an xref whose offsets hold. */
static void
test_demo_pdf(void **state)
{
	const char *paras[] = { "A first paragraph (with brackets) and a "
	    "backslash \\ that must be escaped in a PDF string; it is long "
	    "enough to be broken over two lines.", "A second one." };
	struct buf b = BUF_INIT;
	const char *x, *start;
	char obj[32];
	long off, xref;
	int i;

	(void)state;
	demo_pdf(&b, "A Title", paras, 2);
	assert_false(buf_err(&b));
	assert_true(media_is_pdf(b.p, b.len));
	assert_non_null(strstr(b.p, "/Count 1"));
	assert_non_null(strstr(b.p, "\\(with brackets\\)"));
	assert_non_null(strstr(b.p, "backslash \\\\ that"));
	start = strstr(b.p, "startxref\n");
	assert_non_null(start);
	xref = strtol(start + 10, NULL, 10);
	assert_memory_equal(b.p + xref, "xref\n0 6\n", 9);
	x = b.p + xref + 9 + 20;
	for (i = 1; i <= 5; i++, x += 20) {
		off = strtol(x, NULL, 10);
		snprintf(obj, sizeof(obj), "%d 0 obj", i);
		assert_memory_equal(b.p + off, obj, strlen(obj));
	}
	assert_non_null(strstr(b.p + b.len - 6, "%%EOF"));
	buf_free(&b);
	assert_false(media_is_pdf("\x89PNG\r\n", 6));
	assert_false(media_is_pdf("%PDF", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_is_hmac_of_lead_and_time),
		cmocka_unit_test(test_check_cases),
		cmocka_unit_test(test_demo_pdf),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
