/*
 * role.h — roles, their one spelling, and the account that holds one.
 *
 * Below both the store (which reads and writes role names in the users
 * table) and access (auth.c, which decides what a role may do), so that
 * the names are spelt in one place: role.c.
 */
#ifndef MASTHEAD_ROLE_H
#define MASTHEAD_ROLE_H

#include <stdint.h>

/* Roles in increasing power; each can do what the ones before it can. */
enum role {
	ROLE_MEMBER,		/* a reader with an account */
	ROLE_CONTRIBUTOR,	/* writes drafts, cannot publish */
	ROLE_AUTHOR,		/* publishes own stories */
	ROLE_EDITOR,		/* all content */
	ROLE_ADMIN,		/* users, roles, settings */
	ROLE__MAX
};

struct user {
	int64_t		id;
	enum role	role;
	int64_t		author_id;	/* the author profile, 0 when none */
	char		email[256];
	char		name[256];
	int		verified;	/* the email was confirmed (store_user_by_email) */
};

/* "editor" -> ROLE_EDITOR; -1 when unknown. */
int		 role_parse(const char *);
/* The stored and shown name of a role; "member" for one out of range. */
const char	*role_name(enum role);
/*
 * Whether a writer of role r may put her own story on the site (publish,
 * schedule, update it live, unpublish it) without an editor: editors and
 * admins always, authors when the site lets them publish without review
 * (authors_publish, the newsroom's setting, off by default), never a
 * contributor.  Everyone else submits the draft for review.
 */
int		 role_may_publish(enum role r, int authors_publish);

#endif
