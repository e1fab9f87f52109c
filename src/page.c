/*
 * page.c — what every page shares: the site-wide view model (settings,
 * mega-menu, footer), the sidebar blocks, rendering, error pages, and the
 * static files of the theme and the media directory.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "cache.h"
#include "config.h"
#include "menu.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "session.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "theme.h"
#include "tpl.h"
#include "util.h"
#include "view.h"

/* Sidebar sizes follow the seed page. */
#define SIDEBAR_EVENTS		4
#define SIDEBAR_WEBINARS	11
#define SIDEBAR_PARTNER		5
#define SIDEBAR_GUEST		2
#define SIDEBAR_RESOURCES	3

int64_t
page_now(void)
{
	return now_unix();
}

/* Turns flat menu rows (parents first) into a tree of "children". */
static json_t *
menu_tree(json_t *rows)
{
	json_t *root = json_array(), *byid = json_object(), *row;
	char key[24];
	size_t i;

	json_array_foreach(rows, i, row) {
		json_t *parent = NULL, *kids;

		json_object_set_new(row, "children", json_array());
		/*
		 * Said of every item: a leaf without it would take its
		 * parent's from the template's context and open an empty list.
		 */
		json_object_set_new(row, "has_children", json_false());
		snprintf(key, sizeof(key), "%lld", (long long)
		    json_integer_value(json_object_get(row, "id")));
		json_object_set(byid, key, row);
		if (json_is_integer(json_object_get(row, "parent_id"))) {
			snprintf(key, sizeof(key), "%lld", (long long)
			    json_integer_value(json_object_get(row,
			    "parent_id")));
			parent = json_object_get(byid, key);
		}
		if (parent != NULL) {
			kids = json_object_get(parent, "children");
			json_array_append(kids, row);
			json_object_set_new(parent, "has_children",
			    json_true());
		} else if (!json_is_integer(json_object_get(row,
		    "parent_id"))) {
			json_array_append(root, row);
		}
	}
	json_decref(byid);
	return root;
}

/*
 * The site-wide part of every page (settings, mega-menu, footer) is read
 * once per thread and kept until page_site_changed() says a setting or a
 * menu was written.
 */
static atomic_uint_fast64_t site_generation = 1;
static _Thread_local json_t *site_cached;
static _Thread_local uint_fast64_t site_cached_gen;

void
page_site_changed(void)
{
	atomic_fetch_add(&site_generation, 1);
}

/*
 * The site's absolute URL (config_site_url).  It is the setting's, never
 * a row of the database: a database copied to another address must not
 * keep linking to the old one.
 */
static void
set_base_url(json_t *site)
{
	char url[512];

	json_object_set_new(site, "base_url", json_string(config_site_url(url,
	    sizeof(url))));
}

static int
site_load(struct req *r, json_t **out)
{
	json_t *site = NULL, *menu = NULL, *footer = NULL;
	int rc;

	/* After this point, all errors go through fail. */
	if ((rc = store_settings(r->db, &site)) != STORE_OK)
		goto fail;
	if ((rc = store_menu(r->db, "main", &menu)) != STORE_OK)
		goto fail;
	if ((rc = store_menu(r->db, "footer", &footer)) != STORE_OK)
		goto fail;
	json_object_set_new(site, "menu", menu_tree(menu));
	json_object_set_new(site, "footer", menu_tree(footer));
	json_decref(menu);
	json_decref(footer);
	json_object_set_new(site, "asset_version",
	    json_string(theme_version()));
	if (json_object_get(site, "site_name") == NULL)
		json_object_set_new(site, "site_name", json_string("masthead"));
	set_base_url(site);
	/* Times are shown in this zone; site.js adds the reader's own. */
	json_object_set_new(site, "timezone", json_string(view_timezone()));
	page_meta_site(r->db, site);
	*out = site;
	return STORE_OK;
fail:
	json_decref(site);
	json_decref(menu);
	json_decref(footer);
	*out = NULL;
	return rc;
}

void
page_thread_done(void)
{
	json_decref(site_cached);
	site_cached = NULL;
}

/* Returns a new reference to this thread's site model. */
static int
site_model(struct req *r, json_t **out)
{
	uint_fast64_t gen = atomic_load(&site_generation);
	char year[8], iso[32];
	json_t *site;
	int rc;

	if (site_cached == NULL || site_cached_gen != gen) {
		if ((rc = site_load(r, &site)) != STORE_OK)
			return rc;
		json_decref(site_cached);
		site_cached = site;
		site_cached_gen = gen;
	}
	view_fmt_iso(page_now(), iso, sizeof(iso));
	snprintf(year, sizeof(year), "%.4s", iso);
	json_object_set_new(site_cached, "year", json_string(year));
	*out = json_incref(site_cached);
	return STORE_OK;
}

/* Whether an item of tree, at any depth, links to url. */
static int
menu_links(const json_t *tree, const char *url)
{
	const json_t *item;
	const char *u;
	size_t i;

	json_array_foreach(tree, i, item) {
		u = json_string_value(json_object_get(item, "url"));
		if ((u != NULL && strcmp(u, url) == 0) ||
		    menu_links(json_object_get(item, "children"), url))
			return 1;
	}
	return 0;
}

/*
 * A sister site's menus (docs/sites.md): its own ("main@ID",
 * "footer@ID") where it has items, else the instance's; its own
 * top-level sections lead its mega-menu, unless the menu links to them.
 * The instance's menus are the thread's model's: a new array is made
 * rather than the shared one changed.
 */
static int
sister_menus(struct req *r, const struct site *s, json_t *site)
{
	static const char *const keys[] = { "menu", "footer" };
	json_t *rows, *secs, *sec, *menu, *top;
	char name[64], url[200];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(name, sizeof(name), "%s@%lld", menu_names[i],
		    (long long)s->id);
		if ((rc = store_menu(r->db, name, &rows)) != STORE_OK)
			return rc;
		if (json_array_size(rows) > 0)
			json_object_set_new(site, keys[i], menu_tree(rows));
		json_decref(rows);
	}
	cache_dep_str(tag_sections().s);
	if ((rc = store_site_sections(r->db, s->id, &secs)) != STORE_OK)
		return rc;
	top = json_object_get(site, "menu");
	menu = json_array();
	json_array_foreach(secs, i, sec) {
		snprintf(url, sizeof(url), "/section/%s", json_string_value(
		    json_object_get(sec, "slug")));
		if (!menu_links(top, url))
			json_array_append_new(menu, json_pack("{s:O,s:s,s:[],"
			    "s:b}", "label", json_object_get(sec, "name"),
			    "url", url, "children", "has_children", 0));
	}
	json_array_extend(menu, top);
	json_object_set_new(site, "menu", menu);
	json_decref(secs);
	return STORE_OK;
}

/*
 * A sister site's model (docs/sites.md): the instance's, with the
 * site's name, tagline, base URL, logo, accent colour and menus in
 * place of the settings'.
 */
static int
sister_model(struct req *r, json_t **out)
{
	const struct site *s = r->site;
	json_t *site, *own;
	char url[512];
	int rc;

	if ((rc = site_model(r, &own)) != STORE_OK)
		return rc;
	site = json_copy(own);
	json_decref(own);
	json_object_set_new(site, "site_name", json_string(s->name));
	json_object_set_new(site, "tagline", json_string(s->tagline));
	json_object_set_new(site, "base_url", json_string(sites_url(s, url,
	    sizeof(url))));
	json_object_set_new(site, "site_slug", json_string(s->slug));
	json_object_set_new(site, "logo_url", json_string(s->logo));
	if (s->logo[0] != '\0')
		json_object_set_new(site, "site_logo", json_string(s->logo));
	if (s->accent[0] != '\0')
		json_object_set_new(site, "site_accent", json_string(s->accent +
		    1));
	json_object_del(site, "share_image");
	if ((rc = sister_menus(r, s, site)) != STORE_OK) {
		json_decref(site);
		return rc;
	}
	page_meta_site(r->db, site);
	*out = site;
	return STORE_OK;
}

/* The instance's own site is named by its settings, not by its row. */
void
page_dep_site_row(int64_t id)
{
	if (id != SITES_DEFAULT)
		cache_dep_str(tag_site_row(id).s);
}

int
page_site(struct req *r, json_t **out)
{
	cache_dep_str(tag_site().s);
	page_dep_site_row(r->site != NULL ? r->site->id : SITES_DEFAULT);
	if (r->site != NULL)
		return sister_model(r, out);
	return site_model(r, out);
}

const char *
page_base_url(struct req *r)
{
	char url[512];
	const char *v;

	page_dep_site_row(r->site != NULL ? r->site->id : SITES_DEFAULT);
	v = r->site != NULL ? sites_url(r->site, url, sizeof(url)) :
	    config_site_url(url, sizeof(url));
	return v == url ? h2o_strdup(&r->h->pool, url, SIZE_MAX).base : v;
}

/*
 * Depends on list tag t: on a sister site, on t in that site (tag_in_site,
 * store_scope); the instance's own site keeps the tag as it is.
 */
void
page_dep_list_tag(struct tag t)
{
	if (store_scope() != 0 && store_scope() != SITES_DEFAULT)
		t = tag_in_site(t, store_scope());
	cache_dep_str(t.s);
}

void
page_dep_list(struct req *r, enum list_by by, int64_t key, const char *type)
{
	switch (by) {
	case LIST_LATEST:
		page_dep_list_tag(tag_latest());
		break;
	case LIST_TYPE:
		page_dep_list_tag(tag_list_type(type));
		break;
	case LIST_SECTION:
		page_dep_list_tag(tag_list_section(key));
		break;
	case LIST_AUTHOR:
		page_dep_list_tag(tag_list_author(key));
		break;
	case LIST_TAG:
		page_dep_list_tag(tag_list_topic(key));
		break;
	case LIST_SHOW:
		page_dep_list_tag(tag_list_show(key));
		break;
	default:
		break;
	}
	cache_dep_until(store_next_publish(r->db, page_now()));
}

int
page_articles(struct req *r, enum list_by by, int64_t key, const char *type,
    const struct cursor *cur, int limit, json_t **out, struct cursor *next)
{
	int rc;

	if ((rc = store_article_list(r->db, by, key, type, cur, limit,
	    page_now(), out, next)) != STORE_OK)
		return rc;
	view_articles(*out);
	page_dep_list(r, by, key, type);
	return STORE_OK;
}

int
page_section_frame(struct req *r, int64_t section, json_t **path,
    json_t **promo)
{
	char name[48];
	json_t *f, *v;
	int rc;

	*path = *promo = NULL;
	snprintf(name, sizeof(name), "section:%lld", (long long)section);
	if ((f = own_json(r, cache_memo_get(name))) == NULL) {
		cache_memo_begin();
		if ((rc = store_section_path(r->db, section, &v)) != STORE_OK)
			return rc;
		view_sections(v);
		cache_dep_str(tag_sections().s);
		f = own_json(r, json_pack("{s:o}", "path", v));
		cache_dep_str(tag_promos().s);
		rc = store_promo_for_section(r->db, section, &v);
		if (rc == STORE_OK)
			json_object_set_new(f, "promo", v);
		else if (rc != STORE_NOTFOUND)
			return rc;
		cache_memo_put(name, f);
	}
	*path = json_incref(json_object_get(f, "path"));
	if ((v = json_object_get(f, "promo")) != NULL)
		*promo = json_incref(v);
	return STORE_OK;
}

/* The sidebar shows no body: it is not carried, nor allow-listed for nothing. */
static void
drop_bodies(json_t *list)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		json_object_del(v, "body_html");
}

/* Events and webinars leave the upcoming lists when they end. */
static int
upcoming(struct req *r, int webinars, int limit, json_t **out)
{
	int64_t now = page_now();
	int rc;

	if (webinars) {
		rc = store_webinars(r->db, WHEN_UPCOMING, now, INT64_MIN,
		    limit, out);
		if (rc == STORE_OK) {
			drop_bodies(*out);
			view_webinars(*out);
		}
		cache_dep_str(tag_webinars().s);
		cache_dep_until(store_webinars_next_end(r->db, now));
	} else {
		rc = store_events(r->db, WHEN_UPCOMING, now, INT64_MIN, limit,
		    out);
		if (rc == STORE_OK) {
			drop_bodies(*out);
			view_events(*out);
		}
		cache_dep_str(tag_events().s);
		cache_dep_until(store_events_next_end(r->db, now));
	}
	return rc;
}

/*
 * Stories of the sidebar show no comment count, so a new comment on one
 * of them leaves the sidebar (and every page with it) alone.
 */
static int
sidebar_stories(struct req *r, const char *type, int limit, json_t **out)
{
	struct cursor first = CURSOR_FIRST, next;
	json_t *row;
	size_t i;
	int rc;

	if ((rc = store_article_list(r->db, LIST_TYPE, 0, type, &first, limit,
	    page_now(), out, &next)) != STORE_OK)
		return rc;
	json_array_foreach(*out, i, row)
		json_object_del(row, "comment_count");
	view_articles(*out);
	page_dep_list(r, LIST_TYPE, 0, type);
	return STORE_OK;
}

/* The newest white papers ("Educational Resources"). */
static int
sidebar_resources(struct req *r, json_t **out)
{
	struct cursor first = CURSOR_FIRST;
	int64_t t;
	int rc;

	if ((rc = store_resources(r->db, page_now(), &first,
	    SIDEBAR_RESOURCES, out)) != STORE_OK)
		return rc;
	view_resources(*out);
	cache_dep_str(tag_resources().s);
	if ((t = store_resources_next_publish(r->db, page_now())) > 0)
		cache_dep_until(t);
	return STORE_OK;
}

/*
 * The sidebar is the same on every page that has one: it is built once
 * and kept as a fragment until something it shows changes.
 */
int
page_add_sidebar(struct req *r, json_t *model)
{
	json_t *sb, *v;
	int rc;

	if ((sb = cache_memo_get("sidebar")) != NULL) {
		json_object_set_new(model, "sidebar", sb);
		return STORE_OK;
	}
	sb = own_json(r, json_object());
	cache_memo_begin();
	if ((rc = upcoming(r, 0, SIDEBAR_EVENTS, &v)) != STORE_OK)
		return rc;
	json_object_set_new(sb, "events", v);
	if ((rc = upcoming(r, 1, SIDEBAR_WEBINARS, &v)) != STORE_OK)
		return rc;
	json_object_set_new(sb, "webinars", v);
	if ((rc = sidebar_stories(r, "partner-perspective", SIDEBAR_PARTNER,
	    &v)) != STORE_OK)
		return rc;
	json_object_set_new(sb, "partner", v);
	if ((rc = sidebar_stories(r, "guest-perspective", SIDEBAR_GUEST,
	    &v)) != STORE_OK)
		return rc;
	json_object_set_new(sb, "guest", v);
	if ((rc = sidebar_resources(r, &v)) != STORE_OK)
		return rc;
	json_object_set_new(sb, "resources", v);
	cache_memo_put("sidebar", sb);
	json_object_set(model, "sidebar", sb);
	return STORE_OK;
}

int
page_cursor(struct req *r, struct cursor *c)
{
	const char *s = http_query(r, "before");

	c->t = c->id = INT64_MAX;
	if (s == NULL)
		return 0;
	return store_cursor_parse(s, c);
}

void
page_add_pagination(json_t *model, const char *base, const struct cursor *cur,
    const struct cursor *next)
{
	json_t *p = json_object();
	char c[48], url[600];

	if (next->t != 0) {
		store_cursor_format(next, c, sizeof(c));
		snprintf(url, sizeof(url), "%s?before=%s", base, c);
		json_object_set_new(p, "next_url", json_string(url));
		json_object_set_new(p, "next_cursor", json_string(c));
	}
	if (cur->t != INT64_MAX)
		json_object_set_new(p, "first_url", json_string(base));
	json_object_set_new(p, "any", json_boolean(next->t != 0 ||
	    cur->t != INT64_MAX));
	json_object_set_new(model, "pagination", p);
}

/* Sends a minimal page when the theme itself cannot be rendered. */
static void
send_plain(struct req *r, int status)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "<!doctype html><meta charset=utf-8><title>%d %s"
	    "</title><h1>%d %s</h1>\n", status, http_reason(status), status,
	    http_reason(status));
	http_send_buf(r, status, "text/html; charset=utf-8", &b);
}

/*
 * Renders and sends; with_site adds the menus and settings, which an
 * error page about the database itself has to do without.
 */
static int
render(struct req *r, int status, const char *tpl, json_t *model,
    int with_site)
{
	struct buf *out = own_buf(r, 0);
	json_t *site;
	int rc;

	own_json(r, model);
	/* A page is tens of kilobytes: grow once, not eight times. */
	buf_reserve(out, 64 * 1024);
	if (with_site) {
		if ((rc = (r->site != NULL ? sister_model : site_model)(r,
		    &site)) != STORE_OK)
			return status_store(rc);
		json_object_set_new(model, "site", site);
		cache_dep_str(tag_site().s);
		if (status == 200)
			page_meta(r, tpl, model);
	}
	rc = tpl_render(theme_templates(), tpl, model, out);
	if (rc != 0 || buf_err(out))
		return 500;
	http_send_buf(r, status, "text/html; charset=utf-8", out);
	return 0;
}

/* The account bar of a signed-in reader, spliced into shared pages. */
static void
account_part(struct req *r, struct buf *out)
{
	char csrf[64];
	json_t *m;

	session_csrf(r, csrf, sizeof(csrf));
	/* The id finds the reader's own comments in the shared page. */
	m = own_json(r, json_pack("{s:{s:s,s:I},s:s}", "user", "name",
	    r->reader->name, "id", (json_int_t)r->reader->id, "csrf", csrf));
	if (tpl_render(theme_templates(), "partials/account", m, out) != 0)
		buf_reset(out);
}

void
page_init(void)
{
	http_set_personalizer(account_part);
}

int
page_render(struct req *r, int status, const char *tpl, json_t *model)
{
	return render(r, status, tpl, model, 1);
}

void
page_error(struct req *r, int status)
{
	const char *msg;
	json_t *m;

	switch (status) {
	case 404:
		msg = "We could not find that page. It may have moved, or "
		    "the address may be mistyped.";
		break;
	case 400:
		msg = "The request could not be understood.";
		break;
	case 403:
		msg = "That is not allowed. If you sent a form, reload its "
		    "page and try again.";
		break;
	case 429:
		msg = "Too many tries in a short time. Please wait a while "
		    "and try again.";
		break;
	case 503:
		msg = "The site is briefly unavailable. Please try again in "
		    "a moment.";
		break;
	case 500:
		msg = "Something went wrong on our side. The error has been "
		    "logged.";
		break;
	default:
		msg = http_reason(status);
		break;
	}
	/* A refused field says which it was and why. */
	if (r->input_error != NULL)
		msg = r->input_error;
	/* A reader who followed a dead link gets a way on: search and
	 * the main sections (the mega-menu's top row). */
	m = json_pack("{s:i,s:s,s:s,s:{s:s},s:b}", "status", status, "reason",
	    http_reason(status), "message", msg, "page", "title",
	    http_reason(status), "not_found", status == 404);
	if (render(r, status, "error", m, status != 500 && status != 503) != 0)
		send_plain(r, status);
}

/*
 * Theme assets, sent as cached pages are: gzip or brotli when the client
 * takes it (compressed at start, theme.h), an ETag per variant, 304 on
 * revalidation.  Pages link them as /assets/<name>?v=<theme version>,
 * and the theme's content hash in the URL lets caches keep them for a
 * year without asking again.  Any other URL of an asset (no version, or
 * the version of a theme since changed, from a page cached before) gets
 * the current bytes for an hour.
 */
int
page_asset(struct req *r)
{
	const struct asset *a = theme_asset(r->arg[0]);
	const char *v = http_query(r, "v");
	struct cache_view cv;
	int enc;

	if (a == NULL)
		return 404;
	memset(&cv, 0, sizeof(cv));
	cv.status = 200;
	cv.ctype = a->ctype;
	cv.cache_control = v != NULL && strcmp(v, theme_version()) == 0 ?
	    "public, max-age=31536000, immutable" : "public, max-age=3600";
	cv.last_modified = theme_loaded_at();
	cv.body[ENC_IDENTITY] = (const char *)a->data;
	cv.len[ENC_IDENTITY] = a->len;
	cv.etag[ENC_IDENTITY] = a->etag;
	for (enc = ENC_GZIP; enc < ENC__MAX; enc++)
		if (a->zdata[enc] != NULL) {
			cv.body[enc] = a->zdata[enc];
			cv.len[enc] = a->zlen[enc];
			cv.etag[enc] = a->zetag[enc];
		}
	http_send_variants(r, &cv);
	return 0;
}

int
page_favicon(struct req *r)
{
	r->arg[0] = "favicon.ico";
	r->narg = 1;
	return page_asset(r);
}

/*
 * Media files are content-addressed, so caches may keep them for a year:
 * <hash>.<ext>, and the widths of an upload, <hash>-<width>.<ext>.
 */
int
page_media(struct req *r)
{
	static const char *const exts[] = { "jpg", "png", "webp", "gif",
	    "mp3", "m4a", "mp4", "webm" };
	const char *f = r->arg[0], *dot = strchr(f, '.');
	char path[1024];
	size_t i;
	int64_t w;

	if (dot == NULL || dot - f < 64)
		return 404;
	if (dot - f > 64 && (f[64] != '-' || parse_int(f + 65,
	    (size_t)(dot - f - 65), 1, 99999, &w) != 0 || f[65] == '0'))
		return 404;
	for (i = 0; i < 64; i++)
		if (!((f[i] >= '0' && f[i] <= '9') || (f[i] >= 'a' && f[i] <= 'f')))
			return 404;
	for (i = 0; i < ARRAY_SIZE(exts); i++)
		if (strcmp(dot + 1, exts[i]) == 0)
			break;
	if (i == ARRAY_SIZE(exts))
		return 404;
	snprintf(path, sizeof(path), "%s/%s", config.media_dir, f);
	return http_send_file(r, path, theme_ctype(f),
	    "public, max-age=31536000, immutable");
}

/*
 * The whole main menu as nested lists: what a reader without JavaScript
 * reaches the menu's panels by, and where site.js takes them from when
 * a reader first points at the menu (pages carry its top row only).
 * Cached like every page; a menu change drops it with the "site" tag.
 */
int
page_sections(struct req *r)
{
	json_t *m = json_pack("{s:{s:s,s:s}}", "page", "title", "Sections",
	    "description", "Every section and menu of the site.");

	return page_render(r, 200, "sections", m);
}

int
page_static(struct req *r)
{
	json_t *pg, *m;
	int rc;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	/* A sister site's own version is the page SITE-SLUG (docs/sites.md). */
	rc = STORE_NOTFOUND;
	if (r->site != NULL)
		rc = store_page_get(r->db, h2o_concat(&r->h->pool,
		    h2o_iovec_init(r->site->slug, strlen(r->site->slug)),
		    h2o_iovec_init("-", 1), h2o_iovec_init(r->arg[0],
		    r->arglen[0])).base, &pg);
	if (rc == STORE_NOTFOUND)
		rc = store_page_get(r->db, r->arg[0], &pg);
	if (rc != STORE_OK)
		return status_store(rc);
	cache_dep_str(tag_page(json_integer_value(json_object_get(pg,
	    "id"))).s);
	view_html(pg, "body_html");
	m = json_pack("{s:o,s:{s:O}}", "static_page", pg, "page", "title",
	    json_object_get(pg, "title"));
	return page_render(r, 200, "page", m);
}
