/*
 * page_comment.c — comments for readers: the comments of the article
 * page in three views, a comment's permalink, and the forms to post,
 * reply, edit, delete and report (the Atom feed of an article's comments
 * is written by feed.c with the other feeds).
 *
 * The article page and the permalinks are shared cached pages: they show
 * the same thing to everyone and hold no form.  Whatever needs a CSRF
 * token or depends on the reader (the composer, reply, edit, delete and
 * report forms, a reader's own comments) is on a form page of its own,
 * answered without the cache, and every write checks on the server who
 * may do it.  docs/cache.md explains why.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "cache.h"
#include "config.h"
#include "db.h"
#include "req.h"
#include "markdown.h"
#include "own.h"
#include "page.h"
#include "ratelimit.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"
#include "webhook.h"

#define FLAT_PAGE	50	/* comments a page in the flat views */
#define THREAD_PAGE	20	/* top comments a page in the threaded view */
#define THREAD_REPLIES	500	/* replies shown under one page of threads */
#define MAX_DEPTH	3	/* deeper replies are shown flat at this depth */
#define FEATURED_MAX	5
#define PERMALINK_REPLIES	100
#define MINE_MAX	20
#define BODY_MAX	5000	/* bytes of Markdown in one comment */
#define REASON_MAX	500
#define DUPLICATE_SECS	86400	/* the same text twice in a day: a duplicate */
#define RATE_WINDOW	(10 * 60)	/* seconds */
#define VIEW_COOKIE	"mh_cview"

static const char *const views[CV__MAX] = {
	[CV_NEWEST] = "newest", [CV_OLDEST] = "oldest",
	[CV_THREADED] = "threaded",
};
static const char *const view_labels[CV__MAX] = {
	[CV_NEWEST] = "Newest First", [CV_OLDEST] = "Oldest First",
	[CV_THREADED] = "Threaded View",
};

static int
view_parse(const char *s)
{
	int i;

	for (i = 0; i < CV__MAX; i++)
		if (s != NULL && strcmp(s, views[i]) == 0)
			return i;
	return -1;
}

/*
 * The view of this request: ?view= when given (-1 when it is not a
 * view), else the one the reader chose last (the cookie), else newest.
 */
static int
request_view(struct req *r)
{
	const char *q = http_query(r, "view");
	int v;

	if (q != NULL)
		return view_parse(q);
	v = view_parse(session_cookie(r, VIEW_COOKIE));
	return v < 0 ? CV_NEWEST : v;
}

void
page_comments_key(struct req *r)
{
	const char *q = http_query(r, "view"), *c = session_cookie(r,
	    VIEW_COOKIE);
	int v;

	if (q != NULL) {
		/* Following a view link remembers the view. */
		if (view_parse(q) >= 0 && (c == NULL || strcmp(c, q) != 0))
			session_set_cookie(r, VIEW_COOKIE, q, 31536000, 0);
		return;
	}
	/*
	 * Without ?view= the page depends on the cookie: a remembered view
	 * other than the default is cached under the address of its link.
	 */
	if ((v = view_parse(c)) > CV_NEWEST) {
		struct buf *k = own_buf(r, 0);
		int has_q = memchr(r->cache_key, '?', r->cache_keylen) != NULL;

		buf_append(k, r->cache_key, r->cache_keylen);
		buf_printf(k, "%cview=%s", has_q ? '&' : '?', views[v]);
		r->cache_key = h2o_strdup(&r->h->pool, k->p, k->len).base;
		r->cache_keylen = k->len;
	}
}

/* "T.ID" -> cursor; -1 when malformed. */
static int
cursor_parse(const char *s, struct cursor *c)
{
	const char *dot;

	if (s == NULL || (dot = strchr(s, '.')) == NULL)
		return -1;
	if (parse_int(s, (size_t)(dot - s), 0, INT64_MAX, &c->t) != 0 ||
	    parse_int(dot + 1, strlen(dot + 1), 0, INT64_MAX, &c->id) != 0)
		return -1;
	return 0;
}

static void
set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

/* Adds the URLs, dates and flags a comment is shown with. */
static void
view_comment(json_t *c)
{
	char b[160];
	int64_t id = view_int(c, "id");
	const char *status = view_str(c, "status");

	snprintf(b, sizeof(b), "c%lld", (long long)id);
	set_str(c, "anchor", b);
	snprintf(b, sizeof(b), "/comments/%lld", (long long)id);
	set_str(c, "url", b);
	snprintf(b, sizeof(b), "/comments/%lld/reply", (long long)id);
	set_str(c, "reply_url", b);
	snprintf(b, sizeof(b), "/comments/%lld/report", (long long)id);
	set_str(c, "report_url", b);
	/* A conversation runs by the hour: a comment shows its time. */
	view_fmt_datetime(view_int(c, "created_at"), b, sizeof(b));
	set_str(c, "date", b);
	view_fmt_iso(view_int(c, "created_at"), b, sizeof(b));
	set_str(c, "date_iso", b);
	json_object_set_new(c, "deleted", json_boolean(strcmp(status,
	    "deleted") == 0));
	json_object_set_new(c, "edited", json_boolean(json_is_integer(
	    json_object_get(c, "edited_at"))));
	json_object_set_new(c, "featured", json_boolean(view_int(c,
	    "featured") != 0));
	if (json_is_integer(json_object_get(c, "parent_id"))) {
		snprintf(b, sizeof(b), "/comments/%lld", (long long)view_int(c,
		    "parent_id"));
		set_str(c, "parent_url", b);
	}
	if (strcmp(status, "deleted") == 0) {
		set_str(c, "body_html", "");
		set_str(c, "author_name", "");
	} else {
		/* Whose it is, for the reader's script (docs/cache.md). */
		json_object_set(c, "by", json_object_get(c, "user_id"));
	}
}

/* Flat views show every reply as "in reply to". */
static void
view_flat(json_t *rows)
{
	json_t *c;
	size_t i;

	json_array_foreach(rows, i, c) {
		view_comment(c);
		json_object_set_new(c, "depth", json_integer(0));
		if (json_object_get(c, "parent_url") != NULL)
			json_object_set_new(c, "in_reply_to", json_true());
	}
}

/*
 * Orders one page of threads: each top comment, then its replies depth
 * first, oldest first at every level.  Replies are nested up to
 * MAX_DEPTH; deeper ones, and replies whose parent is not shown, sit at
 * the deepest level and say whom they answer.
 */
static void
emit(json_t *out, json_t *c, json_t *kids, int depth, int orphan)
{
	char k[24];
	json_t *list, *kid;
	size_t i;

	json_object_set_new(c, "depth", json_integer(depth > MAX_DEPTH ?
	    MAX_DEPTH : depth));
	if ((depth > MAX_DEPTH || orphan) &&
	    json_object_get(c, "parent_url") != NULL)
		json_object_set_new(c, "in_reply_to", json_true());
	json_array_append(out, c);
	snprintf(k, sizeof(k), "%lld", (long long)view_int(c, "id"));
	if ((list = json_object_get(kids, k)) == NULL)
		return;
	json_array_foreach(list, i, kid)
		emit(out, kid, kids, depth + 1,
		    json_is_true(json_object_get(kid, "orphan")));
}

static json_t *
thread_order(struct req *r, json_t *roots, json_t *replies)
{
	json_t *out = json_array(), *kids = own_json(r, json_object()),
	    *shown = own_json(r, json_object()), *c, *list;
	char k[24];
	size_t i;

	json_array_foreach(roots, i, c) {
		view_comment(c);
		snprintf(k, sizeof(k), "%lld", (long long)view_int(c, "id"));
		json_object_set(shown, k, c);
	}
	json_array_foreach(replies, i, c) {
		view_comment(c);
		snprintf(k, sizeof(k), "%lld", (long long)view_int(c, "id"));
		json_object_set(shown, k, c);
	}
	json_array_foreach(replies, i, c) {
		snprintf(k, sizeof(k), "%lld", (long long)view_int(c,
		    "parent_id"));
		if (json_object_get(shown, k) == NULL) {
			json_object_set_new(c, "orphan", json_true());
			snprintf(k, sizeof(k), "%lld", (long long)view_int(c,
			    "root_id"));
		}
		if ((list = json_object_get(kids, k)) == NULL) {
			list = json_array();
			json_object_set_new(kids, k, list);
		}
		json_array_append(list, c);
	}
	json_array_foreach(roots, i, c)
		emit(out, c, kids, 0, 0);
	return out;
}

static void
page_link(json_t *m, const char *key, const char *slug, int view,
    const struct cursor *c)
{
	char url[400];

	snprintf(url, sizeof(url), "/article/%s?view=%s&cursor=%lld.%lld#comments",
	    slug, views[view], (long long)c->t, (long long)c->id);
	set_str(m, key, url);
}

/* The view each comments_order is. */
static const int order_view[] = {
	[COMMENTS_NEWEST] = CV_NEWEST, [COMMENTS_OLDEST] = CV_OLDEST,
	[COMMENTS_ROOTS] = CV_THREADED,
};

int
page_comments_ask(struct req *r, struct comments_ask *a)
{
	const char *cs = http_query(r, "cursor");
	int view = request_view(r);

	memset(a, 0, sizeof(*a));
	if (view < 0)
		return 400;
	a->order = view == CV_THREADED ? COMMENTS_ROOTS : view == CV_OLDEST ?
	    COMMENTS_OLDEST : COMMENTS_NEWEST;
	if (view == CV_NEWEST)
		a->cur.t = a->cur.id = INT64_MAX;
	if (cs != NULL && cursor_parse(cs, &a->cur) != 0)
		return 400;
	a->limit = (view == CV_THREADED ? THREAD_PAGE : FLAT_PAGE) + 1;
	/* A first page comes with the featured comments. */
	a->featured_max = cs == NULL ? FEATURED_MAX : 0;
	return 0;
}

int
page_comments_model(struct req *r, json_t *article, struct comments_ask *a,
    json_t **out)
{
	const char *slug = view_str(article, "slug"),
	    *mode = view_str(article, "comments_mode");
	int64_t id = view_int(article, "id");
	struct cursor cur = a->cur, last;
	json_t *m, *rows = a->rows, *items, *links, *featured = a->featured,
	    *replies;
	char url[400];
	int view = order_view[a->order], rc, first = a->featured_max > 0, i;
	size_t n;

	*out = NULL;
	a->rows = a->featured = NULL;
	own_json(r, rows);
	own_json(r, featured);
	cache_dep_str(tag_comments(id).s);
	m = own_json(r, json_object());
	n = json_array_size(rows);
	if (n > (size_t)(view == CV_THREADED ? THREAD_PAGE : FLAT_PAGE)) {
		json_array_remove(rows, --n);
		last.t = view_int(json_array_get(rows, n - 1), "created_at");
		last.id = view_int(json_array_get(rows, n - 1), "id");
		page_link(m, "next_url", slug, view, &last);
	}
	if (view == CV_THREADED) {
		if (n > 0) {
			last.t = view_int(json_array_get(rows, n - 1),
			    "created_at");
			last.id = view_int(json_array_get(rows, n - 1), "id");
			rc = store_comments_thread_replies(r->db, id, &cur,
			    &last, THREAD_REPLIES + 1, &replies);
			own_json(r, replies);
			if (rc != STORE_OK)
				return status_store(rc);
			if (json_array_size(replies) > THREAD_REPLIES) {
				json_array_remove(replies, THREAD_REPLIES);
				json_object_set_new(m, "truncated",
				    json_true());
			}
			items = own_json(r, thread_order(r, rows, replies));
		} else {
			items = rows;
		}
	} else {
		view_flat(rows);
		items = rows;
	}
	if (first) {
		view_flat(featured);
		json_object_set_new(m, "has_featured", json_boolean(
		    json_array_size(featured) > 0));
		json_object_set(m, "featured", featured);
	} else {
		snprintf(url, sizeof(url), "/article/%s?view=%s#comments",
		    slug, views[view]);
		set_str(m, "first_url", url);
	}
	links = json_array();
	for (i = 0; i < CV__MAX; i++) {
		snprintf(url, sizeof(url), "/article/%s?view=%s#comments",
		    slug, views[i]);
		json_array_append_new(links, json_pack("{s:s,s:s,s:b}",
		    "label", view_labels[i], "url", url, "current", i == view));
	}
	json_object_set_new(m, "views", links);
	set_str(m, "view", views[view]);
	json_object_set(m, "items", items);
	json_object_set_new(m, "any", json_boolean(json_array_size(items) >
	    0));
	json_object_set_new(m, "paged", json_boolean(!first ||
	    json_object_get(m, "next_url") != NULL));
	json_object_set_new(m, "closed", json_boolean(strcmp(mode,
	    "closed") == 0));
	json_object_set_new(m, "premoderated", json_boolean(strcmp(mode,
	    "premoderated") == 0));
	snprintf(url, sizeof(url), "/article/%s/comment", slug);
	set_str(m, "compose_url", url);
	snprintf(url, sizeof(url), "/article/%s/comments.atom", slug);
	set_str(m, "feed_url", url);
	*out = json_incref(m);
	return 0;
}

/*
 * The article a comment form is for (the request's); 404 when it is not
 * published.
 */
static int
article_of(struct req *r, const char *slug, json_t **a)
{
	int rc;

	*a = NULL;
	if (!url_is_slug(slug, strlen(slug)))
		return 404;
	rc = store_comment_article(r->db, slug, page_now(), a);
	own_json(r, *a);
	if (rc != STORE_OK)
		return status_store(rc);
	return 0;
}

/*
 * The comment of the route's id (the request's); 404 when there is no
 * such comment.
 */
static int
comment_of(struct req *r, json_t **c)
{
	int64_t id;
	int rc;

	*c = NULL;
	if (parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX, &id) != 0)
		return 404;
	rc = store_comment_get(r->db, id, c);
	own_json(r, *c);
	if (rc != STORE_OK)
		return status_store(rc);
	return 0;
}

/* A comment readers may see: approved, or a deleted one's placeholder. */
static int
publicly_visible(json_t *c)
{
	const char *s = view_str(c, "status");

	return strcmp(s, "approved") == 0 || (strcmp(s, "deleted") == 0 &&
	    view_int(c, "reply_count") > 0);
}

int
page_comment(struct req *r)
{
	json_t *c, *replies, *parent = NULL, *m;
	char title[160];
	int status, rc;

	if ((status = comment_of(r, &c)) != 0)
		return status;
	cache_dep_str(tag_comments(view_int(c, "article_id")).s);
	cache_dep_str(tag_article(view_int(c, "article_id")).s);
	/* A comment is public while its story is. */
	if (!publicly_visible(c) || (status = article_of(r, view_str(c,
	    "article_slug"), &parent)) != 0)
		return status != 0 ? status : 404;
	parent = NULL;
	if ((rc = store_comment_replies(r->db, view_int(c, "id"),
	    PERMALINK_REPLIES, &replies)) != STORE_OK)
		return status_store(rc);
	view_flat(replies);
	if (json_is_integer(json_object_get(c, "parent_id"))) {
		rc = store_comment_get(r->db, view_int(c, "parent_id"), &parent);
		own_json(r, parent);
		if (rc == STORE_OK && publicly_visible(parent))
			view_comment(parent);
		else
			parent = NULL;
	}
	view_comment(c);
	json_object_del(c, "body_md");
	json_object_del(c, "held_reason");
	snprintf(title, sizeof(title), "Comment on %s", view_str(c,
	    "article_title"));
	m = json_pack("{s:O,s:o,s:b,s:{s:s}}", "comment", c, "replies",
	    replies, "has_replies", json_array_size(replies) > 0, "page",
	    "title", title);
	if (parent != NULL) {
		json_object_del(parent, "body_md");
		json_object_del(parent, "held_reason");
		json_object_set(m, "parent", parent);
	}
	return page_render(r, 200, "comment", m);
}

/* ---- the forms ------------------------------------------------------ */

/*
 * Renders a form page for the signed-in reader (or the sign-in
 * invitation) of m, the request's.
 */
static int
form_page(struct req *r, int status, const char *tpl, json_t *m,
    const char *title)
{
	char csrf[64];

	if (r->user != NULL) {
		session_csrf(r, csrf, sizeof(csrf));
		set_str(m, "csrf", csrf);
		json_object_set_new(m, "user", json_pack("{s:s}", "name",
		    r->user->name));
	}
	json_object_set_new(m, "page", json_pack("{s:s}", "title", title));
	return page_render(r, status, tpl, json_incref(m));
}

static void
article_urls(json_t *a)
{
	char url[300];

	snprintf(url, sizeof(url), "/article/%s", view_str(a, "slug"));
	set_str(a, "url", url);
	snprintf(url, sizeof(url), "/article/%s/comment", view_str(a, "slug"));
	set_str(a, "compose_url", url);
	snprintf(url, sizeof(url), "/signin?next=/article/%s/comment",
	    view_str(a, "slug"));
	set_str(a, "signin_url", url);
	json_object_set_new(a, "closed", json_boolean(strcmp(view_str(a,
	    "comments_mode"), "closed") == 0));
}

/* The reader's own comments on the article, with what they may still do. */
static int
add_mine(struct req *r, json_t *m, int64_t article)
{
	json_t *rows, *c;
	int64_t now = page_now();
	size_t i;
	int rc;

	if ((rc = store_comments_mine(r->db, r->user->id, article, MINE_MAX,
	    &rows)) != STORE_OK)
		return rc;
	json_array_foreach(rows, i, c) {
		char url[80];

		view_comment(c);
		json_object_set_new(c, "pending", json_boolean(strcmp(view_str(c,
		    "status"), "pending") == 0));
		json_object_set_new(c, "can_edit", json_boolean(now - view_int(c,
		    "created_at") < COMMENT_EDIT_SECS));
		snprintf(url, sizeof(url), "/comments/%lld/edit",
		    (long long)view_int(c, "id"));
		set_str(c, "edit_url", url);
		snprintf(url, sizeof(url), "/comments/%lld/delete",
		    (long long)view_int(c, "id"));
		set_str(c, "delete_url", url);
		json_object_del(c, "body_md");
	}
	json_object_set_new(m, "has_mine", json_boolean(json_array_size(rows) >
	    0));
	json_object_set_new(m, "mine", rows);
	return STORE_OK;
}

/*
 * Whether the signed-in reader is banned or suspended: 1 with what they
 * are told in msg, 0 when they may post, or a store status.
 */
static int
ban_words(struct req *r, char *msg, size_t n)
{
	int64_t until;
	char date[64];
	int rc;

	rc = store_comment_ban_get(r->db, r->user->id, page_now(), &until);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		return -rc;
	if (until == 0) {
		snprintf(msg, n, "Your account may no longer post comments.");
	} else {
		view_fmt_date_long(until, date, sizeof(date));
		snprintf(msg, n, "Your account is suspended from commenting "
		    "until %s.", date);
	}
	return 1;
}

/*
 * The composer: a new comment to the article a, or a reply to parent
 * (NULL), both the request's.  A banned or suspended reader is told so
 * instead of being given the form.
 */
static int
compose(struct req *r, int status, json_t *a, json_t *parent,
    const char *body, const char *error, const char *notice)
{
	json_t *m = own_json(r, json_pack("{s:O,s:s}", "article", a, "body",
	    body != NULL ? body : ""));
	int rc;

	article_urls(a);
	if (error != NULL)
		set_str(m, "error", error);
	if (notice != NULL)
		set_str(m, "notice", notice);
	if (parent != NULL) {
		view_comment(parent);
		json_object_del(parent, "body_md");
		json_object_set(m, "parent", parent);
	}
	if (r->user != NULL &&
	    (rc = add_mine(r, m, view_int(a, "id"))) != STORE_OK)
		return status_store(rc);
	if (r->user != NULL) {
		char msg[200];

		if ((rc = ban_words(r, msg, sizeof(msg))) < 0)
			return status_store(-rc);
		if (rc == 1)
			set_str(m, "banned", msg);
	}
	return form_page(r, status, "comment-form", m, parent != NULL ?
	    "Reply to a comment" : "Add a comment");
}

int
page_comment_compose(struct req *r)
{
	const char *held = http_query(r, "held");
	json_t *a;
	int status;

	if ((status = article_of(r, r->arg[0], &a)) != 0)
		return status;
	return compose(r, 200, a, NULL, NULL, NULL, held != NULL ?
	    "Thank you. Your comment will appear once a moderator has "
	    "read it." : NULL);
}

int
page_comment_reply(struct req *r)
{
	json_t *c, *a;
	int status;

	if ((status = comment_of(r, &c)) != 0)
		return status;
	if (strcmp(view_str(c, "status"), "approved") != 0)
		return 404;
	if ((status = article_of(r, view_str(c, "article_slug"), &a)) != 0)
		return status;
	return compose(r, 200, a, c, NULL, NULL, NULL);
}

/* Whether the text contains word (case-insensitive, on word boundaries). */
static int
has_word(const char *lower, const char *word, size_t wlen)
{
	const char *p = lower;

	while ((p = strstr(p, word)) != NULL) {
		unsigned char before = p == lower ? ' ' : (unsigned char)p[-1],
		    after = (unsigned char)p[wlen];

		if (!(before < 128 && (before == '_' ||
		    (before >= '0' && before <= '9') ||
		    (before >= 'a' && before <= 'z'))) &&
		    !(after < 128 && (after == '_' ||
		    (after >= '0' && after <= '9') ||
		    (after >= 'a' && after <= 'z'))))
			return 1;
		p++;
	}
	return 0;
}

static void
lower_copy(const char *s, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < outsz; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = '\0';
}

/*
 * Why a comment must wait for a moderator ("" when it need not): too
 * many links, a banned word, or the pre-moderation rules of the site and
 * of the article.
 */
static void
screen(struct req *r, const char *md, const char *html, const char *mode,
    int64_t user, int editing, char *why, size_t whysz)
{
	char tmp[4096], text[BODY_MAX + 1], word[128];
	const char *p, *s;
	int64_t max_links = 3, first = 3, links = 0;
	size_t n;

	why[0] = '\0';
	for (p = html; (p = strstr(p, "<a href=")) != NULL; p++)
		links++;
	s = store_setting(r->db, "comments_max_links", "3", tmp, sizeof(tmp));
	(void)parse_int(s, strlen(s), 0, 1000, &max_links);
	if (links > max_links) {
		snprintf(why, whysz, "more than %lld links",
		    (long long)max_links);
		return;
	}
	s = store_setting(r->db, "comments_banned_words", "", tmp,
	    sizeof(tmp));
	lower_copy(md, text, sizeof(text));
	while (*s != '\0') {
		n = strcspn(s, ",\n\r");
		while (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
			s++;
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > 0 && n < sizeof(word)) {
			memcpy(word, s, n);
			word[n] = '\0';
			lower_copy(word, word, sizeof(word));
			if (has_word(text, word, n)) {
				snprintf(why, whysz, "banned word \"%s\"",
				    word);
				return;
			}
		}
		s += n;
		while (*s == ',' || *s == '\n' || *s == '\r' || *s == ' ' ||
		    *s == '\t')
			s++;
	}
	s = store_setting(r->db, "comments_first_links", "on", tmp,
	    sizeof(tmp));
	if (links > 0 && strcmp(s, "on") == 0 &&
	    store_comment_user_approved(r->db, user) == 0) {
		snprintf(why, whysz, "a link from a first-time commenter");
		return;
	}
	if (editing)
		return;
	if (strcmp(mode, "premoderated") == 0) {
		snprintf(why, whysz, "the story's comments are pre-moderated");
		return;
	}
	s = store_setting(r->db, "comments_premoderation", "off", tmp,
	    sizeof(tmp));
	if (strcmp(s, "all") == 0) {
		snprintf(why, whysz, "every comment is pre-moderated");
	} else if (strcmp(s, "new") == 0) {
		s = store_setting(r->db, "comments_premoderation_first", "3",
		    tmp, sizeof(tmp));
		(void)parse_int(s, strlen(s), 0, 1000000, &first);
		if (store_comment_user_approved(r->db, user) < first)
			snprintf(why, whysz, "a new commenter");
	}
}

static void
body_hash(const char *md, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)md, strlen(md));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Trims white space at both ends, in place. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/*
 * Tells the webhooks of a comment posted, inside its transaction: the
 * comment, its story and whether it is shown or held, but neither its
 * text nor who wrote it.
 */
int
page_comment_fire_posted(struct db *db, json_t *a, int64_t id, const char *status)
{
	char buf[256], story[1024], url[1024];
	const char *site = config_site_url(buf, sizeof(buf));
	json_t *data;
	int rc;

	snprintf(story, sizeof(story), "%s/article/%s", site,
	    view_str(a, "slug"));
	data = json_pack("{s:I,s:s,s:{s:I,s:s}}", "id", (json_int_t)id,
	    "status", status, "story", "id", (json_int_t)view_int(a, "id"),
	    "url", story);
	if (data == NULL)
		return STORE_ERROR;
	/* A held comment has no page until a moderator approves it. */
	if (strcmp(status, "approved") == 0) {
		snprintf(url, sizeof(url), "%s/comments/%lld", site,
		    (long long)id);
		json_object_set_new(data, "url", json_string(url));
	}
	rc = webhook_fire(db, WEBHOOK_COMMENT_POSTED, data);
	json_decref(data);
	return rc;
}

/*
 * Commits a comment write and drops what it changed: the comments of the
 * article (its page, permalinks, feed), and with the count every list
 * that shows the story's count.  Other instances hear of it on commit.
 */
int
page_comments_commit(struct req *r, int64_t article, int count_changed,
    int shown_changed)
{
	struct tag cm = tag_comments(article), cc = tag_comment_count(article);
	struct tag all = tag_comment_counts();
	char tags[3 * TAG_MAX];

	tags[0] = '\0';
	if (shown_changed || count_changed)
		snprintf(tags, sizeof(tags), "%s", cm.s);
	if (count_changed)
		snprintf(tags + strlen(tags), sizeof(tags) - strlen(tags),
		    " %s %s", cc.s, all.s);
	if ((tags[0] != '\0' && bus_publish(r->db, tags) != DB_OK) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return 503;
	}
	if (tags[0] != '\0')
		bus_apply(tags);
	return 0;
}

/*
 * Too many comments from this reader or address: 429 with Retry-After.
 * The counts are kept in the database with the comment, so every instance
 * shares them and a refused try is not counted.
 */
static int
rate_limited(struct req *r)
{
	char key[96], ip[64];
	int status;

	snprintf(key, sizeof(key), "comment:u:%lld", (long long)r->user->id);
	status = ratelimit_key(r, key, RATE_WINDOW, config.comment_rate_user);
	if (status == 0) {
		http_client_ip(r, ip, sizeof(ip));
		snprintf(key, sizeof(key), "comment:ip:%s", ip);
		status = ratelimit_key(r, key, RATE_WINDOW,
		    config.comment_rate_ip);
	}
	return status;
}

int
page_comment_post(struct req *r)
{
	struct url_query q;
	struct comment_new cn;
	struct buf *html = own_buf(r, 0);
	json_t *a = NULL, *parent = NULL;
	const char *ps;
	char *body, why[200], hash[65], ip[64], url[400];
	int64_t id, parent_id = 0, now = page_now();
	int status, rc;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	ps = url_query_get(&q, "parent");
	if (ps != NULL && ps[0] != '\0' && parse_int(ps, strlen(ps), 1,
	    INT64_MAX, &parent_id) != 0) {
		status = 400;
		goto done;
	}
	body = trim(own_strdup(r, url_query_get(&q, "body") != NULL ?
	    url_query_get(&q, "body") : ""));
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if ((status = article_of(r, r->arg[0], &a)) != 0)
		goto rollback;
	if (parent_id != 0 && (rc = store_comment_get(r->db, parent_id,
	    &parent)) != STORE_OK) {
		status = status_store(rc);
		goto rollback;
	}
	own_json(r, parent);
	if (strcmp(view_str(a, "comments_mode"), "closed") == 0) {
		status = compose(r, 403, a, NULL, body,
		    "Comments on this story are closed.", NULL);
		goto rollback;
	}
	if ((rc = ban_words(r, why, sizeof(why))) != 0) {
		status = rc < 0 ? status_store(-rc) : compose(r, 403, a, parent,
		    NULL, NULL, NULL);
		goto rollback;
	}
	if (strlen(body) == 0 || strlen(body) > BODY_MAX) {
		status = compose(r, 422, a, parent, strlen(body) > BODY_MAX ?
		    "" : body, strlen(body) == 0 ?
		    "Write something before posting." :
		    "A comment can be at most 5,000 characters long.", NULL);
		goto rollback;
	}
	if ((status = rate_limited(r)) != 0)
		goto rollback;
	body_hash(body, hash);
	if (store_comment_duplicate(r->db, r->user->id, hash,
	    now - DUPLICATE_SECS)) {
		status = compose(r, 409, a, parent, body,
		    "You have already posted this comment.", NULL);
		goto rollback;
	}
	if (markdown_render(MD_READER, body, strlen(body), html) != 0 ||
	    buf_err(html)) {
		status = 422;
		goto rollback;
	}
	buf_putc(html, '\0');
	screen(r, body, html->p, view_str(a, "comments_mode"), r->user->id, 0,
	    why, sizeof(why));
	http_client_ip(r, ip, sizeof(ip));
	memset(&cn, 0, sizeof(cn));
	cn.article_id = view_int(a, "id");
	cn.parent_id = parent_id;
	cn.user_id = r->user->id;
	cn.now = now;
	cn.status = why[0] == '\0' ? "approved" : "pending";
	cn.body_md = body;
	cn.body_html = html->p;
	cn.body_hash = hash;
	cn.held_reason = why;
	cn.ip = ip;
	if ((rc = store_comment_add(r->db, &cn, &id)) != STORE_OK) {
		status = status_store_as(rc, 422);
		goto rollback;
	}
	if ((rc = page_comment_fire_posted(r->db, a, id, cn.status)) != STORE_OK) {
		status = status_store(rc);
		goto rollback;
	}
	if ((status = page_comments_commit(r, cn.article_id, why[0] == '\0',
	    why[0] == '\0')) != 0)
		goto done;
	if (why[0] == '\0')
		snprintf(url, sizeof(url), "/comments/%lld", (long long)id);
	else
		snprintf(url, sizeof(url), "/article/%s/comment?held=1",
		    view_str(a, "slug"));
	http_redirect(r, 303, url);
	status = 0;
	goto done;
rollback:
	db_rollback(r->db);
done:
	url_query_free(&q);
	return status;
}

/*
 * The route's comment (the request's) when the reader wrote it: 0, 401,
 * 403 or 404.
 */
static int
own_comment(struct req *r, json_t **c)
{
	int status;

	if (r->user == NULL)
		return 401;
	if ((status = comment_of(r, c)) != 0)
		return status;
	if (view_int(*c, "user_id") != r->user->id) {
		*c = NULL;
		return 403;
	}
	return 0;
}

static int
editable(json_t *c)
{
	const char *s = view_str(c, "status");

	return (strcmp(s, "approved") == 0 || strcmp(s, "pending") == 0) &&
	    page_now() - view_int(c, "created_at") < COMMENT_EDIT_SECS;
}

static int
edit_form(struct req *r, int status, json_t *c, const char *body,
    const char *error)
{
	char url[80];
	json_t *m;

	snprintf(url, sizeof(url), "/comments/%lld/edit",
	    (long long)view_int(c, "id"));
	m = own_json(r, json_pack("{s:s,s:s,s:s,s:s}", "action", url, "body",
	    body, "article_title", view_str(c, "article_title"),
	    "article_slug", view_str(c, "article_slug")));
	if (error != NULL)
		set_str(m, "error", error);
	return form_page(r, status, "comment-edit", m, "Edit your comment");
}

int
page_comment_edit(struct req *r)
{
	json_t *c;
	int status;

	if ((status = own_comment(r, &c)) != 0)
		return status;
	if (!editable(c))
		return 403;
	return edit_form(r, 200, c, view_str(c, "body_md"), NULL);
}

int
page_comment_edit_post(struct req *r)
{
	struct url_query q;
	struct buf *html = own_buf(r, 0);
	struct comment_change ch;
	json_t *c = NULL;
	char *body, why[200], hash[65];
	int64_t id;
	int status, rc, count = 0;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	if (db_begin_write(r->db) != DB_OK) {
		url_query_free(&q);
		return 503;
	}
	/* After this point, all errors go through fail. */
	if ((status = own_comment(r, &c)) != 0)
		goto fail;
	if (!editable(c)) {
		status = 403;
		goto fail;
	}
	id = view_int(c, "id");
	body = trim(own_strdup(r, url_query_get(&q, "body") != NULL ?
	    url_query_get(&q, "body") : ""));
	if (body[0] == '\0' || strlen(body) > BODY_MAX) {
		db_rollback(r->db);
		status = edit_form(r, 422, c, strlen(body) > BODY_MAX ? "" :
		    body, body[0] == '\0' ? "A comment cannot be empty; "
		    "delete it instead." : "A comment can be at most 5,000 "
		    "characters long.");
		goto out;
	}
	if (markdown_render(MD_READER, body, strlen(body), html) != 0 ||
	    buf_err(html)) {
		status = 422;
		goto fail;
	}
	buf_putc(html, '\0');
	body_hash(body, hash);
	screen(r, body, html->p, view_str(c, "comments_mode"), r->user->id, 1,
	    why, sizeof(why));
	if ((rc = store_comment_edit(r->db, id, body, html->p, hash, why,
	    page_now())) != STORE_OK) {
		status = status_store(rc);
		goto fail;
	}
	/* An edit that adds what would have held the comment holds it now. */
	if (why[0] != '\0' && strcmp(view_str(c, "status"), "approved") == 0) {
		if ((rc = store_comment_set_status(r->db, id, "pending",
		    page_now(), &ch)) != STORE_OK) {
			status = status_store(rc);
			goto fail;
		}
		count = 1;
	}
	if ((status = page_comments_commit(r, view_int(c, "article_id"), count,
	    1)) != 0)
		goto out;
	{
		char url[400];

		snprintf(url, sizeof(url), "/article/%s/comment%s",
		    view_str(c, "article_slug"), why[0] != '\0' ? "?held=1" : "");
		http_redirect(r, 303, url);
	}
	status = 0;
	goto out;
fail:
	db_rollback(r->db);
out:
	url_query_free(&q);
	return status;
}

int
page_comment_delete(struct req *r)
{
	struct url_query q;
	struct comment_change ch;
	json_t *c = NULL;
	char url[400];
	int status, rc;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	if ((status = own_comment(r, &c)) != 0) {
		db_rollback(r->db);
		return status;
	}
	rc = store_comment_set_status(r->db, view_int(c, "id"), "deleted",
	    page_now(), &ch);
	if (rc != STORE_OK) {
		db_rollback(r->db);
		return status_store_as(rc, 409);
	}
	if ((status = page_comments_commit(r, ch.article_id, ch.delta != 0,
	    ch.was_visible)) != 0)
		return status;
	snprintf(url, sizeof(url), "/article/%s/comment", view_str(c,
	    "article_slug"));
	http_redirect(r, 303, url);
	return 0;
}

static const char *const report_reasons[] = {
	"spam", "abuse", "off-topic", "misinformation", "other",
};

/* The report form of the comment c, the request's. */
static int
report_form(struct req *r, int status, json_t *c, const char *error,
    int done)
{
	json_t *m, *reasons = json_array();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(report_reasons); i++)
		json_array_append_new(reasons, json_pack("{s:s}", "value",
		    report_reasons[i]));
	view_comment(c);
	json_object_del(c, "body_md");
	json_object_del(c, "held_reason");
	m = own_json(r, json_pack("{s:O,s:o,s:b}", "comment", c, "reasons",
	    reasons, "done", done));
	if (error != NULL)
		set_str(m, "error", error);
	return form_page(r, status, "comment-report", m, "Report a comment");
}

int
page_comment_report(struct req *r)
{
	json_t *c;
	int status;

	if ((status = comment_of(r, &c)) != 0)
		return status;
	if (!publicly_visible(c) || strcmp(view_str(c, "status"), "deleted") ==
	    0)
		return 404;
	return report_form(r, 200, c, NULL, http_query(r, "done") != NULL);
}

int
page_comment_report_post(struct req *r)
{
	struct url_query q;
	const char *reason, *detail;
	char text[REASON_MAX + 64], url[80];
	json_t *c = NULL;
	size_t i;
	int status, rc;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	reason = url_query_get(&q, "reason");
	detail = url_query_get(&q, "detail");
	for (i = 0; reason != NULL && i < ARRAY_SIZE(report_reasons); i++)
		if (strcmp(reason, report_reasons[i]) == 0)
			break;
	if (db_begin_write(r->db) != DB_OK) {
		url_query_free(&q);
		return 503;
	}
	/* After this point, all errors go through fail. */
	if ((status = comment_of(r, &c)) != 0)
		goto fail;
	if (strcmp(view_str(c, "status"), "approved") != 0) {
		status = 404;
		goto fail;
	}
	if (reason == NULL || i == ARRAY_SIZE(report_reasons) ||
	    (detail != NULL && strlen(detail) > REASON_MAX)) {
		db_rollback(r->db);
		status = report_form(r, 422, c, "Choose a reason (and keep "
		    "the details under 500 characters).", 0);
		goto out;
	}
	if (detail != NULL && trim((char *)detail)[0] != '\0')
		snprintf(text, sizeof(text), "%s: %s", reason,
		    trim((char *)detail));
	else
		snprintf(text, sizeof(text), "%s", reason);
	rc = store_comment_report(r->db, view_int(c, "id"), r->user->id, text,
	    page_now());
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		status = report_form(r, 409, c, "You have already reported "
		    "this comment.", 0);
		goto out;
	}
	if (rc != STORE_OK) {
		status = status_store(rc);
		goto fail;
	}
	/* A report changes nothing readers see: no page is dropped. */
	if ((status = page_comments_commit(r, view_int(c, "article_id"), 0,
	    0)) != 0)
		goto out;
	snprintf(url, sizeof(url), "/comments/%lld/report?done=1",
	    (long long)view_int(c, "id"));
	http_redirect(r, 303, url);
	status = 0;
	goto out;
fail:
	db_rollback(r->db);
out:
	url_query_free(&q);
	return status;
}
