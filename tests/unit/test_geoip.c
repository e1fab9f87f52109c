/*
 * test_geoip.c — geoip.c's lookups against the country databases of
 * Debian's geoip-database (tools/deps.sh installs it): public IPv4 and
 * IPv6 addresses give their country's two letters, private, reserved
 * and malformed ones nothing; a database that is missing or is not one
 * is skipped with the reason.  The expected countries are what
 * geoiplookup and geoiplookup6 answer for the same files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "geoip.h"

#define V4DB	"/usr/share/GeoIP/GeoIP.dat"
#define V6DB	"/usr/share/GeoIP/GeoIPv6.dat"

static const struct {
	const char	*ip;
	const char	*cc;	/* "" for none */
} cases[] = {
	{ "8.8.8.8", "US" },
	{ "81.2.69.160", "GB" },
	{ "193.0.6.139", "NL" },
	{ "133.242.0.1", "JP" },
	{ "200.160.2.3", "BR" },
	{ "2001:4860:4860::8888", "US" },
	{ "2a00:1450:4001::1", "DE" },
	/* An IPv4 address written as IPv6 is the IPv4 one. */
	{ "::ffff:81.2.69.160", "GB" },
	/* Private, loopback, link-local and documentation addresses. */
	{ "10.0.0.1", "" },
	{ "192.168.1.20", "" },
	{ "172.16.5.4", "" },
	{ "127.0.0.1", "" },
	{ "203.0.113.5", "" },
	{ "::1", "" },
	{ "fe80::1", "" },
	{ "fd00::1", "" },
	/* Not addresses at all. */
	{ "", "" },
	{ "unknown", "" },
	{ "1.2.3", "" },
	{ "256.1.1.1", "" },
	{ "8.8.8.8 ", "" },
	{ " 8.8.8.8", "" },
	{ "8.8.8.8/24", "" },
	{ "2001:4860::8888::1", "" },
	{ "::g", "" },
	{ "example.com", "" },
};

static void
test_lookups(void **state)
{
	char cc[3];
	size_t i;
	int found;

	(void)state;
	assert_int_equal(geoip_open(V4DB "," V6DB), 2);
	assert_null(geoip_status());
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(cc, "??", 3);
		found = geoip_country(cases[i].ip, cc);
		if (found != (cases[i].cc[0] != '\0') ||
		    strcmp(cc, cases[i].cc) != 0)
			fail_msg("%s: \"%s\" (%d), not \"%s\"", cases[i].ip, cc,
			    found, cases[i].cc);
	}
	memcpy(cc, "??", 3);
	assert_int_equal(geoip_country(NULL, cc), 0);
	assert_string_equal(cc, "");
	geoip_close();
}

static void
test_one_family(void **state)
{
	char cc[3];

	(void)state;
	/* With only the IPv4 file, IPv6 addresses have no country. */
	assert_int_equal(geoip_open(" " V4DB " "), 1);
	assert_null(geoip_status());
	assert_int_equal(geoip_country("8.8.8.8", cc), 1);
	assert_string_equal(cc, "US");
	assert_int_equal(geoip_country("2001:4860:4860::8888", cc), 0);
	assert_string_equal(cc, "");
	/* And the other way round. */
	assert_int_equal(geoip_open(V6DB), 1);
	assert_int_equal(geoip_country("8.8.8.8", cc), 0);
	assert_int_equal(geoip_country("2001:4860:4860::8888", cc), 1);
	assert_string_equal(cc, "US");
	geoip_close();
}

static void
test_unreadable(void **state)
{
	const char *why;
	char cc[3];

	(void)state;
	/* A missing file and a file that is no database: none opened. */
	assert_int_equal(geoip_open("/nonexistent/GeoIP.dat, /etc/hostname"),
	    0);
	why = geoip_status();
	assert_non_null(why);
	assert_non_null(strstr(why, "/nonexistent/GeoIP.dat: No such file"));
	assert_non_null(strstr(why, "/etc/hostname: not a"));
	assert_int_equal(geoip_country("8.8.8.8", cc), 0);
	assert_string_equal(cc, "");
	/* Two files of one family: the second is said to be one too many. */
	assert_int_equal(geoip_open(V4DB "," V4DB), 1);
	assert_null(geoip_status());
	assert_int_equal(geoip_open(""), 0);
	assert_non_null(strstr(geoip_status(), "names no file"));
	assert_int_equal(geoip_open(","), 0);
	assert_non_null(strstr(geoip_status(), "names no file"));
	geoip_close();
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(geoip_name("US"), "United States");
	assert_string_equal(geoip_name("DE"), "Germany");
	assert_null(geoip_name("ZZ"));
	assert_null(geoip_name("A1"));
	assert_null(geoip_name("us"));
	assert_null(geoip_name(""));
	assert_null(geoip_name("USA"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_one_family),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
