/*
 * url.c — percent-decoding, query strings, request paths and slugs.
 *
 * Decoders check their output, not their input: "%2e%2e" is "..", and an
 * overlong "%C0%AF" is a '/' to some UTF-8 readers, so the checks look at
 * the bytes that handlers will see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "url.h"
#include "util.h"

/* Takes back what was appended to b since it was len bytes long. */
static void
url_truncate(struct buf *b, size_t len)
{
	if (b->p != NULL && len <= b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

/*
 * url_decode with the reason of a failure in *te (when not NULL): the
 * text fault that the decoded bytes have (a NUL, bytes that are not
 * UTF-8, or whatever comes before them), or TEXT_OK for a bad escape or
 * out's cap.
 */
static int
decode(const char *s, size_t n, int plus_is_space, struct buf *out,
    struct text_error *te)
{
	size_t i, start = out->len, run = 0;
	int hi, lo;
	char c;

	if (te != NULL)
		te->fault = TEXT_OK;
	if (buf_err(out))
		return -1;
	/* After this point all errors go to fail, which restores out. */
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c != '%' && c != '+')
			continue;
		buf_append(out, s + run, i - run);
		if (c == '+') {
			buf_putc(out, plus_is_space ? ' ' : '+');
		} else {
			if (n - i < 3)
				goto fail;
			hi = hex_digit(s[i + 1]);
			lo = hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto fail;
			buf_putc(out, (char)(hi << 4 | lo));
			i += 2;
		}
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
	if (buf_err(out))
		return -1;
	/* NUL bytes, raw or "%00", are checked with the rest of the text. */
	if (out->len > start && (memchr(out->p + start, '\0',
	    out->len - start) != NULL || !text_utf8_valid(out->p + start,
	    out->len - start))) {
		if (te != NULL)
			text_check(out->p + start, out->len - start, TEXT_LINES,
			    te);
		goto fail;
	}
	return 0;
fail:
	url_truncate(out, start);
	return -1;
}

int
url_decode(const char *s, size_t n, int plus_is_space, struct buf *out)
{
	return decode(s, n, plus_is_space, out, NULL);
}

void
url_query_free(struct url_query *q)
{
	free(q->p);
	free(q->mem);
	memset(q, 0, sizeof(*q));
}

/* Why parse() failed, for a sentence that names the field. */
struct parse_fail {
	struct text_error	 te;	/* TEXT_OK: not a text fault */
	int			 many;	/* more pairs than allowed */
	size_t			 pair;	/* the pair that failed, 0-based */
	int			 in_key;	/* ...in its key */
	char			 key[48];	/* its key when that decoded */
};

static int
parse(struct url_query *q, const char *s, size_t n, size_t max,
    struct parse_fail *why)
{
	struct buf arena;
	size_t i, end, eq, count = 0, *off = NULL, klen;
	const char *amp;

	memset(q, 0, sizeof(*q));
	memset(why, 0, sizeof(*why));
	/* Counts the non-empty pairs first, to refuse too many cheaply. */
	for (i = 0; i < n; i = end + 1) {
		amp = memchr(s + i, '&', n - i);
		end = amp != NULL ? (size_t)(amp - s) : n;
		if (end > i)
			count++;
	}
	if (count > max) {
		why->many = 1;
		return -1;
	}
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
		why->pair = q->n;
		why->in_key = 1;
		off[4 * q->n] = arena.len;
		if (decode(s + i, eq - i, 1, &arena, &why->te) != 0)
			goto fail;
		off[4 * q->n + 1] = arena.len - off[4 * q->n];
		klen = off[4 * q->n + 1];
		/* An empty key has no bytes in the arena (maybe no arena yet). */
		if (klen > 0 && klen < sizeof(why->key))
			memcpy(why->key, arena.p + off[4 * q->n], klen);
		why->key[klen < sizeof(why->key) ? klen : 0] = '\0';
		why->in_key = 0;
		buf_putc(&arena, '\0');
		off[4 * q->n + 2] = arena.len;
		if (eq < end && decode(s + eq + 1, end - eq - 1, 1,
		    &arena, &why->te) != 0)
			goto fail;
		off[4 * q->n + 3] = arena.len - off[4 * q->n + 2];
		buf_putc(&arena, '\0');
		if (buf_err(&arena))
			goto fail;
		why->key[0] = '\0';
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

int
url_query_parse(struct url_query *q, const char *s, size_t n, size_t max)
{
	struct parse_fail why;

	return parse(q, s, n, max, &why);
}

/*
 * Writes how to name a field whose value is at fault: the noun and its
 * key in quotes when the key is a short line of text that may be shown,
 * else only the noun.
 */
static void
subject(char *out, size_t outsz, const char *noun, const char *key,
    size_t keylen)
{
	if (key != NULL && keylen > 0 && keylen < 48 &&
	    text_check(key, keylen, TEXT_LINE, NULL) == 0 &&
	    memchr(key, '"', keylen) == NULL)
		snprintf(out, outsz, "the %s \"%.*s\"", noun, (int)keylen, key);
	else
		snprintf(out, outsz, "a %s", noun);
}

int
url_form_parse(struct url_query *q, const char *s, size_t n, size_t max,
    const char *noun, char *msg, size_t msglen)
{
	struct parse_fail why;
	struct text_error te;
	char who[80];
	size_t i;

	if (parse(q, s, n, max, &why) != 0) {
		if (why.many) {
			snprintf(msg, msglen, "There are more than %zu %ss.",
			    max, noun);
			return URL_MALFORMED;
		}
		if (why.in_key)
			snprintf(who, sizeof(who), "the name of a %s", noun);
		else
			subject(who, sizeof(who), noun, why.key[0] != '\0' ?
			    why.key : NULL, strlen(why.key));
		if (why.te.fault != TEXT_OK) {
			text_explain(&why.te, who, msg, msglen);
			return URL_BAD_TEXT;
		}
		snprintf(msg, msglen, "%s has a bad %%-escape or is too long.",
		    who);
		if (msg[0] >= 'a' && msg[0] <= 'z')
			msg[0] = (char)(msg[0] - 'a' + 'A');
		return URL_MALFORMED;
	}
	/* After this point all errors free q. */
	for (i = 0; i < q->n; i++) {
		const struct url_param *p = &q->p[i];

		if (text_check(p->key, p->keylen, TEXT_LINE, &te) != 0) {
			snprintf(who, sizeof(who), "the name of a %s", noun);
			text_explain(&te, who, msg, msglen);
			url_query_free(q);
			return URL_BAD_TEXT;
		}
		if (text_check(p->val, p->vallen, text_rule_of(p->key),
		    &te) != 0) {
			subject(who, sizeof(who), noun, p->key, p->keylen);
			text_explain(&te, who, msg, msglen);
			url_query_free(q);
			return URL_BAD_TEXT;
		}
	}
	return URL_OK;
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
