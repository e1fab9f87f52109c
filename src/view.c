/*
 * view.c — URLs, dates and labels for view models.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "escape.h"
#include "picture.h"
#include "sanitize.h"
#include "tag.h"
#include "view.h"
#include "util.h"

static const char *const months[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

static const struct {
	const char	*type;
	const char	*label;
} types[] = {
	{ "news", "News" },
	{ "news-analysis", "News Analysis" },
	{ "feature", "Feature" },
	{ "opinion", "Opinion" },
	{ "interview", "Interview" },
	{ "partner-perspective", "Partner Perspective" },
	{ "guest-perspective", "Guest Perspective" },
	{ "podcast", "Podcast" },
	{ "video", "Video" },
};

static const struct {
	const char	*kind;
	const char	*label;
} event_kinds[] = {
	{ "digital-symposium", "Digital Symposium" },
	{ "digital-conference", "Digital Conference" },
	{ "conference", "Conference" },
	{ "awards", "Awards" },
	{ "webinar", "Webinar" },
};

static char tz_name[64] = "UTC";

void
view_set_timezone(const char *tz)
{
	if (tz != NULL && tz[0] != '\0') {
		setenv("TZ", tz, 1);
		strlcpy_(tz_name, tz, sizeof(tz_name));
	}
	tzset();
}

json_t *
view_type_list(void)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "type",
		    types[i].type, "label", types[i].label));
	return a;
}

const char *
view_timezone(void)
{
	return tz_name;
}

const char *
view_type_label(const char *type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (strcmp(types[i].type, type) == 0)
			return types[i].label;
	return NULL;
}

const char *
view_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

int64_t
view_int(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void
local(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	localtime_r(&tt, tm);
}

void
view_fmt_date_long(int64_t t, char *out, size_t n)
{
	struct tm tm;

	local(t, &tm);
	snprintf(out, n, "%s %d, %d", months[tm.tm_mon], tm.tm_mday,
	    tm.tm_year + 1900);
}

void
view_fmt_date_range(int64_t a, int64_t b, char *out, size_t n)
{
	struct tm x, y;

	local(a, &x);
	local(b, &y);
	if (x.tm_year == y.tm_year && x.tm_yday == y.tm_yday)
		view_fmt_date_long(a, out, n);
	else if (x.tm_year == y.tm_year && x.tm_mon == y.tm_mon)
		snprintf(out, n, "%s %d-%d, %d", months[x.tm_mon], x.tm_mday,
		    y.tm_mday, x.tm_year + 1900);
	else if (x.tm_year == y.tm_year)
		snprintf(out, n, "%s %d - %s %d, %d", months[x.tm_mon],
		    x.tm_mday, months[y.tm_mon], y.tm_mday, x.tm_year + 1900);
	else
		snprintf(out, n, "%s %d, %d - %s %d, %d", months[x.tm_mon],
		    x.tm_mday, x.tm_year + 1900, months[y.tm_mon], y.tm_mday,
		    y.tm_year + 1900);
}

/* The clock time in the site's zone, with the zone's abbreviation. */
void
view_fmt_time(int64_t t, char *out, size_t n)
{
	struct tm tm;
	char zone[16];

	local(t, &tm);
	if (strftime(zone, sizeof(zone), "%Z", &tm) == 0)
		zone[0] = '\0';
	snprintf(out, n, "%d:%02d %s%s%s", tm.tm_hour % 12 != 0 ?
	    tm.tm_hour % 12 : 12, tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM",
	    zone[0] != '\0' ? " " : "", zone);
}

void
view_fmt_datetime(int64_t t, char *out, size_t n)
{
	char d[48], h[48];

	view_fmt_date_long(t, d, sizeof(d));
	view_fmt_time(t, h, sizeof(h));
	snprintf(out, n, "%s, %s", d, h);
}

/* A big-endian 32- or 64-bit integer of a TZif file. */
static int64_t
be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	if (bytes == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/*
 * The abbreviation zone uses at time t ("EST", "BST"), read from its
 * TZif file (RFC 8536) in the system's zoneinfo: glibc answers only for
 * the process's one zone (TZ), which threads cannot switch safely.  The
 * version 2 data (64-bit times) is read; a time past its last
 * transition (2037 in Debian's files) keeps the last one's.  0, or -1
 * when the zone is unknown or its file is not TZif.
 */
static int
zone_abbrev(const char *zone, int64_t t, char *out, size_t n)
{
	unsigned char f[16384], *p, *end;
	int64_t cnt[6], when;
	char path[160];
	size_t len, i, hdr = 44, v1;
	size_t type = 0, k;
	FILE *fp;

	/* A zone name is letters, digits, "_", "-", "+" and "/" only. */
	if (zone[0] == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL ||
	    zone[strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
	    "tuvwxyz0123456789_-+/")] != '\0')
		return -1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	len = fread(f, 1, sizeof(f), fp);
	fclose(fp);
	if (len < hdr || memcmp(f, "TZif", 4) != 0 || f[4] < '2')
		return -1;
	/* Skip the version 1 block: counts at 20 are isutc, isstd, leap,
	 * time, type and char counts. */
	for (i = 0; i < 6; i++)
		cnt[i] = be(f + 20 + 4 * i, 4);
	v1 = hdr + (size_t)cnt[3] * 5 + (size_t)cnt[4] * 6 +
	    (size_t)cnt[5] + (size_t)cnt[2] * 8 + (size_t)cnt[1] +
	    (size_t)cnt[0];
	if (v1 + hdr > len || memcmp(f + v1, "TZif", 4) != 0)
		return -1;
	for (i = 0; i < 6; i++)
		if ((cnt[i] = be(f + v1 + 20 + 4 * i, 4)) < 0 ||
		    cnt[i] > 4096)
			return -1;
	p = f + v1 + hdr;
	end = f + len;
	if ((size_t)(end - p) < (size_t)cnt[3] * 9 + (size_t)cnt[4] * 6 +
	    (size_t)cnt[5] || cnt[4] == 0)
		return -1;
	for (i = 0; i < (size_t)cnt[3]; i++) {
		when = be(p + 8 * i, 8);
		if (when > t)
			break;
		type = p[8 * (size_t)cnt[3] + i];
	}
	if (type >= (size_t)cnt[4])
		return -1;
	p += (size_t)cnt[3] * 9;
	k = p[6 * type + 5];
	p += (size_t)cnt[4] * 6;
	if (k >= (size_t)cnt[5])
		return -1;
	len = strnlen((const char *)p + k, (size_t)cnt[5] - k);
	snprintf(out, n, "%.*s", (int)len, (const char *)p + k);
	return 0;
}

void
view_fmt_zone(const char *zone, int64_t t, char *out, size_t n)
{
	const char *city = strrchr(zone, '/');
	char name[64], abbr[16] = "";
	size_t i;

	snprintf(name, sizeof(name), "%s", city != NULL ? city + 1 : zone);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == '_')
			name[i] = ' ';
	/* "+03" is no name a reader knows: only letters are shown. */
	if (zone_abbrev(zone, t, abbr, sizeof(abbr)) == 0 && abbr[0] != '\0' &&
	    abbr[strspn(abbr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")] == '\0' &&
	    strcmp(abbr, name) == 0)
		snprintf(out, n, "%s", name);	/* "UTC" */
	else if (abbr[0] != '\0' &&
	    abbr[strspn(abbr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")] == '\0')
		snprintf(out, n, "%s time (%s)", name, abbr);
	else
		snprintf(out, n, "%s time", name);
}

void
view_fmt_iso(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
view_fmt_http(int64_t t, char *out, size_t n)
{
	static const char *const wd[7] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, n, "%s, %02d %.3s %d %02d:%02d:%02d GMT", wd[tm.tm_wday],
	    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

static void
set_str(json_t *o, const char *key, const char *val)
{
	json_t *v = json_string(val);

	if (v != NULL)
		json_object_set_new(o, key, v);
}

/* Sets key to prefix + the value of slugkey, when slugkey is a string. */
static void
set_url(json_t *o, const char *key, const char *prefix, const char *slugkey)
{
	const char *slug = json_string_value(json_object_get(o, slugkey));
	char url[512];

	if (slug == NULL)
		return;
	snprintf(url, sizeof(url), "%s%s", prefix, slug);
	set_str(o, key, url);
}

/* prefix and suffix into k (a column's name), cut to fit. */
static const char *
col_name(char *k, size_t size, const char *prefix, const char *suffix)
{
	size_t a = strlen(prefix), b = strlen(suffix);

	if (a > size - 1)
		a = size - 1;
	if (b > size - 1 - a)
		b = size - 1 - a;
	memcpy(k, prefix, a);
	memcpy(k + a, suffix, b);
	k[a + b] = '\0';
	return k;
}

/*
 * Adds an "image" object from the image_* (or photo_*) columns: the
 * object picture.h makes for the partial that draws it, in a slot.  A
 * row without the image's hash has none: nothing else is looked at.
 */
static void
set_image(json_t *o, const char *prefix, const char *key,
    enum picture_slot slot)
{
	char k[6][64];
	const char *hash;
	json_t *img;

	hash = json_string_value(json_object_get(o, col_name(k[0],
	    sizeof(k[0]), prefix, "_hash")));
	if (hash == NULL)
		return;
	img = picture_new(hash,
	    view_str(o, col_name(k[1], sizeof(k[1]), prefix, "_ext")),
	    view_str(o, col_name(k[2], sizeof(k[2]), prefix, "_widths")),
	    json_object_get(o, col_name(k[3], sizeof(k[3]), prefix, "_width")),
	    json_object_get(o, col_name(k[4], sizeof(k[4]), prefix, "_height")),
	    view_str(o, col_name(k[5], sizeof(k[5]), prefix, "_alt")), slot);
	if (img == NULL)
		return;
	json_object_set_new(o, key, img);
}

/*
 * Adds "<prefix>" (May 12, 2021: the site's one date style) and
 * "<prefix>_iso" for the time in key, and "<prefix>_long" (the same
 * text, a name the content API has always had) when asked.
 */
static void
set_dates(json_t *o, const char *key, const char *prefix, int with_long)
{
	json_t *v = json_object_get(o, key);
	char buf[64], k[64];
	int64_t t;

	if (!json_is_integer(v))
		return;
	t = json_integer_value(v);
	view_fmt_date_long(t, buf, sizeof(buf));
	set_str(o, prefix, buf);
	if (with_long) {
		snprintf(k, sizeof(k), "%s_long", prefix);
		set_str(o, k, buf);
	}
	view_fmt_iso(t, buf, sizeof(buf));
	snprintf(k, sizeof(k), "%s_iso", prefix);
	set_str(o, k, buf);
}

/* "Name, role" or "Name, role, company" — the byline of the seed page.
 * A company writing as itself ("Huawei", company "Huawei") is named once:
 * a role or company that repeats the name adds nothing. */
static void
set_byline(json_t *o, const char *name, const char *role,
    const char *company, const char *key)
{
	char b[512];

	if (name[0] == '\0')
		return;
	if (strcasecmp(role, name) == 0)
		role = "";
	if (strcasecmp(company, name) == 0)
		company = "";
	if (role[0] != '\0' && company[0] != '\0')
		snprintf(b, sizeof(b), "%s, %s, %s", name, role, company);
	else if (role[0] != '\0' || company[0] != '\0')
		snprintf(b, sizeof(b), "%s, %s", name,
		    role[0] != '\0' ? role : company);
	else
		snprintf(b, sizeof(b), "%s", name);
	set_str(o, key, b);
}

/* Declares that the page shows the row's object of that id column. */
static void
dep(json_t *o, const char *idkey, struct tag (*tag)(int64_t))
{
	json_t *v = json_object_get(o, idkey);

	if (json_is_integer(v))
		cache_dep_str(tag(json_integer_value(v)).s);
}

void
view_article(json_t *a)
{
	const char *type = view_str(a, "type"), *label = view_type_label(type);

	dep(a, "id", tag_article);
	dep(a, "author_id", tag_author);
	dep(a, "section_id", tag_section);
	dep(a, "sponsor_id", tag_sponsor);
	set_url(a, "url", "/article/", "slug");
	set_url(a, "section_url", "/section/", "section_slug");
	set_url(a, "author_url", "/author/", "author_slug");
	set_str(a, "type_label", label != NULL ? label : type);
	set_dates(a, "published_at", "date", 0);
	set_image(a, "image", "image", PICTURE_THUMB);
	set_image(a, "seo_image", "seo_image", PICTURE_HERO);
	set_byline(a, view_str(a, "author_name"), view_str(a, "author_role"),
	    view_str(a, "author_company"), "byline");
	/* The count changes with comments, not with the story: its own tag. */
	if (json_object_get(a, "comment_count") != NULL) {
		dep(a, "id", tag_comment_count);
		json_object_set_new(a, "has_comments", json_boolean(
		    json_integer_value(json_object_get(a, "comment_count")) >
		    0));
	}
	json_object_set_new(a, "sponsored",
	    json_boolean(strcmp(type, "partner-perspective") == 0));
}

json_t *
view_card_copy(json_t *a)
{
	json_t *c = json_copy(a), *img;

	if (c != NULL && (img = json_object_get(a, "image")) != NULL)
		json_object_set_new(c, "image", json_deep_copy(img));
	return c;
}

void
view_html(json_t *o, const char *key)
{
	const char *h = json_string_value(json_object_get(o, key));
	struct buf b = BUF_INIT, u = BUF_INIT;
	json_t *v;

	if (h == NULL)
		return;
	if (sanitize_html(h, strlen(h), &b) != 0) {
		/* Nothing of a body too large to check goes out. */
		set_str(o, key, "");
		buf_free(&b);
		return;
	}
	v = json_stringn(b.p != NULL ? b.p : "", b.len);
	if (v == NULL) {
		/* jansson takes only UTF-8; a stray byte becomes U+FFFD. */
		esc_utf8(&u, b.p, b.len);
		v = json_stringn(u.p != NULL ? u.p : "", u.len);
	}
	json_object_set_new(o, key, v != NULL ? v : json_string(""));
	buf_free(&u);
	buf_free(&b);
}

void
view_article_full(json_t *a)
{
	view_article(a);
	picture_slot(json_object_get(a, "image"), PICTURE_HERO);
	view_html(a, "body_html");
	set_dates(a, "published_at", "date", 1);
	set_dates(a, "updated_at", "updated", 1);
}

void
view_author(json_t *a)
{
	dep(a, "id", tag_author);
	set_url(a, "url", "/author/", "slug");
	set_image(a, "photo", "photo", PICTURE_AVATAR);
	set_byline(a, view_str(a, "name"), view_str(a, "role"), view_str(a, "company"),
	    "byline");
}

void
view_section(json_t *s)
{
	dep(s, "id", tag_section);
	set_url(s, "url", "/section/", "slug");
}

void
view_tag(json_t *t)
{
	dep(t, "id", tag_topic);
	set_url(t, "url", "/tag/", "slug");
}

static void
set_kind_label(json_t *o, const char *kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(event_kinds); i++)
		if (strcmp(event_kinds[i].kind, kind) == 0) {
			set_str(o, "kind_label", event_kinds[i].label);
			return;
		}
	set_str(o, "kind_label", kind);
}

/*
 * An event or webinar shows its sponsor's name and link: a renamed
 * sponsor drops its pages.  The id itself is not shown.
 */
static void
sponsor_dep(json_t *o)
{
	dep(o, "sponsor_id", tag_sponsor);
	json_object_del(o, "sponsor_id");
}

/*
 * The venue's postal address on one line, as readers see it under the
 * venue: "650 15th Street, Denver, CO 80202, US".  Nothing when the
 * editor gave no part of it.
 */
static void
set_address(json_t *e)
{
	const char *street = view_str(e, "street_address");
	const char *city = view_str(e, "locality"), *region = view_str(e, "region");
	const char *code = view_str(e, "postal_code");
	const char *country = view_str(e, "country");
	char line[700], area[200];

	snprintf(area, sizeof(area), "%s%s%s", region, region[0] != '\0' &&
	    code[0] != '\0' ? " " : "", code);
	line[0] = '\0';
	if (street[0] != '\0')
		strlcpy_(line, street, sizeof(line));
	if (city[0] != '\0')
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
		    line[0] != '\0' ? ", " : "", city);
	if (area[0] != '\0')
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
		    line[0] != '\0' ? ", " : "", area);
	if (country[0] != '\0')
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
		    line[0] != '\0' ? ", " : "", country);
	if (line[0] != '\0')
		set_str(e, "address", line);
}

void
view_event(json_t *e)
{
	char range[96];

	dep(e, "id", tag_event);
	sponsor_dep(e);
	view_html(e, "body_html");
	/* The event's own site, when it has one: "url" is its page here. */
	if (view_str(e, "url")[0] != '\0')
		json_object_set(e, "website", json_object_get(e, "url"));
	set_url(e, "url", "/events/", "slug");
	if (view_str(e, "timezone")[0] != '\0') {
		view_fmt_zone(view_str(e, "timezone"), view_int(e,
		    "starts_at"), range, sizeof(range));
		set_str(e, "timezone_label", range);
	}
	/* Templates test flags for truth, and 0 is not false everywhere. */
	json_object_set_new(e, "online", json_boolean(json_integer_value(
	    json_object_get(e, "online")) != 0));
	set_kind_label(e, view_str(e, "kind"));
	view_fmt_date_range(json_integer_value(json_object_get(e, "starts_at")),
	    json_integer_value(json_object_get(e, "ends_at")), range,
	    sizeof(range));
	set_str(e, "date_range", range);
	set_dates(e, "starts_at", "starts", 0);
	set_image(e, "image", "image", PICTURE_HERO);
	set_address(e);
}

/*
 * "starts_time" (11:00 AM EST, the site's zone) and "starts_when"
 * (December 30, 2026, 11:00 AM EST): a webinar is an hour on a day, and
 * a reader needs both to join it.
 */
static void
set_when(json_t *w)
{
	json_t *v = json_object_get(w, "starts_at");
	char t[48], when[112];

	if (!json_is_integer(v))
		return;
	view_fmt_time(json_integer_value(v), t, sizeof(t));
	set_str(w, "starts_time", t);
	view_fmt_datetime(json_integer_value(v), when, sizeof(when));
	set_str(w, "starts_when", when);
}

void
view_speakers(json_t *a)
{
	json_t *o;
	char role[700];
	size_t i;

	json_array_foreach(a, i, o) {
		/*
		 * A speaker's photo is a small square beside the name, which
		 * says who it is: an image without its own alt text is
		 * decorative (alt="").
		 */
		set_image(o, "photo", "photo", PICTURE_AVATAR);
		snprintf(role, sizeof(role), "%s%s%s", view_str(o, "title"),
		    view_str(o, "title")[0] != '\0' && view_str(o,
		    "company")[0] != '\0' ? ", " : "", view_str(o, "company"));
		if (role[0] != '\0')
			set_str(o, "role", role);
	}
}

void
view_webinar(json_t *w)
{
	dep(w, "id", tag_webinar);
	sponsor_dep(w);
	view_html(w, "body_html");
	set_url(w, "url", "/webinars/", "slug");
	set_dates(w, "starts_at", "starts", 1);
	set_when(w);
	set_image(w, "image", "image", PICTURE_HERO);
	/* The recording itself is for registered readers only. */
	if (json_object_get(w, "has_recording") != NULL)
		json_object_set_new(w, "has_recording", json_boolean(
		    json_integer_value(json_object_get(w, "has_recording")) !=
		    0));
}

/*
 * A white paper shows its sponsor and its cover: a renamed sponsor drops
 * its pages like an event's.
 */
void
view_resource(json_t *o)
{
	char size[32];
	int64_t n = json_integer_value(json_object_get(o, "file_bytes"));

	dep(o, "id", tag_resource);
	sponsor_dep(o);
	view_html(o, "body_html");
	set_url(o, "url", "/resources/", "slug");
	set_image(o, "image", "image", PICTURE_HERO);
	set_dates(o, "published_at", "date", 1);
	if (n > 0) {
		if (n >= 1024 * 1024)
			snprintf(size, sizeof(size), "%.1f MB", (double)n /
			    (1024.0 * 1024.0));
		else
			snprintf(size, sizeof(size), "%lld KB", (long long)
			    ((n + 1023) / 1024));
		set_str(o, "size", size);
	}
	json_object_set_new(o, "is_pdf", json_boolean(strcmp(view_str(o,
	    "kind"), "pdf") == 0));
}

#define EACH(name, fn)						\
void								\
name(json_t *arr)						\
{								\
	size_t i;						\
	json_t *v;						\
								\
	json_array_foreach(arr, i, v)				\
		fn(v);						\
}

EACH(view_articles, view_article)
EACH(view_authors, view_author)
EACH(view_sections, view_section)
EACH(view_tags, view_tag)
EACH(view_events, view_event)
EACH(view_webinars, view_webinar)

/* A list of white papers shows each cover small (site.css .resource-item). */
static void
view_resource_card(json_t *o)
{
	view_resource(o);
	picture_slot(json_object_get(o, "image"), PICTURE_CARD);
}

EACH(view_resources, view_resource_card)
