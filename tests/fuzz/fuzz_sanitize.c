/*
 * fuzz_sanitize.c — libFuzzer target for src/sanitize.c and the lexer
 * under it (src/html.c).
 *
 * The first input byte is not HTML: its high bit gives the output buffer
 * a 256-byte cap (to run the out-of-room paths) and its low bit sends the
 * rest through the Markdown editors' profile (raw HTML on) instead of
 * straight to the allow-list, as a story body goes.  Besides crashes and
 * sanitizer reports, the target aborts when the output breaks a rule of
 * the policy (tests/unit/sanitize_check.h: a tag, attribute, URL scheme
 * or embed host that is not allowed, an iframe without its sandbox, an
 * element left open or closed out of order), or when sanitizing the
 * output again changes it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "markdown.h"
#include "sanitize.h"
#include "sanitize_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct buf out, again;
	const char *src;
	size_t len;
	int rc;

	if (!ready) {
		config_defaults(&config);
		ready = 1;
	}
	if (size < 1)
		return 0;
	src = (const char *)data + 1;
	len = size - 1;

	buf_init(&out, data[0] & 0x80 ? 256 : 0);
	if (data[0] & 1)
		rc = markdown_render(MD_EDITOR, src, len, &out);
	else
		rc = sanitize_html(src, len, &out);
	if (rc != 0) {
		/* Only a full buffer may fail, and it must say so. */
		if (!buf_err(&out))
			abort();
		buf_free(&out);
		return 0;
	}
	if (out.p != NULL && memchr(out.p, '\0', out.len) != NULL)
		abort();
	if (sanitize_check(out.p ? out.p : "", out.len,
	    config.embed_hosts) != NULL)
		abort();
	buf_init(&again, 0);
	if (sanitize_html(out.p ? out.p : "", out.len, &again) != 0 ||
	    again.len != out.len || (out.len > 0 &&
	    memcmp(again.p, out.p, out.len) != 0))
		abort();
	buf_free(&again);
	buf_free(&out);
	return 0;
}
