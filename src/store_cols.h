/*
 * store_cols.h — the fields of an article, one row each.
 *
 * Every place that names an article's fields reads this table instead of
 * spelling them: the store's INSERT, UPDATE and newsroom SELECT and their
 * binds (store_write.c), the checks of edit.c, the editor form's plain
 * fields (page_admin.c), the labels of the revision diff and what a
 * restore carries (page_admin_rev.c) and the columns migrate-db copies
 * (copy.c).  A new article field is a migration per engine, one row here
 * and its templates; tests/unit/test_store_cols.c fails when a migration
 * and this table disagree.
 *
 * The rows are in the order of the newsroom's view of an article
 * (store_article_admin_get), which is the order of the admin API's keys.
 */
#ifndef MASTHEAD_STORE_COLS_H
#define MASTHEAD_STORE_COLS_H

#include <stddef.h>

enum store_col_kind {
	SC_TEXT,	/* a string; a new article without it gets dflt */
	SC_SLUG,	/* the article's slug; made from the title when absent */
	SC_HTML,	/* the rendered body, given apart from the input */
	SC_INT,		/* a whole number; 0 when absent */
	SC_BOOL,	/* true or false, stored as 0 or 1 */
	SC_TIME,	/* Unix seconds */
	SC_REF,		/* the id of a row that the input names by ref_key */
	SC_LIST,	/* authors or tags: rows of a table of their own */
	SC_KEPT,	/* kept by other code (id, comments): copied only */
	SC__MAX
};

/* How edit.c checks the input of a field (edit_check). */
enum store_col_rule {
	SR_NONE,	/* no input may name it */
	SR_TEXT,	/* a string */
	SR_SLUG,	/* a string that is a slug */
	SR_SLUGS,	/* an array of slugs */
	SR_NAMES,	/* an array of strings */
	SR_URL,		/* "" or an http(s) URL */
	SR_HASH,	/* "" or 64 lowercase hex digits (an image) */
	SR_MIME,	/* "" or an audio/ or video/ media type */
	SR_COUNT,	/* a whole number from 0 to max */
	SR_BOOL,	/* true or false */
	SR__MAX
};

#define SC_RESTORE	0x01	/* restoring a revision carries it */
#define SC_CLEAR	0x02	/* SC_REF: "" takes it off (the column is NULL) */
#define SC_SHOW_ID	0x04	/* SC_REF: the view shows the id column too */
#define SC_CREATE	0x08	/* only a creation sets it, never edit's input */
#define SC_NOW		0x10	/* SC_TIME: a new article without it gets now */
#define SC_TOUCH	0x20	/* SC_TIME: every update sets it to now */
#define SC_FORM		0x40	/* the editor form sends it as plain text */

struct store_col {
	const char		*col;	/* column of articles; NULL for a list */
	const char		*key;	/* key of the input; NULL when none */
	const char		*out;	/* key of the view; NULL when not shown */
	enum store_col_kind	 kind;
	/* SC_TEXT: a new article's value; SC_REF: its id, when given */
	const char		*dflt;
	/* SC_REF: the table, its key column and its alias in the view. */
	const char		*ref_table;
	const char		*ref_key;
	const char		*ref_alias;
	enum store_col_rule	 rule;
	size_t			 max;	/* bytes (of each item), or SR_COUNT's top */
	int			 ed;	/* place in the editor, from 1; 0: none */
	const char		*label;	/* in the revision diff; NULL: not there */
	unsigned		 flags;
};

/* The most rows the table may have (the store sizes arrays by it). */
#define STORE_COLS_MAX	64

extern const struct store_col	store_cols[];
extern const size_t		store_ncols;

/* The row whose input key is key, or NULL. */
const struct store_col	*store_col_by_key(const char *key);
/* The row at place ed (1 ...) of the editor, or NULL past the last. */
const struct store_col	*store_col_by_ed(int ed);
/*
 * Whether SCQ_CREATE, and SCQ_UPDATE, have a parameter for the row: they
 * are numbered in the table's order (SCQ_UPDATE's from $2, $1 being the
 * id, and an SC_CLEAR row has a second one after its value).
 */
int	 store_col_in_create(const struct store_col *);
int	 store_col_in_update(const struct store_col *);

/*
 * The SQL texts made from the table, once, in static storage (db_stmt
 * keys its statements by their address), with $N parameters.
 */
enum store_col_sql {
	SCQ_CREATE,	/* INSERT ... RETURNING id */
	SCQ_UPDATE,	/* UPDATE ... WHERE id = $1 */
	SCQ_VIEW,	/* the newsroom's SELECT, WHERE a.id = $1 */
	SCQ_COPY_SELECT,	/* every column, ORDER BY id */
	SCQ_COPY_INSERT,	/* every column */
	SCQ__MAX
};
const char	*store_cols_sql(enum store_col_sql);
/* The lookup of an SC_REF row's id by its key: SELECT id ... = $1. */
const char	*store_cols_ref_sql(const struct store_col *);
/* The number of columns of articles (SCQ_COPY_* name them all). */
int		 store_cols_ncolumns(void);

#endif
