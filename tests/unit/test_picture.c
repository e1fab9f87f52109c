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

/*
 * A slot of a fixed width keeps the widths up to the first that fills it
 * at ratio 3: a 96 px thumbnail needs 288 pixels, so 320 and no more.
 */
static void
test_fixed_slot(void **state)
{
	json_t *w = json_integer(1600), *h = json_integer(900), *img;

	(void)state;
	img = picture_new(H, "jpg", "320,640,1024,1600", w, h, "", PICTURE_HERO);
	picture_slot(img, PICTURE_HOME_THUMB);
	assert_string_equal(json_string_value(json_object_get(img, "srcset")),
	    "/media/" H "-320.jpg 320w");
	assert_string_equal(json_string_value(json_object_get(img,
	    "srcset_webp")), "/media/" H "-320.webp 320w");
	assert_string_equal(json_string_value(json_object_get(img, "sizes")),
	    "96px");
	json_decref(img);
	/* An image narrower than the need keeps all it has. */
	img = picture_new(H, "jpg", "200,250", w, h, "", PICTURE_HERO);
	picture_slot(img, PICTURE_HOME_THUMB);
	assert_string_equal(json_string_value(json_object_get(img, "srcset")),
	    "/media/" H "-200.jpg 200w, /media/" H "-250.jpg 250w");
	json_decref(img);
	/* A fluid slot keeps every width. */
	img = picture_new(H, "jpg", "320,640,1024", w, h, "", PICTURE_HERO);
	picture_slot(img, PICTURE_LEAD);
	assert_non_null(strstr(json_string_value(json_object_get(img,
	    "srcset_webp")), "-1024.webp 1024w"));
	json_decref(img);
	json_decref(w);
	json_decref(h);
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

#define HASH	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The store of the test: one image known, in two widths. */
static json_t *
find(void *arg, const char *hash)
{
	int *calls = arg;

	(*calls)++;
	if (strcmp(hash, HASH) != 0)
		return NULL;
	return json_pack("{s:s,s:s,s:i,s:i}", "ext", "jpg", "widths",
	    "320,640", "width", 800, "height", 450);
}

static void
test_html(void **state)
{
	static const char in[] =
	    "<p>One <img src=\"/media/" HASH ".jpg\" alt=\"A &amp; B\"> two"
	    "</p>\n<img src=\"https://x.test/a.jpg\" alt=\"ext\">"
	    "<img src=\"/media/" HASH ".jpg\" srcset=\"x 1w\" alt=\"own\">"
	    "<picture><img src=\"/media/" HASH ".jpg\" alt=\"in\"></picture>"
	    "<img src=\"/media/" "f" HASH ".jpg\" alt=\"long\">"
	    "<img src=\"/media/" HASH ".png\" alt=\"other ext\">"
	    "<img src=\"/media/fedcba9876543210fedcba9876543210fedcba9876543210"
	    "fedcba9876543210.jpg\" alt=\"unknown\"><p>end</p>";
	struct buf b = BUF_INIT;
	char err[512];
	int calls = 0;
	const char *rest;

	(void)state;
	if (theme_load(NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(picture_html(in, strlen(in), find, &calls, &b), 1);
	buf_putc(&b, '\0');
	/* The known image: the partial, its alt decoded and escaped again. */
	assert_non_null(strstr(b.p, "<p>One <picture><source type=\"image/webp\" "
	    "srcset=\"/media/" HASH "-320.webp 320w, /media/" HASH
	    "-640.webp 640w\" sizes=\""));
	assert_non_null(strstr(b.p, "width=\"800\" height=\"450\" "
	    "alt=\"A &amp; B\" loading=\"lazy\" decoding=\"async\"></picture>"
	    " two</p>\n"));
	/* The rest is as written, byte for byte. */
	rest = strstr(b.p, "<img src=\"https://x.test/a.jpg\"");
	assert_non_null(rest);
	assert_string_equal(rest, strstr(in, "<img src=\"https://x.test"));
	/* Only the images of the right shape outside a picture were looked up. */
	assert_int_equal(calls, 3);
	/* No image: the same bytes. */
	buf_reset(&b);
	assert_int_equal(picture_html("<p>x</p>", 8, find, &calls, &b), 0);
	buf_putc(&b, '\0');
	assert_string_equal(b.p, "<p>x</p>");
	buf_free(&b);
	theme_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srcset),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_picture),
		cmocka_unit_test(test_fixed_slot),
		cmocka_unit_test(test_first_of),
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests_name("picture", tests, NULL, NULL);
}
