/*
 * image.c — libvips, started once for the whole process, and the image
 * helpers that both uploads (media.c) and the theme (theme.c) use: the
 * type of an image from its bytes, its size from its header, and a PNG
 * drawn from an SVG.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "image.h"
#include "util.h"

static const struct {
	const char	*mime;
	const unsigned char *magic;
	size_t		 len;
	size_t		 at;		/* offset of the magic bytes */
} signatures[] = {
	{ "image/jpeg", (const unsigned char *)"\xff\xd8\xff", 3, 0 },
	{ "image/png", (const unsigned char *)"\x89PNG\r\n\x1a\n", 8, 0 },
	{ "image/gif", (const unsigned char *)"GIF87a", 6, 0 },
	{ "image/gif", (const unsigned char *)"GIF89a", 6, 0 },
	{ "image/webp", (const unsigned char *)"WEBP", 4, 8 },
};

const char *
image_sniff(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(signatures); i++) {
		if (n < signatures[i].at + signatures[i].len ||
		    memcmp(b + signatures[i].at, signatures[i].magic,
		    signatures[i].len) != 0)
			continue;
		/* WebP is a RIFF container: "RIFF" size "WEBP". */
		if (strcmp(signatures[i].mime, "image/webp") == 0 &&
		    memcmp(b, "RIFF", 4) != 0)
			continue;
		return signatures[i].mime;
	}
	return NULL;
}

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static atomic_int vips_ok;

static void
vips_start(void)
{
	if (VIPS_INIT("masthead") != 0)
		return;
	/*
	 * libvips' operation cache would keep loaders that point into a
	 * request's memory after the request is gone, and decoded pixels
	 * between uploads.
	 */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	/*
	 * How many images are decoded at once is the work pool's size
	 * (work_threads); libvips' own threads for each image would
	 * multiply it and take the cores the event loops need.
	 */
	vips_concurrency_set(1);
	atomic_store(&vips_ok, 1);
}

void
image_thread_done(void)
{
	if (atomic_load(&vips_ok))
		vips_thread_shutdown();
}

int
image_start(void)
{
	pthread_once(&vips_once, vips_start);
	return atomic_load(&vips_ok) ? 0 : -1;
}

/* "#rrggbb" into three numbers; 0 or -1. */
static int
parse_colour(const char *s, double rgb[3])
{
	int i, hi, lo;

	if (s == NULL || strlen(s) != 7 || s[0] != '#')
		return -1;
	for (i = 0; i < 3; i++) {
		if ((hi = hex_digit(s[1 + 2 * i])) < 0 ||
		    (lo = hex_digit(s[2 + 2 * i])) < 0)
			return -1;
		rgb[i] = hi * 16 + lo;
	}
	return 0;
}

int
image_png_of_svg(const void *svg, size_t n, int fit, int width,
    int height, const char *background, void **png, size_t *len, char *err,
    size_t errlen)
{
	VipsImage *drawn = NULL, *canvas = NULL, *flat = NULL;
	VipsArrayDouble *clear = NULL, *bg = NULL;
	double rgb[3], none[4] = { 0, 0, 0, 0 };
	void *q = (void *)(uintptr_t)svg;
	int rc = -1, w, h;

	*png = NULL;
	*len = 0;
	if (background != NULL && parse_colour(background, rgb) != 0) {
		snprintf(err, errlen, "\"%s\" is not a colour like #0b2545",
		    background);
		return -1;
	}
	if (image_start() != 0) {
		snprintf(err, errlen, "the image library did not start");
		return -1;
	}
	/*
	 * After this point, all errors go through fail.  The thumbnail
	 * operation renders the vectors at the size asked for, so the PNG
	 * is sharp however small the SVG's own canvas is.
	 */
	if (fit > width || fit > height) {
		snprintf(err, errlen, "the drawing is larger than the canvas");
		return -1;
	}
	if (vips_thumbnail_buffer(q, n, &drawn, fit, "height", fit,
	    NULL) != 0)
		goto fail;
	w = vips_image_get_width(drawn);
	h = vips_image_get_height(drawn);
	clear = vips_array_double_new(none, vips_image_hasalpha(drawn) ? 4 : 3);
	if (vips_embed(drawn, &canvas, (width - w) / 2, (height - h) / 2, width,
	    height, "extend", VIPS_EXTEND_BACKGROUND, "background", clear,
	    NULL) != 0)
		goto fail;
	if (background != NULL && vips_image_hasalpha(canvas)) {
		bg = vips_array_double_new(rgb, 3);
		if (vips_flatten(canvas, &flat, "background", bg, NULL) != 0)
			goto fail;
	} else {
		flat = canvas;
		g_object_ref(flat);
	}
	if (vips_pngsave_buffer(flat, png, len, "strip", TRUE, NULL) != 0)
		goto fail;
	rc = 0;
fail:
	if (rc != 0)
		snprintf(err, errlen, "the SVG cannot be drawn: %s",
		    vips_error_buffer());
	vips_error_clear();
	if (clear != NULL)
		vips_area_unref(VIPS_AREA(clear));
	if (bg != NULL)
		vips_area_unref(VIPS_AREA(bg));
	if (flat != NULL)
		g_object_unref(flat);
	if (canvas != NULL)
		g_object_unref(canvas);
	if (drawn != NULL)
		g_object_unref(drawn);
	return rc;
}

int
image_size(const void *p, size_t n, int *width, int *height)
{
	VipsImage *img;

	*width = *height = 0;
	if (image_sniff(p, n) == NULL)
		return -1;
	/* Opening an image reads its header only; no pixel is decoded. */
	if (image_start() != 0 || (img = vips_image_new_from_buffer(p, n, "",
	    NULL)) == NULL) {
		vips_error_clear();
		return -1;
	}
	*width = vips_image_get_width(img);
	*height = vips_image_get_height(img);
	g_object_unref(img);
	return 0;
}

void
image_free(void *p)
{
	g_free(p);
}
