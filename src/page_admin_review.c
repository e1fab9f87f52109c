/*
 * page_admin_review.c — the review workflow: a writer submits a draft
 * for review (the editor's "Submit for review", or the admin API), every
 * editor and admin is mailed, the editors' queue at /admin/review lists
 * what waits, and an editor asks for changes (with a note mailed to the
 * writer) or approves the draft, publishing or scheduling it.
 *
 * Who may publish without review is role_may_publish()'s rule, applied
 * by edit_allowed(); the route table keeps the queue and its decisions
 * to editors.  Nothing here changes a story's text.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "edit.h"
#include "jobs.h"
#include "mail.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define QUEUE_ROWS	200	/* drafts the queue shows, oldest first */
#define NOTE_MAX	2000	/* bytes of an editor's note */

/* The letter's common parts: the site's name and the story's address. */
static void
letter_site(struct req *r, char *site, size_t sitesz, char *url,
    size_t urlsz, int64_t id)
{
	char tmp[200], base[512];

	strlcpy_(site, store_setting(r->db, "site_name", "masthead", tmp,
	    sizeof(tmp)), sitesz);
	snprintf(url, urlsz, "%s/admin/articles/%lld", config_site_url(base,
	    sizeof(base)), (long long)id);
}

/* Tells every editor and admin, in the caller's transaction. */
static int
submitted_letters(struct req *r, int64_t id, const char *title)
{
	struct buf *text = own_buf(r, 0), *html = own_buf(r, 0),
	    *line = own_buf(r, 0);
	char site[200], subject[400], url[600], queue[600], base[512];
	json_t *who, *u;
	size_t i;
	int rc;

	if ((rc = store_reviewers(r->db, &who)) != STORE_OK)
		return rc;
	own_json(r, who);
	letter_site(r, site, sizeof(site), url, sizeof(url), id);
	snprintf(queue, sizeof(queue), "%s/admin/review", config_site_url(base,
	    sizeof(base)));
	snprintf(subject, sizeof(subject), "Ready for review: %s", title);
	json_array_foreach(who, i, u) {
		const char *name = json_string_value(json_object_get(u,
		    "display_name"));

		buf_reset(text);
		buf_reset(html);
		buf_reset(line);
		buf_printf(line, "Hello %s,", name);
		mail_para(text, html, line->p);
		buf_reset(line);
		buf_printf(line, "%s submitted \"%s\" for review.",
		    r->user->name, title);
		mail_para(text, html, line->p);
		mail_link(text, html, "Read and review it", url);
		mail_link(text, html, "Everything waiting for review", queue);
		mail_para(text, html, site);
		if (buf_err(text) || buf_err(html) || buf_err(line))
			return STORE_INVALID;
		if ((rc = mail_queue(r->db, name, json_string_value(
		    json_object_get(u, "email")), subject, text->p,
		    html->p)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/*
 * Runs step for draft id in a write transaction and, once it commits,
 * wakes the jobs that send the letters it queued.  A store result.
 */
static int
with_letters(struct req *r, int64_t id,
    int (*step)(struct req *, int64_t, const void *), const void *arg)
{
	int rc;

	if (db_begin_write(r->db) != DB_OK)
		return STORE_BUSY;
	if ((rc = step(r, id, arg)) != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return rc != STORE_OK ? rc : STORE_BUSY;
	}
	jobs_kick();
	return STORE_OK;
}

static int
submit_step(struct req *r, int64_t id, const void *unused)
{
	json_t *a;
	const char *st;
	int rc;

	if ((rc = store_article_admin_get(r->db, id, &a)) != STORE_OK)
		return rc;
	own_json(r, a);
	st = json_string_value(json_object_get(a, "status"));
	/* Only a draft waits for review; a live story has had its. */
	if (st == NULL || strcmp(st, "draft") != 0 ||
	    json_is_integer(json_object_get(a, "trashed_at")))
		return STORE_CONFLICT;
	if ((rc = store_review_set(r->db, id, "ready", "", page_now(),
	    r->user->id)) != STORE_OK)
		return rc;
	return submitted_letters(r, id, json_string_value(json_object_get(a,
	    "title")));
}

int
review_submit(struct req *r, int64_t id)
{
	return with_letters(r, id, submit_step, NULL);
}

/* The letter to the writer who submitted the draft, with the note. */
static int
changes_letter(struct req *r, int64_t id, int64_t to, const char *title,
    const char *note)
{
	struct buf *text = own_buf(r, 0), *html = own_buf(r, 0),
	    *line = own_buf(r, 0);
	char site[200], subject[400], url[600];
	json_t *u;
	int rc;

	if (to == 0)
		return STORE_OK;
	if ((rc = store_user_contact(r->db, to, &u)) == STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	own_json(r, u);
	letter_site(r, site, sizeof(site), url, sizeof(url), id);
	snprintf(subject, sizeof(subject), "Changes requested: %s", title);
	buf_printf(line, "Hello %s,", json_string_value(json_object_get(u,
	    "display_name")));
	mail_para(text, html, line->p);
	buf_reset(line);
	buf_printf(line, "%s asked for changes to \"%s\" before it is "
	    "published:", r->user->name, title);
	mail_para(text, html, line->p);
	mail_para(text, html, note);
	mail_link(text, html, "Edit the story", url);
	mail_para(text, html, "Submit it for review again when it is ready.");
	mail_para(text, html, site);
	if (buf_err(text) || buf_err(html) || buf_err(line))
		return STORE_INVALID;
	return mail_queue(r->db, json_string_value(json_object_get(u,
	    "display_name")), json_string_value(json_object_get(u, "email")),
	    subject, text->p, html->p);
}

/* The draft of the route's id as it waits for review, or why not. */
static int
waiting(struct db *db, int64_t id, json_t **a)
{
	const char *st;
	int rc;

	if ((rc = store_article_admin_get(db, id, a)) != STORE_OK)
		return rc;
	st = json_string_value(json_object_get(*a, "review_state"));
	if (st == NULL || strcmp(st, "ready") != 0) {
		json_decref(*a);
		*a = NULL;
		return STORE_CONFLICT;
	}
	return STORE_OK;
}

static int
changes_step(struct req *r, int64_t id, const void *note)
{
	json_t *a;
	int64_t by;
	int rc;

	if ((rc = waiting(r->db, id, &a)) != STORE_OK)
		return rc;
	own_json(r, a);
	by = json_integer_value(json_object_get(a, "review_by_id"));
	if ((rc = store_review_set(r->db, id, "changes", note, 0, by)) !=
	    STORE_OK)
		return rc;
	return changes_letter(r, id, by, json_string_value(json_object_get(a,
	    "title")), note);
}

int
review_request_changes(struct req *r, int64_t id, const char *note)
{
	return with_letters(r, id, changes_step, note);
}

/* Inside edit_write's transaction: out of the queue, then published. */
static int
approve_fn(struct db *db, int64_t id, void *arg)
{
	json_t *a;
	int rc;

	if ((rc = waiting(db, id, &a)) != STORE_OK)
		return rc;
	json_decref(a);
	if ((rc = store_review_set(db, id, "none", "", 0, 0)) != STORE_OK)
		return rc;
	return edit_publish_keep_fn(db, id, arg);
}

int
review_approve(struct req *r, int64_t id, int64_t at)
{
	return edit_write(r->db, r->user, id, approve_fn, &at, NULL, NULL);
}

/* "Changes requested" and the like, for the queue's notice. */
static const char *
queue_notice(const char *done)
{
	if (done == NULL)
		return NULL;
	if (strcmp(done, "changes") == 0)
		return "Changes requested: the writer has your note by email.";
	if (strcmp(done, "publish") == 0)
		return "Approved and published: the story is live.";
	if (strcmp(done, "schedule") == 0)
		return "Approved and scheduled: it goes live at the time set.";
	return NULL;
}

static int
queue_page(struct req *r, int status, const char *error)
{
	json_t *rows, *v, *m;
	char b[64], url[128];
	size_t i;
	int rc;

	if ((rc = store_review_queue(r->db, QUEUE_ROWS, &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	json_array_foreach(rows, i, v) {
		int64_t id = json_integer_value(json_object_get(v, "id"));
		json_t *rev = json_object_get(v, "rev_id");

		admin_fmt_local(json_integer_value(json_object_get(v,
		    "review_at")), b, sizeof(b));
		json_object_set_new(v, "submitted", json_string(b));
		snprintf(url, sizeof(url), "/admin/articles/%lld",
		    (long long)id);
		json_object_set_new(v, "edit_url", json_string(url));
		/* The diff against the last published revision, or all of it. */
		if (json_is_integer(rev)) {
			snprintf(url, sizeof(url), "/admin/articles/%lld/"
			    "revisions/%lld?against=%lld", (long long)id,
			    (long long)json_integer_value(rev), (long long)
			    json_integer_value(json_object_get(v, "base_id")));
			json_object_set_new(v, "diff_url", json_string(url));
		}
		json_object_set_new(v, "was_live", json_boolean(json_is_integer(
		    json_object_get(v, "base_id"))));
	}
	m = own_json(r, json_pack("{s:O,s:b,s:I,s:{s:s}}", "queue", rows,
	    "empty", json_array_size(rows) == 0, "count", (json_int_t)
	    json_array_size(rows), "page", "title", "Review"));
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (queue_notice(http_query(r, "done")) != NULL)
		json_object_set_new(m, "notice", json_string(queue_notice(
		    http_query(r, "done"))));
	return admin_render(r, status, "admin/review", json_incref(m));
}

int
page_admin_review(struct req *r)
{
	return queue_page(r, 200, NULL);
}

/* Request changes, approve and publish, or approve and schedule. */
int
page_admin_review_post(struct req *r)
{
	struct url_query q;
	const char *action, *note, *at_s;
	char url[64], msg[200];
	int64_t id, at = 0;
	int status, rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	action = url_query_get(&q, "action");
	note = url_query_get(&q, "note");
	at_s = url_query_get(&q, "at");
	if (action == NULL || (strcmp(action, "changes") != 0 &&
	    strcmp(action, "publish") != 0 &&
	    strcmp(action, "schedule") != 0)) {
		status = 400;
		goto done;
	}
	if (strcmp(action, "changes") == 0) {
		if (note == NULL || note[0] == '\0' || strlen(note) > NOTE_MAX) {
			snprintf(msg, sizeof(msg), "Note: say what should "
			    "change (1 to %d characters).", NOTE_MAX);
			status = queue_page(r, 422, msg);
			goto done;
		}
		rc = review_request_changes(r, id, note);
	} else {
		at = page_now();
		if (strcmp(action, "schedule") == 0 && ((at_s == NULL ||
		    (at = admin_parse_local(at_s)) <= page_now()))) {
			status = queue_page(r, 422, "Go live at: choose a time "
			    "in the future to schedule the story.");
			goto done;
		}
		rc = review_approve(r, id, at);
	}
	if (rc == STORE_CONFLICT) {
		status = queue_page(r, 409, "That story is not waiting for "
		    "review (any more): it was approved, sent back or "
		    "published meanwhile.");
		goto done;
	}
	if (rc != STORE_OK) {
		status = status_write(rc);
		goto done;
	}
	snprintf(url, sizeof(url), "/admin/review?done=%s", action);
	http_redirect(r, 303, url);
	status = 0;
done:
	url_query_free(&q);
	return status;
}

/*
 * What the editor shows of a story's review: where it stands, the note of
 * changes asked for, and whether its writer may submit it (a draft whose
 * writer may not publish it alone).
 */
void
review_editor_model(struct req *r, json_t *m, json_t *a, int draft)
{
	const char *st = json_string_value(json_object_get(a,
	    "review_state"));
	char b[64];

	if (st != NULL && strcmp(st, "ready") == 0) {
		admin_fmt_local(json_integer_value(json_object_get(a,
		    "review_at")), b, sizeof(b));
		json_object_set_new(m, "review_ready", json_string(b));
	} else if (st != NULL && strcmp(st, "changes") == 0) {
		json_object_set(m, "review_changes", json_object_get(a,
		    "review_note"));
	}
	json_object_set_new(m, "may_submit", json_boolean(draft &&
	    !json_is_true(json_object_get(m, "may_publish")) &&
	    (st == NULL || strcmp(st, "ready") != 0) &&
	    r->user->role < ROLE_EDITOR));
}
