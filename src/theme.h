/*
 * theme.h — the templates and static assets of the theme.
 *
 * The default theme (themes/default/) is compiled into the binary; files
 * under the theme_dir setting override it file by file.  Everything is
 * loaded and compiled once at start-up and read-only afterwards.
 */
#ifndef MASTHEAD_THEME_H
#define MASTHEAD_THEME_H

#include <stddef.h>
#include <stdint.h>

struct tpl_set;

struct asset {
	char			*name;		/* "site.css" */
	const unsigned char	*data;
	size_t			 len;
	const char		*ctype;
	char			 etag[24];	/* quoted content hash */
	int			 owned;		/* data was read from theme_dir */
};

/*
 * Loads the default theme and the overrides in dir (may be NULL or ""),
 * replacing whatever an earlier call loaded.
 */
int	 theme_load(const char *dir, char *err, size_t errlen);
void	 theme_free(void);
const struct tpl_set *theme_templates(void);
/* The asset of that name, or NULL. */
const struct asset *theme_asset(const char *name);
/* Content type for a file name's extension. */
const char *theme_ctype(const char *name);
/* When the theme was loaded: the Last-Modified of its assets. */
int64_t	 theme_loaded_at(void);
/* A short hash of all assets, for cache-busting asset URLs. */
const char *theme_version(void);

#endif
