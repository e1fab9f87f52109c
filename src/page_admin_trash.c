/*
 * page_admin_trash.c — the newsroom's Trash: a story moved there leaves
 * every public page, feed, sitemap, search and the API at once (it
 * becomes a draft, and edit_write drops the cache entries that showed
 * it), keeps its slug, and is listed at /admin/trash with Restore and,
 * for admins, Delete for good.  A "trash" job, added with the move,
 * deletes it for good TRASH_DAYS after, unless it left the Trash.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "edit.h"
#include "http.h"
#include "jobs.h"
#include "page.h"
#include "req.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define TRASH_DAYS	30
#define TRASH_KEEP	((int64_t)TRASH_DAYS * 86400)

/* Inside edit_write's transaction: the move and the job that ends it. */
static int
trash_fn(struct db *db, int64_t id, void *arg)
{
	int64_t now = *(int64_t *)arg;
	json_t *job;
	int rc;

	if ((rc = store_article_trash(db, id, now)) != STORE_OK)
		return rc;
	job = json_pack("{s:I,s:I}", "article", (json_int_t)id, "trashed_at",
	    (json_int_t)now);
	rc = jobs_add(db, JOB_TRASH, job, now + TRASH_KEEP);
	json_decref(job);
	return rc;
}

static int
untrash_fn(struct db *db, int64_t id, void *arg)
{
	(void)arg;
	return store_article_untrash(db, id);
}

/*
 * Deletes story id for good if it went to the Trash at or before
 * before, and drops every cache entry that listed it, on every instance.
 */
static int
purge(struct db *db, int64_t id, int64_t before)
{
	struct buf tags = BUF_INIT;
	int rc;

	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	store_article_deps(db, id, &tags);
	if ((rc = store_article_purge(db, id, before)) == STORE_OK &&
	    (bus_publish(db, tags.p) != DB_OK || db_commit(db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK)
		db_rollback(db);
	else
		bus_apply(tags.p);
	buf_free(&tags);
	return rc;
}

/* The job: a story still in the Trash TRASH_DAYS after it went there. */
static int
trash_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	json_int_t id = json_integer_value(json_object_get(payload, "article"));
	int rc;

	rc = purge(db, id, now_unix() - TRASH_KEEP);
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
	if ((rc = purge(r->db, id, INT64_MAX)) != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/trash?done=deleted");
	return 0;
}

int
page_admin_trash(struct req *r)
{
	json_t *rows, *v, *m;
	const char *done = http_query(r, "done");
	int64_t id, t;
	size_t i;
	int rc;
	char b[64], url[64];

	if ((rc = store_trash_list(r->db, &rows)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, v) {
		id = json_integer_value(json_object_get(v, "id"));
		t = json_integer_value(json_object_get(v, "trashed_at"));
		admin_fmt_local(t, b, sizeof(b));
		json_object_set_new(v, "when", json_string(b));
		admin_fmt_local(t + TRASH_KEEP, b, sizeof(b));
		json_object_set_new(v, "until", json_string(b));
		snprintf(url, sizeof(url), "/admin/trash/%lld", (long long)id);
		json_object_set_new(v, "url", json_string(url));
		json_object_set_new(v, "may_restore", json_boolean(
		    edit_allowed(r->db, r->user, EDIT_EDIT, id)));
	}
	m = json_pack("{s:o,s:b,s:i,s:{s:s}}", "articles", rows,
	    "has_articles", json_array_size(rows) > 0, "days", TRASH_DAYS,
	    "page", "title", "Trash");
	if (done != NULL && strcmp(done, "trashed") == 0)
		json_object_set_new(m, "trashed", json_true());
	return admin_render(r, 200, "admin/trash", m);
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
