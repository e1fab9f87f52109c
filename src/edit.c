/*
 * edit.c — the rules and the transaction of every article write, for the
 * admin API and the newsroom alike.
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "edit.h"
#include "episode.h"
#include "jobs.h"
#include "markdown.h"
#include "store.h"
#include "store_cols.h"
#include "text.h"
#include "url.h"
#include "util.h"
#include "view.h"
#include "webhook.h"
#include "ap.h"

#define MAX_LIST	20	/* authors or tags of one article */

/* The least role that may act on any article, and on its own ones. */
static const struct {
	enum role	any;
	enum role	own;
} rules[EDIT__MAX] = {
	[EDIT_CREATE] = { ROLE_EDITOR, ROLE_CONTRIBUTOR },
	[EDIT_EDIT] = { ROLE_EDITOR, ROLE_CONTRIBUTOR },
	[EDIT_PUBLISH] = { ROLE_EDITOR, ROLE_AUTHOR },
};

int
edit_allowed(struct db *db, const struct user *u, enum edit_action a,
    int64_t id)
{
	if (u->role >= rules[a].any)
		return 1;
	if (u->role < rules[a].own || u->author_id == 0)
		return 0;
	/* An author publishes alone only where the site lets her. */
	if (a == EDIT_PUBLISH && !role_may_publish(u->role,
	    store_authors_publish(db)))
		return 0;
	return id == 0 || store_article_has_author(db, id, u->author_id);
}

/*
 * STORE_OK when u may write article id where it now belongs (its site,
 * docs/sites.md), STORE_FORBIDDEN when u is limited to other sites.
 */
static int
site_allowed(struct db *db, const struct user *u, int64_t id)
{
	int64_t site;
	int rc;

	if ((rc = store_article_site(db, id, &site)) != STORE_OK)
		return rc;
	rc = store_user_may_site(db, u->id, site);
	return rc == STORE_NOTFOUND ? STORE_FORBIDDEN : rc;
}

int
edit_may_change(const struct user *u, int published)
{
	return !published || u->role >= ROLE_AUTHOR;
}

static int
is_hash(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "audio/mpeg", "video/mp4": a type and subtype of token characters. */
static int
media_type_ok(const char *s)
{
	const char *p;

	if (strncmp(s, "audio/", 6) == 0 || strncmp(s, "video/", 6) == 0)
		p = s + 6;
	else
		return 0;
	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '+'))
			return 0;
	return 1;
}

/*
 * Whether s is text (text.h) under the rule of field name; 0, or 422
 * with msg.  The API and the newsroom's forms were checked as they were
 * read: this keeps every other way into an article (a restored revision
 * written before the check existed) to the same rule.
 */
static int
check_text(const char *name, const char *s, size_t n, char *msg,
    size_t msglen)
{
	struct text_error te;
	char who[64];

	if (text_check(s, n, text_rule_of(name), &te) == 0)
		return 0;
	snprintf(who, sizeof(who), "the field \"%s\"", name);
	text_explain(&te, who, msg, msglen);
	return 422;
}

/*
 * Checks one field's type and size by its row of store_cols: the fields
 * an article's input may have are the rows with a rule.  0 or 422 with
 * msg.
 */
static int
check_field(const struct store_col *f, json_t *v, char *msg, size_t msglen)
{
	size_t i, n;
	json_t *x;

	if (f->rule == SR_SLUGS || f->rule == SR_NAMES) {
		if (!json_is_array(v) || json_array_size(v) > MAX_LIST) {
			snprintf(msg, msglen, "%s must be a list of at most "
			    "%d strings", f->key, MAX_LIST);
			return 422;
		}
		json_array_foreach(v, i, x) {
			const char *s = json_string_value(x);

			if (s == NULL || s[0] == '\0' || strlen(s) > f->max ||
			    (f->rule == SR_SLUGS && !url_is_slug(s, strlen(s)))) {
				snprintf(msg, msglen, "%s[%zu] is not valid",
				    f->key, i);
				return 422;
			}
			if (check_text(f->key, s, strlen(s), msg, msglen) != 0)
				return 422;
		}
		return 0;
	}
	if (f->rule == SR_BOOL) {
		if (!json_is_boolean(v)) {
			snprintf(msg, msglen, "%s must be true or false",
			    f->key);
			return 422;
		}
		return 0;
	}
	if (f->rule == SR_COUNT) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (size_t)json_integer_value(v) > f->max) {
			snprintf(msg, msglen, "%s must be a whole number "
			    "from 0 to %zu", f->key, f->max);
			return 422;
		}
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, msglen, "%s must be a string", f->key);
		return 422;
	}
	n = json_string_length(v);
	if (n > f->max) {
		snprintf(msg, msglen, "%s is longer than %zu bytes", f->key,
		    f->max);
		return 422;
	}
	if (check_text(f->key, json_string_value(v), n, msg, msglen) != 0)
		return 422;
	if (f->rule == SR_SLUG && !url_is_slug(json_string_value(v), n)) {
		snprintf(msg, msglen, "%s must be lowercase letters, digits "
		    "and hyphens", f->key);
		return 422;
	}
	if (f->rule == SR_URL && n > 0 &&
	    strncmp(json_string_value(v), "https://", 8) != 0 &&
	    strncmp(json_string_value(v), "http://", 7) != 0) {
		snprintf(msg, msglen, "%s must be an http or https URL",
		    f->key);
		return 422;
	}
	if (f->rule == SR_MIME && n > 0 && !media_type_ok(json_string_value(v))) {
		snprintf(msg, msglen, "%s must be an audio/ or video/ "
		    "media type such as audio/mpeg", f->key);
		return 422;
	}
	if (f->rule == SR_HASH && n > 0 && !is_hash(json_string_value(v), n)) {
		snprintf(msg, msglen, "%s must name an uploaded image",
		    f->key);
		return 422;
	}
	return 0;
}

/*
 * An episode's chapters must parse (a time, then a title, the times
 * going up) and its video link must be one the page can embed.
 */
static int
check_media(json_t *in, char *msg, size_t msglen)
{
	const char *s;
	char id[64];
	int line;

	s = json_string_value(json_object_get(in, "chapters"));
	if (s != NULL && episode_chapters(s, NULL, &line) != 0) {
		snprintf(msg, msglen, "line %d of the chapters is not a time "
		    "(12:30 or 1:02:03, later than the line before) and a "
		    "title", line);
		return 422;
	}
	s = json_string_value(json_object_get(in, "embed_url"));
	if (s != NULL && s[0] != '\0' &&
	    episode_embed(s, id, sizeof(id)) == EMBED_NONE) {
		snprintf(msg, msglen, "the video link is not a YouTube or "
		    "Vimeo video's address");
		return 422;
	}
	return 0;
}

int
edit_check(json_t *in, int creating, char *msg, size_t msglen)
{
	const struct store_col *f;
	const char *key;
	json_t *v;
	int status;

	json_object_foreach(in, key, v) {
		if ((f = store_col_by_key(key)) == NULL || f->rule == SR_NONE) {
			snprintf(msg, msglen, "unknown field \"%.64s\"", key);
			return 400;
		}
		if ((status = check_field(f, v, msg, msglen)) != 0)
			return status;
	}
	v = json_object_get(in, "type");
	if (v != NULL && view_type_label(json_string_value(v)) == NULL) {
		snprintf(msg, msglen, "unknown article type");
		return 422;
	}
	v = json_object_get(in, "title");
	if ((creating || v != NULL) &&
	    (v == NULL || json_string_length(v) == 0)) {
		snprintf(msg, msglen, "an article needs a title");
		return 422;
	}
	if (creating && json_object_get(in, "section") == NULL) {
		snprintf(msg, msglen, "an article needs a section");
		return 422;
	}
	return check_media(in, msg, msglen);
}

/* The story's raw_html as in asks for it, else as cur has it. */
static int
raw_html_of(json_t *in, json_t *cur)
{
	json_t *v = json_object_get(in, "raw_html");

	if (json_is_boolean(v))
		return json_is_true(v);
	return json_is_true(json_object_get(cur, "raw_html"));
}

int
edit_check_raw_html(const struct user *u, json_t *in, json_t *cur,
    char *msg, size_t msglen)
{
	json_t *v = json_object_get(in, "raw_html");

	if (!json_is_boolean(v))
		return 0;
	/*
	 * Sent as it stands, it is left out of the write: a form saved by an
	 * author cannot then undo an admin's change made in between.
	 */
	if (json_is_true(v) == json_is_true(json_object_get(cur, "raw_html"))) {
		json_object_del(in, "raw_html");
		return 0;
	}
	if (u->role >= ROLE_ADMIN)
		return 0;
	snprintf(msg, msglen, "only an admin may turn a story's raw HTML "
	    "on or off");
	return 403;
}

int
edit_render_body(json_t *in, json_t *cur, struct buf *html)
{
	const char *md = json_string_value(json_object_get(in, "body_md"));
	int raw = raw_html_of(in, cur);

	/* The flag alone changed: the stored Markdown is rendered again. */
	if (md == NULL && raw != json_is_true(json_object_get(cur, "raw_html")))
		md = json_string_value(json_object_get(cur, "body_md"));
	if (md == NULL)
		return 0;
	if (markdown_render(raw ? MD_EDITOR : MD_EDITOR_TEXT, md, strlen(md),
	    html) != 0 || buf_err(html))
		return -1;
	if (html->p == NULL)
		buf_puts(html, "");
	return 0;
}

/* The slug and status of an article inside the transaction. */
static int
slug_of(struct db *db, int64_t id, char *slug, size_t n, int *published)
{
	json_t *a;
	int rc;

	if ((rc = store_article_admin_get(db, id, &a)) != STORE_OK)
		return rc;
	strlcpy_(slug, json_string_value(json_object_get(a, "slug")), n);
	*published = strcmp(json_string_value(json_object_get(a, "status")),
	    "published") == 0;
	json_decref(a);
	return STORE_OK;
}

int
edit_write(struct db *db, const struct user *u, int64_t id, edit_fn fn,
    void *arg, int64_t *idout, const char *note)
{
	struct buf tags = BUF_INIT;
	char before[256] = "", after[256] = "";
	int rc, published = 0, dummy;

	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	/* After this point, all errors go through fail. */
	if (id != 0) {
		if ((rc = slug_of(db, id, before, sizeof(before),
		    &published)) != STORE_OK)
			goto fail;
		store_article_deps(db, id, &tags);
	}
	if ((rc = fn(db, id, arg)) != STORE_OK)
		goto fail;
	if (idout != NULL)
		id = *idout;
	if ((rc = slug_of(db, id, after, sizeof(after), &dummy)) != STORE_OK)
		goto fail;
	/* A user limited to some sites writes only their stories. */
	if (u != NULL && (rc = site_allowed(db, u, id)) != STORE_OK)
		goto fail;
	/* Readers who kept the old address of a live story still find it. */
	if (before[0] != '\0' && strcmp(before, after) != 0 && published &&
	    (rc = store_slug_moved_from(db, before, id)) != STORE_OK)
		goto fail;
	if ((rc = store_slug_taken_again(db, after)) != STORE_OK)
		goto fail;
	if (note != NULL && (rc = store_revision_add(db, id,
	    u != NULL ? u->id : 0, note, NULL)) != STORE_OK)
		goto fail;
	store_article_deps(db, id, &tags);
	/* The other instances hear of it when, and only if, it commits. */
	if (bus_publish(db, tags.p) != DB_OK || db_commit(db) != DB_OK) {
		rc = STORE_BUSY;
		goto fail;
	}
	bus_apply(tags.p);
	buf_free(&tags);
	return STORE_OK;
fail:
	db_rollback(db);
	buf_free(&tags);
	return rc;
}

int
edit_create_fn(struct db *db, int64_t unused, void *arg)
{
	struct edit_input *a = arg;

	return store_article_create(db, a->in, a->html, a->id);
}

int
edit_update_fn(struct db *db, int64_t id, void *arg)
{
	struct edit_input *a = arg;
	json_t *cur;
	const char *st;
	int rc, live;

	if ((rc = store_article_update(db, id, a->in, a->html)) != STORE_OK)
		return rc;
	/* Only a change readers can see is news to a webhook. */
	if ((rc = store_article_admin_get(db, id, &cur)) != STORE_OK)
		return rc;
	st = json_string_value(json_object_get(cur, "status"));
	live = st != NULL && strcmp(st, "published") == 0 &&
	    json_integer_value(json_object_get(cur, "published_at")) <=
	    now_unix();
	json_decref(cur);
	if (!live)
		return STORE_OK;
	if ((rc = webhook_fire_story(db, WEBHOOK_STORY_UPDATED, id)) !=
	    STORE_OK)
		return rc;
	return ap_fire_story(db, AP_UPDATE, id);
}

/*
 * A story published for later goes live at its time on every instance:
 * a job then drops the pages that show it (and pages that list stories
 * also expire at that time by themselves).
 */
int
edit_publish_fn(struct db *db, int64_t id, void *arg)
{
	int64_t at = *(int64_t *)arg;
	json_t *p;
	int rc;

	if ((rc = store_article_publish(db, id, at)) != STORE_OK)
		return rc;
	/* A story for later is news when its publish job runs. */
	if (at <= now_unix()) {
		if ((rc = webhook_fire_story(db, WEBHOOK_STORY_PUBLISHED,
		    id)) != STORE_OK)
			return rc;
		return ap_fire_story(db, AP_CREATE, id);
	}
	p = json_pack("{s:I}", "article", (json_int_t)id);
	rc = jobs_add(db, JOB_PUBLISH, p, at);
	json_decref(p);
	return rc;
}

/*
 * Publishing now a story that is live already would move its date to now,
 * and the story to the top of the home page, the feeds, the news sitemap
 * and the next newsletter: it keeps its date.  It runs inside
 * edit_write's transaction, so the state it reads is the one it changes.
 */
int
edit_publish_keep_fn(struct db *db, int64_t id, void *arg)
{
	json_t *a, *pub;
	const char *st;
	int rc, live;

	if ((rc = store_article_admin_get(db, id, &a)) != STORE_OK)
		return rc;
	st = json_string_value(json_object_get(a, "status"));
	pub = json_object_get(a, "published_at");
	live = st != NULL && strcmp(st, "published") == 0 &&
	    json_is_integer(pub) && json_integer_value(pub) <= now_unix();
	json_decref(a);
	if (live && *(int64_t *)arg <= now_unix())
		return STORE_OK;
	return edit_publish_fn(db, id, arg);
}

/*
 * A story published for a later time goes live then: this job drops
 * the cache entries that show it (its page and every list it joins) on
 * this instance and, through the bus, on every other one.  A story
 * unpublished or moved to a later time in between needs nothing now.
 */
static int
publish_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	struct buf tags = BUF_INIT;
	json_int_t id = json_integer_value(json_object_get(payload, "article"));
	json_t *a = NULL;
	const char *status;
	int rc;

	if (db_begin_write(db) != DB_OK) {
		snprintf(err, errlen, "database: %s", db_errmsg(db));
		return -1;
	}
	rc = store_article_admin_get(db, id, &a);
	if (rc == STORE_NOTFOUND) {
		db_rollback(db);
		return 0;
	}
	if (rc != STORE_OK)
		goto fail;
	status = json_string_value(json_object_get(a, "status"));
	if (status == NULL || strcmp(status, "published") != 0 ||
	    json_integer_value(json_object_get(a, "published_at")) >
	    now_unix()) {
		json_decref(a);
		db_rollback(db);
		return 0;
	}
	json_decref(a);
	if (webhook_fire_story(db, WEBHOOK_STORY_PUBLISHED, id) != STORE_OK ||
	    ap_fire_story(db, AP_CREATE, id) != STORE_OK ||
	    store_article_deps(db, id, &tags) != STORE_OK ||
	    bus_publish(db, tags.p) != DB_OK || db_commit(db) != DB_OK)
		goto fail;
	bus_apply(tags.p);
	buf_free(&tags);
	return 0;
fail:
	snprintf(err, errlen, "database: %s", db_errmsg(db));
	db_rollback(db);
	buf_free(&tags);
	return -1;
}

void
edit_jobs_init(void)
{
	jobs_register(JOB_PUBLISH, publish_job, 0);
}

int
edit_unpublish_fn(struct db *db, int64_t id, void *arg)
{
	int rc;

	if ((rc = store_article_unpublish(db, id)) != STORE_OK)
		return rc;
	if ((rc = webhook_fire_story(db, WEBHOOK_STORY_UNPUBLISHED, id)) !=
	    STORE_OK)
		return rc;
	return ap_fire_story(db, AP_DELETE, id);
}
