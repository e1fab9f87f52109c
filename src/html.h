/*
 * html.h — reading HTML the way a browser's tokenizer does, for the two
 * passes over stored HTML: the allow-list (sanitize.c) and the feeds'
 * absolute URLs (feed_html.c); and the character references and URL
 * checks that the Markdown renderer shares with them.
 *
 * The lexer follows the states of the WHATWG tokenizer that decide where
 * a tag, a comment or a run of text begins and ends: tag names and
 * attribute names end at white space, '/' or '>'; quoted values may hold
 * '>'; "<!--" comments end at "-->" or "--!>" ("<!-->" is one whole);
 * "<!DOCTYPE", "<![CDATA[" and "<?" are bogus comments that end at the
 * first '>'; the content of script, style, textarea, title, xmp, iframe,
 * noembed, noframes, noscript and plaintext is raw text that only its own
 * end tag ends; a tag that the input ends inside of is lost.  It does
 * not build a tree: that is the caller's business.
 *
 * Tokens point into the input, which must outlive them.  Nothing is
 * allocated.
 */
#ifndef MASTHEAD_HTML_H
#define MASTHEAD_HTML_H

#include <stddef.h>
#include <stdint.h>

struct buf;

enum html_kind {
	HTML_TEXT,	/* character data, references not decoded */
	HTML_RAWTEXT,	/* the content of a raw-text element (script ...) */
	HTML_START,	/* a start tag */
	HTML_END,	/* an end tag (its attributes are parsed, then ignored) */
	HTML_COMMENT,	/* a comment, doctype, "<?...>" or CDATA section */
	HTML_CUT,	/* a tag or comment the input ends inside of */
	HTML__MAX
};

/* Attributes of one tag that are kept; the rest are counted only. */
#define HTML_ATTRS_MAX	32
/* Tag names longer than this are no element anyone allows. */
#define HTML_NAME_MAX	15

struct html_attr {
	const char	*name;		/* as written (compare without case) */
	size_t		 nlen;
	const char	*val;		/* as written, quotes left out; NULL: none */
	size_t		 vlen;
	const char	*span;		/* the value with its quotes, or NULL */
	size_t		 spanlen;
};

struct html_tok {
	enum html_kind	 kind;
	const char	*p;		/* the token's bytes in the input */
	size_t		 len;
	/* Start and end tags: the name, ASCII lowercased ("" when too long). */
	char		 name[HTML_NAME_MAX + 1];
	struct html_attr attr[HTML_ATTRS_MAX];
	size_t		 nattr;
	size_t		 nmore;		/* attributes past HTML_ATTRS_MAX */
	int		 self_closing;	/* the tag ended in "/>" */
};

struct html_lexer {
	const char	*h;
	size_t		 n, i;
	char		 raw[HTML_NAME_MAX + 1];	/* raw text comes next */
};

void	html_lexer_init(struct html_lexer *, const char *h, size_t n);
/* Reads the next token into tok.  Returns 1, or 0 at the end of input. */
int	html_next(struct html_lexer *, struct html_tok *tok);
/* Whether the attribute's name is name (lowercase), ignoring case. */
int	html_attr_is(const struct html_attr *, const char *name);

/*
 * Character references.  html_entity() decodes one as Markdown delimits
 * it ("&name;", "&#123;", "&#x1F;"): 0 with *cp set, or -1 when the name
 * is not one of the common ones this file knows (which include those
 * that matter in URLs: colon, Tab, NewLine) or the text is no reference.
 * Numbers past Unicode become 0x110000.
 */
int	html_entity(const char *s, size_t n, uint32_t *cp);
/* Appends cp as UTF-8; NUL, surrogates and non-characters past Unicode
 * become U+FFFD. */
void	html_utf8(struct buf *, uint32_t cp);
/*
 * Decodes an attribute value as a browser does, as far as this file
 * knows the names: numeric references with or without ';', named ones
 * with ';'.  What it does not decode it keeps as written, so the result
 * is never more than the browser would see.
 */
void	html_decode(struct buf *out, const char *s, size_t n);

/* The URLs a context accepts (or-ed together). */
enum {
	HTML_URL_WEB = 1 << 0,		/* http:, https: */
	HTML_URL_MAILTO = 1 << 1,	/* mailto: */
	HTML_URL_TEL = 1 << 2,		/* tel: */
	HTML_URL_RELATIVE = 1 << 3,	/* no scheme: a path, "?q", "#id", "//host" */
	HTML_URL_DATA_IMAGE = 1 << 4	/* data:image/png, jpeg, gif or webp */
};

/*
 * Appends the decoded URL u[0..n) to dst, ready to stand between double
 * quotes in an attribute, if its scheme is among allow: it is cleaned the
 * way a browser cleans one (leading and trailing controls and spaces cut,
 * tabs and newlines removed anywhere) before its scheme is read, and
 * bytes that do not belong in a URL are percent-encoded.  Returns 1 when
 * appended, 0 when not allowed, -1 on a buffer error.  scratch is the
 * caller's, for the cleaned copy.
 */
int	html_url(struct buf *dst, const char *u, size_t n, unsigned allow,
	    struct buf *scratch);
/*
 * Cleans u[0..n) as html_url() does into out (reset first), without
 * checking or encoding.  Returns -1 on a buffer error.
 */
int	html_url_clean(struct buf *out, const char *u, size_t n);

#endif
