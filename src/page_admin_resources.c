/*
 * page_admin_resources.c — white papers for editors: the list, an
 * editor for each (title, slug, summary, Markdown body, sponsor, cover
 * image, an external link or an uploaded PDF, published or not), the
 * PDF upload, and the leads each one brought with their CSV export.
 * A save drops, on every instance, the resource's page, the list and
 * the sitemap, and nothing else.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "api.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "csv.h"
#include "db.h"
#include "req.h"
#include "markdown.h"
#include "media.h"
#include "multipart.h"
#include "page.h"
#include "pool.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define TITLE_MAX	300
#define SLUG_MAX	100
#define SUMMARY_MAX	2000
#define BODY_MAX	200000
#define URL_MAX		1000

int
page_admin_resources(struct req *r)
{
	json_t *rows, *row;
	char b[64];
	size_t i;
	int rc;

	if ((rc = store_resources_admin(r->db, &rows)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, row) {
		json_t *p = json_object_get(row, "published_at");

		if (json_is_integer(p)) {
			admin_fmt_local(json_integer_value(p), b, sizeof(b));
			json_object_set_new(row, "published", json_string(b));
		}
	}
	return admin_render(r, 200, "admin/resources", json_pack(
	    "{s:o,s:{s:s}}", "rows", rows, "page", "title", "White papers"));
}

/* The editor around f (the form's fields, which it takes). */
static int
editor(struct req *r, int status, int64_t id, json_t *f, const char *error,
    const char *done)
{
	json_t *sponsors, *sp, *m;
	const char *chosen = json_string_value(json_object_get(f,
	    "sponsor_id"));
	char idbuf[24];
	size_t i;
	int rc;

	if ((rc = store_sponsors_all(r->db, &sponsors)) != STORE_OK) {
		json_decref(f);
		return status_store(rc);
	}
	json_array_foreach(sponsors, i, sp) {
		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)
		    json_integer_value(json_object_get(sp, "id")));
		json_object_set_new(sp, "selected", json_boolean(chosen !=
		    NULL && strcmp(chosen, idbuf) == 0));
	}
	m = json_pack("{s:o,s:o,s:b,s:I,s:I,s:{s:s}}", "f", f, "sponsors",
	    sponsors, "is_new", id == 0, "id", (json_int_t)id, "max_mb",
	    (json_int_t)(config.max_upload / (1024 * 1024)), "page", "title",
	    "White paper");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (done != NULL)
		json_object_set_new(m, "done", json_string(done));
	return admin_render(r, status, "admin/resource", m);
}

int
page_admin_resource_new(struct req *r)
{
	return editor(r, 200, 0, json_object(), NULL, NULL);
}

/* The form of a stored row: every field as the form sends it. */
static json_t *
form_of(json_t *row)
{
	json_t *f = json_object(), *v;
	const char *key;
	char b[32];

	json_object_foreach(row, key, v) {
		if (json_is_string(v))
			json_object_set(f, key, v);
		else if (json_is_integer(v)) {
			snprintf(b, sizeof(b), "%lld",
			    (long long)json_integer_value(v));
			json_object_set_new(f, key, json_string(b));
		}
	}
	json_object_set_new(f, "published", json_boolean(json_is_integer(
	    json_object_get(row, "published_at"))));
	return f;
}

int
page_admin_resource_edit(struct req *r)
{
	const char *done = http_query(r, "done");
	json_t *row;
	int64_t id;
	int status, rc;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	if ((rc = store_resource_by_id(r->db, id, &row)) != STORE_OK)
		return status_store(rc);
	status = editor(r, 200, id, form_of(row), NULL, done == NULL ? NULL :
	    strcmp(done, "file") == 0 ? "The PDF is stored; readers who leave "
	    "their details get it from now on." : "Saved; the page, the list "
	    "and the sitemap show the change now.");
	json_decref(row);
	return status;
}

static const char *
field(struct url_query *q, const char *name)
{
	const char *s = url_query_get(q, name);

	return s != NULL ? s : "";
}

static json_t *
form_echo(struct url_query *q)
{
	static const char *const keys[] = { "title", "slug", "summary",
	    "body_md", "sponsor_id", "cover", "link_url" };
	json_t *f = json_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		json_object_set_new(f, keys[i], json_string(field(q, keys[i])));
	json_object_set_new(f, "published", json_boolean(url_query_get(q,
	    "published") != NULL));
	return f;
}

/* The form into in (pointing into q and md); NULL or the editor's sentence. */
static const char *
check(struct req *r, struct url_query *q, struct buf *md,
    struct resource_input *in, char *slug, size_t slugsz)
{
	const char *title = field(q, "title"), *s, *p;
	json_t *img;
	int64_t sponsor;

	if (title[0] == '\0' || strlen(title) > TITLE_MAX)
		return "A white paper needs a title (at most 300 bytes).";
	s = field(q, "slug");
	if (s[0] == '\0')
		store_slugify(title, slug, slugsz);
	else if (strlen(s) > SLUG_MAX || !url_is_slug(s, strlen(s)))
		return "The slug must be lowercase letters, digits and "
		    "hyphens.";
	else
		strlcpy_(slug, s, slugsz);
	if (slug[0] == '\0')
		return "Give a slug of lowercase letters, digits and hyphens.";
	if (strlen(field(q, "summary")) > SUMMARY_MAX)
		return "The summary is too long (at most 2000 bytes).";
	if (strlen(field(q, "body_md")) > BODY_MAX)
		return "The body is too long.";
	for (p = field(q, "body_md"); *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			buf_putc(md, *p);
	if ((sponsor = admin_sponsor_of(r, field(q, "sponsor_id"))) < 0)
		return "Choose the sponsor from the list.";
	s = field(q, "cover");
	if (s[0] != '\0') {
		if (strlen(s) != 64 || store_image_get(r->db, s, &img) !=
		    STORE_OK)
			return "The cover is the 64-character name of an "
			    "uploaded image (see Images).";
		json_decref(img);
	}
	s = field(q, "link_url");
	if (strlen(s) > URL_MAX || (s[0] != '\0' &&
	    strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0))
		return "The external link must be an http or https URL.";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "The external link must be an http or https "
			    "URL.";
	memset(in, 0, sizeof(*in));
	in->slug = slug;
	in->title = title;
	in->summary = field(q, "summary");
	in->cover = field(q, "cover");
	in->link_url = s;
	in->sponsor_id = sponsor;
	return NULL;
}

/* Drops the pages of resource id on every instance, inside the transaction. */
static int
publish_tags(struct req *r, int64_t id, char *tags, size_t n)
{
	snprintf(tags, n, "%s %s", tag_resource(id).s, tag_resources().s);
	return bus_publish(r->db, tags) == DB_OK ? STORE_OK : STORE_BUSY;
}

static int
save(struct req *r, int64_t id)
{
	struct url_query q;
	struct buf html = BUF_INIT, md = BUF_INIT;
	struct resource_input in;
	json_t *old = NULL, *pub;
	const char *err;
	char slug[SLUG_MAX + 1], url[80], tags[2 * TAG_MAX];
	int64_t now = now_unix();
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if (id != 0 && (rc = store_resource_by_id(r->db, id, &old)) !=
	    STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	if ((err = check(r, &q, &md, &in, slug, sizeof(slug))) != NULL) {
		status = editor(r, 422, id, form_echo(&q), err, NULL);
		goto done;
	}
	if (markdown_render(MD_EDITOR, md.p != NULL ? md.p : "", md.len,
	    &html) != 0 || buf_err(&html) || buf_err(&md)) {
		status = editor(r, 422, id, form_echo(&q), "The body could not "
		    "be read as Markdown.", NULL);
		goto done;
	}
	in.body_md = md.p != NULL ? md.p : "";
	in.body_html = html.p != NULL ? html.p : "";
	in.now = now;
	/*
	 * Readers leave their details for the file or the link: a white
	 * paper with neither cannot go out.
	 */
	if (url_query_get(&q, "published") != NULL && in.link_url[0] ==
	    '\0' && (old == NULL || view_str(old, "file_hash")[0] == '\0')) {
		status = editor(r, 422, id, form_echo(&q), id == 0 ?
		    "A white paper is published with its PDF or an external "
		    "link: save it unpublished, upload the PDF, then publish "
		    "it." : "A white paper is published with its PDF or an "
		    "external link: upload the PDF below (or give the link), "
		    "then publish it.", NULL);
		goto done;
	}
	/* Publishing keeps the first time it went out. */
	pub = old != NULL ? json_object_get(old, "published_at") : NULL;
	if (url_query_get(&q, "published") != NULL)
		in.published_at = json_is_integer(pub) ?
		    json_integer_value(pub) : now;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	rc = store_resource_save(r->db, &id, &in);
	if (rc == STORE_OK)
		rc = publish_tags(r, id, tags, sizeof(tags));
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		if (rc == STORE_CONFLICT)
			status = editor(r, 409, id, form_echo(&q), "Another "
			    "white paper already has that slug: choose another "
			    "one.", NULL);
		else
			status = status_store(rc);
		goto done;
	}
	bus_apply(tags);
	snprintf(url, sizeof(url), "/admin/resources/%lld?done=1",
	    (long long)id);
	http_redirect(r, 303, url);
	status = 0;
done:
	json_decref(old);
	buf_free(&html);
	buf_free(&md);
	url_query_free(&q);
	return status;
}

int
page_admin_resource_add(struct req *r)
{
	return save(r, 0);
}

int
page_admin_resource_update(struct req *r)
{
	int64_t id = admin_route_id(r);

	return id == 0 ? 404 : save(r, id);
}

/* The editor of resource id again, with a sentence about the upload. */
static int
upload_refused(struct req *r, int64_t id, int status, const char *msg)
{
	json_t *row;
	char why[240];
	int rc;

	if ((rc = store_resource_by_id(r->db, id, &row)) != STORE_OK)
		return status_store(rc);
	snprintf(why, sizeof(why), "The PDF was not stored: %s.", msg);
	rc = editor(r, status, id, form_of(row), why, NULL);
	json_decref(row);
	return rc;
}

/*
 * A white paper's file handed to the work pool: hashing and writing
 * (with fsync) megabytes is no work for an event loop.  Freed by
 * resource_file_done.
 */
struct pdf_upload {
	int64_t	 id;
	char	*data;		/* a copy: the request may be gone first */
	size_t	 len;
	int	 status;
	char	 msg[200];
	char	 hash[65];
};

static void
pdf_free(struct pdf_upload *u)
{
	free(u->data);
	free(u);
}

/* On a pool thread: the file stored under its hash. */
static void
resource_file_work(struct db *db, void *arg)
{
	struct pdf_upload *u = arg;

	u->status = media_store_pdf(config.media_dir, u->data, u->len,
	    config.max_upload, u->hash, u->msg, sizeof(u->msg));
}

/* Back on the loop: the resource names its new file. */
static int
resource_file_done(struct req *r, void *arg)
{
	struct pdf_upload *u = arg;
	char url[80], tags[2 * TAG_MAX];
	int64_t id = u->id;
	int rc;

	if (r == NULL) {
		pdf_free(u);
		return 0;
	}
	if (u->status != 0) {
		rc = upload_refused(r, id, u->status, u->msg);
		pdf_free(u);
		return rc;
	}
	if (db_begin_write(r->db) != DB_OK) {
		pdf_free(u);
		return 503;
	}
	rc = store_resource_set_file(r->db, id, u->hash, (int64_t)u->len,
	    now_unix());
	pdf_free(u);
	if (rc == STORE_OK)
		rc = publish_tags(r, id, tags, sizeof(tags));
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		return status_store(rc);
	}
	bus_apply(tags);
	snprintf(url, sizeof(url), "/admin/resources/%lld?done=file",
	    (long long)id);
	http_redirect(r, 303, url);
	return 0;
}

int
page_admin_resource_file(struct req *r)
{
	struct mp_part parts[MULTIPART_MAX_PARTS];
	const struct mp_part *f;
	struct pdf_upload *u;
	char msg[200];
	int64_t id;
	int status, rc, nparts = 0;

	if ((id = admin_route_id(r)) == 0)
		return 404;
	rc = r->h->entity.base == NULL ? -1 : multipart_parse(http_req_header(r,
	    "content-type"), r->h->entity.base, r->h->entity.len, parts,
	    MULTIPART_MAX_PARTS, &nparts, msg, sizeof(msg));
	/* A field that is not text leaves the parts read, the token with them. */
	if (rc != 0 && rc != MULTIPART_BAD_TEXT)
		nparts = -1;
	if (nparts < 0)
		return upload_refused(r, id, 400, "the form could not be read");
	if (rc == MULTIPART_BAD_TEXT) {
		/* The sentence goes on after "The PDF was not stored: ". */
		msg[0] = (char)tolower((unsigned char)msg[0]);
		if (strlen(msg) > 0 && msg[strlen(msg) - 1] == '.')
			msg[strlen(msg) - 1] = '\0';
		return upload_refused(r, id, 422, msg);
	}
	if ((f = multipart_get(parts, nparts, "file")) == NULL || f->len == 0)
		return upload_refused(r, id, 400, "choose a PDF file to upload");
	u = xcalloc(1, sizeof(*u));
	u->id = id;
	u->data = xmalloc(f->len);
	memcpy(u->data, f->data, f->len);
	u->len = f->len;
	if ((status = pool_submit(r, resource_file_work, resource_file_done,
	    u)) == 0)
		return 0;
	pdf_free(u);
	return upload_refused(r, id, status, "the server is busy with other "
	    "uploads; try again in a moment");
}

/* The resource of the route and its leads; 0 or a status. */
static int
leads_of(struct req *r, json_t **res, json_t **leads)
{
	int64_t id;
	int rc;

	*res = *leads = NULL;
	if ((id = admin_route_id(r)) == 0)
		return 404;
	if ((rc = store_resource_by_id(r->db, id, res)) != STORE_OK)
		return status_store(rc);
	if ((rc = store_leads(r->db, id, leads)) != STORE_OK) {
		json_decref(*res);
		*res = NULL;
		return status_store(rc);
	}
	return 0;
}

int
page_admin_resource_leads(struct req *r)
{
	json_t *res, *leads, *l;
	char b[64];
	size_t i;
	int status;

	if ((status = leads_of(r, &res, &leads)) != 0)
		return ADMIN_RETURN(status);
	json_array_foreach(leads, i, l) {
		admin_fmt_local(json_integer_value(json_object_get(l,
		    "created_at")), b, sizeof(b));
		json_object_set_new(l, "when", json_string(b));
	}
	return admin_render(r, 200, "admin/resource_leads", json_pack(
	    "{s:o,s:o,s:{s:s}}", "resource", res, "leads", leads, "page",
	    "title", "Leads"));
}

int
page_admin_resource_leads_csv(struct req *r)
{
	static const char *const cols[] = { "name", "email", "company",
	    "job_title", "consent", "consent_ip" };
	struct buf b = BUF_INIT;
	json_t *res, *leads, *l;
	char name[200], when[32];
	size_t i, k;
	int status;

	if ((status = leads_of(r, &res, &leads)) != 0)
		return ADMIN_RETURN(status);
	BUF_LIT(&b, "name,email,company,job_title,consent,consent_ip,"
	    "created_at\r\n");
	json_array_foreach(leads, i, l) {
		for (k = 0; k < ARRAY_SIZE(cols); k++) {
			const char *v = json_string_value(json_object_get(l,
			    cols[k]));

			csv_put(&b, v != NULL ? v : "", 0);
		}
		view_fmt_iso(json_integer_value(json_object_get(l,
		    "created_at")), when, sizeof(when));
		csv_put(&b, when, 1);
	}
	snprintf(name, sizeof(name), "%s-leads", view_str(res, "slug"));
	json_decref(res);
	json_decref(leads);
	return http_send_csv(r, name, &b);
}
