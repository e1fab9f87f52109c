/*
 * store_cols.c — the table of an article's fields (store_cols.h) and
 * the SQL made from it once, at the first use.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_cols.h"
#include "util.h"

/*
 * The newsroom's view of an article lists these in this order; the
 * editor (ed) and the revision diff in theirs.  The defaults repeat the
 * migrations' so that a story made here reads as one the schema made.
 */
const struct store_col store_cols[] = {
	{ "id", NULL, "id", SC_KEPT, NULL, NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, 0 },
	{ "slug", "slug", "slug", SC_SLUG, NULL, NULL, NULL, NULL,
	    SR_SLUG, 200, 2, "Slug", SC_RESTORE },
	{ "type", "type", "type", SC_TEXT, "news", NULL, NULL, NULL,
	    SR_SLUG, 40, 6, "Type", SC_RESTORE | SC_FORM },
	{ "status", "status", "status", SC_TEXT, "draft", NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, SC_CREATE },
	{ "title", "title", "title", SC_TEXT, "", NULL, NULL, NULL,
	    SR_TEXT, 300, 1, "Title", SC_RESTORE | SC_FORM },
	{ "dek", "dek", "dek", SC_TEXT, "", NULL, NULL, NULL,
	    SR_TEXT, 1000, 3, "Dek", SC_RESTORE | SC_FORM },
	{ "body_md", "body_md", "body_md", SC_TEXT, "", NULL, NULL, NULL,
	    SR_TEXT, 1000000, 4, NULL, SC_RESTORE },
	{ "body_html", NULL, NULL, SC_HTML, "", NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, 0 },
	{ "section_id", "section", "section_slug", SC_REF, NULL,
	    "sections", "slug", "s",
	    SR_SLUG, 200, 5, "Section", SC_RESTORE | SC_SHOW_ID | SC_FORM },
	/* The site it belongs to (docs/sites.md): its canonical home. */
	{ "site_id", "site", "site_slug", SC_REF, "1",
	    "sites", "slug", "st",
	    SR_SLUG, 200, 23, "Site", SC_RESTORE | SC_SHOW_ID | SC_FORM },
	{ "hero_caption", "hero_caption", "hero_caption", SC_TEXT, "", NULL,
	    NULL, NULL, SR_TEXT, 1000, 10, "Caption", SC_RESTORE | SC_FORM },
	{ "hero_credit", "hero_credit", "hero_credit", SC_TEXT, "", NULL,
	    NULL, NULL, SR_TEXT, 300, 11, "Credit", SC_RESTORE | SC_FORM },
	{ "hero_licence", "hero_licence", "hero_licence", SC_TEXT, "", NULL,
	    NULL, NULL, SR_TEXT, 100, 12, "Licence", SC_RESTORE | SC_FORM },
	{ "hero_licence_url", "hero_licence_url", "hero_licence_url", SC_TEXT,
	    "", NULL, NULL, NULL, SR_URL, 500, 13, "Licence URL",
	    SC_RESTORE | SC_FORM },
	{ "sponsor_id", "sponsor", "sponsor_slug", SC_REF, NULL,
	    "sponsors", "slug", "sp",
	    SR_TEXT, 200, 14, "Sponsor", SC_RESTORE | SC_CLEAR | SC_FORM },
	{ "signoff", "signoff", "signoff", SC_TEXT, "", NULL, NULL, NULL,
	    SR_TEXT, 300, 15, "Sign-off", SC_RESTORE | SC_FORM },
	{ "seo_title", "seo_title", "seo_title", SC_TEXT, "", NULL, NULL,
	    NULL, SR_TEXT, 200, 16, "SEO title", SC_RESTORE | SC_FORM },
	{ "seo_description", "seo_description", "seo_description", SC_TEXT,
	    "", NULL, NULL, NULL, SR_TEXT, 500, 17, "SEO description",
	    SC_RESTORE | SC_FORM },
	{ "seo_image_id", "seo_image", "seo_image", SC_REF, NULL,
	    "images", "hash", "si",
	    SR_HASH, 64, 18, "Social image", SC_RESTORE | SC_CLEAR | SC_FORM },
	{ "media_url", "media_url", "media_url", SC_TEXT, "", NULL, NULL, NULL,
	    SR_URL, 1000, 0, NULL, 0 },
	{ "media_type", "media_type", "media_type", SC_TEXT, "", NULL, NULL,
	    NULL, SR_MIME, 100, 0, NULL, 0 },
	{ "media_bytes", "media_bytes", "media_bytes", SC_INT, NULL, NULL,
	    NULL, NULL, SR_COUNT, 1099511627776, 0, NULL, 0 },	/* 1 TiB */
	{ "media_seconds", "media_seconds", "media_seconds", SC_INT, NULL,
	    NULL, NULL, NULL, SR_COUNT, 604800, 0, NULL, 0 },	/* a week */
	/* A podcast episode's or a video's own parts (docs/media.md). */
	{ "show_id", "show", "show_slug", SC_REF, NULL,
	    "shows", "slug", "sh",
	    SR_TEXT, 200, 19, "Show", SC_RESTORE | SC_CLEAR | SC_FORM },
	{ "embed_url", "embed_url", "embed_url", SC_TEXT, "", NULL, NULL,
	    NULL, SR_URL, 500, 20, "Video link", SC_RESTORE | SC_FORM },
	{ "chapters", "chapters", "chapters", SC_TEXT, "", NULL, NULL, NULL,
	    SR_TEXT, 20000, 21, "Chapters", SC_RESTORE | SC_FORM },
	{ "transcript", "transcript", "transcript", SC_TEXT, "", NULL, NULL,
	    NULL, SR_TEXT, 500000, 22, "Transcript", SC_RESTORE | SC_FORM },
	{ "raw_html", "raw_html", "raw_html", SC_BOOL, NULL, NULL, NULL, NULL,
	    SR_BOOL, 0, 0, NULL, 0 },
	{ "published_at", "published_at", "published_at", SC_TIME, NULL, NULL,
	    NULL, NULL, SR_NONE, 0, 0, NULL, SC_CREATE },
	{ "updated_at", "updated_at", "updated_at", SC_TIME, NULL, NULL, NULL,
	    NULL, SR_NONE, 0, 0, NULL, SC_CREATE | SC_NOW | SC_TOUCH },
	{ "created_at", "created_at", "created_at", SC_TIME, NULL, NULL, NULL,
	    NULL, SR_NONE, 0, 0, NULL, SC_CREATE | SC_NOW },
	{ "hero_image_id", "hero_image", "hero_image", SC_REF, NULL,
	    "images", "hash", "hi",
	    SR_HASH, 64, 9, "Hero image", SC_RESTORE | SC_CLEAR | SC_FORM },
	{ "comment_count", NULL, NULL, SC_KEPT, NULL, NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, 0 },
	{ "comments_mode", NULL, NULL, SC_KEPT, NULL, NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, 0 },
	{ "trashed_at", NULL, "trashed_at", SC_KEPT, NULL, NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, 0 },
	{ "review_state", NULL, "review_state", SC_KEPT, NULL, NULL, NULL,
	    NULL, SR_NONE, 0, 0, NULL, 0 },
	{ "review_note", NULL, "review_note", SC_KEPT, NULL, NULL, NULL,
	    NULL, SR_NONE, 0, 0, NULL, 0 },
	{ "review_at", NULL, "review_at", SC_KEPT, NULL, NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, 0 },
	{ "review_by", NULL, "review_by_id", SC_KEPT, NULL, NULL, NULL, NULL,
	    SR_NONE, 0, 0, NULL, 0 },
	{ NULL, "authors", "authors", SC_LIST, NULL, NULL, NULL, NULL,
	    SR_SLUGS, 200, 7, "Authors", SC_RESTORE },
	{ NULL, "tags", "tags", SC_LIST, NULL, NULL, NULL, NULL,
	    SR_NAMES, 100, 8, "Tags", SC_RESTORE },
};
const size_t store_ncols = ARRAY_SIZE(store_cols);
_Static_assert(ARRAY_SIZE(store_cols) <= STORE_COLS_MAX,
    "store_cols has more rows than STORE_COLS_MAX");

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char *sql[SCQ__MAX];
static char *ref_sql[ARRAY_SIZE(store_cols)];
static int ncolumns;

const struct store_col *
store_col_by_key(const char *key)
{
	size_t i;

	for (i = 0; i < store_ncols; i++)
		if (store_cols[i].key != NULL &&
		    strcmp(store_cols[i].key, key) == 0)
			return &store_cols[i];
	return NULL;
}

const struct store_col *
store_col_by_ed(int ed)
{
	size_t i;

	for (i = 0; ed > 0 && i < store_ncols; i++)
		if (store_cols[i].ed == ed)
			return &store_cols[i];
	return NULL;
}

int
store_col_in_create(const struct store_col *c)
{
	return c->col != NULL && c->kind != SC_KEPT && c->kind != SC_LIST;
}

int
store_col_in_update(const struct store_col *c)
{
	return store_col_in_create(c) &&
	    (!(c->flags & SC_CREATE) || (c->flags & SC_TOUCH));
}

/* Ends b as a string that lives as long as the process. */
static char *
keep(struct buf *b)
{
	buf_putc(b, '\0');
	if (buf_err(b))
		abort();
	return buf_detach(b, NULL);
}

static void
make_create(void)
{
	struct buf b = BUF_INIT, v = BUF_INIT;
	size_t i;
	int n = 0;

	BUF_LIT(&b, "INSERT INTO articles (");
	for (i = 0; i < store_ncols; i++) {
		if (!store_col_in_create(&store_cols[i]))
			continue;
		buf_printf(&b, "%s%s", n > 0 ? ", " : "", store_cols[i].col);
		buf_printf(&v, "%s$%d", n > 0 ? ", " : "", n + 1);
		n++;
	}
	BUF_LIT(&b, ") VALUES (");
	buf_append(&b, v.p, v.len);
	/* The time too: the new article's author and tag rows copy it. */
	BUF_LIT(&b, ") RETURNING id, COALESCE(published_at, 0)");
	buf_free(&v);
	sql[SCQ_CREATE] = keep(&b);
}

/*
 * NULL keeps a column as it is; an SC_CLEAR column has a second
 * parameter, 1 to take it off.
 */
static void
make_update(void)
{
	struct buf b = BUF_INIT;
	const struct store_col *c;
	size_t i;
	int n = 1;

	BUF_LIT(&b, "UPDATE articles SET ");
	for (i = 0; i < store_ncols; i++) {
		c = &store_cols[i];
		if (!store_col_in_update(c))
			continue;
		if (n > 1)
			BUF_LIT(&b, ", ");
		if (c->flags & SC_TOUCH)
			buf_printf(&b, "%s = $%d", c->col, ++n);
		else if (c->flags & SC_CLEAR) {
			buf_printf(&b, "%s = CASE WHEN $%d = 1 THEN NULL"
			    " ELSE COALESCE($%d, %s) END", c->col, n + 2, n + 1,
			    c->col);
			n += 2;
		} else
			buf_printf(&b, "%s = COALESCE($%d, %s)", c->col, ++n,
			    c->col);
	}
	BUF_LIT(&b, " WHERE id = $1");
	sql[SCQ_UPDATE] = keep(&b);
}

static void
make_view(void)
{
	struct buf b = BUF_INIT;
	const struct store_col *c;
	size_t i;
	int n = 0;

	BUF_LIT(&b, "SELECT ");
	for (i = 0; i < store_ncols; i++) {
		c = &store_cols[i];
		if (c->out == NULL || c->col == NULL)
			continue;
		if (n++ > 0)
			BUF_LIT(&b, ", ");
		if (c->kind == SC_REF) {
			if (c->flags & SC_SHOW_ID)
				buf_printf(&b, "a.%s, ", c->col);
			buf_printf(&b, "%s.%s AS %s", c->ref_alias, c->ref_key,
			    c->out);
		} else if (strcmp(c->col, c->out) == 0)
			buf_printf(&b, "a.%s", c->col);
		else
			buf_printf(&b, "a.%s AS %s", c->col, c->out);
	}
	BUF_LIT(&b, " FROM articles a");
	for (i = 0; i < store_ncols; i++) {
		c = &store_cols[i];
		if (c->kind != SC_REF)
			continue;
		buf_printf(&b, " %sJOIN %s %s ON %s.id = a.%s",
		    c->flags & SC_CLEAR ? "LEFT " : "", c->ref_table,
		    c->ref_alias, c->ref_alias, c->col);
	}
	BUF_LIT(&b, " WHERE a.id = $1");
	sql[SCQ_VIEW] = keep(&b);
}

static void
make_copy(void)
{
	struct buf cols = BUF_INIT, b = BUF_INIT;
	size_t i;
	int n = 0;

	for (i = 0; i < store_ncols; i++)
		if (store_cols[i].col != NULL)
			buf_printf(&cols, "%s%s", n++ > 0 ? ", " : "",
			    store_cols[i].col);
	ncolumns = n;
	buf_printf(&b, "SELECT %.*s FROM articles ORDER BY id", (int)cols.len,
	    cols.p);
	sql[SCQ_COPY_SELECT] = keep(&b);
	buf_printf(&b, "INSERT INTO articles (%.*s) VALUES (", (int)cols.len,
	    cols.p);
	for (i = 0; i < (size_t)n; i++)
		buf_printf(&b, "%s$%zu", i > 0 ? ", " : "", i + 1);
	BUF_LIT(&b, ")");
	sql[SCQ_COPY_INSERT] = keep(&b);
	buf_free(&cols);
}

static void
make_all(void)
{
	struct buf b = BUF_INIT;
	size_t i;

	make_create();
	make_update();
	make_view();
	make_copy();
	for (i = 0; i < store_ncols; i++) {
		if (store_cols[i].kind != SC_REF)
			continue;
		buf_printf(&b, "SELECT id FROM %s WHERE %s = $1",
		    store_cols[i].ref_table, store_cols[i].ref_key);
		ref_sql[i] = keep(&b);
	}
}

const char *
store_cols_sql(enum store_col_sql which)
{
	pthread_once(&once, make_all);
	return sql[which];
}

const char *
store_cols_ref_sql(const struct store_col *c)
{
	pthread_once(&once, make_all);
	return ref_sql[c - store_cols];
}

int
store_cols_ncolumns(void)
{
	pthread_once(&once, make_all);
	return ncolumns;
}
