/*
 * test_hook.c — lists of functions registered at start (hook.c): each
 * runs once a run, in the order added, and an empty list runs nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hook.h"

static char order[16];
static size_t norder;

static void first(void) { order[norder++] = 'a'; }
static void second(void) { order[norder++] = 'b'; }

static void
test_order(void **state)
{
	struct hooks h = { 0 };

	(void)state;
	norder = 0;
	hook_run(&h);
	assert_int_equal(norder, 0);
	hook_add(&h, first);
	hook_add(&h, second);
	hook_run(&h);
	hook_run(&h);
	assert_int_equal(norder, 4);
	assert_memory_equal(order, "abab", 4);
}

/* Up to HOOK_MAX fit. */
static void
test_full(void **state)
{
	struct hooks h = { 0 };
	int i;

	(void)state;
	norder = 0;
	for (i = 0; i < HOOK_MAX; i++)
		hook_add(&h, first);
	hook_run(&h);
	assert_int_equal(norder, HOOK_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
