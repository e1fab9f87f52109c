/*
 * store_webhook.c — the webhooks admins registered (store_webhook.h);
 * their deliveries are rows of store_deliveries.c.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "store_webhook.h"
#include "util.h"

static const char sql_add[] =
    "INSERT INTO webhooks (url, events, secret, active, created_at,"
    " created_by) VALUES ($1, $2, $3, 1, $4, $5) RETURNING id";
static const char sql_list[] =
    "SELECT w.id, w.url, w.events, w.active, w.created_at,"
    " COALESCE(u.display_name, '') AS created_by FROM webhooks w"
    " LEFT JOIN users u ON u.id = w.created_by ORDER BY w.id DESC";
static const char sql_set_active[] =
    "UPDATE webhooks SET active = $2 WHERE id = $1";
static const char sql_exists[] =
    "SELECT COUNT(*) FROM webhooks WHERE id = $1";
static const char sql_delete[] =
    "DELETE FROM webhooks WHERE id = $1";
/* $1 is the event padded with spaces, matched in the padded list. */
static const char sql_for[] =
    "SELECT id, url FROM webhooks WHERE active = 1"
    " AND ' ' || events || ' ' LIKE '%' || $1 || '%' ORDER BY id";
int
store_webhook_add(struct db *db, const char *url, const char *events,
    const char *secret, int64_t created_by, int64_t *id)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, url);
	db_bind_str(st, 2, events);
	db_bind_str(st, 3, secret);
	db_bind_int(st, 4, now_unix());
	if (created_by > 0)
		db_bind_int(st, 5, created_by);
	else
		db_bind_null(st, 5);
	return store_returning_id(st, id);
}

int
store_webhooks_list(struct db *db, json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_list)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_webhook_set_active(struct db *db, int64_t id, int active)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_set_active)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, active ? 1 : 0);
	return store_one_row(db, st);
}

int
store_webhook_exists(struct db *db, int64_t id)
{
	return store_scalar(db, sql_exists, id) == 1 ? STORE_OK :
	    STORE_NOTFOUND;
}

int
store_webhook_delete(struct db *db, int64_t id)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_delete)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return store_one_row(db, st);
}

int
store_webhooks_for(struct db *db, const char *event, json_t **out)
{
	struct db_stmt *st;
	char pad[80];

	/* Event names are a fixed list of [a-z.] words: no LIKE wildcard. */
	snprintf(pad, sizeof(pad), " %s ", event);
	if ((st = db_stmt(db, sql_for)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, pad);
	return store_rows_json(st, out);
}
