/*
 * page.h — reader-facing pages.  Each page family has a model builder
 * (the view model as JSON, shared with the content API) and a handler
 * that renders it through the theme.
 *
 * Handlers return 0 when they sent a response, or an HTTP status for
 * router_error() to answer.
 */
#ifndef MASTHEAD_PAGE_H
#define MASTHEAD_PAGE_H

#include <jansson.h>
#include <stdint.h>

#include "store.h"

struct cursor;
struct req;

/* page.c — shared parts */
/* Call once at start-up: hooks the account bar into shared pages. */
void	 page_init(void);
/* The one mapping from store results to HTTP statuses. */
int	 page_status(int store_rc);
/*
 * Renders template tpl with model (which it takes: the caller's reference
 * is consumed) plus the site-wide parts, and sends it with status.
 */
int	 page_render(struct req *, int status, const char *tpl, json_t *model);
/*
 * One page of a story list, shaped for a view model, with the page's
 * dependencies declared: the list itself, each story, and the moment the
 * next story dated in the future goes live.
 */
int	 page_articles(struct req *, enum list_by, int64_t key, const char *type,
	    const struct cursor *, int limit, json_t **out, struct cursor *next);
/* Declares that the page lists what the list of (by, key, type) holds. */
void	 page_dep_list(struct req *, enum list_by, int64_t key, const char *type);
/*
 * The breadcrumb of a section (root first) and the promo box shown with
 * its stories (NULL when none), kept as a fragment per section.  New
 * references for the caller.
 */
int	 page_section_frame(struct req *, int64_t section, json_t **path,
	    json_t **promo);
/* Adds the sidebar blocks (events, webinars, perspectives) to model. */
int	 page_add_sidebar(struct req *, json_t *model);
/* Says that settings or menus changed: every thread reloads them. */
void	 page_site_changed(void);
/* Frees what this thread kept (call as a server thread ends). */
void	 page_thread_done(void);
/* Reads the ?before= cursor; -1 when present but malformed. */
int	 page_cursor(struct req *, struct cursor *);
/* Adds "pagination" (next/first links) for a list at base_url. */
void	 page_add_pagination(json_t *model, const char *base_url,
	    const struct cursor *cur, const struct cursor *next);
void	 page_error(struct req *, int status);
int	 page_asset(struct req *);
int	 page_favicon(struct req *);
int	 page_media(struct req *);
int	 page_static(struct req *);
int64_t	 page_now(void);

/* page_account.c — signing in and out */
int	 page_signin(struct req *);
int	 page_signin_post(struct req *);
int	 page_signout(struct req *);

/* page_home.c */
int	 model_home(struct req *, json_t **out);
int	 page_home(struct req *);

/* page_article.c */
int	 model_article(struct req *, const char *slug, json_t **out);
int	 page_article(struct req *);

/* page_list.c — section, author, tag and type listings */
int	 model_section(struct req *, const char *slug, json_t **out);
int	 model_author(struct req *, const char *slug, json_t **out);
int	 page_section(struct req *);
int	 page_author(struct req *);
int	 page_tag(struct req *);
int	 page_type(struct req *);

/* page_search.c — full-text search */
/*
 * The search results for the request's parameters.  Returns 0, or a
 * status; a 400 for a bad filter comes with *msg saying which.
 */
int	 model_search(struct req *, json_t **out, const char **msg);
/* The parameters search knows (NULL-terminated), for the API's check. */
const char *const *search_params_known(void);
int	 page_search(struct req *);

/* page_event.c — events and webinars */
int	 model_events(struct req *, int past, json_t **out);
int	 model_event(struct req *, const char *slug, json_t **out);
int	 model_webinars(struct req *, int past, json_t **out);
int	 model_webinar(struct req *, const char *slug, json_t **out);
int	 page_events(struct req *);
int	 page_events_archive(struct req *);
int	 page_event(struct req *);
int	 page_webinars(struct req *);
int	 page_webinars_archive(struct req *);
int	 page_webinar(struct req *);

#endif
