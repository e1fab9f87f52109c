/*
 * api_menu.c — editing the mega-menu and the footer through the admin
 * API.  Every page shows both, so a change drops the cached pages that
 * carry the "site" tag, on every instance, and every thread reads the
 * menus again.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "bus.h"
#include "db.h"
#include "http.h"
#include "page.h"
#include "store.h"
#include "util.h"

#define LABEL_MAX	100
#define URL_MAX		500
#define POSITION_MAX	10000

static const char *const menus[] = { "main", "footer" };

/* A menu entry links to a page of the site or to an http(s) address. */
static int
url_ok(const char *u)
{
	if (u[0] == '\0')
		return 1;	/* a heading without a page of its own */
	if (u[0] == '/')
		return u[1] != '/' && u[1] != '\\';
	return strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0;
}

/*
 * Checks the fields of a menu item in in: label, url, position, and on
 * creation menu and parent_id.  0, or an error already sent.
 */
static int
check_item(struct req *r, json_t *in, int creating)
{
	static const char *const known[] = { "menu", "parent_id", "position",
	    "label", "url" };
	const char *key, *s;
	json_t *v;
	size_t i;

	json_object_foreach(in, key, v) {
		for (i = 0; i < ARRAY_SIZE(known); i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == ARRAY_SIZE(known) || (!creating && i < 2))
			return api_error(r, 400, "unknown field"), -1;
	}
	if ((v = json_object_get(in, "label")) != NULL || creating) {
		s = json_string_value(v);
		if (s == NULL || s[0] == '\0' || strlen(s) > LABEL_MAX)
			return api_error(r, 422, "label is 1 to 100 bytes"), -1;
	}
	if ((v = json_object_get(in, "url")) != NULL) {
		s = json_string_value(v);
		if (s == NULL || strlen(s) > URL_MAX || !url_ok(s))
			return api_error(r, 422, "url is a path on this site "
			    "or an http(s) address"), -1;
	}
	if ((v = json_object_get(in, "position")) != NULL &&
	    (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > POSITION_MAX))
		return api_error(r, 422, "position is 0 to 10000"), -1;
	if (!creating)
		return 0;
	s = json_string_value(json_object_get(in, "menu"));
	for (i = 0; s != NULL && i < ARRAY_SIZE(menus); i++)
		if (strcmp(s, menus[i]) == 0)
			break;
	if (s == NULL || i == ARRAY_SIZE(menus))
		return api_error(r, 422, "menu is \"main\" or \"footer\""), -1;
	if ((v = json_object_get(in, "parent_id")) != NULL &&
	    !json_is_integer(v) && !json_is_null(v))
		return api_error(r, 422, "parent_id is a menu item id"), -1;
	return 0;
}

/* The token of an editor, or an error already sent (returns -1). */
static int
editor(struct req *r, int *status)
{
	struct user u;

	*status = 0;
	if ((*status = auth_bearer(r, &u)) != 0) {
		if (*status == 401) {
			http_header(r, "WWW-Authenticate", "Bearer");
			api_error(r, 401, "a valid API token is required");
			*status = 0;
		}
		return -1;
	}
	if (u.role < ROLE_EDITOR)
		return api_error(r, 403, "menus are edited by editors"), -1;
	return 0;
}

static int
send_item(struct req *r, int status, int64_t id)
{
	json_t *item, *m;
	int rc;

	if ((rc = store_menu_item_get(r->db, id, &item)) != STORE_OK)
		return page_status(rc);
	m = json_pack("{s:o}", "item", item);
	http_send_json(r, status, m);
	json_decref(m);
	return 0;
}

/* Runs a menu write in its own transaction; 0, SENT (-1) or a status. */
static int
commit_or_not(struct req *r, int rc)
{
	if (rc != STORE_OK) {
		db_rollback(r->db);
		if (rc == STORE_NOTFOUND)
			return api_error(r, 404, "no such menu item"), -1;
		if (rc == STORE_CONFLICT)
			return api_error(r, 422, "no such parent item"), -1;
		return page_status(rc);
	}
	/* No instance may show the old menus after the commit. */
	if (bus_publish(r->db, "site") != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return 503;
	}
	bus_apply("site");
	return 0;
}

int
api_menu_list(struct req *r)
{
	json_t *m = json_object(), *rows;
	size_t i;
	int status, rc;

	if (editor(r, &status) != 0) {
		json_decref(m);
		return status;
	}
	for (i = 0; i < ARRAY_SIZE(menus); i++) {
		if ((rc = store_menu(r->db, menus[i], &rows)) != STORE_OK) {
			json_decref(m);
			return page_status(rc);
		}
		json_object_set_new(m, menus[i], rows);
	}
	http_send_json(r, 200, m);
	json_decref(m);
	return 0;
}

int
api_menu_add(struct req *r)
{
	json_t *in, *parent = NULL;
	int64_t id = 0, pid;
	int status, rc;

	if (editor(r, &status) != 0)
		return status;
	if ((in = api_body(r)) == NULL)
		return 0;
	if (check_item(r, in, 1) != 0) {
		json_decref(in);
		return 0;
	}
	pid = json_integer_value(json_object_get(in, "parent_id"));
	if (db_begin_write(r->db) != DB_OK) {
		json_decref(in);
		return 503;
	}
	/* A child belongs to an item of the same menu. */
	if (pid != 0 && ((rc = store_menu_item_get(r->db, pid, &parent)) !=
	    STORE_OK || strcmp(json_string_value(json_object_get(parent,
	    "menu")), json_string_value(json_object_get(in, "menu"))) != 0))
		rc = STORE_CONFLICT;
	else
		rc = store_menu_item_add(r->db, json_string_value(
		    json_object_get(in, "menu")), pid, json_integer_value(
		    json_object_get(in, "position")), json_string_value(
		    json_object_get(in, "label")), json_string_value(
		    json_object_get(in, "url")) != NULL ? json_string_value(
		    json_object_get(in, "url")) : "", &id);
	json_decref(parent);
	json_decref(in);
	if ((status = commit_or_not(r, rc)) != 0)
		return status < 0 ? 0 : status;
	return send_item(r, 201, id);
}

static int64_t
item_id(struct req *r)
{
	int64_t id;

	if (parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX, &id) != 0)
		return 0;
	return id;
}

int
api_menu_update(struct req *r)
{
	int64_t id = item_id(r);
	json_t *in, *pos;
	int status, rc;

	if (editor(r, &status) != 0)
		return status;
	if (id == 0)
		return api_error(r, 404, "no such menu item");
	if ((in = api_body(r)) == NULL)
		return 0;
	if (check_item(r, in, 0) != 0) {
		json_decref(in);
		return 0;
	}
	pos = json_object_get(in, "position");
	if (db_begin_write(r->db) != DB_OK) {
		json_decref(in);
		return 503;
	}
	rc = store_menu_item_update(r->db, id, json_string_value(
	    json_object_get(in, "label")), json_string_value(json_object_get(in,
	    "url")), pos != NULL ? json_integer_value(pos) : -1);
	json_decref(in);
	if ((status = commit_or_not(r, rc)) != 0)
		return status < 0 ? 0 : status;
	return send_item(r, 200, id);
}

int
api_menu_delete(struct req *r)
{
	int64_t id = item_id(r);
	int status;

	if (editor(r, &status) != 0)
		return status;
	if (id == 0)
		return api_error(r, 404, "no such menu item");
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	if ((status = commit_or_not(r, store_menu_item_delete(r->db, id))) != 0)
		return status < 0 ? 0 : status;
	http_send_static(r, 204, NULL, "", 0);
	return 0;
}
