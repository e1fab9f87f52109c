/*
 * csv.c — the strict CSV reader of csv.h, for the subscriber import.
 *
 * Fields are copied, unquoted, into one scratch buffer, each ended by a
 * NUL; off[] holds where each begins.  A record ends at an unquoted line
 * break or at the end of the text (the last line may lack its break).
 */
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "text.h"

#define CSV_SCRATCH_MAX	(1024 * 1024)	/* bytes of one record */

void
csv_init(struct csv *c, const char *text, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = text;
	c->end = text + len;
	c->line = 1;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
	c->linestart = c->p;
	buf_init(&c->scratch, CSV_SCRATCH_MAX);
}

void
csv_free(struct csv *c)
{
	buf_free(&c->scratch);
}

const char *
csv_field(const struct csv *c, int i)
{
	return c->scratch.p + c->off[i];
}

/* Ends the field being read and starts the next; -1 when too many. */
static int
end_field(struct csv *c, char *err, size_t errlen)
{
	buf_putc(&c->scratch, '\0');
	if (c->n == CSV_MAX_FIELDS) {
		snprintf(err, errlen, "more than %d fields", CSV_MAX_FIELDS);
		return -1;
	}
	c->off[c->n++] = c->scratch.len;
	return 0;
}

/*
 * Says what is wrong with the character at q (fault f, character cp):
 * its line, its column in characters and its field.  Always -1.
 */
static int
text_fault(struct csv *c, const char *q, enum text_fault f, uint32_t cp,
    char *err, size_t errlen)
{
	struct text_error te;
	char words[80];
	size_t col = 1;
	const char *s;

	/* The text before q on its line was checked: count its characters. */
	for (s = c->linestart; s < q; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			col++;
	memset(&te, 0, sizeof(te));
	te.fault = f;
	te.cp = cp;
	text_fault_words(&te, words, sizeof(words));
	snprintf(err, errlen, "line %d, column %zu (field %d): %s", c->line,
	    col, c->n, words);
	c->text_fault = 1;
	c->errline = c->line;
	return -1;
}

int
csv_next(struct csv *c, char *err, size_t errlen)
{
	int quoted = 0, after_quote = 0, pend_line = 0;
	size_t skip = 0, len;
	enum text_fault f;
	uint32_t cp;
	char ch, pend[160];

	if (c->p >= c->end)
		return 0;
	buf_reset(&c->scratch);
	c->n = 1;
	c->off[0] = 0;
	c->start = c->line;
	c->text_fault = 0;
	/* After this point, every error says what is wrong with the record. */
	while (c->p < c->end) {
		ch = *c->p++;
		/*
		 * Each character that is not plain ASCII (a NUL byte included)
		 * is checked once, at its first byte; the bytes of a longer one then pass as they
		 * are (none of them is a comma, quote or line break).
		 */
		if (skip > 0) {
			skip--;
		} else if (((unsigned char)ch < 0x20 && ch != '\t' &&
		    ch != '\n' && ch != '\r') || (unsigned char)ch >= 0x7f) {
			len = text_utf8_next((const unsigned char *)c->p - 1,
			    (size_t)(c->end - c->p + 1), &cp);
			f = len == 0 ? TEXT_BAD_UTF8 : text_char(cp, TEXT_LINES);
			if (f != TEXT_OK)
				return text_fault(c, c->p - 1, f, len == 0 ?
				    (unsigned char)ch : cp, err, errlen);
			skip = len - 1;
		}
		if (quoted) {
			if (ch == '"') {
				if (c->p < c->end && *c->p == '"') {
					buf_putc(&c->scratch, '"');
					c->p++;
				} else {
					quoted = 0;
					after_quote = 1;
				}
				continue;
			}
			/*
			 * A line break where one is not allowed is said once
			 * the record ends: a quote never closed, which runs
			 * on over lines, is the better thing to report.
			 */
			if ((ch == '\n' || ch == '\r') && pend_line == 0 &&
			    !(c->multiline & (1u << (c->n - 1)))) {
				text_fault(c, c->p - 1, TEXT_NEWLINE, ch, pend,
				    sizeof(pend));
				pend_line = c->line;
				c->text_fault = 0;
			}
			if (ch == '\n') {
				c->line++;
				c->linestart = c->p;
			}
			buf_putc(&c->scratch, ch);
			continue;
		}
		if (ch == ',') {
			if (end_field(c, err, errlen) != 0)
				return -1;
			after_quote = 0;
			continue;
		}
		if (ch == '\r' && c->p < c->end && *c->p == '\n')
			continue;
		if (ch == '\n') {
			c->line++;
			c->linestart = c->p;
			goto done;
		}
		if (after_quote) {
			snprintf(err, errlen, "text after the closing quote of "
			    "a field");
			return -1;
		}
		if (ch == '"') {
			if (c->scratch.len != c->off[c->n - 1]) {
				snprintf(err, errlen, "a quote inside a field "
				    "that does not start with one (double it, "
				    "and quote the field)");
				return -1;
			}
			quoted = 1;
			continue;
		}
		if (ch == '\r') {
			snprintf(err, errlen, "a carriage return outside quotes");
			return -1;
		}
		buf_putc(&c->scratch, ch);
	}
	if (quoted) {
		snprintf(err, errlen, "a quoted field is never closed");
		return -1;
	}
done:
	if (pend_line != 0) {
		snprintf(err, errlen, "%s", pend);
		c->text_fault = 1;
		c->errline = pend_line;
		return -1;
	}
	buf_putc(&c->scratch, '\0');
	if (buf_err(&c->scratch)) {
		snprintf(err, errlen, "a record longer than %d bytes",
		    CSV_SCRATCH_MAX);
		return -1;
	}
	return 1;
}

int
csv_utf8_line(const char *s, size_t len, int *col)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	int line = 1, c = 1;
	size_t n;
	uint32_t cp;

	while (p < e) {
		if (*p < 0x80) {
			c++;
			if (*p++ == '\n') {
				line++;
				c = 1;
			}
			continue;
		}
		if ((n = text_utf8_next(p, (size_t)(e - p), &cp)) == 0) {
			if (col != NULL)
				*col = c;
			return line;
		}
		p += n;
		c++;
	}
	return 0;
}

void
csv_put(struct buf *b, const char *s, int last)
{
	buf_putc(b, '"');
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r')
		buf_putc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
	buf_puts(b, last ? "\r\n" : ",");
}
