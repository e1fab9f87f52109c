/*
 * page_admin_media.c — the newsroom's media library: /admin/media, a
 * grid of every uploaded image (newest first, searched by alt text,
 * caption, credit and file name, a page at a time) with its size, the
 * upload form, and the form that changes what an image shows and who
 * made it.  The admin API's list and change (api_media.c) are built by
 * the same functions, and so is the check the editor runs on the image
 * codes of a story.
 *
 * Uploads are decoded on the work pool (admin.c, media.c); a change of
 * an image's text drops every cached page (site tag), since lists,
 * stories, events and author pages all show images.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "escape.h"
#include "media.h"
#include "multipart.h"
#include "own.h"
#include "page.h"
#include "pool.h"
#include "req.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "text.h"
#include "url.h"
#include "buf.h"
#include "util.h"

#define QUERY_MAX	200	/* bytes of a search */
#define PAGE_LAST	10000	/* the last page asked for */

/* Whether s is 64 lowercase hex digits, as an image's code is. */
static int
is_code(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* "930 bytes", "48 KB", "1.2 MB". */
static void
fmt_bytes(int64_t n, char *out, size_t len)
{
	if (n < 1024)
		snprintf(out, len, "%lld bytes", (long long)n);
	else if (n < 1024 * 1024)
		snprintf(out, len, "%lld KB", (long long)((n + 512) / 1024));
	else
		snprintf(out, len, "%.1f MB", (double)n / (1024.0 * 1024.0));
}

/*
 * An images row as the library shows it: its URL, a thumbnail (the
 * narrowest width, or the image itself when it has none), its size in
 * words, the Markdown that puts it in a body, and whether the caller
 * may change its text.
 */
static void
library_item(struct req *r, json_t *im)
{
	const char *hash = json_string_value(json_object_get(im, "hash"));
	const char *ext = json_string_value(json_object_get(im, "ext"));
	const char *ws = json_string_value(json_object_get(im, "widths"));
	const char *alt = json_string_value(json_object_get(im, "alt"));
	json_t *by = json_object_get(im, "uploader_id");
	char src[160], thumb[180], size[64];
	struct buf md = BUF_INIT;
	int64_t w;

	if (hash == NULL || ext == NULL)
		return;
	snprintf(src, sizeof(src), "/media/%s.%s", hash, ext);
	/*
	 * The grid's cells are 220 px and wider: the first width of at
	 * least 320 px, or the widest there is (widths run narrow to wide).
	 */
	for (w = 0; ws != NULL && *ws != '\0'; ws += *ws == ',') {
		size_t k = strcspn(ws, ",");
		int64_t v;

		if (parse_int(ws, k, 1, 100000, &v) == 0 && (w = v) >= 320)
			break;
		ws += k;
	}
	if (w > 0)
		snprintf(thumb, sizeof(thumb), "/media/%s-%lld.%s", hash,
		    (long long)w, ext);
	else
		snprintf(thumb, sizeof(thumb), "%s", src);
	fmt_bytes(json_integer_value(json_object_get(im, "bytes")), size,
	    sizeof(size));
	/* Brackets in the alt text would end Markdown's image early. */
	BUF_LIT(&md, "![");
	for (; alt != NULL && *alt != '\0'; alt++)
		if (*alt != '[' && *alt != ']' && *alt != '\n')
			buf_putc(&md, *alt);
	buf_printf(&md, "](%s)", src);
	json_object_set_new(im, "src", json_string(src));
	json_object_set_new(im, "thumb", json_string(thumb));
	json_object_set_new(im, "size", json_string(size));
	json_object_set_new(im, "markdown", json_string(md.p));
	json_object_set_new(im, "may_edit", json_boolean(r->user->role >=
	    ROLE_EDITOR || (json_is_integer(by) && json_integer_value(by) ==
	    r->user->id)));
	json_object_del(im, "uploader_id");
	buf_free(&md);
}

int
admin_media_library(struct req *r, json_t **out)
{
	const char *q = http_query(r, "q"), *pg = http_query(r, "page");
	struct buf e = BUF_INIT;
	json_t *rows, *im, *m;
	char link[400];
	int64_t page = 1;
	size_t i;
	int rc;

	*out = NULL;
	if (q == NULL)
		q = "";
	if (strlen(q) > QUERY_MAX || !text_utf8_valid(q, strlen(q)))
		return 400;
	if (pg != NULL && parse_int(pg, strlen(pg), 1, PAGE_LAST, &page) != 0)
		return 400;
	/* One more than a page says whether there is a next one. */
	if ((rc = store_media_list(r->db, q, (page - 1) * MEDIA_LIBRARY_PAGE,
	    MEDIA_LIBRARY_PAGE + 1, &rows)) != STORE_OK)
		return status_store(rc);
	m = json_pack("{s:s,s:I,s:b}", "q", q, "page", (json_int_t)page,
	    "more", json_array_size(rows) > MEDIA_LIBRARY_PAGE);
	if (json_array_size(rows) > MEDIA_LIBRARY_PAGE)
		json_array_remove(rows, MEDIA_LIBRARY_PAGE);
	json_array_foreach(rows, i, im)
		library_item(r, im);
	json_object_set_new(m, "images", rows);
	esc_url(&e, q, strlen(q));
	if (json_is_true(json_object_get(m, "more")) && page < PAGE_LAST) {
		snprintf(link, sizeof(link), "?q=%s&page=%lld", e.p != NULL ?
		    e.p : "", (long long)(page + 1));
		json_object_set_new(m, "next", json_string(link));
	}
	if (page > 1) {
		snprintf(link, sizeof(link), "?q=%s&page=%lld", e.p != NULL ?
		    e.p : "", (long long)(page - 1));
		json_object_set_new(m, "prev", json_string(link));
	}
	buf_free(&e);
	*out = m;
	return 0;
}

int
admin_media_meta(struct req *r, const char *hash, const char *alt,
    const char *caption, const char *credit, char *msg, size_t msglen)
{
	static const struct {
		const char	*label;
		size_t		 max;
	} lim[] = {
		{ "Alt text", MEDIA_ALT_MAX },
		{ "Caption", MEDIA_CAPTION_MAX },
		{ "Credit", MEDIA_CREDIT_MAX },
	};
	const char *v[] = { alt, caption, credit };
	json_t *img;
	json_t *by;
	size_t i;
	int rc;

	if (hash == NULL || strlen(hash) != 64 || !is_code(hash)) {
		snprintf(msg, msglen, "no image with that code");
		return 404;
	}
	for (i = 0; i < ARRAY_SIZE(lim); i++) {
		if (v[i] == NULL) {
			snprintf(msg, msglen, "%s: missing", lim[i].label);
			return 422;
		}
		if (strlen(v[i]) > lim[i].max) {
			snprintf(msg, msglen, "%s: at most %zu characters",
			    lim[i].label, lim[i].max);
			return 422;
		}
		if (strchr(v[i], '\n') != NULL || strchr(v[i], '\r') != NULL) {
			snprintf(msg, msglen, "%s: one line of text",
			    lim[i].label);
			return 422;
		}
	}
	if ((rc = store_image_get(r->db, hash, &img)) != STORE_OK) {
		snprintf(msg, msglen, "no image with that code");
		return status_store(rc);
	}
	own_json(r, img);
	/* Images are shared: a writer below editor changes her own. */
	by = json_object_get(img, "uploader_id");
	if (r->user->role < ROLE_EDITOR && (!json_is_integer(by) ||
	    json_integer_value(by) != r->user->id)) {
		snprintf(msg, msglen, "only an editor can change an image "
		    "someone else uploaded");
		return 403;
	}
	if (db_begin_write(r->db) != DB_OK) {
		snprintf(msg, msglen, "the database is busy; try again");
		return 503;
	}
	/* After this point, all errors roll back. */
	if ((rc = store_media_meta(r->db, hash, alt, caption, credit)) !=
	    STORE_OK || bus_publish(r->db, tag_site().s) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		snprintf(msg, msglen, "the image's text cannot be saved");
		return status_write(rc);
	}
	bus_apply(tag_site().s);
	return 0;
}

int
admin_media_check_refs(struct req *r, json_t *in, char *msg, size_t msglen)
{
	static const struct {
		const char	*key, *label;
	} refs[] = {
		{ "hero_image", "Hero image" },
		{ "seo_image", "Social image" },
	};
	const char *s;
	json_t *img;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(refs); i++) {
		s = json_string_value(json_object_get(in, refs[i].key));
		if (s == NULL || s[0] == '\0')
			continue;
		if (strlen(s) == 64 && is_code(s)) {
			if ((rc = store_image_get(r->db, s, &img)) == STORE_OK) {
				json_decref(img);
				continue;
			}
			if (rc != STORE_NOTFOUND)
				return status_store(rc);
		}
		snprintf(msg, msglen, "%s: no image with that code; choose one "
		    "from the library or leave the field empty", refs[i].label);
		return 422;
	}
	return 0;
}

/* The library page, with what an upload or a change left (m's keys). */
static int
library_page(struct req *r, int status, json_t *m)
{
	json_t *lib;
	int st;

	if ((st = admin_media_library(r, &lib)) != 0) {
		json_decref(m);
		return st;
	}
	/* "page" is the layout's: the library's number goes as page_no. */
	json_object_set(lib, "page_no", json_object_get(lib, "page"));
	json_object_del(lib, "page");
	json_object_update(m, lib);
	json_decref(lib);
	json_object_set_new(m, "max_mb", json_integer(config.max_upload /
	    (1024 * 1024)));
	json_object_set_new(m, "page", json_pack("{s:s}", "title", "Images"));
	return admin_render(r, status, "admin/media", m);
}

int
page_admin_media(struct req *r)
{
	const char *done = http_query(r, "done");
	json_t *m = json_object();

	if (done != NULL && strcmp(done, "saved") == 0)
		json_object_set_new(m, "notice", json_string("The image's text "
		    "is saved."));
	return library_page(r, 200, m);
}

/* Back on the loop: the library with the outcome of the upload. */
static int
media_page_done(struct req *r, void *arg)
{
	struct admin_upload *u = arg;
	json_t *m;
	int status;

	if (r == NULL) {
		admin_upload_free(u);
		return 0;
	}
	if (u->status != 0)
		m = json_pack("{s:s}", "error", u->msg);
	else
		m = json_pack("{s:O}", "image", u->img);
	status = library_page(r, u->status != 0 ? u->status : 201, m);
	admin_upload_free(u);
	return status;
}

/*
 * Reads an upload form and hands its image to the work pool, whose done
 * answers.  0 when handed over, else the status with a sentence in msg.
 */
static int
upload_submit(struct req *r, pool_done_fn done, char *msg, size_t msglen)
{
	struct mp_part parts[MULTIPART_MAX_PARTS];
	const char *data = NULL;
	size_t len = 0;
	struct admin_upload *u;
	int status, nparts;

	if ((status = admin_upload_read(r, 1, parts, &nparts, &data, &len, msg,
	    msglen)) != 0)
		return status;
	u = admin_upload_new(data, len, NULL);
	if ((status = admin_upload_text(r, parts, nparts, u, msg,
	    msglen)) == 0) {
		/* Decoding takes seconds: the loop goes on meanwhile. */
		if ((status = pool_submit(r, admin_upload_work, done, u)) == 0)
			return 0;
		snprintf(msg, msglen, "the server is busy with other uploads; "
		    "try again in a moment");
	}
	admin_upload_free(u);
	return status;
}

int
page_admin_media_post(struct req *r)
{
	char msg[200];
	int status;

	if ((status = upload_submit(r, media_page_done, msg,
	    sizeof(msg))) == 0)
		return 0;
	return library_page(r, status, json_pack("{s:s}", "error", msg));
}

/* POST /admin/media/:hash: an image's alt text, caption and credit. */
int
page_admin_media_save(struct req *r)
{
	struct url_query q;
	char msg[200], hash[65], url[120];
	int status;

	if (r->narg < 1 || r->arglen[0] != 64)
		return 404;
	memcpy(hash, r->arg[0], 64);
	hash[64] = '\0';
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	status = admin_media_meta(r, hash, url_query_get(&q, "alt"),
	    url_query_get(&q, "caption"), url_query_get(&q, "credit"), msg,
	    sizeof(msg));
	url_query_free(&q);
	if (status == 404)
		return 404;
	if (status != 0)
		return library_page(r, status, json_pack("{s:s}", "error",
		    msg));
	snprintf(url, sizeof(url), "/admin/media?done=saved#img-%.12s", hash);
	http_redirect(r, 303, url);
	return 0;
}

/*
 * The editor's picker (media.js) speaks JSON with the session's cookie
 * and token, as the forms do: GET /admin/media.json is the library's
 * page, POST /admin/media.json an upload answered as the API answers it.
 */
int
page_admin_media_json(struct req *r)
{
	json_t *m;
	int status;

	if ((status = admin_media_library(r, &m)) != 0)
		return status;
	http_send_json(r, 200, own_json(r, m));
	return 0;
}

/* An error the picker shows as it is: {"error": msg}. */
static void
json_error(struct req *r, int status, const char *msg)
{
	http_send_json(r, status, own_json(r, json_pack("{s:s}", "error",
	    msg)));
}

/* Back on the loop: the picker's answer. */
static int
media_json_done(struct req *r, void *arg)
{
	struct admin_upload *u = arg;

	if (r != NULL && u->status != 0)
		json_error(r, u->status, u->msg);
	else if (r != NULL)
		http_send_json(r, 201, own_json(r, json_pack("{s:O}", "image",
		    u->img)));
	admin_upload_free(u);
	return 0;
}

int
page_admin_media_upload_json(struct req *r)
{
	char msg[200];
	int status;

	if ((status = upload_submit(r, media_json_done, msg,
	    sizeof(msg))) != 0)
		json_error(r, status, msg);
	return 0;
}
