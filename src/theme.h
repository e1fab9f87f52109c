/*
 * theme.h — the templates and static assets of the theme.
 *
 * The default theme (themes/default/) is compiled into the binary; files
 * under the theme_dir setting override it file by file.  Everything is
 * loaded and compiled once at start-up and read-only afterwards.
 *
 * Sharing sites and search engines take raster images only, so a theme
 * whose logo is favicon.svg also serves it drawn as PNG: logo.png (a
 * 512 x 512 square, the publisher's logo in JSON-LD) and share.png
 * (1200 x 630, the image shared for a page that has none of its own),
 * unless the theme brings files of those names itself.
 */
#ifndef MASTHEAD_THEME_H
#define MASTHEAD_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"

struct tpl_set;

struct asset {
	char			*name;		/* "site.css" */
	const unsigned char	*data;
	size_t			 len;
	const char		*ctype;
	char			 etag[24];	/* quoted content hash */
	int			 owned;		/* data was read from theme_dir */
	int			 width, height;	/* pixels of a raster image, else 0 */
	/*
	 * Text assets (CSS, JavaScript, SVG) compressed once at load, as
	 * the page cache keeps its pages: zdata[ENC_GZIP] and
	 * zdata[ENC_BROTLI], NULL when not worth it or not smaller, each
	 * with its own quoted ETag.  [ENC_IDENTITY] is data itself.
	 */
	char			*zdata[ENC__MAX];
	size_t			 zlen[ENC__MAX];
	char			 zetag[ENC__MAX][28];
};

/*
 * Loads the default theme and the overrides in dir (may be NULL or ""),
 * replacing whatever an earlier call loaded.
 */
int	 theme_load(const char *dir, char *err, size_t errlen);
void	 theme_free(void);
const struct tpl_set *theme_templates(void);
/* The sizes of the PNGs drawn from favicon.svg. */
#define THEME_LOGO_PX		512
#define THEME_SHARE_W		1200
#define THEME_SHARE_H		630

/* The asset of that name, or NULL. */
const struct asset *theme_asset(const char *name);
/* Content type for a file name's extension. */
const char *theme_ctype(const char *name);
/* When the theme was loaded: the Last-Modified of its assets. */
int64_t	 theme_loaded_at(void);
/*
 * A short hash of all assets, for cache-busting asset URLs: a page links
 * /assets/<name>?v=<version>, which the server lets caches keep for a
 * year (page_asset()).
 */
const char *theme_version(void);

#endif
