/*
 * theme.c — loads the default theme from the binary and overrides from
 * the theme_dir setting; compiles the templates once.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "embed.h"
#include "image.h"
#include "theme.h"
#include "tpl.h"
#include "util.h"

#define TPL_DIR		"templates/"
#define ASSET_DIR	"assets/"
#define TPL_EXT		".mustache"
#define MAX_ASSETS	256

static struct tpl_set *templates;
static struct asset assets[MAX_ASSETS];
static size_t nassets;
static char version[20];
static int64_t loaded_at;

static const struct {
	const char	*ext;
	const char	*ctype;
} ctypes[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".webp", "image/webp" },
	{ ".gif", "image/gif" },
	{ ".mp3", "audio/mpeg" },
	{ ".m4a", "audio/mp4" },
	{ ".mp4", "video/mp4" },
	{ ".webm", "video/webm" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".json", "application/json" },
};

const char *
theme_ctype(const char *name)
{
	size_t i, n = strlen(name), k;

	for (i = 0; i < ARRAY_SIZE(ctypes); i++) {
		k = strlen(ctypes[i].ext);
		if (n > k && strcmp(name + n - k, ctypes[i].ext) == 0)
			return ctypes[i].ctype;
	}
	return "application/octet-stream";
}

static uint64_t
fnv1a(const unsigned char *p, size_t n, uint64_t h)
{
	while (n-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static int
add_asset(const char *name, const unsigned char *data, size_t len, int owned,
    char *err, size_t errlen)
{
	struct asset *a = NULL;
	size_t i;

	for (i = 0; i < nassets; i++)
		if (strcmp(assets[i].name, name) == 0)
			a = &assets[i];
	if (a == NULL) {
		if (nassets == MAX_ASSETS) {
			snprintf(err, errlen, "theme: more than %d assets",
			    MAX_ASSETS);
			return -1;
		}
		a = &assets[nassets++];
		a->name = xstrdup(name);
	}
	if (a->owned)
		free((void *)a->data);
	a->data = data;
	a->len = len;
	a->owned = owned;
	a->ctype = theme_ctype(name);
	/* Pages give the size of the images they share. */
	if (strncmp(a->ctype, "image/", 6) != 0 || image_size(data, len,
	    &a->width, &a->height) != 0)
		a->width = a->height = 0;
	snprintf(a->etag, sizeof(a->etag), "\"%016llx\"",
	    (unsigned long long)fnv1a(data, len, 0xcbf29ce484222325ull));
	return 0;
}

/* "partials/sidebar.mustache" -> "partials/sidebar" */
static int
add_template(const char *rel, const char *src, size_t len, const char *file,
    char *err, size_t errlen)
{
	char name[256];
	size_t n = strlen(rel), k = strlen(TPL_EXT);

	if (n <= k || strcmp(rel + n - k, TPL_EXT) != 0 || n - k >= sizeof(name))
		return 0;
	memcpy(name, rel, n - k);
	name[n - k] = '\0';
	return tpl_set_add(templates, name, src, len, file, err, errlen);
}

/* Reads a whole file; the memory lives as long as the process. */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char tmp[8192];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	if (buf_err(&b)) {
		buf_free(&b);
		return NULL;
	}
	return (unsigned char *)buf_detach(&b, lenp);
}

/* Walks dir/sub recursively, loading templates or assets. */
static int
load_dir(const char *root, const char *sub, int is_tpl, char *err,
    size_t errlen)
{
	char path[1024], rel[512];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s%s", root,
	    is_tpl ? TPL_DIR : ASSET_DIR, sub);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		unsigned char *data;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s%s", sub, de->d_name);
		snprintf(path, sizeof(path), "%s/%s%s", root,
		    is_tpl ? TPL_DIR : ASSET_DIR, rel);
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			strlcpy_(rel + strlen(rel), "/", sizeof(rel) - strlen(rel));
			rc = load_dir(root, rel, is_tpl, err, errlen);
			continue;
		}
		if ((data = slurp(path, &len)) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = -1;
		} else if (is_tpl) {
			rc = add_template(rel, (const char *)data, len, path,
			    err, errlen);
			/* The compiled template keeps its own copy. */
			free(data);
		} else {
			rc = add_asset(rel, data, len, 1, err, errlen);
		}
	}
	closedir(d);
	return rc;
}

/*
 * Draws name from the theme's favicon.svg unless the theme has a file of
 * that name.  A theme without the SVG, or a libvips that cannot read
 * SVG, only goes without the PNG: pages then share no logo, and say so
 * on stderr once.
 */
static int
add_rendition(const char *name, int fit, int w, int h,
    const char *background, char *err, size_t errlen)
{
	const struct asset *svg = theme_asset("favicon.svg");
	unsigned char *copy;
	char why[256];
	void *png;
	size_t len;

	if (theme_asset(name) != NULL || svg == NULL)
		return 0;
	if (image_png_of_svg(svg->data, svg->len, fit, w, h, background, &png,
	    &len, why, sizeof(why)) != 0) {
		fprintf(stderr, "masthead: theme: no %s: %s\n", name, why);
		return 0;
	}
	/* Assets read from theme_dir are free()d: so is this one. */
	copy = xmalloc(len);
	memcpy(copy, png, len);
	image_free(png);
	return add_asset(name, copy, len, 1, err, errlen);
}

/*
 * Compresses the text assets once, at the best levels: they are sent
 * with every first visit.  The ETag of a variant is the asset's with
 * "-gz" or "-br" inside the quotes, as the page cache names its own.
 */
static void
compress_assets(void)
{
	static const char *const suffix[ENC__MAX] = { "", "-gz", "-br" };
	struct buf z;
	size_t i, k;
	int enc;

	for (i = 0; i < nassets; i++) {
		struct asset *a = &assets[i];

		if (!cache_zip_worth(a->ctype, a->len))
			continue;
		for (enc = ENC_GZIP; enc < ENC__MAX; enc++) {
			buf_init(&z, 0);
			if (cache_compress((enum cache_enc)enc,
			    (const char *)a->data, a->len, &z) == 0 &&
			    z.len < a->len) {
				a->zdata[enc] = buf_detach(&z, &a->zlen[enc]);
				k = strlen(a->etag);
				snprintf(a->zetag[enc], sizeof(a->zetag[enc]),
				    "%.*s%s\"", (int)(k - 1), a->etag,
				    suffix[enc]);
			}
			buf_free(&z);
		}
	}
}

int
theme_load(const char *dir, char *err, size_t errlen)
{
	static const char prefix[] = "themes/default/";
	size_t i, plen = sizeof(prefix) - 1;
	uint64_t h = 0xcbf29ce484222325ull;

	theme_free();
	templates = tpl_set_new();
	for (i = 0; i < embed_count; i++) {
		const struct embed_file *f = &embed_files[i];
		const char *rel;

		if (strncmp(f->name, prefix, plen) != 0)
			continue;
		rel = f->name + plen;
		if (strncmp(rel, TPL_DIR, sizeof(TPL_DIR) - 1) == 0) {
			if (add_template(rel + sizeof(TPL_DIR) - 1,
			    (const char *)f->data, f->len, f->name, err,
			    errlen) != 0)
				return -1;
		} else if (strncmp(rel, ASSET_DIR, sizeof(ASSET_DIR) - 1) == 0) {
			if (add_asset(rel + sizeof(ASSET_DIR) - 1, f->data,
			    f->len, 0, err, errlen) != 0)
				return -1;
		}
	}
	if (dir != NULL && dir[0] != '\0') {
		struct stat sb;

		if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "theme_dir: %s is not a directory",
			    dir);
			return -1;
		}
		if (load_dir(dir, "", 1, err, errlen) != 0 ||
		    load_dir(dir, "", 0, err, errlen) != 0)
			return -1;
	}
	if (tpl_set_check(templates, err, errlen) != 0)
		return -1;
	/* The share card holds the logo at half its height, on white. */
	if (add_rendition("logo.png", THEME_LOGO_PX, THEME_LOGO_PX,
	    THEME_LOGO_PX, NULL, err, errlen) != 0 ||
	    add_rendition("share.png", THEME_SHARE_H / 2, THEME_SHARE_W,
	    THEME_SHARE_H, "#ffffff", err, errlen) != 0)
		return -1;
	compress_assets();
	for (i = 0; i < nassets; i++)
		h = fnv1a((const unsigned char *)assets[i].etag,
		    strlen(assets[i].etag), h);
	snprintf(version, sizeof(version), "%08llx",
	    (unsigned long long)(h & 0xffffffffu));
	loaded_at = now_unix();
	return 0;
}

void
theme_free(void)
{
	size_t i;

	if (templates != NULL)
		tpl_set_free(templates);
	templates = NULL;
	for (i = 0; i < nassets; i++) {
		if (assets[i].owned)
			free((void *)assets[i].data);
		free(assets[i].name);
		free(assets[i].zdata[ENC_GZIP]);
		free(assets[i].zdata[ENC_BROTLI]);
	}
	memset(assets, 0, sizeof(assets));
	nassets = 0;
}

const struct tpl_set *
theme_templates(void)
{
	return templates;
}

const struct asset *
theme_asset(const char *name)
{
	size_t i;

	for (i = 0; i < nassets; i++)
		if (strcmp(assets[i].name, name) == 0)
			return &assets[i];
	return NULL;
}

int64_t
theme_loaded_at(void)
{
	return loaded_at;
}

const char *
theme_version(void)
{
	return version;
}
