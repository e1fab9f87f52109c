/*
 * fuzz_markdown.c — libFuzzer target for src/markdown.c.
 *
 * The first input byte picks the profile and the plain-text length limit;
 * the rest is Markdown.  Besides crashes and sanitizer reports, the target
 * aborts when the reader profile lets through a tag or link it must not,
 * so that the fuzzer looks for XSS as well as for memory errors.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Aborts unless every "<" in html opens or closes an allowed tag, every
 * attribute is double-quoted with an allowed name, and every link goes to
 * http, https or mailto.  The rules match the reader profile's output.
 */
static void
fuzz_check_reader(const char *html, size_t len)
{
	static const char *const tags[] = {
		"p", "a", "em", "strong", "code", "pre", "del", "ul", "ol",
		"li", "br", "hr", "blockquote", "h1", "h2", "h3", "h4", "h5",
		"h6", "table", "thead", "tbody", "tr", "th", "td", NULL
	};
	static const char *const attrs[] = {
		"href", "title", "rel", "align", "start", "class", NULL
	};
	const char *p = html, *end = html + len, *name, *v;
	const char *const *t;
	size_t n;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		p++;
		if (p < end && *p == '/')
			p++;
		for (name = p; p < end && ((*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9')); p++)
			;
		n = (size_t)(p - name);
		for (t = tags; *t != NULL; t++)
			if (strlen(*t) == n && memcmp(*t, name, n) == 0)
				break;
		if (*t == NULL)
			abort();
		while (p < end && *p == ' ') {
			p++;
			for (name = p; p < end && *p >= 'a' && *p <= 'z'; p++)
				;
			n = (size_t)(p - name);
			for (t = attrs; *t != NULL; t++)
				if (strlen(*t) == n && memcmp(*t, name, n) == 0)
					break;
			if (*t == NULL || end - p < 2 || p[0] != '=' ||
			    p[1] != '"')
				abort();
			v = p + 2;
			p = memchr(v, '"', (size_t)(end - v));
			if (p == NULL || memchr(v, '<', (size_t)(p - v)) ||
			    memchr(v, '>', (size_t)(p - v)))
				abort();
			if (n == 4 && memcmp(name, "href", 4) == 0 &&
			    strncasecmp(v, "http:", 5) != 0 &&
			    strncasecmp(v, "https:", 6) != 0 &&
			    strncasecmp(v, "mailto:", 7) != 0)
				abort();
			p++;
		}
		if (p >= end || *p != '>')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	const char *src;
	size_t len, max;
	int rc;

	if (size < 1)
		return 0;
	src = (const char *)data + 1;
	len = size - 1;

	/* A small cap makes the out-of-room paths run too. */
	buf_init(&out, data[0] & 0x80 ? 256 : 0);
	rc = markdown_render(MD_READER, src, len, &out);
	if (rc == 0)
		fuzz_check_reader(out.p ? out.p : "", out.len);
	buf_reset(&out);
	markdown_render(MD_EDITOR, src, len, &out);
	buf_reset(&out);

	max = data[0] & 0x7f;
	if (markdown_text(src, len, max, &out) == 0 && out.len > max)
		abort();
	buf_free(&out);
	return 0;
}
