/*
 * demo_hub.c — the demo's hubs (site.json's "hubs"): two sponsored hubs
 * and two shows, each filled from the demo's own stories, white papers,
 * webinars and events once those are loaded, and the shows' live posts.
 *
 * An item of a hub's "items" names where its rows come from:
 * {"tag": slug, "limit": n} or {"section": slug, "limit": n} (the newest
 * published stories, videos left out), {"videos": n} (the newest video
 * stories), or {"resource" | "webinar" | "event": slug}.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "db.h"
#include "demo.h"
#include "markdown.h"
#include "store.h"
#include "util.h"

static const char sql_by_tag[] =
    "SELECT a.id FROM articles a JOIN article_tags x ON x.article_id = a.id"
    " JOIN tags t ON t.id = x.tag_id WHERE t.slug = $1"
    " AND a.status = 'published' AND a.type <> 'video'"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT $2";
static const char sql_by_section[] =
    "SELECT a.id FROM articles a JOIN sections s ON s.id = a.section_id"
    " WHERE s.slug = $1 AND a.status = 'published' AND a.type <> 'video'"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT $2";
static const char sql_videos[] =
    "SELECT a.id FROM articles a WHERE a.type = 'video'"
    " AND a.status = 'published' AND a.published_at <= $1"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT $2";
static const char sql_one[] =
    "SELECT id FROM resources WHERE $1 = 'resource' AND slug = $2"
    " UNION ALL SELECT id FROM webinars WHERE $1 = 'webinar' AND slug = $2"
    " UNION ALL SELECT id FROM events WHERE $1 = 'event' AND slug = $2";

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Adds the ids st finds (bound, not yet run) as items of kind. */
static int
add_found(struct db *db, struct db_stmt *st, int64_t hub, const char *kind)
{
	int64_t ids[64], id;
	size_t n = 0, i;
	int rc;

	while ((rc = db_step(st)) == DB_ROW && n < ARRAY_SIZE(ids))
		ids[n++] = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return -1;
	for (i = 0; i < n; i++) {
		rc = store_hub_item_add(db, hub, kind, ids[i], &id);
		/* The same story twice (a tag and a section) is one item. */
		if (rc != STORE_OK && rc != STORE_CONFLICT)
			return -1;
	}
	return 0;
}

static int
add_items(struct db *db, int64_t hub, const json_t *items, int64_t now)
{
	const json_t *it;
	struct db_stmt *st;
	const char *kinds[] = { "resource", "webinar", "event" }, *kind;
	int64_t limit;
	size_t i, k;

	json_array_foreach(items, i, it) {
		limit = json_integer_value(json_object_get(it, "limit"));
		if (limit <= 0)
			limit = 6;
		kind = "article";
		if (json_object_get(it, "tag") != NULL ||
		    json_object_get(it, "section") != NULL) {
			int bytag = json_object_get(it, "tag") != NULL;

			if ((st = db_stmt(db, bytag ? sql_by_tag :
			    sql_by_section)) == NULL)
				return -1;
			db_bind_str(st, 1, str(it, bytag ? "tag" : "section"));
			db_bind_int(st, 2, limit);
		} else if (json_object_get(it, "videos") != NULL) {
			if ((st = db_stmt(db, sql_videos)) == NULL)
				return -1;
			db_bind_int(st, 1, now);
			db_bind_int(st, 2, json_integer_value(json_object_get(it,
			    "videos")));
		} else {
			for (k = 0; k < ARRAY_SIZE(kinds); k++)
				if (json_object_get(it, kinds[k]) != NULL)
					break;
			if (k == ARRAY_SIZE(kinds) ||
			    (st = db_stmt(db, sql_one)) == NULL)
				return -1;
			kind = kinds[k];
			db_bind_str(st, 1, kind);
			db_bind_str(st, 2, str(it, kind));
		}
		if (add_found(db, st, hub, kind) != 0)
			return -1;
	}
	return 0;
}

static int
add_posts(struct db *db, int64_t hub, const json_t *posts, int64_t now)
{
	const json_t *p;
	struct buf html = BUF_INIT;
	int64_t at, id;
	size_t i;
	int rc = 0;

	json_array_foreach(posts, i, p) {
		const char *md = str(p, "body");

		buf_reset(&html);
		if (demo_parse_time(str(p, "at"), now, &at) != 0 ||
		    markdown_render(MD_EDITOR_TEXT, md, strlen(md), &html) != 0 ||
		    store_live_post_add(db, hub, md, html.p != NULL ? html.p :
		    "", 0, at, &id) != STORE_OK) {
			rc = -1;
			break;
		}
	}
	buf_free(&html);
	return rc;
}

int
demo_hubs(struct db *db, const json_t *list, const json_t *sponsors,
    int64_t now, char *err, size_t errlen)
{
	const json_t *h;
	size_t i;

	json_array_foreach(list, i, h) {
		struct hub_row row;
		json_t *sp = json_object_get(sponsors, str(h, "sponsor"));
		int64_t id = 0;

		memset(&row, 0, sizeof(row));
		row.slug = str(h, "slug");
		row.kind = str(h, "kind");
		row.title = str(h, "title");
		row.intro = str(h, "intro");
		row.disclosure = str(h, "disclosure");
		row.venue = str(h, "venue");
		row.sponsor_id = json_is_integer(sp) ? json_integer_value(sp) :
		    0;
		if ((str(h, "sponsor")[0] != '\0' && row.sponsor_id == 0) ||
		    demo_parse_time(str(h, "starts"), now, &row.starts_at) != 0 ||
		    (str(h, "ends")[0] != '\0' && demo_parse_time(str(h,
		    "ends"), now, &row.ends_at) != 0)) {
			snprintf(err, errlen, "hub \"%s\": an unknown sponsor "
			    "or a bad time", row.slug);
			return -1;
		}
		if (store_hub_save(db, &id, &row, now) != STORE_OK ||
		    add_items(db, id, json_object_get(h, "items"), now) != 0 ||
		    add_posts(db, id, json_object_get(h, "posts"), now) != 0) {
			snprintf(err, errlen, "hub \"%s\": %s", row.slug,
			    db_errmsg(db));
			return -1;
		}
	}
	return 0;
}
