/*
 * api_admin.c — the admin API: creating, editing, publishing and
 * unpublishing articles with a bearer token, under the role rules.
 *
 * Every write runs in one transaction; the cache entries that showed
 * what changed are dropped after the commit and before the answer, so
 * the next request of any reader sees the change.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "edit.h"
#include "admin.h"
#include "own.h"
#include "req.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "util.h"
#include "view.h"

/*
 * Reads the JSON object of the request body and checks every field
 * (edit.c).  Returns the object (caller owns it) or NULL with the error
 * sent.
 */
static json_t *
read_input(struct req *r, int creating)
{
	json_t *in;
	char msg[300];
	int status;

	if ((in = api_body(r)) == NULL)
		return NULL;
	if ((status = edit_check(in, creating, msg, sizeof(msg))) != 0) {
		json_decref(in);
		return api_error(r, status, msg), NULL;
	}
	return in;
}

/*
 * Checks who may set raw_html, then renders the body of in (edit.c) into
 * html, for the story cur (NULL when it is created); -1 with the error
 * sent.
 */
static int
render_body(struct req *r, const struct user *u, json_t *in, json_t *cur,
    struct buf *html)
{
	char msg[200];
	int status;

	if ((status = edit_check_raw_html(u, in, cur, msg, sizeof(msg))) != 0) {
		api_error(r, status, msg);
		return -1;
	}
	if (edit_render_body(in, cur, html) != 0) {
		api_error(r, 422, "body_md cannot be rendered");
		return -1;
	}
	return 0;
}

/* The article id of the route, or 0 when it is not a number. */
static int64_t
route_id(struct req *r)
{
	int64_t id;

	if (parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX, &id) != 0)
		return 0;
	return id;
}

/* Sends the article as an editor sees it. */
static int
send_article(struct req *r, int status, int64_t id)
{
	json_t *a, *m;
	int rc;

	if ((rc = store_article_admin_get(r->db, id, &a)) != STORE_OK)
		return status_store(rc);
	m = json_pack("{s:o}", "article", a);
	http_send_json(r, status, m);
	json_decref(m);
	return 0;
}

static const char *const store_msg[STORE__MAX] = {
	[STORE_NOTFOUND] = "no such article",
	[STORE_INVALID] = "unknown section, author or sponsor",
	[STORE_CONFLICT] = "that slug is taken",
	[STORE_BUSY] = "the database is busy; try again",
	[STORE_ERROR] = "database error",
	[STORE_FORBIDDEN] = "you may not write to that site",
};

/*
 * Runs one article write (edit.c: one transaction, a revision for every
 * save, exact cache invalidation).  Returns 0 when it succeeded, SENT
 * when it answered with an error itself, or an HTTP status.
 */
#define SENT	(-1)
static int
write_article(struct req *r, const struct user *u, int64_t id, edit_fn fn,
    void *arg, int64_t *idout, const char *note)
{
	int rc;

	rc = edit_write(r->db, u, id, fn, arg, idout, note);
	if (rc == STORE_NOTFOUND || rc == STORE_INVALID ||
	    rc == STORE_CONFLICT) {
		api_error(r, status_store_as(rc, 422), store_msg[rc]);
		return SENT;
	}
	return status_reply(rc);
}

int
api_admin_create(struct req *r)
{
	struct buf html = BUF_INIT;
	struct edit_input a;
	struct user u;
	char loc[64];
	int64_t id = 0;
	int status;

	u = *r->user;
	if (!edit_allowed(r->db, &u, EDIT_CREATE, 0))
		return api_error(r, 403, "your role cannot write articles");
	if ((a.in = read_input(r, 1)) == NULL)
		return 0;
	/* Writers below editor write under their own byline only. */
	if (u.role < ROLE_EDITOR || (json_object_get(a.in, "authors") ==
	    NULL && u.author_id != 0)) {
		char slug[256];

		if (store_author_slug(r->db, u.author_id, slug,
		    sizeof(slug)) != STORE_OK) {
			json_decref(a.in);
			return 500;
		}
		json_object_set_new(a.in, "authors", json_pack("[s]", slug));
	}
	if (render_body(r, &u, a.in, NULL, &html) != 0) {
		json_decref(a.in);
		buf_free(&html);
		return 0;
	}
	a.html = html.p;
	a.id = &id;
	status = write_article(r, &u, 0, edit_create_fn, &a, &id,
	    "created with the API");
	json_decref(a.in);
	buf_free(&html);
	if (status != 0)
		return status == SENT ? 0 : status;
	snprintf(loc, sizeof(loc), "/api/v1/admin/articles/%lld", (long long)id);
	http_header(r, "Location", loc);
	return send_article(r, 201, id);
}

/*
 * The checks before acting on the route's article (the router has
 * checked the token): an article id, a role that may act on it.  0 to go
 * on; otherwise SENT.
 */
static int
article_of(struct req *r, struct user *u, enum edit_action a, int64_t *id)
{
	*u = *r->user;
	if ((*id = route_id(r)) == 0)
		return api_error(r, 404, "no such article"), SENT;
	if (!edit_allowed(r->db, u, a, *id))
		return api_error(r, 403, a == EDIT_PUBLISH && u->role ==
		    ROLE_AUTHOR && edit_allowed(r->db, u, EDIT_EDIT, *id) ?
		    "on this site an editor publishes authors' articles: "
		    "submit it for review" : a == EDIT_PUBLISH ? "your role "
		    "cannot publish this article" : "not your article"), SENT;
	return 0;
}

int
api_admin_get(struct req *r)
{
	struct user u;
	int64_t id;
	int status;

	if ((status = article_of(r, &u, EDIT_EDIT, &id)) != 0)
		return status == SENT ? 0 : status;
	return send_article(r, 200, id);
}

int
api_admin_update(struct req *r)
{
	struct buf html = BUF_INIT;
	struct edit_input a;
	struct user u;
	json_t *cur;
	int64_t id;
	int status, rc;

	if ((status = article_of(r, &u, EDIT_EDIT, &id)) != 0)
		return status == SENT ? 0 : status;
	if ((rc = store_article_admin_get(r->db, id, &cur)) != STORE_OK)
		return rc == STORE_NOTFOUND ? api_error(r, 404,
		    "no such article") : status_store(rc);
	/* A contributor's work is frozen once an editor published it. */
	if (!edit_may_change(&u, strcmp(json_string_value(
	    json_object_get(cur, "status")), "published") == 0)) {
		json_decref(cur);
		return api_error(r, 403, "a published article is edited by "
		    "its author or an editor");
	}
	/* Changing a live article is publishing: the same rule holds. */
	if (strcmp(json_string_value(json_object_get(cur, "status")),
	    "published") == 0 && !edit_allowed(r->db, &u, EDIT_PUBLISH, id)) {
		json_decref(cur);
		return api_error(r, 403, "on this site an editor publishes "
		    "authors' changes to a published article");
	}
	if ((a.in = read_input(r, 0)) == NULL) {
		json_decref(cur);
		return 0;
	}
	if (u.role < ROLE_EDITOR && json_object_get(a.in, "authors") != NULL) {
		json_decref(a.in);
		json_decref(cur);
		return api_error(r, 403, "only editors change bylines");
	}
	status = render_body(r, &u, a.in, cur, &html);
	json_decref(cur);
	if (status != 0) {
		json_decref(a.in);
		buf_free(&html);
		return 0;
	}
	a.html = html.p;
	a.id = NULL;
	status = write_article(r, &u, id, edit_update_fn, &a, NULL,
	    "saved with the API");
	json_decref(a.in);
	buf_free(&html);
	if (status != 0)
		return status == SENT ? 0 : status;
	return send_article(r, 200, id);
}

/*
 * Reads the optional {"at": "2026-05-12T13:00:00Z"} of a publish request;
 * *given says whether it was there (without it: now).
 */
static int
publish_time(struct req *r, int64_t *at, int *given)
{
	json_error_t jerr;
	struct tm tm;
	const char *s, *end;
	json_t *in;

	*at = now_unix();
	*given = 0;
	if (r->h->entity.base == NULL || r->h->entity.len == 0)
		return 0;
	if ((in = json_loadb(r->h->entity.base, r->h->entity.len, 0,
	    &jerr)) == NULL || !json_is_object(in))
		return json_decref(in), api_error(r, 400,
		    "malformed JSON"), -1;
	if ((s = json_string_value(json_object_get(in, "at"))) == NULL) {
		size_t n = json_object_size(in);

		json_decref(in);
		if (n == 0)
			return 0;
		return api_error(r, 422, "\"at\" must be a time like "
		    "2026-05-12T13:00:00Z"), -1;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0') {
		json_decref(in);
		return api_error(r, 422, "\"at\" must be a time like "
		    "2026-05-12T13:00:00Z"), -1;
	}
	json_decref(in);
	*at = (int64_t)timegm(&tm);
	*given = 1;
	return 0;
}

static int
publish_or_not(struct req *r, int publish)
{
	struct user u;
	int64_t id, at = 0;
	int status, given = 0;

	if ((status = article_of(r, &u, EDIT_PUBLISH, &id)) != 0)
		return status == SENT ? 0 : status;
	if (publish && publish_time(r, &at, &given) != 0)
		return 0;
	/* Publishing again without a time keeps a live story's date. */
	status = write_article(r, &u, id, !publish ? edit_unpublish_fn :
	    given ? edit_publish_fn : edit_publish_keep_fn, &at, NULL, NULL);
	if (status != 0)
		return status == SENT ? 0 : status;
	return send_article(r, 200, id);
}

int
api_admin_publish(struct req *r)
{
	return publish_or_not(r, 1);
}

int
api_admin_unpublish(struct req *r)
{
	return publish_or_not(r, 0);
}

/*
 * The review workflow with a token: {"action": "submit"} puts the
 * writer's draft in the editors' queue; an editor answers it with
 * {"action": "request_changes", "note": "..."} or {"action": "approve"}
 * (with "at" to schedule it).  Answers the article.
 */
int
api_admin_review(struct req *r)
{
	struct user u;
	struct tm tm;
	json_t *in;
	const char *action, *note, *s, *end;
	int64_t id, at;
	int status, rc;

	if ((status = article_of(r, &u, EDIT_EDIT, &id)) != 0)
		return status == SENT ? 0 : status;
	if ((in = api_body(r)) == NULL)
		return 0;
	own_json(r, in);
	action = json_string_value(json_object_get(in, "action"));
	note = json_string_value(json_object_get(in, "note"));
	if (action == NULL)
		return api_error(r, 422, "\"action\" must be submit, "
		    "request_changes or approve");
	if (strcmp(action, "submit") == 0) {
		rc = review_submit(r, id);
	} else if (strcmp(action, "request_changes") == 0 ||
	    strcmp(action, "approve") == 0) {
		if (u.role < ROLE_EDITOR)
			return api_error(r, 403, "only editors review "
			    "articles");
		if (action[0] == 'r') {
			if (note == NULL || note[0] == '\0' ||
			    strlen(note) > 2000)
				return api_error(r, 422, "\"note\" must say "
				    "what should change (1 to 2000 bytes)");
			rc = review_request_changes(r, id, note);
		} else {
			at = now_unix();
			if ((s = json_string_value(json_object_get(in,
			    "at"))) != NULL) {
				memset(&tm, 0, sizeof(tm));
				end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
				if (end == NULL || *end != '\0' ||
				    (at = (int64_t)timegm(&tm)) <= now_unix())
					return api_error(r, 422, "\"at\" must "
					    "be a time to come like "
					    "2026-05-12T13:00:00Z");
			}
			rc = review_approve(r, id, at);
		}
	} else {
		return api_error(r, 422, "\"action\" must be submit, "
		    "request_changes or approve");
	}
	if (rc == STORE_CONFLICT)
		return api_error(r, 409, action[0] == 's' ? "only a draft is "
		    "submitted for review" : "the article is not waiting for "
		    "review");
	if (rc != STORE_OK)
		return status_write(rc);
	return send_article(r, 200, id);
}
