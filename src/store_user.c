/*
 * store_user.c — accounts and the API tokens that act for them.
 */
#include <string.h>

#include "auth.h"
#include "db.h"
#include "store.h"
#include "util.h"

static const char sql_author_id[] =
    "SELECT id FROM authors WHERE slug = $1";
static const char sql_add[] =
    "INSERT INTO users (email, display_name, password_hash, role, author_id,"
    " verified_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
    " RETURNING id";
static const char sql_list[] =
    "SELECT u.id, u.email, u.display_name, u.role, au.slug AS author_slug,"
    " u.created_at FROM users u LEFT JOIN authors au ON au.id = u.author_id"
    " ORDER BY u.id";
static const char sql_set_role[] =
    "UPDATE users SET role = $2 WHERE email = $1";
static const char sql_token_add[] =
    "INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
    " SELECT id, $2, $3, $4 FROM users WHERE email = $1";
static const char sql_by_token[] =
    "SELECT u.id, u.role, COALESCE(u.author_id, 0), u.email, u.display_name"
    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.token_hash = $1";

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
	db_bind_str(st, 4, auth_role_name(role));
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
	db_bind_str(st, 2, auth_role_name(role));
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
	int rc, role;

	if ((st = db_stmt(db, sql_by_token)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	if ((rc = db_step(st)) == DB_ROW) {
		u->id = db_col_int(st, 0);
		role = auth_role_parse(db_col_text(st, 1, NULL));
		u->role = role < 0 ? ROLE_MEMBER : (enum role)role;
		u->author_id = db_col_int(st, 2);
		strlcpy_(u->email, db_col_text(st, 3, NULL), sizeof(u->email));
		strlcpy_(u->name, db_col_text(st, 4, NULL), sizeof(u->name));
	}
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}
