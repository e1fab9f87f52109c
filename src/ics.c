/*
 * ics.c — iCalendar (RFC 5545) files: the upcoming live events
 * (/events.ics), the upcoming webinars (/webinars.ics), and one file per
 * event and webinar for "Add to calendar".
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
#include "cache.h"
#include "escape.h"
#include "feed.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "view.h"

#define ICS_CTYPE	"text/calendar; charset=utf-8"
#define ICS_LINE	75	/* octets of a content line, CRLF excluded */
#define ICS_UPCOMING	100

void
ics_fold(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, col = 0, k;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		/* The length of this UTF-8 sequence: folded as a whole. */
		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ?
		    2 : 1;
		if (i + k > n)
			k = n - i;
		if (col + k > ICS_LINE) {
			BUF_LIT(out, "\r\n ");
			col = 1;
		}
		buf_append(out, s + i, k);
		col += k;
		i += k;
	}
	BUF_LIT(out, "\r\n");
}

/* Writes "NAME:value" (value escaped as TEXT unless raw) as one line. */
static void
prop(struct buf *out, const char *name, const char *value, int raw)
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
		ics_fold(out, line.p, line.len);
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

/* "example.com" of "https://example.com:8443/x", for UIDs. */
static void
host_of(const char *base, char *out, size_t n)
{
	const char *p = strstr(base, "://");
	size_t k;

	p = p != NULL ? p + 3 : base;
	k = strcspn(p, ":/");
	snprintf(out, n, "%.*s", (int)k, p);
	if (out[0] == '\0')
		snprintf(out, n, "localhost");
}

enum kind {
	K_EVENT,
	K_WEBINAR,
	K__MAX
};

static void
vevent(struct buf *out, enum kind k, json_t *e, const char *base,
    const char *host, int64_t now)
{
	char t[32], line[600];
	struct buf d = BUF_INIT;
	const char *summary = view_str(e, "summary");

	BUF_LIT(out, "BEGIN:VEVENT\r\n");
	snprintf(line, sizeof(line), "%s-%lld@%s", k == K_EVENT ? "event" :
	    "webinar", (long long)view_int(e, "id"), host);
	prop(out, "UID", line, 1);
	fmt_utc(now, t, sizeof(t));
	prop(out, "DTSTAMP", t, 1);
	fmt_utc(view_int(e, "starts_at"), t, sizeof(t));
	prop(out, "DTSTART", t, 1);
	fmt_utc(view_int(e, "ends_at"), t, sizeof(t));
	prop(out, "DTEND", t, 1);
	prop(out, "SUMMARY", view_str(e, k == K_EVENT ? "name" : "title"), 0);
	snprintf(line, sizeof(line), "%s%s/%s", base, k == K_EVENT ?
	    "/events" : "/webinars", view_str(e, "slug"));
	prop(out, "URL", line, 1);
	buf_puts(&d, summary);
	if (view_str(e, "sponsor_name")[0] != '\0') {
		if (d.len > 0)
			BUF_LIT(&d, "\n\n");
		buf_printf(&d, "Sponsored by %s.", view_str(e, "sponsor_name"));
	}
	if (d.len > 0)
		BUF_LIT(&d, "\n\n");
	buf_puts(&d, line);
	prop(out, "DESCRIPTION", d.p, 0);
	buf_free(&d);
	if (k == K_EVENT && view_str(e, "venue")[0] != '\0')
		prop(out, "LOCATION", view_str(e, "venue"), 0);
	else
		prop(out, "LOCATION", "Online", 0);
	if (k == K_EVENT)
		prop(out, "CATEGORIES", view_str(e, "kind_label"), 0);
	else
		prop(out, "CATEGORIES", "Webinar", 0);
	prop(out, "STATUS", "CONFIRMED", 1);
	prop(out, "TRANSP", "OPAQUE", 1);
	BUF_LIT(out, "END:VEVENT\r\n");
}

static void
calendar_head(struct buf *out)
{
	BUF_LIT(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
	prop(out, "PRODID", "-//masthead//masthead//EN", 1);
	BUF_LIT(out, "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
}

void
ics_write_one(struct buf *out, int webinar, json_t *e, const char *base,
    int64_t now)
{
	char host[256];

	host_of(base, host, sizeof(host));
	calendar_head(out);
	vevent(out, webinar ? K_WEBINAR : K_EVENT, e, base, host, now);
	BUF_LIT(out, "END:VCALENDAR\r\n");
}

/* Writes a VCALENDAR of the events or webinars in list, and sends it. */
static int
send_calendar(struct req *r, enum kind k, json_t *list, const char *name)
{
	struct buf *out;
	char host[256];
	const char *base = page_base_url(r);
	json_t *site, *e;
	size_t i;
	int rc;

	if ((rc = page_site(r, &site)) != STORE_OK)
		return page_status(rc);
	own_json(r, site);
	host_of(base, host, sizeof(host));
	out = own_buf(r, 0);
	calendar_head(out);
	if (name != NULL) {
		struct buf *t = own_buf(r, 0);

		buf_printf(t, "%s: %s", view_str(site, "site_name"), name);
		prop(out, "X-WR-CALNAME", t->p, 0);
	}
	json_array_foreach(list, i, e)
		vevent(out, k, e, base, host, page_now());
	BUF_LIT(out, "END:VCALENDAR\r\n");
	if (buf_err(out))
		return 500;
	http_send_buf(r, 200, ICS_CTYPE, out);
	return 0;
}

static int
calendar(struct req *r, enum kind k)
{
	int64_t now = page_now();
	json_t *list, *about = NULL;
	char name[300];
	int rc;

	if (k == K_EVENT) {
		rc = store_events(r->db, WHEN_UPCOMING, now, INT64_MIN,
		    ICS_UPCOMING, &list);
		if (rc == STORE_OK)
			view_events(list);
		cache_dep_str(tag_events().s);
		cache_dep_until(store_events_next_end(r->db, now));
	} else {
		struct webinar_filter f;

		/* A topic's or a series' own calendar (?topic=, ?series=). */
		if ((rc = page_webinar_filter(r, &f, &about)) != 0)
			return rc;
		rc = store_webinars_in(r->db, WHEN_UPCOMING, now, INT64_MIN,
		    ICS_UPCOMING, &f, &list);
		if (rc == STORE_OK)
			view_webinars(list);
		cache_dep_str(tag_webinars().s);
		cache_dep_until(store_webinars_next_end(r->db, now));
	}
	if (rc != STORE_OK)
		return page_status(rc);
	own_json(r, list);
	if (about != NULL)
		snprintf(name, sizeof(name), "Webinars: %s", view_str(about,
		    "name"));
	return send_calendar(r, k, list, k == K_EVENT ? "Live Events" :
	    about != NULL ? name : "Webinars");
}

static int
one(struct req *r, enum kind k)
{
	json_t *e;
	int rc;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	rc = k == K_EVENT ? store_event_get(r->db, r->arg[0], &e) :
	    store_webinar_get(r->db, r->arg[0], &e);
	if (rc != STORE_OK)
		return page_status(rc);
	if (k == K_EVENT)
		view_event(e);
	else
		view_webinar(e);
	return send_calendar(r, k, own_json(r, json_pack("[o]", e)), NULL);
}

int ics_events(struct req *r) { return calendar(r, K_EVENT); }
int ics_webinars(struct req *r) { return calendar(r, K_WEBINAR); }
int ics_event(struct req *r) { return one(r, K_EVENT); }
int ics_webinar(struct req *r) { return one(r, K_WEBINAR); }
