/*
 * store_show.c — shows: a podcast or a video series, with its page,
 * artwork and feed (docs/media.md).  The episodes are stories whose
 * show_id names the show; their list is LIST_SHOW of store_article.c.
 */
#include <string.h>

#include "db.h"
#include "store.h"

#define SHOW_COLS \
    "SELECT sh.id, sh.slug, sh.kind, sh.title, sh.description, sh.author," \
    " sh.email, sh.category, sh.explicit, sh.position, sh.updated_at," \
    " i.hash AS image_hash, i.ext AS image_ext, i.width AS image_width," \
    " i.height AS image_height, i.alt AS image_alt," \
    " i.widths AS image_widths" \
    " FROM shows sh LEFT JOIN images i ON i.id = sh.image_id"

/* $1 kind. */
static const char sql_list[] = SHOW_COLS
    " WHERE sh.kind = $1 ORDER BY sh.position, sh.id";
static const char sql_all[] = SHOW_COLS
    " ORDER BY sh.kind, sh.position, sh.id";
static const char sql_get[] = SHOW_COLS " WHERE sh.slug = $1";

/*
 * One statement makes or changes a show, named by its slug.  $1 slug,
 * $2 kind, $3 title, $4 description, $5 artwork's hash ("" for none),
 * $6 author, $7 email, $8 category, $9 explicit, $10 position, $11 now.
 */
static const char sql_save[] =
    "INSERT INTO shows (slug, kind, title, description, image_id, author,"
    " email, category, explicit, position, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, (SELECT id FROM images WHERE hash = $5),"
    " $6, $7, $8, $9, $10, $11, $11)"
    " ON CONFLICT (slug) DO UPDATE SET kind = excluded.kind,"
    " title = excluded.title, description = excluded.description,"
    " image_id = excluded.image_id, author = excluded.author,"
    " email = excluded.email, category = excluded.category,"
    " explicit = excluded.explicit, position = excluded.position,"
    " updated_at = excluded.updated_at"
    " RETURNING id";
static const char sql_image_ok[] =
    "SELECT count(*) AS n FROM images WHERE hash = $1";

int
store_shows(struct db *db, const char *kind, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if (kind == NULL) {
		if ((st = db_stmt(db, sql_all)) == NULL)
			return STORE_ERROR;
		return store_rows_json(st, out);
	}
	return store_rows_by_text(db, sql_list, kind, out);
}

int
store_show_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_get, slug, out);
}

int
store_show_save(struct db *db, const struct show_input *in, int64_t now,
    int64_t *id)
{
	struct db_stmt *st;
	int rc;

	*id = 0;
	if (strcmp(in->kind, "podcast") != 0 && strcmp(in->kind, "video") != 0)
		return STORE_INVALID;
	/* An artwork that names no image is a mistake, not "none". */
	if (in->image[0] != '\0') {
		if ((st = db_stmt(db, sql_image_ok)) == NULL)
			return STORE_ERROR;
		db_bind_str(st, 1, in->image);
		rc = db_step(st);
		if (rc != DB_ROW) {
			db_reset(st);
			return store_rc_from_db(rc);
		}
		rc = db_col_int(st, 0) > 0 ? STORE_OK : STORE_INVALID;
		db_reset(st);
		if (rc != STORE_OK)
			return rc;
	}
	if ((st = db_stmt(db, sql_save)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, in->slug);
	db_bind_str(st, 2, in->kind);
	db_bind_str(st, 3, in->title);
	db_bind_str(st, 4, in->description);
	db_bind_str(st, 5, in->image);
	db_bind_str(st, 6, in->author);
	db_bind_str(st, 7, in->email);
	db_bind_str(st, 8, in->category);
	db_bind_int(st, 9, in->explicit_ != 0);
	db_bind_int(st, 10, in->position);
	db_bind_int(st, 11, now);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}
