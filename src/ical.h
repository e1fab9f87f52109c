/*
 * ical.h — the iCalendar (RFC 5545) writer, for the calendar pages
 * (ics.c) and the registration letter's attachment (registration.c).
 * It knows no request: events come as view_event/view_webinar leave
 * them, and the site's absolute URL is the caller's.
 */
#ifndef MASTHEAD_ICAL_H
#define MASTHEAD_ICAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Appends one iCalendar content line (without its CRLF) to out, folded
 * so no line passes 75 octets and no UTF-8 character is split, then CRLF.
 */
void	 ical_fold(struct buf *out, const char *line, size_t n);
/* Writes "NAME:value" (value escaped as TEXT unless raw) as one line. */
void	 ical_prop(struct buf *out, const char *name, const char *value,
	    int raw);
/* "example.com" of "https://example.com:8443/x", for UIDs. */
void	 ical_host(const char *base, char *out, size_t n);
/* BEGIN:VCALENDAR and the calendar's properties; the caller ends it. */
void	 ical_head(struct buf *out);
/*
 * One VEVENT of an event (webinar 0) or a webinar e; base: the site's
 * absolute URL, host: ical_host() of it, now: the DTSTAMP.
 */
void	 ical_event(struct buf *out, int webinar, json_t *e, const char *base,
	    const char *host, int64_t now);
/*
 * A calendar of one event or webinar e (as view_event or view_webinar
 * left it) for an email attachment; base: the site's absolute URL.
 */
void	 ical_write_one(struct buf *out, int webinar, json_t *e,
	    const char *base, int64_t now);

#endif
