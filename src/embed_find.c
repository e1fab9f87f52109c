/*
 * embed_find.c — lookup in the table that tools/embed.c generates.
 */
#include <string.h>

#include "embed.h"

const struct embed_file *
embed_find(const char *name)
{
	unsigned long i;

	for (i = 0; i < embed_count; i++)
		if (strcmp(embed_files[i].name, name) == 0)
			return &embed_files[i];
	return NULL;
}
