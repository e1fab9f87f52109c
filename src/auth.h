/*
 * auth.h — who is asking: roles, password hashes, API tokens.
 */
#ifndef MASTHEAD_AUTH_H
#define MASTHEAD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "role.h"	/* enum role, struct user, role names */

struct req;

/* argon2id hash of a password into out (crypto_pwhash_STRBYTES). 0 or -1. */
int		 auth_password_hash(const char *pw, char *out, size_t outsz);
int		 auth_password_check(const char *hash, const char *pw);

/*
 * A new API token ("mh_" + 43 characters) and the hash stored for it;
 * only the hash is kept, the token is shown once.
 */
void		 auth_token_new(char token[64], char hash[65]);
void		 auth_token_hash(const char *token, char hash[65]);

/*
 * The user behind the request's "Authorization: Bearer" token.  0 and *u
 * filled; 401 without a valid token; 503 when the database is unreachable.
 */
int		 auth_bearer(struct req *, struct user *u);

#endif
