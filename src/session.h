/*
 * session.h — signed-in readers: the session cookie, its lookup, and the
 * CSRF tokens of forms.
 *
 * The cookie holds 256 random bits; the database holds only their
 * SHA-256.  A form of a signed-in reader carries a token derived from the
 * session; an anonymous form (signing in) carries the value of a separate
 * random cookie (double submit).
 */
#ifndef MASTHEAD_SESSION_H
#define MASTHEAD_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct req;
struct user;

#define SESSION_COOKIE	"mh_session"
#define CSRF_COOKIE	"mh_csrf"
#define SESSION_IDLE	(14 * 86400)	/* signed out after two weeks unseen */
#define SESSION_MAX	(60 * 86400)	/* and after sixty days in any case */

/* The value of a request cookie (a copy in the request's pool), or NULL. */
const char *session_cookie(struct req *, const char *name);
/*
 * The reader signed in on this request: 0 with *u filled, 401 when there
 * is no live session, 503 when the database cannot say.
 */
int	 session_user(struct req *, struct user *u);
/*
 * Sets a cookie for the whole site, SameSite=Lax, Secure when base_url is
 * https, with Max-Age when max_age >= 0 (else it ends with the browser)
 * and HttpOnly when asked: the one place a cookie is written.  0, or -1
 * when the value was refused (http_header).
 */
int	 session_set_cookie(struct req *, const char *name, const char *value,
	    int max_age, int http_only);
/* Signs u in: a new session and its cookie.  0 or an HTTP status. */
int	 session_start(struct req *, int64_t user_id);
/* Signs out: the session row goes and the cookie is cleared. */
void	 session_end(struct req *);
/* The CSRF token of the request's session (out: 44 bytes), or "" without one. */
void	 session_csrf(struct req *, char *out, size_t outsz);
/* The anonymous form token, setting its cookie when the reader has none. */
void	 session_form_token(struct req *, char *out, size_t outsz);
/*
 * Whether the form's csrf field is good: the token of the session when
 * the request has a live one (r->user), else the anonymous form cookie's.
 */
int	 session_csrf_ok(struct req *, const char *field);

#endif
