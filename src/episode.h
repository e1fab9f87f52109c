/*
 * episode.h — the parts of a podcast episode or a video that editors
 * write as text: chapters, a YouTube or Vimeo link, a transcript
 * (docs/media.md).  Pure functions: no request, no store.
 */
#ifndef MASTHEAD_EPISODE_H
#define MASTHEAD_EPISODE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define EPISODE_CHAPTERS_MAX	200	/* chapters of one episode */
#define EPISODE_TITLE_MAX	300	/* bytes of a chapter's title */

/*
 * Parses chapters, one a line: a time ("45", "12:30" or "1:02:03"),
 * spaces, the title.  Empty lines are skipped; the times must go up.
 * Returns 0 and, when out is not NULL, a new array of
 * {"start": seconds, "time": "12:30", "title": ...} the caller owns;
 * -1 and the 1-based number of the bad line in *line otherwise.
 */
int	 episode_chapters(const char *text, json_t **out, int *line);

enum embed_provider {
	EMBED_NONE,
	EMBED_YOUTUBE,
	EMBED_VIMEO,
	EMBED__MAX
};

/*
 * The provider and video id of a YouTube (watch?v=, youtu.be/, /embed/,
 * /shorts/) or Vimeo (vimeo.com/N) address, else EMBED_NONE.  An id is
 * at most idsz - 1 bytes of letters, digits, '-' and '_'.
 */
enum embed_provider episode_embed(const char *url, char *id, size_t idsz);

/* The player's address that the page loads when the reader asks. */
void	 episode_embed_src(enum embed_provider, const char *id, char *out,
	    size_t outsz);
const char *episode_provider_name(enum embed_provider);

/* The transcript's paragraphs (split at empty lines), a new array. */
json_t	*episode_paragraphs(const char *text);

/* "12:30" or "1:02:03". */
void	 episode_fmt_time(int64_t seconds, char *out, size_t n);

#endif
