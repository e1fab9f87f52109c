/*
 * fuzz_email.c — libFuzzer target for email_norm() (src/util.c), the
 * one check of an email address: accounts, newsletters, registrations,
 * white papers, "your data" and the command line all use it.
 *
 * The target aborts when an accepted address breaks util.h's contract:
 * normalising it again gives it back unchanged (so an address stored
 * normalised is found again), it is lowercase, has one "@" with
 * something before it and a dot after it, no blank or control byte and
 * none of < > " , ; — and it fits the buffer and the length limit.  A
 * buffer too small must be a refusal, never a cut address.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[EMAIL_NORM_MAX + 1], again[EMAIL_NORM_MAX + 1], small[16];
	char *in;
	const char *at;
	size_t n, i;

	if ((in = malloc(size + 1)) == NULL)
		abort();
	memcpy(in, data, size);
	in[size] = '\0';
	if (email_norm(in, out, sizeof(out)) != 0) {
		free(in);
		return 0;
	}
	n = strlen(out);
	if (n < 3 || n > EMAIL_NORM_MAX)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] <= ' ' || out[i] == 0x7f ||
		    strchr("<>\",;", out[i]) != NULL ||
		    tolower((unsigned char)out[i]) != (unsigned char)out[i])
			abort();
	if ((at = strchr(out, '@')) == NULL || at == out ||
	    strchr(at + 1, '@') != NULL || strchr(at, '.') == NULL)
		abort();
	if (email_norm(out, again, sizeof(again)) != 0 ||
	    strcmp(out, again) != 0)
		abort();
	/* Too small a buffer refuses; it never cuts the address short. */
	if (email_norm(in, small, sizeof(small)) == 0 &&
	    (n >= sizeof(small) || strcmp(small, out) != 0))
		abort();
	free(in);
	return 0;
}
