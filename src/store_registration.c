/*
 * store_registration.c — event agendas, and readers' registrations for
 * events and webinars: capacity, waitlist, cancelling and deleting.
 *
 * A registration is taken in one write transaction that first locks its
 * event (or webinar) row: PostgreSQL takes the row with FOR UPDATE, so
 * two instances racing for the last seat queue on it and the second
 * counts the first one's seat; SQLite's write transactions (BEGIN
 * IMMEDIATE) are serial already.  The same lock orders cancellations, so
 * a freed seat goes to exactly one waitlisted reader.
 *
 * The letters these changes call for are not this file's: it says who
 * is to be told (the registration added, the reader given a seat) and
 * registration.c queues the job in the same transaction.
 */
#include <string.h>
#include <time.h>

#include "db.h"
#include "store.h"

/* Statements per kind of target: the column and table differ. */
#define BOTH(ev, wb)	{ [REG_EVENT] = ev, [REG_WEBINAR] = wb }

static const char *const sql_lock[REG__MAX][DB__MAX] = {
	[REG_EVENT] = {
		[DB_SQLITE] = "SELECT capacity FROM events WHERE id = $1",
		[DB_POSTGRES] = "SELECT capacity FROM events WHERE id = $1"
		    " FOR UPDATE",
	},
	[REG_WEBINAR] = {
		[DB_SQLITE] = "SELECT capacity FROM webinars WHERE id = $1",
		[DB_POSTGRES] = "SELECT capacity FROM webinars WHERE id = $1"
		    " FOR UPDATE",
	},
};

static const char *const sql_find[REG__MAX] = BOTH(
    "SELECT id, status FROM registrations WHERE event_id = $1"
    " AND email = $2",
    "SELECT id, status FROM registrations WHERE webinar_id = $1"
    " AND email = $2");

static const char *const sql_confirmed[REG__MAX] = BOTH(
    "SELECT count(*) FROM registrations WHERE event_id = $1"
    " AND status = 'confirmed'",
    "SELECT count(*) FROM registrations WHERE webinar_id = $1"
    " AND status = 'confirmed'");

static const char *const sql_add[REG__MAX] = BOTH(
    "INSERT INTO registrations (event_id, email, name, company, job_title,"
    " answers, status, consent, consent_ip, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    "INSERT INTO registrations (webinar_id, email, name, company,"
    " job_title, answers, status, consent, consent_ip, created_at,"
    " updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id");

/* A cancelled registration taken up again: a new place in the queue. */
static const char sql_renew[] =
    "UPDATE registrations SET name = $2, company = $3, job_title = $4,"
    " answers = $5, status = $6, consent = $7, consent_ip = $8,"
    " created_at = $9, updated_at = $9 WHERE id = $1";

static const char *const sql_first_waiting[REG__MAX] = BOTH(
    "SELECT id FROM registrations WHERE event_id = $1"
    " AND status = 'waitlisted' ORDER BY created_at, id LIMIT 1",
    "SELECT id FROM registrations WHERE webinar_id = $1"
    " AND status = 'waitlisted' ORDER BY created_at, id LIMIT 1");

static const char sql_set_status[] =
    "UPDATE registrations SET status = $2, updated_at = $3 WHERE id = $1";

static const char sql_delete[] = "DELETE FROM registrations WHERE id = $1";

#define REG_COLS \
	"r.id, r.email, r.name, r.company, r.job_title, r.answers," \
	" r.status, r.consent, r.consent_ip, r.created_at, r.updated_at"

static const char sql_get[] =
    "SELECT " REG_COLS ", CASE WHEN r.event_id IS NULL THEN 'webinar'"
    " ELSE 'event' END AS kind, COALESCE(r.event_id, r.webinar_id)"
    " AS target_id FROM registrations r WHERE r.id = $1";

static const char *const sql_list[REG__MAX] = BOTH(
    "SELECT " REG_COLS " FROM registrations r WHERE r.event_id = $1"
    " ORDER BY r.created_at, r.id",
    "SELECT " REG_COLS " FROM registrations r WHERE r.webinar_id = $1"
    " ORDER BY r.created_at, r.id");

static const char sql_by_email[] =
    "SELECT r.id AS id, 'event' AS kind, e.name AS title, e.slug, r.status,"
    " r.name, r.company, r.job_title, r.answers, r.consent, r.consent_ip,"
    " r.created_at AS created_at FROM registrations r"
    " JOIN events e ON e.id = r.event_id WHERE r.email = $1"
    " UNION ALL "
    "SELECT r.id, 'webinar' AS kind, w.title, w.slug, r.status,"
    " r.name, r.company, r.job_title, r.answers, r.consent, r.consent_ip,"
    " r.created_at FROM registrations r"
    " JOIN webinars w ON w.id = r.webinar_id WHERE r.email = $1"
    " ORDER BY created_at, id";

/* What a registration form needs of its event or webinar. */
static const char *const sql_target[REG__MAX] = BOTH(
    "SELECT id, slug, name AS title, starts_at, ends_at, timezone,"
    " capacity, COALESCE(reg_closes_at, ends_at) AS closes_at,"
    " reg_closes_at, questions, '' AS recording_url, '' AS join_url,"
    " trashed_at FROM events"
    " WHERE id = $1",
    "SELECT id, slug, title, starts_at,"
    " starts_at + 60 * duration_min AS ends_at, 'UTC' AS timezone,"
    " capacity, COALESCE(reg_closes_at, starts_at) AS closes_at,"
    " reg_closes_at, questions, recording_url, join_url, trashed_at"
    " FROM webinars"
    " WHERE id = $1");
static const char *const sql_target_slug[REG__MAX] = BOTH(
    "SELECT id FROM events WHERE slug = $1 AND trashed_at IS NULL",
    "SELECT id FROM webinars WHERE slug = $1 AND trashed_at IS NULL");

static const char *const sql_counts[REG__MAX] = BOTH(
    "SELECT status, count(*) AS reg_count FROM registrations"
    " WHERE event_id = $1 GROUP BY status",
    "SELECT status, count(*) AS reg_count FROM registrations"
    " WHERE webinar_id = $1 GROUP BY status");

static const char *const sql_settings[REG__MAX] = BOTH(
    "UPDATE events SET capacity = $2, reg_closes_at = $3, questions = $4"
    " WHERE id = $1",
    "UPDATE webinars SET capacity = $2, reg_closes_at = $3, questions = $4"
    " WHERE id = $1");

static const char sql_sessions[] =
    "SELECT day, start_time, end_time, title, speakers, description"
    " FROM event_sessions WHERE event_id = $1 ORDER BY position, id";
static const char sql_sessions_clear[] =
    "DELETE FROM event_sessions WHERE event_id = $1";
static const char sql_session_add[] =
    "INSERT INTO event_sessions (event_id, position, day, start_time,"
    " end_time, title, speakers, description)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

int
store_event_sessions(struct db *db, int64_t event, json_t **out)
{
	return store_rows_by_id(db, sql_sessions, event, out);
}

int
store_event_sessions_set(struct db *db, int64_t event,
    const struct session_input *s, size_t n)
{
	struct db_stmt *st;
	size_t i;
	int rc;

	if ((st = db_stmt(db, sql_sessions_clear)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, event);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	for (i = 0; i < n; i++) {
		if ((st = db_stmt(db, sql_session_add)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, event);
		db_bind_int(st, 2, (int64_t)i);
		db_bind_str(st, 3, s[i].day);
		db_bind_str(st, 4, s[i].start_time);
		db_bind_str(st, 5, s[i].end_time);
		db_bind_str(st, 6, s[i].title);
		db_bind_str(st, 7, s[i].speakers);
		db_bind_str(st, 8, s[i].description);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	}
	return STORE_OK;
}

int
store_reg_settings_save(struct db *db, enum reg_kind k, int64_t id,
    int64_t capacity, int64_t closes_at, const char *questions)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_settings[k])) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if (capacity > 0)
		db_bind_int(st, 2, capacity);
	else
		db_bind_null(st, 2);
	if (closes_at > 0)
		db_bind_int(st, 3, closes_at);
	else
		db_bind_null(st, 3);
	db_bind_str(st, 4, questions);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_reg_target(struct db *db, enum reg_kind k, int64_t id, json_t **out)
{
	json_t *counts, *c;
	size_t i;
	int rc;

	if ((rc = store_row_by_id(db, sql_target[k], id, out)) != STORE_OK)
		return rc;
	if ((rc = store_rows_by_id(db, sql_counts[k], id, &counts)) !=
	    STORE_OK) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "confirmed", json_integer(0));
	json_object_set_new(*out, "waitlisted", json_integer(0));
	json_object_set_new(*out, "cancelled", json_integer(0));
	json_array_foreach(counts, i, c)
		json_object_set(*out, json_string_value(json_object_get(c,
		    "status")), json_object_get(c, "reg_count"));
	json_decref(counts);
	return STORE_OK;
}

int
store_reg_target_by_slug(struct db *db, enum reg_kind k, const char *slug,
    json_t **out)
{
	json_t *row;
	int rc;

	*out = NULL;
	if ((rc = store_row_by_text(db, sql_target_slug[k], slug, &row)) !=
	    STORE_OK)
		return rc;
	rc = store_reg_target(db, k, json_integer_value(json_object_get(row,
	    "id")), out);
	json_decref(row);
	return rc;
}

/* Locks the target row; its capacity into *cap (0: unlimited). */
static int
lock_target(struct db *db, enum reg_kind k, int64_t target, int64_t *cap)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_lock[k][db_kind(db)])) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, target);
	rc = db_step(st);
	*cap = rc == DB_ROW && !db_col_isnull(st, 0) ? db_col_int(st, 0) : 0;
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND :
	    store_rc_from_db(rc);
}

static int
by_id_int(struct db *db, const char *sql, int64_t id, int64_t *out)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	*out = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND :
	    store_rc_from_db(rc);
}

static int
set_status(struct db *db, int64_t id, const char *status, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_set_status)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, status);
	db_bind_int(st, 3, now);
	rc = db_run(st);
	return rc == DB_OK ? STORE_OK : store_rc_from_db(rc);
}

int
store_reg_fill(struct db *db, enum reg_kind k, int64_t target, int64_t now,
    json_t **promoted)
{
	int64_t cap, confirmed, next;
	int rc, n;

	if ((*promoted = json_array()) == NULL)
		return STORE_ERROR;
	if ((rc = lock_target(db, k, target, &cap)) != STORE_OK ||
	    (rc = by_id_int(db, sql_confirmed[k], target, &confirmed)) !=
	    STORE_OK)
		return rc;
	for (n = 0; n < REG_FILL_MAX && (cap == 0 || confirmed < cap); n++) {
		rc = by_id_int(db, sql_first_waiting[k], target, &next);
		if (rc == STORE_NOTFOUND)
			return STORE_OK;
		if (rc == STORE_OK)
			rc = set_status(db, next, "confirmed", now);
		if (rc == STORE_OK && json_array_append_new(*promoted,
		    json_integer(next)) != 0)
			rc = STORE_ERROR;
		if (rc != STORE_OK)
			return rc;
		confirmed++;
	}
	return STORE_OK;
}

int
store_registration_add(struct db *db, enum reg_kind k, int64_t target,
    const struct registration_input *in, int64_t now, int64_t *id,
    const char **status)
{
	struct db_stmt *st;
	int64_t cap, taken, old = 0;
	const char *was = NULL;
	json_t *row = NULL;
	int rc;

	*id = 0;
	*status = NULL;
	if ((rc = lock_target(db, k, target, &cap)) != STORE_OK)
		return rc;
	if ((st = db_stmt(db, sql_find[k])) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, target);
	db_bind_str(st, 2, in->email);
	if ((rc = store_row1_json(st, &row)) == STORE_OK) {
		old = json_integer_value(json_object_get(row, "id"));
		was = json_string_value(json_object_get(row, "status"));
		if (strcmp(was, "cancelled") != 0) {
			*id = old;
			*status = strcmp(was, "confirmed") == 0 ? "confirmed" :
			    "waitlisted";
			json_decref(row);
			return STORE_CONFLICT;
		}
	} else if (rc != STORE_NOTFOUND) {
		return rc;
	}
	json_decref(row);
	if ((rc = by_id_int(db, sql_confirmed[k], target, &taken)) != STORE_OK)
		return rc;
	*status = cap == 0 || taken < cap ? "confirmed" : "waitlisted";
	if (old != 0) {
		if ((st = db_stmt(db, sql_renew)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, old);
		db_bind_str(st, 2, in->name);
		db_bind_str(st, 3, in->company);
		db_bind_str(st, 4, in->job_title);
		db_bind_str(st, 5, in->answers);
		db_bind_str(st, 6, *status);
		db_bind_str(st, 7, in->consent);
		db_bind_str(st, 8, in->consent_ip);
		db_bind_int(st, 9, now);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
		*id = old;
	} else {
		if ((st = db_stmt(db, sql_add[k])) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, target);
		db_bind_str(st, 2, in->email);
		db_bind_str(st, 3, in->name);
		db_bind_str(st, 4, in->company);
		db_bind_str(st, 5, in->job_title);
		db_bind_str(st, 6, in->answers);
		db_bind_str(st, 7, *status);
		db_bind_str(st, 8, in->consent);
		db_bind_str(st, 9, in->consent_ip);
		db_bind_int(st, 10, now);
		if ((rc = db_step(st)) == DB_ROW)
			*id = db_col_int(st, 0);
		db_reset(st);
		if (rc != DB_ROW)
			return store_rc_from_db(rc);
	}
	return STORE_OK;
}

int
store_registration_get(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_get, id, out);
}

int
store_registrations_of(struct db *db, enum reg_kind k, int64_t target,
    json_t **out)
{
	return store_rows_by_id(db, sql_list[k], target, out);
}

/*
 * A seat freed at target (whose lock the caller holds) goes to the
 * first waitlisted reader, whose registration goes into *promoted (0:
 * nobody waits).
 */
static int
promote_first(struct db *db, enum reg_kind k, int64_t target, int64_t now,
    int64_t *promoted)
{
	int64_t next;
	int rc = by_id_int(db, sql_first_waiting[k], target, &next);

	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc == STORE_OK)
		rc = set_status(db, next, "confirmed", now);
	if (rc == STORE_OK)
		*promoted = next;
	return rc;
}

/*
 * Ends registration id (cancelling it, or deleting it when del) under
 * its target's lock; a confirmed seat freed goes to the first on the
 * waitlist, whose registration goes into *promoted (0: none) to be
 * told.  email, when not NULL, must be the registration's.  *ended: 0
 * when it was cancelled already and nothing changed.
 */
static int
end(struct db *db, int64_t id, const char *email, int del, int64_t now,
    int64_t *promoted, int *ended)
{
	json_t *r = NULL;
	enum reg_kind k;
	struct db_stmt *st;
	int64_t target, cap;
	int rc, was_confirmed;

	*promoted = 0;
	*ended = 0;
	if ((rc = store_registration_get(db, id, &r)) != STORE_OK)
		return rc;
	k = strcmp(json_string_value(json_object_get(r, "kind")), "event") ==
	    0 ? REG_EVENT : REG_WEBINAR;
	target = json_integer_value(json_object_get(r, "target_id"));
	if (email != NULL && strcmp(json_string_value(json_object_get(r,
	    "email")), email) != 0) {
		json_decref(r);
		return STORE_NOTFOUND;
	}
	json_decref(r);
	if ((rc = lock_target(db, k, target, &cap)) != STORE_OK)
		return rc;
	/* Read again under the lock: a cancel racing this one has ended. */
	if ((rc = store_registration_get(db, id, &r)) != STORE_OK)
		return rc;
	was_confirmed = strcmp(json_string_value(json_object_get(r,
	    "status")), "confirmed") == 0;
	if (!del && strcmp(json_string_value(json_object_get(r, "status")),
	    "cancelled") == 0) {
		json_decref(r);
		return STORE_OK;
	}
	json_decref(r);
	*ended = 1;
	if (del) {
		if ((st = db_stmt(db, sql_delete)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	} else if ((rc = set_status(db, id, "cancelled", now)) != STORE_OK) {
		return rc;
	}
	return was_confirmed ? promote_first(db, k, target, now, promoted) :
	    STORE_OK;
}

static const char sql_recording_was[] =
    "SELECT recording_url, starts_at + 60 * duration_min AS ends_at"
    " FROM webinars WHERE id = $1";
static const char sql_confirmed_ids[] =
    "SELECT id FROM registrations WHERE webinar_id = $1"
    " AND status = 'confirmed' ORDER BY id";

int
store_webinar_recording_due(struct db *db, int64_t webinar, const char *url,
    json_t **ids, int64_t *at)
{
	json_t *w;
	int rc;

	*ids = NULL;
	*at = 0;
	if (url[0] == '\0')
		return STORE_OK;
	if ((rc = store_row_by_id(db, sql_recording_was, webinar, &w)) !=
	    STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	*at = json_integer_value(json_object_get(w, "ends_at"));
	rc = json_string_value(json_object_get(w, "recording_url"))[0] !=
	    '\0' ? STORE_NOTFOUND : STORE_OK;
	json_decref(w);
	if (rc != STORE_OK)
		return STORE_OK;
	return store_rows_by_id(db, sql_confirmed_ids, webinar, ids);
}

int
store_registration_cancel(struct db *db, int64_t id, int64_t now,
    int64_t *promoted, int *cancelled)
{
	return end(db, id, NULL, 0, now, promoted, cancelled);
}

int
store_registrations_by_email(struct db *db, const char *email, json_t **out)
{
	return store_rows_by_text(db, sql_by_email, email, out);
}

/*
 * Inside the caller's write transaction.  Nothing cached shows
 * registrations (the public pages show no seat counts), so there is
 * nothing to drop.
 */
int
store_registration_delete(struct db *db, int64_t id, const char *email,
    int64_t *promoted)
{
	int ended;

	return end(db, id, email, 1, (int64_t)time(NULL), promoted, &ended);
}

static const char *const sql_move[REG__MAX] = BOTH(
    "UPDATE registrations SET event_id = $2, status = $3, updated_at = $4"
    " WHERE id = $1",
    "UPDATE registrations SET webinar_id = $2, status = $3,"
    " updated_at = $4 WHERE id = $1");

/*
 * Moves registration id to target to of its kind, under both targets'
 * locks taken in id order (two moves crossing each other queue rather
 * than deadlock).  The reader takes a seat there or nothing happens.
 */
int
store_registration_move(struct db *db, int64_t id, int64_t to, int64_t now,
    int64_t *promoted, const char **why)
{
	struct db_stmt *st;
	json_t *r = NULL, *there = NULL;
	enum reg_kind k;
	int64_t from, cap, lo, hi, taken, next;
	int rc, was_confirmed;

	*promoted = 0;
	*why = NULL;
	if ((rc = store_registration_get(db, id, &r)) != STORE_OK)
		return rc;
	k = strcmp(json_string_value(json_object_get(r, "kind")), "event") ==
	    0 ? REG_EVENT : REG_WEBINAR;
	from = json_integer_value(json_object_get(r, "target_id"));
	json_decref(r);
	if (from == to) {
		*why = "The registration is already for that one.";
		return STORE_INVALID;
	}
	if ((rc = lock_target(db, k, from < to ? from : to, &lo)) !=
	    STORE_OK || (rc = lock_target(db, k, from < to ? to : from,
	    &hi)) != STORE_OK)
		return rc;
	cap = to < from ? lo : hi;
	/* Read again under the locks: a cancel or move may have ended. */
	if ((rc = store_registration_get(db, id, &r)) != STORE_OK)
		return rc;
	if (json_integer_value(json_object_get(r, "target_id")) != from) {
		json_decref(r);
		*why = "The registration was moved meanwhile.";
		return STORE_CONFLICT;
	}
	if (strcmp(json_string_value(json_object_get(r, "status")),
	    "cancelled") == 0) {
		json_decref(r);
		*why = "A cancelled registration cannot be moved.";
		return STORE_INVALID;
	}
	was_confirmed = strcmp(json_string_value(json_object_get(r,
	    "status")), "confirmed") == 0;
	if ((st = db_stmt(db, sql_find[k])) == NULL) {
		json_decref(r);
		return STORE_ERROR;
	}
	db_bind_int(st, 1, to);
	db_bind_str(st, 2, json_string_value(json_object_get(r, "email")));
	json_decref(r);
	if ((rc = store_row1_json(st, &there)) == STORE_OK) {
		/* An old cancelled registration there gives way. */
		rc = strcmp(json_string_value(json_object_get(there,
		    "status")), "cancelled") == 0 ? STORE_OK : STORE_CONFLICT;
		next = json_integer_value(json_object_get(there, "id"));
		json_decref(there);
		if (rc != STORE_OK) {
			*why = "The reader is already registered for it.";
			return rc;
		}
		if ((st = db_stmt(db, sql_delete)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, next);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	} else if (rc != STORE_NOTFOUND) {
		return rc;
	}
	if ((rc = by_id_int(db, sql_confirmed[k], to, &taken)) != STORE_OK)
		return rc;
	if (cap != 0 && taken >= cap) {
		*why = "It is fully booked.";
		return STORE_CONFLICT;
	}
	if ((st = db_stmt(db, sql_move[k])) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, to);
	db_bind_str(st, 3, "confirmed");
	db_bind_int(st, 4, now);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return was_confirmed ? promote_first(db, k, from, now, promoted) :
	    STORE_OK;
}
