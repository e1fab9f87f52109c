/*
 * router.h — the route table: method, path pattern, handler.
 *
 * A pattern is a path whose segments may be ":name" (one segment, captured
 * into req.arg[] in order).  Routes are tried in table order.
 */
#ifndef MASTHEAD_ROUTER_H
#define MASTHEAD_ROUTER_H

#include <stddef.h>

struct req;

enum route_kind {
	ROUTE_PAGE,	/* HTML for readers; errors render the theme's error page */
	ROUTE_API,	/* JSON; errors are JSON documents */
	ROUTE_ASSET,	/* static bytes */
	ROUTE_FORM,	/* HTML forms: never cached, see who is signed in */
	ROUTE__MAX
};

struct route {
	const char	*method;	/* "GET" (HEAD is served by GET routes) */
	const char	*pattern;
	int		 (*fn)(struct req *);
	enum route_kind	 kind;
};

/*
 * Whether rt's handler may read query parameter key.  A page or public
 * API document the cache may keep reads the parameters router.c lists
 * for it, which its cache key holds, and no other (http_query()); forms
 * and the admin API, never cached, read any.
 */
int	route_reads(const struct route *, const char *key);

/*
 * Gives the request API (req.h) what it asks of the table: route names
 * for its log lines, the query parameters a route reads, and the cache
 * fill of a page the cache waits for.  Call once before serving.
 */
void	router_init(void);
/*
 * Finds the route for r's method and path and runs it; answers errors
 * itself.  The first pattern of the table that matches the path owns
 * it: another method is 405 with that pattern's methods in Allow, and
 * OPTIONS answers them (and a CORS preflight), even when a broader
 * pattern further down would take the method ("GET /signout" is 405, not
 * the static page "/:slug").  A path of "*" takes only OPTIONS.
 */
void	router_dispatch(struct req *);
/* Sends the error response for status (page or JSON by the request's kind). */
void	router_error(struct req *, int status);
/*
 * Matches path against pattern; on a match returns 1 and stores up to
 * maxargs captures (pointers into path).  Exposed for the unit tests.
 */
int	router_match(const char *pattern, const char *path, size_t pathlen,
	    const char **args, size_t *arglens, int maxargs, int *nargs);

#endif
