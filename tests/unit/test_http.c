/*
 * test_http.c — the checks of reply.c that need no connection: header
 * values the checked writer refuses, and media types of request bodies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "harden.h"
#include "req.h"

static void
test_header_values(void **state)
{
	static const struct {
		const char	*v;
		int		 ok;
	} cases[] = {
		{ "", 1 },
		{ "attachment; filename=\"a.csv\"", 1 },
		{ "/search?q=5g", 1 },
		{ "caf\xc3\xa9", 1 },
		{ "/\r\nSet-Cookie: pwn=1", 0 },
		{ "/\nx", 0 },
		{ "/\rx", 0 },
		{ "a\tb", 0 },
		{ "a\x01", 0 },
		{ "a\x7f", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (http_header_value_ok(cases[i].v, strlen(cases[i].v)) !=
		    cases[i].ok)
			fail_msg("http_header_value_ok(%zu) != %d", i,
			    cases[i].ok);
	/* A NUL inside the value counts: the length is what is sent. */
	assert_int_equal(http_header_value_ok("a\0b", 3), 0);
}

/*
 * Long values are checked eight bytes at a time: every byte value, at
 * every place of a value that has whole words and a tail, among bytes
 * next to the edges the check tests (0x20, 0x7e, 0x80, 0xff) or a
 * letter, is judged as one byte alone is.
 */
static void
test_header_values_long(void **state)
{
	static const unsigned char before[] = { 'a', 0x20, 0x80, 0xff, 0x7e };
	char v[43];
	size_t at, b, p;
	int c, want;

	for (b = 0; b < sizeof(before); b++)
		for (at = 0; at < sizeof(v); at++)
			for (c = 0; c < 256; c++) {
				for (p = 0; p < sizeof(v); p++)
					v[p] = (char)before[b];
				v[at] = (char)c;
				want = before[b] >= 0x20 && before[b] != 0x7f &&
				    c >= 0x20 && c != 0x7f;
				if (http_header_value_ok(v, sizeof(v)) != want)
					fail_msg("byte 0x%02x at %zu after 0x%02x",
					    c, at, before[b]);
			}
	/* A value of tags, as a cached page's Surrogate-Key, is fine. */
	assert_int_equal(http_header_value_ok("front ev9 sp3 ltype:video "
	    "a634 au11 s43 cc634 most-read site", 60), 1);
}

static void
test_media_types(void **state)
{
	static const struct {
		const char	*ct;
		const char	*type;
		int		 status;
	} cases[] = {
		{ "application/json", "application/json", 0 },
		{ "APPLICATION/JSON", "application/json", 0 },
		{ "Application/Json; Charset=UTF-8", "application/json", 0 },
		{ "application/json;charset=\"utf-8\"", "application/json", 0 },
		{ "application/json ; charset=us-ascii", "application/json", 0 },
		{ "application/json;", "application/json", 0 },
		{ "application/json; x=\"a;b\"", "application/json", 0 },
		{ "application/json; charset=latin1", "application/json", 415 },
		{ "application/json; CHARSET=iso-8859-1", "application/json", 415 },
		{ "application/jsonx", "application/json", 415 },
		{ "application/json x", "application/json", 415 },
		{ "application/json; x=\"open", "application/json", 415 },
		{ "application/json; novalue", "application/json", 415 },
		{ "text/json", "application/json", 415 },
		{ "", "application/json", 415 },
		{ "Application/X-WWW-Form-Urlencoded",
		    "application/x-www-form-urlencoded", 0 },
		{ "multipart/form-data; boundary=AbC", "multipart/form-data", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (http_ctype_check(cases[i].ct, cases[i].type) !=
		    cases[i].status)
			fail_msg("http_ctype_check(\"%s\") != %d", cases[i].ct,
			    cases[i].status);
	assert_int_equal(http_ctype_check(NULL, "application/json"), 415);
}

static void
test_policy(void **state)
{
	const struct harden_set *s;
	char err[200];

	config_defaults(&config);
	harden_init();
	/* Without https in base_url: four headers, no HSTS. */
	s = harden_headers(HARDEN_SITE);
	assert_int_equal(s->n, 4);
	assert_non_null(strstr(harden_csp(HARDEN_SITE),
	    "frame-ancestors 'none'"));
	assert_null(strstr(harden_csp(HARDEN_SITE), "unsafe"));
	assert_non_null(strstr(harden_csp(HARDEN_MAIL), "'unsafe-hashes' "
	    "'sha256-"));
	assert_string_equal(harden_headers(HARDEN_NEWSROOM)->h[3].value,
	    "same-origin");
	/* Over https, Strict-Transport-Security too. */
	assert_int_equal(config_set(&config, "base_url",
	    "https://news.example.com", err, sizeof(err)), 0);
	harden_init();
	s = harden_headers(HARDEN_SITE);
	assert_int_equal(s->n, 5);
	assert_string_equal(s->h[4].name, "strict-transport-security");
	config_free(&config);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_values),
		cmocka_unit_test(test_header_values_long),
		cmocka_unit_test(test_media_types),
		cmocka_unit_test(test_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
