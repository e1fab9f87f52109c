/*
 * cache_zip.c — the page cache's compressed variants (cache.h): gzip and
 * brotli copies of a stored page, the gzip halves around its personal
 * hole, and the splice of a reader's part between them.
 *
 * Compression happens on a thread of its own, after a page is stored, so
 * a miss costs a render and not a render plus two compressions.  Until
 * its variants are ready the page goes out as it was rendered.
 */
#include <brotli/encode.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "cache.h"
#include "cache_int.h"
#include "util.h"

#define MIN_COMPRESS	256		/* smaller bodies are sent as they are */
#define QUEUE_MAX	10000
/*
 * Brotli's quality for a page: 5 keeps up with a stream of misses; 10
 * makes pages about a tenth smaller (the demo's home page 9,416 bytes
 * against 10,581) for some twenty times the CPU (24 ms against 1.2 for
 * that page on a busy machine), so it is used when no other page waits.
 */
#define BROTLI_FAST	5
#define BROTLI_IDLE	10

/* The compression queue and its thread (see compress_main). */
static pthread_t compressor;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER;
static struct cache_entry *qhead, *qtail;
static size_t qlen;
static int qstop, qrunning;

static int
compress_gzip(const char *in, size_t n, int level, struct buf *out)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
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
compress_brotli(const char *in, size_t n, int quality, struct buf *out)
{
	size_t outlen = BrotliEncoderMaxCompressedSize(n);

	buf_reserve(out, outlen);
	if (outlen == 0 || buf_err(out))
		return -1;
	if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
	    n, (const uint8_t *)in, &outlen, (uint8_t *)out->p))
		return -1;
	out->len = outlen;
	return 0;
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

int
cache_compress(enum cache_enc enc, const char *in, size_t n, struct buf *out)
{
	/* Made once at start: the smallest each format can do. */
	if (enc == ENC_GZIP)
		return compress_gzip(in, n, 9, out);
	if (enc == ENC_BROTLI)
		return compress_brotli(in, n, BROTLI_MAX_QUALITY, out);
	return -1;
}

/* Text, JSON and XML (pages, the API, feeds, sitemaps, calendars) shrink. */
int
cache_zip_worth(const char *ctype, size_t len)
{
	size_t n = strcspn(ctype, ";");

	return len >= MIN_COMPRESS && (strncmp(ctype, "text/", 5) == 0 ||
	    strncmp(ctype, "application/json", 16) == 0 ||
	    strncmp(ctype, "application/xml", 15) == 0 ||
	    (n >= 4 && memcmp(ctype + n - 4, "+xml", 4) == 0) ||
	    (n >= 5 && memcmp(ctype + n - 5, "+json", 5) == 0));
}

void
cache_zip_queue(struct cache_entry *e)
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
make_variants(const struct cache_entry *e, int quality)
{
	struct variants *v = xcalloc(1, sizeof(*v));
	struct buf z = BUF_INIT, br = BUF_INIT;
	uint64_t h = cache_hash(e->body, e->len);

	/* A compressed variant is kept only when it is smaller. */
	/*
	 * Levels that keep a miss fast (brotli 5, or 10 when nothing else
	 * waits); the bytes are sent thousands of times.
	 */
	if (compress_gzip(e->body, e->len, 6, &z) == 0 && z.len < e->len) {
		v->len[ENC_GZIP] = z.len;
		v->body[ENC_GZIP] = exact(&z);
		cache_etag(v->etag[ENC_GZIP], sizeof(v->etag[0]), h, "-gz");
	}
	if (compress_brotli(e->body, e->len, quality, &br) == 0 &&
	    br.len < e->len) {
		v->len[ENC_BROTLI] = br.len;
		v->body[ENC_BROTLI] = exact(&br);
		cache_etag(v->etag[ENC_BROTLI], sizeof(v->etag[0]), h, "-br");
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
	int quality;

	pthread_mutex_lock(&cache_lock);
	for (;;) {
		while (qhead == NULL && !qstop)
			pthread_cond_wait(&queued, &cache_lock);
		if (qstop)
			break;
		e = qhead;
		qhead = e->qnext;
		if (qhead == NULL)
			qtail = NULL;
		qlen--;
		if (!e->live) {
			pthread_mutex_unlock(&cache_lock);
			cache_release(e);
			pthread_mutex_lock(&cache_lock);
			continue;
		}
		quality = qhead == NULL ? BROTLI_IDLE : BROTLI_FAST;
		pthread_mutex_unlock(&cache_lock);
		v = make_variants(e, quality);
		pthread_mutex_lock(&cache_lock);
		atomic_store(&e->var, v);
		if (e->live) {
			size_t add = v->len[ENC_GZIP] + v->len[ENC_BROTLI] +
			    v->split.headlen + v->split.taillen + sizeof(*v);

			cache_grew(e, add);
		}
		pthread_mutex_unlock(&cache_lock);
		cache_release(e);
		pthread_mutex_lock(&cache_lock);
	}
	/* Whatever is still queued is only released. */
	while ((e = qhead) != NULL) {
		qhead = e->qnext;
		pthread_mutex_unlock(&cache_lock);
		cache_release(e);
		pthread_mutex_lock(&cache_lock);
	}
	qtail = NULL;
	qlen = 0;
	pthread_mutex_unlock(&cache_lock);
	return NULL;
}

void
cache_zip_start(void)
{
	qstop = 0;
	if (pthread_create(&compressor, NULL, compress_main, NULL) == 0)
		qrunning = 1;
}

void
cache_zip_stop(void)
{
	if (!qrunning)
		return;
	pthread_mutex_lock(&cache_lock);
	qstop = 1;
	pthread_cond_signal(&queued);
	pthread_mutex_unlock(&cache_lock);
	pthread_join(compressor, NULL);
	qrunning = 0;
}

void
cache_variants_free(struct variants *v)
{
	int i;

	if (v == NULL)
		return;
	for (i = 0; i < ENC__MAX; i++)
		free(v->body[i]);
	free((void *)v->split.head);
	free((void *)v->split.tail);
	free(v);
}
