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
	int rc;

	if ((rc = store_article_trash(db, id, now)) != STORE_OK)
		return rc;
	return jobs_add(db, JOB_TRASH, json_pack("{s:I,s:I}", "article",
	    (json_int_t)id, "trashed_at", (json_int_t)now), now + TRASH_KEEP);
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

int
page_admin_trash_add(struct req *r)
{
	json_t *a;
	int64_t id, now = now_unix();
	int status, rc, allowed, trashed;

	if ((status = trash_form(r, &id, &a)) != 0)
		return status;
	allowed = may_trash(r, id, a);
	trashed = in_trash(a);
	json_decref(a);
	if (!allowed)
		return 403;
	if (trashed)
		return 409;
	if ((rc = edit_write(r->db, r->user, id, trash_fn, &now, NULL,
	    NULL)) != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/trash?done=trashed");
	return 0;
}

int
page_admin_trash_restore(struct req *r)
{
	json_t *a;
	int64_t id;
	int status, rc, allowed, trashed;
	char url[64];

	if ((status = trash_form(r, &id, &a)) != 0)
		return status;
	allowed = may_trash(r, id, a);
	trashed = in_trash(a);
	json_decref(a);
	if (!allowed)
		return 403;
	if (!trashed)
		return 404;
	if ((rc = edit_write(r->db, r->user, id, untrash_fn, NULL, NULL,
	    NULL)) != STORE_OK)
		return status_store(rc);
	snprintf(url, sizeof(url), "/admin/articles/%lld?done=restored",
	    (long long)id);
	http_redirect(r, 303, url);
	return 0;
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
