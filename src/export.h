/*
 * export.h — "masthead export": the whole publication as masthead's own
 * JSON document or as WordPress's WXR 1.2, which "import" reads back.
 *
 * The JSON document (docs/export.md describes it) is the tables of
 * copy.h, in their order, one object per row:
 *
 *	{"masthead_export": 1, "schema": 15, "secrets": false,
 *	 "tables": {"settings": [{"key": ..., "value": ...}, ...], ...}}
 *
 * Both directions go row by row: neither the writer nor the reader holds
 * more than one row of the document at a time.
 */
#ifndef MASTHEAD_EXPORT_H
#define MASTHEAD_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct db;

/* The version of the JSON document's shape ("masthead_export"). */
#define EXPORT_VERSION	1

enum export_format {
	EXPORT_JSON,
	EXPORT_WXR,
	EXPORT__MAX
};

struct export_opts {
	enum export_format	 format;
	/*
	 * Also writes password hashes and the site's signing keys (JSON
	 * only): for moving the site, not for handing the file around.
	 */
	int			 secrets;
	/* Absolute URL of the site without a trailing '/', for WXR links. */
	const char		*site_url;
};

/* "json" or "wxr" to its format; -1 for anything else. */
int	export_format_parse(const char *name);

/*
 * Writes the publication on db to f in one read transaction (a
 * consistent snapshot; db must not be inside a transaction already).  0, or -1 with err filled; f may then hold part
 * of a document, which the importer refuses.
 */
int	export_write(struct db *, const struct export_opts *, FILE *f,
	    char *err, size_t errsz);

/*
 * Shared by the writer and the reader of the JSON document.
 * export_skipped: why table is not in a document (a static sentence),
 * or NULL when it is; with secrets, the signing keys are in it.
 * export_schema: the schema version of db (its last migration), or -1.
 */
const char	*export_skipped(const char *table, int secrets);
int64_t		 export_schema(struct db *);

/*
 * The reader, import_masthead(), is declared with the other formats'
 * readers in import.h: `masthead import` finds the format and calls it.
 * It reads the JSON document into a database at the current schema that
 * holds no site yet, in a transaction of its own (a level of the
 * caller's, when there is one): all of it or nothing.  The document's
 * schema version must be the one this program writes.  It rebuilds the
 * search index and PostgreSQL's id sequences.
 */

#endif
