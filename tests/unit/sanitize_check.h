/*
 * sanitize_check.h — an independent reading of sanitize_html()'s output,
 * for tests/unit/test_sanitize.c and tests/fuzz/fuzz_sanitize.c.
 *
 * It does not use the lexer that sanitize.c uses: it reads the output by
 * the strict grammar the sanitizer writes (lowercase names, attributes
 * each after one space and double-quoted, no '<' or '>' outside tags, '&'
 * only as a reference) and checks it against its own copy of the policy,
 * kept short on purpose: the tags, the attributes, the URL schemes, the
 * forced attributes of embeds and checkboxes, and that every element is
 * closed in order.  A second implementation that disagrees is a finding
 * in one of them.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SC_SANDBOX "allow-scripts allow-same-origin allow-presentation"

static const char *const sc_tags[] = {
	"a", "abbr", "aside", "audio", "b", "bdi", "blockquote", "br",
	"caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
	"div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
	"h4", "h5", "h6", "hr", "i", "iframe", "img", "input", "ins", "kbd",
	"li", "mark", "ol", "p", "picture", "pre", "q", "s", "samp", "small",
	"source", "span", "strong", "sub", "summary", "sup", "table",
	"tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
	"video", "wbr", NULL
};
static const char *const sc_void[] = {
	"br", "col", "hr", "img", "input", "source", "wbr", NULL
};
/* "tag:attr" pairs; "*" for every tag. */
static const char *const sc_attrs[] = {
	"*:class", "*:id", "*:title", "*:lang", "*:dir", "a:href",
	"a:hreflang", "img:src", "img:srcset", "img:sizes", "img:alt",
	"img:width", "img:height", "img:loading", "source:src",
	"source:srcset", "source:sizes", "source:media", "source:type",
	"source:width", "source:height", "video:src", "video:poster",
	"video:width", "video:height", "video:preload", "video:loop",
	"video:muted", "video:playsinline", "video:controls", "audio:src",
	"audio:preload", "audio:loop", "audio:muted", "audio:controls",
	"ol:start", "ol:reversed", "ol:type", "li:value", "td:colspan",
	"td:rowspan", "td:align", "th:colspan", "th:rowspan", "th:align",
	"th:scope", "th:abbr", "col:span", "colgroup:span", "time:datetime",
	"del:datetime", "del:cite", "ins:datetime", "ins:cite",
	"blockquote:cite", "q:cite", "details:open", "input:type",
	"input:disabled", "input:checked", "iframe:src", "iframe:width",
	"iframe:height", "iframe:sandbox", "iframe:referrerpolicy",
	"iframe:loading", "iframe:allowfullscreen", NULL
};

static int
sc_in(const char *const *list, const char *s, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, s, n) == 0)
			return 1;
	return 0;
}

static int
sc_attr_ok(const char *tag, size_t tn, const char *a, size_t an)
{
	const char *const *p;

	for (p = sc_attrs; *p != NULL; p++) {
		const char *c = strchr(*p, ':');
		size_t pn = (size_t)(c - *p);

		if (((pn == 1 && **p == '*') || (pn == tn &&
		    memcmp(*p, tag, tn) == 0)) && strlen(c + 1) == an &&
		    memcmp(c + 1, a, an) == 0)
			return 1;
	}
	return 0;
}

/*
 * Decodes the few references the escaper writes into a URL, into out (of
 * size outn); returns the length, or -1 for anything else.
 */
static long
sc_unescape(const char *v, size_t n, char *out, size_t outn)
{
	static const struct {
		const char *ref;
		char c;
	} refs[] = { { "&amp;", '&' }, { "&#39;", '\'' }, { "&quot;", '"' },
	    { "&lt;", '<' }, { "&gt;", '>' } };
	size_t i = 0, o = 0, k;

	while (i < n) {
		if (o + 1 >= outn)
			return -1;
		if (v[i] != '&') {
			out[o++] = v[i++];
			continue;
		}
		for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++)
			if (n - i >= strlen(refs[k].ref) && memcmp(v + i,
			    refs[k].ref, strlen(refs[k].ref)) == 0)
				break;
		if (k == sizeof(refs) / sizeof(refs[0]))
			return -1;
		out[o++] = refs[k].c;
		i += strlen(refs[k].ref);
	}
	out[o] = '\0';
	return (long)o;
}

/*
 * Whether the URL u (as the browser will read it) is allowed: no byte a
 * browser strips or ignores (controls, spaces), and a scheme that kind
 * allows: 'l' a link (http, https, mailto, tel, relative), 'm' media
 * (http, https, relative), 'i' an image (media or a data: image), 'e' an
 * embed (https and a listed host).
 */
static int
sc_url_ok(const char *u, size_t n, char kind, const char *hosts)
{
	size_t i, s;

	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f)
			return 0;
	/* A scheme as the WHATWG URL parser reads one, else it is relative. */
	for (s = 0; s < n && (((u[s] | 0x20) >= 'a' && (u[s] | 0x20) <= 'z') ||
	    (s > 0 && ((u[s] >= '0' && u[s] <= '9') || u[s] == '+' ||
	    u[s] == '-' || u[s] == '.'))); s++)
		;
	if (kind == 'e') {
		const char *h = u + 8, *w;
		size_t hn = 0;

		if (n < 8 || strncasecmp(u, "https://", 8) != 0)
			return 0;
		while (8 + hn < n && strchr("/?#", h[hn]) == NULL)
			hn++;
		for (w = hosts; *w != '\0'; ) {
			size_t k = strcspn(w, " ");

			if (k == hn && strncasecmp(w, h, hn) == 0)
				return 1;
			w += k;
			w += strspn(w, " ");
		}
		return 0;
	}
	if (s == 0 || s == n || u[s] != ':')
		return 1;
	if ((s == 4 && strncasecmp(u, "http", 4) == 0) ||
	    (s == 5 && strncasecmp(u, "https", 5) == 0))
		return 1;
	if (kind == 'l' && ((s == 6 && strncasecmp(u, "mailto", 6) == 0) ||
	    (s == 3 && strncasecmp(u, "tel", 3) == 0)))
		return 1;
	if (kind == 'i' && (strncasecmp(u, "data:image/png", 14) == 0 ||
	    strncasecmp(u, "data:image/jpeg", 15) == 0 ||
	    strncasecmp(u, "data:image/gif", 14) == 0 ||
	    strncasecmp(u, "data:image/webp", 15) == 0))
		return 1;
	return 0;
}

static int
sc_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * Checks html[0..len); returns NULL when it keeps every rule, or what it
 * broke.  hosts: the embed hosts, space-separated.
 */
static const char *
sanitize_check(const char *html, size_t len, const char *hosts)
{
	const char *p = html, *end = html + len, *name, *an, *v;
	const char *stack[80];
	size_t stn[80], depth = 0, n, ann, vn;
	long un;

	while (p < end) {
		if (*p == '>')
			return "a '>' outside a tag";
		if (*p == '&') {
			const char *q = p + 1;

			if (q < end && *q == '#')
				q++;
			while (q < end && ((*q >= 'a' && *q <= 'z') ||
			    (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')))
				q++;
			if (q == p + 1 || q >= end || *q != ';')
				return "a '&' that is no reference";
			p = q + 1;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		p++;
		if (p < end && *p == '/') {
			for (name = ++p; p < end && sc_name_char(*p); p++)
				;
			n = (size_t)(p - name);
			if (p >= end || *p != '>')
				return "an end tag that is not </name>";
			p++;
			if (depth == 0 || stn[depth - 1] != n ||
			    memcmp(stack[depth - 1], name, n) != 0)
				return "an end tag that closes nothing open";
			depth--;
			continue;
		}
		for (name = p; p < end && sc_name_char(*p); p++)
			;
		n = (size_t)(p - name);
		if (!sc_in(sc_tags, name, n))
			return "a tag that is not allowed";
		int sandbox = 0, disabled = 0, checkbox = 0;
		while (p < end && *p == ' ') {
			for (an = ++p; p < end && *p >= 'a' && *p <= 'z'; p++)
				;
			ann = (size_t)(p - an);
			if (!sc_attr_ok(name, n, an, ann))
				return "an attribute that is not allowed";
			if (ann == 8 && memcmp(an, "disabled", 8) == 0)
				disabled = 1;
			if (p >= end || *p != '=')
				continue;
			if (end - p < 2 || p[1] != '"')
				return "an attribute value not double-quoted";
			v = p + 2;
			for (p = v; p < end && *p != '"'; p++)
				if (*p == '<' || *p == '>')
					return "a '<' or '>' in an attribute";
			if (p >= end)
				return "an attribute value that does not end";
			vn = (size_t)(p - v);
			p++;
			if (ann == 7 && memcmp(an, "sandbox", 7) == 0 &&
			    vn == strlen(SC_SANDBOX) &&
			    memcmp(v, SC_SANDBOX, vn) == 0)
				sandbox = 1;
			if (ann == 4 && memcmp(an, "type", 4) == 0 && n == 5 &&
			    vn == 8 && memcmp(v, "checkbox", 8) == 0)
				checkbox = 1;
			if ((ann == 4 && memcmp(an, "href", 4) == 0) ||
			    (ann == 3 && memcmp(an, "src", 3) == 0) ||
			    (ann == 6 && memcmp(an, "poster", 6) == 0) ||
			    (ann == 4 && memcmp(an, "cite", 4) == 0)) {
				char kind = ann == 4 && an[0] == 'h' ? 'l' :
				    n == 6 && memcmp(name, "iframe", 6) == 0 ?
				    'e' : n == 3 && memcmp(name, "img", 3) == 0 &&
				    ann == 3 ? 'i' : 'm';

				const char *why = NULL;
				/* Unescaped, a value is never longer. */
				char *url = malloc(vn + 1);

				if (url == NULL)
					abort();
				if ((un = sc_unescape(v, vn, url, vn + 1)) < 0)
					why = "a URL with a reference the escaper "
					    "does not write";
				else if (!sc_url_ok(url, (size_t)un, kind, hosts))
					why = "a URL with a scheme or host that is "
					    "not allowed";
				free(url);
				if (why != NULL)
					return why;
			}
			if (ann == 6 && memcmp(an, "srcset", 6) == 0) {
				const char *c = v, *e = v + vn, *sp;

				while (c < e) {
					char *url;
					int bad;

					sp = c;
					while (sp < e && *sp != ' ' && *sp != ',')
						sp++;
					if ((url = malloc((size_t)(sp - c) + 1)) ==
					    NULL)
						abort();
					bad = (un = sc_unescape(c, (size_t)(sp - c),
					    url, (size_t)(sp - c) + 1)) < 0 ||
					    !sc_url_ok(url, (size_t)un, 'm', hosts);
					free(url);
					if (bad)
						return "a srcset URL that is not "
						    "allowed";
					while (sp < e && *sp != ',')
						sp++;
					c = sp < e ? sp + 2 : e;
				}
			}
		}
		if (p >= end || *p != '>')
			return "a start tag that is not <name attr=\"value\">";
		p++;
		if (n == 6 && memcmp(name, "iframe", 6) == 0) {
			if (!sandbox)
				return "an iframe without the sandbox";
			if (end - p < 9 || memcmp(p, "</iframe>", 9) != 0)
				return "an iframe with content";
			p += 9;
			continue;
		}
		if (n == 5 && memcmp(name, "input", 5) == 0 &&
		    (!checkbox || !disabled))
			return "an input that is not a disabled checkbox";
		if (sc_in(sc_void, name, n))
			continue;
		if (depth == sizeof(stack) / sizeof(stack[0]))
			return "nesting deeper than the sanitizer allows";
		stack[depth] = name;
		stn[depth++] = n;
	}
	return depth == 0 ? NULL : "an element left open";
}
