/*
 * page_account.c — signing in and out.
 *
 * Forms are answered without the page cache: they carry a CSRF token of
 * their own, and what they answer depends on who asks.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "http.h"
#include "page.h"
#include "session.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define FORM_MAX_FIELDS	16

int
page_read_form(struct req *r, struct url_query *q)
{
	return page_read_form_n(r, q, FORM_MAX_FIELDS);
}

int
page_read_form_n(struct req *r, struct url_query *q, size_t maxfields)
{
	const char *ct = http_req_header(r, "content-type");

	memset(q, 0, sizeof(*q));
	if (ct == NULL || strncmp(ct, "application/x-www-form-urlencoded",
	    33) != 0)
		return 415;
	if (r->h->entity.base == NULL)
		return 0;
	if (url_query_parse(q, r->h->entity.base, r->h->entity.len,
	    maxfields) != 0)
		return 400;
	return 0;
}

/* Only a path on this site is a place to go back to. */
static const char *
safe_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\' || strlen(next) > 512)
		return "/";
	return next;
}

static int
signin_form(struct req *r, int status, const char *error, const char *email,
    const char *next)
{
	char csrf[64];
	json_t *m;

	if (r->user != NULL)
		session_csrf(r, csrf, sizeof(csrf));
	else
		session_form_token(r, csrf, sizeof(csrf));
	m = json_pack("{s:s,s:s,s:s,s:{s:s}}", "csrf", csrf, "email",
	    email != NULL ? email : "", "next", safe_next(next), "page",
	    "title", "Sign in");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (r->user != NULL)
		json_object_set_new(m, "user", json_pack("{s:s}", "name",
		    r->user->name));
	return page_render(r, status, "signin", m);
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
	struct url_query q;
	struct user u;
	char hash[256];
	const char *email, *pw, *next;
	int status, rc, good;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	email = url_query_get(&q, "email");
	pw = url_query_get(&q, "password");
	next = url_query_get(&q, "next");
	if (!session_csrf_ok(r, url_query_get(&q, "csrf"))) {
		url_query_free(&q);
		return 403;
	}
	if (email == NULL || pw == NULL || strlen(email) > 254 ||
	    strlen(pw) > 1024) {
		status = signin_form(r, 400, "Give your email and password.",
		    email != NULL && strlen(email) <= 254 ? email : "", next);
		url_query_free(&q);
		return status;
	}
	rc = store_user_by_email(r->db, email, &u, hash, sizeof(hash));
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		url_query_free(&q);
		return page_status(rc);
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
		status = signin_form(r, 401, wrong, email, next);
		url_query_free(&q);
		return status;
	}
	if ((status = session_start(r, u.id)) != 0) {
		url_query_free(&q);
		return status;
	}
	http_redirect(r, 303, safe_next(next));
	url_query_free(&q);
	return 0;
}

int
page_signout(struct req *r)
{
	struct url_query q;
	int status;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	if (!session_csrf_ok(r, url_query_get(&q, "csrf"))) {
		url_query_free(&q);
		return 403;
	}
	url_query_free(&q);
	session_end(r);
	http_redirect(r, 303, "/");
	return 0;
}
