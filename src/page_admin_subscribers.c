/*
 * page_admin_subscribers.c — the newsroom's subscriber list (editors, as
 * for every newsletter tool): search by address, filter by newsletter
 * and status, pages of PAGE_ROWS newest first (keyset on the id, so the
 * hundredth page costs what the first does); end one subscription or
 * all of them, delete a subscriber; import a CSV list.
 *
 * An import states what its people agreed to: either they already opted
 * in (the editor holds their consent records: they become active, with
 * the consent text of the file or the statement typed in the form), or
 * they get the double opt-in letter and stay pending until they confirm.
 * A file is checked whole before anything is written: one bad line and
 * nothing is imported, and the answer lists every bad line.  What an
 * import finds already in place is never downgraded or revived: active
 * stays active, and an unsubscribed address is reported, not signed up
 * again.  The writes are one transaction (docs/newsletters.md).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "csv.h"
#include "db.h"
#include "escape.h"
#include "req.h"
#include "jobs.h"
#include "multipart.h"
#include "own.h"
#include "page.h"
#include "pool.h"
#include "status.h"
#include "store.h"
#include "text.h"
#include "url.h"
#include "util.h"

#define PAGE_ROWS	50
#define EMAIL_MAX	254
#define QUERY_MAX	254
#define NAME_MAX_	200
#define CONSENT_MAX	2000
#define IMPORT_ROWS_MAX	100000
#define REPORT_MAX	1000	/* bad lines listed; the count is exact */
#define FORM_PARTS	24

static const char *const statuses[] = { "pending", "active", "unsubscribed" };

static void
set_time(json_t *row, const char *col, const char *key)
{
	json_t *v = json_object_get(row, col);
	char b[64];

	if (json_is_integer(v) && json_integer_value(v) > 0) {
		admin_fmt_local(json_integer_value(v), b, sizeof(b));
		json_object_set_new(row, key, json_string(b));
	}
}

/* The list's query string, for the next page's link. */
static void
list_url(struct buf *b, const char *q, const char *n, const char *status,
    int64_t before)
{
	BUF_LIT(b, "/admin/subscribers?q=");
	esc_url(b, q, strlen(q));
	BUF_LIT(b, "&n=");
	esc_url(b, n, strlen(n));
	buf_printf(b, "&status=%s&before=%lld", status, (long long)before);
}

/* A LIKE pattern finding q anywhere in a lowercased address ('!' escapes). */
static void
like_pattern(struct buf *b, const char *q)
{
	if (q[0] == '\0') {
		buf_puts(b, "");
		return;
	}
	buf_putc(b, '%');
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '!')
			buf_putc(b, '!');
		buf_putc(b, (char)tolower((unsigned char)*q));
	}
	buf_putc(b, '%');
}

/* Adds each row's subscriptions and the times as the page shows them. */
static int
decorate(struct req *r, json_t *rows)
{
	json_t *row, *subs, *s;
	size_t i, k;
	int rc;

	json_array_foreach(rows, i, row) {
		set_time(row, "created_at", "created");
		set_time(row, "confirmed_at", "confirmed");
		rc = store_subscriber_subscriptions(r->db, json_integer_value(
		    json_object_get(row, "id")), &subs);
		if (rc != STORE_OK)
			return rc;
		json_array_foreach(subs, k, s) {
			const char *st = json_string_value(json_object_get(s,
			    "status"));

			set_time(s, "created_at", "consented");
			set_time(s, "updated_at", "changed");
			json_object_set_new(s, st, json_true());
			json_object_set(s, "sid", json_object_get(row, "id"));
			json_object_set_new(s, "open", json_boolean(strcmp(st,
			    "unsubscribed") != 0));
		}
		json_object_set_new(row, "subscriptions", subs);
	}
	return STORE_OK;
}

/*
 * The list page with the filters of the query string; extra: what the
 * page also says (a notice, an error, an import's report), taken.
 */
static int
list_page(struct req *r, int status, json_t *extra)
{
	const char *q = http_query(r, "q"), *n = http_query(r, "n"),
	    *st = http_query(r, "status"), *before_s = http_query(r, "before"),
	    *done = http_query(r, "done");
	struct buf *like = own_buf(r, 0), *next = own_buf(r, 0);
	json_t *lists = NULL, *rows = NULL, *v, *m, *sts;
	int64_t nl = 0, before = 0;
	size_t i;
	int rc, known = 0;

	own_json(r, extra);
	q = q != NULL ? q : "";
	n = n != NULL ? n : "";
	st = st != NULL ? st : "";
	if (strlen(q) > QUERY_MAX || (before_s != NULL && before_s[0] != '\0' &&
	    parse_int(before_s, strlen(before_s), 1, INT64_MAX, &before) != 0))
		return status_store(STORE_INVALID);
	for (i = 0; i < ARRAY_SIZE(statuses); i++)
		known |= strcmp(st, statuses[i]) == 0;
	if (st[0] != '\0' && !known)
		return status_store(STORE_INVALID);
	if ((rc = store_newsletters(r->db, &lists)) != STORE_OK)
		return status_store(rc);
	own_json(r, lists);
	json_array_foreach(lists, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "slug")), n) != 0)
			continue;
		nl = json_integer_value(json_object_get(v, "id"));
		json_object_set_new(v, "selected", json_true());
	}
	if (n[0] != '\0' && nl == 0)
		return status_store(STORE_INVALID);
	like_pattern(like, q);
	rc = store_subscribers_list(r->db, like->p != NULL ? like->p : "", nl,
	    st, before, PAGE_ROWS + 1, &rows);
	if (rc != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	if (json_array_size(rows) > PAGE_ROWS) {
		json_array_remove(rows, PAGE_ROWS);
		list_url(next, q, n, st, json_integer_value(json_object_get(
		    json_array_get(rows, PAGE_ROWS - 1), "id")));
	}
	if ((rc = decorate(r, rows)) != STORE_OK)
		return status_store(rc);
	sts = json_array();
	for (i = 0; i < ARRAY_SIZE(statuses); i++)
		json_array_append_new(sts, json_pack("{s:s,s:b}", "value",
		    statuses[i], "selected", strcmp(st, statuses[i]) == 0));
	m = json_pack("{s:s,s:O,s:o,s:O,s:{s:s},s:b,s:b}", "q", q, "newsletters",
	    lists, "statuses", sts, "rows", rows, "page", "title",
	    "Subscribers", "first", before == 0, "filtered", q[0] != '\0' ||
	    nl != 0 || st[0] != '\0');
	if (next->p != NULL && !buf_err(next))
		json_object_set_new(m, "next", json_string(next->p));
	if (done != NULL && strcmp(done, "deleted") == 0)
		json_object_set_new(m, "done", json_string("The subscriber "
		    "is deleted, with every sign-up and delivery record."));
	else if (done != NULL && strcmp(done, "unsubscribed") == 0)
		json_object_set_new(m, "done", json_string("Unsubscribed."));
	if (extra != NULL)
		json_object_update(m, extra);
	return admin_render(r, status, "admin/subscribers", m);
}

int
page_admin_subscribers(struct req *r)
{
	return list_page(r, 200, NULL);
}

/* The subscriber of the route, checked; 0, or a status. */
static int
route_subscriber(struct req *r, struct url_query *q, json_t **sub)
{
	int64_t id = admin_route_id(r);
	int status, rc;

	*sub = NULL;
	if (id == 0)
		return 404;
	if ((status = admin_read_form(r, q)) != 0)
		return status;
	if ((rc = store_subscriber_get(r->db, id, sub)) != STORE_OK) {
		url_query_free(q);
		return status_store(rc);
	}
	own_json(r, *sub);
	return 0;
}

/* Back to the list, searched for the address just changed. */
static void
back_to(struct req *r, json_t *sub, const char *done)
{
	const char *email = json_string_value(json_object_get(sub, "email"));
	struct buf *url = own_buf(r, 0);

	BUF_LIT(url, "/admin/subscribers?q=");
	esc_url(url, email, strlen(email));
	buf_printf(url, "&done=%s", done);
	http_redirect(r, 303, buf_err(url) ? "/admin/subscribers" : url->p);
}

/* POST /admin/subscribers/:id/unsubscribe, n = a newsletter or "all". */
int
page_admin_subscriber_unsub(struct req *r)
{
	struct url_query q;
	json_t *sub, *nl = NULL;
	const char *n;
	int64_t id;
	int status, rc;

	if ((status = route_subscriber(r, &q, &sub)) != 0)
		return ADMIN_RETURN(status);
	/* After this point, every error goes through out. */
	id = json_integer_value(json_object_get(sub, "id"));
	n = url_query_get(&q, "n");
	if (n == NULL || (strcmp(n, "all") != 0 &&
	    store_newsletter_by_slug(r->db, n, &nl) != STORE_OK)) {
		status = 422;
		goto out;
	}
	own_json(r, nl);
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = nl == NULL ? store_subscriber_unsubscribe_all(r->db, id,
	    now_unix()) : store_subscription_set(r->db, id, json_integer_value(
	    json_object_get(nl, "id")), "unsubscribed", now_unix());
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = status_write(rc);
		goto out;
	}
	back_to(r, sub, "unsubscribed");
	status = 0;
out:
	url_query_free(&q);
	return status;
}

/*
 * POST /admin/subscribers/:id/delete: without confirm=yes it answers a
 * page asking to confirm, whose button posts again with it.
 */
int
page_admin_subscriber_delete(struct req *r)
{
	struct url_query q;
	const char *confirm;
	json_t *sub;
	int status, rc;

	if ((status = route_subscriber(r, &q, &sub)) != 0)
		return ADMIN_RETURN(status);
	confirm = url_query_get(&q, "confirm");
	if (confirm == NULL || strcmp(confirm, "yes") != 0) {
		url_query_free(&q);
		return admin_render(r, 200, "admin/subscriber_delete",
		    json_pack("{s:O,s:{s:s}}", "sub", sub, "page", "title",
		    "Delete a subscriber"));
	}
	url_query_free(&q);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_subscriber_delete(r->db, json_integer_value(json_object_get(
	    sub, "id")));
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	http_redirect(r, 303, "/admin/subscribers?done=deleted");
	return 0;
}

/* ---- import ---- */

enum col {
	COL_EMAIL, COL_NAME, COL_NEWSLETTERS, COL_CONSENT, COL_CONSENTED_AT,
	COL_STATUS, COL_CONSENT_IP, COL_IGNORED, COL__MAX
};

/* The columns a file may have; those of the export among them. */
static const struct {
	const char	*name;
	enum col	 col;
} columns[] = {
	{ "email", COL_EMAIL },
	{ "name", COL_NAME },
	{ "newsletters", COL_NEWSLETTERS },
	{ "consent", COL_CONSENT },
	{ "consented_at", COL_CONSENTED_AT },
	{ "signed_up_at", COL_CONSENTED_AT },
	{ "status", COL_STATUS },
	{ "consent_ip", COL_CONSENT_IP },
	{ "confirmed_at", COL_IGNORED },
	{ "updated_at", COL_IGNORED },
};

/* One valid row, kept between checking the file and writing it. */
struct row {
	int		 line;
	char		*email;
	char		*name;
	char		*consent;
	char		*ip;
	int64_t		 consented;	/* 0: the time of the import */
	int64_t		 lists[CSV_MAX_FIELDS];
	int		 nlists;
	int		 skip;		/* pending/unsubscribed in the file */
};

struct import {
	int		 optin;		/* they opted in, else ask them */
	const char	*statement;	/* typed in the form, or "" */
	const char	*asked_text;	/* the record of a pending row without one */
	int64_t		 chosen[CSV_MAX_FIELDS];	/* the form's newsletters */
	int		 nchosen;
	json_t		*lists;		/* every newsletter */
	int		 map[CSV_MAX_FIELDS];	/* field -> enum col, -1 */
	int		 ncols;		/* fields of the header */
	struct row	*rows;
	size_t		 nrows, cap;
	json_t		*bad;		/* [{line, email, reason}] */
	size_t		 nbad;
	json_t		*notes;		/* [{line, email, reason}]: skipped */
	int64_t		 nskip;		/* rows skipped for their status */
	int64_t		 now;
};

static void
bad(struct import *im, int line, const char *email, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records a bad line (the first REPORT_MAX are listed). */
static void
bad(struct import *im, int line, const char *email, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	im->nbad++;
	if (json_array_size(im->bad) >= REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	json_array_append_new(im->bad, json_pack("{s:i,s:s,s:s}", "line", line,
	    "email", email != NULL ? email : "", "reason", why));
}

static void
note(struct import *im, int line, const char *email, const char *why)
{
	if (json_array_size(im->notes) < REPORT_MAX)
		json_array_append_new(im->notes, json_pack("{s:i,s:s,s:s}",
		    "line", line, "email", email, "reason", why));
}

/* The newsletter id of a slug, 0 when there is none. */
static int64_t
list_id(struct import *im, const char *slug, size_t len)
{
	json_t *v;
	size_t i;

	json_array_foreach(im->lists, i, v) {
		const char *s = json_string_value(json_object_get(v, "slug"));

		if (strlen(s) == len && strncmp(s, slug, len) == 0)
			return json_integer_value(json_object_get(v, "id"));
	}
	return 0;
}

static const char *
list_name(struct import *im, int64_t id)
{
	json_t *v;
	size_t i;

	json_array_foreach(im->lists, i, v)
		if (json_integer_value(json_object_get(v, "id")) == id)
			return json_string_value(json_object_get(v, "name"));
	return "";
}

/*
 * A field as the export wrote it: the apostrophe it puts before a
 * leading = + - @, tab or CR (so no spreadsheet runs it) is taken off.
 */
static const char *
unformula(const char *s)
{
	if (s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' ||
	    s[1] == '@' || s[1] == '\t' || s[1] == '\r'))
		return s + 1;
	return s;
}

/*
 * "2026-05-12T13:00:00Z", "2026-05-12 13:00:00" or "2026-05-12" (UTC)
 * into *t; -1 when it is none of them.
 */
static int
parse_utc(const char *s, int64_t *t)
{
	size_t n = strlen(s);
	int64_t y, mo, d, h = 0, mi = 0, se = 0;
	struct tm tm;

	if (n != 10 && n != 19 && n != 20)
		return -1;
	if (parse_int(s, 4, 1970, 9999, &y) != 0 || s[4] != '-' ||
	    parse_int(s + 5, 2, 1, 12, &mo) != 0 || s[7] != '-' ||
	    parse_int(s + 8, 2, 1, 31, &d) != 0)
		return -1;
	if (n > 10 && ((s[10] != 'T' && s[10] != ' ') ||
	    parse_int(s + 11, 2, 0, 23, &h) != 0 || s[13] != ':' ||
	    parse_int(s + 14, 2, 0, 59, &mi) != 0 || s[16] != ':' ||
	    parse_int(s + 17, 2, 0, 60, &se) != 0 ||
	    (n == 20 && s[19] != 'Z')))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)se;
	*t = (int64_t)timegm(&tm);
	/* timegm normalises 31 February into March: refuse such days. */
	gmtime_r(&(time_t){ (time_t)*t }, &tm);
	return tm.tm_mday == (int)d ? 0 : -1;
}

/* Reads the header record into im->map; -1 with a sentence in err. */
static int
header(struct import *im, struct csv *c, char *err, size_t errlen)
{
	int seen[COL__MAX] = { 0 }, i;
	size_t k;

	for (i = 0; i < c->n; i++) {
		char name[40];
		const char *f = csv_field(c, i);
		size_t len;

		while (*f == ' ')
			f++;
		len = strlen(f);
		while (len > 0 && f[len - 1] == ' ')
			len--;
		if (len >= sizeof(name)) {
			snprintf(err, errlen, "column %d of the header is not "
			    "one this import knows", i + 1);
			return -1;
		}
		for (k = 0; k < len; k++)
			name[k] = (char)tolower((unsigned char)f[k]);
		name[len] = '\0';
		im->map[i] = -1;
		for (k = 0; k < ARRAY_SIZE(columns); k++)
			if (strcmp(name, columns[k].name) == 0)
				im->map[i] = (int)columns[k].col;
		if (im->map[i] < 0) {
			snprintf(err, errlen, "the header's column \"%s\" is not "
			    "one this import knows (email, name, newsletters, "
			    "consent, consented_at, and the export's columns)",
			    name);
			return -1;
		}
		if (im->map[i] != COL_IGNORED && seen[im->map[i]]++) {
			snprintf(err, errlen, "the header has the column \"%s\" "
			    "twice", name);
			return -1;
		}
	}
	im->ncols = c->n;
	if (!seen[COL_EMAIL]) {
		snprintf(err, errlen, "the header has no \"email\" column (the "
		    "first line must name the columns)");
		return -1;
	}
	return 0;
}

/* The newsletters of a row's field (slugs apart by spaces, ; or ,). */
static int
row_lists(struct import *im, struct row *w, const char *f, const char *email)
{
	const char *p = f, *e;
	int64_t id;
	int k;

	while (*p != '\0') {
		while (*p == ' ' || *p == ';' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' ' && *e != ';' && *e != ',';
		    e++)
			;
		if ((id = list_id(im, p, (size_t)(e - p))) == 0) {
			bad(im, w->line, email, "unknown newsletter \"%.*s\"",
			    (int)(e - p > 60 ? 60 : e - p), p);
			return -1;
		}
		for (k = 0; k < w->nlists && w->lists[k] != id; k++)
			;
		if (k == w->nlists) {
			if (w->nlists == CSV_MAX_FIELDS) {
				bad(im, w->line, email, "too many newsletters");
				return -1;
			}
			w->lists[w->nlists++] = id;
		}
		p = e;
	}
	return 0;
}

/*
 * The addresses of the rows read so far, with their lines, in an
 * open-addressing hash (a linear scan would be quadratic at 100,000
 * rows).  cap is a power of two at least twice the rows a file of its
 * size can hold, so the table never fills.
 */
struct seen {
	char		**key;
	int		 *line;
	size_t		  cap;
};

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The line an address was first seen on, or 0 after recording it. */
static int
seen_add(struct seen *s, char *email, int line)
{
	size_t i;

	for (i = hash_str(email) & (s->cap - 1); s->key[i] != NULL;
	    i = (i + 1) & (s->cap - 1))
		if (strcmp(s->key[i], email) == 0)
			return s->line[i];
	s->key[i] = email;
	s->line[i] = line;
	return 0;
}

/* Checks one record; a good one is appended to im->rows. */
static void
check_row(struct import *im, struct csv *c, h2o_mem_pool_t *mp,
    struct seen *seen)
{
	struct row w;
	const char *f[COL__MAX] = { NULL };
	char email[EMAIL_MAX + 1];
	int i, first;

	memset(&w, 0, sizeof(w));
	w.line = c->start;
	for (i = 0; i < c->n; i++)
		f[im->map[i]] = unformula(csv_field(c, i));
	if (f[COL_EMAIL] == NULL || page_email_norm(f[COL_EMAIL], email,
	    sizeof(email)) != 0) {
		bad(im, w.line, f[COL_EMAIL] != NULL && strlen(f[COL_EMAIL]) <
		    80 ? f[COL_EMAIL] : "", "not an email address");
		return;
	}
	/* Every repeat of an address is reported, whatever else is wrong. */
	w.email = h2o_strdup(mp, email, SIZE_MAX).base;
	if ((first = seen_add(seen, w.email, w.line)) != 0) {
		bad(im, w.line, email, "the same address as line %d", first);
		return;
	}
	if (f[COL_NAME] != NULL && strlen(f[COL_NAME]) > NAME_MAX_) {
		bad(im, w.line, email, "a name longer than %d bytes", NAME_MAX_);
		return;
	}
	if ((f[COL_CONSENT] != NULL && strlen(f[COL_CONSENT]) > CONSENT_MAX) ||
	    (f[COL_CONSENT_IP] != NULL && strlen(f[COL_CONSENT_IP]) > 64)) {
		bad(im, w.line, email, "a consent text longer than %d bytes",
		    CONSENT_MAX);
		return;
	}
	if (f[COL_STATUS] != NULL && f[COL_STATUS][0] != '\0') {
		if (strcmp(f[COL_STATUS], "unsubscribed") == 0 ||
		    (im->optin && strcmp(f[COL_STATUS], "pending") == 0))
			w.skip = 1;
		else if (strcmp(f[COL_STATUS], "active") != 0 &&
		    strcmp(f[COL_STATUS], "pending") != 0) {
			bad(im, w.line, email, "status \"%.20s\" is none of "
			    "pending, active, unsubscribed", f[COL_STATUS]);
			return;
		}
	}
	if (f[COL_CONSENTED_AT] != NULL && f[COL_CONSENTED_AT][0] != '\0' &&
	    (parse_utc(f[COL_CONSENTED_AT], &w.consented) != 0 ||
	    w.consented > im->now + 300)) {
		bad(im, w.line, email, "consented_at \"%.30s\" is not a past "
		    "time like 2026-05-12T13:00:00Z", f[COL_CONSENTED_AT]);
		return;
	}
	if (f[COL_NEWSLETTERS] != NULL && row_lists(im, &w, f[COL_NEWSLETTERS],
	    email) != 0)
		return;
	if (w.nlists == 0) {
		memcpy(w.lists, im->chosen, sizeof(w.lists));
		w.nlists = im->nchosen;
	}
	if (w.nlists == 0) {
		bad(im, w.line, email, "no newsletter: tick some in the form or "
		    "give a newsletters column");
		return;
	}
	if (f[COL_CONSENT] != NULL && f[COL_CONSENT][0] != '\0')
		w.consent = h2o_strdup(mp, f[COL_CONSENT], SIZE_MAX).base;
	else if (im->statement[0] != '\0')
		w.consent = (char *)im->statement;
	else if (im->optin) {
		bad(im, w.line, email, "no consent record: give a consent "
		    "column or type the consent statement in the form");
		return;
	} else
		w.consent = (char *)im->asked_text;
	w.name = f[COL_NAME] != NULL ? h2o_strdup(mp, f[COL_NAME],
	    SIZE_MAX).base : NULL;
	w.ip = h2o_strdup(mp, f[COL_CONSENT_IP] != NULL ?
	    f[COL_CONSENT_IP] : "", SIZE_MAX).base;
	if (w.skip) {
		im->nskip++;
		note(im, w.line, w.email, strcmp(f[COL_STATUS], "pending") == 0 ?
		    "pending in the file (never confirmed): not imported as "
		    "opted in" : "unsubscribed in the file: not imported");
		return;
	}
	if (im->nrows == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 256;
		im->rows = xrealloc(im->rows, im->cap * sizeof(*im->rows));
	}
	im->rows[im->nrows++] = w;
}

/*
 * Reads and checks the whole file; -1 with err when it is not a CSV
 * file this import reads (nothing of it is then looked at further),
 * 413 with err when it has too many rows.
 */
static int
check_file(struct import *im, h2o_mem_pool_t *mp, const char *data,
    size_t len, char *err, size_t errlen, int *errline)
{
	struct csv c;
	struct seen seen;
	char why[200];
	int rc, ret = 0, i, col = 0;
	size_t nrec = 0, k;

	*errline = 0;
	if ((*errline = csv_utf8_line(data, len, &col)) != 0) {
		snprintf(err, errlen, "the file is not UTF-8 text at column %d "
		    "(save it as \"CSV UTF-8\")", col);
		return -1;
	}
	/* At most one address per 6 bytes (a@b.cd): size the hash by it. */
	seen.cap = 64;
	while (seen.cap < 2 * (len / 6 + 1) && seen.cap < 4 * IMPORT_ROWS_MAX)
		seen.cap *= 2;
	seen.key = xcalloc(seen.cap, sizeof(*seen.key));
	seen.line = xcalloc(seen.cap, sizeof(*seen.line));
	csv_init(&c, data, len);
	/* After this point, every way out goes through out. */
	if ((rc = csv_next(&c, why, sizeof(why))) <= 0) {
		*errline = 1;
		snprintf(err, errlen, "%s", rc == 0 ? "the file is empty: the "
		    "first line must name the columns" : why);
		ret = -1;
		goto out;
	}
	if (header(im, &c, err, errlen) != 0) {
		*errline = 1;
		ret = -1;
		goto out;
	}
	/* A column holds paragraphs when text.h says its name does (consent). */
	for (i = 0; i < im->ncols; i++)
		for (k = 0; k < ARRAY_SIZE(columns); k++)
			if ((int)columns[k].col == im->map[i] &&
			    text_rule_of(columns[k].name) == TEXT_LINES)
				c.multiline |= 1u << i;
	while ((rc = csv_next(&c, why, sizeof(why))) == 1) {
		if (c.n == 1 && csv_field(&c, 0)[0] == '\0')
			continue;	/* a blank line */
		if (++nrec > IMPORT_ROWS_MAX) {
			snprintf(err, errlen, "more than %d rows: split the "
			    "file", IMPORT_ROWS_MAX);
			ret = 413;
			goto out;
		}
		if (c.n != im->ncols) {
			bad(im, c.start, NULL, "%d fields where the header has "
			    "%d", c.n, im->ncols);
			continue;
		}
		check_row(im, &c, mp, &seen);
	}
	if (rc < 0) {
		*errline = c.text_fault ? c.errline : c.start;
		snprintf(err, errlen, "%s%s", c.text_fault ? "not text: " :
		    "not CSV: ", why);
		ret = -1;
	}
out:
	csv_free(&c);
	free(seen.key);
	free(seen.line);
	return ret;
}

/* What an import did, for its report. */
struct tally {
	int64_t		 added;		/* new subscriptions (active or pending) */
	int64_t		 kept;		/* already active: left as they were */
	int64_t		 asked;		/* confirmation letters queued */
	int64_t		 skipped;	/* unsubscribed before: not signed up */
};

/* Writes one checked row, inside the import's transaction. */
static int
write_row(struct import *im, struct db *db, struct row *w, struct tally *t)
{
	json_t *sub = NULL, *cur = NULL, *names = NULL, *v;
	int64_t id;
	size_t i;
	int k, rc;
	char why[300];

	/* A new address (the common case) has no sign-ups to look at. */
	rc = store_subscriber_add_new(db, w->email, w->name != NULL ?
	    w->name : "", im->now, im->optin ? im->now : 0, &id);
	if (rc == STORE_NOTFOUND) {
		rc = store_subscriber_for_email(db, w->email, im->now, &sub);
		if (rc != STORE_OK)
			return rc;
		id = json_integer_value(json_object_get(sub, "id"));
		json_decref(sub);
		if (w->name != NULL && w->name[0] != '\0' &&
		    (rc = store_subscriber_set_name(db, id, w->name)) !=
		    STORE_OK)
			return rc;
		if ((rc = store_subscriptions_of(db, id, &cur)) != STORE_OK)
			return rc;
	} else if (rc != STORE_OK) {
		return rc;
	}
	/* After this point, every way out goes through out. */
	names = json_array();
	for (k = 0; k < w->nlists; k++) {
		const char *st = "";

		json_array_foreach(cur, i, v)
			if (json_integer_value(json_object_get(v, "id")) ==
			    w->lists[k])
				st = json_string_value(json_object_get(v,
				    "status"));
		if (strcmp(st, "active") == 0) {
			t->kept++;
			continue;
		}
		if (strcmp(st, "unsubscribed") == 0) {
			t->skipped++;
			snprintf(why, sizeof(why), "unsubscribed from %s: not "
			    "signed up again", list_name(im, w->lists[k]));
			note(im, w->line, w->email, why);
			continue;
		}
		rc = store_subscription_import(db, id, w->lists[k],
		    im->optin ? "active" : "pending", w->consent, w->ip,
		    w->consented > 0 ? w->consented : im->now, im->now);
		if (rc != STORE_OK)
			goto out;
		t->added++;
		json_array_append_new(names, json_string(list_name(im,
		    w->lists[k])));
	}
	if (json_array_size(names) == 0)
		goto out;
	if (im->optin) {
		if (cur != NULL)
			rc = store_subscriber_mark_confirmed(db, id, im->now);
	} else {
		rc = page_newsletter_ask_confirm(db, NULL, id, w->email,
		    names, im->now);
		t->asked++;
	}
out:
	json_decref(cur);
	json_decref(names);
	return rc;
}

/* The newsletters ticked in the form (fields "n"); -1 on an unknown one. */
static int
form_lists(struct import *im, struct mp_part *parts, int n)
{
	int i;
	int64_t id;

	for (i = 0; i < n; i++) {
		if (strcmp(parts[i].name, "n") != 0)
			continue;
		if ((id = list_id(im, parts[i].data, parts[i].len)) == 0)
			return -1;
		if (im->nchosen < CSV_MAX_FIELDS)
			im->chosen[im->nchosen++] = id;
	}
	return 0;
}

/* A text part of the form as a string in the request's pool, or NULL. */
static const char *
part_str(struct req *r, struct mp_part *parts, int n, const char *name,
    size_t max)
{
	const struct mp_part *p = multipart_get(parts, n, name);

	if (p == NULL || p->len > max || memchr(p->data, '\0', p->len) != NULL)
		return NULL;
	return h2o_strdup(&r->h->pool, p->data, p->len).base;
}

/*
 * The record kept with a pending sign-up whose row and form give no
 * consent text: who imported it, when, and that the address was asked.
 */
static const char *
asked_text(struct req *r, int64_t now)
{
	struct buf *b = own_buf(r, 0);
	char when[64];
	const char *s;

	admin_fmt_local(now, when, sizeof(when));
	buf_printf(b, "Imported by %s on %s; asked to confirm by email.",
	    r->user->email, when);
	s = h2o_strdup(&r->h->pool, buf_err(b) ? "" : b->p, SIZE_MAX).base;
	return s;
}

/* The list page with an import's outcome (taken) at the given status. */
static int
import_answer(struct req *r, int status, json_t *report)
{
	json_object_set_new(report, "has_bad", json_boolean(json_array_size(
	    json_object_get(report, "bad")) > 0));
	json_object_set_new(report, "has_notes", json_boolean(json_array_size(
	    json_object_get(report, "notes")) > 0));
	return list_page(r, status, json_pack("{s:o}", "import", report));
}

/*
 * An import handed to the work pool (pool.h): reading, checking and
 * writing 100,000 rows takes seconds, which an event loop cannot wait.
 * The form is read on the loop; the file (a copy) and the choices go
 * to the pool, and the outcome comes back to be answered.  Freed by
 * import_done.
 */
struct import_task {
	struct import	 im;		/* the form's choices; lists owned */
	char		*data;		/* the file */
	size_t		 len;
	char		*statement;	/* what im.statement and im.asked_text */
	char		*asked;		/* point into */
	uint64_t	 t0;
	int		 status;	/* 200, 4xx, or a status without a page */
	json_t		*report;	/* the list page's "import"; NULL: none */
	struct tally	 t;
};

static void
import_free(struct import_task *it)
{
	json_decref(it->im.lists);
	json_decref(it->report);
	free(it->statement);
	free(it->asked);
	free(it->data);
	free(it);
}

/* On a pool thread: the file checked whole, then written in one go. */
static void
import_work(struct db *db, void *arg)
{
	struct import_task *it = arg;
	struct import *im = &it->im;
	struct tally *t = &it->t;
	h2o_mem_pool_t mp;
	char err[300];
	size_t i;
	int status, line, rc;

	h2o_mem_init_pool(&mp);
	im->bad = json_array();
	im->notes = json_array();
	/* After this point, every way out goes through out. */
	status = check_file(im, &mp, it->data, it->len, err, sizeof(err),
	    &line);
	if (status != 0) {
		it->report = json_pack("{s:s}", "error", "Nothing is imported: "
		    "the file cannot be read as a subscriber list.");
		json_object_set_new(it->report, "bad", json_pack(
		    "[{s:i,s:s,s:s}]", "line", line, "email", "", "reason",
		    err));
		it->status = status < 0 ? 422 : status;
		goto out;
	}
	if (im->nbad > 0) {
		it->report = json_pack("{s:s,s:O,s:I}", "error", "Nothing is "
		    "imported: correct the lines below (or delete them) and "
		    "upload the file again.", "bad", im->bad, "nbad",
		    (json_int_t)im->nbad);
		it->status = 422;
		goto out;
	}
	if ((rc = db_begin_write(db)) != DB_OK) {
		it->status = status_store(store_rc_from_db(rc));
		goto out;
	}
	rc = STORE_OK;
	for (i = 0; i < im->nrows && rc == STORE_OK; i++)
		rc = write_row(im, db, &im->rows[i], t);
	if (rc != STORE_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		it->status = status_write(rc);
		goto out;
	}
	if (t->asked > 0)
		jobs_kick();
	it->status = 200;
	it->report = json_pack("{s:{s:b,s:I,s:I,s:I,s:I,s:I,s:I},s:O}",
	    "summary", "optin", im->optin, "rows", (json_int_t)im->nrows,
	    "added", (json_int_t)t->added, "kept", (json_int_t)t->kept,
	    "asked", (json_int_t)t->asked, "skipped", (json_int_t)(t->skipped +
	    im->nskip), "ms", (json_int_t)((now_mono_usec() - it->t0) / 1000),
	    "notes", im->notes);
out:
	json_decref(im->bad);
	json_decref(im->notes);
	im->bad = im->notes = NULL;
	free(im->rows);
	im->rows = NULL;
	h2o_mem_clear_pool(&mp);
}

/* Back on the loop: the list page with the import's outcome. */
static int
import_done(struct req *r, void *arg)
{
	struct import_task *it = arg;
	json_t *report = it->report;
	int status = it->status;

	if (r == NULL) {
		import_free(it);
		return 0;
	}
	/* An import is rare and worth a line in the log. */
	if (status == 200)
		fprintf(stderr, "masthead: %s imported %zu rows (%s): %lld new "
		    "sign-ups in %llu ms\n", r->user->email, it->im.nrows,
		    it->im.optin ? "opted in" : "confirmation asked",
		    (long long)it->t.added, (unsigned long long)(
		    (now_mono_usec() - it->t0) / 1000));
	it->report = NULL;
	import_free(it);
	return report != NULL ? import_answer(r, status, report) : status;
}

/*
 * POST /admin/subscribers/import (multipart/form-data): csrf, mode
 * ("optin" or "confirm"), consent (the statement), n (newsletters, any
 * number) and file.
 */
int
page_admin_subscribers_import(struct req *r)
{
	struct mp_part parts[FORM_PARTS];
	struct import im;
	struct import_task *it;
	const struct mp_part *file;
	const char *ct = http_req_header(r, "content-type"), *mode;
	char err[300];
	int status, nparts = 0, rc;
	uint64_t t0 = now_mono_usec();

	if (r->h->entity.base == NULL || ct == NULL ||
	    strncasecmp(ct, "multipart/form-data", 19) != 0)
		return 415;
	/* A field that is not text leaves the parts read, the token with them. */
	if ((rc = multipart_parse(ct, r->h->entity.base, r->h->entity.len,
	    parts, FORM_PARTS, &nparts, err, sizeof(err))) != 0 &&
	    rc != MULTIPART_BAD_TEXT)
		return 400;
	if (rc == MULTIPART_BAD_TEXT)
		return import_answer(r, 422, json_pack("{s:s}", "error", err));
	memset(&im, 0, sizeof(im));
	im.now = now_unix();
	/* After this point, every way out goes through out. */
	if ((rc = store_newsletters(r->db, &im.lists)) != STORE_OK) {
		status = status_store(rc);
		goto out;
	}
	mode = part_str(r, parts, nparts, "mode", 20);
	im.statement = part_str(r, parts, nparts, "consent", CONSENT_MAX);
	file = multipart_get(parts, nparts, "file");
	if (im.statement == NULL || form_lists(&im, parts, nparts) != 0 ||
	    file == NULL) {
		status = import_answer(r, 400, json_pack("{s:s}", "error",
		    "The form must carry a file, the opt-in choice, a consent "
		    "statement of at most 2,000 characters and newsletters of "
		    "this site."));
		goto out;
	}
	while (*im.statement == ' ')
		im.statement++;
	if (mode == NULL || (strcmp(mode, "optin") != 0 &&
	    strcmp(mode, "confirm") != 0)) {
		status = import_answer(r, 422, json_pack("{s:s}", "error",
		    "Say whether these people already opted in, or should get "
		    "a confirmation email."));
		goto out;
	}
	im.optin = strcmp(mode, "optin") == 0;
	im.asked_text = asked_text(r, im.now);
	if (file->len > (size_t)config.max_upload) {
		status = import_answer(r, 413, json_pack("{s:s}", "error",
		    "The file is larger than the import takes (max_upload)."));
		goto out;
	}
	/* The rest is the pool's, which owns copies of what it reads. */
	it = xcalloc(1, sizeof(*it));
	it->im = im;
	it->statement = xstrdup(im.statement);
	it->asked = xstrdup(im.asked_text);
	it->im.statement = it->statement;
	it->im.asked_text = it->asked;
	it->data = xmalloc(file->len);
	memcpy(it->data, file->data, file->len);
	it->len = file->len;
	it->t0 = t0;
	im.lists = NULL;
	if ((status = pool_submit(r, import_work, import_done, it)) == 0)
		return 0;
	import_free(it);
	status = import_answer(r, status, json_pack("{s:s}", "error",
	    "The server is busy with other imports and uploads; try again "
	    "in a moment."));
out:
	json_decref(im.lists);
	return status;
}
