/*
 * search.c — the reader's search text parsed into terms and written in
 * the engine's query syntax; the plain text of an article body; result
 * snippets made HTML.
 *
 * The grammar is the one readers know from web search engines:
 *
 *	5g spectrum		both words (the default)
 *	"open ran"		the words next to each other
 *	auction*		words starting with auction
 *	-satellite		not containing satellite
 *	cable OR fibre		either word (OR in capitals, between two terms)
 *
 * Everything else is a separator, including parentheses and the engines'
 * own operators (NEAR, ^, :, +), so none of them reaches the engine
 * unquoted.  A word with inner punctuation ("at&t", "wi-fi") is a phrase
 * of its parts, as the engines' tokenizers would split it.
 */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "escape.h"
#include "search.h"

#define MAX_WORDS	32

struct word {
	const char	*p;
	size_t		 n;
};

struct term {
	int	first, nwords;	/* into the words array */
	int	prefix;		/* the last word is a prefix */
	int	neg;		/* excluded */
	int	or_next;	/* joined to the next term by OR */
};

struct parse {
	struct word	words[MAX_WORDS];
	struct term	terms[SEARCH_MAX_TERMS];
	int		nwords, nterms;
};

/* Word characters: ASCII letters and digits, and every non-ASCII byte. */
static int
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v' || c == '(' || c == ')' || c < 0x20;
}

/*
 * Adds the words of s[0..n) as one term (a phrase when several).
 * Returns 0, or 1 when the term has no word or no room is left.
 */
static int
add_term(struct parse *ps, const char *s, size_t n, int prefix, int neg)
{
	struct term *t;
	size_t i = 0, j;
	int first = ps->nwords;

	if (ps->nterms == SEARCH_MAX_TERMS)
		return 1;
	while (i < n) {
		while (i < n && !is_word((unsigned char)s[i]))
			i++;
		for (j = i; j < n && is_word((unsigned char)s[j]); j++)
			;
		if (j > i && j - i <= SEARCH_MAX_WORD &&
		    ps->nwords < MAX_WORDS) {
			ps->words[ps->nwords].p = s + i;
			ps->words[ps->nwords].n = j - i;
			ps->nwords++;
		}
		i = j;
	}
	if (ps->nwords == first)
		return 1;
	t = &ps->terms[ps->nterms++];
	t->first = first;
	t->nwords = ps->nwords - first;
	t->prefix = prefix;
	t->neg = neg;
	t->or_next = 0;
	return 0;
}

/* Every word of q, each a term of its own: the fallback. */
static void
parse_plain(struct parse *ps, const char *q, size_t len)
{
	size_t i = 0, j;

	ps->nwords = ps->nterms = 0;
	while (i < len && ps->nterms < SEARCH_MAX_TERMS) {
		while (i < len && !is_word((unsigned char)q[i]))
			i++;
		for (j = i; j < len && is_word((unsigned char)q[j]); j++)
			;
		if (j > i)
			add_term(ps, q + i, j - i, 0, 0);
		i = j;
	}
}

/* The structured parse; -1 when q's structure makes no sense. */
static int
parse_query(struct parse *ps, const char *q, size_t len)
{
	size_t i = 0, j, end;
	int pending_or = 0, positive = 0, k, prefix, neg;

	ps->nwords = ps->nterms = 0;
	while (i < len && ps->nterms < SEARCH_MAX_TERMS) {
		while (i < len && is_space((unsigned char)q[i]))
			i++;
		if (i == len)
			break;
		prefix = neg = 0;
		if (q[i] == '-' && i + 1 < len && q[i + 1] == '"') {
			neg = 1;
			i++;
		}
		if (q[i] == '"') {
			const char *close = memchr(q + i + 1, '"', len - i - 1);

			if (close == NULL)
				return -1;
			j = (size_t)(close - q) + 1;
			if (j < len && q[j] == '*') {
				prefix = 1;
				j++;
			}
			k = ps->nterms;
			if (add_term(ps, q + i + 1, (size_t)(close - q) - i - 1,
			    prefix, neg) == 0 && pending_or) {
				ps->terms[k - 1].or_next = 1;
				pending_or = 0;
			}
			i = j;
			continue;
		}
		for (j = i; j < len && !is_space((unsigned char)q[j]) &&
		    q[j] != '"'; j++)
			;
		if (j - i == 2 && q[i] == 'O' && q[i + 1] == 'R') {
			if (pending_or || ps->nterms == 0)
				return -1;
			pending_or = 1;
			i = j;
			continue;
		}
		end = j;
		if (q[i] == '-') {
			neg = 1;
			i++;
		}
		while (end > i && q[end - 1] == '*') {
			prefix = 1;
			end--;
		}
		k = ps->nterms;
		if (add_term(ps, q + i, end - i, prefix, neg) == 0 &&
		    pending_or) {
			ps->terms[k - 1].or_next = 1;
			pending_or = 0;
		}
		i = j;
	}
	if (pending_or)
		return -1;
	for (k = 0; k < ps->nterms; k++) {
		/* An excluded word cannot be one side of an OR. */
		if (ps->terms[k].neg && (ps->terms[k].or_next ||
		    (k > 0 && ps->terms[k - 1].or_next)))
			return -1;
		positive |= !ps->terms[k].neg;
	}
	return positive ? 0 : -1;
}

/*
 * The syntax of each engine.  Words are written between quote marks
 * that no word can contain (words hold no ASCII punctuation).
 */
struct syntax {
	int		 phrase_quoted;	/* a phrase is one quoted string */
	const char	*quote;		/* around a word */
	const char	*phrase_open, *phrase_join, *phrase_close;
	const char	*prefix;	/* after a prefix word */
	const char	*and, *or, *not_before, *not_between;
};

static const struct syntax syntaxes[SEARCH__MAX] = {
	/* SQLite FTS5: "a" AND ("b" OR "c") NOT "d"; "open ran"; "auc"* */
	[SEARCH_FTS5] = { 1, "\"", "\"", " ", "\"", "*", " AND ", " OR ", "",
	    " NOT " },
	/* PostgreSQL to_tsquery: 'a' & ('b' | 'c') & !'d'; 'open' <-> 'ran'; 'auc':* */
	[SEARCH_TSQUERY] = { 0, "'", "(", " <-> ", ")", ":*", " & ", " | ", "!",
	    " & " },
};

static void
put_term(const struct syntax *sx, const struct parse *ps,
    const struct term *t, struct buf *out, search_expand_fn *expand,
    void *arg)
{
	int w;

	if (t->prefix && t->nwords == 1 && expand != NULL &&
	    expand(arg, ps->words[t->first].p, ps->words[t->first].n, out))
		return;

	if (t->nwords == 1 || !sx->phrase_quoted) {
		/* Each word quoted on its own (PostgreSQL, or one word). */
		if (t->nwords > 1)
			buf_puts(out, sx->phrase_open);
		for (w = 0; w < t->nwords; w++) {
			if (w > 0)
				buf_puts(out, sx->phrase_join);
			buf_puts(out, sx->quote);
			buf_append(out, ps->words[t->first + w].p,
			    ps->words[t->first + w].n);
			buf_puts(out, sx->quote);
			if (t->prefix && w == t->nwords - 1)
				buf_puts(out, sx->prefix);
		}
		if (t->nwords > 1)
			buf_puts(out, sx->phrase_close);
		return;
	}
	/* FTS5: the whole phrase inside one pair of quotes. */
	buf_puts(out, sx->phrase_open);
	for (w = 0; w < t->nwords; w++) {
		if (w > 0)
			buf_puts(out, sx->phrase_join);
		buf_append(out, ps->words[t->first + w].p,
		    ps->words[t->first + w].n);
	}
	buf_puts(out, sx->phrase_close);
	if (t->prefix)
		buf_puts(out, sx->prefix);
}

int
search_terms(const char *q)
{
	struct parse ps;
	size_t len = q != NULL ? strlen(q) : 0;

	if (parse_query(&ps, q, len) != 0)
		parse_plain(&ps, q, len);
	return ps.nterms;
}

int
search_query(enum search_syntax syntax, const char *q, struct buf *out)
{
	return search_query_with(syntax, q, out, NULL, NULL);
}

int
search_query_with(enum search_syntax syntax, const char *q, struct buf *out,
    search_expand_fn *expand, void *arg)
{
	const struct syntax *sx = &syntaxes[syntax];
	struct parse ps;
	size_t len = q != NULL ? strlen(q) : 0;
	int k, n = 0, in_or = 0;

	if (parse_query(&ps, q, len) != 0)
		parse_plain(&ps, q, len);
	if (ps.nterms == 0)
		return 0;
	/* The wanted terms first, OR groups in parentheses... */
	for (k = 0; k < ps.nterms; k++) {
		const struct term *t = &ps.terms[k];

		if (t->neg)
			continue;
		if (n > 0 && !in_or)
			buf_puts(out, sx->and);
		if (t->or_next && !in_or) {
			buf_putc(out, '(');
			in_or = 1;
		}
		put_term(sx, &ps, t, out, expand, arg);
		if (t->or_next) {
			buf_puts(out, sx->or);
		} else if (in_or) {
			buf_putc(out, ')');
			in_or = 0;
		}
		n++;
	}
	/* ...then the excluded ones. */
	for (k = 0; k < ps.nterms; k++) {
		if (!ps.terms[k].neg)
			continue;
		buf_puts(out, sx->not_between);
		buf_puts(out, sx->not_before);
		put_term(sx, &ps, &ps.terms[k], out, expand, arg);
		n++;
	}
	return n;
}

/* Elements after which text does not run on: they become a space. */
static int
is_block(const char *name, size_t n)
{
	static const char *const blocks[] = {
		"p", "br", "li", "ul", "ol", "div", "blockquote", "pre",
		"h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table",
		"figure", "figcaption", "hr", "aside", "section", "dt", "dd",
	};
	size_t i;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strlen(blocks[i]) == n && strncasecmp(blocks[i], name,
		    n) == 0)
			return 1;
	return 0;
}

static void
put_utf8(struct buf *out, unsigned long c)
{
	char b[4];

	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ||
	    c < 0x20 || (c >= 0x7F && c < 0xA0)) {
		buf_putc(out, ' ');
	} else if (c < 0x80) {
		buf_putc(out, (char)c);
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		buf_append(out, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		buf_append(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (char)(0x80 | (c & 0x3F));
		buf_append(out, b, 4);
	}
}

static int
digit(char c, int hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the character reference at s (after '&'); bytes used, 0 if none. */
static size_t
entity(const char *s, size_t n, struct buf *out)
{
	static const struct { const char *name; unsigned long c; } named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }, { "nbsp;", ' ' },
		{ "#39;", '\'' },
	};
	unsigned long c = 0;
	size_t i, k;
	int hex;

	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		size_t l = strlen(named[k].name);

		if (l <= n && memcmp(s, named[k].name, l) == 0) {
			put_utf8(out, named[k].c);
			return l;
		}
	}
	if (n < 3 || s[0] != '#')
		return 0;
	hex = s[1] == 'x' || s[1] == 'X';
	for (i = hex ? 2 : 1; i < n && i < 10 && s[i] != ';'; i++) {
		int d = digit(s[i], hex);

		if (d < 0)
			return 0;
		c = c * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i >= n || s[i] != ';' || i == (hex ? 2u : 1u))
		return 0;
	put_utf8(out, c);
	return i + 1;
}


void
search_text_from_html(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, start = out->len;
	int space = 1;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '<') {
			const char *gt = memchr(s + i, '>', n - i);
			size_t j = i + 1, k;

			if (gt == NULL)
				break;
			if (j < n && s[j] == '/')
				j++;
			for (k = j; k < n && ((s[k] >= 'a' && s[k] <= 'z') ||
			    (s[k] >= 'A' && s[k] <= 'Z') ||
			    (s[k] >= '0' && s[k] <= '9')); k++)
				;
			if (is_block(s + j, k - j) && !space) {
				buf_putc(out, ' ');
				space = 1;
			}
			i = (size_t)(gt - s) + 1;
			continue;
		}
		if (c == '&') {
			size_t before = out->len, used = entity(s + i + 1,
			    n - i - 1, out);

			if (used > 0) {
				i += used + 1;
				/* A decoded space joins the run of spaces. */
				if (out->len == before + 1 &&
				    out->p[before] == ' ') {
					if (space)
						out->len = before;
					space = 1;
				} else {
					space = 0;
				}
				continue;
			}
		}
		if (c <= ' ' || c == 0x7F) {
			if (!space)
				buf_putc(out, ' ');
			space = 1;
		} else {
			buf_putc(out, (char)c);
			space = 0;
		}
		i++;
	}
	/* No trailing space. */
	if (out->len > start && out->p[out->len - 1] == ' ')
		out->len--;
	if (out->p != NULL && out->len < out->cap)
		out->p[out->len] = '\0';
}

void
search_text_plain(const char *s, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_putc(out, (unsigned char)s[i] < ' ' || s[i] == 0x7F ?
		    ' ' : s[i]);
}

void
search_highlight_html(const char *s, size_t len, struct buf *out)
{
	size_t i, run = 0;
	int open = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != SEARCH_MARK_OPEN[0] &&
		    s[i] != SEARCH_MARK_CLOSE[0])
			continue;
		esc_html(out, s + run, i - run);
		run = i + 1;
		if (i == len)
			break;
		if (s[i] == SEARCH_MARK_OPEN[0] && !open) {
			BUF_LIT(out, "<mark>");
			open = 1;
		} else if (s[i] == SEARCH_MARK_CLOSE[0] && open) {
			BUF_LIT(out, "</mark>");
			open = 0;
		}
	}
	if (open)
		BUF_LIT(out, "</mark>");
}
