/*
 * cookie.h — the Cookie request header (RFC 6265, 4.2.1 and 5.4):
 * "name=value" pairs separated by ";" and optional white space.
 *
 * The one reader of it: the session lookup, the cache's "is this
 * reader signed in" test and the comment view all ask here, so they
 * cannot disagree about which cookies a request carries.
 */
#ifndef MASTHEAD_COOKIE_H
#define MASTHEAD_COOKIE_H

#include <stddef.h>

/*
 * The value of the first cookie called name (compared exactly) in
 * h[0..len), without the white space around it: a pointer into h, and
 * its length in *vallen.  NULL when no pair has that name; a pair
 * without "=" has no name and is skipped.
 */
const char	*cookie_get(const char *h, size_t len, const char *name,
		    size_t *vallen);

#endif
