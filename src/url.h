/*
 * url.h — decoding of request input: percent-escapes, query strings and
 * form bodies, request paths, slugs.
 *
 * Everything decoded here is UTF-8 without NUL bytes, so that handlers can
 * treat decoded values as C strings; url_form_parse() also holds forms
 * and queries to text.h's rules, so that they can be stored as text.
 */
#ifndef MASTHEAD_URL_H
#define MASTHEAD_URL_H

#include <stddef.h>

struct buf;

/*
 * Percent-decodes s[0..n) and appends the result to out (owned by the
 * caller); with plus_is_space, '+' becomes ' ' (query and form components).
 * Returns 0, or -1 on a bad escape ("%zz", "%4", "%"), a NUL byte (raw or
 * "%00"), decoded bytes that are not valid UTF-8 (overlong forms and
 * surrogates included), or out's cap; out is then left as it was, unless
 * the cap was reached (out's sticky error is set).
 */
int	 url_decode(const char *s, size_t n, int plus_is_space, struct buf *out);

struct url_param {
	const char	*key;		/* decoded, NUL-terminated */
	const char	*val;		/* decoded, NUL-terminated; "" when absent */
	size_t		 keylen;
	size_t		 vallen;
};

struct url_query {
	struct url_param *p;		/* n pairs in input order */
	size_t		  n;
	char		 *mem;		/* private: the arena p's strings live in */
};

/*
 * Parses an application/x-www-form-urlencoded string (a query string
 * without its '?', or a form body) into q.  Pairs are split on '&' and
 * empty ones skipped ("a&&b"); a pair without '=' has the value "".
 * Duplicate keys are kept in order.  Keys and values live in memory owned
 * by q: release it with url_query_free().  Returns 0, or -1 when a key or
 * value does not decode (see url_decode) or there are more than max pairs;
 * q is then empty and needs no url_query_free() (calling it is harmless).
 */
int	 url_query_parse(struct url_query *q, const char *s, size_t n,
	    size_t max);

enum url_rc {
	URL_OK = 0,
	URL_MALFORMED = -1,	/* bad escapes, too many pairs */
	URL_BAD_TEXT = -2,	/* a key or value that text.h refuses */
};

/*
 * url_query_parse for the fields of a form or the parameters of a query,
 * which must also be text (text.h): every key one line, every value one
 * line or, for the names text_rule_of() gives, several.  Returns URL_OK,
 * or the failure with a sentence for people in msg that calls each pair
 * a noun ("field", "query parameter") and names its key: "The field
 * "name" holds a control character (U+0001) at character 4."  On failure
 * q is empty, as with url_query_parse.
 */
int	 url_form_parse(struct url_query *q, const char *s, size_t n,
	    size_t max, const char *noun, char *msg, size_t msglen);

/* The first value for key, owned by q, or NULL when key is absent. */
const char *url_query_get(const struct url_query *q, const char *key);

/* Frees q's memory and empties it; safe on an empty or zeroed q. */
void	 url_query_free(struct url_query *q);

/*
 * Decodes a request path (without query string) and appends it to out,
 * owned by the caller.  Returns -1, leaving out as it was, unless the path
 * starts with '/' and decodes (see url_decode) to segments none of which is
 * "." or "..", with no empty segment except a final one ("/a/" but not
 * "//a"), no backslash and no control character.  The checks apply after
 * decoding, so "%2e%2e" and "%2f" cannot sneak a segment past them.
 */
int	 url_path_decode(const char *s, size_t n, struct buf *out);

/* 1 if s[0..n) is a slug: [a-z0-9-]{1,200} not starting or ending in '-'. */
int	 url_is_slug(const char *s, size_t n);

#define URL_SLUG_MAX	200

/*
 * 1 if s is a place on this site to send a reader back to (a sign-in's
 * "next"): at most URL_NEXT_MAX bytes, starting with '/' but not "//",
 * made only of unreserved characters, sub-delims, ':', '@', '/' and
 * '%' followed by two hex digits, with '?' allowed from the query on.
 * Nothing else: no backslash, space, tab, control character, '#' or
 * byte above 0x7e, which browsers strip or rewrite in ways that can
 * turn "/\t/evil.example" into "//evil.example", another site.
 */
int	 url_is_local(const char *s);

#define URL_NEXT_MAX	512

#endif
