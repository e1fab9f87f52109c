/*
 * store.c — helpers shared by the store files: turning rows into JSON
 * and database results into store results.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "text.h"
#include "util.h"

int
store_rc_from_db(int rc)
{
	switch (rc) {
	case DB_OK:
	case DB_DONE:
	case DB_ROW:
		return STORE_OK;
	case DB_CONSTRAINT:
		return STORE_CONFLICT;
	case DB_BUSY:
		return STORE_BUSY;
	default:
		return STORE_ERROR;
	}
}

/*
 * Column names decide the JSON type of a value: the engine says whether a
 * value is NULL, and integer columns are named by convention (id, *_id,
 * *_at, counts), so text that merely looks numeric stays text.
 */
static int
col_is_int(const char *name)
{
	static const char *const exact[] = { "id", "position", "online",
	    "active", "depth", "duration_min", "total", "featured",
	    "reports_open", "capacity", "has_recording", "raw_html",
	    "explicit", "has_transcript", "has_chapters" };
	static const char *const suffix[] = { "_id", "_at", "_count",
	    "width", "height", "bytes", "_seconds" };
	size_t n = strlen(name), i, k;

	for (i = 0; i < ARRAY_SIZE(exact); i++)
		if (strcmp(name, exact[i]) == 0)
			return 1;
	for (i = 0; i < ARRAY_SIZE(suffix); i++) {
		k = strlen(suffix[i]);
		if (n >= k && strcmp(name + n - k, suffix[i]) == 0)
			return 1;
	}
	return 0;
}

#define ROW_MAXCOLS	64

/* Which columns of a statement hold integers (see col_is_int). */
static int
row_kinds(struct db_stmt *st, char *isint)
{
	int i, n = db_col_count(st);

	if (n > ROW_MAXCOLS)
		n = ROW_MAXCOLS;
	for (i = 0; i < n; i++)
		isint[i] = (char)col_is_int(db_col_name(st, i));
	return n;
}

static json_t *
row_json(struct db_stmt *st, const char *isint, int n)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < n; i++) {
		json_t *v;
		size_t len;
		const char *s;

		if (db_col_isnull(st, i)) {
			v = json_null();
		} else if (isint[i]) {
			v = json_integer(db_col_int(st, i));
		} else {
			s = db_col_text(st, i, &len);
			/*
			 * Text that is not UTF-8 cannot reach a page or the
			 * API.  text_utf8_valid() takes what jansson takes,
			 * an ASCII word at a time, so jansson need not check
			 * it byte by byte again.
			 */
			v = text_utf8_valid(s, len) ?
			    json_stringn_nocheck(s, len) : json_string("");
		}
		json_object_set_new_nocheck(o, db_col_name(st, i), v);
	}
	return o;
}

json_t *
store_row_json(struct db_stmt *st)
{
	char isint[ROW_MAXCOLS];
	int n = row_kinds(st, isint);

	return row_json(st, isint, n);
}

int
store_rows_json(struct db_stmt *st, json_t **out)
{
	char isint[ROW_MAXCOLS];
	json_t *a = json_array();
	int rc, n = -1;

	while ((rc = db_step(st)) == DB_ROW) {
		if (n < 0)
			n = row_kinds(st, isint);
		json_array_append_new(a, row_json(st, isint, n));
	}
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(a);
		*out = NULL;
		return store_rc_from_db(rc);
	}
	*out = a;
	return STORE_OK;
}

int
store_row1_json(struct db_stmt *st, json_t **out)
{
	int rc = db_step(st);

	*out = NULL;
	if (rc == DB_ROW)
		*out = store_row_json(st);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_rows_by_id(struct db *db, const char *sql, int64_t id, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return store_rows_json(st, out);
}

int
store_rows_by_text(struct db *db, const char *sql, const char *arg,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, arg);
	return store_rows_json(st, out);
}

int
store_row_by_id(struct db *db, const char *sql, int64_t id, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return store_row1_json(st, out);
}

int
store_row_by_text(struct db *db, const char *sql, const char *arg,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, arg);
	return store_row1_json(st, out);
}

int64_t
store_scalar(struct db *db, const char *sql, int64_t arg)
{
	struct db_stmt *st;
	int64_t v = 0;

	if ((st = db_stmt(db, sql)) == NULL)
		return 0;
	db_bind_int(st, 1, arg);
	if (db_step(st) == DB_ROW && !db_col_isnull(st, 0))
		v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

int
store_returning_id(struct db_stmt *st, int64_t *id)
{
	int rc;

	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_one_row(struct db *db, struct db_stmt *st)
{
	int rc;

	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

static const char sql_setting[] =
    "SELECT value FROM settings WHERE key = $1";

const char *
store_setting(struct db *db, const char *key, const char *dflt, char *tmp,
    size_t tmpsz)
{
	struct db_stmt *st = db_stmt(db, sql_setting);
	const char *r = dflt;

	if (st == NULL)
		return dflt;
	db_bind_str(st, 1, key);
	if (db_step(st) == DB_ROW) {
		strlcpy_(tmp, db_col_text(st, 0, NULL), tmpsz);
		r = tmp;
	}
	db_reset(st);
	return r;
}
