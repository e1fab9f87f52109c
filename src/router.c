/*
 * router.c — the route table and dispatch.
 *
 * Every URL masthead answers is in the table below: a newcomer finds the
 * handler of a page here.  Errors of every handler come back to
 * router_error(), the one place that turns them into responses.
 */
#include <string.h>

#include "api.h"
#include "auth.h"
#include "cache.h"
#include "db.h"
#include "http.h"
#include "page.h"
#include "router.h"
#include "session.h"
#include "util.h"

static const struct route routes[] = {
	{ "GET", "/", page_home, ROUTE_PAGE },
	{ "GET", "/article/:slug", page_article, ROUTE_PAGE },
	{ "GET", "/section/:slug", page_section, ROUTE_PAGE },
	{ "GET", "/author/:slug", page_author, ROUTE_PAGE },
	{ "GET", "/tag/:slug", page_tag, ROUTE_PAGE },
	{ "GET", "/type/:type", page_type, ROUTE_PAGE },
	{ "GET", "/search", page_search, ROUTE_PAGE },
	{ "GET", "/events", page_events, ROUTE_PAGE },
	{ "GET", "/events/archive", page_events_archive, ROUTE_PAGE },
	{ "GET", "/events/:slug", page_event, ROUTE_PAGE },
	{ "GET", "/webinars", page_webinars, ROUTE_PAGE },
	{ "GET", "/webinars/archive", page_webinars_archive, ROUTE_PAGE },
	{ "GET", "/webinars/:slug", page_webinar, ROUTE_PAGE },
	{ "GET", "/assets/:file", page_asset, ROUTE_ASSET },
	{ "GET", "/favicon.ico", page_favicon, ROUTE_ASSET },
	{ "GET", "/media/:file", page_media, ROUTE_ASSET },
	{ "GET", "/api/v1/articles", api_articles, ROUTE_API },
	{ "GET", "/api/v1/articles/:slug", api_article, ROUTE_API },
	{ "GET", "/api/v1/sections", api_sections, ROUTE_API },
	{ "GET", "/api/v1/sections/:slug", api_section, ROUTE_API },
	{ "GET", "/api/v1/authors", api_authors, ROUTE_API },
	{ "GET", "/api/v1/authors/:slug", api_author, ROUTE_API },
	{ "GET", "/api/v1/events", api_events, ROUTE_API },
	{ "GET", "/api/v1/events/:slug", api_event, ROUTE_API },
	{ "GET", "/api/v1/webinars", api_webinars, ROUTE_API },
	{ "GET", "/api/v1/webinars/:slug", api_webinar, ROUTE_API },
	{ "GET", "/api/v1/search", api_search, ROUTE_API },
	{ "GET", "/signin", page_signin, ROUTE_FORM },
	{ "POST", "/signin", page_signin_post, ROUTE_FORM },
	{ "POST", "/signout", page_signout, ROUTE_FORM },
	{ "POST", "/api/v1/admin/articles", api_admin_create, ROUTE_API },
	{ "GET", "/api/v1/admin/articles/:id", api_admin_get, ROUTE_API },
	{ "PATCH", "/api/v1/admin/articles/:id", api_admin_update, ROUTE_API },
	{ "POST", "/api/v1/admin/articles/:id/publish", api_admin_publish,
	  ROUTE_API },
	{ "POST", "/api/v1/admin/articles/:id/unpublish", api_admin_unpublish,
	  ROUTE_API },
	{ "GET", "/api/v1/admin/menu-items", api_menu_list, ROUTE_API },
	{ "POST", "/api/v1/admin/menu-items", api_menu_add, ROUTE_API },
	{ "PATCH", "/api/v1/admin/menu-items/:id", api_menu_update, ROUTE_API },
	{ "DELETE", "/api/v1/admin/menu-items/:id", api_menu_delete,
	  ROUTE_API },
	/* Static pages (About Us, Advertise With Us) sit at the top level. */
	{ "GET", "/:slug", page_static, ROUTE_PAGE },
};

/* Methods HTTP defines; anything else is 501 Not Implemented. */
static const char *const known_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
	"CONNECT", "TRACE",
};

int
router_match(const char *pattern, const char *path, size_t pathlen,
    const char **args, size_t *arglens, int maxargs, int *nargs)
{
	const char *p = pattern, *s = path, *end = path + pathlen;

	*nargs = 0;
	while (*p != '\0') {
		if (*p == ':') {
			const char *seg = s;

			while (*p != '\0' && *p != '/')
				p++;
			while (s < end && *s != '/')
				s++;
			if (s == seg || *nargs == maxargs)
				return 0;
			args[*nargs] = seg;
			arglens[*nargs] = (size_t)(s - seg);
			(*nargs)++;
			continue;
		}
		if (s == end || *p != *s)
			return 0;
		p++;
		s++;
	}
	return s == end;
}

static int
method_is(const struct req *r, const char *m)
{
	return h2o_memis(r->h->method.base, r->h->method.len, m, strlen(m));
}

/*
 * Anonymous GETs of pages and API documents go through the cache.  A
 * signed-in reader's page is the anonymous one with the account bar
 * spliced in as it is sent; an API client with credentials and every form
 * never read or fill the cache.
 */
static int
cacheable(struct req *r, const struct route *rt, int session)
{
	int auth = http_req_header(r, "authorization") != NULL;

	r->personal = auth || session;
	if (!h2o_memis(r->h->method.base, r->h->method.len,
	    H2O_STRLIT("GET")) && !r->head)
		return 0;
	if (rt->kind == ROUTE_FORM || auth)
		return 0;
	return !session || rt->kind == ROUTE_PAGE;
}

/* Who is signed in, for pages and forms; the API knows only tokens. */
static void
identify(struct req *r, const struct route *rt, int session)
{
	struct user u;

	if (!session || rt->kind == ROUTE_API || session_user(r, &u) != 0)
		return;
	r->user = h2o_mem_alloc_pool(&r->h->pool, sizeof(u));
	memcpy(r->user, &u, sizeof(u));
}

/*
 * Runs a page or API handler: from the cache when it has the page,
 * otherwise rendering it (once, however many ask at the same time) while
 * the code that reads data declares what the page depends on.
 */
static void
run_cached(struct req *r, const struct route *rt)
{
	struct cache_entry *e;
	const char *cookie = http_req_header(r, "cookie");
	int status, reads = strcmp(rt->method, "GET") == 0;
	int session = cookie != NULL && strstr(cookie, SESSION_COOKIE "=") != NULL;

	identify(r, rt, session);
	/*
	 * A shared page is rendered as for anyone: its handler does not see
	 * the reader, whose part is added when it is sent.
	 */
	if (rt->kind == ROUTE_PAGE) {
		r->reader = r->user;
		r->user = NULL;
	}
	if (cacheable(r, rt, session)) {
		r->cache_key = r->h->input.path.base;
		r->cache_keylen = r->h->input.path.len;
		switch (cache_lookup(r->cache_key, r->cache_keylen, &e)) {
		case CACHE_HIT:
			http_header(r, "X-Cache", "hit");
			http_send_cached(r, e);
			return;
		case CACHE_RENDER:
			r->cache_pending = 1;
			break;
		default:
			break;
		}
	}
	cache_deps_begin();
	/*
	 * A page reads in one transaction: one snapshot of the database
	 * and one lock for its dozen queries, not one each.  Writes open
	 * their own, and invalidate the cache after they commit.
	 */
	if (reads)
		db_begin(r->db);
	if ((status = rt->fn(r)) != 0)
		router_error(r, status);
	if (reads)
		db_commit(r->db);
	cache_deps_end();
	/* Errors and redirects are not kept: let any waiter render. */
	if (r->cache_pending) {
		r->cache_pending = 0;
		cache_abandon(r->cache_key, r->cache_keylen);
	}
}

void
router_dispatch(struct req *r)
{
	const struct route *rt, *path_match = NULL;
	const char *args[REQ_MAXARGS];
	size_t arglens[REQ_MAXARGS], i;
	char allow[64] = "";
	int nargs, status, known = 0;

	for (i = 0; i < ARRAY_SIZE(known_methods); i++)
		if (method_is(r, known_methods[i]))
			known = 1;
	for (i = 0; i < ARRAY_SIZE(routes); i++) {
		rt = &routes[i];
		if (!router_match(rt->pattern, r->path, r->pathlen, args,
		    arglens, REQ_MAXARGS, &nargs))
			continue;
		if (path_match == NULL)
			path_match = rt;
		/* The methods this path answers, for a 405's Allow header. */
		if (strstr(allow, rt->method) == NULL &&
		    strlen(allow) + strlen(rt->method) + 8 < sizeof(allow)) {
			if (allow[0] != '\0')
				strlcpy_(allow + strlen(allow), ", ",
				    sizeof(allow) - strlen(allow));
			strlcpy_(allow + strlen(allow), rt->method,
			    sizeof(allow) - strlen(allow));
			if (strcmp(rt->method, "GET") == 0)
				strlcpy_(allow + strlen(allow), ", HEAD",
				    sizeof(allow) - strlen(allow));
		}
		if (!method_is(r, rt->method) &&
		    !(r->head && strcmp(rt->method, "GET") == 0))
			continue;
		r->route = rt;
		r->narg = nargs;
		for (int a = 0; a < nargs; a++) {
			r->arg[a] = h2o_strdup(&r->h->pool, args[a],
			    arglens[a]).base;
			r->arglen[a] = arglens[a];
		}
		if (rt->kind == ROUTE_ASSET) {
			if ((status = rt->fn(r)) != 0)
				router_error(r, status);
			return;
		}
		run_cached(r, rt);
		return;
	}
	r->route = path_match;
	if (!known) {
		router_error(r, 501);
	} else if (path_match != NULL) {
		http_header(r, "Allow", allow);
		router_error(r, 405);
	} else {
		router_error(r, 404);
	}
}

void
router_error(struct req *r, int status)
{
	int is_api = r->route != NULL ? r->route->kind == ROUTE_API :
	    r->path != NULL && strncmp(r->path, "/api/", 5) == 0;

	if (is_api) {
		json_t *e = json_pack("{s:{s:i,s:s}}", "error", "status",
		    status, "message", http_reason(status));
		http_send_json(r, status, e);
		json_decref(e);
		return;
	}
	page_error(r, status);
}
