/*
 * store_webhook.h — the webhooks an admin registered (docs/webhooks.md);
 * their deliveries are in store_deliveries.h.  Every function returns an
 * enum store_rc; json_t results belong to the caller.
 */
#ifndef MASTHEAD_STORE_WEBHOOK_H
#define MASTHEAD_STORE_WEBHOOK_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* A new active webhook; *id is its row's. */
int	 store_webhook_add(struct db *, const char *url, const char *events,
	    const char *secret, int64_t created_by, int64_t *id);
/* Every webhook, newest first, without its secret. */
int	 store_webhooks_list(struct db *, json_t **out);
/* Pauses (active 0) or resumes (1) one; STORE_NOTFOUND when none. */
int	 store_webhook_set_active(struct db *, int64_t id, int active);
/* STORE_OK when webhook id exists, else STORE_NOTFOUND. */
int	 store_webhook_exists(struct db *, int64_t id);
/* Deletes one with its deliveries; STORE_NOTFOUND when none. */
int	 store_webhook_delete(struct db *, int64_t id);
/* The active webhooks whose events list names event: id and url. */
int	 store_webhooks_for(struct db *, const char *event, json_t **out);

#endif
