/*
 * purge.h — tells the shared caches in front of masthead (Varnish with
 * xkey, docs/varnish.vcl) which tags a write dropped.
 *
 * Every instance sends the tags its own cache drops, whether the write
 * was its own or came over the bus: only after the last instance has
 * dropped its copy can no instance hand Varnish an old page again, so
 * the last of those purges leaves Varnish fresh (docs/deploy.md).
 *
 * purge_tags() only queues; one thread sends, in batches, so a request
 * never waits for Varnish.  A failed request is tried once more, then
 * logged to standard error and given up.
 */
#ifndef MASTHEAD_PURGE_H
#define MASTHEAD_PURGE_H

#include <stddef.h>

/* Most Varnish addresses the setting "varnish" may list. */
#define PURGE_TARGETS	16

/*
 * Parses addrs ("host:port" or "http://host:port", space-separated) into
 * targets[] (each malloc'd, the caller frees); the count, or -1 with err.
 */
int	purge_parse(const char *addrs, char *targets[PURGE_TARGETS],
	    char *err, size_t errlen);
/* Starts the sender when addrs lists any Varnish; 0 or -1 with err. */
int	purge_start(const char *addrs, char *err, size_t errlen);
/* Sends what is queued, then stops the sender. */
void	purge_stop(void);
/* Queues tags (space-separated; "*" purges everything); no-op when off. */
void	purge_tags(const char *tags);
/* 1 when a shared cache is configured (pages then say it may keep them). */
int	purge_enabled(void);

#endif
