/*
 * range.c — the Range request header against a file of known length.
 *
 * The grammar is RFC 9110, 14.1.1: "bytes=" and a comma-separated list
 * of range-specs, each "first-last", "first-" or "-suffix" in decimal.
 * The list rule lets empty elements and optional whitespace around the
 * commas pass (RFC 9110, 5.6.1); nothing else does.  Positions too big
 * for 64 bits are read as the largest value, which is past the end of
 * any file, so they mean what the client meant: "to the end" for a last
 * position, "nothing there" for a first.
 */
#include <stddef.h>
#include <strings.h>

#include "range.h"

#define IS_OWS(c)	((c) == ' ' || (c) == '\t')

/*
 * Reads one or more digits at *p into *v, saturating at UINT64_MAX;
 * advances *p past them.  Returns -1 when there is no digit.
 */
static int
digits(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		*v = *v > (UINT64_MAX - d) / 10 ? UINT64_MAX : *v * 10 + d;
	}
	*p = s;
	return 0;
}

/* One range-spec, s[0..end) without surrounding whitespace. */
static enum range_result
one(const char *s, const char *end, uint64_t len, uint64_t *first,
    uint64_t *last)
{
	uint64_t a, b;

	if (*s == '-') {
		s++;
		if (digits(&s, end, &b) != 0 || s != end)
			return RANGE_WHOLE;
		/* The last b bytes; none of a file that is empty. */
		if (b == 0 || len == 0)
			return RANGE_UNSATISFIABLE;
		*first = b >= len ? 0 : len - b;
		*last = len - 1;
		return RANGE_ONE;
	}
	if (digits(&s, end, &a) != 0 || s == end || *s++ != '-')
		return RANGE_WHOLE;
	if (s == end) {
		b = UINT64_MAX;
	} else if (digits(&s, end, &b) != 0 || s != end || b < a) {
		/* "5-2" is not a range (RFC 9110, 14.1.1): ignore it. */
		return RANGE_WHOLE;
	}
	if (a >= len)
		return RANGE_UNSATISFIABLE;
	*first = a;
	*last = b >= len ? len - 1 : b;
	return RANGE_ONE;
}

enum range_result
range_parse(const char *value, uint64_t len, uint64_t *first, uint64_t *last)
{
	const char *p = value, *spec = NULL, *spec_end = NULL;
	size_t n = 0;

	/* Range units are case-insensitive (RFC 9110, 14.1). */
	if (strncasecmp(p, "bytes=", 6) != 0)
		return RANGE_WHOLE;
	p += 6;
	while (*p != '\0') {
		const char *s, *e;

		while (IS_OWS(*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		s = p;
		while (*p != '\0' && *p != ',')
			p++;
		e = p;
		while (e > s && IS_OWS(e[-1]))
			e--;
		spec = s;
		spec_end = e;
		n++;
	}
	if (n != 1)
		return RANGE_WHOLE;
	return one(spec, spec_end, len, first, last);
}
