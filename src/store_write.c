/*
 * store_write.c — writing articles: create, update, publish, unpublish,
 * and the cache tags a change of an article touches.
 *
 * Callers validate input first (api_admin.c); these functions run inside
 * the caller's write transaction and never commit on their own.  The
 * INSERT, the UPDATE and the newsroom's SELECT of an article, and their
 * binds, are made from the table of its fields (store_cols.h).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "sites.h"
#include "store.h"
#include "store_cols.h"
#include "tag.h"
#include "util.h"

static const char sql_id_by_slug_author[] =
    "SELECT id FROM authors WHERE slug = $1";
/* A slug an old URL still redirects from is taken too. */
static const char sql_slug_taken[] =
    "SELECT (SELECT count(*) FROM articles WHERE slug = $1)"
    " + (SELECT count(*) FROM article_slugs WHERE slug = $1)";

static const char sql_authors_clear[] =
    "DELETE FROM article_authors WHERE article_id = $1";
static const char sql_author_add[] =
    "INSERT INTO article_authors (article_id, author_id, position)"
    " VALUES ($1, $2, $3) ON CONFLICT (article_id, author_id) DO NOTHING";
static const char sql_tags_clear[] =
    "DELETE FROM article_tags WHERE article_id = $1";
static const char sql_tag_make[] =
    "INSERT INTO tags (slug, name) VALUES ($1, $2)"
    " ON CONFLICT (slug) DO NOTHING";
static const char sql_tag_id[] = "SELECT id FROM tags WHERE slug = $1";
static const char sql_tag_add[] =
    "INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)"
    " ON CONFLICT (article_id, tag_id) DO NOTHING";
/* An article just made: its rows take its time as they are written. */
static const char sql_author_add_new[] =
    "INSERT INTO article_authors (article_id, author_id, position,"
    " published_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (article_id, author_id) DO NOTHING";
static const char sql_tag_add_new[] =
    "INSERT INTO article_tags (article_id, tag_id, published_at)"
    " VALUES ($1, $2, $3) ON CONFLICT (article_id, tag_id) DO NOTHING";

static const char sql_publish[] =
    "UPDATE articles SET status = 'published', published_at = $2,"
    " updated_at = $3 WHERE id = $1 AND trashed_at IS NULL";
static const char sql_unpublish[] =
    "UPDATE articles SET status = 'draft', updated_at = $2 WHERE id = $1";
static const char sql_trash[] =
    "UPDATE articles SET status = 'draft', trashed_at = $2, updated_at = $2"
    " WHERE id = $1 AND trashed_at IS NULL";
static const char sql_untrash[] =
    "UPDATE articles SET trashed_at = NULL, updated_at = $2"
    " WHERE id = $1 AND trashed_at IS NOT NULL";
static const char sql_purge[] =
    "DELETE FROM articles WHERE id = $1 AND trashed_at IS NOT NULL"
    " AND trashed_at <= $2";

static const char sql_admin_authors[] =
    "SELECT au.slug FROM article_authors aa"
    " JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1"
    " ORDER BY aa.position";
static const char sql_admin_tags[] =
    "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
    " WHERE at.article_id = $1 ORDER BY t.name";
static const char sql_is_author[] =
    "SELECT count(*) FROM article_authors WHERE article_id = $1"
    " AND author_id = $2";

/*
 * Every list a published article is in: all stories, its section and the
 * section's ancestors, its authors, tags and type.  A draft is in none.
 * A row is (which list, id, type), the list numbered as in enum dep_list;
 * store_article_deps() makes the cache tags with tag.h, so the query
 * spells none.
 */
enum dep_list {
	DEP_LATEST = 0,
	DEP_TYPE = 1,
	DEP_SECTION = 2,
	DEP_AUTHOR = 3,
	DEP_TOPIC = 4,
	DEP_SHOW = 5
};

static const char sql_deps[] =
    "WITH RECURSIVE up(id, parent_id, depth) AS ("
    "  SELECT s.id, s.parent_id, 0 FROM sections s"
    "   JOIN articles a ON a.section_id = s.id"
    "   WHERE a.id = $1 AND a.status = 'published'"
    "  UNION ALL"
    "  SELECT s.id, s.parent_id, up.depth + 1 FROM sections s"
    "   JOIN up ON s.id = up.parent_id WHERE up.depth < 16)"
    " SELECT 0, id, type FROM articles WHERE id = $1 AND status = 'published'"
    " UNION ALL SELECT 1, id, type FROM articles"
    "  WHERE id = $1 AND status = 'published'"
    " UNION ALL SELECT 2, id, '' FROM up"
    " UNION ALL SELECT 3, x.author_id, '' FROM article_authors x"
    "  JOIN articles a ON a.id = x.article_id"
    "  WHERE x.article_id = $1 AND a.status = 'published'"
    " UNION ALL SELECT 4, x.tag_id, '' FROM article_tags x"
    "  JOIN articles a ON a.id = x.article_id"
    "  WHERE x.article_id = $1 AND a.status = 'published'"
    " UNION ALL SELECT 5, show_id, '' FROM articles"
    "  WHERE id = $1 AND status = 'published' AND show_id IS NOT NULL";

/* The sites that show story $1: its own and those it is shown on. */
static const char sql_deps_sites[] =
    "SELECT site_id FROM articles WHERE id = $1"
    " UNION SELECT site_id FROM article_sites WHERE article_id = $1";

/* Looks up the id of a slug with one of the statements above. */
static int
id_of(struct db *db, const char *sql, const char *slug, int64_t *id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, slug);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

/*
 * The ids of author and tag slugs an import found or made, kept while
 * its transaction lasts (db_memo_serial): it names the same few hundred
 * in every story.  One small table a thread, each slot overwritten by
 * the next slug that hashes to it, so memory stays flat.
 */
#define MEMO_SLOTS	256

struct memo_slot {
	const struct db	*db;
	uint64_t	 serial;
	const char	*sql;
	int64_t		 id;
	char		 slug[80];
};

static __thread struct memo_slot memo[MEMO_SLOTS];

static struct memo_slot *
memo_slot(const char *sql, const char *slug)
{
	uint32_t h = 2166136261u;

	for (; *slug != '\0'; slug++)
		h = (h ^ (unsigned char)*slug) * 16777619u;
	h ^= (uint32_t)(uintptr_t)sql;
	return &memo[h % MEMO_SLOTS];
}

/* id_of, through the memo while a bulk load's transaction lasts. */
static int
id_of_kept(struct db *db, const char *sql, const char *slug, int64_t *id)
{
	uint64_t serial = db_memo_serial(db);
	struct memo_slot *m;
	int rc;

	if (serial == 0 || strlen(slug) >= sizeof(m->slug))
		return id_of(db, sql, slug, id);
	m = memo_slot(sql, slug);
	if (m->db == db && m->serial == serial && m->sql == sql &&
	    strcmp(m->slug, slug) == 0) {
		*id = m->id;
		return STORE_OK;
	}
	if ((rc = id_of(db, sql, slug, id)) == STORE_OK) {
		m->db = db;
		m->serial = serial;
		m->sql = sql;
		m->id = *id;
		strlcpy_(m->slug, slug, sizeof(m->slug));
	}
	return rc;
}

void
store_slugify(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	int dash = 0;

	for (; *s != '\0' && n + 1 < outsz && n < 80; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0)
				out[n++] = '-';
			if (n + 1 < outsz)
				out[n++] = (char)c;
			dash = 0;
		} else if (c != '\'') {
			dash = 1;
		}
	}
	out[n] = '\0';
	if (n == 0)
		strlcpy_(out, "story", outsz);
}

int
store_article_slug_free(struct db *db, const char *base, char *out,
    size_t outsz)
{
	struct db_stmt *st;
	int i, rc;
	int64_t n;

	for (i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(out, outsz, "%s", base);
		else
			snprintf(out, outsz, "%.180s-%d", base, i);
		if ((st = db_stmt(db, sql_slug_taken)) == NULL)
			return STORE_ERROR;
		db_bind_str(st, 1, out);
		rc = db_step(st);
		n = rc == DB_ROW ? db_col_int(st, 0) : -1;
		db_reset(st);
		if (rc != DB_ROW)
			return store_rc_from_db(rc);
		if (n == 0)
			return STORE_OK;
	}
	return STORE_CONFLICT;
}

/*
 * Replaces the authors (slugs) and tags (names) of an article.  fresh:
 * the article was just made, so it has none to take off, and its rows
 * are written with its time pub (0 for a draft) at once, as
 * store_article_reindex() would set it.
 */
static int
set_people(struct db *db, int64_t id, json_t *authors, json_t *tags,
    int fresh, int64_t pub)
{
	struct db_stmt *st;
	json_t *v;
	size_t i;
	int64_t x;
	int rc;

	if (authors != NULL && !fresh) {
		if ((st = db_stmt(db, sql_authors_clear)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	}
	if (authors != NULL) {
		json_array_foreach(authors, i, v) {
			if ((rc = id_of_kept(db, sql_id_by_slug_author,
			    json_string_value(v), &x)) != STORE_OK)
				return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
			if ((st = db_stmt(db, fresh ? sql_author_add_new :
			    sql_author_add)) == NULL)
				return STORE_ERROR;
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, x);
			db_bind_int(st, 3, (int64_t)i);
			if (fresh)
				db_bind_int(st, 4, pub);
			if ((rc = db_run(st)) != DB_OK)
				return store_rc_from_db(rc);
		}
	}
	if (tags != NULL && !fresh) {
		if ((st = db_stmt(db, sql_tags_clear)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	}
	if (tags != NULL) {
		json_array_foreach(tags, i, v) {
			char slug[128];

			store_slugify(json_string_value(v), slug, sizeof(slug));
			/*
			 * A tag is made only when missing: on PostgreSQL an
			 * INSERT that does nothing still spends an id.
			 */
			if ((rc = id_of_kept(db, sql_tag_id, slug, &x)) ==
			    STORE_NOTFOUND) {
				if ((st = db_stmt(db, sql_tag_make)) == NULL)
					return STORE_ERROR;
				db_bind_str(st, 1, slug);
				db_bind_str(st, 2, json_string_value(v));
				if ((rc = db_run(st)) != DB_OK)
					return store_rc_from_db(rc);
				rc = id_of_kept(db, sql_tag_id, slug, &x);
			}
			if (rc != STORE_OK)
				return rc;
			if ((st = db_stmt(db, fresh ? sql_tag_add_new :
			    sql_tag_add)) == NULL)
				return STORE_ERROR;
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, x);
			if (fresh)
				db_bind_int(st, 3, pub);
			if ((rc = db_run(st)) != DB_OK)
				return store_rc_from_db(rc);
		}
	}
	return STORE_OK;
}

static const char *
field(json_t *in, const char *key)
{
	return json_string_value(json_object_get(in, key));
}

/*
 * The ids of the SC_REF fields that in names, by row of store_cols: 0
 * for one absent, or "" in one that "" takes off.  A name no row has is
 * STORE_INVALID.
 */
static int
resolve(struct db *db, json_t *in, int64_t *ids)
{
	const struct store_col *c;
	const char *v;
	size_t i;
	int rc;

	for (i = 0; i < store_ncols; i++) {
		c = &store_cols[i];
		ids[i] = 0;
		if (c->kind != SC_REF || (v = field(in, c->key)) == NULL ||
		    (v[0] == '\0' && (c->flags & SC_CLEAR)))
			continue;
		if ((rc = id_of(db, store_cols_ref_sql(c), v, &ids[i])) !=
		    STORE_OK)
			return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
	}
	return STORE_OK;
}

static void
bind_opt_id(struct db_stmt *st, int i, int64_t id)
{
	if (id != 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

/* What one write binds: the input and what the store made of it. */
struct bind {
	json_t		*in;
	const char	*slug;		/* a new article's */
	const char	*html;		/* the rendered body, or NULL */
	const int64_t	*ids;		/* resolve()'s */
	int64_t		 now;
	int		 creating;
};

/*
 * Binds row i's parameters from $n on: a new article gets the input's
 * value or the default, a change binds NULL to keep the column.  Returns
 * the number of parameters bound.
 */
static int
bind_col(struct db_stmt *st, int n, size_t i, const struct bind *b)
{
	const struct store_col *c = &store_cols[i];
	json_t *v = c->key != NULL ? json_object_get(b->in, c->key) : NULL;
	const char *s;
	int64_t dflt;

	switch (c->kind) {
	case SC_SLUG:
		db_bind_str(st, n, b->creating ? b->slug : field(b->in, c->key));
		break;
	case SC_HTML:
		db_bind_str(st, n, b->html != NULL || !b->creating ? b->html :
		    c->dflt);
		break;
	case SC_TEXT:
		s = json_string_value(v);
		db_bind_str(st, n, s != NULL || !b->creating ? s : c->dflt);
		break;
	case SC_INT:
		if (json_is_integer(v))
			db_bind_int(st, n, json_integer_value(v));
		else if (b->creating)
			db_bind_int(st, n, 0);
		else
			db_bind_null(st, n);
		break;
	case SC_BOOL:
		if (json_is_boolean(v) || b->creating)
			db_bind_int(st, n, json_is_true(v));
		else
			db_bind_null(st, n);
		break;
	case SC_TIME:
		if (!b->creating && (c->flags & SC_TOUCH))
			db_bind_int(st, n, b->now);
		else if (json_is_integer(v))
			db_bind_int(st, n, json_integer_value(v));
		else if (b->creating && (c->flags & SC_NOW))
			db_bind_int(st, n, b->now);
		else
			db_bind_null(st, n);
		break;
	case SC_REF:
		/* A new article without it gets the row's default id. */
		if (b->creating && b->ids[i] == 0 && c->dflt != NULL &&
		    parse_int(c->dflt, strlen(c->dflt), 1, INT64_MAX,
		    &dflt) == 0)
			db_bind_int(st, n, dflt);
		else
			bind_opt_id(st, n, b->ids[i]);
		if (b->creating || !(c->flags & SC_CLEAR))
			break;
		/* "" takes it off. */
		s = field(b->in, c->key);
		db_bind_int(st, n + 1, s != NULL && s[0] == '\0');
		return 2;
	default:
		return 0;
	}
	return 1;
}

static int
create(struct db *db, json_t *in, const char *body_html, int64_t *id,
    int search)
{
	char base[200], slug[256];
	struct db_stmt *st;
	int64_t ids[STORE_COLS_MAX];
	struct bind b = { in, slug, body_html, ids, now_unix(), 1 };
	size_t i;
	int64_t pub = 0;
	int rc, n = 1;

	if ((rc = resolve(db, in, ids)) != STORE_OK)
		return rc;
	if (field(in, "slug") != NULL) {
		strlcpy_(slug, field(in, "slug"), sizeof(slug));
	} else {
		store_slugify(field(in, "title"), base, sizeof(base));
		if ((rc = store_article_slug_free(db, base, slug,
		    sizeof(slug))) != STORE_OK)
			return rc;
	}
	if ((st = db_stmt(db, store_cols_sql(SCQ_CREATE))) == NULL)
		return STORE_ERROR;
	for (i = 0; i < store_ncols; i++)
		if (store_col_in_create(&store_cols[i]))
			n += bind_col(st, n, i, &b);
	if ((rc = db_step(st)) == DB_ROW) {
		*id = db_col_int(st, 0);
		pub = db_col_int(st, 1);
	}
	db_reset(st);
	if (rc != DB_ROW)
		return store_rc_from_db(rc);
	if ((rc = set_people(db, *id, json_object_get(in, "authors"),
	    json_object_get(in, "tags"), 1, pub)) != STORE_OK)
		return rc;
	return search ? store_article_reindex(db, *id) :
	    store_article_list_new(db, *id);
}

int
store_article_create(struct db *db, json_t *in, const char *body_html,
    int64_t *id)
{
	return create(db, in, body_html, id, 1);
}

int
store_article_create_unindexed(struct db *db, json_t *in,
    const char *body_html, int64_t *id)
{
	return create(db, in, body_html, id, 0);
}

int
store_article_update(struct db *db, int64_t id, json_t *in,
    const char *body_html)
{
	struct db_stmt *st;
	int64_t ids[STORE_COLS_MAX];
	struct bind b = { in, NULL, body_html, ids, now_unix(), 0 };
	size_t i;
	int rc, n = 2;

	if ((rc = resolve(db, in, ids)) != STORE_OK)
		return rc;
	if ((st = db_stmt(db, store_cols_sql(SCQ_UPDATE))) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	for (i = 0; i < store_ncols; i++)
		if (store_col_in_update(&store_cols[i]))
			n += bind_col(st, n, i, &b);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	if (db_changes(db) == 0)
		return STORE_NOTFOUND;
	if ((rc = set_people(db, id, json_object_get(in, "authors"),
	    json_object_get(in, "tags"), 0, 0)) != STORE_OK)
		return rc;
	return store_article_reindex(db, id);
}

int
store_article_publish(struct db *db, int64_t id, int64_t at)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_publish)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, at);
	db_bind_int(st, 3, now_unix());
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	if (db_changes(db) == 0)
		return STORE_NOTFOUND;
	return store_article_reindex(db, id);
}

int
store_article_unpublish(struct db *db, int64_t id)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_unpublish)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now_unix());
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	if (db_changes(db) == 0)
		return STORE_NOTFOUND;
	return store_article_reindex(db, id);
}

/* One UPDATE or DELETE of an article by id and a time. */
static int
by_id_at(struct db *db, const char *sql, int64_t id, int64_t t)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, t);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_article_trash(struct db *db, int64_t id, int64_t now)
{
	int rc;

	if ((rc = by_id_at(db, sql_trash, id, now)) != STORE_OK)
		return rc;
	return store_article_reindex(db, id);
}

int
store_article_untrash(struct db *db, int64_t id)
{
	return by_id_at(db, sql_untrash, id, now_unix());
}

int
store_article_purge(struct db *db, int64_t id, int64_t before)
{
	return by_id_at(db, sql_purge, id, before);
}

/* A list of strings from a one-column query by article id. */
static json_t *
strings(struct db *db, const char *sql, int64_t id)
{
	json_t *a = json_array();
	struct db_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return a;
	db_bind_int(st, 1, id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(a, json_string(db_col_text(st, 0, NULL)));
	db_reset(st);
	return a;
}

int
store_article_admin_get(struct db *db, int64_t id, json_t **out)
{
	struct db_stmt *st;
	size_t i;
	int rc;

	*out = NULL;
	if ((st = db_stmt(db, store_cols_sql(SCQ_VIEW))) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = store_row1_json(st, out)) != STORE_OK)
		return rc;
	for (i = 0; i < store_ncols; i++)
		if (store_cols[i].kind == SC_BOOL && store_cols[i].out != NULL)
			json_object_set_new(*out, store_cols[i].out,
			    json_boolean(json_integer_value(json_object_get(
			    *out, store_cols[i].out)) != 0));
	json_object_set_new(*out, "authors", strings(db, sql_admin_authors, id));
	json_object_set_new(*out, "tags", strings(db, sql_admin_tags, id));
	return STORE_OK;
}

int
store_article_has_author(struct db *db, int64_t id, int64_t author_id)
{
	struct db_stmt *st;
	int n = 0;

	if (author_id == 0 || (st = db_stmt(db, sql_is_author)) == NULL)
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, author_id);
	if (db_step(st) == DB_ROW)
		n = (int)db_col_int(st, 0);
	db_reset(st);
	return n > 0;
}

/*
 * Adds list tag t of a story shown on sites[0..n): as it is for the
 * instance's own site (every site when n is 0: an instance of one), and
 * in each sister site (tag_in_site).  Related stories are read from
 * every site, so their story tags go out as they are (all).
 */
static void
deps_add(struct buf *tags, struct tag t, const int64_t *sites, size_t n,
    int all)
{
	size_t i;

	if (n == 0 || all)
		tags_add(tags, t);
	for (i = 0; i < n; i++)
		tags_add(tags, sites[i] == SITES_DEFAULT ? t :
		    tag_in_site(t, sites[i]));
}

int
store_article_deps(struct db *db, int64_t id, struct buf *tags)
{
	struct db_stmt *st;
	int64_t sites[SITES_MAX];
	size_t n = 0;
	int rc;

	tags_add(tags, tag_article(id));
	/* On an instance of one site its lists carry no site. */
	if (sites_count() > 1) {
		if ((st = db_stmt(db, sql_deps_sites)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		while ((rc = db_step(st)) == DB_ROW && n < SITES_MAX)
			sites[n++] = db_col_int(st, 0);
		db_reset(st);
		if (rc != DB_DONE && rc != DB_ROW)
			return store_rc_from_db(rc);
	}
	if ((st = db_stmt(db, sql_deps)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t key = db_col_int(st, 1);

		switch ((enum dep_list)db_col_int(st, 0)) {
		case DEP_LATEST:
			deps_add(tags, tag_latest(), sites, n, 0);
			break;
		case DEP_TYPE:
			deps_add(tags, tag_list_type(db_col_text(st, 2, NULL)),
			    sites, n, 0);
			break;
		case DEP_SECTION:
			deps_add(tags, tag_list_section(key), sites, n, 0);
			break;
		case DEP_AUTHOR:
			deps_add(tags, tag_list_author(key), sites, n, 0);
			break;
		case DEP_TOPIC:
			deps_add(tags, tag_list_topic(key), sites, n, 1);
			break;
		case DEP_SHOW:
			deps_add(tags, tag_list_show(key), sites, n, 0);
			break;
		}
	}
	db_reset(st);
	return rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}
