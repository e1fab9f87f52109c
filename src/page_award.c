/*
 * page_award.c — the awards programme for readers (docs/awards.md):
 * the programmes and their archive (/awards), a year's categories and
 * entry period (/awards/:year), its shortlist and winners once an
 * editor publishes them, and the entry form with its confirmation
 * letter and the entrant's own page (view, withdraw).
 *
 * The four reader pages are cached under the tag "awards" and until the
 * next opening or closing of entry, so an editor's publish shows at
 * once and "Enter" appears and goes at the second.  The form, the
 * entrant's page and the withdrawal are forms: never cached.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "buf.h"
#include "cache.h"
#include "db.h"
#include "jobs.h"
#include "mail.h"
#include "multipart.h"
#include "own.h"
#include "page.h"
#include "ratelimit.h"
#include "req.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define EMAIL_MAX	254
#define FIELD_MAX	200	/* name, company, job title, entry title */
#define ANSWER_MAX	3000	/* bytes of one answer */
#define FILE_MAX	(2 * 1024 * 1024)	/* bytes of an attachment */
#define FORM_PARTS	16	/* the entry form has 11 */
#define RATE_WINDOW	3600
#define RATE_IP		20	/* entries from one address an hour */

/* The questions every entry answers; the category's criteria guide them. */
static const struct {
	const char	*field, *q;
} questions[] = {
	{ "summary", "What was done, and for whom?" },
	{ "impact", "What changed because of it? Give figures where you can." },
};

const char *
page_award_question(size_t i)
{
	return i < ARRAY_SIZE(questions) ? questions[i].q : "";
}

/* The files an entry may carry, known by their first bytes. */
static const struct {
	const char	*magic;
	size_t		 len;
	const char	*ctype, *ext;
} file_kinds[] = {
	{ "%PDF-", 5, "application/pdf", "pdf" },
	{ "\x89PNG\r\n\x1a\n", 8, "image/png", "png" },
	{ "\xff\xd8\xff", 3, "image/jpeg", "jpg" },
};

static const char consent_text[] = "I agree that the organisers keep the "
    "details of this entry to judge the awards and to contact me about "
    "it, and that a shortlisted or winning entry's name, company and "
    "title are published.";

/* The programme of the route's :year (argument 0), the request's. */
static int
programme(struct req *r, json_t **p)
{
	struct award_arg a[1];
	int64_t year;
	int rc;

	*p = NULL;
	if (parse_int(r->arg[0], r->arglen[0], 1900, 9999, &year) != 0)
		return 404;
	a[0] = (struct award_arg)AWARD_INT(year);
	if ((rc = store_award_row(r->db, AWARD_PROG_BY_YEAR, a, 1, p)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, *p);
	return 0;
}

/* Whether entry is open at now: from its opening to its closing second. */
static int
entry_open(json_t *p, int64_t now)
{
	return view_int(p, "opens_at") <= now &&
	    now < view_int(p, "closes_at");
}

/*
 * Dresses a programme for a page: its URLs, the entry period in words,
 * whether entry is open, and the ceremony event.  Declares the moment
 * the page changes by itself (entry opening or closing).
 */
static void
dress(json_t *p, int64_t now)
{
	char a[80], b[80], url[64];
	int64_t opens = view_int(p, "opens_at");
	int64_t closes = view_int(p, "closes_at");

	snprintf(url, sizeof(url), "/awards/%s", view_str(p, "year"));
	json_object_set_new(p, "url", json_string(url));
	view_fmt_datetime(opens, a, sizeof(a));
	view_fmt_datetime(closes, b, sizeof(b));
	json_object_set_new(p, "opens_text", json_string(a));
	json_object_set_new(p, "closes_text", json_string(b));
	json_object_set_new(p, "open", json_boolean(entry_open(p, now)));
	json_object_set_new(p, "not_yet", json_boolean(now < opens));
	json_object_set_new(p, "closed", json_boolean(now >= closes));
	json_object_set_new(p, "has_shortlist", json_boolean(
	    json_is_integer(json_object_get(p, "shortlist_at"))));
	json_object_set_new(p, "has_winners", json_boolean(
	    json_is_integer(json_object_get(p, "winners_at"))));
	if (view_str(p, "event_slug")[0] != '\0') {
		view_fmt_date_long(view_int(p, "event_starts_at"), a,
		    sizeof(a));
		json_object_set_new(p, "event", json_pack("{s:s+,s:O,s:s,s:O}",
		    "url", "/events/", view_str(p, "event_slug"), "name",
		    json_object_get(p, "event_name"), "date", a, "venue",
		    json_object_get(p, "event_venue")));
	}
	if (now < opens)
		cache_dep_until(opens);
	else if (now < closes)
		cache_dep_until(closes);
}

static json_t *
page_title(const char *t)
{
	return json_pack("{s:s}", "title", t);
}

/* GET /awards: the newest programme and the archive of past years. */
int
page_awards(struct req *r)
{
	json_t *list, *p, *m, *past;
	int64_t now = page_now();
	size_t i;
	int rc;

	cache_dep_str(tag_awards().s);
	if ((rc = store_award_rows(r->db, AWARD_PROGS_PUBLIC, NULL, 0,
	    &list)) != STORE_OK)
		return status_store(rc);
	own_json(r, list);
	past = json_array();
	m = json_pack("{s:o,s:o}", "page", page_title("Awards"), "past", past);
	json_array_foreach(list, i, p) {
		dress(p, now);
		if (i == 0)
			json_object_set(m, "current", p);
		else
			json_array_append(past, p);
	}
	json_object_set_new(m, "has_past", json_boolean(
	    json_array_size(past) > 0));
	return page_render(r, 200, "awards", m);
}

/* The categories of p, the request's. */
static int
categories(struct req *r, json_t *p, json_t **out)
{
	struct award_arg a[1] = { AWARD_INT(view_int(p, "id")) };
	int rc;

	if ((rc = store_award_rows(r->db, AWARD_CATS, a, 1, out)) != STORE_OK)
		return status_store(rc);
	own_json(r, *out);
	return 0;
}

/* GET /awards/:year: categories with their criteria, the entry period. */
int
page_award_year(struct req *r)
{
	json_t *p, *cats, *m;
	char title[300];
	int status;

	cache_dep_str(tag_awards().s);
	if ((status = programme(r, &p)) != 0 ||
	    (status = categories(r, p, &cats)) != 0)
		return status;
	dress(p, page_now());
	snprintf(title, sizeof(title), "%s", view_str(p, "title"));
	m = json_pack("{s:o,s:O,s:O}", "page", page_title(title), "p", p,
	    "categories", cats);
	return page_render(r, 200, "award", m);
}

/*
 * The shortlist (winners 0) or the winners (1) of the route's year, by
 * category; 404 until an editor publishes it.
 */
static int
results(struct req *r, int winners)
{
	json_t *p, *cats, *rows, *c, *e, *list, *m;
	struct award_arg a[1];
	char title[300];
	size_t i, j;
	int status, rc;

	cache_dep_str(tag_awards().s);
	if ((status = programme(r, &p)) != 0)
		return status;
	if (!json_is_integer(json_object_get(p, winners ? "winners_at" :
	    "shortlist_at")))
		return 404;
	if ((status = categories(r, p, &cats)) != 0)
		return status;
	a[0] = (struct award_arg)AWARD_INT(view_int(p, "id"));
	if ((rc = store_award_rows(r->db, AWARD_ENTRIES_PUBLIC, a, 1,
	    &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	dress(p, page_now());
	json_array_foreach(cats, i, c) {
		list = json_array();
		json_array_foreach(rows, j, e) {
			if (view_int(e, "category_id") != view_int(c, "id"))
				continue;
			if (winners && strcmp(view_str(e, "status"),
			    "winner") != 0)
				continue;
			/* The shortlist names the winners too, once known. */
			json_object_set_new(e, "won", json_boolean(
			    json_is_integer(json_object_get(p, "winners_at")) &&
			    strcmp(view_str(e, "status"), "winner") == 0));
			json_array_append(list, e);
		}
		json_object_set_new(c, "entries", list);
	}
	snprintf(title, sizeof(title), "%s: %s", view_str(p, "title"),
	    winners ? "Winners" : "Shortlist");
	m = json_pack("{s:o,s:O,s:O,s:b}", "page", page_title(title), "p", p,
	    "categories", cats, "winners", winners);
	return page_render(r, 200, "award_results", m);
}

int page_award_shortlist(struct req *r) { return results(r, 0); }
int page_award_winners(struct req *r) { return results(r, 1); }

/*
 * Refuses an entry outside the entry period with a page that says when
 * it opens, or that it has closed: 403 before, 410 after.  0 when open.
 */
static int
refuse_closed(struct req *r, json_t *p)
{
	int64_t now = now_unix();
	char text[400], when[80];

	if (entry_open(p, now))
		return 0;
	if (now < view_int(p, "opens_at")) {
		view_fmt_datetime(view_int(p, "opens_at"), when,
		    sizeof(when));
		snprintf(text, sizeof(text), "Entry to %s opens on %s.",
		    view_str(p, "title"), when);
		page_notice(r, 403, "Entry has not opened yet", text,
		    view_str(p, "url"), "The categories");
		return -1;
	}
	view_fmt_datetime(view_int(p, "closes_at"), when, sizeof(when));
	snprintf(text, sizeof(text), "Entry to %s closed on %s. Entries "
	    "sent after the deadline cannot be judged.", view_str(p, "title"),
	    when);
	page_notice(r, 410, "Entry has closed", text, view_str(p, "url"),
	    "The categories");
	return -1;
}

/*
 * The entry form: v holds what the entrant typed (field -> text), NULL
 * for nothing; a signed-in reader's name and email fill an empty form.
 */
static int
form(struct req *r, json_t *p, json_t *cats, int status, const char *error,
    json_t *v)
{
	static const char *const keys[] = { "name", "email", "company",
	    "job_title", "title" };
	json_t *m, *qs, *c, *list;
	int64_t chosen = view_int(v, "category");
	char action[64];
	size_t i;

	m = json_object();
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		json_object_set_new(m, keys[i], json_string(view_str(v,
		    keys[i])));
	if (v == NULL && r->user != NULL) {
		json_object_set_new(m, "name", json_string(r->user->name));
		json_object_set_new(m, "email", json_string(r->user->email));
	}
	qs = json_array();
	for (i = 0; i < ARRAY_SIZE(questions); i++)
		json_array_append_new(qs, json_pack("{s:s,s:s,s:s}", "field",
		    questions[i].field, "q", questions[i].q, "value",
		    view_str(v, questions[i].field)));
	list = json_array();
	json_array_foreach(cats, i, c)
		json_array_append_new(list, json_pack("{s:O,s:O,s:b}", "id",
		    json_object_get(c, "id"), "name", json_object_get(c,
		    "name"), "selected", view_int(c, "id") == chosen));
	snprintf(action, sizeof(action), "%s/enter", view_str(p, "url"));
	json_object_set_new(m, "questions", qs);
	json_object_set_new(m, "categories", list);
	json_object_set_new(m, "action", json_string(action));
	json_object_set(m, "p", p);
	json_object_set_new(m, "consent", json_string(consent_text));
	json_object_set_new(m, "file_max_mb", json_integer(FILE_MAX /
	    (1024 * 1024)));
	json_object_set_new(m, "typed", json_boolean(v != NULL));
	return page_form(r, status, "award_enter", view_str(p, "title"),
	    error, m);
}

#define SENT	(-1)	/* the answer has gone out */

/*
 * The programme the entry form of the route is for and its categories,
 * the request's: 0, SENT when entry is not open (the page that says so
 * has gone out) or a status.
 */
static int
entry_target(struct req *r, json_t **p, json_t **cats)
{
	int status;

	if ((status = programme(r, p)) != 0)
		return status;
	dress(*p, now_unix());
	/* The deadline is the second the store holds: nothing is read after. */
	if (refuse_closed(r, *p) != 0)
		return SENT;
	return categories(r, *p, cats);
}

/* GET /awards/:year/enter: the form while entry is open. */
int
page_award_enter(struct req *r)
{
	json_t *p, *cats;
	int status;

	if ((status = entry_target(r, &p, &cats)) != 0)
		return status == SENT ? 0 : status;
	return form(r, p, cats, 200, NULL, NULL);
}

/*
 * A text part trimmed of white space at both ends into v[key]; -1 when
 * it is longer than max.  A missing part is "".
 */
static int
part(struct req *r, const struct mp_part *parts, int n, const char *key,
    size_t max, json_t *v)
{
	const struct mp_part *f = multipart_get(parts, n, key);
	const char *s = f != NULL ? f->data : "";
	size_t len = f != NULL ? f->len : 0;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	json_object_set_new(v, key, json_stringn(s, len));
	(void)r;
	return len > max ? -1 : 0;
}

/* The kind of an attachment by its bytes; -1 for one not taken. */
static int
file_kind(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(file_kinds); i++)
		if (len >= file_kinds[i].len && memcmp(data,
		    file_kinds[i].magic, file_kinds[i].len) == 0)
			return (int)i;
	return -1;
}

/*
 * Reads and checks the entry into v; NULL, or the sentence the entrant
 * sees with *status the answer's (422, 413 or 415).
 */
static const char *
check(struct req *r, const struct mp_part *parts, int n, json_t *cats,
    json_t *v, int *status)
{
	static _Thread_local char why[300];	/* one per server thread */
	const struct mp_part *cat, *f;
	char email[EMAIL_MAX + 1];
	json_t *c, *answers;
	int64_t id = 0;
	size_t i;
	int found = 0;
	static const struct {
		const char	*key;
		size_t		 max;
	} fields[] = {
		{ "name", FIELD_MAX }, { "email", EMAIL_MAX },
		{ "company", FIELD_MAX }, { "job_title", FIELD_MAX },
		{ "title", FIELD_MAX }, { "summary", ANSWER_MAX },
		{ "impact", ANSWER_MAX },
	};
	int too_long[ARRAY_SIZE(fields)];

	*status = 422;
	/* Every field is read first, so that the form keeps them all. */
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		too_long[i] = part(r, parts, n, fields[i].key, fields[i].max,
		    v);
	cat = multipart_get(parts, n, "category");
	if (cat != NULL)
		(void)parse_int(cat->data, cat->len, 1, INT64_MAX, &id);
	json_object_set_new(v, "category", json_integer(id));
	if (too_long[0] || view_str(v, "name")[0] == '\0')
		return "Give your name (at most 200 bytes).";
	if (too_long[1] || page_email_norm(view_str(v, "email"), email,
	    sizeof(email)) != 0)
		return "Give an email address like name@example.com.";
	json_object_set_new(v, "email", json_string(email));
	if (too_long[2] || view_str(v, "company")[0] == '\0')
		return "Give the company the entry is for (at most 200 bytes).";
	if (too_long[3])
		return "The job title is at most 200 bytes.";
	json_array_foreach(cats, i, c)
		if (view_int(c, "id") == id)
			found = 1;
	if (!found)
		return "Choose the category you are entering.";
	if (too_long[4] || view_str(v, "title")[0] == '\0')
		return "Give the entry a title (at most 200 bytes).";
	answers = json_array();
	json_object_set_new(v, "answers", answers);
	for (i = 0; i < ARRAY_SIZE(questions); i++) {
		if (too_long[5 + i] || view_str(v, questions[i].field)[0] ==
		    '\0') {
			snprintf(why, sizeof(why), "Answer \"%s\" in at most "
			    "%d bytes.", questions[i].q, ANSWER_MAX);
			return why;
		}
		json_array_append_new(answers, json_pack("{s:s,s:O}", "q",
		    questions[i].q, "a", json_object_get(v,
		    questions[i].field)));
	}
	f = multipart_get(parts, n, MULTIPART_FILE_FIELD);
	if (f != NULL && f->len > 0) {
		if (f->len > FILE_MAX) {
			*status = 413;
			snprintf(why, sizeof(why), "The attachment is larger "
			    "than %d MB: send a smaller file, or none.",
			    FILE_MAX / (1024 * 1024));
			return why;
		}
		if (file_kind(f->data, f->len) < 0) {
			*status = 415;
			return "The attachment must be a PDF, PNG or JPEG "
			    "file.";
		}
	}
	if ((f = multipart_get(parts, n, "consent")) == NULL || f->len != 3 ||
	    memcmp(f->data, "yes", 3) != 0)
		return "Tick the box to agree to the terms of entering.";
	return NULL;
}

/*
 * The attachment's file name as the newsroom will offer it: the sender's
 * name cut to letters, digits, dots, dashes and underscores.
 */
static void
file_name(const struct mp_part *f, const char *ext, char *out, size_t n)
{
	size_t i, o = 0;
	unsigned char ch;

	for (i = 0; f->filename[i] != '\0' && o + 1 < n && o < 80; i++) {
		ch = (unsigned char)f->filename[i];
		out[o++] = isalnum(ch) || ch == '.' || ch == '-' || ch == '_' ?
		    (char)ch : '-';
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, n, "entry.%s", ext);
}

/* The confirmation letter, inside the caller's transaction. */
static int
letter(struct req *r, json_t *p, json_t *v, const char *category,
    const char *tok)
{
	struct buf *text = own_buf(r, 0), *html = own_buf(r, 0);
	struct buf *url = own_buf(r, 0);
	char subject[300], line[700];

	buf_printf(url, "%s/awards/entries/%s", page_base_url(r), tok);
	snprintf(subject, sizeof(subject), "Your entry to %s",
	    view_str(p, "title"));
	snprintf(line, sizeof(line), "We have your entry \"%s\" for %s in "
	    "the category %s.", view_str(v, "title"), view_str(v, "company"),
	    category);
	mail_para(text, html, line);
	mail_para(text, html, "The judges score every entry after the "
	    "deadline. The shortlist and the winners are published on our "
	    "awards pages.");
	mail_link(text, html, "See or withdraw your entry",
	    url->p != NULL ? url->p : "");
	if (buf_err(text) || buf_err(html) || buf_err(url))
		return STORE_INVALID;
	return mail_queue(r->db, view_str(v, "name"), view_str(v, "email"),
	    subject, text->p, html->p);
}

/*
 * Stores the entry and queues its letter in one transaction; a second
 * submit of the same entry (address, category, title) is 409 and sends
 * nothing.
 */
static int
save(struct req *r, json_t *p, json_t *cats, json_t *v,
    const struct mp_part *f)
{
	char tok[64], hash[65], name[100], text[500];
	const char *category = "", *ctype = "", *b64 = "";
	char *enc = NULL, *answers;
	struct award_arg a[13];
	json_t *c;
	size_t i, enclen;
	int k, rc;

	name[0] = '\0';
	if (f != NULL && f->len > 0 && (k = file_kind(f->data, f->len)) >= 0) {
		enclen = sodium_base64_encoded_len(f->len,
		    sodium_base64_VARIANT_ORIGINAL);
		enc = own_heap(r, xmalloc(enclen));
		b64 = sodium_bin2base64(enc, enclen,
		    (const unsigned char *)f->data, f->len,
		    sodium_base64_VARIANT_ORIGINAL);
		ctype = file_kinds[k].ctype;
		file_name(f, file_kinds[k].ext, name, sizeof(name));
	}
	json_array_foreach(cats, i, c)
		if (view_int(c, "id") == view_int(v, "category"))
			category = view_str(c, "name");
	answers = own_heap(r, json_dumps(json_object_get(v, "answers"),
	    JSON_COMPACT));
	page_link_token(tok, hash);
	a[0] = (struct award_arg)AWARD_INT(view_int(p, "id"));
	a[1] = (struct award_arg)AWARD_INT(view_int(v, "category"));
	a[2] = (struct award_arg)AWARD_STR(view_str(v, "name"));
	a[3] = (struct award_arg)AWARD_STR(view_str(v, "email"));
	a[4] = (struct award_arg)AWARD_STR(view_str(v, "company"));
	a[5] = (struct award_arg)AWARD_STR(view_str(v, "job_title"));
	a[6] = (struct award_arg)AWARD_STR(view_str(v, "title"));
	a[7] = (struct award_arg)AWARD_STR(answers != NULL ? answers : "[]");
	a[8] = (struct award_arg)AWARD_STR(name);
	a[9] = (struct award_arg)AWARD_STR(ctype);
	a[10] = (struct award_arg)AWARD_STR(b64);
	a[11] = (struct award_arg)AWARD_STR(hash);
	a[12] = (struct award_arg)AWARD_INT(now_unix());
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	/* After this point, all errors roll back. */
	rc = store_award_run(r->db, AWARD_ENTRY_INSERT, a, 13, NULL);
	if (rc == STORE_OK)
		rc = letter(r, p, v, category, tok);
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		snprintf(text, sizeof(text), "%s has already entered \"%s\" in "
		    "this category. The confirmation email we sent has the "
		    "link to see or withdraw the entry.", view_str(v, "email"),
		    view_str(v, "title"));
		return page_notice(r, 409, "Already entered", text,
		    view_str(p, "url"), "The categories");
	}
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	jobs_kick();
	snprintf(text, sizeof(text), "Your entry \"%s\" is in. We have sent "
	    "a confirmation to %s with a link to see or withdraw it.",
	    view_str(v, "title"), view_str(v, "email"));
	return page_notice(r, 200, "Thank you for entering", text,
	    view_str(p, "url"), "Back to the awards");
}

/* POST /awards/:year/enter (multipart: the form and an attachment). */
int
page_award_enter_post(struct req *r)
{
	struct mp_part parts[FORM_PARTS];
	const char *why;
	char ip[64], key[100], msg[200];
	json_t *p, *cats, *v;
	int status, rc, n = 0;

	if ((status = entry_target(r, &p, &cats)) != 0)
		return status == SENT ? 0 : status;
	rc = r->h->entity.base == NULL ? -1 : multipart_parse(
	    http_req_header(r, "content-type"), r->h->entity.base,
	    r->h->entity.len, parts, FORM_PARTS, &n, msg, sizeof(msg));
	if (rc == MULTIPART_BAD_TEXT)
		return form(r, p, cats, 422, msg, NULL);
	if (rc != 0)
		return 400;
	http_client_ip(r, ip, sizeof(ip));
	snprintf(key, sizeof(key), "award:ip:%s", ip);
	if ((status = ratelimit_key(r, key, RATE_WINDOW, RATE_IP)) != 0)
		return status;
	v = own_json(r, json_object());
	if ((why = check(r, parts, n, cats, v, &status)) != NULL)
		return form(r, p, cats, status, why, v);
	return save(r, p, cats, v, multipart_get(parts, n,
	    MULTIPART_FILE_FIELD));
}

/* The entry of the route's :token, the request's: 0, SENT or a status. */
static int
token_entry(struct req *r, json_t **e)
{
	struct award_arg a[1];
	char hash[65];
	int rc;

	*e = NULL;
	http_header(r, "Referrer-Policy", "no-referrer");
	r->cache_control = "private, no-store";
	if (page_route_token(r, hash) != 0)
		goto bad;
	a[0] = (struct award_arg)AWARD_STR(hash);
	rc = store_award_row(r->db, AWARD_ENTRY_BY_TOKEN, a, 1, e);
	if (rc == STORE_OK) {
		own_json(r, *e);
		return 0;
	}
	if (rc != STORE_NOTFOUND)
		return status_store(rc);
bad:
	page_notice(r, 404, "This link does not work", "The link may have been "
	    "cut short by your mail program. Use the whole link from our "
	    "email.", "/awards", "Awards");
	return SENT;
}

/* GET /awards/entries/:token: the entrant's own entry. */
int
page_award_entry(struct req *r)
{
	json_t *e, *m, *ans;
	char when[80];
	int status;

	if ((status = token_entry(r, &e)) != 0)
		return status == SENT ? 0 : status;
	ans = own_json(r, json_loads(view_str(e, "answers"), 0, NULL));
	view_fmt_datetime(view_int(e, "created_at"), when, sizeof(when));
	m = json_pack("{s:O,s:o,s:s,s:s,s:b,s:b}", "e", e, "answers",
	    json_is_array(ans) ? json_incref(ans) : json_array(), "when", when,
	    "action", r->path, "withdrawable", strcmp(view_str(e, "status"),
	    "submitted") == 0, "withdrawn", strcmp(view_str(e, "status"),
	    "withdrawn") == 0);
	if (http_query(r, "done") != NULL)
		json_object_set_new(m, "notice", json_string("Your entry is "
		    "withdrawn: the judges will not see it."));
	return page_form(r, 200, "award_entry", "Your entry", NULL, m);
}

/* POST /awards/entries/:token/withdraw */
int
page_award_withdraw(struct req *r)
{
	struct url_query q;
	struct award_arg a[2];
	struct buf *url;
	json_t *e;
	int status, rc;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if ((status = token_entry(r, &e)) != 0)
		return status == SENT ? 0 : status;
	a[0] = (struct award_arg)AWARD_INT(view_int(e, "id"));
	a[1] = (struct award_arg)AWARD_INT(now_unix());
	rc = store_award_run(r->db, AWARD_ENTRY_WITHDRAW, a, 2, NULL);
	if (rc == STORE_NOTFOUND)
		return page_notice(r, 409, "This entry cannot be withdrawn",
		    "It is already withdrawn, or the judges have shortlisted "
		    "it: write to the organisers.", "/awards", "Awards");
	if (rc != STORE_OK)
		return status_store(rc);
	url = own_buf(r, 0);
	buf_printf(url, "/awards/entries/%.*s?done=1", (int)r->arglen[0],
	    r->arg[0]);
	http_redirect(r, 303, buf_err(url) ? "/awards" : url->p);
	return 0;
}
