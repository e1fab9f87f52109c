/*
 * test_util.c — src/util.c: email_norm(), the one check of an email
 * address, which the sign-in form and the command line now share.
 * Cases in a table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"

static void
test_email_norm(void **state)
{
	static const struct {
		const char	*in, *out;	/* out NULL: refused */
	} cases[] = {
		{ "ann@example.com", "ann@example.com" },
		{ "  Ann.Smith@Example.COM  ", "ann.smith@example.com" },
		/*
		 * "masthead user add" took addresses the sign-in form
		 * lowercases, and stored them as typed: an account made as
		 * Editor@Example.com could never sign in.  It now stores
		 * what email_norm() makes, and refuses what it refuses.
		 */
		{ "Editor@Example.com", "editor@example.com" },
		{ "ann <ann@example.com>", NULL },
		{ "a\"b@example.com", NULL },
		{ "a,b@example.com", NULL },
		{ "ann@example", NULL },
		{ "ann@.example.com", NULL },
		{ "ann@example.com.", NULL },
		{ "@example.com", NULL },
		{ "a@b@example.com", NULL },
		{ "a b@example.com", NULL },
		{ "a\tb@example.com", NULL },
		{ "", NULL },
	};
	char out[EMAIL_NORM_MAX + 1], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].out == NULL) {
			assert_int_equal(email_norm(cases[i].in, out,
			    sizeof(out)), -1);
			continue;
		}
		assert_int_equal(email_norm(cases[i].in, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].out);
	}
	/* Too small a buffer refuses the address; it never cuts it. */
	assert_int_equal(email_norm("ann@example.com", small, sizeof(small)),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email_norm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
