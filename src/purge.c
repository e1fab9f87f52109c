/*
 * purge.c — the sender of purges to Varnish (purge.h).
 *
 * The queue is one string of tags under a mutex.  The sender takes all
 * of it at once, so the tags of many writes in a burst go out in one
 * request per Varnish; a long queue is cut into requests of at most
 * BATCH_MAX bytes at tag boundaries.  "*" anywhere in the queue makes
 * the whole batch one "*", which the VCL turns into a ban of
 * everything.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "purge.h"

#define BATCH_MAX	4000	/* bytes of tags in one xkey-purge header */
#define QUEUE_MAX	(1 << 20)	/* beyond: purge everything */
#define TIMEOUT_MS	2000
#define RETRY_MS	200

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct buf queue = BUF_INIT;
static int all;			/* "*" is queued */
static int stopping, running;
static pthread_t sender;
static char *targets[PURGE_TARGETS];
static int ntargets;

int
purge_parse(const char *addrs, char *targets_[PURGE_TARGETS], char *err,
    size_t errlen)
{
	const char *p = addrs, *end, *host, *colon;
	int n = 0;
	size_t len;
	char *s;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (end = p; *end != '\0' && *end != ' ' && *end != ','; end++)
			;
		host = p;
		if ((size_t)(end - p) > 7 && strncmp(p, "http://", 7) == 0)
			host = p + 7;
		colon = NULL;
		for (s = (char *)host; s < end; s++)
			if (*s == ':')
				colon = s;
		len = colon != NULL ? (size_t)(end - colon - 1) : 0;
		if (colon == NULL || colon == host || len == 0 || len > 5 ||
		    strspn(colon + 1, "0123456789") < len ||
		    strtol(colon + 1, NULL, 10) < 1 ||
		    strtol(colon + 1, NULL, 10) > 65535 ||
		    strcspn(host, "/?#@ ") < (size_t)(end - host)) {
			snprintf(err, errlen, "varnish: \"%.*s\" is not "
			    "host:port", (int)(end - p), p);
			goto fail;
		}
		if (n == PURGE_TARGETS) {
			snprintf(err, errlen, "varnish: at most %d addresses",
			    PURGE_TARGETS);
			goto fail;
		}
		len = (size_t)(end - host);
		if ((s = malloc(len + 8)) == NULL)
			abort();
		memcpy(s, "http://", 7);
		memcpy(s + 7, host, len);
		s[len + 7] = '\0';
		targets_[n++] = s;
		p = end;
	}
	return n;
fail:
	while (n > 0)
		free(targets_[--n]);
	return -1;
}

int
purge_enabled(void)
{
	return ntargets > 0;
}

void
purge_tags(const char *tags)
{
	if (ntargets == 0 || tags == NULL || tags[0] == '\0')
		return;
	pthread_mutex_lock(&mu);
	if (strcmp(tags, "*") == 0 || strncmp(tags, "* ", 2) == 0 ||
	    strstr(tags, " *") != NULL || queue.len + strlen(tags) > QUEUE_MAX)
		all = 1;
	else {
		if (queue.len > 0)
			buf_putc(&queue, ' ');
		buf_append(&queue, tags, strlen(tags));
		if (buf_err(&queue))
			all = 1;
	}
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* One PURGE to one Varnish, tried twice; 0 when Varnish said 200. */
static int
send_one(CURL *c, const char *url, const char *tags, size_t len)
{
	struct curl_slist *h = NULL;
	struct buf hdr = BUF_INIT;
	long code = 0;
	CURLcode rc = CURLE_OK;
	int attempt;

	buf_printf(&hdr, "xkey-purge: %.*s", (int)len, tags);
	if (buf_err(&hdr)) {
		buf_free(&hdr);
		return -1;
	}
	h = curl_slist_append(h, hdr.p);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PURGE");
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	for (attempt = 0; attempt < 2; attempt++) {
		if (attempt > 0)
			pause_ms(RETRY_MS);
		rc = curl_easy_perform(c);
		code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (rc == CURLE_OK && code == 200)
			break;
	}
	curl_slist_free_all(h);
	buf_free(&hdr);
	if (rc == CURLE_OK && code == 200)
		return 0;
	fprintf(stderr, "masthead: purge of %zu bytes of tags at %s failed: "
	    "%s\n", len, url, rc != CURLE_OK ? curl_easy_strerror(rc) :
	    code == 0 ? "no answer" : "not 200");
	return -1;
}

/* Sends tags to every Varnish in requests of at most BATCH_MAX bytes. */
static void
send_all(CURL *c, const char *tags)
{
	const char *p = tags, *end, *cut;
	int i;

	while (*p != '\0') {
		end = p + strlen(p);
		if (end - p > BATCH_MAX) {
			for (cut = p + BATCH_MAX; cut > p && *cut != ' '; cut--)
				;
			end = cut > p ? cut : p + BATCH_MAX;
		}
		for (i = 0; i < ntargets; i++)
			send_one(c, targets[i], p, (size_t)(end - p));
		p = *end == ' ' ? end + 1 : end;
	}
}

static void *
sender_main(void *arg)
{
	CURL *c;
	char *tags;
	size_t len;
	int everything, stop;

	(void)arg;
	if ((c = curl_easy_init()) == NULL)
		abort();
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!stopping && queue.len == 0 && !all)
			pthread_cond_wait(&cv, &mu);
		stop = stopping;
		everything = all;
		all = 0;
		tags = buf_detach(&queue, &len);
		pthread_mutex_unlock(&mu);
		if (everything)
			send_all(c, "*");
		else if (tags != NULL && len > 0)
			send_all(c, tags);
		free(tags);
		if (stop)
			break;
	}
	curl_easy_cleanup(c);
	return NULL;
}

int
purge_start(const char *addrs, char *err, size_t errlen)
{
	int n;

	if ((n = purge_parse(addrs, targets, err, errlen)) < 0)
		return -1;
	if (n == 0)
		return 0;
	ntargets = n;
	stopping = 0;
	if (pthread_create(&sender, NULL, sender_main, NULL) != 0) {
		snprintf(err, errlen, "cannot start the purge sender");
		while (ntargets > 0)
			free(targets[--ntargets]);
		return -1;
	}
	running = 1;
	return 0;
}

void
purge_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(sender, NULL);
	running = 0;
	while (ntargets > 0)
		free(targets[--ntargets]);
	buf_free(&queue);
}
