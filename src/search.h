/*
 * search.h — what a reader types into the search box, made safe for the
 * database's full-text engine, and the plain text an article is indexed by.
 *
 * A query is parsed by masthead, never by the engine: the reader's text
 * becomes a small list of terms (words, "quoted phrases", word* prefixes,
 * -excluded words, a OR b), each written out in the engine's own syntax
 * with every word quoted.  So no input can be a syntax error in SQLite's
 * FTS5 or PostgreSQL's tsquery; text whose structure makes no sense
 * (an unbalanced quote, a lone OR, only excluded words) is searched as
 * its plain words.
 */
#ifndef MASTHEAD_SEARCH_H
#define MASTHEAD_SEARCH_H

#include <stddef.h>

struct buf;

/* The engines' query syntaxes; the store picks its engine's. */
enum search_syntax {
	SEARCH_FTS5,		/* SQLite FTS5 MATCH */
	SEARCH_TSQUERY,		/* PostgreSQL to_tsquery */
	SEARCH__MAX
};

#define SEARCH_MAX_TERMS	16	/* terms beyond these are ignored */
#define SEARCH_MAX_WORD		64	/* bytes; longer words are ignored */

/*
 * Writes the engine's query for the reader's text q into out (owned by
 * the caller).  Returns the number of terms written: 0 when q holds no
 * word to search for (out is then empty).
 */
int	 search_query(enum search_syntax, const char *q, struct buf *out);
/*
 * As search_query(), offering each prefix term of one word (word*) to
 * expand first, with the word as the reader typed it: expand may write
 * the term itself into out in the engine's syntax and return 1, or
 * return 0 to have it written as a prefix.
 */
typedef int search_expand_fn(void *arg, const char *word, size_t n,
    struct buf *out);
int	 search_query_with(enum search_syntax, const char *q, struct buf *out,
	    search_expand_fn *expand, void *arg);
/*
 * The number of terms search_query() writes for q, in any syntax: 0 when
 * q holds no word to search for.
 */
int	 search_terms(const char *q);

/*
 * Appends the text of an HTML fragment to out: tags dropped (block
 * elements become a space), character references decoded, control
 * characters and runs of white space made one space.
 */
void	 search_text_from_html(const char *html, size_t len, struct buf *out);

/* Appends plain text with control characters (the markers too) made spaces. */
void	 search_text_plain(const char *s, size_t n, struct buf *out);

/*
 * Appends s to out HTML-escaped, with the engine's match markers
 * (SEARCH_MARK_OPEN, SEARCH_MARK_CLOSE, which indexed text never holds)
 * turned into <mark> and </mark>.  An unclosed mark is closed at the end.
 */
#define SEARCH_MARK_OPEN	"\x01"
#define SEARCH_MARK_CLOSE	"\x02"
void	 search_highlight_html(const char *s, size_t len, struct buf *out);

#endif
