/*
 * auth.c — roles, argon2id password hashes and API tokens (libsodium).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "db.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "util.h"

int
auth_password_hash(const char *pw, char *out, size_t outsz)
{
	if (sodium_init() < 0 || outsz < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int
auth_password_check(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void
auth_token_hash(const char *token, char hash[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hash, 65, h, sizeof(h));
}

void
auth_token_new(char token[64], char hash[65])
{
	unsigned char raw[32];

	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof(raw));
	memcpy(token, "mh_", 3);
	sodium_bin2base64(token + 3, 61, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_token_hash(token, hash);
}

int
auth_bearer(struct req *r, struct user *u)
{
	const char *h = http_req_header(r, "authorization");
	char hash[65];
	int rc;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return 401;
	h += 7;
	while (*h == ' ')
		h++;
	if (strncmp(h, "mh_", 3) != 0 || strlen(h) > 64)
		return 401;
	auth_token_hash(h, hash);
	rc = store_user_by_token(r->db, hash, u);
	if (rc == STORE_NOTFOUND)
		return 401;
	return status_reply(rc);
}
