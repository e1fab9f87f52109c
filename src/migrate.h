/*
 * migrate.h — versioned schema migrations, embedded in the binary.
 */
#ifndef MASTHEAD_MIGRATE_H
#define MASTHEAD_MIGRATE_H

#include <stddef.h>

struct db;

/*
 * Applies every embedded migration for the connection's engine
 * ("migrations/sqlite/NNNN_name.sql", "migrations/postgres/...") that the
 * database has not seen, in order, all in one transaction under the
 * engine's migration lock.  0 on success; -1 with err filled.
 */
int	migrate_run(struct db *, char *err, size_t errlen);

#endif
