/*
 * registration.h — readers registering for events and webinars: the
 * questions an editor asks, the letters a registration sends, and the
 * signed links in them (docs/events.md).
 */
#ifndef MASTHEAD_REGISTRATION_H
#define MASTHEAD_REGISTRATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"		/* enum reg_kind */

struct buf;
struct db;

#define REG_QUESTIONS_MAX	10	/* questions per event or webinar */
#define REG_QUESTION_LEN	200	/* bytes of one question */

/* page_registration.c */
/*
 * The questions of a settings text (one a line; a trailing "*" marks a
 * required one; blank lines skipped) as an array of {field, q,
 * required}, a new reference; NULL with a sentence in *why when there
 * are too many or one is too long.
 */
json_t	*reg_questions(const char *text, const char **why);
/*
 * Whether t (as store_reg_target gives it) takes registrations at now:
 * before its closing time, and for a webinar with a recording, again
 * once it is over (on demand).
 */
int	 reg_open(json_t *t, int64_t now);
/* registration.c */
#define REG_TOKEN_MANAGE	"reg-manage"	/* what a signed link is for */
#define REG_TOKEN_WATCH		"reg-watch"
#define REG_TOKEN_JOIN		"reg-join"
#define REG_JOIN_EARLY		(15 * 60)	/* the join link opens this early */
/*
 * Appends to b the absolute signed link of purpose for the registration
 * reg: its page (REG_TOKEN_MANAGE; slug unused), or the webinar slug's
 * recording (REG_TOKEN_WATCH) or live session (REG_TOKEN_JOIN).
 */
void	 reg_signed_url(struct buf *b, const char *slug, const char *purpose,
	    json_t *reg);
/* Where the pages of kind live: "/events" or "/webinars" (static). */
const char *reg_base(enum reg_kind);
/* The kind of a registration as store_registration_get gives it. */
enum reg_kind reg_kind_of(json_t *reg);
/*
 * The changes of a registration that send a letter: each makes the
 * change in the store and queues the letter's job, both inside the
 * caller's write transaction (call jobs_kick() after the commit).  They
 * take and return what store_registration_add, store_registration_cancel,
 * store_registration_delete, store_reg_fill and
 * store_webinar_recording_due do (enum store_rc).
 */
int	 registration_add(struct db *, enum reg_kind, int64_t target,
	    const struct registration_input *, int64_t now, int64_t *id,
	    const char **status);
int	 registration_cancel(struct db *, int64_t id, int64_t now);
/* store_registration_move; the reader is told the new details. */
int	 registration_move(struct db *, int64_t id, int64_t to, int64_t now,
	    const char **why);
/* The reader's own erasure: only when id is email's. */
int	 registration_delete(struct db *, int64_t id, const char *email);
/* Seats those waiting under a larger capacity. */
int	 registration_fill(struct db *, enum reg_kind, int64_t target,
	    int64_t now);
/*
 * Before a webinar's recording_url is set to url: when it had none, the
 * "recording is ready" letter to every confirmed reader, to go when the
 * webinar is over.
 */
int	 registration_recording_news(struct db *, int64_t webinar,
	    const char *url);
/*
 * Registers the "registration" job: the letter a registration's new
 * state calls for.
 */
void	 registration_jobs_init(void);

#endif
