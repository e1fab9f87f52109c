/*
 * csv.h — a strict reader of CSV text (RFC 4180): fields separated by
 * commas, records by CRLF or LF, quoted fields with doubled quotes and
 * line breaks inside.  It never guesses: a stray quote, a quoted field
 * left open or a NUL byte is an error with the line it is on.  Every
 * field must be text (text.h): bytes that are not UTF-8, a control
 * character or a noncharacter is an error with its line and column, and
 * so is a line break in a quoted field unless the caller allows one in
 * that field.
 */
#ifndef MASTHEAD_CSV_H
#define MASTHEAD_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define CSV_MAX_FIELDS	32

struct csv {
	const char	*p, *end;
	int		 line;		/* the line the next record starts on */
	struct buf	 scratch;	/* the unquoted fields of the record */
	size_t		 off[CSV_MAX_FIELDS];
	int		 n;		/* fields of the record read */
	int		 start;		/* the line the record read started on */
	/* Set by the caller: bit i lets field i hold line breaks (quoted). */
	uint32_t	 multiline;
	const char	*linestart;	/* where line c->line starts */
	int		 text_fault;	/* the last error: 1 text, 0 syntax */
	int		 errline;	/* ...and the line of a text fault */
};

/* Starts reading text (a leading UTF-8 byte-order mark is skipped). */
void	 csv_init(struct csv *, const char *text, size_t len);
void	 csv_free(struct csv *);
/*
 * Reads the next record: 1, 0 at the end, or -1 with a sentence in err
 * (the record's line is c->start).  More than CSV_MAX_FIELDS fields is an
 * error too.  After a field that is not text, c->text_fault is 1 and err
 * names the line, column (in characters) and field: "line 3, column 7
 * (field 2): a control character (U+0001)"; the line is c->errline.
 * The fields are csv_field(c, 0 .. c->n - 1).
 */
int	 csv_next(struct csv *, char *err, size_t errlen);
const char *csv_field(const struct csv *, int i);
/*
 * Writes one field into b: always quoted, quotes doubled, and a value a
 * spreadsheet would run as a formula (= + - @, tab or CR first) gets an
 * apostrophe before it; then a comma, or CRLF after the last of a row.
 */
void	 csv_put(struct buf *b, const char *s, int last);
/*
 * Whether s (len bytes) is valid UTF-8: 0, else the 1-based line of the
 * bad byte, and its column in characters in *col (when not NULL).
 */
int	 csv_utf8_line(const char *s, size_t len, int *col);

#endif
