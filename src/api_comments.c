/*
 * api_comments.c — moderating comments through the admin API
 * (/api/v1/admin/comments): the queues, one action or a bulk one, the
 * log, bans.  The router has checked the token and its role (router.c);
 * the actions are the newsroom's (page_admin_comments.c, admin.h), so a
 * comment moderated here is moderated as on /admin/comments.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "api.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "req.h"
#include "own.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "util.h"

/*
 * The JSON object of the request when it has only fields of known
 * (NULL-ended); otherwise NULL with the error sent (an unknown field 400).
 */
static json_t *
api_fields(struct req *r, const char *const *known)
{
	const char *key;
	json_t *in, *v;
	char msg[120];
	size_t i;

	if ((in = own_json(r, api_body(r))) == NULL)
		return NULL;
	json_object_foreach(in, key, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			snprintf(msg, sizeof(msg), "unknown field \"%.64s\"",
			    key);
			return api_error(r, 400, msg), NULL;
		}
	}
	return in;
}

int
api_admin_comments(struct req *r)
{
	const char *qs = http_query(r, "queue");
	int64_t before;
	json_t *rows, *m;
	int q, rc;

	q = qs == NULL ? CQ_PENDING : store_comment_queue_parse(qs);
	if (q < 0)
		return api_error(r, 400, "queue is pending, reported, approved "
		    "or rejected");
	if (mod_before(http_query(r, "before"), &before) != 0)
		return api_error(r, 400, "malformed before");
	if ((rc = store_comment_queue(r->db, q, before, MOD_QUEUE_PAGE,
	    &rows)) != STORE_OK)
		return status_store(rc);
	m = own_json(r, json_pack("{s:s,s:o}", "queue",
	    store_comment_queue_name(q), "comments", rows));
	if (json_array_size(rows) == MOD_QUEUE_PAGE)
		json_object_set_new(m, "next_before", json_copy(json_object_get(
		    json_array_get(rows, MOD_QUEUE_PAGE - 1), "id")));
	http_send_json(r, 200, m);
	return 0;
}

/* Runs one action on ids and answers with the changed comments. */
static int
api_run(struct req *r, const struct user *u, enum mod_action a,
    const int64_t *ids, size_t n)
{
	struct buf *tags = own_buf(r, 0);
	json_t *out = own_json(r, json_array()), *c;
	size_t i;
	int rc = STORE_OK, status;
	char msg[120];

	if (db_begin_write(r->db) != DB_OK)
		return 503;
	for (i = 0; i < n && rc == STORE_OK; i++)
		rc = mod_apply(r->db, u, ids[i], a, tags);
	if (rc != STORE_OK) {
		db_rollback(r->db);
		if (rc == STORE_NOTFOUND) {
			snprintf(msg, sizeof(msg), "no comment %lld",
			    (long long)ids[i - 1]);
			return api_error(r, 404, msg);
		}
		if (rc == STORE_INVALID) {
			snprintf(msg, sizeof(msg), "comment %lld cannot be %sd",
			    (long long)ids[i - 1], mod_action_name(a));
			return api_error(r, 409, msg);
		}
		return status_store(rc);
	}
	status = mod_commit(r, tags);
	if (status != 0)
		return status;
	for (i = 0; i < n; i++)
		if (store_comment_get(r->db, ids[i], &c) == STORE_OK) {
			json_object_del(c, "body_md");
			json_array_append_new(out, c);
		}
	c = own_json(r, json_pack("{s:s,s:O}", "action", mod_action_name(a),
	    "comments", out));
	http_send_json(r, 200, c);
	return 0;
}

int
api_admin_comment_action(struct req *r)
{
	int64_t id;
	int a;

	if (parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX, &id) != 0)
		return api_error(r, 404, "no such comment");
	if ((a = mod_action_parse(r->arg[1], r->arglen[1])) < 0)
		return api_error(r, 404, "actions are approve, reject, feature "
		    "and unfeature");
	return api_run(r, r->user, (enum mod_action)a, &id, 1);
}

int
api_admin_comments_bulk(struct req *r)
{
	static const char *const known[] = { "action", "ids", NULL };
	json_t *in, *ids, *v;
	int64_t list[MOD_BULK_MAX];
	const char *act;
	size_t i, n;
	int a;

	if ((in = api_fields(r, known)) == NULL)
		return 0;
	act = json_string_value(json_object_get(in, "action"));
	ids = json_object_get(in, "ids");
	if (json_object_size(in) != 2 || act == NULL ||
	    (a = mod_action_parse(act, strlen(act))) < 0 ||
	    !json_is_array(ids) ||
	    (n = json_array_size(ids)) == 0 || n > MOD_BULK_MAX) {
		return api_error(r, 422, "send {\"action\": \"approve\" | "
		    "\"reject\" | \"feature\" | \"unfeature\", \"ids\": [1 to "
		    "200 comment ids]}");
	}
	json_array_foreach(ids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return api_error(r, 422, "ids are comment ids");
		list[i] = json_integer_value(v);
	}
	return api_run(r, r->user, (enum mod_action)a, list, n);
}

int
api_admin_comments_log(struct req *r)
{
	json_t *rows, *m;
	int status;

	if ((status = mod_log_rows(r, &rows)) != 0)
		return status == 400 ? api_error(r, 400, "malformed before") :
		    status;
	m = own_json(r, json_pack("{s:o}", "entries", rows));
	http_send_json(r, 200, m);
	return 0;
}

int
api_admin_comments_ban(struct req *r)
{
	static const char *const known[] = { "email", "days", "reason", "lift",
	    NULL };
	json_t *in, *days, *v;
	const char *err;
	char d[24] = "";

	if ((in = api_fields(r, known)) == NULL)
		return 0;
	days = json_object_get(in, "days");
	if (days != NULL && !json_is_integer(days))
		return api_error(r, 422, "days is a number (0: for good)");
	if (((v = json_object_get(in, "email")) != NULL &&
	    !json_is_string(v)) || ((v = json_object_get(in, "reason")) !=
	    NULL && !json_is_string(v)))
		return api_error(r, 422, "email and reason are strings");
	if ((v = json_object_get(in, "lift")) != NULL && !json_is_boolean(v))
		return api_error(r, 422, "lift is true or false");
	if (days != NULL)
		snprintf(d, sizeof(d), "%lld", (long long)json_integer_value(
		    days));
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	err = mod_ban(r->db, r->user,
	    json_string_value(json_object_get(in, "email")), NULL,
	    d, json_string_value(json_object_get(in, "reason")),
	    json_is_true(json_object_get(in, "lift")));
	if (err != NULL) {
		db_rollback(r->db);
		return err[0] == '\0' ? 503 : api_error(r, 422, err);
	}
	if (db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return 503;
	}
	http_send_json(r, 200, own_json(r, json_pack("{s:b}", "ok", 1)));
	return 0;
}
