/*
 * admin.h — what every /admin page (the page_admin*.c files) shares:
 * forms, local times, the Delete button and rendering with the signed-in
 * writer.  Who may open a page and the CSRF token of its form are the
 * route table's (router.h), checked before the handler runs.
 */
#ifndef MASTHEAD_ADMIN_H
#define MASTHEAD_ADMIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct req;
struct url_query;

/* A handler answered itself (a redirect to sign in, a form with an error). */
#define ADMIN_SENT	(-1)

/*
 * Parses an urlencoded form body (0, 400, 415, or 422 for a field that is
 * not text); free with url_query_free.
 */
int	 admin_read_form(struct req *, struct url_query *);
/* The article id of the route's first capture, 0 when not a number. */
int64_t	 admin_route_id(struct req *);
/* Renders an /admin template with the writer, the CSRF token and the zone. */
int	 admin_render(struct req *, int status, const char *tpl, json_t *model);
/* Writes "2026-05-12 13:00 BST": t in the site's time zone. */
void	 admin_fmt_local(int64_t t, char *out, size_t n);
/*
 * Parses "2026-05-12T13:00" (a datetime-local field, seconds allowed) in
 * the site's time zone; -1 when it is not such a time.
 */
int64_t	 admin_parse_local(const char *);
/*
 * A Delete button (the router has checked the role and the form's CSRF
 * token): deletes row id in a transaction that also drops the cache
 * entries under tags, then goes back to back?done=deleted.  A row
 * something still refers to answers 409 with in_use and stays.
 */
int	 admin_delete(struct req *, enum store_del, int64_t id,
	    const char *tags, const char *back, const char *in_use);
/* A form's sponsor (its id as text): 0 for none, -1 when not one of the list. */
int64_t	 admin_sponsor_of(struct req *, const char *);
/* Turns a handler's status into what the router expects (ADMIN_SENT: 0). */
#define ADMIN_RETURN(s)	((s) == ADMIN_SENT ? 0 : (s))

#endif
