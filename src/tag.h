/*
 * tag.h — the names of the page cache's dependency tags, in one place.
 *
 * A page declares what it shows with cache_dep_str(tag_...(id).s); a
 * write lists what it changed with tags_add(&buf, tag_...(id)) and
 * publishes the list (bus_publish, bus_apply).  Both sides build a tag
 * with the same constructor here, so a reader and a writer cannot spell
 * one differently.  The spelling is what Surrogate-Key shows, and is
 * listed in docs/cache.md.
 */
#ifndef MASTHEAD_TAG_H
#define MASTHEAD_TAG_H

#include <stdint.h>

struct buf;

/* Room for the longest tag: "ltype:" and an article type. */
#define TAG_MAX	80

/* A tag, by value: use .s while the expression that made it lasts. */
struct tag {
	char	s[TAG_MAX];
};

/* One object: its pages and every row that shows it. */
struct tag	tag_article(int64_t id);		/* a<ID> */
struct tag	tag_section(int64_t id);		/* s<ID> */
struct tag	tag_author(int64_t id);		/* au<ID> */
struct tag	tag_topic(int64_t id);		/* t<ID>: a story tag */
struct tag	tag_sponsor(int64_t id);		/* sp<ID> */
struct tag	tag_event(int64_t id);		/* ev<ID> */
struct tag	tag_webinar(int64_t id);		/* wb<ID> */
struct tag	tag_page(int64_t id);		/* pg<ID>: a static page */
struct tag	tag_resource(int64_t id);		/* rs<ID>: a white paper */
struct tag	tag_hub(int64_t id);		/* hb<ID>: a hub, its items, its live blog */
struct tag	tag_comments(int64_t article);	/* cm<ID> */
struct tag	tag_comment_count(int64_t article);	/* cc<ID> */
/* Any story's count of approved comments: the home page's Most commented. */
struct tag	tag_comment_counts(void);		/* comments */

/* The story lists. */
struct tag	tag_latest(void);			/* latest: all stories */
struct tag	tag_list_section(int64_t id);		/* ls<ID> */
struct tag	tag_list_author(int64_t id);		/* lau<ID> */
struct tag	tag_list_topic(int64_t id);		/* lt<ID> */
struct tag	tag_list_type(const char *type);	/* ltype:<type> */
struct tag	tag_list_show(int64_t id);		/* lsh<ID>: a show's episodes */
struct tag	tag_shows(void);			/* shows: podcasts, video series */
struct tag	tag_featured_video(void);		/* featured-video: the setting */

/* Lists and parts shared by many pages. */
struct tag	tag_events(void);			/* events */
struct tag	tag_webinars(void);			/* webinars */
struct tag	tag_sections(void);			/* sections: the tree */
struct tag	tag_authors(void);			/* authors */
struct tag	tag_promos(void);			/* promos */
struct tag	tag_resources(void);			/* resources */
/* Which stories sponsored hubs hold: the news sitemap leaves them out. */
struct tag	tag_hubs(void);			/* hubs */
struct tag	tag_awards(void);			/* awards: every awards page */
struct tag	tag_site(void);			/* site: settings, menus */
struct tag	tag_front(void);			/* front: the home page's pins */
struct tag	tag_most_read(void);		/* most-read: the Most Read block */

/*
 * Sister sites (docs/sites.md): the pages of one site and what a write
 * there changes.  A list shown on a site of an instance of several is
 * tagged with the site (t@<SITE>), so that a story written on one site
 * drops the lists of its own site and of those it is shown on only;
 * every page of a site depends on its row (st<ID>).
 */
struct tag	tag_in_site(struct tag t, int64_t site);	/* t@<SITE> */
struct tag	tag_site_row(int64_t site);		/* st<ID> */
/* sites: the sites table changed; each instance reads it again. */
struct tag	tag_sites(void);

/* Whether the space-separated list tags holds t as a whole word. */
int	tags_has(const char *tags, const char *t);
/* Appends t to a space-separated list of tags, unless it is there. */
void	tags_add(struct buf *, struct tag t);

#endif
