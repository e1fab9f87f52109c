/*
 * fuzz_range.c — libFuzzer target for src/range.c (the Range header).
 *
 * The first eight input bytes are the file's length (little-endian;
 * the first one, taken alone, picks a small length too, so that short
 * files come up often), the rest the header's value.  The target
 * aborts when an answer breaks range.h: RANGE_ONE with first <= last <
 * length, the positions untouched otherwise, unsatisfiable only for a
 * "bytes=" header, and the same answer from the same input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t len = 0, first = 7, last = 9, f2 = 7, l2 = 9;
	enum range_result r, r2;
	char *v;
	size_t i;

	if (size < 8)
		return 0;
	for (i = 0; i < 8; i++)
		len |= (uint64_t)data[i] << (8 * i);
	if (data[0] & 1)
		len = data[1];
	if ((v = malloc(size - 8 + 1)) == NULL)
		abort();
	memcpy(v, data + 8, size - 8);
	v[size - 8] = '\0';
	r = range_parse(v, len, &first, &last);
	switch (r) {
	case RANGE_ONE:
		if (len == 0 || first > last || last >= len)
			abort();
		break;
	case RANGE_UNSATISFIABLE:
		if (strncasecmp(v, "bytes=", 6) != 0)
			abort();
		/* FALLTHROUGH */
	case RANGE_WHOLE:
		if (first != 7 || last != 9)
			abort();
		break;
	default:
		abort();
	}
	r2 = range_parse(v, len, &f2, &l2);
	if (r2 != r || (r == RANGE_ONE && (f2 != first || l2 != last)))
		abort();
	free(v);
	return 0;
}
