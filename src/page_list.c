/*
 * page_list.c — the keyset-paginated story lists: section (and
 * sub-section and region), author, tag and article type.
 */
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "config.h"
#include "own.h"
#include "page.h"
#include "picture.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

/*
 * The page number a list's links carry (?page=N, kept for the title
 * only): 1 on the first page, N >= 2 with a cursor, 0 when a cursor came
 * without one.  -1 when it is malformed or names a later page without a
 * cursor.
 */
static int
page_number(struct req *r, const struct cursor *cur)
{
	const char *s = http_query(r, "page");
	int64_t n;

	if (s == NULL)
		return cur->t == INT64_MAX ? 1 : 0;
	if (parse_int(s, strlen(s), 1, 1000000, &n) != 0)
		return -1;
	if ((n == 1) != (cur->t == INT64_MAX))
		return -1;
	return (int)n;
}

/* "base?before=T.ID&page=N" (no page when n is 0), or base for t = 0. */
static json_t *
list_url(const char *base, const struct cursor *c, int n)
{
	char cs[48], url[600];

	if (c->t == 0)
		return json_string(base);
	store_cursor_format(c, cs, sizeof(cs));
	if (n > 0)
		snprintf(url, sizeof(url), "%s?before=%s&page=%d", base, cs, n);
	else
		snprintf(url, sizeof(url), "%s?before=%s", base, cs);
	return json_string(url);
}

/*
 * The first page of a list, read as page_articles() reads it, kept as a
 * fragment with the tags of its list and stories: a section, author or
 * tag page renders it again only when its list or one of its stories
 * changed.  Later pages (a cursor of the reader's) are read each time.
 * *out is a new array of the fragment's stories, shared, not copied: a
 * story the page changes is copied first (view_card_copy()).
 */
static int
first_page(struct req *r, enum list_by by, int64_t key, const char *type,
    json_t **out, struct cursor *next)
{
	struct cursor first = CURSOR_FIRST;
	json_t *f, *list;
	char name[96];
	int rc;

	*out = NULL;
	/* A list is one site's (store_scope, docs/sites.md). */
	snprintf(name, sizeof(name), "list:%d.%lld.%s.%lld.%lld", (int)by,
	    (long long)key, type != NULL ? type : "",
	    (long long)config.page_size, (long long)store_scope());
	if ((f = own_json(r, cache_memo_get(name))) == NULL) {
		cache_memo_begin();
		if ((rc = page_articles(r, by, key, type, &first,
		    (int)config.page_size, &list, next)) != STORE_OK)
			return rc;
		f = own_json(r, json_pack("{s:o,s:I,s:I}", "articles", list,
		    "next_t", (json_int_t)next->t, "next_id",
		    (json_int_t)next->id));
		cache_memo_put(name, f);
	}
	next->t = json_integer_value(json_object_get(f, "next_t"));
	next->id = json_integer_value(json_object_get(f, "next_id"));
	*out = json_copy(json_object_get(f, "articles"));
	return STORE_OK;
}

/* The largest page_size (config.c): a later page's keys and cards. */
#define PAGE_SIZE_MAX	100

/* The name of story id's card, a fragment (docs/cache.md). */
static const char *
card_name(char *name, size_t n, int64_t id)
{
	snprintf(name, n, "card:%lld", (long long)id);
	return name;
}

/*
 * A later page of a list (a cursor of the reader's, so not a fragment):
 * its stories' keys are read, and each story is taken from its card, the
 * model view_article() made of its row, kept as a fragment with the
 * story's own tags (those a list fragment declares for it: its row, first
 * author, section, sponsor and comment count) and the site's.  Only when a card is
 * missing is the page's rows read, as page_articles() reads them, and
 * each missing card made from its row and kept.  *out is a new array of
 * shared cards, as first_page() gives.
 */
static int
later_page(struct req *r, enum list_by by, int64_t key, const char *type,
    const struct cursor *cur, json_t **out, struct cursor *next)
{
	struct cursor keys[PAGE_SIZE_MAX];
	json_t *cards[PAGE_SIZE_MAX], *rows, *row, *c;
	int64_t now = page_now(), id;
	int rc, n, i, miss = 0;
	char name[48];
	size_t j;

	*out = NULL;
	if ((rc = store_article_keys(r->db, by, key, type, cur,
	    (int)config.page_size, now, keys, &n, next)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((cards[i] = cache_memo_get(card_name(name, sizeof(name),
		    keys[i].id))) == NULL)
			miss++;
	if (miss == 0) {
		*out = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(*out, cards[i]);
		page_dep_list(r, by, key, type);
		return STORE_OK;
	}
	/* After this point, the cards not given to *out are dropped at done. */
	if ((rc = store_article_list(r->db, by, key, type, cur,
	    (int)config.page_size, now, &rows, next)) != STORE_OK)
		goto done;
	own_json(r, rows);
	*out = json_array();
	json_array_foreach(rows, j, row) {
		id = json_integer_value(json_object_get(row, "id"));
		c = NULL;
		/* The rows are the truth: a key read before them may differ. */
		if (j < (size_t)n && keys[j].id == id) {
			c = cards[j];
			cards[j] = NULL;
		}
		if (c == NULL) {
			/*
			 * A card counts invalidations from the page's start,
			 * as every fragment does, so it is not kept when a
			 * write lands after the rows were read.
			 */
			cache_memo_begin();
			view_article(row);
			/* An image's text, changed in the media library, says "site". */
			cache_dep_str(tag_site().s);
			cache_memo_put(card_name(name, sizeof(name), id), row);
			c = json_incref(row);
		}
		json_array_append_new(*out, c);
	}
	page_dep_list(r, by, key, type);
done:
	for (i = 0; i < n; i++)
		json_decref(cards[i]);
	return rc;
}

/* The first story of list with an image: the page's own copy of it. */
static json_t *
first_image_of(json_t *list)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (json_object_get(v, "image") != NULL) {
			json_array_set_new(list, i, view_card_copy(v));
			return json_object_get(json_array_get(list, i),
			    "image");
		}
	return NULL;
}

/*
 * Reads one page of a list into m under "articles", with links both
 * ways: "next_url" (older) and "prev_url" (newer), each with its page
 * number when this page knows its own.  A page past the last is 404.
 * The first image of the list is the page's first but on an author's
 * page, where the author's photo comes before it.
 */
static int
add_list(struct req *r, json_t *m, enum list_by by, int64_t key,
    const char *type, const char *base)
{
	struct cursor cur, next, first, prev;
	json_t *list, *p, *row;
	int rc, n;

	if (page_cursor(r, &cur) != 0)
		return 400;
	if ((n = page_number(r, &cur)) < 0)
		return 404;
	if (cur.t == INT64_MAX)
		rc = first_page(r, by, key, type, &list, &next);
	else
		rc = later_page(r, by, key, type, &cur, &list, &next);
	if (rc != STORE_OK)
		return status_store(rc);
	if (picture_first(json_object_get(json_object_get(m, "author"),
	    "photo")) != 0)
		picture_first(first_image_of(list));
	json_object_set_new(m, "articles", list);
	if (cur.t != INT64_MAX && json_array_size(list) == 0)
		return 404;
	page_add_pagination(m, base, &cur, &next);
	p = json_object_get(m, "pagination");
	if (next.t != 0)
		json_object_set_new(p, "next_url", list_url(base, &next,
		    n > 0 ? n + 1 : 0));
	if (cur.t != INT64_MAX) {
		row = json_array_get(list, 0);
		first.t = json_integer_value(json_object_get(row,
		    "published_at"));
		first.id = json_integer_value(json_object_get(row, "id"));
		rc = store_article_newer(r->db, by, key, type, &first,
		    (int)config.page_size, page_now(), &prev);
		if (rc == STORE_OK)
			json_object_set_new(p, "prev_url", list_url(base, &prev,
			    n > 2 ? n - 1 : 0));
		else if (rc != STORE_NOTFOUND)
			return status_store(rc);
	}
	if (n > 1)
		json_object_set_new(p, "number", json_integer(n));
	return 0;
}

static int64_t
id_of(json_t *o)
{
	return json_integer_value(json_object_get(o, "id"));
}

/*
 * A section's sub-sections, kept as a fragment ("children:<ID>") with the
 * tree's tag and each one's: the tree changes seldom, and a section page
 * then reads none of it.  *out is the fragment's, shared: the caller's
 * reference, not to be changed.
 */
static int
section_children(struct req *r, int64_t id, json_t **out)
{
	char name[48];
	json_t *v;
	int rc;

	*out = NULL;
	snprintf(name, sizeof(name), "children:%lld", (long long)id);
	if ((v = cache_memo_get(name)) == NULL) {
		cache_memo_begin();
		if ((rc = store_section_children(r->db, id, &v)) != STORE_OK)
			return rc;
		view_sections(v);
		cache_dep_str(tag_sections().s);
		cache_memo_put(name, v);
	}
	*out = v;
	return STORE_OK;
}

int
model_section(struct req *r, const char *slug, json_t **out)
{
	json_t *s = NULL, *m = NULL, *v, *promo;
	char base[300];
	int rc, status;

	*out = NULL;
	if (!url_is_slug(slug, strlen(slug)))
		return 404;
	if ((rc = store_section_get(r->db, slug, &s)) != STORE_OK)
		return status_store(rc);
	view_section(s);
	m = own_json(r, json_pack("{s:o}", "section", s));
	if ((rc = page_section_frame(r, id_of(s), &v, &promo)) != STORE_OK)
		return status_store(rc);
	own_json(r, promo);
	json_object_set_new(m, "section_path", v);
	if ((rc = section_children(r, id_of(s), &v)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(m, "children", v);
	snprintf(base, sizeof(base), "/section/%s", slug);
	if ((status = add_list(r, m, LIST_SECTION, id_of(s), NULL, base)) != 0)
		return status;
	*out = json_incref(m);
	return 0;
}

int
model_author(struct req *r, const char *slug, json_t **out)
{
	json_t *a, *m;
	char base[300];
	int rc, status;

	*out = NULL;
	if (!url_is_slug(slug, strlen(slug)))
		return 404;
	if ((rc = store_author_get(r->db, slug, &a)) != STORE_OK)
		return status_store(rc);
	view_author(a);
	m = own_json(r, json_pack("{s:o}", "author", a));
	snprintf(base, sizeof(base), "/author/%s", slug);
	if ((status = add_list(r, m, LIST_AUTHOR, id_of(a), NULL, base)) != 0)
		return status;
	*out = json_incref(m);
	return 0;
}

/* Adds the sidebar and a title to m (the request's), then renders. */
static int
finish(struct req *r, json_t *m, const char *tpl, json_t *title)
{
	json_t *p = json_object_get(m, "pagination"), *n;
	char t[300];
	int rc;

	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	/* A section's page shows what readers read most (page_most_read.c). */
	if (strcmp(tpl, "section") == 0 &&
	    (rc = page_add_most_read(r, m, "most_read_side")) != STORE_OK)
		return status_store(rc);
	n = json_object_get(p, "number");
	if (n != NULL) {
		/* A later page says which in its title ("5G, page 3"). */
		snprintf(t, sizeof(t), "%s, page %lld", json_string_value(
		    title) != NULL ? json_string_value(title) : "",
		    (long long)json_integer_value(n));
		title = own_json(r, json_string(t));
	}
	json_object_set_new(m, "page", json_pack("{s:O,s:O,s:O}", "title",
	    title, "prev_url", json_object_get(p, "prev_url") != NULL ?
	    json_object_get(p, "prev_url") : json_null(), "next_url",
	    json_object_get(p, "next_url") != NULL ?
	    json_object_get(p, "next_url") : json_null()));
	return page_render(r, 200, tpl, json_incref(m));
}

int
page_section(struct req *r)
{
	json_t *m;
	int status;

	if ((status = model_section(r, r->arg[0], &m)) != 0)
		return status;
	own_json(r, m);
	return finish(r, m, "section", json_object_get(json_object_get(m,
	    "section"), "name"));
}

int
page_author(struct req *r)
{
	json_t *m;
	int status;

	if ((status = model_author(r, r->arg[0], &m)) != 0)
		return status;
	own_json(r, m);
	return finish(r, m, "author", json_object_get(json_object_get(m,
	    "author"), "name"));
}

int
page_tag(struct req *r)
{
	json_t *t, *m;
	char base[300];
	int rc, status;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	if ((rc = store_tag_get(r->db, r->arg[0], &t)) != STORE_OK)
		return status_store(rc);
	view_tag(t);
	m = own_json(r, json_pack("{s:o}", "tag", t));
	snprintf(base, sizeof(base), "/tag/%s", r->arg[0]);
	if ((status = add_list(r, m, LIST_TAG, id_of(t), NULL, base)) != 0)
		return status;
	return finish(r, m, "tag", json_object_get(t, "name"));
}

int
page_type(struct req *r)
{
	const char *label = view_type_label(r->arg[0]);
	json_t *m, *title;
	char base[300], plural[96];
	int status;

	if (label == NULL)
		return 404;
	snprintf(plural, sizeof(plural), "%s%s", label,
	    label[strlen(label) - 1] == 's' ? "" : "s");
	m = own_json(r, json_pack("{s:s,s:s,s:b}", "type", r->arg[0],
	    "type_label", plural, "sponsored", strcmp(r->arg[0],
	    "partner-perspective") == 0));
	snprintf(base, sizeof(base), "/type/%s", r->arg[0]);
	if ((status = add_list(r, m, LIST_TYPE, 0, r->arg[0], base)) != 0)
		return status;
	title = own_json(r, json_string(plural));
	return finish(r, m, "type", title);
}

int
page_list_add(struct req *r, json_t *m, enum list_by by, int64_t key,
    const char *base)
{
	return add_list(r, m, by, key, NULL, base);
}
