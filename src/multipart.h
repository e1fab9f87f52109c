/*
 * multipart.h — a strict, bounded multipart/form-data parser (RFC 7578)
 * for uploads.  Parts point into the body; nothing is copied.
 */
#ifndef MASTHEAD_MULTIPART_H
#define MASTHEAD_MULTIPART_H

#include <stddef.h>

#define MULTIPART_MAX_PARTS	8
#define MULTIPART_MAX_HEADER	2048	/* bytes of one part's header block */

struct mp_part {
	char		 name[64];	/* the form field */
	char		 filename[256];	/* "" when the part is not a file */
	char		 ctype[128];	/* as sent; never trusted */
	const char	*data;
	size_t		 len;
};

/* The field of every upload form that holds the file. */
#define MULTIPART_FILE_FIELD	"file"

/* multipart_parse's answer when the form is well made but not text. */
#define MULTIPART_BAD_TEXT	(-2)

/*
 * Parses body as multipart/form-data with the boundary of ctype (the
 * request's Content-Type).  Fills up to max parts and *n.  0, or -1 with
 * a sentence in err: a missing or bad boundary, a part without a name,
 * headers too long, too many parts, or a body that ends before its
 * closing delimiter (a truncated upload).  MULTIPART_BAD_TEXT, with a
 * sentence in err that names the field, when a part's name or a field
 * that is not a file is not text (text.h; files are not looked at: a
 * part with a filename, a type other than text/plain, or the field
 * MULTIPART_FILE_FIELD).  The parts are read then, so a caller can
 * check the form's CSRF token before it answers.
 */
int	multipart_parse(const char *ctype, const char *body, size_t len,
	    struct mp_part *parts, int max, int *n, char *err, size_t errlen);
/* The first part named name, or NULL. */
const struct mp_part *multipart_get(const struct mp_part *parts, int n,
	    const char *name);

#endif
