/*
 * api_admin.c — the admin API: creating, editing, publishing and
 * unpublishing articles with a bearer token, under the role rules.
 *
 * Every write runs in one transaction; the cache entries that showed
 * what changed are dropped after the commit and before the answer, so
 * the next request of any reader sees the change.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "http.h"
#include "jobs.h"
#include "markdown.h"
#include "page.h"
#include "store.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define MAX_LIST	20	/* authors or tags of one article */

enum ftype {
	F_TEXT,		/* a string */
	F_SLUG,		/* a string that is a slug */
	F_SLUGS,	/* an array of slugs */
	F_NAMES,	/* an array of strings */
	F_URL,		/* "" or an http(s) URL */
	F_MIME,		/* "" or an audio/ or video/ media type */
	F_COUNT,	/* a whole number from 0 to max */
	F__MAX
};

static const struct fieldspec {
	const char	*name;
	enum ftype	 type;
	size_t		 max;		/* bytes (of each item for lists) */
} fields[] = {
	{ "title", F_TEXT, 300 },
	{ "slug", F_SLUG, 200 },
	{ "dek", F_TEXT, 1000 },
	{ "body_md", F_TEXT, 1000000 },
	{ "section", F_SLUG, 200 },
	{ "type", F_SLUG, 40 },
	{ "authors", F_SLUGS, 200 },
	{ "tags", F_NAMES, 100 },
	{ "hero_caption", F_TEXT, 1000 },
	{ "hero_credit", F_TEXT, 300 },
	{ "hero_licence", F_TEXT, 100 },
	{ "hero_licence_url", F_URL, 500 },
	{ "sponsor", F_TEXT, 200 },
	{ "signoff", F_TEXT, 300 },
	{ "media_url", F_URL, 1000 },
	{ "media_type", F_MIME, 100 },
	{ "media_bytes", F_COUNT, 1099511627776 },	/* 1 TiB */
	{ "media_seconds", F_COUNT, 604800 },		/* a week */
};

enum action {
	ACT_CREATE,
	ACT_EDIT,
	ACT_PUBLISH,
	ACT__MAX
};

/* The least role that may act on any article, and on its own ones. */
static const struct {
	enum role	any;
	enum role	own;
} rules[ACT__MAX] = {
	[ACT_CREATE] = { ROLE_EDITOR, ROLE_CONTRIBUTOR },
	[ACT_EDIT] = { ROLE_EDITOR, ROLE_CONTRIBUTOR },
	[ACT_PUBLISH] = { ROLE_EDITOR, ROLE_AUTHOR },
};

static int
denied(struct req *r, int status)
{
	if (status == 401) {
		http_header(r, "WWW-Authenticate", "Bearer");
		return api_error(r, 401, "a valid API token is required "
		    "(Authorization: Bearer ...)");
	}
	return status;
}

/* "audio/mpeg", "video/mp4": a type and subtype of token characters. */
static int
media_type_ok(const char *s)
{
	const char *p;

	if (strncmp(s, "audio/", 6) == 0)
		p = s + 6;
	else if (strncmp(s, "video/", 6) == 0)
		p = s + 6;
	else
		return 0;
	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '+'))
			return 0;
	return 1;
}

/* Checks one field's type and size; 0 or an error already sent. */
static int
check_field(struct req *r, const struct fieldspec *f, json_t *v)
{
	char msg[200];
	size_t i, n;
	json_t *x;

	if (f->type == F_SLUGS || f->type == F_NAMES) {
		if (!json_is_array(v) || json_array_size(v) > MAX_LIST) {
			snprintf(msg, sizeof(msg), "%s must be a list of at most "
			    "%d strings", f->name, MAX_LIST);
			return api_error(r, 422, msg), -1;
		}
		json_array_foreach(v, i, x) {
			const char *s = json_string_value(x);

			if (s == NULL || s[0] == '\0' || strlen(s) > f->max ||
			    (f->type == F_SLUGS && !url_is_slug(s, strlen(s)))) {
				snprintf(msg, sizeof(msg), "%s[%zu] is not valid",
				    f->name, i);
				return api_error(r, 422, msg), -1;
			}
		}
		return 0;
	}
	if (f->type == F_COUNT) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (size_t)json_integer_value(v) > f->max) {
			snprintf(msg, sizeof(msg), "%s must be a whole number "
			    "from 0 to %zu", f->name, f->max);
			return api_error(r, 422, msg), -1;
		}
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, sizeof(msg), "%s must be a string", f->name);
		return api_error(r, 422, msg), -1;
	}
	n = json_string_length(v);
	if (n > f->max) {
		snprintf(msg, sizeof(msg), "%s is longer than %zu bytes",
		    f->name, f->max);
		return api_error(r, 422, msg), -1;
	}
	if (f->type == F_SLUG && !url_is_slug(json_string_value(v), n)) {
		snprintf(msg, sizeof(msg), "%s must be lowercase letters, digits "
		    "and hyphens", f->name);
		return api_error(r, 422, msg), -1;
	}
	if (f->type == F_URL && n > 0 &&
	    strncmp(json_string_value(v), "https://", 8) != 0 &&
	    strncmp(json_string_value(v), "http://", 7) != 0) {
		snprintf(msg, sizeof(msg), "%s must be an http or https URL",
		    f->name);
		return api_error(r, 422, msg), -1;
	}
	if (f->type == F_MIME && n > 0 && !media_type_ok(json_string_value(v))) {
		snprintf(msg, sizeof(msg), "%s must be an audio/ or video/ "
		    "media type such as audio/mpeg", f->name);
		return api_error(r, 422, msg), -1;
	}
	return 0;
}

/*
 * Reads the JSON object of the request body and checks every field.
 * Returns the object (caller owns it) or NULL with the error sent.
 */
static json_t *
read_input(struct req *r, int creating)
{
	const char *key;
	json_t *in, *v;
	char msg[300];
	size_t i;

	if ((in = api_body(r)) == NULL)
		return NULL;
	json_object_foreach(in, key, v) {
		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == ARRAY_SIZE(fields)) {
			snprintf(msg, sizeof(msg), "unknown field \"%.64s\"", key);
			json_decref(in);
			return api_error(r, 400, msg), NULL;
		}
		if (check_field(r, &fields[i], v) != 0) {
			json_decref(in);
			return NULL;
		}
	}
	v = json_object_get(in, "type");
	if (v != NULL && view_type_label(json_string_value(v)) == NULL) {
		json_decref(in);
		return api_error(r, 422, "unknown article type"), NULL;
	}
	v = json_object_get(in, "title");
	if ((creating || v != NULL) &&
	    (v == NULL || json_string_length(v) == 0)) {
		json_decref(in);
		return api_error(r, 422, "an article needs a title"), NULL;
	}
	if (creating && json_object_get(in, "section") == NULL) {
		json_decref(in);
		return api_error(r, 422, "an article needs a section"), NULL;
	}
	return in;
}

/* Renders body_md of in, when present, into html; -1 with the error sent. */
static int
render_body(struct req *r, json_t *in, struct buf *html)
{
	const char *md = json_string_value(json_object_get(in, "body_md"));

	if (md == NULL)
		return 0;
	if (markdown_render(MD_EDITOR, md, strlen(md), html) != 0 ||
	    buf_err(html)) {
		api_error(r, 422, "body_md cannot be rendered");
		return -1;
	}
	if (html->p == NULL)
		buf_puts(html, "");
	return 0;
}

/* The article id of the route, or 0 when it is not a number. */
static int64_t
route_id(struct req *r)
{
	int64_t id;

	if (parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX, &id) != 0)
		return 0;
	return id;
}

/* Whether u may do a to article id (0 for one not created yet). */
static int
allowed(struct req *r, const struct user *u, enum action a, int64_t id)
{
	if (u->role >= rules[a].any)
		return 1;
	if (u->role < rules[a].own || u->author_id == 0)
		return 0;
	return id == 0 || store_article_has_author(r->db, id, u->author_id);
}

/* Sends the article as an editor sees it. */
static int
send_article(struct req *r, int status, int64_t id)
{
	json_t *a, *m;
	int rc;

	if ((rc = store_article_admin_get(r->db, id, &a)) != STORE_OK)
		return page_status(rc);
	m = json_pack("{s:o}", "article", a);
	http_send_json(r, status, m);
	json_decref(m);
	return 0;
}

static const char *const store_msg[STORE__MAX] = {
	[STORE_NOTFOUND] = "no such article",
	[STORE_INVALID] = "unknown section, author or sponsor",
	[STORE_CONFLICT] = "that slug is taken",
	[STORE_BUSY] = "the database is busy; try again",
	[STORE_ERROR] = "database error",
};

/*
 * Runs one article write: the cache tags of the article before and after
 * the change are both dropped (a story that moves section leaves the old
 * section's list and joins the new one's).  Returns 0 when it succeeded,
 * SENT when it answered with an error itself, or an HTTP status.
 */
#define SENT	(-1)
static int
write_article(struct req *r, int64_t id, int (*fn)(struct req *, int64_t,
    void *), void *arg, int64_t *idout)
{
	struct buf tags = BUF_INIT;
	int rc;

	if (db_begin_write(r->db) != DB_OK) {
		buf_free(&tags);
		return 503;
	}
	if (id != 0)
		store_article_deps(r->db, id, &tags);
	if ((rc = fn(r, id, arg)) != STORE_OK) {
		db_rollback(r->db);
		buf_free(&tags);
		if (rc == STORE_NOTFOUND || rc == STORE_INVALID ||
		    rc == STORE_CONFLICT) {
			api_error(r, rc == STORE_NOTFOUND ? 404 :
			    rc == STORE_CONFLICT ? 409 : 422, store_msg[rc]);
			return SENT;
		}
		return page_status(rc);
	}
	if (idout != NULL)
		id = *idout;
	store_article_deps(r->db, id, &tags);
	/* The other instances hear of it when, and only if, it commits. */
	if (bus_publish(r->db, tags.p) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		buf_free(&tags);
		return 503;
	}
	bus_apply(tags.p);
	buf_free(&tags);
	return 0;
}

struct create_arg {
	json_t		*in;
	const char	*html;
	int64_t		*id;
};

static int
do_create(struct req *r, int64_t unused, void *arg)
{
	struct create_arg *a = arg;

	return store_article_create(r->db, a->in, a->html, a->id);
}

static int
do_update(struct req *r, int64_t id, void *arg)
{
	struct create_arg *a = arg;

	return store_article_update(r->db, id, a->in, a->html);
}

/*
 * A story published for later goes live at its time on every instance:
 * a job then drops the pages that show it (and pages that list stories
 * also expire at that time by themselves).
 */
static int
do_publish(struct req *r, int64_t id, void *arg)
{
	int64_t at = *(int64_t *)arg;
	json_t *p;
	int rc;

	if ((rc = store_article_publish(r->db, id, at)) != STORE_OK ||
	    at <= now_unix())
		return rc;
	p = json_pack("{s:I}", "article", (json_int_t)id);
	rc = jobs_add(r->db, "publish", p, at);
	json_decref(p);
	return rc;
}

static int
do_unpublish(struct req *r, int64_t id, void *arg)
{
	return store_article_unpublish(r->db, id);
}

int
api_admin_create(struct req *r)
{
	struct buf html = BUF_INIT;
	struct create_arg a;
	struct user u;
	char loc[64];
	int64_t id = 0;
	int status;

	if ((status = auth_bearer(r, &u)) != 0)
		return denied(r, status);
	if (!allowed(r, &u, ACT_CREATE, 0))
		return api_error(r, 403, "your role cannot write articles");
	if ((a.in = read_input(r, 1)) == NULL)
		return 0;
	/* Writers below editor write under their own byline only. */
	if (u.role < ROLE_EDITOR || (json_object_get(a.in, "authors") ==
	    NULL && u.author_id != 0)) {
		char slug[256];

		if (store_author_slug(r->db, u.author_id, slug,
		    sizeof(slug)) != STORE_OK) {
			json_decref(a.in);
			return 500;
		}
		json_object_set_new(a.in, "authors", json_pack("[s]", slug));
	}
	if (render_body(r, a.in, &html) != 0) {
		json_decref(a.in);
		buf_free(&html);
		return 0;
	}
	a.html = html.p;
	a.id = &id;
	status = write_article(r, 0, do_create, &a, &id);
	json_decref(a.in);
	buf_free(&html);
	if (status != 0)
		return status == SENT ? 0 : status;
	snprintf(loc, sizeof(loc), "/api/v1/admin/articles/%lld", (long long)id);
	http_header(r, "Location", loc);
	return send_article(r, 201, id);
}

/*
 * The checks before acting on the route's article: a valid token, an
 * article id, a role that may.  0 to go on; otherwise SENT or a status.
 */
static int
gate(struct req *r, struct user *u, enum action a, int64_t *id)
{
	int status;

	if ((status = auth_bearer(r, u)) != 0)
		return denied(r, status) == 0 ? SENT : status;
	if ((*id = route_id(r)) == 0)
		return api_error(r, 404, "no such article"), SENT;
	if (!allowed(r, u, a, *id))
		return api_error(r, 403, a == ACT_PUBLISH ? "your role cannot "
		    "publish this article" : "not your article"), SENT;
	return 0;
}

int
api_admin_get(struct req *r)
{
	struct user u;
	int64_t id;
	int status;

	if ((status = gate(r, &u, ACT_EDIT, &id)) != 0)
		return status == SENT ? 0 : status;
	return send_article(r, 200, id);
}

int
api_admin_update(struct req *r)
{
	struct buf html = BUF_INIT;
	struct create_arg a;
	struct user u;
	json_t *cur;
	int64_t id;
	int status, rc;

	if ((status = gate(r, &u, ACT_EDIT, &id)) != 0)
		return status == SENT ? 0 : status;
	if ((rc = store_article_admin_get(r->db, id, &cur)) != STORE_OK)
		return rc == STORE_NOTFOUND ? api_error(r, 404,
		    "no such article") : page_status(rc);
	/* A contributor's work is frozen once an editor published it. */
	status = u.role < ROLE_AUTHOR && strcmp(json_string_value(
	    json_object_get(cur, "status")), "published") == 0;
	json_decref(cur);
	if (status)
		return api_error(r, 403, "a published article is edited by "
		    "its author or an editor");
	if ((a.in = read_input(r, 0)) == NULL)
		return 0;
	if (u.role < ROLE_EDITOR && json_object_get(a.in, "authors") != NULL) {
		json_decref(a.in);
		return api_error(r, 403, "only editors change bylines");
	}
	if (render_body(r, a.in, &html) != 0) {
		json_decref(a.in);
		buf_free(&html);
		return 0;
	}
	a.html = html.p;
	a.id = NULL;
	status = write_article(r, id, do_update, &a, NULL);
	json_decref(a.in);
	buf_free(&html);
	if (status != 0)
		return status == SENT ? 0 : status;
	return send_article(r, 200, id);
}

/* Reads the optional {"at": "2026-05-12T13:00:00Z"} of a publish request. */
static int
publish_time(struct req *r, int64_t *at)
{
	json_error_t jerr;
	struct tm tm;
	const char *s, *end;
	json_t *in;

	*at = now_unix();
	if (r->h->entity.base == NULL || r->h->entity.len == 0)
		return 0;
	if ((in = json_loadb(r->h->entity.base, r->h->entity.len, 0,
	    &jerr)) == NULL || !json_is_object(in))
		return json_decref(in), api_error(r, 400,
		    "malformed JSON"), -1;
	if ((s = json_string_value(json_object_get(in, "at"))) == NULL) {
		size_t n = json_object_size(in);

		json_decref(in);
		if (n == 0)
			return 0;
		return api_error(r, 422, "\"at\" must be a time like "
		    "2026-05-12T13:00:00Z"), -1;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0') {
		json_decref(in);
		return api_error(r, 422, "\"at\" must be a time like "
		    "2026-05-12T13:00:00Z"), -1;
	}
	json_decref(in);
	*at = (int64_t)timegm(&tm);
	return 0;
}

static int
publish_or_not(struct req *r, int publish)
{
	struct user u;
	int64_t id, at = 0;
	int status;

	if ((status = gate(r, &u, ACT_PUBLISH, &id)) != 0)
		return status == SENT ? 0 : status;
	if (publish && publish_time(r, &at) != 0)
		return 0;
	status = write_article(r, id, publish ? do_publish : do_unpublish,
	    &at, NULL);
	if (status != 0)
		return status == SENT ? 0 : status;
	return send_article(r, 200, id);
}

int
api_admin_publish(struct req *r)
{
	return publish_or_not(r, 1);
}

int
api_admin_unpublish(struct req *r)
{
	return publish_or_not(r, 0);
}
