/*
 * store_deliveries.c — the deliveries table (store_deliveries.h).
 */
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_deliveries.h"
#include "util.h"

/* $2 is NULL for a kind that names no webhook. */
static const char sql_add[] =
    "INSERT INTO deliveries (kind, webhook, inbox, sender, event, object,"
    " payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    " RETURNING id";
static const char sql_get[] =
    "SELECT d.id, d.kind, d.webhook, d.inbox, d.sender, d.event, d.object,"
    " d.payload, d.status, d.attempts, COALESCE(w.url, '') AS url,"
    " COALESCE(w.secret, '') AS secret, COALESCE(w.active, 1) AS active"
    " FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook"
    " WHERE d.id = $1";
static const char sql_tried[] =
    "UPDATE deliveries SET attempts = attempts + 1, status = $2,"
    " last_code = $3, last_error = $4,"
    " next_at = CASE WHEN CAST($5 AS BIGINT) = 0 THEN NULL ELSE $5 END,"
    " delivered_at = CASE WHEN $2 = 'ok' THEN $6 ELSE delivered_at END"
    " WHERE id = $1";
static const char sql_reset[] =
    "UPDATE deliveries SET status = 'pending', attempts = 0,"
    " last_error = '', next_at = $2 WHERE id = $1";
/* By the index deliveries_kind (kind, id DESC). */
static const char sql_list[] =
    "SELECT d.id, d.kind, d.webhook, COALESCE(w.url, '') AS url, d.inbox,"
    " d.sender, d.event, d.event AS activity, d.object, d.status,"
    " d.attempts, d.last_code, d.last_error, d.created_at, d.next_at,"
    " d.delivered_at FROM deliveries d"
    " LEFT JOIN webhooks w ON w.id = d.webhook"
    " WHERE d.kind = $1 ORDER BY d.id DESC LIMIT $2";

int
store_deliveries_add(struct db *db, const struct delivery_row *d, int64_t *id)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, d->kind);
	if (d->webhook > 0)
		db_bind_int(st, 2, d->webhook);
	else
		db_bind_null(st, 2);
	db_bind_str(st, 3, d->inbox != NULL ? d->inbox : "");
	db_bind_str(st, 4, d->sender != NULL ? d->sender : "");
	db_bind_str(st, 5, d->event);
	db_bind_str(st, 6, d->object != NULL ? d->object : "");
	db_bind_str(st, 7, d->payload);
	db_bind_int(st, 8, now_unix());
	return store_returning_id(st, id);
}

int
store_deliveries_get(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_get, id, out);
}

int
store_deliveries_tried(struct db *db, int64_t id, const char *status,
    int64_t code, const char *error, int64_t next_at)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_tried)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, status);
	db_bind_int(st, 3, code);
	db_bind_str(st, 4, error);
	db_bind_int(st, 5, next_at);
	db_bind_int(st, 6, now_unix());
	return store_one_row(db, st);
}

int
store_deliveries_reset(struct db *db, int64_t id)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_reset)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now_unix());
	return store_one_row(db, st);
}

int
store_deliveries_list(struct db *db, const char *kind, int64_t n, json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_list)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, kind);
	db_bind_int(st, 2, n);
	return store_rows_json(st, out);
}
