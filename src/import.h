/*
 * import.h — `masthead import`: another site's export read into this
 * one (docs/import.md).
 *
 * import_file() sniffs the file's format and runs its reader:
 *
 *   import_wxr.c     WordPress's WXR (Tools -> Export), streamed with
 *                    expat, never held whole in memory;
 *   import_ghost.c   Ghost's JSON export (versions 2 to 5), jansson;
 *   import_masthead  masthead's own JSON export (an object with a
 *                    top-level "masthead_export" key).
 *
 * Every reader writes through the store, inside the one write
 * transaction import_file() holds around it: a file that fails half way
 * (truncated, hostile, too big) leaves the database as it was, and
 * --dry-run is the same run rolled back at the end.  Each item is
 * recorded in import_ids under (source, kind, source id), so running the
 * same file again finds it and changes nothing; an import that was
 * interrupted has written nothing and is simply run again.
 *
 * Bodies are HTML: shortcodes and captions become markup, block comments
 * go, and the result passes the allow-list of sanitize.h before it is
 * stored as the story's source with raw HTML on, so the newsroom edits
 * it as it edits any story.  Old addresses go into the redirect table.
 */
#ifndef MASTHEAD_IMPORT_H
#define MASTHEAD_IMPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct db;

struct import_report;

/* How progress is shown: not at all, by what standard error is, or forced. */
#define IMPORT_PROGRESS_NONE	0
#define IMPORT_PROGRESS_AUTO	1	/* a redrawn bar on a terminal, else lines */
#define IMPORT_PROGRESS_BAR	2
#define IMPORT_PROGRESS_LINES	3

struct import_opts {
	const char	*media_from;	/* wp-content/uploads or content/images, or NULL */
	int		 dry_run;	/* report, then roll everything back */
	int		 accounts;	/* an account for each author with an email */
	int		 members;	/* Ghost members become newsletter subscribers */
	int		 progress;	/* IMPORT_PROGRESS_*, on standard error */
	/*
	 * Called now and then (and once at the end) with the report so
	 * far, on the importing thread; NULL for none.
	 */
	void		(*tick)(void *arg, const struct import_report *);
	void		*tick_arg;
};

enum import_kind {
	IMPORT_POST,
	IMPORT_PAGE,
	IMPORT_SECTION,
	IMPORT_TAG,
	IMPORT_AUTHOR,
	IMPORT_COMMENT,
	IMPORT_MEDIA,
	IMPORT_SUBSCRIBER,
	IMPORT_REDIRECT,
	IMPORT_PIN,		/* a sticky post pinned to the front page */
	IMPORT_KIND__MAX
};

/* What a run did; import_file() zeroes it first. */
struct import_report {
	int64_t		 added[IMPORT_KIND__MAX];
	int64_t		 kept[IMPORT_KIND__MAX];	/* there from an earlier run */
	int64_t		 skipped;	/* items of a type not imported */
	int64_t		 media_missing;	/* files not found: links kept */
	int64_t		 items;		/* items read */
	int64_t		 bytes, bytes_total;	/* of the file, for the ETA */
	uint64_t	 started;	/* now_mono_usec() at the start */
	uint64_t	 shown;		/* when progress was last shown */
	int64_t		*unindexed;	/* stories whose search rows wait */
	size_t		 nunindexed, unindexed_cap;
	uint64_t	 ticked;	/* when opts->tick was last called */
	/*
	 * What a run said besides its counts, each an object {"item",
	 * "message"}: files missing, item types left out.  At most
	 * IMPORT_NOTES_MAX; the caller of import_file() frees it
	 * (json_decref), also when it failed.
	 */
	json_t		*notes;
	int64_t		 notes_dropped;	/* beyond IMPORT_NOTES_MAX */
	char		 where[96];	/* the item being read, for notes */
};

#define IMPORT_NOTES_MAX	500
/* The largest story body, before and after it is made safe. */
#define IMPORT_BODY_MAX		(16u * 1024 * 1024)

/*
 * Records a note about the item being read (rep->where) and writes it
 * to standard error as "import: MESSAGE", as the command always did.
 */
void	 import_note(struct import_report *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * import_job.c: registers the job that imports an upload of
 * /admin/import (JOB_IMPORT); at start, before jobs_start().
 */
void	 import_job_init(void);

/* "post", "page" ... as import_ids and the report name them. */
const char	*import_kind_name(enum import_kind);

/*
 * Imports the file at path into db.  0, or -1 with a sentence naming
 * the line or the item in err; nothing is written then (nor ever with
 * opts->dry_run).
 */
int	 import_file(struct db *, const char *path, const struct import_opts *,
	    struct import_report *, char *err, size_t errsz);

/* The readers: each runs inside import_file()'s transaction. */
int	 import_wxr(struct db *, const char *path, const struct import_opts *,
	    struct import_report *, char *err, size_t errsz);
/* Ghost's export as jansson read it (import_file() loads it once). */
int	 import_ghost(struct db *, json_t *root, const struct import_opts *,
	    struct import_report *, char *err, size_t errsz);
int	 import_masthead(struct db *, const char *path,
	    const struct import_opts *, struct import_report *, char *err,
	    size_t errsz);

/*
 * What the readers share (import.c).  A story or page as a reader
 * found it; strings are the reader's, json values too.
 */
#define IMPORT_MAX_OLD	12
enum import_status {
	IMPORT_DRAFT,
	IMPORT_LIVE,		/* published at published_at */
	IMPORT_SCHEDULED,	/* goes live at published_at */
	IMPORT_STATUS__MAX
};
struct import_item {
	const char	*source;	/* "wordpress:https://example.com" */
	enum import_kind kind;		/* IMPORT_POST or IMPORT_PAGE */
	const char	*source_id;
	const char	*title, *slug, *dek, *html;
	const char	*type;		/* masthead's article type */
	enum import_status status;
	int64_t		 published_at;
	const char	*section;	/* masthead section slug */
	json_t		*authors;	/* masthead author slugs */
	json_t		*tags;		/* tag names */
	const char	*hero;		/* the feature image's URL, or NULL */
	const char	*hero_caption;
	const char	*seo_title, *seo_description;	/* or NULL */
	const char	*seo_image;	/* the social image's URL, or NULL */
	json_t		*attachments;	/* WordPress: post id -> URL, or NULL */
	const char	*old[IMPORT_MAX_OLD];	/* old paths */
	size_t		 nold;
	/*
	 * The body's source and page HTML when made already (import_body),
	 * or NULL; import_item_put takes their memory.
	 */
	struct buf	*made_md, *made_html;
	/* Set by import_item_put: */
	int64_t		 id;
	char		 path[300];	/* the new address */
};

/*
 * The source (safe HTML the newsroom edits, raw HTML on) of an imported
 * body into md, and the page's HTML into page (buffers the caller made
 * with buf_init and frees).  -1 when it is too big.  Without
 * o->media_from it reads nothing of db, attachments or rep (they may be
 * NULL), so it may run on a thread of its own.
 */
int	 import_body(struct db *, const struct import_opts *,
	    struct import_report *, json_t *attachments, const char *html,
	    struct buf *md, struct buf *page);
/*
 * A Yoast SEO title or description with its variables replaced:
 * %%title%%, %%sitename%%, %%excerpt%%, %%sep%% ("-") and %%page%% ("").
 * Runs of blanks become one.  -1 (no override) when another variable is
 * left or nothing remains.
 */
int	 import_yoast(const char *tpl, const char *title, const char *site,
	    const char *excerpt, char *out, size_t outsz);
/*
 * Writes it (when source_id is new), its redirects and its source id.
 * 0 added, 1 there already (id and path set all the same), -1 with err.
 */
int	 import_item_put(struct db *, const struct import_opts *,
	    struct import_report *, struct import_item *, char *err,
	    size_t errsz);
/*
 * A section, author or tag: found by source id, else by slug, else
 * added.  *id is its id, out its slug.  parent: a section's (0: top).
 */
int	 import_section(struct db *, struct import_report *, const char *source,
	    const char *source_id, const char *slug, const char *name,
	    const char *description, int64_t parent, int64_t *id, char *out,
	    size_t outsz);
int	 import_author(struct db *, const struct import_opts *,
	    struct import_report *, const char *source, const char *source_id,
	    const char *slug, const char *name, const char *email,
	    const char *bio, char *out, size_t outsz);
/*
 * Makes the image at url (in --media-from) the hero image of article id,
 * with caption when not NULL; nothing when the file is not there.
 */
int	 import_hero(struct db *, const struct import_opts *,
	    struct import_report *, int64_t id, const char *url,
	    const char *caption);
/*
 * Pins the stories of sticky ([[article id, published at] ...], any
 * order) to the front page's free slots (/admin/front), the newest
 * first, the lead's slot first; the newsroom's pins stay, and what does
 * not fit is left out.  0 or -1.
 */
int	 import_pins(struct db *, struct import_report *, json_t *sticky);
/*
 * Whether a [gallery ids="..."] of html names an attachment not in
 * attachments (yet): its story is made again with import_rebody() once
 * the file is read, as attachments may follow the posts that show them.
 */
int	 import_gallery_pending(const char *html, json_t *attachments);
/* Makes the body of story id again from html; 0 or -1. */
int	 import_rebody(struct db *, const struct import_opts *,
	    struct import_report *, int64_t id, const char *html,
	    json_t *attachments);
/* An old path for new_path (counted; a path already there is kept). */
int	 import_redirect(struct db *, struct import_report *, const char *old,
	    const char *new_path);
/*
 * Percent-decodes s[0..n) into out (%00 and bad escapes are kept as
 * they are), cut to outsz.
 */
void	 import_unescape(const char *s, size_t n, char *out, size_t outsz);
/*
 * The path of an old URL ("https://x.org/a/b/?q" -> "/a/b/?q"),
 * percent-decoded, into out; "" when it has none.
 */
void	 import_url_path(const char *url, char *out, size_t outsz);
/*
 * A slug of ours from an old one (percent-decoded; letters outside
 * ASCII left out), else from the title, else from fallback.
 */
void	 import_slug(const char *old, const char *title,
	    const char *fallback, char *out, size_t outsz);
/* "2021-05-12 10:00:00" or ISO 8601 with Z or an offset; 0 if neither. */
int64_t	 import_time(const char *);
/* Shows progress now and then (every time when last). */
void	 import_progress(const struct import_opts *, struct import_report *,
	    int last);
/*
 * A comment of an imported story: status "approved", "pending",
 * "rejected"; parent 0 for a top comment (a reply under one that is not
 * approved goes to the top).  *id is the new comment's.
 */
int	 import_comment(struct db *, struct import_report *, const char *source,
	    const char *source_id, int64_t article, int64_t parent,
	    const char *name, const char *email, const char *text,
	    const char *status, int64_t at, int64_t *id);

#endif
