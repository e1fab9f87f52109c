/*
 * demo.h — the demo publication: loads demo/site.json (settings, sections,
 * menus, authors, events, webinars ...), the handwritten articles in
 * demo/articles/<slug>.md and a few hundred stories composed from
 * demo/generator.json into an empty, migrated database.  Everything comes
 * from files embedded in the binary; hero images are drawn as SVG and
 * saved as JPEG files in the media directory.
 */
#ifndef MASTHEAD_DEMO_H
#define MASTHEAD_DEMO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* demo.c */

/*
 * Loads the whole demo in one transaction into db, whose migrations must
 * already have run.  Image files go to media_dir (created if missing) as
 * <sha256-hex>.jpg.  Relative dates in the demo files ("+26d", "-3d") are
 * taken from the current time.  Refuses a database that already holds
 * articles.  Returns 0, or -1 with err filled and the transaction rolled
 * back (image files already written stay: they are content-addressed).
 */
int	demo_load(struct db *, const char *media_dir, char *err, size_t errlen);

/*
 * One article before it is stored.  authors and tags are comma-separated
 * slugs; image names an image spec of site.json.  Every string is owned
 * by the article (demo_article_clear frees them); NULL means empty.
 */
struct demo_article {
	char	*slug;
	char	*title;
	char	*type;
	char	*section;
	char	*authors;
	char	*tags;
	char	*dek;
	char	*image;
	char	*caption;
	char	*credit;
	char	*licence;
	char	*licence_url;
	char	*sponsor;
	char	*signoff;
	char	*media_url;	/* the audio or video of a podcast or video story */
	char	*media_type;
	char	*media_bytes;
	char	*media_seconds;
	char	*show;		/* the slug of its podcast or video series */
	char	*embed_url;	/* a YouTube or Vimeo address */
	char	*chapters;	/* "0:45 Title | 6:10 Title" */
	char	*transcript;	/* the body's part after "+++ transcript" */
	char	*body;		/* Markdown */
	int64_t	 published_at;
};

void	demo_article_clear(struct demo_article *);
void	demo_articles_free(struct demo_article *, size_t n);

/*
 * Parses a demo time: "2021-05-25", "2021-05-25T15:00:00Z", or an offset
 * from now such as "-3d", "-5h", "+26d" or "+26d2h30m", optionally with
 * "@HH:MM" to set the UTC time of day ("+26d@15:00").  0 or -1.
 */
int	demo_parse_time(const char *, int64_t now, int64_t *out);

/* demo_gen.c */

/*
 * Composes the generated stories that demo/generator.json (gen) describes:
 * per_section stories for every section it lists, deterministic for a
 * given gen and now, published at times spread over the window_days
 * before now.  names maps the site's section slugs to their names (a
 * section the site lacks is an error).  taken is a JSON object used as a
 * set of slugs already in use; new slugs avoid it and are added to it.
 * On success returns 0 and sets *out to an array of *np articles that the
 * caller frees with demo_articles_free; on error returns -1 with err
 * filled.
 */
int	 demo_gen_articles(const json_t *gen, const json_t *names, int64_t now,
	    json_t *taken, struct demo_article **out, size_t *np, char *err,
	    size_t errlen);

/* A fixed-seed generator (splitmix64): the next number from *state. */
uint64_t demo_rand(uint64_t *state);
/* FNV-1a of a string, to seed demo_rand from a name. */
uint64_t demo_hash(const char *);

/* demo_resource.c */

/*
 * Writes a one-page PDF (title, then paragraphs of plain ASCII text) into
 * out: a complete, valid file.
 */
struct buf;
void	demo_pdf(struct buf *out, const char *title, const char *const *paras,
	    size_t n);
/*
 * Adds the white papers of list (site.json's "resources"); sponsors and
 * images map the names used there to ids.  A resource with "pdf" (its
 * paragraphs) gets a PDF made by demo_pdf under media_dir.  0, or -1 with err.
 */
int	demo_resources(struct db *, const char *media_dir, const json_t *list,
	    const json_t *sponsors, const json_t *images, int64_t now,
	    char *err, size_t errlen);

/* demo_hub.c */

/*
 * Adds the hubs of list (site.json's "hubs") with their items, taken
 * from what the demo loaded before, and their live posts; sponsors maps
 * names to ids.  0, or -1 with err filled.
 */
int	demo_hubs(struct db *, const json_t *list, const json_t *sponsors,
	    int64_t now, char *err, size_t errlen);
/* demo_awards.c */

/*
 * Adds the awards programmes of site.json's "awards" (judges, programmes
 * with categories, entries, scores and what is published), after the
 * events, whose ceremony they name.  0, or -1 with err filled.
 */
int	demo_awards(struct db *, const json_t *awards, int64_t now, char *err,
	    size_t errlen);

/* demo_podcast.c */

/*
 * Makes a podcast's square cover from svg (an illustration of the demo)
 * the way an upload is made square, records its images row and writes
 * its hash to hash (65 bytes).  0, or -1 with err filled.
 */
int	demo_podcast(struct db *, const char *media_dir, const char *svg,
	    size_t svglen, const char *alt, char *hash, char *err,
	    size_t errlen);

#endif
