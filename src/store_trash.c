/*
 * store_trash.c — the newsroom's Trash for what is not a story: events,
 * webinars and white papers (resources).  A row there has trashed_at
 * set; every public statement of its kind leaves it out, so it is on no
 * page, list, feed, sitemap or calendar, and its slug stays taken.
 * Stories keep their own statements (store_write.c), because trashing
 * one also makes it a draft and takes it out of search.
 *
 * The list of the Trash is of every kind, stories included.
 */
#include "db.h"
#include "store.h"

/* $1 id, $2 now. */
static const char *const sql_put[TRASH__MAX] = {
	[TRASH_EVENT] = "UPDATE events SET trashed_at = $2"
	    " WHERE id = $1 AND trashed_at IS NULL",
	[TRASH_WEBINAR] = "UPDATE webinars SET trashed_at = $2"
	    " WHERE id = $1 AND trashed_at IS NULL",
	[TRASH_RESOURCE] = "UPDATE resources SET trashed_at = $2"
	    " WHERE id = $1 AND trashed_at IS NULL",
};

/* $1 id: the row as it was, nothing else changed. */
static const char *const sql_take[TRASH__MAX] = {
	[TRASH_EVENT] = "UPDATE events SET trashed_at = NULL"
	    " WHERE id = $1 AND trashed_at IS NOT NULL",
	[TRASH_WEBINAR] = "UPDATE webinars SET trashed_at = NULL"
	    " WHERE id = $1 AND trashed_at IS NOT NULL",
	[TRASH_RESOURCE] = "UPDATE resources SET trashed_at = NULL"
	    " WHERE id = $1 AND trashed_at IS NOT NULL",
};

/*
 * $1 id, $2 the latest trashed_at to delete.  Registrations, an event's
 * agenda and a white paper's leads go with the row (ON DELETE CASCADE);
 * a webinar that named the event as its own keeps going without it.
 */
static const char sql_unlink_webinars[] =
    "UPDATE webinars SET event_id = NULL WHERE event_id IN (SELECT id"
    " FROM events WHERE id = $1 AND trashed_at IS NOT NULL"
    " AND trashed_at <= $2)";
static const char *const sql_purge[TRASH__MAX] = {
	[TRASH_EVENT] = "DELETE FROM events WHERE id = $1"
	    " AND trashed_at IS NOT NULL AND trashed_at <= $2",
	[TRASH_WEBINAR] = "DELETE FROM webinars WHERE id = $1"
	    " AND trashed_at IS NOT NULL AND trashed_at <= $2",
	[TRASH_RESOURCE] = "DELETE FROM resources WHERE id = $1"
	    " AND trashed_at IS NOT NULL AND trashed_at <= $2",
};

/* $1 id: what the Trash's buttons check first. */
static const char *const sql_of[TRASH__MAX] = {
	[TRASH_ARTICLE] = "SELECT id, slug, title, trashed_at FROM articles"
	    " WHERE id = $1",
	[TRASH_EVENT] = "SELECT id, slug, name AS title, trashed_at"
	    " FROM events WHERE id = $1",
	[TRASH_WEBINAR] = "SELECT id, slug, title, trashed_at FROM webinars"
	    " WHERE id = $1",
	[TRASH_RESOURCE] = "SELECT id, slug, title, trashed_at FROM resources"
	    " WHERE id = $1",
};

/*
 * $1 a kind ('': every kind).  The Trash holds what editors put there in
 * the last 30 days, so it is short; TRASH_LIST_MAX bounds it anyway.
 */
static const char sql_list[] =
    "SELECT kind, id, slug, title, trashed_at, section_name FROM ("
    "SELECT 'article' AS kind, a.id, a.slug, a.title, a.trashed_at,"
    " s.name AS section_name FROM articles a"
    " JOIN sections s ON s.id = a.section_id WHERE a.trashed_at IS NOT NULL"
    " UNION ALL SELECT 'event', id, slug, name, trashed_at, ''"
    " FROM events WHERE trashed_at IS NOT NULL"
    " UNION ALL SELECT 'webinar', id, slug, title, trashed_at, ''"
    " FROM webinars WHERE trashed_at IS NOT NULL"
    " UNION ALL SELECT 'resource', id, slug, title, trashed_at, ''"
    " FROM resources WHERE trashed_at IS NOT NULL) AS t"
    " WHERE CAST($1 AS TEXT) = '' OR t.kind = CAST($1 AS TEXT)"
    " ORDER BY t.trashed_at DESC, t.kind, t.id DESC"
    " LIMIT " TRASH_LIST_MAX_S;

/* $1 a path: how many menu items link to it. */
static const char sql_in_menu[] =
    "SELECT count(*) FROM menu_items WHERE url = $1";

static int
by_id_at(struct db *db, const char *sql, int64_t id, int64_t t, int at)
{
	struct db_stmt *st;
	int rc;

	if (sql == NULL)
		return STORE_INVALID;
	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if (at)
		db_bind_int(st, 2, t);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_trash_put(struct db *db, enum trash_kind k, int64_t id, int64_t now)
{
	return by_id_at(db, sql_put[k], id, now, 1);
}

int
store_trash_take(struct db *db, enum trash_kind k, int64_t id)
{
	return by_id_at(db, sql_take[k], id, 0, 0);
}

int
store_trash_purge(struct db *db, enum trash_kind k, int64_t id,
    int64_t before)
{
	int rc;

	if (k == TRASH_ARTICLE)
		return store_article_purge(db, id, before);
	if (k == TRASH_EVENT && (rc = by_id_at(db, sql_unlink_webinars, id,
	    before, 1)) != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	return by_id_at(db, sql_purge[k], id, before, 1);
}

int
store_trash_of(struct db *db, enum trash_kind k, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_of[k], id, out);
}

int
store_trash_in_menu(struct db *db, const char *path, int *n)
{
	struct db_stmt *st;
	int rc;

	*n = 0;
	if ((st = db_stmt(db, sql_in_menu)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, path);
	if ((rc = db_step(st)) == DB_ROW)
		*n = (int)db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_trash_list(struct db *db, const char *kind, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_list)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, kind != NULL ? kind : "");
	return store_rows_json(st, out);
}
