/*
 * fuzz_multipart.c — libFuzzer target for src/multipart.c (uploads).
 *
 * The input's first line is the request's Content-Type, the rest its
 * body.  Besides crashes, the target aborts when an accepted body breaks
 * the parser's contract: at most the parts asked for, each with a name,
 * its data inside the body and followed there by "CRLF--boundary", and
 * no delimiter inside any part's data.  A refusal must say why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The boundary parameter of ctype (RFC 2046: a parameter after a ";",
 * its name case-insensitive, its value maybe quoted); 0 or -1.
 */
static int
boundary(const char *ctype, char *out, size_t outsz)
{
	const char *p = ctype, *e;

	while ((p = strchr(p, ';')) != NULL) {
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (*p == '"')
			e = strchr(++p, '"');
		else
			e = p + strcspn(p, "; \t");
		if (e == NULL || (size_t)(e - p) + 1 > outsz)
			return -1;
		memcpy(out, p, (size_t)(e - p));
		out[e - p] = '\0';
		return 0;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp_part parts[MULTIPART_MAX_PARTS];
	const uint8_t *nl = memchr(data, '\n', size);
	char ctype[256], err[200], bnd[256], delim[300];
	const char *body, *end;
	size_t clen, blen, dlen;
	int n = -1, max, i;

	if (nl == NULL || (clen = (size_t)(nl - data)) >= sizeof(ctype) ||
	    memchr(data, '\0', clen) != NULL)
		return 0;
	memcpy(ctype, data, clen);
	ctype[clen] = '\0';
	/* The body is a copy of its own, so that ASan sees a read past it. */
	blen = size - clen - 1;
	body = malloc(blen + 1);
	if (body == NULL)
		abort();
	memcpy((char *)body, nl + 1, blen);
	end = body + blen;
	max = (int)(clen % MULTIPART_MAX_PARTS) + 1;
	err[0] = '\0';
	if (multipart_parse(ctype, body, blen, parts, max, &n, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		free((void *)body);
		return 0;
	}
	if (n < 0 || n > max || boundary(ctype, bnd, sizeof(bnd)) != 0)
		abort();
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
	for (i = 0; i < n; i++) {
		const struct mp_part *p = &parts[i];

		if (p->name[0] == '\0' || strlen(p->name) >= sizeof(p->name) ||
		    strlen(p->filename) >= sizeof(p->filename) ||
		    strlen(p->ctype) >= sizeof(p->ctype))
			abort();
		if (p->data < body || p->data > end ||
		    p->len > (size_t)(end - p->data))
			abort();
		if ((size_t)(end - p->data) - p->len < dlen ||
		    memcmp(p->data + p->len, delim, dlen) != 0)
			abort();
		if (p->len >= dlen && memmem(p->data, p->len, delim, dlen) !=
		    NULL)
			abort();
		if (i > 0 && p->data <= parts[i - 1].data)
			abort();
		if (multipart_get(parts, n, p->name) == NULL)
			abort();
	}
	free((void *)body);
	return 0;
}
