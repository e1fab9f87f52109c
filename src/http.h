/*
 * http.h — the event loop: threads, listeners, limits, accept backoff
 * and the framing checks, libh2o's side of a request.  What a handler
 * speaks is in req.h; this header is for the command that serves.
 */
#ifndef MASTHEAD_HTTP_H
#define MASTHEAD_HTTP_H

#include <stddef.h>

struct buf;
struct req;

/*
 * What the loop calls, given at start by the command that wires the
 * layers together: the loop itself includes nothing above req.h.
 */
struct http_app {
	/* Routes and answers a request the loop has checked. */
	void	(*dispatch)(struct req *);
	/* Answers a request refused before routing (400, 414, 431). */
	void	(*error)(struct req *, int status);
	/* Frees what a server thread kept, as the thread ends; may be NULL. */
	void	(*thread_done)(void);
	/*
	 * Answers on the loop what needs no render (a cached page) and
	 * returns 1, or returns 0 to have dispatch run on a render thread
	 * (render_threads); NULL renders everything on the loops.
	 */
	int	(*quick)(struct req *);
	/* The kind of route that answered (enum metrics_kind); may be NULL. */
	int	(*kind)(const struct req *);
	/* Adds what /metrics reads when scraped; may be NULL. */
	void	(*gauges)(struct buf *);
};

/*
 * Starts the listeners and event loops; returns when SIGINT/SIGTERM
 * arrives.  app must outlive the call.
 */
int	 http_serve(const struct http_app *app, char *err, size_t errlen);

#endif
