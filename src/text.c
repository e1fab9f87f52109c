/*
 * text.c — the text check of text.h.
 *
 * UTF-8 is decoded by the table of well-formed byte sequences of the
 * Unicode standard (table 3-7): the allowed range of the second byte
 * depends on the first, which rules out overlong forms, surrogates and
 * code points past U+10FFFF without decoding them first.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "util.h"

/*
 * The inputs that hold paragraphs.  Everything else is one line: a name,
 * an address, a title, a slug, a subject.  Kept sorted.
 */
static const char *const multiline[] = {
	"agenda",	/* an event's sessions, one a line */
	"banned_words",	/* comment settings, one a line */
	"bio",
	"body",		/* a comment */
	"body_md",	/* a story, page, event or white paper */
	"chapters",	/* an episode's chapters, one a line */
	"consent",	/* a consent statement */
	"dek",		/* a story's standfirst, typed in a textarea */
	"description",
	"intro",	/* a newsletter issue */
	"questions",	/* registration questions, one a line */
	"speakers",	/* an event's speakers, one a line */
	"summary",
	"transcript",	/* an episode's, in paragraphs */
};

enum text_rule
text_rule_of(const char *name)
{
	size_t lo = 0, hi = ARRAY_SIZE(multiline), mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(name, multiline[mid])) == 0)
			return TEXT_LINES;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return TEXT_LINE;
}

size_t
text_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, k;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;		/* C0, C1 (overlong ASCII), F5-FF, 80-BF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	v = v << 6 | (s[1] & 0x3f);
	for (k = 2; k < len; k++) {
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
		v = v << 6 | (s[k] & 0x3f);
	}
	*cp = v;
	return len;
}

enum text_fault
text_char(uint32_t cp, enum text_rule rule)
{
	if (cp == '\n' || cp == '\r')
		return rule == TEXT_LINES ? TEXT_OK : TEXT_NEWLINE;
	if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
		return TEXT_CONTROL;
	if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
		return TEXT_NONCHAR;
	return TEXT_OK;
}

int
text_check(const char *s, size_t n, enum text_rule rule,
    struct text_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, chr = 1, line = 1, col = 1;
	enum text_fault f;
	uint32_t cp;

	while (i < n) {
		/* Plain ASCII letters are most of every text: skip them fast. */
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			chr++;
			col++;
			continue;
		}
		if ((len = text_utf8_next(p + i, n - i, &cp)) == 0) {
			f = TEXT_BAD_UTF8;
			cp = p[i];
		} else {
			f = text_char(cp, rule);
		}
		if (f != TEXT_OK) {
			if (err != NULL) {
				err->fault = f;
				err->cp = cp;
				err->byte = i;
				err->chr = chr;
				err->line = line;
				err->col = col;
			}
			return -1;
		}
		i += len;
		chr++;
		col++;
		/* CRLF ends one line, as does a CR or an LF alone. */
		if (cp == '\n' || (cp == '\r' && (i == n || p[i] != '\n'))) {
			line++;
			col = 1;
		}
	}
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	return 0;
}

int
text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;
	uint64_t w;

	while (i < n) {
		/* Stored text is mostly ASCII: eight bytes at a time. */
		if (i + 8 <= n) {
			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ull) == 0) {
				i += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((len = text_utf8_next(p + i, n - i, &cp)) == 0)
			return 0;
		i += len;
	}
	return 1;
}

void
text_fault_words(const struct text_error *err, char *out, size_t outsz)
{
	switch (err->fault) {
	case TEXT_BAD_UTF8:
		snprintf(out, outsz, "a byte that is not UTF-8 (0x%02X)",
		    (unsigned)err->cp);
		break;
	case TEXT_CONTROL:
		/* NUL gets its name: it is what a binary file shows first. */
		snprintf(out, outsz, "a control character (U+%04X%s)",
		    (unsigned)err->cp, err->cp == 0 ? ", NUL" : "");
		break;
	case TEXT_NONCHAR:
		snprintf(out, outsz, "a noncharacter (U+%04X)",
		    (unsigned)err->cp);
		break;
	case TEXT_NEWLINE:
		snprintf(out, outsz, "a line break");
		break;
	case TEXT_SURROGATE:
		snprintf(out, outsz, "half a surrogate pair (U+%04X)",
		    (unsigned)err->cp);
		break;
	default:
		snprintf(out, outsz, "nothing wrong");
		break;
	}
}

void
text_explain(const struct text_error *err, const char *subject, char *out,
    size_t outsz)
{
	char words[80];

	text_fault_words(err, words, sizeof(words));
	snprintf(out, outsz, "%s holds %s at character %zu%s", subject, words,
	    err->chr, err->fault == TEXT_NEWLINE ? ", and takes a single line." :
	    ".");
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}
