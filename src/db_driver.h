/*
 * db_driver.h — what a database driver provides to db.c.
 *
 * Every driver's connection starts with a struct db and every statement
 * with a struct db_stmt, so db.c can reach the driver's functions; the
 * statement cache lives here, shared by all drivers.
 */
#ifndef MASTHEAD_DB_DRIVER_H
#define MASTHEAD_DB_DRIVER_H

#include "db.h"
#include "util.h"

/* What the engine says of the connection's transaction. */
enum db_txstate {
	DB_TX_IDLE,	/* none is open */
	DB_TX_OPEN,
	DB_TX_FAILED,	/* open, but a failed statement aborted it */
	DB_TX__MAX
};

struct db_driver {
	enum db_kind	 kind;
	const char	*begin_write;	/* starts a transaction that will write */
	/* Run inside a transaction: waits for other processes' migrations. */
	const char	*migrate_lock;	/* NULL: the transaction is enough */
	/* Outside a transaction: before and after a bulk load (or NULL). */
	const char	*bulk_start, *bulk_end;
	struct db	*(*open)(const char *, char *, size_t);
	void		 (*close)(struct db *);
	const char	*(*errmsg)(struct db *);
	int		 (*exec)(struct db *, const char *);
	struct db_stmt	*(*prepare)(struct db *, const char *);
	void		 (*finalize)(struct db_stmt *);
	void		 (*reset)(struct db_stmt *);
	void		 (*bind_int)(struct db_stmt *, int, int64_t);
	void		 (*bind_text)(struct db_stmt *, int, const char *, size_t);
	void		 (*bind_null)(struct db_stmt *, int);
	/* Sends a statement ahead (db_send); NULL: the step runs it. */
	int		 (*send)(struct db_stmt *);
	int		 (*step)(struct db_stmt *);
	int		 (*col_count)(struct db_stmt *);
	int		 (*col_isnull)(struct db_stmt *, int);
	int64_t		 (*col_int)(struct db_stmt *, int);
	double		 (*col_double)(struct db_stmt *, int);	/* or NULL */
	const char	*(*col_text)(struct db_stmt *, int, size_t *);
	const char	*(*col_name)(struct db_stmt *, int);
	int64_t		 (*changes)(struct db *);
	enum db_txstate	 (*txstate)(struct db *);
	/* Messages between instances; NULL where the engine has none. */
	int		 (*notify)(struct db *, const char *, const char *);
	int		 (*listen)(struct db *, const char *);
	int		 (*wait_notify)(struct db *, int, char *, size_t);
	int		 (*reseed)(struct db *, const char *);
	/* A bulk load (db.h); NULL where the engine has none. */
	int		 (*load_begin)(struct db *, const char *, const char *);
	int		 (*load_row)(struct db *, const char *const *,
			    const size_t *, int);
	int		 (*load_end)(struct db *, int);
};

/* The statement cache: open addressing on the SQL text's address. */
struct db_stmt_slot {
	const char	*sql;
	struct db_stmt	*st;
};

struct db {
	const struct db_driver	*drv;
	struct db_stmt_slot	*slots;
	size_t			 nslots;	/* a power of two */
	size_t			 nused;
	int			 txdepth;	/* nested db_begin calls */
	int			 txfail;	/* enum db_rc that doomed the transaction */
	int			 bulk;		/* between db_bulk(1) and db_bulk(0) */
	uint64_t		 txserial;	/* db_memo_serial */
	uint64_t		 trips;		/* db_round_trips */
	const char		*seam_err;	/* db_errmsg's answer when set */
	char			 seam_buf[256];	/* an engine's message kept */
};

struct db_stmt {
	struct db	*db;
	int		 generic;	/* db_stmt_generic: plan once */
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

/* Drivers call this after allocating their connection. */
void	db_init_common(struct db *, const struct db_driver *);
/* Drivers call this from close to finalize cached statements. */
void	db_free_common(struct db *);

/* db_pg.c */
/*
 * Appends one field of a COPY row in text format to out (of outsz
 * bytes): s, n with backslash, tab, newline and carriage return escaped,
 * or \N when s is NULL.  Returns the length the field needs, which is
 * more than outsz when it did not fit (nothing useful was written then).
 */
size_t	pg_copy_field(char *out, size_t outsz, const char *s, size_t n);

#endif
