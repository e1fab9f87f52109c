/*
 * test_url.c — percent-decoding, query strings, request paths and slugs.
 *
 * Cases live in tables, one row per input, the way curl's unit1302 does;
 * a failing row is printed before the assertion so it can be found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "url.h"

struct decode_case {
	const char	*in;
	int		 plus;		/* plus_is_space */
	int		 rc;
	const char	*out;		/* expected on success */
};

static const struct decode_case decode_cases[] = {
	{ "", 0, 0, "" },
	{ "plain", 0, 0, "plain" },
	{ "a%20b", 0, 0, "a b" },
	{ "%41%42%43", 0, 0, "ABC" },
	{ "%7e%7E", 0, 0, "~~" },
	{ "a+b", 1, 0, "a b" },
	{ "a+b", 0, 0, "a+b" },
	{ "a%2Bb", 1, 0, "a+b" },
	{ "100%25", 0, 0, "100%" },
	{ "%C3%A9t%C3%A9", 0, 0, "\xc3\xa9t\xc3\xa9" },
	{ "\xc3\xa9", 0, 0, "\xc3\xa9" },
	{ "%F0%9F%98%80", 0, 0, "\xf0\x9f\x98\x80" },
	{ "%EF%BF%BD", 0, 0, "\xef\xbf\xbd" },
	{ "%zz", 0, -1, NULL },
	{ "%4", 0, -1, NULL },
	{ "%", 0, -1, NULL },
	{ "ab%", 0, -1, NULL },
	{ "%g1", 0, -1, NULL },
	{ "%1g", 0, -1, NULL },
	{ "% 1", 0, -1, NULL },
	{ "%00", 0, -1, NULL },
	{ "a%00b", 1, -1, NULL },
	{ "%C0%AF", 0, -1, NULL },	/* overlong '/' */
	{ "%C1%81", 0, -1, NULL },	/* overlong 'A' */
	{ "%E0%80%AF", 0, -1, NULL },	/* overlong, three bytes */
	{ "%F0%80%80%AF", 0, -1, NULL },	/* overlong, four bytes */
	{ "%ED%A0%80", 0, -1, NULL },	/* a surrogate */
	{ "%F4%90%80%80", 0, -1, NULL },	/* above U+10FFFF */
	{ "%F5%80%80%80", 0, -1, NULL },
	{ "%FF", 0, -1, NULL },
	{ "%80", 0, -1, NULL },	/* a lone continuation byte */
	{ "%C3", 0, -1, NULL },	/* truncated sequence */
	{ "%E2%82", 0, -1, NULL },
	{ "\xc3(", 0, -1, NULL },	/* raw invalid UTF-8 */
	{ "%C3%28", 0, -1, NULL },
};

static void
test_decode_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		const struct decode_case *c = &decode_cases[i];
		struct buf b = BUF_INIT;
		int rc;

		BUF_LIT(&b, "pre:");
		rc = url_decode(c->in, strlen(c->in), c->plus, &b);
		if (rc != c->rc)
			print_error("case %zu \"%s\": rc %d\n", i, c->in, rc);
		assert_int_equal(rc, c->rc);
		if (c->rc == 0) {
			assert_int_equal(b.len, 4 + strlen(c->out));
			assert_memory_equal(b.p + 4, c->out, strlen(c->out));
		} else {
			/* A failed decode leaves the buffer as it was. */
			assert_int_equal(b.len, 4);
			assert_string_equal(b.p, "pre:");
		}
		buf_free(&b);
	}
}

static void
test_decode_raw_nul(void **state)
{
	struct buf b = BUF_INIT;

	assert_int_equal(url_decode("a\0b", 3, 0, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_decode_cap(void **state)
{
	struct buf b;

	buf_init(&b, 4);
	assert_int_equal(url_decode("abcdef", 6, 0, &b), -1);
	assert_int_not_equal(buf_err(&b), 0);
	buf_free(&b);
}

struct query_case {
	const char	*in;
	size_t		 max;
	int		 rc;
	size_t		 n;
	/* Expected pairs as "key=value" strings, at most four. */
	const char	*pairs[4];
};

static const struct query_case query_cases[] = {
	{ "", 8, 0, 0, { NULL } },
	{ "a=1&b=2", 8, 0, 2, { "a=1", "b=2" } },
	{ "a&b=", 8, 0, 2, { "a=", "b=" } },
	{ "&&", 8, 0, 0, { NULL } },
	{ "&a=1&&b=2&", 8, 0, 2, { "a=1", "b=2" } },
	{ "a=1&a=2&a=3", 8, 0, 3, { "a=1", "a=2", "a=3" } },
	{ "=x", 8, 0, 1, { "=x" } },
	{ "a==b", 8, 0, 1, { "a==b" } },
	{ "q=caf%C3%A9+au+lait", 8, 0, 1, { "q=caf\xc3\xa9 au lait" } },
	{ "k%20ey=v%26al", 8, 0, 1, { "k ey=v&al" } },
	{ "a=1&b=2&c=3", 3, 0, 3, { "a=1", "b=2", "c=3" } },
	{ "a=1&b=2&c=3&d=4", 3, -1, 0, { NULL } },
	{ "a=1", 0, -1, 0, { NULL } },
	{ "&&&", 0, 0, 0, { NULL } },
	{ "a=%zz", 8, -1, 0, { NULL } },
	{ "a=1&b=%00", 8, -1, 0, { NULL } },
	{ "%C0%AF=1", 8, -1, 0, { NULL } },
	{ "a=%", 8, -1, 0, { NULL } },
};

static void
test_query_table(void **state)
{
	size_t i, k;

	for (i = 0; i < sizeof(query_cases) / sizeof(query_cases[0]); i++) {
		const struct query_case *c = &query_cases[i];
		struct url_query q;
		int rc;

		rc = url_query_parse(&q, c->in, strlen(c->in), c->max);
		if (rc != c->rc || q.n != c->n)
			print_error("case %zu \"%s\": rc %d n %zu\n", i, c->in,
			    rc, q.n);
		assert_int_equal(rc, c->rc);
		assert_int_equal(q.n, c->n);
		for (k = 0; k < c->n; k++) {
			const char *eq = strchr(c->pairs[k], '=');
			size_t kl = (size_t)(eq - c->pairs[k]);

			assert_int_equal(q.p[k].keylen, kl);
			assert_memory_equal(q.p[k].key, c->pairs[k], kl);
			assert_int_equal(q.p[k].key[kl], '\0');
			assert_int_equal(q.p[k].vallen, strlen(eq + 1));
			assert_string_equal(q.p[k].val, eq + 1);
		}
		url_query_free(&q);
		assert_null(q.p);
		assert_int_equal(q.n, 0);
	}
}

static void
test_query_get(void **state)
{
	struct url_query q;
	const char *s = "tag=a&page=2&tag=b&empty";

	assert_int_equal(url_query_parse(&q, s, strlen(s), 16), 0);
	assert_string_equal(url_query_get(&q, "tag"), "a");
	assert_string_equal(url_query_get(&q, "page"), "2");
	assert_string_equal(url_query_get(&q, "empty"), "");
	assert_null(url_query_get(&q, "missing"));
	assert_null(url_query_get(&q, "ta"));
	assert_null(url_query_get(&q, "tags"));
	url_query_free(&q);
	/* Freeing twice, or an empty query, is harmless. */
	url_query_free(&q);
	assert_null(url_query_get(&q, "tag"));
}

static void
test_query_uses_length(void **state)
{
	struct url_query q;
	/* Not NUL-terminated where it ends: only the first 3 bytes count. */
	const char s[] = "a=1&b=2";

	assert_int_equal(url_query_parse(&q, s, 3, 4), 0);
	assert_int_equal(q.n, 1);
	assert_string_equal(q.p[0].val, "1");
	url_query_free(&q);
}

struct path_case {
	const char	*in;
	int		 rc;
	const char	*out;
};

static const struct path_case path_cases[] = {
	{ "/", 0, "/" },
	{ "/a/b", 0, "/a/b" },
	{ "/a/b/", 0, "/a/b/" },
	{ "/a%20b", 0, "/a b" },
	{ "/a+b", 0, "/a+b" },
	{ "/caf%C3%A9", 0, "/caf\xc3\xa9" },
	{ "/a.b/.c/..d/d..", 0, "/a.b/.c/..d/d.." },
	{ "/...", 0, "/..." },
	{ "", -1, NULL },
	{ "a/b", -1, NULL },
	{ "/a/../b", -1, NULL },
	{ "/..", -1, NULL },
	{ "/../", -1, NULL },
	{ "/a/./b", -1, NULL },
	{ "/.", -1, NULL },
	{ "/%2e%2e/etc", -1, NULL },
	{ "/%2E./etc", -1, NULL },
	{ "/a%2f..%2fb", -1, NULL },
	{ "/a%2F%2E%2E", -1, NULL },
	{ "//evil.example", -1, NULL },
	{ "/a//b", -1, NULL },
	{ "/%2fevil.example", -1, NULL },
	{ "/\\evil.example", -1, NULL },
	{ "/%5cevil.example", -1, NULL },
	{ "/a%00b", -1, NULL },
	{ "/a%0d%0aSet-Cookie:x", -1, NULL },
	{ "/a%7f", -1, NULL },
	{ "/a%zz", -1, NULL },
	{ "/a%", -1, NULL },
	{ "/%C0%AE%C0%AE/", -1, NULL },	/* overlong ".." */
};

static void
test_path_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];
		struct buf b = BUF_INIT;
		int rc;

		BUF_LIT(&b, "x");
		rc = url_path_decode(c->in, strlen(c->in), &b);
		if (rc != c->rc)
			print_error("case %zu \"%s\": rc %d\n", i, c->in, rc);
		assert_int_equal(rc, c->rc);
		if (rc == 0) {
			assert_int_equal(b.len, 1 + strlen(c->out));
			assert_string_equal(b.p + 1, c->out);
		} else {
			assert_string_equal(b.p, "x");
		}
		buf_free(&b);
	}
}

struct slug_case {
	const char	*in;
	int		 ok;
};

static const struct slug_case slug_cases[] = {
	{ "a", 1 },
	{ "hello-world", 1 },
	{ "2024-budget-2", 1 },
	{ "a--b", 1 },
	{ "", 0 },
	{ "-a", 0 },
	{ "a-", 0 },
	{ "-", 0 },
	{ "Hello", 0 },
	{ "a_b", 0 },
	{ "a b", 0 },
	{ "a/b", 0 },
	{ "a.b", 0 },
	{ "caf\xc3\xa9", 0 },
	{ "..", 0 },
};

static void
test_slug_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(slug_cases) / sizeof(slug_cases[0]); i++) {
		const struct slug_case *c = &slug_cases[i];
		int ok = url_is_slug(c->in, strlen(c->in));

		if (ok != c->ok)
			print_error("case %zu \"%s\": %d\n", i, c->in, ok);
		assert_int_equal(ok, c->ok);
	}
}

/* The form reader: text.h's rules, and sentences that name the field. */
static const struct {
	const char	*in;
	int		 rc;
	const char	*msg;		/* expected sentence, or NULL */
} form_cases[] = {
	{ "name=Ren%C3%A9e&body=a%0D%0Ab%09c", URL_OK, NULL },
	{ "=x&a=b", URL_OK, NULL },
	{ "name=a%01b", URL_BAD_TEXT, "The field \"name\" holds a control "
	  "character (U+0001) at character 2." },
	{ "name=a%0Ab", URL_BAD_TEXT, "The field \"name\" holds a line break "
	  "at character 2, and takes a single line." },
	{ "body_md=a%0Ab&title=x%7F", URL_BAD_TEXT, "The field \"title\" "
	  "holds a control character (U+007F) at character 2." },
	{ "email=%C0%AF", URL_BAD_TEXT, "The field \"email\" holds a byte "
	  "that is not UTF-8 (0xC0) at character 1." },
	{ "q=a%00", URL_BAD_TEXT, "The field \"q\" holds a control character "
	  "(U+0000, NUL) at character 2." },
	{ "a%01=x", URL_BAD_TEXT, "The name of a field holds a control "
	  "character (U+0001) at character 2." },
	{ "=%01", URL_BAD_TEXT, "A field holds a control character (U+0001) "
	  "at character 1." },
	{ "x=%EF%BF%BE", URL_BAD_TEXT, "The field \"x\" holds a noncharacter "
	  "(U+FFFE) at character 1." },
	{ "x=%zz", URL_MALFORMED, "The field \"x\" has a bad %-escape or is "
	  "too long." },
	{ "a&b&c&d&e", URL_MALFORMED, "There are more than 4 fields." },
};

static void
test_form_table(void **state)
{
	struct url_query q;
	char msg[300];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(form_cases) / sizeof(form_cases[0]); i++) {
		msg[0] = '\0';
		rc = url_form_parse(&q, form_cases[i].in,
		    strlen(form_cases[i].in), 4, "field", msg, sizeof(msg));
		if (rc != form_cases[i].rc || (form_cases[i].msg != NULL &&
		    strcmp(msg, form_cases[i].msg) != 0))
			printf("# form case %zu: %d \"%s\"\n", i, rc, msg);
		assert_int_equal(rc, form_cases[i].rc);
		if (form_cases[i].msg != NULL)
			assert_string_equal(msg, form_cases[i].msg);
		if (rc != URL_OK)
			assert_int_equal(q.n, 0);
		url_query_free(&q);
	}
}

static void
test_slug_length(void **state)
{
	char s[URL_SLUG_MAX + 2];

	memset(s, 'a', sizeof(s));
	assert_int_equal(url_is_slug(s, URL_SLUG_MAX), 1);
	assert_int_equal(url_is_slug(s, URL_SLUG_MAX + 1), 0);
	/* The length given counts, not a terminating NUL. */
	assert_int_equal(url_is_slug("ab-", 2), 1);
}

/* A sign-in's "next": only a path on this site, of safe characters. */
static void
test_local_table(void **state)
{
	static const struct {
		const char	*in;
		int		 want;
	} cases[] = {
		{ "/", 1 },
		{ "/account", 1 },
		{ "/admin/articles/12", 1 },
		{ "/search?q=5g&section=mobile", 1 },
		{ "/search?q=caf%C3%A9", 1 },
		{ "/a?b?c", 1 },
		{ "/x:y@z/(1)!$'*+,;=~._-", 1 },
		{ "", 0 },
		{ "account", 0 },
		{ "//evil.example/", 0 },
		{ "/\\evil.example/", 0 },
		{ "/\t/evil.example/", 0 },
		{ "/\r\nSet-Cookie: pwn=1", 0 },
		{ "/\nx", 0 },
		{ "/a b", 0 },
		{ "/a#frag", 0 },
		{ "/a%", 0 },
		{ "/a%4", 0 },
		{ "/a%zz", 0 },
		{ "/a\"b", 0 },
		{ "/a<b>", 0 },
		{ "/caf\xc3\xa9", 0 },
		{ "/\x7f", 0 },
		{ "https://evil.example/", 0 },
		{ "javascript:alert(1)", 0 },
	};
	char longp[URL_NEXT_MAX + 2];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (url_is_local(cases[i].in) != cases[i].want)
			fail_msg("url_is_local(\"%s\") != %d", cases[i].in,
			    cases[i].want);
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[URL_NEXT_MAX] = '\0';
	assert_int_equal(url_is_local(longp), 1);
	longp[URL_NEXT_MAX] = 'a';
	longp[URL_NEXT_MAX + 1] = '\0';
	assert_int_equal(url_is_local(longp), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_decode_raw_nul),
		cmocka_unit_test(test_decode_cap),
		cmocka_unit_test(test_query_table),
		cmocka_unit_test(test_query_get),
		cmocka_unit_test(test_query_uses_length),
		cmocka_unit_test(test_path_table),
		cmocka_unit_test(test_slug_table),
		cmocka_unit_test(test_slug_length),
		cmocka_unit_test(test_form_table),
		cmocka_unit_test(test_local_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
