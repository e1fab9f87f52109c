/*
 * page_home.c — the home page.  The main column: the lead story, a row of
 * top stories, "Most commented", the editor's picks, then a block per
 * topic section (its newest story with image and dek, then headlines).
 * The sidebar runs beside it, with "Featured Video" when a video story
 * exists and the newest podcasts (docs/home.md).
 *
 * The lead, the top stories and the picks come from the pins of
 * /admin/front (page_admin_front.c) first; the lead and the top row are
 * filled with the newest stories, the picks are only what editors chose.
 * A story shows once on the page: each block passes over what a block
 * above it (or the sidebar) shows already.
 *
 * Queries per render: the pins and their next expiry, the featured
 * video setting, and Most commented unless Most Read takes its place,
 * read together at the start (store_home_reads: one round trip on
 * PostgreSQL).  The lists the
 * blocks take their stories from (the newest stories, videos and
 * podcasts, the topic sections, each section's newest) are fragments
 * with their own tags, like the sidebar, read again only when a write
 * dropped them (list_cards()).
 */
#include <string.h>

#include "cache.h"
#include "config.h"
#include "own.h"
#include "page.h"
#include "picture.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "util.h"
#include "view.h"

#define HOME_TOP		4	/* the row under the lead */
/* The newest stories read for the lead and top row, with room for the
 * sidebar's Partner and Guest Perspectives they may pass over. */
#define HOME_LATEST		(1 + HOME_TOP + 8)
#define HOME_HEADLINES		3	/* a section's stories after its lead */
#define HOME_MOST		5	/* Most commented */
#define HOME_MOST_DAYS		7	/* ... counts this many days of comments */
#define HOME_MOST_REFRESH	3600	/* ... and slides its window hourly */
/* ... read with room for the stories the blocks above show already */
#define HOME_MOST_ROWS		(HOME_MOST + 2 * (1 + HOME_TOP + \
				    STORE_FRONT_PICKS))
#define HOME_VIDEOS		3	/* Featured Video's "more videos" */
#define HOME_PODCASTS		4	/* the sidebar's newest podcasts */
/*
 * Each section's newest stories read: its lead and headlines, and room
 * for those the blocks above took already.
 */
#define HOME_PER_SECTION	(1 + HOME_HEADLINES + 2)

/*
 * The ids a page shows, in the order the blocks take them.  Small (the
 * home page shows well under a hundred stories), so a linear scan.
 */
#define HOME_SHOWN_MAX		256
struct shown {
	int64_t	id[HOME_SHOWN_MAX];
	size_t	n;
};

static int
shown_id(const struct shown *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return 1;
	return 0;
}

static int
is_shown(const struct shown *s, json_t *row)
{
	return shown_id(s, view_int(row, "id"));
}

/*
 * Takes row for a block: 0, or -1 when the page shows it already.  The
 * id is read from the row once: a render takes a hundred rows.
 */
static int
take(struct shown *s, json_t *row)
{
	int64_t id = view_int(row, "id");

	if (shown_id(s, id))
		return -1;
	if (s->n < HOME_SHOWN_MAX)
		s->id[s->n++] = id;
	return 0;
}

/*
 * The home page's copy of the shared sidebar: its story lists without the
 * stories pinned to the main column, the rest taken for the sidebar.  A
 * shallow copy; only the two small lists are new.
 */
static json_t *
home_sidebar_copy(json_t *sb, struct shown *s)
{
	static const char *const lists[] = { "partner", "guest" };
	json_t *out = json_copy(sb), *kept, *row;
	size_t i, k;

	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		kept = json_array();
		json_array_foreach(json_object_get(sb, lists[k]), i, row)
			if (take(s, row) == 0)
				json_array_append(kept, row);
		json_object_set_new(out, lists[k], kept);
	}
	return out;
}

/*
 * view_article() for a story shown by its title alone: its image is not
 * made (a srcset is a good part of a row's cost, and of the page's).
 */
static void
view_headline(json_t *row)
{
	json_object_del(row, "image_hash");
	view_article(row);
}

/*
 * The pins of /admin/front that show now, as list rows with "position"
 * (the slot).  The page keeps until a pin expires, and drops with a
 * change of the pins (the "front" tag) or of a pinned story.
 */
static void
front_pins(struct home_reads *h, json_t **pins)
{
	json_t *row;
	size_t i;

	cache_dep_str(tag_front().s);
	cache_dep_until(h->next_expiry);
	*pins = h->pins;
	json_array_foreach(*pins, i, row) {
		if (view_int(row, "position") > STORE_FRONT_TOP)
			view_headline(row);	/* a pick */
		else
			view_article(row);
	}
}

/* The pinned stories of slots lo to hi, in slot order, into list. */
static void
pins_of(json_t *pins, int lo, int hi, struct shown *s, json_t *list)
{
	json_t *row;
	size_t i;
	int64_t slot;

	json_array_foreach(pins, i, row) {
		slot = view_int(row, "position");
		if (slot >= lo && slot <= hi && take(s, row) == 0)
			json_array_append(list, row);
	}
}

/*
 * The stories of a list's cards (list_cards()) that nobody took yet,
 * into list until it holds max, in the form key names: "card" (with its
 * image), "head" (by its title), or a card made for its place ("lead",
 * "top", "side").
 */
static void
fill(json_t *cards, size_t max, const char *key, struct shown *s,
    json_t *list)
{
	json_t *c;
	size_t i;

	json_array_foreach(cards, i, c) {
		if (json_array_size(list) >= max)
			break;
		if (take(s, json_object_get(c, "card")) != 0)
			continue;
		json_array_append(list, json_object_get(c, key));
	}
}

/*
 * "Most commented": the stories with the most approved comments of the
 * last HOME_MOST_DAYS days.  A change of any story's count drops the
 * page (the "comments" tag); the window moves on with an hourly render.
 */
static json_t *
most_commented(struct home_reads *h, struct shown *s)
{
	json_t *rows = h->most, *row, *out;
	size_t i;

	cache_dep_str(tag_comment_counts().s);
	cache_dep_until(h->now + HOME_MOST_REFRESH);
	out = json_array();
	json_array_foreach(rows, i, row) {
		if (json_array_size(out) >= HOME_MOST)
			break;
		if (is_shown(s, row))
			continue;
		view_headline(row);
		(void)take(s, row);
		json_object_set_new(row, "recent_one",
		    json_boolean(view_int(row, "recent_comments") == 1));
		json_array_append(out, row);
	}
	return out;
}

/* The cards made for a place on the page, beside "card" and "head". */
enum home_place {
	HOME_PLACE_LEAD = 1,	/* "lead": the lead's image, fetched first */
	HOME_PLACE_TOP = 2,	/* "top": an image of the top row */
	HOME_PLACE_SIDE = 4,	/* "side": Featured Video's, the sidebar's */
};

/* A copy of card with its image sized for slot, first on the page when first. */
static json_t *
placed_card(json_t *card, enum picture_slot slot, int first)
{
	json_t *c = view_card_copy(card), *img;

	if ((img = json_object_get(c, "image")) != NULL) {
		picture_slot(img, slot);
		if (first)
			picture_first(img);
	}
	return c;
}

/* Appends the decimal digits of v at *p, before end. */
static void
put_num(char **p, const char *end, int64_t v)
{
	char tmp[24], *t = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do
		*--t = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--t = '-';
	while (t < tmp + sizeof(tmp) && *p < end)
		*(*p)++ = *t++;
}

/*
 * The name of list_cards()' fragment, "home:BY.KEY.TYPE.N.PLACES"; made
 * by hand: a render asks for a dozen, and snprintf() cost more than the
 * look-up of the fragment.
 */
static void
cards_name(char *name, size_t size, enum list_by by, int64_t key,
    const char *type, int n, unsigned places)
{
	char *p = name, *end = name + size - 1;
	size_t tl = type != NULL ? strlen(type) : 0;

	memcpy(p, "home:", 5);
	p += 5;
	put_num(&p, end, (int64_t)by);
	if (p < end)
		*p++ = '.';
	put_num(&p, end, key);
	if (p < end)
		*p++ = '.';
	if (tl > (size_t)(end - p))
		tl = (size_t)(end - p);
	memcpy(p, type != NULL ? type : "", tl);
	p += tl;
	if (p < end)
		*p++ = '.';
	put_num(&p, end, n);
	if (p < end)
		*p++ = '.';
	put_num(&p, end, places);
	*p = '\0';
}

/*
 * The newest stories of a list (the latest, a topic section's, an
 * article type's), at most n, ready to show: each as {"card": the story
 * with its image, "head": by its title alone}, since which of the two a
 * block shows depends on what the blocks above took.  The places asked
 * for (enum home_place) add cards whose images have that place's sizes,
 * made once with the fragment instead of copied and sized by every
 * render.  Kept as a fragment
 * with the tags of its list and of its stories, so a publish reads again
 * only the lists it changed: a publish in one section leaves the other
 * sections' blocks kept.  With slot below PICTURE__MAX the cards' images
 * have that slot's sizes.  The fragment is shared by the threads and
 * nothing in it changes once it is kept: a block that gives a card's
 * image other sizes copies the card first (view_card_copy()).  Returns the
 * request's reference, or NULL with *rc set.
 */
static json_t *
list_cards(struct req *r, enum list_by by, int64_t key, const char *type,
    int n, enum picture_slot slot, unsigned places, int *rc)
{
	struct cursor first = CURSOR_FIRST, next;
	json_t *f, *rows, *row, *card, *head, *e;
	char name[96];
	size_t i;

	cards_name(name, sizeof(name), by, key, type, n, places);
	if ((f = own_json(r, cache_memo_get(name))) != NULL)
		return f;
	cache_memo_begin();
	if ((*rc = store_article_list(r->db, by, key, type, &first, n,
	    page_now(), &rows, &next)) != STORE_OK)
		return NULL;
	own_json(r, rows);
	page_dep_list(r, by, key, type);
	f = own_json(r, json_array());
	json_array_foreach(rows, i, row) {
		card = json_deep_copy(row);
		view_article(card);
		if (slot < PICTURE__MAX)
			picture_slot(json_object_get(card, "image"), slot);
		head = json_deep_copy(row);
		view_headline(head);
		e = json_pack("{s:o,s:o}", "card", card, "head", head);
		if (places & HOME_PLACE_LEAD)
			json_object_set_new(e, "lead", placed_card(card,
			    PICTURE_LEAD, 1));
		if (places & HOME_PLACE_TOP)
			json_object_set_new(e, "top", placed_card(card,
			    PICTURE_HOME_CARD, 0));
		if (places & HOME_PLACE_SIDE)
			json_object_set_new(e, "side", placed_card(card,
			    PICTURE_SIDEBAR, 0));
		json_array_append_new(f, e);
	}
	cache_memo_put(name, f);
	return f;
}

/*
 * The top topic sections, kept as the fragment "home:topics", each with
 * the "url" of its page.
 */
static json_t *
home_topics(struct req *r, int *rc)
{
	json_t *f, *t;
	char url[300];
	size_t i;

	if ((f = own_json(r, cache_memo_get("home:topics"))) != NULL)
		return f;
	cache_memo_begin();
	cache_dep_str(tag_sections().s);
	if ((*rc = store_home_topics(r->db, &f)) != STORE_OK)
		return NULL;
	own_json(r, f);
	json_array_foreach(f, i, t) {
		snprintf(url, sizeof(url), "/section/%s", view_str(t, "slug"));
		json_object_set_new(t, "url", json_string(url));
	}
	cache_memo_put("home:topics", f);
	return f;
}

/*
 * A block per topic section, in the sections' order: its lead is its
 * newest story nobody took, its headlines the next ones; a section left
 * with nothing is left out.  The stories are the fragments' own objects,
 * shared, not copied: the page only adds them to its lists.
 */
static int
home_sections(struct req *r, struct shown *s, json_t **out)
{
	json_t *topics, *t, *stories, *st, *cur, *heads;
	size_t i, k;
	int rc = STORE_OK;

	*out = NULL;
	if ((topics = home_topics(r, &rc)) == NULL)
		return rc;
	*out = own_json(r, json_array());
	json_array_foreach(topics, i, t) {
		if ((stories = list_cards(r, LIST_SECTION, view_int(t, "id"),
		    NULL, HOME_PER_SECTION, PICTURE_HOME_THUMB, 0, &rc)) == NULL)
			return rc;
		/* By hand: json_pack() parsing its format cost more. */
		cur = json_object();
		json_object_set(cur, "name", json_object_get(t, "name"));
		json_object_set(cur, "url", json_object_get(t, "url"));
		heads = json_array();
		json_object_set_new(cur, "headlines", heads);
		json_array_foreach(stories, k, st) {
			if (json_array_size(heads) >= HOME_HEADLINES ||
			    take(s, json_object_get(st, "card")) != 0)
				continue;
			if (json_object_get(cur, "lead") == NULL)
				json_object_set(cur, "lead",
				    json_object_get(st, "card"));
			else
				json_array_append(heads,
				    json_object_get(st, "head"));
		}
		/* Sections whose stories all show above are left out. */
		if (json_object_get(cur, "lead") == NULL) {
			json_decref(cur);
			continue;
		}
		json_object_set_new(cur, "has_headlines", json_boolean(
		    json_array_size(heads) > 0));
		json_array_append_new(*out, cur);
	}
	return STORE_OK;
}

/*
 * The newest stories of an article type that the page does not show
 * already, at most max, into a new array; the first with its image sized
 * for the sidebar if image, the others by title.  Its list's tag drops the page when a
 * story of the type is published.  Room is read for the stories the
 * blocks before may have taken (taken).
 */
static int
newest_of_type(struct req *r, const char *type, size_t max, size_t taken,
    int image, struct shown *s, json_t **out)
{
	json_t *cards;
	int rc = STORE_OK;

	*out = NULL;
	if ((cards = list_cards(r, LIST_TYPE, 0, type, (int)(max + taken),
	    PICTURE__MAX, image ? HOME_PLACE_SIDE : 0, &rc)) == NULL)
		return rc;
	*out = own_json(r, json_array());
	/* The first by its image, when asked, the others by their titles. */
	if (image)
		fill(cards, 1, "side", s, *out);
	fill(cards, max, "head", s, *out);
	return STORE_OK;
}

/*
 * The video the newsroom chose for "Featured Video" (the featured_video
 * setting, docs/media.md) comes first when it is a published video; the
 * newest ones follow as headlines, without it.
 */
static int
chosen_video(struct req *r, struct home_reads *h, json_t *m)
{
	json_t *a, *more = json_object_get(m, "more_videos"), *row;
	const char *slug = h->video;
	size_t i;
	int rc;

	cache_dep_str(tag_featured_video().s);
	if (slug[0] == '\0')
		return STORE_OK;
	rc = store_article_get(r->db, slug, page_now(), &a);
	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	own_json(r, a);
	if (strcmp(view_str(a, "type"), "video") != 0)
		return STORE_OK;
	view_article(a);
	json_object_del(a, "body_html");
	picture_slot(json_object_get(a, "image"), PICTURE_SIDEBAR);
	if (more == NULL) {
		more = json_array();
		json_object_set_new(m, "more_videos", more);
	}
	/* The newest one steps down into the list, the chosen one out of it. */
	if ((row = json_object_get(m, "featured_video")) != NULL &&
	    view_int(row, "id") != view_int(a, "id")) {
		/* The fragment's card is shared: the headline is a copy. */
		row = view_card_copy(row);
		view_headline(row);
		json_array_insert_new(more, 0, row);
	}
	for (i = 0; i < json_array_size(more); i++)
		if (view_int(json_array_get(more, i), "id") ==
		    view_int(a, "id"))
			json_array_remove(more, i--);
	while (json_array_size(more) > HOME_VIDEOS)
		json_array_remove(more, json_array_size(more) - 1);
	json_object_set(m, "featured_video", a);
	json_object_set_new(m, "has_more_videos", json_boolean(
	    json_array_size(more) > 0));
	return STORE_OK;
}

/*
 * "Featured Video": the newest video story, and the next few as
 * headlines, when a video story exists; unless pinned to the main column
 * it is the sidebar's, so the lead and top row pass over it.
 */
static int
featured_video(struct req *r, struct home_reads *h, struct shown *s,
    json_t *m)
{
	json_t *v;
	int rc;

	/* Only the pins come before it (json_array_size(pins) at most). */
	if ((rc = newest_of_type(r, "video", 1 + HOME_VIDEOS,
	    json_array_size(json_object_get(m, "picks")) + json_array_size(
	    json_object_get(m, "top")) + 1, 1, s, &v)) != STORE_OK)
		return rc;
	if (json_array_size(v) > 0) {
		json_object_set(m, "featured_video", json_array_get(v, 0));
		json_array_remove(v, 0);
		json_object_set(m, "more_videos", v);
		json_object_set_new(m, "has_more_videos", json_boolean(
		    json_array_size(v) > 0));
	}
	return chosen_video(r, h, m);
}

/* The newest podcasts that the main column above does not show. */
static int
podcasts(struct req *r, struct shown *s, json_t *m)
{
	json_t *v;
	int rc;

	/* The lead, the top row, the picks and Most Commented come before. */
	if ((rc = newest_of_type(r, "podcast", HOME_PODCASTS, 1 +
	    json_array_size(json_object_get(m, "top")) + json_array_size(
	    json_object_get(m, "picks")) + json_array_size(
	    json_object_get(m, "most_commented")), 0, s, &v)) != STORE_OK)
		return rc;
	json_object_set(m, "podcasts", v);
	json_object_set_new(m, "has_podcasts", json_boolean(
	    json_array_size(v) > 0));
	return STORE_OK;
}

/* Whether a story of the lead or the top row is a pin, the page's own. */
static int
is_pin(json_t *row)
{
	return json_object_get(row, "position") != NULL;
}

/*
 * Each image of the page gets the sizes of where it stands; the lead's
 * is the first the reader sees, so it is fetched first and not lazily.
 * The newest stories come as the fragment's cards made for their place
 * (list_cards()), sized already and shared; the pins are the page's own
 * and are sized here.  Featured Video's and the section blocks' images
 * are sized in their fragments too (chosen_video() sizes its own).
 */
static void
home_images(json_t *m)
{
	json_t *img, *lead = json_object_get(m, "lead"), *v;
	json_t *top = json_object_get(m, "top");
	size_t i;

	if (lead != NULL && is_pin(lead) &&
	    (img = json_object_get(lead, "image")) != NULL) {
		picture_slot(img, PICTURE_LEAD);
		picture_first(img);
	}
	json_array_foreach(top, i, v)
		if (is_pin(v))
			picture_slot(json_object_get(v, "image"),
			    PICTURE_HOME_CARD);
	if (json_object_get(lead, "image") != NULL)
		return;
	/* No lead image: the top row's first image is fetched first. */
	json_array_foreach(top, i, v) {
		if (json_object_get(v, "image") == NULL)
			continue;
		if (!is_pin(v)) {
			v = view_card_copy(v);
			json_array_set_new(top, i, v);
		}
		picture_first(json_object_get(v, "image"));
		break;
	}
}

int
model_home(struct req *r, json_t **out)
{
	/*
	 * On the stack: a calloc of its 2 KB would make malloc consolidate
	 * the small chunks the last page freed, on every render.
	 */
	struct shown shown, *s = &shown;
	struct home_reads h;
	json_t *latest, *pins, *lead, *top, *list, *m, *v;
	int rc = STORE_OK;

	*out = NULL;
	s->n = 0;
	m = own_json(r, json_object());
	/*
	 * Most commented is read with the pins unless Most Read takes its
	 * place below, as its kept fragment says (its tags are the page's
	 * where the block stands, below).  When that fragment is not kept
	 * it is read with the pins all the same: a statement more in the
	 * same round trip costs less than a round trip of its own.
	 */
	h.now = page_now();
	h.most_since = h.now - HOME_MOST_DAYS * 86400;
	h.most_limit = page_most_read_kept() == 1 ? 0 : HOME_MOST_ROWS;
	if ((rc = store_home_reads(r->db, &h)) != STORE_OK)
		return status_store(rc);
	own_json(r, h.pins);
	/* Owned now: Most Read may show below all the same, or a read fail. */
	own_json(r, h.most);
	front_pins(&h, &pins);
	/* The pins first, each block's in slot order. */
	lead = own_json(r, json_array());
	pins_of(pins, 0, 0, s, lead);
	top = json_array();
	pins_of(pins, 1, STORE_FRONT_TOP, s, top);
	json_object_set_new(m, "top", top);
	list = json_array();
	pins_of(pins, STORE_FRONT_TOP + 1, STORE_FRONT_TOP + STORE_FRONT_PICKS,
	    s, list);
	json_object_set_new(m, "picks", list);
	/* Then the sidebar, less what is pinned: the rest passes over it. */
	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(m, "sidebar", home_sidebar_copy(json_object_get(m,
	    "sidebar"), s));
	if ((rc = featured_video(r, &h, s, m)) != STORE_OK)
		return status_store(rc);
	/* The newest stories fill the lead and the top row. */
	if ((latest = list_cards(r, LIST_LATEST, 0, NULL, HOME_LATEST +
	    (int)json_array_size(pins), PICTURE__MAX, HOME_PLACE_LEAD |
	    HOME_PLACE_TOP, &rc)) == NULL)
		return status_store(rc);
	fill(latest, 1, "lead", s, lead);
	if ((v = json_array_get(lead, 0)) != NULL)
		json_object_set(m, "lead", v);
	fill(latest, HOME_TOP, "top", s, top);

	/*
	 * Most Read takes Most Commented's place once enough stories were
	 * read (docs/analytics.md); until then Most Commented stays.
	 */
	if ((rc = page_add_most_read(r, m, "most_read")) != STORE_OK)
		return status_store(rc);
	if (json_object_get(m, "most_read") != NULL)
		list = json_array();
	else {
		/* Most Read's fragment was dropped since: read it now. */
		if (h.most_limit == 0) {
			if ((rc = store_most_commented(r->db, h.most_since,
			    HOME_MOST_ROWS, h.now, &h.most)) != STORE_OK)
				return status_store(rc);
			own_json(r, h.most);
		}
		list = most_commented(&h, s);
	}
	json_object_set_new(m, "most_commented", list);
	/* The podcasts go before the section blocks. */
	if ((rc = podcasts(r, s, m)) != STORE_OK)
		return status_store(rc);
	if ((rc = home_sections(r, s, &list)) != STORE_OK)
		return status_store(rc);
	json_object_set(m, "sections", list);
	/* Whether each block has something to show (its heading goes too). */
	json_object_set_new(m, "has_top", json_boolean(json_array_size(
	    json_object_get(m, "top")) > 0));
	json_object_set_new(m, "has_picks", json_boolean(json_array_size(
	    json_object_get(m, "picks")) > 0));
	json_object_set_new(m, "has_most", json_boolean(json_array_size(
	    json_object_get(m, "most_commented")) > 0));
	home_images(m);
	*out = json_incref(m);
	return 0;
}

int
page_home(struct req *r)
{
	json_t *m;
	int status;

	/* A sister site's home is the latest of its stories. */
	if (r->site != NULL)
		return page_sites_home(r);
	if ((status = model_home(r, &m)) != 0)
		return status;
	own_json(r, m);
	json_object_set_new(m, "page", json_pack("{s:b}", "is_home", 1));
	return page_render(r, 200, "home", json_incref(m));
}
