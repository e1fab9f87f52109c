/*
 * test_view.c — the site's one date style and the names of time zones
 * (view.h), in tables: what readers see on every page; and the copy a
 * page makes of a shared fragment's story before it sizes its image.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "view.h"

/* 2026-12-06 20:04:05 UTC: a Sunday evening in New York's winter. */
#define WINTER	1796587445
/* 2026-07-01 14:30:00 UTC: summer time on both sides of the Atlantic. */
#define SUMMER	1782916200

static void
test_dates(void **state)
{
	char b[96];

	(void)state;
	view_set_timezone("America/New_York");
	view_fmt_date_long(WINTER, b, sizeof(b));
	assert_string_equal(b, "December 6, 2026");
	view_fmt_datetime(WINTER, b, sizeof(b));
	assert_string_equal(b, "December 6, 2026, 3:04 PM EST");
	view_fmt_datetime(SUMMER, b, sizeof(b));
	assert_string_equal(b, "July 1, 2026, 10:30 AM EDT");
	view_fmt_time(SUMMER - 10 * 3600, b, sizeof(b));
	assert_string_equal(b, "12:30 AM EDT");
	view_fmt_date_range(WINTER, WINTER + 2 * 86400, b, sizeof(b));
	assert_string_equal(b, "December 6-8, 2026");
	view_fmt_date_range(WINTER, WINTER + 30 * 86400, b, sizeof(b));
	assert_string_equal(b, "December 6, 2026 - January 5, 2027");
	view_fmt_iso(WINTER, b, sizeof(b));
	assert_string_equal(b, "2026-12-06T20:04:05Z");
}

static void
test_zones(void **state)
{
	static const struct {
		const char	*zone;
		int64_t		 t;
		const char	*want;
	} cases[] = {
		{ "America/New_York", WINTER, "New York time (EST)" },
		{ "America/New_York", SUMMER, "New York time (EDT)" },
		{ "Europe/London", WINTER, "London time (GMT)" },
		{ "Europe/London", SUMMER, "London time (BST)" },
		{ "America/Denver", SUMMER, "Denver time (MDT)" },
		{ "Asia/Kolkata", WINTER, "Kolkata time (IST)" },
		/* A zone whose abbreviation is a number says its city only. */
		{ "Asia/Dubai", WINTER, "Dubai time" },
		/* No file, or a name that tries to leave the zone directory. */
		{ "Mars/Olympus_Mons", WINTER, "Olympus Mons time" },
		{ "../../etc/passwd", WINTER, "passwd time" },
		{ "UTC", WINTER, "UTC" },
	};
	char b[96];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		view_fmt_zone(cases[i].zone, cases[i].t, b, sizeof(b));
		assert_string_equal(b, cases[i].want);
	}
}

/*
 * view_card_copy(): the copy has the story's values, the same objects but
 * for its image, which is its own: sizing it leaves the fragment's alone.
 */
static void
test_card_copy(void **state)
{
	json_t *a, *c;

	(void)state;
	a = json_pack("{s:I,s:s,s:{s:s,s:s},s:[i]}", "id", (json_int_t)7,
	    "title", "A story", "image", "src", "/media/x.jpg", "sizes",
	    "200px", "tags", 1);
	c = view_card_copy(a);
	assert_non_null(c);
	assert_true(json_equal(a, c));
	assert_ptr_equal(json_object_get(a, "tags"), json_object_get(c, "tags"));
	assert_ptr_not_equal(json_object_get(a, "image"),
	    json_object_get(c, "image"));
	json_object_set_new(json_object_get(c, "image"), "sizes",
	    json_string("100vw"));
	json_object_set_new(c, "title", json_string("Changed"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(a,
	    "image"), "sizes")), "200px");
	assert_string_equal(json_string_value(json_object_get(a, "title")),
	    "A story");
	json_decref(c);
	/* A story without an image is copied as it is. */
	json_object_del(a, "image");
	c = view_card_copy(a);
	assert_true(json_equal(a, c));
	assert_null(json_object_get(c, "image"));
	json_decref(c);
	json_decref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_card_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
