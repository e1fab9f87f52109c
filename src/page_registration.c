/*
 * page_registration.c — readers registering for events and webinars.
 *
 * The event or webinar page is cached and the same for everyone: its
 * small form only posts name and email to /events/:slug/register/start
 * (or /webinars/...), which answers the uncached form with the reader's CSRF token, the questions, the seats
 * left and the consent box.  A registration is confirmed while seats
 * last and waitlisted after; the letter it sends (composed by a job of
 * registration.c) carries the event's .ics file and two links signed
 * with the site key: one to see and cancel the registration, and for a
 * webinar one that reveals the recording.  Registration closes at a set
 * time (409 after it).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "escape.h"
#include "req.h"
#include "jobs.h"
#include "newsletter.h"
#include "own.h"
#include "page.h"
#include "ratelimit.h"
#include "registration.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define EMAIL_MAX	254
#define FIELD_MAX	200	/* name, company, job title */
#define ANSWER_MAX	1000
#define RATE_WINDOW	3600
#define RATE_IP		20	/* registrations from one address an hour */
#define RATE_EMAIL	5	/* tries for one address an hour */

static const struct {
	const char	*word;		/* "event" */
} kinds[REG__MAX] = {
	[REG_EVENT] = { "event" },
	[REG_WEBINAR] = { "webinar" },
};

static const char consent_fmt[] = "I agree that the organisers keep the "
    "details I give here to run this %s and to contact me about it. I can "
    "cancel my registration with the link in the confirmation email.";

json_t *
reg_questions(const char *text, const char **why)
{
	json_t *list = json_array();
	const char *p = text, *e;
	char q[REG_QUESTION_LEN + 2], field[8];
	size_t n, i = 0;
	int req;

	*why = NULL;
	while (p != NULL && *p != '\0') {
		e = strchr(p, '\n');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		if (n > 0) {
			req = p[n - 1] == '*';
			if (req)
				n--;
			while (n > 0 && isspace((unsigned char)p[n - 1]))
				n--;
			if (n > REG_QUESTION_LEN) {
				*why = "A question is at most 200 bytes.";
				break;
			}
			if (n == 0) {
				*why = "A question needs words before its \"*\".";
				break;
			}
			if (++i > REG_QUESTIONS_MAX) {
				*why = "Ask at most 10 questions.";
				break;
			}
			memcpy(q, p, n);
			q[n] = '\0';
			snprintf(field, sizeof(field), "q%zu", i);
			json_array_append_new(list, json_pack("{s:s,s:s,s:b}",
			    "field", field, "q", q, "required", req));
		}
		p = e != NULL ? e + 1 : NULL;
	}
	if (*why != NULL) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/*
 * The event or webinar of the route (argument 0), the request's; 0 or a
 * status.
 */
static int
target(struct req *r, enum reg_kind k, json_t **t)
{
	int rc;

	*t = NULL;
	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	if ((rc = store_reg_target_by_slug(r->db, k, r->arg[0], t)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, *t);
	return 0;
}

int
reg_open(json_t *t, int64_t now)
{
	if (view_int(t, "closes_at") > now)
		return 1;
	/* Once a webinar is over, its recording is open to new readers. */
	return view_str(t, "recording_url")[0] != '\0' &&
	    view_int(t, "ends_at") < now;
}

static int
is_open(json_t *t)
{
	return reg_open(t, now_unix());
}

/* "12 of 40 seats left", "fully booked", or nothing when unlimited. */
static void
seats(json_t *t, json_t *m)
{
	json_t *cap = json_object_get(t, "capacity");
	int64_t left;
	char b[120];

	if (!json_is_integer(cap))
		return;
	left = json_integer_value(cap) - view_int(t, "confirmed");
	if (left > 0) {
		snprintf(b, sizeof(b), "%lld of %lld seats left.",
		    (long long)left, (long long)json_integer_value(cap));
		json_object_set_new(m, "seats", json_string(b));
	} else {
		json_object_set_new(m, "full", json_true());
	}
}

/*
 * The form page: fields holds what the reader typed (or the prefill),
 * NULL for nothing.
 */
static int
form(struct req *r, enum reg_kind k, json_t *t, int status,
    const char *error, struct url_query *q)
{
	static const char *const keys[] = { "name", "email", "company",
	    "job_title" };
	json_t *m, *qs, *v;
	const char *why, *s;
	char consent[400], action[200], back[200];
	size_t i;

	qs = reg_questions(view_str(t, "questions"), &why);
	if (qs == NULL)
		qs = json_array();
	json_array_foreach(qs, i, v) {
		s = q != NULL ? url_query_get(q, view_str(v, "field")) : NULL;
		json_object_set_new(v, "value", json_string(s != NULL &&
		    strlen(s) <= ANSWER_MAX ? s : ""));
	}
	snprintf(consent, sizeof(consent), consent_fmt, kinds[k].word);
	snprintf(action, sizeof(action), "%s/%s/register", reg_base(k),
	    view_str(t, "slug"));
	snprintf(back, sizeof(back), "%s/%s", reg_base(k),
	    view_str(t, "slug"));
	m = json_pack("{s:O,s:s,s:s,s:s,s:o,s:s,s:b,s:b}", "title",
	    json_object_get(t, "title"), "action", action, "back", back,
	    "kind", kinds[k].word, "questions", qs, "consent", consent,
	    "open", is_open(t), "on_demand", k == REG_WEBINAR &&
	    view_int(t, "ends_at") < now_unix());
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		s = q != NULL ? url_query_get(q, keys[i]) : NULL;
		if (s == NULL && r->user != NULL && i < 2)
			s = i == 0 ? r->user->name : r->user->email;
		json_object_set_new(m, keys[i], json_string(s != NULL &&
		    strlen(s) <= EMAIL_MAX ? s : ""));
	}
	seats(t, m);
	return page_form(r, status, "event_register", view_str(t, "title"), error,
	    m);
}

/*
 * GET shows the empty form (a signed-in reader's name and email filled
 * in); it reads nothing from the address, so no personal detail ever
 * travels in a URL, a history or an access log.
 */
static int
form_page(struct req *r, enum reg_kind k)
{
	json_t *t;
	int status;

	if ((status = target(r, k, &t)) != 0)
		return status;
	return form(r, k, t, 200, NULL, NULL);
}

/*
 * POST .../register/start: the cached page's small form (the same for
 * every reader, so it carries no CSRF token) sends name and email in the
 * body; the answer is the full form with them filled in.  Nothing is
 * stored, so there is nothing to forge: the full form carries the token
 * and post() checks it.
 */
static int
start(struct req *r, enum reg_kind k)
{
	struct url_query q;
	json_t *t;
	int status;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	if ((status = target(r, k, &t)) == 0)
		status = form(r, k, t, 200, NULL, &q);
	url_query_free(&q);
	return status;
}

/* A field of at most max bytes, trimmed into out; -1 when too long. */
static int
text_field(struct url_query *q, const char *key, size_t max, char *out,
    size_t outsz)
{
	const char *s = url_query_get(q, key);
	size_t n;

	out[0] = '\0';
	if (s == NULL)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n > max || n >= outsz)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/*
 * Checks the form into in (pointing into the buffers given) and the
 * answers into *answers (a JSON text, the request's); NULL or the
 * sentence the reader sees.
 */
static const char *
check(struct req *r, json_t *t, struct url_query *q, char *email, char *name,
    char *company, char *job, char **answers)
{
	static _Thread_local char why_q[300];	/* one per server thread */
	json_t *qs, *v, *a;
	const char *raw, *why, *consent;
	char ans[ANSWER_MAX + 1];
	size_t i;

	*answers = NULL;
	raw = url_query_get(q, "email");
	if (text_field(q, "name", FIELD_MAX, name, FIELD_MAX + 1) != 0 ||
	    name[0] == '\0')
		return "Give your name (at most 200 bytes).";
	if (raw == NULL || page_email_norm(raw, email, EMAIL_MAX + 1) != 0)
		return "Give an email address like name@example.com.";
	if (text_field(q, "company", FIELD_MAX, company, FIELD_MAX + 1) != 0)
		return "The company is at most 200 bytes.";
	if (text_field(q, "job_title", FIELD_MAX, job, FIELD_MAX + 1) != 0)
		return "The job title is at most 200 bytes.";
	if ((qs = reg_questions(view_str(t, "questions"), &why)) == NULL)
		qs = json_array();
	own_json(r, qs);
	a = own_json(r, json_array());
	json_array_foreach(qs, i, v) {
		if (text_field(q, view_str(v, "field"), ANSWER_MAX, ans,
		    sizeof(ans)) != 0) {
			snprintf(why_q, sizeof(why_q), "The answer to \"%s\" is "
			    "too long (at most 1000 bytes).", view_str(v, "q"));
			return why_q;
		}
		if (ans[0] == '\0' && json_is_true(json_object_get(v,
		    "required"))) {
			snprintf(why_q, sizeof(why_q), "Answer \"%s\": it is "
			    "required.", view_str(v, "q"));
			return why_q;
		}
		json_array_append_new(a, json_pack("{s:O,s:s}", "q",
		    json_object_get(v, "q"), "a", ans));
	}
	consent = url_query_get(q, "consent");
	if (consent == NULL || strcmp(consent, "yes") != 0) {
		snprintf(why_q, sizeof(why_q), "Tick the box to agree to the "
		    "terms of registering.");
		return why_q;
	}
	*answers = own_heap(r, json_dumps(a, JSON_COMPACT));
	return NULL;
}

static int
rate(struct req *r, const char *who, const char *value, int64_t max)
{
	char key[320];

	snprintf(key, sizeof(key), "reg:%s:%s", who, value);
	return ratelimit_key(r, key, RATE_WINDOW, max);
}

static int
post(struct req *r, enum reg_kind k)
{
	struct url_query q;
	struct registration_input in;
	char email[EMAIL_MAX + 1], name[FIELD_MAX + 1], company[FIELD_MAX + 1],
	    job[FIELD_MAX + 1], consent[400], ip[64], text[600];
	char *answers = NULL;
	const char *why, *st;
	json_t *t = NULL;
	int64_t id;
	int status, rc;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	/* After this point, all errors go through out. */
	if ((status = target(r, k, &t)) != 0)
		goto out;
	if (!is_open(t)) {
		status = form(r, k, t, 409, "Registration has closed.", &q);
		goto out;
	}
	http_client_ip(r, ip, sizeof(ip));
	if ((status = rate(r, "ip", ip, RATE_IP)) != 0)
		goto out;
	if ((why = check(r, t, &q, email, name, company, job, &answers)) !=
	    NULL) {
		status = form(r, k, t, 422, why, &q);
		goto out;
	}
	if ((status = rate(r, "email", email, RATE_EMAIL)) != 0)
		goto out;
	snprintf(consent, sizeof(consent), consent_fmt, kinds[k].word);
	in.email = email;
	in.name = name;
	in.company = company;
	in.job_title = job;
	in.answers = answers;
	in.consent = consent;
	in.consent_ip = ip;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = registration_add(r->db, k, view_int(t, "id"), &in,
	    now_unix(), &id, &st);
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		snprintf(text, sizeof(text), "This address is already "
		    "registered for %s%s. The confirmation email we sent it "
		    "has the link to see or cancel the registration.",
		    view_str(t, "title"), strcmp(st, "waitlisted") == 0 ?
		    " and is on the waitlist" : "");
		status = page_notice(r, 409, "Already registered", text,
		    reg_base(k), "Back");
		goto out;
	}
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = status_write(rc);
		goto out;
	}
	jobs_kick();
	if (strcmp(st, "confirmed") == 0)
		snprintf(text, sizeof(text), "Your place at %s is confirmed. "
		    "We have sent the details%s and a calendar file to %s.",
		    view_str(t, "title"), k == REG_WEBINAR ? ", your personal "
		    "link to watch" : "", email);
	else
		snprintf(text, sizeof(text), "%s is fully booked, so you are "
		    "on the waitlist. If a seat frees up it is yours in turn, "
		    "and we will email %s.", view_str(t, "title"), email);
	status = page_notice(r, 200, strcmp(st, "confirmed") == 0 ?
	    "You are registered" : "You are on the waitlist", text,
	    reg_base(k), k == REG_EVENT ? "More events" : "More webinars");
out:
	url_query_free(&q);
	return status;
}

int page_register_event(struct req *r) { return form_page(r, REG_EVENT); }
int page_register_event_start(struct req *r) { return start(r, REG_EVENT); }
int page_register_event_post(struct req *r) { return post(r, REG_EVENT); }
int page_register_webinar(struct req *r) { return form_page(r, REG_WEBINAR); }
int page_register_webinar_start(struct req *r) { return start(r, REG_WEBINAR); }
int page_register_webinar_post(struct req *r) { return post(r, REG_WEBINAR); }

#define SENT	(-1)	/* the answer has gone out */

/*
 * The registration a signed link names (route argument i, signed for
 * purpose), the request's: 0, SENT after answering 404, or a status.
 */
static int
token_reg(struct req *r, int i, const char *purpose, json_t **reg)
{
	int64_t id;
	int rc;

	*reg = NULL;
	http_header(r, "Referrer-Policy", "no-referrer");
	r->cache_control = "private, no-store";
	if (newsletter_sign_id(r->arg[i], r->arglen[i], &id) != 0)
		goto bad;
	rc = store_registration_get(r->db, id, reg);
	if (rc == STORE_NOTFOUND)
		goto bad;
	if (rc != STORE_OK)
		return status_store(rc);
	own_json(r, *reg);
	if (newsletter_sign_ok(purpose, id, view_str(*reg, "email"),
	    r->arg[i], r->arglen[i]))
		return 0;
	*reg = NULL;
bad:
	page_notice(r, 404, "This link does not work", "The link may have been "
	    "cut short by your mail program. Use the whole link from our "
	    "email.", "/events", "Events");
	return SENT;
}

/*
 * A confirmed reader of a webinar still to come gets their signed link
 * to the live session, with when it opens.
 */
static void
add_join(struct req *r, json_t *reg, json_t *t, json_t *m)
{
	struct buf *u;
	char starts[120], opens[48];
	int64_t at = view_int(t, "starts_at");

	if (reg_kind_of(reg) != REG_WEBINAR ||
	    strcmp(view_str(reg, "status"), "confirmed") != 0 ||
	    view_int(t, "ends_at") < now_unix())
		return;
	u = own_buf(r, 0);
	reg_signed_url(u, view_str(t, "slug"), REG_TOKEN_JOIN, reg);
	view_fmt_date_long(at, starts, sizeof(starts));
	view_fmt_time(at, opens, sizeof(opens));
	snprintf(starts + strlen(starts), sizeof(starts) - strlen(starts),
	    ", %s", opens);
	view_fmt_time(at - REG_JOIN_EARLY, opens, sizeof(opens));
	if (!buf_err(u))
		json_object_set_new(m, "join", json_pack("{s:s%,s:s,s:s}",
		    "url", u->p, u->len, "starts", starts, "opens", opens));
}

int
page_registration(struct req *r)
{
	json_t *reg, *t, *m;
	int status, rc;

	if ((status = token_reg(r, 0, REG_TOKEN_MANAGE, &reg)) != 0)
		return status == SENT ? 0 : status;
	rc = store_reg_target(r->db, reg_kind_of(reg), view_int(reg, "target_id"),
	    &t);
	if (rc != STORE_OK)
		return status_store(rc);
	own_json(r, t);
	m = json_pack("{s:O,s:O,s:O,s:s,s:b,s:b,s:b}", "name",
	    json_object_get(reg, "name"), "email", json_object_get(reg,
	    "email"), "title", json_object_get(t, "title"), "action", r->path,
	    "confirmed", strcmp(view_str(reg, "status"), "confirmed") == 0,
	    "waitlisted", strcmp(view_str(reg, "status"), "waitlisted") == 0,
	    "cancelled", strcmp(view_str(reg, "status"), "cancelled") == 0);
	if (http_query(r, "done") != NULL)
		json_object_set_new(m, "notice", json_string("Your registration "
		    "is cancelled."));
	add_join(r, reg, t, m);
	return page_form(r, 200, "registration", "Your registration", NULL, m);
}

int
page_registration_cancel(struct req *r)
{
	struct url_query q;
	struct buf *url;
	json_t *reg;
	int status, rc;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if ((status = token_reg(r, 0, REG_TOKEN_MANAGE, &reg)) != 0)
		return status == SENT ? 0 : status;
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = registration_cancel(r->db, view_int(reg, "id"), now_unix());
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	jobs_kick();
	url = own_buf(r, 0);
	buf_printf(url, "/registrations/%.*s?done=1", (int)r->arglen[0],
	    r->arg[0]);
	http_redirect(r, 303, buf_err(url) ? "/events" : url->p);
	return 0;
}

/*
 * The webinar of a signed link's registration, the request's: 0, or 404
 * when the link's address names another webinar.
 */
static int
link_webinar(struct req *r, json_t *reg, json_t **t)
{
	int rc;

	rc = store_reg_target(r->db, REG_WEBINAR, view_int(reg, "target_id"),
	    t);
	if (rc != STORE_OK)
		return status_store(rc);
	own_json(r, *t);
	/* A webinar in the newsroom's Trash is on no page, links included. */
	if (json_is_integer(json_object_get(*t, "trashed_at")))
		return 404;
	return strcmp(view_str(*t, "slug"), r->arg[0]) != 0 ? 404 : 0;
}

/*
 * GET /webinars/:slug/join/:token: the live session, for the confirmed
 * reader the link was made for: a redirect to the webinar's join URL from
 * REG_JOIN_EARLY before the start until the end; before, a page saying
 * when it opens; after, the way to the recording.  Private, never cached.
 */
int
page_webinar_join(struct req *r)
{
	json_t *reg, *t;
	int64_t now = now_unix(), opens;
	char text[400], at[160], when[48];
	struct buf *u;
	int status;

	if ((status = token_reg(r, 1, REG_TOKEN_JOIN, &reg)) != 0)
		return status == SENT ? 0 : status;
	if (reg_kind_of(reg) != REG_WEBINAR)
		return 404;
	if (strcmp(view_str(reg, "status"), "confirmed") != 0) {
		page_notice(r, 403, "Your registration is not confirmed",
		    strcmp(view_str(reg, "status"), "waitlisted") == 0 ?
		    "You are on the waitlist: if a seat frees up we send you "
		    "the link that lets you in." : "This registration was "
		    "cancelled, so its link no longer lets anyone in.",
		    "/webinars", "Webinars");
		return 0;
	}
	if ((status = link_webinar(r, reg, &t)) != 0)
		return status;
	opens = view_int(t, "starts_at") - REG_JOIN_EARLY;
	if (view_int(t, "ends_at") <= now) {
		u = own_buf(r, 0);
		reg_signed_url(u, view_str(t, "slug"), REG_TOKEN_WATCH, reg);
		page_notice(r, 410, "This webinar has ended", "The live session "
		    "is over. Your personal link to the recording plays it once "
		    "it is ready.", buf_err(u) ? "/webinars" : u->p,
		    "Watch the recording");
		return 0;
	}
	view_fmt_date_long(opens, at, sizeof(at));
	view_fmt_time(opens, when, sizeof(when));
	if (now < opens) {
		snprintf(text, sizeof(text), "Your link opens on %s at %s, 15 "
		    "minutes before %s starts. Come back to it then.", at, when,
		    view_str(t, "title"));
		page_notice(r, 200, "The webinar has not opened yet", text,
		    "/webinars", "Webinars");
		return 0;
	}
	if (view_str(t, "join_url")[0] == '\0') {
		page_notice(r, 200, "The link to join is not ready", "The "
		    "organisers have not given the address of the live session "
		    "yet. This link takes you there as soon as they do.",
		    "/webinars", "Webinars");
		return 0;
	}
	http_redirect(r, 303, view_str(t, "join_url"));
	return 0;
}

/*
 * GET /webinars/:slug/watch/:token: the recording, for the registered
 * reader the link was made for; private and never cached.
 */
int
page_webinar_watch(struct req *r)
{
	json_t *reg, *t, *m;
	int status;

	if ((status = token_reg(r, 1, REG_TOKEN_WATCH, &reg)) != 0)
		return status == SENT ? 0 : status;
	if (reg_kind_of(reg) != REG_WEBINAR ||
	    strcmp(view_str(reg, "status"), "cancelled") == 0)
		return 403;
	if ((status = link_webinar(r, reg, &t)) != 0)
		return status;
	m = json_pack("{s:O,s:O,s:b}", "title", json_object_get(t, "title"),
	    "slug", json_object_get(t, "slug"), "live", view_int(t,
	    "ends_at") >= now_unix());
	if (view_str(t, "recording_url")[0] != '\0' &&
	    view_int(t, "ends_at") < now_unix())
		json_object_set(m, "recording_url", json_object_get(t,
		    "recording_url"));
	return page_form(r, 200, "watch", "Watch on demand", NULL, m);
}
