/*
 * page_home.c — the home page: the lead story, the latest stories, the
 * newest stories of each topic section, and the sidebar.
 */
#include <string.h>

#include "cache.h"
#include "config.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "view.h"

#define HOME_LATEST		9	/* the lead story and eight more */
#define HOME_PER_SECTION	4

/* Groups the rows of store_home_sections() by section, keeping order. */
static json_t *
group_sections(json_t *rows)
{
	json_t *out = json_array(), *cur = NULL, *row;
	const char *last = "";
	size_t i;

	json_array_foreach(rows, i, row) {
		const char *slug = json_string_value(json_object_get(row,
		    "home_section_slug"));

		if (slug == NULL)
			continue;
		if (cur == NULL || strcmp(slug, last) != 0) {
			char url[300];

			cache_dep_str(tag_list_section(json_integer_value(
			    json_object_get(row, "home_section_id"))).s);
			snprintf(url, sizeof(url), "/section/%s", slug);
			cur = json_pack("{s:O,s:s,s:[]}", "name",
			    json_object_get(row, "home_section_name"), "url",
			    url, "articles");
			json_array_append_new(out, cur);
			last = slug;
		}
		view_article(row);
		json_array_append(json_object_get(cur, "articles"), row);
	}
	return out;
}

/*
 * The pins of /admin/front that show now: the lead (*lead, borrowed from
 * *pins, or NULL) and the top stories, and how many there are.  The page
 * keeps until a pin expires, and drops with a change of the pins (the
 * "front" tag) or of a pinned story.
 */
static int
front_pins(struct req *r, json_t **pins, json_t **lead, size_t *n)
{
	json_t *row;
	size_t i;
	int rc;

	*lead = NULL;
	*n = 0;
	cache_dep_str(tag_front().s);
	cache_dep_until(store_front_next_expiry(r->db, page_now()));
	if ((rc = store_front_live(r->db, page_now(), pins)) != STORE_OK)
		return rc;
	own_json(r, *pins);
	json_array_foreach(*pins, i, row) {
		cache_dep_str(tag_article(view_int(row, "id")).s);
		view_article(row);
		if (view_int(row, "position") == 0)
			*lead = row;
	}
	*n = json_array_size(*pins);
	return STORE_OK;
}

/* Whether the story of row is one of pins. */
static int
pinned(json_t *pins, json_t *row)
{
	json_t *p;
	size_t i;

	json_array_foreach(pins, i, p)
		if (view_int(p, "id") == view_int(row, "id"))
			return 1;
	return 0;
}

int
model_home(struct req *r, json_t **out)
{
	struct cursor first = CURSOR_FIRST, next;
	json_t *latest = NULL, *rows = NULL, *pins, *lead, *list, *row, *m;
	size_t npins, i;
	int rc;

	*out = NULL;
	if ((rc = front_pins(r, &pins, &lead, &npins)) != STORE_OK)
		return status_store(rc);
	/* Enough of the newest to fill the page around the pinned ones. */
	if ((rc = page_articles(r, LIST_LATEST, 0, NULL, &first,
	    HOME_LATEST + (int)npins, &latest, &next)) != STORE_OK)
		return status_store(rc);
	own_json(r, latest);
	if ((rc = store_home_sections(r->db, HOME_PER_SECTION, page_now(),
	    &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	/* The pinned top stories first, then the newest of the others. */
	list = json_array();
	json_array_foreach(pins, i, row)
		if (row != lead)
			json_array_append(list, row);
	json_array_foreach(latest, i, row) {
		if (json_array_size(list) >= HOME_LATEST - 1 + (lead == NULL))
			break;
		if (!pinned(pins, row))
			json_array_append(list, row);
	}
	m = json_object();
	if (lead != NULL)
		json_object_set(m, "lead", lead);
	else if (json_array_size(list) > npins) {
		/* No lead pinned: the newest story that is not a top one. */
		json_object_set(m, "lead", json_array_get(list, npins));
		json_array_remove(list, npins);
	}
	json_object_set_new(m, "latest", list);
	json_object_set_new(m, "sections", group_sections(rows));
	*out = m;
	return 0;
}

int
page_home(struct req *r)
{
	json_t *m;
	int status, rc;

	if ((status = model_home(r, &m)) != 0)
		return status;
	own_json(r, m);
	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(m, "page", json_pack("{s:b}", "is_home", 1));
	return page_render(r, 200, "home", json_incref(m));
}
