/*
 * page_event.c — live events and webinars: upcoming lists, archives
 * (keyset-paginated by start time) and one page per event or webinar.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "config.h"
#include "own.h"
#include "page.h"
#include "picture.h"
#include "registration.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define UPCOMING_MAX	100

enum kind {
	K_EVENT,
	K_WEBINAR,
	K__MAX
};

static const struct {
	const char	*list_key;	/* "events" */
	struct tag	 (*list_tag)(void);
	const char	*one_key;	/* "event" */
	const char	*base;		/* "/events" */
	const char	*title[2];	/* upcoming, archive */
	int		 (*list)(struct db *, enum when, int64_t, int64_t, int,
			    json_t **);
	int		 (*get)(struct db *, const char *, json_t **);
	void		 (*view)(json_t *);
	void		 (*view_all)(json_t *);
	int64_t		 (*next_end)(struct db *, int64_t);
} kinds[K__MAX] = {
	[K_EVENT] = { "events", tag_events, "event", "/events",
	    { "Upcoming Live Events", "Events Archive" },
	    store_events, store_event_get, view_event, view_events,
	    store_events_next_end },
	[K_WEBINAR] = { "webinars", tag_webinars, "webinar", "/webinars",
	    { "Upcoming Webinars", "Archived Webinars" },
	    store_webinars, store_webinar_get, view_webinar, view_webinars,
	    store_webinars_next_end },
};

int
page_webinar_filter(struct req *r, struct webinar_filter *f, json_t **about)
{
	const char *topic = http_query(r, "topic"), *series = http_query(r,
	    "series");
	json_t *o;
	int rc;

	memset(f, 0, sizeof(*f));
	*about = NULL;
	if (topic != NULL && series != NULL)
		return 404;
	if (topic != NULL) {
		if (!url_is_slug(topic, strlen(topic)))
			return 404;
		if ((rc = store_section_get(r->db, topic, &o)) != STORE_OK)
			return status_store(rc);
		own_json(r, o);
		f->topic = view_int(o, "id");
		cache_dep_str(tag_section(f->topic).s);
		*about = json_pack("{s:s,s:O,s:s}", "key", "topic", "name",
		    json_object_get(o, "name"), "slug", topic);
	} else if (series != NULL) {
		if (!url_is_slug(series, strlen(series)))
			return 404;
		if ((rc = store_webinar_series(r->db, series, &o)) != STORE_OK)
			return status_store(rc);
		own_json(r, o);
		f->series = series;
		*about = json_pack("{s:s,s:O,s:s}", "key", "series", "name",
		    json_object_get(o, "series"), "slug", series);
	}
	if (*about != NULL)
		own_json(r, *about);
	return 0;
}

/*
 * A webinar list of one topic or series: its heading, the query its
 * links carry ("&topic=5g") and its own calendar.
 */
static void
set_about(json_t *m, json_t *about, int past, char *q, size_t qn)
{
	char s[512];	/* room for q (the caller's url[400]) and a path */

	q[0] = '\0';
	if (about == NULL)
		return;
	snprintf(q, qn, "%s=%s", view_str(about, "key"), view_str(about,
	    "slug"));
	snprintf(s, sizeof(s), "%s: %s", kinds[K_WEBINAR].title[past],
	    view_str(about, "name"));
	json_object_set_new(m, "heading", json_string(s));
	snprintf(s, sizeof(s), "/webinars.ics?%s", q);
	json_object_set_new(m, "calendar_url", json_string(s));
	snprintf(s, sizeof(s), "/webinars%s?%s", past ? "" : "/archive", q);
	json_object_set_new(m, "switch_url", json_string(s));
	json_object_set(m, "filter", about);
}

static int
model_list(struct req *r, enum kind k, int past, json_t **out)
{
	const char *b = http_query(r, "before");
	int64_t before = past ? INT64_MAX : INT64_MIN, last;
	int limit = past ? (int)config.page_size : UPCOMING_MAX;
	struct webinar_filter f;
	json_t *list, *m, *p, *about = NULL;
	char url[400], fq[200];
	size_t n;
	int rc;

	*out = NULL;
	if (past && b != NULL &&
	    parse_int(b, strlen(b), INT64_MIN + 1, INT64_MAX, &before) != 0)
		return 400;
	memset(&f, 0, sizeof(f));
	if (k == K_WEBINAR && (rc = page_webinar_filter(r, &f, &about)) != 0)
		return rc;
	if (k == K_WEBINAR)
		rc = store_webinars_in(r->db, past ? WHEN_PAST : WHEN_UPCOMING,
		    page_now(), before, limit + 1, &f, &list);
	else
		rc = kinds[k].list(r->db, past ? WHEN_PAST : WHEN_UPCOMING,
		    page_now(), before, limit + 1, &list);
	if (rc != STORE_OK)
		return status_store(rc);
	fq[0] = '\0';
	if (about != NULL)
		snprintf(fq, sizeof(fq), "&%s=%s", view_str(about, "key"),
		    view_str(about, "slug"));
	kinds[k].view_all(list);
	/* A list changes when its next event ends (upcoming becomes past). */
	cache_dep_str(kinds[k].list_tag().s);
	cache_dep_until(kinds[k].next_end(r->db, page_now()));
	p = json_object();
	if ((n = json_array_size(list)) > (size_t)limit) {
		json_array_remove(list, (size_t)limit);
		last = json_integer_value(json_object_get(json_array_get(list,
		    (size_t)limit - 1), "starts_at"));
		snprintf(url, sizeof(url), "%s/archive?before=%lld%s",
		    kinds[k].base, (long long)last, fq);
		json_object_set_new(p, "next_url", json_string(url));
	}
	if (b != NULL) {
		snprintf(url, sizeof(url), "%s/archive%s%s", kinds[k].base,
		    fq[0] != '\0' ? "?" : "", fq[0] != '\0' ? fq + 1 : "");
		json_object_set_new(p, "first_url", json_string(url));
	}
	m = json_pack("{s:o,s:b,s:s,s:o}", kinds[k].list_key, list,
	    "archive", past, "heading", kinds[k].title[past], "pagination", p);
	if (k == K_WEBINAR)
		set_about(m, about, past, url, sizeof(url));
	*out = m;
	return 0;
}

/*
 * An event's agenda: its sessions, the first of each day carrying the
 * day's label; times are the event's own wall-clock times.
 */
static int
add_agenda(struct req *r, json_t *v)
{
	json_t *list, *s;
	const char *prev = "";
	struct tm tm;
	char label[64];
	size_t i;
	int rc;

	if ((rc = store_event_sessions(r->db, json_integer_value(
	    json_object_get(v, "id")), &list)) != STORE_OK)
		return rc;
	json_array_foreach(list, i, s) {
		const char *day = json_string_value(json_object_get(s, "day"));

		if (strcmp(day, prev) != 0) {
			memset(&tm, 0, sizeof(tm));
			if (strptime(day, "%Y-%m-%d", &tm) != NULL) {
				tm.tm_hour = 12;
				tm.tm_isdst = -1;
				timegm(&tm);
				strftime(label, sizeof(label), "%A, %B %-d",
				    &tm);
			} else {
				snprintf(label, sizeof(label), "%s", day);
			}
			json_object_set_new(s, "day_label", json_string(label));
		}
		prev = day;
	}
	json_object_set_new(v, "has_agenda", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(v, "agenda", list);
	return STORE_OK;
}

/* An event's speakers, with their photos, under "speakers". */
static int
add_speakers(struct req *r, json_t *v)
{
	json_t *list;
	int rc;

	if ((rc = store_event_speakers(r->db, json_integer_value(
	    json_object_get(v, "id")), &list)) != STORE_OK)
		return rc;
	view_speakers(list);
	json_object_set_new(v, "has_speakers", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(v, "speakers", list);
	return STORE_OK;
}

/*
 * Whether registration is open and until when; the page changes when it
 * closes.  Seat counts stay off the shared page (the form page has them).
 */
static int
add_registration(struct req *r, enum kind k, json_t *v, const char *slug)
{
	json_t *t;
	int64_t closes;
	char when[96], url[160];
	int rc;

	if ((rc = store_reg_target_by_slug(r->db, k == K_EVENT ? REG_EVENT :
	    REG_WEBINAR, slug, &t)) != STORE_OK)
		return rc;
	own_json(r, t);
	closes = json_integer_value(json_object_get(t, "closes_at"));
	json_object_set_new(v, "registration_open", json_boolean(reg_open(t,
	    page_now())));
	json_object_set_new(v, "registration_closes_at", json_integer(closes));
	view_fmt_date_long(closes, when, sizeof(when));
	json_object_set_new(v, "registration_closes", json_string(when));
	snprintf(url, sizeof(url), "%s/%s/register", kinds[k].base, slug);
	json_object_set_new(v, "register_url", json_string(url));
	cache_dep_until(closes);
	return STORE_OK;
}

static int
model_one(struct req *r, enum kind k, const char *slug, json_t **out)
{
	json_t *v;
	int64_t ends;
	int rc;

	*out = NULL;
	if (!url_is_slug(slug, strlen(slug)))
		return 404;
	if ((rc = kinds[k].get(r->db, slug, &v)) != STORE_OK)
		return status_store(rc);
	own_json(r, v);
	kinds[k].view(v);
	picture_first(json_object_get(v, "image"));
	ends = json_integer_value(json_object_get(v, "ends_at"));
	json_object_set_new(v, "is_past", json_boolean(ends < page_now()));
	/* A webinar that has taken place is watched on demand. */
	if (k == K_WEBINAR)
		json_object_set_new(v, "on_demand", json_boolean(ends <
		    page_now()));
	cache_dep_until(ends);
	rc = k == K_EVENT ? add_agenda(r, v) : STORE_OK;
	if (rc == STORE_OK && k == K_EVENT)
		rc = add_speakers(r, v);
	if (rc == STORE_OK)
		rc = add_registration(r, k, v, slug);
	if (rc != STORE_OK)
		return status_store(rc);
	*out = json_pack("{s:O}", kinds[k].one_key, v);
	return 0;
}

int
model_events(struct req *r, int past, json_t **out)
{
	return model_list(r, K_EVENT, past, out);
}

int
model_event(struct req *r, const char *slug, json_t **out)
{
	return model_one(r, K_EVENT, slug, out);
}

int
model_webinars(struct req *r, int past, json_t **out)
{
	return model_list(r, K_WEBINAR, past, out);
}

int
model_webinar(struct req *r, const char *slug, json_t **out)
{
	return model_one(r, K_WEBINAR, slug, out);
}

static int
render(struct req *r, int status, json_t *m, const char *tpl, const char *title)
{
	int rc;

	if (status != 0)
		return status;
	own_json(r, m);
	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(m, "page", json_pack("{s:s}", "title", title));
	return page_render(r, 200, tpl, json_incref(m));
}

static int
list_page(struct req *r, enum kind k, int past)
{
	json_t *m;
	int status = model_list(r, k, past, &m);
	const char *title = kinds[k].title[past];

	if (status == 0 && json_is_string(json_object_get(m, "heading")))
		title = json_string_value(json_object_get(m, "heading"));
	return render(r, status, m, kinds[k].list_key, title);
}

static int
one_page(struct req *r, enum kind k)
{
	json_t *m, *o;
	int status = model_one(r, k, r->arg[0], &m);
	const char *title = "";

	if (status == 0) {
		o = json_object_get(m, kinds[k].one_key);
		title = json_string_value(json_object_get(o, k == K_EVENT ?
		    "name" : "title"));
	}
	return render(r, status, m, kinds[k].one_key, title ? title : "");
}

int page_events(struct req *r) { return list_page(r, K_EVENT, 0); }
int page_events_archive(struct req *r) { return list_page(r, K_EVENT, 1); }
int page_event(struct req *r) { return one_page(r, K_EVENT); }
int page_webinars(struct req *r) { return list_page(r, K_WEBINAR, 0); }
int page_webinars_archive(struct req *r) { return list_page(r, K_WEBINAR, 1); }
int page_webinar(struct req *r) { return one_page(r, K_WEBINAR); }
