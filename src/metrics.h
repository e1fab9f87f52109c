/*
 * metrics.h — the server's counters and their Prometheus text form.
 *
 * Every counter is a C11 atomic added to with relaxed order: no lock on
 * any path that counts.  The text is served by a listener of its own
 * (metrics_listen), never by the public one.
 */
#ifndef MASTHEAD_METRICS_H
#define MASTHEAD_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* What kind of route answered; MK_NONE for none (a 404, a bad request). */
enum metrics_kind { MK_PAGE, MK_API, MK_ASSET, MK_FORM, MK_NONE, MK__N };

enum metrics_counter {
	MC_MAIL_SENT,
	MC_MAIL_FAILED,
	MC_WEBHOOK_OK,
	MC_WEBHOOK_FAILED,
	MC_DB_ROUND_TRIP,	/* PostgreSQL: a wait for the server's answer */
	MC__N
};

/* The histogram's upper bounds, in microseconds; +Inf follows them. */
#define METRICS_BUCKETS	12

struct metrics_hist {
	uint64_t	 le[METRICS_BUCKETS + 1];	/* not cumulative */
	uint64_t	 sum_usec;
	uint64_t	 count;
};

void	 metrics_request(enum metrics_kind, int status);
void	 metrics_count(enum metrics_counter);
/* A render of usec microseconds that waited trips times for the database. */
void	 metrics_render(uint64_t usec, uint64_t trips);
/* Time spent in the database, in microseconds. */
void	 metrics_db(uint64_t usec);
/*
 * Another instance's invalidation dropped here usec microseconds after
 * that instance sent it (bus.c).
 */
void	 metrics_bus(uint64_t usec);

/* Adds one observation to a plain (single-threaded) histogram. */
void	 metrics_hist_add(struct metrics_hist *, uint64_t usec);
/* Writes h as the histogram name (HELP and TYPE lines included). */
void	 metrics_hist_write(struct buf *, const char *name, const char *help,
	    const struct metrics_hist *h);

/*
 * Writes every metric in the text exposition format (0.0.4).  gauges,
 * when set, adds what is read when scraped (the cache's counters, which
 * it keeps under its own lock, and the job queue).
 */
void	 metrics_write(struct buf *, void (*gauges)(struct buf *));

/*
 * Binds addr ("ADDR:PORT") and starts the thread that answers
 * GET /metrics on it.  -1 with err filled when addr cannot be listened on.
 */
int	 metrics_start(const char *addr, void (*gauges)(struct buf *),
	    char *err, size_t errlen);

/*
 * A JSON string's body: s[0..n) with ", \ and control characters
 * escaped, and bytes that are not UTF-8 replaced by U+FFFD.
 */
void	 metrics_json_str(struct buf *, const char *s, size_t n);

#endif
