/*
 * page_admin_redirects.c — the redirect table, for admins: the old
 * addresses that answer 301 with a new one (those `masthead import`
 * kept from the site it read, and any the newsroom adds), a form to add
 * or change one and a button to delete one.  The router reads the table
 * when no route takes a path (docs/import.md).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "escape.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define REDIRECTS_PAGE	100

static int
redirects_page(struct req *r, int status, const char *error)
{
	const char *after = http_query(r, "after"), *done;
	json_t *rows, *m, *last;
	int rc;

	if (after == NULL || strlen(after) > STORE_REDIRECT_MAX)
		after = "";
	if ((rc = store_redirects_list(r->db, after, REDIRECTS_PAGE, &rows)) !=
	    STORE_OK)
		return status_store(rc);
	m = json_pack("{s:o,s:{s:s}}", "rows", rows, "page", "title",
	    "Redirects");
	if (json_array_size(rows) == REDIRECTS_PAGE &&
	    (last = json_array_get(rows, REDIRECTS_PAGE - 1)) != NULL) {
		const char *o = json_string_value(json_object_get(last,
		    "old_path"));
		struct buf b = BUF_INIT;

		/* The link's query carries the path URL-encoded. */
		esc_url(&b, o, strlen(o));
		buf_putc(&b, '\0');
		json_object_set_new(m, "next", json_string(b.p));
		buf_free(&b);
	}
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if ((done = http_query(r, "done")) != NULL)
		json_object_set_new(m, "done", json_string(strcmp(done,
		    "deleted") == 0 ? "The redirect is deleted." :
		    "The redirect is saved."));
	return admin_render(r, status, "admin/redirects", m);
}

int
page_admin_redirects(struct req *r)
{
	return redirects_page(r, 200, NULL);
}

int
page_admin_redirect_save(struct req *r)
{
	struct url_query q;
	const char *from, *to;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	from = url_query_get(&q, "old_path");
	to = url_query_get(&q, "new_path");
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if ((rc = store_redirect_set(r->db, from, to, 1)) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		/* The store is the one judge of a path. */
		status = rc == STORE_INVALID ? redirects_page(r, 422, "Give an "
		    "old path and a new one, each beginning with a single /, "
		    "different from each other (at most 1,000 characters).") :
		    status_write(rc);
		goto done;
	}
	http_redirect(r, 303, "/admin/redirects?done=saved");
	status = 0;
done:
	url_query_free(&q);
	return status;
}

int
page_admin_redirect_delete(struct req *r)
{
	struct url_query q;
	const char *from;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	if ((from = url_query_get(&q, "old_path")) == NULL) {
		status = 422;
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if ((rc = store_redirect_delete(r->db, from)) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = status_write(rc);
		goto done;
	}
	http_redirect(r, 303, "/admin/redirects?done=deleted");
	status = 0;
done:
	url_query_free(&q);
	return status;
}
