/*
 * test_db.c — the driver seam on SQLite: $N parameters in any order,
 * the statement cache, nested transactions, constraint results, and the
 * store's row-to-JSON helpers and migrations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "migrate.h"
#include "store.h"

static char path[] = "/tmp/masthead-test-db-XXXXXX";

static int
setup(void **state)
{
	char err[256];
	int fd = mkstemp(path);
	struct db *db;

	if (fd < 0)
		return -1;
	close(fd);
	if ((db = db_open(path, err, sizeof(err))) == NULL)
		return -1;
	*state = db;
	return db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY,"
	    " name TEXT NOT NULL UNIQUE, n INTEGER, created_at INTEGER)") ==
	    DB_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	char wal[300];

	db_close(*state);
	unlink(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	return 0;
}

static const char sql_ins[] =
    "INSERT INTO t (n, name, created_at) VALUES ($2, $1, $2)";
static const char sql_sel[] =
    "SELECT id, name, n, created_at FROM t WHERE n >= $2 AND name <> $1"
    " ORDER BY id";

static void
test_params_out_of_order(void **state)
{
	struct db *db = *state;
	struct db_stmt *st;
	size_t len;

	st = db_stmt(db, sql_ins);
	assert_non_null(st);
	db_bind_str(st, 1, "alpha");
	db_bind_int(st, 2, 7);
	assert_int_equal(db_run(st), DB_OK);
	db_bind_str(st, 1, "beta");
	db_bind_int(st, 2, 9);
	assert_int_equal(db_run(st), DB_OK);
	/* The cache hands back the very same statement. */
	assert_ptr_equal(db_stmt(db, sql_ins), st);

	st = db_stmt(db, sql_sel);
	db_bind_str(st, 1, "alpha");
	db_bind_int(st, 2, 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 1, &len), "beta");
	assert_int_equal(len, 4);
	assert_int_equal(db_col_int(st, 2), 9);
	assert_int_equal(db_col_int(st, 3), 9);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
}

static void
test_constraint(void **state)
{
	struct db *db = *state;
	struct db_stmt *st = db_stmt(db, sql_ins);

	db_bind_str(st, 1, "gamma");
	db_bind_int(st, 2, 1);
	assert_int_equal(db_run(st), DB_OK);
	db_bind_str(st, 1, "gamma");
	db_bind_int(st, 2, 2);
	assert_int_equal(db_run(st), DB_CONSTRAINT);
	assert_int_equal(store_rc_from_db(DB_CONSTRAINT), STORE_CONFLICT);
}

static void
test_nested_tx(void **state)
{
	static const char sql_count[] = "SELECT count(*) AS total FROM t";
	struct db *db = *state;
	struct db_stmt *st;
	json_t *row;
	int64_t before;

	st = db_stmt(db, sql_count);
	assert_int_equal(store_row1_json(st, &row), STORE_OK);
	before = json_integer_value(json_object_get(row, "total"));
	json_decref(row);

	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_begin(db), DB_OK);	/* inner: no-op */
	st = db_stmt(db, sql_ins);
	db_bind_str(st, 1, "delta");
	db_bind_int(st, 2, 3);
	assert_int_equal(db_run(st), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);	/* inner: still open */
	assert_int_equal(db_rollback(db), DB_OK);

	st = db_stmt(db, sql_count);
	assert_int_equal(store_row1_json(st, &row), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(row, "total")),
	    before);
	json_decref(row);
}

static void
test_rows_json(void **state)
{
	struct db *db = *state;
	struct db_stmt *st = db_stmt(db, sql_sel);
	json_t *rows, *r;

	db_bind_str(st, 1, "");
	db_bind_int(st, 2, 0);
	assert_int_equal(store_rows_json(st, &rows), STORE_OK);
	assert_true(json_array_size(rows) >= 2);
	r = json_array_get(rows, 0);
	assert_true(json_is_integer(json_object_get(r, "id")));
	assert_true(json_is_integer(json_object_get(r, "created_at")));
	assert_true(json_is_string(json_object_get(r, "name")));
	/* "n" is not a known integer column, so it comes back as text. */
	assert_true(json_is_string(json_object_get(r, "n")));
	json_decref(rows);
}

static void
test_migrate_twice(void **state)
{
	struct db *db = *state;
	char err[512];

	assert_int_equal(migrate_run(db, err, sizeof(err)), 0);
	/* A second run applies nothing and succeeds. */
	assert_int_equal(migrate_run(db, err, sizeof(err)), 0);
	assert_int_equal(db_exec(db, "SELECT 1 FROM articles LIMIT 1"), DB_OK);
}

static void
test_cursor(void **state)
{
	struct cursor c;
	char out[48];

	(void)state;
	assert_int_equal(store_cursor_parse("1620000000.42", &c), 0);
	assert_int_equal(c.t, 1620000000);
	assert_int_equal(c.id, 42);
	store_cursor_format(&c, out, sizeof(out));
	assert_string_equal(out, "1620000000.42");
	assert_int_equal(store_cursor_parse("", &c), -1);
	assert_int_equal(store_cursor_parse("12", &c), -1);
	assert_int_equal(store_cursor_parse("12.", &c), -1);
	assert_int_equal(store_cursor_parse(".12", &c), -1);
	assert_int_equal(store_cursor_parse("-1.2", &c), -1);
	assert_int_equal(store_cursor_parse("1.2.3", &c), -1);
	assert_int_equal(store_cursor_parse("99999999999999999999.1", &c), -1);
}

static void
test_open_error(void **state)
{
	char err[256];

	(void)state;
	assert_null(db_open("/nonexistent-dir/x.db", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.db"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_out_of_order),
		cmocka_unit_test(test_constraint),
		cmocka_unit_test(test_nested_tx),
		cmocka_unit_test(test_rows_json),
		cmocka_unit_test(test_migrate_twice),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_open_error),
	};

	return cmocka_run_group_tests_name("db", tests, setup, teardown);
}
