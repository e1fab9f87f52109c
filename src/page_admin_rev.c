/*
 * page_admin_rev.c — an article's revisions: the list, the difference
 * a revision made (a line diff of the body and the fields that changed),
 * and restoring one, which saves it again as a new revision.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "edit.h"
#include "req.h"
#include "own.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "store_cols.h"
#include "url.h"
#include "util.h"

/* A body longer than this many lines is compared as one block. */
#define DIFF_MAX_LINES	3000

static void
fmt_local(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S %Z", &tm);
}

/* The article of the route that u may edit: 0 with *id, or a status. */
static int
article_of_route(struct req *r, int64_t *id)
{
	if ((*id = admin_route_id(r)) == 0)
		return 404;
	if (!edit_allowed(r->db, r->user, EDIT_EDIT, *id))
		return 403;
	return 0;
}

int
page_admin_revisions(struct req *r)
{
	json_t *a, *revs, *v, *m;
	int64_t id;
	size_t i;
	char b[64], url[96];
	int status, rc;

	if ((status = article_of_route(r, &id)) != 0)
		return ADMIN_RETURN(status);
	if ((rc = store_article_admin_get(r->db, id, &a)) != STORE_OK)
		return status_store(rc);
	own_json(r, a);
	if ((rc = store_revisions(r->db, id, &revs)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(revs, i, v) {
		fmt_local(json_integer_value(json_object_get(v, "created_at")),
		    b, sizeof(b));
		json_object_set_new(v, "when", json_string(b));
		snprintf(url, sizeof(url), "/admin/articles/%lld/revisions/%lld",
		    (long long)id, (long long)json_integer_value(
		    json_object_get(v, "id")));
		json_object_set_new(v, "url", json_string(url));
		json_object_set_new(v, "current", json_boolean(i == 0));
	}
	m = json_pack("{s:O,s:o,s:I,s:{s:s}}", "article", a, "revisions", revs,
	    "id", (json_int_t)id, "page", "title", "Revisions");
	return admin_render(r, 200, "admin/revisions", m);
}

/* Splits s into lines (without their '\n'); the caller frees the array. */
static size_t
lines_of(const char *s, const char ***out, size_t **lens)
{
	size_t n = 0, cap = 16;
	const char **l = xmalloc(cap * sizeof(*l));
	size_t *ln = xmalloc(cap * sizeof(*ln));

	while (*s != '\0') {
		size_t k = strcspn(s, "\n");

		if (n == cap) {
			cap *= 2;
			l = xrealloc(l, cap * sizeof(*l));
			ln = xrealloc(ln, cap * sizeof(*ln));
		}
		l[n] = s;
		ln[n++] = k;
		s += k;
		if (*s == '\n')
			s++;
	}
	*out = l;
	*lens = ln;
	return n;
}

static void
diff_line(json_t *ops, const char *op, const char *s, size_t n)
{
	json_array_append_new(ops, json_pack("{s:s,s:s%}", "op", op, "text",
	    s, n));
}

/*
 * A line diff of a and b by their longest common subsequence: rows of
 * {op: "same" | "del" | "add", text}.  Templates escape the text.
 */
static json_t *
line_diff(const char *a, const char *b)
{
	const char **x, **y;
	size_t *xl, *yl, n, m, i, j;
	uint32_t *t;
	json_t *ops = json_array();

	n = lines_of(a, &x, &xl);
	m = lines_of(b, &y, &yl);
	if (n > DIFF_MAX_LINES || m > DIFF_MAX_LINES) {
		for (i = 0; i < n; i++)
			diff_line(ops, "del", x[i], xl[i]);
		for (j = 0; j < m; j++)
			diff_line(ops, "add", y[j], yl[j]);
		goto out;
	}
	/* t[i][j]: the common lines of x[i..] and y[j..]. */
	t = xcalloc((n + 1) * (m + 1), sizeof(*t));
#define T(i, j)	t[(i) * (m + 1) + (j)]
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			T(i, j) = xl[i] == yl[j] && memcmp(x[i], y[j], xl[i]) == 0 ?
			    T(i + 1, j + 1) + 1 : T(i + 1, j) > T(i, j + 1) ?
			    T(i + 1, j) : T(i, j + 1);
	for (i = j = 0; i < n || j < m;) {
		if (i < n && j < m && xl[i] == yl[j] &&
		    memcmp(x[i], y[j], xl[i]) == 0) {
			diff_line(ops, "same", x[i], xl[i]);
			i++;
			j++;
		} else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) {
			/* A changed line reads as the old one, then the new. */
			diff_line(ops, "del", x[i], xl[i]);
			i++;
		} else {
			diff_line(ops, "add", y[j], yl[j]);
			j++;
		}
	}
#undef T
	free(t);
out:
	free(x);
	free(xl);
	free(y);
	free(yl);
	return ops;
}

/* A field's value as text: lists joined with ", ", null as "". */
static char *
field_text(json_t *v)
{
	struct buf b = BUF_INIT;
	json_t *x;
	size_t i;

	if (json_is_string(v)) {
		buf_puts(&b, json_string_value(v));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (i > 0)
				BUF_LIT(&b, ", ");
			buf_puts(&b, json_string_value(x) != NULL ?
			    json_string_value(x) : "");
		}
	}
	buf_putc(&b, '\0');
	return buf_detach(&b, NULL);
}

/* The data of revision id of article (the request's). */
static int
revision_data(struct req *r, int64_t article, int64_t id, json_t **rev,
    json_t **data)
{
	json_error_t jerr;
	int rc;

	*rev = *data = NULL;
	if ((rc = store_revision_get(r->db, id, rev)) != STORE_OK)
		return status_store(rc);
	own_json(r, *rev);
	if (json_integer_value(json_object_get(*rev, "article_id")) !=
	    article) {
		*rev = NULL;
		return 404;
	}
	if ((*data = own_json(r, json_loads(json_string_value(
	    json_object_get(*rev, "data")), 0, &jerr))) == NULL) {
		*rev = NULL;
		return 500;
	}
	return 0;
}

/* Published and past its time: what readers see now. */
static int
story_is_live(json_t *a)
{
	json_t *pub = json_object_get(a, "published_at");

	return strcmp(json_string_value(json_object_get(a, "status")),
	    "published") == 0 && json_is_integer(pub) &&
	    json_integer_value(pub) <= page_now();
}

int
page_admin_revision(struct req *r)
{
	json_t *rev, *data, *prev = NULL, *prevrev = NULL, *fields, *m, *a;
	const struct store_col *c;
	int64_t id, revid, before;
	const char *v;
	char b[64];
	int status, ed, live;

	if ((status = article_of_route(r, &id)) != 0)
		return ADMIN_RETURN(status);
	if (parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX, &revid) != 0)
		return 404;
	if ((status = revision_data(r, id, revid, &rev, &data)) != 0)
		return status;
	before = store_revision_before(r->db, id, revid);
	/* The review queue compares with the last published revision. */
	if ((v = http_query(r, "against")) != NULL && parse_int(v, strlen(v),
	    0, INT64_MAX, &before) != 0)
		return 400;
	if (before != 0 && (status = revision_data(r, id, before, &prevrev,
	    &prev)) != 0)
		return status;
	if (prev == NULL)
		prev = own_json(r, json_object());
	fields = json_array();
	/* The fields that have a label, in the editor's order. */
	for (ed = 1; (c = store_col_by_ed(ed)) != NULL; ed++) {
		char *was, *now;

		if (c->label == NULL)
			continue;
		was = own_heap(r, field_text(json_object_get(prev, c->out)));
		now = own_heap(r, field_text(json_object_get(data, c->out)));
		if (strcmp(was, now) != 0)
			json_array_append_new(fields, json_pack("{s:s,s:s,s:s}",
			    "label", c->label, "before", was, "after", now));
	}
	fmt_local(json_integer_value(json_object_get(rev, "created_at")), b,
	    sizeof(b));
	json_object_set_new(rev, "when", json_string(b));
	json_object_del(rev, "data");
	/* A live story's restore asks first; unreadable, it asks too. */
	live = 1;
	if (store_article_admin_get(r->db, id, &a) == STORE_OK)
		live = story_is_live(own_json(r, a));
	json_object_set_new(rev, "live", json_boolean(live));
	m = json_pack("{s:O,s:o,s:o,s:b,s:I,s:{s:s}}", "revision", rev,
	    "fields", fields, "body", line_diff(json_string_value(
	    json_object_get(prev, "body_md")) ? json_string_value(
	    json_object_get(prev, "body_md")) : "", json_string_value(
	    json_object_get(data, "body_md")) ? json_string_value(
	    json_object_get(data, "body_md")) : ""), "first", before == 0,
	    "id", (json_int_t)id, "page", "title", "Revision");
	json_object_set_new(m, "title", json_incref(json_object_get(data,
	    "title")));
	return admin_render(r, 200, "admin/revision", m);
}

int
page_admin_restore(struct req *r)
{
	struct url_query q;
	struct buf *html = own_buf(r, 0);
	struct edit_input ei;
	json_t *rev = NULL, *data = NULL, *cur = NULL, *in = NULL, *v;
	const struct store_col *c;
	int64_t id, revid;
	const char *confirm;
	char msg[300], note[64];
	int status, rc, ed;

	if ((status = article_of_route(r, &id)) != 0)
		return ADMIN_RETURN(status);
	if (parse_int(r->arg[1], r->arglen[1], 1, INT64_MAX, &revid) != 0)
		return 404;
	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if ((rc = store_article_admin_get(r->db, id, &cur)) != STORE_OK) {
		status = status_store(rc);
		goto done;
	}
	own_json(r, cur);
	if (!edit_may_change(r->user, strcmp(json_string_value(
	    json_object_get(cur, "status")), "published") == 0)) {
		status = 403;
		goto done;
	}
	/* Restoring onto a live story changes what readers see: asked. */
	confirm = url_query_get(&q, "confirm");
	if (story_is_live(cur) && (confirm == NULL || strcmp(confirm, "yes") != 0)) {
		snprintf(msg, sizeof(msg), "/admin/articles/%lld/revisions/%lld",
		    (long long)id, (long long)revid);
		status = admin_render(r, 422, "admin/notice", json_pack(
		    "{s:s,s:s,s:s,s:{s:s}}", "title", "Not restored", "text",
		    "This story is live: tick \"Replace the live story\" "
		    "(confirm) to restore this revision onto it.", "back", msg,
		    "page", "title", "Not restored"));
		goto done;
	}
	if ((status = revision_data(r, id, revid, &rev, &data)) != 0)
		goto done;
	/*
	 * The fields a restore carries, from the view's keys the revision
	 * kept to the input's; one that "" takes off is taken off when the
	 * revision had none.
	 */
	in = own_json(r, json_object());
	for (ed = 1; (c = store_col_by_ed(ed)) != NULL; ed++) {
		if (!(c->flags & SC_RESTORE))
			continue;
		v = json_object_get(data, c->out);
		if (c->flags & SC_CLEAR)
			json_object_set_new(in, c->key, json_string(
			    json_is_string(v) ? json_string_value(v) : ""));
		else if (v != NULL && !json_is_null(v))
			json_object_set(in, c->key, v);
	}
	/* The byline is an editor's to change, here as in the editor. */
	if (r->user->role < ROLE_EDITOR)
		json_object_del(in, "authors");
	if ((status = edit_check(in, 0, msg, sizeof(msg))) != 0)
		goto done;
	if (edit_render_body(in, cur, html) != 0) {
		status = 422;
		goto done;
	}
	ei.in = in;
	ei.html = html->p;
	ei.id = NULL;
	snprintf(note, sizeof(note), "restored revision %lld",
	    (long long)revid);
	rc = edit_write(r->db, r->user, id, edit_update_fn, &ei, NULL, note);
	if (rc != STORE_OK) {
		/* A slug taken since by another story, a section removed... */
		status = status_store(rc);
		goto done;
	}
	snprintf(msg, sizeof(msg), "/admin/articles/%lld/revisions",
	    (long long)id);
	http_redirect(r, 303, msg);
	status = 0;
done:
	url_query_free(&q);
	return status;
}
