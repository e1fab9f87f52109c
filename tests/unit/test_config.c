/*
 * test_config.c — the settings table: defaults, bounds, files with
 * file:line errors, the environment.
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

#include "config.h"

static char path[] = "/tmp/masthead-test-config-XXXXXX";

static void
write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void
test_defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.db, "data/masthead.db");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.page_size, 20);
	assert_int_equal(c.max_header, 8192);
	config_free(&c);
}

static void
test_set_bounds(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "threads", "4", err, sizeof(err)), 0);
	assert_int_equal(c.threads, 4);
	assert_int_equal(config_set(&c, "threads", "-1", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "threads", "4x", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "threads", "", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "threads",
	    "99999999999999999999999", err, sizeof(err)), -1);
	assert_int_equal(c.threads, 4);
	assert_int_equal(config_set(&c, "nope", "1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nope"));
	config_free(&c);
}

static void
test_file(void **state)
{
	struct config c;
	char err[512];

	(void)state;
	config_defaults(&c);
	write_conf("# a comment\n\n  listen = 0.0.0.0:9000  \n"
	    "theme_dir = \" spaced \"\npage_size=5\n");
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_string_equal(c.theme_dir, " spaced ");
	assert_int_equal(c.page_size, 5);
	config_free(&c);
}

static void
test_file_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*line;
	} cases[] = {
		{ "listen = x\ncolour = blue\n", ":2:" },
		{ "page_size = 0\n", ":1:" },
		{ "\n\nno equals sign\n", ":3:" },
		{ "threads = two\n", ":1:" },
	};
	struct config c;
	char err[512], want[600];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		config_defaults(&c);
		write_conf(cases[i].text);
		assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
		    -1);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].line);
		assert_non_null(strstr(err, want));
		config_free(&c);
	}
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "/nonexistent/masthead.conf",
	    err, sizeof(err)), -1);
	config_free(&c);
}

/*
 * Reading a config file's bytes as they are: a NUL, a control character
 * in a value and a line of exactly the limit at the end of the file
 * without a line end (the fgets() reader called that one too long, and
 * took a NUL for the end of its line).
 */
static void
test_file_bytes(void **state)
{
	static const struct {
		const char	*text;
		size_t		 len;
		int		 rc;
		const char	*msg;
	} cases[] = {
		{ "page_size = 5\0\n", 15, -1, ":1: a NUL byte" },
		{ "listen = 1\n\0page_size = 5\n", 26, -1, ":2: a NUL byte" },
		{ "mail_from = a\rBcc: x@example.com\n", 33, -1,
		  ":1: mail_from: a control character" },
		{ "smtp_password = \"a\tb\"\n", 22, 0, NULL },
	};
	struct config c;
	char err[512];
	size_t i;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		config_defaults(&c);
		f = fmemopen((void *)(uintptr_t)cases[i].text, cases[i].len,
		    "r");
		assert_non_null(f);
		err[0] = '\0';
		assert_int_equal(config_load_fp(&c, f, "t.conf", err,
		    sizeof(err)), cases[i].rc);
		fclose(f);
		if (cases[i].msg != NULL)
			assert_non_null(strstr(err, cases[i].msg));
		config_free(&c);
	}
}

/* The longest line is CONFIG_LINE_MAX bytes, at the end of a file or not. */
static void
test_file_long_line(void **state)
{
	char text[CONFIG_LINE_MAX + 16], err[512];
	struct config c;
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "theme_dir = ");
	memset(text + n, 'x', CONFIG_LINE_MAX - n);
	text[CONFIG_LINE_MAX] = '\0';
	config_defaults(&c);
	write_conf(text);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.theme_dir), CONFIG_LINE_MAX - n);
	config_free(&c);
	text[CONFIG_LINE_MAX] = 'x';
	text[CONFIG_LINE_MAX + 1] = '\n';
	text[CONFIG_LINE_MAX + 2] = '\0';
	config_defaults(&c);
	write_conf(text);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: line too long"));
	config_free(&c);
}

static void
test_env(void **state)
{
	struct config c;
	char err[512];

	(void)state;
	config_defaults(&c);
	setenv("MASTHEAD_PAGE_SIZE", "9", 1);
	assert_int_equal(config_load_env(&c, err, sizeof(err)), 0);
	assert_int_equal(c.page_size, 9);
	setenv("MASTHEAD_PAGE_SIZE", "nine", 1);
	assert_int_equal(config_load_env(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "MASTHEAD_PAGE_SIZE"));
	unsetenv("MASTHEAD_PAGE_SIZE");
	config_free(&c);
}

/*
 * A choice setting takes one word of its list, whole and in that case;
 * an error names the setting and every choice.
 */
static void
test_choice(void **state)
{
	static const struct {
		const char	*key, *val;
		int		 rc;
	} cases[] = {
		{ "smtp_tls", "none", 0 },
		{ "smtp_tls", "starttls", 0 },
		{ "smtp_tls", "tls", 0 },
		{ "smtp_tls", "", -1 },
		{ "smtp_tls", "TLS", -1 },
		{ "smtp_tls", "ssl", -1 },
		{ "smtp_tls", "start", -1 },
		{ "smtp_tls", "tls ", -1 },
		{ "smtp_tls", "none starttls", -1 },
		{ "feed_content", "summary", 0 },
		{ "feed_content", "most", -1 },
	};
	struct config c;
	char err[256];
	size_t i;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.smtp_tls, "none");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(config_set(&c, cases[i].key, cases[i].val,
		    err, sizeof(err)), cases[i].rc);
		if (cases[i].rc == 0)
			continue;
		assert_non_null(strstr(err, cases[i].key));
	}
	assert_int_equal(config_set(&c, "smtp_tls", "starttls", err,
	    sizeof(err)), 0);
	assert_int_equal(config_set(&c, "smtp_tls", "ssl", err, sizeof(err)),
	    -1);
	assert_string_equal(c.smtp_tls, "starttls");
	assert_non_null(strstr(err, "none starttls tls"));
	config_free(&c);
}

/* base_url takes absolute http(s) URLs only; the site URL falls back on listen. */
static void
test_site_url(void **state)
{
	static const char *const bad[] = {
		"ftp://news.example.com", "http://", "https:///x",
		"http://:80", "news.example.com", "http://a b",
		"http://news.example.com/?x=1", "http://news.example.com/#top",
		"http://news.example.com/\"><script>", "http://x\r\nSet-Cookie: a=1",
	};
	struct config saved = config;
	char err[256], buf[128];
	size_t i;

	(void)state;
	config_defaults(&config);
	assert_string_equal(config_site_url(buf, sizeof(buf)),
	    "http://127.0.0.1:8080");
	assert_int_equal(config_set(&config, "listen", "127.0.0.1:9000", err,
	    sizeof(err)), 0);
	assert_string_equal(config_site_url(buf, sizeof(buf)),
	    "http://127.0.0.1:9000");
	assert_int_equal(config_set(&config, "listen", "0.0.0.0:9001", err,
	    sizeof(err)), 0);
	assert_string_equal(config_site_url(buf, sizeof(buf)),
	    "http://localhost:9001");
	assert_int_equal(config_set(&config, "base_url",
	    "https://news.example.com//", err, sizeof(err)), 0);
	assert_string_equal(config_site_url(buf, sizeof(buf)),
	    "https://news.example.com");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(config_set(&config, "base_url", bad[i], err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "base_url"));
	}
	assert_string_equal(config.base_url, "https://news.example.com");
	assert_int_equal(config_set(&config, "base_url", "", err,
	    sizeof(err)), 0);
	assert_string_equal(config_site_url(buf, sizeof(buf)),
	    "http://localhost:9001");
	config_free(&config);
	config = saved;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_bounds),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_file_bytes),
		cmocka_unit_test(test_file_long_line),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_site_url),
	};

	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
