/*
 * store_search.c — the full-text index of published stories: keeping it,
 * rebuilding it and searching it (related stories: store_related.c).
 *
 * SQLite keeps the index in an FTS5 table ranked by bm25, PostgreSQL in a
 * table with a weighted tsvector ranked by ts_rank; what differs is in
 * the per-engine statement tables below, chosen by db_kind().  Reading
 * the article and writing its plain text is shared.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "search.h"
#include "store.h"
#include "util.h"

/* What an article is indexed by. */
static const char sql_ix_article[] =
    "SELECT a.title, a.dek, a.body_html, s.name AS section_name"
    " FROM articles a JOIN sections s ON s.id = a.section_id"
    " WHERE a.id = $1 AND a.status = 'published'";
static const char sql_ix_authors[] =
    "SELECT au.name FROM article_authors aa"
    " JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1"
    " ORDER BY aa.position";
static const char sql_ix_tags[] =
    "SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id"
    " WHERE x.article_id = $1 ORDER BY t.name";
static const char sql_published_count[] =
    "SELECT count(*) AS n FROM articles WHERE status = 'published'"
    " AND id > $1";
static const char sql_any_published[] =
    "SELECT count(*) AS n FROM (SELECT id FROM articles"
    " WHERE status = 'published' AND id > $1 LIMIT 1) x";

/*
 * The columns of a search result: a list row (as store_article.c's
 * lists have, without the comment count) plus the title and a snippet
 * of the body with the matched words between SEARCH_MARK_OPEN and
 * SEARCH_MARK_CLOSE.
 */
#define HIT_COLS \
	"a.id, a.slug, a.type, a.title, a.dek, a.published_at," \
	" a.updated_at, a.section_id, s.slug AS section_slug," \
	" s.name AS section_name, i.hash AS image_hash, i.ext AS image_ext," \
	" i.width AS image_width, i.height AS image_height," \
	" i.alt AS image_alt, i.widths AS image_widths, aa0.author_id," \
	" au.slug AS author_slug," \
	" au.name AS author_name, au.role AS author_role," \
	" au.company AS author_company, a.sponsor_id, sp.name AS sponsor_name," \
	" (SELECT hsp.name FROM hub_items hx" \
	" JOIN hubs hh ON hh.id = hx.hub_id JOIN sponsors hsp ON hsp.id = hh.sponsor_id" \
	" WHERE hx.kind = 'article' AND hx.item_id = a.id AND hh.kind = 'sponsored'" \
	" ORDER BY hh.id LIMIT 1) AS hub_sponsor"

#define HIT_JOINS \
	" JOIN articles a ON a.id = hits.id" HIT_JOINS_REST
#define HIT_JOINS_REST \
	" JOIN sections s ON s.id = a.section_id" \
	" LEFT JOIN images i ON i.id = a.hero_image_id" \
	" LEFT JOIN article_authors aa0 ON aa0.article_id = a.id" \
	"  AND aa0.position = 0" \
	" LEFT JOIN authors au ON au.id = aa0.author_id" \
	" LEFT JOIN sponsors sp ON sp.id = a.sponsor_id"

/*
 * The filters, the same on both engines: $2 now, [$3, $4) the time
 * range, $5 type or NULL, $6 section (0: any, sub-sections included),
 * $7 author (0: any).  The section is looked up by article ("+" keeps
 * SQLite from scanning the section's whole list instead).
 */
#define HIT_FILTERS \
	" AND a.status = 'published'" \
	" AND a.published_at <= CAST($2 AS BIGINT)" \
	" AND a.published_at >= CAST($3 AS BIGINT)" \
	" AND a.published_at < CAST($4 AS BIGINT)" \
	" AND (CAST($5 AS TEXT) IS NULL OR a.type = CAST($5 AS TEXT))" \
	" AND (CAST($6 AS BIGINT) = 0 OR EXISTS (SELECT 1" \
	"  FROM section_articles x WHERE x.article_id = a.id" \
	"  AND +x.section_id = CAST($6 AS BIGINT)))" \
	" AND (CAST($7 AS BIGINT) = 0 OR EXISTS (SELECT 1" \
	"  FROM article_authors y WHERE y.article_id = a.id" \
	"  AND y.author_id = CAST($7 AS BIGINT)))"

/*
 * A query is answered from its SEARCH_WINDOW most recently written
 * matches (ids grow as stories are written): ranking every match of a
 * word found in most of the archive would cost time in proportion to
 * the archive.  Rarer words are ranked over all their matches.  On
 * SQLite the window's lowest id is found once a page (SQ_WINDOW) and
 * bound as $10 to the statements that search it; on PostgreSQL each
 * statement finds it from the window's size in $10 (measured: the
 * bound as a parameter, even from a CTE, made the page slower there).
 */
#define SEARCH_WINDOW	10000

enum {
	SQ_DELETE,	/* $1 article id */
	SQ_INSERT,	/* $1 id, $2 title, $3 dek, $4 body, $5 authors, $6 tags, $7 section */
	SQ_CLEAR,	/* the whole index */
	SQ_BY_RANK,	/* $1 query, filters, $8 limit, $9 offset, $10 window */
	SQ_BY_DATE,
	SQ_ANY,		/* one indexed row, to tell an empty index */
	SQ_COUNT,	/* as SQ_BY_RANK, rows counted up to $8 past $9 */
	SQ_WINDOW,	/* $1 query, $2 window: the lowest id of the window */
	SQ_KEPT_BY_ID,	/* filters, $8 limit, [$10, $13] ids: the ids they keep */
	SQ_KEPT_BY_TIME,	/* the same, walking the filter's time range */
	SQ_KEPT_BY_SECTION,	/* the same, walking $14's list of stories */
	SQ_KEPT_BY_AUTHOR,	/* the same, walking author $14's list */
	SQ_MATCH_IDS,	/* $1 query, [$10, $13] ids: the ids of the matches */
	SQ_LIST_BY_SECTION,	/* section $14's stories from id $10 up */
	SQ_LIST_BY_AUTHOR,	/* author $14's stories from id $10 up */
	SQ_RANK_IDS,	/* $1 query, [$10, $13] ids, $11 rank: kept ids, ranks */
	SQ_RANK_ALL,	/* the same, every id of the window */
	SQ_RANK_TOP,	/* $1 query, $11 rank, $2 window: the window, ranked */
	SQ_BY_IDS,	/* $1 query, $15 ids (JSON), filters, $8, $9: the page */
	SQ__MAX
};

/* SQLite: the FTS5 table, whose rank is bm25 with the weights of 0005. */
#define FTS_SNIPPETS \
	"highlight(article_search, 0, char(1), char(2)) AS title_marked," \
	" snippet(article_search, 2, char(1), char(2), '…', 28)" \
	" AS snippet_marked"
/*
 * CROSS JOIN makes SQLite walk the index first and look each match's
 * article up, never the other way round (a filter on time would
 * otherwise tempt it to scan articles and probe the index per row).
 * The window: only matches at or above the SEARCH_WINDOW-th newest,
 * whose id SQ_WINDOW found (FTS5 reads the list of matches backwards),
 * and at most $13, the highest id a filter keeps (below).
 */
/*
 * Each match's article is looked up in articles_live (id, state, time,
 * type: what the filters read), not in the table, whose rows hold the
 * whole story: a page of the table a match, where the index holds a few
 * hundred neighbours a page.  The table is read for the rows shown only.
 */
#define FTS_LIVE "INDEXED BY articles_live"
#define FTS_WINDOW \
	" article_search MATCH $1 AND f.rowid >= $10 AND f.rowid <= $13"
#define FTS_WINDOW_LO \
	"SELECT COALESCE((SELECT rowid FROM article_search" \
	" WHERE article_search MATCH $1 ORDER BY rowid DESC" \
	" LIMIT 1 OFFSET $2 - 1), 0) AS lo"

/*
 * By relevance, FTS5 sorts the window by rank itself and hands rows over
 * best first, so the snippets are made for the rows shown only.  The
 * rank is $11, masthead_rank() of db_sqlite.c (bm25 with the weights of
 * 0005, whose cost does not grow with the archive) told how many of the
 * best rows the page can reach (rank_spec()).
 */
#define FTS_RANK " AND f.rank MATCH $11"
#define FTS_WEIGHTS "10.0, 4.0, 1.0, 4.0, 4.0, 2.0"
#define FTS_BY_RANK \
	"SELECT " HIT_COLS ", " FTS_SNIPPETS " FROM article_search f" \
	" CROSS JOIN articles a " FTS_LIVE " ON a.id = f.rowid" HIT_JOINS_REST \
	" WHERE" FTS_WINDOW FTS_RANK HIT_FILTERS \
	" ORDER BY f.rank LIMIT $8 OFFSET $9"

/* By date, the page's rows are found first, then their snippets. */
#define FTS_BY_DATE \
	"WITH hits AS (SELECT f.rowid AS id, a.published_at AS t" \
	"  FROM article_search f CROSS JOIN articles a " FTS_LIVE \
	"  ON a.id = f.rowid" \
	"  WHERE" FTS_WINDOW HIT_FILTERS \
	"  ORDER BY a.published_at DESC, a.id DESC LIMIT $8 OFFSET $9)" \
	" SELECT " HIT_COLS ", " FTS_SNIPPETS " FROM hits" \
	" CROSS JOIN article_search ON article_search.rowid = hits.id" \
	HIT_JOINS " WHERE article_search MATCH $1" \
	" ORDER BY hits.t DESC, hits.id DESC"

/*
 * The ids of the window a filter keeps, read from an index of articles
 * rather than matched row by row: by id (articles_live holds the id,
 * state, time and type of every story) or, with dates, by time
 * (articles_latest).  See search_kept().
 */
#define FTS_KEPT(index) \
	"SELECT a.id FROM articles a INDEXED BY " index \
	" WHERE a.id >= $10 AND a.id <= $13" HIT_FILTERS " LIMIT $8"
/*
 * A section or an author has its own list of stories, sorted by time
 * (section_articles, article_authors_list), each entry with the story's
 * id and a copy of its time (store_article_reindex() keeps them with
 * the story): the list is read from the earliest time of a story of
 * the window (the window's ids are read from articles_live for it, one
 * entry a story) and the filters are applied to each entry's story.
 * The list's own filter ($6 or $7) is then bound 0.
 */
#define FTS_KEPT_LIST(list, key) \
	"SELECT a.id FROM " list " l CROSS JOIN articles a " FTS_LIVE \
	" ON a.id = l.article_id WHERE l." key " = $14" \
	" AND l.published_at >= (SELECT min(m.published_at) FROM articles m" \
	"  " FTS_LIVE " WHERE m.id >= $10)" \
	" AND l.article_id >= $10 AND l.article_id <= $13" HIT_FILTERS \
	" LIMIT $8"
/*
 * A window over more ids than a bitmap spans: every story of the
 * section's or the author's list from the window's lowest id up, the
 * list read whole (its own index, one entry a story, no article read).
 */
#define FTS_LIST(list, index, key) \
	"SELECT l.article_id FROM " list " l INDEXED BY " index \
	" WHERE l." key " = $14 AND l.article_id >= $10"

/*
 * The window's ranks in the order of the rows' ids, rather than every
 * row of the window through FTS5's sort; store_search() sorts them
 * (ranked_page()).  With a wide window's few kept ids (kept_wide()),
 * the kept rows only, each ranked exactly (k 0: a row is ranked twice,
 * in the test and in the result).
 */
#define FTS_RANK_ALL \
	"SELECT f.rowid AS id, f.rank AS r FROM article_search f" \
	" WHERE" FTS_WINDOW FTS_RANK
#define FTS_RANK_IDS	FTS_RANK_ALL " AND f.rank < 0"
/*
 * With no filter at all, the window itself, newest first: the window's
 * rows are found and ranked in one read of the lists (SQ_WINDOW read
 * them once more before: 6 of the 19 ms of CPU of "mavenir -5g" at
 * 1,000,000 stories, whose window reaches back 170,000 ids).
 * masthead_rank sees the rows in the other order, so a row it prunes
 * may get another bound; the best k are scored exactly either way, and
 * every pruned row is below them.
 */
#define FTS_RANK_TOP \
	"SELECT f.rowid AS id, f.rank AS r FROM article_search f" \
	" WHERE article_search MATCH $1" FTS_RANK \
	" ORDER BY f.rowid DESC LIMIT $2"
/*
 * The page's rows of the best ones, whose ids are a JSON array in
 * their order, the filters applied as SQ_BY_RANK applies them: the
 * page's ids first, so that only its rows get their snippets.
 */
#define FTS_BY_IDS \
	"WITH best AS (SELECT CAST(j.value AS INTEGER) AS id," \
	"  CAST(j.key AS INTEGER) AS o FROM json_each($15) j)," \
	" hits AS (SELECT best.id, best.o FROM best" \
	"  CROSS JOIN articles a " FTS_LIVE " ON a.id = best.id" \
	"  WHERE 1" HIT_FILTERS " ORDER BY best.o LIMIT $8 OFFSET $9)" \
	" SELECT " HIT_COLS ", " FTS_SNIPPETS " FROM hits" \
	" CROSS JOIN article_search ON article_search.rowid = hits.id" \
	HIT_JOINS " WHERE article_search MATCH $1 ORDER BY hits.o"

/* The count stops at the limit: no page is past it. */
#define FTS_COUNT \
	"SELECT count(*) AS n FROM (SELECT a.id FROM article_search f" \
	" CROSS JOIN articles a " FTS_LIVE " ON a.id = f.rowid" \
	" WHERE" FTS_WINDOW HIT_FILTERS " LIMIT $8 OFFSET $9) x"

static const char *const sql_sqlite[SQ__MAX] = {
	[SQ_DELETE] = "DELETE FROM article_search WHERE rowid = $1",
	[SQ_INSERT] = "INSERT INTO article_search (rowid, title, dek, body,"
	    " authors, tags, section) VALUES ($1, $2, $3, $4, $5, $6, $7)",
	[SQ_CLEAR] = "DELETE FROM article_search",
	[SQ_BY_RANK] = FTS_BY_RANK,
	[SQ_BY_DATE] = FTS_BY_DATE,
	[SQ_ANY] = "SELECT count(*) AS n FROM (SELECT rowid FROM"
	    " article_search LIMIT 1) x",
	[SQ_COUNT] = FTS_COUNT,
	[SQ_WINDOW] = FTS_WINDOW_LO,
	[SQ_KEPT_BY_ID] = FTS_KEPT("articles_live"),
	[SQ_KEPT_BY_TIME] = FTS_KEPT("articles_latest"),
	[SQ_KEPT_BY_SECTION] = FTS_KEPT_LIST("section_articles", "section_id"),
	[SQ_KEPT_BY_AUTHOR] = FTS_KEPT_LIST("article_authors", "author_id"),
	[SQ_MATCH_IDS] = "SELECT rowid FROM article_search"
	    " WHERE article_search MATCH $1 AND rowid >= $10 AND rowid <= $13",
	[SQ_LIST_BY_SECTION] = FTS_LIST("section_articles",
	    "sqlite_autoindex_section_articles_1", "section_id"),
	[SQ_LIST_BY_AUTHOR] = FTS_LIST("article_authors",
	    "article_authors_list", "author_id"),
	[SQ_RANK_IDS] = FTS_RANK_IDS,
	[SQ_RANK_ALL] = FTS_RANK_ALL,
	[SQ_RANK_TOP] = FTS_RANK_TOP,
	[SQ_BY_IDS] = FTS_BY_IDS,
};

/* PostgreSQL: the weighted tsvector of 0005 and its GIN index. */
#define PG_MARKS "'StartSel=' || chr(1) || ', StopSel=' || chr(2)"
#define PG_SNIPPETS \
	"ts_headline('english', f.title, q.q, " PG_MARKS \
	"  || ', HighlightAll=true') AS title_marked," \
	" ts_headline('english', f.body, q.q, " PG_MARKS \
	"  || ', MaxWords=30, MinWords=12, MaxFragments=2,"\
	" FragmentDelimiter=\" … \"') AS snippet_marked"
/*
 * On PostgreSQL the window is smaller (PG_SEARCH_WINDOW: what fifty
 * pages and the count reach), and for a word in much of the archive it
 * is found without the GIN index, whose list of matches is read whole
 * before any row (about 0.4 µs a match: 60 ms for "5g" at 200,000
 * stories, five times that at 1,000,000), by walking the newest rows
 * by the primary key and testing each one's tsvector (about 1.2 µs a
 * row at 1,000,000 stories, the vector in its row since migration 0042;
 * 4.5 µs before, read from the TOAST table).  A walk stops at a
 * window's worth of matches, so at most that many are ranked (ts_rank
 * reads a match's vector again: copying each vector once with "|| ''"
 * so that it is read once cost more, 39 against 23 ms of CPU for 5,000
 * rows).  "walk" reads up to the newest 2 windows' worth of rows.
 * When they hold a window's worth of matches, those are the window
 * (mode 1); when, at the density they show, a window's worth of
 * matches is within "reach" rows, "walk8" goes on to at most that many
 * newest rows and its matches are the window (mode 2: up to a window's
 * worth); the CTE is not run otherwise.  A rarer query (mode 3) costs
 * less from the GIN index than by walking.
 *
 * reach is 8 windows' worth of rows, or more in a large archive: the
 * walk's cost is its rows, the GIN index's the length of its lists,
 * which grows with the archive (at least the query's density times the
 * rows; a word of an AND, or beside an excluded word, is in more).  For
 * R rows walked at density W / R the two meet near R * R = W * N * (the
 * index's cost a match / the walk's a row) * the lists' excess; reach
 * is sqrt(W * N), N the highest id: 22,800 rows at 1,000,000 stories,
 * 10,200 at 200,000, 8 windows' worth (4,160) below 33,000.
 * Measured at 1,000,000 stories: "coherent optics kenya" (103 matches
 * in the newest 1,040 rows; each word is in 27-36% of the archive)
 * walks 4,788 rows where the index read 111,025 matches, and "mavenir
 * -5g" (67; mavenir alone is in 36%, a list of 360,957) 9,125 rows, 53
 * ms of CPU against 63 ms from the index read once.  That was with
 * a walked row at 4.5 µs and reach sqrt(W * N / 4); at 1.2 µs (the
 * vectors in their rows) reach is twice as long, and "vietnam -5g" (56
 * matches in the newest 1,040), which walked 11,400 rows, found 500 and
 * then read the index too, 70 ms, is walked to its window.
 */
#define PG_SEARCH_WINDOW	520
/*
 * A walk is not begun for a query none of the newest quarter window's
 * worth of rows matches (a word that rare costs less from the GIN
 * index): "probe" stops at the first match.
 */
#define PG_PROBE \
	" probe AS MATERIALIZED (SELECT 1 FROM q, (SELECT doc" \
	"  FROM article_search ORDER BY article_id DESC" \
	"  LIMIT CAST($10 AS BIGINT) / 4) f WHERE f.doc @@ q.q LIMIT 1),"
#define PG_WALK(rank) \
	" walk AS MATERIALIZED (SELECT f.article_id AS id, " rank " AS r" \
	"  FROM q, (SELECT article_id, doc" \
	"  FROM article_search ORDER BY article_id DESC" \
	"  LIMIT 2 * CAST($10 AS BIGINT)) f WHERE f.doc @@ q.q" \
	"  LIMIT CAST($10 AS BIGINT)),"
/*
 * The longer walk goes on below the rows the first one read (it is run
 * only when that one read all of them), to the window's size in all,
 * within the newest "reach" rows.
 */
#define PG_REACH \
	" reach AS MATERIALIZED (SELECT GREATEST(8 * CAST($10 AS BIGINT)," \
	"  CAST(sqrt(CAST($10 AS FLOAT8) * COALESCE(max(article_id), 0))" \
	"  AS BIGINT)) AS n FROM article_search),"
#define PG_WALK8(rank) \
	" walk8 AS MATERIALIZED (SELECT id, r FROM walk UNION ALL" \
	"  (SELECT f.article_id AS id, " rank " AS r" \
	"  FROM q, (SELECT article_id, doc" \
	"  FROM article_search WHERE article_id < (SELECT e.article_id" \
	"  FROM article_search e ORDER BY e.article_id DESC" \
	"  LIMIT 1 OFFSET 2 * CAST($10 AS BIGINT) - 1)" \
	"  ORDER BY article_id DESC" \
	"  LIMIT (SELECT reach.n FROM reach) - 2 * CAST($10 AS BIGINT)) f" \
	"  WHERE f.doc @@ q.q" \
	"  LIMIT CAST($10 AS BIGINT) - (SELECT count(*) FROM walk))),"
/*
 * In mode 3 the window is read from the GIN index, which returns every
 * match of its list in no order, each to be read from the table for
 * its id.  The walk has measured how common the query is among the
 * newest rows (it found fewer than a quarter window's worth of matches
 * in the newest 2 windows' worth of rows); from that, twice the range
 * of ids the window should take, down from the newest, is read once
 * ("g": PostgreSQL ANDs the GIN index's matches with the primary key's
 * range before it reads a row).  Only when that range holds fewer than
 * a window's worth of matches, or the estimate reaches the oldest row
 * (or no walk was made: the probe found nothing), is every match read
 * ("g2").  The window is the newest $10 of them.  A longer walk that
 * ends short of a window's worth of matches with rows left below it
 * (the density of the newest rows said the window was within reach,
 * and it was not) falls back to the index too ("w2": mode 3, its range
 * estimated from the longer walk's density), so the window is always
 * the newest $10 matches, whichever way it is found.
 * Before, the bound was looked for among the newest 16 and then 32
 * windows' worth of ids, then over every match, and the window's rows
 * read from the index again: up to four reads of the same lists a page.
 *
 * lo is the lowest id of the range (NULL: every match); it is computed
 * once (a MATERIALIZED CTE: as a subquery PostgreSQL would run it again
 * for every row), and the scalar subqueries of CASE run only when they
 * are reached.
 */
#define PG_WALKED_TOP \
	"(SELECT max(t.article_id) FROM article_search t)"
#define PG_WALKED_END \
	"(SELECT e.article_id FROM article_search e" \
	"  ORDER BY e.article_id DESC" \
	"  LIMIT 1 OFFSET 2 * CAST($10 AS BIGINT) - 1)"
#define PG_WINDOW(rank) \
	"WITH q AS (SELECT to_tsquery('english', $1) AS q)," \
	PG_PROBE PG_REACH PG_WALK(rank) PG_WALK8(rank) \
	" w AS MATERIALIZED (SELECT m, CASE WHEN m = 3 AND walked THEN" \
	"  (SELECT CASE WHEN est.lo > (SELECT min(t.article_id)" \
	"  FROM article_search t) THEN est.lo END FROM (SELECT " \
	PG_WALKED_TOP " - 2 * CAST($10 AS BIGINT) * (" PG_WALKED_TOP \
	"  - " PG_WALKED_END ") / GREATEST((SELECT count(*) FROM walk), 1)" \
	"  AS lo) est) END AS lo FROM" \
	"  (SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM probe) THEN 3" \
	"  WHEN (SELECT count(*) FROM walk) >= CAST($10 AS BIGINT) THEN 1" \
	"  WHEN (SELECT count(*) FROM walk) * (SELECT reach.n FROM reach)" \
	"  >= 2 * CAST($10 AS BIGINT) * CAST($10 AS BIGINT)" \
	"  THEN 2 ELSE 3 END AS m," \
	"  EXISTS (SELECT 1 FROM probe) AS walked) k2)," \
	" w2 AS MATERIALIZED (SELECT CASE WHEN f THEN 3 ELSE m END AS m," \
	"  CASE WHEN NOT f THEN lo ELSE (SELECT CASE WHEN est.lo >" \
	"  (SELECT min(t.article_id) FROM article_search t) THEN est.lo END" \
	"  FROM (SELECT " PG_WALKED_TOP " - 2 * CAST($10 AS BIGINT) * (" \
	PG_WALKED_TOP " - (SELECT e.article_id FROM article_search e" \
	"  ORDER BY e.article_id DESC LIMIT 1" \
	"  OFFSET (SELECT reach.n FROM reach) - 1))" \
	"  / GREATEST((SELECT count(*) FROM walk8), 1) AS lo) est) END AS lo" \
	"  FROM (SELECT m, lo, CASE WHEN m <> 2 THEN false" \
	"  WHEN (SELECT count(*) FROM walk8) >= CAST($10 AS BIGINT)" \
	"  THEN false ELSE EXISTS (SELECT 1 FROM (SELECT article_id" \
	"  FROM article_search ORDER BY article_id DESC" \
	"  OFFSET (SELECT reach.n FROM reach) LIMIT 1) z) END AS f FROM w) w1)," \
	" g AS MATERIALIZED (SELECT x.article_id AS id" \
	"  FROM article_search x, q WHERE (SELECT w2.lo FROM w2) IS NOT NULL" \
	"  AND x.doc @@ q.q AND x.article_id >= (SELECT w2.lo FROM w2))," \
	" g2 AS MATERIALIZED (SELECT id FROM g" \
	"  WHERE (SELECT count(*) FROM g) >= CAST($10 AS BIGINT)" \
	"  UNION ALL SELECT x.article_id AS id FROM article_search x, q" \
	"  WHERE (SELECT w2.m FROM w2) = 3" \
	"  AND (SELECT count(*) FROM g) < CAST($10 AS BIGINT)" \
	"  AND x.doc @@ q.q),"
/*
 * The window's rows are found first, on their own (a MATERIALIZED CTE
 * the articles cannot be joined into): with the articles in the same
 * query, the planner, which cannot tell how many rows a query from a
 * CTE matches, read every live story by time and each one's tsvector
 * instead (6.3 s for "5g" at 200,000 stories).  They are a walk's
 * rows or, in mode 3, the newest $10 of g2, each ranked (rank3: its
 * row looked up by the primary key) or not.  Each branch runs only
 * when its one-time condition holds, so no row outside the window is
 * read.  Relevance ranks the window's rows, newest first ranks nothing.
 */
#define PG_RANK3 \
	"(SELECT ts_rank(f.doc, q.q) FROM article_search f" \
	"  WHERE f.article_id = g3.id)"
#define PG_CAND(rank, rank3) \
	" c AS MATERIALIZED (SELECT id, r FROM walk" \
	"  WHERE (SELECT w.m FROM w) = 1" \
	"  UNION ALL SELECT id, r FROM walk8 WHERE (SELECT w2.m FROM w2) = 2" \
	"  UNION ALL SELECT g3.id, " rank3 " AS r FROM q," \
	"  (SELECT id FROM g2 ORDER BY id DESC" \
	"  LIMIT CAST($10 AS BIGINT)) g3 WHERE (SELECT w2.m FROM w2) = 3),"
/*
 * The page's statement also counts the window's rows that pass the
 * filters (a window function over rows it sorts anyway), in a column of
 * every row that store_search() takes out: the count is then known
 * without the count's statement, which would find the window again.
 */
#define PG_COUNTED	"window_count"
#define PG_PARTIAL_COL	"window_partial"
/*
 * Whether the window may leave matches out, so that a count of it is
 * only a lower bound ("partial"): it is full, or the longer walk found
 * fewer and there are rows it did not reach.
 */
#define PG_PARTIAL \
	" k AS (SELECT (SELECT count(*) FROM c) >= CAST($10 AS BIGINT)" \
	"  OR ((SELECT w.m FROM w) = 2 AND EXISTS (SELECT 1 FROM (SELECT" \
	"  article_id FROM article_search ORDER BY article_id DESC" \
	"  OFFSET (SELECT reach.n FROM reach) LIMIT 1) z)) AS partial),"
#define PG_HITS(rank, rank3, order) \
	PG_WINDOW(rank) PG_CAND(rank, rank3) PG_PARTIAL \
	" hits AS (SELECT c.id, c.r, a.published_at AS t," \
	"  count(*) OVER () AS n FROM c" \
	"  JOIN articles a ON a.id = c.id WHERE c.id > 0" HIT_FILTERS \
	"  ORDER BY " order " LIMIT $8 OFFSET $9)" \
	" SELECT " HIT_COLS ", " PG_SNIPPETS ", hits.n AS " PG_COUNTED "," \
	" CAST(k.partial AS INT) AS " PG_PARTIAL_COL " FROM q, k, hits" \
	" JOIN article_search f ON f.article_id = hits.id" HIT_JOINS \
	" ORDER BY "

static const char *const sql_pg[SQ__MAX] = {
	[SQ_DELETE] = "DELETE FROM article_search WHERE article_id = $1",
	[SQ_INSERT] = "INSERT INTO article_search (article_id, title, dek,"
	    " body, authors, tags, section) VALUES ($1, $2, $3, $4, $5, $6,"
	    " $7)",
	[SQ_CLEAR] = "DELETE FROM article_search",
	[SQ_BY_RANK] = PG_HITS("ts_rank(f.doc, q.q)", PG_RANK3, "c.r DESC, a.id DESC")
	    "hits.r DESC, hits.id DESC",
	[SQ_BY_DATE] = PG_HITS("0", "0", "a.published_at DESC, a.id DESC")
	    "hits.t DESC, hits.id DESC",
	[SQ_ANY] = "SELECT count(*) AS n FROM (SELECT article_id FROM"
	    " article_search LIMIT 1) x",
	[SQ_COUNT] = PG_WINDOW("0") PG_CAND("0", "0") PG_PARTIAL " n AS (SELECT"
	    " c.id FROM c JOIN articles a ON a.id = c.id WHERE c.id > 0"
	    HIT_FILTERS " LIMIT $8 OFFSET $9) SELECT count(*) AS n,"
	    " (SELECT CAST(k.partial AS INT) FROM k) AS partial FROM n",
	[SQ_WINDOW] = NULL,	/* in each statement */
};

static const char *const *const sql_engine[DB__MAX] = {
	[DB_SQLITE] = sql_sqlite,
	[DB_POSTGRES] = sql_pg,
};

/* The query syntax of each engine's full-text search. */
static const enum search_syntax engine_syntax[DB__MAX] = {
	[DB_SQLITE] = SEARCH_FTS5,
	[DB_POSTGRES] = SEARCH_TSQUERY,
};

/*
 * A sister site's search (docs/sites.md) finds the stories of the site
 * in store_scope() and those shown on it: the statements above with one
 * condition more after each status filter, made once at the first use,
 * the site bound as $12 on SQLite (whose rank takes $11) and $11 on
 * PostgreSQL (which wants every parameter up to the last one used).  On
 * an instance of one site the statements are the ones above.
 */
#define SCOPE_AT	" AND a.status = 'published'"
static const int scope_param[DB__MAX] = {
	[DB_SQLITE] = 12,
	[DB_POSTGRES] = 11,
};
static pthread_once_t scoped_once = PTHREAD_ONCE_INIT;
static char *scoped_sql[DB__MAX][SQ__MAX];

static char *
scoped(const char *sql, int n)
{
	struct buf b = BUF_INIT;
	const char *p;
	char cond[200];

	snprintf(cond, sizeof(cond), " AND (a.site_id = CAST($%d AS BIGINT)"
	    " OR EXISTS (SELECT 1 FROM article_sites z WHERE z.article_id ="
	    " a.id AND z.site_id = CAST($%d AS BIGINT)))", n, n);
	while ((p = strstr(sql, SCOPE_AT)) != NULL) {
		p += strlen(SCOPE_AT);
		buf_append(&b, sql, (size_t)(p - sql));
		buf_puts(&b, cond);
		sql = p;
	}
	buf_puts(&b, sql);
	if (buf_err(&b))
		abort();
	return b.p;
}

static void
scoped_init(void)
{
	int k, i;

	for (k = 0; k < DB__MAX; k++)
		for (i = 0; i < SQ__MAX; i++)
			if (sql_engine[k] != NULL && sql_engine[k][i] != NULL &&
			    strstr(sql_engine[k][i], SCOPE_AT) != NULL)
				scoped_sql[k][i] = scoped(sql_engine[k][i],
				    scope_param[k]);
}

/*
 * PostgreSQL plans a search at every run when left to choose (its
 * estimate of the generic plan, a LIMIT given as a parameter and CTEs
 * it cannot see into, is always the higher), and planning the page's
 * statement was a fifth of its backend's CPU at 1,000,000 stories.  The
 * plan does not depend on the values bound: each way of finding the
 * window is a MATERIALIZED CTE under a one-time filter, and the window's
 * rows are looked up by the primary key whatever the filters.
 */
static const unsigned char generic_plan[DB__MAX][SQ__MAX] = {
	[DB_POSTGRES] = { [SQ_BY_RANK] = 1, [SQ_BY_DATE] = 1, [SQ_COUNT] = 1 },
};

static struct db_stmt *
stmt(struct db *db, int which)
{
	struct db_stmt *(*prepare)(struct db *, const char *) =
	    generic_plan[db_kind(db)][which] ? db_stmt_generic : db_stmt;

	if (store_scope() != 0) {
		pthread_once(&scoped_once, scoped_init);
		if (scoped_sql[db_kind(db)][which] != NULL)
			return prepare(db, scoped_sql[db_kind(db)][which]);
	}
	return prepare(db, sql_engine[db_kind(db)][which]);
}

/* Appends the rows of a one-column query, separated by ", ". */
static int
join_names(struct db *db, const char *sql, int64_t id, struct buf *out)
{
	struct db_stmt *st;
	size_t n;
	const char *v;
	int rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		v = db_col_text(st, 0, &n);
		if (out->len > 0)
			BUF_LIT(out, ", ");
		search_text_plain(v, n, out);
	}
	db_reset(st);
	return rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

/* Text bound as a C string must not be NULL; an empty buffer has no p. */
static void
bind_buf(struct db_stmt *st, int i, const struct buf *b)
{
	db_bind_text(st, i, b->len > 0 ? b->p : "", b->len);
}

int
store_search_index(struct db *db, int64_t id)
{
	struct buf title = BUF_INIT, dek = BUF_INIT, body = BUF_INIT;
	struct buf authors = BUF_INIT, tags = BUF_INIT, section = BUF_INIT;
	struct db_stmt *st;
	const char *v;
	size_t n;
	int rc;

	if ((st = stmt(db, SQ_DELETE)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	/* After this point, all errors go through done. */
	if ((st = db_stmt(db, sql_ix_article)) == NULL) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_int(st, 1, id);
	if ((rc = db_step(st)) != DB_ROW) {
		db_reset(st);
		/* Not published: it stays out of the index. */
		rc = rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
		goto done;
	}
	/* Plain text; the engines' markers can never be in it. */
	v = db_col_text(st, 0, &n);
	search_text_plain(v, n, &title);
	v = db_col_text(st, 1, &n);
	search_text_plain(v, n, &dek);
	v = db_col_text(st, 2, &n);
	search_text_from_html(v, n, &body);
	v = db_col_text(st, 3, &n);
	search_text_plain(v, n, &section);
	db_reset(st);
	if ((rc = join_names(db, sql_ix_authors, id, &authors)) != STORE_OK ||
	    (rc = join_names(db, sql_ix_tags, id, &tags)) != STORE_OK)
		goto done;
	if (buf_err(&body) || buf_err(&title) || buf_err(&dek)) {
		rc = STORE_ERROR;
		goto done;
	}
	if ((st = stmt(db, SQ_INSERT)) == NULL) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_int(st, 1, id);
	bind_buf(st, 2, &title);
	bind_buf(st, 3, &dek);
	bind_buf(st, 4, &body);
	bind_buf(st, 5, &authors);
	bind_buf(st, 6, &tags);
	bind_buf(st, 7, &section);
	rc = store_rc_from_db(db_run(st));
done:
	buf_free(&title);
	buf_free(&dek);
	buf_free(&body);
	buf_free(&authors);
	buf_free(&tags);
	buf_free(&section);
	return rc;
}

/*
 * A rebuild writes the whole index in one transaction.  FTS5 keeps the
 * terms of the rows written in memory and flushes them as a new segment
 * of the index every 1 MB by default, merging segments as they pile up:
 * at a million stories that is thousands of small segments merged again
 * and again.  During a rebuild it flushes every 64 MB instead (a few
 * dozen large segments), and goes back to the default for the small
 * writes of a running site.  The setting is kept in the table's own
 * configuration, so it is written inside the rebuild's transaction.
 */
#define FTS_HASHSIZE(n) \
	"INSERT INTO article_search (article_search, rank)" \
	" VALUES ('hashsize', " #n ")"
static const char *const sql_rebuild_start[DB__MAX] = {
	[DB_SQLITE] = FTS_HASHSIZE(67108864),
};
static const char *const sql_rebuild_end[DB__MAX] = {
	[DB_SQLITE] = FTS_HASHSIZE(1048576),
};
#undef FTS_HASHSIZE

static int
rebuild_setting(struct db *db, const char *const *sql)
{
	if (sql[db_kind(db)] == NULL)
		return STORE_OK;
	return store_rc_from_db(db_exec(db, sql[db_kind(db)]));
}

/*
 * A rebuild reads a batch of stories with three statements (the
 * stories, their authors, their tags) rather than three a story: on
 * PostgreSQL every statement is a round trip, and a rebuild of 200,000
 * stories one by one ran at about 30 stories a second on a loaded
 * machine.  The table was just cleared, so rows are only added: with
 * COPY where the engine has it, else one INSERT each.
 */
#define REBUILD_BATCH	500
enum { RB_TITLE, RB_DEK, RB_BODY, RB_AUTHORS, RB_TAGS, RB_SECTION, RB__MAX };

struct rb_row {
	int64_t		id;
	struct buf	f[RB__MAX];
};

static const char sql_rb_stories[] =
    "SELECT a.id, a.title, a.dek, a.body_html, s.name FROM articles a"
    " JOIN sections s ON s.id = a.section_id"
    " WHERE a.status || '' = 'published' AND a.id > $1"
    " ORDER BY a.id LIMIT $2";
static const char sql_rb_authors[] =
    "SELECT aa.article_id, au.name FROM article_authors aa"
    " JOIN authors au ON au.id = aa.author_id"
    " WHERE aa.article_id >= $1 AND aa.article_id <= $2"
    " ORDER BY aa.article_id, aa.position";
static const char sql_rb_tags[] =
    "SELECT x.article_id, t.name FROM article_tags x"
    " JOIN tags t ON t.id = x.tag_id"
    " WHERE x.article_id >= $1 AND x.article_id <= $2"
    " ORDER BY x.article_id, t.name";

/* The row of the batch (sorted by id) with id, or NULL. */
static struct rb_row *
rb_find(struct rb_row *rows, size_t n, int64_t id)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rows[mid].id == id)
			return &rows[mid];
		if (rows[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Reads the batch of stories after last into rows, *n of them. */
static int
rb_read(struct db *db, int64_t last, struct rb_row *rows, size_t *n)
{
	static const char *const names[] = { sql_rb_authors, sql_rb_tags };
	static const int field[] = { RB_AUTHORS, RB_TAGS };
	struct db_stmt *st;
	struct rb_row *r;
	const char *v;
	size_t len, k;
	int rc;

	*n = 0;
	if ((st = db_stmt(db, sql_rb_stories)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, last);
	db_bind_int(st, 2, REBUILD_BATCH);
	while ((rc = db_step(st)) == DB_ROW && *n < REBUILD_BATCH) {
		r = &rows[(*n)++];
		r->id = db_col_int(st, 0);
		for (k = 0; k < RB__MAX; k++)
			buf_reset(&r->f[k]);
		/* Plain text; the engines' markers can never be in it. */
		v = db_col_text(st, 1, &len);
		search_text_plain(v, len, &r->f[RB_TITLE]);
		v = db_col_text(st, 2, &len);
		search_text_plain(v, len, &r->f[RB_DEK]);
		v = db_col_text(st, 3, &len);
		search_text_from_html(v, len, &r->f[RB_BODY]);
		v = db_col_text(st, 4, &len);
		search_text_plain(v, len, &r->f[RB_SECTION]);
	}
	db_reset(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return store_rc_from_db(rc);
	for (k = 0; *n > 0 && k < ARRAY_SIZE(names); k++) {
		if ((st = db_stmt(db, names[k])) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, rows[0].id);
		db_bind_int(st, 2, rows[*n - 1].id);
		while ((rc = db_step(st)) == DB_ROW) {
			if ((r = rb_find(rows, *n, db_col_int(st, 0))) == NULL)
				continue;
			if (r->f[field[k]].len > 0)
				BUF_LIT(&r->f[field[k]], ", ");
			v = db_col_text(st, 1, &len);
			search_text_plain(v, len, &r->f[field[k]]);
		}
		db_reset(st);
		if (rc != DB_DONE)
			return store_rc_from_db(rc);
	}
	for (k = 0; k < *n * RB__MAX; k++)
		if (buf_err(&rows[k / RB__MAX].f[k % RB__MAX]))
			return STORE_ERROR;
	return STORE_OK;
}

/* Adds the rows of a batch to the (cleared) index. */
static int
rb_write(struct db *db, struct rb_row *rows, size_t n)
{
	const char *val[1 + RB__MAX];
	size_t len[1 + RB__MAX], i, k;
	struct db_stmt *st;
	char id[24];
	int rc = DB_OK;

	if (db_has_load(db)) {
		if ((rc = db_load_begin(db, "article_search", "article_id,"
		    " title, dek, body, authors, tags, section")) != DB_OK)
			return store_rc_from_db(rc);
		for (i = 0; i < n && rc == DB_OK; i++) {
			len[0] = (size_t)snprintf(id, sizeof(id), "%lld",
			    (long long)rows[i].id);
			val[0] = id;
			for (k = 0; k < RB__MAX; k++) {
				val[k + 1] = rows[i].f[k].len > 0 ?
				    rows[i].f[k].p : "";
				len[k + 1] = rows[i].f[k].len;
			}
			rc = db_load_row(db, val, len, 1 + RB__MAX);
		}
		if (rc != DB_OK) {
			(void)db_load_end(db, 1);
			return store_rc_from_db(rc);
		}
		return store_rc_from_db(db_load_end(db, 0));
	}
	for (i = 0; i < n; i++) {
		if ((st = stmt(db, SQ_INSERT)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, rows[i].id);
		for (k = 0; k < RB__MAX; k++)
			bind_buf(st, (int)k + 2, &rows[i].f[k]);
		if ((rc = db_run(st)) != DB_OK)
			return store_rc_from_db(rc);
	}
	return STORE_OK;
}

int
store_search_rebuild(struct db *db, void (*progress)(int64_t, int64_t))
{
	struct rb_row *rows;
	struct db_stmt *st;
	int64_t total, done = 0, last = 0;
	size_t n, i, k;
	int rc;

	if ((rows = calloc(REBUILD_BATCH, sizeof(*rows))) == NULL)
		return STORE_ERROR;
	if (db_begin_write(db) != DB_OK) {
		free(rows);
		return STORE_BUSY;
	}
	/* After this point, all errors go through fail. */
	/* Instances starting together on one PostgreSQL rebuild one at a time. */
	if (db_migrate_lock(db) != DB_OK) {
		rc = STORE_ERROR;
		goto fail;
	}
	total = store_scalar(db, sql_published_count, 0);
	if ((st = stmt(db, SQ_CLEAR)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	if ((rc = store_rc_from_db(db_run(st))) != STORE_OK ||
	    (rc = rebuild_setting(db, sql_rebuild_start)) != STORE_OK)
		goto fail;
	for (;;) {
		if ((rc = rb_read(db, last, rows, &n)) != STORE_OK)
			goto fail;
		if (n == 0)
			break;
		if ((rc = rb_write(db, rows, n)) != STORE_OK)
			goto fail;
		last = rows[n - 1].id;
		done += (int64_t)n;
		if (progress != NULL)
			progress(done, total);
	}
	if (progress != NULL && done == 0)
		progress(0, 0);
	if ((rc = rebuild_setting(db, sql_rebuild_end)) != STORE_OK)
		goto fail;
	rc = db_commit(db) == DB_OK ? STORE_OK : STORE_ERROR;
	goto done;
fail:
	db_rollback(db);
done:
	for (i = 0; i < REBUILD_BATCH; i++)
		for (k = 0; k < RB__MAX; k++)
			buf_free(&rows[i].f[k]);
	free(rows);
	return rc;
}

int
store_search_missing(struct db *db)
{
	struct db_stmt *st;
	int64_t any = 0;

	if ((st = stmt(db, SQ_ANY)) == NULL)
		return 0;
	if (db_step(st) == DB_ROW)
		any = db_col_int(st, 0);
	db_reset(st);
	return any == 0 && store_scalar(db, sql_any_published, 0) > 0;
}

/*
 * A filter FTS5 cannot see (a type, section, author or site, or dates)
 * is applied to the rows it hands over, after the ranking: without more
 * help masthead_rank scores every row of the window exactly (a lookup
 * of its length each) and the statements look every row's article up.
 * So the ids the filter keeps, from the window's lowest id up, are read
 * first from an index of articles (by id, or with dates by time), one
 * entry a story: their lowest and highest bound the rows FTS5 reads, and
 * masthead_rank gets them as a bitmap, scores the rows outside it 0
 * without reading them, and looks for the page's rows among the rest
 * (db_sqlite.c), and the count tests the bitmap for each match's id
 * instead of reading its article (a page of the table each).  The rows
 * and their order are the same; a filter that keeps more than KEPT_MAX
 * ids, or ids spread over more than KEPT_SPAN, is applied afterwards as
 * before, but for a section's or an author's over a wide window
 * (kept_wide()).  A section's or an author's ids come from its own
 * list of stories (FTS_KEPT_LIST): testing each story of the window for
 * them would cost a lookup a story, more than the search they help.
 */
#define KEPT_MAX	20000
#define KEPT_SPAN	131072
static const char sql_last_id[] =
    "SELECT max(id) AS n FROM articles WHERE id >= $1";

struct kept {
	int		 on;		/* the filter's ids are in bits */
	int64_t		 lo, hi;	/* the ids FTS5 reads */
	int64_t		 first;		/* the id of bit 0 */
	unsigned char	*bits;
	size_t		 nbytes;
	int64_t		 count;		/* the window's matches kept, or -1 */
	int64_t		 top;		/* the best rows ranked apart, or 0 */
	int		 newest;	/* SQ_RANK_TOP: the rows find p->lo */
};

/* Binds HIT_FILTERS' parameters, $2 to $7. */
static void
bind_filters(struct db_stmt *st, const struct search_params *p)
{
	db_bind_int(st, 2, p->now);
	db_bind_int(st, 3, p->from);
	db_bind_int(st, 4, p->to);
	db_bind_str(st, 5, p->type);
	db_bind_int(st, 6, p->section);
	db_bind_int(st, 7, p->author);
}

static void
kept_free(struct kept *k)
{
	free(k->bits);
	k->bits = NULL;
}

/*
 * Binds the filters of a statement of the ids a filter keeps, the
 * list's own filter 0 when its list is read (which), and the list as
 * $14 when the statement reads it (list).
 */
static void
bind_kept(struct db_stmt *st, const struct search_params *p, int which,
    int list)
{
	bind_filters(st, p);
	if (which == SQ_KEPT_BY_AUTHOR) {
		db_bind_int(st, 7, 0);
		if (list)
			db_bind_int(st, 14, p->author);
	} else if (which == SQ_KEPT_BY_SECTION) {
		db_bind_int(st, 6, 0);
		if (list)
			db_bind_int(st, 14, p->section);
	}
}

/* The n ids (ascending or not) into k's bitmap, which spans them. */
static void
kept_set(struct kept *k, const int64_t *ids, size_t n)
{
	int64_t lo = INT64_MAX, hi = 0;
	size_t i;

	if (n == 0) {
		/* Nothing to find: an empty range of ids. */
		k->on = 1;
		k->lo = 1;
		k->hi = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		lo = ids[i] < lo ? ids[i] : lo;
		hi = ids[i] > hi ? ids[i] : hi;
	}
	k->on = 1;
	k->lo = lo;
	k->hi = hi;
	k->first = lo;
	k->nbytes = (size_t)(hi - lo) / 8 + 1;
	k->bits = xcalloc(1, k->nbytes);
	for (i = 0; i < n; i++)
		k->bits[(ids[i] - lo) / 8] |=
		    (unsigned char)(1u << ((ids[i] - lo) % 8));
}

/*
 * The ids a section's or an author's filter keeps of a window over more
 * ids than KEPT_SPAN (a rarer query's: "kenya scotland" reaches back
 * 136,000 ids at 1,000,000 stories), into k.  The list cannot be read
 * from the window's earliest time, which would read every id of the
 * window (8 ms of CPU there), and testing each match for the section
 * costs a lookup a match (10,000 of them: 12 ms).  So three reads, none
 * of an article but the ones kept:
 *
 * - the ids of the window's matches (up to SEARCH_WINDOW of them, from
 *   the index alone), into a bitmap over [p->lo, last];
 * - the ids of the section's or the author's list from p->lo up (its
 *   own index, one entry a story: 66,000 entries, 3 ms, for a section
 *   with 6.6% of the archive), each tested against the bitmap;
 * - the other filters for each story in both (684 there), by id.
 *
 * The kept ids are then exactly the window's matches the filters keep,
 * as search_kept() reads them for a narrower window: the bitmap of the
 * ranking, and the count (k->count).  A window over more than
 * KEPT_WIDE_SPAN ids, or more than KEPT_PROBE_MAX stories in both
 * (a section or an author with most of the matches, where the filter
 * after the ranking finds a page at once), is left to the filter after
 * the ranking.
 */
#define KEPT_WIDE_SPAN	(1 << 21)
#define KEPT_PROBE_MAX	2000
static int
kept_wide(struct db *db, const struct search_params *p,
    const struct buf *match, int which, int64_t last, struct kept *k)
{
	struct db_stmt *st;
	unsigned char *m = NULL;
	int64_t *ids = NULL, id;
	size_t n = 0, i, kept = 0;
	int rc;

	/* After this point, all errors go through done. */
	if (last - p->lo >= KEPT_WIDE_SPAN)
		return STORE_OK;
	m = xcalloc(1, (size_t)(last - p->lo) / 8 + 1);
	if ((st = stmt(db, SQ_MATCH_IDS)) == NULL) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_str(st, 1, match->p);
	db_bind_int(st, 10, p->lo);
	db_bind_int(st, 13, last);
	while ((rc = db_step(st)) == DB_ROW) {
		id = db_col_int(st, 0) - p->lo;
		m[id / 8] |= (unsigned char)(1u << (id % 8));
	}
	db_reset(st);
	if (rc != DB_DONE) {
		rc = store_rc_from_db(rc);
		goto done;
	}
	if ((st = stmt(db, which == SQ_KEPT_BY_AUTHOR ? SQ_LIST_BY_AUTHOR :
	    SQ_LIST_BY_SECTION)) == NULL) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_int(st, 10, p->lo);
	db_bind_int(st, 14, which == SQ_KEPT_BY_AUTHOR ? p->author :
	    p->section);
	ids = xmalloc((KEPT_PROBE_MAX + 1) * sizeof(*ids));
	while ((rc = db_step(st)) == DB_ROW && n <= KEPT_PROBE_MAX) {
		id = db_col_int(st, 0);
		if (id <= last && (m[(id - p->lo) / 8] &
		    (1u << ((id - p->lo) % 8))) != 0)
			ids[n++] = id;
	}
	db_reset(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		rc = store_rc_from_db(rc);
		goto done;
	}
	rc = STORE_OK;
	if (n > KEPT_PROBE_MAX)
		goto done;
	/* The other filters, story by story: SQ_KEPT_BY_ID over one id. */
	if ((st = stmt(db, SQ_KEPT_BY_ID)) == NULL) {
		rc = STORE_ERROR;
		goto done;
	}
	for (i = 0; i < n; i++) {
		/* db_reset() clears what was bound: all of it again. */
		bind_kept(st, p, which, 0);
		db_bind_int(st, 8, 1);
		if (store_scope() != 0)
			db_bind_int(st, scope_param[db_kind(db)],
			    store_scope());
		db_bind_int(st, 10, ids[i]);
		db_bind_int(st, 13, ids[i]);
		rc = db_step(st);
		db_reset(st);
		if (rc == DB_ROW)
			ids[kept++] = ids[i];
		else if (rc != DB_DONE) {
			rc = store_rc_from_db(rc);
			goto done;
		}
	}
	rc = STORE_OK;
	kept_set(k, ids, kept);
	k->count = (int64_t)kept;
done:
	free(m);
	free(ids);
	return rc;
}

static int
search_kept(struct db *db, const struct search_params *p,
    const struct buf *match, struct kept *k)
{
	struct db_stmt *st;
	int64_t *ids, id, lo = INT64_MAX, hi = 0, last;
	size_t n = 0;
	int rc, which, dates = p->from > 0 || p->to != INT64_MAX;

	k->on = 0;
	k->lo = p->lo;
	k->hi = INT64_MAX;
	k->bits = NULL;
	k->count = -1;
	if (sql_engine[db_kind(db)][SQ_KEPT_BY_ID] == NULL ||
	    (p->type == NULL && p->section == 0 && p->author == 0 &&
	    store_scope() == 0 && !dates))
		return STORE_OK;
	/* An author's list is most often the shorter. */
	which = p->author != 0 ? SQ_KEPT_BY_AUTHOR : p->section != 0 ?
	    SQ_KEPT_BY_SECTION : dates ? SQ_KEPT_BY_TIME : SQ_KEPT_BY_ID;
	/*
	 * A list is read from the earliest time of a story of the window,
	 * found among every id from the window's lowest: a window over
	 * more ids than a bitmap spans (a rarer word's, back to the oldest
	 * story) has its ids found another way (kept_wide()).
	 */
	if ((which == SQ_KEPT_BY_AUTHOR || which == SQ_KEPT_BY_SECTION) &&
	    (last = store_scalar(db, sql_last_id, p->lo)) - p->lo >= KEPT_SPAN)
		return kept_wide(db, p, match, which, last, k);
	if ((st = stmt(db, which)) == NULL)
		return STORE_ERROR;
	bind_kept(st, p, which, 1);
	db_bind_int(st, 8, KEPT_MAX + 1);
	db_bind_int(st, 10, p->lo);
	db_bind_int(st, 13, INT64_MAX);
	if (store_scope() != 0)
		db_bind_int(st, scope_param[db_kind(db)], store_scope());
	ids = xmalloc((KEPT_MAX + 1) * sizeof(*ids));
	while ((rc = db_step(st)) == DB_ROW && n <= KEPT_MAX) {
		id = ids[n++] = db_col_int(st, 0);
		lo = id < lo ? id : lo;
		hi = id > hi ? id : hi;
	}
	db_reset(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		free(ids);
		return store_rc_from_db(rc);
	}
	if (n == 0 || (n <= KEPT_MAX && hi - lo < KEPT_SPAN))
		kept_set(k, ids, n);
	free(ids);
	return STORE_OK;
}

/*
 * The rank function of a SQLite search by relevance, into spec: how many
 * of the best rows need their exact score.  The filters apply after
 * FTS5 ranks, so with no filter but time the page's rows are among the
 * best offset + limit rows and the indexed stories the time filters
 * leave out (scheduled for later, or outside from and to; counted up to
 * RANK_TOP_MAX, past which the ranking reads every row's length); with
 * the ids a filter keeps (search_kept()), among the best offset + limit
 * of those; with a filter whose ids are not known, every row needs it.
 */
#define RANK_TOP_MAX	5000
/* Three range scans of articles_latest, each stopping at $4. */
#define OUTSIDE(cond) \
    "(SELECT count(*) FROM (SELECT 1 FROM articles WHERE status =" \
    " 'published' AND published_at " cond " LIMIT $4) x)"
static const char sql_outside[] =
    "SELECT " OUTSIDE("> CAST($1 AS BIGINT)") " + "
    OUTSIDE("< CAST($2 AS BIGINT)") " + "
    OUTSIDE(">= CAST($3 AS BIGINT)") " AS n";
#undef OUTSIDE

static int
rank_spec(struct db *db, const struct search_params *p,
    const struct kept *kept, struct buf *spec, int64_t *kp)
{
	static const char hex[] = "0123456789abcdef";
	struct db_stmt *st;
	int64_t k = 0;
	size_t i;
	int rc;

	if (kept->count >= 0) {
		/* Every kept row exactly, and once a row: FTS_RANK_IDS. */
		k = 0;
	} else if (kept->on) {
		k = (int64_t)p->offset + p->limit;
	} else if (p->type == NULL && p->section == 0 && p->author == 0 &&
	    store_scope() == 0) {
		/* A site's scope, like a type, is a filter FTS5 cannot see. */
		if ((st = db_stmt(db, sql_outside)) == NULL)
			return STORE_ERROR;
		db_bind_int(st, 1, p->now);
		db_bind_int(st, 2, p->from);
		db_bind_int(st, 3, p->to);
		db_bind_int(st, 4, RANK_TOP_MAX + 1);
		if ((rc = db_step(st)) == DB_ROW)
			k = db_col_int(st, 0);
		db_reset(st);
		if (rc != DB_ROW)
			return store_rc_from_db(rc);
		k += (int64_t)p->offset + p->limit;
	}
	if (k > RANK_TOP_MAX)
		k = 0;
	*kp = k;
	buf_printf(spec, "masthead_rank(%lld, " FTS_WEIGHTS, (long long)k);
	if (kept->bits != NULL) {
		buf_printf(spec, ", %lld, x'", (long long)kept->first);
		for (i = 0; i < kept->nbytes; i++) {
			buf_putc(spec, hex[kept->bits[i] >> 4]);
			buf_putc(spec, hex[kept->bits[i] & 15]);
		}
		buf_putc(spec, '\'');
	}
	buf_putc(spec, ')');
	return buf_err(spec) ? STORE_ERROR : STORE_OK;
}

/*
 * A prefix longer than the prefix index's lists (prefix = '2 3', 0038:
 * two and three letters) has no list of its own: FTS5 reads the list of
 * every word it begins and merges them into one, over the whole
 * archive, for each statement (50 ms of CPU a page for "telef*" at a
 * million stories).  When the prefix begins one word of the index
 * only, as most long prefixes do once words are stemmed ("telef*":
 * telefonica; "netw*": network), that word is searched instead: the
 * same rows, the same hits, so the same ranks and snippets.  The words
 * come from the index's own list (an fts5vocab table, in the
 * connection's temporary schema: nothing is stored), two reads of it;
 * the prefix and the word go through the table's tokenizer as FTS5
 * would put them (masthead_token(), db_sqlite.c), and a word that the
 * tokenizer would change again is left as a prefix.  A prefix of
 * several words is searched as a prefix, as before.
 */
#define FTS_TOKENIZE	"porter unicode61 remove_diacritics 2"	/* 0038's */
#define FTS_PREFIX_MAX	3	/* the longest prefix list, in bytes */
static const char sql_terms_table[] =
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.article_search_terms"
    " USING fts5vocab(main, article_search, instance)";
static const char sql_token[] =
    "SELECT masthead_token('" FTS_TOKENIZE "', $1, $2) AS t";
static const char sql_term_from[] =
    "SELECT term FROM temp.article_search_terms WHERE term >= $1 LIMIT 1";

/* The one result of sql bound to s and k, into out; -1 when none. */
static int
text_of(struct db *db, const char *sql, const struct buf *s, int64_t k,
    struct buf *out)
{
	struct db_stmt *st;
	const char *v;
	size_t n;
	int rc;

	buf_reset(out);
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, s->p, s->len);
	db_bind_int(st, 2, k);
	if ((rc = db_step(st)) == DB_ROW && !db_col_isnull(st, 0)) {
		v = db_col_text(st, 0, &n);
		buf_append(out, v, n);
	}
	db_reset(st);
	return rc == DB_ROW && out->len > 0 && !buf_err(out) ? 0 : -1;
}

static int
has_prefix(const struct buf *s, const struct buf *prefix)
{
	return s->len >= prefix->len && memcmp(s->p, prefix->p,
	    prefix->len) == 0;
}

/* A search_expand_fn: the one word of the index a long prefix begins. */
static int
expand_prefix(void *arg, const char *w, size_t n, struct buf *out)
{
	struct db *db = arg;
	struct buf word = BUF_INIT, prefix = BUF_INIT, term = BUF_INIT;
	struct buf next = BUF_INIT;
	int done = 0;

	if (n <= FTS_PREFIX_MAX)
		return 0;
	buf_append(&word, w, n);
	if (text_of(db, sql_token, &word, 1, &prefix) != 0 ||
	    prefix.len <= FTS_PREFIX_MAX ||
	    db_exec(db, sql_terms_table) != DB_OK ||
	    text_of(db, sql_term_from, &prefix, 0, &term) != 0 ||
	    !has_prefix(&term, &prefix) || memchr(term.p, '"', term.len))
		goto done;
	/* The least word after term: another word with the prefix? */
	buf_reset(&word);
	buf_append(&word, term.p, term.len);
	buf_putc(&word, '\x01');
	if (text_of(db, sql_term_from, &word, 0, &next) == 0 &&
	    has_prefix(&next, &prefix))
		goto done;
	/* The word as a query would have it, unchanged by the stemmer. */
	if (text_of(db, sql_token, &term, 0, &next) != 0 ||
	    next.len != term.len || memcmp(next.p, term.p, term.len) != 0)
		goto done;
	buf_putc(out, '"');
	buf_append(out, term.p, term.len);
	buf_putc(out, '"');
	done = 1;
done:
	buf_free(&word);
	buf_free(&prefix);
	buf_free(&term);
	buf_free(&next);
	return done;
}

/*
 * What $10 is, into p->lo, once: on SQLite the lowest id of the window
 * of match (at least 1, so that 0 says it is not known yet), on
 * PostgreSQL the window's size.
 */
static int
search_window(struct db *db, struct search_params *p, const struct buf *match)
{
	struct db_stmt *st;
	int rc;

	if (p->lo > 0)
		return STORE_OK;
	if (sql_engine[db_kind(db)][SQ_WINDOW] == NULL) {
		/* Found by each statement: $10 is the window's size. */
		p->lo = PG_SEARCH_WINDOW;
		return STORE_OK;
	}
	if ((st = stmt(db, SQ_WINDOW)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, match->p);
	db_bind_int(st, 2, SEARCH_WINDOW);
	if ((rc = db_step(st)) == DB_ROW)
		p->lo = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return store_rc_from_db(rc);
	if (p->lo < 1)
		p->lo = 1;
	return STORE_OK;
}

/*
 * The statement which (SQ_BY_RANK, SQ_BY_DATE or SQ_COUNT) bound to p,
 * with the reader's text written in this engine's syntax into match (the
 * caller frees it).  STORE_NOTFOUND when the text holds no word to
 * search for.
 */
static int
search_stmt(struct db *db, struct search_params *p, int which,
    struct buf *match, struct buf *spec, struct kept *kept,
    struct db_stmt **out)
{
	struct db_stmt *st;
	int64_t k = 0;
	int rc;

	kept->bits = NULL;
	kept->count = -1;
	kept->top = 0;
	kept->newest = 0;
	if (search_query_with(engine_syntax[db_kind(db)], p->q, match,
	    db_kind(db) == DB_SQLITE ? expand_prefix : NULL, db) == 0)
		return STORE_NOTFOUND;
	if (buf_err(match))
		return STORE_ERROR;
	/* No filter at all: the window is found as it is ranked. */
	if (which == SQ_BY_RANK && db_kind(db) == DB_SQLITE && p->lo == 0 &&
	    p->type == NULL && p->section == 0 && p->author == 0 &&
	    store_scope() == 0 && p->from <= 0 && p->to == INT64_MAX) {
		kept->on = 0;
		if ((rc = rank_spec(db, p, kept, spec, &k)) != STORE_OK)
			return rc;
		if (k > 0) {
			if ((st = stmt(db, SQ_RANK_TOP)) == NULL)
				return STORE_ERROR;
			db_bind_str(st, 1, match->p);
			db_bind_int(st, 2, SEARCH_WINDOW);
			db_bind_str(st, 11, spec->p);
			kept->top = k;
			kept->newest = 1;
			*out = st;
			return STORE_OK;
		}
		buf_reset(spec);
	}
	if ((rc = search_window(db, p, match)) != STORE_OK ||
	    (rc = search_kept(db, p, match, kept)) != STORE_OK)
		return rc;
	if (which == SQ_BY_RANK && db_kind(db) == DB_SQLITE &&
	    (rc = rank_spec(db, p, kept, spec, &k)) != STORE_OK)
		return rc;
	/* The count of the matches a filter's bitmap keeps: their ids only. */
	if (which == SQ_COUNT && kept->bits != NULL)
		which = SQ_MATCH_IDS;
	/*
	 * Ranked apart (ranked_page()): a wide window's kept rows, and a
	 * window no filter but time narrows, whose page is among its best
	 * k rows.
	 */
	if (which == SQ_BY_RANK && kept->count >= 0) {
		which = SQ_RANK_IDS;
		kept->top = (int64_t)p->offset + p->limit;
	} else if (which == SQ_BY_RANK && !kept->on && k > 0) {
		which = SQ_RANK_ALL;
		kept->top = k;
	}
	if ((st = stmt(db, which)) == NULL)
		return STORE_ERROR;
	*out = st;
	db_bind_str(st, 1, match->p);
	bind_filters(st, p);
	db_bind_int(st, 8, p->limit);
	db_bind_int(st, 9, p->offset);
	db_bind_int(st, 10, kept->lo > p->lo ? kept->lo : p->lo);
	if (db_kind(db) == DB_SQLITE) {
		if (which == SQ_BY_RANK || which == SQ_RANK_IDS ||
		    which == SQ_RANK_ALL)
			db_bind_str(st, 11, spec->p);
		db_bind_int(st, 13, kept->hi);
	}
	if (store_scope() != 0)
		db_bind_int(st, scope_param[db_kind(db)], store_scope());
	return STORE_OK;
}

/*
 * Takes the window's count out of the rows of a page on PostgreSQL into
 * p->counted (every row has it; a page past the last has no row, and
 * the count's statement runs instead).
 */
static void
take_counted(struct search_params *p, json_t *rows)
{
	json_t *row, *n, *v;
	size_t i;

	json_array_foreach(rows, i, row) {
		if ((n = json_object_get(row, PG_COUNTED)) == NULL)
			return;
		p->counted = json_integer_value(n) + 1;
		/* Text: store_rows_json() reads integers by column name. */
		p->partial = (v = json_object_get(row, PG_PARTIAL_COL)) !=
		    NULL && strcmp(json_string_value(v) != NULL ?
		    json_string_value(v) : "", "1") == 0;
		json_object_del(row, PG_COUNTED);
		json_object_del(row, PG_PARTIAL_COL);
	}
}

/*
 * The matches of SQ_MATCH_IDS's rows (st, bound) that the filter's bitmap
 * keeps, counted up to upto, into *seen.
 */
static int
kept_matches(struct db_stmt *st, const struct kept *k, int64_t upto,
    int64_t *seen)
{
	int64_t id;
	int rc = DB_DONE;

	*seen = 0;
	while (*seen < upto && (rc = db_step(st)) == DB_ROW) {
		id = db_col_int(st, 0) - k->first;
		*seen += id >= 0 && (size_t)id / 8 < k->nbytes &&
		    (k->bits[id / 8] & (1u << (id % 8))) != 0;
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? STORE_OK : store_rc_from_db(rc);
}

/*
 * With the ids a filter keeps at hand, the page counts the window's
 * matches among them as well, into p->counted: they are at most a
 * window's worth, and store_search_count() then need not read the
 * filter's ids again.
 */
static int
kept_count(struct db *db, struct search_params *p, const struct buf *match,
    const struct kept *k)
{
	struct db_stmt *st;
	int64_t seen = 0;
	int rc;

	if (k->count >= 0) {
		/* kept_wide() kept the window's matches only: all of them. */
		seen = k->count;
	} else if (k->bits != NULL) {
		if ((st = stmt(db, SQ_MATCH_IDS)) == NULL)
			return STORE_ERROR;
		db_bind_str(st, 1, match->p);
		db_bind_int(st, 10, k->lo > p->lo ? k->lo : p->lo);
		db_bind_int(st, 13, k->hi);
		if ((rc = kept_matches(st, k, INT64_MAX, &seen)) != STORE_OK)
			return rc;
	}
	p->counted = seen + 1;
	return STORE_OK;
}

struct ranked {
	double		 r;
	int64_t		 id;
};

/* As FTS5's sort: by rank, and rows of the same rank in the order of ids. */
static int
ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->r != y->r)
		return x->r < y->r ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The page of a window ranked apart (SQ_RANK_IDS's or SQ_RANK_ALL's
 * rows, st, bound), into *out: the rows are sorted here as FTS5's sort
 * orders them (SQLite's sorter keeps the order in which rows come, that
 * of their ids, among rows of the same rank), and the page is read from
 * the best top of them by id (SQ_BY_IDS), the filters applied as
 * SQ_BY_RANK applies them.  masthead_rank() gives each row the rank it
 * gives it there, in the same order of rows, so the best top are the
 * same rows in the same order; top is what its k promises: the page's
 * rows are among them.  FTS5's own sort puts every row of the window
 * through SQLite's sorter; here a row is two numbers in an array.
 */
static int
ranked_page(struct db *db, struct search_params *p, struct db_stmt *st,
    const struct buf *match, const struct kept *k, json_t **out)
{
	struct ranked *v = NULL;
	struct buf ids = BUF_INIT;
	size_t n = 0, cap = 0, i;
	int rc;

	/* After this point, all errors go through done. */
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].id = db_col_int(st, 0);
		v[n].r = db_col_double(st, 1);
		n++;
	}
	db_reset(st);
	if (rc != DB_DONE) {
		rc = store_rc_from_db(rc);
		goto done;
	}
	/* SQ_RANK_TOP's rows are the window: its lowest id, as SQ_WINDOW's. */
	if (k->newest)
		p->lo = n == SEARCH_WINDOW ? v[n - 1].id : 1;
	if (n > 0)
		qsort(v, n, sizeof(*v), ranked_cmp);
	buf_putc(&ids, '[');
	for (i = 0; i < n && i < (size_t)k->top; i++)
		buf_printf(&ids, "%s%lld", i > 0 ? "," : "",
		    (long long)v[i].id);
	buf_putc(&ids, ']');
	if (buf_err(&ids) || (st = stmt(db, SQ_BY_IDS)) == NULL) {
		rc = STORE_ERROR;
		goto done;
	}
	db_bind_str(st, 1, match->p);
	bind_filters(st, p);
	db_bind_int(st, 8, p->limit);
	db_bind_int(st, 9, p->offset);
	db_bind_text(st, 15, ids.p, ids.len);
	if (store_scope() != 0)
		db_bind_int(st, scope_param[db_kind(db)], store_scope());
	rc = store_rows_json(st, out);
done:
	free(v);
	buf_free(&ids);
	return rc;
}

int
store_search(struct db *db, struct search_params *p, json_t **out)
{
	struct buf match = BUF_INIT, spec = BUF_INIT;
	struct db_stmt *st;
	struct kept kept;
	int rc;

	*out = NULL;
	rc = search_stmt(db, p, p->by_date ? SQ_BY_DATE : SQ_BY_RANK, &match,
	    &spec, &kept, &st);
	if (rc == STORE_OK && kept.top > 0) {
		rc = ranked_page(db, p, st, &match, &kept, out);
		if (rc == STORE_OK && kept.on)
			rc = kept_count(db, p, &match, &kept);
	} else if (rc == STORE_OK) {
		if ((rc = store_rows_json(st, out)) == STORE_OK)
			take_counted(p, *out);
		if (rc == STORE_OK && kept.on && p->counted == 0)
			rc = kept_count(db, p, &match, &kept);
	} else if (rc == STORE_NOTFOUND) {
		/* No word to search for matches nothing. */
		*out = json_array();
		rc = STORE_OK;
	}
	buf_free(&match);
	buf_free(&spec);
	kept_free(&kept);
	return rc;
}

int
store_search_count(struct db *db, struct search_params *p, int64_t *n)
{
	struct buf match = BUF_INIT;
	struct db_stmt *st;
	struct kept kept;
	int64_t seen = 0, upto = (int64_t)p->offset + p->limit;
	int rc;

	*n = 0;
	if (p->counted > 0) {
		/* As the statement counts: at most limit rows past offset. */
		*n = p->counted - 1 - p->offset;
		if (*n > p->limit)
			*n = p->limit;
		if (*n < 0)
			*n = 0;
		return STORE_OK;
	}
	rc = search_stmt(db, p, SQ_COUNT, &match, NULL, &kept, &st);
	if (rc == STORE_OK && kept.bits != NULL) {
		/* As SQ_COUNT's LIMIT and OFFSET: up to limit past offset. */
		rc = kept_matches(st, &kept, upto, &seen);
		*n = seen > p->offset ? seen - p->offset : 0;
	} else if (rc == STORE_OK) {
		if ((rc = db_step(st)) == DB_ROW) {
			*n = db_col_int(st, 0);
			/* SQLite counts in its window without saying more. */
			p->partial = db_col_count(st) > 1 && db_col_int(st, 1) != 0;
		}
		db_reset(st);
		rc = rc == DB_ROW ? STORE_OK : store_rc_from_db(rc);
	} else if (rc == STORE_NOTFOUND) {
		rc = STORE_OK;
	}
	buf_free(&match);
	kept_free(&kept);
	return rc;
}
