/*
 * page_admin_events.c — live events and webinars, for editors: the lists,
 * and an editor for each (name, slug, kind, summary, Markdown body,
 * times in the site's time zone, venue and its postal address, image,
 * sponsor; a webinar's duration and recording; registration: capacity,
 * closing time, questions, and an event's agenda, one session a line).  A save drops, on every instance,
 * the event's own page and .ics file, the lists, calendars and sidebars
 * that show events (or webinars), and nothing else.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "req.h"
#include "jobs.h"
#include "markdown.h"
#include "own.h"
#include "page.h"
#include "registration.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define NAME_MAX_	300
#define SLUG_MAX	100
#define SUMMARY_MAX	2000
#define BODY_MAX	200000
#define LINE_MAX_	300
#define URL_MAX		500
#define PLACE_MAX	100	/* a city or a region */
#define POSTCODE_MAX	20

enum kind {
	K_EVENT,
	K_WEBINAR,
	K__MAX
};

static const struct {
	const char	*path;		/* /admin/<path> */
	const char	*list_tpl, *edit_tpl;
	const char	*title;		/* of the list */
	const char	*one;		/* "event" */
	struct tag	 (*tag)(int64_t);	/* the cache tag of one */
	struct tag	 (*list_tag)(void);	/* lists, calendars, sidebars */
	const char	*name;		/* the field that names one */
} kinds[K__MAX] = {
	[K_EVENT] = { "events", "admin/events", "admin/event", "Events",
	    "event", tag_event, tag_events, "name" },
	[K_WEBINAR] = { "webinars", "admin/webinars", "admin/webinar",
	    "Webinars", "webinar", tag_webinar, tag_webinars, "title" },
};

/* The kinds of live events (view.c labels them). */
static const struct {
	const char	*kind, *label;
} event_kinds[] = {
	{ "conference", "Conference" },
	{ "digital-conference", "Digital Conference" },
	{ "digital-symposium", "Digital Symposium" },
	{ "awards", "Awards" },
};

static void
set_local(json_t *row, const char *col, const char *key, int input)
{
	char b[64];
	int64_t t = json_integer_value(json_object_get(row, col));

	if (input)
		admin_fmt_input(t, b, sizeof(b));
	else
		admin_fmt_local(t, b, sizeof(b));
	json_object_set_new(row, key, json_string(b));
}

static int
list_page(struct req *r, enum kind k)
{
	json_t *rows, *row;
	size_t i;
	int rc;

	rc = k == K_EVENT ? store_events_admin(r->db, &rows) :
	    store_webinars_admin(r->db, &rows);
	if (rc != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, row)
		set_local(row, "starts_at", "starts", 0);
	return admin_render(r, 200, kinds[k].list_tpl, json_pack(
	    "{s:o,s:{s:s}}", "rows", rows, "page", "title", kinds[k].title));
}

/*
 * The editor around f (the form's fields as strings, which it takes):
 * the kinds and sponsors to choose from are marked as f chose them.
 */
static int
editor(struct req *r, enum kind k, int status, int64_t id, json_t *f,
    const char *error, int done)
{
	json_t *sponsors, *sp, *kl, *m;
	const char *chosen;
	char idbuf[24];
	size_t i;
	int rc;

	if ((rc = store_sponsors_all(r->db, &sponsors)) != STORE_OK) {
		json_decref(f);
		return status_store(rc);
	}
	chosen = json_string_value(json_object_get(f, "sponsor_id"));
	json_array_foreach(sponsors, i, sp) {
		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)
		    json_integer_value(json_object_get(sp, "id")));
		json_object_set_new(sp, "selected", json_boolean(chosen !=
		    NULL && strcmp(chosen, idbuf) == 0));
	}
	kl = json_array();
	chosen = json_string_value(json_object_get(f, "kind"));
	for (i = 0; i < ARRAY_SIZE(event_kinds); i++)
		json_array_append_new(kl, json_pack("{s:s,s:s,s:b}", "kind",
		    event_kinds[i].kind, "label", event_kinds[i].label,
		    "selected", chosen != NULL &&
		    strcmp(chosen, event_kinds[i].kind) == 0));
	m = json_pack("{s:o,s:o,s:o,s:b,s:I,s:b,s:{s:s}}", "f", f, "sponsors",
	    sponsors, "kinds", kl, "is_new", id == 0, "id", (json_int_t)id,
	    "done", done, "page", "title", k == K_EVENT ? "Event" : "Webinar");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	return admin_render(r, status, kinds[k].edit_tpl, m);
}

/* The form of a stored row: every field as the form sends it. */
/*
 * How readers attend an event: an explicit choice in the editor, stored
 * as the venue and the "online" flag (online: no venue; in person: a
 * venue, not online; hybrid: both).
 */
static const struct {
	const char	*value;		/* the form's */
	const char	*flag;		/* the editor's radio button */
	int		 online, venue;	/* what the event then has */
} attendances[] = {
	{ "online", "attend_online", 1, 0 },
	{ "in-person", "attend_in_person", 0, 1 },
	{ "hybrid", "attend_hybrid", 1, 1 },
};

/* Checks the radio button of the event's (online, venue) in the form f. */
static void
attendance_form(json_t *f, int online, const char *venue)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attendances); i++)
		if (attendances[i].online == online &&
		    attendances[i].venue == (venue[0] != '\0'))
			json_object_set_new(f, attendances[i].flag,
			    json_true());
}

static json_t *
form_of(enum kind k, json_t *row)
{
	json_t *f = json_object(), *v;
	const char *key;
	char b[32];

	json_object_foreach(row, key, v) {
		if (json_is_string(v))
			json_object_set(f, key, v);
		else if (json_is_integer(v)) {
			snprintf(b, sizeof(b), "%lld",
			    (long long)json_integer_value(v));
			json_object_set_new(f, key, json_string(b));
		}
	}
	admin_fmt_input(view_int(row, "starts_at"), b, sizeof(b));
	json_object_set_new(f, "starts", json_string(b));
	if (k == K_EVENT) {
		admin_fmt_input(view_int(row, "ends_at"), b, sizeof(b));
		json_object_set_new(f, "ends", json_string(b));
		attendance_form(f, json_integer_value(json_object_get(row,
		    "online")) != 0, view_str(row, "venue"));
	}
	return f;
}

/* The registration settings and (events) the agenda of id, as the form has them. */
static int
reg_form(struct req *r, enum kind k, int64_t id, json_t *f)
{
	struct buf a = BUF_INIT;
	json_t *t, *list, *x;
	char b[32];
	size_t i;
	int rc;

	if ((rc = store_reg_target(r->db, k == K_EVENT ? REG_EVENT :
	    REG_WEBINAR, id, &t)) != STORE_OK)
		return rc;
	if (json_is_integer(json_object_get(t, "capacity"))) {
		snprintf(b, sizeof(b), "%lld", (long long)view_int(t,
		    "capacity"));
		json_object_set_new(f, "capacity", json_string(b));
	}
	if (json_is_integer(json_object_get(t, "reg_closes_at"))) {
		admin_fmt_input(view_int(t, "reg_closes_at"), b, sizeof(b));
		json_object_set_new(f, "reg_closes", json_string(b));
	}
	json_object_set(f, "questions", json_object_get(t, "questions"));
	json_decref(t);
	if (k != K_EVENT)
		return STORE_OK;
	if ((rc = store_event_sessions(r->db, id, &list)) != STORE_OK)
		return rc;
	json_array_foreach(list, i, x) {
		buf_printf(&a, "%s %s-%s | %s", view_str(x, "day"),
		    view_str(x, "start_time"), view_str(x, "end_time"),
		    view_str(x, "title"));
		if (view_str(x, "speakers")[0] != '\0' ||
		    view_str(x, "description")[0] != '\0')
			buf_printf(&a, " | %s", view_str(x, "speakers"));
		if (view_str(x, "description")[0] != '\0')
			buf_printf(&a, " | %s", view_str(x, "description"));
		buf_putc(&a, '\n');
	}
	json_decref(list);
	json_object_set_new(f, "agenda", json_string(a.p != NULL &&
	    !buf_err(&a) ? a.p : ""));
	buf_free(&a);
	return admin_speakers_form(r, id, f);
}

#define SESSIONS_MAX	100
#define SESSION_TEXT	1000

/* "HH:MM" with HH 00-23 and MM 00-59. */
static int
hhmm_ok(const char *s)
{
	return strlen(s) == 5 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]) && s[2] == ':' &&
	    isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	    (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
}

/*
 * The agenda text, one session a line ("2026-05-12 09:00-09:45 | Title
 * | Speakers | Description"), into an array of objects; NULL with the
 * sentence the editor sees in msg.
 */
static json_t *
agenda_parse(const char *text, char *msg, size_t msgsz)
{
	json_t *list = json_array();
	const char *p = text;
	char c[4][SESSION_TEXT + 1], when[64], day[16], t0[8], t1[8];
	size_t line = 0;
	int too_long;
	struct tm tm;

	while (p != NULL && *p != '\0') {
		line++;
		/* Up to four cells split at "|"; the last takes the rest. */
		p = admin_line_cells(p, c[0], 4, sizeof(c[0]), &too_long);
		if (too_long) {
			snprintf(msg, msgsz, "Agenda line %zu: a part is longer "
			    "than 1000 bytes.", line);
			goto fail;
		}
		if (c[0][0] == '\0' && c[1][0] == '\0')
			continue;
		if (json_array_size(list) == SESSIONS_MAX) {
			snprintf(msg, msgsz, "An agenda has at most %d "
			    "sessions.", SESSIONS_MAX);
			goto fail;
		}
		snprintf(when, sizeof(when), "%.63s", c[0]);
		memset(&tm, 0, sizeof(tm));
		if (strlen(when) != 22 || when[10] != ' ' || when[16] != '-' ||
		    (memcpy(day, when, 10), day[10] = '\0',
		    strptime(day, "%Y-%m-%d", &tm) == NULL) ||
		    (memcpy(t0, when + 11, 5), t0[5] = '\0', !hhmm_ok(t0)) ||
		    (memcpy(t1, when + 17, 5), t1[5] = '\0', !hhmm_ok(t1))) {
			snprintf(msg, msgsz, "Agenda line %zu: begin with the "
			    "day and times, like 2026-05-12 09:00-09:45.",
			    line);
			goto fail;
		}
		if (strcmp(t1, t0) < 0) {
			snprintf(msg, msgsz, "Agenda line %zu: the session "
			    "ends before it starts.", line);
			goto fail;
		}
		if (c[1][0] == '\0' || strlen(c[1]) > 300) {
			snprintf(msg, msgsz, "Agenda line %zu: give the "
			    "session a title (at most 300 bytes) after a "
			    "\"|\".", line);
			goto fail;
		}
		if (strlen(c[2]) > 300) {
			snprintf(msg, msgsz, "Agenda line %zu: the speakers "
			    "take at most 300 bytes.", line);
			goto fail;
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s,"
		    "s:s}", "day", day, "start_time", t0, "end_time", t1,
		    "title", c[1], "speakers", c[2], "description", c[3]));
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

/* The registration settings of the form; NULL or the sentence to show. */
static const char *
reg_check(struct url_query *q, int64_t *capacity, int64_t *closes,
    char *msg, size_t msgsz)
{
	const char *s = url_query_get(q, "capacity"), *why;
	json_t *qs;

	*capacity = *closes = 0;
	if (s != NULL && s[0] != '\0' &&
	    parse_int(s, strlen(s), 1, 1000000, capacity) != 0)
		return "The capacity is a number of seats from 1 to 1000000, "
		    "or empty for no limit.";
	s = url_query_get(q, "reg_closes");
	if (s != NULL && s[0] != '\0' &&
	    (*closes = admin_parse_local(s)) < 0) {
		snprintf(msg, msgsz, "Registration closes at a date and time "
		    "(YYYY-MM-DDTHH:MM, %s), or leave it empty.",
		    view_timezone());
		return msg;
	}
	s = url_query_get(q, "questions");
	if (s != NULL && strlen(s) > 4000)
		return "The questions are too long.";
	if ((qs = reg_questions(s != NULL ? s : "", &why)) == NULL)
		return why;
	json_decref(qs);
	return NULL;
}

/* Saves the settings and agenda of the form for id, in the transaction. */
static int
reg_save(struct req *r, enum kind k, int64_t id, struct url_query *q,
    int64_t capacity, int64_t closes, json_t *agenda)
{
	struct session_input s[SESSIONS_MAX];
	struct buf qs = BUF_INIT;
	const char *p;
	json_t *x;
	size_t i;
	int rc;

	p = url_query_get(q, "questions");
	for (; p != NULL && *p != '\0'; p++)
		if (*p != '\r')
			buf_putc(&qs, *p);
	rc = store_reg_settings_save(r->db, k == K_EVENT ? REG_EVENT :
	    REG_WEBINAR, id, capacity, closes, qs.p != NULL ? qs.p : "");
	buf_free(&qs);
	/* A larger capacity seats those waiting at once. */
	if (rc == STORE_OK)
		rc = registration_fill(r->db, k == K_EVENT ? REG_EVENT :
		    REG_WEBINAR, id, now_unix());
	if (rc != STORE_OK || k != K_EVENT)
		return rc;
	json_array_foreach(agenda, i, x) {
		s[i].day = view_str(x, "day");
		s[i].start_time = view_str(x, "start_time");
		s[i].end_time = view_str(x, "end_time");
		s[i].title = view_str(x, "title");
		s[i].speakers = view_str(x, "speakers");
		s[i].description = view_str(x, "description");
	}
	return store_event_sessions_set(r->db, id, s, json_array_size(agenda));
}

static int
new_page(struct req *r, enum kind k)
{
	/* How readers attend is chosen, never assumed. */
	return editor(r, k, 200, 0, json_pack("{s:s,s:s}", "timezone",
	    view_timezone(), "duration_min", "60"), NULL, 0);
}

static int
edit_page(struct req *r, enum kind k)
{
	json_t *row, *f;
	int64_t id;
	int rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	rc = k == K_EVENT ? store_event_by_id(r->db, id, &row) :
	    store_webinar_by_id(r->db, id, &row);
	if (rc != STORE_OK)
		return status_store(rc);
	f = form_of(k, row);
	json_decref(row);
	if ((rc = reg_form(r, k, id, f)) != STORE_OK) {
		json_decref(f);
		return status_store(rc);
	}
	return editor(r, k, 200, id, f, NULL, http_query(r, "done") != NULL);
}

/* A form field, "" when absent. */
static const char *
field(struct url_query *q, const char *name)
{
	const char *s = url_query_get(q, name);

	return s != NULL ? s : "";
}

static int
is_link(const char *u)
{
	return u[0] == '\0' || strncmp(u, "https://", 8) == 0 ||
	    strncmp(u, "http://", 7) == 0;
}

/* An IANA zone name as people type it: "Europe/London", "UTC", "Etc/GMT+5". */
static int
zone_ok(const char *z)
{
	size_t n = strlen(z), i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((z[i] >= 'A' && z[i] <= 'Z') ||
		    (z[i] >= 'a' && z[i] <= 'z') ||
		    (z[i] >= '0' && z[i] <= '9') ||
		    strchr("/_+-", z[i]) != NULL))
			return 0;
	return 1;
}

/* Copies the form's fields into f so a refused form comes back as typed. */
static json_t *
form_echo(enum kind k, struct url_query *q)
{
	static const char *const ev[] = { "name", "slug", "kind", "summary",
	    "body_md", "starts", "ends", "timezone", "venue", "url",
	    "sponsor_id", "capacity", "reg_closes", "questions", "agenda",
	    "street_address", "locality", "region", "postal_code", "country",
	    "image", "speakers" };
	static const char *const wb[] = { "title", "slug", "series",
	    "summary", "body_md", "starts", "duration_min", "recording_url",
	    "join_url", "topic", "series_slug", "sponsor_id", "capacity", "reg_closes", "questions", "image" };
	json_t *f = json_object();
	size_t i, n = k == K_EVENT ? ARRAY_SIZE(ev) : ARRAY_SIZE(wb);

	for (i = 0; i < n; i++) {
		const char *key = k == K_EVENT ? ev[i] : wb[i];

		json_object_set_new(f, key, json_string(field(q, key)));
	}
	for (i = 0; k == K_EVENT && i < ARRAY_SIZE(attendances); i++)
		if (strcmp(field(q, "attendance"), attendances[i].value) == 0)
			json_object_set_new(f, attendances[i].flag,
			    json_true());
	return f;
}

/*
 * Reads and checks the form into e or w (pointing into q and md); NULL,
 * or the sentence the editor sees.  Times are read in the site's zone.
 */
/* "" or the hash of an uploaded image. */
static int
image_ok(struct req *r, const char *s)
{
	json_t *img;

	if (s[0] == '\0')
		return 1;
	if (strlen(s) != 64 || strspn(s, "0123456789abcdef") != 64 ||
	    store_image_get(r->db, s, &img) != STORE_OK)
		return 0;
	json_decref(img);
	return 1;
}

/*
 * The parts of the venue's postal address; NULL, or the sentence the
 * editor sees.  The country code is written in capitals into country.
 */
static const char *
address_check(struct url_query *q, char country[3])
{
	const char *c = field(q, "country");

	if (strlen(field(q, "street_address")) > LINE_MAX_)
		return "The street address is too long (at most 300 bytes).";
	if (strlen(field(q, "locality")) > PLACE_MAX ||
	    strlen(field(q, "region")) > PLACE_MAX)
		return "The city and the region take at most 100 bytes each.";
	if (strlen(field(q, "postal_code")) > POSTCODE_MAX)
		return "The postal code takes at most 20 bytes.";
	if (c[0] != '\0' && (strlen(c) != 2 || !isalpha((unsigned char)c[0]) ||
	    !isalpha((unsigned char)c[1])))
		return "The country is a two-letter code such as US, GB or DE.";
	country[0] = (char)toupper((unsigned char)c[0]);
	country[1] = c[0] != '\0' ? (char)toupper((unsigned char)c[1]) : '\0';
	country[2] = '\0';
	return NULL;
}

static const char *
check(struct req *r, enum kind k, struct url_query *q, struct buf *md,
    struct event_input *e, struct webinar_input *w, char *slug,
    size_t slugsz, char country[3], char *msg, size_t msgsz)
{
	const char *name = field(q, kinds[k].name), *s, *p;
	json_t *topic;
	int64_t starts, ends, dur, sponsor;
	int online;
	size_t i;

	if (name[0] == '\0' || strlen(name) > NAME_MAX_)
		return k == K_EVENT ? "An event needs a name (at most 300 "
		    "bytes)." : "A webinar needs a title (at most 300 bytes).";
	s = field(q, "slug");
	if (s[0] == '\0')
		store_slugify(name, slug, slugsz);
	else if (strlen(s) > SLUG_MAX || !url_is_slug(s, strlen(s)))
		return "The slug must be lowercase letters, digits and "
		    "hyphens.";
	else
		strlcpy_(slug, s, slugsz);
	if (slug[0] == '\0')
		return "Give a slug of lowercase letters, digits and hyphens.";
	if (strlen(field(q, "summary")) > SUMMARY_MAX)
		return "The summary is too long (at most 2000 bytes).";
	if (strlen(field(q, "body_md")) > BODY_MAX)
		return "The body is too long.";
	/* Textareas send CRLF; the page keeps LF. */
	for (p = field(q, "body_md"); *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			buf_putc(md, *p);
	if ((starts = admin_parse_local(url_query_get(q, "starts"))) < 0) {
		snprintf(msg, msgsz, "The start is not a date and time "
		    "(YYYY-MM-DDTHH:MM, %s).", view_timezone());
		return msg;
	}
	if ((sponsor = admin_sponsor_of(r, field(q, "sponsor_id"))) < 0)
		return "Choose the sponsor from the list.";
	if (!image_ok(r, field(q, "image")))
		return "The image is the 64-character name of an uploaded "
		    "image (see Images), or empty.";
	if (k == K_WEBINAR) {
		s = field(q, "duration_min");
		if (parse_int(s, strlen(s), 1, 1440, &dur) != 0)
			return "The duration is a number of minutes from 1 to "
			    "1440.";
		if (strlen(field(q, "series")) > LINE_MAX_)
			return "The series name is too long.";
		if (strlen(field(q, "recording_url")) > URL_MAX ||
		    !is_link(field(q, "recording_url")))
			return "The recording must be an http or https URL.";
		if (strlen(field(q, "join_url")) > URL_MAX ||
		    !is_link(field(q, "join_url")))
			return "The link to join must be an http or https URL.";
		s = field(q, "series_slug");
		if (s[0] != '\0' && !url_is_slug(s, strlen(s)))
			return "The series' address is lowercase letters, digits "
			    "and dashes, as in live-learning.";
		memset(w, 0, sizeof(*w));
		w->slug = slug;
		w->title = name;
		w->series = field(q, "series");
		w->summary = field(q, "summary");
		w->recording_url = field(q, "recording_url");
		w->join_url = field(q, "join_url");
		w->series_slug = field(q, "series_slug");
		if ((s = field(q, "topic"))[0] != '\0') {
			if (!url_is_slug(s, strlen(s)) || store_section_get(r->db,
			    s, &topic) != STORE_OK)
				return "The topic is the slug of one of the "
				    "site's sections, as in 5g.";
			own_json(r, topic);
			w->topic_id = view_int(topic, "id");
		}
		w->starts_at = starts;
		w->duration_min = dur;
		w->sponsor_id = sponsor;
		w->image = field(q, "image");
		return NULL;
	}
	s = field(q, "kind");
	for (i = 0; i < ARRAY_SIZE(event_kinds); i++)
		if (strcmp(s, event_kinds[i].kind) == 0)
			break;
	if (i == ARRAY_SIZE(event_kinds))
		return "Choose the kind of event from the list.";
	if ((ends = admin_parse_local(url_query_get(q, "ends"))) < 0) {
		snprintf(msg, msgsz, "The end is not a date and time "
		    "(YYYY-MM-DDTHH:MM, %s).", view_timezone());
		return msg;
	}
	if (ends < starts)
		return "The event ends before it starts.";
	if (ends - starts > (int64_t)EVENT_MAX_DAYS * 86400)
		return "An event lasts at most 90 days.";
	if (!zone_ok(field(q, "timezone")))
		return "The time zone is a name such as Europe/London or UTC.";
	if (strlen(field(q, "venue")) > LINE_MAX_)
		return "The venue is too long.";
	for (i = 0; i < ARRAY_SIZE(attendances); i++)
		if (strcmp(field(q, "attendance"), attendances[i].value) == 0)
			break;
	if (i == ARRAY_SIZE(attendances))
		return "Choose how readers attend: online, in person or hybrid.";
	if (attendances[i].venue && field(q, "venue")[0] == '\0')
		return "An event in person or hybrid needs its venue.";
	if (!attendances[i].venue && field(q, "venue")[0] != '\0')
		return "An online event has no venue: empty it, or choose "
		    "hybrid.";
	online = attendances[i].online;
	if (strlen(field(q, "url")) > URL_MAX || !is_link(field(q, "url")))
		return "The event's site must be an http or https URL.";
	if ((p = address_check(q, country)) != NULL)
		return p;
	memset(e, 0, sizeof(*e));
	e->slug = slug;
	e->name = name;
	e->kind = s;
	e->summary = field(q, "summary");
	e->starts_at = starts;
	e->ends_at = ends;
	e->timezone = field(q, "timezone");
	e->venue = field(q, "venue");
	e->online = online;
	e->url = field(q, "url");
	e->sponsor_id = sponsor;
	e->street_address = field(q, "street_address");
	e->locality = field(q, "locality");
	e->region = field(q, "region");
	e->postal_code = field(q, "postal_code");
	e->country = country;
	e->image = field(q, "image");
	return NULL;
}

/* Adds (id 0) or changes one, and drops the pages that show it. */
static int
save(struct req *r, enum kind k, int64_t id)
{
	struct url_query q;
	struct buf html = BUF_INIT, md = BUF_INIT, tags = BUF_INIT;
	struct event_input e;
	struct webinar_input w;
	const char *err;
	char slug[SLUG_MAX + 1], url[64], msg[160], country[3];
	json_t *agenda = NULL, *speakers = NULL;
	int64_t capacity, closes;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if ((err = check(r, k, &q, &md, &e, &w, slug, sizeof(slug), country,
	    msg, sizeof(msg))) != NULL) {
		status = editor(r, k, 422, id, form_echo(k, &q), err, 0);
		goto done;
	}
	if ((err = reg_check(&q, &capacity, &closes, msg, sizeof(msg))) !=
	    NULL || (k == K_EVENT && (agenda = agenda_parse(field(&q,
	    "agenda"), msg, sizeof(msg))) == NULL && (err = msg) != NULL) ||
	    (k == K_EVENT && (speakers = admin_speakers_parse(r, field(&q,
	    "speakers"), msg, sizeof(msg))) == NULL && (err = msg) != NULL)) {
		status = editor(r, k, 422, id, form_echo(k, &q), err, 0);
		goto done;
	}
	if (markdown_render(MD_EDITOR, md.p != NULL ? md.p : "", md.len,
	    &html) != 0 || buf_err(&html) || buf_err(&md)) {
		status = editor(r, k, 422, id, form_echo(k, &q), "The body "
		    "could not be read as Markdown.", 0);
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if (k == K_EVENT) {
		e.body_md = md.p != NULL ? md.p : "";
		e.body_html = html.p != NULL ? html.p : "";
		rc = store_event_save(r->db, &id, &e);
	} else {
		w.body_md = md.p != NULL ? md.p : "";
		w.body_html = html.p != NULL ? html.p : "";
		rc = id != 0 ? registration_recording_news(r->db, id,
		    w.recording_url) : STORE_OK;
		if (rc == STORE_OK)
			rc = store_webinar_save(r->db, &id, &w);
	}
	if (rc == STORE_OK)
		rc = reg_save(r, k, id, &q, capacity, closes, agenda);
	if (rc == STORE_OK && k == K_EVENT)
		rc = admin_speakers_save(r, id, speakers);
	/*
	 * Its own page and .ics carry its tag (under any slug it had);
	 * every list, calendar and sidebar of the kind carries the list tag.
	 */
	tags_add(&tags, kinds[k].tag(id));
	tags_add(&tags, kinds[k].list_tag());
	if (rc == STORE_OK && (bus_publish(r->db, tags.p) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT)
			status = editor(r, k, 409, id, form_echo(k, &q),
			    k == K_EVENT ? "Another event already has that "
			    "slug: choose another one." : "Another webinar "
			    "already has that slug: choose another one.", 0);
		else
			status = status_store(rc);
		goto done;
	}
	bus_apply(tags.p);
	jobs_kick();	/* the emails of readers given a seat */
	snprintf(url, sizeof(url), "/admin/%s/%lld?done=1", kinds[k].path,
	    (long long)id);
	http_redirect(r, 303, url);
	status = 0;
done:
	json_decref(agenda);
	json_decref(speakers);
	buf_free(&html);
	buf_free(&md);
	buf_free(&tags);
	url_query_free(&q);
	return status;
}

static int
update(struct req *r, enum kind k)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : save(r, k, id);
}

int page_admin_events(struct req *r) { return list_page(r, K_EVENT); }
int page_admin_event_new(struct req *r) { return new_page(r, K_EVENT); }
int page_admin_event_edit(struct req *r) { return edit_page(r, K_EVENT); }
int page_admin_event_add(struct req *r) { return save(r, K_EVENT, 0); }
int page_admin_event_update(struct req *r) { return update(r, K_EVENT); }
int page_admin_webinars(struct req *r) { return list_page(r, K_WEBINAR); }
int page_admin_webinar_new(struct req *r) { return new_page(r, K_WEBINAR); }
int page_admin_webinar_edit(struct req *r) { return edit_page(r, K_WEBINAR); }
int page_admin_webinar_add(struct req *r) { return save(r, K_WEBINAR, 0); }
int page_admin_webinar_update(struct req *r) { return update(r, K_WEBINAR); }
