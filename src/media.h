/*
 * media.h — image uploads: the type sniffed from the bytes, the size
 * read from the image's header and checked before any decoding, then
 * decoded in full by libvips, written as responsive widths plus WebP
 * under media_dir, content-addressed by the SHA-256 of the upload.
 *
 * media_store and media_square take seconds on a large picture: they
 * run on the work pool (pool.h), never on an event loop.
 */
#ifndef MASTHEAD_MEDIA_H
#define MASTHEAD_MEDIA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct db;

/*
 * The widths made of every upload for srcset (those narrower than the
 * original), and the original itself, re-encoded at its own width up to
 * MEDIA_MAX_WIDTH (a wider one is scaled down to it): that is the
 * largest file of an image, and the size its row records.  200 and 480
 * are the home page's top stories (187 px) and lead (473 px) at 1366 px,
 * which would otherwise take files of 320 and 640.
 */
#define MEDIA_WIDTHS	{ 200, 320, 480, 640, 1024, 1600 }
#define MEDIA_MAX_WIDTH	2560
/* The longest text the library keeps with an image, in bytes. */
#define MEDIA_ALT_MAX		500
#define MEDIA_CAPTION_MAX	1000
#define MEDIA_CREDIT_MAX	300
#define MEDIA_MAX_PIXELS	(50 * 1000 * 1000)	/* decompression bombs */
/* Bytes of the decoded picture: 4 a pixel (RGBA, or grey of 16 bits). */
#define MEDIA_MAX_DECODED	((int64_t)MEDIA_MAX_PIXELS * 4)

/* What the library keeps with an upload; NULL strings are empty. */
struct media_meta {
	const char	*alt, *caption, *credit;
	const char	*filename;	/* as the browser named it */
	int64_t		 user;		/* the uploader's users.id; 0: none */
};

/*
 * Stores an uploaded image: sniffs, decodes, resizes, writes the files
 * and adds the images row with meta (NULL: none), or finds the one of
 * the same bytes, whose text stays as it is.  Returns 0 with *out the
 * image (hash, src, width, height, bytes, widths, srcset, alt, caption,
 * credit ...; caller owns it), or an HTTP status (413, 415, 422, 500,
 * 503) with a sentence in msg; then no file and no row were added.
 */
int	 media_store(struct db *, const void *p, size_t n,
	    const struct media_meta *meta, json_t **out, char *msg,
	    size_t msglen);

/*
 * Makes the responsive widths of an image kept whole elsewhere (the
 * demo's drawings): for each width of MEDIA_WIDTHS narrower than the
 * image of bytes p and its own (up to MEDIA_MAX_WIDTH), <dir>/<hash>-<w>.<ext>
 * and <dir>/<hash>-<w>.webp, encoded as uploads are.  ws gets the list
 * made ("200,320,480,640,1024,1600"), for the images row.  0, or -1 with a
 * sentence in msg and no file of this call left.
 */
int	 media_widths(const char *dir, const char *hash, const char *ext,
	    const void *p, size_t n, char *ws, size_t wslen, char *msg,
	    size_t msglen);

/*
 * Square artwork (a podcast's cover) from an uploaded image: the middle
 * of the picture, side min(shorter side, max) pixels, as an sRGB JPEG
 * without transparency written as <dir>/<sha256 of the JPEG>.jpg (a name
 * /media/ serves).  An image whose shorter side is under min is refused
 * rather than enlarged.  Returns 0 with hash, *side and *bytes set (the
 * caller records the images row), or an HTTP status (413: over limit
 * bytes, 0 meaning no limit; 415, 422, 500) with a sentence in msg.
 */
int	 media_square(const char *dir, const void *p, size_t n, int64_t limit,
	    int min, int max, char hash[65], int *side, int64_t *bytes,
	    char *msg, size_t msglen);

/*
 * Checks that every file the database names is in media_dir: each
 * image's <hash>.<ext> and its widths (JPEG or PNG, and WebP), each
 * white paper's PDF.  With repair, makes an image's missing files again
 * from one of its files left at full size.  Writes a line to out for
 * each missing file and what became of it, and a summary; returns how
 * many files are still missing, or -1 when the database cannot be read.
 */
int	 media_check(struct db *, int repair, FILE *out);

/* Whether the bytes begin as a PDF file does ("%PDF-"). */
int	 media_is_pdf(const void *p, size_t n);
/*
 * Stores a PDF as <dir>/<sha256-hex>.pdf (a name /media/ never serves:
 * it goes out only through a signed link).  Returns 0 with hash set, or
 * 413 (over max bytes; 0: no limit), 415 (not a PDF) or 500 with a sentence in msg.
 */
int	 media_store_pdf(const char *dir, const void *p, size_t n, int64_t max,
	    char hash[65], char *msg, size_t msglen);

struct av_info;
/*
 * Stores a story's audio or video (MP4, M4A, WebM or MP3, read by
 * avprobe.c) as <dir>/<sha256-hex>.<ext>, which /media/ serves with
 * ranges.  Returns 0 with info and hash set, or 415 (another kind of
 * file) or a status for a file that cannot be written, with msg.
 */
int	 media_store_av(const char *dir, const void *p, size_t n,
	    struct av_info *info, char hash[65], char *msg, size_t msglen);

#endif
