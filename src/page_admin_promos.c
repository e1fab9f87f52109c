/*
 * page_admin_promos.c — the promo boxes set into article bodies
 * ("Interested in Asia? ..."), for editors: one per section or site-wide,
 * switched on and off.  A story shows the promo of its section or of the
 * nearest ancestor that has one, else a site-wide one.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "bus.h"
#include "db.h"
#include "req.h"
#include "own.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

static int
promos_page(struct req *r, int status, const char *error)
{
	json_t *rows, *sections, *row, *m;
	size_t i;
	int rc;

	if ((rc = store_promos_all(r->db, &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	if ((rc = store_sections_all(r->db, &sections)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, row)
		json_object_set_new(row, "on", json_boolean(json_integer_value(
		    json_object_get(row, "active")) != 0));
	m = json_pack("{s:O,s:o,s:{s:s}}", "rows", rows, "sections", sections,
	    "page", "title", "Promos");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (http_query(r, "done") != NULL)
		json_object_set_new(m, "done", json_true());
	return admin_render(r, status, "admin/promos", m);
}

int
page_admin_promos(struct req *r)
{
	return promos_page(r, 200, NULL);
}

/* A link of the site or an http(s) address. */
static int
link_ok(const char *u)
{
	if (u[0] == '/')
		return u[1] != '/' && u[1] != '\\';
	return strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0;
}

static int
save(struct req *r, int64_t id)
{
	struct url_query q;
	const char *text, *link_text, *url, *sec, *err = NULL;
	struct tag tags = tag_promos();
	int64_t section = 0;
	int status, rc, active;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	text = url_query_get(&q, "text");
	link_text = url_query_get(&q, "link_text");
	url = url_query_get(&q, "url");
	active = url_query_get(&q, "active") != NULL;
	if (text == NULL || text[0] == '\0' || strlen(text) > 500 ||
	    link_text == NULL || link_text[0] == '\0' ||
	    strlen(link_text) > 200)
		err = "A promo needs a text and a link text.";
	else if (url == NULL || strlen(url) > 500 || !link_ok(url))
		err = "The link is a path on this site or an http(s) address.";
	else if (id == 0 && (sec = url_query_get(&q, "section_id")) != NULL &&
	    sec[0] != '\0' && parse_int(sec, strlen(sec), 1, INT64_MAX,
	    &section) != 0)
		err = "Choose the section from the list.";
	if (err != NULL) {
		status = promos_page(r, 422, err);
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	rc = store_promo_save(r->db, &id, section, text, link_text, url, active);
	/* Every article page keeps its section's promo under this tag. */
	if (rc == STORE_OK && (bus_publish(r->db, tags.s) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		status = rc == STORE_CONFLICT ? promos_page(r, 422, "There is "
		    "no such section.") : status_store(rc);
		goto done;
	}
	bus_apply(tags.s);
	http_redirect(r, 303, "/admin/promos?done=1");
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_promo_add(struct req *r)
{
	return save(r, 0);
}

int
page_admin_promo_update(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : save(r, id);
}

int
page_admin_promo_delete(struct req *r)
{
	return admin_delete(r, STORE_DEL_PROMO, admin_route_id(r),
	    tag_promos().s,
	    "/admin/promos", "");
}
