/*
 * migrate.c — applies the embedded migrations in version order.
 *
 * A migration is a file migrations/<engine>/NNNN_name.sql; NNNN is its
 * version.  The versions applied are recorded in schema_migrations, so a
 * start-up on an up-to-date database costs one short transaction.  Every
 * version exists for every engine (a unit test checks it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "embed.h"
#include "migrate.h"
#include "util.h"

static const char sql_create[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";
static const char sql_max[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_record[] =
    "INSERT INTO schema_migrations (version, name, applied_at)"
    " VALUES ($1, $2, $3)";

static const char *const engine_dir[DB__MAX] = {
	[DB_SQLITE] = "migrations/sqlite/",
	[DB_POSTGRES] = "migrations/postgres/",
};

struct mig {
	int64_t			 version;
	const struct embed_file	*file;
};

static int
mig_cmp(const void *a, const void *b)
{
	const struct mig *x = a, *y = b;

	return x->version < y->version ? -1 : x->version > y->version;
}

int
migrate_run(struct db *db, char *err, size_t errlen)
{
	const char *dir = engine_dir[db_kind(db)];
	size_t dirlen = strlen(dir), n = 0, i;
	struct mig *migs;
	struct db_stmt *st;
	int64_t have = 0;

	migs = xcalloc(embed_count + 1, sizeof(*migs));
	for (i = 0; i < embed_count; i++) {
		const char *name = embed_files[i].name, *base;
		size_t nd = 0;

		if (strncmp(name, dir, dirlen) != 0)
			continue;
		base = name + dirlen;
		while (base[nd] >= '0' && base[nd] <= '9')
			nd++;
		if (nd == 0 || base[nd] != '_' ||
		    parse_int(base, nd, 1, 99999, &migs[n].version) != 0)
			continue;
		migs[n++].file = &embed_files[i];
	}
	qsort(migs, n, sizeof(*migs), mig_cmp);

	/*
	 * One write transaction holds the whole run, under the engine's
	 * migration lock: of several processes starting at once, one
	 * migrates and the others then find nothing left to do.
	 * After this point, all errors go through fail.
	 */
	i = n;
	if (db_begin_write(db) != DB_OK || db_migrate_lock(db) != DB_OK ||
	    db_exec(db, sql_create) != DB_OK)
		goto fail;
	if ((st = db_stmt(db, sql_max)) == NULL)
		goto fail;
	if (db_step(st) != DB_ROW) {
		db_reset(st);
		goto fail;
	}
	have = db_col_int(st, 0);
	db_reset(st);
	for (i = 0; i < n; i++) {
		if (migs[i].version <= have)
			continue;
		if (db_exec(db, (const char *)migs[i].file->data) != DB_OK)
			goto fail;
		if ((st = db_stmt(db, sql_record)) == NULL)
			goto fail;
		db_bind_int(st, 1, migs[i].version);
		db_bind_str(st, 2, migs[i].file->name + dirlen);
		db_bind_int(st, 3, now_unix());
		if (db_run(st) != DB_OK)
			goto fail;
	}
	i = n;
	if (db_commit(db) != DB_OK)
		goto fail;
	free(migs);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", i < n ? migs[i].file->name :
	    "schema_migrations", db_errmsg(db));
	db_rollback(db);
	free(migs);
	return -1;
}
