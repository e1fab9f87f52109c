/*
 * cache.c — the page cache.
 *
 * One table of entries keyed by request target, one table of tags, each
 * tag linking the entries that carry it, and a least-recently-used list
 * for the memory bound.  A single mutex guards them; it is held for
 * lookups and bookkeeping only, never while rendering or compressing.
 *
 * A page that rendered while any invalidation happened is not stored: it
 * may have read data from before the write whose invalidation it missed.
 */
#include <brotli/encode.h>
#include <jansson.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "buf.h"
#include "cache.h"
#include "util.h"

#define DEPS_SLOTS	2048		/* distinct tags one page may carry */
#define WAIT_USEC	2000000		/* how long a request waits for another's render */
#define MIN_COMPRESS	256		/* smaller bodies are sent as they are */
#define MEMO_BUDGET	(16u << 20)	/* fragments kept when pages are not */

struct tag;

struct tag_link {
	struct cache_entry	*e;
	struct tag		*t;
	struct tag_link		*prev, *next;	/* the tag's entries */
};

struct tag {
	char			*name;
	uint64_t		 hash;
	struct tag		*chain;
	struct tag_link		*head;
};

/* The compressed copies of a page, made after it is stored. */
struct variants {
	char			*body[ENC__MAX];	/* [ENC_IDENTITY] unused */
	size_t			 len[ENC__MAX];
	char			 etag[ENC__MAX][28];
	int			 has_split;
	struct cache_split	 split;		/* the gzip halves around the hole */
};

struct cache_entry {
	atomic_int		 refs;
	int			 live;		/* reachable from the table */
	int			 pending;	/* being rendered: no payload yet */
	char			*key;
	size_t			 keylen;
	uint64_t		 hash;
	struct cache_entry	*chain;
	struct cache_entry	*lru_prev, *lru_next;
	int			 bounded;	/* in the readers' share (cache_bounded) */
	struct cache_entry	*blru_prev, *blru_next;
	int			 status;
	const char		*ctype;
	const char		*cache_control;
	char			*body;		/* as rendered */
	size_t			 len;
	char			 etag[28];
	size_t			 hole_at, hole_end;
	int			 compress;	/* worth compressing */
	_Atomic(struct variants *) var;	/* NULL until compressed */
	struct cache_entry	*qnext;		/* in the compression queue */
	int64_t			 last_modified;
	int64_t			 expires_at;	/* 0: until invalidated */
	char			*tags;
	json_t			*memo;		/* a view-model fragment, not a page */
	struct tag_link		*links;
	size_t			 nlinks;
	size_t			 size;
};

struct table {
	void			**b;
	size_t			  n;		/* buckets, a power of two */
	size_t			  count;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rendered = PTHREAD_COND_INITIALIZER;
static struct table entries, tags;
static struct cache_entry *lru_head, *lru_tail;
static size_t bytes, max_bytes;
/*
 * Pages whose URLs readers make up (search results) are kept too, but
 * together in at most 1/BOUNDED_SHARE of the cache, least recently used
 * first out: a flood of unique queries cannot push the articles out.
 */
#define BOUNDED_SHARE	8
static struct cache_entry *blru_head, *blru_tail;
static size_t bounded_bytes;
static uint64_t inval_seq;
static struct cache_stats st;

/* The compression queue and its thread (see compress_main). */
static pthread_t compressor;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER;
static struct cache_entry *qhead, *qtail;
static size_t qlen;
static int qstop, qrunning;

#define QUEUE_MAX	10000

static void	*compress_main(void *);

struct deps {
	int		 active;
	int		 overflow;
	uint64_t	 seq0;
	int64_t		 until;
	struct buf	 tags;
	uint64_t	 seen[DEPS_SLOTS];
	uint16_t	 used[DEPS_SLOTS];	/* the slots of seen in use, to clear */
	size_t		 nseen;
	int		 frag;		/* a fragment is being built too */
	int		 bounded;	/* the page is in the readers' share */
	struct buf	 ftags;		/* its own tags */
	int64_t		 funtil;
	uint64_t	 fseq0;
};

static _Thread_local struct deps deps;

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h | 1;	/* never 0: 0 marks an empty slot in the dedupe set */
}

static void
table_init(struct table *t, size_t n)
{
	t->b = xcalloc(n, sizeof(void *));
	t->n = n;
	t->count = 0;
}

void
cache_init(size_t max)
{
	max_bytes = max;
	table_init(&entries, 1024);
	table_init(&tags, 4096);
	qstop = 0;
	if (max > 0 && pthread_create(&compressor, NULL, compress_main,
	    NULL) == 0)
		qrunning = 1;
}

/* Both tables chain through the second pointer-sized field they share. */
static struct cache_entry **
entry_slot(uint64_t h)
{
	return (struct cache_entry **)&entries.b[h & (entries.n - 1)];
}

static struct tag **
tag_slot(uint64_t h)
{
	return (struct tag **)&tags.b[h & (tags.n - 1)];
}

static void
entries_grow(void)
{
	void **old = entries.b;
	size_t oldn = entries.n, i;

	table_init(&entries, oldn * 2);
	entries.count = 0;
	for (i = 0; i < oldn; i++) {
		struct cache_entry *e = old[i], *next;
		for (; e != NULL; e = next) {
			struct cache_entry **s = entry_slot(e->hash);
			next = e->chain;
			e->chain = *s;
			*s = e;
			entries.count++;
		}
	}
	free(old);
}

static void
tags_grow(void)
{
	void **old = tags.b;
	size_t oldn = tags.n, i;

	table_init(&tags, oldn * 2);
	tags.count = 0;
	for (i = 0; i < oldn; i++) {
		struct tag *t = old[i], *next;
		for (; t != NULL; t = next) {
			struct tag **s = tag_slot(t->hash);
			next = t->chain;
			t->chain = *s;
			*s = t;
			tags.count++;
		}
	}
	free(old);
}

static struct cache_entry *
entry_find(const char *key, size_t keylen, uint64_t h)
{
	struct cache_entry *e;

	for (e = *entry_slot(h); e != NULL; e = e->chain)
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0)
			return e;
	return NULL;
}

static void
lru_unlink(struct cache_entry *e)
{
	if (e->lru_prev != NULL)
		e->lru_prev->lru_next = e->lru_next;
	else if (lru_head == e)
		lru_head = e->lru_next;
	if (e->lru_next != NULL)
		e->lru_next->lru_prev = e->lru_prev;
	else if (lru_tail == e)
		lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void
lru_front(struct cache_entry *e)
{
	lru_unlink(e);
	e->lru_next = lru_head;
	if (lru_head != NULL)
		lru_head->lru_prev = e;
	lru_head = e;
	if (lru_tail == NULL)
		lru_tail = e;
}

static void
blru_unlink(struct cache_entry *e)
{
	if (e->blru_prev != NULL)
		e->blru_prev->blru_next = e->blru_next;
	else if (blru_head == e)
		blru_head = e->blru_next;
	if (e->blru_next != NULL)
		e->blru_next->blru_prev = e->blru_prev;
	else if (blru_tail == e)
		blru_tail = e->blru_prev;
	e->blru_prev = e->blru_next = NULL;
}

static void
blru_front(struct cache_entry *e)
{
	blru_unlink(e);
	e->blru_next = blru_head;
	if (blru_head != NULL)
		blru_head->blru_prev = e;
	blru_head = e;
	if (blru_tail == NULL)
		blru_tail = e;
}

static void
entry_free(struct cache_entry *e)
{
	struct variants *v = atomic_load(&e->var);
	int i;

	if (v != NULL) {
		for (i = 0; i < ENC__MAX; i++)
			free(v->body[i]);
		free((void *)v->split.head);
		free((void *)v->split.tail);
		free(v);
	}
	free(e->body);
	free(e->key);
	free(e->tags);
	free(e->links);
	json_decref(e->memo);
	free(e);
}

void
cache_release(struct cache_entry *e)
{
	if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1)
		entry_free(e);
}

/* Unlinks e from its tags, freeing tags left with no entry.  Lock held. */
static void
entry_untag(struct cache_entry *e)
{
	size_t i;

	for (i = 0; i < e->nlinks; i++) {
		struct tag_link *l = &e->links[i];
		struct tag *t = l->t, **s;

		if (l->prev != NULL)
			l->prev->next = l->next;
		else
			t->head = l->next;
		if (l->next != NULL)
			l->next->prev = l->prev;
		if (t->head != NULL)
			continue;
		for (s = tag_slot(t->hash); *s != t; s = &(*s)->chain)
			;
		*s = t->chain;
		tags.count--;
		free(t->name);
		free(t);
	}
	e->nlinks = 0;
}

/* Takes e out of the table and every list, dropping the table's reference. */
static void
entry_drop(struct cache_entry *e)
{
	struct cache_entry **s;

	for (s = entry_slot(e->hash); *s != e; s = &(*s)->chain)
		;
	*s = e->chain;
	entries.count--;
	lru_unlink(e);
	entry_untag(e);
	bytes -= e->size;
	if (e->bounded) {
		blru_unlink(e);
		bounded_bytes -= e->size;
	}
	e->live = 0;
	cache_release(e);
}

/* Drops readers' share entries beyond the share, keep last.  Lock held. */
static void
bounded_trim(struct cache_entry *keep)
{
	while (bounded_bytes > max_bytes / BOUNDED_SHARE && blru_tail != NULL &&
	    blru_tail != keep) {
		st.evicted++;
		entry_drop(blru_tail);
	}
}

/* Adds a pending entry for key: this thread renders it.  Lock held. */
static void
entry_reserve(const char *key, size_t keylen, uint64_t h)
{
	struct cache_entry *e = xcalloc(1, sizeof(*e)), **s;

	atomic_init(&e->refs, 1);
	e->live = 1;
	e->pending = 1;
	e->key = xstrndup(key, keylen);
	e->keylen = keylen;
	e->hash = h;
	s = entry_slot(h);
	e->chain = *s;
	*s = e;
	if (++entries.count > entries.n)
		entries_grow();
}

static int64_t
wall_now(void)
{
	return now_unix();
}

enum cache_lookup
cache_lookup(const char *key, size_t keylen, struct cache_entry **out)
{
	uint64_t h = hash(key, keylen);
	struct cache_entry *e;
	struct timespec ts;
	int waited = 0;

	*out = NULL;
	if (max_bytes == 0)
		return CACHE_BYPASS;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_USEC / 1000000;
	pthread_mutex_lock(&lock);
	for (;;) {
		e = entry_find(key, keylen, h);
		if (e != NULL && !e->pending && e->expires_at != 0 &&
		    wall_now() >= e->expires_at) {
			st.expired++;
			entry_drop(e);
			e = NULL;
		}
		if (e == NULL) {
			entry_reserve(key, keylen, h);
			st.misses++;
			pthread_mutex_unlock(&lock);
			return CACHE_RENDER;
		}
		if (!e->pending)
			break;
		/*
		 * Another thread renders this page: wait for it rather than
		 * render it a second time.  A render that takes too long
		 * lets this request render on its own, unstored.
		 */
		if (!waited++)
			st.waits++;
		if (pthread_cond_timedwait(&rendered, &lock, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&lock);
			return CACHE_BYPASS;
		}
	}
	atomic_fetch_add(&e->refs, 1);
	lru_front(e);
	if (e->bounded)
		blru_front(e);
	st.hits++;
	pthread_mutex_unlock(&lock);
	*out = e;
	return CACHE_HIT;
}

void
cache_abandon(const char *key, size_t keylen)
{
	uint64_t h = hash(key, keylen);
	struct cache_entry *e;

	pthread_mutex_lock(&lock);
	if ((e = entry_find(key, keylen, h)) != NULL && e->pending)
		entry_drop(e);
	pthread_cond_broadcast(&rendered);
	pthread_mutex_unlock(&lock);
}

static int
compress_gzip(const char *in, size_t n, struct buf *out)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	buf_reserve(out, deflateBound(&z, (uLong)n));
	if (buf_err(out)) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out->p;
	z.avail_out = (uInt)(out->cap - 1);
	rc = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

static int
compress_brotli(const char *in, size_t n, struct buf *out)
{
	size_t outlen = BrotliEncoderMaxCompressedSize(n);

	buf_reserve(out, outlen);
	if (outlen == 0 || buf_err(out))
		return -1;
	/* Quality 5 keeps a miss fast; the bytes are sent thousands of times. */
	if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
	    n, (const uint8_t *)in, &outlen, (uint8_t *)out->p))
		return -1;
	out->len = outlen;
	return 0;
}

static void
set_etag(char *dst, size_t n, uint64_t h, const char *suffix)
{
	snprintf(dst, n, "\"%016llx%s\"", (unsigned long long)h, suffix);
}

void
cache_hole(const char *body, size_t len, size_t *at, size_t *end)
{
	const char *a, *b;

	*at = *end = 0;
	if ((a = memmem(body, len, CACHE_HOLE_OPEN,
	    sizeof(CACHE_HOLE_OPEN) - 1)) == NULL)
		return;
	if ((b = memmem(a, len - (size_t)(a - body), CACHE_HOLE_CLOSE,
	    sizeof(CACHE_HOLE_CLOSE) - 1)) == NULL)
		return;
	*at = (size_t)(a - body);
	*end = (size_t)(b - body) + sizeof(CACHE_HOLE_CLOSE) - 1;
}

/* Text, JSON and XML (pages, the API, feeds, sitemaps, calendars) shrink. */
static int
compressible(const char *ctype)
{
	size_t n = strcspn(ctype, ";");

	return strncmp(ctype, "text/", 5) == 0 ||
	    strncmp(ctype, "application/json", 16) == 0 ||
	    strncmp(ctype, "application/xml", 15) == 0 ||
	    (n >= 4 && memcmp(ctype + n - 4, "+xml", 4) == 0) ||
	    (n >= 5 && memcmp(ctype + n - 5, "+json", 5) == 0);
}

/* Builds the payload of an entry outside the lock. */
static void
payload(struct cache_entry *e, const struct cache_page *p)
{
	e->status = p->status;
	e->ctype = p->ctype;
	e->cache_control = p->cache_control;
	e->body = xstrndup(p->body, p->len);
	e->len = p->len;
	set_etag(e->etag, sizeof(e->etag), hash(p->body, p->len), "");
	cache_hole(e->body, e->len, &e->hole_at, &e->hole_end);
	e->compress = p->len >= MIN_COMPRESS && compressible(p->ctype);
	e->last_modified = wall_now();
	e->expires_at = deps.until;
	e->tags = xstrndup(deps.tags.p ? deps.tags.p : "", deps.tags.len);
	e->size = sizeof(*e) + e->keylen + deps.tags.len + e->len;
}

/*
 * Compression happens on a thread of its own, after a page is stored, so
 * a miss costs a render and not a render plus two compressions.  Until
 * its variants are ready the page goes out as it was rendered.
 */

/* Queues e for compression (taking a reference).  Lock held. */
static void
queue_compress(struct cache_entry *e)
{
	if (!qrunning || !e->compress || qlen >= QUEUE_MAX)
		return;
	atomic_fetch_add(&e->refs, 1);
	e->qnext = NULL;
	if (qtail != NULL)
		qtail->qnext = e;
	else
		qhead = e;
	qtail = e;
	qlen++;
	pthread_cond_signal(&queued);
}

/* A copy of exactly n bytes: memory counted is memory held. */
static char *
exact(struct buf *b)
{
	char *p = xrealloc(b->p, b->len + 1);

	b->p = NULL;
	buf_free(b);
	return p;
}

/*
 * Raw deflate of n bytes into out: finish (the last block) or sync flush
 * (the stream stays open, ending on a byte boundary).  0 or -1.
 */
static int
deflate_raw(const char *in, size_t n, int finish, struct buf *out)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	buf_reserve(out, out->len + deflateBound(&z, (uLong)n) + 16);
	if (buf_err(out)) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out->p + out->len;
	z.avail_out = (uInt)(out->cap - out->len - 1);
	rc = deflate(&z, finish ? Z_FINISH : Z_SYNC_FLUSH);
	out->len += z.total_out;
	deflateEnd(&z);
	return (finish ? rc == Z_STREAM_END : rc == Z_OK && z.avail_in == 0) ?
	    0 : -1;
}

/* The gzip halves around a page's hole (see struct cache_split). */
static int
make_split(const struct cache_entry *e, struct cache_split *sp)
{
	static const unsigned char gzip_header[10] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff,
	};
	struct buf head = BUF_INIT, tail = BUF_INIT;

	buf_append(&head, gzip_header, sizeof(gzip_header));
	if (deflate_raw(e->body, e->hole_at, 0, &head) != 0 ||
	    deflate_raw(e->body + e->hole_end, e->len - e->hole_end, 1,
	    &tail) != 0) {
		buf_free(&head);
		buf_free(&tail);
		return -1;
	}
	sp->headlen = head.len;
	sp->taillen = tail.len;
	sp->head = exact(&head);
	sp->tail = exact(&tail);
	sp->rawhead = e->hole_at;
	sp->rawtail = e->len - e->hole_end;
	sp->crc_head = (uint32_t)crc32(0, (const Bytef *)e->body,
	    (uInt)e->hole_at);
	sp->crc_tail = (uint32_t)crc32(0, (const Bytef *)e->body + e->hole_end,
	    (uInt)sp->rawtail);
	return 0;
}

size_t
cache_splice(const struct cache_view *v, struct buf *part, int gzip,
    struct cache_piece out[CACHE_PIECES], int *gzipped)
{
	const struct cache_split *sp = v->split;
	const char *body = v->body[ENC_IDENTITY];
	size_t len = v->len[ENC_IDENTITY], plen = part->len - CACHE_PART_ROOM;
	size_t total, i;
	unsigned char *blk, trailer[8];
	uint32_t crc;

	*gzipped = 0;
	if (sp == NULL || !gzip || plen > 65535 || buf_err(part)) {
		out[0] = (struct cache_piece){ body, v->hole_at };
		out[1] = (struct cache_piece){ part->p + CACHE_PART_ROOM, plen };
		out[2] = (struct cache_piece){ body + v->hole_end,
		    len - v->hole_end };
		return 3;
	}
	total = sp->rawhead + plen + sp->rawtail;
	blk = (unsigned char *)part->p;
	/* Byte-aligned after the head's sync flush: not final, stored. */
	blk[0] = 0;
	blk[1] = (unsigned char)(plen & 0xff);
	blk[2] = (unsigned char)(plen >> 8);
	blk[3] = (unsigned char)(~plen & 0xff);
	blk[4] = (unsigned char)((~plen >> 8) & 0xff);
	crc = (uint32_t)crc32(0, (const Bytef *)part->p + CACHE_PART_ROOM,
	    (uInt)plen);
	crc = (uint32_t)crc32_combine(sp->crc_head, crc, (z_off_t)plen);
	crc = (uint32_t)crc32_combine(crc, sp->crc_tail, (z_off_t)sp->rawtail);
	for (i = 0; i < 4; i++) {
		trailer[i] = (unsigned char)(crc >> (8 * i));
		trailer[4 + i] = (unsigned char)(total >> (8 * i));
	}
	/* The buffer may move: the pieces are taken after the append. */
	buf_append(part, trailer, sizeof(trailer));
	out[0] = (struct cache_piece){ sp->head, sp->headlen };
	out[1] = (struct cache_piece){ part->p, CACHE_PART_ROOM + plen };
	out[2] = (struct cache_piece){ sp->tail, sp->taillen };
	out[3] = (struct cache_piece){ part->p + CACHE_PART_ROOM + plen,
	    sizeof(trailer) };
	*gzipped = 1;
	return 4;
}

static struct variants *
make_variants(const struct cache_entry *e)
{
	struct variants *v = xcalloc(1, sizeof(*v));
	struct buf z = BUF_INIT, br = BUF_INIT;
	uint64_t h = hash(e->body, e->len);

	/* A compressed variant is kept only when it is smaller. */
	if (compress_gzip(e->body, e->len, &z) == 0 && z.len < e->len) {
		v->len[ENC_GZIP] = z.len;
		v->body[ENC_GZIP] = exact(&z);
		set_etag(v->etag[ENC_GZIP], sizeof(v->etag[0]), h, "-gz");
	}
	if (compress_brotli(e->body, e->len, &br) == 0 && br.len < e->len) {
		v->len[ENC_BROTLI] = br.len;
		v->body[ENC_BROTLI] = exact(&br);
		set_etag(v->etag[ENC_BROTLI], sizeof(v->etag[0]), h, "-br");
	}
	buf_free(&z);
	buf_free(&br);
	if (e->hole_end > e->hole_at)
		v->has_split = make_split(e, &v->split) == 0;
	return v;
}

static void *
compress_main(void *arg)
{
	struct cache_entry *e;
	struct variants *v;

	pthread_mutex_lock(&lock);
	for (;;) {
		while (qhead == NULL && !qstop)
			pthread_cond_wait(&queued, &lock);
		if (qstop)
			break;
		e = qhead;
		qhead = e->qnext;
		if (qhead == NULL)
			qtail = NULL;
		qlen--;
		if (!e->live) {
			pthread_mutex_unlock(&lock);
			cache_release(e);
			pthread_mutex_lock(&lock);
			continue;
		}
		pthread_mutex_unlock(&lock);
		v = make_variants(e);
		pthread_mutex_lock(&lock);
		atomic_store(&e->var, v);
		if (e->live) {
			size_t add = v->len[ENC_GZIP] + v->len[ENC_BROTLI] +
			    v->split.headlen + v->split.taillen + sizeof(*v);

			e->size += add;
			bytes += add;
			if (e->bounded) {
				bounded_bytes += add;
				bounded_trim(e);
			}
			while (bytes > max_bytes && lru_tail != NULL &&
			    lru_tail != e) {
				st.evicted++;
				entry_drop(lru_tail);
			}
		}
		pthread_mutex_unlock(&lock);
		cache_release(e);
		pthread_mutex_lock(&lock);
	}
	/* Whatever is still queued is only released. */
	while ((e = qhead) != NULL) {
		qhead = e->qnext;
		pthread_mutex_unlock(&lock);
		cache_release(e);
		pthread_mutex_lock(&lock);
	}
	qtail = NULL;
	qlen = 0;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Links e to each of its tags.  Lock held. */
static void
entry_tag(struct cache_entry *e)
{
	const char *p = e->tags, *end;
	size_t n = 0;

	for (end = p; *end != '\0'; end++)
		if (*end == ' ')
			n++;
	e->links = xcalloc(n + 1, sizeof(*e->links));
	while (*p != '\0') {
		struct tag **s, *t;
		uint64_t h;
		size_t len;

		for (end = p; *end != '\0' && *end != ' '; end++)
			;
		len = (size_t)(end - p);
		h = hash(p, len);
		for (t = *tag_slot(h); t != NULL; t = t->chain)
			if (t->hash == h && strlen(t->name) == len &&
			    memcmp(t->name, p, len) == 0)
				break;
		if (t == NULL) {
			t = xcalloc(1, sizeof(*t));
			t->name = xstrndup(p, len);
			t->hash = h;
			s = tag_slot(h);
			t->chain = *s;
			*s = t;
			if (++tags.count > tags.n)
				tags_grow();
		}
		e->links[e->nlinks].e = e;
		e->links[e->nlinks].t = t;
		e->links[e->nlinks].next = t->head;
		if (t->head != NULL)
			t->head->prev = &e->links[e->nlinks];
		t->head = &e->links[e->nlinks];
		e->nlinks++;
		p = *end == ' ' ? end + 1 : end;
	}
}

struct cache_entry *
cache_fill(const char *key, size_t keylen, const struct cache_page *p)
{
	uint64_t h = hash(key, keylen);
	struct cache_entry *e, *fresh;

	if (max_bytes == 0 || !deps.active || deps.overflow ||
	    (deps.until != 0 && deps.until <= wall_now())) {
		cache_abandon(key, keylen);
		return NULL;
	}
	fresh = xcalloc(1, sizeof(*fresh));
	fresh->keylen = keylen;
	payload(fresh, p);

	pthread_mutex_lock(&lock);
	e = entry_find(key, keylen, h);
	if (e == NULL || !e->pending || inval_seq != deps.seq0 ||
	    fresh->size > max_bytes / 4) {
		/* Invalidated (or dropped) while rendering: do not keep it. */
		if (e != NULL && e->pending)
			entry_drop(e);
		pthread_cond_broadcast(&rendered);
		pthread_mutex_unlock(&lock);
		free(fresh->key);
		fresh->key = NULL;
		atomic_init(&fresh->refs, 1);
		return fresh;	/* the caller's only reference: sent, then freed */
	}
	/* The pending entry takes the payload and becomes visible. */
	e->body = fresh->body;
	e->len = fresh->len;
	e->hole_at = fresh->hole_at;
	e->hole_end = fresh->hole_end;
	memcpy(e->etag, fresh->etag, sizeof(e->etag));
	e->compress = fresh->compress;
	e->status = fresh->status;
	e->ctype = fresh->ctype;
	e->cache_control = fresh->cache_control;
	e->last_modified = fresh->last_modified;
	e->expires_at = fresh->expires_at;
	e->tags = fresh->tags;
	e->size = fresh->size;
	free(fresh);
	entry_tag(e);
	e->pending = 0;
	bytes += e->size;
	lru_front(e);
	st.fills++;
	if (deps.bounded) {
		e->bounded = 1;
		bounded_bytes += e->size;
		blru_front(e);
		bounded_trim(e);
	}
	while (bytes > max_bytes && lru_tail != NULL && lru_tail != e) {
		st.evicted++;
		entry_drop(lru_tail);
	}
	queue_compress(e);
	atomic_fetch_add(&e->refs, 1);
	pthread_cond_broadcast(&rendered);
	pthread_mutex_unlock(&lock);
	return e;
}

void
cache_view(struct cache_entry *e, struct cache_view *v)
{
	struct variants *var = atomic_load(&e->var);
	int i;

	v->status = e->status;
	v->ctype = e->ctype;
	v->cache_control = e->cache_control;
	v->body[ENC_IDENTITY] = e->body;
	v->len[ENC_IDENTITY] = e->len;
	v->etag[ENC_IDENTITY] = e->etag;
	for (i = ENC_GZIP; i < ENC__MAX; i++) {
		v->body[i] = var != NULL ? var->body[i] : NULL;
		v->len[i] = var != NULL ? var->len[i] : 0;
		v->etag[i] = var != NULL ? var->etag[i] : NULL;
	}
	v->last_modified = e->last_modified;
	v->tags = e->tags;
	v->hole_at = e->hole_at;
	v->hole_end = e->hole_end;
	v->split = var != NULL && var->has_split ? &var->split : NULL;
}

void
cache_deps_begin(void)
{
	deps.active = 1;
	deps.frag = 0;
	deps.bounded = 0;
	deps.overflow = 0;
	deps.until = 0;
	buf_reset(&deps.tags);
	/* Clearing only the slots used keeps a request from wiping 16 KB. */
	while (deps.nseen > 0)
		deps.seen[deps.used[--deps.nseen]] = 0;
	pthread_mutex_lock(&lock);
	deps.seq0 = inval_seq;
	pthread_mutex_unlock(&lock);
}

void
cache_bounded(void)
{
	deps.bounded = 1;
}

void
cache_deps_end(void)
{
	deps.active = 0;
}

const char *
cache_deps_tags(void)
{
	return deps.tags.p != NULL ? deps.tags.p : "";
}

/* Adds a tag to the fragment being built, once. */
static void
frag_add(const char *tag, size_t n)
{
	const char *p = deps.ftags.p;

	while (p != NULL && (p = strstr(p, tag)) != NULL) {
		if ((p == deps.ftags.p || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return;
		p += n;
	}
	if (deps.ftags.len > 0)
		buf_putc(&deps.ftags, ' ');
	buf_append(&deps.ftags, tag, n);
}

void
cache_dep_str(const char *tag)
{
	size_t n = strlen(tag), i;
	uint64_t h;

	if (!deps.active || n == 0)
		return;
	if (deps.frag)
		frag_add(tag, n);
	h = hash(tag, n);
	i = h & (DEPS_SLOTS - 1);
	while (deps.seen[i] != 0) {
		if (deps.seen[i] == h)
			return;
		i = (i + 1) & (DEPS_SLOTS - 1);
	}
	/* A page with more tags than the set holds is not stored. */
	if (deps.nseen * 4 >= DEPS_SLOTS * 3) {
		deps.overflow = 1;
		return;
	}
	deps.seen[i] = h;
	deps.used[deps.nseen++] = (uint16_t)i;
	if (deps.tags.len > 0)
		buf_putc(&deps.tags, ' ');
	buf_append(&deps.tags, tag, n);
}

void
cache_dep_until(int64_t t)
{
	/*
	 * A change of state already past is in the data the page read; one
	 * due this very second may not be, so the page then is not stored.
	 */
	if (!deps.active || t < wall_now())
		return;
	if (deps.until == 0 || t < deps.until)
		deps.until = t;
	if (deps.frag && (deps.funtil == 0 || t < deps.funtil))
		deps.funtil = t;
}

/* A memo's key cannot be a request target: those start with '/'. */
static size_t
memo_key(const char *name, char *key, size_t n)
{
	return (size_t)snprintf(key, n, "#%s", name);
}

json_t *
cache_memo_get(const char *name)
{
	char key[128];
	size_t keylen = memo_key(name, key, sizeof(key));
	uint64_t h = hash(key, keylen);
	struct cache_entry *e;
	const char *p, *end;
	char tag[128];
	json_t *v;

	/* Fragments are kept even when pages are not (cache_size 0). */
	if (!deps.active || entries.b == NULL)
		return NULL;
	pthread_mutex_lock(&lock);
	e = entry_find(key, keylen, h);
	if (e == NULL || e->memo == NULL ||
	    (e->expires_at != 0 && wall_now() >= e->expires_at)) {
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	atomic_fetch_add(&e->refs, 1);
	lru_front(e);
	pthread_mutex_unlock(&lock);
	/* The page shows what the fragment shows. */
	for (p = e->tags; *p != '\0'; p = *end == ' ' ? end + 1 : end) {
		for (end = p; *end != '\0' && *end != ' '; end++)
			;
		if ((size_t)(end - p) < sizeof(tag)) {
			memcpy(tag, p, (size_t)(end - p));
			tag[end - p] = '\0';
			cache_dep_str(tag);
		}
	}
	cache_dep_until(e->expires_at);
	v = json_incref(e->memo);
	cache_release(e);
	return v;
}

void
cache_memo_begin(void)
{
	deps.frag = 1;
	deps.funtil = 0;
	buf_reset(&deps.ftags);
	pthread_mutex_lock(&lock);
	deps.fseq0 = inval_seq;
	pthread_mutex_unlock(&lock);
}

void
cache_memo_put(const char *name, json_t *v)
{
	char key[128];
	size_t keylen = memo_key(name, key, sizeof(key));
	uint64_t h = hash(key, keylen);
	struct cache_entry *e, *old, **s;

	deps.frag = 0;
	if (!deps.active || entries.b == NULL ||
	    (deps.funtil != 0 && deps.funtil <= wall_now()))
		return;
	e = xcalloc(1, sizeof(*e));
	atomic_init(&e->refs, 1);
	e->live = 1;
	e->key = xstrndup(key, keylen);
	e->keylen = keylen;
	e->hash = h;
	e->memo = json_incref(v);
	e->expires_at = deps.funtil;
	e->tags = xstrndup(deps.ftags.p ? deps.ftags.p : "", deps.ftags.len);
	/* A fragment's size in memory is not known; count a fair guess. */
	e->size = sizeof(*e) + keylen + deps.ftags.len + 8192;
	pthread_mutex_lock(&lock);
	if (inval_seq != deps.fseq0) {
		pthread_mutex_unlock(&lock);
		cache_release(e);
		return;
	}
	if ((old = entry_find(key, keylen, h)) != NULL && !old->pending)
		entry_drop(old);
	s = entry_slot(h);
	e->chain = *s;
	*s = e;
	if (++entries.count > entries.n)
		entries_grow();
	entry_tag(e);
	bytes += e->size;
	lru_front(e);
	while (bytes > (max_bytes ? max_bytes : MEMO_BUDGET) &&
	    lru_tail != NULL && lru_tail != e) {
		st.evicted++;
		entry_drop(lru_tail);
	}
	pthread_mutex_unlock(&lock);
}

void
cache_invalidate(const char *tag)
{
	size_t n = strlen(tag);
	uint64_t h = hash(tag, n);
	struct tag *t;

	pthread_mutex_lock(&lock);
	inval_seq++;
	for (t = *tag_slot(h); t != NULL; t = t->chain)
		if (t->hash == h && strcmp(t->name, tag) == 0)
			break;
	/* Dropping the last entry of a tag frees the tag itself. */
	while (t != NULL && t->head != NULL) {
		struct tag *still = t->head->next != NULL ? t : NULL;

		st.invalidated++;
		entry_drop(t->head->e);
		t = still;
	}
	pthread_mutex_unlock(&lock);
}

void
cache_invalidate_all(void)
{
	size_t i;

	pthread_mutex_lock(&lock);
	inval_seq++;
	for (i = 0; i < entries.n; i++) {
		struct cache_entry *e = entries.b[i], *next;
		for (; e != NULL; e = next) {
			next = e->chain;
			if (!e->pending) {
				st.invalidated++;
				entry_drop(e);
			}
		}
	}
	pthread_mutex_unlock(&lock);
}

void
cache_stats(struct cache_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = st;
	out->entries = entries.count;
	out->bytes = bytes;
	out->max_bytes = max_bytes;
	pthread_mutex_unlock(&lock);
}

void
cache_thread_done(void)
{
	buf_free(&deps.tags);
	buf_free(&deps.ftags);
}

void
cache_free(void)
{
	if (qrunning) {
		pthread_mutex_lock(&lock);
		qstop = 1;
		pthread_cond_signal(&queued);
		pthread_mutex_unlock(&lock);
		pthread_join(compressor, NULL);
		qrunning = 0;
	}
	cache_invalidate_all();
	pthread_mutex_lock(&lock);
	free(entries.b);
	free(tags.b);
	memset(&entries, 0, sizeof(entries));
	memset(&tags, 0, sizeof(tags));
	pthread_mutex_unlock(&lock);
	buf_free(&deps.tags);
}
