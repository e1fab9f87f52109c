/*
 * analytics.h — page views counted as pages are served (docs/analytics.md).
 *
 * The router calls analytics_count() for every reader page it answers
 * with a 200, from the cache or rendered, on any thread; the view is
 * classified (bot, device, referrer) and kept in memory under a short
 * lock.  The jobs thread takes the batch every few seconds
 * (analytics_take) and the store writes it (store_analytics_flush),
 * turning each view's digest into that day's visitor hash.
 *
 * What is kept of a reader, even in memory, is a SHA-256 digest of
 * (address, user agent, site) and the country of the address (two
 * letters, geoip.h), never the address or the user agent; the store
 * keys the digest with the day's salt before anything is written.
 */
#ifndef MASTHEAD_ANALYTICS_H
#define MASTHEAD_ANALYTICS_H

#include <stddef.h>
#include <stdint.h>

enum an_kind { AN_HOME, AN_ARTICLE, AN_SECTION, AN_KIND__MAX };
enum an_ref { AN_DIRECT, AN_INTERNAL, AN_SEARCH, AN_SOCIAL, AN_NEWSLETTER,
	AN_OTHER, AN_REF__MAX };
enum an_device { AN_DESKTOP, AN_MOBILE, AN_TABLET, AN_BOT, AN_DEVICE__MAX };

/* The names the database and the dashboard use, indexed by the enums. */
extern const char *const an_kind_names[AN_KIND__MAX];
extern const char *const an_ref_names[AN_REF__MAX];
extern const char *const an_device_names[AN_DEVICE__MAX];

/* The Most Read block: at most LIMIT stories, none when fewer than MIN. */
#define MOST_READ_MIN	3
#define MOST_READ_LIMIT	5

#define AN_SLUG_MAX	128	/* a longer slug is not counted */
#define AN_HOST_MAX	64	/* a longer referring host is cut */
#define AN_DIGEST	32	/* bytes of SHA-256 */

/* One view, as the jobs thread takes it. */
struct an_view {
	int64_t		at;			/* unix seconds, analytics clock */
	unsigned char	kind;			/* enum an_kind */
	unsigned char	ref;			/* enum an_ref */
	unsigned char	device;			/* enum an_device, never AN_BOT */
	char		slug[AN_SLUG_MAX];
	char		host[AN_HOST_MAX];	/* the referring site, for AN_OTHER... */
	char		country[3];		/* two letters, or "" (geoip.h) */
	unsigned char	digest[AN_DIGEST];	/* SHA-256(ip|ua|site) */
};

/* What the router reads of a request; NULL for a header it lacks. */
struct an_hit {
	const char	*ip;
	const char	*ua;
	const char	*accept;
	const char	*accept_language;
	const char	*referer;
	const char	*site_host;	/* this site's host, for internal links */
	const char	*utm_medium;
	const char	*utm_source;
};

/*
 * Whether the request is a bot's: a crawler or a tool by its user agent
 * (or none), or a client that sends no Accept-Language.
 */
int	 analytics_is_bot(const struct an_hit *);
enum an_device analytics_device(const char *ua);
/* The referrer's class, and its host (lower case) into host. */
enum an_ref analytics_referrer(const struct an_hit *, char *host,
	    size_t hostsz);

/*
 * Counts a view of the page kind/slug[0..len) unless it is a bot's.
 * Any thread; no database.  1 when counted, 0 when not (a bot, or the
 * batch is full: analytics_dropped() says how often).
 */
int	 analytics_count(enum an_kind, const char *slug, size_t len,
	    const struct an_hit *);
/*
 * The views counted so far, oldest first, and how many: *out is valid
 * until the next call, which only the one writer (the jobs thread)
 * makes.  Pages go on counting into the other batch meanwhile.
 */
size_t	 analytics_take(const struct an_view **out);
/* Views counted and not yet taken. */
size_t	 analytics_pending(void);
/* Views not counted because the batch was full. */
uint64_t analytics_dropped(void);

/*
 * Adds seconds on page kind/slug from a time-on-page beacon; any
 * thread.  analytics_take_seconds moves them out for the flush.
 */
struct an_seconds {
	unsigned char	kind;
	char		slug[AN_SLUG_MAX];
	int64_t		seconds;
	int64_t		beacons;
};
void	 analytics_add_seconds(enum an_kind, const char *slug, size_t len,
	    int64_t seconds);
size_t	 analytics_take_seconds(struct an_seconds *out, size_t max);

/* This site's host (of base_url), for the digest and internal links. */
const char *analytics_site_host(void);

/*
 * The analytics clock: now, moved by analytics_day_shift days (a
 * setting tests use to see the visitor hash change with the day).
 */
int64_t	 analytics_now(void);
/* "YYYY-MM-DD" (UTC) of t into day (11 bytes). */
void	 analytics_day(int64_t t, char day[11]);

#endif
