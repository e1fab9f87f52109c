/*
 * media.c — image uploads.
 *
 * Nothing the client says about a file is believed: the type comes from
 * its first bytes, and the whole image is decoded (a truncated or damaged
 * file fails here) before anything is written.  Every width is encoded in
 * memory first; files are written under temporary names and renamed, and
 * the row is added last, so a failure at any step leaves no file and no
 * row behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "media.h"
#include "store.h"
#include "util.h"

#define NWIDTHS	4
#define NFILES	(2 * NWIDTHS + 1)

static const int widths[NWIDTHS] = MEDIA_WIDTHS;

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
media_sniff(const void *p, size_t n)
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
static int vips_ok;

static void
vips_start(void)
{
	if (VIPS_INIT("masthead") != 0)
		return;
	/*
	 * libvips' operation cache would keep loaders that point into a
	 * request's memory after the request is gone.
	 */
	vips_cache_set_max(0);
	vips_ok = 1;
}

/* Loads with the one loader of the sniffed type, failing on truncation. */
static int
load(const char *mime, const void *p, size_t n, VipsImage **img)
{
	void *q = (void *)(uintptr_t)p;

	if (strcmp(mime, "image/jpeg") == 0)
		return vips_jpegload_buffer(q, n, img, "fail_on",
		    VIPS_FAIL_ON_TRUNCATED, NULL);
	if (strcmp(mime, "image/png") == 0)
		return vips_pngload_buffer(q, n, img, "fail_on",
		    VIPS_FAIL_ON_TRUNCATED, NULL);
	if (strcmp(mime, "image/gif") == 0)
		return vips_gifload_buffer(q, n, img, "fail_on",
		    VIPS_FAIL_ON_TRUNCATED, NULL);
	return vips_webpload_buffer(q, n, img, "fail_on",
	    VIPS_FAIL_ON_TRUNCATED, NULL);
}

/*
 * Decodes the whole upload into *mem (and *img, its loader), both the
 * caller's to unref even on failure.  0, or 422 with a sentence in msg.
 */
static int
decode(const char *mime, const void *p, size_t n, VipsImage **img,
    VipsImage **mem, char *msg, size_t msglen)
{
	int W, H;

	*img = *mem = NULL;
	if (load(mime, p, n, img) != 0) {
		snprintf(msg, msglen, "the image cannot be read (damaged or "
		    "truncated)");
		return 422;
	}
	W = vips_image_get_width(*img);
	H = vips_image_get_height(*img);
	if (W < 1 || H < 1 || (int64_t)W * H > MEDIA_MAX_PIXELS) {
		snprintf(msg, msglen, "the image has more than %d pixels",
		    MEDIA_MAX_PIXELS);
		return 422;
	}
	/* Decoding every pixel now is what finds a truncated file. */
	if ((*mem = vips_image_copy_memory(*img)) == NULL) {
		snprintf(msg, msglen, "the image cannot be read (damaged or "
		    "truncated)");
		return 422;
	}
	return 0;
}

struct file {
	char	 name[96];	/* <hash>-<w>.<ext> */
	void	*data;		/* g_malloc'd by libvips */
	size_t	 len;
	int	 made;		/* written by this upload */
};

/* Writes one file under a temporary name and renames it into place. */
static int
write_file(const char *dir, struct file *f)
{
	char path[1024], tmp[1100];
	size_t off = 0;
	ssize_t w;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir,
	    f->name) >= (int)sizeof(path))
		return -1;
	/* Content-addressed: a file already there holds these bytes. */
	if (access(path, F_OK) == 0)
		return 0;
	/* Two uploads of the same image at once each write their own. */
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.%08x.tmp", dir,
	    f->name, (long)getpid(), (unsigned)randombytes_random()) >=
	    (int)sizeof(tmp))
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		return -1;
	while (off < f->len) {
		if ((w = write(fd, (char *)f->data + off, f->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	f->made = 1;
	return 0;
}

static void
unlink_made(struct file *files, int n)
{
	char path[1024];
	int i;

	for (i = 0; i < n; i++)
		if (files[i].made && snprintf(path, sizeof(path), "%s/%s",
		    config.media_dir, files[i].name) < (int)sizeof(path))
			unlink(path);
}

/* The answer: the image as templates and API clients use it. */
static json_t *
describe(const char *hash, const char *ext, const char *mime, int w, int h,
    const char *ws)
{
	struct buf ss = BUF_INIT, sw = BUF_INIT;
	json_t *list = json_array(), *o;
	char src[160];
	const char *p = ws;

	while (*p != '\0') {
		int64_t v;
		size_t k = strcspn(p, ",");

		if (parse_int(p, k, 1, 100000, &v) == 0) {
			json_array_append_new(list, json_integer(v));
			buf_printf(&ss, "%s/media/%s-%lld.%s %lldw",
			    ss.len ? ", " : "", hash, (long long)v, ext,
			    (long long)v);
			buf_printf(&sw, "%s/media/%s-%lld.webp %lldw",
			    sw.len ? ", " : "", hash, (long long)v,
			    (long long)v);
		}
		p += k;
		if (*p == ',')
			p++;
	}
	snprintf(src, sizeof(src), "/media/%s.%s", hash, ext);
	o = json_pack("{s:s,s:s,s:s,s:i,s:i,s:o,s:s,s:s}", "hash", hash,
	    "src", src, "mime", mime, "width", w, "height", h, "widths", list,
	    "srcset", ss.p != NULL ? ss.p : "", "srcset_webp",
	    sw.p != NULL ? sw.p : "");
	buf_free(&ss);
	buf_free(&sw);
	return o;
}

int
media_store(struct db *db, const void *p, size_t n, const char *alt,
    json_t **out, char *msg, size_t msglen)
{
	unsigned char sum[crypto_hash_sha256_BYTES];
	char hash[2 * crypto_hash_sha256_BYTES + 1], ws[64] = "";
	struct file files[NFILES];
	struct image_row row;
	VipsImage *img = NULL, *mem = NULL;
	const char *mime, *ext, *fmime;
	json_t *have;
	int i, nf = 0, W, status = 500, rc, top = 0, topw = 0, toph = 0;

	*out = NULL;
	memset(files, 0, sizeof(files));
	if ((int64_t)n > config.max_upload) {
		snprintf(msg, msglen, "the image is larger than %lld bytes",
		    (long long)config.max_upload);
		return 413;
	}
	if (n == 0 || (mime = media_sniff(p, n)) == NULL) {
		snprintf(msg, msglen, "the file is not a JPEG, PNG, WebP or "
		    "GIF image");
		return 415;
	}
	crypto_hash_sha256(sum, p, n);
	sodium_bin2hex(hash, sizeof(hash), sum, sizeof(sum));
	/* The same bytes were uploaded before: that image it is. */
	if ((rc = store_image_get(db, hash, &have)) == STORE_OK) {
		*out = describe(hash, json_string_value(json_object_get(have,
		    "ext")), mime, (int)json_integer_value(json_object_get(have,
		    "width")), (int)json_integer_value(json_object_get(have,
		    "height")), json_string_value(json_object_get(have,
		    "widths")));
		json_decref(have);
		return 0;
	}
	if (rc != STORE_NOTFOUND) {
		snprintf(msg, msglen, "the database is busy; try again");
		return 503;
	}
	pthread_once(&vips_once, vips_start);
	if (!vips_ok) {
		snprintf(msg, msglen, "the image library did not start");
		return 500;
	}
	/* After this point, all errors go through fail. */
	if ((status = decode(mime, p, n, &img, &mem, msg, msglen)) != 0)
		goto fail;
	status = 500;
	W = vips_image_get_width(mem);
	/* Photographs stay JPEG; what may be transparent becomes PNG. */
	if (strcmp(mime, "image/jpeg") == 0 ||
	    (strcmp(mime, "image/webp") == 0 && !vips_image_hasalpha(mem))) {
		ext = "jpg";
		fmime = "image/jpeg";
	} else {
		ext = "png";
		fmime = "image/png";
	}
	for (i = 0; i < NWIDTHS; i++) {
		int w = widths[i];
		VipsImage *t = NULL;
		struct file *a = &files[nf], *b = &files[nf + 1];

		if (w > W) {
			if (i > 0)
				break;
			w = W;	/* smaller than the smallest width */
		}
		if (vips_thumbnail_image(mem, &t, w, "height", 1000000,
		    NULL) != 0) {
			snprintf(msg, msglen, "the image cannot be resized");
			status = 422;
			goto fail;
		}
		snprintf(a->name, sizeof(a->name), "%s-%d.%s", hash, w, ext);
		snprintf(b->name, sizeof(b->name), "%s-%d.webp", hash, w);
		rc = strcmp(ext, "jpg") == 0 ?
		    vips_jpegsave_buffer(t, &a->data, &a->len, "Q", 82,
		    "strip", TRUE, "interlace", TRUE, NULL) :
		    vips_pngsave_buffer(t, &a->data, &a->len, "strip", TRUE,
		    NULL);
		if (rc == 0)
			rc = vips_webpsave_buffer(t, &b->data, &b->len, "Q", 80,
			    "strip", TRUE, NULL);
		top = nf;
		topw = vips_image_get_width(t);
		toph = vips_image_get_height(t);
		g_object_unref(t);
		nf += 2;
		if (rc != 0) {
			snprintf(msg, msglen, "the image cannot be encoded");
			goto fail;
		}
		snprintf(ws + strlen(ws), sizeof(ws) - strlen(ws), "%s%d",
		    i > 0 ? "," : "", w);
	}
	/* <hash>.<ext> is the largest width, for pages without srcset. */
	snprintf(files[nf].name, sizeof(files[nf].name), "%s.%s", hash, ext);
	files[nf].data = g_memdup2(files[top].data, files[top].len);
	files[nf].len = files[top].len;
	nf++;
	if (mkdir(config.media_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(msg, msglen, "the media directory cannot be made");
		goto fail;
	}
	for (i = 0; i < nf; i++)
		if (write_file(config.media_dir, &files[i]) != 0) {
			snprintf(msg, msglen, "the image cannot be saved");
			goto fail;
		}
	row.hash = hash;
	row.mime = fmime;
	row.ext = ext;
	row.width = topw;
	row.height = toph;
	row.bytes = (int64_t)files[nf - 1].len;
	row.alt = alt != NULL ? alt : "";
	row.widths = ws;
	if (db_begin_write(db) != DB_OK) {
		snprintf(msg, msglen, "the database is busy; try again");
		status = 503;
		goto fail;
	}
	if ((rc = store_image_add(db, &row)) != STORE_OK ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		snprintf(msg, msglen, "the image cannot be recorded");
		status = rc == STORE_BUSY ? 503 : 500;
		goto fail;
	}
	*out = describe(hash, ext, mime, topw, toph, ws);
	for (i = 0; i < nf; i++)
		g_free(files[i].data);
	g_object_unref(mem);
	g_object_unref(img);
	return 0;
fail:
	unlink_made(files, nf);
	for (i = 0; i < nf; i++)
		g_free(files[i].data);
	if (mem != NULL)
		g_object_unref(mem);
	if (img != NULL)
		g_object_unref(img);
	vips_error_clear();
	return status;
}

int
media_square(const char *dir, const void *p, size_t n, int64_t limit,
    int min, int max, char hash[65], int *side, int64_t *bytes, char *msg,
    size_t msglen)
{
	unsigned char sum[crypto_hash_sha256_BYTES];
	VipsImage *img = NULL, *mem = NULL, *sq = NULL, *rgb = NULL,
	    *flat = NULL;
	VipsArrayDouble *white = NULL;
	struct file f;
	const char *mime;
	int status;

	memset(&f, 0, sizeof(f));
	if (limit > 0 && (int64_t)n > limit) {
		snprintf(msg, msglen, "the image is larger than %lld bytes",
		    (long long)limit);
		return 413;
	}
	if (n == 0 || (mime = media_sniff(p, n)) == NULL) {
		snprintf(msg, msglen, "the file is not a JPEG, PNG, WebP or "
		    "GIF image");
		return 415;
	}
	pthread_once(&vips_once, vips_start);
	if (!vips_ok) {
		snprintf(msg, msglen, "the image library did not start");
		return 500;
	}
	/* After this point, all errors go through fail. */
	if ((status = decode(mime, p, n, &img, &mem, msg, msglen)) != 0)
		goto fail;
	status = 500;
	*side = vips_image_get_width(mem) < vips_image_get_height(mem) ?
	    vips_image_get_width(mem) : vips_image_get_height(mem);
	/* Made larger, a small picture would only be a blurred one. */
	if (*side < min) {
		snprintf(msg, msglen, "the image is %d x %d pixels; it needs "
		    "at least %d on its shorter side", vips_image_get_width(mem),
		    vips_image_get_height(mem), min);
		status = 422;
		goto fail;
	}
	if (*side > max)
		*side = max;
	/*
	 * The middle of the picture, scaled so its shorter side fills the
	 * square; then sRGB on white, since directories want RGB without
	 * transparency, saved as a JPEG named by the SHA-256 of its bytes.
	 */
	white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
	if (vips_thumbnail_image(mem, &sq, *side, "height", *side, "crop",
	    VIPS_INTERESTING_CENTRE, NULL) != 0 ||
	    vips_colourspace(sq, &rgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
	    (vips_image_hasalpha(rgb) ? vips_flatten(rgb, &flat, "background",
	    white, NULL) : vips_copy(rgb, &flat, NULL)) != 0 ||
	    vips_jpegsave_buffer(flat, &f.data, &f.len, "Q", 90, "strip", TRUE,
	    "optimize_coding", TRUE, NULL) != 0) {
		snprintf(msg, msglen, "the image cannot be made square");
		status = 422;
		goto fail;
	}
	crypto_hash_sha256(sum, f.data, f.len);
	sodium_bin2hex(hash, 65, sum, sizeof(sum));
	snprintf(f.name, sizeof(f.name), "%s.jpg", hash);
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    write_file(dir, &f) != 0) {
		snprintf(msg, msglen, "the image cannot be saved");
		goto fail;
	}
	*bytes = (int64_t)f.len;
	status = 0;
fail:
	g_free(f.data);
	if (white != NULL)
		vips_area_unref(VIPS_AREA(white));
	if (flat != NULL)
		g_object_unref(flat);
	if (rgb != NULL)
		g_object_unref(rgb);
	if (sq != NULL)
		g_object_unref(sq);
	if (mem != NULL)
		g_object_unref(mem);
	if (img != NULL)
		g_object_unref(img);
	if (status != 0)
		vips_error_clear();
	return status;
}

int
media_is_pdf(const void *p, size_t n)
{
	return n >= 5 && memcmp(p, "%PDF-", 5) == 0;
}

int
media_store_pdf(const char *dir, const void *p, size_t n, int64_t max,
    char hash[65], char *msg, size_t msglen)
{
	unsigned char sum[crypto_hash_sha256_BYTES];
	struct file f;

	if (max > 0 && (int64_t)n > max) {
		snprintf(msg, msglen, "the file is larger than %lld KB",
		    (long long)(max / 1024));
		return 413;
	}
	if (!media_is_pdf(p, n)) {
		snprintf(msg, msglen, "only PDF files can be uploaded here");
		return 415;
	}
	crypto_hash_sha256(sum, p, n);
	sodium_bin2hex(hash, 65, sum, sizeof(sum));
	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s.pdf", hash);
	f.data = (void *)(uintptr_t)p;
	f.len = n;
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    write_file(dir, &f) != 0) {
		snprintf(msg, msglen, "the file cannot be saved");
		return 500;
	}
	return 0;
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
media_png_of_svg(const void *svg, size_t n, int fit, int width,
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
	pthread_once(&vips_once, vips_start);
	if (!vips_ok) {
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
media_size(const void *p, size_t n, int *width, int *height)
{
	VipsImage *img;

	*width = *height = 0;
	if (media_sniff(p, n) == NULL)
		return -1;
	pthread_once(&vips_once, vips_start);
	/* Opening an image reads its header only; no pixel is decoded. */
	if (!vips_ok || (img = vips_image_new_from_buffer(p, n, "",
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
media_free(void *p)
{
	g_free(p);
}
