/*
 * page_newsletter.c — signing up for newsletters (double opt-in), the
 * confirmation link, and the pages a subscriber reaches from every
 * message: preferences and unsubscribing, by a signed token instead of
 * a password.
 *
 * The sign-up answers the same page whatever the address's state; what
 * differs goes to the address by email.  Confirmation links hold 256
 * random bits, of which the database keeps only the SHA-256; they work
 * once, for 48 hours.  The unsubscribe URL answers a POST without a CSRF
 * token (RFC 8058 one-click: the mail client posts it): the signed
 * token in the URL is the credential, and no third party can forge it.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "harden.h"
#include "req.h"
#include "jobs.h"
#include "newsletter.h"
#include "own.h"
#include "page.h"
#include "ratelimit.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"
#include "webhook.h"

#define EMAIL_MAX	254
#define CONFIRM_TTL	(48 * 3600)
#define LINK_TOKEN_LEN	43
#define CHOSEN_MAX	32

static const char consent_text[] = "I agree to receive the newsletters I "
    "chose at this address. I can unsubscribe at any time with the link "
    "in every message.";

/*
 * The newsletters a reader may sign up for on the request's site: its
 * own lists (docs/sites.md), the instance's on the instance's own site.
 */
static int
site_lists(struct req *r, json_t **out)
{
	return store_newsletters_of_site(r->db, r->site != NULL ?
	    r->site->id : SITES_DEFAULT, out);
}

/* The newsletters for a form, those in chosen (slugs) ticked. */
static int
choices(struct req *r, const char *const *chosen, size_t n, json_t **out)
{
	json_t *v;
	size_t i, k;
	int rc;

	if ((rc = site_lists(r, out)) != STORE_OK)
		return rc;
	json_array_foreach(*out, i, v) {
		const char *slug = json_string_value(json_object_get(v, "slug"));

		for (k = 0; k < n; k++)
			if (strcmp(chosen[k], slug) == 0)
				json_object_set_new(v, "checked", json_true());
	}
	return STORE_OK;
}

static int
signup_form(struct req *r, int status, const char *error, const char *email,
    const char *const *chosen, size_t n)
{
	json_t *list, *m;
	int rc;

	if ((rc = choices(r, chosen, n, &list)) != STORE_OK)
		return status_store(rc);
	m = json_pack("{s:s,s:o,s:s}", "email", email != NULL ? email : "",
	    "newsletters", list, "consent", consent_text);
	return page_form(r, status, "newsletter", "Newsletter Signup", error, m);
}

int
page_newsletter(struct req *r)
{
	const char *email = http_query(r, "email");
	const char *one = http_query(r, "n");

	if (email == NULL || strlen(email) > EMAIL_MAX)
		email = r->user != NULL ? r->user->email : "";
	return signup_form(r, 200, NULL, email, one != NULL ? &one : NULL,
	    one != NULL ? 1 : 0);
}

/* The distinct n=slug fields of a form, at most CHOSEN_MAX; -1 when more. */
static int
chosen_of(const struct url_query *q, const char **chosen, size_t *n)
{
	size_t i, k;

	*n = 0;
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->p[i].key, "n") != 0)
			continue;
		for (k = 0; k < *n; k++)
			if (strcmp(chosen[k], q->p[i].val) == 0)
				break;
		if (k < *n)
			continue;
		if (*n == CHOSEN_MAX)
			return -1;
		chosen[(*n)++] = q->p[i].val;
	}
	return 0;
}

/* The newsletter of a slug among list, or NULL. */
static json_t *
find(json_t *list, const char *slug)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(json_object_get(v, "slug")),
		    slug) == 0)
			return v;
	return NULL;
}

/*
 * Tells the webhooks a subscriber confirmed, inside the transaction:
 * the subscriber's number and when, never the address.
 */
static int
fire_confirmed(struct db *db, int64_t id, int64_t now)
{
	json_t *data = json_pack("{s:I,s:I}", "id", (json_int_t)id,
	    "confirmed_at", (json_int_t)now);
	int rc = data != NULL ? webhook_fire(db, WEBHOOK_SUBSCRIBER_CONFIRMED,
	    data) : STORE_ERROR;

	json_decref(data);
	return rc;
}

/* A new confirmation token and the hash kept of it. */
static void
confirm_token(char tok[64], char hash[65])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(tok, 64, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_token_hash(tok, hash);
}

int
page_newsletter_ask_confirm(struct db *db, const struct site *site,
    int64_t id, const char *email, json_t *names, int64_t now)
{
	char tok[64], hash[65];
	int rc;

	confirm_token(tok, hash);
	rc = store_subscriber_token_add(db, id, hash, now, now + CONFIRM_TTL);
	if (rc == STORE_OK)
		rc = newsletter_queue_confirm(db, site, email, tok, names);
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

/*
 * Records the sign-ups of sub to the newsletters chosen and queues the
 * letter that follows, inside the caller's transaction.  trusted: the
 * address is the signed-in reader's own (confirmed when the account
 * was), so no confirmation is needed.
 */
static int
sign_up(struct req *r, json_t *sub, json_t *current, const char **chosen,
    size_t n, int trusted)
{
	int64_t id = json_integer_value(json_object_get(sub, "id")), now =
	    now_unix();
	const char *email = json_string_value(json_object_get(sub, "email"));
	char ip[64];
	json_t *names = own_json(r, json_array()), *nl;
	size_t i;
	int rc = STORE_OK;

	http_client_ip(r, ip, sizeof(ip));
	for (i = 0; i < n && rc == STORE_OK; i++) {
		nl = find(current, chosen[i]);
		if (strcmp(json_string_value(json_object_get(nl, "status")),
		    "active") == 0)
			continue;
		rc = store_subscription_signup(r->db, id, json_integer_value(
		    json_object_get(nl, "id")), trusted ? "active" : "pending",
		    consent_text, ip, now);
		json_array_append(names, json_object_get(nl, "name"));
	}
	if (rc != STORE_OK)
		return rc;
	if (trusted) {
		rc = store_subscriber_confirm(r->db, id, now);
		if (rc == STORE_OK && json_array_size(names) > 0)
			rc = fire_confirmed(r->db, id, now);
		if (rc == STORE_OK)
			rc = json_array_size(names) > 0 ?
			    newsletter_queue_welcome(r->db, r->site, id, email) :
			    newsletter_queue_already(r->db, r->site, id, email);
	} else if (json_array_size(names) > 0) {
		rc = page_newsletter_ask_confirm(r->db, r->site, id, email,
		    names, now);
	} else {
		rc = newsletter_queue_already(r->db, r->site, id, email);
	}
	return rc;
}

int
page_newsletter_post(struct req *r)
{
	const char *chosen[CHOSEN_MAX], *raw, *consent, *why = NULL;
	char email[EMAIL_MAX + 1];
	struct url_query q;
	json_t *list = NULL, *sub = NULL, *current = NULL;
	size_t n = 0, i;
	int status, rc, trusted;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	if ((status = ratelimit_hit(r, RL_NEWSLETTER, NULL)) != 0)
		goto out;
	raw = url_query_get(&q, "email");
	consent = url_query_get(&q, "consent");
	if (raw == NULL || chosen_of(&q, chosen, &n) != 0) {
		status = signup_form(r, 400, "The form must carry an email "
		    "address and at most 32 newsletters.", NULL, NULL, 0);
		goto out;
	}
	/* Another site's list is not among these: 422, nothing stored. */
	if ((rc = site_lists(r, &list)) != STORE_OK) {
		status = status_store(rc);
		goto out;
	}
	own_json(r, list);
	for (i = 0; i < n && why == NULL; i++)
		if (find(list, chosen[i]) == NULL)
			why = "Choose among the newsletters listed.";
	if (page_email_norm(raw, email, sizeof(email)) != 0)
		why = "Give an email address like name@example.com.";
	else if (why == NULL && n == 0)
		why = "Choose at least one newsletter.";
	else if (why == NULL && (consent == NULL || strcmp(consent, "yes") != 0))
		why = "Tick the box to agree to receive the newsletters.";
	if (why != NULL) {
		status = signup_form(r, 422, why, strlen(raw) <= EMAIL_MAX ?
		    raw : "", chosen, n);
		goto out;
	}
	if ((status = ratelimit_hit(r, RL_NEWSLETTER, email)) != 0)
		goto out;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_subscriber_for_email(r->db, email, now_unix(), &sub);
	own_json(r, sub);
	if (rc == STORE_OK)
		rc = store_subscriptions_of(r->db, json_integer_value(
		    json_object_get(sub, "id")), &current);
	own_json(r, current);
	trusted = r->user != NULL && strcmp(r->user->email, email) == 0;
	if (rc == STORE_OK)
		rc = sign_up(r, sub, current, chosen, n, trusted);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		/* A sign-up that met a concurrent one is worth a retry. */
		status = status_write(rc == STORE_CONFLICT ? STORE_BUSY : rc);
		goto out;
	}
	jobs_kick();
	status = trusted ? page_notice(r, 200, "You are subscribed", "The "
	    "newsletters you chose will come to the address of your account; "
	    "we have sent it a welcome message with the links to change "
	    "them.", "/", "Back to the front page") :
	    page_notice(r, 200, "Check your email", "We have sent a message "
	    "to the address you gave. Open the link in it within 48 hours to "
	    "confirm your subscription.", "/", "Back to the front page");
out:
	url_query_free(&q);
	return status;
}

/* The hash of a confirmation token from the route, or -1. */
static int
route_hash(struct req *r, char hash[65])
{
	const char *t = r->arg[0];
	size_t i;

	if (r->arglen[0] != LINK_TOKEN_LEN)
		return -1;
	for (i = 0; i < LINK_TOKEN_LEN; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '-' && t[i] != '_')
			return -1;
	auth_token_hash(t, hash);
	return 0;
}

static int
confirm_gone(struct req *r)
{
	return page_notice(r, 410, "This link no longer works", "Confirmation "
	    "links work once, for 48 hours. Sign up again to get a new one.",
	    "/newsletter", "Newsletter Signup");
}

int
page_newsletter_confirm(struct req *r)
{
	char hash[65];
	int rc;

	http_header(r, "Referrer-Policy", "no-referrer");
	if (route_hash(r, hash) != 0)
		return confirm_gone(r);
	rc = store_subscriber_token_check(r->db, hash, now_unix());
	if (rc == STORE_NOTFOUND)
		return confirm_gone(r);
	if (rc != STORE_OK)
		return status_store(rc);
	return page_form(r, 200, "newsletter_confirm", "Confirm your "
	    "newsletters", NULL, json_pack("{s:s}", "action", r->path));
}

int
page_newsletter_confirm_post(struct req *r)
{
	struct url_query q;
	struct buf *url;
	char hash[65], token[NL_TOKEN_MAX];
	int64_t id, now = now_unix();
	json_t *sub = NULL;
	int status, rc;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	url_query_free(&q);
	http_header(r, "Referrer-Policy", "no-referrer");
	if (route_hash(r, hash) != 0)
		return confirm_gone(r);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_subscriber_token_use(r->db, hash, now, &id);
	if (rc == STORE_OK)
		rc = store_subscriber_confirm(r->db, id, now);
	if (rc == STORE_OK)
		rc = fire_confirmed(r->db, id, now);
	if (rc == STORE_OK)
		rc = store_subscriber_get(r->db, id, &sub);
	own_json(r, sub);
	if (rc == STORE_OK)
		rc = newsletter_queue_welcome(r->db, r->site, id,
		    json_string_value(json_object_get(sub, "email")));
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return rc == STORE_NOTFOUND ? confirm_gone(r) :
		    status_write(rc);
	}
	jobs_kick();
	newsletter_token(id, json_string_value(json_object_get(sub, "email")),
	    token);
	url = own_buf(r, 0);
	buf_printf(url, "/newsletter/preferences/%s?done=confirmed", token);
	http_redirect(r, 303, buf_err(url) ? "/newsletter" : url->p);
	return 0;
}

#define SENT	(-1)	/* the answer has gone out */

/*
 * The subscriber of the route's signed token (argument i), the
 * request's: 0, SENT after answering 404, or a status.
 */
static int
token_sub(struct req *r, int i, json_t **sub)
{
	int rc;

	http_header(r, "Referrer-Policy", "no-referrer");
	rc = newsletter_token_check(r->db, r->arg[i], r->arglen[i], sub);
	own_json(r, *sub);
	if (rc == STORE_NOTFOUND) {
		page_notice(r, 404, "This link does not work", "The link may "
		    "have been cut short by your mail program. Use the whole "
		    "link from one of our messages, or sign up again.",
		    "/newsletter", "Newsletter Signup");
		return SENT;
	}
	return status_reply(rc);
}

static const struct {
	const char	*key;
	const char	*text;
} dones[] = {
	{ "confirmed", "Your subscription is confirmed. Welcome!" },
	{ "saved", "Your choice is saved." },
	{ "all", "You are unsubscribed from every newsletter." },
};

int
page_newsletter_prefs(struct req *r)
{
	const char *done = http_query(r, "done");
	json_t *sub, *current, *v, *m;
	size_t i;
	int status, rc;

	if ((status = token_sub(r, 0, &sub)) != 0)
		return status == SENT ? 0 : status;
	if ((rc = store_subscriptions_of(r->db, json_integer_value(
	    json_object_get(sub, "id")), &current)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(current, i, v)
		if (strcmp(json_string_value(json_object_get(v, "status")),
		    "active") == 0)
			json_object_set_new(v, "checked", json_true());
	m = json_pack("{s:O,s:o,s:s}", "email", json_object_get(sub, "email"),
	    "newsletters", current, "action", r->path);
	for (i = 0; done != NULL && i < ARRAY_SIZE(dones); i++)
		if (strcmp(done, dones[i].key) == 0)
			json_object_set_new(m, "notice",
			    json_string(dones[i].text));
	return page_form(r, 200, "newsletter_preferences", "Your newsletters",
	    NULL, m);
}

/* Sets sub's newsletters to those chosen (others unsubscribed). */
static int
save_choice(struct req *r, int64_t id, const char **chosen, size_t n)
{
	char ip[64];
	json_t *current, *v;
	int64_t now = now_unix();
	size_t i, k;
	int rc;

	if ((rc = store_subscriptions_of(r->db, id, &current)) != STORE_OK)
		return rc;
	own_json(r, current);
	http_client_ip(r, ip, sizeof(ip));
	json_array_foreach(current, i, v) {
		const char *slug = json_string_value(json_object_get(v, "slug"));
		const char *st = json_string_value(json_object_get(v, "status"));
		int64_t nl = json_integer_value(json_object_get(v, "id"));
		int want = 0;

		for (k = 0; k < n; k++)
			if (strcmp(chosen[k], slug) == 0)
				want = 1;
		if (want && strcmp(st, "active") != 0)
			rc = store_subscription_signup(r->db, id, nl, "active",
			    consent_text, ip, now);
		else if (!want && st[0] != '\0')
			rc = store_subscription_set(r->db, id, nl,
			    "unsubscribed", now);
		if (rc != STORE_OK)
			break;
	}
	/* The link came by email to the address: that confirms it. */
	return rc == STORE_OK ? store_subscriber_confirm(r->db, id, now) : rc;
}

int
page_newsletter_prefs_post(struct req *r)
{
	const char *chosen[CHOSEN_MAX], *action;
	struct url_query q;
	struct buf *url;
	json_t *list = NULL, *sub = NULL;
	int64_t id;
	size_t n = 0, i;
	int status, rc, all;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	if ((status = token_sub(r, 0, &sub)) != 0) {
		status = status == SENT ? 0 : status;
		goto out;
	}
	action = url_query_get(&q, "action");
	all = action != NULL && strcmp(action, "all") == 0;
	if (chosen_of(&q, chosen, &n) != 0 || (action != NULL && !all &&
	    strcmp(action, "save") != 0)) {
		status = 400;
		goto out;
	}
	if ((rc = store_newsletters(r->db, &list)) != STORE_OK) {
		status = status_store(rc);
		goto out;
	}
	own_json(r, list);
	for (i = 0; i < n; i++)
		if (find(list, chosen[i]) == NULL) {
			status = 422;
			goto out;
		}
	id = json_integer_value(json_object_get(sub, "id"));
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = all ? store_subscriber_unsubscribe_all(r->db, id, now_unix()) :
	    save_choice(r, id, chosen, n);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = status_write(rc);
		goto out;
	}
	url = own_buf(r, 0);
	buf_printf(url, "%s?done=%s", r->path, all ? "all" : "saved");
	http_redirect(r, 303, buf_err(url) ? "/newsletter" : url->p);
	status = 0;
out:
	url_query_free(&q);
	return status;
}

/*
 * The newsletter an unsubscribe URL names (argument 0): its object (the
 * request's), or NULL for "all"; -1 when there is no such newsletter.
 */
static int
unsub_target(struct req *r, json_t **nl)
{
	int rc;

	*nl = NULL;
	if (strcmp(r->arg[0], "all") == 0)
		return 0;
	rc = store_newsletter_by_slug(r->db, r->arg[0], nl);
	own_json(r, *nl);
	return rc == STORE_OK ? 0 : -1;
}

int
page_newsletter_unsub(struct req *r)
{
	struct buf *prefs;
	json_t *sub, *nl, *m;
	int status;

	if ((status = token_sub(r, 1, &sub)) != 0)
		return status == SENT ? 0 : status;
	if (unsub_target(r, &nl) != 0)
		return 404;
	prefs = own_buf(r, 0);
	buf_printf(prefs, "/newsletter/preferences/%.*s", (int)r->arglen[1],
	    r->arg[1]);
	m = json_pack("{s:O,s:s,s:s,s:s}", "email", json_object_get(sub,
	    "email"), "action", r->path, "preferences", prefs->p, "what",
	    nl != NULL ? json_string_value(json_object_get(nl, "name")) :
	    "every newsletter");
	return page_form(r, 200, "newsletter_unsubscribe", "Unsubscribe", NULL,
	    m);
}

int
page_newsletter_unsub_post(struct req *r)
{
	json_t *sub, *nl;
	int64_t id;
	int status, rc;

	/* No CSRF token: the signed token is the credential (RFC 8058). */
	if ((status = token_sub(r, 1, &sub)) != 0)
		return status == SENT ? 0 : status;
	if (unsub_target(r, &nl) != 0)
		return 404;
	id = json_integer_value(json_object_get(sub, "id"));
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = nl == NULL ? store_subscriber_unsubscribe_all(r->db, id,
	    now_unix()) : store_subscription_set(r->db, id, json_integer_value(
	    json_object_get(nl, "id")), "unsubscribed", now_unix());
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	return page_notice(r, 200, "You are unsubscribed", strcmp(r->arg[0],
	    "all") != 0 ? "You will not receive this newsletter any more." :
	    "You will not receive any of our newsletters any more.",
	    "/newsletter", "Sign up again");
}

/*
 * GET /admin/newsletters/:slug/issues/:id/preview: the issue as its
 * subscribers will see it, for an editor (signed in, or by API token).
 */
int
page_newsletter_preview(struct req *r)
{
	struct buf *text, *html;
	struct user u;
	json_t *is;
	int64_t id;
	int status, rc;

	if (r->user != NULL)
		u = *r->user;
	else if ((status = auth_bearer(r, &u)) != 0)
		return status;
	if (u.role < ROLE_EDITOR)
		return 403;
	if (parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX, &id) != 0)
		return 404;
	if ((rc = store_issue_get(r->db, id, &is)) != STORE_OK)
		return status_store(rc);
	own_json(r, is);
	if (strcmp(json_string_value(json_object_get(is, "newsletter")),
	    r->arg[0]) != 0)
		return 404;
	text = own_buf(r, 0);
	html = own_buf(r, 0);
	newsletter_render(r->db, is, NULL, text, html);
	if (buf_err(html))
		return 500;
	http_header(r, "Cache-Control", "no-store");
	/* A message's styles are inline: its policy allows those alone. */
	r->policy = HARDEN_MAIL;
	http_send_buf(r, 200, "text/html; charset=utf-8", html);
	return 0;
}
