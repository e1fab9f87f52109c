/*
 * page_admin_settings.c — the site's settings as the newsroom sees them,
 * for admins (the route table says so): the publication's name, its address, and who its email
 * comes from, with a button that sends a test message to the admin's
 * own address; and whether authors may publish without an editor's
 * review (role_may_publish() applies it).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "jobs.h"
#include "mail.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "url.h"
#include "util.h"

static int
settings_page(struct req *r, int status, const char *error, const char *done)
{
	char from[600], site[256], tmp[256], url[512];
	int local;
	json_t *m;

	local = mail_from_effective(r->db, from, sizeof(from));
	strlcpy_(site, store_setting(r->db, "site_name", "masthead", tmp,
	    sizeof(tmp)), sizeof(site));
	m = json_pack("{s:s,s:s,s:b,s:s,s:b,s:b,s:s,s:s,s:{s:s}}",
	    "site_name", site,
	    "site_url", config_site_url(url, sizeof(url)),
	    "from_listen", config.base_url[0] == '\0',
	    "mail_from", from,
	    "mail_from_set", config.mail_from[0] != '\0',
	    "mail_from_local", local,
	    "smtp_host", config.smtp_host,
	    "outbox_dir", config.outbox_dir,
	    "page", "title", "Settings");
	json_object_set_new(m, "me_email", json_string(r->user->email));
	json_object_set_new(m, "authors_publish", json_boolean(
	    store_authors_publish(r->db)));
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (done != NULL)
		json_object_set_new(m, "done", json_string(done));
	return admin_render(r, status, "admin/settings", m);
}

int
page_admin_settings(struct req *r)
{
	const char *done = http_query(r, "done");
	char msg[400];
	if (done != NULL && strcmp(done, "mail-test") == 0) {
		snprintf(msg, sizeof(msg), "A test message to %s is queued; "
		    "it leaves within seconds%s.", r->user->email,
		    config.smtp_host[0] == '\0' ? ", as a file in the outbox "
		    "directory (no SMTP server is set)" : "");
		return settings_page(r, 200, NULL, msg);
	}
	if (done != NULL && strcmp(done, "review") == 0)
		return settings_page(r, 200, NULL, "Saved: who publishes "
		    "without review.");
	return settings_page(r, 200, NULL, NULL);
}

int
page_admin_settings_mail_test(struct req *r)
{
	struct url_query q;
	struct buf *text = own_buf(r, 0), *html = own_buf(r, 0),
	    *line = own_buf(r, 0);
	char from[600], site[256], tmp[256], subject[300];
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	strlcpy_(site, store_setting(r->db, "site_name", "masthead", tmp,
	    sizeof(tmp)), sizeof(site));
	(void)mail_from_effective(r->db, from, sizeof(from));
	snprintf(subject, sizeof(subject), "Test message from %s", site);
	buf_printf(line, "Hello %s,", r->user->name);
	mail_para(text, html, line->p);
	buf_reset(line);
	buf_printf(line, "This message tests the email of %s. It was sent "
	    "from %s, as the settings page of the newsroom shows.", site,
	    from);
	mail_para(text, html, line->p);
	mail_para(text, html, "If it reached your inbox (not the spam "
	    "folder), readers get the site's mail too.");
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	rc = buf_err(text) || buf_err(html) || buf_err(line) ?
	    STORE_INVALID : mail_queue(r->db, r->user->name, r->user->email,
	    subject, text->p, html->p);
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		status = rc == STORE_INVALID ? settings_page(r, 422, "The test "
		    "message could not be composed.", NULL) : status_store(rc);
		goto done;
	}
	jobs_kick();
	http_redirect(r, 303, "/admin/settings?done=mail-test");
	status = 0;
done:
	url_query_free(&q);
	return status;
}

/* "Authors may publish without review": a box, off by default. */
int
page_admin_settings_review(struct req *r)
{
	struct url_query q;
	const char *v;
	int status, rc;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	v = url_query_get(&q, "authors_publish");
	if (v != NULL && strcmp(v, "1") != 0) {
		url_query_free(&q);
		return settings_page(r, 422, "Authors may publish without "
		    "review: tick the box or leave it empty.", NULL);
	}
	url_query_free(&q);
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	if ((rc = store_setting_set(r->db, "authors_publish", v != NULL ?
	    "1" : "0")) != STORE_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return status_write(rc);
	}
	http_redirect(r, 303, "/admin/settings?done=review");
	return 0;
}
