/*
 * import_ghost.c — Ghost's JSON export (Settings -> Labs -> Export,
 * versions 2 to 5).
 *
 * The export is one JSON document: {"db": [{"meta": ..., "data": {...}}]}
 * (or the inner object alone), whose tables are arrays of rows: posts,
 * posts_meta, tags, posts_tags, users, posts_authors, members.  Rows
 * join on Ghost's ids, which are unique across sites, so they are the
 * source ids.  A post's HTML is Ghost's own rendering of its mobiledoc
 * or lexical document; a post without it keeps its plain text.
 *
 * The primary tag (the first public one) is the story's section; its
 * other public tags are tags; internal tags (#name) are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "import.h"
#include "store.h"
#include "util.h"

#define GHOST_SOURCE	"ghost"

struct ghost {
	struct db		*db;
	const struct import_opts *o;
	struct import_report	*rep;
	char			*err;
	size_t			 errsz;
	json_t			*data;
	json_t			*tags;		/* id -> row */
	json_t			*users;		/* id -> row */
	json_t			*meta;		/* post id -> posts_meta row */
	json_t			*post_tags;	/* post id -> [tag id] by order */
	json_t			*post_authors;	/* post id -> [user id] by order */
	json_t			*sections;	/* tag id -> section slug */
	json_t			*as_tag;	/* tag ids used as tags */
	json_t			*authors;	/* user id -> author slug */
};

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* A row's id as text (Ghost 2 numbered some rows). */
static const char *
id_of(json_t *row, const char *key, char *tmp, size_t tmpsz)
{
	json_t *v = json_object_get(row, key);

	if (json_is_integer(v)) {
		snprintf(tmp, tmpsz, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *
table(struct ghost *g, const char *name)
{
	json_t *t = json_object_get(g->data, name);

	return json_is_array(t) ? t : NULL;
}

/* index[row[key]] = row, for every row of a table. */
static json_t *
index_by(struct ghost *g, const char *name, const char *key)
{
	json_t *ix = json_object(), *row;
	char tmp[32];
	size_t i;

	json_array_foreach(table(g, name), i, row)
		if (json_is_object(row))
			json_object_set(ix, id_of(row, key, tmp, sizeof(tmp)),
			    row);
	return ix;
}

/* index[row[key]] = [row[val] ...] ordered by sort_order. */
static json_t *
join_by(struct ghost *g, const char *name, const char *key, const char *val)
{
	json_t *ix = json_object(), *row, *list;
	char tmp[32], tmp2[32];
	size_t i, at;

	json_array_foreach(table(g, name), i, row) {
		const char *k = id_of(row, key, tmp, sizeof(tmp));
		json_int_t order = json_integer_value(json_object_get(row,
		    "sort_order"));

		if (k[0] == '\0')
			continue;
		if ((list = json_object_get(ix, k)) == NULL) {
			list = json_array();
			json_object_set_new(ix, k, list);
		}
		/* The list is kept as [[order, id] ...] sorted on order. */
		for (at = json_array_size(list); at > 0; at--)
			if (json_integer_value(json_array_get(json_array_get(list,
			    at - 1), 0)) <= order)
				break;
		json_array_insert_new(list, at, json_pack("[I,s]", order,
		    id_of(row, val, tmp2, sizeof(tmp2))));
	}
	return ix;
}

static int
is_internal(json_t *tag)
{
	return strcmp(str(tag, "visibility"), "internal") == 0 ||
	    str(tag, "name")[0] == '#';
}

static int
authors_put(struct ghost *g)
{
	const char *id;
	json_t *u;
	char slug[128], old[300], to[300];

	json_object_foreach(g->users, id, u) {
		if (import_author(g->db, g->o, g->rep, GHOST_SOURCE, id,
		    str(u, "slug"), str(u, "name"), str(u, "email"),
		    str(u, "bio"), slug, sizeof(slug)) != 0) {
			snprintf(g->err, g->errsz, "user %s: %s", id,
			    db_errmsg(g->db));
			return -1;
		}
		json_object_set_new(g->authors, id, json_string(slug));
		snprintf(old, sizeof(old), "/author/%s/", str(u, "slug"));
		snprintf(to, sizeof(to), "/author/%s", slug);
		import_redirect(g->db, g->rep, old, to);
		snprintf(old, sizeof(old), "/author/%s/rss/", str(u, "slug"));
		snprintf(to, sizeof(to), "/author/%s/feed.xml", slug);
		import_redirect(g->db, g->rep, old, to);
	}
	return 0;
}

/* The section slug of a primary tag, made the first time. */
static const char *
section_of(struct ghost *g, const char *tag_id, json_t *tag)
{
	char slug[128];
	int64_t id;
	json_t *s;

	if ((s = json_object_get(g->sections, tag_id)) != NULL)
		return json_string_value(s);
	if (import_section(g->db, g->rep, GHOST_SOURCE, tag_id, str(tag, "slug"),
	    str(tag, "name"), str(tag, "description"), 0, &id, slug,
	    sizeof(slug)) != 0)
		return NULL;
	json_object_set_new(g->sections, tag_id, json_string(slug));
	return json_string_value(json_object_get(g->sections, tag_id));
}

/* /tag/x/ goes to the section a tag became, or to the tag. */
static void
tag_redirects(struct ghost *g)
{
	char old[300], to[300], ours[128];
	const char *id;
	json_t *t, *s;

	json_object_foreach(g->tags, id, t) {
		if (is_internal(t))
			continue;
		s = json_object_get(g->sections, id);
		store_slugify(str(t, "name"), ours, sizeof(ours));
		snprintf(old, sizeof(old), "/tag/%s/", str(t, "slug"));
		if (s != NULL && json_object_get(g->as_tag, id) == NULL)
			snprintf(to, sizeof(to), "/section/%s",
			    json_string_value(s));
		else
			snprintf(to, sizeof(to), "/tag/%s", ours);
		import_redirect(g->db, g->rep, old, to);
		snprintf(old, sizeof(old), "/tag/%s/rss/", str(t, "slug"));
		strlcpy_(to + strlen(to), "/feed.xml", sizeof(to) - strlen(to));
		import_redirect(g->db, g->rep, old, to);
	}
}

/* Plain text as paragraphs, for a post Ghost left without HTML. */
static char *
text_html(const char *s)
{
	struct buf b = BUF_INIT;
	const char *p;

	BUF_LIT(&b, "<p>");
	for (p = s; *p != '\0'; p++) {
		if (p[0] == '\n' && p[1] == '\n') {
			BUF_LIT(&b, "</p>\n\n<p>");
			while (p[1] == '\n')
				p++;
		} else if (*p == '<') {
			BUF_LIT(&b, "&lt;");
		} else if (*p == '&') {
			BUF_LIT(&b, "&amp;");
		} else {
			buf_putc(&b, *p);
		}
	}
	BUF_LIT(&b, "</p>");
	return buf_detach(&b, NULL);
}

static int
post_put(struct ghost *g, json_t *p)
{
	struct import_item it;
	json_t *authors, *tags, *list, *e, *html_v, *meta;
	const char *status = str(p, "status"), *type = str(p, "type");
	char idtmp[32], atmp[32], old[300], *plain = NULL;
	const char *section = NULL;
	size_t i;
	int rc = -1;

	memset(&it, 0, sizeof(it));
	it.source = GHOST_SOURCE;
	it.source_id = id_of(p, "id", idtmp, sizeof(idtmp));
	/* Ghost 2 marked pages with "page": true. */
	it.kind = strcmp(type, "page") == 0 || json_is_true(json_object_get(p,
	    "page")) ? IMPORT_PAGE : IMPORT_POST;
	g->rep->items++;
	if (strcmp(status, "published") == 0)
		it.status = IMPORT_LIVE;
	else if (strcmp(status, "scheduled") == 0)
		it.status = IMPORT_SCHEDULED;
	else if (strcmp(status, "draft") == 0)
		it.status = IMPORT_DRAFT;
	else {
		g->rep->skipped++;
		return 0;
	}
	if (it.kind == IMPORT_PAGE && it.status != IMPORT_LIVE) {
		g->rep->skipped++;
		return 0;
	}
	authors = json_array();
	tags = json_array();
	json_array_foreach(json_object_get(g->post_authors, it.source_id), i,
	    e) {
		json_t *a = json_object_get(g->authors,
		    json_string_value(json_array_get(e, 1)));

		if (a != NULL)
			json_array_append(authors, a);
	}
	/* Ghost 2 and older name one author in the post itself. */
	if (json_array_size(authors) == 0) {
		json_t *a = json_object_get(g->authors, id_of(p, "author_id",
		    atmp, sizeof(atmp)));

		if (a != NULL)
			json_array_append(authors, a);
	}
	list = json_object_get(g->post_tags, it.source_id);
	json_array_foreach(list, i, e) {
		const char *tid = json_string_value(json_array_get(e, 1));
		json_t *t = json_object_get(g->tags, tid);

		if (t == NULL || is_internal(t))
			continue;
		if (section == NULL) {
			if ((section = section_of(g, tid, t)) == NULL) {
				snprintf(g->err, g->errsz, "tag %s: %s", tid,
				    db_errmsg(g->db));
				goto done;
			}
			continue;
		}
		json_array_append_new(tags, json_string(str(t, "name")));
		json_object_set_new(g->as_tag, tid, json_true());
	}
	html_v = json_object_get(p, "html");
	if (json_is_string(html_v))
		it.html = json_string_value(html_v);
	else
		it.html = plain = text_html(str(p, "plaintext"));
	meta = json_object_get(g->meta, it.source_id);
	it.title = str(p, "title");
	it.slug = str(p, "slug");
	it.dek = str(p, "custom_excerpt");
	/* Ghost 4 and later keep these in posts_meta, earlier in posts. */
	it.seo_title = str(meta, "meta_title")[0] != '\0' ?
	    str(meta, "meta_title") : str(p, "meta_title");
	it.seo_description = str(meta, "meta_description")[0] != '\0' ?
	    str(meta, "meta_description") : str(p, "meta_description");
	it.seo_image = str(meta, "og_image")[0] != '\0' ?
	    str(meta, "og_image") : str(p, "og_image");
	it.type = "news";
	it.section = section;
	it.authors = authors;
	it.tags = tags;
	it.published_at = import_time(str(p, "published_at"));
	if (it.published_at == 0 && json_is_integer(json_object_get(p,
	    "published_at")))
		/* Ghost 2 wrote milliseconds. */
		it.published_at = json_integer_value(json_object_get(p,
		    "published_at")) / 1000;
	snprintf(old, sizeof(old), "/%s/", it.slug);
	it.old[it.nold++] = old;
	if ((rc = import_item_put(g->db, g->o, g->rep, &it, g->err,
	    g->errsz)) < 0)
		goto done;
	if (it.kind == IMPORT_POST && rc == 0 && str(p, "feature_image")[0]) {
		const char *cap = str(meta, "feature_image_caption");

		if (cap[0] == '\0')
			cap = str(p, "feature_image_caption");
		if (import_hero(g->db, g->o, g->rep, it.id,
		    str(p, "feature_image"), cap[0] ? cap : NULL) != 0) {
			snprintf(g->err, g->errsz, "post %s: feature image: %s",
			    it.source_id, db_errmsg(g->db));
			rc = -1;
			goto done;
		}
	}
	rc = 0;
done:
	free(plain);
	json_decref(authors);
	json_decref(tags);
	return rc;
}

/*
 * Members become newsletter subscribers only when asked (--members),
 * signed up to the first newsletter (made when there is none), with
 * their consent recorded as given on the site they came from.
 */
static int
members_put(struct ghost *g)
{
	json_t *m, *nl = NULL;
	int64_t newsletter = 0, sid, now = now_unix();
	char tmp[32];
	size_t i;

	if (!g->o->members || table(g, "members") == NULL)
		return 0;
	if (store_newsletters(g->db, &nl) != STORE_OK)
		goto fail;
	if (json_array_size(nl) > 0)
		newsletter = json_integer_value(json_object_get(
		    json_array_get(nl, 0), "id"));
	json_decref(nl);
	if (newsletter == 0 && store_newsletter_add(g->db, "newsletter",
	    "Newsletter", "", 0, NULL, now, &newsletter) != STORE_OK)
		goto fail;
	json_array_foreach(table(g, "members"), i, m) {
		const char *email = str(m, "email");
		const char *mid = id_of(m, "id", tmp, sizeof(tmp));
		int64_t at = import_time(str(m, "created_at"));

		g->rep->items++;
		if (email[0] == '\0' || json_is_false(json_object_get(m,
		    "subscribed"))) {
			g->rep->skipped++;
			continue;
		}
		if (store_import_id(g->db, GHOST_SOURCE, "subscriber", mid,
		    &sid) == STORE_OK) {
			g->rep->kept[IMPORT_SUBSCRIBER]++;
			continue;
		}
		switch (store_subscriber_add_new(g->db, email, str(m, "name"),
		    now, at > 0 ? at : now, &sid)) {
		case STORE_OK:
			break;
		case STORE_NOTFOUND:
			/* The address is a subscriber already: kept as it is. */
			g->rep->kept[IMPORT_SUBSCRIBER]++;
			continue;
		default:
			goto fail;
		}
		if (store_subscription_import(g->db, sid, newsletter, "active",
		    "imported from a Ghost site's members", "", at > 0 ? at :
		    now, now) != STORE_OK ||
		    store_import_id_set(g->db, GHOST_SOURCE, "subscriber", mid,
		    sid) != STORE_OK)
			goto fail;
		g->rep->added[IMPORT_SUBSCRIBER]++;
	}
	return 0;
fail:
	snprintf(g->err, g->errsz, "members: %s", db_errmsg(g->db));
	return -1;
}

int
import_ghost(struct db *db, json_t *root, const struct import_opts *o,
    struct import_report *rep, char *err, size_t errsz)
{
	struct ghost g;
	json_t *p, *dbv;
	size_t i;
	int rc = -1;

	memset(&g, 0, sizeof(g));
	g.db = db;
	g.o = o;
	g.rep = rep;
	g.err = err;
	g.errsz = errsz;
	dbv = json_object_get(root, "db");
	g.data = json_object_get(json_is_array(dbv) ? json_array_get(dbv, 0) :
	    root, "data");
	if (!json_is_object(g.data) || table(&g, "posts") == NULL) {
		snprintf(err, errsz, "not a Ghost export: no \"data\" with "
		    "\"posts\" (nor a masthead export)");
		return -1;
	}
	g.tags = index_by(&g, "tags", "id");
	g.users = index_by(&g, "users", "id");
	g.meta = index_by(&g, "posts_meta", "post_id");
	g.post_tags = join_by(&g, "posts_tags", "post_id", "tag_id");
	g.post_authors = join_by(&g, "posts_authors", "post_id", "author_id");
	g.sections = json_object();
	g.as_tag = json_object();
	g.authors = json_object();
	/* After this point, every error goes through out. */
	if (authors_put(&g) != 0)
		goto out;
	json_array_foreach(table(&g, "posts"), i, p) {
		if (!json_is_object(p) || (!json_is_integer(json_object_get(p,
		    "id")) && (!json_is_string(json_object_get(p, "id")) ||
		    str(p, "id")[0] == '\0' || strlen(str(p, "id")) > 40))) {
			snprintf(err, errsz, "posts[%zu]: not a post with an "
			    "id", i);
			goto out;
		}
		if (post_put(&g, p) != 0) {
			char msg[1024];

			snprintf(msg, sizeof(msg), "posts[%zu] (%s): %s", i,
			    str(p, "slug"), err);
			strlcpy_(err, msg, errsz);
			goto out;
		}
		import_progress(o, rep, 0);
	}
	tag_redirects(&g);
	import_redirect(db, rep, "/rss/", "/feed.xml");
	if (members_put(&g) != 0)
		goto out;
	rep->bytes = rep->bytes_total;
	rc = 0;
out:
	json_decref(g.tags);
	json_decref(g.users);
	json_decref(g.meta);
	json_decref(g.post_tags);
	json_decref(g.post_authors);
	json_decref(g.sections);
	json_decref(g.as_tag);
	json_decref(g.authors);
	return rc;
}
