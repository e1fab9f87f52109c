/*
 * db.c — the driver-independent half of the seam: picking a driver,
 * dispatching to it, the per-connection statement cache and transactions.
 *
 * The drivers (db_sqlite.c, db_pg.c) fill a struct db_driver; nothing
 * above this file knows which engine it talks to.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_driver.h"
#include "fault.h"
#include "metrics.h"
#include "util.h"

static const struct db_driver *const drivers[DB__MAX] = {
	[DB_SQLITE] = &db_sqlite_driver,
	[DB_POSTGRES] = &db_pg_driver,
};

/*
 * Notes why a command failed, for the log line of the 5xx answer it
 * leads to (fault.h); returns rc.
 */
static int
noted(struct db *db, int rc)
{
	if (rc == DB_ERROR || rc == DB_BUSY)
		fault_note("database: %s", db_errmsg(db));
	return rc;
}

struct db *
db_open(const char *url, char *err, size_t errlen)
{
	enum db_kind k = DB_SQLITE;

	if (strncmp(url, "postgres://", 11) == 0 ||
	    strncmp(url, "postgresql://", 13) == 0)
		k = DB_POSTGRES;
	if (drivers[k] == NULL) {
		strlcpy_(err, "this build has no PostgreSQL driver", errlen);
		return NULL;
	}
	return drivers[k]->open(url, err, errlen);
}

void
db_init_common(struct db *db, const struct db_driver *drv)
{
	db->drv = drv;
	db->nslots = 64;
	db->nused = 0;
	db->slots = xcalloc(db->nslots, sizeof(*db->slots));
	db->txdepth = 0;
	db->txfail = DB_OK;
	db->seam_err = NULL;
	db->trips = 0;
}

void
db_free_common(struct db *db)
{
	size_t i;

	for (i = 0; i < db->nslots; i++)
		if (db->slots[i].st != NULL)
			db->drv->finalize(db->slots[i].st);
	free(db->slots);
	db->slots = NULL;
}

void
db_close(struct db *db)
{
	if (db != NULL)
		db->drv->close(db);
}

enum db_kind
db_kind(const struct db *db)
{
	return db->drv->kind;
}

const char *
db_errmsg(struct db *db)
{
	if (db->seam_err != NULL)
		return db->seam_err;
	return db->drv->errmsg(db);
}

int
db_exec(struct db *db, const char *sql)
{
	uint64_t t0 = now_mono_usec();
	int rc;

	db->seam_err = NULL;
	rc = db->drv->exec(db, sql);
	metrics_db(now_mono_usec() - t0);
	return noted(db, rc);
}

/*
 * Transactions nest.  The outermost db_begin starts the engine's
 * transaction; a db_begin inside it sets a savepoint, so that a store
 * function may wrap its writes whether or not its caller opened a
 * transaction, and undo exactly its own part when it fails.  SQLite and
 * PostgreSQL spell savepoints alike and both let a name be reused: each
 * command acts on the newest savepoint of the name, which is always the
 * innermost level, so one static name serves every depth.
 *
 * When a level cannot be undone or released as asked (the engine ended
 * the transaction by itself, or the connection went), nothing the outer
 * levels do can be trusted to be whole: the transaction is doomed, and
 * its outermost db_commit rolls it back and fails.
 */
static const char sql_savepoint[] = "SAVEPOINT masthead_nest";
static const char sql_release[] = "RELEASE SAVEPOINT masthead_nest";
static const char sql_rollback_to[] = "ROLLBACK TO SAVEPOINT masthead_nest";

/*
 * db_memo_serial's numbers are unique across connections, so that what
 * a caller kept for one is never taken for another's made at the same
 * address.
 */
static uint64_t
new_serial(void)
{
	static uint64_t last;

	return __atomic_add_fetch(&last, 1, __ATOMIC_RELAXED);
}

static int
begin(struct db *db, const char *sql)
{
	int rc;

	if (db->txdepth > 0) {
		/* A level that did not start needs no commit or rollback. */
		if ((rc = db->drv->exec(db, sql_savepoint)) != DB_OK) {
			if (db->txfail == DB_OK)
				db->txfail = rc;
			return rc;
		}
		db->txdepth++;
		return DB_OK;
	}
	db->txfail = DB_OK;
	db->seam_err = NULL;
	db->txserial = new_serial();
	if ((rc = db->drv->exec(db, sql)) != DB_OK)
		return noted(db, rc);
	db->txdepth = 1;
	return DB_OK;
}

int
db_begin(struct db *db)
{
	return begin(db, "BEGIN");
}

int
db_begin_write(struct db *db)
{
	return begin(db, db->drv->begin_write);
}

/* Ends the engine's transaction by rolling it back; never leaves it open. */
static int
rollback_all(struct db *db)
{
	db->txdepth = 0;
	db->txfail = DB_OK;
	db->txserial = new_serial();
	return db->drv->exec(db, "ROLLBACK");
}

int
db_commit(struct db *db)
{
	int rc;

	if (db->txdepth == 0)
		return DB_OK;
	if (db->txdepth > 1) {
		db->txdepth--;
		if ((rc = db->drv->exec(db, sql_release)) != DB_OK &&
		    db->txfail == DB_OK)
			db->txfail = rc;
		return rc;
	}
	/*
	 * PostgreSQL answers COMMIT in a transaction that a failed statement
	 * aborted with a silent rollback: say that nothing was kept.
	 */
	if (db->txfail == DB_OK && db->drv->txstate(db) == DB_TX_FAILED) {
		rollback_all(db);
		db->seam_err = "a statement of the transaction failed, so none"
		    " of it was kept";
		return DB_ERROR;
	}
	if ((rc = db->txfail) != DB_OK) {
		rollback_all(db);
		db->seam_err = "a part of the transaction could not be undone"
		    " alone, so none of it was kept";
		return rc;
	}
	db->txdepth = 0;
	db->txserial = new_serial();
	if ((rc = noted(db, db->drv->exec(db, "COMMIT"))) == DB_OK)
		return DB_OK;
	/* SQLite keeps the transaction open when its COMMIT is busy. */
	if (db->drv->txstate(db) != DB_TX_IDLE) {
		strlcpy_(db->seam_buf, db->drv->errmsg(db),
		    sizeof(db->seam_buf));
		db->drv->exec(db, "ROLLBACK");
		db->seam_err = db->seam_buf;
	}
	return rc;
}

int
db_rollback(struct db *db)
{
	int rc;

	if (db->txdepth == 0)
		return DB_OK;
	if (db->txdepth == 1)
		return rollback_all(db);
	/*
	 * ROLLBACK TO undoes the level's writes but keeps its savepoint;
	 * RELEASE then ends the level.
	 */
	db->txdepth--;
	db->txserial = new_serial();
	if ((rc = db->drv->exec(db, sql_rollback_to)) == DB_OK)
		rc = db->drv->exec(db, sql_release);
	if (rc != DB_OK && db->txfail == DB_OK)
		db->txfail = rc;
	return rc;
}

uint64_t
db_memo_serial(const struct db *db)
{
	return db->bulk && db->txdepth > 0 ? db->txserial : 0;
}

int
db_migrate_lock(struct db *db)
{
	if (db->drv->migrate_lock == NULL)
		return DB_OK;
	return db->drv->exec(db, db->drv->migrate_lock);
}

void
db_bulk(struct db *db, int on)
{
	const char *sql = on ? db->drv->bulk_start : db->drv->bulk_end;

	db->bulk = on;
	db->txserial = new_serial();
	if (sql != NULL && db->txdepth == 0)
		(void)db->drv->exec(db, sql);
}

static size_t
slot_hash(const char *sql, size_t mask)
{
	uintptr_t h = (uintptr_t)sql;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & mask;
}

static void
slots_grow(struct db *db)
{
	struct db_stmt_slot *old = db->slots;
	size_t oldn = db->nslots, i, j;

	db->nslots *= 2;
	db->slots = xcalloc(db->nslots, sizeof(*db->slots));
	for (i = 0; i < oldn; i++) {
		if (old[i].sql == NULL)
			continue;
		j = slot_hash(old[i].sql, db->nslots - 1);
		while (db->slots[j].sql != NULL)
			j = (j + 1) & (db->nslots - 1);
		db->slots[j] = old[i];
	}
	free(old);
}

struct db_stmt *
db_stmt(struct db *db, const char *sql)
{
	size_t j = slot_hash(sql, db->nslots - 1);
	struct db_stmt *st;

	while (db->slots[j].sql != NULL) {
		if (db->slots[j].sql == sql)
			return db->slots[j].st;
		j = (j + 1) & (db->nslots - 1);
	}
	if ((st = db->drv->prepare(db, sql)) == NULL) {
		noted(db, DB_ERROR);
		return NULL;
	}
	db->slots[j].sql = sql;
	db->slots[j].st = st;
	if (++db->nused * 2 > db->nslots)
		slots_grow(db);
	return st;
}

struct db_stmt *
db_stmt_generic(struct db *db, const char *sql)
{
	struct db_stmt *st = db_stmt(db, sql);

	if (st != NULL)
		st->generic = 1;
	return st;
}

void
db_reset(struct db_stmt *st)
{
	st->db->drv->reset(st);
}

void
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	st->db->drv->bind_int(st, i, v);
}

void
db_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	st->db->drv->bind_text(st, i, s, n);
}

void
db_bind_str(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		st->db->drv->bind_null(st, i);
	else
		st->db->drv->bind_text(st, i, s, strlen(s));
}

void
db_bind_null(struct db_stmt *st, int i)
{
	st->db->drv->bind_null(st, i);
}

int
db_send(struct db_stmt *st)
{
	if (st->db->drv->send == NULL)
		return DB_OK;
	/* A failure is said again by the step, which the caller checks. */
	return st->db->drv->send(st);
}

int
db_step(struct db_stmt *st)
{
	uint64_t t0 = now_mono_usec();
	int rc;

	st->db->seam_err = NULL;
	rc = st->db->drv->step(st);
	metrics_db(now_mono_usec() - t0);
	return noted(st->db, rc);
}

int
db_col_count(struct db_stmt *st)
{
	return st->db->drv->col_count(st);
}

int
db_col_isnull(struct db_stmt *st, int i)
{
	return st->db->drv->col_isnull(st, i);
}

int64_t
db_col_int(struct db_stmt *st, int i)
{
	return st->db->drv->col_int(st, i);
}

/* A driver without its own reads the text, which on PostgreSQL has every digit. */
double
db_col_double(struct db_stmt *st, int i)
{
	if (st->db->drv->col_double != NULL)
		return st->db->drv->col_double(st, i);
	return strtod(st->db->drv->col_text(st, i, NULL), NULL);
}

const char *
db_col_text(struct db_stmt *st, int i, size_t *lenp)
{
	return st->db->drv->col_text(st, i, lenp);
}

const char *
db_col_name(struct db_stmt *st, int i)
{
	return st->db->drv->col_name(st, i);
}

int
db_run(struct db_stmt *st)
{
	int rc;

	while ((rc = db_step(st)) == DB_ROW)
		;
	db_reset(st);
	return rc == DB_DONE ? DB_OK : rc;
}

uint64_t
db_round_trips(const struct db *db)
{
	return db != NULL ? db->trips : 0;
}

int64_t
db_changes(struct db *db)
{
	return db->drv->changes(db);
}

int
db_notify(struct db *db, const char *channel, const char *payload)
{
	if (db->drv->notify == NULL)
		return DB_OK;
	return db->drv->notify(db, channel, payload);
}

int
db_reseed(struct db *db, const char *table)
{
	if (db->drv->reseed == NULL)
		return DB_OK;
	return db->drv->reseed(db, table);
}

int
db_listen(struct db *db, const char *channel)
{
	if (db->drv->listen == NULL)
		return DB_ERROR;
	return db->drv->listen(db, channel);
}

int
db_wait_notify(struct db *db, int ms, char *out, size_t outsz)
{
	if (db->drv->wait_notify == NULL)
		return -1;
	return db->drv->wait_notify(db, ms, out, outsz);
}

int
db_has_load(const struct db *db)
{
	return db->drv->load_begin != NULL;
}

int
db_load_begin(struct db *db, const char *table, const char *columns)
{
	if (db->drv->load_begin == NULL) {
		db->seam_err = "this engine has no bulk load";
		return DB_ERROR;
	}
	db->seam_err = NULL;
	return noted(db, db->drv->load_begin(db, table, columns));
}

int
db_load_row(struct db *db, const char *const *val, const size_t *len, int n)
{
	return noted(db, db->drv->load_row(db, val, len, n));
}

int
db_load_end(struct db *db, int failed)
{
	return noted(db, db->drv->load_end(db, failed));
}
