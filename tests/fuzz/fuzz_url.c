/*
 * fuzz_url.c — libFuzzer target for src/url.c.
 *
 * Every decoder runs on the whole input, and what each one accepts is
 * checked against its contract: no NUL bytes, no "." or ".." segment in a
 * path, pairs that fit the limit.  A broken contract aborts, so that the
 * fuzzer reports it like a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf out = BUF_INIT;
	struct url_query q;
	size_t i, seg, max;
	char msg[300];

	if (url_decode(s, size, 1, &out) == 0 &&
	    memchr(out.p ? out.p : "", '\0', out.len) != NULL)
		abort();
	buf_reset(&out);

	if (url_path_decode(s, size, &out) == 0) {
		if (out.len == 0 || out.p[0] != '/' ||
		    memchr(out.p, '\0', out.len) != NULL)
			abort();
		for (seg = 1; seg <= out.len; seg = i + 1) {
			for (i = seg; i < out.len && out.p[i] != '/'; i++)
				;
			if ((i - seg == 1 && out.p[seg] == '.') ||
			    (i - seg == 2 && out.p[seg] == '.' &&
			    out.p[seg + 1] == '.') || (i == seg && i < out.len))
				abort();
		}
	} else if (out.len != 0) {
		/* A rejected path must leave the buffer as it was. */
		abort();
	}
	buf_free(&out);

	max = size > 0 ? data[0] % 16 : 0;
	if (url_query_parse(&q, s, size, max) == 0) {
		if (q.n > max)
			abort();
		for (i = 0; i < q.n; i++) {
			if (strlen(q.p[i].key) != q.p[i].keylen ||
			    strlen(q.p[i].val) != q.p[i].vallen)
				abort();
			if (url_query_get(&q, q.p[i].key) == NULL)
				abort();
		}
	}
	url_query_free(&q);

	/* What the form reader takes is text by the rule of its key. */
	if (url_form_parse(&q, s, size, max, "field", msg, sizeof(msg)) ==
	    URL_OK) {
		for (i = 0; i < q.n; i++)
			if (text_check(q.p[i].key, q.p[i].keylen, TEXT_LINE,
			    NULL) != 0 || text_check(q.p[i].val, q.p[i].vallen,
			    text_rule_of(q.p[i].key), NULL) != 0)
				abort();
	} else if (q.n != 0 || msg[0] == '\0') {
		abort();
	}
	url_query_free(&q);

	url_is_slug(s, size);
	return 0;
}
