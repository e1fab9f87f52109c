/*
 * geoip.c — countries from GeoIP country databases (geoip.h,
 * docs/analytics.md): MaxMind DB files (.mmdb, read with libmaxminddb:
 * GeoLite2 or DB-IP's country databases, say) and the legacy GeoIP
 * files Debian ships (read with libGeoIP).
 *
 * libGeoIP's *_gl lookups keep their state in the caller's GeoIPLookup,
 * and a database opened with GEOIP_MMAP_CACHE (and without
 * GEOIP_CHECK_CACHE, which would stat the file on every lookup) is only
 * read once open; libmaxminddb's lookups only read the mapped file.  So
 * the loops, the render threads and the tests look up at the same time
 * without a lock.  The addresses are parsed here with inet_pton, never
 * by the libraries' lookups by name, which could ask DNS.  An .mmdb
 * file answers for both address families and is asked first.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <GeoIP.h>
#include <maxminddb.h>

#include "geoip.h"
#include "util.h"

static GeoIP *v4, *v6;
static MMDB_s mmdb;
static int have_mmdb;
static char why[1024] = "no GeoIP database has been opened";

/* What a legacy database answers that is no country. */
static const char *const not_countries[] = { "A1", "A2", "O1", "AP", "EU" };

void
geoip_close(void)
{
	if (v4 != NULL)
		GeoIP_delete(v4);
	if (v6 != NULL)
		GeoIP_delete(v6);
	v4 = v6 = NULL;
	if (have_mmdb)
		MMDB_close(&mmdb);
	have_mmdb = 0;
}

/* Adds "path: reason" to why, separated by "; ". */
static void
note(const char *path, size_t len, const char *reason)
{
	size_t n = strlen(why);

	snprintf(why + n, sizeof(why) - n, "%s%.*s: %s", n > 0 ? "; " : "",
	    (int)len, path, reason);
}

/* Opens the database at path[0..len); 1 when opened. */
static int
open_one(const char *path, size_t len)
{
	char name[512];
	GeoIP *gi;
	int ed;

	if (len >= sizeof(name)) {
		note(path, len, "the path is too long");
		return 0;
	}
	memcpy(name, path, len);
	name[len] = '\0';
	/* libGeoIP would say why on stderr; access says it here. */
	if (access(name, R_OK) != 0) {
		note(path, len, strerror(errno));
		return 0;
	}
	if (len > 5 && strcmp(name + len - 5, ".mmdb") == 0) {
		if (have_mmdb) {
			note(path, len, "a second MaxMind database");
			return 0;
		}
		if ((ed = MMDB_open(name, MMDB_MODE_MMAP, &mmdb)) !=
		    MMDB_SUCCESS) {
			note(path, len, MMDB_strerror(ed));
			return 0;
		}
		have_mmdb = 1;
		return 1;
	}
	if ((gi = GeoIP_open(name, GEOIP_MMAP_CACHE | GEOIP_SILENCE)) ==
	    NULL) {
		note(path, len, "not a GeoIP database");
		return 0;
	}
	ed = GeoIP_database_edition(gi);
	if ((ed == GEOIP_COUNTRY_EDITION ||
	    ed == GEOIP_LARGE_COUNTRY_EDITION) && v4 == NULL) {
		v4 = gi;
		return 1;
	}
	if ((ed == GEOIP_COUNTRY_EDITION_V6 ||
	    ed == GEOIP_LARGE_COUNTRY_EDITION_V6) && v6 == NULL) {
		v6 = gi;
		return 1;
	}
	GeoIP_delete(gi);
	note(path, len, ed == GEOIP_COUNTRY_EDITION ||
	    ed == GEOIP_COUNTRY_EDITION_V6 ||
	    ed == GEOIP_LARGE_COUNTRY_EDITION ||
	    ed == GEOIP_LARGE_COUNTRY_EDITION_V6 ?
	    "a second database of the same address family" :
	    "not a country database");
	return 0;
}

int
geoip_open(const char *paths)
{
	const char *p = paths, *e;
	int n = 0;

	geoip_close();
	why[0] = '\0';
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, ",");
		/* Spaces before a comma are no part of the name. */
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > p)
			n += open_one(p, (size_t)(e - p));
		p += strcspn(p, ",");
		if (*p++ == '\0')
			break;
	}
	if (n == 0 && why[0] == '\0')
		snprintf(why, sizeof(why), "the setting geoip names no file");
	return n;
}

/* Whether code is two capital letters that name a country. */
static int
is_country(const char *code)
{
	size_t i;

	if (code == NULL || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' ||
	    code[1] > 'Z' || code[2] != '\0')
		return 0;
	for (i = 0; i < ARRAY_SIZE(not_countries); i++)
		if (strcmp(code, not_countries[i]) == 0)
			return 0;
	return 1;
}

/*
 * The country of the address sa in the MaxMind database: its
 * country.iso_code, copied into code[3]; 1 when found.
 */
static int
mmdb_country(const struct sockaddr *sa, char code[3])
{
	MMDB_lookup_result_s res;
	MMDB_entry_data_s data;
	int err;

	res = MMDB_lookup_sockaddr(&mmdb, sa, &err);
	if (err != MMDB_SUCCESS || !res.found_entry ||
	    MMDB_get_value(&res.entry, &data, "country", "iso_code",
	    NULL) != MMDB_SUCCESS || !data.has_data ||
	    data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size != 2)
		return 0;
	memcpy(code, data.utf8_string, 2);
	code[2] = '\0';
	return 1;
}

int
geoip_country(const char *ip, char cc[3])
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	GeoIPLookup gl;
	const char *code = NULL;
	char mm[3];
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0xff, 0xff };

	cc[0] = '\0';
	if (ip == NULL)
		return 0;
	memset(&gl, 0, sizeof(gl));
	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, ip, &s4.sin_addr) == 1)
		s4.sin_family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &s6.sin6_addr) != 1)
		return 0;
	/* An IPv4 address written as IPv6 is looked up as IPv4. */
	else if (memcmp(s6.sin6_addr.s6_addr, mapped, sizeof(mapped)) == 0) {
		memcpy(&s4.sin_addr, s6.sin6_addr.s6_addr + 12, 4);
		s4.sin_family = AF_INET;
	} else
		s6.sin6_family = AF_INET6;
	if (have_mmdb && mmdb_country(s4.sin_family == AF_INET ?
	    (struct sockaddr *)&s4 : (struct sockaddr *)&s6, mm))
		code = mm;
	else if (s4.sin_family == AF_INET && v4 != NULL)
		code = GeoIP_country_code_by_ipnum_gl(v4,
		    ntohl(s4.sin_addr.s_addr), &gl);
	else if (s6.sin6_family == AF_INET6 && v6 != NULL)
		code = GeoIP_country_code_by_ipnum_v6_gl(v6, s6.sin6_addr,
		    &gl);
	if (!is_country(code))
		return 0;
	memcpy(cc, code, 3);
	return 1;
}

const char *
geoip_status(void)
{
	return v4 != NULL || v6 != NULL || have_mmdb ? NULL : why;
}

const char *
geoip_name(const char *cc)
{
	int id;

	if (!is_country(cc) || (id = GeoIP_id_by_code(cc)) <= 0)
		return NULL;
	return GeoIP_name_by_id(id);
}
