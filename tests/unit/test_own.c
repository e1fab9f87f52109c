/*
 * test_own.c — request-owned memory (own.h): what a request owns is
 * released when its pool is cleared, once, and not before.
 *
 * jansson's allocator is swapped for one that counts live blocks, so a
 * model left behind or released twice shows in the count; the buffer
 * and heap cases are checked for leaks by the sanitizer build, which
 * runs this test too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "req.h"
#include "own.h"

static long live;

static void *
count_malloc(size_t n)
{
	live++;
	return malloc(n);
}

static void
count_free(void *p)
{
	if (p != NULL)
		live--;
	free(p);
}

struct fixture {
	h2o_req_t	 h;
	struct req	 r;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	h2o_mem_init_pool(&f->h.pool);
	f->r.h = &f->h;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	h2o_mem_clear_pool(&f->h.pool);
	free(f);
	return 0;
}

static void
test_json_released_with_pool(void **state)
{
	struct fixture *f = *state;
	json_t *m, *v, *kept;
	long before = live;

	m = own_json(&f->r, json_object());
	v = own_json(&f->r, json_pack("{s:s,s:i}", "title", "Fibre", "n", 3));
	/* An owned value added to another takes a reference of its own. */
	json_object_set(m, "article", v);
	kept = json_incref(own_json(&f->r, json_string("kept")));
	assert_true(live > before);
	assert_int_equal(m->refcount, 1);
	assert_int_equal(v->refcount, 2);
	assert_int_equal(kept->refcount, 2);
	h2o_mem_clear_pool(&f->h.pool);
	/* The pool dropped its references; the extra one remains. */
	assert_int_equal(kept->refcount, 1);
	json_decref(kept);
	assert_int_equal(live, before);
}

static void
test_json_consumer_gets_incref(void **state)
{
	struct fixture *f = *state;
	json_t *m;
	long before = live;

	/* What a consumer such as page_render() does with its argument. */
	m = own_json(&f->r, json_object());
	json_object_set_new(m, "x", json_integer(1));
	json_decref(json_incref(m));
	assert_int_equal(m->refcount, 1);
	assert_int_equal(json_integer_value(json_object_get(m, "x")), 1);
	h2o_mem_clear_pool(&f->h.pool);
	assert_int_equal(live, before);
}

static void
test_null_costs_nothing(void **state)
{
	struct fixture *f = *state;

	assert_null(own_json(&f->r, NULL));
	assert_null(own_heap(&f->r, NULL));
	assert_null(own_strdup(&f->r, NULL));
	assert_null(f->h.pool.shared_refs);
}

/* A string is pool memory: it needs no release, so nothing is linked. */
static void
test_strdup_links_nothing(void **state)
{
	struct fixture *f = *state;

	own_strdup(&f->r, "in the pool");
	assert_null(f->h.pool.shared_refs);
	own_json(&f->r, json_true());
	assert_non_null(f->h.pool.shared_refs);
	h2o_mem_clear_pool(&f->h.pool);
	assert_null(f->h.pool.shared_refs);
}

static void
test_buf_and_strings(void **state)
{
	struct fixture *f = *state;
	struct buf *b;
	char *s, *h;

	b = own_buf(&f->r, 8);
	assert_int_equal(b->len, 0);
	buf_puts(b, "12345678");
	assert_int_equal(buf_err(b), 0);
	buf_putc(b, '9');
	assert_int_equal(buf_err(b), BUF_TOO_LARGE);
	s = own_strdup(&f->r, "slug-one");
	assert_string_equal(s, "slug-one");
	h = own_heap(&f->r, strdup("on the heap"));
	assert_string_equal(h, "on the heap");
	/* A buffer emptied by its taker (http_send_buf) frees nothing twice. */
	b = own_buf(&f->r, 0);
	buf_puts(b, "sent");
	free(buf_detach(b, NULL));
	h2o_mem_clear_pool(&f->h.pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_released_with_pool,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_consumer_gets_incref,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_costs_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_strdup_links_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_and_strings, setup,
		    teardown),
	};

	json_set_alloc_funcs(count_malloc, count_free);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
