/*
 * fault.h — why the last storage operation of this thread failed, so
 * that a 5xx answer can say it in the server's log.
 *
 * The database seam and the media writer note each failure they meet
 * (the engine's message, the errno of a file write); the transport
 * clears the note when a request starts, and writes it with the
 * method, path and status of every 5xx answer.  The note is per thread:
 * work done for a request on another thread (the pool) carries it back
 * with its result.
 */
#ifndef MASTHEAD_FAULT_H
#define MASTHEAD_FAULT_H

#include <stddef.h>

#define FAULT_MAX	240

void	 fault_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The note of this thread, "" when none; valid until the next note or clear. */
const char *fault_last(void);
void	 fault_clear(void);
/*
 * Copies s into out (outsz bytes, NUL-terminated) with every byte that
 * is not printable ASCII written as \xNN, so what a client sent cannot
 * forge or break a line of the log.
 */
void	 fault_printable(char *out, size_t outsz, const char *s, size_t n);

#endif
