/*
 * picture.h — the one way a page shows an image.
 *
 * An uploaded image is kept in several widths (media.h), each as the
 * upload's own format and as WebP: /media/<hash>-<w>.<ext> and
 * /media/<hash>-<w>.webp.  picture_new() turns an image's columns into
 * the view-model object that themes/default/templates/partials/
 * picture.mustache renders as
 *
 *   <picture><source type="image/webp" srcset="…" sizes="…">
 *   <img src srcset sizes width height alt loading decoding></picture>
 *
 * and an image without widths (a row older than the widths, or a file
 * of one size) as a plain <img>.  width and height are always written,
 * so the page does not move when the image arrives.
 *
 * The sizes attribute depends on where the image stands (a story's
 * hero, a list's thumbnail ...): one row of a table per slot, kept in
 * step with site.css.  Every image is loading="lazy" but the first of a
 * page (its largest contentful paint, usually), which the handler marks
 * with picture_first(): fetchpriority="high" and no lazy loading.
 */
#ifndef MASTHEAD_PICTURE_H
#define MASTHEAD_PICTURE_H

#include <jansson.h>

struct buf;

/* Where an image stands on a page; each has its sizes (picture.c). */
enum picture_slot {
	PICTURE_HERO,		/* the story column: an article's, a white paper's */
	PICTURE_THUMB,		/* a story list's thumbnail (200 px, 110 on phones) */
	PICTURE_CARD,		/* a white paper's cover in the list (180 px) */
	PICTURE_AVATAR,		/* an author's photo (96 px) */
	PICTURE_LEAD,		/* the home page's lead story, beside its text */
	PICTURE_HOME_CARD,	/* the home page's top stories, four across */
	PICTURE_HOME_THUMB,	/* a home page section's lead story (96 px) */
	PICTURE_SIDEBAR,	/* the sidebar's width (320 px) */
	PICTURE__MAX
};

/*
 * The image object of a view model: src (/media/<hash>.<ext>, the
 * largest width), width, height, alt, loading "lazy", and when widths
 * ("320,640,1024") names any: srcset, srcset_webp and the slot's sizes.
 * width and height may be NULL or not integers (then they are left out).
 * NULL when hash is NULL.  The caller owns the reference.
 */
json_t	*picture_new(const char *hash, const char *ext, const char *widths,
	    json_t *width, json_t *height, const char *alt,
	    enum picture_slot);

/*
 * Gives an image object the sizes of another slot (when it has srcset);
 * a slot of a fixed width also drops the widths no screen would take.
 */
void	 picture_slot(json_t *img, enum picture_slot);

/*
 * Marks an image object as the page's first: fetchpriority "high", no
 * lazy loading.  0, or -1 when img is not an object (NULL: no image).
 */
int	 picture_first(json_t *img);

/*
 * Marks the first image of a list: the "image" member of the first
 * element of the array that has one (a list of stories, of white
 * papers).  Returns that image, or NULL when none has one.
 */
json_t	*picture_first_of(json_t *list);

/*
 * Appends "<prefix>/media/<hash>-<w>.<fmt> <w>w, …" for each width of
 * widths to b, fmt being ext or "webp".  Returns how many widths were
 * written.
 */
int	 picture_srcset(struct buf *b, const char *prefix, const char *hash,
	    const char *fmt, const char *widths);

/* The sizes attribute of a slot. */
const char *picture_sizes(enum picture_slot);

/*
 * Draws the images of stored HTML (a story's body) as every other image
 * is drawn, by partials/picture of the theme: each <img> whose src is an
 * uploaded image, /media/<sha256>.<ext>, that has no srcset of its own
 * and stands in no <picture>, becomes the partial of the image object
 * made from the row find() gives for its hash (ext, widths, width,
 * height; a new reference, or NULL to leave the tag as it is), in the
 * story column's slot, with the tag's own alt.  The rest is copied as
 * it is.  Appends to out; returns how many images were drawn, or -1 on
 * a buffer or template error.
 */
int	 picture_html(const char *h, size_t n,
	    json_t *(*find)(void *arg, const char *hash), void *arg,
	    struct buf *out);

#endif
