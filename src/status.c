/*
 * status.c — the one mapping from store results and errno to HTTP
 * status.  status.h states what an int return means in each layer.
 */
#include <errno.h>

#include "status.h"

/* Indexed by enum store_rc; a value outside the enum is a fault. */
static const int store_http[STORE__MAX] = {
	[STORE_OK] = 200,
	[STORE_NOTFOUND] = 404,
	[STORE_INVALID] = 400,
	[STORE_CONFLICT] = 409,
	[STORE_BUSY] = 503,
	[STORE_ERROR] = 500,
	[STORE_FORBIDDEN] = 403,
};

int
status_store(int rc)
{
	if (rc < 0 || rc >= STORE__MAX)
		return 500;
	return store_http[rc];
}

int
status_store_as(int rc, int invalid)
{
	return rc == STORE_INVALID ? invalid : status_store(rc);
}

int
status_reply(int rc)
{
	return rc == STORE_OK ? 0 : status_store(rc);
}

int
status_write(int rc)
{
	return rc == STORE_OK ? 503 : status_store(rc);
}

int
status_errno(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
	case EIO:
	case EROFS:
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case EAGAIN:
		return 503;
	default:
		return 500;
	}
}
