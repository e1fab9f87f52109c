/*
 * test_sign.c — the signed links of src/sign.c: what verifies and what
 * does not, with a fixed key.  Cases in tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sign.h"

static const unsigned char key[SIGN_KEY_LEN] = "a key only the tests use, 32 b.";

/* Tokens keep verifying across the move to sign.c: a known answer. */
static void
test_known(void **state)
{
	char tok[SIGN_ID_TOKEN_MAX], sig[SIGN_MAC_B64 + 1];

	(void)state;
	sign_id_token(key, "newsletter", 42, "ann@example.com", tok);
	assert_int_equal(strlen(tok), 3 + SIGN_MAC_B64);
	assert_true(sign_id_token_ok(key, "newsletter", 42, "ann@example.com",
	    tok, strlen(tok)));
	sign_mac_b64(key, "resource", 7, "1700000000", sig);
	assert_true(sign_mac_ok(key, "resource", 7, "1700000000", sig,
	    SIGN_MAC_B64));
}

/*
 * The MAC covers the whole message.  The old newsletter and "your
 * data" MACs formatted it into a 400- and a 318-byte buffer and cut it
 * there, so two texts that shared their first 400 bytes shared tokens.
 */
static void
test_long_text(void **state)
{
	char a[600], b[600], ta[SIGN_ID_TOKEN_MAX], tb[SIGN_ID_TOKEN_MAX];

	(void)state;
	memset(a, 'a', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[sizeof(b) - 2] = 'b';
	sign_id_token(key, "reg-cancel", 1, a, ta);
	sign_id_token(key, "reg-cancel", 1, b, tb);
	assert_string_not_equal(ta, tb);
	assert_false(sign_id_token_ok(key, "reg-cancel", 1, b, ta,
	    strlen(ta)));
}

/* Only the exact token verifies: other spellings of it do not. */
static void
test_id_tokens(void **state)
{
	char tok[SIGN_ID_TOKEN_MAX], bad[SIGN_ID_TOKEN_MAX + 8];
	int64_t id;

	(void)state;
	sign_id_token(key, "newsletter", 7, "ann@example.com", tok);
	assert_int_equal(sign_id_token_id(tok, strlen(tok), &id), 0);
	assert_int_equal(id, 7);
	/* "07.MAC": the old newsletter_token_check took it for "7.MAC". */
	snprintf(bad, sizeof(bad), "0%s", tok);
	assert_int_equal(sign_id_token_id(bad, strlen(bad), &id), 0);
	assert_false(sign_id_token_ok(key, "newsletter", 7, "ann@example.com",
	    bad, strlen(bad)));
	/* Another purpose, id or address. */
	assert_false(sign_id_token_ok(key, "reg-cancel", 7, "ann@example.com",
	    tok, strlen(tok)));
	assert_false(sign_id_token_ok(key, "newsletter", 8, "ann@example.com",
	    tok, strlen(tok)));
	assert_false(sign_id_token_ok(key, "newsletter", 7, "bob@example.com",
	    tok, strlen(tok)));
	/* Cut short, or one character more. */
	assert_false(sign_id_token_ok(key, "newsletter", 7, "ann@example.com",
	    tok, strlen(tok) - 1));
	snprintf(bad, sizeof(bad), "%sA", tok);
	assert_false(sign_id_token_ok(key, "newsletter", 7, "ann@example.com",
	    bad, strlen(bad)));
	assert_int_equal(sign_id_token_id("x.y", 3, &id), -1);
	assert_int_equal(sign_id_token_id("0.", 2, &id), -1);
}

static void
test_email_tokens(void **state)
{
	char tok[SIGN_EMAIL_TOKEN_MAX], bad[SIGN_EMAIL_TOKEN_MAX + 8];
	char email[SIGN_EMAIL_MAX + 1];

	(void)state;
	sign_email_token(key, "your-data", "ann@example.com", 1000, tok);
	assert_int_equal(sign_email_token_check(key, "your-data", tok,
	    strlen(tok), 999, email), SIGN_OK);
	assert_string_equal(email, "ann@example.com");
	assert_int_equal(sign_email_token_check(key, "your-data", tok,
	    strlen(tok), 1001, email), SIGN_EXPIRED);
	assert_int_equal(sign_email_token_check(key, "newsletter", tok,
	    strlen(tok), 999, email), SIGN_BAD);
	assert_string_equal(email, "");
	/* "01000.…": the old "your data" check took it for "1000.…". */
	snprintf(bad, sizeof(bad), "0%s", tok);
	assert_int_equal(sign_email_token_check(key, "your-data", bad,
	    strlen(bad), 999, email), SIGN_BAD);
	assert_int_equal(sign_email_token_check(key, "your-data", "1..x", 4,
	    0, email), SIGN_BAD);
	assert_int_equal(sign_email_token_check(key, "your-data", "", 0, 0,
	    email), SIGN_BAD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_id_tokens),
		cmocka_unit_test(test_email_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
