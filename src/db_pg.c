/*
 * db_pg.c — the PostgreSQL driver behind db.h, over libpq.
 *
 * A statement is prepared on the server (under a name made per
 * connection) the first time it runs, and executed by name in text
 * format; both go in libpq's pipeline mode (PQsendPrepare,
 * PQsendQueryPrepared, then one sync), with any other statements sent
 * ahead (db_send), and are answered together.  A statement of
 * db_stmt_generic runs between "SET plan_cache_mode =
 * force_generic_plan" and "RESET plan_cache_mode" in the same pipeline:
 * the server picks a plan when it binds the parameters, so the setting
 * holds for that statement alone, at no round trip more; and a SET
 * inside a transaction that fails is undone with it, so a failure
 * between the two leaves the session as it was.  Its parameter count is
 * the highest $N of its SQL text, outside literals and comments; the
 * server infers the types.  The whole result of an execution is kept
 * and handed out a row per db_step.
 *
 * Round trips: the seam's BEGIN is not sent on its own.  It is kept
 * until the transaction's first command, and goes out with it: in one
 * pipeline (libpq's pipeline mode) with the statement, and with its
 * PREPARE the first time the connection runs it, so a statement costs one
 * round trip whether or not it opens the transaction or must be prepared.
 * A transaction that ends before any command sent nothing.  A transaction
 * that only read (every command a SELECT) is committed without waiting:
 * the COMMIT is sent and its answer read before the connection's next
 * command, when it has long arrived.  Nothing was written, so there is
 * nothing its answer could change; a transaction that wrote waits for its
 * COMMIT, as db_commit must say whether it held.
 *
 * A lost connection answers DB_BUSY (a 503 for a page) and is made again
 * by the next use, which prepares the statements afresh: a connection has
 * a generation and each statement remembers the one it was prepared on.
 * A transaction cannot survive its connection, so once one was open when
 * the connection went, everything fails until the caller ends it.
 */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_driver.h"
#include "metrics.h"

/* Statements sent ahead at most; one more reads their answers first. */
#define PG_QUEUE_MAX	16

/* Around a statement of db_stmt_generic (see the head of the file). */
#define PG_GENERIC_ON	"SET plan_cache_mode = force_generic_plan"
#define PG_GENERIC_OFF	"RESET plan_cache_mode"

/* After a failed reconnect, requests fail fast for this long. */
#define PG_RETRY_USEC	250000

struct pg_db {
	struct db	 base;
	PGconn		*conn;
	unsigned	 gen;		/* bumped by every reconnect */
	unsigned	 nnames;	/* statement names handed out */
	int		 lost;		/* the connection is known to be gone */
	int		 intx;		/* a transaction is open on the server */
	int		 txlost;	/* ...and it went with the connection */
	int		 failing;	/* a reconnect failed (and was said) */
	uint64_t	 retry_at;	/* no reconnect before (monotonic usec) */
	int		 defer_begin;	/* BEGIN goes out with the next command */
	int		 wrote;		/* the transaction ran more than SELECTs */
	int		 pending;	/* a COMMIT's answer is still to be read */
	/* Statements sent ahead (db_send), in order, not yet answered. */
	struct pg_stmt	*queue[PG_QUEUE_MAX];
	int		 nqueue;
	int		 qbegin;	/* the pipeline opens with a BEGIN */
	int64_t		 changes;
	char		 err[512];
	int		 loading;	/* inside COPY FROM STDIN */
	char		*lbuf;		/* rows not yet handed to libpq */
	size_t		 llen, lcap;
};

struct pg_param {
	char		*v;		/* NUL-terminated text, or NULL for NULL */
	size_t		 cap;
	int		 set;
};

struct pg_stmt {
	struct db_stmt	 base;
	const char	*sql;		/* static storage (db.h) */
	char		 name[24];
	unsigned	 gen;		/* prepared on this generation; 0: never */
	int		 nparam;
	struct pg_param	*params;
	const char	**values;
	int		 badtext;	/* a text value held a NUL byte */
	PGresult	*res;
	int		 row;
	int		 nrows;
	int		 queued;	/* sent ahead; answered by pg_collect */
	int		 qprep;		/* ...after its PREPARE */
	int		 qgeneric;	/* ...between SET and RESET */
	int		 qrc;		/* the answer's failure, or DB_OK */
};

#define PG(db)	((struct pg_db *)(db))
#define PGS(st)	((struct pg_stmt *)(st))

static void	pg_collect(struct pg_db *);

/* A wait for the server's answer: counted for the metrics. */
static void
pg_trip(struct pg_db *db)
{
	db->base.trips++;
	metrics_count(MC_DB_ROUND_TRIP);
}

/* Notices ("relation already exists, skipping") are not errors. */
static void
pg_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void
pg_seterr(struct pg_db *db, const char *msg)
{
	size_t n;

	strlcpy_(db->err, msg != NULL && *msg != '\0' ? msg :
	    "PostgreSQL: unknown error", sizeof(db->err));
	n = strlen(db->err);
	while (n > 0 && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
}

/*
 * Maps a failed result (or NULL) to a db_rc.  Constraint violations are
 * class 23; a lost connection, a server shutting down or starting, a
 * deadlock or a serialization failure are worth a retry (DB_BUSY).
 */
static int
pg_fail(struct pg_db *db, const PGresult *res)
{
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *sev = res != NULL ? PQresultErrorField(res,
	    PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;

	pg_seterr(db, res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(db->conn));
	/*
	 * A FATAL error ends the session: in a pipeline it may be read
	 * before libpq has seen the connection close.
	 */
	if (PQstatus(db->conn) == CONNECTION_BAD || (sev != NULL &&
	    (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0))) {
		/* Said once per loss, not once per request that meets it. */
		if (!db->lost)
			fprintf(stderr, "masthead: lost the connection to"
			    " PostgreSQL: %s\n", db->err);
		db->lost = 1;
		db->txlost = db->intx;
		db->intx = 0;
		return DB_BUSY;
	}
	if (state == NULL)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	/*
	 * Class 53 is a server out of disk, memory or connections, 58 a
	 * failing disk: like a lost connection, the storage cannot take
	 * the request now (a 503 with Retry-After).
	 */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "58", 2) == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return DB_BUSY;
	return DB_ERROR;
}

/* Notes what the server says about the transaction after a command. */
static void
pg_track(struct pg_db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(db->conn);

	db->intx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

/* A command failed with res: maps it, frees it, notes the transaction. */
static int
pg_failed(struct pg_db *db, PGresult *res)
{
	int rc = pg_fail(db, res);

	PQclear(res);
	if (!db->lost)
		pg_track(db);
	return rc;
}

/*
 * Reads the answer to a read-only transaction's COMMIT, sent without
 * waiting for it.  Nothing was written, so a failure only matters when
 * it says the connection went (pg_fail notes it).
 */
static void
pg_drain(struct pg_db *db)
{
	PGresult *res;

	if (!db->pending)
		return;
	db->pending = 0;
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			(void)pg_fail(db, res);
		PQclear(res);
	}
	if (!db->lost)
		pg_track(db);
}

/*
 * Makes sure there is a connection to use: after a loss, connects again
 * (at most every PG_RETRY_USEC).  DB_OK or DB_BUSY.
 */
static int
pg_ready(struct pg_db *db)
{
	uint64_t now;

	pg_drain(db);
	pg_collect(db);

	if (db->txlost) {
		if (db->base.txdepth > 0) {
			pg_seterr(db, "the connection to PostgreSQL was lost"
			    " inside a transaction");
			return DB_BUSY;
		}
		/* The seam has left every transaction: the lost one is over. */
		db->txlost = 0;
	}
	if (!db->lost && PQstatus(db->conn) == CONNECTION_OK)
		return DB_OK;
	now = now_mono_usec();
	if (now < db->retry_at)
		return DB_BUSY;
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		pg_seterr(db, PQerrorMessage(db->conn));
		if (!db->failing)
			fprintf(stderr, "masthead: cannot connect to PostgreSQL"
			    " again yet: %s\n", db->err);
		db->lost = db->failing = 1;
		db->retry_at = now + PG_RETRY_USEC;
		return DB_BUSY;
	}
	db->lost = db->failing = 0;
	db->intx = 0;
	fprintf(stderr, "masthead: connected to PostgreSQL again\n");
	/* The new session has no prepared statements. */
	if (++db->gen == 0)
		db->gen = 1;
	return DB_OK;
}

/*
 * Sends the BEGIN the seam deferred, for a command that cannot carry it
 * (a NOTIFY, a COPY).  DB_OK or the failure mapped.
 */
static int
pg_begin_now(struct pg_db *db)
{
	PGresult *res;

	db->wrote = 1;
	if (!db->defer_begin)
		return DB_OK;
	db->defer_begin = 0;
	db->intx = 1;
	pg_trip(db);
	res = PQexec(db->conn, "BEGIN");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return pg_failed(db, res);
	PQclear(res);
	return DB_OK;
}

static struct db *
pg_open(const char *url, char *err, size_t errlen)
{
	/*
	 * The URL comes last, so what it says wins over these defaults.
	 * JIT compiling is off: it pays for itself on queries that read
	 * millions of rows, and a page's statements never do; a plan whose
	 * estimate is far off (a story with 100,000 comments) spent 23 ms
	 * compiling to read 20 rows.
	 */
	static const char *const keys[] = {
		"connect_timeout", "client_encoding", "options", "dbname", NULL,
	};
	const char *vals[] = { "10", "UTF8", "-c jit=off", url, NULL };
	struct pg_db *db;
	PGconn *conn;
	size_t n;

	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		/* libpq's message names host and port, never the password. */
		snprintf(err, errlen, "PostgreSQL: %s", conn != NULL ?
		    PQerrorMessage(conn) : "out of memory");
		n = strlen(err);
		while (n > 0 && err[n - 1] == '\n')
			err[--n] = '\0';
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, pg_notice, NULL);
	db = xcalloc(1, sizeof(*db));
	db->conn = conn;
	db->gen = 1;
	db_init_common(&db->base, &db_pg_driver);
	return &db->base;
}

static void
pg_close(struct db *db)
{
	db_free_common(db);
	PQfinish(PG(db)->conn);
	free(PG(db)->lbuf);
	free(db);
}

static const char *
pg_errmsg(struct db *db)
{
	return PG(db)->err[0] != '\0' ? PG(db)->err :
	    PQerrorMessage(PG(db)->conn);
}

static int
pg_exec(struct db *dbp, const char *sql)
{
	struct pg_db *db = PG(dbp);
	PGresult *res;
	ExecStatusType s;
	int rc;

	/*
	 * A transaction lost with its connection ends at the seam's ROLLBACK
	 * or COMMIT (which fails: nothing was committed); a BEGIN means the
	 * seam has started another.
	 */
	if (db->txlost) {
		if (strcmp(sql, "ROLLBACK") == 0) {
			db->txlost = 0;
			return DB_OK;
		}
		if (strcmp(sql, "COMMIT") == 0) {
			db->txlost = 0;
			pg_seterr(db, "the connection to PostgreSQL was lost"
			    " inside a transaction");
			return DB_BUSY;
		}
		if (strncmp(sql, "BEGIN", 5) == 0)
			db->txlost = 0;
	}
	if ((rc = pg_ready(db)) != DB_OK)
		return rc;
	/* The seam's BEGIN waits for the transaction's first command. */
	if (strcmp(sql, "BEGIN") == 0 && !db->intx && !db->defer_begin) {
		db->defer_begin = 1;
		db->wrote = 0;
		return DB_OK;
	}
	if (db->defer_begin && (strcmp(sql, "COMMIT") == 0 ||
	    strcmp(sql, "ROLLBACK") == 0)) {
		/* Nothing was sent: there is nothing to end. */
		db->defer_begin = 0;
		return DB_OK;
	}
	if (strcmp(sql, "COMMIT") == 0 && db->intx && !db->wrote &&
	    PQtransactionStatus(db->conn) == PQTRANS_INTRANS) {
		if (PQsendQuery(db->conn, sql) != 1)
			return pg_fail(db, NULL);
		db->pending = 1;
		db->intx = 0;
		db->changes = 0;
		return DB_OK;
	}
	if (strcmp(sql, "COMMIT") != 0 && strcmp(sql, "ROLLBACK") != 0)
		db->wrote = 1;
	if (db->defer_begin) {
		/* One simple query may hold both: one round trip. */
		size_t n = strlen(sql) + 8;
		char *both = xmalloc(n);

		snprintf(both, n, "BEGIN;\n%s", sql);
		db->defer_begin = 0;
		db->intx = 1;
		res = PQexec(db->conn, both);
		free(both);
	} else {
		res = PQexec(db->conn, sql);
	}
	pg_trip(db);
	s = PQresultStatus(res);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
		db->changes = strtoll(PQcmdTuples(res), NULL, 10);
		rc = DB_OK;
	} else {
		rc = pg_fail(db, res);
	}
	PQclear(res);
	if (!db->lost)
		pg_track(db);
	return rc;
}

/*
 * The highest $N in sql, outside string literals, quoted identifiers and
 * comments: how many parameters the server will expect.
 */
static int
pg_nparams(const char *sql)
{
	const char *p = sql;
	int max = 0;

	while (*p != '\0') {
		if (*p == '\'' || *p == '"') {
			char q = *p++;

			/* A doubled quote is part of the literal. */
			while (*p != '\0' && !(*p == q && p[1] != q)) {
				if (*p == q)
					p++;
				p++;
			}
			if (*p != '\0')
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p != '\0' && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p != '\0')
				p += 2;
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9' &&
		    (p == sql || !(p[-1] == '_' || p[-1] == '$' ||
		    (p[-1] >= '0' && p[-1] <= '9') ||
		    ((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z')))) {
			int n = 0;

			for (p++; *p >= '0' && *p <= '9' && n < 100000; p++)
				n = n * 10 + (*p - '0');
			if (n > max)
				max = n;
		} else {
			p++;
		}
	}
	return max > 65535 ? 65535 : max;
}

/* Nothing reaches the server here: the first step prepares. */
static struct db_stmt *
pg_prepare(struct db *dbp, const char *sql)
{
	struct pg_db *db = PG(dbp);
	struct pg_stmt *st = xcalloc(1, sizeof(*st));

	st->base.db = dbp;
	st->sql = sql;
	snprintf(st->name, sizeof(st->name), "mh%u", ++db->nnames);
	st->nparam = pg_nparams(sql);
	st->params = xcalloc((size_t)st->nparam + 1, sizeof(*st->params));
	st->values = xcalloc((size_t)st->nparam + 1, sizeof(*st->values));
	return &st->base;
}

static void
pg_clear(struct pg_stmt *st)
{
	int i;

	/* An answer still on its way would land in the statement later. */
	if (st->queued)
		pg_collect(PG(st->base.db));
	st->qrc = DB_OK;
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
	st->badtext = 0;
	for (i = 0; i < st->nparam; i++)
		st->params[i].set = 0;
}

static void
pg_finalize(struct db_stmt *stp)
{
	struct pg_stmt *st = PGS(stp);
	int i;

	pg_clear(st);
	for (i = 0; i < st->nparam; i++)
		free(st->params[i].v);
	free(st->params);
	free(st->values);
	free(st);
}

static void
pg_reset(struct db_stmt *st)
{
	pg_clear(PGS(st));
}

/*
 * The slot of $i, or NULL for a parameter the SQL does not have.  A
 * statement bound again starts afresh: an answer sent for and not read
 * (db_send, then no step) is dropped, never handed to the new binding.
 */
static struct pg_param *
pg_param(struct db_stmt *stp, int i)
{
	struct pg_stmt *st = PGS(stp);

	if (st->queued || st->res != NULL || st->qrc != DB_OK) {
		if (st->queued)
			pg_collect(PG(st->base.db));
		PQclear(st->res);
		st->res = NULL;
		st->row = st->nrows = 0;
		st->qrc = DB_OK;
	}
	if (i < 1 || i > st->nparam)
		return NULL;
	return &st->params[i - 1];
}

static void
pg_set(struct pg_param *p, const char *s, size_t n)
{
	if (p->cap < n + 1) {
		p->cap = n + 1 < 32 ? 32 : n + 1;
		free(p->v);
		p->v = xmalloc(p->cap);
	}
	memcpy(p->v, s, n);
	p->v[n] = '\0';
	p->set = 1;
}

static void
pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
	struct pg_param *p = pg_param(st, i);
	char tmp[24], *e = tmp + sizeof(tmp), *d = e;
	/* Digits from the end, of the magnitude: INT64_MIN has no positive. */
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (p == NULL)
		return;
	/* Every statement binds several: printf's parsing showed in profiles. */
	do
		*--d = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--d = '-';
	pg_set(p, d, (size_t)(e - d));
}

static void
pg_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	struct pg_param *p = pg_param(st, i);

	if (p == NULL)
		return;
	/* Text format ends at a NUL, and PostgreSQL text cannot hold one. */
	if (memchr(s, '\0', n) != NULL)
		PGS(st)->badtext = 1;
	pg_set(p, s, n);
}

static void
pg_bind_null(struct db_stmt *st, int i)
{
	struct pg_param *p = pg_param(st, i);

	if (p != NULL)
		p->set = 0;
}

/*
 * Sends the statement ahead (db_send): into the connection's pipeline,
 * after the BEGIN the seam deferred when the pipeline opens with it, and
 * its PREPARE when this connection has not prepared it.  Nothing waits:
 * pg_collect reads the answers.  DB_OK when it was queued; else the
 * failure, and the statement was not queued.
 */
static int
pg_send(struct db_stmt *stp)
{
	struct pg_stmt *st = PGS(stp);
	struct pg_db *db = PG(st->base.db);
	int i, rc;

	if (st->queued || st->res != NULL)
		return DB_OK;
	if (st->badtext) {
		pg_seterr(db, "a text value holds a NUL byte");
		return DB_ERROR;
	}
	if (db->nqueue == PG_QUEUE_MAX)
		pg_collect(db);
	if (db->nqueue == 0) {
		if ((rc = pg_ready(db)) != DB_OK)
			return rc;
		if (PQenterPipelineMode(db->conn) != 1)
			return pg_fail(db, NULL);
		if (db->defer_begin) {
			db->defer_begin = 0;
			db->intx = 1;
			db->qbegin = 1;
			if (PQsendQueryParams(db->conn, "BEGIN", 0, NULL, NULL,
			    NULL, NULL, 0) != 1)
				goto fail;
		}
	}
	for (i = 0; i < st->nparam; i++)
		st->values[i] = st->params[i].set ? st->params[i].v : NULL;
	st->qprep = st->gen != db->gen;
	st->qgeneric = st->base.generic;
	if (st->qprep && PQsendPrepare(db->conn, st->name, st->sql,
	    st->nparam, NULL) != 1)
		goto fail;
	if (st->qgeneric && PQsendQueryParams(db->conn, PG_GENERIC_ON, 0,
	    NULL, NULL, NULL, NULL, 0) != 1)
		goto fail;
	if (PQsendQueryPrepared(db->conn, st->name, st->nparam, st->values,
	    NULL, NULL, 0) != 1)
		goto fail;
	if (st->qgeneric && PQsendQueryParams(db->conn, PG_GENERIC_OFF, 0,
	    NULL, NULL, NULL, NULL, 0) != 1)
		goto fail;
	st->queued = 1;
	st->qrc = DB_OK;
	db->queue[db->nqueue++] = st;
	return DB_OK;
fail:
	/* libpq could not send (the connection went): read what it can. */
	rc = pg_fail(db, NULL);
	pg_collect(db);
	if (PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF)
		(void)PQexitPipelineMode(db->conn);
	return rc;
}

/*
 * One command's answer in the pipeline: its result, then NULL.  NULL
 * when there is none (the connection went).
 */
static PGresult *
pg_next(struct pg_db *db)
{
	PGresult *res, *more;

	if ((res = PQgetResult(db->conn)) == NULL)
		return NULL;
	while ((more = PQgetResult(db->conn)) != NULL)
		PQclear(more);
	return res;
}

/*
 * Reads the answer of a SET or RESET sent in the pipeline; a failure
 * becomes rc when it is the first.
 */
static void
pg_setting(struct pg_db *db, int synced, int *rc)
{
	PGresult *res = synced ? pg_next(db) : NULL;

	if (*rc == DB_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
		*rc = pg_fail(db, res);
	PQclear(res);
}

/*
 * Reads the answers of everything sent ahead, in order, into each
 * statement (its result, or qrc); ends the pipeline.  After a failure
 * the server skipped the rest of the pipeline: those statements answer
 * the first failure, whose message stays the connection's.
 */
static void
pg_collect(struct pg_db *db)
{
	struct pg_stmt *st;
	PGresult *res;
	ExecStatusType s;
	int i, synced, rc = DB_OK;

	if (db->nqueue == 0 && !db->qbegin)
		return;
	if (!(synced = PQpipelineSync(db->conn) == 1))
		rc = pg_fail(db, NULL);
	pg_trip(db);
	if (db->qbegin) {
		res = synced ? pg_next(db) : NULL;
		if (rc == DB_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = pg_fail(db, res);
		PQclear(res);
	}
	for (i = 0; i < db->nqueue; i++) {
		st = db->queue[i];
		st->queued = 0;
		if (st->qprep) {
			res = synced ? pg_next(db) : NULL;
			if (rc == DB_OK && PQresultStatus(res) == PGRES_COMMAND_OK)
				st->gen = db->gen;
			else if (rc == DB_OK)
				rc = pg_fail(db, res);
			PQclear(res);
		}
		if (st->qgeneric)
			pg_setting(db, synced, &rc);
		res = synced ? pg_next(db) : NULL;
		s = PQresultStatus(res);
		if (rc == DB_OK && s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
			rc = pg_fail(db, res);
		/* The RESET's answer comes after the rows. */
		if (st->qgeneric)
			pg_setting(db, synced, &rc);
		if (rc != DB_OK) {
			st->qrc = rc;
			PQclear(res);
			continue;
		}
		/* A SELECT writes nothing a COMMIT need wait for (the top). */
		if (strncmp(PQcmdStatus(res), "SELECT", 6) != 0)
			db->wrote = 1;
		db->changes = strtoll(PQcmdTuples(res), NULL, 10);
		st->res = res;
		st->nrows = PQntuples(res);
		st->row = -1;
	}
	db->nqueue = 0;
	db->qbegin = 0;
	/* The sync's answer ends the pipeline. */
	while (synced && PQstatus(db->conn) == CONNECTION_OK &&
	    (res = PQgetResult(db->conn)) != NULL) {
		s = PQresultStatus(res);
		PQclear(res);
		if (s == PGRES_PIPELINE_SYNC)
			break;
	}
	(void)PQexitPipelineMode(db->conn);
	if (!db->lost)
		pg_track(db);
}

/* Runs the statement: sent alone, answered at once. */
static int
pg_run(struct pg_stmt *st)
{
	int rc;

	if ((rc = pg_send(&st->base)) != DB_OK)
		return rc;
	pg_collect(PG(st->base.db));
	return st->qrc;
}

static int
pg_step(struct db_stmt *stp)
{
	struct pg_stmt *st = PGS(stp);
	int rc;

	if (st->queued)
		pg_collect(PG(st->base.db));
	if (st->qrc != DB_OK)
		return st->qrc;
	if (st->res == NULL && (rc = pg_run(st)) != DB_OK)
		return rc;
	if (st->row < st->nrows)
		st->row++;
	return st->row < st->nrows ? DB_ROW : DB_DONE;
}

static int
pg_col_count(struct db_stmt *st)
{
	return PGS(st)->res != NULL ? PQnfields(PGS(st)->res) : 0;
}

/* True when column i of the current row exists. */
static int
pg_has(struct pg_stmt *st, int i)
{
	return st->res != NULL && st->row >= 0 && st->row < st->nrows &&
	    i >= 0 && i < PQnfields(st->res);
}

static int
pg_col_isnull(struct db_stmt *stp, int i)
{
	struct pg_stmt *st = PGS(stp);

	return !pg_has(st, i) || PQgetisnull(st->res, st->row, i);
}

/*
 * Integers arrive as text.  A boolean is 1 or 0; anything else that is
 * not a whole decimal number is read up to its first non-digit.
 */
static int64_t
pg_col_int(struct db_stmt *stp, int i)
{
	struct pg_stmt *st = PGS(stp);
	const char *s;
	int64_t v;

	if (!pg_has(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	s = PQgetvalue(st->res, st->row, i);
	if (parse_int(s, strlen(s), INT64_MIN, INT64_MAX, &v) == 0)
		return v;
	if (strcmp(s, "t") == 0)
		return 1;
	return strtoll(s, NULL, 10);
}

static const char *
pg_col_text(struct db_stmt *stp, int i, size_t *lenp)
{
	struct pg_stmt *st = PGS(stp);
	const char *s = "";
	size_t n = 0;

	if (pg_has(st, i) && !PQgetisnull(st->res, st->row, i)) {
		s = PQgetvalue(st->res, st->row, i);
		n = (size_t)PQgetlength(st->res, st->row, i);
	}
	if (lenp != NULL)
		*lenp = n;
	return s;
}

static const char *
pg_col_name(struct db_stmt *st, int i)
{
	if (PGS(st)->res == NULL || i < 0 || i >= PQnfields(PGS(st)->res))
		return "";
	return PQfname(PGS(st)->res, i);
}

static int64_t
pg_changes(struct db *db)
{
	return PG(db)->changes;
}

static int
pg_notify(struct db *dbp, const char *channel, const char *payload)
{
	struct pg_db *db = PG(dbp);
	const char *vals[2] = { channel, payload };
	PGresult *res;
	int rc;

	if ((rc = pg_ready(db)) != DB_OK || (rc = pg_begin_now(db)) != DB_OK)
		return rc;
	/* pg_notify() takes parameters, where NOTIFY takes only literals. */
	pg_trip(db);
	res = PQexecParams(db->conn, "SELECT pg_notify($1, $2)", 2, NULL,
	    vals, NULL, NULL, 0);
	rc = PQresultStatus(res) == PGRES_TUPLES_OK ? DB_OK : pg_fail(db, res);
	PQclear(res);
	if (!db->lost)
		pg_track(db);
	return rc;
}

static int
pg_listen(struct db *dbp, const char *channel)
{
	struct pg_db *db = PG(dbp);
	char *id, sql[256];
	int rc;

	if ((rc = pg_ready(db)) != DB_OK)
		return rc;
	if ((id = PQescapeIdentifier(db->conn, channel, strlen(channel))) ==
	    NULL)
		return DB_ERROR;
	snprintf(sql, sizeof(sql), "LISTEN %s", id);
	PQfreemem(id);
	return pg_exec(dbp, sql);
}

static int
pg_wait_notify(struct db *dbp, int ms, char *out, size_t outsz)
{
	struct pg_db *db = PG(dbp);
	struct pollfd pfd;
	PGnotify *nf;

	pg_drain(db);
	pg_collect(db);
	if (db->lost || PQstatus(db->conn) != CONNECTION_OK)
		return -1;
	if ((nf = PQnotifies(db->conn)) == NULL) {
		pfd.fd = PQsocket(db->conn);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, ms) < 0)
			return pfd.fd < 0 ? -1 : 0;
		if (pfd.revents == 0)
			return 0;
		if (!PQconsumeInput(db->conn)) {
			pg_seterr(db, PQerrorMessage(db->conn));
			db->lost = 1;
			return -1;
		}
		if ((nf = PQnotifies(db->conn)) == NULL)
			return 0;
	}
	strlcpy_(out, nf->extra, outsz);
	PQfreemem(nf);
	return 1;
}

/*
 * Moves the identity sequence of table past its highest id.  The table
 * name is an identifier of the schema, quoted by libpq.
 */
static int
pg_reseed(struct db *dbp, const char *table)
{
	struct pg_db *db = PG(dbp);
	char *id, *lit, sql[512];
	int rc;

	if ((rc = pg_ready(db)) != DB_OK)
		return rc;
	id = PQescapeIdentifier(db->conn, table, strlen(table));
	lit = PQescapeLiteral(db->conn, table, strlen(table));
	if (id == NULL || lit == NULL) {
		PQfreemem(id);
		PQfreemem(lit);
		return DB_ERROR;
	}
	snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence(%s,"
	    " 'id'), max(id)) FROM %s HAVING max(id) IS NOT NULL", lit, id);
	PQfreemem(id);
	PQfreemem(lit);
	return pg_exec(dbp, sql);
}

/*
 * Bulk loads: COPY ... FROM STDIN in text format.  Rows are escaped into
 * lbuf and handed to libpq PG_LOAD_CHUNK bytes at a time; the server
 * checks them as they arrive but answers only at the end.
 */
#define PG_LOAD_CHUNK	(256 * 1024)

size_t
pg_copy_field(char *out, size_t outsz, const char *s, size_t n)
{
	size_t i, o = 0;
	char c, e;

	if (s == NULL) {
		if (outsz >= 2)
			memcpy(out, "\\N", 2);
		return 2;
	}
	for (i = 0; i < n; i++) {
		c = s[i];
		switch (c) {
		case '\\': e = '\\'; break;
		case '\t': e = 't'; break;
		case '\n': e = 'n'; break;
		case '\r': e = 'r'; break;
		default: e = 0; break;
		}
		if (e != 0) {
			if (o + 2 <= outsz) {
				out[o] = '\\';
				out[o + 1] = e;
			}
			o += 2;
		} else {
			if (o < outsz)
				out[o] = c;
			o++;
		}
	}
	return o;
}

/* Hands the buffered rows to libpq.  DB_OK, or the failure mapped. */
static int
pg_load_flush(struct pg_db *db)
{
	if (db->llen == 0)
		return DB_OK;
	if (PQputCopyData(db->conn, db->lbuf, (int)db->llen) != 1)
		return pg_fail(db, NULL);
	db->llen = 0;
	return DB_OK;
}

static int
pg_load_begin(struct db *dbp, const char *table, const char *columns)
{
	struct pg_db *db = PG(dbp);
	PGresult *res;
	char *id, *sql;
	size_t n;
	int rc;

	if ((rc = pg_ready(db)) != DB_OK || (rc = pg_begin_now(db)) != DB_OK)
		return rc;
	if ((id = PQescapeIdentifier(db->conn, table, strlen(table))) == NULL)
		return pg_fail(db, NULL);
	/* The columns are the schema's names, from copy.c's static table. */
	n = strlen(id) + strlen(columns) + 32;
	sql = xmalloc(n);
	snprintf(sql, n, "COPY %s (%s) FROM STDIN", id, columns);
	PQfreemem(id);
	res = PQexec(db->conn, sql);
	free(sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		return pg_failed(db, res);
	PQclear(res);
	db->loading = 1;
	db->llen = 0;
	db->err[0] = '\0';
	return DB_OK;
}

static int
pg_load_row(struct db *dbp, const char *const *val, const size_t *len, int n)
{
	struct pg_db *db = PG(dbp);
	size_t need = 0;
	int i;

	if (!db->loading) {
		pg_seterr(db, "no bulk load is under way");
		return DB_ERROR;
	}
	/* The worst case: every byte escaped, a separator after each. */
	for (i = 0; i < n; i++) {
		if (val[i] != NULL && memchr(val[i], '\0', len[i]) != NULL) {
			pg_seterr(db, "a text value holds a NUL byte");
			return DB_ERROR;
		}
		need += (val[i] != NULL ? 2 * len[i] : 2) + 1;
	}
	if (db->lcap - db->llen < need) {
		db->lcap = db->llen + need < PG_LOAD_CHUNK * 2 ?
		    PG_LOAD_CHUNK * 2 : db->llen + need;
		db->lbuf = xrealloc(db->lbuf, db->lcap);
	}
	for (i = 0; i < n; i++) {
		db->llen += pg_copy_field(db->lbuf + db->llen,
		    db->lcap - db->llen, val[i], val[i] != NULL ? len[i] : 0);
		db->lbuf[db->llen++] = i + 1 < n ? '\t' : '\n';
	}
	return db->llen >= PG_LOAD_CHUNK ? pg_load_flush(db) : DB_OK;
}

/*
 * Ends the COPY.  A load given up (failed) keeps the message of what
 * made the caller give up, and leaves the transaction failed.
 */
static int
pg_load_end(struct db *dbp, int failed)
{
	struct pg_db *db = PG(dbp);
	PGresult *res, *bad = NULL;
	int rc = DB_OK;

	if (!db->loading)
		return failed ? DB_ERROR : DB_OK;
	db->loading = 0;
	if (!failed && (rc = pg_load_flush(db)) != DB_OK)
		failed = 1;
	if (PQputCopyEnd(db->conn, failed ? "the load was abandoned" :
	    NULL) != 1 && rc == DB_OK)
		rc = pg_fail(db, NULL);
	db->llen = 0;
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			db->changes = strtoll(PQcmdTuples(res), NULL, 10);
			PQclear(res);
		} else if (bad == NULL) {
			bad = res;
		} else {
			PQclear(res);
		}
	}
	if (bad != NULL && rc == DB_OK && !failed)
		rc = pg_fail(db, bad);
	else if (rc == DB_OK && (failed || PQstatus(db->conn) == CONNECTION_BAD))
		rc = PQstatus(db->conn) == CONNECTION_BAD ? pg_fail(db, NULL) :
		    DB_ERROR;
	PQclear(bad);
	if (!db->lost)
		pg_track(db);
	return rc;
}

/* A lost connection holds no transaction any more. */
static enum db_txstate
pg_txstate(struct db *dbp)
{
	struct pg_db *db = PG(dbp);

	pg_drain(db);
	pg_collect(db);
	if (db->lost)
		return DB_TX_IDLE;
	if (db->defer_begin)
		return DB_TX_OPEN;
	switch (PQtransactionStatus(db->conn)) {
	case PQTRANS_INTRANS:
	case PQTRANS_ACTIVE:
		return DB_TX_OPEN;
	case PQTRANS_INERROR:
		return DB_TX_FAILED;
	default:
		return DB_TX_IDLE;
	}
}

const struct db_driver db_pg_driver = {
	.kind = DB_POSTGRES,
	/* Rows are locked as they are written; no lock is needed up front. */
	.begin_write = "BEGIN",
	/* Instances starting at once migrate one after the other. */
	.migrate_lock = "SELECT pg_advisory_xact_lock(7210375)",
	.open = pg_open,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.send = pg_send,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_isnull = pg_col_isnull,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_name = pg_col_name,
	.txstate = pg_txstate,
	.changes = pg_changes,
	.notify = pg_notify,
	.listen = pg_listen,
	.wait_notify = pg_wait_notify,
	.reseed = pg_reseed,
	.load_begin = pg_load_begin,
	.load_row = pg_load_row,
	.load_end = pg_load_end,
};
