/*
 * config.h — every setting of masthead, declared once.
 *
 * A setting is read, in increasing precedence, from its default, the
 * config file (key = value), the environment (MASTHEAD_KEY) and the
 * command line (--key value).
 */
#ifndef MASTHEAD_CONFIG_H
#define MASTHEAD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config {
	char	*db;		/* SQLite file or postgres:// URL */
	char	*listen;	/* ADDR:PORT */
	int64_t	 threads;	/* event loops; 0 = one per core */
	char	*theme_dir;	/* templates and assets that override the default theme */
	char	*media_dir;	/* uploaded and generated images */
	char	*access_log;	/* path, "-" for stdout, empty for none */
	char	*base_url;	/* absolute URL of the site, for links in feeds and the API */
	char	*timezone;	/* the site's time zone for dates on pages */
	int64_t	 max_uri;	/* longest request target */
	int64_t	 max_header;	/* longest single header line */
	int64_t	 max_headers;	/* total size of all request headers */
	int64_t	 max_body;	/* largest request body */
	int64_t	 max_upload;	/* largest image upload */
	int64_t	 page_size;	/* stories per list page */
	int64_t	 cache_size;	/* bytes of rendered pages kept; 0 turns the cache off */
};

extern struct config config;

/* Bytes an upload's body may carry besides its image (the form's fields). */
#define UPLOAD_SLACK	65536

/* Sets every setting to its default (the struct must not hold values yet). */
void	config_defaults(struct config *);
/* Frees the strings of a struct config. */
void	config_free(struct config *);
/*
 * Reads a key = value file.  Unknown keys, bad values and syntax errors
 * fail with "file:line: message" in err.
 */
int	config_load_file(struct config *, const char *path, char *err, size_t errlen);
/* Reads MASTHEAD_<KEY> variables. */
int	config_load_env(struct config *, char *err, size_t errlen);
/* Sets one setting by name (flags and the loaders use it). */
int	config_set(struct config *, const char *key, const char *val, char *err, size_t errlen);
/* Whether key names a setting. */
int	config_known(const char *key);
/* Prints every setting with its default and help text. */
void	config_usage(FILE *);

#endif
