/*
 * render.h — the threads that render pages and read the database off
 * the event loops, so that a loop answers a cached page at once however
 * many renders run (DESIGN.md, principle 8: the event loop never waits).
 *
 * A loop hands a request it cannot answer from the cache to
 * render_submit().  A render thread then runs the router on a copy of
 * the request (its method, target, headers and body, copied into a
 * memory pool of the copy's own) with a database connection of the
 * thread's; the answer it makes (status, headers, body or a file) goes
 * back to the loop that owns the request, which sends it, since libh2o's
 * objects may only be touched on their own loop.
 *
 * Memory: the copy's pool holds everything the render allocated (the
 * request's owned values of own.h, the body it sends, a cached page's
 * reference).  Until the answer is handed back only the render thread
 * touches it; after, only the loop, which clears it when the request's
 * own pool goes (after the answer is out, or when the client went away
 * first: then the answer is dropped).
 */
#ifndef MASTHEAD_RENDER_H
#define MASTHEAD_RENDER_H

#include <h2o.h>
#include <stddef.h>

struct req;

/*
 * Starts the render threads (render_threads; -1 is two per core, 0
 * none), each with its own database connection.  dispatch routes and
 * answers a request; thread_done (may be NULL) frees what a thread kept
 * as it ends.  0, or -1 with err filled.
 */
int	 render_start(void (*dispatch)(struct req *), void (*thread_done)(void),
	    char *err, size_t errlen);
/* Whether render threads run (render_threads is not 0). */
int	 render_enabled(void);
/* Stops the threads after the requests they hold; after the loops ended. */
void	 render_stop(void);

/*
 * On a loop thread: hands r to a render thread; the loop answers it
 * when it is done (pool_loop_pending() counts it until then), or
 * answers 500 with its error function (pool_loop_attach) when the
 * render sent nothing.
 */
void	 render_submit(struct req *r);

#endif
