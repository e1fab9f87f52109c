/*
 * edit.h — writing articles, shared by the admin API (api_admin.c) and
 * the newsroom (page_admin.c): who may do what, the checks of every
 * field, and the one write transaction that keeps a revision, remembers
 * a published article's old slug and drops exactly the cache entries
 * that showed what changed.
 */
#ifndef MASTHEAD_EDIT_H
#define MASTHEAD_EDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct db;
struct user;

enum edit_action {
	EDIT_CREATE,
	EDIT_EDIT,
	EDIT_PUBLISH,	/* publish, schedule, unpublish */
	EDIT__MAX
};

/*
 * Whether u may do a to article id (0 for one not created yet): editors
 * any article, contributors and authors their own (by author profile),
 * and publishing needs an author at least, one whom the site lets publish
 * without review (role_may_publish()).
 */
int	 edit_allowed(struct db *, const struct user *u, enum edit_action a,
	    int64_t id);
/*
 * Whether u may change the article at all as it stands: a contributor's
 * work is frozen once it is published.  published: the article's status.
 */
int	 edit_may_change(const struct user *u, int published);

/*
 * Checks every field of an article's input (unknown fields, types,
 * sizes, slugs, the type, a title, a section when creating).  0, or 400
 * / 422 with a sentence for the writer in msg.
 */
int	 edit_check(json_t *in, int creating, char *msg, size_t msglen);
/*
 * Whether u may set the raw_html of in on the story cur (NULL when it is
 * created): anyone may leave it as it is (false for a new story), only an
 * admin may change it.  0, or 403 with a sentence in msg.
 */
int	 edit_check_raw_html(const struct user *u, json_t *in, json_t *cur,
	    char *msg, size_t msglen);
/*
 * Renders the body of in into html: body_md of in, or the stored one of
 * cur when only raw_html changes; with raw HTML kept (allow-listed) when
 * the story's raw_html, as in sets it or cur has it, is true, and shown as
 * text otherwise.  Leaves html empty when there is nothing to render;
 * -1 when it cannot.
 */
int	 edit_render_body(json_t *in, json_t *cur, struct buf *html);

/* One write inside edit_write's transaction; returns a store result. */
typedef int (*edit_fn)(struct db *, int64_t id, void *arg);

/*
 * Runs fn in a write transaction for article id (0 when fn creates it,
 * then *idout is its id): keeps a revision by u when note is not NULL,
 * keeps the old slug of a published article that changes it, publishes
 * the cache tags of the article before and after to every instance, and
 * drops them here after the commit.  Returns a store result (STORE_BUSY
 * when the transaction cannot start or commit).
 */
int	 edit_write(struct db *, const struct user *u, int64_t id, edit_fn fn,
	    void *arg, int64_t *idout, const char *note);

/* The arguments of edit_create_fn and edit_update_fn. */
struct edit_input {
	json_t		*in;
	const char	*html;	/* rendered body_md, NULL when unchanged */
	int64_t		*id;	/* created article's id */
};
int	 edit_create_fn(struct db *, int64_t, void *);
int	 edit_update_fn(struct db *, int64_t, void *);
int	 edit_publish_fn(struct db *, int64_t, void *);	/* arg: int64_t *at */
/* As edit_publish_fn, but a story live already keeps its date. */
int	 edit_publish_keep_fn(struct db *, int64_t, void *);
int	 edit_unpublish_fn(struct db *, int64_t, void *);
/* Registers the "publish" job (a story scheduled for later goes live). */
void	 edit_jobs_init(void);

#endif
