/*
 * page_meta.c — what a page's head tells browsers, feed readers, search
 * engines and social sites: the canonical URL, the description, Open
 * Graph and Twitter card tags, feed autodiscovery links, and JSON-LD
 * (NewsArticle, Event, BreadcrumbList).
 *
 * It reads the finished view model of a page and adds keys under
 * "page", so the content API, which serves the same models, is not
 * changed.  Every page shares an image whose pixel size it states: its
 * own (a story's hero, an author's photo, a white paper's cover, an
 * event's picture), else the site's share image; the site's logo in
 * JSON-LD is always a raster image, as search engines take no SVG.  JSON-LD goes out raw inside <script>: it is serialised here
 * with every '<', '>', '&' and '/' written as a JSON escape, so no value
 * can close the script element or open a comment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "feed.h"
#include "req.h"
#include "page.h"
#include "sites.h"
#include "store.h"
#include "theme.h"
#include "util.h"
#include "view.h"

/* A new JSON string: base + path, or path when already absolute. */
static json_t *
abs_url(const char *base, const char *path)
{
	char url[1200];

	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0)
		return json_string(path);
	snprintf(url, sizeof(url), "%s%s", base, path);
	return json_string(url);
}

/*
 * jansson's writer for page_meta_script_json(): appends a piece of the
 * JSON text to the buffer with '<', '>' and '&' as JSON escapes, the
 * runs between them in one append.
 */
static int
script_json_put(const char *p, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '<':
		case '>':
		case '&':
			buf_append(b, p + start, i - start);
			buf_append(b, p[i] == '<' ? "\\u003c" : p[i] == '>' ?
			    "\\u003e" : "\\u0026", 6);
			start = i + 1;
			break;
		default:
			break;
		}
	}
	buf_append(b, p + start, n - start);
	return 0;
}

json_t *
page_meta_script_json(json_t *v)
{
	struct buf b = BUF_INIT;
	json_t *out;

	/* Written straight into the buffer: no string of the whole first. */
	if (json_dump_callback(v, script_json_put, &b, JSON_COMPACT |
	    JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH) != 0 || buf_err(&b)) {
		buf_free(&b);
		return json_string("{}");
	}
	/*
	 * jansson wrote every string as the valid UTF-8 it holds, and the
	 * escapes are ASCII: nothing to check again.
	 */
	out = json_stringn_nocheck(b.p != NULL ? b.p : "", b.len);
	buf_free(&b);
	return out;
}

static void
add_jsonld(json_t *page, json_t *v)
{
	json_t *arr = json_object_get(page, "jsonld");

	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(page, "jsonld", arr);
	}
	json_array_append_new(arr, json_pack("{s:o}", "json_html",
	    page_meta_script_json(v)));
	json_decref(v);
}

/*
 * An ImageObject of the image at src (site-relative or absolute) with
 * its pixel size when known (0: unknown, left out).
 */
static json_t *
image_object(const char *base, const char *src, int64_t w, int64_t h)
{
	json_t *o = json_pack("{s:s,s:o,s:o}", "@type", "ImageObject",
	    "url", abs_url(base, src), "contentUrl", abs_url(base, src));

	if (w > 0 && h > 0) {
		json_object_set_new(o, "width", json_integer(w));
		json_object_set_new(o, "height", json_integer(h));
	}
	return o;
}

/* An image of the model ({src, width, height}) as an ImageObject. */
/*
 * An episode's parts (docs/media.md): a YouTube or Vimeo film as a
 * VideoObject with its player, the transcript with the media, and the
 * show the story belongs to.
 */
static void
episode_ld(json_t *ld, json_t *a, const char *base)
{
	json_t *embed = json_object_get(a, "embed"), *img, *v;
	const char *t = view_str(a, "transcript");
	char src[200];

	if (embed != NULL && json_object_get(ld, "video") == NULL) {
		snprintf(src, sizeof(src), "%s", view_str(embed, "src"));
		src[strcspn(src, "?")] = '\0';
		v = json_pack("{s:s,s:s,s:s,s:s,s:s}", "@type", "VideoObject",
		    "name", view_str(a, "title"), "description",
		    view_str(a, "dek"), "uploadDate", view_str(a, "date_iso"),
		    "embedUrl", src);
		if ((img = json_object_get(a, "image")) != NULL)
			json_object_set_new(v, "thumbnailUrl",
			    abs_url(base, view_str(img, "src")));
		json_object_set_new(ld, "video", v);
	}
	if (t[0] != '\0') {
		if ((v = json_object_get(ld, "video")) == NULL)
			v = json_object_get(ld, "audio");
		if (v != NULL)
			json_object_set_new(v, "transcript", json_string(t));
	}
	if (view_str(a, "show_url")[0] != '\0')
		json_object_set_new(ld, "isPartOf", json_pack("{s:s,s:s,s:o}",
		    "@type", strcmp(view_str(a, "show_kind"), "video") == 0 ?
		    "CreativeWorkSeries" : "PodcastSeries", "name",
		    view_str(a, "show_title"), "url", abs_url(base,
		    view_str(a, "show_url"))));
}

static json_t *
image_of(const char *base, json_t *img)
{
	return image_object(base, view_str(img, "src"),
	    view_int(img, "width"), view_int(img, "height"));
}

static json_t *
organization(json_t *site, const char *base)
{
	json_t *logo = json_object_get(site, "logo_image");

	return json_pack("{s:s,s:s,s:o,s:o}", "@type", "Organization",
	    "name", view_str(site, "site_name"), "url", abs_url(base, "/"),
	    "logo", image_of(base, logo));
}

/* Home, then each (name, path) crumb. */
static json_t *
breadcrumbs(const char *base, json_t *site, json_t *crumbs)
{
	json_t *items = json_array(), *c;
	size_t i;

	json_array_append_new(items, json_pack("{s:s,s:i,s:s,s:o}", "@type",
	    "ListItem", "position", 1, "name", view_str(site, "site_name"), "item",
	    abs_url(base, "/")));
	json_array_foreach(crumbs, i, c)
		json_array_append_new(items, json_pack("{s:s,s:i,s:s,s:o}",
		    "@type", "ListItem", "position", (int)i + 2, "name",
		    view_str(c, "name"), "item", abs_url(base, view_str(c, "url"))));
	json_decref(crumbs);
	return json_pack("{s:s,s:s,s:o}", "@context", "https://schema.org",
	    "@type", "BreadcrumbList", "itemListElement", items);
}

static void
article_meta(json_t *page, json_t *a, json_t *site, const char *base)
{
	json_t *ld, *authors = json_array(), *v, *img, *crumbs, *tags;
	const char *credit, *licence;
	size_t i;

	json_object_set_new(page, "og_type", json_string("article"));
	json_object_set_new(page, "published_iso",
	    json_string(view_str(a, "date_iso")));
	json_object_set_new(page, "modified_iso",
	    json_string(view_str(a, "updated_iso")));
	json_object_set_new(page, "section_name",
	    json_string(view_str(a, "section_name")));
	json_object_set(page, "tags", json_object_get(a, "tags"));
	json_array_foreach(json_object_get(a, "authors"), i, v) {
		json_t *p = json_pack("{s:s,s:s,s:o}", "@type", "Person",
		    "name", view_str(v, "name"), "url", abs_url(base, view_str(v, "url")));

		if (view_str(v, "role")[0] != '\0')
			json_object_set_new(p, "jobTitle",
			    json_string(view_str(v, "role")));
		if (view_str(v, "company")[0] != '\0')
			json_object_set_new(p, "worksFor", json_pack("{s:s,s:s}",
			    "@type", "Organization", "name",
			    view_str(v, "company")));
		json_array_append_new(authors, p);
	}
	ld = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:b,s:I}",
	    "@context", "https://schema.org", "@type", "NewsArticle",
	    "url", abs_url(base, view_str(a, "url")),
	    "mainEntityOfPage", abs_url(base, view_str(a, "url")),
	    "headline", view_str(a, "title"),
	    "description", view_str(a, "dek"),
	    "datePublished", view_str(a, "date_iso"),
	    "dateModified", view_str(a, "updated_iso")[0] != '\0' ?
	    view_str(a, "updated_iso") : view_str(a, "date_iso"),
	    "author", authors,
	    "publisher", organization(site, base),
	    "articleSection", view_str(a, "section_name"),
	    "isAccessibleForFree", 1,
	    "commentCount", (json_int_t)view_int(a, "comment_count"));
	tags = json_array();
	json_array_foreach(json_object_get(a, "tags"), i, v)
		json_array_append_new(tags, json_string(view_str(v, "name")));
	json_object_set_new(ld, "keywords", tags);
	if ((img = json_object_get(a, "image")) != NULL) {
		credit = view_str(a, "hero_credit");
		if (credit[0] == '\0')
			credit = view_str(site, "site_name");
		licence = view_str(a, "hero_licence_url");
		if (licence[0] == '\0')
			licence = view_str(site, "license_url");
		v = image_of(base, img);
		json_object_set_new(v, "caption",
		    json_string(view_str(a, "hero_caption")));
		json_object_set_new(v, "creditText", json_string(credit));
		json_object_set_new(v, "copyrightNotice", json_string(credit));
		if (licence[0] != '\0')
			json_object_set_new(v, "license", abs_url(base, licence));
		json_object_set_new(ld, "image", v);
	} else if ((img = json_object_get(site, "share_image")) != NULL) {
		/* Search engines want an image with every story. */
		json_object_set_new(ld, "image", image_of(base, img));
	}
	if (view_str(a, "media_url")[0] != '\0' && view_str(a, "media_type")[0] != '\0') {
		int video = strncmp(view_str(a, "media_type"), "video/", 6) == 0;
		int64_t secs = view_int(a, "media_seconds");
		char dur[48];

		v = json_pack("{s:s,s:s,s:o,s:s}", "@type", video ?
		    "VideoObject" : "AudioObject", "name", view_str(a, "title"),
		    "contentUrl", abs_url(base, view_str(a, "media_url")),
		    "encodingFormat", view_str(a, "media_type"));
		if (secs > 0) {
			snprintf(dur, sizeof(dur), "PT%lldH%lldM%lldS",
			    (long long)(secs / 3600), (long long)(secs / 60 % 60),
			    (long long)(secs % 60));
			json_object_set_new(v, "duration", json_string(dur));
		}
		if (video) {
			/* Google wants a video's thumbnail and date. */
			json_object_set_new(v, "uploadDate",
			    json_string(view_str(a, "date_iso")));
			json_object_set_new(v, "description",
			    json_string(view_str(a, "dek")));
			if ((img = json_object_get(a, "image")) != NULL)
				json_object_set_new(v, "thumbnailUrl",
				    abs_url(base, view_str(img, "src")));
		}
		json_object_set_new(ld, video ? "video" : "audio", v);
	}
	episode_ld(ld, a, base);
	if (json_is_true(json_object_get(a, "sponsored")) ||
	    view_str(a, "sponsor_name")[0] != '\0') {
		/* Sponsored content says so to machines as to readers. */
		json_object_set_new(ld, "additionalType", json_string(
		    "https://schema.org/AdvertiserContentArticle"));
		v = json_pack("{s:s,s:s}", "@type", "Organization", "name",
		    view_str(a, "sponsor_name")[0] != '\0' ? view_str(a, "sponsor_name") :
		    "Partner");
		if (view_str(a, "sponsor_url")[0] != '\0')
			json_object_set_new(v, "url",
			    json_string(view_str(a, "sponsor_url")));
		json_object_set_new(ld, "sponsor", v);
		json_object_set_new(page, "sponsored", json_true());
	}
	add_jsonld(page, ld);
	crumbs = json_deep_copy(json_object_get(a, "section_path"));
	if (crumbs == NULL)
		crumbs = json_array();
	json_array_append_new(crumbs, json_pack("{s:s,s:s}", "name",
	    view_str(a, "title"), "url", view_str(a, "url")));
	add_jsonld(page, breadcrumbs(base, site, crumbs));
}

/*
 * Where an in-person event takes place: a Place named after the venue
 * whose address is a PostalAddress of the parts the editor filled in.
 * An event with none of them keeps the venue's own words as its address.
 */
static json_t *
place(json_t *e)
{
	static const struct {
		const char	*key, *prop;
	} parts[] = {
		{ "street_address", "streetAddress" },
		{ "locality", "addressLocality" },
		{ "region", "addressRegion" },
		{ "postal_code", "postalCode" },
		{ "country", "addressCountry" },
	};
	json_t *addr = json_pack("{s:s}", "@type", "PostalAddress");
	const char *venue = view_str(e, "venue");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parts); i++)
		if (view_str(e, parts[i].key)[0] != '\0')
			json_object_set_new(addr, parts[i].prop,
			    json_string(view_str(e, parts[i].key)));
	if (json_object_size(addr) == 1) {
		json_decref(addr);
		addr = json_string(venue);
	}
	return json_pack("{s:s,s:s,s:o}", "@type", "Place", "name", venue,
	    "address", addr);
}

/* Event or webinar: online attendance, its times, where to join. */
static void
event_meta(json_t *page, json_t *e, int webinar, json_t *site,
    const char *base)
{
	const char *mode, *venue = webinar ? "" : view_str(e, "venue");
	json_t *ld, *online_loc, *img;
	char start[32], end[32];
	int online = webinar || json_is_true(json_object_get(e, "online"));

	view_fmt_iso(view_int(e, "starts_at"), start, sizeof(start));
	view_fmt_iso(view_int(e, "ends_at"), end, sizeof(end));
	if (online && venue[0] != '\0')
		mode = "https://schema.org/MixedEventAttendanceMode";
	else if (online)
		mode = "https://schema.org/OnlineEventAttendanceMode";
	else
		mode = "https://schema.org/OfflineEventAttendanceMode";
	online_loc = json_pack("{s:s,s:o}", "@type", "VirtualLocation", "url",
	    abs_url(base, view_str(e, "url")));
	if ((img = json_object_get(e, "image")) == NULL)
		img = json_object_get(site, "share_image");
	ld = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:o}",
	    "@context", "https://schema.org", "@type", "Event",
	    "name", view_str(e, webinar ? "title" : "name"),
	    "description", view_str(e, "summary"),
	    "url", abs_url(base, view_str(e, "url")),
	    "startDate", start, "endDate", end,
	    "eventAttendanceMode", mode,
	    "eventStatus", "https://schema.org/EventScheduled",
	    "organizer", organization(site, base));
	if (img != NULL)
		json_object_set_new(ld, "image", image_of(base, img));
	if (online && venue[0] != '\0')
		json_object_set_new(ld, "location", json_pack("[o,o]",
		    online_loc, place(e)));
	else if (online)
		json_object_set_new(ld, "location", online_loc);
	else {
		json_decref(online_loc);
		json_object_set_new(ld, "location", place(e));
	}
	if (view_str(e, "sponsor_name")[0] != '\0')
		json_object_set_new(ld, "sponsor", json_pack("{s:s,s:s}",
		    "@type", "Organization", "name", view_str(e, "sponsor_name")));
	add_jsonld(page, ld);
	add_jsonld(page, breadcrumbs(base, site, json_pack("[{s:s,s:s},{s:s,s:s}]",
	    "name", webinar ? "Webinars" : "Events", "url",
	    webinar ? "/webinars" : "/events",
	    "name", view_str(e, webinar ? "title" : "name"), "url", view_str(e, "url"))));
	if (view_str(e, "summary")[0] != '\0' &&
	    json_object_get(page, "description") == NULL)
		json_object_set_new(page, "description",
		    json_string(view_str(e, "summary")));
}

/* Adds the RSS, Atom and JSON feeds of a list at path, titled title. */
static void
add_feeds(json_t *feeds, const char *base, const char *path,
    const char *title)
{
	static const char *const kinds[FEED__MAX] = {
		[FEED_RSS] = "RSS", [FEED_ATOM] = "Atom", [FEED_JSON] = "JSON Feed",
	};
	static const char *const types[FEED__MAX] = {
		[FEED_RSS] = "application/rss+xml",
		[FEED_ATOM] = "application/atom+xml",
		[FEED_JSON] = "application/feed+json",
	};
	char url[700], t[600];
	json_t *o, *st, *href;
	int f;

	for (f = 0; f < FEED__MAX; f++) {
		snprintf(url, sizeof(url), "%s%s/%s", base,
		    strcmp(path, "/") == 0 ? "" : path, feed_file(f));
		snprintf(t, sizeof(t), "%s (%s)", title, kinds[f]);
		/*
		 * By hand: json_pack() parsing its format cost more.  As
		 * with it, a string cut inside a character leaves the feed
		 * out.
		 */
		st = json_string(t);
		href = json_string(url);
		if (st == NULL || href == NULL) {
			json_decref(st);
			json_decref(href);
			continue;
		}
		o = json_object();
		json_object_set_new(o, "type", json_string(types[f]));
		json_object_set_new(o, "title", st);
		json_object_set_new(o, "href", href);
		json_array_append_new(feeds, o);
	}
}

/*
 * The image a page shares: its own image object (src, width, height,
 * alt; may be NULL), else the site's share image.  alt falls back to
 * fallback_alt, as sharing sites read the tag out to people who cannot
 * see the picture.
 */
static void
set_og_image(json_t *page, json_t *site, const char *base, json_t *img,
    const char *fallback_alt)
{
	const char *alt;
	json_t *o;

	if (img == NULL || view_str(img, "src")[0] == '\0')
		img = json_object_get(site, "share_image");
	if (img == NULL)
		return;
	alt = view_str(img, "alt");
	o = json_pack("{s:o,s:s}", "url", abs_url(base, view_str(img, "src")),
	    "alt", alt[0] != '\0' ? alt : fallback_alt);
	if (view_int(img, "width") > 0 && view_int(img, "height") > 0) {
		json_object_set_new(o, "width",
		    json_integer(view_int(img, "width")));
		json_object_set_new(o, "height",
		    json_integer(view_int(img, "height")));
	}
	json_object_set_new(page, "og_image", o);
}

/*
 * The base URL of the site a story belongs to, when it is shown on
 * another (docs/sites.md): its canonical URL stays on its home site.
 * base when the story is the request's site's own.  The article page
 * read the site with the story (the model's "home_site"); another page
 * of the article template asks the store.
 */
static const char *
home_base(struct req *r, json_t *model, json_t *a, const char *base,
    char *buf, size_t n)
{
	struct site s;
	json_t *home = json_object_get(model, "home_site");
	int64_t id, here = r->site != NULL ? r->site->id : SITES_DEFAULT;

	if (sites_count() <= 1)
		return base;
	if (json_is_integer(home))
		id = json_integer_value(home);
	else if (store_article_site(r->db, view_int(a, "id"), &id) != STORE_OK)
		return base;
	if (id == here)
		return base;
	page_dep_site_row(id);
	if (id == SITES_DEFAULT)
		return config_site_url(buf, n);
	if (sites_by_id(id, &s) != 0)
		return base;
	base = sites_url(&s, buf, n);
	if (base != buf)
		strlcpy_(buf, base, n);
	return buf;
}

void
page_meta(struct req *r, const char *tpl, json_t *model)
{
	json_t *page = json_object_get(model, "page");
	json_t *site = json_object_get(model, "site"), *o, *img = NULL;
	json_t *feeds;
	const char *base = page_base_url(r), *title, *name, *before, *num;
	char t[600], url[1200], home[512];

	if (page == NULL) {
		page = json_object();
		json_object_set_new(model, "page", page);
	}
	name = view_str(site, "site_name");
	/* A later page of a list is its own page, and says so. */
	before = http_query(r, "before");
	if (before == NULL || before[0] == '\0' ||
	    before[strspn(before, "0123456789.-")] != '\0')
		before = NULL;
	/* The story lists number their later pages (page_list.c). */
	num = before != NULL ? http_query(r, "page") : NULL;
	if (num != NULL && (num[0] == '\0' ||
	    num[strspn(num, "0123456789")] != '\0'))
		num = NULL;
	if (strcmp(tpl, "article") == 0 &&
	    (o = json_object_get(model, "article")) != NULL)
		base = home_base(r, model, o, base, home, sizeof(home));
	snprintf(url, sizeof(url), "%s%s%s%s%s%s", base, r->path != NULL ?
	    r->path : "/", before != NULL ? "?before=" : "",
	    before != NULL ? before : "", num != NULL ? "&page=" : "",
	    num != NULL ? num : "");
	json_object_set_new(page, "canonical", json_string(url));
	title = view_str(page, "title");
	json_object_set_new(page, "og_title", json_string(title[0] != '\0' ?
	    title : name));
	json_object_set_new(page, "og_type", json_string("website"));
	json_object_set(page, "og_locale", json_object_get(site, "og_locale"));
	/*
	 * A list's own feeds come first: a feed reader offered the page
	 * subscribes to the first one, and on a section's page that is
	 * the section's.  The site's feeds follow.
	 */
	feeds = json_array();
	if (strcmp(tpl, "article") == 0 &&
	    (o = json_object_get(model, "article")) != NULL) {
		article_meta(page, o, site, base);
		img = json_object_get(o, "image");
		/* The newsroom's overrides; JSON-LD keeps the real headline. */
		if (view_str(o, "seo_title")[0] != '\0') {
			json_object_set(page, "head_title",
			    json_object_get(o, "seo_title"));
			json_object_set(page, "og_title",
			    json_object_get(o, "seo_title"));
		}
		if (view_str(o, "seo_description")[0] != '\0')
			json_object_set(page, "description",
			    json_object_get(o, "seo_description"));
		if (json_object_get(o, "seo_image") != NULL)
			img = json_object_get(o, "seo_image");
	} else if ((strcmp(tpl, "event") == 0 || strcmp(tpl, "webinar") == 0) &&
	    (o = json_object_get(model, tpl)) != NULL) {
		event_meta(page, o, tpl[0] == 'w', site, base);
		img = json_object_get(o, "image");
		snprintf(url, sizeof(url), "%s%s.ics", base, view_str(o, "url"));
		json_object_set_new(page, "calendar", json_string(url));
	} else if (strcmp(tpl, "section") == 0 &&
	    (o = json_object_get(model, "section")) != NULL) {
		snprintf(t, sizeof(t), "%s: %s", name, view_str(o, "name"));
		add_feeds(feeds, base, view_str(o, "url"), t);
		if (view_str(o, "description")[0] != '\0')
			json_object_set_new(page, "description",
			    json_string(view_str(o, "description")));
		add_jsonld(page, breadcrumbs(base, site, json_deep_copy(
		    json_object_get(model, "section_path"))));
	} else if ((strcmp(tpl, "author") == 0 || strcmp(tpl, "tag") == 0) &&
	    (o = json_object_get(model, tpl)) != NULL) {
		snprintf(t, sizeof(t), "%s: %s", name, view_str(o, "name"));
		add_feeds(feeds, base, view_str(o, "url"), t);
		if (tpl[0] == 'a' && view_str(o, "bio")[0] != '\0')
			json_object_set_new(page, "description",
			    json_string(view_str(o, "bio")));
		if (tpl[0] == 'a') {
			json_object_set_new(page, "og_type",
			    json_string("profile"));
			img = json_object_get(o, "photo");
		}
	} else if (strcmp(tpl, "resource") == 0 &&
	    (o = json_object_get(model, "resource")) != NULL) {
		img = json_object_get(o, "image");
		if (view_str(o, "summary")[0] != '\0')
			json_object_set_new(page, "description",
			    json_string(view_str(o, "summary")));
		add_jsonld(page, breadcrumbs(base, site, json_pack(
		    "[{s:s,s:s},{s:s,s:s}]", "name", "White papers", "url",
		    "/resources", "name", view_str(o, "title"), "url",
		    view_str(o, "url"))));
	} else if (strcmp(tpl, "home") == 0) {
		/* The publisher, with its logo, where search engines look. */
		o = json_pack("{s:s}", "@context", "https://schema.org");
		json_object_update_new(o, organization(site, base));
		add_jsonld(page, o);
	} else if (strcmp(tpl, "type") == 0 &&
	    strcmp(view_str(model, "type"), "podcast") == 0) {
		snprintf(url, sizeof(url), "%s/podcast.xml", base);
		snprintf(t, sizeof(t), "%s: Podcast", name);
		json_array_append_new(feeds, json_pack("{s:s,s:s,s:s}", "type",
		    "application/rss+xml", "title", t, "href", url));
	} else if (strcmp(tpl, "events") == 0 || strcmp(tpl, "webinars") == 0) {
		/* A list of one topic or series has a calendar of its own. */
		if (view_str(model, "calendar_url")[0] == '/')
			snprintf(url, sizeof(url), "%s%s", base,
			    view_str(model, "calendar_url"));
		else
			snprintf(url, sizeof(url), "%s/%s.ics", base, tpl);
		json_object_set_new(page, "calendar", json_string(url));
	}
	/* The feeds offered are this site's, whoever's story it is. */
	base = page_base_url(r);
	add_feeds(feeds, base, "/", name);
	json_object_set_new(page, "feeds", feeds);
	set_og_image(page, site, base, img, view_str(page, "og_title"));
	if (json_object_get(page, "description") == NULL &&
	    view_str(site, "tagline")[0] != '\0')
		json_object_set_new(page, "description",
		    json_string(view_str(site, "tagline")));
	json_object_set_new(page, "twitter_card", json_string(
	    json_object_get(page, "og_image") != NULL ? "summary_large_image" :
	    "summary"));
}

/* Languages whose main country is not their own code in capitals. */
static const struct {
	const char	*lang, *locale;
} locales[] = {
	{ "ar", "ar_AR" }, { "bn", "bn_IN" }, { "ca", "ca_ES" },
	{ "cs", "cs_CZ" }, { "da", "da_DK" }, { "el", "el_GR" },
	{ "en", "en_US" }, { "et", "et_EE" }, { "fa", "fa_IR" },
	{ "he", "he_IL" }, { "hi", "hi_IN" }, { "ja", "ja_JP" },
	{ "ko", "ko_KR" }, { "ms", "ms_MY" }, { "nb", "nb_NO" },
	{ "pt", "pt_BR" }, { "sl", "sl_SI" }, { "sq", "sq_AL" },
	{ "sr", "sr_RS" }, { "sv", "sv_SE" }, { "uk", "uk_UA" },
	{ "vi", "vi_VN" }, { "zh", "zh_CN" },
};

/*
 * Open Graph names a locale as language_TERRITORY ("en_GB"); the site's
 * language setting is a BCP 47 tag ("en", "en-GB", "zh-Hant-TW").
 */
static void
og_locale(const char *tag, char *out, size_t outsz)
{
	char lang[4] = "", region[3] = "";
	size_t n = 0, k, i;
	const char *p;

	while (n < 3 && ((tag[n] | 0x20) >= 'a' && (tag[n] | 0x20) <= 'z'))
		n++;
	if (n < 2 || (tag[n] != '\0' && tag[n] != '-' && tag[n] != '_')) {
		strlcpy_(out, "en_US", outsz);
		return;
	}
	for (i = 0; i < n; i++)
		lang[i] = (char)(tag[i] | 0x20);
	lang[n] = '\0';
	/* The first two-letter subtag after the language is the region. */
	for (p = tag + n; *p == '-' || *p == '_'; p += k) {
		p++;
		k = strcspn(p, "-_");
		if (k == 2 && ((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') &&
		    ((p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'z')) {
			region[0] = (char)(p[0] & ~0x20);
			region[1] = (char)(p[1] & ~0x20);
			break;
		}
	}
	if (region[0] != '\0') {
		snprintf(out, outsz, "%s_%s", lang, region);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(locales); i++)
		if (strcmp(locales[i].lang, lang) == 0) {
			strlcpy_(out, locales[i].locale, outsz);
			return;
		}
	snprintf(out, outsz, "%s_%c%c", lang, lang[0] & ~0x20, lang[1] & ~0x20);
}

/* The 64 hex digits of an uploaded image: "<hash>" or "/media/<hash>.<ext>". */
static int
media_hash(const char *s, char hash[65])
{
	size_t i;

	if (strncmp(s, "/media/", 7) == 0)
		s += 7;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	if (s[64] != '\0' && s[64] != '.')
		return -1;
	memcpy(hash, s, 64);
	hash[64] = '\0';
	return 0;
}

/* An uploaded image as {src, width, height, alt}, or NULL. */
static json_t *
uploaded(struct db *db, const char *setting)
{
	char hash[65], src[96];
	json_t *row, *img;

	if (media_hash(setting, hash) != 0 ||
	    store_image_get(db, hash, &row) != STORE_OK)
		return NULL;
	snprintf(src, sizeof(src), "/media/%s.%s", hash, view_str(row, "ext"));
	img = json_pack("{s:s,s:I,s:I,s:s}", "src", src, "width",
	    (json_int_t)view_int(row, "width"), "height",
	    (json_int_t)view_int(row, "height"), "alt", view_str(row, "alt"));
	json_decref(row);
	return img;
}

/* A theme asset as {src, width, height}, or NULL when it is not raster. */
static json_t *
theme_image(const char *name)
{
	const struct asset *a = theme_asset(name);
	char src[300];

	if (a == NULL || a->width <= 0)
		return NULL;
	snprintf(src, sizeof(src), "/assets/%s", a->name);
	return json_pack("{s:s,s:i,s:i}", "src", src, "width", a->width,
	    "height", a->height);
}

/* Whether an address names an SVG file, which no search engine takes. */
static int
is_svg(const char *url)
{
	size_t n = strcspn(url, "?#");

	return n >= 4 && strncasecmp(url + n - 4, ".svg", 4) == 0;
}

void
page_meta_site(struct db *db, json_t *site)
{
	const char *logo = view_str(site, "logo_url");
	char loc[16], alt[300];
	json_t *img;

	og_locale(view_str(site, "language"), loc, sizeof(loc));
	json_object_set_new(site, "og_locale", json_string(loc));
	/* The logo: an upload or a theme file with its size, else as given. */
	img = NULL;
	if (logo[0] != '\0' && !is_svg(logo)) {
		if ((img = uploaded(db, logo)) == NULL &&
		    strncmp(logo, "/assets/", 8) == 0)
			img = theme_image(logo + 8);
		if (img == NULL)
			img = json_pack("{s:s}", "src", logo);
	}
	if (img == NULL)
		img = theme_image("logo.png");
	if (img == NULL)
		img = json_pack("{s:s}", "src", "/assets/favicon.svg");
	json_object_set_new(site, "logo_image", img);
	/* The share image: an upload named by share_image, else the theme's. */
	img = uploaded(db, view_str(site, "share_image"));
	if (img == NULL && (img = theme_image("share.png")) != NULL) {
		snprintf(alt, sizeof(alt), "The %s logo",
		    view_str(site, "site_name"));
		json_object_set_new(img, "alt", json_string(alt));
	}
	if (img != NULL)
		json_object_set_new(site, "share_image", img);
}
