/*
 * store_ap.h — ActivityPub's tables (docs/activitypub.md): actor keys,
 * remote actors, followers, handled activity ids, replies held as
 * comments (the deliveries are store_deliveries.h's).  Every function
 * returns enum store_rc; a json_t in *out is the caller's.
 */
#ifndef MASTHEAD_STORE_AP_H
#define MASTHEAD_STORE_AP_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* {public_pem, private_pem} of a local actor ("site", "author:N"). */
int	store_ap_key_get(struct db *, const char *actor, json_t **out);
/* Keeps a new key pair; a pair stored meanwhile by another wins. */
int	store_ap_key_put(struct db *, const char *actor, const char *pub,
	    const char *priv);

/* A remote actor: uri, key_uri, public_pem, inbox, shared_inbox, handle, user_id, fetched_at. */
int	store_ap_actor_get(struct db *, const char *uri, json_t **out);
int	store_ap_actor_put(struct db *, const char *uri, const char *key_uri,
	    const char *pem, const char *inbox, const char *shared,
	    const char *handle);
/*
 * The member account replies of a remote actor are held under, made on
 * its first reply (name: the actor's handle).
 */
int	store_ap_actor_user(struct db *, const char *uri, int64_t *user);

int	store_ap_follower_add(struct db *, const char *actor_uri,
	    const char *inbox, const char *shared, const char *followed,
	    const char *follow_uri, const char *handle);
/* STORE_NOTFOUND when actor_uri did not follow followed. */
int	store_ap_follower_remove(struct db *, const char *actor_uri,
	    const char *followed);
int64_t	store_ap_follower_count(struct db *, const char *followed);
/* Every follower, newest first, up to n. */
int	store_ap_followers(struct db *, int64_t n, json_t **out);
/*
 * The inboxes (a shared one where given) of the followers of the
 * publication and of article's authors, each once: [{inbox}].
 */
int	store_ap_inboxes(struct db *, int64_t article, json_t **out);

/* STORE_CONFLICT when the activity id was handled before. */
int	store_ap_received(struct db *, const char *id);

int	store_ap_note_add(struct db *, const char *note, int64_t comment,
	    const char *actor);
/* {comment_id, actor_uri} of a reply held as a comment. */
int	store_ap_note_get(struct db *, const char *note, json_t **out);

/*
 * A published story as the fediverse sees it: id, slug, title, dek,
 * body_html, status, published_at, updated_at, trashed_at, image
 * (hash.ext or ""), authors [{id, slug, name}] and tags [{slug, name}].
 */
int	store_ap_article(struct db *, int64_t id, json_t **out);
/* Live stories, newest first, before (published_at, id), up to n: [{id}]. */
int	store_ap_outbox(struct db *, int64_t before_at, int64_t before_id,
	    int64_t n, json_t **out);
int64_t	store_ap_outbox_count(struct db *);

#endif
