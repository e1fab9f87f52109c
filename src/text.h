/*
 * text.h — the one check of text that comes from outside.
 *
 * Every text input passes text_check() where it is read: form fields
 * (url.c's form parser, multipart.c), JSON bodies (api.c), CSV files
 * (csv.c), article fields (edit.c).  What passes is text that every
 * document masthead writes can carry as it is: HTML pages, XML feeds,
 * JSON, mail headers and CSV.
 *
 * Text passes when it is well-formed UTF-8 (no stray or truncated
 * sequences, no overlong forms, no surrogates, nothing above U+10FFFF)
 * and holds none of:
 *   - the C0 control characters U+0000-U+001F other than tab, LF and CR
 *     (XML 1.0 cannot carry them at all: one makes a feed not
 *     well-formed);
 *   - DEL (U+007F) and the C1 controls U+0080-U+009F: XML 1.0 allows
 *     them only as "discouraged", HTML calls each a parse error, and no
 *     keyboard types them: they come from mangled encodings, never from
 *     a writer who meant them;
 *   - the noncharacters U+FDD0-U+FDEF and U+xFFFE/U+xFFFF of every plane
 *     (XML forbids U+FFFE and U+FFFF, HTML calls all of them errors);
 *   - with TEXT_LINE, a line break (LF or CR): one-line values end up in
 *     mail headers, titles and CSV cells, where a break would start a new
 *     header or row.
 */
#ifndef MASTHEAD_TEXT_H
#define MASTHEAD_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum text_rule {
	TEXT_LINE,	/* a single line: tab allowed, LF and CR not */
	TEXT_LINES,	/* several lines: tab, LF and CR allowed */
	TEXT_RULE__MAX
};

enum text_fault {
	TEXT_OK,
	TEXT_BAD_UTF8,	/* bytes that are not UTF-8; cp holds the first */
	TEXT_CONTROL,	/* a control character */
	TEXT_NONCHAR,	/* a noncharacter */
	TEXT_NEWLINE,	/* LF or CR where the rule is TEXT_LINE */
	TEXT_SURROGATE,	/* an escape of half a surrogate pair (JSON's \uD800) */
	TEXT_FAULT__MAX
};

/* Where and what the first fault of a text is. */
struct text_error {
	enum text_fault	 fault;
	uint32_t	 cp;	/* the character, or the bad byte */
	size_t		 byte;	/* its offset, 0-based */
	size_t		 chr;	/* its place in characters, 1-based */
	size_t		 line;	/* its line, 1-based (LF, CR or CRLF end one) */
	size_t		 col;	/* its column in characters, 1-based */
};

/*
 * Checks s[0..n) under rule: 0, or -1 with the first fault in *err
 * (which may be NULL).
 */
int		 text_check(const char *s, size_t n, enum text_rule rule,
		    struct text_error *err);
/* Only the UTF-8 part of text_check: 1 when s[0..n) is well-formed. */
int		 text_utf8_valid(const char *s, size_t n);
/*
 * Decodes the UTF-8 character at s (n > 0 bytes left) into *cp: its
 * length in bytes, or 0 when the bytes there are not UTF-8.
 */
size_t		 text_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);
/* What rule says of the character cp: TEXT_OK or the fault. */
enum text_fault	 text_char(uint32_t cp, enum text_rule rule);
/*
 * The rule of an input named name (a form field, a JSON member, a CSV
 * column): TEXT_LINES for the few that hold paragraphs (bodies, bios,
 * summaries, ...), TEXT_LINE for all others.  One table for every kind
 * of input, so that a field is multi-line in a form exactly when it is
 * in the API.
 */
enum text_rule	 text_rule_of(const char *name);
/*
 * Writes what err found, as words without a capital or full stop ("a
 * control character (U+0001)"), into out.
 */
void		 text_fault_words(const struct text_error *err, char *out,
		    size_t outsz);
/*
 * Writes a sentence for people into out: subject (such as "the field
 * \"name\"") with its first letter raised, what it holds and where, as in
 * "The field "name" holds a control character (U+0001) at character 4."
 */
void		 text_explain(const struct text_error *err, const char *subject,
		    char *out, size_t outsz);

#endif
