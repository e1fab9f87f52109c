/*
 * reply.c — the request API every handler speaks: checked response
 * headers, the send helpers (memory, cached pages, files, JSON, CSV,
 * redirects) and the readers of request headers, query and body type.
 *
 * It knows nothing of the event loop that made the request (http.c)
 * nor of the route table above it: what it needs of the router, it is
 * given at start (http_set_hooks).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "escape.h"
#include "fault.h"
#include "harden.h"
#include "purge.h"
#include "range.h"
#include "req.h"
#include "util.h"
#include "view.h"

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

static struct req_hooks hooks;

void
http_set_hooks(const struct req_hooks *h)
{
	hooks = *h;
}

/* The route's pattern for a log line. */
static const char *
route_name(struct req *r)
{
	if (r->route == NULL)
		return "no route";
	return hooks.route_name != NULL ? hooks.route_name(r->route) :
	    "a route";
}

/* A token character of RFC 9110, 5.6.2: what a header name is made of. */
static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/* Eight bytes of b each. */
#define EVERY_BYTE(b)	(0x0101010101010101ULL * (uint64_t)(b))

int
http_header_value_ok(const char *v, size_t len)
{
	uint64_t w;
	size_t i = 0;

	/*
	 * RFC 9110, 5.5 lets a field value hold tabs, but masthead never
	 * writes one, and a lone CR or LF is how a header is smuggled in:
	 * every control character is refused, DEL too.  A cached page's
	 * Surrogate-Key holds kilobytes of tags and is checked on every
	 * answer, so eight bytes are looked at a time: a byte below 0x20
	 * or equal to 0x7f sets the high bit of its lane in one of the two
	 * terms (a borrow may also mark a lane above it, which only ever
	 * follows a byte that is refused anyway).
	 */
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, v + i, 8);
		if ((((w - EVERY_BYTE(0x20)) & ~w) |
		    (((w ^ EVERY_BYTE(0x7f)) - EVERY_BYTE(0x01)) &
		    ~(w ^ EVERY_BYTE(0x7f)))) & EVERY_BYTE(0x80))
			return 0;
	}
	for (; i < len; i++)
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
	    "character (%s): answering 500\n", name, route_name(r));
	r->header_refused = 1;
}

/*
 * A header whose name is lower case already (tok, or name when libh2o
 * has no token for it) and whose value lives as long as the request: a
 * cached page's, held by the request until its pool goes.  The value is
 * checked as http_header() checks it, and neither is copied.
 */
static int
header_ref(struct req *r, const h2o_token_t *tok, const char *name,
    const char *value, size_t vlen, int checked)
{
	if (!checked && !http_header_value_ok(value, vlen)) {
		refuse_header(r, tok != NULL ? tok->buf.base : name);
		return -1;
	}
	if (tok != NULL)
		h2o_add_header(&r->h->pool, &r->h->res.headers, tok, NULL,
		    value, vlen);
	else
		h2o_add_header_by_str(&r->h->pool, &r->h->res.headers, name,
		    strlen(name), 0, NULL, value, vlen);
	return 0;
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

void
http_reply_init(void)
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

	if (r->respond != NULL) {
		r->respond(r, &gen, NULL, 0, 0);
		return;
	}
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
	if (r->respond != NULL) {
		r->respond(r, &gen, iov, n, 0);
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
 * stored, and the answer may not be stored either.  How the part goes
 * into the gzip variant is the cache's (cache_splice).
 */
static void
send_spliced(struct req *r, const struct cache_view *v)
{
	static const char room[CACHE_PART_ROOM];
	struct buf part = BUF_INIT;
	struct cache_piece pc[CACHE_PIECES];
	h2o_iovec_t iov[CACHE_PIECES];
	void **holder;
	size_t n, i;
	int ok[ENC__MAX], gz;

	http_header(r, "Cache-Control", "private, no-cache");
	http_header(r, "Vary", "Accept-Encoding, Cookie");
	if (v->hole_end == v->hole_at || personalizer == NULL) {
		http_send_static(r, v->status, v->ctype,
		    v->body[ENC_IDENTITY], v->len[ENC_IDENTITY]);
		return;
	}
	buf_append(&part, room, sizeof(room));
	personalizer(r, &part);
	accepted(r, ok);
	n = cache_splice(v, &part, ok[ENC_GZIP], pc, &gz);
	for (i = 0; i < n; i++)
		iov[i] = h2o_iovec_init(pc[i].p, pc[i].len);
	if (gz)
		http_header(r, "Content-Encoding", "gzip");
	holder = h2o_mem_alloc_shared(&r->h->pool, sizeof(*holder),
	    dispose_heap);
	*holder = part.p;
	if (start(r, v->status, v->ctype) == 0)
		send_iov(r, iov, n);
}

static int	send_variants(struct req *, const struct cache_view *);

void
http_send_cached(struct req *r, struct cache_entry *e)
{
	struct cache_entry **holder;
	struct cache_view v;

	holder = h2o_mem_alloc_shared(&r->h->pool, sizeof(*holder),
	    dispose_entry);
	*holder = e;
	cache_view(e, &v);
	if (r->reader != NULL) {
		send_spliced(r, &v);
		return;
	}
	if (send_variants(r, &v) == 0 && !v.tags_checked)
		cache_tags_checked(e);
}

/* The length of v's tags: a cached page knows it, an asset has none. */
static size_t
tags_len(const struct cache_view *v)
{
	return v->tags_len != 0 ? v->tags_len : strlen(v->tags);
}

/*
 * With Varnish in front (the setting varnish), an anonymous page may be
 * kept by it: s-maxage for Varnish, which is purged by tag (purge.h),
 * never past the page's own next change (an event ending, a scheduled
 * story), and max-age=0 for browsers, which revalidate as before.  The
 * tags go in xkey too, the header Varnish's xkey module indexes; the
 * VCL removes both the tags and s-maxage before a reader sees them.
 * The first answer of a page goes out before its compressed variants
 * are made: Varnish must not keep that one for a client that takes
 * brotli or gzip, or it would serve the page uncompressed for hours.
 */
static const char *
shared_cache_control(struct req *r, const struct cache_view *v,
    enum cache_enc enc)
{
	int64_t ttl = config.varnish_ttl, left;
	int ok[ENC__MAX];
	char *s;

	if (!purge_enabled() || strcmp(v->cache_control, "public, no-cache"))
		return v->cache_control;
	accepted(r, ok);
	if (enc != (ok[ENC_BROTLI] ? ENC_BROTLI : ok[ENC_GZIP] ? ENC_GZIP :
	    ENC_IDENTITY))
		return v->cache_control;
	if (v->expires_at != 0) {
		left = v->expires_at - now_unix();
		if (left <= 0)
			return v->cache_control;
		if (left < ttl)
			ttl = left;
	}
	if (v->tags != NULL && v->tags[0] != '\0')
		header_ref(r, NULL, "xkey", v->tags, tags_len(v),
		    v->tags_checked);
	s = h2o_mem_alloc_pool(&r->h->pool, 64);
	snprintf(s, 64, "public, max-age=0, s-maxage=%lld", (long long)ttl);
	return s;
}

/*
 * Sends a cached page or asset: the variant the client takes, with its
 * validators.  Every header value is the view's (held until the request
 * ends) or a constant, so none is copied; a cached page brings its
 * Last-Modified formatted and the length of its tags, which may run to
 * kilobytes, so that a hit formats and measures nothing.
 */
void
http_send_variants(struct req *r, const struct cache_view *v)
{
	send_variants(r, v);
}

/* 0 when v's tags passed the header check (or it has none). */
static int
send_variants(struct req *r, const struct cache_view *v)
{
	static const char *const coding[ENC__MAX] = { NULL, "gzip", "br" };
	static const size_t codinglen[ENC__MAX] = { 0, 4, 2 };
	enum cache_enc enc;
	const char *cc;
	char date[64];
	int rc = 0;

	enc = pick_encoding(r, v);
	header_ref(r, H2O_TOKEN_VARY, NULL, H2O_STRLIT("Accept-Encoding"), 1);
	cc = shared_cache_control(r, v, enc);
	header_ref(r, H2O_TOKEN_CACHE_CONTROL, NULL, cc, strlen(cc), 0);
	header_ref(r, H2O_TOKEN_ETAG, NULL, v->etag[enc], strlen(v->etag[enc]),
	    0);
	if (v->last_modified_http != NULL) {
		header_ref(r, H2O_TOKEN_LAST_MODIFIED, NULL,
		    v->last_modified_http, strlen(v->last_modified_http), 0);
	} else if (v->last_modified > 0) {
		view_fmt_http(v->last_modified, date, sizeof(date));
		http_header(r, "Last-Modified", date);
	}
	if (v->tags != NULL && v->tags[0] != '\0')
		rc = header_ref(r, NULL, "surrogate-key", v->tags, tags_len(v),
		    v->tags_checked);
	if (http_not_modified(r, v->etag[enc], v->last_modified)) {
		http_send_static(r, 304, NULL, "", 0);
		return rc;
	}
	if (coding[enc] != NULL)
		header_ref(r, H2O_TOKEN_CONTENT_ENCODING, NULL, coding[enc],
		    codinglen[enc], 1);
	http_send_static(r, v->status, v->ctype, v->body[enc], v->len[enc]);
	return rc;
}

void
http_send_buf(struct req *r, int status, const char *ctype, struct buf *b)
{
	void **holder;
	size_t len;
	char *p;

	/* The page the cache waits for is the router's to keep. */
	if (r->cache_pending && hooks.keep != NULL &&
	    hooks.keep(r, status, ctype, b))
		return;
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
		    "URL (%s): sent to /\n", route_name(r));
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
	if (r->peer != NULL)
		ss = *r->peer;
	else if (r->h->conn->callbacks->get_peername(r->h->conn,
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
	if (r->route != NULL && hooks.route_reads != NULL &&
	    !hooks.route_reads(r->route, key))
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
	if (r->respond != NULL) {
		r->respond(r, &g->super, NULL, 0, 1);
		return 0;
	}
	h2o_start_response(r->h, &g->super);
	file_proceed(&g->super, r->h);
	return 0;
}
