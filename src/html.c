/*
 * html.c — the HTML lexer, character references and URL checks shared by
 * the allow-list (sanitize.c), the feeds (feed_html.c) and the Markdown
 * renderer (markdown.c).  See html.h for what the lexer follows.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "escape.h"
#include "html.h"
#include "util.h"

/*
 * Elements whose content is raw text: no tag inside them is a tag until
 * their own end tag.  A browser with scripting on treats noscript so.
 */
static const char *const html_raw[] = {
	"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
	"noframes", "noscript", "plaintext",
};

/*
 * Named references that are decoded.  The full HTML list has over 2,000
 * names; these are the common ones and the ones that matter in URLs
 * (colon, Tab, NewLine).  Latin-1's names are in code point order.
 */
static const char *const html_latin1[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34",
	"iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring",
	"AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave",
	"Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
	"Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute",
	"Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute",
	"acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave",
	"eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth",
	"ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn",
	"yuml"
};

static const struct {
	const char	*name;
	uint32_t	 cp;
} html_named[] = {
	{ "Tab", 9 }, { "NewLine", 10 }, { "quot", 34 }, { "amp", 38 },
	{ "apos", 39 }, { "colon", 58 }, { "lt", 60 }, { "gt", 62 },
	{ "OElig", 338 }, { "oelig", 339 }, { "Scaron", 352 },
	{ "scaron", 353 }, { "Yuml", 376 }, { "fnof", 402 }, { "circ", 710 },
	{ "tilde", 732 }, { "ensp", 8194 }, { "emsp", 8195 },
	{ "thinsp", 8201 }, { "zwnj", 8204 }, { "zwj", 8205 },
	{ "lrm", 8206 }, { "rlm", 8207 }, { "ndash", 8211 },
	{ "mdash", 8212 }, { "lsquo", 8216 }, { "rsquo", 8217 },
	{ "sbquo", 8218 }, { "ldquo", 8220 }, { "rdquo", 8221 },
	{ "bdquo", 8222 }, { "dagger", 8224 }, { "Dagger", 8225 },
	{ "bull", 8226 }, { "hellip", 8230 }, { "permil", 8240 },
	{ "prime", 8242 }, { "Prime", 8243 }, { "lsaquo", 8249 },
	{ "rsaquo", 8250 }, { "euro", 8364 }, { "trade", 8482 },
	{ "larr", 8592 }, { "uarr", 8593 }, { "rarr", 8594 },
	{ "darr", 8595 }, { "harr", 8596 }, { "minus", 8722 },
	{ "infin", 8734 }, { "ne", 8800 }, { "le", 8804 }, { "ge", 8805 },
	{ "hearts", 9829 },
};

#define HTML_FFFD	"\xef\xbf\xbd"

static int
html_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
html_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
html_alnum(char c)
{
	return html_alpha(c) || (c >= '0' && c <= '9');
}

void
html_lexer_init(struct html_lexer *lx, const char *h, size_t n)
{
	memset(lx, 0, sizeof(*lx));
	lx->h = h;
	lx->n = n;
}

int
html_attr_is(const struct html_attr *a, const char *name)
{
	return strlen(name) == a->nlen && strncasecmp(a->name, name,
	    a->nlen) == 0;
}

/* The index just after the first "end" in h[i..n), or n. */
static size_t
html_past(const struct html_lexer *lx, size_t i, const char *end)
{
	size_t k = strlen(end);

	for (; i + k <= lx->n; i++)
		if (memcmp(lx->h + i, end, k) == 0)
			return i + k;
	return lx->n;
}

/*
 * A comment from just after "<!--": "<!-->" and "<!--->" are whole ones,
 * otherwise it ends after the first "-->" or "--!>", or with the input.
 */
static size_t
html_comment_end(const struct html_lexer *lx, size_t i)
{
	const char *h = lx->h;
	size_t n = lx->n, j;

	if (i < n && h[i] == '>')
		return i + 1;
	if (i + 1 < n && h[i] == '-' && h[i + 1] == '>')
		return i + 2;
	for (j = i; j + 3 <= n; j++) {
		if (h[j] != '-' || h[j + 1] != '-')
			continue;
		if (h[j + 2] == '>')
			return j + 3;
		if (j + 4 <= n && h[j + 2] == '!' && h[j + 3] == '>')
			return j + 4;
	}
	return n;
}

/*
 * Reads the attributes of a tag and its closing '>' from h[i], just after
 * the tag name.  Returns the index after the '>', or 0 when the input ends
 * first (the tag is then lost, as in a browser).
 */
static size_t
html_attrs(const struct html_lexer *lx, size_t i, struct html_tok *t)
{
	const char *h = lx->h;
	size_t n = lx->n, a, v;
	struct html_attr *at;
	char q;

	for (;;) {
		while (i < n && html_space(h[i]))
			i++;
		if (i >= n)
			return 0;
		if (h[i] == '>')
			return i + 1;
		if (h[i] == '/') {
			if (i + 1 < n && h[i + 1] == '>') {
				t->self_closing = 1;
				return i + 2;
			}
			i++;
			continue;
		}
		/* A name starts with any byte; '=' is a name's first byte too. */
		a = i++;
		while (i < n && !html_space(h[i]) && h[i] != '/' &&
		    h[i] != '>' && h[i] != '=')
			i++;
		at = t->nattr < HTML_ATTRS_MAX ? &t->attr[t->nattr] : NULL;
		if (at != NULL) {
			memset(at, 0, sizeof(*at));
			at->name = h + a;
			at->nlen = i - a;
			t->nattr++;
		} else {
			t->nmore++;
		}
		v = i;
		while (v < n && html_space(h[v]))
			v++;
		if (v >= n)
			return 0;
		if (h[v] != '=') {
			i = v;
			continue;
		}
		i = v + 1;
		while (i < n && html_space(h[i]))
			i++;
		if (i >= n)
			return 0;
		if (h[i] == '>')
			return i + 1;
		q = h[i] == '"' || h[i] == '\'' ? h[i] : '\0';
		v = q != '\0' ? i + 1 : i;
		while (v < n && (q != '\0' ? h[v] != q : !html_space(h[v]) &&
		    h[v] != '>'))
			v++;
		if (v >= n)
			return 0;
		if (at != NULL) {
			at->val = h + (q != '\0' ? i + 1 : i);
			at->vlen = (size_t)(h + v - at->val);
			at->span = h + i;
			at->spanlen = v + (q != '\0') - i;
		}
		i = v + (q != '\0');
	}
}

/* Reads a start or end tag's name from h[i]; returns the index after it. */
static size_t
html_name(const struct html_lexer *lx, size_t i, struct html_tok *t)
{
	const char *h = lx->h;
	size_t k = 0, n = lx->n;
	int fits = 1;

	for (; i < n && !html_space(h[i]) && h[i] != '/' && h[i] != '>'; i++) {
		if (k == HTML_NAME_MAX) {
			fits = 0;
			continue;
		}
		t->name[k++] = (char)(h[i] >= 'A' && h[i] <= 'Z' ?
		    h[i] + ('a' - 'A') : h[i]);
	}
	t->name[fits ? k : 0] = '\0';
	return i;
}

/*
 * The end of the raw text that started at i: the first "</name" (any
 * case) followed by white space, '/' or '>', or the input's end.
 */
static size_t
html_raw_end(const struct html_lexer *lx, size_t i)
{
	const char *h = lx->h;
	size_t n = lx->n, k = strlen(lx->raw);

	if (strcmp(lx->raw, "plaintext") == 0)
		return n;
	for (; i + 2 + k < n; i++)
		if (h[i] == '<' && h[i + 1] == '/' &&
		    strncasecmp(h + i + 2, lx->raw, k) == 0 &&
		    (html_space(h[i + 2 + k]) || h[i + 2 + k] == '/' ||
		    h[i + 2 + k] == '>'))
			return i;
	return n;
}

static int
html_is_raw(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(html_raw); i++)
		if (strcmp(html_raw[i], name) == 0)
			return 1;
	return 0;
}

int
html_next(struct html_lexer *lx, struct html_tok *t)
{
	const char *h = lx->h;
	size_t n = lx->n, i = lx->i, j;

	memset(t, 0, offsetof(struct html_tok, attr));
	t->nattr = t->nmore = 0;
	t->self_closing = 0;
	if (i >= n)
		return 0;
	t->p = h + i;
	if (lx->raw[0] != '\0') {
		j = html_raw_end(lx, i);
		lx->raw[0] = '\0';
		if (j > i) {
			t->kind = HTML_RAWTEXT;
			t->len = j - i;
			lx->i = j;
			return 1;
		}
	}
	if (h[i] != '<' || i + 1 >= n) {
		/* Text runs to the next '<' (a lone '<' is text too). */
		const char *lt = memchr(h + i + 1, '<', n - i - 1);

		j = lt != NULL ? (size_t)(lt - h) : n;
		t->kind = HTML_TEXT;
		t->len = j - i;
		lx->i = j;
		return 1;
	}
	if (h[i + 1] == '!' || h[i + 1] == '?') {
		t->kind = HTML_COMMENT;
		if (h[i + 1] == '!' && n - i >= 4 && memcmp(h + i, "<!--", 4) == 0)
			j = html_comment_end(lx, i + 4);
		else
			j = html_past(lx, i + 2, ">");
	} else if (h[i + 1] == '/') {
		if (i + 2 >= n) {
			t->kind = HTML_TEXT;
			j = n;
		} else if (h[i + 2] == '>') {
			/* "</>" is nothing at all. */
			t->kind = HTML_COMMENT;
			j = i + 3;
		} else if (!html_alpha(h[i + 2])) {
			t->kind = HTML_COMMENT;
			j = html_past(lx, i + 2, ">");
		} else {
			t->kind = HTML_END;
			j = html_attrs(lx, html_name(lx, i + 2, t), t);
			if (j == 0) {
				t->kind = HTML_CUT;
				j = n;
			}
		}
	} else if (html_alpha(h[i + 1])) {
		t->kind = HTML_START;
		j = html_attrs(lx, html_name(lx, i + 1, t), t);
		if (j == 0) {
			t->kind = HTML_CUT;
			j = n;
		} else if (html_is_raw(t->name)) {
			memcpy(lx->raw, t->name, sizeof(lx->raw));
		}
	} else {
		t->kind = HTML_TEXT;
		j = i + 1;
	}
	t->len = j - i;
	lx->i = j;
	return 1;
}

int
html_entity(const char *s, size_t n, uint32_t *cp)
{
	uint32_t v = 0;
	size_t i;
	int d;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return -1;
	s++;
	n -= 2;
	if (s[0] == '#') {
		int hex = n > 1 && (s[1] == 'x' || s[1] == 'X');

		i = hex ? 2 : 1;
		if (i == n)
			return -1;
		for (; i < n; i++) {
			d = hex_digit(s[i]);
			if (d < 0 || (!hex && d > 9))
				return -1;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
			if (v > 0x10ffff)
				v = 0x110000;
		}
		*cp = v;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(html_latin1); i++)
		if (strlen(html_latin1[i]) == n &&
		    memcmp(html_latin1[i], s, n) == 0) {
			*cp = 160 + (uint32_t)i;
			return 0;
		}
	for (i = 0; i < ARRAY_SIZE(html_named); i++)
		if (strlen(html_named[i].name) == n &&
		    memcmp(html_named[i].name, s, n) == 0) {
			*cp = html_named[i].cp;
			return 0;
		}
	return -1;
}

void
html_utf8(struct buf *b, uint32_t cp)
{
	char u[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		BUF_LIT(b, HTML_FFFD);
	} else if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_append(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_append(b, u, 4);
	}
}

/*
 * The length of the reference at s[0] == '&' that a browser decodes in an
 * attribute, with its code point in *cp, or 0 when there is none that
 * this file knows.
 */
static size_t
html_ref(const char *s, size_t n, uint32_t *cp)
{
	size_t i, j;
	uint32_t v = 0;
	int hex, d;

	if (n < 3)
		return 0;
	if (s[1] == '#') {
		hex = s[2] == 'x' || s[2] == 'X';
		for (i = j = 2 + (size_t)hex; i < n; i++) {
			d = hex_digit(s[i]);
			if (d < 0 || (!hex && d > 9))
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
			if (v > 0x10ffff)
				v = 0x110000;
		}
		if (i == j)
			return 0;
		*cp = v;
		return i < n && s[i] == ';' ? i + 1 : i;
	}
	for (i = 1; i < n && html_alnum(s[i]); i++)
		;
	if (i == 1 || i >= n || s[i] != ';')
		return 0;
	return html_entity(s, i + 1, cp) == 0 ? i + 1 : 0;
}

void
html_decode(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (s[i] == '&' && (k = html_ref(s + i, n - i, &cp)) > 0) {
			html_utf8(out, cp);
			i += k;
		} else if (s[i] == '\0') {
			BUF_LIT(out, HTML_FFFD);
			i++;
		} else {
			buf_putc(out, s[i++]);
		}
	}
}

int
html_url_clean(struct buf *out, const char *u, size_t n)
{
	size_t i, start = 0, end = n;

	buf_reset(out);
	while (start < end && (unsigned char)u[start] <= 0x20)
		start++;
	while (end > start && (unsigned char)u[end - 1] <= 0x20)
		end--;
	for (i = start; i < end; i++)
		if (u[i] != '\t' && u[i] != '\n' && u[i] != '\r')
			buf_putc(out, u[i]);
	if (out->p == NULL)
		buf_puts(out, "");
	return buf_err(out) ? -1 : 0;
}

/* Whether the cleaned URL s[0..n) begins with "data:image/TYPE" and ';' or ','. */
static int
html_data_image(const char *s, size_t n)
{
	static const char *const types[] = { "png", "jpeg", "gif", "webp" };
	size_t i, k;

	if (n < 11 || strncasecmp(s, "data:image/", 11) != 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		k = strlen(types[i]);
		if (n > 11 + k && strncasecmp(s + 11, types[i], k) == 0 &&
		    (s[11 + k] == ';' || s[11 + k] == ','))
			return 1;
	}
	return 0;
}

/*
 * Whether the cleaned URL s[0..n) is allowed, reading its scheme the way
 * the WHATWG URL parser does: a letter, then letters, digits, '+', '-' or
 * '.', then ':'.  Anything else makes it relative.
 */
static int
html_url_allowed(const char *s, size_t n, unsigned allow)
{
	size_t i;

	for (i = 0; i < n && s[i] != ':'; i++) {
		if (html_alpha(s[i]))
			continue;
		if (i > 0 && (html_alnum(s[i]) || s[i] == '+' || s[i] == '-' ||
		    s[i] == '.'))
			continue;
		break;
	}
	if (i == 0 || i == n || s[i] != ':')
		return (allow & HTML_URL_RELATIVE) != 0;
	if ((allow & HTML_URL_WEB) && ((i == 4 && strncasecmp(s, "http",
	    4) == 0) || (i == 5 && strncasecmp(s, "https", 5) == 0)))
		return 1;
	if ((allow & HTML_URL_MAILTO) && i == 6 &&
	    strncasecmp(s, "mailto", 6) == 0)
		return 1;
	if ((allow & HTML_URL_TEL) && i == 3 && strncasecmp(s, "tel", 3) == 0)
		return 1;
	return (allow & HTML_URL_DATA_IMAGE) && html_data_image(s, n);
}

/* True for bytes that may stand in an href as they are (RFC 3986 and '%'). */
static int
html_url_safe(unsigned char c)
{
	return html_alnum((char)c) || (c != '\0' &&
	    strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

int
html_url(struct buf *dst, const char *u, size_t n, unsigned allow,
    struct buf *scratch)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (html_url_clean(scratch, u, n) != 0)
		return -1;
	if (!html_url_allowed(scratch->p, scratch->len, allow))
		return 0;
	for (i = 0; i < scratch->len; i++) {
		unsigned char c = (unsigned char)scratch->p[i];

		if (html_url_safe(c)) {
			esc_html(dst, (const char *)&c, 1);
		} else {
			char t[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_append(dst, t, 3);
		}
	}
	return buf_err(dst) ? -1 : 1;
}
