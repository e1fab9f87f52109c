/*
 * delivery.c — the durable deliveries of webhooks and ActivityPub
 * (delivery.h, docs/webhooks.md, docs/activitypub.md).
 *
 * Each kind has a job kind of its own (the jobs table names them
 * `webhook` and `activitypub`), and every job runs delivery_job: read
 * the row, let the kind's sender try, write what came of it.  The
 * schedule of the tries is here and nowhere else.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "delivery.h"
#include "jobs.h"
#include "store.h"
#include "store_deliveries.h"
#include "util.h"

const char *const delivery_kind_names[DELIVERY__MAX] = {
	[DELIVERY_WEBHOOK] = "webhook",
	[DELIVERY_AP] = "activitypub",
};

/* The job kind that carries each delivery kind's tries. */
static const enum job_kind job_of[DELIVERY__MAX] = {
	[DELIVERY_WEBHOOK] = JOB_WEBHOOK,
	[DELIVERY_AP] = JOB_AP,
};

/* How many times webhook_retry a delivery waits after its nth failure. */
static const int64_t retry_factor[DELIVERY_TRIES - 1] = { 1, 5, 30, 120, 720 };

/* Written at start, before the worker runs; read only after. */
static delivery_send_fn senders[DELIVERY__MAX];

int64_t
delivery_retry_after(int64_t attempts)
{
	if (attempts < 1)
		attempts = 1;
	if (attempts > DELIVERY_TRIES - 1)
		attempts = DELIVERY_TRIES - 1;
	return config.webhook_retry * retry_factor[attempts - 1];
}

/* Adds the job of kind that makes the next try of delivery id at run_at. */
static int
queue(struct db *db, enum delivery_kind kind, int64_t id, int64_t run_at)
{
	json_t *p = json_pack("{s:I}", "delivery", (json_int_t)id);
	int rc;

	if (p == NULL)
		return STORE_ERROR;
	rc = jobs_add(db, job_of[kind], p, run_at);
	json_decref(p);
	return rc;
}

int
delivery_add(struct db *db, enum delivery_kind kind, struct delivery_row *d)
{
	int64_t id;
	int rc;

	d->kind = delivery_kind_names[kind];
	if ((rc = store_deliveries_add(db, d, &id)) != STORE_OK)
		return rc;
	return queue(db, kind, id, 0);
}

/* The kind of row d, or DELIVERY__MAX for one this build does not know. */
static enum delivery_kind
kind_of(json_t *d)
{
	const char *k = json_string_value(json_object_get(d, "kind"));
	int i;

	for (i = 0; k != NULL && i < DELIVERY__MAX; i++)
		if (strcmp(k, delivery_kind_names[i]) == 0)
			return (enum delivery_kind)i;
	return DELIVERY__MAX;
}

int
delivery_resend(struct db *db, enum delivery_kind kind, int64_t id)
{
	json_t *d;
	int rc;

	if ((rc = store_deliveries_get(db, id, &d)) != STORE_OK)
		return rc;
	rc = kind_of(d) == kind ? STORE_OK : STORE_NOTFOUND;
	json_decref(d);
	if (rc == STORE_OK)
		rc = store_deliveries_reset(db, id);
	return rc == STORE_OK ? queue(db, kind, id, 0) : rc;
}

/*
 * Writes what the attempts-th try came to and, when it failed with tries
 * left, adds the job of the next, in one transaction.
 */
static int
outcome(struct db *db, enum delivery_kind kind, int64_t id,
    int64_t attempts, enum delivery_try t, long code, const char *msg)
{
	int64_t next;
	int rc;

	if (db_begin_write(db) != DB_OK)
		return STORE_BUSY;
	if (t == DELIVERY_SENT)
		rc = store_deliveries_tried(db, id, "ok", code, "", 0);
	else if (t == DELIVERY_GIVE_UP || attempts >= DELIVERY_TRIES)
		rc = store_deliveries_tried(db, id, "failed", code, msg, 0);
	else {
		next = now_unix() + delivery_retry_after(attempts);
		rc = store_deliveries_tried(db, id, "pending", code, msg, next);
		if (rc == STORE_OK)
			rc = queue(db, kind, id, next);
	}
	if (rc != STORE_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == DB_OK ? STORE_OK : STORE_BUSY;
}

/*
 * The job of every kind: one try of a delivery.  A delivery gone (its
 * webhook deleted) or no longer pending needs nothing.
 */
static int
delivery_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	json_int_t id = json_integer_value(json_object_get(payload,
	    "delivery"));
	enum delivery_kind kind;
	enum delivery_try t;
	const char *st;
	char msg[512] = "";
	json_t *d;
	long code = 0;
	int rc;

	rc = store_deliveries_get(db, id, &d);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		goto busy;
	st = json_string_value(json_object_get(d, "status"));
	kind = kind_of(d);
	if (st == NULL || strcmp(st, "pending") != 0 ||
	    kind == DELIVERY__MAX || senders[kind] == NULL) {
		json_decref(d);
		return 0;
	}
	t = senders[kind](db, d, &code, msg, sizeof(msg));
	if (t == DELIVERY_ERROR) {
		json_decref(d);
		goto busy;
	}
	rc = outcome(db, kind, id, json_integer_value(json_object_get(d,
	    "attempts")) + 1, t, code, msg);
	json_decref(d);
	if (rc != STORE_OK)
		goto busy;
	return 0;
busy:
	snprintf(err, errlen, "database: %s", db_errmsg(db));
	return -1;
}

void
delivery_register(enum delivery_kind kind, delivery_send_fn send)
{
	senders[kind] = send;
	jobs_register(job_of[kind], delivery_job, 0);
}
