/*
 * multipart.c — multipart/form-data, strictly: one boundary from the
 * Content-Type, no preamble, a Content-Disposition with a name on every
 * part, bounded headers and parts, and a closing delimiter.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"
#include "text.h"
#include "util.h"

/* Characters RFC 2046 allows in a boundary ("bchars"). */
static int
bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

/* Copies the boundary parameter of ctype into out; -1 when absent or bad. */
static int
boundary_of(const char *ctype, char *out, size_t outsz)
{
	const char *p, *end;
	size_t n;

	if (ctype == NULL || strncasecmp(ctype, "multipart/form-data", 19) != 0)
		return -1;
	for (p = ctype + 19; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (*p == '"') {
			p++;
			if ((end = strchr(p, '"')) == NULL)
				return -1;
		} else {
			end = p + strcspn(p, "; \t");
		}
		n = (size_t)(end - p);
		/* 1 to 70 bchars, not ending in a space. */
		if (n == 0 || n > 70 || n + 1 > outsz || p[n - 1] == ' ')
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!bchar(p[i]))
				return -1;
		memcpy(out, p, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/*
 * The value of a parameter (name="value") in a Content-Disposition
 * between p and end; -1 when absent, too long or malformed.
 */
static int
param(const char *p, const char *end, const char *key, char *out,
    size_t outsz)
{
	size_t klen = strlen(key);
	const char *q;

	for (; p < end; p++) {
		if (*p != ';')
			continue;
		q = p + 1;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(end - q) < klen + 2 || strncasecmp(q, key, klen) != 0 ||
		    q[klen] != '=')
			continue;
		q += klen + 1;
		if (*q != '"')
			return -1;
		q++;
		p = q;
		/*
		 * A control byte ends nothing here: it is refused, so that a
		 * NUL cannot cut "file\0x" to the field "file" (or a name to
		 * nothing) when the value is copied as a C string.
		 */
		while (q < end && *q != '"') {
			if (((unsigned char)*q < ' ' && *q != '\t') || *q == 0x7f)
				return -1;
			q++;
		}
		if (q == end || (size_t)(q - p) >= outsz)
			return -1;
		memcpy(out, p, (size_t)(q - p));
		out[q - p] = '\0';
		return 0;
	}
	return -1;
}

/* Reads one part's header block [p, end); 0 or -1 with err. */
static int
part_headers(const char *p, const char *end, struct mp_part *part, char *err,
    size_t errlen)
{
	int have_cd = 0;

	while (p < end) {
		const char *eol = memchr(p, '\r', (size_t)(end - p)), *colon;
		const char *v;

		if (eol == NULL)
			eol = end;
		if (eol + 1 < end && eol[1] != '\n') {
			snprintf(err, errlen, "a part's header line is malformed");
			return -1;
		}
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || colon == p) {
			snprintf(err, errlen, "a part's header line is malformed");
			return -1;
		}
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		if ((size_t)(colon - p) == 19 &&
		    strncasecmp(p, "Content-Disposition", 19) == 0) {
			if ((size_t)(eol - v) < 9 ||
			    strncasecmp(v, "form-data", 9) != 0 ||
			    param(v, eol, "name", part->name,
			    sizeof(part->name)) != 0 || part->name[0] == '\0') {
				snprintf(err, errlen, "a part has no form-data "
				    "name");
				return -1;
			}
			if (param(v, eol, "filename", part->filename,
			    sizeof(part->filename)) != 0)
				part->filename[0] = '\0';
			have_cd = 1;
		} else if ((size_t)(colon - p) == 12 &&
		    strncasecmp(p, "Content-Type", 12) == 0) {
			size_t n = (size_t)(eol - v);

			if (n >= sizeof(part->ctype))
				n = sizeof(part->ctype) - 1;
			memcpy(part->ctype, v, n);
			part->ctype[n] = '\0';
		}
		p = eol + 2;
	}
	if (!have_cd) {
		snprintf(err, errlen, "a part has no Content-Disposition");
		return -1;
	}
	return 0;
}

/*
 * Holds the form's fields to text.h's rules, as url_form_parse does for
 * urlencoded forms: every part's name, and every part that is not a
 * file.  A file has a filename, or a type other than text/plain (RFC
 * 7578's default), or is the upload's own field, which an API client
 * may send without either (curl -F 'file=<photo.png').
 */
static int
check_text(const struct mp_part *parts, int n, char *err, size_t errlen)
{
	struct text_error te;
	char who[100];
	int i;

	for (i = 0; i < n; i++) {
		const struct mp_part *p = &parts[i];

		if (text_check(p->name, strlen(p->name), TEXT_LINE, &te) != 0) {
			text_explain(&te, "the name of a field", err, errlen);
			return MULTIPART_BAD_TEXT;
		}
		if (p->filename[0] != '\0' || (p->ctype[0] != '\0' &&
		    strncasecmp(p->ctype, "text/plain", 10) != 0) ||
		    strcmp(p->name, MULTIPART_FILE_FIELD) == 0)
			continue;
		if (text_check(p->data, p->len, text_rule_of(p->name),
		    &te) != 0) {
			snprintf(who, sizeof(who), "the field \"%s\"", p->name);
			text_explain(&te, who, err, errlen);
			return MULTIPART_BAD_TEXT;
		}
	}
	return 0;
}

int
multipart_parse(const char *ctype, const char *body, size_t len,
    struct mp_part *parts, int max, int *n, char *err, size_t errlen)
{
	char bnd[80], delim[84];
	const char *p = body, *end = body + len, *hdr_end, *next;
	size_t dlen;

	*n = 0;
	if (boundary_of(ctype, bnd, sizeof(bnd)) != 0) {
		snprintf(err, errlen, "the body must be multipart/form-data "
		    "with a boundary");
		return -1;
	}
	/* The first delimiter opens the body; later ones follow a CRLF. */
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
	if (len < dlen - 2 || memcmp(p, delim + 2, dlen - 2) != 0) {
		snprintf(err, errlen, "the body does not start with its boundary");
		return -1;
	}
	p += dlen - 2;
	for (;;) {
		struct mp_part *part;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			p += 2;
			/* Only a line end may follow the closing delimiter. */
			if (p == end || (end - p == 2 && p[0] == '\r' &&
			    p[1] == '\n'))
				return check_text(parts, *n, err, errlen);
			snprintf(err, errlen, "data after the closing boundary");
			return -1;
		}
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			snprintf(err, errlen, "the body ends inside a part "
			    "(truncated?)");
			return -1;
		}
		p += 2;
		if (*n == max) {
			snprintf(err, errlen, "more than %d parts", max);
			return -1;
		}
		part = &parts[*n];
		memset(part, 0, sizeof(*part));
		if ((hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4)) ==
		    NULL || hdr_end - p > MULTIPART_MAX_HEADER) {
			snprintf(err, errlen, hdr_end == NULL ? "the body ends "
			    "inside a part's headers (truncated?)" :
			    "a part's headers are too long");
			return -1;
		}
		if (part_headers(p, hdr_end + 2, part, err, errlen) != 0)
			return -1;
		p = hdr_end + 4;
		if ((next = memmem(p, (size_t)(end - p), delim, dlen)) == NULL) {
			snprintf(err, errlen, "the body ends inside a part "
			    "(truncated?)");
			return -1;
		}
		part->data = p;
		part->len = (size_t)(next - p);
		(*n)++;
		p = next + dlen;
	}
}

const struct mp_part *
multipart_get(const struct mp_part *parts, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(parts[i].name, name) == 0)
			return &parts[i];
	return NULL;
}
