/*
 * picture.c — image objects for <picture> (picture.h).
 *
 * The sizes of each slot say how wide the image is drawn, so that a
 * browser takes the narrowest file that fills it at its pixel density.
 * They follow themes/default/assets/site.css: the page is at most
 * 1200 px with 16 px of padding each side; from 961 px on, the story
 * column shares it with a 320 px sidebar and a 40 px gap (so it is at
 * most 1200 - 32 - 360 = 808 px); below, it takes the whole width.
 * Change a row here when the stylesheet changes the slot.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "picture.h"
#include "util.h"

static const char *const sizes[PICTURE__MAX] = {
	[PICTURE_HERO] = "(max-width: 960px) calc(100vw - 32px), "
	    "(max-width: 1232px) calc(100vw - 392px), 808px",
	[PICTURE_THUMB] = "(max-width: 640px) 110px, 200px",
	[PICTURE_CARD] = "180px",
	[PICTURE_AVATAR] = "96px",
	/*
	 * The home page's lead image takes 3/5 of the story column less a
	 * 20 px gap, and the whole width up to 640 px; its top stories are
	 * four across with 20 px gaps, two across up to 1100 px.
	 */
	[PICTURE_LEAD] = "(max-width: 640px) calc(100vw - 32px), "
	    "(max-width: 960px) calc(60vw - 31px), "
	    "(max-width: 1232px) calc(60vw - 247px), 473px",
	[PICTURE_HOME_CARD] = "(max-width: 960px) calc(50vw - 26px), "
	    "(max-width: 1100px) calc(50vw - 206px), "
	    "(max-width: 1232px) calc(25vw - 113px), 187px",
	[PICTURE_HOME_THUMB] = "96px",
	[PICTURE_SIDEBAR] = "(max-width: 960px) calc(100vw - 32px), 320px",
};

const char *
picture_sizes(enum picture_slot s)
{
	return s < PICTURE__MAX ? sizes[s] : sizes[PICTURE_HERO];
}

int
picture_srcset(struct buf *b, const char *prefix, const char *hash,
    const char *fmt, const char *widths)
{
	const char *p = widths;
	int n = 0;
	int64_t w;

	while (p != NULL && *p != '\0') {
		size_t k = strcspn(p, ",");

		if (parse_int(p, k, 1, 100000, &w) == 0) {
			buf_printf(b, "%s%s/media/%s-%lld.%s %lldw",
			    n > 0 ? ", " : "", prefix, hash, (long long)w, fmt,
			    (long long)w);
			n++;
		}
		p += k;
		if (*p == ',')
			p++;
	}
	return n;
}

json_t *
picture_new(const char *hash, const char *ext, const char *widths,
    json_t *width, json_t *height, const char *alt, enum picture_slot slot)
{
	struct buf a, b;
	json_t *img;
	char src[160];

	if (hash == NULL)
		return NULL;
	if (ext == NULL)
		ext = "";
	img = json_object();
	snprintf(src, sizeof(src), "/media/%s.%s", hash, ext);
	json_object_set_new(img, "src", json_string(src));
	if (json_is_integer(width))
		json_object_set(img, "width", width);
	if (json_is_integer(height))
		json_object_set(img, "height", height);
	json_object_set_new(img, "alt", json_string(alt != NULL ? alt : ""));
	/* Five widths' URLs are under 700 bytes: a longer list is damaged. */
	buf_init(&a, 4096);
	buf_init(&b, 4096);
	if (picture_srcset(&a, "", hash, ext, widths) > 0 &&
	    picture_srcset(&b, "", hash, "webp", widths) > 0 &&
	    buf_err(&a) == 0 && buf_err(&b) == 0) {
		json_object_set_new(img, "srcset", json_stringn(a.p, a.len));
		json_object_set_new(img, "srcset_webp",
		    json_stringn(b.p, b.len));
		json_object_set_new(img, "sizes",
		    json_string(picture_sizes(slot)));
	}
	buf_free(&a);
	buf_free(&b);
	json_object_set_new(img, "loading", json_string("lazy"));
	return img;
}

void
picture_slot(json_t *img, enum picture_slot slot)
{
	if (json_object_get(img, "srcset") != NULL)
		json_object_set_new(img, "sizes",
		    json_string(picture_sizes(slot)));
}

int
picture_first(json_t *img)
{
	if (!json_is_object(img))
		return -1;
	json_object_del(img, "loading");
	json_object_set_new(img, "fetchpriority", json_string("high"));
	return 0;
}

json_t *
picture_first_of(json_t *list)
{
	json_t *v, *img;
	size_t i;

	json_array_foreach(list, i, v)
		if (picture_first(img = json_object_get(v, "image")) == 0)
			return img;
	return NULL;
}
