/*
 * page_admin_analytics.c — the newsroom's analytics (docs/analytics.md):
 * the dashboard of /admin/analytics (today, 7 and 30 days, right now,
 * the top stories, sections and referrers), one story's days with a
 * chart drawn on the server, and the CSV export of the top pages.
 *
 * Editors and admins see them (the route table says so); an author's
 * stories are the newsroom's, and their counts are read by editors.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "analytics.h"
#include "buf.h"
#include "csv.h"
#include "geoip.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "util.h"
#include "view.h"

/* Minutes "right now" looks back. */
#define RIGHT_NOW_MIN	5
#define TOP		10
/* Countries a table lists. */
#define COUNTRIES	20
#define CSV_ROWS	500
/* The chart of a story: its days, and the drawing's size in pixels. */
#define CHART_DAYS	30
#define CHART_W		600
#define CHART_H		160

static const struct range {
	const char	*key;
	const char	*label;
	int		 days;
} ranges[] = {
	{ "today", "Today", 1 },
	{ "7", "7 days", 7 },
	{ "30", "30 days", 30 },
};

/* The first day of a range of n days ending today. */
static void
since_day(int days, char day[11])
{
	analytics_day(analytics_now() - (int64_t)(days - 1) * 86400, day);
}

/* The range the query names (7 days when none); NULL when it is bad. */
static const struct range *
range_of(struct req *r)
{
	const char *v = http_query(r, "range");
	size_t i;

	if (v == NULL)
		return &ranges[1];
	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		if (strcmp(v, ranges[i].key) == 0)
			return &ranges[i];
	return NULL;
}

/* Rows of a store read, owned by the request, or the error's status. */
#define READ(call, out) do {						\
	int rc_ = (call);						\
	if (rc_ != STORE_OK)						\
		return status_store(rc_);				\
	own_json(r, (out));						\
} while (0)

/* A CSV field of row's integer key. */
static void
csv_count(struct buf *b, json_t *row, const char *key, int last)
{
	char n[32];

	snprintf(n, sizeof(n), "%lld", (long long)view_int(row, key));
	csv_put(b, n, last);
}

/*
 * Sets m's countries: the views of every page (kind NULL) or of one by
 * country, today, in 7 and in 30 days, with each country's name; and,
 * when no GeoIP database could be read, why countries are unknown.
 */
static int
countries(struct req *r, json_t *m, const char *kind, const char *slug)
{
	char today[11], week[11], month[11];
	const char *why = geoip_status(), *name;
	json_t *rows, *row;
	size_t i;
	int rc;

	since_day(ranges[0].days, today);
	since_day(ranges[1].days, week);
	since_day(ranges[2].days, month);
	if ((rc = store_analytics_countries(r->db, kind, slug, today, week,
	    month, COUNTRIES, &rows)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, row) {
		name = geoip_name(view_str(row, "val"));
		json_object_set_new(row, "name", json_string(name != NULL ?
		    name : view_str(row, "val")));
	}
	json_object_set_new(m, "countries", rows);
	if (why != NULL)
		json_object_set_new(m, "geoip_why", json_string(why));
	return 0;
}

/* The ranges as links, rg the current one; owned by the request. */
static json_t *
range_links(struct req *r, const struct range *rg)
{
	json_t *list = own_json(r, json_array());
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "key",
		    ranges[i].key, "label", ranges[i].label, "current",
		    &ranges[i] == rg));
	return list;
}

/* GET /admin/analytics[?range=today|7|30] */
int
page_admin_analytics(struct req *r)
{
	const struct range *rg = range_of(r);
	json_t *m, *periods, *list, *t, *now, *stories, *sections, *refs,
	    *hosts, *devices;
	char day[11];
	size_t i;
	int status;

	if (rg == NULL)
		return 400;
	periods = own_json(r, json_array());
	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		since_day(ranges[i].days, day);
		READ(store_analytics_totals(r->db, day, &t), t);
		json_array_append_new(periods, json_pack("{s:s,s:I,s:I}",
		    "label", ranges[i].label, "view_count",
		    (json_int_t)view_int(t, "view_count"), "visitor_count",
		    (json_int_t)view_int(t, "visitor_count")));
	}
	READ(store_analytics_right_now(r->db, analytics_now() -
	    RIGHT_NOW_MIN * 60, &now), now);
	since_day(rg->days, day);
	READ(store_analytics_top(r->db, AN_ARTICLE, day, TOP, &stories),
	    stories);
	READ(store_analytics_top(r->db, AN_SECTION, day, TOP, &sections),
	    sections);
	READ(store_analytics_by(r->db, "referrer", day, TOP, &refs), refs);
	READ(store_analytics_by(r->db, "host", day, TOP, &hosts), hosts);
	READ(store_analytics_by(r->db, "device", day, TOP, &devices),
	    devices);
	list = range_links(r, rg);
	m = json_pack("{s:{s:s},s:s,s:s,s:O,s:O,s:i,s:O,s:O,s:O,s:O,s:O,"
	    "s:O}", "page", "title", "Analytics", "range", rg->key,
	    "range_label", rg->label, "ranges", list, "periods", periods,
	    "minutes", RIGHT_NOW_MIN, "now", now, "stories", stories,
	    "sections", sections, "referrers", refs, "hosts", hosts,
	    "devices", devices);
	if ((status = countries(r, m, NULL, NULL)) != 0) {
		json_decref(m);
		return status;
	}
	return admin_render(r, 200, "admin/analytics", m);
}

/* GET /admin/analytics.csv[?range=] — the top stories and sections. */
int
page_admin_analytics_csv(struct req *r)
{
	const struct range *rg = range_of(r);
	static const enum an_kind kinds[] = { AN_ARTICLE, AN_SECTION };
	struct buf *b = own_buf(r, 0);
	json_t *rows, *row;
	char day[11], name[64];
	size_t i, k;

	if (rg == NULL)
		return 400;
	since_day(rg->days, day);
	BUF_LIT(b, "kind,slug,title,views,visitors\r\n");
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		READ(store_analytics_top(r->db, kinds[k], day, CSV_ROWS,
		    &rows), rows);
		json_array_foreach(rows, i, row) {
			csv_put(b, an_kind_names[kinds[k]], 0);
			csv_put(b, view_str(row, "slug"), 0);
			csv_put(b, view_str(row, "title"), 0);
			csv_count(b, row, "view_count", 0);
			csv_count(b, row, "visitor_count", 1);
		}
	}
	/* Then the countries' views; visitors are not counted by country. */
	READ(store_analytics_by(r->db, "country", day, CSV_ROWS, &rows), rows);
	json_array_foreach(rows, i, row) {
		const char *cc = view_str(row, "val"), *cn = geoip_name(cc);

		csv_put(b, "country", 0);
		csv_put(b, cc, 0);
		csv_put(b, cn != NULL ? cn : cc, 0);
		csv_count(b, row, "view_count", 0);
		csv_put(b, "", 1);
	}
	snprintf(name, sizeof(name), "analytics-%s-%s", rg->key, day);
	return http_send_csv(r, name, b);
}

/* GET /admin/analytics/article/:slug — a story's last 30 days. */
int
page_admin_analytics_story(struct req *r)
{
	json_t *a, *days, *rows, *d, *m;
	char day[11], first[11];
	int64_t t0 = analytics_now() - (CHART_DAYS - 1) * 86400, max = 1;
	int64_t views = 0, visitors = 0, seconds = 0, beacons = 0, v;
	size_t i, j = 0;
	int rc;

	if ((rc = store_analytics_article(r->db, r->arg[0], &a)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, a);
	analytics_day(t0, first);
	READ(store_analytics_page_days(r->db, AN_ARTICLE, r->arg[0], first,
	    &days), days);
	/* Every day of the chart, a day without views too. */
	rows = own_json(r, json_array());
	for (i = 0; i < CHART_DAYS; i++) {
		analytics_day(t0 + (int64_t)i * 86400, day);
		d = json_pack("{s:s,s:I,s:I}", "day", day, "view_count",
		    (json_int_t)0, "visitor_count", (json_int_t)0);
		if (j < json_array_size(days) && strcmp(view_str(
		    json_array_get(days, j), "day"), day) == 0) {
			json_t *s = json_array_get(days, j++);

			json_object_set_new(d, "view_count",
			    json_integer(view_int(s, "view_count")));
			json_object_set_new(d, "visitor_count",
			    json_integer(view_int(s, "visitor_count")));
			views += view_int(s, "view_count");
			visitors += view_int(s, "visitor_count");
			seconds += view_int(s, "total_seconds");
			beacons += view_int(s, "beacon_count");
		}
		if ((v = view_int(d, "view_count")) > max)
			max = v;
		json_array_append_new(rows, d);
	}
	json_array_foreach(rows, i, d) {
		int64_t h = view_int(d, "view_count") * (CHART_H - 20) / max;

		json_object_set_new(d, "x", json_integer((json_int_t)i *
		    (CHART_W / CHART_DAYS) + 2));
		json_object_set_new(d, "y", json_integer(CHART_H - h));
		json_object_set_new(d, "h", json_integer(h));
	}
	m = json_pack("{s:{s:s},s:O,s:O,s:I,s:I,s:I,s:I,s:i,s:i,s:i,s:s}",
	    "page", "title", "Analytics of a story", "article", a, "days",
	    rows, "views", (json_int_t)views, "visitors",
	    (json_int_t)visitors, "max", (json_int_t)max,
	    "seconds", (json_int_t)(beacons > 0 ? seconds / beacons : 0),
	    "width", CHART_W, "height", CHART_H, "bar", CHART_W / CHART_DAYS -
	    4, "first", first);
	if (beacons > 0)
		json_object_set_new(m, "timed", json_true());
	if ((rc = countries(r, m, an_kind_names[AN_ARTICLE], r->arg[0])) !=
	    0) {
		json_decref(m);
		return rc;
	}
	return admin_render(r, 200, "admin/analytics_story", m);
}

/*
 * The sponsors' rows of the range the query names (*rg), owned by the
 * request; NULL with the status to answer (400 for a bad range).
 */
static json_t *
sponsor_rows(struct req *r, const struct range **rg, int *status)
{
	json_t *rows;
	char day[11];
	int rc;

	if ((*rg = range_of(r)) == NULL) {
		*status = 400;
		return NULL;
	}
	since_day((*rg)->days, day);
	if ((rc = store_analytics_sponsors(r->db, day, &rows)) != STORE_OK) {
		*status = status_store(rc);
		return NULL;
	}
	return own_json(r, rows);
}

/* GET /admin/analytics/sponsors[?range=] — what each sponsor got. */
int
page_admin_analytics_sponsors(struct req *r)
{
	const struct range *rg;
	json_t *rows, *row, *list, *m;
	size_t i;
	int status = 0;

	if ((rows = sponsor_rows(r, &rg, &status)) == NULL)
		return status;
	json_array_foreach(rows, i, row)
		json_object_set_new(row, "is_hub", json_boolean(strcmp(
		    view_str(row, "kind"), "hub") == 0));
	list = range_links(r, rg);
	m = json_pack("{s:{s:s},s:s,s:s,s:O,s:O}", "page", "title",
	    "Sponsors' reach", "range", rg->key, "range_label", rg->label,
	    "ranges", list, "rows", rows);
	return admin_render(r, 200, "admin/analytics_sponsors", m);
}

/* GET /admin/analytics/sponsors.csv[?range=] */
int
page_admin_analytics_sponsors_csv(struct req *r)
{
	const struct range *rg;
	struct buf *b = own_buf(r, 0);
	json_t *rows, *row;
	char name[64], day[11];
	size_t i;
	int status = 0;

	if ((rows = sponsor_rows(r, &rg, &status)) == NULL)
		return status;
	BUF_LIT(b, "sponsor,kind,slug,title,views,visitors,clicks\r\n");
	json_array_foreach(rows, i, row) {
		csv_put(b, view_str(row, "sponsor_name"), 0);
		csv_put(b, view_str(row, "kind"), 0);
		csv_put(b, view_str(row, "slug"), 0);
		csv_put(b, view_str(row, "title"), 0);
		csv_count(b, row, "view_count", 0);
		csv_count(b, row, "visitor_count", 0);
		csv_count(b, row, "click_count", 1);
	}
	since_day(rg->days, day);
	snprintf(name, sizeof(name), "sponsors-%s-%s", rg->key, day);
	return http_send_csv(r, name, b);
}
