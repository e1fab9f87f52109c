/*
 * menu.c — checks and writes of menu items.  Every page shows both
 * menus, so a change drops the cached pages that carry the "site" tag,
 * on every instance, and every thread reads the menus again.
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "db.h"
#include "menu.h"
#include "sites.h"
#include "store.h"
#include "tag.h"
#include "util.h"

const char *const menu_names[2] = { "main", "footer" };

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

int
menu_name_ok(const char *s)
{
	struct site site;
	const char *at;
	int64_t id;
	size_t i, n;

	if (s == NULL)
		return 0;
	at = strchr(s, '@');
	n = at != NULL ? (size_t)(at - s) : strlen(s);
	for (i = 0; i < ARRAY_SIZE(menu_names); i++)
		if (strlen(menu_names[i]) == n && strncmp(s, menu_names[i],
		    n) == 0)
			break;
	if (i == ARRAY_SIZE(menu_names))
		return 0;
	/* A sister site's own menu: "main@ID" (docs/sites.md). */
	return at == NULL || (parse_int(at + 1, strlen(at + 1), 2, INT64_MAX,
	    &id) == 0 && sites_by_id(id, &site) == 0);
}

int
menu_check(json_t *in, int creating, char *msg, size_t msglen)
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
		if (i == ARRAY_SIZE(known) || (!creating && i < 2)) {
			snprintf(msg, msglen, "unknown field");
			return 400;
		}
	}
	if ((v = json_object_get(in, "label")) != NULL || creating) {
		s = json_string_value(v);
		if (s == NULL || s[0] == '\0' || strlen(s) > MENU_LABEL_MAX) {
			snprintf(msg, msglen, "label is 1 to 100 bytes");
			return 422;
		}
	}
	if ((v = json_object_get(in, "url")) != NULL) {
		s = json_string_value(v);
		if (s == NULL || strlen(s) > MENU_URL_MAX || !url_ok(s)) {
			snprintf(msg, msglen, "url is a path on this site or an "
			    "http(s) address");
			return 422;
		}
	}
	if ((v = json_object_get(in, "position")) != NULL &&
	    (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > MENU_POSITION_MAX)) {
		snprintf(msg, msglen, "position is 0 to 10000");
		return 422;
	}
	if (!creating)
		return 0;
	if (!menu_name_ok(json_string_value(json_object_get(in, "menu")))) {
		snprintf(msg, msglen, "menu is \"main\" or \"footer\", or one "
		    "of them, @ and a sister site's id");
		return 422;
	}
	if ((v = json_object_get(in, "parent_id")) != NULL &&
	    !json_is_integer(v) && !json_is_null(v)) {
		snprintf(msg, msglen, "parent_id is a menu item id");
		return 422;
	}
	return 0;
}

/* Commits rc's write, or rolls it back; the menus' pages are dropped. */
static int
finish(struct db *db, int rc)
{
	if (rc != STORE_OK) {
		db_rollback(db);
		return rc;
	}
	/* No instance may show the old menus after the commit. */
	if (bus_publish(db, tag_site().s) != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return STORE_BUSY;
	}
	bus_apply(tag_site().s);
	return STORE_OK;
}

int
menu_add(struct db *db, json_t *in, int64_t *id)
{
	json_t *parent = NULL;
	int64_t pid = json_integer_value(json_object_get(in, "parent_id"));
	const char *url = json_string_value(json_object_get(in, "url"));
	int rc;

	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	/* A child belongs to an item of the same menu. */
	if (pid != 0 && ((rc = store_menu_item_get(db, pid, &parent)) !=
	    STORE_OK || strcmp(json_string_value(json_object_get(parent,
	    "menu")), json_string_value(json_object_get(in, "menu"))) != 0))
		rc = STORE_CONFLICT;
	else
		rc = store_menu_item_add(db, json_string_value(
		    json_object_get(in, "menu")), pid, json_integer_value(
		    json_object_get(in, "position")), json_string_value(
		    json_object_get(in, "label")), url != NULL ? url : "", id);
	json_decref(parent);
	return finish(db, rc);
}

int
menu_update(struct db *db, int64_t id, json_t *in)
{
	json_t *pos = json_object_get(in, "position");

	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	return finish(db, store_menu_item_update(db, id, json_string_value(
	    json_object_get(in, "label")), json_string_value(json_object_get(in,
	    "url")), pos != NULL ? json_integer_value(pos) : -1));
}

int
menu_delete(struct db *db, int64_t id)
{
	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	return finish(db, store_menu_item_delete(db, id));
}
