/*
 * status.h — what an int return means, and the one mapping from the
 * store's results to HTTP status.
 *
 * The convention (docs/architecture.md, "Return codes"):
 *
 * - the store returns enum store_rc (STORE_OK is 0);
 * - the db seam returns DB_OK / DB_* and the store turns those into
 *   enum store_rc (store_rc_from_db);
 * - a handler, and every helper that answers for one, returns 0 when it
 *   has answered, or an HTTP status that the router answers with its
 *   error page;
 * - lib and transport helpers return 0 / -1.
 *
 * The enum lives here, below the store, so that every layer that turns
 * a store result into a status (access, services, pages) can include
 * this header without reaching up into a layer it may not include.
 * Nothing here knows a request, a page or a database.
 */
#ifndef MASTHEAD_STATUS_H
#define MASTHEAD_STATUS_H

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND,
	STORE_INVALID,		/* input failed validation; nothing changed */
	STORE_CONFLICT,		/* a unique value is taken */
	STORE_BUSY,		/* storage unreachable, locked or full: 503 */
	STORE_ERROR,
	STORE_FORBIDDEN,	/* the user may not write there (a site's limit) */
	STORE__MAX
};

/*
 * The HTTP status of a store result: STORE_OK 200, STORE_NOTFOUND 404,
 * STORE_INVALID 400, STORE_CONFLICT 409, STORE_BUSY 503, anything
 * else 500.
 */
int	 status_store(int store_rc);
/*
 * status_store(), but with the status a STORE_INVALID stands for where
 * it is called: 400 for a malformed request, 422 for a well-formed one
 * whose content is refused, 409 for a change the row's present state
 * refuses (a comment already moderated).
 */
int	 status_store_as(int store_rc, int invalid);
/*
 * What a handler returns for a store result: 0 for STORE_OK (the caller
 * goes on, or has answered), else status_store().
 */
int	 status_reply(int store_rc);
/*
 * The status of a write transaction that did not commit: the store's
 * result when it failed, else (STORE_OK: the commit failed) 503.
 */
int	 status_write(int store_rc);
/*
 * The status of a file that could not be written, from its errno: the
 * storage's state (full, failing, out of descriptors or memory) is 503,
 * worth a new try later; anything else is a fault, 500.
 */
int	 status_errno(int err);

#endif
