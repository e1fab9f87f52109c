/*
 * test_copy.c — migrate-db copies every table and every column of the
 * schema: a migration that adds either fails here until copy.c names it.
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
#include <sqlite3.h>

#include "copy.h"
#include "db.h"
#include "migrate.h"

static char path[] = "/tmp/masthead-test-copy-XXXXXX";

static void
test_covers_schema(void **state)
{
	char err[512], sql[256];
	struct db *db;
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i, ntables = 0;
	int fd = mkstemp(path);

	(void)state;
	copy_init();
	assert_true(fd >= 0);
	close(fd);
	db = db_open(path, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(migrate_run(db, err, sizeof(err)), 0);
	db_close(db);

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	/* Every table of the schema is copied... */
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master"
	    " WHERE type = 'table' AND name <> 'schema_migrations'"
	    " AND name NOT LIKE 'sqlite_%'", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int derived = 0;

		/* The search index and its FTS5 shadow tables are rebuilt. */
		for (i = 0; copy_derived[i] != NULL; i++)
			if (strncmp(name, copy_derived[i],
			    strlen(copy_derived[i])) == 0)
				derived = 1;
		if (derived)
			continue;

		for (i = 0; i < copy_ntables; i++)
			if (strcmp(copy_tables[i].name, name) == 0)
				break;
		if (i == copy_ntables)
			fprintf(stderr, "table %s is not copied\n", name);
		assert_true(i < copy_ntables);
		ntables++;
	}
	sqlite3_finalize(st);
	assert_int_equal(ntables, copy_ntables);
	/* ...with every one of its columns. */
	for (i = 0; i < copy_ntables; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM "
		    "pragma_table_info('%s')", copy_tables[i].name);
		assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != copy_tables[i].ncols)
			fprintf(stderr, "table %s has %d columns, %d copied\n",
			    copy_tables[i].name, sqlite3_column_int(st, 0),
			    copy_tables[i].ncols);
		assert_int_equal(sqlite3_column_int(st, 0),
		    copy_tables[i].ncols);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	unlink(path);
}

/*
 * copy_column names every column of every table, as the schema does:
 * export and import walk the tables through it.
 */
static void
test_column_names(void **state)
{
	char err[512], name[64], tmp[] = "/tmp/masthead-test-cols-XXXXXX";
	struct db *db;
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i;
	int c, fd = mkstemp(tmp);

	(void)state;
	copy_init();
	assert_true(fd >= 0);
	close(fd);
	db = db_open(tmp, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(migrate_run(db, err, sizeof(err)), 0);
	db_close(db);
	assert_int_equal(sqlite3_open(tmp, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM"
	    " pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL),
	    SQLITE_OK);
	for (i = 0; i < copy_ntables; i++) {
		for (c = 0; c < copy_tables[i].ncols; c++) {
			assert_true(copy_column(&copy_tables[i], c, name,
			    sizeof(name)) > 0);
			sqlite3_bind_text(st, 1, copy_tables[i].name, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			if (sqlite3_column_int(st, 0) != 1)
				fprintf(stderr, "%s has no column %s\n",
				    copy_tables[i].name, name);
			assert_int_equal(sqlite3_column_int(st, 0), 1);
			sqlite3_reset(st);
		}
		assert_int_equal(copy_column(&copy_tables[i],
		    copy_tables[i].ncols, name, sizeof(name)), -1);
		assert_int_equal(copy_column(&copy_tables[i], -1, name,
		    sizeof(name)), -1);
	}
	/* A name that does not fit is refused, never cut. */
	assert_int_equal(copy_column(&copy_tables[0], 0, name, 3), -1);
	sqlite3_finalize(st);
	sqlite3_close(h);
	unlink(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_covers_schema),
		cmocka_unit_test(test_column_names),
	};

	return cmocka_run_group_tests_name("copy", tests, NULL, NULL);
}
