/*
 * page_staff.c — the two links that staff a newsroom without the command
 * line: an invitation (/invite/TOKEN), where a colleague an admin invited
 * chooses a password, and the first-run setup link (/setup/TOKEN), which
 * `masthead serve` prints while the site has no admin and which creates
 * the owner's account.
 *
 * Both links hold 256 random bits and the database keeps only their
 * SHA-256.  An invitation works once, for 7 days; the setup link works
 * until it is used or an admin exists, and any other address under
 * /setup/ is not found, so the page cannot be probed.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

#define EMAIL_MAX	254
#define SITE_NAME_MAX	100		/* characters */
/* The setup link has no clock: an admin account is what ends it. */
#define SETUP_FOREVER	INT64_C(253402300799)	/* 9999-12-31 */

/*
 * Why a new password given twice is refused (the sign-up rules), naming
 * the field, or NULL.
 */
static const char *
password_pair_problem(const char *pw, const char *pw2, char *buf, size_t n)
{
	const char *why;

	if (pw == NULL || pw2 == NULL)
		return "Password: give it twice.";
	if ((why = page_password_problem(pw)) != NULL) {
		snprintf(buf, n, "Password: %s", why);
		return buf;
	}
	return strcmp(pw, pw2) != 0 ? "Password: the two passwords differ." :
	    NULL;
}

/*
 * Hashes the new password (argon2id, before the write lock, as it takes
 * a while) and begins the write; 0, or 500 / 503.
 */
static int
hash_and_begin(struct req *r, const char *pw, char *pwhash, size_t n)
{
	if (auth_password_hash(pw, pwhash, n) != 0)
		return 500;
	return db_begin_write(r->db) == DB_OK ? 0 : 503;
}

static int
invite_gone(struct req *r)
{
	return page_notice(r, 410, "This invitation no longer works",
	    "Invitations work once, for 7 days. Ask the admin who invited "
	    "you for a new one.", "/signin", "Go to the sign-in page");
}

/* The set-password form of an invitation (u: the request's account row). */
static int
invite_form(struct req *r, int status, const char *error, json_t *u)
{
	json_object_set_new(u, "action", json_string(r->path));
	return page_form(r, status, "invite", "Join the newsroom", error,
	    json_incref(u));
}

int
page_invite(struct req *r)
{
	json_t *u;
	char hash[65];
	int rc;

	http_header(r, "Referrer-Policy", "no-referrer");
	if (page_route_token(r, hash) != 0)
		return invite_gone(r);
	rc = store_staff_invite_get(r->db, hash, now_unix(), &u);
	if (rc == STORE_NOTFOUND)
		return invite_gone(r);
	if (rc != STORE_OK)
		return status_store(rc);
	return invite_form(r, 200, NULL, own_json(r, u));
}

int
page_invite_post(struct req *r)
{
	struct url_query q;
	json_t *u;
	char hash[65], pwhash[256], msg[200];
	const char *pw, *pw2, *why;
	int64_t user, now = now_unix();
	int status, rc;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	/* After this point, all errors go through out. */
	pwhash[0] = '\0';
	http_header(r, "Referrer-Policy", "no-referrer");
	if (page_route_token(r, hash) != 0) {
		status = invite_gone(r);
		goto out;
	}
	if ((rc = store_staff_invite_get(r->db, hash, now, &u)) != STORE_OK) {
		status = rc == STORE_NOTFOUND ? invite_gone(r) :
		    status_store(rc);
		goto out;
	}
	own_json(r, u);
	pw = url_query_get(&q, "password");
	pw2 = url_query_get(&q, "password2");
	why = password_pair_problem(pw, pw2, msg, sizeof(msg));
	if (why != NULL) {
		status = invite_form(r, 422, why, u);
		goto out;
	}
	if ((status = hash_and_begin(r, pw, pwhash, sizeof(pwhash))) != 0)
		goto out;
	rc = store_staff_invite_accept(r->db, hash, pwhash, now, &user);
	if (rc != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = rc == STORE_NOTFOUND ? invite_gone(r) :
		    rc == STORE_OK ? 503 : status_store(rc);
		goto out;
	}
	if ((status = session_start(r, user)) != 0)
		goto out;
	http_redirect(r, 303, "/admin");
	status = 0;
out:
	sodium_memzero(pwhash, sizeof(pwhash));
	url_query_free(&q);
	return status;
}

int
page_staff_setup_link(struct db *db, char *url, size_t urlsz)
{
	char tok[64], hash[65], site[512];
	int64_t now = now_unix();
	int rc;

	if (db_begin_write(db) != DB_OK)
		return -1;
	rc = store_staff_admin_exists(db);
	if (rc == STORE_OK) {
		db_rollback(db);
		return 1;
	}
	page_link_token(tok, hash);
	if (rc == STORE_NOTFOUND)
		rc = store_staff_setup_add(db, hash, now, SETUP_FOREVER);
	if (rc != STORE_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		sodium_memzero(tok, sizeof(tok));
		return -1;
	}
	snprintf(url, urlsz, "%s/setup/%s", config_site_url(site,
	    sizeof(site)), tok);
	sodium_memzero(tok, sizeof(tok));
	return 0;
}

/* The setup form, keeping what was typed (never the password). */
static int
setup_form(struct req *r, int status, const char *error, struct url_query *q)
{
	const char *name = q != NULL ? url_query_get(q, "name") : NULL;
	const char *email = q != NULL ? url_query_get(q, "email") : NULL;
	const char *site = q != NULL ? url_query_get(q, "site_name") : NULL;

	return page_form(r, status, "setup", "Create the first admin account",
	    error, json_pack("{s:s,s:s,s:s,s:s}", "action", r->path,
	    "name", name != NULL && strlen(name) <= 400 ? name : "",
	    "email", email != NULL && strlen(email) <= EMAIL_MAX ? email : "",
	    "site_name", site != NULL && strlen(site) <= 400 ? site : ""));
}

/* The route's setup token is live: 0, 404 when not, or a status. */
static int
setup_check(struct req *r, char hash[65])
{
	int rc;

	http_header(r, "Referrer-Policy", "no-referrer");
	if (page_route_token(r, hash) != 0)
		return 404;
	rc = store_staff_setup_live(r->db, hash, now_unix());
	return rc == STORE_OK ? 0 : rc == STORE_NOTFOUND ? 404 :
	    status_store(rc);
}

int
page_setup(struct req *r)
{
	char hash[65];
	int status;

	if ((status = setup_check(r, hash)) != 0)
		return status;
	return setup_form(r, 200, NULL, NULL);
}

/* Whether a publication's name is one line of 1-100 characters. */
static int
site_name_ok(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n >= 1 && n <= SITE_NAME_MAX;
}

int
page_setup_post(struct req *r)
{
	struct url_query q;
	struct buf *tags = NULL;
	char hash[65], pwhash[256], email[EMAIL_MAX + 1], msg[200];
	const char *name, *raw, *pw, *pw2, *site, *why;
	int64_t id, now = now_unix();
	int status, rc;

	if ((status = page_read_form_csrf(r, &q)) != 0)
		return status;
	/* After this point, all errors go through out. */
	pwhash[0] = '\0';
	if ((status = setup_check(r, hash)) != 0)
		goto out;
	name = url_query_get(&q, "name");
	raw = url_query_get(&q, "email");
	pw = url_query_get(&q, "password");
	pw2 = url_query_get(&q, "password2");
	site = url_query_get(&q, "site_name");
	why = name == NULL || !page_name_ok(name) ?
	    "Name: give a name of 1 to 100 characters." :
	    raw == NULL || strlen(raw) > EMAIL_MAX ||
	    page_email_norm(raw, email, sizeof(email)) != 0 ?
	    "Email: give an address like name@example.com." :
	    password_pair_problem(pw, pw2, msg, sizeof(msg));
	if (why == NULL && site != NULL && site[0] != '\0' &&
	    !site_name_ok(site))
		why = "Publication name: one line of at most 100 characters.";
	if (why != NULL) {
		status = setup_form(r, 422, why, &q);
		goto out;
	}
	if ((status = hash_and_begin(r, pw, pwhash, sizeof(pwhash))) != 0)
		goto out;
	/* Checked again inside the write: two racing owners make one. */
	rc = store_staff_setup_live(r->db, hash, now);
	if (rc == STORE_OK)
		rc = store_user_add(r->db, email, name, pwhash, ROLE_ADMIN,
		    NULL, &id);
	if (rc == STORE_OK)
		rc = store_staff_setup_end(r->db, now);
	if (rc == STORE_OK && site != NULL && site[0] != '\0') {
		tags = own_buf(r, 0);
		tags_add(tags, tag_site());
		rc = store_setting_set(r->db, "site_name", site);
		if (rc == STORE_OK && bus_publish(r->db, tags->p) != DB_OK)
			rc = STORE_BUSY;
	}
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		status = rc == STORE_NOTFOUND ? 404 : rc == STORE_CONFLICT ?
		    setup_form(r, 409, "Email: that address already has an "
		    "account; use another, or make it an admin with masthead "
		    "user set-role.", &q) : status_store(rc);
		goto out;
	}
	if (tags != NULL)
		bus_apply(tags->p);
	if ((status = session_start(r, id)) != 0)
		goto out;
	http_redirect(r, 303, "/admin");
	status = 0;
out:
	sodium_memzero(pwhash, sizeof(pwhash));
	url_query_free(&q);
	return status;
}
