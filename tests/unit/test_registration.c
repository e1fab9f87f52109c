/*
 * test_registration.c — the registration store on SQLite: capacity and
 * the waitlist, a duplicate refused, a cancel promoting the first in
 * line, and the privacy helpers (a reader's registrations by address,
 * a deletion that only the address's owner can make and that promotes
 * like a cancel); and reg_questions(), the parser of the questions an
 * editor asks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "migrate.h"
#include "registration.h"
#include "store.h"
#include "util.h"

static struct db *db;
static char path[] = "/tmp/masthead-test-reg-XXXXXX";

static int
setup(void **state)
{
	char err[512];
	int fd;

	(void)state;
	if ((fd = mkstemp(path)) < 0)
		return -1;
	close(fd);
	if ((db = db_open(path, err, sizeof(err))) == NULL ||
	    migrate_run(db, err, sizeof(err)) != 0)
		return -1;
	return db_exec(db, "INSERT INTO events (id, slug, name, kind,"
	    " starts_at, ends_at, capacity) VALUES (1, 'expo', 'Expo',"
	    " 'conference', 4000000000, 4000003600, 2)") == DB_OK &&
	    db_exec(db, "INSERT INTO webinars (id, slug, title, starts_at)"
	    " VALUES (1, 'talk', 'Talk', 4000000000)") == DB_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	char f[64];

	(void)state;
	db_close(db);
	unlink(path);
	snprintf(f, sizeof(f), "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", path);
	unlink(f);
	return 0;
}

/* Registers email for target; the status it got, or "duplicate". */
static const char *
add(enum reg_kind k, const char *email, int64_t *id)
{
	struct registration_input in = { email, "Reader", "", "", "[]",
	    "I agree.", "192.0.2.1" };
	const char *st;
	int rc;

	assert_int_equal(db_begin_write(db), DB_OK);
	rc = registration_add(db, k, 1, &in, 1000, id, &st);
	if (rc == STORE_CONFLICT) {
		db_rollback(db);
		return "duplicate";
	}
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(db_commit(db), DB_OK);
	return st;
}

static const char *
status_of(int64_t id)
{
	static char s[32];
	json_t *r;

	if (store_registration_get(db, id, &r) != STORE_OK)
		return "gone";
	strlcpy_(s, json_string_value(json_object_get(r, "status")), sizeof(s));
	json_decref(r);
	return s;
}

static void
test_capacity_and_privacy(void **state)
{
	int64_t a, b, c, w, dup;
	json_t *list, *t;

	(void)state;
	assert_string_equal(add(REG_EVENT, "a@example.org", &a), "confirmed");
	assert_string_equal(add(REG_EVENT, "b@example.org", &b), "confirmed");
	assert_string_equal(add(REG_EVENT, "c@example.org", &c), "waitlisted");
	assert_string_equal(add(REG_EVENT, "a@example.org", &dup), "duplicate");
	assert_int_equal(dup, a);
	/* Unlimited: the webinar takes everyone. */
	assert_string_equal(add(REG_WEBINAR, "a@example.org", &w), "confirmed");
	assert_int_equal(store_reg_target(db, REG_EVENT, 1, &t), STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(t, "confirmed")), 2);
	assert_int_equal(json_integer_value(json_object_get(t, "waitlisted")),
	    1);
	assert_int_equal(json_integer_value(json_object_get(t, "capacity")), 2);
	json_decref(t);

	assert_int_equal(store_registrations_by_email(db, "a@example.org",
	    &list), STORE_OK);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "kind")), "event");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "title")), "Expo");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 1), "slug")), "talk");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 1), "consent")), "I agree.");
	json_decref(list);

	/* Only the owner's address deletes; the seat goes to c. */
	assert_int_equal(db_begin_write(db), DB_OK);
	assert_int_equal(registration_delete(db, a, "b@example.org"),
	    STORE_NOTFOUND);
	assert_int_equal(registration_delete(db, a, "a@example.org"),
	    STORE_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_string_equal(status_of(a), "gone");
	assert_string_equal(status_of(c), "confirmed");
	assert_int_equal(store_scalar(db, "SELECT count(*) FROM jobs WHERE"
	    " kind = 'registration' AND payload LIKE '%promoted%'", 0), 1);

	/* A cancel frees a seat; cancelling again frees nothing more. */
	assert_string_equal(add(REG_EVENT, "d@example.org", &w), "waitlisted");
	assert_int_equal(db_begin_write(db), DB_OK);
	assert_int_equal(registration_cancel(db, b, 2000), STORE_OK);
	assert_int_equal(registration_cancel(db, b, 2001), STORE_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_string_equal(status_of(b), "cancelled");
	assert_string_equal(status_of(w), "confirmed");
	/* The reader is told once, however often the cancel comes. */
	assert_int_equal(store_scalar(db, "SELECT count(*) FROM jobs WHERE"
	    " kind = 'registration' AND payload LIKE '%cancelled%'", 0), 1);
	assert_int_equal(db_begin_write(db), DB_OK);
	assert_int_equal(registration_delete(db, 999999, "x@example.org"),
	    STORE_NOTFOUND);
	assert_int_equal(db_commit(db), DB_OK);
}

static void
test_questions(void **state)
{
	const char *why;
	json_t *q;
	char many[400];
	int i;

	(void)state;
	q = reg_questions("  Company size* \n\n\r\nFavourite talk\r\n", &why);
	assert_non_null(q);
	assert_null(why);
	assert_int_equal(json_array_size(q), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(q, 0), "q")), "Company size");
	assert_true(json_is_true(json_object_get(json_array_get(q, 0),
	    "required")));
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(q, 1), "field")), "q2");
	assert_true(json_is_false(json_object_get(json_array_get(q, 1),
	    "required")));
	json_decref(q);
	q = reg_questions("", &why);
	assert_int_equal(json_array_size(q), 0);
	json_decref(q);
	assert_null(reg_questions(" * ", &why));
	assert_non_null(why);
	many[0] = '\0';
	for (i = 0; i < 11; i++)
		strcat(many, "Question?\n");
	assert_null(reg_questions(many, &why));
	assert_non_null(why);
	memset(many, 'x', 201);
	many[201] = '\0';
	assert_null(reg_questions(many, &why));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capacity_and_privacy),
		cmocka_unit_test(test_questions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
