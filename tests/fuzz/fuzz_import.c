/*
 * fuzz_import.c — libFuzzer target for `masthead import` (src/import.c,
 * src/import_wxr.c, src/import_ghost.c): the input is an export file,
 * WordPress's XML or a JSON one, imported with --dry-run into a SQLite
 * database in memory that was migrated once.
 *
 * The readers reach the store, so the target links the whole program
 * (see the Makefile).  It aborts when the import breaks import.h: a
 * failure without a sentence, a failed WXR read whose sentence names no
 * line (unless the file is no WordPress export at all), or a database
 * that is not as it was after the run (a dry run rolls everything back).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "import.h"
#include "migrate.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static char path[] = P_tmpdir "/masthead-fuzz-import-XXXXXX";

/* The file goes when the fuzzer ends (it calls exit). */
static void
cleanup(void)
{
	unlink(path);
}

static int64_t
rows(void)
{
	return store_scalar(db, "SELECT (SELECT count(*) FROM articles)"
	    " + (SELECT count(*) FROM sections) + (SELECT count(*) FROM"
	    " redirects) + (SELECT count(*) FROM import_ids) + $1", 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o;
	struct import_report rep;
	char err[1024];
	FILE *f;
	size_t i;
	int rc, fd;

	if (db == NULL) {
		if ((db = db_open(":memory:", err, sizeof(err))) == NULL ||
		    migrate_run(db, err, sizeof(err)) != 0)
			abort();
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.dry_run = 1;
	err[0] = '\0';
	rc = import_file(db, path, &o, &rep, err, sizeof(err));
	json_decref(rep.notes);
	if (rc != 0 && err[0] == '\0')
		abort();
	/* A WXR file that fails is named by its line, or is no export. */
	for (i = 0; i < size && (data[i] == ' ' || data[i] == '\n' ||
	    data[i] == '\t' || data[i] == '\r'); i++)
		;
	if (rc != 0 && i < size && data[i] == '<' && strstr(err, "line ") ==
	    NULL && strstr(err, "not a WordPress export") == NULL)
		abort();
	if (rows() != 0)
		abort();
	return 0;
}
