/*
 * page_admin_hubs.c — the newsroom's hubs (docs/hubs.md): sponsored hubs
 * and shows, what they curate and in which order, a show's live blog,
 * a preview before the start, and the counts of views and clicks per day
 * as CSV for the sales team.
 *
 * Every write drops the hub's tag (hb<ID>): its page, its feed and its
 * live document are rendered again on the next request.  Adding or
 * removing a story also drops the story's own tag, since its lists
 * and search results show the hub's sponsor beside it.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "buf.h"
#include "bus.h"
#include "csv.h"
#include "db.h"
#include "markdown.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define LIVE_MAX_MD	8000

static const char *const item_kinds[] = {
	"article", "resource", "webinar", "event",
};

/* Commits a write with the tags it changed, or rolls it back. */
static int
commit(struct req *r, int rc, struct buf *tags)
{
	if (rc == STORE_OK && (bus_publish(r->db, tags->p) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		return rc;
	}
	bus_apply(tags->p);
	return STORE_OK;
}

static void
fmt_input(json_t *o, const char *key, const char *out)
{
	char d[32];

	if (view_int(o, key) > 0) {
		admin_fmt_input(view_int(o, key), d, sizeof(d));
		json_object_set_new(o, out, json_string(d));
	}
}

static int
list_page(struct req *r, int status, const char *error)
{
	json_t *rows, *sponsors, *row, *m;
	char d[64];
	size_t i;
	int rc;

	if ((rc = store_hubs_all(r->db, &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	if ((rc = store_sponsors_all(r->db, &sponsors)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, row) {
		admin_fmt_local(view_int(row, "starts_at"), d, sizeof(d));
		json_object_set_new(row, "starts", json_string(d));
		json_object_set_new(row, "is_show", json_boolean(strcmp(
		    view_str(row, "kind"), "show") == 0));
	}
	m = json_pack("{s:O,s:o,s:{s:s}}", "rows", rows, "sponsors", sponsors,
	    "page", "title", "Hubs");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	return admin_render(r, status, "admin/hubs", m);
}

int
page_admin_hubs(struct req *r)
{
	return list_page(r, 200, NULL);
}

/* The hub of the route's first argument, owned by the request. */
static int
route_hub(struct req *r, json_t **h)
{
	int64_t id = admin_route_id(r);
	int rc;

	*h = NULL;
	if (id == 0)
		return 404;
	if ((rc = store_hub_by_id(r->db, id, h)) != STORE_OK)
		return status_store(rc);
	own_json(r, *h);
	return 0;
}

static int
hub_page(struct req *r, json_t *h, int status, const char *error)
{
	json_t *items, *posts, *sponsors, *found = NULL, *p, *m;
	const char *q = http_query(r, "q");
	char d[64];
	size_t i;
	int rc, show = strcmp(view_str(h, "kind"), "show") == 0;

	if ((rc = store_hub_items_all(r->db, view_int(h, "id"), &items)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, items);
	if ((rc = store_live_posts(r->db, view_int(h, "id"), 1, 200, &posts)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, posts);
	if ((rc = store_sponsors_all(r->db, &sponsors)) != STORE_OK)
		return status_store(rc);
	own_json(r, sponsors);
	if (q != NULL && q[0] != '\0') {
		if (strlen(q) > 200)
			return 400;
		if ((rc = store_hub_find_articles(r->db, q, &found)) !=
		    STORE_OK)
			return status_store(rc);
		own_json(r, found);
	}
	json_array_foreach(posts, i, p) {
		admin_fmt_local(view_int(p, "posted_at"), d, sizeof(d));
		json_object_set_new(p, "posted", json_string(d));
		json_object_set_new(p, "gone", json_boolean(
		    view_int(p, "deleted_at") > 0));
	}
	json_array_foreach(sponsors, i, p)
		json_object_set_new(p, "chosen", json_boolean(
		    view_int(p, "id") == view_int(h, "sponsor_id")));
	fmt_input(h, "starts_at", "starts");
	fmt_input(h, "ends_at", "ends");
	json_object_set_new(h, "is_show", json_boolean(show));
	m = json_pack("{s:O,s:O,s:O,s:O,s:{s:O}}", "hub", h, "items", items,
	    "posts", posts, "sponsors", sponsors, "page", "title",
	    json_object_get(h, "title"));
	if (found != NULL)
		json_object_set_new(m, "search", json_pack("{s:s,s:O}", "q", q,
		    "found", found));
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (http_query(r, "done") != NULL)
		json_object_set_new(m, "done", json_true());
	return admin_render(r, status, "admin/hub", m);
}

int
page_admin_hub(struct req *r)
{
	json_t *h;
	int status;

	if ((status = route_hub(r, &h)) != 0)
		return status;
	return hub_page(r, h, 200, NULL);
}

/* Reads and checks the hub's form into *h: NULL, or what is wrong. */
static const char *
read_hub(struct req *r, struct url_query *q, struct hub_row *h)
{
	const char *s;
	size_t i;

	memset(h, 0, sizeof(*h));
	h->slug = url_query_get(q, "slug");
	h->kind = url_query_get(q, "kind");
	h->title = url_query_get(q, "title");
	h->intro = url_query_get(q, "intro");
	h->disclosure = url_query_get(q, "disclosure");
	h->venue = url_query_get(q, "venue");
	if (h->intro == NULL)
		h->intro = "";
	if (h->disclosure == NULL)
		h->disclosure = "";
	if (h->venue == NULL)
		h->venue = "";
	if (h->slug == NULL || !url_is_slug(h->slug, strlen(h->slug)) ||
	    strlen(h->slug) > 100)
		return "The address is lower-case letters, digits and "
		    "hyphens.";
	if (h->kind == NULL || (strcmp(h->kind, "sponsored") != 0 &&
	    strcmp(h->kind, "show") != 0))
		return "A hub is sponsored or a show.";
	if (h->title == NULL || h->title[0] == '\0' || strlen(h->title) > 200)
		return "A hub needs a title (up to 200 characters).";
	if (strlen(h->intro) > 2000 || strlen(h->disclosure) > 1000 ||
	    strlen(h->venue) > 200)
		return "The introduction, disclosure or venue is too long.";
	s = url_query_get(q, "sponsor_id");
	if ((h->sponsor_id = admin_sponsor_of(r, s != NULL ? s : "")) < 0)
		return "Choose the sponsor from the list.";
	if (strcmp(h->kind, "sponsored") == 0 && (h->sponsor_id == 0 ||
	    h->disclosure[0] == '\0'))
		return "A sponsored hub needs its sponsor and a disclosure.";
	/* The logo: an image of the library by its name, else the sponsor's. */
	s = url_query_get(q, "logo");
	if (s != NULL && s[0] != '\0') {
		json_t *im;

		if (strlen(s) > 64 || store_image_get(r->db, s, &im) != STORE_OK)
			return "The logo is the name of an image of the library.";
		h->logo_id = view_int(im, "id");
		json_decref(im);
	}
	s = url_query_get(q, "starts");
	if (s == NULL || (h->starts_at = admin_parse_local(s)) < 0)
		return "The start is a date and time.";
	s = url_query_get(q, "ends");
	if (s != NULL && s[0] != '\0' &&
	    (h->ends_at = admin_parse_local(s)) < 0)
		return "The end is a date and time, or empty.";
	if (h->ends_at > 0 && h->ends_at < h->starts_at)
		return "The end comes after the start.";
	for (i = 0; i < strlen(h->title); i++)
		if ((unsigned char)h->title[i] < 0x20)
			return "The title is one line.";
	return NULL;
}

/*
 * A hub's kind and sponsor are shown beside each of its stories in lists
 * and decide whether the news sitemap has them: a change drops those.
 */
static int
story_tags(struct req *r, int64_t hub, struct buf *tags)
{
	json_t *items, *it;
	size_t i;
	int rc;

	if ((rc = store_hub_items_all(r->db, hub, &items)) != STORE_OK)
		return rc;
	own_json(r, items);
	tags_add(tags, tag_hubs());
	json_array_foreach(items, i, it)
		if (strcmp(view_str(it, "kind"), "article") == 0)
			tags_add(tags, tag_article(view_int(it, "item_id")));
	return STORE_OK;
}

static int
save(struct req *r, json_t *cur)
{
	struct url_query q;
	struct hub_row h;
	struct buf *tags = own_buf(r, 0);
	const char *err;
	char url[64];
	int64_t id = cur != NULL ? view_int(cur, "id") : 0;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if ((err = read_hub(r, &q, &h)) != NULL) {
		status = cur != NULL ? hub_page(r, cur, 422, err) :
		    list_page(r, 422, err);
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	rc = store_hub_save(r->db, &id, &h, page_now());
	tags_add(tags, tag_hub(id));
	if (rc == STORE_OK && cur != NULL)
		rc = story_tags(r, id, tags);
	if ((rc = commit(r, rc, tags)) != STORE_OK) {
		err = "Another hub has that address.";
		status = rc != STORE_CONFLICT ? status_store(rc) :
		    cur != NULL ? hub_page(r, cur, 409, err) :
		    list_page(r, 409, err);
		goto done;
	}
	snprintf(url, sizeof(url), "/admin/hubs/%lld?done=1", (long long)id);
	http_redirect(r, 303, url);
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_hub_add(struct req *r)
{
	return save(r, NULL);
}

int
page_admin_hub_update(struct req *r)
{
	json_t *h;
	int status;

	if ((status = route_hub(r, &h)) != 0)
		return status;
	return save(r, h);
}

/* Runs one write on hub h, then back to its page (#anchor). */
static int
hub_write(struct req *r, json_t *h, int rc, struct buf *tags,
    const char *anchor)
{
	char url[80];

	tags_add(tags, tag_hub(view_int(h, "id")));
	if ((rc = commit(r, rc, tags)) != STORE_OK) {
		if (rc == STORE_CONFLICT)
			return hub_page(r, h, 409, "The hub has that item "
			    "already.");
		if (rc == STORE_NOTFOUND)
			return hub_page(r, h, 422, "There is no such item.");
		return status_store(rc);
	}
	snprintf(url, sizeof(url), "/admin/hubs/%lld?done=1#%s",
	    (long long)view_int(h, "id"), anchor);
	http_redirect(r, 303, url);
	return 0;
}

/*
 * The hub of the route, the number in its second part (when id is not
 * NULL) and the form: 0, or the status to answer.  The caller frees q
 * when 0 is returned.
 */
static int
hub_form(struct req *r, json_t **h, int64_t *id, struct url_query *q)
{
	int status;

	if ((status = route_hub(r, h)) != 0)
		return status;
	if (id != NULL && parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX,
	    id) != 0)
		return 404;
	return admin_read_form(r, q);
}

/* POST /admin/hubs/:id/items — adds kind + item_id at the end. */
int
page_admin_hub_items(struct req *r)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *kind, *s;
	json_t *h;
	int64_t item = 0, id;
	size_t i;
	int status, rc;

	if ((status = hub_form(r, &h, NULL, &q)) != 0)
		return status;
	kind = own_strdup(r, (s = url_query_get(&q, "kind")) != NULL ? s : "");
	s = url_query_get(&q, "item_id");
	if (s == NULL || parse_int(s, strlen(s), 1, INT64_MAX, &item) != 0)
		item = 0;
	url_query_free(&q);
	for (i = 0; i < ARRAY_SIZE(item_kinds); i++)
		if (strcmp(kind, item_kinds[i]) == 0)
			break;
	if (i == ARRAY_SIZE(item_kinds) || item == 0)
		return hub_page(r, h, 422, "Choose a story, white paper, "
		    "webinar or event by its number.");
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_hub_item_add(r->db, view_int(h, "id"), kind, item, &id);
	if (strcmp(kind, "article") == 0) {
		tags_add(tags, tag_article(item));
		tags_add(tags, tag_hubs());
	}
	return hub_write(r, h, rc, tags, "items");
}

/* POST /admin/hubs/:id/items/:item — action up, down or remove. */
int
page_admin_hub_item(struct req *r)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *a;
	json_t *h, *it;
	int64_t id;
	int status, rc, act;

	if ((status = hub_form(r, &h, &id, &q)) != 0)
		return status;
	a = url_query_get(&q, "action");
	act = a == NULL ? 0 : strcmp(a, "up") == 0 ? -1 :
	    strcmp(a, "down") == 0 ? 1 : strcmp(a, "remove") == 0 ? 2 : 0;
	url_query_free(&q);
	if (act == 0)
		return hub_page(r, h, 422, "Move an item up or down, or "
		    "remove it.");
	if ((rc = store_hub_item_get(r->db, view_int(h, "id"), id, &it)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, it);
	if (strcmp(view_str(it, "kind"), "article") == 0) {
		tags_add(tags, tag_article(view_int(it, "item_id")));
		tags_add(tags, tag_hubs());
	}
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = act == 2 ? store_hub_item_remove(r->db, view_int(h, "id"), id) :
	    store_hub_item_move(r->db, view_int(h, "id"), id, act);
	return hub_write(r, h, rc, tags, "items");
}

/* The Markdown of a live post, checked and rendered; NULL with *err. */
static const char *
post_html(struct req *r, const char *md, const char **err)
{
	struct buf *b = own_buf(r, 0);

	*err = NULL;
	if (md == NULL || md[strspn(md, " \t\r\n")] == '\0' ||
	    strlen(md) > LIVE_MAX_MD) {
		*err = "A post has a text of up to 8,000 characters.";
		return NULL;
	}
	if (markdown_render(MD_EDITOR_TEXT, md, strlen(md), b) != 0) {
		*err = "The text could not be read as Markdown.";
		return NULL;
	}
	return own_strdup(r, b->p != NULL ? b->p : "");
}

/* POST /admin/hubs/:id/live — a new post on a show's live blog. */
int
page_admin_hub_live(struct req *r)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *md, *html, *err;
	json_t *h;
	int64_t id;
	int status, rc;

	if ((status = hub_form(r, &h, NULL, &q)) != 0)
		return status;
	if (strcmp(view_str(h, "kind"), "show") != 0) {
		url_query_free(&q);
		return 404;
	}
	md = own_strdup(r, (md = url_query_get(&q, "body")) != NULL ? md : "");
	url_query_free(&q);
	if ((html = post_html(r, md, &err)) == NULL)
		return hub_page(r, h, 422, err);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_live_post_add(r->db, view_int(h, "id"), md, html,
	    r->user->id, page_now(), &id);
	return hub_write(r, h, rc, tags, "live");
}

/* POST /admin/hubs/:id/live/:post — edits a post, or deletes it. */
int
page_admin_hub_post(struct req *r)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *md, *html = NULL, *err, *a;
	json_t *h;
	int64_t id;
	int status, rc, del;

	if ((status = hub_form(r, &h, &id, &q)) != 0)
		return status;
	md = own_strdup(r, (md = url_query_get(&q, "body")) != NULL ? md : "");
	del = (a = url_query_get(&q, "action")) != NULL &&
	    strcmp(a, "delete") == 0;
	url_query_free(&q);
	if (!del && (html = post_html(r, md, &err)) == NULL)
		return hub_page(r, h, 422, err);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_live_post_update(r->db, view_int(h, "id"), id, md, html,
	    page_now());
	if (rc == STORE_NOTFOUND) {
		db_rollback(r->db);
		return 404;
	}
	return hub_write(r, h, rc, tags, "live");
}

/* GET /admin/hubs/:id/stats.csv — views and clicks per day. */
int
page_admin_hub_stats(struct req *r)
{
	json_t *h, *rows, *row;
	struct buf *b = own_buf(r, 0);
	char n[32], name[160];
	size_t i;
	int status, rc;

	if ((status = route_hub(r, &h)) != 0)
		return status;
	if ((rc = store_hub_stats(r->db, view_int(h, "id"), &rows)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	BUF_LIT(b, "hub,day,views,clicks\r\n");
	json_array_foreach(rows, i, row) {
		csv_put(b, view_str(h, "slug"), 0);
		csv_put(b, view_str(row, "day"), 0);
		snprintf(n, sizeof(n), "%lld",
		    (long long)view_int(row, "view_count"));
		csv_put(b, n, 0);
		snprintf(n, sizeof(n), "%lld",
		    (long long)view_int(row, "click_count"));
		csv_put(b, n, 1);
	}
	snprintf(name, sizeof(name), "hub-%s-stats", view_str(h, "slug"));
	return http_send_csv(r, name, b);
}

/* GET /admin/hubs/:id/preview — the readers' page, before it starts too. */
int
page_admin_hub_preview(struct req *r)
{
	json_t *h;
	const char *slug;
	int status;

	if ((status = route_hub(r, &h)) != 0)
		return status;
	slug = view_str(h, "slug");
	if (strcmp(view_str(h, "kind"), "show") == 0)
		return page_show_render(r, slug, strlen(slug), 1);
	return page_hub_render(r, slug, strlen(slug), 1);
}
