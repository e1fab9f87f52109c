/*
 * geoip.h — a reader's country from a GeoIP database (docs/analytics.md).
 *
 * Analytics asks for the country of the address a view came from as the
 * view is counted, and keeps the two letters only: the address is never
 * kept.  The databases are the legacy GeoIP country files Debian's
 * geoip-database ships (GeoIP.dat for IPv4, GeoIPv6.dat for IPv6), read
 * with libGeoIP, and MaxMind DB files (.mmdb), read with libmaxminddb;
 * the setting geoip names them.  They are mapped into memory once, at
 * start, and only read afterwards, so a lookup is a walk down a tree in
 * memory that any thread may make at any time.
 */
#ifndef MASTHEAD_GEOIP_H
#define MASTHEAD_GEOIP_H

#include <stddef.h>

/*
 * Opens the databases of paths, a list separated by commas (a name
 * ending in .mmdb is a MaxMind DB); a file that is missing or is not a
 * country database is skipped, and why is kept for geoip_status().  Returns how many were opened.  Called once
 * before the threads start; calling it again closes the old ones first.
 */
int	 geoip_open(const char *paths);
void	 geoip_close(void);

/*
 * The country of the address ip (IPv4 dotted or IPv6 text) as two
 * upper-case letters into cc[3]: 1 when found, 0 with cc "" when not
 * (no database for its family, a private or reserved address, a
 * malformed address, or a code that names no country, such as an
 * anonymous proxy's).
 */
int	 geoip_country(const char *ip, char cc[3]);

/*
 * NULL when at least one database is open, else why none is, in a
 * sentence the dashboard shows (static storage).
 */
const char *geoip_status(void);

/* The English name of country code cc, or NULL for a code it lacks. */
const char *geoip_name(const char *cc);

#endif
