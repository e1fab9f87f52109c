/*
 * markdown.c — Markdown to HTML and to plain text, on md4c's parser.
 *
 * md4c-html writes every link destination it is given, javascript: ones
 * included, and has no hook for a rel attribute, so this file renders from
 * md4c's parser callbacks itself.  Every profile shares the one code path;
 * what differs between them is a row of markdown_profs[].
 *
 * Text is escaped with esc_html.  URLs are rebuilt before they are written
 * (html_url(): entities decoded, the result cleaned the way a browser
 * cleans a URL, its scheme checked against an allowlist, bytes that do not
 * belong in a URL percent-encoded, the whole escaped for a double-quoted
 * attribute).  The editors' profiles then pass the whole rendering through
 * the allow-list of sanitize.c, raw HTML included.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <md4c.h>

#include "buf.h"
#include "escape.h"
#include "html.h"
#include "markdown.h"
#include "sanitize.h"
#include "util.h"

struct markdown_prof {
	unsigned	 flags;		/* md4c parser flags */
	int		 raw_html;	/* MD_TEXT_HTML is written as is */
	int		 relative;	/* relative URLs are allowed */
	int		 img_tags;	/* images are <img>, not links */
	int		 heading_ids;	/* headings get id="slug" */
	const char	*rel;		/* rel attribute of links, or NULL */
	int		 sanitize;	/* the output passes sanitize_html() */
};

static const struct markdown_prof markdown_profs[MD__MAX] = {
	/*
	 * Raw HTML in a story passes the allow-list like everything else in
	 * it, whoever wrote it; the Markdown's own output passes it too, so
	 * that a stored body is allow-listed as a whole.
	 */
	[MD_EDITOR] = {
		MD_DIALECT_GITHUB,
		1, 1, 1, 1, NULL, 1
	},
	[MD_EDITOR_TEXT] = {
		MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
		0, 1, 1, 1, NULL, 1
	},
	/*
	 * Task lists are left out for readers: a checkbox in a comment
	 * invites people to click on something that does nothing.
	 */
	[MD_READER] = {
		MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |
		    MD_FLAG_PERMISSIVEAUTOLINKS,
		0, 0, 0, 0, "nofollow ugc noopener", 0
	},
};

#define MARKDOWN_FFFD		"\xef\xbf\xbd"
#define MARKDOWN_ELLIPSIS	"\xe2\x80\xa6"
#define MARKDOWN_SLUG_MAX	64
/*
 * md4c 0.4.8, the version Debian 12 ships, reads past the end of its input
 * on some malformed documents: CH(off) at off == size after a link
 * destination ("\xA9##r[](r[]("), and up to eight bytes of "</script>"
 * when an HTML block ends near the end.  Upstream fixed these in 0.5.0.
 * Until then md4c is given a copy of the input followed by this many NUL
 * bytes, so such reads stay inside memory we own and see bytes that md4c
 * never takes for syntax, as if the document had ended.
 */
#define MARKDOWN_PAD		16
/*
 * Headings past this many get no id: duplicate ids are found by a linear
 * search, and no real article has this many headings.
 */
#define MARKDOWN_IDS_MAX	256

/* How the outermost open image is being written. */
enum markdown_img {
	MARKDOWN_IMG_TEXT,	/* only its description, as text */
	MARKDOWN_IMG_TAG,	/* <img src alt>: the description is an attribute */
	MARKDOWN_IMG_LINK,	/* <a href>description</a> */
	MARKDOWN_IMG__MAX
};

struct markdown_html {
	const struct markdown_prof *prof;
	struct buf	*out;		/* the caller's buffer */
	struct buf	*cur;		/* out, or head inside a heading */
	struct buf	 head;		/* a heading's HTML until its id is known */
	struct buf	 slug;		/* a heading's text, for its id */
	struct buf	 ids;		/* ids given so far, each NUL-terminated */
	struct buf	 url;		/* scratch: a decoded URL */
	struct buf	 clean;		/* scratch: the same URL, cleaned */
	struct buf	 imgurl;	/* the open link-image's URL, escaped */
	size_t		 nids;
	unsigned	 heading;	/* level of the open heading, or 0 */
	unsigned	 a_depth;	/* open MD_SPAN_A spans */
	unsigned	 a_open;	/* a_depth of the span written as <a>, or 0 */
	unsigned	 img_depth;	/* open MD_SPAN_IMG spans */
	enum markdown_img img;		/* how the outermost image is written */
	size_t		 img_mark;	/* cur->len after the image's opening tag */
};

struct markdown_plain {
	struct buf	*b;
	size_t		 max;		/* stop collecting past this many bytes */
	int		 space;		/* a space is due before the next text */
};

/* True if s[0..n) holds only what md4c lets into an entity. */
static int
markdown_entity_shaped(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '&' || c == '#' || c == ';'))
			return 0;
	}
	return 1;
}

/*
 * Appends an entity to HTML text or to an attribute value.  A known one is
 * decoded and escaped; an unknown one is passed on for the browser to
 * resolve, which is safe because its letters cannot form markup or end an
 * attribute (markdown_entity_shaped() makes sure of that).
 */
static void
markdown_entity_html(struct buf *b, const char *s, size_t n)
{
	struct buf tmp = BUF_INIT;
	uint32_t cp;

	if (html_entity(s, n, &cp) == 0) {
		html_utf8(&tmp, cp);
		esc_html(b, tmp.p, tmp.len);
		buf_free(&tmp);
	} else if (markdown_entity_shaped(s, n)) {
		buf_append(b, s, n);
	} else {
		esc_html(b, s, n);
	}
}

/* Appends an entity decoded to plain text; unknown ones stay literal. */
static void
markdown_entity_plain(struct buf *b, const char *s, size_t n)
{
	uint32_t cp;

	if (html_entity(s, n, &cp) == 0)
		html_utf8(b, cp);
	else
		buf_append(b, s, n);
}

/*
 * Walks the substrings of an md4c attribute.  With html set the value is
 * appended escaped for a double-quoted attribute, otherwise decoded and
 * unescaped (for URLs, which are checked and escaped afterwards).
 */
static void
markdown_attr(struct buf *b, const MD_ATTRIBUTE *a, int html)
{
	unsigned i;

	for (i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];

		switch (a->substr_types[i]) {
		case MD_TEXT_NULLCHAR:
			BUF_LIT(b, MARKDOWN_FFFD);
			break;
		case MD_TEXT_ENTITY:
			if (html)
				markdown_entity_html(b, s, n);
			else
				markdown_entity_plain(b, s, n);
			break;
		default:
			if (html)
				esc_html(b, s, n);
			else
				buf_append(b, s, n);
			break;
		}
	}
}

static int
markdown_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Appends the URL in a to dst, ready to stand between double quotes in an
 * attribute, if the profile allows it.  Returns 1 if appended, 0 if the
 * URL is not allowed, -1 on a buffer error.
 */
static int
markdown_url(struct markdown_html *r, const MD_ATTRIBUTE *a, struct buf *dst)
{
	buf_reset(&r->url);
	markdown_attr(&r->url, a, 0);
	if (buf_err(&r->url))
		return -1;
	return html_url(dst, r->url.p != NULL ? r->url.p : "", r->url.len,
	    HTML_URL_WEB | HTML_URL_MAILTO |
	    (r->prof->relative ? HTML_URL_RELATIVE : 0), &r->clean);
}

/* Writes " title=..." when the link or image has a title. */
static void
markdown_title(struct buf *b, const MD_ATTRIBUTE *title)
{
	if (title->size == 0)
		return;
	BUF_LIT(b, " title=\"");
	markdown_attr(b, title, 1);
	buf_putc(b, '"');
}

static void
markdown_rel(struct markdown_html *r, struct buf *b)
{
	if (r->prof->rel == NULL)
		return;
	BUF_LIT(b, " rel=\"");
	buf_puts(b, r->prof->rel);
	buf_putc(b, '"');
}

/* True if the id s (NUL-terminated) was already given in this rendering. */
static int
markdown_id_taken(const struct markdown_html *r, const char *s)
{
	size_t off = 0, n;

	while (off < r->ids.len) {
		n = strlen(r->ids.p + off);
		if (strcmp(r->ids.p + off, s) == 0)
			return 1;
		off += n + 1;
	}
	return 0;
}

/*
 * Turns the heading text in r->slug into an id: ASCII letters and digits
 * lowercased, runs of spaces, '-' and '_' one '-', everything else dropped;
 * "section" when nothing is left, and "-2", "-3"... for repeats.  Appends
 * it to b, escaped, and records it.
 */
static void
markdown_heading_id(struct markdown_html *r, struct buf *b)
{
	char id[MARKDOWN_SLUG_MAX + 16], d[12];
	size_t i, n = 0, m, base;
	int dash = 0;
	unsigned k, v;

	for (i = 0; i < r->slug.len; i++) {
		unsigned char c = (unsigned char)r->slug.p[i];
		if (markdown_is_alnum(c)) {
			if (n + (dash && n > 0) + 1 > MARKDOWN_SLUG_MAX)
				break;
			if (dash && n > 0)
				id[n++] = '-';
			dash = 0;
			id[n++] = (char)(c >= 'A' && c <= 'Z' ?
			    c + ('a' - 'A') : c);
		} else if (c == ' ' || c == '-' || c == '_' || c == '\t') {
			dash = 1;
		}
	}
	if (n == 0) {
		memcpy(id, "section", 7);
		n = 7;
	}
	id[n] = '\0';
	base = n;
	/* k stays below MARKDOWN_IDS_MAX + 2, so id has room for it. */
	for (k = 2; markdown_id_taken(r, id); k++) {
		n = base;
		id[n++] = '-';
		m = 0;
		v = k;
		do {
			d[m++] = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
		while (m > 0)
			id[n++] = d[--m];
		id[n] = '\0';
	}
	buf_append(&r->ids, id, n + 1);
	r->nids++;
	esc_html(b, id, n);
}

/* Takes back what was appended to b since it was len bytes long. */
static void
markdown_truncate(struct buf *b, size_t len)
{
	if (b->p != NULL && len <= b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

static int
markdown_enter_block(MD_BLOCKTYPE type, void *detail, void *u)
{
	struct markdown_html *r = u;
	struct buf *b = r->cur;

	switch (type) {
	case MD_BLOCK_QUOTE:
		BUF_LIT(b, "<blockquote>\n");
		break;
	case MD_BLOCK_UL:
		BUF_LIT(b, "<ul>\n");
		break;
	case MD_BLOCK_OL: {
		const MD_BLOCK_OL_DETAIL *d = detail;
		if (d->start == 1) {
			BUF_LIT(b, "<ol>\n");
		} else {
			BUF_LIT(b, "<ol start=\"");
			buf_put_int(b, d->start);
			BUF_LIT(b, "\">\n");
		}
		break;
	}
	case MD_BLOCK_LI: {
		const MD_BLOCK_LI_DETAIL *d = detail;
		if (d->is_task) {
			BUF_LIT(b, "<li class=\"task-list-item\">"
			    "<input type=\"checkbox\" disabled");
			if (d->task_mark != ' ')
				BUF_LIT(b, " checked");
			BUF_LIT(b, "> ");
		} else {
			BUF_LIT(b, "<li>");
		}
		break;
	}
	case MD_BLOCK_HR:
		BUF_LIT(b, "<hr>\n");
		break;
	case MD_BLOCK_H: {
		const MD_BLOCK_H_DETAIL *d = detail;
		r->heading = d->level;
		if (r->prof->heading_ids && r->nids < MARKDOWN_IDS_MAX) {
			/* The tag is written on leaving, once the text is known. */
			buf_reset(&r->head);
			buf_reset(&r->slug);
			r->cur = &r->head;
		} else {
			buf_printf(b, "<h%u>", d->level);
		}
		break;
	}
	case MD_BLOCK_CODE: {
		const MD_BLOCK_CODE_DETAIL *d = detail;
		BUF_LIT(b, "<pre><code");
		if (d->lang.size > 0) {
			BUF_LIT(b, " class=\"language-");
			markdown_attr(b, &d->lang, 1);
			buf_putc(b, '"');
		}
		buf_putc(b, '>');
		break;
	}
	case MD_BLOCK_P:
		BUF_LIT(b, "<p>");
		break;
	case MD_BLOCK_TABLE:
		BUF_LIT(b, "<table>\n");
		break;
	case MD_BLOCK_THEAD:
		BUF_LIT(b, "<thead>\n");
		break;
	case MD_BLOCK_TBODY:
		BUF_LIT(b, "<tbody>\n");
		break;
	case MD_BLOCK_TR:
		BUF_LIT(b, "<tr>\n");
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD: {
		const MD_BLOCK_TD_DETAIL *d = detail;
		buf_puts(b, type == MD_BLOCK_TH ? "<th" : "<td");
		if (d->align == MD_ALIGN_LEFT)
			BUF_LIT(b, " align=\"left\"");
		else if (d->align == MD_ALIGN_CENTER)
			BUF_LIT(b, " align=\"center\"");
		else if (d->align == MD_ALIGN_RIGHT)
			BUF_LIT(b, " align=\"right\"");
		buf_putc(b, '>');
		break;
	}
	default:
		/* MD_BLOCK_DOC and MD_BLOCK_HTML have no tags of their own. */
		break;
	}
	return buf_err(r->cur) ? -1 : 0;
}

static int
markdown_leave_block(MD_BLOCKTYPE type, void *detail, void *u)
{
	struct markdown_html *r = u;
	struct buf *b = r->cur;

	switch (type) {
	case MD_BLOCK_QUOTE:
		BUF_LIT(b, "</blockquote>\n");
		break;
	case MD_BLOCK_UL:
		BUF_LIT(b, "</ul>\n");
		break;
	case MD_BLOCK_OL:
		BUF_LIT(b, "</ol>\n");
		break;
	case MD_BLOCK_LI:
		BUF_LIT(b, "</li>\n");
		break;
	case MD_BLOCK_H:
		if (r->cur == &r->head) {
			if (buf_err(&r->head))
				return -1;
			b = r->cur = r->out;
			buf_printf(b, "<h%u id=\"", r->heading);
			markdown_heading_id(r, b);
			BUF_LIT(b, "\">");
			buf_append(b, r->head.p, r->head.len);
			if (buf_err(&r->ids))
				return -1;
		}
		buf_printf(b, "</h%u>\n", r->heading);
		r->heading = 0;
		break;
	case MD_BLOCK_CODE:
		BUF_LIT(b, "</code></pre>\n");
		break;
	case MD_BLOCK_P:
		BUF_LIT(b, "</p>\n");
		break;
	case MD_BLOCK_TABLE:
		BUF_LIT(b, "</table>\n");
		break;
	case MD_BLOCK_THEAD:
		BUF_LIT(b, "</thead>\n");
		break;
	case MD_BLOCK_TBODY:
		BUF_LIT(b, "</tbody>\n");
		break;
	case MD_BLOCK_TR:
		BUF_LIT(b, "</tr>\n");
		break;
	case MD_BLOCK_TH:
		BUF_LIT(b, "</th>\n");
		break;
	case MD_BLOCK_TD:
		BUF_LIT(b, "</td>\n");
		break;
	default:
		break;
	}
	return buf_err(r->cur) ? -1 : 0;
}

/* Opens an image span when it is the outermost one. */
static int
markdown_enter_img(struct markdown_html *r, const MD_SPAN_IMG_DETAIL *d)
{
	struct buf *b = r->cur;
	size_t mark = b->len;
	int rc;

	r->img = MARKDOWN_IMG_TEXT;
	if (r->prof->img_tags) {
		BUF_LIT(b, "<img src=\"");
		rc = markdown_url(r, &d->src, b);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			/* Not allowed: the description is written as text. */
			markdown_truncate(b, mark);
		} else {
			BUF_LIT(b, "\" alt=\"");
			r->img = MARKDOWN_IMG_TAG;
		}
	} else if (r->a_open == 0) {
		/* A link inside a link is not valid HTML: such images stay text. */
		buf_reset(&r->imgurl);
		rc = markdown_url(r, &d->src, &r->imgurl);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			BUF_LIT(b, "<a href=\"");
			buf_append(b, r->imgurl.p, r->imgurl.len);
			buf_putc(b, '"');
			markdown_title(b, &d->title);
			markdown_rel(r, b);
			buf_putc(b, '>');
			r->img = MARKDOWN_IMG_LINK;
		}
	}
	r->img_mark = b->len;
	return 0;
}

/* Closes the outermost image span. */
static void
markdown_leave_img(struct markdown_html *r, const MD_SPAN_IMG_DETAIL *d)
{
	struct buf *b = r->cur;

	switch (r->img) {
	case MARKDOWN_IMG_TAG:
		buf_putc(b, '"');
		markdown_title(b, &d->title);
		buf_putc(b, '>');
		break;
	case MARKDOWN_IMG_LINK:
		/* An image without a description would be an empty link. */
		if (b->len == r->img_mark)
			buf_append(b, r->imgurl.p, r->imgurl.len);
		BUF_LIT(b, "</a>");
		break;
	default:
		break;
	}
}

static int
markdown_enter_span(MD_SPANTYPE type, void *detail, void *u)
{
	struct markdown_html *r = u;
	struct buf *b = r->cur;
	int rc;

	if (type == MD_SPAN_A)
		r->a_depth++;
	/* Inside an image only the description's text is written. */
	if (r->img_depth > 0) {
		if (type == MD_SPAN_IMG)
			r->img_depth++;
		return 0;
	}
	switch (type) {
	case MD_SPAN_EM:
		BUF_LIT(b, "<em>");
		break;
	case MD_SPAN_STRONG:
		BUF_LIT(b, "<strong>");
		break;
	case MD_SPAN_CODE:
		BUF_LIT(b, "<code>");
		break;
	case MD_SPAN_DEL:
		BUF_LIT(b, "<del>");
		break;
	case MD_SPAN_U:
		BUF_LIT(b, "<u>");
		break;
	case MD_SPAN_A: {
		const MD_SPAN_A_DETAIL *d = detail;
		size_t mark = b->len;

		/*
		 * md4c nests an autolink inside a link's text; HTML does not
		 * allow that, so only the outer one becomes <a>.
		 */
		if (r->a_open != 0)
			break;
		BUF_LIT(b, "<a href=\"");
		rc = markdown_url(r, &d->href, b);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			/* Not allowed: only the link's text is written. */
			markdown_truncate(b, mark);
			break;
		}
		buf_putc(b, '"');
		markdown_title(b, &d->title);
		markdown_rel(r, b);
		buf_putc(b, '>');
		r->a_open = r->a_depth;
		break;
	}
	case MD_SPAN_IMG:
		r->img_depth = 1;
		if (markdown_enter_img(r, detail) != 0)
			return -1;
		break;
	default:
		/* LaTeX and wiki links are not enabled in any profile. */
		break;
	}
	return buf_err(b) ? -1 : 0;
}

static int
markdown_leave_span(MD_SPANTYPE type, void *detail, void *u)
{
	struct markdown_html *r = u;
	struct buf *b = r->cur;
	unsigned depth = r->a_depth;

	if (type == MD_SPAN_A)
		r->a_depth--;
	if (r->img_depth > 0) {
		if (type == MD_SPAN_IMG && --r->img_depth == 0)
			markdown_leave_img(r, detail);
		return buf_err(b) ? -1 : 0;
	}
	switch (type) {
	case MD_SPAN_EM:
		BUF_LIT(b, "</em>");
		break;
	case MD_SPAN_STRONG:
		BUF_LIT(b, "</strong>");
		break;
	case MD_SPAN_CODE:
		BUF_LIT(b, "</code>");
		break;
	case MD_SPAN_DEL:
		BUF_LIT(b, "</del>");
		break;
	case MD_SPAN_U:
		BUF_LIT(b, "</u>");
		break;
	case MD_SPAN_A:
		if (r->a_open == depth) {
			BUF_LIT(b, "</a>");
			r->a_open = 0;
		}
		break;
	default:
		break;
	}
	return buf_err(b) ? -1 : 0;
}

static int
markdown_text_html(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *u)
{
	struct markdown_html *r = u;
	struct buf *b = r->cur;

	switch (type) {
	case MD_TEXT_NULLCHAR:
		BUF_LIT(b, MARKDOWN_FFFD);
		break;
	case MD_TEXT_BR:
		if (r->img_depth > 0)
			buf_putc(b, ' ');
		else
			BUF_LIT(b, "<br>\n");
		break;
	case MD_TEXT_SOFTBR:
		buf_putc(b, r->img_depth > 0 ? ' ' : '\n');
		break;
	case MD_TEXT_ENTITY:
		markdown_entity_html(b, s, n);
		break;
	case MD_TEXT_HTML:
		/* Raw HTML inside an image description would land in alt="". */
		if (r->prof->raw_html && r->img_depth == 0)
			buf_append(b, s, n);
		else
			esc_html(b, s, n);
		break;
	default:
		esc_html(b, s, n);
		break;
	}
	if (r->heading != 0 && r->cur == &r->head) {
		switch (type) {
		case MD_TEXT_NORMAL:
		case MD_TEXT_CODE:
			buf_append(&r->slug, s, n);
			break;
		case MD_TEXT_ENTITY:
			markdown_entity_plain(&r->slug, s, n);
			break;
		case MD_TEXT_BR:
		case MD_TEXT_SOFTBR:
			buf_putc(&r->slug, ' ');
			break;
		default:
			break;
		}
		if (buf_err(&r->slug))
			return -1;
	}
	return buf_err(b) ? -1 : 0;
}

/* Returns a padded copy of src[0..len) (see MARKDOWN_PAD); free() it. */
static char *
markdown_pad(const char *src, size_t len)
{
	char *p = xmalloc(len + MARKDOWN_PAD);

	if (len > 0)
		memcpy(p, src, len);
	memset(p + len, '\0', MARKDOWN_PAD);
	return p;
}

int
markdown_render(enum md_profile profile, const char *src, size_t len,
    struct buf *out)
{
	struct markdown_html r;
	struct buf raw;
	MD_PARSER p;
	size_t max;
	char *copy;
	int rc;

	if ((unsigned)profile >= MD__MAX || len > UINT_MAX || buf_err(out))
		return -1;
	memset(&r, 0, sizeof(r));
	r.prof = &markdown_profs[profile];
	/* Scratch buffers hold parts of the output or of the input. */
	max = out->max ? out->max : BUF_DEFAULT_MAX;
	buf_init(&raw, max);
	r.out = r.cur = r.prof->sanitize ? &raw : out;
	buf_init(&r.head, max);
	buf_init(&r.slug, max);
	buf_init(&r.ids, max);
	buf_init(&r.url, max);
	buf_init(&r.clean, max);
	buf_init(&r.imgurl, max);

	memset(&p, 0, sizeof(p));
	p.flags = r.prof->flags;
	p.enter_block = markdown_enter_block;
	p.leave_block = markdown_leave_block;
	p.enter_span = markdown_enter_span;
	p.leave_span = markdown_leave_span;
	p.text = markdown_text_html;
	copy = markdown_pad(src, len);
	rc = md_parse(copy, (MD_SIZE)len, &p, &r);
	free(copy);

	/*
	 * The rendering before the allow-list, and a heading or URL kept
	 * aside on its way to out, count against out's cap too.
	 */
	if (buf_err(&raw) || buf_err(&r.head) || buf_err(&r.slug) ||
	    buf_err(&r.ids) || buf_err(&r.url) || buf_err(&r.clean) ||
	    buf_err(&r.imgurl))
		out->err = BUF_TOO_LARGE;
	buf_free(&r.head);
	buf_free(&r.slug);
	buf_free(&r.ids);
	buf_free(&r.url);
	buf_free(&r.clean);
	buf_free(&r.imgurl);
	if (rc == 0 && r.prof->sanitize && sanitize_html(raw.p != NULL ?
	    raw.p : "", raw.len, out) != 0)
		rc = -1;
	buf_free(&raw);
	return rc != 0 || buf_err(out) ? -1 : 0;
}

/*
 * Appends text to the plain rendering, folding white space and control
 * characters into single spaces.  Returns 1 to stop md4c once enough text
 * is collected to know it will be cut.
 */
static int
markdown_plain_put(struct markdown_plain *pl, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f) {
			pl->space = 1;
			continue;
		}
		if (pl->space && pl->b->len > 0)
			buf_putc(pl->b, ' ');
		pl->space = 0;
		buf_putc(pl->b, (char)c);
		if (pl->b->len > pl->max)
			return 1;
	}
	return buf_err(pl->b) ? -1 : 0;
}

static int
markdown_plain_block(MD_BLOCKTYPE type, void *detail, void *u)
{
	struct markdown_plain *pl = u;

	pl->space = 1;
	return 0;
}

static int
markdown_plain_span(MD_SPANTYPE type, void *detail, void *u)
{
	return 0;
}

static int
markdown_plain_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *u)
{
	struct markdown_plain *pl = u;
	struct buf tmp = BUF_INIT;
	int rc;

	switch (type) {
	case MD_TEXT_HTML:
		return 0;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		pl->space = 1;
		return 0;
	case MD_TEXT_NULLCHAR:
		return markdown_plain_put(pl, MARKDOWN_FFFD, 3);
	case MD_TEXT_ENTITY:
		markdown_entity_plain(&tmp, s, n);
		rc = buf_err(&tmp) ? -1 :
		    markdown_plain_put(pl, tmp.p ? tmp.p : "", tmp.len);
		buf_free(&tmp);
		return rc;
	default:
		return markdown_plain_put(pl, s, n);
	}
}

int
markdown_text(const char *src, size_t len, size_t max, struct buf *out)
{
	struct markdown_plain pl;
	struct buf t;
	MD_PARSER p;
	size_t cut, i, ell = sizeof(MARKDOWN_ELLIPSIS) - 1;
	char *copy;
	int rc;

	if (len > UINT_MAX || buf_err(out))
		return -1;
	buf_init(&t, out->max);
	memset(&pl, 0, sizeof(pl));
	pl.b = &t;
	pl.max = max;
	memset(&p, 0, sizeof(p));
	/* Editor flags, so that raw HTML is recognised and left out. */
	p.flags = markdown_profs[MD_EDITOR].flags;
	p.enter_block = markdown_plain_block;
	p.leave_block = markdown_plain_block;
	p.enter_span = markdown_plain_span;
	p.leave_span = markdown_plain_span;
	p.text = markdown_plain_text;
	copy = markdown_pad(src, len);
	rc = md_parse(copy, (MD_SIZE)len, &p, &pl);
	free(copy);
	if (rc < 0 || buf_err(&t)) {
		buf_free(&t);
		return -1;
	}
	if (t.len <= max) {
		buf_append(out, t.p, t.len);
		buf_free(&t);
		return buf_err(out) ? -1 : 0;
	}

	/* Too long: cut on a character boundary, leaving room for "…". */
	if (max < ell)
		ell = 0;
	cut = max - ell;
	while (cut > 0 && ((unsigned char)t.p[cut] & 0xc0) == 0x80)
		cut--;
	for (i = cut; i > cut / 2; i--)
		if (t.p[i] == ' ') {
			cut = i;
			break;
		}
	while (cut > 0 && t.p[cut - 1] == ' ')
		cut--;
	buf_append(out, t.p, cut);
	if (ell > 0)
		BUF_LIT(out, MARKDOWN_ELLIPSIS);
	buf_free(&t);
	return buf_err(out) ? -1 : 0;
}
