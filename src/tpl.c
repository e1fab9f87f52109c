/*
 * tpl.c — masthead's Mustache engine: a compiler from template source to a
 * flat array of nodes, and a renderer that walks that array.
 *
 * A template compiles to one array of struct tpl_node.  A container node
 * (section, inverted section, parent, block) is followed by its children
 * and records in `end` the index just past them, so rendering is a loop
 * over indexes with recursion only into containers.  Text, names and
 * indentation live in one string pool per template, addressed by offsets so
 * the pool may grow while compiling.  Dotted names are split into
 * NUL-terminated parts, each with its length, at compile time, so a lookup
 * is a walk down the context stack calling json_object_getn() per part,
 * each answer remembered for the rest of the render (rend_get()).
 *
 * Whitespace is where Mustache is subtle.  Standalone tags (a tag alone on
 * its line) are removed together with their line while compiling.  The
 * indentation of a standalone partial must prefix every line the partial
 * produces; the renderer keeps a stack of indentation strings and a
 * "pending" flag set whenever template text ends a line, and writes the
 * whole stack before the next output.  Newlines that come from data never
 * set the flag, which is what the spec asks for.  Inheritance adds
 * block reindentation: an argument block loses its own indentation at
 * compile time and gains the indentation of the block it replaces at render
 * time (see comp_block() and rend_block()).
 *
 * Rendering never allocates: the context stack, look-up memo, indentation
 * stack and inheritance frames are fixed arrays in a struct on the caller's
 * stack, and compiled templates are never written to, so any number of
 * threads may render from one set.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "escape.h"
#include "tpl.h"
#include "util.h"

#define TPL_MAX_OPEN	64		/* open sections while compiling one template */
#define TPL_MAX_CTX	256		/* context stack entries while rendering */
#define TPL_MAX_NEST	1024		/* container recursion, which bounds the C stack */
#define TPL_DELIM_MAX	16		/* longest delimiter, including its NUL */
#define TPL_MAX_SRC	(64u * 1024 * 1024)
#define TPL_MEMO_BITS	7		/* look-up memo: 1 << TPL_MEMO_BITS entries */

enum tpl_op {
	TPL_TEXT,
	TPL_VAR,		/* {{x}}: escaped */
	TPL_RAW,		/* {{{x}}} and {{&x}} */
	TPL_SECTION,		/* {{#x}} */
	TPL_INVERTED,		/* {{^x}} */
	TPL_PARTIAL,		/* {{>x}} */
	TPL_PARENT,		/* {{<x}} */
	TPL_BLOCK,		/* {{$x}} outside a parent: a parameter and its default */
	TPL_OVERRIDE,		/* {{$x}} directly inside a parent: an argument */
	TPL_OP__MAX
};

struct tpl_node {
	uint8_t		 op;		/* enum tpl_op */
	uint8_t		 dyn;		/* partial or parent named by the context (>*x) */
	uint8_t		 lead;		/* parent: ind is literal text, not indentation */
	uint32_t	 end;		/* index just past this node and its children */
	uint32_t	 line;
	uint32_t	 str, len;	/* text, or the name as written (NUL-terminated) */
	uint32_t	 parts, nparts;	/* dotted name: indexes into tpl.parts */
	uint32_t	 ind, indlen;	/* indentation, in the pool */
	uint32_t	 hash;		/* of a partial, parent or block name */
};

/*
 * One part of a dotted name: its pool offset, length and hash.  Equal
 * parts of one template share one pool string, so within a template the
 * string's address names the part.
 */
struct tpl_part {
	uint32_t	 off, len;
	uint32_t	 hash;
};

struct tpl {
	char		*name;
	size_t		 namelen;
	uint32_t	 hash;
	char		*file;
	struct tpl_node	*nodes;
	uint32_t	 nnodes, nodecap;
	char		*pool;
	uint32_t	 poollen, poolcap;
	struct tpl_part	*parts;		/* name parts, in the pool */
	uint32_t	 nparts, partcap;
};

struct tpl_set {
	struct tpl	**v;		/* in the order first added */
	uint32_t	  n, cap;
	uint32_t	 *slots;	/* open addressing over v: index + 1, 0 is empty */
	uint32_t	  nslots;	/* a power of two, at least twice n */
};

/* One open container while compiling. */
struct tpl_open {
	uint32_t	 node;
	uint32_t	 line;
	size_t		 name, namelen;	/* source span of the name, to match the close */
	int		 dyn;
	int		 lclear;	/* only blanks precede the opening tag on its line */
	size_t		 ls, ts;	/* that line's start and the tag's start */
	int		 standalone;	/* block: the opening tag's line was removed */
	uint32_t	 strip;		/* override: indentation removed from its lines */
};

struct tpl_comp {
	const char	*src;
	size_t		 len;
	const char	*file;
	char		*err;
	size_t		 errlen;
	struct tpl	*t;
	char		 otag[TPL_DELIM_MAX], ctag[TPL_DELIM_MAX];
	size_t		 olen, clen;
	struct tpl_open	 open[TPL_MAX_OPEN];
	int		 nopen;
	uint32_t	 strip;		/* the innermost open override's strip */
	int		 merge;		/* the last node is text that may grow */
	size_t		 lpos;		/* line counting: lno is the line at lpos */
	uint32_t	 lno;
	uint32_t	*pslots;	/* distinct name parts: part index + 1, 0 is empty */
	uint32_t	 npslots, ndistinct;
};

/* An active {{<parent}}: where to find the arguments it was given. */
struct tpl_frame {
	const struct tpl *t;		/* the template holding the parent tag */
	uint32_t	 node;		/* the parent tag's index */
	int		 prev;		/* the frame visible where this one began, or -1 */
};

struct tpl_ind {
	const char	*p;
	size_t		 n;
};

/* A remembered json_object_getn(obj, name): v, NULL if there is none. */
struct tpl_memo {
	const json_t	*obj;		/* NULL: an empty entry */
	const char	*name;		/* a part's pool string */
	json_t		*v;
};

struct tpl_render {
	const struct tpl_set *set;
	struct buf	*out;
	json_t		*ctx[TPL_MAX_CTX];
	int		 nctx;
	struct tpl_memo	 memo[1u << TPL_MEMO_BITS];
	struct tpl_ind	 ind[TPL_MAX_DEPTH + 1];
	int		 nind;
	size_t		 indtotal;	/* sum of ind[].n: zero means no indenting */
	struct tpl_frame frame[TPL_MAX_DEPTH];
	int		 nframe;
	int		 chain;		/* innermost visible frame, or -1 */
	int		 depth;		/* partials, parents and arguments entered */
	int		 nest;		/* rend_nodes() recursion */
	int		 pending;	/* template text ended a line: indent before more */
	const char	*err;
	const struct tpl *errtpl;
};

static uint32_t
tpl_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	/* FNV-1a: names are short, and this only spreads them over the slots. */
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static int
tpl_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int
tpl_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\f' || ch == '\v';
}

static void
tpl_free(struct tpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->file);
	free(t->nodes);
	free(t->pool);
	free(t->parts);
	free(t);
}

/*
 * The set: an array in insertion order (so checks and tpl_foreach_raw()
 * report in a stable order) plus a hash index for render-time lookups.
 */

struct tpl_set *
tpl_set_new(void)
{
	struct tpl_set *set = xcalloc(1, sizeof(*set));

	set->nslots = 16;
	set->slots = xcalloc(set->nslots, sizeof(*set->slots));
	return set;
}

void
tpl_set_free(struct tpl_set *set)
{
	uint32_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tpl_free(set->v[i]);
	free(set->v);
	free(set->slots);
	free(set);
}

/* Returns the slot holding name, or the empty slot where it would go. */
static uint32_t *
set_slot(const struct tpl_set *set, const char *name, size_t len,
    uint32_t hash)
{
	uint32_t mask = set->nslots - 1, i = hash & mask;
	const struct tpl *t;

	for (;; i = (i + 1) & mask) {
		if (set->slots[i] == 0)
			return &set->slots[i];
		t = set->v[set->slots[i] - 1];
		if (t->hash == hash && t->namelen == len &&
		    memcmp(t->name, name, len) == 0)
			return &set->slots[i];
	}
}

static const struct tpl *
set_find(const struct tpl_set *set, const char *name, size_t len,
    uint32_t hash)
{
	uint32_t *slot = set_slot(set, name, len, hash);

	return *slot ? set->v[*slot - 1] : NULL;
}

static void
set_put(struct tpl_set *set, struct tpl *t)
{
	uint32_t *slot, i;

	slot = set_slot(set, t->name, t->namelen, t->hash);
	if (*slot != 0) {
		tpl_free(set->v[*slot - 1]);
		set->v[*slot - 1] = t;
		return;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	set->v[set->n++] = t;
	*slot = set->n;
	if (set->n * 2 <= set->nslots)
		return;
	/* Keep the index at most half full so probes stay short. */
	free(set->slots);
	set->nslots *= 2;
	set->slots = xcalloc(set->nslots, sizeof(*set->slots));
	for (i = 0; i < set->n; i++) {
		t = set->v[i];
		*set_slot(set, t->name, t->namelen, t->hash) = i + 1;
	}
}

int
tpl_set_has(const struct tpl_set *set, const char *name)
{
	size_t len = strlen(name);

	return set_find(set, name, len, tpl_hash(name, len)) != NULL;
}

/*
 * Compiler.  After comp_run() starts, every error goes through comp_err(),
 * which formats "file:line: message" and returns -1; the caller frees the
 * half-built template.
 */

static int	comp_err(struct tpl_comp *, uint32_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
comp_err(struct tpl_comp *c, uint32_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errlen == 0)
		return -1;
	n = snprintf(c->err, c->errlen, "%s:%u: ", c->file, line);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Line of source position pos; positions only ever move forward. */
static uint32_t
comp_line(struct tpl_comp *c, size_t pos)
{
	const char *p;

	while (c->lpos < pos) {
		p = memchr(c->src + c->lpos, '\n', pos - c->lpos);
		if (p == NULL) {
			c->lpos = pos;
			break;
		}
		c->lno++;
		c->lpos = (size_t)(p - c->src) + 1;
	}
	return c->lno;
}

/* Appends to the pool and returns the offset; nul adds a terminator. */
static uint32_t
pool_add(struct tpl *t, const char *s, size_t n, int nul)
{
	uint32_t off = t->poollen;
	size_t need = (size_t)t->poollen + n + 1;

	if (need > t->poolcap) {
		size_t cap = t->poolcap ? t->poolcap : 256;

		while (cap < need)
			cap *= 2;
		t->pool = xrealloc(t->pool, cap);
		t->poolcap = (uint32_t)cap;
	}
	memcpy(t->pool + t->poollen, s, n);
	t->poollen += (uint32_t)n;
	if (nul)
		t->pool[t->poollen++] = '\0';
	return off;
}

/* Adds a node and returns its index; the new node is not a container yet. */
static uint32_t
node_add(struct tpl_comp *c, int op, uint32_t line)
{
	struct tpl *t = c->t;
	struct tpl_node *n;

	if (t->nnodes == t->nodecap) {
		t->nodecap = t->nodecap ? t->nodecap * 2 : 32;
		t->nodes = xrealloc(t->nodes, t->nodecap * sizeof(*t->nodes));
	}
	n = &t->nodes[t->nnodes];
	memset(n, 0, sizeof(*n));
	n->op = (uint8_t)op;
	n->line = line;
	n->end = t->nnodes + 1;
	c->merge = 0;
	return t->nnodes++;
}

static int
comp_in_parent(const struct tpl_comp *c)
{
	return c->nopen > 0 &&
	    c->t->nodes[c->open[c->nopen - 1].node].op == TPL_PARENT;
}

/*
 * Emits source [a, b) as text.  Text directly inside a parent tag is
 * dropped, as the inheritance spec says.  Inside an argument block each
 * line loses the block's own indentation (c->strip blanks), so that it can
 * take on the indentation of the place it is rendered.
 */
static void
comp_text(struct tpl_comp *c, size_t a, size_t b)
{
	struct tpl *t = c->t;
	const char *src = c->src, *p;
	uint32_t idx, k;
	size_t i, j;

	if (a >= b || comp_in_parent(c))
		return;
	if (!c->merge) {
		idx = node_add(c, TPL_TEXT, 0);
		t->nodes[idx].str = t->poollen;
		c->merge = 1;
	}
	for (i = a; i < b; i = j) {
		if (c->strip > 0 && (i == 0 || src[i - 1] == '\n'))
			for (k = 0; k < c->strip && i < b && tpl_blank(src[i]); k++)
				i++;
		p = memchr(src + i, '\n', b - i);
		j = p != NULL ? (size_t)(p - src) + 1 : b;
		pool_add(t, src + i, j - i, 0);
	}
	idx = t->nnodes - 1;
	t->nodes[idx].len = t->poollen - t->nodes[idx].str;
	if (t->nodes[idx].len == 0) {
		t->nnodes--;
		c->merge = 0;
	}
}

/* Sets node idx's indentation to the blanks [a, b) less the current strip. */
static void
comp_ind(struct tpl_comp *c, uint32_t idx, size_t a, size_t b)
{
	struct tpl *t = c->t;

	c->merge = 0;
	if (b - a <= c->strip)
		return;
	a += c->strip;
	t->nodes[idx].ind = pool_add(t, c->src + a, b - a, 0);
	t->nodes[idx].indlen = (uint32_t)(b - a);
}

/*
 * A tag is standalone when only blanks precede it on its line (lclear) and
 * only blanks and the line end follow it (rclear).  ls is where the line
 * starts and le where the next one does.
 */
static int
comp_lclear(const struct tpl_comp *c, size_t ts, size_t *ls)
{
	size_t i = ts;

	while (i > 0 && tpl_blank(c->src[i - 1]))
		i--;
	*ls = i;
	return i == 0 || c->src[i - 1] == '\n';
}

static int
comp_rclear(const struct tpl_comp *c, size_t te, size_t *le)
{
	size_t i = te;

	while (i < c->len && tpl_blank(c->src[i]))
		i++;
	if (i == c->len)
		*le = i;
	else if (c->src[i] == '\n')
		*le = i + 1;
	else if (c->src[i] == '\r' && i + 1 < c->len && c->src[i + 1] == '\n')
		*le = i + 2;
	else
		return 0;
	return 1;
}

static size_t
comp_blanks(const struct tpl_comp *c, size_t i)
{
	size_t n = 0;

	while (i + n < c->len && tpl_blank(c->src[i + n]))
		n++;
	return n;
}

/*
 * Finds the closing delimiter of a tag whose content starts at `start`.
 * With pre, the delimiter must be preceded by that character ("}" for
 * triple mustaches, "=" for delimiter changes), which is not content.
 * Returns where the content ends, or (size_t)-1.
 */
static size_t
comp_close(const struct tpl_comp *c, size_t start, char pre)
{
	const char *q;
	size_t from = start, at;

	while (from <= c->len) {
		q = memmem(c->src + from, c->len - from, c->ctag, c->clen);
		if (q == NULL)
			break;
		at = (size_t)(q - c->src);
		if (pre == 0)
			return at;
		if (at > start && c->src[at - 1] == pre)
			return at - 1;
		from = at + 1;
	}
	return (size_t)-1;
}

static void
comp_trim(const struct tpl_comp *c, size_t *a, size_t *b)
{
	while (*a < *b && tpl_space(c->src[*a]))
		(*a)++;
	while (*b > *a && tpl_space(c->src[*b - 1]))
		(*b)--;
}

/* Checks that [a, b) is a usable name: not empty, no whitespace. */
static int
comp_name_ok(struct tpl_comp *c, size_t a, size_t b, uint32_t line)
{
	size_t i;

	if (a == b)
		return comp_err(c, line, "empty tag");
	for (i = a; i < b; i++)
		if (tpl_space(c->src[i]))
			return comp_err(c, line, "invalid name '%.*s'",
			    (int)(b - a), c->src + a);
	return 0;
}

/* The slot of c->pslots holding the part p[0..n), or the empty one. */
static uint32_t *
comp_pslot(struct tpl_comp *c, const char *p, size_t n, uint32_t hash)
{
	const struct tpl *t = c->t;
	const struct tpl_part *q;
	uint32_t mask = c->npslots - 1, i = hash & mask;

	for (;; i = (i + 1) & mask) {
		if (c->pslots[i] == 0)
			return &c->pslots[i];
		q = &t->parts[c->pslots[i] - 1];
		if (q->hash == hash && q->len == n &&
		    memcmp(t->pool + q->off, p, n) == 0)
			return &c->pslots[i];
	}
}

/*
 * Fills in *part (the last of t->parts) for the name part p[0..n), sharing
 * the pool string of an equal part found earlier in the template.
 */
static void
comp_part(struct tpl_comp *c, struct tpl_part *part, const char *p, size_t n)
{
	struct tpl *t = c->t;
	uint32_t *slot, i, hash = tpl_hash(p, n);

	if ((c->ndistinct + 1) * 2 > c->npslots) {
		/* Keep the index at most half full; rebuild it twice the size. */
		free(c->pslots);
		c->npslots = c->npslots ? c->npslots * 2 : 64;
		c->pslots = xcalloc(c->npslots, sizeof(*c->pslots));
		for (i = 0; i + 1 < t->nparts; i++) {
			slot = comp_pslot(c, t->pool + t->parts[i].off,
			    t->parts[i].len, t->parts[i].hash);
			if (*slot == 0)
				*slot = i + 1;
		}
	}
	part->len = (uint32_t)n;
	part->hash = hash;
	slot = comp_pslot(c, p, n, hash);
	if (*slot != 0) {
		part->off = t->parts[*slot - 1].off;
		return;
	}
	part->off = pool_add(t, p, n, 1);
	*slot = (uint32_t)(part - t->parts) + 1;
	c->ndistinct++;
}

/* Stores [a, b) as node idx's name, split at dots unless it is ".". */
static int
comp_dotted(struct tpl_comp *c, uint32_t idx, size_t a, size_t b,
    uint32_t line)
{
	struct tpl *t = c->t;
	size_t i, s;

	if (comp_name_ok(c, a, b, line) != 0)
		return -1;
	t->nodes[idx].str = pool_add(t, c->src + a, b - a, 1);
	t->nodes[idx].len = (uint32_t)(b - a);
	if (b - a == 1 && c->src[a] == '.')
		return 0;
	t->nodes[idx].parts = t->nparts;
	for (s = i = a; i <= b; i++) {
		if (i < b && c->src[i] != '.')
			continue;
		if (i == s)
			return comp_err(c, line, "invalid name '%.*s'",
			    (int)(b - a), c->src + a);
		if (t->nparts == t->partcap) {
			t->partcap = t->partcap ? t->partcap * 2 : 16;
			t->parts = xrealloc(t->parts,
			    t->partcap * sizeof(*t->parts));
		}
		comp_part(c, &t->parts[t->nparts++], c->src + s, i - s);
		t->nodes[idx].nparts++;
		s = i + 1;
	}
	return 0;
}

/* Stores a plain name (a partial, parent or block) with its hash. */
static int
comp_plain(struct tpl_comp *c, uint32_t idx, size_t a, size_t b,
    uint32_t line)
{
	struct tpl *t = c->t;

	if (comp_name_ok(c, a, b, line) != 0)
		return -1;
	t->nodes[idx].str = pool_add(t, c->src + a, b - a, 1);
	t->nodes[idx].len = (uint32_t)(b - a);
	t->nodes[idx].hash = tpl_hash(c->src + a, b - a);
	return 0;
}

/* Splits off a leading "*" (a dynamic name) and trims what follows. */
static int
comp_star(const struct tpl_comp *c, size_t *a, size_t *b)
{
	if (*a < *b && c->src[*a] == '*') {
		(*a)++;
		comp_trim(c, a, b);
		return 1;
	}
	return 0;
}

/* Partial and parent names: plain, or "*" and a dotted name to look up. */
static int
comp_target(struct tpl_comp *c, uint32_t idx, size_t a, size_t b,
    uint32_t line)
{
	if (comp_star(c, &a, &b)) {
		c->t->nodes[idx].dyn = 1;
		return comp_dotted(c, idx, a, b, line);
	}
	return comp_plain(c, idx, a, b, line);
}

static int
comp_push(struct tpl_comp *c, uint32_t idx, uint32_t line, size_t a,
    size_t b, int dyn)
{
	struct tpl_open *o;

	if (c->nopen == TPL_MAX_OPEN)
		return comp_err(c, line, "sections nest deeper than %d",
		    TPL_MAX_OPEN);
	o = &c->open[c->nopen++];
	memset(o, 0, sizeof(*o));
	o->node = idx;
	o->line = line;
	o->name = a;
	o->namelen = b - a;
	o->dyn = dyn;
	return 0;
}

/* Recomputes the strip of the innermost open override. */
static void
comp_restrip(struct tpl_comp *c)
{
	int i;

	c->strip = 0;
	for (i = c->nopen - 1; i >= 0; i--)
		if (c->t->nodes[c->open[i].node].op == TPL_OVERRIDE) {
			c->strip = c->open[i].strip;
			break;
		}
}

/* Parses the content of {{=<% %>=}} and switches delimiters. */
static int
comp_delims(struct tpl_comp *c, size_t a, size_t b, uint32_t line)
{
	size_t a1, b1, a2, b2, i;

	comp_trim(c, &a, &b);
	for (a1 = b1 = a; b1 < b && !tpl_space(c->src[b1]); b1++)
		continue;
	for (a2 = b1; a2 < b && tpl_space(c->src[a2]); a2++)
		continue;
	for (b2 = a2; b2 < b && !tpl_space(c->src[b2]); b2++)
		continue;
	if (b1 == a1 || b2 == a2 || b2 != b || b1 - a1 >= TPL_DELIM_MAX ||
	    b2 - a2 >= TPL_DELIM_MAX)
		return comp_err(c, line, "invalid delimiters '%.*s'",
		    (int)(b - a), c->src + a);
	for (i = a; i < b; i++)
		if (c->src[i] == '=')
			return comp_err(c, line, "invalid delimiters '%.*s'",
			    (int)(b - a), c->src + a);
	memcpy(c->otag, c->src + a1, b1 - a1);
	c->olen = b1 - a1;
	memcpy(c->ctag, c->src + a2, b2 - a2);
	c->clen = b2 - a2;
	return 0;
}

/*
 * {{$name}}.  Directly inside a parent it is an argument (TPL_OVERRIDE):
 * what precedes it on the line is the parent's ignored body, so it counts as
 * standalone when only the line end follows, and then its content starts on
 * the next line, whose blanks become the strip removed from every line of
 * the argument.  Anywhere else it is a parameter (TPL_BLOCK) with default
 * content; its indentation, added to an argument's lines when one is
 * rendered in its place, is that of its first content line when the tag is
 * standalone, or that of the tag when the pair {{$x}}...{{/x}} stands alone
 * on its line (settled at the closing tag).
 */
static int
comp_block(struct tpl_comp *c, size_t *text, size_t *pos, size_t ts,
    size_t te, size_t a, size_t b, uint32_t line)
{
	struct tpl_open *o;
	size_t ls, le;
	int lclear = comp_lclear(c, ts, &ls) && ls >= *text;
	int rclear = comp_rclear(c, te, &le);
	uint32_t idx;

	if (comp_in_parent(c)) {
		idx = node_add(c, TPL_OVERRIDE, line);
		if (comp_plain(c, idx, a, b, line) != 0 ||
		    comp_push(c, idx, line, a, b, 0) != 0)
			return -1;
		o = &c->open[c->nopen - 1];
		*text = *pos = rclear ? le : te;
		o->strip = rclear ? (uint32_t)comp_blanks(c, le) : 0;
		c->strip = o->strip;
		return 0;
	}
	if (lclear && rclear) {
		comp_text(c, *text, ls);
		*text = *pos = le;
	} else {
		comp_text(c, *text, ts);
		*text = *pos = te;
	}
	idx = node_add(c, TPL_BLOCK, line);
	if (comp_plain(c, idx, a, b, line) != 0 ||
	    comp_push(c, idx, line, a, b, 0) != 0)
		return -1;
	o = &c->open[c->nopen - 1];
	o->lclear = lclear;
	o->ls = ls;
	o->ts = ts;
	o->standalone = lclear && rclear;
	if (o->standalone)
		comp_ind(c, idx, le, le + comp_blanks(c, le));
	return 0;
}

/*
 * {{<name}}.  The parent's body is only read for arguments.  Whether the
 * blanks before the tag are indentation for the parent depends on the
 * closing tag (the pair stands alone on its line, like a standalone
 * partial), so they are held back until then.
 */
static int
comp_parent(struct tpl_comp *c, size_t *text, size_t *pos, size_t ts,
    size_t te, size_t a, size_t b, uint32_t line)
{
	struct tpl_open *o;
	size_t ls;
	int lclear = comp_lclear(c, ts, &ls) && ls >= *text;
	uint32_t idx;
	int dyn;

	comp_text(c, *text, lclear ? ls : ts);
	*text = *pos = te;
	idx = node_add(c, TPL_PARENT, line);
	if (comp_target(c, idx, a, b, line) != 0)
		return -1;
	dyn = c->t->nodes[idx].dyn;
	if (dyn)
		comp_star(c, &a, &b);
	if (comp_push(c, idx, line, a, b, dyn) != 0)
		return -1;
	o = &c->open[c->nopen - 1];
	o->lclear = lclear;
	o->ls = ls;
	o->ts = ts;
	return 0;
}

static int
comp_end(struct tpl_comp *c, size_t *text, size_t *pos, size_t ts,
    size_t te, size_t a, size_t b, uint32_t line)
{
	struct tpl_open *o;
	struct tpl_node *n;
	size_t ls, le;
	int lclear = comp_lclear(c, ts, &ls) && ls >= *text;
	int rclear = comp_rclear(c, te, &le);
	int dyn = comp_star(c, &a, &b);
	uint32_t idx;

	if (c->nopen == 0)
		return comp_err(c, line, "unexpected closing tag '%.*s'",
		    (int)(b - a), c->src + a);
	o = &c->open[c->nopen - 1];
	if (o->dyn != dyn || o->namelen != b - a ||
	    memcmp(c->src + o->name, c->src + a, b - a) != 0)
		return comp_err(c, line,
		    "closing tag '%.*s' does not match '%.*s' opened on line %u",
		    (int)(b - a), c->src + a, (int)o->namelen, c->src + o->name,
		    o->line);
	idx = o->node;
	switch (c->t->nodes[idx].op) {
	case TPL_OVERRIDE:
		/* What follows belongs to the parent's body, which is ignored. */
		comp_text(c, *text, lclear ? ls : ts);
		*text = *pos = te;
		break;
	case TPL_PARENT:
		if (o->lclear && rclear) {
			comp_ind(c, idx, o->ls, o->ts);
			*text = *pos = le;
		} else {
			if (o->lclear) {
				comp_ind(c, idx, o->ls, o->ts);
				c->t->nodes[idx].lead = 1;
			}
			*text = *pos = te;
		}
		break;
	case TPL_BLOCK:
		if (!o->standalone && o->lclear && rclear)
			comp_ind(c, idx, o->ls, o->ts);
		/* FALLTHROUGH */
	default:
		if (lclear && rclear) {
			comp_text(c, *text, ls);
			*text = *pos = le;
		} else {
			comp_text(c, *text, ts);
			*text = *pos = te;
		}
		break;
	}
	n = &c->t->nodes[idx];
	n->end = c->t->nnodes;
	c->nopen--;
	c->merge = 0;
	comp_restrip(c);
	return 0;
}

/*
 * Tags whose line disappears when they stand alone: comments, delimiter
 * changes, section openers and partials.  Emits the text before the tag and
 * says whether the tag was standalone; *ls is then the line's start.
 */
static int
comp_plainline(struct tpl_comp *c, size_t *text, size_t *pos, size_t ts,
    size_t te, size_t *ls)
{
	size_t le;

	if (comp_lclear(c, ts, ls) && *ls >= *text && comp_rclear(c, te, &le)) {
		comp_text(c, *text, *ls);
		*text = *pos = le;
		return 1;
	}
	comp_text(c, *text, ts);
	*text = *pos = te;
	return 0;
}

static int
comp_run(struct tpl_comp *c)
{
	const char *q;
	size_t pos = 0, text = 0, ts, te, a, b, ls;
	uint32_t line, idx;
	char sigil;
	int op;

	for (;;) {
		q = memmem(c->src + pos, c->len - pos, c->otag, c->olen);
		if (q == NULL)
			break;
		ts = (size_t)(q - c->src);
		line = comp_line(c, ts);
		a = ts + c->olen;
		sigil = a < c->len ? c->src[a] : '\0';
		switch (sigil) {
		case '{':
		case '=':
			b = comp_close(c, a + 1, sigil == '{' ? '}' : '=');
			te = b + 1 + c->clen;
			a++;
			break;
		case '#': case '^': case '/': case '>': case '<': case '$':
		case '&': case '!':
			b = comp_close(c, a + 1, 0);
			te = b + c->clen;
			a++;
			break;
		default:
			sigil = '\0';
			b = comp_close(c, a, 0);
			te = b + c->clen;
			break;
		}
		if (b == (size_t)-1)
			return comp_err(c, line, "unclosed tag");
		if (sigil != '=')
			comp_trim(c, &a, &b);

		switch (sigil) {
		case '!':
			comp_plainline(c, &text, &pos, ts, te, &ls);
			break;
		case '=':
			comp_plainline(c, &text, &pos, ts, te, &ls);
			if (comp_delims(c, a, b, line) != 0)
				return -1;
			break;
		case '#':
		case '^':
			comp_plainline(c, &text, &pos, ts, te, &ls);
			op = sigil == '#' ? TPL_SECTION : TPL_INVERTED;
			idx = node_add(c, op, line);
			if (comp_dotted(c, idx, a, b, line) != 0 ||
			    comp_push(c, idx, line, a, b, 0) != 0)
				return -1;
			break;
		case '/':
			if (comp_end(c, &text, &pos, ts, te, a, b, line) != 0)
				return -1;
			break;
		case '>':
			op = comp_plainline(c, &text, &pos, ts, te, &ls);
			idx = node_add(c, TPL_PARTIAL, line);
			if (comp_target(c, idx, a, b, line) != 0)
				return -1;
			if (op)
				comp_ind(c, idx, ls, ts);
			break;
		case '<':
			if (comp_parent(c, &text, &pos, ts, te, a, b, line) != 0)
				return -1;
			break;
		case '$':
			if (comp_block(c, &text, &pos, ts, te, a, b, line) != 0)
				return -1;
			break;
		default:
			/* Interpolation is never standalone. */
			comp_text(c, text, ts);
			text = pos = te;
			idx = node_add(c, sigil == '\0' ? TPL_VAR : TPL_RAW, line);
			if (comp_dotted(c, idx, a, b, line) != 0)
				return -1;
			break;
		}
	}
	comp_text(c, text, c->len);
	if (c->nopen > 0) {
		struct tpl_open *o = &c->open[c->nopen - 1];

		return comp_err(c, o->line, "unclosed section '%.*s'",
		    (int)o->namelen, c->src + o->name);
	}
	return 0;
}

int
tpl_set_add(struct tpl_set *set, const char *name, const char *src,
    size_t len, const char *file, char *err, size_t errlen)
{
	struct tpl_comp c;
	struct tpl *t;

	memset(&c, 0, sizeof(c));
	c.src = src;
	c.len = len;
	c.file = file != NULL ? file : name;
	c.err = err;
	c.errlen = errlen;
	c.lno = 1;
	memcpy(c.otag, "{{", 2);
	c.olen = 2;
	memcpy(c.ctag, "}}", 2);
	c.clen = 2;
	if (len > TPL_MAX_SRC)
		return comp_err(&c, 1, "template is larger than %u bytes",
		    TPL_MAX_SRC);

	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->namelen = strlen(name);
	t->hash = tpl_hash(name, t->namelen);
	t->file = xstrdup(c.file);
	c.t = t;
	if (comp_run(&c) != 0) {
		free(c.pslots);
		tpl_free(t);
		return -1;
	}
	free(c.pslots);
	set_put(set, t);
	return 0;
}

int
tpl_set_check(const struct tpl_set *set, char *err, size_t errlen)
{
	const struct tpl *t;
	const struct tpl_node *n;
	uint32_t i, j;

	for (i = 0; i < set->n; i++) {
		t = set->v[i];
		for (j = 0; j < t->nnodes; j++) {
			n = &t->nodes[j];
			if ((n->op != TPL_PARTIAL && n->op != TPL_PARENT) ||
			    n->dyn)
				continue;
			if (set_find(set, t->pool + n->str, n->len, n->hash))
				continue;
			if (err != NULL && errlen > 0)
				snprintf(err, errlen,
				    "%s:%u: unknown partial '%s'", t->file,
				    n->line, t->pool + n->str);
			return -1;
		}
	}
	return 0;
}

void
tpl_foreach_raw(const struct tpl_set *set,
    void (*cb)(void *, const char *, int, const char *), void *arg)
{
	const struct tpl *t;
	uint32_t i, j;

	for (i = 0; i < set->n; i++) {
		t = set->v[i];
		for (j = 0; j < t->nnodes; j++)
			if (t->nodes[j].op == TPL_RAW)
				cb(arg, t->name, (int)t->nodes[j].line,
				    t->pool + t->nodes[j].str);
	}
}

/*
 * Renderer.  Every function returns 0, or -1 after rend_fail() recorded
 * why; a full output buffer is not checked on every append but once per
 * node, since the buffer's error is sticky.
 */

static int	rend_nodes(struct tpl_render *, const struct tpl *, uint32_t,
		    uint32_t);

static int
rend_fail(struct tpl_render *r, const struct tpl *t, const char *why)
{
	if (r->err == NULL) {
		r->err = why;
		r->errtpl = t;
	}
	return -1;
}

/* Writes the indentation stack if template text just ended a line. */
static void
rend_flush(struct tpl_render *r)
{
	int i;

	if (!r->pending)
		return;
	r->pending = 0;
	if (r->indtotal == 0)
		return;
	for (i = 0; i < r->nind; i++)
		buf_append(r->out, r->ind[i].p, r->ind[i].n);
}

/* Template text inside an indented partial: each line gets the indentation. */
static void
rend_text_ind(struct tpl_render *r, const char *s, size_t n)
{
	const char *end = s + n, *nl;

	while (s < end) {
		rend_flush(r);
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL) {
			buf_append(r->out, s, (size_t)(end - s));
			return;
		}
		buf_append(r->out, s, (size_t)(nl + 1 - s));
		s = nl + 1;
		r->pending = 1;
	}
}

/*
 * Template text.  Inline, since a home page has 1,600 text nodes and
 * nearly all of them are outside any indented partial: the call and the
 * registers rend_text_ind() saves cost more than the append itself.
 */
static inline __attribute__((always_inline)) void
rend_text(struct tpl_render *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (r->indtotal != 0) {
		rend_text_ind(r, s, n);
		return;
	}
	buf_append(r->out, s, n);
	r->pending = s[n - 1] == '\n';
}

static void
rend_push_ind(struct tpl_render *r, const char *p, size_t n)
{
	/* Callers bound nind through depth, which is checked first. */
	r->ind[r->nind].p = p;
	r->ind[r->nind].n = n;
	r->nind++;
	r->indtotal += n;
}

static void
rend_pop_ind(struct tpl_render *r)
{
	r->nind--;
	r->indtotal -= r->ind[r->nind].n;
}

/* Reals print in the shortest form that reads back as the same number. */
static void
rend_real(struct buf *out, double d)
{
	char tmp[40];
	int prec, n = 0;

	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (n > 0 && (size_t)n < sizeof(tmp))
		buf_append(out, tmp, (size_t)n);
}

static void
rend_value(struct tpl_render *r, const json_t *v, int escape)
{
	switch (v != NULL ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		if (escape)
			esc_html(r->out, json_string_value(v),
			    json_string_length(v));
		else
			buf_append(r->out, json_string_value(v),
			    json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_put_int(r->out, (int64_t)json_integer_value(v));
		break;
	case JSON_REAL:
		rend_real(r->out, json_real_value(v));
		break;
	case JSON_TRUE:
		BUF_LIT(r->out, "true");
		break;
	case JSON_FALSE:
		BUF_LIT(r->out, "false");
		break;
	default:
		break;
	}
}

static inline int
rend_truthy(const json_t *v)
{
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	default:
		return 1;
	}
}

/*
 * json_object_getn(obj, part), remembered for the rest of the render: a
 * page asks one story for its url, its title and its image more than once
 * (a card's link, its picture's, a section test and the value inside it).
 * The context is never written while rendering and outlives it, so an
 * object's address and a part's pool string name one answer.  The memo is
 * direct-mapped: a collision only costs a look-up.  obj is never NULL (the
 * stack holds json_null() for a missing root), and json_object_getn()
 * answers NULL for anything but an object, so a context that is a string
 * or a number needs no test of its own: its entry remembers the NULL.
 *
 * This and rend_lookup() are forced inline: a home page makes 1,300
 * look-ups and 1,450 probes, most of them answered by the first context,
 * and a call's entry and exit were a fifth of what a look-up cost beside
 * jansson's own work.
 */
static inline __attribute__((always_inline)) json_t *
rend_get(struct tpl_render *r, json_t *obj, const char *name,
    const struct tpl_part *part)
{
	struct tpl_memo *m;

	m = &r->memo[((part->hash ^ (uint32_t)((uintptr_t)obj >> 4)) *
	    2654435761u) >> (32 - TPL_MEMO_BITS)];
	if (m->obj == obj && m->name == name)
		return m->v;
	m->obj = obj;
	m->name = name;
	m->v = json_object_getn(obj, name, part->len);
	return m->v;
}

/*
 * Resolves a name: "." is the top of the stack; otherwise the first part is
 * looked up from the top of the stack down (a key whose value is null still
 * counts as found), and each further part only in the previous result.
 */
static inline __attribute__((always_inline)) json_t *
rend_lookup(struct tpl_render *r, const struct tpl *t,
    const struct tpl_node *n)
{
	const struct tpl_part *part;
	json_t *v;
	uint32_t j;
	int i;

	/*
	 * "." names no part, and a template whose only names are "." has
	 * no parts array at all: t->parts is NULL, and even a zero offset
	 * from it is undefined behaviour (found by fuzz_tpl under UBSan).
	 */
	if (n->nparts == 0)
		return r->ctx[r->nctx - 1];
	part = t->parts + n->parts;
	i = r->nctx - 1;
	while ((v = rend_get(r, r->ctx[i], t->pool + part->off, part)) ==
	    NULL && i > 0)
		i--;
	for (j = 1; v != NULL && j < n->nparts; j++)
		v = rend_get(r, v, t->pool + part[j].off, part + j);
	return v;
}

static int
rend_section(struct tpl_render *r, const struct tpl *t, uint32_t idx)
{
	const struct tpl_node *n = &t->nodes[idx];
	json_t *v = rend_lookup(r, t, n);
	size_t i, cnt;
	int rc = 0;

	if (n->op == TPL_INVERTED)
		return rend_truthy(v) ? 0 : rend_nodes(r, t, idx + 1, n->end);
	if (!rend_truthy(v))
		return 0;
	if (r->nctx == TPL_MAX_CTX)
		return rend_fail(r, t, "sections nest too deeply");
	if (!json_is_array(v)) {
		r->ctx[r->nctx++] = v;
		rc = rend_nodes(r, t, idx + 1, n->end);
		r->nctx--;
		return rc;
	}
	cnt = json_array_size(v);
	for (i = 0; i < cnt && rc == 0; i++) {
		r->ctx[r->nctx++] = json_array_get(v, i);
		rc = rend_nodes(r, t, idx + 1, n->end);
		r->nctx--;
	}
	return rc;
}

/* The template a partial or parent tag names, or NULL if there is none. */
static const struct tpl *
rend_target(struct tpl_render *r, const struct tpl *t,
    const struct tpl_node *n)
{
	const json_t *v;
	const char *s;
	size_t len;

	if (!n->dyn)
		return set_find(r->set, t->pool + n->str, n->len, n->hash);
	v = rend_lookup(r, t, n);
	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	len = json_string_length(v);
	return set_find(r->set, s, len, tpl_hash(s, len));
}

static int
rend_enter(struct tpl_render *r, const struct tpl *t)
{
	if (r->depth >= TPL_MAX_DEPTH)
		return rend_fail(r, t,
		    "partials nest too deeply (recursive partial?)");
	r->depth++;
	return 0;
}

static int
rend_partial(struct tpl_render *r, const struct tpl *t, uint32_t idx)
{
	const struct tpl_node *n = &t->nodes[idx];
	const struct tpl *p = rend_target(r, t, n);
	int rc;

	if (p == NULL)
		return 0;
	if (rend_enter(r, t) != 0)
		return -1;
	rend_push_ind(r, t->pool + n->ind, n->indlen);
	rc = rend_nodes(r, p, 0, p->nnodes);
	rend_pop_ind(r);
	r->depth--;
	return rc;
}

/*
 * {{<parent}}: renders the parent template with a new frame that makes
 * this tag's arguments visible to the blocks inside it.
 */
static int
rend_parent(struct tpl_render *r, const struct tpl *t, uint32_t idx)
{
	const struct tpl_node *n = &t->nodes[idx];
	const struct tpl *p;
	struct tpl_frame *f;
	int rc;

	if (n->lead)
		rend_text(r, t->pool + n->ind, n->indlen);
	if ((p = rend_target(r, t, n)) == NULL)
		return 0;
	if (rend_enter(r, t) != 0)
		return -1;
	f = &r->frame[r->nframe++];
	f->t = t;
	f->node = idx;
	f->prev = r->chain;
	r->chain = r->nframe - 1;
	rend_push_ind(r, t->pool + n->ind, n->lead ? 0 : n->indlen);
	rc = rend_nodes(r, p, 0, p->nnodes);
	rend_pop_ind(r);
	r->chain = f->prev;
	r->nframe--;
	r->depth--;
	return rc;
}

/* The argument named like block n among frame f's parent tag, or 0. */
static uint32_t
rend_arg(const struct tpl_render *r, int f, const struct tpl_node *n,
    const char *name)
{
	const struct tpl *pt = r->frame[f].t;
	const struct tpl_node *a;
	uint32_t j;

	for (j = r->frame[f].node + 1; j < pt->nodes[r->frame[f].node].end;
	    j = a->end) {
		a = &pt->nodes[j];
		if (a->op == TPL_OVERRIDE && a->hash == n->hash &&
		    a->len == n->len && memcmp(pt->pool + a->str, name,
		    n->len) == 0)
			return j;
	}
	return 0;
}

/*
 * {{$block}} as a parameter.  The outermost argument wins (a child
 * overrides its parent's arguments to the grandparent), so the search walks
 * every visible frame and keeps the last match.  The argument renders in
 * the current context but sees only the frames that were visible where it
 * was written, so an argument cannot find itself again.  Its lines get
 * this block's indentation; the default content already carries its own.
 */
static int
rend_block(struct tpl_render *r, const struct tpl *t, uint32_t idx)
{
	const struct tpl_node *n = &t->nodes[idx];
	const struct tpl *at;
	uint32_t arg = 0, j;
	int f, best = -1, saved, rc;

	for (f = r->chain; f >= 0; f = r->frame[f].prev)
		if ((j = rend_arg(r, f, n, t->pool + n->str)) != 0) {
			best = f;
			arg = j;
		}
	if (best < 0)
		return rend_nodes(r, t, idx + 1, n->end);
	if (rend_enter(r, t) != 0)
		return -1;
	at = r->frame[best].t;
	saved = r->chain;
	r->chain = r->frame[best].prev;
	rend_push_ind(r, t->pool + n->ind, n->indlen);
	rc = rend_nodes(r, at, arg + 1, at->nodes[arg].end);
	rend_pop_ind(r);
	r->chain = saved;
	r->depth--;
	return rc;
}

static int
rend_nodes(struct tpl_render *r, const struct tpl *t, uint32_t i,
    uint32_t end)
{
	const struct tpl_node *n;
	int rc = 0;

	if (r->nest >= TPL_MAX_NEST)
		return rend_fail(r, t, "templates nest too deeply");
	r->nest++;
	while (i < end && rc == 0) {
		/* The buffer's error field, read directly: this runs per node. */
		if (r->out->err != BUF_OK) {
			rc = rend_fail(r, t, "output is larger than its limit");
			break;
		}
		n = &t->nodes[i];
		switch (n->op) {
		case TPL_TEXT:
			rend_text(r, t->pool + n->str, n->len);
			break;
		case TPL_VAR:
		case TPL_RAW:
			rend_flush(r);
			rend_value(r, rend_lookup(r, t, n), n->op == TPL_VAR);
			break;
		case TPL_SECTION:
		case TPL_INVERTED:
			rc = rend_section(r, t, i);
			break;
		case TPL_PARTIAL:
			rc = rend_partial(r, t, i);
			break;
		case TPL_PARENT:
			rc = rend_parent(r, t, i);
			break;
		case TPL_BLOCK:
			rc = rend_block(r, t, i);
			break;
		default:
			/* Arguments only render through the block they fill. */
			break;
		}
		i = n->end;
	}
	r->nest--;
	return rc;
}

int
tpl_render_err(const struct tpl_set *set, const char *name, json_t *ctx,
    struct buf *out, char *err, size_t errlen)
{
	struct tpl_render r;
	const struct tpl *t;
	size_t len = strlen(name);
	int rc;

	if ((t = set_find(set, name, len, tpl_hash(name, len))) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "no template '%s'", name);
		return -1;
	}
	/* Only the fields read before being written need clearing. */
	r.set = set;
	r.out = out;
	r.ctx[0] = ctx != NULL ? ctx : json_null();
	r.nctx = 1;
	memset(r.memo, 0, sizeof(r.memo));
	r.nind = 0;
	r.indtotal = 0;
	r.nframe = 0;
	r.chain = -1;
	r.depth = 0;
	r.nest = 0;
	r.pending = 1;
	r.err = NULL;
	r.errtpl = NULL;
	rc = rend_nodes(&r, t, 0, t->nnodes);
	if (rc == 0 && buf_err(out))
		rc = rend_fail(&r, t, "output is larger than its limit");
	if (rc != 0 && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", r.errtpl->file, r.err);
	return rc;
}

int
tpl_render(const struct tpl_set *set, const char *name, json_t *ctx,
    struct buf *out)
{
	return tpl_render_err(set, name, ctx, out, NULL, 0);
}
