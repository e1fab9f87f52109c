/*
 * escape.c — HTML, URL, JSON and XML escapers.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "escape.h"

/*
 * The five bytes HTML text and attributes must not carry as they are.  A
 * page is mostly text that needs none of them, so esc_html() tests sixteen
 * bytes at a time (SSE2, which every x86-64 has), takes every special byte
 * of the sixteen from one bit mask, and copies the runs between them in
 * one append each; a string's last, partial sixteen are tested by loading
 * the sixteen bytes that end the string and dropping the bits of those
 * already done.  A string shorter than sixteen bytes, or any string
 * elsewhere, takes one table look-up per byte.
 */
static const char *const esc_html_rep[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	['"'] = "&quot;", ['\''] = "&#39;",
};
static const uint8_t esc_html_len[256] = {
	['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 6, ['\''] = 5,
};

/* Appends s[*start..i) and the replacement of s[i]; the run resumes after i. */
static inline void
esc_html_put(struct buf *b, const char *s, size_t *start, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	buf_append(b, s + *start, i - *start);
	buf_append(b, esc_html_rep[c], esc_html_len[c]);
	*start = i + 1;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Bit k is set if p[k] is one of the five, for k in 0..15. */
static inline unsigned
esc_html_mask(const char *p)
{
	const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'),
	    gt = _mm_set1_epi8('>'), quot = _mm_set1_epi8('"'),
	    apos = _mm_set1_epi8('\'');
	__m128i v, m;

	v = _mm_loadu_si128((const __m128i *)(const void *)p);
	m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp),
	    _mm_cmpeq_epi8(v, lt)), _mm_or_si128(_mm_cmpeq_epi8(v, gt),
	    _mm_or_si128(_mm_cmpeq_epi8(v, quot), _mm_cmpeq_epi8(v, apos))));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

void
esc_html(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, start = 0;

#ifdef __SSE2__
	unsigned bits;

	if (n >= 16) {
		for (; i + 16 <= n; i += 16)
			for (bits = esc_html_mask(s + i); bits != 0;
			    bits &= bits - 1)
				esc_html_put(b, s, &start,
				    i + (size_t)__builtin_ctz(bits));
		if (i < n)
			for (bits = esc_html_mask(s + n - 16) >>
			    (16 - (n - i)); bits != 0; bits &= bits - 1)
				esc_html_put(b, s, &start,
				    i + (size_t)__builtin_ctz(bits));
		i = n;
	}
#endif
	for (; i < n; i++)
		if (esc_html_len[(unsigned char)s[i]] != 0)
			esc_html_put(b, s, &start, i);
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

#define ESC_FFFD	"\xef\xbf\xbd"

/*
 * The length of the UTF-8 sequence at s[0..n) when it is the shortest
 * encoding of a Unicode scalar value (so no overlong form, no surrogate
 * and nothing past U+10FFFF), with the value in *cp; 0 when it is not.
 */
static size_t
esc_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2; v = s[0] & 0x1fu; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; v = s[0] & 0x0fu; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; v = s[0] & 0x07u; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

void
esc_utf8(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((k = esc_utf8_seq(u + i, n - i, &cp)) > 0) {
			i += k;
			continue;
		}
		buf_append(b, s + start, i - start);
		BUF_LIT(b, ESC_FFFD);
		start = ++i;
	}
	buf_append(b, s + start, n - start);
}

/*
 * A document that is not well-formed is refused whole by a feed reader,
 * so what XML 1.0 cannot carry never reaches one, whatever a database row
 * holds (an import, a row older than the checks on input): control
 * characters other than tab, LF and CR are dropped, and bytes that are
 * not UTF-8, surrogates, U+FFFE and U+FFFF become U+FFFD.  As text, the
 * five markup characters are escaped; in a CDATA section, which keeps
 * markup readable where a consumer expects it raw (WordPress's WXR
 * carries post bodies so), "]]>", which would end the section, is split
 * across two sections.
 */
static void
xml_out(struct buf *b, const char *s, size_t n, int cdata)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	const char *rep;
	uint32_t cp;

	while (i < n) {
		k = esc_utf8_seq(u + i, n - i, &cp);
		rep = NULL;
		if (k == 0 || cp == 0xfffe || cp == 0xffff) {
			rep = ESC_FFFD;
			k = k == 0 ? 1 : k;
		} else if (cp < 0x20 && cp != '\t' && cp != '\n' &&
		    cp != '\r') {
			rep = "";
		} else if (cdata) {
			if (cp == ']' && n - i >= 3 &&
			    memcmp(s + i, "]]>", 3) == 0) {
				rep = "]]]]><![CDATA[>";
				k = 3;
			}
		} else {
			switch (cp) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&apos;"; break;
			}
		}
		if (rep == NULL) {
			i += k;
			continue;
		}
		buf_append(b, s + start, i - start);
		buf_puts(b, rep);
		i += k;
		start = i;
	}
	buf_append(b, s + start, n - start);
}

void
esc_xml(struct buf *b, const char *s, size_t n)
{
	xml_out(b, s, n, 0);
}

void
esc_xml_cdata(struct buf *b, const char *s, size_t n)
{
	BUF_LIT(b, "<![CDATA[");
	xml_out(b, s, n, 1);
	BUF_LIT(b, "]]>");
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
