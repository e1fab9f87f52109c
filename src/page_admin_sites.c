/*
 * page_admin_sites.c — the sites one instance serves, for admins
 * (docs/sites.md): their list, a form to add one and one to change
 * each, and the sites a staff user is limited to.  A site's host and
 * slug pick it for a request; its base URL makes its absolute links.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

static int
sites_page(struct req *r, int status, const char *error)
{
	struct site *v = h2o_mem_alloc_pool(&r->h->pool, sizeof(*v) *
	    SITES_MAX);
	json_t *m, *rows;
	size_t i, n;
	int rc;

	if ((rc = store_sites(r->db, v, SITES_MAX, &n)) != STORE_OK)
		return status_store(rc);
	rows = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(rows, json_pack("{s:I,s:s,s:s,s:s,s:s,"
		    "s:s,s:s,s:s,s:b}", "id", (json_int_t)v[i].id, "slug",
		    v[i].slug, "host", v[i].host, "name", v[i].name, "tagline",
		    v[i].tagline, "base_url", v[i].base_url, "logo", v[i].logo,
		    "accent", v[i].accent, "own", v[i].id == SITES_DEFAULT));
	m = json_pack("{s:o,s:{s:s}}", "rows", rows, "page", "title", "Sites");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (http_query(r, "done") != NULL)
		json_object_set_new(m, "done", json_string("Saved."));
	return admin_render(r, status, "admin/sites", m);
}

int
page_admin_sites(struct req *r)
{
	return sites_page(r, 200, NULL);
}

/* Copies form field k into out; 0, or -1 when it is too long. */
static int
field(struct url_query *q, const char *k, char *out, size_t n)
{
	const char *v = url_query_get(q, k);

	if (v == NULL)
		v = "";
	if (strlen(v) >= n)
		return -1;
	strlcpy_(out, v, n);
	return 0;
}

/*
 * Reads and checks a site's form into s: NULL, or the message of the
 * first field refused (the 422 names it).
 */
static const char *
site_form(struct url_query *q, struct site *s)
{
	if (field(q, "slug", s->slug, sizeof(s->slug)) != 0 ||
	    !sites_slug_ok(s->slug))
		return "slug: lower-case letters, digits and -, starting with "
		    "a letter (at most 63).";
	if (field(q, "host", s->host, sizeof(s->host)) != 0 ||
	    !sites_host_ok(s->host))
		return "host: a host name in lower case, without a port "
		    "(\"lightreading.example\"), or empty.";
	if (field(q, "name", s->name, sizeof(s->name)) != 0 ||
	    s->name[0] == '\0')
		return "name: the site's name (at most 127 characters).";
	if (field(q, "tagline", s->tagline, sizeof(s->tagline)) != 0)
		return "tagline: at most 255 characters.";
	if (field(q, "base_url", s->base_url, sizeof(s->base_url)) != 0 ||
	    (s->base_url[0] != '\0' && !config_url_ok(s->base_url)) ||
	    (s->base_url[0] == '\0' && s->host[0] == '\0' &&
	    s->id != SITES_DEFAULT))
		return "base_url: the site's absolute address, http:// or "
		    "https:// and its host, without a query (or empty with "
		    "a host: http://HOST and the server's port).";
	if (field(q, "logo", s->logo, sizeof(s->logo)) != 0 ||
	    (s->logo[0] != '\0' && s->logo[0] != '/' &&
	    !config_url_ok(s->logo)) || strpbrk(s->logo, "\"'<> ") != NULL)
		return "logo: a path on the site (/media/...) or an http(s) "
		    "URL, or empty.";
	if (field(q, "accent", s->accent, sizeof(s->accent)) != 0 ||
	    !sites_accent_ok(s->accent))
		return "accent: a colour as #rrggbb, or empty.";
	/* A trailing slash would double in every link. */
	if (s->base_url[0] != '\0' &&
	    s->base_url[strlen(s->base_url) - 1] == '/')
		s->base_url[strlen(s->base_url) - 1] = '\0';
	return NULL;
}

/*
 * Stores s, then every instance reads the sites again and drops the
 * pages of s (tag_site_row); a new site drops every page, since the
 * instance's own lists may have been read without a site until then.
 */
static int
site_save(struct req *r, struct site *s)
{
	struct buf *tags = own_buf(r, 256);
	int rc, added = s->id == 0;

	if (db_begin_write(r->db) != DB_OK)
		return 503;
	if ((rc = store_site_put(r->db, s)) == STORE_OK) {
		if (added)
			buf_puts(tags, "*");
		else
			tags_add(tags, tag_site_row(s->id));
		tags_add(tags, tag_sites());
	}
	if (rc != STORE_OK || buf_err(tags) ||
	    bus_publish(r->db, tags->p) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT)
			return sites_page(r, 409, "Another site has that slug "
			    "or host.");
		return status_write(rc);
	}
	store_sites_load(r->db);
	bus_apply(tags->p);
	http_redirect(r, 303, "/admin/sites?done=1");
	return 0;
}

/* Adds a site (id 0) or changes site id from the request's form. */
static int
site_post(struct req *r, int64_t id)
{
	struct url_query q;
	struct site s;
	const char *why;
	int status;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	memset(&s, 0, sizeof(s));
	s.id = id;
	if ((why = site_form(&q, &s)) != NULL)
		status = sites_page(r, 422, why);
	else
		status = site_save(r, &s);
	url_query_free(&q);
	return status;
}

int
page_admin_site_add(struct req *r)
{
	return site_post(r, 0);
}

int
page_admin_site_update(struct req *r)
{
	struct site s;
	int64_t id;

	if (parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX, &id) != 0 ||
	    sites_by_id(id, &s) != 0)
		return 404;
	return site_post(r, id);
}

/*
 * The sites a staff user may write to: "sites" lists their slugs, one
 * space apart; empty lifts the limit.
 */
int
page_admin_site_limits(struct req *r)
{
	struct url_query q;
	struct user u;
	struct site s;
	int64_t ids[SITES_MAX];
	char hash[256];
	const char *email, *list, *p;
	size_t n = 0, len;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	email = url_query_get(&q, "email");
	list = url_query_get(&q, "sites");
	if (email == NULL || store_user_by_email(r->db, email, &u, hash,
	    sizeof(hash)) != STORE_OK) {
		status = sites_page(r, 422, "email: no account has it.");
		goto done;
	}
	for (p = list != NULL ? list : ""; *p != '\0'; p += len) {
		p += strspn(p, " ,");
		if ((len = strcspn(p, " ,")) == 0)
			break;
		if (sites_by_slug(p, len, &s) != 0 || n == SITES_MAX) {
			status = sites_page(r, 422, "sites: the slugs of "
			    "sites, one space apart.");
			goto done;
		}
		ids[n++] = s.id;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if ((rc = store_user_sites_set(r->db, u.id, ids, n)) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = status_write(rc);
		goto done;
	}
	http_redirect(r, 303, "/admin/sites?done=1");
	status = 0;
done:
	url_query_free(&q);
	return status;
}
