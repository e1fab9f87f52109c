/*
 * store_user.c — accounts and the API tokens that act for them.
 */
#include <string.h>

#include "db.h"
#include "role.h"
#include "store.h"
#include "util.h"

/* "Last used" of an API token is noted at most this often (seconds). */
#define TOKEN_USED_EVERY	60

static const char sql_author_id[] =
    "SELECT id FROM authors WHERE slug = $1";
static const char sql_add[] =
    "INSERT INTO users (email, display_name, password_hash, role, author_id,"
    " verified_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
    " RETURNING id";
static const char sql_list[] =
    "SELECT u.id, u.email, u.display_name, u.role, au.slug AS author_slug,"
    " u.created_at, CASE WHEN u.password_hash = '' THEN 1 ELSE 0 END"
    " AS pending FROM users u LEFT JOIN authors au ON au.id = u.author_id"
    " ORDER BY u.id";
static const char sql_set_role[] =
    "UPDATE users SET role = $2 WHERE email = $1";
static const char sql_token_add[] =
    "INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
    " SELECT id, $2, $3, $4 FROM users WHERE email = $1";
static const char sql_by_token[] =
    "SELECT u.id, u.role, COALESCE(u.author_id, 0), u.email, u.display_name,"
    " COALESCE(t.last_used_at, 0) FROM api_tokens t"
    " JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1";
static const char sql_token_used[] =
    "UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1";
static const char sql_token_create[] =
    "INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
    " VALUES ($1, $2, $3, $4) RETURNING id";
/* $1 the owner, or 0 for every account's. */
static const char sql_tokens[] =
    "SELECT t.id, t.name, t.created_at, t.last_used_at, t.user_id,"
    " u.email, u.display_name FROM api_tokens t"
    " JOIN users u ON u.id = t.user_id"
    " WHERE CAST($1 AS BIGINT) = 0 OR t.user_id = $1 ORDER BY t.id DESC";
static const char sql_token_owner[] =
    "SELECT user_id FROM api_tokens WHERE id = $1";
static const char sql_token_revoke[] =
    "DELETE FROM api_tokens WHERE id = $1";

static const char sql_by_email[] =
    "SELECT id, role, COALESCE(author_id, 0), email, display_name,"
    " password_hash, COALESCE(verified_at, 0) AS verified_at"
    " FROM users WHERE email = $1";
static const char sql_register[] =
    "INSERT INTO users (email, display_name, password_hash, role,"
    " created_at) VALUES ($1, $2, $3, 'member', $4) RETURNING id";
static const char sql_verify[] =
    "UPDATE users SET verified_at = COALESCE(verified_at, $2) WHERE id = $1";
static const char sql_set_password[] =
    "UPDATE users SET password_hash = $2 WHERE id = $1";
static const char sql_drop_user_sessions[] =
    "DELETE FROM sessions WHERE user_id = $1";
static const char sql_token_new[] =
    "INSERT INTO account_tokens (user_id, purpose, token_hash, created_at,"
    " expires_at) VALUES ($1, $2, $3, $4, $5)";
static const char sql_token_check[] =
    "SELECT user_id FROM account_tokens WHERE token_hash = $1"
    " AND purpose = $2 AND used_at IS NULL AND expires_at > $3";
static const char sql_token_use[] =
    "UPDATE account_tokens SET used_at = $3 WHERE token_hash = $1"
    " AND purpose = $2 AND used_at IS NULL AND expires_at > $3"
    " RETURNING user_id";
static const char sql_token_use_rest[] =
    "UPDATE account_tokens SET used_at = $3 WHERE user_id = $1"
    " AND purpose = $2 AND used_at IS NULL";
static const char sql_ratelimit[] =
    "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)"
    " ON CONFLICT (key) DO UPDATE SET"
    " hits = CASE WHEN rate_limits.window_start <= $3 THEN 1"
    " ELSE rate_limits.hits + 1 END,"
    " window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2"
    " ELSE rate_limits.window_start END"
    " RETURNING hits, window_start";
static const char sql_ratelimit_peek[] =
    "SELECT hits, window_start FROM rate_limits"
    " WHERE key = $1 AND window_start > $2";
static const char sql_session_add[] =
    "INSERT INTO sessions (token_hash, user_id, created_at, seen_at,"
    " expires_at) VALUES ($1, $2, $3, $3, $4)";
static const char sql_by_session[] =
    "SELECT u.id, u.role, COALESCE(u.author_id, 0), u.email,"
    " u.display_name, s.seen_at FROM sessions s"
    " JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.seen_at > $3";
static const char sql_session_seen[] =
    "UPDATE sessions SET seen_at = $2 WHERE token_hash = $1";
static const char sql_session_delete[] =
    "DELETE FROM sessions WHERE token_hash = $1";

/* Fills u from the first five columns: id, role, author_id, email, name. */
static void
user_row(struct db_stmt *st, struct user *u)
{
	int role = role_parse(db_col_text(st, 1, NULL));

	u->id = db_col_int(st, 0);
	u->role = role < 0 ? ROLE_MEMBER : (enum role)role;
	u->author_id = db_col_int(st, 2);
	strlcpy_(u->email, db_col_text(st, 3, NULL), sizeof(u->email));
	strlcpy_(u->name, db_col_text(st, 4, NULL), sizeof(u->name));
}

int
store_user_add(struct db *db, const char *email, const char *name,
    const char *pwhash, int role, const char *author_slug, int64_t *id)
{
	struct db_stmt *st;
	int64_t author = 0;
	int rc;

	if (author_slug != NULL) {
		if ((st = db_stmt(db, sql_author_id)) == NULL)
			return STORE_ERROR;
		db_bind_str(st, 1, author_slug);
		rc = db_step(st);
		if (rc == DB_ROW)
			author = db_col_int(st, 0);
		db_reset(st);
		if (rc != DB_ROW)
			return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
	}
	if ((st = db_stmt(db, sql_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, email);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, pwhash);
	db_bind_str(st, 4, role_name(role));
	if (author != 0)
		db_bind_int(st, 5, author);
	else
		db_bind_null(st, 5);
	/* Accounts made on the command line need no email verification. */
	db_bind_int(st, 6, now_unix());
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_user_list(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_list)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_user_set_role(struct db *db, const char *email, int role)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_set_role)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, email);
	db_bind_str(st, 2, role_name(role));
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_token_add(struct db *db, const char *email, const char *name,
    const char *hash)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_token_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, email);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, hash);
	db_bind_int(st, 4, now_unix());
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_user_by_token(struct db *db, const char *hash, struct user *u)
{
	struct db_stmt *st;
	int64_t last = 0, now = now_unix();
	int rc;

	if ((st = db_stmt(db, sql_by_token)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	if ((rc = db_step(st)) == DB_ROW) {
		user_row(st, u);
		last = db_col_int(st, 5);
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
	/*
	 * "Last used" is kept to the minute, so a client sending many
	 * requests writes once a minute, not once a request.  It is only
	 * a hint: a failure to note it does not refuse the request.
	 */
	if (now - last >= TOKEN_USED_EVERY &&
	    (st = db_stmt(db, sql_token_used)) != NULL) {
		db_bind_str(st, 1, hash);
		db_bind_int(st, 2, now);
		(void)db_run(st);
	}
	return STORE_OK;
}

int
store_token_create(struct db *db, int64_t user_id, const char *name,
    const char *hash, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_token_create)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user_id);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, hash);
	db_bind_int(st, 4, now_unix());
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_tokens_list(struct db *db, int64_t user_id, json_t **out)
{
	return store_rows_by_id(db, sql_tokens, user_id, out);
}

int
store_token_owner(struct db *db, int64_t id, int64_t *user_id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_token_owner)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW)
		*user_id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_token_revoke(struct db *db, int64_t id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_token_revoke)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_user_by_email(struct db *db, const char *email, struct user *u,
    char *hash, size_t hashsz)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_by_email)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, email);
	if ((rc = db_step(st)) == DB_ROW) {
		user_row(st, u);
		strlcpy_(hash, db_col_text(st, 5, NULL), hashsz);
		u->verified = db_col_int(st, 6) != 0;
	}
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_session_add(struct db *db, int64_t user_id, const char *hash,
    int64_t now, int64_t expires)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_session_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, expires);
	return store_rc_from_db(db_run(st));
}

int
store_user_by_session(struct db *db, const char *hash, int64_t now,
    int64_t idle, struct user *u, int64_t *seen)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_by_session)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now - idle);
	if ((rc = db_step(st)) == DB_ROW) {
		user_row(st, u);
		*seen = db_col_int(st, 5);
	}
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

/* Runs a statement keyed by a session's hash (and a time). */
static int
session_write(struct db *db, const char *sql, const char *hash, int64_t t)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	if (t != 0)
		db_bind_int(st, 2, t);
	return store_rc_from_db(db_run(st));
}

int
store_session_seen(struct db *db, const char *hash, int64_t now)
{
	return session_write(db, sql_session_seen, hash, now);
}

int
store_session_delete(struct db *db, const char *hash)
{
	return session_write(db, sql_session_delete, hash, 0);
}

/* Runs sql with an id and an optional time or text; 0 rows is NOTFOUND. */
static int
user_write(struct db *db, const char *sql, int64_t id, int64_t t,
    const char *text)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if (text != NULL)
		db_bind_str(st, 2, text);
	else if (t != 0)
		db_bind_int(st, 2, t);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return STORE_OK;
}

int
store_sessions_drop_user(struct db *db, int64_t user_id)
{
	return user_write(db, sql_drop_user_sessions, user_id, 0, NULL);
}

int
store_user_verify(struct db *db, int64_t id, int64_t now)
{
	return user_write(db, sql_verify, id, now, NULL);
}

int
store_user_set_password(struct db *db, int64_t id, const char *hash)
{
	return user_write(db, sql_set_password, id, 0, hash);
}

int
store_user_register(struct db *db, const char *email, const char *name,
    const char *pwhash, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_register)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, email);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, pwhash);
	db_bind_int(st, 4, now_unix());
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_account_token_add(struct db *db, int64_t user_id, const char *purpose,
    const char *hash, int64_t now, int64_t expires)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_token_new)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user_id);
	db_bind_str(st, 2, purpose);
	db_bind_str(st, 3, hash);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, expires);
	return store_rc_from_db(db_run(st));
}

/* Runs a token statement ($1 hash, $2 purpose, $3 now); its user or 0. */
static int
token_stmt(struct db *db, const char *sql, const char *purpose,
    const char *hash, int64_t now, int64_t *user_id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_str(st, 2, purpose);
	db_bind_int(st, 3, now);
	if ((rc = db_step(st)) == DB_ROW && user_id != NULL)
		*user_id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_account_token_check(struct db *db, const char *purpose,
    const char *hash, int64_t now)
{
	return token_stmt(db, sql_token_check, purpose, hash, now, NULL);
}

int
store_account_token_use(struct db *db, const char *purpose, const char *hash,
    int64_t now, int64_t *user_id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = token_stmt(db, sql_token_use, purpose, hash, now,
	    user_id)) != STORE_OK)
		return rc;
	if ((st = db_stmt(db, sql_token_use_rest)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, *user_id);
	db_bind_str(st, 2, purpose);
	db_bind_int(st, 3, now);
	return store_rc_from_db(db_run(st));
}

int
store_ratelimit_peek(struct db *db, const char *key, int64_t now,
    int64_t window, int64_t *hits, int64_t *start)
{
	struct db_stmt *st;
	int rc;

	*hits = 0;
	*start = now;
	if ((st = db_stmt(db, sql_ratelimit_peek)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, key);
	db_bind_int(st, 2, now - window);
	if ((rc = db_step(st)) == DB_ROW) {
		*hits = db_col_int(st, 0);
		*start = db_col_int(st, 1);
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

int
store_ratelimit_hit(struct db *db, const char *key, int64_t now,
    int64_t window, int64_t *hits, int64_t *start)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_ratelimit)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, key);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now - window);
	if ((rc = db_step(st)) == DB_ROW) {
		*hits = db_col_int(st, 0);
		*start = db_col_int(st, 1);
	}
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}
