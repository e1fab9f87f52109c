/*
 * util.h — allocation that aborts on out-of-memory, bounded number
 * parsing, and small string helpers shared by every file.
 */
#ifndef MASTHEAD_UTIL_H
#define MASTHEAD_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Out of memory aborts (as in h2o and redis); a size limit never does. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

/*
 * Parses a decimal integer in [min, max] from s[0..n); the whole span must
 * be digits (with an optional leading '-').  Returns 0 and sets *out, or -1.
 */
int	 parse_int(const char *s, size_t n, int64_t min, int64_t max, int64_t *out);

/* The value of a hexadecimal digit, or -1. */
int	 hex_digit(char);

/* Copies at most dstsz - 1 bytes and always terminates; returns strlen(src). */
size_t	 strlcpy_(char *dst, const char *src, size_t dstsz);

/*
 * An email address as the site takes it (accounts, newsletters,
 * registrations, the command line), spaces around it trimmed and
 * lowercased into out: one @ with something before it and a dot after
 * it, no blanks, controls or < > " , ;.  0, or -1 when in is not such
 * an address or out (outsz bytes) cannot hold it.  Normalising a
 * normalised address gives it back unchanged.
 */
#define EMAIL_NORM_MAX	254	/* bytes of an address (RFC 5321, 4.5.3.1.3) */
int	 email_norm(const char *in, char *out, size_t outsz);
/* Monotonic and wall clocks. */
int64_t	 now_unix(void);
uint64_t now_mono_usec(void);

/*
 * Resolves "ADDR:PORT" or "[V6]:PORT" (an empty ADDR: every address) for
 * a listener; NULL with err filled, naming the setting what.  The
 * caller frees the list with freeaddrinfo().
 */
struct addrinfo;
struct addrinfo *listen_resolve(const char *addr, const char *what,
	    char *err, size_t errlen);

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif
