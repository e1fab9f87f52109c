/*
 * cache.c — the page cache's table (cache.h): entries keyed by request
 * target, a least-recently-used list for the memory bound (and one for
 * the readers' share of it), lookups that let one thread render a page
 * while the others wait, fills, and the fragments of view models.
 *
 * The tags an entry carries and their invalidation are in cache_tags.c,
 * its compressed variants in cache_zip.c; cache_int.h is what the three
 * share.  A single mutex guards them all; it is held for lookups and
 * bookkeeping only, never while rendering or compressing.
 */
#include <jansson.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "cache_int.h"
#include "util.h"
#include "view.h"

#define WAIT_USEC	2000000		/* how long a request waits for another's render */
#define MEMO_BUDGET	(16u << 20)	/* fragments kept when pages are not */

/*
 * Every hit on the event loops takes this lock for a few dozen
 * nanoseconds.  A plain mutex puts a loop to sleep in the kernel the
 * moment the other loop holds it, and a loop that sleeps may wait a
 * whole time slice of another process to run again, with every one of
 * its connections: an adaptive one spins a little first, which is all
 * such a short hold needs.
 */
pthread_mutex_t cache_lock = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
struct cache_stats cache_st;
static pthread_cond_t rendered = PTHREAD_COND_INITIALIZER;
static struct cache_table entries;
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

uint64_t
cache_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h | 1;	/* never 0: 0 marks an empty slot in the dedupe set */
}

void
cache_table_init(struct cache_table *t, size_t n)
{
	t->b = xcalloc(n, sizeof(void *));
	t->n = n;
	t->count = 0;
}

void
cache_init(size_t max)
{
	max_bytes = max;
	cache_table_init(&entries, 1024);
	cache_tags_init();
	if (max > 0)
		cache_zip_start();
}

/* Entries chain through their chain field (struct cache_table). */
static struct cache_entry **
entry_slot(uint64_t h)
{
	return (struct cache_entry **)&entries.b[h & (entries.n - 1)];
}

static void
entries_grow(void)
{
	void **old = entries.b;
	size_t oldn = entries.n, i;

	cache_table_init(&entries, oldn * 2);
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
	cache_variants_free(atomic_load(&e->var));
	free(e->body);
	free(e->key);
	free(e->tags);
	free(e->links);
	free(e->mtags);
	json_decref(e->memo);
	free(e);
}

void
cache_release(struct cache_entry *e)
{
	if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1)
		entry_free(e);
}

void
cache_entry_drop(struct cache_entry *e)
{
	struct cache_entry **s;

	for (s = entry_slot(e->hash); *s != e; s = &(*s)->chain)
		;
	*s = e->chain;
	entries.count--;
	lru_unlink(e);
	cache_entry_untag(e);
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
		cache_st.evicted++;
		cache_entry_drop(blru_tail);
	}
}

void
cache_grew(struct cache_entry *e, size_t add)
{
	e->size += add;
	bytes += add;
	if (e->bounded) {
		bounded_bytes += add;
		bounded_trim(e);
	}
	while (bytes > max_bytes && lru_tail != NULL && lru_tail != e) {
		cache_st.evicted++;
		cache_entry_drop(lru_tail);
	}
}

uint64_t
cache_drop_all(void)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < entries.n; i++) {
		struct cache_entry *e = entries.b[i], *next;
		for (; e != NULL; e = next) {
			next = e->chain;
			if (!e->pending) {
				n++;
				cache_entry_drop(e);
			}
		}
	}
	return n;
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

/* A hit on e, under the lock: a reference for the caller; unlocks. */
static enum cache_lookup
hit(struct cache_entry *e, struct cache_entry **out)
{
	atomic_fetch_add(&e->refs, 1);
	/* The page asked for again and again is at the front already. */
	if (lru_head != e)
		lru_front(e);
	if (e->bounded && blru_head != e)
		blru_front(e);
	cache_st.hits++;
	pthread_mutex_unlock(&cache_lock);
	*out = e;
	return CACHE_HIT;
}

enum cache_lookup
cache_peek(const char *key, size_t keylen, struct cache_entry **out)
{
	uint64_t h = cache_hash(key, keylen);
	struct cache_entry *e;

	*out = NULL;
	if (max_bytes == 0)
		return CACHE_BYPASS;
	pthread_mutex_lock(&cache_lock);
	e = entry_find(key, keylen, h);
	if (e == NULL || e->pending || (e->expires_at != 0 &&
	    now_unix() >= e->expires_at)) {
		/* cache_lookup, on a render thread, counts the miss. */
		pthread_mutex_unlock(&cache_lock);
		return CACHE_RENDER;
	}
	return hit(e, out);
}

enum cache_lookup
cache_lookup(const char *key, size_t keylen, struct cache_entry **out)
{
	uint64_t h = cache_hash(key, keylen);
	struct cache_entry *e;
	struct timespec ts;
	int waited = 0;

	*out = NULL;
	if (max_bytes == 0)
		return CACHE_BYPASS;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_USEC / 1000000;
	pthread_mutex_lock(&cache_lock);
	for (;;) {
		e = entry_find(key, keylen, h);
		if (e != NULL && !e->pending && e->expires_at != 0 &&
		    now_unix() >= e->expires_at) {
			cache_st.expired++;
			cache_entry_drop(e);
			e = NULL;
		}
		if (e == NULL) {
			entry_reserve(key, keylen, h);
			cache_st.misses++;
			pthread_mutex_unlock(&cache_lock);
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
			cache_st.waits++;
		if (pthread_cond_timedwait(&rendered, &cache_lock, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&cache_lock);
			return CACHE_BYPASS;
		}
	}
	return hit(e, out);
}

void
cache_abandon(const char *key, size_t keylen)
{
	uint64_t h = cache_hash(key, keylen);
	struct cache_entry *e;

	pthread_mutex_lock(&cache_lock);
	if ((e = entry_find(key, keylen, h)) != NULL && e->pending)
		cache_entry_drop(e);
	pthread_cond_broadcast(&rendered);
	pthread_mutex_unlock(&cache_lock);
}

void
cache_etag(char *dst, size_t n, uint64_t h, const char *suffix)
{
	snprintf(dst, n, "\"%016llx%s\"", (unsigned long long)h, suffix);
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
	cache_etag(e->etag, sizeof(e->etag), cache_hash(p->body, p->len), "");
	cache_hole(e->body, e->len, &e->hole_at, &e->hole_end);
	e->compress = cache_zip_worth(p->ctype, p->len);
	e->last_modified = now_unix();
	/* Formatted once here, not on every hit. */
	view_fmt_http(e->last_modified, e->last_modified_http,
	    sizeof(e->last_modified_http));
	e->expires_at = cache_deps.until;
	e->tags = xstrndup(cache_deps.tags.p ? cache_deps.tags.p : "",
	    cache_deps.tags.len);
	e->tagslen = strlen(e->tags);
	e->size = sizeof(*e) + e->keylen + cache_deps.tags.len + e->len;
}

struct cache_entry *
cache_fill(const char *key, size_t keylen, const struct cache_page *p)
{
	uint64_t h = cache_hash(key, keylen);
	struct cache_entry *e, *fresh;

	if (max_bytes == 0 || !cache_deps.active || cache_deps.overflow ||
	    (cache_deps.until != 0 && cache_deps.until <= now_unix())) {
		cache_abandon(key, keylen);
		return NULL;
	}
	fresh = xcalloc(1, sizeof(*fresh));
	fresh->keylen = keylen;
	payload(fresh, p);

	pthread_mutex_lock(&cache_lock);
	e = entry_find(key, keylen, h);
	if (e == NULL || !e->pending || cache_inval_seq != cache_deps.seq0 ||
	    fresh->size > max_bytes / 4) {
		/* Invalidated (or dropped) while rendering: do not keep it. */
		if (e != NULL && e->pending)
			cache_entry_drop(e);
		pthread_cond_broadcast(&rendered);
		pthread_mutex_unlock(&cache_lock);
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
	memcpy(e->last_modified_http, fresh->last_modified_http,
	    sizeof(e->last_modified_http));
	e->expires_at = fresh->expires_at;
	e->tags = fresh->tags;
	e->tagslen = fresh->tagslen;
	e->size = fresh->size;
	free(fresh);
	cache_entry_tag(e);
	e->pending = 0;
	bytes += e->size;
	lru_front(e);
	cache_st.fills++;
	if (cache_deps.bounded) {
		e->bounded = 1;
		bounded_bytes += e->size;
		blru_front(e);
		bounded_trim(e);
	}
	while (bytes > max_bytes && lru_tail != NULL && lru_tail != e) {
		cache_st.evicted++;
		cache_entry_drop(lru_tail);
	}
	cache_zip_queue(e);
	atomic_fetch_add(&e->refs, 1);
	pthread_cond_broadcast(&rendered);
	pthread_mutex_unlock(&cache_lock);
	return e;
}

void
cache_tags_checked(struct cache_entry *e)
{
	atomic_store_explicit(&e->tags_checked, 1, memory_order_relaxed);
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
	v->last_modified_http = e->last_modified_http[0] != '\0' ?
	    e->last_modified_http : NULL;
	v->expires_at = e->expires_at;
	v->tags = e->tags;
	v->tags_len = e->tagslen;
	v->tags_checked = atomic_load_explicit(&e->tags_checked,
	    memory_order_relaxed);
	v->hole_at = e->hole_at;
	v->hole_end = e->hole_end;
	v->split = var != NULL && var->has_split ? &var->split : NULL;
}

/*
 * About the memory a fragment's JSON tree takes (jansson's nodes and
 * their strings), for the cache's bound: a story list's fragment holds
 * tens of stories and is far from the size of a small one.  Walked once,
 * when the fragment is kept.
 */
static size_t
memo_size(json_t *v)
{
	const char *k;
	json_t *x;
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = 64;
		json_object_foreach(v, k, x)
			n += 48 + strlen(k) + memo_size(x);
		return n;
	case JSON_ARRAY:
		n = 64;
		json_array_foreach(v, i, x)
			n += 8 + memo_size(x);
		return n;
	case JSON_STRING:
		return 48 + json_string_length(v);
	default:
		return 32;
	}
}

/* A memo's key cannot be a request target: those start with '/'. */
static size_t
memo_key(const char *name, char *key, size_t n)
{
	size_t len = strlen(name);

	/* A name too long for the key is cut, as a key's length never is. */
	if (len > n - 2)
		len = n - 2;
	key[0] = '#';
	memcpy(key + 1, name, len);
	key[len + 1] = '\0';
	return len + 1;
}

/* The live fragment kept under name, with a reference; NULL when none. */
static struct cache_entry *
memo_find(const char *name, int touch)
{
	char key[128];
	size_t keylen = memo_key(name, key, sizeof(key));
	uint64_t h = cache_hash(key, keylen);
	struct cache_entry *e;

	/* Fragments are kept even when pages are not (cache_size 0). */
	if (!cache_deps.active || entries.b == NULL)
		return NULL;
	pthread_mutex_lock(&cache_lock);
	e = entry_find(key, keylen, h);
	if (e == NULL || e->memo == NULL ||
	    (e->expires_at != 0 && now_unix() >= e->expires_at)) {
		pthread_mutex_unlock(&cache_lock);
		return NULL;
	}
	atomic_fetch_add(&e->refs, 1);
	if (touch)
		lru_front(e);
	pthread_mutex_unlock(&cache_lock);
	return e;
}

json_t *
cache_memo_peek(const char *name)
{
	struct cache_entry *e;
	json_t *v;

	if ((e = memo_find(name, 0)) == NULL)
		return NULL;
	v = json_incref(e->memo);
	cache_release(e);
	return v;
}

json_t *
cache_memo_get(const char *name)
{
	struct cache_entry *e;
	const struct memo_tag *t;
	char tag[128];
	size_t i;
	json_t *v;

	if ((e = memo_find(name, 1)) == NULL)
		return NULL;
	/* The page shows what the fragment shows. */
	for (i = 0; i < e->nmtags; i++) {
		t = &e->mtags[i];
		/* A page's tags need no copy; a fragment's are C strings. */
		if (!cache_deps.frag)
			cache_dep_hashed(e->tags + t->off, t->len, t->hash);
		else if (t->len < sizeof(tag)) {
			memcpy(tag, e->tags + t->off, t->len);
			tag[t->len] = '\0';
			cache_dep_str(tag);
		}
	}
	cache_dep_until(e->expires_at);
	v = json_incref(e->memo);
	cache_release(e);
	return v;
}

/* Splits and hashes a new fragment's tags once, for every page that reads it. */
static void
memo_split_tags(struct cache_entry *e)
{
	const char *p, *end;
	size_t n = 0;

	for (p = e->tags; *p != '\0'; p++)
		if (p == e->tags || p[-1] == ' ')
			n++;
	e->mtags = n > 0 ? xcalloc(n, sizeof(*e->mtags)) : NULL;
	for (p = e->tags; *p != '\0'; p = *end == ' ' ? end + 1 : end) {
		for (end = p; *end != '\0' && *end != ' '; end++)
			;
		if (end == p)
			continue;
		e->mtags[e->nmtags].off = (uint32_t)(p - e->tags);
		e->mtags[e->nmtags].len = (uint32_t)(end - p);
		e->mtags[e->nmtags].hash = cache_hash(p, (size_t)(end - p));
		e->nmtags++;
	}
}

void
cache_memo_begin(void)
{
	cache_deps.frag = 1;
	cache_deps.funtil = 0;
	buf_reset(&cache_deps.ftags);
	/*
	 * The fragment reads in the page's transaction, whose snapshot may
	 * be older than this call (SQLite's is taken at its first read): an
	 * invalidation since the page began may be one the rows it reads
	 * missed, so it counts from there, as the page's own does.
	 */
	cache_deps.fseq0 = cache_deps.seq0;
}

void
cache_memo_put(const char *name, json_t *v)
{
	char key[128];
	size_t keylen = memo_key(name, key, sizeof(key));
	uint64_t h = cache_hash(key, keylen);
	struct cache_entry *e, *old, **s;

	cache_deps.frag = 0;
	if (!cache_deps.active || entries.b == NULL ||
	    (cache_deps.funtil != 0 && cache_deps.funtil <= now_unix()))
		return;
	e = xcalloc(1, sizeof(*e));
	atomic_init(&e->refs, 1);
	e->live = 1;
	e->key = xstrndup(key, keylen);
	e->keylen = keylen;
	e->hash = h;
	e->memo = json_incref(v);
	e->expires_at = cache_deps.funtil;
	e->tags = xstrndup(cache_deps.ftags.p ? cache_deps.ftags.p : "",
	    cache_deps.ftags.len);
	memo_split_tags(e);
	e->size = sizeof(*e) + keylen + cache_deps.ftags.len +
	    e->nmtags * sizeof(*e->mtags) + memo_size(v);
	pthread_mutex_lock(&cache_lock);
	if (cache_inval_seq != cache_deps.fseq0) {
		pthread_mutex_unlock(&cache_lock);
		cache_release(e);
		return;
	}
	if ((old = entry_find(key, keylen, h)) != NULL && !old->pending)
		cache_entry_drop(old);
	s = entry_slot(h);
	e->chain = *s;
	*s = e;
	if (++entries.count > entries.n)
		entries_grow();
	cache_entry_tag(e);
	bytes += e->size;
	lru_front(e);
	while (bytes > (max_bytes ? max_bytes : MEMO_BUDGET) &&
	    lru_tail != NULL && lru_tail != e) {
		cache_st.evicted++;
		cache_entry_drop(lru_tail);
	}
	pthread_mutex_unlock(&cache_lock);
}

void
cache_stats(struct cache_stats *out)
{
	pthread_mutex_lock(&cache_lock);
	*out = cache_st;
	out->entries = entries.count;
	out->bytes = bytes;
	out->max_bytes = max_bytes;
	pthread_mutex_unlock(&cache_lock);
}

void
cache_free(void)
{
	cache_zip_stop();
	cache_invalidate_all();
	pthread_mutex_lock(&cache_lock);
	free(entries.b);
	memset(&entries, 0, sizeof(entries));
	cache_tags_free();
	pthread_mutex_unlock(&cache_lock);
	buf_free(&cache_deps.tags);
}
