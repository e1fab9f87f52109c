/*
 * page_ap.c — the fediverse's view of the site (docs/activitypub.md):
 * WebFinger and NodeInfo, the actor documents of the publication and
 * its authors, the outbox, the followers collections, stories as
 * Articles, the inboxes, and the newsroom's /admin/fediverse.
 *
 * The documents live at URLs of their own under /ap/, never at an HTML
 * page's URL, so the page cache cannot hand one for the other; they are
 * not cached (a follower count changes without a cache tag).  A
 * browser asking for HTML there is sent to the page of the same thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "admin.h"
#include "ap.h"
#include "bus.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "delivery.h"
#include "html.h"
#include "jobs.h"
#include "markdown.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "sanitize.h"
#include "status.h"
#include "store.h"
#include "store_ap.h"
#include "store_deliveries.h"
#include "util.h"

#define OUTBOX_PAGE	20	/* stories a page of the outbox lists */
#define ADMIN_ROWS	100	/* followers and deliveries the newsroom shows */
#define REPLY_MAX	20000	/* the longest reply's HTML that is kept */

static const char AS_CONTEXT[] = "https://www.w3.org/ns/activitystreams";
static const char LD_TYPE[] =
    "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/*
 * Whether the request asks for HTML rather than ActivityStreams: a
 * browser's Accept names text/html and neither JSON type.
 */
static int
wants_html(struct req *r)
{
	const char *a = http_req_header(r, "accept");

	return a != NULL && strstr(a, "text/html") != NULL &&
	    strstr(a, "application/activity+json") == NULL &&
	    strstr(a, "application/ld+json") == NULL;
}

/* Sends an ActivityStreams document in the type the request asked for. */
static int
send_as(struct req *r, json_t *doc)
{
	const char *a = http_req_header(r, "accept");
	struct buf *b = own_buf(r, 0);
	char *s;

	s = json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH);
	if (s == NULL)
		return 500;
	buf_puts(b, s);
	free(s);
	http_header(r, "Vary", "Accept");
	http_send_buf(r, 200, a != NULL && strstr(a, "application/ld+json") !=
	    NULL && strstr(a, "application/activity+json") == NULL ? LD_TYPE :
	    "application/activity+json", b);
	return 0;
}

static void
url(char *out, size_t n, const char *path)
{
	char b[256];

	snprintf(out, n, "%s%s", config_site_url(b, sizeof(b)), path);
}

/* The site's name, as the newsroom set it. */
static const char *
site_name(struct req *r, char *tmp, size_t n)
{
	return store_setting(r->db, "site_name", "masthead", tmp, n);
}

/*
 * The actor document of "site" or "author:N" (author the author's row),
 * made with its key (the first time, in a transaction of its own).
 */
static int
actor_doc(struct req *r, const char *actor, json_t *author)
{
	char id[2048], u[2100], tmp[512], host[256];
	char *pem;
	json_t *d;

	if (ap_actor_url(r->db, actor, id, sizeof(id)) != 0)
		return 404;
	if ((pem = ap_key_public(r->db, actor)) == NULL) {
		/* A GET reads in a transaction: the key is made outside it. */
		db_commit(r->db);
		if (ap_key_ensure(r->db, actor) != 0)
			return 503;
		db_begin(r->db);
		if ((pem = ap_key_public(r->db, actor)) == NULL)
			return 503;
	}
	own_heap(r, pem);
	ap_host(host, sizeof(host));
	d = own_json(r, json_pack("{s:[s,s],s:s,s:s,s:s,s:s,s:s,s:b,s:b}",
	    "@context", AS_CONTEXT, "https://w3id.org/security/v1", "id", id,
	    "type", author == NULL ? "Organization" : "Person",
	    "preferredUsername", author == NULL ? config.activitypub_user :
	    str(author, "slug"), "name", author == NULL ?
	    site_name(r, tmp, sizeof(tmp)) : str(author, "name"), "inbox", "",
	    "manuallyApprovesFollowers", 0, "discoverable", 1));
	if (d == NULL)
		return 500;
	snprintf(u, sizeof(u), "%s/inbox", id);
	json_object_set_new(d, "inbox", json_string(u));
	snprintf(u, sizeof(u), "%s/followers", id);
	json_object_set_new(d, "followers", json_string(u));
	if (author == NULL) {
		url(u, sizeof(u), "/ap/outbox");
		json_object_set_new(d, "outbox", json_string(u));
		url(u, sizeof(u), "/");
		json_object_set_new(d, "url", json_string(u));
		json_object_set_new(d, "summary", json_string(store_setting(
		    r->db, "site_description", "", tmp, sizeof(tmp))));
	} else {
		snprintf(tmp, sizeof(tmp), "/author/%s", str(author, "slug"));
		url(u, sizeof(u), tmp);
		json_object_set_new(d, "url", json_string(u));
		json_object_set(d, "summary", json_object_get(author, "bio"));
	}
	url(u, sizeof(u), "/ap/inbox");
	json_object_set_new(d, "endpoints", json_pack("{s:s}", "sharedInbox",
	    u));
	snprintf(u, sizeof(u), "%s#main-key", id);
	json_object_set_new(d, "publicKey", json_pack("{s:s,s:s,s:s}", "id", u,
	    "owner", id, "publicKeyPem", pem));
	return send_as(r, d);
}

int
page_ap_actor(struct req *r)
{
	if (wants_html(r)) {
		http_redirect(r, 303, "/");
		return 0;
	}
	return actor_doc(r, "site", NULL);
}

/* The author of the route's slug (the request's), or 404. */
static int
author_of(struct req *r, json_t **a, char *actor, size_t n)
{
	int rc;

	if ((rc = store_author_get(r->db, r->arg[0], a)) != STORE_OK)
		return status_store(rc);
	own_json(r, *a);
	snprintf(actor, n, "author:%lld", (long long)json_integer_value(
	    json_object_get(*a, "id")));
	return 0;
}

int
page_ap_author(struct req *r)
{
	char actor[64], u[600];
	json_t *a;
	int status;

	if ((status = author_of(r, &a, actor, sizeof(actor))) != 0)
		return status;
	if (wants_html(r)) {
		snprintf(u, sizeof(u), "/author/%s", str(a, "slug"));
		http_redirect(r, 303, u);
		return 0;
	}
	return actor_doc(r, actor, a);
}

/* A followers collection: the count alone, as Mastodon shows it. */
static int
followers_doc(struct req *r, const char *actor)
{
	char id[2048];

	if (ap_actor_url(r->db, actor, id, sizeof(id)) != 0)
		return 404;
	strlcpy_(id + strlen(id), "/followers", sizeof(id) - strlen(id));
	return send_as(r, own_json(r, json_pack("{s:s,s:s,s:s,s:I}",
	    "@context", AS_CONTEXT, "id", id, "type", "OrderedCollection",
	    "totalItems", (json_int_t)store_ap_follower_count(r->db,
	    actor))));
}

int
page_ap_followers(struct req *r)
{
	return followers_doc(r, "site");
}

int
page_ap_author_followers(struct req *r)
{
	char actor[64];
	json_t *a;
	int status;

	if ((status = author_of(r, &a, actor, sizeof(actor))) != 0)
		return status;
	return followers_doc(r, actor);
}

int
page_ap_article(struct req *r)
{
	json_t *o, *a;
	int64_t id;
	char u[600];
	int rc;

	if (parse_int(r->arg[0], r->arglen[0], 1, INT64_MAX, &id) != 0)
		return 404;
	/* Only a live story is the fediverse's to see. */
	if ((rc = store_ap_article(r->db, id, &a)) != STORE_OK)
		return status_store(rc);
	own_json(r, a);
	if (strcmp(str(a, "status"), "published") != 0 || json_integer_value(
	    json_object_get(a, "trashed_at")) != 0 || json_integer_value(
	    json_object_get(a, "published_at")) > now_unix())
		return 404;
	if (wants_html(r)) {
		snprintf(u, sizeof(u), "/article/%s", str(a, "slug"));
		http_redirect(r, 303, u);
		return 0;
	}
	if ((rc = ap_article(r->db, id, &o)) != STORE_OK)
		return status_store(rc);
	return send_as(r, own_json(r, o));
}

/*
 * The outbox: its size and first page; ?page=1 is the newest stories,
 * ?before=PUBLISHED.ID those after a page (keyset, by the lists' index).
 */
int
page_ap_outbox(struct req *r)
{
	const char *page = http_query(r, "page"), *before = http_query(r,
	    "before"), *dot, *site;
	char id[600], u[700], b[256], t[21];
	int64_t at = INT64_MAX, aid = INT64_MAX;
	json_t *rows, *items, *row, *o, *act, *d;
	size_t i;
	int rc;

	url(id, sizeof(id), "/ap/outbox");
	if (page == NULL && before == NULL) {
		snprintf(u, sizeof(u), "%s?page=1", id);
		return send_as(r, own_json(r, json_pack("{s:s,s:s,s:s,s:I,s:s}",
		    "@context", AS_CONTEXT, "id", id, "type",
		    "OrderedCollection", "totalItems",
		    (json_int_t)store_ap_outbox_count(r->db), "first", u)));
	}
	if (before != NULL && ((dot = strchr(before, '.')) == NULL ||
	    parse_int(before, dot - before, 0, INT64_MAX, &at) != 0 ||
	    parse_int(dot + 1, strlen(dot + 1), 1, INT64_MAX, &aid) != 0)) {
		r->input_error = "before is PUBLISHED.ID";
		return 400;
	}
	if (before == NULL && strcmp(page, "1") != 0)
		return 400;
	if ((rc = store_ap_outbox(r->db, at, aid, OUTBOX_PAGE, &rows)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, rows);
	items = json_array();
	d = own_json(r, json_pack("{s:s,s:s++,s:s,s:s,s:o}", "@context",
	    AS_CONTEXT, "id", id, before != NULL ? "?before=" : "?page=",
	    before != NULL ? before : "1", "type", "OrderedCollectionPage",
	    "partOf", id, "orderedItems", items));
	if (d == NULL)
		return 500;
	site = config_site_url(b, sizeof(b));
	json_array_foreach(rows, i, row) {
		int64_t sid = json_integer_value(json_object_get(row, "id"));

		if ((rc = ap_article(r->db, sid, &o)) != STORE_OK)
			return status_store(rc);
		json_object_del(o, "@context");
		ap_time(json_integer_value(json_object_get(row,
		    "published_at")), t);
		snprintf(u, sizeof(u), "%s/ap/articles/%lld#Create", site,
		    (long long)sid);
		act = json_pack("{s:s,s:s,s:s+,s:s,s:[s],s:o}", "id", u, "type",
		    "Create", "actor", site, "/ap/actor", "published", t, "to",
		    AP_PUBLIC, "object", o);
		json_array_append_new(items, act);
	}
	if (json_array_size(rows) == OUTBOX_PAGE) {
		row = json_array_get(rows, OUTBOX_PAGE - 1);
		snprintf(u, sizeof(u), "%s?before=%lld.%lld", id,
		    (long long)json_integer_value(json_object_get(row,
		    "published_at")), (long long)json_integer_value(
		    json_object_get(row, "id")));
		json_object_set_new(d, "next", json_string(u));
	}
	return send_as(r, d);
}

/*
 * /.well-known/webfinger?resource=acct:NAME@HOST: the publication
 * (activitypub_user) or an author (their slug); the actor's URL is
 * taken too.  400 for a resource that is neither, 404 for nobody.
 */
int
page_webfinger(struct req *r)
{
	const char *res = http_query(r, "resource"), *at;
	char host[256], actor[64], u[2048], name[256], p[600];
	struct buf *b;
	json_t *a, *d;
	char *s;

	if (res == NULL || res[0] == '\0') {
		r->input_error = "resource is required";
		return 400;
	}
	ap_host(host, sizeof(host));
	if (strncmp(res, "acct:", 5) == 0) {
		res += 5;
		if ((at = strrchr(res, '@')) == NULL || at == res ||
		    (size_t)(at - res) >= sizeof(name)) {
			r->input_error = "resource is acct:NAME@HOST";
			return 400;
		}
		memcpy(name, res, at - res);
		name[at - res] = '\0';
		if (strcasecmp(at + 1, host) != 0)
			return 404;
		if (strcmp(name, config.activitypub_user) == 0)
			strlcpy_(actor, "site", sizeof(actor));
		else if (store_author_get(r->db, name, &a) == STORE_OK) {
			snprintf(actor, sizeof(actor), "author:%lld",
			    (long long)json_integer_value(json_object_get(a,
			    "id")));
			json_decref(a);
		} else
			return 404;
	} else if (strncmp(res, "http://", 7) == 0 ||
	    strncmp(res, "https://", 8) == 0) {
		if (ap_actor_of_url(r->db, res, actor, sizeof(actor)) != 0)
			return 404;
	} else {
		r->input_error = "resource is acct:NAME@HOST or a URL";
		return 400;
	}
	if (ap_actor_url(r->db, actor, u, sizeof(u)) != 0)
		return 404;
	if (strcmp(actor, "site") == 0) {
		strlcpy_(name, config.activitypub_user, sizeof(name));
		url(p, sizeof(p), "/");
	} else {
		char path[300];

		strlcpy_(name, strrchr(u, '/') + 1, sizeof(name));
		snprintf(path, sizeof(path), "/author/%s", name);
		url(p, sizeof(p), path);
	}
	d = own_json(r, json_pack("{s:s+++,s:[s],s:[{s:s,s:s,s:s},{s:s,s:s,"
	    "s:s}]}", "subject", "acct:", name, "@", host, "aliases", u,
	    "links", "rel", "self", "type", "application/activity+json",
	    "href", u, "rel", "http://webfinger.net/rel/profile-page",
	    "type", "text/html", "href", p));
	if (d == NULL || (s = json_dumps(d, JSON_COMPACT |
	    JSON_ESCAPE_SLASH)) == NULL)
		return 500;
	b = own_buf(r, 0);
	buf_puts(b, s);
	free(s);
	/*
	 * RFC 7033, 5: any site's script may read it.  Not a public_reads
	 * row of the router: those are cached and read only the parameters
	 * their keys hold, and this answer is never cached.
	 */
	http_header(r, "Access-Control-Allow-Origin", "*");
	http_send_buf(r, 200, "application/jrd+json", b);
	return 0;
}

int
page_nodeinfo_index(struct req *r)
{
	char u[600];

	url(u, sizeof(u), "/nodeinfo/2.0");
	http_send_json(r, 200, own_json(r, json_pack("{s:[{s:s,s:s}]}",
	    "links", "rel", "http://nodeinfo.diaspora.software/ns/schema/2.0",
	    "href", u)));
	return 0;
}

int
page_nodeinfo(struct req *r)
{
	char tmp[512];
	json_t *d;

	d = json_pack("{s:s,s:{s:s,s:s},s:[s],s:{s:[],s:[]},s:b,"
	    "s:{s:{s:I},s:I},s:{s:s}}", "version", "2.0", "software", "name",
	    "masthead", "version", "1", "protocols", "activitypub",
	    "services", "inbound", "outbound", "openRegistrations", 0,
	    "usage", "users", "total", (json_int_t)1, "localPosts",
	    (json_int_t)store_ap_outbox_count(r->db), "metadata", "nodeName",
	    site_name(r, tmp, sizeof(tmp)));
	if (d == NULL)
		return 500;
	own_json(r, d);
	http_send_json(r, 200, d);
	return 0;
}

/* Request headers for ap_verify. */
static const char *
header_of(void *ctx, const char *name)
{
	struct req *r = ctx;

	/* libh2o keeps Host (HTTP/1) and :authority (HTTP/2) apart. */
	if (strcmp(name, "host") == 0)
		return h2o_strdup(&r->h->pool, r->h->authority.base,
		    r->h->authority.len).base;
	return http_req_header(r, name);
}

/*
 * The text of a reply's HTML, as a reader would have typed it: tags
 * dropped, a line break for <br>, a paragraph's end as a blank line,
 * references decoded.  It then goes through the comments' Markdown
 * profile like a local comment, so the same allow-list makes its HTML.
 */
static void
text_of(const char *h, size_t n, struct buf *out)
{
	struct html_lexer lx;
	struct html_tok t;

	html_lexer_init(&lx, h, n);
	while (html_next(&lx, &t)) {
		if (t.kind == HTML_TEXT)
			html_decode(out, t.p, t.len);
		else if (t.kind == HTML_START && strcmp(t.name, "br") == 0)
			buf_putc(out, '\n');
		else if (t.kind == HTML_END && strcmp(t.name, "p") == 0)
			buf_puts(out, "\n\n");
	}
	buf_putc(out, '\0');
}

/* The slug of the story a reply's inReplyTo names, into out; 0 or -1. */
static int
replied_story(struct req *r, const char *to, char *out, size_t n)
{
	char base[600];
	size_t len;
	json_t *a;
	int64_t id;

	url(base, sizeof(base), "/ap/articles/");
	len = strlen(base);
	if (strncmp(to, base, len) == 0 && parse_int(to + len,
	    strlen(to + len), 1, INT64_MAX, &id) == 0) {
		if (store_ap_article(r->db, id, &a) != STORE_OK)
			return -1;
		strlcpy_(out, str(a, "slug"), n);
		json_decref(a);
		return 0;
	}
	url(base, sizeof(base), "/article/");
	len = strlen(base);
	if (strncmp(to, base, len) != 0 || to[len] == '\0' ||
	    strchr(to + len, '/') != NULL)
		return -1;
	strlcpy_(out, to + len, n);
	return 0;
}

/*
 * A Note that replies to one of our live stories becomes a comment held
 * for the moderators, under the remote actor's member account, and
 * fires comment.posted as a local comment held for them does; a banned
 * actor's, or one on a story whose comments are closed, is dropped.
 */
static int
reply(struct req *r, json_t *signer, json_t *note)
{
	struct comment_new cn;
	struct buf *text = own_buf(r, 0), *html = own_buf(r, 0);
	unsigned char h[32];
	char slug[300], hash[65];
	const char *to = str(note, "inReplyTo"), *content = str(note,
	    "content"), *nid = str(note, "id");
	int64_t user, until, id;
	json_t *a;
	int rc;

	if (nid[0] == '\0' || to[0] == '\0' || strlen(content) > REPLY_MAX ||
	    replied_story(r, to, slug, sizeof(slug)) != 0)
		return STORE_OK;
	if ((rc = store_comment_article(r->db, slug, now_unix(), &a)) ==
	    STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	own_json(r, a);
	if (strcmp(str(a, "comments_mode"), "closed") == 0)
		return STORE_OK;
	if ((rc = store_ap_actor_user(r->db, str(signer, "uri"), &user)) !=
	    STORE_OK)
		return rc;
	if (store_comment_ban_get(r->db, user, now_unix(), &until) == STORE_OK)
		return STORE_OK;
	text_of(content, strlen(content), text);
	if (buf_err(text) || text->p == NULL || text->p[0] == '\0')
		return STORE_OK;
	if (markdown_render(MD_READER, text->p, strlen(text->p), html) != 0 ||
	    buf_err(html))
		return STORE_OK;
	buf_putc(html, '\0');
	crypto_hash_sha256(h, (const unsigned char *)text->p, strlen(text->p));
	sodium_bin2hex(hash, sizeof(hash), h, sizeof(h));
	memset(&cn, 0, sizeof(cn));
	cn.article_id = json_integer_value(json_object_get(a, "id"));
	cn.user_id = user;
	cn.now = now_unix();
	cn.status = "pending";
	cn.body_md = text->p;
	cn.body_html = html->p;
	cn.body_hash = hash;
	cn.held_reason = "a reply from the fediverse";
	cn.ip = "";
	if ((rc = store_comment_add(r->db, &cn, &id)) != STORE_OK ||
	    (rc = page_comment_fire_posted(r->db, a, id, cn.status)) !=
	    STORE_OK)
		return rc;
	return store_ap_note_add(r->db, nid, id, str(signer, "uri"));
}

/* The id of an activity's object, embedded or named. */
static const char *
object_id(json_t *act)
{
	json_t *o = json_object_get(act, "object");

	return json_is_object(o) ? str(o, "id") : json_is_string(o) ?
	    json_string_value(o) : "";
}

/*
 * Follow: the follower is kept and a signed Accept queued to its inbox.
 * local is the actor the inbox belongs to (NULL: the shared one).
 */
static int
follow(struct req *r, json_t *signer, json_t *act, const char *local)
{
	char followed[64], me[2048], u[2200];
	json_t *acc;
	int rc;

	if (ap_actor_of_url(r->db, object_id(act), followed,
	    sizeof(followed)) != 0 || (local != NULL && strcmp(local,
	    followed) != 0))
		return STORE_OK;
	if ((rc = store_ap_follower_add(r->db, str(signer, "uri"),
	    str(signer, "inbox"), str(signer, "shared_inbox"), followed,
	    str(act, "id"), str(signer, "handle"))) != STORE_OK)
		return rc;
	if (ap_actor_url(r->db, followed, me, sizeof(me)) != 0)
		return STORE_OK;
	snprintf(u, sizeof(u), "%s#accept-%lld", me, (long long)now_unix());
	acc = json_pack("{s:s,s:s,s:s,s:s,s:O}", "@context", AS_CONTEXT, "id",
	    u, "type", "Accept", "actor", me, "object", act);
	if (acc == NULL)
		return STORE_ERROR;
	rc = ap_send(r->db, followed, str(signer, "inbox"), acc);
	json_decref(acc);
	return rc;
}

/*
 * An inbox's refusal: the status with a JSON body saying why, for the
 * remote server's logs (the theme's error page is for browsers).
 */
static int
refuse(struct req *r, int status, const char *why)
{
	http_send_json(r, status, own_json(r, json_pack("{s:{s:i,s:s}}",
	    "error", "status", status, "message", why)));
	return 0;
}

static int
inbox(struct req *r, const char *local)
{
	struct ap_request rq;
	struct comment_change ch;
	json_t *act, *signer, *obj, *note;
	const char *type, *actor;
	char why[200], followed[64];
	int status, rc, deleted = 0;

	act = json_loadb(r->h->entity.base != NULL ? r->h->entity.base : "",
	    r->h->entity.len, JSON_REJECT_DUPLICATES, NULL);
	if (act == NULL || !json_is_object(act)) {
		json_decref(act);
		return refuse(r, 400, "the body is not a JSON object");
	}
	own_json(r, act);
	type = str(act, "type");
	actor = json_is_object(json_object_get(act, "actor")) ?
	    str(json_object_get(act, "actor"), "id") : str(act, "actor");
	if (type[0] == '\0' || actor[0] == '\0' || str(act, "id")[0] == '\0') {
		return refuse(r, 400, "an activity needs an id, a type and an "
		    "actor");
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	{
		char *t = h2o_mem_alloc_pool(&r->h->pool, r->targetlen + 1);

		memcpy(t, r->target, r->targetlen);
		t[r->targetlen] = '\0';
		rq.target = t;
	}
	rq.header = header_of;
	rq.ctx = r;
	rq.body = r->h->entity.base;
	rq.len = r->h->entity.len;
	if ((status = ap_verify(r->db, &rq, &signer, why, sizeof(why))) != 0)
		return refuse(r, status, why);
	own_json(r, signer);
	if (strcmp(str(signer, "uri"), actor) != 0) {
		return refuse(r, 401, "the signer is not the activity's actor");
	}
	if (db_begin_write(r->db) != DB_OK)
		return 503;
	/* After this point, all errors go through fail. */
	if ((rc = store_ap_received(r->db, str(act, "id"))) == STORE_CONFLICT) {
		db_rollback(r->db);
		http_send_static(r, 202, "text/plain; charset=utf-8", "", 0);
		return 0;
	}
	if (rc != STORE_OK)
		goto fail;
	obj = json_object_get(act, "object");
	memset(&ch, 0, sizeof(ch));
	if (strcmp(type, "Follow") == 0)
		rc = follow(r, signer, act, local);
	else if (strcmp(type, "Undo") == 0 && json_is_object(obj) &&
	    strcmp(str(obj, "type"), "Follow") == 0) {
		if (ap_actor_of_url(r->db, object_id(obj), followed,
		    sizeof(followed)) == 0 && strcmp(str(obj, "actor"),
		    actor) == 0) {
			rc = store_ap_follower_remove(r->db, actor, followed);
			if (rc == STORE_NOTFOUND)
				rc = STORE_OK;
		}
	} else if (strcmp(type, "Create") == 0 && json_is_object(obj) &&
	    strcmp(str(obj, "type"), "Note") == 0)
		rc = reply(r, signer, obj);
	else if (strcmp(type, "Delete") == 0 &&
	    store_ap_note_get(r->db, object_id(act), &note) == STORE_OK) {
		own_json(r, note);
		/* Only its author may take a reply back. */
		if (strcmp(str(note, "actor_uri"), actor) == 0) {
			rc = store_comment_set_status(r->db, json_integer_value(
			    json_object_get(note, "comment_id")), "deleted",
			    now_unix(), &ch);
			deleted = rc == STORE_OK;
		}
	}
	if (rc != STORE_OK)
		goto fail;
	if (deleted) {
		if ((status = page_comments_commit(r, ch.article_id,
		    ch.delta != 0, ch.was_visible)) != 0)
			return status;
	} else if (db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return 503;
	}
	jobs_kick();
	http_send_static(r, 202, "text/plain; charset=utf-8", "", 0);
	return 0;
fail:
	db_rollback(r->db);
	return status_write(rc);
}

int
page_ap_inbox(struct req *r)
{
	return inbox(r, NULL);
}

int
page_ap_actor_inbox(struct req *r)
{
	return inbox(r, "site");
}

int
page_ap_author_inbox(struct req *r)
{
	char actor[64];
	json_t *a;
	int status;

	if ((status = author_of(r, &a, actor, sizeof(actor))) != 0)
		return status;
	return inbox(r, own_strdup(r, actor));
}

/*
 * /admin/fediverse: the handles to follow, the followers with their
 * counts, and the newest deliveries with how they went.
 */
int
page_admin_fediverse(struct req *r)
{
	json_t *fol, *log, *row, *m, *authors;
	char host[256], h[600];
	size_t i;
	int rc;

	if ((rc = store_ap_followers(r->db, ADMIN_ROWS, &fol)) != STORE_OK)
		return status_store(rc);
	own_json(r, fol);
	if ((rc = store_deliveries_list(r->db,
	    delivery_kind_names[DELIVERY_AP], ADMIN_ROWS, &log)) != STORE_OK)
		return status_store(rc);
	own_json(r, log);
	if ((rc = store_authors_list(r->db, 0, ADMIN_ROWS, &authors)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, authors);
	ap_host(host, sizeof(host));
	json_array_foreach(fol, i, row) {
		admin_set_time(row, "accepted_at", "since");
		json_object_set_new(row, "of", json_string(str(row, "author")[0] !=
		    '\0' ? str(row, "author") : "the publication"));
	}
	json_array_foreach(log, i, row) {
		admin_set_time(row, "created_at", "created");
		admin_set_time(row, "next_at", "next");
		/* No answer at all (a refused connection) shows no code. */
		if (strcmp(str(row, "last_code"), "0") == 0)
			json_object_del(row, "last_code");
	}
	json_array_foreach(authors, i, row) {
		char actor[64];

		snprintf(actor, sizeof(actor), "author:%lld", (long long)
		    json_integer_value(json_object_get(row, "id")));
		snprintf(h, sizeof(h), "@%s@%s", str(row, "slug"), host);
		json_object_set_new(row, "handle", json_string(h));
		json_object_set_new(row, "followers", json_integer(
		    store_ap_follower_count(r->db, actor)));
	}
	snprintf(h, sizeof(h), "@%s@%s", config.activitypub_user, host);
	m = json_pack("{s:s,s:I,s:I,s:O,s:O,s:O,s:{s:s}}", "handle", h,
	    "followers_site", (json_int_t)store_ap_follower_count(r->db,
	    "site"), "followers_total", (json_int_t)json_array_size(fol),
	    "followers", fol, "log", log, "authors", authors, "page", "title",
	    "Fediverse");
	if (m == NULL)
		return 500;
	return admin_render(r, 200, "admin/fediverse", m);
}
