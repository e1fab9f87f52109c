/*
 * copy.h — copying a whole site between databases (migrate-db).
 */
#ifndef MASTHEAD_COPY_H
#define MASTHEAD_COPY_H

#include <stddef.h>
#include <stdint.h>

struct copy_table {
	const char	*name;
	int		 ncols;
	int		 serial;	/* an id the engine numbers */
	const char	*count_sql;
	const char	*select_sql;
	const char	*insert_sql;
};

/*
 * Every table of the schema, parents before children.  Call copy_init
 * before reading them: it sets the columns of articles from store_cols.
 */
extern struct copy_table	copy_tables[];
extern const size_t		copy_ntables;
/*
 * Tables derived from the others (the search index, and on SQLite its
 * FTS5 shadow tables, named after it), rebuilt after a copy; NULL-ended.
 */
extern const char *const	copy_derived[];

void	copy_init(void);
/*
 * The name of column i (0-based) of table t, as its SELECT list names
 * it, copied into out.  Its length, or -1 past the last column or when
 * out is too small.  Lets other commands walk the tables above (export,
 * import) without a second list of columns.
 */
int	copy_column(const struct copy_table *t, int i, char *out, size_t outsz);

/* A progress bar on standard error, redrawn in place on a terminal. */
void	copy_progress(const char *what, int64_t done, int64_t total, int last);

/*
 * Copies every row of the site at from_url into the empty database at
 * to_url (both brought up to the current schema first), with a progress
 * bar and a row-count check on standard error.  0, or -1 with err
 * filled; a failed copy leaves the destination as it was.
 */
int	copy_site(const char *from_url, const char *to_url, char *err, size_t errlen);

#endif
