/*
 * db.h — the driver seam between the store and a database engine.
 *
 * SQL is written in the dialect SQLite and PostgreSQL share: $1, $2 ...
 * parameters, ON CONFLICT, RETURNING.  Times are integer Unix seconds,
 * booleans are integers.  A struct db is one connection and is used by one
 * thread at a time; every thread of the server opens its own.
 *
 * Statements are prepared once per connection and kept: db_stmt() returns
 * the cached statement for a given SQL text, keyed by the address of that
 * text, so SQL must live in static storage (the store's statement tables).
 */
#ifndef MASTHEAD_DB_H
#define MASTHEAD_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_kind {
	DB_SQLITE,
	DB_POSTGRES,
	DB__MAX
};

enum db_rc {
	DB_OK = 0,
	DB_ROW,		/* db_step: a row is ready */
	DB_DONE,	/* db_step: no more rows */
	DB_ERROR,	/* anything else; db_errmsg() says what */
	DB_CONSTRAINT,	/* a UNIQUE / FOREIGN KEY / CHECK constraint failed */
	DB_BUSY,	/* unreachable, locked, out of space or failing I/O: a 503 */
	DB_RC__MAX
};

/*
 * Opens a connection: a file path opens SQLite (created when missing),
 * "postgres://..." opens PostgreSQL.  Returns NULL and fills err on error.
 * The caller owns the result (db_close).
 */
struct db	*db_open(const char *url, char *err, size_t errlen);
void		 db_close(struct db *);
enum db_kind	 db_kind(const struct db *);
const char	*db_errmsg(struct db *);

/* Runs SQL text without parameters (schema, pragmas); may hold several statements. */
int		 db_exec(struct db *, const char *sql);
/*
 * Transactions nest, and every level is atomic:
 *
 * - db_begin (or db_begin_write) outside a transaction starts one; inside
 *   one it opens a nested level, a savepoint on both engines.  A begin
 *   that fails opened nothing: do not commit or roll it back.
 * - db_rollback of a nested level undoes exactly the writes made since
 *   its begin; the enclosing levels go on, their own writes kept, and
 *   stay one transaction.  At the outermost level it undoes everything.
 * - db_commit of a nested level makes its writes part of the enclosing
 *   level (a later rollback there undoes them too); only the outermost
 *   db_commit makes anything durable.
 * - db_commit and db_rollback always end their level, whatever they
 *   return.  A failed outermost db_commit has rolled everything back, so
 *   a db_rollback after it is a harmless no-op; inside a transaction,
 *   code whose db_commit failed returns the error and lets its caller
 *   roll back (one more db_rollback would end the caller's level).
 * - When a nested level cannot be ended as asked (the engine dropped the
 *   transaction, the connection went) or, on PostgreSQL, a failed
 *   statement was not rolled back to a savepoint, the outermost db_commit
 *   rolls everything back and fails: a transaction is never half kept.
 * - db_commit and db_rollback outside a transaction do nothing (DB_OK).
 */
int		 db_begin(struct db *);
/*
 * A transaction that will write: the engine's write lock is taken at
 * once (nested, it is a savepoint like db_begin's).
 */
int		 db_begin_write(struct db *);
int		 db_commit(struct db *);
int		 db_rollback(struct db *);
/*
 * Inside a transaction: waits until no other process is migrating the
 * same database, and keeps them waiting until the transaction ends.
 */
int		 db_migrate_lock(struct db *);
/*
 * Outside a transaction, around one large write transaction (an import):
 * SQLite writes its pages once, to the file, through a rollback journal,
 * rather than to the WAL and again at the checkpoint; it goes back to
 * WAL after, and its page cache is larger meanwhile (32 MB).  When
 * another connection has the file open, the journal stays WAL.  Errors
 * are ignored: the load works either way.
 */
void		 db_bulk(struct db *, int on);
/*
 * In a bulk load's transaction, a number that changes whenever what was
 * read on this connection may have gone stale (a rollback, to a
 * savepoint too, or the transaction's end), so that a caller may keep
 * ids it looked up while it stays the same; 0 elsewhere: keep nothing.
 */
uint64_t	 db_memo_serial(const struct db *);

/*
 * Returns the connection's prepared statement for sql, preparing it the
 * first time.  sql must be static storage.  The statement belongs to the
 * connection; call db_reset() when done with it.  NULL on error.
 */
struct db_stmt	*db_stmt(struct db *, const char *sql);
/*
 * The same, for a statement whose best plan does not depend on the
 * values bound to it (a keyset page of a list: an index range read from
 * a cursor, up to a limit).  PostgreSQL then runs it with one generic
 * plan, made once per connection, rather than planning it afresh at each
 * run: left to choose, it keeps the custom plan of every run whenever
 * its estimate of the generic one is higher, which for a LIMIT given as
 * a parameter it always is, and planning such a statement can cost
 * twenty times its execution.  The choice is the statement's alone: the
 * others keep PostgreSQL's own.  SQLite plans once per statement anyway.
 */
struct db_stmt	*db_stmt_generic(struct db *, const char *sql);
void		 db_reset(struct db_stmt *);

/* Parameters are 1-based, as $1 in the SQL. */
void		 db_bind_int(struct db_stmt *, int, int64_t);
void		 db_bind_text(struct db_stmt *, int, const char *, size_t);
void		 db_bind_str(struct db_stmt *, int, const char *);	/* NULL binds NULL */
void		 db_bind_null(struct db_stmt *, int);

/*
 * Sends a bound statement ahead, to be stepped later: independent
 * statements of one page, sent one after another, then stepped, cost
 * one round trip between them on PostgreSQL (libpq's pipeline mode),
 * where each db_step would wait for its own.  Their answers come when
 * the first of them is stepped, or before anything else runs on the
 * connection; each is kept by its statement, so they may be stepped in
 * any order.  Binding the statement again before its step drops what
 * was sent, as a db_reset does.  On SQLite it does nothing: the first
 * db_step runs the statement.  enum db_rc; a failure is said again by
 * the first db_step.
 */
int		 db_send(struct db_stmt *);
/* enum db_rc: DB_ROW, DB_DONE, DB_CONSTRAINT or DB_ERROR/DB_BUSY. */
int		 db_step(struct db_stmt *);

/* Columns are 0-based.  Text stays valid until the next step or reset. */
int		 db_col_count(struct db_stmt *);
int		 db_col_isnull(struct db_stmt *, int);
int64_t		 db_col_int(struct db_stmt *, int);
/* A real as the engine holds it (every bit: a rank to sort by). */
double		 db_col_double(struct db_stmt *, int);
const char	*db_col_text(struct db_stmt *, int, size_t *lenp);	/* never NULL */
const char	*db_col_name(struct db_stmt *, int);

/* Runs a statement that returns no rows (or ignores them). enum db_rc. */
int		 db_run(struct db_stmt *);
/*
 * How many times the connection has waited for the engine's answer over
 * the network (PostgreSQL; statements pipelined together wait once).
 * Always 0 on SQLite, and for no connection (NULL).
 */
uint64_t	 db_round_trips(const struct db *);
/* Rows changed by the last statement run on the connection. */
int64_t		 db_changes(struct db *);

/*
 * Messages between instances sharing one database (PostgreSQL's
 * NOTIFY).  db_notify sends payload on channel when the surrounding
 * transaction commits; on an engine without messages (SQLite, where one
 * process serves one file) it does nothing and returns DB_OK.
 * db_listen subscribes this connection (DB_ERROR where unsupported);
 * db_wait_notify waits up to ms milliseconds: 1 with a payload copied
 * into out, 0 on time-out, -1 when the connection was lost (listen again).
 */
int		 db_notify(struct db *, const char *channel, const char *payload);
/*
 * After rows were inserted with explicit ids, makes the engine number new
 * rows of table after the highest id (PostgreSQL's identity sequences;
 * SQLite needs nothing).  table must be a name of the schema.
 */
int		 db_reseed(struct db *, const char *table);
int		 db_listen(struct db *, const char *channel);
int		 db_wait_notify(struct db *, int ms, char *out, size_t outsz);

/*
 * A bulk load of one table, inside a transaction, where the engine has a
 * faster path than one INSERT a row (PostgreSQL's COPY FROM STDIN):
 * db_has_load says whether it has one.  db_load_begin names the table
 * and its columns ("a, b, c"), both identifiers of the schema; each
 * db_load_row sends one row of n values, val[i] NULL for SQL NULL and
 * len[i] its length otherwise; db_load_end finishes the load (or, with
 * failed set, abandons it and leaves the transaction doomed).  Rows may
 * be checked only at the end: an error from db_load_end can be about any
 * of them.  Until db_load_end the connection runs nothing else.  All
 * return enum db_rc.
 */
int		 db_has_load(const struct db *);
int		 db_load_begin(struct db *, const char *table, const char *columns);
int		 db_load_row(struct db *, const char *const *val, const size_t *len,
		    int n);
int		 db_load_end(struct db *, int failed);

#endif
