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
	int64_t	 work_threads;	/* the pool that decodes and imports */
	int64_t	 render_threads;	/* renders off the loops; -1 = 2 per core, 0 = none */
	int64_t	 render_nice;	/* the render threads' nice value */
	int64_t	 work_queue;	/* tasks that may wait for the pool */
	char	*theme_dir;	/* templates and assets that override the default theme */
	char	*media_dir;	/* uploaded and generated images */
	char	*access_log;	/* path, "-" for stderr, empty for none */
	char	*access_log_format;	/* "combined" or "json" */
	char	*metrics_listen;	/* ADDR:PORT of /metrics; empty for none */
	char	*base_url;	/* absolute URL of the site, for links in feeds and the API */
	char	*unknown_host;	/* "default" or "421": a Host no site has */
	char	*timezone;	/* the site's time zone for dates on pages */
	int64_t	 max_uri;	/* longest request target */
	int64_t	 max_header;	/* longest single header line */
	int64_t	 max_headers;	/* total size of all request headers */
	int64_t	 max_body;	/* largest request body */
	int64_t	 max_upload;	/* largest image upload */
	int64_t	 page_size;	/* stories per list page */
	int64_t	 cache_size;	/* bytes of rendered pages kept; 0 turns the cache off */
	char	*feed_content;	/* "full" or "summary": what feeds carry of a story */
	int64_t	 feed_items;	/* stories per feed */
	char	*smtp_host;	/* mail server; empty: messages go to outbox_dir */
	int64_t	 smtp_port;	/* 0: 25, 587 with starttls, 465 with tls */
	char	*smtp_tls;	/* none, starttls or tls */
	char	*smtp_user;	/* SMTP AUTH; empty for none */
	char	*smtp_password;
	char	*smtp_ca_file;	/* CA bundle for a server with a private certificate */
	char	*mail_from;	/* From: of the site's messages */
	char	*outbox_dir;	/* where messages go without SMTP */
	char	*import_dir;	/* uploads of /admin/import until imported */
	int64_t	 import_max_mb;	/* the largest of them, in MB */
	int64_t	 job_attempts;	/* tries of a background job before it fails */
	int64_t	 job_backoff;	/* seconds before the first retry, doubling after */
	int64_t	 webhook_retry;	/* seconds before a webhook's first retry */
	int64_t	 webhook_private;	/* 1: webhooks may reach private addresses */
	int64_t	 activitypub_private;	/* 1: ActivityPub may reach private addresses */
	char	*activitypub_user;	/* the publication's fediverse user name */
	int64_t	 newsletter_rate;	/* newsletter messages per second */
	int64_t	 newsletter_bounces;	/* hard failures that end a subscription */
	int64_t	 resource_link_ttl;	/* seconds a resource's download link works */
	char	*real_ip_header;	/* header a trusted proxy puts the client's address in */
	int64_t	 analytics;	/* 1: page views are counted */
	int64_t	 analytics_raw_days;	/* days raw views are kept */
	int64_t	 analytics_refresh;	/* seconds between Most Read checks */
	char	*geoip;		/* GeoIP country databases, comma-separated */
	int64_t	 analytics_day_shift;	/* days the analytics clock is ahead */
	int64_t	 comment_rate_user;	/* comments per reader per 10 minutes */
	int64_t	 comment_rate_ip;	/* comments per IP address per 10 minutes */
	char	*embed_hosts;	/* hosts stories may embed, one space apart */
	char	*varnish;	/* Varnish addresses to purge, host:port space-separated */
	int64_t	 varnish_ttl;	/* seconds Varnish may keep an anonymous page */
};

extern struct config config;

/* The largest export /admin/import takes: import_max_mb, else max_upload. */
#define CONFIG_IMPORT_MAX(c)	((c).import_max_mb > 0 ? \
	(c).import_max_mb * 1024 * 1024 : (c).max_upload)

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
/* The same from an open file, named name in the messages (the fuzz target's way in). */
int	config_load_fp(struct config *, FILE *, const char *name, char *err,
	    size_t errlen);
/* The longest line of a config file, its line end included. */
#define CONFIG_LINE_MAX	4096
/* Reads MASTHEAD_<KEY> variables. */
int	config_load_env(struct config *, char *err, size_t errlen);
/* Sets one setting by name (flags and the loaders use it). */
int	config_set(struct config *, const char *key, const char *val, char *err, size_t errlen);
/* Whether key names a setting. */
int	config_known(const char *key);
/*
 * The site's absolute URL, without a trailing slash, for every link that
 * leaves the page (feeds, canonical links, sitemaps, mail): base_url
 * when set, else http:// and the listen address, written into buf.
 * Returns config.base_url or buf.
 */
const char *config_site_url(char *buf, size_t n);
/*
 * Whether v is an absolute http(s) URL with a host and nothing a link
 * could not carry (the check of base_url; a site's base URL takes it).
 */
int	 config_url_ok(const char *v);
/* Prints every setting with its default and help text. */
void	config_usage(FILE *);

#endif
