/*
 * main.c — the command line: serve, demo, migrate, help.
 */
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "http.h"
#include "migrate.h"
#include "store.h"
#include "theme.h"
#include "util.h"
#include "view.h"

static void
usage(FILE *f)
{
	fputs("usage: masthead COMMAND [--config FILE] [--SETTING VALUE ...]\n"
	    "\n"
	    "commands:\n"
	    "  serve     serve the site over HTTP until SIGINT or SIGTERM\n"
	    "  demo      create the database (--db) and load the demo content\n"
	    "  migrate   apply pending schema migrations to --db and exit\n"
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

/* media_dir defaults to "media" beside the SQLite file. */
static void
resolve_media_dir(void)
{
	char *copy, *dir, path[4096];

	if (config.media_dir[0] != '\0')
		return;
	if (strncmp(config.db, "postgres", 8) == 0) {
		snprintf(path, sizeof(path), "media");
	} else {
		copy = xstrdup(config.db);
		dir = dirname(copy);
		snprintf(path, sizeof(path), "%s/media", dir);
		free(copy);
	}
	free(config.media_dir);
	config.media_dir = xstrdup(path);
}

/* Opens --db and brings its schema up to date. */
static struct db *
open_db(void)
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
	return db;
}

static int
cmd_demo(void)
{
	char err[1024];
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
	    config.db, (double)(now_mono_usec() - t0) / 1e6);
	return 0;
}

static int
cmd_migrate(void)
{
	struct db *db;

	if ((db = open_db()) == NULL)
		return 1;
	db_close(db);
	fprintf(stderr, "masthead: %s is up to date\n", config.db);
	return 0;
}

static int
cmd_serve(void)
{
	char err[1024], tz[128];
	struct db *db;
	int rc;

	if ((db = open_db()) == NULL)
		return 1;
	/* The site's time zone: the setting wins over the database's. */
	view_set_timezone(config.timezone[0] != '\0' ? config.timezone :
	    store_setting(db, "timezone", "UTC", tz, sizeof(tz)));
	db_close(db);
	if (theme_load(config.theme_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "masthead: %s\n", err);
		return 1;
	}
	cache_init((size_t)config.cache_size);
	rc = http_serve(err, sizeof(err));
	cache_free();
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
	fprintf(stderr, "masthead: unknown command \"%s\" (see masthead --help)\n",
	    cmd);
	return 2;
}
