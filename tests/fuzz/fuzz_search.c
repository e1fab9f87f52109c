/*
 * fuzz_search.c — libFuzzer target for src/search.c: the reader's
 * search text made into the engines' query syntax, the plain text of an
 * article, and result snippets made HTML.
 *
 * search.h promises that no input is a syntax error for either engine.
 * SQLite's is checked for real: every query written for FTS5 runs
 * against an in-memory table made as migrations/sqlite/0005_search.sql
 * makes article_search, and any error aborts.  PostgreSQL's is read by a
 * small parser of the to_tsquery subset search.c writes (quoted words,
 * ":*", "!", "&", "|", "<->" and parentheses).  The text and highlight
 * functions must leave no control byte, no tag but <mark> and </mark>,
 * and balanced marks.
 */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *match;

static void
open_db(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE s USING fts5(title, dek, "
	    "body, authors, tags, section, tokenize = 'porter unicode61 "
	    "remove_diacritics 2');"
	    "INSERT INTO s VALUES ('5G spectrum auction', 'open ran', "
	    "'cable and fibre', 'ann', 'wi fi', 'news');", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM s WHERE s MATCH ?1",
	    -1, &match, NULL) != SQLITE_OK)
		abort();
}

/* The tsquery subset: operand := "!" operand | "(" expr ")" | 'word' [":*"]. */
static int	ts_expr(const char **p);

static int
ts_operand(const char **p)
{
	const char *s = *p;

	if (*s == '!') {
		*p = s + 1;
		return ts_operand(p);
	}
	if (*s == '(') {
		*p = s + 1;
		if (ts_expr(p) != 0 || **p != ')')
			return -1;
		(*p)++;
		return 0;
	}
	if (*s != '\'')
		return -1;
	for (s++; *s != '\0' && *s != '\''; s++)
		if ((unsigned char)*s < 0x80 && !((*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return -1;
	if (*s != '\'' || s == *p + 1)
		return -1;
	s++;
	if (strncmp(s, ":*", 2) == 0)
		s += 2;
	*p = s;
	return 0;
}

static int
ts_expr(const char **p)
{
	static const char *const ops[] = { " & ", " | ", " <-> " };
	size_t i;

	if (ts_operand(p) != 0)
		return -1;
	for (;;) {
		for (i = 0; i < 3; i++)
			if (strncmp(*p, ops[i], strlen(ops[i])) == 0)
				break;
		if (i == 3)
			return 0;
		*p += strlen(ops[i]);
		if (ts_operand(p) != 0)
			return -1;
	}
}

static void
check_query(const char *q)
{
	struct buf out = BUF_INIT;
	const char *p;
	int n;

	n = search_query(SEARCH_FTS5, q, &out);
	if (n < 0 || n > SEARCH_MAX_TERMS || n != search_terms(q) ||
	    (n == 0) != (out.len == 0) ||
	    buf_err(&out))
		abort();
	if (n > 0) {
		sqlite3_reset(match);
		sqlite3_bind_text(match, 1, out.p, (int)out.len, SQLITE_STATIC);
		if (sqlite3_step(match) != SQLITE_ROW)
			abort();
		sqlite3_reset(match);
	}
	buf_reset(&out);
	n = search_query(SEARCH_TSQUERY, q, &out);
	if (n < 0 || n > SEARCH_MAX_TERMS || (n == 0) != (out.len == 0) ||
	    buf_err(&out))
		abort();
	if (n > 0) {
		p = out.p;
		if (ts_expr(&p) != 0 || *p != '\0')
			abort();
	}
	buf_free(&out);
}

static void
check_text(const char *s, size_t len)
{
	struct buf out = BUF_INIT;
	size_t i;

	search_text_from_html(s, len, &out);
	for (i = 0; i < out.len; i++)
		if ((unsigned char)out.p[i] < 0x20 || out.p[i] == 0x7f)
			abort();
	buf_reset(&out);
	search_text_plain(s, len, &out);
	for (i = 0; i < out.len; i++)
		if ((unsigned char)out.p[i] < 0x20)
			abort();
	buf_free(&out);
}

static void
check_highlight(const char *s, size_t len)
{
	struct buf out = BUF_INIT;
	const char *p, *end;
	size_t tags = 0, gt = 0, i;
	int open = 0;

	search_highlight_html(s, len, &out);
	p = out.p != NULL ? out.p : "";
	end = p + out.len;
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) >= 6 && memcmp(p, "<mark>", 6) == 0 &&
		    !open) {
			open = 1;
			p += 6;
			tags++;
		} else if ((size_t)(end - p) >= 7 &&
		    memcmp(p, "</mark>", 7) == 0 && open) {
			open = 0;
			p += 7;
			tags++;
		} else {
			abort();
		}
	}
	/* Every ">" closes one of those tags: text has none of its own. */
	for (i = 0; i < out.len; i++)
		gt += out.p[i] == '>';
	if (open || gt != tags)
		abort();
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (db == NULL)
		open_db();
	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	check_query(s);
	check_text(s, size);
	check_highlight(s, size);
	free(s);
	return 0;
}
