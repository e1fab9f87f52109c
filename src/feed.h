/*
 * feed.h — feeds (feed.c), iCalendar files (ics.c), robots.txt and
 * sitemaps (sitemap.c), and the structured data and sharing tags of
 * page heads (page_meta.c).  Handlers follow page.h: 0 when sent, else
 * an HTTP status.
 */
#ifndef MASTHEAD_FEED_H
#define MASTHEAD_FEED_H

#include <jansson.h>

struct buf;
struct req;

/* Apple Podcasts' artwork rules: a square JPEG or PNG, 1400 to 3000 px. */
#define FEED_ART_MIN	1400
#define FEED_ART_MAX	3000

enum feed_fmt {
	FEED_RSS,
	FEED_ATOM,
	FEED_JSON,
	FEED__MAX
};

/* feed.c */
/* "feed.xml", "atom.xml", "feed.json": the file name after a list's path. */
const char *feed_file(enum feed_fmt);
const char *feed_ctype(enum feed_fmt);
int	 feed_site_rss(struct req *);
int	 feed_site_atom(struct req *);
int	 feed_site_json(struct req *);
int	 feed_section_rss(struct req *);
int	 feed_section_atom(struct req *);
int	 feed_section_json(struct req *);
int	 feed_author_rss(struct req *);
int	 feed_author_atom(struct req *);
int	 feed_author_json(struct req *);
int	 feed_tag_rss(struct req *);
int	 feed_tag_atom(struct req *);
int	 feed_tag_json(struct req *);
int	 feed_podcast(struct req *);
int	 feed_show_podcast(struct req *);
/* /article/{slug}/comments.atom: the story's newest comments. */
int	 feed_comments(struct req *);

/* feed_html.c */
/*
 * Appends the HTML fragment html[0..n) to out (owned by the caller) with
 * every URL of its links, images and media (href, src, srcset, poster
 * ...) resolved against page, the absolute address the fragment is read
 * at.  URLs with a scheme (http:, mailto:, data: ...) are left as they
 * are, and so is everything that is not such an attribute's value.
 */
void	 feed_html_absolute(struct buf *out, const char *html, size_t n,
	    const char *page);

/* ics.c */
int	 ics_events(struct req *);
int	 ics_webinars(struct req *);
int	 ics_event(struct req *);
int	 ics_webinar(struct req *);

/* sitemap.c */
int	 sitemap_robots(struct req *);
int	 sitemap_index(struct req *);
/* /sitemaps/NAME.xml: news, pages, articles-N, sections-N, authors-N, tags-N */
int	 sitemap_part(struct req *);
int	 sitemap_video_moved(struct req *);

/* page_meta.c */
/*
 * Serialises v as JSON for a <script> element: '<', '>', '&' and '/'
 * are escaped, so no value can end the element.  Returns a new string.
 */
json_t	*page_meta_script_json(json_t *v);

#endif
