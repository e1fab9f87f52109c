/*
 * export.c — "masthead export": the publication as masthead's JSON
 * document (every table copy.c knows, row by row, so that "import" can
 * rebuild the site byte for byte) or as WordPress's WXR 1.2 (what
 * WordPress's own importer reads: authors, categories, tags, posts,
 * pages, attachments and comments).
 *
 * Both are written in one read transaction and streamed: a row is
 * turned into text and written before the next is read.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "copy.h"
#include "db.h"
#include "escape.h"
#include "export.h"
#include "store.h"
#include "util.h"

/*
 * Tables a document leaves out, and why (docs/export.md says the same
 * to publishers).  Everything else copy.c copies is exported.
 */
static const struct {
	const char	*table;
	int		 secret;	/* exported with --with-secrets */
	const char	*why;
} skip[] = {
	{ "sessions", 0, "signed-in browsers belong to the old server" },
	{ "api_tokens", 0, "bearer credentials: issue new tokens after the move" },
	{ "account_tokens", 0, "short-lived sign-up and password links" },
	{ "subscriber_tokens", 0, "short-lived newsletter confirmation links" },
	{ "staff_tokens", 0, "invitation and setup links: invite again after the move" },
	{ "rate_limits", 0, "counters of the last minutes" },
	{ "jobs", 0, "queued work would run a second time" },
	{ "imports", 0, "the newsroom's import runs name files of the old server" },
	{ "site_keys", 1, "the keys that sign readers' links are secret" },
	{ "analytics_salts", 0, "the day's salt of the visitor hash: the new "
	  "server makes its own" },
	{ "webhooks", 1, "each webhook's signing secret is secret" },
	{ "ap_keys", 1, "the fediverse actors' private keys are secret" },
	{ "deliveries", 0, "the log of what the old server sent to webhooks "
	  "and the fediverse" },
};

const char *
export_skipped(const char *table, int secrets)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(skip); i++)
		if (strcmp(skip[i].table, table) == 0)
			return skip[i].secret && secrets ? NULL : skip[i].why;
	return NULL;
}

static const char sql_schema[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

int64_t
export_schema(struct db *db)
{
	struct db_stmt *st;
	int64_t v = -1;

	if ((st = db_stmt(db, sql_schema)) == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

int
export_format_parse(const char *name)
{
	if (strcmp(name, "json") == 0)
		return EXPORT_JSON;
	if (strcmp(name, "wxr") == 0)
		return EXPORT_WXR;
	return -1;
}

/*
 * Which columns hold integers, by the schema's declared types, so the
 * document carries 42 rather than "42".  Values travel as text either
 * way (as in copy.c), so this only shapes the document.
 */
static const char *const sql_coltypes[DB__MAX] = {
	[DB_SQLITE] = "SELECT name, type FROM pragma_table_info($1)",
	[DB_POSTGRES] = "SELECT column_name, data_type"
	    " FROM information_schema.columns"
	    " WHERE table_schema = current_schema() AND table_name = $1",
};

#define EXPORT_MAXCOLS	64

static int
int_columns(struct db *db, const struct copy_table *t,
    char names[][64], int isint[])
{
	struct db_stmt *st;
	const char *name, *type;
	int i, rc;

	for (i = 0; i < t->ncols; i++) {
		isint[i] = 0;
		if (copy_column(t, i, names[i], 64) < 0)
			return -1;
	}
	if ((st = db_stmt(db, sql_coltypes[db_kind(db)])) == NULL)
		return -1;
	db_bind_str(st, 1, t->name);
	while ((rc = db_step(st)) == DB_ROW) {
		name = db_col_text(st, 0, NULL);
		type = db_col_text(st, 1, NULL);
		for (i = 0; i < t->ncols; i++)
			if (strcmp(names[i], name) == 0)
				isint[i] = strcasestr(type, "int") != NULL;
	}
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

/* A JSON string of db text; text that is not UTF-8 is repaired. */
static json_t *
json_text(const char *s, size_t n, int64_t *repaired)
{
	struct buf b = BUF_INIT;
	json_t *j;

	if ((j = json_stringn(s, n)) != NULL)
		return j;
	(*repaired)++;
	esc_utf8(&b, s, n);
	j = json_stringn(b.p != NULL ? b.p : "", b.len);
	buf_free(&b);
	return j;
}

/*
 * PostgreSQL's driver holds a statement's whole result, so there a table
 * is read a page of rows at a time, by its SELECT with " LIMIT n OFFSET
 * $1" (in the transaction's one snapshot).  Statements are cached by the
 * address of their text: these are made once, for every thread.
 */
#define EXPORT_PAGE	1000

static char		*paged_sql[128];
static pthread_once_t	 paged_once = PTHREAD_ONCE_INIT;

static void
make_paged(void)
{
	struct buf b = BUF_INIT;
	size_t i;

	copy_init();
	for (i = 0; i < copy_ntables && i < ARRAY_SIZE(paged_sql); i++) {
		buf_printf(&b, "%s LIMIT %d OFFSET $1",
		    copy_tables[i].select_sql, EXPORT_PAGE);
		paged_sql[i] = buf_detach(&b, NULL);
	}
}

/* One row as a JSON object, written on a line of its own. */
static int
json_row(struct db_stmt *st, const struct copy_table *t,
    char names[][64], const int isint[], int secrets, int64_t *repaired,
    int first, FILE *f)
{
	json_t *row = json_object(), *j;
	const char *s;
	int64_t v;
	size_t len;
	int i, rc;

	for (i = 0; i < t->ncols; i++) {
		s = db_col_text(st, i, &len);
		if (db_col_isnull(st, i))
			j = json_null();
		else if (!secrets && strcmp(t->name, "users") == 0 &&
		    strcmp(names[i], "password_hash") == 0)
			j = json_string("");
		else if (isint[i] && parse_int(s, len, INT64_MIN, INT64_MAX,
		    &v) == 0 && len == strlen(s) &&
		    (len == 1 || (s[0] != '0' && strncmp(s, "-0", 2) != 0)))
			j = json_integer(v);
		else
			j = json_text(s, len, repaired);
		if (j == NULL)
			abort();	/* out of memory */
		json_object_set_new(row, names[i], j);
	}
	fputs(first ? "\n" : ",\n", f);
	rc = json_dumpf(row, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(row);
	return rc;
}

static int
json_table(struct db *db, size_t ti, int secrets, FILE *f,
    int64_t *repaired, char *err, size_t errsz)
{
	const struct copy_table *t = &copy_tables[ti];
	int paged = db_kind(db) == DB_POSTGRES;
	char names[EXPORT_MAXCOLS][64];
	int isint[EXPORT_MAXCOLS], rc;
	int64_t n = 0, page;
	struct db_stmt *st;

	if (t->ncols > EXPORT_MAXCOLS || int_columns(db, t, names, isint) != 0) {
		snprintf(err, errsz, "%s: cannot read its columns: %s",
		    t->name, db_errmsg(db));
		return -1;
	}
	if (paged && (ti >= ARRAY_SIZE(paged_sql) || paged_sql[ti] == NULL)) {
		snprintf(err, errsz, "%s: no paged statement", t->name);
		return -1;
	}
	fprintf(f, "\"%s\": [", t->name);
	do {
		if ((st = db_stmt(db, paged ? paged_sql[ti] :
		    t->select_sql)) == NULL) {
			snprintf(err, errsz, "%s: %s", t->name, db_errmsg(db));
			return -1;
		}
		if (paged)
			db_bind_int(st, 1, n);
		page = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			if (json_row(st, t, names, isint, secrets, repaired,
			    n == 0, f) != 0) {
				db_reset(st);
				snprintf(err, errsz, "writing: %s",
				    strerror(errno));
				return -1;
			}
			n++;
			page++;
		}
		db_reset(st);
		if (rc != DB_DONE) {
			snprintf(err, errsz, "%s: %s", t->name, db_errmsg(db));
			return -1;
		}
	} while (paged && page == EXPORT_PAGE);
	fputs(n == 0 ? "]" : "\n]", f);
	return 0;
}

static int
export_json(struct db *db, const struct export_opts *o, FILE *f, char *err,
    size_t errsz)
{
	int64_t repaired = 0, schema;
	size_t i;
	int first = 1;

	if ((schema = export_schema(db)) < 0) {
		snprintf(err, errsz, "schema version: %s", db_errmsg(db));
		return -1;
	}
	fprintf(f, "{\"masthead_export\": %d, \"schema\": %lld, "
	    "\"secrets\": %s,\n\"tables\": {", EXPORT_VERSION,
	    (long long)schema, o->secrets ? "true" : "false");
	for (i = 0; i < copy_ntables; i++) {
		if (export_skipped(copy_tables[i].name, o->secrets) != NULL)
			continue;
		fputs(first ? "\n" : ",\n", f);
		first = 0;
		if (json_table(db, i, o->secrets, f, &repaired, err,
		    errsz) != 0)
			return -1;
	}
	fputs("\n}}\n", f);
	if (repaired > 0)
		fprintf(stderr, "masthead: export: %lld values were not UTF-8 "
		    "and were repaired (U+FFFD)\n", (long long)repaired);
	return 0;
}

/* ---- WXR 1.2 ---- */

static const char sql_wxr_authors[] =
    "SELECT a.id, a.slug, a.name,"
    " COALESCE((SELECT u.email FROM users u WHERE u.author_id = a.id"
    " ORDER BY u.id LIMIT 1), '')"
    " FROM authors a ORDER BY a.id";
static const char sql_wxr_sections[] =
    "SELECT s.id, s.slug, s.name, s.description, COALESCE(p.slug, '')"
    " FROM sections s LEFT JOIN sections p ON p.id = s.parent_id"
    " ORDER BY s.id";
static const char sql_wxr_tags[] =
    "SELECT id, slug, name FROM tags ORDER BY id";
static const char sql_wxr_maxids[] =
    "SELECT (SELECT COALESCE(MAX(id), 0) FROM articles),"
    " (SELECT COALESCE(MAX(id), 0) FROM pages)";
static const char sql_wxr_images[] =
    "SELECT id, hash, ext, alt, created_at FROM images ORDER BY id";
static const char sql_wxr_articles[] =
    "SELECT a.id, a.slug, a.status, a.title, a.dek, a.body_html,"
    " COALESCE(a.published_at, a.created_at), a.updated_at,"
    " COALESCE(a.hero_image_id, 0), a.comments_mode, a.type,"
    " s.slug, s.name,"
    " COALESCE((SELECT au.slug FROM article_authors aa"
    " JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id"
    " ORDER BY aa.position, aa.author_id LIMIT 1), '')"
    " FROM articles a JOIN sections s ON s.id = a.section_id"
    " ORDER BY a.id";
static const char sql_wxr_article_tags[] =
    "SELECT t.slug, t.name FROM article_tags at"
    " JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1"
    " ORDER BY t.slug";
static const char sql_wxr_comments[] =
    "SELECT c.id, COALESCE(c.parent_id, 0), c.status, c.body_html,"
    " c.created_at, COALESCE(c.ip, ''), u.display_name, u.email"
    " FROM comments c JOIN users u ON u.id = c.user_id"
    " WHERE c.article_id = $1 ORDER BY c.id";
static const char sql_wxr_pages[] =
    "SELECT id, slug, title, body_html, updated_at FROM pages ORDER BY id";

enum { WXR_POST, WXR_PAGE, WXR_ATTACHMENT };

/* "2026-12-06 19:00:55", the form of WordPress's post dates (UTC here). */
static void
wp_date(struct buf *b, int64_t t)
{
	char s[32];
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm);
	buf_puts(b, s);
}

static void
rfc822(struct buf *b, int64_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* <name>escaped text</name> */
static void
el(struct buf *b, const char *name, const char *s)
{
	buf_printf(b, "<%s>", name);
	esc_xml(b, s, strlen(s));
	buf_printf(b, "</%s>", name);
}

/* <name><![CDATA[text]]></name> */
static void
el_cdata(struct buf *b, const char *name, const char *s)
{
	buf_printf(b, "<%s>", name);
	esc_xml_cdata(b, s, strlen(s));
	buf_printf(b, "</%s>", name);
}

static void
el_int(struct buf *b, const char *name, int64_t v)
{
	buf_printf(b, "<%s>%lld</%s>", name, (long long)v, name);
}

/* What every item of a post, page or attachment starts with. */
struct wxr_item {
	int		 type;
	int64_t		 post_id;
	const char	*title, *link, *creator, *slug, *status;
	int64_t		 date, modified;
	const char	*content, *excerpt;
	int		 comments_open;
};

static const char *const wxr_types[] = {
	[WXR_POST] = "post", [WXR_PAGE] = "page",
	[WXR_ATTACHMENT] = "attachment",
};

static void
item_head(struct buf *b, const char *site, const struct wxr_item *it)
{
	BUF_LIT(b, "\t<item>\n\t\t");
	el(b, "title", it->title);
	BUF_LIT(b, "\n\t\t");
	el(b, "link", it->link);
	BUF_LIT(b, "\n\t\t<pubDate>");
	rfc822(b, it->date);
	BUF_LIT(b, "</pubDate>\n\t\t");
	el_cdata(b, "dc:creator", it->creator);
	BUF_LIT(b, "\n\t\t<guid isPermaLink=\"false\">");
	esc_xml(b, site, strlen(site));
	buf_printf(b, "/?p=%lld</guid>\n\t\t<description></description>"
	    "\n\t\t", (long long)it->post_id);
	el_cdata(b, "content:encoded", it->content);
	BUF_LIT(b, "\n\t\t");
	el_cdata(b, "excerpt:encoded", it->excerpt);
	BUF_LIT(b, "\n\t\t");
	el_int(b, "wp:post_id", it->post_id);
	BUF_LIT(b, "\n\t\t<wp:post_date><![CDATA[");
	wp_date(b, it->date);
	BUF_LIT(b, "]]></wp:post_date>\n\t\t<wp:post_date_gmt><![CDATA[");
	wp_date(b, it->date);
	BUF_LIT(b, "]]></wp:post_date_gmt>\n\t\t<wp:post_modified><![CDATA[");
	wp_date(b, it->modified);
	BUF_LIT(b, "]]></wp:post_modified>\n\t\t<wp:post_modified_gmt>"
	    "<![CDATA[");
	wp_date(b, it->modified);
	BUF_LIT(b, "]]></wp:post_modified_gmt>\n\t\t");
	el_cdata(b, "wp:comment_status", it->comments_open ? "open" : "closed");
	BUF_LIT(b, "\n\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>"
	    "\n\t\t");
	el_cdata(b, "wp:post_name", it->slug);
	BUF_LIT(b, "\n\t\t");
	el_cdata(b, "wp:status", it->status);
	BUF_LIT(b, "\n\t\t<wp:post_parent>0</wp:post_parent>"
	    "\n\t\t<wp:menu_order>0</wp:menu_order>\n\t\t");
	el_cdata(b, "wp:post_type", wxr_types[it->type]);
	BUF_LIT(b, "\n\t\t<wp:post_password><![CDATA[]]></wp:post_password>"
	    "\n\t\t<wp:is_sticky>0</wp:is_sticky>\n");
}

static void
postmeta(struct buf *b, const char *key, const char *value)
{
	BUF_LIT(b, "\t\t<wp:postmeta>\n\t\t\t");
	el_cdata(b, "wp:meta_key", key);
	BUF_LIT(b, "\n\t\t\t");
	el_cdata(b, "wp:meta_value", value);
	BUF_LIT(b, "\n\t\t</wp:postmeta>\n");
}

/* masthead's comment states as WordPress's comment_approved. */
static const char *
wp_approved(const char *status)
{
	if (strcmp(status, "approved") == 0)
		return "1";
	if (strcmp(status, "rejected") == 0)
		return "spam";
	if (strcmp(status, "deleted") == 0)
		return "trash";
	return "0";
}

static const char *
wp_status(const char *status)
{
	if (strcmp(status, "published") == 0)
		return "publish";
	if (strcmp(status, "scheduled") == 0)
		return "future";
	return "draft";
}

/* What the writers of WXR's parts share while the file is written. */
struct wxr {
	struct db	*db;
	struct buf	 b;
	const char	*site;
	int64_t		 maxart, maxpage;	/* WordPress's one series of ids */
	char		 link[1024];
};

/*
 * Runs sql (with $1 = id when id > 0) and calls row for each row, which
 * appends to w->b.  With f, what a row wrote is written out before the
 * next is read.  0, or -1 (the error is the connection's, or f's in err).
 */
static int
each_row(struct wxr *w, const char *sql, int64_t id,
    int (*row)(struct wxr *, struct db_stmt *), FILE *f)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(w->db, sql)) == NULL)
		return -1;
	if (id > 0)
		db_bind_int(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW)
		if (row(w, st) != 0 || (f != NULL && (buf_err(&w->b) ||
		    fwrite(w->b.p, 1, w->b.len, f) != w->b.len))) {
			db_reset(st);
			return -1;
		} else if (f != NULL) {
			buf_reset(&w->b);
		}
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

static int
row_author(struct wxr *w, struct db_stmt *st)
{
	struct buf *b = &w->b;

	BUF_LIT(b, "\t<wp:author>");
	el_int(b, "wp:author_id", db_col_int(st, 0));
	el_cdata(b, "wp:author_login", db_col_text(st, 1, NULL));
	el_cdata(b, "wp:author_email", db_col_text(st, 3, NULL));
	el_cdata(b, "wp:author_display_name", db_col_text(st, 2, NULL));
	BUF_LIT(b, "<wp:author_first_name><![CDATA[]]></wp:author_first_name>"
	    "<wp:author_last_name><![CDATA[]]></wp:author_last_name>"
	    "</wp:author>\n");
	return 0;
}

static int
row_section(struct wxr *w, struct db_stmt *st)
{
	struct buf *b = &w->b;

	BUF_LIT(b, "\t<wp:category>");
	el_int(b, "wp:term_id", db_col_int(st, 0));
	el_cdata(b, "wp:category_nicename", db_col_text(st, 1, NULL));
	el_cdata(b, "wp:category_parent", db_col_text(st, 4, NULL));
	el_cdata(b, "wp:cat_name", db_col_text(st, 2, NULL));
	el_cdata(b, "wp:category_description", db_col_text(st, 3, NULL));
	BUF_LIT(b, "</wp:category>\n");
	return 0;
}

static int
row_tag(struct wxr *w, struct db_stmt *st)
{
	struct buf *b = &w->b;

	BUF_LIT(b, "\t<wp:tag>");
	/* Tags and categories share WordPress's term ids. */
	el_int(b, "wp:term_id", 1000000 + db_col_int(st, 0));
	el_cdata(b, "wp:tag_slug", db_col_text(st, 1, NULL));
	el_cdata(b, "wp:tag_name", db_col_text(st, 2, NULL));
	BUF_LIT(b, "</wp:tag>\n");
	return 0;
}

/* <category domain="..." nicename="slug"><![CDATA[name]]></category> */
static void
term(struct buf *b, const char *domain, const char *slug, const char *name)
{
	buf_printf(b, "\t\t<category domain=\"%s\" nicename=\"", domain);
	esc_xml(b, slug, strlen(slug));
	BUF_LIT(b, "\">");
	esc_xml_cdata(b, name, strlen(name));
	BUF_LIT(b, "</category>\n");
}

static int
row_article_tag(struct wxr *w, struct db_stmt *st)
{
	term(&w->b, "post_tag", db_col_text(st, 0, NULL),
	    db_col_text(st, 1, NULL));
	return 0;
}

static int
row_comment(struct wxr *w, struct db_stmt *st)
{
	struct buf *b = &w->b;

	BUF_LIT(b, "\t\t<wp:comment>\n\t\t\t");
	el_int(b, "wp:comment_id", db_col_int(st, 0));
	BUF_LIT(b, "\n\t\t\t");
	el_cdata(b, "wp:comment_author", db_col_text(st, 6, NULL));
	BUF_LIT(b, "\n\t\t\t");
	el_cdata(b, "wp:comment_author_email", db_col_text(st, 7, NULL));
	BUF_LIT(b, "\n\t\t\t<wp:comment_author_url><![CDATA[]]>"
	    "</wp:comment_author_url>\n\t\t\t");
	el_cdata(b, "wp:comment_author_IP", db_col_text(st, 5, NULL));
	BUF_LIT(b, "\n\t\t\t<wp:comment_date><![CDATA[");
	wp_date(b, db_col_int(st, 4));
	BUF_LIT(b, "]]></wp:comment_date>\n\t\t\t<wp:comment_date_gmt>"
	    "<![CDATA[");
	wp_date(b, db_col_int(st, 4));
	BUF_LIT(b, "]]></wp:comment_date_gmt>\n\t\t\t");
	el_cdata(b, "wp:comment_content", db_col_text(st, 3, NULL));
	BUF_LIT(b, "\n\t\t\t");
	el_cdata(b, "wp:comment_approved",
	    wp_approved(db_col_text(st, 2, NULL)));
	BUF_LIT(b, "\n\t\t\t<wp:comment_type><![CDATA[comment]]>"
	    "</wp:comment_type>\n\t\t\t");
	el_int(b, "wp:comment_parent", db_col_int(st, 1));
	BUF_LIT(b, "\n\t\t\t<wp:comment_user_id>0</wp:comment_user_id>"
	    "\n\t\t</wp:comment>\n");
	return 0;
}

static int
row_image(struct wxr *w, struct db_stmt *st)
{
	const char *alt = db_col_text(st, 3, NULL);
	const char *hash = db_col_text(st, 1, NULL);
	const struct wxr_item it = {
		.type = WXR_ATTACHMENT,
		.post_id = w->maxart + w->maxpage + db_col_int(st, 0),
		.title = alt[0] != '\0' ? alt : hash, .link = w->link,
		.creator = "", .slug = hash, .status = "inherit",
		.date = db_col_int(st, 4), .modified = db_col_int(st, 4),
		.content = "", .excerpt = alt,
	};

	snprintf(w->link, sizeof(w->link), "%s/media/%s.%s", w->site, hash,
	    db_col_text(st, 2, NULL));
	item_head(&w->b, w->site, &it);
	BUF_LIT(&w->b, "\t\t");
	el_cdata(&w->b, "wp:attachment_url", w->link);
	BUF_LIT(&w->b, "\n");
	postmeta(&w->b, "_wp_attachment_image_alt", alt);
	BUF_LIT(&w->b, "\t</item>\n");
	return 0;
}

static int
row_article(struct wxr *w, struct db_stmt *st)
{
	int64_t id = db_col_int(st, 0), hero = db_col_int(st, 8);
	const struct wxr_item it = {
		.type = WXR_POST, .post_id = id,
		.title = db_col_text(st, 3, NULL), .link = w->link,
		.creator = db_col_text(st, 13, NULL),
		.slug = db_col_text(st, 1, NULL),
		.status = wp_status(db_col_text(st, 2, NULL)),
		.date = db_col_int(st, 6), .modified = db_col_int(st, 7),
		.content = db_col_text(st, 5, NULL),
		.excerpt = db_col_text(st, 4, NULL),
		.comments_open = strcmp(db_col_text(st, 9, NULL), "closed") != 0,
	};
	char thumb[32];

	snprintf(w->link, sizeof(w->link), "%s/article/%s", w->site, it.slug);
	item_head(&w->b, w->site, &it);
	term(&w->b, "category", db_col_text(st, 11, NULL),
	    db_col_text(st, 12, NULL));
	if (hero > 0) {
		snprintf(thumb, sizeof(thumb), "%lld",
		    (long long)(w->maxart + w->maxpage + hero));
		postmeta(&w->b, "_thumbnail_id", thumb);
	}
	postmeta(&w->b, "_masthead_type", db_col_text(st, 10, NULL));
	/* Nested reads, on statements of their own. */
	if (each_row(w, sql_wxr_article_tags, id, row_article_tag, NULL) != 0 ||
	    each_row(w, sql_wxr_comments, id, row_comment, NULL) != 0)
		return -1;
	BUF_LIT(&w->b, "\t</item>\n");
	return 0;
}

static int
row_page(struct wxr *w, struct db_stmt *st)
{
	const struct wxr_item it = {
		.type = WXR_PAGE, .post_id = w->maxart + db_col_int(st, 0),
		.title = db_col_text(st, 2, NULL), .link = w->link,
		.creator = "", .slug = db_col_text(st, 1, NULL),
		.status = "publish",
		.date = db_col_int(st, 4), .modified = db_col_int(st, 4),
		.content = db_col_text(st, 3, NULL), .excerpt = "",
	};

	snprintf(w->link, sizeof(w->link), "%s/%s", w->site, it.slug);
	item_head(&w->b, w->site, &it);
	BUF_LIT(&w->b, "\t</item>\n");
	return 0;
}

static int
export_wxr(struct db *db, const struct export_opts *o, FILE *f, char *err,
    size_t errsz)
{
	struct wxr w = { db, BUF_INIT, o->site_url, 0, 0, { 0 } };
	struct buf *b = &w.b;
	struct db_stmt *st;
	char name[256];
	int rc = -1;

	if ((st = db_stmt(db, sql_wxr_maxids)) == NULL)
		goto fail;
	if (db_step(st) == DB_ROW) {
		w.maxart = db_col_int(st, 0);
		w.maxpage = db_col_int(st, 1);
	}
	db_reset(st);
	store_setting(db, "site_name", "masthead", name, sizeof(name));
	BUF_LIT(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	    "<!-- A WordPress eXtended RSS (WXR 1.2) file written by masthead:"
	    " WordPress's importer reads it. -->\n"
	    "<rss version=\"2.0\"\n"
	    "\txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"
	    "\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
	    "\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n"
	    "\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    "\txmlns:wp=\"http://wordpress.org/export/1.2/\"\n"
	    ">\n<channel>\n\t");
	el(b, "title", name);
	BUF_LIT(b, "\n\t");
	el(b, "link", w.site);
	BUF_LIT(b, "\n\t<description></description>\n\t<pubDate>");
	rfc822(b, now_unix());
	BUF_LIT(b, "</pubDate>\n\t<language>en</language>\n"
	    "\t<wp:wxr_version>1.2</wp:wxr_version>\n\t");
	el(b, "wp:base_site_url", w.site);
	BUF_LIT(b, "\n\t");
	el(b, "wp:base_blog_url", w.site);
	BUF_LIT(b, "\n");
	/*
	 * Images come before the stories, so that a story's _thumbnail_id
	 * names an attachment the importer has already read.
	 */
	if (each_row(&w, sql_wxr_authors, 0, row_author, f) != 0 ||
	    each_row(&w, sql_wxr_sections, 0, row_section, f) != 0 ||
	    each_row(&w, sql_wxr_tags, 0, row_tag, f) != 0)
		goto fail;
	BUF_LIT(b, "\t<generator>masthead</generator>\n");
	if (each_row(&w, sql_wxr_images, 0, row_image, f) != 0 ||
	    each_row(&w, sql_wxr_articles, 0, row_article, f) != 0 ||
	    each_row(&w, sql_wxr_pages, 0, row_page, f) != 0)
		goto fail;
	BUF_LIT(b, "</channel>\n</rss>\n");
	if (buf_err(b) || fwrite(b->p, 1, b->len, f) != b->len)
		goto fail;
	rc = 0;
fail:
	if (rc != 0)
		snprintf(err, errsz, "%s", buf_err(b) ? "a row is too large to "
		    "export" : ferror(f) ? strerror(errno) : db_errmsg(db));
	buf_free(b);
	return rc;
}

int
export_write(struct db *db, const struct export_opts *o, FILE *f, char *err,
    size_t errsz)
{
	int rc;

	pthread_once(&paged_once, make_paged);
	/*
	 * One snapshot for every table read: SQLite's read transaction is
	 * one; PostgreSQL's is asked for (its default takes a new snapshot
	 * for each statement).
	 */
	if (db_begin(db) != DB_OK) {
		snprintf(err, errsz, "%s", db_errmsg(db));
		return -1;
	}
	if (db_kind(db) == DB_POSTGRES && db_exec(db, "SET TRANSACTION "
	    "ISOLATION LEVEL REPEATABLE READ, READ ONLY") != DB_OK) {
		snprintf(err, errsz, "%s", db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	rc = o->format == EXPORT_WXR ? export_wxr(db, o, f, err, errsz) :
	    export_json(db, o, f, err, errsz);
	db_rollback(db);
	if (rc == 0 && (fflush(f) != 0 || ferror(f))) {
		snprintf(err, errsz, "writing: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}
