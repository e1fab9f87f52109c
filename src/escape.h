/*
 * escape.h — one escaper per output context.
 *
 * Only these functions and the Markdown renderer may produce text that is
 * written into a page without further escaping (view-model keys ending in
 * "_html").  Each appends to a struct buf.
 */
#ifndef MASTHEAD_ESCAPE_H
#define MASTHEAD_ESCAPE_H

#include <stddef.h>

struct buf;

/* HTML text and double- or single-quoted attribute values: & < > " ' */
void	esc_html(struct buf *, const char *, size_t);
/* A URL path segment or query component: everything but unreserved is %XX. */
void	esc_url(struct buf *, const char *, size_t);
/* The inside of a JSON string; also escapes '/' and '<' so "</script>" is inert. */
void	esc_json(struct buf *, const char *, size_t);
/*
 * XML text and attributes (feeds, sitemaps): & < > " ' escaped, and only
 * characters XML 1.0 allows: other C0 controls are dropped; bytes that are
 * not UTF-8, surrogates, U+FFFE and U+FFFF become U+FFFD.
 */
void	esc_xml(struct buf *, const char *, size_t);
/*
 * A whole CDATA section, "<![CDATA[" and "]]>" included, holding s with
 * the repairs of esc_xml; a "]]>" inside is split over two sections.
 */
void	esc_xml_cdata(struct buf *, const char *, size_t);
/*
 * Not an escaper but the same repair for consumers that need valid UTF-8
 * (jansson refuses a string that is not): bytes that are not UTF-8, and
 * encoded surrogates, become U+FFFD; everything else is copied.
 */
void	esc_utf8(struct buf *, const char *, size_t);

/* iCalendar TEXT (RFC 5545 3.3.11): \\ ; , and newlines; other controls dropped. */
void	esc_ics(struct buf *, const char *, size_t);

#endif
