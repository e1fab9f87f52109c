/*
 * import_masthead.c — reads masthead's own JSON document (export.h) back
 * into an empty database, so that export then import gives the same site
 * byte for byte.
 *
 * The document is read as a stream: a small scanner walks the outer
 * object and the "tables" object by hand and hands each row, one JSON
 * object, to jansson; a row is inserted before the next is read.  The
 * scanner accepts any whitespace, but the document's keys come in the
 * order export writes them: "masthead_export" and "schema" before
 * "tables" (other keys are skipped).  A document that ends early, or
 * holds anything else, is refused and nothing is written.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "copy.h"
#include "db.h"
#include "export.h"
#include "import.h"
#include "store.h"
#include "util.h"

/* The largest row read: the largest story body with room to spare. */
#define ROW_MAX		(64u * 1024 * 1024)

struct scan {
	FILE		*f;
	int64_t		 line;
	struct buf	 tok;	/* the bytes of the last value read */
};

static int
sc_getc(struct scan *s)
{
	int c = getc(s->f);

	if (c == '\n')
		s->line++;
	return c;
}

/* The next character that is not JSON whitespace, consumed; EOF at the end. */
static int
sc_next(struct scan *s)
{
	int c;

	while ((c = sc_getc(s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	return c;
}

/*
 * Reads one JSON value whose first character c was consumed into s->tok:
 * the bytes only, jansson decodes them.  Strings are followed to their
 * closing quote and containers to their closing bracket.  0, or -1 when
 * the document ends first or a row passes ROW_MAX.
 */
static int
sc_value(struct scan *s, int c)
{
	int depth = 0, instr = 0, esc = 0;

	buf_reset(&s->tok);
	for (;;) {
		if (c == EOF)
			return -1;
		buf_putc(&s->tok, (char)c);
		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return -1;
		}
		if (!instr && depth == 0) {
			/* A scalar other than a string ends before a delimiter. */
			if (s->tok.len == 1 && c != '"' && c != '}' && c != ']') {
				while ((c = getc(s->f)) != EOF &&
				    strchr(",}] \t\r\n", c) == NULL)
					buf_putc(&s->tok, (char)c);
				if (c != EOF)
					ungetc(c, s->f);
			}
			break;
		}
		if (buf_err(&s->tok))
			return -1;
		c = sc_getc(s);
	}
	return buf_err(&s->tok) ? -1 : 0;
}

/* Decodes s->tok; NULL when it is not JSON. */
static json_t *
sc_json(struct scan *s)
{
	json_error_t e;

	return json_loadb(s->tok.p, s->tok.len, JSON_DECODE_ANY |
	    JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &e);
}

/* Reads a key and its ':' into out; -1 when the next thing is not one. */
static int
sc_key(struct scan *s, int c, char *out, size_t outsz)
{
	json_t *j;
	int rc = -1;

	if (c != '"' || sc_value(s, c) != 0 || (j = sc_json(s)) == NULL)
		return -1;
	if (json_is_string(j) && json_string_length(j) < outsz &&
	    sc_next(s) == ':') {
		strlcpy_(out, json_string_value(j), outsz);
		rc = 0;
	}
	json_decref(j);
	return rc;
}

static const struct copy_table *
table_named(const char *name)
{
	size_t i;

	for (i = 0; i < copy_ntables; i++)
		if (strcmp(copy_tables[i].name, name) == 0)
			return &copy_tables[i];
	return NULL;
}

/* Inserts one row; the columns are copy.c's, every one given, no other. */
static int
insert_row(struct db *db, const struct copy_table *t, json_t *row,
    int64_t n, char *err, size_t errsz)
{
	struct db_stmt *st;
	char col[64];
	json_t *v;
	int i;

	if (!json_is_object(row) || json_object_size(row) != (size_t)t->ncols) {
		snprintf(err, errsz, "%s, row %lld: not an object of its "
		    "%d columns", t->name, (long long)n, t->ncols);
		return -1;
	}
	if ((st = db_stmt(db, t->insert_sql)) == NULL) {
		snprintf(err, errsz, "%s: %s", t->name, db_errmsg(db));
		return -1;
	}
	for (i = 0; i < t->ncols; i++) {
		if (copy_column(t, i, col, sizeof(col)) < 0 ||
		    (v = json_object_get(row, col)) == NULL) {
			snprintf(err, errsz, "%s, row %lld: no column %s",
			    t->name, (long long)n, col);
			db_reset(st);
			return -1;
		}
		if (json_is_null(v))
			db_bind_null(st, i + 1);
		else if (json_is_integer(v))
			db_bind_int(st, i + 1, json_integer_value(v));
		else if (json_is_string(v))
			db_bind_text(st, i + 1, json_string_value(v),
			    json_string_length(v));
		else {
			snprintf(err, errsz, "%s, row %lld: column %s is "
			    "neither text, a whole number nor null", t->name,
			    (long long)n, col);
			db_reset(st);
			return -1;
		}
	}
	if (db_run(st) != DB_OK) {
		snprintf(err, errsz, "%s, row %lld: %s", t->name, (long long)n,
		    db_errmsg(db));
		return -1;
	}
	return 0;
}

/* The tables whose rows the import's report counts, by kind. */
static const struct {
	const char		*table;
	enum import_kind	 kind;
} counted[] = {
	{ "articles", IMPORT_POST }, { "pages", IMPORT_PAGE },
	{ "sections", IMPORT_SECTION }, { "tags", IMPORT_TAG },
	{ "authors", IMPORT_AUTHOR }, { "comments", IMPORT_COMMENT },
	{ "images", IMPORT_MEDIA }, { "subscribers", IMPORT_SUBSCRIBER },
	{ "redirects", IMPORT_REDIRECT },
};

/* Reads one table's array of rows, the '[' not yet read. */
static int
read_table(struct db *db, struct scan *s, const struct copy_table *t,
    struct import_report *rep, char *err, size_t errsz)
{
	int64_t n = 0;
	json_t *row;
	int c, rc, kind = -1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(counted); i++)
		if (strcmp(counted[i].table, t->name) == 0)
			kind = (int)counted[i].kind;

	if (sc_next(s) != '[') {
		snprintf(err, errsz, "line %lld: table %s is not an array",
		    (long long)s->line, t->name);
		return -1;
	}
	if ((c = sc_next(s)) == ']')
		return 0;
	for (;;) {
		if (c != '{' || sc_value(s, c) != 0 ||
		    (row = sc_json(s)) == NULL) {
			snprintf(err, errsz, "line %lld: table %s, row %lld is "
			    "not a JSON object (is the file cut short?)",
			    (long long)s->line, t->name, (long long)n + 1);
			return -1;
		}
		rc = insert_row(db, t, row, ++n, err, errsz);
		json_decref(row);
		if (rc != 0)
			return -1;
		rep->items++;
		if (kind >= 0)
			rep->added[kind]++;
		if ((c = sc_next(s)) == ']')
			break;
		if (c != ',' || (c = sc_next(s)) == EOF) {
			snprintf(err, errsz, "line %lld: table %s ends early "
			    "(is the file cut short?)", (long long)s->line,
			    t->name);
			return -1;
		}
	}
	/* New rows are numbered after the ones read (PostgreSQL). */
	if (t->serial && db_reseed(db, t->name) != DB_OK) {
		snprintf(err, errsz, "%s: %s", t->name, db_errmsg(db));
		return -1;
	}
	return 0;
}

static const char sql_site_keys_clear[] = "DELETE FROM site_keys";

/* Reads the "tables" object, the ':' read. */
static int
read_tables(struct db *db, struct scan *s, struct import_report *rep,
    char *err, size_t errsz)
{
	char name[64], seen[128] = { 0 };
	const struct copy_table *t;
	int c;

	if (sc_next(s) != '{') {
		snprintf(err, errsz, "\"tables\" is not an object");
		return -1;
	}
	if ((c = sc_next(s)) == '}')
		return 0;
	for (;;) {
		if (sc_key(s, c, name, sizeof(name)) != 0) {
			snprintf(err, errsz, "line %lld: a table name was "
			    "expected (is the file cut short?)",
			    (long long)s->line);
			return -1;
		}
		if ((t = table_named(name)) == NULL ||
		    export_skipped(name, 1) != NULL) {
			snprintf(err, errsz, "line %lld: \"%s\" is not a table "
			    "an export holds", (long long)s->line, name);
			return -1;
		}
		if (seen[t - copy_tables]++) {
			snprintf(err, errsz, "line %lld: table %s comes twice",
			    (long long)s->line, name);
			return -1;
		}
		/*
		 * Keys a first start made sign nothing yet: the site's own
		 * keys, when the document holds them, take their place.
		 */
		if (strcmp(name, "site_keys") == 0 &&
		    db_exec(db, sql_site_keys_clear) != DB_OK) {
			snprintf(err, errsz, "site_keys: %s", db_errmsg(db));
			return -1;
		}
		if (read_table(db, s, t, rep, err, errsz) != 0)
			return -1;
		if ((c = sc_next(s)) == '}')
			return 0;
		if (c != ',' || (c = sc_next(s)) == EOF) {
			snprintf(err, errsz, "line %lld: the tables end early "
			    "(is the file cut short?)", (long long)s->line);
			return -1;
		}
	}
}

/*
 * What a site that never held content can have: rows the server makes
 * (staff_tokens: the setup link a start without an admin prints).
 */
static int
made_by_server(const char *table)
{
	return strcmp(table, "site_keys") == 0 ||
	    strcmp(table, "rate_limits") == 0 ||
	    strcmp(table, "staff_tokens") == 0;
}

static int
check_empty(struct db *db, char *err, size_t errsz)
{
	struct db_stmt *st;
	int64_t n;
	size_t i;

	for (i = 0; i < copy_ntables; i++) {
		if (made_by_server(copy_tables[i].name))
			continue;
		if ((st = db_stmt(db, copy_tables[i].count_sql)) == NULL)
			return -1;
		n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
		db_reset(st);
		if (n != 0) {
			snprintf(err, errsz, n < 0 ? "%s: %s" :
			    "the database is not empty (table %s has rows); "
			    "import into a new database", copy_tables[i].name,
			    db_errmsg(db));
			return -1;
		}
	}
	return 0;
}

/* Reads the outer object: header keys, then "tables", then its end. */
static int
read_document(struct db *db, struct scan *s, struct import_report *rep,
    char *err, size_t errsz)
{
	int64_t version = -1, schema = -1, have;
	char key[64];
	json_t *j;
	int c, tables = 0;

	if (sc_next(s) != '{') {
		snprintf(err, errsz, "not a masthead export (no JSON object)");
		return -1;
	}
	c = sc_next(s);
	while (c != '}') {
		if (sc_key(s, c, key, sizeof(key)) != 0) {
			snprintf(err, errsz, "line %lld: a key was expected "
			    "(is the file cut short?)", (long long)s->line);
			return -1;
		}
		if (strcmp(key, "tables") == 0) {
			if (version != EXPORT_VERSION) {
				snprintf(err, errsz, "not a masthead export "
				    "of version %d (\"masthead_export\" must "
				    "come first)", EXPORT_VERSION);
				return -1;
			}
			have = export_schema(db);
			if (schema != have) {
				snprintf(err, errsz, "the export is of schema "
				    "version %lld and this masthead's is %lld: "
				    "import it with the masthead that wrote it",
				    (long long)schema, (long long)have);
				return -1;
			}
			if (read_tables(db, s, rep, err, errsz) != 0)
				return -1;
			tables = 1;
		} else {
			if (sc_value(s, sc_next(s)) != 0 ||
			    (j = sc_json(s)) == NULL) {
				snprintf(err, errsz, "line %lld: the value of "
				    "\"%s\" is not JSON", (long long)s->line,
				    key);
				return -1;
			}
			if (strcmp(key, "masthead_export") == 0)
				version = json_is_integer(j) ?
				    json_integer_value(j) : -1;
			else if (strcmp(key, "schema") == 0)
				schema = json_is_integer(j) ?
				    json_integer_value(j) : -1;
			json_decref(j);
		}
		if ((c = sc_next(s)) == ',')
			c = sc_next(s);
		else if (c != '}') {
			snprintf(err, errsz, "line %lld: the document ends "
			    "early (is the file cut short?)",
			    (long long)s->line);
			return -1;
		}
	}
	if (!tables) {
		snprintf(err, errsz, "not a masthead export (no \"tables\")");
		return -1;
	}
	if (sc_next(s) != EOF) {
		snprintf(err, errsz, "line %lld: text after the document",
		    (long long)s->line);
		return -1;
	}
	return 0;
}

int
import_masthead(struct db *db, const char *path,
    const struct import_opts *o, struct import_report *rep, char *err,
    size_t errsz)
{
	struct scan s = { NULL, 1, BUF_INIT };
	int rc = -1, open = 0;

	copy_init();
	buf_init(&s.tok, ROW_MAX);
	/*
	 * After this point, every way out goes through out, which rolls
	 * back unless the import was committed (a dry run never is).
	 */
	if ((s.f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* A byte-order mark, as an editor may have left, is not JSON. */
	if (getc(s.f) != 0xef || getc(s.f) != 0xbb || getc(s.f) != 0xbf)
		rewind(s.f);
	/* One transaction: all of the document, or nothing. */
	if (db_begin_write(db) != DB_OK) {
		snprintf(err, errsz, "%s", db_errmsg(db));
		goto out;
	}
	open = 1;
	if (check_empty(db, err, errsz) != 0)
		goto out;
	if (read_document(db, &s, rep, err, errsz) != 0)
		goto out;
	rep->bytes = ftell(s.f);
	if (ferror(s.f)) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* The search index is derived: built again, never imported. */
	if (store_search_rebuild(db, NULL) != STORE_OK) {
		snprintf(err, errsz, "search index: %s", db_errmsg(db));
		goto out;
	}
	if (o->dry_run) {
		rc = 0;
		goto out;
	}
	open = 0;
	if (db_commit(db) != DB_OK) {
		snprintf(err, errsz, "commit: %s", db_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	if (open)
		db_rollback(db);
	if (s.f != NULL)
		fclose(s.f);
	buf_free(&s.tok);
	return rc;
}
