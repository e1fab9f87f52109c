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

int
csv_next(struct csv *c, char *err, size_t errlen)
{
	int quoted = 0, after_quote = 0;
	char ch;

	if (c->p >= c->end)
		return 0;
	buf_reset(&c->scratch);
	c->n = 1;
	c->off[0] = 0;
	c->start = c->line;
	/* After this point, every error says what is wrong with the record. */
	while (c->p < c->end) {
		ch = *c->p++;
		if (ch == '\0') {
			snprintf(err, errlen, "a NUL byte: this is not a text file");
			return -1;
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
			if (ch == '\n')
				c->line++;
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
	buf_putc(&c->scratch, '\0');
	if (buf_err(&c->scratch)) {
		snprintf(err, errlen, "a record longer than %d bytes",
		    CSV_SCRATCH_MAX);
		return -1;
	}
	return 1;
}

int
csv_utf8_line(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	int line = 1, n, i;
	unsigned int cp;

	while (p < e) {
		if (*p < 0x80) {
			if (*p++ == '\n')
				line++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 1;
			cp = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2;
			cp = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return line;
		}
		if (e - p <= n)
			return line;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return line;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates and code points past U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return line;
		p += n + 1;
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
