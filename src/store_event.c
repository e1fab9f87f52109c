/*
 * store_event.c — live events and webinars, upcoming and archived.
 */
#include "db.h"
#include "store.h"

#define EVENT_MAX_SECONDS	"7776000"	/* EVENT_MAX_DAYS, 90 */

#define EVENT_COLS \
	"e.id, e.slug, e.name, e.kind, e.summary, e.body_html, e.starts_at," \
	" e.ends_at, e.timezone, e.venue, e.online, e.url," \
	" e.sponsor_id, sp.name AS sponsor_name, sp.url AS sponsor_url"

/*
 * $1 now, $2 keyset bound (starts_at), $3 limit.  An event lasts at most
 * EVENT_MAX_DAYS (events are written with that limit), so the upcoming
 * list scans the start-time index from that far back, not from the
 * oldest event in the archive.
 */
static const char *const sql_events[WHEN__MAX] = {
	[WHEN_UPCOMING] =
	    "SELECT " EVENT_COLS " FROM events e"
	    " LEFT JOIN sponsors sp ON sp.id = e.sponsor_id"
	    " WHERE e.starts_at >= CAST($1 AS BIGINT) - " EVENT_MAX_SECONDS
	    " AND e.trashed_at IS NULL AND e.ends_at >= $1 AND e.starts_at > $2"
	    " ORDER BY e.starts_at, e.id LIMIT $3",
	[WHEN_PAST] =
	    "SELECT " EVENT_COLS " FROM events e"
	    " LEFT JOIN sponsors sp ON sp.id = e.sponsor_id"
	    " WHERE e.ends_at < $1 AND e.starts_at < $2"
	    " AND e.trashed_at IS NULL"
	    " ORDER BY e.starts_at DESC, e.id DESC LIMIT $3",
};

/*
 * One event's page also shows where it is, in the parts of a postal
 * address, and the image it is shared with (the lists need neither).
 */
#define IMAGE_COLS \
	" i.hash AS image_hash, i.ext AS image_ext, i.width AS image_width," \
	" i.height AS image_height, i.alt AS image_alt," \
	" i.widths AS image_widths"

static const char sql_event_get[] =
    "SELECT " EVENT_COLS ", e.street_address, e.locality, e.region,"
    " e.postal_code, e.country," IMAGE_COLS " FROM events e"
    " LEFT JOIN sponsors sp ON sp.id = e.sponsor_id"
    " LEFT JOIN images i ON i.id = e.image_id WHERE e.slug = $1"
    " AND e.trashed_at IS NULL";

#define WEBINAR_COLS \
	"w.id, w.slug, w.title, w.series, w.summary, w.body_html," \
	" w.starts_at, w.duration_min," \
	" CASE WHEN w.recording_url <> '' THEN 1 ELSE 0 END AS has_recording," \
	" w.starts_at + 60 * w.duration_min AS ends_at," \
	" w.sponsor_id, sp.name AS sponsor_name, sp.url AS sponsor_url"

/*
 * A webinar lasts at most a day (the schema checks it), so the start-time
 * index bounds both lists and the end-time test only trims the edge.
 * "$1 - 86400" would make PostgreSQL type $1 as a 32-bit integer (from
 * the literal): the CAST keeps now a 64-bit time on both engines.
 */
/* $4 a topic's section id (0: any), $5 a series slug ('': any). */
#define WEBINAR_FILTER \
	" AND (CAST($4 AS BIGINT) = 0 OR w.topic_id = CAST($4 AS BIGINT))" \
	" AND (CAST($5 AS TEXT) = '' OR w.series_slug = CAST($5 AS TEXT))"

static const char *const sql_webinars[WHEN__MAX] = {
	[WHEN_UPCOMING] =
	    "SELECT " WEBINAR_COLS " FROM webinars w"
	    " LEFT JOIN sponsors sp ON sp.id = w.sponsor_id"
	    " WHERE w.starts_at >= CAST($1 AS BIGINT) - 86400"
	    " AND w.starts_at > $2"
	    " AND w.starts_at + 60 * w.duration_min >= $1" WEBINAR_FILTER
	    " AND w.trashed_at IS NULL"
	    " ORDER BY w.starts_at, w.id LIMIT $3",
	[WHEN_PAST] =
	    "SELECT " WEBINAR_COLS " FROM webinars w"
	    " LEFT JOIN sponsors sp ON sp.id = w.sponsor_id"
	    " WHERE w.starts_at < $1 AND w.starts_at < $2"
	    " AND w.starts_at + 60 * w.duration_min < $1" WEBINAR_FILTER
	    " AND w.trashed_at IS NULL"
	    " ORDER BY w.starts_at DESC, w.id DESC LIMIT $3",
};

static const char sql_webinar_get[] =
    "SELECT " WEBINAR_COLS "," IMAGE_COLS " FROM webinars w"
    " LEFT JOIN sponsors sp ON sp.id = w.sponsor_id"
    " LEFT JOIN images i ON i.id = w.image_id WHERE w.slug = $1"
    " AND w.trashed_at IS NULL";

static const char sql_events_next_end[] =
    "SELECT min(ends_at) FROM events WHERE ends_at >= $1"
    " AND trashed_at IS NULL";
static const char sql_webinars_next_end[] =
    "SELECT min(starts_at + 60 * duration_min) FROM webinars"
    " WHERE starts_at >= CAST($1 AS BIGINT) - 86400"
    " AND starts_at + 60 * duration_min >= $1 AND trashed_at IS NULL";

int64_t
store_events_next_end(struct db *db, int64_t now)
{
	return store_scalar(db, sql_events_next_end, now);
}

int64_t
store_webinars_next_end(struct db *db, int64_t now)
{
	return store_scalar(db, sql_webinars_next_end, now);
}

static int
list(struct db *db, const char *sql, int64_t now, int64_t bound, int limit,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, bound);
	db_bind_int(st, 3, limit);
	return store_rows_json(st, out);
}

/*
 * before is the keyset bound: for upcoming lists the start time after
 * which to continue (INT64_MIN for the first page), for past lists the
 * start time before which to continue (INT64_MAX for the first page).
 */
int
store_events(struct db *db, enum when w, int64_t now, int64_t before,
    int limit, json_t **out)
{
	return list(db, sql_events[w], now, before, limit, out);
}

int
store_event_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_event_get, slug, out);
}

int
store_webinars(struct db *db, enum when w, int64_t now, int64_t before,
    int limit, json_t **out)
{
	return store_webinars_in(db, w, now, before, limit, NULL, out);
}

int
store_webinars_in(struct db *db, enum when w, int64_t now, int64_t before,
    int limit, const struct webinar_filter *f, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_webinars[w])) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, before);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, f != NULL ? f->topic : 0);
	db_bind_str(st, 5, f != NULL && f->series != NULL ? f->series : "");
	return store_rows_json(st, out);
}

static const char sql_webinar_series[] =
    "SELECT series FROM webinars WHERE series_slug = $1 AND series_slug <> ''"
    " AND trashed_at IS NULL"
    " ORDER BY starts_at DESC LIMIT 1";

int
store_webinar_series(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_webinar_series, slug, out);
}

int
store_webinar_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_webinar_get, slug, out);
}

/* The newsroom: every row, and one with what its editor needs. */
static const char sql_events_admin[] =
    "SELECT e.id, e.slug, e.name, e.kind, e.starts_at, e.ends_at,"
    " e.timezone FROM events e WHERE e.trashed_at IS NULL ORDER BY e.starts_at DESC, e.id DESC";
static const char sql_webinars_admin[] =
    "SELECT w.id, w.slug, w.title, w.starts_at, w.duration_min"
    " FROM webinars w WHERE w.trashed_at IS NULL ORDER BY w.starts_at DESC, w.id DESC";
static const char sql_event_by_id[] =
    "SELECT e.id, e.slug, e.name, e.kind, e.summary, e.body_md,"
    " e.starts_at, e.ends_at, e.timezone, e.venue, e.online, e.url,"
    " COALESCE(e.sponsor_id, 0) AS sponsor_id, e.street_address,"
    " e.locality, e.region, e.postal_code, e.country,"
    " COALESCE(i.hash, '') AS image, e.trashed_at"
    " FROM events e LEFT JOIN images i ON i.id = e.image_id"
    " WHERE e.id = $1";
static const char sql_webinar_by_id[] =
    "SELECT w.id, w.slug, w.title, w.series, w.summary, w.body_md,"
    " w.starts_at, w.duration_min, w.recording_url, w.join_url,"
    " w.series_slug, COALESCE(t.slug, '') AS topic,"
    " COALESCE(w.sponsor_id, 0) AS sponsor_id,"
    " COALESCE(i.hash, '') AS image, w.trashed_at"
    " FROM webinars w LEFT JOIN images i ON i.id = w.image_id"
    " LEFT JOIN sections t ON t.id = w.topic_id"
    " WHERE w.id = $1";
/*
 * $1 slug, $2 name, $3 kind, $4 summary, $5 body_md, $6 body_html,
 * $7 starts_at, $8 ends_at, $9 timezone, $10 venue, $11 online, $12 url,
 * $13 sponsor_id, $14 street_address, $15 locality, $16 region,
 * $17 postal_code, $18 country, $19 the image's hash ('' for none),
 * $20 id (updates).
 */
static const char sql_event_add[] =
    "INSERT INTO events (slug, name, kind, summary, body_md, body_html,"
    " starts_at, ends_at, timezone, venue, online, url, sponsor_id,"
    " street_address, locality, region, postal_code, country, image_id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
    " $14, $15, $16, $17, $18, (SELECT id FROM images WHERE hash = $19))"
    " RETURNING id";
static const char sql_event_update[] =
    "UPDATE events SET slug = $1, name = $2, kind = $3, summary = $4,"
    " body_md = $5, body_html = $6, starts_at = $7, ends_at = $8,"
    " timezone = $9, venue = $10, online = $11, url = $12,"
    " sponsor_id = $13, street_address = $14, locality = $15,"
    " region = $16, postal_code = $17, country = $18,"
    " image_id = (SELECT id FROM images WHERE hash = $19) WHERE id = $20";
/*
 * $1 slug, $2 title, $3 series, $4 summary, $5 body_md, $6 body_html,
 * $7 starts_at, $8 duration_min, $9 recording_url, $10 sponsor_id,
 * $11 the image's hash ('' for none), $12 join_url, $13 series_slug,
 * $14 topic_id, $15 id (updates).
 */
static const char sql_webinar_add[] =
    "INSERT INTO webinars (slug, title, series, summary, body_md,"
    " body_html, starts_at, duration_min, recording_url, sponsor_id,"
    " image_id, join_url, series_slug, topic_id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
    " (SELECT id FROM images WHERE hash = $11), $12, $13, $14)"
    " RETURNING id";
static const char sql_webinar_update[] =
    "UPDATE webinars SET slug = $1, title = $2, series = $3, summary = $4,"
    " body_md = $5, body_html = $6, starts_at = $7, duration_min = $8,"
    " recording_url = $9, sponsor_id = $10,"
    " image_id = (SELECT id FROM images WHERE hash = $11),"
    " join_url = $12, series_slug = $13, topic_id = $14 WHERE id = $15";

int
store_events_admin(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_events_admin)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_webinars_admin(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_webinars_admin)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

static int
by_id(struct db *db, const char *sql, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql, id, out);
}

int
store_event_by_id(struct db *db, int64_t id, json_t **out)
{
	return by_id(db, sql_event_by_id, id, out);
}

int
store_webinar_by_id(struct db *db, int64_t id, json_t **out)
{
	return by_id(db, sql_webinar_by_id, id, out);
}

/* Binds a sponsor id, NULL for none. */
static void
bind_sponsor(struct db_stmt *st, int i, int64_t id)
{
	if (id > 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

/* Runs an add (RETURNING id) or an update of row *id. */
static int
save_run(struct db *db, struct db_stmt *st, int64_t *id)
{
	int rc;

	if (*id == 0) {
		if ((rc = db_step(st)) == DB_ROW)
			*id = db_col_int(st, 0);
		db_reset(st);
		return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
	}
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_event_save(struct db *db, int64_t *id, const struct event_input *e)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, *id == 0 ? sql_event_add : sql_event_update)) ==
	    NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, e->slug);
	db_bind_str(st, 2, e->name);
	db_bind_str(st, 3, e->kind);
	db_bind_str(st, 4, e->summary);
	db_bind_str(st, 5, e->body_md);
	db_bind_str(st, 6, e->body_html);
	db_bind_int(st, 7, e->starts_at);
	db_bind_int(st, 8, e->ends_at);
	db_bind_str(st, 9, e->timezone);
	db_bind_str(st, 10, e->venue);
	db_bind_int(st, 11, e->online != 0);
	db_bind_str(st, 12, e->url);
	bind_sponsor(st, 13, e->sponsor_id);
	db_bind_str(st, 14, e->street_address);
	db_bind_str(st, 15, e->locality);
	db_bind_str(st, 16, e->region);
	db_bind_str(st, 17, e->postal_code);
	db_bind_str(st, 18, e->country);
	db_bind_str(st, 19, e->image != NULL ? e->image : "");
	if (*id != 0)
		db_bind_int(st, 20, *id);
	return save_run(db, st, id);
}

int
store_webinar_save(struct db *db, int64_t *id, const struct webinar_input *w)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, *id == 0 ? sql_webinar_add :
	    sql_webinar_update)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, w->slug);
	db_bind_str(st, 2, w->title);
	db_bind_str(st, 3, w->series);
	db_bind_str(st, 4, w->summary);
	db_bind_str(st, 5, w->body_md);
	db_bind_str(st, 6, w->body_html);
	db_bind_int(st, 7, w->starts_at);
	db_bind_int(st, 8, w->duration_min);
	db_bind_str(st, 9, w->recording_url);
	bind_sponsor(st, 10, w->sponsor_id);
	db_bind_str(st, 11, w->image != NULL ? w->image : "");
	db_bind_str(st, 12, w->join_url != NULL ? w->join_url : "");
	db_bind_str(st, 13, w->series_slug != NULL ? w->series_slug : "");
	if (w->topic_id != 0)
		db_bind_int(st, 14, w->topic_id);
	else
		db_bind_null(st, 14);
	if (*id != 0)
		db_bind_int(st, 15, *id);
	return save_run(db, st, id);
}
