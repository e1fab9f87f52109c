/*
 * test_tag.c — the cache tags' spelling (tag.h) and tag lists.
 *
 * The spelling is what pages send in Surrogate-Key and what docs/cache.md
 * lists: a change here is a change a CDN sees, so each is pinned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "tag.h"

static void
test_tag_spelling(void **state)
{
	(void)state;
	assert_string_equal(tag_article(12).s, "a12");
	assert_string_equal(tag_section(3).s, "s3");
	assert_string_equal(tag_author(4).s, "au4");
	assert_string_equal(tag_topic(5).s, "t5");
	assert_string_equal(tag_sponsor(6).s, "sp6");
	assert_string_equal(tag_event(7).s, "ev7");
	assert_string_equal(tag_webinar(8).s, "wb8");
	assert_string_equal(tag_page(9).s, "pg9");
	assert_string_equal(tag_resource(10).s, "rs10");
	assert_string_equal(tag_hub(11).s, "hb11");
	assert_string_equal(tag_comments(11).s, "cm11");
	assert_string_equal(tag_list_show(13).s, "lsh13");
	assert_string_equal(tag_shows().s, "shows");
	assert_string_equal(tag_featured_video().s, "featured-video");
	assert_string_equal(tag_comment_count(11).s, "cc11");
	assert_string_equal(tag_comment_counts().s, "comments");
	assert_string_equal(tag_most_read().s, "most-read");
	assert_string_equal(tag_latest().s, "latest");
	assert_string_equal(tag_list_section(3).s, "ls3");
	assert_string_equal(tag_list_author(4).s, "lau4");
	assert_string_equal(tag_list_topic(5).s, "lt5");
	assert_string_equal(tag_list_type("podcast").s, "ltype:podcast");
	assert_string_equal(tag_events().s, "events");
	assert_string_equal(tag_webinars().s, "webinars");
	assert_string_equal(tag_sections().s, "sections");
	assert_string_equal(tag_authors().s, "authors");
	assert_string_equal(tag_promos().s, "promos");
	assert_string_equal(tag_resources().s, "resources");
	assert_string_equal(tag_hubs().s, "hubs");
	assert_string_equal(tag_site().s, "site");
	assert_string_equal(tag_front().s, "front");
	assert_string_equal(tag_article(INT64_MAX).s, "a9223372036854775807");
	assert_string_equal(tag_site_row(3).s, "st3");
	assert_string_equal(tag_sites().s, "sites");
	assert_string_equal(tag_in_site(tag_latest(), 3).s, "latest@3");
	assert_string_equal(tag_in_site(tag_list_type("partner-perspective"),
	    12).s, "ltype:partner-perspective@12");
	/* The longest type the tag has room for still takes its site. */
	assert_true(strlen(tag_in_site(tag_list_section(INT64_MAX),
	    INT64_MAX).s) < TAG_MAX);
}

/* A tag is found in a list as a whole word only. */
static void
test_tags_has(void **state)
{
	(void)state;
	assert_true(tags_has("latest@3 st3 sites", "sites"));
	assert_true(tags_has("latest@3 st3 sites", "latest@3"));
	assert_false(tags_has("latest@3 st3 sites", "latest"));
	assert_false(tags_has("latest@31", "latest@3"));
	assert_false(tags_has("st31", "st3"));
	assert_true(tags_has("*", "*"));
	assert_false(tags_has("", "*"));
}

/* A tag is listed once; one that starts or ends another is its own. */
static void
test_tags_add(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	tags_add(&b, tag_comments(12));
	tags_add(&b, tag_comments(12));
	assert_string_equal(b.p, "cm12");
	tags_add(&b, tag_comments(1));
	tags_add(&b, tag_comment_count(12));
	tags_add(&b, tag_comments(2));
	tags_add(&b, tag_comments(1));
	tags_add(&b, tag_comment_count(12));
	assert_string_equal(b.p, "cm12 cm1 cc12 cm2");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag_spelling),
		cmocka_unit_test(test_tags_add),
		cmocka_unit_test(test_tags_has),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
