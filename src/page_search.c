/*
 * page_search.c — the search page (/search) and its view model, which
 * the content API serves as /api/v1/search.
 *
 * Parameters: q (the reader's text, see search.c), section (a slug),
 * author (a name, as the form suggests them, or a slug), type, from and
 * to (YYYY-MM-DD, inclusive, UTC), sort (relevance or date) and page (1
 * to SEARCH_MAX_PAGE).  A filter that is malformed or names nothing is a
 * 400 with a sentence saying which: the page shows it above the form,
 * which keeps everything the reader gave; the text itself is never an
 * error.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "escape.h"
#include "own.h"
#include "page.h"
#include "picture.h"
#include "req.h"
#include "search.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define SEARCH_PAGE_SIZE	10
#define SEARCH_MAX_PAGE		50
#define SEARCH_MAX_ECHO		200	/* bytes of q shown back */
#define SEARCH_MAX_COUNT	(SEARCH_MAX_PAGE * SEARCH_PAGE_SIZE)
#define SEARCH_AUTHORS		500	/* names the author field suggests */

/* The parameters the page and the API know, in the order URLs carry them. */
static const char *const params[] = {
	"q", "section", "author", "type", "from", "to", "sort", "page", NULL,
};

const char *const *
search_params_known(void)
{
	return params;
}

/* "2021-05-12" -> Unix time of its midnight UTC; -1 if not a real date. */
static int64_t
parse_date(const char *s)
{
	int64_t y, m, d;
	struct tm tm;
	time_t t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    parse_int(s, 4, 1970, 9999, &y) != 0 ||
	    parse_int(s + 5, 2, 1, 12, &m) != 0 ||
	    parse_int(s + 8, 2, 1, 31, &d) != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	t = timegm(&tm);
	/* 2021-02-30 comes back as March 2nd: not a date. */
	if (tm.tm_mday != (int)d || tm.tm_mon != (int)m - 1)
		return -1;
	return (int64_t)t;
}

/*
 * The id of the author the filter names: by slug, else by name (the
 * form suggests names); STORE_NOTFOUND when none.
 */
static int
author_id(struct req *r, const char *author, int64_t *id)
{
	json_t *o = NULL;
	int rc = STORE_NOTFOUND;

	if (url_is_slug(author, strlen(author)))
		rc = store_author_get(r->db, author, &o);
	if (rc == STORE_NOTFOUND && strlen(author) <= 200)
		rc = store_author_by_name(r->db, author, &o);
	if (rc != STORE_OK)
		return rc;
	own_json(r, o);
	*id = json_integer_value(json_object_get(o, "id"));
	return STORE_OK;
}

/* The id of a section or author slug for a filter; 0 with *msg set when unknown. */
static int
slug_id(struct req *r, const char *slug,
    int (*get)(struct db *, const char *, json_t **), int64_t *id)
{
	json_t *o;
	int rc;

	if (!url_is_slug(slug, strlen(slug)))
		return STORE_NOTFOUND;
	if ((rc = get(r->db, slug, &o)) != STORE_OK)
		return rc;
	own_json(r, o);
	*id = json_integer_value(json_object_get(o, "id"));
	return STORE_OK;
}

/* Appends "&key=value" (or "?" first) for a parameter that is set. */
static void
url_param(struct buf *u, const char *key, const char *val)
{
	if (val == NULL || val[0] == '\0')
		return;
	buf_putc(u, memchr(u->p, '?', u->len) ? '&' : '?');
	buf_puts(u, key);
	buf_putc(u, '=');
	esc_url(u, val, strlen(val));
}

/* The URL of another page of the same search. */
static json_t *
page_url(struct req *r, int64_t page)
{
	struct buf *u = own_buf(r, 0);
	char n[24];
	size_t i;

	BUF_LIT(u, "/search");
	for (i = 0; params[i] != NULL; i++)
		if (strcmp(params[i], "page") != 0)
			url_param(u, params[i], http_query(r, params[i]));
	if (page > 1) {
		snprintf(n, sizeof(n), "%lld", (long long)page);
		url_param(u, "page", n);
	}
	return json_stringn(u->p, u->len);
}

/* title_marked and snippet_marked become escaped HTML with <mark>. */
static void
mark_up(json_t *rows)
{
	static const char *const keys[][2] = {
		{ "title_marked", "title_html" },
		{ "snippet_marked", "snippet_html" },
	};
	struct buf b = BUF_INIT;
	json_t *row, *v;
	size_t i, k;

	json_array_foreach(rows, i, row) {
		for (k = 0; k < ARRAY_SIZE(keys); k++) {
			v = json_object_get(row, keys[k][0]);
			buf_reset(&b);
			if (json_is_string(v))
				search_highlight_html(json_string_value(v),
				    json_string_length(v), &b);
			json_object_set_new(row, keys[k][1],
			    json_stringn(b.len ? b.p : "", b.len));
			json_object_del(row, keys[k][0]);
		}
	}
	buf_free(&b);
}

/*
 * "total" (counted up to SEARCH_MAX_COUNT, "total_capped" beyond, or
 * when the store counted within its window only: partial), the
 * sentence the page shows, and for a page past the last ("past_last")
 * the last page and its link.
 */
static void
set_total(struct req *r, json_t *m, int64_t total, int partial,
    int64_t page, int empty)
{
	int capped = total > SEARCH_MAX_COUNT;
	int64_t last;
	char text[80];

	if (capped)
		total = SEARCH_MAX_COUNT;
	json_object_set_new(m, "total", json_integer(total));
	json_object_set_new(m, "total_capped",
	    json_boolean(capped || (partial && total > 0)));
	if (total == 0)
		return;
	if (capped)
		snprintf(text, sizeof(text), "More than %lld stories match.",
		    (long long)total);
	else if (partial)
		/* More may match than the window holds: a lower bound. */
		snprintf(text, sizeof(text), "At least %lld %s.",
		    (long long)total, total == 1 ? "story matches" :
		    "stories match");
	else
		snprintf(text, sizeof(text), "%lld %s.", (long long)total,
		    total == 1 ? "story matches" : "stories match");
	json_object_set_new(m, "total_text", json_string(text));
	if (!empty)
		return;
	last = (total + SEARCH_PAGE_SIZE - 1) / SEARCH_PAGE_SIZE;
	json_object_set_new(m, "past_last", json_true());
	json_object_set_new(m, "last_page", json_integer(last));
	json_object_set_new(m, "last_url", page_url(r, last));
	json_object_set_new(m, "asked_page", json_integer(page));
}

int
model_search(struct req *r, json_t **out, const char **msg)
{
	const char *q = http_query(r, "q"), *section = http_query(r, "section");
	const char *author = http_query(r, "author"), *type = http_query(r, "type");
	const char *from = http_query(r, "from"), *to = http_query(r, "to");
	const char *sort = http_query(r, "sort"), *pg = http_query(r, "page");
	struct search_params p;
	json_t *m, *echo, *rows = NULL;
	int64_t page = 1, total;
	size_t n;
	int rc;

	*out = NULL;
	*msg = NULL;
	memset(&p, 0, sizeof(p));
	p.now = page_now();
	p.to = INT64_MAX;
	if (type != NULL && type[0] == '\0')
		type = NULL;
	if (type != NULL && view_type_label(type) == NULL)
		return *msg = "There is no such type of story: choose one from the "
		    "list.", 400;
	p.type = type;
	if (sort != NULL && strcmp(sort, "date") != 0 &&
	    strcmp(sort, "relevance") != 0 && sort[0] != '\0')
		return *msg = "Results are sorted by relevance or by date.", 400;
	p.by_date = sort != NULL && strcmp(sort, "date") == 0;
	if (pg != NULL && parse_int(pg, strlen(pg), 1, SEARCH_MAX_PAGE,
	    &page) != 0)
		return *msg = "There are at most 50 pages of results: the page "
		    "is a number from 1 to 50.", 400;
	if (from != NULL && from[0] != '\0' && (p.from = parse_date(from)) < 0)
		return *msg = "The From date is not a date: pick one, or write "
		    "it as 2021-05-12.", 400;
	if (to != NULL && to[0] != '\0') {
		if ((p.to = parse_date(to)) < 0)
			return *msg = "The To date is not a date: pick one, or "
			    "write it as 2021-05-12.", 400;
		p.to += 86400;	/* to is inclusive: until the day ends */
	}
	if (p.to <= p.from)
		return *msg = "The From date is after the To date: swap them, or "
		    "clear one.", 400;
	if (section != NULL && section[0] != '\0' &&
	    (rc = slug_id(r, section, store_section_get, &p.section)) !=
	    STORE_OK)
		return rc == STORE_NOTFOUND ? (*msg = "There is no such section: "
		    "choose one from the list.", 400) :
		    status_store(rc);
	if (author != NULL && author[0] != '\0' &&
	    (rc = author_id(r, author, &p.author)) != STORE_OK)
		return rc == STORE_NOTFOUND ? (*msg = "No author of ours has that "
		    "name: pick one of the names the field suggests.", 400) :
		    status_store(rc);

	/* The text is shown back, cut on a character boundary. */
	n = q != NULL ? strlen(q) : 0;
	if (n > SEARCH_MAX_ECHO) {
		n = SEARCH_MAX_ECHO;
		while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80)
			n--;
	}
	echo = json_pack("{s:s%,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:I}",
	    "q", q != NULL ? q : "", n, "section", section, "author", author,
	    "type", type, "from", from, "to", to,
	    "sort", p.by_date ? "date" : "relevance", "page", (json_int_t)page);
	m = own_json(r, json_pack("{s:o}", "query", echo));
	/*
	 * Results change with any publish, edit or unpublish of a story, and
	 * every query is a page of its own: they share a bounded part of
	 * the cache.
	 */
	page_dep_list(r, LIST_LATEST, 0, NULL);
	cache_bounded();
	if (q == NULL || search_terms(q) == 0) {
		/* Nothing to search for: the empty state, or no results. */
		json_object_set_new(m, "has_query", json_boolean(n > 0));
		json_object_set_new(m, "results", json_array());
		json_object_set_new(m, "no_results", json_boolean(n > 0));
		json_object_set_new(m, "next_page", json_null());
		*out = json_incref(m);
		return 0;
	}
	p.q = q;
	p.limit = SEARCH_PAGE_SIZE + 1;
	p.offset = (int)(page - 1) * SEARCH_PAGE_SIZE;
	if ((rc = store_search(r->db, &p, &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	/* A page past the last says so, and which page is the last. */
	p.limit = SEARCH_MAX_COUNT + 1;
	p.offset = 0;
	if ((rc = store_search_count(r->db, &p, &total)) != STORE_OK)
		return status_store(rc);
	set_total(r, m, total, p.partial, page, json_array_size(rows) == 0);
	view_articles(rows);
	picture_first_of(rows);
	mark_up(rows);
	json_object_set_new(m, "has_query", json_true());
	json_object_set_new(m, "no_results",
	    json_boolean(json_array_size(rows) == 0 && total == 0));
	if (json_array_size(rows) > SEARCH_PAGE_SIZE && page < SEARCH_MAX_PAGE) {
		json_array_remove(rows, SEARCH_PAGE_SIZE);
		json_object_set_new(m, "next_page", json_integer(page + 1));
		json_object_set_new(m, "next_url", page_url(r, page + 1));
	} else {
		if (json_array_size(rows) > SEARCH_PAGE_SIZE)
			json_array_remove(rows, SEARCH_PAGE_SIZE);
		json_object_set_new(m, "next_page", json_null());
	}
	if (page > 1) {
		json_object_set_new(m, "prev_page", json_integer(page - 1));
		json_object_set_new(m, "prev_url", page_url(r, page - 1));
	}
	json_object_set_new(m, "results", json_incref(rows));
	*out = json_incref(m);
	return 0;
}

/* The choices of the filter form: sections and article types. */
static int
add_filters(struct req *r, json_t *m)
{
	json_t *sections, *types, *authors, *query = json_object_get(m, "query");
	const char *sel = json_string_value(json_object_get(query, "section"));
	const char *tsel = json_string_value(json_object_get(query, "type"));
	const char *sort;
	json_t *s;
	size_t i;
	int rc;

	if ((rc = store_sections_all(r->db, &sections)) != STORE_OK)
		return rc;
	cache_dep_str(tag_sections().s);
	json_array_foreach(sections, i, s)
		json_object_set_new(s, "selected", json_boolean(sel != NULL &&
		    strcmp(sel, json_string_value(json_object_get(s,
		    "slug"))) == 0));
	types = view_type_list();
	json_array_foreach(types, i, s)
		json_object_set_new(s, "selected", json_boolean(tsel != NULL &&
		    strcmp(tsel, json_string_value(json_object_get(s,
		    "type"))) == 0));
	json_object_set_new(m, "filter_sections", sections);
	json_object_set_new(m, "filter_types", types);
	/* The author field suggests names (an <input list>), not slugs. */
	if ((rc = store_authors_list(r->db, 0, SEARCH_AUTHORS, &authors)) !=
	    STORE_OK)
		return rc;
	cache_dep_str(tag_authors().s);
	json_object_set_new(m, "filter_authors", authors);
	sort = json_string_value(json_object_get(query, "sort"));
	json_object_set_new(m, "by_date", json_boolean(sort != NULL &&
	    strcmp(sort, "date") == 0));
	return STORE_OK;
}

/* The parameters as given, for the form of a search that failed. */
static json_t *
echo_query(struct req *r)
{
	json_t *q = json_object();
	const char *v;
	size_t i;

	for (i = 0; params[i] != NULL; i++) {
		if ((v = http_query(r, params[i])) == NULL ||
		    strcmp(params[i], "page") == 0)
			continue;
		if ((strcmp(params[i], "from") == 0 ||
		    strcmp(params[i], "to") == 0) && parse_date(v) < 0)
			continue;
		json_object_set_new(q, params[i], json_string(v));
	}
	if (json_object_get(q, "q") == NULL)
		json_object_set_new(q, "q", json_string(""));
	return q;
}

int
page_search(struct req *r)
{
	json_t *m, *title;
	const char *msg, *q;
	int status, rc;

	if ((status = model_search(r, &m, &msg)) != 0) {
		if (msg == NULL)
			return status;
		/*
		 * A bad filter: the form again, saying what was wrong and
		 * keeping all the reader gave.  A date field keeps only a
		 * date, which is all an <input type=date> may hold.
		 */
		m = json_pack("{s:s,s:o}", "error", msg, "query",
		    echo_query(r));
		json_object_set_new(m, "has_query", json_false());
	}
	own_json(r, m);
	if ((rc = add_filters(r, m)) != STORE_OK ||
	    (rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	q = json_string_value(json_object_get(json_object_get(m, "query"),
	    "q"));
	if (q != NULL && q[0] != '\0')
		title = json_sprintf("Search: %s", q);
	else
		title = json_string("Search");
	json_object_set_new(m, "page", json_pack("{s:o}", "title", title));
	return page_render(r, status != 0 ? status : 200, "search",
	    json_incref(m));
}
