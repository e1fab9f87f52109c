/*
 * test_metrics.c — the histogram's buckets and text (metrics.h), the
 * escaping of a JSON access log line and a combined one (access_log.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "access_log.h"
#include "buf.h"
#include "metrics.h"

static void
hist_buckets(void **state)
{
	struct metrics_hist h;
	struct buf b = BUF_INIT;

	(void)state;
	memset(&h, 0, sizeof(h));
	metrics_hist_add(&h, 500);		/* on the first bound: in it */
	metrics_hist_add(&h, 501);		/* the next: le 0.001 */
	metrics_hist_add(&h, 1000000);		/* on the last bound */
	metrics_hist_add(&h, 1000001);		/* past it: +Inf only */
	assert_int_equal(h.count, 4);
	assert_int_equal(h.sum_usec, 2001002);
	assert_int_equal(h.le[0], 1);
	assert_int_equal(h.le[1], 1);
	assert_int_equal(h.le[METRICS_BUCKETS - 1], 1);
	assert_int_equal(h.le[METRICS_BUCKETS], 1);

	metrics_hist_write(&b, "t_seconds", "A test.", &h);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.p, "# HELP t_seconds A test.\n"
	    "# TYPE t_seconds histogram\n"
	    "t_seconds_bucket{le=\"0.000500\"} 1\n"
	    "t_seconds_bucket{le=\"0.001000\"} 2\n"));
	/* Cumulative: the buckets between hold 2 until the last bound. */
	assert_non_null(strstr(b.p, "t_seconds_bucket{le=\"0.750000\"} 2\n"
	    "t_seconds_bucket{le=\"1.000000\"} 3\n"
	    "t_seconds_bucket{le=\"+Inf\"} 4\n"
	    "t_seconds_sum 2.001002\n"
	    "t_seconds_count 4\n"));
	buf_free(&b);
}

static void
json_escape(void **state)
{
	struct buf b = BUF_INIT;
	static const char in[] = "a\"b\\c\n\x01\x7f caf\xc3\xa9 \xff end";

	(void)state;
	metrics_json_str(&b, in, sizeof(in) - 1);
	buf_putc(&b, '\0');
	assert_string_equal(b.p, "a\\\"b\\\\c\\u000a\\u0001\\u007f caf\xc3\xa9 "
	    "\\ufffd end");
	buf_free(&b);
}

static void
line_of(struct access_line *l)
{
	memset(l, 0, sizeof(*l));
	l->at.tv_sec = 1700000000;
	l->at.tv_usec = 42999;
	l->usec = 1500;
	l->method = "GET";
	l->methodlen = 3;
	l->path = "/a\"b";
	l->pathlen = 4;
	l->agent = "ua\tx";
	l->agentlen = 4;
	l->status = 200;
	l->bytes = 12;
	l->cache = "hit";
	l->kind = "page";
	l->remote = "192.0.2.1";
}

static void
json_line(void **state)
{
	struct access_line l;
	struct buf b = BUF_INIT;

	(void)state;
	line_of(&l);
	access_log_json(&b, &l);
	buf_putc(&b, '\0');
	assert_string_equal(b.p, "{\"time\":\"2023-11-14T22:13:20.042Z\","
	    "\"method\":\"GET\",\"path\":\"/a\\\"b\",\"status\":200,"
	    "\"bytes\":12,\"duration_ms\":1.500,\"cache\":\"hit\","
	    "\"kind\":\"page\",\"remote\":\"192.0.2.1\","
	    "\"user_agent\":\"ua\\u0009x\",\"referer\":null}\n");
	buf_free(&b);
}

static void
combined_line(void **state)
{
	struct access_line l;
	struct buf b = BUF_INIT;

	(void)state;
	setenv("TZ", "UTC", 1);
	line_of(&l);
	access_log_combined(&b, &l, 0x101);
	buf_putc(&b, '\0');
	assert_string_equal(b.p, "192.0.2.1 - - [14/Nov/2023:22:13:20 +0000] "
	    "\"GET /a\\x22b HTTP/1.1\" 200 12 \"-\" \"ua\\x09x\"\n");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hist_buckets),
		cmocka_unit_test(json_escape),
		cmocka_unit_test(json_line),
		cmocka_unit_test(combined_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
