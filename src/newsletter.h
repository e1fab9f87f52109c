/*
 * newsletter.h — newsletters: double opt-in sign-up, the links that
 * manage a subscription without a password, issues and the job that
 * sends them (docs/newsletters.md).
 */
#ifndef MASTHEAD_NEWSLETTER_H
#define MASTHEAD_NEWSLETTER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct db;

#define NL_TOKEN_MAX	80	/* bytes of a signed subscriber token, NUL included */
				/* (at least sign.h's SIGN_ID_TOKEN_MAX) */

#define NL_SUBJECT_MAX	300	/* bytes of an issue's subject */
#define NL_INTRO_MAX	5000	/* bytes of its introduction */
#define NL_ARTICLES_MAX	50	/* stories in one issue */

/* newsletter.c */
/*
 * Loads the key that signs subscribers' links, making it on first start
 * (call before any thread serves).  0, or -1 with err.
 */
int	 newsletter_init(struct db *, char *err, size_t errlen);
/*
 * Loads the site's secret called name (len bytes, at most 64) into out,
 * making and storing it on first start.  0, or -1 with err.
 */
int	 site_key_load(struct db *, const char *name, unsigned char *out,
	    size_t len, char *err, size_t errlen);
/*
 * The key that signs readers' links (sign.h); each use signs with its
 * own purpose ("newsletter", "your-data").
 */
const unsigned char *newsletter_key(void);
/* The signed token of a subscriber ("ID.MAC") into out. */
void	 newsletter_token(int64_t subscriber, const char *email,
	    char out[NL_TOKEN_MAX]);
/*
 * A token "ID.MAC" signed with the same key for another purpose (a
 * word: "reg-cancel"), so that no token opens what another one does;
 * newsletter_sign_id reads ID (0, or -1 when malformed) and
 * newsletter_sign_ok says whether tok is the one of (purpose, id, email).
 */
void	 newsletter_sign(const char *purpose, int64_t id, const char *email,
	    char out[NL_TOKEN_MAX]);
int	 newsletter_sign_id(const char *tok, size_t len, int64_t *id);
int	 newsletter_sign_ok(const char *purpose, int64_t id, const char *email,
	    const char *tok, size_t len);
/*
 * The subscriber a token names ({id, email, confirmed_at, bounces}, a
 * new reference) when its signature holds; STORE_NOTFOUND otherwise.
 */
int	 newsletter_token_check(struct db *, const char *tok, size_t len,
	    json_t **subscriber);
/* The absolute URL of a path on this site into b. */
void	 newsletter_site_url(struct buf *b, const char *path);
/*
 * The letters of a sign-up, queued inside the caller's transaction:
 * the confirmation link (token: the raw link token), the notice to an
 * address already subscribed to everything it asked for, and the
 * welcome after confirming.  names: the newsletters' names.  enum store_rc.
 */
struct site;
/*
 * site: the sister site the reader signed up on (docs/sites.md), whose
 * name and address the confirmation carries; NULL for the instance's.
 */
int	 newsletter_queue_confirm(struct db *, const struct site *site,
	    const char *email, const char *token, json_t *names);
/* The letters about every newsletter of an address, in site's name. */
int	 newsletter_queue_already(struct db *, const struct site *site,
	    int64_t subscriber, const char *email);
int	 newsletter_queue_welcome(struct db *, const struct site *site,
	    int64_t subscriber, const char *email);
/*
 * Renders issue (as store_issue_get gives it) for one subscriber (NULL
 * for a preview or a test: no personal links) into text and html.
 */
void	 newsletter_render(struct db *, json_t *issue, const char *token,
	    struct buf *text, struct buf *html);
/*
 * A new draft issue of newsletter nl, inside the caller's transaction:
 * subject NULL gives the newsletter's name and the day's date; articles
 * NULL, the stories of its sections since its last issue.  enum store_rc.
 */
int	 newsletter_issue_new(struct db *, json_t *nl, const char *subject,
	    const char *intro, json_t *articles, int64_t now, int64_t *id);
/* Whether articles is a list of ids of published stories, short enough. */
int	 newsletter_articles_ok(struct db *, json_t *articles);
/*
 * Has the issue (as store_issue_get gives it) sent at at (at once when
 * earlier), inside the caller's transaction (call jobs_kick() after the
 * commit).  STORE_CONFLICT when it is being sent or was sent.
 */
int	 newsletter_issue_schedule(struct db *, json_t *issue, int64_t at,
	    int64_t now);
/*
 * The sign-ups of newsletter nl as CSV into out (email, status, the
 * consent and where it came from, and their times in UTC), formula
 * characters defused.  enum store_rc.
 */
int	 newsletter_export(struct db *, json_t *nl, struct buf *out);
/* Queues a test copy of issue to email (no delivery is recorded). */
int	 newsletter_queue_test(struct db *, json_t *issue, const char *email);
/*
 * STORE_OK when user may write to the newsletter nl (its issues, its
 * settings): nl's site is among the user's sites (docs/sites.md), else
 * STORE_FORBIDDEN.  nl NULL: a new list of the instance's own site.
 */
int	 newsletter_may(struct db *, int64_t user, json_t *nl);
/* Registers the "newsletter" job, which sends an issue a batch at a time. */
void	 newsletter_jobs_init(void);

#endif
