/*
 * page_admin_menus.c — the mega-menu and the footer, for editors: every
 * item with a form to rename, relink or move it and a button to remove it
 * (with its children), and a form to add one.  The writes are menu.c's,
 * the same as the admin API's.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "req.h"
#include "menu.h"
#include "own.h"
#include "page.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

/* Adds "depth" to rows that come parents first, as store_menu gives them. */
static void
depths(json_t *rows)
{
	json_t *byid = json_object(), *row, *p;
	char key[24];
	size_t i;

	json_array_foreach(rows, i, row) {
		int64_t d = 0;

		if (json_is_integer(json_object_get(row, "parent_id"))) {
			snprintf(key, sizeof(key), "%lld", (long long)
			    json_integer_value(json_object_get(row, "parent_id")));
			if ((p = json_object_get(byid, key)) != NULL)
				d = json_integer_value(json_object_get(p,
				    "depth")) + 1;
		}
		json_object_set_new(row, "depth", json_integer(d));
		/* Deeper levels share the last step (.indent-N in admin.css). */
		json_object_set_new(row, "indent", json_integer(d < 6 ? d : 6));
		snprintf(key, sizeof(key), "%lld", (long long)
		    json_integer_value(json_object_get(row, "id")));
		json_object_set(byid, key, row);
	}
	json_decref(byid);
}

/*
 * The sister site whose menus the page shows (?site=SLUG, or the form's
 * site field), into *out: 0, 0 with *out NULL for the instance's own
 * menus, -1 for a slug no sister site has.
 */
static int
menus_site(struct req *r, const char *slug, struct site **out)
{
	struct site s;

	*out = NULL;
	if (slug == NULL || slug[0] == '\0')
		return 0;
	if (sites_by_slug(slug, strlen(slug), &s) != 0 ||
	    s.id == SITES_DEFAULT)
		return -1;
	*out = h2o_mem_alloc_pool(&r->h->pool, sizeof(**out));
	**out = s;
	return 0;
}

/* The sites whose menus the newsroom sets: the instance's, then each sister. */
static json_t *
menus_sites(const struct site *cur)
{
	json_t *a = json_array();
	struct site s;
	size_t i;

	json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "name",
	    "This site", "href", "/admin/menus", "current", cur == NULL));
	for (i = 0; sites_at(i, &s) == 0; i++)
		if (s.id != SITES_DEFAULT)
			json_array_append_new(a, json_pack("{s:s,s:s+,s:b}",
			    "name", s.name, "href", "/admin/menus?site=",
			    s.slug, "current", cur != NULL && cur->id == s.id));
	return a;
}

static int
menus_page(struct req *r, int status, const char *error)
{
	json_t *m = own_json(r, json_object()), *rows, *row;
	json_t *menus = own_json(r, json_array());
	json_t *parents = own_json(r, json_array());
	struct site *site;
	char name[64];
	size_t i, k;
	int rc;

	if (menus_site(r, http_query(r, "site"), &site) != 0)
		return 404;
	for (i = 0; i < ARRAY_SIZE(menu_names); i++) {
		snprintf(name, sizeof(name), "%s", menu_names[i]);
		if (site != NULL)
			snprintf(name, sizeof(name), "%s@%lld", menu_names[i],
			    (long long)site->id);
		if ((rc = store_menu(r->db, name, &rows)) != STORE_OK)
			return status_store(rc);
		depths(rows);
		json_array_foreach(rows, k, row)
			json_array_append_new(parents, json_pack("{s:O,s:s,s:O}",
			    "id", json_object_get(row, "id"), "menu",
			    menu_names[i], "label", json_object_get(row,
			    "label")));
		json_array_append_new(menus, json_pack("{s:s,s:s,s:o}", "name",
		    name, "title", i == 0 ? "Mega-menu" : "Footer",
		    "items", rows));
	}
	json_object_set(m, "menus", menus);
	json_object_set(m, "parents", parents);
	if (sites_count() > 1)
		json_object_set_new(m, "sites", json_pack("{s:o}", "items",
		    menus_sites(site)));
	if (site != NULL) {
		snprintf(name, sizeof(name), "@%lld", (long long)site->id);
		json_object_set_new(m, "menu_site", json_pack("{s:s,s:s,s:s}",
		    "slug", site->slug, "name", site->name, "suffix", name));
	}
	json_object_set_new(m, "page", json_pack("{s:s}", "title", "Menus"));
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (http_query(r, "done") != NULL && error == NULL)
		json_object_set_new(m, "done", json_string("The menu was "
		    "changed; every page shows it now."));
	return admin_render(r, status, "admin/menus", json_incref(m));
}

int
page_admin_menus(struct req *r)
{
	return menus_page(r, 200, NULL);
}

/*
 * The item of a form as menu.c's input: label, url, position and, when
 * creating, menu and parent_id.  NULL when a number is not one.
 */
static json_t *
item_input(struct url_query *q, int creating)
{
	json_t *in = json_object();
	const char *v;
	int64_t n;

	if ((v = url_query_get(q, "label")) != NULL)
		json_object_set_new(in, "label", json_string(v));
	if ((v = url_query_get(q, "url")) != NULL)
		json_object_set_new(in, "url", json_string(v));
	if ((v = url_query_get(q, "position")) != NULL && v[0] != '\0') {
		if (parse_int(v, strlen(v), -1, 100000, &n) != 0)
			goto bad;
		json_object_set_new(in, "position", json_integer(n));
	}
	if (!creating)
		return in;
	if ((v = url_query_get(q, "menu")) != NULL)
		json_object_set_new(in, "menu", json_string(v));
	if ((v = url_query_get(q, "parent_id")) != NULL && v[0] != '\0') {
		if (parse_int(v, strlen(v), 1, INT64_MAX, &n) != 0)
			goto bad;
		json_object_set_new(in, "parent_id", json_integer(n));
	}
	return in;
bad:
	json_decref(in);
	return NULL;
}

/* add (id 0), update or delete; the shared steps of the three forms. */
static int
change(struct req *r, int64_t id, int del)
{
	struct url_query q;
	struct site *site;
	json_t *in = NULL;
	const char *v;
	char msg[200];
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if (del) {
		rc = menu_delete(r->db, id);
	} else {
		if ((in = own_json(r, item_input(&q, id == 0))) == NULL) {
			status = menus_page(r, 422, "Position is a number from "
			    "0 to 10000.");
			goto done;
		}
		if ((status = menu_check(in, id == 0, msg, sizeof(msg))) != 0) {
			status = menus_page(r, status, msg);
			goto done;
		}
		rc = id == 0 ? menu_add(r->db, in, &id) :
		    menu_update(r->db, id, in);
	}
	if (rc == STORE_CONFLICT) {
		status = menus_page(r, 422, "The parent is not an item of the "
		    "same menu.");
		goto done;
	}
	if (rc != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	/* Back to the menus of the site the form was for. */
	if ((v = url_query_get(&q, "site")) != NULL && v[0] != '\0' &&
	    menus_site(r, v, &site) == 0 && site != NULL)
		http_redirect(r, 303, h2o_concat(&r->h->pool, h2o_iovec_init(
		    H2O_STRLIT("/admin/menus?site=")), h2o_iovec_init(site->slug,
		    strlen(site->slug)), h2o_iovec_init(H2O_STRLIT(
		    "&done=1"))).base);
	else
		http_redirect(r, 303, "/admin/menus?done=1");
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_menu_add(struct req *r)
{
	return change(r, 0, 0);
}

int
page_admin_menu_update(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : change(r, id, 0);
}

int
page_admin_menu_delete(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : change(r, id, 1);
}
