/*
 * store_ap.c — ActivityPub's tables (store_ap.h, docs/activitypub.md).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db.h"
#include "store.h"
#include "store_ap.h"
#include "util.h"

static const char sql_key_get[] =
    "SELECT public_pem, private_pem FROM ap_keys WHERE actor = $1";
static const char sql_key_put[] =
    "INSERT INTO ap_keys (actor, public_pem, private_pem, created_at)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (actor) DO NOTHING";
static const char sql_actor_get[] =
    "SELECT uri, key_uri, public_pem, inbox, shared_inbox, handle,"
    " user_id, fetched_at FROM ap_actors WHERE uri = $1";
static const char sql_actor_put[] =
    "INSERT INTO ap_actors (uri, key_uri, public_pem, inbox, shared_inbox,"
    " handle, fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (uri) DO UPDATE SET key_uri = excluded.key_uri,"
    " public_pem = excluded.public_pem, inbox = excluded.inbox,"
    " shared_inbox = excluded.shared_inbox, handle = excluded.handle,"
    " fetched_at = excluded.fetched_at";
static const char sql_actor_user[] =
    "SELECT COALESCE(a.user_id, 0), a.handle FROM ap_actors a"
    " WHERE a.uri = $1";
/* The address cannot receive mail: the .invalid name is reserved. */
static const char sql_user_add[] =
    "INSERT INTO users (email, display_name, password_hash, role,"
    " created_at) VALUES ($1, $2, '', 'member', $3) RETURNING id";
static const char sql_actor_set_user[] =
    "UPDATE ap_actors SET user_id = $2 WHERE uri = $1";
static const char sql_follower_add[] =
    "INSERT INTO ap_followers (actor_uri, inbox, shared_inbox, followed,"
    " follow_uri, handle, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (actor_uri, followed) DO UPDATE SET inbox = excluded.inbox,"
    " shared_inbox = excluded.shared_inbox, follow_uri = excluded.follow_uri,"
    " handle = excluded.handle";
static const char sql_follower_remove[] =
    "DELETE FROM ap_followers WHERE actor_uri = $1 AND followed = $2";
static const char sql_follower_count[] =
    "SELECT COUNT(*) FROM ap_followers WHERE followed = $1";
static const char sql_followers[] =
    "SELECT f.id, f.actor_uri, f.handle, f.followed, f.accepted_at,"
    " COALESCE(au.name, '') AS author FROM ap_followers f"
    " LEFT JOIN authors au ON f.followed = 'author:' || au.id"
    " ORDER BY f.id DESC LIMIT $1";
static const char sql_inboxes[] =
    "SELECT DISTINCT CASE WHEN shared_inbox <> '' THEN shared_inbox"
    " ELSE inbox END AS inbox FROM ap_followers WHERE followed = 'site'"
    " OR followed IN (SELECT 'author:' || author_id FROM article_authors"
    " WHERE article_id = $1) ORDER BY 1";
static const char sql_received[] =
    "INSERT INTO ap_received (activity, received_at) VALUES ($1, $2)"
    " ON CONFLICT (activity) DO NOTHING";
static const char sql_note_add[] =
    "INSERT INTO ap_notes (note_uri, comment_id, actor_uri)"
    " VALUES ($1, $2, $3)";
static const char sql_note_get[] =
    "SELECT comment_id, actor_uri FROM ap_notes WHERE note_uri = $1";
static const char sql_article[] =
    "SELECT a.id, a.slug, a.title, a.dek, a.body_html, a.status,"
    " a.published_at, a.updated_at, COALESCE(a.trashed_at, 0) AS trashed_at,"
    " COALESCE(i.hash || '.' || i.ext, '') AS image,"
    " COALESCE(i.mime, '') AS image_type FROM articles a"
    " LEFT JOIN images i ON i.id = a.hero_image_id WHERE a.id = $1";
static const char sql_article_authors[] =
    "SELECT au.id, au.slug, au.name FROM article_authors aa"
    " JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1"
    " ORDER BY aa.position, au.id";
static const char sql_article_tags[] =
    "SELECT t.slug, t.name FROM article_tags at JOIN tags t"
    " ON t.id = at.tag_id WHERE at.article_id = $1 ORDER BY t.name";
/* Live stories by the index of the lists (status, published_at). */
static const char sql_outbox[] =
    "SELECT id, published_at FROM articles WHERE status = 'published'"
    " AND trashed_at IS NULL AND published_at <= $1"
    " AND (published_at < $2 OR (published_at = $2 AND id < $3))"
    " ORDER BY published_at DESC, id DESC LIMIT $4";
static const char sql_outbox_count[] =
    "SELECT COUNT(*) FROM articles WHERE status = 'published'"
    " AND trashed_at IS NULL AND published_at <= $1";
/* Runs a statement that changes rows, or none. */
static int
run(struct db_stmt *st)
{
	int rc = db_run(st);

	return rc == DB_OK ? STORE_OK : store_rc_from_db(rc);
}

int
store_ap_key_get(struct db *db, const char *actor, json_t **out)
{
	return store_row_by_text(db, sql_key_get, actor, out);
}

int
store_ap_key_put(struct db *db, const char *actor, const char *pub,
    const char *priv)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_key_put)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, actor);
	db_bind_str(st, 2, pub);
	db_bind_str(st, 3, priv);
	db_bind_int(st, 4, now_unix());
	return run(st);
}

int
store_ap_actor_get(struct db *db, const char *uri, json_t **out)
{
	return store_row_by_text(db, sql_actor_get, uri, out);
}

int
store_ap_actor_put(struct db *db, const char *uri, const char *key_uri,
    const char *pem, const char *inbox, const char *shared,
    const char *handle)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_actor_put)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, uri);
	db_bind_str(st, 2, key_uri);
	db_bind_str(st, 3, pem);
	db_bind_str(st, 4, inbox);
	db_bind_str(st, 5, shared);
	db_bind_str(st, 6, handle);
	db_bind_int(st, 7, now_unix());
	return run(st);
}

int
store_ap_actor_user(struct db *db, const char *uri, int64_t *user)
{
	struct db_stmt *st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char handle[256], hex[2 * 12 + 1], email[80];
	int rc;

	if ((st = db_stmt(db, sql_actor_user)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, uri);
	if ((rc = db_step(st)) == DB_ROW) {
		*user = db_col_int(st, 0);
		strlcpy_(handle, db_col_text(st, 1, NULL), sizeof(handle));
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
	if (*user != 0)
		return STORE_OK;
	/* One address per actor, made from its id: the same on every instance. */
	crypto_hash_sha256(h, (const unsigned char *)uri, strlen(uri));
	sodium_bin2hex(hex, sizeof(hex), h, 12);
	snprintf(email, sizeof(email), "fediverse-%s@fediverse.invalid", hex);
	if ((st = db_stmt(db, sql_user_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, email);
	db_bind_str(st, 2, handle);
	db_bind_int(st, 3, now_unix());
	if ((rc = db_step(st)) == DB_ROW)
		*user = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return store_rc_from_db(rc);
	if ((st = db_stmt(db, sql_actor_set_user)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, uri);
	db_bind_int(st, 2, *user);
	return run(st);
}

int
store_ap_follower_add(struct db *db, const char *actor_uri, const char *inbox,
    const char *shared, const char *followed, const char *follow_uri,
    const char *handle)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_follower_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, actor_uri);
	db_bind_str(st, 2, inbox);
	db_bind_str(st, 3, shared);
	db_bind_str(st, 4, followed);
	db_bind_str(st, 5, follow_uri);
	db_bind_str(st, 6, handle);
	db_bind_int(st, 7, now_unix());
	return run(st);
}

int
store_ap_follower_remove(struct db *db, const char *actor_uri,
    const char *followed)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_follower_remove)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, actor_uri);
	db_bind_str(st, 2, followed);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int64_t
store_ap_follower_count(struct db *db, const char *followed)
{
	struct db_stmt *st;
	int64_t n = 0;

	if ((st = db_stmt(db, sql_follower_count)) == NULL)
		return 0;
	db_bind_str(st, 1, followed);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

int
store_ap_followers(struct db *db, int64_t n, json_t **out)
{
	return store_rows_by_id(db, sql_followers, n, out);
}

int
store_ap_inboxes(struct db *db, int64_t article, json_t **out)
{
	return store_rows_by_id(db, sql_inboxes, article, out);
}

int
store_ap_received(struct db *db, const char *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_received)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, id);
	db_bind_int(st, 2, now_unix());
	if ((rc = run(st)) != STORE_OK)
		return rc;
	return db_changes(db) == 1 ? STORE_OK : STORE_CONFLICT;
}

int
store_ap_note_add(struct db *db, const char *note, int64_t comment,
    const char *actor)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_note_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, note);
	db_bind_int(st, 2, comment);
	db_bind_str(st, 3, actor);
	return run(st);
}

int
store_ap_note_get(struct db *db, const char *note, json_t **out)
{
	return store_row_by_text(db, sql_note_get, note, out);
}

int
store_ap_article(struct db *db, int64_t id, json_t **out)
{
	json_t *a, *v;
	int rc;

	if ((rc = store_row_by_id(db, sql_article, id, &a)) != STORE_OK)
		return rc;
	/* After this point, all errors go through fail. */
	if ((rc = store_rows_by_id(db, sql_article_authors, id, &v)) !=
	    STORE_OK)
		goto fail;
	json_object_set_new(a, "authors", v);
	if ((rc = store_rows_by_id(db, sql_article_tags, id, &v)) != STORE_OK)
		goto fail;
	json_object_set_new(a, "tags", v);
	*out = a;
	return STORE_OK;
fail:
	json_decref(a);
	*out = NULL;
	return rc;
}

int
store_ap_outbox(struct db *db, int64_t before_at, int64_t before_id,
    int64_t n, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_outbox)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, now_unix());
	db_bind_int(st, 2, before_at);
	db_bind_int(st, 3, before_id);
	db_bind_int(st, 4, n);
	return store_rows_json(st, out);
}

int64_t
store_ap_outbox_count(struct db *db)
{
	return store_scalar(db, sql_outbox_count, now_unix());
}
