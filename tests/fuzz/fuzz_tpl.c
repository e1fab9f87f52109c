/*
 * fuzz_tpl.c — libFuzzer target for src/tpl.c, the Mustache engine:
 * compiling templates and rendering them with a JSON context.
 *
 * After a first byte (whose low bit gives the output a 512-byte cap,
 * to exercise the out-of-room paths), the input is split at lines
 * "%%": a JSON context (text that is not JSON becomes {"s": text}),
 * the template "main", and the partial "p".  The target aborts when
 * tpl.h's contract breaks: a refused template leaves no trace and says
 * why; a render that succeeds fits its cap, one that fails says why;
 * the same render gives the same bytes; and when no template has a raw
 * tag ({{{x}}}, {{&x}}) and none holds a "<", no "<" comes out, whatever
 * the context holds: escaping is never skipped.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
count_raw(void *arg, const char *tpl, int line, const char *var)
{
	(*(int *)arg)++;
}

/* The next piece of [*p, end) up to a line "%%"; advances *p. */
static void
next_piece(const char **p, const char *end, const char **s, size_t *n)
{
	const char *m = *p;

	*s = *p;
	while ((m = memmem(m, (size_t)(end - m), "\n%%\n", 4)) != NULL) {
		*n = (size_t)(m - *s);
		*p = m + 4;
		return;
	}
	*n = (size_t)(end - *s);
	*p = end;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *end, *js, *main_src, *part_src;
	size_t jn, mn, pn, cap;
	struct tpl_set *set;
	struct buf a = BUF_INIT, b = BUF_INIT;
	char err[256] = "", err2[256] = "";
	json_t *ctx;
	int raw = 0, rc, lt;

	if (size < 1)
		return 0;
	cap = (data[0] & 1) ? 512 : 1 << 20;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	next_piece(&p, end, &js, &jn);
	next_piece(&p, end, &main_src, &mn);
	next_piece(&p, end, &part_src, &pn);
	if ((ctx = json_loadb(js, jn, JSON_DECODE_ANY, NULL)) == NULL)
		ctx = json_pack("{s:s%}", "s", js, jn);
	if (ctx == NULL)
		ctx = json_null();
	set = tpl_set_new();
	if (tpl_set_add(set, "p", part_src, pn, "p.mustache", err,
	    sizeof(err)) != 0 && (err[0] == '\0' || tpl_set_has(set, "p")))
		abort();
	err[0] = '\0';
	if (tpl_set_add(set, "main", main_src, mn, "main.mustache", err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || tpl_set_has(set, "main"))
			abort();
		goto out;
	}
	tpl_foreach_raw(set, count_raw, &raw);
	lt = memchr(main_src, '<', mn) != NULL ||
	    (tpl_set_has(set, "p") && memchr(part_src, '<', pn) != NULL);
	buf_init(&a, cap);
	buf_init(&b, cap);
	err[0] = '\0';
	rc = tpl_render_err(set, "main", ctx, &a, err, sizeof(err));
	if (rc == 0) {
		if (buf_err(&a) || a.len > cap)
			abort();
		if (raw == 0 && !lt && a.len > 0 && memchr(a.p, '<', a.len))
			abort();
	} else if (rc != -1 || err[0] == '\0') {
		abort();
	}
	if (tpl_render_err(set, "main", ctx, &b, err2, sizeof(err2)) != rc ||
	    (rc == 0 && (a.len != b.len || (a.len > 0 &&
	    memcmp(a.p, b.p, a.len) != 0))))
		abort();
out:
	buf_free(&a);
	buf_free(&b);
	tpl_set_free(set);
	json_decref(ctx);
	return 0;
}
