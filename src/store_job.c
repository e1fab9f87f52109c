/*
 * store_job.c — the jobs table: adding work, claiming it on exactly one
 * instance, and recording how it went.
 *
 * A claim is one statement that marks the oldest due job as taken by
 * this worker until a lease runs out.  On PostgreSQL its inner SELECT
 * takes the row with FOR UPDATE SKIP LOCKED, so workers of several
 * instances claiming at once each get a different job and none waits;
 * SQLite runs it inside the write transaction, which one process holds
 * at a time.  A worker that dies leaves its job locked until the lease
 * ends; then the job is due again.  A finished job keeps locked_by:
 * which instance ran it.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

static const char sql_add[] =
    "INSERT INTO jobs (kind, payload, run_at, created_at)"
    " VALUES ($1, $2, $3, $4) RETURNING id";
static const char sql_due[] =
    "SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL"
    " AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)"
    " LIMIT 1";
/* What differs is only the row lock; see the comment at the top. */
static const char *const sql_claim[DB__MAX] = {
	[DB_SQLITE] =
	    "UPDATE jobs SET locked_by = $1, locked_until = $2,"
	    " attempts = attempts + 1 WHERE id = ("
	    " SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL"
	    " AND run_at <= $3 AND (locked_until IS NULL OR locked_until <= $3)"
	    " ORDER BY run_at, id LIMIT 1)"
	    " RETURNING id, kind, payload, attempts",
	[DB_POSTGRES] =
	    "UPDATE jobs SET locked_by = $1, locked_until = $2,"
	    " attempts = attempts + 1 WHERE id = ("
	    " SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL"
	    " AND run_at <= $3 AND (locked_until IS NULL OR locked_until <= $3)"
	    " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
	    " RETURNING id, kind, payload, attempts",
};
static const char sql_done[] =
    "UPDATE jobs SET done_at = $3, locked_until = NULL,"
    " last_error = NULL WHERE id = $1 AND locked_by = $2";
static const char sql_done_wipe[] =
    "UPDATE jobs SET done_at = $3, locked_until = NULL,"
    " last_error = NULL, payload = '{}' WHERE id = $1 AND locked_by = $2";
static const char sql_retry[] =
    "UPDATE jobs SET run_at = $3, last_error = $4, locked_by = NULL,"
    " locked_until = NULL WHERE id = $1 AND locked_by = $2";
static const char sql_fail[] =
    "UPDATE jobs SET failed_at = $3, last_error = $4, locked_by = NULL,"
    " locked_until = NULL WHERE id = $1 AND locked_by = $2";
static const char sql_fail_wipe[] =
    "UPDATE jobs SET failed_at = $3, last_error = $4, locked_by = NULL,"
    " locked_until = NULL, payload = '{}' WHERE id = $1 AND locked_by = $2";
static const char sql_owners[] =
    "SELECT DISTINCT locked_by FROM jobs WHERE done_at IS NULL"
    " AND failed_at IS NULL AND locked_until > $1";
static const char sql_release[] =
    "UPDATE jobs SET locked_by = NULL, locked_until = NULL"
    " WHERE locked_by = $1 AND done_at IS NULL AND failed_at IS NULL";
static const char sql_purge_jobs[] =
    "DELETE FROM jobs WHERE (done_at IS NOT NULL AND done_at < $1)"
    " OR (failed_at IS NOT NULL AND failed_at < $2)";
static const char sql_purge_limits[] =
    "DELETE FROM rate_limits WHERE window_start < $1";
static const char sql_purge_tokens[] =
    "DELETE FROM account_tokens WHERE expires_at < $1";
static const char sql_purge_sub_tokens[] =
    "DELETE FROM subscriber_tokens WHERE expires_at < $1";
static const char sql_purge_sessions[] =
    "DELETE FROM sessions WHERE expires_at < $1";
/* Invitations and setup links go once used or expired (they never revive). */
static const char sql_purge_staff_tokens[] =
    "DELETE FROM staff_tokens WHERE expires_at < $1 OR used_at IS NOT NULL";

int
store_job_add(struct db *db, const char *kind, const char *payload,
    int64_t run_at, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, kind);
	db_bind_str(st, 2, payload);
	db_bind_int(st, 3, run_at);
	db_bind_int(st, 4, now_unix());
	rc = db_step(st);
	if (rc == DB_ROW && id != NULL)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_job_due(struct db *db, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_due)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, now);
	rc = db_step(st);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

static const char sql_queued[] =
    "SELECT kind, COUNT(*) FROM jobs WHERE done_at IS NULL"
    " AND failed_at IS NULL GROUP BY kind ORDER BY kind";

int
store_job_queued(struct db *db, void (*fn)(void *, const char *, int64_t),
    void *arg)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_queued)) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(st)) == DB_ROW)
		fn(arg, db_col_text(st, 0, NULL), db_col_int(st, 1));
	db_reset(st);
	return rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

int
store_job_claim(struct db *db, const char *worker, int64_t now,
    int64_t lease, struct job *j)
{
	struct db_stmt *st;
	int rc;

	memset(j, 0, sizeof(*j));
	if ((st = db_stmt(db, sql_claim[db_kind(db)])) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, worker);
	db_bind_int(st, 2, now + lease);
	db_bind_int(st, 3, now);
	if ((rc = db_step(st)) == DB_ROW) {
		j->id = db_col_int(st, 0);
		strlcpy_(j->kind, db_col_text(st, 1, NULL), sizeof(j->kind));
		j->payload = xstrdup(db_col_text(st, 2, NULL));
		j->attempts = db_col_int(st, 3);
	}
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

/* Runs one of the finishing statements: id, worker, a time, a message. */
static int
finish(struct db *db, const char *sql, int64_t id, const char *worker,
    int64_t t, const char *msg, int with_msg)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, worker);
	db_bind_int(st, 3, t);
	if (with_msg)
		db_bind_str(st, 4, msg);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_job_done(struct db *db, int64_t id, const char *worker, int64_t now,
    int wipe)
{
	return finish(db, wipe ? sql_done_wipe : sql_done, id, worker, now,
	    NULL, 0);
}

int
store_job_retry(struct db *db, int64_t id, const char *worker,
    int64_t run_at, const char *err)
{
	return finish(db, sql_retry, id, worker, run_at, err, 1);
}

int
store_job_fail(struct db *db, int64_t id, const char *worker, int64_t now,
    const char *err, int wipe)
{
	return finish(db, wipe ? sql_fail_wipe : sql_fail, id, worker, now,
	    err, 1);
}

int
store_housekeeping(struct db *db, int64_t now)
{
	static const char *const sqls[] = {
		sql_purge_limits, sql_purge_tokens, sql_purge_sessions,
		sql_purge_sub_tokens, sql_purge_staff_tokens,
	};
	struct db_stmt *st;
	size_t i;
	int rc;

	if ((st = db_stmt(db, sql_purge_jobs)) == NULL)
		return STORE_ERROR;
	/* Finished work is kept a week, failed work a month, to look at. */
	db_bind_int(st, 1, now - 7 * 86400);
	db_bind_int(st, 2, now - 30 * 86400);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	for (i = 0; i < ARRAY_SIZE(sqls); i++) {
		if ((st = db_stmt(db, sqls[i])) == NULL)
			return STORE_ERROR;
		/* No rate-limit window is longer than a day. */
		db_bind_int(st, 1, i == 0 ? now - 86400 : now);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	}
	return STORE_OK;
}

int
store_job_owners(struct db *db, int64_t now, char ***owners, size_t *n)
{
	struct db_stmt *st;
	int rc;

	*owners = NULL;
	*n = 0;
	if ((st = db_stmt(db, sql_owners)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, now);
	while ((rc = db_step(st)) == DB_ROW) {
		*owners = xrealloc(*owners, (*n + 1) * sizeof(**owners));
		(*owners)[(*n)++] = xstrdup(db_col_text(st, 0, NULL));
	}
	db_reset(st);
	return rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

int
store_job_release(struct db *db, const char *worker)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_release)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, worker);
	rc = db_run(st);
	return rc == DB_OK ? STORE_OK : store_rc_from_db(rc);
}
