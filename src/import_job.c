/*
 * import_job.c — the import of a file uploaded at /admin/import, run as
 * a durable job (JOB_IMPORT) on the jobs thread, never on an event loop.
 *
 * The payload names the run (table imports).  The job marks it running,
 * imports its file with its options exactly as `masthead import` would
 * (import_file(): one transaction, nothing written when the file fails),
 * tells the page its progress as it goes, keeps the report in the run's
 * row, deletes the uploaded file and, when something was written, drops
 * every cached page (on every instance).  A run that fails is a report
 * too: the job itself is done either way, so it is never run twice; a
 * process that stops half way leaves the job to be claimed again, and
 * the import, which wrote nothing, runs again from the start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "db.h"
#include "import.h"
#include "jobs.h"
#include "page.h"
#include "store.h"
#include "util.h"

struct run {
	int64_t		 id;
};

static void
tick(void *arg, const struct import_report *rep)
{
	const struct run *run = arg;

	page_admin_import_progress(run->id, rep->items, rep->bytes,
	    rep->bytes_total, rep->started);
}

/* The report kept in the run's row (JSON text; the caller frees it). */
static char *
report_text(const struct import_report *rep, int dry_run)
{
	json_t *v, *added = json_object(), *kept = json_object();
	char *s;
	int k;

	for (k = 0; k < IMPORT_KIND__MAX; k++) {
		if (rep->added[k] == 0 && rep->kept[k] == 0)
			continue;
		json_object_set_new(added, import_kind_name(k),
		    json_integer(rep->added[k]));
		json_object_set_new(kept, import_kind_name(k),
		    json_integer(rep->kept[k]));
	}
	v = json_pack("{s:o,s:o,s:I,s:I,s:I,s:I,s:f,s:O,s:I,s:b}", "added",
	    added, "kept", kept, "items", (json_int_t)rep->items, "skipped",
	    (json_int_t)rep->skipped, "media_missing",
	    (json_int_t)rep->media_missing, "bytes",
	    (json_int_t)rep->bytes_total, "seconds",
	    (double)((now_mono_usec() - rep->started) / 10000) / 100, "notes",
	    rep->notes != NULL ? rep->notes : json_array(), "notes_dropped",
	    (json_int_t)rep->notes_dropped, "dry_run", dry_run);
	s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return s;
}

/* Writes the run's outcome in a transaction of its own. */
static int
record(struct db *db, int64_t id, int ok, const char *report,
    const char *error)
{
	if (db_begin_write(db) != DB_OK)
		return -1;
	if (store_import_run_end(db, id, ok, report, error) != STORE_OK ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static int
import_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	struct import_opts o;
	struct import_report rep;
	struct run run;
	json_t *row = NULL, *opts;
	json_error_t je;
	char path[1024], msg[1024], *report;
	const char *s;
	int rc;

	memset(&run, 0, sizeof(run));
	run.id = json_integer_value(json_object_get(payload, "import"));
	if (run.id <= 0 || store_import_run_get(db, run.id, &row) !=
	    STORE_OK)
		return 0;	/* deleted since: nothing to do */
	if (db_begin_write(db) != DB_OK) {
		json_decref(row);
		snprintf(err, errlen, "import %lld: %s", (long long)run.id,
		    db_errmsg(db));
		return -1;
	}
	rc = store_import_run_start(db, run.id);
	if (rc != STORE_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		json_decref(row);
		if (rc == STORE_NOTFOUND)
			return 0;	/* it has ended */
		snprintf(err, errlen, "import %lld: %s", (long long)run.id,
		    db_errmsg(db));
		return -1;
	}
	strlcpy_(path, json_string_value(json_object_get(row, "path")) ?
	    json_string_value(json_object_get(row, "path")) : "",
	    sizeof(path));
	s = json_string_value(json_object_get(row, "options"));
	opts = json_loads(s != NULL ? s : "{}", 0, &je);
	memset(&o, 0, sizeof(o));
	o.dry_run = json_is_true(json_object_get(opts, "dry_run"));
	o.accounts = json_is_true(json_object_get(opts, "accounts"));
	o.members = json_is_true(json_object_get(opts, "members"));
	o.media_from = json_string_value(json_object_get(opts, "media_from"));
	o.tick = tick;
	o.tick_arg = &run;
	page_admin_import_progress(run.id, 0, 0, json_integer_value(
	    json_object_get(row, "bytes")), now_mono_usec());
	msg[0] = '\0';
	rc = import_file(db, path, &o, &rep, msg, sizeof(msg));
	page_admin_import_progress(0, 0, 0, 0, 0);
	report = report_text(&rep, o.dry_run);
	json_decref(rep.notes);
	/* The uploaded file's name means nothing to the reader. */
	if (rc != 0 && strncmp(msg, path, strlen(path)) == 0 &&
	    msg[strlen(path)] == ':' && msg[strlen(path) + 1] == ' ')
		memmove(msg, msg + strlen(path) + 2, strlen(msg + strlen(path)
		    + 1));
	if (record(db, run.id, rc == 0, report, rc == 0 ? NULL : msg) != 0)
		fprintf(stderr, "masthead: import %lld: cannot record its "
		    "report: %s\n", (long long)run.id, db_errmsg(db));
	free(report);
	unlink(path);
	fprintf(stderr, "masthead: import %lld (%s): %s%s\n",
	    (long long)run.id, json_string_value(json_object_get(row,
	    "filename")), rc == 0 ? (o.dry_run ? "dry run done" : "done") :
	    "failed: ", rc == 0 ? "" : msg);
	/* What a running server cached may have changed: every page. */
	if (rc == 0 && !o.dry_run && db_begin_write(db) == DB_OK) {
		if (bus_publish(db, "*") == DB_OK && db_commit(db) == DB_OK)
			bus_apply("*");
		else
			db_rollback(db);
	}
	json_decref(opts);
	json_decref(row);
	return 0;
}

void
import_job_init(void)
{
	jobs_register(JOB_IMPORT, import_job, 0);
}
