/*
 * session.c — session cookies and CSRF tokens.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "page.h"
#include "session.h"
#include "store.h"
#include "util.h"

/* Sessions are marked seen at most this often: a read needs no write. */
#define SEEN_EVERY	3600

const char *
session_cookie(struct req *r, const char *name)
{
	const char *h = http_req_header(r, "cookie"), *p, *v;
	size_t n = strlen(name), len;

	if (h == NULL)
		return NULL;
	for (p = h; *p != '\0';) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			v = p + n + 1;
			len = strcspn(v, ";");
			while (len > 0 && v[len - 1] == ' ')
				len--;
			return h2o_strdup(&r->h->pool, v, len).base;
		}
		p += strcspn(p, ";");
	}
	return NULL;
}

/* Cookies are Secure when the site is served over https. */
static const char *
secure_attr(void)
{
	return strncmp(config.base_url, "https://", 8) == 0 ? "; Secure" : "";
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
		return page_status(rc);
	if (now - seen > SEEN_EVERY)
		store_session_seen(r->db, hash, now);
	return 0;
}

int
session_start(struct req *r, int64_t user_id)
{
	unsigned char raw[32];
	const char *old = session_cookie(r, SESSION_COOKIE);
	char tok[64], hash[65], cookie[256];
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
		return page_status(rc);
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=Lax%s", SESSION_COOKIE, tok, SESSION_MAX, secure_attr());
	http_header(r, "Set-Cookie", cookie);
	return 0;
}

void
session_end(struct req *r)
{
	const char *tok = session_cookie(r, SESSION_COOKIE);
	char hash[65], cookie[128];

	if (tok != NULL) {
		auth_token_hash(tok, hash);
		store_session_delete(r->db, hash);
	}
	snprintf(cookie, sizeof(cookie), "%s=; Path=/; Max-Age=0; HttpOnly; "
	    "SameSite=Lax%s", SESSION_COOKIE, secure_attr());
	http_header(r, "Set-Cookie", cookie);
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
	char cookie[160];

	if (c != NULL && strlen(c) == 32) {
		strlcpy_(out, c, outsz);
		return;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, outsz, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Lax%s", CSRF_COOKIE, out, secure_attr());
	http_header(r, "Set-Cookie", cookie);
}

/* Constant-time comparison of two NUL-terminated tokens. */
static int
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n > 0 && n == strlen(b) &&
	    sodium_memcmp(a, b, n) == 0;
}

int
session_csrf_ok(struct req *r, const char *field)
{
	const char *c;
	char want[64];

	if (field == NULL)
		return 0;
	session_csrf(r, want, sizeof(want));
	if (want[0] != '\0' && same(want, field))
		return 1;
	c = session_cookie(r, CSRF_COOKIE);
	return c != NULL && strlen(c) == 32 && same(c, field);
}
