/*
 * image.h — libvips and the image helpers below both the uploads
 * (media.c) and the theme (theme.c).  Nothing here knows a request, a
 * database or a file of media_dir.
 */
#ifndef MASTHEAD_IMAGE_H
#define MASTHEAD_IMAGE_H

#include <stddef.h>

/* The type of an image from its first bytes: "image/jpeg" ..., or NULL. */
const char *image_sniff(const void *p, size_t n);

/*
 * Starts libvips once for the process (from any thread, as often as
 * asked); 0, or -1 when it cannot start.
 */
int	 image_start(void);
/*
 * Frees libvips' memory of the calling thread; main registers it with
 * pool_on_thread_end().
 */
void	 image_thread_done(void);

/*
 * A PNG of the SVG in svg: the drawing scaled to fit inside fit x fit
 * pixels and centred on a canvas of width x height, transparent around
 * it, or flattened onto background ("#rrggbb"; NULL keeps the
 * transparency).  Returns 0 with *png (free it with image_free()) and
 * *len, or -1 with a sentence in err.  Sharing sites and search engines
 * take raster images only: this makes them from a theme's SVG.
 */
int	 image_png_of_svg(const void *svg, size_t n, int fit, int width,
	    int height, const char *background, void **png, size_t *len, char *err,
	    size_t errlen);
/* The pixel size of a JPEG, PNG, GIF or WebP from its header; 0 or -1. */
int	 image_size(const void *p, size_t n, int *width, int *height);
/* Frees what image_png_of_svg() returned. */
void	 image_free(void *p);

#endif
