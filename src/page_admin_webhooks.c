/*
 * page_admin_webhooks.c — /admin/webhooks, for admins: register a URL
 * for events (its signing secret is shown once), pause, resume or delete
 * one, send it a test ping, and read the delivery log, newest first,
 * with "Resend" on a delivery that succeeded or was given up
 * (docs/webhooks.md).  The router lets admins alone in.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "auth.h"
#include "db.h"
#include "delivery.h"
#include "jobs.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "store_deliveries.h"
#include "store_webhook.h"
#include "url.h"
#include "util.h"
#include "webhook.h"

#define LOG_ROWS	100	/* deliveries the log shows */

/* The page: webhooks, the form with the events checked, the log. */
static int
hooks_page(struct req *r, int status, const char *error, json_t *fresh,
    const char *url, const char *events)
{
	json_t *hooks, *log, *row, *evs, *m;
	size_t i;
	int rc;

	if ((rc = store_webhooks_list(r->db, &hooks)) != STORE_OK)
		return status_store(rc);
	if ((rc = store_deliveries_list(r->db,
	    delivery_kind_names[DELIVERY_WEBHOOK], LOG_ROWS, &log)) !=
	    STORE_OK) {
		json_decref(hooks);
		return status_store(rc);
	}
	json_array_foreach(hooks, i, row)
		admin_set_time(row, "created_at", "created");
	json_array_foreach(log, i, row) {
		const char *st = json_string_value(json_object_get(row,
		    "status")), *code;

		admin_set_time(row, "created_at", "created");
		admin_set_time(row, "next_at", "next");
		/*
		 * No answer at all (a refused connection) shows no code.  The
		 * store reads the column as text.
		 */
		code = json_string_value(json_object_get(row, "last_code"));
		if (code == NULL || strcmp(code, "0") == 0)
			json_object_del(row, "last_code");
		json_object_set_new(row, "resendable", json_boolean(st != NULL &&
		    strcmp(st, "pending") != 0));
	}
	evs = json_array();
	for (i = 0; i < WEBHOOK__MAX; i++) {
		char pad[64];

		snprintf(pad, sizeof(pad), " %s ", webhook_event_names[i]);
		json_array_append_new(evs, json_pack("{s:s,s:b}", "name",
		    webhook_event_names[i], "checked", events != NULL &&
		    strstr(events, pad) != NULL));
	}
	m = json_pack("{s:o,s:o,s:o,s:s,s:{s:s}}", "hooks", hooks, "log", log,
	    "events", evs, "url", url != NULL ? url : "", "page", "title",
	    "Webhooks");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (fresh != NULL)
		json_object_set(m, "fresh", fresh);
	else if (error == NULL && http_query(r, "done") != NULL)
		json_object_set_new(m, "done", json_string(
		    "Done. Deliveries are sent in the background: reload to "
		    "see how they went."));
	return admin_render(r, status, "admin/webhooks", m);
}

int
page_admin_webhooks(struct req *r)
{
	return hooks_page(r, 200, NULL, NULL, NULL, NULL);
}

/*
 * The events a form checked, as " a b " in the order of the list, into
 * out; 0, or -1 with why when one is unknown or none is checked.
 */
static int
read_events(const struct url_query *q, char *out, size_t n,
    const char **why)
{
	int want[WEBHOOK__MAX] = { 0 }, any = 0;
	size_t i, e;

	for (i = 0; i < q->n; i++) {
		if (strcmp(q->p[i].key, "events") != 0)
			continue;
		for (e = 0; e < WEBHOOK__MAX; e++)
			if (strcmp(q->p[i].val, webhook_event_names[e]) == 0)
				break;
		if (e == WEBHOOK__MAX) {
			*why = "That is not an event webhooks can be sent for.";
			return -1;
		}
		want[e] = any = 1;
	}
	if (!any) {
		*why = "Choose at least one event.";
		return -1;
	}
	strlcpy_(out, " ", n);
	for (e = 0, i = 1; e < WEBHOOK__MAX; e++)
		if (want[e])
			i += snprintf(out + i, n - i, "%s ",
			    webhook_event_names[e]);
	return 0;
}

int
page_admin_webhook_add(struct req *r)
{
	struct url_query q;
	const char *url, *why = NULL;
	char events[256], secret[WEBHOOK_SECRET_LEN + 1], err[200];
	json_t *fresh;
	int64_t id;
	int status, rc, bad_events;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	url = url_query_get(&q, "url");
	if (url == NULL)
		url = "";
	bad_events = read_events(&q, events, sizeof(events), &why) != 0;
	if (webhook_url_check(url, err, sizeof(err)) != 0) {
		status = hooks_page(r, 422, err, NULL, url,
		    bad_events ? NULL : events);
		goto done;
	}
	if (bad_events) {
		status = hooks_page(r, 422, why, NULL, url, NULL);
		goto done;
	}
	webhook_secret_new(secret);
	/* Stored without the padding spaces that read_events added. */
	events[strlen(events) - 1] = '\0';
	rc = store_webhook_add(r->db, url, events + 1, secret, r->user->id,
	    &id);
	if (rc != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	fresh = json_pack("{s:s,s:s}", "url", url, "secret", secret);
	status = hooks_page(r, 201, NULL, fresh, NULL, NULL);
	json_decref(fresh);
done:
	sodium_memzero(secret, sizeof(secret));
	url_query_free(&q);
	return status;
}

/*
 * The checks of a button's POST: the route names a row and the form
 * reads (its fields are not needed).  0, or the status to answer.
 */
static int
read_post(struct req *r, int64_t id)
{
	struct url_query q;
	int status;

	if (id == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	url_query_free(&q);
	return 0;
}

/* Pauses, resumes or deletes a webhook (what says which). */
static int
change(struct req *r, const char *what)
{
	int64_t id = admin_route_id(r);
	int status, rc;

	if ((status = read_post(r, id)) != 0)
		return status;
	if (strcmp(what, "delete") == 0)
		rc = store_webhook_delete(r->db, id);
	else
		rc = store_webhook_set_active(r->db, id,
		    strcmp(what, "resume") == 0);
	if (rc != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/webhooks?done=1");
	return 0;
}

int
page_admin_webhook_pause(struct req *r)
{
	return change(r, "pause");
}

int
page_admin_webhook_resume(struct req *r)
{
	return change(r, "resume");
}

int
page_admin_webhook_delete(struct req *r)
{
	return change(r, "delete");
}

/*
 * Queues a ping to a webhook, or a delivery anew (resend): one write
 * transaction, then the worker is woken.
 */
static int
queue(struct req *r, int resend)
{
	json_t *d = NULL;
	const char *st, *kind;
	int64_t id = admin_route_id(r);
	int status, rc;

	if ((status = read_post(r, id)) != 0)
		return status;
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	/* After this point, all errors go through fail. */
	if (resend) {
		if ((rc = store_deliveries_get(r->db, id, &d)) != STORE_OK)
			goto fail;
		/* The log is one table: an activity's id is not a webhook's. */
		kind = json_string_value(json_object_get(d, "kind"));
		if (kind == NULL || strcmp(kind,
		    delivery_kind_names[DELIVERY_WEBHOOK]) != 0) {
			json_decref(d);
			rc = STORE_NOTFOUND;
			goto fail;
		}
		st = json_string_value(json_object_get(d, "status"));
		/* A pending delivery has its try queued already. */
		if (st == NULL || strcmp(st, "pending") == 0) {
			json_decref(d);
			db_rollback(r->db);
			return 409;
		}
		json_decref(d);
		rc = webhook_resend(r->db, id);
	} else if ((rc = store_webhook_exists(r->db, id)) == STORE_OK)
		rc = webhook_ping(r->db, id);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK)
		goto fail;
	jobs_kick();
	http_redirect(r, 303, "/admin/webhooks?done=1");
	return 0;
fail:
	db_rollback(r->db);
	return status_write(rc);
}

int
page_admin_webhook_ping(struct req *r)
{
	return queue(r, 0);
}

int
page_admin_webhook_resend(struct req *r)
{
	return queue(r, 1);
}
