/*
 * cache_tags.c — the page cache's dependency tracking (cache.h): what
 * the page a thread renders depends on (the tags it declares, the time
 * it must be rendered again), the table of tags, each linking the
 * entries that carry it, and invalidation, which drops them.
 *
 * A page that rendered while any invalidation happened is not stored
 * (cache.c compares cache_inval_seq): it may have read data from before
 * the write whose invalidation it missed.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "cache_int.h"
#include "util.h"

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

_Thread_local struct cache_deps cache_deps;
uint64_t cache_inval_seq;
static struct cache_table tags;

void
cache_tags_init(void)
{
	cache_table_init(&tags, 4096);
}

void
cache_tags_free(void)
{
	free(tags.b);
	memset(&tags, 0, sizeof(tags));
}

static struct tag **
tag_slot(uint64_t h)
{
	return (struct tag **)&tags.b[h & (tags.n - 1)];
}

static void
tags_grow(void)
{
	void **old = tags.b;
	size_t oldn = tags.n, i;

	cache_table_init(&tags, oldn * 2);
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

void
cache_entry_untag(struct cache_entry *e)
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

void
cache_entry_tag(struct cache_entry *e)
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
		h = cache_hash(p, len);
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

void
cache_deps_begin(void)
{
	cache_deps.active = 1;
	cache_deps.frag = 0;
	cache_deps.bounded = 0;
	cache_deps.overflow = 0;
	cache_deps.until = 0;
	buf_reset(&cache_deps.tags);
	/* Clearing only the slots used keeps a request from wiping 16 KB. */
	while (cache_deps.nseen > 0)
		cache_deps.seen[cache_deps.used[--cache_deps.nseen]] = 0;
	pthread_mutex_lock(&cache_lock);
	cache_deps.seq0 = cache_inval_seq;
	pthread_mutex_unlock(&cache_lock);
}

void
cache_bounded(void)
{
	cache_deps.bounded = 1;
}

void
cache_deps_end(void)
{
	cache_deps.active = 0;
}

const char *
cache_deps_tags(void)
{
	return cache_deps.tags.p != NULL ? cache_deps.tags.p : "";
}

/* Adds a tag to the fragment being built, once. */
static void
frag_add(const char *tag, size_t n)
{
	const char *p = cache_deps.ftags.p;

	while (p != NULL && (p = strstr(p, tag)) != NULL) {
		if ((p == cache_deps.ftags.p || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return;
		p += n;
	}
	if (cache_deps.ftags.len > 0)
		buf_putc(&cache_deps.ftags, ' ');
	buf_append(&cache_deps.ftags, tag, n);
}

void
cache_dep_str(const char *tag)
{
	size_t n = strlen(tag);

	if (!cache_deps.active || n == 0)
		return;
	if (cache_deps.frag)
		frag_add(tag, n);
	cache_dep_page(tag, n);
}

void
cache_dep_page(const char *tag, size_t n)
{
	if (!cache_deps.active || n == 0)
		return;
	cache_dep_hashed(tag, n, cache_hash(tag, n));
}

void
cache_dep_hashed(const char *tag, size_t n, uint64_t h)
{
	size_t i;

	if (!cache_deps.active || n == 0)
		return;
	i = h & (DEPS_SLOTS - 1);
	while (cache_deps.seen[i] != 0) {
		if (cache_deps.seen[i] == h)
			return;
		i = (i + 1) & (DEPS_SLOTS - 1);
	}
	/* A page with more tags than the set holds is not stored. */
	if (cache_deps.nseen * 4 >= DEPS_SLOTS * 3) {
		cache_deps.overflow = 1;
		return;
	}
	cache_deps.seen[i] = h;
	cache_deps.used[cache_deps.nseen++] = (uint16_t)i;
	/* buf_append() is inline: a home page adds some 400 tags. */
	if (cache_deps.tags.len > 0)
		buf_append(&cache_deps.tags, " ", 1);
	buf_append(&cache_deps.tags, tag, n);
}

void
cache_dep_until(int64_t t)
{
	/*
	 * A change of state already past is in the data the page read; one
	 * due this very second may not be, so the page then is not stored.
	 */
	if (!cache_deps.active || t < now_unix())
		return;
	if (cache_deps.until == 0 || t < cache_deps.until)
		cache_deps.until = t;
	if (cache_deps.frag && (cache_deps.funtil == 0 || t < cache_deps.funtil))
		cache_deps.funtil = t;
}

void
cache_invalidate(const char *tag)
{
	size_t n = strlen(tag);
	uint64_t h = cache_hash(tag, n);
	struct tag *t;

	pthread_mutex_lock(&cache_lock);
	cache_inval_seq++;
	for (t = *tag_slot(h); t != NULL; t = t->chain)
		if (t->hash == h && strcmp(t->name, tag) == 0)
			break;
	/* Dropping the last entry of a tag frees the tag itself. */
	while (t != NULL && t->head != NULL) {
		struct tag *still = t->head->next != NULL ? t : NULL;

		cache_st.invalidated++;
		cache_entry_drop(t->head->e);
		t = still;
	}
	pthread_mutex_unlock(&cache_lock);
}

void
cache_invalidate_all(void)
{
	pthread_mutex_lock(&cache_lock);
	cache_inval_seq++;
	cache_st.invalidated += cache_drop_all();
	pthread_mutex_unlock(&cache_lock);
}

void
cache_thread_done(void)
{
	buf_free(&cache_deps.tags);
	buf_free(&cache_deps.ftags);
}
