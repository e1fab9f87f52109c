/*
 * req.h — the request API every handler speaks: struct req and the
 * helpers that answer it.
 *
 * A handler gets a struct req, reads its validated inputs, and either
 * sends a response itself (returning 0) or returns an HTTP status
 * (400, 404, 500, 503 ...), in which case the router renders the error
 * page.  All memory tied to a request comes from its pool; handlers
 * never free.
 *
 * The loop that makes a struct req (http.c) sits below nothing here:
 * handlers, the router and the access checks include this header, never
 * http.h.  The functions keep the http_ prefix they have always had;
 * reply.c defines them.
 */
#ifndef MASTHEAD_REQ_H
#define MASTHEAD_REQ_H

#include <h2o.h>
#include <jansson.h>

#include "url.h"

struct buf;
struct cache_entry;
struct cache_view;
struct db;
struct route;
struct user;
struct worker;

#define REQ_MAXARGS	4

struct site;

struct req {
	h2o_req_t		*h;
	struct worker		*w;
	struct db		*db;		/* this thread's connection */
	const struct route	*route;
	const char		*target;	/* "/path?query" as sent (origin-form) */
	size_t			 targetlen;
	const char		*path;		/* decoded path, NUL-terminated */
	size_t			 pathlen;
	struct url_query	 q;		/* decoded query string */
	struct url_query	*form;		/* the form the router read (page_read_form) */
	const char		*arg[REQ_MAXARGS];	/* route captures, decoded */
	size_t			 arglen[REQ_MAXARGS];
	int			 narg;
	int			 head;		/* a HEAD request: no body goes out */
	int			 cache_pending;	/* the cache waits for this render */
	int			 personal;	/* the request carries credentials */
	struct user		*user;		/* the signed-in reader, for forms */
	struct user		*reader;	/* the signed-in reader of a shared page */
	const char		*cache_control;	/* overrides the default of http_send_buf */
	const char		*cache_key;	/* the request target */
	/*
	 * Why the request's input was refused (a field that is not text),
	 * in the pool: the error page or JSON error says it.
	 */
	const char		*input_error;
	size_t			 cache_keylen;
	int			 policy;	/* enum harden_policy; 0: by path */
	/*
	 * The site asked for (docs/sites.md), decided once, before the
	 * cache is asked: NULL for the instance's own (site 1).
	 * site_known: decided; site_status: 421 for a host no site has.
	 */
	const struct site	*site;
	int			 site_known;
	int			 site_status;
	int			 header_refused; /* a header was refused: 500 */
	/*
	 * Set on a render thread (http.c): h is then the thread's copy of
	 * the request, and the answer is not started here but handed to
	 * respond, which has the request's own loop send it (libh2o's
	 * objects belong to their loop).  proceed: gen streams the body
	 * itself (a file); else iov[0..n) is the whole body.  The client's
	 * address is peer, read on the loop before the hand-over.
	 */
	void			(*respond)(struct req *, h2o_generator_t *gen,
				    h2o_iovec_t *iov, size_t n, int proceed);
	void			*hand;
	const struct sockaddr_storage *peer;
};

/*
 * What the request API needs of the layers above it, given once at
 * start (router.c): the route table is above this header, so it is
 * asked through these.  A NULL member means "not set": log lines then
 * name no route, every query parameter is readable, and no page is
 * kept.
 */
struct req_hooks {
	/* The route's pattern, for log lines. */
	const char	*(*route_name)(const struct route *);
	/* Whether the route's handler may read query parameter key. */
	int		 (*route_reads)(const struct route *, const char *key);
	/*
	 * Called by http_send_buf when the cache waits for this render
	 * (r->cache_pending): 1 when it has sent the answer itself
	 * (taking body), 0 to have body sent as it is.
	 */
	int		 (*keep)(struct req *, int status, const char *ctype,
			    struct buf *body);
};
void	 http_set_hooks(const struct req_hooks *);
/*
 * Builds the hardening headers (harden.h) in libh2o's form; call once
 * before the first request.
 */
void	 http_reply_init(void);

/*
 * Adds a response header; name and value are copied into the request's
 * pool.  Every header masthead writes goes through here (or through the
 * Content-Type of the send helpers, checked the same way).  A name that
 * is not an HTTP token, or a value with a control character (CR, LF,
 * NUL, tab, DEL...), is refused: the header is not added, the refusal is
 * logged, and the answer becomes a 500 with none of the handler's
 * headers, never an answer carrying an injected header.  0, or -1 when
 * refused.
 */
int	 http_header(struct req *, const char *name, const char *value);
/* Whether a header value may be sent: no control character in it. */
int	 http_header_value_ok(const char *value, size_t len);
/*
 * Sends body (taking its memory: the buffer is emptied and freed with the
 * request) with the given status and Content-Type.
 */
void	 http_send_buf(struct req *, int status, const char *ctype, struct buf *body);
/*
 * Sends a cached page (taking the reference): the variant the client
 * accepts, or 304 when its copy is current.
 */
void	 http_send_cached(struct req *, struct cache_entry *);
/*
 * Sends bytes that outlive the request in the variants v holds (its
 * body[], len[] and etag[]; status, ctype, cache_control and
 * last_modified), as a cached page is sent: the variant the client
 * accepts, Vary: Accept-Encoding, the variant's ETag, 304 when the
 * client's copy is current.
 */
void	 http_send_variants(struct req *, const struct cache_view *);
/*
 * Sets the function that renders a signed-in reader's part of a shared
 * page (the account bar); pages carry "<!--account-->...<!--/account-->"
 * where it goes.
 */
void	 http_set_personalizer(void (*fn)(struct req *, struct buf *out));
/* Sends bytes that outlive the request (static or cached memory). */
void	 http_send_static(struct req *, int status, const char *ctype, const void *, size_t);
/*
 * Content-Disposition: attachment; filename="<name>.<ext>".  The name
 * may come from a slug in the database: every byte of it but letters,
 * digits, '.', '_' and '-' is written as '_', so it can end neither the
 * quoted file name nor the header.
 */
void	 http_attachment(struct req *, const char *name, const char *ext);
/*
 * Sends body (taking it) as a CSV file to save, named "<name>.csv",
 * never kept by a cache: 0, or 500 when the buffer ran out of memory.
 */
int	 http_send_csv(struct req *, const char *name, struct buf *body);
/* Serializes v as the response (application/json). */
void	 http_send_json(struct req *, int status, json_t *v);
/*
 * 301/302/303 to a path on this site ("/…", never "//…" or "/\…") or
 * an absolute http(s) URL.  A URL that is neither, or carries a control
 * character or a space, is logged and replaced by "/": the reader lands
 * on the home page rather than somewhere the URL was bent to.
 */
void	 http_redirect(struct req *, int status, const char *url);
/*
 * Sends a file from disk (media, white papers) with its ETag and
 * Last-Modified, answering If-None-Match and If-Modified-Since (304),
 * and Range with If-Range (206, or 416 past the end; see range.h).
 * 0 if sent, 404 when missing, 500 when it cannot be opened.
 */
int	 http_send_file(struct req *, const char *path, const char *ctype, const char *cache_control);
/* Request header value or NULL (NUL-terminated copy in the pool). */
const char *http_req_header(struct req *, const char *name);
/*
 * The client's address as text (out: at least 64 bytes): the peer of
 * the connection, or the last entry of real_ip_header when that
 * setting names the header a trusted proxy writes.
 */
void	 http_client_ip(struct req *, char *out, size_t outsz);
/*
 * Whether the request body is of the media type type (lower case, as
 * "application/json"): the Content-Type names it in any case (media
 * types are case-insensitive, RFC 9110, 8.3.1), with nothing after it
 * but parameters, of which a charset, if any, must be UTF-8 (or its
 * subset US-ASCII), again in any case.  0, or 415.  Parameter values
 * other than charset (a multipart boundary) keep their case: their
 * readers see the header as sent.
 */
int	 http_body_type(struct req *, const char *type);
/* The same check on a Content-Type value (NULL: none); for tests. */
int	 http_ctype_check(const char *ctype, const char *type);
/*
 * A query parameter's value (the first of its name), or NULL.  A cached
 * page or API document sees only the parameters its route declares.
 */
const char *http_query(struct req *, const char *key);
/* 1 when the request's If-None-Match matches etag. */
int	 http_etag_matches(struct req *, const char *etag);
/*
 * 1 when the client's copy is current: If-None-Match against etag, or
 * (without it) If-Modified-Since against mtime (0: unknown).
 */
int	 http_not_modified(struct req *, const char *etag, int64_t mtime);
/* Adds ETag and, when mtime > 0, Last-Modified. */
void	 http_validators(struct req *, const char *etag, int64_t mtime);

/* The reason phrase of a status. */
const char *http_reason(int status);

#endif
