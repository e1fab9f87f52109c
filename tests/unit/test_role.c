/*
 * test_role.c — the names of the roles (role.c): what the users table
 * stores, so each spelling is pinned, and parse is name's inverse; and
 * who may publish without review.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "role.h"

static const struct {
	enum role	 role;
	const char	*name;
} cases[] = {
	{ ROLE_MEMBER, "member" },
	{ ROLE_CONTRIBUTOR, "contributor" },
	{ ROLE_AUTHOR, "author" },
	{ ROLE_EDITOR, "editor" },
	{ ROLE_ADMIN, "admin" },
};

static void
test_names(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(sizeof(cases) / sizeof(cases[0]), ROLE__MAX);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(role_name(cases[i].role), cases[i].name);
		assert_int_equal(role_parse(cases[i].name), cases[i].role);
	}
	assert_string_equal(role_name(ROLE__MAX), "member");
}

/* Only the exact lower-case spelling is a role. */
static void
test_unknown(void **state)
{
	static const char *const bad[] = { "", "Admin", "admin ", "root",
	    "editors", "memb" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(role_parse(bad[i]), -1);
}

/*
 * Who publishes without review, by role and by the site's setting: the
 * whole table, so a change of the rule is a change here.
 */
static void
test_may_publish(void **state)
{
	static const struct {
		enum role	role;
		int		off, on;	/* authors_publish 0, 1 */
	} want[] = {
		{ ROLE_MEMBER, 0, 0 },
		{ ROLE_CONTRIBUTOR, 0, 0 },
		{ ROLE_AUTHOR, 0, 1 },
		{ ROLE_EDITOR, 1, 1 },
		{ ROLE_ADMIN, 1, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(role_may_publish(want[i].role, 0), want[i].off);
		assert_int_equal(role_may_publish(want[i].role, 1), want[i].on);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_may_publish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
