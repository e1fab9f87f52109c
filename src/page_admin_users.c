/*
 * page_admin_users.c — users and their roles, for admins only: the list
 * of accounts and a form per account to change its role.  A change takes
 * effect on the account's next request (roles are read with the session).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "db.h"
#include "req.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

static int
users_page(struct req *r, int status, const char *error, const char *done)
{
	json_t *users, *u, *roles, *m;
	size_t i;
	int rc, k;

	if ((rc = store_user_list(r->db, &users)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(users, i, u) {
		const char *role = json_string_value(json_object_get(u, "role"));

		roles = json_array();
		for (k = 0; k < ROLE__MAX; k++)
			json_array_append_new(roles, json_pack("{s:s,s:b}",
			    "name", role_name(k), "selected",
			    role != NULL && strcmp(role, role_name(k)) == 0));
		json_object_set_new(u, "roles", roles);
		json_object_set_new(u, "me", json_boolean(json_integer_value(
		    json_object_get(u, "id")) == r->user->id));
	}
	m = json_pack("{s:o,s:{s:s}}", "users", users, "page", "title",
	    "Users and roles");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (done != NULL)
		json_object_set_new(m, "done", json_string(done));
	return admin_render(r, status, "admin/users", m);
}

int
page_admin_users(struct req *r)
{
	return users_page(r, 200, NULL, http_query(r, "done") != NULL ?
	    "The role was changed." : NULL);
}

int
page_admin_user_role(struct req *r)
{
	struct url_query q;
	const char *email, *role;
	int status, rc, k;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	email = url_query_get(&q, "email");
	role = url_query_get(&q, "role");
	if (email == NULL || role == NULL || strlen(email) > 254 ||
	    (k = role_parse(role)) < 0) {
		status = users_page(r, 422, "Choose an account and one of the "
		    "roles.", NULL);
		goto done;
	}
	/* The last word on roles must not lock itself out. */
	if (strcmp(email, r->user->email) == 0) {
		status = users_page(r, 422, "You cannot change your own role; "
		    "ask another admin.", NULL);
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if ((rc = store_user_set_role(r->db, email, k)) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = rc == STORE_NOTFOUND ? users_page(r, 404, "There is no "
		    "such account.", NULL) : status_write(rc);
		goto done;
	}
	http_redirect(r, 303, "/admin/users?done=role");
	status = 0;
done:
	url_query_free(&q);
	return status;
}
