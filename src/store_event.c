/*
 * store_event.c — live events and webinars, upcoming and archived.
 */
#include "db.h"
#include "store.h"

#define EVENT_MAX_SECONDS	"7776000"	/* EVENT_MAX_DAYS, 90 */

#define EVENT_COLS \
	"e.id, e.slug, e.name, e.kind, e.summary, e.body_html, e.starts_at," \
	" e.ends_at, e.timezone, e.venue, e.online, e.url," \
	" sp.name AS sponsor_name, sp.url AS sponsor_url"

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
	    " AND e.ends_at >= $1 AND e.starts_at > $2"
	    " ORDER BY e.starts_at, e.id LIMIT $3",
	[WHEN_PAST] =
	    "SELECT " EVENT_COLS " FROM events e"
	    " LEFT JOIN sponsors sp ON sp.id = e.sponsor_id"
	    " WHERE e.ends_at < $1 AND e.starts_at < $2"
	    " ORDER BY e.starts_at DESC, e.id DESC LIMIT $3",
};

static const char sql_event_get[] =
    "SELECT " EVENT_COLS " FROM events e"
    " LEFT JOIN sponsors sp ON sp.id = e.sponsor_id WHERE e.slug = $1";

#define WEBINAR_COLS \
	"w.id, w.slug, w.title, w.series, w.summary, w.body_html," \
	" w.starts_at, w.duration_min, w.recording_url," \
	" w.starts_at + 60 * w.duration_min AS ends_at," \
	" sp.name AS sponsor_name, sp.url AS sponsor_url"

/*
 * A webinar lasts at most a day (the schema checks it), so the start-time
 * index bounds both lists and the end-time test only trims the edge.
 * "$1 - 86400" would make PostgreSQL type $1 as a 32-bit integer (from
 * the literal): the CAST keeps now a 64-bit time on both engines.
 */
static const char *const sql_webinars[WHEN__MAX] = {
	[WHEN_UPCOMING] =
	    "SELECT " WEBINAR_COLS " FROM webinars w"
	    " LEFT JOIN sponsors sp ON sp.id = w.sponsor_id"
	    " WHERE w.starts_at >= CAST($1 AS BIGINT) - 86400"
	    " AND w.starts_at > $2"
	    " AND w.starts_at + 60 * w.duration_min >= $1"
	    " ORDER BY w.starts_at, w.id LIMIT $3",
	[WHEN_PAST] =
	    "SELECT " WEBINAR_COLS " FROM webinars w"
	    " LEFT JOIN sponsors sp ON sp.id = w.sponsor_id"
	    " WHERE w.starts_at < $1 AND w.starts_at < $2"
	    " AND w.starts_at + 60 * w.duration_min < $1"
	    " ORDER BY w.starts_at DESC, w.id DESC LIMIT $3",
};

static const char sql_webinar_get[] =
    "SELECT " WEBINAR_COLS " FROM webinars w"
    " LEFT JOIN sponsors sp ON sp.id = w.sponsor_id WHERE w.slug = $1";

static const char sql_events_next_end[] =
    "SELECT min(ends_at) FROM events WHERE ends_at >= $1";
static const char sql_webinars_next_end[] =
    "SELECT min(starts_at + 60 * duration_min) FROM webinars"
    " WHERE starts_at >= CAST($1 AS BIGINT) - 86400"
    " AND starts_at + 60 * duration_min >= $1";

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
	return list(db, sql_webinars[w], now, before, limit, out);
}

int
store_webinar_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_webinar_get, slug, out);
}
