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
#include "db.h"
#include "req.h"
#include "menu.h"
#include "own.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "util.h"

/* Checks the fields of a menu item (menu.c); 0, or an error already sent. */
static int
check_item(struct req *r, json_t *in, int creating)
{
	char msg[200];
	int status;

	if ((status = menu_check(in, creating, msg, sizeof(msg))) != 0)
		return api_error(r, status, msg), -1;
	return 0;
}

static int
send_item(struct req *r, int status, int64_t id)
{
	json_t *item, *m;
	int rc;

	if ((rc = store_menu_item_get(r->db, id, &item)) != STORE_OK)
		return status_store(rc);
	m = own_json(r, json_pack("{s:o}", "item", item));
	http_send_json(r, status, m);
	return 0;
}

/* The answer to a menu write's store result; 0, SENT (-1) or a status. */
static int
answer(struct req *r, int rc)
{
	if (rc == STORE_NOTFOUND)
		return api_error(r, 404, "no such menu item"), -1;
	if (rc == STORE_CONFLICT)
		return api_error(r, 422, "no such parent item"), -1;
	return status_reply(rc);
}

int
api_menu_list(struct req *r)
{
	json_t *m = own_json(r, json_object()), *rows;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(menu_names); i++) {
		if ((rc = store_menu(r->db, menu_names[i], &rows)) != STORE_OK)
			return status_store(rc);
		json_object_set_new(m, menu_names[i], rows);
	}
	http_send_json(r, 200, m);
	return 0;
}

int
api_menu_add(struct req *r)
{
	json_t *in;
	int64_t id = 0;
	int status, rc;

	if ((in = own_json(r, api_body(r))) == NULL)
		return 0;
	if (check_item(r, in, 1) != 0)
		return 0;
	rc = menu_add(r->db, in, &id);
	if ((status = answer(r, rc)) != 0)
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
	json_t *in;
	int status, rc;

	if (id == 0)
		return api_error(r, 404, "no such menu item");
	if ((in = own_json(r, api_body(r))) == NULL)
		return 0;
	if (check_item(r, in, 0) != 0)
		return 0;
	rc = menu_update(r->db, id, in);
	if ((status = answer(r, rc)) != 0)
		return status < 0 ? 0 : status;
	return send_item(r, 200, id);
}

int
api_menu_delete(struct req *r)
{
	int64_t id = item_id(r);
	int status;

	if (id == 0)
		return api_error(r, 404, "no such menu item");
	if ((status = answer(r, menu_delete(r->db, id))) != 0)
		return status < 0 ? 0 : status;
	http_send_static(r, 204, NULL, "", 0);
	return 0;
}
