/*
 * own.h — request-owned memory: what a handler ties to its request is
 * released when the request's pool (h2o_req_t.pool) is cleared, after the
 * response has gone out, so no return path of a handler has a free to
 * forget.
 *
 * The convention, for handlers and the helpers they call:
 *
 * - A view model, a store result or any json_t the request built is
 *   given to own_json() as soon as it exists: the request then holds
 *   that reference, and the handler returns on any path without
 *   json_decref().  A store function leaves *out NULL when it fails, so
 *   owning its result right after the check of its status is enough.
 * - Adding an owned value to another object or array uses
 *   json_object_set() / json_array_append() or "O" in json_pack(),
 *   which take a reference of their own; the _new variants and "o"
 *   would steal the request's.
 * - A function that consumes its argument (page_render(), page_form(),
 *   model_article_of(); http_send_json() does not) is given
 *   json_incref() of an owned value.
 * - A buffer from own_buf() is freed with the request; http_send_buf()
 *   may still take it (it empties it, and the release frees nothing).
 * - Strings: own_strdup() copies into the pool; own_heap() frees a
 *   malloc()ed pointer with the request.
 *
 * Each owned object costs one small shared allocation of the pool.
 * Long-lived things (the site model of a thread, cached fragments) are
 * not the request's and keep their own references.
 */
#ifndef MASTHEAD_OWN_H
#define MASTHEAD_OWN_H

#include <stddef.h>
#include <jansson.h>

struct buf;
struct req;

/*
 * Takes the caller's reference to v and drops it when the request ends;
 * returns v, which stays valid until then.  NULL is returned as is.
 */
json_t	*own_json(struct req *, json_t *v);
/* A new empty buffer (max as buf_init()) freed with the request. */
struct buf *own_buf(struct req *, size_t max);
/* A NUL-terminated copy of s in the request's pool; NULL for NULL. */
char	*own_strdup(struct req *, const char *s);
/* free(p) when the request ends; returns p (NULL is returned as is). */
void	*own_heap(struct req *, void *p);

#endif
