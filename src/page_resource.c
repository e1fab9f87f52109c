/*
 * page_resource.c — white papers and other gated resources for readers:
 * the list, one page per resource, the form that asks for a reader's
 * details, and the download behind a signed, expiring link.
 *
 * The list and the resource's page are shared and cached like any page
 * (tags rs<ID>, resources, sp<ID>); their small form is a plain GET to
 * the access page, which is rendered for the reader who asks and
 * carries their CSRF token (the newsletter form works the same way).
 * A signed-in reader whose profile has a name, a company and a job title
 * downloads with one button there, and is recorded as a lead all the
 * same.
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "cache.h"
#include "config.h"
#include "db.h"
#include "req.h"
#include "jobs.h"
#include "newsletter.h"
#include "own.h"
#include "page.h"
#include "picture.h"
#include "ratelimit.h"
#include "resource.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define FIELD_MAX	200
#define EMAIL_MAX	254

static const char consent_text[] = "I agree that the publisher and the "
    "sponsor of this resource may contact me about it and related "
    "products and events at the address I gave.";

static const char *const lead_fields[] = { "name", "email", "company",
    "job_title" };

int
model_resources(struct req *r, json_t **out)
{
	struct cursor cur, next = { 0, 0 };
	json_t *list, *last;
	int64_t now = page_now(), t;
	int rc;

	*out = NULL;
	if (page_cursor(r, &cur) != 0)
		return 400;
	if ((rc = store_resources(r->db, now, &cur, (int)config.page_size + 1,
	    &list)) != STORE_OK)
		return status_store(rc);
	if (json_array_size(list) > (size_t)config.page_size) {
		json_array_remove(list, (size_t)config.page_size);
		last = json_array_get(list, (size_t)config.page_size - 1);
		next.t = json_integer_value(json_object_get(last,
		    "published_at"));
		next.id = json_integer_value(json_object_get(last, "id"));
	}
	view_resources(list);
	picture_first_of(list);
	/* The list changes with any resource, and when one goes live. */
	cache_dep_str(tag_resources().s);
	if ((t = store_resources_next_publish(r->db, now)) > 0)
		cache_dep_until(t);
	*out = json_pack("{s:o}", "resources", list);
	page_add_pagination(*out, "/resources", &cur, &next);
	return 0;
}

int
page_resources(struct req *r)
{
	json_t *m;
	int status, rc;

	if ((status = model_resources(r, &m)) != 0)
		return status;
	own_json(r, m);
	json_object_set_new(m, "page", json_pack("{s:s}", "title",
	    "White Papers"));
	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	return page_render(r, 200, "resources", json_incref(m));
}

int
model_resource(struct req *r, const char *slug, json_t **out)
{
	json_t *v;
	int rc;

	*out = NULL;
	if (!url_is_slug(slug, strlen(slug)))
		return 404;
	if ((rc = store_resource_get(r->db, slug, page_now(), &v)) !=
	    STORE_OK) {
		/* A resource dated in the future appears at its time. */
		cache_dep_str(tag_resources().s);
		return status_store(rc);
	}
	view_resource(v);
	picture_first(json_object_get(v, "image"));
	*out = json_pack("{s:o}", "resource", v);
	return 0;
}

int
page_resource(struct req *r)
{
	json_t *m;
	int status, rc;

	if ((status = model_resource(r, r->arg[0], &m)) != 0)
		return status;
	own_json(r, m);
	json_object_set_new(m, "page", json_pack("{s:O}", "title",
	    json_object_get(json_object_get(m, "resource"), "title")));
	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	return page_render(r, 200, "resource", json_incref(m));
}

/* The resource of the route's slug, published; 0 or a status. */
static int
route_resource(struct req *r, json_t **out)
{
	int rc;

	*out = NULL;
	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	rc = store_resource_get(r->db, r->arg[0], page_now(), out);
	if (rc == STORE_OK)
		view_resource(*out);
	return status_reply(rc);
}

/*
 * The signed-in reader's profile when it is complete (the request's),
 * else NULL.
 */
static json_t *
complete_profile(struct req *r)
{
	json_t *p;

	if (r->user == NULL || r->user->name[0] == '\0' ||
	    store_user_profile(r->db, r->user->id, &p) != STORE_OK)
		return NULL;
	own_json(r, p);
	if (view_str(p, "company")[0] == '\0' ||
	    view_str(p, "job_title")[0] == '\0')
		return NULL;
	json_object_set_new(p, "name", json_string(r->user->name));
	json_object_set_new(p, "email", json_string(r->user->email));
	return p;
}

/*
 * The access form for res (which it takes); f holds what was typed (or
 * NULL), also taken.
 */
static int
access_form(struct req *r, int status, json_t *res, json_t *f,
    const char *error)
{
	json_t *m, *profile = complete_profile(r);

	if (f == NULL) {
		f = json_object();
		if (r->user != NULL) {
			json_object_set_new(f, "name", json_string(
			    r->user->name));
			json_object_set_new(f, "email", json_string(
			    r->user->email));
		}
	}
	m = json_pack("{s:o,s:o,s:s}", "resource", res, "f", f, "consent",
	    consent_text);
	if (profile != NULL)
		json_object_set(m, "profile", profile);
	return page_form(r, status, "resource_access", json_string_value(
	    json_object_get(res, "title")), error, m);
}

/*
 * GET shows the empty form (a signed-in reader's name and email filled
 * in): no personal detail is read from, or travels in, a URL.
 */
int
page_resource_access(struct req *r)
{
	json_t *res;
	int status;

	if ((status = route_resource(r, &res)) != 0)
		return status;
	return access_form(r, 200, res, NULL, NULL);
}

/*
 * POST /resources/:slug/access/start: the cached page's short form (no
 * CSRF token, as the page is the same for everyone) posts the reader's
 * details here, and the answer is the full form with them filled in.
 * Nothing is stored; the full form carries the token.
 */
int
page_resource_access_start(struct req *r)
{
	struct url_query q;
	json_t *res, *f;
	const char *v;
	int status;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	if ((status = route_resource(r, &res)) != 0) {
		url_query_free(&q);
		return status;
	}
	f = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(lead_fields); i++)
		if ((v = url_query_get(&q, lead_fields[i])) != NULL &&
		    strlen(v) <= FIELD_MAX + 60)
			json_object_set_new(f, lead_fields[i], json_string(v));
	url_query_free(&q);
	return access_form(r, 200, res, f, NULL);
}

/* The absolute download link of a lead into b. */
static void
download_url(struct buf *b, const char *slug, int64_t lead, int64_t exp)
{
	char sig[RESOURCE_SIG_LEN + 1], path[400];

	resource_sign(lead, exp, sig);
	snprintf(path, sizeof(path), "/resources/%s/download?lead=%lld&exp="
	    "%lld&sig=%s", slug, (long long)lead, (long long)exp, sig);
	newsletter_site_url(b, path);
}

/* A field of q without surrounding blanks, in the request's pool; NULL when absent. */
static const char *
trimmed(struct req *r, struct url_query *q, const char *name)
{
	const char *s = url_query_get(q, name), *e;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return h2o_strdup(&r->h->pool, s, (size_t)(e - s)).base;
}

/* Control characters have no place in a name, company or title. */
static int
line_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int
page_resource_access_post(struct req *r)
{
	struct url_query q;
	struct lead_input l;
	struct buf *url = own_buf(r, 0);
	char email[EMAIL_MAX + 1], ip[64], until[64];
	const char *why = NULL, *v[ARRAY_SIZE(lead_fields)], *consent;
	json_t *res = NULL, *f, *profile = NULL, *m;
	int64_t id = 0, exp, now = now_unix();
	size_t i;
	int status, rc, oneclick;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	/* After this point, all errors go through out. */
	status = route_resource(r, &res);
	own_json(r, res);
	if (status != 0)
		goto out;
	if ((status = ratelimit_hit(r, RL_RESOURCE, NULL)) != 0)
		goto out;
	oneclick = url_query_get(&q, "oneclick") != NULL;
	if (oneclick) {
		if ((profile = complete_profile(r)) == NULL) {
			status = access_form(r, 422, json_incref(res), NULL,
			    "Complete your profile (name, company and job "
			    "title) on your account page, or fill in the "
			    "form.");
			goto out;
		}
		for (i = 0; i < ARRAY_SIZE(lead_fields); i++)
			v[i] = view_str(profile, lead_fields[i]);
		consent = "yes";
	} else {
		for (i = 0; i < ARRAY_SIZE(lead_fields); i++)
			v[i] = trimmed(r, &q, lead_fields[i]);
		consent = url_query_get(&q, "consent");
	}
	for (i = 0; i < ARRAY_SIZE(lead_fields); i++)
		if (v[i] == NULL) {
			status = access_form(r, 400, json_incref(res), NULL,
			    "The form must carry a name, an email address, a "
			    "company and a job title.");
			goto out;
		}
	f = own_json(r, json_object());
	for (i = 0; i < ARRAY_SIZE(lead_fields); i++)
		json_object_set_new(f, lead_fields[i], json_string(
		    strlen(v[i]) <= FIELD_MAX + 60 ? v[i] : ""));
	if (v[0][0] == '\0' || strlen(v[0]) > FIELD_MAX || !line_ok(v[0]))
		why = "Give your name (at most 200 characters).";
	else if (page_email_norm(v[1], email, sizeof(email)) != 0)
		why = "Give an email address like name@example.com.";
	else if (v[2][0] == '\0' || strlen(v[2]) > FIELD_MAX || !line_ok(v[2]))
		why = "Give your company (at most 200 characters).";
	else if (v[3][0] == '\0' || strlen(v[3]) > FIELD_MAX || !line_ok(v[3]))
		why = "Give your job title (at most 200 characters).";
	else if (consent == NULL || strcmp(consent, "yes") != 0)
		why = "Tick the box to agree to be contacted about this "
		    "resource.";
	else if (view_str(res, "kind")[0] == '\0')
		why = "This resource has no file yet: try again later.";
	if (why != NULL) {
		status = access_form(r, 422, json_incref(res), json_incref(f),
		    why);
		goto out;
	}
	if ((status = ratelimit_hit(r, RL_RESOURCE, email)) != 0)
		goto out;
	http_client_ip(r, ip, sizeof(ip));
	memset(&l, 0, sizeof(l));
	l.resource_id = view_int(res, "id");
	l.user_id = r->user != NULL ? r->user->id : 0;
	l.name = v[0];
	l.email = email;
	l.company = v[2];
	l.job_title = v[3];
	l.consent = consent_text;
	l.ip = ip;
	l.now = now;
	exp = now + config.resource_link_ttl;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_lead_add(r->db, &l, &id);
	if (rc == STORE_OK) {
		download_url(url, view_str(res, "slug"), id, exp);
		rc = buf_err(url) ? STORE_INVALID : resource_queue_link(r->db,
		    l.name, email, view_str(res, "title"), url->p, exp);
	}
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = status_write(rc);
		goto out;
	}
	jobs_kick();
	view_fmt_date_long(exp, until, sizeof(until));
	m = json_pack("{s:O,s:s,s:s,s:s}", "resource", res, "url", url->p,
	    "email", email, "until", until);
	r->cache_control = "private, no-store";
	status = page_form(r, 200, "resource_download", view_str(res,
	    "title"), NULL, m);
out:
	url_query_free(&q);
	return status;
}

/* A number of the query in [1, INT64_MAX], or -1. */
static int64_t
query_num(struct req *r, const char *name)
{
	const char *s = http_query(r, name);
	int64_t v;

	if (s == NULL || parse_int(s, strlen(s), 1, INT64_MAX, &v) != 0)
		return -1;
	return v;
}

static int
refused(struct req *r, int status)
{
	r->cache_control = "private, no-store";
	if (status == 410)
		return page_notice(r, 410, "This download link has expired",
		    "Download links work for a limited time. Ask for the "
		    "resource again to get a new one.", "/resources",
		    "White Papers");
	return page_notice(r, status, "This download link does not work",
	    "The link is not one we sent, or it was cut short. Open it from "
	    "the message again, or ask for the resource again.",
	    "/resources", "White Papers");
}

int
page_resource_download(struct req *r)
{
	const char *sig = http_query(r, "sig");
	int64_t lead = query_num(r, "lead"), exp = query_num(r, "exp");
	char path[1024];
	json_t *l;
	int rc;

	http_header(r, "Referrer-Policy", "no-referrer");
	if (lead < 0 || exp < 0 || sig == NULL)
		return refused(r, 403);
	switch (resource_check(lead, exp, sig, strlen(sig), now_unix())) {
	case RL_LINK_OK:
		break;
	case RL_LINK_EXPIRED:
		return refused(r, 410);
	default:
		return refused(r, 403);
	}
	if ((rc = store_lead_get(r->db, lead, &l)) == STORE_NOTFOUND)
		return refused(r, 410);
	if (rc != STORE_OK)
		return status_store(rc);
	own_json(r, l);
	/* A link of another resource's lead is not this one's. */
	if (strlen(view_str(l, "slug")) != r->arglen[0] ||
	    memcmp(view_str(l, "slug"), r->arg[0], r->arglen[0]) != 0)
		return refused(r, 403);
	/* Withdrawn since: its links stop with it. */
	if (!json_is_integer(json_object_get(l, "published_at")) ||
	    view_int(l, "published_at") > now_unix()) {
		r->cache_control = "private, no-store";
		return page_notice(r, 410, "This resource has been withdrawn",
		    "It is no longer offered, and its download links have "
		    "stopped working.", "/resources", "White Papers");
	}
	if (view_str(l, "link_url")[0] != '\0') {
		r->cache_control = "private, no-store";
		http_redirect(r, 303, view_str(l, "link_url"));
		return 0;
	}
	if (strlen(view_str(l, "file_hash")) != 64)
		return 404;
	snprintf(path, sizeof(path), "%s/%s.pdf", config.media_dir,
	    view_str(l, "file_hash"));
	http_attachment(r, view_str(l, "slug"), "pdf");
	return http_send_file(r, path, "application/pdf", "private, no-store");
}
