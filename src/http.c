/*
 * http.c — libh2o glue: one event loop, listener and database connection
 * per thread (SO_REUSEPORT), request limits, and the send helpers.
 *
 * The pattern follows h2o's examples/libh2o/simple.c: one global
 * configuration, one context + loop + listener per thread.
 */
#include <arpa/inet.h>
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
#include <time.h>
#include <zlib.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "escape.h"
#include "config.h"
#include "harden.h"
#include "db.h"
#include "fault.h"
#include "http.h"
#include "page.h"
#include "pool.h"
#include "range.h"
#include "router.h"
#include "util.h"
#include "view.h"

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
static struct worker *workers;
static size_t nworkers;

/* Statuses masthead sends, with their reason phrases. */
static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
	{ 206, "Partial Content" },
	{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
	{ 304, "Not Modified" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 503, "Service Unavailable" },
};

const char *
http_reason(int status)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reasons); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Error";
}

/* A token character of RFC 9110, 5.6.2: what a header name is made of. */
static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

int
http_header_value_ok(const char *v, size_t len)
{
	size_t i;

	/*
	 * RFC 9110, 5.5 lets a field value hold tabs, but masthead never
	 * writes one, and a lone CR or LF is how a header is smuggled in:
	 * every control character is refused, DEL too.
	 */
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * The one place a refused header is noted.  The value is not logged:
 * it holds the very bytes (CR, LF) that would forge lines in a log.
 */
static void
refuse_header(struct req *r, const char *name)
{
	fprintf(stderr, "masthead: refused a %s header with a control "
	    "character (%s): answering 500\n", name, r->route != NULL ?
	    r->route->pattern : "no route");
	r->header_refused = 1;
}

int
http_header(struct req *r, const char *name, const char *value)
{
	h2o_mem_pool_t *pool = &r->h->pool;
	size_t nlen = strlen(name), vlen = strlen(value), i;
	char *n;
	const h2o_token_t *tok;
	h2o_iovec_t v;

	for (i = 0; i < nlen && tchar((unsigned char)name[i]); i++)
		;
	if (nlen == 0 || i < nlen || !http_header_value_ok(value, vlen)) {
		refuse_header(r, i < nlen || nlen == 0 ? "malformed" : name);
		return -1;
	}
	n = h2o_mem_alloc_pool(pool, nlen + 1);
	v = h2o_strdup(pool, value, vlen);
	memcpy(n, name, nlen + 1);
	h2o_strtolower(n, nlen);
	if ((tok = h2o_lookup_token(n, nlen)) != NULL)
		h2o_add_header(pool, &r->h->res.headers, tok, NULL, v.base, v.len);
	else
		h2o_add_header_by_str(pool, &r->h->res.headers, n, nlen, 0,
		    NULL, v.base, v.len);
	return 0;
}

/*
 * Seconds a 503 asks the client to wait: storage that is locked, full or
 * unreachable is worth a new try soon, not at once.
 */
#define RETRY_AFTER	"5"

/*
 * Every 5xx answer leaves one line in the server's log: the status, the
 * method and target, and what failed (fault.h), so that the error page's
 * "the error has been logged" is true.  A 503 tells the client when to
 * try again, unless its handler said so already.
 */
static void
failed(struct req *r, int status)
{
	char method[32], target[256];
	const char *why = fault_last(), *t = r->target;
	size_t tlen = r->targetlen;

	if (status == 503 && h2o_find_header(&r->h->res.headers,
	    H2O_TOKEN_RETRY_AFTER, -1) == -1)
		h2o_add_header(&r->h->pool, &r->h->res.headers,
		    H2O_TOKEN_RETRY_AFTER, NULL, H2O_STRLIT(RETRY_AFTER));
	if (t == NULL) {
		t = r->h->input.path.base;
		tlen = r->h->input.path.len;
	}
	fault_printable(method, sizeof(method), r->h->method.base,
	    r->h->method.len);
	fault_printable(target, sizeof(target), t, tlen);
	fprintf(stderr, "masthead: %d %s %s: %s\n", status, method, target,
	    why[0] != '\0' ? why : "no storage error was noted");
}

/*
 * The hardening headers in libh2o's form, made once at start from
 * harden.c's: a name libh2o has a token for is that token, as
 * h2o_add_header() would make it, so an answer only appends entries.
 */
static struct {
	h2o_header_t	 h[HARDEN_MAX_HEADERS];
	h2o_iovec_t	 names[HARDEN_MAX_HEADERS];
	size_t		 n;
} hardened[HARDEN__MAX];

static void
hardened_init(void)
{
	harden_init();
	for (int p = HARDEN_SITE; p < HARDEN__MAX; p++) {
		const struct harden_set *set = harden_headers(
		    (enum harden_policy)p);
		const h2o_token_t *tok;

		for (size_t i = 0; i < set->n; i++) {
			h2o_header_t *h = &hardened[p].h[i];

			hardened[p].names[i] = h2o_iovec_init(set->h[i].name,
			    set->h[i].namelen);
			tok = h2o_lookup_token(set->h[i].name, set->h[i].namelen);
			h->name = tok != NULL ? (h2o_iovec_t *)&tok->buf :
			    &hardened[p].names[i];
			h->orig_name = NULL;
			h->value = h2o_iovec_init(set->h[i].value,
			    set->h[i].len);
		}
		hardened[p].n = set->n;
	}
}

/*
 * The hardening headers of the answer (harden.h), unless the handler set
 * one of the same name itself.  They are constants: no copy, a few
 * pointers per answer.
 */
static void
harden(struct req *r)
{
	enum harden_policy p = (enum harden_policy)r->policy;
	h2o_headers_t *hs = &r->h->res.headers;
	size_t i;

	if (p <= HARDEN_AUTO || p >= HARDEN__MAX)
		p = r->path != NULL && (strncmp(r->path, "/admin", 6) == 0 ||
		    strncmp(r->path, "/api/v1/admin", 13) == 0) ?
		    HARDEN_NEWSROOM : HARDEN_SITE;
	h2o_vector_reserve(&r->h->pool, hs, hs->size + hardened[p].n);
	for (i = 0; i < hardened[p].n; i++) {
		const h2o_header_t *h = &hardened[p].h[i];

		if (h2o_find_header_by_str(hs, h->name->base, h->name->len,
		    -1) == -1)
			hs->entries[hs->size++] = *h;
	}
}

static void send_iov(struct req *, h2o_iovec_t *, size_t);

/*
 * Every answer starts here: status, Content-Type and the hardening
 * headers.  When a header was refused on the way (http_header), the
 * answer the handler made is dropped with all its headers, and a plain
 * 500 goes out instead; -1 tells the caller it has been answered.
 */
static int
start(struct req *r, int status, const char *ctype)
{
	static const char msg[] = "500 Internal Server Error\n";
	h2o_iovec_t body = h2o_iovec_init(msg, sizeof(msg) - 1);

	if (ctype != NULL && !http_header_value_ok(ctype, strlen(ctype)))
		refuse_header(r, "content-type");
	if (r->header_refused) {
		r->header_refused = 0;
		r->h->res.headers.size = 0;
		r->h->res.status = 500;
		r->h->res.reason = http_reason(500);
		h2o_add_header(&r->h->pool, &r->h->res.headers,
		    H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("text/plain; "
		    "charset=utf-8"));
		h2o_add_header(&r->h->pool, &r->h->res.headers,
		    H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
		harden(r);
		send_iov(r, &body, 1);
		return -1;
	}
	if (status >= 500)
		failed(r, status);
	r->h->res.status = status;
	r->h->res.reason = http_reason(status);
	if (ctype != NULL)
		h2o_add_header(&r->h->pool, &r->h->res.headers,
		    H2O_TOKEN_CONTENT_TYPE, NULL, ctype, strlen(ctype));
	harden(r);
	return 0;
}

/*
 * Every answer masthead makes goes out through body_follows(): it sets
 * the Content-Length of an answer whose body is len bytes and says
 * whether that body may be sent.  A HEAD answer announces the length its
 * GET would have and sends nothing (RFC 9110, 9.3.2): a body after it is
 * read by the client as the start of the next answer, and on HTTP/2 it
 * resets the stream.  304 and 204 have no body and no length to announce
 * (RFC 9110, 8.6).
 */
static int
body_follows(struct req *r, size_t len)
{
	int status = r->h->res.status;

	if (status == 304 || status == 204) {
		r->h->res.content_length = SIZE_MAX;
		return 0;
	}
	r->h->res.content_length = len;
	return !r->head;
}

/* Sends the status and headers set so far, and no body. */
static void
send_headers_only(struct req *r)
{
	static h2o_generator_t gen = { NULL, NULL };

	h2o_start_response(r->h, &gen);
	h2o_send(r->h, NULL, 0, H2O_SEND_STATE_FINAL);
}

/* Sends a body held in memory that outlives the request (n pieces). */
static void
send_iov(struct req *r, h2o_iovec_t *iov, size_t n)
{
	static h2o_generator_t gen = { NULL, NULL };
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += iov[i].len;
	if (!body_follows(r, len)) {
		send_headers_only(r);
		return;
	}
	h2o_start_response(r->h, &gen);
	h2o_send(r->h, iov, n, H2O_SEND_STATE_FINAL);
}

void
http_send_static(struct req *r, int status, const char *ctype,
    const void *data, size_t len)
{
	h2o_iovec_t body = h2o_iovec_init(data, len);

	if (start(r, status, ctype) == 0)
		send_iov(r, &body, 1);
}

/* Frees a buffer's memory when the request's pool goes away. */
static void
dispose_heap(void *p)
{
	free(*(void **)p);
}

/* Releases a cache entry when the request's pool goes away. */
static void
dispose_entry(void *p)
{
	cache_release(*(struct cache_entry **)p);
}

/* Optional whitespace (RFC 9110, 5.6.3): spaces and horizontal tabs. */
#define IS_OWS(c)	((c) == ' ' || (c) == '\t')

/* Whether a qvalue ("0", "0.0", "0.000") refuses a coding. */
static int
qzero(const char *q, const char *end)
{
	if (q >= end || *q != '0')
		return 0;
	for (q++; q < end && !IS_OWS(*q) && *q != ';'; q++)
		if (*q != '.' && *q != '0')
			return 0;
	return 1;
}

/*
 * Whether the parameters of one Accept-Encoding member (from its first
 * ';' to end) carry a weight of 0.  "q" is case-insensitive, like every
 * parameter name (RFC 9110, 5.6.6 and 12.4.2).
 */
static int
refused(const char *p, const char *end)
{
	while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
		for (p++; p < end && IS_OWS(*p); p++)
			;
		if (end - p >= 2 && (*p == 'q' || *p == 'Q') && p[1] == '=')
			return qzero(p + 2, end);
	}
	return 0;
}

/* Which codings the client's Accept-Encoding allows (identity always). */
static void
accepted(struct req *r, int ok[ENC__MAX])
{
	const char *ae = http_req_header(r, "accept-encoding"), *p;

	ok[ENC_IDENTITY] = 1;
	ok[ENC_GZIP] = ok[ENC_BROTLI] = 0;
	if (ae == NULL)
		return;
	for (p = ae; *p != '\0';) {
		const char *tok, *end, *semi;
		size_t n;

		while (IS_OWS(*p) || *p == ',')
			p++;
		tok = p;
		while (*p != '\0' && *p != ',')
			p++;
		end = p;
		semi = memchr(tok, ';', (size_t)(end - tok));
		n = (size_t)((semi != NULL ? semi : end) - tok);
		while (n > 0 && IS_OWS(tok[n - 1]))
			n--;
		if (semi != NULL && refused(semi, end))
			continue;
		/* Content codings are case-insensitive (RFC 9110, 8.4.1). */
		if (n == 2 && strncasecmp(tok, "br", 2) == 0)
			ok[ENC_BROTLI] = 1;
		else if (n == 4 && strncasecmp(tok, "gzip", 4) == 0)
			ok[ENC_GZIP] = 1;
	}
}

/* The variant to send: brotli, then gzip, then identity, as allowed. */
static enum cache_enc
pick_encoding(struct req *r, const struct cache_view *v)
{
	int ok[ENC__MAX];

	accepted(r, ok);
	if (ok[ENC_BROTLI] && v->body[ENC_BROTLI] != NULL)
		return ENC_BROTLI;
	if (ok[ENC_GZIP] && v->body[ENC_GZIP] != NULL)
		return ENC_GZIP;
	return ENC_IDENTITY;
}

static void (*personalizer)(struct req *, struct buf *);

void
http_set_personalizer(void (*fn)(struct req *, struct buf *))
{
	personalizer = fn;
}

/*
 * Sends a shared page to a signed-in reader: the bytes before the hole,
 * the reader's own part, the bytes after it.  Nothing personal is ever
 * stored, and the answer may not be stored either.  A client that takes
 * gzip gets the stored halves of the gzip variant with the part between
 * them as a stored deflate block, and a trailer for the whole.
 */
static void
send_spliced(struct req *r, const struct cache_view *v)
{
	const struct cache_split *sp = v->split;
	const char *body = v->body[ENC_IDENTITY];
	size_t len = v->len[ENC_IDENTITY], n, i;
	struct buf part = BUF_INIT;
	h2o_iovec_t iov[4];
	void **holder;
	int ok[ENC__MAX];

	http_header(r, "Cache-Control", "private, no-cache");
	http_header(r, "Vary", "Accept-Encoding, Cookie");
	if (v->hole_end == v->hole_at || personalizer == NULL) {
		http_send_static(r, v->status, v->ctype, body, len);
		return;
	}
	/* The part, with room before it for a stored block's header. */
	buf_append(&part, "\0\0\0\0\0", 5);
	personalizer(r, &part);
	accepted(r, ok);
	if (sp != NULL && ok[ENC_GZIP] && part.len - 5 <= 65535 &&
	    !buf_err(&part)) {
		size_t plen = part.len - 5, total = sp->rawhead + plen +
		    sp->rawtail;
		unsigned char *blk = (unsigned char *)part.p, trailer[8];
		uint32_t crc;

		/* Byte-aligned after the head's sync flush: not final, stored. */
		blk[0] = 0;
		blk[1] = (unsigned char)(plen & 0xff);
		blk[2] = (unsigned char)(plen >> 8);
		blk[3] = (unsigned char)(~plen & 0xff);
		blk[4] = (unsigned char)((~plen >> 8) & 0xff);
		crc = (uint32_t)crc32(0, (const Bytef *)part.p + 5, (uInt)plen);
		crc = (uint32_t)crc32_combine(sp->crc_head, crc, (z_off_t)plen);
		crc = (uint32_t)crc32_combine(crc, sp->crc_tail,
		    (z_off_t)sp->rawtail);
		for (i = 0; i < 4; i++) {
			trailer[i] = (unsigned char)(crc >> (8 * i));
			trailer[4 + i] = (unsigned char)(total >> (8 * i));
		}
		buf_append(&part, trailer, sizeof(trailer));
		iov[0] = h2o_iovec_init(sp->head, sp->headlen);
		iov[1] = h2o_iovec_init(part.p, 5 + plen);
		iov[2] = h2o_iovec_init(sp->tail, sp->taillen);
		iov[3] = h2o_iovec_init(part.p + 5 + plen, sizeof(trailer));
		n = 4;
		http_header(r, "Content-Encoding", "gzip");
	} else {
		iov[0] = h2o_iovec_init(body, v->hole_at);
		iov[1] = h2o_iovec_init(part.p + 5, part.len - 5);
		iov[2] = h2o_iovec_init(body + v->hole_end, len - v->hole_end);
		n = 3;
	}
	holder = h2o_mem_alloc_shared(&r->h->pool, sizeof(*holder),
	    dispose_heap);
	*holder = part.p;
	if (start(r, v->status, v->ctype) == 0)
		send_iov(r, iov, n);
}

void
http_send_cached(struct req *r, struct cache_entry *e)
{
	static const char *const coding[ENC__MAX] = { NULL, "gzip", "br" };
	struct cache_entry **holder;
	struct cache_view v;
	enum cache_enc enc;

	holder = h2o_mem_alloc_shared(&r->h->pool, sizeof(*holder),
	    dispose_entry);
	*holder = e;
	cache_view(e, &v);
	if (r->reader != NULL) {
		send_spliced(r, &v);
		return;
	}
	enc = pick_encoding(r, &v);
	http_header(r, "Vary", "Accept-Encoding");
	http_header(r, "Cache-Control", v.cache_control);
	http_validators(r, v.etag[enc], v.last_modified);
	if (v.tags[0] != '\0')
		http_header(r, "Surrogate-Key", v.tags);
	if (http_not_modified(r, v.etag[enc], v.last_modified)) {
		http_send_static(r, 304, NULL, "", 0);
		return;
	}
	if (coding[enc] != NULL)
		http_header(r, "Content-Encoding", coding[enc]);
	http_send_static(r, v.status, v.ctype, v.body[enc], v.len[enc]);
}

void
http_send_buf(struct req *r, int status, const char *ctype, struct buf *b)
{
	struct cache_entry *e;
	void **holder;
	size_t len;
	char *p;

	/* The page the cache waits for goes into it, then out from it. */
	if (r->cache_pending && status == 200) {
		struct cache_page pg = { status, ctype, "public, no-cache",
		    b->p != NULL ? b->p : "", b->len };

		r->cache_pending = 0;
		if ((e = cache_fill(r->cache_key, r->cache_keylen, &pg)) !=
		    NULL) {
			buf_free(b);
			http_header(r, "X-Cache", "miss");
			http_send_cached(r, e);
			return;
		}
	}
	p = buf_detach(b, &len);
	holder = h2o_mem_alloc_shared(&r->h->pool, sizeof(*holder),
	    dispose_heap);
	*holder = p;
	if (r->reader != NULL) {
		struct cache_view v;

		memset(&v, 0, sizeof(v));
		v.status = status;
		v.ctype = ctype;
		v.body[ENC_IDENTITY] = p;
		v.len[ENC_IDENTITY] = len;
		cache_hole(p, len, &v.hole_at, &v.hole_end);
		send_spliced(r, &v);
		return;
	}
	/* What a signed-in reader or an API client got is theirs alone. */
	http_header(r, "Cache-Control", r->cache_control != NULL ?
	    r->cache_control : r->personal ? "private, no-cache" : "no-cache");
	http_send_static(r, status, ctype, p, len);
}

void
http_attachment(struct req *r, const char *name, const char *ext)
{
	struct buf b = BUF_INIT;
	size_t i, n = strlen(name);

	BUF_LIT(&b, "attachment; filename=\"");
	for (i = 0; i < n && i < 200; i++) {
		char c = name[i];

		buf_putc(&b, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ?
		    c : '_');
	}
	buf_printf(&b, ".%s\"", ext);
	if (buf_err(&b))
		r->header_refused = 1;
	else
		http_header(r, "Content-Disposition", b.p);
	buf_free(&b);
}

int
http_send_csv(struct req *r, const char *name, struct buf *body)
{
	if (buf_err(body)) {
		buf_free(body);
		return 500;
	}
	http_attachment(r, name, "csv");
	r->cache_control = "private, no-store";
	http_send_buf(r, 200, "text/csv; charset=utf-8", body);
	return 0;
}

void
http_send_json(struct req *r, int status, json_t *v)
{
	struct buf b = BUF_INIT;
	char *s;

	/*
	 * jansson's JSON_ESCAPE_SLASH keeps "</script>" inert when a
	 * document is embedded in a page.
	 */
	s = json_dumps(v, JSON_COMPACT | JSON_ESCAPE_SLASH);
	if (s == NULL)
		s = xstrdup("null");
	buf_puts(&b, s);
	buf_putc(&b, '\n');
	free(s);
	http_send_buf(r, status, "application/json; charset=utf-8", &b);
}

/*
 * Whether a redirect may go to url: a path on this site, or an absolute
 * http(s) URL, with no control character, space or backslash anywhere.
 * Browsers drop tabs and line breaks from a URL and read "\\" as "/", so
 * "/\t/evil.example" or "/\\evil.example" would leave the site.
 */
static int
redirect_ok(const char *url)
{
	const char *p;

	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '\\')
			return 0;
	if (url[0] == '/')
		return url[1] != '/';
	return strncmp(url, "https://", 8) == 0 ||
	    strncmp(url, "http://", 7) == 0;
}

/*
 * h2o_send_redirect() would drop the headers already set (Set-Cookie of
 * a sign-in), so the redirect is sent here.
 */
void
http_redirect(struct req *r, int status, const char *url)
{
	struct buf b = BUF_INIT;

	if (!redirect_ok(url)) {
		fprintf(stderr, "masthead: refused a redirect to a malformed "
		    "URL (%s): sent to /\n", r->route != NULL ?
		    r->route->pattern : "no route");
		url = "/";
	}
	http_header(r, "Location", url);
	BUF_LIT(&b, "<!doctype html><html lang=\"en\"><title>Moved</title>"
	    "<a href=\"");
	esc_html(&b, url, strlen(url));
	BUF_LIT(&b, "\">Continue</a>\n");
	http_send_buf(r, status, "text/html; charset=utf-8", &b);
}

const char *
http_req_header(struct req *r, const char *name)
{
	const h2o_headers_t *hs = &r->h->headers;
	size_t i, n = strlen(name);

	for (i = 0; i < hs->size; i++) {
		const h2o_iovec_t *hn = hs->entries[i].name;
		if (hn->len == n && h2o_lcstris(hn->base, hn->len, name, n))
			return h2o_strdup(&r->h->pool,
			    hs->entries[i].value.base,
			    hs->entries[i].value.len).base;
	}
	return NULL;
}

void
http_client_ip(struct req *r, char *out, size_t outsz)
{
	struct sockaddr_storage ss;
	const char *h = NULL, *last;
	char name[128];
	size_t n;

	/* Header names are compared in lower case. */
	if (config.real_ip_header[0] != '\0' &&
	    strlcpy_(name, config.real_ip_header, sizeof(name)) < sizeof(name)) {
		h2o_strtolower(name, strlen(name));
		h = http_req_header(r, name);
	}
	if (h != NULL) {
		/* The proxy appends the address it saw: trust only that one. */
		last = strrchr(h, ',');
		last = last != NULL ? last + 1 : h;
		while (*last == ' ')
			last++;
		n = strcspn(last, " ");
		if (n > 0 && n < outsz && n < 64) {
			memcpy(out, last, n);
			out[n] = '\0';
			return;
		}
	}
	strlcpy_(out, "unknown", outsz);
	memset(&ss, 0, sizeof(ss));
	if (r->h->conn->callbacks->get_peername(r->h->conn,
	    (struct sockaddr *)&ss) == 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out,
		    (socklen_t)outsz);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    out, (socklen_t)outsz);
}

/* Whether s[0..n) is UTF-8 or US-ASCII as a charset names it. */
static int
charset_utf8(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	return (n == 5 && strncasecmp(s, "utf-8", 5) == 0) ||
	    (n == 8 && strncasecmp(s, "us-ascii", 8) == 0);
}

int
http_ctype_check(const char *ct, const char *type)
{
	size_t n = strlen(type);
	const char *p, *name, *val;

	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return 415;
	/* parameters: *( OWS ";" OWS [ name "=" value ] ) (RFC 9110, 5.6.6) */
	for (p = ct + n; *p != '\0';) {
		while (IS_OWS(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ';')
			return 415;
		while (IS_OWS(*p))
			p++;
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && !IS_OWS(*p))
			p++;
		if (*p != '=') {
			if (p != name)
				return 415;
			continue;
		}
		val = ++p;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p++ != '"')
				return 415;
		} else {
			while (*p != '\0' && *p != ';' && !IS_OWS(*p))
				p++;
		}
		if (val - name == 8 && strncasecmp(name, "charset=", 8) == 0 &&
		    !charset_utf8(val, (size_t)(p - val)))
			return 415;
	}
	return 0;
}

int
http_body_type(struct req *r, const char *type)
{
	return http_ctype_check(http_req_header(r, "content-type"), type);
}

const char *
http_query(struct req *r, const char *key)
{
	/*
	 * A page the cache may keep sees only the parameters its route
	 * declares, the ones its cache key holds (router.c): a parameter
	 * it read without declaring it would be served from the entry of
	 * another value.
	 */
	if (r->route != NULL && !route_reads(r->route, key))
		return NULL;
	return url_query_get(&r->q, key);
}

int
http_etag_matches(struct req *r, const char *etag)
{
	const char *inm = http_req_header(r, "if-none-match");
	size_t n = strlen(etag);
	const char *p;

	if (inm == NULL)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	for (p = inm; (p = strstr(p, etag)) != NULL; p += n) {
		char after = p[n];
		if (after == '\0' || after == ',' || after == ' ')
			return 1;
	}
	return 0;
}

/* Parses an RFC 9110 IMF-fixdate; -1 when it is not one. */
static int64_t
parse_http_date(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	return (int64_t)timegm(&tm);
}

int
http_not_modified(struct req *r, const char *etag, int64_t mtime)
{
	const char *ims;
	int64_t t;

	/* If-None-Match wins over If-Modified-Since (RFC 9110, 13.1.3). */
	if (http_req_header(r, "if-none-match") != NULL)
		return http_etag_matches(r, etag);
	if (mtime <= 0 || (ims = http_req_header(r, "if-modified-since")) == NULL)
		return 0;
	return (t = parse_http_date(ims)) >= 0 && mtime <= t;
}

void
http_validators(struct req *r, const char *etag, int64_t mtime)
{
	char date[64];

	http_header(r, "ETag", etag);
	if (mtime > 0) {
		view_fmt_http(mtime, date, sizeof(date));
		http_header(r, "Last-Modified", date);
	}
}

/*
 * A file being sent: libh2o asks for the next piece (proceed) once the
 * previous one is written, so one buffer serves the whole file.  Reading
 * 64 KiB of a file the kernel has cached takes microseconds, which the
 * event loop can spare (libh2o's own file handler does the same).
 */
struct file_gen {
	h2o_generator_t	 super;
	int		 fd;
	uint64_t	 off;		/* the next byte to read */
	uint64_t	 left;		/* bytes still to send */
	char		*buf;
	size_t		 bufsz;
};

#define FILE_CHUNK	65536

/* Closes the file when the request's pool goes away, sent or aborted. */
static void
dispose_file(void *p)
{
	struct file_gen *g = p;

	if (g->fd >= 0)
		close(g->fd);
}

static void
file_proceed(h2o_generator_t *self, h2o_req_t *h)
{
	struct file_gen *g = (struct file_gen *)self;
	size_t want = g->left < g->bufsz ? (size_t)g->left : g->bufsz;
	h2o_iovec_t v;
	ssize_t n;

	while ((n = pread(g->fd, g->buf, want, (off_t)g->off)) < 0 &&
	    errno == EINTR)
		;
	if (n <= 0) {
		/*
		 * The file failed or shrank under us: the connection is
		 * closed, so the client sees an answer cut short rather than
		 * one with the wrong bytes.
		 */
		h2o_send(h, NULL, 0, H2O_SEND_STATE_ERROR);
		return;
	}
	g->off += (uint64_t)n;
	g->left -= (uint64_t)n;
	v = h2o_iovec_init(g->buf, (size_t)n);
	h2o_send(h, &v, 1, g->left == 0 ? H2O_SEND_STATE_FINAL :
	    H2O_SEND_STATE_IN_PROGRESS);
}

/*
 * Whether If-Range lets a Range apply: the client's copy must be this
 * very file, by a strong ETag or by the exact Last-Modified date (RFC
 * 9110, 13.1.5).  A weak ETag never matches.
 */
static int
if_range_holds(struct req *r, const char *etag, int64_t mtime)
{
	const char *v = http_req_header(r, "if-range");

	if (v == NULL)
		return 1;
	if (v[0] == '"')
		return strcmp(v, etag) == 0;
	return mtime > 0 && parse_http_date(v) == mtime;
}

int
http_send_file(struct req *r, const char *path, const char *ctype,
    const char *cache_control)
{
	struct file_gen *g;
	struct stat sb;
	const char *range;
	char etag[64], cr[96];
	uint64_t first = 0, last = 0, size;
	int fd, status = 200;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 404 : 500;
	g = h2o_mem_alloc_shared(&r->h->pool, sizeof(*g), dispose_file);
	memset(g, 0, sizeof(*g));
	g->fd = fd;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 404;
	size = (uint64_t)sb.st_size;
	/*
	 * The modification time and the size, as libh2o's file sender made
	 * it before, so caches keep what they hold.  It is a strong
	 * validator: media and white papers are stored under the hash of
	 * their bytes and never rewritten in place.
	 */
	snprintf(etag, sizeof(etag), "\"%08llx-%llx\"",
	    (unsigned long long)sb.st_mtime, (unsigned long long)size);
	if (cache_control != NULL)
		http_header(r, "Cache-Control", cache_control);
	http_validators(r, etag, (int64_t)sb.st_mtime);
	if (http_not_modified(r, etag, (int64_t)sb.st_mtime)) {
		http_send_static(r, 304, NULL, "", 0);
		return 0;
	}
	http_header(r, "Accept-Ranges", "bytes");
	/* Range is defined for GET alone; HEAD answers as a plain GET. */
	if (!r->head && (range = http_req_header(r, "range")) != NULL &&
	    if_range_holds(r, etag, (int64_t)sb.st_mtime)) {
		switch (range_parse(range, size, &first, &last)) {
		case RANGE_ONE:
			status = 206;
			snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu",
			    (unsigned long long)first, (unsigned long long)last,
			    (unsigned long long)size);
			http_header(r, "Content-Range", cr);
			break;
		case RANGE_UNSATISFIABLE:
			snprintf(cr, sizeof(cr), "bytes */%llu",
			    (unsigned long long)size);
			http_header(r, "Content-Range", cr);
			http_send_static(r, 416, NULL, "", 0);
			return 0;
		default:
			break;
		}
	}
	if (status == 200) {
		first = 0;
		last = size - 1;
	}
	g->off = first;
	g->left = size == 0 ? 0 : last - first + 1;
	if (start(r, status, ctype) != 0)
		return 0;
	if (!body_follows(r, (size_t)g->left) || g->left == 0) {
		send_headers_only(r);
		return 0;
	}
	g->bufsz = g->left < FILE_CHUNK ? (size_t)g->left : FILE_CHUNK;
	g->buf = h2o_mem_alloc_pool(&r->h->pool, g->bufsz);
	g->super.proceed = file_proceed;
	h2o_start_response(r->h, &g->super);
	file_proceed(&g->super, r->h);
	return 0;
}

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

	if ((status = check_limits(h)) != 0 ||
	    (status = check_framing(h)) != 0)
		return router_error(r, status), 0;
	if (origin_form(h, &raw, &rawlen) != 0)
		return router_error(r, 400), 0;
	r->target = raw;
	r->targetlen = rawlen;
	/* "*" names the server itself, for OPTIONS (RFC 9110, 9.3.7). */
	if (rawlen == 1 && raw[0] == '*') {
		r->path = "*";
		r->pathlen = 1;
		router_dispatch(r);
		return 0;
	}

	/* The path is decoded once here; handlers never see escapes. */
	q = memchr(raw, '?', rawlen);
	plen = q != NULL ? (size_t)(q - raw) : rawlen;
	if (plen == 0 || url_path_decode(raw, plen, &path) != 0 ||
	    buf_err(&path)) {
		buf_free(&path);
		return router_error(r, 400), 0;
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
		return router_error(r, 400), 0;
	}

	router_dispatch(r);
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

/* Resolves "ADDR:PORT" or "[V6]:PORT"; NULL with err filled. */
static struct addrinfo *
resolve(const char *addr, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char host[256], *port;
	int rc;

	if (strlcpy_(host, addr, sizeof(host)) >= sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL) {
		snprintf(err, errlen, "listen: \"%s\" is not ADDR:PORT", addr);
		return NULL;
	}
	*port++ = '\0';
	if (host[0] == '[' && port - host > 2 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "listen: %s: %s", addr, gai_strerror(rc));
		return NULL;
	}
	return res;
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
	uint64_t deadline;

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
	h2o_socket_read_start(sock, on_accept);
	pool_loop_attach(&w->ctx);

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
	 * An upload or an import in the pool is answered before the loop
	 * goes, for up to STOP_WAIT more; one still running then keeps the
	 * context alive (its answer arrives into it) and dies with the
	 * process.
	 */
	deadline = now_mono_usec() + 2000000;
	while ((!conns_empty(&w->ctx) || pool_loop_pending() > 0) &&
	    now_mono_usec() < deadline + (pool_loop_pending() > 0 ?
	    STOP_WAIT : 0))
		h2o_evloop_run(w->ctx.loop, 50);
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
	page_thread_done();
	cache_thread_done();
	return NULL;
}

int
http_serve(char *err, size_t errlen)
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

	hardened_init();
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
	host = h2o_config_register_host(&globalconf,
	    h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	hd = (struct mh_handler *)h2o_create_handler(path, sizeof(*hd));
	hd->super.on_req = on_req;
	if (config.access_log[0] != '\0') {
		h2o_access_log_filehandle_t *fh = h2o_access_log_open_handle(
		    strcmp(config.access_log, "-") == 0 ? "/dev/stdout" :
		    config.access_log, NULL, H2O_LOGCONF_ESCAPE_APACHE);
		if (fh == NULL) {
			snprintf(err, errlen, "access_log: cannot open %s",
			    config.access_log);
			return -1;
		}
		h2o_access_log_register(path, fh);
	}

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
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < nworkers; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		    &workers[i]) != 0) {
			snprintf(err, errlen, "cannot start thread: %s",
			    strerror(errno));
			return -1;
		}
	fprintf(stderr, "masthead: serving http://%s/ with %zu threads\n",
	    config.listen, nworkers);

	sigwait(&set, &sig);
	fprintf(stderr, "masthead: %s, stopping\n",
	    sig == SIGINT ? "interrupted" : "terminated");
	atomic_store(&stopping, 1);
	for (i = 0; i < nworkers; i++) {
		pthread_join(workers[i].thread, NULL);
		db_close(workers[i].db);
	}
	free(workers);
	return 0;
}
