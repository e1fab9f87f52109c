/*
 * page_admin_people.c — author profiles (the bylines) and sponsors (of
 * Partner Perspectives), for editors: the list with a form for each, and
 * a form to add one.  A slug is set once, as it is in URLs; the rest may
 * change, and every page showing it is rendered again on every instance.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "req.h"
#include "own.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

enum kind {
	K_AUTHOR,
	K_SPONSOR,
	K__MAX
};

#define NFIELDS	4

static const struct {
	const char	*path;		/* /admin/<path> */
	const char	*tpl;
	const char	*title;
	struct tag	 (*tag)(int64_t);	/* the cache tag of one */
	struct tag	 (*list_tag)(void);	/* of the lists of all, or NULL */
	struct {
		const char	*name;
		size_t		 max;
		int		 required;
		int		 url;	/* "" or http(s) */
	} f[NFIELDS];
} kinds[K__MAX] = {
	[K_AUTHOR] = { "authors", "admin/authors", "Authors", tag_author,
	    tag_authors, {
		{ "name", 200, 1, 0 }, { "role", 200, 0, 0 },
		{ "company", 200, 0, 0 }, { "bio", 5000, 0, 0 } } },
	[K_SPONSOR] = { "sponsors", "admin/sponsors", "Sponsors", tag_sponsor,
	    NULL, {
		{ "name", 200, 1, 0 }, { "url", 500, 0, 1 },
		{ NULL, 0, 0, 0 }, { NULL, 0, 0, 0 } } },
};

static int
list_page(struct req *r, enum kind k, int status, const char *error)
{
	json_t *rows, *m;
	int rc;

	rc = k == K_AUTHOR ? store_authors_list(r->db, 0, 5000, &rows) :
	    store_sponsors_all(r->db, &rows);
	if (rc != STORE_OK)
		return status_store(rc);
	m = json_pack("{s:o,s:{s:s}}", "rows", rows, "page", "title",
	    kinds[k].title);
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (http_query(r, "done") != NULL && error == NULL)
		json_object_set_new(m, "done", json_string("Saved; every page "
		    "that shows it now shows the change."));
	return admin_render(r, status, kinds[k].tpl, m);
}

static int
people(struct req *r, enum kind k)
{
	return list_page(r, k, 200, NULL);
}

/* Checks the form's fields; NULL, or a sentence for the editor. */
static const char *
check(enum kind k, struct url_query *q, const char **v)
{
	int i;

	for (i = 0; i < NFIELDS && kinds[k].f[i].name != NULL; i++) {
		const char *s = url_query_get(q, kinds[k].f[i].name);

		v[i] = s != NULL ? s : "";
		if (strlen(v[i]) > kinds[k].f[i].max)
			return "A field is too long.";
		if (kinds[k].f[i].required && v[i][0] == '\0')
			return "A name is required.";
		if (kinds[k].f[i].url && v[i][0] != '\0' &&
		    strncmp(v[i], "https://", 8) != 0 &&
		    strncmp(v[i], "http://", 7) != 0)
			return "The address must be an http or https URL.";
	}
	return NULL;
}

/* Adds (id 0) or changes one, and drops the pages that show it. */
static int
save(struct req *r, enum kind k, int64_t id)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *v[NFIELDS] = { "", "", "", "" }, *slug = NULL, *err;
	char url[64];
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if (id == 0) {
		slug = url_query_get(&q, "slug");
		if (slug == NULL || strlen(slug) > 100 ||
		    !url_is_slug(slug, strlen(slug))) {
			status = list_page(r, k, 422, "The slug must be lowercase "
			    "letters, digits and hyphens.");
			goto done;
		}
	}
	if ((err = check(k, &q, v)) != NULL) {
		status = list_page(r, k, 422, err);
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if (k == K_AUTHOR)
		rc = id == 0 ? store_author_add(r->db, slug, v[0], v[1], v[2],
		    v[3], &id) : store_author_update(r->db, id, v[0], v[1],
		    v[2], v[3]);
	else
		rc = id == 0 ? store_sponsor_add(r->db, slug, v[0], v[1], &id) :
		    store_sponsor_update(r->db, id, v[0], v[1]);
	tags_add(tags, kinds[k].tag(id));
	if (kinds[k].list_tag != NULL)
		tags_add(tags, kinds[k].list_tag());
	if (rc == STORE_OK && (bus_publish(r->db, tags->p) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		status = rc == STORE_CONFLICT ? list_page(r, k, 409, "That slug "
		    "is taken.") : status_store(rc);
		goto done;
	}
	bus_apply(tags->p);
	snprintf(url, sizeof(url), "/admin/%s?done=1", kinds[k].path);
	http_redirect(r, 303, url);
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_authors(struct req *r)
{
	return people(r, K_AUTHOR);
}

int
page_admin_author_add(struct req *r)
{
	return save(r, K_AUTHOR, 0);
}

int
page_admin_author_update(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : save(r, K_AUTHOR, id);
}

int
page_admin_sponsors(struct req *r)
{
	return people(r, K_SPONSOR);
}

int
page_admin_sponsor_add(struct req *r)
{
	return save(r, K_SPONSOR, 0);
}

int
page_admin_sponsor_update(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : save(r, K_SPONSOR, id);
}

/* Deletes an author or sponsor nothing refers to any more. */
static int
remove_one(struct req *r, enum kind k)
{
	static const char *const in_use[K__MAX] = {
		[K_AUTHOR] = "This author is still credited on stories, or "
		    "linked to an account. Change those bylines first.",
		[K_SPONSOR] = "This sponsor still sponsors stories, events or "
		    "webinars. Change those first.",
	};
	struct buf *tags = own_buf(r, 0);
	char back[32];
	int64_t id = admin_route_id(r);
	int status;

	tags_add(tags, kinds[k].tag(id));
	if (kinds[k].list_tag != NULL)
		tags_add(tags, kinds[k].list_tag());
	snprintf(back, sizeof(back), "/admin/%s", kinds[k].path);
	status = admin_delete(r, k == K_AUTHOR ? STORE_DEL_AUTHOR :
	    STORE_DEL_SPONSOR, id, tags->p, back, in_use[k]);
	return status;
}

int
page_admin_author_delete(struct req *r)
{
	return remove_one(r, K_AUTHOR);
}

int
page_admin_sponsor_delete(struct req *r)
{
	return remove_one(r, K_SPONSOR);
}
