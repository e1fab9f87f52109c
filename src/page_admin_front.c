/*
 * page_admin_front.c — front page curation, for editors: the lead story
 * up to STORE_FRONT_TOP top stories and up to STORE_FRONT_PICKS editor's
 * picks pinned to the home page, each until an optional expiry.  /admin/front is the form; GET and PUT
 * /api/v1/admin/front the same through the admin API.  A change drops
 * the home page (the "front" tag); page_home.c passes over a pin that
 * has expired or whose story is no longer published.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "api.h"
#include "bus.h"
#include "db.h"
#include "req.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

#define FRONT_SLOTS	STORE_FRONT_SLOTS
#define FRONT_CHOICES	200	/* newest stories offered by the form */

/* Whether a slot is one of the editor's picks (else the lead or a top). */
#define IS_PICK(slot)	((slot) > STORE_FRONT_TOP)

/*
 * The name of a slot's field: "lead", "top1" ..., "pick1" ... (the API:
 * "top[0]" ..., "picks[0]" ...).
 */
static void
slot_name(int slot, int api, char *out, size_t n)
{
	int k = IS_PICK(slot) ? slot - STORE_FRONT_TOP : slot;

	if (slot == 0)
		snprintf(out, n, "lead");
	else if (api)
		snprintf(out, n, "%s[%d]", IS_PICK(slot) ? "picks" : "top",
		    k - 1);
	else
		snprintf(out, n, "%s%d", IS_PICK(slot) ? "pick" : "top", k);
}

/*
 * The checks both doors share: a story pinned once, an expiry ahead.
 * NULL, or the message (in msg) naming the field.
 */
static const char *
check_pins(const struct front_pin *pins, int64_t now, int api, char *msg,
    size_t n)
{
	char name[32];
	int i, j;

	for (i = 0; i < FRONT_SLOTS; i++) {
		slot_name(i, api, name, sizeof(name));
		if (pins[i].article == 0)
			continue;
		if (pins[i].expires != 0 && pins[i].expires <= now) {
			snprintf(msg, n, "%s%s: the expiry is not in the "
			    "future.", name, api ? ".expires_at" : "_expires");
			return msg;
		}
		for (j = 0; j < i; j++)
			if (pins[j].article == pins[i].article) {
				snprintf(msg, n, "%s%s: that story is pinned "
				    "already.", name, api ? ".article_id" : "");
				return msg;
			}
	}
	return NULL;
}

/*
 * Replaces the pins and drops the home page, on every instance.  A store
 * result; *bad is the slot of a story that is not a published one.
 */
static int
front_write(struct req *r, const struct front_pin *pins, int *bad)
{
	struct tag tags = tag_front();
	int rc;

	*bad = -1;
	if (db_begin_write(r->db) != DB_OK)
		return STORE_BUSY;
	rc = store_front_set(r->db, pins, bad);
	if (rc == STORE_OK && (bus_publish(r->db, tags.s) != DB_OK ||
	    db_commit(r->db) != DB_OK))
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		return rc;
	}
	bus_apply(tags.s);
	return STORE_OK;
}

/* An option of a slot's list of stories. */
static json_t *
option(int64_t id, json_t *title, int selected)
{
	return json_pack("{s:I,s:O,s:b}", "id", (json_int_t)id, "title",
	    title, "selected", selected);
}

static int
front_page(struct req *r, int status, const char *error)
{
	json_t *pins, *choices, *slots, *row, *m;
	int64_t now = page_now();
	char name[32], at[32];
	size_t i;
	int rc, slot;

	if ((rc = store_front_all(r->db, &pins)) != STORE_OK)
		return status_store(rc);
	if ((rc = store_front_choices(r->db, FRONT_CHOICES, &choices)) !=
	    STORE_OK) {
		json_decref(pins);
		return status_store(rc);
	}
	slots = json_array();
	for (slot = 0; slot < FRONT_SLOTS; slot++) {
		slot_name(slot, 0, name, sizeof(name));
		json_array_append_new(slots, json_pack("{s:s,s:s,s:b,s:b}",
		    "name", name, "label", slot == 0 ? "Lead story" :
		    IS_PICK(slot) ? "Editor's pick" : "Top story", "lead",
		    slot == 0, "pick", IS_PICK(slot)));
	}
	json_array_foreach(pins, i, row) {
		json_t *s = json_array_get(slots, (size_t)json_integer_value(
		    json_object_get(row, "position")));
		int64_t exp = json_integer_value(json_object_get(row,
		    "expires_at"));
		int live = strcmp(json_string_value(json_object_get(row,
		    "status")), "published") == 0 && (exp == 0 || exp > now);

		if (s == NULL)
			continue;
		json_object_set(s, "article_id", json_object_get(row,
		    "article_id"));
		json_object_set(s, "title", json_object_get(row, "title"));
		json_object_set_new(s, "live", json_boolean(live));
		if (exp != 0) {
			admin_fmt_input(exp, at, sizeof(at));
			json_object_set_new(s, "expires", json_string(at));
			admin_fmt_local(exp, at, sizeof(at));
			json_object_set_new(s, "expires_label",
			    json_string(at));
		}
	}
	/* Each slot's list, its story selected. */
	json_array_foreach(slots, i, row) {
		json_t *opts = json_array(), *c;
		int64_t cur = json_integer_value(json_object_get(row,
		    "article_id"));
		int found = 0;
		size_t j;

		json_array_foreach(choices, j, c) {
			int64_t id = json_integer_value(json_object_get(c,
			    "id"));

			json_array_append_new(opts, option(id,
			    json_object_get(c, "title"), id == cur));
			found |= id == cur;
		}
		/* A pinned story older than the newest ones stays offered. */
		if (cur != 0 && !found)
			json_array_insert_new(opts, 0, option(cur,
			    json_object_get(row, "title"), 1));
		json_object_set_new(row, "options", opts);
	}
	json_decref(pins);
	json_decref(choices);
	m = json_pack("{s:o,s:{s:s}}", "slots", slots, "page", "title",
	    "Front page");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	else if (http_query(r, "done") != NULL)
		json_object_set_new(m, "done", json_true());
	return admin_render(r, status, "admin/front", m);
}

int
page_admin_front(struct req *r)
{
	return front_page(r, 200, NULL);
}

int
page_admin_front_save(struct req *r)
{
	struct front_pin pins[FRONT_SLOTS];
	struct url_query q;
	const char *v, *err = NULL;
	char name[32], field[48], msg[200];
	int64_t now = page_now();
	int slot, status, rc, bad;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	memset(pins, 0, sizeof(pins));
	for (slot = 0; slot < FRONT_SLOTS && err == NULL; slot++) {
		slot_name(slot, 0, name, sizeof(name));
		v = url_query_get(&q, name);
		if (v == NULL || v[0] == '\0')
			continue;
		if (parse_int(v, strlen(v), 1, INT64_MAX,
		    &pins[slot].article) != 0) {
			snprintf(msg, sizeof(msg), "%s: choose the story from "
			    "the list.", name);
			err = msg;
			break;
		}
		snprintf(field, sizeof(field), "%s_expires", name);
		v = url_query_get(&q, field);
		if (v != NULL && v[0] != '\0' &&
		    (pins[slot].expires = admin_parse_local(v)) <= 0) {
			snprintf(msg, sizeof(msg), "%s: the expiry is a date "
			    "and time (2026-05-12T13:00).", field);
			err = msg;
		}
	}
	url_query_free(&q);
	if (err == NULL)
		err = check_pins(pins, now, 0, msg, sizeof(msg));
	if (err != NULL)
		return front_page(r, 422, err);
	if ((rc = front_write(r, pins, &bad)) == STORE_NOTFOUND) {
		slot_name(bad, 0, name, sizeof(name));
		snprintf(msg, sizeof(msg), "%s: there is no published story "
		    "%lld.", name, (long long)pins[bad].article);
		return front_page(r, 422, msg);
	}
	if (rc != STORE_OK)
		return status_store(rc);
	http_redirect(r, 303, "/admin/front?done=1");
	return 0;
}

/* The admin API's view of one pin (a row of store_front_all). */
static json_t *
api_pin(json_t *row, int64_t now)
{
	json_t *exp = json_object_get(row, "expires_at");
	int64_t e = json_integer_value(exp);

	return json_pack("{s:O,s:O,s:O,s:b}", "article_id",
	    json_object_get(row, "article_id"), "title",
	    json_object_get(row, "title"), "expires_at",
	    exp != NULL ? exp : json_null(), "live",
	    strcmp(json_string_value(json_object_get(row, "status")),
	    "published") == 0 && (e == 0 || e > now));
}

static int
api_front_send(struct req *r)
{
	json_t *pins, *row, *m;
	int64_t now = page_now();
	size_t i;
	int rc;

	if ((rc = store_front_all(r->db, &pins)) != STORE_OK)
		return status_store(rc);
	m = json_pack("{s:n,s:[],s:[]}", "lead", "top", "picks");
	json_array_foreach(pins, i, row) {
		json_int_t slot = json_integer_value(json_object_get(row,
		    "position"));

		if (slot == 0)
			json_object_set_new(m, "lead", api_pin(row, now));
		else
			json_array_append_new(json_object_get(m,
			    IS_PICK(slot) ? "picks" : "top"), api_pin(row, now));
	}
	json_decref(pins);
	http_send_json(r, 200, m);
	json_decref(m);
	return 0;
}

int
api_front_get(struct req *r)
{
	return api_front_send(r);
}

/* One pin of the body into *p; NULL, or the message naming the field. */
static const char *
api_read_pin(json_t *v, const char *name, struct front_pin *p, char *msg,
    size_t n)
{
	json_t *id, *exp;
	const char *key;
	json_t *x;

	if (!json_is_object(v)) {
		snprintf(msg, n, "%s: an object with article_id", name);
		return msg;
	}
	json_object_foreach(v, key, x)
		if (strcmp(key, "article_id") != 0 &&
		    strcmp(key, "expires_at") != 0) {
			snprintf(msg, n, "%s: unknown field %.40s", name, key);
			return msg;
		}
	id = json_object_get(v, "article_id");
	if (!json_is_integer(id) || json_integer_value(id) < 1) {
		snprintf(msg, n, "%s.article_id: the id of a published story",
		    name);
		return msg;
	}
	p->article = json_integer_value(id);
	exp = json_object_get(v, "expires_at");
	if (exp != NULL && !json_is_null(exp)) {
		if (!json_is_integer(exp) || json_integer_value(exp) < 1) {
			snprintf(msg, n, "%s.expires_at: a time in Unix "
			    "seconds, or null", name);
			return msg;
		}
		p->expires = json_integer_value(exp);
	}
	return NULL;
}

/*
 * The array key of the body (NULL: absent) into pins[first ...], at most
 * max of them; NULL, or the message naming the field.
 */
static const char *
api_read_pins(json_t *list, const char *key, int first, int max,
    struct front_pin *pins, char *msg, size_t n)
{
	char name[32];
	const char *err;
	json_t *v;
	size_t i;

	if (list == NULL)
		return NULL;
	if (!json_is_array(list) || json_array_size(list) > (size_t)max) {
		snprintf(msg, n, "%s: an array of at most %d pins", key, max);
		return msg;
	}
	json_array_foreach(list, i, v) {
		slot_name(first + (int)i, 1, name, sizeof(name));
		if ((err = api_read_pin(v, name, &pins[first + (int)i], msg,
		    n)) != NULL)
			return err;
	}
	return NULL;
}

int
api_front_put(struct req *r)
{
	struct front_pin pins[FRONT_SLOTS];
	json_t *in, *lead, *top, *picks, *v;
	const char *key, *err = NULL;
	char msg[200], name[32];
	int rc, bad;

	if ((in = api_body(r)) == NULL)
		return 0;
	memset(pins, 0, sizeof(pins));
	json_object_foreach(in, key, v)
		if (strcmp(key, "lead") != 0 && strcmp(key, "top") != 0 &&
		    strcmp(key, "picks") != 0) {
			snprintf(msg, sizeof(msg), "unknown field %.40s", key);
			err = msg;
		}
	lead = json_object_get(in, "lead");
	top = json_object_get(in, "top");
	picks = json_object_get(in, "picks");
	if (err == NULL && lead != NULL && !json_is_null(lead))
		err = api_read_pin(lead, "lead", &pins[0], msg, sizeof(msg));
	if (err == NULL)
		err = api_read_pins(top, "top", 1, STORE_FRONT_TOP, pins, msg,
		    sizeof(msg));
	if (err == NULL)
		err = api_read_pins(picks, "picks", STORE_FRONT_TOP + 1,
		    STORE_FRONT_PICKS, pins, msg, sizeof(msg));
	json_decref(in);
	if (err == NULL)
		err = check_pins(pins, page_now(), 1, msg, sizeof(msg));
	if (err != NULL)
		return api_error(r, 422, err);
	if ((rc = front_write(r, pins, &bad)) == STORE_NOTFOUND) {
		slot_name(bad, 1, name, sizeof(name));
		snprintf(msg, sizeof(msg), "%s.article_id: no published story "
		    "%lld", name, (long long)pins[bad].article);
		return api_error(r, 422, msg);
	}
	if (rc != STORE_OK)
		return status_store(rc);
	return api_front_send(r);
}
