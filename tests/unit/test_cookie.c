/*
 * test_cookie.c — finding one cookie in a Cookie header (src/cookie.c).
 * Cases in a table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cookie.h"

static void
test_cases(void **state)
{
	static const struct {
		const char	*header, *name, *value;	/* value NULL: none */
	} cases[] = {
		{ "mh_session=abc", "mh_session", "abc" },
		{ "a=1; mh_session=abc; b=2", "mh_session", "abc" },
		{ "a=1;mh_session=abc", "mh_session", "abc" },
		{ "a=1;\tmh_session = abc \t;b=2", "mh_session", "abc" },
		{ "mh_session=first; mh_session=second", "mh_session", "first" },
		{ "mh_session=", "mh_session", "" },
		{ "mh_cview=\"oldest\"", "mh_cview", "\"oldest\"" },
		/*
		 * Not the session cookie, though the router's old strstr()
		 * test said so and took the page out of the cache.
		 */
		{ "xmh_session=1", "mh_session", NULL },
		{ "v=mh_session=2", "mh_session", NULL },
		{ "mh_session", "mh_session", NULL },
		{ "mh_sessionx=1", "mh_session", NULL },
		{ "", "mh_session", NULL },
		{ ";;; ;", "mh_session", NULL },
	};
	const char *v;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = cookie_get(cases[i].header, strlen(cases[i].header),
		    cases[i].name, &n);
		if (cases[i].value == NULL) {
			assert_null(v);
			continue;
		}
		assert_non_null(v);
		assert_int_equal(n, strlen(cases[i].value));
		assert_memory_equal(v, cases[i].value, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
