/*
 * demo_awards.c — the demo's awards programmes (site.json's "awards"):
 * this year's, open for entries with a few already in and scored by two
 * judge accounts, and last year's with its shortlist and winners
 * published, for the archive.  Times are days from now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "db.h"
#include "demo.h"
#include "page.h"
#include "store.h"

#define DAY	86400

static const char sql_judge[] =
    "INSERT INTO users (email, display_name, password_hash, role,"
    " verified_at, created_at) VALUES ($1, $2, $3, 'member', $4, $4)"
    " RETURNING id";
static const char sql_event[] = "SELECT id FROM events WHERE slug = $1";

/* A failed step: what and the database's sentence into err; -1. */
static int
fail(struct db *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "awards: %s: %s", what, db_errmsg(db));
	return -1;
}

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static int64_t
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The entries of programme prog (categories cats, ids in order). */
static int
entries(struct db *db, int64_t prog, const int64_t *cats, size_t ncats,
    const json_t *list, const int64_t *judges, size_t njudges, int64_t now,
    char *err, size_t errlen)
{
	struct award_arg a[13];
	const json_t *e, *s;
	char hash[80], *answers;
	json_t *ans, *x;
	int64_t id, c;
	size_t i, k;
	int rc;

	json_array_foreach(list, i, e) {
		if ((c = num(e, "category")) < 0 || (size_t)c >= ncats) {
			snprintf(err, errlen, "awards: entry %zu: no category "
			    "%lld", i, (long long)c);
			return -1;
		}
		ans = json_array();
		json_array_foreach(json_object_get(e, "answers"), k, x)
			json_array_append_new(ans, json_pack("{s:s,s:O}", "q",
			    page_award_question(k), "a", x));
		answers = json_dumps(ans, JSON_COMPACT);
		json_decref(ans);
		/* No link reaches a demo entry: its hash is no token's. */
		snprintf(hash, sizeof(hash), "demo-%lld-%zu", (long long)prog,
		    i);
		a[0] = (struct award_arg)AWARD_INT(prog);
		a[1] = (struct award_arg)AWARD_INT(cats[c]);
		a[2] = (struct award_arg)AWARD_STR(str(e, "name"));
		a[3] = (struct award_arg)AWARD_STR(str(e, "email"));
		a[4] = (struct award_arg)AWARD_STR(str(e, "company"));
		a[5] = (struct award_arg)AWARD_STR(str(e, "job_title"));
		a[6] = (struct award_arg)AWARD_STR(str(e, "title"));
		a[7] = (struct award_arg)AWARD_STR(answers != NULL ? answers :
		    "[]");
		a[8] = (struct award_arg)AWARD_STR("");
		a[9] = (struct award_arg)AWARD_STR("");
		a[10] = (struct award_arg)AWARD_STR("");
		a[11] = (struct award_arg)AWARD_STR(hash);
		a[12] = (struct award_arg)AWARD_INT(now - (int64_t)(20 - i) *
		    DAY);
		rc = store_award_run(db, AWARD_ENTRY_INSERT, a, 13, &id);
		free(answers);
		if (rc != STORE_OK)
			return fail(db, str(e, "title"), err, errlen);
		if (strcmp(str(e, "status"), "submitted") != 0) {
			a[0] = (struct award_arg)AWARD_INT(id);
			a[1] = (struct award_arg)AWARD_STR(str(e, "status"));
			a[2] = (struct award_arg)AWARD_INT(now);
			if (store_award_run(db, AWARD_ENTRY_MARK, a, 3, NULL) !=
			    STORE_OK)
				return fail(db, str(e, "title"), err, errlen);
		}
		json_array_foreach(json_object_get(e, "scores"), k, s) {
			if (k >= njudges)
				break;
			a[0] = (struct award_arg)AWARD_INT(id);
			a[1] = (struct award_arg)AWARD_INT(judges[k]);
			a[2] = (struct award_arg)AWARD_INT(
			    json_integer_value(s));
			a[3] = (struct award_arg)AWARD_STR("");
			a[4] = (struct award_arg)AWARD_INT(now);
			if (store_award_run(db, AWARD_SCORE_SET, a, 5, NULL) !=
			    STORE_OK)
				return fail(db, "a score", err, errlen);
		}
	}
	return 0;
}

/* One programme with its categories, judges and entries. */
static int
programme(struct db *db, const json_t *p, const json_t *judge_list,
    const int64_t *judges, size_t njudges, int64_t now, char *err,
    size_t errlen)
{
	struct award_arg a[10];
	struct db_stmt *st;
	const json_t *c, *j;
	int64_t prog, event = 0, cats[16];
	size_t i, k, n = 0;

	if (str(p, "event")[0] != '\0') {
		if ((st = db_stmt(db, sql_event)) == NULL)
			return fail(db, "events", err, errlen);
		db_bind_str(st, 1, str(p, "event"));
		if (db_step(st) == DB_ROW)
			event = db_col_int(st, 0);
		db_reset(st);
	}
	a[0] = (struct award_arg)AWARD_STR(str(p, "slug"));
	a[1] = (struct award_arg)AWARD_INT(num(p, "year"));
	a[2] = (struct award_arg)AWARD_STR(str(p, "title"));
	a[3] = (struct award_arg)AWARD_STR(str(p, "intro"));
	a[4] = (struct award_arg)AWARD_INT(now + num(p, "opens") * DAY);
	a[5] = (struct award_arg)AWARD_INT(now + num(p, "closes") * DAY);
	a[6] = (struct award_arg)AWARD_INT(event);
	if (event == 0)
		a[6] = (struct award_arg)AWARD_NULL;
	a[7] = (struct award_arg)AWARD_STR("published");
	a[8] = (struct award_arg)AWARD_INT(now);
	if (store_award_run(db, AWARD_PROG_INSERT, a, 9, &prog) != STORE_OK)
		return fail(db, str(p, "slug"), err, errlen);
	json_array_foreach(json_object_get(p, "categories"), i, c) {
		if (n == sizeof(cats) / sizeof(cats[0]))
			break;
		a[0] = (struct award_arg)AWARD_INT(prog);
		a[1] = (struct award_arg)AWARD_STR(str(c, "name"));
		a[2] = (struct award_arg)AWARD_STR(str(c, "criteria"));
		if (store_award_run(db, AWARD_CAT_INSERT, a, 3, &cats[n]) !=
		    STORE_OK)
			return fail(db, str(c, "name"), err, errlen);
		/* This year's judges sit on every category. */
		json_array_foreach(judge_list, k, j) {
			if (json_object_get(p, "shortlist") != NULL)
				break;
			a[0] = (struct award_arg)AWARD_INT(cats[n]);
			a[1] = (struct award_arg)AWARD_STR(str(j, "email"));
			if (store_award_run(db, AWARD_JUDGE_ADD, a, 2, NULL) !=
			    STORE_OK)
				return fail(db, "a judge", err, errlen);
		}
		n++;
	}
	if (entries(db, prog, cats, n, json_object_get(p, "entries"), judges,
	    njudges, now, err, errlen) != 0)
		return -1;
	if (json_object_get(p, "shortlist") == NULL)
		return 0;
	a[0] = (struct award_arg)AWARD_INT(prog);
	a[1] = (struct award_arg)AWARD_INT(now + num(p, "shortlist") * DAY);
	a[2] = (struct award_arg)AWARD_INT(now + num(p, "winners") * DAY);
	if (store_award_run(db, AWARD_PROG_PUBLISH, a, 3, NULL) != STORE_OK)
		return fail(db, "publish", err, errlen);
	return 0;
}

int
demo_awards(struct db *db, const json_t *awards, int64_t now, char *err,
    size_t errlen)
{
	const json_t *list = json_object_get(awards, "judges"), *j, *p;
	unsigned char secret[24];
	char pw[64], hash[crypto_pwhash_STRBYTES];
	struct db_stmt *st;
	int64_t judges[8];
	size_t i, n = 0;

	json_array_foreach(list, i, j) {
		if (n == sizeof(judges) / sizeof(judges[0]))
			break;
		/*
		 * A password nobody knows: a judge of the demo chooses her
		 * own with "Forgot your password?".
		 */
		randombytes_buf(secret, sizeof(secret));
		sodium_bin2hex(pw, sizeof(pw), secret, sizeof(secret));
		if (auth_password_hash(pw, hash, sizeof(hash)) != 0) {
			snprintf(err, errlen, "awards: hashing a password");
			return -1;
		}
		if ((st = db_stmt(db, sql_judge)) == NULL)
			return fail(db, "judges", err, errlen);
		db_bind_str(st, 1, str(j, "email"));
		db_bind_str(st, 2, str(j, "name"));
		db_bind_str(st, 3, hash);
		db_bind_int(st, 4, now);
		if (db_step(st) != DB_ROW) {
			db_reset(st);
			return fail(db, str(j, "email"), err, errlen);
		}
		judges[n++] = db_col_int(st, 0);
		db_reset(st);
	}
	json_array_foreach(json_object_get(awards, "programmes"), i, p)
		if (programme(db, p, list, judges, n, now, err, errlen) != 0)
			return -1;
	return 0;
}
