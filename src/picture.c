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
#include "html.h"
#include "picture.h"
#include "theme.h"
#include "tpl.h"
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

/*
 * The widest a slot is drawn, in CSS pixels, when that never changes
 * with the screen; 0 for the slots that follow the page's width.  Such a
 * slot keeps, of its widths, those up to the first that fills it on a
 * screen of ratio 3 (the densest phones): the others are never chosen
 * and would only make the page longer.  Only the home page's section
 * thumbnails, twenty and more on the page, are given one so far.
 */
static const int fixed[PICTURE__MAX] = {
	[PICTURE_HOME_THUMB] = 96,
};

/* The length of the head of a srcset ("u 320w, u 640w") that keeps the
 * widths up to the first of at least need pixels. */
static size_t
srcset_head(const char *s, int64_t need)
{
	const char *p = s, *end;
	int64_t w;

	while ((end = strstr(p, ", ")) != NULL) {
		const char *sp = end;

		while (sp > p && sp[-1] != ' ')
			sp--;
		if (end - sp >= 2 && sp[end - sp - 1] == 'w' &&
		    parse_int(sp, (size_t)(end - sp - 1), 1, 100000, &w) == 0 &&
		    w >= need)
			return (size_t)(end - s);
		p = end + 2;
	}
	return strlen(s);
}

/* Cuts img's key (a srcset) to the widths a slot drawn px wide takes. */
static void
srcset_cut(json_t *img, const char *key, int px)
{
	const char *s = json_string_value(json_object_get(img, key));
	size_t n;

	if (s != NULL && (n = srcset_head(s, 3 * (int64_t)px)) < strlen(s))
		json_object_set_new(img, key, json_stringn(s, n));
}

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

		/* Pieces, not buf_printf(): a list page makes dozens. */
		if (parse_int(p, k, 1, 100000, &w) == 0) {
			if (n > 0)
				BUF_LIT(b, ", ");
			buf_puts(b, prefix);
			BUF_LIT(b, "/media/");
			buf_puts(b, hash);
			buf_putc(b, '-');
			buf_put_int(b, w);
			buf_putc(b, '.');
			buf_puts(b, fmt);
			buf_putc(b, ' ');
			buf_put_int(b, w);
			buf_putc(b, 'w');
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
	if (json_object_get(img, "srcset") == NULL)
		return;
	json_object_set_new(img, "sizes", json_string(picture_sizes(slot)));
	if (slot < PICTURE__MAX && fixed[slot] > 0) {
		srcset_cut(img, "srcset", fixed[slot]);
		srcset_cut(img, "srcset_webp", fixed[slot]);
	}
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

/*
 * The hash and extension of an uploaded image's URL, /media/<64 hex>.<ext>
 * (lowercase letters), into hash[65] and ext[8]; 0, or -1 for any other.
 */
static int
media_url(const char *u, size_t n, char hash[65], char ext[8])
{
	size_t i, k;

	if (n < 7 + 64 + 2 || memcmp(u, "/media/", 7) != 0 || u[7 + 64] != '.')
		return -1;
	for (i = 0; i < 64; i++) {
		char c = u[7 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		hash[i] = c;
	}
	hash[64] = '\0';
	k = n - (7 + 64 + 1);
	if (k < 1 || k >= 8)
		return -1;
	for (i = 0; i < k; i++) {
		char c = u[7 + 64 + 1 + i];

		if (c < 'a' || c > 'z')
			return -1;
		ext[i] = c;
	}
	ext[k] = '\0';
	return 0;
}

/* The value of a tag's attribute, or NULL when the tag has none. */
static const struct html_attr *
attr_of(const struct html_tok *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nattr; i++)
		if (html_attr_is(&t->attr[i], name))
			return &t->attr[i];
	return NULL;
}

/* Draws one <img> of stored HTML: 1 when drawn, 0 when left, -1. */
static int
draw_img(const struct html_tok *t, json_t *(*find)(void *, const char *),
    void *arg, struct buf *out)
{
	const struct html_attr *src = attr_of(t, "src"),
	    *alt = attr_of(t, "alt");
	struct buf text = BUF_INIT;
	char hash[65], ext[8];
	json_t *row, *img;
	int rc;

	if (src == NULL || src->val == NULL || attr_of(t, "srcset") != NULL ||
	    media_url(src->val, src->vlen, hash, ext) != 0 ||
	    (row = find(arg, hash)) == NULL)
		return 0;
	if (alt != NULL && alt->val != NULL)
		html_decode(&text, alt->val, alt->vlen);
	buf_putc(&text, '\0');
	img = strcmp(ext, json_string_value(json_object_get(row, "ext")) ?
	    json_string_value(json_object_get(row, "ext")) : "") != 0 ? NULL :
	    picture_new(hash, ext, json_string_value(json_object_get(row,
	    "widths")), json_object_get(row, "width"), json_object_get(row,
	    "height"), buf_err(&text) ? "" : text.p, PICTURE_HERO);
	json_decref(row);
	buf_free(&text);
	if (img == NULL)
		return 0;
	rc = tpl_render(theme_templates(), "partials/picture", img, out);
	json_decref(img);
	return rc == 0 ? 1 : -1;
}

int
picture_html(const char *h, size_t n, json_t *(*find)(void *, const char *),
    void *arg, struct buf *out)
{
	struct html_lexer lx;
	struct html_tok t;
	int depth = 0, drawn = 0, rc;

	html_lexer_init(&lx, h, n);
	while (html_next(&lx, &t)) {
		if (t.kind == HTML_START && strcmp(t.name, "picture") == 0)
			depth++;
		else if (t.kind == HTML_END && strcmp(t.name, "picture") == 0 &&
		    depth > 0)
			depth--;
		else if (t.kind == HTML_START && strcmp(t.name, "img") == 0 &&
		    depth == 0) {
			if ((rc = draw_img(&t, find, arg, out)) < 0)
				return -1;
			if (rc > 0) {
				drawn++;
				continue;
			}
		}
		buf_append(out, t.p, t.len);
	}
	return buf_err(out) ? -1 : drawn;
}
