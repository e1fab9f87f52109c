/*
 * page.h — reader-facing pages.  Each page family has a model builder
 * (the view model as JSON, shared with the content API) and a handler
 * that renders it through the theme.
 *
 * Handlers return 0 when they sent a response, or an HTTP status for
 * router_error() to answer.
 */
#ifndef MASTHEAD_PAGE_H
#define MASTHEAD_PAGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"
#include "tag.h"

struct cursor;
struct req;
struct url_query;

/* page.c — shared parts */
/* Call once at start-up: hooks the account bar into shared pages. */
void	 page_init(void);
/*
 * Renders template tpl with model (which it takes: the caller's reference
 * is consumed) plus the site-wide parts, and sends it with status.
 */
int	 page_render(struct req *, int status, const char *tpl, json_t *model);
/*
 * One page of a story list, shaped for a view model, with the page's
 * dependencies declared: the list itself, each story, and the moment the
 * next story dated in the future goes live.
 */
int	 page_articles(struct req *, enum list_by, int64_t key, const char *type,
	    const struct cursor *, int limit, json_t **out, struct cursor *next);
/* The site model (settings, menus), a new reference; declares "site". */
int	 page_site(struct req *, json_t **out);
/* The site's absolute URL without a trailing slash (in the request's pool). */
const char *page_base_url(struct req *);
/* Declares that the page lists what the list of (by, key, type) holds. */
void	 page_dep_list(struct req *, enum list_by, int64_t key, const char *type);
/* Depends on a list's tag, in the lists' site (docs/sites.md). */
void	 page_dep_list_tag(struct tag t);
/* Depends on the row of sister site id (docs/sites.md). */
void	 page_dep_site_row(int64_t id);
/*
 * page_list.c: one page of a story list into model under "articles",
 * with its pagination (?before=, ?page=) and links both ways; an HTTP
 * status when the request names no such page.
 */
int	 page_list_add(struct req *, json_t *model, enum list_by, int64_t key,
	    const char *base_url);
/* page_shows.c: podcasts and video series (docs/media.md). */
int	 page_podcasts(struct req *);
int	 page_podcast_show(struct req *);
int	 page_video(struct req *);
int	 page_video_series(struct req *);
int	 page_episode_chapters(struct req *);
int	 page_episode_transcript(struct req *);
/* Adds an episode's show link, chapters, transcript, duration and embed. */
void	 page_episode(json_t *article);
/* page_admin_shows.c: the newsroom's shows, Featured Video, media files. */
int	 page_admin_shows(struct req *);
int	 page_admin_show_save(struct req *);
int	 page_admin_show_featured(struct req *);
int	 page_admin_article_media(struct req *);
/*
 * The breadcrumb of a section (root first) and the promo box shown with
 * its stories (NULL when none), kept as a fragment per section.  New
 * references for the caller.
 */
int	 page_section_frame(struct req *, int64_t section, json_t **path,
	    json_t **promo);
/* Adds the sidebar blocks (events, webinars, perspectives) to model. */
int	 page_add_sidebar(struct req *, json_t *model);
/*
 * Says that settings or menus changed: every thread reloads them.  main
 * registers it with bus_on_site_change().
 */
void	 page_site_changed(void);
/* Frees what this thread kept (call as a server thread ends). */
void	 page_thread_done(void);
/* Reads the ?before= cursor; -1 when present but malformed. */
int	 page_cursor(struct req *, struct cursor *);
/* Adds "pagination" (next/first links) for a list at base_url. */
void	 page_add_pagination(json_t *model, const char *base_url,
	    const struct cursor *cur, const struct cursor *next);
void	 page_error(struct req *, int status);
int	 page_asset(struct req *);
int	 page_favicon(struct req *);
int	 page_media(struct req *);
int	 page_static(struct req *);
int	 page_sections(struct req *);
int64_t	 page_now(void);

/* page_hub.c — sponsored hubs and shows for readers (docs/hubs.md) */
int	 page_hub(struct req *);
int	 page_hub_go(struct req *);
int	 feed_hub(struct req *);
int	 page_show(struct req *);
int	 page_show_live(struct req *);
/* Counts a view of the hub page r served from the cache. */
void	 page_hub_seen(struct req *);
/* A hub's or a show's page for slug[0..len); preview: also before it starts. */
int	 page_hub_render(struct req *, const char *slug, size_t len, int preview);
int	 page_show_render(struct req *, const char *slug, size_t len, int preview);
/* page_most_read.c — the Most Read block (docs/analytics.md) */
/*
 * Sets model's key to {stories: [{url, title}], window} when at least
 * MOST_READ_MIN stories were read; a store result.
 */
int	 page_add_most_read(struct req *, json_t *model, const char *key);
/*
 * Whether page_add_most_read() would set its key now, from the block's
 * kept fragment: 1 it would, 0 it would not, -1 not known (the fragment
 * is not kept).  Adds no tag to the page.
 */
int	 page_most_read_kept(void);
/* page_beacon.c — POST /api/v1/beacon: seconds on a page */
int	 page_beacon(struct req *);
/* page_admin_analytics.c — the newsroom's analytics */
int	 page_admin_analytics(struct req *);
int	 page_admin_analytics_csv(struct req *);
int	 page_admin_analytics_story(struct req *);
int	 page_admin_analytics_sponsors(struct req *);
int	 page_admin_analytics_sponsors_csv(struct req *);
/* page_admin_hubs.c — the newsroom's hubs */
int	 page_admin_hubs(struct req *);
int	 page_admin_hub_add(struct req *);
int	 page_admin_hub(struct req *);
int	 page_admin_hub_update(struct req *);
int	 page_admin_hub_items(struct req *);
int	 page_admin_hub_item(struct req *);
int	 page_admin_hub_live(struct req *);
int	 page_admin_hub_post(struct req *);
int	 page_admin_hub_stats(struct req *);
int	 page_admin_hub_preview(struct req *);

/* page_meta.c — canonical URL, Open Graph, feed links and JSON-LD */
/* Adds them under model's "page" for template tpl (needs model's "site"). */
void	 page_meta(struct req *, const char *tpl, json_t *model);
/*
 * Adds to the site model what every page's head shares: og_locale, the
 * logo (logo_image) and the default share image (share_image), each an
 * image with its pixel size.  Called as the site model is loaded.
 */
struct db;
void	 page_meta_site(struct db *, json_t *site);

/* page_account.c — readers' accounts */
/*
 * Parses an application/x-www-form-urlencoded body into q: 0, 400, 415,
 * or 422 when a field is not text (text.h: not UTF-8, a control
 * character, a line break in a one-line field), with req.input_error
 * naming the field for the error page.  The form the router read for
 * its CSRF token (req.form) is handed over rather than read again.
 */
struct url_query;
int	 page_read_form(struct req *, struct url_query *q);
/* The same with room for maxfields fields (a moderator's bulk selection). */
int	 page_read_form_n(struct req *, struct url_query *q, size_t maxfields);
int	 page_signin(struct req *);
int	 page_signin_post(struct req *);
int	 page_signout(struct req *);
int	 page_register(struct req *);
int	 page_register_post(struct req *);
int	 page_verify(struct req *);
int	 page_verify_post(struct req *);
int	 page_reset(struct req *);
int	 page_reset_post(struct req *);
int	 page_reset_link(struct req *);
int	 page_reset_link_post(struct req *);
int	 page_account(struct req *);
int	 page_signout_all(struct req *);
int	 page_account_profile(struct req *);
/*
 * page_read_form() for a form whose CSRF token the router has checked
 * (its row says csrf); q needs url_query_free() only when 0 is returned.
 */
int	 page_read_form_csrf(struct req *, struct url_query *q);
/* Renders a form page (taking model) with its CSRF token and error. */
int	 page_form(struct req *, int status, const char *tpl, const char *title,
	    const char *error, json_t *model);
/* A page that only says something, with an optional link. */
int	 page_notice(struct req *, int status, const char *title,
	    const char *text, const char *href, const char *label);
/* An email address lowercased and checked into out; 0 or -1. */
int	 page_email_norm(const char *in, char *out, size_t outsz);
/* Why a new password is refused (the sign-up rules), or NULL. */
const char *page_password_problem(const char *pw);
/* Whether a display name is 1-100 characters without control characters. */
int	 page_name_ok(const char *name);
/* A new emailed-link token (43 base64url characters) and its hash. */
void	 page_link_token(char tok[64], char hash[65]);
/* The hash of the route's :token when it has the shape of one; 0 or -1. */
int	 page_route_token(struct req *, char hash[65]);

/* page_newsletter.c — newsletter sign-up and subscribers' links */
struct site;
/*
 * Queues the double opt-in letter to a subscriber (a new single-use
 * link), inside the caller's transaction.  names: the newsletters'
 * names; site: the sister site signed up on, or NULL.  enum store_rc.
 */
int	 page_newsletter_ask_confirm(struct db *, const struct site *,
	    int64_t subscriber, const char *email, json_t *names, int64_t now);
int	 page_newsletter(struct req *);
int	 page_newsletter_post(struct req *);
int	 page_newsletter_confirm(struct req *);
int	 page_newsletter_confirm_post(struct req *);
int	 page_newsletter_prefs(struct req *);
int	 page_newsletter_prefs_post(struct req *);
int	 page_newsletter_unsub(struct req *);
int	 page_newsletter_unsub_post(struct req *);
int	 page_newsletter_preview(struct req *);

/* page_privacy.c — a reader's own data, by a signed link */
int	 page_data_ask(struct req *);
int	 page_data_ask_post(struct req *);
int	 page_data(struct req *);
int	 page_data_post(struct req *);
int	 page_data_export(struct req *);
/* page_admin_newsletters.c — newsletters and their issues (editors) */
int	 page_admin_newsletters(struct req *);
int	 page_admin_newsletter_add(struct req *);
int	 page_admin_newsletter(struct req *);
int	 page_admin_newsletter_update(struct req *);
int	 page_admin_newsletter_csv(struct req *);
int	 page_admin_issue_new(struct req *);
int	 page_admin_issue(struct req *);
int	 page_admin_issue_post(struct req *);
/* page_admin.c — the newsroom at /admin (signed-in writers) */
int	 page_admin_dashboard(struct req *);
int	 page_admin_articles(struct req *);
int	 page_admin_new(struct req *);
int	 page_admin_create(struct req *);
int	 page_admin_edit(struct req *);
int	 page_admin_save(struct req *);
int	 page_admin_publish(struct req *);
int	 page_admin_schedule(struct req *);
int	 page_admin_unpublish(struct req *);
int	 page_admin_preview(struct req *);
int	 page_admin_markdown(struct req *);

/* page_admin_media.c — the media library: grid, search, upload, text */
int	 page_admin_media(struct req *);
int	 page_admin_media_post(struct req *);
int	 page_admin_media_save(struct req *);
int	 page_admin_media_json(struct req *);
int	 page_admin_media_upload_json(struct req *);

/* page_admin_rev.c — revisions: list, difference, restore */
int	 page_admin_revisions(struct req *);
int	 page_admin_revision(struct req *);
int	 page_admin_restore(struct req *);

/* page_admin_users.c — users and roles (admins) */
int	 page_admin_users(struct req *);
int	 page_admin_user_role(struct req *);
int	 page_admin_user_invite(struct req *);

/* page_staff.c — invitations and the first-run setup link (public) */
int	 page_invite(struct req *);
int	 page_invite_post(struct req *);
int	 page_setup(struct req *);
int	 page_setup_post(struct req *);
/*
 * While no admin can sign in, stores a new setup token and writes its
 * link into url: 0; 1 when an admin exists (no link); -1 on a database
 * error.
 */
int	 page_staff_setup_link(struct db *, char *url, size_t urlsz);

/* page_admin_autosave.c — the editor's autosave (JSON for its script) */
int	 page_admin_autosave_new(struct req *);
int	 page_admin_autosave(struct req *);
int	 page_admin_autosave_discard(struct req *);
/* page_admin_review.c — the review queue and an editor's decision */
int	 page_admin_review(struct req *);
int	 page_admin_review_post(struct req *);

/* page_admin_settings.c — the site's settings: mail identity, test message */
int	 page_admin_settings(struct req *);
int	 page_admin_settings_mail_test(struct req *);
int	 page_admin_settings_review(struct req *);

/* page_admin_menus.c — the mega-menu and the footer (editors) */
int	 page_admin_menus(struct req *);
int	 page_admin_menu_add(struct req *);
int	 page_admin_menu_update(struct req *);
int	 page_admin_menu_delete(struct req *);

/* page_admin_people.c — author profiles and sponsors (editors) */
int	 page_admin_authors(struct req *);
int	 page_admin_author_add(struct req *);
int	 page_admin_author_update(struct req *);
int	 page_admin_author_delete(struct req *);
int	 page_admin_sponsors(struct req *);
int	 page_admin_sponsor_add(struct req *);
int	 page_admin_sponsor_update(struct req *);
int	 page_admin_sponsor_delete(struct req *);

/* page_admin_pages.c — static pages (editors) */
int	 page_admin_pages(struct req *);
int	 page_admin_page_new(struct req *);
int	 page_admin_page_edit(struct req *);
int	 page_admin_page_add(struct req *);
int	 page_admin_page_update(struct req *);
int	 page_admin_page_delete(struct req *);

/* page_admin_sections.c — the section tree (editors) */
int	 page_admin_sections(struct req *);
int	 page_admin_section_add(struct req *);
int	 page_admin_section_update(struct req *);
int	 page_admin_section_delete(struct req *);

/* page_admin_subscribers.c — newsletter subscribers, CSV import (editors) */
int	 page_admin_subscribers(struct req *);
int	 page_admin_subscribers_import(struct req *);
int	 page_admin_subscriber_unsub(struct req *);
int	 page_admin_subscriber_delete(struct req *);
/* page_admin_sites.c — the sites of one instance (admins, docs/sites.md) */
int	 page_admin_sites(struct req *);
int	 page_admin_site_add(struct req *);
int	 page_admin_site_update(struct req *);
int	 page_admin_site_limits(struct req *);
/* page_sites.c — a sister site's home page and colours */
int	 page_sites_home(struct req *);
int	 page_sites_css(struct req *);
/* page_admin_redirects.c — old addresses that answer 301 (admins) */
int	 page_admin_redirects(struct req *);
int	 page_admin_redirect_save(struct req *);
int	 page_admin_redirect_delete(struct req *);
/* page_admin_tokens.c — personal API tokens (every writer; admins: all) */
int	 page_admin_tokens(struct req *);
int	 page_admin_token_add(struct req *);
int	 page_admin_token_revoke(struct req *);

/* page_ap.c — ActivityPub's documents and inboxes, /admin/fediverse */
int	 page_webfinger(struct req *);
int	 page_nodeinfo_index(struct req *);
int	 page_nodeinfo(struct req *);
int	 page_ap_actor(struct req *);
int	 page_ap_author(struct req *);
int	 page_ap_followers(struct req *);
int	 page_ap_author_followers(struct req *);
int	 page_ap_outbox(struct req *);
int	 page_ap_article(struct req *);
int	 page_ap_inbox(struct req *);
int	 page_ap_actor_inbox(struct req *);
int	 page_ap_author_inbox(struct req *);
int	 page_admin_fediverse(struct req *);

/* page_admin_webhooks.c — webhooks and their delivery log (admins) */
int	 page_admin_webhooks(struct req *);
int	 page_admin_webhook_add(struct req *);
int	 page_admin_webhook_pause(struct req *);
int	 page_admin_webhook_resume(struct req *);
int	 page_admin_webhook_delete(struct req *);
int	 page_admin_webhook_ping(struct req *);
int	 page_admin_webhook_resend(struct req *);

/* page_admin_export.c — the whole publication to download (admins) */
int	 page_admin_export(struct req *);
int	 page_admin_export_json(struct req *);
int	 page_admin_export_wxr(struct req *);
/*
 * Registers the writer of the download (export.h's, wired by main):
 * wxr 0 for masthead's JSON, 1 for WXR; site is the base URL for links.
 */
void	 page_admin_export_init(int (*fn)(struct db *, int wxr,
	    const char *site, FILE *, char *err, size_t errsz));

/* page_admin_import.c — another site's export uploaded and imported (admins) */
int	 page_admin_import(struct req *);
int	 page_admin_import_upload(struct req *);
int	 page_admin_import_status(struct req *);
int	 page_admin_import_status_json(struct req *);
/* The upload page answered with status and a message (0, NULL: as it is). */
int	 page_admin_import_form(struct req *, int status, const char *msg);
/*
 * What the import job (JOB_IMPORT, run by the command layer) says of its
 * run as it goes: items read, bytes of total read, and when it started
 * (now_mono_usec()); id 0 when it has ended.  Any thread.
 */
void	 page_admin_import_progress(int64_t id, int64_t items, int64_t bytes,
	    int64_t total, uint64_t started);

/* page_admin_events.c — events and webinars (editors) */
int	 page_admin_events(struct req *);
int	 page_admin_event_new(struct req *);
int	 page_admin_event_edit(struct req *);
int	 page_admin_event_add(struct req *);
int	 page_admin_event_update(struct req *);
int	 page_admin_webinars(struct req *);
int	 page_admin_webinar_new(struct req *);
int	 page_admin_webinar_edit(struct req *);
int	 page_admin_webinar_add(struct req *);
int	 page_admin_webinar_update(struct req *);

/* page_registration.c — registering for events and webinars */
int	 page_register_event(struct req *);
int	 page_register_event_start(struct req *);
int	 page_register_event_post(struct req *);
int	 page_register_webinar(struct req *);
int	 page_register_webinar_start(struct req *);
int	 page_register_webinar_post(struct req *);
int	 page_registration(struct req *);
int	 page_registration_cancel(struct req *);
int	 page_webinar_watch(struct req *);
int	 page_webinar_join(struct req *);

/* page_admin_regs.c — registrations in the newsroom, and their CSV */
int	 page_admin_event_regs(struct req *);
int	 page_admin_event_regs_csv(struct req *);
int	 page_admin_webinar_regs(struct req *);
int	 page_admin_webinar_regs_csv(struct req *);
int	 page_admin_reg_cancel(struct req *);
int	 page_admin_reg_move(struct req *);

/*
 * page_admin_trash.c — the Trash of stories, its job, and the story
 * list's bulk actions (admin_bulk_done: the list's line about the last)
 */
int	 page_admin_trash(struct req *);
int	 page_admin_bulk(struct req *);
void	 admin_bulk_done(struct req *, json_t *model);
int	 page_admin_trash_add(struct req *);
int	 page_admin_trash_restore(struct req *);
int	 page_admin_trash_delete(struct req *);
/* Events, webinars and white papers in the Trash, and its bulk actions. */
int	 page_admin_event_trash(struct req *);
int	 page_admin_webinar_trash(struct req *);
int	 page_admin_resource_trash(struct req *);
int	 page_admin_trash_kind_restore(struct req *);
int	 page_admin_trash_kind_delete(struct req *);
int	 page_admin_trash_bulk_restore(struct req *);
int	 page_admin_trash_bulk_delete(struct req *);
void	 page_admin_trash_jobs_init(void);

/* page_admin_front.c — the home page's pinned stories (editors) */
int	 page_admin_front(struct req *);
int	 page_admin_front_save(struct req *);
/* page_admin_promos.c — promo boxes (editors) */
int	 page_admin_promos(struct req *);
int	 page_admin_promo_add(struct req *);
int	 page_admin_promo_update(struct req *);
int	 page_admin_promo_delete(struct req *);

/* page_home.c */
int	 model_home(struct req *, json_t **out);
int	 page_home(struct req *);

/* page_article.c */
int	 model_article(struct req *, const char *slug, json_t **out);
/* The article page's model of a row of store_article_get (which it takes). */
int	 model_article_of(struct req *, json_t *a, json_t **out);
/* Marks the page's article (of model_article_of) "was_updated" when due. */
void	 page_article_updated(json_t *m);
int	 page_article(struct req *);

/* page_comment.c — comments for readers */
enum comment_view {
	CV_NEWEST,	/* the default */
	CV_OLDEST,
	CV_THREADED,
	CV__MAX
};
#define COMMENT_EDIT_SECS	600	/* a reader may edit a comment this long */
/*
 * Before the cache is asked: a ?view= link sets the remembered view, and
 * a remembered view (cookie) other than the default keys the page as its
 * link does.
 */
void	 page_comments_key(struct req *);
/*
 * The comments an article page asks for (?view=, ?cursor=), read with
 * the story (store_article_page); 0, or 400 when they are not a view or
 * a cursor.
 */
int	 page_comments_ask(struct req *, struct comments_ask *);
/*
 * The comments block of an article page from what was asked and read
 * (the model takes a's rows); 0 or a status.
 */
int	 page_comments_model(struct req *, json_t *article,
	    struct comments_ask *, json_t **out);
/*
 * Fires comment.posted for comment id on story a (store_comment_article's
 * row), held ("pending") or shown ("approved"), in the caller's write
 * transaction: what a local comment and a reply from the fediverse send.
 * enum store_rc.
 */
int	 page_comment_fire_posted(struct db *, json_t *a, int64_t id,
	    const char *status);
/*
 * Commits the caller's write transaction and drops the pages it changed:
 * the article's comments (shown_changed) and its count (count_changed).
 * 0 or 503.
 */
int	 page_comments_commit(struct req *, int64_t article, int count_changed,
	    int shown_changed);
int	 page_comment(struct req *);
int	 page_comment_compose(struct req *);
int	 page_comment_post(struct req *);
int	 page_comment_reply(struct req *);
int	 page_comment_edit(struct req *);
int	 page_comment_edit_post(struct req *);
int	 page_comment_delete(struct req *);
int	 page_comment_report(struct req *);
int	 page_comment_report_post(struct req *);

/* page_admin_comments.c, api_comments.c — moderation (editors and admins) */
int	 admin_comments(struct req *);
int	 admin_comments_post(struct req *);
int	 admin_comments_settings(struct req *);
int	 admin_comments_settings_post(struct req *);
int	 admin_comments_log(struct req *);
int	 api_admin_comments(struct req *);
int	 api_admin_comment_action(struct req *);
int	 api_admin_comments_bulk(struct req *);
int	 api_admin_comments_log(struct req *);
int	 api_admin_comments_ban(struct req *);

/* page_list.c — section, author, tag and type listings */
int	 model_section(struct req *, const char *slug, json_t **out);
int	 model_author(struct req *, const char *slug, json_t **out);
int	 page_section(struct req *);
int	 page_author(struct req *);
int	 page_tag(struct req *);
int	 page_type(struct req *);

/* page_search.c — full-text search */
/*
 * The search results for the request's parameters.  Returns 0, or a
 * status; a 400 for a bad filter comes with *msg saying which.
 */
int	 model_search(struct req *, json_t **out, const char **msg);
/* The parameters search knows (NULL-terminated), for the API's check. */
const char *const *search_params_known(void);
int	 page_search(struct req *);

/* page_event.c — events and webinars */
int	 model_events(struct req *, int past, json_t **out);
int	 model_event(struct req *, const char *slug, json_t **out);
int	 model_webinars(struct req *, int past, json_t **out);
struct webinar_filter;
/*
 * The webinars ?topic= (a section's slug) or ?series= (a series slug)
 * keep, into f; *about (the request's) names the one given, else NULL.
 * 0, or 404 for an unknown or malformed one (or both at once).
 */
int	 page_webinar_filter(struct req *, struct webinar_filter *f,
	    json_t **about);
int	 model_webinar(struct req *, const char *slug, json_t **out);
int	 page_events(struct req *);
int	 page_events_archive(struct req *);
int	 page_event(struct req *);
int	 page_webinars(struct req *);
int	 page_webinars_archive(struct req *);
int	 page_webinar(struct req *);

/* page_resource.c — white papers: list, page, access form, download */
/* The list (?before=) and one resource, shared with the content API. */
int	 model_resources(struct req *, json_t **out);
int	 model_resource(struct req *, const char *slug, json_t **out);
int	 page_resources(struct req *);
int	 page_resource(struct req *);
int	 page_resource_access(struct req *);
int	 page_resource_access_start(struct req *);
int	 page_resource_access_post(struct req *);
int	 page_resource_download(struct req *);

/* page_admin_resources.c — white papers and their leads (editors) */
int	 page_admin_resources(struct req *);
int	 page_admin_resource_new(struct req *);
int	 page_admin_resource_edit(struct req *);
int	 page_admin_resource_add(struct req *);
int	 page_admin_resource_update(struct req *);
int	 page_admin_resource_file(struct req *);
int	 page_admin_resource_leads(struct req *);
int	 page_admin_resource_leads_csv(struct req *);

/* page_award.c — the awards programme for readers (docs/awards.md) */
int	 page_awards(struct req *);
int	 page_award_year(struct req *);
int	 page_award_shortlist(struct req *);
int	 page_award_winners(struct req *);
int	 page_award_enter(struct req *);
int	 page_award_enter_post(struct req *);
int	 page_award_entry(struct req *);
int	 page_award_withdraw(struct req *);
/* The entry form's question i as an entry stores it; "" past the last. */
const char *page_award_question(size_t i);

/* page_admin_awards.c — programmes, entries and judging (editors, judges) */
int	 page_admin_awards(struct req *);
int	 page_admin_awards_post(struct req *);
int	 page_admin_award(struct req *);
int	 page_admin_award_post(struct req *);
int	 page_admin_award_cat_add(struct req *);
int	 page_admin_award_cat(struct req *);
int	 page_admin_award_judges(struct req *);
int	 page_admin_award_publish(struct req *);
int	 page_admin_award_entries(struct req *);
int	 page_admin_award_entries_csv(struct req *);
int	 page_admin_award_mark(struct req *);
int	 page_admin_award_file(struct req *);
int	 page_judging(struct req *);
int	 page_judging_score(struct req *);
int	 page_judging_file(struct req *);

#endif
