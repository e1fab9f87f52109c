/*
 * test_store_hub.c — hubs in the store (docs/hubs.md): items added once,
 * in order, moved and removed; live posts newest first, edited and
 * deleted; views and clicks counted in memory and added to hub_stats by
 * the flush, the counts of a slug that is no hub dropped.
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

#include "db.h"
#include "migrate.h"
#include "store.h"

static char path[] = "/tmp/masthead-test-hub-XXXXXX";
static struct db *db;

static int
setup(void **state)
{
	char err[512];
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	if ((db = db_open(path, err, sizeof(err))) == NULL ||
	    migrate_run(db, err, sizeof(err)) != 0)
		return -1;
	return db_exec(db, "INSERT INTO sponsors (slug, name) VALUES ('acme', 'Acme');"
	    "INSERT INTO resources (slug, title, created_at, updated_at)"
	    " VALUES ('one', 'One', 1, 1), ('two', 'Two', 1, 1),"
	    " ('three', 'Three', 1, 1)") == DB_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(db);
	unlink(path);
	return 0;
}

static int64_t
scalar(const char *sql)
{
	struct db_stmt *st = db_stmt(db, sql);
	int64_t v = -1;

	if (st != NULL && db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	if (st != NULL)
		db_reset(st);
	return v;
}

/* The hub's item ids (of hub_items) in their order, as "a,b,c". */
static void
order(int64_t hub, char *out, size_t n)
{
	json_t *items, *it;
	size_t i, len = 0;

	out[0] = '\0';
	assert_int_equal(store_hub_items_all(db, hub, &items), STORE_OK);
	json_array_foreach(items, i, it)
		len += (size_t)snprintf(out + len, n - len, "%s%lld", i ? "," : "",
		    (long long)json_integer_value(json_object_get(it, "item_id")));
	json_decref(items);
}

static void
test_items(void **state)
{
	struct hub_row h = { "acme-center", "sponsored", "Acme Center", "", 1,
	    "Paid for by Acme.", 0, 100, 0, "" };
	int64_t hub = 0, id, ids[3];
	char got[64];
	json_t *items;

	(void)state;
	assert_int_equal(store_hub_save(db, &hub, &h, 100), STORE_OK);
	assert_true(hub > 0);
	assert_int_equal(store_hub_save(db, &(int64_t){ 0 }, &h, 100),
	    STORE_CONFLICT);
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_hub_item_add(db, hub, "resource", i + 1,
		    &ids[i]), STORE_OK);
	assert_int_equal(store_hub_item_add(db, hub, "resource", 2, &id),
	    STORE_CONFLICT);
	assert_int_equal(store_hub_item_add(db, hub, "resource", 99, &id),
	    STORE_NOTFOUND);
	assert_int_equal(store_hub_item_add(db, hub, "article", 1, &id),
	    STORE_NOTFOUND);
	order(hub, got, sizeof(got));
	assert_string_equal(got, "1,2,3");
	assert_int_equal(store_hub_item_move(db, hub, ids[2], -1), STORE_OK);
	order(hub, got, sizeof(got));
	assert_string_equal(got, "1,3,2");
	assert_int_equal(store_hub_item_move(db, hub, ids[0], -1), STORE_OK);
	order(hub, got, sizeof(got));
	assert_string_equal(got, "1,3,2");
	assert_int_equal(store_hub_item_move(db, hub, ids[0], 1), STORE_OK);
	order(hub, got, sizeof(got));
	assert_string_equal(got, "3,1,2");
	assert_int_equal(store_hub_item_remove(db, hub, ids[0]), STORE_OK);
	assert_int_equal(store_hub_item_remove(db, hub, ids[0]), STORE_NOTFOUND);
	order(hub, got, sizeof(got));
	assert_string_equal(got, "3,2");
	/* Unpublished white papers are not shown to readers. */
	assert_int_equal(store_hub_items(db, hub, 1000, &items), STORE_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	assert_int_equal(db_exec(db, "UPDATE resources SET published_at = 50"),
	    DB_OK);
	assert_int_equal(store_hub_items(db, hub, 1000, &items), STORE_OK);
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(items, 0), "title")), "Three");
	json_decref(items);
}

static void
test_live_posts(void **state)
{
	struct hub_row h = { "a-show", "show", "A Show", "", 0, "", 0, 100, 200,
	    "Hall 1" };
	int64_t hub = 0, p1, p2;
	json_t *posts;

	(void)state;
	assert_int_equal(store_hub_save(db, &hub, &h, 100), STORE_OK);
	assert_int_equal(store_live_post_add(db, hub, "first", "<p>first</p>",
	    0, 110, &p1), STORE_OK);
	assert_int_equal(store_live_post_add(db, hub, "second",
	    "<p>second</p>", 0, 120, &p2), STORE_OK);
	assert_int_equal(store_live_post_update(db, hub, p1, "first!",
	    "<p>first!</p>", 130), STORE_OK);
	assert_int_equal(store_live_posts(db, hub, 0, 10, &posts), STORE_OK);
	assert_int_equal(json_array_size(posts), 2);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(posts, 0), "id")), p2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(posts, 1), "body_html")), "<p>first!</p>");
	json_decref(posts);
	assert_int_equal(store_live_post_update(db, hub, p2, NULL, NULL, 140),
	    STORE_OK);
	assert_int_equal(store_live_post_update(db, hub, p2, "x", "x", 150),
	    STORE_NOTFOUND);
	assert_int_equal(store_live_posts(db, hub, 0, 10, &posts), STORE_OK);
	assert_int_equal(json_array_size(posts), 1);
	json_decref(posts);
	assert_int_equal(store_live_posts(db, hub, 1, 10, &posts), STORE_OK);
	assert_int_equal(json_array_size(posts), 2);
	json_decref(posts);
}

static void
test_counts(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		store_hub_count("acme-center-and-more", 11, 0);
	store_hub_count("acme-center", 11, 1);
	store_hub_count("no-such-hub", 11, 0);
	store_hub_count("", 0, 0);
	/* 86400 * 20000: 2024-10-04. */
	assert_int_equal(store_hub_flush(db, 86400LL * 20000), STORE_OK);
	assert_int_equal(scalar("SELECT views * 10 + clicks FROM hub_stats"
	    " WHERE day = '2024-10-04'"), 31);
	assert_int_equal(scalar("SELECT count(*) FROM hub_stats"), 1);
	store_hub_count("acme-center", 11, 0);
	assert_int_equal(store_hub_flush(db, 86400LL * 20000 + 5), STORE_OK);
	assert_int_equal(scalar("SELECT views FROM hub_stats"), 4);
	/* Nothing counted: nothing written. */
	assert_int_equal(store_hub_flush(db, 86400LL * 20001), STORE_OK);
	assert_int_equal(scalar("SELECT count(*) FROM hub_stats"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_live_posts),
		cmocka_unit_test(test_counts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
