/*
 * media.c — image uploads.
 *
 * Nothing the client says about a file is believed: the type comes from
 * its first bytes, and the dimensions from the image's own header, read
 * before any pixel is decoded, so that what the caps refuse costs
 * nothing.  Then the whole image is decoded (a truncated or damaged file
 * fails here) before anything is written, streamed through libvips'
 * thumbnail so that a large picture is never held in memory at full
 * size.  This runs on the work pool (pool.h), never on an event loop.
 * Every width is encoded in memory first; files are written under
 * temporary names and renamed, and the row is added last, so a failure
 * at any step leaves no file and no row behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "avprobe.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "fault.h"
#include "image.h"
#include "media.h"
#include "picture.h"
#include "status.h"
#include "store.h"
#include "util.h"

static const int widths[] = MEDIA_WIDTHS;

#define NWIDTHS	((int)(sizeof(widths) / sizeof(widths[0])))
/* Each width and the original, as JPEG or PNG and as WebP, and <hash>.<ext>. */
#define NFILES	(2 * (NWIDTHS + 1) + 1)

/*
 * Loads with the one loader of the sniffed type, failing on truncation.
 * libvips opens lazily: this reads the header, and pixels are decoded
 * (once, top to bottom) only when something asks for them.
 */
static int
load(const char *mime, const void *p, size_t n, VipsImage **img)
{
	void *q = (void *)(uintptr_t)p;

	if (strcmp(mime, "image/jpeg") == 0)
		return vips_jpegload_buffer(q, n, img, "access",
		    VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED,
		    NULL);
	if (strcmp(mime, "image/png") == 0)
		return vips_pngload_buffer(q, n, img, "access",
		    VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED,
		    NULL);
	if (strcmp(mime, "image/gif") == 0)
		return vips_gifload_buffer(q, n, img, "access",
		    VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED,
		    NULL);
	return vips_webpload_buffer(q, n, img, "access",
	    VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
}

/*
 * Reads an upload's header, and only that, and refuses what the caps
 * forbid before a pixel is decoded: a 48 KB PNG may declare 50 million
 * pixels, which would take seconds and hundreds of megabytes to decode.
 * 0 with the dimensions, or 422 with a sentence in msg.
 */
static int
probe(const char *mime, const void *p, size_t n, int *W, int *H, char *msg,
    size_t msglen)
{
	VipsImage *img = NULL;
	int64_t bytes;

	if (load(mime, p, n, &img) != 0) {
		if (img != NULL)
			g_object_unref(img);
		snprintf(msg, msglen, "the image cannot be read (damaged or "
		    "truncated)");
		return 422;
	}
	*W = vips_image_get_width(img);
	*H = vips_image_get_height(img);
	bytes = (int64_t)*W * *H * vips_image_get_bands(img) *
	    (int64_t)vips_format_sizeof(vips_image_get_format(img));
	g_object_unref(img);
	if (*W < 1 || *H < 1 || (int64_t)*W * *H > MEDIA_MAX_PIXELS) {
		snprintf(msg, msglen, "the image is %d x %d: it has more than "
		    "%d pixels", *W, *H, MEDIA_MAX_PIXELS);
		return 422;
	}
	if (bytes > MEDIA_MAX_DECODED) {
		snprintf(msg, msglen, "the image would take %lld MB decoded, "
		    "more than %lld MB", (long long)(bytes / 1000000),
		    (long long)(MEDIA_MAX_DECODED / 1000000));
		return 422;
	}
	return 0;
}

/*
 * Decodes the whole upload, made at most width pixels wide (and never
 * wider than it is), into *mem: libvips' thumbnail streams the decoded
 * rows through the shrink (JPEG and WebP even decode at a fraction of
 * their size), so the full-size picture is never held in memory.  With
 * height > 0 the middle of the picture is cropped to width x height.
 * *mem is the caller's to unref.  0, or 422 with a sentence in msg.
 */
static int
decode(const void *p, size_t n, int width, int height, VipsImage **mem,
    char *msg, size_t msglen)
{
	VipsImage *t = NULL;
	int rc;

	*mem = NULL;
	rc = height > 0 ?
	    vips_thumbnail_buffer((void *)(uintptr_t)p, n, &t, width,
	    "height", height, "crop", VIPS_INTERESTING_CENTRE,
	    "option_string", "fail_on=truncated", NULL) :
	    vips_thumbnail_buffer((void *)(uintptr_t)p, n, &t, width,
	    "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
	    "option_string", "fail_on=truncated", NULL);
	/* Making every pixel now is what finds a truncated file. */
	if (rc == 0)
		*mem = vips_image_copy_memory(t);
	if (t != NULL)
		g_object_unref(t);
	if (*mem == NULL) {
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

/*
 * Writes one file under a temporary name and renames it into place.
 * 0, or the errno of what failed (noted for the log, fault.h).
 */
static int
write_file(const char *dir, struct file *f)
{
	char path[1024], tmp[1100];
	size_t off = 0;
	ssize_t w;
	int fd, e;

	if (snprintf(path, sizeof(path), "%s/%s", dir,
	    f->name) >= (int)sizeof(path))
		return ENAMETOOLONG;
	/* Content-addressed: a file already there holds these bytes. */
	if (access(path, F_OK) == 0)
		return 0;
	/* Two uploads of the same image at once each write their own. */
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.%08x.tmp", dir,
	    f->name, (long)getpid(), (unsigned)randombytes_random()) >=
	    (int)sizeof(tmp))
		return ENAMETOOLONG;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0) {
		e = errno;
		goto fail;
	}
	while (off < f->len) {
		if ((w = write(fd, (char *)f->data + off, f->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			unlink(tmp);
			goto fail;
		}
		off += (size_t)w;
	}
	/* A full disk may show only at fsync or close (NFS, quotas). */
	if (fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		goto fail;
	}
	f->made = 1;
	return 0;
fail:
	fault_note("media: writing %s: %s", path, strerror(e));
	return e;
}

/* Makes dir when it is missing: 0, or the errno (noted for the log). */
static int
make_dir(const char *dir)
{
	int e;

	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	e = errno;
	fault_note("media: making %s: %s", dir, strerror(e));
	return e;
}

static void
unlink_made(const char *dir, struct file *files, int n)
{
	char path[1024];
	int i;

	for (i = 0; i < n; i++)
		if (files[i].made && snprintf(path, sizeof(path), "%s/%s",
		    dir, files[i].name) < (int)sizeof(path))
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

		if (parse_int(p, k, 1, 100000, &v) == 0)
			json_array_append_new(list, json_integer(v));
		p += k;
		if (*p == ',')
			p++;
	}
	picture_srcset(&ss, "", hash, ext, ws);
	picture_srcset(&sw, "", hash, "webp", ws);
	snprintf(src, sizeof(src), "/media/%s.%s", hash, ext);
	o = json_pack("{s:s,s:s,s:s,s:i,s:i,s:o,s:s,s:s}", "hash", hash,
	    "src", src, "mime", mime, "width", w, "height", h, "widths", list,
	    "srcset", ss.p != NULL ? ss.p : "", "srcset_webp",
	    sw.p != NULL ? sw.p : "");
	buf_free(&ss);
	buf_free(&sw);
	return o;
}

/*
 * The files of an image: <hash>.<ext> (the largest width, for pages
 * without srcset), then <hash>-<w>.<ext> and <hash>-<w>.webp for each
 * width of ws ("320,640").  Returns how many names were written (at
 * most max), widths into w[] (one per pair, w[k] for names 1 + 2k and
 * 2 + 2k).
 */
static int
file_names(const char *hash, const char *ext, const char *ws,
    char names[][96], int max, int *w)
{
	const char *p = ws;
	int n = 0, k = 0;
	int64_t v;

	if (max < 1)
		return 0;
	snprintf(names[n++], 96, "%s.%s", hash, ext);
	while (*p != '\0' && n + 2 <= max) {
		size_t len = strcspn(p, ",");

		if (parse_int(p, len, 1, 100000, &v) == 0) {
			w[k++] = (int)v;
			snprintf(names[n++], 96, "%s-%d.%s", hash, (int)v, ext);
			snprintf(names[n++], 96, "%s-%d.webp", hash, (int)v);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return n;
}

/* Whether a file of media_dir is there. */
static int
present(const char *dir, const char *name)
{
	char path[1024];

	return snprintf(path, sizeof(path), "%s/%s", dir, name) <
	    (int)sizeof(path) && access(path, F_OK) == 0;
}

/* Whether every file of an image's row is in media_dir. */
static int
all_present(const char *hash, const char *ext, const char *ws)
{
	char names[NFILES + 8][96];
	int w[NFILES], n, i;

	n = file_names(hash, ext, ws, names, NFILES + 8, w);
	for (i = 0; i < n; i++)
		if (!present(config.media_dir, names[i]))
			return 0;
	return 1;
}

/*
 * Encodes one width as uploads are kept: JPEG (photographs) or PNG
 * (what may be transparent), and WebP.  0 or -1.
 *
 * WebP is what browsers fetch, so it is made as small as it looks the
 * same: quality 75 (libwebp's own default, a fifth smaller than 80 on
 * the demo's photographs), 65 up to 480 px (thumbnails and cards, drawn
 * at about their own size, where the difference is a pixel's shade and
 * the files a tenth smaller), and the encoder's slowest, tightest effort
 * for the widths of thumbnails and cards, which pages show the most;
 * that costs time once, at upload, off the event loop.
 */
static int
encode(VipsImage *t, const char *ext, void **data, size_t *len)
{
	int w = vips_image_get_width(t);

	if (strcmp(ext, "webp") == 0)
		return vips_webpsave_buffer(t, data, len, "Q", w <= 480 ? 65 :
		    75, "effort", w <= 640 ? 6 : 4, "strip", TRUE, NULL);
	if (strcmp(ext, "jpg") == 0)
		return vips_jpegsave_buffer(t, data, len, "Q", 82, "strip",
		    TRUE, "interlace", TRUE, NULL);
	return vips_pngsave_buffer(t, data, len, "strip", TRUE, NULL);
}

/* One width of mem (which is top pixels wide): mem itself at the top. */
static int
width_of(VipsImage *mem, int top, int w, VipsImage **out)
{
	if (w >= top) {
		g_object_ref(mem);
		*out = mem;
		return 0;
	}
	return vips_thumbnail_image(mem, out, w, "height", VIPS_MAX_COORD,
	    NULL);
}

/*
 * The widths narrower than an image W pixels wide, then the image at its
 * own width (up to MEDIA_MAX_WIDTH): a 400 px picture keeps its 400 px,
 * a 1,500 px one its 1,500, and its row says so.
 */
static int
pick_widths(int W, int list[NWIDTHS + 1])
{
	int i, nw = 0, top = W < MEDIA_MAX_WIDTH ? W : MEDIA_MAX_WIDTH;

	for (i = 0; i < NWIDTHS && widths[i] < top; i++)
		list[nw++] = widths[i];
	list[nw++] = top;
	return nw;
}

/*
 * Encodes each width of list (none wider than mem) into files[*nf ...] as
 * <hash>-<w>.<ext> and <hash>-<w>.webp, the widest last, and writes the
 * list made into ws ("320,640").  0, or 422 / 500 with a sentence in
 * msg; the files encoded so far stay in files[] for the caller to free.
 */
static int
encode_widths(VipsImage *mem, const char *hash, const char *ext,
    const int *list, int nw, struct file *files, int *nf, char *ws,
    size_t wslen, char *msg, size_t msglen)
{
	int i, rc, topw = vips_image_get_width(mem);
	size_t used = 0;

	ws[0] = '\0';
	for (i = 0; i < nw; i++) {
		int w = list[i] < topw ? list[i] : topw;
		VipsImage *t = NULL;
		struct file *a = &files[*nf], *b = &files[*nf + 1];

		if (width_of(mem, topw, w, &t) != 0) {
			snprintf(msg, msglen, "the image cannot be resized");
			return 422;
		}
		snprintf(a->name, sizeof(a->name), "%s-%d.%s", hash, w, ext);
		snprintf(b->name, sizeof(b->name), "%s-%d.webp", hash, w);
		rc = encode(t, ext, &a->data, &a->len);
		if (rc == 0)
			rc = encode(t, "webp", &b->data, &b->len);
		g_object_unref(t);
		*nf += 2;
		if (rc != 0) {
			snprintf(msg, msglen, "the image cannot be encoded");
			return 500;
		}
		if (used < wslen)
			used += (size_t)snprintf(ws + used, wslen - used,
			    "%s%d", i > 0 ? "," : "", w);
	}
	return 0;
}

/* Adds the library's text and the file's size to an image's answer. */
static void
describe_meta(json_t *o, int64_t bytes, const char *alt, const char *caption,
    const char *credit, const char *filename)
{
	json_object_set_new(o, "bytes", json_integer(bytes));
	json_object_set_new(o, "alt", json_string(alt != NULL ? alt : ""));
	json_object_set_new(o, "caption", json_string(caption != NULL ?
	    caption : ""));
	json_object_set_new(o, "credit", json_string(credit != NULL ?
	    credit : ""));
	json_object_set_new(o, "filename", json_string(filename != NULL ?
	    filename : ""));
}

int
media_store(struct db *db, const void *p, size_t n,
    const struct media_meta *meta, json_t **out, char *msg, size_t msglen)
{
	static const struct media_meta none;
	unsigned char sum[crypto_hash_sha256_BYTES];
	char hash[2 * crypto_hash_sha256_BYTES + 1], ws[64] = "";
	struct file files[NFILES];
	struct image_row row;
	VipsImage *mem = NULL;
	const char *mime, *ext, *fmime;
	json_t *have = NULL;
	int i, nf = 0, W, H, status = 500, rc, top = 0, topw, toph, e;
	int list[NWIDTHS + 1], nw, known = 0;

	*out = NULL;
	if (meta == NULL)
		meta = &none;
	memset(files, 0, sizeof(files));
	if ((int64_t)n > config.max_upload) {
		snprintf(msg, msglen, "the image is larger than %lld bytes",
		    (long long)config.max_upload);
		return 413;
	}
	if (n == 0 || (mime = image_sniff(p, n)) == NULL) {
		snprintf(msg, msglen, "the file is not a JPEG, PNG, WebP or "
		    "GIF image");
		return 415;
	}
	crypto_hash_sha256(sum, p, n);
	sodium_bin2hex(hash, sizeof(hash), sum, sizeof(sum));
	/*
	 * The same bytes were uploaded before: that image it is, once its
	 * files are all there.  A row whose files were lost (a media
	 * directory not restored with the database) has them made again
	 * from these bytes below.
	 */
	if ((rc = store_image_get(db, hash, &have)) == STORE_OK) {
		const char *hext = json_string_value(json_object_get(have,
		    "ext")), *hws = json_string_value(json_object_get(have,
		    "widths"));

		if (hext != NULL && hws != NULL && all_present(hash, hext,
		    hws)) {
			*out = describe(hash, hext, mime, (int)
			    json_integer_value(json_object_get(have, "width")),
			    (int)json_integer_value(json_object_get(have,
			    "height")), hws);
			describe_meta(*out, json_integer_value(json_object_get(
			    have, "bytes")), json_string_value(json_object_get(
			    have, "alt")), json_string_value(json_object_get(
			    have, "caption")), json_string_value(json_object_get(
			    have, "credit")), json_string_value(json_object_get(
			    have, "filename")));
			json_decref(have);
			return 0;
		}
		known = 1;
	} else if (rc != STORE_NOTFOUND) {
		snprintf(msg, msglen, "the database cannot be read; try again");
		return status_store(rc);
	}
	json_decref(have);
	if (image_start() != 0) {
		snprintf(msg, msglen, "the image library did not start");
		return 500;
	}
	if ((status = probe(mime, p, n, &W, &H, msg, msglen)) != 0)
		return status;
	nw = pick_widths(W, list);
	topw = list[nw - 1];
	/* After this point, all errors go through fail. */
	if ((status = decode(p, n, topw, 0, &mem, msg, msglen)) != 0)
		goto fail;
	status = 500;
	topw = vips_image_get_width(mem);
	toph = vips_image_get_height(mem);
	/* Photographs stay JPEG; what may be transparent becomes PNG. */
	if (strcmp(mime, "image/jpeg") == 0 ||
	    (strcmp(mime, "image/webp") == 0 && !vips_image_hasalpha(mem))) {
		ext = "jpg";
		fmime = "image/jpeg";
	} else {
		ext = "png";
		fmime = "image/png";
	}
	if ((status = encode_widths(mem, hash, ext, list, nw, files, &nf,
	    ws, sizeof(ws), msg, msglen)) != 0)
		goto fail;
	top = nf - 2;
	status = 500;
	/* <hash>.<ext> is the largest width, for pages without srcset. */
	snprintf(files[nf].name, sizeof(files[nf].name), "%s.%s", hash, ext);
	files[nf].data = g_memdup2(files[top].data, files[top].len);
	files[nf].len = files[top].len;
	nf++;
	if ((e = make_dir(config.media_dir)) != 0) {
		snprintf(msg, msglen, "the media directory cannot be made");
		status = status_errno(e);
		goto fail;
	}
	for (i = 0; i < nf; i++)
		if ((e = write_file(config.media_dir, &files[i])) != 0) {
			snprintf(msg, msglen, "the image cannot be saved");
			status = status_errno(e);
			goto fail;
		}
	row.hash = hash;
	row.mime = fmime;
	row.ext = ext;
	row.width = topw;
	row.height = toph;
	row.bytes = (int64_t)files[nf - 1].len;
	row.alt = meta->alt != NULL ? meta->alt : "";
	row.widths = ws;
	row.caption = meta->caption;
	row.credit = meta->credit;
	row.filename = meta->filename;
	row.uploaded_by = meta->user;
	/* A known image only needed its files back. */
	if (!known && (rc = db_begin_write(db)) != DB_OK) {
		snprintf(msg, msglen, "the database is busy; try again");
		status = status_store(store_rc_from_db(rc));
		goto fail;
	}
	if (!known && ((rc = store_image_add(db, &row)) != STORE_OK ||
	    db_commit(db) != DB_OK)) {
		db_rollback(db);
		snprintf(msg, msglen, "the image cannot be recorded");
		status = status_write(rc);
		goto fail;
	}
	*out = describe(hash, ext, mime, topw, toph, ws);
	describe_meta(*out, row.bytes, row.alt, meta->caption, meta->credit,
	    meta->filename);
	for (i = 0; i < nf; i++)
		g_free(files[i].data);
	g_object_unref(mem);
	return 0;
fail:
	unlink_made(config.media_dir, files, nf);
	for (i = 0; i < nf; i++)
		g_free(files[i].data);
	if (mem != NULL)
		g_object_unref(mem);
	vips_error_clear();
	return status;
}

int
media_widths(const char *dir, const char *hash, const char *ext,
    const void *p, size_t n, char *ws, size_t wslen, char *msg,
    size_t msglen)
{
	struct file files[NFILES];
	VipsImage *mem = NULL;
	const char *mime;
	int list[NWIDTHS + 1], nw, nf = 0, W, H, i, rc = -1;

	memset(files, 0, sizeof(files));
	if ((mime = image_sniff(p, n)) == NULL) {
		snprintf(msg, msglen, "not a JPEG, PNG, WebP or GIF image");
		return -1;
	}
	if (image_start() != 0) {
		snprintf(msg, msglen, "the image library did not start");
		return -1;
	}
	if (probe(mime, p, n, &W, &H, msg, msglen) != 0)
		return -1;
	nw = pick_widths(W, list);
	/* After this point, all errors go through fail. */
	if (decode(p, n, list[nw - 1], 0, &mem, msg, msglen) != 0 ||
	    encode_widths(mem, hash, ext, list, nw, files, &nf, ws, wslen,
	    msg, msglen) != 0)
		goto fail;
	for (i = 0; i < nf; i++)
		if (write_file(dir, &files[i]) != 0) {
			snprintf(msg, msglen, "%s/%s cannot be written", dir,
			    files[i].name);
			goto fail;
		}
	rc = 0;
fail:
	if (rc != 0)
		unlink_made(dir, files, nf);
	for (i = 0; i < nf; i++)
		g_free(files[i].data);
	if (mem != NULL)
		g_object_unref(mem);
	vips_error_clear();
	return rc;
}

int
media_square(const char *dir, const void *p, size_t n, int64_t limit,
    int min, int max, char hash[65], int *side, int64_t *bytes, char *msg,
    size_t msglen)
{
	unsigned char sum[crypto_hash_sha256_BYTES];
	VipsImage *sq = NULL, *rgb = NULL, *flat = NULL;
	VipsArrayDouble *white = NULL;
	struct file f;
	const char *mime;
	int status, W, H, e;

	memset(&f, 0, sizeof(f));
	if (limit > 0 && (int64_t)n > limit) {
		snprintf(msg, msglen, "the image is larger than %lld bytes",
		    (long long)limit);
		return 413;
	}
	if (n == 0 || (mime = image_sniff(p, n)) == NULL) {
		snprintf(msg, msglen, "the file is not a JPEG, PNG, WebP or "
		    "GIF image");
		return 415;
	}
	if (image_start() != 0) {
		snprintf(msg, msglen, "the image library did not start");
		return 500;
	}
	if ((status = probe(mime, p, n, &W, &H, msg, msglen)) != 0)
		return status;
	*side = W < H ? W : H;
	/* Made larger, a small picture would only be a blurred one. */
	if (*side < min) {
		snprintf(msg, msglen, "the image is %d x %d pixels; it needs "
		    "at least %d on its shorter side", W, H, min);
		return 422;
	}
	if (*side > max)
		*side = max;
	/* After this point, all errors go through fail. */
	/*
	 * The middle of the picture, scaled so its shorter side fills the
	 * square; then sRGB on white, since directories want RGB without
	 * transparency, saved as a JPEG named by the SHA-256 of its bytes.
	 */
	if ((status = decode(p, n, *side, *side, &sq, msg, msglen)) != 0)
		goto fail;
	white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
	if (vips_colourspace(sq, &rgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
	    (vips_image_hasalpha(rgb) ? vips_flatten(rgb, &flat, "background",
	    white, NULL) : vips_copy(rgb, &flat, NULL)) != 0 ||
	    vips_jpegsave_buffer(flat, &f.data, &f.len, "Q", 90, "strip", TRUE,
	    "optimize_coding", TRUE, NULL) != 0) {
		snprintf(msg, msglen, "the image cannot be made square");
		status = 422;
		goto fail;
	}
	*side = vips_image_get_width(flat);
	crypto_hash_sha256(sum, f.data, f.len);
	sodium_bin2hex(hash, 65, sum, sizeof(sum));
	snprintf(f.name, sizeof(f.name), "%s.jpg", hash);
	if ((e = make_dir(dir)) != 0 || (e = write_file(dir, &f)) != 0) {
		snprintf(msg, msglen, "the image cannot be saved");
		status = status_errno(e);
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
	if (status != 0)
		vips_error_clear();
	return status;
}

int
media_is_pdf(const void *p, size_t n)
{
	return n >= 5 && memcmp(p, "%PDF-", 5) == 0;
}

/* Keeps bytes as <dir>/<sha256-hex>.<ext>: 0 with hash set, or a status. */
static int
keep_named(const char *dir, const void *p, size_t n, const char *ext,
    char hash[65], char *msg, size_t msglen)
{
	unsigned char sum[crypto_hash_sha256_BYTES];
	struct file f;
	int e;

	crypto_hash_sha256(sum, p, n);
	sodium_bin2hex(hash, 65, sum, sizeof(sum));
	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s.%s", hash, ext);
	f.data = (void *)(uintptr_t)p;
	f.len = n;
	if ((e = make_dir(dir)) != 0 || (e = write_file(dir, &f)) != 0) {
		snprintf(msg, msglen, "the file cannot be saved");
		return status_errno(e);
	}
	return 0;
}

int
media_store_pdf(const char *dir, const void *p, size_t n, int64_t max,
    char hash[65], char *msg, size_t msglen)
{
	if (max > 0 && (int64_t)n > max) {
		snprintf(msg, msglen, "the file is larger than %lld KB",
		    (long long)(max / 1024));
		return 413;
	}
	if (!media_is_pdf(p, n)) {
		snprintf(msg, msglen, "only PDF files can be uploaded here");
		return 415;
	}
	return keep_named(dir, p, n, "pdf", hash, msg, msglen);
}

int
media_store_av(const char *dir, const void *p, size_t n,
    struct av_info *info, char hash[65], char *msg, size_t msglen)
{
	if (avprobe(p, n, info) != 0) {
		snprintf(msg, msglen, "only MP3, M4A, MP4 and WebM files can be "
		    "uploaded here");
		return 415;
	}
	return keep_named(dir, p, n, info->ext, hash, msg, msglen);
}

/* ---- media check: the files the database names, and their repair ---- */

struct check {
	int64_t	 images, pdfs;	/* rows checked */
	int64_t	 missing;	/* files not found */
	int64_t	 restored;	/* made again */
};

/*
 * Makes one missing file of an image again from src (a decoded file of
 * it at full size, srcw pixels wide, read from srcname): the same bytes
 * when the file is a copy of srcname, else that width encoded as
 * uploads are.  0, or -1 with msg filled.
 */
static int
restore_one(const char *name, const char *fmt, int width, VipsImage *src,
    int srcw, const char *srcname, const char *srcdata, size_t srclen,
    char *msg, size_t msglen)
{
	struct file f;
	VipsImage *t = NULL;
	int e;
	const char *dot = strrchr(srcname, '.');

	memset(&f, 0, sizeof(f));
	strlcpy_(f.name, name, sizeof(f.name));
	/* <hash>.<ext> and <hash>-<top>.<ext> hold the same bytes. */
	if (width == srcw && dot != NULL && strcmp(dot + 1, fmt) == 0) {
		f.data = (void *)(uintptr_t)srcdata;
		f.len = srclen;
		if ((e = write_file(config.media_dir, &f)) != 0) {
			snprintf(msg, msglen, "%s", strerror(e));
			return -1;
		}
		return 0;
	}
	if (width_of(src, srcw, width, &t) != 0 ||
	    encode(t, fmt, &f.data, &f.len) != 0) {
		snprintf(msg, msglen, "libvips: %s", vips_error_buffer());
		vips_error_clear();
		if (t != NULL)
			g_object_unref(t);
		return -1;
	}
	g_object_unref(t);
	e = write_file(config.media_dir, &f);
	g_free(f.data);
	if (e != 0) {
		snprintf(msg, msglen, "%s", strerror(e));
		return -1;
	}
	return 0;
}

static void
check_image(json_t *row, int repair, FILE *out, struct check *c)
{
	char names[NFILES + 8][96], path[1100], msg[300];
	const char *hash = json_string_value(json_object_get(row, "hash"));
	const char *ext = json_string_value(json_object_get(row, "ext"));
	const char *ws = json_string_value(json_object_get(row, "widths"));
	int w[NFILES], miss[NFILES + 8], n, nw, i, src = -1, srcw = 0;
	int full[3], nfull = 0, nmiss = 0;
	VipsImage *img = NULL, *mem = NULL;
	gchar *data = NULL;
	gsize len = 0;

	c->images++;
	if (hash == NULL || ext == NULL || ws == NULL)
		return;
	n = file_names(hash, ext, ws, names, NFILES + 8, w);
	nw = (n - 1) / 2;
	for (i = 0; i < n; i++)
		if ((miss[i] = !present(config.media_dir, names[i])))
			nmiss++;
	if (nmiss == 0)
		return;
	c->missing += nmiss;
	/* The files at full size, any of which can make the others. */
	full[nfull++] = 0;
	if (nw > 0) {
		full[nfull++] = 1 + 2 * (nw - 1);
		full[nfull++] = 2 + 2 * (nw - 1);
	}
	for (i = 0; i < nfull && src < 0; i++)
		if (!miss[full[i]])
			src = full[i];
	if (repair && src >= 0) {
		snprintf(path, sizeof(path), "%s/%s", config.media_dir,
		    names[src]);
		if (g_file_get_contents(path, &data, &len, NULL) &&
		    (img = vips_image_new_from_buffer(data, len, "",
		    NULL)) != NULL)
			mem = vips_image_copy_memory(img);
		if (mem == NULL) {
			fprintf(out, "unreadable %s (image %s): %s\n",
			    names[src], hash, vips_error_buffer());
			vips_error_clear();
			src = -1;
		} else {
			srcw = vips_image_get_width(mem);
		}
	}
	for (i = 0; i < n; i++) {
		int width = i == 0 ? srcw : w[(i - 1) / 2];
		const char *fmt = i > 0 && i % 2 == 0 ? "webp" : ext;

		if (!miss[i])
			continue;
		if (!repair) {
			fprintf(out, "missing %s (image %s)\n", names[i], hash);
			continue;
		}
		if (src < 0) {
			fprintf(out, "lost %s (image %s): no file of it is left "
			    "at full size; upload the image again\n", names[i],
			    hash);
			continue;
		}
		if (restore_one(names[i], fmt, width, mem, srcw, names[src],
		    data, len, msg, sizeof(msg)) != 0) {
			fprintf(out, "lost %s (image %s): %s\n", names[i], hash,
			    msg);
			continue;
		}
		fprintf(out, "restored %s from %s\n", names[i], names[src]);
		c->restored++;
	}
	if (mem != NULL)
		g_object_unref(mem);
	if (img != NULL)
		g_object_unref(img);
	g_free(data);
}

static void
check_pdf(json_t *row, int repair, FILE *out, struct check *c)
{
	const char *hash = json_string_value(json_object_get(row,
	    "file_hash"));
	const char *slug = json_string_value(json_object_get(row, "slug"));
	char name[96];

	c->pdfs++;
	if (hash == NULL || slug == NULL)
		return;
	snprintf(name, sizeof(name), "%s.pdf", hash);
	if (present(config.media_dir, name))
		return;
	c->missing++;
	/* Only the uploaded file itself was ever kept. */
	fprintf(out, "%s %s (white paper \"%s\")%s\n", repair ? "lost" :
	    "missing", name, slug, repair ? ": upload the file again" : "");
}

int
media_check(struct db *db, int repair, FILE *out)
{
	struct check c = { 0, 0, 0, 0 };
	json_t *rows, *row;
	int64_t after;
	size_t i;
	int pdfs;

	if (image_start() != 0 && repair) {
		fprintf(out, "the image library did not start\n");
		return -1;
	}
	for (pdfs = 0; pdfs <= 1; pdfs++) {
		after = 0;
		for (;;) {
			if (store_files_after(db, pdfs, after, 200, &rows) !=
			    STORE_OK)
				return -1;
			if (json_array_size(rows) == 0) {
				json_decref(rows);
				break;
			}
			json_array_foreach(rows, i, row) {
				after = json_integer_value(json_object_get(row,
				    "id"));
				if (pdfs)
					check_pdf(row, repair, out, &c);
				else
					check_image(row, repair, out, &c);
			}
			json_decref(rows);
		}
	}
	fprintf(out, "%lld images and %lld white papers checked; missing "
	    "files: %lld", (long long)c.images, (long long)c.pdfs,
	    (long long)c.missing);
	if (repair)
		fprintf(out, " (restored: %lld, cannot be restored: %lld)",
		    (long long)c.restored, (long long)(c.missing - c.restored));
	fprintf(out, "\n");
	return (int)(repair ? c.missing - c.restored : c.missing);
}
