/*
 * fuzz_import_masthead.c — libFuzzer target for import_masthead()
 * (src/import_masthead.c): the streaming reader of masthead's JSON
 * export, which takes a file a publisher was handed.
 *
 * The input is the file.  It is read with --dry-run into one SQLite
 * database migrated once, so every run starts from the same empty site.
 * The reader reaches the store, so the target links the whole program
 * (see the Makefile).  The target aborts when the answer breaks
 * export.h: a refusal says nothing, a dry run leaves a row behind, or a
 * file the reader accepts is not JSON to jansson reading it whole (the
 * scanner must never accept what a JSON parser refuses).
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "copy.h"
#include "db.h"
#include "export.h"
#include "import.h"
#include "migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static char dbpath[] = "/tmp/masthead-fuzz-import-XXXXXX";
static char inpath[] = "/tmp/masthead-fuzz-input-XXXXXX";

/* The files go when the fuzzer ends (it calls exit). */
static void
cleanup(void)
{
	char p[sizeof(dbpath) + 8];

	db_close(db);
	unlink(inpath);
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
}

static void
setup(void)
{
	char err[512];
	int fd;

	if ((fd = mkstemp(dbpath)) < 0)
		abort();
	close(fd);
	if ((fd = mkstemp(inpath)) < 0)
		abort();
	close(fd);
	if ((db = db_open(dbpath, err, sizeof(err))) == NULL ||
	    migrate_run(db, err, sizeof(err)) != 0)
		abort();
	copy_init();
	atexit(cleanup);
}

/* Aborts unless every table of the site is empty. */
static void
check_empty(void)
{
	struct db_stmt *st;
	size_t i;

	for (i = 0; i < copy_ntables; i++) {
		if ((st = db_stmt(db, copy_tables[i].count_sql)) == NULL)
			abort();
		if (db_step(st) != DB_ROW || db_col_int(st, 0) != 0)
			abort();
		db_reset(st);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o;
	struct import_report rep;
	char err[1024];
	json_error_t je;
	json_t *whole;
	FILE *f;
	int rc;

	if (db == NULL)
		setup();
	if ((f = fopen(inpath, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	memset(&o, 0, sizeof(o));
	memset(&rep, 0, sizeof(rep));
	o.dry_run = 1;
	err[0] = '\0';
	rc = import_masthead(db, inpath, &o, &rep, err, sizeof(err));
	json_decref(rep.notes);
	if (rc != 0 && err[0] == '\0')
		abort();
	if (rc == 0) {
		whole = json_loadb((const char *)data, size, JSON_ALLOW_NUL, &je);
		if (whole == NULL || !json_is_object(whole))
			abort();
		json_decref(whole);
	}
	check_empty();
	return 0;
}
