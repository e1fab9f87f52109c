/*
 * fuzz_media.c — libFuzzer target for image_sniff() (src/image.c): the
 * type of an upload read from its first bytes, which decides the one
 * libvips loader that may decode it.
 *
 * The answer is held to an independent reading of the four formats: a
 * JPEG starts FF D8 FF, a PNG with its 8-byte signature, a GIF with
 * GIF87a or GIF89a, a WebP with "RIFF", four bytes and "WEBP"; anything
 * else is NULL.  Short inputs must never be read past their end (the
 * bytes are a copy of their own, so ASan sees it).  The target links the
 * whole program (see the Makefile).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
expected(const unsigned char *b, size_t n)
{
	if (n >= 3 && memcmp(b, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 6 && (memcmp(b, "GIF87a", 6) == 0 ||
	    memcmp(b, "GIF89a", 6) == 0))
		return "image/gif";
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 &&
	    memcmp(b + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size > 0 ? size : 1);
	const char *got, *want;

	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	got = image_sniff(copy, size);
	want = expected(copy, size);
	if ((got == NULL) != (want == NULL) ||
	    (got != NULL && strcmp(got, want) != 0))
		abort();
	free(copy);
	return 0;
}
