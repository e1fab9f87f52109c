/*
 * feed.c — RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the whole site and of
 * every section, author and tag, and the podcast feed (RSS with
 * enclosures and iTunes tags).
 *
 * A feed mirrors a story list: it reads the list through page_articles(),
 * so it carries the same dependency tags as the page it mirrors, and a
 * publish, edit or unpublish that changes the list drops the feed too.
 * Every URL in a feed is absolute, made from the site's base URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "escape.h"
#include "feed.h"
#include "http.h"
#include "page.h"
#include "store.h"
#include "url.h"
#include "view.h"

static const char *const ctypes[FEED__MAX] = {
	[FEED_RSS] = "application/rss+xml; charset=utf-8",
	[FEED_ATOM] = "application/atom+xml; charset=utf-8",
	[FEED_JSON] = "application/feed+json; charset=utf-8",
};

static const char *const files[FEED__MAX] = {
	[FEED_RSS] = "feed.xml",
	[FEED_ATOM] = "atom.xml",
	[FEED_JSON] = "feed.json",
};

/* What one feed shows, gathered before it is written in a format. */
struct feed {
	enum feed_fmt	 fmt;
	int		 podcast;
	int		 full;		/* full text, else the summary */
	const char	*base;		/* https://example.com */
	json_t		*site;
	char		 title[512];
	const char	*description;
	char		 page[600];	/* the page it mirrors, site-relative */
	char		 self[600];	/* the feed itself, site-relative */
	json_t		*items;		/* list rows with extras */
	int64_t		 updated;	/* newest change of any item */
};

static void
xml(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s));
}

/* An absolute URL: base + path, or path itself when it is already absolute. */
static void
abs_url(struct buf *b, const char *base, const char *path)
{
	if (strncmp(path, "http://", 7) != 0 &&
	    strncmp(path, "https://", 8) != 0)
		buf_puts(b, base);
	buf_puts(b, path);
}

/* The same, XML-escaped. */
static void
xml_url(struct buf *b, const char *base, const char *path)
{
	struct buf t = BUF_INIT;

	abs_url(&t, base, path);
	if (t.len > 0)
		esc_xml(b, t.p, t.len);
	buf_free(&t);
}

/* A new JSON string holding an absolute URL. */
static json_t *
json_url(const char *base, const char *path)
{
	struct buf t = BUF_INIT;
	json_t *v;

	abs_url(&t, base, path);
	v = json_stringn(t.p != NULL ? t.p : "", t.len);
	buf_free(&t);
	return v;
}

/* Adds each story's text, media, authors and tags to its list row. */
static int
add_extras(struct req *r, struct feed *f)
{
	json_t *a, *v;
	size_t i;
	int rc;

	json_array_foreach(f->items, i, a) {
		int64_t id = view_int(a, "id");

		if ((rc = store_article_feed_extra(r->db, id, &v)) != STORE_OK)
			return rc;
		json_object_update(a, v);
		json_decref(v);
		if ((rc = store_article_authors(r->db, id, &v)) != STORE_OK)
			return rc;
		view_authors(v);
		json_object_set_new(a, "authors", v);
		if ((rc = store_article_tags(r->db, id, &v)) != STORE_OK)
			return rc;
		view_tags(v);
		json_object_set_new(a, "tags", v);
		if (view_int(a, "updated_at") > f->updated)
			f->updated = view_int(a, "updated_at");
		if (view_int(a, "published_at") > f->updated)
			f->updated = view_int(a, "published_at");
	}
	return STORE_OK;
}

/* "01:02:03" for iTunes. */
static void
fmt_duration(int64_t s, char *out, size_t n)
{
	snprintf(out, n, "%02lld:%02lld:%02lld", (long long)(s / 3600),
	    (long long)(s / 60 % 60), (long long)(s % 60));
}

static void
rss_item(struct buf *b, struct feed *f, json_t *a)
{
	const char *media = view_str(a, "media_url"), *mtype = view_str(a, "media_type");
	char date[64], dur[32];
	json_t *v, *img;
	size_t i;

	BUF_LIT(b, "<item>\n<title>");
	xml(b, view_str(a, "title"));
	BUF_LIT(b, "</title>\n<link>");
	xml_url(b, f->base, view_str(a, "url"));
	BUF_LIT(b, "</link>\n<guid isPermaLink=\"true\">");
	xml_url(b, f->base, view_str(a, "url"));
	BUF_LIT(b, "</guid>\n<pubDate>");
	view_fmt_http(view_int(a, "published_at"), date, sizeof(date));
	xml(b, date);
	BUF_LIT(b, "</pubDate>\n");
	json_array_foreach(json_object_get(a, "authors"), i, v) {
		BUF_LIT(b, "<dc:creator>");
		xml(b, view_str(v, "name"));
		BUF_LIT(b, "</dc:creator>\n");
	}
	BUF_LIT(b, "<category>");
	xml(b, view_str(a, "section_name"));
	BUF_LIT(b, "</category>\n");
	json_array_foreach(json_object_get(a, "tags"), i, v) {
		BUF_LIT(b, "<category>");
		xml(b, view_str(v, "name"));
		BUF_LIT(b, "</category>\n");
	}
	BUF_LIT(b, "<description>");
	xml(b, view_str(a, "dek"));
	BUF_LIT(b, "</description>\n");
	if (f->full) {
		/* HTML in XML text: escaped once, so no CDATA to break out of. */
		BUF_LIT(b, "<content:encoded>");
		xml(b, view_str(a, "body_html"));
		BUF_LIT(b, "</content:encoded>\n");
	}
	if (media[0] != '\0' && mtype[0] != '\0') {
		BUF_LIT(b, "<enclosure url=\"");
		xml_url(b, f->base, media);
		buf_printf(b, "\" length=\"%lld\" type=\"",
		    (long long)view_int(a, "media_bytes"));
		xml(b, mtype);
		BUF_LIT(b, "\"/>\n<media:content url=\"");
		xml_url(b, f->base, media);
		BUF_LIT(b, "\" type=\"");
		xml(b, mtype);
		buf_printf(b, "\" medium=\"%s\" fileSize=\"%lld\"",
		    strncmp(mtype, "video/", 6) == 0 ? "video" : "audio",
		    (long long)view_int(a, "media_bytes"));
		if (view_int(a, "media_seconds") > 0)
			buf_printf(b, " duration=\"%lld\"",
			    (long long)view_int(a, "media_seconds"));
		BUF_LIT(b, "/>\n");
	}
	if ((img = json_object_get(a, "image")) != NULL) {
		BUF_LIT(b, "<media:thumbnail url=\"");
		xml_url(b, f->base, view_str(img, "src"));
		buf_printf(b, "\" width=\"%lld\" height=\"%lld\"/>\n",
		    (long long)view_int(img, "width"), (long long)view_int(img, "height"));
	}
	if (f->podcast) {
		BUF_LIT(b, "<itunes:episodeType>full</itunes:episodeType>\n"
		    "<itunes:explicit>false</itunes:explicit>\n");
		if (view_int(a, "media_seconds") > 0) {
			fmt_duration(view_int(a, "media_seconds"), dur, sizeof(dur));
			buf_printf(b, "<itunes:duration>%s</itunes:duration>\n",
			    dur);
		}
		BUF_LIT(b, "<itunes:summary>");
		xml(b, view_str(a, "dek"));
		BUF_LIT(b, "</itunes:summary>\n");
		if (img != NULL) {
			BUF_LIT(b, "<itunes:image href=\"");
			xml_url(b, f->base, view_str(img, "src"));
			BUF_LIT(b, "\"/>\n");
		}
	}
	BUF_LIT(b, "</item>\n");
}

static void
write_rss(struct buf *b, struct feed *f)
{
	const char *lang = view_str(f->site, "language"), *logo;
	char date[64];
	json_t *a;
	size_t i;

	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<rss version=\"2.0\""
	    " xmlns:atom=\"http://www.w3.org/2005/Atom\""
	    " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""
	    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
	    " xmlns:media=\"http://search.yahoo.com/mrss/\"");
	if (f->podcast)
		BUF_LIT(b, " xmlns:itunes="
		    "\"http://www.itunes.com/dtds/podcast-1.0.dtd\"");
	BUF_LIT(b, ">\n<channel>\n<title>");
	xml(b, f->title);
	BUF_LIT(b, "</title>\n<link>");
	xml_url(b, f->base, f->page);
	BUF_LIT(b, "</link>\n<description>");
	xml(b, f->description);
	BUF_LIT(b, "</description>\n<language>");
	xml(b, lang[0] != '\0' ? lang : "en");
	BUF_LIT(b, "</language>\n<atom:link rel=\"self\""
	    " type=\"application/rss+xml\" href=\"");
	xml_url(b, f->base, f->self);
	BUF_LIT(b, "\"/>\n<generator>masthead</generator>\n");
	if (f->updated > 0) {
		view_fmt_http(f->updated, date, sizeof(date));
		buf_printf(b, "<lastBuildDate>%s</lastBuildDate>\n", date);
	}
	/* RSS takes a GIF, JPEG or PNG logo: only a configured one. */
	logo = view_str(f->site, "logo_url");
	if (logo[0] != '\0') {
		BUF_LIT(b, "<image>\n<url>");
		xml_url(b, f->base, logo);
		BUF_LIT(b, "</url>\n<title>");
		xml(b, f->title);
		BUF_LIT(b, "</title>\n<link>");
		xml_url(b, f->base, f->page);
		BUF_LIT(b, "</link>\n</image>\n");
	}
	if (view_str(f->site, "podcast_image_url")[0] != '\0')
		logo = view_str(f->site, "podcast_image_url");
	else if (logo[0] == '\0')
		logo = "/assets/favicon.svg";
	if (f->podcast) {
		const char *cat = view_str(f->site, "podcast_category");
		const char *email = view_str(f->site, "podcast_email");

		BUF_LIT(b, "<itunes:author>");
		xml(b, view_str(f->site, "site_name"));
		BUF_LIT(b, "</itunes:author>\n<itunes:summary>");
		xml(b, f->description);
		BUF_LIT(b, "</itunes:summary>\n<itunes:image href=\"");
		xml_url(b, f->base, logo);
		BUF_LIT(b, "\"/>\n<itunes:category text=\"");
		xml(b, cat[0] != '\0' ? cat : "Technology");
		BUF_LIT(b, "\"/>\n<itunes:explicit>false</itunes:explicit>\n"
		    "<itunes:type>episodic</itunes:type>\n<itunes:owner>"
		    "<itunes:name>");
		xml(b, view_str(f->site, "site_name"));
		BUF_LIT(b, "</itunes:name>");
		if (email[0] != '\0') {
			BUF_LIT(b, "<itunes:email>");
			xml(b, email);
			BUF_LIT(b, "</itunes:email>");
		}
		BUF_LIT(b, "</itunes:owner>\n");
	}
	json_array_foreach(f->items, i, a)
		rss_item(b, f, a);
	BUF_LIT(b, "</channel>\n</rss>\n");
}

static void
atom_entry(struct buf *b, struct feed *f, json_t *a)
{
	const char *media = view_str(a, "media_url"), *mtype = view_str(a, "media_type");
	char date[64];
	json_t *v;
	size_t i;

	BUF_LIT(b, "<entry>\n<title type=\"text\">");
	xml(b, view_str(a, "title"));
	BUF_LIT(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_url(b, f->base, view_str(a, "url"));
	BUF_LIT(b, "\"/>\n<id>");
	xml_url(b, f->base, view_str(a, "url"));
	BUF_LIT(b, "</id>\n<published>");
	view_fmt_iso(view_int(a, "published_at"), date, sizeof(date));
	xml(b, date);
	BUF_LIT(b, "</published>\n<updated>");
	view_fmt_iso(view_int(a, "updated_at") > view_int(a, "published_at") ?
	    view_int(a, "updated_at") : view_int(a, "published_at"), date, sizeof(date));
	xml(b, date);
	BUF_LIT(b, "</updated>\n");
	json_array_foreach(json_object_get(a, "authors"), i, v) {
		BUF_LIT(b, "<author><name>");
		xml(b, view_str(v, "name"));
		BUF_LIT(b, "</name><uri>");
		xml_url(b, f->base, view_str(v, "url"));
		BUF_LIT(b, "</uri></author>\n");
	}
	BUF_LIT(b, "<category term=\"");
	xml(b, view_str(a, "section_slug"));
	BUF_LIT(b, "\" label=\"");
	xml(b, view_str(a, "section_name"));
	BUF_LIT(b, "\"/>\n");
	json_array_foreach(json_object_get(a, "tags"), i, v) {
		BUF_LIT(b, "<category term=\"");
		xml(b, view_str(v, "slug"));
		BUF_LIT(b, "\" label=\"");
		xml(b, view_str(v, "name"));
		BUF_LIT(b, "\"/>\n");
	}
	if (media[0] != '\0' && mtype[0] != '\0') {
		BUF_LIT(b, "<link rel=\"enclosure\" type=\"");
		xml(b, mtype);
		buf_printf(b, "\" length=\"%lld\" href=\"",
		    (long long)view_int(a, "media_bytes"));
		xml_url(b, f->base, media);
		BUF_LIT(b, "\"/>\n");
	}
	BUF_LIT(b, "<summary type=\"text\">");
	xml(b, view_str(a, "dek"));
	BUF_LIT(b, "</summary>\n");
	if (f->full) {
		BUF_LIT(b, "<content type=\"html\">");
		xml(b, view_str(a, "body_html"));
		BUF_LIT(b, "</content>\n");
	}
	BUF_LIT(b, "</entry>\n");
}

static void
write_atom(struct buf *b, struct feed *f)
{
	const char *lang = view_str(f->site, "language");
	char date[64];
	json_t *a;
	size_t i;

	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	xml(b, lang[0] != '\0' ? lang : "en");
	BUF_LIT(b, "\">\n<title type=\"text\">");
	xml(b, f->title);
	BUF_LIT(b, "</title>\n<subtitle type=\"text\">");
	xml(b, f->description);
	BUF_LIT(b, "</subtitle>\n<id>");
	xml_url(b, f->base, f->self);
	BUF_LIT(b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\""
	    " href=\"");
	xml_url(b, f->base, f->self);
	BUF_LIT(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_url(b, f->base, f->page);
	BUF_LIT(b, "\"/>\n<updated>");
	/* A feed with no entry yet was last updated at the epoch. */
	view_fmt_iso(f->updated, date, sizeof(date));
	xml(b, date);
	BUF_LIT(b, "</updated>\n<author><name>");
	xml(b, view_str(f->site, "site_name"));
	BUF_LIT(b, "</name></author>\n<generator>masthead</generator>\n");
	json_array_foreach(f->items, i, a)
		atom_entry(b, f, a);
	BUF_LIT(b, "</feed>\n");
}

static json_t *
json_item(struct feed *f, json_t *a)
{
	const char *media = view_str(a, "media_url"), *mtype = view_str(a, "media_type");
	json_t *it = json_object(), *v, *arr, *img;
	char date[64];
	size_t i;

	json_object_set_new(it, "id", json_url(f->base, view_str(a, "url")));
	json_object_set_new(it, "url", json_url(f->base, view_str(a, "url")));
	json_object_set_new(it, "title", json_string(view_str(a, "title")));
	if (f->full)
		json_object_set_new(it, "content_html",
		    json_string(view_str(a, "body_html")));
	else
		json_object_set_new(it, "content_text",
		    json_string(view_str(a, "dek")));
	json_object_set_new(it, "summary", json_string(view_str(a, "dek")));
	if ((img = json_object_get(a, "image")) != NULL)
		json_object_set_new(it, "image", json_url(f->base,
		    view_str(img, "src")));
	view_fmt_iso(view_int(a, "published_at"), date, sizeof(date));
	json_object_set_new(it, "date_published", json_string(date));
	view_fmt_iso(view_int(a, "updated_at") > view_int(a, "published_at") ?
	    view_int(a, "updated_at") : view_int(a, "published_at"), date, sizeof(date));
	json_object_set_new(it, "date_modified", json_string(date));
	arr = json_array();
	json_array_foreach(json_object_get(a, "authors"), i, v)
		json_array_append_new(arr, json_pack("{s:s,s:o}", "name",
		    view_str(v, "name"), "url", json_url(f->base, view_str(v, "url"))));
	json_object_set_new(it, "authors", arr);
	arr = json_array();
	json_array_foreach(json_object_get(a, "tags"), i, v)
		json_array_append_new(arr, json_string(view_str(v, "name")));
	json_object_set_new(it, "tags", arr);
	if (media[0] != '\0' && mtype[0] != '\0') {
		v = json_pack("{s:o,s:s,s:I}", "url", json_url(f->base, media),
		    "mime_type", mtype, "size_in_bytes",
		    (json_int_t)view_int(a, "media_bytes"));
		if (view_int(a, "media_seconds") > 0)
			json_object_set_new(v, "duration_in_seconds",
			    json_integer(view_int(a, "media_seconds")));
		json_object_set_new(it, "attachments", json_pack("[o]", v));
	}
	if (json_is_true(json_object_get(a, "sponsored")))
		json_object_set_new(it, "_masthead", json_pack("{s:b,s:s}",
		    "sponsored", 1, "sponsor", view_str(a, "sponsor_name")));
	return it;
}

static void
write_json(struct buf *b, struct feed *f)
{
	const char *lang = view_str(f->site, "language");
	json_t *doc, *items = json_array(), *a;
	char *s;
	size_t i;

	json_array_foreach(f->items, i, a)
		json_array_append_new(items, json_item(f, a));
	doc = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:[{s:s}],s:o}",
	    "version", "https://jsonfeed.org/version/1.1",
	    "title", f->title,
	    "home_page_url", json_url(f->base, f->page),
	    "feed_url", json_url(f->base, f->self),
	    "description", f->description,
	    "language", lang[0] != '\0' ? lang : "en",
	    "favicon", json_url(f->base, "/favicon.ico"),
	    "authors", "name", view_str(f->site, "site_name"),
	    "items", items);
	s = json_dumps(doc, JSON_INDENT(1) | JSON_ESCAPE_SLASH |
	    JSON_PRESERVE_ORDER);
	if (s != NULL) {
		buf_puts(b, s);
		buf_putc(b, '\n');
		free(s);
	}
	json_decref(doc);
}

/*
 * Reads the list (declaring its tags), then writes the feed.  The
 * caller has filled fmt, podcast, title, description, page and self.
 */
static int
send_feed(struct req *r, struct feed *f, enum list_by by, int64_t key,
    const char *type)
{
	struct cursor first = CURSOR_FIRST, next;
	struct buf b = BUF_INIT;
	json_t *kept = NULL, *a;
	size_t i;
	int rc, status = 0;

	f->full = strcmp(config.feed_content, "full") == 0;
	f->base = page_base_url(r);
	if ((rc = page_articles(r, by, key, type, &first,
	    (int)config.feed_items, &f->items, &next)) != STORE_OK)
		return page_status(rc);
	/* After this point, all errors go through fail. */
	if ((rc = add_extras(r, f)) != STORE_OK) {
		status = page_status(rc);
		goto fail;
	}
	/* A podcast app can only play episodes that have their audio. */
	if (f->podcast) {
		kept = json_array();
		json_array_foreach(f->items, i, a)
			if (view_str(a, "media_url")[0] != '\0')
				json_array_append(kept, a);
		json_decref(f->items);
		f->items = kept;
	}
	buf_reserve(&b, 64 * 1024);
	switch (f->fmt) {
	case FEED_RSS:
		write_rss(&b, f);
		break;
	case FEED_ATOM:
		write_atom(&b, f);
		break;
	default:
		write_json(&b, f);
		break;
	}
	if (buf_err(&b)) {
		buf_free(&b);
		status = 500;
		goto fail;
	}
	http_send_buf(r, 200, ctypes[f->fmt], &b);
fail:
	json_decref(f->items);
	json_decref(f->site);
	return status;
}

/* Sets up the site model, the title "Site: what" and the URLs. */
static int
begin(struct req *r, struct feed *f, enum feed_fmt fmt, const char *what,
    const char *page)
{
	const char *name, *tagline;
	int rc;

	memset(f, 0, sizeof(*f));
	f->fmt = fmt;
	if ((rc = page_site(r, &f->site)) != STORE_OK)
		return page_status(rc);
	name = view_str(f->site, "site_name");
	tagline = view_str(f->site, "tagline");
	if (what != NULL)
		snprintf(f->title, sizeof(f->title), "%s: %s", name, what);
	else
		snprintf(f->title, sizeof(f->title), "%s", name);
	f->description = tagline[0] != '\0' ? tagline : f->title;
	snprintf(f->page, sizeof(f->page), "%s", page);
	snprintf(f->self, sizeof(f->self), "%s%s%s", page,
	    page[strlen(page) - 1] == '/' ? "" : "/", files[fmt]);
	return 0;
}

static int
site_feed(struct req *r, enum feed_fmt fmt)
{
	struct feed f;
	int status;

	if ((status = begin(r, &f, fmt, NULL, "/")) != 0)
		return status;
	return send_feed(r, &f, LIST_LATEST, 0, NULL);
}

/* A feed of a section, author or tag, named by slug in the route. */
static int
list_feed(struct req *r, enum feed_fmt fmt, enum list_by by)
{
	static int (*const get[LIST__MAX])(struct db *, const char *,
	    json_t **) = {
		[LIST_SECTION] = store_section_get,
		[LIST_AUTHOR] = store_author_get,
		[LIST_TAG] = store_tag_get,
	};
	static const char *const prefix[LIST__MAX] = {
		[LIST_SECTION] = "/section/",
		[LIST_AUTHOR] = "/author/",
		[LIST_TAG] = "/tag/",
	};
	struct feed f;
	char page[300];
	json_t *o;
	int64_t id;
	int rc, status;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	if ((rc = get[by](r->db, r->arg[0], &o)) != STORE_OK)
		return page_status(rc);
	switch (by) {
	case LIST_SECTION: view_section(o); break;
	case LIST_AUTHOR: view_author(o); break;
	default: view_tag(o); break;
	}
	id = view_int(o, "id");
	snprintf(page, sizeof(page), "%s%s", prefix[by], r->arg[0]);
	status = begin(r, &f, fmt, view_str(o, "name"), page);
	if (status == 0 && by == LIST_SECTION &&
	    view_str(o, "description")[0] != '\0')
		f.description = view_str(o, "description");
	if (status == 0)
		status = send_feed(r, &f, by, id, NULL);
	json_decref(o);
	return status;
}

int
feed_podcast(struct req *r)
{
	struct feed f;
	const char *d;
	int status;

	if ((status = begin(r, &f, FEED_RSS, "Podcast", "/type/podcast")) != 0)
		return status;
	f.podcast = 1;
	snprintf(f.self, sizeof(f.self), "/podcast.xml");
	d = view_str(f.site, "podcast_description");
	if (d[0] != '\0')
		f.description = d;
	return send_feed(r, &f, LIST_TYPE, 0, "podcast");
}

const char *
feed_file(enum feed_fmt fmt)
{
	return files[fmt];
}

const char *
feed_ctype(enum feed_fmt fmt)
{
	return ctypes[fmt];
}

int feed_site_rss(struct req *r) { return site_feed(r, FEED_RSS); }
int feed_site_atom(struct req *r) { return site_feed(r, FEED_ATOM); }
int feed_site_json(struct req *r) { return site_feed(r, FEED_JSON); }
int feed_section_rss(struct req *r) { return list_feed(r, FEED_RSS, LIST_SECTION); }
int feed_section_atom(struct req *r) { return list_feed(r, FEED_ATOM, LIST_SECTION); }
int feed_section_json(struct req *r) { return list_feed(r, FEED_JSON, LIST_SECTION); }
int feed_author_rss(struct req *r) { return list_feed(r, FEED_RSS, LIST_AUTHOR); }
int feed_author_atom(struct req *r) { return list_feed(r, FEED_ATOM, LIST_AUTHOR); }
int feed_author_json(struct req *r) { return list_feed(r, FEED_JSON, LIST_AUTHOR); }
int feed_tag_rss(struct req *r) { return list_feed(r, FEED_RSS, LIST_TAG); }
int feed_tag_atom(struct req *r) { return list_feed(r, FEED_ATOM, LIST_TAG); }
int feed_tag_json(struct req *r) { return list_feed(r, FEED_JSON, LIST_TAG); }
