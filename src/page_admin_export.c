/*
 * page_admin_export.c — /admin/export: an admin downloads the whole
 * publication as masthead's JSON or as WordPress's WXR, the files
 * `masthead export` writes (docs/export.md).  Never with secrets: password
 * hashes and signing keys leave only through the command line, from
 * someone who can read the database anyway.
 *
 * The writer belongs to the command layer; main registers it at start
 * (page_admin_export_init), so this page names no module above it.  It
 * reads on a connection of its own, in one snapshot.
 * The document is written to an unlinked temporary file and sent from
 * there, as white papers are: a large site is never held in memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "config.h"
#include "db.h"
#include "req.h"
#include "page.h"

static int (*writer)(struct db *, int wxr, const char *site, FILE *,
    char *err, size_t errsz);

void
page_admin_export_init(int (*fn)(struct db *, int wxr, const char *site,
    FILE *, char *err, size_t errsz))
{
	writer = fn;
}

/* The route table lets admins alone through (WHO_ADMIN). */
int
page_admin_export(struct req *r)
{
	return admin_render(r, 200, "admin/export", json_pack("{s:{s:s}}",
	    "page", "title", "Export"));
}

static int
send_export(struct req *r, int wxr)
{
	const char *dir = getenv("TMPDIR");
	char tpath[1024], err[512];
	struct db *db;
	FILE *f;
	int fd, status, rc;

	if (writer == NULL)
		return 404;
	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	if ((size_t)snprintf(tpath, sizeof(tpath), "%s/masthead-export-XXXXXX",
	    dir) >= sizeof(tpath))
		return 500;
	fd = mkstemp(tpath);
	if (fd < 0 || (f = fdopen(fd, "w+")) == NULL) {
		fprintf(stderr, "masthead: /admin/export: %s\n", strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tpath);
		}
		return 500;
	}
	/*
	 * A connection of its own: the request's is inside the page's read
	 * transaction, and the export needs a snapshot of its own (on
	 * PostgreSQL, one asked for before any query).
	 */
	if ((db = db_open(config.db, err, sizeof(err))) != NULL) {
		rc = writer(db, wxr, page_base_url(r), f, err, sizeof(err));
		db_close(db);
	} else
		rc = -1;
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "masthead: /admin/export: %s\n", err);
		unlink(tpath);
		return 500;
	}
	http_attachment(r, "masthead-export", wxr ? "xml" : "json");
	/* The open file is sent; its name goes at once. */
	status = http_send_file(r, tpath, wxr ? "application/rss+xml; "
	    "charset=utf-8" : "application/json", "private, no-store");
	unlink(tpath);
	return status;
}

int
page_admin_export_json(struct req *r)
{
	return send_export(r, 0);
}

int
page_admin_export_wxr(struct req *r)
{
	return send_export(r, 1);
}
