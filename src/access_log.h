/*
 * access_log.h — the access log (combined or JSON lines) and the request
 * counters of /metrics, kept as each answer is done.
 */
#ifndef MASTHEAD_ACCESS_LOG_H
#define MASTHEAD_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include <h2o.h>

struct buf;
struct req;

/* What a JSON line says of one request. */
struct access_line {
	struct timeval	 at;		/* when the answer was done */
	uint64_t	 usec;		/* since the request began */
	const char	*method, *path, *agent, *referer;
	size_t		 methodlen, pathlen, agentlen, refererlen;
	int		 status;
	size_t		 bytes;
	const char	*cache;		/* hit, miss, none */
	const char	*kind;		/* the route's kind */
	const char	*remote;	/* the peer's address, or NULL */
};

/*
 * Opens access_log and registers the logger on path; kind tells a
 * request's route kind (enum metrics_kind).  -1 with err filled.
 */
int	 access_log_init(h2o_pathconf_t *path,
	    int (*kind)(const struct req *), char *err, size_t errlen);
/* Ties r to its libh2o request, for the logger. */
void	 access_log_attach(struct req *r);
/* Reopens the file (SIGHUP, after logrotate moved it). */
void	 access_log_reopen(void);
/* Appends l as a line of Apache's combined format (version: 0x101...). */
void	 access_log_combined(struct buf *, const struct access_line *l,
	    int version);
/* Appends l as one JSON object and a newline. */
void	 access_log_json(struct buf *, const struct access_line *l);

#endif
