/*
 * feed.c — RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the whole site and of
 * every section, author and tag, the podcast feeds (RSS with enclosures,
 * iTunes tags and, for each show, Podcasting 2.0's transcripts and
 * chapters), and the Atom feed of each story's comments.
 *
 * Every byte of text goes out through esc_xml (or, in JSON Feed, through
 * esc_utf8 and jansson), never an HTML template, so no row of the
 * database, however it got there, can make a document that a strict
 * parser refuses.
 *
 * A feed mirrors a story list: it reads the list through page_articles(),
 * so it carries the same dependency tags as the page it mirrors, and a
 * publish, edit or unpublish that changes the list drops the feed too.
 * Every URL in a feed is absolute, made from the site's base URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "escape.h"
#include "feed.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
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
	json_t		*site;		/* the request's, as items and art */
	char		 title[512];
	const char	*description;
	char		 page[600];	/* the page it mirrors, site-relative */
	char		 self[600];	/* the feed itself, site-relative */
	json_t		*items;		/* list rows with extras */
	int64_t		 updated;	/* newest change of any item */
	json_t		*art;		/* podcast: the show's images row, or NULL */
	json_t		*show;		/* a show's own feed: its row, or NULL */
};

/*
 * Apple Podcasts' categories and their subcategories, as Apple lists them
 * for podcasters; the podcast_category setting names one of them.
 */
static const struct {
	const char		*name;
	const char *const	*subs;		/* NULL-terminated */
} itunes_cats[] = {
	{ "Arts", (const char *const[]){ "Books", "Design",
	    "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts",
	    NULL } },
	{ "Business", (const char *const[]){ "Careers", "Entrepreneurship",
	    "Investing", "Management", "Marketing", "Non-Profit", NULL } },
	{ "Comedy", (const char *const[]){ "Comedy Interviews", "Improv",
	    "Stand-Up", NULL } },
	{ "Education", (const char *const[]){ "Courses", "How To",
	    "Language Learning", "Self-Improvement", NULL } },
	{ "Fiction", (const char *const[]){ "Comedy Fiction", "Drama",
	    "Science Fiction", NULL } },
	{ "Government", (const char *const[]){ NULL } },
	{ "History", (const char *const[]){ NULL } },
	{ "Health & Fitness", (const char *const[]){ "Alternative Health",
	    "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality",
	    NULL } },
	{ "Kids & Family", (const char *const[]){ "Education for Kids",
	    "Parenting", "Pets & Animals", "Stories for Kids", NULL } },
	{ "Leisure", (const char *const[]){ "Animation & Manga", "Automotive",
	    "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden",
	    "Video Games", NULL } },
	{ "Music", (const char *const[]){ "Music Commentary", "Music History",
	    "Music Interviews", NULL } },
	{ "News", (const char *const[]){ "Business News", "Daily News",
	    "Entertainment News", "News Commentary", "Politics",
	    "Sports News", "Tech News", NULL } },
	{ "Religion & Spirituality", (const char *const[]){ "Buddhism",
	    "Christianity", "Hinduism", "Islam", "Judaism", "Religion",
	    "Spirituality", NULL } },
	{ "Science", (const char *const[]){ "Astronomy", "Chemistry",
	    "Earth Sciences", "Life Sciences", "Mathematics",
	    "Natural Sciences", "Nature", "Physics", "Social Sciences",
	    NULL } },
	{ "Society & Culture", (const char *const[]){ "Documentary",
	    "Personal Journals", "Philosophy", "Places & Travel",
	    "Relationships", NULL } },
	{ "Sports", (const char *const[]){ "Baseball", "Basketball", "Cricket",
	    "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby",
	    "Running", "Soccer", "Swimming", "Tennis", "Volleyball",
	    "Wilderness", "Wrestling", NULL } },
	{ "Technology", (const char *const[]){ NULL } },
	{ "True Crime", (const char *const[]){ NULL } },
	{ "TV & Film", (const char *const[]){ "After Shows", "Film History",
	    "Film Interviews", "Film Reviews", "TV Reviews", NULL } },
};

/* A trade publication's podcast is tech news unless the site says otherwise. */
#define ITUNES_CAT_DEFAULT	"News > Tech News"

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

/*
 * A new JSON string of s[0..n).  jansson refuses text that is not UTF-8,
 * which would drop the value (or the whole document) without a word, so
 * such bytes become U+FFFD first.
 */
static json_t *
jstrn(const char *s, size_t n)
{
	struct buf t = BUF_INIT;
	json_t *v;

	esc_utf8(&t, s, n);
	v = json_stringn(t.p != NULL ? t.p : "", t.len);
	buf_free(&t);
	return v;
}

static json_t *
jstr(const char *s)
{
	return jstrn(s, strlen(s));
}

/* A new JSON string holding an absolute URL. */
static json_t *
json_url(const char *base, const char *path)
{
	struct buf t = BUF_INIT;
	json_t *v;

	abs_url(&t, base, path);
	v = jstrn(t.p != NULL ? t.p : "", t.len);
	buf_free(&t);
	return v;
}

/*
 * The story's HTML as a reader outside the site needs it: every link and
 * image resolved against the story's own address.  out is the caller's.
 */
static void
item_html(struct buf *out, struct feed *f, json_t *a)
{
	const char *h;
	struct buf page = BUF_INIT;

	view_html(a, "body_html");
	h = view_str(a, "body_html");
	abs_url(&page, f->base, view_str(a, "url"));
	feed_html_absolute(out, h, strlen(h), page.p != NULL ? page.p : "");
	buf_free(&page);
}

/*
 * Whether tag names the story's section as well: a story filed under 5G
 * and tagged 5G is in one category, listed once.
 */
static int
same_as_section(json_t *a, json_t *tag)
{
	return strcmp(view_str(tag, "slug"), view_str(a, "section_slug")) == 0 ||
	    strcasecmp(view_str(tag, "name"), view_str(a, "section_name")) == 0;
}

/* Whether an image may be a podcast's artwork (show or episode) for Apple. */
static int
itunes_art_ok(json_t *img)
{
	int64_t w = view_int(img, "width"), h = view_int(img, "height");
	const char *src = view_str(img, "src");
	size_t n = strlen(src);

	return w == h && w >= FEED_ART_MIN && w <= FEED_ART_MAX &&
	    ((n > 4 && strcmp(src + n - 4, ".jpg") == 0) ||
	    (n > 4 && strcmp(src + n - 4, ".png") == 0));
}

/*
 * Writes the podcast_category setting ("News > Tech News", or a category
 * without subcategories such as "Technology") as Apple nests it.  A value
 * that is not in Apple's list gives the default, as a directory would
 * refuse the feed otherwise.
 */
static void
itunes_category(struct buf *b, const char *v)
{
	const char *gt = strchr(v, '>'), *sub = NULL;
	size_t i, j, n;

	n = gt != NULL ? (size_t)(gt - v) : strlen(v);
	while (n > 0 && v[n - 1] == ' ')
		n--;
	for (i = 0; i < ARRAY_SIZE(itunes_cats); i++)
		if (strlen(itunes_cats[i].name) == n &&
		    strncasecmp(itunes_cats[i].name, v, n) == 0)
			break;
	if (i < ARRAY_SIZE(itunes_cats) && gt != NULL) {
		for (gt++; *gt == ' '; gt++)
			;
		for (j = 0; itunes_cats[i].subs[j] != NULL; j++)
			if (strcasecmp(itunes_cats[i].subs[j], gt) == 0)
				sub = itunes_cats[i].subs[j];
		if (sub == NULL)
			i = ARRAY_SIZE(itunes_cats);
	}
	if (i == ARRAY_SIZE(itunes_cats)) {
		if (strcmp(v, ITUNES_CAT_DEFAULT) != 0)
			itunes_category(b, ITUNES_CAT_DEFAULT);
		return;
	}
	BUF_LIT(b, "<itunes:category text=\"");
	xml(b, itunes_cats[i].name);
	if (sub != NULL) {
		BUF_LIT(b, "\">\n<itunes:category text=\"");
		xml(b, sub);
		BUF_LIT(b, "\"/>\n</itunes:category>\n");
	} else {
		BUF_LIT(b, "\"/>\n");
	}
}

/* Adds each story's text, media, authors and tags to its list row. */
static int
add_extras(struct req *r, struct feed *f)
{
	json_t *a, *v, *au;
	size_t i;
	int rc;

	json_array_foreach(f->items, i, a) {
		int64_t id = view_int(a, "id");

		if ((rc = store_article_feed_extra(r->db, id, &v)) != STORE_OK)
			return rc;
		json_object_update_new(a, v);
		if ((rc = store_article_authors_tags(r->db, id, &au,
		    &v)) != STORE_OK)
			return rc;
		view_authors(au);
		json_object_set_new(a, "authors", au);
		view_tags(v);
		json_object_set_new(a, "tags", v);
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

/*
 * A show's episode names its transcript and chapters at their own
 * addresses (Podcasting 2.0), which page_shows.c serves.
 */
static void
episode_parts(struct buf *b, struct feed *f, json_t *a)
{
	char path[300];

	if (view_int(a, "has_transcript")) {
		snprintf(path, sizeof(path), "/article/%s/transcript.txt",
		    view_str(a, "slug"));
		BUF_LIT(b, "<podcast:transcript url=\"");
		xml_url(b, f->base, path);
		BUF_LIT(b, "\" type=\"text/plain\"/>\n");
	}
	if (view_int(a, "has_chapters")) {
		snprintf(path, sizeof(path), "/article/%s/chapters.json",
		    view_str(a, "slug"));
		BUF_LIT(b, "<podcast:chapters url=\"");
		xml_url(b, f->base, path);
		BUF_LIT(b, "\" type=\"application/json+chapters\"/>\n");
	}
}

static void
rss_item(struct buf *b, struct feed *f, json_t *a)
{
	const char *media = view_str(a, "media_url"), *mtype = view_str(a, "media_type");
	struct buf t = BUF_INIT;
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
		if (same_as_section(a, v))
			continue;
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
		item_html(&t, f, a);
		if (t.len > 0)
			esc_xml(b, t.p, t.len);
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
		/* Apple takes square episode art only; else the show's is shown. */
		if (img != NULL && itunes_art_ok(img)) {
			BUF_LIT(b, "<itunes:image href=\"");
			xml_url(b, f->base, view_str(img, "src"));
			BUF_LIT(b, "\"/>\n");
		}
	}
	if (f->show != NULL)
		episode_parts(b, f, a);
	BUF_LIT(b, "</item>\n");
	buf_free(&t);
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
	if (f->show != NULL)
		BUF_LIT(b, " xmlns:podcast="
		    "\"https://podcastindex.org/namespace/1.0\"");
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
	if (f->podcast) {
		const char *email = view_str(f->site, "podcast_email");
		const char *author = view_str(f->site, "site_name");
		const char *cat = view_str(f->site, "podcast_category");

		/* A show names its own host, address and category. */
		if (f->show != NULL) {
			if (view_str(f->show, "author")[0] != '\0')
				author = view_str(f->show, "author");
			if (view_str(f->show, "email")[0] != '\0')
				email = view_str(f->show, "email");
			if (view_str(f->show, "category")[0] != '\0')
				cat = view_str(f->show, "category");
		}
		BUF_LIT(b, "<itunes:author>");
		xml(b, author);
		BUF_LIT(b, "</itunes:author>\n<itunes:summary>");
		xml(b, f->description);
		BUF_LIT(b, "</itunes:summary>\n");
		/*
		 * Only artwork masthead made square (podcast_image) is named:
		 * a directory refuses a feed whose image breaks its rules, so
		 * the logo or the SVG favicon are never offered instead.
		 */
		if (f->art != NULL) {
			BUF_LIT(b, "<itunes:image href=\"");
			xml_url(b, f->base, view_str(f->art, "src"));
			BUF_LIT(b, "\"/>\n");
		}
		itunes_category(b, cat);
		buf_printf(b, "<itunes:explicit>%s</itunes:explicit>\n",
		    f->show != NULL && view_int(f->show, "explicit") ? "true" :
		    "false");
		BUF_LIT(b, "<itunes:type>episodic</itunes:type>\n"
		    "<itunes:owner><itunes:name>");
		xml(b, author);
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
		if (same_as_section(a, v))
			continue;
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
		struct buf t = BUF_INIT;

		BUF_LIT(b, "<content type=\"html\">");
		item_html(&t, f, a);
		if (t.len > 0)
			esc_xml(b, t.p, t.len);
		buf_free(&t);
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
	struct buf t = BUF_INIT;
	char date[64];
	size_t i;

	json_object_set_new(it, "id", json_url(f->base, view_str(a, "url")));
	json_object_set_new(it, "url", json_url(f->base, view_str(a, "url")));
	json_object_set_new(it, "title", jstr(view_str(a, "title")));
	if (f->full) {
		item_html(&t, f, a);
		json_object_set_new(it, "content_html", jstrn(t.p != NULL ?
		    t.p : "", t.len));
		buf_free(&t);
	} else {
		json_object_set_new(it, "content_text", jstr(view_str(a, "dek")));
	}
	json_object_set_new(it, "summary", jstr(view_str(a, "dek")));
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
		json_array_append_new(arr, json_pack("{s:o,s:o}", "name",
		    jstr(view_str(v, "name")), "url", json_url(f->base,
		    view_str(v, "url"))));
	json_object_set_new(it, "authors", arr);
	/* The section is the first tag, as it is the first RSS category. */
	arr = json_array();
	json_array_append_new(arr, jstr(view_str(a, "section_name")));
	json_array_foreach(json_object_get(a, "tags"), i, v)
		if (!same_as_section(a, v))
			json_array_append_new(arr, jstr(view_str(v, "name")));
	json_object_set_new(it, "tags", arr);
	if (media[0] != '\0' && mtype[0] != '\0') {
		v = json_pack("{s:o,s:o,s:I}", "url", json_url(f->base, media),
		    "mime_type", jstr(mtype), "size_in_bytes",
		    (json_int_t)view_int(a, "media_bytes"));
		if (view_int(a, "media_seconds") > 0)
			json_object_set_new(v, "duration_in_seconds",
			    json_integer(view_int(a, "media_seconds")));
		json_object_set_new(it, "attachments", json_pack("[o]", v));
	}
	if (json_is_true(json_object_get(a, "sponsored")))
		json_object_set_new(it, "_masthead", json_pack("{s:b,s:o}",
		    "sponsored", 1, "sponsor", jstr(view_str(a, "sponsor_name"))));
	return it;
}

/* Writes the JSON Feed; -1 when jansson could not (out of memory). */
static int
write_json(struct buf *b, struct feed *f)
{
	const char *lang = view_str(f->site, "language");
	json_t *doc, *items = json_array(), *a;
	char *s;
	size_t i;

	json_array_foreach(f->items, i, a)
		json_array_append_new(items, json_item(f, a));
	doc = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:[{s:o}],s:o}",
	    "version", "https://jsonfeed.org/version/1.1",
	    "title", jstr(f->title),
	    "home_page_url", json_url(f->base, f->page),
	    "feed_url", json_url(f->base, f->self),
	    "description", jstr(f->description),
	    "language", jstr(lang[0] != '\0' ? lang : "en"),
	    "favicon", json_url(f->base, "/favicon.ico"),
	    "authors", "name", jstr(view_str(f->site, "site_name")),
	    "items", items);
	s = doc != NULL ? json_dumps(doc, JSON_INDENT(1) | JSON_ESCAPE_SLASH |
	    JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (s == NULL)
		return -1;
	buf_puts(b, s);
	buf_putc(b, '\n');
	free(s);
	return 0;
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
	struct buf *b;
	json_t *kept = NULL, *a;
	size_t i;
	int rc, status = 0;

	f->full = strcmp(config.feed_content, "full") == 0;
	f->base = page_base_url(r);
	if ((rc = page_articles(r, by, key, type, &first,
	    (int)config.feed_items, &f->items, &next)) != STORE_OK)
		return status_store(rc);
	own_json(r, f->items);
	if ((rc = add_extras(r, f)) != STORE_OK)
		return status_store(rc);
	/* A podcast app can only play episodes that have their media. */
	if (f->podcast) {
		kept = own_json(r, json_array());
		json_array_foreach(f->items, i, a)
			if (view_str(a, "media_url")[0] != '\0')
				json_array_append(kept, a);
		f->items = kept;
	}
	/*
	 * The feed was last built when what it shows last changed, not when
	 * it was rendered: a reader or directory polling it sees the same
	 * date until an item is added or edited.
	 */
	json_array_foreach(f->items, i, a) {
		if (view_int(a, "updated_at") > f->updated)
			f->updated = view_int(a, "updated_at");
		if (view_int(a, "published_at") > f->updated)
			f->updated = view_int(a, "published_at");
	}
	b = own_buf(r, 0);
	buf_reserve(b, 64 * 1024);
	switch (f->fmt) {
	case FEED_RSS:
		write_rss(b, f);
		break;
	case FEED_ATOM:
		write_atom(b, f);
		break;
	default:
		if (write_json(b, f) != 0)
			status = 500;
		break;
	}
	if (status != 0 || buf_err(b))
		return 500;
	http_send_buf(r, 200, ctypes[f->fmt], b);
	return 0;
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
		return status_store(rc);
	own_json(r, f->site);
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
		return status_store(rc);
	own_json(r, o);
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
	return status;
}

int
feed_podcast(struct req *r)
{
	struct feed f;
	const char *d;
	char src[200];
	int status, rc;

	if ((status = begin(r, &f, FEED_RSS, "Podcast", "/type/podcast")) != 0)
		return status;
	f.podcast = 1;
	snprintf(f.self, sizeof(f.self), "/podcast.xml");
	d = view_str(f.site, "podcast_description");
	if (d[0] != '\0')
		f.description = d;
	/* The show's artwork: the square image podcast_image names. */
	d = view_str(f.site, "podcast_image");
	if (d[0] != '\0' && (rc = store_image_get(r->db, d, &f.art)) !=
	    STORE_OK && rc != STORE_NOTFOUND)
		return status_store(rc);
	own_json(r, f.art);
	if (f.art != NULL) {
		snprintf(src, sizeof(src), "/media/%s.%s", view_str(f.art,
		    "hash"), view_str(f.art, "ext"));
		json_object_set_new(f.art, "src", json_string(src));
		if (!itunes_art_ok(f.art))
			f.art = NULL;
	}
	return send_feed(r, &f, LIST_TYPE, 0, "podcast");
}

/* One show's feed: its title, description, artwork and episodes. */
int
feed_show_podcast(struct req *r)
{
	struct feed f;
	json_t *s;
	char src[200], page[300];
	int status, rc;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	if ((rc = store_show_get(r->db, r->arg[0], &s)) != STORE_OK)
		return status_store(rc);
	own_json(r, s);
	if (strcmp(view_str(s, "kind"), "podcast") != 0)
		return 404;
	cache_dep_str(tag_shows().s);
	snprintf(page, sizeof(page), "/podcasts/%s", r->arg[0]);
	if ((status = begin(r, &f, FEED_RSS, NULL, page)) != 0)
		return status;
	snprintf(f.title, sizeof(f.title), "%s", view_str(s, "title"));
	if (view_str(s, "description")[0] != '\0')
		f.description = view_str(s, "description");
	f.podcast = 1;
	f.show = s;
	if (json_is_string(json_object_get(s, "image_hash"))) {
		f.art = own_json(r, json_pack("{s:O,s:O,s:O}", "hash",
		    json_object_get(s, "image_hash"), "width",
		    json_object_get(s, "image_width"), "height",
		    json_object_get(s, "image_height")));
		snprintf(src, sizeof(src), "/media/%s.%s", view_str(s,
		    "image_hash"), view_str(s, "image_ext"));
		json_object_set_new(f.art, "src", json_string(src));
		json_object_set(f.art, "ext", json_object_get(s, "image_ext"));
		if (!itunes_art_ok(f.art))
			f.art = NULL;
	}
	return send_feed(r, &f, LIST_SHOW, view_int(s, "id"), NULL);
}

/* The newest comments of a story, as its comment feed holds them. */
#define COMMENT_ENTRIES	50

/* When a comment last changed: its edit, else its posting. */
static int64_t
comment_updated(json_t *c)
{
	int64_t t = view_int(c, "created_at");

	return view_int(c, "edited_at") > t ? view_int(c, "edited_at") : t;
}

int
feed_comments(struct req *r)
{
	struct buf *b;
	const char *base = page_base_url(r);
	json_t *a, *rows, *c;
	int64_t updated = 0;
	char iso[40], id[40];
	size_t i;
	int rc;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	if ((rc = store_comment_article(r->db, r->arg[0], page_now(), &a)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, a);
	cache_dep_str(tag_comments(view_int(a, "id")).s);
	cache_dep_str(tag_article(view_int(a, "id")).s);
	if ((rc = store_comments_feed(r->db, view_int(a, "id"),
	    COMMENT_ENTRIES, &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	b = own_buf(r, 0);
	/* An edit is a change readers subscribed to: it moves <updated>. */
	json_array_foreach(rows, i, c)
		if (comment_updated(c) > updated)
			updated = comment_updated(c);
	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>Comments on ");
	xml(b, view_str(a, "title"));
	BUF_LIT(b, "</title>\n<id>");
	xml(b, base);
	BUF_LIT(b, "/article/");
	xml(b, view_str(a, "slug"));
	BUF_LIT(b, "/comments.atom</id>\n<link rel=\"self\""
	    " type=\"application/atom+xml\" href=\"");
	xml(b, base);
	BUF_LIT(b, "/article/");
	xml(b, view_str(a, "slug"));
	BUF_LIT(b, "/comments.atom\"/>\n<link rel=\"alternate\""
	    " type=\"text/html\" href=\"");
	xml(b, base);
	BUF_LIT(b, "/article/");
	xml(b, view_str(a, "slug"));
	/* A story without comments yet was last updated at the epoch. */
	view_fmt_iso(updated, iso, sizeof(iso));
	buf_printf(b, "\"/>\n<updated>%s</updated>\n", iso);
	json_array_foreach(rows, i, c) {
		snprintf(id, sizeof(id), "/comments/%lld",
		    (long long)view_int(c, "id"));
		BUF_LIT(b, "<entry>\n<title>");
		xml(b, view_str(c, "author_name"));
		BUF_LIT(b, " on ");
		xml(b, view_str(a, "title"));
		BUF_LIT(b, "</title>\n<id>");
		xml_url(b, base, id);
		BUF_LIT(b, "</id>\n<link rel=\"alternate\" type=\"text/html\""
		    " href=\"");
		xml_url(b, base, id);
		BUF_LIT(b, "\"/>\n<author><name>");
		xml(b, view_str(c, "author_name"));
		view_fmt_iso(view_int(c, "created_at"), iso, sizeof(iso));
		buf_printf(b, "</name></author>\n<published>%s</published>\n",
		    iso);
		view_fmt_iso(comment_updated(c), iso, sizeof(iso));
		buf_printf(b, "<updated>%s</updated>\n<content type=\"html\">",
		    iso);
		xml(b, view_str(c, "body_html"));
		BUF_LIT(b, "</content>\n</entry>\n");
	}
	BUF_LIT(b, "</feed>\n");
	if (buf_err(b))
		return 500;
	http_send_buf(r, 200, ctypes[FEED_ATOM], b);
	return 0;
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
