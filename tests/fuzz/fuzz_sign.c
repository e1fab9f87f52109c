/*
 * fuzz_sign.c — libFuzzer target for src/sign.c, the signed links
 * readers get by mail (newsletter preferences and unsubscribes,
 * registrations, "your data", white paper downloads), with a fixed key.
 *
 * The input is split at its first two NUL bytes: a token, then two
 * texts (the first byte of the token part picks the purposes and the
 * numbers).  Every check's answer is held to sign.h: a token verifies
 * only if signing the same (purpose, number, text) makes exactly it;
 * what signing makes always verifies, and never for another purpose,
 * number or text.  The fuzzer thus looks for a forgery, not only for a
 * crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[SIGN_KEY_LEN] = "masthead fuzzing key, not secret";

static const char *const purposes[] = {
	"newsletter", "reg-cancel", "reg-watch", "your-data", "resource",
};
#define NPURPOSES	(sizeof(purposes) / sizeof(purposes[0]))

/* The i-th NUL-separated piece of data (a copy, NUL-terminated). */
static char *
piece(const uint8_t *data, size_t size, int i, size_t *len)
{
	const uint8_t *p = data, *end = data + size, *z;
	char *out;

	for (; i > 0 && p < end; i--) {
		z = memchr(p, '\0', (size_t)(end - p));
		p = z != NULL ? z + 1 : end;
	}
	z = memchr(p, '\0', (size_t)(end - p));
	*len = (size_t)((z != NULL ? z : end) - p);
	if ((out = malloc(*len + 1)) == NULL)
		abort();
	memcpy(out, p, *len);
	out[*len] = '\0';
	return out;
}

static void
check_id_tokens(const char *tok, size_t toklen, const char *t1,
    const char *t2, unsigned sel)
{
	const char *p1 = purposes[sel % NPURPOSES];
	const char *p2 = purposes[(sel / NPURPOSES) % NPURPOSES];
	char made[SIGN_ID_TOKEN_MAX], other[SIGN_ID_TOKEN_MAX];
	int64_t id, id2 = 1 + (int64_t)(sel >> 4), got;

	/* A token the fuzzer wrote verifies only as what signing makes. */
	if (sign_id_token_id(tok, toklen, &id) == 0) {
		if (id < 1)
			abort();
		sign_id_token(key, p1, id, t1, made);
		if (sign_id_token_ok(key, p1, id, t1, tok, toklen) !=
		    (strlen(made) == toklen && memcmp(made, tok, toklen) == 0))
			abort();
	} else if (sign_id_token_ok(key, p1, id2, t1, tok, toklen)) {
		abort();
	}
	/* What signing makes verifies, names its id, and nothing else. */
	sign_id_token(key, p1, id2, t1, made);
	if (!sign_id_token_ok(key, p1, id2, t1, made, strlen(made)) ||
	    sign_id_token_id(made, strlen(made), &got) != 0 || got != id2)
		abort();
	sign_id_token(key, p2, id2, t2, other);
	if ((strcmp(p1, p2) != 0 || strcmp(t1, t2) != 0) &&
	    (sign_id_token_ok(key, p2, id2, t2, made, strlen(made)) ||
	    strcmp(made, other) == 0))
		abort();
	if (sign_id_token_ok(key, p1, id2 + 1, t1, made, strlen(made)))
		abort();
}

static void
check_email_tokens(const char *tok, size_t toklen, const char *t1,
    const char *t2, unsigned sel)
{
	const char *p1 = purposes[sel % NPURPOSES];
	char email[SIGN_EMAIL_MAX + 1], email2[SIGN_EMAIL_MAX + 1];
	char made[SIGN_EMAIL_TOKEN_MAX];
	int64_t exp = 1 + (int64_t)(sel >> 4), now = (int64_t)(sel & 0x3f);
	enum sign_result r;

	r = sign_email_token_check(key, p1, tok, toklen, now, email);
	if (r == SIGN_OK || r == SIGN_EXPIRED) {
		/* It names an address that, signed again, is this token. */
		size_t n = strlen(email);
		const char *dot = memchr(tok, '.', toklen);

		if (n == 0 || n > SIGN_EMAIL_MAX || dot == NULL)
			abort();
		if (sign_email_token_check(key, p1, tok, toklen, now,
		    email2) != r || strcmp(email, email2) != 0)
			abort();
	} else if (r != SIGN_BAD || email[0] != '\0') {
		abort();
	}
	if (t1[0] == '\0' || strlen(t1) > SIGN_EMAIL_MAX)
		return;
	sign_email_token(key, p1, t1, exp, made);
	r = sign_email_token_check(key, p1, made, strlen(made), now, email);
	if (r != (exp < now ? SIGN_EXPIRED : SIGN_OK) || strcmp(email, t1) != 0)
		abort();
	if (strcmp(t1, t2) != 0 && t2[0] != '\0' &&
	    strlen(t2) <= SIGN_EMAIL_MAX) {
		char m2[SIGN_EMAIL_TOKEN_MAX];

		sign_email_token(key, p1, t2, exp, m2);
		if (strcmp(made, m2) == 0)
			abort();
	}
	if (sign_email_token_check(key, purposes[(sel + 1) % NPURPOSES], made,
	    strlen(made), now, email) != SIGN_BAD)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tok, *t1, *t2;
	size_t toklen, l1, l2;
	unsigned sel;

	if (size < 1)
		return 0;
	sel = data[0];
	tok = piece(data + 1, size - 1, 0, &toklen);
	t1 = piece(data + 1, size - 1, 1, &l1);
	t2 = piece(data + 1, size - 1, 2, &l2);
	check_id_tokens(tok, toklen, t1, t2, sel);
	check_email_tokens(tok, toklen, t1, t2, sel);
	/* The MAC alone: only its own base64 verifies. */
	{
		char mac[SIGN_MAC_B64 + 1];

		sign_mac_b64(key, "resource", (int64_t)sel, t1, mac);
		if (sign_mac_ok(key, "resource", (int64_t)sel, t1, tok, toklen) !=
		    (toklen == SIGN_MAC_B64 && memcmp(mac, tok, toklen) == 0))
			abort();
		if (strcmp(t1, t2) != 0 && sign_mac_ok(key, "resource",
		    (int64_t)sel, t2, mac, SIGN_MAC_B64))
			abort();
	}
	free(tok);
	free(t1);
	free(t2);
	return 0;
}
