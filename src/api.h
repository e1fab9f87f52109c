/*
 * api.h — the read-only JSON content API under /api/v1/.  Every document
 * is the view model of the matching page, so HTML and JSON cannot disagree.
 */
#ifndef MASTHEAD_API_H
#define MASTHEAD_API_H

struct req;

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

#endif
