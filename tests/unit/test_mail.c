/*
 * test_mail.c — the messages mail_compose() writes: CRLF lines of at
 * most 76 bytes, RFC 2047 words for names and subjects that are not
 * ASCII (split between characters, each at most 75 bytes),
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
		cmocka_unit_test(test_attachment),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	buf_free(&msg);
	config_free(&config);
	return rc;
}
