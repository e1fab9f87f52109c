/*
 * import.c — the `masthead import` dispatcher and what its readers
 * share: the outer transaction, the writing of one story with its old
 * addresses, sections, authors, comments, bodies and media, and the
 * progress line.  See import.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "db.h"
#include "import.h"
#include "jobs.h"
#include "markdown.h"
#include "media.h"
#include "sanitize.h"
#include "store.h"
#include "store_cols.h"
#include "util.h"

/* A Ghost export is read whole by jansson: this is its limit. */
#define IMPORT_JSON_MAX	(512LL * 1024 * 1024)
/* The largest image taken from --media-from. */
#define IMPORT_MEDIA_MAX	(64L * 1024 * 1024)

static const char *const kind_names[IMPORT_KIND__MAX] = {
	[IMPORT_POST] = "post",
	[IMPORT_PAGE] = "page",
	[IMPORT_SECTION] = "section",
	[IMPORT_TAG] = "tag",
	[IMPORT_AUTHOR] = "author",
	[IMPORT_COMMENT] = "comment",
	[IMPORT_MEDIA] = "media",
	[IMPORT_SUBSCRIBER] = "subscriber",
	[IMPORT_REDIRECT] = "redirect",
	[IMPORT_PIN] = "pin",
};

const char *
import_kind_name(enum import_kind k)
{
	return k < IMPORT_KIND__MAX ? kind_names[k] : "item";
}

void
import_note(struct import_report *rep, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "import: %s\n", msg);
	if (rep->notes == NULL)
		rep->notes = json_array();
	if (json_array_size(rep->notes) >= IMPORT_NOTES_MAX) {
		rep->notes_dropped++;
		return;
	}
	json_array_append_new(rep->notes, json_pack("{s:s, s:s}", "item",
	    rep->where, "message", msg));
}

void
import_progress(const struct import_opts *o, struct import_report *rep,
    int last)
{
	uint64_t now = now_mono_usec();
	double secs, rate, eta;
	int tty;

	/* A page that polls needs a figure a few times a second at most. */
	if (o->tick != NULL && (last || now - rep->ticked >= 250000u)) {
		rep->ticked = now;
		o->tick(o->tick_arg, rep);
	}
	if (o->progress == IMPORT_PROGRESS_NONE)
		return;
	tty = o->progress == IMPORT_PROGRESS_AUTO ? isatty(STDERR_FILENO) :
	    o->progress == IMPORT_PROGRESS_BAR;
	/* A terminal is redrawn ten times a second, a log every 5 s. */
	if (!last && now - rep->shown < (tty ? 100000u : 5000000u))
		return;
	rep->shown = now;
	secs = (double)(now - rep->started) / 1e6;
	rate = secs > 0 ? (double)rep->items / secs : 0;
	eta = rep->bytes > 0 && rep->bytes_total > rep->bytes ? secs *
	    (double)(rep->bytes_total - rep->bytes) / (double)rep->bytes : 0;
	if (tty)
		fprintf(stderr, "\rimport %lld items, %.0f items/s, %3d%%, "
		    "ETA %.0f s   %s", (long long)rep->items, rate,
		    rep->bytes_total > 0 ? (int)(100 * rep->bytes /
		    rep->bytes_total) : 100, eta, last ? "\n" : "");
	else
		fprintf(stderr, "import: %lld items, %.0f items/s, %lld of "
		    "%lld bytes\n", (long long)rep->items, rate,
		    (long long)rep->bytes, (long long)rep->bytes_total);
}

/* Dates */

int64_t
import_time(const char *s)
{
	int64_t v[6] = { 0 }, off = 0;
	static const int len[6] = { 4, 2, 2, 2, 2, 2 };
	struct tm tm;
	int i, k;

	if (s == NULL)
		return 0;
	for (i = 0; i < 6; i++) {
		for (k = 0; k < len[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return 0;
			v[i] = v[i] * 10 + (*s - '0');
		}
		if (i < 5 && *s != "-- ::"[i] && !(i == 2 && *s == 'T'))
			return 0;
		if (i < 5)
			s++;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	if ((*s == '+' || *s == '-') && strlen(s) >= 6 && s[3] == ':') {
		int64_t h = (s[1] - '0') * 10 + (s[2] - '0');
		int64_t m = (s[4] - '0') * 10 + (s[5] - '0');

		off = (h * 60 + m) * 60 * (*s == '-' ? -1 : 1);
	}
	/* WordPress writes 0000-00-00 00:00:00 for a draft's date. */
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 60)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)v[0] - 1900;
	tm.tm_mon = (int)v[1] - 1;
	tm.tm_mday = (int)v[2];
	tm.tm_hour = (int)v[3];
	tm.tm_min = (int)v[4];
	tm.tm_sec = (int)v[5];
	return (int64_t)timegm(&tm) - off;
}

/* Paths and slugs */

void
import_unescape(const char *s, size_t n, char *out, size_t outsz)
{
	size_t k = 0, i;

	if (outsz == 0)
		return;
	for (i = 0; i < n && s[i] != '\0' && k + 1 < outsz; i++) {
		if (s[i] == '%' && i + 2 < n && hex_digit(s[i + 1]) >= 0 &&
		    hex_digit(s[i + 2]) >= 0 && (hex_digit(s[i + 1]) |
		    hex_digit(s[i + 2])) != 0) {
			out[k++] = (char)(hex_digit(s[i + 1]) * 16 +
			    hex_digit(s[i + 2]));
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
}

void
import_url_path(const char *url, char *out, size_t outsz)
{
	const char *p = url, *s;
	size_t n, q, k;

	out[0] = '\0';
	if (url == NULL || outsz < 2)
		return;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if ((s = strstr(p, "://")) != NULL && (size_t)(s - p) < 10) {
		p = s + 3;
		p += strcspn(p, "/?#");
	}
	if (*p != '/' && *p != '?')
		return;
	/* The path ends at the query, the fragment or white space. */
	for (n = 0; p[n] != '\0' && p[n] != '#' &&
	    !isspace((unsigned char)p[n]); n++)
		;
	q = strcspn(p, "?");
	if (q > n)
		q = n;
	/* "https://x.org?p=1" is the home page's query. */
	if (q == 0)
		strlcpy_(out, "/", outsz);
	else
		import_unescape(p, q, out, outsz);
	/* Only the path is decoded: the query keeps its escapes. */
	if (q < n && (k = strlen(out)) + (n - q) < outsz) {
		memcpy(out + k, p + q, n - q);
		out[k + n - q] = '\0';
	}
}

static int
has_alnum(const char *s)
{
	for (; *s != '\0'; s++)
		if (isalnum((unsigned char)*s))
			return 1;
	return 0;
}

void
import_slug(const char *old, const char *title, const char *fallback,
    char *out, size_t outsz)
{
	char dec[512];

	if (old == NULL)
		old = "";
	import_unescape(old, strlen(old), dec, sizeof(dec));
	/*
	 * A slug of letters not in ASCII falls back to the title's, and a
	 * title of such letters to the fallback ("post-104").
	 */
	if (has_alnum(dec))
		store_slugify(dec, out, outsz);
	else if (title != NULL && has_alnum(title))
		store_slugify(title, out, outsz);
	else
		store_slugify(fallback, out, outsz);
}

/* Media from --media-from */

/* The part of url after the marker of an uploads folder, or NULL. */
static const char *
media_rel(const char *url, size_t n)
{
	static const char *const marks[] = { "/wp-content/uploads/",
	    "/content/images/" };
	size_t i, m;
	const char *p;

	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		m = strlen(marks[i]);
		for (p = url; p + m <= url + n; p++)
			if (memcmp(p, marks[i], m) == 0)
				return p + m;
	}
	return NULL;
}

/* Reads a file of at most max bytes; NULL when missing or too big. */
static void *
slurp(const char *path, long max, size_t *len)
{
	FILE *f;
	char *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > max ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	p = xmalloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

/*
 * Old URL -> [our src, hash] (null: not ours, or missing), for one run
 * of import_file(), which empties it.  The command runs one import at a
 * time, so one table serves.
 */
static json_t *media_seen;

/*
 * The media path of an old uploads URL, stored once per run (the same
 * image is often linked many times): 0 with out set, 1 when the URL is
 * not an upload or the file is missing (reported; the link is kept).
 */
static int
media_map(struct db *db, const struct import_opts *o,
    struct import_report *rep, const char *url, size_t n, char *out,
    size_t outsz, char *hash, size_t hashsz)
{
	char key[1024], path[4096], msg[256], rel[1024];
	const char *r;
	json_t *img, *seen;
	void *data;
	size_t len, rn;

	if (o->media_from == NULL || n >= sizeof(key) ||
	    (r = media_rel(url, n)) == NULL)
		return 1;
	memcpy(key, url, n);
	key[n] = '\0';
	if (media_seen == NULL)
		media_seen = json_object();
	if ((seen = json_object_get(media_seen, key)) != NULL) {
		if (!json_is_array(seen))
			return 1;
		strlcpy_(out, json_string_value(json_array_get(seen, 0)), outsz);
		if (hash != NULL)
			strlcpy_(hash, json_string_value(json_array_get(seen,
			    1)), hashsz);
		return 0;
	}
	for (rn = 0; r + rn < url + n && r[rn] != '?' && r[rn] != '#'; rn++)
		;
	if (rn >= sizeof(rel) || memmem(r, rn, "..", 2) != NULL) {
		json_object_set_new(media_seen, key, json_null());
		return 1;
	}
	memcpy(rel, r, rn);
	rel[rn] = '\0';
	snprintf(path, sizeof(path), "%s/%s", o->media_from, rel);
	if (o->dry_run && access(path, R_OK) == 0) {
		/* A dry run writes no file: the link is counted, not changed. */
		rep->added[IMPORT_MEDIA]++;
		json_object_set_new(media_seen, key, json_null());
		return 1;
	}
	if ((data = slurp(path, IMPORT_MEDIA_MAX, &len)) == NULL) {
		import_note(rep, "media file missing, link kept: %s", rel);
		rep->media_missing++;
		json_object_set_new(media_seen, key, json_null());
		return 1;
	}
	if (media_store(db, data, len, NULL, &img, msg, sizeof(msg)) != 0) {
		import_note(rep, "%s: %s; link kept", rel, msg);
		free(data);
		rep->media_missing++;
		json_object_set_new(media_seen, key, json_null());
		return 1;
	}
	free(data);
	rep->added[IMPORT_MEDIA]++;
	json_object_set_new(media_seen, key, json_pack("[s?s?]",
	    json_string_value(json_object_get(img, "src")),
	    json_string_value(json_object_get(img, "hash"))));
	json_decref(img);
	return media_map(db, o, rep, url, n, out, outsz, hash, hashsz);
}

/* Bodies */

/* The value of attribute name in a shortcode's text, into out. */
static void
sc_attr(const char *s, size_t n, const char *name, char *out, size_t outsz)
{
	size_t m = strlen(name), i, k = 0;
	char q;

	out[0] = '\0';
	for (i = 0; i + m + 1 < n; i++) {
		if (memcmp(s + i, name, m) != 0 || s[i + m] != '=' ||
		    (i > 0 && !isspace((unsigned char)s[i - 1])))
			continue;
		i += m + 1;
		q = s[i] == '"' || s[i] == '\'' ? s[i++] : ' ';
		while (i < n && s[i] != q && s[i] != ']' && k + 1 < outsz)
			out[k++] = s[i++];
		out[k] = '\0';
		return;
	}
}

/* The largest gallery made a figure; a longer one stays as its text. */
#define GALLERY_MAX	100

/*
 * The ids="1,2,3" of a [gallery] shortcode s[0..n) into ids (at most
 * GALLERY_MAX, each at most 40 bytes); their number, 0 when none.
 */
static size_t
gallery_ids(const char *s, size_t n, char ids[][41])
{
	char list[4096], *p, *e;
	size_t k = 0, len;

	sc_attr(s, n, "ids", list, sizeof(list));
	for (p = list; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		len = (size_t)(e - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0 || len > 40 || k == GALLERY_MAX)
			return 0;
		memcpy(ids[k], p, len);
		ids[k++][len] = '\0';
	}
	return k;
}

/*
 * [gallery ids="1,2,3"] as a figure of those attachments' images, when
 * every one of them was imported: 0 with the figure in out, -1 to leave
 * the shortcode as it is.
 */
static int
gallery(struct db *db, const struct import_opts *o, struct import_report *rep,
    json_t *attachments, const char *s, size_t n, struct buf *out)
{
	static char ids[GALLERY_MAX][41];
	struct buf fig = BUF_INIT;
	const char *url;
	char src[512];
	size_t k, i;

	if (attachments == NULL || (k = gallery_ids(s, n, ids)) == 0)
		return -1;
	BUF_LIT(&fig, "<figure class=\"gallery\">");
	for (i = 0; i < k; i++) {
		if ((url = json_string_value(json_object_get(attachments,
		    ids[i]))) == NULL || media_map(db, o, rep, url, strlen(url),
		    src, sizeof(src), NULL, 0) != 0) {
			buf_free(&fig);
			return -1;
		}
		BUF_LIT(&fig, "<img src=\"");
		buf_puts(&fig, src);
		BUF_LIT(&fig, "\" alt=\"\">");
	}
	BUF_LIT(&fig, "</figure>");
	buf_append(out, fig.p, fig.len);
	buf_free(&fig);
	return 0;
}

int
import_gallery_pending(const char *html, json_t *attachments)
{
	static char ids[GALLERY_MAX][41];
	const char *p = html, *q;
	size_t k, i;

	while ((p = strstr(p, "[gallery")) != NULL) {
		if ((q = strchr(p, ']')) == NULL)
			return 0;
		/* [galleryx] is another shortcode. */
		if (p[8] != ' ' && p[8] != ']') {
			p += 8;
			continue;
		}
		k = gallery_ids(p, (size_t)(q - p), ids);
		for (i = 0; i < k; i++)
			if (json_object_get(attachments, ids[i]) == NULL)
				return 1;
		p = q;
	}
	return 0;
}

/*
 * Turns WordPress's markup into plain HTML: [caption]<img> text[/caption]
 * becomes a figure with its figcaption, [embed]URL[/embed] and a URL
 * alone on a line (oEmbed) become links, [gallery ids="..."] a figure of
 * the attachments' images when all were imported, block comments go,
 * and any other shortcode is left as the text it is.  Leading blanks of a line
 * go too, so that no line reads as a Markdown code block.
 */
static void
wp_markup(struct db *db, const struct import_opts *o,
    struct import_report *rep, json_t *attachments, const char *s,
    size_t n, struct buf *out)
{
	const char *end = s + n, *p = s, *q;
	int bol = 1;

	while (p < end) {
		if (bol && (*p == ' ' || *p == '\t')) {
			p++;
			continue;
		}
		bol = 0;
		if (*p == '\n') {
			buf_putc(out, '\n');
			bol = 1;
			p++;
			continue;
		}
		if (*p == '[' && (size_t)(end - p) > 9 &&
		    memcmp(p, "[caption", 8) == 0 &&
		    (q = memmem(p, (size_t)(end - p), "[/caption]", 10)) != NULL) {
			const char *body = memchr(p, ']', (size_t)(q - p));
			const char *tagend;
			char cap[1024];

			if (body == NULL || body > q) {
				buf_putc(out, *p++);
				continue;
			}
			sc_attr(p, (size_t)(body - p), "caption", cap,
			    sizeof(cap));
			body++;
			/* The image (or the link around it), then the text. */
			tagend = body;
			if ((tagend = memmem(body, (size_t)(q - body), "</a>",
			    4)) != NULL)
				tagend += 4;
			else if ((tagend = memchr(body, '>', (size_t)(q - body)))
			    != NULL)
				tagend += 1;
			else
				tagend = body;
			BUF_LIT(out, "<figure>");
			buf_append(out, body, (size_t)(tagend - body));
			BUF_LIT(out, "<figcaption>");
			if (cap[0] != '\0')
				buf_puts(out, cap);
			else
				buf_append(out, tagend, (size_t)(q - tagend));
			BUF_LIT(out, "</figcaption></figure>");
			p = q + 10;
			continue;
		}
		if (*p == '[' && (size_t)(end - p) > 9 &&
		    memcmp(p, "[gallery", 8) == 0 && (p[8] == ' ' ||
		    p[8] == ']') && (q = memchr(p, ']', (size_t)(end - p))) !=
		    NULL && gallery(db, o, rep, attachments, p,
		    (size_t)(q - p), out) == 0) {
			p = q + 1;
			continue;
		}
		if (*p == '[' && (size_t)(end - p) > 7 &&
		    memcmp(p, "[embed", 6) == 0 &&
		    (q = memmem(p, (size_t)(end - p), "[/embed]", 8)) != NULL) {
			const char *u = memchr(p, ']', (size_t)(q - p));

			if (u != NULL) {
				u++;
				BUF_LIT(out, "<p><a href=\"");
				buf_append(out, u, (size_t)(q - u));
				BUF_LIT(out, "\">");
				buf_append(out, u, (size_t)(q - u));
				BUF_LIT(out, "</a></p>");
				p = q + 8;
				continue;
			}
		}
		if (*p == '<' && (size_t)(end - p) >= 7 &&
		    memcmp(p, "<!--", 4) == 0 &&
		    (q = memmem(p, (size_t)(end - p), "-->", 3)) != NULL) {
			p = q + 3;
			continue;
		}
		/* A URL alone on its line is an oEmbed: a link. */
		if ((p == s || p[-1] == '\n') && (size_t)(end - p) > 8 &&
		    (memcmp(p, "https://", 8) == 0 ||
		    memcmp(p, "http://", 7) == 0)) {
			size_t k = strcspn(p, "\n");

			if (p + k > end)
				k = (size_t)(end - p);
			if (memchr(p, ' ', k) == NULL &&
			    memchr(p, '<', k) == NULL &&
			    memchr(p, '"', k) == NULL) {
				BUF_LIT(out, "<p><a href=\"");
				buf_append(out, p, k);
				BUF_LIT(out, "\">");
				buf_append(out, p, k);
				BUF_LIT(out, "</a></p>");
				p += k;
				continue;
			}
		}
		/* Plain text up to the next character that may start markup. */
		q = p + 1;
		while (q < end && *q != '\n' && *q != '[' && *q != '<')
			q++;
		buf_append(out, p, (size_t)(q - p));
		p = q;
	}
}

/* Rewrites the uploads URLs of src="" and href="" to ours. */
static void
media_links(struct db *db, const struct import_opts *o,
    struct import_report *rep, const char *s, size_t n, struct buf *out)
{
	const char *end = s + n, *p = s, *v, *q;
	char src[512];

	if (o->media_from == NULL) {
		buf_append(out, s, n);
		return;
	}
	while (p < end) {
		const char *a = NULL, *eq;

		/* The next ="; only src and href values are looked at. */
		if ((eq = memmem(p, (size_t)(end - p), "=\"", 2)) == NULL) {
			buf_append(out, p, (size_t)(end - p));
			break;
		}
		if (eq - p >= 3 && memcmp(eq - 3, "src", 3) == 0)
			a = eq + 2;
		else if (eq - p >= 4 && memcmp(eq - 4, "href", 4) == 0)
			a = eq + 2;
		if (a == NULL || (q = memchr(a, '"', (size_t)(end - a))) ==
		    NULL) {
			buf_append(out, p, (size_t)(eq + 2 - p));
			p = eq + 2;
			continue;
		}
		v = a;
		buf_append(out, p, (size_t)(a - p));
		if (media_map(db, o, rep, v, (size_t)(q - v), src, sizeof(src),
		    NULL, 0) == 0)
			buf_puts(out, src);
		else
			buf_append(out, v, (size_t)(q - v));
		p = q;
	}
}

int
import_body(struct db *db, const struct import_opts *o,
    struct import_report *rep, json_t *attachments, const char *html,
    struct buf *md, struct buf *page)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int rc = -1;

	buf_init(&a, IMPORT_BODY_MAX);
	buf_init(&b, IMPORT_BODY_MAX);
	wp_markup(db, o, rep, attachments, html, strlen(html), &a);
	media_links(db, o, rep, a.p != NULL ? a.p : "", a.len, &b);
	if (buf_err(&a) || buf_err(&b))
		goto done;
	if (sanitize_html(b.p != NULL ? b.p : "", b.len, md) != 0)
		goto done;
	buf_putc(md, '\0');
	md->len--;
	if (markdown_render(MD_EDITOR, md->p, md->len, page) != 0)
		goto done;
	buf_putc(page, '\0');
	page->len--;
	rc = 0;
done:
	buf_free(&a);
	buf_free(&b);
	return rc;
}

int
import_yoast(const char *tpl, const char *title, const char *site,
    const char *excerpt, char *out, size_t outsz)
{
	static const char *const names[] = {
		"title", "sitename", "excerpt", "sep", "page",
	};
	const char *vals[] = { title, site, excerpt, "-", "" };
	struct buf b = BUF_INIT;
	const char *p = tpl, *e;
	size_t i, n, len;
	int rc = -1;

	while (*p != '\0') {
		if (p[0] != '%' || p[1] != '%') {
			buf_putc(&b, *p++);
			continue;
		}
		if ((e = strstr(p + 2, "%%")) == NULL)
			goto done;
		len = (size_t)(e - p - 2);
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i]) == len &&
			    memcmp(p + 2, names[i], len) == 0)
				break;
		if (i == ARRAY_SIZE(names))
			goto done;
		buf_puts(&b, vals[i] != NULL ? vals[i] : "");
		p = e + 2;
	}
	/* One blank between words, none at the ends. */
	for (i = n = 0; i < b.len && !buf_err(&b); i++) {
		if (isspace((unsigned char)b.p[i]) && (n == 0 ||
		    i + 1 == b.len || isspace((unsigned char)b.p[i + 1])))
			continue;
		if (n + 1 >= outsz)
			break;
		out[n++] = isspace((unsigned char)b.p[i]) ? ' ' : b.p[i];
	}
	if (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	rc = n > 0 && !buf_err(&b) && i == b.len ? 0 : -1;
done:
	buf_free(&b);
	return rc;
}

/* Sections, authors, tags, redirects, comments */

int
import_redirect(struct db *db, struct import_report *rep, const char *old,
    const char *new_path)
{
	int rc;

	if (old == NULL || old[0] != '/' || strcmp(old, "/") == 0 ||
	    strcmp(old, new_path) == 0)
		return 0;
	rc = store_redirect_set(db, old, new_path, 0);
	if (rc == STORE_OK && db_changes(db) > 0)
		rep->added[IMPORT_REDIRECT]++;
	return rc == STORE_OK || rc == STORE_INVALID ? 0 : -1;
}

int
import_section(struct db *db, struct import_report *rep, const char *source,
    const char *source_id, const char *slug, const char *name,
    const char *description, int64_t parent, int64_t *id, char *out,
    size_t outsz)
{
	char s[128], fb[100];
	json_t *v;
	int rc;

	/* Names in another script fall back to the source id: still unique. */
	snprintf(fb, sizeof(fb), "section-%.80s", source_id);
	import_slug(slug, name, fb, s, sizeof(s));
	if (store_import_id(db, source, "section", source_id, id) == STORE_OK) {
		rep->kept[IMPORT_SECTION]++;
		return store_section_slug(db, *id, out, outsz) == STORE_OK ?
		    0 : -1;
	}
	if (store_section_get(db, s, &v) == STORE_OK) {
		*id = json_integer_value(json_object_get(v, "id"));
		json_decref(v);
		rep->kept[IMPORT_SECTION]++;
	} else {
		rc = store_section_add(db, parent, s, name != NULL &&
		    name[0] != '\0' ? name : s, "topic",
		    description != NULL ? description : "", 0, id);
		if (rc != STORE_OK)
			return -1;
		rep->added[IMPORT_SECTION]++;
	}
	strlcpy_(out, s, outsz);
	return store_import_id_set(db, source, "section", source_id, *id) ==
	    STORE_OK ? 0 : -1;
}

int
import_author(struct db *db, const struct import_opts *o,
    struct import_report *rep, const char *source, const char *source_id,
    const char *slug, const char *name, const char *email, const char *bio,
    char *out, size_t outsz)
{
	char s[128], addr[320], fb[100];
	int64_t id, uid;
	json_t *v;

	if (store_import_id(db, source, "author", source_id, &id) == STORE_OK) {
		rep->kept[IMPORT_AUTHOR]++;
		if (store_author_slug(db, id, s, sizeof(s)) != STORE_OK)
			return -1;
	} else {
		snprintf(fb, sizeof(fb), "author-%.80s", source_id);
		import_slug(slug, name, fb, s, sizeof(s));
		if (store_author_get(db, s, &v) == STORE_OK) {
			id = json_integer_value(json_object_get(v, "id"));
			json_decref(v);
			rep->kept[IMPORT_AUTHOR]++;
		} else if (store_author_add(db, s, name != NULL &&
		    name[0] != '\0' ? name : s, "", "", bio != NULL ? bio : "",
		    &id) == STORE_OK) {
			rep->added[IMPORT_AUTHOR]++;
		} else {
			return -1;
		}
	}
	/*
	 * An account only when asked (on this run or a later one), never a
	 * second one for an address.
	 */
	if (o->accounts && email != NULL &&
	    email_norm(email, addr, sizeof(addr)) == 0 &&
	    store_user_id_by_email(db, addr, &uid) != STORE_OK &&
	    store_user_add(db, addr, name != NULL && name[0] != '\0' ? name :
	    s, "", ROLE_AUTHOR, s, &uid) != STORE_OK)
		return -1;
	strlcpy_(out, s, outsz);
	return store_import_id_set(db, source, "author", source_id, id) ==
	    STORE_OK ? 0 : -1;
}

int
import_comment(struct db *db, struct import_report *rep, const char *source,
    const char *source_id, int64_t article, int64_t parent, const char *name,
    const char *email, const char *text, const char *status, int64_t at,
    int64_t *id)
{
	struct comment_new c;
	struct buf html = BUF_INIT;
	char addr[320];
	int64_t uid;
	int rc;

	if (store_import_id(db, source, "comment", source_id, id) == STORE_OK) {
		rep->kept[IMPORT_COMMENT]++;
		return 0;
	}
	/*
	 * A comment needs a reader: the commenter's address finds or makes
	 * one without a password (it cannot sign in until its owner resets
	 * it); one without an address gets one that cannot receive mail.
	 */
	if (email == NULL || email_norm(email, addr, sizeof(addr)) != 0)
		snprintf(addr, sizeof(addr), "comment-%.200s@imported.invalid",
		    source_id);
	if (store_user_id_by_email(db, addr, &uid) != STORE_OK &&
	    store_user_register(db, addr, name != NULL && name[0] != '\0' ?
	    name : "Anonymous", "", &uid) != STORE_OK)
		return -1;
	buf_init(&html, IMPORT_BODY_MAX);
	if (markdown_render(MD_READER, text, strlen(text), &html) != 0) {
		buf_free(&html);
		return -1;
	}
	buf_putc(&html, '\0');
	memset(&c, 0, sizeof(c));
	c.article_id = article;
	c.parent_id = parent;
	c.user_id = uid;
	c.now = at > 0 ? at : now_unix();
	c.status = status;
	c.body_md = text;
	c.body_html = html.p;
	c.body_hash = c.held_reason = c.ip = "";
	rc = store_comment_add(db, &c, id);
	if (rc == STORE_INVALID || rc == STORE_NOTFOUND) {
		/* Its parent was not approved: it stands on its own. */
		c.parent_id = 0;
		rc = store_comment_add(db, &c, id);
	}
	buf_free(&html);
	if (rc != STORE_OK)
		return -1;
	rep->added[IMPORT_COMMENT]++;
	return store_import_id_set(db, source, "comment", source_id, *id) ==
	    STORE_OK ? 0 : -1;
}

int
import_hero(struct db *db, const struct import_opts *o,
    struct import_report *rep, int64_t id, const char *url,
    const char *caption)
{
	char src[512], hash[80];
	json_t *in;
	int rc;

	snprintf(rep->where, sizeof(rep->where), "story %lld's image",
	    (long long)id);
	if (media_map(db, o, rep, url, strlen(url), src, sizeof(src), hash,
	    sizeof(hash)) != 0)
		return 0;
	in = json_pack("{s:s}", "hero_image", hash);
	if (caption != NULL)
		json_object_set_new(in, "hero_caption", json_string(caption));
	rc = store_article_update(db, id, in, NULL);
	json_decref(in);
	return rc == STORE_OK ? 0 : -1;
}

/* Newest first: published at, then id. */
static int
sticky_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	if (x[1] != y[1])
		return x[1] < y[1] ? 1 : -1;
	return x[0] < y[0] ? 1 : x[0] > y[0] ? -1 : 0;
}

int
import_pins(struct db *db, struct import_report *rep, json_t *sticky)
{
	/*
	 * Every slot, the editor's picks too: store_front_set() rewrites
	 * them all.  Sticky posts go to the lead and top stories only.
	 */
	struct front_pin pins[STORE_FRONT_SLOTS];
	int64_t (*s)[2];
	json_t *all, *v;
	size_t i, n = json_array_size(sticky);
	int slot, bad, rc;

	if (n == 0)
		return 0;
	memset(pins, 0, sizeof(pins));
	if (store_front_all(db, &all) != STORE_OK)
		return -1;
	json_array_foreach(all, i, v) {
		slot = (int)json_integer_value(json_object_get(v, "position"));
		if (slot >= 0 && slot < STORE_FRONT_SLOTS) {
			pins[slot].article = json_integer_value(
			    json_object_get(v, "article_id"));
			pins[slot].expires = json_integer_value(
			    json_object_get(v, "expires_at"));
		}
	}
	json_decref(all);
	s = xcalloc(n, sizeof(*s));
	json_array_foreach(sticky, i, v) {
		s[i][0] = json_integer_value(json_array_get(v, 0));
		s[i][1] = json_integer_value(json_array_get(v, 1));
	}
	qsort(s, n, sizeof(*s), sticky_cmp);
	for (i = 0, slot = 0; i < n; i++) {
		while (slot <= STORE_FRONT_TOP && pins[slot].article != 0)
			slot++;
		if (slot > STORE_FRONT_TOP) {
			rep->where[0] = '\0';
			import_note(rep, "%zu sticky post(s) left unpinned: the "
			    "front page has %d pins", n - i, STORE_FRONT_TOP + 1);
			break;
		}
		pins[slot].article = s[i][0];
		rep->added[IMPORT_PIN]++;
	}
	free(s);
	rc = store_front_set(db, pins, &bad);
	return rc == STORE_OK ? 0 : -1;
}

/* Stories and pages */

/* The section a story without one goes to, made when missing. */
static int
default_section(struct db *db, struct import_report *rep)
{
	json_t *v;
	int64_t id;

	if (store_section_get(db, "uncategorized", &v) == STORE_OK) {
		json_decref(v);
		return 0;
	}
	if (store_section_add(db, 0, "uncategorized", "Uncategorized", "topic",
	    "", 0, &id) != STORE_OK)
		return -1;
	rep->added[IMPORT_SECTION]++;
	return 0;
}

static int
page_put(struct db *db, struct import_item *it, const char *md,
    const char *html, char *err, size_t errsz)
{
	char base[200], slug[256], fb[100];
	json_t *v;
	int i;

	snprintf(fb, sizeof(fb), "%s-%s", import_kind_name(it->kind),
	    it->source_id);
	import_slug(it->slug, it->title, fb, base, sizeof(base));
	for (i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(slug, sizeof(slug), "%s", base);
		else
			snprintf(slug, sizeof(slug), "%.180s-%d", base, i);
		if (store_page_get(db, slug, &v) != STORE_OK)
			break;
		json_decref(v);
	}
	it->id = 0;
	if (store_page_save(db, &it->id, slug, it->title, md, html) !=
	    STORE_OK) {
		snprintf(err, errsz, "page %s: %s", it->source_id,
		    db_errmsg(db));
		return -1;
	}
	snprintf(it->path, sizeof(it->path), "/%s", slug);
	return 0;
}

/* An SEO override, when there is one within the newsroom's limit. */
static void
seo(json_t *in, const char *key, const char *v)
{
	const struct store_col *c = store_col_by_key(key);

	if (v != NULL && v[0] != '\0' && c != NULL && strlen(v) <= c->max)
		json_object_set_new(in, key, json_string(v));
}

static int
article_put(struct db *db, const struct import_opts *o,
    struct import_report *rep, struct import_item *it, const char *md,
    const char *html, char *err, size_t errsz)
{
	char base[200], slug[256], hero[512], hash[80], fb[100];
	json_t *in;
	int64_t at;
	int rc;

	snprintf(fb, sizeof(fb), "%s-%s", import_kind_name(it->kind),
	    it->source_id);
	import_slug(it->slug, it->title, fb, base, sizeof(base));
	if (store_article_slug_free(db, base, slug, sizeof(slug)) != STORE_OK) {
		snprintf(err, errsz, "post %s: no free slug for \"%s\"",
		    it->source_id, base);
		return -1;
	}
	if (it->section == NULL && default_section(db, rep) != 0) {
		snprintf(err, errsz, "post %s: %s", it->source_id,
		    db_errmsg(db));
		return -1;
	}
	/* Published in the same INSERT: one listing pass, not two. */
	at = it->published_at > 0 ? it->published_at : now_unix();
	in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
	    "title", it->title != NULL && it->title[0] != '\0' ? it->title :
	    "(untitled)", "slug", slug, "dek", it->dek != NULL ? it->dek : "",
	    "body_md", md, "section", it->section != NULL ? it->section :
	    "uncategorized", "type", it->type != NULL ? it->type : "news",
	    "raw_html", 1);
	seo(in, "seo_title", it->seo_title);
	seo(in, "seo_description", it->seo_description);
	if (it->seo_image != NULL && it->seo_image[0] != '\0' &&
	    media_map(db, o, rep, it->seo_image, strlen(it->seo_image), hero,
	    sizeof(hero), hash, sizeof(hash)) == 0)
		json_object_set_new(in, "seo_image", json_string(hash));
	if (it->authors != NULL)
		json_object_set(in, "authors", it->authors);
	if (it->tags != NULL)
		json_object_set(in, "tags", it->tags);
	if (it->hero != NULL && media_map(db, o, rep, it->hero,
	    strlen(it->hero), hero, sizeof(hero), hash, sizeof(hash)) == 0) {
		json_object_set_new(in, "hero_image", json_string(hash));
		if (it->hero_caption != NULL)
			json_object_set_new(in, "hero_caption",
			    json_string(it->hero_caption));
	}
	if (it->status != IMPORT_DRAFT) {
		json_object_set_new(in, "status", json_string("published"));
		json_object_set_new(in, "published_at", json_integer(at));
	}
	rc = store_article_create_unindexed(db, in, html, &it->id);
	json_decref(in);
	if (rc != STORE_OK) {
		snprintf(err, errsz, "post %s (\"%.80s\"): %s", it->source_id,
		    it->title != NULL ? it->title : "", rc == STORE_INVALID ?
		    "an unknown section, author or image" : db_errmsg(db));
		return -1;
	}
	if (it->status != IMPORT_DRAFT) {
		if (rep->nunindexed == rep->unindexed_cap) {
			rep->unindexed_cap = rep->unindexed_cap == 0 ? 1024 :
			    rep->unindexed_cap * 2;
			rep->unindexed = xrealloc(rep->unindexed,
			    rep->unindexed_cap * sizeof(*rep->unindexed));
		}
		rep->unindexed[rep->nunindexed++] = it->id;
		/* A running server drops its pages when it goes live. */
		if (at > now_unix()) {
			json_t *p = json_pack("{s:I}", "article",
			    (json_int_t)it->id);

			rc = jobs_add(db, JOB_PUBLISH, p, at);
			json_decref(p);
			if (rc != STORE_OK) {
				snprintf(err, errsz, "post %s: %s",
				    it->source_id, db_errmsg(db));
				return -1;
			}
		}
	}
	snprintf(it->path, sizeof(it->path), "/article/%s", slug);
	return 0;
}

int
import_item_put(struct db *db, const struct import_opts *o,
    struct import_report *rep, struct import_item *it, char *err,
    size_t errsz)
{
	const char *kind = import_kind_name(it->kind);
	struct buf md = BUF_INIT, html = BUF_INIT;
	json_t *v;
	size_t i;
	int rc, kept = 0;

	snprintf(rep->where, sizeof(rep->where), "%s %s", kind,
	    it->source_id);
	if (store_import_id(db, it->source, kind, it->source_id, &it->id) ==
	    STORE_OK) {
		/* There from an earlier run: its address, and nothing else. */
		rep->kept[it->kind]++;
		if (it->kind == IMPORT_PAGE)
			rc = store_page_by_id(db, it->id, &v);
		else
			rc = store_article_admin_get(db, it->id, &v);
		if (rc != STORE_OK) {
			/* Deleted since: leave it so. */
			it->path[0] = '\0';
			return 1;
		}
		snprintf(it->path, sizeof(it->path), "%s%s", it->kind ==
		    IMPORT_PAGE ? "/" : "/article/",
		    json_string_value(json_object_get(v, "slug")));
		json_decref(v);
		kept = 1;
		goto redirects;
	}
	if (it->made_md != NULL) {
		/* Made ahead, on the reading thread (import_wxr.c). */
		md = *it->made_md;
		html = *it->made_html;
		*it->made_md = *it->made_html = (struct buf)BUF_INIT;
	} else {
		buf_init(&md, IMPORT_BODY_MAX);
		buf_init(&html, IMPORT_BODY_MAX);
		if (import_body(db, o, rep, it->attachments, it->html != NULL ?
		    it->html : "", &md, &html) != 0) {
			snprintf(err, errsz, "%s %s: its body is over %u MB",
			    kind, it->source_id, IMPORT_BODY_MAX >> 20);
			goto fail;
		}
	}
	if (it->kind == IMPORT_PAGE)
		rc = page_put(db, it, md.p != NULL ? md.p : "",
		    html.p != NULL ? html.p : "", err, errsz);
	else
		rc = article_put(db, o, rep, it, md.p != NULL ? md.p : "",
		    html.p != NULL ? html.p : "", err, errsz);
	if (rc != 0)
		goto fail;
	if (store_import_id_set(db, it->source, kind, it->source_id, it->id) !=
	    STORE_OK) {
		snprintf(err, errsz, "%s %s: %s", kind, it->source_id,
		    db_errmsg(db));
		goto fail;
	}
	rep->added[it->kind]++;
	buf_free(&md);
	buf_free(&html);
redirects:
	for (i = 0; i < it->nold; i++)
		if (import_redirect(db, rep, it->old[i], it->path) != 0) {
			snprintf(err, errsz, "%s %s: redirect: %s", kind,
			    it->source_id, db_errmsg(db));
			return -1;
		}
	return kept;
fail:
	buf_free(&md);
	buf_free(&html);
	return -1;
}

int
import_rebody(struct db *db, const struct import_opts *o,
    struct import_report *rep, int64_t id, const char *html,
    json_t *attachments)
{
	struct buf md = BUF_INIT, page = BUF_INIT;
	json_t *in;
	int rc = -1;

	buf_init(&md, IMPORT_BODY_MAX);
	buf_init(&page, IMPORT_BODY_MAX);
	snprintf(rep->where, sizeof(rep->where), "story %lld's gallery",
	    (long long)id);
	if (import_body(db, o, rep, attachments, html, &md, &page) == 0) {
		in = json_pack("{s:s}", "body_md", md.p != NULL ? md.p : "");
		rc = store_article_update(db, id, in, page.p != NULL ?
		    page.p : "") == STORE_OK ? 0 : -1;
		json_decref(in);
	}
	buf_free(&md);
	buf_free(&page);
	return rc;
}

/* The dispatcher */

/* The first byte of the file that is not white space or a BOM. */
static int
first_byte(const char *path, int64_t *size, char *err, size_t errsz)
{
	unsigned char b[512];
	size_t n, i;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(b, 1, sizeof(b), f);
	if (fseek(f, 0, SEEK_END) == 0)
		*size = ftell(f);
	fclose(f);
	i = n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf ? 3 : 0;
	for (; i < n; i++)
		if (!isspace(b[i]))
			return b[i];
	snprintf(err, errsz, "%s: the file is empty", path);
	return -1;
}

/*
 * Whether the JSON object at path begins with the key of masthead's own
 * export, which is read as a stream (import_masthead.c), never whole.
 */
static int
is_masthead_export(const char *path)
{
	static const char key[] = "\"masthead_export\"";
	char b[64];
	size_t n, i = 0;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && isspace((unsigned char)b[i]))
		i++;
	if (i == n || b[i++] != '{')
		return 0;
	while (i < n && isspace((unsigned char)b[i]))
		i++;
	return n - i >= sizeof(key) - 1 && memcmp(b + i, key,
	    sizeof(key) - 1) == 0;
}

static int
run_json(struct db *db, const char *path, const struct import_opts *o,
    struct import_report *rep, char *err, size_t errsz)
{
	json_error_t je;
	json_t *root;
	int rc;

	if (is_masthead_export(path))
		return import_masthead(db, path, o, rep, err, errsz);
	if (rep->bytes_total > IMPORT_JSON_MAX) {
		snprintf(err, errsz, "%s: a JSON export of more than %lld MB "
		    "is not read (split it)", path, IMPORT_JSON_MAX >> 20);
		return -1;
	}
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		snprintf(err, errsz, "%s:%d:%d: not valid JSON: %s", path,
		    je.line, je.column,
		    je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err, errsz, "%s: not an export (the JSON is not an "
		    "object)", path);
		return -1;
	}
	if (json_object_get(root, "masthead_export") != NULL) {
		json_decref(root);
		snprintf(err, errsz, "%s: a masthead export must begin with "
		    "its \"masthead_export\" key", path);
		return -1;
	}
	rc = import_ghost(db, root, o, rep, err, errsz);
	json_decref(root);
	return rc;
}

/*
 * The search rows of the stories made, written one after the other once
 * the file is read: FTS5 keeps them in memory and writes them in a few
 * segments, where rows written between the story's other statements
 * would each be flushed into a segment of its own.
 */
static int
search_rows(struct db *db, struct import_report *rep, char *err,
    size_t errsz)
{
	size_t i;

	for (i = 0; i < rep->nunindexed; i++)
		if (store_search_index(db, rep->unindexed[i]) != STORE_OK) {
			snprintf(err, errsz, "search index: %s", db_errmsg(db));
			return -1;
		}
	return 0;
}

int
import_file(struct db *db, const char *path, const struct import_opts *o,
    struct import_report *rep, char *err, size_t errsz)
{
	int c, rc;

	memset(rep, 0, sizeof(*rep));
	rep->started = rep->shown = rep->ticked = now_mono_usec();
	rep->notes = json_array();
	if ((c = first_byte(path, &rep->bytes_total, err, errsz)) < 0)
		return -1;
	if (c != '<' && c != '{') {
		snprintf(err, errsz, "%s: neither a WordPress export (WXR) "
		    "nor a JSON export", path);
		return -1;
	}
	db_bulk(db, 1);
	if (db_begin_write(db) != DB_OK) {
		db_bulk(db, 0);
		snprintf(err, errsz, "cannot start a transaction: %s",
		    db_errmsg(db));
		return -1;
	}
	/* After this point, every way out ends the transaction. */
	if (c == '<')
		rc = import_wxr(db, path, o, rep, err, errsz);
	else
		rc = run_json(db, path, o, rep, err, errsz);
	json_decref(media_seen);
	media_seen = NULL;
	if (rc == 0)
		rc = search_rows(db, rep, err, errsz);
	free(rep->unindexed);
	rep->unindexed = NULL;
	rep->nunindexed = rep->unindexed_cap = 0;
	if (rc == 0)
		import_progress(o, rep, 1);
	if (rc != 0 || o->dry_run) {
		db_rollback(db);
		db_bulk(db, 0);
		return rc;
	}
	rc = db_commit(db);
	db_bulk(db, 0);
	if (rc != DB_OK) {
		snprintf(err, errsz, "commit: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}
