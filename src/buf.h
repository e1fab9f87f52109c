/*
 * buf.h — growable byte buffer with a hard cap and a sticky error.
 *
 * Every piece of output (a rendered page, a JSON document, an escaped
 * string) is appended to a struct buf.  Appends never fail loudly: when the
 * buffer would pass its maximum, or memory runs out, the buffer records
 * the error and ignores further appends.  The caller checks buf_err() once
 * at the end, the way curl's dynbuf and SQLite's StrAccum work.
 */
#ifndef MASTHEAD_BUF_H
#define MASTHEAD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum buf_err {
	BUF_OK = 0,
	BUF_TOO_LARGE,		/* an append would pass buf.max */
	BUF__MAX
};

struct buf {
	char	*p;		/* heap memory owned by the buffer (NUL-terminated when len > 0) */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard cap on len; 0 means BUF_DEFAULT_MAX */
	int	 err;		/* enum buf_err, sticky */
};

#define BUF_DEFAULT_MAX	(64u * 1024 * 1024)
#define BUF_INIT	{ NULL, 0, 0, 0, 0 }

void	 buf_init(struct buf *, size_t max);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);	/* len = 0, error cleared, memory kept */
/* Makes room for n more bytes now (an error sticks as for appends). */
void	 buf_reserve(struct buf *, size_t);
/* buf_append()'s way when the bytes do not fit as they are. */
void	 buf_append_grow(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	 buf_put_int(struct buf *, int64_t);
/* Takes the memory out of the buffer; the caller owns it (free()). */
char	*buf_detach(struct buf *, size_t *lenp);
int	 buf_err(const struct buf *);

#define BUF_LIT(b, s)	buf_append((b), (s), sizeof(s) - 1)

/*
 * Appends n bytes.  Inline, since a page is tens of thousands of small
 * appends (template text, escaped values) and nearly all of them fit.
 */
static inline void
buf_append(struct buf *b, const void *data, size_t n)
{
	if (n != 0 && b->len + n < b->cap && b->err == BUF_OK &&
	    b->len + n <= (b->max ? b->max : BUF_DEFAULT_MAX)) {
		memcpy(b->p + b->len, data, n);
		b->len += n;
		b->p[b->len] = '\0';
		return;
	}
	buf_append_grow(b, data, n);
}

#endif
