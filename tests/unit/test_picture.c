/*
 * test_picture.c — the image objects of picture.c and the partial that
 * draws them (themes/default/templates/partials/picture.mustache).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "picture.h"
#include "theme.h"
#include "tpl.h"

#define H "ab12"

/*
 * Renders the partial with img as its context, as a template's
 * {{#image}} section gives it; the caller frees *b.
 */
static void
render(json_t *img, struct buf *b)
{
	assert_int_equal(tpl_render(theme_templates(), "partials/picture",
	    img, b), 0);
	buf_putc(b, '\0');
}

static void
test_srcset(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(picture_srcset(&b, "", H, "jpg", "320,640,1024"), 3);
	buf_putc(&b, '\0');
	assert_string_equal(b.p, "/media/" H "-320.jpg 320w, /media/" H
	    "-640.jpg 640w, /media/" H "-1024.jpg 1024w");
	buf_reset(&b);
	/* A damaged width is skipped, an absolute prefix kept. */
	assert_int_equal(picture_srcset(&b, "https://x.test", H, "webp",
	    "320,,x,0,640"), 2);
	buf_putc(&b, '\0');
	assert_string_equal(b.p, "https://x.test/media/" H "-320.webp 320w, "
	    "https://x.test/media/" H "-640.webp 640w");
	buf_reset(&b);
	assert_int_equal(picture_srcset(&b, "", H, "jpg", ""), 0);
	assert_int_equal(picture_srcset(&b, "", H, "jpg", NULL), 0);
	buf_free(&b);
}

/* Each slot has its own sizes; a slot out of range is the hero's. */
static void
test_sizes(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < PICTURE__MAX; s++)
		assert_true(strlen(picture_sizes((enum picture_slot)s)) > 0);
	assert_string_equal(picture_sizes(PICTURE_THUMB),
	    "(max-width: 640px) 110px, 200px");
	assert_string_equal(picture_sizes(PICTURE__MAX),
	    picture_sizes(PICTURE_HERO));
}

static void
test_picture(void **state)
{
	struct buf b = BUF_INIT;
	json_t *w = json_integer(1600), *h = json_integer(900), *img;
	char err[512];

	(void)state;
	if (theme_load(NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_null(picture_new(NULL, "jpg", "320", w, h, "a", PICTURE_HERO));
	img = picture_new(H, "jpg", "320,640", w, h, "A \"cat\"",
	    PICTURE_THUMB);
	render(img, &b);
	assert_string_equal(b.p, "<picture><source type=\"image/webp\" "
	    "srcset=\"/media/" H "-320.webp 320w, /media/" H "-640.webp 640w\" "
	    "sizes=\"(max-width: 640px) 110px, 200px\"><img src=\"/media/" H
	    ".jpg\" srcset=\"/media/" H "-320.jpg 320w, /media/" H
	    "-640.jpg 640w\" sizes=\"(max-width: 640px) 110px, 200px\" "
	    "width=\"1600\" height=\"900\" alt=\"A &quot;cat&quot;\" "
	    "loading=\"lazy\" decoding=\"async\"></picture>");
	/* The page's first image is fetched first, never lazily. */
	assert_int_equal(picture_first(img), 0);
	picture_slot(img, PICTURE_CARD);
	buf_reset(&b);
	render(img, &b);
	assert_null(strstr(b.p, "loading="));
	assert_non_null(strstr(b.p, "\" fetchpriority=\"high\" decoding"));
	assert_non_null(strstr(b.p, "sizes=\"180px\" width"));
	assert_int_equal(picture_first(NULL), -1);
	json_decref(img);

	/* Without widths: a plain <img>, its size still stated. */
	img = picture_new(H, "png", "", w, h, "", PICTURE_HERO);
	picture_slot(img, PICTURE_THUMB);
	buf_reset(&b);
	render(img, &b);
	assert_string_equal(b.p, "<img src=\"/media/" H ".png\" width=\"1600\" "
	    "height=\"900\" alt=\"\" loading=\"lazy\" decoding=\"async\">");
	assert_null(json_object_get(img, "sizes"));
	json_decref(img);
	json_decref(w);
	json_decref(h);
	buf_free(&b);
	theme_free();
}

/* The first image of a list is the first element's that has one. */
static void
test_first_of(void **state)
{
	json_t *list, *img;

	(void)state;
	img = picture_new(H, "jpg", "320", NULL, NULL, "", PICTURE_THUMB);
	list = json_pack("[{s:i},{s:o},{s:o}]", "id", 1, "image", img, "image",
	    picture_new(H, "jpg", "320", NULL, NULL, "", PICTURE_THUMB));
	assert_ptr_equal(picture_first_of(list), img);
	assert_string_equal(json_string_value(json_object_get(img,
	    "fetchpriority")), "high");
	assert_null(json_object_get(img, "loading"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(list, 2), "image"), "loading")), "lazy");
	json_decref(list);
	list = json_pack("[{s:i}]", "id", 1);
	assert_null(picture_first_of(list));
	json_decref(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srcset),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_picture),
		cmocka_unit_test(test_first_of),
	};

	return cmocka_run_group_tests_name("picture", tests, NULL, NULL);
}
