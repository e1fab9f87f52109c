/*
 * test_geoip.c — geoip.c's lookups against the country databases of
 * Debian's geoip-database (tools/deps.sh installs it): public IPv4 and
 * IPv6 addresses give their country's two letters, private, reserved
 * and malformed ones nothing; a database that is missing or is not one
 * is skipped with the reason.  The expected countries are what
 * geoiplookup and geoiplookup6 answer for the same files.  Debian ships
 * no MaxMind DB (.mmdb) file, so the test writes a small one of its own
 * (write_mmdb, after the format's specification: a binary search tree
 * of 24-bit records, 16 zero bytes, the data section, then the
 * metadata) and reads it through libmaxminddb.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "geoip.h"

#define V4DB	"/usr/share/GeoIP/GeoIP.dat"
#define V6DB	"/usr/share/GeoIP/GeoIPv6.dat"

struct lookup {
	const char	*ip;
	const char	*cc;	/* "" for none */
};

static const struct lookup cases[] = {
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

/* Looks up each of the n cases c[] in the databases open. */
static void
check(const struct lookup *c, size_t n)
{
	char cc[3];
	size_t i;
	int found;

	for (i = 0; i < n; i++) {
		memcpy(cc, "??", 3);
		found = geoip_country(c[i].ip, cc);
		if (found != (c[i].cc[0] != '\0') || strcmp(cc, c[i].cc) != 0)
			fail_msg("%s: \"%s\" (%d), not \"%s\"", c[i].ip, cc,
			    found, c[i].cc);
	}
}

static void
test_lookups(void **state)
{
	char cc[3];

	(void)state;
	assert_int_equal(geoip_open(V4DB "," V6DB), 2);
	assert_null(geoip_status());
	check(cases, sizeof(cases) / sizeof(cases[0]));
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

/* An IPv4 network of a test database and its country. */
static const struct net {
	uint32_t	 addr;
	int		 bits;
	const char	*cc;
} nets[] = {
	{ 0x08000000, 8, "SE" },	/* 8.0.0.0/8 */
	{ 0xc0a80000, 16, "FR" },	/* 192.168.0.0/16 */
	{ 0x51024500, 24, "JP" },	/* 81.2.69.0/24 */
	{ 0x5102458f, 32, "KR" },	/* 81.2.69.143, inside the one above */
};

#define MM_NODES	128

/* The search tree: each record a node, a network's country, or empty. */
static int64_t tree[MM_NODES][2];
static int nnodes;

/* Appends n bytes of v, most significant first; past 8, zeros lead. */
static void
put_be(FILE *f, uint64_t v, int n)
{
	while (n-- > 0)
		fputc(n >= 8 ? 0 : (int)(v >> (8 * n)) & 0xff, f);
}

/* A string of the data format (type 2), shorter than 29 bytes. */
static void
put_str(FILE *f, const char *s)
{
	fputc(0x40 | (int)strlen(s), f);
	fputs(s, f);
}

/* A metadata entry: key and a uint16 (type 5) of two bytes. */
static void
put_u16(FILE *f, const char *key, unsigned v)
{
	put_str(f, key);
	fputc(0xa2, f);
	put_be(f, v, 2);
}

/*
 * Writes an IPv4 database of nets to path: each network's record holds
 * {"country": {"iso_code": CC}}, 22 bytes of the data section a
 * network, in the order of nets.
 */
static void
write_mmdb(const char *path)
{
	FILE *f;
	size_t i;
	int b, n, k;

	memset(tree, 0, sizeof(tree));
	nnodes = 1;
	/* Records: > 0 a node, < 0 -(1 + the network's index), 0 empty. */
	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		n = 0;
		for (b = 0; b < nets[i].bits; b++) {
			k = (int)(nets[i].addr >> (31 - b)) & 1;
			if (b == nets[i].bits - 1)
				tree[n][k] = -(int64_t)(i + 1);
			else {
				if (tree[n][k] <= 0) {
					/* A wider network's country goes down both sides. */
					assert_true(nnodes < MM_NODES);
					tree[nnodes][0] = tree[nnodes][1] =
					    tree[n][k];
					tree[n][k] = nnodes++;
				}
				n = (int)tree[n][k];
			}
		}
	}
	assert_non_null(f = fopen(path, "wb"));
	for (n = 0; n < nnodes; n++)
		for (k = 0; k < 2; k++)
			put_be(f, tree[n][k] > 0 ? (uint64_t)tree[n][k] :
			    tree[n][k] == 0 ? (uint64_t)nnodes :
			    (uint64_t)nnodes + 16 + 22 * (uint64_t)(-tree[n][k] -
			    1), 3);
	put_be(f, 0, 16);
	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		fputc(0xe1, f);
		put_str(f, "country");
		fputc(0xe1, f);
		put_str(f, "iso_code");
		put_str(f, nets[i].cc);
	}
	fwrite("\xab\xcd\xefMaxMind.com", 1, 14, f);
	fputc(0xe9, f);
	put_str(f, "node_count");
	fputc(0xc4, f);
	put_be(f, (uint64_t)nnodes, 4);
	put_u16(f, "record_size", 24);
	put_u16(f, "ip_version", 4);
	put_str(f, "database_type");
	put_str(f, "masthead-test-country");
	put_str(f, "languages");
	fputc(0x01, f);		/* an array (extended type 11) of one */
	fputc(0x04, f);
	put_str(f, "en");
	put_u16(f, "binary_format_major_version", 2);
	put_u16(f, "binary_format_minor_version", 0);
	put_str(f, "build_epoch");
	fputc(0x08, f);		/* a uint64 (extended type 9) of 8 bytes */
	fputc(0x02, f);
	put_be(f, 1765065600, 8);
	put_str(f, "description");
	fputc(0xe1, f);
	put_str(f, "en");
	put_str(f, "masthead's test");
	assert_int_equal(fclose(f), 0);
}

/* What the test database answers alone, and beside Debian's files. */
static const struct lookup alone[] = {
	{ "8.1.2.3", "SE" },
	{ "192.168.7.7", "FR" },
	{ "81.2.69.160", "JP" },
	{ "81.2.69.143", "KR" },
	{ "::ffff:81.2.69.142", "JP" },
	{ "81.2.70.1", "" },
	{ "9.9.9.9", "" },
	/* An IPv4 database has no IPv6 addresses. */
	{ "2001:4860:4860::8888", "" },
	{ "not an address", "" },
};
static const struct lookup beside[] = {
	{ "81.2.69.160", "JP" },
	{ "193.0.6.139", "NL" },
	{ "2001:4860:4860::8888", "US" },
	{ "10.0.0.1", "" },
};

static void
test_mmdb(void **state)
{
	char dir[] = "/tmp/masthead-geoip-XXXXXX", path[64], other[256];
	const char *why;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/country.mmdb", dir);
	write_mmdb(path);
	/* The MaxMind file alone answers for its networks, and only them. */
	assert_int_equal(geoip_open(path), 1);
	assert_null(geoip_status());
	check(alone, sizeof(alone) / sizeof(alone[0]));
	/* Empty names between commas are passed over. */
	assert_int_equal(geoip_open(V4DB ", ," V6DB ","), 2);
	/* Beside Debian's files it is asked first; they answer the rest. */
	snprintf(other, sizeof(other), "%s," V4DB "," V6DB, path);
	assert_int_equal(geoip_open(other), 3);
	check(beside, sizeof(beside) / sizeof(beside[0]));
	/* Two MaxMind files: the second is one too many. */
	snprintf(other, sizeof(other), "%s,%s", path, path);
	assert_int_equal(geoip_open(other), 1);
	/* A file named .mmdb that is none is skipped with libmaxminddb's why. */
	snprintf(other, sizeof(other), "%s/bad.mmdb", dir);
	assert_non_null(f = fopen(other, "w"));
	fputs("not a database\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(geoip_open(other), 0);
	why = geoip_status();
	assert_non_null(why);
	assert_non_null(strstr(why, "bad.mmdb: "));
	geoip_close();
	assert_int_equal(unlink(other), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
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
		cmocka_unit_test(test_mmdb),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
