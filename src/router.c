/*
 * router.c — the route table and dispatch.
 *
 * Every URL masthead answers is in the table below: a newcomer finds the
 * handler of a page here.  Errors of every handler come back to
 * router_error(), the one place that turns them into responses.
 */
#include <string.h>
#include <strings.h>

#include "analytics.h"
#include "api.h"
#include "auth.h"
#include "buf.h"
#include "cache.h"
#include "config.h"
#include "cookie.h"
#include "db.h"
#include "escape.h"
#include "feed.h"
#include "metrics.h"
#include "multipart.h"
#include "req.h"
#include "page.h"
#include "router.h"
#include "session.h"
#include "sites.h"
#include "store.h"
#include "url.h"
#include "util.h"

/*
 * The query parameters cached pages and API documents read, in the order
 * their cache keys hold them (route_query[] below says whose).  A page
 * sees no parameter that is not listed for it (http_query()), so none can
 * make a cache entry of its own or be missing from the key;
 * tests/http/test_cache_query.py checks that every listed one changes its
 * page and that nothing else does.
 */
static const char *const q_list[] = { "before", NULL };
/* The story lists' later pages carry their number, for the title. */
static const char *const q_stories[] = { "before", "page", NULL };
/* "view" last: page_comments_key() appends it to the key when absent. */
static const char *const q_article[] = { "cursor", "view", NULL };
static const char *const q_search[] = {
	"author", "from", "page", "q", "section", "sort", "to", "type", NULL,
};
static const char *const q_api_articles[] = {
	"author", "cursor", "limit", "section", "tag", "type", NULL,
};
static const char *const q_api_authors[] = { "after", "limit", NULL };
static const char *const q_api_events[] = { "archive", "before", NULL };
static const char *const q_webinars[] = { "before", "series", "topic", NULL };
static const char *const q_webinars_ics[] = { "series", "topic", NULL };

/*
 * Which page or document reads which parameters; strict: it refuses
 * others (api.c's check_params()), so such a request skips the cache,
 * which would answer it from the entry of the address without them.
 */
static const struct {
	int			(*fn)(struct req *);
	const char *const	*query;
	int			 strict;
} route_query[] = {
	{ page_article, q_article, 0 },
	{ page_section, q_stories, 0 },
	{ page_author, q_stories, 0 },
	{ page_tag, q_stories, 0 },
	{ page_type, q_stories, 0 },
	{ page_podcast_show, q_stories, 0 },
	{ page_video_series, q_stories, 0 },
	{ page_search, q_search, 0 },
	{ page_events, q_list, 0 },
	{ page_events_archive, q_list, 0 },
	{ page_webinars, q_webinars, 0 },
	{ page_webinars_archive, q_webinars, 0 },
	{ ics_webinars, q_webinars_ics, 0 },
	{ page_resources, q_list, 0 },
	{ api_articles, q_api_articles, 1 },
	{ api_section, q_list, 0 },
	{ api_author, q_list, 0 },
	{ api_authors, q_api_authors, 1 },
	{ api_events, q_api_events, 1 },
	{ api_webinars, q_api_events, 1 },
	{ api_resources, q_list, 1 },
	{ api_search, q_search, 1 },
};

static const struct route routes[] = {
	{ "GET", "/", page_home, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/article/:slug", page_article, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/article/:slug/comments.atom", feed_comments, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/article/:slug/comment", page_comment_compose, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/article/:slug/comment", page_comment_post, ROUTE_FORM,
	  WHO_MEMBER, 1, BODY_FORM, NULL },
	{ "GET", "/comments/:id", page_comment, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/comments/:id/reply", page_comment_reply, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/comments/:id/edit", page_comment_edit, ROUTE_FORM,
	  WHO_MEMBER, 0, BODY_NONE, NULL },
	{ "POST", "/comments/:id/edit", page_comment_edit_post, ROUTE_FORM,
	  WHO_MEMBER, 1, BODY_FORM, NULL },
	{ "POST", "/comments/:id/delete", page_comment_delete, ROUTE_FORM,
	  WHO_MEMBER, 1, BODY_FORM, NULL },
	{ "GET", "/comments/:id/report", page_comment_report, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/comments/:id/report", page_comment_report_post, ROUTE_FORM,
	  WHO_MEMBER, 1, BODY_FORM, NULL },
	{ "GET", "/admin/comments", admin_comments, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/comments", admin_comments_post, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/comments/settings",
	  admin_comments_settings, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/comments/settings",
	  admin_comments_settings_post, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/comments/log", admin_comments_log, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/section/:slug", page_section, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/author/:slug", page_author, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/tag/:slug", page_tag, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/type/:type", page_type, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	/* Podcasts and video series (docs/media.md). */
	{ "GET", "/podcasts", page_podcasts, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/podcasts/:slug", page_podcast_show, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/podcasts/:slug/feed.xml", feed_show_podcast, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/video", page_video, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/video/series/:slug", page_video_series, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/article/:slug/chapters.json", page_episode_chapters,
	  ROUTE_PAGE, WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/article/:slug/transcript.txt", page_episode_transcript,
	  ROUTE_PAGE, WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/search", page_search, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/events", page_events, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/events/archive", page_events_archive, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/events/:slug.ics", ics_event, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/events/:slug", page_event, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/webinars", page_webinars, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/webinars/archive", page_webinars_archive, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/webinars/:slug.ics", ics_webinar, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/webinars/:slug", page_webinar, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	/* White papers (docs/resources.md). */
	{ "GET", "/resources", page_resources, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/resources/:slug", page_resource, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/resources/:slug/access", page_resource_access, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/resources/:slug/access/start",
	  page_resource_access_start, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_FORM, NULL },
	{ "POST", "/resources/:slug/access",
	  page_resource_access_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/resources/:slug/download",
	  page_resource_download, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	/* The awards programme (docs/awards.md). */
	{ "GET", "/awards", page_awards, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/awards/entries/:token", page_award_entry, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/awards/entries/:token/withdraw", page_award_withdraw,
	  ROUTE_FORM, WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/awards/:year", page_award_year, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/awards/:year/shortlist", page_award_shortlist, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/awards/:year/winners", page_award_winners, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/awards/:year/enter", page_award_enter, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/awards/:year/enter", page_award_enter_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_ATTACHMENT, NULL },
	/* Judges score the entries of their categories (page_admin_awards.c). */
	{ "GET", "/judging", page_judging, ROUTE_FORM,
	  WHO_MEMBER, 0, BODY_NONE, NULL },
	{ "POST", "/judging/:id", page_judging_score, ROUTE_FORM,
	  WHO_MEMBER, 1, BODY_FORM, NULL },
	{ "GET", "/judging/:id/file", page_judging_file, ROUTE_FORM,
	  WHO_MEMBER, 0, BODY_NONE, NULL },
	/* Registration (docs/events.md): forms and signed links, uncached. */
	{ "GET", "/events/:slug/register", page_register_event, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/events/:slug/register/start",
	  page_register_event_start, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_FORM, NULL },
	{ "POST", "/events/:slug/register",
	  page_register_event_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/webinars/:slug/register", page_register_webinar, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/webinars/:slug/register/start",
	  page_register_webinar_start, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_FORM, NULL },
	{ "POST", "/webinars/:slug/register",
	  page_register_webinar_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/webinars/:slug/watch/:token",
	  page_webinar_watch, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/webinars/:slug/join/:token",
	  page_webinar_join, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/registrations/:token", page_registration, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/registrations/:token/cancel",
	  page_registration_cancel, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	/* Feeds, calendars and sitemaps (docs/feeds.md). */
	{ "GET", "/feed.xml", feed_site_rss, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/atom.xml", feed_site_atom, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/feed.json", feed_site_json, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/section/:slug/feed.xml", feed_section_rss, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/section/:slug/atom.xml", feed_section_atom, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/section/:slug/feed.json", feed_section_json, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/author/:slug/feed.xml", feed_author_rss, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/author/:slug/atom.xml", feed_author_atom, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/author/:slug/feed.json", feed_author_json, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/tag/:slug/feed.xml", feed_tag_rss, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/tag/:slug/atom.xml", feed_tag_atom, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/tag/:slug/feed.json", feed_tag_json, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/podcast.xml", feed_podcast, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/events.ics", ics_events, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/webinars.ics", ics_webinars, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/robots.txt", sitemap_robots, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/sitemap.xml", sitemap_index, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/sitemaps/:name.xml", sitemap_part, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/sitemap-video.xml", sitemap_video_moved, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/assets/:file", page_asset, ROUTE_ASSET,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/favicon.ico", page_favicon, ROUTE_ASSET,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/media/:file", page_media, ROUTE_ASSET,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/articles", api_articles, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/articles/:slug", api_article, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/sections", api_sections, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/sections/:slug", api_section, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/authors", api_authors, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/authors/:slug", api_author, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/events", api_events, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/events/:slug", api_event, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/webinars", api_webinars, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/webinars/:slug", api_webinar, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/resources", api_resources, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/resources/:slug", api_resource, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/api/v1/search", api_search, ROUTE_API,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/signin", page_signin, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/signin", page_signin_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "POST", "/signout", page_signout, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/register", page_register, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/register", page_register_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/verify/:token", page_verify, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/verify/:token", page_verify_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/reset", page_reset, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/reset", page_reset_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/reset/:token", page_reset_link, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/reset/:token", page_reset_link_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/account", page_account, ROUTE_FORM,
	  WHO_MEMBER, 0, BODY_NONE, NULL },
	{ "POST", "/account/signout-all", page_signout_all, ROUTE_FORM,
	  WHO_MEMBER, 1, BODY_FORM, NULL },
	{ "POST", "/account/profile", page_account_profile, ROUTE_FORM,
	  WHO_MEMBER, 1, BODY_FORM, NULL },
	{ "GET", "/invite/:token", page_invite, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/invite/:token", page_invite_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/setup/:token", page_setup, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/setup/:token", page_setup_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	/* The whole main menu; pages carry its top row (docs/home.md). */
	{ "GET", "/sections", page_sections, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	/* Newsletters (docs/newsletters.md). */
	{ "GET", "/newsletter", page_newsletter, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/newsletter", page_newsletter_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/newsletter/confirm/:token",
	  page_newsletter_confirm, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/newsletter/confirm/:token",
	  page_newsletter_confirm_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/newsletter/preferences/:token",
	  page_newsletter_prefs, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/newsletter/preferences/:token",
	  page_newsletter_prefs_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/newsletter/unsubscribe/:slug/:token",
	  page_newsletter_unsub, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/newsletter/unsubscribe/:slug/:token",
	  page_newsletter_unsub_post, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/your-data", page_data_ask, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/your-data", page_data_ask_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/your-data/:token", page_data, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/your-data/:token", page_data_post, ROUTE_FORM,
	  WHO_ANYONE, 1, BODY_FORM, NULL },
	{ "GET", "/your-data/:token/export.json", page_data_export, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/admin/newsletters", page_admin_newsletters, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/newsletters", page_admin_newsletter_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/newsletters/:slug/subscribers.csv",
	  page_admin_newsletter_csv, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/newsletters/:slug", page_admin_newsletter, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/newsletters/:slug",
	  page_admin_newsletter_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/newsletters/:slug/issues",
	  page_admin_issue_new, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/newsletters/:slug/issues/:id",
	  page_admin_issue, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/newsletters/:slug/issues/:id",
	  page_admin_issue_post, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	/* An editor's session or API token: the handler checks which. */
	{ "GET", "/admin/newsletters/:slug/issues/:id/preview",
	  page_newsletter_preview, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/api/v1/admin/articles", api_admin_create, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_JSON, "your role cannot write articles" },
	{ "GET", "/api/v1/admin/articles/:id", api_admin_get, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, "your role cannot write articles" },
	{ "PATCH", "/api/v1/admin/articles/:id", api_admin_update, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_JSON, "your role cannot write articles" },
	{ "POST", "/api/v1/admin/articles/:id/publish",
	  api_admin_publish, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_JSON, "your role cannot write articles" },
	{ "POST", "/api/v1/admin/articles/:id/unpublish",
	  api_admin_unpublish, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_JSON, "your role cannot write articles" },
	{ "POST", "/api/v1/admin/articles/:id/review",
	  api_admin_review, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_JSON, "your role cannot write articles" },
	{ "POST", "/api/v1/admin/media", api_admin_media, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_UPLOAD, "your role cannot upload images" },
	{ "GET", "/api/v1/admin/media", api_admin_media_list, ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, "your role cannot see the images" },
	{ "PATCH", "/api/v1/admin/media/:hash", api_admin_media_patch,
	  ROUTE_API,
	  WHO_CONTRIBUTOR, 0, BODY_JSON, "your role cannot change images" },
	{ "POST", "/api/v1/admin/podcast/artwork",
	  api_admin_podcast_art, ROUTE_API,
	  WHO_EDITOR, 0, BODY_UPLOAD,
	  "your role cannot change the podcast's artwork" },
	{ "GET", "/api/v1/admin/front", api_front_get, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE, "the front page is curated by editors" },
	{ "PUT", "/api/v1/admin/front", api_front_put, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON, "the front page is curated by editors" },
	{ "GET", "/api/v1/admin/menu-items", api_menu_list, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE, "menus are edited by editors" },
	{ "POST", "/api/v1/admin/menu-items", api_menu_add, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON, "menus are edited by editors" },
	{ "PATCH", "/api/v1/admin/menu-items/:id", api_menu_update, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON, "menus are edited by editors" },
	{ "DELETE", "/api/v1/admin/menu-items/:id", api_menu_delete, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE, "menus are edited by editors" },
	{ "GET", "/api/v1/admin/comments", api_admin_comments, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE,
	  "moderating comments needs the editor or admin role" },
	{ "POST", "/api/v1/admin/comments/bulk",
	  api_admin_comments_bulk, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON,
	  "moderating comments needs the editor or admin role" },
	{ "GET", "/api/v1/admin/comments/log",
	  api_admin_comments_log, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE,
	  "moderating comments needs the editor or admin role" },
	{ "POST", "/api/v1/admin/comments/bans",
	  api_admin_comments_ban, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON,
	  "moderating comments needs the editor or admin role" },
	{ "POST", "/api/v1/admin/comments/:id/:action",
	  api_admin_comment_action, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE,
	  "moderating comments needs the editor or admin role" },
	/* The newsroom: forms for signed-in writers, never cached. */
	{ "GET", "/admin", page_admin_dashboard, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/articles", page_admin_articles, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/articles", page_admin_create, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/bulk", page_admin_bulk, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/articles/new", page_admin_new, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/articles/:id", page_admin_edit, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/articles/:id", page_admin_save, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/:id/publish",
	  page_admin_publish, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/:id/schedule",
	  page_admin_schedule, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/:id/unpublish",
	  page_admin_unpublish, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/:id/trash", page_admin_trash_add, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/trash", page_admin_trash, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/trash/:id/restore", page_admin_trash_restore,
	  ROUTE_FORM, WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/trash/:id/delete", page_admin_trash_delete,
	  ROUTE_FORM, WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/trash/restore", page_admin_trash_bulk_restore,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/trash/delete", page_admin_trash_bulk_delete,
	  ROUTE_FORM, WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/trash/:kind/:id/restore",
	  page_admin_trash_kind_restore, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/trash/:kind/:id/delete",
	  page_admin_trash_kind_delete, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/events/:id/trash", page_admin_event_trash,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/webinars/:id/trash", page_admin_webinar_trash,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/resources/:id/trash", page_admin_resource_trash,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/articles/:id/preview", page_admin_preview, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/articles/:id/revisions",
	  page_admin_revisions, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/articles/:id/revisions/:rev",
	  page_admin_revision, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/articles/:id/revisions/:rev/restore",
	  page_admin_restore, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/preview", page_admin_markdown, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	/* Autosave and review (page_admin_autosave.c, page_admin_review.c). */
	{ "POST", "/admin/autosave", page_admin_autosave_new, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/:id/autosave", page_admin_autosave,
	  ROUTE_FORM, WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/:id/autosave/discard",
	  page_admin_autosave_discard, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/review", page_admin_review, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/articles/:id/review", page_admin_review_post,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/menus", page_admin_menus, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/menus", page_admin_menu_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/menus/:id", page_admin_menu_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/menus/:id/delete",
	  page_admin_menu_delete, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/authors", page_admin_authors, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/authors", page_admin_author_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/authors/:id", page_admin_author_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/authors/:id/delete",
	  page_admin_author_delete, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/sponsors", page_admin_sponsors, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/sponsors", page_admin_sponsor_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/sponsors/:id", page_admin_sponsor_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/sponsors/:id/delete",
	  page_admin_sponsor_delete, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/pages", page_admin_pages, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/pages", page_admin_page_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/pages/new", page_admin_page_new, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/pages/:id", page_admin_page_edit, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/pages/:id", page_admin_page_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/pages/:id/delete",
	  page_admin_page_delete, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/sections", page_admin_sections, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/sections", page_admin_section_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/sections/:id", page_admin_section_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/sections/:id/delete",
	  page_admin_section_delete, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/front", page_admin_front, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/front", page_admin_front_save, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/promos", page_admin_promos, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/promos", page_admin_promo_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/promos/:id", page_admin_promo_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/promos/:id/delete",
	  page_admin_promo_delete, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/sites", page_admin_sites, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "POST", "/admin/sites", page_admin_site_add, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/sites/limits", page_admin_site_limits, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/sites/:id", page_admin_site_update, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "GET", "/admin/redirects", page_admin_redirects, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "POST", "/admin/redirects", page_admin_redirect_save, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/redirects/delete", page_admin_redirect_delete,
	  ROUTE_FORM, WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "GET", "/admin/users", page_admin_users, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "POST", "/admin/users/role", page_admin_user_role, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/users/invite", page_admin_user_invite, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "GET", "/admin/settings", page_admin_settings, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "POST", "/admin/settings/mail-test", page_admin_settings_mail_test,
	  ROUTE_FORM, WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/settings/review", page_admin_settings_review,
	  ROUTE_FORM, WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "GET", "/admin/subscribers", page_admin_subscribers, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/subscribers/import",
	  page_admin_subscribers_import, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_MULTIPART, NULL },
	{ "POST", "/admin/subscribers/:id/unsubscribe",
	  page_admin_subscriber_unsub, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/subscribers/:id/delete",
	  page_admin_subscriber_delete, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/tokens", page_admin_tokens, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/tokens", page_admin_token_add, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/tokens/:id/revoke",
	  page_admin_token_revoke, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	/*
	 * ActivityPub (docs/activitypub.md): JSON documents at URLs of
	 * their own, never cached; the inboxes take signed activities.
	 */
	{ "GET", "/.well-known/webfinger", page_webfinger, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/.well-known/nodeinfo", page_nodeinfo_index, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/nodeinfo/2.0", page_nodeinfo, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/ap/actor", page_ap_actor, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/ap/actor/followers", page_ap_followers, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/ap/actor/inbox", page_ap_actor_inbox, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_ACTIVITY, NULL },
	{ "GET", "/ap/outbox", page_ap_outbox, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/ap/inbox", page_ap_inbox, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_ACTIVITY, NULL },
	{ "GET", "/ap/articles/:id", page_ap_article, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/ap/authors/:slug", page_ap_author, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/ap/authors/:slug/followers", page_ap_author_followers,
	  ROUTE_FORM, WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "POST", "/ap/authors/:slug/inbox", page_ap_author_inbox, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_ACTIVITY, NULL },
	{ "GET", "/admin/fediverse", page_admin_fediverse, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/webhooks", page_admin_webhooks, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "POST", "/admin/webhooks", page_admin_webhook_add, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/webhooks/:id/pause", page_admin_webhook_pause, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/webhooks/:id/resume", page_admin_webhook_resume, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/webhooks/:id/delete", page_admin_webhook_delete, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/webhooks/:id/ping", page_admin_webhook_ping, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "POST", "/admin/webhook-deliveries/:id/resend", page_admin_webhook_resend, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_FORM, NULL },
	{ "GET", "/admin/events", page_admin_events, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/events", page_admin_event_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/events/new", page_admin_event_new, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/events/:id", page_admin_event_edit, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/events/:id", page_admin_event_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/events/:id/registrations",
	  page_admin_event_regs, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/events/:id/registrations.csv",
	  page_admin_event_regs_csv, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/webinars/:id/registrations",
	  page_admin_webinar_regs, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/webinars/:id/registrations.csv",
	  page_admin_webinar_regs_csv, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/registrations/:id/cancel",
	  page_admin_reg_cancel, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/registrations/:id/move",
	  page_admin_reg_move, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/webinars", page_admin_webinars, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/webinars", page_admin_webinar_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/webinars/new", page_admin_webinar_new, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/webinars/:id", page_admin_webinar_edit, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/webinars/:id", page_admin_webinar_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/resources", page_admin_resources, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/resources", page_admin_resource_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/resources/new", page_admin_resource_new, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/resources/:id", page_admin_resource_edit, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/resources/:id",
	  page_admin_resource_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/resources/:id/file",
	  page_admin_resource_file, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_MULTIPART, NULL },
	{ "GET", "/admin/resources/:id/leads",
	  page_admin_resource_leads, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/resources/:id/leads.csv",
	  page_admin_resource_leads_csv, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	/* Podcasts and video series (docs/media.md). */
	{ "GET", "/admin/shows", page_admin_shows, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/shows", page_admin_show_save, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/shows/featured", page_admin_show_featured,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/articles/:id/media", page_admin_article_media,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_MULTIPART, NULL },
	{ "GET", "/admin/awards", page_admin_awards, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/awards", page_admin_awards_post, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/awards/categories/:id", page_admin_award_cat,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/awards/entries/:id/mark", page_admin_award_mark,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/awards/entries/:id/file", page_admin_award_file,
	  ROUTE_FORM, WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/awards/:id", page_admin_award, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/awards/:id", page_admin_award_post, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/awards/:id/categories", page_admin_award_cat_add,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/awards/:id/judges", page_admin_award_judges,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/awards/:id/publish", page_admin_award_publish,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/awards/:id/entries", page_admin_award_entries,
	  ROUTE_FORM, WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/awards/:id/entries.csv",
	  page_admin_award_entries_csv, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/media", page_admin_media, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/media", page_admin_media_post, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_MULTIPART, NULL },
	{ "GET", "/admin/media.json", page_admin_media_json, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/media.json", page_admin_media_upload_json,
	  ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_MULTIPART, NULL },
	{ "POST", "/admin/media/:hash", page_admin_media_save, ROUTE_FORM,
	  WHO_CONTRIBUTOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/import", page_admin_import, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "POST", "/admin/import", page_admin_import_upload, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_IMPORT, NULL },
	{ "PUT", "/admin/import", page_admin_import_upload, ROUTE_FORM,
	  WHO_ADMIN, 1, BODY_IMPORT, NULL },
	{ "GET", "/admin/import/:id.json", page_admin_import_status_json,
	  ROUTE_FORM, WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "GET", "/admin/import/:id", page_admin_import_status, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "GET", "/admin/export", page_admin_export, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "GET", "/admin/export.json", page_admin_export_json, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "GET", "/admin/export.xml", page_admin_export_wxr, ROUTE_FORM,
	  WHO_ADMIN, 0, BODY_NONE, NULL },
	{ "POST", "/api/v1/admin/newsletters/:newsletter/issues",
	  api_newsletter_issue_add, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON, "newsletters are run by editors" },
	{ "GET", "/api/v1/admin/newsletters/:newsletter/issues/:id",
	  api_newsletter_issue_get, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE, "newsletters are run by editors" },
	{ "PATCH", "/api/v1/admin/newsletters/:newsletter/issues/:id",
	  api_newsletter_issue_update, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON, "newsletters are run by editors" },
	{ "POST", "/api/v1/admin/newsletters/:newsletter/issues/:id/test",
	  api_newsletter_issue_test, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON, "newsletters are run by editors" },
	{ "POST", "/api/v1/admin/newsletters/:newsletter/issues/:id/send",
	  api_newsletter_issue_send, ROUTE_API,
	  WHO_EDITOR, 0, BODY_JSON, "newsletters are run by editors" },
	{ "GET", "/api/v1/admin/newsletters/:newsletter/subscribers.csv",
	  api_newsletter_subscribers_csv, ROUTE_API,
	  WHO_EDITOR, 0, BODY_NONE, "newsletters are run by editors" },
	/* Sponsored hubs and shows (docs/hubs.md). */
	{ "GET", "/hub/:slug", page_hub, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/hub/:slug/feed.xml", feed_hub, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/hub/:slug/go/:n", page_hub_go, ROUTE_FORM,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/shows/:slug", page_show, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	{ "GET", "/shows/:slug/live", page_show_live, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	/* Analytics (page_admin_analytics.c, page_beacon.c, docs/analytics.md). */
	{ "POST", "/api/v1/beacon", page_beacon, ROUTE_API,
	  WHO_ANYONE, 0, BODY_FORM, NULL },
	{ "GET", "/admin/analytics", page_admin_analytics, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/analytics.csv", page_admin_analytics_csv, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/analytics/article/:slug", page_admin_analytics_story,
	  ROUTE_FORM, WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/analytics/sponsors", page_admin_analytics_sponsors,
	  ROUTE_FORM, WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/analytics/sponsors.csv",
	  page_admin_analytics_sponsors_csv, ROUTE_FORM, WHO_EDITOR, 0,
	  BODY_NONE, NULL },
	{ "GET", "/admin/hubs", page_admin_hubs, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/hubs", page_admin_hub_add, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "GET", "/admin/hubs/:id/stats.csv", page_admin_hub_stats, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/hubs/:id/preview", page_admin_hub_preview, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "GET", "/admin/hubs/:id", page_admin_hub, ROUTE_FORM,
	  WHO_EDITOR, 0, BODY_NONE, NULL },
	{ "POST", "/admin/hubs/:id", page_admin_hub_update, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/hubs/:id/items", page_admin_hub_items, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/hubs/:id/items/:item", page_admin_hub_item,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/hubs/:id/live", page_admin_hub_live, ROUTE_FORM,
	  WHO_EDITOR, 1, BODY_FORM, NULL },
	{ "POST", "/admin/hubs/:id/live/:post", page_admin_hub_post,
	  ROUTE_FORM, WHO_EDITOR, 1, BODY_FORM, NULL },
	/* A sister site's colours (docs/sites.md). */
	{ "GET", "/site.css", page_sites_css, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
	/* Static pages (About Us, Advertise With Us) sit at the top level. */
	{ "GET", "/:slug", page_static, ROUTE_PAGE,
	  WHO_ANYONE, 0, BODY_NONE, NULL },
};

/*
 * Pages whose cache key is more than the request target: the hook runs
 * before the cache is asked and may change req.cache_key (the article
 * page is keyed by the comment view a reader chose before).
 */
static const struct {
	int	(*fn)(struct req *);
	void	(*key)(struct req *);
} route_keys[] = {
	{ page_article, page_comments_key },
};
/*
 * The public, read-only documents that scripts of any site may read
 * (CORS, "Access-Control-Allow-Origin: *"): the content API and the JSON
 * feeds, which exist to be reused.  Never pages, forms or the admin API,
 * which answer only the site's own scripts.
 */
static int (*const public_reads[])(struct req *) = {
	api_articles, api_article, api_sections, api_section, api_authors,
	api_author, api_events, api_event, api_webinars, api_webinar,
	api_resources, api_resource, api_search, feed_site_json,
	feed_section_json, feed_author_json, feed_tag_json,
};

static int
public_read(const struct route *rt)
{
	for (size_t i = 0; i < ARRAY_SIZE(public_reads); i++)
		if (public_reads[i] == rt->fn)
			return 1;
	return 0;
}

const struct route *
router_table(size_t *n)
{
	*n = ARRAY_SIZE(routes);
	return routes;
}

/* Whether rt's body may be as large as max_upload (files). */
static int
big_body(const struct route *rt)
{
	return rt->body == BODY_MULTIPART || rt->body == BODY_UPLOAD;
}

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
			const char *seg = s, *suf;
			size_t suflen;

			/*
			 * A capture may end in a literal suffix, as in
			 * "/events/:slug.ics": the segment must end with
			 * it, and the capture leaves it out.
			 */
			p++;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
				p++;
			suf = p;
			while (*p != '\0' && *p != '/')
				p++;
			suflen = (size_t)(p - suf);
			while (s < end && *s != '/')
				s++;
			if ((size_t)(s - seg) <= suflen || *nargs == maxargs ||
			    memcmp(s - suflen, suf, suflen) != 0)
				return 0;
			args[*nargs] = seg;
			arglens[*nargs] = (size_t)(s - seg) - suflen;
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

/* The parameters rt reads, NULL-terminated, or NULL for none. */
static const char *const *
query_of(const struct route *rt)
{
	for (size_t i = 0; i < ARRAY_SIZE(route_query); i++)
		if (route_query[i].fn == rt->fn)
			return route_query[i].query;
	return NULL;
}

int
route_reads(const struct route *rt, const char *key)
{
	const char *const *q;

	/* Forms and the admin API are never cached: they see everything. */
	if (rt->kind != ROUTE_PAGE && !public_read(rt))
		return 1;
	for (q = query_of(rt); q != NULL && *q != NULL; q++)
		if (strcmp(*q, key) == 0)
			return 1;
	return 0;
}

/* Whether rt refuses r for a query parameter it does not read. */
static int
refuses(struct req *r, const struct route *rt)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(route_query); i++)
		if (route_query[i].fn == rt->fn)
			break;
	if (i == ARRAY_SIZE(route_query) || !route_query[i].strict)
		return 0;
	for (i = 0; i < r->q.n; i++)
		if (!route_reads(rt, r->q.p[i].key))
			return 1;
	return 0;
}

/*
 * Whether host (a Host header) names the instance's own address, the
 * host of its base URL: it stays known with "unknown_host 421".
 */
static int
own_host(const char *host, size_t len)
{
	char buf[512];
	const char *u = config_site_url(buf, sizeof(buf)), *h, *e;

	h = strstr(u, "://");
	h = h != NULL ? h + 3 : u;
	e = h + strcspn(h, ":/");
	if (memchr(host, ':', len) != NULL && host[0] != '[')
		len = (size_t)((const char *)memchr(host, ':', len) - host);
	return (size_t)(e - h) == len && strncasecmp(h, host, len) == 0;
}

/*
 * The request's site (docs/sites.md), decided once and before the cache
 * is asked: by the Host header, any case and without its port, or, for
 * local use, by a path that starts with /sites/SLUG, which is taken
 * off.  A host no site has is the instance's own, or 421 when
 * unknown_host says so.  Returns 0 or 421.
 */
static int
site_of(struct req *r)
{
	struct site s, *own;
	const char *host, *rest, *q;
	size_t n;

	if (r->site_known)
		return r->site_status;
	r->site_known = 1;
	if (sites_count() <= 1)
		return 0;
	if (strncmp(r->path, "/sites/", 7) == 0) {
		n = strcspn(r->path + 7, "/");
		if (sites_by_slug(r->path + 7, n, &s) == 0) {
			rest = r->path + 7 + n;
			q = memchr(r->target, '?', r->targetlen);
			r->path = rest[0] != '\0' ? rest : "/";
			r->pathlen = strlen(r->path);
			r->target = h2o_concat(&r->h->pool, h2o_iovec_init(
			    r->path, r->pathlen), h2o_iovec_init(q != NULL ?
			    q : "", q != NULL ? (size_t)(r->target +
			    r->targetlen - q) : 0)).base;
			r->targetlen = strlen(r->target);
			goto found;
		}
	}
	/* libh2o keeps Host (HTTP/1) and :authority (HTTP/2) here. */
	host = r->h->authority.base;
	n = r->h->authority.len;
	if (host == NULL || n == 0)
		return 0;
	if (sites_by_host(host, n, &s) == 0)
		goto found;
	if (strcmp(config.unknown_host, "421") == 0 && !own_host(host, n))
		r->site_status = 421;
	return r->site_status;
found:
	if (s.id != SITES_DEFAULT) {
		own = h2o_mem_alloc_pool(&r->h->pool, sizeof(*own));
		*own = s;
		r->site = own;
	}
	return 0;
}

/*
 * The cache key of a page: the path as sent, then the route's parameters
 * that the request carries, in the route's order, with their values as
 * the handler sees them (decoded, then escaped again, so that "&" in a
 * value cannot pass for a separator).  Any other parameter is left out:
 * "/?b=random" is "/", and cannot make an entry of its own.
 */
/*
 * A page of another site than the instance's own is kept under its
 * site's slug: "@slug/path".  "@" cannot start a request target, so no
 * page of one site can be served for another's.
 */
static void
site_key(struct req *r)
{
	if (r->site == NULL)
		return;
	r->cache_key = h2o_concat(&r->h->pool, h2o_iovec_init("@", 1),
	    h2o_iovec_init(r->site->slug, strlen(r->site->slug)),
	    h2o_iovec_init(r->cache_key, r->cache_keylen)).base;
	r->cache_keylen = strlen(r->cache_key);
}

static void
cache_key(struct req *r, const struct route *rt)
{
	const char *q = memchr(r->target, '?', r->targetlen), *v;
	const char *const *name;
	struct buf k = BUF_INIT;

	r->cache_key = r->target;
	r->cache_keylen = q != NULL ? (size_t)(q - r->target) : r->targetlen;
	if (q == NULL) {
		site_key(r);
		return;
	}
	buf_append(&k, r->target, r->cache_keylen);
	for (name = query_of(rt); name != NULL && *name != NULL; name++) {
		if ((v = url_query_get(&r->q, *name)) == NULL)
			continue;
		buf_putc(&k, k.len == r->cache_keylen ? '?' : '&');
		buf_puts(&k, *name);
		buf_putc(&k, '=');
		esc_url(&k, v, strlen(v));
	}
	if (k.len > r->cache_keylen && !buf_err(&k)) {
		r->cache_key = h2o_strdup(&r->h->pool, k.p, k.len).base;
		r->cache_keylen = k.len;
	}
	buf_free(&k);
	site_key(r);
}

/*
 * The most fields and parts a form the router reads may have: as many as
 * the largest form (a newsletter issue, a moderator's bulk selection);
 * the handler holds its own form to its own limit.
 */
#define ROUTE_FORM_FIELDS	256
#define ROUTE_FORM_PARTS	24

static void
form_dispose(void *q)
{
	url_query_free(q);
}

/*
 * The role the row needs.  A signed-out reader of a page or form is sent
 * to sign in, and comes back here after (a member row's POST is 401: the
 * form was sent without a session); an API client without a token of
 * the role is told what is missing.
 */
static int
admit_who(struct req *r, const struct route *rt)
{
	struct buf next = BUF_INIT;
	struct user u;
	int status;

	if (rt->kind == ROUTE_API) {
		if ((status = auth_bearer(r, &u)) == 401) {
			http_header(r, "WWW-Authenticate", "Bearer");
			return api_error(r, 401, "a valid API token is "
			    "required (Authorization: Bearer ...)"), -1;
		}
		if (status != 0)
			return status;
		if (u.role < ROUTE_ROLE(rt->who))
			return api_error(r, 403, rt->refused), -1;
		r->user = h2o_mem_alloc_pool(&r->h->pool, sizeof(u));
		memcpy(r->user, &u, sizeof(u));
		return 0;
	}
	if (r->user == NULL && rt->who == WHO_MEMBER &&
	    strcmp(rt->method, "GET") != 0)
		return 401;
	/* The newsroom's answers are kept by no cache, not even a browser's. */
	if (rt->who >= WHO_CONTRIBUTOR)
		r->cache_control = "private, no-store";
	if (r->user == NULL) {
		BUF_LIT(&next, "/signin?next=");
		esc_url(&next, r->path, r->pathlen);
		http_redirect(r, 303, next.p);
		buf_free(&next);
		return -1;
	}
	return r->user->role >= ROUTE_ROLE(rt->who) ? 0 : 403;
}

/*
 * The form's CSRF token: an urlencoded form is read here once, and its
 * handler takes it from req.form (page_read_form); an upload's token is
 * its "csrf" part.
 */
static int
admit_csrf(struct req *r, const struct route *rt)
{
	struct mp_part parts[ROUTE_FORM_PARTS];
	const struct mp_part *p;
	struct url_query *q;
	const char *ct = http_req_header(r, "content-type"), *token = NULL;
	char err[200];
	int n = 0, rc;

	if (rt->body == BODY_FORM) {
		q = h2o_mem_alloc_shared(&r->h->pool, sizeof(*q),
		    form_dispose);
		if ((rc = page_read_form_n(r, q, ROUTE_FORM_FIELDS)) != 0)
			return rc;
		r->form = q;
		return session_csrf_ok(r, url_query_get(q, "csrf")) ? 0 : 403;
	}
	/* An export's bytes carry the token in a header. */
	if (rt->body == BODY_IMPORT && (ct == NULL || strncasecmp(ct,
	    "multipart/form-data", 19) != 0))
		return session_csrf_ok(r, http_req_header(r, "x-csrf-token")) ?
		    0 : 403;
	if (r->h->entity.base == NULL)
		return 403;
	/*
	 * A body that cannot be read as multipart is 400, as a form that
	 * cannot be read is; a field that is not text leaves the parts
	 * read, the token with them, and the handler answers 422 after.
	 */
	rc = multipart_parse(ct, r->h->entity.base, r->h->entity.len, parts,
	    ROUTE_FORM_PARTS, &n, err, sizeof(err));
	if (rc != 0 && rc != MULTIPART_BAD_TEXT)
		return 400;
	if ((p = multipart_get(parts, n, "csrf")) != NULL && p->len <= 100)
		token = h2o_strdup(&r->h->pool, p->data, p->len).base;
	return session_csrf_ok(r, token) ? 0 : 403;
}

/*
 * The row's policy, before its handler runs: who (a redirect, 401 or
 * 403), the Content-Type of the body (415), the CSRF token (403).  0 to
 * go on, -1 when the answer was sent, or a status.
 */
static int
admit(struct req *r, const struct route *rt)
{
	const char *ct = http_req_header(r, "content-type");
	int status;

	if (rt->who != WHO_ANYONE && (status = admit_who(r, rt)) != 0)
		return status;
	switch (rt->body) {
	case BODY_FORM:
		if (http_body_type(r, "application/x-www-form-urlencoded") != 0)
			return 415;
		break;
	case BODY_MULTIPART:
	case BODY_ATTACHMENT:
		if (ct == NULL || strncasecmp(ct, "multipart/form-data",
		    19) != 0)
			return 415;
		break;
	case BODY_IMPORT:
		if ((ct == NULL || strncasecmp(ct, "multipart/form-data",
		    19) != 0) && http_body_type(r, "application/xml") != 0 &&
		    http_body_type(r, "text/xml") != 0 &&
		    http_body_type(r, "application/json") != 0)
			return 415;
		break;
	case BODY_JSON:
		/* A body is optional where the handler says so. */
		if (r->h->entity.len > 0 &&
		    http_body_type(r, "application/json") != 0)
			return api_error(r, 415, "send application/json"), -1;
		break;
	case BODY_ACTIVITY:
		if (http_body_type(r, "application/activity+json") != 0 &&
		    http_body_type(r, "application/ld+json") != 0)
			return 415;
		break;
	default:
		break;
	}
	if (rt->csrf && (status = admit_csrf(r, rt)) != 0)
		return status;
	return 0;
}


/*
 * Counts a reader's view of a page analytics counts (docs/analytics.md):
 * the home page, a story, a section, answered with a 200 from the cache
 * or rendered.  slug is the route's capture (none for the home page).
 */
static void
count_view(struct req *r, const struct route *rt, const char *slug,
    size_t len)
{
	struct an_hit h;
	enum an_kind kind;
	char ip[64];

	if (!config.analytics || r->head)
		return;
	if (rt->fn == page_home)
		kind = AN_HOME, len = 0;
	else if (rt->fn == page_article)
		kind = AN_ARTICLE;
	else if (rt->fn == page_section)
		kind = AN_SECTION;
	else
		return;
	if (kind != AN_HOME && (slug == NULL || len == 0))
		return;
	memset(&h, 0, sizeof(h));
	h.ua = http_req_header(r, "user-agent");
	h.accept = http_req_header(r, "accept");
	h.accept_language = http_req_header(r, "accept-language");
	h.referer = http_req_header(r, "referer");
	h.site_host = analytics_site_host();
	h.utm_medium = url_query_get(&r->q, "utm_medium");
	h.utm_source = url_query_get(&r->q, "utm_source");
	http_client_ip(r, ip, sizeof(ip));
	h.ip = ip;
	analytics_count(kind, slug != NULL ? slug : "", len, &h);
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
	size_t vlen;
	uint64_t t0, trips;
	int status, reads = strcmp(rt->method, "GET") == 0;
	int session = cookie != NULL && cookie_get(cookie, strlen(cookie),
	    SESSION_COOKIE, &vlen) != NULL;

	identify(r, rt, session);
	if ((status = admit(r, rt)) != 0) {
		if (status > 0)
			router_error(r, status);
		return;
	}
	cache_key(r, rt);
	for (size_t i = 0; i < ARRAY_SIZE(route_keys); i++)
		if (route_keys[i].fn == rt->fn)
			route_keys[i].key(r);
	/*
	 * A shared page is rendered as for anyone: its handler does not see
	 * the reader, whose part is added when it is sent.
	 */
	if (rt->kind == ROUTE_PAGE) {
		r->reader = r->user;
		r->user = NULL;
	}
	if (cacheable(r, rt, session) && !refuses(r, rt)) {
		switch (cache_lookup(r->cache_key, r->cache_keylen, &e)) {
		case CACHE_HIT:
			/* A hub's views are counted as they are served. */
			if (rt->fn == page_hub)
				page_hub_seen(r);
			count_view(r, rt, r->arg[0], r->arglen[0]);
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
	t0 = now_mono_usec();
	trips = db_round_trips(r->db);
	if ((status = rt->fn(r)) != 0)
		router_error(r, status);
	else if (reads && r->h->res.status == 200)
		count_view(r, rt, r->arg[0], r->arglen[0]);
	metrics_render(now_mono_usec() - t0, db_round_trips(r->db) - trips);
	if (reads)
		db_commit(r->db);
	cache_deps_end();
	/* Errors and redirects are not kept: let any waiter render. */
	if (r->cache_pending) {
		r->cache_pending = 0;
		cache_abandon(r->cache_key, r->cache_keylen);
	}
}

/*
 * The page the cache waits for (run_cached) goes into it, then out from
 * it, when it is a 200: http_send_buf hands it here.  An error page or a
 * redirect is not kept; run_cached gives the render up after it.
 */
static int
keep(struct req *r, int status, const char *ctype, struct buf *b)
{
	struct cache_page pg = { status, ctype, "public, no-cache",
	    b->p != NULL ? b->p : "", b->len };
	struct cache_entry *e;

	if (status != 200)
		return 0;
	r->cache_pending = 0;
	if ((e = cache_fill(r->cache_key, r->cache_keylen, &pg)) == NULL)
		return 0;
	buf_free(b);
	http_header(r, "X-Cache", "miss");
	http_send_cached(r, e);
	return 1;
}

static const char *
route_name(const struct route *rt)
{
	return rt->pattern;
}

void
router_init(void)
{
	static const struct req_hooks hooks = { route_name, route_reads,
	    keep };

	http_set_hooks(&hooks);
}

/* Appends a method to an Allow list, once. */
static void
allow_add(char *allow, size_t size, const char *m)
{
	size_t n = strlen(m), have = strlen(allow);
	const char *p;

	for (p = allow; (p = strstr(p, m)) != NULL; p += n)
		if ((p == allow || p[-1] == ' ') && (p[n] == ',' ||
		    p[n] == '\0'))
			return;
	if (have + n + 3 > size)
		return;
	if (have > 0)
		strlcpy_(allow + have, ", ", size - have);
	strlcpy_(allow + strlen(allow), m, size - strlen(allow));
}

/*
 * The methods of every route in table order from rt on whose pattern is
 * rt's: HEAD wherever GET is, and OPTIONS, which every path answers.
 * Returns whether one of those routes is a public read.
 */
static int
allowed(const struct route *rt, char *allow, size_t size)
{
	const struct route *end = routes + ARRAY_SIZE(routes);
	int cors = 0;

	allow[0] = '\0';
	for (const struct route *o = rt; o < end; o++) {
		if (strcmp(o->pattern, rt->pattern) != 0)
			continue;
		allow_add(allow, size, o->method);
		if (strcmp(o->method, "GET") == 0)
			allow_add(allow, size, "HEAD");
		cors |= public_read(o);
	}
	allow_add(allow, size, "OPTIONS");
	return cors;
}

/*
 * OPTIONS: the methods of the path (RFC 9110, 9.3.7), and for a public
 * route the answer to a browser's CORS preflight, which may be cached
 * for a day.  Only simple reads are offered, with the request headers a
 * script revalidating a document needs.
 */
static void
options(struct req *r, const struct route *rt)
{
	char allow[80];

	if (allowed(rt, allow, sizeof(allow))) {
		http_header(r, "Access-Control-Allow-Origin", "*");
		http_header(r, "Access-Control-Allow-Methods", "GET, HEAD");
		http_header(r, "Access-Control-Allow-Headers",
		    "If-None-Match, If-Modified-Since");
		http_header(r, "Access-Control-Max-Age", "86400");
	}
	http_header(r, "Allow", allow);
	http_send_static(r, 200, NULL, "", 0);
}

/* "OPTIONS *": every method some route of the server takes. */
static void
options_server(struct req *r)
{
	char allow[80] = "";

	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		allow_add(allow, sizeof(allow), routes[i].method);
		if (strcmp(routes[i].method, "GET") == 0)
			allow_add(allow, sizeof(allow), "HEAD");
	}
	allow_add(allow, sizeof(allow), "OPTIONS");
	http_header(r, "Allow", allow);
	http_send_static(r, 200, NULL, "", 0);
}

/*
 * An old address in the redirect table (docs/import.md): a path no
 * route takes, tried as sent and with its final '/' added or taken off,
 * or the home page with one of WordPress's query-string permalinks.
 * 1 when the 301 went out.
 */
static int
redirect_old(struct req *r)
{
	static const char *const keys[] = { "p", "page_id", "cat", "tag",
	    "author" };
	char old[1024], to[1024];
	const char *v;
	size_t i;

	if (!method_is(r, "GET") && !r->head)
		return 0;
	if (strcmp(r->path, "/") == 0) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if ((v = url_query_get(&r->q, keys[i])) != NULL)
				break;
		if (i == ARRAY_SIZE(keys) || strlen(v) > 200)
			return 0;
		snprintf(old, sizeof(old), "/?%s=%s", keys[i], v);
	} else if (r->pathlen + 2 < sizeof(old)) {
		memcpy(old, r->path, r->pathlen + 1);
	} else {
		return 0;
	}
	if (store_redirect_get(r->db, old, to, sizeof(to)) != STORE_OK) {
		size_t n = strlen(old);

		if (old[1] == '?' || n < 2)
			return 0;
		if (old[n - 1] == '/')
			old[n - 1] = '\0';
		else
			memcpy(old + n, "/", 2);
		if (store_redirect_get(r->db, old, to, sizeof(to)) != STORE_OK)
			return 0;
	}
	http_redirect(r, 301, to);
	return 1;
}

/*
 * What an event loop answers itself before a render thread gets the
 * request (http.c): a page or API document in the cache for a reader
 * without credentials, the theme's assets and media, and the uploads and
 * imports, whose bodies may be large and whose slow part already goes to
 * the work pool (pool.h).  1 when answered; 0, with nothing sent and
 * nothing that a render would see changed, to have the request rendered.
 * The loop never waits here: cache_peek() does not wait for a render
 * under way, and no database is read.
 */
int
router_quick(struct req *r)
{
	const struct route *rt = NULL, *own = NULL;
	const struct route *end = routes + ARRAY_SIZE(routes);
	const char *args[REQ_MAXARGS], *cookie;
	size_t arglens[REQ_MAXARGS], i, vlen;
	struct cache_entry *e;
	int nargs = 0;

	/* A host no site has is answered by a render (site_of). */
	if (strcmp(r->path, "*") != 0 && site_of(r) != 0)
		return 0;
	/* Old addresses of the home page are looked up in the database. */
	if (strcmp(r->path, "*") == 0 || (r->path[0] == '/' &&
	    r->path[1] == '\0' && r->q.n > 0))
		return 0;
	for (i = 0; i < ARRAY_SIZE(routes) && own == NULL; i++)
		if (router_match(routes[i].pattern, r->path, r->pathlen, args,
		    arglens, REQ_MAXARGS, &nargs))
			own = &routes[i];
	if (own == NULL)
		return 0;
	for (rt = own; rt < end; rt++)
		if (strcmp(rt->pattern, own->pattern) == 0 &&
		    (method_is(r, rt->method) ||
		    (r->head && strcmp(rt->method, "GET") == 0)))
			break;
	if (rt == end)
		return 0;
	if (rt->kind == ROUTE_ASSET || big_body(rt) ||
	    rt->body == BODY_IMPORT) {
		router_dispatch(r);
		return 1;
	}
	cookie = http_req_header(r, "cookie");
	if (rt->who != WHO_ANYONE || r->h->entity.len > 0 || strcmp(rt->method, "GET") != 0 ||
	    (cookie != NULL && cookie_get(cookie, strlen(cookie),
	    SESSION_COOKIE, &vlen) != NULL) || !cacheable(r, rt, 0) ||
	    refuses(r, rt))
		return 0;
	cache_key(r, rt);
	for (i = 0; i < ARRAY_SIZE(route_keys); i++)
		if (route_keys[i].fn == rt->fn)
			route_keys[i].key(r);
	if (cache_peek(r->cache_key, r->cache_keylen, &e) != CACHE_HIT)
		return 0;
	r->route = rt;
	/* A hub's views are counted as they are served, as in run_cached. */
	if (rt->fn == page_hub && nargs > 0) {
		r->narg = 1;
		r->arg[0] = h2o_strdup(&r->h->pool, args[0], arglens[0]).base;
		r->arglen[0] = arglens[0];
		page_hub_seen(r);
	}
	count_view(r, rt, nargs > 0 ? args[0] : NULL, nargs > 0 ?
	    arglens[0] : 0);
	if (public_read(rt))
		http_header(r, "Access-Control-Allow-Origin", "*");
	http_header(r, "X-Cache", "hit");
	http_send_cached(r, e);
	return 1;
}

void
router_dispatch(struct req *r)
{
	const struct route *rt = NULL, *own = NULL;
	const struct route *end = routes + ARRAY_SIZE(routes);
	const char *args[REQ_MAXARGS];
	size_t arglens[REQ_MAXARGS], i;
	char allow[80];
	int nargs = 0, status, known = 0;

	for (i = 0; i < ARRAY_SIZE(known_methods); i++)
		if (method_is(r, known_methods[i]))
			known = 1;
	if (!known) {
		router_error(r, 501);
		return;
	}
	if (strcmp(r->path, "*") == 0) {
		if (method_is(r, "OPTIONS"))
			options_server(r);
		else
			router_error(r, 400);
		return;
	}
	if (site_of(r) != 0) {
		router_error(r, 421);
		return;
	}
	store_scope_site(sites_count() <= 1 ? 0 : r->site != NULL ?
	    r->site->id : SITES_DEFAULT);
	if (r->path[0] == '/' && r->path[1] == '\0' && r->q.n > 0 &&
	    redirect_old(r))
		return;
	for (i = 0; i < ARRAY_SIZE(routes) && own == NULL; i++)
		if (router_match(routes[i].pattern, r->path, r->pathlen, args,
		    arglens, REQ_MAXARGS, &nargs))
			own = &routes[i];
	if (own == NULL) {
		if (!redirect_old(r))
			router_error(r, 404);
		return;
	}
	/* The routes of one pattern capture the same arguments. */
	for (rt = own; rt < end; rt++)
		if (strcmp(rt->pattern, own->pattern) == 0 &&
		    (method_is(r, rt->method) ||
		    (r->head && strcmp(rt->method, "GET") == 0)))
			break;
	if (rt == end) {
		r->route = own;
		if (method_is(r, "OPTIONS")) {
			options(r, own);
			return;
		}
		allowed(own, allow, sizeof(allow));
		http_header(r, "Allow", allow);
		router_error(r, 405);
		return;
	}
	r->route = rt;
	/*
	 * Only uploads may send more than max_body (up to max_upload), a
	 * reader's form with a file up to ROUTE_ATTACHMENT_MAX, and an
	 * export up to import_max_mb (else max_upload).
	 */
	if ((int64_t)r->h->entity.len > (rt->body == BODY_IMPORT ?
	    CONFIG_IMPORT_MAX(config) + UPLOAD_SLACK : big_body(rt) ?
	    config.max_upload + UPLOAD_SLACK : rt->body == BODY_ATTACHMENT ?
	    ROUTE_ATTACHMENT_MAX : rt->body == BODY_ACTIVITY ?
	    ROUTE_ACTIVITY_MAX : config.max_body)) {
		router_error(r, 413);
		return;
	}
	r->narg = nargs;
	for (int a = 0; a < nargs; a++) {
		r->arg[a] = h2o_strdup(&r->h->pool, args[a], arglens[a]).base;
		r->arglen[a] = arglens[a];
	}
	if (public_read(rt))
		http_header(r, "Access-Control-Allow-Origin", "*");
	if (rt->kind == ROUTE_ASSET) {
		if ((status = rt->fn(r)) != 0)
			router_error(r, status);
		return;
	}
	run_cached(r, rt);
}

int
router_kind(const struct req *r)
{
	if (r->route == NULL)
		return MK_NONE;
	switch (r->route->kind) {
	case ROUTE_PAGE:
		return MK_PAGE;
	case ROUTE_API:
		return MK_API;
	case ROUTE_ASSET:
		return MK_ASSET;
	case ROUTE_FORM:
		return MK_FORM;
	default:
		return MK_NONE;
	}
}

void
router_error(struct req *r, int status)
{
	int is_api = r->route != NULL ? r->route->kind == ROUTE_API :
	    r->path != NULL && strncmp(r->path, "/api/", 5) == 0;

	if (is_api) {
		json_t *e = json_pack("{s:{s:i,s:s}}", "error", "status",
		    status, "message", r->input_error != NULL ?
		    r->input_error : http_reason(status));
		http_send_json(r, status, e);
		json_decref(e);
		return;
	}
	page_error(r, status);
}
