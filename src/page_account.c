/*
 * page_account.c — readers' accounts: signing in and out, registering,
 * confirming an email address, resetting a password, signing out
 * everywhere.
 *
 * Forms are answered without the page cache: they carry a CSRF token of
 * their own, and what they answer depends on who asks.  Answers about an
 * email address are the same whether or not it has an account (the
 * difference goes to the address itself, by email), and cost the same
 * argon2id work.  Links sent by email hold 256 random bits; the
 * database keeps only their SHA-256, and each works once.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "escape.h"
#include "req.h"
#include "jobs.h"
#include "mail.h"
#include "own.h"
#include "page.h"
#include "ratelimit.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define FORM_MAX_FIELDS	16
#define PASSWORD_MIN	10		/* characters */
#define PASSWORD_MAX	4096		/* bytes */
#define NAME_MAX_CHARS	100
#define EMAIL_MAX	254
#define VERIFY_TTL	(48 * 3600)	/* an address confirmation link */
#define RESET_TTL	3600		/* a password reset link */
#define LINK_TOKEN_LEN	43		/* 32 bytes, base64url */

int
page_read_form(struct req *r, struct url_query *q)
{
	return page_read_form_n(r, q, FORM_MAX_FIELDS);
}

/*
 * Every urlencoded form comes through here: a field that is not text
 * (text.h) is refused before any handler sees it, 422 with the field
 * named on the error page.
 */
int
page_read_form_n(struct req *r, struct url_query *q, size_t maxfields)
{
	char msg[300];
	int rc;

	memset(q, 0, sizeof(*q));
	/* The router read it to check its CSRF token: the handler takes it. */
	if (r->form != NULL && r->form->n <= maxfields) {
		*q = *r->form;
		memset(r->form, 0, sizeof(*r->form));
		r->form = NULL;
		return 0;
	}
	if (http_body_type(r, "application/x-www-form-urlencoded") != 0)
		return 415;
	if (r->h->entity.base == NULL)
		return 0;
	rc = url_form_parse(q, r->h->entity.base, r->h->entity.len, maxfields,
	    "field", msg, sizeof(msg));
	if (rc == URL_OK)
		return 0;
	r->input_error = h2o_strdup(&r->h->pool, msg, SIZE_MAX).base;
	return rc == URL_BAD_TEXT ? 422 : 400;
}

/*
 * Reads the form of a POST whose CSRF token the router has checked (its
 * row says csrf); 0 or a status.
 */
static int
read_post(struct req *r, struct url_query *q)
{
	return page_read_form(r, q);
}

/*
 * Only a path on this site, of the few characters url_is_local() lets
 * through, is a place to go back to; anything else goes home.
 */
static const char *
safe_next(const char *next)
{
	return next != NULL && url_is_local(next) ? next : "/";
}

/* The token of a form on this request: the session's, or the anonymous one. */
static void
form_csrf(struct req *r, char *csrf, size_t n)
{
	if (r->user != NULL)
		session_csrf(r, csrf, n);
	else
		session_form_token(r, csrf, n);
}

/* Renders a form page with its CSRF token, title and optional error. */
static int
form_page(struct req *r, int status, const char *tpl, const char *title,
    const char *error, json_t *m)
{
	char csrf[64];

	form_csrf(r, csrf, sizeof(csrf));
	json_object_set_new(m, "csrf", json_string(csrf));
	json_object_set_new(m, "page", json_pack("{s:s}", "title", title));
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (r->user != NULL)
		json_object_set_new(m, "user", json_pack("{s:s,s:s,s:s}",
		    "name", r->user->name, "email", r->user->email, "role",
		    role_name(r->user->role)));
	return page_render(r, status, tpl, m);
}

/* A page that only says something: a title, paragraphs, a link. */
static int
notice(struct req *r, int status, const char *title, const char *text,
    const char *href, const char *label)
{
	json_t *m = json_pack("{s:s,s:s}", "title", title, "text", text);

	if (href != NULL)
		json_object_set_new(m, "link", json_pack("{s:s,s:s}", "href",
		    href, "label", label));
	json_object_set_new(m, "page", json_pack("{s:s}", "title", title));
	return page_render(r, status, "notice", m);
}

/* Characters (UTF-8 code points) of s; forms carry valid UTF-8 only. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Whether the password is acceptable; NULL, or why not. */
static const char *
password_problem(const char *pw)
{
	if (chars(pw) < PASSWORD_MIN)
		return "Choose a password of at least 10 characters.";
	if (strlen(pw) > PASSWORD_MAX)
		return "That password is longer than 4,096 bytes.";
	return NULL;
}

/* The absolute URL of a path on this site into b. */
static void
site_url(struct buf *b, const char *path)
{
	char url[512];

	buf_puts(b, config_site_url(url, sizeof(url)));
	buf_puts(b, path);
}

/* A new emailed-link token and the hash kept of it. */
static void
link_token(char tok[64], char hash[65])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(tok, 64, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_token_hash(tok, hash);
}

/* A token from a route: 43 base64url characters; its hash, or -1. */
static int
route_token(struct req *r, char hash[65])
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

enum letter {
	LETTER_VERIFY,		/* confirm the address of a new account */
	LETTER_EXISTS,		/* someone registered with an address that has one */
	LETTER_RESET,		/* a link to choose a new password */
	LETTER__MAX
};

static const struct {
	const char	*subject;	/* the site's name follows */
	const char	*before;	/* paragraphs before the link */
	const char	*path;		/* the link's path; the token follows */
	const char	*after;
} letters[LETTER__MAX] = {
	[LETTER_VERIFY] = { "Confirm your email address for ",
	    "Thank you for registering. Open this link within 48 hours to "
	    "confirm your email address:", "/verify/",
	    "If you did not register, ignore this message: an account is "
	    "not used until its address is confirmed." },
	[LETTER_EXISTS] = { "Registering at ",
	    "Someone, perhaps you, tried to register with this email "
	    "address, which already has an account. You can sign in here:",
	    "/signin",
	    "If you forgot your password, ask for a new one at the sign-in "
	    "page. If it was not you, ignore this message; nothing has "
	    "changed." },
	[LETTER_RESET] = { "Reset your password for ",
	    "Open this link within an hour to choose a new password. It "
	    "works once:", "/reset/",
	    "If you did not ask for it, ignore this message; your password "
	    "stays as it is." },
};

/*
 * Queues one of the letters to name <email>, with token appended to its
 * link (NULL: none), inside the caller's transaction.
 */
static int
queue_letter(struct req *r, enum letter l, const char *name,
    const char *email, const char *token)
{
	struct buf *url = own_buf(r, 0), *text = own_buf(r, 0),
	    *html = own_buf(r, 0);
	char site[200], tmp[200], subject[300];
	int rc;

	strlcpy_(site, store_setting(r->db, "site_name", "masthead", tmp,
	    sizeof(tmp)), sizeof(site));
	snprintf(subject, sizeof(subject), "%s%s", letters[l].subject, site);
	site_url(url, letters[l].path);
	if (token != NULL)
		buf_puts(url, token);
	buf_printf(text, "Hello %s,\n\n%s\n\n%s\n\n%s\n\n-- \n%s\n", name,
	    letters[l].before, url->p, letters[l].after, site);
	BUF_LIT(html, "<!doctype html><html><body><p>Hello ");
	esc_html(html, name, strlen(name));
	BUF_LIT(html, ",</p>\n<p>");
	esc_html(html, letters[l].before, strlen(letters[l].before));
	BUF_LIT(html, "</p>\n<p><a href=\"");
	esc_html(html, url->p, url->len);
	BUF_LIT(html, "\">");
	esc_html(html, url->p, url->len);
	BUF_LIT(html, "</a></p>\n<p>");
	esc_html(html, letters[l].after, strlen(letters[l].after));
	BUF_LIT(html, "</p>\n<p>");
	esc_html(html, site, strlen(site));
	BUF_LIT(html, "</p></body></html>\n");
	rc = buf_err(text) || buf_err(html) || buf_err(url) ?
	    STORE_INVALID : mail_queue(r->db, name, email, subject, text->p,
	    html->p);
	return rc;
}

/* A new link of purpose for a user, and the letter carrying it. */
static int
send_link(struct req *r, enum letter l, int64_t user_id, const char *name,
    const char *email)
{
	char tok[64], hash[65];
	int64_t now = now_unix();
	int rc;

	link_token(tok, hash);
	rc = store_account_token_add(r->db, user_id, l == LETTER_RESET ?
	    "reset" : "verify", hash, now, now + (l == LETTER_RESET ?
	    RESET_TTL : VERIFY_TTL));
	if (rc == STORE_OK)
		rc = queue_letter(r, l, name, email, tok);
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

/* Commits the write transaction and wakes the mailer; a status or 0. */
static int
commit_mail(struct req *r, int rc)
{
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	jobs_kick();
	return 0;
}

/* Messages the sign-in page shows after a redirect (?done=...). */
static const struct {
	const char	*key;
	const char	*text;
} dones[] = {
	{ "verified", "Your email address is confirmed. Sign in with your "
	    "password." },
	{ "everywhere", "You are signed out on every device and browser." },
};

static int
signin_form(struct req *r, int status, const char *error, const char *email,
    const char *next)
{
	const char *done = http_query(r, "done");
	json_t *m;
	size_t i;

	m = json_pack("{s:s,s:s}", "email", email != NULL ? email : "",
	    "next", safe_next(next));
	for (i = 0; done != NULL && i < ARRAY_SIZE(dones); i++)
		if (strcmp(done, dones[i].key) == 0)
			json_object_set_new(m, "notice",
			    json_string(dones[i].text));
	return form_page(r, status, "signin", "Sign in", error, m);
}

int
page_signin(struct req *r)
{
	return signin_form(r, 200, NULL, NULL, http_query(r, "next"));
}

int
page_signin_post(struct req *r)
{
	static const char wrong[] = "That email and password do not match "
	    "an account.";
	static const char unconfirmed[] = "Confirm your email address "
	    "first: we have sent a new link to it.";
	struct url_query q;
	struct user u;
	char hash[256], email[EMAIL_MAX + 1];
	const char *raw, *pw, *next;
	int status, rc, good;

	if ((status = read_post(r, &q)) != 0)
		return status;
	raw = url_query_get(&q, "email");
	pw = url_query_get(&q, "password");
	next = url_query_get(&q, "next");
	if (raw == NULL || pw == NULL || strlen(raw) > EMAIL_MAX ||
	    strlen(pw) > PASSWORD_MAX) {
		status = signin_form(r, 400, "Give your email and password.",
		    raw != NULL && strlen(raw) <= EMAIL_MAX ? raw : "", next);
		goto out;
	}
	if (email_norm(raw, email, sizeof(email)) != 0)
		strlcpy_(email, raw, sizeof(email));
	if ((status = ratelimit_signin_check(r, email)) != 0)
		goto out;
	rc = store_user_by_email(r->db, email, &u, hash, sizeof(hash));
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		status = status_store(rc);
		goto out;
	}
	/*
	 * An unknown email costs the same hashing as a known one, so the
	 * time of the answer does not tell which emails have accounts.
	 */
	if (rc == STORE_NOTFOUND) {
		auth_password_hash(pw, hash, sizeof(hash));
		good = 0;
	} else {
		good = auth_password_check(hash, pw);
	}
	if (!good) {
		if ((status = ratelimit_signin_failed(r, email)) == 0)
			status = signin_form(r, 401, wrong, raw, next);
		goto out;
	}
	/*
	 * Like Ghost's members, an account is used only once its address
	 * is confirmed; whoever knows the password gets a fresh link.
	 */
	if (!u.verified) {
		if (db_begin_write(r->db) != DB_OK) {
			status = 503;
			goto out;
		}
		if ((status = commit_mail(r, send_link(r, LETTER_VERIFY, u.id,
		    u.name, u.email))) == 0)
			status = signin_form(r, 403, unconfirmed, raw, next);
		goto out;
	}
	if ((status = session_start(r, u.id)) != 0)
		goto out;
	http_redirect(r, 303, safe_next(next));
	status = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	url_query_free(&q);
	return status;
}

int
page_signout(struct req *r)
{
	struct url_query q;
	int status;

	if ((status = read_post(r, &q)) != 0)
		return status;
	url_query_free(&q);
	session_end(r);
	http_redirect(r, 303, "/");
	return 0;
}

static int
register_form(struct req *r, int status, const char *error,
    const char *email, const char *name)
{
	json_t *m = json_pack("{s:s,s:s}", "email", email != NULL ? email :
	    "", "name", name != NULL ? name : "");

	return form_page(r, status, "register", "Register", error, m);
}

int
page_register(struct req *r)
{
	return register_form(r, 200, NULL, NULL, NULL);
}

/* Whether a display name is 1-100 characters with no control characters. */
static int
name_ok(const char *s)
{
	const char *p;

	if (s[0] == '\0' || s[0] == ' ' || chars(s) > NAME_MAX_CHARS)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int
page_register_post(struct req *r)
{
	struct url_query q;
	struct user u;
	char hash[256], old[256], email[EMAIL_MAX + 1];
	const char *raw, *name, *pw, *why;
	int64_t id;
	int status, rc;

	if ((status = read_post(r, &q)) != 0)
		return status;
	raw = url_query_get(&q, "email");
	name = url_query_get(&q, "name");
	pw = url_query_get(&q, "password");
	if ((status = ratelimit_hit(r, RL_REGISTER, NULL)) != 0)
		goto out;
	if (raw == NULL || name == NULL || pw == NULL) {
		status = register_form(r, 400, "The form must carry an email, "
		    "a name and a password.", NULL, NULL);
		goto out;
	}
	why = email_norm(raw, email, sizeof(email)) != 0 ?
	    "Give an email address like name@example.com." :
	    !name_ok(name) ? "Give a name of 1 to 100 characters to show "
	    "with your comments." : password_problem(pw);
	if (why != NULL) {
		status = register_form(r, 422, why, strlen(raw) <= EMAIL_MAX ?
		    raw : "", strlen(name) <= 400 ? name : "");
		goto out;
	}
	if ((status = ratelimit_hit(r, RL_REGISTER, email)) != 0)
		goto out;
	/* The same argon2id work whether or not the address has an account. */
	if (auth_password_hash(pw, hash, sizeof(hash)) != 0) {
		status = 500;
		goto out;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_user_by_email(r->db, email, &u, old, sizeof(old));
	if (rc == STORE_NOTFOUND) {
		rc = store_user_register(r->db, email, name, hash, &id);
		if (rc == STORE_OK)
			rc = send_link(r, LETTER_VERIFY, id, name, email);
	} else if (rc == STORE_OK && !u.verified) {
		/* Not confirmed yet: a new link, the account unchanged. */
		rc = send_link(r, LETTER_VERIFY, u.id, u.name, email);
	} else if (rc == STORE_OK) {
		rc = queue_letter(r, LETTER_EXISTS, u.name, email, NULL);
	}
	/*
	 * Another request registered the address a moment ago: it sent the
	 * letter, and this one answers as it did.
	 */
	if (rc == STORE_CONFLICT) {
		db_rollback(r->db);
		rc = STORE_OK;
	} else if ((status = commit_mail(r, rc)) != 0) {
		goto out;
	}
	status = notice(r, 200, "Check your email", "We have sent a message "
	    "to the address you gave. Open the link in it within 48 hours "
	    "to confirm the address; then you can sign in.", "/signin",
	    "Go to the sign-in page");
out:
	sodium_memzero(hash, sizeof(hash));
	url_query_free(&q);
	return status;
}

static int
link_gone(struct req *r, int reset)
{
	return notice(r, 410, "This link no longer works", reset ?
	    "Links to reset a password work once, for an hour. Ask for a "
	    "new one." : "Confirmation links work once, for 48 hours. Sign "
	    "in with your email and password to get a new one.",
	    reset ? "/reset" : "/signin", reset ? "Ask for a new link" :
	    "Go to the sign-in page");
}

/* GET of an emailed link: a form to act on it (mail scanners only look). */
static int
link_page(struct req *r, int reset)
{
	char hash[65];
	int rc;

	http_header(r, "Referrer-Policy", "no-referrer");
	if (route_token(r, hash) != 0)
		return link_gone(r, reset);
	rc = store_account_token_check(r->db, reset ? "reset" : "verify",
	    hash, now_unix());
	if (rc == STORE_NOTFOUND)
		return link_gone(r, reset);
	if (rc != STORE_OK)
		return status_store(rc);
	return form_page(r, 200, reset ? "reset_password" : "verify", reset ?
	    "Choose a new password" : "Confirm your email address", NULL,
	    json_pack("{s:s}", "action", r->path));
}

int
page_verify(struct req *r)
{
	return link_page(r, 0);
}

int
page_verify_post(struct req *r)
{
	struct url_query q;
	char hash[65];
	int64_t user, now = now_unix();
	int status, rc;

	if ((status = read_post(r, &q)) != 0)
		return status;
	url_query_free(&q);
	http_header(r, "Referrer-Policy", "no-referrer");
	if (route_token(r, hash) != 0)
		return link_gone(r, 0);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	rc = store_account_token_use(r->db, "verify", hash, now, &user);
	if (rc == STORE_OK)
		rc = store_user_verify(r->db, user, now);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return rc == STORE_NOTFOUND ? link_gone(r, 0) :
		    status_write(rc);
	}
	http_redirect(r, 303, "/signin?done=verified");
	return 0;
}

static int
reset_form(struct req *r, int status, const char *error, const char *email)
{
	return form_page(r, status, "reset", "Reset your password", error,
	    json_pack("{s:s}", "email", email != NULL ? email : ""));
}

int
page_reset(struct req *r)
{
	return reset_form(r, 200, NULL, NULL);
}

int
page_reset_post(struct req *r)
{
	struct url_query q;
	struct user u;
	char hash[256], email[EMAIL_MAX + 1];
	const char *raw;
	int status, rc;

	if ((status = read_post(r, &q)) != 0)
		return status;
	raw = url_query_get(&q, "email");
	if ((status = ratelimit_hit(r, RL_RESET, NULL)) != 0)
		goto out;
	if (raw == NULL) {
		status = reset_form(r, 400, "The form must carry an email "
		    "address.", NULL);
		goto out;
	}
	if (email_norm(raw, email, sizeof(email)) != 0) {
		status = reset_form(r, 422, "Give an email address like "
		    "name@example.com.", strlen(raw) <= EMAIL_MAX ? raw : "");
		goto out;
	}
	if ((status = ratelimit_hit(r, RL_RESET, email)) != 0)
		goto out;
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	rc = store_user_by_email(r->db, email, &u, hash, sizeof(hash));
	if (rc == STORE_OK)
		rc = send_link(r, LETTER_RESET, u.id, u.name, email);
	else if (rc == STORE_NOTFOUND)
		rc = STORE_OK;
	if ((status = commit_mail(r, rc)) != 0)
		goto out;
	status = notice(r, 200, "Check your email", "If an account uses "
	    "that address, we have sent it a link to choose a new password. "
	    "The link works once, for an hour.", "/signin",
	    "Go to the sign-in page");
out:
	sodium_memzero(hash, sizeof(hash));
	url_query_free(&q);
	return status;
}

int
page_reset_link(struct req *r)
{
	return link_page(r, 1);
}

int
page_reset_link_post(struct req *r)
{
	struct url_query q;
	char hash[65], pwhash[256];
	const char *pw, *pw2, *why;
	int64_t user, now = now_unix();
	int status, rc;

	if ((status = read_post(r, &q)) != 0)
		return status;
	http_header(r, "Referrer-Policy", "no-referrer");
	pw = url_query_get(&q, "password");
	pw2 = url_query_get(&q, "password2");
	if (route_token(r, hash) != 0) {
		status = link_gone(r, 1);
		goto out;
	}
	if (pw == NULL || pw2 == NULL) {
		status = form_page(r, 400, "reset_password", "Choose a new "
		    "password", "The form must carry the new password twice.",
		    json_pack("{s:s}", "action", r->path));
		goto out;
	}
	why = password_problem(pw);
	if (why == NULL && strcmp(pw, pw2) != 0)
		why = "The two passwords differ.";
	if (why != NULL) {
		status = form_page(r, 422, "reset_password", "Choose a new "
		    "password", why, json_pack("{s:s}", "action", r->path));
		goto out;
	}
	if (auth_password_hash(pw, pwhash, sizeof(pwhash)) != 0) {
		status = 500;
		goto out;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto out;
	}
	/*
	 * The link proves the address: it is confirmed too.  Every session
	 * of the account ends, so whoever knew the old password is out.
	 */
	rc = store_account_token_use(r->db, "reset", hash, now, &user);
	if (rc == STORE_OK)
		rc = store_user_set_password(r->db, user, pwhash);
	if (rc == STORE_OK)
		rc = store_user_verify(r->db, user, now);
	if (rc == STORE_OK)
		rc = store_sessions_drop_user(r->db, user);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = rc == STORE_NOTFOUND ? link_gone(r, 1) :
		    status_write(rc);
		goto out;
	}
	if ((status = session_start(r, user)) != 0)
		goto out;
	http_redirect(r, 303, "/account?done=reset");
	status = 0;
out:
	sodium_memzero(pwhash, sizeof(pwhash));
	url_query_free(&q);
	return status;
}

int
page_account(struct req *r)
{
	const char *done = http_query(r, "done");
	json_t *m;

	if (store_user_profile(r->db, r->user->id, &m) != STORE_OK)
		m = json_object();
	if (done != NULL && strcmp(done, "reset") == 0)
		json_object_set_new(m, "notice", json_string("Your new "
		    "password is set, and every other session has ended."));
	if (done != NULL && strcmp(done, "profile") == 0)
		json_object_set_new(m, "notice", json_string("Your company "
		    "and job title are saved."));
	return form_page(r, 200, "account", "Your account", NULL, m);
}

/*
 * Company and job title: with a name, they let a reader download white
 * papers in one click (docs/resources.md).
 */
int
page_account_profile(struct req *r)
{
	struct url_query q;
	const char *c, *t, *p;
	json_t *m;
	int status, rc;

	if ((status = read_post(r, &q)) != 0)
		return status;
	c = url_query_get(&q, "company");
	t = url_query_get(&q, "job_title");
	if (c == NULL || t == NULL) {
		url_query_free(&q);
		return 400;
	}
	for (p = c; *p != '\0' && (unsigned char)*p >= 0x20; p++)
		;
	if (*p == '\0')
		for (p = t; *p != '\0' && (unsigned char)*p >= 0x20; p++)
			;
	if (*p != '\0' || strlen(c) > 200 || strlen(t) > 200) {
		m = json_pack("{s:s,s:s}", "company", strlen(c) <= 200 ? c : "",
		    "job_title", strlen(t) <= 200 ? t : "");
		url_query_free(&q);
		return form_page(r, 422, "account", "Your account", "The "
		    "company and the job title are one line of at most 200 "
		    "characters each.", m);
	}
	rc = store_user_profile_set(r->db, r->user->id, c, t);
	url_query_free(&q);
	if (rc != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/account?done=profile");
	return 0;
}

int
page_signout_all(struct req *r)
{
	struct url_query q;
	int status, rc;

	if ((status = read_post(r, &q)) != 0)
		return status;
	url_query_free(&q);
	if ((rc = store_sessions_drop_user(r->db, r->user->id)) != STORE_OK)
		return status_store(rc);
	session_end(r);
	http_redirect(r, 303, "/signin?done=everywhere");
	return 0;
}

/* The helpers other form pages share (page.h). */
int
page_read_form_csrf(struct req *r, struct url_query *q)
{
	return read_post(r, q);
}

int
page_form(struct req *r, int status, const char *tpl, const char *title,
    const char *error, json_t *m)
{
	return form_page(r, status, tpl, title, error, m);
}

int
page_notice(struct req *r, int status, const char *title, const char *text,
    const char *href, const char *label)
{
	return notice(r, status, title, text, href, label);
}

int
page_email_norm(const char *in, char *out, size_t outsz)
{
	return email_norm(in, out, outsz);
}

const char *
page_password_problem(const char *pw)
{
	return password_problem(pw);
}

int
page_name_ok(const char *name)
{
	return name_ok(name);
}

void
page_link_token(char tok[64], char hash[65])
{
	link_token(tok, hash);
}

int
page_route_token(struct req *r, char hash[65])
{
	return route_token(r, hash);
}
