/*
 * store_analytics.c — the page views of analytics.c written and read
 * (docs/analytics.md).
 *
 * store_analytics_flush(), on the jobs thread every few seconds, takes
 * the views counted in memory, keys each view's digest with its day's
 * salt (analytics_salts: one random salt per UTC day, shared by every
 * instance on one database, deleted once the day is over) and writes
 * them to pageviews.  Once in a while it folds the views older than
 * analytics_raw_days into pageview_days and deletes them.
 *
 * The readers of the dashboard add both up: the raw rows of the days
 * not yet folded and the daily counts of the days folded; a day is in
 * one or the other, never both.  A visitor is one visitor per day: over
 * a range of days the visitors are the sum of each day's (the hashes of
 * two days cannot be linked, by design).
 */
#include <sodium.h>
#include <string.h>

#include "analytics.h"
#include "config.h"
#include "db.h"
#include "store.h"
#include "util.h"

/* Seconds between folds of the old raw views. */
#define FOLD_EVERY	600

static const char sql_salt_add[] =
    "INSERT INTO analytics_salts (day, salt) VALUES ($1, $2)"
    " ON CONFLICT (day) DO NOTHING";
static const char sql_salt_get[] =
    "SELECT salt FROM analytics_salts WHERE day = $1";
static const char sql_salt_drop[] =
    "DELETE FROM analytics_salts WHERE day < $1";
static const char sql_view_add[] =
    "INSERT INTO pageviews (at, day, kind, slug, visitor, referrer,"
    " ref_host, device, country) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
    " $9)";
static const char sql_day_add[] =
    "INSERT INTO pageview_days (day, kind, slug, dim, val, n)"
    " VALUES ($1, $2, $3, $4, '', $5)"
    " ON CONFLICT (day, kind, slug, dim, val) DO UPDATE SET"
    " n = pageview_days.n + excluded.n";

/*
 * The fold: one statement per dimension, each the raw views of the
 * days before $1 counted by page and value.
 */
#define FOLD(dim, val, count, where, by) \
    "INSERT INTO pageview_days (day, kind, slug, dim, val, n)" \
    " SELECT day, kind, slug, '" dim "', " val ", " count \
    " FROM pageviews WHERE day < $1" where \
    " GROUP BY day, kind, slug" by \
    " ON CONFLICT (day, kind, slug, dim, val) DO UPDATE SET" \
    " n = pageview_days.n + excluded.n"
static const char *const sql_fold[] = {
	FOLD("views", "''", "count(*)", "", ""),
	FOLD("visitors", "''", "count(DISTINCT visitor)", "", ""),
	FOLD("referrer", "referrer", "count(*)", "", ", referrer"),
	FOLD("host", "ref_host", "count(*)", " AND ref_host <> ''",
	    ", ref_host"),
	FOLD("device", "device", "count(*)", "", ", device"),
	FOLD("country", "country", "count(*)", " AND country <> ''",
	    ", country"),
};
static const char sql_fold_drop[] = "DELETE FROM pageviews WHERE day < $1";

/*
 * Views and visitors of the pages of a kind since day $1 (both kinds
 * of rows), by slug, most viewed first.  $2 kind, $3 limit.
 */
#define PAGE_COUNTS \
    "SELECT slug, CAST(sum(views) AS BIGINT) AS view_count," \
    " CAST(sum(visitors) AS BIGINT) AS visitor_count FROM (" \
    " SELECT slug, day, count(*) AS views," \
    "  count(DISTINCT visitor) AS visitors FROM pageviews" \
    "  WHERE day >= $1 AND kind = $2 GROUP BY slug, day" \
    " UNION ALL" \
    " SELECT slug, day, CASE WHEN dim = 'views' THEN n ELSE 0 END," \
    "  CASE WHEN dim = 'visitors' THEN n ELSE 0 END FROM pageview_days" \
    "  WHERE day >= $1 AND kind = $2 AND dim IN ('views', 'visitors')" \
    ") v GROUP BY slug"

static const char sql_top_articles[] =
    "SELECT a.slug, a.title, c.view_count, c.visitor_count FROM ("
    PAGE_COUNTS ") c"
    " JOIN articles a ON a.slug = c.slug"
    " ORDER BY c.view_count DESC, c.visitor_count DESC, a.slug LIMIT $3";
static const char sql_top_sections[] =
    "SELECT s.slug, s.name AS title, c.view_count, c.visitor_count FROM ("
    PAGE_COUNTS ") c JOIN sections s ON s.slug = c.slug"
    " ORDER BY c.view_count DESC, c.visitor_count DESC, s.slug LIMIT $3";

/* All pages since $1: views and visitors. */
static const char sql_totals[] =
    "SELECT CAST(COALESCE(sum(views), 0) AS BIGINT) AS view_count,"
    " CAST(COALESCE(sum(visitors), 0) AS BIGINT) AS visitor_count FROM ("
    " SELECT count(*) AS views, count(DISTINCT visitor) AS visitors"
    "  FROM pageviews WHERE day >= $1 GROUP BY day"
    " UNION ALL"
    " SELECT CASE WHEN dim = 'views' THEN n ELSE 0 END,"
    "  CASE WHEN dim = 'visitors' THEN n ELSE 0 END FROM pageview_days"
    "  WHERE day >= $1 AND dim IN ('views', 'visitors')) t";

/* Views since $1 by a dimension's value ($2: referrer, host, device). */
#define DIM_COUNTS(col) \
    "SELECT val, CAST(sum(n) AS BIGINT) AS view_count FROM (" \
    " SELECT " col " AS val, count(*) AS n FROM pageviews" \
    "  WHERE day >= $1 AND " col " <> '' GROUP BY " col \
    " UNION ALL" \
    " SELECT val, n FROM pageview_days WHERE day >= $1 AND dim = $2" \
    ") d GROUP BY val ORDER BY view_count DESC, val LIMIT $3"
static const char sql_by_referrer[] = DIM_COUNTS("referrer");
static const char sql_by_host[] = DIM_COUNTS("ref_host");
static const char sql_by_device[] = DIM_COUNTS("device");
static const char sql_by_country[] = DIM_COUNTS("country");

/*
 * Views by country since three days: $1 today, $2 a week ago, $3 a
 * month ago (the rows read); $4 a page kind and $5 its slug, or $4 ''
 * for every page; $6 limit.
 */
#define COUNTRY_PAGE " AND ($4 = '' OR (kind = $4 AND slug = $5))"
static const char sql_countries[] =
    "SELECT val,"
    " CAST(sum(CASE WHEN day >= $1 THEN n ELSE 0 END) AS BIGINT)"
    " AS today_count,"
    " CAST(sum(CASE WHEN day >= $2 THEN n ELSE 0 END) AS BIGINT)"
    " AS week_count,"
    " CAST(sum(n) AS BIGINT) AS month_count FROM ("
    " SELECT day, country AS val, count(*) AS n FROM pageviews"
    "  WHERE day >= $3 AND country <> ''" COUNTRY_PAGE
    "  GROUP BY day, country"
    " UNION ALL"
    " SELECT day, val, n FROM pageview_days"
    "  WHERE day >= $3 AND dim = 'country'" COUNTRY_PAGE
    ") c GROUP BY val ORDER BY month_count DESC, val LIMIT $6";

/* The last minutes: views and visitors since the time $1. */
static const char sql_right_now[] =
    "SELECT count(*) AS view_count, count(DISTINCT visitor) AS visitor_count"
    " FROM pageviews WHERE at >= $1";

/*
 * One page's days since $1: views, visitors, seconds and beacons.
 * $2 kind, $3 slug.
 */
static const char sql_page_days[] =
    "SELECT day, CAST(sum(views) AS BIGINT) AS view_count,"
    " CAST(sum(visitors) AS BIGINT) AS visitor_count,"
    " CAST(sum(seconds) AS BIGINT) AS total_seconds,"
    " CAST(sum(beacons) AS BIGINT) AS beacon_count FROM ("
    " SELECT day, count(*) AS views, count(DISTINCT visitor) AS visitors,"
    "  0 AS seconds, 0 AS beacons FROM pageviews"
    "  WHERE day >= $1 AND kind = $2 AND slug = $3 GROUP BY day"
    " UNION ALL"
    " SELECT day, CASE WHEN dim = 'views' THEN n ELSE 0 END,"
    "  CASE WHEN dim = 'visitors' THEN n ELSE 0 END,"
    "  CASE WHEN dim = 'seconds' THEN n ELSE 0 END,"
    "  CASE WHEN dim = 'beacons' THEN n ELSE 0 END FROM pageview_days"
    "  WHERE day >= $1 AND kind = $2 AND slug = $3) d"
    " GROUP BY day ORDER BY day";

/*
 * The most read published stories since day $1, for readers: $2 now,
 * $3 limit.  The counts drive the join (SQLite takes CROSS JOIN's
 * order as written; PostgreSQL plans it as any join): joined the other
 * way, SQLite walked every published story and looked each up in the
 * counts, 1.1 s at 1,000,000 stories, taken by the first home page
 * after start-up; from the counts it is a look-up by slug for each
 * story read, 2 ms.
 */
static const char sql_most_read[] =
    "SELECT a.id, a.slug, a.title, c.view_count FROM ("
    " SELECT slug, CAST(sum(n) AS BIGINT) AS view_count FROM ("
    "  SELECT slug, count(*) AS n FROM pageviews"
    "   WHERE day >= $1 AND kind = 'article' GROUP BY slug"
    "  UNION ALL"
    "  SELECT slug, n FROM pageview_days WHERE day >= $1"
    "   AND kind = 'article' AND dim = 'views') u GROUP BY slug) c"
    " CROSS JOIN articles a WHERE a.slug = c.slug"
    " AND a.status = 'published' AND a.trashed_at IS NULL"
    " AND a.published_at <= $2"
    " ORDER BY c.view_count DESC, a.published_at DESC, a.id DESC LIMIT $3";

/*
 * Each sponsor's published stories (their views and visitors since $1)
 * and hubs (their views and clicks since $1), by sponsor.  $2 'article'.
 */
static const char sql_sponsors[] =
    "SELECT sp.name AS sponsor_name, 'story' AS kind, a.slug, a.title,"
    " COALESCE(c.view_count, 0) AS view_count,"
    " COALESCE(c.visitor_count, 0) AS visitor_count, 0 AS click_count"
    " FROM articles a JOIN sponsors sp ON sp.id = a.sponsor_id"
    " LEFT JOIN (" PAGE_COUNTS ") c ON c.slug = a.slug"
    " WHERE a.status = 'published' AND a.trashed_at IS NULL"
    " UNION ALL"
    " SELECT sp.name, 'hub', h.slug, h.title,"
    " CAST(COALESCE(sum(hs.views), 0) AS BIGINT), 0,"
    " CAST(COALESCE(sum(hs.clicks), 0) AS BIGINT)"
    " FROM hubs h JOIN sponsors sp ON sp.id = h.sponsor_id"
    " LEFT JOIN hub_stats hs ON hs.hub_id = h.id AND hs.day >= $1"
    " GROUP BY sp.name, h.slug, h.title"
    " ORDER BY 1, 2 DESC, 5 DESC, 3";

static const char sql_article[] =
    "SELECT id, slug, title, status FROM articles WHERE slug = $1";

/*
 * The jobs thread's salt of the day it last wrote views of, and the
 * HMAC state keyed with it: the key's two blocks are hashed once a day,
 * not once a view.
 */
static char salt_day[11];
static unsigned char salt[32];
static crypto_auth_hmacsha256_state salt_mac;

/* Loads (or makes) day's salt; drops the salts of the days before it. */
static int
salt_load(struct db *db, const char *day)
{
	unsigned char fresh[32];
	char hex[65];
	struct db_stmt *st;
	const char *v;
	size_t len;
	int rc;

	if (strcmp(day, salt_day) == 0)
		return STORE_OK;
	randombytes_buf(fresh, sizeof(fresh));
	sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
	sodium_memzero(fresh, sizeof(fresh));
	if ((st = db_stmt(db, sql_salt_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, day);
	db_bind_str(st, 2, hex);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	if ((st = db_stmt(db, sql_salt_get)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, day);
	if ((rc = db_step(st)) != DB_ROW)
		return rc == DB_DONE ? STORE_ERROR : store_rc_from_db(rc);
	v = db_col_text(st, 0, &len);
	rc = sodium_hex2bin(salt, sizeof(salt), v, len, NULL, NULL, NULL);
	db_reset(st);
	if (rc != 0)
		return STORE_ERROR;
	crypto_auth_hmacsha256_init(&salt_mac, salt, sizeof(salt));
	if ((st = db_stmt(db, sql_salt_drop)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, day);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	strlcpy_(salt_day, day, sizeof(salt_day));
	return STORE_OK;
}

/*
 * Views one INSERT writes when the batch has that many: a flush of a
 * full batch is 164 statements, not 16,384.  100 rows of 9 values are
 * 900 parameters, below the $999 the driver seam names (db_sqlite.c).
 */
#define VIEWS_PER_INSERT	100
#define VIEW_PARAMS		9

/*
 * sql_view_add with VIEWS_PER_INSERT rows of values: built once, by the
 * jobs thread (the only writer), at its first flush.
 */
static char sql_views_add[sizeof(sql_view_add) + VIEWS_PER_INSERT *
    (2 + VIEW_PARAMS * 7)];

static void
views_sql(void)
{
	size_t len, i, k;
	char *p;

	if (sql_views_add[0] != '\0')
		return;
	/* The single row's statement, less its VALUES, then each row's. */
	p = strstr(sql_view_add, " VALUES");
	len = (size_t)(p - sql_view_add);
	memcpy(sql_views_add, sql_view_add, len);
	p = sql_views_add + len;
	p += snprintf(p, 8, " VALUES");
	for (i = 0; i < VIEWS_PER_INSERT; i++) {
		*p++ = i > 0 ? ',' : ' ';
		*p++ = '(';
		for (k = 1; k <= VIEW_PARAMS; k++)
			p += snprintf(p, 16, "$%zu%s", i * VIEW_PARAMS + k,
			    k < VIEW_PARAMS ? ", " : ")");
	}
}

/*
 * Binds view v of day as row j of st, with its visitor hash under the
 * salt loaded for that day.
 */
static void
view_bind(struct db_stmt *st, int j, const struct an_view *v,
    const char *day)
{
	crypto_auth_hmacsha256_state mac = salt_mac;
	unsigned char out[crypto_auth_hmacsha256_BYTES];
	char visitor[17];
	int b = j * VIEW_PARAMS;

	crypto_auth_hmacsha256_update(&mac, v->digest, sizeof(v->digest));
	crypto_auth_hmacsha256_final(&mac, out);
	sodium_bin2hex(visitor, sizeof(visitor), out, 8);
	db_bind_int(st, b + 1, v->at);
	db_bind_str(st, b + 2, day);
	db_bind_str(st, b + 3, an_kind_names[v->kind]);
	db_bind_str(st, b + 4, v->slug);
	db_bind_str(st, b + 5, visitor);
	db_bind_str(st, b + 6, an_ref_names[v->ref]);
	db_bind_str(st, b + 7, v->host);
	db_bind_str(st, b + 8, an_device_names[v->device]);
	db_bind_str(st, b + 9, v->country);
}

/*
 * Writes n views, oldest first, in runs of one day: the day's text and
 * its salt are made once a run, then VIEWS_PER_INSERT views go to a
 * statement while the run has as many, the rest one by one.  The salt
 * is loaded before a statement is taken, so that its binds are not
 * reset under it.
 */
static int
views_add(struct db *db, const struct an_view *v, size_t n)
{
	struct db_stmt *st;
	char day[11];
	int64_t d = -1;
	size_t i = 0, j, k;
	int rc = STORE_OK;

	views_sql();
	while (rc == STORE_OK && i < n) {
		if (v[i].at / 86400 != d) {
			d = v[i].at / 86400;
			analytics_day(v[i].at, day);
			if ((rc = salt_load(db, day)) != STORE_OK)
				break;
		}
		/* How many of the next views are of the same day. */
		for (k = 0; i + k < n && k < VIEWS_PER_INSERT &&
		    v[i + k].at / 86400 == d; k++)
			;
		if (k < VIEWS_PER_INSERT)
			k = 1;
		if ((st = db_stmt(db, k > 1 ? sql_views_add : sql_view_add)) ==
		    NULL)
			return STORE_ERROR;
		for (j = 0; j < k; j++)
			view_bind(st, (int)j, &v[i + j], day);
		i += k;
		rc = store_rc_from_db(db_run(st));
	}
	return rc;
}

static int
day_add(struct db *db, const char *day, const struct an_seconds *s,
    const char *dim, int64_t n)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_day_add)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, day);
	db_bind_str(st, 2, an_kind_names[s->kind]);
	db_bind_str(st, 3, s->slug);
	db_bind_str(st, 4, dim);
	db_bind_int(st, 5, n);
	return store_rc_from_db(db_run(st));
}

int
store_analytics_fold(struct db *db, int64_t now)
{
	char cut[11];
	struct db_stmt *st;
	size_t i;
	int rc = STORE_OK;

	analytics_day(now - config.analytics_raw_days * 86400, cut);
	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	for (i = 0; i < ARRAY_SIZE(sql_fold) && rc == STORE_OK; i++) {
		if ((st = db_stmt(db, sql_fold[i])) == NULL) {
			rc = STORE_ERROR;
			break;
		}
		db_bind_str(st, 1, cut);
		rc = store_rc_from_db(db_run(st));
	}
	if (rc == STORE_OK) {
		if ((st = db_stmt(db, sql_fold_drop)) == NULL)
			rc = STORE_ERROR;
		else {
			db_bind_str(st, 1, cut);
			rc = store_rc_from_db(db_run(st));
		}
	}
	if (rc == STORE_OK && db_commit(db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK)
		db_rollback(db);
	return rc;
}

int
store_analytics_flush(struct db *db)
{
	/* Only the jobs thread flushes: one batch each is enough. */
	static struct an_seconds secs[512];
	const struct an_view *views;
	static int64_t folded;
	char day[11];
	size_t i, n, ns;
	int64_t now = analytics_now();
	int rc = STORE_OK;

	if (now - folded >= FOLD_EVERY || now < folded) {
		folded = now;
		store_analytics_fold(db, now);
	}
	ns = analytics_take_seconds(secs, ARRAY_SIZE(secs));
	analytics_day(now, day);
	n = analytics_take(&views);
	if (n == 0 && ns == 0)
		return STORE_OK;
	/* A batch that cannot be written is lost: counts, never a wait. */
	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	rc = views_add(db, views, n);
	for (i = 0; i < ns && rc == STORE_OK; i++)
		if ((rc = day_add(db, day, &secs[i], "seconds",
		    secs[i].seconds)) == STORE_OK)
			rc = day_add(db, day, &secs[i], "beacons",
			    secs[i].beacons);
	if (rc == STORE_OK && db_commit(db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		/* The salt the rollback took back is made again. */
		salt_day[0] = '\0';
		db_rollback(db);
	}
	return rc;
}

static int
rows(struct db *db, const char *sql, const char *day, const char *text,
    int64_t limit, json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, day);
	db_bind_str(st, 2, text);
	db_bind_int(st, 3, limit);
	return store_rows_json(st, out);
}

int
store_analytics_totals(struct db *db, const char *since, json_t **out)
{
	return store_row_by_text(db, sql_totals, since, out);
}

int
store_analytics_top(struct db *db, enum an_kind kind, const char *since,
    int limit, json_t **out)
{
	return rows(db, kind == AN_SECTION ? sql_top_sections :
	    sql_top_articles, since, an_kind_names[kind], limit, out);
}

int
store_analytics_by(struct db *db, const char *dim, const char *since,
    int limit, json_t **out)
{
	const char *sql = strcmp(dim, "referrer") == 0 ? sql_by_referrer :
	    strcmp(dim, "host") == 0 ? sql_by_host :
	    strcmp(dim, "device") == 0 ? sql_by_device :
	    strcmp(dim, "country") == 0 ? sql_by_country : NULL;

	if (sql == NULL)
		return STORE_INVALID;
	return rows(db, sql, since, dim, limit, out);
}

int
store_analytics_countries(struct db *db, const char *kind, const char *slug,
    const char *today, const char *week, const char *month, int limit,
    json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_countries)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, today);
	db_bind_str(st, 2, week);
	db_bind_str(st, 3, month);
	db_bind_str(st, 4, kind != NULL ? kind : "");
	db_bind_str(st, 5, slug != NULL ? slug : "");
	db_bind_int(st, 6, limit);
	return store_rows_json(st, out);
}

int
store_analytics_right_now(struct db *db, int64_t since, json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_right_now)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, since);
	return store_row1_json(st, out);
}

int
store_analytics_page_days(struct db *db, enum an_kind kind,
    const char *slug, const char *since, json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_page_days)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, since);
	db_bind_str(st, 2, an_kind_names[kind]);
	db_bind_str(st, 3, slug);
	return store_rows_json(st, out);
}

int
store_most_read(struct db *db, const char *since, int64_t now, int limit,
    json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_most_read)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, since);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, limit);
	return store_rows_json(st, out);
}

int
store_analytics_article(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_article, slug, out);
}

int
store_most_read_block(struct db *db, int64_t now, int min, int limit,
    json_t **out, int *days)
{
	char since[11];
	int rc;

	/* Today and yesterday hold the last 24 hours. */
	*days = 1;
	analytics_day(analytics_now() - 86400, since);
	if ((rc = store_most_read(db, since, now, limit, out)) != STORE_OK)
		return rc;
	if ((int)json_array_size(*out) >= min)
		return STORE_OK;
	json_decref(*out);
	*days = 7;
	analytics_day(analytics_now() - 6 * 86400, since);
	return store_most_read(db, since, now, limit, out);
}

int
store_analytics_sponsors(struct db *db, const char *since, json_t **out)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_sponsors)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, since);
	db_bind_str(st, 2, an_kind_names[AN_ARTICLE]);
	return store_rows_json(st, out);
}
