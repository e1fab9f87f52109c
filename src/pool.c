/*
 * pool.c — the bounded pool of threads that does slow work off the
 * event loops (pool.h).
 *
 * One queue, a mutex and a condition variable feed work_threads threads;
 * each task is also the message that carries it back: a pool thread
 * sends it to the receiver its loop registered on the h2o context's
 * multithread queue, which wakes that loop (h2o writes to the loop's
 * wake-up pipe), and the loop runs the task's done function.  Only the
 * loop thread ever touches the request, and it is the one that frees
 * the task, so a request that goes away while its work runs (HTTP/2
 * stream reset) only clears the task's pointer to it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "fault.h"
#include "hook.h"
#include "req.h"
#include "pool.h"
#include "util.h"

/* Seconds a client is asked to wait when the queue is full. */
#define FULL_RETRY_AFTER	"2"

struct loop {
	h2o_multithread_receiver_t rx;
	h2o_context_t	*ctx;
	int		 pending;	/* tasks handed over, not answered */
	void		(*error)(struct req *, int status);
};

struct task {
	h2o_multithread_message_t msg;	/* first: a task is its message */
	struct loop	*loop;
	struct req	*r;		/* NULL once the request is gone */
	struct task	**holder;	/* in the request's pool, points here */
	pool_work_fn	 work;
	pool_done_fn	 done;
	void		*arg;
	struct task	*next;		/* in the queue */
	char		 fault[FAULT_MAX];	/* what the work's storage said */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct task *head, *tail;	/* queued, not started */
static size_t queued;
/*
 * Tasks taken and not yet done, queued or running.  The pool takes at
 * most work_threads + work_queue: counting the queue alone would refuse
 * a second task that arrives before a free thread has dequeued the first,
 * which depends on the scheduler, not on the load.
 */
static size_t held;
static int stopping;
static pthread_t *threads;
static struct db **conns;
static size_t nthreads;

static _Thread_local struct loop *here;
static struct hooks end_hooks;

void
pool_on_thread_end(void (*fn)(void))
{
	hook_add(&end_hooks, fn);
}

static void *
pool_main(void *arg)
{
	struct db *db = arg;
	struct task *t;

	for (;;) {
		pthread_mutex_lock(&lock);
		while (head == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (stopping) {
			pthread_mutex_unlock(&lock);
			break;
		}
		t = head;
		if ((head = t->next) == NULL)
			tail = NULL;
		queued--;
		pthread_mutex_unlock(&lock);

		fault_clear();
		t->work(db, t->arg);
		strlcpy_(t->fault, fault_last(), sizeof(t->fault));
		pthread_mutex_lock(&lock);
		held--;
		pthread_mutex_unlock(&lock);
		/* From here on the task is the loop's. */
		h2o_multithread_send_message(&t->loop->rx, &t->msg);
	}
	hook_run(&end_hooks);
	return NULL;
}

int
pool_start(char *err, size_t errlen)
{
	size_t i;

	nthreads = (size_t)config.work_threads;
	threads = xcalloc(nthreads, sizeof(*threads));
	conns = xcalloc(nthreads, sizeof(*conns));
	/* The connections are made first, so a bad database fails start-up. */
	for (i = 0; i < nthreads; i++)
		if ((conns[i] = db_open(config.db, err, errlen)) == NULL)
			goto fail;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, pool_main, conns[i]) != 0) {
			snprintf(err, errlen, "cannot start a pool thread");
			nthreads = i;
			pool_stop();
			return -1;
		}
	return 0;
fail:
	for (i = 0; i < nthreads; i++)
		db_close(conns[i]);
	free(conns);
	free(threads);
	conns = NULL;
	threads = NULL;
	nthreads = 0;
	return -1;
}

void
pool_stop(void)
{
	struct task *t;
	size_t i;

	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	/*
	 * The loops have ended: what still waits belongs to requests that
	 * will never be answered, and was never acknowledged.
	 */
	while ((t = head) != NULL) {
		head = t->next;
		t->done(NULL, t->arg);
		free(t);
	}
	tail = NULL;
	queued = 0;
	held = 0;
	for (i = 0; i < nthreads; i++)
		db_close(conns[i]);
	free(conns);
	free(threads);
	conns = NULL;
	threads = NULL;
	nthreads = 0;
}

/* On the loop thread: the answers of finished tasks. */
static void
on_answers(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
	struct loop *l = (struct loop *)rx;

	while (!h2o_linklist_is_empty(messages)) {
		struct task *t = (struct task *)H2O_STRUCT_FROM_MEMBER(
		    h2o_multithread_message_t, link, messages->next);
		int status;

		h2o_linklist_unlink(&t->msg.link);
		l->pending--;
		/* The cause of a failure is the work's, for the log line. */
		fault_clear();
		if (t->fault[0] != '\0')
			fault_note("%s", t->fault);
		if (t->r == NULL) {
			t->done(NULL, t->arg);
			free(t);
			continue;
		}
		*t->holder = NULL;
		if ((status = t->done(t->r, t->arg)) != 0)
			l->error(t->r, status);
		free(t);
	}
}

void
pool_loop_attach(h2o_context_t *ctx, void (*error)(struct req *, int))
{
	here = xcalloc(1, sizeof(*here));
	here->ctx = ctx;
	here->error = error;
	h2o_multithread_register_receiver(ctx->queue, &here->rx, on_answers);
}

int
pool_loop_pending(void)
{
	return here != NULL ? here->pending : 0;
}

void
pool_loop_detach(void)
{
	if (here == NULL)
		return;
	h2o_multithread_unregister_receiver(here->ctx->queue, &here->rx);
	free(here);
	here = NULL;
}

/* The request's pool is going away: its task must not answer it. */
static void
forget(void *p)
{
	struct task *t = *(struct task **)p;

	if (t != NULL)
		t->r = NULL;
}

struct task *
pool_take(struct req *r, pool_done_fn done, void *arg)
{
	struct task *t = xcalloc(1, sizeof(*t));

	t->holder = h2o_mem_alloc_shared(&r->h->pool, sizeof(*t->holder),
	    forget);
	*t->holder = t;
	t->loop = here;
	t->r = r;
	t->done = done;
	t->arg = arg;
	here->pending++;
	return t;
}

void
pool_give_back(struct task *t)
{
	strlcpy_(t->fault, fault_last(), sizeof(t->fault));
	h2o_multithread_send_message(&t->loop->rx, &t->msg);
}

int
pool_submit(struct req *r, pool_work_fn work, pool_done_fn done, void *arg)
{
	struct task *t = xcalloc(1, sizeof(*t));
	struct task **holder;

	holder = h2o_mem_alloc_shared(&r->h->pool, sizeof(*holder), forget);
	*holder = NULL;
	pthread_mutex_lock(&lock);
	if (here == NULL || stopping ||
	    held >= nthreads + (size_t)config.work_queue) {
		pthread_mutex_unlock(&lock);
		free(t);
		fault_note("the work queue is full (work_queue = %lld)",
		    (long long)config.work_queue);
		http_header(r, "Retry-After", FULL_RETRY_AFTER);
		return 503;
	}
	t->loop = here;
	t->r = r;
	t->holder = holder;
	t->work = work;
	t->done = done;
	t->arg = arg;
	*holder = t;
	if (tail != NULL)
		tail->next = t;
	else
		head = t;
	tail = t;
	queued++;
	held++;
	here->pending++;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	return 0;
}
