/*
 * viewcost.c — the CPU time one page view costs analytics, by part
 * (bench/analytics, docs/analytics.md): what the thread that answers
 * the page spends counting it (analytics_count: the bot and device
 * scans, the referrer, the country, the digest, the copy into the
 * batch) and what the jobs thread spends writing it
 * (store_analytics_flush: the visitor hash and the INSERTs, in one
 * transaction).  Both are measured on this thread's CPU clock, so the
 * figures hold on a machine that is busy with other work, where
 * requests per second do not.
 *
 *   viewcost DB [VIEWS [ROUNDS]]
 *
 * DB is a SQLite file that is made (and migrated) if it is missing.
 * Each round counts VIEWS views (16,000) from as many public addresses,
 * then writes them; the totals of ROUNDS rounds (10) are printed as
 * nanoseconds per view.  Linked against the objects of a build
 * (bench/analytics does it), so that an older build's objects give the
 * older figures.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analytics.h"
#include "config.h"
#include "db.h"
#include "migrate.h"
#include "store.h"
#include "util.h"

/* Older builds have no GeoIP reader: then countries cost nothing. */
int	 geoip_open(const char *) __attribute__((weak));

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static const char slug[] = "us-scraps-xiaomi-blacklisting";
	static char ips[16000][16];
	char err[256];
	struct an_hit h;
	struct db *db;
	double t, counting = 0, writing = 0;
	int64_t views = 16000, rounds = 10, i, r, counted = 0;
	uint32_t x = 2463534242u;

	if (argc < 2 || argc > 4 || (argc > 2 &&
	    parse_int(argv[2], strlen(argv[2]), 1, 16000, &views) != 0) ||
	    (argc > 3 && parse_int(argv[3], strlen(argv[3]), 1, 1000,
	    &rounds) != 0)) {
		fprintf(stderr, "usage: viewcost DB [VIEWS<=16000 [ROUNDS]]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	config_defaults(&config);
	if (geoip_open != NULL && geoip_open("/usr/share/GeoIP/GeoIP.dat,"
	    "/usr/share/GeoIP/GeoIPv6.dat") == 0)
		fprintf(stderr, "viewcost: no GeoIP database: countries "
		    "are not looked up\n");
	if ((db = db_open(argv[1], err, sizeof(err))) == NULL ||
	    migrate_run(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "viewcost: %s\n", err);
		return 1;
	}
	/* A browser's request, as bench/analytics's wrk sends it. */
	memset(&h, 0, sizeof(h));
	h.ua = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 "
	    "Firefox/120.0";
	h.accept = "text/html,application/xhtml+xml";
	h.accept_language = "en-GB,en;q=0.8";
	h.site_host = "127.0.0.1";
	for (r = 0; r < rounds; r++) {
		/* The addresses first, so that only the counting is timed. */
		for (i = 0; i < views; i++) {
			/* xorshift32: public addresses, the first byte 1..223. */
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			snprintf(ips[i], sizeof(ips[i]), "%u.%u.%u.%u",
			    1 + (x >> 24) % 223, (x >> 16) & 255, (x >> 8) & 255,
			    1 + (x & 127));
		}
		t = cpu_now();
		for (i = 0; i < views; i++) {
			h.ip = ips[i];
			counted += analytics_count(AN_ARTICLE, slug,
			    sizeof(slug) - 1, &h);
		}
		t = cpu_now() - t;
		counting += t;
		t = cpu_now();
		if (store_analytics_flush(db) != 0) {
			fprintf(stderr, "viewcost: the flush failed: %s\n",
			    db_errmsg(db));
			db_close(db);
			return 1;
		}
		writing += cpu_now() - t;
	}
	db_close(db);
	printf("%lld views counted of %lld: counting %.0f ns a view, "
	    "writing %.0f ns a view\n", (long long)counted,
	    (long long)(views * rounds), counting * 1e9 / (double)counted,
	    writing * 1e9 / (double)counted);
	return 0;
}
