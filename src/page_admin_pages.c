/*
 * page_admin_pages.c — static pages (About Us, Advertise With Us), for
 * editors: the list, and an editor of title and Markdown body.  A page
 * lives at /<slug>, so its slug is set once and may not be one of the
 * site's own top-level paths.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "req.h"
#include "markdown.h"
#include "own.h"
#include "page.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

#define TITLE_MAX	300
#define BODY_MAX	200000

/* Top-level paths the route table answers before static pages. */
static const char *const reserved[] = { "admin", "api", "article", "assets",
    "author", "events", "media", "section", "signin", "signout", "tag",
    "type", "webinars", "register", "newsletter", "search", "feed",
    "sections" };

int
page_admin_pages(struct req *r)
{
	json_t *rows;
	int rc;

	if ((rc = store_pages_all(r->db, &rows)) != STORE_OK)
		return status_store(rc);
	return admin_render(r, 200, "admin/pages", json_pack("{s:o,s:b,s:{s:s}}",
	    "rows", rows, "done", http_query(r, "done") != NULL, "page",
	    "title", "Pages"));
}

/* The page editor around pg (which it takes); id 0 is a new page. */
static int
page_editor(struct req *r, int status, int64_t id, json_t *pg,
    const char *error)
{
	json_t *m = json_pack("{s:o,s:b,s:I,s:{s:s}}", "static", pg, "is_new",
	    id == 0, "id", (json_int_t)id, "page", "title", "Page");

	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	return admin_render(r, status, "admin/page", m);
}

int
page_admin_page_new(struct req *r)
{
	return page_editor(r, 200, 0, json_object(), NULL);
}

int
page_admin_page_edit(struct req *r)
{
	json_t *pg;
	int64_t id;
	int rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	if ((rc = store_page_by_id(r->db, id, &pg)) != STORE_OK)
		return status_store(rc);
	return page_editor(r, 200, id, pg, NULL);
}

/*
 * A new page SITE-SLUG is sister site SITE's own version of /SLUG
 * (docs/sites.md): that site's pages go, which showed the instance's.
 */
static void
sister_version(const char *slug, struct buf *tags)
{
	struct site s;
	size_t i, n;

	for (i = 0; sites_at(i, &s) == 0; i++) {
		n = strlen(s.slug);
		if (s.id != SITES_DEFAULT && strncmp(slug, s.slug, n) == 0 &&
		    slug[n] == '-')
			tags_add(tags, tag_site_row(s.id));
	}
}

static int
save(struct req *r, int64_t id)
{
	struct url_query q;
	struct buf *html = own_buf(r, 0), *md = own_buf(r, 0),
	    *tags = own_buf(r, 0);
	const char *slug = NULL, *title, *body, *p, *err = NULL;
	char url[64];
	size_t i;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	title = url_query_get(&q, "title");
	body = url_query_get(&q, "body_md");
	if (id == 0) {
		slug = url_query_get(&q, "slug");
		if (slug == NULL || strlen(slug) > 100 ||
		    !url_is_slug(slug, strlen(slug)))
			err = "The slug must be lowercase letters, digits and "
			    "hyphens.";
		for (i = 0; err == NULL && i < ARRAY_SIZE(reserved); i++)
			if (strcmp(slug, reserved[i]) == 0)
				err = "That address belongs to the site itself: "
				    "choose another slug.";
	}
	if (err == NULL && (title == NULL || title[0] == '\0' ||
	    strlen(title) > TITLE_MAX))
		err = "A page needs a title (at most 300 bytes).";
	if (err == NULL && body != NULL && strlen(body) > BODY_MAX)
		err = "The body is too long.";
	if (err != NULL) {
		status = page_editor(r, 422, id, json_pack("{s:s,s:s,s:s}",
		    "slug", slug != NULL ? slug : "", "title", title != NULL ?
		    title : "", "body_md", body != NULL ? body : ""), err);
		goto done;
	}
	/* Textareas send CRLF; the page keeps LF. */
	for (p = body != NULL ? body : ""; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			buf_putc(md, *p);
	if (markdown_render(MD_EDITOR, md->p != NULL ? md->p : "", md->len,
	    html) != 0 || buf_err(html)) {
		status = 422;
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	rc = store_page_save(r->db, &id, slug, title, md->p != NULL ? md->p :
	    "", html->p != NULL ? html->p : "");
	tags_add(tags, tag_page(id));
	if (slug != NULL)
		sister_version(slug, tags);
	if (rc == STORE_OK && (bus_publish(r->db, tags->p) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		status = rc == STORE_CONFLICT ? page_editor(r, 409, 0,
		    json_pack("{s:s,s:s,s:s}", "slug", slug, "title", title,
		    "body_md", md->p != NULL ? md->p : ""),
		    "A page already has that slug.") : status_store(rc);
		goto done;
	}
	bus_apply(tags->p);
	snprintf(url, sizeof(url), "/admin/pages?done=%lld", (long long)id);
	http_redirect(r, 303, url);
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_page_add(struct req *r)
{
	return save(r, 0);
}

int
page_admin_page_update(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : save(r, id);
}

int
page_admin_page_delete(struct req *r)
{
	int64_t id = admin_route_id(r);

	return admin_delete(r, STORE_DEL_PAGE, id, tag_page(id).s,
	    "/admin/pages", "");
}
