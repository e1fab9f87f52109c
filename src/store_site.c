/*
 * store_site.c — the site's structure: settings, menus, sections,
 * authors, tags, static pages and promos.
 */
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

static const char sql_settings[] = "SELECT key, value FROM settings";

/* A link to an event, webinar or white paper in the Trash is left out. */
static const char sql_menu[] =
    "SELECT id, parent_id, position, label, url FROM menu_items m"
    " WHERE menu = $1 AND NOT EXISTS (SELECT 1 FROM events e"
    " WHERE e.trashed_at IS NOT NULL AND m.url = '/events/' || e.slug)"
    " AND NOT EXISTS (SELECT 1 FROM webinars w WHERE w.trashed_at IS NOT NULL"
    " AND m.url = '/webinars/' || w.slug)"
    " AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.trashed_at IS NOT NULL"
    " AND m.url = '/resources/' || r.slug)"
    " ORDER BY parent_id IS NOT NULL, parent_id, position, id";

#define SECTION_COLS "s.id, s.parent_id, s.slug, s.name, s.kind, s.description"

static const char sql_section_get[] =
    "SELECT " SECTION_COLS " FROM sections s WHERE s.slug = $1";
static const char sql_section_children[] =
    "SELECT " SECTION_COLS " FROM sections s WHERE s.parent_id = $1"
    " ORDER BY s.position, s.id";
static const char sql_section_path[] =
    "WITH RECURSIVE up(id, parent_id, depth) AS ("
    " SELECT id, parent_id, 0 FROM sections WHERE id = $1"
    " UNION ALL"
    " SELECT s.id, s.parent_id, up.depth + 1 FROM sections s"
    "  JOIN up ON s.id = up.parent_id WHERE up.depth < 16)"
    " SELECT " SECTION_COLS ", up.depth FROM up JOIN sections s ON s.id = up.id"
    " ORDER BY up.depth DESC";
static const char sql_sections_all[] =
    "SELECT " SECTION_COLS ", s.position FROM sections s"
    " ORDER BY s.parent_id IS NOT NULL, s.parent_id, s.position, s.id";

#define AUTHOR_COLS \
	"au.id, au.slug, au.name, au.role, au.company, au.bio," \
	" i.hash AS photo_hash, i.ext AS photo_ext, i.width AS photo_width," \
	" i.height AS photo_height, i.alt AS photo_alt, i.widths AS photo_widths"

static const char sql_author_get[] =
    "SELECT " AUTHOR_COLS " FROM authors au"
    " LEFT JOIN images i ON i.id = au.photo_id WHERE au.slug = $1";
static const char sql_author_by_name[] =
    "SELECT " AUTHOR_COLS " FROM authors au"
    " LEFT JOIN images i ON i.id = au.photo_id WHERE lower(au.name) = lower($1)"
    " ORDER BY au.id LIMIT 1";
/* Keyset by (name, id): authors sharing a name are neither lost nor repeated. */
static const char sql_authors_list[] =
    "SELECT " AUTHOR_COLS " FROM authors au"
    " LEFT JOIN images i ON i.id = au.photo_id"
    " WHERE (au.name, au.id) > (COALESCE((SELECT name FROM authors"
    "  WHERE id = $1), ''), $1)"
    " ORDER BY au.name, au.id LIMIT $2";

static const char sql_author_slug[] = "SELECT slug FROM authors WHERE id = $1";

static const char sql_menu_item_get[] =
    "SELECT id, menu, parent_id, position, label, url FROM menu_items"
    " WHERE id = $1";
static const char sql_menu_item_add[] =
    "INSERT INTO menu_items (menu, parent_id, position, label, url)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_menu_item_update[] =
    "UPDATE menu_items SET label = COALESCE($2, label),"
    " url = COALESCE($3, url),"
    " position = CASE WHEN $4 < 0 THEN position ELSE $4 END WHERE id = $1";
static const char sql_menu_item_delete[] =
    "DELETE FROM menu_items WHERE id = $1";

static const char sql_tag_get[] =
    "SELECT id, slug, name FROM tags WHERE slug = $1";

static const char sql_page_get[] =
    "SELECT id, slug, title, body_html, updated_at FROM pages"
    " WHERE slug = $1";

/*
 * The nearest ancestor's promo, else a site-wide one.  The ancestors
 * drive the join so each is one index lookup in promos.
 */
static const char sql_promo[] =
    "WITH RECURSIVE up(id, parent_id, depth) AS ("
    " SELECT id, parent_id, 0 FROM sections WHERE id = $1"
    " UNION ALL"
    " SELECT s.id, s.parent_id, up.depth + 1 FROM sections s"
    "  JOIN up ON s.id = up.parent_id WHERE up.depth < 16)"
    " SELECT id, text, link_text, url FROM ("
    "  SELECT p.id, p.text, p.link_text, p.url, up.depth AS depth"
    "   FROM up JOIN promos p ON p.section_id = up.id WHERE p.active = 1"
    "  UNION ALL"
    "  SELECT p.id, p.text, p.link_text, p.url, 1000 FROM promos p"
    "   WHERE p.section_id IS NULL AND p.active = 1) AS found"
    " ORDER BY depth, id LIMIT 1";

int
store_settings(struct db *db, json_t **out)
{
	struct db_stmt *st;
	json_t *o;
	int rc;

	*out = NULL;
	if ((st = db_stmt(db, sql_settings)) == NULL)
		return STORE_ERROR;
	o = json_object();
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *v = json_string(db_col_text(st, 1, NULL));
		if (v != NULL)
			json_object_set_new(o, db_col_text(st, 0, NULL), v);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(o);
		return store_rc_from_db(rc);
	}
	*out = o;
	return STORE_OK;
}

int
store_menu(struct db *db, const char *menu, json_t **out)
{
	return store_rows_by_text(db, sql_menu, menu, out);
}

int
store_section_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_section_get, slug, out);
}

int
store_section_children(struct db *db, int64_t id, json_t **out)
{
	return store_rows_by_id(db, sql_section_children, id, out);
}

int
store_section_path(struct db *db, int64_t id, json_t **out)
{
	return store_rows_by_id(db, sql_section_path, id, out);
}

int
store_sections_all(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_sections_all)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_author_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_author_get, slug, out);
}

int
store_author_by_name(struct db *db, const char *name, json_t **out)
{
	return store_row_by_text(db, sql_author_by_name, name, out);
}

int
store_authors_list(struct db *db, int64_t after, int limit, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_authors_list)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, after);
	db_bind_int(st, 2, limit);
	return store_rows_json(st, out);
}

int
store_author_slug(struct db *db, int64_t id, char *out, size_t outsz)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_author_slug)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW)
		strlcpy_(out, db_col_text(st, 0, NULL), outsz);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_menu_item_get(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_menu_item_get, id, out);
}

int
store_menu_item_add(struct db *db, const char *menu, int64_t parent,
    int64_t position, const char *label, const char *url, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_menu_item_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, menu);
	if (parent != 0)
		db_bind_int(st, 2, parent);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, position);
	db_bind_str(st, 4, label);
	db_bind_str(st, 5, url);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

/* Runs an UPDATE or DELETE of one menu item; STORE_NOTFOUND when none. */
static int
menu_write(struct db *db, struct db_stmt *st)
{
	int rc;

	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_menu_item_update(struct db *db, int64_t id, const char *label,
    const char *url, int64_t position)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_menu_item_update)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, label);
	db_bind_str(st, 3, url);
	db_bind_int(st, 4, position);
	return menu_write(db, st);
}

int
store_menu_item_delete(struct db *db, int64_t id)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_menu_item_delete)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return menu_write(db, st);
}

int
store_tag_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_tag_get, slug, out);
}

int
store_page_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_page_get, slug, out);
}

int
store_promo_for_section(struct db *db, int64_t section_id, json_t **out)
{
	return store_row_by_id(db, sql_promo, section_id, out);
}
