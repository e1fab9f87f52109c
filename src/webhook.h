/*
 * webhook.h — telling other systems what happened, by signed HTTP POSTs
 * (docs/webhooks.md).
 *
 * The module that commits a change calls webhook_fire inside its write
 * transaction: it adds one delivery row and one `webhook` job per
 * active webhook that asked for the event, so the deliveries exist
 * exactly when the change commits and never for a rolled-back write.
 * The job POSTs the JSON body with its signature headers; a 2xx answer
 * within 10 s is success, anything else is tried again on the schedule
 * of every delivery (delivery.h).
 */
#ifndef MASTHEAD_WEBHOOK_H
#define MASTHEAD_WEBHOOK_H

#include <curl/curl.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum webhook_event {
	WEBHOOK_STORY_PUBLISHED,
	WEBHOOK_STORY_UPDATED,
	WEBHOOK_STORY_UNPUBLISHED,
	WEBHOOK_COMMENT_POSTED,
	WEBHOOK_SUBSCRIBER_CONFIRMED,
	WEBHOOK_REGISTRATION_MADE,
	WEBHOOK__MAX
};

/* The name of each event ("story.published" ...), as the API spells it. */
extern const char *const webhook_event_names[WEBHOOK__MAX];

#define WEBHOOK_SECRET_LEN	(6 + 64)	/* "whsec_" and 64 hex digits */

/*
 * Queues event with data (not taken: the summary of what changed) to
 * every active webhook that asked for it, inside the caller's write
 * transaction.  enum store_rc.
 */
int	 webhook_fire(struct db *, enum webhook_event, json_t *data);
/* The story summary of article id (title, slug, url), queued as event. */
int	 webhook_fire_story(struct db *, enum webhook_event, int64_t id);
/* Queues a "ping" to webhook id alone (in the caller's transaction). */
int	 webhook_ping(struct db *, int64_t id);
/*
 * Sends delivery id anew from its first try (in the caller's
 * transaction); STORE_NOTFOUND when it is not a webhook's.
 */
int	 webhook_resend(struct db *, int64_t delivery);
/*
 * Whether url may be a webhook's target: http or https, a host that
 * resolves, and unless webhook_private is set no loopback, private or
 * link-local address.  0, or -1 with a sentence in err.
 */
int	 webhook_url_check(const char *url, char *err, size_t errlen);
/* A new secret: "whsec_" and 64 hex digits, NUL-terminated. */
void	 webhook_secret_new(char out[WEBHOOK_SECRET_LEN + 1]);
/*
 * The signature header's value "v1=<hex>" of HMAC-SHA256(secret,
 * timestamp "." body) into out.
 */
void	 webhook_sign(const char *secret, int64_t ts, const char *body,
	    size_t len, char out[3 + 64 + 1]);
/*
 * 1 when sa is a loopback, private, link-local, carrier-grade NAT,
 * unspecified or multicast address: what outgoing requests refuse
 * unless their *_private setting is 1.
 */
struct sockaddr;
int	 webhook_private_addr(const struct sockaddr *);
/*
 * Sets up c as every outgoing request of the site is: http and https
 * only, no redirect followed, no proxy, 10 s for the whole exchange,
 * and no connection to the addresses above unless *allow_private (a
 * setting, read at each connection) is 1.
 */
void	 webhook_curl_guard(CURL *, const int64_t *allow_private);
/* Registers the job kind; called by serve before jobs_start. */
void	 webhook_jobs_init(void);

#endif
