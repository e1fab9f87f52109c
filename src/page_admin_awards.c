/*
 * page_admin_awards.c — the awards programme in the newsroom
 * (docs/awards.md): programmes and their categories, the judges of each
 * category, the entries with their judging (filters, CSV), the shortlist
 * and winner marks and their publication; and the judges' own scoring
 * pages under /judging, which show a judge the entries of her
 * categories and her own scores, never another judge's.
 *
 * The router lets editors into /admin/awards and any signed-in reader
 * into /judging; a judge is a reader an editor assigned to a category,
 * which is the row's data, so /judging checks it here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "admin.h"
#include "buf.h"
#include "bus.h"
#include "csv.h"
#include "db.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define TITLE_MAX	200
#define TEXT_MAX	4000	/* an intro, a category's criteria */
#define NOTE_MAX	2000	/* a judge's note */

static const char *const marks[] = { "submitted", "shortlisted", "winner" };

/* The programme of the route's first capture, the request's. */
static int
prog_of(struct req *r, int64_t id, json_t **p)
{
	struct award_arg a[1] = { AWARD_INT(id) };
	int rc;

	*p = NULL;
	if (id == 0)
		return 404;
	if ((rc = store_award_row(r->db, AWARD_PROG_BY_ID, a, 1, p)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, *p);
	return 0;
}

/* Runs q and its rows, the request's; NULL when the store failed. */
static json_t *
rows(struct req *r, enum award_sql q, const struct award_arg *a, size_t n)
{
	json_t *v;

	if (store_award_rows(r->db, q, a, n, &v) != STORE_OK)
		return NULL;
	return own_json(r, v);
}

/* One write and the "awards" tag published with it, or a status. */
static int
write1(struct req *r, enum award_sql q, const struct award_arg *a, size_t n,
    int64_t *id)
{
	struct tag t = tag_awards();
	int rc;

	if (db_begin_write(r->db) != DB_OK)
		return 503;
	/* After this point, all errors roll back. */
	rc = store_award_run(r->db, q, a, n, id);
	if (rc == STORE_OK && (bus_publish(r->db, t.s) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		return rc;
	}
	bus_apply(t.s);
	return STORE_OK;
}

static void
back(struct req *r, int64_t id, const char *done, const char *anchor)
{
	char url[128];

	snprintf(url, sizeof(url), "/admin/awards/%lld?done=%s%s%s",
	    (long long)id, done, anchor[0] != '\0' ? "#" : "", anchor);
	http_redirect(r, 303, url);
}

/* The programme form's fields (typed, or of p) for the template. */
static json_t *
prog_fields(json_t *p, struct url_query *q)
{
	static const char *const keys[] = { "title", "slug", "year", "intro",
	    "event_id", "status" };
	json_t *f = json_object();
	char t[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (q != NULL)
			json_object_set_new(f, keys[i], json_string(
			    url_query_get(q, keys[i]) != NULL ?
			    url_query_get(q, keys[i]) : ""));
		else if (json_is_integer(json_object_get(p, keys[i]))) {
			snprintf(t, sizeof(t), "%lld",
			    (long long)view_int(p, keys[i]));
			json_object_set_new(f, keys[i], json_string(t));
		} else
			json_object_set_new(f, keys[i], json_string(
			    view_str(p, keys[i])));
	}
	if (q != NULL) {
		json_object_set_new(f, "entry_opens", json_string(
		    url_query_get(q, "entry_opens") != NULL ?
		    url_query_get(q, "entry_opens") : ""));
		json_object_set_new(f, "entry_closes", json_string(
		    url_query_get(q, "entry_closes") != NULL ?
		    url_query_get(q, "entry_closes") : ""));
	} else if (p != NULL) {
		admin_fmt_input(view_int(p, "opens_at"), t, sizeof(t));
		json_object_set_new(f, "entry_opens", json_string(t));
		admin_fmt_input(view_int(p, "closes_at"), t, sizeof(t));
		json_object_set_new(f, "entry_closes", json_string(t));
	}
	json_object_set_new(f, "published", json_boolean(strcmp(view_str(f,
	    "status"), "published") == 0));
	return f;
}

/* GET /admin/awards: every programme, and the form of a new one. */
static int
list_page(struct req *r, int status, const char *error, struct url_query *q)
{
	json_t *list, *p;
	char a[64], b[64];
	size_t i;

	if ((list = rows(r, AWARD_PROGS_ADMIN, NULL, 0)) == NULL)
		return 503;
	json_array_foreach(list, i, p) {
		admin_fmt_local(view_int(p, "opens_at"), a, sizeof(a));
		admin_fmt_local(view_int(p, "closes_at"), b, sizeof(b));
		json_object_set_new(p, "period", json_pack("{s:s,s:s}", "from",
		    a, "to", b));
	}
	return admin_render(r, status, "admin/awards", json_pack(
	    "{s:O,s:o,s:s?,s:{s:s}}", "programmes", list, "f",
	    prog_fields(NULL, q), "error", error, "page", "title", "Awards"));
}

int
page_admin_awards(struct req *r)
{
	return list_page(r, 200, NULL, NULL);
}

/*
 * Reads the programme form into a[0..9) (id apart); NULL or the sentence
 * the editor sees.
 */
static const char *
prog_input(struct req *r, struct url_query *q, struct award_arg *a)
{
	const char *title = url_query_get(q, "title");
	const char *slug = url_query_get(q, "slug");
	const char *year = url_query_get(q, "year");
	const char *intro = url_query_get(q, "intro");
	const char *ev = url_query_get(q, "event_id");
	const char *st = url_query_get(q, "status");
	const char *o = url_query_get(q, "entry_opens");
	const char *c = url_query_get(q, "entry_closes");
	int64_t y, opens, closes, event = 0;

	if (title == NULL || title[0] == '\0' || strlen(title) > TITLE_MAX)
		return "title: give the programme a title (at most 200 bytes).";
	if (slug == NULL || !url_is_slug(slug, strlen(slug)))
		return "slug: lower-case letters, digits and dashes.";
	if (year == NULL || parse_int(year, strlen(year), 1900, 9999,
	    &y) != 0)
		return "year: a year such as 2026.";
	if (intro != NULL && strlen(intro) > TEXT_MAX)
		return "intro: at most 4000 bytes.";
	if (o == NULL || (opens = admin_parse_local(o)) < 0 || c == NULL ||
	    (closes = admin_parse_local(c)) < 0)
		return "Entry opens and closes: give both times.";
	if (closes <= opens)
		return "Entry closes after it opens.";
	if (ev != NULL && ev[0] != '\0' && parse_int(ev, strlen(ev), 1,
	    INT64_MAX, &event) != 0)
		return "event_id: the number of the ceremony's event, or "
		    "nothing.";
	if (st == NULL || (strcmp(st, "draft") != 0 &&
	    strcmp(st, "published") != 0))
		st = "draft";
	a[0] = (struct award_arg)AWARD_STR(slug);
	a[1] = (struct award_arg)AWARD_INT(y);
	a[2] = (struct award_arg)AWARD_STR(title);
	a[3] = (struct award_arg)AWARD_STR(intro != NULL ? intro : "");
	a[4] = (struct award_arg)AWARD_INT(opens);
	a[5] = (struct award_arg)AWARD_INT(closes);
	a[6] = (struct award_arg)AWARD_INT(event);
	if (event == 0)
		a[6] = (struct award_arg)AWARD_NULL;
	a[7] = (struct award_arg)AWARD_STR(st);
	a[8] = (struct award_arg)AWARD_INT(now_unix());
	(void)r;
	return NULL;
}

static int edit_page(struct req *, int64_t, int, const char *,
    struct url_query *);

/*
 * The programme's save: a new one (id 0) or the route's.  A taken year
 * or slug is 409, an event that is none 422; nothing changes then.
 */
static int
prog_save(struct req *r, int64_t id)
{
	struct url_query q;
	struct award_arg a[10];
	const char *why;
	json_t *p;
	int status, rc;

	if (id != 0 && (status = prog_of(r, id, &p)) != 0)
		return status;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	if ((why = prog_input(r, &q, a)) != NULL) {
		status = id == 0 ? list_page(r, 422, why, &q) :
		    edit_page(r, id, 422, why, &q);
		goto out;
	}
	a[9] = (struct award_arg)AWARD_INT(id);
	/* The ceremony must be an event: a key refused says only "conflict". */
	if (!a[6].null && (rc = store_award_run(r->db, AWARD_EVENT, &a[6], 1,
	    NULL)) != STORE_OK) {
		status = rc != STORE_NOTFOUND ? status_store(rc) : id == 0 ?
		    list_page(r, 422, "event_id: there is no such event.", &q) :
		    edit_page(r, id, 422, "event_id: there is no such event.",
		    &q);
		goto out;
	}
	rc = write1(r, id == 0 ? AWARD_PROG_INSERT : AWARD_PROG_UPDATE, a,
	    id == 0 ? 9 : 10, &id);
	if (rc == STORE_CONFLICT) {
		why = "Another programme has that year or slug.";
		status = id == 0 ? list_page(r, 409, why, &q) :
		    edit_page(r, id, 409, why, &q);
		goto out;
	}
	if (rc != STORE_OK) {
		status = status_store(rc);
		goto out;
	}
	back(r, id, "saved", "");
	status = 0;
out:
	url_query_free(&q);
	return status;
}

int page_admin_awards_post(struct req *r) { return prog_save(r, 0); }
int
page_admin_award_post(struct req *r)
{
	return prog_save(r, admin_route_id(r));
}

/* GET /admin/awards/:id: the programme, its categories and judges. */
static int
edit_page(struct req *r, int64_t id, int status, const char *error,
    struct url_query *q)
{
	struct award_arg a[1] = { AWARD_INT(id) };
	json_t *p, *cats, *judges, *c, *j, *list;
	const char *done = http_query(r, "done");
	size_t i, k;
	int s;

	if ((s = prog_of(r, id, &p)) != 0)
		return s;
	if ((cats = rows(r, AWARD_CATS, a, 1)) == NULL ||
	    (judges = rows(r, AWARD_JUDGES, a, 1)) == NULL)
		return 503;
	json_array_foreach(cats, i, c) {
		list = json_array();
		json_array_foreach(judges, k, j)
			if (view_int(j, "category_id") == view_int(c, "id"))
				json_array_append(list, j);
		json_object_set_new(c, "judges", list);
	}
	return admin_render(r, status, "admin/award", json_pack(
	    "{s:O,s:o,s:O,s:s?,s:s?,s:b,s:b,s:{s:O}}", "p", p, "f",
	    prog_fields(p, q), "categories", cats, "error", error, "done",
	    done, "has_shortlist", json_is_integer(json_object_get(p,
	    "shortlist_at")), "has_winners", json_is_integer(
	    json_object_get(p, "winners_at")), "page", "title",
	    json_object_get(p, "title")));
}

int
page_admin_award(struct req *r)
{
	return edit_page(r, admin_route_id(r), 200, NULL, NULL);
}

/* A category's fields from the form into a[1], a[2]; NULL or why not. */
static const char *
cat_input(struct url_query *q, struct award_arg *a)
{
	const char *name = url_query_get(q, "name");
	const char *crit = url_query_get(q, "criteria");

	if (name == NULL || name[0] == '\0' || strlen(name) > TITLE_MAX)
		return "name: give the category a name (at most 200 bytes).";
	if (crit != NULL && strlen(crit) > TEXT_MAX)
		return "criteria: at most 4000 bytes.";
	a[1] = (struct award_arg)AWARD_STR(name);
	a[2] = (struct award_arg)AWARD_STR(crit != NULL ? crit : "");
	return NULL;
}

/*
 * A category's write for programme prog: the form again with why (422)
 * when there is one, else q and back to the programme's categories.
 */
static int
cat_write(struct req *r, int64_t prog, const char *why, enum award_sql q,
    const struct award_arg *a, size_t n)
{
	int rc;

	if (why != NULL)
		return edit_page(r, prog, 422, why, NULL);
	if ((rc = write1(r, q, a, n, NULL)) != STORE_OK)
		return status_store(rc);
	back(r, prog, "category", "categories");
	return 0;
}

/* POST /admin/awards/:id/categories: a new category at the end. */
int
page_admin_award_cat_add(struct req *r)
{
	struct url_query q;
	struct award_arg a[3];
	int64_t id = admin_route_id(r);
	const char *why;
	json_t *p;
	int status;

	if ((status = prog_of(r, id, &p)) != 0)
		return status;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	a[0] = (struct award_arg)AWARD_INT(id);
	why = cat_input(&q, a);
	status = cat_write(r, id, why, AWARD_CAT_INSERT, a, 3);
	url_query_free(&q);
	return status;
}

/* POST /admin/awards/categories/:id: its name, criteria and place. */
int
page_admin_award_cat(struct req *r)
{
	struct url_query q;
	struct award_arg a[4], k[1] = { AWARD_INT(admin_route_id(r)) };
	const char *why, *pos;
	json_t *c;
	int64_t n;
	int status, rc;

	if ((rc = store_award_row(r->db, AWARD_CAT_BY_ID, k, 1, &c)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, c);
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	a[0] = k[0];
	pos = url_query_get(&q, "position");
	if ((why = cat_input(&q, a)) == NULL && (pos == NULL ||
	    parse_int(pos, strlen(pos), 0, 1000, &n) != 0))
		why = "position: a number from 0 to 1000.";
	if (why == NULL)
		a[3] = (struct award_arg)AWARD_INT(n);
	status = cat_write(r, view_int(c, "programme_id"), why,
	    AWARD_CAT_UPDATE, a, 4);
	url_query_free(&q);
	return status;
}

/*
 * POST /admin/awards/:id/judges: assigns the account of an address to a
 * category of the programme (add), or takes it off (remove=user id).
 */
int
page_admin_award_judges(struct req *r)
{
	struct url_query q;
	struct award_arg a[2], k[1];
	int64_t id = admin_route_id(r), cat = 0, user = 0;
	const char *cs, *email, *rm, *why = NULL;
	char norm[256];
	json_t *p, *c;
	int status, rc;

	if ((status = prog_of(r, id, &p)) != 0)
		return status;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	cs = url_query_get(&q, "category");
	email = url_query_get(&q, "email");
	rm = url_query_get(&q, "remove");
	if (cs == NULL || parse_int(cs, strlen(cs), 1, INT64_MAX, &cat) != 0)
		why = "category: choose one of the programme's categories.";
	k[0] = (struct award_arg)AWARD_INT(cat);
	if (why == NULL && (store_award_row(r->db, AWARD_CAT_BY_ID, k, 1,
	    &c) != STORE_OK || view_int(own_json(r, c), "programme_id") != id))
		why = "category: choose one of the programme's categories.";
	if (why == NULL && rm != NULL && parse_int(rm, strlen(rm), 1,
	    INT64_MAX, &user) != 0)
		why = "remove: not a judge.";
	if (why == NULL && rm == NULL && (email == NULL ||
	    page_email_norm(email, norm, sizeof(norm)) != 0))
		why = "email: the address of the judge's account.";
	if (why != NULL) {
		status = edit_page(r, id, 422, why, NULL);
		goto out;
	}
	a[0] = k[0];
	a[1] = rm != NULL ? (struct award_arg)AWARD_INT(user) :
	    (struct award_arg)AWARD_STR(norm);
	rc = write1(r, rm != NULL ? AWARD_JUDGE_DEL : AWARD_JUDGE_ADD, a, 2,
	    NULL);
	/* An address without an account, or a judge there already. */
	if (rc == STORE_NOTFOUND && rm == NULL) {
		status = edit_page(r, id, 422, "email: no account has that "
		    "address, or it judges the category already. A judge "
		    "first makes an account (Register).", NULL);
		goto out;
	}
	if (rc != STORE_OK) {
		status = status_store(rc);
		goto out;
	}
	back(r, id, rm != NULL ? "unjudged" : "judge", "categories");
	status = 0;
out:
	url_query_free(&q);
	return status;
}

/* POST /admin/awards/:id/publish: the shortlist and winners pages. */
int
page_admin_award_publish(struct req *r)
{
	struct url_query q;
	struct award_arg a[3];
	int64_t id = admin_route_id(r), now = now_unix();
	const char *s, *w;
	json_t *p;
	int status, rc;

	if ((status = prog_of(r, id, &p)) != 0)
		return status;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	s = url_query_get(&q, "shortlist");
	w = url_query_get(&q, "winners");
	a[0] = (struct award_arg)AWARD_INT(id);
	/* Kept as published when already so: the first time stays. */
	a[1] = s != NULL && strcmp(s, "1") == 0 ? (struct award_arg)AWARD_INT(
	    json_is_integer(json_object_get(p, "shortlist_at")) ?
	    view_int(p, "shortlist_at") : now) : (struct award_arg)AWARD_NULL;
	a[2] = w != NULL && strcmp(w, "1") == 0 ? (struct award_arg)AWARD_INT(
	    json_is_integer(json_object_get(p, "winners_at")) ?
	    view_int(p, "winners_at") : now) : (struct award_arg)AWARD_NULL;
	url_query_free(&q);
	if ((rc = write1(r, AWARD_PROG_PUBLISH, a, 3, NULL)) != STORE_OK)
		return status_store(rc);
	back(r, id, "published", "publish");
	return 0;
}

/*
 * The mean of an entry's scores with one decimal, into row's "avg".  The
 * sum comes as text (store.c types only columns named as integers).
 */
static void
average(json_t *row)
{
	const char *s = view_str(row, "score_sum");
	int64_t n = view_int(row, "score_count"), sum;
	char t[32];

	if (n <= 0 || parse_int(s, strlen(s), 0, INT64_MAX, &sum) != 0)
		return;
	snprintf(t, sizeof(t), "%lld.%lld", (long long)(sum / n),
	    (long long)(sum * 10 / n % 10));
	json_object_set_new(row, "avg", json_string(t));
}

/* The entries of the route's programme by the query's filters. */
static int
entries_of(struct req *r, json_t **p, json_t **list, int64_t *cat,
    const char **st)
{
	struct award_arg a[3];
	const char *c = http_query(r, "category");
	size_t i;
	int status;

	*cat = 0;
	*st = http_query(r, "status");
	if ((status = prog_of(r, admin_route_id(r), p)) != 0)
		return status;
	if (c != NULL && c[0] != '\0' && parse_int(c, strlen(c), 0,
	    INT64_MAX, cat) != 0)
		return 400;
	if (*st == NULL)
		*st = "";
	if ((*st)[0] != '\0' && strcmp(*st, "withdrawn") != 0) {
		for (i = 0; i < ARRAY_SIZE(marks); i++)
			if (strcmp(*st, marks[i]) == 0)
				break;
		if (i == ARRAY_SIZE(marks))
			return 400;
	}
	a[0] = (struct award_arg)AWARD_INT(view_int(*p, "id"));
	a[1] = (struct award_arg)AWARD_INT(*cat);
	a[2] = (struct award_arg)AWARD_STR(*st);
	if ((*list = rows(r, AWARD_ENTRIES_ADMIN, a, 3)) == NULL)
		return 503;
	return 0;
}

/* GET /admin/awards/:id/entries?category=&status= */
int
page_admin_award_entries(struct req *r)
{
	struct award_arg a[1];
	json_t *p, *list, *e, *cats, *c, *ms, *ans;
	const char *st;
	int64_t cat;
	char when[64], query[96];
	size_t i, k;
	int status;

	if ((status = entries_of(r, &p, &list, &cat, &st)) != 0)
		return status;
	a[0] = (struct award_arg)AWARD_INT(view_int(p, "id"));
	if ((cats = rows(r, AWARD_CATS, a, 1)) == NULL)
		return 503;
	json_array_foreach(cats, i, c)
		json_object_set_new(c, "selected", json_boolean(
		    view_int(c, "id") == cat));
	json_array_foreach(list, i, e) {
		average(e);
		admin_fmt_local(view_int(e, "created_at"), when, sizeof(when));
		json_object_set_new(e, "when", json_string(when));
		ans = json_loads(view_str(e, "answers"), 0, NULL);
		json_object_set_new(e, "answer_list", json_is_array(ans) ? ans :
		    json_array());
		if (!json_is_array(ans))
			json_decref(ans);
		ms = json_array();
		for (k = 0; k < ARRAY_SIZE(marks); k++)
			json_array_append_new(ms, json_pack("{s:s,s:b}",
			    "value", marks[k], "selected", strcmp(marks[k],
			    view_str(e, "status")) == 0));
		json_object_set_new(e, "marks", ms);
		json_object_set_new(e, "withdrawn", json_boolean(strcmp(
		    view_str(e, "status"), "withdrawn") == 0));
	}
	ms = json_array();
	for (k = 0; k < ARRAY_SIZE(marks); k++)
		json_array_append_new(ms, json_pack("{s:s,s:b}", "value",
		    marks[k], "selected", strcmp(marks[k], st) == 0));
	json_array_append_new(ms, json_pack("{s:s,s:b}", "value", "withdrawn",
	    "selected", strcmp("withdrawn", st) == 0));
	/* The CSV link keeps the filters (st is one of the words above). */
	snprintf(query, sizeof(query), "?category=%lld&status=%s",
	    (long long)cat, st);
	return admin_render(r, 200, "admin/award_entries", json_pack(
	    "{s:O,s:O,s:O,s:o,s:s,s:{s:s}}", "p", p, "entries", list,
	    "categories", cats, "statuses", ms, "query", query, "page",
	    "title", "Award entries"));
}

/* GET /admin/awards/:id/entries.csv: the same list, every field. */
int
page_admin_award_entries_csv(struct req *r)
{
	static const char *const cols[] = { "category", "title", "name",
	    "email", "company", "job_title", "status", "attachment_name" };
	struct buf *b = own_buf(r, 0), *cell = own_buf(r, 0);
	json_t *p, *list, *e, *ans, *x;
	const char *st;
	int64_t cat;
	char when[32], name[80];
	struct tm tm;
	time_t t;
	size_t i, c, k;
	int status;

	if ((status = entries_of(r, &p, &list, &cat, &st)) != 0)
		return status;
	BUF_LIT(b, "id,category,title,name,email,company,job_title,status,"
	    "attachment,entered_at,scores,average,answers\r\n");
	json_array_foreach(list, i, e) {
		average(e);
		buf_printf(b, "%lld,", (long long)view_int(e, "id"));
		for (c = 0; c < ARRAY_SIZE(cols); c++)
			csv_put(b, view_str(e, cols[c]), 0);
		t = (time_t)view_int(e, "created_at");
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		csv_put(b, when, 0);
		buf_printf(b, "%lld,", (long long)view_int(e, "score_count"));
		csv_put(b, view_str(e, "avg"), 0);
		/* The answers in one cell, each under its question. */
		ans = json_loads(view_str(e, "answers"), 0, NULL);
		buf_reset(cell);
		json_array_foreach(ans, k, x)
			buf_printf(cell, "%s%s\n%s", k > 0 ? "\n\n" : "",
			    view_str(x, "q"), view_str(x, "a"));
		csv_put(b, cell->p != NULL && !buf_err(cell) ? cell->p : "", 1);
		json_decref(ans);
	}
	snprintf(name, sizeof(name), "%s-entries", view_str(p, "slug"));
	return http_send_csv(r, name, b);
}

/* POST /admin/awards/entries/:id/mark (status=shortlisted|winner|...). */
int
page_admin_award_mark(struct req *r)
{
	struct url_query q;
	struct award_arg a[3], k[1] = { AWARD_INT(admin_route_id(r)) };
	const char *st;
	char url[96];
	json_t *e;
	size_t i;
	int status, rc;

	if ((rc = store_award_row(r->db, AWARD_ENTRY_BY_ID, k, 1, &e)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, e);
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	st = url_query_get(&q, "status");
	for (i = 0; st != NULL && i < ARRAY_SIZE(marks); i++)
		if (strcmp(st, marks[i]) == 0)
			break;
	if (st == NULL || i == ARRAY_SIZE(marks)) {
		url_query_free(&q);
		return 422;
	}
	a[0] = k[0];
	a[1] = (struct award_arg)AWARD_STR(marks[i]);
	a[2] = (struct award_arg)AWARD_INT(now_unix());
	url_query_free(&q);
	rc = write1(r, AWARD_ENTRY_MARK, a, 3, NULL);
	/* A withdrawn entry keeps its state: the entrant took it back. */
	if (rc == STORE_NOTFOUND)
		return 409;
	if (rc != STORE_OK)
		return status_store(rc);
	snprintf(url, sizeof(url), "/admin/awards/%lld/entries#entry-%lld",
	    (long long)view_int(e, "programme_id"),
	    (long long)view_int(e, "id"));
	http_redirect(r, 303, url);
	return 0;
}

/* Sends entry id's attachment as a download; 404 when it has none. */
static int
send_file(struct req *r, int64_t id)
{
	struct award_arg a[1] = { AWARD_INT(id) };
	const char *b64;
	unsigned char *bin;
	size_t b64len, binlen;
	struct buf *out;
	json_t *f;
	int rc;

	if ((rc = store_award_row(r->db, AWARD_ENTRY_FILE, a, 1, &f)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, f);
	b64 = view_str(f, "attachment");
	if ((b64len = strlen(b64)) == 0)
		return 404;
	bin = own_heap(r, xmalloc(b64len));
	if (sodium_base642bin(bin, b64len, b64, b64len, NULL, &binlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return 500;
	out = own_buf(r, 0);
	buf_append(out, bin, binlen);
	http_header(r, "Content-Disposition", "attachment");
	r->cache_control = "private, no-store";
	http_send_buf(r, 200, view_str(f, "attachment_type"), out);
	return 0;
}

/* GET /admin/awards/entries/:id/file */
int
page_admin_award_file(struct req *r)
{
	return send_file(r, admin_route_id(r));
}

/*
 * Whether the signed-in reader judges entry (0: any category); 0, or
 * 403 with a page saying why (the answer is sent: ADMIN_SENT).
 */
static int
judge_of(struct req *r, int64_t entry)
{
	struct award_arg a[2] = { AWARD_INT(entry), AWARD_INT(r->user->id) };
	json_t *row;
	int rc;

	r->cache_control = "private, no-store";
	/* Without an entry: whether she judges any category at all. */
	if (entry == 0)
		a[0] = a[1];
	rc = store_award_row(r->db, entry != 0 ? AWARD_JUDGE_MAY :
	    AWARD_JUDGE_ANY, a, entry != 0 ? 2 : 1, &row);
	if (rc != STORE_OK)
		return status_store(rc);
	if (view_int(own_json(r, row), "judged_count") > 0)
		return 0;
	page_notice(r, 403, "Judges only", entry != 0 ? "You do not judge "
	    "the category of this entry." : "Only the judges an editor has "
	    "assigned to an awards category see the entries here.", "/awards",
	    "Awards");
	return ADMIN_SENT;
}

/* GET /judging: the entries of the categories the reader judges. */
static int
judging_page(struct req *r, int status, const char *error)
{
	struct award_arg a[1] = { AWARD_INT(r->user->id) };
	json_t *list, *e, *ans, *scores;
	const char *done = http_query(r, "done");
	size_t i, k;
	int s;

	if ((s = judge_of(r, 0)) != 0)
		return ADMIN_RETURN(s);
	if ((list = rows(r, AWARD_JUDGE_ENTRIES, a, 1)) == NULL)
		return 503;
	json_array_foreach(list, i, e) {
		ans = json_loads(view_str(e, "answers"), 0, NULL);
		json_object_set_new(e, "answer_list", json_is_array(ans) ? ans :
		    json_array());
		if (!json_is_array(ans))
			json_decref(ans);
		scores = json_array();
		for (k = 1; k <= 10; k++)
			json_array_append_new(scores, json_pack("{s:I,s:b}",
			    "n", (json_int_t)k, "selected",
			    strtoll(view_str(e, "score"), NULL, 10) ==
			    (long long)k));
		json_object_set_new(e, "choices", scores);
		json_object_set_new(e, "scored", json_boolean(
		    view_str(e, "score")[0] != '\0'));
	}
	return page_form(r, status, "judging", "Judging", error, json_pack(
	    "{s:O,s:s?}", "entries", list, "done", done != NULL &&
	    strcmp(done, "1") == 0 ? "Your score is saved." : NULL));
}

int
page_judging(struct req *r)
{
	return judging_page(r, 200, NULL);
}

/* POST /judging/:id: the judge's score (1-10) and note for an entry. */
int
page_judging_score(struct req *r)
{
	struct url_query q;
	struct award_arg a[5];
	int64_t id = admin_route_id(r), score;
	const char *s, *note;
	char url[64];
	int status, rc;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	if (id == 0) {
		status = 404;
		goto out;
	}
	if ((status = judge_of(r, id)) != 0) {
		status = ADMIN_RETURN(status);
		goto out;
	}
	s = url_query_get(&q, "score");
	note = url_query_get(&q, "note");
	if (s == NULL || parse_int(s, strlen(s), 1, 10, &score) != 0) {
		status = judging_page(r, 422, "score: a whole number from 1 "
		    "to 10.");
		goto out;
	}
	if (note != NULL && strlen(note) > NOTE_MAX) {
		status = judging_page(r, 422, "note: at most 2000 bytes.");
		goto out;
	}
	a[0] = (struct award_arg)AWARD_INT(id);
	a[1] = (struct award_arg)AWARD_INT(r->user->id);
	a[2] = (struct award_arg)AWARD_INT(score);
	a[3] = (struct award_arg)AWARD_STR(note != NULL ? note : "");
	a[4] = (struct award_arg)AWARD_INT(now_unix());
	if ((rc = store_award_run(r->db, AWARD_SCORE_SET, a, 5, NULL)) !=
	    STORE_OK) {
		status = status_store(rc);
		goto out;
	}
	snprintf(url, sizeof(url), "/judging?done=1#entry-%lld",
	    (long long)id);
	http_redirect(r, 303, url);
	status = 0;
out:
	url_query_free(&q);
	return status;
}

/* GET /judging/:id/file: an entry's attachment, for its judges. */
int
page_judging_file(struct req *r)
{
	int64_t id = admin_route_id(r);
	int status;

	if (id == 0)
		return 404;
	if ((status = judge_of(r, id)) != 0)
		return ADMIN_RETURN(status);
	return send_file(r, id);
}
