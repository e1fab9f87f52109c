/*
 * embed.h — files compiled into the binary (migrations, the default
 * theme, demo content).  Names are paths relative to the repository,
 * e.g. "themes/default/article.mustache".  Data is NUL-terminated.
 */
#ifndef MASTHEAD_EMBED_H
#define MASTHEAD_EMBED_H

struct embed_file {
	const char		*name;
	const unsigned char	*data;
	unsigned long		 len;
};

extern const struct embed_file	embed_files[];
extern const unsigned long	embed_count;

/* Returns the file with that name, or NULL. */
const struct embed_file	*embed_find(const char *name);

#endif
