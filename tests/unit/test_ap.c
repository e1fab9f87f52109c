/*
 * test_ap.c — what src/ap.c accepts as an HTTP Signature: a request
 * signed with a known actor's key verifies; a changed body, Digest,
 * Date, signed-header list, key or Signature header does not.  The
 * actor's key is put in a fresh SQLite database, so nothing is fetched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "ap.h"
#include "db.h"
#include "migrate.h"
#include "store.h"
#include "store_ap.h"

#define ACTOR	"https://social.example/users/alice"
#define KEYID	ACTOR "#main-key"

/* The request under test: its headers by name. */
struct fake {
	const char	*names[8];
	char		 values[8][2048];
	int		 n;
};

static const char *
lookup(void *ctx, const char *name)
{
	struct fake *f = ctx;

	for (int i = 0; i < f->n; i++)
		if (strcasecmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

static void
set(struct fake *f, const char *name, const char *value)
{
	for (int i = 0; i < f->n; i++)
		if (strcasecmp(f->names[i], name) == 0) {
			snprintf(f->values[i], sizeof(f->values[i]), "%s", value);
			return;
		}
	f->names[f->n] = name;
	snprintf(f->values[f->n++], sizeof(f->values[0]), "%s", value);
}

static char *
pem_public(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	assert_int_equal(PEM_write_bio_PUBKEY(b, k), 1);
	n = BIO_get_mem_data(b, &p);
	out = malloc(n + 1);
	memcpy(out, p, n);
	out[n] = '\0';
	BIO_free(b);
	return out;
}

/* The base64 RSA-SHA256 signature of s under k. */
static void
sign(EVP_PKEY *k, const char *s, char *out, size_t n)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char sig[512];
	size_t len = sizeof(sig);

	assert_int_equal(EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(c, sig, &len, (const unsigned char *)s,
	    strlen(s)), 1);
	EVP_MD_CTX_free(c);
	sodium_bin2base64(out, n, sig, len, sodium_base64_VARIANT_ORIGINAL);
}

static void
digest_of(const char *body, char *out, size_t n)
{
	unsigned char h[32];
	char b64[64];

	crypto_hash_sha256(h, (const unsigned char *)body, strlen(body));
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, n, "SHA-256=%s", b64);
}

struct fixture {
	struct db	*db;
	EVP_PKEY	*key, *other;
	char		 path[64];
};

static struct fixture fx;

static int
setup(void **state)
{
	char err[256], *pem;
	int fd;

	(void)state;
	snprintf(fx.path, sizeof(fx.path), "/tmp/masthead-test-ap-XXXXXX");
	fd = mkstemp(fx.path);
	assert_true(fd >= 0);
	close(fd);
	fx.db = db_open(fx.path, err, sizeof(err));
	assert_non_null(fx.db);
	assert_int_equal(migrate_run(fx.db, err, sizeof(err)), 0);
	fx.key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	fx.other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	assert_non_null(fx.key);
	assert_non_null(fx.other);
	pem = pem_public(fx.key);
	assert_int_equal(store_ap_actor_put(fx.db, ACTOR, KEYID, pem,
	    ACTOR "/inbox", "https://social.example/inbox",
	    "@alice@social.example"), STORE_OK);
	free(pem);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(fx.db);
	EVP_PKEY_free(fx.key);
	EVP_PKEY_free(fx.other);
	unlink(fx.path);
	return 0;
}

enum form { GOOD, HMAC, UNCLOSED };

/*
 * A request to /ap/inbox with body, signed by k over list at time t,
 * its Signature header written well, naming another algorithm, or with
 * its last quote missing.
 */
static void
make(struct fake *f, const char *body, EVP_PKEY *k, const char *list,
    time_t t, enum form form)
{
	char date[64], dig[80], s[4096], sig[700], h[3000];
	struct tm tm;

	memset(f, 0, sizeof(*f));
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	digest_of(body, dig, sizeof(dig));
	set(f, "host", "news.example.com");
	set(f, "date", date);
	set(f, "digest", dig);
	/* The signing string of the list, as the sender makes it. */
	{
		const char *w = list;
		size_t len = 0, n;
		char name[64];

		s[0] = '\0';
		while (*w != '\0') {
			n = strcspn(w, " ");
			snprintf(name, sizeof(name), "%.*s", (int)n, w);
			len += snprintf(s + len, sizeof(s) - len, "%s%s: %s",
			    len > 0 ? "\n" : "", name,
			    strcmp(name, "(request-target)") == 0 ?
			    "post /ap/inbox" : lookup(f, name));
			w += n;
			while (*w == ' ')
				w++;
		}
	}
	sign(k, s, sig, sizeof(sig));
	snprintf(h, sizeof(h), "keyId=\"%s\",algorithm=\"%s\",headers=\"%s\","
	    "signature=\"%s%s", KEYID, form == HMAC ? "hmac-sha256" :
	    "rsa-sha256", list, sig, form == UNCLOSED ? "" : "\"");
	set(f, "signature", h);
}

static int
check(struct fake *f, const char *body)
{
	struct ap_request rq = { "POST", "/ap/inbox", lookup, f, body,
	    strlen(body) };
	char why[200];
	json_t *a = NULL;
	int rc;

	rc = ap_verify(fx.db, &rq, &a, why, sizeof(why));
	if (rc == 0) {
		assert_string_equal(json_string_value(json_object_get(a,
		    "uri")), ACTOR);
		json_decref(a);
	} else
		assert_null(a);
	return rc;
}

#define ALL	"(request-target) host date digest"

static void
test_good(void **state)
{
	struct fake f;
	const char *body = "{\"type\":\"Follow\"}";

	(void)state;
	make(&f, body, fx.key, ALL, time(NULL), GOOD);
	assert_int_equal(check(&f, body), 0);
	/* The order of the list is the sender's. */
	make(&f, body, fx.key, "date digest host (request-target)",
	    time(NULL), GOOD);
	assert_int_equal(check(&f, body), 0);
	make(&f, body, fx.key, ALL, time(NULL) - 200, GOOD);
	assert_int_equal(check(&f, body), 0);
}

static void
test_refused(void **state)
{
	struct fake f;
	const char *body = "{\"type\":\"Follow\"}";
	char h[3000];

	(void)state;
	/* Another body: the Digest no longer matches. */
	make(&f, body, fx.key, ALL, time(NULL), GOOD);
	assert_int_equal(check(&f, "{\"type\":\"Undo\"}"), 401);
	/* A Digest changed after signing. */
	make(&f, body, fx.key, ALL, time(NULL), GOOD);
	set(&f, "digest", "SHA-256=AAAA");
	assert_int_equal(check(&f, body), 401);
	/* Another Host than the one signed. */
	make(&f, body, fx.key, ALL, time(NULL), GOOD);
	set(&f, "host", "evil.example");
	assert_int_equal(check(&f, body), 401);
	/* Too old, too new. */
	make(&f, body, fx.key, ALL, time(NULL) - AP_CLOCK_SKEW - 60, GOOD);
	assert_int_equal(check(&f, body), 401);
	make(&f, body, fx.key, ALL, time(NULL) + AP_CLOCK_SKEW + 60, GOOD);
	assert_int_equal(check(&f, body), 401);
	/* A list without the digest or the target. */
	make(&f, body, fx.key, "(request-target) host date", time(NULL), GOOD);
	assert_int_equal(check(&f, body), 401);
	make(&f, body, fx.key, "host date digest", time(NULL), GOOD);
	assert_int_equal(check(&f, body), 401);
	/* Signed with a key that is not the actor's (whose fetch fails). */
	make(&f, body, fx.other, ALL, time(NULL), GOOD);
	assert_int_equal(check(&f, body), 401);
	/* No Signature, a malformed one, another algorithm. */
	make(&f, body, fx.key, ALL, time(NULL), GOOD);
	set(&f, "signature", "keyId=" KEYID);
	assert_int_equal(check(&f, body), 401);
	make(&f, body, fx.key, ALL, time(NULL), HMAC);
	assert_int_equal(check(&f, body), 401);
	make(&f, body, fx.key, ALL, time(NULL), UNCLOSED);
	assert_int_equal(check(&f, body), 401);
	make(&f, body, fx.key, ALL, time(NULL), GOOD);
	snprintf(h, sizeof(h), "%s", lookup(&f, "signature"));
	/* One character of the signature changed. */
	h[strlen(h) - 5] = h[strlen(h) - 5] == 'A' ? 'B' : 'A';
	set(&f, "signature", h);
	assert_int_equal(check(&f, body), 401);
	memset(&f, 0, sizeof(f));
	assert_int_equal(check(&f, body), 401);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_refused),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
