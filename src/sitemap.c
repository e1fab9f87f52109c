/*
 * sitemap.c — robots.txt, the sitemap index, the sitemaps of stories,
 * sections, authors, tags and pages, the Google News sitemap and the
 * video sitemap.
 *
 * Story, section, author and tag sitemaps are cut by id ranges of
 * SITEMAP_MAX ids (/sitemaps/articles-1.xml holds ids 1 to 50,000): no
 * file can pass the protocol's 50,000 URLs, a story stays in one file for
 * life, and each file is one range scan of a primary key however large
 * the archive grows.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "episode.h"
#include "escape.h"
#include "feed.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "util.h"
#include "view.h"

#define SITEMAP_MAX	50000		/* URLs per sitemap (the protocol's limit) */
#define NEWS_MAX	1000		/* URLs in a news sitemap (Google's limit) */
#define NEWS_WINDOW	(48 * 3600)	/* stories of the last two days */
#define VIDEO_MAX	1000		/* the newest videos in the video sitemap */
#define XML_CTYPE	"application/xml; charset=utf-8"

static const char *const kind_names[MAP__MAX] = {
	[MAP_ARTICLES] = "articles",
	[MAP_SECTIONS] = "sections",
	[MAP_AUTHORS] = "authors",
	[MAP_TAGS] = "tags",
};

static const char *const kind_paths[MAP__MAX] = {
	[MAP_ARTICLES] = "/article/",
	[MAP_SECTIONS] = "/section/",
	[MAP_AUTHORS] = "/author/",
	[MAP_TAGS] = "/tag/",
};

static void
xml(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s));
}

static int
send_xml(struct req *r, struct buf *b)
{
	if (buf_err(b))
		return 500;
	http_send_buf(r, 200, XML_CTYPE, b);
	return 0;
}

/* One <url> entry: base + prefix + slug, and lastmod when t > 0. */
static void
url_entry(struct buf *b, const char *base, const char *prefix,
    const char *slug, int64_t t)
{
	char iso[32];

	BUF_LIT(b, "<url><loc>");
	xml(b, base);
	xml(b, prefix);
	xml(b, slug);
	BUF_LIT(b, "</loc>");
	if (t > 0) {
		view_fmt_iso(t, iso, sizeof(iso));
		buf_printf(b, "<lastmod>%s</lastmod>", iso);
	}
	BUF_LIT(b, "</url>\n");
}

#define URLSET_OPEN \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"

int
sitemap_robots(struct req *r)
{
	struct buf *b = own_buf(r, 0);

	BUF_LIT(b, "# masthead\nUser-agent: *\nAllow: /\n"
	    "Disallow: /api/v1/admin/\nDisallow: /signin\n\nSitemap: ");
	buf_puts(b, page_base_url(r));
	BUF_LIT(b, "/sitemap.xml\n");
	if (buf_err(b))
		return 500;
	http_send_buf(r, 200, "text/plain; charset=utf-8", b);
	return 0;
}

int
sitemap_index(struct req *r)
{
	struct buf *b = own_buf(r, 0);
	const char *base = page_base_url(r);
	int64_t max, n, i;
	int k;

	page_dep_list_tag(tag_latest());
	cache_dep_str(tag_sections().s);
	cache_dep_str(tag_authors().s);
	cache_dep_until(store_next_publish(r->db, page_now()));
	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	BUF_LIT(b, "<sitemap><loc>");
	xml(b, base);
	BUF_LIT(b, "/sitemaps/news.xml</loc></sitemap>\n<sitemap><loc>");
	xml(b, base);
	BUF_LIT(b, "/sitemaps/pages.xml</loc></sitemap>\n<sitemap><loc>");
	xml(b, base);
	BUF_LIT(b, "/sitemaps/video.xml</loc></sitemap>\n");
	for (k = 0; k < MAP__MAX; k++) {
		max = store_map_max_id(r->db, (enum map_kind)k);
		n = max <= 0 ? 1 : (max + SITEMAP_MAX - 1) / SITEMAP_MAX;
		for (i = 1; i <= n; i++) {
			BUF_LIT(b, "<sitemap><loc>");
			xml(b, base);
			buf_printf(b, "/sitemaps/%s-%lld.xml</loc></sitemap>\n",
			    kind_names[k], (long long)i);
		}
	}
	BUF_LIT(b, "</sitemapindex>\n");
	return send_xml(r, b);
}

/* "articles-3" -> MAP_ARTICLES, 3; -1 when it names no sitemap. */
static int
parse_part(const char *name, size_t len, enum map_kind *k, int64_t *n)
{
	size_t i, kl;

	for (i = 0; i < MAP__MAX; i++) {
		kl = strlen(kind_names[i]);
		if (len > kl + 1 && memcmp(name, kind_names[i], kl) == 0 &&
		    name[kl] == '-' && name[kl + 1] != '0' &&
		    parse_int(name + kl + 1, len - kl - 1, 1,
		    INT64_MAX / SITEMAP_MAX, n) == 0) {
			*k = (enum map_kind)i;
			return 0;
		}
	}
	return -1;
}

static int
news(struct req *r)
{
	struct buf *b = own_buf(r, 0);
	const char *base = page_base_url(r);
	int64_t now = page_now(), oldest = 0;
	json_t *list, *site, *a;
	char iso[32];
	size_t i;
	int rc;

	if ((rc = page_site(r, &site)) != STORE_OK)
		return status_store(rc);
	own_json(r, site);
	if ((rc = store_map_news(r->db, now - NEWS_WINDOW, now, NEWS_MAX,
	    &list)) != STORE_OK)
		return status_store(rc);
	own_json(r, list);
	page_dep_list_tag(tag_latest());
	/* A story a sponsored hub takes in (or lets go) leaves (or joins) it. */
	cache_dep_str(tag_hubs().s);
	cache_dep_until(store_next_publish(r->db, now));
	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""
	    " xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n");
	json_array_foreach(list, i, a) {
		cache_dep_str(tag_article(view_int(a, "id")).s);
		oldest = view_int(a, "published_at");
		BUF_LIT(b, "<url><loc>");
		xml(b, base);
		BUF_LIT(b, "/article/");
		xml(b, view_str(a, "slug"));
		BUF_LIT(b, "</loc>");
		view_fmt_iso(view_int(a, "updated_at") > view_int(a, "published_at") ?
		    view_int(a, "updated_at") : view_int(a, "published_at"), iso,
		    sizeof(iso));
		buf_printf(b, "<lastmod>%s</lastmod>", iso);
		BUF_LIT(b, "<news:news><news:publication><news:name>");
		xml(b, view_str(site, "site_name"));
		BUF_LIT(b, "</news:name><news:language>");
		xml(b, view_str(site, "language")[0] != '\0' ?
		    view_str(site, "language") : "en");
		BUF_LIT(b, "</news:language></news:publication>"
		    "<news:publication_date>");
		view_fmt_iso(view_int(a, "published_at"), iso, sizeof(iso));
		xml(b, iso);
		BUF_LIT(b, "</news:publication_date><news:title>");
		xml(b, view_str(a, "title"));
		BUF_LIT(b, "</news:title></news:news></url>\n");
	}
	/* The oldest story leaves the sitemap when it turns 48 hours old. */
	if (oldest > 0)
		cache_dep_until(oldest + NEWS_WINDOW + 1);
	BUF_LIT(b, "</urlset>\n");
	return send_xml(r, b);
}

/* An absolute URL: base + path, or path when it is absolute already. */
static void
xml_abs(struct buf *b, const char *base, const char *path)
{
	if (strncmp(path, "https://", 8) != 0 &&
	    strncmp(path, "http://", 7) != 0)
		xml(b, base);
	xml(b, path);
}

/*
 * Google's video sitemap: the newest video stories, each with its
 * picture, title, description, and its file (content_loc) or the
 * player of its YouTube or Vimeo link (player_loc).  A video with
 * neither, or without a picture, is not one Google takes.
 */
static int
videos(struct req *r)
{
	struct cursor first = CURSOR_FIRST, next;
	struct buf *b = own_buf(r, 0);
	const char *base = page_base_url(r), *media, *embed;
	json_t *list, *a, *x, *img;
	char iso[32], id[64], player[200];
	enum embed_provider p;
	size_t i;
	int rc;

	if ((rc = page_articles(r, LIST_TYPE, 0, "video", &first, VIDEO_MAX,
	    &list, &next)) != STORE_OK)
		return status_store(rc);
	own_json(r, list);
	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""
	    " xmlns:video=\"http://www.google.com/schemas/sitemap-video/1.1\">"
	    "\n");
	json_array_foreach(list, i, a) {
		if ((rc = store_article_feed_extra(r->db, view_int(a, "id"),
		    &x)) != STORE_OK)
			return status_store(rc);
		own_json(r, x);
		media = view_str(x, "media_url");
		embed = view_str(x, "embed_url");
		p = embed[0] != '\0' ? episode_embed(embed, id, sizeof(id)) :
		    EMBED_NONE;
		img = json_object_get(a, "image");
		if (img == NULL || (media[0] == '\0' && p == EMBED_NONE))
			continue;
		BUF_LIT(b, "<url><loc>");
		xml(b, base);
		BUF_LIT(b, "/article/");
		xml(b, view_str(a, "slug"));
		BUF_LIT(b, "</loc><video:video><video:thumbnail_loc>");
		xml_abs(b, base, view_str(img, "src"));
		BUF_LIT(b, "</video:thumbnail_loc><video:title>");
		xml(b, view_str(a, "title"));
		BUF_LIT(b, "</video:title><video:description>");
		xml(b, view_str(a, view_str(a, "dek")[0] != '\0' ? "dek" :
		    "title"));
		BUF_LIT(b, "</video:description>");
		if (media[0] != '\0') {
			BUF_LIT(b, "<video:content_loc>");
			xml_abs(b, base, media);
			BUF_LIT(b, "</video:content_loc>");
		} else {
			episode_embed_src(p, id, player, sizeof(player));
			/* The player itself, not told to start on its own. */
			player[strcspn(player, "?")] = '\0';
			BUF_LIT(b, "<video:player_loc>");
			xml(b, player);
			BUF_LIT(b, "</video:player_loc>");
		}
		if (view_int(x, "media_seconds") > 0)
			buf_printf(b, "<video:duration>%lld</video:duration>",
			    (long long)view_int(x, "media_seconds"));
		view_fmt_iso(view_int(a, "published_at"), iso, sizeof(iso));
		BUF_LIT(b, "<video:publication_date>");
		xml(b, iso);
		BUF_LIT(b, "</video:publication_date></video:video></url>\n");
	}
	BUF_LIT(b, "</urlset>\n");
	return send_xml(r, b);
}

/* The address search engines' guides give a video sitemap: ours. */
int
sitemap_video_moved(struct req *r)
{
	http_redirect(r, 301, "/sitemaps/video.xml");
	return 0;
}

static int
pages(struct req *r)
{
	static const struct {
		const char	*kind;
		const char	*prefix;
	} prefixes[] = {
		{ "page", "/" }, { "event", "/events/" },
		{ "webinar", "/webinars/" },
	};
	struct buf *b = own_buf(r, 0);
	const char *base = page_base_url(r);
	struct cursor first = CURSOR_FIRST;
	json_t *list, *res, *p;
	int64_t now = page_now(), t;
	size_t i, j;
	int rc;

	if ((rc = store_map_pages(r->db, &list)) != STORE_OK)
		return status_store(rc);
	own_json(r, list);
	/* White papers: every save drops "resources" (docs/resources.md). */
	if ((rc = store_resources(r->db, now, &first, SITEMAP_MAX, &res)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, res);
	cache_dep_str(tag_events().s);
	cache_dep_str(tag_webinars().s);
	cache_dep_str(tag_resources().s);
	if ((t = store_resources_next_publish(r->db, now)) > 0)
		cache_dep_until(t);
	BUF_LIT(b, URLSET_OPEN);
	url_entry(b, base, "/", "", 0);
	url_entry(b, base, "/events", "", 0);
	url_entry(b, base, "/webinars", "", 0);
	url_entry(b, base, "/resources", "", 0);
	json_array_foreach(list, i, p) {
		for (j = 0; j < ARRAY_SIZE(prefixes); j++)
			if (strcmp(view_str(p, "kind"), prefixes[j].kind) == 0)
				url_entry(b, base, prefixes[j].prefix,
				    view_str(p, "slug"), view_int(p, "lastmod_at"));
	}
	json_array_foreach(res, i, p)
		url_entry(b, base, "/resources/", view_str(p, "slug"),
		    view_int(p, "updated_at"));
	BUF_LIT(b, "</urlset>\n");
	return send_xml(r, b);
}

int
sitemap_part(struct req *r)
{
	struct buf *b;
	const char *base;
	enum map_kind k;
	int64_t n, lo, t;
	json_t *list, *row;
	size_t i;
	int rc;

	if (r->arglen[0] == 4 && memcmp(r->arg[0], "news", 4) == 0)
		return news(r);
	if (r->arglen[0] == 5 && memcmp(r->arg[0], "pages", 5) == 0)
		return pages(r);
	if (r->arglen[0] == 5 && memcmp(r->arg[0], "video", 5) == 0)
		return videos(r);
	if (parse_part(r->arg[0], r->arglen[0], &k, &n) != 0)
		return 404;
	lo = (n - 1) * SITEMAP_MAX + 1;
	/* Past the last part is not a sitemap, however high the number. */
	if (n > 1 && store_map_max_id(r->db, k) < lo)
		return 404;
	base = page_base_url(r);
	if ((rc = store_map_slice(r->db, k, lo, lo + SITEMAP_MAX - 1,
	    page_now(), &list)) != STORE_OK)
		return status_store(rc);
	own_json(r, list);
	page_dep_list_tag(tag_latest());
	if (k == MAP_SECTIONS)
		cache_dep_str(tag_sections().s);
	if (k == MAP_AUTHORS)
		cache_dep_str(tag_authors().s);
	cache_dep_until(store_next_publish(r->db, page_now()));
	b = own_buf(r, 0);
	BUF_LIT(b, URLSET_OPEN);
	json_array_foreach(list, i, row) {
		if (k == MAP_ARTICLES) {
			t = view_int(row, "updated_at") > view_int(row, "published_at") ?
			    view_int(row, "updated_at") : view_int(row, "published_at");
		} else {
			t = view_int(row, "lastmod_at");
			/*
			 * A tag no published story carries has no page worth
			 * listing, nor on a sister site an author of none of
			 * its stories (store_map_slice).
			 */
			if ((k == MAP_TAGS || (k == MAP_AUTHORS &&
			    store_scope() > SITES_DEFAULT)) && t == 0)
				continue;
		}
		url_entry(b, base, kind_paths[k], view_str(row, "slug"), t);
	}
	BUF_LIT(b, "</urlset>\n");
	return send_xml(r, b);
}
