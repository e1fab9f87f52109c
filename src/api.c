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
#include "req.h"
#include "page.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "text.h"
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

/* A member's place in a body, for messages: "title", "tags[2]", "a.b". */
#define PATH_MAX_	120

/* Appends a member's key or index to path (cut at PATH_MAX_ bytes). */
static size_t
path_add(char *path, size_t len, const char *key, size_t idx)
{
	int n;

	if (key != NULL)
		n = snprintf(path + len, PATH_MAX_ - len, "%s%s",
		    len > 0 ? "." : "", key);
	else
		n = snprintf(path + len, PATH_MAX_ - len, "[%zu]", idx);
	if (n < 0 || (size_t)n >= PATH_MAX_ - len)
		return PATH_MAX_ - 1;
	return len + (size_t)n;
}

/* Says what te found in the member at path, or in a key when path is NULL. */
static void
member_fault(const struct text_error *te, const char *path, char *msg,
    size_t msglen)
{
	char who[PATH_MAX_ + 20];

	if (path == NULL || path[0] == '\0')
		snprintf(who, sizeof(who), "the name of a field");
	else
		snprintf(who, sizeof(who), "the field \"%s\"", path);
	text_explain(te, who, msg, msglen);
}

/*
 * Checks every string of v, keys included, as text (text.h); a member
 * takes the rule of the top-level field it is in.  0, or -1 with a
 * sentence naming the member in msg.
 */
static int
check_tree(json_t *v, char *path, size_t len, enum text_rule rule,
    char *msg, size_t msglen)
{
	struct text_error te;
	const char *key;
	json_t *x;
	size_t i, n;

	if (json_is_string(v)) {
		if (text_check(json_string_value(v), json_string_length(v),
		    rule, &te) == 0)
			return 0;
		member_fault(&te, path, msg, msglen);
		return -1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			n = path_add(path, len, NULL, i);
			if (check_tree(x, path, n, rule, msg, msglen) != 0)
				return -1;
			path[len] = '\0';
		}
		return 0;
	}
	json_object_foreach(v, key, x) {
		if (text_check(key, strlen(key), TEXT_LINE, &te) != 0) {
			member_fault(&te, NULL, msg, msglen);
			return -1;
		}
		n = path_add(path, len, key, 0);
		if (check_tree(x, path, n, len == 0 ? text_rule_of(key) : rule,
		    msg, msglen) != 0)
			return -1;
		path[len] = '\0';
	}
	return 0;
}

/* Reads the four hex digits of a \u escape at s (n bytes); -1 if not. */
static long
hex4(const char *s, size_t n)
{
	long v = 0;
	size_t i;
	int d;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((d = hex_digit(s[i])) < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * After jansson refused a body: looks for a string it refused for its
 * text (bytes that are not UTF-8, a raw control character other than
 * tab, LF and CR, an unpaired surrogate escape, or U+0000 in a key) and
 * names the member that holds it.  1 with msg when it found one, 0 when
 * the body is malformed in some other way.
 */
static int
scan_body(const char *s, size_t n, char *msg, size_t msglen)
{
	struct frame {
		char	 key[48];	/* "" when too long to show */
		size_t	 idx;
		int	 obj, want_key;
	} st[16];
	struct text_error te;
	char path[PATH_MAX_];
	size_t i = 0, j, k, len, plen;
	int depth = 0, is_key, d;
	uint32_t cp;
	long u, lo;

	while (i < n) {
		d = depth > 0 && depth <= 16;
		switch (s[i]) {
		case '{':
		case '[':
			if (depth < 16) {
				memset(&st[depth], 0, sizeof(st[depth]));
				st[depth].obj = s[i] == '{';
				st[depth].want_key = s[i] == '{';
			}
			depth++;
			i++;
			continue;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			i++;
			continue;
		case ',':
			if (d && st[depth - 1].obj)
				st[depth - 1].want_key = 1;
			else if (d)
				st[depth - 1].idx++;
			i++;
			continue;
		case '"':
			break;
		default:
			i++;
			continue;
		}
		is_key = d && st[depth - 1].obj && st[depth - 1].want_key;
		memset(&te, 0, sizeof(te));
		te.chr = 1;
		for (j = i + 1; j < n && s[j] != '"'; j += len, te.chr++) {
			len = 1;
			if (s[j] == '\\') {
				if (j + 1 >= n)
					return 0;
				if (s[j + 1] != 'u') {
					len = 2;
					continue;
				}
				if ((u = hex4(s + j + 2, n - j - 2)) < 0)
					return 0;
				len = 6;
				if (u == 0 && is_key) {
					te.fault = TEXT_CONTROL;
					te.cp = 0;
					break;
				}
				if (u >= 0xdc00 && u <= 0xdfff) {
					te.fault = TEXT_SURROGATE;
					te.cp = (uint32_t)u;
					break;
				}
				if (u < 0xd800 || u > 0xdbff)
					continue;
				if (j + 7 < n && s[j + 6] == '\\' &&
				    s[j + 7] == 'u' && (lo = hex4(s + j + 8,
				    n - j - 8)) >= 0xdc00 && lo <= 0xdfff) {
					len = 12;
					continue;
				}
				te.fault = TEXT_SURROGATE;
				te.cp = (uint32_t)u;
				break;
			}
			if ((unsigned char)s[j] < 0x20) {
				/* Tab, LF, CR: text, only unescaped: malformed. */
				if (s[j] == '\t' || s[j] == '\n' || s[j] == '\r')
					return 0;
				te.fault = TEXT_CONTROL;
				te.cp = (unsigned char)s[j];
				break;
			}
			if ((len = text_utf8_next((const unsigned char *)s + j,
			    n - j, &cp)) == 0) {
				te.fault = TEXT_BAD_UTF8;
				te.cp = (unsigned char)s[j];
				break;
			}
		}
		if (te.fault != TEXT_OK) {
			if (is_key) {
				member_fault(&te, NULL, msg, msglen);
				return 1;
			}
			path[0] = '\0';
			for (k = 0, plen = 0; k < (size_t)depth && k < 16; k++) {
				if (!st[k].obj)
					plen = path_add(path, plen, NULL,
					    st[k].idx);
				else if (st[k].key[0] != '\0')
					plen = path_add(path, plen, st[k].key,
					    0);
			}
			member_fault(&te, path, msg, msglen);
			return 1;
		}
		if (is_key) {
			k = j - i - 1;
			if (k < sizeof(st[0].key) && memchr(s + i + 1, '\\', k)
			    == NULL) {
				memcpy(st[depth - 1].key, s + i + 1, k);
				st[depth - 1].key[k] = '\0';
			} else {
				st[depth - 1].key[0] = '\0';
			}
			st[depth - 1].want_key = 0;
		}
		i = j + 1;
	}
	return 0;
}

/*
 * Every JSON body of the API comes through here: a string that is not
 * text (text.h), in a value or a key, is refused with 422 naming its
 * field, before any handler sees the body.
 */
json_t *
api_body(struct req *r)
{
	json_error_t jerr;
	json_t *in;
	char msg[300], path[PATH_MAX_] = "";

	if (http_body_type(r, "application/json") != 0)
		return api_error(r, 415, "send application/json"), NULL;
	/* U+0000 is let through the parser to be refused with its field. */
	if (r->h->entity.base == NULL || (in = json_loadb(r->h->entity.base,
	    r->h->entity.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    &jerr)) == NULL) {
		if (r->h->entity.base != NULL && scan_body(r->h->entity.base,
		    r->h->entity.len, msg, sizeof(msg)))
			return api_error(r, 422, msg), NULL;
		snprintf(msg, sizeof(msg), "malformed JSON: %.200s",
		    r->h->entity.base == NULL ? "no body" : jerr.text);
		return api_error(r, 400, msg), NULL;
	}
	if (!json_is_object(in)) {
		json_decref(in);
		return api_error(r, 400, "the body must be a JSON object"), NULL;
	}
	if (check_tree(in, path, 0, TEXT_LINE, msg, sizeof(msg)) != 0) {
		json_decref(in);
		return api_error(r, 422, msg), NULL;
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
		return status_store(rc);
	if ((rc = page_articles(r, by, key, type, &cur, (int)limit, &list,
	    &next)) != STORE_OK)
		return status_store(rc);
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
		return status_store(rc);
	view_sections(list);
	cache_dep_str(tag_sections().s);
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
		return status_store(rc);
	view_authors(list);
	cache_dep_str(tag_authors().s);
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
