/*
 * store_article.c — articles: one article, keyset-paginated lists, and
 * the listing rows that keep those lists to one index range scan.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

/*
 * The columns of an article in a list.  The first author is the one at
 * position 0; the comment count is kept in the article's row by every
 * comment write (store_comment.c).
 */
#define LIST_COLS \
	"a.id, a.slug, a.type, a.title, a.dek, a.published_at," \
	" a.updated_at, a.section_id, s.slug AS section_slug," \
	" s.name AS section_name, i.hash AS image_hash, i.ext AS image_ext," \
	" i.width AS image_width, i.height AS image_height," \
	" i.alt AS image_alt, i.widths AS image_widths, aa0.author_id," \
	" au.slug AS author_slug," \
	" au.name AS author_name, au.role AS author_role," \
	" au.company AS author_company, a.sponsor_id, sp.name AS sponsor_name," \
	" a.comment_count, (SELECT hsp.name FROM hub_items hx" \
	" JOIN hubs hh ON hh.id = hx.hub_id JOIN sponsors hsp ON hsp.id = hh.sponsor_id" \
	" WHERE hx.kind = 'article' AND hx.item_id = a.id AND hh.kind = 'sponsored'" \
	" ORDER BY hh.id LIMIT 1) AS hub_sponsor"

#define LIST_JOINS \
	" JOIN sections s ON s.id = a.section_id" \
	" LEFT JOIN images i ON i.id = a.hero_image_id" \
	" LEFT JOIN article_authors aa0 ON aa0.article_id = a.id" \
	"  AND aa0.position = 0" \
	" LEFT JOIN authors au ON au.id = aa0.author_id" \
	" LEFT JOIN sponsors sp ON sp.id = a.sponsor_id"

/*
 * The type filter of a list, as written in the statements below: the
 * statements for a list of every type ($5 NULL) are made from them with
 * TYPE_ANY in its place (variant()).  PostgreSQL cannot estimate
 * "a.type = COALESCE($5, a.type)": it guesses that one row in 200
 * passes, and on a deep page the "Newer" statement, expecting a few
 * rows, joined every article by hash instead of stopping after a page
 * (8 ms against 0.04 ms at 20,000 stories; at 200,000 the hash costs
 * more than the index and it took the index again).  A condition on
 * the parameter alone is constant for the planner and leaves the
 * estimate whole; the join reads articles' primary key alone.
 */
#define TYPE_COND	" AND a.type = COALESCE($5, a.type)"
#define TYPE_ANY	" AND CAST($5 AS TEXT) IS NULL"

/*
 * One statement per list, each driven by its own index.  Parameters:
 * $1 cursor time, $2 cursor id, $3 limit, $4 now, $5 type or NULL, $6 key
 * (the lists of every article use no key).
 */
static const char *const sql_list[LIST__MAX] = {
	[LIST_LATEST] =
	    "SELECT " LIST_COLS " FROM articles a" LIST_JOINS
	    " WHERE a.status = 'published'"
	    " AND (a.published_at, a.id) < ($1, $2) AND a.published_at <= $4"
	    TYPE_COND
	    " ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
	[LIST_SECTION] =
	    "SELECT " LIST_COLS " FROM section_articles x"
	    " JOIN articles a ON a.id = x.article_id" LIST_JOINS
	    " WHERE x.section_id = $6"
	    " AND (x.published_at, x.article_id) < ($1, $2)"
	    " AND x.published_at <= $4" TYPE_COND
	    " ORDER BY x.published_at DESC, x.article_id DESC LIMIT $3",
	[LIST_AUTHOR] =
	    "SELECT " LIST_COLS " FROM article_authors x"
	    " JOIN articles a ON a.id = x.article_id" LIST_JOINS
	    " WHERE x.author_id = $6 AND a.status = 'published'"
	    " AND (x.published_at, x.article_id) < ($1, $2)"
	    " AND x.published_at <= $4" TYPE_COND
	    " ORDER BY x.published_at DESC, x.article_id DESC LIMIT $3",
	[LIST_TAG] =
	    "SELECT " LIST_COLS " FROM article_tags x"
	    " JOIN articles a ON a.id = x.article_id" LIST_JOINS
	    " WHERE x.tag_id = $6 AND a.status = 'published'"
	    " AND (x.published_at, x.article_id) < ($1, $2)"
	    " AND x.published_at <= $4" TYPE_COND
	    " ORDER BY x.published_at DESC, x.article_id DESC LIMIT $3",
	[LIST_TYPE] =
	    "SELECT " LIST_COLS " FROM articles a" LIST_JOINS
	    " WHERE a.type = $5 AND a.status = 'published'"
	    " AND (a.published_at, a.id) < ($1, $2) AND a.published_at <= $4"
	    " ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
	[LIST_SHOW] =
	    "SELECT " LIST_COLS " FROM articles a" LIST_JOINS
	    " WHERE a.show_id = $6 AND a.status = 'published'"
	    " AND (a.published_at, a.id) < ($1, $2) AND a.published_at <= $4"
	    TYPE_COND
	    " ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
};

/*
 * The index range each list reads, for the statements that read its
 * keys alone: the keys of a page ("KEYS", newest first, the rows
 * sql_list reads, for a later page whose stories are kept as cards,
 * page_list.c) and those of the stories just newer than a page's first
 * one ("NEWER", oldest first, for its "Newer" link).  keys_sql() makes
 * both; parameters as in sql_list, $1, $2 the cursor or the page's
 * first story.
 */
static const struct list_range {
	const char	*from, *t, *id, *where;
} list_ranges[LIST__MAX] = {
	[LIST_LATEST] = { "articles a", "a.published_at", "a.id",
	    "a.status = 'published'" },
	[LIST_SECTION] = { "section_articles x JOIN articles a"
	    " ON a.id = x.article_id", "x.published_at", "x.article_id",
	    "x.section_id = $6" },
	[LIST_AUTHOR] = { "article_authors x JOIN articles a"
	    " ON a.id = x.article_id", "x.published_at", "x.article_id",
	    "x.author_id = $6 AND a.status = 'published'" },
	[LIST_TAG] = { "article_tags x JOIN articles a"
	    " ON a.id = x.article_id", "x.published_at", "x.article_id",
	    "x.tag_id = $6 AND a.status = 'published'" },
	[LIST_TYPE] = { "articles a", "a.published_at", "a.id",
	    "a.type = $5 AND a.status = 'published'" },
	[LIST_SHOW] = { "articles a", "a.published_at", "a.id",
	    "a.show_id = $6 AND a.status = 'published'" },
};

/*
 * The top topic sections, in the order of the home page's blocks; each
 * block's stories are its section's list (LIST_SECTION).
 */
static const char sql_home_topics[] =
    "SELECT id, slug, name FROM sections"
    " WHERE parent_id IS NULL AND kind = 'topic' ORDER BY position, id";

/*
 * The stories with the most approved comments written since $1, most
 * first.  The inner query reads only that window of comments_recent
 * (migration 0027), so its cost follows the week's comments, not the
 * archive's; it counts a few more stories than asked, since a story may
 * have been unpublished since.
 */
static const char sql_most_commented[] =
    "SELECT c.n AS recent_comments, " LIST_COLS " FROM ("
    " SELECT article_id, count(*) AS n FROM comments"
    "  WHERE status = 'approved' AND created_at > $1"
    "  GROUP BY article_id ORDER BY n DESC, article_id DESC LIMIT $2) c"
    " CROSS JOIN articles a" LIST_JOINS
    " WHERE a.id = c.article_id AND a.status = 'published'"
    " AND a.published_at <= $3"
    " ORDER BY c.n DESC, a.published_at DESC, a.id DESC";

/*
 * The hero's caption and credit are the story's own, or else those the
 * media library keeps with the image.
 */
#define GET_COLS \
    "SELECT a.id, a.slug, a.type, a.status, a.title, a.dek, a.body_html," \
    " a.published_at, a.updated_at, a.section_id," \
    " COALESCE(NULLIF(a.hero_caption, ''), i.caption, '') AS hero_caption," \
    " COALESCE(NULLIF(a.hero_credit, ''), i.credit, '') AS hero_credit," \
    " a.hero_licence, a.hero_licence_url, a.signoff," \
    " s.slug AS section_slug, s.name AS section_name," \
    " s.kind AS section_kind, i.hash AS image_hash, i.ext AS image_ext," \
    " i.width AS image_width, i.height AS image_height, i.alt AS image_alt," \
    " i.widths AS image_widths," \
    " a.sponsor_id, sp.slug AS sponsor_slug, sp.name AS sponsor_name," \
    " sp.url AS sponsor_url, a.media_url, a.media_type, a.media_bytes," \
    " a.media_seconds, a.comment_count, a.comments_mode," \
    " a.seo_title, a.seo_description, si.hash AS seo_image_hash," \
    " si.ext AS seo_image_ext, si.width AS seo_image_width," \
    " si.height AS seo_image_height, si.alt AS seo_image_alt," \
    " si.widths AS seo_image_widths, a.show_id, sh.slug AS show_slug," \
    " sh.title AS show_title, sh.kind AS show_kind, a.embed_url," \
    " a.chapters, a.transcript"
#define GET_FROM \
    " FROM articles a JOIN sections s ON s.id = a.section_id" \
    " LEFT JOIN images i ON i.id = a.hero_image_id" \
    " LEFT JOIN images si ON si.id = a.seo_image_id" \
    " LEFT JOIN sponsors sp ON sp.id = a.sponsor_id" \
    " LEFT JOIN shows sh ON sh.id = a.show_id"

static const char sql_get[] = GET_COLS GET_FROM
    " WHERE a.slug = $1 AND a.status = 'published' AND a.published_at <= $2";
static const char sql_get_any[] = GET_COLS GET_FROM " WHERE a.id = $1";
/*
 * sql_get with the story's site after its columns, which
 * store_article_page takes off the row: the reader's article has no
 * such key.
 */
#define SITE_COL	"home_site_id"
static const char sql_get_site[] = GET_COLS ", a.site_id AS " SITE_COL
    GET_FROM
    " WHERE a.slug = $1 AND a.status = 'published' AND a.published_at <= $2";

static const char sql_authors[] =
    "SELECT au.id, au.slug, au.name, au.role, au.company"
    " FROM article_authors aa JOIN authors au ON au.id = aa.author_id"
    " WHERE aa.article_id = $1 ORDER BY aa.position, au.id";

static const char sql_tags[] =
    "SELECT t.id, t.slug, t.name FROM article_tags at"
    " JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1"
    " ORDER BY t.name";

/*
 * The same rows as sql_authors and sql_tags, found from the story's
 * slug, so that they need not wait for its id (store_article_page).
 * $1 slug, $2 now, as sql_get.
 */
#define BY_SLUG \
    " a.slug = $1 AND a.status = 'published' AND a.published_at <= $2"
static const char sql_authors_slug[] =
    "SELECT au.id, au.slug, au.name, au.role, au.company"
    " FROM articles a JOIN article_authors aa ON aa.article_id = a.id"
    " JOIN authors au ON au.id = aa.author_id"
    " WHERE" BY_SLUG " ORDER BY aa.position, au.id";
static const char sql_tags_slug[] =
    "SELECT t.id, t.slug, t.name FROM articles a"
    " JOIN article_tags at ON at.article_id = a.id"
    " JOIN tags t ON t.id = at.tag_id WHERE" BY_SLUG " ORDER BY t.name";
#undef BY_SLUG

static const char sql_next_publish[] =
    "SELECT min(published_at) AS next_at FROM articles"
    " WHERE status = 'published' AND published_at > $1";

/* Listing rows, rebuilt from the article's current state. */
static const char sql_ix_del_sections[] =
    "DELETE FROM section_articles WHERE article_id = $1";
static const char sql_ix_ins_sections[] =
    "INSERT INTO section_articles (section_id, article_id, published_at)"
    " WITH RECURSIVE up(id, parent_id) AS ("
    "  SELECT s.id, s.parent_id FROM sections s"
    "   JOIN articles a ON a.section_id = s.id WHERE a.id = $1"
    "  UNION ALL"
    "  SELECT s.id, s.parent_id FROM sections s JOIN up ON s.id = up.parent_id)"
    " SELECT up.id, a.id, a.published_at FROM up, articles a"
    " WHERE a.id = $1 AND a.status = 'published'"
    " AND a.published_at IS NOT NULL";
static const char sql_ix_authors[] =
    "UPDATE article_authors SET published_at ="
    " (SELECT COALESCE(published_at, 0) FROM articles WHERE id = $1)"
    " WHERE article_id = $1";
static const char sql_ix_tags[] =
    "UPDATE article_tags SET published_at ="
    " (SELECT COALESCE(published_at, 0) FROM articles WHERE id = $1)"
    " WHERE article_id = $1";

int
store_cursor_parse(const char *s, struct cursor *c)
{
	const char *dot = strchr(s, '.');

	if (dot == NULL ||
	    parse_int(s, (size_t)(dot - s), 0, INT64_MAX, &c->t) != 0 ||
	    parse_int(dot + 1, strlen(dot + 1), 0, INT64_MAX, &c->id) != 0)
		return -1;
	return 0;
}

void
store_cursor_format(const struct cursor *c, char *out, size_t outsz)
{
	snprintf(out, outsz, "%lld.%lld", (long long)c->t, (long long)c->id);
}

/*
 * The site whose stories the lists of this thread's request show
 * (docs/sites.md): 0, on an instance of one site, for every story with
 * the statements above as they are; else the stories of that site and
 * those shown on it, with the same statements and a condition more.
 */
static _Thread_local int64_t scope;

/* What a list statement reads: its rows, the keys of the newer page, its keys. */
enum list_read {
	READ_ROWS,
	READ_NEWER,
	READ_KEYS,
	READ__MAX
};

/* The statement of r's keys that read says, into out (n bytes). */
static void
keys_sql(enum list_read read, const struct list_range *r, char *out,
    size_t n)
{
	int newer = read == READ_NEWER;

	snprintf(out, n, "SELECT %s AS published_at, %s AS id FROM %s"
	    " WHERE %s AND (%s, %s) %s ($1, $2) AND %s <= $4" TYPE_COND
	    " ORDER BY %s%s, %s%s LIMIT $3", r->t, r->id, r->from, r->where,
	    r->t, r->id, newer ? ">" : "<", r->t, r->t, newer ? "" : " DESC",
	    r->id, newer ? "" : " DESC");
}

/*
 * The statements a list runs, made once at the first use from those
 * above: [what it reads][type given][scoped].  Those of a list of every type
 * have TYPE_ANY for TYPE_COND; the scoped ones have the site's condition
 * before their ORDER BY, with the site as $6 where the statement has no
 * key (PostgreSQL wants every parameter up to the last one used) and $7
 * where it has.
 */
static pthread_once_t variants_once = PTHREAD_ONCE_INIT;
static char *variants[READ__MAX][2][2][LIST__MAX];

static int
scope_param(int by)
{
	return by == LIST_LATEST || by == LIST_TYPE ? 6 : 7;
}

static char *
variant(const char *sql, int typed, int site_param)
{
	const char *o = NULL, *p, *t;
	char cond[200], *v;
	size_t len;

	/* The statement's own ORDER BY is its last (LIST_COLS has one). */
	for (p = sql; (p = strstr(p, " ORDER BY")) != NULL; p++)
		o = p;
	if (site_param != 0)
		snprintf(cond, sizeof(cond), " AND (a.site_id = $%d OR EXISTS"
		    " (SELECT 1 FROM article_sites z WHERE z.article_id = a.id"
		    " AND z.site_id = $%d))", site_param, site_param);
	else
		cond[0] = '\0';
	len = strlen(sql) + strlen(TYPE_ANY) + strlen(cond) + 1;
	if (o == NULL || (v = malloc(len)) == NULL)
		abort();
	t = typed ? NULL : strstr(sql, TYPE_COND);
	if (t == NULL || t > o)
		snprintf(v, len, "%.*s%s%s", (int)(o - sql), sql, cond, o);
	else
		snprintf(v, len, "%.*s%s%.*s%s%s", (int)(t - sql), sql,
		    TYPE_ANY, (int)(o - t - strlen(TYPE_COND)),
		    t + strlen(TYPE_COND), cond, o);
	return v;
}

static void
variants_init(void)
{
	char sql[1024];
	int read, typed, scoped, i;

	for (read = 0; read < READ__MAX; read++)
		for (i = 0; i < LIST__MAX; i++) {
			if (read != READ_ROWS)
				keys_sql(read, &list_ranges[i], sql,
				    sizeof(sql));
			for (typed = 0; typed < 2; typed++)
				for (scoped = 0; scoped < 2; scoped++)
					variants[read][typed][scoped][i] =
					    variant(read == READ_ROWS ?
					    sql_list[i] : sql, typed, scoped ?
					    scope_param(i) : 0);
		}
}

void
store_scope_site(int64_t site)
{
	scope = site;
}

int64_t
store_scope(void)
{
	return scope;
}

/* The list statement of by that reads what read says, bound; NULL on error. */
static struct db_stmt *
list_stmt(struct db *db, enum list_read read, enum list_by by, int64_t key,
    const char *type, const struct cursor *cur, int limit, int64_t now)
{
	struct db_stmt *st;

	pthread_once(&variants_once, variants_init);
	/*
	 * Every page of a list is one index range from its cursor, whatever
	 * the cursor: one plan serves them all (db.h).  Planned at each run,
	 * a deep page's statement cost PostgreSQL 10.5 ms of planning for
	 * 0.5 ms of execution at 200,000 stories (bench/README.md).
	 */
	if ((st = db_stmt_generic(db,
	    variants[read][type != NULL][scope != 0][by])) == NULL)
		return NULL;
	db_bind_int(st, 1, cur->t);
	db_bind_int(st, 2, cur->id);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, now);
	db_bind_str(st, 5, type);
	if (by != LIST_LATEST && by != LIST_TYPE)
		db_bind_int(st, 6, key);
	if (scope != 0)
		db_bind_int(st, scope_param(by), scope);
	return st;
}

/* Reads the rows of a page of the list by for this request. */
static int
list_rows(struct db *db, enum list_by by, int64_t key,
    const char *type, const struct cursor *cur, int limit, int64_t now,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if (by == LIST_TYPE && type == NULL)
		return STORE_INVALID;
	if ((st = list_stmt(db, READ_ROWS, by, key, type, cur, limit, now)) ==
	    NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_article_list(struct db *db, enum list_by by, int64_t key,
    const char *type, const struct cursor *cur, int limit, int64_t now,
    json_t **out, struct cursor *next)
{
	json_t *last;
	int rc;

	*out = NULL;
	next->t = next->id = 0;
	/* One row more than asked tells whether a next page exists. */
	if ((rc = list_rows(db, by, key, type, cur, limit + 1, now, out)) !=
	    STORE_OK)
		return rc;
	if (json_array_size(*out) > (size_t)limit) {
		json_array_remove(*out, (size_t)limit);
		last = json_array_get(*out, (size_t)limit - 1);
		next->t = json_integer_value(json_object_get(last,
		    "published_at"));
		next->id = json_integer_value(json_object_get(last, "id"));
	}
	return STORE_OK;
}

int
store_article_keys(struct db *db, enum list_by by, int64_t key,
    const char *type, const struct cursor *cur, int limit, int64_t now,
    struct cursor *keys, int *n, struct cursor *next)
{
	struct db_stmt *st;
	int rc;

	*n = 0;
	next->t = next->id = 0;
	if (by == LIST_TYPE && type == NULL)
		return STORE_INVALID;
	/* One row more than asked tells whether a next page exists. */
	if ((st = list_stmt(db, READ_KEYS, by, key, type, cur, limit + 1,
	    now)) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(st)) == DB_ROW && *n < limit) {
		keys[*n].t = db_col_int(st, 0);
		keys[*n].id = db_col_int(st, 1);
		(*n)++;
	}
	if (rc == DB_ROW) {
		*next = keys[*n - 1];
		rc = DB_DONE;
	}
	db_reset(st);
	if (rc != DB_DONE) {
		*n = 0;
		next->t = next->id = 0;
		return store_rc_from_db(rc);
	}
	return STORE_OK;
}

int
store_article_newer(struct db *db, enum list_by by, int64_t key,
    const char *type, const struct cursor *first, int limit, int64_t now,
    struct cursor *prev)
{
	struct db_stmt *st;
	int rc, n = 0;

	prev->t = prev->id = 0;
	if (by == LIST_TYPE && type == NULL)
		return STORE_INVALID;
	if ((st = list_stmt(db, READ_NEWER, by, key, type, first, limit + 1,
	    now)) == NULL)
		return STORE_ERROR;
	/*
	 * With limit + 1 newer stories the newer page starts after the
	 * last of them; with fewer, the newer page is the first page.
	 */
	while ((rc = db_step(st)) == DB_ROW)
		if (n++ == limit) {
			prev->t = db_col_int(st, 0);
			prev->id = db_col_int(st, 1);
		}
	db_reset(st);
	if (rc != DB_DONE) {
		prev->t = prev->id = 0;
		return store_rc_from_db(rc);
	}
	return n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_home_topics(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_home_topics)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_most_commented(struct db *db, int64_t since, int limit, int64_t now,
    json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_most_commented)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, since);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, now);
	return store_rows_json(st, out);
}

int
store_article_get(struct db *db, const char *slug, int64_t now, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_get)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	db_bind_int(st, 2, now);
	return store_row1_json(st, out);
}

int
store_article_get_any(struct db *db, int64_t id, json_t **out)
{
	return store_row_by_id(db, sql_get_any, id, out);
}

int
store_article_authors(struct db *db, int64_t article_id, json_t **out)
{
	return store_rows_by_id(db, sql_authors, article_id, out);
}

int
store_article_tags(struct db *db, int64_t article_id, json_t **out)
{
	return store_rows_by_id(db, sql_tags, article_id, out);
}

int
store_article_authors_tags(struct db *db, int64_t article_id,
    json_t **authors, json_t **tags)
{
	struct db_stmt *sa, *st;
	int rc;

	*authors = *tags = NULL;
	if ((sa = db_stmt(db, sql_authors)) == NULL ||
	    (st = db_stmt(db, sql_tags)) == NULL)
		return STORE_ERROR;
	db_bind_int(sa, 1, article_id);
	db_bind_int(st, 1, article_id);
	/* Both go before either is read: one round trip (db_send). */
	db_send(sa);
	db_send(st);
	if ((rc = store_rows_json(sa, authors)) != STORE_OK) {
		db_reset(st);
		return rc;
	}
	if ((rc = store_rows_json(st, tags)) != STORE_OK) {
		json_decref(*authors);
		*authors = NULL;
	}
	return rc;
}

/* store_article_page's end: on an error, it hands back nothing. */
static int
page_done(int rc, json_t **article, json_t **authors, json_t **tags)
{
	if (rc != STORE_OK) {
		json_decref(*article);
		json_decref(*authors);
		json_decref(*tags);
		*article = *authors = *tags = NULL;
	}
	return rc;
}

/* store_article_page one statement after the other, by the story's id. */
static int
page_by_id(struct db *db, const char *slug, int64_t now, json_t **article,
    json_t **authors, json_t **tags, int64_t *site, struct comments_ask *c)
{
	int64_t id;
	int rc;

	if ((rc = store_article_get(db, slug, now, article)) != STORE_OK)
		return rc;
	id = json_integer_value(json_object_get(*article, "id"));
	rc = store_article_authors_tags(db, id, authors, tags);
	if (rc == STORE_OK && site != NULL)
		rc = store_article_site(db, id, site);
	if (rc == STORE_OK && c != NULL)
		rc = store_comments_ask_by_id(db, id, c);
	return page_done(rc, article, authors, tags);
}

int
store_article_page(struct db *db, const char *slug, int64_t now,
    json_t **article, json_t **authors, json_t **tags, int64_t *site,
    struct comments_ask *c)
{
	struct db_stmt *st[3];
	const char *const sql[3] = {
		site != NULL ? sql_get_site : sql_get, sql_authors_slug,
		sql_tags_slug,
	};
	int i, rc = STORE_OK;

	*article = *authors = *tags = NULL;
	if (site != NULL)
		*site = 0;
	if (c != NULL)
		c->rows = c->featured = NULL;
	/*
	 * SQLite has no round trip to save, and there the statements by id
	 * are the cheaper (1% of the page's instructions, callgrind).
	 */
	if (db_kind(db) == DB_SQLITE)
		return page_by_id(db, slug, now, article, authors, tags, site,
		    c);
	for (i = 0; i < 3; i++)
		if ((st[i] = db_stmt(db, sql[i])) == NULL)
			return STORE_ERROR;
	/* All go before any is read: one round trip (db_send). */
	for (i = 0; i < 3; i++) {
		db_bind_str(st[i], 1, slug);
		db_bind_int(st[i], 2, now);
		db_send(st[i]);
	}
	if (c != NULL && store_comments_ask_send(db, slug, now, c) !=
	    STORE_OK)
		rc = STORE_ERROR;
	if (rc == STORE_OK &&
	    (rc = store_row1_json(st[0], article)) == STORE_OK &&
	    (rc = store_rows_json(st[1], authors)) == STORE_OK)
		rc = store_rows_json(st[2], tags);
	if (rc == STORE_OK && c != NULL)
		rc = store_comments_ask_read(c);
	/* What was sent and not read is dropped with its statement. */
	for (i = 0; i < 3; i++)
		db_reset(st[i]);
	if (c != NULL)
		for (i = 0; i < 2; i++)
			if (c->st[i] != NULL) {
				db_reset(c->st[i]);
				c->st[i] = NULL;
			}
	if (rc == STORE_OK && site != NULL) {
		*site = json_integer_value(json_object_get(*article, SITE_COL));
		json_object_del(*article, SITE_COL);
	}
	if (rc != STORE_OK && c != NULL) {
		json_decref(c->rows);
		json_decref(c->featured);
		c->rows = c->featured = NULL;
	}
	return page_done(rc, article, authors, tags);
}

int64_t
store_next_publish(struct db *db, int64_t now)
{
	return store_scalar(db, sql_next_publish, now);
}

/*
 * Pins first: nine rows at most.  A plain JOIN lets SQLite start from the
 * articles (it knows front_pins only as a table) and walk every
 * published story on each render of the home page; CROSS JOIN keeps
 * SQLite's order.  PostgreSQL takes CROSS JOIN for a plain inner join
 * and orders it by its statistics: on tables not analysed yet (a fresh
 * load, before autovacuum comes by) it expected two published stories
 * and probed the pins for each of the 671 the demo has, 1.7 ms of the
 * database's time on every render.  There each pin's story is read by
 * its id in a LATERAL subquery, which can only run after the pin it
 * names; OFFSET 0 keeps PostgreSQL from flattening it back into the
 * join.  The columns and rows are the same.
 */
static const char *const sql_front_live[DB__MAX] = {
	[DB_SQLITE] =
	    "SELECT p.slot AS position, " LIST_COLS " FROM front_pins p"
	    " CROSS JOIN articles a" LIST_JOINS
	    " WHERE a.id = p.article_id"
	    " AND a.status = 'published' AND a.published_at <= $1"
	    " AND (p.expires_at IS NULL OR p.expires_at > $1) ORDER BY p.slot",
	[DB_POSTGRES] =
	    "SELECT p.slot AS position, a.* FROM front_pins p"
	    " CROSS JOIN LATERAL (SELECT " LIST_COLS " FROM articles a"
	    LIST_JOINS " WHERE a.id = p.article_id"
	    " AND a.status = 'published' AND a.published_at <= $1 OFFSET 0) a"
	    " WHERE p.expires_at IS NULL OR p.expires_at > $1 ORDER BY p.slot",
};
/*
 * For store_home_reads: when the first pin still to expire expires, and
 * the featured_video setting (docs/media.md), in one row; a statement
 * less for PostgreSQL to start and end on every render.
 */
static const char sql_home_next_video[] =
    "SELECT (SELECT min(expires_at) FROM front_pins WHERE expires_at > $1),"
    " (SELECT value FROM settings WHERE key = 'featured_video')";
static const char sql_front_all[] =
    "SELECT p.slot AS position, p.article_id, p.expires_at, a.title, a.status,"
    " a.published_at FROM front_pins p JOIN articles a ON a.id = p.article_id"
    " ORDER BY p.slot";
static const char sql_front_clear[] = "DELETE FROM front_pins";
static const char sql_front_pin[] =
    "INSERT INTO front_pins (slot, article_id, expires_at)"
    " SELECT $1, $2, $3 FROM articles a"
    " WHERE a.id = $2 AND a.status = 'published'";
static const char sql_front_choices[] =
    "SELECT a.id, a.title, a.published_at FROM articles a"
    " WHERE a.status = 'published'"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT $1";

int
store_home_reads(struct db *db, struct home_reads *h)
{
	enum { NEXT_VIDEO, PINS, MOST, N };
	struct db_stmt *st[N];
	const char *v;
	int i, rc;

	h->next_expiry = 0;
	h->pins = h->most = NULL;
	h->video[0] = '\0';
	if ((st[NEXT_VIDEO] = db_stmt(db, sql_home_next_video)) == NULL ||
	    (st[PINS] = db_stmt(db, sql_front_live[db_kind(db)])) == NULL)
		return STORE_ERROR;
	st[MOST] = NULL;
	if (h->most_limit > 0 &&
	    (st[MOST] = db_stmt(db, sql_most_commented)) == NULL)
		return STORE_ERROR;
	db_bind_int(st[NEXT_VIDEO], 1, h->now);
	db_bind_int(st[PINS], 1, h->now);
	if (st[MOST] != NULL) {
		db_bind_int(st[MOST], 1, h->most_since);
		db_bind_int(st[MOST], 2, h->most_limit);
		db_bind_int(st[MOST], 3, h->now);
	}
	/* All go before any is read: one round trip (db_send). */
	for (i = 0; i < N; i++)
		if (st[i] != NULL)
			db_send(st[i]);
	/* As store_setting: no answer, none. */
	if (db_step(st[NEXT_VIDEO]) == DB_ROW) {
		if (!db_col_isnull(st[NEXT_VIDEO], 0))
			h->next_expiry = db_col_int(st[NEXT_VIDEO], 0);
		if (!db_col_isnull(st[NEXT_VIDEO], 1)) {
			v = db_col_text(st[NEXT_VIDEO], 1, NULL);
			strlcpy_(h->video, v, sizeof(h->video));
		}
	}
	db_reset(st[NEXT_VIDEO]);
	if ((rc = store_rows_json(st[PINS], &h->pins)) == STORE_OK &&
	    st[MOST] != NULL &&
	    (rc = store_rows_json(st[MOST], &h->most)) != STORE_OK) {
		json_decref(h->pins);
		h->pins = NULL;
	}
	/* What was sent and not read is dropped with its statement. */
	if (st[MOST] != NULL)
		db_reset(st[MOST]);
	return rc;
}

int
store_front_all(struct db *db, json_t **out)
{
	struct db_stmt *st;

	*out = NULL;
	if ((st = db_stmt(db, sql_front_all)) == NULL)
		return STORE_ERROR;
	return store_rows_json(st, out);
}

int
store_front_set(struct db *db, const struct front_pin *pins, int *bad)
{
	struct db_stmt *st;
	int slot, rc;

	*bad = -1;
	if ((st = db_stmt(db, sql_front_clear)) == NULL)
		return STORE_ERROR;
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	for (slot = 0; slot < STORE_FRONT_SLOTS; slot++) {
		if (pins[slot].article == 0)
			continue;
		if ((st = db_stmt(db, sql_front_pin)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, slot);
		db_bind_int(st, 2, pins[slot].article);
		if (pins[slot].expires != 0)
			db_bind_int(st, 3, pins[slot].expires);
		else
			db_bind_null(st, 3);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
		if (db_changes(db) == 0) {
			*bad = slot;
			return STORE_NOTFOUND;
		}
	}
	return STORE_OK;
}

int
store_front_choices(struct db *db, int limit, json_t **out)
{
	return store_rows_by_id(db, sql_front_choices, limit, out);
}

int
store_article_reindex(struct db *db, int64_t article_id)
{
	static const char *const steps[] = {
		sql_ix_del_sections, sql_ix_ins_sections, sql_ix_authors,
		sql_ix_tags,
	};
	struct db_stmt *st;
	size_t i;
	int rc;

	if (db_begin(db) != DB_OK)
		return STORE_ERROR;
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if ((st = db_stmt(db, steps[i])) == NULL) {
			db_rollback(db);
			return STORE_ERROR;
		}
		db_bind_int(st, 1, article_id);
		if ((rc = db_run(st)) != DB_OK) {
			db_rollback(db);
			return store_rc_from_db(rc);
		}
	}
	/* The search index follows in the same transaction: it cannot drift. */
	if ((rc = store_search_index(db, article_id)) != STORE_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == DB_OK ? STORE_OK : STORE_ERROR;
}

/*
 * An article just made has no listing rows to take off, its author and
 * tag rows were written with its time (store_write.c), and its caller
 * (an import: one transaction for the whole file, rolled back whole on
 * failure) needs no savepoint of its own: its section rows are all
 * that is left.
 */
int
store_article_list_new(struct db *db, int64_t article_id)
{
	struct db_stmt *st;

	if ((st = db_stmt(db, sql_ix_ins_sections)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, article_id);
	return store_rc_from_db(db_run(st));
}
