/*
 * page_admin_users.c — users and their roles, for admins only: the list
 * of accounts, a form per account to change its role, and the form that
 * invites a colleague by email.  A change takes effect on the account's
 * next request (roles are read with the session).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth.h"
#include "buf.h"
#include "bus.h"
#include "config.h"
#include "db.h"
#include "jobs.h"
#include "mail.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "role.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "util.h"

#define INVITE_TTL	(7 * 24 * 3600)	/* an invitation link */
#define EMAIL_MAX	254

/* What the invitation form held, shown again when it is refused. */
struct invite_form {
	const char	*email, *name, *role, *author, *author_slug;
};

/* The invitation form's fields, its role and author lists. */
static int
invite_model(struct req *r, const struct invite_form *f, json_t **out)
{
	json_t *authors, *a, *roles, *m;
	const char *role = f != NULL && f->role != NULL ? f->role : "author";
	const char *author = f != NULL && f->author != NULL ? f->author : "";
	size_t i;
	int rc, k;

	if ((rc = store_authors_list(r->db, 0, 5000, &authors)) != STORE_OK)
		return rc;
	json_array_foreach(authors, i, a)
		json_object_set_new(a, "selected", json_boolean(strcmp(author,
		    json_string_value(json_object_get(a, "slug")) != NULL ?
		    json_string_value(json_object_get(a, "slug")) : "") == 0));
	roles = json_array();
	for (k = ROLE_CONTRIBUTOR; k < ROLE__MAX; k++)
		json_array_append_new(roles, json_pack("{s:s,s:b}", "name",
		    role_name(k), "selected", strcmp(role,
		    role_name(k)) == 0));
	m = json_pack("{s:o,s:o,s:s,s:s,s:b,s:s}", "authors", authors,
	    "roles", roles,
	    "email", f != NULL && f->email != NULL ? f->email : "",
	    "name", f != NULL && f->name != NULL ? f->name : "",
	    "author_new", strcmp(author, "new") == 0,
	    "author_slug", f != NULL && f->author_slug != NULL ?
	    f->author_slug : "");
	*out = m;
	return STORE_OK;
}

static int
users_page_form(struct req *r, int status, const char *error,
    const char *done, const struct invite_form *f)
{
	json_t *users, *u, *roles, *m, *inv;
	size_t i;
	int rc, k;

	if ((rc = store_user_list(r->db, &users)) != STORE_OK)
		return status_store(rc);
	own_json(r, users);
	if ((rc = invite_model(r, f, &inv)) != STORE_OK)
		return status_store(rc);
	json_array_foreach(users, i, u) {
		const char *role = json_string_value(json_object_get(u, "role"));

		roles = json_array();
		for (k = 0; k < ROLE__MAX; k++)
			json_array_append_new(roles, json_pack("{s:s,s:b}",
			    "name", role_name(k), "selected",
			    role != NULL && strcmp(role, role_name(k)) == 0));
		json_object_set_new(u, "roles", roles);
		json_object_set_new(u, "me", json_boolean(json_integer_value(
		    json_object_get(u, "id")) == r->user->id));
	}
	m = json_pack("{s:O,s:o,s:{s:s}}", "users", users, "invite", inv,
	    "page", "title", "Users and roles");
	if (error != NULL)
		json_object_set_new(m, "error", json_string(error));
	if (done != NULL)
		json_object_set_new(m, "done", json_string(done));
	return admin_render(r, status, "admin/users", m);
}

static int
users_page(struct req *r, int status, const char *error, const char *done)
{
	return users_page_form(r, status, error, done, NULL);
}

int
page_admin_users(struct req *r)
{
	const char *done = http_query(r, "done");

	return users_page(r, 200, NULL, done == NULL ? NULL :
	    strcmp(done, "invited") == 0 ? "The invitation is on its way; "
	    "its link works once, for 7 days." : "The role was changed.");
}

int
page_admin_user_role(struct req *r)
{
	struct url_query q;
	const char *email, *role;
	int status, rc, k;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	email = url_query_get(&q, "email");
	role = url_query_get(&q, "role");
	if (email == NULL || role == NULL || strlen(email) > 254 ||
	    (k = role_parse(role)) < 0) {
		status = users_page(r, 422, "Choose an account and one of the "
		    "roles.", NULL);
		goto done;
	}
	/* The last word on roles must not lock itself out. */
	if (strcmp(email, r->user->email) == 0) {
		status = users_page(r, 422, "You cannot change your own role; "
		    "ask another admin.", NULL);
		goto done;
	}
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	if ((rc = store_user_set_role(r->db, email, k)) != STORE_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		status = rc == STORE_NOTFOUND ? users_page(r, 404, "There is no "
		    "such account.", NULL) : status_write(rc);
		goto done;
	}
	http_redirect(r, 303, "/admin/users?done=role");
	status = 0;
done:
	url_query_free(&q);
	return status;
}

/* Queues the invitation letter with its link, in the caller's transaction. */
static int
invite_letter(struct req *r, const char *name, const char *email,
    const char *role, const char *token)
{
	struct buf *text = own_buf(r, 0), *html = own_buf(r, 0),
	    *line = own_buf(r, 0), *link = own_buf(r, 0);
	char site[200], tmp[200], subject[300], url[512];

	strlcpy_(site, store_setting(r->db, "site_name", "masthead", tmp,
	    sizeof(tmp)), sizeof(site));
	snprintf(subject, sizeof(subject), "You are invited to the newsroom "
	    "of %s", site);
	buf_printf(link, "%s/invite/%s", config_site_url(url, sizeof(url)),
	    token);
	buf_printf(line, "Hello %s,", name);
	mail_para(text, html, line->p);
	buf_reset(line);
	buf_printf(line, "%s invited you to write for %s, as %s. Choose "
	    "your password within 7 days with this link; it works once.",
	    r->user->name, site, role);
	mail_para(text, html, line->p);
	mail_link(text, html, "Choose your password", link->p);
	mail_para(text, html, "If you do not know why you got this "
	    "message, ignore it: the account stays closed.");
	mail_para(text, html, site);
	return buf_err(text) || buf_err(html) || buf_err(line) ||
	    buf_err(link) ? STORE_INVALID : mail_queue(r->db, name, email,
	    subject, text->p, html->p);
}

/* The form's problem, naming the field, or NULL. */
static const char *
invite_problem(const struct invite_form *f, char *email, size_t emailsz,
    int *role)
{
	if (f->email == NULL || strlen(f->email) > EMAIL_MAX ||
	    page_email_norm(f->email, email, emailsz) != 0)
		return "Email: give an address like name@example.com.";
	if (f->name == NULL || !page_name_ok(f->name))
		return "Name: give a name of 1 to 100 characters.";
	if (f->role == NULL || (*role = role_parse(f->role)) < 0 ||
	    *role == ROLE_MEMBER)
		return "Role: choose contributor, author, editor or admin.";
	if (f->author != NULL && strcmp(f->author, "new") == 0 &&
	    (f->author_slug == NULL || strlen(f->author_slug) > 100 ||
	    !url_is_slug(f->author_slug, strlen(f->author_slug))))
		return "Author profile: a new profile's slug is lowercase "
		    "letters, digits and hyphens.";
	if (f->author != NULL && f->author[0] != '\0' &&
	    strcmp(f->author, "new") != 0 && (strlen(f->author) > 100 ||
	    !url_is_slug(f->author, strlen(f->author))))
		return "Author profile: choose one of the list.";
	return NULL;
}

/*
 * The author profile the form names: none (0), one of the list, or a new
 * one under the invitee's name (its tags into tags).  STORE_NOTFOUND for
 * a slug that is not a profile, STORE_CONFLICT for a new slug taken.
 */
static int
invite_author(struct req *r, const struct invite_form *f, struct buf *tags,
    int64_t *id)
{
	json_t *a;
	int rc;

	*id = 0;
	if (f->author == NULL || f->author[0] == '\0')
		return STORE_OK;
	if (strcmp(f->author, "new") == 0) {
		if ((rc = store_author_add(r->db, f->author_slug, f->name, "",
		    "", "", id)) != STORE_OK)
			return rc;
		tags_add(tags, tag_author(*id));
		tags_add(tags, tag_authors());
		return STORE_OK;
	}
	if ((rc = store_author_get(r->db, f->author, &a)) != STORE_OK)
		return rc;
	own_json(r, a);
	*id = json_integer_value(json_object_get(a, "id"));
	return *id != 0 ? STORE_OK : STORE_NOTFOUND;
}

int
page_admin_user_invite(struct req *r)
{
	struct url_query q;
	struct invite_form f;
	struct staff_invite in;
	struct buf *tags = own_buf(r, 0);
	char email[EMAIL_MAX + 1], tok[64], hash[65];
	const char *why;
	int64_t author = 0, user;
	int status, rc, role = 0;

	if ((status = admin_read_form(r, &q)) != 0)
		return status;
	/* After this point, all errors go through done. */
	f.email = url_query_get(&q, "email");
	f.name = url_query_get(&q, "name");
	f.role = url_query_get(&q, "role");
	f.author = url_query_get(&q, "author");
	f.author_slug = url_query_get(&q, "author_slug");
	if ((why = invite_problem(&f, email, sizeof(email), &role)) != NULL) {
		status = users_page_form(r, 422, why, NULL, &f);
		goto done;
	}
	page_link_token(tok, hash);
	if (db_begin_write(r->db) != DB_OK) {
		status = 503;
		goto done;
	}
	rc = invite_author(r, &f, tags, &author);
	if (rc == STORE_OK) {
		in = (struct staff_invite){ email, f.name,
		    role_name(role), author,
		    r->user->id, hash, now_unix(), now_unix() + INVITE_TTL };
		rc = store_staff_invite(r->db, &in, &user);
	}
	if (rc == STORE_OK)
		rc = invite_letter(r, f.name, email, f.role, tok);
	if (rc == STORE_OK && tags->len > 0 &&
	    bus_publish(r->db, tags->p) != DB_OK)
		rc = STORE_BUSY;
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_BUSY;
	if (rc != STORE_OK) {
		db_rollback(r->db);
		/* The author lookup and the account share these answers. */
		status = rc == STORE_CONFLICT && f.author != NULL &&
		    strcmp(f.author, "new") == 0 && author == 0 ?
		    users_page_form(r, 409, "Author profile: that slug is "
		    "taken.", NULL, &f) : rc == STORE_CONFLICT ?
		    users_page_form(r, 409, "Email: that address already has "
		    "an account; change its role in the list instead.", NULL,
		    &f) : rc == STORE_NOTFOUND ? users_page_form(r, 422,
		    "Author profile: choose one of the list.", NULL, &f) :
		    status_store(rc);
		goto done;
	}
	if (tags->len > 0)
		bus_apply(tags->p);
	jobs_kick();
	http_redirect(r, 303, "/admin/users?done=invited");
	status = 0;
done:
	sodium_memzero(tok, sizeof(tok));
	url_query_free(&q);
	return status;
}
