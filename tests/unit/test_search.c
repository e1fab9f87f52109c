/*
 * test_search.c — the reader's search text written as each engine's
 * query, the plain text of an article body, and highlighted snippets.
 *
 * Every query case is run against a real SQLite FTS5 table too: whatever
 * the reader typed, the query written for it must parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "buf.h"
#include "db.h"
#include "search.h"

struct query_case {
	const char	*in;
	const char	*fts5;		/* SQLite */
	const char	*tsquery;	/* PostgreSQL */
};

static const struct query_case query_cases[] = {
	{ "", "", "" },
	{ "   ", "", "" },
	{ "5g", "\"5g\"", "'5g'" },
	{ "5G spectrum", "\"5G\" AND \"spectrum\"", "'5G' & 'spectrum'" },
	{ "\"open ran\"", "\"open ran\"", "('open' <-> 'ran')" },
	{ "auction*", "\"auction\"*", "'auction':*" },
	{ "5g -satellite", "\"5g\" NOT \"satellite\"", "'5g' & !'satellite'" },
	{ "cable OR fibre", "(\"cable\" OR \"fibre\")", "('cable' | 'fibre')" },
	{ "a b OR c d", "\"a\" AND (\"b\" OR \"c\") AND \"d\"",
	    "'a' & ('b' | 'c') & 'd'" },
	{ "wi-fi", "\"wi fi\"", "('wi' <-> 'fi')" },
	{ "at&t", "\"at t\"", "('at' <-> 't')" },
	/* Fallbacks: the plain words. */
	{ "\"unbalanced quote", "\"unbalanced\" AND \"quote\"",
	    "'unbalanced' & 'quote'" },
	{ "-only", "\"only\"", "'only'" },
	{ "a OR", "\"a\" AND \"OR\"", "'a' & 'OR'" },
	{ "OR b", "\"OR\" AND \"b\"", "'OR' & 'b'" },
	{ "a OR -b", "\"a\" AND \"OR\" AND \"b\"", "'a' & 'OR' & 'b'" },
	/* The engines' own syntax is only words or separators here. */
	{ "NEAR(a b)", "\"NEAR\" AND \"a\" AND \"b\"", "'NEAR' & 'a' & 'b'" },
	{ "title:5g", "\"title 5g\"", "('title' <-> '5g')" },
	{ "(((", "", "" },
	{ "*", "", "" },
	{ "'x' & y", "\"x\" AND \"y\"", "'x' & 'y'" },
	{ "!5g", "\"5g\"", "'5g'" },
	{ "5g:*", "\"5g\"*", "'5g':*" },
	{ "\xc3\xa9l\xc3\xa9phant", "\"\xc3\xa9l\xc3\xa9phant\"",
	    "'\xc3\xa9l\xc3\xa9phant'" },
	{ "x123456789x123456789x123456789x123456789x123456789x123456789x1234"
	  "5 ok", "\"ok\"", "'ok'" },
};

static void
test_queries(void **state)
{
	struct buf b = BUF_INIT;
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE VIRTUAL TABLE t USING fts5(a,"
	    " b, tokenize = 'porter unicode61 remove_diacritics 2');"
	    " INSERT INTO t VALUES ('open ran 5g', 'cable');", NULL, NULL, NULL),
	    SQLITE_OK);
	for (i = 0; i < sizeof(query_cases) / sizeof(query_cases[0]); i++) {
		const struct query_case *c = &query_cases[i];

		buf_reset(&b);
		/* What the page asks before the store writes the query. */
		assert_int_equal(search_terms(c->in),
		    search_query(SEARCH_FTS5, c->in, &b));
		if (strcmp(b.len ? b.p : "", c->fts5) != 0)
			fprintf(stderr, "%s: fts5 %s\n", c->in, b.p);
		assert_string_equal(b.len ? b.p : "", c->fts5);
		if (b.len > 0) {
			assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*)"
			    " FROM t WHERE t MATCH ?", -1, &st, NULL), SQLITE_OK);
			sqlite3_bind_text(st, 1, b.p, (int)b.len, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW)
				fprintf(stderr, "%s: %s\n", b.p, sqlite3_errmsg(h));
			assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
		}
		buf_reset(&b);
		search_query(SEARCH_TSQUERY, c->in, &b);
		if (strcmp(b.len ? b.p : "", c->tsquery) != 0)
			fprintf(stderr, "%s: tsquery %s\n", c->in, b.p);
		assert_string_equal(b.len ? b.p : "", c->tsquery);
	}
	sqlite3_close(h);
	buf_free(&b);
}

/* At most SEARCH_MAX_TERMS terms, whatever the length. */
static void
test_long_query(void **state)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 2000; i++)
		BUF_LIT(&in, "w ");
	assert_int_equal(search_query(SEARCH_FTS5, in.p, &out), SEARCH_MAX_TERMS);
	assert_int_equal(search_terms(in.p), SEARCH_MAX_TERMS);
	buf_reset(&in);
	for (i = 0; i < 1000; i++)
		BUF_LIT(&in, "(\"");
	buf_reset(&out);
	assert_int_equal(search_query(SEARCH_TSQUERY, in.p, &out), 0);
	assert_int_equal(search_terms(in.p), 0);
	buf_free(&in);
	buf_free(&out);
}

static const char *const text_cases[][2] = {
	{ "", "" },
	{ "<p>One</p>\n<p>Two &amp; three</p>\n", "One Two & three" },
	{ "<p>in<em>line</em> words</p>", "inline words" },
	{ "<h2 id=\"x\">Head</h2><ul><li>a</li><li>b</li></ul>", "Head a b" },
	{ "a&nbsp;&nbsp;b &lt;c&gt; &#233;&#x41; &bogus; &#0;",
	    "a b <c> \xc3\xa9" "A &bogus;" },
	{ "ctl\x01\x02mark  \t\n spaces", "ctl mark spaces" },
	{ "<p>unclosed <a href", "unclosed" },
};

static void
test_text(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		buf_reset(&b);
		search_text_from_html(text_cases[i][0], strlen(text_cases[i][0]),
		    &b);
		if (strcmp(b.len ? b.p : "", text_cases[i][1]) != 0)
			fprintf(stderr, "%s -> [%.*s]\n", text_cases[i][0],
			    (int)b.len, b.p);
		assert_string_equal(b.len ? b.p : "", text_cases[i][1]);
	}
	buf_free(&b);
}

static const char *const mark_cases[][2] = {
	{ "plain", "plain" },
	{ "a \x01" "5G\x02 b", "a <mark>5G</mark> b" },
	{ "<x> \x01" "&\x02", "&lt;x&gt; <mark>&amp;</mark>" },
	{ "\x01open", "<mark>open</mark>" },
	{ "stray\x02 \x01\x01two\x02", "stray <mark>two</mark>" },
};

static void
test_highlight(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(mark_cases) / sizeof(mark_cases[0]); i++) {
		buf_reset(&b);
		search_highlight_html(mark_cases[i][0], strlen(mark_cases[i][0]),
		    &b);
		assert_string_equal(b.len ? b.p : "", mark_cases[i][1]);
	}
	buf_free(&b);
}

/*
 * masthead_rank against FTS5's own bm25 on a generated table: for one
 * phrase and for two, at several depths k, the first k rows it ranks
 * have bm25's best k scores in bm25's order (scores compared, so ties
 * may come in any order), although it reads the length of only the
 * rows that can reach them.
 */
static const char *const rank_words[] = {
	"fiber", "spectrum", "auction", "cable", "tower", "satellite",
	"network", "operator", "core", "edge", "radio", "licence",
};

static void
rank_fill(struct db *db)
{
	struct db_stmt *st;
	struct buf title = BUF_INIT, text = BUF_INIT;
	unsigned seed = 12345;
	size_t n, w, len, nw = sizeof(rank_words) / sizeof(*rank_words);
	int i;

	assert_int_equal(db_exec(db, "CREATE VIRTUAL TABLE t USING fts5("
	    "title, body); INSERT INTO t (t, rank) VALUES ('rank',"
	    " 'bm25(10.0, 1.0)')"), DB_OK);
	assert_int_equal(db_exec(db, "BEGIN"), DB_OK);
	for (i = 1; i <= 3000; i++) {
		/* Titles of 3 words, bodies of 5 to 200: lengths that matter. */
		buf_reset(&title);
		buf_reset(&text);
		for (n = 0; n < 3; n++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&title, rank_words[(seed >> 16) % nw]);
			buf_putc(&title, ' ');
		}
		seed = seed * 1103515245u + 12345u;
		len = 5 + (seed >> 16) % 196;
		for (n = 0; n < len; n++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly filler, so the words are spread thin. */
			w = (seed >> 16) % 48;
			buf_puts(&text, w < nw ? rank_words[w] : "word");
			buf_putc(&text, ' ');
		}
		assert_non_null(st = db_stmt(db, "INSERT INTO t (rowid, title,"
		    " body) VALUES ($1, $2, $3)"));
		db_bind_int(st, 1, i);
		db_bind_text(st, 2, title.p, title.len);
		db_bind_text(st, 3, text.p, text.len);
		assert_int_equal(db_step(st), DB_DONE);
		db_reset(st);
	}
	assert_int_equal(db_exec(db, "COMMIT"), DB_OK);
	buf_free(&title);
	buf_free(&text);
}

/*
 * The scores, as bm25 computes them, of the first k rows of sql, ranked
 * by masthead_rank with kept (NULL, or the rows a filter keeps) after
 * its weights.
 */
static void
rank_scores(struct db *db, const char *sql, const char *match, int k,
    const char *kept, struct buf *out)
{
	struct db_stmt *st, *one;
	struct buf spec = BUF_INIT;
	int64_t ids[64];
	int n = 0, i;

	assert_true(k <= 64);
	buf_printf(&spec, "masthead_rank(%d, 10.0, 1.0%s%s)", k,
	    kept != NULL ? ", " : "", kept != NULL ? kept : "");
	assert_non_null(st = db_stmt(db, sql));
	db_bind_str(st, 1, match);
	db_bind_str(st, 2, spec.p);
	db_bind_int(st, 3, k);
	while (db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_reset(st);
	buf_free(&spec);
	for (i = 0; i < n; i++) {
		assert_non_null(one = db_stmt(db, "SELECT printf('%.9f', rank)"
		    " FROM t WHERE t MATCH $1 AND rowid = $2"));
		db_bind_str(one, 1, match);
		db_bind_int(one, 2, ids[i]);
		assert_int_equal(db_step(one), DB_ROW);
		buf_puts(out, db_col_text(one, 0, NULL));
		buf_putc(out, ' ');
		db_reset(one);
	}
}

static void
test_rank(void **state)
{
	static const char *const matches[] = {
		"\"network\"", "\"cable\" AND \"edge\"", "\"radio core\"",
		"\"sat\"*",
	};
	static const int ks[] = { 1, 11, 51 };
	struct buf mine = BUF_INIT, ref = BUF_INIT;
	struct db *db;
	char err[256];
	size_t i, j;

	(void)state;
	db = db_open(":memory:", err, sizeof(err));
	assert_non_null(db);
	rank_fill(db);
	for (i = 0; i < sizeof(matches) / sizeof(*matches); i++)
		for (j = 0; j < sizeof(ks) / sizeof(*ks); j++) {
			buf_reset(&mine);
			buf_reset(&ref);
			rank_scores(db, "SELECT rowid FROM t WHERE t MATCH $1"
			    " AND rank MATCH $2 ORDER BY rank LIMIT $3",
			    matches[i], ks[j], NULL, &mine);
			rank_scores(db, "SELECT rowid FROM t WHERE t MATCH $1"
			    " AND $2 IS NOT NULL ORDER BY rank LIMIT $3",
			    matches[i], ks[j], NULL, &ref);
			assert_true(ref.len > 0);
			assert_int_equal(mine.len, ref.len);
			assert_memory_equal(mine.p, ref.p, ref.len);
		}
	buf_free(&mine);
	buf_free(&ref);
	db_close(db);
}

/* An expansion that knows one prefix and counts what it was offered. */
static int
expand_stub(void *arg, const char *w, size_t n, struct buf *out)
{
	int *calls = arg;

	(*calls)++;
	if (n == 5 && memcmp(w, "Telef", 5) == 0) {
		buf_puts(out, "\"telefonica\"");
		return 1;
	}
	return 0;
}

/*
 * Only a prefix of one word is offered to expand, as typed, wanted or
 * excluded; what it writes replaces the prefix, the rest is as before.
 * masthead_token() gives the token FTS5 searches for.
 */
static void
test_expand(void **state)
{
	struct buf b = BUF_INIT;
	struct db *db;
	struct db_stmt *st;
	char err[256];
	int calls = 0;

	(void)state;
	assert_int_equal(search_query_with(SEARCH_FTS5,
	    "Telef* \"open ra\"* 5g -auct*", &b, expand_stub, &calls), 4);
	assert_string_equal(b.p,
	    "\"telefonica\" AND \"open ra\"* AND \"5g\" NOT \"auct\"*");
	assert_int_equal(calls, 2);
	buf_reset(&b);
	assert_int_equal(search_query_with(SEARCH_FTS5, "Telef*", &b, NULL,
	    NULL), 1);
	assert_string_equal(b.p, "\"Telef\"*");
	buf_free(&b);
	db = db_open(":memory:", err, sizeof(err));
	assert_non_null(db);
	assert_non_null(st = db_stmt(db, "SELECT masthead_token('porter"
	    " unicode61 remove_diacritics 2', $1, $2)"));
	db_bind_str(st, 1, "T\xc3\xa9lef");
	db_bind_int(st, 2, 1);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0, NULL), "telef");
	db_reset(st);
	db_bind_str(st, 1, "Networks");
	db_bind_int(st, 2, 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0, NULL), "network");
	db_reset(st);
	db_bind_str(st, 1, "open ran");
	db_bind_int(st, 2, 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_isnull(st, 0));
	db_reset(st);
	db_close(db);
}

/*
 * With the rows a filter keeps (every third id from 31, as a bitmap from
 * id 31), the first rows are bm25's best of those rows, in its order.
 */
static void
test_rank_kept(void **state)
{
	static const char *const matches[] = {
		"\"network\"", "\"cable\" AND \"edge\"", "\"sat\"*",
	};
	static const int ks[] = { 1, 11, 51 };
	struct buf mine = BUF_INIT, ref = BUF_INIT, kept = BUF_INIT;
	struct db *db;
	char err[256];
	size_t i, j;
	int id, byte;

	(void)state;
	db = db_open(":memory:", err, sizeof(err));
	assert_non_null(db);
	rank_fill(db);
	buf_puts(&kept, "31, x'");
	for (id = 31; id <= 3000; id += 8) {
		for (byte = 0, i = 0; i < 8; i++)
			if ((id + (int)i) % 3 == 1)
				byte |= 1 << i;
		buf_printf(&kept, "%02x", byte);
	}
	buf_putc(&kept, '\'');
	for (i = 0; i < sizeof(matches) / sizeof(*matches); i++)
		for (j = 0; j < sizeof(ks) / sizeof(*ks); j++) {
			buf_reset(&mine);
			buf_reset(&ref);
			rank_scores(db, "SELECT rowid FROM t WHERE t MATCH $1"
			    " AND rank MATCH $2 AND rowid % 3 = 1 AND rowid >= 31"
			    " ORDER BY rank LIMIT $3", matches[i], ks[j], kept.p,
			    &mine);
			rank_scores(db, "SELECT rowid FROM t WHERE t MATCH $1"
			    " AND $2 IS NOT NULL AND rowid % 3 = 1 AND"
			    " rowid >= 31 ORDER BY rank LIMIT $3", matches[i],
			    ks[j], NULL, &ref);
			assert_true(ref.len > 0);
			assert_int_equal(mine.len, ref.len);
			assert_memory_equal(mine.p, ref.p, ref.len);
		}
	buf_free(&mine);
	buf_free(&ref);
	buf_free(&kept);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_long_query),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_highlight),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_rank_kept),
		cmocka_unit_test(test_expand),
	};

	return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
