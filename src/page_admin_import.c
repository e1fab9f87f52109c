/*
 * page_admin_import.c — /admin/import: an admin uploads another site's
 * export (WordPress WXR, Ghost JSON or masthead's own JSON), watches its
 * progress and reads its report (docs/import.md, "From the newsroom").
 *
 * The upload is a form post (multipart, the page without JavaScript) or
 * the file's bytes as they are (PUT or POST with an XML or JSON
 * Content-Type, the page's script; the options then come as X-Import-*
 * headers and the token as X-CSRF-Token).  libh2o 2.2.5 reads a body
 * whole before a handler runs, and spools one larger than its threshold
 * to an unlinked file (main points that file into import_dir): the
 * upload is copied from that file to one of import_dir by the kernel
 * (copy_file_range), on a work thread, never through this process's
 * memory.  The same work thread records the run (table imports) and
 * queues its job in one transaction; a second upload while a run is
 * queued or running is 409.
 *
 * The import itself is a durable job (JOB_IMPORT) that the command layer
 * registers (import_job.c); it reports its progress here with
 * page_admin_import_progress(), which the status page and its JSON read.
 * The report it leaves in the run's row is shown once it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "config.h"
#include "db.h"
#include "jobs.h"
#include "multipart.h"
#include "own.h"
#include "page.h"
#include "pool.h"
#include "req.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "util.h"

/* The runs the page lists. */
#define RUNS_SHOWN	10
/* The multipart fields of the form besides the file. */
#define FORM_PARTS	12

/*
 * The run being imported on this process, as its job last said; the
 * jobs thread writes it, the loops read it.
 */
static pthread_mutex_t prog_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int64_t		 id;		/* 0: none */
	int64_t		 items, bytes, total;
	uint64_t	 started;	/* now_mono_usec() */
} prog;

void
page_admin_import_progress(int64_t id, int64_t items, int64_t bytes,
    int64_t total, uint64_t started)
{
	pthread_mutex_lock(&prog_lock);
	prog.id = id;
	prog.items = items;
	prog.bytes = bytes;
	prog.total = total;
	prog.started = started;
	pthread_mutex_unlock(&prog_lock);
}

/* What a finished upload hands to the work thread, and back. */
struct upload {
	int		 from;		/* libh2o's spool file, or -1 */
	off_t		 off;		/* where the file's bytes begin in it */
	char		*copy;		/* else a copy of them */
	size_t		 len;
	char		 path[1024];	/* in import_dir */
	char		 filename[256];
	char		*options;	/* JSON text */
	int64_t		 user_id;
	int64_t		 id;		/* the run, once recorded */
	int		 status;	/* 0, or the HTTP status to answer */
	char		 msg[300];
	int		 err;		/* errno of a file that failed */
};

static void
upload_free(struct upload *u)
{
	if (u->from >= 0)
		close(u->from);
	free(u->copy);
	free(u->options);
	free(u);
}

/*
 * The descriptor of libh2o's spool file that holds p[0..len), dup()ed,
 * with the offset of p in it; -1 when the body is in memory (small, or
 * HTTP/2).  libh2o maps the file whole, its buffer header first, so the
 * offset is p's distance from the header; a few bytes are read back to
 * be sure of it.
 */
static int
spool_of(struct req *r, const char *p, size_t len, off_t *off)
{
	h2o_socket_t *sock;
	h2o_buffer_t *in;
	char a[64], b[64];
	size_t k = len < sizeof(a) ? len : sizeof(a);
	int fd;

	if (r->h->version >= 0x200 || r->h->conn->callbacks->get_socket ==
	    NULL || (sock = r->h->conn->callbacks->get_socket(r->h->conn)) ==
	    NULL || (in = sock->input) == NULL || in->_fd < 0 || len == 0)
		return -1;
	if (p < in->bytes || p + len > in->bytes + in->size)
		return -1;
	*off = (off_t)(p - (const char *)in);
	if (pread(in->_fd, a, k, *off) != (ssize_t)k ||
	    memcmp(a, p, k) != 0 || pread(in->_fd, b, k, *off +
	    (off_t)(len - k)) != (ssize_t)k || memcmp(b, p + len - k, k) != 0)
		return -1;
	if ((fd = dup(in->_fd)) < 0)
		return -1;
	return fd;
}

/* Writes the upload to u->path; 0 or -1 with u->msg. */
static int
write_file(struct upload *u)
{
	size_t done = 0;
	ssize_t n;
	off_t off = u->off;
	int fd;

	if ((fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		u->err = errno;
		snprintf(u->msg, sizeof(u->msg), "%.200s: %s", u->path,
		    strerror(errno));
		return -1;
	}
	while (done < u->len) {
		if (u->from >= 0)
			n = copy_file_range(u->from, &off, fd, NULL,
			    u->len - done, 0);
		else
			n = write(fd, u->copy + done, u->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			u->err = n < 0 ? errno : EIO;
			snprintf(u->msg, sizeof(u->msg), "%.200s: %s", u->path,
			    n < 0 ? strerror(errno) : "short copy");
			close(fd);
			unlink(u->path);
			return -1;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		u->err = errno;
		snprintf(u->msg, sizeof(u->msg), "%.200s: %s", u->path,
		    strerror(errno));
		unlink(u->path);
		return -1;
	}
	return 0;
}

/* On a work thread: the file, then the run and its job. */
static void
upload_work(struct db *db, void *arg)
{
	struct upload *u = arg;
	json_t *job;
	int rc;

	if (mkdir(config.import_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(u->msg, sizeof(u->msg), "%.200s: %s", config.import_dir,
		    strerror(errno));
		u->status = status_errno(errno);
		return;
	}
	if (write_file(u) != 0) {
		u->status = status_errno(u->err);
		return;
	}
	if (db_begin_write(db) != DB_OK) {
		u->status = 503;
		goto fail;
	}
	rc = store_import_run_add(db, u->user_id, u->filename, u->path,
	    (int64_t)u->len, u->options, &u->id);
	if (rc == STORE_OK) {
		job = json_pack("{s:I}", "import", (json_int_t)u->id);
		rc = jobs_add(db, JOB_IMPORT, job, 0);
		json_decref(job);
	}
	if (rc != STORE_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		u->status = rc == STORE_CONFLICT ? 409 : status_write(rc);
		if (rc == STORE_CONFLICT)
			snprintf(u->msg, sizeof(u->msg), "Another import is "
			    "running; wait for its report and upload again.");
		goto fail;
	}
	return;
fail:
	unlink(u->path);
}

/* The answer of a refused upload: the page with the message, or JSON. */
static int
refuse(struct req *r, int status, const char *msg, int json)
{
	if (json) {
		http_send_json(r, status, own_json(r, json_pack("{s:{s:i,s:s}}",
		    "error", "status", status, "message", msg)));
		return 0;
	}
	return page_admin_import_form(r, status, msg);
}

/* Whether the client asked for JSON (the page's script does). */
static int
wants_json(struct req *r)
{
	const char *a = http_req_header(r, "accept");

	return a != NULL && strstr(a, "application/json") != NULL &&
	    strstr(a, "text/html") == NULL;
}

static int
upload_done(struct req *r, void *arg)
{
	struct upload *u = arg;
	char where[64];
	int status = u->status, json;

	if (r == NULL) {
		upload_free(u);
		return 0;
	}
	json = wants_json(r);
	if (status != 0) {
		if (u->msg[0] != '\0' && status != 409)
			fprintf(stderr, "masthead: /admin/import: %s\n", u->msg);
		status = refuse(r, status, status == 409 ? u->msg :
		    "The file could not be stored on the server.", json);
		upload_free(u);
		return status;
	}
	jobs_kick();
	snprintf(where, sizeof(where), "/admin/import/%lld",
	    (long long)u->id);
	if (json) {
		http_header(r, "Location", where);
		http_send_json(r, 202, own_json(r, json_pack("{s:I,s:s}", "id",
		    (json_int_t)u->id, "status_url", where)));
	} else
		http_redirect(r, 303, where);
	upload_free(u);
	return 0;
}

/* A yes of a form field or header: "1", "on", "yes" or "true". */
static int
yes(const char *s, size_t n)
{
	return (n == 1 && s[0] == '1') || (n == 2 && strncasecmp(s, "on",
	    2) == 0) || (n == 3 && strncasecmp(s, "yes", 3) == 0) ||
	    (n == 4 && strncasecmp(s, "true", 4) == 0);
}

/* The bytes of a part (not NUL-terminated), or NULL. */
static const char *
part_text(const struct mp_part *parts, int n,
    const char *name, size_t *len)
{
	const struct mp_part *p = multipart_get(parts, n, name);

	*len = 0;
	if (p == NULL)
		return NULL;
	*len = p->len;
	return p->data;
}

/*
 * The options as the job reads them.  media_from is a folder on the
 * server (like the command line's --media-from): an absolute path with
 * no "..", or nothing.  0, or -1 with msg.
 */
static int
options_of(struct upload *u, int dry, int accounts, int members,
    const char *media, size_t mlen, char *msg, size_t msgsz)
{
	char dir[1024];
	struct stat sb;
	json_t *o;

	while (mlen > 0 && (*media == ' ' || *media == '\t')) {
		media++;
		mlen--;
	}
	while (mlen > 0 && (media[mlen - 1] == ' ' || media[mlen - 1] ==
	    '\t' || media[mlen - 1] == '\r' || media[mlen - 1] == '\n'))
		mlen--;
	if (mlen >= sizeof(dir) || (mlen > 0 && (media[0] != '/' ||
	    memmem(media, mlen, "..", 2) != NULL ||
	    memchr(media, '\0', mlen) != NULL))) {
		snprintf(msg, msgsz, "The media folder must be an absolute "
		    "path on the server, without \"..\".");
		return -1;
	}
	memcpy(dir, media, mlen);
	dir[mlen] = '\0';
	if (mlen > 0 && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		snprintf(msg, msgsz, "The media folder is not a folder on the "
		    "server.");
		return -1;
	}
	o = json_pack("{s:b,s:b,s:b}", "dry_run", dry, "accounts", accounts,
	    "members", members);
	if (mlen > 0)
		json_object_set_new(o, "media_from", json_string(dir));
	u->options = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return 0;
}

/* The name the upload gave its file, cut to printable ASCII. */
static void
file_name(char *out, size_t outsz, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < outsz; i++)
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
			out[k++] = s[i];
	out[k] = '\0';
	if (k == 0)
		strlcpy_(out, "upload", outsz);
}

/*
 * POST /admin/import (multipart: csrf, file, dry_run, accounts, members,
 * media_from) and PUT or POST /admin/import with the file's bytes
 * (X-Import-Dry-Run, -Accounts, -Members, -Media-From, -Filename).  The
 * router has checked the role (admin), the size (import_max_mb) and the
 * token.
 */
int
page_admin_import_upload(struct req *r)
{
	struct mp_part parts[FORM_PARTS];
	const struct mp_part *file;
	const char *ct = http_req_header(r, "content-type"), *media, *h;
	struct upload *u;
	char msg[300], err[200];
	size_t mlen, n1, n2, n3;
	int n = 0, json = wants_json(r), status, dry, acc, mem;
	const char *data;
	size_t len;

	if (store_import_run_busy(r->db) != 0)
		return refuse(r, 409, "Another import is running; wait for its "
		    "report and upload again.", json);
	u = xcalloc(1, sizeof(*u));
	u->from = -1;
	u->user_id = r->user != NULL ? r->user->id : 0;
	if (ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		if (multipart_parse(ct, r->h->entity.base, r->h->entity.len,
		    parts, FORM_PARTS, &n, err, sizeof(err)) != 0 ||
		    (file = multipart_get(parts, n, "file")) == NULL) {
			upload_free(u);
			return refuse(r, 400, "The form must carry the export "
			    "file.", json);
		}
		data = file->data;
		len = file->len;
		file_name(u->filename, sizeof(u->filename), file->filename,
		    strlen(file->filename));
		h = part_text(parts, n, "dry_run", &n1);
		dry = h != NULL && yes(h, n1);
		h = part_text(parts, n, "accounts", &n2);
		acc = h != NULL && yes(h, n2);
		h = part_text(parts, n, "members", &n3);
		mem = h != NULL && yes(h, n3);
		media = part_text(parts, n, "media_from", &mlen);
	} else {
		data = r->h->entity.base;
		len = r->h->entity.len;
		h = http_req_header(r, "x-import-filename");
		file_name(u->filename, sizeof(u->filename), h != NULL ? h : "",
		    h != NULL ? strlen(h) : 0);
		h = http_req_header(r, "x-import-dry-run");
		dry = h != NULL && yes(h, strlen(h));
		h = http_req_header(r, "x-import-accounts");
		acc = h != NULL && yes(h, strlen(h));
		h = http_req_header(r, "x-import-members");
		mem = h != NULL && yes(h, strlen(h));
		media = http_req_header(r, "x-import-media-from");
		mlen = media != NULL ? strlen(media) : 0;
	}
	if (data == NULL || len == 0) {
		upload_free(u);
		return refuse(r, 400, "The file is empty.", json);
	}
	if (options_of(u, dry, acc, mem, media != NULL ? media : "", mlen,
	    msg, sizeof(msg)) != 0) {
		upload_free(u);
		return refuse(r, 422, msg, json);
	}
	/* A name of our own: the client's is only shown. */
	snprintf(u->path, sizeof(u->path), "%s/import-%llx-%llx",
	    config.import_dir, (unsigned long long)now_unix(),
	    (unsigned long long)(now_mono_usec() & 0xffffffffffULL));
	u->len = len;
	if ((u->from = spool_of(r, data, len, &u->off)) < 0) {
		/* In memory (small, or HTTP/2): the work thread gets a copy. */
		u->copy = xmalloc(len);
		memcpy(u->copy, data, len);
	}
	if ((status = pool_submit(r, upload_work, upload_done, u)) == 0)
		return 0;
	upload_free(u);
	return status;
}

/* Seconds, items a second and the time left of the run this process runs. */
static json_t *
live(int64_t id)
{
	double secs, rate, eta;
	json_t *v;

	pthread_mutex_lock(&prog_lock);
	if (prog.id != id) {
		pthread_mutex_unlock(&prog_lock);
		return NULL;
	}
	secs = (double)(now_mono_usec() - prog.started) / 1e6;
	rate = secs > 0 ? (double)prog.items / secs : 0;
	eta = prog.bytes > 0 && prog.total > prog.bytes ? secs *
	    (double)(prog.total - prog.bytes) / (double)prog.bytes : 0;
	v = json_pack("{s:I,s:I,s:I,s:i,s:I,s:I}", "items",
	    (json_int_t)prog.items, "bytes", (json_int_t)prog.bytes, "total",
	    (json_int_t)prog.total, "percent", prog.total > 0 ?
	    (int)(100 * prog.bytes / prog.total) : 0, "items_per_second",
	    (json_int_t)(rate + 0.5), "eta_seconds", (json_int_t)(eta + 0.5));
	pthread_mutex_unlock(&prog_lock);
	return v;
}

/* A run as the status page and its JSON show it; NULL when none. */
static json_t *
run_model(struct req *r, int64_t id)
{
	json_t *v, *rep, *p, *kinds;
	const char *k, *st;
	json_error_t je;
	char when[64];

	if (store_import_run_get(r->db, id, &v) != STORE_OK)
		return NULL;
	own_json(r, v);
	st = json_string_value(json_object_get(v, "status"));
	json_object_set_new(v, "running", json_boolean(st != NULL &&
	    (strcmp(st, "queued") == 0 || strcmp(st, "running") == 0)));
	json_object_set_new(v, "failed", json_boolean(st != NULL &&
	    strcmp(st, "failed") == 0));
	json_object_del(v, "path");
	admin_fmt_local(json_integer_value(json_object_get(v, "created_at")),
	    when, sizeof(when));
	json_object_set_new(v, "created", json_string(when));
	if ((p = json_loads(json_string_value(json_object_get(v, "options")) ?
	    json_string_value(json_object_get(v, "options")) : "{}", 0,
	    &je)) != NULL)
		json_object_set_new(v, "options", p);
	if ((p = live(id)) != NULL)
		json_object_set_new(v, "progress", p);
	rep = json_string_value(json_object_get(v, "report")) != NULL ?
	    json_loads(json_string_value(json_object_get(v, "report")), 0,
	    &je) : NULL;
	if (rep != NULL) {
		/* The counts as rows, for the template. */
		kinds = json_array();
		json_object_foreach(json_object_get(rep, "added"), k, p)
			json_array_append_new(kinds, json_pack("{s:s,s:O,s:O}",
			    "kind", k, "added", p, "kept", json_object_get(
			    json_object_get(rep, "kept"), k)));
		json_object_set_new(rep, "kinds", kinds);
		json_object_set_new(rep, "has_notes", json_boolean(
		    json_array_size(json_object_get(rep, "notes")) > 0));
		json_object_set_new(v, "report", rep);
	} else
		json_object_del(v, "report");
	return v;
}

static int64_t
run_id(struct req *r)
{
	char *end;
	long long id;

	if (r->narg < 1 || r->arg[0][0] < '1' || r->arg[0][0] > '9')
		return 0;
	errno = 0;
	id = strtoll(r->arg[0], &end, 10);
	return *end != '\0' || errno != 0 ? 0 : (int64_t)id;
}

/* GET /admin/import/:id.json: the run, for the page's script. */
int
page_admin_import_status_json(struct req *r)
{
	int64_t id = run_id(r);
	json_t *v;

	if (id == 0 || (v = run_model(r, id)) == NULL)
		return 404;
	http_send_json(r, 200, v);
	return 0;
}

/* GET /admin/import/:id: progress while it runs, the report after. */
int
page_admin_import_status(struct req *r)
{
	int64_t id = run_id(r);
	json_t *v;

	if (id == 0 || (v = run_model(r, id)) == NULL)
		return 404;
	return admin_render(r, 200, "admin/import_run", json_pack(
	    "{s:{s:s},s:O}", "page", "title", "Import", "run", v));
}

/* The upload form with status and msg (0: the page as it is). */
int
page_admin_import_form(struct req *r, int status, const char *msg)
{
	json_t *runs = NULL, *v;
	char when[64];
	size_t i;
	int64_t busy = store_import_run_busy(r->db);

	if (store_import_runs(r->db, RUNS_SHOWN, &runs) != STORE_OK)
		return 503;
	own_json(r, runs);
	json_array_foreach(runs, i, v) {
		admin_fmt_local(json_integer_value(json_object_get(v,
		    "created_at")), when, sizeof(when));
		json_object_set_new(v, "created", json_string(when));
	}
	return admin_render(r, status != 0 ? status : 200, "admin/import",
	    json_pack("{s:{s:s},s:O,s:I,s:s?,s:I,s:b}", "page", "title",
	    "Import", "runs", runs, "busy", (json_int_t)busy, "error",
	    msg, "max_mb", (json_int_t)(CONFIG_IMPORT_MAX(config) >> 20),
	    "has_runs", json_array_size(runs) > 0));
}

/* GET /admin/import */
int
page_admin_import(struct req *r)
{
	return page_admin_import_form(r, 0, NULL);
}
