/*
 * main.c — the command line: serve, demo, migrate, reindex, migrate-db,
 * export, import, user (add, list, set-role), token add, media check,
 * mail test, help.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "cache.h"
#include "config.h"
#include "copy.h"
#include "db.h"
#include "demo.h"
#include "edit.h"
#include "export.h"
#include "geoip.h"
#include "http.h"
#include "image.h"
#include "import.h"
#include "jobs.h"
#include "mail.h"
#include "media.h"
#include "newsletter.h"
#include "resource.h"
#include "migrate.h"
#include "page.h"
#include "pool.h"
#include "purge.h"
#include "registration.h"
#include "router.h"
#include "store.h"
#include "theme.h"
#include "util.h"
#include "view.h"
#include "webhook.h"
#include "ap.h"

static void
usage(FILE *f)
{
	fputs("usage: masthead COMMAND [--config FILE] [--SETTING VALUE ...]\n"
	    "\n"
	    "commands:\n"
	    "  serve     serve the site over HTTP until SIGINT or SIGTERM\n"
	    "  demo      create the database (--db) and load the demo content\n"
	    "  migrate   apply pending schema migrations to --db and exit\n"
	    "  reindex   rebuild the search index of --db, with a progress bar\n"
	    "  migrate-db --from DB --to DB\n"
	    "            copy a whole site into an empty database (a SQLite\n"
	    "            file or a postgres:// URL, either way), with a\n"
	    "            progress bar, and check the row counts\n"
	    "  export --format json|wxr [--with-secrets] FILE\n"
	    "            write the whole publication of --db to FILE (- for\n"
	    "            standard output): masthead's own JSON, which import\n"
	    "            reads back, or WordPress's WXR 1.2; --with-secrets\n"
	    "            adds password hashes and signing keys to the JSON\n"
	    "  user add [--role ROLE] [--name NAME] [--author SLUG] EMAIL\n"
	    "            add an account (password from the terminal, or from\n"
	    "            standard input when it is not one); ROLE is member,\n"
	    "            contributor, author, editor or admin; SLUG links the\n"
	    "            account to an author profile\n"
	    "  user list             list the accounts\n"
	    "  user set-role EMAIL ROLE\n"
	    "  token add [--name NAME] EMAIL\n"
	    "            create an API token for the admin API; it is shown once\n"
	    "  media check [--repair]\n"
	    "            list the images and white papers whose files are\n"
	    "            missing from media_dir; --repair makes an image's\n"
	    "            missing widths again from a file of it left at full\n"
	    "            size and lists what cannot be restored\n"
	    "  import [--dry-run] [--media-from DIR] [--accounts] [--members]"
	    "\n         [--progress=bar|lines] FILE...\n"
	    "            import a WordPress export (WXR) or a Ghost JSON\n"
	    "            export into --db, keeping the old addresses as\n"
	    "            redirects; running it again changes nothing\n"
	    "            (docs/import.md); or masthead's own JSON export\n"
	    "            into an empty --db, the same site again\n"
	    "            (docs/export.md)\n"
	    "  mail test EMAIL\n"
	    "            send a test message through the mail settings (as a\n"
	    "            job: a running server sends it)\n"
	    "  help      show this text\n"
	    "\n"
	    "Every setting can also be given in the config file as\n"
	    "\"key = value\" and in the environment as MASTHEAD_KEY; flags\n"
	    "win over the environment, which wins over the file.\n"
	    "\n"
	    "settings:\n", f);
	config_usage(f);
}

/* Parses [--config FILE] [--key value | --key=value]... into config. */
static int
parse_args(int argc, char **argv, char *err, size_t errlen)
{
	const char *file = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 == argc) {
				snprintf(err, errlen, "--config needs a file");
				return -1;
			}
			file = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			file = argv[i] + 9;
		}
	}
	if (file != NULL && config_load_file(&config, file, err, errlen) != 0)
		return -1;
	if (config_load_env(&config, err, errlen) != 0)
		return -1;
	for (i = 0; i < argc; i++) {
		char key[64], msg[512];
		const char *arg = argv[i], *val, *eq;
		size_t klen;

		if (strncmp(arg, "--", 2) != 0) {
			snprintf(err, errlen, "unexpected argument \"%s\"", arg);
			return -1;
		}
		arg += 2;
		if ((eq = strchr(arg, '=')) != NULL) {
			klen = (size_t)(eq - arg);
			val = eq + 1;
		} else {
			klen = strlen(arg);
			if (i + 1 == argc) {
				snprintf(err, errlen, "--%s needs a value", arg);
				return -1;
			}
			val = argv[++i];
		}
		if (klen >= sizeof(key)) {
			snprintf(err, errlen, "unknown option --%.40s", arg);
			return -1;
		}
		memcpy(key, arg, klen);
		key[klen] = '\0';
		if (strcmp(key, "config") == 0)
			continue;
		if (config_set(&config, key, val, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "--%s: %s", key, msg);
			return -1;
		}
	}
	return 0;
}

static int
db_is_url(void)
{
	return strncmp(config.db, "postgres://", 11) == 0 ||
	    strncmp(config.db, "postgresql://", 13) == 0;
}

/* --db as it may be printed: a URL's password becomes "***". */
static const char *
db_shown(char *out, size_t outsz)
{
	const char *u = config.db, *auth, *at, *colon;

	if (!db_is_url() || (auth = strstr(u, "://")) == NULL)
		return u;
	auth += 3;
	at = strchr(auth, '@');
	colon = strchr(auth, ':');
	if (at == NULL || colon == NULL || colon > at ||
	    memchr(auth, '/', (size_t)(at - auth)) != NULL)
		return u;
	snprintf(out, outsz, "%.*s***%s", (int)(colon + 1 - u), u, at);
	return out;
}

/* A directory setting left empty is name beside the SQLite file. */
static void
resolve_dir(char **setting, const char *name)
{
	char *copy, *dir, path[4096];

	if ((*setting)[0] != '\0')
		return;
	if (db_is_url()) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		copy = xstrdup(config.db);
		dir = dirname(copy);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		free(copy);
	}
	free(*setting);
	*setting = xstrdup(path);
}

static void
resolve_media_dir(void)
{
	resolve_dir(&config.media_dir, "media");
	resolve_dir(&config.outbox_dir, "outbox");
	resolve_dir(&config.import_dir, "imports");
}

static void
reindex_progress(int64_t done, int64_t total)
{
	copy_progress("search index", done, total, done >= total);
}

/*
 * Opens --db and brings its schema up to date, and its search index
 * when it has none (unless the caller rebuilds it anyway).
 */
static struct db *
open_db_index(int build_index)
{
	char err[1024];
	struct db *db;

	if ((db = db_open(config.db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "masthead: %s\n", err);
		return NULL;
	}
	if (migrate_run(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: migration failed: %s\n", err);
		db_close(db);
		return NULL;
	}
	/*
	 * A site from before search, or one whose index was lost: build it
	 * once, so search finds what is published.
	 */
	if (build_index && store_search_missing(db)) {
		fputs("masthead: building the search index\n", stderr);
		if (store_search_rebuild(db, reindex_progress) != STORE_OK) {
			fprintf(stderr, "masthead: search index: %s\n",
			    db_errmsg(db));
			db_close(db);
			return NULL;
		}
	}
	return db;
}

static struct db *
open_db(void)
{
	return open_db_index(1);
}

static int
cmd_reindex(void)
{
	char shown[1024];
	struct db *db;
	uint64_t t0;
	int rc;

	if ((db = open_db_index(0)) == NULL)
		return 1;
	t0 = now_mono_usec();
	rc = store_search_rebuild(db, reindex_progress);
	if (rc != STORE_OK)
		fprintf(stderr, "masthead: reindex: %s\n", db_errmsg(db));
	else
		fprintf(stderr, "masthead: search index of %s rebuilt in "
		    "%.2f s\n", db_shown(shown, sizeof(shown)),
		    (double)(now_mono_usec() - t0) / 1e6);
	db_close(db);
	return rc == STORE_OK ? 0 : 1;
}

static int
cmd_demo(void)
{
	char err[1024], shown[1024];
	struct db *db;
	uint64_t t0 = now_mono_usec();
	int rc;

	if ((db = open_db()) == NULL)
		return 1;
	rc = demo_load(db, config.media_dir, err, sizeof(err));
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "masthead: demo: %s\n", err);
		return 1;
	}
	fprintf(stderr, "masthead: demo content loaded into %s in %.2f s\n",
	    db_shown(shown, sizeof(shown)),
	    (double)(now_mono_usec() - t0) / 1e6);
	return 0;
}

static int
cmd_migrate(void)
{
	char shown[1024];
	struct db *db;

	if ((db = open_db()) == NULL)
		return 1;
	db_close(db);
	fprintf(stderr, "masthead: %s is up to date\n",
	    db_shown(shown, sizeof(shown)));
	return 0;
}

/* The options of the user and token commands, taken out of argv. */
struct acct_opts {
	const char	*role;
	const char	*name;
	const char	*author;
	const char	*pos[2];	/* positional arguments */
	int		 npos;
};

/*
 * Moves the account options and positional arguments out of argv,
 * leaving the settings (--db ...) for parse_args.  Returns the new argc.
 */
static int
take_acct_opts(int argc, char **argv, struct acct_opts *o, char *err,
    size_t errlen)
{
	int i, n = 0;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		const char **dst = NULL;

		if (strcmp(argv[i], "--role") == 0)
			dst = &o->role;
		else if (strcmp(argv[i], "--name") == 0)
			dst = &o->name;
		else if (strcmp(argv[i], "--author") == 0)
			dst = &o->author;
		if (dst != NULL) {
			if (i + 1 == argc) {
				snprintf(err, errlen, "%s needs a value", argv[i]);
				return -1;
			}
			*dst = argv[++i];
		} else if (strncmp(argv[i], "--", 2) != 0) {
			if (o->npos == 2) {
				snprintf(err, errlen, "unexpected argument \"%s\"",
				    argv[i]);
				return -1;
			}
			o->pos[o->npos++] = argv[i];
		} else {
			argv[n++] = argv[i];
			if (i + 1 < argc && strchr(argv[i], '=') == NULL)
				argv[n++] = argv[++i];
		}
	}
	return n;
}

/* Reads a password: from the terminal without echo, else one line of stdin. */
static int
read_password(char *pw, size_t n)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t len;

	if (tty) {
		fputs("password: ", stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (fgets(pw, (int)n, stdin) == NULL)
		pw[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	len = strlen(pw);
	while (len > 0 && (pw[len - 1] == '\n' || pw[len - 1] == '\r'))
		pw[--len] = '\0';
	return 0;
}

#define PASSWORD_MIN	10
#define PASSWORD_MAX	1024

static const char *const store_msgs[STORE__MAX] = {
	[STORE_OK] = "done",
	[STORE_NOTFOUND] = "no such account or author",
	[STORE_INVALID] = "invalid input",
	[STORE_CONFLICT] = "that email already has an account",
	[STORE_BUSY] = "the database is busy or unreachable",
	[STORE_ERROR] = "database error",
};

/*
 * Reads the options of a user or token command; 0, or 2 after saying
 * why.  The EMAIL is lowercased, as the site's forms store and look up
 * addresses.
 */
static int
acct_args(int argc, char **argv, struct acct_opts *o)
{
	char err[1024], *p;

	if ((argc = take_acct_opts(argc - 1, argv + 1, o, err,
	    sizeof(err))) < 0 || parse_args(argc, argv + 1, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 2;
	}
	if (o->npos > 0) {
		for (p = (char *)o->pos[0]; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	return 0;
}

static int
cmd_user(int argc, char **argv)
{
	char pw[PASSWORD_MAX + 2], hash[256], email[EMAIL_NORM_MAX + 1];
	struct acct_opts o;
	struct db *db;
	json_t *list, *u;
	int64_t id;
	size_t i;
	int rc, role = ROLE_MEMBER;

	if (argc < 1) {
		fputs("masthead: user needs add, list or set-role\n", stderr);
		return 2;
	}
	if (acct_args(argc, argv, &o) != 0)
		return 2;
	if (o.role != NULL && (role = role_parse(o.role)) < 0) {
		fprintf(stderr, "masthead: unknown role \"%s\"\n", o.role);
		return 2;
	}
	if (strcmp(argv[0], "add") == 0) {
		if (o.npos != 1 || email_norm(o.pos[0], email,
		    sizeof(email)) != 0) {
			fputs("masthead: user add needs one valid EMAIL\n", stderr);
			return 2;
		}
		read_password(pw, sizeof(pw));
		if (strlen(pw) < PASSWORD_MIN || strlen(pw) > PASSWORD_MAX) {
			fprintf(stderr, "masthead: a password has %d to %d "
			    "characters\n", PASSWORD_MIN, PASSWORD_MAX);
			return 2;
		}
		if (auth_password_hash(pw, hash, sizeof(hash)) != 0) {
			fputs("masthead: cannot hash the password\n", stderr);
			return 1;
		}
		sodium_memzero(pw, sizeof(pw));
		if ((db = open_db()) == NULL)
			return 1;
		rc = store_user_add(db, email, o.name != NULL ? o.name :
		    email, hash, role, o.author, &id);
		db_close(db);
		if (rc != STORE_OK) {
			fprintf(stderr, "masthead: %s\n", store_msgs[rc]);
			return 1;
		}
		printf("added %s (%s), id %lld\n", email,
		    role_name(role), (long long)id);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		if ((db = open_db()) == NULL)
			return 1;
		rc = store_user_list(db, &list);
		db_close(db);
		if (rc != STORE_OK) {
			fprintf(stderr, "masthead: %s\n", store_msgs[rc]);
			return 1;
		}
		json_array_foreach(list, i, u)
			printf("%-6lld %-12s %s%s%s\n", (long long)
			    json_integer_value(json_object_get(u, "id")),
			    json_string_value(json_object_get(u, "role")),
			    json_string_value(json_object_get(u, "email")),
			    json_is_string(json_object_get(u, "author_slug")) ?
			    " author:" : "",
			    json_is_string(json_object_get(u, "author_slug")) ?
			    json_string_value(json_object_get(u, "author_slug")) :
			    "");
		json_decref(list);
		return 0;
	}
	if (strcmp(argv[0], "set-role") == 0) {
		if (o.npos != 2 || (role = role_parse(o.pos[1])) < 0) {
			fputs("masthead: user set-role needs EMAIL and a ROLE\n",
			    stderr);
			return 2;
		}
		if ((db = open_db()) == NULL)
			return 1;
		/* An account is found by its address as it was stored. */
		if (email_norm(o.pos[0], email, sizeof(email)) != 0)
			strlcpy_(email, o.pos[0], sizeof(email));
		rc = store_user_set_role(db, email, role);
		db_close(db);
		if (rc != STORE_OK) {
			fprintf(stderr, "masthead: %s\n", store_msgs[rc]);
			return 1;
		}
		printf("%s is now %s\n", o.pos[0], role_name(role));
		return 0;
	}
	fprintf(stderr, "masthead: unknown user command \"%s\"\n", argv[0]);
	return 2;
}

static int
cmd_token(int argc, char **argv)
{
	char token[64], hash[65], email[EMAIL_NORM_MAX + 1];
	struct acct_opts o;
	struct db *db;
	int rc;

	if (argc < 1 || strcmp(argv[0], "add") != 0) {
		fputs("masthead: usage: token add [--name NAME] EMAIL\n", stderr);
		return 2;
	}
	if (acct_args(argc, argv, &o) != 0)
		return 2;
	if (o.npos != 1) {
		fputs("masthead: token add needs the account's EMAIL\n", stderr);
		return 2;
	}
	if ((db = open_db()) == NULL)
		return 1;
	auth_token_new(token, hash);
	if (email_norm(o.pos[0], email, sizeof(email)) != 0)
		strlcpy_(email, o.pos[0], sizeof(email));
	rc = store_token_add(db, email, o.name != NULL ? o.name : "", hash);
	db_close(db);
	if (rc != STORE_OK) {
		fprintf(stderr, "masthead: %s\n", store_msgs[rc]);
		return 1;
	}
	printf("%s\n", token);
	return 0;
}

static int
cmd_mail(int argc, char **argv)
{
	char err[1024], email[EMAIL_NORM_MAX + 1];
	struct acct_opts o;
	struct db *db;
	int rc;

	if (argc < 1 || strcmp(argv[0], "test") != 0) {
		fputs("masthead: usage: mail test EMAIL\n", stderr);
		return 2;
	}
	if (acct_args(argc, argv, &o) != 0)
		return 2;
	resolve_media_dir();
	if (o.npos != 1 || email_norm(o.pos[0], email, sizeof(email)) != 0) {
		fputs("masthead: mail test needs one valid EMAIL\n", stderr);
		return 2;
	}
	if (mail_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 1;
	}
	if ((db = open_db()) == NULL)
		return 1;
	if ((rc = db_begin_write(db)) == DB_OK) {
		rc = mail_queue(db, NULL, email, "masthead test message",
		    "This message tests the mail settings of masthead.\n",
		    "<p>This message tests the mail settings of "
		    "<b>masthead</b>.</p>\n");
		if (rc == STORE_OK && db_commit(db) != DB_OK)
			rc = STORE_BUSY;
		if (rc != STORE_OK)
			db_rollback(db);
	} else {
		rc = STORE_BUSY;
	}
	db_close(db);
	mail_free();
	if (rc != STORE_OK) {
		fprintf(stderr, "masthead: %s\n", store_msgs[rc]);
		return 1;
	}
	printf("queued a test message to %s\n", email);
	return 0;
}

static int
cmd_migrate_db(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	char err[1024];
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else {
			fprintf(stderr, "masthead: migrate-db takes --from DB "
			    "--to DB\n");
			return 2;
		}
	}
	if (from == NULL || to == NULL || strcmp(from, to) == 0) {
		fputs("masthead: migrate-db needs --from DB and another --to DB\n",
		    stderr);
		return 2;
	}
	if (copy_site(from, to, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: migrate-db: %s\n", err);
		return 1;
	}
	fputs("masthead: the site is copied; media files are not in the "
	    "database: copy media_dir too\n", stderr);
	return 0;
}

/*
 * One argument of a command that takes a FILE: the FILE (anything not
 * starting with "--", "-" for a standard stream), or a setting with its
 * value, kept in args for parse_args.  -1 on a second FILE or too many
 * settings.
 */
static int
file_or_setting(int argc, char **argv, int *i, const char **file,
    char **args, int *n, int max)
{
	const char *a = argv[*i];

	if (strncmp(a, "--", 2) != 0) {
		if (*file != NULL)
			return -1;
		*file = a;
		return 0;
	}
	if (*n + 2 > max)
		return -1;
	args[(*n)++] = argv[*i];
	if (strchr(a, '=') == NULL && *i + 1 < argc)
		args[(*n)++] = argv[++*i];
	return 0;
}

/* The writer of /admin/export: never with secrets. */
static int
export_for_admin(struct db *db, int wxr, const char *site, FILE *f, char *err,
    size_t errsz)
{
	struct export_opts o = { wxr ? EXPORT_WXR : EXPORT_JSON, 0, site };

	return export_write(db, &o, f, err, errsz);
}

/*
 * export --format json|wxr [--with-secrets] FILE [--db DB ...]: 0, 1 when
 * the export failed (FILE is then removed), 2 for a wrong command line.
 */
static int
cmd_export(int argc, char **argv)
{
	struct export_opts o = { EXPORT_JSON, 0, NULL };
	const char *file = NULL, *fmt = NULL;
	char err[1024], site[512], *args[64];
	struct db *db;
	FILE *f;
	int i, n = 0, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			fmt = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			fmt = argv[i] + 9;
		else if (strcmp(argv[i], "--with-secrets") == 0)
			o.secrets = 1;
		else if (file_or_setting(argc, argv, &i, &file, args, &n,
		    (int)ARRAY_SIZE(args)) != 0) {
			fputs("masthead: export takes one FILE\n", stderr);
			return 2;
		}
	}
	if (fmt == NULL || (rc = export_format_parse(fmt)) < 0) {
		fprintf(stderr, "masthead: export needs --format json or "
		    "--format wxr%s%s%s\n", fmt != NULL ? " (not \"" : "",
		    fmt != NULL ? fmt : "", fmt != NULL ? "\")" : "");
		return 2;
	}
	o.format = (enum export_format)rc;
	if (file == NULL) {
		fputs("masthead: export needs a FILE to write (- for standard "
		    "output)\n", stderr);
		return 2;
	}
	if (o.secrets && o.format != EXPORT_JSON) {
		fputs("masthead: --with-secrets is for --format json\n", stderr);
		return 2;
	}
	if (parse_args(n, args, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 2;
	}
	resolve_media_dir();
	o.site_url = config_site_url(site, sizeof(site));
	/* Links are written as site_url + "/path". */
	if (o.site_url != site) {
		snprintf(site, sizeof(site), "%s", o.site_url);
		o.site_url = site;
	}
	if (site[0] != '\0' && site[strlen(site) - 1] == '/')
		site[strlen(site) - 1] = '\0';
	if ((db = open_db_index(0)) == NULL)
		return 1;
	if (strcmp(file, "-") == 0)
		f = stdout;
	else if ((f = fopen(file, "w")) == NULL) {
		fprintf(stderr, "masthead: %s: %s\n", file, strerror(errno));
		db_close(db);
		return 1;
	}
	rc = export_write(db, &o, f, err, sizeof(err));
	db_close(db);
	if (f != stdout && fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "%s: %s", file, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "masthead: export: %s\n", err);
		if (f != stdout)
			unlink(file);
		return 1;
	}
	return 0;
}

/*
 * media check [--repair]: the files the database names, against
 * media_dir (a directory lost, or restored from an older backup than
 * the database).  0 when every file is there (after the repair), 1 when
 * some are still missing, 2 for a wrong command line.
 */
static int
cmd_media(int argc, char **argv)
{
	char err[1024], *args[64];
	struct db *db;
	int i, n = 0, repair = 0, rc;

	if (argc < 1 || strcmp(argv[0], "check") != 0) {
		fputs("masthead: media needs check [--repair]\n", stderr);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--repair") == 0)
			repair = 1;
		else if (n < (int)ARRAY_SIZE(args))
			args[n++] = argv[i];
	}
	if (parse_args(n, args, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 2;
	}
	resolve_media_dir();
	if ((db = open_db_index(0)) == NULL)
		return 1;
	rc = media_check(db, repair, stdout);
	if (rc < 0)
		fprintf(stderr, "masthead: media check: %s\n", db_errmsg(db));
	db_close(db);
	return rc == 0 ? 0 : 1;
}

/* Frees what a server thread kept, as it ends. */
static void
serve_thread_done(void)
{
	page_thread_done();
	cache_thread_done();
}

/*
 * What /metrics reads when scraped, on the metrics thread: the cache's
 * counters and the job queue, through a connection of that thread's
 * own, opened at its first scrape (and opened again after a failure).
 */
static void
serve_gauges(struct buf *b)
{
	static struct db *db;
	struct cache_stats cs;
	char err[256];

	cache_stats(&cs);
	buf_printf(b, "# HELP masthead_cache_hits_total Pages sent from the "
	    "page cache.\n# TYPE masthead_cache_hits_total counter\n"
	    "masthead_cache_hits_total %llu\n"
	    "# HELP masthead_cache_misses_total Cacheable pages that had to "
	    "be rendered.\n# TYPE masthead_cache_misses_total counter\n"
	    "masthead_cache_misses_total %llu\n"
	    "# HELP masthead_cache_evictions_total Pages dropped to stay "
	    "within cache_size.\n# TYPE masthead_cache_evictions_total "
	    "counter\nmasthead_cache_evictions_total %llu\n",
	    (unsigned long long)cs.hits, (unsigned long long)cs.misses,
	    (unsigned long long)cs.evicted);
	if (db == NULL && (db = db_open(config.db, err, sizeof(err))) == NULL)
		fprintf(stderr, "masthead: metrics: %s\n", err);
	jobs_metrics(b, db);
}

static const struct http_app serve_app = {
	router_dispatch, router_error, serve_thread_done, router_quick,
	router_kind, serve_gauges,
};

/*
 * import [--dry-run] [--media-from DIR] [--accounts] [--members]
 * [--progress=bar|lines] FILE...: each file in its own transaction, a
 * summary on standard output; progress on standard error, as a bar
 * redrawn in place on a terminal and as lines otherwise, unless
 * --progress says which.  0
 * when every file was read, 1 when one failed (that file changed
 * nothing), 2 for a wrong command line.
 */
static int
cmd_import(int argc, char **argv)
{
	struct import_opts o;
	struct import_report rep;
	char err[1024], *args[64];
	const char *files[64];
	struct db *db;
	int i, n = 0, nf = 0, k, rc = 0;

	memset(&o, 0, sizeof(o));
	o.progress = IMPORT_PROGRESS_AUTO;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--progress=bar") == 0)
			o.progress = IMPORT_PROGRESS_BAR;
		else if (strcmp(argv[i], "--progress=lines") == 0)
			o.progress = IMPORT_PROGRESS_LINES;
		else if (strcmp(argv[i], "--dry-run") == 0)
			o.dry_run = 1;
		else if (strcmp(argv[i], "--accounts") == 0)
			o.accounts = 1;
		else if (strcmp(argv[i], "--members") == 0)
			o.members = 1;
		else if (strcmp(argv[i], "--media-from") == 0 && i + 1 < argc)
			o.media_from = argv[++i];
		else if (strncmp(argv[i], "--", 2) == 0 && n + 1 <
		    (int)ARRAY_SIZE(args)) {
			args[n++] = argv[i];
			/* A setting's value, unless written --key=value. */
			if (strchr(argv[i], '=') == NULL && i + 1 < argc)
				args[n++] = argv[++i];
		} else if (strncmp(argv[i], "--", 2) != 0 &&
		    nf < (int)ARRAY_SIZE(files))
			files[nf++] = argv[i];
		else {
			fprintf(stderr, "masthead: import: too many "
			    "arguments\n");
			return 2;
		}
	}
	if (nf == 0) {
		fputs("masthead: usage: import [--dry-run] [--media-from DIR] "
		    "[--accounts] [--members] [--progress=bar|lines] "
		    "FILE...\n", stderr);
		return 2;
	}
	if (parse_args(n, args, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 2;
	}
	resolve_media_dir();
	if ((db = open_db()) == NULL)
		return 1;
	for (i = 0; i < nf; i++) {
		k = import_file(db, files[i], &o, &rep, err, sizeof(err));
		json_decref(rep.notes);
		if (k != 0) {
			fprintf(stderr, "masthead: import: %s\n", err);
			fprintf(stderr, "masthead: import: nothing of %s was "
			    "written\n", files[i]);
			rc = 1;
			continue;
		}
		printf("%s%s: %lld items read in %.2f s\n", o.dry_run ?
		    "dry run, nothing written: " : "", files[i],
		    (long long)rep.items,
		    (double)(now_mono_usec() - rep.started) / 1e6);
		for (k = 0; k < IMPORT_KIND__MAX; k++)
			if (rep.added[k] != 0 || rep.kept[k] != 0)
				printf("  %-11s %8lld added %8lld already "
				    "there\n", import_kind_name(k),
				    (long long)rep.added[k],
				    (long long)rep.kept[k]);
		if (rep.skipped != 0)
			printf("  %-11s %8lld\n", "left out",
			    (long long)rep.skipped);
		if (rep.media_missing != 0)
			printf("  %-11s %8lld (links kept)\n", "media missing",
			    (long long)rep.media_missing);
	}
	db_close(db);
	return rc;
}

static int
cmd_serve(void)
{
	char err[1024], tz[128], url[640], site[256];
	struct db *db;
	int rc;

	if ((db = open_db()) == NULL)
		return 1;
	/* The site's time zone: the setting wins over the database's. */
	view_set_timezone(config.timezone[0] != '\0' ? config.timezone :
	    store_setting(db, "timezone", "UTC", tz, sizeof(tz)));
	/* The key that signs newsletter links, made on the first start. */
	if (newsletter_init(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		db_close(db);
		return 1;
	}
	/* And the key that signs white papers' download links. */
	if (resource_init(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		db_close(db);
		return 1;
	}
	/*
	 * A site nobody can administer yet gets a one-time link that
	 * creates the owner's account in the browser (docs/accounts.md).
	 */
	if ((rc = page_staff_setup_link(db, url, sizeof(url))) < 0) {
		fprintf(stderr, "masthead: cannot store the setup link: %s\n",
		    db_errmsg(db));
		db_close(db);
		return 1;
	}
	if (rc == 0) {
		printf("Open %s to create the first admin account\n", url);
		fflush(stdout);
	}
	/* The From name of the site's mail, until mail_from says otherwise. */
	mail_set_site_name(store_setting(db, "site_name", "masthead", site,
	    sizeof(site)));
	/* The sites, by host name, for the loops (docs/sites.md). */
	if (store_sites_load(db) != STORE_OK) {
		fprintf(stderr, "masthead: sites: %s\n", db_errmsg(db));
		db_close(db);
		return 1;
	}
	db_close(db);
	if (theme_load(config.theme_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 1;
	}
	/* libcurl is set up before any thread starts, as it asks. */
	if (mail_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		theme_free();
		return 1;
	}
	/* Countries are read if a database is there; none is no error. */
	if (config.analytics && geoip_open(config.geoip) == 0)
		fprintf(stderr, "masthead: analytics: readers' countries are "
		    "unknown: %s\n", geoip_status());
	cache_init((size_t)config.cache_size);
	router_init();
	page_init();
	page_admin_export_init(export_for_admin);
	/* The layers below call up only through what is registered here. */
	bus_on_site_change(page_site_changed);
	bus_on_sites(store_sites_load);
	pool_on_thread_end(image_thread_done);
	if (purge_start(config.varnish, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		mail_free();
		return 1;
	}
	if (bus_start(config.db, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		purge_stop();
		mail_free();
		return 1;
	}
	/* Each kind of job is run by the module that owns it. */
	edit_jobs_init();
	mail_jobs_init();
	newsletter_jobs_init();
	registration_jobs_init();
	page_admin_trash_jobs_init();
	import_job_init();
	webhook_jobs_init();
	ap_jobs_init();
	if (jobs_start(config.db, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		bus_stop();
		purge_stop();
		mail_free();
		return 1;
	}
	if (pool_start(err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		jobs_stop();
		bus_stop();
		purge_stop();
		mail_free();
		return 1;
	}
	rc = http_serve(&serve_app, err, sizeof(err));
	pool_stop();
	jobs_stop();
	bus_stop();
	purge_stop();
	mail_free();
	cache_free();
	geoip_close();
	theme_free();
	if (rc != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;
	char err[1024];
	int i;

	config_defaults(&config);
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	/* These take positional arguments of their own. */
	if (strcmp(cmd, "user") == 0)
		return cmd_user(argc - 2, argv + 2);
	if (strcmp(cmd, "token") == 0)
		return cmd_token(argc - 2, argv + 2);
	if (strcmp(cmd, "mail") == 0)
		return cmd_mail(argc - 2, argv + 2);
	if (strcmp(cmd, "media") == 0)
		return cmd_media(argc - 2, argv + 2);
	if (strcmp(cmd, "migrate-db") == 0)
		return cmd_migrate_db(argc - 2, argv + 2);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc - 2, argv + 2);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 2, argv + 2);
	if (parse_args(argc - 2, argv + 2, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 2;
	}
	resolve_media_dir();
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve();
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo();
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate();
	if (strcmp(cmd, "reindex") == 0)
		return cmd_reindex();
	fprintf(stderr, "masthead: unknown command \"%s\" (see masthead --help)\n",
	    cmd);
	return 2;
}
