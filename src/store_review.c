/*
 * store_review.c — autosaves and the review workflow: the one autosave
 * revision an article keeps per writer, the review state of a draft,
 * the editors' queue of drafts ready for review, who is told of one,
 * and the site setting that lets authors publish without review.
 *
 * Writes run inside the caller's write transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

static const char sql_auto_drop[] =
    "DELETE FROM article_revisions"
    " WHERE article_id = $1 AND user_id = $2 AND autosave = 1";
static const char sql_auto_add[] =
    "INSERT INTO article_revisions (article_id, user_id, note, data,"
    " created_at, autosave) VALUES ($1, $2, 'autosave', $3, $4, 1)"
    " RETURNING id";
/*
 * A writer's autosave of an article, when it is newer than the article's
 * last saved revision (ids grow, so a save after it hides it).
 * $1 article, $2 user.
 */
static const char sql_auto_get[] =
    "SELECT r.id, r.data, r.created_at FROM article_revisions r"
    " WHERE r.article_id = $1 AND r.user_id = $2 AND r.autosave = 1"
    " AND r.id > (SELECT coalesce(max(x.id), 0) FROM article_revisions x"
    "  WHERE x.article_id = $1 AND x.autosave = 0)";

/* $1 id, $2 state, $3 note, $4 time (NULL keeps none), $5 user. */
static const char sql_review_set[] =
    "UPDATE articles SET review_state = $2, review_note = $3,"
    " review_at = $4, review_by = $5 WHERE id = $1";
/*
 * The drafts waiting for review, oldest submission first, with what the
 * queue shows: the first author, the section, who submitted it, its
 * newest revision and the newest one from before it last went live (the
 * base of "what changed since it was published"; NULL for a story never
 * published).  $1 limit.
 */
static const char sql_queue[] =
    "SELECT a.id, a.title, a.slug, a.review_at, a.published_at,"
    " s.name AS section_name, u.display_name AS submitted_by,"
    " (SELECT au.name FROM article_authors x JOIN authors au"
    "   ON au.id = x.author_id WHERE x.article_id = a.id"
    "   ORDER BY x.position LIMIT 1) AS author_name,"
    " (SELECT max(r.id) FROM article_revisions r"
    "   WHERE r.article_id = a.id AND r.autosave = 0) AS rev_id,"
    " (SELECT max(r.id) FROM article_revisions r"
    "   WHERE r.article_id = a.id AND r.autosave = 0"
    "   AND r.created_at <= a.published_at) AS base_id"
    " FROM articles a JOIN sections s ON s.id = a.section_id"
    " LEFT JOIN users u ON u.id = a.review_by"
    " WHERE a.review_state = 'ready' AND a.status = 'draft'"
    " AND a.trashed_at IS NULL"
    " ORDER BY a.review_at, a.id LIMIT $1";
static const char sql_queue_count[] =
    "SELECT count(*) FROM articles WHERE review_state = 'ready'"
    " AND status = 'draft' AND trashed_at IS NULL AND id > $1";
/* Everyone told of a story submitted for review. */
static const char sql_reviewers[] =
    "SELECT id, email, display_name FROM users"
    " WHERE role IN ('editor', 'admin') AND password_hash <> ''"
    " AND id > $1 ORDER BY id LIMIT 500";
static const char sql_user[] =
    "SELECT id, email, display_name FROM users WHERE id = $1";

int
store_autosave_put(struct db *db, int64_t article_id, int64_t user_id,
    const char *data, int64_t at)
{
	struct db_stmt *st;
	int rc;

	/* The writer's last autosave gives way to this one. */
	if ((rc = store_autosave_drop(db, article_id, user_id)) != STORE_OK)
		return rc;
	if ((st = db_stmt(db, sql_auto_add)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, user_id);
	db_bind_str(st, 3, data);
	db_bind_int(st, 4, at);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
}

int
store_autosave_drop(struct db *db, int64_t article_id, int64_t user_id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_auto_drop)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, user_id);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

int
store_autosave_get(struct db *db, int64_t article_id, int64_t user_id,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_auto_get)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, user_id);
	return store_row1_json(st, out);
}

int
store_review_set(struct db *db, int64_t id, const char *state,
    const char *note, int64_t at, int64_t user_id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_review_set)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, state);
	db_bind_str(st, 3, note != NULL ? note : "");
	if (at > 0)
		db_bind_int(st, 4, at);
	else
		db_bind_null(st, 4);
	if (user_id > 0)
		db_bind_int(st, 5, user_id);
	else
		db_bind_null(st, 5);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return store_rc_from_db(rc);
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_review_queue(struct db *db, int limit, json_t **out)
{
	return store_rows_by_id(db, sql_queue, limit, out);
}

int64_t
store_review_count(struct db *db)
{
	return store_scalar(db, sql_queue_count, 0);
}

int
store_reviewers(struct db *db, json_t **out)
{
	return store_rows_by_id(db, sql_reviewers, 0, out);
}

int
store_user_contact(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_user, id, out);
}

int
store_authors_publish(struct db *db)
{
	char tmp[8];

	return strcmp(store_setting(db, "authors_publish", "0", tmp,
	    sizeof(tmp)), "1") == 0;
}
