/*
 * page_sites.c — what a sister site serves of its own (docs/sites.md):
 * its home page, the latest of its stories and of those shown on it,
 * and the stylesheet of its accent colour.  Every other page is the
 * instance's, read in the site's scope (router.c: site_of).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "own.h"
#include "page.h"
#include "req.h"
#include "sites.h"
#include "status.h"
#include "store.h"
#include "tag.h"

int
page_sites_home(struct req *r)
{
	json_t *m;
	int status, rc;

	m = own_json(r, json_pack("{s:s,s:s}", "type", "latest", "type_label",
	    r->site->tagline[0] != '\0' ? r->site->tagline : r->site->name));
	if ((status = page_list_add(r, m, LIST_LATEST, 0, "/")) != 0)
		return status;
	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(m, "page", json_pack("{s:b}", "is_home", 1));
	return page_render(r, 200, "type", json_incref(m));
}

/*
 * The site's colours, a stylesheet of the site's own address (the
 * pages' Content-Security-Policy takes no inline style): the accent
 * and the brand colour the header is drawn in.
 */
int
page_sites_css(struct req *r)
{
	struct buf *b = own_buf(r, 0);

	if (r->site == NULL || r->site->accent[0] == '\0')
		return 404;
	cache_dep_str(tag_site().s);
	buf_printf(b, ":root{--accent:%s;--brand:%s}\n", r->site->accent,
	    r->site->accent);
	http_send_buf(r, 200, "text/css; charset=utf-8", b);
	return 0;
}
