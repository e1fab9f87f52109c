/*
 * page_privacy.c — a reader's own data: what the site keeps about an
 * email address (newsletter subscriptions, event and webinar
 * registrations, white papers downloaded),
 * with the consent given for each, shown to the owner of the address,
 * who may download it or erase any of it.
 *
 * The page is reached by a link sent to the address (anyone may ask; the
 * answer is the same whether or not the site knows the address), or
 * straight from /account by a signed-in reader, whose address was
 * confirmed when the account was made.  The link names the address and
 * the moment it expires, signed with the key of readers' links, so
 * nothing is stored to issue it:
 *
 *	/your-data/EXPIRES.BASE64URL(EMAIL).MAC
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "db.h"
#include "escape.h"
#include "req.h"
#include "jobs.h"
#include "mail.h"
#include "newsletter.h"
#include "own.h"
#include "page.h"
#include "ratelimit.h"
#include "registration.h"
#include "sign.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define DATA_TTL	3600		/* seconds a link works */
#define EMAIL_MAX	SIGN_EMAIL_MAX
#define TOKEN_MAX	SIGN_EMAIL_TOKEN_MAX
#define ASK_PER_IP	10		/* links asked for an hour, per address */
#define ASK_PER_EMAIL	3		/* and per email address */

/*
 * The kinds of data a reader may see and erase, each with its lister
 * (the rows of an address) and eraser (one row, by the id the lister
 * gave, only when it belongs to the address).
 */
static int	 forget_subscription(struct db *, int64_t, const char *);

static const struct kind {
	const char	*name;		/* the model's key and the form's "what" */
	int		(*list)(struct db *, const char *, json_t **);
	int		(*forget)(struct db *, int64_t, const char *);
} kinds[] = {
	{ "subscriptions", store_subscriptions_by_email, forget_subscription },
	{ "registrations", store_registrations_by_email,
	    registration_delete },
	{ "downloads", store_leads_by_email, store_lead_delete },
};

static int
forget_subscription(struct db *db, int64_t newsletter, const char *email)
{
	return store_subscription_forget(db, email, newsletter);
}

/* The link's token for email, working until expires. */
static void
token_make(const char *email, int64_t expires, char out[TOKEN_MAX])
{
	sign_email_token(newsletter_key(), "your-data", email, expires, out);
}

/* The link's address from the route, or a status page already sent. */
static int
route_email(struct req *r, char email[EMAIL_MAX + 1], int *sent)
{
	enum sign_result t;

	*sent = 0;
	r->cache_control = "private, no-store";
	http_header(r, "Referrer-Policy", "no-referrer");
	t = sign_email_token_check(newsletter_key(), "your-data", r->arg[0],
	    r->arglen[0], now_unix(), email);
	if (t == SIGN_OK)
		return 0;
	*sent = 1;
	if (t == SIGN_EXPIRED)
		return page_notice(r, 410, "This link has expired", "Links to "
		    "your data work for an hour. Ask for a new one and it "
		    "will come to the same address.", "/your-data",
		    "Ask for a new link");
	return page_notice(r, 404, "This link does not work", "It may have "
	    "been cut short when it was copied. Ask for a new one.",
	    "/your-data", "Ask for a new link");
}

/*
 * Every kind's rows for email under the kinds' names in m; answers kept
 * as JSON text (a registration's) become what they hold.
 */
static int
gather(struct db *db, const char *email, json_t *m)
{
	json_t *rows, *row, *v;
	size_t i, j;
	int rc;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if ((rc = kinds[i].list(db, email, &rows)) != STORE_OK)
			return rc;
		json_array_foreach(rows, j, row) {
			if (!json_is_string(json_object_get(row, "answers")))
				continue;
			v = json_loads(view_str(row, "answers"), 0, NULL);
			json_object_set_new(row, "answers", json_is_array(v) ? v :
			    (json_decref(v), json_array()));
		}
		json_object_set_new(m, kinds[i].name, rows);
	}
	return STORE_OK;
}

/* Adds "date" (the long date of key's time) to each row of a. */
static void
add_dates(json_t *a, const char *key)
{
	char d[64];
	size_t i;
	json_t *row;

	json_array_foreach(a, i, row) {
		view_fmt_date_long(view_int(row, key), d, sizeof(d));
		json_object_set_new(row, "date", json_string(d));
	}
}

int
page_data_ask(struct req *r)
{
	char tok[TOKEN_MAX], path[TOKEN_MAX + 16];

	r->cache_control = "private, no-store";
	if (r->user != NULL) {
		token_make(r->user->email, now_unix() + DATA_TTL, tok);
		snprintf(path, sizeof(path), "/your-data/%s", tok);
		http_redirect(r, 303, path);
		return 0;
	}
	return page_form(r, 200, "your_data_ask", "Your data", NULL,
	    json_object());
}

/* Queues the letter with the link, inside the caller's transaction. */
static int
queue_link(struct req *r, const char *email)
{
	struct buf *url = own_buf(r, 0), *text = own_buf(r, 0),
	    *html = own_buf(r, 0);
	char tok[TOKEN_MAX], site[200], tmp[200], subject[300];
	static const char before[] = "Someone, we hope you, asked to see "
	    "what we keep about this address. This link shows it, with the "
	    "buttons that erase it, for the next hour:";
	static const char after[] = "If you did not ask, you need do "
	    "nothing: the link stops working by itself.";
	int rc;

	strlcpy_(site, store_setting(r->db, "site_name", "masthead", tmp,
	    sizeof(tmp)), sizeof(site));
	snprintf(subject, sizeof(subject), "Your data at %s", site);
	token_make(email, now_unix() + DATA_TTL, tok);
	newsletter_site_url(url, "/your-data/");
	buf_puts(url, tok);
	buf_printf(text, "%s\n\n%s\n\n%s\n\n-- \n%s\n", before, url->p,
	    after, site);
	BUF_LIT(html, "<!doctype html><html><body><p>");
	esc_html(html, before, strlen(before));
	BUF_LIT(html, "</p>\n<p><a href=\"");
	esc_html(html, url->p, url->len);
	BUF_LIT(html, "\">");
	esc_html(html, url->p, url->len);
	BUF_LIT(html, "</a></p>\n<p>");
	esc_html(html, after, strlen(after));
	BUF_LIT(html, "</p>\n<p>");
	esc_html(html, site, strlen(site));
	BUF_LIT(html, "</p></body></html>\n");
	rc = buf_err(text) || buf_err(html) || buf_err(url) ?
	    STORE_INVALID : mail_queue(r->db, NULL, email, subject, text->p,
	    html->p);
	return rc;
}

int
page_data_ask_post(struct req *r)
{
	char email[EMAIL_MAX + 1], ip[64], key[EMAIL_MAX + 32];
	const char *raw;
	struct url_query q;
	int status, rc;

	r->cache_control = "private, no-store";
	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	http_client_ip(r, ip, sizeof(ip));
	snprintf(key, sizeof(key), "data:ip:%s", ip);
	if ((status = ratelimit_key(r, key, 3600, ASK_PER_IP)) != 0)
		goto out;
	raw = url_query_get(&q, "email");
	if (raw == NULL || page_email_norm(raw, email, sizeof(email)) != 0) {
		status = page_form(r, 422, "your_data_ask", "Your data",
		    "Give an email address like name@example.com.",
		    json_pack("{s:s}", "email", raw != NULL &&
		    strlen(raw) <= EMAIL_MAX ? raw : ""));
		goto out;
	}
	snprintf(key, sizeof(key), "data:email:%s", email);
	if ((status = ratelimit_key(r, key, 3600, ASK_PER_EMAIL)) != 0)
		goto out;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	if ((rc = queue_link(r, email)) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = status_write(rc);
		goto out;
	}
	jobs_kick();
	status = page_notice(r, 200, "Check your email", "We have sent a link "
	    "to the address you gave. It shows what we keep about that "
	    "address, and works for an hour.", "/", "Back to the front page");
out:
	url_query_free(&q);
	return status;
}

int
page_data(struct req *r)
{
	char email[EMAIL_MAX + 1];
	const char *done = http_query(r, "done");
	int64_t uid;
	size_t i;
	json_t *m;
	int rc, sent;

	if ((rc = route_email(r, email, &sent)) != 0 || sent)
		return rc;
	m = own_json(r, json_pack("{s:s,s:s}", "email", email, "action",
	    r->path));
	if ((rc = gather(r->db, email, m)) != STORE_OK)
		return status_store(rc);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		json_t *a = json_object_get(m, kinds[i].name);
		char has[64];

		add_dates(a, "created_at");
		if (json_array_size(a) == 0)
			continue;
		snprintf(has, sizeof(has), "has_%s", kinds[i].name);
		json_object_set_new(m, has, json_true());
		json_object_set_new(m, "any", json_true());
	}
	rc = store_user_id_by_email(r->db, email, &uid);
	if (rc == STORE_OK)
		json_object_set_new(m, "account", json_true());
	else if (rc != STORE_NOTFOUND)
		return status_store(rc);
	if (done != NULL)
		json_object_set_new(m, "notice", json_string(strcmp(done,
		    "all") == 0 ? "Everything we kept about this address is "
		    "erased." : "That record is erased."));
	return page_form(r, 200, "your_data", "Your data", NULL,
	    json_incref(m));
}

/* Erases every row of every kind for email, then the subscriber. */
static int
forget_all(struct req *r, const char *email)
{
	struct db *db = r->db;
	json_t *rows, *row;
	size_t i, j;
	int rc = STORE_OK;

	for (i = 0; i < ARRAY_SIZE(kinds) && rc == STORE_OK; i++) {
		if ((rc = kinds[i].list(db, email, &rows)) != STORE_OK)
			break;
		own_json(r, rows);
		json_array_foreach(rows, j, row) {
			rc = kinds[i].forget(db, view_int(row, "id"), email);
			if (rc == STORE_NOTFOUND)
				rc = STORE_OK;
			if (rc != STORE_OK)
				break;
		}
	}
	return rc == STORE_OK ? store_subscriber_forget(db, email) : rc;
}

int
page_data_post(struct req *r)
{
	char email[EMAIL_MAX + 1];
	const char *what, *id;
	const struct kind *k = NULL;
	struct buf *url;
	struct url_query q;
	int64_t n = 0;
	size_t i;
	int status, rc, sent, all;

	if ((status = route_email(r, email, &sent)) != 0 || sent)
		return status;
	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	what = url_query_get(&q, "what");
	id = url_query_get(&q, "id");
	all = what != NULL && strcmp(what, "all") == 0;
	for (i = 0; what != NULL && i < ARRAY_SIZE(kinds); i++)
		if (strcmp(what, kinds[i].name) == 0)
			k = &kinds[i];
	if (!all && (k == NULL || id == NULL ||
	    parse_int(id, strlen(id), 1, INT64_MAX, &n) != 0)) {
		url_query_free(&q);
		return page_notice(r, 400, "Nothing was erased", "The form "
		    "named no record of this page.", r->path, "Your data");
	}
	url_query_free(&q);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = all ? forget_all(r, email) : k->forget(r->db, n, email);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == STORE_NOTFOUND)
			return page_notice(r, 404, "Nothing was erased", "That "
			    "record is not among those of this address; it "
			    "may be erased already.", r->path, "Your data");
		return status_write(rc);
	}
	jobs_kick();	/* an erased seat may have gone to someone waiting */
	url = own_buf(r, 0);
	buf_printf(url, "%s?done=%s", r->path, all ? "all" : "one");
	http_redirect(r, 303, url->p);
	return 0;
}

int
page_data_export(struct req *r)
{
	char email[EMAIL_MAX + 1], iso[64];
	json_t *m;
	int rc, sent;

	if ((rc = route_email(r, email, &sent)) != 0 || sent)
		return rc;
	view_fmt_iso(now_unix(), iso, sizeof(iso));
	m = own_json(r, json_pack("{s:s,s:s}", "email", email, "exported_at",
	    iso));
	if ((rc = gather(r->db, email, m)) != STORE_OK)
		return status_store(rc);
	http_attachment(r, "your-data", "json");
	http_send_json(r, 200, m);
	return 0;
}
