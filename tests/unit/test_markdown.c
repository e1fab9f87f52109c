/*
 * test_markdown.c — both Markdown profiles and the plain-text rendering.
 *
 * Exact outputs are kept in tables (curl unit1302 style).  The reader
 * profile's attack inputs are checked differently: rather than pin down
 * their exact HTML, every tag in the output is parsed and must be one a
 * comment may contain, with only harmless attributes and only links to
 * http, https or mailto URLs that carry rel="nofollow ugc noopener".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "buf.h"
#include "markdown.h"

struct render_case {
	const char	*in;
	const char	*out;
};

static void
run_render_table(enum md_profile prof, const struct render_case *c,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(markdown_render(prof, c[i].in,
		    strlen(c[i].in), &b), 0);
		if (strcmp(b.p ? b.p : "", c[i].out) != 0)
			print_error("profile %d case %zu \"%s\":\n got \"%s\"\n"
			    "want \"%s\"\n", (int)prof, i, c[i].in,
			    b.p ? b.p : "", c[i].out);
		assert_string_equal(b.p ? b.p : "", c[i].out);
		buf_free(&b);
	}
}

static const struct render_case editor_cases[] = {
	{ "", "" },
	{ "Hello", "<p>Hello</p>\n" },
	{ "# Title", "<h1 id=\"title\">Title</h1>\n" },
	{ "## Hello, *World*!", "<h2 id=\"hello-world\">Hello, <em>World</em>!</h2>\n" },
	{ "# A\n# A\n# a",
	  "<h1 id=\"a\">A</h1>\n<h1 id=\"a-2\">A</h1>\n<h1 id=\"a-3\">a</h1>\n" },
	{ "### !!!", "<h3 id=\"section\">!!!</h3>\n" },
	{ "# snake_case and `code`",
	  "<h1 id=\"snake-case-and-code\">snake_case and <code>code</code></h1>\n" },
	{ "Title\n=====", "<h1 id=\"title\">Title</h1>\n" },
	{ "*em* **strong** ~~del~~ `code`",
	  "<p><em>em</em> <strong>strong</strong> <del>del</del> <code>code</code></p>\n" },
	{ "a  \nb\nc", "<p>a<br>\nb\nc</p>\n" },
	{ "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n" },
	{ "3. a\n4. b", "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n" },
	{ "1. a", "<ol>\n<li>a</li>\n</ol>\n" },
	{ "- [x] done\n- [ ] todo",
	  "<ul>\n<li class=\"task-list-item\"><input type=\"checkbox\" disabled checked> done</li>\n"
	  "<li class=\"task-list-item\"><input type=\"checkbox\" disabled> todo</li>\n</ul>\n" },
	{ "> quote", "<blockquote>\n<p>quote</p>\n</blockquote>\n" },
	{ "---", "<hr>\n" },
	{ "```c\nif (a < b)\n```",
	  "<pre><code class=\"language-c\">if (a &lt; b)\n</code></pre>\n" },
	{ "    indented", "<pre><code>indented\n</code></pre>\n" },
	{ "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
	  "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n"
	  "<th align=\"center\">b</th>\n<th align=\"right\">c</th>\n</tr>\n"
	  "</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n"
	  "<td align=\"center\">2</td>\n<td align=\"right\">3</td>\n</tr>\n"
	  "</tbody>\n</table>\n" },
	{ "<div class=\"box\">raw</div>", "<div class=\"box\">raw</div>\n" },
	{ "a <b>bold</b> c", "<p>a <b>bold</b> c</p>\n" },
	{ "&hearts; &amp; &copy; &#65; &#x42; &#0; &bogus;",
	  "<p>\xe2\x99\xa5 &amp; \xc2\xa9 A B \xef\xbf\xbd &bogus;</p>\n" },
	{ "[rel](/about \"About &amp; us\")",
	  "<p><a href=\"/about\" title=\"About &amp; us\">rel</a></p>\n" },
	{ "[ext](https://example.com/a?b=1&c=2)",
	  "<p><a href=\"https://example.com/a?b=1&amp;c=2\">ext</a></p>\n" },
	{ "[sp](<a b>) [ue](/caf\xc3\xa9)",
	  "<p><a href=\"a%20b\">sp</a> <a href=\"/caf%C3%A9\">ue</a></p>\n" },
	{ "[q](/a\"b)", "<p><a href=\"/a%22b\">q</a></p>\n" },
	{ "www.example.com", "<p><a href=\"http://www.example.com\">www.example.com</a></p>\n" },
	{ "![alt *text*](/i.png \"T\")",
	  "<p><img src=\"/i.png\" alt=\"alt text\" title=\"T\"></p>\n" },
	{ "[js](javascript:alert(1)) ![img](javascript:alert(1))",
	  "<p>js img</p>\n" },
	{ "[d](data:text/html,x) [v](vbscript:x) [f](file:///etc/passwd)",
	  "<p>d v f</p>\n" },
	/* Raw HTML passes the allow-list of sanitize.c (the audit's finding). */
	{ "a <script>alert(1)</script> b", "<p>a  b</p>\n" },
	{ "<img src=x onerror=alert(1)>", "<img src=\"x\">\n" },
	{ "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<p><a>x</a></p>\n" },
	{ "<div onclick=\"alert(1)\">\n\n*in*\n\n</div>",
	  "<div>\n<p><em>in</em></p>\n</div>\n" },
	{ "<iframe src=\"https://evil.example/\"></iframe>", "\n" },
};

static const struct render_case reader_cases[] = {
	{ "Hello *you*", "<p>Hello <em>you</em></p>\n" },
	{ "# Heading", "<h1>Heading</h1>\n" },
	{ "<b>bold</b>", "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n" },
	{ "<div>block</div>", "<p>&lt;div&gt;block&lt;/div&gt;</p>\n" },
	{ "<script>alert(1)</script>",
	  "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n" },
	{ "<img src=x onerror=alert(1)>",
	  "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n" },
	{ "[x](https://example.com/)",
	  "<p><a href=\"https://example.com/\" rel=\"nofollow ugc noopener\">x</a></p>\n" },
	{ "[x](HTTP://example.com/ \"t\")",
	  "<p><a href=\"HTTP://example.com/\" title=\"t\" rel=\"nofollow ugc noopener\">x</a></p>\n" },
	{ "<mailto:a@example.com> b@example.com",
	  "<p><a href=\"mailto:a@example.com\" rel=\"nofollow ugc noopener\">mailto:a@example.com</a> "
	  "<a href=\"mailto:b@example.com\" rel=\"nofollow ugc noopener\">b@example.com</a></p>\n" },
	{ "see https://example.com/x.",
	  "<p>see <a href=\"https://example.com/x\" rel=\"nofollow ugc noopener\">https://example.com/x</a>.</p>\n" },
	{ "[rel](/about) [frag](#top) [proto](//evil.example)",
	  "<p>rel frag proto</p>\n" },
	{ "[x](javascript:alert(1))", "<p>x</p>\n" },
	{ "[x](JAVASCRIPT:alert(1))", "<p>x</p>\n" },
	{ "[x]( javascript:alert(1))", "<p>x</p>\n" },
	{ "[x](&#106;avascript:alert(1))", "<p>x</p>\n" },
	{ "<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n" },
	{ "![x](javascript:alert(1))", "<p>x</p>\n" },
	{ "![pic](https://example.com/p.png)",
	  "<p><a href=\"https://example.com/p.png\" rel=\"nofollow ugc noopener\">pic</a></p>\n" },
	{ "![](https://example.com/p.png)",
	  "<p><a href=\"https://example.com/p.png\" rel=\"nofollow ugc noopener\">https://example.com/p.png</a></p>\n" },
	{ "[![pic](https://example.com/p.png)](https://example.com/)",
	  "<p><a href=\"https://example.com/\" rel=\"nofollow ugc noopener\">pic</a></p>\n" },
	{ "[a <https://inner.example>](https://outer.example)",
	  "<p><a href=\"https://outer.example\" rel=\"nofollow ugc noopener\">a https://inner.example</a></p>\n" },
	{ "- [x] task", "<ul>\n<li>[x] task</li>\n</ul>\n" },
	{ "| a |\n|---|\n| <i>b</i> |",
	  "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n"
	  "<tr>\n<td>&lt;i&gt;b&lt;/i&gt;</td>\n</tr>\n</tbody>\n</table>\n" },
};

static void
test_editor_table(void **state)
{
	run_render_table(MD_EDITOR, editor_cases,
	    sizeof(editor_cases) / sizeof(editor_cases[0]));
}

static void
test_reader_table(void **state)
{
	run_render_table(MD_READER, reader_cases,
	    sizeof(reader_cases) / sizeof(reader_cases[0]));
}

/* Inputs that try to get script, a tag or an attribute into a comment. */
static const char *const attacks[] = {
	"[x](javascript:alert(1))",
	"[x](JAVASCRIPT:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x]( javascript:alert(1))",
	"[x](<javascript:alert(1)>)",
	"[x](<  javascript:alert(1)>)",
	"[x](&#106;avascript:alert(1))",
	"[x](&#x6A;avascript:alert(1))",
	"[x](&#X6a;&#97;vascript:alert(1))",
	"[x](javascript&colon;alert(1))",
	"[x](javascript&#58;alert(1))",
	"[x](java&#x09;script:alert(1))",
	"[x](java&Tab;script:alert(1))",
	"[x](java&NewLine;script:alert(1))",
	"[x](&#x20;javascript:alert(1))",
	"[x](&#1;javascript:alert(1))",
	"[x](\x01javascript:alert(1))",
	"[x](java\\\x0bscript:alert(1))",
	"[x](vbscript:msgbox(1))",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"[x](DATA:text/html,<script>alert(1)</script>)",
	"[x](livescript:alert(1))",
	"[x][r]\n\n[r]: javascript:alert(1)",
	"[x][r]\n\n[r]: <javascript:alert(1)> \"t\"",
	"[javascript:alert(1)]",
	"<javascript:alert(1)>",
	"<JAVASCRIPT:alert(1)>",
	"<data:text/html,<script>alert(1)</script>>",
	"<vbscript:msgbox(1)>",
	"![x](javascript:alert(1))",
	"![x](data:image/svg+xml,<svg onload=alert(1)>)",
	"![x](https://example.com/\"onerror=\"alert(1))",
	"![x\" onerror=\"alert(1)](https://example.com/p.png)",
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	"<img src=x onerror=alert(1)>",
	"<svg/onload=alert(1)>",
	"<iframe src=javascript:alert(1)>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<style>body{display:none}</style>",
	"<!-- comment --><x onclick=alert(1)>",
	"<div>\n\n<script>alert(1)</script>\n\n</div>",
	"`<script>alert(1)</script>`",
	"```\n<script>alert(1)</script>\n```",
	"```\"><script>alert(1)</script>\nx\n```",
	"\\<script\\>alert(1)\\</script\\>",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"&#60;script&#62;alert(1)&#60;/script&#62;",
	"[x](https://example.com/\"onmouseover=\"alert(1))",
	"[x](https://example.com/ \"a\\\" onmouseover=\\\"alert(1)\")",
	"[x](https://example.com/ 'a\" onmouseover=\"alert(1)')",
	"[x](https://example.com/><script>alert(1)</script>)",
	"www.example.com/<script>alert(1)</script>",
	"http://example.com/\"onmouseover=\"alert(1)",
	"x@example.com\"onmouseover=\"alert(1)",
	"| <script> |\n|---|\n| <img src=x onerror=alert(1)> |",
	"# <script>alert(1)</script>",
	"[<img src=x onerror=alert(1)>](https://example.com/)",
	"[a](https://example.com/)[b](javascript:alert(1))",
	"[[x](javascript:alert(1))](https://example.com/)",
	"[a <javascript:alert(1)>](https://example.com/)",
	"![a [b](javascript:alert(1))](https://example.com/p.png)",
	"![![x](javascript:alert(1))](javascript:alert(2))",
	"&#0;&#xD800;&#x110000;&#99999999999;",
	"\xef\xbb\xbf<script>alert(1)</script>",
};

static int
is_tag_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* True if the NUL-terminated name is in the NULL-terminated list. */
static int
in_list(const char *const *list, const char *name, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, name, n) == 0)
			return 1;
	return 0;
}

/*
 * Checks that html holds only tags from the reader's vocabulary with
 * double-quoted, harmless attributes, and that every <a> links to http,
 * https or mailto with the reader's rel.  Returns the number of <a> tags,
 * or -1 if html breaks a rule, printing why unless in is NULL.
 */
static int
check_reader_html(const char *in, const char *html)
{
	static const char *const tags[] = {
		"p", "a", "em", "strong", "code", "pre", "del", "ul", "ol",
		"li", "br", "hr", "blockquote", "h1", "h2", "h3", "h4", "h5",
		"h6", "table", "thead", "tbody", "tr", "th", "td", NULL
	};
	static const char *const attrs[] = {
		"href", "title", "rel", "align", "start", "class", NULL
	};
	const char *p = html, *name, *v, *why;
	size_t n;
	int links = 0, is_a, has_rel, has_href;

	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (*p == '/')
			p++;
		for (name = p; is_tag_char(*p); p++)
			;
		n = (size_t)(p - name);
		if (!in_list(tags, name, n)) {
			why = "tag";
			goto bad;
		}
		is_a = n == 1 && name[0] == 'a' && name[-1] != '/';
		has_rel = has_href = 0;
		while (*p == ' ') {
			p++;
			for (name = p; *p >= 'a' && *p <= 'z'; p++)
				;
			n = (size_t)(p - name);
			if (!in_list(attrs, name, n) || p[0] != '=' ||
			    p[1] != '"') {
				why = "attribute";
				goto bad;
			}
			v = p + 2;
			if ((p = strchr(v, '"')) == NULL) {
				why = "unterminated value";
				goto bad;
			}
			if (memchr(v, '<', (size_t)(p - v)) != NULL ||
			    memchr(v, '>', (size_t)(p - v)) != NULL) {
				why = "markup in a value";
				goto bad;
			}
			if (n == 4 && memcmp(name, "href", 4) == 0) {
				has_href = 1;
				if (strncasecmp(v, "http:", 5) != 0 &&
				    strncasecmp(v, "https:", 6) != 0 &&
				    strncasecmp(v, "mailto:", 7) != 0) {
					why = "href scheme";
					goto bad;
				}
			}
			if (n == 3 && memcmp(name, "rel", 3) == 0) {
				if (p - v != 21 || memcmp(v,
				    "nofollow ugc noopener", 21) != 0) {
					why = "rel value";
					goto bad;
				}
				has_rel = 1;
			}
			p++;
		}
		if (*p != '>') {
			why = "junk in a tag";
			goto bad;
		}
		if (is_a && !(has_href && has_rel)) {
			why = "link without href or rel";
			goto bad;
		}
		links += is_a;
	}
	return links;
bad:
	if (in != NULL)
		print_error("input \"%s\": %s in \"%s\"\n", in, why, html);
	return -1;
}

static void
test_reader_attacks(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(markdown_render(MD_READER, attacks[i],
		    strlen(attacks[i]), &b), 0);
		assert_int_not_equal(check_reader_html(attacks[i],
		    b.p ? b.p : ""), -1);
		buf_free(&b);
	}
}

/* The checker itself must catch what it is there to catch. */
static void
test_checker(void **state)
{
	static const char *const bad[] = {
		"<p><a href=\"javascript:x\" rel=\"nofollow ugc noopener\">x</a></p>",
		"<p><a href=\"/rel\" rel=\"nofollow ugc noopener\">x</a></p>",
		"<p><a href=\"https://x\">x</a></p>",
		"<p><a href=\"https://x\" rel=\"nofollow\">x</a></p>",
		"<p onclick=\"x\">x</p>",
		"<p><img src=\"https://x\"></p>",
		"<script>x</script>",
		"<p><a href=https://x rel=\"nofollow ugc noopener\">x</a></p>",
		"<p title=\"<x>\">x</p>",
		"<p/onclick=x>",
	};
	const char *ok = "<p><a href=\"https://x\" rel=\"nofollow ugc noopener\">x</a></p>\n";
	size_t i;

	assert_int_equal(check_reader_html("-", ok), 1);
	assert_int_equal(check_reader_html("-", "<p>a &lt;b&gt;</p>"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(check_reader_html(NULL, bad[i]), -1);
}

/* Dangerous links are dropped in the editor profile too. */
static void
test_editor_drops_bad_schemes(void **state)
{
	static const char *const bad[] = {
		"[x](javascript:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](java&#x09;script:alert(1))",
		"[x](javascript&colon;alert(1))",
		"<javascript:alert(1)>",
		"![x](javascript:alert(1))",
		"![x](data:image/svg+xml,x)",
		"[x][r]\n\n[r]: vbscript:x",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(markdown_render(MD_EDITOR, bad[i],
		    strlen(bad[i]), &b), 0);
		if (strstr(b.p, "href") != NULL || strstr(b.p, "src") != NULL)
			print_error("case %zu: \"%s\"\n", i, b.p);
		assert_null(strstr(b.p, "href"));
		assert_null(strstr(b.p, "src"));
		buf_free(&b);
	}
}

static void
test_render_errors(void **state)
{
	struct buf b;
	const char *big = "# Heading\n\nSome paragraph text that is long.";

	/* The cap is an error the caller sees, in either profile. */
	buf_init(&b, 16);
	assert_int_equal(markdown_render(MD_EDITOR, big, strlen(big), &b), -1);
	assert_int_not_equal(buf_err(&b), 0);
	buf_free(&b);
	buf_init(&b, 16);
	assert_int_equal(markdown_render(MD_READER, big, strlen(big), &b), -1);
	buf_free(&b);

	buf_init(&b, 0);
	assert_int_equal(markdown_render(MD__MAX, "x", 1, &b), -1);
	assert_int_equal(markdown_render((enum md_profile)-1, "x", 1, &b), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(markdown_render(MD_READER, NULL, 0, &b), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* A NUL byte in the input becomes U+FFFD, as CommonMark asks. */
static void
test_render_nul(void **state)
{
	struct buf b = BUF_INIT;

	assert_int_equal(markdown_render(MD_READER, "a\0b", 3, &b), 0);
	assert_string_equal(b.p, "<p>a\xef\xbf\xbd" "b</p>\n");
	buf_reset(&b);
	assert_int_equal(markdown_text("a\0b", 3, 10, &b), 0);
	assert_string_equal(b.p, "a\xef\xbf\xbd" "b");
	buf_free(&b);
}

/*
 * Inputs on which md4c 0.4.8 reads past the end of its input (fixed in
 * md4c 0.5.0); markdown.c pads its copy so the reads stay in bounds.  The
 * unit tests cannot see the over-read (Debian's md4c is not instrumented),
 * but they pin down that the outcome is a normal rendering.
 */
static void
test_md4c_overreads(void **state)
{
	static const char *const in[] = {
		"\xa9##r[](r[](",
		"[y](&#116;avascrip[y](&#t",
		"<script>\n</scrip",
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		buf_reset(&b);
		assert_int_equal(markdown_render(MD_READER, in[i],
		    strlen(in[i]), &b), 0);
		assert_int_not_equal(check_reader_html(in[i], b.p), -1);
		buf_reset(&b);
		assert_int_equal(markdown_render(MD_EDITOR, in[i],
		    strlen(in[i]), &b), 0);
		buf_reset(&b);
		assert_int_equal(markdown_text(in[i], strlen(in[i]), 50, &b), 0);
	}
	buf_free(&b);
}

/* Output is appended; what the buffer held before stays. */
static void
test_render_appends(void **state)
{
	struct buf b = BUF_INIT;

	BUF_LIT(&b, "<article>");
	assert_int_equal(markdown_render(MD_READER, "hi", 2, &b), 0);
	assert_string_equal(b.p, "<article><p>hi</p>\n");
	buf_free(&b);
}

/* Ids are unique within one rendering, also past the 256th heading. */
static void
test_heading_ids_many(void **state)
{
	struct buf src = BUF_INIT, b = BUF_INIT;
	int i;

	for (i = 0; i < 300; i++)
		BUF_LIT(&src, "## Same\n");
	assert_int_equal(markdown_render(MD_EDITOR, src.p, src.len, &b), 0);
	assert_non_null(strstr(b.p, "<h2 id=\"same\">"));
	assert_non_null(strstr(b.p, "<h2 id=\"same-256\">"));
	assert_null(strstr(b.p, "<h2 id=\"same-257\">"));
	assert_non_null(strstr(b.p, "<h2>Same</h2>"));
	buf_free(&src);
	buf_free(&b);
}

struct text_case {
	const char	*in;
	size_t		 max;
	const char	*out;
};

static const struct text_case text_cases[] = {
	{ "", 10, "" },
	{ "Hello", 10, "Hello" },
	{ "Hello", 5, "Hello" },
	{ "# Title\n\nSome *text*, `code` and [a link](/x).", 100,
	  "Title Some text, code and a link." },
	{ "<b>raw</b> &amp; &hearts; &bogus;", 100,
	  "raw & \xe2\x99\xa5 &bogus;" },
	{ "- one\n- two\n\n> three", 100, "one two three" },
	{ "a  \nb\tc\x01" "d", 100, "a b c d" },
	{ "![alt](/i.png) end", 100, "alt end" },
	{ "| a | b |\n|---|---|\n| 1 | 2 |", 100, "a b 1 2" },
	{ "abcdefghij", 9, "abcdef\xe2\x80\xa6" },
	{ "one two three four", 12, "one two\xe2\x80\xa6" },
	{ "one two three four", 13, "one two\xe2\x80\xa6" },
	{ "one two three four", 17, "one two three\xe2\x80\xa6" },
	/* Two-byte characters: the cut never splits one. */
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8,
	  "\xc3\xa9\xc3\xa9\xe2\x80\xa6" },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 9,
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6" },
	/* Three- and four-byte characters. */
	{ "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 10,
	  "\xe2\x82\xac\xe2\x82\xac\xe2\x80\xa6" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 10,
	  "\xf0\x9f\x98\x80\xe2\x80\xa6" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 6,
	  "\xe2\x80\xa6" },
	/* Too little room for the ellipsis: cut short without one. */
	{ "abcdef", 2, "ab" },
	{ "\xc3\xa9\xc3\xa9", 2, "\xc3\xa9" },
	{ "\xc3\xa9\xc3\xa9", 3, "\xe2\x80\xa6" },
	{ "abcdef", 0, "" },
	/* A space right at the cut is not kept before the ellipsis. */
	{ "abcd efgh", 7, "abcd\xe2\x80\xa6" },
};

static void
test_text_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		const struct text_case *c = &text_cases[i];
		struct buf b = BUF_INIT;

		assert_int_equal(markdown_text(c->in, strlen(c->in), c->max,
		    &b), 0);
		if (strcmp(b.p ? b.p : "", c->out) != 0)
			print_error("case %zu \"%s\" max %zu:\n got \"%s\"\n"
			    "want \"%s\"\n", i, c->in, c->max,
			    b.p ? b.p : "", c->out);
		assert_string_equal(b.p ? b.p : "", c->out);
		assert_true(b.len <= c->max);
		buf_free(&b);
	}
}

/* Every cut of a long mixed text stays within max and on a boundary. */
static void
test_text_every_max(void **state)
{
	const char *s = "Caf\xc3\xa9 \xe2\x82\xac 5, \xf0\x9f\x98\x80 na\xc3\xafve "
	    "r\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 fin";
	size_t max, i;

	for (max = 0; max < strlen(s) + 4; max++) {
		struct buf b = BUF_INIT;
		const unsigned char *u;

		assert_int_equal(markdown_text(s, strlen(s), max, &b), 0);
		assert_true(b.len <= max);
		u = (const unsigned char *)(b.p ? b.p : "");
		/* A complete character never ends in a lead byte. */
		for (i = 0; i < b.len; i++) {
			if (u[i] >= 0xc0) {
				size_t need = u[i] >= 0xf0 ? 4 :
				    u[i] >= 0xe0 ? 3 : 2;
				assert_true(i + need <= b.len);
			}
		}
		buf_free(&b);
	}
}

static void
test_text_errors(void **state)
{
	struct buf b;

	buf_init(&b, 4);
	assert_int_equal(markdown_text("hello world", 11, 100, &b), -1);
	buf_free(&b);
	buf_init(&b, 0);
	BUF_LIT(&b, ">");
	assert_int_equal(markdown_text("x", 1, 10, &b), 0);
	assert_string_equal(b.p, ">x");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editor_table),
		cmocka_unit_test(test_reader_table),
		cmocka_unit_test(test_reader_attacks),
		cmocka_unit_test(test_checker),
		cmocka_unit_test(test_editor_drops_bad_schemes),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_render_nul),
		cmocka_unit_test(test_md4c_overreads),
		cmocka_unit_test(test_render_appends),
		cmocka_unit_test(test_heading_ids_many),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_text_every_max),
		cmocka_unit_test(test_text_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
