/*
 * render.c — the render threads (render.h).
 *
 * One queue, a mutex and a condition variable feed render_threads
 * threads.  A job is the request's copy and the message that carries
 * its answer back: a render thread sends it to the receiver its loop
 * registered on the h2o context's multithread queue, which wakes that
 * loop, and the loop sends the answer on the request it owns.
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
 *    (forget()), so the body lives as long as libh2o may read it.
 * A request that goes away while its job runs only clears the job's
 * pointer to it, and the answer is dropped when it arrives.
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
#include "render.h"
#include "req.h"
#include "util.h"

struct loop {
	h2o_multithread_receiver_t rx;
	h2o_context_t	*ctx;
	int		 pending;	/* jobs handed over, not answered */
	void		(*error)(struct req *, int status);
};

struct job {
	h2o_multithread_message_t msg;	/* first: a job is its message */
	struct loop	*loop;
	h2o_req_t	*orig;		/* the loop's; NULL once it is gone */
	struct req	*orig_r;	/* the loop's struct req of orig */
	int		 answered;	/* sent: orig's pool now clears the copy */
	struct job	*next;		/* in the queue */
	/* The render thread's, until the message is sent. */
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

static _Thread_local struct loop *here;

/*
 * The render threads' nice value, above the loops' (Linux gives each
 * thread its own): a loop woken with a cached page to send runs before
 * them, so renders that fill every core do not delay it.  Renders get
 * the cores the loops leave.
 */
#define RENDER_NICE	10

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

	/* Best effort: at the loops' priority the renders still work. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), RENDER_NICE);
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
		h2o_multithread_send_message(&j->loop->rx, &j->msg);
	}
	if (thread_done_fn != NULL)
		thread_done_fn();
	return NULL;
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
		if ((conns[i] = db_open(config.db, err, errlen)) == NULL)
			goto fail;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, render_main,
		    conns[i]) != 0) {
			snprintf(err, errlen, "cannot start a render thread");
			nthreads = i;
			render_stop();
			return -1;
		}
	return 0;
fail:
	for (i = 0; i < nthreads; i++)
		if (conns[i] != NULL)
			db_close(conns[i]);
	free(conns);
	free(threads);
	conns = NULL;
	threads = NULL;
	nthreads = 0;
	return -1;
}

int
render_enabled(void)
{
	return nthreads > 0;
}

void
render_stop(void)
{
	size_t i;

	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < nthreads; i++)
		db_close(conns[i]);
	free(conns);
	free(threads);
	conns = NULL;
	threads = NULL;
	nthreads = 0;
	stopping = 0;
}

/* The request's pool is going away (on its loop). */
static void
forget(void *p)
{
	struct job *j = *(struct job **)p;

	if (j == NULL)
		return;
	if (!j->answered) {
		/* Still rendering: the answer is dropped when it comes. */
		j->orig = NULL;
		return;
	}
	h2o_mem_clear_pool(&j->h.pool);
	free(j);
}

/* On the loop thread: the answers of finished renders. */
static void
on_answers(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
	struct loop *l = (struct loop *)rx;

	while (!h2o_linklist_is_empty(messages)) {
		struct job *j = (struct job *)H2O_STRUCT_FROM_MEMBER(
		    h2o_multithread_message_t, link, messages->next);
		h2o_req_t *o = j->orig;

		h2o_linklist_unlink(&j->msg.link);
		l->pending--;
		if (o == NULL) {
			h2o_mem_clear_pool(&j->h.pool);
			free(j);
			continue;
		}
		/* After this point the job is freed with o's pool. */
		j->answered = 1;
		if (!j->responded) {
			fault_clear();
			l->error(j->orig_r, 500);
			continue;
		}
		o->res = j->h.res;
		h2o_start_response(o, j->gen);
		if (j->proceed)
			j->gen->proceed(j->gen, o);
		else
			h2o_send(o, j->iov, j->n, H2O_SEND_STATE_FINAL);
	}
}

void
render_loop_attach(h2o_context_t *ctx, void (*error)(struct req *, int))
{
	here = xcalloc(1, sizeof(*here));
	here->ctx = ctx;
	here->error = error;
	h2o_multithread_register_receiver(ctx->queue, &here->rx, on_answers);
}

int
render_loop_pending(void)
{
	return here != NULL ? here->pending : 0;
}

void
render_loop_detach(void)
{
	if (here == NULL)
		return;
	h2o_multithread_unregister_receiver(here->ctx->queue, &here->rx);
	free(here);
	here = NULL;
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
	struct job **holder;
	struct req *c;

	/* The copy: what a render reads of the request, nothing of the loop's. */
	h2o_mem_init_pool(&h->pool);
	h->version = o->version;
	h->method = dup_iov(&h->pool, o->method);
	h->input.path = dup_iov(&h->pool, o->input.path);
	h->path = h->input.path;
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
	j->orig = o;
	j->orig_r = r;
	j->loop = here;
	holder = h2o_mem_alloc_shared(&o->pool, sizeof(*holder), forget);
	*holder = j;
	here->pending++;

	pthread_mutex_lock(&lock);
	if (tail != NULL)
		tail->next = j;
	else
		head = j;
	tail = j;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}
