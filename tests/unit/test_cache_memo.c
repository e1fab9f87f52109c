/*
 * test_cache_memo.c — a view-model fragment (cache_memo_*) is kept only
 * when no invalidation happened since the page that builds it began:
 * the page's transaction may have read the database before the write
 * whose invalidation came in, and the fragment reads in that same
 * transaction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "cache.h"

/* Builds the fragment name tagged tag; the page began before. */
static void
build(const char *name, const char *tag)
{
	json_t *v = json_pack("{s:s}", "story", "old");

	cache_memo_begin();
	cache_dep_str(tag);
	cache_memo_put(name, v);
	json_decref(v);
}

static json_t *
get(const char *name)
{
	json_t *v;

	cache_deps_begin();
	v = cache_memo_get(name);
	cache_deps_end();
	return v;
}

/* No invalidation: the fragment is kept and found by the next page. */
static void
test_kept(void **state)
{
	json_t *v;

	(void)state;
	cache_deps_begin();
	build("kept", "section:1");
	cache_deps_end();
	assert_non_null(v = get("kept"));
	json_decref(v);
	cache_invalidate("section:1");
	assert_null(get("kept"));
}

/*
 * A write commits and invalidates after the page began (and may have
 * read the old rows) but before the fragment begins: it is not kept.
 */
static void
test_invalidated_before_fragment(void **state)
{
	(void)state;
	cache_deps_begin();
	cache_invalidate("section:2");
	build("late", "section:2");
	cache_deps_end();
	assert_null(get("late"));
}

/* The same while the fragment is built. */
static void
test_invalidated_during_fragment(void **state)
{
	json_t *v = json_pack("{s:s}", "story", "old");

	(void)state;
	cache_deps_begin();
	cache_memo_begin();
	cache_dep_str("section:3");
	cache_invalidate("section:3");
	cache_memo_put("during", v);
	cache_deps_end();
	json_decref(v);
	assert_null(get("during"));
}

/*
 * A peek finds the same fragment as a get but adds none of its tags to
 * the page: the page takes them where it reads the block, in its order.
 */
static void
test_peek(void **state)
{
	json_t *v;

	(void)state;
	cache_deps_begin();
	build("peeked", "section:3");
	cache_deps_end();
	cache_deps_begin();
	cache_dep_str("front");
	assert_non_null(v = cache_memo_peek("peeked"));
	assert_string_equal(json_string_value(json_object_get(v, "story")),
	    "old");
	json_decref(v);
	assert_string_equal(cache_deps_tags(), "front");
	json_decref(cache_memo_get("peeked"));
	assert_string_equal(cache_deps_tags(), "front section:3");
	assert_null(cache_memo_peek("never built"));
	cache_deps_end();
	cache_invalidate("section:3");
	cache_deps_begin();
	assert_null(cache_memo_peek("peeked"));
	cache_deps_end();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_invalidated_before_fragment),
		cmocka_unit_test(test_invalidated_during_fragment),
		cmocka_unit_test(test_peek),
	};
	int rc;

	cache_init(0);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cache_thread_done();
	cache_free();
	return rc;
}
