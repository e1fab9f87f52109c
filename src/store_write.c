/*
 * store_write.c — writing articles: create, update, publish, unpublish,
 * and the cache tags a change of an article touches.
 *
 * Callers validate input first (api_admin.c); these functions run inside
 * the caller's write transaction and never commit on their own.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "store.h"
#include "tag.h"
#include "util.h"

static const char sql_id_by_slug_section[] =
    "SELECT id FROM sections WHERE slug = $1";
static const char sql_id_by_slug_sponsor[] =
    "SELECT id FROM sponsors WHERE slug = $1";
static const char sql_id_by_slug_author[] =
    "SELECT id FROM authors WHERE slug = $1";
static const char sql_id_by_hash_image[] =
    "SELECT id FROM images WHERE hash = $1";
static const char sql_slug_taken[] =
    "SELECT count(*) FROM articles WHERE slug = $1";

static const char sql_create[] =
    "INSERT INTO articles (slug, type, status, title, dek, body_md,"
    " body_html, section_id, hero_caption, hero_credit, hero_licence,"
    " hero_licence_url, sponsor_id, signoff, updated_at, created_at,"
    " hero_image_id)"
    " VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
    " $13, $14, $14, $15) RETURNING id";

/*
 * NULL keeps a column as it is; sponsor is cleared with $14 = 1, the hero
 * image with $18 = 1.
 */
static const char sql_update[] =
    "UPDATE articles SET slug = COALESCE($2, slug), type = COALESCE($3, type),"
    " title = COALESCE($4, title), dek = COALESCE($5, dek),"
    " body_md = COALESCE($6, body_md), body_html = COALESCE($7, body_html),"
    " section_id = COALESCE($8, section_id),"
    " hero_caption = COALESCE($9, hero_caption),"
    " hero_credit = COALESCE($10, hero_credit),"
    " hero_licence = COALESCE($11, hero_licence),"
    " hero_licence_url = COALESCE($12, hero_licence_url),"
    " sponsor_id = CASE WHEN $14 = 1 THEN NULL"
    "  ELSE COALESCE($13, sponsor_id) END,"
    " signoff = COALESCE($15, signoff), updated_at = $16,"
    " hero_image_id = CASE WHEN $18 = 1 THEN NULL"
    "  ELSE COALESCE($17, hero_image_id) END WHERE id = $1";

/* The audio or video of a story; NULL keeps a column as it is. */
static const char sql_media[] =
    "UPDATE articles SET media_url = COALESCE($2, media_url),"
    " media_type = COALESCE($3, media_type),"
    " media_bytes = COALESCE($4, media_bytes),"
    " media_seconds = COALESCE($5, media_seconds) WHERE id = $1";

/* Whether the story's raw HTML is kept (allow-listed) or shown as text. */
static const char sql_raw_html[] =
    "UPDATE articles SET raw_html = $2 WHERE id = $1";

static const char sql_authors_clear[] =
    "DELETE FROM article_authors WHERE article_id = $1";
static const char sql_author_add[] =
    "INSERT INTO article_authors (article_id, author_id, position)"
    " VALUES ($1, $2, $3) ON CONFLICT (article_id, author_id) DO NOTHING";
static const char sql_tags_clear[] =
    "DELETE FROM article_tags WHERE article_id = $1";
static const char sql_tag_make[] =
    "INSERT INTO tags (slug, name) VALUES ($1, $2)"
    " ON CONFLICT (slug) DO NOTHING";
static const char sql_tag_id[] = "SELECT id FROM tags WHERE slug = $1";
static const char sql_tag_add[] =
    "INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)"
    " ON CONFLICT (article_id, tag_id) DO NOTHING";

static const char sql_publish[] =
    "UPDATE articles SET status = 'published', published_at = $2,"
    " updated_at = $3 WHERE id = $1";
static const char sql_unpublish[] =
    "UPDATE articles SET status = 'draft', updated_at = $2 WHERE id = $1";

static const char sql_admin_get[] =
    "SELECT a.id, a.slug, a.type, a.status, a.title, a.dek, a.body_md,"
    " a.section_id, s.slug AS section_slug, a.hero_caption, a.hero_credit,"
    " a.hero_licence, a.hero_licence_url, sp.slug AS sponsor_slug,"
    " a.signoff, a.media_url, a.media_type, a.media_bytes, a.media_seconds,"
    " a.raw_html, a.published_at, a.updated_at, a.created_at,"
    " hi.hash AS hero_image"
    " FROM articles a JOIN sections s ON s.id = a.section_id"
    " LEFT JOIN sponsors sp ON sp.id = a.sponsor_id"
    " LEFT JOIN images hi ON hi.id = a.hero_image_id WHERE a.id = $1";
static const char sql_admin_authors[] =
    "SELECT au.slug FROM article_authors aa"
    " JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1"
    " ORDER BY aa.position";
static const char sql_admin_tags[] =
    "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
    " WHERE at.article_id = $1 ORDER BY t.name";
static const char sql_is_author[] =
    "SELECT count(*) FROM article_authors WHERE article_id = $1"
    " AND author_id = $2";

/*
 * Every list a published article is in: all stories, its section and the
 * section's ancestors, its authors, tags and type.  A draft is in none.
 * A row is (which list, id, type), the list numbered as in enum dep_list;
 * store_article_deps() makes the cache tags with tag.h, so the query
 * spells none.
 */
enum dep_list {
	DEP_LATEST = 0,
	DEP_TYPE = 1,
	DEP_SECTION = 2,
	DEP_AUTHOR = 3,
	DEP_TOPIC = 4
};

static const char sql_deps[] =
    "WITH RECURSIVE up(id, parent_id, depth) AS ("
    "  SELECT s.id, s.parent_id, 0 FROM sections s"
    "   JOIN articles a ON a.section_id = s.id"
    "   WHERE a.id = $1 AND a.status = 'published'"
    "  UNION ALL"
    "  SELECT s.id, s.parent_id, up.depth + 1 FROM sections s"
    "   JOIN up ON s.id = up.parent_id WHERE up.depth < 16)"
    " SELECT 0, id, type FROM articles WHERE id = $1 AND status = 'published'"
    " UNION ALL SELECT 1, id, type FROM articles"
    "  WHERE id = $1 AND status = 'published'"
    " UNION ALL SELECT 2, id, '' FROM up"
    " UNION ALL SELECT 3, x.author_id, '' FROM article_authors x"
    "  JOIN articles a ON a.id = x.article_id"
    "  WHERE x.article_id = $1 AND a.status = 'published'"
    " UNION ALL SELECT 4, x.tag_id, '' FROM article_tags x"
    "  JOIN articles a ON a.id = x.article_id"
    "  WHERE x.article_id = $1 AND a.status = 'published'";

/* Looks up the id of a slug with one of the statements above. */
static int
id_of(struct db *db, const char *sql, const char *slug, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

void
store_slugify(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	int dash = 0;

	for (; *s != '\0' && n + 1 < outsz && n < 80; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0)
				out[n++] = '-';
			if (n + 1 < outsz)
				out[n++] = (char)c;
			dash = 0;
		} else if (c != '\'') {
			dash = 1;
		}
	}
	out[n] = '\0';
	if (n == 0)
		strlcpy_(out, "story", outsz);
}

/* A slug no article has: base, base-2, base-3 ... */
static int
free_slug(struct db *db, const char *base, char *out, size_t outsz)
{
	struct db_stmt *st;
	int i, rc;
	int64_t n;

	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(out, outsz, "%s", base);
		else
			snprintf(out, outsz, "%.190s-%d", base, i);
		if ((st = db_stmt(db, sql_slug_taken)) == NULL)
			return STORE_ERROR;
		db_bind_str(st, 1, out);
		rc = db_step(st);
		n = rc == DB_ROW ? db_col_int(st, 0) : -1;
		db_reset(st);
		if (rc != DB_ROW)
			return store_rc_from_db(rc);
		if (n == 0)
			return STORE_OK;
	}
	return STORE_CONFLICT;
}

/* Replaces the authors (slugs) and tags (names) of an article. */
static int
set_people(struct db *db, int64_t id, json_t *authors, json_t *tags)
{
	struct db_stmt *st;
	json_t *v;
	size_t i;
	int64_t x;
	int rc;

	if (authors != NULL) {
		if ((st = db_stmt(db, sql_authors_clear)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
		json_array_foreach(authors, i, v) {
			if ((rc = id_of(db, sql_id_by_slug_author,
			    json_string_value(v), &x)) != STORE_OK)
				return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
			if ((st = db_stmt(db, sql_author_add)) == NULL)
				return STORE_ERROR;
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, x);
			db_bind_int(st, 3, (int64_t)i);
			if ((rc = db_run(st)) != DB_OK)
				return store_rc_from_db(rc);
		}
	}
	if (tags != NULL) {
		if ((st = db_stmt(db, sql_tags_clear)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
		json_array_foreach(tags, i, v) {
			char slug[128];

			store_slugify(json_string_value(v), slug, sizeof(slug));
			if ((st = db_stmt(db, sql_tag_make)) == NULL)
				return STORE_ERROR;
			db_bind_str(st, 1, slug);
			db_bind_str(st, 2, json_string_value(v));
			if ((rc = db_run(st)) != DB_OK)
				return store_rc_from_db(rc);
			if ((rc = id_of(db, sql_tag_id, slug, &x)) != STORE_OK)
				return rc;
			if ((st = db_stmt(db, sql_tag_add)) == NULL)
				return STORE_ERROR;
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, x);
			if ((rc = db_run(st)) != DB_OK)
				return store_rc_from_db(rc);
		}
	}
	return STORE_OK;
}

static const char *
field(json_t *in, const char *key)
{
	return json_string_value(json_object_get(in, key));
}

/*
 * Resolves the section and sponsor slugs and the hero image's hash of
 * in; absent ones stay 0.
 */
static int
resolve(struct db *db, json_t *in, int64_t *section, int64_t *sponsor,
    int64_t *image)
{
	int rc;

	*section = *sponsor = *image = 0;
	if (field(in, "hero_image") != NULL &&
	    field(in, "hero_image")[0] != '\0' &&
	    (rc = id_of(db, sql_id_by_hash_image, field(in, "hero_image"),
	    image)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
	if (field(in, "section") != NULL &&
	    (rc = id_of(db, sql_id_by_slug_section, field(in, "section"),
	    section)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
	if (field(in, "sponsor") != NULL && field(in, "sponsor")[0] != '\0' &&
	    (rc = id_of(db, sql_id_by_slug_sponsor, field(in, "sponsor"),
	    sponsor)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
	return STORE_OK;
}

/* Writes the media_* fields present in in. */
static int
set_media(struct db *db, int64_t id, json_t *in)
{
	static const char *const ints[] = { "media_bytes", "media_seconds" };
	struct db_stmt *st;
	json_t *v;
	size_t i;
	int rc;

	if (json_object_get(in, "media_url") == NULL &&
	    json_object_get(in, "media_type") == NULL &&
	    json_object_get(in, "media_bytes") == NULL &&
	    json_object_get(in, "media_seconds") == NULL)
		return STORE_OK;
	if ((st = db_stmt(db, sql_media)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, field(in, "media_url"));
	db_bind_str(st, 3, field(in, "media_type"));
	for (i = 0; i < ARRAY_SIZE(ints); i++) {
		v = json_object_get(in, ints[i]);
		if (json_is_integer(v))
			db_bind_int(st, 4 + (int)i, json_integer_value(v));
		else
			db_bind_null(st, 4 + (int)i);
	}
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return STORE_OK;
}

/* Sets raw_html when in has it; who may is edit.c's business. */
static int
set_raw_html(struct db *db, int64_t id, json_t *in)
{
	json_t *v = json_object_get(in, "raw_html");
	struct db_stmt *st;
	int rc;

	if (!json_is_boolean(v))
		return STORE_OK;
	if ((st = db_stmt(db, sql_raw_html)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, json_is_true(v));
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return STORE_OK;
}

static void
bind_opt_id(struct db_stmt *st, int i, int64_t id)
{
	if (id != 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

int
store_article_create(struct db *db, json_t *in, const char *body_html,
    int64_t *id)
{
	char base[200], slug[256];
	struct db_stmt *st;
	int64_t section, sponsor, image;
	int rc;

	if ((rc = resolve(db, in, &section, &sponsor, &image)) != STORE_OK)
		return rc;
	if (field(in, "slug") != NULL) {
		strlcpy_(slug, field(in, "slug"), sizeof(slug));
	} else {
		store_slugify(field(in, "title"), base, sizeof(base));
		if ((rc = free_slug(db, base, slug, sizeof(slug))) != STORE_OK)
			return rc;
	}
	if ((st = db_stmt(db, sql_create)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	db_bind_str(st, 2, field(in, "type") ? field(in, "type") : "news");
	db_bind_str(st, 3, field(in, "title"));
	db_bind_str(st, 4, field(in, "dek") ? field(in, "dek") : "");
	db_bind_str(st, 5, field(in, "body_md") ? field(in, "body_md") : "");
	db_bind_str(st, 6, body_html != NULL ? body_html : "");
	db_bind_int(st, 7, section);
	db_bind_str(st, 8, field(in, "hero_caption") ?
	    field(in, "hero_caption") : "");
	db_bind_str(st, 9, field(in, "hero_credit") ?
	    field(in, "hero_credit") : "");
	db_bind_str(st, 10, field(in, "hero_licence") ?
	    field(in, "hero_licence") : "");
	db_bind_str(st, 11, field(in, "hero_licence_url") ?
	    field(in, "hero_licence_url") : "");
	bind_opt_id(st, 12, sponsor);
	db_bind_str(st, 13, field(in, "signoff") ? field(in, "signoff") : "");
	db_bind_int(st, 14, now_unix());
	bind_opt_id(st, 15, image);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return store_rc_from_db(rc);
	if ((rc = set_media(db, *id, in)) != STORE_OK ||
	    (rc = set_raw_html(db, *id, in)) != STORE_OK)
		return rc;
	if ((rc = set_people(db, *id, json_object_get(in, "authors"),
	    json_object_get(in, "tags"))) != STORE_OK)
		return rc;
	return store_article_reindex(db, *id);
}

int
store_article_update(struct db *db, int64_t id, json_t *in,
    const char *body_html)
{
	struct db_stmt *st;
	int64_t section, sponsor, image;
	const char *sp = field(in, "sponsor"), *hi = field(in, "hero_image");
	int rc;

	if ((rc = resolve(db, in, &section, &sponsor, &image)) != STORE_OK)
		return rc;
	if ((st = db_stmt(db, sql_update)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, field(in, "slug"));
	db_bind_str(st, 3, field(in, "type"));
	db_bind_str(st, 4, field(in, "title"));
	db_bind_str(st, 5, field(in, "dek"));
	db_bind_str(st, 6, field(in, "body_md"));
	db_bind_str(st, 7, body_html);
	bind_opt_id(st, 8, section);
	db_bind_str(st, 9, field(in, "hero_caption"));
	db_bind_str(st, 10, field(in, "hero_credit"));
	db_bind_str(st, 11, field(in, "hero_licence"));
	db_bind_str(st, 12, field(in, "hero_licence_url"));
	bind_opt_id(st, 13, sponsor);
	/* "sponsor": "" takes the sponsor off. */
	db_bind_int(st, 14, sp != NULL && sp[0] == '\0');
	db_bind_str(st, 15, field(in, "signoff"));
	db_bind_int(st, 16, now_unix());
	bind_opt_id(st, 17, image);
	/* "hero_image": "" takes the image off. */
	db_bind_int(st, 18, hi != NULL && hi[0] == '\0');
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	if (db_changes(db) == 0)
		return STORE_NOTFOUND;
	if ((rc = set_media(db, id, in)) != STORE_OK ||
	    (rc = set_raw_html(db, id, in)) != STORE_OK)
		return rc;
	if ((rc = set_people(db, id, json_object_get(in, "authors"),
	    json_object_get(in, "tags"))) != STORE_OK)
		return rc;
	return store_article_reindex(db, id);
}

int
store_article_publish(struct db *db, int64_t id, int64_t at)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_publish)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, at);
	db_bind_int(st, 3, now_unix());
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	if (db_changes(db) == 0)
		return STORE_NOTFOUND;
	return store_article_reindex(db, id);
}

int
store_article_unpublish(struct db *db, int64_t id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_unpublish)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now_unix());
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	if (db_changes(db) == 0)
		return STORE_NOTFOUND;
	return store_article_reindex(db, id);
}

/* A list of strings from a one-column query by article id. */
static json_t *
strings(struct db *db, const char *sql, int64_t id)
{
	json_t *a = json_array();
	struct db_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return a;
	db_bind_int(st, 1, id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(a, json_string(db_col_text(st, 0, NULL)));
	db_reset(st);
	return a;
}

int
store_article_admin_get(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	if ((st = db_stmt(db, sql_admin_get)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = store_row1_json(st, out)) != STORE_OK)
		return rc;
	json_object_set_new(*out, "raw_html", json_boolean(json_integer_value(
	    json_object_get(*out, "raw_html")) != 0));
	json_object_set_new(*out, "authors", strings(db, sql_admin_authors, id));
	json_object_set_new(*out, "tags", strings(db, sql_admin_tags, id));
	return STORE_OK;
}

int
store_article_has_author(struct db *db, int64_t id, int64_t author_id)
{
	struct db_stmt *st;
	int n = 0;

	if (author_id == 0 || (st = db_stmt(db, sql_is_author)) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, author_id);
	if (db_step(st) == DB_ROW)
		n = (int)db_col_int(st, 0);
	db_reset(st);
	return n > 0;
}

int
store_article_deps(struct db *db, int64_t id, struct buf *tags)
{
	struct db_stmt *st;
	int rc;

	tags_add(tags, tag_article(id));
	if ((st = db_stmt(db, sql_deps)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t key = db_col_int(st, 1);

		switch ((enum dep_list)db_col_int(st, 0)) {
		case DEP_LATEST:
			tags_add(tags, tag_latest());
			break;
		case DEP_TYPE:
			tags_add(tags, tag_list_type(db_col_text(st, 2, NULL)));
			break;
		case DEP_SECTION:
			tags_add(tags, tag_list_section(key));
			break;
		case DEP_AUTHOR:
			tags_add(tags, tag_list_author(key));
			break;
		case DEP_TOPIC:
			tags_add(tags, tag_list_topic(key));
			break;
		}
	}
	db_reset(st);
	return rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}
