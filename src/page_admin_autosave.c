/*
 * page_admin_autosave.c — the editor's autosave: a few seconds after its
 * writer stops typing, the editor's script posts the form here, and it is
 * kept as the writer's autosave of the story (one per story and writer,
 * replaced each time), never as the story: its row and its live page stay
 * as they were saved.  A story not saved yet becomes a draft at its first
 * autosave, so that the next ones have a story to belong to.
 *
 * When its writer opens the story again and the autosave is newer than
 * the last save, the editor offers it: "Restore" fills the form with it
 * (saving is still the writer's choice), "Discard" drops it.
 *
 * The answers are JSON for the script: {id, url, saved_at, time}, or
 * {error} with the status.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "edit.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

/* "13:05": t in the site's zone, as the editor's state line shows it. */
static void
clock_of(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, n, "%H:%M", &tm);
}

static int
refuse(struct req *r, int status, const char *why)
{
	http_send_json(r, status, own_json(r, json_pack("{s:s}", "error",
	    why)));
	return 0;
}

/*
 * The first autosave of a story never saved: it is created as a draft
 * under the writer's byline, with a revision, as "Save draft" would.
 */
static int
create_draft(struct req *r, json_t *in, int64_t *id)
{
	struct buf *html = own_buf(r, 0);
	struct edit_input ei;
	char slug[256], msg[300];
	int status, rc;

	*id = 0;
	if (r->user->role < ROLE_EDITOR || (r->user->author_id != 0 &&
	    json_array_size(json_object_get(in, "authors")) == 0)) {
		if (store_author_slug(r->db, r->user->author_id, slug,
		    sizeof(slug)) != STORE_OK)
			return refuse(r, 403, "Your account has no author "
			    "profile to write under."), -1;
		json_object_set_new(in, "authors", json_pack("[s]", slug));
	}
	if ((status = edit_check(in, 1, msg, sizeof(msg))) != 0 ||
	    (status = edit_check_raw_html(r->user, in, NULL, msg,
	    sizeof(msg))) != 0)
		return refuse(r, status, msg), -1;
	if (edit_render_body(in, NULL, html) != 0)
		return refuse(r, 422, "The body cannot be rendered."), -1;
	ei.in = in;
	ei.html = html->p;
	ei.id = id;
	rc = edit_write(r->db, r->user, 0, edit_create_fn, &ei, id,
	    "created by autosave");
	if (rc == STORE_CONFLICT)
		return refuse(r, 409, "Another story already has that slug: "
		    "choose another one."), -1;
	if (rc == STORE_INVALID)
		return refuse(r, 422, "The section, an author, the sponsor "
		    "or an image does not exist."), -1;
	if (rc != STORE_OK)
		return refuse(r, status_write(rc), "Not saved: the database "
		    "is busy."), -1;
	return 0;
}

/* Keeps the form as the writer's autosave of story id. */
static int
keep(struct req *r, int64_t id, json_t *in, json_t *cur, int64_t now)
{
	json_t *data;
	char *text, msg[300];
	int status, rc;

	if ((status = edit_check(in, 0, msg, sizeof(msg))) != 0)
		return refuse(r, status, msg), -1;
	data = own_json(r, admin_editor_shape(in, cur));
	/* What the engine keeps about the story is not the writer's. */
	json_object_del(data, "id");
	json_object_del(data, "status");
	json_object_del(data, "published_at");
	json_object_del(data, "updated_at");
	json_object_del(data, "created_at");
	json_object_del(data, "trashed_at");
	json_object_del(data, "review_state");
	json_object_del(data, "review_note");
	json_object_del(data, "review_at");
	json_object_del(data, "review_by_id");
	if ((text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return refuse(r, 500, "Not saved."), -1;
	own_heap(r, text);
	if (db_begin_write(r->db) != DB_OK)
		return refuse(r, 503, "Not saved: the database is busy."), -1;
	if ((rc = store_autosave_put(r->db, id, r->user->id, text, now)) !=
	    STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return refuse(r, status_write(rc), "Not saved: the database "
		    "is busy."), -1;
	}
	return 0;
}

static int
autosave(struct req *r, int64_t id)
{
	struct url_query q;
	json_t *in = NULL, *cur = NULL, *ans;
	int64_t now = page_now();
	char b[16], url[64];
	int status, rc, created = 0;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if (!edit_allowed(r->db, r->user, id == 0 ? EDIT_CREATE : EDIT_EDIT,
	    id)) {
		status = refuse(r, 403, "Not saved: this story is not yours "
		    "to edit.");
		goto done;
	}
	if (id != 0) {
		if ((rc = store_article_admin_get(r->db, id, &cur)) !=
		    STORE_OK) {
			status = refuse(r, status_store(rc), "Not saved: the "
			    "story cannot be read.");
			goto done;
		}
		own_json(r, cur);
		if (!edit_may_change(r->user, strcmp(json_string_value(
		    json_object_get(cur, "status")), "published") == 0)) {
			status = refuse(r, 403, "Not saved: this story is "
			    "published; an author or editor changes it.");
			goto done;
		}
	}
	if ((in = own_json(r, admin_editor_input(r, &q))) == NULL) {
		status = refuse(r, 400, "Not saved: a field is not text.");
		goto done;
	}
	if (id == 0) {
		if (create_draft(r, in, &id) != 0) {
			status = 0;
			goto done;
		}
		created = 1;
	} else if (keep(r, id, in, cur, now) != 0) {
		status = 0;
		goto done;
	}
	clock_of(now, b, sizeof(b));
	snprintf(url, sizeof(url), "/admin/articles/%lld", (long long)id);
	ans = own_json(r, json_pack("{s:I,s:s,s:I,s:s,s:b}", "id",
	    (json_int_t)id, "url", url, "saved_at", (json_int_t)now, "time", b,
	    "created", created));
	http_send_json(r, created ? 201 : 200, ans);
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_autosave_new(struct req *r)
{
	return autosave(r, 0);
}

int
page_admin_autosave(struct req *r)
{
	int64_t id;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	return autosave(r, id);
}

/* "Discard": the writer's autosave of the story goes. */
int
page_admin_autosave_discard(struct req *r)
{
	struct url_query q;
	char url[64];
	int64_t id;
	int status, rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if (!edit_allowed(r->db, r->user, EDIT_EDIT, id))
		return 403;
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	if ((rc = store_autosave_drop(r->db, id, r->user->id)) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	snprintf(url, sizeof(url), "/admin/articles/%lld?done=discarded",
	    (long long)id);
	http_redirect(r, 303, url);
	return 0;
}

/*
 * The editor's offer of the writer's autosave of story id (when newer
 * than its last save), or, with ?autosave=restore, the autosave itself
 * in place of a (the stored story, which it takes): 1 when restored.
 */
int
autosave_editor(struct req *r, int64_t id, json_t *a, json_t *m)
{
	json_t *row, *data, *v;
	json_error_t jerr;
	const char *key, *want = http_query(r, "autosave");
	char b[16], url[96];

	if (id == 0 || store_autosave_get(r->db, id, r->user->id, &row) !=
	    STORE_OK)
		return 0;
	own_json(r, row);
	clock_of(json_integer_value(json_object_get(row, "created_at")), b,
	    sizeof(b));
	if (want == NULL || strcmp(want, "restore") != 0) {
		snprintf(url, sizeof(url), "/admin/articles/%lld", (long long)id);
		json_object_set_new(m, "autosave", json_pack("{s:s,s:s}",
		    "time", b, "action", url));
		return 0;
	}
	if ((data = json_loads(json_string_value(json_object_get(row,
	    "data")), 0, &jerr)) == NULL)
		return 0;
	own_json(r, data);
	/* The form shows the autosave; the story's state stays its own. */
	json_object_foreach(data, key, v)
		json_object_set(a, key, v);
	json_object_set_new(m, "autosave_restored", json_string(b));
	return 1;
}
