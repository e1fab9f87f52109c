/*
 * page_admin_sections.c — the section tree, for editors: a new section
 * (under a parent, of a kind: topic, region, community, show), and the
 * name, description and order of each.  A section's place in the tree
 * and its slug are set once: its stories are listed under its ancestors,
 * and its URL is in links everywhere.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "req.h"
#include "own.h"
#include "page.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

static const char *const kinds[] = { "topic", "region", "community", "show" };

static int
sections_page(struct req *r, int status, const char *error)
{
	json_t *rows, *byid, *row, *p, *m, *k;
	char key[24];
	size_t i;
	int rc;

	if ((rc = store_sections_all(r->db, &rows)) != STORE_OK)
		return status_store(rc);
	/* Parents come first: each row's depth is its parent's plus one. */
	byid = own_json(r, json_object());
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
	k = json_array();
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		json_array_append_new(k, json_string(kinds[i]));
	m = json_pack("{s:o,s:o,s:{s:s}}", "rows", rows, "kinds", k, "page",
	    "title", "Sections");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (http_query(r, "done") != NULL)
		json_object_set_new(m, "done", json_true());
	return admin_render(r, status, "admin/sections", m);
}

int
page_admin_sections(struct req *r)
{
	return sections_page(r, 200, NULL);
}

/* Reads a field that must be a number in [min, max]; -1 when not. */
static int
number(struct url_query *q, const char *key, int64_t min, int64_t max,
    int64_t dflt, int64_t *out)
{
	const char *v = url_query_get(q, key);

	if (v == NULL || v[0] == '\0') {
		*out = dflt;
		return 0;
	}
	return parse_int(v, strlen(v), min, max, out);
}

static int
save(struct req *r, int64_t id)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *slug = NULL, *name, *desc, *kind = NULL, *err = NULL;
	const char *site_slug;
	struct site site = { 0 };
	int64_t parent = 0, position;
	size_t i;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	name = url_query_get(&q, "name");
	desc = url_query_get(&q, "description");
	if (desc == NULL)
		desc = "";
	if (name == NULL || name[0] == '\0' || strlen(name) > 100)
		err = "A section needs a name (at most 100 bytes).";
	else if (strlen(desc) > 2000)
		err = "The description is too long.";
	else if (number(&q, "position", 0, 10000, 0, &position) != 0)
		err = "Position is a number from 0 to 10000.";
	/* The site it belongs to (docs/sites.md): empty leaves it. */
	site_slug = url_query_get(&q, "site");
	if (err == NULL && site_slug != NULL && site_slug[0] != '\0' &&
	    sites_by_slug(site_slug, strlen(site_slug), &site) != 0)
		err = "site: the slug of one of the sites (/admin/sites).";
	if (err == NULL && id == 0) {
		slug = url_query_get(&q, "slug");
		kind = url_query_get(&q, "kind");
		for (i = 0; kind != NULL && i < ARRAY_SIZE(kinds); i++)
			if (strcmp(kind, kinds[i]) == 0)
				break;
		if (slug == NULL || strlen(slug) > 100 ||
		    !url_is_slug(slug, strlen(slug)))
			err = "The slug must be lowercase letters, digits and "
			    "hyphens.";
		else if (kind == NULL || i == ARRAY_SIZE(kinds))
			err = "Choose the kind of section.";
		else if (number(&q, "parent_id", 1, INT64_MAX, 0, &parent) != 0)
			err = "Choose the parent from the list.";
	}
	if (err != NULL) {
		status = sections_page(r, 422, err);
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	rc = id == 0 ? store_section_add(r->db, parent, slug, name, kind, desc,
	    position, &id) : store_section_update(r->db, id, name, desc,
	    position);
	if (rc == STORE_OK && site.id != 0)
		rc = store_section_site(r->db, id, site.id);
	/* Its page, the lists that name it, and every page with a crumb. */
	tags_add(tags, tag_section(id));
	tags_add(tags, tag_list_section(id));
	tags_add(tags, tag_sections());
	if (rc == STORE_OK && (bus_publish(r->db, tags->p) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		status = rc == STORE_CONFLICT ? sections_page(r, 409, "That slug "
		    "is taken, or the parent does not exist.") :
		    status_store(rc);
		goto done;
	}
	bus_apply(tags->p);
	http_redirect(r, 303, "/admin/sections?done=1");
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_section_add(struct req *r)
{
	return save(r, 0);
}

int
page_admin_section_update(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : save(r, id);
}

int
page_admin_section_delete(struct req *r)
{
	int64_t id = admin_route_id(r);
	struct buf *tags = own_buf(r, 0);
	int status;

	tags_add(tags, tag_section(id));
	tags_add(tags, tag_list_section(id));
	tags_add(tags, tag_sections());
	status = admin_delete(r, STORE_DEL_SECTION, id, tags->p,
	    "/admin/sections", "This section still has stories, sub-sections "
	    "or a promo. Move or delete those first.");
	return status;
}
