/*
 * store_deliveries.h — the one log of outgoing deliveries: a webhook's
 * signed POST and an ActivityPub activity sent to an inbox are rows of
 * the deliveries table, told apart by their kind (delivery.h).  Every
 * function returns an enum store_rc; json_t results belong to the
 * caller.
 */
#ifndef MASTHEAD_STORE_DELIVERIES_H
#define MASTHEAD_STORE_DELIVERIES_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* What a new delivery carries; a field that its kind does not use is "" or 0. */
struct delivery_row {
	const char	*kind;		/* "webhook" or "activitypub" */
	int64_t		 webhook;	/* webhook: the webhook's id */
	const char	*inbox;		/* activitypub: the inbox's URL */
	const char	*sender;	/* activitypub: ap_keys.actor */
	const char	*event;		/* the event, or the activity's type */
	const char	*object;	/* activitypub: the object's id */
	const char	*payload;	/* the body sent */
};

/* A pending delivery; *id is its row's. */
int	 store_deliveries_add(struct db *, const struct delivery_row *,
	    int64_t *id);
/*
 * One delivery: its row, and for a webhook's the webhook's url, secret
 * and active flag ("" and 1 for another kind).
 */
int	 store_deliveries_get(struct db *, int64_t id, json_t **out);
/*
 * Notes one try: attempts + 1, the answer's code (0: none), the error
 * ("" on success), the status and when the next try is due (0: none).
 */
int	 store_deliveries_tried(struct db *, int64_t id, const char *status,
	    int64_t code, const char *error, int64_t next_at);
/* Makes a delivery pending again with no attempts, to be sent anew. */
int	 store_deliveries_reset(struct db *, int64_t id);
/*
 * The newest n deliveries of kind, for the newsroom: a webhook's with
 * its url, an activity's with `activity` (its type) beside `event`.
 */
int	 store_deliveries_list(struct db *, const char *kind, int64_t n,
	    json_t **out);

#endif
