/*
 * bus.h — cache invalidations shared by every instance of one site.
 *
 * A write says which cache tags it touched with bus_publish() inside its
 * transaction; on PostgreSQL that becomes a NOTIFY, delivered to every
 * instance when (and only if) the transaction commits, and each other
 * instance drops the same entries from its own cache.  The writer drops
 * its own with bus_apply() after the commit.  On SQLite one process
 * serves the file and the bus carries nothing.
 */
#ifndef MASTHEAD_BUS_H
#define MASTHEAD_BUS_H

#include <stddef.h>

struct db;

/* Starts listening when url is a PostgreSQL database; 0 or -1. */
int	bus_start(const char *url, char *err, size_t errlen);
void	bus_stop(void);
/* Tells the other instances about tags (space-separated) on commit. */
int	bus_publish(struct db *, const char *tags);
/* Drops the entries of tags here ("*" drops everything). */
void	bus_apply(const char *tags);
/*
 * Registers fn to run when bus_apply() drops the site tag or everything,
 * whether the write was here or on another instance: a layer above that
 * keeps the settings or menus of its own (per thread) drops them then.
 * The bus knows no caller.  At start, before bus_start() and before any
 * write; up to HOOK_MAX (hook.h).
 */
void	bus_on_site_change(void (*fn)(void));
/*
 * Registers fn to read the sites table again (docs/sites.md) with the
 * listener's own connection when another instance says the sites
 * changed (the sites tag, or everything), before their pages are
 * dropped here.  At start, before bus_start(); one function.
 */
void	bus_on_sites(int (*fn)(struct db *));

#endif
