/*
 * fault.c — the per-thread note of the last storage failure (fault.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "fault.h"

static _Thread_local char note[FAULT_MAX];

void
fault_note(const char *fmt, ...)
{
	char raw[FAULT_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* Engine messages may carry a newline (PostgreSQL's do). */
	fault_printable(note, sizeof(note), raw, (size_t)n < sizeof(raw) ?
	    (size_t)n : sizeof(raw) - 1);
}

const char *
fault_last(void)
{
	return note;
}

void
fault_clear(void)
{
	note[0] = '\0';
}

void
fault_printable(char *out, size_t outsz, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (outsz == 0)
		return;
	for (i = 0; i < n && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
			continue;
		}
		/* A newline at the end of an engine's message says nothing. */
		if (c == '\n' && i + 1 == n)
			break;
		if (o + 4 >= outsz)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
}
