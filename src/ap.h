/*
 * ap.h — ActivityPub (docs/activitypub.md): the publication and its
 * authors as actors with RSA keys kept in the database, HTTP Signatures
 * both ways, and the deliveries of stories to followers' inboxes as
 * durable jobs that back off like webhooks.
 *
 * Local actors are named "site" (the publication) and "author:N"
 * (authors.id N); their URLs are made here alone, from base_url:
 * /ap/actor and /ap/authors/SLUG, stories /ap/articles/ID.
 */
#ifndef MASTHEAD_AP_H
#define MASTHEAD_AP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum ap_activity {
	AP_CREATE,
	AP_UPDATE,
	AP_DELETE,
	AP__MAX
};

#define AP_CLOCK_SKEW	300		/* seconds a Date may be off */
#define AP_PUBLIC	"https://www.w3.org/ns/activitystreams#Public"

/*
 * The local actor's URL into out: "site" is SITE/ap/actor, "author:N"
 * SITE/ap/authors/SLUG.  0, or -1 for an author that does not exist.
 */
int	 ap_actor_url(struct db *, const char *actor, char *out, size_t n);
/*
 * The local actor a URL of ours names ("site", "author:N") into out:
 * 0, or -1 when it names none.
 */
int	 ap_actor_of_url(struct db *, const char *url, char *out, size_t n);
/*
 * Makes actor's key pair if it has none, in a write transaction of its
 * own (call it outside one).  0 or -1.
 */
int	 ap_key_ensure(struct db *, const char *actor);
/* The actor's public key as PEM (the caller frees it), or NULL. */
char	*ap_key_public(struct db *, const char *actor);
/*
 * Story id as an Article (a new reference): name, content, summary,
 * url, published, updated, attributedTo, image, tags.  enum store_rc.
 */
int	 ap_article(struct db *, int64_t id, json_t **out);
/*
 * Queues kind of story id to the inboxes of the followers of the
 * publication and of its authors, each inbox once, inside the caller's
 * write transaction.  enum store_rc.
 */
int	 ap_fire_story(struct db *, enum ap_activity, int64_t id);
/*
 * Queues activity (not taken) from local actor sender to inbox, signed
 * when the job sends it, in the caller's transaction.  enum store_rc.
 */
int	 ap_send(struct db *, const char *sender, const char *inbox,
	    json_t *activity);

/* What ap_verify needs of a request. */
struct ap_request {
	const char	*method;	/* "POST" */
	const char	*target;	/* the path and query as sent */
	const char	*(*header)(void *ctx, const char *name);
	void		*ctx;
	const char	*body;
	size_t		 len;
};
/*
 * Checks the request's HTTP Signature (rsa-sha256 or hs2019 with an RSA
 * key) over at least (request-target), host, date and digest, its Date
 * (AP_CLOCK_SKEW) and its Digest, fetching the signer's actor document
 * when its key is not known (or no longer verifies).  0 with the actor
 * in *actor (uri, inbox, shared_inbox, handle; the caller's), or 401
 * with why.  Runs outside a transaction: a fetched key is stored in one
 * of its own.
 */
int	 ap_verify(struct db *, const struct ap_request *, json_t **actor,
	    char *why, size_t whylen);
/* Registers the delivery job; called by serve before jobs_start. */
void	 ap_jobs_init(void);
/* The site's host (and port) as the acct: URIs spell it, into out. */
void	 ap_host(char *out, size_t n);
/* An ISO 8601 UTC time ("2026-12-07T04:55:00Z") into out[21]. */
void	 ap_time(int64_t t, char out[21]);

#endif
