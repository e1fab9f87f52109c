/*
 * api.h — the read-only JSON content API under /api/v1/.  Every document
 * is the view model of the matching page, so HTML and JSON cannot disagree.
 */
#ifndef MASTHEAD_API_H
#define MASTHEAD_API_H

#include <jansson.h>

struct buf;
struct req;

/* Sends {"error": {"status": N, "message": "..."}}; returns 0 (sent). */
int	api_error(struct req *, int status, const char *message);
/*
 * The JSON object of the request body (caller owns it), or NULL after
 * answering 415 (not JSON), or 400 (malformed, duplicate keys, not an
 * object).
 */
json_t	*api_body(struct req *);

int	api_articles(struct req *);
int	api_article(struct req *);
int	api_sections(struct req *);
int	api_section(struct req *);
int	api_authors(struct req *);
int	api_author(struct req *);
int	api_events(struct req *);
int	api_event(struct req *);
int	api_webinars(struct req *);
int	api_webinar(struct req *);
int	api_resources(struct req *);
int	api_resource(struct req *);
int	api_search(struct req *);

/* api_admin.c — the admin API (bearer tokens, role rules) */
int	api_admin_create(struct req *);
int	api_admin_get(struct req *);
int	api_admin_update(struct req *);
int	api_admin_publish(struct req *);
int	api_admin_unpublish(struct req *);
/* A draft submitted for review, or an editor's decision on it. */
int	api_admin_review(struct req *);
/* page_admin.c — image uploads with a token (the newsroom's checks) */
int	api_admin_media(struct req *);
int	api_admin_media_list(struct req *);
int	api_admin_media_patch(struct req *);
int	api_admin_podcast_art(struct req *);

/* api_newsletter.c — newsletter issues and subscribers (editors) */
int	api_newsletter_issue_add(struct req *);
int	api_newsletter_issue_get(struct req *);
int	api_newsletter_issue_update(struct req *);
int	api_newsletter_issue_test(struct req *);
int	api_newsletter_issue_send(struct req *);
int	api_newsletter_subscribers_csv(struct req *);

/* page_admin_front.c — the home page's pinned stories (editors) */
int	api_front_get(struct req *);
int	api_front_put(struct req *);
/* api_menu.c — the mega-menu and footer (editors) */
int	api_menu_list(struct req *);
int	api_menu_add(struct req *);
int	api_menu_update(struct req *);
int	api_menu_delete(struct req *);

#endif
