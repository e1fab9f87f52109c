/*
 * page_admin_regs.c — the registrations of an event or webinar, for
 * whoever manages events (editors): the list with counts against the
 * capacity, a CSV export of every field with a column per custom
 * question, the consent text and the time, and cancelling or moving a
 * registration (the reader is told by email).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "api.h"
#include "auth.h"
#include "buf.h"
#include "csv.h"
#include "db.h"
#include "jobs.h"
#include "own.h"
#include "page.h"
#include "registration.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"
#include "view.h"

static const char *const paths[REG__MAX] = {
	[REG_EVENT] = "events",
	[REG_WEBINAR] = "webinars",
};

/* The route's target and its registrations, owned; 0 or a status. */
static int
load(struct req *r, enum reg_kind k, json_t **t, json_t **rows)
{
	int64_t id;
	int rc;

	*t = *rows = NULL;
	if ((id = admin_route_id(r)) == 0)
		return 404;
	if ((rc = store_reg_target(r->db, k, id, t)) != STORE_OK)
		return status_store(rc);
	own_json(r, *t);
	if ((rc = store_registrations_of(r->db, k, id, rows)) != STORE_OK) {
		*t = NULL;
		return status_store(rc);
	}
	own_json(r, *rows);
	return 0;
}

static void
iso_utc(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The other events (or webinars) a registration may move to: {id, label}. */
static json_t *
others(struct req *r, enum reg_kind k, int64_t id)
{
	json_t *all = NULL, *out = json_array(), *v;
	size_t i;

	if ((k == REG_EVENT ? store_events_admin(r->db, &all) :
	    store_webinars_admin(r->db, &all)) != STORE_OK)
		return out;
	own_json(r, all);
	json_array_foreach(all, i, v)
		if (view_int(v, "id") != id)
			json_array_append_new(out, json_pack("{s:O,s:s}", "id",
			    json_object_get(v, "id"), "label", view_str(v,
			    k == REG_EVENT ? "name" : "title")));
	return out;
}

static int
list(struct req *r, enum reg_kind k)
{
	json_t *t, *rows, *row, *ans, *a, *to;
	const char *done;
	char when[64];
	size_t i, j;
	int status;

	if ((status = load(r, k, &t, &rows)) != 0)
		return ADMIN_RETURN(status);
	json_array_foreach(rows, i, row) {
		admin_fmt_local(view_int(row, "created_at"), when, sizeof(when));
		json_object_set_new(row, "when", json_string(when));
		ans = json_loads(view_str(row, "answers"), 0, NULL);
		json_array_foreach(ans, j, a)
			if (!json_is_object(a))
				json_array_clear(ans);
		json_object_set_new(row, "answer_list", ans != NULL ? ans :
		    json_array());
		json_object_set_new(row, json_string_value(json_object_get(row,
		    "status")), json_true());
	}
	to = others(r, k, admin_route_id(r));
	done = http_query(r, "done");
	return admin_render(r, 200, "admin/registrations", json_pack(
	    "{s:O,s:O,s:o,s:b,s:b,s:b,s:s,s:I,s:{s:s}}", "t", t, "rows",
	    rows, "others", to, "has_others", json_array_size(to) > 0,
	    "done_cancelled", done != NULL && strcmp(done, "cancelled") == 0,
	    "done_moved", done != NULL && strcmp(done, "moved") == 0, "path",
	    paths[k], "id", (json_int_t)admin_route_id(r), "page", "title",
	    "Registrations"));
}

/*
 * The CSV's question columns: the questions of the form in its order,
 * then any question answered earlier that the form no longer asks.
 */
static json_t *
question_cols(json_t *t, json_t *rows)
{
	json_t *cols = json_array(), *qs, *q, *row, *ans, *a;
	const char *why;
	size_t i, j, c;

	qs = reg_questions(view_str(t, "questions"), &why);
	json_array_foreach(qs, i, q)
		json_array_append(cols, json_object_get(q, "q"));
	json_decref(qs);
	json_array_foreach(rows, i, row) {
		ans = json_loads(view_str(row, "answers"), 0, NULL);
		json_array_foreach(ans, j, a) {
			if (!json_is_string(json_object_get(a, "q")))
				continue;
			for (c = 0; c < json_array_size(cols); c++)
				if (json_equal(json_array_get(cols, c),
				    json_object_get(a, "q")))
					break;
			if (c == json_array_size(cols))
				json_array_append(cols, json_object_get(a,
				    "q"));
		}
		json_decref(ans);
	}
	return cols;
}

static int
csv(struct req *r, enum reg_kind k)
{
	static const char *const cols[] = { "name", "email", "company",
	    "job_title", "status" };
	struct buf *b = own_buf(r, 0);
	json_t *t, *rows, *row, *ans, *a, *qcols, *qc;
	const char *cell;
	char when[32], name[200];
	size_t i, j, c;
	int status;

	if ((status = load(r, k, &t, &rows)) != 0)
		return ADMIN_RETURN(status);
	qcols = own_json(r, question_cols(t, rows));
	BUF_LIT(b, "name,email,company,job_title,status,registered_at,"
	    "consent,consent_ip");
	buf_puts(b, json_array_size(qcols) == 0 ? "\r\n" : ",");
	json_array_foreach(qcols, j, qc)
		csv_put(b, json_string_value(qc), j + 1 ==
		    json_array_size(qcols));
	json_array_foreach(rows, i, row) {
		for (c = 0; c < ARRAY_SIZE(cols); c++)
			csv_put(b, view_str(row, cols[c]), 0);
		iso_utc(view_int(row, "created_at"), when, sizeof(when));
		csv_put(b, when, 0);
		csv_put(b, view_str(row, "consent"), 0);
		csv_put(b, view_str(row, "consent_ip"),
		    json_array_size(qcols) == 0);
		/* Each answer in its question's column. */
		ans = json_loads(view_str(row, "answers"), 0, NULL);
		json_array_foreach(qcols, j, qc) {
			cell = "";
			json_array_foreach(ans, c, a)
				if (json_equal(json_object_get(a, "q"), qc)) {
					cell = view_str(a, "a");
					break;
				}
			csv_put(b, cell, j + 1 == json_array_size(qcols));
		}
		json_decref(ans);
	}
	snprintf(name, sizeof(name), "%s-registrations", view_str(t, "slug"));
	return http_send_csv(r, name, b);
}

int page_admin_event_regs(struct req *r) { return list(r, REG_EVENT); }
int page_admin_event_regs_csv(struct req *r) { return csv(r, REG_EVENT); }
int page_admin_webinar_regs(struct req *r) { return list(r, REG_WEBINAR); }
int page_admin_webinar_regs_csv(struct req *r) { return csv(r, REG_WEBINAR); }

/*
 * The route's registration for POST /admin/registrations/:id/..., with
 * the form read; 0 or a status (404 for an id that is none).
 */
static int
route_reg(struct req *r, struct url_query *q, json_t **reg)
{
	int64_t id;
	int status, rc;

	*reg = NULL;
	if ((status = admin_read_form(r, q)) != 0)
		return status;
	rc = (id = admin_route_id(r)) == 0 ? STORE_NOTFOUND :
	    store_registration_get(r->db, id, reg);
	if (rc != STORE_OK) {
		url_query_free(q);
		return status_store(rc);
	}
	own_json(r, *reg);
	return 0;
}

/* The registrations page of target of kind k, with done=what. */
static void
back_to(struct req *r, enum reg_kind k, int64_t target, const char *what)
{
	char url[128];

	snprintf(url, sizeof(url), "/admin/%s/%lld/registrations%s%s",
	    paths[k], (long long)target, what != NULL ? "?done=" : "",
	    what != NULL ? what : "");
	http_redirect(r, 303, url);
}

/* Refuses a change with status and a sentence; nothing changed. */
static int
refuse(struct req *r, int status, json_t *reg, const char *text)
{
	char back[128];

	snprintf(back, sizeof(back), "/admin/%s/%lld/registrations",
	    paths[reg_kind_of(reg)], (long long)view_int(reg, "target_id"));
	return admin_render(r, status, "admin/notice", json_pack(
	    "{s:s,s:s,s:s,s:{s:s}}", "title", "Not moved", "text", text,
	    "back", back, "page", "title", "Not moved"));
}

/*
 * POST /admin/registrations/:id/cancel: cancels the registration; the
 * reader is told, and a seat freed goes to the first waitlisted.
 */
int
page_admin_reg_cancel(struct req *r)
{
	struct url_query q;
	json_t *reg;
	enum reg_kind k;
	int64_t target;
	int status, rc;

	if ((status = route_reg(r, &q, &reg)) != 0)
		return status;
	url_query_free(&q);
	k = reg_kind_of(reg);
	target = view_int(reg, "target_id");
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = registration_cancel(r->db, admin_route_id(r), now_unix());
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return rc == STORE_OK ? 503 : status_store(rc);
	}
	jobs_kick();
	back_to(r, k, target, "cancelled");
	return 0;
}

/*
 * POST /admin/registrations/:id/move (to: the id of another event, or
 * webinar, of the same kind): a seat there, or 409 when it is full.
 */
int
page_admin_reg_move(struct req *r)
{
	struct url_query q;
	json_t *reg, *t = NULL;
	const char *to_s, *why = NULL;
	enum reg_kind k;
	int64_t to;
	int status, rc;

	if ((status = route_reg(r, &q, &reg)) != 0)
		return status;
	k = reg_kind_of(reg);
	to_s = url_query_get(&q, "to");
	if (to_s == NULL || parse_int(to_s, strlen(to_s), 1, INT64_MAX,
	    &to) != 0) {
		status = refuse(r, 422, reg, k == REG_EVENT ? "to: choose the "
		    "event to move the registration to." : "to: choose the "
		    "webinar to move the registration to.");
		goto out;
	}
	rc = store_reg_target(r->db, k, to, &t);
	if (rc == STORE_OK && json_is_integer(json_object_get(t,
	    "trashed_at"))) {
		json_decref(t);
		rc = STORE_NOTFOUND;	/* in the Trash: not a place to go */
	}
	if (rc != STORE_OK) {
		status = rc != STORE_NOTFOUND ? status_store(rc) :
		    refuse(r, 422, reg, k == REG_EVENT ? "to: there is no "
		    "such event." : "to: there is no such webinar.");
		goto out;
	}
	own_json(r, t);
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = registration_move(r->db, view_int(reg, "id"), to, now_unix(),
	    &why);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = rc == STORE_OK ? 503 : why == NULL ? status_store(rc) :
		    refuse(r, rc == STORE_CONFLICT ? 409 : 422, reg, why);
		goto out;
	}
	jobs_kick();
	back_to(r, k, to, "moved");
	status = 0;
out:
	url_query_free(&q);
	return status;
}
