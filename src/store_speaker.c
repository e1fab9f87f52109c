/*
 * store_speaker.c — an event's speakers: name, job title, company and a
 * photo, in the order the event's page shows them.
 */
#include "db.h"
#include "store.h"

static const char sql_speakers[] =
    "SELECT s.name, s.title, s.company, i.hash AS photo_hash,"
    " i.ext AS photo_ext, i.width AS photo_width, i.height AS photo_height,"
    " i.alt AS photo_alt, i.widths AS photo_widths"
    " FROM event_speakers s LEFT JOIN images i ON i.id = s.image_id"
    " WHERE s.event_id = $1 ORDER BY s.position, s.id";
static const char sql_clear[] =
    "DELETE FROM event_speakers WHERE event_id = $1";
/* $1 event, $2 position, $3 name, $4 title, $5 company, $6 image hash. */
static const char sql_add[] =
    "INSERT INTO event_speakers (event_id, position, name, title, company,"
    " image_id) VALUES ($1, $2, $3, $4, $5,"
    " (SELECT id FROM images WHERE hash = $6))";

int
store_event_speakers(struct db *db, int64_t event, json_t **out)
{
	return store_rows_by_id(db, sql_speakers, event, out);
}

int
store_event_speakers_set(struct db *db, int64_t event,
    const struct speaker_input *s, size_t n)
{
	struct db_stmt *st;
	size_t i;
	int rc;

	if ((st = db_stmt(db, sql_clear)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, event);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	for (i = 0; i < n; i++) {
		if ((st = db_stmt(db, sql_add)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, event);
		db_bind_int(st, 2, (int64_t)i);
		db_bind_str(st, 3, s[i].name);
		db_bind_str(st, 4, s[i].title);
		db_bind_str(st, 5, s[i].company);
		db_bind_str(st, 6, s[i].image);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	}
	return STORE_OK;
}
