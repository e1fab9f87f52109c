/*
 * admin.h — what every /admin page (the page_admin*.c files) shares:
 * forms, local times, the Delete button, rendering with the signed-in
 * writer and image uploads (admin.c), and the comment moderation actions
 * (page_admin_comments.c).  Who may open a page and the CSRF token of its form are the
 * route table's (router.h), checked before the handler runs.
 */
#ifndef MASTHEAD_ADMIN_H
#define MASTHEAD_ADMIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct req;
struct url_query;

/* A handler answered itself (a redirect to sign in, a form with an error). */
#define ADMIN_SENT	(-1)

/*
 * Parses an urlencoded form body (0, 400, 415, or 422 for a field that is
 * not text); free with url_query_free.
 */
int	 admin_read_form(struct req *, struct url_query *);
/* The article id of the route's first capture, 0 when not a number. */
int64_t	 admin_route_id(struct req *);
/* Renders an /admin template with the writer, the CSRF token and the zone. */
int	 admin_render(struct req *, int status, const char *tpl, json_t *model);
/* Writes "2026-05-12 13:00 BST": t in the site's time zone. */
void	 admin_fmt_local(int64_t t, char *out, size_t n);
/* Sets row's key to its Unix time column col so formatted; "" for NULL or 0. */
void	 admin_set_time(json_t *row, const char *col, const char *key);
/* Writes "2026-05-12T13:00", a datetime-local value of the site's zone. */
void	 admin_fmt_input(int64_t t, char *out, size_t n);
/*
 * Parses "2026-05-12T13:00" (a datetime-local field, seconds allowed) in
 * the site's time zone; -1 when it is not such a time.
 */
int64_t	 admin_parse_local(const char *);
/*
 * A Delete button (the router has checked the role and the form's CSRF
 * token): deletes row id in a transaction that also drops the cache
 * entries under tags, then goes back to back?done=deleted.  A row
 * something still refers to answers 409 with in_use and stays.
 */
int	 admin_delete(struct req *, enum store_del, int64_t id,
	    const char *tags, const char *back, const char *in_use);
/* A form's sponsor (its id as text): 0 for none, -1 when not one of the list. */
int64_t	 admin_sponsor_of(struct req *, const char *);
/* page_admin.c: the editor form as edit.c's input (NULL: a field is not
 * text), and an input over the story cur in the editor's shape; both new
 * references. */
json_t	*admin_editor_input(struct req *, struct url_query *);
json_t	*admin_editor_shape(json_t *in, json_t *cur);
/* page_admin_autosave.c: the editor's offer of the writer's autosave of
 * story id into m, or (?autosave=restore) the autosave itself written over
 * a; 1 when restored. */
int	 autosave_editor(struct req *, int64_t id, json_t *a, json_t *m);
/* page_admin_review.c: the editor's review state and "Submit" into m. */
void	 review_editor_model(struct req *, json_t *m, json_t *a, int draft);
/* Puts draft id in the review queue and mails the editors (store result). */
int	 review_submit(struct req *, int64_t id);
int	 review_request_changes(struct req *, int64_t id, const char *note);
/* Approves draft id, publishing it at at (now or later). */
int	 review_approve(struct req *, int64_t id, int64_t at);
/* Turns a handler's status into what the router expects (ADMIN_SENT: 0). */
/*
 * Splits the line that starts at text (to its newline or the end) at
 * "|" into at most ncells cells, the last taking the rest, each trimmed
 * into cells (ncells rows of cellsz bytes); *too_long says whether a
 * cell had cellsz bytes or more (it is cut).  Returns the next line, or
 * NULL after the last: the agenda and speakers fields, one item a line.
 */
const char *admin_line_cells(const char *text, char *cells, size_t ncells,
	    size_t cellsz, int *too_long);
/* page_admin_speakers.c — the event form's speakers, one a line */
/* The lines as an array of {name, title, company, image}; NULL and why. */
json_t	*admin_speakers_parse(struct req *, const char *text, char *msg,
	    size_t msgsz);
/* Sets f's "speakers" to the event's speakers as the form shows them. */
int	 admin_speakers_form(struct req *, int64_t event, json_t *f);
/* Replaces the event's speakers (inside the caller's transaction). */
int	 admin_speakers_save(struct req *, int64_t event, json_t *list);
#define ADMIN_RETURN(s)	((s) == ADMIN_SENT ? 0 : (s))

struct db;
struct mp_part;

/*
 * An image upload handed to the work pool (pool.h) by /admin/media and
 * the admin API (api_media.c): a copy of the image, since the request's
 * body may be gone before the work ends, and what the work made of it.
 * Freed by the done function.
 */
struct admin_upload {
	char	*data;
	size_t	 len;
	char	*alt;		/* NULL: none */
	char	*caption, *credit, *filename;	/* NULL: none */
	int64_t	 user;		/* the uploader's users.id */
	int	 status;	/* media_store's or media_square's */
	char	 msg[200];
	json_t	*img;		/* media_store's image */
	char	 hash[65];	/* media_square's artwork */
	int	 side;
	int64_t	 bytes;
};

/*
 * Reads the image of an upload: the "file" part of a multipart body, or
 * (for API clients, form 0) the whole body when it is not multipart.
 * parts (MULTIPART_MAX_PARTS) and *nparts are the form's.  0, or an HTTP
 * status with msg (422 for a field that is not text).
 */
int	 admin_upload_read(struct req *, int form, struct mp_part *parts,
	    int *nparts, const char **data, size_t *len, char *msg,
	    size_t msglen);
/* A multipart field as a NUL-terminated string of at most n bytes. */
const char *admin_part_text(struct req *, const struct mp_part *parts,
	    int nparts, const char *name, size_t n);
struct admin_upload *admin_upload_new(const char *data, size_t len,
	    const char *alt);
/*
 * Takes the library's text of an upload from its form (alt, caption,
 * credit), the file part's name and the caller into u.  0, or 422 with
 * msg naming the field that is too long.
 */
int	 admin_upload_text(struct req *, const struct mp_part *parts,
	    int nparts, struct admin_upload *u, char *msg, size_t msglen);
void	 admin_upload_free(struct admin_upload *);
/* On a pool thread: the image made into its widths and recorded. */
void	 admin_upload_work(struct db *, void *arg);

/* page_admin_media.c — the media library, for the newsroom and the API */
#define MEDIA_LIBRARY_PAGE	24	/* images in a page of the library */
/*
 * The library page asked for by the query (q: words of alt text,
 * caption, credit or file name; page: from 1): {q, page, more, images,
 * next, prev} in *out (caller owns it), or 400 (bad query) or the
 * store's status.
 */
int	 admin_media_library(struct req *, json_t **out);
/*
 * Sets an image's alt text, caption and credit (one line each, within
 * their limits) and drops the cached pages.  A writer below editor
 * changes only the images she uploaded.  0, or 404, 403, 422 or 503
 * with a sentence in msg naming the field.
 */
int	 admin_media_meta(struct req *, const char *hash, const char *alt,
	    const char *caption, const char *credit, char *msg,
	    size_t msglen);
/*
 * Checks the image codes of a story's input (hero_image, seo_image):
 * 0 when each is empty or an uploaded image, else 422 with msg naming
 * the field ("Hero image: no image with that code ...").
 */
int	 admin_media_check_refs(struct req *, json_t *in, char *msg,
	    size_t msglen);

/*
 * Comment moderation (page_admin_comments.c), which the admin API
 * (api_comments.c) runs too.
 */
#define MOD_QUEUE_PAGE	50	/* comments in a page of a queue */
#define MOD_BULK_MAX	200	/* comments in one bulk action */

struct buf;
struct user;

enum mod_action {
	MOD_APPROVE,
	MOD_REJECT,
	MOD_FEATURE,
	MOD_UNFEATURE,
	MOD__MAX
};

/* "approve" (n bytes) -> MOD_APPROVE; -1 when not an action. */
int	 mod_action_parse(const char *s, size_t n);
const char *mod_action_name(enum mod_action);
/*
 * One moderation action on one comment, inside the caller's transaction,
 * logged; the tags of what readers see change are added to tags.  A
 * store result.
 */
int	 mod_apply(struct db *, const struct user *mod, int64_t id,
	    enum mod_action, struct buf *tags);
/* Commits and drops the pages of tags; 0 or 503. */
int	 mod_commit(struct req *, struct buf *tags);
/* Reads ?before= (an id); -1 when malformed. */
int	 mod_before(const char *s, int64_t *before);
/* A page of the moderation log, before ?before=: 0, 400 or a status. */
int	 mod_log_rows(struct req *, json_t **rows);
/*
 * Bans (days 0: for good) or suspends a reader, or lifts it; logged.
 * The reader is the author of comment (a number as text, logged with
 * the action) when it is given, else the account of email.  Returns
 * NULL, or a message for the moderator ("" for a database error).
 */
const char *mod_ban(struct db *, const struct user *mod, const char *email,
	    const char *comment, const char *days, const char *reason,
	    int lift);

#endif
