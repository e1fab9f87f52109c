/*
 * page_most_read.c — the Most Read block of the home, section and
 * story pages (docs/analytics.md).
 *
 * The block is a fragment ("most-read") with the tag most-read and the
 * tag of each story it lists (one of them edited, unpublished or
 * trashed drops it).  It does not take the newest stories' tag: every
 * publish would then drop every page that shows the block, every story
 * and section page.  The pages stay cached: the jobs thread reads the
 * list again every analytics_refresh seconds and drops most-read only
 * when the list changed, so the pages that show the block are rendered
 * again then and not otherwise.
 */
#include <stdio.h>

#include "cache.h"
#include "config.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "store.h"
#include "tag.h"
#include "util.h"
#include "view.h"

/* The fragment's name. */
#define MOST_READ_MEMO	"most-read"

int
page_most_read_kept(void)
{
	json_t *f;
	int shows;

	if ((f = cache_memo_peek(MOST_READ_MEMO)) == NULL)
		return -1;
	shows = json_object_size(f) > 0;
	json_decref(f);
	return shows;
}

int
page_add_most_read(struct req *r, json_t *model, const char *key)
{
	json_t *f, *rows, *row, *list;
	char url[300];
	size_t i;
	int days, rc;

	if ((f = cache_memo_get(MOST_READ_MEMO)) != NULL) {
		if (json_object_size(f) > 0)
			json_object_set(model, key, f);
		json_decref(f);
		return STORE_OK;
	}
	cache_memo_begin();
	cache_dep_str(tag_most_read().s);
	f = own_json(r, json_object());
	if ((rc = store_most_read_block(r->db, page_now(), MOST_READ_MIN,
	    MOST_READ_LIMIT, &rows, &days)) != STORE_OK)
		return rc;
	own_json(r, rows);
	if ((int)json_array_size(rows) >= MOST_READ_MIN) {
		list = json_array();
		json_array_foreach(rows, i, row) {
			cache_dep_str(tag_article(json_integer_value(
			    json_object_get(row, "id"))).s);
			snprintf(url, sizeof(url), "/article/%s",
			    view_str(row, "slug"));
			json_array_append_new(list, json_pack("{s:s,s:O}",
			    "url", url, "title", json_object_get(row,
			    "title")));
		}
		json_object_set_new(f, "stories", list);
		json_object_set_new(f, "window", json_string(days == 1 ?
		    "24 hours" : "7 days"));
		json_object_set(model, key, f);
	}
	cache_memo_put(MOST_READ_MEMO, f);
	return STORE_OK;
}
