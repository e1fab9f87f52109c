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
#include <stddef.h>
#include <stdint.h>

#include "status.h"	/* enum store_rc */
#include "analytics.h"	/* enum an_kind */

struct db;
struct db_stmt;

/* store_sites.c — the sites of one instance (sites.h, docs/sites.md) */
struct site;
/* The rows of sites, in their order, at most max of them. */
int	 store_sites(struct db *, struct site *out, size_t max, size_t *n);
/* Reads the sites and keeps them in memory (sites_set). */
int	 store_sites_load(struct db *);
/*
 * Adds s (s->id 0; its new id is set) or updates site s->id:
 * STORE_CONFLICT when another site has its slug or host.
 */
int	 store_site_put(struct db *, struct site *s);
/* STORE_OK when user may publish to site, STORE_NOTFOUND when not. */
int	 store_user_may_site(struct db *, int64_t user, int64_t site);
/* The slugs of the sites user is limited to ([] for none: every site). */
int	 store_user_sites(struct db *, int64_t user, json_t **out);
int	 store_user_sites_set(struct db *, int64_t user, const int64_t *sites,
	    size_t n);
/* The site an article belongs to. */
int	 store_article_site(struct db *, int64_t article, int64_t *site);
/* Moves section (a slug) and its stories to site. */
int	 store_site_adopt(struct db *, int64_t site, const char *section);
/* The top-level sections of site (id, slug, name), in their order. */
int	 store_site_sections(struct db *, int64_t site, json_t **out);
/* Gives section to site. */
int	 store_section_site(struct db *, int64_t section, int64_t site);
/* Shows an article on another site than its own (kept once). */
int	 store_article_show_on(struct db *, int64_t article, int64_t site);

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
int	 store_row_by_id(struct db *, const char *sql, int64_t, json_t **out);
int	 store_row_by_text(struct db *, const char *sql, const char *, json_t **out);
/* The first column of the first row of sql run with one integer; 0 when none. */
int64_t	 store_scalar(struct db *, const char *sql, int64_t arg);
/* Runs a bound INSERT ... RETURNING id into *id.  Resets st. */
int	 store_returning_id(struct db_stmt *, int64_t *id);
/* Runs a bound statement that must change one row: else STORE_NOTFOUND. */
int	 store_one_row(struct db *, struct db_stmt *);
const char *store_setting(struct db *, const char *key, const char *dflt, char *tmp, size_t tmpsz);

/* store_article.c */
/*
 * Rebuilds the listing rows of one article (section_articles for its
 * section and each ancestor, and the published_at copies in
 * article_authors and article_tags) from its current status.  Call after
 * any write that changes an article's status, time, section, authors or tags.
 */
int	 store_article_reindex(struct db *, int64_t article_id);
/*
 * The section rows of an article just made (store_article_create_
 * unindexed wrote its author and tag rows with its time already),
 * without the search row (its caller writes it later) and without a
 * savepoint: the caller's transaction undoes it on failure.
 */
int	 store_article_list_new(struct db *, int64_t article_id);


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
	LIST_SHOW,	/* key: show id (a podcast or a video series) */
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
/*
 * The keys (published_at, id) of the stories store_article_list() would
 * read, and the same *next, without their columns: up to limit of them
 * into keys, their number in *n.
 */
int	 store_article_keys(struct db *, enum list_by, int64_t key,
	    const char *type, const struct cursor *cur, int limit, int64_t now,
	    struct cursor *keys, int *n, struct cursor *next);
/*
 * The site whose stories this thread's lists show (docs/sites.md), set
 * per request before the page is rendered: 0 for every story (an
 * instance of one site), else that site's and those shown on it.
 */
void	 store_scope_site(int64_t site);
int64_t	 store_scope(void);
/*
 * The page before (newer than) one whose first story is *first, in the
 * same list: STORE_NOTFOUND when no story is newer; else *prev is the
 * cursor ("before") of that page, or t = 0 when it is the first page.
 */
int	 store_article_newer(struct db *, enum list_by, int64_t key,
	    const char *type, const struct cursor *first, int limit,
	    int64_t now, struct cursor *prev);
/* The top-level topic sections (id, slug, name) in the home page's order. */
int	 store_home_topics(struct db *, json_t **out);
/*
 * Published stories by approved comments written after since, most
 * first, as list rows with "recent_comments"; limit counts stories with
 * such comments before the published check, so *out may hold fewer.
 */
int	 store_most_commented(struct db *, int64_t since, int limit,
	    int64_t now, json_t **out);
/* When the next story dated in the future goes live (0: none). */
int64_t	 store_next_publish(struct db *, int64_t now);
/*
 * The front page's pins (front_pins): slot 0 the lead, 1 to
 * STORE_FRONT_TOP the top stories, the next STORE_FRONT_PICKS the editor's
 * picks (STORE_FRONT_SLOTS in all).  store_front_all gives every pin with
 * its story's title and status, for the newsroom.
 */
#define STORE_FRONT_TOP	4
#define STORE_FRONT_PICKS	4
#define STORE_FRONT_SLOTS	(1 + STORE_FRONT_TOP + STORE_FRONT_PICKS)
struct front_pin {
	int64_t	article;	/* 0: the slot is empty */
	int64_t	expires;	/* 0: no expiry */
};
/*
 * What the home page reads at every render, its lists being fragments:
 * the pins that show now (story published and live, pin not expired) as
 * list rows with "position" (the slot), in slot order; when the first of
 * them expires (0: none); the featured_video setting; and, with
 * most_limit above 0, store_most_commented(most_since, most_limit), all
 * at now.  On PostgreSQL they travel in one pipeline:
 * one round trip where they took four.  The caller owns pins and most
 * (both NULL on an error); video is "" when the setting is not set.
 */
struct home_reads {
	int64_t	 now;
	int64_t	 most_since;
	int	 most_limit;	/* 0: without Most commented */
	int64_t	 next_expiry;	/* out; 0: no pin expires */
	json_t	*pins;		/* out */
	json_t	*most;		/* out */
	char	 video[256];	/* out */
};
int	 store_home_reads(struct db *, struct home_reads *);
int	 store_front_all(struct db *, json_t **out);
/*
 * Replaces every pin with pins[0..STORE_FRONT_SLOTS - 1] inside the caller's
 * transaction; STORE_NOTFOUND (*bad: the slot) when a story is not a
 * published one.
 */
int	 store_front_set(struct db *, const struct front_pin *pins, int *bad);
/* The newest published stories (id, title, published_at) to pin. */
int	 store_front_choices(struct db *, int limit, json_t **out);
/* One published article with its section, image and sponsor. */
int	 store_article_get(struct db *, const char *slug, int64_t now, json_t **out);
/* The same of any article by id, drafts too (the newsroom's preview). */
int	 store_article_get_any(struct db *, int64_t id, json_t **out);
int	 store_article_authors(struct db *, int64_t article_id, json_t **out);
int	 store_article_tags(struct db *, int64_t article_id, json_t **out);
/*
 * Both of the above at once, in one round trip on PostgreSQL; the caller
 * owns both (both NULL on an error).
 */
int	 store_article_authors_tags(struct db *, int64_t article_id,
	    json_t **authors, json_t **tags);
/*
 * The comments an article page opens on, asked of store_article_page so
 * that on PostgreSQL they travel with the story (read by its slug).
 */
enum comments_order {
	COMMENTS_NEWEST,	/* as store_comments_page, newest first */
	COMMENTS_OLDEST,	/* as store_comments_page, oldest first */
	COMMENTS_ROOTS		/* as store_comments_roots */
};
struct comments_ask {
	enum comments_order order;
	struct cursor	 cur;
	int		 limit;
	int		 featured_max;	/* 0: without the featured comments */
	json_t		*rows;		/* out; the caller owns it */
	json_t		*featured;	/* out, with featured_max; the caller's */
	struct db_stmt	*st[2];		/* the store's own */
};
/*
 * store_article_get with the story's authors and tags, when site is not
 * NULL the site it belongs to, and when comments is not NULL the
 * comments it asks for, all read by its slug, so that on PostgreSQL
 * they travel in one pipeline: one round trip where the article, then
 * its authors and tags, then its site, then its comments took four (on
 * SQLite, by id, one after the other).  The caller owns the values (all
 * NULL on an error); STORE_NOTFOUND when no published story has the
 * slug.
 */
int	 store_article_page(struct db *, const char *slug, int64_t now,
	    json_t **article, json_t **authors, json_t **tags, int64_t *site,
	    struct comments_ask *);

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
	const char	*q;		/* the reader's text (search.h) */
	int64_t		 now;
	int64_t		 from, to;	/* published in [from, to) */
	const char	*type;		/* NULL: any */
	int64_t		 section;	/* 0: any; sub-sections included */
	int64_t		 author;	/* 0: any */
	int		 by_date;	/* newest first, else most relevant first */
	int		 limit, offset;
	int64_t		 lo;		/* the store's bound of the window; 0: not yet */
	int64_t		 counted;	/* matches the page's statement counted + 1; 0: not */
	int		 partial;	/* the count stopped at the window: more may match */
};
/*
 * Live published stories matching the reader's text p->q, written in the
 * engine's query syntax here (search_query()), each a list row plus
 * "title_marked" and "snippet_marked" (matched words between
 * SEARCH_MARK_OPEN and SEARCH_MARK_CLOSE, not escaped).
 */
int	 store_search(struct db *, struct search_params *, json_t **out);
/*
 * How many stories store_search() would find for p, counting no further
 * than p->limit past p->offset: the page shows "More than 500" rather
 * than count a match that no page reaches.  Both find the window of
 * matches they search (see store_search.c) and keep it in p->lo, so
 * the second call with the same p does not look for it again.  On
 * PostgreSQL the page's statement counts the window too (p->counted),
 * and so does SQLite's page when a filter's ids were read first: the
 * count is then taken from it.  On PostgreSQL a word in many stories is
 * counted within its window only, and p->partial says so.
 */
int	 store_search_count(struct db *, struct search_params *, int64_t *n);
/*
 * Up to limit (at most 5) live stories related to the article: sharing
 * one of its tags tag_ids (ntags of them, at most 6), or in its section,
 * ranked by the tags they share, then by the words of the article's
 * title their title shares, then newest first: id, slug, title,
 * published_at, section_id.  The page depends on the lists of those tags
 * and of the section.
 */
int	 store_search_related(struct db *, int64_t article_id, const char *title,
	    int64_t section, const int64_t *tag_ids, int ntags, int limit,
	    int64_t now, json_t **out);

/* store_site.c — sections, authors, tags, menus, settings, pages, promos */
int	 store_settings(struct db *, json_t **out);	/* object key -> value */
int	 store_menu(struct db *, const char *menu, json_t **out);	/* flat rows by parent, position */
int	 store_section_get(struct db *, const char *slug, json_t **out);
int	 store_section_children(struct db *, int64_t id, json_t **out);
/* The section and its ancestors, root first (for breadcrumbs). */
int	 store_section_path(struct db *, int64_t id, json_t **out);
int	 store_sections_all(struct db *, json_t **out);
int	 store_author_get(struct db *, const char *slug, json_t **out);
/* The author of that name, ignoring case (the first added, when several). */
int	 store_author_by_name(struct db *, const char *name, json_t **out);
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
/* Which webinars a list holds: a topic (a section's id) and a series. */
struct webinar_filter {
	int64_t		 topic;		/* 0: any */
	const char	*series;	/* a series_slug; NULL or "": any */
};
/* store_webinars() of those f keeps (f NULL: all). */
int	 store_webinars_in(struct db *, enum when, int64_t now, int64_t before,
	    int limit, const struct webinar_filter *f, json_t **out);
/* The series of that slug: {"series": its name}; STORE_NOTFOUND when none. */
int	 store_webinar_series(struct db *, const char *slug, json_t **out);
int	 store_webinar_get(struct db *, const char *slug, json_t **out);

/* An event as the newsroom writes it; times are Unix seconds. */
struct event_input {
	const char	*slug, *name, *kind, *summary, *body_md, *body_html;
	const char	*timezone, *venue, *url;
	/* Where the venue is, as a postal address; country: "US". */
	const char	*street_address, *locality, *region, *postal_code;
	const char	*country;
	const char	*image;		/* an uploaded image's hash; "" or NULL: none */
	int64_t		 starts_at, ends_at, sponsor_id;	/* 0: none */
	int		 online;
};
struct webinar_input {
	const char	*slug, *title, *series, *summary, *body_md, *body_html;
	const char	*recording_url;
	const char	*join_url;	/* the live session's address; "": none yet */
	const char	*series_slug;	/* /webinars?series=; "": none */
	int64_t		 topic_id;	/* a section, /webinars?topic=; 0: none */
	const char	*image;		/* an uploaded image's hash; "" or NULL: none */
	int64_t		 starts_at, duration_min, sponsor_id;	/* 0: none */
};
/* Every event or webinar, latest start first, for the newsroom's lists. */
int	 store_events_admin(struct db *, json_t **out);
int	 store_webinars_admin(struct db *, json_t **out);
/* One with its Markdown and sponsor id, for the editor. */
int	 store_event_by_id(struct db *, int64_t id, json_t **out);
int	 store_webinar_by_id(struct db *, int64_t id, json_t **out);
/*
 * Adds (*id 0; *id is set) or changes one.  STORE_CONFLICT when the slug
 * is taken, STORE_NOTFOUND when there is no such row.
 */
int	 store_event_save(struct db *, int64_t *id, const struct event_input *);
int	 store_webinar_save(struct db *, int64_t *id,
	    const struct webinar_input *);

/* store_registration.c — agendas and registrations (docs/events.md) */
enum reg_kind {
	REG_EVENT,
	REG_WEBINAR,
	REG__MAX
};
/* A session of an agenda: day, times in the event's own zone. */
struct session_input {
	const char	*day, *start_time, *end_time;
	const char	*title, *speakers, *description;
};
struct registration_input {
	const char	*email, *name, *company, *job_title;
	const char	*answers;	/* JSON array of {q, a} */
	const char	*consent, *consent_ip;
};
/* An event's sessions in order: day, start_time, end_time, title, ... */
int	 store_event_sessions(struct db *, int64_t event, json_t **out);
/* Replaces an event's agenda (inside the caller's transaction). */
int	 store_event_sessions_set(struct db *, int64_t event,
	    const struct session_input *, size_t n);
/* store_hub.c — sponsored hubs and show hubs (docs/hubs.md) */
/* A hub's fields as the newsroom saves them; 0 leaves an id or an end out. */
struct hub_row {
	const char	*slug;
	const char	*kind;		/* "sponsored" or "show" */
	const char	*title;
	const char	*intro;
	int64_t		 sponsor_id;
	const char	*disclosure;
	int64_t		 logo_id;
	int64_t		 starts_at;
	int64_t		 ends_at;
	const char	*venue;
};
/* A hub with its sponsor and logo, by slug or id; STORE_NOTFOUND. */
int	 store_hub_get(struct db *, const char *slug, json_t **out);
int	 store_hub_by_id(struct db *, int64_t id, json_t **out);
/* Every hub with its number of items (item_count), for the newsroom. */
int	 store_hubs_all(struct db *, json_t **out);
/*
 * A hub's items readers may see at now, in order: id, position, kind,
 * item_id, slug, title, summary, item_type (a story's type, else the
 * kind), shown_at, item_sponsor.
 */
int	 store_hub_items(struct db *, int64_t hub, int64_t now, json_t **out);
/* Every item of a hub with its title ('' when gone), for the newsroom. */
int	 store_hub_items_all(struct db *, int64_t hub, json_t **out);
/* Adds (*id 0, which it sets) or updates hub *id; STORE_CONFLICT: slug. */
int	 store_hub_save(struct db *, int64_t *id, const struct hub_row *,
	    int64_t now);
/*
 * Adds item (kind "article", "resource", "webinar", "event") last:
 * STORE_NOTFOUND when it does not exist, STORE_CONFLICT when the hub has
 * it already.
 */
int	 store_hub_item_add(struct db *, int64_t hub, const char *kind,
	    int64_t item, int64_t *id);
int	 store_hub_item_get(struct db *, int64_t hub, int64_t id, json_t **out);
int	 store_hub_item_remove(struct db *, int64_t hub, int64_t id);
/* Swaps item id with the one above it (dir < 0) or below (dir > 0). */
int	 store_hub_item_move(struct db *, int64_t hub, int64_t id, int dir);
/* Up to 20 published stories whose title holds q, newest first. */
int	 store_hub_find_articles(struct db *, const char *q, json_t **out);
/* A live blog's newest limit posts, newest first (deleted ones too on ask). */
int	 store_live_posts(struct db *, int64_t hub, int with_deleted, int limit,
	    json_t **out);
int	 store_live_post_add(struct db *, int64_t hub, const char *md,
	    const char *html, int64_t author, int64_t now, int64_t *id);
/* Edits post id (html NULL: deletes it); STORE_NOTFOUND when gone. */
int	 store_live_post_update(struct db *, int64_t hub, int64_t id,
	    const char *md, const char *html, int64_t now);
/*
 * store_analytics.c — page views (docs/analytics.md).  Days are UTC
 * "YYYY-MM-DD"; since is the first day counted.  Each read returns
 * rows the caller owns.
 */
/* Writes the views counted in memory (jobs thread only); folds old ones. */
int	 store_analytics_flush(struct db *);
/* Folds the raw views older than analytics_raw_days into daily counts. */
int	 store_analytics_fold(struct db *, int64_t now);
/* {views, visitors} of every page since the day. */
int	 store_analytics_totals(struct db *, const char *since, json_t **out);
/* The most viewed stories or sections: slug, title, views, visitors. */
int	 store_analytics_top(struct db *, enum an_kind, const char *since,
	    int limit, json_t **out);
/* Views by referrer, host, device or country: val, views. */
int	 store_analytics_by(struct db *, const char *dim, const char *since,
	    int limit, json_t **out);
/*
 * Views by country, of every page (kind NULL) or of one: val (two
 * letters), today_count, week_count and month_count, the views since
 * the days today, week and month (the earliest); most viewed in the
 * month first.
 */
int	 store_analytics_countries(struct db *, const char *kind,
	    const char *slug, const char *today, const char *week,
	    const char *month, int limit, json_t **out);
/* {views, visitors} of the views since the time (unix seconds). */
int	 store_analytics_right_now(struct db *, int64_t since, json_t **out);
/* One page's days: day, views, visitors, seconds, beacons. */
int	 store_analytics_page_days(struct db *, enum an_kind, const char *slug,
	    const char *since, json_t **out);
/*
 * The Most Read block: the stories of the last 24 hours (*days 1), or of
 * 7 days (*days 7) when fewer than min were read in 24 hours.
 */
int	 store_most_read_block(struct db *, int64_t now, int min, int limit,
	    json_t **out, int *days);
/*
 * Each sponsor's stories and hubs since the day: sponsor_name, kind
 * ("story" or "hub"), slug, title, view_count, visitor_count (stories),
 * click_count (hubs).
 */
int	 store_analytics_sponsors(struct db *, const char *since, json_t **out);
/* The story of the slug for its report: id, slug, title, status. */
int	 store_analytics_article(struct db *, const char *slug, json_t **out);
/* The most read published stories since the day: slug, title, views. */
int	 store_most_read(struct db *, const char *since, int64_t now,
	    int limit, json_t **out);
/* A hub's counts per day: day, view_count, click_count, oldest first. */
int	 store_hub_stats(struct db *, int64_t hub, json_t **out);
/*
 * Counts a view (click 0) or a click of the hub slug[0..len), in
 * memory: any thread, no database.  store_hub_flush adds what was
 * counted to hub_stats under now's day, in a transaction of its own.
 */
void	 store_hub_count(const char *slug, size_t len, int click);
int	 store_hub_flush(struct db *, int64_t now);
/* store_show.c — podcasts and video series (docs/media.md) */
struct show_input {
	const char	*slug;
	const char	*kind;		/* "podcast" or "video" */
	const char	*title;
	const char	*description;
	const char	*image;		/* artwork's hash, "" for none */
	const char	*author;
	const char	*email;
	const char	*category;	/* Apple's, "News > Tech News" */
	int		 explicit_;
	int64_t		 position;
};
/* kind NULL: every show, podcasts and video series apart. */
int	 store_shows(struct db *, const char *kind, json_t **out);
int	 store_show_get(struct db *, const char *slug, json_t **out);
/* Makes the show, or changes the one with that slug; *id is its id. */
int	 store_show_save(struct db *, const struct show_input *, int64_t now,
	    int64_t *id);
/* store_award.c — awards programmes, entries and judging (docs/awards.md) */
enum award_sql {
	AWARD_PROG_BY_YEAR,	/* a published programme of a year */
	AWARD_PROGS_PUBLIC,	/* the published programmes, newest first */
	AWARD_PROG_BY_ID,
	AWARD_PROGS_ADMIN,	/* every programme with its count of entries */
	AWARD_PROG_INSERT,
	AWARD_PROG_UPDATE,
	AWARD_PROG_PUBLISH,	/* the shortlist's and winners' times */
	AWARD_EVENT,		/* whether an event (the ceremony) is */
	AWARD_CATS,		/* a programme's categories in order */
	AWARD_CAT_BY_ID,
	AWARD_CAT_INSERT,
	AWARD_CAT_UPDATE,
	AWARD_ENTRY_INSERT,
	AWARD_ENTRY_BY_TOKEN,
	AWARD_ENTRY_BY_ID,
	AWARD_ENTRY_FILE,	/* its attachment */
	AWARD_ENTRY_WITHDRAW,
	AWARD_ENTRY_MARK,	/* shortlisted, winner or submitted again */
	AWARD_ENTRIES_ADMIN,	/* filtered, with the count and sum of scores */
	AWARD_ENTRIES_PUBLIC,	/* the shortlisted and the winners */
	AWARD_JUDGE_ADD,
	AWARD_JUDGE_DEL,
	AWARD_JUDGES,		/* a programme's judges by category */
	AWARD_JUDGE_ENTRIES,	/* a judge's entries with her own scores */
	AWARD_JUDGE_MAY,	/* whether a judge judges an entry */
	AWARD_JUDGE_ANY,	/* how many categories a user judges */
	AWARD_SCORE_SET,
	AWARD_SQL__MAX
};
/* A parameter: s when not NULL, else i; null binds SQL NULL. */
struct award_arg {
	int64_t		 i;
	const char	*s;
	int		 null;
};
#define AWARD_INT(v)	{ (v), NULL, 0 }
#define AWARD_STR(v)	{ 0, (v), 0 }
#define AWARD_NULL	{ 0, NULL, 1 }
/* Runs statement q with n parameters: all its rows, or its first. */
int	 store_award_rows(struct db *, enum award_sql q,
	    const struct award_arg *, size_t n, json_t **out);
int	 store_award_row(struct db *, enum award_sql q,
	    const struct award_arg *, size_t n, json_t **out);
/*
 * Runs a write of q; *id (when not NULL) is the first column of the row
 * it returns.  STORE_NOTFOUND when it changed no row, STORE_CONFLICT on
 * a unique value taken.
 */
int	 store_award_run(struct db *, enum award_sql q,
	    const struct award_arg *, size_t n, int64_t *id);

/* store_speaker.c — an event's speakers (docs/events.md) */
#define SPEAKERS_MAX	24	/* speakers of one event */
struct speaker_input {
	const char	*name, *title, *company;
	const char	*image;		/* an image's hash, "" for none */
};
/* An event's speakers in order: name, title, company, photo_* columns. */
int	 store_event_speakers(struct db *, int64_t event, json_t **out);
/* Replaces an event's speakers (inside the caller's transaction). */
int	 store_event_speakers_set(struct db *, int64_t event,
	    const struct speaker_input *, size_t n);

/* Capacity (0: unlimited), closing time (0: the default), questions. */
int	 store_reg_settings_save(struct db *, enum reg_kind, int64_t id,
	    int64_t capacity, int64_t closes_at, const char *questions);
/*
 * Gives the seats free under the capacity (all, when it has none) to
 * the readers waiting, first come first served, at most REG_FILL_MAX at
 * once; *promoted (the caller's, also on error) is the array of their
 * registrations' ids, each to be told.  Inside the caller's transaction.
 */
#define REG_FILL_MAX	10000
int	 store_reg_fill(struct db *, enum reg_kind, int64_t target,
	    int64_t now, json_t **promoted);
/*
 * What a registration needs of an event or webinar: id, slug, title,
 * starts_at, ends_at, timezone, capacity (null: unlimited), closes_at
 * (the effective time), reg_closes_at, questions, recording_url, and the
 * counts confirmed, waitlisted, cancelled.  Caller owns *out.
 */
int	 store_reg_target(struct db *, enum reg_kind, int64_t id, json_t **out);
int	 store_reg_target_by_slug(struct db *, enum reg_kind, const char *slug,
	    json_t **out);
/*
 * Registers in->email inside the caller's write transaction, under a
 * lock of the target row: *status "confirmed" or "waitlisted" (static
 * strings), *id the registration, whose letter the caller queues
 * (registration_add does both).  STORE_CONFLICT when
 * the address is already registered (*id, *status: that registration).
 */
int	 store_registration_add(struct db *, enum reg_kind, int64_t target,
	    const struct registration_input *, int64_t now, int64_t *id,
	    const char **status);
/* One registration with kind ("event"/"webinar") and target_id. */
int	 store_registration_get(struct db *, int64_t id, json_t **out);
/* Every registration of an event or webinar, oldest first. */
int	 store_registrations_of(struct db *, enum reg_kind, int64_t target,
	    json_t **out);
/*
 * Cancels a registration inside the caller's write transaction; a seat
 * freed goes to the first waitlisted reader, whose registration is
 * *promoted (0: none), to be told.  *cancelled: 1 when this call
 * cancelled it, 0 when it was cancelled already.
 */
int	 store_registration_cancel(struct db *, int64_t id, int64_t now,
	    int64_t *promoted, int *cancelled);
/*
 * Moves a registration to target to of the same kind, confirmed there,
 * inside the caller's write transaction; a seat freed where it was goes
 * to the first waitlisted reader (*promoted, 0: none).  STORE_CONFLICT
 * when to is full or has the address already, STORE_INVALID when the
 * registration is cancelled or already to's; *why says which.
 */
int	 store_registration_move(struct db *, int64_t id, int64_t to,
	    int64_t now, int64_t *promoted, const char **why);
/*
 * Before a webinar's recording_url is set to url: when it had none, *ids
 * is the array of its confirmed registrations ({id}; the caller's), to
 * be told the recording is ready at *at, the webinar's end; else NULL.
 */
int	 store_webinar_recording_due(struct db *, int64_t webinar,
	    const char *url, json_t **ids, int64_t *at);
/*
 * For the privacy page: every registration of an address, as an array
 * of {id, kind, title, slug, status, name, company, job_title, answers
 * (a JSON array as text), consent, consent_ip, created_at}.
 */
int	 store_registrations_by_email(struct db *, const char *email,
	    json_t **out);
/*
 * Deletes registration id when it is email's (else STORE_NOTFOUND),
 * promoting the waitlist like a cancel (*promoted), inside the caller's
 * write transaction.
 */
int	 store_registration_delete(struct db *, int64_t id,
	    const char *email, int64_t *promoted);

/* store_feed.c — feeds, calendars and sitemaps */
/* body_html, hero_* and media_* of an article. */
int	 store_article_feed_extra(struct db *, int64_t id, json_t **out);
enum map_kind {
	MAP_ARTICLES,	/* published stories: id, slug, updated_at */
	MAP_SECTIONS,	/* id, slug, lastmod_at (newest story) */
	MAP_AUTHORS,
	MAP_TAGS,
	MAP__MAX
};
/* The highest id of the kind's table (0: empty); sitemaps are id ranges. */
int64_t	 store_map_max_id(struct db *, enum map_kind);
/* The rows of the kind with ids from lo to hi, by id. */
int	 store_map_slice(struct db *, enum map_kind, int64_t lo, int64_t hi,
	    int64_t now, json_t **out);
/* Unsponsored stories published after since, newest first. */
int	 store_map_news(struct db *, int64_t since, int64_t now, int limit,
	    json_t **out);
/* Static pages, events and webinars: kind, slug, lastmod_at. */
int	 store_map_pages(struct db *, json_t **out);

/* store_write.c — writing articles (inside the caller's write transaction) */
/*
 * A slug no article has nor had (an old slug still redirects): base,
 * base-2, base-3 ...; the newsroom's new stories and imports alike.
 */
int	 store_article_slug_free(struct db *, const char *base, char *out,
	    size_t outsz);
struct buf;
/* "Hello, World!" -> "hello-world" (at most 80 characters). */
void	 store_slugify(const char *, char *out, size_t outsz);
/*
 * Creates a draft from validated input, whose keys are those of
 * store_cols (store_cols.h); body_html is the rendered body_md.  The
 * fields only a creation takes (status, published_at, created_at,
 * updated_at: the demo's, never edit.c's input) default to a draft made
 * now.  STORE_INVALID for an unknown section, author, sponsor or image;
 * STORE_CONFLICT for a taken slug.
 */
int	 store_article_create(struct db *, json_t *in, const char *body_html,
	    int64_t *id);
/*
 * The same without the story's search row, for a bulk load (an import)
 * that writes every row with store_search_index() at its end: SQLite's
 * FTS5 flushes what it holds at every savepoint, so rows written one at
 * a time between other statements cost a segment each.
 */
int	 store_article_create_unindexed(struct db *, json_t *in,
	    const char *body_html, int64_t *id);
/* Changes the fields present in in (NULL body_html: body unchanged). */
int	 store_article_update(struct db *, int64_t id, json_t *in,
	    const char *body_html);
/* Publishes at Unix time at (in the future: it goes live then). */
int	 store_article_publish(struct db *, int64_t id, int64_t at);
int	 store_article_unpublish(struct db *, int64_t id);
/*
 * The Trash: trashing makes a story a draft with trashed_at set to now
 * (STORE_NOTFOUND when there is none out of the Trash); untrash takes
 * it out, still a draft; purge deletes it for good when it went to the
 * Trash at or before before (STORE_NOTFOUND otherwise).
 */
int	 store_article_trash(struct db *, int64_t id, int64_t now);
int	 store_article_untrash(struct db *, int64_t id);
int	 store_article_purge(struct db *, int64_t id, int64_t before);

/* store_trash.c */
/* What can go to the Trash. */
enum trash_kind {
	TRASH_ARTICLE,
	TRASH_EVENT,
	TRASH_WEBINAR,
	TRASH_RESOURCE,
	TRASH__MAX
};
#define TRASH_LIST_MAX_S	"500"	/* rows of the Trash's list */
/*
 * For events, webinars and resources (stories have their own, above):
 * put sets trashed_at to now, take clears it (each STORE_NOTFOUND when
 * the row is not out of, or in, the Trash); purge deletes the row of any
 * kind, with what depends on it, when it went to the Trash at or before
 * before.  of is the row's id, slug, title and trashed_at.  The list is
 * of every kind (kind "article", "event", "webinar" or "resource"; NULL
 * or "" for all), the latest first.
 */
int	 store_trash_put(struct db *, enum trash_kind, int64_t id, int64_t now);
int	 store_trash_take(struct db *, enum trash_kind, int64_t id);
int	 store_trash_purge(struct db *, enum trash_kind, int64_t id,
	    int64_t before);
int	 store_trash_of(struct db *, enum trash_kind, int64_t id, json_t **out);
int	 store_trash_list(struct db *, const char *kind, json_t **out);
/*
 * How many menu items link to path ("/events/<slug>"): the site's menus
 * leave out a link to a row in the Trash, so a move changes them too.
 */
int	 store_trash_in_menu(struct db *, const char *path, int *n);
/* Every field an editor sees, drafts included. */
int	 store_article_admin_get(struct db *, int64_t id, json_t **out);
int	 store_article_has_author(struct db *, int64_t id, int64_t author_id);
/* Appends the cache tags of the article and of every list it is in. */
int	 store_article_deps(struct db *, int64_t id, struct buf *tags);

/* store_newsroom.c — the newsroom's lists, revisions, old slugs, images */
/* Filters of the newsroom's article list; "" turns one off. */
struct admin_filter {
	const char	*status;	/* draft, scheduled, published */
	const char	*section;	/* section slug */
	const char	*author;	/* author slug */
	const char	*type;
	const char	*q;		/* words of the title */
};
/* Articles of every status, last changed first, keyset-paginated on (updated_at, id). */
int	 store_admin_articles(struct db *, const struct admin_filter *,
	    int64_t now, const struct cursor *, int limit, json_t **out,
	    struct cursor *next);
/* Keeps the article as it is now as a new revision by user_id (0: none). */
int	 store_revision_add(struct db *, int64_t article_id, int64_t user_id,
	    const char *note, int64_t *id);
int	 store_revisions(struct db *, int64_t article_id, json_t **out);
int	 store_revision_get(struct db *, int64_t id, json_t **out);
/* The revision of the article before id (0: none). */
int64_t	 store_revision_before(struct db *, int64_t article_id, int64_t id);

/*
 * store_review.c — autosaves and the review workflow.  An autosave is a
 * revision of kind autosave, one per article and writer: putting one
 * replaces the writer's last.  The article's row never changes.
 */
int	 store_autosave_put(struct db *, int64_t article_id, int64_t user_id,
	    const char *data, int64_t at);
int	 store_autosave_drop(struct db *, int64_t article_id, int64_t user_id);
/* The writer's autosave {id, data, created_at} if newer than the last save. */
int	 store_autosave_get(struct db *, int64_t article_id, int64_t user_id,
	    json_t **out);
/*
 * Sets a draft's review state ("none", "ready", "changes") with the
 * editor's note, the time it was submitted (0: none) and by whom.
 */
int	 store_review_set(struct db *, int64_t id, const char *state,
	    const char *note, int64_t at, int64_t user_id);
/* Drafts ready for review, oldest submission first (at most limit). */
int	 store_review_queue(struct db *, int limit, json_t **out);
int64_t	 store_review_count(struct db *);
/* The editors and admins who can sign in: {id, email, display_name}. */
int	 store_reviewers(struct db *, json_t **out);
int	 store_user_contact(struct db *, int64_t id, json_t **out);
/* The site setting "authors may publish without review" (default no). */
int	 store_authors_publish(struct db *);

/* Records that the article was published under old (its URL redirects). */
int	 store_slug_moved_from(struct db *, const char *old, int64_t article_id);
/* Forgets old slug when an article takes it again. */
int	 store_slug_taken_again(struct db *, const char *slug);
/* The current slug of the live article once published under slug. */
int	 store_slug_moved(struct db *, const char *slug, int64_t now,
	    char *out, size_t outsz);
struct image_row {
	const char	*hash;		/* 64 hex digits of the uploaded bytes */
	const char	*mime;
	const char	*ext;		/* of <hash>.<ext> and <hash>-<w>.<ext> */
	int64_t		 width, height, bytes;
	const char	*alt;
	const char	*widths;	/* "320,640" */
	const char	*caption, *credit;	/* NULL: empty */
	const char	*filename;	/* as uploaded; NULL: empty */
	int64_t		 uploaded_by;	/* users.id; 0: none */
};
int	 store_sponsors_all(struct db *, json_t **out);
/* Author profiles and sponsors; STORE_CONFLICT for a taken slug. */
int	 store_author_add(struct db *, const char *slug, const char *name,
	    const char *role, const char *company, const char *bio, int64_t *id);
int	 store_author_update(struct db *, int64_t id, const char *name,
	    const char *role, const char *company, const char *bio);
int	 store_sponsor_add(struct db *, const char *slug, const char *name,
	    const char *url, int64_t *id);
int	 store_sponsor_update(struct db *, int64_t id, const char *name,
	    const char *url);
/* Static pages (About Us ...): all, one by id, and add (*id 0) or change. */
int	 store_pages_all(struct db *, json_t **out);
int	 store_page_by_id(struct db *, int64_t id, json_t **out);
int	 store_page_save(struct db *, int64_t *id, const char *slug,
	    const char *title, const char *body_md, const char *body_html);
/*
 * Sections: a new one (parent 0: top level; STORE_CONFLICT for a taken
 * slug or an unknown parent), and a change of name, description, position.
 */
int	 store_section_add(struct db *, int64_t parent, const char *slug,
	    const char *name, const char *kind, const char *description,
	    int64_t position, int64_t *id);
int	 store_section_update(struct db *, int64_t id, const char *name,
	    const char *description, int64_t position);
/* The promo boxes of article bodies: all, and add (*id 0) or change. */
int	 store_promos_all(struct db *, json_t **out);
int	 store_promo_save(struct db *, int64_t *id, int64_t section,
	    const char *text, const char *link_text, const char *url, int active);
/*
 * Deletes one author profile, sponsor, static page, promo or section:
 * STORE_NOTFOUND when there is none, STORE_CONFLICT (nothing deleted)
 * while something refers to it.
 */
enum store_del {
	STORE_DEL_AUTHOR,
	STORE_DEL_SPONSOR,
	STORE_DEL_PAGE,
	STORE_DEL_PROMO,
	STORE_DEL_SECTION,
	STORE_DEL__MAX
};
int	 store_delete(struct db *, enum store_del, int64_t id);
/* Adds an image row unless one with its hash exists. */
int	 store_image_add(struct db *, const struct image_row *);
int	 store_image_get(struct db *, const char *hash, json_t **out);
/*
 * The rows whose files are under media_dir, by id after after, at most
 * limit: images (id, hash, ext, width, height, widths) or, with pdfs,
 * white papers with a file (id, slug, file_hash).
 */
int	 store_files_after(struct db *, int pdfs, int64_t after, int limit,
	    json_t **out);

/* store_media.c — the media library */
struct buf;
/* Appends the LIKE pattern ('!' escapes) finding q, lowercased, anywhere. */
void	 store_like_pattern(struct buf *, const char *q);
/*
 * The images whose alt text, caption, credit or file name has q (''
 * for all), newest first, limit of them after skipping offset.
 */
int	 store_media_list(struct db *, const char *q, int64_t offset,
	    int limit, json_t **out);
/* Sets what an image shows and who made it; STORE_NOTFOUND: no image. */
int	 store_media_meta(struct db *, const char *hash, const char *alt,
	    const char *caption, const char *credit);

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
/* The account of a token; notes the token's last use (to the minute). */
int	 store_user_by_token(struct db *, const char *hash, struct user *);
/* A named token of user_id (its hash only); *id is the new row's. */
int	 store_token_create(struct db *, int64_t user_id, const char *name,
	    const char *hash, int64_t *id);
/* Tokens (id, name, created_at, last_used_at, user_id, email,
 * display_name), newest first: user_id's, or everyone's for 0. */
int	 store_tokens_list(struct db *, int64_t user_id, json_t **out);
/* The account a token belongs to; STORE_NOTFOUND when there is no such token. */
int	 store_token_owner(struct db *, int64_t id, int64_t *user_id);
/* Deletes a token: the next request with it is refused. */
int	 store_token_revoke(struct db *, int64_t id);
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
/* Ends every session of a user ("sign out everywhere"). */
int	 store_sessions_drop_user(struct db *, int64_t user_id);
/* An account of a reader who registered on the site (not yet verified). */
int	 store_user_register(struct db *, const char *email, const char *name,
	    const char *password_hash, int64_t *id);
int	 store_user_verify(struct db *, int64_t id, int64_t now);
int	 store_user_set_password(struct db *, int64_t id, const char *hash);
/* A single-use emailed link: purpose "verify" or "reset". */
int	 store_account_token_add(struct db *, int64_t user_id,
	    const char *purpose, const char *hash, int64_t now, int64_t expires);
/* Whether the token is live (unused, unexpired); STORE_NOTFOUND if not. */
int	 store_account_token_check(struct db *, const char *purpose,
	    const char *hash, int64_t now);
/*
 * Uses a live token in one statement (so it is used once even when two
 * requests race), and every other live token of its user for the same
 * purpose with it; *user_id is its account.  STORE_NOTFOUND if not live.
 */
int	 store_account_token_use(struct db *, const char *purpose,
	    const char *hash, int64_t now, int64_t *user_id);
/*
 * The tries counted in key's window still open at now (window seconds
 * long), without counting one: *hits 0 when there are none.
 */
int	 store_ratelimit_peek(struct db *, const char *key, int64_t now,
	    int64_t window, int64_t *hits, int64_t *start);
/* Counts a try in key's window (see ratelimit.h); *hits counts this one. */
int	 store_ratelimit_hit(struct db *, const char *key, int64_t now,
	    int64_t window, int64_t *hits, int64_t *window_start);

/* store_job.c — durable background work (see jobs.h) */
struct job {
	int64_t	 id;
	char	 kind[32];
	char	*payload;	/* JSON text; the caller frees it */
	int64_t	 attempts;	/* counting this one */
};
int	 store_job_add(struct db *, const char *kind, const char *payload,
	    int64_t run_at, int64_t *id);
/* STORE_OK when some job is due now, STORE_NOTFOUND when none. */
int	 store_job_due(struct db *, int64_t now);
/* Jobs not yet done nor failed, by kind: fn(arg, kind, count) for each. */
int	 store_job_queued(struct db *, void (*fn)(void *, const char *,
	    int64_t), void *arg);
/*
 * Takes the oldest due job for worker until now + lease (inside the
 * caller's write transaction); STORE_NOTFOUND when none is due.
 */
int	 store_job_claim(struct db *, const char *worker, int64_t now,
	    int64_t lease, struct job *);
/* wipe: the payload is blanked (it held a secret, e.g. an emailed link). */
int	 store_job_done(struct db *, int64_t id, const char *worker,
	    int64_t now, int wipe);
int	 store_job_retry(struct db *, int64_t id, const char *worker,
	    int64_t run_at, const char *err);
int	 store_job_fail(struct db *, int64_t id, const char *worker,
	    int64_t now, const char *err, int wipe);
/* Who holds claims on unfinished jobs (an array of strings the caller frees). */
int	 store_job_owners(struct db *, int64_t now, char ***owners, size_t *n);
/* Ends every claim of worker: its jobs are due again. */
int	 store_job_release(struct db *, const char *worker);
/* Deletes old jobs, ended rate-limit windows, expired links and sessions. */
int	 store_housekeeping(struct db *, int64_t now);
/* store_comment.c — comments, reports, bans, moderation (writes inside the caller's transaction) */
enum comment_queue {
	CQ_PENDING,	/* waiting for a moderator */
	CQ_REPORTED,	/* reported by readers, reports not yet resolved */
	CQ_APPROVED,
	CQ_REJECTED,
	CQ__MAX
};
/* "pending" -> CQ_PENDING; -1 when unknown. */
int	 store_comment_queue_parse(const char *);
const char *store_comment_queue_name(enum comment_queue);

struct comment_new {
	int64_t		 article_id, parent_id, user_id, now;	/* parent 0: top comment */
	const char	*status;	/* "approved" or "pending" */
	const char	*body_md, *body_html, *body_hash, *held_reason, *ip;
};
/* What a change of status did, for the caller's cache tags. */
struct comment_change {
	int64_t	article_id, parent_id;
	int	was_visible;	/* it was approved before */
	int	delta;		/* change of the article's approved count */
};
/* A published article's id, slug, title, comments_mode and comment_count. */
int	 store_comment_article(struct db *, const char *slug, int64_t now, json_t **out);
/* One comment with its author, status, article slug and title. */
int	 store_comment_get(struct db *, int64_t id, json_t **out);
/*
 * Visible comments, newest or oldest first, past *cur (keyset).  With
 * featured not NULL, the featured comments (featured_max at most, as
 * store_comments_featured) come in the same round trip; the caller owns
 * both, NULL on an error.
 */
int	 store_comments_page(struct db *, int64_t article, int oldest_first,
	    const struct cursor *cur, int limit, int featured_max,
	    json_t **out, json_t **featured);
/* Visible top comments, oldest first, after *cur; featured as above. */
int	 store_comments_roots(struct db *, int64_t article, const struct cursor *cur,
	    int limit, int featured_max, json_t **out, json_t **featured);
/* Visible replies under the top comments in (after, upto], oldest first. */
int	 store_comments_thread_replies(struct db *, int64_t article,
	    const struct cursor *after, const struct cursor *upto, int limit,
	    json_t **out);
int	 store_comments_featured(struct db *, int64_t article, int limit, json_t **out);
/*
 * The comments a asks for (store_article_page): sent by the story's slug
 * (db_send), then read into a->rows and a->featured; or read by the
 * story's id, one after the other.  On an error both are NULL.
 */
int	 store_comments_ask_send(struct db *, const char *slug, int64_t now,
	    struct comments_ask *a);
int	 store_comments_ask_read(struct comments_ask *a);
int	 store_comments_ask_by_id(struct db *, int64_t article,
	    struct comments_ask *a);
int	 store_comment_replies(struct db *, int64_t id, int limit, json_t **out);
int	 store_comments_feed(struct db *, int64_t article, int limit, json_t **out);
/* A reader's own approved or pending comments on an article, newest first. */
int	 store_comments_mine(struct db *, int64_t user, int64_t article, int limit,
	    json_t **out);
/*
 * Adds a comment (a reply when parent_id is set: STORE_NOTFOUND for an
 * unknown parent, STORE_INVALID for one not approved or on another
 * article); an approved one counts at once.
 */
int	 store_comment_add(struct db *, const struct comment_new *, int64_t *id);
/* Moves a comment to status ("deleted" also wipes its text), keeping the counts. */
int	 store_comment_set_status(struct db *, int64_t id, const char *status,
	    int64_t now, struct comment_change *);
int	 store_comment_edit(struct db *, int64_t id, const char *md,
	    const char *html, const char *hash, const char *held, int64_t now);
/* Pins or unpins an approved comment; STORE_INVALID when it is not approved. */
int	 store_comment_feature(struct db *, int64_t id, int on);
/* STORE_CONFLICT when this reader already reported it. */
int	 store_comment_report(struct db *, int64_t id, int64_t user,
	    const char *reason, int64_t now);
int	 store_comment_resolve_reports(struct db *, int64_t id, int64_t now);
int64_t	 store_comment_user_approved(struct db *, int64_t user);
/* Whether user posted the same text (hash) since then. */
int	 store_comment_duplicate(struct db *, int64_t user, const char *hash,
	    int64_t since);
/* STORE_OK when user may not comment now (*until 0: for good), else STORE_NOTFOUND. */
int	 store_comment_ban_get(struct db *, int64_t user, int64_t now, int64_t *until);
/* until 0 bans for good. */
int	 store_comment_ban_set(struct db *, int64_t user, int64_t until,
	    const char *reason, int64_t by, int64_t now);
int	 store_comment_ban_lift(struct db *, int64_t user);
int	 store_comment_bans(struct db *, int64_t now, json_t **out);
int	 store_comment_log_add(struct db *, int64_t comment, int64_t target,
	    int64_t moderator, const char *action, const char *detail, int64_t now);
/* Log entries with id below before, newest first. */
int	 store_comment_log(struct db *, int64_t before, int limit, json_t **out);
/* A queue, newest first, ids below before; reported rows carry "reasons". */
int	 store_comment_queue(struct db *, enum comment_queue, int64_t before,
	    int limit, json_t **out);
int	 store_article_comments_mode(struct db *, const char *slug,
	    const char *mode, int64_t *id);
int	 store_setting_set(struct db *, const char *key, const char *value);
int	 store_user_id_by_email(struct db *, const char *email, int64_t *id);
/* store_newsletter.c — newsletters, subscribers, issues (newsletter.h) */
int	 store_newsletters(struct db *, json_t **out);
/* The newsletters of one site (docs/sites.md), as store_newsletters. */
int	 store_newsletters_of_site(struct db *, int64_t site, json_t **out);
/* Gives newsletter id to site. */
int	 store_newsletter_site(struct db *, int64_t id, int64_t site);
/* {id, slug, name, description, sections: [slug ...]} */
int	 store_newsletter_by_slug(struct db *, const char *slug, json_t **out);
int	 store_newsletter_by_id(struct db *, int64_t id, json_t **out);
/*
 * Every newsletter for the newsroom: {id, slug, name, description,
 * position, active, pending, unsubscribed (counts), last_issue}.
 */
int	 store_newsletters_admin(struct db *, json_t **out);
/*
 * A new newsletter, or new settings of one, drawing from sections (an
 * array of section slugs; none: every section).  STORE_CONFLICT when the
 * slug is taken.
 */
int	 store_newsletter_add(struct db *, const char *slug, const char *name,
	    const char *description, int64_t position, json_t *sections,
	    int64_t now, int64_t *id);
int	 store_newsletter_update(struct db *, int64_t id, const char *name,
	    const char *description, int64_t position, json_t *sections);
/* The latest issues of a newsletter, newest first. */
int	 store_issues_of(struct db *, int64_t newsletter, int64_t limit,
	    json_t **out);
/* {id, email, bounces, confirmed_at} */
int	 store_subscriber_get(struct db *, int64_t id, json_t **out);
/* The subscriber of an address, made when there is none. */
int	 store_subscriber_for_email(struct db *, const char *email,
	    int64_t now, json_t **out);
/* Every newsletter with this subscriber's status ("" when none). */
int	 store_subscriptions_of(struct db *, int64_t subscriber, json_t **out);
/* A sign-up (status and the consent agreed to), new or renewed. */
int	 store_subscription_signup(struct db *, int64_t subscriber,
	    int64_t newsletter, const char *status, const char *consent,
	    const char *ip, int64_t now);
/* Changes the status of an existing sign-up (none: nothing to do). */
int	 store_subscription_set(struct db *, int64_t subscriber,
	    int64_t newsletter, const char *status, int64_t now);
int	 store_subscriber_unsubscribe_all(struct db *, int64_t subscriber,
	    int64_t now);
/*
 * What a reader's data page shows of an address: each subscription with
 * its newsletter, status and the consent agreed to.
 */
int	 store_subscriptions_by_email(struct db *, const char *email,
	    json_t **out);
/*
 * Erases one subscription of an address, consent record included (and
 * the subscriber with its last one); STORE_NOTFOUND when there was none.
 */
int	 store_subscription_forget(struct db *, const char *email,
	    int64_t newsletter);
/* Erases the subscriber of an address and all it holds (none: OK). */
int	 store_subscriber_forget(struct db *, const char *email);
/* The address is confirmed: its pending sign-ups become active. */
int	 store_subscriber_confirm(struct db *, int64_t subscriber, int64_t now);
int	 store_subscriber_token_add(struct db *, int64_t subscriber,
	    const char *hash, int64_t now, int64_t expires);
int	 store_subscriber_token_check(struct db *, const char *hash,
	    int64_t now);
int	 store_subscriber_token_use(struct db *, const char *hash, int64_t now,
	    int64_t *subscriber);
/* One more hard failure; at limit every subscription ends. */
int	 store_subscriber_bounce(struct db *, int64_t subscriber, int64_t limit,
	    int64_t now);
int	 store_issue_add(struct db *, int64_t newsletter, const char *subject,
	    const char *intro, const char *articles, int64_t now, int64_t *id);
/* An issue with its newsletter's slug and name; articles: [id ...]. */
int	 store_issue_get(struct db *, int64_t id, json_t **out);
/* Edits a draft or scheduled issue; STORE_NOTFOUND otherwise. */
int	 store_issue_update(struct db *, int64_t id, const char *subject,
	    const char *intro, const char *articles, int64_t now);
int	 store_issue_status(struct db *, int64_t id, const char *status,
	    int64_t send_at, int64_t sent_at, int64_t now);
/*
 * The ids of stories of a newsletter's sections (all when it names
 * none) published since its last issue (at most max_age seconds ago).
 */
int	 store_issue_pick(struct db *, int64_t newsletter, int64_t now,
	    int64_t max_age, int64_t limit, json_t **ids);
/*
 * The stories ({id, published_at}) of a newsletter's sections (all when
 * it names none) published in (since, now], newest first.
 */
int	 store_newsletter_recent(struct db *, int64_t newsletter, int64_t since,
	    int64_t now, int64_t limit, json_t **out);
/* {id, slug, title, dek, published_at} of a published story. */
int	 store_article_brief(struct db *, int64_t id, json_t **out);
int	 store_issue_progress(struct db *, int64_t issue, int64_t newsletter,
	    int64_t *sent, int64_t *failed, int64_t *left);
/* Active subscribers (id > after) the issue has not been sent to yet. */
int	 store_issue_batch(struct db *, int64_t issue, int64_t newsletter,
	    int64_t after, int64_t limit, json_t **out);
/* STORE_CONFLICT when the issue already went to this subscriber. */
int	 store_delivery_add(struct db *, int64_t issue, int64_t subscriber,
	    const char *status, const char *error, int64_t now);
int	 store_delivery_fail(struct db *, int64_t issue, int64_t subscriber,
	    const char *error, int64_t now);
/* The sign-ups of a newsletter for the CSV export. */
int	 store_newsletter_export(struct db *, int64_t newsletter, json_t **out);
/*
 * The newsroom's subscriber list, newest first: {id, email, name,
 * bounces, created_at, confirmed_at}.  like: a LIKE pattern on the
 * lowercased address with '!' as its escape ("" for any); newsletter
 * (0: any) and status ("" any) of one of the subscriptions; before: the
 * last id of the previous page (0: the first page).
 */
int	 store_subscribers_list(struct db *, const char *like,
	    int64_t newsletter, const char *status, int64_t before,
	    int64_t limit, json_t **out);
/* A subscriber's sign-ups: {id, slug, name, status, consent, consent_ip,
 * created_at, updated_at} per newsletter signed up for. */
int	 store_subscriber_subscriptions(struct db *, int64_t subscriber,
	    json_t **out);
/*
 * Adds a subscriber unless the address has one: its id, or
 * STORE_NOTFOUND when the address was there already.  confirmed: when
 * the address was confirmed, 0 for not yet.
 */
int	 store_subscriber_add_new(struct db *, const char *email,
	    const char *name, int64_t now, int64_t confirmed, int64_t *id);
/* Deletes a subscriber with its sign-ups, links and deliveries. */
int	 store_subscriber_delete(struct db *, int64_t subscriber);
int	 store_subscriber_set_name(struct db *, int64_t subscriber,
	    const char *name);
/* Records that the address is confirmed (when it was not already). */
int	 store_subscriber_mark_confirmed(struct db *, int64_t subscriber,
	    int64_t now);
/* A sign-up from an imported list; consented: when consent was given. */
int	 store_subscription_import(struct db *, int64_t subscriber,
	    int64_t newsletter, const char *status, const char *consent,
	    const char *ip, int64_t consented, int64_t now);
/* The site key called name, set to fresh when it has none yet. */
int	 store_site_key(struct db *, const char *name, const char *fresh,
	    char *out, size_t outsz);

/* store_resource.c — gated resources and their leads (docs/resources.md) */
/* A resource as the newsroom writes it; published_at 0 is a draft. */
struct resource_input {
	const char	*slug, *title, *summary, *body_md, *body_html;
	const char	*cover;		/* an image's hash, "" for none */
	const char	*link_url;	/* "" when the resource is a PDF */
	int64_t		 sponsor_id;	/* 0: none */
	int64_t		 published_at, now;
};
/* A reader's request for a resource, with the consent they agreed to. */
struct lead_input {
	int64_t		 resource_id, user_id;	/* user 0: signed out */
	const char	*name, *email, *company, *job_title, *consent, *ip;
	int64_t		 now;
};
/* Published resources before the keyset bound, newest first. */
int	 store_resources(struct db *, int64_t now, const struct cursor *before,
	    int limit, json_t **out);
/* One published resource; kind is "pdf", "link" or "" (nothing yet). */
int	 store_resource_get(struct db *, const char *slug, int64_t now,
	    json_t **out);
/* The next time a resource dated in the future goes live; 0 when none. */
int64_t	 store_resources_next_publish(struct db *, int64_t now);
/* Every resource with its count of leads, for the newsroom. */
int	 store_resources_admin(struct db *, json_t **out);
/* One resource with its Markdown, sponsor id and cover hash, for its editor. */
int	 store_resource_by_id(struct db *, int64_t id, json_t **out);
/* Adds (*id 0; *id is set) or changes one; STORE_CONFLICT for a taken slug. */
int	 store_resource_save(struct db *, int64_t *id,
	    const struct resource_input *);
/* Sets the PDF of a resource (its SHA-256 in hex and its size). */
int	 store_resource_set_file(struct db *, int64_t id, const char *hash,
	    int64_t bytes, int64_t now);
/* Records a lead; *id is the new row's. */
int	 store_lead_add(struct db *, const struct lead_input *, int64_t *id);
/* A lead with its resource's slug, title, file_hash and link_url. */
int	 store_lead_get(struct db *, int64_t id, json_t **out);
/* The leads of a resource, newest first (the newsroom's list and CSV). */
int	 store_leads(struct db *, int64_t resource_id, json_t **out);
/*
 * The leads an address left (for a reader's privacy page): an array of
 * {id, title, slug, name, company, job_title, consent, consent_ip,
 * created_at}, oldest first; caller owns it.
 */
int	 store_leads_by_email(struct db *, const char *email, json_t **out);
/* Deletes lead id only when it was left by email; STORE_NOTFOUND otherwise. */
int	 store_lead_delete(struct db *, int64_t id, const char *email);
/* A reader's {company, job_title}; and setting them. */
int	 store_user_profile(struct db *, int64_t user_id, json_t **out);
int	 store_user_profile_set(struct db *, int64_t user_id,
	    const char *company, const char *job_title);


/* store_import.c — source ids of imported items, and redirects (docs/import.md) */
/* The id an item of a source became; STORE_NOTFOUND when not imported yet. */
int	 store_import_id(struct db *, const char *source, const char *kind,
	    const char *source_id, int64_t *id);
int	 store_import_id_set(struct db *, const char *source, const char *kind,
	    const char *source_id, int64_t id);
int	 store_section_slug(struct db *, int64_t id, char *out, size_t outsz);
/*
 * The newsroom's import runs (table imports, docs/import.md).  _add
 * records a queued run (STORE_CONFLICT while another is queued or
 * running); _get one run, _runs the newest limit (caller owns both);
 * _busy the id of the run queued or running, 0 when none; _start marks
 * a queued run running (STORE_NOTFOUND when it has ended); _end records
 * its outcome: report (JSON text) and error may be NULL.
 */
int	 store_import_run_add(struct db *, int64_t user_id, const char *filename,
	    const char *path, int64_t size, const char *options, int64_t *id);
int	 store_import_run_get(struct db *, int64_t id, json_t **out);
int	 store_import_runs(struct db *, int64_t limit, json_t **out);
int64_t	 store_import_run_busy(struct db *);
int	 store_import_run_start(struct db *, int64_t id);
int	 store_import_run_end(struct db *, int64_t id, int ok,
	    const char *report, const char *error);
/* Where old (a decoded path, "/?p=1" with its query) moved to. */
int	 store_redirect_get(struct db *, const char *old, char *out,
	    size_t outsz);
#define STORE_REDIRECT_MAX	1000	/* bytes of a path */
/*
 * Adds a redirect of old to new_path (local paths: one '/' first, at
 * most STORE_REDIRECT_MAX bytes, no control characters);
 * replace 0 keeps an old path already there (an import never overwrites
 * the newsroom's), 1 changes it.  STORE_INVALID for a bad path.
 */
int	 store_redirect_set(struct db *, const char *old, const char *new_path,
	    int replace);
int	 store_redirect_delete(struct db *, const char *old);
/* Redirects by old path, after after ("" from the start), at most limit. */
int	 store_redirects_list(struct db *, const char *after, int limit,
	    json_t **out);

/* store_staff.c — invitations and the first-run setup link */
struct staff_invite {
	const char	*email, *name;
	const char	*role;		/* "author" ... */
	int64_t		 author_id;	/* 0: no author profile */
	int64_t		 invited_by;	/* the admin's account */
	const char	*token_hash;
	int64_t		 now, expires;
};
/*
 * Makes (or, when invited before, updates) a pending account that cannot
 * sign in, and stores an invitation for it; earlier links of the account
 * stop working.  STORE_CONFLICT when the email has an active account.
 */
int	 store_staff_invite(struct db *, const struct staff_invite *,
	    int64_t *user_id);
/*
 * The pending account of a live invitation, {id, role, email,
 * display_name} (caller owns it); STORE_NOTFOUND if none.
 */
int	 store_staff_invite_get(struct db *, const char *hash, int64_t now,
	    json_t **out);
/* Uses a live invitation and gives its account the password hash. */
int	 store_staff_invite_accept(struct db *, const char *hash,
	    const char *pwhash, int64_t now, int64_t *user_id);
/* STORE_OK when an admin who can sign in exists, else STORE_NOTFOUND. */
int	 store_staff_admin_exists(struct db *);
int	 store_staff_setup_add(struct db *, const char *hash, int64_t now,
	    int64_t expires);
/* Whether a setup link works: unused, and still no admin. */
int	 store_staff_setup_live(struct db *, const char *hash, int64_t now);
/* Ends every setup link (the first admin exists). */
int	 store_staff_setup_end(struct db *, int64_t now);

#endif
