/*
 * copy.c — "masthead migrate-db": copies a whole site from one database
 * to another (SQLite to PostgreSQL and back), table by table with a
 * progress bar, then checks that every table has as many rows at both ends.
 *
 * Every table and column is named here, in the order that keeps foreign
 * keys satisfied, but for the articles' columns, which are the rows of
 * store_cols; a unit test fails when a migration adds a column this
 * table does not copy.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "copy.h"
#include "db.h"
#include "migrate.h"
#include "store.h"
#include "store_cols.h"
#include "util.h"

struct copy_table copy_tables[] = {
	{ "settings", 2, 0,
	    "SELECT count(*) AS n FROM settings",
	    "SELECT "
	    "key, value"
	    " FROM settings ORDER BY key",
	    "INSERT INTO settings ("
	    "key, value"
	    ") VALUES ("
	    "$1, $2"
	    ")" },
	/*
	 * Site 1 is made by the migration at both ends: the destination's
	 * is not counted, and takes the source's values (into PostgreSQL,
	 * whose bulk load cannot update a row, it is deleted first).
	 */
	{ "sites", 9, 1,
	    "SELECT count(*) AS n FROM sites WHERE id <> 1",
	    "SELECT "
	    "id, slug, host, name, tagline, base_url, logo, accent, position"
	    " FROM sites ORDER BY id",
	    "INSERT INTO sites ("
	    "id, slug, host, name, tagline, base_url, logo, accent, position"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9"
	    ") ON CONFLICT (id) DO UPDATE SET slug = excluded.slug,"
	    " host = excluded.host, name = excluded.name,"
	    " tagline = excluded.tagline, base_url = excluded.base_url,"
	    " logo = excluded.logo, accent = excluded.accent,"
	    " position = excluded.position" },
	{ "sections", 8, 1,
	    "SELECT count(*) AS n FROM sections",
	    "SELECT "
	    "id, parent_id, slug, name, kind, description,"
	    " position, site_id"
	    " FROM sections ORDER BY id",
	    "INSERT INTO sections ("
	    "id, parent_id, slug, name, kind, description,"
	    " position, site_id"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8"
	    ")" },
	{ "images", 14, 1,
	    "SELECT count(*) AS n FROM images",
	    "SELECT "
	    "id, hash, mime, ext, width, height, bytes, alt,"
	    " created_at, widths, caption, credit, filename, uploaded_by"
	    " FROM images ORDER BY id",
	    "INSERT INTO images ("
	    "id, hash, mime, ext, width, height, bytes, alt,"
	    " created_at, widths, caption, credit, filename, uploaded_by"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14"
	    ")" },
	{ "authors", 8, 1,
	    "SELECT count(*) AS n FROM authors",
	    "SELECT "
	    "id, slug, name, role, company, bio, photo_id,"
	    " created_at"
	    " FROM authors ORDER BY id",
	    "INSERT INTO authors ("
	    "id, slug, name, role, company, bio, photo_id,"
	    " created_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8"
	    ")" },
	{ "sponsors", 5, 1,
	    "SELECT count(*) AS n FROM sponsors",
	    "SELECT "
	    "id, slug, name, url, logo_id"
	    " FROM sponsors ORDER BY id",
	    "INSERT INTO sponsors ("
	    "id, slug, name, url, logo_id"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5"
	    ")" },
	{ "tags", 3, 1,
	    "SELECT count(*) AS n FROM tags",
	    "SELECT "
	    "id, slug, name"
	    " FROM tags ORDER BY id",
	    "INSERT INTO tags ("
	    "id, slug, name"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	/* Its columns are store_cols' (store_cols.h), set by copy_init. */
	{ "shows", 13, 1,
	    "SELECT count(*) AS n FROM shows",
	    "SELECT "
	    "id, slug, kind, title, description, image_id, author, email,"
	    " category, explicit, position, created_at, updated_at"
	    " FROM shows ORDER BY id",
	    "INSERT INTO shows ("
	    "id, slug, kind, title, description, image_id, author, email,"
	    " category, explicit, position, created_at, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13"
	    ")" },
	{ "articles", 0, 1,
	    "SELECT count(*) AS n FROM articles", NULL, NULL },
	{ "article_authors", 4, 0,
	    "SELECT count(*) AS n FROM article_authors",
	    "SELECT "
	    "article_id, author_id, position, published_at"
	    " FROM article_authors ORDER BY article_id, author_id",
	    "INSERT INTO article_authors ("
	    "article_id, author_id, position, published_at"
	    ") VALUES ("
	    "$1, $2, $3, $4"
	    ")" },
	{ "article_tags", 3, 0,
	    "SELECT count(*) AS n FROM article_tags",
	    "SELECT "
	    "article_id, tag_id, published_at"
	    " FROM article_tags ORDER BY article_id, tag_id",
	    "INSERT INTO article_tags ("
	    "article_id, tag_id, published_at"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	{ "section_articles", 3, 0,
	    "SELECT count(*) AS n FROM section_articles",
	    "SELECT "
	    "section_id, article_id, published_at"
	    " FROM section_articles ORDER BY section_id, published_at, article_id",
	    "INSERT INTO section_articles ("
	    "section_id, article_id, published_at"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	{ "users", 10, 1,
	    "SELECT count(*) AS n FROM users",
	    "SELECT "
	    "id, email, display_name, password_hash, role,"
	    " author_id, verified_at, created_at, company, job_title"
	    " FROM users ORDER BY id",
	    "INSERT INTO users ("
	    "id, email, display_name, password_hash, role,"
	    " author_id, verified_at, created_at, company, job_title"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10"
	    ")" },
	{ "user_sites", 2, 0,
	    "SELECT count(*) AS n FROM user_sites",
	    "SELECT user_id, site_id FROM user_sites ORDER BY user_id, site_id",
	    "INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)" },
	{ "article_sites", 2, 0,
	    "SELECT count(*) AS n FROM article_sites",
	    "SELECT article_id, site_id FROM article_sites"
	    " ORDER BY article_id, site_id",
	    "INSERT INTO article_sites (article_id, site_id) VALUES ($1, $2)" },
	{ "comments", 18, 1,
	    "SELECT count(*) AS n FROM comments",
	    "SELECT "
	    "id, article_id, parent_id, user_id, status, body_md,"
	    " body_html, created_at, updated_at, root_id, depth,"
	    " reply_count, featured, reports_open, held_reason,"
	    " body_hash, ip, edited_at"
	    " FROM comments ORDER BY id",
	    "INSERT INTO comments ("
	    "id, article_id, parent_id, user_id, status, body_md,"
	    " body_html, created_at, updated_at, root_id, depth,"
	    " reply_count, featured, reports_open, held_reason,"
	    " body_hash, ip, edited_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	    " $13, $14, $15, $16, $17, $18"
	    ")" },
	{ "comment_reports", 6, 1,
	    "SELECT count(*) AS n FROM comment_reports",
	    "SELECT "
	    "id, comment_id, user_id, reason, created_at,"
	    " resolved_at"
	    " FROM comment_reports ORDER BY id",
	    "INSERT INTO comment_reports ("
	    "id, comment_id, user_id, reason, created_at,"
	    " resolved_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "comment_bans", 5, 0,
	    "SELECT count(*) AS n FROM comment_bans",
	    "SELECT "
	    "user_id, until_at, reason, by_user_id, created_at"
	    " FROM comment_bans ORDER BY user_id",
	    "INSERT INTO comment_bans ("
	    "user_id, until_at, reason, by_user_id, created_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5"
	    ")" },
	{ "comment_log", 7, 1,
	    "SELECT count(*) AS n FROM comment_log",
	    "SELECT "
	    "id, comment_id, target_user_id, moderator_id, action,"
	    " detail, created_at"
	    " FROM comment_log ORDER BY id",
	    "INSERT INTO comment_log ("
	    "id, comment_id, target_user_id, moderator_id, action,"
	    " detail, created_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7"
	    ")" },
	{ "events", 24, 1,
	    "SELECT count(*) AS n FROM events",
	    "SELECT "
	    "id, slug, name, kind, summary, body_md, body_html,"
	    " starts_at, ends_at, timezone, venue, online, url,"
	    " sponsor_id, capacity, reg_closes_at, questions,"
	    " street_address, locality, region, postal_code, country,"
	    " image_id, trashed_at"
	    " FROM events ORDER BY id",
	    "INSERT INTO events ("
	    "id, slug, name, kind, summary, body_md, body_html,"
	    " starts_at, ends_at, timezone, venue, online, url,"
	    " sponsor_id, capacity, reg_closes_at, questions,"
	    " street_address, locality, region, postal_code, country,"
	    " image_id, trashed_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	    " $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24"
	    ")" },
	{ "webinars", 20, 1,
	    "SELECT count(*) AS n FROM webinars",
	    "SELECT "
	    "id, slug, title, series, summary, body_md, body_html,"
	    " starts_at, duration_min, sponsor_id, event_id,"
	    " recording_url, capacity, reg_closes_at, questions, image_id,"
	    " join_url, topic_id, series_slug, trashed_at"
	    " FROM webinars ORDER BY id",
	    "INSERT INTO webinars ("
	    "id, slug, title, series, summary, body_md, body_html,"
	    " starts_at, duration_min, sponsor_id, event_id,"
	    " recording_url, capacity, reg_closes_at, questions, image_id,"
	    " join_url, topic_id, series_slug, trashed_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	    " $13, $14, $15, $16, $17, $18, $19, $20"
	    ")" },
	{ "event_sessions", 9, 1,
	    "SELECT count(*) AS n FROM event_sessions",
	    "SELECT "
	    "id, event_id, position, day, start_time, end_time,"
	    " title, speakers, description"
	    " FROM event_sessions ORDER BY id",
	    "INSERT INTO event_sessions ("
	    "id, event_id, position, day, start_time, end_time,"
	    " title, speakers, description"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9"
	    ")" },
	{ "event_speakers", 7, 1,
	    "SELECT count(*) AS n FROM event_speakers",
	    "SELECT "
	    "id, event_id, position, name, title, company, image_id"
	    " FROM event_speakers ORDER BY id",
	    "INSERT INTO event_speakers ("
	    "id, event_id, position, name, title, company, image_id"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7"
	    ")" },
	{ "registrations", 13, 1,
	    "SELECT count(*) AS n FROM registrations",
	    "SELECT "
	    "id, event_id, webinar_id, email, name, company,"
	    " job_title, answers, status, consent, consent_ip,"
	    " created_at, updated_at"
	    " FROM registrations ORDER BY id",
	    "INSERT INTO registrations ("
	    "id, event_id, webinar_id, email, name, company,"
	    " job_title, answers, status, consent, consent_ip,"
	    " created_at, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13"
	    ")" },
	{ "award_programmes", 12, 1,
	    "SELECT count(*) AS n FROM award_programmes",
	    "SELECT "
	    "id, slug, year, title, intro, entry_opens,"
	    " entry_closes, event_id, status, shortlist_at,"
	    " winners_at, updated_at"
	    " FROM award_programmes ORDER BY id",
	    "INSERT INTO award_programmes ("
	    "id, slug, year, title, intro, entry_opens,"
	    " entry_closes, event_id, status, shortlist_at,"
	    " winners_at, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12"
	    ")" },
	{ "award_categories", 5, 1,
	    "SELECT count(*) AS n FROM award_categories",
	    "SELECT "
	    "id, programme_id, name, criteria, position"
	    " FROM award_categories ORDER BY id",
	    "INSERT INTO award_categories ("
	    "id, programme_id, name, criteria, position"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5"
	    ")" },
	{ "award_entries", 16, 1,
	    "SELECT count(*) AS n FROM award_entries",
	    "SELECT "
	    "id, programme_id, category_id, name, email,"
	    " company, job_title, title, answers,"
	    " attachment_name, attachment_type, attachment,"
	    " status, token_hash, created_at, updated_at"
	    " FROM award_entries ORDER BY id",
	    "INSERT INTO award_entries ("
	    "id, programme_id, category_id, name, email,"
	    " company, job_title, title, answers,"
	    " attachment_name, attachment_type, attachment,"
	    " status, token_hash, created_at, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16"
	    ")" },
	{ "award_judges", 2, 0,
	    "SELECT count(*) AS n FROM award_judges",
	    "SELECT "
	    "category_id, user_id"
	    " FROM award_judges ORDER BY category_id, user_id",
	    "INSERT INTO award_judges ("
	    "category_id, user_id"
	    ") VALUES ("
	    "$1, $2"
	    ")" },
	{ "award_scores", 5, 0,
	    "SELECT count(*) AS n FROM award_scores",
	    "SELECT "
	    "entry_id, judge_id, score, note, updated_at"
	    " FROM award_scores ORDER BY entry_id, judge_id",
	    "INSERT INTO award_scores ("
	    "entry_id, judge_id, score, note, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5"
	    ")" },
	{ "promos", 6, 1,
	    "SELECT count(*) AS n FROM promos",
	    "SELECT "
	    "id, section_id, text, link_text, url, active"
	    " FROM promos ORDER BY id",
	    "INSERT INTO promos ("
	    "id, section_id, text, link_text, url, active"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "menu_items", 6, 1,
	    "SELECT count(*) AS n FROM menu_items",
	    "SELECT "
	    "id, menu, parent_id, position, label, url"
	    " FROM menu_items ORDER BY id",
	    "INSERT INTO menu_items ("
	    "id, menu, parent_id, position, label, url"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "pages", 6, 1,
	    "SELECT count(*) AS n FROM pages",
	    "SELECT "
	    "id, slug, title, body_md, body_html, updated_at"
	    " FROM pages ORDER BY id",
	    "INSERT INTO pages ("
	    "id, slug, title, body_md, body_html, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "api_tokens", 6, 1,
	    "SELECT count(*) AS n FROM api_tokens",
	    "SELECT "
	    "id, user_id, name, token_hash, created_at,"
	    " last_used_at"
	    " FROM api_tokens ORDER BY id",
	    "INSERT INTO api_tokens ("
	    "id, user_id, name, token_hash, created_at,"
	    " last_used_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "sessions", 6, 1,
	    "SELECT count(*) AS n FROM sessions",
	    "SELECT "
	    "id, token_hash, user_id, created_at, seen_at,"
	    " expires_at"
	    " FROM sessions ORDER BY id",
	    "INSERT INTO sessions ("
	    "id, token_hash, user_id, created_at, seen_at,"
	    " expires_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "jobs", 11, 1,
	    "SELECT count(*) AS n FROM jobs",
	    "SELECT "
	    "id, kind, payload, run_at, attempts,"
	    " last_error, locked_by, locked_until, done_at, failed_at,"
	    " created_at"
	    " FROM jobs ORDER BY id",
	    "INSERT INTO jobs ("
	    "id, kind, payload, run_at, attempts,"
	    " last_error, locked_by, locked_until, done_at, failed_at,"
	    " created_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11"
	    ")" },
	{ "account_tokens", 7, 1,
	    "SELECT count(*) AS n FROM account_tokens",
	    "SELECT "
	    "id, user_id, purpose, token_hash, created_at, expires_at,"
	    " used_at"
	    " FROM account_tokens ORDER BY id",
	    "INSERT INTO account_tokens ("
	    "id, user_id, purpose, token_hash, created_at, expires_at,"
	    " used_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7"
	    ")" },
	{ "rate_limits", 3, 0,
	    "SELECT count(*) AS n FROM rate_limits",
	    "SELECT "
	    "key, window_start, hits"
	    " FROM rate_limits ORDER BY key",
	    "INSERT INTO rate_limits ("
	    "key, window_start, hits"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	{ "article_revisions", 7, 1,
	    "SELECT count(*) AS n FROM article_revisions",
	    "SELECT "
	    "id, article_id, user_id, note, data, created_at, autosave"
	    " FROM article_revisions ORDER BY id",
	    "INSERT INTO article_revisions ("
	    "id, article_id, user_id, note, data, created_at, autosave"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7"
	    ")" },
	{ "article_slugs", 3, 0,
	    "SELECT count(*) AS n FROM article_slugs",
	    "SELECT "
	    "slug, article_id, created_at"
	    " FROM article_slugs ORDER BY slug",
	    "INSERT INTO article_slugs ("
	    "slug, article_id, created_at"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	{ "newsletters", 7, 1,
	    "SELECT count(*) AS n FROM newsletters",
	    "SELECT "
	    "id, slug, name, description, position, created_at, site_id"
	    " FROM newsletters ORDER BY id",
	    "INSERT INTO newsletters ("
	    "id, slug, name, description, position, created_at, site_id"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7"
	    ")" },
	{ "newsletter_sections", 2, 0,
	    "SELECT count(*) AS n FROM newsletter_sections",
	    "SELECT "
	    "newsletter_id, section_id"
	    " FROM newsletter_sections ORDER BY newsletter_id, section_id",
	    "INSERT INTO newsletter_sections ("
	    "newsletter_id, section_id"
	    ") VALUES ("
	    "$1, $2"
	    ")" },
	{ "subscribers", 6, 1,
	    "SELECT count(*) AS n FROM subscribers",
	    "SELECT "
	    "id, email, bounces, created_at, confirmed_at, name"
	    " FROM subscribers ORDER BY id",
	    "INSERT INTO subscribers ("
	    "id, email, bounces, created_at, confirmed_at, name"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "subscriptions", 7, 0,
	    "SELECT count(*) AS n FROM subscriptions",
	    "SELECT "
	    "subscriber_id, newsletter_id, status, consent, consent_ip,"
	    " created_at, updated_at"
	    " FROM subscriptions ORDER BY subscriber_id, newsletter_id",
	    "INSERT INTO subscriptions ("
	    "subscriber_id, newsletter_id, status, consent, consent_ip,"
	    " created_at, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7"
	    ")" },
	{ "subscriber_tokens", 6, 1,
	    "SELECT count(*) AS n FROM subscriber_tokens",
	    "SELECT "
	    "id, subscriber_id, token_hash, created_at, expires_at, used_at"
	    " FROM subscriber_tokens ORDER BY id",
	    "INSERT INTO subscriber_tokens ("
	    "id, subscriber_id, token_hash, created_at, expires_at, used_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "newsletter_issues", 10, 1,
	    "SELECT count(*) AS n FROM newsletter_issues",
	    "SELECT "
	    "id, newsletter_id, subject, intro, articles, status, send_at,"
	    " sent_at, created_at, updated_at"
	    " FROM newsletter_issues ORDER BY id",
	    "INSERT INTO newsletter_issues ("
	    "id, newsletter_id, subject, intro, articles, status, send_at,"
	    " sent_at, created_at, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10"
	    ")" },
	{ "newsletter_deliveries", 5, 0,
	    "SELECT count(*) AS n FROM newsletter_deliveries",
	    "SELECT "
	    "issue_id, subscriber_id, status, error, at"
	    " FROM newsletter_deliveries ORDER BY issue_id, subscriber_id",
	    "INSERT INTO newsletter_deliveries ("
	    "issue_id, subscriber_id, status, error, at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5"
	    ")" },
	{ "site_keys", 2, 0,
	    "SELECT count(*) AS n FROM site_keys",
	    "SELECT "
	    "name, value"
	    " FROM site_keys ORDER BY name",
	    "INSERT INTO site_keys ("
	    "name, value"
	    ") VALUES ("
	    "$1, $2"
	    ")" },
	{ "resources", 15, 1,
	    "SELECT count(*) AS n FROM resources",
	    "SELECT "
	    "id, slug, title, summary, body_md, body_html, sponsor_id,"
	    " cover_id, file_hash, file_bytes, link_url, published_at,"
	    " created_at, updated_at, trashed_at"
	    " FROM resources ORDER BY id",
	    "INSERT INTO resources ("
	    "id, slug, title, summary, body_md, body_html, sponsor_id,"
	    " cover_id, file_hash, file_bytes, link_url, published_at,"
	    " created_at, updated_at, trashed_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
	    " $15"
	    ")" },
	{ "resource_leads", 10, 1,
	    "SELECT count(*) AS n FROM resource_leads",
	    "SELECT "
	    "id, resource_id, user_id, name, email, company, job_title,"
	    " consent, consent_ip, created_at"
	    " FROM resource_leads ORDER BY id",
	    "INSERT INTO resource_leads ("
	    "id, resource_id, user_id, name, email, company, job_title,"
	    " consent, consent_ip, created_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10"
	    ")" },
	{ "import_ids", 5, 0,
	    "SELECT count(*) AS n FROM import_ids",
	    "SELECT "
	    "source, kind, source_id, target_id, created_at"
	    " FROM import_ids ORDER BY source, kind, source_id",
	    "INSERT INTO import_ids ("
	    "source, kind, source_id, target_id, created_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5"
	    ")" },
	{ "redirects", 3, 0,
	    "SELECT count(*) AS n FROM redirects",
	    "SELECT "
	    "old_path, new_path, created_at"
	    " FROM redirects ORDER BY old_path",
	    "INSERT INTO redirects ("
	    "old_path, new_path, created_at"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	{ "staff_tokens", 8, 1,
	    "SELECT count(*) AS n FROM staff_tokens",
	    "SELECT "
	    "id, purpose, user_id, invited_by, token_hash, created_at,"
	    " expires_at, used_at"
	    " FROM staff_tokens ORDER BY id",
	    "INSERT INTO staff_tokens ("
	    "id, purpose, user_id, invited_by, token_hash, created_at,"
	    " expires_at, used_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8"
	    ")" },
	{ "imports", 13, 1,
	    "SELECT count(*) AS n FROM imports",
	    "SELECT "
	    "id, user_id, filename, path, size, options, status, busy,"
	    " created_at, started_at, finished_at, report, error"
	    " FROM imports ORDER BY id",
	    "INSERT INTO imports ("
	    "id, user_id, filename, path, size, options, status, busy,"
	    " created_at, started_at, finished_at, report, error"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13"
	    ")" },
	{ "front_pins", 3, 0,
	    "SELECT count(*) AS n FROM front_pins",
	    "SELECT "
	    "slot, article_id, expires_at"
	    " FROM front_pins ORDER BY slot",
	    "INSERT INTO front_pins ("
	    "slot, article_id, expires_at"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	{ "hubs", 13, 1,
	    "SELECT count(*) AS n FROM hubs",
	    "SELECT "
	    "id, slug, kind, title, intro, sponsor_id, disclosure, logo_id,"
	    " starts_at, ends_at, venue, created_at, updated_at"
	    " FROM hubs ORDER BY id",
	    "INSERT INTO hubs ("
	    "id, slug, kind, title, intro, sponsor_id, disclosure, logo_id,"
	    " starts_at, ends_at, venue, created_at, updated_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13"
	    ")" },
	{ "hub_items", 5, 1,
	    "SELECT count(*) AS n FROM hub_items",
	    "SELECT "
	    "id, hub_id, kind, item_id, position"
	    " FROM hub_items ORDER BY id",
	    "INSERT INTO hub_items ("
	    "id, hub_id, kind, item_id, position"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5"
	    ")" },
	{ "live_posts", 8, 1,
	    "SELECT count(*) AS n FROM live_posts",
	    "SELECT "
	    "id, hub_id, body_md, body_html, author_id, posted_at,"
	    " updated_at, deleted_at"
	    " FROM live_posts ORDER BY id",
	    "INSERT INTO live_posts ("
	    "id, hub_id, body_md, body_html, author_id, posted_at,"
	    " updated_at, deleted_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8"
	    ")" },
	{ "hub_stats", 4, 0,
	    "SELECT count(*) AS n FROM hub_stats",
	    "SELECT "
	    "hub_id, day, views, clicks"
	    " FROM hub_stats ORDER BY hub_id, day",
	    "INSERT INTO hub_stats ("
	    "hub_id, day, views, clicks"
	    ") VALUES ("
	    "$1, $2, $3, $4"
	    ")" },
	{ "pageviews", 10, 1,
	    "SELECT count(*) AS n FROM pageviews",
	    "SELECT "
	    "id, at, day, kind, slug, visitor, referrer, ref_host, device,"
	    " country"
	    " FROM pageviews ORDER BY id",
	    "INSERT INTO pageviews ("
	    "id, at, day, kind, slug, visitor, referrer, ref_host, device,"
	    " country"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10"
	    ")" },
	{ "pageview_days", 6, 0,
	    "SELECT count(*) AS n FROM pageview_days",
	    "SELECT "
	    "day, kind, slug, dim, val, n"
	    " FROM pageview_days ORDER BY day, kind, slug, dim, val",
	    "INSERT INTO pageview_days ("
	    "day, kind, slug, dim, val, n"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6"
	    ")" },
	{ "analytics_salts", 2, 0,
	    "SELECT count(*) AS n FROM analytics_salts",
	    "SELECT day, salt FROM analytics_salts ORDER BY day",
	    "INSERT INTO analytics_salts (day, salt) VALUES ($1, $2)" },
	{ "webhooks", 7, 1,
	    "SELECT count(*) AS n FROM webhooks",
	    "SELECT "
	    "id, url, events, secret, active, created_at, created_by"
	    " FROM webhooks ORDER BY id",
	    "INSERT INTO webhooks ("
	    "id, url, events, secret, active, created_at, created_by"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7"
	    ")" },
	{ "ap_keys", 4, 0,
	    "SELECT count(*) AS n FROM ap_keys",
	    "SELECT "
	    "actor, public_pem, private_pem, created_at"
	    " FROM ap_keys ORDER BY actor",
	    "INSERT INTO ap_keys ("
	    "actor, public_pem, private_pem, created_at"
	    ") VALUES ("
	    "$1, $2, $3, $4"
	    ")" },
	{ "ap_actors", 8, 0,
	    "SELECT count(*) AS n FROM ap_actors",
	    "SELECT "
	    "uri, key_uri, public_pem, inbox, shared_inbox, handle, user_id, fetched_at"
	    " FROM ap_actors ORDER BY uri",
	    "INSERT INTO ap_actors ("
	    "uri, key_uri, public_pem, inbox, shared_inbox, handle, user_id, fetched_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8"
	    ")" },
	{ "ap_followers", 8, 1,
	    "SELECT count(*) AS n FROM ap_followers",
	    "SELECT "
	    "id, actor_uri, inbox, shared_inbox, followed, follow_uri, handle, accepted_at"
	    " FROM ap_followers ORDER BY id",
	    "INSERT INTO ap_followers ("
	    "id, actor_uri, inbox, shared_inbox, followed, follow_uri, handle, accepted_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8"
	    ")" },
	{ "ap_received", 2, 0,
	    "SELECT count(*) AS n FROM ap_received",
	    "SELECT "
	    "activity, received_at"
	    " FROM ap_received ORDER BY activity",
	    "INSERT INTO ap_received ("
	    "activity, received_at"
	    ") VALUES ("
	    "$1, $2"
	    ")" },
	{ "ap_notes", 3, 0,
	    "SELECT count(*) AS n FROM ap_notes",
	    "SELECT "
	    "note_uri, comment_id, actor_uri"
	    " FROM ap_notes ORDER BY note_uri",
	    "INSERT INTO ap_notes ("
	    "note_uri, comment_id, actor_uri"
	    ") VALUES ("
	    "$1, $2, $3"
	    ")" },
	{ "deliveries", 15, 1,
	    "SELECT count(*) AS n FROM deliveries",
	    "SELECT "
	    "id, kind, webhook, inbox, sender, event, object, payload, status,"
	    " attempts, last_code, last_error, next_at, created_at, delivered_at"
	    " FROM deliveries ORDER BY id",
	    "INSERT INTO deliveries ("
	    "id, kind, webhook, inbox, sender, event, object, payload, status,"
	    " attempts, last_code, last_error, next_at, created_at, delivered_at"
	    ") VALUES ("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15"
	    ")" },
};
const size_t copy_ntables = ARRAY_SIZE(copy_tables);

void
copy_init(void)
{
	size_t i;

	for (i = 0; i < copy_ntables; i++)
		if (strcmp(copy_tables[i].name, "articles") == 0) {
			copy_tables[i].ncols = store_cols_ncolumns();
			copy_tables[i].select_sql =
			    store_cols_sql(SCQ_COPY_SELECT);
			copy_tables[i].insert_sql =
			    store_cols_sql(SCQ_COPY_INSERT);
		}
}

/* Derived tables, built again at the destination instead of copied. */
const char *const copy_derived[] = { "article_search", NULL };

static int64_t
count_rows(struct db *db, const struct copy_table *t)
{
	struct db_stmt *st = db_stmt(db, t->count_sql);
	int64_t n = -1;

	if (st == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

/* The bar, and after it tail (a rate, or nothing). */
static void
bar(const char *table, int64_t done, int64_t total, int last,
    const char *tail)
{
	int tty = isatty(STDERR_FILENO), w = 30, i, fill;

	if (!tty && !last)
		return;
	fill = total > 0 ? (int)(done * w / total) : w;
	fprintf(stderr, "%s%-18s [", tty ? "\r" : "", table);
	for (i = 0; i < w; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %lld/%lld%s%s", (long long)done, (long long)total,
	    tail, last ? "\n" : "");
}

void
copy_progress(const char *table, int64_t done, int64_t total, int last)
{
	bar(table, done, total, last, "");
}

static void
search_progress(int64_t done, int64_t total)
{
	copy_progress("search index", done, total, done >= total);
}

/* Rows per second, from a count and microseconds. */
static double
rate(int64_t rows, uint64_t usec)
{
	return (double)rows * 1e6 / (double)(usec > 0 ? usec : 1);
}

/*
 * The source's rows, streamed.  SQLite steps through the table; the
 * PostgreSQL driver keeps a statement's whole result in memory, so there
 * the rows come through a cursor, COPY_FETCH rows at a time (inside the
 * source's transaction, which copy_site holds open).
 */
#define COPY_FETCH	"5000"
static const char sql_fetch[] = "FETCH " COPY_FETCH " FROM masthead_copy";
static const char sql_close[] = "CLOSE masthead_copy";

struct reader {
	struct db	*db;
	struct db_stmt	*st;
	int		 cursor;	/* reading through masthead_copy */
	int64_t		 batch;		/* rows of the current FETCH */
};

static int
reader_open(struct reader *r, struct db *from, const struct copy_table *t)
{
	static const char declare[] =
	    "DECLARE masthead_copy NO SCROLL CURSOR FOR ";
	char *sql;
	int rc;

	memset(r, 0, sizeof(*r));
	r->db = from;
	if (db_kind(from) == DB_POSTGRES) {
		/* The SELECT is copy.c's static text: no value is spliced. */
		sql = xmalloc(sizeof(declare) + strlen(t->select_sql));
		memcpy(sql, declare, sizeof(declare) - 1);
		memcpy(sql + sizeof(declare) - 1, t->select_sql,
		    strlen(t->select_sql) + 1);
		rc = db_exec(from, sql);
		free(sql);
		if (rc != DB_OK)
			return -1;
		r->cursor = 1;
		r->st = db_stmt(from, sql_fetch);
	} else {
		r->st = db_stmt(from, t->select_sql);
	}
	return r->st != NULL ? 0 : -1;
}

/* DB_ROW with the next row in r->st, DB_DONE at the end, or an error. */
static int
reader_next(struct reader *r)
{
	int rc = db_step(r->st);

	if (rc == DB_DONE && r->cursor && r->batch > 0) {
		db_reset(r->st);
		r->batch = 0;
		rc = db_step(r->st);
	}
	if (rc == DB_ROW)
		r->batch++;
	return rc;
}

static void
reader_close(struct reader *r)
{
	if (r->st != NULL)
		db_reset(r->st);
	/* A failed transaction refuses CLOSE; its rollback closes it. */
	if (r->cursor)
		(void)db_exec(r->db, sql_close);
}

/*
 * The column list of t's SELECT ("a, b, c"), for a bulk load.  The
 * caller frees it.
 */
static char *
column_list(const struct copy_table *t)
{
	const char *p = t->select_sql + 7, *end = strstr(p, " FROM ");

	return xstrndup(p, (size_t)(end - p));
}

/*
 * What a bulk load into PostgreSQL deletes first, since COPY cannot
 * update a row: the rows the destination's migrations made that the
 * copy brings again (site 1, see copy_tables).  NULL for other tables.
 */
static const char *
load_clear(const char *table)
{
	static const struct {
		const char	*table;
		const char	*sql;
	} clear[] = {
		{ "sites", "DELETE FROM sites WHERE id = 1" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(clear); i++)
		if (strcmp(clear[i].table, table) == 0)
			return clear[i].sql;
	return NULL;
}

/*
 * Copies one table's rows; the destination's transaction is open.  Into
 * PostgreSQL the rows go through the bulk load (COPY); into SQLite,
 * through one prepared INSERT run a row at a time, which in one
 * transaction is as fast as SQLite goes.  Adds the rows copied to *rows.
 */
static int
copy_one(struct db *from, struct db *to, const struct copy_table *t,
    int64_t total, int64_t *rows, char *err, size_t errlen)
{
	struct reader r;
	struct db_stmt *out = NULL;
	const char **val = NULL;
	size_t *len = NULL;
	char *cols = NULL, tail[64];
	const char *clear;
	uint64_t t0 = now_mono_usec();
	int64_t done = 0;
	int rc, i, load = db_has_load(to), loading = 0;

	/* After this point, all errors go through fail. */
	if (reader_open(&r, from, t) != 0) {
		snprintf(err, errlen, "%s: %s", t->name, db_errmsg(from));
		goto fail;
	}
	if (load && (clear = load_clear(t->name)) != NULL &&
	    db_exec(to, clear) != DB_OK) {
		snprintf(err, errlen, "%s: %s", t->name, db_errmsg(to));
		goto fail;
	}
	if (load) {
		cols = column_list(t);
		val = xcalloc((size_t)t->ncols, sizeof(*val));
		len = xcalloc((size_t)t->ncols, sizeof(*len));
		if (db_load_begin(to, t->name, cols) != DB_OK) {
			snprintf(err, errlen, "%s: %s", t->name,
			    db_errmsg(to));
			goto fail;
		}
		loading = 1;
	} else if ((out = db_stmt(to, t->insert_sql)) == NULL) {
		snprintf(err, errlen, "%s: %s", t->name, db_errmsg(to));
		goto fail;
	}
	while ((rc = reader_next(&r)) == DB_ROW) {
		/* Text at both ends: each engine reads it by the column's type. */
		for (i = 0; i < t->ncols; i++) {
			size_t n = 0;
			const char *v = NULL;

			if (!db_col_isnull(r.st, i))
				v = db_col_text(r.st, i, &n);
			if (load) {
				val[i] = v;
				len[i] = n;
			} else if (v == NULL) {
				db_bind_null(out, i + 1);
			} else {
				db_bind_text(out, i + 1, v, n);
			}
		}
		rc = load ? db_load_row(to, val, len, t->ncols) : db_run(out);
		if (rc != DB_OK) {
			snprintf(err, errlen, "%s, row %lld: %s", t->name,
			    (long long)done + 1, db_errmsg(to));
			goto fail;
		}
		if (++done % 4096 == 0)
			copy_progress(t->name, done, total, 0);
	}
	if (rc != DB_DONE) {
		snprintf(err, errlen, "%s: %s", t->name, db_errmsg(from));
		goto fail;
	}
	if (loading) {
		loading = 0;
		if (db_load_end(to, 0) != DB_OK) {
			snprintf(err, errlen, "%s: %s", t->name,
			    db_errmsg(to));
			goto fail;
		}
	}
	reader_close(&r);
	t0 = now_mono_usec() - t0;
	snprintf(tail, sizeof(tail), "  %.1f s, %.0f rows/s",
	    (double)t0 / 1e6, rate(done, t0));
	bar(t->name, done, total, 1, tail);
	*rows += done;
	free(cols);
	free(val);
	free(len);
	return 0;
fail:
	/* The load is given up before the source is touched again. */
	if (loading)
		(void)db_load_end(to, 1);
	reader_close(&r);
	free(cols);
	free(val);
	free(len);
	return -1;
}

/*
 * The load goes faster without the secondary indexes, and into
 * PostgreSQL without the foreign keys: each row would update a dozen
 * indexes and, on PostgreSQL, run a query per reference.  They are
 * dropped inside the copy's transaction and made again after the rows
 * are in (an index built from sorted rows, a reference checked by one
 * join), as pg_restore does; a failed copy rolls the drops back with
 * everything else.  Unique and primary-key indexes stay: ON CONFLICT and
 * the references need them.  Each query answers the statement that
 * drops and the one that makes again.
 */
static const char sql_pg_indexes[] =
    "SELECT format('DROP INDEX %s', i.indexrelid::regclass),"
    " pg_get_indexdef(i.indexrelid)"
    " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
    " WHERE c.relnamespace = current_schema()::regnamespace"
    " AND NOT i.indisunique AND NOT i.indisprimary"
    " ORDER BY 1";
static const char sql_pg_fkeys[] =
    "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass,"
    " conname), format('ALTER TABLE %s ADD CONSTRAINT %I %s',"
    " conrelid::regclass, conname, pg_get_constraintdef(oid))"
    " FROM pg_constraint"
    " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
    " ORDER BY 1";

/*
 * SQLite's own indexes (sql NULL) are its primary keys and UNIQUEs.  Its
 * references are checked row by row, by the parent's key, which stays.
 */
static const char sql_sq_indexes[] =
    "SELECT printf('DROP INDEX \"%w\"', name), sql FROM sqlite_master"
    " WHERE type = 'index' AND sql IS NOT NULL"
    " AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY 1";

struct rebuild {
	char	**drop, **make;
	size_t	 n, cap;
};

/* Reads the pairs of statements sql answers into rb.  0 or -1. */
static int
rebuild_read(struct db *db, struct rebuild *rb, const char *sql)
{
	struct db_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		if (rb->n == rb->cap) {
			rb->cap = rb->cap ? rb->cap * 2 : 32;
			rb->drop = xrealloc(rb->drop, rb->cap * sizeof(char *));
			rb->make = xrealloc(rb->make, rb->cap * sizeof(char *));
		}
		rb->drop[rb->n] = xstrdup(db_col_text(st, 0, NULL));
		rb->make[rb->n] = xstrdup(db_col_text(st, 1, NULL));
		rb->n++;
	}
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

/* Runs rb's drops (make 0) or its makes (1), in order.  0 or -1. */
static int
rebuild_run(struct db *db, const struct rebuild *rb, int make, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < rb->n; i++)
		if (db_exec(db, make ? rb->make[i] : rb->drop[i]) != DB_OK) {
			snprintf(err, errlen, "%s: %s", make ? rb->make[i] :
			    rb->drop[i], db_errmsg(db));
			return -1;
		}
	return 0;
}

static void
rebuild_free(struct rebuild *rb)
{
	size_t i;

	for (i = 0; i < rb->n; i++) {
		free(rb->drop[i]);
		free(rb->make[i]);
	}
	free(rb->drop);
	free(rb->make);
}

int
copy_site(const char *from_url, const char *to_url, char *err, size_t errlen)
{
	struct db *from = NULL, *to = NULL;
	int64_t counts[ARRAY_SIZE(copy_tables)], n, rows = 0;
	uint64_t t0, t1;
	size_t i;
	struct rebuild idx = { 0 }, fks = { 0 };
	uint64_t t2;
	int rc = -1, bad = 0, bulk = 0;

	copy_init();
	/* After this point, all errors go through fail. */
	if ((from = db_open(from_url, err, errlen)) == NULL ||
	    migrate_run(from, err, errlen) != 0)
		goto fail;
	if ((to = db_open(to_url, err, errlen)) == NULL ||
	    migrate_run(to, err, errlen) != 0)
		goto fail;
	/* One snapshot of the source for the counts and the copy. */
	if (db_begin(from) != DB_OK) {
		snprintf(err, errlen, "%s", db_errmsg(from));
		goto fail;
	}
	for (i = 0; i < copy_ntables; i++) {
		if ((n = count_rows(to, &copy_tables[i])) != 0) {
			snprintf(err, errlen, "the destination is not empty "
			    "(table %s has %lld rows)", copy_tables[i].name,
			    (long long)n);
			goto fail;
		}
		if ((counts[i] = count_rows(from, &copy_tables[i])) < 0) {
			snprintf(err, errlen, "%s: %s", copy_tables[i].name,
			    db_errmsg(from));
			goto fail;
		}
	}
	/*
	 * SQLite writes the load once, through a rollback journal, rather
	 * than to the WAL and again at the checkpoint (db_bulk).
	 */
	db_bulk(to, 1);
	bulk = 1;
	t0 = now_mono_usec();
	/* One transaction at the destination: all of it, or nothing. */
	if (db_begin_write(to) != DB_OK) {
		snprintf(err, errlen, "cannot start the copy: %s",
		    db_errmsg(to));
		goto fail;
	}
	if (rebuild_read(to, &idx, db_kind(to) == DB_POSTGRES ?
	    sql_pg_indexes : sql_sq_indexes) != 0 ||
	    (db_kind(to) == DB_POSTGRES &&
	    rebuild_read(to, &fks, sql_pg_fkeys) != 0)) {
		snprintf(err, errlen, "reading the indexes: %s",
		    db_errmsg(to));
		goto fail;
	}
	if (rebuild_run(to, &fks, 0, err, errlen) != 0 ||
	    rebuild_run(to, &idx, 0, err, errlen) != 0)
		goto fail;
	for (i = 0; i < copy_ntables; i++) {
		if (copy_one(from, to, &copy_tables[i], counts[i], &rows, err,
		    errlen) != 0)
			goto fail;
		if (copy_tables[i].serial &&
		    db_reseed(to, copy_tables[i].name) != DB_OK) {
			snprintf(err, errlen, "%s: %s", copy_tables[i].name,
			    db_errmsg(to));
			goto fail;
		}
	}
	t1 = now_mono_usec() - t0;
	fprintf(stderr, "copied %lld rows in %.1f s: %.0f rows/s\n",
	    (long long)rows, (double)t1 / 1e6, rate(rows, t1));
	/*
	 * The search index is derived from the rows just copied: it is built
	 * again at the destination, in the same transaction, rather than
	 * copied (its form differs between the engines).  It is built before
	 * the indexes are made again, so that PostgreSQL builds the GIN index
	 * of its tsvectors once over every row rather than row by row.
	 */
	if (store_search_rebuild(to, search_progress) != STORE_OK) {
		snprintf(err, errlen, "search index: %s", db_errmsg(to));
		goto fail;
	}
	/* Indexes first: checking a reference uses them. */
	t2 = now_mono_usec();
	if (rebuild_run(to, &idx, 1, err, errlen) != 0 ||
	    rebuild_run(to, &fks, 1, err, errlen) != 0)
		goto fail;
	if (idx.n + fks.n > 0)
		fprintf(stderr, "%zu indexes and %zu foreign keys made again"
		    " in %.1f s\n", idx.n, fks.n,
		    (double)(now_mono_usec() - t2) / 1e6);
	if (db_commit(to) != DB_OK) {
		snprintf(err, errlen, "commit: %s", db_errmsg(to));
		goto fail;
	}
	fprintf(stderr, "committed: %.1f s with the search index\n",
	    (double)(now_mono_usec() - t0) / 1e6);
	/* The proof: the same number of rows at both ends. */
	fprintf(stderr, "%-18s %12s %12s\n", "table", "source",
	    "destination");
	for (i = 0; i < copy_ntables; i++) {
		n = count_rows(to, &copy_tables[i]);
		fprintf(stderr, "%-18s %12lld %12lld%s\n", copy_tables[i].name,
		    (long long)counts[i], (long long)n,
		    n == counts[i] ? "" : "  MISMATCH");
		bad |= n != counts[i];
	}
	if (bad) {
		snprintf(err, errlen, "row counts differ after the copy");
		goto fail;
	}
	rc = 0;
fail:
	if (rc != 0 && to != NULL)
		db_rollback(to);
	if (bulk)
		db_bulk(to, 0);
	rebuild_free(&idx);
	rebuild_free(&fks);
	if (from != NULL)
		db_rollback(from);
	db_close(from);
	db_close(to);
	return rc;
}

int
copy_column(const struct copy_table *t, int i, char *out, size_t outsz)
{
	const char *p = t->select_sql, *end, *s;
	size_t n;

	if (i < 0 || i >= t->ncols || strncmp(p, "SELECT ", 7) != 0 ||
	    (end = strstr(p, " FROM ")) == NULL)
		return -1;
	/* The SELECT list is "a, b, c": names and ", " between them. */
	for (p += 7; i > 0; i--) {
		if ((p = memchr(p, ',', (size_t)(end - p))) == NULL)
			return -1;
		p++;
	}
	while (p < end && *p == ' ')
		p++;
	for (s = p; s < end && *s != ',' && *s != ' '; s++)
		;
	n = (size_t)(s - p);
	if (n == 0 || n >= outsz)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return (int)n;
}
