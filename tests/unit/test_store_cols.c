/*
 * test_store_cols.c — the table of an article's fields (store_cols.h)
 * drives every place that names them.  A column a migration adds without
 * a row, a row without its column, or a row that one of the statements,
 * edit.c's checks, the revision diff or migrate-db leaves out fails here;
 * and an article written through the store reads back field by field.
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
#include <jansson.h>

#include "copy.h"
#include "db.h"
#include "edit.h"
#include "migrate.h"
#include "store.h"
#include "store_cols.h"
#include "util.h"

#define HASH	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char path[] = "/tmp/masthead-test-cols-XXXXXX";
static struct db *db;

static const char sql_columns[] =
    "SELECT name FROM pragma_table_info('articles')";
static const char sql_fixtures[] =
    "INSERT INTO sections (slug, name) VALUES ('news', 'News');"
    "INSERT INTO sponsors (slug, name) VALUES ('acme', 'Acme');"
    "INSERT INTO shows (slug, kind, title) VALUES ('talk', 'podcast',"
    " 'Talk');"
    "INSERT INTO images (hash, mime, ext, width, height, bytes, created_at)"
    " VALUES ('" HASH "', 'image/jpeg', 'jpg', 16, 9, 100, 1);"
    "INSERT INTO authors (slug, name, created_at)"
    " VALUES ('jane-doe', 'Jane Doe', 1);";

static int
setup(void **state)
{
	char err[512];
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	if ((db = db_open(path, err, sizeof(err))) == NULL ||
	    migrate_run(db, err, sizeof(err)) != 0 ||
	    db_exec(db, sql_fixtures) != DB_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(db);
	unlink(path);
	return 0;
}

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether w is in sql as a whole name (not part of a longer one). */
static int
has_name(const char *sql, const char *w)
{
	const char *p;

	for (p = strstr(sql, w); p != NULL; p = strstr(p + 1, w))
		if ((p == sql || !name_char(p[-1])) && !name_char(p[strlen(w)]))
			return 1;
	return 0;
}

/* The highest N of the $N parameters sql names. */
static int
params_of(const char *sql)
{
	const char *p;
	long n, top = 0;

	for (p = strchr(sql, '$'); p != NULL; p = strchr(p + 1, '$'))
		if ((n = strtol(p + 1, NULL, 10)) > top)
			top = n;
	return (int)top;
}

/* The table's rows against the columns of a migrated database. */
static void
test_schema_matches(void **state)
{
	struct db_stmt *st = db_stmt(db, sql_columns);
	size_t i, rows = 0;
	int n = 0;

	(void)state;
	assert_non_null(st);
	while (db_step(st) == DB_ROW) {
		const char *name = db_col_text(st, 0, NULL);

		for (i = 0; i < store_ncols; i++)
			if (store_cols[i].col != NULL &&
			    strcmp(store_cols[i].col, name) == 0)
				break;
		if (i == store_ncols)
			fprintf(stderr, "articles.%s has no row in store_cols\n",
			    name);
		assert_true(i < store_ncols);
		n++;
	}
	db_reset(st);
	for (i = 0; i < store_ncols; i++)
		rows += store_cols[i].col != NULL;
	/* As many rows with a column as columns, so none is made up. */
	assert_int_equal(rows, n);
	assert_int_equal(store_cols_ncolumns(), n);
}

/* Every column is in the statements that should have it. */
static void
test_statements(void **state)
{
	const char *create = store_cols_sql(SCQ_CREATE);
	const char *update = store_cols_sql(SCQ_UPDATE);
	const char *view = store_cols_sql(SCQ_VIEW);
	const char *sel = store_cols_sql(SCQ_COPY_SELECT);
	const char *ins = store_cols_sql(SCQ_COPY_INSERT);
	int ncreate = 0, nupdate = 1;
	size_t i;

	(void)state;
	for (i = 0; i < store_ncols; i++) {
		const struct store_col *c = &store_cols[i];

		if (c->col == NULL)
			continue;
		assert_true(has_name(sel, c->col));
		assert_true(has_name(ins, c->col));
		if (store_col_in_create(c)) {
			assert_true(has_name(create, c->col));
			ncreate++;
		}
		if (store_col_in_update(c)) {
			assert_true(has_name(update, c->col));
			nupdate += (c->flags & SC_CLEAR) ? 2 : 1;
		}
		if (c->out != NULL)
			assert_true(has_name(view, c->out));
		/* A field an input sets is written by some statement. */
		if (c->rule != SR_NONE)
			assert_true(store_col_in_update(c));
	}
	/* One parameter per bound value: the binds and the text agree. */
	assert_int_equal(params_of(create), ncreate);
	assert_int_equal(params_of(update), nupdate);
	assert_int_equal(params_of(ins), store_cols_ncolumns());
	assert_int_equal(params_of(view), 1);
}

/* edit.c knows exactly the fields with a rule. */
static void
test_edit_specs(void **state)
{
	char msg[300];
	size_t i;
	json_t *in;

	(void)state;
	for (i = 0; i < store_ncols; i++) {
		const struct store_col *c = &store_cols[i];

		if (c->key == NULL)
			continue;
		/* null is no field's value: a known field says 422. */
		in = json_pack("{s:n}", c->key);
		assert_int_equal(edit_check(in, 0, msg, sizeof(msg)),
		    c->rule != SR_NONE ? 422 : 400);
		json_decref(in);
	}
	in = json_pack("{s:s}", "no_such_field", "x");
	assert_int_equal(edit_check(in, 0, msg, sizeof(msg)), 400);
	json_decref(in);
}

/* The editor's places run from 1 without a gap; labels and restores use them. */
static void
test_editor_order(void **state)
{
	size_t i, placed = 0;
	int ed;

	(void)state;
	for (ed = 1; store_col_by_ed(ed) != NULL; ed++)
		placed++;
	for (i = 0; i < store_ncols; i++) {
		const struct store_col *c = &store_cols[i];

		if (c->ed > 0)
			assert_ptr_equal(store_col_by_ed(c->ed), c);
		if (c->label != NULL || (c->flags & (SC_RESTORE | SC_FORM)))
			assert_true(c->ed > 0 && c->out != NULL &&
			    c->key != NULL);
		if (c->flags & (SC_CLEAR | SC_SHOW_ID))
			assert_int_equal(c->kind, SC_REF);
	}
	for (i = 0; i < store_ncols; i++)
		placed -= store_cols[i].ed > 0;
	assert_int_equal(placed, 0);
}

/* migrate-db copies the table's columns. */
static void
test_copy_list(void **state)
{
	size_t i;

	(void)state;
	copy_init();
	for (i = 0; i < copy_ntables; i++)
		if (strcmp(copy_tables[i].name, "articles") == 0)
			break;
	assert_true(i < copy_ntables);
	assert_ptr_equal(copy_tables[i].select_sql,
	    store_cols_sql(SCQ_COPY_SELECT));
	assert_ptr_equal(copy_tables[i].insert_sql,
	    store_cols_sql(SCQ_COPY_INSERT));
	assert_int_equal(copy_tables[i].ncols, store_cols_ncolumns());
}

/* A value for the field c that its rule and the fixtures accept. */
static json_t *
value_for(const struct store_col *c)
{
	char s[64];

	if (strcmp(c->key, "type") == 0)
		return json_string("feature");
	if (strcmp(c->key, "section") == 0)
		return json_string("news");
	if (strcmp(c->key, "sponsor") == 0)
		return json_string("acme");
	if (strcmp(c->key, "show") == 0)
		return json_string("talk");
	if (strcmp(c->key, "site") == 0)
		return json_string("main");
	if (strcmp(c->key, "embed_url") == 0)
		return json_string("https://youtu.be/aqz-KE-bpKQ");
	if (strcmp(c->key, "chapters") == 0)
		return json_string("0:00 Opening\n1:30 The rest");
	switch (c->rule) {
	case SR_SLUGS:
		return json_pack("[s]", "jane-doe");
	case SR_NAMES:
		return json_pack("[s,s]", "Data Centres", "Power");
	case SR_URL:
		snprintf(s, sizeof(s), "https://example.com/%s", c->key);
		return json_string(s);
	case SR_HASH:
		return json_string(HASH);
	case SR_MIME:
		return json_string("audio/mpeg");
	case SR_COUNT:
		return json_integer(42);
	case SR_BOOL:
		return json_true();
	case SR_SLUG:
		snprintf(s, sizeof(s), "a-%s", c->key);
		return json_string(s);
	default:
		snprintf(s, sizeof(s), "The %s", c->key);
		return json_string(s);
	}
}

/* Every field an input sets reads back, and an update keeps the rest. */
static void
test_round_trip(void **state)
{
	json_t *in = json_object(), *a, *ch;
	char msg[300];
	int64_t id;
	size_t i;

	(void)state;
	for (i = 0; i < store_ncols; i++)
		if (store_cols[i].rule != SR_NONE)
			json_object_set_new(in, store_cols[i].key,
			    value_for(&store_cols[i]));
	assert_int_equal(edit_check(in, 1, msg, sizeof(msg)), 0);
	assert_int_equal(db_begin_write(db), DB_OK);
	assert_int_equal(store_article_create(db, in, "<p>x</p>", &id),
	    STORE_OK);
	assert_int_equal(store_article_admin_get(db, id, &a), STORE_OK);
	for (i = 0; i < store_ncols; i++) {
		const struct store_col *c = &store_cols[i];

		if (c->rule == SR_NONE || c->out == NULL)
			continue;
		if (!json_equal(json_object_get(a, c->out),
		    json_object_get(in, c->key)))
			fprintf(stderr, "%s reads back as %s\n", c->key,
			    json_dumps(json_object_get(a, c->out),
			    JSON_ENCODE_ANY));
		assert_true(json_equal(json_object_get(a, c->out),
		    json_object_get(in, c->key)));
	}
	assert_string_equal(json_string_value(json_object_get(a, "status")),
	    "draft");
	assert_true(json_is_null(json_object_get(a, "published_at")));
	assert_true(json_integer_value(json_object_get(a, "created_at")) > 0);
	json_decref(a);

	/* "" takes the sponsor and the image off; the rest is kept. */
	ch = json_pack("{s:s,s:s,s:s}", "title", "Changed", "sponsor", "",
	    "hero_image", "");
	assert_int_equal(store_article_update(db, id, ch, NULL), STORE_OK);
	assert_int_equal(store_article_admin_get(db, id, &a), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(a, "title")),
	    "Changed");
	assert_true(json_is_null(json_object_get(a, "sponsor_slug")));
	assert_true(json_is_null(json_object_get(a, "hero_image")));
	for (i = 0; i < store_ncols; i++) {
		const struct store_col *c = &store_cols[i];

		if (c->rule == SR_NONE || c->out == NULL ||
		    json_object_get(ch, c->key) != NULL)
			continue;
		assert_true(json_equal(json_object_get(a, c->out),
		    json_object_get(in, c->key)));
	}
	json_decref(a);
	json_decref(ch);

	/* Only a creation takes the status and the times from its input. */
	json_object_set_new(in, "slug", json_string("a-second"));
	json_object_set_new(in, "status", json_string("published"));
	json_object_set_new(in, "published_at", json_integer(1000));
	json_object_set_new(in, "updated_at", json_integer(2000));
	json_object_set_new(in, "created_at", json_integer(3000));
	assert_int_equal(store_article_create(db, in, NULL, &id), STORE_OK);
	assert_int_equal(store_article_admin_get(db, id, &a), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(a, "status")),
	    "published");
	assert_int_equal(json_integer_value(json_object_get(a,
	    "published_at")), 1000);
	assert_int_equal(json_integer_value(json_object_get(a,
	    "updated_at")), 2000);
	assert_int_equal(json_integer_value(json_object_get(a,
	    "created_at")), 3000);
	json_decref(a);
	assert_int_equal(db_rollback(db), DB_OK);
	json_decref(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_matches),
		cmocka_unit_test(test_statements),
		cmocka_unit_test(test_edit_specs),
		cmocka_unit_test(test_editor_order),
		cmocka_unit_test(test_copy_list),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests_name("store_cols", tests, setup,
	    teardown);
}
