/*
 * ap.c — ActivityPub's keys, signatures and deliveries (ap.h,
 * docs/activitypub.md).
 *
 * Keys are RSA 2048, made on first need and kept in ap_keys; the
 * private half is read only here, to sign.  A delivery is a row of
 * the deliveries table of kind `activitypub` (delivery.c, which owns
 * the retries, the same as a webhook's); its job signs the body with
 * the sender's key when it sends it.  Outgoing
 * requests go through libcurl with the webhooks' address guard, under
 * the activitypub_private setting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "ap.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "delivery.h"
#include "store.h"
#include "store_ap.h"
#include "store_deliveries.h"
#include "util.h"
#include "webhook.h"

#define DOC_MAX		(256 * 1024)	/* the largest actor document read */
#define KEY_TTL		(24 * 3600)	/* seconds a fetched key is trusted */

static const char *const activity_names[AP__MAX] = {
	[AP_CREATE] = "Create",
	[AP_UPDATE] = "Update",
	[AP_DELETE] = "Delete",
};

static const char *
site(char *buf, size_t n)
{
	return config_site_url(buf, n);
}

void
ap_host(char *out, size_t n)
{
	char b[256];
	const char *s = site(b, sizeof(b)), *p;

	p = strstr(s, "://");
	p = p != NULL ? p + 3 : s;
	strlcpy_(out, p, n);
	out[strcspn(out, "/")] = '\0';
}

void
ap_time(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
ap_actor_url(struct db *db, const char *actor, char *out, size_t n)
{
	char b[256], slug[256];
	int64_t id;

	if (strcmp(actor, "site") == 0) {
		snprintf(out, n, "%s/ap/actor", site(b, sizeof(b)));
		return 0;
	}
	if (strncmp(actor, "author:", 7) != 0 || parse_int(actor + 7,
	    strlen(actor + 7), 1, INT64_MAX, &id) != 0 ||
	    store_author_slug(db, id, slug, sizeof(slug)) != STORE_OK)
		return -1;
	snprintf(out, n, "%s/ap/authors/%s", site(b, sizeof(b)), slug);
	return 0;
}

int
ap_actor_of_url(struct db *db, const char *url, char *out, size_t n)
{
	char b[256];
	const char *s = site(b, sizeof(b));
	size_t len = strlen(s);
	json_t *a;

	if (url == NULL || strncmp(url, s, len) != 0)
		return -1;
	url += len;
	if (strcmp(url, "/ap/actor") == 0) {
		strlcpy_(out, "site", n);
		return 0;
	}
	if (strncmp(url, "/ap/authors/", 12) != 0 || strchr(url + 12, '/') !=
	    NULL || store_author_get(db, url + 12, &a) != STORE_OK)
		return -1;
	snprintf(out, n, "author:%lld", (long long)json_integer_value(
	    json_object_get(a, "id")));
	json_decref(a);
	return 0;
}

/* A PEM of pkey's public (priv 0) or private half (the caller frees it). */
static char *
pem_of(EVP_PKEY *pkey, int priv)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out = NULL;
	long n;

	if (b == NULL)
		return NULL;
	if ((priv ? PEM_write_bio_PrivateKey(b, pkey, NULL, NULL, 0, NULL,
	    NULL) : PEM_write_bio_PUBKEY(b, pkey)) == 1 &&
	    (n = BIO_get_mem_data(b, &p)) > 0 && (out = malloc(n + 1)) !=
	    NULL) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
	BIO_free(b);
	return out;
}

/* A key read from PEM (private or public), or NULL. */
static EVP_PKEY *
key_of(const char *pem, int priv)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	if (b == NULL)
		return NULL;
	k = priv ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) :
	    PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

int
ap_key_ensure(struct db *db, const char *actor)
{
	EVP_PKEY *k;
	json_t *row;
	char *pub = NULL, *priv = NULL;
	int rc = -1;

	if (store_ap_key_get(db, actor, &row) == STORE_OK) {
		json_decref(row);
		return 0;
	}
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) == NULL)
		return -1;
	pub = pem_of(k, 0);
	priv = pem_of(k, 1);
	EVP_PKEY_free(k);
	if (pub != NULL && priv != NULL && db_begin_write(db) == DB_OK) {
		if (store_ap_key_put(db, actor, pub, priv) == STORE_OK &&
		    db_commit(db) == DB_OK)
			rc = 0;
		else
			db_rollback(db);
	}
	if (priv != NULL)
		sodium_memzero(priv, strlen(priv));
	free(pub);
	free(priv);
	return rc;
}

char *
ap_key_public(struct db *db, const char *actor)
{
	json_t *row;
	char *s = NULL;

	if (store_ap_key_get(db, actor, &row) != STORE_OK)
		return NULL;
	s = strdup(json_string_value(json_object_get(row, "public_pem")));
	json_decref(row);
	return s;
}

/* The private key of a local actor, or NULL. */
static EVP_PKEY *
private_key(struct db *db, const char *actor)
{
	json_t *row;
	EVP_PKEY *k;

	if (store_ap_key_get(db, actor, &row) != STORE_OK)
		return NULL;
	k = key_of(json_string_value(json_object_get(row, "private_pem")), 1);
	json_decref(row);
	return k;
}

/* "SHA-256=" and the base64 SHA-256 of body into out. */
static void
digest(const char *body, size_t len, char *out, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[64];

	crypto_hash_sha256(h, (const unsigned char *)body, len);
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, n, "SHA-256=%s", b64);
}

/* The base64 RSA-SHA256 signature of s under k into out; 0 or -1. */
static int
sign(EVP_PKEY *k, const char *s, char *out, size_t n)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char sig[512];
	size_t len = sizeof(sig);
	int ok;

	if (c == NULL)
		return -1;
	ok = EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestSign(c, sig, &len, (const unsigned char *)s,
	    strlen(s)) == 1 && sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_ORIGINAL) <= n;
	EVP_MD_CTX_free(c);
	if (!ok)
		return -1;
	sodium_bin2base64(out, n, sig, len, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

/* 1 when the base64 signature b64 of s verifies under the PEM key pem. */
static int
verified(const char *pem, const char *s, const char *b64)
{
	unsigned char sig[1024];
	size_t len;
	EVP_PKEY *k;
	EVP_MD_CTX *c;
	int ok = 0;

	if (sodium_base642bin(sig, sizeof(sig), b64, strlen(b64), NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return 0;
	if ((k = key_of(pem, 0)) == NULL)
		return 0;
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA &&
	    (c = EVP_MD_CTX_new()) != NULL) {
		ok = EVP_DigestVerifyInit(c, NULL, EVP_sha256(), NULL, k) ==
		    1 && EVP_DigestVerify(c, sig, len,
		    (const unsigned char *)s, strlen(s)) == 1;
		EVP_MD_CTX_free(c);
	}
	EVP_PKEY_free(k);
	return ok;
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	buf_append(b, p, size * n);
	return buf_err(b) ? 0 : size * n;
}

/* A curl handle with the guard and limits every request of ours has. */
static CURL *
handle(const char *url, char *cerr, struct buf *out)
{
	CURL *c;

	if ((c = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* The webhooks' guard, under this module's own setting. */
	webhook_curl_guard(c, &config.activitypub_private);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	return c;
}

/* The Host header's value and the request target of url; 0 or -1. */
static int
url_parts(const char *url, char *host, size_t hn, char *target, size_t tn)
{
	CURLU *u = curl_url();
	char *h = NULL, *port = NULL, *path = NULL, *query = NULL;
	int rc = -1;

	if (u == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		curl_url_get(u, CURLUPART_QUERY, &query, 0);
		if (port != NULL)
			snprintf(host, hn, "%s:%s", h, port);
		else
			snprintf(host, hn, "%s", h);
		snprintf(target, tn, "%s%s%s", path, query != NULL ? "?" : "",
		    query != NULL ? query : "");
		rc = 0;
	}
	curl_free(h);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return rc;
}

/* Today's date as HTTP spells it into out[40]. */
static void
http_date(char out[40])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/*
 * POSTs body to inbox signed as keyid with k: the answer's status in
 * *code and 0 when it is 2xx, else -1 and why.
 */
static int
post_signed(const char *inbox, EVP_PKEY *k, const char *keyid,
    const char *body, long *code, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "", host[300], target[2048], date[40];
	char dig[80], sig[700], *tosign, h[5][3000];
	struct curl_slist *hdr = NULL;
	struct buf ans = BUF_INIT;
	size_t n;
	CURL *c;
	CURLcode rc;
	int i;

	*code = 0;
	if (url_parts(inbox, host, sizeof(host), target, sizeof(target)) != 0) {
		snprintf(err, errlen, "the inbox is not a URL");
		return -1;
	}
	http_date(date);
	digest(body, strlen(body), dig, sizeof(dig));
	n = strlen(target) + strlen(host) + strlen(date) + strlen(dig) + 80;
	tosign = malloc(n);
	snprintf(tosign, n, "(request-target): post %s\nhost: %s\ndate: %s\n"
	    "digest: %s", target, host, date, dig);
	i = sign(k, tosign, sig, sizeof(sig));
	free(tosign);
	if (i != 0) {
		snprintf(err, errlen, "cannot sign");
		return -1;
	}
	buf_init(&ans, 65536);
	if ((c = handle(inbox, cerr, &ans)) == NULL) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	snprintf(h[0], sizeof(h[0]), "Host: %s", host);
	snprintf(h[1], sizeof(h[1]), "Date: %s", date);
	snprintf(h[2], sizeof(h[2]), "Digest: %s", dig);
	snprintf(h[3], sizeof(h[3]), "Signature: keyId=\"%s\",algorithm="
	    "\"rsa-sha256\",headers=\"(request-target) host date digest\","
	    "signature=\"%s\"", keyid, sig);
	snprintf(h[4], sizeof(h[4]), "Content-Type: application/activity+json");
	for (i = 0; i < 5; i++)
		hdr = curl_slist_append(hdr, h[i]);
	hdr = curl_slist_append(hdr, "Accept: application/activity+json");
	hdr = curl_slist_append(hdr, "User-Agent: masthead-activitypub/1");
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(body));
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", cerr[0] != '\0' ? cerr :
		    curl_easy_strerror(rc));
	else if (*code < 200 || *code > 299)
		snprintf(err, errlen, "the inbox answered %ld", *code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	buf_free(&ans);
	return rc == CURLE_OK && *code >= 200 && *code <= 299 ? 0 : -1;
}

/* GETs an ActivityStreams document (a new reference), or NULL. */
static json_t *
fetch_doc(const char *url)
{
	char cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	struct buf b = BUF_INIT;
	json_t *doc = NULL;
	long code = 0;
	CURL *c;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return NULL;
	buf_init(&b, DOC_MAX);
	if ((c = handle(url, cerr, &b)) == NULL)
		return NULL;
	hdr = curl_slist_append(hdr, "Accept: application/activity+json, "
	    "application/ld+json; profile=\"https://www.w3.org/ns/"
	    "activitystreams\"");
	hdr = curl_slist_append(hdr, "User-Agent: masthead-activitypub/1");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	if (curl_easy_perform(c) == CURLE_OK && curl_easy_getinfo(c,
	    CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200 &&
	    !buf_err(&b) && b.len > 0)
		doc = json_loadb(b.p, b.len, 0, NULL);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	buf_free(&b);
	if (doc != NULL && !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/*
 * Fetches the actor that owns keyid and stores its key and inboxes (in
 * a transaction of its own): 0 with its row in *out, or -1.
 */
static int
fetch_actor(struct db *db, const char *keyid, json_t **out)
{
	char url[2048], handle[512], host[300], target[2048];
	json_t *doc, *pk, *ep;
	const char *id, *pem, *inbox, *user;
	int rc = -1;

	*out = NULL;
	strlcpy_(url, keyid, sizeof(url));
	url[strcspn(url, "#")] = '\0';
	if ((doc = fetch_doc(url)) == NULL)
		return -1;
	/* A key document names its owner: the actor is fetched from there. */
	if (json_object_get(doc, "publicKey") == NULL &&
	    (id = json_string_value(json_object_get(doc, "owner"))) != NULL) {
		strlcpy_(url, id, sizeof(url));
		json_decref(doc);
		if ((doc = fetch_doc(url)) == NULL)
			return -1;
	}
	pk = json_object_get(doc, "publicKey");
	if (json_is_array(pk))
		pk = json_array_get(pk, 0);
	id = str(doc, "id");
	pem = str(pk, "publicKeyPem");
	inbox = str(doc, "inbox");
	user = str(doc, "preferredUsername");
	ep = json_object_get(doc, "endpoints");
	/* The key must be the one the request named, owned by this actor. */
	if (id[0] == '\0' || pem[0] == '\0' || inbox[0] == '\0' ||
	    strcmp(str(pk, "id"), keyid) != 0 || (json_object_get(pk,
	    "owner") != NULL && strcmp(str(pk, "owner"), id) != 0) ||
	    url_parts(id, host, sizeof(host), target, sizeof(target)) != 0)
		goto done;
	snprintf(handle, sizeof(handle), "@%s@%s", user[0] != '\0' ? user :
	    "unknown", host);
	if (db_begin_write(db) != DB_OK)
		goto done;
	if (store_ap_actor_put(db, id, keyid, pem, inbox,
	    str(ep, "sharedInbox"), handle) != STORE_OK ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		goto done;
	}
	rc = store_ap_actor_get(db, id, out) == STORE_OK ? 0 : -1;
done:
	json_decref(doc);
	return rc;
}

/* The value of name="value" in a Signature header into out; 0 or -1. */
static int
sig_param(const char *h, const char *name, char *out, size_t n)
{
	size_t len = strlen(name), v;
	const char *p = h;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncasecmp(p, name, len) == 0 && p[len] == '=' &&
		    p[len + 1] == '"') {
			p += len + 2;
			v = strcspn(p, "\"");
			if (p[v] != '"' || v >= n)
				return -1;
			memcpy(out, p, v);
			out[v] = '\0';
			return 0;
		}
		/* Skips this parameter, quoted value and all. */
		p += strcspn(p, "=,");
		if (*p == '=') {
			p++;
			if (*p == '"') {
				p = strchr(p + 1, '"');
				if (p == NULL)
					return -1;
				p++;
			} else
				p += strcspn(p, ",");
		}
	}
	return -1;
}

/* 1 when the space-separated list has word. */
static int
has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Appends the signing string of the request for the headers list. */
static int
signing_string(const struct ap_request *rq, const char *list, struct buf *s)
{
	char name[64];
	const char *p = list, *v;
	size_t n, i;

	while (*p != '\0') {
		n = strcspn(p, " ");
		if (n == 0 || n >= sizeof(name))
			return -1;
		for (i = 0; i < n; i++)
			name[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 :
			    p[i]);
		name[n] = '\0';
		if (s->len > 0)
			buf_putc(s, '\n');
		if (strcmp(name, "(request-target)") == 0) {
			buf_puts(s, "(request-target): ");
			for (i = 0; rq->method[i] != '\0'; i++)
				buf_putc(s, (char)(rq->method[i] >= 'A' &&
				    rq->method[i] <= 'Z' ? rq->method[i] + 32 :
				    rq->method[i]));
			buf_printf(s, " %s", rq->target);
		} else {
			if ((v = rq->header(rq->ctx, name)) == NULL)
				return -1;
			buf_printf(s, "%s: %s", name, v);
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return buf_err(s) ? -1 : 0;
}

int
ap_verify(struct db *db, const struct ap_request *rq, json_t **actor,
    char *why, size_t whylen)
{
	char keyid[2048], alg[64], list[512], sig[1400], want[80];
	const char *h, *d;
	struct buf s = BUF_INIT;
	struct tm tm;
	json_t *a = NULL;
	int64_t when;
	int rc = 401;

	*actor = NULL;
	if ((h = rq->header(rq->ctx, "signature")) == NULL) {
		snprintf(why, whylen, "the request is not signed");
		return 401;
	}
	if (sig_param(h, "keyId", keyid, sizeof(keyid)) != 0 ||
	    sig_param(h, "signature", sig, sizeof(sig)) != 0 ||
	    sig_param(h, "headers", list, sizeof(list)) != 0) {
		snprintf(why, whylen, "the Signature header is malformed");
		return 401;
	}
	if (sig_param(h, "algorithm", alg, sizeof(alg)) == 0 &&
	    strcasecmp(alg, "rsa-sha256") != 0 && strcasecmp(alg,
	    "hs2019") != 0) {
		snprintf(why, whylen, "the signature's algorithm is not "
		    "rsa-sha256 or hs2019");
		return 401;
	}
	if (!has_word(list, "(request-target)") || !has_word(list, "host") ||
	    !has_word(list, "date") || !has_word(list, "digest")) {
		snprintf(why, whylen, "the signature must cover "
		    "(request-target), host, date and digest");
		return 401;
	}
	d = rq->header(rq->ctx, "date");
	memset(&tm, 0, sizeof(tm));
	if (d == NULL || strptime(d, "%a, %d %b %Y %H:%M:%S GMT", &tm) ==
	    NULL) {
		snprintf(why, whylen, "the Date header is missing or malformed");
		return 401;
	}
	when = (int64_t)timegm(&tm);
	if (when < now_unix() - AP_CLOCK_SKEW || when > now_unix() +
	    AP_CLOCK_SKEW) {
		snprintf(why, whylen, "the Date is more than five minutes off");
		return 401;
	}
	digest(rq->body != NULL ? rq->body : "", rq->len, want, sizeof(want));
	if ((d = rq->header(rq->ctx, "digest")) == NULL || strcmp(d, want) !=
	    0) {
		snprintf(why, whylen, "the Digest does not match the body");
		return 401;
	}
	/* After this point, all errors go through done. */
	if (signing_string(rq, list, &s) != 0) {
		snprintf(why, whylen, "a signed header is missing");
		goto done;
	}
	{
		char uri[2048];

		strlcpy_(uri, keyid, sizeof(uri));
		uri[strcspn(uri, "#")] = '\0';
		if (store_ap_actor_get(db, uri, &a) == STORE_OK &&
		    (strcmp(str(a, "key_uri"), keyid) != 0 ||
		    json_integer_value(json_object_get(a, "fetched_at")) <
		    now_unix() - KEY_TTL)) {
			json_decref(a);
			a = NULL;
		}
	}
	if (a != NULL && !verified(str(a, "public_pem"), s.p, sig)) {
		/* The actor may have a new key: fetch it once more. */
		json_decref(a);
		a = NULL;
	}
	if (a == NULL && fetch_actor(db, keyid, &a) != 0) {
		snprintf(why, whylen, "the signer's actor cannot be fetched");
		goto done;
	}
	if (!verified(str(a, "public_pem"), s.p, sig)) {
		snprintf(why, whylen, "the signature does not verify");
		goto done;
	}
	*actor = a;
	a = NULL;
	rc = 0;
done:
	json_decref(a);
	buf_free(&s);
	return rc;
}

int
ap_article(struct db *db, int64_t id, json_t **out)
{
	char b[256], u[2048], t[21];
	const char *s = site(b, sizeof(b));
	json_t *a, *o, *by, *tags, *v;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = store_ap_article(db, id, &a)) != STORE_OK)
		return rc;
	o = json_object();
	json_object_set_new(o, "@context", json_string(
	    "https://www.w3.org/ns/activitystreams"));
	snprintf(u, sizeof(u), "%s/ap/articles/%lld", s, (long long)id);
	json_object_set_new(o, "id", json_string(u));
	json_object_set_new(o, "type", json_string("Article"));
	json_object_set(o, "name", json_object_get(a, "title"));
	if (str(a, "dek")[0] != '\0')
		json_object_set(o, "summary", json_object_get(a, "dek"));
	json_object_set(o, "content", json_object_get(a, "body_html"));
	json_object_set_new(o, "mediaType", json_string("text/html"));
	snprintf(u, sizeof(u), "%s/article/%s", s, str(a, "slug"));
	json_object_set_new(o, "url", json_string(u));
	ap_time(json_integer_value(json_object_get(a, "published_at")), t);
	json_object_set_new(o, "published", json_string(t));
	ap_time(json_integer_value(json_object_get(a, "updated_at")), t);
	json_object_set_new(o, "updated", json_string(t));
	by = json_array();
	json_array_foreach(json_object_get(a, "authors"), i, v) {
		snprintf(u, sizeof(u), "%s/ap/authors/%s", s, str(v, "slug"));
		json_array_append_new(by, json_string(u));
	}
	snprintf(u, sizeof(u), "%s/ap/actor", s);
	json_array_append_new(by, json_string(u));
	json_object_set_new(o, "attributedTo", by);
	json_object_set_new(o, "to", json_pack("[s]", AP_PUBLIC));
	snprintf(u, sizeof(u), "%s/ap/actor/followers", s);
	json_object_set_new(o, "cc", json_pack("[s]", u));
	if (str(a, "image")[0] != '\0') {
		snprintf(u, sizeof(u), "%s/media/%s", s, str(a, "image"));
		json_object_set_new(o, "image", json_pack("{s:s,s:s,s:s}",
		    "type", "Image", "url", u, "mediaType",
		    str(a, "image_type")));
	}
	tags = json_array();
	json_array_foreach(json_object_get(a, "tags"), i, v) {
		char name[300];
		const char *n = str(v, "name");
		size_t k = 1;

		/* A hashtag is one word: the tag's name without spaces. */
		name[0] = '#';
		for (; *n != '\0' && k + 1 < sizeof(name); n++)
			if (*n != ' ' && *n != '\t')
				name[k++] = *n;
		name[k] = '\0';
		snprintf(u, sizeof(u), "%s/tag/%s", s, str(v, "slug"));
		json_array_append_new(tags, json_pack("{s:s,s:s,s:s}", "type",
		    "Hashtag", "href", u, "name", name));
	}
	json_object_set_new(o, "tag", tags);
	json_decref(a);
	*out = o;
	return STORE_OK;
}

int
ap_send(struct db *db, const char *sender, const char *inbox,
    json_t *activity)
{
	struct delivery_row d = { .inbox = inbox, .sender = sender,
	    .event = str(activity, "type") };
	char *s;
	int rc;

	if ((s = json_dumps(activity, JSON_COMPACT)) == NULL)
		return STORE_ERROR;
	d.object = json_is_object(json_object_get(activity, "object")) ?
	    str(json_object_get(activity, "object"), "id") :
	    str(activity, "object");
	d.payload = s;
	rc = delivery_add(db, DELIVERY_AP, &d);
	free(s);
	return rc;
}

int
ap_fire_story(struct db *db, enum ap_activity kind, int64_t id)
{
	char b[256], u[2048], t[21];
	const char *s = site(b, sizeof(b));
	json_t *inboxes, *obj, *act, *v;
	size_t i;
	int rc;

	if ((rc = store_ap_inboxes(db, id, &inboxes)) != STORE_OK)
		return rc;
	if (json_array_size(inboxes) == 0) {
		json_decref(inboxes);
		return STORE_OK;
	}
	snprintf(u, sizeof(u), "%s/ap/articles/%lld", s, (long long)id);
	if (kind == AP_DELETE)
		obj = json_pack("{s:s,s:s}", "id", u, "type", "Tombstone");
	else if ((rc = ap_article(db, id, &obj)) != STORE_OK) {
		json_decref(inboxes);
		return rc;
	} else
		json_object_del(obj, "@context");
	ap_time(now_unix(), t);
	/* Each activity has an id of its own: the story's and the moment. */
	snprintf(u, sizeof(u), "%s/ap/articles/%lld#%s-%lld", s, (long long)id,
	    activity_names[kind], (long long)now_unix());
	act = json_pack("{s:s,s:s,s:s,s:s+,s:s,s:[s],s:[s+],s:o}", "@context",
	    "https://www.w3.org/ns/activitystreams", "id", u, "type",
	    activity_names[kind], "actor", s, "/ap/actor", "published", t,
	    "to", AP_PUBLIC, "cc", s, "/ap/actor/followers", "object", obj);
	if (act == NULL) {
		json_decref(inboxes);
		return STORE_ERROR;
	}
	rc = STORE_OK;
	json_array_foreach(inboxes, i, v)
		if ((rc = ap_send(db, "site", str(v, "inbox"), act)) !=
		    STORE_OK)
			break;
	json_decref(act);
	json_decref(inboxes);
	return rc;
}

/* One signed try of the delivery d. */
static enum delivery_try
ap_try(struct db *db, json_t *d, long *code, char *err, size_t errlen)
{
	char keyid[2100];
	const char *sender = str(d, "sender");
	EVP_PKEY *k;
	int ok;

	if (ap_key_ensure(db, sender) != 0 || (k = private_key(db, sender)) ==
	    NULL)
		return DELIVERY_ERROR;
	if (ap_actor_url(db, sender, keyid, sizeof(keyid) - 10) != 0) {
		/* The author is gone: nobody can sign for them any more. */
		EVP_PKEY_free(k);
		snprintf(err, errlen, "the sender is gone");
		return DELIVERY_GIVE_UP;
	}
	strlcpy_(keyid + strlen(keyid), "#main-key", 10);
	ok = post_signed(str(d, "inbox"), k, keyid, str(d, "payload"), code,
	    err, errlen) == 0;
	EVP_PKEY_free(k);
	return ok ? DELIVERY_SENT : DELIVERY_FAILED;
}

void
ap_jobs_init(void)
{
	delivery_register(DELIVERY_AP, ap_try);
}
