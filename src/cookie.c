/*
 * cookie.c — finding one cookie in a Cookie header (cookie.h).
 *
 * Browsers send "a=1; b=2"; other clients put tabs or no space after
 * the ";", which RFC 6265, 5.4 lets a server accept.  A name matches
 * only a whole pair's name: "xmh_session=1" and a value that holds
 * "mh_session=" are not the session cookie.
 */
#include <string.h>

#include "cookie.h"

#define IS_OWS(c)	((c) == ' ' || (c) == '\t')

const char *
cookie_get(const char *h, size_t len, const char *name, size_t *vallen)
{
	const char *p = h, *end = h + len, *pair, *pend, *eq, *v, *ve;
	size_t n = strlen(name);

	*vallen = 0;
	while (p < end) {
		pair = p;
		pend = memchr(p, ';', (size_t)(end - p));
		if (pend == NULL)
			pend = end;
		p = pend < end ? pend + 1 : end;
		while (pair < pend && IS_OWS(*pair))
			pair++;
		if ((eq = memchr(pair, '=', (size_t)(pend - pair))) == NULL)
			continue;
		/* The name ends at "=", less any white space before it. */
		for (ve = eq; ve > pair && IS_OWS(ve[-1]); ve--)
			;
		if ((size_t)(ve - pair) != n || memcmp(pair, name, n) != 0)
			continue;
		for (v = eq + 1; v < pend && IS_OWS(*v); v++)
			;
		for (ve = pend; ve > v && IS_OWS(ve[-1]); ve--)
			;
		*vallen = (size_t)(ve - v);
		return v;
	}
	return NULL;
}
