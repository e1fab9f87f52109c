/*
 * store_award.c — awards programmes (docs/awards.md): a programme a
 * year with its categories, the entries readers send, the judges an
 * editor assigns to categories and their scores.
 *
 * Every statement is in the table below, indexed by enum award_sql
 * (store.h), with its $n named above it; the handlers run them through
 * store_award_rows(), store_award_row() and store_award_run(), so no SQL
 * is built at run time.
 */
#include <string.h>

#include "db.h"
#include "store.h"

/* The columns of a programme, for readers and the newsroom alike. */
#define PROG_COLS \
    "p.id, p.slug, p.year, p.title, p.intro, p.entry_opens AS opens_at," \
    " p.entry_closes AS closes_at, p.event_id, p.status, p.shortlist_at," \
    " p.winners_at, e.slug AS event_slug, e.name AS event_name," \
    " e.starts_at AS event_starts_at, e.venue AS event_venue"
#define PROG_FROM \
    " FROM award_programmes p LEFT JOIN events e ON e.id = p.event_id"

/* The columns of an entry without its attachment's bytes, and its joins. */
#define ENTRY_COLS \
    "n.id, n.programme_id, n.category_id, n.name, n.email, n.company," \
    " n.job_title, n.title, n.answers, n.attachment_name," \
    " n.attachment_type, n.status, n.created_at, c.name AS category," \
    " p.year, p.title AS programme"
#define ENTRY_FROM \
    " FROM award_entries n JOIN award_categories c ON c.id = n.category_id" \
    " JOIN award_programmes p ON p.id = n.programme_id"

static const char *const sql[AWARD_SQL__MAX] = {
	/* $1 year */
	[AWARD_PROG_BY_YEAR] = "SELECT " PROG_COLS PROG_FROM
	    " WHERE p.year = $1 AND p.status = 'published'",
	[AWARD_PROGS_PUBLIC] = "SELECT " PROG_COLS PROG_FROM
	    " WHERE p.status = 'published' ORDER BY p.year DESC",
	/* $1 id */
	[AWARD_PROG_BY_ID] = "SELECT " PROG_COLS PROG_FROM " WHERE p.id = $1",
	[AWARD_PROGS_ADMIN] = "SELECT " PROG_COLS ", (SELECT count(*) FROM"
	    " award_entries x WHERE x.programme_id = p.id AND x.status <>"
	    " 'withdrawn') AS entry_count" PROG_FROM " ORDER BY p.year DESC",
	/*
	 * $1 slug, $2 year, $3 title, $4 intro, $5 entry_opens,
	 * $6 entry_closes, $7 event_id, $8 status, $9 now
	 */
	[AWARD_PROG_INSERT] = "INSERT INTO award_programmes (slug, year,"
	    " title, intro, entry_opens, entry_closes, event_id, status,"
	    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
	    " RETURNING id",
	/* $1..$9 as AWARD_PROG_INSERT, $10 id */
	[AWARD_PROG_UPDATE] = "UPDATE award_programmes SET slug = $1,"
	    " year = $2, title = $3, intro = $4, entry_opens = $5,"
	    " entry_closes = $6, event_id = $7, status = $8, updated_at = $9"
	    " WHERE id = $10 RETURNING id",
	/* $1 id, $2 shortlist_at (NULL: not published), $3 winners_at */
	[AWARD_PROG_PUBLISH] = "UPDATE award_programmes SET"
	    " shortlist_at = $2, winners_at = $3 WHERE id = $1 RETURNING id",
	/* $1 event id */
	[AWARD_EVENT] = "SELECT id FROM events WHERE id = $1",
	/* $1 programme */
	[AWARD_CATS] = "SELECT c.id, c.name, c.criteria, c.position,"
	    " (SELECT count(*) FROM award_entries x WHERE x.category_id ="
	    " c.id AND x.status <> 'withdrawn') AS entry_count"
	    " FROM award_categories c WHERE c.programme_id = $1"
	    " ORDER BY c.position, c.id",
	/* $1 id */
	[AWARD_CAT_BY_ID] = "SELECT id, programme_id, name, criteria,"
	    " position FROM award_categories WHERE id = $1",
	/* $1 programme, $2 name, $3 criteria */
	[AWARD_CAT_INSERT] = "INSERT INTO award_categories (programme_id,"
	    " name, criteria, position) VALUES ($1, $2, $3, (SELECT"
	    " coalesce(max(position), 0) + 1 FROM award_categories WHERE"
	    " programme_id = $1)) RETURNING id",
	/* $1 id, $2 name, $3 criteria, $4 position */
	[AWARD_CAT_UPDATE] = "UPDATE award_categories SET name = $2,"
	    " criteria = $3, position = $4 WHERE id = $1 RETURNING id",
	/*
	 * $1 programme, $2 category, $3 name, $4 email, $5 company,
	 * $6 job_title, $7 title, $8 answers, $9 attachment_name,
	 * $10 attachment_type, $11 attachment (base64), $12 token_hash,
	 * $13 now
	 */
	[AWARD_ENTRY_INSERT] = "INSERT INTO award_entries (programme_id,"
	    " category_id, name, email, company, job_title, title, answers,"
	    " attachment_name, attachment_type, attachment, token_hash,"
	    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
	    " $9, $10, $11, $12, $13, $13) RETURNING id",
	/* $1 token hash */
	[AWARD_ENTRY_BY_TOKEN] = "SELECT " ENTRY_COLS ENTRY_FROM
	    " WHERE n.token_hash = $1",
	/* $1 id */
	[AWARD_ENTRY_BY_ID] = "SELECT " ENTRY_COLS ENTRY_FROM
	    " WHERE n.id = $1",
	/* $1 id: the attachment's name, type and bytes (base64) */
	[AWARD_ENTRY_FILE] = "SELECT attachment_name, attachment_type,"
	    " attachment FROM award_entries WHERE id = $1",
	/* $1 id, $2 now: a reader's own withdrawal */
	[AWARD_ENTRY_WITHDRAW] = "UPDATE award_entries SET status ="
	    " 'withdrawn', updated_at = $2 WHERE id = $1 AND status ="
	    " 'submitted' RETURNING id",
	/* $1 id, $2 status, $3 now: an editor's mark */
	[AWARD_ENTRY_MARK] = "UPDATE award_entries SET status = $2,"
	    " updated_at = $3 WHERE id = $1 AND status <> 'withdrawn'"
	    " RETURNING id",
	/*
	 * $1 programme, $2 category (0: all), $3 status ('': all but the
	 * withdrawn): the newsroom's list with each entry's judging: how
	 * many judges scored it and the sum of their scores.
	 */
	[AWARD_ENTRIES_ADMIN] = "SELECT " ENTRY_COLS ", (SELECT count(*)"
	    " FROM award_scores s WHERE s.entry_id = n.id) AS score_count,"
	    " (SELECT CAST(coalesce(sum(s.score), 0) AS BIGINT) FROM"
	    " award_scores s WHERE s.entry_id = n.id) AS score_sum"
	    ENTRY_FROM " WHERE n.programme_id = $1"
	    " AND ($2 = 0 OR n.category_id = $2)"
	    " AND (($3 = '' AND n.status <> 'withdrawn') OR n.status = $3)"
	    " ORDER BY c.position, c.id, n.id",
	/* $1 programme: what the shortlist and winners pages show */
	[AWARD_ENTRIES_PUBLIC] = "SELECT n.id, n.category_id, n.name,"
	    " n.company, n.title, n.status FROM award_entries n"
	    " JOIN award_categories c ON c.id = n.category_id"
	    " WHERE n.programme_id = $1 AND n.status IN ('shortlisted',"
	    " 'winner') ORDER BY c.position, c.id, n.company, n.id",
	/* $1 category, $2 email */
	[AWARD_JUDGE_ADD] = "INSERT INTO award_judges (category_id, user_id)"
	    " SELECT CAST($1 AS BIGINT), id FROM users WHERE email = $2"
	    " ON CONFLICT DO NOTHING RETURNING user_id",
	/* $1 category, $2 user */
	[AWARD_JUDGE_DEL] = "DELETE FROM award_judges WHERE category_id = $1"
	    " AND user_id = $2 RETURNING user_id",
	/* $1 programme */
	[AWARD_JUDGES] = "SELECT j.category_id, j.user_id, u.display_name AS"
	    " name, u.email, c.name AS category FROM award_judges j"
	    " JOIN award_categories c ON c.id = j.category_id"
	    " JOIN users u ON u.id = j.user_id WHERE c.programme_id = $1"
	    " ORDER BY c.position, c.id, u.display_name",
	/*
	 * $1 judge: the entries of the categories she judges, with her own
	 * score and nobody else's.
	 */
	[AWARD_JUDGE_ENTRIES] = "SELECT n.id, n.programme_id,"
	    " n.category_id, n.name, n.company, n.job_title, n.title,"
	    " n.answers, n.attachment_name, n.status, c.name AS category,"
	    " c.criteria, p.year, p.title AS programme, s.score, s.note"
	    " FROM award_entries n JOIN award_categories c ON"
	    " c.id = n.category_id JOIN award_programmes p ON"
	    " p.id = n.programme_id JOIN award_judges j ON"
	    " j.category_id = n.category_id AND j.user_id = $1"
	    " LEFT JOIN award_scores s ON s.entry_id = n.id AND"
	    " s.judge_id = $1 WHERE n.status <> 'withdrawn'"
	    " ORDER BY p.year DESC, c.position, c.id, n.id",
	/* $1 entry, $2 judge: whether she judges its category */
	[AWARD_JUDGE_MAY] = "SELECT count(*) AS judged_count"
	    " FROM award_entries n"
	    " JOIN award_judges j ON j.category_id = n.category_id"
	    " WHERE n.id = $1 AND j.user_id = $2 AND n.status <> 'withdrawn'",
	/* $1 judge: how many categories she judges */
	[AWARD_JUDGE_ANY] = "SELECT count(*) AS judged_count FROM award_judges"
	    " WHERE user_id = $1",
	/* $1 entry, $2 judge, $3 score, $4 note, $5 now */
	[AWARD_SCORE_SET] = "INSERT INTO award_scores (entry_id, judge_id,"
	    " score, note, updated_at) VALUES ($1, $2, $3, $4, $5)"
	    " ON CONFLICT (entry_id, judge_id) DO UPDATE SET"
	    " score = excluded.score, note = excluded.note,"
	    " updated_at = excluded.updated_at RETURNING entry_id",
};

/* Binds args[0..n) to $1..$n: an award_arg is an integer or a text. */
static struct db_stmt *
prepare(struct db *db, enum award_sql q, const struct award_arg *a,
    size_t n)
{
	struct db_stmt *st;
	size_t i;

	if ((unsigned)q >= AWARD_SQL__MAX || (st = db_stmt(db, sql[q])) ==
	    NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (a[i].null)
			db_bind_null(st, (int)i + 1);
		else if (a[i].s != NULL)
			db_bind_str(st, (int)i + 1, a[i].s);
		else
			db_bind_int(st, (int)i + 1, a[i].i);
	}
	return st;
}

int
store_award_rows(struct db *db, enum award_sql q, const struct award_arg *a,
    size_t n, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = prepare(db, q, a, n)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_award_row(struct db *db, enum award_sql q, const struct award_arg *a,
    size_t n, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = prepare(db, q, a, n)) == NULL)
		return STORE_ERROR;
	return store_row1_json(st, out);
}

int
store_award_run(struct db *db, enum award_sql q, const struct award_arg *a,
    size_t n, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if (id != NULL)
		*id = 0;
	if ((st = prepare(db, q, a, n)) == NULL)
		return STORE_ERROR;
	rc = db_step(st);
	if (rc == DB_ROW && id != NULL)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}
