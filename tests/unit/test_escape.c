/*
 * test_escape.c — one table per escaper in src/escape.c.
 *
 * Inputs carry their length so that NUL and other control bytes can be
 * part of a case; a failing row is printed before the assertion.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "escape.h"

struct esc_case {
	const char	*in;
	size_t		 len;
	const char	*out;
	size_t		 outlen;
};

#define ESC(s, o)	{ (s), sizeof(s) - 1, (o), sizeof(o) - 1 }
#define FFFD		"\xef\xbf\xbd"

static const struct esc_case html_cases[] = {
	ESC("", ""),
	ESC("plain text", "plain text"),
	ESC("a & b", "a &amp; b"),
	ESC("<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;"),
	ESC("\"double\" 'single'", "&quot;double&quot; &#39;single&#39;"),
	ESC("\" onmouseover=\"x", "&quot; onmouseover=&quot;x"),
	ESC("&amp;", "&amp;amp;"),
	ESC("caf\xc3\xa9 \xe2\x80\x94", "caf\xc3\xa9 \xe2\x80\x94"),
	ESC("<<>>", "&lt;&lt;&gt;&gt;"),
	ESC("a\0b", "a\0b"),
};

static const struct esc_case url_cases[] = {
	ESC("", ""),
	ESC("AZaz09-._~", "AZaz09-._~"),
	ESC("a b", "a%20b"),
	ESC("a+b", "a%2Bb"),
	ESC("a/b?c=d&e#f", "a%2Fb%3Fc%3Dd%26e%23f"),
	ESC("100%", "100%25"),
	ESC("caf\xc3\xa9", "caf%C3%A9"),
	ESC("\"<>'", "%22%3C%3E%27"),
	ESC("a\0b", "a%00b"),
	ESC("\r\n", "%0D%0A"),
	ESC("\xff", "%FF"),
};

static const struct esc_case json_cases[] = {
	ESC("", ""),
	ESC("plain", "plain"),
	ESC("say \"hi\"", "say \\\"hi\\\""),
	ESC("back\\slash", "back\\\\slash"),
	ESC("</script>", "\\u003c\\/script\\u003e"),
	ESC("a/b", "a\\/b"),
	ESC("<!--", "\\u003c!--"),
	ESC("&'", "\\u0026\\u0027"),
	ESC("\n\r\t", "\\n\\r\\t"),
	ESC("\b\f", "\\u0008\\u000c"),
	ESC("\x01\x1f", "\\u0001\\u001f"),
	ESC("a\0b", "a\\u0000b"),
	ESC("caf\xc3\xa9", "caf\xc3\xa9"),
	ESC("\xe2\x80\xa8", "\xe2\x80\xa8"),
};

static const struct esc_case xml_cases[] = {
	ESC("", ""),
	ESC("plain", "plain"),
	ESC("a & b < c > d", "a &amp; b &lt; c &gt; d"),
	ESC("\"'", "&quot;&apos;"),
	ESC("]]>", "]]&gt;"),
	ESC("tab\there\nnl\rcr", "tab\there\nnl\rcr"),
	ESC("a\0b", "ab"),
	ESC("\x01\x08\x0b\x0c\x1f", ""),
	ESC("x\x1by", "xy"),
	ESC("caf\xc3\xa9", "caf\xc3\xa9"),
	/* What XML 1.0 cannot carry becomes U+FFFD, one per bad byte. */
	ESC("\xef\xbf\xbe|\xef\xbf\xbf", FFFD "|" FFFD),
	ESC("\xef\xbf\xbd", FFFD),
	ESC("\xed\xa0\x80", FFFD FFFD FFFD),
	ESC("\xed\x9f\xbf", "\xed\x9f\xbf"),
	ESC("\xee\x80\x80", "\xee\x80\x80"),
	ESC("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"),
	ESC("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD),
	ESC("\xc0\xbc", FFFD FFFD),
	ESC("\xe0\x80\xbc", FFFD FFFD FFFD),
	ESC("\xff<", FFFD "&lt;"),
	ESC("caf\xc3", "caf" FFFD),
	ESC("\xc3<\xa9", FFFD "&lt;" FFFD),
	ESC("\xc2\x85\x7f", "\xc2\x85\x7f"),
};

static const struct esc_case cdata_cases[] = {
	ESC("", "<![CDATA[]]>"),
	ESC("<p>a & b</p>", "<![CDATA[<p>a & b</p>]]>"),
	ESC("x]]>y", "<![CDATA[x]]]]><![CDATA[>y]]>"),
	ESC("]]]>", "<![CDATA[]]]]]><![CDATA[>]]>"),
	ESC("]]", "<![CDATA[]]]]>"),
	ESC("a\x01\x1f\tb\n", "<![CDATA[a\tb\n]]>"),
	ESC("\xef\xbf\xbe\xff", "<![CDATA[" FFFD FFFD "]]>"),
	ESC("caf\xc3\xa9", "<![CDATA[caf\xc3\xa9]]>"),
};

static const struct esc_case utf8_cases[] = {
	ESC("", ""),
	ESC("<&>\x01\t", "<&>\x01\t"),
	ESC("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80"),
	ESC("\xef\xbf\xbe", "\xef\xbf\xbe"),
	ESC("\xed\xbf\xbf", FFFD FFFD FFFD),
	ESC("a\x80" "b", "a" FFFD "b"),
	ESC("\xe2\x80", FFFD FFFD),
	ESC("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD),
};

static void
run_table(const char *name, void (*fn)(struct buf *, const char *, size_t),
    const struct esc_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		size_t olen = cases[i].outlen;

		BUF_LIT(&b, "[");
		fn(&b, cases[i].in, cases[i].len);
		BUF_LIT(&b, "]");
		if (b.len != olen + 2 ||
		    memcmp(b.p + 1, cases[i].out, olen) != 0)
			print_error("%s case %zu: got \"%.*s\"\n", name, i,
			    (int)b.len, b.p);
		assert_int_equal(b.len, olen + 2);
		assert_memory_equal(b.p + 1, cases[i].out, olen);
		assert_int_equal(b.p[olen + 1], ']');
		assert_int_equal(buf_err(&b), 0);
		buf_free(&b);
	}
}

static void
test_esc_html(void **state)
{
	run_table("esc_html", esc_html, html_cases,
	    sizeof(html_cases) / sizeof(html_cases[0]));
}

static void
test_esc_url(void **state)
{
	run_table("esc_url", esc_url, url_cases,
	    sizeof(url_cases) / sizeof(url_cases[0]));
}

static void
test_esc_json(void **state)
{
	run_table("esc_json", esc_json, json_cases,
	    sizeof(json_cases) / sizeof(json_cases[0]));
}

static void
test_esc_xml(void **state)
{
	run_table("esc_xml", esc_xml, xml_cases,
	    sizeof(xml_cases) / sizeof(xml_cases[0]));
}

static void
test_esc_xml_cdata(void **state)
{
	run_table("esc_xml_cdata", esc_xml_cdata, cdata_cases,
	    sizeof(cdata_cases) / sizeof(cdata_cases[0]));
}

static void
test_esc_utf8(void **state)
{
	run_table("esc_utf8", esc_utf8, utf8_cases,
	    sizeof(utf8_cases) / sizeof(utf8_cases[0]));
}

/*
 * Whatever the bytes, esc_xml's output is UTF-8 holding only characters
 * XML 1.0 allows: every three-byte sequence and a sample of the rest.
 */
static void
test_xml_chars(void **state)
{
	struct buf b = BUF_INIT;
	unsigned char in[4];
	uint32_t v;
	size_t i;

	for (v = 0; v < 0x1000000; v += (v < 0x10000 ? 1 : 251)) {
		in[0] = (unsigned char)(v >> 16);
		in[1] = (unsigned char)(v >> 8);
		in[2] = (unsigned char)v;
		in[3] = (unsigned char)(v * 7);
		buf_reset(&b);
		esc_xml(&b, (const char *)in, 4);
		for (i = 0; i < b.len; i++) {
			unsigned char c = (unsigned char)b.p[i];
			uint32_t cp;
			size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

			assert_true(c >= 0x20 || c == '\t' || c == '\n' ||
			    c == '\r');
			assert_true(c < 0xf8 && (c < 0x80 || c >= 0xc2));
			assert_true(i + k <= b.len);
			cp = k == 1 ? c : c & (0x7f >> k);
			for (size_t j = 1; j < k; j++) {
				assert_int_equal((unsigned char)b.p[i + j] & 0xc0,
				    0x80);
				cp = cp << 6 | ((unsigned char)b.p[i + j] & 0x3f);
			}
			assert_false(cp >= 0xd800 && cp <= 0xdfff);
			assert_true(cp != 0xfffe && cp != 0xffff &&
			    cp <= 0x10ffff);
			assert_true(k == 1 || cp >= (k == 2 ? 0x80u : k == 3 ?
			    0x800u : 0x10000u));
			i += k - 1;
		}
	}
	buf_free(&b);
}

/* The escape of one byte, as the HTML escaper must write it. */
static const char *
html_one(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* esc_html(s[0..len)) must give what escaping byte by byte gives. */
static void
check_html_bytes(const char *s, size_t len)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	const char *rep;
	size_t i;

	esc_html(&b, s, len);
	for (i = 0; i < len; i++)
		if ((rep = html_one(s[i])) != NULL)
			buf_puts(&want, rep);
		else
			buf_putc(&want, s[i]);
	assert_int_equal(b.len, want.len);
	if (want.len > 0)
		assert_memory_equal(b.p, want.p, want.len);
	buf_free(&b);
	buf_free(&want);
}

/*
 * esc_html() tests sixteen bytes at a time: every length up to three
 * blocks and a tail, with each special byte at every position (and two
 * at once), every start alignment, bytes above 0x7f, and blocks dense
 * with special bytes.
 */
static void
test_esc_html_runs(void **state)
{
	static const char special[] = "&<>\"'";
	char in[64];
	size_t len, at, k, off, i;

	for (len = 0; len <= 50; len++)
		for (at = 0; at <= len; at++)
			for (k = 0; k < sizeof(special); k++)
				for (off = 0; off < 3; off++) {
					char *s = in + off;

					for (i = 0; i < len; i++)
						s[i] = (char)(i % 7 == 3 ?
						    0xe2 : 'a' + i % 26);
					if (at < len && k < 5)
						s[at] = special[k];
					if (at + 17 < len)
						s[at + 17] = '"';
					check_html_bytes(s, len);
				}
	/* Many in one block: every byte, then every other, then every third. */
	for (k = 1; k <= 3; k++)
		for (len = 0; len <= 50; len++) {
			for (i = 0; i < len; i++)
				in[i] = i % k == 0 ? special[i % 5] : 'x';
			check_html_bytes(in, len);
		}
}

/* Every escaper leaves no byte that could end its context unescaped. */
static void
test_all_bytes(void **state)
{
	char in[256];
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;

	esc_html(&b, in, sizeof(in));
	for (i = 0; i < b.len; i++)
		assert_true(b.p[i] != '<' && b.p[i] != '>' && b.p[i] != '"' &&
		    b.p[i] != '\'');
	buf_reset(&b);

	esc_url(&b, in, sizeof(in));
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];
		assert_true((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '%');
	}
	assert_int_equal(b.len, 66 + (256 - 66) * 3);
	buf_reset(&b);

	esc_json(&b, in, sizeof(in));
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];
		assert_true(c >= 0x20);
		assert_true(c != '<' && c != '>' && c != '&' && c != '\'');
		if (c == '"' || c == '/')
			assert_int_equal(b.p[i - 1], '\\');
	}
	buf_reset(&b);

	esc_xml(&b, in, sizeof(in));
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];
		assert_true(c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
		assert_true(c != '<' && c != '>' && c != '"' && c != '\'');
	}
	buf_free(&b);
}

/* An escaper stops at the buffer's cap and leaves the error for later. */
static void
test_cap(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	esc_html(&b, "<<<", 3);
	assert_int_not_equal(buf_err(&b), 0);
	assert_true(b.len <= 8);
	buf_free(&b);

	buf_init(&b, 8);
	esc_json(&b, "\x01\x01", 2);
	assert_int_not_equal(buf_err(&b), 0);
	assert_true(b.len <= 8);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esc_html),
		cmocka_unit_test(test_esc_html_runs),
		cmocka_unit_test(test_esc_url),
		cmocka_unit_test(test_esc_json),
		cmocka_unit_test(test_esc_xml),
		cmocka_unit_test(test_esc_xml_cdata),
		cmocka_unit_test(test_esc_utf8),
		cmocka_unit_test(test_xml_chars),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
