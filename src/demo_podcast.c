/*
 * demo_podcast.c — the demo podcast's cover art.
 *
 * Podcast directories take only a square JPEG or PNG of 1400 to 3000
 * pixels, so the cover goes the way an operator's upload goes: one of the
 * demo's illustrations is drawn at twice its size (a vector drawing stays
 * sharp), encoded, and handed to media_square, which crops the square
 * from its middle.  The images row is written in the demo's
 * transaction; the caller points the podcast_image setting or a show at
 * it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "db.h"
#include "demo.h"
#include "feed.h"
#include "media.h"
#include "store.h"

/* 1600 x 900 drawn at this scale gives a square of 1800 pixels. */
#define DEMO_COVER_SCALE	2.0

int
demo_podcast(struct db *db, const char *media_dir, const char *svg,
    size_t svglen, const char *alt, char *hash, char *err, size_t errlen)
{
	VipsImage *img = NULL, *flat = NULL;
	struct image_row row;
	char msg[200];
	void *jpg = NULL;
	size_t jlen = 0;
	int64_t bytes = 0;
	int side = 0, rc = -1, status;

	/* After this point, all errors go through fail. */
	if (vips_svgload_buffer((void *)(uintptr_t)svg, svglen, &img, "scale",
	    DEMO_COVER_SCALE, NULL) != 0 ||
	    vips_flatten(img, &flat, NULL) != 0 ||
	    vips_jpegsave_buffer(flat, &jpg, &jlen, "Q", 95, "strip", TRUE,
	    NULL) != 0) {
		snprintf(err, errlen, "podcast cover: %s", vips_error_buffer());
		vips_error_clear();
		goto fail;
	}
	if ((status = media_square(media_dir, jpg, jlen, 0, FEED_ART_MIN,
	    FEED_ART_MAX, hash, &side, &bytes, msg, sizeof(msg))) != 0) {
		snprintf(err, errlen, "podcast cover: %s (%d)", msg, status);
		goto fail;
	}
	memset(&row, 0, sizeof(row));
	row.hash = hash;
	row.mime = "image/jpeg";
	row.ext = "jpg";
	row.width = side;
	row.height = side;
	row.bytes = bytes;
	row.alt = alt != NULL ? alt : "";
	row.widths = "";
	if (store_image_add(db, &row) != STORE_OK) {
		snprintf(err, errlen, "podcast cover: %s", db_errmsg(db));
		goto fail;
	}
	rc = 0;
fail:
	if (flat != NULL)
		g_object_unref(flat);
	if (img != NULL)
		g_object_unref(img);
	g_free(jpg);
	return rc;
}
