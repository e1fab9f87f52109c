/*
 * fuzz_picture.c — libFuzzer target for picture_html() (src/picture.c),
 * which draws the uploaded images of a story's body with the theme's
 * partial, reading the body with the lexer of src/html.c.
 *
 * The input is the body.  Its images are "in the store" when their hash
 * begins with a digit (in widths 320 and 640, 800 x 450), so both paths
 * run.  Besides crashes and sanitizer reports, the target aborts when
 * the call fails, when the output of a body with no image drawn is not
 * the body itself, or when drawing the output again draws anything or
 * changes a byte (an image drawn stands in a <picture>, which is left
 * alone).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "picture.h"
#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *
find(void *arg, const char *hash)
{
	(void)arg;
	if (hash[0] < '0' || hash[0] > '9')
		return NULL;
	return json_pack("{s:s,s:s,s:i,s:i}", "ext", "jpg", "widths",
	    "320,640", "width", 800, "height", 450);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct buf out, again;
	char err[256];
	int n, m;

	if (!ready) {
		if (theme_load(NULL, err, sizeof(err)) != 0)
			abort();
		ready = 1;
	}
	buf_init(&out, 0);
	buf_init(&again, 0);
	n = picture_html((const char *)data, size, find, NULL, &out);
	if (n < 0)
		abort();
	if (n == 0 && (out.len != size || (size > 0 &&
	    memcmp(out.p, data, size) != 0)))
		abort();
	if (n > 0) {
		m = picture_html(out.p, out.len, find, NULL, &again);
		if (m != 0 || again.len != out.len ||
		    memcmp(again.p, out.p, out.len) != 0)
			abort();
	}
	buf_free(&out);
	buf_free(&again);
	return 0;
}
