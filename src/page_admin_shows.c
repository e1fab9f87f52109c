/*
 * page_admin_shows.c — the newsroom's podcasts and video series
 * (docs/media.md): /admin/shows lists them with a form each and one for
 * a new show, and names the sidebar's Featured Video; a story's audio or
 * video file is uploaded at /admin/articles/:id/media, where its kind
 * and length are read from its bytes (avprobe.c) off the loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "avprobe.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "edit.h"
#include "media.h"
#include "multipart.h"
#include "own.h"
#include "page.h"
#include "pool.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "text.h"
#include "url.h"
#include "util.h"
#include "view.h"

/*
 * Ends a write transaction that did rc: its cache tags go to every
 * instance with the commit, and are dropped here after it.  Returns rc,
 * or STORE_BUSY when the commit failed; the transaction is over.
 */
static int
end_write(struct req *r, int rc, const char *tags)
{
	if (rc == STORE_OK && (bus_publish(r->db, tags) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		return rc;
	}
	bus_apply(tags);
	return STORE_OK;
}

static int
shows_page(struct req *r, int status, const char *error, const char *done)
{
	json_t *rows, *m, *s;
	size_t i;
	char feat[200];
	int rc;

	if ((rc = store_shows(r->db, NULL, &rows)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, s) {
		json_object_set_new(s, "is_video", json_boolean(strcmp(
		    view_str(s, "kind"), "video") == 0));
		json_object_set_new(s, "is_explicit", json_boolean(
		    view_int(s, "explicit") != 0));
	}
	m = json_pack("{s:o,s:s,s:{s:s}}", "rows", rows, "featured_video",
	    store_setting(r->db, "featured_video", "", feat, sizeof(feat)),
	    "page", "title", "Shows");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (done != NULL)
		json_object_set_new(m, "done", json_string(done));
	return admin_render(r, status, "admin/shows", m);
}

int
page_admin_shows(struct req *r)
{
	const char *d = http_query(r, "done");

	return shows_page(r, 200, NULL, d == NULL ? NULL :
	    strcmp(d, "featured") == 0 ? "The Featured Video is chosen." :
	    "Saved; the show's pages and feed show the change.");
}

/* A form field, "" when absent; NULL when longer than max bytes. */
static const char *
field(struct url_query *q, const char *key, size_t max)
{
	const char *v = url_query_get(q, key);

	if (v == NULL)
		return "";
	return strlen(v) > max ? NULL : v;
}

static int
show_save(struct req *r, struct url_query *q)
{
	static const struct {
		const char	*key;
		size_t		 max;
		const char	*label;
	} fields[] = {
		{ "slug", 100, "Slug" }, { "kind", 10, "Kind" },
		{ "title", 200, "Title" }, { "description", 4000,
		    "Description" }, { "image", 64, "Artwork" },
		{ "author", 200, "Host" }, { "email", 254, "Owner's email" },
		{ "category", 100, "Category" },
	};
	const char *v[ARRAY_SIZE(fields)];
	struct buf *tags = own_buf(r, 0);
	struct show_input in;
	char err[200];
	int64_t id, pos = 0;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if ((v[i] = field(q, fields[i].key, fields[i].max)) == NULL) {
			snprintf(err, sizeof(err), "%s: at most %zu characters.",
			    fields[i].label, fields[i].max);
			return shows_page(r, 422, err, NULL);
		}
	memset(&in, 0, sizeof(in));
	in.slug = v[0];
	in.kind = v[1];
	in.title = v[2];
	in.description = v[3];
	in.image = v[4];
	in.author = v[5];
	in.email = v[6];
	in.category = v[7];
	in.explicit_ = url_query_get(q, "explicit") != NULL;
	if (url_query_get(q, "position") != NULL &&
	    parse_int(url_query_get(q, "position"),
	    strlen(url_query_get(q, "position")), 0, 10000, &pos) != 0)
		return shows_page(r, 422, "Position: a whole number from 0 to "
		    "10000.", NULL);
	in.position = pos;
	if (!url_is_slug(in.slug, strlen(in.slug)))
		return shows_page(r, 422, "Slug: lowercase letters, digits and "
		    "hyphens.", NULL);
	if (strcmp(in.kind, "podcast") != 0 && strcmp(in.kind, "video") != 0)
		return shows_page(r, 422, "Kind: a podcast or a video series.",
		    NULL);
	if (in.title[0] == '\0')
		return shows_page(r, 422, "A show needs a title.", NULL);
	if (in.email[0] != '\0' && strchr(in.email, '@') == NULL)
		return shows_page(r, 422, "Owner's email: an address with an @.",
		    NULL);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_show_save(r->db, &in, page_now(), &id);
	/* The hubs, the show's page and feed, and its episodes' lists. */
	tags_add(tags, tag_shows());
	tags_add(tags, tag_list_show(id));
	if ((rc = end_write(r, rc, tags->p)) == STORE_INVALID)
		return shows_page(r, 422, "Artwork: the code of an image of "
		    "the library, or empty.", NULL);
	if (rc != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/shows?done=saved");
	return 0;
}

int
page_admin_show_save(struct req *r)
{
	struct url_query q;
	int status;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	status = show_save(r, &q);
	url_query_free(&q);
	return status;
}

/* The story the sidebar's Featured Video shows: a video, or none. */
static int
featured_save(struct req *r, const char *slug)
{
	struct buf *tags = own_buf(r, 0);
	json_t *a = NULL;
	int rc;

	if (slug[0] != '\0') {
		if (!url_is_slug(slug, strlen(slug)))
			return shows_page(r, 422, "Featured Video: the slug of "
			    "a published video story, or empty.", NULL);
		rc = store_article_get(r->db, slug, page_now(), &a);
		own_json(r, a);
		if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
		    strcmp(view_str(a, "type"), "video") != 0))
			return shows_page(r, 422, "Featured Video: no published "
			    "video story has that slug.", NULL);
		if (rc != STORE_OK)
			return status_store(rc);
	}
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	tags_add(tags, tag_featured_video());
	rc = store_setting_set(r->db, "featured_video", slug);
	if ((rc = end_write(r, rc, tags->p)) != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/shows?done=featured");
	return 0;
}

int
page_admin_show_featured(struct req *r)
{
	struct url_query q;
	const char *slug;
	int status;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	slug = url_query_get(&q, "featured_video");
	status = featured_save(r, slug != NULL ? slug : "");
	url_query_free(&q);
	return status;
}

/* An upload of a story's audio or video, between the loop and the pool. */
struct av_upload {
	char		*data;
	size_t		 len;
	int64_t		 article;
	int		 status;
	char		 msg[200];
	char		 hash[65];
	struct av_info	 info;
};

static void
av_free(struct av_upload *u)
{
	free(u->data);
	free(u);
}

/* On a pool thread: the kind and length, then the file. */
static void
av_work(struct db *db, void *arg)
{
	struct av_upload *u = arg;

	(void)db;
	u->status = media_store_av(config.media_dir, u->data, u->len,
	    &u->info, u->hash, u->msg, sizeof(u->msg));
}

/* Back on the loop: the story names its file, through the editor's path. */
static int
av_done(struct req *r, void *arg)
{
	struct av_upload *u = arg;
	struct edit_input ei;
	char url[120], back[80];
	json_t *in;
	int rc, status;

	if (r == NULL) {
		av_free(u);
		return 0;
	}
	if (u->status != 0) {
		status = page_notice(r, u->status, "Not uploaded", u->msg,
		    "/admin/shows", "Back to the newsroom");
		av_free(u);
		return status;
	}
	snprintf(url, sizeof(url), "/media/%s.%s", u->hash, u->info.ext);
	in = own_json(r, json_pack("{s:s,s:s,s:I,s:I}", "media_url", url,
	    "media_type", u->info.mime, "media_bytes", (json_int_t)u->len,
	    "media_seconds", (json_int_t)u->info.seconds));
	memset(&ei, 0, sizeof(ei));
	ei.in = in;
	rc = edit_write(r->db, r->user, u->article, edit_update_fn, &ei, NULL,
	    "audio or video uploaded");
	snprintf(back, sizeof(back), "/admin/articles/%lld",
	    (long long)u->article);
	av_free(u);
	if (rc != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, back);
	return 0;
}

int
page_admin_article_media(struct req *r)
{
	struct mp_part parts[MULTIPART_MAX_PARTS];
	struct av_upload *u;
	const char *data = NULL;
	char msg[200];
	json_t *a;
	size_t len = 0;
	int64_t id = admin_route_id(r);
	int status, nparts, rc;

	if (id == 0)
		return 404;
	if ((rc = store_article_admin_get(r->db, id, &a)) != STORE_OK)
		return status_store(rc);
	json_decref(a);
	if ((status = admin_upload_read(r, 1, parts, &nparts, &data, &len,
	    msg, sizeof(msg))) != 0)
		return page_notice(r, status, "Not uploaded", msg,
		    "/admin/shows", "Back to the newsroom");
	u = xcalloc(1, sizeof(*u));
	u->data = xmalloc(len > 0 ? len : 1);
	memcpy(u->data, data, len);
	u->len = len;
	u->article = id;
	/* Hashing and writing a large file takes a while: off the loop. */
	if ((status = pool_submit(r, av_work, av_done, u)) != 0)
		av_free(u);
	return status;
}
