/*
 * store.h — the content store: every read and write of content goes
 * through these functions, which speak to the database only through db.h.
 *
 * Reads return jansson values shaped for view models: a row is an object
 * whose keys are the column names (integers stay integers, NULL is null).
 * The caller owns every returned json_t (json_decref).
 */
#ifndef MASTHEAD_STORE_H
#define MASTHEAD_STORE_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND,
	STORE_INVALID,		/* input failed validation; nothing changed */
	STORE_CONFLICT,		/* a unique value is taken */
	STORE_BUSY,		/* database unreachable or locked */
	STORE_ERROR,
	STORE__MAX
};

/* store.c — shared helpers */
int	 store_rc_from_db(int db_rc);
/* The current row as an object keyed by column name; caller owns it. */
json_t	*store_row_json(struct db_stmt *);
/* Runs a bound statement and collects all rows into an array (caller owns). Resets st. */
int	 store_rows_json(struct db_stmt *, json_t **out);
/* Runs a bound statement and returns its first row or STORE_NOTFOUND. Resets st. */
int	 store_row1_json(struct db_stmt *, json_t **out);
/* Runs sql with one integer (or text) parameter: all rows, or the first. */
int	 store_rows_by_id(struct db *, const char *sql, int64_t, json_t **out);
int	 store_rows_by_text(struct db *, const char *sql, const char *, json_t **out);
int	 store_row_by_text(struct db *, const char *sql, const char *, json_t **out);
/* The first column of the first row of sql run with one integer; 0 when none. */
int64_t	 store_scalar(struct db *, const char *sql, int64_t arg);
const char *store_setting(struct db *, const char *key, const char *dflt, char *tmp, size_t tmpsz);

/* store_article.c */
/*
 * Rebuilds the listing rows of one article (section_articles for its
 * section and each ancestor, and the published_at copies in
 * article_authors and article_tags) from its current status.  Call after
 * any write that changes an article's status, time, section, authors or tags.
 */
int	 store_article_reindex(struct db *, int64_t article_id);


/* A position in a keyset-paginated list: rows strictly older than (t, id). */
struct cursor {
	int64_t	t;
	int64_t	id;
};
#define CURSOR_FIRST	{ INT64_MAX, INT64_MAX }

/* Parses "T.ID" (as store_cursor_format writes it); -1 if malformed. */
int	 store_cursor_parse(const char *, struct cursor *);
/* Writes "T.ID" into out (at least 48 bytes). */
void	 store_cursor_format(const struct cursor *, char *out, size_t outsz);

enum list_by {
	LIST_LATEST,	/* every published article */
	LIST_SECTION,	/* key: section id (includes sub-sections) */
	LIST_AUTHOR,	/* key: author id */
	LIST_TAG,	/* key: tag id */
	LIST_TYPE,	/* type: article type */
	LIST__MAX
};

/*
 * Published articles, newest first, older than *cur, at most limit of
 * them, each a list row (title, dek, section, first author, image,
 * comment_count ...).  type, when not NULL, narrows any list to one type.
 * *next is set to the cursor of the following page, or t = 0 when none.
 */
int	 store_article_list(struct db *, enum list_by, int64_t key,
	    const char *type, const struct cursor *cur, int limit, int64_t now,
	    json_t **out, struct cursor *next);
/* The newest few articles of each top-level topic section, in one query. */
int	 store_home_sections(struct db *, int per_section, int64_t now, json_t **out);
/* When the next story dated in the future goes live (0: none). */
int64_t	 store_next_publish(struct db *, int64_t now);
/* One published article with its section, image and sponsor. */
int	 store_article_get(struct db *, const char *slug, int64_t now, json_t **out);
int	 store_article_authors(struct db *, int64_t article_id, json_t **out);
int	 store_article_tags(struct db *, int64_t article_id, json_t **out);

/* store_search.c — the full-text index of published stories */
/*
 * Writes the index row of one article from its current state (none when
 * it is not published).  store_article_reindex() calls it, so it runs in
 * the transaction of every article write.
 */
int	 store_search_index(struct db *, int64_t article_id);
/*
 * Rebuilds the whole index in one write transaction, calling progress
 * (may be NULL) with the articles done and their total after each batch.
 */
int	 store_search_rebuild(struct db *, void (*progress)(int64_t, int64_t));
/* 1 when the index is empty but published stories exist (it needs a rebuild). */
int	 store_search_missing(struct db *);
struct search_params {
	const char	*match;		/* the engine's query (search_query()) */
	int64_t		 now;
	int64_t		 from, to;	/* published in [from, to) */
	const char	*type;		/* NULL: any */
	int64_t		 section;	/* 0: any; sub-sections included */
	int64_t		 author;	/* 0: any */
	int		 by_date;	/* newest first, else most relevant first */
	int		 limit, offset;
};
/*
 * Live published stories matching p->match, each a list row plus
 * "title_marked" and "snippet_marked" (matched words between
 * SEARCH_MARK_OPEN and SEARCH_MARK_CLOSE, not escaped).
 */
int	 store_search(struct db *, const struct search_params *, json_t **out);
/*
 * Up to limit live stories related to the article: sharing its tags, or
 * in its section, ranked by the tags they share, then by the words of
 * the article's title their title shares, then newest first: id, slug,
 * title, published_at, section_id.  The ids of the article's tags the
 * candidates came from are put in tag_ids (room for 6) and their number
 * in *ntags, for the page's cache dependencies.
 */
int	 store_search_related(struct db *, int64_t article_id, const char *title,
	    int64_t section, int limit, int64_t now, json_t **out,
	    int64_t *tag_ids, int *ntags);

/* store_site.c — sections, authors, tags, menus, settings, pages, promos */
int	 store_settings(struct db *, json_t **out);	/* object key -> value */
int	 store_menu(struct db *, const char *menu, json_t **out);	/* flat rows by parent, position */
int	 store_section_get(struct db *, const char *slug, json_t **out);
int	 store_section_children(struct db *, int64_t id, json_t **out);
/* The section and its ancestors, root first (for breadcrumbs). */
int	 store_section_path(struct db *, int64_t id, json_t **out);
int	 store_sections_all(struct db *, json_t **out);
int	 store_author_get(struct db *, const char *slug, json_t **out);
/* Authors ordered by name (and id), after the author with id after (0: from the start). */
int	 store_authors_list(struct db *, int64_t after, int limit, json_t **out);
int	 store_tag_get(struct db *, const char *slug, json_t **out);
int	 store_author_slug(struct db *, int64_t id, char *out, size_t outsz);
/* Menu items (inside the caller's write transaction). */
int	 store_menu_item_get(struct db *, int64_t id, json_t **out);
int	 store_menu_item_add(struct db *, const char *menu, int64_t parent,
	    int64_t position, const char *label, const char *url, int64_t *id);
/* NULL label or url, or position < 0, keeps that field. */
int	 store_menu_item_update(struct db *, int64_t id, const char *label,
	    const char *url, int64_t position);
int	 store_menu_item_delete(struct db *, int64_t id);
int	 store_page_get(struct db *, const char *slug, json_t **out);
/* The promo of the section or of its nearest ancestor that has one, else a site-wide one. */
int	 store_promo_for_section(struct db *, int64_t section_id, json_t **out);

/* store_event.c — events and webinars */
#define EVENT_MAX_DAYS	90	/* the longest an event may run */
enum when {
	WHEN_UPCOMING,	/* not yet over, soonest first */
	WHEN_PAST,	/* over, newest first */
	WHEN__MAX
};
int	 store_events(struct db *, enum when, int64_t now, int64_t before,
	    int limit, json_t **out);
/* When the next event (webinar) ends and so leaves the upcoming lists (0: none). */
int64_t	 store_events_next_end(struct db *, int64_t now);
int64_t	 store_webinars_next_end(struct db *, int64_t now);
int	 store_event_get(struct db *, const char *slug, json_t **out);
int	 store_webinars(struct db *, enum when, int64_t now, int64_t before,
	    int limit, json_t **out);
int	 store_webinar_get(struct db *, const char *slug, json_t **out);

/* store_write.c — writing articles (inside the caller's write transaction) */
struct buf;
/* "Hello, World!" -> "hello-world" (at most 80 characters). */
void	 store_slugify(const char *, char *out, size_t outsz);
/*
 * Creates a draft from validated input (title, slug, dek, body_md,
 * section, type, authors[], tags[], hero_*, sponsor, signoff); body_html
 * is the rendered body_md.  STORE_INVALID for an unknown section, author
 * or sponsor; STORE_CONFLICT for a taken slug.
 */
int	 store_article_create(struct db *, json_t *in, const char *body_html,
	    int64_t *id);
/* Changes the fields present in in (NULL body_html: body unchanged). */
int	 store_article_update(struct db *, int64_t id, json_t *in,
	    const char *body_html);
/* Publishes at Unix time at (in the future: it goes live then). */
int	 store_article_publish(struct db *, int64_t id, int64_t at);
int	 store_article_unpublish(struct db *, int64_t id);
/* Every field an editor sees, drafts included. */
int	 store_article_admin_get(struct db *, int64_t id, json_t **out);
int	 store_article_has_author(struct db *, int64_t id, int64_t author_id);
/* Appends the cache tags of the article and of every list it is in. */
int	 store_article_deps(struct db *, int64_t id, struct buf *tags);

/* store_user.c — accounts and API tokens */
struct user;
/* Adds a user; STORE_CONFLICT when the email is taken, STORE_NOTFOUND for an unknown author slug. */
int	 store_user_add(struct db *, const char *email, const char *name,
	    const char *password_hash, int role, const char *author_slug,
	    int64_t *id);
int	 store_user_list(struct db *, json_t **out);
int	 store_user_set_role(struct db *, const char *email, int role);
/* Stores a token hash for the user with that email. */
int	 store_token_add(struct db *, const char *email, const char *name,
	    const char *hash);
int	 store_user_by_token(struct db *, const char *hash, struct user *);
/* The account of an email with its password hash (hashsz >= 128). */
int	 store_user_by_email(struct db *, const char *email, struct user *,
	    char *hash, size_t hashsz);
int	 store_session_add(struct db *, int64_t user_id, const char *hash,
	    int64_t now, int64_t expires);
/*
 * The account of a live session: not past its expiry, seen within idle
 * seconds.  *seen is when it was last marked seen.
 */
int	 store_user_by_session(struct db *, const char *hash, int64_t now,
	    int64_t idle, struct user *, int64_t *seen);
int	 store_session_seen(struct db *, const char *hash, int64_t now);
int	 store_session_delete(struct db *, const char *hash);

#endif
