/*
 * fuzz_cookie.c — libFuzzer target for src/cookie.c (the Cookie header).
 *
 * The first input byte picks the cookie name looked for; the rest is the
 * header.  The target aborts when an answer breaks cookie.h: the value
 * lies inside the header, directly after the name and "=" (with only
 * white space between), at the start of a pair; it holds no ";" and no
 * white space at either end; and no earlier pair has the name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OWS(c)	((c) == ' ' || (c) == '\t')

/* Where the pair holding position p begins (after ";" and white space). */
static const char *
pair_start(const char *h, const char *p)
{
	while (p > h && p[-1] != ';')
		p--;
	while (OWS(*p))
		p++;
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"mh_session", "mh_form", "mh_cview", "a", "b",
	};
	const char *name, *h, *v, *p, *start;
	size_t len, vlen, nlen;

	if (size < 1)
		return 0;
	name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	nlen = strlen(name);
	len = size - 1;
	/* A copy of its own, so that ASan sees a read past the header. */
	if ((h = malloc(len + 1)) == NULL)
		abort();
	memcpy((char *)h, data + 1, len);
	if ((v = cookie_get(h, len, name, &vlen)) == NULL) {
		if (vlen != 0)
			abort();
		free((void *)h);
		return 0;
	}
	if (v < h || v > h + len || vlen > (size_t)(h + len - v))
		abort();
	if (memchr(v, ';', vlen) != NULL ||
	    (vlen > 0 && (OWS(v[0]) || OWS(v[vlen - 1]))))
		abort();
	/* Back from the value: white space, "=", white space, the name. */
	for (p = v; p > h && OWS(p[-1]); p--)
		;
	if (p == h || p[-1] != '=')
		abort();
	for (p--; p > h && OWS(p[-1]); p--)
		;
	if ((size_t)(p - h) < nlen || memcmp(p - nlen, name, nlen) != 0)
		abort();
	start = pair_start(h, p - nlen);
	if (start != p - nlen)
		abort();
	/* No earlier pair is called name. */
	for (p = h; p < start; ) {
		const char *semi = memchr(p, ';', (size_t)(start - p)), *eq;
		const char *pe = semi != NULL ? semi : start, *s = p;

		while (s < pe && OWS(*s))
			s++;
		if ((eq = memchr(s, '=', (size_t)(pe - s))) != NULL) {
			while (eq > s && OWS(eq[-1]))
				eq--;
			if ((size_t)(eq - s) == nlen && memcmp(s, name, nlen) == 0)
				abort();
		}
		p = semi != NULL ? semi + 1 : start;
	}
	free((void *)h);
	return 0;
}
