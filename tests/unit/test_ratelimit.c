/*
 * test_ratelimit.c — the token buckets of src/ratelimit.c: a burst of
 * the limit, then one event per window/limit, keys apart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ratelimit.h"

#define WINDOW	600000	/* ten minutes, as comments use */

static void
test_burst_then_refill(void **state)
{
	int64_t t = 1000000, i;

	(void)state;
	ratelimit_reset();
	for (i = 0; i < 10; i++)
		assert_int_equal(ratelimit_hit("u:1", 10, WINDOW, t), 0);
	/* The eleventh waits for one token: a tenth of the window. */
	assert_in_range(ratelimit_hit("u:1", 10, WINDOW, t), 59000, 60001);
	/* A refused event costs nothing: still one token's wait. */
	assert_in_range(ratelimit_hit("u:1", 10, WINDOW, t + 30000), 29000,
	    30001);
	assert_int_equal(ratelimit_hit("u:1", 10, WINDOW, t + 60000), 0);
	assert_true(ratelimit_hit("u:1", 10, WINDOW, t + 60000) > 0);
	/* A full window later the whole burst is back, no more. */
	t += 60000 + WINDOW;
	for (i = 0; i < 10; i++)
		assert_int_equal(ratelimit_hit("u:1", 10, WINDOW, t), 0);
	assert_true(ratelimit_hit("u:1", 10, WINDOW, t) > 0);
}

static void
test_keys_apart(void **state)
{
	int64_t t = 5000000;

	(void)state;
	ratelimit_reset();
	assert_int_equal(ratelimit_hit("ip:192.0.2.1", 1, WINDOW, t), 0);
	assert_true(ratelimit_hit("ip:192.0.2.1", 1, WINDOW, t) > 0);
	assert_int_equal(ratelimit_hit("ip:192.0.2.2", 1, WINDOW, t), 0);
	assert_int_equal(ratelimit_hit("u:7", 1, WINDOW, t), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refill),
		cmocka_unit_test(test_keys_apart),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
