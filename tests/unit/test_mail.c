/*
 * test_mail.c — the messages mail_compose() writes: CRLF lines of at
 * most 76 bytes, RFC 2047 words for names and subjects that are not
 * ASCII (split between characters, each at most 75 bytes), headers
 * folded to 78 columns (76 with encoded words) that unfold and decode
 * back to the text given,
 * quoted-printable bodies, no header smuggled in through a value, and
 * an attachment in base64 beside the alternatives (multipart/mixed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "mail.h"

static struct buf msg;

static void
compose(const char *name, const char *subject, const char *text)
{
	char err[256];

	config_free(&config);
	config_defaults(&config);
	free(config.mail_from);
	config.mail_from = strdup("Télécom Daily <news@example.com>");
	assert_int_equal(mail_init(err, sizeof(err)), 0);
	buf_free(&msg);
	mail_compose(&msg, name, "reader@example.org", subject, text,
	    "<p>html</p>");
	assert_int_equal(buf_err(&msg), 0);
	mail_free();
}

/* The header line that starts with name (case as written). */
static const char *
header(const char *name)
{
	const char *p = msg.p;
	size_t n = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0)
			return p;
		if ((p = strstr(p, "\r\n")) != NULL)
			p += 2;
		if (p != NULL && strncmp(p, "\r\n", 2) == 0)
			break;
	}
	return NULL;
}

/* Whether n bytes are whole UTF-8 characters (no sequence cut short). */
static int
utf8_whole(const char *s, size_t n)
{
	size_t i = 0, k;
	unsigned char c;

	while (i < n) {
		c = (unsigned char)s[i];
		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ?
		    2 : 0;
		if (k == 0 || i + k > n)
			return 0;
		for (i++; --k > 0; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* Decodes the encoded words of one header (with its folded lines) into out. */
static void
decode_words(const char *v, char *out, size_t outsz)
{
	char field[2000];
	const char *p = v, *q;
	size_t len = 0, n;

	for (n = 0; v[n] != '\0' && n + 1 < sizeof(field); n++) {
		if (v[n] == '\r' && v[n + 1] == '\n' && v[n + 2] != ' ')
			break;
		field[n] = v[n];
	}
	field[n] = '\0';
	p = field;
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		q = strstr(p, "?=");
		assert_non_null(q);
		assert_int_equal(sodium_base642bin((unsigned char *)out + len,
		    outsz - len - 1, p, (size_t)(q - p), NULL, &n, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		len += n;
		p = q + 2;
	}
	out[len] = '\0';
}

static void
test_lines(void **state)
{
	char text[2000];
	const char *p, *e;

	memset(text, 'x', 300);
	strcpy(text + 300, "\n.leading dot\ntrailing space \nequals = sign\n"
	    "caf\xc3\xa9\n");
	compose("Zo\xc3\xab Reader", "Hello", text);
	for (p = msg.p; (e = strstr(p, "\r\n")) != NULL; p = e + 2) {
		assert_true(e - p <= 76);
		assert_null(memchr(p, '\n', (size_t)(e - p)));
		assert_false(*p == '.');
	}
	assert_string_equal(p, "");
	assert_non_null(strstr(msg.p, "\r\n=2Eleading dot\r\n"));
	assert_non_null(strstr(msg.p, "\r\ntrailing space=20\r\n"));
	assert_non_null(strstr(msg.p, "\r\nequals =3D sign\r\n"));
	assert_non_null(strstr(msg.p, "\r\ncaf=C3=A9\r\n"));
	assert_non_null(strstr(msg.p, "Content-Type: multipart/alternative;"));
	assert_non_null(header("Message-ID: <"));
	assert_non_null(strstr(header("Message-ID: <"), "@example.com>"));
	assert_non_null(header("Date: "));
	assert_non_null(header("MIME-Version: 1.0"));
}

static void
test_encoded_words(void **state)
{
	char subject[600], got[1200];
	const char *s, *p;
	size_t i;

	subject[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(subject, "\xc3\x9cml\xc3\xa4ut ");	/* "Ümläut " */
	compose("Zo\xc3\xab Reader", subject, "x");
	s = header("Subject: ");
	assert_non_null(s);
	/* Every word fits in 75 bytes and holds whole characters. */
	for (p = s; (p = strstr(p, "=?UTF-8?B?")) != NULL; p += 2)
		assert_true(strstr(p, "?=") + 2 - p <= 75);
	decode_words(s, got, sizeof(got));
	assert_string_equal(got, subject);
	decode_words(header("To: "), got, sizeof(got));
	assert_string_equal(got, "Zo\xc3\xab Reader");
	assert_non_null(strstr(header("To: "), "<reader@example.org>"));
	decode_words(header("From: "), got, sizeof(got));
	assert_string_equal(got, "T\xc3\xa9l\xc3\xa9" "com Daily");
}

static void
test_no_injection(void **state)
{
	compose("Eve, \"the\" <admin>", "Hi\r\nBcc: victim@example.com",
	    "x");
	assert_null(header("Bcc:"));
	assert_non_null(strstr(msg.p, "Subject: Hi  Bcc: victim@example.com\r\n"));
	assert_non_null(strstr(msg.p,
	    "To: \"Eve, \\\"the\\\" <admin>\" <reader@example.org>\r\n"));
}

/*
 * The value of header name ("Subject"), unfolded as RFC 5322 says (a
 * CRLF before whitespace is removed, nothing else) and decoded as RFC
 * 2047 says (the whitespace between two encoded words is dropped), into
 * out.  Each encoded word must hold whole UTF-8 characters.
 */
static void
field_value(const char *name, char *out, size_t outsz)
{
	char un[4000], w[200];
	const char *p = header(name), *q, *e;
	size_t n = 0, len = 0, got, k;
	int last_word = 0;

	assert_non_null(p);
	p += strlen(name) + 1;		/* "Name:" */
	for (; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			if (p[2] != ' ' && p[2] != '\t')
				break;
			p++;
			continue;
		}
		assert_true(n + 1 < sizeof(un));
		un[n++] = *p;
	}
	un[n] = '\0';
	/* The space after the colon is not part of the value. */
	p = un[0] == ' ' ? un + 1 : un;
	while (*p != '\0') {
		k = strspn(p, " \t");
		q = p + k;
		if (strncmp(q, "=?UTF-8?B?", 10) == 0 &&
		    (e = strstr(q + 10, "?=")) != NULL) {
			/* Whitespace between encoded words is not text. */
			if (!last_word) {
				memcpy(out + len, p, k);
				len += k;
			}
			assert_true((size_t)(e + 2 - q) <= 75);
			assert_int_equal(sodium_base642bin((unsigned char *)w,
			    sizeof(w), q + 10, (size_t)(e - q - 10), NULL, &got,
			    NULL, sodium_base64_VARIANT_ORIGINAL), 0);
			w[got] = '\0';
			assert_true(utf8_whole(w, got));
			assert_true(len + got < outsz);
			memcpy(out + len, w, got);
			len += got;
			last_word = 1;
			p = e + 2;
			continue;
		}
		k += strcspn(q, " \t");
		assert_true(len + k < outsz);
		memcpy(out + len, p, k);
		len += k;
		last_word = 0;
		p += k;
	}
	out[len] = '\0';
}

/*
 * Every header line keeps to 78 columns, and one holding an encoded
 * word to 76; no header line is empty or blank.  Only a token without
 * whitespace that is longer than a line (a URL) may pass 78, alone on
 * its continuation line, and never 998.
 */
static void
check_header_lines(void)
{
	const char *p = msg.p, *e;

	for (; (e = strstr(p, "\r\n")) != NULL && e != p; p = e + 2) {
		assert_true(e - p <= 998);
		if (e - p > 78) {
			/* "Name: token" or " token", the token unbreakable. */
			const char *t = p[0] == ' ' ? p + 1 :
			    strchr(p, ':') + 2;

			assert_true(t[-1] == ' ');
			assert_true(strcspn(t, " \t\r") == (size_t)(e - t));
		}
		if (memmem(p, (size_t)(e - p), "=?", 2) != NULL)
			assert_true(e - p <= 76);
		assert_true((size_t)(e - p) > strspn(p, " \t"));
	}
	assert_non_null(e);
}

static void
compose_from(const char *from, const char *name, const char *subject,
    const char *const *headers)
{
	char err[256];

	config_free(&config);
	config_defaults(&config);
	free(config.mail_from);
	config.mail_from = strdup(from);
	assert_int_equal(mail_init(err, sizeof(err)), 0);
	buf_free(&msg);
	mail_compose_with(&msg, name, "reader@example.org", subject, "x",
	    "<p>x</p>", headers);
	assert_int_equal(buf_err(&msg), 0);
	mail_free();
}

/* Long subjects and names, plain and not, fold and decode back exactly. */
static void
test_folding(void **state)
{
	static const char *const texts[] = {
		/* Plain ASCII, folded at its spaces (two kept as two). */
		"Your weekly briefing: operators, vendors and regulators on "
		"open RAN,  5G standalone cores, fiber overbuild, satellite "
		"backhaul and the economics of private networks in 2026",
		/* A word longer than a line: encoded instead. */
		"See https://news.example.com/newsletter/preferences/"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789 now",
		/* Text that looks like an encoded word is kept as text. */
		"Literal =?UTF-8?B?SGk=?= stays literal",
		/* Spaces at the ends are kept. */
		"  padded subject  ",
		/* Two-byte characters. */
		"\xce\x95\xce\xb2\xce\xb4\xce\xbf\xce\xbc\xce\xb1\xce\xb4\xce"
		"\xb9\xce\xb1\xce\xaf\xce\xb1 \xce\xb5\xce\xbd\xce\xb7\xce\xbc"
		"\xce\xad\xcf\x81\xcf\x89\xcf\x83\xce\xb7: \xce\xb4\xce\xaf\xce"
		"\xba\xcf\x84\xcf\x85\xce\xb1 \xce\xbf\xcf\x80\xcf\x84\xce\xb9"
		"\xce\xba\xcf\x8e\xce\xbd \xce\xb9\xce\xbd\xcf\x8e\xce\xbd \xce"
		"\xba\xce\xb1\xce\xb9 5G \xcf\x83\xcf\x84\xce\xb7\xce\xbd "
		"\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1 \xce\xba\xce"
		"\xb1\xce\xb9 \xcf\x83\xcf\x84\xce\xb7\xce\xbd \xce\x9a\xcf\x8d"
		"\xcf\x80\xcf\x81\xce\xbf",
		/* Three-byte characters without a space. */
		"\xe6\xac\xa1\xe4\xb8\x96\xe4\xbb\xa3\xe9\x80\x9a\xe4\xbf\xa1"
		"\xe7\xb6\xb2\xe3\x81\xae\xe6\x9c\x80\xe6\x96\xb0\xe5\x8b\x95"
		"\xe5\x90\x91\xe3\x81\xa8\xe5\x85\x89\xe3\x83\x95\xe3\x82\xa1"
		"\xe3\x82\xa4\xe3\x83\x90\xe3\x83\xbc\xe6\x8a\x95\xe8\xb3\x87"
		"\xe3\x81\xae\xe8\xa1\x8c\xe6\x96\xb9\xe3\x80\x81\xe5\x90\x84"
		"\xe7\xa4\xbe\xe3\x81\xae\xe6\x88\xa6\xe7\x95\xa5\xe3\x82\x92"
		"\xe8\xaa\xad\xe3\x81\xbf\xe8\xa7\xa3\xe3\x81\x8f\xe9\x80\xb1"
		"\xe5\x88\x8a\xe3\x83\x8b\xe3\x83\xa5\xe3\x83\xbc\xe3\x82\xb9",
		/* Four-byte characters mixed with ASCII and accents. */
		"\xf0\x9f\x93\xa1 Caf\xc3\xa9 r\xc3\xa9seau \xf0\x9f\x9b\xb0"
		"\xef\xb8\x8f satellites \xf0\x9f\x93\xb6\xf0\x9f\x93\xb6\xf0"
		"\x9f\x93\xb6 the week's stories \xe2\x80\x94 \xf0\x9f\x8c\x8d"
		"\xf0\x9f\x8c\x8e\xf0\x9f\x8c\x8f and more \xf0\x9f\x9a\x80",
	};
	char got[4000], from[600];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		snprintf(from, sizeof(from), "%s <news@example.com>",
		    i < 4 ? "Light Reading Weekly, the newsletter of the "
		    "telecom industry's editors and analysts" : texts[i]);
		compose_from(from, texts[i], texts[i], NULL);
		check_header_lines();
		field_value("Subject", got, sizeof(got));
		assert_string_equal(got, texts[i]);
		field_value("To", got, sizeof(got));
		assert_non_null(strstr(got, " <reader@example.org>"));
		*strstr(got, " <reader@example.org>") = '\0';
		if (got[0] == '"')	/* a quoted string */
			assert_true(got[strlen(got) - 1] == '"');
		else
			assert_string_equal(got, texts[i]);
		field_value("From", got, sizeof(got));
		assert_non_null(strstr(got, "<news@example.com>"));
	}
	/* The first subject stays readable as it is, folded at spaces. */
	compose_from("News <news@example.com>", NULL, texts[0], NULL);
	assert_null(strstr(header("Subject:"), "=?"));
	assert_non_null(strstr(header("Subject:"), "\r\n "));
}

/* Names with line breaks, and long structured headers. */
static void
test_header_safety(void **state)
{
	static const char *const hdrs[] = {
		"List-Unsubscribe", "<https://news.example.com/newsletter/"
		    "unsubscribe/weekly/0123456789abcdef0123456789abcdef>",
		"List-Unsubscribe-Post", "List-Unsubscribe=One-Click",
		"List-Id", "<weekly\r\nBcc: x@example.com.news.example.com>",
		NULL, NULL,
	};
	char got[2000];
	const char *p;

	compose_from("Evil\r\nBcc: victim@example.com <news@example.com>",
	    "Zo\xc3\xab\r\nBcc: victim@example.com", "Hi\nCc: x@example.com",
	    hdrs);
	check_header_lines();
	assert_null(header("Bcc:"));
	assert_null(header("Cc:"));
	field_value("To", got, sizeof(got));
	assert_string_equal(got, "Zo\xc3\xab  Bcc: victim@example.com "
	    "<reader@example.org>");
	field_value("List-Unsubscribe", got, sizeof(got));
	assert_string_equal(got, hdrs[1]);
	/*
	 * The URL is kept whole, on the name's line: a value that begins
	 * with a fold reads as one that begins with a space to some parsers.
	 */
	assert_non_null(strstr(msg.p, "\r\nList-Unsubscribe: <https://"));
	assert_non_null(strstr(msg.p, "List-Unsubscribe-Post: "
	    "List-Unsubscribe=One-Click\r\n"));
	field_value("List-Id", got, sizeof(got));
	assert_string_equal(got, "<weekly  Bcc: x@example.com.news.example."
	    "com>");
	/* A byte that is not UTF-8 becomes U+FFFD, not a broken word. */
	compose_from("News <news@example.com>", "Bad \xff\xfe name",
	    "Bad \xc3 subject \xe2\x82", NULL);
	check_header_lines();
	field_value("To", got, sizeof(got));
	assert_string_equal(got, "Bad \xef\xbf\xbd\xef\xbf\xbd name "
	    "<reader@example.org>");
	field_value("Subject", got, sizeof(got));
	assert_string_equal(got, "Bad \xef\xbf\xbd subject \xef\xbf\xbd"
	    "\xef\xbf\xbd");
	for (p = msg.p; *p != '\0'; p++)
		assert_true((unsigned char)*p < 0x80);
}

/* A message with an attachment: multipart/mixed around the alternatives. */
static void
test_attachment(void **state)
{
	unsigned char data[300], back[300];
	struct mail_attachment att;
	const char *b64, *end, *line, *mixed;
	char err[256], chunk[4096];
	size_t i, n = 0, got, blen;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	att.content_type = "text/calendar; method=PUBLISH; charset=utf-8";
	att.filename = "ev\"ent\r\n.ics";
	att.data = (const char *)data;
	att.len = sizeof(data);
	config_free(&config);
	config_defaults(&config);
	free(config.mail_from);
	config.mail_from = strdup("News <news@example.com>");
	assert_int_equal(mail_init(err, sizeof(err)), 0);
	buf_free(&msg);
	mail_compose_attach(&msg, NULL, "reader@example.org", "Your seat",
	    "text part", "<p>html</p>", NULL, &att);
	mail_free();
	assert_int_equal(buf_err(&msg), 0);
	mixed = strstr(msg.p, "Content-Type: multipart/mixed;\r\n boundary=\"");
	assert_non_null(mixed);
	/* The alternatives come first, inside the mixed part. */
	assert_true(strstr(msg.p, "Content-Type: multipart/alternative;") >
	    mixed);
	assert_true(strstr(msg.p, "Content-Type: text/plain;") <
	    strstr(msg.p, "Content-Type: text/calendar"));
	assert_non_null(strstr(msg.p, "Content-Type: text/calendar; method="
	    "PUBLISH; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
	    "Content-Disposition: attachment; filename=\"event.ics\"\r\n\r\n"));
	/* Every line is at most 76 bytes before its CRLF. */
	for (line = msg.p; (end = strstr(line, "\r\n")) != NULL; line = end + 2)
		assert_true(end - line <= 76);
	/* The base64 lines decode to the bytes given. */
	b64 = strstr(msg.p, "filename=\"event.ics\"\r\n\r\n") +
	    strlen("filename=\"event.ics\"\r\n\r\n");
	for (line = b64; strncmp(line, "\r\n", 2) != 0; line = end + 2) {
		end = strstr(line, "\r\n");
		memcpy(chunk + n, line, (size_t)(end - line));
		n += (size_t)(end - line);
	}
	chunk[n] = '\0';
	blen = 0;
	assert_int_equal(sodium_base642bin(back, sizeof(back), chunk, n, NULL,
	    &blen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	got = blen;
	assert_int_equal(got, sizeof(data));
	assert_memory_equal(back, data, sizeof(data));
	/* The message ends with the mixed boundary's closing line. */
	assert_non_null(strstr(line, "--\r\n"));
	assert_int_equal(strcmp(msg.p + msg.len - 4, "--\r\n"), 0);
	/* Without an attachment there is no mixed part. */
	compose(NULL, "plain", "x");
	assert_null(strstr(msg.p, "multipart/mixed"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_no_injection),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_header_safety),
		cmocka_unit_test(test_attachment),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	buf_free(&msg);
	config_free(&config);
	return rc;
}
