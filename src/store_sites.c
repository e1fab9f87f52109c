/*
 * store_sites.c — the sites one instance serves, the stories shown on
 * other sites than their own, and the sites a user may publish to
 * (docs/sites.md).
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sites.h"
#include "store.h"
#include "util.h"

static const char sql_site_sections[] =
    "SELECT id, slug, name FROM sections WHERE site_id = $1"
    " AND parent_id IS NULL ORDER BY position, id";
static const char sql_sites[] =
    "SELECT id, slug, host, name, tagline, base_url, logo, accent"
    " FROM sites ORDER BY position, id";
static const char sql_site_add[] =
    "INSERT INTO sites (slug, host, name, tagline, base_url, logo, accent,"
    " position) VALUES ($1, $2, $3, $4, $5, $6, $7,"
    " (SELECT COALESCE(max(position), 0) + 1 FROM sites)) RETURNING id";
static const char sql_site_update[] =
    "UPDATE sites SET slug = $2, host = $3, name = $4, tagline = $5,"
    " base_url = $6, logo = $7, accent = $8 WHERE id = $1";
static const char sql_site_taken[] =
    "SELECT id FROM sites WHERE (slug = $1 OR (host <> '' AND host = $2))"
    " AND id <> $3";
/* No row: every site.  Else the site must be one of the user's. */
static const char sql_user_may[] =
    "SELECT NOT EXISTS (SELECT 1 FROM user_sites WHERE user_id = $1)"
    " OR EXISTS (SELECT 1 FROM user_sites WHERE user_id = $1"
    " AND site_id = $2) AS may";
static const char sql_user_sites[] =
    "SELECT s.slug FROM user_sites u JOIN sites s ON s.id = u.site_id"
    " WHERE u.user_id = $1 ORDER BY s.position, s.id";
static const char sql_user_sites_clear[] =
    "DELETE FROM user_sites WHERE user_id = $1";
static const char sql_user_sites_add[] =
    "INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)";
static const char sql_article_site[] =
    "SELECT site_id FROM articles WHERE id = $1";
/* A section and its stories move to a site (the demo's communities). */
static const char sql_adopt_section[] =
    "UPDATE sections SET site_id = $1 WHERE slug = $2";
static const char sql_adopt_articles[] =
    "UPDATE articles SET site_id = $1 WHERE section_id ="
    " (SELECT id FROM sections WHERE slug = $2)";
static const char sql_section_site[] =
    "UPDATE sections SET site_id = $2 WHERE id = $1";
static const char sql_shown_add[] =
    "INSERT INTO article_sites (article_id, site_id) SELECT $1, $2"
    " WHERE NOT EXISTS (SELECT 1 FROM article_sites"
    " WHERE article_id = $1 AND site_id = $2)";

static void
col(struct db_stmt *st, int i, char *out, size_t n)
{
	strlcpy_(out, db_col_text(st, i, NULL), n);
}

int
store_sites(struct db *db, struct site *out, size_t max, size_t *n)
{
	struct db_stmt *st;
	int rc;

	*n = 0;
	if ((st = db_stmt(db, sql_sites)) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(st)) == DB_ROW && *n < max) {
		struct site *s = &out[(*n)++];

		memset(s, 0, sizeof(*s));
		s->id = db_col_int(st, 0);
		col(st, 1, s->slug, sizeof(s->slug));
		col(st, 2, s->host, sizeof(s->host));
		col(st, 3, s->name, sizeof(s->name));
		col(st, 4, s->tagline, sizeof(s->tagline));
		col(st, 5, s->base_url, sizeof(s->base_url));
		col(st, 6, s->logo, sizeof(s->logo));
		col(st, 7, s->accent, sizeof(s->accent));
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? STORE_OK :
	    store_rc_from_db(rc);
}

int
store_sites_load(struct db *db)
{
	struct site *v = xcalloc(SITES_MAX, sizeof(*v));
	size_t n;
	int rc;

	if ((rc = store_sites(db, v, SITES_MAX, &n)) == STORE_OK)
		sites_set(v, n);
	free(v);
	return rc;
}

int
store_site_put(struct db *db, struct site *s)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_site_taken)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, s->slug);
	db_bind_str(st, 2, s->host);
	db_bind_int(st, 3, s->id);
	rc = db_step(st);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_CONFLICT;
	if (rc != DB_DONE)
		return store_rc_from_db(rc);
	if ((st = db_stmt(db, s->id > 0 ? sql_site_update : sql_site_add)) ==
	    NULL)
		return STORE_ERROR;
	if (s->id > 0) {
		db_bind_int(st, 1, s->id);
		db_bind_str(st, 2, s->slug);
		db_bind_str(st, 3, s->host);
		db_bind_str(st, 4, s->name);
		db_bind_str(st, 5, s->tagline);
		db_bind_str(st, 6, s->base_url);
		db_bind_str(st, 7, s->logo);
		db_bind_str(st, 8, s->accent);
		if ((rc = db_run(st)) != DB_OK && rc != DB_DONE)
			return store_rc_from_db(rc);
		return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
	}
	db_bind_str(st, 1, s->slug);
	db_bind_str(st, 2, s->host);
	db_bind_str(st, 3, s->name);
	db_bind_str(st, 4, s->tagline);
	db_bind_str(st, 5, s->base_url);
	db_bind_str(st, 6, s->logo);
	db_bind_str(st, 7, s->accent);
	if ((rc = db_step(st)) == DB_ROW)
		s->id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_user_may_site(struct db *db, int64_t user, int64_t site)
{
	struct db_stmt *st;
	int rc, may = 0;

	if ((st = db_stmt(db, sql_user_may)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user);
	db_bind_int(st, 2, site);
	if ((rc = db_step(st)) == DB_ROW)
		may = db_col_int(st, 0) != 0;
	db_reset(st);
	if (rc != DB_ROW)
		return store_rc_from_db(rc);
	return may ? STORE_OK : STORE_NOTFOUND;
}

int
store_user_sites(struct db *db, int64_t user, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_user_sites)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user);
	return store_rows_json(st, out);
}

int
store_user_sites_set(struct db *db, int64_t user, const int64_t *sites,
    size_t n)
{
	struct db_stmt *st;
	size_t i;
	int rc;

	if ((st = db_stmt(db, sql_user_sites_clear)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user);
	if ((rc = db_run(st)) != DB_OK && rc != DB_DONE)
		return store_rc_from_db(rc);
	for (i = 0; i < n; i++) {
		if ((st = db_stmt(db, sql_user_sites_add)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, user);
		db_bind_int(st, 2, sites[i]);
		if ((rc = db_run(st)) != DB_OK && rc != DB_DONE)
			return store_rc_from_db(rc);
	}
	return STORE_OK;
}

int
store_article_site(struct db *db, int64_t article, int64_t *site)
{
	struct db_stmt *st;
	int rc;

	*site = 0;
	if ((st = db_stmt(db, sql_article_site)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article);
	if ((rc = db_step(st)) == DB_ROW)
		*site = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND :
	    store_rc_from_db(rc);
}

int
store_site_adopt(struct db *db, int64_t site, const char *section)
{
	const char *const sql[] = { sql_adopt_section, sql_adopt_articles };
	struct db_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		if ((st = db_stmt(db, sql[i])) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, site);
		db_bind_str(st, 2, section);
		if ((rc = db_run(st)) != DB_OK && rc != DB_DONE)
			return store_rc_from_db(rc);
	}
	return STORE_OK;
}

int
store_section_site(struct db *db, int64_t section, int64_t site)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_section_site)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, section);
	db_bind_int(st, 2, site);
	rc = db_run(st);
	return rc == DB_OK || rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

int
store_article_show_on(struct db *db, int64_t article, int64_t site)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_shown_add)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article);
	db_bind_int(st, 2, site);
	rc = db_run(st);
	return rc == DB_OK || rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

int
store_site_sections(struct db *db, int64_t site, json_t **out)
{
	return store_rows_by_id(db, sql_site_sections, site, out);
}
