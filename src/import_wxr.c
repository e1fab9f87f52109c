/*
 * import_wxr.c — WordPress's export (WXR 1.0 to 1.2, Tools -> Export).
 *
 * The file is streamed through expat in chunks: memory holds one item
 * (a post with its comments and custom fields) at a time, whatever the
 * size of the file.  Channel-level authors, categories and tags come
 * first in a WXR file and are written as they end; each <item> is
 * written when it ends.  Featured images name an attachment that may
 * come later in the file, so they are set once the file is read.
 *
 * Without --media-from a body needs nothing of the database, so a second
 * reader of the file (struct ahead, on a thread of its own) makes the
 * items' bodies (import_body: shortcodes, the allow-list, Markdown) while
 * this thread writes the items before them: the parse and the writes
 * overlap.  It hands them over in the file's order through a bounded
 * ring; an item it has not made is made here, as without it.
 *
 * Refused, with the line: any entity declaration (WXR has none; it is
 * how "billion laughs" starts), text that is not UTF-8, markup that does
 * not end, a single field over IMPORT_FIELD_MAX.
 */
#include <expat.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "import.h"
#include "store.h"
#include "util.h"

#define IMPORT_FIELD_MAX	(32u * 1024 * 1024)
#define WXR_CHUNK		(256 * 1024)

struct ahead;
static int	ahead_take(struct ahead *, unsigned long n, const char *pid,
		    struct buf *md, struct buf *html);

/* Where the parser is: the container whose children are being read. */
enum wxr_in {
	IN_CHANNEL,
	IN_AUTHOR,	/* wp:author */
	IN_CATEGORY,	/* wp:category */
	IN_TAG,		/* wp:tag */
	IN_ITEM,
	IN_META,	/* wp:postmeta of an item */
	IN_COMMENT,	/* wp:comment of an item */
	IN_COMMENT_META,
	IN__MAX
};

struct wxr {
	XML_Parser		 p;
	struct db		*db;
	const struct import_opts *o;
	struct import_report	*rep;
	char			*err;
	size_t			 errsz;
	int			 failed;
	char			 source[300];
	char			 site_name[300];	/* the channel's title */
	enum wxr_in		 in;
	int			 depth;		/* of elements */
	struct buf		 text;		/* of the element being read */
	json_t			*cur;		/* fields of the container */
	json_t			*item;		/* fields of the item */
	json_t			*cats;		/* the item's <category> list */
	json_t			*metas;		/* key -> value */
	json_t			*comments;	/* the item's comments */
	const char		*cat_domain;	/* of the <category> being read */
	json_t			*cat_attrs;
	/* Across the file: */
	json_t			*sections;	/* nicename -> [id, slug, path] */
	json_t			*authors;	/* login -> slug */
	json_t			*attachments;	/* post id -> URL */
	json_t			*heroes;	/* [article id, attachment id] */
	json_t			*skipped;	/* post type -> count */
	json_t			*sticky;	/* [article id, published at] */
	json_t			*galleries;	/* [article id, body] to redo */
	char			 last_pid[48];	/* of the last item read whole */
	unsigned long		 nitems;	/* items ended, this one too */
	struct ahead		*ahead;		/* or NULL */
};

/*
 * Names the item the parser is in, for an error: its wp:post_id when
 * read, else its title, else its place after the last item read whole.
 * Empty outside an item.
 */
static void
item_where(const struct wxr *w, char *out, size_t outsz)
{
	const char *pid, *title;

	out[0] = '\0';
	if (w->in < IN_ITEM || w->in >= IN__MAX)
		return;
	pid = json_string_value(json_object_get(w->item, "wp:post_id"));
	title = json_string_value(json_object_get(w->item, "title"));
	if (pid != NULL && pid[0] != '\0')
		snprintf(out, outsz, " (in post %.40s)", pid);
	else if (title != NULL && title[0] != '\0')
		snprintf(out, outsz, " (in the item \"%.80s\")", title);
	else if (w->last_pid[0] != '\0')
		snprintf(out, outsz, " (in the item after post %s)",
		    w->last_pid);
	else
		snprintf(out, outsz, " (in the first item)");
}

static void
fail(struct wxr *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stops the parser with a sentence naming the line. */
static void
fail(struct wxr *w, const char *fmt, ...)
{
	char msg[768], where[160];
	va_list ap;

	if (w->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	item_where(w, where, sizeof(where));
	snprintf(w->err, w->errsz, "line %lu%s: %s",
	    (unsigned long)XML_GetCurrentLineNumber(w->p), where, msg);
	w->failed = 1;
	XML_StopParser(w->p, XML_FALSE);
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void
set_source(struct wxr *w, const char *url)
{
	if (w->source[0] != '\0' || url[0] == '\0')
		return;
	snprintf(w->source, sizeof(w->source), "wordpress:%.280s", url);
	/* One site, however its address is written. */
	if (w->source[strlen(w->source) - 1] == '/')
		w->source[strlen(w->source) - 1] = '\0';
}

/* Channel-level things */

static void
author_end(struct wxr *w)
{
	const char *login = str(w->cur, "wp:author_login");
	char slug[128], old[300], to[300], dec[256];

	if (login[0] == '\0')
		return;
	if (import_author(w->db, w->o, w->rep, w->source, login, login,
	    str(w->cur, "wp:author_display_name"),
	    str(w->cur, "wp:author_email"), "", slug, sizeof(slug)) != 0) {
		fail(w, "author %s: %s", login, db_errmsg(w->db));
		return;
	}
	json_object_set_new(w->authors, login, json_string(slug));
	/* Old names are percent-encoded; requests come decoded. */
	import_unescape(login, strlen(login), dec, sizeof(dec));
	snprintf(to, sizeof(to), "/author/%s", slug);
	snprintf(old, sizeof(old), "/author/%s/", dec);
	import_redirect(w->db, w->rep, old, to);
	snprintf(to, sizeof(to), "/author/%s/feed.xml", slug);
	snprintf(old, sizeof(old), "/author/%s/feed/", dec);
	import_redirect(w->db, w->rep, old, to);
}

/* A section for a category nicename (made with name when unknown). */
static json_t *
section_of(struct wxr *w, const char *nicename, const char *name,
    const char *parent, const char *term_id, const char *desc)
{
	char slug[128], path[600], old[700], to[300], dec[256];
	json_t *s, *up;
	int64_t id, pid = 0;

	if ((s = json_object_get(w->sections, nicename)) != NULL)
		return s;
	up = parent[0] != '\0' ? json_object_get(w->sections, parent) : NULL;
	if (up != NULL)
		pid = json_integer_value(json_array_get(up, 0));
	if (import_section(w->db, w->rep, w->source, nicename, nicename,
	    name[0] != '\0' ? name : nicename, desc, pid, &id, slug,
	    sizeof(slug)) != 0) {
		fail(w, "category %s: %s", nicename, db_errmsg(w->db));
		return NULL;
	}
	import_unescape(nicename, strlen(nicename), dec, sizeof(dec));
	snprintf(path, sizeof(path), "%s%s/", up != NULL ?
	    json_string_value(json_array_get(up, 2)) : "/category/", dec);
	s = json_pack("[I,s,s]", (json_int_t)id, slug, path);
	json_object_set_new(w->sections, nicename, s);
	snprintf(to, sizeof(to), "/section/%s", slug);
	import_redirect(w->db, w->rep, path, to);
	if (term_id[0] != '\0') {
		snprintf(old, sizeof(old), "/?cat=%s", term_id);
		import_redirect(w->db, w->rep, old, to);
	}
	snprintf(old, sizeof(old), "%sfeed/", path);
	snprintf(to, sizeof(to), "/section/%s/feed.xml", slug);
	import_redirect(w->db, w->rep, old, to);
	return s;
}

static void
tag_end(struct wxr *w)
{
	const char *slug = str(w->cur, "wp:tag_slug");
	const char *name = str(w->cur, "wp:tag_name");
	char ours[128], old[300], to[300], dec[256];

	if (slug[0] == '\0')
		return;
	/* The store makes a tag's slug from its name, as for any story. */
	store_slugify(name[0] != '\0' ? name : slug, ours, sizeof(ours));
	import_unescape(slug, strlen(slug), dec, sizeof(dec));
	snprintf(old, sizeof(old), "/tag/%s/", dec);
	snprintf(to, sizeof(to), "/tag/%s", ours);
	import_redirect(w->db, w->rep, old, to);
	snprintf(old, sizeof(old), "/tag/%s/feed/", dec);
	snprintf(to, sizeof(to), "/tag/%s/feed.xml", ours);
	import_redirect(w->db, w->rep, old, to);
}

/* Items */

static const char *
comment_status(const char *approved)
{
	if (strcmp(approved, "1") == 0)
		return "approved";
	if (strcmp(approved, "0") == 0)
		return "pending";
	if (strcmp(approved, "spam") == 0)
		return "rejected";
	return NULL;	/* trash, post-trashed: not imported */
}

static void
comments_put(struct wxr *w, int64_t article)
{
	json_t *c, *ids = json_object();
	size_t i;

	json_array_foreach(w->comments, i, c) {
		const char *status = comment_status(str(c,
		    "wp:comment_approved"));
		const char *type = str(c, "wp:comment_type");
		const char *cid = str(c, "wp:comment_id");
		char sid[200];
		int64_t id, parent;

		if (status == NULL || strcmp(type, "pingback") == 0 ||
		    strcmp(type, "trackback") == 0 || cid[0] == '\0') {
			w->rep->skipped++;
			continue;
		}
		parent = json_integer_value(json_object_get(ids,
		    str(c, "wp:comment_parent")));
		snprintf(sid, sizeof(sid), "%s", cid);
		if (import_comment(w->db, w->rep, w->source, sid, article,
		    parent, str(c, "wp:comment_author"),
		    str(c, "wp:comment_author_email"),
		    str(c, "wp:comment_content"), status,
		    import_time(str(c, "wp:comment_date_gmt")), &id) != 0) {
			fail(w, "comment %s: %s", cid, db_errmsg(w->db));
			break;
		}
		json_object_set_new(ids, cid, json_integer(id));
	}
	json_decref(ids);
}

/* The article type of a post format. */
static const char *
format_type(const char *nicename)
{
	if (strcmp(nicename, "post-format-video") == 0)
		return "video";
	if (strcmp(nicename, "post-format-audio") == 0)
		return "podcast";
	return "news";
}

static void
item_end(struct wxr *w)
{
	const char *type = str(w->item, "wp:post_type");
	const char *status = str(w->item, "wp:status");
	const char *pid = str(w->item, "wp:post_id");
	const char *creator = str(w->item, "dc:creator");
	struct import_item it;
	struct buf made_md = BUF_INIT, made_html = BUF_INIT;
	char link[600], q[64], feed[640], section[128] = "", *p;
	char seo_title[512], seo_desc[1024];
	json_t *c, *authors, *tags, *a;
	size_t i;
	int rc;

	w->rep->items++;
	strlcpy_(w->last_pid, pid, sizeof(w->last_pid));
	if (strcmp(type, "attachment") == 0) {
		const char *u = str(w->item, "wp:attachment_url");

		json_object_set_new(w->attachments, pid, json_string(u[0] ?
		    u : str(w->item, "guid")));
		return;
	}
	if (strcmp(type, "post") != 0 && strcmp(type, "page") != 0) {
		/* Menus, revisions, blocks, a plugin's types: left out. */
		json_object_set_new(w->skipped, type, json_integer(
		    json_integer_value(json_object_get(w->skipped, type)) + 1));
		w->rep->skipped++;
		return;
	}
	if (pid[0] == '\0' || strlen(pid) > 40) {
		/* The id is what makes a second run find the item. */
		fail(w, "an item (\"%.80s\") without a wp:post_id",
		    str(w->item, "title"));
		return;
	}
	memset(&it, 0, sizeof(it));
	if (strcmp(status, "publish") == 0)
		it.status = IMPORT_LIVE;
	else if (strcmp(status, "future") == 0)
		it.status = IMPORT_SCHEDULED;
	else if (strcmp(status, "draft") == 0 || strcmp(status, "pending") == 0
	    || strcmp(status, "private") == 0)
		it.status = IMPORT_DRAFT;
	else {
		/* trash, auto-draft, inherit */
		w->rep->skipped++;
		return;
	}
	/* A post behind a password was not public: it comes in as a draft. */
	if (str(w->item, "wp:post_password")[0] != '\0')
		it.status = IMPORT_DRAFT;
	if (strcmp(type, "page") == 0 && it.status != IMPORT_LIVE) {
		/* A static page is live or absent: drafts stay behind. */
		w->rep->skipped++;
		return;
	}
	authors = json_array();
	tags = json_array();
	it.type = "news";
	json_array_foreach(w->cats, i, c) {
		const char *dom = str(c, "domain"), *nice = str(c, "nicename");
		const char *name = str(c, "name");
		json_t *s;

		if (strcmp(dom, "category") == 0) {
			if (section[0] != '\0') {
				/* One section a story: the rest are tags. */
				json_array_append_new(tags, json_string(name));
				continue;
			}
			if ((s = section_of(w, nice, name, "", "", "")) == NULL)
				goto done;
			strlcpy_(section, json_string_value(json_array_get(s, 1)),
			    sizeof(section));
		} else if (strcmp(dom, "post_tag") == 0 && name[0] != '\0') {
			json_array_append_new(tags, json_string(name));
		} else if (strcmp(dom, "post_format") == 0) {
			it.type = format_type(nice);
		}
	}
	if (creator[0] != '\0') {
		if ((a = json_object_get(w->authors, creator)) == NULL) {
			char slug[128];

			/* WXR 1.0 names authors only in items. */
			if (import_author(w->db, w->o, w->rep, w->source, creator,
			    creator, creator, "", "", slug, sizeof(slug)) != 0) {
				fail(w, "author %s: %s", creator,
				    db_errmsg(w->db));
				goto done;
			}
			a = json_string(slug);
			json_object_set_new(w->authors, creator, a);
		}
		json_array_append(authors, a);
	}
	it.source = w->source;
	it.kind = strcmp(type, "page") == 0 ? IMPORT_PAGE : IMPORT_POST;
	it.source_id = pid;
	it.title = str(w->item, "title");
	it.slug = str(w->item, "wp:post_name");
	it.dek = str(w->item, "excerpt:encoded");
	it.html = str(w->item, "content:encoded");
	it.attachments = w->attachments;
	it.published_at = import_time(str(w->item, "wp:post_date_gmt"));
	if (it.published_at == 0)
		it.published_at = import_time(str(w->item, "wp:post_date"));
	/* Yoast's overrides, when their variables are ones we know. */
	if (import_yoast(str(w->metas, "_yoast_wpseo_title"), it.title,
	    w->site_name, it.dek, seo_title, sizeof(seo_title)) == 0)
		it.seo_title = seo_title;
	if (import_yoast(str(w->metas, "_yoast_wpseo_metadesc"), it.title,
	    w->site_name, it.dek, seo_desc, sizeof(seo_desc)) == 0)
		it.seo_description = seo_desc;
	it.seo_image = str(w->metas, "_yoast_wpseo_opengraph-image");
	it.section = section[0] != '\0' ? section : NULL;
	it.authors = authors;
	it.tags = tags;
	import_url_path(str(w->item, "link"), link, sizeof(link));
	/* A draft's link is "?p=N": only the query address is kept. */
	if (link[0] != '\0' && strcmp(link, "/") != 0 &&
	    strchr(link, '?') == NULL)
		it.old[it.nold++] = link;
	snprintf(q, sizeof(q), it.kind == IMPORT_PAGE ? "/?page_id=%s" :
	    "/?p=%s", pid);
	it.old[it.nold++] = q;
	if (it.nold > 1 && it.kind == IMPORT_POST) {
		/* The story's comment feed. */
		p = link + strlen(link);
		snprintf(feed, sizeof(feed), "%s%sfeed/", link,
		    p > link && p[-1] == '/' ? "" : "/");
	} else {
		feed[0] = '\0';
	}
	if (w->ahead != NULL && ahead_take(w->ahead, w->nitems, pid, &made_md,
	    &made_html) == 0) {
		it.made_md = &made_md;
		it.made_html = &made_html;
	}
	rc = import_item_put(w->db, w->o, w->rep, &it, w->err, w->errsz);
	buf_free(&made_md);
	buf_free(&made_html);
	if (rc < 0) {
		char msg[512];

		snprintf(msg, sizeof(msg), "item %s: %s", pid, w->err);
		w->err[0] = '\0';
		fail(w, "%s", msg);
		goto done;
	}
	if (it.path[0] == '\0')
		goto done;
	if (rc == 0 && it.kind == IMPORT_POST && it.html != NULL &&
	    import_gallery_pending(it.html, w->attachments))
		json_array_append_new(w->galleries, json_pack("[I,s]",
		    (json_int_t)it.id, it.html));
	/* A sticky post added now is pinned once the file is read. */
	if (rc == 0 && it.kind == IMPORT_POST && it.status != IMPORT_DRAFT &&
	    strcmp(str(w->item, "wp:is_sticky"), "1") == 0)
		json_array_append_new(w->sticky, json_pack("[I,I]",
		    (json_int_t)it.id, (json_int_t)it.published_at));
	if (feed[0] != '\0') {
		char to[340];

		snprintf(to, sizeof(to), "%s/comments.atom", it.path);
		import_redirect(w->db, w->rep, feed, to);
	}
	if (it.kind == IMPORT_POST) {
		const char *thumb = str(w->metas, "_thumbnail_id");

		if (rc == 0 && thumb[0] != '\0')
			json_array_append_new(w->heroes, json_pack("[I,s]",
			    (json_int_t)it.id, thumb));
		comments_put(w, it.id);
	}
done:
	json_decref(authors);
	json_decref(tags);
}

/*
 * Featured images, now that every attachment is known: each story's
 * _thumbnail_id becomes its hero image when the file is in --media-from.
 */
static void
heroes_put(struct wxr *w)
{
	json_t *h;
	const char *url;
	size_t i;

	json_array_foreach(w->heroes, i, h) {
		url = json_string_value(json_object_get(w->attachments,
		    json_string_value(json_array_get(h, 1))));
		if (url == NULL || url[0] == '\0')
			continue;
		if (import_hero(w->db, w->o, w->rep,
		    json_integer_value(json_array_get(h, 0)), url, NULL) != 0) {
			fail(w, "featured image %s: %s", url, db_errmsg(w->db));
			return;
		}
	}
}

/* Expat's callbacks */

/*
 * The container a start tag name opens from in, or in when it opens
 * none.  The writer's parser and the reader of bodies made ahead both
 * follow the containers with these two, so their items are the same.
 */
static enum wxr_in
wxr_enter(enum wxr_in in, const char *name)
{
	switch (in) {
	case IN_CHANNEL:
		if (strcmp(name, "item") == 0)
			return IN_ITEM;
		if (strcmp(name, "wp:author") == 0)
			return IN_AUTHOR;
		if (strcmp(name, "wp:category") == 0)
			return IN_CATEGORY;
		if (strcmp(name, "wp:tag") == 0)
			return IN_TAG;
		return in;
	case IN_ITEM:
		if (strcmp(name, "wp:postmeta") == 0)
			return IN_META;
		if (strcmp(name, "wp:comment") == 0)
			return IN_COMMENT;
		return in;
	case IN_COMMENT:
		return strcmp(name, "wp:commentmeta") == 0 ? IN_COMMENT_META :
		    in;
	default:
		return in;
	}
}

/* The container the end tag name goes back to, or in when it ends none. */
static enum wxr_in
wxr_leave(enum wxr_in in, const char *name)
{
	switch (in) {
	case IN_AUTHOR:
	case IN_CATEGORY:
	case IN_TAG:
		/* Any of the three ends the one open (WXR never nests them). */
		return strcmp(name, "wp:author") == 0 ||
		    strcmp(name, "wp:category") == 0 ||
		    strcmp(name, "wp:tag") == 0 ? IN_CHANNEL : in;
	case IN_ITEM:
		return strcmp(name, "item") == 0 ? IN_CHANNEL : in;
	case IN_META:
		return strcmp(name, "wp:postmeta") == 0 ? IN_ITEM : in;
	case IN_COMMENT:
		return strcmp(name, "wp:comment") == 0 ? IN_ITEM : in;
	case IN_COMMENT_META:
		return strcmp(name, "wp:commentmeta") == 0 ? IN_COMMENT : in;
	default:
		return in;
	}
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct wxr *w = ud;
	enum wxr_in to;
	size_t i;

	w->depth++;
	buf_reset(&w->text);
	if (w->failed)
		return;
	if (w->depth == 1 && strcmp(name, "rss") != 0) {
		fail(w, "not a WordPress export: the document is <%s>, not "
		    "<rss>", name);
		return;
	}
	to = wxr_enter(w->in, name);
	if (to != w->in && to == IN_ITEM) {
		json_object_clear(w->item);
		json_array_clear(w->cats);
		json_object_clear(w->metas);
		json_array_clear(w->comments);
	} else if (to != w->in && to != IN_COMMENT_META) {
		/* A comment's meta is skipped: cur still holds the comment. */
		json_object_clear(w->cur);
	} else if (w->in == IN_ITEM && strcmp(name, "category") == 0) {
		json_object_clear(w->cat_attrs);
		for (i = 0; attrs[i] != NULL; i += 2)
			json_object_set_new(w->cat_attrs, attrs[i],
			    json_string(attrs[i + 1]));
	}
	w->in = to;
}

/*
 * The text of the element that ends, as a JSON string.  Expat hands over
 * only well-formed UTF-8 without NUL (it refuses the file otherwise), so
 * it is not checked again (json_string would: 4 % of the writing
 * thread's time, on the bodies).
 */
static json_t *
text_json(const struct wxr *w)
{
	return json_stringn_nocheck(w->text.p != NULL ? w->text.p : "",
	    w->text.len);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct wxr *w = ud;
	const char *t;

	w->depth--;
	if (w->failed)
		return;
	buf_putc(&w->text, '\0');
	w->text.len--;
	t = w->text.p != NULL ? w->text.p : "";
	switch (w->in) {
	case IN_CHANNEL:
		if (strcmp(name, "wp:base_site_url") == 0 ||
		    (strcmp(name, "link") == 0 && w->depth == 2))
			set_source(w, t);
		else if (strcmp(name, "title") == 0 && w->depth == 2)
			strlcpy_(w->site_name, t, sizeof(w->site_name));
		break;
	case IN_AUTHOR:
	case IN_CATEGORY:
	case IN_TAG:
		if (wxr_leave(w->in, name) != w->in) {
			if (w->source[0] == '\0')
				set_source(w, "unknown");
			if (w->in == IN_AUTHOR)
				author_end(w);
			else if (w->in == IN_CATEGORY)
				section_of(w, str(w->cur,
				    "wp:category_nicename"),
				    str(w->cur, "wp:cat_name"),
				    str(w->cur, "wp:category_parent"),
				    str(w->cur, "wp:term_id"),
				    str(w->cur, "wp:category_description"));
			else
				tag_end(w);
			w->in = IN_CHANNEL;
		} else {
			json_object_set_new(w->cur, name, text_json(w));
		}
		break;
	case IN_ITEM:
		if (wxr_leave(w->in, name) != w->in) {
			if (w->source[0] == '\0')
				set_source(w, "unknown");
			w->in = IN_CHANNEL;
			w->nitems++;
			item_end(w);
			w->rep->bytes = XML_GetCurrentByteIndex(w->p);
			import_progress(w->o, w->rep, 0);
		} else if (strcmp(name, "category") == 0) {
			json_object_set_new(w->cat_attrs, "name",
			    text_json(w));
			json_array_append_new(w->cats,
			    json_deep_copy(w->cat_attrs));
		} else {
			json_object_set_new(w->item, name, text_json(w));
		}
		break;
	case IN_META:
		if (wxr_leave(w->in, name) != w->in) {
			json_object_set_new(w->metas, str(w->cur,
			    "wp:meta_key"), json_string(str(w->cur,
			    "wp:meta_value")));
			w->in = IN_ITEM;
		} else {
			json_object_set_new(w->cur, name, text_json(w));
		}
		break;
	case IN_COMMENT:
		if (wxr_leave(w->in, name) != w->in) {
			json_array_append_new(w->comments,
			    json_deep_copy(w->cur));
			w->in = IN_ITEM;
		} else {
			json_object_set_new(w->cur, name, text_json(w));
		}
		break;
	case IN_COMMENT_META:
		w->in = wxr_leave(w->in, name);
		break;
	case IN__MAX:
		break;
	}
	buf_reset(&w->text);
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct wxr *w = ud;

	if (w->failed || w->in == IN_COMMENT_META)
		return;
	buf_append(&w->text, s, (size_t)len);
	if (buf_err(&w->text))
		fail(w, "a field of more than %u MB", IMPORT_FIELD_MAX >> 20);
}

static void XMLCALL
on_entity(void *ud, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *system_id, const XML_Char *public_id,
    const XML_Char *notation)
{
	fail(ud, "the entity declaration \"%s\" is refused (a WordPress "
	    "export has none)", name);
}

/* Bodies made ahead */

#define AHEAD_SLOTS	64
#define AHEAD_BYTES	(16u * 1024 * 1024)	/* made, not yet taken */

struct ahead_body {
	unsigned long	 n;		/* the item's place in the file */
	char		 pid[48];
	int		 ok;		/* 0: import_body refused it */
	size_t		 size;
	struct buf	 md, html;
};

/*
 * The ring is filled by the reader and emptied by the writer, in the
 * file's order.  It holds at most AHEAD_SLOTS bodies and AHEAD_BYTES
 * (one body, whatever its size, when it is empty), so memory stays flat
 * with the file.  A reader that found it full is woken once it is half
 * empty, not at every body taken: a wake-up is a system call.
 */
struct ahead {
	const char		*path;
	const struct import_opts *o;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 made;		/* the writer waits on it */
	pthread_cond_t		 taken;		/* the reader waits on it */
	int			 reader_waits, writer_waits;
	struct ahead_body	 ring[AHEAD_SLOTS];
	unsigned long		 head, tail;	/* bodies taken, made */
	size_t			 bytes;		/* held in the ring */
	int			 done;		/* the reader has ended */
	int			 stop;		/* the writer has ended */
	/* The reader's own: */
	XML_Parser		 p;
	enum wxr_in		 in;
	unsigned long		 nitems;
	struct buf		 text, content;
	char			 type[16], status[16], pid[48];
};

/* Hands a body over; -1 when the writer has ended. */
static int
ahead_put(struct ahead *a, struct buf *md, struct buf *html, int ok)
{
	struct ahead_body *b;
	size_t size = md->cap + html->cap;

	pthread_mutex_lock(&a->mu);
	while (!a->stop && (a->tail - a->head == AHEAD_SLOTS ||
	    (a->bytes > 0 && a->bytes + size > AHEAD_BYTES))) {
		a->reader_waits = 1;
		pthread_cond_wait(&a->taken, &a->mu);
	}
	a->reader_waits = 0;
	if (a->stop) {
		pthread_mutex_unlock(&a->mu);
		return -1;
	}
	b = &a->ring[a->tail % AHEAD_SLOTS];
	b->n = a->nitems;
	strlcpy_(b->pid, a->pid, sizeof(b->pid));
	b->ok = ok;
	b->size = size;
	b->md = *md;
	b->html = *html;
	*md = *html = (struct buf)BUF_INIT;
	a->bytes += size;
	a->tail++;
	if (a->writer_waits)
		pthread_cond_signal(&a->made);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

/*
 * The body of the nth item (its wp:post_id pid) into md and html, which
 * the caller frees: 0, or -1 when the reader did not make it (the caller
 * makes it).  Bodies of items before it, which the writer did not need
 * (attachments, items there already), are dropped on the way.
 */
static int
ahead_take(struct ahead *a, unsigned long n, const char *pid,
    struct buf *md, struct buf *html)
{
	struct ahead_body *b;
	int rc = -1;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->head == a->tail && !a->done) {
			a->writer_waits = 1;
			pthread_cond_wait(&a->made, &a->mu);
		}
		a->writer_waits = 0;
		if (a->head == a->tail)
			break;
		b = &a->ring[a->head % AHEAD_SLOTS];
		if (b->n > n)
			break;
		if (b->n == n && b->ok && strcmp(b->pid, pid) == 0) {
			*md = b->md;
			*html = b->html;
			rc = 0;
		} else {
			buf_free(&b->md);
			buf_free(&b->html);
		}
		b->md = b->html = (struct buf)BUF_INIT;
		a->bytes -= b->size;
		a->head++;
		if (a->reader_waits && a->tail - a->head <= AHEAD_SLOTS / 2 &&
		    a->bytes <= AHEAD_BYTES / 2)
			pthread_cond_signal(&a->taken);
		if (b->n == n)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	return rc;
}

/*
 * The reader follows the containers as on_start and on_end do, so that
 * its items are the writer's, and keeps of an item only what decides
 * whether it is a post or page to import, and its content.
 */
static void XMLCALL
ahead_on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct ahead *a = ud;
	enum wxr_in to;

	(void)attrs;
	buf_reset(&a->text);
	to = wxr_enter(a->in, name);
	if (to != a->in && to == IN_ITEM) {
		buf_reset(&a->content);
		a->type[0] = a->status[0] = a->pid[0] = '\0';
	}
	a->in = to;
}

/* Whether the writer may import an item of this type and status. */
static int
ahead_wanted(const struct ahead *a)
{
	static const char *const statuses[] = {
		"publish", "future", "draft", "pending", "private",
	};
	size_t i;

	if (strcmp(a->type, "post") != 0 && strcmp(a->type, "page") != 0)
		return 0;
	if (a->pid[0] == '\0')
		return 0;
	for (i = 0; i < ARRAY_SIZE(statuses); i++)
		if (strcmp(a->status, statuses[i]) == 0)
			return 1;
	return 0;
}

static void
ahead_item_end(struct ahead *a)
{
	struct buf md = BUF_INIT, html = BUF_INIT;
	int ok;

	a->nitems++;
	if (!ahead_wanted(a))
		return;
	buf_putc(&a->content, '\0');
	buf_init(&md, IMPORT_BODY_MAX);
	buf_init(&html, IMPORT_BODY_MAX);
	ok = !buf_err(&a->content) && import_body(NULL, a->o, NULL, NULL,
	    a->content.p, &md, &html) == 0;
	if (ahead_put(a, &md, &html, ok) != 0)
		XML_StopParser(a->p, XML_FALSE);
	buf_free(&md);
	buf_free(&html);
}

static void XMLCALL
ahead_on_end(void *ud, const XML_Char *name)
{
	struct ahead *a = ud;
	enum wxr_in to, from;
	struct buf t;
	char *field = NULL;
	size_t fieldsz = 0;

	if ((to = wxr_leave(a->in, name)) != a->in) {
		from = a->in;
		a->in = to;
		if (from == IN_ITEM)
			ahead_item_end(a);
	} else if (a->in == IN_ITEM) {
		if (strcmp(name, "content:encoded") == 0) {
			/* The last one read is the one the writer keeps. */
			t = a->content;
			a->content = a->text;
			a->text = t;
		} else if (strcmp(name, "wp:post_id") == 0) {
			field = a->pid;
			fieldsz = sizeof(a->pid);
		} else if (strcmp(name, "wp:post_type") == 0) {
			field = a->type;
			fieldsz = sizeof(a->type);
		} else if (strcmp(name, "wp:status") == 0) {
			field = a->status;
			fieldsz = sizeof(a->status);
		}
	}
	if (field != NULL) {
		/* One too long for the field matches nothing: "". */
		if (a->text.len < fieldsz && !buf_err(&a->text)) {
			memcpy(field, a->text.p != NULL ? a->text.p : "",
			    a->text.len);
			field[a->text.len] = '\0';
		} else {
			field[0] = '\0';
		}
	}
	buf_reset(&a->text);
}

static void XMLCALL
ahead_on_text(void *ud, const XML_Char *s, int len)
{
	struct ahead *a = ud;

	if (a->in == IN_ITEM)
		buf_append(&a->text, s, (size_t)len);
}

static void XMLCALL
ahead_on_entity(void *ud, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *system_id, const XML_Char *public_id,
    const XML_Char *notation)
{
	struct ahead *a = ud;

	/* The writer refuses the file; the reader just stops. */
	XML_StopParser(a->p, XML_FALSE);
}

static void *
ahead_run(void *arg)
{
	struct ahead *a = arg;
	char *chunk = NULL;
	FILE *f;
	size_t n;
	int last = 0;

	if ((f = fopen(a->path, "rb")) == NULL)
		goto out;
	if ((a->p = XML_ParserCreate("UTF-8")) == NULL)
		goto out;
	XML_SetUserData(a->p, a);
	XML_SetElementHandler(a->p, ahead_on_start, ahead_on_end);
	XML_SetCharacterDataHandler(a->p, ahead_on_text);
	XML_SetEntityDeclHandler(a->p, ahead_on_entity);
	XML_SetParamEntityParsing(a->p, XML_PARAM_ENTITY_PARSING_NEVER);
	chunk = xmalloc(WXR_CHUNK);
	/* A stop, an error or the end of the file: the writer goes on alone. */
	while (!last) {
		n = fread(chunk, 1, WXR_CHUNK, f);
		last = n < WXR_CHUNK;
		if (ferror(f) || XML_Parse(a->p, chunk, (int)n, last) !=
		    XML_STATUS_OK)
			break;
	}
out:
	free(chunk);
	if (f != NULL)
		fclose(f);
	pthread_mutex_lock(&a->mu);
	a->done = 1;
	pthread_cond_signal(&a->made);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* The reader of path on a thread of its own, or NULL (none: no matter). */
static struct ahead *
ahead_begin(const char *path, const struct import_opts *o)
{
	struct ahead *a = xcalloc(1, sizeof(*a));

	a->path = path;
	a->o = o;
	a->in = IN_CHANNEL;
	buf_init(&a->text, IMPORT_FIELD_MAX);
	buf_init(&a->content, IMPORT_FIELD_MAX);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->made, NULL);
	pthread_cond_init(&a->taken, NULL);
	if (pthread_create(&a->thread, NULL, ahead_run, a) != 0) {
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->made);
		pthread_cond_destroy(&a->taken);
		buf_free(&a->text);
		buf_free(&a->content);
		free(a);
		return NULL;
	}
	return a;
}

/* Stops the reader where it is and frees it and what it made. */
static void
ahead_end(struct ahead *a)
{
	unsigned long i;

	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_signal(&a->taken);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	for (i = a->head; i != a->tail; i++) {
		buf_free(&a->ring[i % AHEAD_SLOTS].md);
		buf_free(&a->ring[i % AHEAD_SLOTS].html);
	}
	if (a->p != NULL)
		XML_ParserFree(a->p);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->made);
	pthread_cond_destroy(&a->taken);
	buf_free(&a->text);
	buf_free(&a->content);
	free(a);
}

int
import_wxr(struct db *db, const char *path, const struct import_opts *o,
    struct import_report *rep, char *err, size_t errsz)
{
	struct wxr w;
	FILE *f;
	char *chunk = NULL;
	json_t *gv;
	size_t n, gi;
	int done = 0, rc = -1;

	memset(&w, 0, sizeof(w));
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errsz, "%s: cannot open", path);
		return -1;
	}
	w.db = db;
	w.o = o;
	w.rep = rep;
	w.err = err;
	w.errsz = errsz;
	buf_init(&w.text, IMPORT_FIELD_MAX);
	w.cur = json_object();
	w.item = json_object();
	w.cats = json_array();
	w.metas = json_object();
	w.comments = json_array();
	w.cat_attrs = json_object();
	w.sections = json_object();
	w.authors = json_object();
	w.attachments = json_object();
	w.heroes = json_array();
	w.skipped = json_object();
	w.sticky = json_array();
	w.galleries = json_array();
	if ((w.p = XML_ParserCreate("UTF-8")) == NULL)
		goto out;
	XML_SetUserData(w.p, &w);
	XML_SetElementHandler(w.p, on_start, on_end);
	XML_SetCharacterDataHandler(w.p, on_text);
	XML_SetEntityDeclHandler(w.p, on_entity);
	XML_SetParamEntityParsing(w.p, XML_PARAM_ENTITY_PARSING_NEVER);
	chunk = xmalloc(WXR_CHUNK);
	if (o->media_from == NULL)
		w.ahead = ahead_begin(path, o);
	/* After this point, every error goes through out. */
	while (!done) {
		n = fread(chunk, 1, WXR_CHUNK, f);
		if (ferror(f)) {
			snprintf(err, errsz, "%s: read error", path);
			goto out;
		}
		done = n < WXR_CHUNK;
		if (XML_Parse(w.p, chunk, (int)n, done) == XML_STATUS_ERROR) {
			enum XML_Error e = XML_GetErrorCode(w.p);
			char where[160];

			item_where(&w, where, sizeof(where));
			if (!w.failed)
				snprintf(err, errsz, "line %lu, column %lu%s: "
				    "%s%s",
				    (unsigned long)XML_GetCurrentLineNumber(w.p),
				    (unsigned long)
				    XML_GetCurrentColumnNumber(w.p), where,
				    XML_ErrorString(e), done &&
				    (e == XML_ERROR_UNCLOSED_TOKEN ||
				    e == XML_ERROR_NO_ELEMENTS ||
				    e == XML_ERROR_UNCLOSED_CDATA_SECTION) ?
				    " (the file ends too early: is it cut "
				    "short?)" : "");
			goto out;
		}
	}
	if (w.source[0] == '\0') {
		snprintf(err, errsz, "not a WordPress export: no channel");
		goto out;
	}
	heroes_put(&w);
	if (w.failed)
		goto out;
	json_array_foreach(w.galleries, gi, gv)
		if (import_rebody(db, o, rep, json_integer_value(
		    json_array_get(gv, 0)), json_string_value(json_array_get(gv,
		    1)), w.attachments) != 0) {
			snprintf(err, errsz, "story %lld: %s", (long long)
			    json_integer_value(json_array_get(gv, 0)),
			    db_errmsg(db));
			goto out;
		}
	if (import_pins(db, rep, w.sticky) != 0) {
		snprintf(err, errsz, "front page pins: %s", db_errmsg(db));
		goto out;
	}
	if (import_redirect(db, rep, "/feed/", "/feed.xml") != 0) {
		snprintf(err, errsz, "redirect: %s", db_errmsg(db));
		goto out;
	}
	rep->bytes = rep->bytes_total;
	if (json_object_size(w.skipped) > 0) {
		const char *k;
		json_t *v;

		rep->where[0] = '\0';
		json_object_foreach(w.skipped, k, v)
			import_note(rep, "left out %lld item(s) of type \"%s\"",
			    (long long)json_integer_value(v), k);
	}
	rc = 0;
out:
	if (rc != 0 && strncmp(err, path, strlen(path)) != 0) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s: %s", path, err);
		strlcpy_(err, msg, errsz);
	}
	if (w.ahead != NULL)
		ahead_end(w.ahead);
	if (w.p != NULL)
		XML_ParserFree(w.p);
	free(chunk);
	fclose(f);
	buf_free(&w.text);
	json_decref(w.cur);
	json_decref(w.item);
	json_decref(w.cats);
	json_decref(w.metas);
	json_decref(w.comments);
	json_decref(w.cat_attrs);
	json_decref(w.sections);
	json_decref(w.authors);
	json_decref(w.attachments);
	json_decref(w.heroes);
	json_decref(w.skipped);
	json_decref(w.sticky);
	json_decref(w.galleries);
	return rc;
}
