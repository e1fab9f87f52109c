/*
 * ratelimit.c — a table of token buckets, one mutex.
 *
 * Each slot is a bucket of limit tokens that refills at limit per
 * window: a burst of limit is allowed, then one every window/limit.
 */
#include <pthread.h>
#include <string.h>

#include "ratelimit.h"

#define SLOTS	4096

struct bucket {
	uint64_t	key;	/* hash of the key; 0: free */
	double		tokens;
	int64_t		at_ms;	/* when tokens was computed */
};

static struct bucket table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* FNV-1a, never 0. */
static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h == 0 ? 1 : h;
}

int64_t
ratelimit_hit(const char *key, int64_t limit, int64_t window_ms,
    int64_t now_ms)
{
	uint64_t h = hash(key);
	struct bucket *b = &table[h % SLOTS];
	double rate = (double)limit / (double)window_ms, t;
	int64_t wait = 0;

	pthread_mutex_lock(&lock);
	if (b->key != h) {
		/* A new key, or one whose slot another took: a full bucket. */
		b->key = h;
		b->tokens = (double)limit;
		b->at_ms = now_ms;
	}
	t = b->tokens + (double)(now_ms - b->at_ms) * rate;
	if (t > (double)limit)
		t = (double)limit;
	b->at_ms = now_ms;
	if (t >= 1.0) {
		b->tokens = t - 1.0;
	} else {
		b->tokens = t;
		wait = (int64_t)((1.0 - t) / rate) + 1;
	}
	pthread_mutex_unlock(&lock);
	return wait;
}

void
ratelimit_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&lock);
}
