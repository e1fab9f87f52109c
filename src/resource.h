/*
 * resource.h — gated resources: the links that let a reader who left
 * their details download a white paper, signed with a key of the site
 * and good until a set time (docs/resources.md).
 */
#ifndef MASTHEAD_RESOURCE_H
#define MASTHEAD_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

struct db;

#define RESOURCE_KEY_LEN	32	/* bytes of the signing key */
#define RESOURCE_SIG_LEN	43	/* characters of a signature */

enum resource_link {
	RL_LINK_OK,
	RL_LINK_BAD,		/* malformed or forged: 403 */
	RL_LINK_EXPIRED,	/* genuine, but past its time: 410 */
	RL_LINK__MAX
};

/* resource.c */
/*
 * Loads the key that signs download links, making it on the first
 * start (call before any thread serves).  0, or -1 with err.
 */
int	 resource_init(struct db *, char *err, size_t errlen);
/*
 * The signature of (lead, exp) under key: RESOURCE_SIG_LEN characters
 * of URL-safe base64 and a NUL into out.
 */
void	 resource_sign_with(const unsigned char key[RESOURCE_KEY_LEN],
	    int64_t lead, int64_t exp, char out[RESOURCE_SIG_LEN + 1]);
/*
 * Checks a link's signature (in constant time) and then its time: a
 * forged or malformed signature is RL_LINK_BAD whatever the time.
 */
enum resource_link resource_check_with(const unsigned char key[RESOURCE_KEY_LEN],
	    int64_t lead, int64_t exp, const char *sig, size_t siglen,
	    int64_t now);
/* The same with the site's key. */
void	 resource_sign(int64_t lead, int64_t exp, char out[RESOURCE_SIG_LEN + 1]);
enum resource_link resource_check(int64_t lead, int64_t exp, const char *sig,
	    size_t siglen, int64_t now);
/*
 * Queues the message with the download link (url, absolute) to email,
 * inside the caller's transaction.  enum store_rc.
 */
int	 resource_queue_link(struct db *, const char *name, const char *email,
	    const char *title, const char *url, int64_t exp);

#endif
