/*
 * store_newsroom.c — what the newsroom reads and keeps beside the
 * articles themselves: the filtered list of every article (drafts too),
 * revisions, the slugs an article used to have, and uploaded images.
 *
 * Writes run inside the caller's write transaction (edit.c, media.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "store.h"
#include "util.h"

/*
 * Every article, newest change first, narrowed by status, section (with
 * its sub-sections not included: an editor filters by what was chosen),
 * author, type and words of the title.  '' turns a filter off.
 * $1 status, $2 now, $3 section slug, $4 author slug, $5 type,
 * $6 title pattern (LIKE, lower case), $7 cursor time, $8 cursor id,
 * $9 limit.
 */
static const char sql_admin_list[] =
    "SELECT a.id, a.slug, a.type, a.status, a.title, a.published_at,"
    " a.updated_at, s.slug AS section_slug, s.name AS section_name,"
    " (SELECT au.name FROM article_authors x JOIN authors au"
    "   ON au.id = x.author_id WHERE x.article_id = a.id"
    "   ORDER BY x.position LIMIT 1) AS author_name"
    " FROM articles a JOIN sections s ON s.id = a.section_id"
    " WHERE a.trashed_at IS NULL AND (CAST($1 AS TEXT) = ''"
    "  OR ($1 = 'draft' AND a.status = 'draft')"
    "  OR ($1 = 'scheduled' AND (a.status = 'scheduled'"
    "   OR (a.status = 'published' AND a.published_at > $2)))"
    "  OR ($1 = 'published' AND a.status = 'published'"
    "   AND a.published_at <= $2))"
    " AND (CAST($3 AS TEXT) = '' OR s.slug = $3)"
    " AND (CAST($4 AS TEXT) = '' OR EXISTS (SELECT 1 FROM article_authors x"
    "  JOIN authors au ON au.id = x.author_id"
    "  WHERE x.article_id = a.id AND au.slug = $4))"
    " AND (CAST($5 AS TEXT) = '' OR a.type = $5)"
    " AND (CAST($6 AS TEXT) = '' OR lower(a.title) LIKE $6 ESCAPE '!')"
    " AND (a.updated_at, a.id) < ($7, $8)"
    " ORDER BY a.updated_at DESC, a.id DESC LIMIT $9";

static const char sql_rev_add[] =
    "INSERT INTO article_revisions (article_id, user_id, note, data,"
    " created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_rev_list[] =
    "SELECT r.id, r.article_id, r.user_id, r.note, r.created_at,"
    " u.display_name AS user_name FROM article_revisions r"
    " LEFT JOIN users u ON u.id = r.user_id"
    " WHERE r.article_id = $1 AND r.autosave = 0"
    " ORDER BY r.id DESC LIMIT 200";
static const char sql_rev_get[] =
    "SELECT r.id, r.article_id, r.user_id, r.note, r.data, r.created_at,"
    " u.display_name AS user_name FROM article_revisions r"
    " LEFT JOIN users u ON u.id = r.user_id WHERE r.id = $1";
static const char sql_rev_before[] =
    "SELECT max(id) AS id FROM article_revisions"
    " WHERE article_id = $1 AND id < $2 AND autosave = 0";

static const char sql_slug_old_add[] =
    "INSERT INTO article_slugs (slug, article_id, created_at)"
    " VALUES ($1, $2, $3)"
    " ON CONFLICT (slug) DO UPDATE SET article_id = excluded.article_id,"
    " created_at = excluded.created_at";
static const char sql_slug_old_drop[] =
    "DELETE FROM article_slugs WHERE slug = $1";
static const char sql_slug_moved[] =
    "SELECT a.slug FROM article_slugs h JOIN articles a"
    " ON a.id = h.article_id WHERE h.slug = $1"
    " AND a.status = 'published' AND a.published_at <= $2";

static const char sql_sponsors[] =
    "SELECT id, slug, name, url FROM sponsors ORDER BY name, id";

static const char sql_author_add[] =
    "INSERT INTO authors (slug, name, role, company, bio, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char sql_author_update[] =
    "UPDATE authors SET name = $2, role = $3, company = $4, bio = $5"
    " WHERE id = $1";
static const char sql_sponsor_add[] =
    "INSERT INTO sponsors (slug, name, url) VALUES ($1, $2, $3) RETURNING id";
static const char sql_sponsor_update[] =
    "UPDATE sponsors SET name = $2, url = $3 WHERE id = $1";

static const char sql_pages_all[] =
    "SELECT id, slug, title, body_md, updated_at FROM pages ORDER BY title, id";
static const char sql_page_by_id[] =
    "SELECT id, slug, title, body_md, updated_at FROM pages WHERE id = $1";
static const char sql_page_add[] =
    "INSERT INTO pages (slug, title, body_md, body_html, updated_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_page_update[] =
    "UPDATE pages SET title = $2, body_md = $3, body_html = $4,"
    " updated_at = $5 WHERE id = $1";

static const char sql_section_add[] =
    "INSERT INTO sections (parent_id, slug, name, kind, description, position)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char sql_section_update[] =
    "UPDATE sections SET name = $2, description = $3, position = $4"
    " WHERE id = $1";

static const char sql_promos_all[] =
    "SELECT p.id, p.section_id, s.name AS section_name, p.text, p.link_text,"
    " p.url, p.active FROM promos p LEFT JOIN sections s ON s.id = p.section_id"
    " ORDER BY p.section_id IS NOT NULL, s.name, p.id";
static const char sql_promo_add[] =
    "INSERT INTO promos (section_id, text, link_text, url, active)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_promo_update[] =
    "UPDATE promos SET text = $2, link_text = $3, url = $4, active = $5"
    " WHERE id = $1";

static const char sql_image_add[] =
    "INSERT INTO images (hash, mime, ext, width, height, bytes, alt,"
    " created_at, widths, caption, credit, filename, uploaded_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    " ON CONFLICT (hash) DO NOTHING";
static const char sql_image_get[] =
    "SELECT id, hash, mime, ext, width, height, bytes, alt, widths,"
    " created_at, caption, credit, filename, uploaded_by AS uploader_id"
    " FROM images"
    " WHERE hash = $1";
/* `masthead media check` walks every stored file, a page at a time. */
static const char sql_images_after[] =
    "SELECT id, hash, ext, width, height, widths FROM images"
    " WHERE id > $1 ORDER BY id LIMIT $2";
static const char sql_pdfs_after[] =
    "SELECT id, slug, file_hash FROM resources"
    " WHERE file_hash <> '' AND id > $1 ORDER BY id LIMIT $2";

int
store_admin_articles(struct db *db, const struct admin_filter *f,
    int64_t now, const struct cursor *cur, int limit, json_t **out,
    struct cursor *next)
{
	struct buf pat = BUF_INIT;
	struct db_stmt *st;
	json_t *last;
	int rc;

	*out = NULL;
	next->t = next->id = 0;
	/* The title words match anywhere; LIKE's own characters are escaped. */
	store_like_pattern(&pat, f->q);
	if ((st = db_stmt(db, sql_admin_list)) == NULL) {
		buf_free(&pat);
		return STORE_ERROR;
	}
	db_bind_str(st, 1, f->status);
	db_bind_int(st, 2, now);
	db_bind_str(st, 3, f->section);
	db_bind_str(st, 4, f->author);
	db_bind_str(st, 5, f->type);
	db_bind_str(st, 6, pat.p != NULL ? pat.p : "");
	db_bind_int(st, 7, cur->t);
	db_bind_int(st, 8, cur->id);
	db_bind_int(st, 9, limit + 1);
	rc = store_rows_json(st, out);
	buf_free(&pat);
	if (rc != STORE_OK)
		return rc;
	if (json_array_size(*out) > (size_t)limit) {
		json_array_remove(*out, (size_t)limit);
		last = json_array_get(*out, (size_t)limit - 1);
		next->t = json_integer_value(json_object_get(last,
		    "updated_at"));
		next->id = json_integer_value(json_object_get(last, "id"));
	}
	return STORE_OK;
}

int
store_revision_add(struct db *db, int64_t article_id, int64_t user_id,
    const char *note, int64_t *id)
{
	struct db_stmt *st;
	json_t *a;
	char *data;
	int rc;

	if ((rc = store_article_admin_get(db, article_id, &a)) != STORE_OK)
		return rc;
	/* What an editor can change, not what the engine keeps about it. */
	json_object_del(a, "id");
	json_object_del(a, "section_id");
	json_object_del(a, "created_at");
	json_object_del(a, "updated_at");
	json_object_del(a, "status");
	json_object_del(a, "published_at");
	json_object_del(a, "review_state");
	json_object_del(a, "review_note");
	json_object_del(a, "review_at");
	json_object_del(a, "review_by_id");
	data = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(a);
	if (data == NULL)
		return STORE_ERROR;
	if ((st = db_stmt(db, sql_rev_add)) == NULL) {
		free(data);
		return STORE_ERROR;
	}
	db_bind_int(st, 1, article_id);
	if (user_id > 0)
		db_bind_int(st, 2, user_id);
	else
		db_bind_null(st, 2);
	db_bind_str(st, 3, note != NULL ? note : "");
	db_bind_str(st, 4, data);
	db_bind_int(st, 5, now_unix());
	if ((rc = db_step(st)) == DB_ROW && id != NULL)
		*id = db_col_int(st, 0);
	db_reset(st);
	free(data);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_revisions(struct db *db, int64_t article_id, json_t **out)
{
	return store_rows_by_id(db, sql_rev_list, article_id, out);
}

int
store_revision_get(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_rev_get, id, out);
}

int64_t
store_revision_before(struct db *db, int64_t article_id, int64_t id)
{
	struct db_stmt *st;
	int64_t prev = 0;

	if ((st = db_stmt(db, sql_rev_before)) == NULL)
		return 0;
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, id);
	if (db_step(st) == DB_ROW && !db_col_isnull(st, 0))
		prev = db_col_int(st, 0);
	db_reset(st);
	return prev;
}

int
store_slug_moved_from(struct db *db, const char *old, int64_t article_id)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_slug_old_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, old);
	db_bind_int(st, 2, article_id);
	db_bind_int(st, 3, now_unix());
	return store_rc_from_db(db_run(st));
}

int
store_slug_taken_again(struct db *db, const char *slug)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_slug_old_drop)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	return store_rc_from_db(db_run(st));
}

int
store_slug_moved(struct db *db, const char *slug, int64_t now, char *out,
    size_t outsz)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_slug_moved)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	db_bind_int(st, 2, now);
	if ((rc = db_step(st)) == DB_ROW)
		strlcpy_(out, db_col_text(st, 0, NULL), outsz);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_sponsors_all(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_sponsors)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

/* Runs an INSERT ... RETURNING id with text parameters. */
static int
insert_texts(struct db *db, const char *sql, const char *const *v, int n,
    int64_t *id)
{
	struct db_stmt *st;
	int i, rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	for (i = 0; i < n; i++)
		db_bind_str(st, i + 1, v[i]);
	if (sql == sql_author_add)
		db_bind_int(st, n + 1, now_unix());
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

/* Runs an UPDATE ... WHERE id = $1 with text parameters $2 ... */
static int
update_texts(struct db *db, const char *sql, int64_t id,
    const char *const *v, int n)
{
	struct db_stmt *st;
	int i, rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	for (i = 0; i < n; i++)
		db_bind_str(st, i + 2, v[i]);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_author_add(struct db *db, const char *slug, const char *name,
    const char *role, const char *company, const char *bio, int64_t *id)
{
	const char *const v[] = { slug, name, role, company, bio };

	return insert_texts(db, sql_author_add, v, 5, id);
}

int
store_author_update(struct db *db, int64_t id, const char *name,
    const char *role, const char *company, const char *bio)
{
	const char *const v[] = { name, role, company, bio };

	return update_texts(db, sql_author_update, id, v, 4);
}

int
store_sponsor_add(struct db *db, const char *slug, const char *name,
    const char *url, int64_t *id)
{
	const char *const v[] = { slug, name, url };

	return insert_texts(db, sql_sponsor_add, v, 3, id);
}

int
store_sponsor_update(struct db *db, int64_t id, const char *name,
    const char *url)
{
	const char *const v[] = { name, url };

	return update_texts(db, sql_sponsor_update, id, v, 2);
}

int
store_pages_all(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_pages_all)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_page_by_id(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_page_by_id, id, out);
}

int
store_page_save(struct db *db, int64_t *id, const char *slug,
    const char *title, const char *md, const char *html)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, *id == 0 ? sql_page_add : sql_page_update)) ==
	    NULL)
		return STORE_ERROR;
	if (*id == 0) {
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, title);
		db_bind_str(st, 3, md);
		db_bind_str(st, 4, html);
		db_bind_int(st, 5, now_unix());
		if ((rc = db_step(st)) == DB_ROW)
			*id = db_col_int(st, 0);
		db_reset(st);
		return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
	}
	db_bind_int(st, 1, *id);
	db_bind_str(st, 2, title);
	db_bind_str(st, 3, md);
	db_bind_str(st, 4, html);
	db_bind_int(st, 5, now_unix());
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_section_add(struct db *db, int64_t parent, const char *slug,
    const char *name, const char *kind, const char *description,
    int64_t position, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_section_add)) == NULL)
		return STORE_ERROR;
	if (parent > 0)
		db_bind_int(st, 1, parent);
	else
		db_bind_null(st, 1);
	db_bind_str(st, 2, slug);
	db_bind_str(st, 3, name);
	db_bind_str(st, 4, kind);
	db_bind_str(st, 5, description);
	db_bind_int(st, 6, position);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_section_update(struct db *db, int64_t id, const char *name,
    const char *description, int64_t position)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_section_update)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, description);
	db_bind_int(st, 4, position);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_promos_all(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_promos_all)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_promo_save(struct db *db, int64_t *id, int64_t section,
    const char *text, const char *link_text, const char *url, int active)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, *id == 0 ? sql_promo_add : sql_promo_update)) ==
	    NULL)
		return STORE_ERROR;
	if (*id == 0) {
		if (section > 0)
			db_bind_int(st, 1, section);
		else
			db_bind_null(st, 1);
		db_bind_str(st, 2, text);
		db_bind_str(st, 3, link_text);
		db_bind_str(st, 4, url);
		db_bind_int(st, 5, active);
		if ((rc = db_step(st)) == DB_ROW)
			*id = db_col_int(st, 0);
		db_reset(st);
		return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
	}
	db_bind_int(st, 1, *id);
	db_bind_str(st, 2, text);
	db_bind_str(st, 3, link_text);
	db_bind_str(st, 4, url);
	db_bind_int(st, 5, active);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_image_add(struct db *db, const struct image_row *im)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_image_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, im->hash);
	db_bind_str(st, 2, im->mime);
	db_bind_str(st, 3, im->ext);
	db_bind_int(st, 4, im->width);
	db_bind_int(st, 5, im->height);
	db_bind_int(st, 6, im->bytes);
	db_bind_str(st, 7, im->alt);
	db_bind_int(st, 8, now_unix());
	db_bind_str(st, 9, im->widths);
	db_bind_str(st, 10, im->caption != NULL ? im->caption : "");
	db_bind_str(st, 11, im->credit != NULL ? im->credit : "");
	db_bind_str(st, 12, im->filename != NULL ? im->filename : "");
	if (im->uploaded_by > 0)
		db_bind_int(st, 13, im->uploaded_by);
	else
		db_bind_null(st, 13);
	return store_rc_from_db(db_run(st));
}

int
store_image_get(struct db *db, const char *hash, json_t **out)
{
	return store_row_by_text(db, sql_image_get, hash, out);
}

int
store_files_after(struct db *db, int pdfs, int64_t after, int limit,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, pdfs ? sql_pdfs_after : sql_images_after)) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, after);
	db_bind_int(st, 2, limit);
	return store_rows_json(st, out);
}

/*
 * Deletes of the newsroom's own rows: STORE_NOTFOUND when there is no
 * such row, STORE_CONFLICT when something still refers to it (a story's
 * byline or sponsor, a sub-section, an event), which stays untouched.
 */
static const char *const sql_delete[STORE_DEL__MAX] = {
	[STORE_DEL_AUTHOR] = "DELETE FROM authors WHERE id = $1",
	[STORE_DEL_SPONSOR] = "DELETE FROM sponsors WHERE id = $1",
	[STORE_DEL_PAGE] = "DELETE FROM pages WHERE id = $1",
	[STORE_DEL_PROMO] = "DELETE FROM promos WHERE id = $1",
	[STORE_DEL_SECTION] = "DELETE FROM sections WHERE id = $1",
};

int
store_delete(struct db *db, enum store_del what, int64_t id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_delete[what])) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}
