/*
 * analytics.c — page views counted in memory as pages are served
 * (analytics.h, docs/analytics.md).
 *
 * One batch under one mutex: a view is classified before the lock is
 * taken (the user agent and referrer scans, the digest), so the lock
 * covers a copy into an array.  The jobs thread empties the batch every
 * few seconds; when it cannot keep up the batch stops growing and the
 * views beyond are dropped and counted, never waited for.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analytics.h"
#include "config.h"
#include "geoip.h"
#include "util.h"

/* Views one batch holds: 8 seconds of 2,000 views a second. */
#define AN_BATCH	16384
/* Pages whose seconds on page one batch holds. */
#define AN_SECONDS	512

const char *const an_kind_names[AN_KIND__MAX] = { "home", "article",
	"section" };
const char *const an_ref_names[AN_REF__MAX] = { "direct", "internal",
	"search", "social", "newsletter", "other" };
const char *const an_device_names[AN_DEVICE__MAX] = { "desktop", "mobile",
	"tablet", "bot" };

/*
 * Two batches: pages count into one while the jobs thread writes the
 * other; analytics_take swaps them under the lock, copying nothing.
 */
static struct an_view batches[2][AN_BATCH];
static struct an_view *batch = batches[0];
static size_t nbatch;
static struct an_seconds secs[AN_SECONDS];
static size_t nsecs;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t dropped;

/*
 * Parts of a user agent that only crawlers, link previewers, monitors
 * and programming tools send.  Matched in any case.
 */
static const char *const bot_marks[] = {
	"bot", "crawl", "spider", "slurp", "curl", "wget", "python",
	"httpclient", "http-client", "java/", "libwww", "okhttp", "axios",
	"node-fetch", "go-http", "headless", "phantomjs", "lighthouse",
	"scrapy", "facebookexternalhit", "embedly", "preview", "monitor",
	"uptime", "feedfetcher", "archiver",
};

int
analytics_is_bot(const struct an_hit *h)
{
	char low[512];
	size_t i, n;

	/* Every browser's user agent starts so; tools' and crawlers' may not. */
	if (h->ua == NULL || strncmp(h->ua, "Mozilla/", 8) != 0)
		return 1;
	/* Lower case once, then plain strstr: the marks are lower case. */
	for (n = 0; h->ua[n] != '\0' && n < sizeof(low) - 1; n++)
		low[n] = (h->ua[n] >= 'A' && h->ua[n] <= 'Z') ?
		    (char)(h->ua[n] - 'A' + 'a') : h->ua[n];
	low[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(bot_marks); i++)
		if (strstr(low, bot_marks[i]) != NULL)
			return 1;
	/* Browsers always say which languages their reader reads. */
	if (h->accept_language == NULL || h->accept_language[0] == '\0')
		return 1;
	if (h->accept == NULL || h->accept[0] == '\0')
		return 1;
	return 0;
}

enum an_device
analytics_device(const char *ua)
{
	if (ua == NULL)
		return AN_BOT;
	if (strstr(ua, "iPad") != NULL || strstr(ua, "Tablet") != NULL ||
	    (strstr(ua, "Android") != NULL && strstr(ua, "Mobile") == NULL))
		return AN_TABLET;
	if (strstr(ua, "Mobi") != NULL || strstr(ua, "iPhone") != NULL ||
	    strstr(ua, "Android") != NULL)
		return AN_MOBILE;
	return AN_DESKTOP;
}

/* Whether host is domain or one of its subdomains. */
static int
host_is(const char *host, const char *domain)
{
	size_t h = strlen(host), d = strlen(domain);

	if (h == d)
		return strcmp(host, domain) == 0;
	return h > d && host[h - d - 1] == '.' &&
	    strcmp(host + h - d, domain) == 0;
}

/* Whether host has label as a whole label ("google" in www.google.co.uk). */
static int
host_has_label(const char *host, const char *label)
{
	size_t n = strlen(label);
	const char *p;

	for (p = host; (p = strstr(p, label)) != NULL; p++)
		if ((p == host || p[-1] == '.') && p[n] == '.')
			return 1;
	return 0;
}

static const char *const search_labels[] = { "google", "yandex" };
static const char *const search_hosts[] = {
	"bing.com", "duckduckgo.com", "search.yahoo.com", "baidu.com",
	"ecosia.org", "search.brave.com", "startpage.com", "qwant.com",
	"kagi.com",
};
static const char *const social_labels[] = { "mastodon" };
static const char *const social_hosts[] = {
	"t.co", "x.com", "twitter.com", "linkedin.com", "lnkd.in",
	"facebook.com", "fb.me", "reddit.com", "news.ycombinator.com",
	"bsky.app", "threads.net", "instagram.com", "youtube.com",
	"mastodon.social", "fosstodon.org", "xing.com",
};

enum an_ref
analytics_referrer(const struct an_hit *h, char *host, size_t hostsz)
{
	const char *p, *e;
	size_t i, n;

	host[0] = '\0';
	if ((h->utm_medium != NULL && strcasecmp(h->utm_medium, "email") ==
	    0) || (h->utm_source != NULL &&
	    strcasestr(h->utm_source, "newsletter") != NULL))
		return AN_NEWSLETTER;
	if (h->referer == NULL || (p = strstr(h->referer, "://")) == NULL)
		return AN_DIRECT;
	p += 3;
	if ((e = strpbrk(p, "/?#")) == NULL)
		e = p + strlen(p);
	/* user:password@ is no part of the host, nor is the port. */
	for (const char *at = p; at < e; at++)
		if (*at == '@')
			p = at + 1;
	for (const char *c = p; c < e; c++)
		if (*c == ':') {
			e = c;
			break;
		}
	n = (size_t)(e - p);
	if (n == 0)
		return AN_DIRECT;
	if (n >= hostsz)
		n = hostsz - 1;
	for (i = 0; i < n; i++) {
		char c = p[i];

		host[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		/* A host is letters, digits, dots and dashes; else no host. */
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= '0' && host[i] <= '9') || host[i] == '.' ||
		    host[i] == '-')) {
			host[0] = '\0';
			return AN_OTHER;
		}
	}
	host[n] = '\0';
	if (h->site_host != NULL && strcasecmp(host, h->site_host) == 0) {
		host[0] = '\0';
		return AN_INTERNAL;
	}
	for (i = 0; i < ARRAY_SIZE(search_labels); i++)
		if (host_has_label(host, search_labels[i]))
			return AN_SEARCH;
	for (i = 0; i < ARRAY_SIZE(search_hosts); i++)
		if (host_is(host, search_hosts[i]))
			return AN_SEARCH;
	for (i = 0; i < ARRAY_SIZE(social_labels); i++)
		if (host_has_label(host, social_labels[i]))
			return AN_SOCIAL;
	for (i = 0; i < ARRAY_SIZE(social_hosts); i++)
		if (host_is(host, social_hosts[i]))
			return AN_SOCIAL;
	return AN_OTHER;
}

int
analytics_count(enum an_kind kind, const char *slug, size_t len,
    const struct an_hit *h)
{
	crypto_hash_sha256_state st;
	struct an_view v;
	static const unsigned char nl = '\n';

	if (len >= AN_SLUG_MAX || analytics_is_bot(h))
		return 0;
	memset(&v, 0, sizeof(v));
	v.at = analytics_now();
	v.kind = (unsigned char)kind;
	v.device = (unsigned char)analytics_device(h->ua);
	v.ref = (unsigned char)analytics_referrer(h, v.host, sizeof(v.host));
	memcpy(v.slug, slug, len);
	/* The country is looked up here so that the address is never kept. */
	geoip_country(h->ip, v.country);
	crypto_hash_sha256_init(&st);
	if (h->ip != NULL)
		crypto_hash_sha256_update(&st, (const unsigned char *)h->ip,
		    strlen(h->ip));
	crypto_hash_sha256_update(&st, &nl, 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)h->ua,
	    strlen(h->ua));
	crypto_hash_sha256_update(&st, &nl, 1);
	if (h->site_host != NULL)
		crypto_hash_sha256_update(&st,
		    (const unsigned char *)h->site_host, strlen(h->site_host));
	crypto_hash_sha256_final(&st, v.digest);
	pthread_mutex_lock(&lock);
	if (nbatch == AN_BATCH) {
		pthread_mutex_unlock(&lock);
		atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
		return 0;
	}
	batch[nbatch++] = v;
	pthread_mutex_unlock(&lock);
	return 1;
}

size_t
analytics_take(const struct an_view **out)
{
	size_t n;

	pthread_mutex_lock(&lock);
	*out = batch;
	n = nbatch;
	batch = batch == batches[0] ? batches[1] : batches[0];
	nbatch = 0;
	pthread_mutex_unlock(&lock);
	return n;
}

size_t
analytics_pending(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = nbatch;
	pthread_mutex_unlock(&lock);
	return n;
}

uint64_t
analytics_dropped(void)
{
	return atomic_load_explicit(&dropped, memory_order_relaxed);
}

void
analytics_add_seconds(enum an_kind kind, const char *slug, size_t len,
    int64_t seconds)
{
	size_t i;

	if (len >= AN_SLUG_MAX)
		return;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nsecs; i++)
		if (secs[i].kind == kind && strncmp(secs[i].slug, slug, len) ==
		    0 && secs[i].slug[len] == '\0')
			break;
	if (i == nsecs && nsecs < AN_SECONDS) {
		memset(&secs[i], 0, sizeof(secs[i]));
		secs[i].kind = (unsigned char)kind;
		memcpy(secs[i].slug, slug, len);
		nsecs++;
	}
	if (i < nsecs) {
		secs[i].seconds += seconds;
		secs[i].beacons++;
	}
	pthread_mutex_unlock(&lock);
}

size_t
analytics_take_seconds(struct an_seconds *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = nsecs < max ? nsecs : max;
	memcpy(out, secs, n * sizeof(*out));
	memmove(secs, secs + n, (nsecs - n) * sizeof(*out));
	nsecs -= n;
	pthread_mutex_unlock(&lock);
	return n;
}

int64_t
analytics_now(void)
{
	return now_unix() + config.analytics_day_shift * 86400;
}

void
analytics_day(int64_t t, char day[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
}

static char site_host[AN_HOST_MAX];
static pthread_once_t site_once = PTHREAD_ONCE_INIT;

static void
site_init(void)
{
	char url[512];
	const char *p = config_site_url(url, sizeof(url)), *e;

	if ((e = strstr(p, "://")) != NULL)
		p = e + 3;
	e = p + strcspn(p, ":/");
	if ((size_t)(e - p) < sizeof(site_host))
		memcpy(site_host, p, (size_t)(e - p));
}

const char *
analytics_site_host(void)
{
	pthread_once(&site_once, site_init);
	return site_host;
}
