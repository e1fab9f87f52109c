/*
 * api_media.c — image uploads through the admin API: POST
 * /api/v1/admin/media (an image for stories, as /admin/media takes it),
 * GET /api/v1/admin/media (the library, a page at a time), PATCH
 * /api/v1/admin/media/:hash (an image's alt text, caption and credit)
 * and POST /api/v1/admin/podcast/artwork (the podcast's square cover).
 * The router has checked the token and its role (router.c); the work of
 * an upload is the newsroom's (admin.h).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "api.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "feed.h"
#include "req.h"
#include "media.h"
#include "multipart.h"
#include "own.h"
#include "page.h"
#include "pool.h"
#include "status.h"
#include "store.h"
#include "tag.h"

/* Back on the loop: the API's answer. */
static int
media_api_done(struct req *r, void *arg)
{
	struct admin_upload *u = arg;
	json_t *m;
	int status = 0;

	if (r == NULL) {
		admin_upload_free(u);
		return 0;
	}
	if (u->status != 0) {
		status = api_error(r, u->status, u->msg);
	} else {
		m = own_json(r, json_pack("{s:O}", "image", u->img));
		http_send_json(r, 201, m);
	}
	admin_upload_free(u);
	return status;
}

/*
 * An API client's image upload (the router has checked its token): the
 * bytes and their alt text handed to the work pool, which runs work, and
 * done answers.  0 when handed over, else the status of the answer sent.
 */
static int
api_upload(struct req *r, pool_work_fn work, pool_done_fn done)
{
	struct mp_part parts[MULTIPART_MAX_PARTS];
	const char *data = NULL;
	char msg[200];
	size_t len = 0;
	struct admin_upload *u;
	int status, nparts;

	if ((status = admin_upload_read(r, 0, parts, &nparts, &data, &len, msg,
	    sizeof(msg))) != 0)
		return api_error(r, status, msg);
	u = admin_upload_new(data, len, NULL);
	if ((status = admin_upload_text(r, parts, nparts, u, msg,
	    sizeof(msg))) != 0) {
		admin_upload_free(u);
		return api_error(r, status, msg);
	}
	if ((status = pool_submit(r, work, done, u)) == 0)
		return 0;
	admin_upload_free(u);
	return api_error(r, status, "the server is busy with other uploads; "
	    "try again in a moment");
}

/* POST /api/v1/admin/media: the same upload for API clients. */
int
api_admin_media(struct req *r)
{
	return api_upload(r, admin_upload_work, media_api_done);
}

/* GET /api/v1/admin/media?q=&page=: a page of the media library. */
int
api_admin_media_list(struct req *r)
{
	json_t *m;
	int status;

	if ((status = admin_media_library(r, &m)) != 0)
		return api_error(r, status, status == 400 ? "q is at most 200 "
		    "bytes of text and page a number from 1 to 10000" :
		    "the images cannot be read");
	http_send_json(r, 200, own_json(r, m));
	return 0;
}

/*
 * PATCH /api/v1/admin/media/:hash with {"alt", "caption", "credit"}:
 * what is left out stays as it is.
 */
int
api_admin_media_patch(struct req *r)
{
	static const char *const keys[] = { "alt", "caption", "credit" };
	const char *v[3], *key;
	char hash[65], msg[200];
	json_t *in, *img, *val;
	size_t i;
	int status, rc;

	if (r->narg < 1 || r->arglen[0] != 64)
		return api_error(r, 404, "no image with that code");
	memcpy(hash, r->arg[0], 64);
	hash[64] = '\0';
	if ((in = own_json(r, api_body(r))) == NULL)
		return 0;
	json_object_foreach(in, key, val) {
		for (i = 0; i < 3 && strcmp(key, keys[i]) != 0; i++)
			;
		if (i == 3) {
			snprintf(msg, sizeof(msg), "unknown field \"%.64s\"",
			    key);
			return api_error(r, 400, msg);
		}
		if (!json_is_string(val)) {
			snprintf(msg, sizeof(msg), "%s must be a string", key);
			return api_error(r, 422, msg);
		}
	}
	if ((rc = store_image_get(r->db, hash, &img)) != STORE_OK)
		return api_error(r, status_store(rc), rc == STORE_NOTFOUND ?
		    "no image with that code" : "the image cannot be read");
	own_json(r, img);
	for (i = 0; i < 3; i++) {
		val = json_object_get(in, keys[i]);
		v[i] = json_string_value(val != NULL ? val :
		    json_object_get(img, keys[i]));
	}
	if ((status = admin_media_meta(r, hash, v[0], v[1], v[2], msg,
	    sizeof(msg))) != 0)
		return api_error(r, status, msg);
	http_send_json(r, 200, own_json(r, json_pack("{s:{s:s,s:s,s:s,s:s}}",
	    "image", "hash", hash, "alt", v[0], "caption", v[1], "credit",
	    v[2])));
	return 0;
}

/*
 * POST /api/v1/admin/podcast/artwork: the podcast's cover, made square
 * from the upload by media_square and named by the podcast_image setting
 * in one transaction.  Settings are part of every page ("site"), so the
 * podcast feed is dropped with the rest.
 */
/* On a pool thread: the square artwork made and written. */
static void
artwork_work(struct db *db, void *arg)
{
	struct admin_upload *u = arg;

	u->status = media_square(config.media_dir, u->data, u->len,
	    config.max_upload, FEED_ART_MIN, FEED_ART_MAX, u->hash, &u->side,
	    &u->bytes, u->msg, sizeof(u->msg));
}

/* Back on the loop: the artwork recorded and named, a short write. */
static int
artwork_done(struct req *r, void *arg)
{
	struct admin_upload *u = arg;
	struct image_row row;
	char src[100];
	json_t *img, *m;
	int rc, status = 0;

	if (r == NULL || u->status != 0) {
		if (r != NULL)
			status = api_error(r, u->status, u->msg);
		admin_upload_free(u);
		return status;
	}
	if (db_begin_write(r->db) != DB_OK) {
		admin_upload_free(u);
		return api_error(r, 503, "the database is busy; try again");
	}
	/* After this point, all errors roll back. */
	rc = store_image_get(r->db, u->hash, &img);
	own_json(r, img);
	if (rc == STORE_NOTFOUND) {
		memset(&row, 0, sizeof(row));
		row.hash = u->hash;
		row.mime = "image/jpeg";
		row.ext = "jpg";
		row.width = u->side;
		row.height = u->side;
		row.bytes = u->bytes;
		row.alt = u->alt != NULL ? u->alt : "";
		row.widths = "";
		rc = store_image_add(r->db, &row);
	}
	if (rc == STORE_OK)
		rc = store_setting_set(r->db, "podcast_image", u->hash);
	if (rc != STORE_OK || bus_publish(r->db, tag_site().s) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		admin_upload_free(u);
		return api_error(r, status_write(rc),
		    "the artwork cannot be recorded");
	}
	bus_apply(tag_site().s);
	snprintf(src, sizeof(src), "/media/%s.jpg", u->hash);
	m = own_json(r, json_pack("{s:{s:s,s:s,s:i,s:i,s:I}}", "image",
	    "hash", u->hash, "src", src, "width", u->side, "height", u->side,
	    "bytes", (json_int_t)u->bytes));
	http_send_json(r, 201, m);
	admin_upload_free(u);
	return 0;
}

int
api_admin_podcast_art(struct req *r)
{
	return api_upload(r, artwork_work, artwork_done);
}
