/*
 * store_resource.c — gated resources (white papers, reports) and the
 * leads their downloads leave, plus a reader's company and job title.
 */
#include <stdio.h>

#include "db.h"
#include "store.h"

/* What a public page shows of a resource: never the file's own name. */
#define RESOURCE_COLS \
	"r.id, r.slug, r.title, r.summary, r.body_html, r.published_at," \
	" r.updated_at, r.sponsor_id, sp.name AS sponsor_name," \
	" sp.url AS sponsor_url, i.hash AS image_hash, i.ext AS image_ext," \
	" i.width AS image_width, i.height AS image_height," \
	" i.alt AS image_alt, i.widths AS image_widths," \
	" CASE WHEN r.link_url <> '' THEN 'link' WHEN r.file_hash <> ''" \
	" THEN 'pdf' ELSE '' END AS kind," \
	" r.file_bytes"
#define RESOURCE_FROM \
	" FROM resources r LEFT JOIN sponsors sp ON sp.id = r.sponsor_id" \
	" LEFT JOIN images i ON i.id = r.cover_id"

/* $1 now, $2 $3 the keyset bound (published_at, id), $4 limit. */
static const char sql_list[] =
    "SELECT " RESOURCE_COLS RESOURCE_FROM
    " WHERE r.published_at IS NOT NULL AND r.published_at <= $1"
    " AND r.trashed_at IS NULL AND (r.published_at < $2 OR (r.published_at = $2 AND r.id < $3))"
    " ORDER BY r.published_at DESC, r.id DESC LIMIT $4";
static const char sql_get[] =
    "SELECT " RESOURCE_COLS RESOURCE_FROM
    " WHERE r.slug = $1 AND r.published_at IS NOT NULL"
    " AND r.published_at <= $2 AND r.trashed_at IS NULL";
static const char sql_next_publish[] =
    "SELECT min(published_at) FROM resources WHERE published_at > $1"
    " AND trashed_at IS NULL";
static const char sql_admin[] =
    "SELECT r.id, r.slug, r.title, r.published_at, r.file_bytes,"
    " r.link_url, r.updated_at,"
    " (SELECT count(*) FROM resource_leads l WHERE l.resource_id = r.id)"
    " AS leads FROM resources r WHERE r.trashed_at IS NULL ORDER BY r.updated_at DESC, r.id DESC";
static const char sql_by_id[] =
    "SELECT r.id, r.slug, r.title, r.summary, r.body_md,"
    " COALESCE(r.sponsor_id, 0) AS sponsor_id,"
    " COALESCE(i.hash, '') AS cover, r.file_hash, r.file_bytes,"
    " r.link_url, r.published_at, r.trashed_at FROM resources r"
    " LEFT JOIN images i ON i.id = r.cover_id WHERE r.id = $1";
static const char sql_add[] =
    "INSERT INTO resources (slug, title, summary, body_md, body_html,"
    " sponsor_id, cover_id, link_url, published_at, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6,"
    " (SELECT id FROM images WHERE hash = $7), $8, $9, $10, $10)"
    " RETURNING id";
static const char sql_update[] =
    "UPDATE resources SET slug = $1, title = $2, summary = $3,"
    " body_md = $4, body_html = $5, sponsor_id = $6,"
    " cover_id = (SELECT id FROM images WHERE hash = $7), link_url = $8,"
    " published_at = $9, updated_at = $10 WHERE id = $11";
static const char sql_set_file[] =
    "UPDATE resources SET file_hash = $1, file_bytes = $2,"
    " updated_at = $3 WHERE id = $4";
static const char sql_lead_add[] =
    "INSERT INTO resource_leads (resource_id, user_id, name, email,"
    " company, job_title, consent, consent_ip, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
static const char sql_lead_get[] =
    "SELECT l.id, l.resource_id, l.email, r.slug, r.title, r.file_hash,"
    " r.link_url, r.published_at FROM resource_leads l"
    " JOIN resources r ON r.id = l.resource_id WHERE l.id = $1"
    " AND r.trashed_at IS NULL";
static const char sql_leads[] =
    "SELECT id, name, email, company, job_title, consent, consent_ip,"
    " created_at FROM resource_leads WHERE resource_id = $1"
    " ORDER BY id DESC";
static const char sql_leads_by_email[] =
    "SELECT l.id, r.title, r.slug, l.name, l.company, l.job_title,"
    " l.consent, l.consent_ip, l.created_at"
    " FROM resource_leads l JOIN resources r ON r.id = l.resource_id"
    " WHERE l.email = $1 ORDER BY l.id";
static const char sql_lead_delete[] =
    "DELETE FROM resource_leads WHERE id = $1 AND email = $2";
static const char sql_profile[] =
    "SELECT company, job_title FROM users WHERE id = $1";
static const char sql_profile_set[] =
    "UPDATE users SET company = $1, job_title = $2 WHERE id = $3";

int
store_resources(struct db *db, int64_t now, const struct cursor *before,
    int limit, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_list)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, before->t);
	db_bind_int(st, 3, before->id);
	db_bind_int(st, 4, limit);
	return store_rows_json(st, out);
}

int
store_resource_get(struct db *db, const char *slug, int64_t now,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_get)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	db_bind_int(st, 2, now);
	return store_row1_json(st, out);
}

int64_t
store_resources_next_publish(struct db *db, int64_t now)
{
	return store_scalar(db, sql_next_publish, now);
}

int
store_resources_admin(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_admin)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_resource_by_id(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_by_id, id, out);
}

int
store_resource_save(struct db *db, int64_t *id, const struct resource_input *in)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, *id == 0 ? sql_add : sql_update)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, in->slug);
	db_bind_str(st, 2, in->title);
	db_bind_str(st, 3, in->summary);
	db_bind_str(st, 4, in->body_md);
	db_bind_str(st, 5, in->body_html);
	if (in->sponsor_id > 0)
		db_bind_int(st, 6, in->sponsor_id);
	else
		db_bind_null(st, 6);
	db_bind_str(st, 7, in->cover);
	db_bind_str(st, 8, in->link_url);
	if (in->published_at > 0)
		db_bind_int(st, 9, in->published_at);
	else
		db_bind_null(st, 9);
	db_bind_int(st, 10, in->now);
	if (*id == 0) {
		if ((rc = db_step(st)) == DB_ROW)
			*id = db_col_int(st, 0);
		db_reset(st);
		return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
	}
	db_bind_int(st, 11, *id);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_resource_set_file(struct db *db, int64_t id, const char *hash,
    int64_t bytes, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_set_file)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_int(st, 2, bytes);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, id);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_lead_add(struct db *db, const struct lead_input *l, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_lead_add)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, l->resource_id);
	if (l->user_id > 0)
		db_bind_int(st, 2, l->user_id);
	else
		db_bind_null(st, 2);
	db_bind_str(st, 3, l->name);
	db_bind_str(st, 4, l->email);
	db_bind_str(st, 5, l->company);
	db_bind_str(st, 6, l->job_title);
	db_bind_str(st, 7, l->consent);
	db_bind_str(st, 8, l->ip);
	db_bind_int(st, 9, l->now);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_lead_get(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_lead_get, id, out);
}

int
store_leads(struct db *db, int64_t resource_id, json_t **out)
{
	return store_rows_by_id(db, sql_leads, resource_id, out);
}

int
store_leads_by_email(struct db *db, const char *email, json_t **out)
{
	return store_rows_by_text(db, sql_leads_by_email, email, out);
}

int
store_lead_delete(struct db *db, int64_t id, const char *email)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_lead_delete)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, email);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_user_profile(struct db *db, int64_t user_id, json_t **out)
{
	return store_row_by_id(db, sql_profile, user_id, out);
}

int
store_user_profile_set(struct db *db, int64_t user_id, const char *company,
    const char *job_title)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_profile_set)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, company);
	db_bind_str(st, 2, job_title);
	db_bind_int(st, 3, user_id);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}
