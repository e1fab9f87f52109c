/*
 * tpl.h — masthead's Mustache engine.
 *
 * A theme is a struct tpl_set: templates are compiled once into flat node
 * arrays (text, escaped and raw variables, sections, partials, parents and
 * blocks) and then rendered many times, from many threads, without parsing
 * or allocating anything but output.  The language is Mustache as the
 * official spec defines it, including the optional inheritance
 * ({{<parent}} / {{$block}}) and dynamic-name ({{>*name}}) modules.  Lambdas
 * are not supported because a JSON context has no functions.
 *
 * Choices the spec leaves open:
 *  - Falsey values are: missing names, null, false, the empty array and the
 *    empty string.  The empty string is falsey so that a theme can write
 *    {{#subtitle}}<p>{{subtitle}}</p>{{/subtitle}} for an optional field;
 *    numbers, including 0, are truthy, so a count of zero still renders.
 *  - {{x}} escapes & < > " and ' (esc_html); {{{x}}} and {{&x}} do not.
 *  - Integers print without a decimal point, reals in their shortest
 *    round-tripping form (1.5 -> "1.5"), booleans as "true" / "false";
 *    objects and arrays interpolate as nothing.
 *  - A missing partial renders as nothing at render time, as the spec
 *    requires; tpl_set_check() is how masthead rejects a theme with one.
 */
#ifndef MASTHEAD_TPL_H
#define MASTHEAD_TPL_H

#include <stddef.h>

#include <jansson.h>

struct buf;
struct tpl_set;

/* Rendering refuses to nest partials, parents and blocks deeper than this. */
#define TPL_MAX_DEPTH	64

/* Returns a new, empty set; the caller owns it (tpl_set_free()). */
struct tpl_set	*tpl_set_new(void);
void		 tpl_set_free(struct tpl_set *);

/*
 * Compiles src[0..len) under `name` (e.g. "article", "partials/sidebar"),
 * replacing any template of that name.  The set keeps its own copy of
 * everything it needs; src, name and file may be freed afterwards.  On a
 * syntax error returns -1, leaves the set unchanged and writes
 * "file:line: message" into err (when err is not NULL).
 * The set must not be modified while another thread renders from it.
 */
int	 tpl_set_add(struct tpl_set *, const char *name, const char *src,
	    size_t len, const char *file, char *err, size_t errlen);

/*
 * Verifies that every partial and parent named by any template exists in
 * the set (dynamic names cannot be checked).  Returns 0, or -1 and
 * "file:line: unknown partial 'x'" in err for the first one missing.
 */
int	 tpl_set_check(const struct tpl_set *, char *err, size_t errlen);

/* Returns 1 if the set holds a template of that name, else 0. */
int	 tpl_set_has(const struct tpl_set *, const char *name);

/*
 * Renders template `name` with ctx as the root of the context stack
 * (NULL is treated as null), appending to out.  ctx is only read, never
 * retained.  Returns 0, or -1 if there is no such template, rendering nested
 * too deeply, or out hit its size limit (buf_err(out) then says so); out
 * may then hold part of the page, which the caller discards.  Safe to call
 * from many threads at once on one set.
 */
int	 tpl_render(const struct tpl_set *, const char *name, json_t *ctx,
	    struct buf *out);

/* As tpl_render(), and on failure writes the reason into err. */
int	 tpl_render_err(const struct tpl_set *, const char *name, json_t *ctx,
	    struct buf *out, char *err, size_t errlen);

/*
 * Calls cb for every raw interpolation ({{{x}}} or {{&x}}) in every
 * template, in the order templates were first added: the template's name,
 * the line of the tag and the variable name as written.  The strings belong
 * to the set and are valid only during the call.
 */
void	 tpl_foreach_raw(const struct tpl_set *,
	    void (*cb)(void *arg, const char *tpl, int line, const char *var),
	    void *arg);

#endif
