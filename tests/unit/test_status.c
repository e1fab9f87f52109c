/*
 * test_status.c — the one mapping of store results and errno to HTTP
 * status (status.c).  Every case is pinned: a change here changes what
 * every handler answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <cmocka.h>

#include "status.h"

static const struct {
	int	 rc;
	int	 store;		/* status_store */
	int	 reply;		/* status_reply */
	int	 write;		/* status_write */
} store_cases[] = {
	{ STORE_OK,		200,	0,	503 },
	{ STORE_NOTFOUND,	404,	404,	404 },
	{ STORE_INVALID,	400,	400,	400 },
	{ STORE_CONFLICT,	409,	409,	409 },
	{ STORE_BUSY,		503,	503,	503 },
	{ STORE_ERROR,		500,	500,	500 },
	{ STORE_FORBIDDEN,	403,	403,	403 },
	{ STORE__MAX,		500,	500,	500 },
	{ -1,			500,	500,	500 },
};

static void
test_store(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(store_cases) / sizeof(store_cases[0]); i++) {
		assert_int_equal(status_store(store_cases[i].rc),
		    store_cases[i].store);
		assert_int_equal(status_reply(store_cases[i].rc),
		    store_cases[i].reply);
		assert_int_equal(status_write(store_cases[i].rc),
		    store_cases[i].write);
	}
}

/* Only STORE_INVALID takes the caller's status; the rest keep theirs. */
static void
test_store_as(void **state)
{
	(void)state;
	assert_int_equal(status_store_as(STORE_INVALID, 422), 422);
	assert_int_equal(status_store_as(STORE_INVALID, 409), 409);
	assert_int_equal(status_store_as(STORE_NOTFOUND, 422), 404);
	assert_int_equal(status_store_as(STORE_CONFLICT, 422), 409);
	assert_int_equal(status_store_as(STORE_BUSY, 409), 503);
	assert_int_equal(status_store_as(STORE_ERROR, 422), 500);
}

/* A full disk or no descriptors left is worth a retry; the rest is 500. */
static void
test_errno(void **state)
{
	static const struct {
		int	 err;
		int	 status;
	} cases[] = {
		{ ENOSPC, 503 }, { EDQUOT, 503 }, { EIO, 503 },
		{ EROFS, 503 }, { EMFILE, 503 }, { ENFILE, 503 },
		{ ENOMEM, 503 }, { EAGAIN, 503 },
		{ EACCES, 500 }, { ENAMETOOLONG, 500 }, { ENOENT, 500 },
		{ 0, 500 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(status_errno(cases[i].err), cases[i].status);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_store_as),
		cmocka_unit_test(test_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
