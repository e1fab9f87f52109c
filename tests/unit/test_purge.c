/*
 * test_purge.c — the Varnish purge sender: the addresses the setting
 * takes, and the requests that reach a listener standing for Varnish
 * (PURGE with xkey-purge, writes batched, a failure tried again).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "purge.h"

static const struct {
	const char	*addrs;
	int		 n;
	const char	*first;
} parse_cases[] = {
	{ "", 0, NULL },
	{ "   ", 0, NULL },
	{ "127.0.0.1:6081", 1, "http://127.0.0.1:6081" },
	{ "http://cache.internal:80 10.0.0.2:6081", 2, "http://cache.internal:80" },
	{ "a:1,b:2", 2, "http://a:1" },
	{ "[::1]:6081", 1, "http://[::1]:6081" },
	{ "127.0.0.1", -1, NULL },
	{ "127.0.0.1:", -1, NULL },
	{ ":6081", -1, NULL },
	{ "host:0", -1, NULL },
	{ "host:65536", -1, NULL },
	{ "host:80x", -1, NULL },
	{ "host:123456", -1, NULL },
	{ "http://host:80/path", -1, NULL },
	{ "user@host:80", -1, NULL },
};

static void
test_parse(void **state)
{
	char *t[PURGE_TARGETS], err[256];
	size_t i;
	int n, k;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		err[0] = '\0';
		n = purge_parse(parse_cases[i].addrs, t, err, sizeof(err));
		if (n != parse_cases[i].n)
			fail_msg("\"%s\": %d addresses, want %d (%s)",
			    parse_cases[i].addrs, n, parse_cases[i].n, err);
		if (n < 0)
			assert_non_null(strstr(err, "varnish"));
		if (n > 0)
			assert_string_equal(t[0], parse_cases[i].first);
		for (k = 0; k < n; k++)
			free(t[k]);
	}
}

static void
test_too_many(void **state)
{
	char addrs[1024] = "", *t[PURGE_TARGETS], err[256];
	int i;

	(void)state;
	for (i = 0; i <= PURGE_TARGETS; i++)
		snprintf(addrs + strlen(addrs), sizeof(addrs) - strlen(addrs),
		    "h%d:80 ", i);
	assert_int_equal(purge_parse(addrs, t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most"));
}

/* A listener standing for Varnish: keeps the header each request had. */
static int lfd;
static char got[8][8192];
static int ngot, fail_first;

static void *
listener(void *arg)
{
	char req[8192];
	ssize_t k;
	size_t have;
	int c;

	(void)arg;
	while ((c = accept(lfd, NULL, NULL)) >= 0) {
		have = 0;
		while (have < sizeof(req) - 1 &&
		    (k = read(c, req + have, sizeof(req) - 1 - have)) > 0) {
			have += (size_t)k;
			req[have] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		req[have] = '\0';
		if (ngot < 8)
			snprintf(got[ngot++], sizeof(got[0]), "%s", req);
		if (fail_first-- > 0)
			dprintf(c, "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n"
			    "Connection: close\r\n\r\n");
		else
			dprintf(c, "HTTP/1.1 200 Purged\r\nContent-Length: 0\r\n"
			    "Connection: close\r\n\r\n");
		close(c);
	}
	return NULL;
}

static void
test_send(void **state)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	pthread_t th;
	char addr[64], err[256];

	(void)state;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 8), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &len);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sa.sin_port));
	assert_int_equal(pthread_create(&th, NULL, listener, NULL), 0);

	/* Off: nothing is queued, nothing sent. */
	assert_int_equal(purge_enabled(), 0);
	purge_tags("a1");

	/* The first request fails: it is sent again. */
	fail_first = 1;
	assert_int_equal(purge_start(addr, err, sizeof(err)), 0);
	assert_int_equal(purge_enabled(), 1);
	purge_tags("a1 latest");
	purge_stop();
	assert_int_equal(ngot, 2);
	assert_non_null(strstr(got[0], "PURGE / HTTP/1.1\r\n"));
	assert_non_null(strstr(got[1], "\r\nxkey-purge: a1 latest\r\n"));

	/* "*" among the tags purges everything, in one request. */
	ngot = 0;
	assert_int_equal(purge_start(addr, err, sizeof(err)), 0);
	purge_tags("* ls3");
	purge_stop();
	assert_int_equal(ngot, 1);
	assert_non_null(strstr(got[0], "\r\nxkey-purge: *\r\n"));
	assert_int_equal(purge_enabled(), 0);

	shutdown(lfd, SHUT_RDWR);
	close(lfd);
	pthread_join(th, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_send),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
