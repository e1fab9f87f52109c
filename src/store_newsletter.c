/*
 * store_newsletter.c — newsletters, their subscribers and sign-ups,
 * confirmation links, issues and who each issue went to.
 *
 * newsletter_deliveries has one row per (issue, subscriber): the sender
 * writes it before the message is let go (see newsletter.c), and its
 * key makes a second copy impossible, whatever restarts in between.
 */
#include <stdarg.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "util.h"

static const char sql_list[] =
    "SELECT id, slug, name, description FROM newsletters"
    " ORDER BY position, id";
static const char sql_list_site[] =
    "SELECT id, slug, name, description FROM newsletters"
    " WHERE site_id = $1 ORDER BY position, id";
static const char sql_by_slug[] =
    "SELECT n.id, n.slug, n.name, n.description, n.site_id,"
    " s.slug AS site FROM newsletters n JOIN sites s ON s.id = n.site_id"
    " WHERE n.slug = $1";
static const char sql_by_id[] =
    "SELECT n.id, n.slug, n.name, n.description, n.site_id,"
    " s.slug AS site FROM newsletters n JOIN sites s ON s.id = n.site_id"
    " WHERE n.id = $1";
static const char sql_nl_site[] =
    "UPDATE newsletters SET site_id = $2 WHERE id = $1";
static const char sql_sections[] =
    "SELECT s.slug FROM newsletter_sections ns"
    " JOIN sections s ON s.id = ns.section_id"
    " WHERE ns.newsletter_id = $1 ORDER BY s.position, s.id";
static const char sql_nl_admin[] =
    "SELECT n.id, n.slug, n.name, n.description, n.position,"
    " (SELECT count(*) FROM subscriptions su WHERE su.newsletter_id = n.id"
    "  AND su.status = 'active') AS active,"
    " (SELECT count(*) FROM subscriptions su WHERE su.newsletter_id = n.id"
    "  AND su.status = 'pending') AS pending,"
    " (SELECT count(*) FROM subscriptions su WHERE su.newsletter_id = n.id"
    "  AND su.status = 'unsubscribed') AS unsubscribed,"
    " (SELECT MAX(i.created_at) FROM newsletter_issues i"
    "  WHERE i.newsletter_id = n.id) AS last_issue,"
    " s.slug AS site"
    " FROM newsletters n JOIN sites s ON s.id = n.site_id"
    " ORDER BY n.position, n.id";
static const char sql_nl_add[] =
    "INSERT INTO newsletters (slug, name, description, position, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_nl_update[] =
    "UPDATE newsletters SET name = $2, description = $3, position = $4"
    " WHERE id = $1";
static const char sql_nl_sections_clear[] =
    "DELETE FROM newsletter_sections WHERE newsletter_id = $1";
static const char sql_nl_section_add[] =
    "INSERT INTO newsletter_sections (newsletter_id, section_id)"
    " SELECT $1, id FROM sections WHERE slug = $2";
static const char sql_issues_of[] =
    "SELECT id, subject, status, send_at, sent_at, created_at, updated_at"
    " FROM newsletter_issues WHERE newsletter_id = $1"
    " ORDER BY id DESC LIMIT $2";
static const char sql_sub_get[] =
    "SELECT id, email, bounces, confirmed_at FROM subscribers WHERE id = $1";
static const char sql_sub_by_email[] =
    "SELECT id, email, bounces, confirmed_at FROM subscribers"
    " WHERE email = $1";
static const char sql_sub_add[] =
    "INSERT INTO subscribers (email, created_at) VALUES ($1, $2)"
    " ON CONFLICT (email) DO NOTHING";
static const char sql_subs_of[] =
    "SELECT n.id, n.slug, n.name, n.description,"
    " COALESCE(su.status, '') AS status"
    " FROM newsletters n LEFT JOIN subscriptions su"
    " ON su.newsletter_id = n.id AND su.subscriber_id = $1"
    " ORDER BY n.position, n.id";
static const char sql_signup[] =
    "INSERT INTO subscriptions (subscriber_id, newsletter_id, status,"
    " consent, consent_ip, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $6)"
    " ON CONFLICT (subscriber_id, newsletter_id) DO UPDATE SET"
    " status = excluded.status, consent = excluded.consent,"
    " consent_ip = excluded.consent_ip, updated_at = excluded.updated_at";
static const char sql_set_status[] =
    "UPDATE subscriptions SET status = $3, updated_at = $4"
    " WHERE subscriber_id = $1 AND newsletter_id = $2 AND status <> $3";
static const char sql_unsub_all[] =
    "UPDATE subscriptions SET status = 'unsubscribed', updated_at = $2"
    " WHERE subscriber_id = $1 AND status <> 'unsubscribed'";
static const char sql_subs_by_email[] =
    "SELECT n.id, n.slug, n.name, su.status, su.consent, su.consent_ip,"
    " su.created_at, su.updated_at, s.confirmed_at"
    " FROM subscribers s JOIN subscriptions su ON su.subscriber_id = s.id"
    " JOIN newsletters n ON n.id = su.newsletter_id"
    " WHERE s.email = $1 ORDER BY n.position, n.id";
static const char sql_forget_sub[] =
    "DELETE FROM subscriptions WHERE newsletter_id = $2 AND subscriber_id ="
    " (SELECT id FROM subscribers WHERE email = $1)";
static const char sql_forget_empty[] =
    "DELETE FROM subscribers WHERE email = $1 AND NOT EXISTS"
    " (SELECT 1 FROM subscriptions su"
    " WHERE su.subscriber_id = subscribers.id)";
static const char sql_forget_all[] =
    "DELETE FROM subscribers WHERE email = $1";
static const char sql_confirm_sub[] =
    "UPDATE subscribers SET confirmed_at = COALESCE(confirmed_at, $2)"
    " WHERE id = $1";
static const char sql_confirm_subs[] =
    "UPDATE subscriptions SET status = 'active', updated_at = $2"
    " WHERE subscriber_id = $1 AND status = 'pending'";
static const char sql_token_add[] =
    "INSERT INTO subscriber_tokens (subscriber_id, token_hash, created_at,"
    " expires_at) VALUES ($1, $2, $3, $4)";
static const char sql_token_check[] =
    "SELECT subscriber_id FROM subscriber_tokens WHERE token_hash = $1"
    " AND used_at IS NULL AND expires_at > $2";
static const char sql_token_use[] =
    "UPDATE subscriber_tokens SET used_at = $2 WHERE token_hash = $1"
    " AND used_at IS NULL AND expires_at > $2 RETURNING subscriber_id";
static const char sql_bounce[] =
    "UPDATE subscribers SET bounces = bounces + 1 WHERE id = $1"
    " RETURNING bounces";
static const char sql_issue_add[] =
    "INSERT INTO newsletter_issues (newsletter_id, subject, intro, articles,"
    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
static const char sql_issue_get[] =
    "SELECT i.id, n.slug AS newsletter, n.name AS newsletter_name,"
    " n.site_id, i.newsletter_id, i.subject, i.intro, i.articles, i.status, i.send_at,"
    " i.sent_at, i.created_at, i.updated_at"
    " FROM newsletter_issues i JOIN newsletters n ON n.id = i.newsletter_id"
    " WHERE i.id = $1";
static const char sql_issue_update[] =
    "UPDATE newsletter_issues SET subject = $2, intro = $3, articles = $4,"
    " updated_at = $5 WHERE id = $1 AND status IN ('draft', 'scheduled')";
static const char sql_issue_status[] =
    "UPDATE newsletter_issues SET status = $2, send_at = $3, sent_at = $4,"
    " updated_at = $5 WHERE id = $1";
static const char sql_issue_last[] =
    "SELECT COALESCE(MAX(created_at), 0) FROM newsletter_issues"
    " WHERE newsletter_id = $1";
static const char sql_pick_sections[] =
    "SELECT DISTINCT a.id, sa.published_at FROM newsletter_sections ns"
    " JOIN section_articles sa ON sa.section_id = ns.section_id"
    " JOIN articles a ON a.id = sa.article_id AND a.status = 'published'"
    " WHERE ns.newsletter_id = $1 AND sa.published_at > $2"
    " AND sa.published_at <= $3"
    " ORDER BY sa.published_at DESC, a.id DESC LIMIT $4";
static const char sql_pick_all[] =
    "SELECT id, published_at FROM articles WHERE status = 'published'"
    " AND published_at > $2 AND published_at <= $3"
    " AND CAST($1 AS BIGINT) > 0"
    " ORDER BY published_at DESC, id DESC LIMIT $4";
static const char sql_has_sections[] =
    "SELECT count(*) FROM newsletter_sections WHERE newsletter_id = $1";
static const char sql_article_brief[] =
    "SELECT id, slug, title, dek, published_at FROM articles"
    " WHERE id = $1 AND status = 'published'";
static const char sql_count_sent[] =
    "SELECT count(*) FROM newsletter_deliveries WHERE issue_id = $1"
    " AND status = 'sent'";
static const char sql_count_failed[] =
    "SELECT count(*) FROM newsletter_deliveries WHERE issue_id = $1"
    " AND status = 'failed'";
static const char sql_count_left[] =
    "SELECT count(*) FROM subscriptions su WHERE su.newsletter_id = $2"
    " AND su.status = 'active' AND NOT EXISTS (SELECT 1 FROM"
    " newsletter_deliveries d WHERE d.issue_id = $1"
    " AND d.subscriber_id = su.subscriber_id)";
static const char sql_batch[] =
    "SELECT s.id, s.email FROM subscriptions su"
    " JOIN subscribers s ON s.id = su.subscriber_id"
    " WHERE su.newsletter_id = $2 AND su.status = 'active' AND s.id > $3"
    " AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries d"
    " WHERE d.issue_id = $1 AND d.subscriber_id = s.id)"
    " ORDER BY s.id LIMIT $4";
static const char sql_delivery_add[] =
    "INSERT INTO newsletter_deliveries (issue_id, subscriber_id, status,"
    " error, at) VALUES ($1, $2, $3, $4, $5)";
static const char sql_delivery_fail[] =
    "UPDATE newsletter_deliveries SET status = 'failed', error = $3, at = $4"
    " WHERE issue_id = $1 AND subscriber_id = $2";
static const char sql_export[] =
    "SELECT s.email, su.status, su.consent, su.consent_ip,"
    " su.created_at, s.confirmed_at, su.updated_at"
    " FROM subscriptions su JOIN subscribers s ON s.id = su.subscriber_id"
    " WHERE su.newsletter_id = $1 ORDER BY s.email";
/*
 * The newsroom's subscriber list: newest first, paged by id (keyset), an
 * email substring ($1, a LIKE pattern, '' for any), a newsletter ($2, 0
 * for any) and a status ($3, '' for any) of one of the subscriptions;
 * $4 is a bound, never an OR, so the primary key's range serves it.
 */
static const char sql_sub_list[] =
    "SELECT s.id, s.email, s.name, s.bounces, s.created_at, s.confirmed_at"
    " FROM subscribers s"
    " WHERE (CAST($1 AS TEXT) = '' OR lower(s.email) LIKE $1 ESCAPE '!')"
    " AND (CAST($2 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM subscriptions su"
    " WHERE su.subscriber_id = s.id AND su.newsletter_id = $2"
    " AND (CAST($3 AS TEXT) = '' OR su.status = $3)))"
    " AND (CAST($3 AS TEXT) = '' OR CAST($2 AS BIGINT) <> 0"
    " OR EXISTS (SELECT 1 FROM subscriptions su"
    " WHERE su.subscriber_id = s.id AND su.status = $3))"
    " AND s.id < $4"
    " ORDER BY s.id DESC LIMIT $5";
/* The same with a newsletter and a status: read from their index. */
static const char sql_sub_list_nl[] =
    "SELECT s.id, s.email, s.name, s.bounces, s.created_at, s.confirmed_at"
    " FROM subscriptions su JOIN subscribers s ON s.id = su.subscriber_id"
    " WHERE su.newsletter_id = $2 AND su.status = $3"
    " AND su.subscriber_id < $4"
    " AND (CAST($1 AS TEXT) = '' OR lower(s.email) LIKE $1 ESCAPE '!')"
    " ORDER BY su.subscriber_id DESC LIMIT $5";
static const char sql_sub_subs[] =
    "SELECT n.id, n.slug, n.name, su.status, su.consent, su.consent_ip,"
    " su.created_at, su.updated_at"
    " FROM subscriptions su JOIN newsletters n ON n.id = su.newsletter_id"
    " WHERE su.subscriber_id = $1 ORDER BY n.position, n.id";
static const char sql_sub_delete[] =
    "DELETE FROM subscribers WHERE id = $1";
static const char sql_sub_name[] =
    "UPDATE subscribers SET name = $2 WHERE id = $1 AND name <> $2";
static const char sql_sub_confirmed[] =
    "UPDATE subscribers SET confirmed_at = COALESCE(confirmed_at, $2)"
    " WHERE id = $1";
static const char sql_sub_add_new[] =
    "INSERT INTO subscribers (email, name, created_at, confirmed_at)"
    " VALUES ($1, $2, $3, NULLIF(CAST($4 AS BIGINT), 0))"
    " ON CONFLICT (email) DO NOTHING RETURNING id";
static const char sql_import[] =
    "INSERT INTO subscriptions (subscriber_id, newsletter_id, status,"
    " consent, consent_ip, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (subscriber_id, newsletter_id) DO UPDATE SET"
    " status = excluded.status, consent = excluded.consent,"
    " consent_ip = excluded.consent_ip, created_at = excluded.created_at,"
    " updated_at = excluded.updated_at";
static const char sql_key_get[] =
    "SELECT value FROM site_keys WHERE name = $1";
static const char sql_key_add[] =
    "INSERT INTO site_keys (name, value) VALUES ($1, $2)"
    " ON CONFLICT (name) DO NOTHING";

/*
 * Prepares sql and binds the arguments fmt describes, one letter each:
 * 'i' an int64_t, 's' a string (NULL binds NULL).  NULL on failure.
 */
static struct db_stmt *
bind(struct db *db, const char *sql, const char *fmt, va_list ap)
{
	struct db_stmt *st;
	int i;

	if ((st = db_stmt(db, sql)) == NULL)
		return NULL;
	for (i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 'i')
			db_bind_int(st, i + 1, va_arg(ap, int64_t));
		else
			db_bind_str(st, i + 1, va_arg(ap, const char *));
	}
	return st;
}

/* A statement without rows; STORE_NOTFOUND when it changed nothing. */
static int
exec(struct db *db, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	st = bind(db, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Every row (all != 0) or the first one, as JSON. */
static int
rows(struct db *db, json_t **out, int all, const char *sql,
    const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;

	va_start(ap, fmt);
	st = bind(db, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return STORE_ERROR;
	return all ? store_rows_json(st, out) : store_row1_json(st, out);
}

/* The first column of the first row, as an integer. */
static int
scalar(struct db *db, int64_t *out, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	st = bind(db, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return STORE_ERROR;
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}

int
store_newsletters(struct db *db, json_t **out)
{
	return rows(db, out, 1, sql_list, "");
}

int
store_newsletters_of_site(struct db *db, int64_t site, json_t **out)
{
	return rows(db, out, 1, sql_list_site, "i", site);
}

int
store_newsletter_site(struct db *db, int64_t id, int64_t site)
{
	return exec(db, sql_nl_site, "ii", id, site);
}

/* Adds the slugs of the sections a newsletter draws from. */
static int
with_sections(struct db *db, int rc, json_t **out)
{
	json_t *secs, *slugs, *s;
	size_t i;

	if (rc != STORE_OK)
		return rc;
	rc = rows(db, &secs, 1, sql_sections, "i",
	    (int64_t)json_integer_value(json_object_get(*out, "id")));
	if (rc != STORE_OK) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	slugs = json_array();
	json_array_foreach(secs, i, s)
		json_array_append(slugs, json_object_get(s, "slug"));
	json_decref(secs);
	json_object_set_new(*out, "sections", slugs);
	return STORE_OK;
}

int
store_newsletter_by_slug(struct db *db, const char *slug, json_t **out)
{
	return with_sections(db, rows(db, out, 0, sql_by_slug, "s", slug),
	    out);
}

int
store_newsletter_by_id(struct db *db, int64_t id, json_t **out)
{
	return with_sections(db, rows(db, out, 0, sql_by_id, "i", id), out);
}

int
store_newsletters_admin(struct db *db, json_t **out)
{
	return rows(db, out, 1, sql_nl_admin, "");
}

/* Sets the sections a newsletter draws from (slugs; unknown ones skipped). */
static int
set_sections(struct db *db, int64_t id, json_t *slugs)
{
	json_t *v;
	size_t i;
	int rc = exec(db, sql_nl_sections_clear, "i", id);

	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	json_array_foreach(slugs, i, v) {
		rc = exec(db, sql_nl_section_add, "is", id,
		    json_string_value(v));
		if (rc != STORE_OK && rc != STORE_NOTFOUND)
			return rc;
	}
	return STORE_OK;
}

int
store_newsletter_add(struct db *db, const char *slug, const char *name,
    const char *description, int64_t position, json_t *sections,
    int64_t now, int64_t *id)
{
	int rc = scalar(db, id, sql_nl_add, "sssii", slug, name, description,
	    position, now);

	return rc == STORE_OK ? set_sections(db, *id, sections) : rc;
}

int
store_newsletter_update(struct db *db, int64_t id, const char *name,
    const char *description, int64_t position, json_t *sections)
{
	int rc = exec(db, sql_nl_update, "issi", id, name, description,
	    position);

	return rc == STORE_OK ? set_sections(db, id, sections) : rc;
}

int
store_issues_of(struct db *db, int64_t newsletter, int64_t limit,
    json_t **out)
{
	return rows(db, out, 1, sql_issues_of, "ii", newsletter, limit);
}

int
store_subscriber_get(struct db *db, int64_t id, json_t **out)
{
	return rows(db, out, 0, sql_sub_get, "i", id);
}

int
store_subscriber_for_email(struct db *db, const char *email, int64_t now,
    json_t **out)
{
	int rc = exec(db, sql_sub_add, "si", email, now);

	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	return rows(db, out, 0, sql_sub_by_email, "s", email);
}

int
store_subscriptions_of(struct db *db, int64_t subscriber, json_t **out)
{
	return rows(db, out, 1, sql_subs_of, "i", subscriber);
}

int
store_subscription_signup(struct db *db, int64_t subscriber,
    int64_t newsletter, const char *status, const char *consent,
    const char *ip, int64_t now)
{
	return exec(db, sql_signup, "iisssi", subscriber, newsletter, status,
	    consent, ip, now);
}

int
store_subscription_set(struct db *db, int64_t subscriber,
    int64_t newsletter, const char *status, int64_t now)
{
	int rc = exec(db, sql_set_status, "iisi", subscriber, newsletter,
	    status, now);

	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_subscriber_unsubscribe_all(struct db *db, int64_t subscriber,
    int64_t now)
{
	int rc = exec(db, sql_unsub_all, "ii", subscriber, now);

	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_subscriptions_by_email(struct db *db, const char *email, json_t **out)
{
	return rows(db, out, 1, sql_subs_by_email, "s", email);
}

int
store_subscription_forget(struct db *db, const char *email, int64_t newsletter)
{
	int rc = exec(db, sql_forget_sub, "si", email, newsletter);

	if (rc != STORE_OK)
		return rc;
	rc = exec(db, sql_forget_empty, "s", email);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_subscriber_forget(struct db *db, const char *email)
{
	int rc = exec(db, sql_forget_all, "s", email);

	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_subscriber_confirm(struct db *db, int64_t subscriber, int64_t now)
{
	int rc = exec(db, sql_confirm_sub, "ii", subscriber, now);

	if (rc != STORE_OK)
		return rc;
	rc = exec(db, sql_confirm_subs, "ii", subscriber, now);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_subscriber_token_add(struct db *db, int64_t subscriber,
    const char *hash, int64_t now, int64_t expires)
{
	return exec(db, sql_token_add, "isii", subscriber, hash, now, expires);
}

int
store_subscriber_token_check(struct db *db, const char *hash, int64_t now)
{
	int64_t id;

	return scalar(db, &id, sql_token_check, "si", hash, now);
}

int
store_subscriber_token_use(struct db *db, const char *hash, int64_t now,
    int64_t *subscriber)
{
	return scalar(db, subscriber, sql_token_use, "si", hash, now);
}

int
store_subscriber_bounce(struct db *db, int64_t subscriber, int64_t limit,
    int64_t now)
{
	int64_t n = 0;
	int rc = scalar(db, &n, sql_bounce, "i", subscriber);

	if (rc != STORE_OK || n < limit)
		return rc;
	return store_subscriber_unsubscribe_all(db, subscriber, now);
}

int
store_issue_add(struct db *db, int64_t newsletter, const char *subject,
    const char *intro, const char *articles, int64_t now, int64_t *id)
{
	return scalar(db, id, sql_issue_add, "isssi", newsletter, subject,
	    intro, articles, now);
}

int
store_issue_get(struct db *db, int64_t id, json_t **out)
{
	json_t *ids;
	int rc = rows(db, out, 0, sql_issue_get, "i", id);

	if (rc != STORE_OK)
		return rc;
	/* The article list is kept as JSON text: give it as an array. */
	ids = json_loads(json_string_value(json_object_get(*out, "articles")),
	    0, NULL);
	json_object_set_new(*out, "articles", json_is_array(ids) ? ids :
	    (json_decref(ids), json_array()));
	return STORE_OK;
}

int
store_issue_update(struct db *db, int64_t id, const char *subject,
    const char *intro, const char *articles, int64_t now)
{
	return exec(db, sql_issue_update, "isssi", id, subject, intro,
	    articles, now);
}

int
store_issue_status(struct db *db, int64_t id, const char *status,
    int64_t send_at, int64_t sent_at, int64_t now)
{
	struct db_stmt *st;
	int rc;

	if ((st = db_stmt(db, sql_issue_status)) == NULL)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_str(st, 2, status);
	if (send_at > 0)
		db_bind_int(st, 3, send_at);
	else
		db_bind_null(st, 3);
	if (sent_at > 0)
		db_bind_int(st, 4, sent_at);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, now);
	if ((rc = db_run(st)) != DB_OK)
		return store_rc_from_db(rc);
	return db_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_newsletter_recent(struct db *db, int64_t newsletter, int64_t since,
    int64_t now, int64_t limit, json_t **out)
{
	int64_t nsec = 0;
	int rc;

	if ((rc = scalar(db, &nsec, sql_has_sections, "i", newsletter)) !=
	    STORE_OK)
		return rc;
	return rows(db, out, 1, nsec > 0 ? sql_pick_sections : sql_pick_all,
	    "iiii", newsletter, since, now, limit);
}

int
store_issue_pick(struct db *db, int64_t newsletter, int64_t now,
    int64_t max_age, int64_t limit, json_t **ids)
{
	int64_t since = 0;
	json_t *found, *row;
	size_t i;
	int rc;

	if ((rc = scalar(db, &since, sql_issue_last, "i", newsletter)) !=
	    STORE_OK)
		return rc;
	if (since < now - max_age)
		since = now - max_age;
	if ((rc = store_newsletter_recent(db, newsletter, since, now, limit,
	    &found)) != STORE_OK)
		return rc;
	*ids = json_array();
	json_array_foreach(found, i, row)
		json_array_append(*ids, json_object_get(row, "id"));
	json_decref(found);
	return STORE_OK;
}

int
store_article_brief(struct db *db, int64_t id, json_t **out)
{
	return rows(db, out, 0, sql_article_brief, "i", id);
}

int
store_issue_progress(struct db *db, int64_t issue, int64_t newsletter,
    int64_t *sent, int64_t *failed, int64_t *left)
{
	int rc;

	*sent = *failed = *left = 0;
	if ((rc = scalar(db, sent, sql_count_sent, "i", issue)) != STORE_OK ||
	    (rc = scalar(db, failed, sql_count_failed, "i", issue)) !=
	    STORE_OK)
		return rc;
	return scalar(db, left, sql_count_left, "ii", issue, newsletter);
}

int
store_issue_batch(struct db *db, int64_t issue, int64_t newsletter,
    int64_t after, int64_t limit, json_t **out)
{
	return rows(db, out, 1, sql_batch, "iiii", issue, newsletter, after,
	    limit);
}

int
store_delivery_add(struct db *db, int64_t issue, int64_t subscriber,
    const char *status, const char *error, int64_t now)
{
	return exec(db, sql_delivery_add, "iissi", issue, subscriber, status,
	    error, now);
}

int
store_delivery_fail(struct db *db, int64_t issue, int64_t subscriber,
    const char *error, int64_t now)
{
	return exec(db, sql_delivery_fail, "iisi", issue, subscriber, error,
	    now);
}

int
store_newsletter_export(struct db *db, int64_t newsletter, json_t **out)
{
	return rows(db, out, 1, sql_export, "i", newsletter);
}

int
store_subscribers_list(struct db *db, const char *like, int64_t newsletter,
    const char *status, int64_t before, int64_t limit, json_t **out)
{
	return rows(db, out, 1, newsletter != 0 && status[0] != '\0' ?
	    sql_sub_list_nl : sql_sub_list, "sisii", like, newsletter, status,
	    before > 0 ? before : INT64_MAX, limit);
}

int
store_subscriber_subscriptions(struct db *db, int64_t subscriber,
    json_t **out)
{
	return rows(db, out, 1, sql_sub_subs, "i", subscriber);
}

int
store_subscriber_add_new(struct db *db, const char *email, const char *name,
    int64_t now, int64_t confirmed, int64_t *id)
{
	return scalar(db, id, sql_sub_add_new, "ssii", email, name, now,
	    confirmed);
}

int
store_subscriber_delete(struct db *db, int64_t subscriber)
{
	return exec(db, sql_sub_delete, "i", subscriber);
}

int
store_subscriber_set_name(struct db *db, int64_t subscriber, const char *name)
{
	int rc = exec(db, sql_sub_name, "is", subscriber, name);

	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_subscriber_mark_confirmed(struct db *db, int64_t subscriber,
    int64_t now)
{
	return exec(db, sql_sub_confirmed, "ii", subscriber, now);
}

int
store_subscription_import(struct db *db, int64_t subscriber,
    int64_t newsletter, const char *status, const char *consent,
    const char *ip, int64_t consented, int64_t now)
{
	return exec(db, sql_import, "iisssii", subscriber, newsletter, status,
	    consent, ip, consented, now);
}

int
store_site_key(struct db *db, const char *name, const char *fresh,
    char *out, size_t outsz)
{
	struct db_stmt *st;
	int rc;

	rc = exec(db, sql_key_add, "ss", name, fresh);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	if ((st = db_stmt(db, sql_key_get)) == NULL)
		return STORE_ERROR;
	db_bind_str(st, 1, name);
	if ((rc = db_step(st)) == DB_ROW)
		strlcpy_(out, db_col_text(st, 0, NULL), outsz);
	db_reset(st);
	if (rc == DB_ROW)
		return STORE_OK;
	return rc == DB_DONE ? STORE_NOTFOUND : store_rc_from_db(rc);
}
