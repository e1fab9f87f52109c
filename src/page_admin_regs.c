/*
 * page_admin_regs.c — the registrations of an event or webinar, for
 * whoever manages events (editors): the list with counts against the
 * capacity, and a CSV export of every field, the answers to the custom
 * questions, the consent text and the time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "api.h"
#include "auth.h"
#include "buf.h"
#include "csv.h"
#include "req.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "util.h"
#include "view.h"

static const char *const paths[REG__MAX] = {
	[REG_EVENT] = "events",
	[REG_WEBINAR] = "webinars",
};

/* The target of the route; 0 or a status. */
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
	if ((rc = store_registrations_of(r->db, k, id, rows)) != STORE_OK) {
		json_decref(*t);
		*t = NULL;
		return status_store(rc);
	}
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

static int
list(struct req *r, enum reg_kind k)
{
	json_t *t, *rows, *row, *ans, *a;
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
	return admin_render(r, 200, "admin/registrations", json_pack(
	    "{s:o,s:o,s:s,s:I,s:{s:s}}", "t", t, "rows", rows, "path",
	    paths[k], "id", (json_int_t)admin_route_id(r), "page", "title",
	    "Registrations"));
}

static int
csv(struct req *r, enum reg_kind k)
{
	static const char *const cols[] = { "name", "email", "company",
	    "job_title", "status" };
	struct buf b = BUF_INIT;
	json_t *t, *rows, *row, *ans, *a;
	char when[32], name[200];
	size_t i, j, c;
	int status;

	if ((status = load(r, k, &t, &rows)) != 0)
		return ADMIN_RETURN(status);
	BUF_LIT(&b, "name,email,company,job_title,status,registered_at,"
	    "consent,consent_ip,answers\r\n");
	json_array_foreach(rows, i, row) {
		for (c = 0; c < ARRAY_SIZE(cols); c++)
			csv_put(&b, view_str(row, cols[c]), 0);
		iso_utc(view_int(row, "created_at"), when, sizeof(when));
		csv_put(&b, when, 0);
		csv_put(&b, view_str(row, "consent"), 0);
		csv_put(&b, view_str(row, "consent_ip"), 0);
		/* The answers as "question: answer" lines in one cell. */
		{
			struct buf cell = BUF_INIT;

			ans = json_loads(view_str(row, "answers"), 0, NULL);
			json_array_foreach(ans, j, a)
				buf_printf(&cell, "%s%s: %s", j > 0 ? "\n" : "",
				    view_str(a, "q"), view_str(a, "a"));
			json_decref(ans);
			csv_put(&b, cell.p != NULL ? cell.p : "", 1);
			buf_free(&cell);
		}
	}
	snprintf(name, sizeof(name), "%s-registrations", view_str(t, "slug"));
	json_decref(t);
	json_decref(rows);
	return http_send_csv(r, name, &b);
}

int page_admin_event_regs(struct req *r) { return list(r, REG_EVENT); }
int page_admin_event_regs_csv(struct req *r) { return csv(r, REG_EVENT); }
int page_admin_webinar_regs(struct req *r) { return list(r, REG_WEBINAR); }
int page_admin_webinar_regs_csv(struct req *r) { return csv(r, REG_WEBINAR); }
