/*
 * url.c — percent-decoding, query strings, request paths and slugs.
 *
 * Decoders check their output, not their input: "%2e%2e" is "..", and an
 * overlong "%C0%AF" is a '/' to some UTF-8 readers, so the checks look at
 * the bytes that handlers will see.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "url.h"
#include "util.h"

/*
 * True if s[0..n) is well-formed UTF-8 as Unicode defines it (table 3-7):
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static int
url_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned char lo, hi;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong below U+0800 */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90;	/* overlong below U+10000 */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += len;
	}
	return 1;
}

/* Takes back what was appended to b since it was len bytes long. */
static void
url_truncate(struct buf *b, size_t len)
{
	if (b->p != NULL && len <= b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

int
url_decode(const char *s, size_t n, int plus_is_space, struct buf *out)
{
	size_t i, start = out->len, run = 0;
	int hi, lo;
	char c;

	if (buf_err(out))
		return -1;
	/* After this point all errors go to fail, which restores out. */
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c != '%' && c != '+' && c != '\0')
			continue;
		buf_append(out, s + run, i - run);
		if (c == '\0') {
			goto fail;
		} else if (c == '+') {
			buf_putc(out, plus_is_space ? ' ' : '+');
		} else {
			if (n - i < 3)
				goto fail;
			hi = hex_digit(s[i + 1]);
			lo = hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto fail;
			buf_putc(out, (char)(hi << 4 | lo));
			i += 2;
		}
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
	if (buf_err(out))
		return -1;
	if (out->len > start && !url_utf8_valid((const unsigned char *)out->p + start,
	    out->len - start))
		goto fail;
	return 0;
fail:
	url_truncate(out, start);
	return -1;
}

void
url_query_free(struct url_query *q)
{
	free(q->p);
	free(q->mem);
	memset(q, 0, sizeof(*q));
}

int
url_query_parse(struct url_query *q, const char *s, size_t n, size_t max)
{
	struct buf arena;
	size_t i, end, eq, count = 0, *off = NULL;
	const char *amp;

	memset(q, 0, sizeof(*q));
	/* Counts the non-empty pairs first, to refuse too many cheaply. */
	for (i = 0; i < n; i = end + 1) {
		amp = memchr(s + i, '&', n - i);
		end = amp != NULL ? (size_t)(amp - s) : n;
		if (end > i)
			count++;
	}
	if (count > max)
		return -1;
	if (count == 0)
		return 0;

	/*
	 * Keys and values are decoded one after the other into one buffer,
	 * each followed by a NUL.  Decoding never lengthens, so the buffer
	 * needs at most n + 2 * count bytes; the offsets become pointers
	 * only once the buffer has stopped moving.
	 * After this point all errors go to fail.
	 */
	buf_init(&arena, n + 2 * count);
	off = xcalloc(count, 4 * sizeof(*off));
	q->p = xcalloc(count, sizeof(*q->p));
	for (i = 0; i < n; i = end + 1) {
		amp = memchr(s + i, '&', n - i);
		end = amp != NULL ? (size_t)(amp - s) : n;
		if (end == i)
			continue;
		for (eq = i; eq < end && s[eq] != '='; eq++)
			;
		off[4 * q->n] = arena.len;
		if (url_decode(s + i, eq - i, 1, &arena) != 0)
			goto fail;
		off[4 * q->n + 1] = arena.len - off[4 * q->n];
		buf_putc(&arena, '\0');
		off[4 * q->n + 2] = arena.len;
		if (eq < end && url_decode(s + eq + 1, end - eq - 1, 1,
		    &arena) != 0)
			goto fail;
		off[4 * q->n + 3] = arena.len - off[4 * q->n + 2];
		buf_putc(&arena, '\0');
		if (buf_err(&arena))
			goto fail;
		q->n++;
	}
	q->mem = buf_detach(&arena, NULL);
	for (i = 0; i < q->n; i++) {
		q->p[i].key = q->mem + off[4 * i];
		q->p[i].keylen = off[4 * i + 1];
		q->p[i].val = q->mem + off[4 * i + 2];
		q->p[i].vallen = off[4 * i + 3];
	}
	free(off);
	return 0;
fail:
	free(off);
	buf_free(&arena);
	url_query_free(q);
	return -1;
}

const char *
url_query_get(const struct url_query *q, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < q->n; i++)
		if (q->p[i].keylen == n && memcmp(q->p[i].key, key, n) == 0)
			return q->p[i].val;
	return NULL;
}

int
url_path_decode(const char *s, size_t n, struct buf *out)
{
	size_t start = out->len, i, seg;
	const char *p;

	if (n == 0 || s[0] != '/')
		return -1;
	/* '+' is a plus sign in a path; only query components use it as space. */
	if (url_decode(s, n, 0, out) != 0)
		return -1;
	p = out->p + start;
	n = out->len - start;
	/* After this point all errors go to fail, which restores out. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		/*
		 * Control characters would split a header if the path is ever
		 * echoed into one, and browsers read '\' as '/', which makes
		 * "/\evil.example" a protocol-relative redirect target.
		 */
		if (c < 0x20 || c == 0x7f || c == '\\')
			goto fail;
	}
	/* Each segment starts after a '/'; p[0] is the leading '/'. */
	for (seg = 1; seg <= n; seg = i + 1) {
		for (i = seg; i < n && p[i] != '/'; i++)
			;
		/*
		 * An empty segment is allowed only at the end ("/a/");
		 * "//host" is read by browsers as a host, not a path.
		 */
		if (i == seg && i < n)
			goto fail;
		if ((i - seg == 1 && p[seg] == '.') ||
		    (i - seg == 2 && p[seg] == '.' && p[seg + 1] == '.'))
			goto fail;
	}
	return 0;
fail:
	url_truncate(out, start);
	return -1;
}

int
url_is_slug(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > URL_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
url_is_local(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > URL_NEXT_MAX || s[0] != '/' || s[1] == '/')
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* '?' starts the query, where it may appear again (RFC 3986, 3.4). */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=:@/?",
		    c) != NULL)
			continue;
		if (c == '%' && i + 2 < n && hex_digit(s[i + 1]) >= 0 &&
		    hex_digit(s[i + 2]) >= 0) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
}
