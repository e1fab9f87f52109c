/*
 * metrics.c — counters kept with relaxed atomic adds, written out in
 * Prometheus's text exposition format, and the listener that serves
 * them: one thread blocking in accept(2) on metrics_listen, answering
 * one short request per connection.  A scrape is rare and small, so it
 * stays off the event loops and their listener.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "metrics.h"
#include "text.h"
#include "util.h"

/* The codes counted one by one; others are counted as their class. */
#define NCODES	600

static const char *const kind_names[MK__N] = {
	"page", "api", "asset", "form", "none",
};

static atomic_uint_fast64_t requests[MK__N][NCODES];
static atomic_uint_fast64_t counters[MC__N];
static atomic_uint_fast64_t render_le[METRICS_BUCKETS + 1];
static atomic_uint_fast64_t render_sum, render_count, render_trips;
static atomic_uint_fast64_t db_usec;
static atomic_uint_fast64_t bus_le[METRICS_BUCKETS + 1];
static atomic_uint_fast64_t bus_sum, bus_count;

/* 0.5 ms to 1 s, in microseconds. */
static const uint64_t bounds[METRICS_BUCKETS] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 750000, 1000000,
};

#define ADD(a, n)	atomic_fetch_add_explicit(&(a), (n), memory_order_relaxed)
#define GET(a)		atomic_load_explicit(&(a), memory_order_relaxed)

static size_t
bucket(uint64_t usec)
{
	size_t i;

	for (i = 0; i < METRICS_BUCKETS; i++)
		if (usec <= bounds[i])
			break;
	return i;
}

void
metrics_request(enum metrics_kind k, int status)
{
	if ((unsigned)k >= MK__N)
		k = MK_NONE;
	if (status < 100 || status >= NCODES)
		status = 0;
	ADD(requests[k][status], 1);
}

void
metrics_count(enum metrics_counter c)
{
	ADD(counters[c], 1);
}

void
metrics_render(uint64_t usec, uint64_t trips)
{
	ADD(render_trips, trips);
	ADD(render_le[bucket(usec)], 1);
	ADD(render_sum, usec);
	ADD(render_count, 1);
}

void
metrics_db(uint64_t usec)
{
	ADD(db_usec, usec);
}

void
metrics_bus(uint64_t usec)
{
	ADD(bus_le[bucket(usec)], 1);
	ADD(bus_sum, usec);
	ADD(bus_count, 1);
}

/* A histogram kept with atomic adds, as read while they go on. */
static void
snapshot(struct metrics_hist *h, atomic_uint_fast64_t *le,
    atomic_uint_fast64_t *sum, atomic_uint_fast64_t *count)
{
	size_t k;
	uint64_t c;

	/* count is read first: no bucket can then pass it. */
	memset(h, 0, sizeof(*h));
	h->count = GET(*count);
	h->sum_usec = GET(*sum);
	for (k = 0; k <= METRICS_BUCKETS; k++)
		h->le[k] = GET(le[k]);
	for (k = 0, c = 0; k < METRICS_BUCKETS; k++) {
		if (c + h->le[k] > h->count)
			h->le[k] = h->count - c;
		c += h->le[k];
	}
}

void
metrics_hist_add(struct metrics_hist *h, uint64_t usec)
{
	h->le[bucket(usec)]++;
	h->sum_usec += usec;
	h->count++;
}

static void
head(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Seconds from microseconds, exactly enough for a counter. */
static void
seconds(struct buf *b, uint64_t usec)
{
	buf_printf(b, "%llu.%06llu", (unsigned long long)(usec / 1000000),
	    (unsigned long long)(usec % 1000000));
}

void
metrics_hist_write(struct buf *b, const char *name, const char *help,
    const struct metrics_hist *h)
{
	uint64_t cum = 0;
	size_t i;

	head(b, name, "histogram", help);
	for (i = 0; i < METRICS_BUCKETS; i++) {
		cum += h->le[i];
		buf_printf(b, "%s_bucket{le=\"", name);
		seconds(b, bounds[i]);
		buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
	}
	/* +Inf is the count itself, whatever came in meanwhile. */
	buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum ", name,
	    (unsigned long long)h->count, name);
	seconds(b, h->sum_usec);
	buf_printf(b, "\n%s_count %llu\n", name, (unsigned long long)h->count);
}

static void
counter(struct buf *b, const char *name, const char *help, uint64_t v)
{
	head(b, name, "counter", help);
	buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

void
metrics_write(struct buf *b, void (*gauges)(struct buf *))
{
	struct metrics_hist h;
	size_t k, c;

	head(b, "masthead_http_requests_total", "counter",
	    "Requests answered, by route kind and status code.");
	for (k = 0; k < MK__N; k++)
		for (c = 0; c < NCODES; c++) {
			uint64_t v = GET(requests[k][c]);

			if (v > 0)
				buf_printf(b, "masthead_http_requests_total"
				    "{kind=\"%s\",code=\"%zu\"} %llu\n",
				    kind_names[k], c, (unsigned long long)v);
		}
	snapshot(&h, render_le, &render_sum, &render_count);
	metrics_hist_write(b, "masthead_render_seconds",
	    "Time to render a page or answer a route that is not cached.", &h);
	snapshot(&h, bus_le, &bus_sum, &bus_count);
	metrics_hist_write(b, "masthead_bus_delay_seconds",
	    "From another instance's write sending its invalidation to the"
	    " pages dropped here.", &h);

	head(b, "masthead_db_seconds_total", "counter",
	    "Time spent in database statements.");
	buf_puts(b, "masthead_db_seconds_total ");
	seconds(b, GET(db_usec));
	buf_putc(b, '\n');
	counter(b, "masthead_db_round_trips_total",
	    "Waits for PostgreSQL's answer (statements sent together wait"
	    " once).", GET(counters[MC_DB_ROUND_TRIP]));
	counter(b, "masthead_render_db_round_trips_total",
	    "The same, made by renders (those of masthead_render_seconds).",
	    GET(render_trips));
	counter(b, "masthead_mail_sent_total", "Messages handed on.",
	    GET(counters[MC_MAIL_SENT]));
	counter(b, "masthead_mail_failed_total",
	    "Messages that could not be sent.",
	    GET(counters[MC_MAIL_FAILED]));
	head(b, "masthead_webhook_deliveries_total", "counter",
	    "Webhook delivery attempts, by result.");
	buf_printf(b, "masthead_webhook_deliveries_total{result=\"ok\"} %llu\n"
	    "masthead_webhook_deliveries_total{result=\"failed\"} %llu\n",
	    (unsigned long long)GET(counters[MC_WEBHOOK_OK]),
	    (unsigned long long)GET(counters[MC_WEBHOOK_FAILED]));
	if (gauges != NULL)
		gauges(b);
}

void
metrics_json_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, len;

	while (i < n) {
		unsigned char ch = p[i];

		if (ch == '"' || ch == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)ch);
			i++;
		} else if (ch < 0x20 || ch == 0x7f) {
			buf_printf(b, "\\u%04x", ch);
			i++;
		} else if (ch < 0x80) {
			buf_putc(b, (char)ch);
			i++;
		} else if ((len = text_utf8_next(p + i, n - i, &cp)) == 0) {
			buf_puts(b, "\\ufffd");
			i++;
		} else {
			buf_append(b, p + i, len);
			i += len;
		}
	}
}

/* The listener. */

static int lfd = -1;
static void (*gauges_fn)(struct buf *);

static void
answer(int fd, const char *status, const char *extra, struct buf *body)
{
	struct buf out = BUF_INIT;
	size_t off = 0;
	ssize_t w;

	buf_printf(&out, "HTTP/1.1 %s\r\nContent-Type: %s\r\n%s"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status,
	    body != NULL ? "text/plain; version=0.0.4; charset=utf-8" :
	    "text/plain; charset=utf-8", extra, body != NULL ? body->len :
	    strlen(status) + 1);
	if (body != NULL)
		buf_append(&out, body->p, body->len);
	else {
		buf_puts(&out, status);
		buf_putc(&out, '\n');
	}
	while (!buf_err(&out) && off < out.len &&
	    ((w = write(fd, out.p + off, out.len - off)) > 0 ||
	    (w < 0 && errno == EINTR)))
		if (w > 0)
			off += (size_t)w;
	buf_free(&out);
}

/* Reads the request head and answers it; the connection then closes. */
static void
serve_one(int fd)
{
	char req[4096], *sp, *end;
	size_t len = 0;
	ssize_t n;
	struct timeval tv = { 5, 0 };
	struct buf body = BUF_INIT;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1) {
		if ((n = read(fd, req + len, sizeof(req) - 1 - len)) < 0 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			return;
		len += (size_t)n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL ||
		    strstr(req, "\n\n") != NULL)
			break;
	}
	req[len] = '\0';
	if ((sp = strchr(req, ' ')) == NULL ||
	    (end = strpbrk(sp + 1, " \r\n")) == NULL) {
		answer(fd, "400 Bad Request", "", NULL);
		return;
	}
	*sp = *end = '\0';
	/* The query, if any, is not looked at. */
	sp[1 + strcspn(sp + 1, "?")] = '\0';
	if (strcmp(sp + 1, "/metrics") != 0) {
		answer(fd, "404 Not Found", "", NULL);
		return;
	}
	if (strcmp(req, "GET") != 0) {
		answer(fd, "405 Method Not Allowed", "Allow: GET\r\n", NULL);
		return;
	}
	metrics_write(&body, gauges_fn);
	if (buf_err(&body))
		answer(fd, "500 Internal Server Error", "", NULL);
	else
		answer(fd, "200 OK", "", &body);
	buf_free(&body);
}

static void *
listener_main(void *arg)
{
	int fd;

	(void)arg;
	for (;;) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno == EMFILE || errno == ENFILE)
				usleep(100000);
			continue;
		}
		serve_one(fd);
		close(fd);
	}
	return NULL;
}

int
metrics_start(const char *addr, void (*gauges)(struct buf *), char *err,
    size_t errlen)
{
	struct addrinfo *res;
	pthread_t t;
	sigset_t all, old;
	int rc, on = 1;

	if ((res = listen_resolve(addr, "metrics_listen", err, errlen)) == NULL)
		return -1;
	if ((lfd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(lfd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(lfd, 16) != 0) {
		snprintf(err, errlen, "metrics_listen: %s: %s", addr,
		    strerror(errno));
		freeaddrinfo(res);
		if (lfd >= 0)
			close(lfd);
		lfd = -1;
		return -1;
	}
	freeaddrinfo(res);
	gauges_fn = gauges;
	/* The signals stay the main thread's (it waits for them). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t, NULL, listener_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "metrics_listen: cannot start thread: %s",
		    strerror(rc));
		return -1;
	}
	pthread_detach(t);
	return 0;
}
