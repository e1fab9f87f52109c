/*
 * escape.c — HTML, URL, JSON and XML escapers.
 */
#include <string.h>

#include "buf.h"
#include "escape.h"

void
esc_html(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

void
esc_url(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			char t[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_append(b, t, 3);
		}
	}
}

void
esc_json(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char u[6];

		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '/': rep = "\\/"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '<':
		case '>':
		case '&':
		case '\'':
			break;
		default:
			if (c >= 0x20)
				continue;
			break;
		}
		buf_append(b, s + start, i - start);
		if (rep != NULL) {
			buf_puts(b, rep);
		} else {
			u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
			u[4] = hex[c >> 4]; u[5] = hex[c & 15];
			buf_append(b, u, 6);
		}
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

void
esc_xml(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case '\t': case '\n': case '\r': continue;
		default:
			/* XML 1.0 forbids other control characters outright. */
			if (c >= 0x20)
				continue;
			rep = "";
			break;
		}
		buf_append(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

void
esc_ics(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\\': BUF_LIT(b, "\\\\"); break;
		case ';': BUF_LIT(b, "\\;"); break;
		case ',': BUF_LIT(b, "\\,"); break;
		case '\n': BUF_LIT(b, "\\n"); break;
		case '\t': buf_putc(b, ' '); break;
		default:
			/* RFC 5545 allows no other control character in TEXT. */
			if (c >= 0x20 && c != 0x7f)
				buf_putc(b, (char)c);
			break;
		}
	}
}
