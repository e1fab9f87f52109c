/*
 * sign.c — MACs of the links readers get by mail, and the two token
 * shapes built on them (sign.h).
 *
 * Every check signs again and compares the whole token with the one it
 * was given, in constant time.  So a token verifies only when it is the
 * very string that signing made: "007.MAC" is not "7.MAC", and base64
 * with other padding bits is not the same token, even when the MAC
 * inside them matches.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sign.h"
#include "util.h"

void
sign_mac(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
    int64_t n, const char *text, unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;
	char num[24];
	int len;

	/*
	 * The message is streamed rather than formatted into a buffer, so
	 * that no length of text is cut short: two texts that share a long
	 * start must not share a MAC.
	 */
	len = snprintf(num, sizeof(num), ":%lld:", (long long)n);
	crypto_auth_hmacsha256_init(&st, key, SIGN_KEY_LEN);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)purpose,
	    strlen(purpose));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)num,
	    (size_t)len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text,
	    strlen(text));
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

void
sign_mac_b64(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
    int64_t n, const char *text, char out[SIGN_MAC_B64 + 1])
{
	unsigned char m[32];

	sign_mac(key, purpose, n, text, m);
	sodium_bin2base64(out, SIGN_MAC_B64 + 1, m, sizeof(m),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* 1 when a[0..alen) and b (a C string) are the same bytes. */
static int
same(const char *a, size_t alen, const char *b)
{
	return a != NULL && alen == strlen(b) && sodium_memcmp(a, b, alen) == 0;
}

int
sign_mac_ok(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
    int64_t n, const char *text, const char *sig, size_t len)
{
	char want[SIGN_MAC_B64 + 1];

	sign_mac_b64(key, purpose, n, text, want);
	return same(sig, len, want);
}

void
sign_id_token(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
    int64_t id, const char *text, char out[SIGN_ID_TOKEN_MAX])
{
	char mac[SIGN_MAC_B64 + 1];

	sign_mac_b64(key, purpose, id, text, mac);
	snprintf(out, SIGN_ID_TOKEN_MAX, "%lld.%s", (long long)id, mac);
}

int
sign_id_token_id(const char *tok, size_t len, int64_t *id)
{
	const char *dot = memchr(tok, '.', len);

	if (dot == NULL || parse_int(tok, (size_t)(dot - tok), 1, INT64_MAX,
	    id) != 0 || len - (size_t)(dot - tok) - 1 != SIGN_MAC_B64)
		return -1;
	return 0;
}

int
sign_id_token_ok(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
    int64_t id, const char *text, const char *tok, size_t len)
{
	char want[SIGN_ID_TOKEN_MAX];

	sign_id_token(key, purpose, id, text, want);
	return same(tok, len, want);
}

void
sign_email_token(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
    const char *email, int64_t expires, char out[SIGN_EMAIL_TOKEN_MAX])
{
	char who[SIGN_EMAIL_B64 + 1], mac[SIGN_MAC_B64 + 1];
	size_t n = strlen(email);

	if (n > SIGN_EMAIL_MAX)
		n = SIGN_EMAIL_MAX;
	sign_mac_b64(key, purpose, expires, email, mac);
	sodium_bin2base64(who, sizeof(who), (const unsigned char *)email, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, SIGN_EMAIL_TOKEN_MAX, "%lld.%s.%s", (long long)expires,
	    who, mac);
}

enum sign_result
sign_email_token_check(const unsigned char key[SIGN_KEY_LEN],
    const char *purpose, const char *tok, size_t len, int64_t now,
    char email[SIGN_EMAIL_MAX + 1])
{
	char want[SIGN_EMAIL_TOKEN_MAX];
	const char *dot1, *dot2, *end = tok + len;
	size_t n = 0;
	int64_t expires;

	email[0] = '\0';
	if ((dot1 = memchr(tok, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1))) == NULL ||
	    parse_int(tok, (size_t)(dot1 - tok), 1, INT64_MAX, &expires) != 0 ||
	    sodium_base642bin((unsigned char *)email, SIGN_EMAIL_MAX, dot1 + 1,
	    (size_t)(dot2 - dot1 - 1), NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n == 0 ||
	    memchr(email, '\0', n) != NULL) {
		email[0] = '\0';
		return SIGN_BAD;
	}
	email[n] = '\0';
	sign_email_token(key, purpose, email, expires, want);
	if (!same(tok, len, want)) {
		email[0] = '\0';
		return SIGN_BAD;
	}
	return expires < now ? SIGN_EXPIRED : SIGN_OK;
}
