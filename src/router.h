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

/*
 * Who may call a route.  The router checks it before the handler runs
 * and leaves the caller in req.user, so a handler checks only what
 * depends on its data (an author edits her own stories).  A role of the
 * list can do what the roles before it can.
 */
enum route_who {
	WHO_ANYONE,		/* no credential */
	/*
	 * A signed-in reader: signed out, a GET is sent to sign in as
	 * below, any other method is 401.
	 */
	WHO_MEMBER,
	/*
	 * Staff of at least this role.  On a form or page, a signed-out
	 * reader is sent to /signin?next=<path> (303) and a lesser role
	 * gets 403; the answer is never stored (private, no-store).  On
	 * the API, a bearer token of the role: without one 401 (with
	 * WWW-Authenticate: Bearer), with a lesser one 403 saying why.
	 */
	WHO_CONTRIBUTOR,
	WHO_AUTHOR,
	WHO_EDITOR,
	WHO_ADMIN,
	WHO__MAX
};

/* The body a route reads; any other Content-Type is 415. */
enum route_body {
	BODY_NONE,	/* none is read (up to max_body is let in) */
	BODY_FORM,	/* application/x-www-form-urlencoded, up to max_body */
	BODY_MULTIPART,	/* multipart/form-data, up to max_upload */
	BODY_UPLOAD,	/* an image's bytes or multipart, up to max_upload */
	/*
	 * multipart/form-data a reader sends with one file (an awards
	 * entry), up to ROUTE_ATTACHMENT_MAX: uploads as large as
	 * max_upload are staff's
	 */
	BODY_ATTACHMENT,
	BODY_JSON,	/* application/json, up to max_body */
	/*
	 * An export file: its bytes (application/xml, text/xml,
	 * application/json; the token in X-CSRF-Token) or multipart (the
	 * token its csrf part), up to import_max_mb (else max_upload)
	 */
	BODY_IMPORT,
	/*
	 * An ActivityPub activity (application/activity+json or
	 * application/ld+json), up to ROUTE_ACTIVITY_MAX: signed, so no
	 * CSRF token
	 */
	BODY_ACTIVITY,
	BODY__MAX
};

/* The largest activity an inbox (a BODY_ACTIVITY row) takes. */
#define ROUTE_ACTIVITY_MAX	(256 * 1024)

/* The largest body of a BODY_ATTACHMENT row: a 3 MB file and its form. */
#define ROUTE_ATTACHMENT_MAX	(3 * 1024 * 1024 + 65536)

/*
 * A row of the table: the URL, its handler and its policy, which the
 * router applies in this order: the size of the body (413), who
 * (redirect, 401, 403), the Content-Type (415), then for a form row
 * with csrf the form's "csrf" field, which must be the token of the
 * session (the anonymous form token for a reader signed out): 403.
 */
struct route {
	const char	*method;	/* "GET" (HEAD is served by GET routes) */
	const char	*pattern;
	int		 (*fn)(struct req *);
	enum route_kind	 kind;
	enum route_who	 who;
	int		 csrf;		/* the form carries the CSRF token */
	enum route_body	 body;
	const char	*refused;	/* the admin API's 403 sentence */
};

/* The table, for the tests that walk it: *n rows. */
const struct route *router_table(size_t *n);
/* The role a route's who needs (who > WHO_ANYONE). */
#define ROUTE_ROLE(who)	((enum role)((who) - 1))

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
/*
 * On an event loop, before a request goes to a render thread: answers
 * what needs no render and no database (a cached page for a reader
 * without credentials, assets, media) and the uploads, and returns 1;
 * 0 when router_dispatch() is to run on a render thread.
 */
int	router_quick(struct req *);
/* Sends the error response for status (page or JSON by the request's kind). */
void	router_error(struct req *, int status);
/* The kind of the route that answered r (enum metrics_kind). */
int	router_kind(const struct req *);
/*
 * Matches path against pattern; on a match returns 1 and stores up to
 * maxargs captures (pointers into path).  Exposed for the unit tests.
 */
int	router_match(const char *pattern, const char *path, size_t pathlen,
	    const char **args, size_t *arglens, int maxargs, int *nargs);

#endif
