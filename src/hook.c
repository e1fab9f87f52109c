/*
 * hook.c — lists of functions registered at start (hook.h).
 */
#include <stdlib.h>

#include "hook.h"

void
hook_add(struct hooks *h, void (*fn)(void))
{
	/* Registered at start-up only: a full list is a wiring mistake. */
	if (h->n == HOOK_MAX)
		abort();
	h->fn[h->n++] = fn;
}

void
hook_run(const struct hooks *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		h->fn[i]();
}
