/*
 * cache.h — the page cache: rendered responses of anonymous GET requests,
 * kept in memory with gzip and brotli variants, dropped exactly when a
 * write touches something they show.
 *
 * While a page renders, the code that reads data declares what the page
 * depends on with cache_dep_str() ("a12" for article 12, "ls3" for the list
 * of section 3 ..., each made by its constructor in tag.h) and, for content that changes state at a known time
 * (an event starting, a scheduled story going live), cache_dep_until().
 * A write calls cache_invalidate() for every tag it touched; the entries
 * that carry one of them are gone before the write's response is sent.
 *
 * Entries are shared by all threads and reference-counted: a response
 * being sent keeps its entry alive after it is evicted or invalidated.
 *
 * cache.c holds the table, cache_tags.c the dependencies and
 * invalidation, cache_zip.c the compressed variants and the splice.
 */
#ifndef MASTHEAD_CACHE_H
#define MASTHEAD_CACHE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum cache_enc {
	ENC_IDENTITY,
	ENC_GZIP,
	ENC_BROTLI,
	ENC__MAX
};

struct cache_entry;

/* What a finished render gives the cache.  body is copied. */
struct cache_page {
	int		 status;
	const char	*ctype;		/* static string */
	const char	*cache_control;	/* static string */
	const char	*body;
	size_t		 len;
};

/*
 * A page may have one personal hole, between these markers (the account
 * bar): the cache keeps the anonymous content, and a signed-in reader's
 * part replaces the hole as the page is sent.  For that, the gzip variant
 * is also kept in two halves that a part can be spliced between: the
 * head (gzip header and the deflated bytes before the hole, flushed to a
 * byte boundary) and the tail (the bytes after it, deflated on their own).
 */
#define CACHE_HOLE_OPEN		"<!--account-->"
#define CACHE_HOLE_CLOSE	"<!--/account-->"

/* Where the hole of body is (markers included); *at == *end when none. */
void	 cache_hole(const char *body, size_t len, size_t *at, size_t *end);

struct buf;

/* Whether a body of this type and length is worth compressing. */
int	 cache_zip_worth(const char *ctype, size_t len);
/*
 * Compresses in[0..n) as gzip or brotli (enc) at the format's best
 * level, for bytes compressed once and sent many times (the theme's
 * assets, at start).  0, or -1; out is the caller's.
 */
int	 cache_compress(enum cache_enc enc, const char *in, size_t n,
	    struct buf *out);

struct cache_split {
	const char	*head, *tail;
	size_t		 headlen, taillen;
	uint32_t	 crc_head, crc_tail;	/* CRC-32 of the bytes each holds */
	size_t		 rawhead, rawtail;	/* how many bytes each holds */
};

/* A read-only view of an entry, valid while the reference is held. */
struct cache_view {
	int		 status;
	const char	*ctype;
	const char	*cache_control;
	const char	*body[ENC__MAX];	/* NULL when that variant is not (yet) kept */
	size_t		 len[ENC__MAX];
	const char	*etag[ENC__MAX];	/* quoted */
	int64_t		 last_modified;
	const char	*last_modified_http;	/* as an HTTP-date, or NULL */
	int64_t		 expires_at;	/* unix time it is rendered again; 0: at a write */
	const char	*tags;		/* space-separated, for Surrogate-Key */
	size_t		 tags_len;	/* 0: strlen(tags) */
	int		 tags_checked;	/* passed the header check before */
	size_t		 hole_at, hole_end;	/* the hole in body[0]; equal: none */
	const struct cache_split *split;	/* NULL until compressed */
};

/*
 * A reader's part in a shared page's hole.  The part is written into a
 * buffer that starts with CACHE_PART_ROOM bytes of room (for a stored
 * deflate block's header); cache_splice() then gives the pieces to
 * send, in order (at most CACHE_PIECES), pointing into v and part, and
 * sets *gzipped when they make the gzip variant: the stored halves
 * with the part between them as a stored deflate block, and a trailer
 * for the whole (appended to part).  That needs gzip (the client takes
 * it), the halves (v->split) and a part of at most 65,535 bytes;
 * otherwise the pieces are the page as rendered, the part in its hole.
 */
#define CACHE_PART_ROOM		5
#define CACHE_PIECES		4
struct buf;
struct cache_piece {
	const char	*p;
	size_t		 len;
};
size_t	 cache_splice(const struct cache_view *v, struct buf *part, int gzip,
	    struct cache_piece out[CACHE_PIECES], int *gzipped);

enum cache_lookup {
	CACHE_HIT,	/* *e holds a reference */
	CACHE_RENDER,	/* render the page and call cache_fill or cache_abandon */
	CACHE_BYPASS,	/* the cache is off or busy: render without storing */
	CACHE_LOOKUP__MAX
};

/*
 * Sizes the cache; max_bytes 0 stores no pages (fragments are still kept).
 * Call before threads start.
 */
void	 cache_init(size_t max_bytes);
void	 cache_free(void);
/* Frees this thread's dependency buffer (call as a server thread ends). */
void	 cache_thread_done(void);

/*
 * Looks key up.  On a miss the caller becomes the one renderer of that
 * key: other threads asking for it meanwhile wait for its result rather
 * than render it again (a stampede renders once).
 */
enum cache_lookup cache_lookup(const char *key, size_t keylen, struct cache_entry **e);
/*
 * The same look-up for an event loop, which must not wait: CACHE_HIT
 * with a reference in *e, or CACHE_RENDER when the page is not there
 * (or is being rendered); nothing is reserved, and the miss is left for
 * cache_lookup() to count.
 */
enum cache_lookup cache_peek(const char *key, size_t keylen, struct cache_entry **e);
/*
 * Stores the page rendered for key with the dependencies collected on
 * this thread since cache_deps_begin(), and returns a reference to the
 * new entry (NULL when it could not be kept, e.g. a tag was invalidated
 * while the page rendered: the caller then sends its own bytes).
 */
struct cache_entry *cache_fill(const char *key, size_t keylen, const struct cache_page *);
/* Gives up rendering key (an error page, a redirect): waiters render themselves. */
void	 cache_abandon(const char *key, size_t keylen);

void	 cache_view(struct cache_entry *, struct cache_view *);
/*
 * Notes that the entry's tags passed the header check (req.h's
 * http_header_value_ok) on their way out: they never change, so the
 * hits after it send them unchecked (cache_view's tags_checked).
 */
void	 cache_tags_checked(struct cache_entry *);
void	 cache_release(struct cache_entry *);

/* Dependency collection for the page this thread renders. */
void	 cache_deps_begin(void);
void	 cache_deps_end(void);
/* Declares a dependency on a tag made with tag.h: cache_dep_str(tag_article(12).s). */
void	 cache_dep_str(const char *tag);
/*
 * The page is one of endless variants readers make up (search results):
 * it is kept like any page, but all such pages together hold at most an
 * eighth of cache_size, the least recently used going first.
 */
void	 cache_bounded(void);
/* The page must be rendered again at Unix time t (if t is in the future). */
void	 cache_dep_until(int64_t t);
/* The tags collected so far, space-separated (for Surrogate-Key on uncached responses). */
const char *cache_deps_tags(void);

/*
 * Fragments of view models shared by many pages (the sidebar) are kept
 * the same way, under a name: cache_memo_get() returns a new reference to
 * the fragment and adds its dependencies to the page being rendered, or
 * NULL; to build one, call cache_memo_begin(), read the data (declaring
 * dependencies as usual), then cache_memo_put() (which takes a reference).
 */
json_t	*cache_memo_get(const char *name);
/*
 * The fragment kept under name, as cache_memo_get() returns it, without
 * adding its dependencies to the page: for a page that must know early
 * what a block it reads later will show (the home page's Most Read).
 */
json_t	*cache_memo_peek(const char *name);
void	 cache_memo_begin(void);
void	 cache_memo_put(const char *name, json_t *);

/* Drops every entry that carries tag; pages rendering now will not be stored. */
void	 cache_invalidate(const char *tag);
void	 cache_invalidate_all(void);

/* Counters for tests and benchmarks. */
struct cache_stats {
	uint64_t	hits, misses, fills, invalidated, evicted, expired, waits;
	size_t		entries, bytes, max_bytes;
};
void	 cache_stats(struct cache_stats *);

#endif
