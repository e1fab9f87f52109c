/*
 * pace.c — an open-loop HTTP/1.1 load generator (bench/serve PACED=1).
 *
 *   pace -r RATE -d SECONDS [-w SECONDS] [-c CONNECTIONS] [-t THREADS]
 *        [-H 'Name: value']... [-l BYTES] [-L MICROSECONDS] [-m PERCENT]
 *        http://HOST:PORT/PATH
 *   pace --self-test
 *
 * wrk is closed-loop: each connection sends its next request when the
 * last answer is in, so a server that stalls is sent nothing while it
 * stalls, and the requests that would have waited are never timed
 * ("coordinated omission").  At saturation its p99 also measures how
 * much CPU the server leaves wrk.  pace sends on a fixed schedule
 * instead, as wrk2's -R does: request i is due at start + i / RATE,
 * whatever came back, and its latency runs from that due time to the
 * last byte of its answer, so a stall counts for every request that was
 * due during it.  Unlike wrk2, which gives each connection its own
 * schedule, a due request goes out on any idle connection; only when
 * every connection waits for an answer does it wait too (HTTP/1.1
 * without pipelining), and that wait is in its latency.
 *
 * A send is late when it leaves more than -L microseconds (1000) after
 * its due time: the generator was not run in time, or every connection
 * was busy.  More than -m percent (1) of late sends means the schedule
 * was not kept and the run says nothing about the rate asked for.
 *
 * Each answer must be 200 with -l body bytes (when given), framed by
 * Content-Length or chunked; anything else, a closed connection or an
 * answer missing 5 s after the last send is an error.  The first -w
 * seconds (1) are sent but not counted.
 *
 * Prints one line of name=value pairs on stdout (latencies in ms: p50
 * to max from the due times, and lag_*, the sends' delays past them;
 * the generator's own CPU per request in us) and exits 0; 1 with a
 * line on stderr when an answer was wrong, 2 when the schedule was not
 * kept, 64 on a usage error.  THREADS (1) split the connections and the rate;
 * thread k's requests are the k-th of every THREADS, so that together
 * they keep one schedule.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX	16384	/* an answer's head, status line to blank line */
#define LINE_MAX_	128	/* a chunk-size line */
#define DRAIN_NS	5000000000ull	/* answers still awaited after the last send */
#define RECV_SIZE	262144

enum pstate { P_HEAD, P_BODY, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_END,
    P_TRAILER, P__MAX };

/* One answer being read.  Fed in pieces, as recv() returns them. */
struct parse {
	enum pstate	 st;
	char		 head[HEAD_MAX];
	size_t		 headlen;
	char		 line[LINE_MAX_];
	size_t		 linelen;
	int		 status;
	int		 close;		/* "Connection: close" */
	uint64_t	 remain;	/* body or chunk bytes still to come */
	uint64_t	 body;		/* body bytes so far (decoded) */
	const char	*err;		/* why the answer is malformed */
};

struct conn {
	int		 fd;
	int		 busy;		/* a request is out */
	int		 record;	/* its latency counts (after warm-up) */
	uint64_t	 due;		/* its due time, ns */
	size_t		 sent;		/* bytes of it written */
	struct parse	 p;
};

/* Samples in ns, sorted once at the end. */
struct series {
	uint64_t	*v;
	size_t		 n, cap;
};

struct opts {
	double		 rate;
	double		 duration;
	double		 warmup;
	int		 conns;
	int		 threads;
	int64_t		 length;	/* expected body bytes, -1: any */
	uint64_t	 late_ns;
	double		 late_max;	/* percent */
	char		*req;		/* the request, ready to write */
	size_t		 reqlen;
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
};

struct thread {
	pthread_t	 tid;
	int		 index;
	const struct opts *o;
	struct conn	*conns;
	int		 nconn;
	int		*idle;		/* a stack of idle connections */
	int		 nidle;
	struct series	 lat;		/* counted latencies, ns */
	struct series	 lag;		/* their sends' delays past due, ns */
	uint64_t	 sent, answered, errors, late, busywait, reconnects;
	uint64_t	 sent_all;	/* warm-up included */
	char		 err[160];	/* the first error */
};

static pthread_barrier_t start_barrier;
static uint64_t start_ns;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
parse_reset(struct parse *p)
{
	p->st = P_HEAD;
	p->headlen = p->linelen = 0;
	p->status = 0;
	p->close = 0;
	p->remain = p->body = 0;
	p->err = NULL;
}

/* A header's value when the line names it, else NULL. */
static const char *
header_value(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static int
has_token(const char *v, const char *end, const char *tok)
{
	size_t n = strlen(tok);

	for (; v + n <= end; v++)
		if (strncasecmp(v, tok, n) == 0)
			return 1;
	return 0;
}

/* The head is complete in p->head: status, framing. 0 or -1. */
static int
parse_head(struct parse *p)
{
	char *s = p->head, *end = p->head + p->headlen, *eol;
	int chunked = 0, have_len = 0;
	uint64_t len = 0;

	if (p->headlen < 12 || strncmp(s, "HTTP/1.", 7) != 0 ||
	    !isdigit((unsigned char)s[9]) || !isdigit((unsigned char)s[10]) ||
	    !isdigit((unsigned char)s[11])) {
		p->err = "no HTTP/1.x status line";
		return -1;
	}
	p->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	for (s = memchr(s, '\n', (size_t)(end - s)) + 1; s < end; s = eol + 1) {
		const char *v;
		size_t ll;

		eol = memchr(s, '\n', (size_t)(end - s));
		if (eol == NULL)
			break;
		ll = (size_t)(eol - s);
		if ((v = header_value(s, ll, "content-length")) != NULL) {
			const char *d = v;

			len = 0;
			for (; d < eol && isdigit((unsigned char)*d); d++) {
				if (len > UINT64_MAX / 10 - 10) {
					p->err = "Content-Length too large";
					return -1;
				}
				len = len * 10 + (uint64_t)(*d - '0');
			}
			if (d == v) {
				p->err = "bad Content-Length";
				return -1;
			}
			have_len = 1;
		} else if ((v = header_value(s, ll,
		    "transfer-encoding")) != NULL)
			chunked = has_token(v, eol, "chunked");
		else if ((v = header_value(s, ll, "connection")) != NULL)
			p->close = has_token(v, eol, "close");
	}
	if (chunked)
		p->st = P_CHUNK_SIZE;
	else if (have_len) {
		p->st = P_BODY;
		p->remain = len;
	} else {
		p->err = "neither Content-Length nor chunked";
		return -1;
	}
	return 0;
}

/*
 * Feeds n bytes of an answer.  Returns 1 when the answer is complete
 * (*used says how many bytes it took), 0 when it wants more, -1 when
 * it is malformed (p->err says why).
 */
static int
parse_feed(struct parse *p, const char *b, size_t n, size_t *used)
{
	size_t i = 0;

	while (i < n) {
		switch (p->st) {
		case P_HEAD: {
			size_t from = p->headlen > 3 ? p->headlen - 3 : 0;
			size_t take = n - i, k;
			char *e;

			if (take > HEAD_MAX - p->headlen)
				take = HEAD_MAX - p->headlen;
			memcpy(p->head + p->headlen, b + i, take);
			p->headlen += take;
			e = memmem(p->head + from, p->headlen - from,
			    "\r\n\r\n", 4);
			if (e == NULL) {
				if (p->headlen == HEAD_MAX) {
					p->err = "head too large";
					return -1;
				}
				i += take;
				break;
			}
			/* Give back what follows the blank line. */
			k = (size_t)(e + 4 - p->head);
			i += take - (p->headlen - k);
			p->headlen = k;
			if (parse_head(p) == -1)
				return -1;
			if (p->st == P_BODY && p->remain == 0)
				goto done;
			break;
		}
		case P_BODY:
		case P_CHUNK_DATA: {
			size_t take = n - i;

			if (take > p->remain)
				take = (size_t)p->remain;
			p->remain -= take;
			p->body += take;
			i += take;
			if (p->remain == 0) {
				if (p->st == P_BODY)
					goto done;
				p->st = P_CHUNK_END;
				p->linelen = 0;
			}
			break;
		}
		case P_CHUNK_END:
			if (b[i] != (p->linelen == 0 ? '\r' : '\n')) {
				p->err = "chunk not followed by CRLF";
				return -1;
			}
			i++;
			if (++p->linelen == 2) {
				p->st = P_CHUNK_SIZE;
				p->linelen = 0;
			}
			break;
		case P_CHUNK_SIZE: {
			uint64_t size = 0;
			size_t k;
			int digits = 0;

			if (b[i] != '\n') {
				if (p->linelen == LINE_MAX_) {
					p->err = "chunk-size line too long";
					return -1;
				}
				p->line[p->linelen++] = b[i++];
				break;
			}
			i++;
			for (k = 0; k < p->linelen &&
			    isxdigit((unsigned char)p->line[k]); k++) {
				int c = tolower((unsigned char)p->line[k]);

				if (size >> 60) {
					p->err = "chunk too large";
					return -1;
				}
				size = size * 16 + (uint64_t)(c <= '9' ?
				    c - '0' : c - 'a' + 10);
				digits++;
			}
			if (digits == 0 || (k < p->linelen &&
			    p->line[k] != ';' && p->line[k] != '\r')) {
				p->err = "bad chunk-size line";
				return -1;
			}
			p->linelen = 0;
			if (size == 0)
				p->st = P_TRAILER;
			else {
				p->st = P_CHUNK_DATA;
				p->remain = size;
			}
			break;
		}
		case P_TRAILER:
			/* Trailer fields are skipped; an empty line ends. */
			if (b[i] == '\n') {
				i++;
				if (p->linelen == 0)
					goto done;
				p->linelen = 0;
			} else {
				if (b[i] != '\r')
					p->linelen++;
				i++;
			}
			break;
		default:
			p->err = "parser state";
			return -1;
		}
	}
	*used = i;
	return 0;
done:
	*used = i;
	return 1;
}

static void
fail(struct thread *t, const char *fmt, const char *what)
{
	t->errors++;
	if (t->err[0] == '\0')
		snprintf(t->err, sizeof(t->err), fmt, what);
}

static int
conn_open(struct thread *t, struct conn *c)
{
	int one = 1;

	c->fd = socket(t->o->addr.ss_family, SOCK_STREAM, 0);
	if (c->fd == -1)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* Connections are made before the clock starts, so blocking. */
	if (connect(c->fd, (const struct sockaddr *)&t->o->addr,
	    t->o->addrlen) == -1) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	c->busy = 0;
	parse_reset(&c->p);
	return 0;
}

/* Drops a connection and opens another in its place; idle after. */
static int
conn_renew(struct thread *t, int ep, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN };

	close(c->fd);
	t->reconnects++;
	if (conn_open(t, c) == -1) {
		fail(t, "connect: %s", strerror(errno));
		return -1;
	}
	ev.data.u32 = (uint32_t)(c - t->conns);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) == -1)
		return -1;
	t->idle[t->nidle++] = (int)(c - t->conns);
	return 0;
}

/* Writes what is left of the request; asks for EPOLLOUT if blocked. */
static int
conn_write(struct thread *t, int ep, struct conn *c)
{
	struct epoll_event ev;

	while (c->sent < t->o->reqlen) {
		ssize_t w = send(c->fd, t->o->req + c->sent,
		    t->o->reqlen - c->sent, MSG_NOSIGNAL);

		if (w == -1 && errno == EAGAIN) {
			ev.events = EPOLLIN | EPOLLOUT;
			ev.data.u32 = (uint32_t)(c - t->conns);
			return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		}
		if (w == -1)
			return -1;
		c->sent += (size_t)w;
	}
	return 0;
}

static void
series_add(struct series *s, uint64_t ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 65536;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (s->v == NULL)
			abort();
	}
	s->v[s->n++] = ns;
}

/* An answer has come in whole on c. */
static int
answered(struct thread *t, int ep, struct conn *c, uint64_t now)
{
	const struct opts *o = t->o;
	char what[64];

	t->answered++;
	if (c->p.status != 200) {
		snprintf(what, sizeof(what), "%d", c->p.status);
		fail(t, "status %s", what);
	} else if (o->length >= 0 && c->p.body != (uint64_t)o->length) {
		snprintf(what, sizeof(what), "%llu",
		    (unsigned long long)c->p.body);
		fail(t, "%s body bytes, not the length asked for", what);
	} else if (c->record)
		series_add(&t->lat, now - c->due);
	c->busy = 0;
	if (c->p.close)
		return conn_renew(t, ep, c);
	parse_reset(&c->p);
	t->idle[t->nidle++] = (int)(c - t->conns);
	return 0;
}

static int
conn_read(struct thread *t, int ep, struct conn *c, char *buf)
{
	ssize_t r = recv(c->fd, buf, RECV_SIZE, 0);
	size_t used;
	int rc;

	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0) {
		if (c->busy)
			fail(t, "connection closed: %s", r == 0 ?
			    "end of stream" : strerror(errno));
		else {
			/* A keep-alive timeout: not an error; off the stack. */
			int k, me = (int)(c - t->conns);

			for (k = 0; k < t->nidle; k++)
				if (t->idle[k] == me) {
					t->idle[k] = t->idle[--t->nidle];
					break;
				}
		}
		c->busy = 0;
		return conn_renew(t, ep, c);
	}
	if (!c->busy) {
		fail(t, "%s", "bytes before any request");
		return 0;
	}
	rc = parse_feed(&c->p, buf, (size_t)r, &used);
	if (rc == -1) {
		fail(t, "malformed answer: %s", c->p.err);
		c->busy = 0;
		return conn_renew(t, ep, c);
	}
	if (rc == 1) {
		if (used != (size_t)r)
			fail(t, "%s", "bytes after the answer");
		return answered(t, ep, c, now_ns());
	}
	return 0;
}

static void *
thread_run(void *arg)
{
	struct thread *t = arg;
	const struct opts *o = t->o;
	double trate = o->rate / o->threads;
	uint64_t total = (uint64_t)(trate * (o->warmup + o->duration));
	uint64_t counted_from = (uint64_t)(trate * o->warmup);
	uint64_t next = 0, t0, drain_end = 0, waited = UINT64_MAX;
	struct epoll_event evs[64];
	char *buf = malloc(RECV_SIZE);
	int ep = epoll_create1(0), k;

	if (buf == NULL || ep == -1)
		abort();
	/* The wake-ups are the schedule: no slack on the timer. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	t->idle = calloc((size_t)t->nconn + 1, sizeof(*t->idle));
	if (t->idle == NULL)
		abort();
	for (k = 0; k < t->nconn; k++) {
		struct epoll_event ev = { .events = EPOLLIN };

		if (conn_open(t, &t->conns[k]) == -1) {
			fail(t, "connect: %s", strerror(errno));
			break;
		}
		ev.data.u32 = (uint32_t)k;
		epoll_ctl(ep, EPOLL_CTL_ADD, t->conns[k].fd, &ev);
		t->idle[t->nidle++] = k;
	}
	pthread_barrier_wait(&start_barrier);
	if (t->errors)
		total = 0;
	t0 = start_ns;
	for (;;) {
		uint64_t now = now_ns(), due = 0;
		struct timespec ts, *tsp = &ts;
		int n, i;

		/* Every request due by now goes out on an idle connection. */
		while (next < total) {
			struct conn *c;

			due = t0 + (uint64_t)(((double)next * o->threads +
			    (double)t->index) * 1e9 / o->rate);
			if (due > now)
				break;
			if (t->nidle == 0) {
				/* It waits for an answer to free one. */
				if (waited != next)
					t->busywait++;
				waited = next;
				break;
			}
			c = &t->conns[t->idle[--t->nidle]];

			c->busy = 1;
			c->due = due;
			c->sent = 0;
			c->record = next >= counted_from;
			t->sent_all++;
			if (c->record) {
				t->sent++;
				if (now - due > o->late_ns)
					t->late++;
				series_add(&t->lag, now - due);
			}
			next++;
			if (conn_write(t, ep, c) == -1) {
				fail(t, "send: %s", strerror(errno));
				c->busy = 0;
				if (conn_renew(t, ep, c) == -1)
					goto out;
			}
		}
		if (next >= total) {
			int out = 0;

			for (k = 0; k < t->nconn; k++)
				out += t->conns[k].busy;
			if (out == 0)
				break;
			if (drain_end == 0)
				drain_end = now + DRAIN_NS;
			if (now >= drain_end) {
				char what[32];

				snprintf(what, sizeof(what), "%d", out);
				fail(t, "%s answers missing 5 s after the "
				    "last send", what);
				t->errors += (uint64_t)out - 1;
				break;
			}
			due = drain_end;
		} else if (t->nidle == 0 && due <= now)
			tsp = NULL;	/* an answer frees a connection */
		if (tsp != NULL) {
			uint64_t wait = due > now ? due - now : 0;

			ts.tv_sec = (time_t)(wait / 1000000000ull);
			ts.tv_nsec = (long)(wait % 1000000000ull);
		}
		n = epoll_pwait2(ep, evs, 64, tsp, NULL);
		if (n == -1 && errno != EINTR) {
			fail(t, "epoll: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct conn *c = &t->conns[evs[i].data.u32];

			if ((evs[i].events & EPOLLOUT) && c->busy) {
				struct epoll_event ev = { .events = EPOLLIN,
				    .data.u32 = evs[i].data.u32 };

				if (conn_write(t, ep, c) == -1) {
					fail(t, "send: %s", strerror(errno));
					c->busy = 0;
					if (conn_renew(t, ep, c) == -1)
						goto out;
					continue;
				}
				if (c->sent == o->reqlen)
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd,
					    &ev);
			}
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				if (conn_read(t, ep, c, buf) == -1)
					goto out;
		}
	}
out:
	for (k = 0; k < t->nconn; k++)
		if (t->conns[k].fd != -1)
			close(t->conns[k].fd);
	close(ep);
	free(buf);
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted samples, in ms (nearest rank). */
static double
quantile_ms(const struct series *s, double q)
{
	size_t r;

	if (s->n == 0)
		return 0;
	r = (size_t)(q * (double)s->n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > s->n)
		r = s->n;
	return (double)s->v[r - 1] / 1e6;
}

/* The threads' series at offset off of struct thread, into one, sorted. */
static void
series_merge(struct series *all, struct thread *th, int n, size_t off)
{
	int k;

	for (k = 0; k < n; k++) {
		const struct series *s = (const struct series *)
		    (void *)((char *)&th[k] + off);
		size_t i;

		for (i = 0; i < s->n; i++)
			series_add(all, s->v[i]);
	}
	if (all->n > 0)
		qsort(all->v, all->n, sizeof(*all->v), cmp_u64);
}

/* A number in [lo, hi] from s, or exits with a usage error. */
static double
num(const char *s, const char *what, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "pace: %s: %s is not a number in [%g, %g]\n",
		    what, s, lo, hi);
		exit(64);
	}
	return v;
}

static void
usage(void)
{
	fputs("usage: pace -r RATE -d SECONDS [-w SECONDS] [-c CONNECTIONS] "
	    "[-t THREADS]\n            [-H 'Name: value']... [-l BYTES] "
	    "[-L MICROSECONDS] [-m PERCENT] URL\n       pace --self-test\n",
	    stderr);
	exit(64);
}

/* Builds the request and resolves http://HOST[:PORT]/PATH. */
static void
target(struct opts *o, const char *url, const char *headers)
{
	const char *h, *slash, *colon;
	char host[256], port[8] = "80";
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	size_t hl, need;

	if (strncmp(url, "http://", 7) != 0)
		usage();
	h = url + 7;
	slash = strchr(h, '/');
	if (slash == NULL)
		slash = h + strlen(h);
	colon = memchr(h, ':', (size_t)(slash - h));
	hl = (size_t)((colon ? colon : slash) - h);
	if (hl == 0 || hl >= sizeof(host))
		usage();
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (colon != NULL) {
		size_t pl = (size_t)(slash - colon - 1);

		if (pl == 0 || pl >= sizeof(port))
			usage();
		memcpy(port, colon + 1, pl);
		port[pl] = '\0';
	}
	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		fprintf(stderr, "pace: cannot resolve %s\n", host);
		exit(64);
	}
	memcpy(&o->addr, ai->ai_addr, ai->ai_addrlen);
	o->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	need = strlen(url) + strlen(headers) + 64;
	if ((o->req = malloc(need)) == NULL)
		abort();
	o->reqlen = (size_t)snprintf(o->req, need,
	    "GET %s HTTP/1.1\r\nHost: %.*s\r\n%s\r\n",
	    *slash ? slash : "/", (int)(slash - h), h, headers);
}

/*
 * The parser against answers cut at every byte: TAP on stdout, the
 * number of failures as the exit status.
 */
static int
self_test(void)
{
	static const struct {
		const char	*name;
		const char	*in;
		int		 rc;		/* 1 complete, -1 malformed */
		int		 status;
		uint64_t	 body;
		int		 close;
	} cases[] = {
		{ "Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "\r\nhello", 1, 200, 5, 0 },
		{ "empty body", "HTTP/1.1 304 Not Modified\r\n"
		    "content-length: 0\r\n\r\n", 1, 304, 0, 0 },
		{ "chunked, extension and trailer", "HTTP/1.1 200 OK\r\n"
		    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
		    "5;x=y\r\nhello\r\nA\r\n0123456789\r\n0\r\n"
		    "X-Trailer: 1\r\n\r\n", 1, 200, 15, 1 },
		{ "chunked, upper-case size", "HTTP/1.1 404 Not Found\r\n"
		    "Transfer-Encoding: gzip, chunked\r\n\r\n1F\r\n"
		    "0123456789012345678901234567890\r\n0\r\n\r\n",
		    1, 404, 31, 0 },
		{ "no framing", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nab",
		    -1, 0, 0, 0 },
		{ "not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", -1, 0, 0, 0 },
		{ "bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
		    "chunked\r\n\r\nzz\r\n", -1, 0, 0, 0 },
		{ "chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n2\r\nabXY", -1, 0, 0, 0 },
	};
	static struct parse p;
	size_t i, failed = 0, n = 0;

	printf("1..%zu\n", sizeof(cases) / sizeof(cases[0]));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].in), cut, ok = 1;

		/* Whole, then in two pieces cut at every byte. */
		for (cut = 0; cut < len && ok; cut++) {
			size_t used = 0, used2 = 0;
			int rc;

			parse_reset(&p);
			rc = parse_feed(&p, cases[i].in, cut ? cut : len, &used);
			if (rc == 0 && cut)
				rc = parse_feed(&p, cases[i].in + cut,
				    len - cut, &used2);
			if (rc != cases[i].rc)
				ok = 0;
			else if (rc == 1 && (p.status != cases[i].status ||
			    p.body != cases[i].body ||
			    p.close != cases[i].close ||
			    used + used2 != len))
				ok = 0;
		}
		n++;
		if (!ok)
			failed++;
		printf("%s %zu - %s\n", ok ? "ok" : "not ok", n,
		    cases[i].name);
	}
	return failed > 0;
}

int
main(int argc, char *argv[])
{
	struct opts o = { .duration = 10, .warmup = 1, .conns = 64,
	    .threads = 1, .length = -1, .late_ns = 1000000, .late_max = 1 };
	struct thread *th;
	struct rusage ru;
	char *headers;
	size_t hcap = 1, hlen = 0;
	struct series lat = { 0 }, lag = { 0 };
	uint64_t sent = 0, answered = 0, errors = 0, late = 0;
	uint64_t busywait = 0, reconnects = 0, sent_all = 0;
	const char *err = NULL;
	double cpu, late_pct;
	int ch, k, rc = 0;

	if (argc == 2 && strcmp(argv[1], "--self-test") == 0)
		return self_test();
	if ((headers = calloc(1, hcap)) == NULL)
		abort();
	while ((ch = getopt(argc, argv, "r:d:w:c:t:H:l:L:m:")) != -1) {
		switch (ch) {
		case 'r':
			o.rate = num(optarg, "-r", 1, 1e7);
			break;
		case 'd':
			o.duration = num(optarg, "-d", 0.1, 3600);
			break;
		case 'w':
			o.warmup = num(optarg, "-w", 0, 3600);
			break;
		case 'c':
			o.conns = (int)num(optarg, "-c", 1, 10000);
			break;
		case 't':
			o.threads = (int)num(optarg, "-t", 1, 64);
			break;
		case 'H': {
			size_t l = strlen(optarg);

			if (memchr(optarg, '\r', l) || memchr(optarg, '\n', l)
			    || strchr(optarg, ':') == NULL)
				usage();
			if ((headers = realloc(headers, hcap += l + 2)) == NULL)
				abort();
			memcpy(headers + hlen, optarg, l);
			memcpy(headers + hlen + l, "\r\n", 3);
			hlen += l + 2;
			break;
		}
		case 'l':
			o.length = (int64_t)num(optarg, "-l", 0, 1e12);
			break;
		case 'L':
			o.late_ns = (uint64_t)(num(optarg, "-L", 1, 1e7) * 1e3);
			break;
		case 'm':
			o.late_max = num(optarg, "-m", 0, 100);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || o.rate == 0 || o.conns < o.threads)
		usage();
	target(&o, argv[optind], headers);

	th = calloc((size_t)o.threads, sizeof(*th));
	if (th == NULL)
		abort();
	pthread_barrier_init(&start_barrier, NULL, (unsigned)o.threads + 1);
	for (k = 0; k < o.threads; k++) {
		th[k].index = k;
		th[k].o = &o;
		th[k].nconn = o.conns / o.threads +
		    (k < o.conns % o.threads);
		th[k].conns = calloc((size_t)th[k].nconn, sizeof(*th[k].conns));
		if (th[k].conns == NULL)
			abort();
		if (pthread_create(&th[k].tid, NULL, thread_run, &th[k]) != 0)
			abort();
	}
	/* Every connection is open: the schedule starts now. */
	start_ns = now_ns() + 1000000;
	pthread_barrier_wait(&start_barrier);
	for (k = 0; k < o.threads; k++) {
		pthread_join(th[k].tid, NULL);
		sent += th[k].sent;
		answered += th[k].answered;
		errors += th[k].errors;
		late += th[k].late;
		busywait += th[k].busywait;
		sent_all += th[k].sent_all;
		reconnects += th[k].reconnects;
		if (err == NULL && th[k].err[0] != '\0')
			err = th[k].err;
	}
	series_merge(&lat, th, o.threads, offsetof(struct thread, lat));
	series_merge(&lag, th, o.threads, offsetof(struct thread, lag));
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
	    (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
	late_pct = sent ? 100.0 * (double)late / (double)sent : 0;
	printf("rate=%.0f requests=%llu sent=%llu answered=%llu errors=%llu "
	    "late=%llu "
	    "late_pct=%.3f busywait=%llu reconnects=%llu p50=%.3f p90=%.3f "
	    "p99=%.3f p99.9=%.3f max=%.3f lag_p50=%.3f lag_p99=%.3f "
	    "lag_max=%.3f cpu_us=%.2f\n", o.rate, (unsigned long long)sent_all,
	    (unsigned long long)sent, (unsigned long long)lat.n,
	    (unsigned long long)errors, (unsigned long long)late, late_pct,
	    (unsigned long long)busywait, (unsigned long long)reconnects,
	    quantile_ms(&lat, 0.5), quantile_ms(&lat, 0.9),
	    quantile_ms(&lat, 0.99), quantile_ms(&lat, 0.999),
	    quantile_ms(&lat, 1), quantile_ms(&lag, 0.5),
	    quantile_ms(&lag, 0.99), quantile_ms(&lag, 1),
	    answered ? cpu / (double)answered : 0);
	if (errors > 0) {
		fprintf(stderr, "pace: %llu answers wrong or missing (%llu "
		    "requests sent); the first: %s\n",
		    (unsigned long long)errors, (unsigned long long)sent_all,
		    err);
		rc = 1;
	} else if (late_pct > o.late_max) {
		fprintf(stderr, "pace: the schedule was not kept: %.2f%% of "
		    "sends more than %llu us late (at most %g%%)\n", late_pct,
		    (unsigned long long)(o.late_ns / 1000), o.late_max);
		rc = 2;
	}
	for (k = 0; k < o.threads; k++) {
		free(th[k].conns);
		free(th[k].idle);
		free(th[k].lat.v);
		free(th[k].lag.v);
	}
	free(th);
	free(lat.v);
	free(lag.v);
	free(o.req);
	free(headers);
	return rc;
}
