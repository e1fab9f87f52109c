/*
 * http.c — libh2o glue: one event loop, listener and database connection
 * per thread (SO_REUSEPORT), request limits, accept backoff and the
 * framing checks.  A request that passes them becomes a struct req
 * (req.h) and goes to the dispatch function the command gave
 * http_serve(); the loop knows no route, page or cache.
 *
 * The pattern follows h2o's examples/libh2o/simple.c: one global
 * configuration, one context + loop + listener per thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access_log.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "fault.h"
#include "http.h"
#include "metrics.h"
#include "pool.h"
#include "render.h"
#include "req.h"
#include "util.h"

struct worker {
	h2o_context_t	 ctx;
	h2o_accept_ctx_t accept;
	struct db	*db;
	int		 fd;
	pthread_t	 thread;
	int		 id;
	h2o_socket_t	*listener;
	int		 spare;		/* /dev/null, given up to accept at EMFILE */
	h2o_timeout_t	 pause;		/* the listener's rest when out of them */
	h2o_timeout_entry_t resume;
	uint64_t	 said;		/* when the log last told of it */
};

struct mh_handler {
	h2o_handler_t	 super;
};

static h2o_globalconf_t globalconf;
static atomic_int stopping;
/*
 * Every loop is made (its epoll descriptor, its context's queue, the
 * spare descriptor) before any loop accepts: a flood of connections
 * taking every descriptor while a later thread is still starting would
 * leave that thread no descriptor for its loop, and libh2o aborts then.
 */
static pthread_barrier_t ready;
static struct worker *workers;
static size_t nworkers;
static const struct http_app *app;

/* Optional whitespace (RFC 9110, 5.6.3): spaces and horizontal tabs. */
#define IS_OWS(c)	((c) == ' ' || (c) == '\t')

/*
 * Request limits that libh2o does not enforce itself, answered with the
 * status RFC 9110 names for each.  libh2o already answers 400 for an
 * unparsable request and 413 for a body over max_request_entity_size.
 */
static int
check_limits(h2o_req_t *h)
{
	size_t i, total = 0;

	if ((int64_t)h->input.path.len > config.max_uri)
		return 414;
	for (i = 0; i < h->headers.size; i++) {
		size_t n = h->headers.entries[i].name->len +
		    h->headers.entries[i].value.len + 4;
		if ((int64_t)n > config.max_header)
			return 431;
		total += n;
	}
	if ((int64_t)total > config.max_headers)
		return 431;
	return 0;
}

/* Frees the request's decoded query when the pool goes away. */
static void
dispose_query(void *p)
{
	url_query_free(*(struct url_query **)p);
}

/*
 * What the header lines of an HTTP/1 request say about its framing, read
 * from the request's own bytes.  libh2o 2.2.5 moves the Host header out
 * of the request's headers into its authority (keeping the last of
 * several, making one up when there is none), joins folded lines, and
 * frames a body by Transfer-Encoding when Content-Length is there too, so
 * what the client sent is only in its bytes: libh2o keeps them at the
 * start of the connection's input buffer until the answer is done
 * (header names are lower-cased there).
 */
struct raw_head {
	int	hosts;		/* Host lines */
	int	lengths;	/* Content-Length lines */
	int	lengths_differ;	/* two of them, or a list, with other values */
	int	codings;	/* Transfer-Encoding lines */
	int	chunked;	/* the one Transfer-Encoding is exactly chunked */
	int	folded;		/* a line starting with a space or tab (obs-fold) */
};

/* Whether the line p[0..len) is the header name (lower case) and a colon. */
static int
header_is(const char *p, size_t len, const char *name, const char **v,
    size_t *vlen)
{
	size_t n = strlen(name);

	if (len <= n || p[n] != ':' || strncasecmp(p, name, n) != 0)
		return 0;
	for (p += n + 1, len -= n + 1; len > 0 && IS_OWS(*p); p++, len--)
		;
	while (len > 0 && IS_OWS(p[len - 1]))
		len--;
	*v = p;
	*vlen = len;
	return 1;
}

/* Reads the header block of h's request; 0, or -1 when it cannot. */
static int
raw_head_scan(h2o_req_t *h, struct raw_head *rh)
{
	h2o_socket_t *sock;
	const char *p, *end, *nl, *v, *cl = NULL;
	size_t vlen, cllen = 0;

	memset(rh, 0, sizeof(*rh));
	if (h->conn->callbacks->get_socket == NULL ||
	    (sock = h->conn->callbacks->get_socket(h->conn)) == NULL ||
	    sock->input == NULL)
		return -1;
	p = sock->input->bytes;
	end = p + sock->input->size;
	/* Empty lines before the request line are allowed (RFC 9112, 2.2). */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return -1;
	for (p = nl + 1; p < end; p = nl + 1) {
		size_t len;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return -1;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len == 0)
			return 0;
		if (IS_OWS(p[0]))
			rh->folded = 1;
		else if (header_is(p, len, "host", &v, &vlen))
			rh->hosts++;
		else if (header_is(p, len, "content-length", &v, &vlen)) {
			/* RFC 9112, 6.3: a list or differing values is an error. */
			if (memchr(v, ',', vlen) != NULL || (rh->lengths > 0 &&
			    (vlen != cllen || memcmp(v, cl, vlen) != 0)))
				rh->lengths_differ = 1;
			cl = v;
			cllen = vlen;
			rh->lengths++;
		} else if (header_is(p, len, "transfer-encoding", &v, &vlen)) {
			rh->codings++;
			rh->chunked = vlen == 7 && strncasecmp(v, "chunked", 7) == 0;
		}
	}
	return -1;
}

/*
 * A request whose framing two parsers could read differently is refused
 * before it is routed, and its connection closed, so that a proxy in
 * front and masthead can never disagree about where it ends (request
 * smuggling, RFC 9112, 6.3 and 11.2):
 *
 *  - any HTTP/1.1 request without a Host header, and any with two
 *    (RFC 9112, 3.2);
 *  - two Content-Lengths that differ, or a list of them;
 *  - Content-Length together with Transfer-Encoding;
 *  - a Transfer-Encoding that is not exactly "chunked" (one line, one
 *    coding; codings are case-insensitive), or any in HTTP/1.0;
 *  - a header line folded onto the next (obs-fold, RFC 9112, 5.2).
 *
 * libh2o itself refuses white space between a name and its colon.
 * HTTP/2 frames every message itself, and libh2o checks its authority.
 * Returns 0 or 400.
 */
static int
check_framing(h2o_req_t *h)
{
	struct raw_head rh;

	if (h->version >= 0x200 || raw_head_scan(h, &rh) != 0)
		return 0;
	if (rh.hosts > 1 || (rh.hosts == 0 && h->version >= 0x101) ||
	    rh.lengths_differ || (rh.lengths > 0 && rh.codings > 0) ||
	    rh.codings > 1 || (rh.codings == 1 && (!rh.chunked ||
	    h->version < 0x101)) || rh.folded) {
		/* What follows on this connection cannot be trusted. */
		h->http1_is_persistent = 0;
		return 400;
	}
	return 0;
}

/*
 * The origin-form ("/path?query") of the request target.  RFC 9112,
 * 3.2.2 has servers accept the absolute form ("http://host/path") that
 * clients send to proxies; its authority names this server, as Host
 * does, and the path is what is routed.  "*" is left as it is for
 * OPTIONS.  -1 for anything else.
 */
static int
origin_form(h2o_req_t *h, const char **target, size_t *len)
{
	const char *t = *target;
	size_t n = *len, i, skip;

	if (n > 0 && (t[0] == '/' || (n == 1 && t[0] == '*')))
		return 0;
	if (n >= 7 && strncasecmp(t, "http://", 7) == 0)
		skip = 7;
	else if (n >= 8 && strncasecmp(t, "https://", 8) == 0)
		skip = 8;
	else
		return -1;
	for (i = skip; i < n && t[i] != '/' && t[i] != '?'; i++)
		if (t[i] == '@')
			return -1;	/* userinfo (RFC 9110, 4.2.4) */
	if (i == skip)
		return -1;
	/* An empty path is "/" (RFC 9110, 4.2.3). */
	if (i == n || t[i] == '?') {
		*target = h2o_concat(&h->pool, h2o_iovec_init(H2O_STRLIT("/")),
		    h2o_iovec_init(t + i, n - i)).base;
		*len = n - i + 1;
		return 0;
	}
	*target = t + i;
	*len = n - i;
	return 0;
}

static int
on_req(h2o_handler_t *self, h2o_req_t *h)
{
	struct worker *w = (struct worker *)((char *)h->conn->ctx -
	    offsetof(struct worker, ctx));
	struct req *r;
	struct url_query **qh;
	struct buf path = BUF_INIT;
	char msg[300];
	const char *raw = h->input.path.base, *q;
	size_t rawlen = h->input.path.len, plen;
	int status;

	/* What failed for an earlier request is not this one's cause. */
	fault_clear();
	r = h2o_mem_alloc_pool(&h->pool, sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->w = w;
	r->db = w->db;
	r->head = h2o_memis(h->method.base, h->method.len, H2O_STRLIT("HEAD"));
	access_log_attach(r);

	if ((status = check_limits(h)) != 0 ||
	    (status = check_framing(h)) != 0)
		return app->error(r, status), 0;
	if (origin_form(h, &raw, &rawlen) != 0)
		return app->error(r, 400), 0;
	r->target = raw;
	r->targetlen = rawlen;
	/* "*" names the server itself, for OPTIONS (RFC 9110, 9.3.7). */
	if (rawlen == 1 && raw[0] == '*') {
		r->path = "*";
		r->pathlen = 1;
		app->dispatch(r);
		return 0;
	}

	/* The path is decoded once here; handlers never see escapes. */
	q = memchr(raw, '?', rawlen);
	plen = q != NULL ? (size_t)(q - raw) : rawlen;
	if (plen == 0 || url_path_decode(raw, plen, &path) != 0 ||
	    buf_err(&path)) {
		buf_free(&path);
		return app->error(r, 400), 0;
	}
	r->pathlen = path.len;
	r->path = h2o_strdup(&h->pool, path.p, path.len).base;
	buf_free(&path);

	qh = h2o_mem_alloc_shared(&h->pool, sizeof(*qh), dispose_query);
	*qh = &r->q;
	/* A query is text like any form: its bytes never reach a page raw. */
	if (q != NULL && url_form_parse(&r->q, raw + plen + 1,
	    rawlen - plen - 1, 64, "query parameter", msg,
	    sizeof(msg)) != URL_OK) {
		r->input_error = h2o_strdup(&h->pool, msg, SIZE_MAX).base;
		return app->error(r, 400), 0;
	}

	/*
	 * A cached page is sent from here at once; what must be rendered
	 * or read from the database goes to a render thread, so that it
	 * never holds the pages this loop could send meanwhile.
	 */
	if (render_enabled() && app->quick != NULL) {
		if (!app->quick(r))
			render_submit(r);
		return 0;
	}
	app->dispatch(r);
	return 0;
}

/* Milliseconds the listener rests when no descriptor is left. */
#define ACCEPT_PAUSE	100
/* Microseconds between two log lines about it. */
#define FDS_SAY_EVERY	10000000

static void	on_accept(h2o_socket_t *, const char *);

static void
on_resume(h2o_timeout_entry_t *e)
{
	struct worker *w = (struct worker *)((char *)e -
	    offsetof(struct worker, resume));

	if (w->spare < 0)
		w->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	h2o_socket_read_start(w->listener, on_accept);
}

/*
 * Out of descriptors (EMFILE, ENFILE): the connection first in the
 * listen queue cannot be accepted and the listener stays readable, so
 * the loop would spin at full speed, and the client would wait for
 * nothing.  The spare descriptor kept for this moment is given up to
 * accept that connection and close it at once, then taken again; and
 * the listener rests ACCEPT_PAUSE ms, so a server at its limit spends
 * its time on the connections it has.
 */
static void
out_of_fds(struct worker *w, int err)
{
	uint64_t now = now_mono_usec();
	int fd;

	if (w->spare >= 0) {
		close(w->spare);
		w->spare = -1;
		if ((fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			close(fd);
		w->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (w->said == 0 || now - w->said >= FDS_SAY_EVERY) {
		w->said = now;
		fprintf(stderr, "masthead: thread %d: %s: new connections are "
		    "closed at once while it lasts (ulimit -n)\n", w->id,
		    strerror(err));
	}
	h2o_socket_read_stop(w->listener);
	h2o_timeout_link(w->ctx.loop, &w->pause, &w->resume);
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
	struct worker *w = listener->data;
	h2o_socket_t *sock;

	if (err != NULL)
		return;
	if ((sock = h2o_evloop_socket_accept(listener)) == NULL) {
		if (errno == EMFILE || errno == ENFILE)
			out_of_fds(w, errno);
		return;
	}
	h2o_accept(&w->accept, sock);
}

/* Resolves a listen address; NULL with err filled. */
static struct addrinfo *
resolve(const char *addr, char *err, size_t errlen)
{
	return listen_resolve(addr, "listen", err, errlen);
}

static int
listen_socket(const char *addr, char *err, size_t errlen)
{
	struct addrinfo *res;
	int fd = -1, on = 1;

	if ((res = resolve(addr, err, errlen)) == NULL)
		return -1;
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		snprintf(err, errlen, "listen: %s: %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
conns_empty(h2o_context_t *ctx)
{
	return h2o_linklist_is_empty(&ctx->http1._conns) &&
	    h2o_linklist_is_empty(&ctx->http2._conns);
}

/*
 * SO_REUSEPORT would let this server share a port with another process
 * already serving it, silently splitting the traffic between them; a
 * plain bind first tells whether the port is free.
 */
static int
port_taken(const char *addr, char *err, size_t errlen)
{
	struct addrinfo *res;
	int fd, on = 1, taken = 0;

	if ((res = resolve(addr, err, errlen)) == NULL)
		return 1;
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 &&
		    errno == EADDRINUSE) {
			snprintf(err, errlen, "listen: %s is already in use",
			    addr);
			taken = 1;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return taken;
}

/* Microseconds a stopping loop waits for its work in the pool. */
#define STOP_WAIT	8000000

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	h2o_socket_t *sock;
	uint64_t deadline, hard;

	h2o_context_init(&w->ctx, h2o_evloop_create(), &globalconf);
	w->accept.ctx = &w->ctx;
	w->accept.hosts = globalconf.hosts;
	sock = h2o_evloop_socket_create(w->ctx.loop, w->fd,
	    H2O_SOCKET_FLAG_DONT_READ);
	sock->data = w;
	w->listener = sock;
	w->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	h2o_timeout_init(w->ctx.loop, &w->pause, ACCEPT_PAUSE);
	w->resume.cb = on_resume;
	pool_loop_attach(&w->ctx, app->error);
	pthread_barrier_wait(&ready);
	h2o_socket_read_start(sock, on_accept);

	/*
	 * The loop wakes at least every 100 ms to notice a stop request;
	 * the signal itself is taken by the main thread.
	 */
	while (!atomic_load(&stopping))
		h2o_evloop_run(w->ctx.loop, 100);

	/*
	 * Stop accepting, let requests in flight finish (keep-alive is
	 * refused from now on), then free the context.  Connections still
	 * open after two seconds are idle keep-alives; they die with the
	 * process rather than being freed under their owner.
	 */
	if (h2o_timeout_is_linked(&w->resume))
		h2o_timeout_unlink(&w->resume);
	h2o_socket_read_stop(sock);
	h2o_socket_close(sock);
	h2o_context_request_shutdown(&w->ctx);
	/*
	 * A render, an upload or an import on another thread is answered
	 * before the loop goes, for up to STOP_WAIT more, and its answer
	 * gets a second to go out once it is sent; one still running then
	 * keeps the context alive (its answer arrives into it) and dies
	 * with the process.
	 */
	deadline = now_mono_usec() + 2000000;
	hard = deadline + STOP_WAIT;
	while (!conns_empty(&w->ctx) || pool_loop_pending() > 0) {
		uint64_t now = now_mono_usec();

		if (pool_loop_pending() > 0) {
			if (now >= hard)
				break;
			if (deadline < now + 1000000)
				deadline = now + 1000000;
		} else if (now >= deadline)
			break;
		h2o_evloop_run(w->ctx.loop, 50);
	}
	if (conns_empty(&w->ctx) && pool_loop_pending() == 0) {
		h2o_evloop_t *loop = w->ctx.loop;

		pool_loop_detach();
		h2o_timeout_dispose(loop, &w->pause);

		/* HTTP/2's graceful-shutdown timer outlives its connections. */
		if (h2o_timeout_is_linked(&w->ctx.http2._graceful_shutdown_timeout))
			h2o_timeout_unlink(
			    &w->ctx.http2._graceful_shutdown_timeout);
		h2o_context_dispose(&w->ctx);
		h2o_evloop_destroy(loop);
	}
	if (w->spare >= 0)
		close(w->spare);
	if (app->thread_done != NULL)
		app->thread_done();
	return NULL;
}

int
http_serve(const struct http_app *a, char *err, size_t errlen)
{
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	struct mh_handler *hd;
	sigset_t set;
	size_t i;
	int sig, first_fd;
	long ncpu;

	nworkers = (size_t)config.threads;
	if (nworkers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nworkers = ncpu > 0 ? (size_t)ncpu : 1;
	}

	app = a;
	http_reply_init();
	h2o_config_init(&globalconf);
	globalconf.server_name = h2o_iovec_init(H2O_STRLIT("masthead"));
	/*
	 * The router holds every route but the uploads to max_body; an
	 * upload's body may pass max_upload by its form's few fields, so
	 * the image itself is what max_upload limits (media.c).
	 */
	globalconf.max_request_entity_size = (size_t)(config.max_upload +
	    UPLOAD_SLACK > config.max_body ? config.max_upload + UPLOAD_SLACK :
	    config.max_body);
	/*
	 * An export uploaded at /admin/import may be as large as
	 * import_max_mb when it is set.  libh2o 2.2.5 reads a body whole
	 * before the router sees it (it has no streaming of request bodies)
	 * and refuses early only what passes this one limit, so raising it
	 * lets every route be sent that much before its own 413.  libh2o
	 * spools a body over its threshold to an unlinked, mapped file:
	 * with import_max_mb set, that file goes into import_dir, so that a
	 * large upload fills neither memory nor /tmp, and the import page
	 * copies it from there (without it, into /tmp as before).
	 */
	if ((size_t)(CONFIG_IMPORT_MAX(config) + UPLOAD_SLACK) >
	    globalconf.max_request_entity_size)
		globalconf.max_request_entity_size = (size_t)
		    (CONFIG_IMPORT_MAX(config) + UPLOAD_SLACK);
	if (config.import_max_mb > 0) {
		if (mkdir(config.import_dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "import_dir %s: %s",
			    config.import_dir, strerror(errno));
			return -1;
		}
		if ((size_t)snprintf(h2o_socket_buffer_mmap_settings.fn_template,
		    sizeof(h2o_socket_buffer_mmap_settings.fn_template),
		    "%s/.spool-XXXXXX", config.import_dir) >=
		    sizeof(h2o_socket_buffer_mmap_settings.fn_template)) {
			snprintf(err, errlen, "import_dir: the path is too long");
			return -1;
		}
	}
	host = h2o_config_register_host(&globalconf,
	    h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	hd = (struct mh_handler *)h2o_create_handler(path, sizeof(*hd));
	hd->super.on_req = on_req;
	if (access_log_init(path, app->kind, err, errlen) != 0)
		return -1;
	if (config.metrics_listen[0] != '\0' &&
	    metrics_start(config.metrics_listen, app->gauges, err, errlen) != 0)
		return -1;

	/* Listeners and connections are made before any thread starts, so
	 * a taken port or a bad database fails start-up, not a thread. */
	if (port_taken(config.listen, err, errlen))
		return -1;
	if ((first_fd = listen_socket(config.listen, err, errlen)) < 0)
		return -1;
	workers = xcalloc(nworkers, sizeof(*workers));
	for (i = 0; i < nworkers; i++) {
		workers[i].id = (int)i;
		workers[i].fd = i == 0 ? first_fd :
		    listen_socket(config.listen, err, errlen);
		if (workers[i].fd < 0)
			return -1;
		if ((workers[i].db = db_open(config.db, err, errlen)) == NULL)
			return -1;
	}

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (render_start(app->dispatch, app->thread_done, err, errlen) != 0)
		return -1;
	pthread_barrier_init(&ready, NULL, (unsigned)nworkers + 1);
	for (i = 0; i < nworkers; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		    &workers[i]) != 0) {
			snprintf(err, errlen, "cannot start thread: %s",
			    strerror(errno));
			return -1;
		}
	pthread_barrier_wait(&ready);
	fprintf(stderr, "masthead: serving http://%s/ with %zu threads\n",
	    config.listen, nworkers);

	/* SIGHUP reopens the access log (logrotate has moved it). */
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		access_log_reopen();
	fprintf(stderr, "masthead: %s, stopping\n",
	    sig == SIGINT ? "interrupted" : "terminated");
	atomic_store(&stopping, 1);
	for (i = 0; i < nworkers; i++) {
		pthread_join(workers[i].thread, NULL);
		db_close(workers[i].db);
	}
	/* Every loop waited for its renders; none is left to answer. */
	render_stop();
	pthread_barrier_destroy(&ready);
	free(workers);
	return 0;
}
