/*
 * page_admin_tokens.c — personal API tokens, for every writer: make a
 * named token (shown once, kept only as its hash, as `masthead token add`
 * does), see one's tokens with when they were made and last used, and
 * revoke one.  Admins see and revoke everyone's.  A revoked token is
 * refused by the admin API on its next request.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "auth.h"
#include "db.h"
#include "req.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define NAME_MAX_	100

/* Formats a Unix time column for the list; "never" for NULL. */
static void
set_time(json_t *row, const char *col, const char *key)
{
	json_t *v = json_object_get(row, col);
	char b[64];

	if (!json_is_integer(v) || json_integer_value(v) == 0) {
		json_object_set_new(row, key, json_string("never"));
		return;
	}
	admin_fmt_local(json_integer_value(v), b, sizeof(b));
	json_object_set_new(row, key, json_string(b));
}

/*
 * The list of tokens (the writer's own; an admin's shows every account's
 * with its owner), with an error, a notice or the token just made.
 */
static int
tokens_page(struct req *r, int status, const char *error, const char *token,
    const char *token_name)
{
	json_t *rows, *row, *m;
	size_t i;
	int rc, admin = r->user->role >= ROLE_ADMIN;

	if ((rc = store_tokens_list(r->db, admin ? 0 : r->user->id, &rows)) !=
	    STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, row) {
		set_time(row, "created_at", "created");
		set_time(row, "last_used_at", "last_used");
		json_object_set_new(row, "mine", json_boolean(json_integer_value(
		    json_object_get(row, "user_id")) == r->user->id));
	}
	m = json_pack("{s:o,s:b,s:{s:s}}", "rows", rows, "all", admin, "page",
	    "title", "API tokens");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (token != NULL)
		json_object_set_new(m, "new_token", json_pack("{s:s,s:s}",
		    "token", token, "name", token_name));
	else if (error == NULL && http_query(r, "revoked") != NULL)
		json_object_set_new(m, "done", json_string("The token is "
		    "revoked: the API refuses it from now on."));
	return admin_render(r, status, "admin/tokens", m);
}

int
page_admin_tokens(struct req *r)
{
	return tokens_page(r, 200, NULL, NULL, NULL);
}

/* Whether a token's name is printable text of 1 to NAME_MAX_ bytes. */
static int
name_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, i;

	if (n == 0 || n > NAME_MAX_)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Makes a token for the signed-in writer and shows it in the answer
 * itself: it is not kept anywhere it could be shown again.
 */
int
page_admin_token_add(struct req *r)
{
	struct url_query q;
	const char *name;
	char token[64], hash[65];
	int64_t id;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	name = url_query_get(&q, "name");
	if (!name_ok(name)) {
		status = tokens_page(r, 422, "Give the token a name (at most "
		    "100 characters) that says where it is used.", NULL, NULL);
		goto done;
	}
	auth_token_new(token, hash);
	rc = store_token_create(r->db, r->user->id, name, hash, &id);
	if (rc != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	status = tokens_page(r, 201, NULL, token, name);
done:
	sodium_memzero(token, sizeof(token));
	url_query_free(&q);
	return status;
}

int
page_admin_token_revoke(struct req *r)
{
	struct url_query q;
	int64_t id = admin_route_id(r), owner = 0;
	int status, rc;

	if (id == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if ((rc = store_token_owner(r->db, id, &owner)) != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	if (owner != r->user->id && r->user->role < ROLE_ADMIN) {
		status = 403;
		goto done;
	}
	if ((rc = store_token_revoke(r->db, id)) != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	http_redirect(r, 303, "/admin/tokens?revoked=1");
	status = 0;
done:
	url_query_free(&q);
	return status;
}
