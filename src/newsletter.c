/*
 * newsletter.c — what newsletters send: the sign-up letters, issues
 * rendered as text and HTML, and the job that sends an issue.
 *
 * A subscriber's links (preferences, unsubscribe) carry a token signed
 * with a key of the site (HMAC-SHA-256 over the subscriber's id and
 * address), so they need no password and no row per link; changing the
 * key voids every link ever sent.
 *
 * Sending an issue never gives one subscriber two copies.  For each
 * message the row of newsletter_deliveries is committed at the last
 * moment before the SMTP server takes the message (before the last
 * bytes and the end-of-data mark go out); if that row exists already
 * (another run sent it), the message is withdrawn.  A process killed before the commit leaves
 * no row and no message (the server drops data that never ended); one
 * killed after it leaves a row and, unless it died in the microseconds
 * between the commit and the end-of-data mark, a delivered message.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "csv.h"
#include "db.h"
#include "escape.h"
#include "jobs.h"
#include "mail.h"
#include "newsletter.h"
#include "nl_style.h"
#include "sign.h"
#include "sites.h"
#include "store.h"
#include "util.h"
#include "view.h"

#define BATCH_MAX	1000	/* subscribers looked up at once */
#define PLACEHOLDER	"@@TOKEN@@"
#define PICK_AGE	(7 * 86400)	/* how far back a first issue looks */

static unsigned char key[SIGN_KEY_LEN];

int
site_key_load(struct db *db, const char *name, unsigned char *out,
    size_t len, char *err, size_t errlen)
{
	unsigned char raw[64];
	char fresh[2 * sizeof(raw) + 1], got[200];
	size_t n = 0;
	int rc;

	if (len > sizeof(raw)) {
		snprintf(err, errlen, "%s key: too long", name);
		return -1;
	}
	randombytes_buf(raw, len);
	sodium_bin2hex(fresh, sizeof(fresh), raw, len);
	if (db_begin_write(db) != DB_OK) {
		snprintf(err, errlen, "%s key: %s", name, db_errmsg(db));
		return -1;
	}
	rc = store_site_key(db, name, fresh, got, sizeof(got));
	if (rc != STORE_OK || db_commit(db) != DB_OK) {
		snprintf(err, errlen, "%s key: %s", name, db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	if (sodium_hex2bin(out, len, got, strlen(got), NULL, &n, NULL) != 0 ||
	    n != len) {
		snprintf(err, errlen, "%s key: the stored key is malformed",
		    name);
		return -1;
	}
	return 0;
}

int
newsletter_init(struct db *db, char *err, size_t errlen)
{
	return site_key_load(db, "newsletter", key, sizeof(key), err, errlen);
}

const unsigned char *
newsletter_key(void)
{
	return key;
}

void
newsletter_sign(const char *purpose, int64_t id, const char *email,
    char out[NL_TOKEN_MAX])
{
	sign_id_token(key, purpose, id, email, out);
}

int
newsletter_sign_id(const char *tok, size_t len, int64_t *id)
{
	return sign_id_token_id(tok, len, id);
}

int
newsletter_sign_ok(const char *purpose, int64_t id, const char *email,
    const char *tok, size_t len)
{
	return sign_id_token_ok(key, purpose, id, email, tok, len);
}

void
newsletter_token(int64_t id, const char *email, char out[NL_TOKEN_MAX])
{
	newsletter_sign("newsletter", id, email, out);
}

int
newsletter_token_check(struct db *db, const char *tok, size_t len,
    json_t **sub)
{
	int64_t id;
	int rc;

	*sub = NULL;
	if (sign_id_token_id(tok, len, &id) != 0)
		return STORE_NOTFOUND;
	if ((rc = store_subscriber_get(db, id, sub)) != STORE_OK)
		return rc;
	if (!newsletter_sign_ok("newsletter", id, json_string_value(
	    json_object_get(*sub, "email")), tok, len)) {
		json_decref(*sub);
		*sub = NULL;
		return STORE_NOTFOUND;
	}
	return STORE_OK;
}

void
newsletter_site_url(struct buf *b, const char *path)
{
	char url[512];

	buf_puts(b, config_site_url(url, sizeof(url)));
	buf_puts(b, path);
}

static const char *
site_name(struct db *db, char *tmp, size_t n)
{
	return store_setting(db, "site_name", "masthead", tmp, n);
}

/*
 * The name and absolute URL (no trailing slash) an issue goes out with:
 * its newsletter's site's (docs/sites.md), the instance's for site 1.
 * Returns the From name to give mail_queue_as: NULL for the usual one.
 */
static const char *
issue_site(struct db *db, json_t *issue, char *name, size_t nn, char *base,
    size_t bn)
{
	struct site s;
	char tmp[600];

	if (json_integer_value(json_object_get(issue, "site_id")) !=
	    SITES_DEFAULT && sites_by_id(json_integer_value(json_object_get(
	    issue, "site_id")), &s) == 0) {
		strlcpy_(name, s.name, nn);
		strlcpy_(base, sites_url(&s, tmp, sizeof(tmp)), bn);
		return name;
	}
	strlcpy_(name, site_name(db, tmp, sizeof(tmp)), nn);
	strlcpy_(base, config_site_url(tmp, sizeof(tmp)), bn);
	return NULL;
}

/*
 * The end of every message to a subscriber: why it came and the links
 * that manage it (with the token placeholder, or none for a preview).
 * Also the List-Unsubscribe URL (list: a newsletter's slug or "all").
 */
static void
footer(struct buf *text, struct buf *html, const char *site,
    const char *base, const char *list, const char *token, struct buf *unsub)
{
	struct buf prefs = BUF_INIT;

	buf_printf(text, "-- \nYou receive this because you signed up at %s.\n",
	    site);
	BUF_LIT(html, "<hr>\n<p style=\"" NL_STYLE_FOOT "\">You "
	    "receive this because you signed up at ");
	esc_html(html, site, strlen(site));
	BUF_LIT(html, ".");
	if (token == NULL) {
		buf_puts(text, "(Subscribers' copies carry the links to manage "
		    "their newsletters here.)\n");
		BUF_LIT(html, " (Subscribers' copies carry the links to manage "
		    "their newsletters here.)</p>\n");
		return;
	}
	buf_printf(&prefs, "%s/newsletter/preferences/%s", base, token);
	buf_printf(unsub, "%s/newsletter/unsubscribe/", base);
	buf_printf(unsub, "%s/%s", list, token);
	buf_printf(text, "Choose your newsletters: %s\nUnsubscribe: %s\n",
	    prefs.p, unsub->p);
	BUF_LIT(html, " <a href=\"");
	esc_html(html, prefs.p, prefs.len);
	BUF_LIT(html, "\">Choose your newsletters</a> · <a href=\"");
	esc_html(html, unsub->p, unsub->len);
	BUF_LIT(html, "\">Unsubscribe</a></p>\n");
	buf_free(&prefs);
}

static void
html_open(struct buf *html, const char *title)
{
	BUF_LIT(html, "<!doctype html><html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<title>");
	esc_html(html, title, strlen(title));
	BUF_LIT(html, "</title></head><body style=\"" NL_STYLE_BODY "\">\n");
}

/* The headers of a newsletter message: RFC 2369 and RFC 8058. */
static void
list_headers(const char *unsub, const char *list_id, const char *h[8])
{
	h[0] = "List-Unsubscribe";
	h[1] = unsub;
	h[2] = "List-Unsubscribe-Post";
	h[3] = "List-Unsubscribe=One-Click";
	h[4] = "List-Id";
	h[5] = list_id;
	h[6] = NULL;
	h[7] = NULL;
}

/* The <slug.host> of a newsletter, for List-Id. */
static void
list_id(struct buf *b, const char *slug)
{
	const char *h = strstr(config.base_url, "://");
	size_t n;

	h = h != NULL ? h + 3 : config.listen;
	n = strcspn(h, ":/");
	buf_printf(b, "<%s.", slug);
	if (n == 0)
		buf_puts(b, "localhost");
	else
		buf_append(b, h, n);
	buf_putc(b, '>');
}

/* Replaces every PLACEHOLDER of in by token into out. */
static void
fill(struct buf *out, const char *in, const char *token)
{
	const char *p;

	while ((p = strstr(in, PLACEHOLDER)) != NULL) {
		buf_append(out, in, (size_t)(p - in));
		buf_puts(out, token);
		in = p + sizeof(PLACEHOLDER) - 1;
	}
	buf_puts(out, in);
}

/* Queues text and html to a subscriber with their token filled in. */
static int
queue_personal(struct db *db, const char *from, int64_t sub,
    const char *email, const char *subject, const char *list,
    struct buf *text, struct buf *html, struct buf *unsub)
{
	struct buf t = BUF_INIT, h = BUF_INIT, u = BUF_INIT, id = BUF_INIT;
	char token[NL_TOKEN_MAX];
	const char *hdr[8];
	int rc;

	newsletter_token(sub, email, token);
	fill(&t, text->p, token);
	fill(&h, html->p, token);
	buf_putc(&u, '<');
	fill(&u, unsub->p, token);
	buf_putc(&u, '>');
	list_id(&id, list);
	list_headers(u.p, id.p, hdr);
	rc = buf_err(&t) || buf_err(&h) || buf_err(&u) ? STORE_INVALID :
	    mail_queue_as(db, from, NULL, email, subject, t.p, h.p, hdr);
	buf_free(&t);
	buf_free(&h);
	buf_free(&u);
	buf_free(&id);
	return rc;
}

int
newsletter_queue_confirm(struct db *db, const struct site *on,
    const char *email, const char *token, json_t *names)
{
	struct buf text = BUF_INIT, html = BUF_INIT, url = BUF_INIT,
	    list = BUF_INIT;
	char tmp[200], site[200], subject[300], base[600];
	json_t *n;
	size_t i;
	int rc;

	strlcpy_(site, on != NULL ? on->name : site_name(db, tmp, sizeof(tmp)),
	    sizeof(site));
	snprintf(subject, sizeof(subject), "Confirm your newsletters from %s",
	    site);
	json_array_foreach(names, i, n)
		buf_printf(&list, "%s%s", i > 0 ? ", " : "",
		    json_string_value(n));
	/* On a sister site, From carries its name too. */
	if (on != NULL) {
		buf_puts(&url, sites_url(on, base, sizeof(base)));
		BUF_LIT(&url, "/newsletter/confirm/");
	} else {
		newsletter_site_url(&url, "/newsletter/confirm/");
	}
	buf_puts(&url, token);
	html_open(&html, subject);
	mail_para(&text, &html, "Someone, we hope you, asked to receive these "
	    "newsletters at this address:");
	mail_para(&text, &html, list.p != NULL ? list.p : "");
	mail_link(&text, &html, "Open this link within 48 hours to confirm",
	    url.p);
	mail_para(&text, &html, "If it was not you, ignore this message: nothing "
	    "will be sent to you.");
	buf_printf(&text, "-- \n%s\n", site);
	BUF_LIT(&html, "</body></html>\n");
	rc = buf_err(&text) || buf_err(&html) ? STORE_INVALID :
	    mail_queue_as(db, on != NULL ? on->name : NULL, NULL, email,
	    subject, text.p, html.p, NULL);
	buf_free(&text);
	buf_free(&html);
	buf_free(&url);
	buf_free(&list);
	return rc;
}

/*
 * A letter to a confirmed subscriber about all their newsletters, in
 * the name of the site on (NULL: the instance's) with links on its
 * address.
 */
static int
queue_about_all(struct db *db, const struct site *on, int64_t sub,
    const char *email, int welcome)
{
	struct buf text = BUF_INIT, html = BUF_INIT, unsub = BUF_INIT;
	char tmp[600], site[200], subject[300], base[512];
	json_t *subs, *s;
	size_t i;
	int rc;

	if ((rc = store_subscriptions_of(db, sub, &subs)) != STORE_OK)
		return rc;
	strlcpy_(site, on != NULL ? on->name : site_name(db, tmp,
	    sizeof(tmp)), sizeof(site));
	strlcpy_(base, on != NULL ? sites_url(on, tmp, sizeof(tmp)) :
	    config_site_url(tmp, sizeof(tmp)), sizeof(base));
	snprintf(subject, sizeof(subject), welcome ? "Welcome to the "
	    "newsletters of %s" : "Your newsletters from %s", site);
	html_open(&html, subject);
	mail_para(&text, &html, welcome ? "Thank you for confirming your "
	    "address. You will now receive:" : "Someone, perhaps you, asked "
	    "to sign this address up again. It already receives:");
	BUF_LIT(&html, "<ul>\n");
	json_array_foreach(subs, i, s) {
		const char *name = json_string_value(json_object_get(s, "name"));
		const char *d = json_string_value(json_object_get(s,
		    "description"));

		if (strcmp(json_string_value(json_object_get(s, "status")),
		    "active") != 0)
			continue;
		buf_printf(&text, "* %s: %s\n", name, d);
		BUF_LIT(&html, "<li><strong>");
		esc_html(&html, name, strlen(name));
		BUF_LIT(&html, "</strong>: ");
		esc_html(&html, d, strlen(d));
		BUF_LIT(&html, "</li>\n");
	}
	json_decref(subs);
	BUF_LIT(&html, "</ul>\n");
	buf_putc(&text, '\n');
	mail_para(&text, &html, welcome ? "You can change your choice or "
	    "unsubscribe at any time with the links at the end of every "
	    "message." : "Nothing has changed. To change your choice or "
	    "unsubscribe, use the links below.");
	footer(&text, &html, site, base, "all", PLACEHOLDER, &unsub);
	BUF_LIT(&html, "</body></html>\n");
	rc = queue_personal(db, on != NULL ? on->name : NULL, sub, email,
	    subject, "all", &text, &html, &unsub);
	buf_free(&text);
	buf_free(&html);
	buf_free(&unsub);
	return rc;
}

int
newsletter_queue_already(struct db *db, const struct site *on, int64_t sub,
    const char *email)
{
	return queue_about_all(db, on, sub, email, 0);
}

int
newsletter_queue_welcome(struct db *db, const struct site *on, int64_t sub,
    const char *email)
{
	return queue_about_all(db, on, sub, email, 1);
}

/*
 * The introduction is plain text whose blank lines part paragraphs, as
 * the editor's hint says: the text part keeps it as typed, the HTML part
 * makes each paragraph a <p> (a line break inside one is a space there).
 */
static void
intro_paras(struct buf *text, struct buf *html, const char *s)
{
	const char *line = s, *eol, *start = NULL, *end = NULL;
	int blank;

	buf_printf(text, "%s\n\n", s);
	for (;;) {
		eol = line + strcspn(line, "\n");
		blank = strspn(line, " \t\r") >= (size_t)(eol - line);
		if (!blank) {
			if (start == NULL)
				start = line;
			end = eol;
		}
		if ((blank || *eol == '\0') && start != NULL) {
			while (end > start && strchr(" \t\r", end[-1]) != NULL)
				end--;
			BUF_LIT(html, "<p>");
			esc_html(html, start, (size_t)(end - start));
			BUF_LIT(html, "</p>\n");
			start = NULL;
		}
		if (*eol == '\0')
			break;
		line = eol + 1;
	}
}

/* The body of an issue without its footer. */
static void
render_body(struct db *db, json_t *issue, const char *base, struct buf *text,
    struct buf *html)
{
	const char *subject = json_string_value(json_object_get(issue,
	    "subject"));
	const char *intro = json_string_value(json_object_get(issue, "intro"));
	json_t *ids = json_object_get(issue, "articles"), *v, *a;
	struct buf url = BUF_INIT;
	size_t i;

	html_open(html, subject);
	BUF_LIT(html, "<h1>");
	esc_html(html, subject, strlen(subject));
	BUF_LIT(html, "</h1>\n");
	buf_printf(text, "%s\n\n", subject);
	if (intro != NULL && intro[0] != '\0')
		intro_paras(text, html, intro);
	json_array_foreach(ids, i, v) {
		const char *title, *dek, *slug;

		if (store_article_brief(db, json_integer_value(v), &a) !=
		    STORE_OK)
			continue;	/* unpublished since: left out */
		title = json_string_value(json_object_get(a, "title"));
		dek = json_string_value(json_object_get(a, "dek"));
		slug = json_string_value(json_object_get(a, "slug"));
		buf_reset(&url);
		buf_printf(&url, "%s/article/%s", base, slug);
		buf_printf(text, "%s\n%s%s%s\n\n", title, dek, dek[0] != '\0' ?
		    "\n" : "", url.p);
		BUF_LIT(html, "<h2><a href=\"");
		esc_html(html, url.p, url.len);
		BUF_LIT(html, "\">");
		esc_html(html, title, strlen(title));
		BUF_LIT(html, "</a></h2>\n");
		if (dek[0] != '\0') {
			BUF_LIT(html, "<p>");
			esc_html(html, dek, strlen(dek));
			BUF_LIT(html, "</p>\n");
		}
		json_decref(a);
	}
	buf_free(&url);
}

void
newsletter_render(struct db *db, json_t *issue, const char *token,
    struct buf *text, struct buf *html)
{
	struct buf unsub = BUF_INIT;
	char site[200], base[512];

	issue_site(db, issue, site, sizeof(site), base, sizeof(base));
	render_body(db, issue, base, text, html);
	footer(text, html, site, base, json_string_value(json_object_get(issue,
	    "newsletter")), token, &unsub);
	BUF_LIT(html, "</body></html>\n");
	buf_free(&unsub);
}

int
newsletter_issue_new(struct db *db, json_t *nl, const char *subject,
    const char *intro, json_t *articles, int64_t now, int64_t *id)
{
	char dflt[NL_SUBJECT_MAX + 1], day[32], *ids;
	json_t *picked = NULL;
	int rc;

	if (articles == NULL) {
		if ((rc = store_issue_pick(db, view_int(nl, "id"), now,
		    PICK_AGE, NL_ARTICLES_MAX / 2, &picked)) != STORE_OK)
			return rc;
		articles = picked;
	}
	if (subject == NULL) {
		view_fmt_date_long(now, day, sizeof(day));
		snprintf(dflt, sizeof(dflt), "%s, %s", view_str(nl, "name"), day);
		subject = dflt;
	}
	ids = json_dumps(articles, JSON_COMPACT);
	rc = ids == NULL ? STORE_ERROR : store_issue_add(db, view_int(nl,
	    "id"), subject, intro, ids, now, id);
	free(ids);
	json_decref(picked);
	return rc;
}

int
newsletter_articles_ok(struct db *db, json_t *articles)
{
	json_t *x, *a;
	size_t i;

	if (!json_is_array(articles) ||
	    json_array_size(articles) > NL_ARTICLES_MAX)
		return 0;
	json_array_foreach(articles, i, x) {
		if (!json_is_integer(x) || store_article_brief(db,
		    json_integer_value(x), &a) != STORE_OK)
			return 0;
		json_decref(a);
	}
	return 1;
}

int
newsletter_issue_schedule(struct db *db, json_t *issue, int64_t at,
    int64_t now)
{
	const char *st = view_str(issue, "status");
	int64_t id = view_int(issue, "id");
	json_t *payload;
	int rc;

	if (strcmp(st, "draft") != 0 && strcmp(st, "scheduled") != 0)
		return STORE_CONFLICT;
	if (at < now)
		at = now;
	/*
	 * The job carries the time it was made for: when the issue is
	 * moved to another time, the old job finds it stale and stops.
	 */
	payload = json_pack("{s:I,s:I}", "issue", (json_int_t)id, "at",
	    (json_int_t)at);
	rc = store_issue_status(db, id, "scheduled", at, 0, now);
	if (rc == STORE_OK)
		rc = jobs_add(db, JOB_NEWSLETTER, payload, at);
	json_decref(payload);
	return rc;
}

int
newsletter_export(struct db *db, json_t *nl, struct buf *out)
{
	static const char *const cols[] = { "email", "status", "consent",
	    "consent_ip", "created_at", "confirmed_at", "updated_at" };
	json_t *list, *row, *v;
	char when[32];
	size_t i, k;
	int rc;

	if ((rc = store_newsletter_export(db, view_int(nl, "id"), &list)) !=
	    STORE_OK)
		return rc;
	BUF_LIT(out, "email,status,consent,consent_ip,signed_up_at,"
	    "confirmed_at,updated_at\r\n");
	json_array_foreach(list, i, row) {
		for (k = 0; k < ARRAY_SIZE(cols); k++) {
			v = json_object_get(row, cols[k]);
			when[0] = '\0';
			if (json_is_integer(v))
				view_fmt_iso(json_integer_value(v), when,
				    sizeof(when));
			csv_put(out, json_is_string(v) ? json_string_value(v) :
			    when, k + 1 == ARRAY_SIZE(cols));
		}
	}
	json_decref(list);
	return STORE_OK;
}

int
newsletter_may(struct db *db, int64_t user, json_t *nl)
{
	int rc = store_user_may_site(db, user, nl != NULL ?
	    json_integer_value(json_object_get(nl, "site_id")) :
	    SITES_DEFAULT);

	return rc == STORE_NOTFOUND ? STORE_FORBIDDEN : rc;
}

int
newsletter_queue_test(struct db *db, json_t *issue, const char *email)
{
	struct buf text = BUF_INIT, html = BUF_INIT;
	char subject[400], site[200], base[512];
	const char *from = issue_site(db, issue, site, sizeof(site), base,
	    sizeof(base));
	int rc;

	snprintf(subject, sizeof(subject), "[Test] %s",
	    json_string_value(json_object_get(issue, "subject")));
	newsletter_render(db, issue, NULL, &text, &html);
	rc = buf_err(&text) || buf_err(&html) ? STORE_INVALID :
	    mail_queue_as(db, from, NULL, email, subject, text.p, html.p,
	    NULL);
	buf_free(&text);
	buf_free(&html);
	return rc;
}

/* What the hook that records a delivery needs, and what it found. */
struct hook {
	struct db	*db;
	int64_t		 issue;
	int64_t		 sub;
	int		 recorded;	/* the row is committed */
	int		 conflict;	/* another run sent this copy */
};

/* Commits the delivery's row just before the server takes the message. */
static int
record_sent(void *arg)
{
	struct hook *h = arg;
	int rc;

	if (db_begin_write(h->db) != DB_OK)
		return -1;
	rc = store_delivery_add(h->db, h->issue, h->sub, "sent", NULL,
	    now_unix());
	if (rc != STORE_OK || db_commit(h->db) != DB_OK) {
		db_rollback(h->db);
		h->conflict = rc == STORE_CONFLICT;
		return -1;
	}
	h->recorded = 1;
	return 0;
}

/* Runs one small write (a failure's record) in its own transaction. */
static int
write_failure(struct db *db, int64_t issue, int64_t sub, int recorded,
    int hard, const char *msg)
{
	int64_t now = now_unix();
	int rc;

	if (db_begin_write(db) != DB_OK)
		return -1;
	rc = recorded ? store_delivery_fail(db, issue, sub, msg, now) :
	    store_delivery_add(db, issue, sub, "failed", msg, now);
	if (rc == STORE_OK && hard)
		rc = store_subscriber_bounce(db, sub, config.newsletter_bounces,
		    now);
	if (rc != STORE_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Seconds since t0. */
static double
elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
sleep_until(const struct timespec *t0, double seconds)
{
	struct timespec d;
	double left;

	if ((left = seconds - elapsed(t0)) <= 0)
		return;
	d.tv_sec = (time_t)left;
	d.tv_nsec = (long)((left - (double)d.tv_sec) * 1e9);
	nanosleep(&d, NULL);
}

/* Marks the issue sent, or adds the job for its next batch. */
static int
next_step(struct db *db, json_t *payload, int64_t issue, int64_t nl,
    char *err, size_t errlen)
{
	int64_t sent, failed, left, now = now_unix();
	int rc;

	if (db_begin_write(db) != DB_OK)
		goto fail;
	rc = store_issue_progress(db, issue, nl, &sent, &failed, &left);
	if (rc == STORE_OK)
		rc = left == 0 ? store_issue_status(db, issue, "sent", 0, now,
		    now) : jobs_add(db, JOB_NEWSLETTER, payload, 0);
	if (rc == STORE_OK && db_commit(db) == DB_OK)
		return 0;
fail:
	snprintf(err, errlen, "database: %s", db_errmsg(db));
	db_rollback(db);
	return -1;
}

static int
newsletter_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	struct buf text = BUF_INIT, html = BUF_INIT, unsub = BUF_INIT,
	    msg = BUF_INIT, t = BUF_INIT, h = BUF_INIT, u = BUF_INIT,
	    id = BUF_INIT;
	int64_t issue = json_integer_value(json_object_get(payload, "issue"));
	int64_t nl, n, rate = config.newsletter_rate;
	char site[200], base[512], token[NL_TOKEN_MAX], e[512];
	const char *status, *slug, *subject, *hdr[8], *from;
	struct timespec t0;
	double due = 0;
	json_t *is = NULL, *batch = NULL, *s;
	size_t i;
	long code;
	int rc, ret = -1;

	if ((rc = store_issue_get(db, issue, &is)) == STORE_NOTFOUND)
		return 0;	/* deleted since */
	if (rc != STORE_OK) {
		snprintf(err, errlen, "database: %s", db_errmsg(db));
		return -1;
	}
	status = json_string_value(json_object_get(is, "status"));
	nl = json_integer_value(json_object_get(is, "newsletter_id"));
	slug = json_string_value(json_object_get(is, "newsletter"));
	subject = json_string_value(json_object_get(is, "subject"));
	if (strcmp(status, "scheduled") != 0 && strcmp(status, "sending") != 0) {
		json_decref(is);
		return 0;	/* sent, or taken back to a draft */
	}
	if (strcmp(status, "scheduled") == 0) {
		/* A job made for another time: the issue was moved since. */
		if (json_integer_value(json_object_get(payload, "at")) !=
		    json_integer_value(json_object_get(is, "send_at"))) {
			json_decref(is);
			return 0;
		}
		if (db_begin_write(db) != DB_OK ||
		    store_issue_status(db, issue, "sending", 0, 0, now_unix()) !=
		    STORE_OK || db_commit(db) != DB_OK) {
			db_rollback(db);
			snprintf(err, errlen, "database: %s", db_errmsg(db));
			goto out;
		}
	}
	/* Rendered once; each copy only gets its subscriber's token. */
	from = issue_site(db, is, site, sizeof(site), base, sizeof(base));
	render_body(db, is, base, &text, &html);
	footer(&text, &html, site, base, slug, PLACEHOLDER, &unsub);
	BUF_LIT(&html, "</body></html>\n");
	list_id(&id, slug);
	/* One second's worth of messages per run, spaced out. */
	n = rate < BATCH_MAX ? rate : BATCH_MAX;
	if (store_issue_batch(db, issue, nl, 0, n, &batch) != STORE_OK) {
		snprintf(err, errlen, "database: %s", db_errmsg(db));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	json_array_foreach(batch, i, s) {
		struct hook hk = { db, issue, 0, 0, 0 };
		const char *email = json_string_value(json_object_get(s,
		    "email"));

		hk.sub = json_integer_value(json_object_get(s, "id"));
		/*
		 * Messages start at least 1/rate apart: one that was slow
		 * is not made up for by a burst, so no second holds more
		 * than rate of them.
		 */
		sleep_until(&t0, due);
		due = elapsed(&t0) + 1.0 / (double)rate;
		newsletter_token(hk.sub, email, token);
		buf_reset(&t);
		buf_reset(&h);
		buf_reset(&u);
		buf_reset(&msg);
		fill(&t, text.p, token);
		fill(&h, html.p, token);
		buf_putc(&u, '<');
		fill(&u, unsub.p, token);
		buf_putc(&u, '>');
		list_headers(u.p, id.p, hdr);
		mail_compose_as(&msg, from, NULL, email, subject, t.p, h.p,
		    hdr);
		if (buf_err(&msg)) {
			snprintf(err, errlen, "a message too large to compose");
			goto out;
		}
		if (mail_send(email, msg.p, record_sent, &hk, &code, e,
		    sizeof(e)) == 0 || hk.conflict)
			continue;
		if (!hk.recorded && code < 500) {
			/*
			 * The server is away or says "later": try the rest
			 * of the issue later (the job's back-off).
			 */
			snprintf(err, errlen, "%s", e);
			goto out;
		}
		if (write_failure(db, issue, hk.sub, hk.recorded, code >= 500,
		    e) != 0 && !hk.recorded) {
			snprintf(err, errlen, "database: %s", db_errmsg(db));
			goto out;
		}
	}
	sleep_until(&t0, due);
	ret = next_step(db, payload, issue, nl, err, errlen);
out:
	json_decref(is);
	json_decref(batch);
	buf_free(&text);
	buf_free(&html);
	buf_free(&unsub);
	buf_free(&msg);
	buf_free(&t);
	buf_free(&h);
	buf_free(&u);
	buf_free(&id);
	return ret;
}

void
newsletter_jobs_init(void)
{
	jobs_register(JOB_NEWSLETTER, newsletter_job, 0);
}
