/*
 * ical.c — the iCalendar (RFC 5545) writer: content lines, one VEVENT
 * per event or webinar, and whole calendars (ical.h).
 *
 * Times are written in UTC ("...Z"), which every calendar shows in its
 * reader's own zone and which needs no VTIMEZONE block.  Text values are
 * escaped (backslash, semicolon, comma, newline) and every content line
 * is folded at 75 octets without splitting a UTF-8 character.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "escape.h"
#include "ical.h"
#include "view.h"

#define ICAL_LINE	75	/* octets of a content line, CRLF excluded */

void
ical_fold(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, col = 0, k;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		/* The length of this UTF-8 sequence: folded as a whole. */
		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ?
		    2 : 1;
		if (i + k > n)
			k = n - i;
		if (col + k > ICAL_LINE) {
			BUF_LIT(out, "\r\n ");
			col = 1;
		}
		buf_append(out, s + i, k);
		col += k;
		i += k;
	}
	BUF_LIT(out, "\r\n");
}

void
ical_prop(struct buf *out, const char *name, const char *value, int raw)
{
	struct buf line = BUF_INIT;

	buf_puts(&line, name);
	buf_putc(&line, ':');
	if (raw) {
		/* URIs and times: control characters never reach a line. */
		for (const char *p = value; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x20 && *p != 0x7f)
				buf_putc(&line, *p);
	} else {
		esc_ics(&line, value, strlen(value));
	}
	if (line.len > 0)
		ical_fold(out, line.p, line.len);
	buf_free(&line);
}

static void
fmt_utc(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
}

void
ical_host(const char *base, char *out, size_t n)
{
	const char *p = strstr(base, "://");
	size_t k;

	p = p != NULL ? p + 3 : base;
	k = strcspn(p, ":/");
	snprintf(out, n, "%.*s", (int)k, p);
	if (out[0] == '\0')
		snprintf(out, n, "localhost");
}

void
ical_event(struct buf *out, int webinar, json_t *e, const char *base,
    const char *host, int64_t now)
{
	char t[32], line[600];
	struct buf d = BUF_INIT;
	const char *summary = view_str(e, "summary");

	BUF_LIT(out, "BEGIN:VEVENT\r\n");
	snprintf(line, sizeof(line), "%s-%lld@%s", !webinar ? "event" :
	    "webinar", (long long)view_int(e, "id"), host);
	ical_prop(out, "UID", line, 1);
	fmt_utc(now, t, sizeof(t));
	ical_prop(out, "DTSTAMP", t, 1);
	fmt_utc(view_int(e, "starts_at"), t, sizeof(t));
	ical_prop(out, "DTSTART", t, 1);
	fmt_utc(view_int(e, "ends_at"), t, sizeof(t));
	ical_prop(out, "DTEND", t, 1);
	ical_prop(out, "SUMMARY", view_str(e, !webinar ? "name" : "title"), 0);
	snprintf(line, sizeof(line), "%s%s/%s", base, !webinar ?
	    "/events" : "/webinars", view_str(e, "slug"));
	ical_prop(out, "URL", line, 1);
	buf_puts(&d, summary);
	if (view_str(e, "sponsor_name")[0] != '\0') {
		if (d.len > 0)
			BUF_LIT(&d, "\n\n");
		buf_printf(&d, "Sponsored by %s.", view_str(e, "sponsor_name"));
	}
	if (d.len > 0)
		BUF_LIT(&d, "\n\n");
	buf_puts(&d, line);
	ical_prop(out, "DESCRIPTION", d.p, 0);
	buf_free(&d);
	if (!webinar && view_str(e, "venue")[0] != '\0')
		ical_prop(out, "LOCATION", view_str(e, "venue"), 0);
	else
		ical_prop(out, "LOCATION", "Online", 0);
	if (!webinar)
		ical_prop(out, "CATEGORIES", view_str(e, "kind_label"), 0);
	else
		ical_prop(out, "CATEGORIES", "Webinar", 0);
	ical_prop(out, "STATUS", "CONFIRMED", 1);
	ical_prop(out, "TRANSP", "OPAQUE", 1);
	BUF_LIT(out, "END:VEVENT\r\n");
}

void
ical_head(struct buf *out)
{
	BUF_LIT(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
	ical_prop(out, "PRODID", "-//masthead//masthead//EN", 1);
	BUF_LIT(out, "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
}

void
ical_write_one(struct buf *out, int webinar, json_t *e, const char *base,
    int64_t now)
{
	char host[256];

	ical_host(base, host, sizeof(host));
	ical_head(out);
	ical_event(out, webinar, e, base, host, now);
	BUF_LIT(out, "END:VCALENDAR\r\n");
}
