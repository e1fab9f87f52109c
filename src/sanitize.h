/*
 * sanitize.h — the allow-list every stored HTML fragment passes (story
 * bodies, static pages, events, webinars, white papers), whoever wrote
 * it: only the elements and attributes of an article, only URLs that
 * cannot run script, only embeds from the configured hosts, and markup
 * that is balanced.
 *
 * The input is read with the HTML lexer (html.h) and a new fragment is
 * written from its tokens: tag and attribute names lowercased, every
 * attribute double-quoted and escaped, URLs decoded, checked and encoded
 * again, text escaped.  Nothing of the input is copied as it stands, so
 * what a browser makes of the output is what this file decided, whatever
 * tricks the input played on parsers.  The rules are the tables at the
 * top of sanitize.c; docs/newsroom.md lists them for editors.
 *
 * What is not allowed goes in one of two ways: elements that carry code,
 * styles or another document (script, style, iframe not from an embed
 * host, object, svg, math, template, textarea ...) are dropped with their
 * content; any other element is unwrapped, its content kept as text and
 * allowed markup.  Comments, doctypes and processing instructions go.
 */
#ifndef MASTHEAD_SANITIZE_H
#define MASTHEAD_SANITIZE_H

#include <stddef.h>

struct buf;

/*
 * Appends the allow-listed form of the HTML fragment h[0..n) to out (the
 * caller's).  Returns 0, or -1 when out reaches its cap (its sticky error
 * is then set and what was appended must be discarded).  The output is a
 * fixed point: sanitizing it again gives it back unchanged.
 */
int	sanitize_html(const char *h, size_t n, struct buf *out);

/*
 * Whether an <iframe> may show the https URL u[0..n) (decoded and
 * cleaned): its host is exactly one of the embed_hosts setting's, with
 * no user name, password or port.
 */
int	sanitize_embed_ok(const char *u, size_t n);

/*
 * Appends the sources of the Content-Security-Policy frame-src directive
 * that the embeds need: "https://HOST" for each of the embed_hosts
 * setting's hosts, space-separated, or "'none'" when there is none.
 */
void	sanitize_frame_src(struct buf *out);

#endif
