/*
 * session.c — session cookies and CSRF tokens.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "cookie.h"
#include "db.h"
#include "req.h"
#include "session.h"
#include "status.h"
#include "store.h"
#include "util.h"

/* Sessions are marked seen at most this often: a read needs no write. */
#define SEEN_EVERY	3600

const char *
session_cookie(struct req *r, const char *name)
{
	const char *h = http_req_header(r, "cookie"), *v;
	size_t len;

	if (h == NULL || (v = cookie_get(h, strlen(h), name, &len)) == NULL)
		return NULL;
	return h2o_strdup(&r->h->pool, v, len).base;
}

int
session_set_cookie(struct req *r, const char *name, const char *value,
    int max_age, int http_only)
{
	char cookie[256], age[32] = "";

	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%d", max_age);
	/* Cookies are Secure when the site is served over https. */
	if ((size_t)snprintf(cookie, sizeof(cookie), "%s=%s; Path=/%s%s; "
	    "SameSite=Lax%s", name, value, age, http_only ? "; HttpOnly" : "",
	    strncmp(config.base_url, "https://", 8) == 0 ? "; Secure" : "") >=
	    sizeof(cookie))
		return -1;
	return http_header(r, "Set-Cookie", cookie);
}

int
session_user(struct req *r, struct user *u)
{
	const char *tok = session_cookie(r, SESSION_COOKIE);
	char hash[65];
	int64_t now = now_unix(), seen;
	int rc;

	if (tok == NULL || strlen(tok) != 43)
		return 401;
	auth_token_hash(tok, hash);
	rc = store_user_by_session(r->db, hash, now, SESSION_IDLE, u, &seen);
	if (rc == STORE_NOTFOUND)
		return 401;
	if (rc != STORE_OK)
		return status_store(rc);
	if (now - seen > SEEN_EVERY)
		store_session_seen(r->db, hash, now);
	return 0;
}

int
session_start(struct req *r, int64_t user_id)
{
	unsigned char raw[32];
	const char *old = session_cookie(r, SESSION_COOKIE);
	char tok[64], hash[65];
	int64_t now = now_unix();
	int rc;

	/* A new id at every sign-in: a session planted before it is gone. */
	if (old != NULL) {
		auth_token_hash(old, hash);
		store_session_delete(r->db, hash);
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(tok, sizeof(tok), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_token_hash(tok, hash);
	if ((rc = store_session_add(r->db, user_id, hash, now,
	    now + SESSION_MAX)) != STORE_OK)
		return status_store(rc);
	return session_set_cookie(r, SESSION_COOKIE, tok, SESSION_MAX, 1) == 0 ?
	    0 : 500;
}

void
session_end(struct req *r)
{
	const char *tok = session_cookie(r, SESSION_COOKIE);
	char hash[65];

	if (tok != NULL) {
		auth_token_hash(tok, hash);
		store_session_delete(r->db, hash);
	}
	session_set_cookie(r, SESSION_COOKIE, "", 0, 1);
}

/* A token derived from a secret: nobody without the secret can make it. */
static void
derive(const char *secret, char *out, size_t outsz)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"csrf:", 5);
	crypto_hash_sha256_update(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2base64(out, outsz, h, sizeof(h),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void
session_csrf(struct req *r, char *out, size_t outsz)
{
	const char *tok = session_cookie(r, SESSION_COOKIE);

	if (tok == NULL || outsz < 44) {
		if (outsz > 0)
			out[0] = '\0';
		return;
	}
	derive(tok, out, outsz);
}

void
session_form_token(struct req *r, char *out, size_t outsz)
{
	const char *c = session_cookie(r, CSRF_COOKIE);
	unsigned char raw[24];

	if (c != NULL && strlen(c) == 32) {
		strlcpy_(out, c, outsz);
		return;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, outsz, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	session_set_cookie(r, CSRF_COOKIE, out, -1, 1);
}

/* Constant-time comparison of two NUL-terminated tokens. */
static int
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n > 0 && n == strlen(b) &&
	    sodium_memcmp(a, b, n) == 0;
}

/*
 * A signed-in reader's form is good only with the token of the session:
 * the anonymous cookie can be planted by anyone who can set a cookie for
 * the site (a sibling subdomain, a plain-http answer), so it must never
 * stand in for the session.  Without a live session (none, or expired)
 * forms carry the anonymous token (form_csrf in page_account.c), and
 * only that is accepted.
 */
int
session_csrf_ok(struct req *r, const char *field)
{
	const char *c;
	char want[64];

	if (field == NULL)
		return 0;
	if (r->user != NULL) {
		session_csrf(r, want, sizeof(want));
		return want[0] != '\0' && same(want, field);
	}
	c = session_cookie(r, CSRF_COOKIE);
	return c != NULL && strlen(c) == 32 && same(c, field);
}
