/*
 * page_admin_trash.c — the newsroom's Trash: a story, an event, a
 * webinar or a white paper moved there leaves every public page, list,
 * feed, sitemap, calendar, search and the API at once (a story becomes a
 * draft, and edit_write drops the cache entries that showed it; the
 * others are left out by every public statement of their kind, and the
 * move drops their tags), keeps its slug, and is listed at /admin/trash
 * with Restore and, for admins, Delete for good, one at a time or ticked
 * together.  A "trash" job, added with the move, deletes it for good
 * TRASH_DAYS after, unless it left the Trash.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "ap.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "edit.h"
#include "http.h"
#include "jobs.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "role.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "store_ap.h"
#include "tag.h"
#include "url.h"
#include "util.h"

#define TRASH_DAYS	30
#define TRASH_KEEP	((int64_t)TRASH_DAYS * 86400)
#define TRASH_BULK_MAX	25	/* rows ticked at once, as on the story list */

/*
 * What goes to the Trash: its name in the list, the job and the bulk
 * form ("event:12"), its part of the newsroom's URLs, its label, and the
 * cache tags of its own page and of every list, calendar and sidebar
 * that shows it (stories have theirs from store_article_deps).
 */
static const struct {
	const char	*name;
	const char	*path;		/* /admin/<path>/<id> */
	const char	*label;
	const char	*base;		/* of its public address */
	struct tag	 (*tag)(int64_t);
	struct tag	 (*list_tag)(void);
} kinds[TRASH__MAX] = {
	[TRASH_ARTICLE] = { "article", "articles", "Story", "/article", NULL,
	    NULL },
	[TRASH_EVENT] = { "event", "events", "Event", "/events", tag_event,
	    tag_events },
	[TRASH_WEBINAR] = { "webinar", "webinars", "Webinar", "/webinars",
	    tag_webinar, tag_webinars },
	[TRASH_RESOURCE] = { "resource", "resources", "White paper",
	    "/resources", tag_resource, tag_resources },
};

/* The kind named n (len bytes; a list name or a URL part), or TRASH__MAX. */
static enum trash_kind
kind_of(const char *n, size_t len, int path)
{
	enum trash_kind k;
	const char *s;

	for (k = 0; k < TRASH__MAX; k++) {
		s = path ? kinds[k].path : kinds[k].name;
		if (strlen(s) == len && memcmp(s, n, len) == 0)
			break;
	}
	return k;
}

/*
 * The cache tags of row id of kind k: what showed it, or will again.  A
 * menu that links to it changes with it, and the menus are on every page.
 */
static void
kind_deps(struct db *db, enum trash_kind k, int64_t id, struct buf *tags)
{
	json_t *row;
	char path[160];
	int n = 0;

	if (k == TRASH_ARTICLE) {
		store_article_deps(db, id, tags);
		return;
	}
	tags_add(tags, kinds[k].tag(id));
	tags_add(tags, kinds[k].list_tag());
	if (store_trash_of(db, k, id, &row) != STORE_OK)
		return;
	snprintf(path, sizeof(path), "%s/%s", kinds[k].base,
	    json_string_value(json_object_get(row, "slug")));
	json_decref(row);
	if (store_trash_in_menu(db, path, &n) == STORE_OK && n > 0)
		tags_add(tags, tag_site());
}

/* The "trash" job that ends row id's stay there, in the move's transaction. */
static int
trash_job_add(struct db *db, enum trash_kind k, int64_t id, int64_t now)
{
	json_t *job;
	int rc;

	job = k == TRASH_ARTICLE ? json_pack("{s:I,s:I}", "article",
	    (json_int_t)id, "trashed_at", (json_int_t)now) :
	    json_pack("{s:s,s:I,s:I}", "kind", kinds[k].name, "id",
	    (json_int_t)id, "trashed_at", (json_int_t)now);
	if (job == NULL)
		return STORE_ERROR;
	rc = jobs_add(db, JOB_TRASH, job, now + TRASH_KEEP);
	json_decref(job);
	return rc;
}

/* Inside edit_write's transaction: the move and the job that ends it. */
static int
trash_fn(struct db *db, int64_t id, void *arg)
{
	int64_t now = *(int64_t *)arg;
	json_t *a;
	int rc, live = 0;

	/* A live story taken off the site is gone for its followers too. */
	if (store_ap_article(db, id, &a) == STORE_OK) {
		live = strcmp(json_string_value(json_object_get(a, "status")),
		    "published") == 0 && json_integer_value(json_object_get(a,
		    "published_at")) <= now;
		json_decref(a);
	}
	if ((rc = store_article_trash(db, id, now)) != STORE_OK)
		return rc;
	if (live && (rc = ap_fire_story(db, AP_DELETE, id)) != STORE_OK)
		return rc;
	return trash_job_add(db, TRASH_ARTICLE, id, now);
}

static int
untrash_fn(struct db *db, int64_t id, void *arg)
{
	(void)arg;
	return store_article_untrash(db, id);
}

/*
 * Ends a write transaction whose work returned rc: on STORE_OK it
 * commits with tags published to every instance and drops them here;
 * else (or when the commit fails) it rolls back.  A store result.
 */
static int
finish(struct db *db, int rc, struct buf *tags)
{
	if (rc == STORE_OK && (buf_err(tags) || bus_publish(db, tags->p) !=
	    DB_OK || db_commit(db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK)
		db_rollback(db);
	else
		bus_apply(tags->p);
	return rc;
}

/*
 * Deletes row id of kind k for good if it went to the Trash at or
 * before before, and drops every cache entry that listed it, on every
 * instance.
 */
static int
purge(struct db *db, enum trash_kind k, int64_t id, int64_t before)
{
	struct buf tags = BUF_INIT;
	int rc;

	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	kind_deps(db, k, id, &tags);
	rc = finish(db, store_trash_purge(db, k, id, before), &tags);
	buf_free(&tags);
	return rc;
}

/*
 * The job: a row still in the Trash TRASH_DAYS after it went there.  A
 * story's job names it {"article": id}; the other kinds' {"kind", "id"}.
 */
static int
trash_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	const char *kn = json_string_value(json_object_get(payload, "kind"));
	enum trash_kind k = kn != NULL ? kind_of(kn, strlen(kn), 0) :
	    TRASH_ARTICLE;
	json_int_t id = json_integer_value(json_object_get(payload,
	    kn != NULL ? "id" : "article"));
	int rc;

	if (k == TRASH__MAX) {
		snprintf(err, errlen, "trash: unknown kind");
		return -1;
	}
	rc = purge(db, k, id, now_unix() - TRASH_KEEP);
	if (rc == STORE_OK || rc == STORE_NOTFOUND)
		return 0;	/* gone, restored, or trashed again later */
	snprintf(err, errlen, "database: %s", db_errmsg(db));
	return -1;
}

void
page_admin_trash_jobs_init(void)
{
	jobs_register(JOB_TRASH, trash_job, 0);
}

/*
 * Whether the writer may move story a to or from the Trash: as they may
 * edit it, and a live story only if they may unpublish it.
 */
static int
may_trash(struct req *r, int64_t id, json_t *a)
{
	const char *st = json_string_value(json_object_get(a, "status"));

	if (!edit_allowed(r->db, r->user, EDIT_EDIT, id))
		return 0;
	return st == NULL || strcmp(st, "draft") == 0 ||
	    edit_allowed(r->db, r->user, EDIT_PUBLISH, id);
}

/* What a form posts to a story's Trash button, restore or delete. */
static int
trash_form(struct req *r, int64_t *id, json_t **a)
{
	struct url_query q;
	int status, rc;

	*a = NULL;
	if ((*id = admin_route_id(r)) == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if ((rc = store_article_admin_get(r->db, *id, a)) != STORE_OK)
		return status_store(rc);
	return 0;
}

static int
in_trash(json_t *a)
{
	return json_is_integer(json_object_get(a, "trashed_at"));
}

/*
 * Moves the route's story into the Trash (into) or out of it: 403 when
 * the writer may not, 409 when it is there already, 404 when it is not.
 */
static int
move(struct req *r, int into)
{
	json_t *a;
	int64_t id, now = now_unix();
	int status, rc, allowed, trashed;
	char url[64];

	if ((status = trash_form(r, &id, &a)) != 0)
		return status;
	allowed = may_trash(r, id, a);
	trashed = in_trash(a);
	json_decref(a);
	if (!allowed)
		return 403;
	if (trashed == into)
		return into ? 409 : 404;
	if ((rc = edit_write(r->db, r->user, id, into ? trash_fn : untrash_fn,
	    &now, NULL, NULL)) != STORE_OK)
		return status_store(rc);
	if (into)
		snprintf(url, sizeof(url), "/admin/trash?done=trashed");
	else
		snprintf(url, sizeof(url), "/admin/articles/%lld?done=restored",
		    (long long)id);
	http_redirect(r, 303, url);
	return 0;
}

int
page_admin_trash_add(struct req *r)
{
	return move(r, 1);
}

int
page_admin_trash_restore(struct req *r)
{
	return move(r, 0);
}

int
page_admin_trash_delete(struct req *r)
{
	json_t *a;
	int64_t id;
	int status, rc, trashed;

	if ((status = trash_form(r, &id, &a)) != 0)
		return status;
	trashed = in_trash(a);
	json_decref(a);
	if (!trashed)
		return 404;
	if ((rc = purge(r->db, TRASH_ARTICLE, id, INT64_MAX)) != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/trash?done=deleted");
	return 0;
}

static void	 trash_bulk_done(struct req *, json_t *);

/* The list's filter: every kind, then one each. */
static json_t *
kind_filter(enum trash_kind chosen)
{
	json_t *l = json_array();
	enum trash_kind k;

	json_array_append_new(l, json_pack("{s:s,s:s,s:b}", "value", "",
	    "label", "Everything", "selected", chosen == TRASH__MAX));
	for (k = 0; k < TRASH__MAX; k++)
		json_array_append_new(l, json_pack("{s:s,s:s,s:b}", "value",
		    kinds[k].name, "label", kinds[k].label, "selected",
		    k == chosen));
	return l;
}

int
page_admin_trash(struct req *r)
{
	json_t *rows, *v, *m;
	const char *done = http_query(r, "done"), *kn = http_query(r, "kind");
	enum trash_kind k, chosen = TRASH__MAX;
	int64_t id, t;
	size_t i;
	int rc, editor = r->user->role >= ROLE_EDITOR;
	char b[64], url[96];

	if (kn != NULL && kn[0] != '\0' &&
	    (chosen = kind_of(kn, strlen(kn), 0)) == TRASH__MAX)
		return admin_render(r, 422, "admin/notice", json_pack(
		    "{s:s,s:s,s:s,s:{s:s}}", "title", "No such kind", "text",
		    "kind: choose article, event, webinar or resource.",
		    "back", "/admin/trash", "page", "title", "Trash"));
	if ((rc = store_trash_list(r->db, chosen == TRASH__MAX ? "" :
	    kinds[chosen].name, &rows)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, v) {
		id = json_integer_value(json_object_get(v, "id"));
		t = json_integer_value(json_object_get(v, "trashed_at"));
		k = kind_of(json_string_value(json_object_get(v, "kind")),
		    strlen(json_string_value(json_object_get(v, "kind"))), 0);
		admin_fmt_local(t, b, sizeof(b));
		json_object_set_new(v, "when", json_string(b));
		admin_fmt_local(t + TRASH_KEEP, b, sizeof(b));
		json_object_set_new(v, "until", json_string(b));
		/* Stories keep the Trash's first addresses. */
		if (k == TRASH_ARTICLE)
			snprintf(url, sizeof(url), "/admin/trash/%lld",
			    (long long)id);
		else
			snprintf(url, sizeof(url), "/admin/trash/%s/%lld",
			    kinds[k].path, (long long)id);
		json_object_set_new(v, "url", json_string(url));
		snprintf(url, sizeof(url), "%s:%lld", kinds[k].name,
		    (long long)id);
		json_object_set_new(v, "item", json_string(url));
		json_object_set_new(v, "kind_label",
		    json_string(kinds[k].label));
		json_object_set_new(v, "may_restore", json_boolean(
		    k == TRASH_ARTICLE ? edit_allowed(r->db, r->user,
		    EDIT_EDIT, id) : editor));
	}
	m = json_pack("{s:o,s:b,s:i,s:o,s:b,s:{s:s}}", "articles", rows,
	    "has_articles", json_array_size(rows) > 0, "days", TRASH_DAYS,
	    "kinds", kind_filter(chosen), "may_bulk", editor,
	    "page", "title", "Trash");
	if (done != NULL && strcmp(done, "trashed") == 0)
		json_object_set_new(m, "trashed", json_true());
	if (done != NULL && strcmp(done, "restored") == 0)
		json_object_set_new(m, "restored", json_true());
	if (done != NULL && strcmp(done, "bulk") == 0)
		trash_bulk_done(r, m);
	return admin_render(r, 200, "admin/trash", m);
}

/*
 * Events, webinars and white papers: "Move to Trash" on each one's
 * editor and list (POST /admin/<kind>/:id/trash), Restore and Delete for
 * good on the Trash (POST /admin/trash/<kind>/:id/restore, .../delete).
 * The router has checked the role and the form's CSRF token.
 */

/* Row id of kind k: 0 with *a its row, or a status. */
static int
kind_form(struct req *r, enum trash_kind k, int64_t id, json_t **a)
{
	struct url_query q;
	int status, rc;

	*a = NULL;
	if (k == TRASH__MAX || id == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if ((rc = store_trash_of(r->db, k, id, a)) != STORE_OK)
		return status_store(rc);
	own_json(r, *a);
	return 0;
}

/* Moves row id of kind k into the Trash (into) or out, in one transaction. */
static int
kind_move_write(struct db *db, enum trash_kind k, int64_t id, int into,
    int64_t now, struct buf *tags)
{
	int rc;

	rc = into ? store_trash_put(db, k, id, now) :
	    store_trash_take(db, k, id);
	if (rc == STORE_OK && into)
		rc = trash_job_add(db, k, id, now);
	kind_deps(db, k, id, tags);
	return rc;
}

static int
kind_move(struct req *r, enum trash_kind k, int64_t id, int into)
{
	struct buf *tags = own_buf(r, 0);
	json_t *a;
	int status, rc;

	if ((status = kind_form(r, k, id, &a)) != 0)
		return status;
	if (in_trash(a) == into)
		return into ? 409 : 404;
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	if ((rc = finish(r->db, kind_move_write(r->db, k, id, into,
	    now_unix(), tags), tags)) != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, into ? "/admin/trash?done=trashed" :
	    "/admin/trash?done=restored");
	return 0;
}

/*
 * The route's kind (its first part) and id, for the Trash's buttons;
 * TRASH__MAX for stories, which have their own addresses.
 */
static enum trash_kind
route_kind(struct req *r, int64_t *id)
{
	enum trash_kind k;

	*id = 0;
	if (r->narg < 2 || parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX,
	    id) != 0)
		return TRASH__MAX;
	k = kind_of(r->arg[0], r->arglen[0], 1);
	return k == TRASH_ARTICLE ? TRASH__MAX : k;
}

int
page_admin_event_trash(struct req *r)
{
	return kind_move(r, TRASH_EVENT, admin_route_id(r), 1);
}

int
page_admin_webinar_trash(struct req *r)
{
	return kind_move(r, TRASH_WEBINAR, admin_route_id(r), 1);
}

int
page_admin_resource_trash(struct req *r)
{
	return kind_move(r, TRASH_RESOURCE, admin_route_id(r), 1);
}

int
page_admin_trash_kind_restore(struct req *r)
{
	int64_t id;
	enum trash_kind k = route_kind(r, &id);

	return kind_move(r, k, id, 0);
}

int
page_admin_trash_kind_delete(struct req *r)
{
	int64_t id;
	enum trash_kind k = route_kind(r, &id);
	json_t *a;
	int status, rc;

	if ((status = kind_form(r, k, id, &a)) != 0)
		return status;
	if (!in_trash(a))
		return 404;
	if ((rc = purge(r->db, k, id, INT64_MAX)) != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/trash?done=deleted");
	return 0;
}

/*
 * The Trash's bulk actions: the ticked rows ("item", repeated, each
 * "event:12"), restored (POST /admin/trash/restore, editors) or deleted
 * for good (POST /admin/trash/delete, admins) in one transaction, or
 * none of them.  Every row is checked before anything is written.
 */
struct trash_item {
	enum trash_kind	 k;
	int64_t		 id;
};

static int
trash_notice(struct req *r, int status, const char *text)
{
	return admin_render(r, status, "admin/notice", json_pack(
	    "{s:s,s:s,s:s,s:{s:s}}", "title", "Nothing changed", "text", text,
	    "back", "/admin/trash", "page", "title", "Nothing changed"));
}

/*
 * Reads the ticked rows into items (at most TRASH_BULK_MAX): 0, 422 with
 * *why the field's message, or another status.
 */
static int
trash_items(struct req *r, struct trash_item *items, size_t *n,
    const char **why)
{
	struct url_query q;
	const char *v, *colon;
	enum trash_kind k;
	int64_t id;
	size_t i, j;
	int status, bad = 0, dup;

	*n = 0;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	for (i = 0; i < q.n && !bad; i++) {
		if (strcmp(q.p[i].key, "item") != 0)
			continue;
		v = q.p[i].val;
		if ((colon = memchr(v, ':', q.p[i].vallen)) == NULL ||
		    (k = kind_of(v, (size_t)(colon - v), 0)) == TRASH__MAX ||
		    parse_int(colon + 1, q.p[i].vallen - (size_t)(colon + 1 -
		    v), 1, INT64_MAX, &id) != 0) {
			bad = 1;
			break;
		}
		for (j = dup = 0; j < *n; j++)
			dup |= items[j].k == k && items[j].id == id;
		if (!dup && *n == TRASH_BULK_MAX)
			bad = 2;
		else if (!dup) {
			items[*n].k = k;
			items[(*n)++].id = id;
		}
	}
	url_query_free(&q);
	*why = bad == 1 ? "item: each ticked row is a kind and an id, such"
	    " as event:12." : bad == 2 ? "item: at most 25 rows at once." :
	    *n == 0 ? "item: tick at least one row." : NULL;
	return *why != NULL ? 422 : 0;
}

static int
trash_bulk(struct req *r, int restore)
{
	struct trash_item items[TRASH_BULK_MAX];
	struct buf *tags = own_buf(r, 0);
	json_t *a;
	const char *why = NULL;
	size_t i, n;
	int64_t now = now_unix();
	int status, rc = STORE_OK;
	char text[160], url[64];

	if ((status = trash_items(r, items, &n, &why)) != 0)
		return why != NULL ? trash_notice(r, status, why) : status;
	for (i = 0; i < n; i++) {
		if ((rc = store_trash_of(r->db, items[i].k, items[i].id, &a)) !=
		    STORE_OK && rc != STORE_NOTFOUND)
			return status_store(rc);
		status = rc == STORE_NOTFOUND || !in_trash(a) ? 404 :
		    restore && items[i].k == TRASH_ARTICLE &&
		    !edit_allowed(r->db, r->user, EDIT_EDIT, items[i].id) ?
		    403 : 0;
		if (status == 404)
			snprintf(text, sizeof(text), "item: there is no %s "
			    "%lld in the Trash.", kinds[items[i].k].name,
			    (long long)items[i].id);
		else if (status == 403)
			snprintf(text, sizeof(text), "You may not restore the "
			    "story %lld.", (long long)items[i].id);
		if (status != 0) {
			json_decref(a);
			return trash_notice(r, status, text);
		}
		json_decref(a);
	}
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	for (i = 0; i < n && rc == STORE_OK; i++) {
		if (!restore) {
			kind_deps(r->db, items[i].k, items[i].id, tags);
			rc = store_trash_purge(r->db, items[i].k, items[i].id,
			    INT64_MAX);
		} else if (items[i].k == TRASH_ARTICLE) {
			kind_deps(r->db, items[i].k, items[i].id, tags);
			rc = edit_write(r->db, r->user, items[i].id,
			    untrash_fn, &now, NULL, NULL);
		} else {
			rc = kind_move_write(r->db, items[i].k, items[i].id,
			    0, now, tags);
		}
	}
	if ((rc = finish(r->db, rc, tags)) != STORE_OK)
		return status_store(rc);
	snprintf(url, sizeof(url), "/admin/trash?done=bulk&%s=%zu",
	    restore ? "restored" : "deleted", n);
	http_redirect(r, 303, url);
	return 0;
}

int
page_admin_trash_bulk_restore(struct req *r)
{
	return trash_bulk(r, 1);
}

int
page_admin_trash_bulk_delete(struct req *r)
{
	return trash_bulk(r, 0);
}

/* "3 rows restored.": the Trash's line after a bulk action. */
static void
trash_bulk_done(struct req *r, json_t *m)
{
	const char *what = "restored", *ns = http_query(r, "restored");
	int64_t n;
	char b[96];

	if (ns == NULL) {
		what = "deleted for good";
		ns = http_query(r, "deleted");
	}
	if (ns == NULL || parse_int(ns, strlen(ns), 1, TRASH_BULK_MAX,
	    &n) != 0)
		return;
	snprintf(b, sizeof(b), "%lld %s %s.", (long long)n, n == 1 ? "row" :
	    "rows", what);
	json_object_set_new(m, "bulk_done", json_string(b));
}

/*
 * The story list's bulk actions: one form with the ticked stories' ids
 * and an action, applied to all of them in one transaction or to none.
 */
#define BULK_MAX	25	/* a page of the story list */

enum bulk_action {
	BULK_PUBLISH,
	BULK_UNPUBLISH,
	BULK_SECTION,
	BULK_TRASH,
	BULK__MAX
};

static const struct {
	const char	*name;
	const char	*verb;	/* refused: "You may not %s" */
	const char	*done;	/* "3 stories %s" */
} bulk_names[BULK__MAX] = {
	[BULK_PUBLISH] = { "publish", "publish", "published" },
	[BULK_UNPUBLISH] = { "unpublish", "unpublish", "unpublished" },
	[BULK_SECTION] = { "section", "move", "moved to another section" },
	[BULK_TRASH] = { "trash", "move to the Trash",
	    "moved to the Trash" },
};

static int
bulk_notice(struct req *r, int status, const char *title, const char *text)
{
	return admin_render(r, status, "admin/notice", json_pack(
	    "{s:s,s:s,s:s,s:{s:s}}", "title", title, "text", text, "back",
	    "/admin/articles", "page", "title", title));
}

/* Whether the writer may apply act to the story a (not in the Trash). */
static int
bulk_allowed(struct req *r, enum bulk_action act, int64_t id, json_t *a)
{
	const char *st = json_string_value(json_object_get(a, "status"));
	int published = st != NULL && strcmp(st, "draft") != 0;

	switch (act) {
	case BULK_PUBLISH:
	case BULK_UNPUBLISH:
		return edit_allowed(r->db, r->user, EDIT_PUBLISH, id);
	case BULK_SECTION:
		return edit_allowed(r->db, r->user, EDIT_EDIT, id) &&
		    edit_may_change(r->user, published);
	default:
		return may_trash(r, id, a);
	}
}

/* Whether slug names one of the site's sections. */
static int
bulk_section_known(struct req *r, const char *slug, int *known)
{
	json_t *rows, *v;
	size_t i;
	int rc;

	*known = 0;
	if ((rc = store_sections_all(r->db, &rows)) != STORE_OK)
		return rc;
	json_array_foreach(rows, i, v)
		if (strcmp(json_string_value(json_object_get(v, "slug")),
		    slug) == 0)
			*known = 1;
	json_decref(rows);
	return STORE_OK;
}

/* Applies act to ids[0..n) in one transaction; a store result. */
static int
bulk_apply(struct req *r, enum bulk_action act, const int64_t *ids,
    size_t n, const char *section)
{
	struct edit_input ei = { NULL, NULL, NULL };
	struct buf tags = BUF_INIT;
	int64_t now = now_unix();
	edit_fn fn;
	void *arg = &now;
	const char *note = NULL;
	size_t i;
	int rc = STORE_OK;

	switch (act) {
	case BULK_PUBLISH:
		fn = edit_publish_keep_fn;
		break;
	case BULK_UNPUBLISH:
		fn = edit_unpublish_fn;
		break;
	case BULK_SECTION:
		ei.in = json_pack("{s:s}", "section", section);
		fn = edit_update_fn;
		arg = &ei;
		note = "moved to another section";
		break;
	default:
		fn = trash_fn;
		break;
	}
	if (db_begin_write(r->db) != DB_OK) {
		json_decref(ei.in);
		return STORE_BUSY;
	}
	for (i = 0; i < n && rc == STORE_OK; i++) {
		store_article_deps(r->db, ids[i], &tags);
		rc = edit_write(r->db, r->user, ids[i], fn, arg, NULL, note);
	}
	json_decref(ei.in);
	for (i = 0; i < n && rc == STORE_OK; i++)
		store_article_deps(r->db, ids[i], &tags);
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_BUSY;
	else if (rc != STORE_OK)
		db_rollback(r->db);
	/*
	 * Each edit_write dropped its pages here when its own level ended;
	 * a reader may have cached one again before the whole commit.
	 */
	if (rc == STORE_OK)
		bus_apply(tags.p);
	buf_free(&tags);
	return rc;
}

int
page_admin_bulk(struct req *r)
{
	struct url_query q;
	int64_t ids[BULK_MAX], id;
	const char *an, *section, *st;
	json_t *a;
	enum bulk_action act;
	size_t i, j, n = 0;
	int status, rc, known, dup;
	char msg[512], url[96];

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	an = url_query_get(&q, "action");
	for (act = 0; act < BULK__MAX; act++)
		if (an != NULL && strcmp(an, bulk_names[act].name) == 0)
			break;
	status = 0;
	for (i = 0; i < q.n && status == 0; i++) {
		if (strcmp(q.p[i].key, "id") != 0)
			continue;
		if (parse_int(q.p[i].val, q.p[i].vallen, 1, INT64_MAX,
		    &id) != 0) {
			status = 1;
			break;
		}
		for (j = dup = 0; j < n; j++)
			dup |= ids[j] == id;
		if (!dup && n == BULK_MAX)
			status = 2;
		else if (!dup)
			ids[n++] = id;
	}
	section = url_query_get(&q, "section");
	snprintf(msg, sizeof(msg), "%s", section != NULL ? section : "");
	url_query_free(&q);
	if (act == BULK__MAX)
		return bulk_notice(r, 422, "Nothing changed", "action: choose"
		    " publish, unpublish, section or trash.");
	if (status == 1)
		return bulk_notice(r, 422, "Nothing changed",
		    "id: a story's id is a whole number from 1.");
	if (status == 2)
		return bulk_notice(r, 422, "Nothing changed",
		    "id: at most 25 stories at once.");
	if (n == 0)
		return bulk_notice(r, 422, "Nothing changed",
		    "id: tick at least one story.");
	if (act == BULK_SECTION) {
		if ((rc = bulk_section_known(r, msg, &known)) != STORE_OK)
			return status_store(rc);
		if (!known)
			return bulk_notice(r, 422, "Nothing changed",
			    "section: choose one of the site's sections.");
	}
	section = msg;
	/* Every story is checked before anything is written. */
	for (i = 0; i < n; i++) {
		if ((rc = store_article_admin_get(r->db, ids[i], &a)) ==
		    STORE_NOTFOUND) {
			char text[96];

			snprintf(text, sizeof(text), "id: there is no story %lld.",
			    (long long)ids[i]);
			return bulk_notice(r, 404, "Nothing changed", text);
		}
		if (rc != STORE_OK)
			return status_store(rc);
		st = json_string_value(json_object_get(a, "title"));
		status = in_trash(a) ? 409 :
		    !bulk_allowed(r, act, ids[i], a) ? 403 : 0;
		if (status != 0) {
			char text[512];

			snprintf(text, sizeof(text), status == 409 ?
			    "“%.300s” is in the Trash; nothing was changed." :
			    "You may not %s “%.300s”; nothing was changed.",
			    status == 409 ? st : bulk_names[act].verb, st);
			json_decref(a);
			return bulk_notice(r, status, "Nothing changed", text);
		}
		json_decref(a);
	}
	if ((rc = bulk_apply(r, act, ids, n, section)) != STORE_OK)
		return status_store(rc);
	snprintf(url, sizeof(url), "/admin/articles?done=%s&n=%zu",
	    bulk_names[act].name, n);
	http_redirect(r, 303, url);
	return 0;
}

/* "3 stories moved to the Trash": the list's line after a bulk action. */
void
admin_bulk_done(struct req *r, json_t *m)
{
	const char *done = http_query(r, "done"), *ns = http_query(r, "n");
	int64_t n;
	char b[96];
	int i;

	if (done == NULL || ns == NULL || parse_int(ns, strlen(ns), 1,
	    BULK_MAX, &n) != 0)
		return;
	for (i = 0; i < BULK__MAX; i++)
		if (strcmp(done, bulk_names[i].name) == 0) {
			snprintf(b, sizeof(b), "%lld %s %s", (long long)n,
			    n == 1 ? "story" : "stories", bulk_names[i].done);
			json_object_set_new(m, "bulk_done", json_string(b));
		}
}
