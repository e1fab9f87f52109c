/*
 * range.h — the Range request header (RFC 9110, 14.2) read against a
 * file of known length, for the answers that offer "Accept-Ranges:
 * bytes" (media and white-paper downloads).
 *
 * masthead serves one byte range at a time.  A header asking for several
 * ranges is answered with the whole file (200), which RFC 9110 allows (a
 * server may ignore Range) and which every client that resumes a
 * download or seeks in a video handles; so is a header that is not a
 * well-formed "bytes=" range, or one whose unit is not bytes.
 */
#ifndef MASTHEAD_RANGE_H
#define MASTHEAD_RANGE_H

#include <stdint.h>

enum range_result {
	RANGE_WHOLE,		/* the whole file: 200 */
	RANGE_ONE,		/* one satisfiable range: 206 */
	RANGE_UNSATISFIABLE,	/* 416, with only the length */
	RANGE__MAX
};

/*
 * Reads a Range header's value (NUL-terminated) against a file of len
 * bytes.  On RANGE_ONE, *first and *last are the byte positions to send,
 * both inclusive, with last < len; they are untouched otherwise.
 */
enum range_result range_parse(const char *value, uint64_t len,
	    uint64_t *first, uint64_t *last);

#endif
