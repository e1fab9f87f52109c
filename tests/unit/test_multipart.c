/*
 * test_multipart.c — the upload parser and the image sniffer: what they
 * accept, and every way a body or a file may be wrong.  Cases in tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "image.h"
#include "multipart.h"

#define CT	"multipart/form-data; boundary=XyZ"
#define FILEPART \
	"--XyZ\r\nContent-Disposition: form-data; name=\"file\";" \
	" filename=\"a b.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n"

struct mp_case {
	const char	*ctype;
	const char	*body;
	int		 rc;		/* 0 or -1 */
	int		 nparts;
	const char	*file;		/* expected data of the "file" part */
};

static const struct mp_case cases[] = {
	{ CT, FILEPART "--XyZ--\r\n", 0, 1, "PNGDATA" },
	{ CT, FILEPART "--XyZ--", 0, 1, "PNGDATA" },
	{ "multipart/form-data; boundary=\"XyZ\"", FILEPART "--XyZ--", 0, 1,
	  "PNGDATA" },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	  "tok\r\n" FILEPART "--XyZ--\r\n", 0, 2, "PNGDATA" },
	/* Data holding CRLF and a near-boundary stays whole. */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"
	  "a\r\n--XyA\r\nb\r\n--XyZ--\r\n", 0, 1, "a\r\n--XyA\r\nb" },
	{ CT, "--XyZ--\r\n", 0, 0, NULL },
	/* Refused. */
	{ "multipart/form-data", FILEPART "--XyZ--", -1, 0, NULL },
	{ "multipart/form-data; boundary=", FILEPART "--XyZ--", -1, 0, NULL },
	{ "text/plain; boundary=XyZ", FILEPART "--XyZ--", -1, 0, NULL },
	{ "multipart/form-data; boundary=\"XyZ", FILEPART "--XyZ--", -1, 0,
	  NULL },
	{ CT, "preamble\r\n" FILEPART "--XyZ--", -1, 0, NULL },
	{ CT, FILEPART, -1, 0, NULL },				/* no end */
	{ CT, FILEPART "--XyZ--junk", -1, 0, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"
	  "PNGD", -1, 0, NULL },				/* truncated */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"fi", -1, 0,
	  NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
	  -1, 0, NULL },					/* no name */
	{ CT, "--XyZ\r\nContent-Type: image/png\r\n\r\nx\r\n--XyZ--", -1, 0,
	  NULL },						/* no disposition */
	{ CT, "--XyZ\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\n"
	  "x\r\n--XyZ--", -1, 0, NULL },
	{ CT, "--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--", -1, 0, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n"
	  "--XyZ--", -1, 0, NULL },				/* unquoted */
	{ CT, "", -1, 0, NULL },
	/*
	 * Fields are text (text.h); a file is not looked at: one with a
	 * filename or a type, or the upload's "file" field.
	 */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	  "t\x01k\r\n" FILEPART "--XyZ--\r\n", MULTIPART_BAD_TEXT, 2, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
	  "one\r\ntwo\r\n--XyZ--\r\n", MULTIPART_BAD_TEXT, 1, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n"
	  "a\xc0\xaf" "b\r\n--XyZ--\r\n", MULTIPART_BAD_TEXT, 1, NULL },
	/* A name with a control byte is no name at all (fuzz_multipart). */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\n"
	  "x\r\n--XyZ--\r\n", -1, 0, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"consent\"\r\n\r\n"
	  "one\r\ntwo\tthree\r\n--XyZ--\r\n", 0, 1, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; "
	  "filename=\"a.bin\"\r\n\r\n\x01\xff\r\n--XyZ--\r\n", 0, 1, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"\r\n"
	  "Content-Type: application/octet-stream\r\n\r\n\x01\xff\r\n--XyZ--\r\n",
	  0, 1, NULL },
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"
	  "\x89PNG\x01\xff\r\n--XyZ--\r\n", 0, 1, "\x89PNG\x01\xff" },
	/* Found by fuzz_multipart: a name must be there and be text. */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n"
	  "--XyZ--", -1, 0, NULL },				/* empty name */
	{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"fi\x01le\"\r\n\r\n"
	  "x\r\n--XyZ--", -1, 0, NULL },
};

static void
test_cases(void **state)
{
	struct mp_part parts[MULTIPART_MAX_PARTS];
	const struct mp_part *f;
	char err[200];
	size_t i;
	int n, rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mp_case *c = &cases[i];

		err[0] = '\0';
		rc = multipart_parse(c->ctype, c->body, strlen(c->body), parts,
		    MULTIPART_MAX_PARTS, &n, err, sizeof(err));
		if (rc != c->rc)
			fprintf(stderr, "case %zu: rc %d (%s)\n", i, rc, err);
		assert_int_equal(rc, c->rc);
		if (rc == MULTIPART_BAD_TEXT) {
			/* The parts are read, and the sentence names a field. */
			assert_int_equal(n, c->nparts);
			assert_non_null(strstr(err, "field"));
			continue;
		}
		if (rc != 0) {
			assert_true(err[0] != '\0');
			continue;
		}
		assert_int_equal(n, c->nparts);
		if (c->file != NULL) {
			assert_non_null(f = multipart_get(parts, n, "file"));
			assert_int_equal(f->len, strlen(c->file));
			assert_memory_equal(f->data, c->file, f->len);
		}
	}
}

/*
 * Found by fuzz_multipart: a NUL inside a quoted name was copied into
 * the C string, so name="\0csrf" made a part with no name and
 * name="file\0x" a part called "file".  Both are refused.
 */
static void
test_name_nul(void **state)
{
	static const char empty[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"\0csrf\"\r\n\r\nx\r\n--XyZ--";
	static const char cut[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"file\0x\"\r\n\r\nx\r\n--XyZ--";
	struct mp_part parts[MULTIPART_MAX_PARTS];
	char err[200];
	int n;

	(void)state;
	assert_int_equal(multipart_parse(CT, empty, sizeof(empty) - 1, parts,
	    MULTIPART_MAX_PARTS, &n, err, sizeof(err)), -1);
	assert_int_equal(multipart_parse(CT, cut, sizeof(cut) - 1, parts,
	    MULTIPART_MAX_PARTS, &n, err, sizeof(err)), -1);
}

static void
test_fields(void **state)
{
	static const char body[] = FILEPART "--XyZ--\r\n";
	struct mp_part parts[MULTIPART_MAX_PARTS];
	char err[200];
	int n;

	(void)state;
	assert_int_equal(multipart_parse(CT, body, sizeof(body) - 1, parts,
	    MULTIPART_MAX_PARTS, &n, err, sizeof(err)), 0);
	assert_string_equal(parts[0].name, "file");
	assert_string_equal(parts[0].filename, "a b.png");
	assert_string_equal(parts[0].ctype, "image/png");
	assert_null(multipart_get(parts, n, "other"));
}

static void
test_limits(void **state)
{
	char body[8192], hdr[4096], err[200];
	struct mp_part parts[MULTIPART_MAX_PARTS];
	size_t len = 0;
	int i, n;

	(void)state;
	/* One part more than allowed. */
	for (i = 0; i <= MULTIPART_MAX_PARTS; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n"
		    "\r\nx\r\n", i);
	len += (size_t)snprintf(body + len, sizeof(body) - len, "--XyZ--");
	assert_int_equal(multipart_parse(CT, body, len, parts,
	    MULTIPART_MAX_PARTS, &n, err, sizeof(err)), -1);
	/* A header block over the limit. */
	memset(hdr, 'a', sizeof(hdr) - 1);
	hdr[sizeof(hdr) - 1] = '\0';
	len = (size_t)snprintf(body, sizeof(body), "--XyZ\r\nContent-"
	    "Disposition: form-data; name=\"f\"\r\nX-Long: %s\r\n\r\nx\r\n"
	    "--XyZ--", hdr);
	assert_int_equal(multipart_parse(CT, body, len, parts,
	    MULTIPART_MAX_PARTS, &n, err, sizeof(err)), -1);
	/* A boundary of 71 characters. */
	assert_int_equal(multipart_parse("multipart/form-data; boundary="
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "", 0, parts, MULTIPART_MAX_PARTS, &n, err, sizeof(err)), -1);
}

static void
test_sniff(void **state)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		const char	*mime;
	} s[] = {
		{ "\xff\xd8\xff\xe0", 4, "image/jpeg" },
		{ "\x89PNG\r\n\x1a\n....", 12, "image/png" },
		{ "GIF89a..", 8, "image/gif" },
		{ "GIF87a..", 8, "image/gif" },
		{ "RIFF\x10\0\0\0WEBPVP8 ", 16, "image/webp" },
		{ "RIFF\x10\0\0\0WAVEfmt ", 16, NULL },
		{ "XXXX\x10\0\0\0WEBPVP8 ", 16, NULL },
		{ "<svg xmlns=", 11, NULL },
		{ "\xff\xd8", 2, NULL },
		{ "GIF88a", 6, NULL },
		{ "", 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		const char *m = image_sniff(s[i].bytes, s[i].len);

		if (s[i].mime == NULL)
			assert_null(m);
		else
			assert_string_equal(m, s[i].mime);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_name_nul),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
