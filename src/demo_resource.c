/*
 * demo_resource.c — the demo's white papers: rows of demo/site.json's
 * "resources", each either a link to a sponsor's page or a small PDF
 * written here, stored where uploads go (media_store_pdf).
 *
 * The PDF is the least a reader accepts: one A4 page in Helvetica with a
 * title and a few lines of text, its cross-reference table counted from
 * the bytes actually written, so any viewer opens it without repair.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "demo.h"
#include "markdown.h"
#include "media.h"
#include "store.h"
#include "util.h"

static const char sql_resource[] =
    "INSERT INTO resources (slug, title, summary, body_md, body_html,"
    " sponsor_id, cover_id, file_hash, file_bytes, link_url, published_at,"
    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
    " $10, $11, $11, $11)";

/* Text for a PDF string: printable ASCII, with ( ) \ escaped. */
static void
pdf_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '(' || c == ')' || c == '\\')
			buf_putc(b, '\\');
		buf_putc(b, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
}

/* Appends one line of text at (x, y) in size pt to a content stream. */
static void
pdf_line(struct buf *b, int size, int x, int y, const char *s)
{
	buf_printf(b, "BT /F1 %d Tf %d %d Td (", size, x, y);
	pdf_text(b, s);
	BUF_LIT(b, ") Tj ET\n");
}

/*
 * Breaks text into lines of at most width characters at spaces and
 * draws them from y downwards; returns the y below the last line.
 */
static int
pdf_para(struct buf *b, const char *text, int y)
{
	char line[96];
	const char *p = text;

	while (*p != '\0' && y > 60) {
		size_t n = strlen(p), cut = n;

		if (n > 80) {
			cut = 80;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = 80;
		}
		memcpy(line, p, cut);
		line[cut] = '\0';
		pdf_line(b, 11, 72, y, line);
		y -= 15;
		p += cut;
		while (*p == ' ')
			p++;
	}
	return y - 10;
}

void
demo_pdf(struct buf *out, const char *title, const char *const *paras,
    size_t n)
{
	struct buf content = BUF_INIT;
	size_t off[6], i, xref;
	int y = 760;

	pdf_line(&content, 18, 72, y, title);
	y -= 40;
	for (i = 0; i < n; i++)
		y = pdf_para(&content, paras[i], y);
	BUF_LIT(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	off[1] = out->len;
	BUF_LIT(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = out->len;
	BUF_LIT(out, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
	    "endobj\n");
	off[3] = out->len;
	BUF_LIT(out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox "
	    "[0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
	    "/Contents 4 0 R >>\nendobj\n");
	off[4] = out->len;
	buf_printf(out, "4 0 obj\n<< /Length %zu >>\nstream\n", content.len);
	buf_append(out, content.p != NULL ? content.p : "", content.len);
	BUF_LIT(out, "endstream\nendobj\n");
	off[5] = out->len;
	BUF_LIT(out, "5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont "
	    "/Helvetica >>\nendobj\n");
	xref = out->len;
	/* Each entry is exactly 20 bytes, its end of line included. */
	BUF_LIT(out, "xref\n0 6\n0000000000 65535 f \n");
	for (i = 1; i <= 5; i++)
		buf_printf(out, "%010zu 00000 n \n", off[i]);
	buf_printf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n"
	    "%%%%EOF\n", xref);
	buf_free(&content);
}

/* An id from a slug -> id map, 0 for an empty name; -1 when unknown. */
static int64_t
id_in(const json_t *map, const char *name)
{
	json_t *v;

	if (name == NULL || name[0] == '\0')
		return 0;
	v = json_object_get(map, name);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

int
demo_resources(struct db *db, const char *media_dir, const json_t *list,
    const json_t *sponsors, const json_t *images, int64_t now, char *err,
    size_t errlen)
{
	const json_t *r;
	size_t i;

	json_array_foreach(list, i, r) {
		struct buf html = BUF_INIT, pdf = BUF_INIT;
		const char *paras[8], *body = str(r, "body");
		char hash[65] = "", msg[200];
		int64_t sponsor = id_in(sponsors, str(r, "sponsor")),
		    cover = id_in(images, str(r, "image")), at;
		json_t *ps = json_object_get(r, "pdf");
		struct db_stmt *st;
		size_t n = 0, k;
		int rc;

		if (sponsor < 0 || cover < 0 || demo_parse_time(str(r,
		    "published"), now, &at) != 0) {
			snprintf(err, errlen, "resource \"%s\": an unknown "
			    "sponsor or image, or a bad time", str(r, "slug"));
			return -1;
		}
		if (json_is_array(ps)) {
			for (k = 0; k < json_array_size(ps) && n < 8; k++)
				paras[n++] = json_string_value(
				    json_array_get(ps, k));
			demo_pdf(&pdf, str(r, "title"), paras, n);
			if (buf_err(&pdf) || media_store_pdf(media_dir, pdf.p,
			    pdf.len, 0, hash, msg, sizeof(msg)) != 0) {
				snprintf(err, errlen, "resource \"%s\": the PDF "
				    "cannot be stored", str(r, "slug"));
				buf_free(&pdf);
				return -1;
			}
		}
		if (markdown_render(MD_EDITOR, body, strlen(body), &html) != 0 ||
		    (st = db_stmt(db, sql_resource)) == NULL) {
			snprintf(err, errlen, "resource \"%s\": %s", str(r,
			    "slug"), db_errmsg(db));
			buf_free(&html);
			buf_free(&pdf);
			return -1;
		}
		db_bind_str(st, 1, str(r, "slug"));
		db_bind_str(st, 2, str(r, "title"));
		db_bind_str(st, 3, str(r, "summary"));
		db_bind_str(st, 4, body);
		db_bind_str(st, 5, html.p != NULL ? html.p : "");
		if (sponsor > 0)
			db_bind_int(st, 6, sponsor);
		else
			db_bind_null(st, 6);
		if (cover > 0)
			db_bind_int(st, 7, cover);
		else
			db_bind_null(st, 7);
		db_bind_str(st, 8, hash);
		db_bind_int(st, 9, (int64_t)pdf.len);
		db_bind_str(st, 10, str(r, "link_url"));
		db_bind_int(st, 11, at);
		rc = db_run(st);
		buf_free(&html);
		buf_free(&pdf);
		if (rc != DB_OK) {
			snprintf(err, errlen, "resource \"%s\": %s", str(r,
			    "slug"), db_errmsg(db));
			return -1;
		}
	}
	return 0;
}
