/*
 * role.c — the names of the roles (role.h), as the users table stores
 * them and the newsroom shows them.
 */
#include <string.h>

#include "role.h"

static const char *const names[ROLE__MAX] = {
	[ROLE_MEMBER] = "member",
	[ROLE_CONTRIBUTOR] = "contributor",
	[ROLE_AUTHOR] = "author",
	[ROLE_EDITOR] = "editor",
	[ROLE_ADMIN] = "admin",
};

int
role_parse(const char *s)
{
	int i;

	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
role_name(enum role r)
{
	return r < ROLE__MAX ? names[r] : "member";
}

int
role_may_publish(enum role r, int authors_publish)
{
	if (r >= ROLE_EDITOR)
		return 1;
	return r == ROLE_AUTHOR && authors_publish;
}
