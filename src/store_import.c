/*
 * store_import.c — what `masthead import` keeps beside the content it
 * writes: the map from a source site's ids to ours (so that a second run
 * finds what the first made), and the redirect table that answers old
 * addresses with 301 (docs/import.md).
 *
 * Writes run inside the caller's write transaction.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

static const char sql_id_get[] =
    "SELECT target_id FROM import_ids"
    " WHERE source = $1 AND kind = $2 AND source_id = $3";
static const char sql_id_set[] =
    "INSERT INTO import_ids (source, kind, source_id, target_id, created_at)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, kind, source_id)"
    " DO UPDATE SET target_id = excluded.target_id";
static const char sql_section_slug[] =
    "SELECT slug FROM sections WHERE id = $1";
static const char sql_redirect_get[] =
    "SELECT new_path FROM redirects WHERE old_path = $1";
/* An old path set by hand is kept: an import never overwrites it. */
static const char sql_redirect_set[] =
    "INSERT INTO redirects (old_path, new_path, created_at)"
    " VALUES ($1, $2, $3) ON CONFLICT (old_path) DO NOTHING";
static const char sql_redirect_put[] =
    "INSERT INTO redirects (old_path, new_path, created_at)"
    " VALUES ($1, $2, $3) ON CONFLICT (old_path)"
    " DO UPDATE SET new_path = excluded.new_path";
static const char sql_redirect_del[] =
    "DELETE FROM redirects WHERE old_path = $1";
static const char sql_redirects_list[] =
    "SELECT old_path, new_path, created_at FROM redirects"
    " WHERE old_path > $1 ORDER BY old_path LIMIT $2";

int
store_import_id(struct db *db, const char *source, const char *kind,
    const char *source_id, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_id_get)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, source);
	db_bind_str(st, 2, kind);
	db_bind_str(st, 3, source_id);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_import_id_set(struct db *db, const char *source, const char *kind,
    const char *source_id, int64_t id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_id_set)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, source);
	db_bind_str(st, 2, kind);
	db_bind_str(st, 3, source_id);
	db_bind_int(st, 4, id);
	db_bind_int(st, 5, now_unix());
	rc = db_run(st);
	return rc == DB_OK ? STORE_OK : store_rc_from_db(rc);
}

/* The first column of the bound statement's first row, into out. */
static int
first_text(struct db_stmt *st, char *out, size_t outsz)
{
	int rc;

	if ((rc = db_step(st)) == DB_ROW)
		strlcpy_(out, db_col_text(st, 0, NULL), outsz);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_redirect_get(struct db *db, const char *old, char *out, size_t outsz)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_redirect_get)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, old);
	return first_text(st, out, outsz);
}

/*
 * A path the table accepts: a local one ('/' not followed by '/' or
 * '\\', which browsers read as another host), at most
 * STORE_REDIRECT_MAX bytes, no control characters.
 */
static int
path_ok(const char *p)
{
	size_t n = p != NULL ? strlen(p) : 0, i;

	if (n < 2 || n > STORE_REDIRECT_MAX || p[0] != '/' || p[1] == '/' ||
	    p[1] == '\\')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

int
store_redirect_set(struct db *db, const char *old, const char *new_path,
    int replace)
{
	struct db_stmt *st;
	int rc;

	if (!path_ok(old) || !path_ok(new_path) || strcmp(old, new_path) == 0)
		return STORE_INVALID;
	if ((st = db_stmt(db, replace ? sql_redirect_put :
	    sql_redirect_set)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, old);
	db_bind_str(st, 2, new_path);
	db_bind_int(st, 3, now_unix());
	rc = db_run(st);
	return rc == DB_OK ? STORE_OK : store_rc_from_db(rc);
}

int
store_redirect_delete(struct db *db, const char *old)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_redirect_del)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, old);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_redirects_list(struct db *db, const char *after, int limit,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_redirects_list)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, after);
	db_bind_int(st, 2, limit);
	return store_rows_json(st, out);
}

int
store_section_slug(struct db *db, int64_t id, char *out, size_t outsz)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_section_slug)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return first_text(st, out, outsz);
}

/*
 * The newsroom's import runs (/admin/import).  busy is 1 while a run is
 * queued or running: the unique index refuses a second one.
 */
static const char sql_run_add[] =
    "INSERT INTO imports (user_id, filename, path, size, options, status,"
    " busy, created_at) VALUES ($1, $2, $3, $4, $5, 'queued', 1, $6)"
    " RETURNING id";
static const char sql_run_get[] =
    "SELECT id, user_id, filename, path, size AS bytes, options, status,"
    " created_at, started_at, finished_at, report, error"
    " FROM imports WHERE id = $1";
static const char sql_runs[] =
    "SELECT i.id, i.filename, i.size AS bytes, i.status, i.created_at,"
    " i.finished_at, i.error, u.display_name AS user_name"
    " FROM imports i LEFT JOIN users u ON u.id = i.user_id"
    " ORDER BY i.id DESC LIMIT $1";
static const char sql_run_busy[] =
    "SELECT id FROM imports WHERE busy = 1";
static const char sql_run_start[] =
    "UPDATE imports SET status = 'running', started_at = $2"
    " WHERE id = $1 AND busy = 1";
static const char sql_run_end[] =
    "UPDATE imports SET status = $2, busy = NULL, finished_at = $3,"
    " report = $4, error = $5 WHERE id = $1";

int
store_import_run_add(struct db *db, int64_t user_id, const char *filename,
    const char *path, int64_t size, const char *options, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_run_add)) == NULL)
		return STORE_ERROR;
	if (user_id > 0)
		db_bind_int(st, 1, user_id);
	else
		db_bind_null(st, 1);
	db_bind_str(st, 2, filename);
	db_bind_str(st, 3, path);
	db_bind_int(st, 4, size);
	db_bind_str(st, 5, options);
	db_bind_int(st, 6, now_unix());
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_import_run_get(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_run_get, id, out);
}

int
store_import_runs(struct db *db, int64_t limit, json_t **out)
{
	return store_rows_by_id(db, sql_runs, limit, out);
}

int64_t
store_import_run_busy(struct db *db)
{
	struct db_stmt *st;
	int64_t id = 0;

	if ((st = db_stmt(db, sql_run_busy)) == NULL)
		return 0;
	if (db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_reset(st);
	return id;
}

int
store_import_run_start(struct db *db, int64_t id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_run_start)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now_unix());
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_import_run_end(struct db *db, int64_t id, int ok, const char *report,
    const char *error)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_run_end)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, ok ? "done" : "failed");
	db_bind_int(st, 3, now_unix());
	db_bind_str(st, 4, report);
	db_bind_str(st, 5, error);
	rc = db_run(st);
	return store_rc_from_db(rc);
}
