/*
 * store_related.c — the stories shown under an article as related: the
 * newest ones sharing its tags or its section, ranked by what they share.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

/*
 * Related stories.  The candidates are the newest live stories sharing a
 * tag with the article and the newest of its section: each list one
 * index range scan, with the candidate's title.  They are ranked by the
 * tags they share, then by the words of the article's title their title
 * shares, then newest first.  Scoring in the engine (bm25 or ts_rank of
 * each candidate against the article's words) was measured at about
 * 0.9 ms a candidate on SQLite, forty times the whole page, so the text
 * is compared here, the same way on both engines.
 */
#define RELATED_PER_TAG		10
#define RELATED_PER_SECTION	8
#define RELATED_MAX_TAGS	6
#define RELATED_WORDS		16

/*
 * The candidates in one statement, not one per list (on PostgreSQL each
 * is a round trip): the newest stories of each of the article's tags
 * ($1 to $6, 0 for none) and of its section ($7), published by $8, at
 * most $9 per tag and $10 from the section, list by list (k) and newest
 * first within each, as the lists were read one after the other.
 */
#define REL_TAG(k) \
    "SELECT " #k " AS k, article_id, title, published_at FROM (" \
    " SELECT x.article_id, a.title, x.published_at FROM article_tags x" \
    " JOIN articles a ON a.id = x.article_id WHERE x.tag_id = $" #k \
    " AND x.published_at <= CAST($8 AS BIGINT) AND a.status = 'published'" \
    " ORDER BY x.published_at DESC, x.article_id DESC LIMIT $9) t" #k
static const char sql_rel_cands[] =
    "SELECT k, article_id, title FROM (" REL_TAG(1) " UNION ALL "
    REL_TAG(2) " UNION ALL " REL_TAG(3) " UNION ALL " REL_TAG(4)
    " UNION ALL " REL_TAG(5) " UNION ALL " REL_TAG(6) " UNION ALL"
    " SELECT 7 AS k, article_id, title, published_at FROM ("
    " SELECT x.article_id, a.title, x.published_at FROM section_articles x"
    " JOIN articles a ON a.id = x.article_id WHERE x.section_id = $7"
    " AND x.published_at <= CAST($8 AS BIGINT)"
    " ORDER BY x.published_at DESC, x.article_id DESC LIMIT $10) t7) u"
    " ORDER BY k, published_at DESC, article_id DESC";
#undef REL_TAG
/* The chosen stories' rows in one statement: $1 to $5 (0 for none). */
#define RELATED_ROWS	5
static const char sql_rel_rows[] =
    "SELECT a.id, a.slug, a.title, a.published_at, a.section_id"
    " FROM articles a WHERE a.id IN ($1, $2, $3, $4, $5)";

struct cand {
	int64_t	id;
	int	tags;		/* tags shared */
	int	words;		/* title words shared */
	int	order;		/* first seen: lower is newer within a list */
};

/* The distinct words of a title worth comparing, lower-cased. */
struct words {
	char	w[RELATED_WORDS][24];
	int	n;
};

static int
is_stop(const char *w)
{
	static const char *const stop[] = {
		"the", "and", "for", "with", "from", "that", "this", "its",
		"into", "over", "after", "about", "new", "says", "how", "why",
		"what", "are", "has", "have", "will", "not", "but", "out",
		"its", "more", "than", "you", "your", "our", "their",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stop); i++)
		if (strcmp(stop[i], w) == 0)
			return 1;
	return 0;
}

static void
words_of(const char *s, struct words *ws)
{
	char w[24];
	size_t n;
	int i, dup;

	ws->n = 0;
	while (*s != '\0' && ws->n < RELATED_WORDS) {
		for (n = 0; *s != '\0' && ((*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    (unsigned char)*s >= 0x80); s++)
			if (n + 1 < sizeof(w))
				w[n++] = (char)(*s >= 'A' && *s <= 'Z' ?
				    *s - 'A' + 'a' : *s);
		w[n] = '\0';
		if (*s != '\0')
			s++;
		if (n < 3 || is_stop(w))
			continue;
		for (i = dup = 0; i < ws->n; i++)
			dup |= strcmp(ws->w[i], w) == 0;
		if (!dup)
			memcpy(ws->w[ws->n++], w, n + 1);
	}
}

/*
 * How many of the article's words (ws) a title has.  Stop words need no
 * test here: they are not among the article's words.
 */
static int
shared_words(const struct words *ws, const char *s)
{
	char w[24];
	unsigned seen = 0;
	size_t n;
	int k, count = 0;

	while (*s != '\0') {
		for (n = 0; (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || (unsigned char)*s >= 0x80; s++)
			if (n + 1 < sizeof(w))
				w[n++] = (char)(*s >= 'A' && *s <= 'Z' ?
				    *s - 'A' + 'a' : *s);
		if (*s != '\0')
			s++;
		if (n < 3)
			continue;
		w[n] = '\0';
		for (k = 0; k < ws->n; k++)
			if (!(seen & (1u << k)) && ws->w[k][0] == w[0] &&
			    strcmp(ws->w[k], w) == 0) {
				seen |= 1u << k;
				count++;
				break;
			}
	}
	return count;
}

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->tags != b->tags)
		return b->tags - a->tags;
	if (a->words != b->words)
		return b->words - a->words;
	return a->order - b->order;
}

/*
 * Adds the candidates of sql_rel_cands, tag lists first: a story seen
 * again counts one more shared tag.
 */
static int
cand_lists(struct db *db, const int64_t *tag_ids, int nt, int64_t section,
    int64_t now, int64_t self, const struct words *ws, struct cand *c,
    size_t *n, size_t max)
{
	struct db_stmt *st;
	size_t i;
	int64_t id;
	int rc, k;

	if ((st = db_stmt(db, sql_rel_cands)) == NULL)
		return STORE_ERROR;
	for (k = 0; k < RELATED_MAX_TAGS; k++)
		db_bind_int(st, k + 1, k < nt ? tag_ids[k] : 0);
	db_bind_int(st, 7, section);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, RELATED_PER_TAG);
	db_bind_int(st, 10, RELATED_PER_SECTION);
	while ((rc = db_step(st)) == DB_ROW) {
		if ((id = db_col_int(st, 1)) == self)
			continue;
		for (i = 0; i < *n && c[i].id != id; i++)
			;
		if (i == *n) {
			if (*n == max)
				continue;
			c[i].id = id;
			c[i].tags = 0;
			c[i].order = (int)i;
			c[i].words = shared_words(ws, db_col_text(st, 2, NULL));
			(*n)++;
		}
		c[i].tags += db_col_int(st, 0) <= RELATED_MAX_TAGS;
	}
	db_reset(st);
	return rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

/* The rows of the first n candidates, in their order, into out. */
static int
cand_rows(struct db *db, const struct cand *c, size_t n, json_t *out)
{
	struct db_stmt *st;
	json_t *rows, *row;
	size_t i, k;
	int rc;

	if ((st = db_stmt(db, sql_rel_rows)) == NULL)
		return STORE_ERROR;
	for (i = 0; i < RELATED_ROWS; i++)
		db_bind_int(st, (int)i + 1, i < n ? c[i].id : 0);
	if ((rc = store_rows_json(st, &rows)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		json_array_foreach(rows, k, row)
			if (json_integer_value(json_object_get(row, "id")) ==
			    c[i].id) {
				json_array_append(out, row);
				break;
			}
	json_decref(rows);
	return STORE_OK;
}

int
store_search_related(struct db *db, int64_t id, const char *title,
    int64_t section, const int64_t *tag_ids, int ntags, int limit,
    int64_t now, json_t **out)
{
	struct cand c[RELATED_MAX_TAGS * RELATED_PER_TAG + RELATED_PER_SECTION];
	struct words ws;
	size_t n = 0;
	int rc;

	*out = json_array();
	words_of(title, &ws);
	if (ntags > RELATED_MAX_TAGS)
		ntags = RELATED_MAX_TAGS;
	/* After this point, all errors go through done. */
	if ((rc = cand_lists(db, tag_ids, ntags, section, now, id, &ws, c, &n,
	    ARRAY_SIZE(c))) != STORE_OK)
		goto done;
	qsort(c, n, sizeof(c[0]), cand_cmp);
	if (limit > RELATED_ROWS)
		limit = RELATED_ROWS;
	if ((rc = cand_rows(db, c, n < (size_t)limit ? n : (size_t)limit,
	    *out)) != STORE_OK)
		goto done;
	rc = STORE_OK;
done:
	if (rc != STORE_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
