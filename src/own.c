/*
 * own.c — ties models, buffers and strings to the request's pool (own.h).
 *
 * Each owned object is one shared chunk of libh2o's pool holding the
 * pointer, with a dispose callback that drops it; h2o_mem_clear_pool()
 * releases the chunks (newest first) before it frees the pool's own
 * memory, so a release may still read pool memory.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "req.h"
#include "own.h"

static void
dispose_json(void *p)
{
	json_decref(*(json_t **)p);
}

static void
dispose_buf(void *p)
{
	buf_free(p);
}

static void
dispose_heap(void *p)
{
	free(*(void **)p);
}

/* Links to the pool a chunk that holds p and releases it with dispose. */
static void *
own_ptr(struct req *r, void *p, void (*dispose)(void *))
{
	void **slot;

	if (p == NULL)
		return NULL;
	slot = h2o_mem_alloc_shared(&r->h->pool, sizeof(*slot), dispose);
	*slot = p;
	return p;
}

json_t *
own_json(struct req *r, json_t *v)
{
	return own_ptr(r, v, dispose_json);
}

struct buf *
own_buf(struct req *r, size_t max)
{
	struct buf *b;

	b = h2o_mem_alloc_shared(&r->h->pool, sizeof(*b), dispose_buf);
	buf_init(b, max);
	return b;
}

char *
own_strdup(struct req *r, const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	p = h2o_mem_alloc_pool(&r->h->pool, n);
	memcpy(p, s, n);
	return p;
}

void *
own_heap(struct req *r, void *p)
{
	return own_ptr(r, p, dispose_heap);
}
