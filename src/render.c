/*
 * render.c — the render threads (render.h).
 *
 * One queue, a mutex and a condition variable feed render_threads
 * threads.  A job is the request's copy; it goes back to the loop the
 * way work of the pool does (pool_take, pool_give_back: a message on
 * the h2o context's multithread queue wakes that loop), and the loop
 * sends the answer on the request it owns.
 *
 * Who touches what:
 *  - the loop makes the job (copying what the render reads out of the
 *    request, whose memory libh2o may free under a render: an HTTP/2
 *    stream the client resets);
 *  - the render thread alone then touches the copy and its pool, until
 *    it sends the message;
 *  - the loop alone from then on: it moves the answer's status and
 *    headers into the request and sends the body, which stays in the
 *    copy's pool; that pool is cleared when the request's own pool is
 *    (drop_held()), so the body lives as long as libh2o may read it.
 * A request that goes away while its job runs is noted by the pool,
 * and the answer is dropped when it arrives.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "fault.h"
#include "pool.h"
#include "render.h"
#include "req.h"
#include "sites.h"
#include "util.h"

struct job {
	struct task	*task;		/* the pool's: brings the job back */
	struct job	*next;		/* in the queue */
	/* The render thread's, until the job is given back. */
	h2o_req_t	 h;		/* the copy: its pool, inputs and answer */
	struct req	*r;		/* the copy's struct req, in h.pool */
	h2o_generator_t	*gen;		/* the answer, as reply.c started it */
	h2o_iovec_t	*iov;
	size_t		 n;
	int		 proceed;	/* gen streams the body itself */
	int		 responded;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct job *head, *tail;
static int stopping;
static pthread_t *threads;
static struct db **conns;
static size_t nthreads;
static void (*dispatch_fn)(struct req *);
static void (*thread_done_fn)(void);


/* The render thread's side of reply.c's send: kept for the loop. */
static void
respond(struct req *r, h2o_generator_t *gen, h2o_iovec_t *iov, size_t n,
    int proceed)
{
	struct job *j = r->hand;

	if (j->responded)
		return;
	j->responded = 1;
	j->gen = gen;
	j->proceed = proceed;
	j->n = n;
	if (n > 0) {
		j->iov = h2o_mem_alloc_pool(&j->h.pool, sizeof(*iov) * n);
		memcpy(j->iov, iov, sizeof(*iov) * n);
	}
}

static void *
render_main(void *arg)
{
	struct db *db = arg;
	struct job *j;

	/*
	 * render_nice above the loops' 0 (Linux gives each thread its own):
	 * a loop woken with a cached page to send runs before renders that
	 * fill every core.  It applies against every other process of the
	 * machine too, so it is off by default.  Best effort: at the loops'
	 * priority the renders still work.
	 */
	if (config.render_nice > 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(),
		    (int)config.render_nice);
	for (;;) {
		pthread_mutex_lock(&lock);
		while (head == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		/* A job taken before the stop is rendered: none is lost. */
		if (head == NULL) {
			pthread_mutex_unlock(&lock);
			break;
		}
		j = head;
		if ((head = j->next) == NULL)
			tail = NULL;
		pthread_mutex_unlock(&lock);

		fault_clear();
		j->r->db = db;
		dispatch_fn(j->r);
		/* From here on the job is the loop's. */
		pool_give_back(j->task);
	}
	if (thread_done_fn != NULL)
		thread_done_fn();
	return NULL;
}

/* Stops the first n threads after the jobs queued (none is dropped). */
static void
join(size_t n)
{
	size_t i;

	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	stopping = 0;
}

/* Closes the connections made and forgets the threads. */
static void
release(void)
{
	size_t i;

	for (i = 0; i < nthreads; i++)
		if (conns[i] != NULL)
			db_close(conns[i]);
	free(conns);
	free(threads);
	conns = NULL;
	threads = NULL;
	nthreads = 0;
}

int
render_start(void (*dispatch)(struct req *), void (*thread_done)(void),
    char *err, size_t errlen)
{
	long ncpu;
	size_t i;

	dispatch_fn = dispatch;
	thread_done_fn = thread_done;
	if (config.render_threads == 0)
		return 0;
	if (config.render_threads > 0)
		nthreads = (size_t)config.render_threads;
	else {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = ncpu > 0 ? 2 * (size_t)ncpu : 2;
	}
	threads = xcalloc(nthreads, sizeof(*threads));
	conns = xcalloc(nthreads, sizeof(*conns));
	/* The connections are made first, so a bad database fails start-up. */
	for (i = 0; i < nthreads; i++)
		if ((conns[i] = db_open(config.db, err, errlen)) == NULL) {
			release();
			return -1;
		}
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, render_main,
		    conns[i]) != 0) {
			snprintf(err, errlen, "cannot start a render thread");
			join(i);
			release();
			return -1;
		}
	return 0;
}

int
render_enabled(void)
{
	return nthreads > 0;
}

void
render_stop(void)
{
	join(nthreads);
	release();
}

/* Frees a job and the copy's pool, on the loop. */
static void
drop(struct job *j)
{
	h2o_mem_clear_pool(&j->h.pool);
	free(j);
}

/* The request's pool is going away: the copy's goes with it. */
static void
drop_held(void *p)
{
	drop(*(struct job **)p);
}

/*
 * On the loop thread, once the render is done (pool.h's done): sends
 * the answer it made on r, the request itself.
 */
static int
answer(struct req *r, void *arg)
{
	struct job *j = arg, **held;
	h2o_req_t *o;

	if (r == NULL || !j->responded) {
		drop(j);
		return r == NULL ? 0 : 500;
	}
	/* The body stays in the copy's pool, which goes with r's. */
	held = h2o_mem_alloc_shared(&r->h->pool, sizeof(*held), drop_held);
	*held = j;
	o = r->h;
	/* The access log and /metrics name the route the copy took. */
	r->route = j->r->route;
	o->res = j->h.res;
	h2o_start_response(o, j->gen);
	if (j->proceed)
		j->gen->proceed(j->gen, o);
	else
		h2o_send(o, j->iov, j->n, H2O_SEND_STATE_FINAL);
	return 0;
}

static h2o_iovec_t
dup_iov(h2o_mem_pool_t *pool, h2o_iovec_t v)
{
	return v.base != NULL ? h2o_strdup(pool, v.base, v.len) :
	    h2o_iovec_init(NULL, 0);
}

/* Copies the request's headers, names (but tokens) and values. */
static void
copy_headers(h2o_mem_pool_t *pool, h2o_headers_t *dst,
    const h2o_headers_t *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	if (src->size == 0)
		return;
	dst->entries = h2o_mem_alloc_pool(pool,
	    sizeof(*dst->entries) * src->size);
	dst->size = dst->capacity = src->size;
	for (i = 0; i < src->size; i++) {
		const h2o_header_t *s = &src->entries[i];
		h2o_header_t *d = &dst->entries[i];

		if (h2o_iovec_is_token(s->name))
			d->name = s->name;
		else {
			d->name = h2o_mem_alloc_pool(pool, sizeof(*d->name));
			*d->name = dup_iov(pool, *s->name);
		}
		d->orig_name = NULL;
		d->value = dup_iov(pool, s->value);
	}
}

/* Frees the copy's decoded query with the copy's pool. */
static void
dispose_query(void *p)
{
	url_query_free(*(struct url_query **)p);
}

void
render_submit(struct req *r)
{
	struct job *j = xcalloc(1, sizeof(*j));
	h2o_req_t *o = r->h, *h = &j->h;
	struct sockaddr_storage *peer;
	struct url_query **qh;
	struct req *c;

	/* The copy: what a render reads of the request, nothing of the loop's. */
	h2o_mem_init_pool(&h->pool);
	h->version = o->version;
	h->method = dup_iov(&h->pool, o->method);
	h->input.path = dup_iov(&h->pool, o->input.path);
	h->authority = dup_iov(&h->pool, o->authority);
	h->path = h->input.path;
	/* Host, which libh2o keeps apart: signed requests cover it. */
	h->authority = dup_iov(&h->pool, o->authority);
	copy_headers(&h->pool, &h->headers, &o->headers);
	h->entity = dup_iov(&h->pool, o->entity);
	h->res.content_length = SIZE_MAX;

	c = h2o_mem_alloc_pool(&h->pool, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->h = h;
	c->head = r->head;
	c->target = h2o_strdup(&h->pool, r->target, r->targetlen).base;
	c->targetlen = r->targetlen;
	c->path = h2o_strdup(&h->pool, r->path, r->pathlen).base;
	c->pathlen = r->pathlen;
	/* The decoded query moves to the copy; the request keeps none. */
	c->q = r->q;
	memset(&r->q, 0, sizeof(r->q));
	/* The site the loop found (a path prefix is gone from path). */
	c->site_known = r->site_known;
	c->site_status = r->site_status;
	if (r->site != NULL) {
		struct site *s = h2o_mem_alloc_pool(&h->pool, sizeof(*s));

		*s = *r->site;
		c->site = s;
	}
	qh = h2o_mem_alloc_shared(&h->pool, sizeof(*qh), dispose_query);
	*qh = &c->q;
	peer = h2o_mem_alloc_pool(&h->pool, sizeof(*peer));
	memset(peer, 0, sizeof(*peer));
	if (o->conn->callbacks->get_peername != NULL)
		o->conn->callbacks->get_peername(o->conn,
		    (struct sockaddr *)peer);
	c->peer = peer;
	c->respond = respond;
	c->hand = j;

	j->r = c;
	j->task = pool_take(r, answer, j);

	pthread_mutex_lock(&lock);
	if (tail != NULL)
		tail->next = j;
	else
		head = j;
	tail = j;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}
