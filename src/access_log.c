/*
 * access_log.c — one line per answered request, and the request counters
 * of /metrics, from a libh2o logger that runs when the answer is done.
 *
 * A line is built in memory and appended with one write(2) to a file
 * opened O_APPEND, so the lines of the loops never interleave.  SIGHUP
 * reopens the file (http.c): the new descriptor is put in place of the
 * old with dup2(2), which no writer can see half done.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "access_log.h"
#include "buf.h"
#include "config.h"
#include "metrics.h"
#include "req.h"

static int log_fd = -1;
static int json;
static int (*kind_of)(const struct req *);

/* The struct req of h, when on_req made one (access_log_attach). */
static struct req *
req_of(h2o_req_t *h)
{
	if (h->env.size == 1 && h->env.entries[0].len == sizeof(struct req))
		return (struct req *)h->env.entries[0].base;
	return NULL;
}

void
access_log_attach(struct req *r)
{
	h2o_req_t *h = r->h;

	/* libh2o reads env only for FastCGI, which masthead does not use. */
	h2o_vector_reserve(&h->pool, &h->env, 1);
	h->env.entries[0] = h2o_iovec_init(r, sizeof(*r));
	h->env.size = 1;
}

static const char *
header(h2o_headers_t *hs, const h2o_token_t *tok, const char *name,
    size_t *len)
{
	ssize_t i;

	i = tok != NULL ? h2o_find_header(hs, tok, -1) :
	    h2o_find_header_by_str(hs, name, strlen(name), -1);
	if (i < 0) {
		*len = 0;
		return NULL;
	}
	*len = hs->entries[i].value.len;
	return hs->entries[i].value.base;
}

/* "hit", "miss" or "none", from the X-Cache header of the answer. */
static const char *
cache_of(h2o_req_t *h)
{
	size_t n;
	const char *v = header(&h->res.headers, NULL, "x-cache", &n);

	if (v != NULL && n == 3 && memcmp(v, "hit", 3) == 0)
		return "hit";
	if (v != NULL && n == 4 && memcmp(v, "miss", 4) == 0)
		return "miss";
	return "none";
}

static void
field(struct buf *b, const char *name, const char *v, size_t n)
{
	buf_printf(b, ",\"%s\":", name);
	if (v == NULL) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	metrics_json_str(b, v, n);
	buf_putc(b, '"');
}

void
access_log_json(struct buf *b, const struct access_line *l)
{
	char t[40];
	struct tm tm;
	time_t sec = l->at.tv_sec;

	gmtime_r(&sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, "{\"time\":\"%s.%03dZ\"", t, (int)(l->at.tv_usec / 1000));
	field(b, "method", l->method, l->methodlen);
	field(b, "path", l->path, l->pathlen);
	buf_printf(b, ",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f",
	    l->status, l->bytes, (double)l->usec / 1000.0);
	field(b, "cache", l->cache, strlen(l->cache));
	field(b, "kind", l->kind, strlen(l->kind));
	field(b, "remote", l->remote, l->remote != NULL ? strlen(l->remote) : 0);
	field(b, "user_agent", l->agent, l->agentlen);
	field(b, "referer", l->referer, l->refererlen);
	buf_puts(b, "}\n");
}

/* Apache's escape: ", \\ and bytes outside printable ASCII as \\xNN. */
static void
apache_str(struct buf *b, const char *s, size_t n)
{
	size_t i;

	if (s == NULL || n == 0) {
		buf_putc(b, '-');
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
}

void
access_log_combined(struct buf *b, const struct access_line *l,
    int version)
{
	char t[64];
	struct tm tm;
	time_t sec = l->at.tv_sec;

	localtime_r(&sec, &tm);
	strftime(t, sizeof(t), "%d/%b/%Y:%H:%M:%S %z", &tm);
	buf_printf(b, "%s - - [%s] \"", l->remote != NULL ? l->remote : "-",
	    t);
	apache_str(b, l->method, l->methodlen);
	buf_putc(b, ' ');
	apache_str(b, l->path, l->pathlen);
	buf_printf(b, " HTTP/%d.%d\" %d %zu \"", version >> 8,
	    version & 0xff, l->status, l->bytes);
	apache_str(b, l->referer, l->refererlen);
	buf_puts(b, "\" \"");
	apache_str(b, l->agent, l->agentlen);
	buf_puts(b, "\"\n");
}

static const char *const kinds[MK__N] = {
	"page", "api", "asset", "form", "none",
};

static void
on_log(h2o_logger_t *self, h2o_req_t *h)
{
	struct req *r = req_of(h);
	struct access_line l;
	struct sockaddr_storage ss;
	struct buf b = BUF_INIT;
	char addr[INET6_ADDRSTRLEN];
	int kind = r != NULL && kind_of != NULL ? kind_of(r) : MK_NONE;
	int status = h->res.status;
	const char *q;

	(void)self;
	if (kind < 0 || kind >= MK__N)
		kind = MK_NONE;
	metrics_request((enum metrics_kind)kind, status);
	if (log_fd < 0)
		return;
	memset(&l, 0, sizeof(l));
	l.at = h->timestamps.response_end_at;
	if (l.at.tv_sec == 0)
		gettimeofday(&l.at, NULL);
	if (h->timestamps.request_begin_at.tv_sec != 0)
		l.usec = (uint64_t)((l.at.tv_sec -
		    h->timestamps.request_begin_at.tv_sec) * 1000000 +
		    (l.at.tv_usec - h->timestamps.request_begin_at.tv_usec));
	l.method = h->input.method.base;
	l.methodlen = h->input.method.len;
	/*
	 * A JSON line has the path alone (a query may carry a token); a
	 * combined line the request target, as Apache's has.
	 */
	l.path = h->input.path.base;
	l.pathlen = h->input.path.len;
	if (json && l.path != NULL &&
	    (q = memchr(l.path, '?', l.pathlen)) != NULL)
		l.pathlen = (size_t)(q - l.path);
	l.status = status;
	l.bytes = h->bytes_sent;
	l.cache = cache_of(h);
	l.kind = kinds[kind];
	memset(&ss, 0, sizeof(ss));
	if (h->conn->callbacks->get_peername != NULL &&
	    h->conn->callbacks->get_peername(h->conn,
	    (struct sockaddr *)&ss) > 0) {
		if (ss.ss_family == AF_INET && inet_ntop(AF_INET,
		    &((struct sockaddr_in *)&ss)->sin_addr, addr,
		    sizeof(addr)) != NULL)
			l.remote = addr;
		else if (ss.ss_family == AF_INET6 && inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr, addr,
		    sizeof(addr)) != NULL)
			l.remote = addr;
	}
	l.agent = header(&h->headers, H2O_TOKEN_USER_AGENT, NULL,
	    &l.agentlen);
	l.referer = header(&h->headers, H2O_TOKEN_REFERER, NULL,
	    &l.refererlen);
	if (json)
		access_log_json(&b, &l);
	else
		access_log_combined(&b, &l, h->version);
	if (!buf_err(&b))
		(void)!write(log_fd, b.p, b.len);
	buf_free(&b);
}

static int
open_log(void)
{
	return open(config.access_log, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0644);
}

int
access_log_init(h2o_pathconf_t *path, int (*kind)(const struct req *),
    char *err, size_t errlen)
{
	h2o_logger_t *lg;

	kind_of = kind;
	json = strcmp(config.access_log_format, "json") == 0;
	if (config.access_log[0] != '\0') {
		if (strcmp(config.access_log, "-") == 0)
			log_fd = STDERR_FILENO;
		else if ((log_fd = open_log()) < 0) {
			snprintf(err, errlen, "access_log: cannot open %s: %s",
			    config.access_log, strerror(errno));
			return -1;
		}
	}
	lg = h2o_create_logger(path, sizeof(*lg));
	lg->log_access = on_log;
	return 0;
}

void
access_log_reopen(void)
{
	int fd;

	if (log_fd < 0 || log_fd == STDERR_FILENO)
		return;
	if ((fd = open_log()) < 0) {
		fprintf(stderr, "masthead: access_log: cannot reopen %s: %s\n",
		    config.access_log, strerror(errno));
		return;
	}
	dup2(fd, log_fd);
	close(fd);
}
