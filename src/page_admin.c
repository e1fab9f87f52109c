/*
 * page_admin.c — the newsroom at /admin: the dashboard, the article list
 * with its filters, the editor and its actions (save, publish, schedule,
 * unpublish), the reader's-eye preview and the Markdown preview (the
 * images pages are page_admin_media.c).
 *
 * Every page is server-rendered and works without JavaScript.  Every
 * write checks the CSRF token, then the role (edit.c), then the input,
 * and goes through edit_write(), the same path as the admin API.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "api.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "edit.h"
#include "escape.h"
#include "req.h"
#include "media.h"
#include "multipart.h"
#include "own.h"
#include "page.h"
#include "pool.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "store_cols.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define DASH_ROWS	10	/* stories in each block of the dashboard */
#define LIST_ROWS	25	/* stories per page of the article list */

static const char *const types[] = {
	"news", "news-analysis", "feature", "opinion", "interview",
	"partner-perspective", "guest-perspective", "podcast", "video",
};

/* Decorates a row of store_admin_articles for the lists. */
static void
admin_row(json_t *a, int64_t now)
{
	const char *st = json_string_value(json_object_get(a, "status"));
	json_t *pub = json_object_get(a, "published_at");
	const char *label = view_type_label(json_string_value(
	    json_object_get(a, "type")));
	char b[64], url[64];

	if (strcmp(st, "published") == 0 && json_is_integer(pub) &&
	    json_integer_value(pub) > now)
		st = "scheduled";
	json_object_set_new(a, "state", json_string(st));
	/* A draft once published has a time, but it is not live then. */
	if (json_is_integer(pub) && strcmp(st, "draft") != 0) {
		admin_fmt_local(json_integer_value(pub), b, sizeof(b));
		json_object_set_new(a, "when", json_string(b));
	}
	admin_fmt_local(json_integer_value(json_object_get(a, "updated_at")), b,
	    sizeof(b));
	json_object_set_new(a, "changed", json_string(b));
	snprintf(url, sizeof(url), "/admin/articles/%lld", (long long)
	    json_integer_value(json_object_get(a, "id")));
	json_object_set_new(a, "edit_url", json_string(url));
	if (label != NULL)
		json_object_set_new(a, "type_label", json_string(label));
}

static int
admin_list(struct req *r, const struct admin_filter *f,
    const struct cursor *cur, int limit, json_t **out, struct cursor *next)
{
	int64_t now = page_now();
	json_t *v;
	size_t i;
	int rc;

	if ((rc = store_admin_articles(r->db, f, now, cur, limit, out,
	    next)) != STORE_OK)
		return rc;
	json_array_foreach(*out, i, v)
		admin_row(v, now);
	return STORE_OK;
}

int
page_admin_dashboard(struct req *r)
{
	static const char *const blocks[] = { "draft", "scheduled",
	    "published" };
	struct cursor first = CURSOR_FIRST, next;
	json_t *m, *v;
	char key[32];
	size_t i;
	int rc;

	m = json_object();
	for (i = 0; i < ARRAY_SIZE(blocks); i++) {
		struct admin_filter f = { blocks[i], "", "", "", "" };

		if ((rc = admin_list(r, &f, &first, DASH_ROWS, &v,
		    &next)) != STORE_OK) {
			json_decref(m);
			return status_store(rc);
		}
		snprintf(key, sizeof(key), "has_%s", blocks[i]);
		json_object_set_new(m, key, json_boolean(json_array_size(v)));
		json_object_set_new(m, blocks[i], v);
	}
	json_object_set_new(m, "site_url", json_pack("{s:s,s:b}", "url",
	    page_base_url(r), "from_listen", config.base_url[0] == '\0'));
	json_object_set_new(m, "page", json_pack("{s:s}", "title",
	    "Newsroom"));
	return admin_render(r, 200, "admin/dashboard", m);
}

/* A query filter that must be "" or a slug; NULL when it is neither. */
static const char *
slug_param(struct req *r, const char *key)
{
	const char *v = http_query(r, key);

	if (v == NULL || v[0] == '\0')
		return "";
	return url_is_slug(v, strlen(v)) ? v : NULL;
}

/* Appends "&key=value" for a filter that is set. */
static void
keep(struct buf *b, const char *key, const char *v)
{
	if (v[0] == '\0')
		return;
	buf_printf(b, "&%s=", key);
	esc_url(b, v, strlen(v));
}

/* Options of a <select>, the chosen one marked. */
static json_t *
options(json_t *rows, const char *valkey, const char *labelkey,
    const char *chosen)
{
	json_t *out = json_array(), *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		const char *v = json_string_value(json_object_get(row, valkey));

		json_array_append_new(out, json_pack("{s:s,s:O,s:b}", "value",
		    v, "label", json_object_get(row, labelkey), "selected",
		    chosen != NULL && strcmp(v, chosen) == 0));
	}
	return out;
}

static json_t *
type_options(const char *chosen)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		json_array_append_new(out, json_pack("{s:s,s:s,s:b}", "value",
		    types[i], "label", view_type_label(types[i]), "selected",
		    chosen != NULL && strcmp(types[i], chosen) == 0));
	return out;
}

int
page_admin_articles(struct req *r)
{
	static const char *const states[] = { "", "draft", "scheduled",
	    "published" };
	struct admin_filter f;
	struct cursor cur, next;
	struct buf base = BUF_INIT;
	json_t *m, *rows, *v;
	char c[48];
	size_t i;
	int rc;

	f.status = http_query(r, "status") != NULL ? http_query(r, "status") :
	    "";
	for (i = 0; i < ARRAY_SIZE(states); i++)
		if (strcmp(f.status, states[i]) == 0)
			break;
	f.section = slug_param(r, "section");
	f.author = slug_param(r, "author");
	f.type = slug_param(r, "type");
	f.q = http_query(r, "q") != NULL ? http_query(r, "q") : "";
	if (i == ARRAY_SIZE(states) || f.section == NULL || f.author == NULL ||
	    f.type == NULL || strlen(f.q) > 200 || page_cursor(r, &cur) != 0)
		return 400;
	if ((rc = admin_list(r, &f, &cur, LIST_ROWS, &rows, &next)) !=
	    STORE_OK)
		return status_store(rc);
	m = json_pack("{s:b,s:o,s:{s:s,s:s,s:s,s:s,s:s},s:{s:s}}",
	    "has_articles", json_array_size(rows) > 0, "articles", rows,
	    "filter", "status", f.status, "section", f.section, "author",
	    f.author, "type", f.type, "q", f.q, "page", "title", "Articles");
	/* The filters' choices. */
	v = json_array();
	for (i = 0; i < ARRAY_SIZE(states); i++)
		json_array_append_new(v, json_pack("{s:s,s:s,s:b}", "value",
		    states[i], "label", i == 0 ? "Any status" : states[i],
		    "selected", strcmp(states[i], f.status) == 0));
	json_object_set_new(m, "states", v);
	json_object_set_new(m, "types", type_options(f.type));
	if ((rc = store_sections_all(r->db, &v)) == STORE_OK)
		json_object_set_new(m, "sections", options(v, "slug", "name",
		    f.section));
	json_decref(v);
	if (rc == STORE_OK && (rc = store_authors_list(r->db, 0, 1000,
	    &v)) == STORE_OK) {
		json_object_set_new(m, "authors", options(v, "slug", "name",
		    f.author));
		json_decref(v);
	}
	if (rc != STORE_OK) {
		json_decref(m);
		return status_store(rc);
	}
	if (next.t != 0) {
		BUF_LIT(&base, "/admin/articles?before=");
		store_cursor_format(&next, c, sizeof(c));
		buf_puts(&base, c);
		keep(&base, "status", f.status);
		keep(&base, "section", f.section);
		keep(&base, "author", f.author);
		keep(&base, "type", f.type);
		keep(&base, "q", f.q);
		json_object_set_new(m, "next_url", json_string(base.p));
	}
	buf_free(&base);
	if (cur.t != INT64_MAX)
		json_object_set_new(m, "paged", json_true());
	admin_bulk_done(r, m);
	return admin_render(r, 200, "admin/articles", m);
}

/* "a, b ,, c" -> ["a", "b", "c"] */
static json_t *
split_list(const char *s)
{
	json_t *out = json_array();

	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, ","), a = 0;

		while (a < n && (s[a] == ' ' || s[a] == '\t'))
			a++;
		while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > a)
			json_array_append_new(out, json_stringn(s + a, n - a));
		s += strcspn(s, ",");
		if (*s == ',')
			s++;
	}
	return out;
}

/* A browser's textarea sends CRLF; revisions and diffs keep LF. */
static json_t *
text_lf(const char *s)
{
	struct buf b = BUF_INIT;
	json_t *v;

	for (; *s != '\0'; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			buf_putc(&b, *s);
	v = json_string(b.p != NULL ? b.p : "");
	buf_free(&b);
	return v;
}

/*
 * The editor form as the JSON input of edit.c.  A blank slug means "from
 * the title" for a new story and "unchanged" for an existing one; the
 * byline is an editor's to change.
 */
static json_t *
form_input(struct req *r, struct url_query *q)
{
	json_t *in = json_object();
	const struct store_col *c;
	const char *v;
	int ed;

	/* The plain text fields of the form, in the editor's order. */
	for (ed = 1; (c = store_col_by_ed(ed)) != NULL; ed++)
		if ((c->flags & SC_FORM) &&
		    (v = url_query_get(q, c->key)) != NULL)
			json_object_set_new(in, c->key, json_string(v));
	if ((v = url_query_get(q, "body_md")) != NULL)
		json_object_set_new(in, "body_md", text_lf(v));
	if ((v = url_query_get(q, "slug")) != NULL && v[0] != '\0')
		json_object_set_new(in, "slug", json_string(v));
	if ((v = url_query_get(q, "tags")) != NULL)
		json_object_set_new(in, "tags", split_list(v));
	if ((v = url_query_get(q, "authors")) != NULL &&
	    r->user->role >= ROLE_EDITOR)
		json_object_set_new(in, "authors", split_list(v));
	/*
	 * An admin's form always has the raw-HTML box, so its absence means
	 * off; for everyone else the box is disabled and sends nothing, and
	 * a value sent all the same is a change edit.c refuses.
	 */
	v = url_query_get(q, "raw_html");
	if (r->user->role >= ROLE_ADMIN || v != NULL)
		json_object_set_new(in, "raw_html", json_boolean(v != NULL &&
		    strcmp(v, "0") != 0));
	/* Strings that are not UTF-8 make no JSON string: drop them. */
	for (ed = 1; (c = store_col_by_ed(ed)) != NULL; ed++)
		if ((c->flags & SC_FORM) &&
		    url_query_get(q, c->key) != NULL &&
		    json_object_get(in, c->key) == NULL) {
			json_decref(in);
			return NULL;
		}
	return in;
}

/* "a, b" from ["a", "b"]. */
static json_t *
join_list(json_t *a)
{
	struct buf b = BUF_INIT;
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v) {
		if (i > 0)
			BUF_LIT(&b, ", ");
		buf_puts(&b, json_string_value(v));
	}
	v = json_string(b.p != NULL ? b.p : "");
	buf_free(&b);
	return v;
}

/* Where a story (the admin shape) stands for its editor's buttons. */
enum story_state {
	STORY_DRAFT,
	STORY_SCHEDULED,	/* published with a time still to come */
	STORY_LIVE
};

static enum story_state
story_state(json_t *a)
{
	const char *st = json_string_value(json_object_get(a, "status"));
	json_t *pub = json_object_get(a, "published_at");

	if (st == NULL || strcmp(st, "published") != 0)
		return STORY_DRAFT;
	if (json_is_integer(pub) && json_integer_value(pub) > page_now())
		return STORY_SCHEDULED;
	return STORY_LIVE;
}

/* Words in s: runs of bytes that are not white space. */
static int64_t
count_words(const char *s)
{
	int64_t n = 0;
	int in = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/*
 * Sets a[out] to the address of the image whose hash is a[key] (the
 * hero, the social image), when it is a stored image's.
 */
static void
image_src(struct req *r, json_t *a, const char *key, const char *out)
{
	json_t *h = json_object_get(a, key), *img;
	char src[160];

	if (!json_is_string(h) || json_string_length(h) != 64 ||
	    store_image_get(r->db, json_string_value(h), &img) != STORE_OK)
		return;
	snprintf(src, sizeof(src), "/media/%s.%s", json_string_value(h),
	    json_string_value(json_object_get(img, "ext")));
	json_object_set_new(a, out, json_string(src));
	json_decref(img);
}

/* The notice a save leaves (?done= after its redirect), by its button. */
static const char *
done_notice(const char *done, int scheduled)
{
	static const struct { const char *then, *text; } notices[] = {
		{ "save", "Saved as a draft: nothing on the site changed." },
		{ "update", "Updated: the live page shows your changes." },
		{ "publish", "Published: the story is live." },
		{ "schedule", "Scheduled: it goes live at the time shown." },
		{ "unpublish", "Unpublished: the story is a draft, off the "
		    "site." },
		{ "submit", "Submitted for review: the editors have been "
		    "told by email." },
		{ "discarded", "The autosaved version is discarded." },
	};
	size_t i;

	if (done == NULL)
		return NULL;
	if (scheduled && strcmp(done, "update") == 0)
		return "Saved: the story still goes live at the time shown.";
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(done, notices[i].then) == 0)
			return notices[i].text;
	return NULL;
}

/*
 * The editor's model around a (the admin shape of store_article_admin_get,
 * which it takes).  id 0 is a new story.
 */
static int
editor(struct req *r, int status, int64_t id, json_t *a, const char *error)
{
	json_t *m, *v;
	char b[64];
	int64_t words;
	int rc, published, scheduled;
	const char *st = json_string_value(json_object_get(a, "status"));
	const char *notice;
	json_t *pub = json_object_get(a, "published_at");
	json_t *more = own_json(r, json_object());

	/* The writer's autosave: offered, or in the form (?autosave=restore). */
	autosave_editor(r, id, a, more);
	published = story_state(a) != STORY_DRAFT;
	scheduled = story_state(a) == STORY_SCHEDULED;
	if (json_object_get(a, "live_slug") == NULL &&
	    (v = json_object_get(a, "slug")) != NULL)
		json_object_set(a, "live_slug", v);
	/* A draft taken off the site keeps the time it had gone live. */
	if (json_is_integer(pub)) {
		admin_fmt_local(json_integer_value(pub), b, sizeof(b));
		json_object_set_new(a, published ? "when" : "was_live",
		    json_string(b));
	}
	/*
	 * A scheduled story's form starts at its time, to move it; a live
	 * one's publication date is there for an editor to back-date.
	 */
	if (published) {
		time_t tt = (time_t)json_integer_value(pub);
		struct tm tm;

		localtime_r(&tt, &tm);
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M", &tm);
		json_object_set_new(a, "at_local", json_string(b));
	}
	/* Reading time at 230 words a minute, rounded up. */
	words = count_words(json_string_value(json_object_get(a, "body_md")));
	json_object_set_new(a, "words", json_integer(words));
	json_object_set_new(a, "minutes", json_integer((words + 229) / 230));
	json_object_set_new(a, "base_url", json_string(page_base_url(r)));
	json_object_set_new(a, "authors_text", join_list(json_object_get(a,
	    "authors")));
	json_object_set_new(a, "tags_text", join_list(json_object_get(a,
	    "tags")));
	json_object_set_new(a, "state", json_string(scheduled ? "scheduled" :
	    st != NULL ? st : "new"));
	image_src(r, a, "hero_image", "hero_src");
	image_src(r, a, "seo_image", "seo_src");
	m = json_pack("{s:o,s:b,s:b,s:b,s:b,s:b,s:b,s:{s:s}}", "article", a,
	    "is_new", id == 0, "published", published, "scheduled", scheduled,
	    "may_publish", edit_allowed(r->db, r->user, EDIT_PUBLISH, id) &&
	    !json_is_integer(json_object_get(a, "trashed_at")),
	    "may_byline", r->user->role >= ROLE_EDITOR,
	    "may_raw_html", r->user->role >= ROLE_ADMIN, "page", "title",
	    id == 0 ? "New story" : "Edit story");
	if (id != 0) {
		snprintf(b, sizeof(b), "/admin/articles/%lld", (long long)id);
		json_object_set_new(m, "action", json_string(b));
		json_object_set_new(m, "id", json_integer(id));
	} else {
		json_object_set_new(m, "action", json_string("/admin/articles"));
	}
	json_object_update(m, more);
	review_editor_model(r, m, a, !published);
	json_object_set_new(m, "may_trash", json_boolean(id != 0 &&
	    (!published || json_is_true(json_object_get(m, "may_publish")))));
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (id != 0 && (notice = done_notice(http_query(r, "done"),
	    scheduled)) != NULL)
		json_object_set_new(m, "notice", json_string(notice));
	json_object_set_new(m, "types", type_options(json_string_value(
	    json_object_get(a, "type"))));
	if ((rc = store_sections_all(r->db, &v)) == STORE_OK) {
		json_object_set_new(m, "sections", options(v, "slug", "name",
		    json_string_value(json_object_get(a, "section_slug"))));
		json_decref(v);
	}
	if (rc == STORE_OK && (rc = store_sponsors_all(r->db, &v)) ==
	    STORE_OK) {
		json_object_set_new(m, "sponsors", options(v, "slug", "name",
		    json_string_value(json_object_get(a, "sponsor_slug"))));
		json_decref(v);
	}
	if (rc == STORE_OK && (rc = store_authors_list(r->db, 0, 1000, &v)) ==
	    STORE_OK)
		json_object_set_new(m, "all_authors", v);
	if (rc != STORE_OK) {
		json_decref(m);
		return status_store(rc);
	}
	return admin_render(r, status, "admin/edit", m);
}

int
page_admin_new(struct req *r)
{
	char slug[256];
	json_t *a;

	if (!edit_allowed(r->db, r->user, EDIT_CREATE, 0))
		return 403;
	a = json_pack("{s:s,s:[],s:[]}", "type", "news", "tags", "authors");
	/* A new story is under the writer's own byline. */
	if (r->user->author_id != 0 && store_author_slug(r->db,
	    r->user->author_id, slug, sizeof(slug)) == STORE_OK)
		json_array_append_new(json_object_get(a, "authors"),
		    json_string(slug));
	return editor(r, 200, 0, a, NULL);
}

int
page_admin_edit(struct req *r)
{
	json_t *a;
	int64_t id;
	int rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	if (!edit_allowed(r->db, r->user, EDIT_EDIT, id))
		return 403;
	if ((rc = store_article_admin_get(r->db, id, &a)) != STORE_OK)
		return status_store(rc);
	return editor(r, 200, id, a, NULL);
}

/* The form's values in the admin shape, to show them again with an error. */
static json_t *
as_admin(json_t *in, json_t *cur)
{
	json_t *a = cur != NULL ? json_deep_copy(cur) : json_object();
	const char *key;
	json_t *v;

	json_object_foreach(in, key, v) {
		if (strcmp(key, "section") == 0)
			json_object_set(a, "section_slug", v);
		else if (strcmp(key, "sponsor") == 0)
			json_object_set(a, "sponsor_slug", v);
		else
			json_object_set(a, key, v);
	}
	/* The live page is still at the stored slug, not at the one sent. */
	if (cur != NULL && (v = json_object_get(cur, "slug")) != NULL)
		json_object_set(a, "live_slug", v);
	return a;
}

static const char *const store_msg[STORE__MAX] = {
	[STORE_NOTFOUND] = "That story no longer exists.",
	[STORE_INVALID] = "The section, an author, the sponsor or the hero "
	    "image does not exist.",
	[STORE_CONFLICT] = "Another story already has that slug: choose "
	    "another one.",
	[STORE_BUSY] = "The database is busy; try again.",
	[STORE_ERROR] = "The story could not be saved.",
	[STORE_FORBIDDEN] = "Your account may not write to that site.",
};

/*
 * The editor's buttons ("then") by the story's state.  A draft (or a new
 * story) is saved as a draft, published or scheduled; a story that is
 * live or scheduled is updated in place (its publication time kept),
 * published now, scheduled again or unpublished with the change.  Saving
 * a live story "as a draft" would change the live page under a label
 * that says otherwise, so it is refused, as is updating a draft.
 */
static const char *
then_refused(const char *then, int live, int scheduled)
{
	if (!live && !scheduled && (strcmp(then, "update") == 0 ||
	    strcmp(then, "unpublish") == 0))
		return "This story is a draft, not on the site: \"Save draft\" "
		    "keeps your changes off the site, \"Publish\" puts them on "
		    "it.";
	if (live && strcmp(then, "save") == 0)
		return "This story is live: \"Update\" puts your changes on it "
		    "at once (its publication date stays), \"Unpublish\" takes "
		    "it back to a draft with them.";
	if (scheduled && strcmp(then, "save") == 0)
		return "This story is scheduled: \"Update\" keeps your changes "
		    "for the time it goes live, \"Unpublish\" takes it back to "
		    "a draft with them.";
	if (live && strcmp(then, "schedule") == 0)
		return "This story is already on the site: unpublish it first "
		    "to schedule it for later.";
	return NULL;
}


/* Saves the change, then takes the story off the site: one transaction. */
static int
update_unpublish_fn(struct db *db, int64_t id, void *arg)
{
	int rc;

	if ((rc = edit_update_fn(db, id, arg)) != STORE_OK)
		return rc;
	return edit_unpublish_fn(db, id, NULL);
}

/* An update that also moves the live story's date: one transaction. */
struct redate {
	struct edit_input	*ei;
	int64_t			 at;
};

static int
update_redate_fn(struct db *db, int64_t id, void *arg)
{
	struct redate *rd = arg;
	int rc;

	if ((rc = edit_update_fn(db, id, rd->ei)) != STORE_OK)
		return rc;
	/* Its list rows keep copies of the date: publishing sets them too. */
	return store_article_publish(db, id, rd->at);
}

/*
 * The publication date a live story's form sent (published_at, in the
 * site's zone): 0 and *at 0 when it is the one stored, else a status
 * with the reason in msg.  Only an editor moves it, and only into the
 * past: a later time is what Schedule is for.
 */
static int
redate_check(struct req *r, json_t *cur, const char *v, int64_t *at,
    char *msg, size_t n)
{
	time_t tt = (time_t)json_integer_value(json_object_get(cur,
	    "published_at"));
	struct tm tm;
	char was[32];

	*at = 0;
	localtime_r(&tt, &tm);
	strftime(was, sizeof(was), "%Y-%m-%dT%H:%M", &tm);
	if (strcmp(v, was) == 0)
		return 0;
	if (r->user->role < ROLE_EDITOR) {
		snprintf(msg, n, "Only an editor may change the publication "
		    "date (published_at).");
		return 403;
	}
	if ((*at = admin_parse_local(v)) < 0) {
		snprintf(msg, n, "The publication date (published_at) is not "
		    "a time: give it as 2026-05-12T13:00 (%s).",
		    view_timezone());
		return 422;
	}
	if (*at > page_now()) {
		snprintf(msg, n, "A live story's publication date "
		    "(published_at) cannot be in the future: use Schedule "
		    "after Unpublish, or keep the date.");
		return 422;
	}
	return 0;
}

/*
 * Saves the editor form (creating the story when id is 0), then
 * publishes, schedules or unpublishes it when the form's button said so.
 * Every check comes before the first write.
 */
static int
save(struct req *r, int64_t id)
{
	struct url_query q;
	struct buf html = BUF_INIT;
	struct edit_input ei;
	struct redate rd = { NULL, 0 };
	json_t *in = NULL, *cur = NULL;
	const char *then, *why;
	char msg[300], slug[256];
	int64_t at = 0, newid = 0;
	int status, rc, creating = id == 0, live = 0, scheduled = 0;
	int submit = 0;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	then = url_query_get(&q, "then");
	/* "Submit for review" saves the draft, then puts it in the queue. */
	if (then != NULL && strcmp(then, "submit") == 0) {
		submit = 1;
		then = "save";
	}
	if (then != NULL && strcmp(then, "save") != 0 &&
	    strcmp(then, "update") != 0 && strcmp(then, "publish") != 0 &&
	    strcmp(then, "schedule") != 0 && strcmp(then, "unpublish") != 0) {
		status = 400;
		goto done;
	}
	if (!edit_allowed(r->db, r->user, creating ? EDIT_CREATE : EDIT_EDIT,
	    id)) {
		status = 403;
		goto done;
	}
	if (!creating) {
		if ((rc = store_article_admin_get(r->db, id, &cur)) !=
		    STORE_OK) {
			status = status_store(rc);
			goto done;
		}
		live = story_state(cur) == STORY_LIVE;
		scheduled = story_state(cur) == STORY_SCHEDULED;
		if (!edit_may_change(r->user, live || scheduled)) {
			status = 403;
			goto done;
		}
	}
	/* A form sent without a button keeps the story where it is. */
	if (then == NULL)
		then = live || scheduled ? "update" : "save";
	if (strcmp(then, "save") != 0 &&
	    !edit_allowed(r->db, r->user, EDIT_PUBLISH, id)) {
		status = 403;
		goto done;
	}
	if ((in = form_input(r, &q)) == NULL) {
		status = 400;
		goto done;
	}
	/*
	 * Writers below editor write under their own byline; so does an
	 * editor who named no one.
	 */
	if (creating && (r->user->role < ROLE_EDITOR || (r->user->author_id !=
	    0 && json_array_size(json_object_get(in, "authors")) == 0))) {
		if (store_author_slug(r->db, r->user->author_id, slug,
		    sizeof(slug)) != STORE_OK) {
			status = 403;
			goto done;
		}
		json_object_set_new(in, "authors", json_pack("[s]", slug));
	}
	if ((status = admin_media_check_refs(r, in, msg, sizeof(msg))) != 0 ||
	    (status = edit_check(in, creating, msg, sizeof(msg))) != 0 ||
	    (status = edit_check_raw_html(r->user, in, cur, msg,
	    sizeof(msg))) != 0) {
		status = editor(r, status, id, as_admin(in, cur), msg);
		goto done;
	}
	if ((why = then_refused(then, live, scheduled)) != NULL) {
		status = editor(r, 409, id, as_admin(in, cur), why);
		goto done;
	}
	if (live && strcmp(then, "update") == 0 &&
	    (why = url_query_get(&q, "published_at")) != NULL &&
	    (status = redate_check(r, cur, why, &rd.at, msg,
	    sizeof(msg))) != 0) {
		status = editor(r, status, id, as_admin(in, cur), msg);
		goto done;
	}
	if (strcmp(then, "schedule") == 0) {
		at = admin_parse_local(url_query_get(&q, "at"));
		if (at <= page_now()) {
			snprintf(msg, sizeof(msg), "Choose a time in the future "
			    "to schedule the story (%s).", view_timezone());
			status = editor(r, 422, id, as_admin(in, cur), msg);
			goto done;
		}
	} else {
		at = page_now();
	}
	if (edit_render_body(in, cur, &html) != 0) {
		status = editor(r, 422, id, as_admin(in, cur),
		    "The body cannot be rendered.");
		goto done;
	}
	ei.in = in;
	ei.html = html.p;
	ei.id = &newid;
	rd.ei = &ei;
	if (rd.at != 0)
		rc = edit_write(r->db, r->user, id, update_redate_fn, &rd,
		    NULL, "saved, publication date changed");
	else
		rc = edit_write(r->db, r->user, id, creating ? edit_create_fn :
		    strcmp(then, "unpublish") == 0 ? update_unpublish_fn :
		    edit_update_fn, &ei, creating ? &newid : NULL, creating ?
		    "created" : "saved");
	if (rc == STORE_CONFLICT || rc == STORE_INVALID) {
		status = editor(r, status_store_as(rc, 422), id,
		    as_admin(in, cur), store_msg[rc]);
		goto done;
	}
	if (rc != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	if (creating)
		id = newid;
	if ((strcmp(then, "publish") == 0 || strcmp(then, "schedule") == 0) &&
	    (rc = edit_write(r->db, r->user, id, edit_publish_keep_fn, &at,
	    NULL, NULL)) != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	if (submit && (rc = review_submit(r, id)) != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	snprintf(msg, sizeof(msg), "/admin/articles/%lld?done=%s",
	    (long long)id, submit ? "submit" : then);
	http_redirect(r, 303, msg);
	status = 0;
done:
	json_decref(in);
	json_decref(cur);
	buf_free(&html);
	url_query_free(&q);
	return status;
}

int
page_admin_create(struct req *r)
{
	return save(r, 0);
}

int
page_admin_save(struct req *r)
{
	int64_t id;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	return save(r, id);
}

/* Publish, schedule (with "at") or unpublish from a small form. */
static int
status_change(struct req *r, int publish, int schedule)
{
	struct url_query q;
	int64_t id, at;
	char url[96];
	int status, rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	if (!edit_allowed(r->db, r->user, EDIT_PUBLISH, id)) {
		url_query_free(&q);
		return 403;
	}
	at = schedule ? admin_parse_local(url_query_get(&q, "at")) : page_now();
	url_query_free(&q);
	if (schedule && at <= page_now())
		return 422;
	rc = edit_write(r->db, r->user, id, publish ? edit_publish_keep_fn :
	    edit_unpublish_fn, &at, NULL, NULL);
	if (rc != STORE_OK)
		return status_store(rc);
	snprintf(url, sizeof(url), "/admin/articles/%lld?done=%s",
	    (long long)id, schedule ? "schedule" : publish ? "publish" :
	    "unpublish");
	http_redirect(r, 303, url);
	return 0;
}

int
page_admin_publish(struct req *r)
{
	return status_change(r, 1, 0);
}

int
page_admin_schedule(struct req *r)
{
	return status_change(r, 1, 1);
}

int
page_admin_unpublish(struct req *r)
{
	return status_change(r, 0, 0);
}

/*
 * The story as readers will see it, drafts too: the article template
 * with a banner, for the writer's eyes only (never cached, not public).
 */
int
page_admin_preview(struct req *r)
{
	json_t *a, *m;
	int64_t id;
	int status, rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	if (!edit_allowed(r->db, r->user, EDIT_EDIT, id))
		return 403;
	if ((rc = store_article_get_any(r->db, id, &a)) != STORE_OK)
		return status_store(rc);
	if ((status = model_article_of(r, a, &m)) != 0)
		return status;
	if ((rc = page_add_sidebar(r, m)) != STORE_OK) {
		json_decref(m);
		return status_store(rc);
	}
	page_article_updated(m);
	a = json_object_get(m, "article");
	json_object_set_new(m, "preview", json_pack("{s:I}", "id", id));
	json_object_set_new(m, "page", json_pack("{s:O,s:O}", "title",
	    json_object_get(a, "title"), "description",
	    json_object_get(a, "dek")));
	http_header(r, "X-Robots-Tag", "noindex");
	return page_render(r, 200, "article", m);
}

/*
 * The live preview of the editor's JavaScript: Markdown in, the HTML the
 * article page would show out (the editors' Markdown profile).
 */
int
page_admin_markdown(struct req *r)
{
	struct url_query q;
	struct buf html = BUF_INIT;
	json_t *in;
	const char *md, *raw;
	int status;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	md = url_query_get(&q, "body_md");
	raw = url_query_get(&q, "raw_html");
	/* The story's own mode, as its editor shows it; nothing is stored. */
	in = json_pack("{s:o,s:b}", "body_md", text_lf(md != NULL ? md : ""),
	    "raw_html", raw != NULL && strcmp(raw, "0") != 0);
	url_query_free(&q);
	status = edit_render_body(in, NULL, &html);
	json_decref(in);
	if (status != 0) {
		buf_free(&html);
		return 422;
	}
	http_send_buf(r, 200, "text/html; charset=utf-8", &html);
	return 0;
}

/* The editor form as edit.c's input, for the autosave (NULL: not text). */
json_t *
admin_editor_input(struct req *r, struct url_query *q)
{
	return form_input(r, q);
}

/* The form's input over the story cur, in the editor's shape. */
json_t *
admin_editor_shape(json_t *in, json_t *cur)
{
	return as_admin(in, cur);
}
