/*
 * feed_html.c — a story's HTML as a feed carries it: every link, image
 * and media URL made absolute.
 *
 * A feed reader shows a story away from the site, where "/media/x.jpg"
 * or "../section/5g" points nowhere (or at the reader's own host), so the
 * HTML stored for a page cannot go into a feed as it is.  The stored HTML
 * is the Markdown renderer's output plus whatever raw HTML an editor
 * wrote, so this is a pass over markup, not over text: it walks the tags
 * the way an HTML tokenizer does (comments, doctype-like declarations,
 * the raw text of <script> and <style> skipped over whole) and rewrites
 * only the values of attributes that hold URLs.  Everything else,
 * including the quoting of attributes it leaves alone, is copied byte for
 * byte.
 *
 * A URL is resolved as RFC 3986 section 5 says, against the address the
 * story is read at, so "#notes" is the story's own heading and
 * "section/x" is what a browser on the story's page would open.  A URL
 * with a scheme (http:, https:, mailto:, data:, anything) is absolute
 * already and is left as written.
 */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "escape.h"
#include "feed.h"
#include "util.h"

/* Attributes whose value is one URL, compared without regard to case. */
static const char *const feed_html_url_attrs[] = {
	"href", "src", "poster", "cite", "action", "formaction", "data",
	"background", "longdesc",
};

/* Elements whose content is raw text: no tag inside them is a tag. */
static const char *const feed_html_raw[] = {
	"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
	"noframes", "plaintext",
};

static int
feed_html_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
feed_html_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The index of the first of chars in s[0..n), or n. */
static size_t
feed_html_span(const char *s, size_t n, const char *chars)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '\0' && strchr(chars, s[i]) != NULL)
			return i;
	return n;
}

static int
feed_html_in(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

/*
 * Decodes an attribute value into out.  Returns -1 when it holds a named
 * character reference other than the five the escapers write: decoding it
 * would need HTML's whole table, so such a value is left as written.
 */
static int
feed_html_decode(const char *s, size_t n, struct buf *out)
{
	static const struct {
		const char	*name;
		char		 c;
	} named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	size_t i = 0, j, k;

	while (i < n) {
		if (s[i] != '&') {
			buf_putc(out, s[i++]);
			continue;
		}
		if (i + 1 < n && s[i + 1] == '#') {
			unsigned long v = 0;
			int hex = i + 2 < n && (s[i + 2] == 'x' || s[i + 2] == 'X');

			j = i + 2 + (size_t)hex;
			for (k = j; k < n && k - j < 7; k++) {
				int d = hex ? hex_digit(s[k]) : s[k] >= '0' &&
				    s[k] <= '9' ? s[k] - '0' : -1;

				if (d < 0)
					break;
				v = v * (hex ? 16 : 10) + (unsigned long)d;
			}
			/* Only ASCII matters to resolving; the rest stays as written. */
			if (k == j || k >= n || s[k] != ';' || v == 0 || v > 0x7e)
				return -1;
			buf_putc(out, (char)v);
			i = k + 1;
			continue;
		}
		for (j = 0; j < sizeof(named) / sizeof(named[0]); j++) {
			k = strlen(named[j].name);
			if (n - i - 1 >= k && memcmp(s + i + 1, named[j].name,
			    k) == 0)
				break;
		}
		if (j == sizeof(named) / sizeof(named[0])) {
			/* A bare '&' followed by no name is text, as in HTML. */
			if (i + 1 < n && (feed_html_alpha(s[i + 1])))
				return -1;
			buf_putc(out, s[i++]);
			continue;
		}
		buf_putc(out, named[j].c);
		i += 1 + strlen(named[j].name);
	}
	return 0;
}

/* Whether u[0..n) begins with a scheme: ALPHA *(ALPHA / DIGIT / + - .) ":". */
static int
feed_html_has_scheme(const char *u, size_t n)
{
	size_t i;

	if (n == 0 || !feed_html_alpha(u[0]))
		return 0;
	for (i = 1; i < n; i++) {
		if (u[i] == ':')
			return 1;
		if (!feed_html_alpha(u[i]) && !(u[i] >= '0' && u[i] <= '9') &&
		    u[i] != '+' && u[i] != '-' && u[i] != '.')
			return 0;
	}
	return 0;
}

/*
 * Appends path[0..n) to out without its "." and ".." segments (RFC 3986
 * 5.2.4).  out already holds the scheme and authority, from mark on.
 */
static void
feed_html_dots(struct buf *out, size_t mark, const char *path, size_t n)
{
	size_t i = 0, seg;

	while (i < n) {
		seg = i + 1;
		while (seg < n && path[seg] != '/')
			seg++;
		/* path[i] is '/' (or the first byte of a relative path). */
		if ((seg - i == 2 && path[i + 1] == '.') ||
		    (seg - i == 3 && path[i + 1] == '.' && path[i + 2] == '.')) {
			if (seg - i == 3) {
				while (out->len > mark &&
				    out->p[--out->len] != '/')
					;
				out->p[out->len] = '\0';
			}
			/* "/a/." and "/a/.." end in a directory: keep its '/'. */
			if (seg == n)
				buf_putc(out, '/');
		} else {
			buf_append(out, path + i, seg - i);
		}
		i = seg;
	}
}

/*
 * Appends the URL ref[0..n) resolved against page (an absolute URL with
 * an authority, "https://host/article/x") to out.
 */
static void
feed_html_resolve(struct buf *out, const char *page, const char *ref,
    size_t n)
{
	const char *auth = strstr(page, "://"), *path;
	size_t plen, pend, mark, rpath, last;
	struct buf merged = BUF_INIT;

	/* Without an absolute page there is nothing to resolve against. */
	if (auth == NULL) {
		buf_append(out, ref, n);
		return;
	}
	auth += 3;
	path = auth + strcspn(auth, "/?#");
	plen = strcspn(path, "?#");
	pend = (size_t)(path - page);
	if (n >= 2 && ref[0] == '/' && ref[1] == '/') {
		/* Network-path reference: only the scheme comes from page. */
		buf_append(out, page, (size_t)(auth - page - 2));
		buf_append(out, ref, n);
		return;
	}
	if (n == 0 || ref[0] == '#') {
		buf_append(out, page, pend + strcspn(path, "#"));
		buf_append(out, ref, n);
		return;
	}
	if (ref[0] == '?') {
		buf_append(out, page, pend + plen);
		buf_append(out, ref, n);
		return;
	}
	buf_append(out, page, pend);
	mark = out->len;
	rpath = feed_html_span(ref, n, "?#");
	if (ref[0] == '/') {
		feed_html_dots(out, mark, ref, rpath);
	} else {
		/* Merge (5.2.3): the page's path up to its last '/', then ref. */
		for (last = plen; last > 0 && path[last - 1] != '/'; last--)
			;
		if (last == 0)
			buf_putc(&merged, '/');
		else
			buf_append(&merged, path, last);
		buf_append(&merged, ref, rpath);
		if (merged.len > 0)
			feed_html_dots(out, mark, merged.p, merged.len);
		buf_free(&merged);
	}
	buf_append(out, ref + rpath, n - rpath);
}

/* One URL as the attribute's new value: resolved, then escaped. */
static void
feed_html_url(struct buf *out, const char *page, const char *u, size_t n)
{
	struct buf t = BUF_INIT;

	/* Browsers ignore white space around a URL; so does resolving. */
	while (n > 0 && feed_html_space(u[0])) {
		u++;
		n--;
	}
	while (n > 0 && feed_html_space(u[n - 1]))
		n--;
	if (feed_html_has_scheme(u, n)) {
		esc_html(out, u, n);
		return;
	}
	feed_html_resolve(&t, page, u, n);
	if (t.len > 0)
		esc_html(out, t.p, t.len);
	buf_free(&t);
}

/* A srcset: "url [descriptor], url [descriptor], ..." with each url resolved. */
static void
feed_html_srcset(struct buf *out, const char *page, const char *s, size_t n)
{
	size_t i = 0, u, d;

	while (i < n) {
		if (feed_html_space(s[i]) || s[i] == ',') {
			esc_html(out, s + i, 1);
			i++;
			continue;
		}
		for (u = i; u < n && !feed_html_space(s[u]); u++)
			;
		/* A URL that ends in commas ends its candidate there. */
		d = u;
		while (d > i && s[d - 1] == ',')
			d--;
		feed_html_url(out, page, s + i, d - i);
		esc_html(out, s + d, u - d);
		i = u;
		if (d < u)
			continue;
		for (; i < n && s[i] != ','; i++)
			esc_html(out, s + i, 1);
	}
}

/*
 * Copies the start tag at html[i] (just after "<") to out, rewriting its
 * URL attributes; returns the index after its ">".  *name and *nlen are
 * set to the tag's name.
 */
static size_t
feed_html_tag(struct buf *out, const char *page, const char *h, size_t n,
    size_t i, const char **name, size_t *nlen)
{
	size_t a, alen, v, vend;
	struct buf dec = BUF_INIT;
	char q;
	int srcset, url;

	*name = h + i;
	while (i < n && !feed_html_space(h[i]) && h[i] != '/' && h[i] != '>')
		i++;
	*nlen = (size_t)(h + i - *name);
	buf_append(out, *name, *nlen);
	while (i < n && h[i] != '>') {
		if (feed_html_space(h[i]) || h[i] == '/') {
			buf_putc(out, h[i++]);
			continue;
		}
		a = i;
		while (i < n && !feed_html_space(h[i]) && h[i] != '/' &&
		    h[i] != '>' && (h[i] != '=' || i == a))
			i++;
		alen = i - a;
		buf_append(out, h + a, alen);
		v = i;
		while (v < n && feed_html_space(h[v]))
			v++;
		if (v >= n || h[v] != '=')
			continue;
		buf_append(out, h + i, v + 1 - i);
		i = v + 1;
		while (i < n && feed_html_space(h[i]))
			buf_putc(out, h[i++]);
		q = i < n && (h[i] == '"' || h[i] == '\'') ? h[i] : '\0';
		v = q != '\0' ? i + 1 : i;
		for (vend = v; vend < n; vend++)
			if (q != '\0' ? h[vend] == q :
			    feed_html_space(h[vend]) || h[vend] == '>')
				break;
		srcset = alen == 6 && strncasecmp(h + a, "srcset", 6) == 0;
		url = feed_html_in(feed_html_url_attrs,
		    sizeof(feed_html_url_attrs) / sizeof(feed_html_url_attrs[0]),
		    h + a, alen);
		buf_reset(&dec);
		if ((srcset || url) && feed_html_decode(h + v, vend - v,
		    &dec) == 0 && !buf_err(&dec)) {
			buf_putc(out, '"');
			if (srcset)
				feed_html_srcset(out, page, dec.p != NULL ?
				    dec.p : "", dec.len);
			else
				feed_html_url(out, page, dec.p != NULL ?
				    dec.p : "", dec.len);
			buf_putc(out, '"');
		} else {
			buf_append(out, h + i, vend - i);
			if (q != '\0' && vend < n)
				buf_putc(out, q);
		}
		i = q != '\0' && vend < n ? vend + 1 : vend;
	}
	buf_free(&dec);
	if (i < n) {
		buf_putc(out, '>');
		i++;
	}
	return i;
}

/* The index of "</name" (any case) in h[i..n), or n. */
static size_t
feed_html_raw_end(const char *h, size_t n, size_t i, const char *name,
    size_t nlen)
{
	for (; i + 2 + nlen <= n; i++)
		if (h[i] == '<' && h[i + 1] == '/' &&
		    strncasecmp(h + i + 2, name, nlen) == 0)
			return i;
	return n;
}

/* The index just after the first "end" in h[i..n), or n. */
static size_t
feed_html_past(const char *h, size_t n, size_t i, const char *end)
{
	size_t k = strlen(end);

	for (; i + k <= n; i++)
		if (memcmp(h + i, end, k) == 0)
			return i + k;
	return n;
}

void
feed_html_absolute(struct buf *out, const char *h, size_t n, const char *page)
{
	const char *name;
	size_t i = 0, start = 0, nlen, end;

	while (i < n) {
		if (h[i] != '<' || i + 1 >= n) {
			i++;
			continue;
		}
		if (n - i >= 4 && memcmp(h + i, "<!--", 4) == 0) {
			i = feed_html_past(h, n, i + 4, "-->");
			continue;
		}
		if (h[i + 1] == '!' || h[i + 1] == '?' || (h[i + 1] == '/' &&
		    i + 2 < n && feed_html_alpha(h[i + 2]))) {
			i = feed_html_past(h, n, i + 1, ">");
			continue;
		}
		if (!feed_html_alpha(h[i + 1])) {
			i++;
			continue;
		}
		buf_append(out, h + start, i + 1 - start);
		i = feed_html_tag(out, page, h, n, i + 1, &name, &nlen);
		start = i;
		if (feed_html_in(feed_html_raw, sizeof(feed_html_raw) /
		    sizeof(feed_html_raw[0]), name, nlen)) {
			end = feed_html_raw_end(h, n, i, name, nlen);
			buf_append(out, h + start, end - start);
			i = start = end;
		}
	}
	buf_append(out, h + start, n - start);
}
