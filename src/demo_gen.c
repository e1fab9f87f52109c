/*
 * demo_gen.c — composes the demo's generated stories from the vocabulary
 * and templates of demo/generator.json.
 *
 * Every listed section gets per_section stories.  A story takes the
 * section's style (news, show, opinion, people, video, podcast,
 * interview), a headline template not yet used in that section, and an
 * outline of paragraph kinds; each template's slots ({operator}, {Tech},
 * {pct} ...) are filled from the section's vocabulary, then from its
 * vocabulary group's, then from the common one.  A slot keeps its value
 * for the whole story, so the headline, dek and paragraphs speak of the
 * same companies and places.  The random generator is seeded from the
 * file's seed and the section's slug, so a given file always composes the
 * same stories; only their dates follow the clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "demo.h"
#include "util.h"

#define GEN_PER_SECTION_MAX	200
#define GEN_SLUG_MAX		80

enum gen_slot {
	GS_OPERATOR,
	GS_OPERATOR2,
	GS_VENDOR,
	GS_VENDOR2,
	GS_TECH,
	GS_TECH2,
	GS_PLACE,
	GS_PLACE2,
	GS_FIGURE,
	GS_GOAL,
	GS_ANALYST,
	GS_FIRM,
	GS_EXEC,
	GS_EXEC_TITLE,
	GS_STARTUP,
	GS_AUDIENCE,
	GS_SECTION,
	GS_PCT,
	GS_COUNT,
	GS_MONTHS,
	GS_SMALL,
	GS_MONEY,
	GS__MAX
};

/*
 * The slots a template may use.  vocab names the word list a slot draws
 * from (NULL: computed); a slot with a twin always differs from it.
 */
static const struct {
	const char	*name;
	const char	*vocab;
	int		 twin;
} gen_slots[GS__MAX] = {
	[GS_OPERATOR] = { "operator", "operators", -1 },
	[GS_OPERATOR2] = { "operator2", "operators", GS_OPERATOR },
	[GS_VENDOR] = { "vendor", "vendors", -1 },
	[GS_VENDOR2] = { "vendor2", "vendors", GS_VENDOR },
	[GS_TECH] = { "tech", "tech", -1 },
	[GS_TECH2] = { "tech2", "tech", GS_TECH },
	[GS_PLACE] = { "place", "places", -1 },
	[GS_PLACE2] = { "place2", "places", GS_PLACE },
	[GS_FIGURE] = { "figure", "figures", -1 },
	[GS_GOAL] = { "goal", "goals", -1 },
	[GS_ANALYST] = { "analyst", "analysts", -1 },
	[GS_FIRM] = { "firm", "firms", -1 },
	[GS_EXEC] = { "exec", "execs", -1 },
	[GS_EXEC_TITLE] = { "exec_title", "exec_titles", -1 },
	[GS_STARTUP] = { "startup", "startups", -1 },
	[GS_AUDIENCE] = { "audience", "audiences", -1 },
	[GS_SECTION] = { "section", NULL, -1 },
	[GS_PCT] = { "pct", NULL, -1 },
	[GS_COUNT] = { "count", NULL, -1 },
	[GS_MONTHS] = { "months", NULL, -1 },
	[GS_SMALL] = { "small", NULL, -1 },
	[GS_MONEY] = { "money", NULL, -1 },
};

static const char *const gen_small[] = {
	"three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve",
};

/* Templates of one kind already used in the story being composed. */
struct gen_used {
	const json_t	*list;
	uint64_t	 mask;
};

/* The state of one section's stories. */
struct gen {
	const json_t	*common;
	const json_t	*base;		/* the news style: the fallback */
	const json_t	*style;
	const json_t	*section;
	const json_t	*group;		/* the section's vocabulary group */
	const char	*slug;
	const char	*name;
	uint64_t	 rng;
	const char	*val[GS__MAX];
	char		 num[GS__MAX][48];
	struct gen_used	 used[12];
	size_t		 nused;
	char		*err;
	size_t		 errlen;
};

uint64_t
demo_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint64_t
demo_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static int	gen_fail(struct gen *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
gen_fail(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(g->err, g->errlen, "generator.json: %s: ",
	    g->slug != NULL ? g->slug : "top level");
	if (n < 0 || (size_t)n >= g->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(g->err + n, g->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static size_t
gen_below(struct gen *g, size_t n)
{
	return n > 1 ? (size_t)(demo_rand(&g->rng) % n) : 0;
}

/* A non-empty array of strings, or NULL. */
static const json_t *
gen_strings(const json_t *o, const char *key)
{
	const json_t *a = json_object_get(o, key), *v;
	size_t i;

	if (json_array_size(a) == 0)
		return NULL;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return NULL;
	return a;
}

/* A word list: the section's, its group's, else the common one. */
static const json_t *
gen_vocab(struct gen *g, const char *key)
{
	const json_t *a;

	if ((a = gen_strings(g->section, key)) == NULL &&
	    (a = gen_strings(g->group, key)) == NULL &&
	    (a = gen_strings(g->common, key)) == NULL)
		gen_fail(g, "no list of \"%s\"", key);
	return a;
}

/* Templates of one kind: the style's, else the news style's. */
static const json_t *
gen_part(struct gen *g, const char *key)
{
	const json_t *a;

	if ((a = gen_strings(g->style, key)) == NULL &&
	    (a = gen_strings(g->base, key)) == NULL)
		gen_fail(g, "no templates \"%s\"", key);
	return a;
}

/* A random template of a list, avoiding the ones this story already used. */
static const char *
gen_pick(struct gen *g, const json_t *list)
{
	size_t n = json_array_size(list), i, k, u;

	for (u = 0; u < g->nused && g->used[u].list != list; u++)
		;
	if (u == g->nused && u < ARRAY_SIZE(g->used)) {
		g->used[u].list = list;
		g->used[u].mask = 0;
		g->nused++;
	}
	i = gen_below(g, n);
	if (u < g->nused && n <= 64) {
		for (k = 0; k < n && (g->used[u].mask >> ((i + k) % n) & 1); k++)
			;
		i = (i + k) % n;
		g->used[u].mask |= 1ull << i;
	}
	return json_string_value(json_array_get(list, i));
}

static void
gen_thousands(char *out, size_t sz, long v)
{
	if (v >= 1000)
		snprintf(out, sz, "%ld,%03ld", v / 1000, v % 1000);
	else
		snprintf(out, sz, "%ld", v);
}

/* The value of a slot, chosen the first time the story uses it. */
static const char *
gen_value(struct gen *g, enum gen_slot s)
{
	const json_t *list;
	const char *cur;
	size_t i, n;

	if (g->val[s] != NULL)
		return g->val[s];
	switch (s) {
	case GS_SECTION:
		return g->val[s] = g->name;
	case GS_PCT:
		snprintf(g->num[s], sizeof(g->num[s]), "%d%%",
		    10 + (int)gen_below(g, 46));
		return g->val[s] = g->num[s];
	case GS_COUNT:
		gen_thousands(g->num[s], sizeof(g->num[s]),
		    (long)(4 + gen_below(g, 97)) * 50);
		return g->val[s] = g->num[s];
	case GS_MONTHS:
		snprintf(g->num[s], sizeof(g->num[s]), "%d",
		    6 + 3 * (int)gen_below(g, 7));
		return g->val[s] = g->num[s];
	case GS_SMALL:
		return g->val[s] = gen_small[gen_below(g, ARRAY_SIZE(gen_small))];
	case GS_MONEY:
		if ((cur = json_string_value(json_object_get(g->section,
		    "currency"))) == NULL && (cur = json_string_value(
		    json_object_get(g->group, "currency"))) == NULL)
			cur = "$";
		snprintf(g->num[s], sizeof(g->num[s]), "%s%d million", cur,
		    20 + 10 * (int)gen_below(g, 89));
		return g->val[s] = g->num[s];
	default:
		break;
	}
	if ((list = gen_vocab(g, gen_slots[s].vocab)) == NULL)
		return NULL;
	n = json_array_size(list);
	i = gen_below(g, n);
	if (gen_slots[s].twin >= 0) {
		/* Differs from its twin whenever the list allows. */
		if ((cur = gen_value(g, (enum gen_slot)gen_slots[s].twin)) == NULL)
			return NULL;
		if (n > 1 && strcmp(cur, json_string_value(json_array_get(list,
		    i))) == 0)
			i = (i + 1 + gen_below(g, n - 1)) % n;
	}
	return g->val[s] = json_string_value(json_array_get(list, i));
}

/*
 * Appends tpl to out with every {slot} filled in; {Slot} capitalises the
 * value's first letter.  The first letter of the result is capitalised.
 */
static int
gen_expand(struct gen *g, const char *tpl, struct buf *out)
{
	const char *p = tpl, *open, *close, *v;
	size_t start = out->len, n, s;
	char name[32];
	int cap;

	while ((open = strchr(p, '{')) != NULL) {
		buf_append(out, p, (size_t)(open - p));
		if ((close = strchr(open, '}')) == NULL ||
		    (n = (size_t)(close - open - 1)) == 0 || n >= sizeof(name))
			return gen_fail(g, "bad slot in \"%s\"", tpl);
		memcpy(name, open + 1, n);
		name[n] = '\0';
		if ((cap = name[0] >= 'A' && name[0] <= 'Z'))
			name[0] = (char)(name[0] - 'A' + 'a');
		for (s = 0; s < GS__MAX; s++)
			if (strcmp(name, gen_slots[s].name) == 0)
				break;
		if (s == GS__MAX)
			return gen_fail(g, "unknown slot {%s} in \"%s\"", name,
			    tpl);
		if ((v = gen_value(g, (enum gen_slot)s)) == NULL)
			return -1;
		if (cap && v[0] >= 'a' && v[0] <= 'z') {
			buf_putc(out, (char)(v[0] - 'a' + 'A'));
			v++;
		}
		buf_puts(out, v);
		p = close + 1;
		/* "Systems's" reads badly: a name ending in s takes a bare apostrophe. */
		n = strlen(v);
		if (n > 0 && v[n - 1] == 's' && p[0] == '\'' && p[1] == 's' &&
		    !((p[2] >= 'a' && p[2] <= 'z') || (p[2] >= 'A' && p[2] <= 'Z'))) {
			buf_putc(out, '\'');
			p += 2;
		}
	}
	buf_puts(out, p);
	if (out->len > start && out->p[start] >= 'a' && out->p[start] <= 'z')
		out->p[start] = (char)(out->p[start] - 'a' + 'A');
	return 0;
}

static char *
gen_expand_dup(struct gen *g, const char *tpl)
{
	struct buf b = BUF_INIT;
	char *s = NULL;

	if (gen_expand(g, tpl, &b) == 0 && !buf_err(&b))
		s = xstrdup(b.len ? b.p : "");
	buf_free(&b);
	return s;
}

/* A unique slug made from title, recorded in taken. */
static char *
gen_slug(const char *title, json_t *taken)
{
	char base[GEN_SLUG_MAX + 1], slug[GEN_SLUG_MAX + 16];
	size_t n = 0, cut;
	int dash = 0, k;
	const char *p;

	for (p = title; *p != '\0' && n < GEN_SLUG_MAX; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0)
				base[n++] = '-';
			if (n < GEN_SLUG_MAX)
				base[n++] = c;
			dash = 0;
		} else if (c != '\'')
			dash = 1;
	}
	if (*p != '\0' && (cut = n) > 0) {
		/* Cut at a word boundary rather than mid-word. */
		while (cut > GEN_SLUG_MAX / 2 && base[cut - 1] != '-')
			cut--;
		if (base[cut - 1] == '-')
			n = cut - 1;
	}
	base[n] = '\0';
	if (n == 0)
		strlcpy_(base, "story", sizeof(base));
	strlcpy_(slug, base, sizeof(slug));
	for (k = 2; json_object_get(taken, slug) != NULL; k++)
		snprintf(slug, sizeof(slug), "%s-%d", base, k);
	json_object_set_new(taken, slug, json_true());
	return xstrdup(slug);
}

/* A comma-separated list: the first item, then up to two others. */
static char *
gen_tags(struct gen *g, const json_t *tags)
{
	size_t n = json_array_size(tags), extra, i, k, pick[2];
	struct buf b = BUF_INIT;
	char *s;

	buf_puts(&b, json_string_value(json_array_get(tags, 0)));
	extra = n > 1 ? 1 + gen_below(g, n > 2 ? 2 : 1) : 0;
	for (i = 0; i < extra; i++) {
		pick[i] = 1 + gen_below(g, n - 1);
		for (k = 0; k < i; k++)
			if (pick[k] == pick[i])
				break;
		if (k < i)
			continue;
		buf_puts(&b, ", ");
		buf_puts(&b, json_string_value(json_array_get(tags, pick[i])));
	}
	s = xstrdup(b.p);
	buf_free(&b);
	return s;
}

/* Composes the body: the outline's paragraphs, "#kind" ones as headings. */
static char *
gen_body(struct gen *g)
{
	const json_t *outline = gen_strings(g->style, "outline"), *item, *list;
	struct buf b = BUF_INIT;
	const char *kind;
	char name[32];
	size_t i, n;
	char *s = NULL;
	int heading;

	if (outline == NULL && (outline = gen_part(g, "outline")) == NULL)
		return NULL;
	json_array_foreach(outline, i, item) {
		kind = json_string_value(item);
		if ((heading = kind[0] == '#'))
			kind++;
		n = strlen(kind);
		if (n > 0 && kind[n - 1] == '?') {
			n--;
			if (gen_below(g, 2) == 0)
				continue;
		}
		if (n == 0 || n >= sizeof(name)) {
			gen_fail(g, "bad outline entry \"%s\"",
			    json_string_value(item));
			goto fail;
		}
		memcpy(name, kind, n);
		name[n] = '\0';
		if ((list = gen_part(g, name)) == NULL)
			goto fail;
		if (b.len > 0)
			buf_puts(&b, "\n\n");
		if (heading)
			buf_puts(&b, "## ");
		if (gen_expand(g, gen_pick(g, list), &b) != 0)
			goto fail;
	}
	buf_putc(&b, '\n');
	if (!buf_err(&b))
		s = xstrdup(b.p);
fail:
	buf_free(&b);
	return s;
}

static int
gen_story(struct gen *g, const char *headline, int64_t now, int64_t window,
    json_t *taken, struct demo_article *a)
{
	const json_t *list;

	memset(g->val, 0, sizeof(g->val));
	g->nused = 0;
	a->published_at = now - 7200 - (int64_t)gen_below(g,
	    (size_t)(window - 7200));
	a->published_at -= a->published_at % 60;
	if ((a->title = gen_expand_dup(g, headline)) == NULL)
		return -1;
	a->slug = gen_slug(a->title, taken);
	a->section = xstrdup(g->slug);
	if ((list = gen_part(g, "deks")) == NULL ||
	    (a->dek = gen_expand_dup(g, gen_pick(g, list))) == NULL ||
	    (list = gen_part(g, "types")) == NULL)
		return -1;
	a->type = xstrdup(gen_pick(g, list));
	if ((list = gen_vocab(g, "authors")) == NULL)
		return -1;
	a->authors = xstrdup(json_string_value(json_array_get(list,
	    gen_below(g, json_array_size(list)))));
	if ((list = gen_vocab(g, "images")) == NULL)
		return -1;
	a->image = xstrdup(json_string_value(json_array_get(list,
	    gen_below(g, json_array_size(list)))));
	if ((list = gen_vocab(g, "tags")) == NULL)
		return -1;
	a->tags = gen_tags(g, list);
	if ((a->body = gen_body(g)) == NULL)
		return -1;
	return 0;
}

/* One section's stories, appended to *out. */
static int
gen_section(struct gen *g, size_t count, int64_t now,
    int64_t window, json_t *taken, struct demo_article **out, size_t *np)
{
	const json_t *heads;
	size_t i, j, n, tmp, *perm;
	int rc = 0;

	if ((heads = gen_part(g, "headlines")) == NULL)
		return -1;
	/* Headlines are dealt from a shuffled deck, so a section rarely repeats one. */
	n = json_array_size(heads);
	perm = xcalloc(n, sizeof(*perm));
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = gen_below(g, i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	*out = xrealloc(*out, (*np + count) * sizeof(**out));
	memset(*out + *np, 0, count * sizeof(**out));
	for (i = 0; i < count && rc == 0; i++) {
		rc = gen_story(g, json_string_value(json_array_get(heads,
		    perm[i % n])), now, window, taken, &(*out)[*np]);
		(*np)++;
	}
	free(perm);
	return rc;
}

int
demo_gen_articles(const json_t *gen, const json_t *names, int64_t now,
    json_t *taken, struct demo_article **out, size_t *np, char *err,
    size_t errlen)
{
	const json_t *styles = json_object_get(gen, "styles"), *sec;
	const json_t *vocab = json_object_get(gen, "vocab");
	json_int_t per = json_integer_value(json_object_get(gen, "per_section"));
	json_int_t days = json_integer_value(json_object_get(gen,
	    "window_days"));
	uint64_t seed = (uint64_t)json_integer_value(json_object_get(gen,
	    "seed"));
	const char *key;
	struct gen g;
	size_t i;

	memset(&g, 0, sizeof(g));
	g.err = err;
	g.errlen = errlen;
	g.common = json_object_get(gen, "common");
	*out = NULL;
	*np = 0;

	/* After this point, all errors go through fail. */
	if ((g.base = json_object_get(styles, "news")) == NULL) {
		gen_fail(&g, "no \"news\" style");
		goto fail;
	}
	if (per < 1 || per > GEN_PER_SECTION_MAX || days < 1 || days > 3650) {
		gen_fail(&g, "per_section must be 1-%d and window_days 1-3650",
		    GEN_PER_SECTION_MAX);
		goto fail;
	}
	json_array_foreach(json_object_get(gen, "sections"), i, sec) {
		memset(g.val, 0, sizeof(g.val));
		g.section = sec;
		g.slug = json_string_value(json_object_get(sec, "slug"));
		if (g.slug == NULL) {
			gen_fail(&g, "section %zu has no slug", i + 1);
			goto fail;
		}
		if ((g.name = json_string_value(json_object_get(names,
		    g.slug))) == NULL) {
			gen_fail(&g, "no such section in site.json");
			goto fail;
		}
		g.group = NULL;
		if ((key = json_string_value(json_object_get(sec, "vocab")))
		    != NULL && (g.group = json_object_get(vocab, key)) == NULL) {
			gen_fail(&g, "unknown vocab \"%s\"", key);
			goto fail;
		}
		if ((key = json_string_value(json_object_get(sec, "style")))
		    == NULL)
			key = "news";
		if ((g.style = json_object_get(styles, key)) == NULL) {
			gen_fail(&g, "unknown style \"%s\"", key);
			goto fail;
		}
		g.rng = seed ^ demo_hash(g.slug);
		if (gen_section(&g, (size_t)per, now, (int64_t)days * 86400,
		    taken, out, np) != 0)
			goto fail;
	}
	return 0;
fail:
	demo_articles_free(*out, *np);
	*out = NULL;
	*np = 0;
	return -1;
}
