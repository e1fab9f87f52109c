/*
 * view.h — turns store rows into view-model values: URLs, formatted
 * dates, labels.  Every function decorates the object it is given in
 * place (adding keys), so a row read once serves HTML and JSON alike.
 */
#ifndef MASTHEAD_VIEW_H
#define MASTHEAD_VIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Sets the time zone dates are shown in (call before threads start). */
void	 view_set_timezone(const char *tz);
/* The name of that time zone ("Europe/London"; "UTC" when none was set). */
const char *view_timezone(void);

/* A member of an object: its string ("" when absent or not a string). */
const char *view_str(json_t *, const char *key);
/* A member of an object: its integer (0 when absent). */
int64_t	 view_int(json_t *, const char *key);
void	 view_article(json_t *);		/* a list row */
void	 view_article_full(json_t *);	/* the article of an article page */
void	 view_articles(json_t *);	/* each element of an array */
/*
 * A copy of a viewed story that a page may change without touching the
 * shared fragment it came from: the same values, and an image of its
 * own (picture_slot() and picture_first() change only that).  Returns a
 * new reference.
 */
json_t	*view_card_copy(json_t *);
void	 view_author(json_t *);
void	 view_authors(json_t *);
void	 view_section(json_t *);
void	 view_sections(json_t *);
void	 view_tag(json_t *);
void	 view_tags(json_t *);
void	 view_event(json_t *);
void	 view_events(json_t *);
/* An event's speakers: "photo" (the image markup's) and "role". */
void	 view_speakers(json_t *);
void	 view_webinar(json_t *);
void	 view_webinars(json_t *);
void	 view_resource(json_t *);
void	 view_resources(json_t *);
/*
 * Replaces the stored HTML at key, when o has it, with what the
 * allow-list keeps of it (sanitize.h).  Every stored body passes here on
 * its way to a page, an API document or a feed, so a row written before
 * the allow-list existed, or by anything but this program, shows no more
 * than one written today.
 */
void	 view_html(json_t *o, const char *key);

/* "News Analysis" for "news-analysis"; NULL when the type is unknown. */
const char *view_type_label(const char *type);
/* Every article type: [{"type": "news", "label": "News"}, ...] (caller owns). */
json_t	*view_type_list(void);

/*
 * Date formats of the pages, mails and feeds' HTML, in the site's time
 * zone.  The site has one date style, the month spelt out ("May 12,
 * 2021"); where the hour matters (a comment, a webinar) the time and the
 * zone's abbreviation follow it ("May 12, 2021, 3:04 PM EDT").  Machine
 * formats (<time datetime>, feeds, headers) stay ISO 8601 or RFC 9110.
 */
void	 view_fmt_date_long(int64_t t, char *out, size_t n);	/* May 12, 2021 */
void	 view_fmt_datetime(int64_t t, char *out, size_t n);	/* May 12, 2021, 3:04 PM EDT */
void	 view_fmt_date_range(int64_t a, int64_t b, char *out, size_t n);	/* May 25-27, 2021 */
void	 view_fmt_time(int64_t t, char *out, size_t n);	/* 11:00 AM EST */
/*
 * A time zone as readers say it, at time t: "New York time (EST)" for
 * America/New_York in winter, "London time (BST)" in summer; the city
 * alone when the zone has no lettered abbreviation then.
 */
void	 view_fmt_zone(const char *zone, int64_t t, char *out, size_t n);
void	 view_fmt_iso(int64_t t, char *out, size_t n);		/* 2021-05-12T13:00:00Z */
void	 view_fmt_http(int64_t t, char *out, size_t n);	/* RFC 9110 date */

#endif
