/*
 * pool.h — a bounded pool of threads for the work that would hold an
 * event loop: decoding and resizing images, reading and writing an
 * imported file (DESIGN.md, principle 8: the event loop never waits).
 *
 * A handler hands its work to the pool and returns 0 without answering;
 * the loop goes on serving other requests.  A pool thread runs the work
 * with a database connection of its own, then a message wakes the loop
 * the request came in on (h2o's multithread queue), which runs the done
 * function there to answer the request.  The queue is bounded: when
 * work_queue tasks already wait, the request is answered 503 with
 * Retry-After at once instead.
 *
 * Memory: the work function runs on another thread, so it must not
 * touch the request, its pool or anything of the loop's; the handler
 * copies what the work needs into arg (malloc'd) first.  The request may
 * be gone by the time the work ends (the client reset its stream): done
 * is then called with a NULL request, to free arg only.
 */
#ifndef MASTHEAD_POOL_H
#define MASTHEAD_POOL_H

#include <h2o.h>
#include <stddef.h>

struct db;
struct req;

/* Runs on a pool thread; must touch arg and db only. */
typedef void	(*pool_work_fn)(struct db *, void *arg);
/*
 * Runs on the request's loop thread once the work is done: answers r
 * and returns 0, or returns an HTTP status for the loop's error function
 * (pool_loop_attach) to answer;
 * frees arg either way.  With r NULL (the request is gone) it only frees
 * arg, and may then run on any thread.
 */
typedef int	(*pool_done_fn)(struct req *r, void *arg);

/*
 * Registers fn to run on each pool thread as it ends, for a library's
 * per-thread state (libvips'); the pool knows no caller.  At start,
 * before pool_start(); up to HOOK_MAX (hook.h).
 */
void	 pool_on_thread_end(void (*fn)(void));
/* Starts work_threads threads, each with its own connection; 0 or -1. */
int	 pool_start(char *err, size_t errlen);
/*
 * Stops the threads after the work they run; work still queued is
 * dropped (its done runs with a NULL request).  After the loops ended.
 */
void	 pool_stop(void);

/*
 * On each loop thread, once its context exists: where answers arrive,
 * and what answers a done function's status (the router's error page).
 */
void	 pool_loop_attach(h2o_context_t *, void (*error)(struct req *, int status));
/* Work handed to the pool by this loop thread and not answered yet. */
int	 pool_loop_pending(void);
/* Before the loop's context is disposed (with nothing pending). */
void	 pool_loop_detach(void);

/*
 * For threads of another kind (render.h) that answer on the request's
 * loop the way the pool does.  pool_take(), on r's loop thread, takes
 * the answer of r in hand (pool_loop_pending() counts it until it is
 * given); pool_give_back(), from the thread that did the work, has the
 * loop run done(r, arg) as for pool work, or done(NULL, arg) when the
 * request went away meanwhile.  The task is the pool's; the caller
 * keeps its pointer only to give it back, once.
 */
struct task;
struct task	*pool_take(struct req *r, pool_done_fn done, void *arg);
void		 pool_give_back(struct task *);

/*
 * On a loop thread only (a render thread has no loop: the answer is a
 * 503).  The routes whose handlers call it, those with a file body
 * (BODY_MULTIPART, BODY_UPLOAD, BODY_IMPORT), stay on their loop
 * (router_quick).
 *
 * Hands work for r to the pool: 0 when queued (done will answer r), or
 * 503 with Retry-After set when the queue is full; then neither function
 * runs and arg is still the caller's.
 */
int	 pool_submit(struct req *r, pool_work_fn, pool_done_fn, void *arg);

#endif
