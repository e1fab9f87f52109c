/*
 * page_admin_newsletters.c — newsletters in the newsroom (editors): the
 * newsletters with their subscribers, made and set up here; each one's
 * issues; an issue composed from the stories of its sections since the
 * last one, previewed, tried on one address, then sent at once or at a
 * set time, and followed as it goes out.
 *
 * Issues are written through newsletter.c, as the admin API writes them,
 * so both ways of sending behave alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "req.h"
#include "jobs.h"
#include "newsletter.h"
#include "own.h"
#include "page.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define NAME_MAX_LEN	100
#define DESC_MAX_LEN	500
#define SLUG_MAX_LEN	60
#define ISSUES_SHOWN	50
#define SUGGEST_AGE	(14 * 86400)	/* stories offered to add */
#define SUGGEST_MAX	40
#define FORM_FIELDS	256		/* two a story, and the rest */
#define SITE_WHY	"site: the slug of one of the sites (/admin/sites)."

/* Reads the form and checks its CSRF token: 0 or a status (q freed). */
static int
read_post(struct req *r, struct url_query *q, size_t fields)
{
	int status;

	if ((status = page_read_form_n(r, q, fields)) != 0)
		return status;
	return 0;
}

/* Commits the caller's transaction when rc is STORE_OK; 0 or rc's status. */
static int
commit(struct req *r, int rc)
{
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	return 0;
}

/* Adds key_local ("2026-05-12 13:00 BST") for each time key of o. */
static void
add_local(json_t *o, const char *const *keys)
{
	char out[64], name[64];

	for (; *keys != NULL; keys++) {
		if (!json_is_integer(json_object_get(o, *keys)))
			continue;
		admin_fmt_local(view_int(o, *keys), out, sizeof(out));
		snprintf(name, sizeof(name), "%s_local", *keys);
		json_object_set_new(o, name, json_string(out));
	}
}

/* The section slugs a form ticked ("section"), each a known section. */
static int
form_sections(const struct url_query *q, json_t *known, json_t **out)
{
	json_t *s;
	size_t i, k;

	*out = json_array();
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->p[i].key, "section") != 0)
			continue;
		json_array_foreach(known, k, s)
			if (strcmp(view_str(s, "slug"), q->p[i].val) == 0)
				break;
		if (k == json_array_size(known)) {
			json_decref(*out);
			*out = NULL;
			return -1;
		}
		json_array_append_new(*out, json_string(q->p[i].val));
	}
	return 0;
}

/* Marks the sections in slugs as "on" in a copy of known (new reference). */
static json_t *
ticked(json_t *known, json_t *slugs)
{
	json_t *out = json_deep_copy(known), *s, *v;
	size_t i, k;

	json_array_foreach(out, i, s)
		json_array_foreach(slugs, k, v)
			if (strcmp(view_str(s, "slug"), json_string_value(v)) == 0)
				json_object_set_new(s, "on", json_true());
	return out;
}

static int
list_page(struct req *r, int status, const char *error)
{
	static const char *const times[] = { "last_issue", NULL };
	json_t *rows, *sections, *row, *m;
	size_t i;
	int rc;

	if ((rc = store_newsletters_admin(r->db, &rows)) != STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	if ((rc = store_sections_all(r->db, &sections)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(rows, i, row)
		add_local(row, times);
	m = json_pack("{s:O,s:o,s:{s:s}}", "rows", rows, "sections", sections,
	    "page", "title", "Newsletters");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	return admin_render(r, status, "admin/newsletters", m);
}

int
page_admin_newsletters(struct req *r)
{
	return list_page(r, 200, NULL);
}

/* The newsletter of the route (the request's), or 404. */
static int
route_newsletter(struct req *r, json_t **nl)
{
	int rc = store_newsletter_by_slug(r->db, r->arg[0], nl);

	own_json(r, *nl);
	return status_reply(rc);
}

/*
 * The newsletter of the route for a write: 403 when the editor is
 * limited to other sites than its own (docs/sites.md).
 */
static int
route_newsletter_w(struct req *r, json_t **nl)
{
	int status = route_newsletter(r, nl);

	if (status != 0)
		return status;
	return status_reply(newsletter_may(r->db, r->user->id, *nl));
}

/*
 * The site a newsletter's form names ("site", a slug) into s (s->id 0
 * when empty): 0, -1 for an unknown slug, or 403 when the editor is
 * limited to other sites.
 */
static int
form_site(struct req *r, struct url_query *q, struct site *s)
{
	const char *v = url_query_get(q, "site");
	int rc;

	s->id = 0;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (sites_by_slug(v, strlen(v), s) != 0)
		return -1;
	rc = store_user_may_site(r->db, r->user->id, s->id);
	return rc == STORE_NOTFOUND ? 403 : status_reply(rc);
}

static int
newsletter_page(struct req *r, int status, json_t *nl, const char *error)
{
	static const char *const times[] = { "send_at", "sent_at",
	    "created_at", NULL };
	json_t *issues, *sections, *row, *m;
	int64_t sent, failed, left;
	size_t i;
	int rc;

	if ((rc = store_issues_of(r->db, view_int(nl, "id"), ISSUES_SHOWN,
	    &issues)) != STORE_OK)
		return status_store(rc);
	own_json(r, issues);
	if ((rc = store_sections_all(r->db, &sections)) != STORE_OK)
		return status_store(rc);
	own_json(r, sections);
	json_array_foreach(issues, i, row) {
		add_local(row, times);
		if (strcmp(view_str(row, "status"), "draft") == 0 ||
		    store_issue_progress(r->db, view_int(row, "id"),
		    view_int(nl, "id"), &sent, &failed, &left) != STORE_OK)
			continue;
		json_object_set_new(row, "progress", json_pack("{s:I,s:I}",
		    "sent", (json_int_t)sent, "failed", (json_int_t)failed));
	}
	m = json_pack("{s:O,s:O,s:o,s:{s:s}}", "newsletter", nl, "issues",
	    issues, "sections", ticked(sections, json_object_get(nl,
	    "sections")), "page", "title", view_str(nl, "name"));
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (http_query(r, "done") != NULL)
		json_object_set_new(m, "done", json_true());
	return admin_render(r, status, "admin/newsletter", m);
}

int
page_admin_newsletter(struct req *r)
{
	json_t *nl;
	int status;

	if ((status = route_newsletter(r, &nl)) != 0)
		return status;
	return newsletter_page(r, 200, nl, NULL);
}

/*
 * Checks a newsletter's form (slug too when adding): NULL, or what is
 * wrong.  Fills the fields read.
 */
static const char *
check_newsletter(struct req *r, struct url_query *q, int adding,
    const char **slug, const char **name, const char **desc,
    int64_t *position, json_t **sections)
{
	const char *pos = url_query_get(q, "position");
	json_t *known;
	int rc;

	*sections = NULL;
	*name = url_query_get(q, "name");
	*desc = url_query_get(q, "description");
	*slug = url_query_get(q, "slug");
	if (*desc == NULL)
		*desc = "";
	*position = 0;
	if (adding && (*slug == NULL || strlen(*slug) > SLUG_MAX_LEN ||
	    !url_is_slug(*slug, strlen(*slug)) || strcmp(*slug, "all") == 0))
		return "The slug must be lowercase letters, digits and hyphens "
		    "(at most 60, and not \"all\").";
	if (*name == NULL || (*name)[0] == '\0' ||
	    strlen(*name) > NAME_MAX_LEN)
		return "A newsletter needs a name (at most 100 bytes).";
	if (strlen(*desc) > DESC_MAX_LEN)
		return "The description is at most 500 bytes.";
	if (pos != NULL && pos[0] != '\0' &&
	    parse_int(pos, strlen(pos), 0, 10000, position) != 0)
		return "Position is a number from 0 to 10000.";
	if ((rc = store_sections_all(r->db, &known)) != STORE_OK)
		return "The sections could not be read; try again.";
	own_json(r, known);
	rc = form_sections(q, known, sections);
	own_json(r, *sections);
	return rc != 0 ? "Choose sections from the list." : NULL;
}

int
page_admin_newsletter_add(struct req *r)
{
	const char *slug, *name, *desc, *why;
	struct url_query q;
	struct site site;
	json_t *sections = NULL;
	struct buf *loc = own_buf(r, 0);
	int64_t position, id;
	int status, rc;

	if ((status = read_post(r, &q, FORM_FIELDS)) != 0)
		return status;
	why = check_newsletter(r, &q, 1, &slug, &name, &desc, &position,
	    &sections);
	if (why == NULL && (status = form_site(r, &q, &site)) == -1)
		why = SITE_WHY;
	if (why != NULL) {
		status = list_page(r, 422, why);
		goto out;
	}
	/* Without a site, the list is the instance's own (site 1). */
	if (status == 0 && site.id == 0)
		status = status_reply(newsletter_may(r->db, r->user->id,
		    NULL));
	if (status != 0)
		goto out;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_newsletter_add(r->db, slug, name, desc, position, sections,
	    now_unix(), &id);
	if (rc == STORE_OK && site.id != 0)
		rc = store_newsletter_site(r->db, id, site.id);
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		status = list_page(r, 409, "A newsletter already has that slug.");
		goto out;
	}
	if ((status = commit(r, rc)) == 0) {
		buf_printf(loc, "/admin/newsletters/%s?done=1", slug);
		http_redirect(r, 303, loc->p);
	}
out:
	url_query_free(&q);
	return status;
}

int
page_admin_newsletter_update(struct req *r)
{
	const char *slug, *name, *desc, *why;
	struct url_query q;
	struct site site;
	json_t *nl = NULL, *sections = NULL;
	struct buf *loc = own_buf(r, 0);
	int64_t position;
	int status, rc;

	if ((status = read_post(r, &q, FORM_FIELDS)) != 0)
		return status;
	if ((status = route_newsletter_w(r, &nl)) != 0)
		goto out;
	why = check_newsletter(r, &q, 0, &slug, &name, &desc, &position,
	    &sections);
	if (why == NULL && (status = form_site(r, &q, &site)) == -1)
		why = SITE_WHY;
	if (why != NULL) {
		status = newsletter_page(r, 422, nl, why);
		goto out;
	}
	if (status != 0)
		goto out;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_newsletter_update(r->db, view_int(nl, "id"), name, desc,
	    position, sections);
	/* An empty site leaves it where it is. */
	if (rc == STORE_OK && site.id != 0 && (rc = store_newsletter_site(
	    r->db, view_int(nl, "id"), site.id)) == STORE_NOTFOUND)
		rc = STORE_OK;
	if ((status = commit(r, rc)) == 0) {
		buf_printf(loc, "/admin/newsletters/%s?done=1", r->arg[0]);
		http_redirect(r, 303, loc->p);
	}
out:
	url_query_free(&q);
	return status;
}

/* Goes to an issue's page, with what was done. */
static void
to_issue(struct req *r, const char *nl, int64_t id, const char *done)
{
	struct buf *loc = own_buf(r, 0);

	buf_printf(loc, "/admin/newsletters/%s/issues/%lld", nl,
	    (long long)id);
	if (done != NULL)
		buf_printf(loc, "?done=%s", done);
	http_redirect(r, 303, loc->p);
}

int
page_admin_issue_new(struct req *r)
{
	struct url_query q;
	json_t *nl = NULL;
	int64_t id = 0;
	int status;

	if ((status = read_post(r, &q, 4)) != 0)
		return status;
	if ((status = route_newsletter_w(r, &nl)) != 0)
		goto out;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	if ((status = commit(r, newsletter_issue_new(r->db, nl, NULL, "", NULL,
	    now_unix(), &id))) == 0)
		to_issue(r, r->arg[0], id, "new");
out:
	url_query_free(&q);
	return status;
}

/* The issue of the route in newsletter nl, or 404. */
static int
route_issue(struct req *r, json_t *nl, json_t **is)
{
	int64_t id;
	int rc;

	*is = NULL;
	if (parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX, &id) != 0)
		return 404;
	if ((rc = store_issue_get(r->db, id, is)) != STORE_OK)
		return status_store(rc);
	own_json(r, *is);
	if (view_int(*is, "newsletter_id") != view_int(nl, "id")) {
		*is = NULL;
		return 404;
	}
	return 0;
}

static const struct {
	const char	*key;
	const char	*text;
} dones[] = {
	{ "new", "A new draft, filled with the stories of the newsletter's "
	    "sections since its last issue." },
	{ "saved", "Saved." },
	{ "test", "A test copy is on its way." },
	{ "scheduled", "Scheduled: it goes out at the time shown." },
	{ "sending", "Sending: the figures below follow it." },
	{ "draft", "Not scheduled any more: it is a draft again." },
};

/* The issue's stories, in order, and recent ones it could add (owned). */
static int
issue_stories(struct req *r, json_t *nl, json_t *is, json_t **stories,
    json_t **more)
{
	json_t *recent, *v, *a;
	size_t i, k;
	int64_t now = now_unix();
	char d[64];
	int rc;

	*stories = own_json(r, json_array());
	*more = own_json(r, json_array());
	json_array_foreach(json_object_get(is, "articles"), i, v) {
		if (store_article_brief(r->db, json_integer_value(v), &a) !=
		    STORE_OK)
			continue;
		view_fmt_date_long(view_int(a, "published_at"), d, sizeof(d));
		json_object_set_new(a, "date", json_string(d));
		json_object_set_new(a, "pos", json_integer((json_int_t)i + 1));
		json_array_append_new(*stories, a);
	}
	if ((rc = store_newsletter_recent(r->db, view_int(nl, "id"),
	    now - SUGGEST_AGE, now, SUGGEST_MAX, &recent)) != STORE_OK)
		return rc;
	own_json(r, recent);
	json_array_foreach(recent, i, v) {
		json_array_foreach(json_object_get(is, "articles"), k, a)
			if (json_integer_value(a) == view_int(v, "id"))
				break;
		if (k < json_array_size(json_object_get(is, "articles")) ||
		    store_article_brief(r->db, view_int(v, "id"), &a) !=
		    STORE_OK)
			continue;
		view_fmt_date_long(view_int(a, "published_at"), d, sizeof(d));
		json_object_set_new(a, "date", json_string(d));
		json_array_append_new(*more, a);
	}
	return STORE_OK;
}

static int
issue_page(struct req *r, int status, json_t *nl, json_t *is,
    const char *error)
{
	static const char *const times[] = { "send_at", "sent_at",
	    "created_at", "updated_at", NULL };
	const char *st = view_str(is, "status"), *done = http_query(r, "done");
	json_t *stories, *more, *m;
	int64_t sent, failed, left, total, id = view_int(is, "id");
	char at[32], url[160], key[32];
	time_t soon = (time_t)(now_unix() + 3600);
	struct tm tm;
	size_t i;
	int rc;

	if ((rc = issue_stories(r, nl, is, &stories, &more)) != STORE_OK ||
	    (rc = store_issue_progress(r->db, id, view_int(nl, "id"), &sent,
	    &failed, &left)) != STORE_OK)
		return status_store(rc);
	if (strcmp(st, "sent") == 0)
		left = 0;
	total = sent + failed + left;
	add_local(is, times);
	localtime_r(&soon, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:00", &tm);
	snprintf(url, sizeof(url), "/admin/newsletters/%s/issues/%lld/preview",
	    view_str(nl, "slug"), (long long)id);
	m = json_pack("{s:O,s:O,s:O,s:O,s:s,s:s,s:b,s:b,s:{s:I,s:I,s:I,s:I,"
	    "s:I},s:{s:s}}", "newsletter", nl, "issue", is, "stories", stories,
	    "more", more, "preview_url", url, "default_at", at,
	    "editable", strcmp(st, "draft") == 0 || strcmp(st, "scheduled") == 0,
	    "refresh", strcmp(st, "sending") == 0,
	    "progress", "total", (json_int_t)total, "sent", (json_int_t)sent,
	    "failed", (json_int_t)failed, "remaining", (json_int_t)left,
	    "percent", (json_int_t)(total > 0 ? (sent + failed) * 100 / total :
	    0), "page", "title", view_str(is, "subject"));
	snprintf(key, sizeof(key), "status_%s", st);
	json_object_set_new(m, key, json_true());
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (done != NULL && strcmp(done, "sending") == 0 &&
	    strcmp(st, "sent") == 0)
		done = NULL;
	for (i = 0; done != NULL && error == NULL && i < ARRAY_SIZE(dones); i++)
		if (strcmp(done, dones[i].key) == 0)
			json_object_set_new(m, "done", json_string(
			    dones[i].text));
	return admin_render(r, status, "admin/issue", m);
}

int
page_admin_issue(struct req *r)
{
	json_t *nl = NULL, *is = NULL;
	int status;

	if ((status = route_newsletter(r, &nl)) == 0 &&
	    (status = route_issue(r, nl, &is)) == 0)
		status = issue_page(r, 200, nl, is, NULL);
	return status;
}

/* A story the form names to add: its slug, or its address on the site. */
static int
story_of(struct req *r, const char *in, int64_t *id)
{
	const char *p = strstr(in, "/article/");
	char slug[201];
	size_t n;
	json_t *a;

	if (p != NULL)
		in = p + 9;
	n = strcspn(in, "/?#");
	if (n == 0 || n >= sizeof(slug) || !url_is_slug(in, n))
		return -1;
	memcpy(slug, in, n);
	slug[n] = '\0';
	if (store_article_get(r->db, slug, now_unix(), &a) != STORE_OK)
		return -1;
	*id = view_int(own_json(r, a), "id");
	return 0;
}

struct pick {
	int64_t	id;
	int64_t	pos;	/* the order asked for, or after every given one */
	size_t	seen;	/* the order on the form, to break ties */
};

static int
pick_cmp(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->seen < y->seen ? -1 : x->seen > y->seen;
}

/*
 * The issue's stories as the form sets them: the ticked ones ("a"), in
 * the order of their "pN" numbers, then the one named by "add".  NULL
 * and *why when the form is wrong.
 */
static json_t *
form_stories(struct req *r, const struct url_query *q, const char **why)
{
	struct pick picks[NL_ARTICLES_MAX + 1];
	const char *add = url_query_get(q, "add"), *pos;
	char key[32];
	size_t i, k, n = 0;
	int64_t id;
	json_t *out;

	*why = NULL;
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->p[i].key, "a") != 0)
			continue;
		if (parse_int(q->p[i].val, strlen(q->p[i].val), 1, INT64_MAX,
		    &id) != 0) {
			*why = "The list of stories is malformed.";
			return NULL;
		}
		for (k = 0; k < n && picks[k].id != id; k++)
			;
		if (k < n)
			continue;
		if (n == NL_ARTICLES_MAX) {
			*why = "An issue holds at most 50 stories.";
			return NULL;
		}
		snprintf(key, sizeof(key), "p%lld", (long long)id);
		pos = url_query_get(q, key);
		picks[n].id = id;
		picks[n].seen = n;
		picks[n].pos = INT64_MAX;
		if (pos != NULL && pos[0] != '\0' && parse_int(pos, strlen(pos),
		    1, 1000, &picks[n].pos) != 0) {
			*why = "A story's place is a number from 1 to 1000.";
			return NULL;
		}
		n++;
	}
	if (add != NULL && add[0] != '\0') {
		if (story_of(r, add, &id) != 0) {
			*why = "No published story has that address or slug.";
			return NULL;
		}
		for (k = 0; k < n && picks[k].id != id; k++)
			;
		if (k == n) {
			if (n == NL_ARTICLES_MAX) {
				*why = "An issue holds at most 50 stories.";
				return NULL;
			}
			picks[n].id = id;
			picks[n].pos = INT64_MAX;
			picks[n].seen = n;
			n++;
		}
	}
	qsort(picks, n, sizeof(picks[0]), pick_cmp);
	out = own_json(r, json_array());
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_integer(picks[i].id));
	if (!newsletter_articles_ok(r->db, out)) {
		*why = "Only published stories can go into an issue.";
		return NULL;
	}
	return out;
}

/* A scheduled issue back to a draft (its job then finds it stale). */
static int
unschedule(struct req *r, json_t *nl, json_t *is)
{
	int status;

	if (strcmp(view_str(is, "status"), "scheduled") != 0)
		return issue_page(r, 409, nl, is, "Only a scheduled issue can "
		    "be taken back.");
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	if ((status = commit(r, store_issue_status(r->db, view_int(is, "id"),
	    "draft", 0, 0, now_unix()))) == 0)
		to_issue(r, r->arg[0], view_int(is, "id"), "draft");
	return status;
}

int
page_admin_issue_post(struct req *r)
{
	const char *action, *subject, *intro, *st, *why = NULL, *done = "saved";
	const char *confirm;
	char email[256];
	json_t *nl = NULL, *is = NULL, *stories = NULL, *fresh = NULL;
	struct url_query q;
	int64_t at = 0, now = now_unix();
	char *ids = NULL;
	int status, rc;

	if ((status = read_post(r, &q, FORM_FIELDS)) != 0)
		return status;
	if ((status = route_newsletter_w(r, &nl)) != 0 ||
	    (status = route_issue(r, nl, &is)) != 0)
		goto out;
	action = url_query_get(&q, "action");
	subject = url_query_get(&q, "subject");
	intro = url_query_get(&q, "intro");
	st = view_str(is, "status");
	if (action == NULL || (strcmp(action, "save") != 0 &&
	    strcmp(action, "test") != 0 && strcmp(action, "send") != 0 &&
	    strcmp(action, "schedule") != 0 &&
	    strcmp(action, "unschedule") != 0)) {
		status = issue_page(r, 400, nl, is, "The form named no action.");
		goto out;
	}
	if (strcmp(st, "draft") != 0 && strcmp(st, "scheduled") != 0) {
		status = issue_page(r, 409, nl, is, "This issue is being sent "
		    "or was sent; it cannot change.");
		goto out;
	}
	if (strcmp(action, "unschedule") == 0) {
		status = unschedule(r, nl, is);
		goto out;
	}
	/* Sending cannot be taken back: the form's box says it was meant. */
	confirm = url_query_get(&q, "confirm_send");
	if (strcmp(action, "send") == 0 &&
	    (confirm == NULL || strcmp(confirm, "yes") != 0))
		why = "Tick \"send to every active subscriber\" "
		    "(confirm_send) to send it now.";
	else if (subject == NULL || subject[0] == '\0' ||
	    strlen(subject) > NL_SUBJECT_MAX)
		why = "The subject is 1 to 300 bytes.";
	else if (intro != NULL && strlen(intro) > NL_INTRO_MAX)
		why = "The introduction is at most 5000 bytes.";
	else if ((stories = form_stories(r, &q, &why)) == NULL)
		;
	else if (json_array_size(stories) == 0 && strcmp(action, "save") != 0)
		why = "Add at least one story before sending.";
	else if (strcmp(action, "test") == 0) {
		const char *to = url_query_get(&q, "test_email");

		if (to == NULL || strlen(to) >= sizeof(email) ||
		    page_email_norm(to, email, sizeof(email)) != 0)
			why = "Give the address for the test, like "
			    "name@example.com.";
	} else if (strcmp(action, "schedule") == 0) {
		const char *when = url_query_get(&q, "at");

		if (when == NULL || (at = admin_parse_local(when)) < 0)
			why = "Give the time to send it, in the site's time "
			    "zone.";
		else if (at <= now)
			why = "That time has passed; choose a later one, or "
			    "send it now.";
	}
	if (why != NULL) {
		status = issue_page(r, 422, nl, is, why);
		goto out;
	}
	ids = own_heap(r, json_dumps(stories, JSON_COMPACT));
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_issue_update(r->db, view_int(is, "id"), subject,
	    intro != NULL ? intro : "", ids, now);
	if (rc == STORE_OK && strcmp(action, "test") == 0) {
		if ((rc = store_issue_get(r->db, view_int(is, "id"), &fresh)) ==
		    STORE_OK)
			rc = newsletter_queue_test(r->db, own_json(r, fresh),
			    email);
		done = "test";
	} else if (rc == STORE_OK && strcmp(action, "save") != 0) {
		rc = newsletter_issue_schedule(r->db, is, at, now);
		done = at > 0 ? "scheduled" : "sending";
	}
	if (rc == STORE_NOTFOUND || rc == STORE_CONFLICT) {
		db_rollback(r->db);
		status = issue_page(r, 409, nl, is, "This issue started going "
		    "out meanwhile; it cannot change.");
		goto out;
	}
	if ((status = commit(r, rc)) == 0) {
		jobs_kick();
		to_issue(r, r->arg[0], view_int(is, "id"), done);
	}
out:
	url_query_free(&q);
	return status;
}

int
page_admin_newsletter_csv(struct req *r)
{
	struct buf *b = own_buf(r, 0);
	json_t *nl;
	char name[200];
	int status, rc;

	if ((status = route_newsletter(r, &nl)) != 0)
		return status;
	rc = newsletter_export(r->db, nl, b);
	snprintf(name, sizeof(name), "%s-subscribers", view_str(nl, "slug"));
	if (rc != STORE_OK)
		return status_store(rc);
	return http_send_csv(r, name, b);
}
