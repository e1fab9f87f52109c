/*
 * registration.c — what a registration for an event or webinar sets
 * going: the "registration" job, which composes the letter of its new
 * state (confirmed, waitlisted, promoted, moved, cancelled, the
 * recording ready) with the
 * .ics file and the signed links, and queues it as mail.
 *
 * It lives outside the page files so that the jobs thread runs no page
 * code: it calls the store, mail and the jobs table, never a page.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "ical.h"
#include "jobs.h"
#include "mail.h"
#include "newsletter.h"
#include "registration.h"
#include "store.h"
#include "util.h"
#include "view.h"
#include "webhook.h"

const char *
reg_base(enum reg_kind k)
{
	return k == REG_EVENT ? "/events" : "/webinars";
}

enum reg_kind
reg_kind_of(json_t *reg)
{
	return strcmp(view_str(reg, "kind"), "event") == 0 ? REG_EVENT :
	    REG_WEBINAR;
}

/*
 * Queues the "registration" job for registration id's new state (what:
 * confirmed, waitlisted, promoted, moved, cancelled, recording) to run at at (0: now),
 * inside the caller's transaction, which is the one that made the
 * state: the letter exists exactly when the state commits.
 */
static int
queue(struct db *db, int64_t id, const char *what, int64_t at)
{
	json_t *p = json_pack("{s:I,s:s}", "registration", (json_int_t)id,
	    "what", what);
	int rc;

	if (p == NULL)
		return STORE_ERROR;
	rc = jobs_add(db, JOB_REGISTRATION, p, at);
	json_decref(p);
	return rc;
}

int
registration_add(struct db *db, enum reg_kind k, int64_t target,
    const struct registration_input *in, int64_t now, int64_t *id,
    const char **status)
{
	int rc = store_registration_add(db, k, target, in, now, id, status);
	json_t *data;

	if (rc != STORE_OK || (rc = queue(db, *id, *status, 0)) != STORE_OK)
		return rc;
	/* Who registered stays here: a webhook learns only that someone did. */
	data = json_pack("{s:I,s:s,s:I,s:s}", "id", (json_int_t)*id, "kind",
	    k == REG_EVENT ? "event" : "webinar", k == REG_EVENT ? "event_id" :
	    "webinar_id", (json_int_t)target, "status", *status);
	rc = webhook_fire(db, WEBHOOK_REGISTRATION_MADE, data);
	json_decref(data);
	return rc;
}

int
registration_cancel(struct db *db, int64_t id, int64_t now)
{
	int64_t promoted;
	int rc, cancelled;

	if ((rc = store_registration_cancel(db, id, now, &promoted,
	    &cancelled)) != STORE_OK)
		return rc;
	/* Told once: a second cancel (or one racing it) changes nothing. */
	if (cancelled && (rc = queue(db, id, "cancelled", 0)) != STORE_OK)
		return rc;
	return promoted != 0 ? queue(db, promoted, "promoted", 0) : STORE_OK;
}

int
registration_move(struct db *db, int64_t id, int64_t to, int64_t now,
    const char **why)
{
	int64_t promoted;
	int rc = store_registration_move(db, id, to, now, &promoted, why);

	if (rc == STORE_OK)
		rc = queue(db, id, "moved", 0);
	return rc == STORE_OK && promoted != 0 ? queue(db, promoted,
	    "promoted", 0) : rc;
}

int
registration_delete(struct db *db, int64_t id, const char *email)
{
	int64_t promoted;
	int rc = store_registration_delete(db, id, email, &promoted);

	return rc == STORE_OK && promoted != 0 ? queue(db, promoted,
	    "promoted", 0) : rc;
}

int
registration_fill(struct db *db, enum reg_kind k, int64_t target,
    int64_t now)
{
	json_t *ids = NULL, *v;
	size_t i;
	int rc = store_reg_fill(db, k, target, now, &ids);

	json_array_foreach(ids, i, v) {
		if (rc != STORE_OK)
			break;
		rc = queue(db, json_integer_value(v), "promoted", 0);
	}
	json_decref(ids);
	return rc;
}

int
registration_recording_news(struct db *db, int64_t webinar, const char *url)
{
	json_t *ids = NULL, *r;
	int64_t at;
	size_t i;
	int rc = store_webinar_recording_due(db, webinar, url, &ids, &at);

	/* Sent when the webinar is over, or now when it already is. */
	json_array_foreach(ids, i, r) {
		if (rc != STORE_OK)
			break;
		rc = queue(db, json_integer_value(json_object_get(r, "id")),
		    "recording", at);
	}
	json_decref(ids);
	return rc;
}

void
reg_signed_url(struct buf *b, const char *slug, const char *purpose,
    json_t *reg)
{
	char tok[NL_TOKEN_MAX];
	struct buf path = BUF_INIT;

	newsletter_sign(purpose, view_int(reg, "id"), view_str(reg, "email"),
	    tok);
	if (strcmp(purpose, REG_TOKEN_WATCH) == 0)
		buf_printf(&path, "/webinars/%s/watch/%s", slug, tok);
	else if (strcmp(purpose, REG_TOKEN_JOIN) == 0)
		buf_printf(&path, "/webinars/%s/join/%s", slug, tok);
	else
		buf_printf(&path, "/registrations/%s", tok);
	newsletter_site_url(b, path.p != NULL ? path.p : "/");
	buf_free(&path);
}

/*
 * Composes and queues the letter of a registration's state inside the
 * caller's transaction.  what: confirmed, waitlisted, promoted, moved,
 * cancelled or recording.
 */
static int
letter(struct db *db, json_t *reg, const char *what)
{
	enum reg_kind k = reg_kind_of(reg);
	struct buf text = BUF_INIT, html = BUF_INIT, ics = BUF_INIT, u =
	    BUF_INIT, base = BUF_INIT;
	struct mail_attachment att;
	json_t *t = NULL, *e = NULL;
	const char *title, *when;
	char subj[400], line[700], opens[48];
	int rc, seat = strcmp(what, "waitlisted") != 0 &&
	    strcmp(what, "cancelled") != 0, past, gone = !seat &&
	    strcmp(what, "cancelled") == 0;

	if ((rc = store_reg_target(db, k, view_int(reg, "target_id"), &t)) !=
	    STORE_OK)
		return rc;
	rc = k == REG_EVENT ? store_event_get(db, view_str(t, "slug"), &e) :
	    store_webinar_get(db, view_str(t, "slug"), &e);
	if (rc != STORE_OK)
		goto out;
	if (k == REG_EVENT)
		view_event(e);
	else
		view_webinar(e);
	title = view_str(t, "title");
	when = view_str(e, k == REG_EVENT ? "date_range" : "starts_when");
	past = view_int(t, "ends_at") < now_unix();
	if (strcmp(what, "recording") == 0) {
		seat = 0;
		past = 1;
	}
	snprintf(subj, sizeof(subj), "%s: %s", strcmp(what, "confirmed") == 0 ?
	    "You are registered" : strcmp(what, "promoted") == 0 ?
	    "A seat is yours" : strcmp(what, "recording") == 0 ?
	    "The recording is ready" : strcmp(what, "moved") == 0 ?
	    "Your registration has moved" : gone ?
	    "Your registration is cancelled" : "You are on the waitlist",
	    title);
	snprintf(line, sizeof(line), "Hello %s,", view_str(reg, "name"));
	mail_para(&text, &html, line);
	if (strcmp(what, "promoted") == 0)
		snprintf(line, sizeof(line), "A seat has freed up at %s (%s) "
		    "and it is yours: your registration is now confirmed.",
		    title, when);
	else if (strcmp(what, "recording") == 0)
		snprintf(line, sizeof(line), "The recording of %s (%s) is "
		    "ready. Your personal link below opens it.", title, when);
	else if (strcmp(what, "moved") == 0)
		snprintf(line, sizeof(line), "The organisers have moved your "
		    "registration to %s (%s), and it is confirmed. The "
		    "calendar file attached adds it to your calendar.", title,
		    when);
	else if (gone)
		snprintf(line, sizeof(line), "Your registration for %s (%s) is "
		    "cancelled, and your seat is free for someone else. You "
		    "can register again on its page while registration is "
		    "open.", title, when);
	else if (seat)
		snprintf(line, sizeof(line), "Your registration for %s (%s) is "
		    "confirmed.%s", title, when, past ? " It has already taken "
		    "place, so you can watch it on demand." : " The calendar "
		    "file attached adds it to your calendar.");
	else
		snprintf(line, sizeof(line), "%s (%s) is fully booked, so you "
		    "are on the waitlist. If a seat frees up it goes to the "
		    "first in line, and we will tell you by email.", title,
		    when);
	mail_para(&text, &html, line);
	newsletter_site_url(&base, "");
	buf_printf(&u, "%s%s/%s", base.p != NULL ? base.p : "", reg_base(k),
	    view_str(t, "slug"));
	mail_link(&text, &html, k == REG_EVENT ? "The event" : "The webinar",
	    u.p != NULL ? u.p : "");
	if (k == REG_WEBINAR && seat && !past) {
		u.len = 0;
		reg_signed_url(&u, view_str(t, "slug"), REG_TOKEN_JOIN, reg);
		view_fmt_time(view_int(t, "starts_at") - REG_JOIN_EARLY, opens,
		    sizeof(opens));
		snprintf(line, sizeof(line), "Join the live webinar (your "
		    "personal link; it opens at %s, 15 minutes before the "
		    "start)", opens);
		mail_link(&text, &html, line, u.p != NULL ? u.p : "");
	}
	if (k == REG_WEBINAR && (seat || strcmp(what, "recording") == 0)) {
		u.len = 0;
		reg_signed_url(&u, view_str(t, "slug"), REG_TOKEN_WATCH, reg);
		mail_link(&text, &html, past ? "Watch the recording" :
		    "Your personal link (the recording appears here after the "
		    "live session)", u.p != NULL ? u.p : "");
	}
	if (!gone) {
		u.len = 0;
		reg_signed_url(&u, NULL, REG_TOKEN_MANAGE, reg);
		mail_link(&text, &html, "See or cancel your registration",
		    u.p != NULL ? u.p : "");
	}
	if (seat) {
		ical_write_one(&ics, k == REG_WEBINAR, e, base.p != NULL ?
		    base.p : "", now_unix());
		att.content_type = "text/calendar; method=PUBLISH; "
		    "charset=utf-8";
		att.filename = k == REG_EVENT ? "event.ics" : "webinar.ics";
		att.data = ics.p != NULL ? ics.p : "";
		att.len = ics.len;
	}
	if (buf_err(&text) || buf_err(&html) || buf_err(&ics) ||
	    buf_err(&u)) {
		rc = STORE_ERROR;
		goto out;
	}
	rc = mail_queue_attach(db, view_str(reg, "name"), view_str(reg,
	    "email"), subj, text.p, html.p, seat ? &att : NULL);
out:
	buf_free(&text);
	buf_free(&html);
	buf_free(&ics);
	buf_free(&u);
	buf_free(&base);
	json_decref(t);
	json_decref(e);
	return rc;
}

static int
registration_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	int64_t id = json_integer_value(json_object_get(payload,
	    "registration"));
	const char *what = view_str(payload, "what"), *now;
	json_t *reg = NULL;
	int rc;

	if (db_begin_write(db) != DB_OK) {
		snprintf(err, errlen, "database: %s", db_errmsg(db));
		return -1;
	}
	rc = store_registration_get(db, id, &reg);
	if (rc == STORE_NOTFOUND) {
		db_rollback(db);
		return 0;
	}
	if (rc != STORE_OK)
		goto fail;
	/* A registration cancelled (or promoted) since needs no old news. */
	now = view_str(reg, "status");
	if (strcmp(now, strcmp(what, "waitlisted") == 0 ? "waitlisted" :
	    strcmp(what, "cancelled") == 0 ? "cancelled" : "confirmed") !=
	    0) {
		json_decref(reg);
		db_rollback(db);
		return 0;
	}
	/*
	 * An event or webinar in the newsroom's Trash (or deleted since)
	 * has no page for the letter to point at: it is not sent.
	 */
	if ((rc = letter(db, reg, what)) == STORE_NOTFOUND) {
		json_decref(reg);
		db_rollback(db);
		return 0;
	}
	if (rc != STORE_OK)
		goto fail;
	json_decref(reg);
	if (db_commit(db) != DB_OK) {
		snprintf(err, errlen, "database: %s", db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	jobs_kick();
	return 0;
fail:
	json_decref(reg);
	db_rollback(db);
	snprintf(err, errlen, "registration %lld: store error %d",
	    (long long)id, rc);
	return -1;
}

void
registration_jobs_init(void)
{
	jobs_register(JOB_REGISTRATION, registration_job, 0);
}
