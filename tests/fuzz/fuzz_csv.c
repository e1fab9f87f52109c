/*
 * fuzz_csv.c — libFuzzer target for src/csv.c (the subscriber import).
 *
 * Reads the input as CSV to its end or its first error and checks the
 * reader's contract: every record has 1 to CSV_MAX_FIELDS fields, no
 * field holds a NUL, lines only go forward, and an error comes with a
 * sentence.  The UTF-8 check runs on the same bytes; what it accepts
 * must hold no byte 0xC0, 0xC1 or 0xF5 to 0xFF.  A broken contract
 * aborts, so that the fuzzer reports it like a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv c;
	char err[200];
	int rc, i, last = 0;
	size_t k;

	csv_init(&c, (const char *)data, size);
	/* The first byte picks the fields that may hold line breaks. */
	c.multiline = size > 0 ? data[0] : 0;
	while ((rc = csv_next(&c, err, sizeof(err))) == 1) {
		if (c.n < 1 || c.n > CSV_MAX_FIELDS || c.start < last ||
		    c.line < c.start)
			abort();
		last = c.start;
		/* A field read is text; a line break only where allowed. */
		for (i = 0; i < c.n; i++)
			if (strlen(csv_field(&c, i)) > size ||
			    text_check(csv_field(&c, i), strlen(csv_field(&c, i)),
			    (c.multiline >> i) & 1 ? TEXT_LINES : TEXT_LINE,
			    NULL) != 0)
				abort();
	}
	if (rc < 0 && err[0] == '\0')
		abort();
	csv_free(&c);
	if (csv_utf8_line((const char *)data, size, NULL) == 0)
		for (k = 0; k < size; k++)
			if (data[k] == 0xc0 || data[k] == 0xc1 || data[k] >= 0xf5)
				abort();
	return 0;
}
