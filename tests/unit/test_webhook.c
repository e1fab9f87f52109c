/*
 * test_webhook.c — what src/webhook.c signs and which targets it
 * refuses: a known HMAC answer, and a table of URLs with and without
 * webhook_private.  Only numeric hosts, so no case needs a resolver.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "config.h"
#include "webhook.h"

/* The answer of Python's hmac.new(secret, ts + b"." + body, sha256). */
static void
test_sign_known(void **state)
{
	const char *body = "{\"id\":\"evt_1\"}";
	char sig[3 + 64 + 1];

	(void)state;
	webhook_sign("whsec_test", 1700000000, body, strlen(body), sig);
	assert_string_equal(sig, "v1=c89214b5b5da833daed6f0b8c5bb6bd58cea902"
	    "2bd80ccc78230f3942d632925");
	/* Another timestamp or one byte more of body changes it. */
	webhook_sign("whsec_test", 1700000001, body, strlen(body), sig);
	assert_string_not_equal(sig, "v1=c89214b5b5da833daed6f0b8c5bb6bd58ce"
	    "a9022bd80ccc78230f3942d632925");
}

static void
test_secret(void **state)
{
	char a[WEBHOOK_SECRET_LEN + 1], b[WEBHOOK_SECRET_LEN + 1];
	size_t i;

	(void)state;
	webhook_secret_new(a);
	webhook_secret_new(b);
	assert_int_equal(strlen(a), WEBHOOK_SECRET_LEN);
	assert_memory_equal(a, "whsec_", 6);
	for (i = 6; i < WEBHOOK_SECRET_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
}

static const struct {
	const char	*url;
	int		 ok_public;	/* with webhook_private 0 */
	int		 ok_private;	/* with webhook_private 1 */
} urls[] = {
	{ "http://93.184.216.34/hook", 1, 1 },
	{ "https://93.184.216.34:8443/a?b=c", 1, 1 },
	{ "http://[2606:2800:220:1:248:1893:25c8:1946]/", 1, 1 },
	{ "http://127.0.0.1:8080/hook", 0, 1 },
	{ "http://127.9.9.9/", 0, 1 },
	{ "http://10.1.2.3/", 0, 1 },
	{ "http://172.16.0.1/", 0, 1 },
	{ "http://172.31.255.255/", 0, 1 },
	{ "http://172.32.0.1/", 1, 1 },
	{ "http://192.168.1.1/", 0, 1 },
	{ "http://169.254.169.254/latest/meta-data", 0, 1 },
	{ "http://100.64.0.1/", 0, 1 },
	{ "http://0.0.0.0/", 0, 1 },
	{ "http://224.0.0.1/", 0, 1 },
	{ "http://[::1]/", 0, 1 },
	{ "http://[::ffff:127.0.0.1]/", 0, 1 },
	{ "http://[fd00::1]/", 0, 1 },
	{ "http://[fe80::1]/", 0, 1 },
	{ "ftp://93.184.216.34/", 0, 0 },
	{ "file:///etc/passwd", 0, 0 },
	{ "gopher://93.184.216.34/", 0, 0 },
	{ "http://user:pw@93.184.216.34/", 0, 0 },
	{ "not a url", 0, 0 },
	{ "", 0, 0 },
};

static void
test_url_check(void **state)
{
	char err[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		config.webhook_private = 0;
		err[0] = '\0';
		if ((webhook_url_check(urls[i].url, err, sizeof(err)) == 0) !=
		    urls[i].ok_public)
			fail_msg("%s (private off): %s", urls[i].url, err);
		if (!urls[i].ok_public)
			assert_true(err[0] != '\0');
		config.webhook_private = 1;
		if ((webhook_url_check(urls[i].url, err, sizeof(err)) == 0) !=
		    urls[i].ok_private)
			fail_msg("%s (private on): %s", urls[i].url, err);
	}
	config.webhook_private = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_known),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_url_check),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
