/*
 * store_comment.c — comments: the pages of each view, writes that keep
 * the counts, reports, bans, the moderation queues and their log.
 *
 * The number of approved comments of an article (articles.comment_count)
 * and of approved replies of a comment (comments.reply_count) are kept by
 * the writes here, inside the caller's transaction: no page counts rows.
 */
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

/* A comment a reader sees: approved, or deleted with replies under it. */
#define VISIBLE(c) \
	" (" c ".status = 'approved' OR (" c ".status = 'deleted'" \
	" AND " c ".reply_count > 0))"

#define COLS \
	"c.id, c.article_id, c.parent_id, c.root_id, c.depth, c.status," \
	" c.body_html, c.created_at, c.edited_at, c.featured, c.reply_count," \
	" c.user_id, u.display_name AS author_name," \
	" pu.display_name AS parent_author"

#define JOINS \
	" JOIN users u ON u.id = c.user_id" \
	" LEFT JOIN comments p ON p.id = c.parent_id" \
	" LEFT JOIN users pu ON pu.id = p.user_id"

static const char sql_article[] =
    "SELECT id, slug, title, comments_mode, comment_count FROM articles"
    " WHERE slug = $1 AND status = 'published' AND published_at <= $2";

static const char sql_get[] =
    "SELECT " COLS ", c.body_md, c.status, c.held_reason,"
    " c.reports_open, a.slug AS article_slug, a.title AS article_title,"
    " a.comments_mode FROM comments c" JOINS
    " JOIN articles a ON a.id = c.article_id WHERE c.id = $1";

/* $1 article, ($2, $3) cursor, $4 limit. */
static const char sql_newest[] =
    "SELECT " COLS " FROM comments c" JOINS
    " WHERE c.article_id = $1 AND (c.created_at, c.id) < ($2, $3)"
    " AND" VISIBLE("c")
    " ORDER BY c.created_at DESC, c.id DESC LIMIT $4";
static const char sql_oldest[] =
    "SELECT " COLS " FROM comments c" JOINS
    " WHERE c.article_id = $1 AND (c.created_at, c.id) > ($2, $3)"
    " AND" VISIBLE("c")
    " ORDER BY c.created_at, c.id LIMIT $4";
static const char sql_roots[] =
    "SELECT " COLS " FROM comments c" JOINS
    " WHERE c.article_id = $1 AND c.parent_id IS NULL"
    " AND (c.created_at, c.id) > ($2, $3) AND" VISIBLE("c")
    " ORDER BY c.created_at, c.id LIMIT $4";
/* The replies under the top comments after ($2, $3) up to ($4, $5). */
static const char sql_thread_replies[] =
    "SELECT " COLS " FROM comments r"
    " JOIN comments c ON c.root_id = r.id" JOINS
    " WHERE r.article_id = $1 AND r.parent_id IS NULL"
    " AND (r.created_at, r.id) > ($2, $3)"
    " AND (r.created_at, r.id) <= ($4, $5) AND" VISIBLE("r")
    " AND" VISIBLE("c")
    " ORDER BY c.created_at, c.id LIMIT $6";
static const char sql_featured[] =
    "SELECT " COLS " FROM comments c" JOINS
    " WHERE c.article_id = $1 AND c.featured = 1"
    " AND c.status = 'approved' ORDER BY c.created_at DESC, c.id DESC"
    " LIMIT $2";
/*
 * sql_newest, sql_oldest, sql_roots and sql_featured found from the
 * story's slug, so that they need not wait for its id
 * (store_article_page): $1 slug, $2 now, then the others' parameters
 * from $3.  The story is a subquery, not a join: joined, PostgreSQL
 * read every comment of the story and sorted them for the page (it
 * expects 300 comments a story, and a nested loop's inner index gives
 * no order), 711 ms for a story of 100,001 comments; with the story's
 * id a value of its own, it reads the page's rows from
 * comments_article_time in order and stops, 1.5 ms.  SQLite runs both
 * forms the same way.
 */
#define BY_SLUG(cond) \
    "SELECT " COLS " FROM comments c" JOINS \
    " WHERE c.article_id = (SELECT id FROM articles WHERE slug = $1" \
    " AND status = 'published' AND published_at <= $2) AND " cond
static const char *const sql_slug[] = {
	[COMMENTS_NEWEST] = BY_SLUG("(c.created_at, c.id) < ($3, $4) AND"
	    VISIBLE("c") " ORDER BY c.created_at DESC, c.id DESC LIMIT $5"),
	[COMMENTS_OLDEST] = BY_SLUG("(c.created_at, c.id) > ($3, $4) AND"
	    VISIBLE("c") " ORDER BY c.created_at, c.id LIMIT $5"),
	[COMMENTS_ROOTS] = BY_SLUG("c.parent_id IS NULL"
	    " AND (c.created_at, c.id) > ($3, $4) AND" VISIBLE("c")
	    " ORDER BY c.created_at, c.id LIMIT $5"),
};
static const char sql_featured_slug[] = BY_SLUG("c.featured = 1"
    " AND c.status = 'approved' ORDER BY c.created_at DESC, c.id DESC"
    " LIMIT $3");
#undef BY_SLUG
static const char sql_replies[] =
    "SELECT " COLS " FROM comments c" JOINS
    " WHERE c.parent_id = $1 AND" VISIBLE("c")
    " ORDER BY c.created_at, c.id LIMIT $2";
static const char sql_mine[] =
    "SELECT c.id, c.status, c.body_md, c.body_html, c.created_at,"
    " c.edited_at, c.held_reason FROM comments c"
    " WHERE c.user_id = $1 AND c.article_id = $2"
    " AND c.status IN ('approved', 'pending')"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT $3";
static const char sql_feed[] =
    "SELECT " COLS " FROM comments c" JOINS
    " WHERE c.article_id = $1 AND c.status = 'approved'"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT $2";

static const char sql_parent[] =
    "SELECT article_id, COALESCE(root_id, id), depth, status FROM comments"
    " WHERE id = $1";
static const char sql_add[] =
    "INSERT INTO comments (article_id, parent_id, user_id, status, body_md,"
    " body_html, created_at, updated_at, root_id, depth, held_reason,"
    " body_hash, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10,"
    " $11, $12) RETURNING id";
static const char sql_count_article[] =
    "UPDATE articles SET comment_count = comment_count + $2 WHERE id = $1";
static const char sql_count_parent[] =
    "UPDATE comments SET reply_count = reply_count + $2 WHERE id = $1";
static const char sql_status_of[] =
    "SELECT status, article_id, parent_id FROM comments WHERE id = $1";
static const char sql_set_status[] =
    "UPDATE comments SET status = $2, updated_at = $3,"
    " featured = CASE WHEN $2 = 'approved' THEN featured ELSE 0 END"
    " WHERE id = $1";
static const char sql_wipe[] =
    "UPDATE comments SET body_md = '', body_html = '' WHERE id = $1";
static const char sql_edit[] =
    "UPDATE comments SET body_md = $2, body_html = $3, body_hash = $4,"
    " edited_at = $5, updated_at = $5, held_reason = $6 WHERE id = $1";
static const char sql_feature[] =
    "UPDATE comments SET featured = $2 WHERE id = $1"
    " AND status = 'approved'";
static const char sql_report[] =
    "INSERT INTO comment_reports (comment_id, user_id, reason, created_at)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (comment_id, user_id) DO NOTHING";
static const char sql_report_count[] =
    "UPDATE comments SET reports_open = reports_open + 1 WHERE id = $1";
static const char sql_resolve[] =
    "UPDATE comment_reports SET resolved_at = $2 WHERE comment_id = $1"
    " AND resolved_at IS NULL";
static const char sql_resolve_count[] =
    "UPDATE comments SET reports_open = 0 WHERE id = $1";
static const char sql_user_approved[] =
    "SELECT count(*) FROM comments WHERE user_id = $1"
    " AND status = 'approved'";
static const char sql_duplicate[] =
    "SELECT count(*) FROM comments WHERE user_id = $1 AND created_at >= $3"
    " AND body_hash = $2 AND status <> 'deleted'";
static const char sql_ban_get[] =
    "SELECT until_at, reason FROM comment_bans WHERE user_id = $1";
static const char sql_ban_set[] =
    "INSERT INTO comment_bans (user_id, until_at, reason, by_user_id,"
    " created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id)"
    " DO UPDATE SET until_at = excluded.until_at, reason = excluded.reason,"
    " by_user_id = excluded.by_user_id, created_at = excluded.created_at";
static const char sql_ban_lift[] =
    "DELETE FROM comment_bans WHERE user_id = $1";
static const char sql_bans[] =
    "SELECT b.user_id, u.email, u.display_name, b.until_at, b.reason,"
    " b.created_at FROM comment_bans b JOIN users u ON u.id = b.user_id"
    " WHERE b.until_at IS NULL OR b.until_at > $1 ORDER BY b.created_at DESC"
    " LIMIT 200";
static const char sql_log_add[] =
    "INSERT INTO comment_log (comment_id, target_user_id, moderator_id,"
    " action, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_log[] =
    "SELECT l.id, l.comment_id, l.action, l.detail, l.created_at,"
    " m.display_name AS moderator, t.display_name AS target"
    " FROM comment_log l LEFT JOIN users m ON m.id = l.moderator_id"
    " LEFT JOIN users t ON t.id = l.target_user_id"
    " WHERE l.id < $1 ORDER BY l.id DESC LIMIT $2";
static const char sql_mode[] =
    "UPDATE articles SET comments_mode = $2 WHERE slug = $1 RETURNING id";
static const char sql_setting_set[] =
    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key)"
    " DO UPDATE SET value = excluded.value";
static const char sql_user_id[] =
    "SELECT id FROM users WHERE email = $1";

#define QCOLS \
	"c.id, c.article_id, c.parent_id, c.status, c.body_html," \
	" c.created_at, c.edited_at, c.featured, c.reports_open," \
	" c.held_reason, c.ip, c.user_id, u.display_name AS author_name," \
	" u.email AS author_email, a.slug AS article_slug," \
	" a.title AS article_title"
#define QJOINS \
	" JOIN users u ON u.id = c.user_id" \
	" JOIN articles a ON a.id = c.article_id"

/* The queues, newest first; $1 is the id to continue below. */
static const char *const sql_queue[CQ__MAX] = {
	[CQ_PENDING] = "SELECT " QCOLS " FROM comments c" QJOINS
	    " WHERE c.status = 'pending' AND c.id < $1"
	    " ORDER BY c.id DESC LIMIT $2",
	[CQ_REPORTED] = "SELECT " QCOLS " FROM comments c" QJOINS
	    " WHERE c.reports_open > 0 AND c.status IN ('approved', 'pending')"
	    " AND c.id < $1 ORDER BY c.id DESC LIMIT $2",
	[CQ_APPROVED] = "SELECT " QCOLS " FROM comments c" QJOINS
	    " WHERE c.status = 'approved' AND c.id < $1"
	    " ORDER BY c.id DESC LIMIT $2",
	[CQ_REJECTED] = "SELECT " QCOLS " FROM comments c" QJOINS
	    " WHERE c.status = 'rejected' AND c.id < $1"
	    " ORDER BY c.id DESC LIMIT $2",
};
static const char sql_reasons[] =
    "SELECT reason FROM comment_reports WHERE comment_id = $1"
    " AND resolved_at IS NULL ORDER BY id LIMIT 10";

static const char *const queue_names[CQ__MAX] = {
	[CQ_PENDING] = "pending", [CQ_REPORTED] = "reported",
	[CQ_APPROVED] = "approved", [CQ_REJECTED] = "rejected",
};

int
store_comment_queue_parse(const char *s)
{
	int i;

	for (i = 0; i < CQ__MAX; i++)
		if (s != NULL && strcmp(s, queue_names[i]) == 0)
			return i;
	return -1;
}

const char *
store_comment_queue_name(enum comment_queue q)
{
	return queue_names[q];
}

/* Runs a statement that changes rows; STORE_OK or the database's error. */
static int
run(struct db_stmt *st)
{
	int rc = db_run(st);

	return rc == DB_OK || rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

int
store_comment_article(struct db *db, const char *slug, int64_t now,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_article)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	db_bind_int(st, 2, now);
	return store_row1_json(st, out);
}

int
store_comment_get(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_get, id, out);
}

/*
 * With the first page of a story's comments, its featured comments
 * (featured not NULL): sent together with the page's rows, one round
 * trip on PostgreSQL (db_send).  Reads the page from st, then them.
 */
static int
rows_and_featured(struct db *db, struct db_stmt *st, int64_t article,
    int featured_max, json_t **out, json_t **featured)
{
	struct db_stmt *fs = NULL;
	int rc;

	if (featured != NULL) {
		*featured = NULL;
		if ((fs = db_stmt(db, sql_featured)) == NULL) {
			db_reset(st);
			return STORE_ERROR;
		}
		db_bind_int(fs, 1, article);
		db_bind_int(fs, 2, featured_max);
		db_send(st);
		db_send(fs);
	}
	if ((rc = store_rows_json(st, out)) != STORE_OK || fs == NULL) {
		if (fs != NULL)
			db_reset(fs);
		return rc;
	}
	if ((rc = store_rows_json(fs, featured)) != STORE_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int
store_comments_page(struct db *db, int64_t article, int oldest_first,
    const struct cursor *cur, int limit, int featured_max, json_t **out,
    json_t **featured)
{
	struct db_stmt *st;

	*out = NULL;
	if (featured != NULL)
		*featured = NULL;
	if ((st = db_stmt(db, oldest_first ? sql_oldest : sql_newest)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article);
	db_bind_int(st, 2, cur->t);
	db_bind_int(st, 3, cur->id);
	db_bind_int(st, 4, limit);
	return rows_and_featured(db, st, article, featured_max, out, featured);
}

int
store_comments_roots(struct db *db, int64_t article, const struct cursor *cur,
    int limit, int featured_max, json_t **out, json_t **featured)
{
	struct db_stmt *st;

	*out = NULL;
	if (featured != NULL)
		*featured = NULL;
	if ((st = db_stmt(db, sql_roots)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article);
	db_bind_int(st, 2, cur->t);
	db_bind_int(st, 3, cur->id);
	db_bind_int(st, 4, limit);
	return rows_and_featured(db, st, article, featured_max, out, featured);
}

int
store_comments_ask_send(struct db *db, const char *slug, int64_t now,
    struct comments_ask *a)
{
	int i;

	a->rows = a->featured = NULL;
	a->st[0] = db_stmt(db, sql_slug[a->order]);
	a->st[1] = a->featured_max > 0 ? db_stmt(db, sql_featured_slug) :
	    NULL;
	if (a->st[0] == NULL || (a->featured_max > 0 && a->st[1] == NULL)) {
		a->st[0] = a->st[1] = NULL;
		return STORE_ERROR;
	}
	for (i = 0; i < 2 && a->st[i] != NULL; i++) {
		db_bind_str(a->st[i], 1, slug);
		db_bind_int(a->st[i], 2, now);
	}
	db_bind_int(a->st[0], 3, a->cur.t);
	db_bind_int(a->st[0], 4, a->cur.id);
	db_bind_int(a->st[0], 5, a->limit);
	db_send(a->st[0]);
	if (a->st[1] != NULL) {
		db_bind_int(a->st[1], 3, a->featured_max);
		db_send(a->st[1]);
	}
	return STORE_OK;
}

int
store_comments_ask_read(struct comments_ask *a)
{
	int rc;

	if ((rc = store_rows_json(a->st[0], &a->rows)) == STORE_OK &&
	    a->st[1] != NULL)
		rc = store_rows_json(a->st[1], &a->featured);
	if (rc != STORE_OK) {
		if (a->st[1] != NULL)
			db_reset(a->st[1]);
		json_decref(a->rows);
		a->rows = NULL;
	}
	a->st[0] = a->st[1] = NULL;
	return rc;
}

int
store_comments_ask_by_id(struct db *db, int64_t article,
    struct comments_ask *a)
{
	json_t **f = a->featured_max > 0 ? &a->featured : NULL;

	a->rows = a->featured = NULL;
	if (a->order == COMMENTS_ROOTS)
		return store_comments_roots(db, article, &a->cur, a->limit,
		    a->featured_max, &a->rows, f);
	return store_comments_page(db, article, a->order == COMMENTS_OLDEST,
	    &a->cur, a->limit, a->featured_max, &a->rows, f);
}

int
store_comments_thread_replies(struct db *db, int64_t article,
    const struct cursor *after, const struct cursor *upto, int limit,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_thread_replies)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article);
	db_bind_int(st, 2, after->t);
	db_bind_int(st, 3, after->id);
	db_bind_int(st, 4, upto->t);
	db_bind_int(st, 5, upto->id);
	db_bind_int(st, 6, limit);
	return store_rows_json(st, out);
}

/* Runs sql with two integer parameters and collects its rows. */
static int
rows2(struct db *db, const char *sql, int64_t a, int64_t b, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, a);
	db_bind_int(st, 2, b);
	return store_rows_json(st, out);
}

int
store_comments_featured(struct db *db, int64_t article, int limit,
    json_t **out)
{
	return rows2(db, sql_featured, article, limit, out);
}

int
store_comment_replies(struct db *db, int64_t id, int limit, json_t **out)
{
	return rows2(db, sql_replies, id, limit, out);
}

int
store_comments_feed(struct db *db, int64_t article, int limit, json_t **out)
{
	return rows2(db, sql_feed, article, limit, out);
}

int
store_comments_mine(struct db *db, int64_t user, int64_t article, int limit,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_mine)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user);
	db_bind_int(st, 2, article);
	db_bind_int(st, 3, limit);
	return store_rows_json(st, out);
}

/* Adds delta to the kept counts of the article and of the parent. */
static int
recount(struct db *db, int64_t article, int64_t parent, int delta)
{
	struct db_stmt *st;
	int rc;

	if (delta == 0)
		return STORE_OK;
	if ((st = db_stmt(db, sql_count_article)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article);
	db_bind_int(st, 2, delta);
	if ((rc = run(st)) != STORE_OK || parent == 0)
		return rc;
	if ((st = db_stmt(db, sql_count_parent)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, parent);
	db_bind_int(st, 2, delta);
	return run(st);
}

int
store_comment_add(struct db *db, const struct comment_new *c, int64_t *id)
{
	struct db_stmt *st;
	int64_t root = 0, depth = 0;
	int rc;

	if (c->parent_id != 0) {
		if ((st = db_stmt(db, sql_parent)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, c->parent_id);
		rc = db_step(st);
		if (rc != DB_ROW) {
			db_reset(st);
			return rc == DB_DONE ? STORE_NOTFOUND :
			    store_rc_from_db(rc);
		}
		/* A reply goes under a live comment of the same article. */
		if (db_col_int(st, 0) != c->article_id ||
		    strcmp(db_col_text(st, 3, NULL), "approved") != 0) {
			db_reset(st);
			return STORE_INVALID;
		}
		root = db_col_int(st, 1);
		depth = db_col_int(st, 2) + 1;
		db_reset(st);
	}
	if ((st = db_stmt(db, sql_add)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, c->article_id);
	if (c->parent_id != 0)
		db_bind_int(st, 2, c->parent_id);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, c->user_id);
	db_bind_str(st, 4, c->status);
	db_bind_str(st, 5, c->body_md);
	db_bind_str(st, 6, c->body_html);
	db_bind_int(st, 7, c->now);
	if (root != 0)
		db_bind_int(st, 8, root);
	else
		db_bind_null(st, 8);
	db_bind_int(st, 9, depth);
	db_bind_str(st, 10, c->held_reason);
	db_bind_str(st, 11, c->body_hash);
	db_bind_str(st, 12, c->ip);
	if ((rc = db_step(st)) != DB_ROW) {
		db_reset(st);
		return store_rc_from_db(rc);
	}
	*id = db_col_int(st, 0);
	db_reset(st);
	if (strcmp(c->status, "approved") == 0)
		return recount(db, c->article_id, c->parent_id, 1);
	return STORE_OK;
}

int
store_comment_set_status(struct db *db, int64_t id, const char *status,
    int64_t now, struct comment_change *ch)
{
	struct db_stmt *st;
	char old[16];
	int rc;

	memset(ch, 0, sizeof(*ch));
	if ((st = db_stmt(db, sql_status_of)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = db_step(st)) != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
	}
	strlcpy_(old, db_col_text(st, 0, NULL), sizeof(old));
	ch->article_id = db_col_int(st, 1);
	ch->parent_id = db_col_int(st, 2);
	db_reset(st);
	ch->was_visible = strcmp(old, "approved") == 0;
	/* A deleted comment stays deleted. */
	if (strcmp(old, "deleted") == 0)
		return STORE_INVALID;
	if ((st = db_stmt(db, sql_set_status)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, status);
	db_bind_int(st, 3, now);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	if (strcmp(status, "deleted") == 0) {
		if ((st = db_stmt(db, sql_wipe)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		if ((rc = run(st)) != STORE_OK)
			return rc;
	}
	ch->delta = (strcmp(status, "approved") == 0) - ch->was_visible;
	return recount(db, ch->article_id, ch->parent_id, ch->delta);
}

int
store_comment_edit(struct db *db, int64_t id, const char *md,
    const char *html, const char *hash, const char *held, int64_t now)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_edit)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, md);
	db_bind_str(st, 3, html);
	db_bind_str(st, 4, hash);
	db_bind_int(st, 5, now);
	db_bind_str(st, 6, held);
	return run(st);
}

int
store_comment_feature(struct db *db, int64_t id, int on)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_feature)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, on ? 1 : 0);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	return db_changes(db) == 1 ? STORE_OK : STORE_INVALID;
}

int
store_comment_report(struct db *db, int64_t id, int64_t user,
    const char *reason, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_report)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, user);
	db_bind_str(st, 3, reason);
	db_bind_int(st, 4, now);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	if (db_changes(db) == 0)
		return STORE_CONFLICT;
	if ((st = db_stmt(db, sql_report_count)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return run(st);
}

int
store_comment_resolve_reports(struct db *db, int64_t id, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_resolve)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	if ((st = db_stmt(db, sql_resolve_count)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return run(st);
}

int64_t
store_comment_user_approved(struct db *db, int64_t user)
{
	return store_scalar(db, sql_user_approved, user);
}

int
store_comment_duplicate(struct db *db, int64_t user, const char *hash,
    int64_t since)
{
	struct db_stmt *st;
	int n = 0;

	if ((st = db_stmt(db, sql_duplicate)) == NULL)
		return 0;
	db_bind_int(st, 1, user);
	db_bind_str(st, 2, hash);
	db_bind_int(st, 3, since);
	if (db_step(st) == DB_ROW)
		n = (int)db_col_int(st, 0);
	db_reset(st);
	return n > 0;
}

int
store_comment_ban_get(struct db *db, int64_t user, int64_t now,
    int64_t *until)
{
	struct db_stmt *st;
	int rc, banned = 0;

	*until = 0;
	if ((st = db_stmt(db, sql_ban_get)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user);
	if ((rc = db_step(st)) == DB_ROW) {
		if (db_col_isnull(st, 0)) {
			banned = 1;
		} else if (db_col_int(st, 0) > now) {
			banned = 1;
			*until = db_col_int(st, 0);
		}
	}
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return store_rc_from_db(rc);
	return banned ? STORE_OK : STORE_NOTFOUND;
}

int
store_comment_ban_set(struct db *db, int64_t user, int64_t until,
    const char *reason, int64_t by, int64_t now)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_ban_set)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user);
	if (until != 0)
		db_bind_int(st, 2, until);
	else
		db_bind_null(st, 2);
	db_bind_str(st, 3, reason);
	db_bind_int(st, 4, by);
	db_bind_int(st, 5, now);
	return run(st);
}

int
store_comment_ban_lift(struct db *db, int64_t user)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_ban_lift)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, user);
	if ((rc = run(st)) != STORE_OK)
		return rc;
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_comment_bans(struct db *db, int64_t now, json_t **out)
{
	return store_rows_by_id(db, sql_bans, now, out);
}

int
store_comment_log_add(struct db *db, int64_t comment, int64_t target,
    int64_t moderator, const char *action, const char *detail, int64_t now)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_log_add)) == NULL)
		return STORE_ERROR;
	if (comment != 0)
		db_bind_int(st, 1, comment);
	else
		db_bind_null(st, 1);
	if (target != 0)
		db_bind_int(st, 2, target);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, moderator);
	db_bind_str(st, 4, action);
	db_bind_str(st, 5, detail);
	db_bind_int(st, 6, now);
	return run(st);
}

int
store_comment_log(struct db *db, int64_t before, int limit, json_t **out)
{
	return rows2(db, sql_log, before, limit, out);
}

int
store_comment_queue(struct db *db, enum comment_queue q, int64_t before,
    int limit, json_t **out)
{
	json_t *row, *reasons;
	size_t i;
	int rc;

	if ((rc = rows2(db, sql_queue[q], before, limit, out)) != STORE_OK)
		return rc;
	json_array_foreach(*out, i, row) {
		json_int_t open = json_integer_value(json_object_get(row,
		    "reports_open"));

		if (open == 0)
			continue;
		if ((rc = store_rows_by_id(db, sql_reasons, json_integer_value(
		    json_object_get(row, "id")), &reasons)) != STORE_OK) {
			json_decref(*out);
			*out = NULL;
			return rc;
		}
		json_object_set_new(row, "reasons", reasons);
	}
	return STORE_OK;
}

int
store_article_comments_mode(struct db *db, const char *slug,
    const char *mode, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_mode)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	db_bind_str(st, 2, mode);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_setting_set(struct db *db, const char *key, const char *value)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_setting_set)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, key);
	db_bind_str(st, 2, value);
	return run(st);
}

int
store_user_id_by_email(struct db *db, const char *email, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_user_id)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, email);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}
