/*
 * store_hub.c — hubs (docs/hubs.md): sponsored landing pages and show
 * pages, what they curate, a show's live blog, and the counts of views
 * and clicks per hub and day.
 *
 * The counts are kept in memory as pages are served (a cached page is
 * counted without touching the database) and added to hub_stats by
 * store_hub_flush(), which the jobs thread calls every few seconds.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "store.h"
#include "util.h"

#define HUB_COLS \
	"h.id, h.slug, h.kind, h.title, h.intro, h.sponsor_id," \
	" sp.slug AS sponsor_slug, sp.name AS sponsor_name," \
	" sp.url AS sponsor_url, h.disclosure, h.logo_id," \
	" i.hash AS logo_hash, i.ext AS logo_ext, i.width AS logo_width," \
	" i.height AS logo_height, i.alt AS logo_alt," \
	" (SELECT o.hash FROM images o WHERE o.id = h.logo_id) AS own_logo," \
	" h.starts_at, h.ends_at," \
	" h.venue, h.created_at, h.updated_at"

#define HUB_JOINS \
	" LEFT JOIN sponsors sp ON sp.id = h.sponsor_id" \
	" LEFT JOIN images i ON i.id = COALESCE(h.logo_id, sp.logo_id)"

static const char sql_hub_get[] =
    "SELECT " HUB_COLS " FROM hubs h" HUB_JOINS " WHERE h.slug = $1";
static const char sql_hub_by_id[] =
    "SELECT " HUB_COLS " FROM hubs h" HUB_JOINS " WHERE h.id = $1";
static const char sql_hubs_all[] =
    "SELECT " HUB_COLS ","
    " (SELECT count(*) FROM hub_items x WHERE x.hub_id = h.id)"
    "  AS item_count"
    " FROM hubs h" HUB_JOINS " ORDER BY h.kind, h.starts_at DESC, h.id";

/*
 * A hub's items in its order, each with what a list shows of it; an item
 * that is not (or no longer) visible to readers is left out: a draft or
 * trashed story, an unpublished or trashed white paper, a trashed event
 * or webinar.  $1 hub, $2 now.
 */
static const char sql_hub_items[] =
    "SELECT x.id, x.position, x.kind, x.item_id, it.slug, it.title,"
    " it.summary, it.item_type, it.shown_at, it.item_sponsor FROM hub_items x"
    " JOIN ("
    "  SELECT 'article' AS kind, a.id, a.slug, a.title, a.dek AS summary,"
    "   a.type AS item_type, a.published_at AS shown_at,"
    "   a.sponsor_id AS item_sponsor"
    "   FROM articles a WHERE a.status = 'published'"
    "   AND a.trashed_at IS NULL AND a.published_at <= $2"
    "   AND a.id IN (SELECT item_id FROM hub_items WHERE hub_id = $1"
    "    AND kind = 'article')"
    "  UNION ALL"
    "  SELECT 'resource', r.id, r.slug, r.title, r.summary, 'resource',"
    "   r.published_at, r.sponsor_id FROM resources r"
    "   WHERE r.published_at IS NOT NULL AND r.published_at <= $2"
    "   AND r.trashed_at IS NULL"
    "   AND r.id IN (SELECT item_id FROM hub_items WHERE hub_id = $1"
    "    AND kind = 'resource')"
    "  UNION ALL"
    "  SELECT 'webinar', w.id, w.slug, w.title, w.summary, 'webinar',"
    "   w.starts_at, w.sponsor_id FROM webinars w WHERE w.trashed_at IS NULL"
    "   AND w.id IN (SELECT item_id FROM hub_items WHERE hub_id = $1"
    "    AND kind = 'webinar')"
    "  UNION ALL"
    "  SELECT 'event', e.id, e.slug, e.name, e.summary, 'event',"
    "   e.starts_at, e.sponsor_id FROM events e WHERE e.trashed_at IS NULL"
    "   AND e.id IN (SELECT item_id FROM hub_items WHERE hub_id = $1"
    "    AND kind = 'event')"
    " ) it ON it.kind = x.kind AND it.id = x.item_id"
    " WHERE x.hub_id = $1 ORDER BY x.position, x.id";

/* The newsroom's view: every item, with its title when it still exists. */
static const char sql_hub_items_all[] =
    "SELECT x.id, x.position, x.kind, x.item_id,"
    " COALESCE((SELECT a.title FROM articles a WHERE x.kind = 'article'"
    "  AND a.id = x.item_id), (SELECT r.title FROM resources r"
    "  WHERE x.kind = 'resource' AND r.id = x.item_id),"
    "  (SELECT w.title FROM webinars w WHERE x.kind = 'webinar'"
    "  AND w.id = x.item_id), (SELECT e.name FROM events e"
    "  WHERE x.kind = 'event' AND e.id = x.item_id), '') AS title"
    " FROM hub_items x WHERE x.hub_id = $1 ORDER BY x.position, x.id";

static const char sql_hub_add[] =
    "INSERT INTO hubs (slug, kind, title, intro, sponsor_id, disclosure,"
    " logo_id, starts_at, ends_at, venue, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    " RETURNING id";
static const char sql_hub_update[] =
    "UPDATE hubs SET slug = $1, kind = $2, title = $3, intro = $4,"
    " sponsor_id = $5, disclosure = $6, logo_id = $7, starts_at = $8,"
    " ends_at = $9, venue = $10, updated_at = $11 WHERE id = $12";

static const char sql_item_add[] =
    "INSERT INTO hub_items (hub_id, kind, item_id, position)"
    " SELECT $1, $2, $3, COALESCE(max(position), 0) + 1 FROM hub_items"
    " WHERE hub_id = $1 RETURNING id";
/* Whether the item exists, by kind. */
static const char sql_item_exists[] =
    "SELECT CASE $1 WHEN 'article' THEN (SELECT count(*) FROM articles"
    "  WHERE id = $2) WHEN 'resource' THEN (SELECT count(*) FROM resources"
    "  WHERE id = $2) WHEN 'webinar' THEN (SELECT count(*) FROM webinars"
    "  WHERE id = $2) WHEN 'event' THEN (SELECT count(*) FROM events"
    "  WHERE id = $2) ELSE 0 END";
static const char sql_item_get[] =
    "SELECT id, kind, item_id, position FROM hub_items"
    " WHERE id = $1 AND hub_id = $2";
static const char sql_item_remove[] =
    "DELETE FROM hub_items WHERE id = $1 AND hub_id = $2";
/* The neighbour above (dir < 0) or below (dir > 0) an item. */
static const char sql_item_above[] =
    "SELECT id, position FROM hub_items WHERE hub_id = $1"
    " AND (position, id) < ($2, $3) ORDER BY position DESC, id DESC LIMIT 1";
static const char sql_item_below[] =
    "SELECT id, position FROM hub_items WHERE hub_id = $1"
    " AND (position, id) > ($2, $3) ORDER BY position, id LIMIT 1";
static const char sql_item_place[] =
    "UPDATE hub_items SET position = $2 WHERE id = $1";

/* Published stories whose title holds $1, newest first, for the picker. */
static const char sql_find_articles[] =
    "SELECT a.id, a.slug, a.title, a.type, a.published_at FROM articles a"
    " WHERE a.status = 'published' AND a.trashed_at IS NULL"
    " AND lower(a.title) LIKE '%' || lower($1) || '%'"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT 20";

static const char sql_posts[] =
    "SELECT p.id, p.body_md, p.body_html, p.posted_at, p.updated_at,"
    " p.deleted_at, u.display_name AS author_name FROM live_posts p"
    " LEFT JOIN users u ON u.id = p.author_id"
    " WHERE p.hub_id = $1 AND (p.deleted_at IS NULL OR $2 = 1)"
    " ORDER BY p.posted_at DESC, p.id DESC LIMIT $3";
static const char sql_post_add[] =
    "INSERT INTO live_posts (hub_id, body_md, body_html, author_id,"
    " posted_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
static const char sql_post_update[] =
    "UPDATE live_posts SET body_md = $3, body_html = $4, updated_at = $5"
    " WHERE id = $1 AND hub_id = $2 AND deleted_at IS NULL";
static const char sql_post_delete[] =
    "UPDATE live_posts SET deleted_at = $3, updated_at = $3"
    " WHERE id = $1 AND hub_id = $2 AND deleted_at IS NULL";

static const char sql_stats[] =
    "SELECT day, views AS view_count, clicks AS click_count FROM hub_stats"
    " WHERE hub_id = $1 ORDER BY day";
static const char sql_stats_add[] =
    "INSERT INTO hub_stats (hub_id, day, views, clicks)"
    " SELECT id, $2, $3, $4 FROM hubs WHERE slug = $1"
    " ON CONFLICT (hub_id, day) DO UPDATE SET"
    " views = hub_stats.views + excluded.views,"
    " clicks = hub_stats.clicks + excluded.clicks";

int
store_hub_get(struct db *db, const char *slug, json_t **out)
{
	return store_row_by_text(db, sql_hub_get, slug, out);
}

int
store_hub_by_id(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_hub_by_id, id, out);
}

int
store_hubs_all(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_hubs_all)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_hub_items(struct db *db, int64_t hub, int64_t now, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_hub_items)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, hub);
	db_bind_int(st, 2, now);
	return store_rows_json(st, out);
}

int
store_hub_items_all(struct db *db, int64_t hub, json_t **out)
{
	return store_rows_by_id(db, sql_hub_items_all, hub, out);
}

int
store_hub_save(struct db *db, int64_t *id, const struct hub_row *h,
    int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, *id == 0 ? sql_hub_add : sql_hub_update)) ==
	    NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, h->slug);
	db_bind_str(st, 2, h->kind);
	db_bind_str(st, 3, h->title);
	db_bind_str(st, 4, h->intro);
	if (h->sponsor_id > 0)
		db_bind_int(st, 5, h->sponsor_id);
	else
		db_bind_null(st, 5);
	db_bind_str(st, 6, h->disclosure);
	if (h->logo_id > 0)
		db_bind_int(st, 7, h->logo_id);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, h->starts_at);
	if (h->ends_at > 0)
		db_bind_int(st, 9, h->ends_at);
	else
		db_bind_null(st, 9);
	db_bind_str(st, 10, h->venue);
	db_bind_int(st, 11, now);
	if (*id == 0) {
		if ((rc = db_step(st)) == DB_ROW)
			*id = db_col_int(st, 0);
		db_reset(st);
		return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
	}
	db_bind_int(st, 12, *id);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_hub_item_add(struct db *db, int64_t hub, const char *kind,
    int64_t item, int64_t *id)
{
	struct db_stmt *st;
	int64_t n = 0;
	int rc;

	if ((st = db_stmt(db, sql_item_exists)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, kind);
	db_bind_int(st, 2, item);
	if ((rc = db_step(st)) == DB_ROW)
		n = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return store_rc_from_db(rc);
	if (n == 0)
		return STORE_NOTFOUND;
	if ((st = db_stmt(db, sql_item_add)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, hub);
	db_bind_str(st, 2, kind);
	db_bind_int(st, 3, item);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_hub_item_get(struct db *db, int64_t hub, int64_t id, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_item_get)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, hub);
	return store_row1_json(st, out);
}

int
store_hub_item_remove(struct db *db, int64_t hub, int64_t id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_item_remove)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, hub);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
place(struct db *db, int64_t id, int64_t position)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_item_place)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, position);
	return store_rc_from_db(db_run(st));
}

int
store_hub_item_move(struct db *db, int64_t hub, int64_t id, int dir)
{
	struct db_stmt *st;
	int64_t pos, other, opos;
	json_t *it;
	int rc;

	if ((rc = store_hub_item_get(db, hub, id, &it)) != STORE_OK)
		return rc;
	pos = json_integer_value(json_object_get(it, "position"));
	json_decref(it);
	if ((st = db_stmt(db, dir < 0 ? sql_item_above : sql_item_below)) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, hub);
	db_bind_int(st, 2, pos);
	db_bind_int(st, 3, id);
	rc = db_step(st);
	other = rc == DB_ROW ? db_col_int(st, 0) : 0;
	opos = rc == DB_ROW ? db_col_int(st, 1) : 0;
	db_reset(st);
	if (rc == DB_DONE)
		return STORE_OK;	/* first or last already */
	if (rc != DB_ROW)
		return store_rc_from_db(rc);
	/* Equal positions (never made here) still swap by the id's order. */
	if (opos == pos)
		opos += dir < 0 ? -1 : 1;
	if ((rc = place(db, id, opos)) != STORE_OK)
		return rc;
	return place(db, other, pos);
}

int
store_hub_find_articles(struct db *db, const char *q, json_t **out)
{
	return store_rows_by_text(db, sql_find_articles, q, out);
}

int
store_live_posts(struct db *db, int64_t hub, int with_deleted, int limit,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_posts)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, hub);
	db_bind_int(st, 2, with_deleted ? 1 : 0);
	db_bind_int(st, 3, limit);
	return store_rows_json(st, out);
}

int
store_live_post_add(struct db *db, int64_t hub, const char *md,
    const char *html, int64_t author, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_post_add)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, hub);
	db_bind_str(st, 2, md);
	db_bind_str(st, 3, html);
	if (author > 0)
		db_bind_int(st, 4, author);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, now);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_live_post_update(struct db *db, int64_t hub, int64_t id,
    const char *md, const char *html, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, html != NULL ? sql_post_update :
	    sql_post_delete)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, hub);
	if (html != NULL) {
		db_bind_str(st, 3, md);
		db_bind_str(st, 4, html);
		db_bind_int(st, 5, now);
	} else
		db_bind_int(st, 3, now);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_hub_stats(struct db *db, int64_t hub, json_t **out)
{
	return store_rows_by_id(db, sql_stats, hub, out);
}

/*
 * The counts not yet written, by hub slug.  A slug is counted only
 * after its page was found (a cache hit or a page rendered), so the
 * table holds real hubs; when it is full a count is dropped rather than
 * memory grown.
 */
#define HUB_COUNTERS	256

struct hub_counter {
	char	slug[128];
	int64_t	views;
	int64_t	clicks;
};

static struct hub_counter counters[HUB_COUNTERS];
static size_t ncounters;
static pthread_mutex_t counters_lock = PTHREAD_MUTEX_INITIALIZER;

static void
count_add(const char *slug, size_t len, int64_t views, int64_t clicks)
{
	size_t i;

	if (len == 0 || len >= sizeof(counters[0].slug))
		return;
	pthread_mutex_lock(&counters_lock);
	for (i = 0; i < ncounters; i++)
		if (strncmp(counters[i].slug, slug, len) == 0 &&
		    counters[i].slug[len] == '\0')
			break;
	if (i == ncounters && ncounters < HUB_COUNTERS) {
		memcpy(counters[i].slug, slug, len);
		counters[i].slug[len] = '\0';
		counters[i].views = counters[i].clicks = 0;
		ncounters++;
	}
	if (i < ncounters) {
		counters[i].views += views;
		counters[i].clicks += clicks;
	}
	pthread_mutex_unlock(&counters_lock);
}

void
store_hub_count(const char *slug, size_t len, int click)
{
	count_add(slug, len, !click, click != 0);
}

int
store_hub_flush(struct db *db, int64_t now)
{
	/* Only the jobs thread flushes: one batch is enough. */
	static struct hub_counter batch[HUB_COUNTERS];
	struct db_stmt *st;
	char day[16];
	struct tm tm;
	time_t t = (time_t)now;
	size_t i, n;
	int rc = STORE_OK;

	/* Take the counts first: pages go on counting while they are written. */
	pthread_mutex_lock(&counters_lock);
	n = ncounters;
	memcpy(batch, counters, n * sizeof(counters[0]));
	ncounters = 0;
	pthread_mutex_unlock(&counters_lock);
	if (n == 0)
		return STORE_OK;
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (db_begin_write(db) != DB_OK)
		rc = STORE_BUSY;
	for (i = 0; i < n && rc == STORE_OK; i++) {
		if ((st = db_stmt(db, sql_stats_add)) == NULL) {
			rc = STORE_ERROR;
			break;
		}
		db_bind_str(st, 1, batch[i].slug);
		db_bind_str(st, 2, day);
		db_bind_int(st, 3, batch[i].views);
		db_bind_int(st, 4, batch[i].clicks);
		rc = store_rc_from_db(db_run(st));
	}
	if (rc == STORE_OK && db_commit(db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(db);
		/* Put them back for the next try rather than lose them. */
		for (i = 0; i < n; i++)
			count_add(batch[i].slug, strlen(batch[i].slug),
			    batch[i].views, batch[i].clicks);
	}
	return rc;
}
