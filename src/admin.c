/*
 * admin.c — what every newsroom page and the API's uploads share (admin.h):
 * reading a form, the route's id, rendering with the signed-in writer,
 * the site's local times, the Delete button, a sponsor field, and image
 * uploads read from a request and stored on the work pool.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "admin.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "media.h"
#include "multipart.h"
#include "page.h"
#include "req.h"
#include "role.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "text.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define FORM_MAX_FIELDS	40	/* fields of the largest newsroom form */

/* The newsroom's forms are read, and their text checked, as readers' are. */
int
admin_read_form(struct req *r, struct url_query *q)
{
	return page_read_form_n(r, q, FORM_MAX_FIELDS);
}

int64_t
admin_route_id(struct req *r)
{
	int64_t id;

	if (r->narg < 1 || parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX,
	    &id) != 0)
		return 0;
	return id;
}

int
admin_delete(struct req *r, enum store_del what, int64_t id,
    const char *tags, const char *back, const char *in_use)
{
	struct url_query q;
	struct buf url = BUF_INIT;
	int status, rc;

	if (id == 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_delete(r->db, what, id);
	if (rc == STORE_OK && (bus_publish(r->db, tags) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		if (rc != STORE_CONFLICT)
			return status_store(rc);
		return admin_render(r, 409, "admin/notice", json_pack(
		    "{s:s,s:s,s:s,s:{s:s}}", "title", "Not deleted", "text",
		    in_use, "back", back, "page", "title", "Not deleted"));
	}
	bus_apply(tags);
	buf_printf(&url, "%s?done=deleted", back);
	http_redirect(r, 303, url.p);
	buf_free(&url);
	return 0;
}

int64_t
admin_sponsor_of(struct req *r, const char *s)
{
	json_t *rows, *sp;
	int64_t id;
	size_t i;
	int found = 0;

	if (s[0] == '\0' || strcmp(s, "0") == 0)
		return 0;
	if (parse_int(s, strlen(s), 1, INT64_MAX, &id) != 0 ||
	    store_sponsors_all(r->db, &rows) != STORE_OK)
		return -1;
	json_array_foreach(rows, i, sp)
		if (json_integer_value(json_object_get(sp, "id")) == id)
			found = 1;
	json_decref(rows);
	return found ? id : -1;
}

int
admin_render(struct req *r, int status, const char *tpl, json_t *m)
{
	const char *done;
	char csrf[64];

	session_csrf(r, csrf, sizeof(csrf));
	json_object_set_new(m, "me", json_pack("{s:s,s:s,s:s,s:b,s:b,s:b}",
	    "name", r->user->name, "email", r->user->email, "role",
	    role_name(r->user->role), "editor",
	    r->user->role >= ROLE_EDITOR, "may_publish",
	    role_may_publish(r->user->role, store_authors_publish(r->db)),
	    "admin", r->user->role >= ROLE_ADMIN));
	/* The menu's count of drafts waiting for review, for editors. */
	if (r->user->role >= ROLE_EDITOR) {
		int64_t n = store_review_count(r->db);

		json_object_set_new(json_object_get(m, "me"), "review_count",
		    json_integer(n));
		json_object_set_new(json_object_get(m, "me"), "review_one",
		    json_boolean(n == 1));
	}
	json_object_set_new(m, "csrf", json_string(csrf));
	json_object_set_new(m, "tz", json_string(view_timezone()));
	/* What a Delete button (admin_delete) left behind it. */
	if ((done = http_query(r, "done")) != NULL &&
	    strcmp(done, "deleted") == 0) {
		json_object_del(m, "done");
		json_object_set_new(m, "deleted", json_true());
	}
	if (json_object_get(m, "page") == NULL)
		json_object_set_new(m, "page", json_pack("{s:s}", "title",
		    "Newsroom"));
	return page_render(r, status, tpl, m);
}

/* "2026-05-12 13:00 BST" in the site's zone. */
void
admin_fmt_local(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M %Z", &tm);
}

void
admin_set_time(json_t *row, const char *col, const char *key)
{
	json_t *v = json_object_get(row, col);
	char b[64] = "";

	if (json_is_integer(v) && json_integer_value(v) != 0)
		admin_fmt_local(json_integer_value(v), b, sizeof(b));
	json_object_set_new(row, key, json_string(b));
}

const char *
admin_line_cells(const char *text, char *cells, size_t ncells, size_t cellsz,
    int *too_long)
{
	const char *p = text, *e = strchr(text, '\n'), *bar;
	size_t n = e != NULL ? (size_t)(e - p) : strlen(p), len, i, k;

	*too_long = 0;
	for (i = 0; i < ncells; i++)
		cells[i * cellsz] = '\0';
	for (i = 0; i < ncells && n > 0; i++) {
		bar = i + 1 < ncells ? memchr(p, '|', n) : NULL;
		len = bar != NULL ? (size_t)(bar - p) : n;
		if (len >= cellsz)
			*too_long = 1;
		/* Trimmed, and cut to the cell (the caller refuses it). */
		for (k = 0; k < len && isspace((unsigned char)p[k]); k++)
			;
		while (len > k && isspace((unsigned char)p[len - 1]))
			len--;
		if (len - k >= cellsz)
			len = k + cellsz - 1;
		memcpy(cells + i * cellsz, p + k, len - k);
		cells[i * cellsz + len - k] = '\0';
		len = bar != NULL ? (size_t)(bar - p) + 1 : n;
		p += len;
		n -= len;
	}
	return e != NULL ? e + 1 : NULL;
}

/* "2026-05-12T13:00", a datetime-local value in the site's zone. */
void
admin_fmt_input(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M", &tm);
}

/*
 * Parses "2026-05-12T13:00" (a datetime-local field) in the site's time
 * zone; -1 when it is not such a time.
 */
int64_t
admin_parse_local(const char *s)
{
	struct tm tm;
	const char *end;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL)
		return -1;
	if (*end == ':' && (end = strptime(end, ":%S", &tm)) == NULL)
		return -1;
	if (*end != '\0')
		return -1;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int
admin_upload_read(struct req *r, int form, struct mp_part *parts, int *nparts,
    const char **data, size_t *len, char *msg, size_t msglen)
{
	const char *ct = http_req_header(r, "content-type");
	const struct mp_part *f;
	int rc;

	*nparts = 0;
	if (r->h->entity.base == NULL || r->h->entity.len == 0) {
		snprintf(msg, msglen, "the upload is empty");
		return 400;
	}
	if (!form && ct != NULL && strncasecmp(ct, "multipart/", 10) != 0) {
		*data = r->h->entity.base;
		*len = r->h->entity.len;
		return 0;
	}
	/* A field that is not text leaves the parts read, the token with them. */
	if ((rc = multipart_parse(ct, r->h->entity.base, r->h->entity.len,
	    parts, MULTIPART_MAX_PARTS, nparts, msg, msglen)) != 0)
		return rc == MULTIPART_BAD_TEXT ? 422 : 400;
	if ((f = multipart_get(parts, *nparts, "file")) == NULL ||
	    f->len == 0) {
		snprintf(msg, msglen, "choose an image file to upload");
		return 400;
	}
	*data = f->data;
	*len = f->len;
	return 0;
}

const char *
admin_part_text(struct req *r, const struct mp_part *parts, int nparts,
    const char *name, size_t n)
{
	const struct mp_part *p = multipart_get(parts, nparts, name);

	if (p == NULL || p->len > n)
		return NULL;
	return h2o_strdup(&r->h->pool, p->data, p->len).base;
}

struct admin_upload *
admin_upload_new(const char *data, size_t len, const char *alt)
{
	struct admin_upload *u = xcalloc(1, sizeof(*u));

	u->data = xmalloc(len);
	memcpy(u->data, data, len);
	u->len = len;
	u->alt = alt != NULL ? xstrdup(alt) : NULL;
	return u;
}

int
admin_upload_text(struct req *r, const struct mp_part *parts, int nparts,
    struct admin_upload *u, char *msg, size_t msglen)
{
	static const struct {
		const char	*name, *label;
		size_t		 max;
	} fields[] = {
		{ "alt", "Alt text", MEDIA_ALT_MAX },
		{ "caption", "Caption", MEDIA_CAPTION_MAX },
		{ "credit", "Credit", MEDIA_CREDIT_MAX },
	};
	char **dst[] = { &u->alt, &u->caption, &u->credit };
	const struct mp_part *p;
	size_t i;

	u->user = r->user != NULL ? r->user->id : 0;
	/* The name without a folder, kept only when it is text. */
	if ((p = multipart_get(parts, nparts, MULTIPART_FILE_FIELD)) != NULL) {
		const char *base = p->filename, *c;

		for (c = p->filename; *c != '\0'; c++)
			if (*c == '/' || *c == '\\')
				base = c + 1;
		if (base[0] != '\0' && text_utf8_valid(base, strlen(base)))
			u->filename = xstrdup(base);
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if ((p = multipart_get(parts, nparts, fields[i].name)) == NULL)
			continue;
		if (p->len > fields[i].max) {
			snprintf(msg, msglen, "%s: at most %zu characters",
			    fields[i].label, fields[i].max);
			return 422;
		}
		free(*dst[i]);
		*dst[i] = xstrndup(p->data, p->len);
	}
	return 0;
}

void
admin_upload_free(struct admin_upload *u)
{
	json_decref(u->img);
	free(u->caption);
	free(u->credit);
	free(u->filename);
	free(u->alt);
	free(u->data);
	free(u);
}

void
admin_upload_work(struct db *db, void *arg)
{
	struct admin_upload *u = arg;
	struct media_meta meta = { u->alt, u->caption, u->credit,
	    u->filename, u->user };

	u->status = media_store(db, u->data, u->len, &meta, &u->img, u->msg,
	    sizeof(u->msg));
}
