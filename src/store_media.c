/*
 * store_media.c — the media library: the newest images first, narrowed
 * by words of their alt text, caption, credit or file name, a page at a
 * time, and the change of what an image shows and who made it.
 *
 * Writes run inside the caller's write transaction (page_admin_media.c).
 */
#include <string.h>

#include "buf.h"
#include "db.h"
#include "store.h"

/*
 * $1 pattern (LIKE, lower case, '!' escapes; '' for every image), $2 how
 * many, $3 how many to skip.  The uploader is named when the account is
 * still there.
 */
static const char sql_media_list[] =
    "SELECT i.id, i.hash, i.mime, i.ext, i.width, i.height, i.bytes, i.alt,"
    " i.caption, i.credit, i.filename, i.widths, i.created_at,"
    " i.uploaded_by AS uploader_id, u.display_name AS uploaded_by_name"
    " FROM images i LEFT JOIN users u ON u.id = i.uploaded_by"
    " WHERE CAST($1 AS TEXT) = '' OR lower(i.alt) LIKE $1 ESCAPE '!'"
    "  OR lower(i.caption) LIKE $1 ESCAPE '!'"
    "  OR lower(i.credit) LIKE $1 ESCAPE '!'"
    "  OR lower(i.filename) LIKE $1 ESCAPE '!'"
    " ORDER BY i.id DESC LIMIT $2 OFFSET $3";

static const char sql_media_meta[] =
    "UPDATE images SET alt = $2, caption = $3, credit = $4 WHERE hash = $1";

void
store_like_pattern(struct buf *pat, const char *q)
{
	const char *p;

	if (q[0] == '\0')
		return;
	buf_putc(pat, '%');
	for (p = q; *p != '\0'; p++) {
		char c = *p;

		if (c == '%' || c == '_' || c == '!')
			buf_putc(pat, '!');
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf_putc(pat, c);
	}
	buf_putc(pat, '%');
}

int
store_media_list(struct db *db, const char *q, int64_t offset, int limit,
    json_t **out)
{
	struct buf pat = BUF_INIT;
	struct db_stmt *st;
	int rc;

	*out = NULL;
	store_like_pattern(&pat, q);
	if ((st = db_stmt(db, sql_media_list)) == NULL) {
		buf_free(&pat);
		return STORE_ERROR;
	}
	db_bind_str(st, 1, pat.p != NULL ? pat.p : "");
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, offset);
	rc = store_rows_json(st, out);
	buf_free(&pat);
	return rc;
}

int
store_media_meta(struct db *db, const char *hash, const char *alt,
    const char *caption, const char *credit)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_media_meta)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, hash);
	db_bind_str(st, 2, alt);
	db_bind_str(st, 3, caption);
	db_bind_str(st, 4, credit);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) == 0 ? STORE_NOTFOUND : STORE_OK;
}
