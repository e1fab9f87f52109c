/*
 * page_admin_comments.c — moderating comments (editors and admins): the
 * queues at /admin/comments with one-click and bulk actions, the
 * moderation settings, bans and suspensions, the action log, and the
 * actions themselves (admin.h), which the JSON API under
 * /api/v1/admin/comments (api_comments.c) runs too.
 *
 * Every action runs in one transaction with its log entry; the pages
 * that showed what changed are dropped when it commits.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "db.h"
#include "req.h"
#include "own.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define LOG_PAGE	100

static const char *const action_names[MOD__MAX] = {
	[MOD_APPROVE] = "approve", [MOD_REJECT] = "reject",
	[MOD_FEATURE] = "feature", [MOD_UNFEATURE] = "unfeature",
};

int
mod_action_parse(const char *s, size_t n)
{
	int i;

	for (i = 0; i < MOD__MAX; i++)
		if (strlen(action_names[i]) == n &&
		    strncmp(s, action_names[i], n) == 0)
			return i;
	return -1;
}

const char *
mod_action_name(enum mod_action a)
{
	return action_names[a];
}

/* Adds the article's comments (and comment count) to tags unless there. */
static void
add_tags(struct buf *tags, int64_t article, int count)
{
	tags_add(tags, tag_comments(article));
	if (count) {
		tags_add(tags, tag_comment_count(article));
		tags_add(tags, tag_comment_counts());
	}
}

int
mod_apply(struct db *db, const struct user *mod, int64_t id,
    enum mod_action a, struct buf *tags)
{
	struct comment_change ch;
	json_t *c;
	int64_t now = now_unix();
	int rc;

	if ((rc = store_comment_get(db, id, &c)) != STORE_OK)
		return rc;
	switch (a) {
	case MOD_APPROVE:
	case MOD_REJECT:
		rc = store_comment_set_status(db, id, a == MOD_APPROVE ?
		    "approved" : "rejected", now, &ch);
		if (rc == STORE_OK)
			rc = store_comment_resolve_reports(db, id, now);
		if (rc == STORE_OK && (ch.delta != 0 || ch.was_visible))
			add_tags(tags, ch.article_id, ch.delta != 0);
		break;
	default:
		rc = store_comment_feature(db, id, a == MOD_FEATURE);
		if (rc == STORE_OK)
			add_tags(tags, json_integer_value(json_object_get(c,
			    "article_id")), 0);
		break;
	}
	if (rc == STORE_OK)
		rc = store_comment_log_add(db, id, json_integer_value(
		    json_object_get(c, "user_id")), mod->id, action_names[a],
		    "", now);
	json_decref(c);
	return rc;
}

int
mod_commit(struct req *r, struct buf *tags)
{
	const char *t = tags->p != NULL ? tags->p : "";

	if ((t[0] != '\0' && bus_publish(r->db, t) != DB_OK) ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return 503;
	}
	if (t[0] != '\0')
		bus_apply(t);
	return 0;
}

static void
view_row(json_t *c)
{
	char b[120];
	json_t *v = json_object_get(c, "created_at");

	admin_fmt_local(json_integer_value(v), b, sizeof(b));
	json_object_set_new(c, "date", json_string(b));
	snprintf(b, sizeof(b), "/admin/comments/settings?comment=%lld#ban",
	    (long long)json_integer_value(json_object_get(c, "id")));
	json_object_set_new(c, "ban_url", json_string(b));
	snprintf(b, sizeof(b), "/article/%s", json_string_value(
	    json_object_get(c, "article_slug")));
	json_object_set_new(c, "article_url", json_string(b));
	snprintf(b, sizeof(b), "/comments/%lld", (long long)json_integer_value(
	    json_object_get(c, "id")));
	json_object_set_new(c, "url", json_string(b));
	json_object_set_new(c, "featured", json_boolean(json_integer_value(
	    json_object_get(c, "featured")) != 0));
	json_object_set_new(c, "reported", json_boolean(json_integer_value(
	    json_object_get(c, "reports_open")) > 0));
	json_object_set_new(c, "is_approved", json_boolean(strcmp(
	    json_string_value(json_object_get(c, "status")), "approved") ==
	    0));
}

/* Renders a moderation page in the newsroom's layout. */
static int
render_admin(struct req *r, int status, const char *tpl, json_t *m,
    const char *title)
{
	json_object_set_new(m, "page", json_pack("{s:s}", "title", title));
	return admin_render(r, status, tpl, m);
}

int
mod_before(const char *s, int64_t *before)
{
	*before = INT64_MAX;
	if (s == NULL)
		return 0;
	return parse_int(s, strlen(s), 1, INT64_MAX, before);
}

int
admin_comments(struct req *r)
{
	const char *qs = http_query(r, "queue");
	json_t *rows, *m, *tabs, *row;
	int64_t before;
	char url[120];
	int q = qs == NULL ? CQ_PENDING : store_comment_queue_parse(qs), i,
	    rc;
	size_t k;

	if (q < 0 || mod_before(http_query(r, "before"), &before) != 0)
		return 400;
	if ((rc = store_comment_queue(r->db, q, before, MOD_QUEUE_PAGE + 1,
	    &rows)) != STORE_OK)
		return status_store(rc);
	m = json_object();
	if (json_array_size(rows) > MOD_QUEUE_PAGE) {
		json_array_remove(rows, MOD_QUEUE_PAGE);
		snprintf(url, sizeof(url), "/admin/comments?queue=%s&before=%lld",
		    store_comment_queue_name(q), (long long)json_integer_value(
		    json_object_get(json_array_get(rows, MOD_QUEUE_PAGE - 1),
		    "id")));
		json_object_set_new(m, "next_url", json_string(url));
	}
	json_array_foreach(rows, k, row)
		view_row(row);
	tabs = json_array();
	for (i = 0; i < CQ__MAX; i++) {
		snprintf(url, sizeof(url), "/admin/comments?queue=%s",
		    store_comment_queue_name(i));
		json_array_append_new(tabs, json_pack("{s:s,s:s,s:b}", "name",
		    store_comment_queue_name(i), "url", url, "current",
		    i == q));
	}
	json_object_set_new(m, "queues", tabs);
	json_object_set_new(m, "queue", json_string(
	    store_comment_queue_name(q)));
	json_object_set_new(m, "comments", rows);
	json_object_set_new(m, "any", json_boolean(json_array_size(rows) > 0));
	if (http_query(r, "done") != NULL)
		json_object_set_new(m, "notice", json_string("Done."));
	return render_admin(r, 200, "admin-comments", m, "Moderate comments");
}

/* Parses "approve:12" into an action and an id; -1 when malformed. */
static int
parse_act(const char *s, enum mod_action *a, int64_t *id)
{
	const char *colon = strchr(s, ':');
	int i;

	if (colon == NULL || (i = mod_action_parse(s, (size_t)(colon - s))) < 0 ||
	    parse_int(colon + 1, strlen(colon + 1), 1, INT64_MAX, id) != 0)
		return -1;
	*a = (enum mod_action)i;
	return 0;
}

int
admin_comments_post(struct req *r)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *act, *bulk, *queue;
	enum mod_action a;
	int64_t ids[MOD_BULK_MAX], id;
	size_t n = 0, i;
	char url[120];
	int status, rc = STORE_OK, bi;

	if ((status = page_read_form_n(r, &q, MOD_BULK_MAX + 16)) != 0)
		return status;
	/* After this point, all errors go through fail. */
	act = url_query_get(&q, "act");
	bulk = url_query_get(&q, "bulk");
	queue = url_query_get(&q, "queue");
	if (queue == NULL || store_comment_queue_parse(queue) < 0)
		queue = "pending";
	if (act != NULL) {
		if (parse_act(act, &a, &id) != 0) {
			status = 400;
			goto fail;
		}
		ids[n++] = id;
	} else if (bulk != NULL && (bi = mod_action_parse(bulk,
	    strlen(bulk))) >= 0) {
		a = (enum mod_action)bi;
		for (i = 0; i < q.n; i++) {
			if (strcmp(q.p[i].key, "ids") != 0)
				continue;
			if (n == MOD_BULK_MAX || parse_int(q.p[i].val,
			    q.p[i].vallen, 1, INT64_MAX, &ids[n]) != 0) {
				status = 400;
				goto fail;
			}
			n++;
		}
		if (n == 0) {
			status = 400;
			goto fail;
		}
	} else {
		status = 400;
		goto fail;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto fail;
	}
	for (i = 0; i < n && rc == STORE_OK; i++)
		rc = mod_apply(r->db, r->user, ids[i], a, tags);
	if (rc != STORE_OK) {
		db_rollback(r->db);
		status = status_store_as(rc, 409);
		goto fail;
	}
	if ((status = mod_commit(r, tags)) != 0)
		goto fail;
	snprintf(url, sizeof(url), "/admin/comments?queue=%s&done=1", queue);
	http_redirect(r, 303, url);
	status = 0;
fail:
	url_query_free(&q);
	return status;
}

static const char *const premod_modes[] = { "off", "new", "all" };

/*
 * ?comment=ID on the settings page: the ban form names the comment's
 * author.  0; 400 for a malformed id or 404 for an unknown comment, with
 * the page's error saying so; or a status for a store error.
 */
static int
ban_target(struct req *r, json_t *m)
{
	const char *s = http_query(r, "comment");
	int64_t id;
	json_t *c;
	int rc;

	if (s == NULL)
		return 0;
	if (parse_int(s, strlen(s), 1, INT64_MAX, &id) != 0) {
		json_object_set_new(m, "error", json_string("The comment is a "
		    "comment's number."));
		return 400;
	}
	if ((rc = store_comment_get(r->db, id, &c)) == STORE_NOTFOUND) {
		json_object_set_new(m, "error", json_string("No comment has "
		    "that number."));
		return 404;
	}
	if (rc != STORE_OK)
		return status_store(rc);
	own_json(r, c);
	json_object_set_new(m, "ban_for", json_pack("{s:I,s:O}", "id",
	    (json_int_t)id, "author_name", json_object_get(c,
	    "author_name")));
	return 0;
}

static int
settings_page(struct req *r, int status, const char *error,
    const char *notice)
{
	static const char *const keys[] = { "comments_premoderation",
	    "comments_premoderation_first", "comments_max_links",
	    "comments_banned_words", "comments_first_links" };
	static const char *const dflt[] = { "off", "3", "3", "", "on" };
	char tmp[4096];
	json_t *m = own_json(r, json_object()), *bans, *b;
	json_t *modes = own_json(r, json_array());
	size_t i;
	int rc;

	if ((rc = ban_target(r, m)) >= 500)
		return rc;
	if (rc != 0)
		status = rc;
	json_object_set_new(m, "first_links_on", json_boolean(strcmp(
	    store_setting(r->db, "comments_first_links", "on", tmp,
	    sizeof(tmp)), "on") == 0));

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		json_object_set_new(m, keys[i], json_string(store_setting(r->db,
		    keys[i], dflt[i], tmp, sizeof(tmp))));
	for (i = 0; i < ARRAY_SIZE(premod_modes); i++)
		json_array_append_new(modes, json_pack("{s:s,s:b}", "value",
		    premod_modes[i], "selected", strcmp(premod_modes[i],
		    json_string_value(json_object_get(m,
		    "comments_premoderation"))) == 0));
	json_object_set(m, "modes", modes);
	if ((rc = store_comment_bans(r->db, now_unix(), &bans)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(bans, i, b) {
		char d[64];

		if (json_is_integer(json_object_get(b, "until_at"))) {
			admin_fmt_local(json_integer_value(json_object_get(b,
			    "until_at")), d, sizeof(d));
			json_object_set_new(b, "until", json_string(d));
		}
	}
	json_object_set_new(m, "bans", bans);
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (notice != NULL)
		json_object_set_new(m, "notice", json_string(notice));
	return render_admin(r, status, "admin-comments-settings",
	    json_incref(m), "Comment settings");
}

int
admin_comments_settings(struct req *r)
{
	return settings_page(r, 200, NULL, http_query(r, "done") != NULL ?
	    "Saved." : NULL);
}

/* Checks and stores the moderation settings of a form or JSON body. */
static const char *
set_settings(struct db *db, const char *premod, const char *first,
    const char *links, const char *words, const char *first_links)
{
	int64_t v;
	size_t i;

	if (premod != NULL) {
		for (i = 0; i < ARRAY_SIZE(premod_modes); i++)
			if (strcmp(premod, premod_modes[i]) == 0)
				break;
		if (i == ARRAY_SIZE(premod_modes))
			return "Pre-moderation is off, new or all.";
		if (store_setting_set(db, "comments_premoderation", premod) !=
		    STORE_OK)
			return "";
	}
	if (first != NULL) {
		if (parse_int(first, strlen(first), 0, 1000000, &v) != 0)
			return "The number of first comments to hold is a "
			    "whole number from 0.";
		if (store_setting_set(db, "comments_premoderation_first",
		    first) != STORE_OK)
			return "";
	}
	if (links != NULL) {
		if (parse_int(links, strlen(links), 0, 1000, &v) != 0)
			return "The most links is a whole number from 0 to "
			    "1,000.";
		if (store_setting_set(db, "comments_max_links", links) !=
		    STORE_OK)
			return "";
	}
	if (words != NULL) {
		if (strlen(words) > 4000)
			return "The banned words are at most 4,000 characters.";
		if (store_setting_set(db, "comments_banned_words", words) !=
		    STORE_OK)
			return "";
	}
	if (first_links != NULL) {
		if (strcmp(first_links, "on") != 0 &&
		    strcmp(first_links, "off") != 0)
			return "Holding a first-time commenter's links is on "
			    "or off.";
		if (store_setting_set(db, "comments_first_links",
		    first_links) != STORE_OK)
			return "";
	}
	return NULL;
}

static const char *const article_modes[] = { "open", "premoderated",
    "closed" };

/* The author of comment (a number as text) in *uid; NULL or a message. */
static const char *
comment_author(struct db *db, const char *comment, int64_t *id,
    int64_t *uid)
{
	json_t *c;
	int rc;

	if (parse_int(comment, strlen(comment), 1, INT64_MAX, id) != 0)
		return "The comment is a comment's number.";
	if ((rc = store_comment_get(db, *id, &c)) == STORE_NOTFOUND)
		return "No comment has that number.";
	if (rc != STORE_OK)
		return "";
	*uid = json_integer_value(json_object_get(c, "user_id"));
	json_decref(c);
	return NULL;
}

const char *
mod_ban(struct db *db, const struct user *mod, const char *email,
    const char *comment, const char *days, const char *reason, int lift)
{
	int64_t uid, cid = 0, d = 0, now = now_unix();
	const char *err;
	char detail[600];
	int rc;

	if (comment != NULL && comment[0] != '\0') {
		if ((err = comment_author(db, comment, &cid, &uid)) != NULL)
			return err;
	} else if (email == NULL || email[0] == '\0' || strlen(email) > 254) {
		return "Give the reader's email.";
	} else if ((rc = store_user_id_by_email(db, email, &uid)) ==
	    STORE_NOTFOUND) {
		return "No account has that email.";
	} else if (rc != STORE_OK) {
		return "";
	}
	if (lift) {
		rc = store_comment_ban_lift(db, uid);
		if (rc == STORE_NOTFOUND)
			return "That reader is not banned.";
		if (rc == STORE_OK)
			rc = store_comment_log_add(db, 0, uid, mod->id, "unban",
			    "", now);
		return rc == STORE_OK ? NULL : "";
	}
	if (days != NULL && days[0] != '\0' && parse_int(days, strlen(days),
	    0, 3650, &d) != 0)
		return "Days is a whole number from 0 (for good) to 3,650.";
	if (reason == NULL)
		reason = "";
	if (strlen(reason) > 500)
		return "Keep the reason under 500 characters.";
	rc = store_comment_ban_set(db, uid, d == 0 ? 0 : now + d * 86400,
	    reason, mod->id, now);
	snprintf(detail, sizeof(detail), "%s%s%s", d == 0 ? "for good" :
	    "", d == 0 ? "" : days, d == 0 ? "" : " days");
	if (reason[0] != '\0')
		snprintf(detail + strlen(detail), sizeof(detail) -
		    strlen(detail), ": %s", reason);
	if (rc == STORE_OK)
		rc = store_comment_log_add(db, cid, uid, mod->id, d == 0 ?
		    "ban" : "suspend", detail, now);
	return rc == STORE_OK ? NULL : "";
}

/* Opens, pre-moderates or closes the comments of one article. */
static const char *
article_mode(struct db *db, const struct user *mod, const char *slug,
    const char *mode, struct buf *tags)
{
	int64_t id;
	size_t i;
	int rc;

	for (i = 0; mode != NULL && i < ARRAY_SIZE(article_modes); i++)
		if (strcmp(mode, article_modes[i]) == 0)
			break;
	if (mode == NULL || i == ARRAY_SIZE(article_modes))
		return "Comments of a story are open, premoderated or closed.";
	if (slug == NULL || !url_is_slug(slug, strlen(slug)))
		return "Give the story's slug.";
	rc = store_article_comments_mode(db, slug, mode, &id);
	if (rc == STORE_NOTFOUND)
		return "No story has that slug.";
	if (rc == STORE_OK)
		rc = store_comment_log_add(db, 0, 0, mod->id, "article-mode",
		    slug, now_unix());
	if (rc != STORE_OK)
		return "";
	add_tags(tags, id, 0);
	return NULL;
}

int
admin_comments_settings_post(struct req *r)
{
	struct url_query q;
	struct buf *tags = own_buf(r, 0);
	const char *form, *err = NULL;
	int status;

	if ((status = page_read_form(r, &q)) != 0)
		return status;
	form = url_query_get(&q, "form");
	if (form == NULL) {
		url_query_free(&q);
		return 400;
	}
	if (db_begin_write(r->db) != DB_OK) {
		url_query_free(&q);
		return 503;
	}
	if (strcmp(form, "settings") == 0) {
		err = set_settings(r->db, url_query_get(&q, "premoderation"),
		    url_query_get(&q, "first"), url_query_get(&q, "max_links"),
		    url_query_get(&q, "banned_words"),
		    url_query_get(&q, "first_links"));
		if (err == NULL)
			err = store_comment_log_add(r->db, 0, 0, r->user->id,
			    "settings", "", now_unix()) == STORE_OK ? NULL : "";
	} else if (strcmp(form, "ban") == 0 || strcmp(form, "unban") == 0) {
		err = mod_ban(r->db, r->user, url_query_get(&q, "email"),
		    url_query_get(&q, "comment"), url_query_get(&q, "days"),
		    url_query_get(&q, "reason"),
		    strcmp(form, "unban") == 0);
	} else if (strcmp(form, "article") == 0) {
		err = article_mode(r->db, r->user, url_query_get(&q, "slug"),
		    url_query_get(&q, "mode"), tags);
	} else {
		err = "";
		status = 400;
	}
	if (err != NULL) {
		db_rollback(r->db);
		url_query_free(&q);
		if (status != 0)
			return status;
		if (err[0] == '\0')
			return 503;
		return settings_page(r, 422, err, NULL);
	}
	url_query_free(&q);
	status = mod_commit(r, tags);
	if (status != 0)
		return status;
	http_redirect(r, 303, "/admin/comments/settings?done=1");
	return 0;
}

int
mod_log_rows(struct req *r, json_t **rows)
{
	int64_t before;
	json_t *row;
	size_t i;
	int rc;

	if (mod_before(http_query(r, "before"), &before) != 0)
		return 400;
	if ((rc = store_comment_log(r->db, before, LOG_PAGE, rows)) !=
	    STORE_OK)
		return status_store(rc);
	json_array_foreach(*rows, i, row) {
		char d[64];

		view_fmt_iso(json_integer_value(json_object_get(row,
		    "created_at")), d, sizeof(d));
		json_object_set_new(row, "date_iso", json_string(d));
	}
	return 0;
}

int
admin_comments_log(struct req *r)
{
	json_t *rows, *row;
	size_t i;
	int status;

	if ((status = mod_log_rows(r, &rows)) != 0)
		return status;
	json_array_foreach(rows, i, row) {
		json_int_t c = json_integer_value(json_object_get(row,
		    "comment_id"));
		char d[64];

		admin_fmt_local(json_integer_value(json_object_get(row,
		    "created_at")), d, sizeof(d));
		json_object_set_new(row, "date", json_string(d));
		if (c > 0) {
			snprintf(d, sizeof(d), "/admin/comments/settings?"
			    "comment=%lld#ban", (long long)c);
			json_object_set_new(row, "ban_url", json_string(d));
		}
	}
	return render_admin(r, 200, "admin-comments-log", json_pack("{s:o}",
	    "entries", rows), "Moderation log");
}
