/*
 * sign.h — the signed links readers get by mail: newsletter
 * preferences and unsubscribes, registrations, "your data" and white
 * paper downloads.
 *
 * A link carries a MAC (HMAC-SHA-256 under a key of the site) of
 * "PURPOSE:N:TEXT", so it needs no row and no password: PURPOSE keeps
 * the links of one use from opening another, N is the number the link
 * names (a subscriber, a registration, a lead, an expiry time) and TEXT
 * what it is bound to (an email address, an expiry time).  The message
 * is MACed whole, however long.  A check accepts exactly the string
 * that signing makes and nothing else: no other spelling of a number,
 * no other base64 of the same bytes.
 *
 * These functions take the key and keep no state, so the fuzz target
 * (tests/fuzz/fuzz_sign.c) drives them with a fixed one.
 */
#ifndef MASTHEAD_SIGN_H
#define MASTHEAD_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_KEY_LEN	32	/* bytes of a key */
#define SIGN_MAC_B64	43	/* characters of a MAC in URL-safe base64 */
#define SIGN_EMAIL_MAX	254	/* bytes of an address an email token holds */
/* "N.MAC", NUL included. */
#define SIGN_ID_TOKEN_MAX	(20 + 1 + SIGN_MAC_B64 + 1)
/* Characters of the longest address in URL-safe base64 (4/3 of it). */
#define SIGN_EMAIL_B64	((SIGN_EMAIL_MAX * 4 + 2) / 3)
/* "EXPIRES.BASE64(EMAIL).MAC", NUL included. */
#define SIGN_EMAIL_TOKEN_MAX	(20 + 1 + SIGN_EMAIL_B64 + 1 + SIGN_MAC_B64 + 1)

enum sign_result {
	SIGN_OK,
	SIGN_EXPIRED,		/* genuine, but past its time */
	SIGN_BAD,		/* malformed or forged */
	SIGN__MAX
};

/* The MAC of "purpose:n:text" under key. */
void	sign_mac(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
	    int64_t n, const char *text, unsigned char out[32]);
/* The same as SIGN_MAC_B64 characters of URL-safe base64 and a NUL. */
void	sign_mac_b64(const unsigned char key[SIGN_KEY_LEN],
	    const char *purpose, int64_t n, const char *text,
	    char out[SIGN_MAC_B64 + 1]);
/* 1 when sig[0..len) is exactly sign_mac_b64's answer (constant time). */
int	sign_mac_ok(const unsigned char key[SIGN_KEY_LEN], const char *purpose,
	    int64_t n, const char *text, const char *sig, size_t len);

/* The token "ID.MAC" of (purpose, id, text) into out; id > 0. */
void	sign_id_token(const unsigned char key[SIGN_KEY_LEN],
	    const char *purpose, int64_t id, const char *text,
	    char out[SIGN_ID_TOKEN_MAX]);
/* The ID a token names, unchecked: 0, or -1 when it is malformed. */
int	sign_id_token_id(const char *tok, size_t len, int64_t *id);
/* 1 when tok[0..len) is exactly the token of (purpose, id, text). */
int	sign_id_token_ok(const unsigned char key[SIGN_KEY_LEN],
	    const char *purpose, int64_t id, const char *text, const char *tok,
	    size_t len);

/*
 * The token "EXPIRES.BASE64(EMAIL).MAC" that names an address until a
 * time (expires > 0; email of 1 to SIGN_EMAIL_MAX bytes) into out.
 */
void	sign_email_token(const unsigned char key[SIGN_KEY_LEN],
	    const char *purpose, const char *email, int64_t expires,
	    char out[SIGN_EMAIL_TOKEN_MAX]);
/*
 * Reads such a token: SIGN_OK or SIGN_EXPIRED (expires < now) with the
 * address in email, or SIGN_BAD (email is then "").
 */
enum sign_result sign_email_token_check(const unsigned char key[SIGN_KEY_LEN],
	    const char *purpose, const char *tok, size_t len, int64_t now,
	    char email[SIGN_EMAIL_MAX + 1]);

#endif
