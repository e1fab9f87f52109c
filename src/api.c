/*
 * api.c — the content API: the same view models as the pages, as JSON.
 *
 * Lists are cursor-paginated: a response carries "next_cursor", which
 * the client passes back as ?cursor= for the following page.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cache.h"
#include "config.h"
#include "http.h"
#include "page.h"
#include "store.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define API_MAX_LIMIT	100

int
api_error(struct req *r, int status, const char *msg)
{
	json_t *e = json_pack("{s:{s:i,s:s}}", "error", "status", status,
	    "message", msg);

	http_send_json(r, status, e);
	json_decref(e);
	return 0;
}

json_t *
api_body(struct req *r)
{
	json_error_t jerr;
	json_t *in;
	char msg[300];

	if (http_body_type(r, "application/json") != 0)
		return api_error(r, 415, "send application/json"), NULL;
	if (r->h->entity.base == NULL || (in = json_loadb(r->h->entity.base,
	    r->h->entity.len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		snprintf(msg, sizeof(msg), "malformed JSON: %.200s",
		    r->h->entity.base == NULL ? "no body" : jerr.text);
		return api_error(r, 400, msg), NULL;
	}
	if (!json_is_object(in)) {
		json_decref(in);
		return api_error(r, 400, "the body must be a JSON object"), NULL;
	}
	return in;
}

/* Refuses query parameters the endpoint does not know. */
static int
check_params(struct req *r, const char *const *allowed)
{
	char msg[200];
	size_t i, k;

	for (i = 0; i < r->q.n; i++) {
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(r->q.p[i].key, allowed[k]) == 0)
				break;
		if (allowed[k] == NULL) {
			snprintf(msg, sizeof(msg), "unknown parameter \"%.64s\"",
			    r->q.p[i].key);
			return api_error(r, 400, msg), -1;
		}
	}
	return 0;
}

static int
send_model(struct req *r, json_t *m)
{
	http_send_json(r, 200, m);
	json_decref(m);
	return 0;
}

/* Sends the model built by fn for the request's slug, or its error status. */
static int
send_one(struct req *r, int (*fn)(struct req *, const char *, json_t **))
{
	json_t *m = NULL;
	int status;

	if ((status = fn(r, r->arg[0], &m)) != 0)
		return status;
	return send_model(r, m);
}

/* Looks up the id of a section, tag or author slug for a filter. */
static int
filter_id(struct req *r, const char *slug,
    int (*get)(struct db *, const char *, json_t **), int64_t *id)
{
	json_t *o;
	int rc;

	if (!url_is_slug(slug, strlen(slug)))
		return STORE_NOTFOUND;
	if ((rc = get(r->db, slug, &o)) != STORE_OK)
		return rc;
	*id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return STORE_OK;
}

int
api_articles(struct req *r)
{
	static const char *const allowed[] = { "section", "tag", "author",
	    "type", "cursor", "limit", NULL };
	const char *section = http_query(r, "section");
	const char *tag = http_query(r, "tag"), *author = http_query(r, "author");
	const char *type = http_query(r, "type"), *c = http_query(r, "cursor");
	const char *lim = http_query(r, "limit");
	struct cursor cur = CURSOR_FIRST, next;
	enum list_by by = LIST_LATEST;
	int64_t key = 0, limit = config.page_size;
	json_t *list, *m;
	char nc[48];
	int rc = STORE_OK;

	if (check_params(r, allowed) != 0)
		return 0;
	if ((section != NULL) + (tag != NULL) + (author != NULL) > 1)
		return api_error(r, 400,
		    "filter by one of section, tag or author at a time");
	if (type != NULL && view_type_label(type) == NULL)
		return api_error(r, 400, "unknown article type");
	if (c != NULL && store_cursor_parse(c, &cur) != 0)
		return api_error(r, 400, "malformed cursor");
	if (lim != NULL &&
	    parse_int(lim, strlen(lim), 1, API_MAX_LIMIT, &limit) != 0)
		return api_error(r, 400, "limit must be from 1 to 100");
	if (section != NULL) {
		by = LIST_SECTION;
		rc = filter_id(r, section, store_section_get, &key);
	} else if (tag != NULL) {
		by = LIST_TAG;
		rc = filter_id(r, tag, store_tag_get, &key);
	} else if (author != NULL) {
		by = LIST_AUTHOR;
		rc = filter_id(r, author, store_author_get, &key);
	} else if (type != NULL) {
		by = LIST_TYPE;
	}
	if (rc == STORE_NOTFOUND)
		return api_error(r, 404, "no such section, tag or author");
	if (rc != STORE_OK)
		return page_status(rc);
	if ((rc = page_articles(r, by, key, type, &cur, (int)limit, &list,
	    &next)) != STORE_OK)
		return page_status(rc);
	m = json_pack("{s:o}", "articles", list);
	if (next.t != 0) {
		store_cursor_format(&next, nc, sizeof(nc));
		json_object_set_new(m, "next_cursor", json_string(nc));
	} else {
		json_object_set_new(m, "next_cursor", json_null());
	}
	return send_model(r, m);
}

int
api_article(struct req *r)
{
	return send_one(r, model_article);
}

int
api_sections(struct req *r)
{
	json_t *list;
	int rc;

	if ((rc = store_sections_all(r->db, &list)) != STORE_OK)
		return page_status(rc);
	view_sections(list);
	cache_dep_str("sections");
	return send_model(r, json_pack("{s:o}", "sections", list));
}

int
api_section(struct req *r)
{
	return send_one(r, model_section);
}

int
api_authors(struct req *r)
{
	static const char *const allowed[] = { "after", "limit", NULL };
	const char *lim = http_query(r, "limit"), *a = http_query(r, "after");
	int64_t limit = config.page_size, after = 0;
	json_t *list, *m, *last;
	int rc;

	if (check_params(r, allowed) != 0)
		return 0;
	if (lim != NULL &&
	    parse_int(lim, strlen(lim), 1, API_MAX_LIMIT, &limit) != 0)
		return api_error(r, 400, "limit must be from 1 to 100");
	if (a != NULL && parse_int(a, strlen(a), 0, INT64_MAX, &after) != 0)
		return api_error(r, 400, "after must be an author id (next_after)");
	if ((rc = store_authors_list(r->db, after, (int)limit + 1,
	    &list)) != STORE_OK)
		return page_status(rc);
	view_authors(list);
	cache_dep_str("authors");
	m = json_object();
	if (json_array_size(list) > (size_t)limit) {
		json_array_remove(list, (size_t)limit);
		last = json_array_get(list, (size_t)limit - 1);
		json_object_set(m, "next_after", json_object_get(last, "id"));
	} else {
		json_object_set_new(m, "next_after", json_null());
	}
	json_object_set_new(m, "authors", list);
	return send_model(r, m);
}

int
api_author(struct req *r)
{
	return send_one(r, model_author);
}

static int
archive_flag(struct req *r, int *past)
{
	static const char *const allowed[] = { "archive", "before", NULL };
	const char *a = http_query(r, "archive");

	if (check_params(r, allowed) != 0)
		return -1;
	*past = a != NULL && strcmp(a, "1") == 0;
	if (a != NULL && !*past && strcmp(a, "0") != 0)
		return api_error(r, 400, "archive must be 0 or 1"), -1;
	return 0;
}

int
api_events(struct req *r)
{
	json_t *m = NULL;
	int past, status;

	if (archive_flag(r, &past) != 0)
		return 0;
	if ((status = model_events(r, past, &m)) != 0)
		return status;
	return send_model(r, m);
}

int
api_event(struct req *r)
{
	return send_one(r, model_event);
}

int
api_webinars(struct req *r)
{
	json_t *m = NULL;
	int past, status;

	if (archive_flag(r, &past) != 0)
		return 0;
	if ((status = model_webinars(r, past, &m)) != 0)
		return status;
	return send_model(r, m);
}

int
api_webinar(struct req *r)
{
	return send_one(r, model_webinar);
}

int
api_resources(struct req *r)
{
	static const char *const allowed[] = { "before", NULL };
	json_t *m = NULL;
	int status;

	if (check_params(r, allowed) != 0)
		return 0;
	if ((status = model_resources(r, &m)) != 0)
		return status;
	return send_model(r, m);
}

int
api_resource(struct req *r)
{
	return send_one(r, model_resource);
}

int
api_search(struct req *r)
{
	const char *msg;
	json_t *m = NULL;
	int status;

	if (check_params(r, search_params_known()) != 0)
		return 0;
	if ((status = model_search(r, &m, &msg)) != 0)
		return msg != NULL ? api_error(r, status, msg) : status;
	return send_model(r, m);
}
