/*
 * page_shows.c — podcasts and videos as products (docs/media.md): the
 * video hub (/video) and each series' page (/video/series/:slug), the
 * podcasts' page (/podcasts) and each show's (/podcasts/:show), and an
 * episode's parts at their own addresses: its chapters in the
 * Podcasting 2.0 JSON format and its transcript as text.  The episode
 * itself is the story page (page_article.c), which page_episode() gives
 * its player, chapters, transcript and show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "episode.h"
#include "own.h"
#include "page.h"
#include "picture.h"
#include "req.h"
#include "status.h"
#include "store.h"
#include "tag.h"
#include "url.h"
#include "view.h"

#define HUB_VIDEOS	12	/* the newest videos on /video */
#define SHOW_EPISODES	3	/* the newest episodes beside each show */

static const char *const hub_base[] = { "/podcasts/", "/video/series/" };

/* A show's URL, artwork and feed, from its row (kind says which hub). */
static void
view_show(json_t *s)
{
	int video = strcmp(view_str(s, "kind"), "video") == 0;
	char url[300];
	json_t *img;

	snprintf(url, sizeof(url), "%s%s", hub_base[video],
	    view_str(s, "slug"));
	json_object_set_new(s, "url", json_string(url));
	if (!video) {
		snprintf(url, sizeof(url), "/podcasts/%s/feed.xml",
		    view_str(s, "slug"));
		json_object_set_new(s, "feed_url", json_string(url));
	}
	json_object_set_new(s, "is_video", json_boolean(video));
	img = picture_new(json_string_value(json_object_get(s, "image_hash")),
	    view_str(s, "image_ext"), view_str(s, "image_widths"),
	    json_object_get(s, "image_width"),
	    json_object_get(s, "image_height"), view_str(s, "image_alt"),
	    PICTURE_THUMB);
	if (img != NULL)
		json_object_set_new(s, "image", img);
}

/* The shows of a kind, each with its newest episodes. */
static int
shows_with_episodes(struct req *r, const char *kind, json_t **out)
{
	struct cursor first = CURSOR_FIRST, next;
	json_t *shows, *s, *eps;
	size_t i;
	int rc;

	*out = NULL;
	cache_dep_str(tag_shows().s);
	if ((rc = store_shows(r->db, kind, &shows)) != STORE_OK)
		return rc;
	own_json(r, shows);
	json_array_foreach(shows, i, s) {
		view_show(s);
		first = (struct cursor)CURSOR_FIRST;
		if ((rc = page_articles(r, LIST_SHOW, view_int(s, "id"), NULL,
		    &first, SHOW_EPISODES, &eps, &next)) != STORE_OK)
			return rc;
		json_object_set_new(s, "episodes", eps);
	}
	*out = json_incref(shows);
	return STORE_OK;
}

static int
render(struct req *r, json_t *m, const char *tpl, const char *title,
    const char *description)
{
	int rc;

	if ((rc = page_add_sidebar(r, m)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(m, "page", json_pack("{s:s,s:s}", "title", title,
	    "description", description));
	return page_render(r, 200, tpl, json_incref(m));
}

int
page_podcasts(struct req *r)
{
	json_t *m, *shows;
	int rc;

	if ((rc = shows_with_episodes(r, "podcast", &shows)) != STORE_OK)
		return status_store(rc);
	m = own_json(r, json_pack("{s:o,s:s}", "shows", shows, "hub",
	    "podcasts"));
	return render(r, m, "media_hub", "Podcasts",
	    "Our podcasts: every show, its newest episodes and its feed.");
}

int
page_video(struct req *r)
{
	struct cursor first = CURSOR_FIRST, next;
	json_t *m, *shows, *list;
	int rc;

	if ((rc = shows_with_episodes(r, "video", &shows)) != STORE_OK)
		return status_store(rc);
	m = own_json(r, json_pack("{s:o,s:s,s:b}", "shows", shows, "hub",
	    "video", "is_video", 1));
	if ((rc = page_articles(r, LIST_TYPE, 0, "video", &first, HUB_VIDEOS,
	    &list, &next)) != STORE_OK)
		return status_store(rc);
	json_object_set_new(m, "articles", list);
	return render(r, m, "media_hub", "Video",
	    "Interviews, demonstrations and explainers on camera.");
}

/* One show's page: its artwork and description, then its episodes. */
static int
show_page(struct req *r, const char *kind)
{
	json_t *s, *m;
	char base[300];
	int rc, status;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	if ((rc = store_show_get(r->db, r->arg[0], &s)) != STORE_OK)
		return status_store(rc);
	own_json(r, s);
	/* A podcast is not a video series: one address each. */
	if (strcmp(view_str(s, "kind"), kind) != 0)
		return 404;
	cache_dep_str(tag_shows().s);
	view_show(s);
	picture_slot(json_object_get(s, "image"), PICTURE_HERO);
	picture_first(json_object_get(s, "image"));
	m = own_json(r, json_pack("{s:O}", "show", s));
	snprintf(base, sizeof(base), "%s", view_str(s, "url"));
	if ((status = page_list_add(r, m, LIST_SHOW, view_int(s, "id"),
	    base)) != 0)
		return status;
	return render(r, m, "media_show", view_str(s, "title"),
	    view_str(s, "description"));
}

int
page_podcast_show(struct req *r)
{
	return show_page(r, "podcast");
}

int
page_video_series(struct req *r)
{
	return show_page(r, "video");
}

void
page_episode(json_t *a)
{
	const char *url = view_str(a, "embed_url"), *kind;
	enum embed_provider p;
	char id[64], src[200], shown[32];
	json_t *ch;
	int line;

	kind = view_str(a, "show_kind");
	if (view_str(a, "show_slug")[0] != '\0') {
		/* The page names its show: a renamed show drops it. */
		cache_dep_str(tag_shows().s);
		snprintf(src, sizeof(src), "%s%s",
		    hub_base[strcmp(kind, "video") == 0],
		    view_str(a, "show_slug"));
		json_object_set_new(a, "show_url", json_string(src));
	}
	if (view_str(a, "chapters")[0] != '\0' &&
	    episode_chapters(view_str(a, "chapters"), &ch, &line) == 0) {
		json_object_set_new(a, "has_chapter_list", json_boolean(
		    json_array_size(ch) > 0));
		json_object_set_new(a, "chapter_list", ch);
	}
	if (view_str(a, "transcript")[0] != '\0') {
		json_object_set_new(a, "has_transcript", json_true());
		json_object_set_new(a, "transcript_paras",
		    episode_paragraphs(view_str(a, "transcript")));
	}
	if (view_int(a, "media_seconds") > 0) {
		episode_fmt_time(view_int(a, "media_seconds"), shown,
		    sizeof(shown));
		json_object_set_new(a, "duration", json_string(shown));
	}
	if (url[0] != '\0' && (p = episode_embed(url, id, sizeof(id))) !=
	    EMBED_NONE) {
		episode_embed_src(p, id, src, sizeof(src));
		json_object_set_new(a, "embed", json_pack("{s:s,s:s}",
		    "provider", episode_provider_name(p), "src", src));
	}
	/* The player's script: seeking by chapter, the embed's button. */
	json_object_set_new(a, "has_media", json_boolean(
	    json_object_get(a, "embed") != NULL ||
	    json_object_get(a, "has_chapter_list") != NULL));
}

/* The published story of the route's slug, with its media parts. */
static int
episode_of(struct req *r, json_t **a)
{
	int rc;

	if (!url_is_slug(r->arg[0], r->arglen[0]))
		return 404;
	if ((rc = store_article_get(r->db, r->arg[0], page_now(), a)) !=
	    STORE_OK)
		return status_store(rc);
	own_json(r, *a);
	cache_dep_str(tag_article(view_int(*a, "id")).s);
	return 0;
}

/*
 * The chapters in the Podcasting 2.0 format (version 1.2.0): what an app
 * shows and seeks to.  A story without chapters has none to serve.
 */
int
page_episode_chapters(struct req *r)
{
	json_t *a, *ch, *doc, *c, *out;
	struct buf *b;
	char *s;
	size_t i;
	int line, status;

	if ((status = episode_of(r, &a)) != 0)
		return status;
	if (view_str(a, "chapters")[0] == '\0' ||
	    episode_chapters(view_str(a, "chapters"), &ch, &line) != 0)
		return 404;
	own_json(r, ch);
	out = json_array();
	json_array_foreach(ch, i, c)
		json_array_append_new(out, json_pack("{s:O,s:O}", "startTime",
		    json_object_get(c, "start"), "title",
		    json_object_get(c, "title")));
	doc = own_json(r, json_pack("{s:s,s:o}", "version", "1.2.0",
	    "chapters", out));
	if ((s = json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH)) == NULL)
		return 500;
	b = own_buf(r, 0);
	buf_puts(b, s);
	buf_putc(b, '\n');
	free(s);
	if (buf_err(b))
		return 500;
	http_send_buf(r, 200, "application/json+chapters; charset=utf-8", b);
	return 0;
}

/* The transcript as plain text, the type Podcasting 2.0 names. */
int
page_episode_transcript(struct req *r)
{
	const char *t;
	struct buf *b;
	json_t *a;
	int status;

	if ((status = episode_of(r, &a)) != 0)
		return status;
	t = view_str(a, "transcript");
	if (t[0] == '\0')
		return 404;
	b = own_buf(r, 0);
	buf_puts(b, t);
	if (t[strlen(t) - 1] != '\n')
		buf_putc(b, '\n');
	if (buf_err(b))
		return 500;
	http_send_buf(r, 200, "text/plain; charset=utf-8", b);
	return 0;
}
