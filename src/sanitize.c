/*
 * sanitize.c — the allow-list of stored HTML (see sanitize.h).
 *
 * The tables below are the whole policy: sz_elems[] the elements kept
 * (with what a simplified HTML tree builder needs to know of them to keep
 * the output balanced), sz_attrs[] the attributes kept on each and the
 * kind of value each takes, sz_drop[] the elements that go with their
 * content.  Anything not named is unwrapped.
 *
 * The tree building is a small part of the HTML standard's: an open <p>
 * is closed by a block that starts, a <li> by the next <li>, a cell by
 * the next cell or row, an <a> by another <a>; an end tag closes what is
 * open above its element unless a table boundary is in between, and one
 * that matches nothing open is dropped; whatever is open at the end is
 * closed.  This is for valid output, not for safety: safety comes from
 * writing only allowed tags and attributes, and escaped text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "escape.h"
#include "html.h"
#include "sanitize.h"
#include "util.h"

/* Elements nested deeper than this are unwrapped. */
#define SZ_DEPTH_MAX	64
#define SZ_FFFD		"\xef\xbf\xbd"

/* Flags of an element. */
#define SZ_VOID		0x01	/* no content and no end tag */
#define SZ_BLOCK	0x02	/* its start closes an open <p> */
#define SZ_SCOPE	0x04	/* end tags and implied ends stop at it */
#define SZ_SPECIAL	0x08	/* a list item's implied end stops at it */
#define SZ_TABLE	0x10	/* a table: row and cell searches stop at it */
#define SZ_HEADING	0x20
#define SZ_PART		0x40	/* a table part: see sz_parents[] */

static const struct sz_elem {
	const char	*name;
	unsigned	 flags;
} sz_elems[] = {
	{ "a", 0 }, { "abbr", 0 },
	{ "aside", SZ_BLOCK | SZ_SPECIAL }, { "audio", 0 }, { "b", 0 },
	{ "bdi", 0 }, { "blockquote", SZ_BLOCK | SZ_SPECIAL },
	{ "br", SZ_VOID }, { "caption", SZ_SCOPE | SZ_SPECIAL | SZ_PART },
	{ "cite", 0 }, { "code", 0 }, { "col", SZ_VOID | SZ_PART },
	{ "colgroup", SZ_SPECIAL | SZ_PART }, { "dd", SZ_BLOCK | SZ_SPECIAL },
	{ "del", 0 }, { "details", SZ_BLOCK | SZ_SPECIAL },
	{ "div", SZ_BLOCK }, { "dl", SZ_BLOCK | SZ_SPECIAL },
	{ "dt", SZ_BLOCK | SZ_SPECIAL }, { "em", 0 },
	{ "figcaption", SZ_BLOCK | SZ_SPECIAL },
	{ "figure", SZ_BLOCK | SZ_SPECIAL },
	{ "h1", SZ_BLOCK | SZ_SPECIAL | SZ_HEADING },
	{ "h2", SZ_BLOCK | SZ_SPECIAL | SZ_HEADING },
	{ "h3", SZ_BLOCK | SZ_SPECIAL | SZ_HEADING },
	{ "h4", SZ_BLOCK | SZ_SPECIAL | SZ_HEADING },
	{ "h5", SZ_BLOCK | SZ_SPECIAL | SZ_HEADING },
	{ "h6", SZ_BLOCK | SZ_SPECIAL | SZ_HEADING },
	{ "hr", SZ_VOID | SZ_BLOCK }, { "i", 0 },
	/* Written whole with its end tag: its content is raw text, dropped. */
	{ "iframe", SZ_VOID }, { "img", SZ_VOID }, { "input", SZ_VOID },
	{ "ins", 0 }, { "kbd", 0 }, { "li", SZ_BLOCK | SZ_SPECIAL },
	{ "mark", 0 }, { "ol", SZ_BLOCK | SZ_SPECIAL }, { "p", SZ_BLOCK },
	{ "picture", 0 }, { "pre", SZ_BLOCK | SZ_SPECIAL }, { "q", 0 },
	{ "s", 0 }, { "samp", 0 }, { "small", 0 }, { "source", SZ_VOID },
	{ "span", 0 }, { "strong", 0 }, { "sub", 0 },
	{ "summary", SZ_BLOCK | SZ_SPECIAL }, { "sup", 0 },
	{ "table", SZ_BLOCK | SZ_SCOPE | SZ_SPECIAL | SZ_TABLE },
	{ "tbody", SZ_SPECIAL | SZ_PART },
	{ "td", SZ_SCOPE | SZ_SPECIAL | SZ_PART },
	{ "tfoot", SZ_SPECIAL | SZ_PART },
	{ "th", SZ_SCOPE | SZ_SPECIAL | SZ_PART },
	{ "thead", SZ_SPECIAL | SZ_PART }, { "time", 0 },
	{ "tr", SZ_SPECIAL | SZ_PART },
	{ "u", 0 }, { "ul", SZ_BLOCK | SZ_SPECIAL }, { "var", 0 },
	{ "video", 0 }, { "wbr", SZ_VOID },
};

/*
 * Elements dropped with everything inside them: they run script, style
 * the page, hold another document or a form control, or switch the
 * parser to another language.  Those whose content the lexer reads as
 * raw text (script, style, textarea ...) need no entry: raw text is
 * always dropped.
 */
static const char *const sz_drop[] = {
	"template", "object", "applet", "svg", "math", "select", "frameset",
	"datalist",
};

enum sz_kind {
	A_TEXT,		/* any text (references kept as written) */
	A_LINK,		/* a link: http(s), mailto, tel or relative */
	A_CITE,		/* a source: http(s) or relative */
	A_MEDIA,	/* a media file: http(s) or relative */
	A_IMG,		/* an image: A_MEDIA or a data: image */
	A_SRCSET,	/* candidates of A_MEDIA URLs with w or x descriptors */
	A_EMBED,	/* https on one of the embed hosts */
	A_ID,		/* a letter, then letters, digits, '-' and '_' */
	A_CLASS,	/* words of letters, digits and -_+#. */
	A_INT,		/* a whole number */
	A_BOOL,		/* present or not */
	A_CHOICE,	/* one of the rule's words */
	A_LANG,		/* a language tag */
	A_DATETIME,	/* a date and time */
	A_TYPE,		/* a media type, codecs too */
	A_QUERY,	/* a media query or sizes list */
	A__MAX
};

static const struct sz_attr {
	const char	*elem;		/* "*": every element */
	const char	*name;
	enum sz_kind	 kind;
	const char	*choices;	/* A_CHOICE: space-separated */
} sz_attrs[] = {
	{ "*", "class", A_CLASS, NULL },
	{ "*", "id", A_ID, NULL },
	{ "*", "title", A_TEXT, NULL },
	{ "*", "lang", A_LANG, NULL },
	{ "*", "dir", A_CHOICE, "ltr rtl auto" },
	{ "a", "href", A_LINK, NULL },
	{ "a", "hreflang", A_LANG, NULL },
	{ "img", "src", A_IMG, NULL },
	{ "img", "srcset", A_SRCSET, NULL },
	{ "img", "sizes", A_QUERY, NULL },
	{ "img", "alt", A_TEXT, NULL },
	{ "img", "width", A_INT, NULL },
	{ "img", "height", A_INT, NULL },
	{ "img", "loading", A_CHOICE, "lazy eager" },
	{ "source", "src", A_MEDIA, NULL },
	{ "source", "srcset", A_SRCSET, NULL },
	{ "source", "sizes", A_QUERY, NULL },
	{ "source", "media", A_QUERY, NULL },
	{ "source", "type", A_TYPE, NULL },
	{ "source", "width", A_INT, NULL },
	{ "source", "height", A_INT, NULL },
	{ "video", "src", A_MEDIA, NULL },
	{ "video", "poster", A_MEDIA, NULL },
	{ "video", "width", A_INT, NULL },
	{ "video", "height", A_INT, NULL },
	{ "video", "preload", A_CHOICE, "none metadata auto" },
	{ "video", "loop", A_BOOL, NULL },
	{ "video", "muted", A_BOOL, NULL },
	{ "video", "playsinline", A_BOOL, NULL },
	{ "audio", "src", A_MEDIA, NULL },
	{ "audio", "preload", A_CHOICE, "none metadata auto" },
	{ "audio", "loop", A_BOOL, NULL },
	{ "audio", "muted", A_BOOL, NULL },
	{ "ol", "start", A_INT, NULL },
	{ "ol", "reversed", A_BOOL, NULL },
	{ "ol", "type", A_CHOICE, "1 a A i I" },
	{ "li", "value", A_INT, NULL },
	{ "td", "colspan", A_INT, NULL },
	{ "td", "rowspan", A_INT, NULL },
	{ "td", "align", A_CHOICE, "left center right" },
	{ "th", "colspan", A_INT, NULL },
	{ "th", "rowspan", A_INT, NULL },
	{ "th", "align", A_CHOICE, "left center right" },
	{ "th", "scope", A_CHOICE, "row col rowgroup colgroup" },
	{ "th", "abbr", A_TEXT, NULL },
	{ "col", "span", A_INT, NULL },
	{ "colgroup", "span", A_INT, NULL },
	{ "time", "datetime", A_DATETIME, NULL },
	{ "del", "datetime", A_DATETIME, NULL },
	{ "del", "cite", A_CITE, NULL },
	{ "ins", "datetime", A_DATETIME, NULL },
	{ "ins", "cite", A_CITE, NULL },
	{ "blockquote", "cite", A_CITE, NULL },
	{ "q", "cite", A_CITE, NULL },
	{ "details", "open", A_BOOL, NULL },
	{ "input", "checked", A_BOOL, NULL },
	{ "iframe", "src", A_EMBED, NULL },
	{ "iframe", "width", A_INT, NULL },
	{ "iframe", "height", A_INT, NULL },
};

/*
 * What every embed gets, whatever was written: scripts in its own origin
 * (a player needs them) but no top navigation, forms, pop-ups or
 * downloads; the origin of our page and no more as referrer; and loading
 * only when it is about to be seen.
 */
#define SZ_EMBED_ATTRS \
	" sandbox=\"allow-scripts allow-same-origin allow-presentation\"" \
	" referrerpolicy=\"strict-origin-when-cross-origin\"" \
	" loading=\"lazy\" allowfullscreen"

struct sz {
	struct buf	*out;
	struct buf	 val;		/* an attribute's decoded value */
	struct buf	 tmp;		/* scratch for URLs */
	struct buf	 url;		/* one URL of a srcset */
	size_t		 stack[SZ_DEPTH_MAX];	/* open elements, sz_elems[] */
	size_t		 depth;
	char		 skip[HTML_NAME_MAX + 1];	/* dropping inside this */
	size_t		 skip_depth;
};

static int
sz_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
sz_elem_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct sz_elem *)e)->name);
}

/* The row of an allowed element; sz_elems[] is in name order for this. */
static const struct sz_elem *
sz_elem(const char *name)
{
	return bsearch(name, sz_elems, ARRAY_SIZE(sz_elems),
	    sizeof(sz_elems[0]), sz_elem_cmp);
}

static int
sz_dropped(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sz_drop); i++)
		if (strcmp(sz_drop[i], name) == 0)
			return 1;
	return 0;
}

/* Whether word (n bytes) is one of the space-separated words of list. */
static int
sz_word_in(const char *list, const char *word, size_t n)
{
	size_t k;

	while (*list != '\0') {
		k = strcspn(list, " ");
		if (k == n && memcmp(list, word, n) == 0)
			return 1;
		list += k;
		list += strspn(list, " ");
	}
	return 0;
}

/*
 * The length of the well-formed character reference at s[0] == '&'
 * ("&name;", "&#123;", "&#x1F;"), or 0.  Such a reference is copied as
 * written: it cannot form markup or end an attribute, and the browser
 * resolves it.
 */
static size_t
sz_ref(const char *s, size_t n)
{
	size_t i = 1, j;
	int hex = 0;

	if (i < n && s[i] == '#') {
		i++;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (j = i; i < n && i - j < 8 && (hex ? hex_digit(s[i]) >= 0 :
		    s[i] >= '0' && s[i] <= '9'); i++)
			;
		return i > j && i < n && s[i] == ';' ? i + 1 : 0;
	}
	for (j = i; i < n && i - j < 32 && sz_alnum(s[i]); i++)
		;
	return i > j && i < n && s[i] == ';' &&
	    !(s[j] >= '0' && s[j] <= '9') ? i + 1 : 0;
}

/*
 * Appends text, or with attr set an attribute value for double quotes:
 * '<' and '>' (and '"') escaped, a '&' that starts no well-formed
 * reference escaped, NUL made U+FFFD, everything else as it is.
 */
static void
sz_text(struct buf *b, const char *s, size_t n, int attr)
{
	size_t i = 0, k, start = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		/* Letters and all but ASCII are none of the five: pass over. */
		if ((unsigned char)s[i] > '>')
			continue;

		switch (s[i]) {
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = attr ? "&quot;" : NULL;
			break;
		case '\0':
			rep = SZ_FFFD;
			break;
		case '&':
			k = sz_ref(s + i, n - i);
			rep = k > 0 ? NULL : "&amp;";
			if (k > 0) {
				i += k - 1;
				continue;
			}
			break;
		default:
			rep = NULL;
			break;
		}
		if (rep == NULL)
			continue;
		buf_append(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

/* Whether every byte of s[0..n) is a letter, a digit or one of extra. */
static int
sz_chars(const char *s, size_t n, const char *extra)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!sz_alnum(s[i]) && (s[i] == '\0' ||
		    strchr(extra, s[i]) == NULL))
			return 0;
	return 1;
}

/* Appends the class words of s[0..n) that are well formed, one space apart. */
static void
sz_class(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, w, words = 0;

	while (i < n && words < 16) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f'))
			i++;
		for (w = i; i < n && s[i] != ' ' && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r' && s[i] != '\f'; i++)
			;
		if (i > w && i - w <= 64 && sz_chars(s + w, i - w, "-_+#.")) {
			if (words++ > 0)
				buf_putc(b, ' ');
			buf_append(b, s + w, i - w);
		}
	}
}

/* White space as HTML knows it. */
static int
sz_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * Appends a srcset's candidates whose URLs are allowed and whose
 * descriptor, if any, is a plain "640w" or "1.5x" (a browser drops the
 * others too).  Returns the number written, or -1 on a buffer error.
 */
static int
sz_srcset(struct sz *z, const char *s, size_t n)
{
	size_t i = 0, u, d, de, e, k;
	int count = 0, rc;

	while (i < n) {
		while (i < n && (sz_space(s[i]) || s[i] == ','))
			i++;
		if (i >= n)
			break;
		for (u = i; i < n && !sz_space(s[i]); i++)
			;
		/* A URL that ends in commas ends its candidate there. */
		for (e = i; e > u && s[e - 1] == ','; e--)
			;
		d = de = i;
		if (e == i) {
			while (d < n && sz_space(s[d]))
				d++;
			for (i = d; i < n && s[i] != ','; i++)
				;
			for (de = i; de > d && sz_space(s[de - 1]); de--)
				;
		}
		if (de > d && (de - d > 12 || (s[de - 1] != 'w' &&
		    s[de - 1] != 'x') || strspn(s + d, "0123456789.") !=
		    de - d - 1 || de - d < 2))
			continue;
		buf_reset(&z->url);
		if ((rc = html_url(&z->url, s + u, e - u, HTML_URL_WEB |
		    HTML_URL_RELATIVE, &z->tmp)) < 0)
			return -1;
		/* A URL of nothing but white space is no candidate. */
		if (rc == 0 || z->url.len == 0)
			continue;
		if (count++ > 0)
			BUF_LIT(z->out, ", ");
		/* A comma inside a URL is encoded, so no reader splits there. */
		for (k = 0; k < z->url.len; k++)
			if (z->url.p[k] == ',')
				BUF_LIT(z->out, "%2C");
			else
				buf_putc(z->out, z->url.p[k]);
		if (de > d) {
			buf_putc(z->out, ' ');
			buf_append(z->out, s + d, de - d);
		}
	}
	return count;
}

/*
 * Appends the value of an attribute of kind k, decoded from a into
 * z->val first where the kind needs it.  Returns 1 when written, 0 when
 * the value is not allowed, -1 on a buffer error.
 */
static int
sz_value(struct sz *z, const struct sz_attr *rule, const struct html_attr *a)
{
	struct buf *b = z->out;
	const char *v;
	size_t n;

	if (rule->kind == A_TEXT) {
		if (a->val != NULL)
			sz_text(b, a->val, a->vlen, 1);
		return 1;
	}
	buf_reset(&z->val);
	if (a->val != NULL)
		html_decode(&z->val, a->val, a->vlen);
	if (buf_err(&z->val))
		return -1;
	v = z->val.p != NULL ? z->val.p : "";
	n = z->val.len;
	switch (rule->kind) {
	case A_LINK:
		return html_url(b, v, n, HTML_URL_WEB | HTML_URL_MAILTO |
		    HTML_URL_TEL | HTML_URL_RELATIVE, &z->tmp);
	case A_CITE:
	case A_MEDIA:
		return html_url(b, v, n, HTML_URL_WEB | HTML_URL_RELATIVE,
		    &z->tmp);
	case A_IMG:
		return html_url(b, v, n, HTML_URL_WEB | HTML_URL_RELATIVE |
		    HTML_URL_DATA_IMAGE, &z->tmp);
	case A_EMBED:
		if (html_url_clean(&z->tmp, v, n) != 0)
			return -1;
		if (!sanitize_embed_ok(z->tmp.p, z->tmp.len))
			return 0;
		return html_url(b, v, n, HTML_URL_WEB, &z->tmp);
	case A_SRCSET:
		return sz_srcset(z, v, n) > 0;
	case A_ID:
		if (n == 0 || n > 100 || !((v[0] >= 'a' && v[0] <= 'z') ||
		    (v[0] >= 'A' && v[0] <= 'Z')) || !sz_chars(v, n, "-_"))
			return 0;
		buf_append(b, v, n);
		return 1;
	case A_CLASS: {
		size_t mark = b->len;

		sz_class(b, v, n);
		return b->len > mark;
	}
	case A_INT:
		if (n == 0 || n > 7 || strspn(v, "0123456789") != n)
			return 0;
		buf_append(b, v, n);
		return 1;
	case A_CHOICE:
		if (!sz_word_in(rule->choices, v, n))
			return 0;
		buf_append(b, v, n);
		return 1;
	case A_LANG:
		if (n == 0 || n > 35 || !sz_chars(v, n, "-"))
			return 0;
		buf_append(b, v, n);
		return 1;
	case A_DATETIME:
		if (n == 0 || n > 64 || !sz_chars(v, n, ":+-. "))
			return 0;
		buf_append(b, v, n);
		return 1;
	case A_TYPE:
		if (n == 0 || n > 200 || !sz_chars(v, n, "/.+-;=\", "))
			return 0;
		sz_text(b, v, n, 1);
		return 1;
	case A_QUERY:
		if (n == 0 || n > 500 || !sz_chars(v, n, " ().,:%+-*/"))
			return 0;
		buf_append(b, v, n);
		return 1;
	default:
		return 0;
	}
}

static const struct sz_attr *
sz_rule(const char *elem, const struct html_attr *a)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sz_attrs); i++)
		if (html_attr_is(a, sz_attrs[i].name) &&
		    (sz_attrs[i].elem[0] == '*' ||
		    strcmp(sz_attrs[i].elem, elem) == 0))
			return &sz_attrs[i];
	return NULL;
}

/*
 * Appends the allowed attributes of t, each once (the first, as in a
 * browser).  *src gets 1 when a src was kept, 2 when a srcset was.  Returns -1 on a
 * buffer error.
 */
static int
sz_attrs_of(struct sz *z, const struct html_tok *t, int *src)
{
	const struct sz_attr *seen[HTML_ATTRS_MAX], *rule;
	size_t i, k, nseen = 0, mark;
	int rc;

	*src = 0;
	for (i = 0; i < t->nattr; i++) {
		if ((rule = sz_rule(t->name, &t->attr[i])) == NULL)
			continue;
		for (k = 0; k < nseen && seen[k] != rule; k++)
			;
		if (k < nseen)
			continue;
		seen[nseen++] = rule;
		mark = z->out->len;
		buf_putc(z->out, ' ');
		buf_puts(z->out, rule->name);
		if (rule->kind == A_BOOL)
			continue;
		BUF_LIT(z->out, "=\"");
		if ((rc = sz_value(z, rule, &t->attr[i])) < 0)
			return -1;
		if (rc == 0) {
			z->out->len = mark;
			if (z->out->p != NULL)
				z->out->p[mark] = '\0';
			continue;
		}
		buf_putc(z->out, '"');
		if (strcmp(rule->name, "src") == 0)
			*src |= 1;
		else if (strcmp(rule->name, "srcset") == 0)
			*src |= 2;
	}
	return buf_err(z->out) ? -1 : 0;
}

/* Writes the end tags of the open elements from stack[k] up and pops them. */
static void
sz_close_to(struct sz *z, size_t k)
{
	while (z->depth > k) {
		z->depth--;
		BUF_LIT(z->out, "</");
		buf_puts(z->out, sz_elems[z->stack[z->depth]].name);
		buf_putc(z->out, '>');
	}
}

/*
 * The stack index of the topmost open element named one of names
 * (space-separated), searching down to an element with a flag of stop;
 * or -1.
 */
static long
sz_find(const struct sz *z, const char *names, unsigned stop)
{
	size_t k = z->depth;
	const struct sz_elem *e;

	while (k > 0) {
		e = &sz_elems[z->stack[--k]];
		if (sz_word_in(names, e->name, strlen(e->name)))
			return (long)k;
		if (e->flags & stop)
			return -1;
	}
	return -1;
}

/*
 * Table parts stand only directly in their parents: what is open above
 * the nearest one is closed, and without one in the same table the tag
 * is unwrapped.  Keeping them exactly there keeps the output a fixed
 * point (a part never closes, when read again, what it did not close the
 * first time).
 */
static const struct {
	const char	*elem;
	const char	*parents;
} sz_parents[] = {
	{ "caption", "table" }, { "colgroup", "table" }, { "thead", "table" },
	{ "tbody", "table" }, { "tfoot", "table" },
	{ "tr", "table thead tbody tfoot" }, { "td", "tr" }, { "th", "tr" },
	{ "col", "colgroup table" },
};

/*
 * Closes what the start of e implies is over (see the file's comment).
 * Returns -1 when e cannot stand here and is to be unwrapped.
 */
static int
sz_implied(struct sz *z, const struct sz_elem *e)
{
	char names[64];
	size_t i;
	long k;

	if ((e->flags & SZ_BLOCK) && (k = sz_find(z, "p", SZ_SCOPE)) >= 0)
		sz_close_to(z, (size_t)k);
	for (i = 0; (e->flags & SZ_PART) && i < ARRAY_SIZE(sz_parents); i++) {
		if (strcmp(sz_parents[i].elem, e->name) != 0)
			continue;
		snprintf(names, sizeof(names), "%s table",
		    sz_parents[i].parents);
		k = sz_find(z, names, 0);
		if (k < 0 || !sz_word_in(sz_parents[i].parents,
		    sz_elems[z->stack[k]].name,
		    strlen(sz_elems[z->stack[k]].name)))
			return -1;
		sz_close_to(z, (size_t)k + 1);
		return 0;
	}
	if (strcmp(e->name, "li") == 0)
		k = sz_find(z, "li", SZ_SPECIAL);
	else if (strcmp(e->name, "dt") == 0 || strcmp(e->name, "dd") == 0)
		k = sz_find(z, "dt dd", SZ_SPECIAL);
	else if (strcmp(e->name, "a") == 0)
		k = sz_find(z, "a", 0);
	else if ((e->flags & SZ_HEADING) && z->depth > 0 &&
	    (sz_elems[z->stack[z->depth - 1]].flags & SZ_HEADING))
		k = (long)z->depth - 1;
	else
		k = -1;
	if (k >= 0)
		sz_close_to(z, (size_t)k);
	return 0;
}

static int
sz_start(struct sz *z, const struct html_tok *t)
{
	const struct sz_elem *e = sz_elem(t->name);
	size_t mark;
	int src;

	if (e == NULL) {
		if (sz_dropped(t->name) && !(t->self_closing &&
		    (strcmp(t->name, "svg") == 0 ||
		    strcmp(t->name, "math") == 0))) {
			memcpy(z->skip, t->name, sizeof(z->skip));
			z->skip_depth = 1;
		}
		return 0;
	}
	if (z->depth == SZ_DEPTH_MAX || sz_implied(z, e) != 0)
		return 0;
	mark = z->out->len;
	buf_putc(z->out, '<');
	buf_puts(z->out, e->name);
	if (strcmp(e->name, "input") == 0) {
		/* Only the checkbox of a Markdown task list, and never live. */
		size_t i;
		int box = 0;

		for (i = 0; i < t->nattr && !box; i++)
			if (html_attr_is(&t->attr[i], "type"))
				box = t->attr[i].vlen == 8 && strncasecmp(
				    t->attr[i].val, "checkbox", 8) == 0;
		if (!box)
			goto drop;
		BUF_LIT(z->out, " type=\"checkbox\" disabled");
	}
	if (sz_attrs_of(z, t, &src) != 0)
		return -1;
	/* An image or an embed without a source is nothing to show. */
	if ((!(src & 1) && (strcmp(e->name, "img") == 0 ||
	    strcmp(e->name, "iframe") == 0)) || (src == 0 &&
	    strcmp(e->name, "source") == 0))
		goto drop;
	/* A player always shows its controls; nothing plays by itself. */
	if (strcmp(e->name, "video") == 0 || strcmp(e->name, "audio") == 0)
		BUF_LIT(z->out, " controls");
	if (strcmp(e->name, "iframe") == 0)
		BUF_LIT(z->out, SZ_EMBED_ATTRS "></iframe");
	buf_putc(z->out, '>');
	if (!(e->flags & SZ_VOID))
		z->stack[z->depth++] = (size_t)(e - sz_elems);
	return buf_err(z->out) ? -1 : 0;
drop:
	z->out->len = mark;
	if (z->out->p != NULL)
		z->out->p[mark] = '\0';
	return 0;
}

static void
sz_end(struct sz *z, const struct html_tok *t)
{
	const struct sz_elem *e = sz_elem(t->name);
	unsigned stop;
	long k;

	if (e == NULL || (e->flags & SZ_VOID))
		return;
	/* Inside a table only its own parts end; a table ends whatever is open in it. */
	if (e->flags & SZ_TABLE)
		stop = 0;
	else if ((e->flags & SZ_SCOPE) || sz_word_in("tr thead tbody tfoot",
	    e->name, strlen(e->name)))
		stop = SZ_TABLE;
	else
		stop = SZ_SCOPE;
	if ((k = sz_find(z, e->name, stop)) >= 0)
		sz_close_to(z, (size_t)k);
}

int
sanitize_html(const char *h, size_t n, struct buf *out)
{
	struct html_lexer lx;
	struct html_tok t;
	struct sz z;
	int rc = 0;

	if (buf_err(out))
		return -1;
	memset(&z, 0, sizeof(z));
	z.out = out;
	/* Scratch buffers hold parts of the input, which may pass out's cap. */
	buf_init(&z.val, 0);
	buf_init(&z.tmp, 0);
	buf_init(&z.url, 0);
	html_lexer_init(&lx, h, n);
	/*
	 * The output is about as long as the input: grow it once, when that
	 * stays within its cap (passing it is for the appends to report).
	 */
	if (n + n / 16 + 64 < (out->max ? out->max : BUF_DEFAULT_MAX) -
	    out->len) {
		buf_reserve(out, n + n / 16 + 64);
		if (out->p != NULL)
			out->p[out->len] = '\0';
	}
	while (rc == 0 && html_next(&lx, &t)) {
		if (z.skip_depth > 0) {
			if (t.kind == HTML_START && strcmp(t.name, z.skip) == 0 &&
			    !t.self_closing)
				z.skip_depth++;
			else if (t.kind == HTML_END &&
			    strcmp(t.name, z.skip) == 0)
				z.skip_depth--;
			continue;
		}
		switch (t.kind) {
		case HTML_TEXT:
			sz_text(out, t.p, t.len, 0);
			break;
		case HTML_START:
			rc = sz_start(&z, &t);
			break;
		case HTML_END:
			sz_end(&z, &t);
			break;
		default:
			/* Raw text, comments and cut tags all go. */
			break;
		}
		if (buf_err(out))
			rc = -1;
	}
	sz_close_to(&z, 0);
	/* Whatever ran out of room, the caller learns it from out. */
	if (rc != 0 && !buf_err(out))
		out->err = BUF_TOO_LARGE;
	buf_free(&z.val);
	buf_free(&z.tmp);
	buf_free(&z.url);
	return rc != 0 || buf_err(out) ? -1 : 0;
}

int
sanitize_embed_ok(const char *u, size_t n)
{
	const char *hosts = config.embed_hosts != NULL ? config.embed_hosts :
	    "", *host;
	size_t hlen, k;

	if (n < 8 || strncasecmp(u, "https://", 8) != 0)
		return 0;
	host = u + 8;
	hlen = 0;
	while (8 + hlen < n && strchr("/?#\\", host[hlen]) == NULL)
		hlen++;
	/* A user name, a password or a port is never one of the hosts. */
	if (hlen == 0 || memchr(host, '@', hlen) != NULL ||
	    memchr(host, ':', hlen) != NULL)
		return 0;
	while (*hosts != '\0') {
		k = strcspn(hosts, " ");
		if (k == hlen && strncasecmp(hosts, host, hlen) == 0)
			return 1;
		hosts += k;
		hosts += strspn(hosts, " ");
	}
	return 0;
}

void
sanitize_frame_src(struct buf *out)
{
	const char *hosts = config.embed_hosts != NULL ? config.embed_hosts :
	    "";
	size_t k;
	int first = 1;

	hosts += strspn(hosts, " ");
	if (*hosts == '\0') {
		BUF_LIT(out, "'none'");
		return;
	}
	while (*hosts != '\0') {
		k = strcspn(hosts, " ");
		if (!first)
			buf_putc(out, ' ');
		BUF_LIT(out, "https://");
		buf_append(out, hosts, k);
		first = 0;
		hosts += k;
		hosts += strspn(hosts, " ");
	}
}
