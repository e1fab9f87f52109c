/*
 * page_hub.c — the readers' hub pages (docs/hubs.md): a sponsored hub
 * (/hub/:slug, its feed and its counted links) and a show
 * (/shows/:slug with its live blog, and /shows/:slug/live, the blog's
 * newest posts as JSON for the page's script).
 *
 * A hub that has not started is not found by readers (its editors see
 * it at /admin/hubs/:id/preview); one that ended still shows, marked as
 * ended, from its end on (the cached page lasts until then).  A page
 * declares its hub's tag, which every newsroom write to the hub, its
 * items or its live blog drops, and the tag of each item it lists.
 */
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "escape.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

/* Posts a show page and its live document carry. */
#define LIVE_POSTS	50
/* Seconds between two polls of the live blog by the page's script. */
#define LIVE_POLL	15

static const struct {
	const char	*kind;
	const char	*label;		/* what a list calls it */
	const char	*path;		/* its page, before the slug */
	struct tag	(*tag)(int64_t);
} kinds[] = {
	{ "article", "Story", "/article/", tag_article },
	{ "resource", "White paper", "/resources/", tag_resource },
	{ "webinar", "Webinar", "/webinars/", tag_webinar },
	{ "event", "Event", "/events/", tag_event },
};

/* The item's page: /article/slug and so on (in r's pool). */
static const char *
item_url(struct req *r, json_t *it)
{
	const char *kind = view_str(it, "kind");
	char u[512];

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0) {
			snprintf(u, sizeof(u), "%s%s", kinds[i].path,
			    view_str(it, "slug"));
			return own_strdup(r, u);
		}
	return NULL;
}

/* Shapes one item for a list and declares it. */
static void
shape_item(struct req *r, json_t *hub, json_t *it, int counted)
{
	const char *kind = view_str(it, "kind"), *type;
	char u[600], d[64];

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		cache_dep_str(kinds[i].tag(view_int(it, "item_id")).s);
		type = view_str(it, "item_type");
		json_object_set_new(it, "kind_label", json_string(
		    strcmp(kind, "article") == 0 && view_type_label(type) !=
		    NULL ? view_type_label(type) : kinds[i].label));
	}
	if (counted)
		snprintf(u, sizeof(u), "/hub/%s/go/%lld", view_str(hub, "slug"),
		    (long long)view_int(it, "id"));
	else {
		const char *p = item_url(r, it);

		snprintf(u, sizeof(u), "%s", p != NULL ? p : "/");
	}
	json_object_set_new(it, "url", json_string(u));
	if (view_int(it, "shown_at") > 0) {
		view_fmt_date_long(view_int(it, "shown_at"), d, sizeof(d));
		json_object_set_new(it, "date", json_string(d));
		view_fmt_iso(view_int(it, "shown_at"), d, sizeof(d));
		json_object_set_new(it, "date_iso", json_string(d));
	}
}

/* A live post as readers see it: its time in the site's zone. */
static void
shape_post(json_t *p)
{
	char d[64];
	int64_t t = view_int(p, "posted_at");

	view_fmt_time(t, d, sizeof(d));
	json_object_set_new(p, "time", json_string(d));
	view_fmt_datetime(t, d, sizeof(d));
	json_object_set_new(p, "time_long", json_string(d));
	view_fmt_iso(t, d, sizeof(d));
	json_object_set_new(p, "time_iso", json_string(d));
	json_object_set_new(p, "edited", json_boolean(view_int(p,
	    "updated_at") > t));
	json_object_del(p, "body_md");
	json_object_del(p, "deleted_at");
}

/*
 * The hub of kind at slug, as readers may see it now (preview: also
 * before it starts), with its dependencies declared.  A new reference.
 */
static int
load(struct req *r, const char *slug, size_t len, const char *kind,
    int preview, json_t **out)
{
	char s[128];
	json_t *h;
	int64_t now = page_now(), ends;
	int rc;

	*out = NULL;
	if (!url_is_slug(slug, len) || len >= sizeof(s))
		return STORE_NOTFOUND;
	memcpy(s, slug, len);
	s[len] = '\0';
	if ((rc = store_hub_get(r->db, s, &h)) != STORE_OK)
		return rc;
	if ((kind != NULL && strcmp(view_str(h, "kind"), kind) != 0) ||
	    (!preview && view_int(h, "starts_at") > now)) {
		json_decref(h);
		return STORE_NOTFOUND;
	}
	cache_dep_str(tag_hub(view_int(h, "id")).s);
	/* A story of the hub dated in the future joins it when it goes live. */
	cache_dep_until(store_next_publish(r->db, now));
	if (view_int(h, "sponsor_id") > 0)
		cache_dep_str(tag_sponsor(view_int(h, "sponsor_id")).s);
	ends = view_int(h, "ends_at");
	if (ends > 0 && ends <= now)
		json_object_set_new(h, "ended", json_true());
	else if (ends > 0)
		cache_dep_until(ends);
	if (view_int(h, "starts_at") > now)
		json_object_set_new(h, "not_started", json_true());
	else if (ends == 0 || ends > now)
		json_object_set_new(h, "running", json_true());
	*out = h;
	return STORE_OK;
}

/* The hub's dates and logo as the page shows them. */
static void
shape_hub(json_t *h)
{
	char d[96];

	if (view_int(h, "ends_at") > 0)
		view_fmt_date_range(view_int(h, "starts_at"),
		    view_int(h, "ends_at"), d, sizeof(d));
	else
		view_fmt_date_long(view_int(h, "starts_at"), d, sizeof(d));
	json_object_set_new(h, "dates", json_string(d));
	view_fmt_iso(view_int(h, "starts_at"), d, sizeof(d));
	json_object_set_new(h, "starts_iso", json_string(d));
	if (view_int(h, "ends_at") > 0) {
		view_fmt_iso(view_int(h, "ends_at"), d, sizeof(d));
		json_object_set_new(h, "ends_iso", json_string(d));
	}
	if (view_str(h, "logo_hash")[0] != '\0') {
		snprintf(d, sizeof(d), "/media/%s.%s", view_str(h, "logo_hash"),
		    view_str(h, "logo_ext"));
		json_object_set_new(h, "logo_src", json_string(d));
	}
}

/* The hub (as load) and its items readers may see, owned by r. */
static int
load_items(struct req *r, const char *slug, size_t len, const char *kind,
    int preview, json_t **h, json_t **items)
{
	int rc;

	if ((rc = load(r, slug, len, kind, preview, h)) != STORE_OK)
		return status_store(rc);
	own_json(r, *h);
	if ((rc = store_hub_items(r->db, view_int(*h, "id"), page_now(),
	    items)) != STORE_OK)
		return status_store(rc);
	own_json(r, *items);
	return 0;
}

/* The page of a sponsored hub (preview: an editor's, before it starts). */
int
page_hub_render(struct req *r, const char *slug, size_t len, int preview)
{
	json_t *h, *items, *it, *m;
	size_t i;
	int status;

	if ((status = load_items(r, slug, len, "sponsored", preview, &h,
	    &items)) != 0)
		return status;
	shape_hub(h);
	/* Readers' clicks go through /go/ to be counted; an editor's not. */
	json_array_foreach(items, i, it)
		shape_item(r, h, it, !preview);
	m = json_pack("{s:O,s:O,s:{s:O}}", "hub", h, "items", items, "page",
	    "title", json_object_get(h, "title"));
	if (preview)
		json_object_set_new(m, "preview", json_true());
	return page_render(r, 200, "hub", m);
}

int
page_hub(struct req *r)
{
	int status = page_hub_render(r, r->arg[0], r->arglen[0], 0);

	/* A page rendered is counted here, a page from the cache by the router. */
	if (status == 0)
		store_hub_count(r->arg[0], r->arglen[0], 0);
	return status;
}

void
page_hub_seen(struct req *r)
{
	store_hub_count(r->arg[0], r->arglen[0], 0);
}

/* /hub/:slug/go/:n — counts the click on item n and goes to its page. */
int
page_hub_go(struct req *r)
{
	json_t *h, *items, *it;
	int64_t id;
	size_t i;
	int status;

	if (parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX, &id) != 0)
		return 404;
	if ((status = load_items(r, r->arg[0], r->arglen[0], "sponsored", 0,
	    &h, &items)) != 0)
		return status;
	json_array_foreach(items, i, it)
		if (view_int(it, "id") == id && item_url(r, it) != NULL) {
			store_hub_count(r->arg[0], r->arglen[0], 1);
			http_redirect(r, 302, item_url(r, it));
			return 0;
		}
	return 404;
}

static void
rss_text(struct buf *b, const char *el, const char *v)
{
	buf_printf(b, "<%s>", el);
	esc_xml(b, v, strlen(v));
	buf_printf(b, "</%s>\n", el);
}

/* /hub/:slug/feed.xml — the hub's items, as RSS 2.0, in the hub's order. */
int
feed_hub(struct req *r)
{
	const char *base = page_base_url(r);
	char u[700], date[64];
	json_t *h, *items, *it;
	struct buf *b;
	size_t i;
	int status;

	if ((status = load_items(r, r->arg[0], r->arglen[0], NULL, 0, &h,
	    &items)) != 0)
		return status;
	b = own_buf(r, 0);
	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n"
	    "<channel>\n");
	rss_text(b, "title", view_str(h, "title"));
	snprintf(u, sizeof(u), "%s/%s/%s", base, strcmp(view_str(h, "kind"),
	    "show") == 0 ? "shows" : "hub", view_str(h, "slug"));
	rss_text(b, "link", u);
	rss_text(b, "description", view_str(h, "intro")[0] != '\0' ?
	    view_str(h, "intro") : view_str(h, "title"));
	BUF_LIT(b, "<atom:link rel=\"self\" type=\"application/rss+xml\""
	    " href=\"");
	snprintf(u, sizeof(u), "%s/hub/%s/feed.xml", base,
	    view_str(h, "slug"));
	esc_xml(b, u, strlen(u));
	BUF_LIT(b, "\"/>\n<generator>masthead</generator>\n");
	json_array_foreach(items, i, it) {
		shape_item(r, h, it, 0);
		BUF_LIT(b, "<item>\n");
		rss_text(b, "title", view_str(it, "title"));
		snprintf(u, sizeof(u), "%s%s", base, view_str(it, "url"));
		rss_text(b, "link", u);
		rss_text(b, "guid", u);
		rss_text(b, "category", view_str(it, "kind_label"));
		if (view_str(it, "summary")[0] != '\0')
			rss_text(b, "description", view_str(it, "summary"));
		if (view_int(it, "shown_at") > 0) {
			view_fmt_http(view_int(it, "shown_at"), date,
			    sizeof(date));
			rss_text(b, "pubDate", date);
		}
		BUF_LIT(b, "</item>\n");
	}
	BUF_LIT(b, "</channel>\n</rss>\n");
	if (buf_err(b))
		return 500;
	http_send_buf(r, 200, "application/rss+xml; charset=utf-8", b);
	return 0;
}

/* The page of a show (preview: an editor's, before it starts). */
int
page_show_render(struct req *r, const char *slug, size_t len, int preview)
{
	json_t *h, *items, *it, *stories, *videos, *more, *posts, *m;
	size_t i;
	int rc;

	if ((rc = load_items(r, slug, len, "show", preview, &h, &items)) != 0)
		return rc;
	if ((rc = store_live_posts(r->db, view_int(h, "id"), 0, LIVE_POSTS,
	    &posts)) != STORE_OK)
		return status_store(rc);
	own_json(r, posts);
	shape_hub(h);
	stories = own_json(r, json_array());
	videos = own_json(r, json_array());
	more = own_json(r, json_array());
	json_array_foreach(items, i, it) {
		shape_item(r, h, it, 0);
		if (strcmp(view_str(it, "kind"), "article") != 0)
			json_array_append(more, it);
		else if (strcmp(view_str(it, "item_type"), "video") == 0)
			json_array_append(videos, it);
		else
			json_array_append(stories, it);
	}
	json_array_foreach(posts, i, it)
		shape_post(it);
	m = json_pack("{s:O,s:O,s:O,s:O,s:O,s:i,s:{s:O}}", "hub", h,
	    "stories", stories, "videos", videos, "more", more, "posts", posts,
	    "live_poll", LIVE_POLL, "page", "title",
	    json_object_get(h, "title"));
	json_object_set_new(m, "has_videos", json_boolean(
	    json_array_size(videos) > 0));
	json_object_set_new(m, "has_more", json_boolean(
	    json_array_size(more) > 0));
	if (preview)
		json_object_set_new(m, "preview", json_true());
	return page_render(r, 200, "show", m);
}

int
page_show(struct req *r)
{
	return page_show_render(r, r->arg[0], r->arglen[0], 0);
}

/* /shows/:slug/live — the live blog's newest posts, for the script. */
int
page_show_live(struct req *r)
{
	json_t *h, *posts, *p;
	size_t i;
	int rc;

	if ((rc = load(r, r->arg[0], r->arglen[0], "show", 0, &h)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, h);
	if ((rc = store_live_posts(r->db, view_int(h, "id"), 0, LIVE_POSTS,
	    &posts)) != STORE_OK)
		return status_store(rc);
	own_json(r, posts);
	json_array_foreach(posts, i, p)
		shape_post(p);
	http_send_json(r, 200, own_json(r, json_pack("{s:O,s:O,s:i}",
	    "slug", json_object_get(h, "slug"), "posts", posts, "poll",
	    LIVE_POLL)));
	return 0;
}
