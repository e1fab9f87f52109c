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

int
model_home(struct req *r, json_t **out)
{
	struct cursor first = CURSOR_FIRST, next;
	json_t *latest = NULL, *rows = NULL, *m;
	int rc;

	*out = NULL;
	if ((rc = page_articles(r, LIST_LATEST, 0, NULL, &first, HOME_LATEST,
	    &latest, &next)) != STORE_OK)
		return status_store(rc);
	own_json(r, latest);
	if ((rc = store_home_sections(r->db, HOME_PER_SECTION, page_now(),
	    &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	m = json_object();
	if (json_array_size(latest) > 0) {
		json_object_set(m, "lead", json_array_get(latest, 0));
		json_array_remove(latest, 0);
	}
	json_object_set(m, "latest", latest);
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
