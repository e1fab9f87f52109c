/*
 * markdown.h — Markdown to HTML (article bodies, comments) and to plain
 * text (summaries, meta descriptions), on md4c's parser.
 *
 * Every profile goes through one renderer in markdown.c driven by a
 * profile table, because md4c-html can neither filter link schemes nor add
 * a rel attribute.  Link and image URLs are checked against a scheme
 * allowlist (http, https, mailto) in every profile; only the editors'
 * profiles also accept relative URLs, and their whole output then passes
 * the allow-list of sanitize.h.
 */
#ifndef MASTHEAD_MARKDOWN_H
#define MASTHEAD_MARKDOWN_H

#include <stddef.h>

struct buf;

enum md_profile {
	/*
	 * Story bodies, static pages, events, webinars and white papers with
	 * raw HTML on: CommonMark with GitHub's tables, strikethrough, task
	 * lists and bare autolinks; raw HTML is kept as far as the allow-list
	 * of sanitize.h keeps it (never script, whoever wrote it); headings
	 * get id="slug" attributes (unique within one rendering) so that they
	 * can be linked to.
	 */
	MD_EDITOR,
	/*
	 * The same with raw HTML off (a story's raw_html flag unset): HTML in
	 * the source is shown as text.
	 */
	MD_EDITOR_TEXT,
	/*
	 * Comments from readers: raw HTML is shown as text; links need an
	 * http, https or mailto URL (otherwise only their text is shown) and
	 * get rel="nofollow ugc noopener"; images become links to the image.
	 */
	MD_READER,
	MD__MAX
};

/*
 * Renders the Markdown src[0..len) as an HTML fragment appended to out,
 * which the caller owns.  Returns 0, or -1 when md4c fails, the profile is
 * unknown, or out reaches its cap (out's sticky error is then set); after
 * -1 whatever was appended to out is incomplete and must be discarded.
 */
int	markdown_render(enum md_profile, const char *src, size_t len,
	    struct buf *out);

/*
 * Appends the text of the Markdown src[0..len) to out (owned by the
 * caller) as one line of plain text: no tags, no raw HTML, entities
 * decoded, runs of white space and control characters made one space.
 * The text is not escaped; escape it for where it goes.  If it is longer
 * than max bytes it is cut on a UTF-8 character boundary (at a space when
 * one is in the second half) and ends in "…", all within max bytes.
 * Returns 0, or -1 when md4c fails or out reaches its cap.
 */
int	markdown_text(const char *src, size_t len, size_t max,
	    struct buf *out);

#endif
