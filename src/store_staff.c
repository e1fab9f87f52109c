/*
 * store_staff.c — staffing the newsroom from the browser: invitations
 * (a pending account and the one-time link that lets its owner choose a
 * password) and the setup link that creates the first admin account.
 *
 * A pending account has an empty password hash, which no password
 * matches, so it cannot sign in until its invitation is used.  Tokens
 * are kept as SHA-256 hashes only (the link carries the token).
 */
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

static const char sql_state[] =
    "SELECT id, CASE WHEN password_hash = '' THEN 1 ELSE 0 END"
    " FROM users WHERE email = $1";
static const char sql_pending_add[] =
    "INSERT INTO users (email, display_name, password_hash, role, author_id,"
    " created_at) VALUES ($1, $2, '', $3, $4, $5) RETURNING id";
static const char sql_pending_update[] =
    "UPDATE users SET display_name = $2, role = $3, author_id = $4"
    " WHERE id = $1 AND password_hash = ''";
static const char sql_kill_user[] =
    "UPDATE staff_tokens SET used_at = $2 WHERE user_id = $1"
    " AND purpose = 'invite' AND used_at IS NULL";
static const char sql_add[] =
    "INSERT INTO staff_tokens (purpose, user_id, invited_by, token_hash,"
    " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_invite_get[] =
    "SELECT u.id, u.role, u.email, u.display_name FROM staff_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.token_hash = $1 AND t.purpose = 'invite'"
    " AND t.used_at IS NULL AND t.expires_at > $2 AND u.password_hash = ''";
static const char sql_invite_use[] =
    "UPDATE staff_tokens SET used_at = $2 WHERE token_hash = $1"
    " AND purpose = 'invite' AND used_at IS NULL AND expires_at > $2"
    " RETURNING user_id";
static const char sql_activate[] =
    "UPDATE users SET password_hash = $2,"
    " verified_at = COALESCE(verified_at, $3)"
    " WHERE id = $1 AND password_hash = ''";
/* An admin who can sign in; a pending one cannot run the site yet. */
static const char sql_admin_exists[] =
    "SELECT 1 FROM users WHERE role = 'admin' AND password_hash <> ''"
    " LIMIT 1";
static const char sql_setup_live[] =
    "SELECT 1 FROM staff_tokens WHERE token_hash = $1 AND purpose = 'setup'"
    " AND used_at IS NULL AND expires_at > $2";
static const char sql_setup_end[] =
    "UPDATE staff_tokens SET used_at = $1 WHERE purpose = 'setup'"
    " AND used_at IS NULL";

/* Binds an id that may be 0 (NULL). */
static void
bind_id(struct db_stmt *st, int i, int64_t id)
{
	if (id != 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

/* Steps a bound query: STORE_OK when it has a row, else STORE_NOTFOUND. */
static int
has_row(struct db_stmt *st)
{
	int rc = db_step(st);

	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_staff_invite(struct db *db, const struct staff_invite *in,
    int64_t *user_id)
{
	struct db_stmt *st;
	int64_t id = 0, pending = 0;
	int rc;

	/* After this point, the caller's transaction holds every write. */
	if ((st = db_stmt(db, sql_state)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, in->email);
	if ((rc = db_step(st)) == DB_ROW) {
		id = db_col_int(st, 0);
		pending = db_col_int(st, 1);
	}
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return store_rc_from_db(rc);
	if (id != 0 && !pending)
		return STORE_CONFLICT;
	if (id == 0) {
		if ((st = db_stmt(db, sql_pending_add)) == NULL)
			return STORE_ERROR;
		db_bind_str(st, 1, in->email);
		db_bind_str(st, 2, in->name);
		db_bind_str(st, 3, in->role);
		bind_id(st, 4, in->author_id);
		db_bind_int(st, 5, in->now);
		if ((rc = db_step(st)) == DB_ROW)
			id = db_col_int(st, 0);
		db_reset(st);
		if (rc != DB_ROW)
			return store_rc_from_db(rc);
	} else {
		/* Invited again: the latest name, role and profile win. */
		if ((st = db_stmt(db, sql_pending_update)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		db_bind_str(st, 2, in->name);
		db_bind_str(st, 3, in->role);
		bind_id(st, 4, in->author_id);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
		/* Only the newest link works. */
		if ((st = db_stmt(db, sql_kill_user)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, in->now);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	}
	if ((st = db_stmt(db, sql_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, "invite");
	db_bind_int(st, 2, id);
	bind_id(st, 3, in->invited_by);
	db_bind_str(st, 4, in->token_hash);
	db_bind_int(st, 5, in->now);
	db_bind_int(st, 6, in->expires);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	*user_id = id;
	return STORE_OK;
}

int
store_staff_invite_get(struct db *db, const char *hash, int64_t now,
    json_t **out)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	if ((st = db_stmt(db, sql_invite_get)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_int(st, 2, now);
	if ((rc = db_step(st)) == DB_ROW)
		*out = json_pack("{s:I,s:s,s:s,s:s}", "id",
		    (json_int_t)db_col_int(st, 0), "role",
		    db_col_text(st, 1, NULL), "email", db_col_text(st, 2, NULL),
		    "display_name", db_col_text(st, 3, NULL));
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_staff_invite_accept(struct db *db, const char *hash,
    const char *pwhash, int64_t now, int64_t *user_id)
{
	struct db_stmt *st;
	int rc;

	/* One statement takes the token, so two racing requests use it once. */
	if ((st = db_stmt(db, sql_invite_use)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_int(st, 2, now);
	if ((rc = db_step(st)) == DB_ROW)
		*user_id = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
	if ((st = db_stmt(db, sql_activate)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, *user_id);
	db_bind_str(st, 2, pwhash);
	db_bind_int(st, 3, now);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	/* The account got a password some other way meanwhile. */
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_staff_admin_exists(struct db *db)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_admin_exists)) == NULL)
		return STORE_ERROR;
	return has_row(st);
}

int
store_staff_setup_add(struct db *db, const char *hash, int64_t now,
    int64_t expires)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, "setup");
	db_bind_null(st, 2);
	db_bind_null(st, 3);
	db_bind_str(st, 4, hash);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, expires);
	return store_rc_from_db(db_run(st));
}

int
store_staff_setup_live(struct db *db, const char *hash, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = store_staff_admin_exists(db)) != STORE_NOTFOUND)
		return rc == STORE_OK ? STORE_NOTFOUND : rc;
	if ((st = db_stmt(db, sql_setup_live)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_int(st, 2, now);
	return has_row(st);
}

int
store_staff_setup_end(struct db *db, int64_t now)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_setup_end)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, now);
	return store_rc_from_db(db_run(st));
}
