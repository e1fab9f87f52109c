/*
 * store_feed.c — what feeds, calendars and sitemaps read beyond the
 * story lists: a story's full text and media, and the id-ranged slices
 * of the archive that sitemaps are cut into.
 */
#include "db.h"
#include "sites.h"
#include "store.h"
#include "util.h"

/* The hero's caption and credit fall back to the image's, as on the page. */
static const char sql_feed_extra[] =
    "SELECT a.body_html,"
    " COALESCE(NULLIF(a.hero_caption, ''), i.caption, '') AS hero_caption,"
    " COALESCE(NULLIF(a.hero_credit, ''), i.credit, '') AS hero_credit,"
    " a.hero_licence, a.hero_licence_url, a.media_url, a.media_type,"
    " a.media_bytes, a.media_seconds, a.embed_url,"
    " CASE WHEN a.transcript = '' THEN 0 ELSE 1 END AS has_transcript,"
    " CASE WHEN a.chapters = '' THEN 0 ELSE 1 END AS has_chapters"
    " FROM articles a LEFT JOIN images i ON i.id = a.hero_image_id"
    " WHERE a.id = $1";

/*
 * Sitemaps are cut by id ranges: a story stays in the same sitemap for
 * life, and each one is a range scan of a primary key, however large the
 * archive.  $1 and $2 bound the ids, $3 is now.
 */
static const char sql_map_articles[] =
    "SELECT id, slug, updated_at, published_at FROM articles"
    " WHERE id BETWEEN $1 AND $2 AND status = 'published'"
    " AND published_at <= $3 ORDER BY id";
/*
 * lastmod of a section, author or tag is its newest story: the first row
 * of its listing index, newest first, that is published (a story taken
 * down keeps its listing rows until it is published again).
 */
static const char sql_map_sections[] =
    "SELECT s.id, s.slug, (SELECT x.published_at FROM section_articles x"
    "  WHERE x.section_id = s.id AND x.published_at <= $3"
    "  ORDER BY x.published_at DESC LIMIT 1) AS lastmod_at"
    " FROM sections s WHERE s.id BETWEEN $1 AND $2 ORDER BY s.id";
static const char sql_map_authors[] =
    "SELECT au.id, au.slug, (SELECT x.published_at"
    "  FROM article_authors x JOIN articles a ON a.id = x.article_id"
    "  WHERE x.author_id = au.id AND a.status = 'published'"
    "  AND x.published_at <= $3"
    "  ORDER BY x.published_at DESC, x.article_id DESC LIMIT 1) AS lastmod_at"
    " FROM authors au WHERE au.id BETWEEN $1 AND $2 ORDER BY au.id";
static const char sql_map_tags[] =
    "SELECT t.id, t.slug, (SELECT x.published_at"
    "  FROM article_tags x JOIN articles a ON a.id = x.article_id"
    "  WHERE x.tag_id = t.id AND a.status = 'published'"
    "  AND x.published_at <= $3"
    "  ORDER BY x.published_at DESC, x.article_id DESC LIMIT 1) AS lastmod_at"
    " FROM tags t WHERE t.id BETWEEN $1 AND $2 ORDER BY t.id";

/*
 * With several sites (docs/sites.md) a site's sitemaps list only its
 * own stories, whose canonical URLs are its own: $4 is the site.
 */
static const char sql_map_articles_site[] =
    "SELECT id, slug, updated_at, published_at FROM articles"
    " WHERE id BETWEEN $1 AND $2 AND status = 'published'"
    " AND published_at <= $3 AND site_id = $4 ORDER BY id";

/*
 * A sister site's sitemaps of sections, authors and tags (with $4 the
 * site) list its own sections, and the authors and tags of its stories
 * and those shown on it, with their newest such story as lastmod; one
 * with none has lastmod 0 and is left out.  The instance's own lists
 * every one, as an instance of one site does.
 */
#define MAP_IN_SITE \
    " AND (a.site_id = $4 OR EXISTS (SELECT 1 FROM article_sites z" \
    "  WHERE z.article_id = a.id AND z.site_id = $4))"
static const char sql_map_sections_site[] =
    "SELECT s.id, s.slug, (SELECT x.published_at FROM section_articles x"
    "  WHERE x.section_id = s.id AND x.published_at <= $3"
    "  ORDER BY x.published_at DESC LIMIT 1) AS lastmod_at"
    " FROM sections s WHERE s.id BETWEEN $1 AND $2 AND s.site_id = $4"
    " ORDER BY s.id";
static const char sql_map_authors_site[] =
    "SELECT au.id, au.slug, COALESCE((SELECT x.published_at"
    "  FROM article_authors x JOIN articles a ON a.id = x.article_id"
    "  WHERE x.author_id = au.id AND a.status = 'published'"
    "  AND x.published_at <= $3" MAP_IN_SITE
    "  ORDER BY x.published_at DESC, x.article_id DESC LIMIT 1), 0)"
    " AS lastmod_at"
    " FROM authors au WHERE au.id BETWEEN $1 AND $2 ORDER BY au.id";
static const char sql_map_tags_site[] =
    "SELECT t.id, t.slug, (SELECT x.published_at"
    "  FROM article_tags x JOIN articles a ON a.id = x.article_id"
    "  WHERE x.tag_id = t.id AND a.status = 'published'"
    "  AND x.published_at <= $3" MAP_IN_SITE
    "  ORDER BY x.published_at DESC, x.article_id DESC LIMIT 1) AS lastmod_at"
    " FROM tags t WHERE t.id BETWEEN $1 AND $2 ORDER BY t.id";
#undef MAP_IN_SITE

static const char *const sql_map_site[MAP__MAX] = {
	[MAP_ARTICLES] = sql_map_articles_site,
	[MAP_SECTIONS] = sql_map_sections_site,
	[MAP_AUTHORS] = sql_map_authors_site,
	[MAP_TAGS] = sql_map_tags_site,
};

static const char *const sql_map[MAP__MAX] = {
	[MAP_ARTICLES] = sql_map_articles,
	[MAP_SECTIONS] = sql_map_sections,
	[MAP_AUTHORS] = sql_map_authors,
	[MAP_TAGS] = sql_map_tags,
};

static const char *const sql_map_max[MAP__MAX] = {
	[MAP_ARTICLES] = "SELECT max(id) FROM articles WHERE id > $1",
	[MAP_SECTIONS] = "SELECT max(id) FROM sections WHERE id > $1",
	[MAP_AUTHORS] = "SELECT max(id) FROM authors WHERE id > $1",
	[MAP_TAGS] = "SELECT max(id) FROM tags WHERE id > $1",
};

/*
 * Google News takes stories of the last two days; sponsored stories
 * (Partner Perspectives, or anything with a sponsor) are not news.
 */
#define NEWS_SQL(site) \
    "SELECT id, slug, title, published_at, updated_at FROM articles" \
    " WHERE status = 'published' AND published_at > $1" \
    " AND published_at <= $2 AND type <> 'partner-perspective'" \
    " AND sponsor_id IS NULL AND NOT EXISTS (SELECT 1 FROM hub_items x" \
    "  JOIN hubs h ON h.id = x.hub_id WHERE x.kind = 'article'" \
    "  AND x.item_id = articles.id AND h.kind = 'sponsored')" site \
    " ORDER BY published_at DESC, id DESC LIMIT $3"
static const char sql_news[] = NEWS_SQL("");
/* A site's own (docs/sites.md): $4 is the site. */
static const char sql_news_site[] = NEWS_SQL(" AND site_id = $4");
#undef NEWS_SQL

/* The static pages, events and webinars, for the sitemap of pages. */
/*
 * Ordered by kind, then id: a UNION ALL alone comes back in whatever
 * order the engine finds the rows, which on PostgreSQL differs between
 * two databases holding the same rows (a copy, an import).
 */
static const char sql_map_pages[] =
    "SELECT kind, slug, lastmod_at FROM ("
    "SELECT 0 AS o, id, 'page' AS kind, slug, updated_at AS lastmod_at"
    " FROM pages WHERE id > $1"
    " UNION ALL SELECT 1, id, 'event', slug, NULL FROM events WHERE id > $1"
    " AND trashed_at IS NULL"
    " UNION ALL SELECT 2, id, 'webinar', slug, NULL FROM webinars"
    " WHERE id > $1 AND trashed_at IS NULL) AS m ORDER BY o, id";

int
store_article_feed_extra(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_feed_extra, id, out);
}

int64_t
store_map_max_id(struct db *db, enum map_kind k)
{
	return store_scalar(db, sql_map_max[k], 0);
}

int
store_map_slice(struct db *db, enum map_kind k, int64_t lo, int64_t hi,
    int64_t now, json_t **out)
{
	struct db_stmt *st;

	int site = store_scope() != 0 && (k == MAP_ARTICLES ||
	    store_scope() != SITES_DEFAULT);

	*out = NULL;
	if ((st = db_stmt(db, site ? sql_map_site[k] : sql_map[k])) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, lo);
	db_bind_int(st, 2, hi);
	db_bind_int(st, 3, now);
	if (site)
		db_bind_int(st, 4, store_scope());
	return store_rows_json(st, out);
}

int
store_map_news(struct db *db, int64_t since, int64_t now, int limit,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, store_scope() != 0 ? sql_news_site :
	    sql_news)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, since);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, limit);
	if (store_scope() != 0)
		db_bind_int(st, 4, store_scope());
	return store_rows_json(st, out);
}

int
store_map_pages(struct db *db, json_t **out)
{
	return store_rows_by_id(db, sql_map_pages, 0, out);
}
