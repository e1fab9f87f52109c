/*
 * ics.c — iCalendar (RFC 5545) files: the upcoming live events
 * (/events.ics), the upcoming webinars (/webinars.ics), and one file per
 * event and webinar for "Add to calendar".
 *
 * ical.c writes them; these are the handlers that choose what goes in.
 */
#include "buf.h"
#include "cache.h"
#include "feed.h"
#include "ical.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "view.h"

#define ICS_CTYPE	"text/calendar; charset=utf-8"
#define ICS_UPCOMING	100

enum kind {
	K_EVENT,
	K_WEBINAR,
	K__MAX
};

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
		return status_store(rc);
	own_json(r, site);
	ical_host(base, host, sizeof(host));
	out = own_buf(r, 0);
	ical_head(out);
	if (name != NULL) {
		struct buf *t = own_buf(r, 0);

		buf_printf(t, "%s: %s", view_str(site, "site_name"), name);
		ical_prop(out, "X-WR-CALNAME", t->p, 0);
	}
	json_array_foreach(list, i, e)
		ical_event(out, k == K_WEBINAR, e, base, host, page_now());
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
		return status_store(rc);
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
		return status_store(rc);
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
