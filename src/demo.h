/*
 * demo.h — the demo publication: the seed page's menu, sections, events,
 * webinars and people, handwritten stories and generated ones.
 */
#ifndef MASTHEAD_DEMO_H
#define MASTHEAD_DEMO_H

#include <stddef.h>

struct db;

/*
 * Loads the demo content into a database whose migrations have run, in
 * one transaction, writing generated images into media_dir.  Refuses a
 * database that already has articles.  0 on success, -1 with err filled.
 */
int	demo_load(struct db *, const char *media_dir, char *err, size_t errlen);

#endif
