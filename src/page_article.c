/*
 * page_article.c — the article page: breadcrumb, kicker, byline, hero
 * image with caption and credit, the body with the section's promo box
 * set into it, related stories, the comments (page_comment.c) and the
 * sidebar.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "own.h"
#include "page.h"
#include "picture.h"
#include "req.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "view.h"

#define RELATED_STORIES	5
#define RELATED_TAGS	6	/* the story's tags they are looked for by */

/*
 * Splits the body after the paragraph nearest its middle, so the promo
 * box sits inside the story as on the seed page.  Only paragraph ends at
 * the top level of the body count (md4c writes them as "</p>\n").
 */
static void
split_body(json_t *a)
{
	const char *body = json_string_value(json_object_get(a, "body_html"));
	const char *p, *cut = NULL;
	size_t n = 0, k = 0, len;

	if (body == NULL)
		return;
	for (p = body; (p = strstr(p, "</p>\n")) != NULL; p += 5)
		n++;
	if (n < 4)
		return;
	for (p = body; (p = strstr(p, "</p>\n")) != NULL; p += 5)
		if (++k == n / 2) {
			cut = p + 5;
			break;
		}
	len = (size_t)(cut - body);
	json_object_set_new(a, "body_before_html", json_stringn(body, len));
	json_object_set_new(a, "body_after_html", json_string(cut));
}

/* The row of an image a body shows, for picture_html(). */
static json_t *
body_image(void *arg, const char *hash)
{
	struct req *r = arg;
	json_t *row;

	return store_image_get(r->db, hash, &row) == STORE_OK ? row : NULL;
}

/*
 * The uploaded images of the body are drawn as the hero is, in their
 * widths and WebP; an image the store does not know stays as written.
 */
static void
draw_body_images(struct req *r, json_t *a)
{
	const char *body = json_string_value(json_object_get(a, "body_html"));
	struct buf *b;

	if (body == NULL || strstr(body, "<img") == NULL)
		return;
	b = own_buf(r, 0);
	if (picture_html(body, strlen(body), body_image, r, b) > 0)
		json_object_set_new(a, "body_html", json_stringn(b->p, b->len));
}

static int	model_with(struct req *, json_t *, json_t *, json_t *,
		    json_t **);

/*
 * The story of slug with its authors and tags, read together
 * (store_article_page), with site not NULL the site it belongs to, and
 * with c not NULL the comments c asks for (the caller owns what c
 * holds when this returns 0, and nothing else).
 */
static int
article_load(struct req *r, const char *slug, int64_t *site,
    struct comments_ask *c, json_t **out)
{
	json_t *a, *au, *tags;
	int rc, status;

	*out = NULL;
	if (!url_is_slug(slug, strlen(slug)))
		return 404;
	if ((rc = store_article_page(r->db, slug, page_now(), &a, &au, &tags,
	    site, c)) != STORE_OK)
		return status_store(rc);
	if ((status = model_with(r, a, au, tags, out)) != 0 && c != NULL) {
		json_decref(c->rows);
		json_decref(c->featured);
		c->rows = c->featured = NULL;
	}
	return status;
}

int
model_article(struct req *r, const char *slug, json_t **out)
{
	return article_load(r, slug, NULL, NULL, out);
}

/*
 * The tags related stories are looked for by: the story's max first by
 * id, ascending, read from its tags (rows with "id") rather than asked
 * of the store again.
 */
static int
related_tags(json_t *tags, int64_t *ids, int max)
{
	json_t *t;
	size_t i;
	int64_t v;
	int n = 0, k;

	json_array_foreach(tags, i, t) {
		v = json_integer_value(json_object_get(t, "id"));
		/* Kept sorted: v goes before the first larger one. */
		for (k = n; k > 0 && ids[k - 1] > v; k--)
			if (k < max)
				ids[k] = ids[k - 1];
		if (k < max) {
			ids[k] = v;
			if (n < max)
				n++;
		}
	}
	return n;
}

/*
 * The story's related stories, ready to show, kept as the fragment
 * "related:<ID>": the candidates share a tag or the section, so the
 * fragment has the lists of those as tags, the story's own (its title,
 * section and tags choose them) and each related story's, and it ends at
 * the next scheduled publication.  Returns the request's reference, or
 * NULL with *rc set.
 */
static json_t *
related(struct req *r, json_t *a, int64_t id, int64_t section,
    const int64_t *tag_ids, int ntags, int *rc)
{
	char name[48];
	json_t *v;
	int k;

	snprintf(name, sizeof(name), "related:%lld", (long long)id);
	if ((v = own_json(r, cache_memo_get(name))) != NULL)
		return v;
	cache_memo_begin();
	cache_dep_str(tag_article(id).s);
	if ((*rc = store_search_related(r->db, id, json_string_value(
	    json_object_get(a, "title")), section, tag_ids, ntags,
	    RELATED_STORIES, page_now(), &v)) != STORE_OK)
		return NULL;
	own_json(r, v);
	view_articles(v);
	page_dep_list(r, LIST_SECTION, section, NULL);
	for (k = 0; k < ntags; k++)
		cache_dep_str(tag_list_topic(tag_ids[k]).s);
	cache_memo_put(name, v);
	return v;
}

int
model_article_of(struct req *r, json_t *a, json_t **out)
{
	json_t *au, *tags;
	int rc;

	rc = store_article_authors_tags(r->db, json_integer_value(
	    json_object_get(a, "id")), &au, &tags);
	if (rc != STORE_OK) {
		json_decref(a);
		return status_store(rc);
	}
	return model_with(r, a, au, tags, out);
}

/* model_article_of with the story's authors and tags read already. */
static int
model_with(struct req *r, json_t *a, json_t *au, json_t *v, json_t **out)
{
	json_t *promo;
	int64_t id, section, tag_ids[RELATED_TAGS];
	int rc, ntags = 0;

	/* a is the request's from here, and au and v go into it. */
	own_json(r, a);
	id = json_integer_value(json_object_get(a, "id"));
	section = json_integer_value(json_object_get(a, "section_id"));
	view_article_full(a);
	picture_first(json_object_get(a, "image"));
	view_authors(au);
	json_object_set_new(a, "authors", au);
	view_tags(v);
	json_object_set_new(a, "tags", v);
	ntags = related_tags(v, tag_ids, RELATED_TAGS);
	if ((rc = page_section_frame(r, section, &v, &promo)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(a, "section_path", v);
	if (promo != NULL)
		json_object_set_new(a, "promo", promo);
	draw_body_images(r, a);
	split_body(a);
	/* The player of a podcast or video story. */
	if (json_string_length(json_object_get(a, "media_url")) > 0) {
		const char *mt = json_string_value(json_object_get(a,
		    "media_type"));

		json_object_set_new(a, mt != NULL && strncmp(mt, "video/", 6) ==
		    0 ? "has_video" : "has_audio", json_true());
	}
	page_episode(a);
	/*
	 * Related stories come from the search index: candidates sharing a
	 * tag or the section, so the lists of those are what the page
	 * depends on.
	 */
	if ((v = related(r, a, id, section, tag_ids, ntags, &rc)) == NULL)
		return status_store(rc);
	*out = json_pack("{s:O,s:O}", "article", a, "related", v);
	return 0;
}

/*
 * A story published under another slug before keeps its old address:
 * 301 to where it is now.  Redirects are not kept in the page cache.
 */
static int
moved(struct req *r)
{
	char slug[256], url[300];
	int rc;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	rc = store_slug_moved(r->db, r->arg[0], page_now(), slug, sizeof(slug));
	if (rc != STORE_OK)
		return status_store(rc);
	snprintf(url, sizeof(url), "/article/%s", slug);
	http_redirect(r, 301, url);
	return 0;
}

/*
 * A story changed after it went live says so beside its date.  Publishing
 * writes the publication and change times a moment apart, so a change
 * counts from a minute after the publication.
 */
#define UPDATED_AFTER	60

void
page_article_updated(json_t *m)
{
	json_t *a = json_object_get(m, "article");

	if (json_is_integer(json_object_get(a, "published_at")) &&
	    json_integer_value(json_object_get(a, "updated_at")) >=
	    json_integer_value(json_object_get(a, "published_at")) +
	    UPDATED_AFTER)
		json_object_set_new(a, "was_updated", json_true());
}

int
page_article(struct req *r)
{
	struct comments_ask ca;
	json_t *m, *a, *c;
	int64_t site = 0;
	int status, bad, rc, sites = sites_count() > 1;

	/*
	 * The site the story belongs to comes with it, for its canonical
	 * address (page_meta.c), when there are sites to choose from, and
	 * so do the comments the request asks for: on PostgreSQL, one round
	 * trip.  A request for no view or cursor still finds a moved story.
	 */
	bad = page_comments_ask(r, &ca);
	if ((status = article_load(r, r->arg[0], sites ? &site : NULL,
	    bad ? NULL : &ca, &m)) == 404)
		return moved(r);
	if (status != 0)
		return status;
	own_json(r, m);
	if (sites)
		json_object_set_new(m, "home_site", json_integer(site));
	if (bad)
		return bad;
	if ((status = page_comments_model(r, json_object_get(m, "article"),
	    &ca, &c)) != 0)
		return status;
	json_object_set_new(m, "comments", c);
	if ((rc = page_add_sidebar(r, m)) != STORE_OK ||
	    (rc = page_add_most_read(r, m, "most_read_side")) != STORE_OK)
		return status_store(rc);
	page_article_updated(m);
	a = json_object_get(m, "article");
	json_object_set_new(m, "page", json_pack("{s:O,s:O}", "title",
	    json_object_get(a, "title"), "description",
	    json_object_get(a, "dek")));
	return page_render(r, 200, "article", json_incref(m));
}
