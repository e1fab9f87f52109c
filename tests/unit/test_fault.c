/*
 * test_fault.c — the log's note of a storage failure (fault.c): a full
 * disk or a lost database is noted for the log, and nothing a client
 * sends can break a line of it.  The statuses those failures answer
 * with are test_status.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db.h"
#include "fault.h"
#include "status.h"
#include "store.h"

static const struct {
	const char	*in;
	size_t		 len;
	const char	*want;
} printable[] = {
	{ "GET", 3, "GET" },
	{ "/a b?c=d", 8, "/a b?c=d" },
	/* A line break or an escape sequence would forge the log. */
	{ "/x\nmasthead: 200 GET /", 22, "/x\\x0amasthead: 200 GET /" },
	{ "/\r\x1b[2J", 6, "/\\x0d\\x1b[2J" },
	{ "/caf\xc3\xa9", 6, "/caf\\xc3\\xa9" },
	{ "/\x7f", 2, "/\\x7f" },
	/* An engine's message ends in a newline that says nothing. */
	{ "disk full\n", 10, "disk full" },
	{ "a\0b", 3, "a\\x00b" },
};

static void
test_printable(void **state)
{
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(printable) / sizeof(printable[0]); i++) {
		fault_printable(out, sizeof(out), printable[i].in,
		    printable[i].len);
		if (strcmp(out, printable[i].want) != 0)
			printf("# row %zu: got \"%s\"\n", i, out);
		assert_string_equal(out, printable[i].want);
	}
	/* A short buffer cuts between escapes, never inside one. */
	fault_printable(out, 6, "ab\n\n\n", 5);
	assert_string_equal(out, "ab");
	fault_printable(out, 1, "abc", 3);
	assert_string_equal(out, "");
}

static void *
other_thread(void *arg)
{
	char *seen = arg;

	snprintf(seen, FAULT_MAX, "%s", fault_last());
	fault_note("database: %s", "locked");
	return NULL;
}

static void
test_note_per_thread(void **state)
{
	pthread_t t;
	char seen[FAULT_MAX] = "unset";

	(void)state;
	fault_clear();
	assert_string_equal(fault_last(), "");
	fault_note("media: writing %s: %s", "x.png", strerror(ENOSPC));
	assert_string_equal(fault_last(),
	    "media: writing x.png: No space left on device");
	/* Another thread's request has its own note, and leaves ours. */
	assert_int_equal(pthread_create(&t, NULL, other_thread, seen), 0);
	pthread_join(t, NULL);
	assert_string_equal(seen, "");
	assert_string_equal(fault_last(),
	    "media: writing x.png: No space left on device");
	fault_clear();
	assert_string_equal(fault_last(), "");
}

static const char sql_fill[] =
    "INSERT INTO t (x) VALUES (zeroblob(100000))";

/* SQLite out of space (SQLITE_FULL) is DB_BUSY, noted with its message. */
static void
test_sqlite_full(void **state)
{
	char path[] = "/tmp/masthead-test-fault-XXXXXX", file[64], err[256];
	struct db *db;
	int i, rc = DB_OK;

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/full.db", path);
	db = db_open(file, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(db_exec(db, "CREATE TABLE t (x BLOB);"
	    "PRAGMA max_page_count = 40;"), DB_OK);
	fault_clear();
	for (i = 0; i < 100 && rc == DB_OK; i++)
		rc = db_run(db_stmt(db, sql_fill));
	assert_int_equal(rc, DB_BUSY);
	assert_int_equal(status_store(store_rc_from_db(rc)), 503);
	assert_non_null(strstr(fault_last(), "full"));
	db_close(db);
	snprintf(file, sizeof(file), "%s/full.db", path);
	remove(file);
	snprintf(file, sizeof(file), "%s/full.db-wal", path);
	remove(file);
	snprintf(file, sizeof(file), "%s/full.db-shm", path);
	remove(file);
	remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_note_per_thread),
		cmocka_unit_test(test_sqlite_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
