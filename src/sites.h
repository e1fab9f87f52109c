/*
 * sites.h — the publications one instance serves (docs/sites.md).
 *
 * The rows of the sites table, kept in memory so that a request's site
 * is found from its Host header on the event loop, before the page
 * cache is asked, without reading the database.  The command loads them
 * at start (store_sites) and the newsroom again after it writes one.
 * Site 1 is the instance's own publication, whose name, tagline and
 * base URL are still its settings'; a request for it carries no site.
 */
#ifndef MASTHEAD_SITES_H
#define MASTHEAD_SITES_H

#include <stddef.h>
#include <stdint.h>

#define SITES_MAX	64
#define SITES_DEFAULT	1

struct site {
	int64_t	id;
	char	slug[64];
	char	host[256];	/* lower case, no port; "" for none */
	char	name[128];
	char	tagline[256];
	char	base_url[512];	/* "" for site 1: the base_url setting */
	char	logo[512];
	char	accent[8];	/* "#rrggbb" or "" */
};

/* Replaces the sites kept in memory with sites[0..n). */
void	sites_set(const struct site *sites, size_t n);
size_t	sites_count(void);
/*
 * Copies the site whose host is host (any case, a ":port" left out)
 * into out: 0, or -1 when none has it.
 */
int	sites_by_host(const char *host, size_t len, struct site *out);
int	sites_by_slug(const char *slug, size_t len, struct site *out);
int	sites_by_id(int64_t id, struct site *out);
/* The i-th site in the table's order (0: the instance's own), or -1. */
int	sites_at(size_t i, struct site *out);

/*
 * The site's absolute URL: its base_url, else http://HOST with the port
 * of the instance's own URL (config_site_url), so that a site reached as
 * NAME.localhost follows the port the server listens on.
 */
const char *sites_url(const struct site *, char *buf, size_t n);

/* The checks of a site's fields: 1 when v may be stored. */
int	sites_slug_ok(const char *v);
int	sites_host_ok(const char *v);
int	sites_accent_ok(const char *v);

#endif
