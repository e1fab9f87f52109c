/*
 * delivery.h — durable outgoing deliveries: one mechanism for the
 * webhooks' signed POSTs (webhook.c) and ActivityPub's signed activities
 * (ap.c).
 *
 * A delivery is a row of the deliveries table and a job naming it,
 * both written inside the caller's write transaction.  The job of a
 * kind reads the row and hands it to the sender that kind registered
 * at start, which makes one try; this file writes the outcome and owns
 * the one schedule: a failed try is tried again after webhook_retry ×
 * 1, 5, 30, 120 and 720 seconds, and after DELIVERY_TRIES failed tries
 * the delivery is `failed`.  A sender may also give up at once (a
 * paused webhook, an author who is gone).
 */
#ifndef MASTHEAD_DELIVERY_H
#define MASTHEAD_DELIVERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct delivery_row;

enum delivery_kind {
	DELIVERY_WEBHOOK,	/* webhook.c */
	DELIVERY_AP,		/* ap.c */
	DELIVERY__MAX
};

/* The kind's name in the deliveries table: "webhook", "activitypub". */
extern const char *const delivery_kind_names[DELIVERY__MAX];

#define DELIVERY_TRIES	6	/* tries of one delivery before it fails */

/* What one try came to. */
enum delivery_try {
	DELIVERY_SENT,		/* a 2xx answer */
	DELIVERY_FAILED,	/* tried again later while tries are left */
	DELIVERY_GIVE_UP,	/* failed for good at once */
	DELIVERY_ERROR		/* the database failed: the job runs again */
};

/*
 * Makes one try of the delivery d (store_deliveries_get's row, which the
 * caller keeps), outside any transaction: the answer's status in *code
 * (0: none), and for anything but DELIVERY_SENT why, in err.
 */
typedef enum delivery_try (*delivery_send_fn)(struct db *, json_t *d,
    long *code, char *err, size_t errlen);

/* Registers kind's sender and its job; called at start, before jobs_start. */
void	 delivery_register(enum delivery_kind, delivery_send_fn);
/*
 * Adds the delivery d (its kind is set here) and the job of its first
 * try, in the caller's write transaction.  enum store_rc.
 */
int	 delivery_add(struct db *, enum delivery_kind,
	    struct delivery_row *d);
/*
 * Makes delivery id pending again and queues its first try (in the
 * caller's transaction); STORE_NOTFOUND when it is not of kind.
 */
int	 delivery_resend(struct db *, enum delivery_kind, int64_t id);
/* Seconds before the next try after a delivery's attempts-th failure. */
int64_t	 delivery_retry_after(int64_t attempts);

#endif
