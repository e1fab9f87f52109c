/*
 * test_demo.c — the demo publication, loaded once into a temporary SQLite
 * file: the seed article and its byline, the seed's menu, full sections,
 * upcoming events and webinars, the seed's webinars and events with their
 * dates, generated images, a deterministic generator, no sentence copied
 * from the seed page, and a second load refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "db.h"
#include "demo.h"
#include "embed.h"
#include "migrate.h"
#include "util.h"

#define SEED_PAGE	"../shared/seed/article-page.txt"

static char dir[] = "/tmp/masthead-test-demo-XXXXXX";
static char dbpath[300], media[300];
static struct db *db;
static int64_t loaded_at;

static int
setup(void **state)
{
	char err[1024];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/demo.db", dir);
	snprintf(media, sizeof(media), "%s/media", dir);
	if ((db = db_open(dbpath, err, sizeof(err))) == NULL ||
	    migrate_run(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	loaded_at = now_unix();
	if (demo_load(db, media, err, sizeof(err)) != 0) {
		fprintf(stderr, "demo_load: %s\n", err);
		return -1;
	}
	return 0;
}

static void
rm_dir(const char *path)
{
	char p[600];
	struct dirent *e;
	DIR *d;

	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (unlink(p) != 0)
			rm_dir(p);
	}
	closedir(d);
	rmdir(path);
}

static int
teardown(void **state)
{
	(void)state;
	db_close(db);
	rm_dir(dir);
	return 0;
}

/* Runs sql with an optional text parameter; returns the first column of the first row. */
static int64_t
scalar(const char *sql, const char *arg)
{
	struct db_stmt *st = db_stmt(db, sql);
	int64_t v;

	assert_non_null(st);
	if (arg != NULL)
		db_bind_str(st, 1, arg);
	assert_int_equal(db_step(st), DB_ROW);
	v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

static void
utc_date(int64_t t, char *out, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, sz, "%Y-%m-%d", &tm);
}

static const char sql_xiaomi[] =
    "SELECT a.type, a.status, s.slug, au.name, au.role, a.published_at,"
    " a.hero_credit, a.hero_licence, a.hero_licence_url, a.signoff,"
    " a.body_html, a.hero_caption, i.width, i.height, i.bytes, i.hash"
    " FROM articles a JOIN sections s ON s.id = a.section_id"
    " JOIN article_authors aa ON aa.article_id = a.id AND aa.position = 0"
    " JOIN authors au ON au.id = aa.author_id"
    " JOIN images i ON i.id = a.hero_image_id"
    " WHERE a.slug = 'us-scraps-xiaomi-blacklisting'";

static void
test_xiaomi_article(void **state)
{
	unsigned char sum[crypto_hash_sha256_BYTES], head[2];
	char date[16], path[400], hex[2 * crypto_hash_sha256_BYTES + 1];
	struct db_stmt *st = db_stmt(db, sql_xiaomi);
	struct stat sb;
	unsigned char *data;
	FILE *f;

	(void)state;
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0, NULL), "news-analysis");
	assert_string_equal(db_col_text(st, 1, NULL), "published");
	assert_string_equal(db_col_text(st, 2, NULL), "asia");
	assert_string_equal(db_col_text(st, 3, NULL), "Ken Wieland");
	assert_string_equal(db_col_text(st, 4, NULL), "contributing editor");
	utc_date(db_col_int(st, 5), date, sizeof(date));
	assert_string_equal(date, "2021-05-12");
	assert_string_equal(db_col_text(st, 6, NULL), "keso s on Flickr");
	assert_string_equal(db_col_text(st, 7, NULL), "CC BY 2.0");
	assert_string_equal(db_col_text(st, 8, NULL),
	    "https://creativecommons.org/licenses/by/2.0/");
	assert_string_equal(db_col_text(st, 9, NULL),
	    "— Ken Wieland, contributing editor, special to Light Reading");
	assert_non_null(strstr(db_col_text(st, 10, NULL), "<h2"));
	assert_true(strlen(db_col_text(st, 11, NULL)) > 20);

	/* The hero image is a real 1600x900 JPEG stored under its SHA-256. */
	assert_int_equal(db_col_int(st, 12), 1600);
	assert_int_equal(db_col_int(st, 13), 900);
	snprintf(path, sizeof(path), "%s/%s.jpg", media, db_col_text(st, 15,
	    NULL));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal((int64_t)sb.st_size, db_col_int(st, 14));
	assert_non_null(f = fopen(path, "rb"));
	data = xmalloc((size_t)sb.st_size);
	assert_int_equal(fread(data, 1, (size_t)sb.st_size, f),
	    (size_t)sb.st_size);
	fclose(f);
	memcpy(head, data, 2);
	assert_int_equal(head[0], 0xff);
	assert_int_equal(head[1], 0xd8);
	assert_true(sodium_init() >= 0);
	crypto_hash_sha256(sum, data, (unsigned long long)sb.st_size);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	assert_string_equal(hex, db_col_text(st, 15, NULL));
	free(data);
	db_reset(st);
}

static const char sql_menu_top[] =
    "SELECT label FROM menu_items WHERE menu = $1 AND parent_id IS NULL"
    " ORDER BY position";
static const char sql_menu_children[] =
    "SELECT c.label FROM menu_items c JOIN menu_items p ON p.id = c.parent_id"
    " WHERE p.menu = 'main' AND p.label = $1 ORDER BY c.position";

static void
assert_labels(const char *sql, const char *arg, const char *const *want,
    size_t n)
{
	struct db_stmt *st = db_stmt(db, sql);
	size_t i = 0;

	assert_non_null(st);
	db_bind_str(st, 1, arg);
	while (db_step(st) == DB_ROW) {
		assert_true(i < n);
		assert_string_equal(db_col_text(st, 0, NULL), want[i]);
		i++;
	}
	db_reset(st);
	assert_int_equal(i, n);
}

static void
test_menus(void **state)
{
	static const char *const top[] = {
		"5G", "6G", "The Core", "The Edge", "Open RAN",
		"Private Networks", "The Cloud", "Security", "AI/Automation",
		"Cable Tech", "IoT", "OSS/BSS/CX", "SD-WAN", "Optical/IP",
		"Test & Measurement", "Services", "4G/3G/WiFi", "Satellite",
		"Video/Media", "Regions", "Industry Show News", "Events",
		"Events Archives", "Webinars", "White Papers", "Tech Centers",
		"Market Leader Programs", "Communities", "Light Reading Video",
		"Light Reading Audio",
	};
	static const char *const cable[] = {
		"DOCSIS", "CCAP", "Cable Business Services", "10G",
		"The Bauminator",
	};
	static const char *const optical[] = {
		"FTTX", "DCI", "Routing", "Any Haul/X-Haul",
	};
	static const char *const webinars[] = {
		"Upcoming Webinars", "Archived Webinars", "5G Webinars",
		"Live Learning Webinars",
	};
	static const char *const communities[] = {
		"The 5G Exchange", "LR Asia", "Broadband World News",
		"Connecting Africa", "Telecoms.com", "Women In Comms",
	};
	static const char *const footer[] = {
		"News & Views", "Events", "Leading Lights Awards", "About Us",
		"Advertise With Us", "Newsletter Signup", "Your Data", "Privacy",
		"Terms of Use", "Contact",
	};

	(void)state;
	assert_labels(sql_menu_top, "main", top, ARRAY_SIZE(top));
	assert_labels(sql_menu_children, "Cable Tech", cable,
	    ARRAY_SIZE(cable));
	assert_labels(sql_menu_children, "Optical/IP", optical,
	    ARRAY_SIZE(optical));
	assert_labels(sql_menu_children, "Webinars", webinars,
	    ARRAY_SIZE(webinars));
	assert_labels(sql_menu_children, "Communities", communities,
	    ARRAY_SIZE(communities));
	assert_labels(sql_menu_top, "footer", footer, ARRAY_SIZE(footer));
	/* The Events menu follows what is upcoming, soonest first. */
	assert_int_equal(scalar("SELECT count(*) FROM menu_items m"
	    " JOIN menu_items p ON p.id = m.parent_id"
	    " WHERE p.label = 'Events' AND m.url LIKE '/events/%'", NULL), 6);
	assert_int_equal(scalar("SELECT count(*) FROM menu_items m"
	    " JOIN menu_items p ON p.id = m.parent_id"
	    " JOIN events e ON m.url = '/events/' || e.slug"
	    " WHERE p.label = 'Events' AND e.ends_at > strftime('%s', 'now')"
	    " AND NOT EXISTS (SELECT 1 FROM menu_items m2"
	    "  JOIN events e2 ON m2.url = '/events/' || e2.slug"
	    "  WHERE m2.parent_id = m.parent_id AND m2.position < m.position"
	    "  AND e2.starts_at > e.starts_at)", NULL), 6);
	assert_int_equal(scalar("SELECT count(*) FROM menu_items m"
	    " JOIN menu_items p ON p.id = m.parent_id"
	    " JOIN events e ON m.url = '/events/' || e.slug"
	    " WHERE p.label = 'Events Archives'"
	    " AND e.ends_at < strftime('%s', 'now')", NULL), 3);
}

static const char sql_leaves[] =
    "SELECT s.slug, (SELECT count(*) FROM articles a WHERE a.section_id = s.id"
    " AND a.status = 'published') FROM sections s WHERE NOT EXISTS"
    " (SELECT 1 FROM sections c WHERE c.parent_id = s.id) ORDER BY s.slug";
static const char sql_listed[] =
    "SELECT count(*) FROM section_articles x JOIN sections s"
    " ON s.id = x.section_id WHERE s.slug = $1";

static void
test_sections_full(void **state)
{
	struct db_stmt *st = db_stmt(db, sql_leaves);
	int leaves = 0;

	(void)state;
	assert_non_null(st);
	while (db_step(st) == DB_ROW) {
		if (db_col_int(st, 1) < 14)
			fail_msg("section %s has %lld published articles",
			    db_col_text(st, 0, NULL),
			    (long long)db_col_int(st, 1));
		leaves++;
	}
	db_reset(st);
	assert_int_equal(leaves, 42);
	assert_int_equal(scalar("SELECT count(*) FROM sections WHERE kind ="
	    " 'topic' AND parent_id IS NULL", NULL), 21);
	/* Parents list their children's stories. */
	assert_true(scalar(sql_listed, "cable-tech") >= 5 * 14);
	assert_true(scalar(sql_listed, "optical-ip") >= 4 * 14);
	assert_true(scalar(sql_listed, "light-reading-audio") >= 2 * 14);
	assert_int_equal(scalar("SELECT count(*) FROM articles a WHERE NOT EXISTS"
	    " (SELECT 1 FROM article_authors x WHERE x.article_id = a.id)",
	    NULL), 0);
	assert_int_equal(scalar("SELECT count(*) FROM articles WHERE"
	    " title LIKE '%{%' OR body_md LIKE '%{%' OR dek LIKE '%{%'", NULL),
	    0);
	assert_int_equal(scalar("SELECT count(*) FROM articles WHERE"
	    " body_html NOT LIKE '%<h2%'", NULL), 0);
	assert_true(scalar("SELECT count(*) FROM articles WHERE type ="
	    " 'partner-perspective' AND sponsor_id IS NOT NULL", NULL) == 5);
	assert_true(scalar("SELECT count(*) FROM articles WHERE type ="
	    " 'guest-perspective'", NULL) == 2);
}

static void
test_upcoming(void **state)
{
	char now[32];

	(void)state;
	snprintf(now, sizeof(now), "%lld", (long long)loaded_at);
	assert_true(scalar("SELECT count(*) FROM events"
	    " WHERE starts_at > CAST($1 AS INTEGER)", now) >= 4);
	assert_true(scalar("SELECT count(*) FROM events"
	    " WHERE ends_at < CAST($1 AS INTEGER)", now) >= 4);
	assert_true(scalar("SELECT count(*) FROM webinars"
	    " WHERE starts_at > CAST($1 AS INTEGER)", now) >= 5);
	/* The nearest upcoming event is within a month. */
	assert_true(scalar("SELECT min(starts_at) FROM events"
	    " WHERE starts_at > CAST($1 AS INTEGER)", now) <
	    loaded_at + 31 * 86400);
	assert_true(scalar("SELECT count(*) FROM articles WHERE published_at"
	    " > CAST($1 AS INTEGER) - 7 * 86400", now) >= 10);
}

static const char sql_webinars[] =
    "SELECT series, title, starts_at FROM webinars";

static void
test_seed_webinars(void **state)
{
	static const struct {
		const char	*title;
		const char	*date;
	} want[] = {
		{ "ODIM - Simplifying Distributed Infrastructure Management in"
		  " 5G Networks", "2021-05-13" },
		{ "Pivoting to addressable ads to uplift Pay TV revenues",
		  "2021-05-18" },
		{ "What is the future of the semiconductor supply chain?",
		  "2021-05-18" },
		{ "Cloud-Native Marketplace for Telcos: Everything you need to"
		  " know from IT to infrastructure", "2021-05-19" },
		{ "Fiber Monitoring – the Missing Piece in the Broadband and"
		  " 5G Networks Monitoring Puzzle", "2021-05-19" },
		{ "SCTE Live Learning Webinar™ Series: Fighting Fiber with"
		  " More Fiber", "2021-05-20" },
		{ "Simplifying Network Disaggregation to Accelerate New"
		  " Services", "2021-05-20" },
		{ "Optical Networking Digital Symposium: A New Age of Optical"
		  " Networking - Day One", "2021-05-25" },
		{ "Maximizing the ROI of your 5G Spectrum Assets",
		  "2021-05-26" },
		{ "Optical Networking Digital Symposium: A New Age of Optical"
		  " Networking - Day Two", "2021-05-27" },
		{ "5G Orchestration & Service Assurance Digital Symposium",
		  "2021-06-01" },
	};
	struct db_stmt *st;
	char full[400], date[16];
	const char *series;
	size_t i, found;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		assert_non_null(st = db_stmt(db, sql_webinars));
		found = 0;
		while (db_step(st) == DB_ROW) {
			series = db_col_text(st, 0, NULL);
			snprintf(full, sizeof(full), "%s%s%s", series,
			    *series ? ": " : "", db_col_text(st, 1, NULL));
			utc_date(db_col_int(st, 2), date, sizeof(date));
			if (strcmp(full, want[i].title) == 0 &&
			    strcmp(date, want[i].date) == 0)
				found++;
		}
		db_reset(st);
		if (found != 1)
			fail_msg("webinar \"%s\" on %s found %zu times",
			    want[i].title, want[i].date, found);
	}
}

static const char sql_event_dates[] =
    "SELECT starts_at, ends_at FROM events WHERE slug = $1";

static void
test_seed_events(void **state)
{
	static const struct {
		const char	*slug;
		const char	*starts;
		const char	*ends;
	} want[] = {
		{ "optical-networking-digital-symposium-2021", "2021-05-25",
		  "2021-05-27" },
		{ "5g-orchestration-service-assurance-digital-symposium-2021",
		  "2021-06-01", "2021-06-01" },
		{ "asia-tech-2021-digital-symposium", "2021-06-17",
		  "2021-06-17" },
		{ "cable-next-gen-europe-digital-symposium-2021", "2021-06-22",
		  "2021-06-24" },
	};
	struct db_stmt *st;
	char date[16];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		assert_non_null(st = db_stmt(db, sql_event_dates));
		db_bind_str(st, 1, want[i].slug);
		assert_int_equal(db_step(st), DB_ROW);
		utc_date(db_col_int(st, 0), date, sizeof(date));
		assert_string_equal(date, want[i].starts);
		utc_date(db_col_int(st, 1), date, sizeof(date));
		assert_string_equal(date, want[i].ends);
		db_reset(st);
	}
	assert_int_equal(scalar("SELECT count(*) FROM events WHERE kind ="
	    " 'awards' AND name = 'Leading Lights Awards'", NULL), 1);
}

/* Copies s with every run of white space made one space. */
static char *
squeeze(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;
	int sp = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			sp = 1;
			continue;
		}
		if (sp && o > out)
			*o++ = ' ';
		sp = 0;
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/*
 * Facts the demo must state in the seed's own words: the byline sign-off
 * that the brief prescribes, and an event name that stands alone on a
 * line of the seed's sidebar.
 */
static const char *const seed_facts[] = {
	"— Ken Wieland, contributing editor, special to Light Reading",
	"5G Orchestration & Service Assurance Digital Symposium",
};

/*
 * Splits text into sentences: at line ends (or at blank lines when
 * paragraphs is set) and after ". ", "? ", "! ".  Calls check on each
 * one longer than 40 bytes.
 */
static size_t
seed_sentences(const char *text, int paragraphs,
    size_t (*check)(const char *))
{
	size_t n = strlen(text), i, start = 0, hits = 0, k;
	char *para, *s;
	int end;

	for (i = 0; i <= n; i++) {
		if (paragraphs)
			end = i == n || (text[i] == '\n' && text[i + 1] == '\n');
		else
			end = i == n || text[i] == '\n';
		if (!end)
			continue;
		para = squeeze(text + start, i - start);
		for (s = para; *s != '\0'; s += k) {
			for (k = 0; s[k] != '\0'; k++)
				if (strchr(".?!", s[k]) != NULL && s[k + 1] == ' ') {
					k++;
					break;
				}
			if (k > 40) {
				char *one = xstrndup(s, k);
				char *t = squeeze(one, strlen(one));

				hits += check(t);
				free(t);
				free(one);
			}
			while (s[k] == ' ')
				k++;
		}
		free(para);
		start = i + 1;
	}
	return hits;
}

static char **demo_texts;
static const char **demo_names;
static size_t ndemo, nchecked;

static size_t
check_sentence(const char *sentence)
{
	size_t i, hits = 0;

	for (i = 0; i < ARRAY_SIZE(seed_facts); i++)
		if (strcmp(sentence, seed_facts[i]) == 0)
			return 0;
	nchecked++;
	for (i = 0; i < ndemo; i++)
		if (strstr(demo_texts[i], sentence) != NULL) {
			print_error("%s copies the seed: \"%s\"\n", demo_names[i],
			    sentence);
			hits++;
		}
	return hits;
}

static void
test_no_seed_sentences(void **state)
{
	struct buf seed = BUF_INIT;
	char chunk[4096];
	size_t n, i, hits;
	FILE *f;

	(void)state;
	if ((f = fopen(SEED_PAGE, "rb")) == NULL) {
		/* ../shared is beside every checkout; its absence is a failure. */
		fail_msg("%s is absent", SEED_PAGE);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&seed, chunk, n);
	fclose(f);
	assert_false(buf_err(&seed));
	assert_true(seed.len > 1000);

	demo_texts = xcalloc(embed_count, sizeof(*demo_texts));
	demo_names = xcalloc(embed_count, sizeof(*demo_names));
	ndemo = 0;
	for (i = 0; i < embed_count; i++) {
		if (strncmp(embed_files[i].name, "demo/", 5) != 0)
			continue;
		demo_names[ndemo] = embed_files[i].name;
		demo_texts[ndemo++] = squeeze((const char *)embed_files[i].data,
		    embed_files[i].len);
	}
	assert_true(ndemo > 20);
	nchecked = 0;
	hits = seed_sentences(seed.p, 0, check_sentence) +
	    seed_sentences(seed.p, 1, check_sentence);
	print_message("checked %zu seed sentences against %zu demo files\n",
	    nchecked, ndemo);
	assert_true(nchecked > 20);
	for (i = 0; i < ndemo; i++)
		free(demo_texts[i]);
	free(demo_texts);
	free(demo_names);
	buf_free(&seed);
	assert_int_equal(hits, 0);
}

static const char sql_section_names[] = "SELECT slug, name FROM sections";

static void
test_generator_deterministic(void **state)
{
	const struct embed_file *f = embed_find("demo/generator.json");
	struct demo_article *a = NULL, *b = NULL;
	json_t *gen, *names = json_object(), *t1 = json_object();
	json_t *t2 = json_object(), *deks;
	struct db_stmt *st;
	char err[512];
	size_t na = 0, nb = 0, i;

	(void)state;
	assert_non_null(f);
	assert_non_null(gen = json_loadb((const char *)f->data, f->len, 0,
	    NULL));
	assert_non_null(st = db_stmt(db, sql_section_names));
	while (db_step(st) == DB_ROW)
		json_object_set_new(names, db_col_text(st, 0, NULL),
		    json_string(db_col_text(st, 1, NULL)));
	db_reset(st);
	assert_int_equal(demo_gen_articles(gen, names, 1700000000, t1, &a, &na,
	    err, sizeof(err)), 0);
	assert_int_equal(demo_gen_articles(gen, names, 1700000000, t2, &b, &nb,
	    err, sizeof(err)), 0);
	assert_int_equal(na, nb);
	assert_true(na >= 42 * 14);
	for (i = 0; i < na; i++) {
		assert_string_equal(a[i].title, b[i].title);
		assert_string_equal(a[i].slug, b[i].slug);
		assert_string_equal(a[i].body, b[i].body);
		assert_int_equal(a[i].published_at, b[i].published_at);
		assert_true(a[i].published_at < 1700000000);
		assert_true(a[i].published_at > 1700000000 - 121 * 86400);
	}
	/* Every slug is unique, so the set has one entry per story. */
	assert_int_equal(json_object_size(t1), na);
	demo_articles_free(a, na);
	demo_articles_free(b, nb);
	json_object_clear(t2);

	/* A template with an unknown slot is an error that names it. */
	deks = json_object_get(json_object_get(json_object_get(gen, "styles"),
	    "news"), "deks");
	json_array_clear(deks);
	json_array_append_new(deks, json_string("{nonsense}"));
	assert_int_equal(demo_gen_articles(gen, names, 1700000000, t2, &a, &na,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "{nonsense}"));
	assert_null(a);
	json_decref(t1);
	json_decref(t2);
	json_decref(names);
	json_decref(gen);
}

static void
test_parse_time(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
		int64_t		 want;	/* with now = 1000000 */
	} cases[] = {
		{ "2021-05-12", 1, 1620777600 },
		{ "2021-05-12T13:00:00Z", 1, 1620824400 },
		{ "2021-05-12T13:00Z", 1, 1620824400 },
		{ "1970-01-01", 1, 0 },
		{ "-3d", 1, 1000000 - 3 * 86400 },
		{ "-5h", 1, 1000000 - 5 * 3600 },
		{ "+2d3h4m", 1, 1000000 + 2 * 86400 + 3 * 3600 + 4 * 60 },
		{ "+1d@15:30", 1, 1036800 + 15 * 3600 + 30 * 60 },
		{ "2021-13-01", 0, 0 },
		{ "2021-05-12T25:00:00Z", 0, 0 },
		{ "2021-05-12T13:00:00", 0, 0 },
		{ "+3x", 0, 0 },
		{ "+d", 0, 0 },
		{ "+1d@9:00", 0, 0 },
		{ "yesterday", 0, 0 },
		{ "", 0, 0 },
	};
	int64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc = demo_parse_time(cases[i].in, 1000000, &t);

		if (cases[i].ok) {
			assert_int_equal(rc, 0);
			assert_int_equal(t, cases[i].want);
		} else
			assert_int_equal(rc, -1);
	}
}

/* Runs last: the database now holds the demo. */
static void
test_second_load_refused(void **state)
{
	int64_t before = scalar("SELECT count(*) FROM articles", NULL);
	char err[512];

	(void)state;
	assert_true(before > 600);
	assert_int_equal(demo_load(db, media, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "already has"));
	assert_int_equal(scalar("SELECT count(*) FROM articles", NULL), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xiaomi_article),
		cmocka_unit_test(test_menus),
		cmocka_unit_test(test_sections_full),
		cmocka_unit_test(test_upcoming),
		cmocka_unit_test(test_seed_webinars),
		cmocka_unit_test(test_seed_events),
		cmocka_unit_test(test_no_seed_sentences),
		cmocka_unit_test(test_generator_deterministic),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_second_load_refused),
	};

	return cmocka_run_group_tests_name("demo", tests, setup, teardown);
}
