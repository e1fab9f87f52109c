/*
 * webhook.c — signed HTTP deliveries of events to the URLs admins
 * registered (webhook.h, docs/webhooks.md).
 *
 * A delivery is a row of the deliveries table of kind `webhook`
 * (delivery.c, which owns the retries and their schedule); this file
 * builds the bodies and makes one try of a delivery when its job asks.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "config.h"
#include "db.h"
#include "delivery.h"
#include "metrics.h"
#include "store.h"
#include "store_deliveries.h"
#include "store_webhook.h"
#include "util.h"
#include "webhook.h"

#define SEND_TIMEOUT	10L	/* seconds for a whole try */

const char *const webhook_event_names[WEBHOOK__MAX] = {
	[WEBHOOK_STORY_PUBLISHED] = "story.published",
	[WEBHOOK_STORY_UPDATED] = "story.updated",
	[WEBHOOK_STORY_UNPUBLISHED] = "story.unpublished",
	[WEBHOOK_COMMENT_POSTED] = "comment.posted",
	[WEBHOOK_SUBSCRIBER_CONFIRMED] = "subscriber.confirmed",
	[WEBHOOK_REGISTRATION_MADE] = "registration.made",
};

void
webhook_secret_new(char out[WEBHOOK_SECRET_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "whsec_", 6);
	sodium_bin2hex(out + 6, 64 + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

void
webhook_sign(const char *secret, int64_t ts, const char *body, size_t len,
    char out[3 + 64 + 1])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char t[24];

	snprintf(t, sizeof(t), "%lld.", (long long)ts);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)t,
	    strlen(t));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "v1=", 3);
	sodium_bin2hex(out + 3, 64 + 1, mac, sizeof(mac));
}

/* 1 when an IPv4 address (network order) is not a public one. */
static int
private_v4(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224 ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64) ||
	    (a[0] == 169 && a[1] == 254) ||
	    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 192 && a[1] == 0 && a[2] == 0) ||
	    (a[0] == 198 && (a[1] & 0xfe) == 18);
}

/*
 * 1 when sa is loopback, private, link-local, unspecified or multicast:
 * the addresses a webhook must not make the server call (SSRF).
 */
int
webhook_private_addr(const struct sockaddr *sa)
{
	const unsigned char *a;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (sa->sa_family == AF_INET)
		return private_v4((const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family != AF_INET6)
		return 1;
	a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
	if (memcmp(a, mapped, 12) == 0)
		return private_v4(a + 12);
	if (IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)(const void *)a) ||
	    IN6_IS_ADDR_UNSPECIFIED((const struct in6_addr *)(const void *)a))
		return 1;
	return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) ==
	    0x80) || a[0] == 0xff;
}

int
webhook_url_check(const char *url, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	if (strlen(url) > 2000) {
		snprintf(err, errlen, "The URL is longer than 2000 characters.");
		return -1;
	}
	if ((u = curl_url()) == NULL) {
		snprintf(err, errlen, "Out of memory.");
		return -1;
	}
	/* After this point, all errors go through done. */
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "Give an absolute http:// or https:// URL.");
		goto done;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		snprintf(err, errlen, "A webhook's URL must start with http:// "
		    "or https://.");
		goto done;
	}
	if (curl_url_get(u, CURLUPART_USER, &port, 0) == CURLUE_OK) {
		snprintf(err, errlen, "A webhook's URL may not carry a user "
		    "name or password: the signature proves the sender.");
		goto done;
	}
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	/* curl keeps the brackets of an IPv6 literal. */
	if (host[0] == '[') {
		size_t n = strlen(host);

		if (n > 2 && host[n - 1] == ']') {
			memmove(host, host + 1, n - 2);
			host[n - 2] = '\0';
		}
	}
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) {
		snprintf(err, errlen, "The URL's host does not resolve.");
		goto done;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (!config.webhook_private && webhook_private_addr(ai->ai_addr)) {
			snprintf(err, errlen, "The URL's host is a loopback or "
			    "private address, which webhooks may not reach.");
			goto done;
		}
	rc = 0;
done:
	if (res != NULL)
		freeaddrinfo(res);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/*
 * Opens the socket of a try, refusing private addresses again: a name
 * that resolved to a public address at registration may not now.  arg
 * is the setting that lets them through.
 */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	const int64_t *allow = arg;

	(void)purpose;
	if (!*allow && webhook_private_addr(&a->addr))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype, a->protocol);
}

void
webhook_curl_guard(CURL *c, const int64_t *allow_private)
{
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SEND_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, (void *)allow_private);
}

/* Keeps no part of the answer's body: only its status counts. */
static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/*
 * One POST of body to url, signed with secret: the answer's status in
 * *code (0 when there was none) and 0 when it is 2xx, else -1 and why.
 */
static int
send_one(const char *url, const char *secret, const char *id,
    const char *event, const char *body, long *code, char *err,
    size_t errlen)
{
	char cerr[CURL_ERROR_SIZE] = "", h[4][160], sig[3 + 64 + 1];
	struct curl_slist *hdr = NULL;
	int64_t ts = now_unix();
	CURL *c;
	CURLcode rc;
	int i;

	*code = 0;
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	webhook_sign(secret, ts, body, strlen(body), sig);
	snprintf(h[0], sizeof(h[0]), "Masthead-Webhook-Id: %s", id);
	snprintf(h[1], sizeof(h[1]), "Masthead-Webhook-Event: %s", event);
	snprintf(h[2], sizeof(h[2]), "Masthead-Webhook-Timestamp: %lld",
	    (long long)ts);
	snprintf(h[3], sizeof(h[3]), "Masthead-Webhook-Signature: %s", sig);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "User-Agent: masthead-webhook/1");
	/* No "Expect: 100-continue" wait on larger bodies. */
	hdr = curl_slist_append(hdr, "Expect:");
	for (i = 0; i < 4; i++)
		hdr = curl_slist_append(hdr, h[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	webhook_curl_guard(c, &config.webhook_private);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", cerr[0] != '\0' ? cerr :
		    curl_easy_strerror(rc));
	else if (*code < 200 || *code > 299)
		snprintf(err, errlen, "the receiver answered %ld", *code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc == CURLE_OK && *code >= 200 && *code <= 299 ? 0 : -1;
}

/* One delivery of event with data to webhook id, and its first job. */
static int
deliver(struct db *db, int64_t webhook, const char *event, const char *evid,
    json_t *data)
{
	struct delivery_row d = { .webhook = webhook, .event = event };
	json_t *body;
	char *s;
	int rc;

	body = json_pack("{s:s,s:s,s:I,s:O}", "id", evid, "event", event,
	    "created_at", (json_int_t)now_unix(), "data", data);
	if (body == NULL)
		return STORE_ERROR;
	s = json_dumps(body, JSON_COMPACT | JSON_ESCAPE_SLASH);
	json_decref(body);
	if (s == NULL)
		return STORE_ERROR;
	d.payload = s;
	rc = delivery_add(db, DELIVERY_WEBHOOK, &d);
	free(s);
	return rc;
}

/* A new event id: "evt_" and 32 hex digits. */
static void
event_id(char out[4 + 32 + 1])
{
	unsigned char raw[16];

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "evt_", 4);
	sodium_bin2hex(out + 4, 32 + 1, raw, sizeof(raw));
}

int
webhook_fire(struct db *db, enum webhook_event ev, json_t *data)
{
	json_t *hooks, *h;
	char evid[4 + 32 + 1];
	size_t i;
	int rc;

	if ((rc = store_webhooks_for(db, webhook_event_names[ev], &hooks)) !=
	    STORE_OK)
		return rc;
	event_id(evid);
	json_array_foreach(hooks, i, h) {
		rc = deliver(db, json_integer_value(json_object_get(h, "id")),
		    webhook_event_names[ev], evid, data);
		if (rc != STORE_OK)
			break;
	}
	json_decref(hooks);
	return rc;
}

int
webhook_fire_story(struct db *db, enum webhook_event ev, int64_t id)
{
	json_t *a, *data;
	char site[256], url[1024];
	const char *slug;
	int rc;

	if ((rc = store_article_admin_get(db, id, &a)) != STORE_OK)
		return rc;
	slug = json_string_value(json_object_get(a, "slug"));
	snprintf(url, sizeof(url), "%s/article/%s",
	    config_site_url(site, sizeof(site)), slug != NULL ? slug : "");
	data = json_pack("{s:I,s:O,s:O,s:O,s:O,s:s}", "id", (json_int_t)id,
	    "title", json_object_get(a, "title"), "slug",
	    json_object_get(a, "slug"), "status", json_object_get(a, "status"),
	    "published_at", json_object_get(a, "published_at"), "url", url);
	json_decref(a);
	if (data == NULL)
		return STORE_ERROR;
	rc = webhook_fire(db, ev, data);
	json_decref(data);
	return rc;
}

int
webhook_ping(struct db *db, int64_t id)
{
	json_t *data;
	char evid[4 + 32 + 1];
	int rc;

	event_id(evid);
	data = json_pack("{s:s}", "message", "A test ping from the newsroom.");
	rc = deliver(db, id, "ping", evid, data);
	json_decref(data);
	return rc;
}

int
webhook_resend(struct db *db, int64_t delivery)
{
	return delivery_resend(db, DELIVERY_WEBHOOK, delivery);
}

/*
 * One try of a webhook's delivery d.  A paused webhook's fails at once,
 * to be resent when it is resumed.
 */
static enum delivery_try
webhook_try(struct db *db, json_t *d, long *code, char *err, size_t errlen)
{
	json_t *body;
	const char *evid;
	int ok;

	(void)db;
	if (json_integer_value(json_object_get(d, "active")) == 0) {
		snprintf(err, errlen, "the webhook is paused");
		return DELIVERY_GIVE_UP;
	}
	body = json_loads(json_string_value(json_object_get(d, "payload")), 0,
	    NULL);
	evid = json_string_value(json_object_get(body, "id"));
	ok = send_one(json_string_value(json_object_get(d, "url")),
	    json_string_value(json_object_get(d, "secret")),
	    evid != NULL ? evid : "", json_string_value(json_object_get(d,
	    "event")), json_string_value(json_object_get(d, "payload")),
	    code, err, errlen) == 0;
	json_decref(body);
	metrics_count(ok ? MC_WEBHOOK_OK : MC_WEBHOOK_FAILED);
	return ok ? DELIVERY_SENT : DELIVERY_FAILED;
}

void
webhook_jobs_init(void)
{
	delivery_register(DELIVERY_WEBHOOK, webhook_try);
}
