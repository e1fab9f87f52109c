/*
 * hook.h — a short list of functions a lower layer runs without knowing
 * who registered them (DESIGN.md: one direction; a layer below calls up
 * only through what main registers at start).
 *
 * Lists are filled at start-up, before the threads that run them start,
 * and only read afterwards, so they take no lock.
 */
#ifndef MASTHEAD_HOOK_H
#define MASTHEAD_HOOK_H

#include <stddef.h>

#define HOOK_MAX	4

struct hooks {
	void	(*fn[HOOK_MAX])(void);
	size_t	  n;
};

/* Adds fn; more than HOOK_MAX is a wiring mistake and aborts. */
void	hook_add(struct hooks *, void (*fn)(void));
/* Runs every function added, in order. */
void	hook_run(const struct hooks *);

#endif
