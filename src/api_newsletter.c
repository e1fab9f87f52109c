/*
 * api_newsletter.c — newsletter issues and subscribers in the admin API
 * (editors): composing an issue (pre-filled from the newsletter's
 * sections), editing it, sending a test copy, sending or scheduling it,
 * following its progress, and exporting the subscribers as CSV.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "req.h"
#include "jobs.h"
#include "newsletter.h"
#include "own.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "util.h"
#include "view.h"

#define SENT		(-1)		/* the answer has gone out */

/* The newsletter of the route (argument 0): 0, or SENT after a 404. */
static int
newsletter(struct req *r, json_t **nl)
{
	int rc = store_newsletter_by_slug(r->db, r->arg[0], nl);

	own_json(r, *nl);
	if (rc == STORE_NOTFOUND)
		return api_error(r, 404, "no such newsletter"), SENT;
	return status_reply(rc);
}

/* The issue of the route (argument 1) in newsletter nl, or SENT after a 404. */
static int
issue_of(struct req *r, json_t *nl, json_t **is)
{
	int64_t id;
	int rc;

	*is = NULL;
	if (parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX, &id) != 0)
		return api_error(r, 404, "no such issue"), SENT;
	rc = store_issue_get(r->db, id, is);
	own_json(r, *is);
	if (rc == STORE_OK && json_integer_value(json_object_get(*is,
	    "newsletter_id")) != json_integer_value(json_object_get(nl, "id"))) {
		*is = NULL;
		rc = STORE_NOTFOUND;
	}
	if (rc == STORE_NOTFOUND)
		return api_error(r, 404, "no such issue"), SENT;
	return status_reply(rc);
}

/*
 * The newsletter and (is != NULL) issue of a request: 0, SENT or a
 * status.
 */
static int
target(struct req *r, json_t **nl, json_t **is)
{
	int status;

	*nl = NULL;
	if (is != NULL)
		*is = NULL;
	if ((status = newsletter(r, nl)) != 0)
		return status;
	/* An editor limited to some sites writes only theirs' issues. */
	if (!h2o_memis(r->h->method.base, r->h->method.len,
	    H2O_STRLIT("GET")) &&
	    newsletter_may(r->db, r->user->id, *nl) == STORE_FORBIDDEN) {
		*nl = NULL;
		return api_error(r, 403, "the newsletter is of a site you may "
		    "not write to"), SENT;
	}
	if (is != NULL && (status = issue_of(r, *nl, is)) != 0)
		*nl = NULL;
	return status;
}

static int
finish(int status)
{
	return status == SENT ? 0 : status;
}

static json_t *
iso(json_t *t)
{
	char s[32];
	time_t v;
	struct tm tm;

	if (!json_is_integer(t))
		return json_null();
	v = (time_t)json_integer_value(t);
	gmtime_r(&v, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(s);
}

/* Sends the issue with its stories and progress. */
static int
send_issue(struct req *r, int status, int64_t id)
{
	struct buf *url = own_buf(r, 0);
	int64_t sent, failed, left;
	json_t *is, *list, *v, *a, *out;
	size_t i;
	int rc;

	if ((rc = store_issue_get(r->db, id, &is)) != STORE_OK)
		return status_store(rc);
	own_json(r, is);
	rc = store_issue_progress(r->db, id, json_integer_value(
	    json_object_get(is, "newsletter_id")), &sent, &failed, &left);
	if (rc != STORE_OK)
		return status_store(rc);
	if (strcmp(json_string_value(json_object_get(is, "status")), "sent") == 0)
		left = 0;
	list = json_array();
	json_array_foreach(json_object_get(is, "articles"), i, v) {
		if (store_article_brief(r->db, json_integer_value(v), &a) !=
		    STORE_OK)
			continue;
		buf_reset(url);
		newsletter_site_url(url, "/article/");
		buf_puts(url, json_string_value(json_object_get(a, "slug")));
		json_object_set_new(a, "url", json_string(url->p));
		json_object_set_new(a, "published_at", iso(json_object_get(a,
		    "published_at")));
		json_array_append_new(list, a);
	}
	buf_reset(url);
	buf_printf(url, "/admin/newsletters/%s/issues/%lld/preview",
	    json_string_value(json_object_get(is, "newsletter")), (long long)id);
	out = own_json(r, json_pack("{s:{s:I,s:O,s:O,s:O,s:O,s:o,s:o,s:o,s:o,"
	    "s:o,s:{s:I,s:I,s:I,s:I},s:s}}", "issue",
	    "id", (json_int_t)id,
	    "newsletter", json_object_get(is, "newsletter"),
	    "subject", json_object_get(is, "subject"),
	    "intro", json_object_get(is, "intro"),
	    "status", json_object_get(is, "status"),
	    "articles", list,
	    "send_at", iso(json_object_get(is, "send_at")),
	    "sent_at", iso(json_object_get(is, "sent_at")),
	    "created_at", iso(json_object_get(is, "created_at")),
	    "updated_at", iso(json_object_get(is, "updated_at")),
	    "progress", "total", (json_int_t)(sent + failed + left),
	    "sent", (json_int_t)sent, "failed", (json_int_t)failed,
	    "remaining", (json_int_t)left,
	    "preview_url", url->p));
	if (out == NULL)
		return 500;
	if (status == 201) {
		char loc[128];

		snprintf(loc, sizeof(loc), "/api/v1/admin/newsletters/%s/issues/"
		    "%lld", r->arg[0], (long long)id);
		http_header(r, "Location", loc);
	}
	http_send_json(r, status, out);
	return 0;
}

/*
 * Checks the fields of an issue body (subject, intro, articles) and
 * fills what is given; 0 or SENT after a 400/422.
 */
static int
read_issue(struct req *r, json_t *in, const char **subject,
    const char **intro, json_t **articles)
{
	const char *key;
	json_t *v;

	json_object_foreach(in, key, v) {
		if (strcmp(key, "subject") != 0 && strcmp(key, "intro") != 0 &&
		    strcmp(key, "articles") != 0)
			return api_error(r, 400, "unknown field"), SENT;
	}
	if ((v = json_object_get(in, "subject")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > NL_SUBJECT_MAX)
			return api_error(r, 422, "subject is 1 to 300 bytes"),
			    SENT;
		*subject = json_string_value(v);
	}
	if ((v = json_object_get(in, "intro")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) > NL_INTRO_MAX)
			return api_error(r, 422, "intro is at most 5000 bytes"),
			    SENT;
		*intro = json_string_value(v);
	}
	if ((v = json_object_get(in, "articles")) != NULL) {
		if (!newsletter_articles_ok(r->db, v))
			return api_error(r, 422, "articles is a list of at most "
			    "50 ids of published stories"), SENT;
		*articles = v;
	}
	return 0;
}

/* Runs one write in its own transaction; 0 or a status. */
static int
commit(struct req *r, int rc)
{
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	return 0;
}

int
api_newsletter_issue_add(struct req *r)
{
	const char *subject = NULL, *intro = "";
	json_t *nl, *in = NULL, *articles = NULL;
	int64_t id = 0;
	int status;

	if ((status = target(r, &nl, NULL)) != 0)
		return finish(status);
	if (r->h->entity.base != NULL && r->h->entity.len > 0) {
		if ((in = own_json(r, api_body(r))) == NULL ||
		    read_issue(r, in, &subject, &intro, &articles) != 0) {
			status = SENT;
			goto out;
		}
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	if ((status = commit(r, newsletter_issue_new(r->db, nl, subject, intro,
	    articles, now_unix(), &id))) == 0)
		status = send_issue(r, 201, id);
out:
	return finish(status);
}

int
api_newsletter_issue_get(struct req *r)
{
	json_t *nl, *is;
	int64_t id;
	int status;

	if ((status = target(r, &nl, &is)) != 0)
		return finish(status);
	id = json_integer_value(json_object_get(is, "id"));
	return send_issue(r, 200, id);
}

int
api_newsletter_issue_update(struct req *r)
{
	const char *subject, *intro;
	json_t *nl, *is, *in = NULL, *articles;
	char *ids = NULL;
	int64_t id;
	int status, rc;

	if ((status = target(r, &nl, &is)) != 0)
		return finish(status);
	id = json_integer_value(json_object_get(is, "id"));
	subject = json_string_value(json_object_get(is, "subject"));
	intro = json_string_value(json_object_get(is, "intro"));
	articles = json_object_get(is, "articles");
	if ((in = own_json(r, api_body(r))) == NULL ||
	    read_issue(r, in, &subject, &intro, &articles) != 0) {
		status = SENT;
		goto out;
	}
	ids = own_heap(r, json_dumps(articles, JSON_COMPACT));
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_issue_update(r->db, id, subject, intro, ids, now_unix());
	if (rc == STORE_NOTFOUND) {
		db_rollback(r->db);
		status = (api_error(r, 409, "an issue being sent or sent cannot "
		    "be edited"), SENT);
		goto out;
	}
	if ((status = commit(r, rc)) == 0)
		status = send_issue(r, 200, id);
out:
	return finish(status);
}

int
api_newsletter_issue_test(struct req *r)
{
	char email[256];
	const char *to, *key;
	json_t *nl, *is, *in = NULL, *v;
	int status, rc;

	if ((status = target(r, &nl, &is)) != 0)
		return finish(status);
	if ((in = own_json(r, api_body(r))) == NULL) {
		status = SENT;
		goto out;
	}
	json_object_foreach(in, key, v)
		if (strcmp(key, "email") != 0) {
			status = (api_error(r, 400, "unknown field"), SENT);
			goto out;
		}
	to = json_string_value(json_object_get(in, "email"));
	if (to == NULL || strlen(to) >= sizeof(email) ||
	    page_email_norm(to, email, sizeof(email)) != 0) {
		status = (api_error(r, 422, "email must be an address like "
		    "name@example.com"), SENT);
		goto out;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = newsletter_queue_test(r->db, is, email);
	if ((status = commit(r, rc)) == 0) {
		jobs_kick();
		http_send_json(r, 202, own_json(r, json_pack("{s:s}",
		    "queued_to", email)));
	}
out:
	return finish(status);
}

/* Reads the optional "at" of a send request; 0, or SENT after a 400/422. */
static int
send_time(struct req *r, int64_t *at)
{
	const char *s, *end, *key;
	json_t *in, *v;
	struct tm tm;

	*at = 0;
	if (r->h->entity.base == NULL || r->h->entity.len == 0)
		return 0;
	if ((in = own_json(r, api_body(r))) == NULL)
		return SENT;
	json_object_foreach(in, key, v)
		if (strcmp(key, "at") != 0)
			return api_error(r, 400, "unknown field"), SENT;
	v = json_object_get(in, "at");
	if (v == NULL)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if ((s = json_string_value(v)) == NULL ||
	    (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0') {
		return api_error(r, 422, "\"at\" must be a time like "
		    "2026-05-12T13:00:00Z"), SENT;
	}
	*at = (int64_t)timegm(&tm);
	return 0;
}

int
api_newsletter_issue_send(struct req *r)
{
	json_t *nl, *is;
	int64_t at;
	int status, rc;

	if ((status = target(r, &nl, &is)) != 0)
		return finish(status);
	if (send_time(r, &at) != 0) {
		status = SENT;
		goto out;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = newsletter_issue_schedule(r->db, is, at, now_unix());
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		status = (api_error(r, 409, "this issue is being sent or was "
		    "sent"), SENT);
		goto out;
	}
	if ((status = commit(r, rc)) == 0) {
		jobs_kick();
		status = send_issue(r, 202, view_int(is, "id"));
	}
out:
	return finish(status);
}

int
api_newsletter_subscribers_csv(struct req *r)
{
	struct buf *b = own_buf(r, 0);
	json_t *nl;
	char name[200];
	int status, rc;

	if ((status = target(r, &nl, NULL)) != 0)
		return finish(status);
	rc = newsletter_export(r->db, nl, b);
	snprintf(name, sizeof(name), "%s-subscribers", view_str(nl, "slug"));
	if (rc != STORE_OK)
		return status_store(rc);
	return http_send_csv(r, name, b);
}
