/*
 * mail.c — composing messages and handing them to an SMTP server.
 *
 * Header values are sanitised (no line breaks can be smuggled in) and
 * encoded as RFC 2047 words when they are not plain ASCII; bodies are
 * quoted-printable, so every line stays short and 7-bit whatever the
 * text holds, and no line starts with a dot.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "escape.h"
#include "jobs.h"
#include "mail.h"
#include "metrics.h"
#include "store.h"
#include "util.h"

/*
 * Header lines (RFC 5322 2.1.1): at most 78 columns where the text
 * allows, never more than 998.  A line that holds an RFC 2047 encoded
 * word keeps to 76, so the word (at most 75 columns) and the space
 * before it fit.
 */
#define LINE_SOFT	78
#define LINE_WORDS	76
#define LINE_HARD	998
#define WORD_MAX	75	/* an encoded word, "=?UTF-8?B?...?=" */
#define WORD_WRAP	12	/* the "=?UTF-8?B?" and "?=" around its text */
#define VALUE_MAX	2000	/* a header value is cut here */

static char from_name[256];
static void compose(struct buf *, const char *, const char *, const char *,
    const char *, const char *, const char *, const char *const *,
    const struct mail_attachment *);
static char from_addr[256];
/*
 * Without mail_from, the From name is the publication's: the site_name
 * setting, read again each time a message is queued (it can change while
 * the site runs), kept here for the messages composed without the
 * database at hand.  from_local: no base_url gave the address a host.
 */
static pthread_mutex_t from_lock = PTHREAD_MUTEX_INITIALIZER;
static char site_from[256] = "masthead";
static int from_fixed;
static int from_local;

/*
 * The length of the valid UTF-8 character at p (1 to 4), or 0: overlong
 * forms, surrogates and values past U+10FFFF are not characters.
 */
static size_t
utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80 || (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Copies s for a header: control characters (CR and LF above all, which
 * would start a header of the reader's choosing) become spaces, and
 * bytes that are not UTF-8 become U+FFFD.  The
 * form that takes a name refuses such input; this makes the writer safe
 * whatever it is given.
 */
static void
clean(const char *s, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (*p != '\0') {
		k = utf8_len(p);
		if (k == 0) {
			if (i + 3 >= outsz)
				break;
			memcpy(out + i, "\xef\xbf\xbd", 3);
			i += 3;
			p++;
			continue;
		}
		if (i + k >= outsz)
			break;
		if (k == 1)
			out[i++] = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
		else
			memcpy(out + i, p, k);
		if (k > 1)
			i += k;
		p += k;
	}
	out[i] = '\0';
}

static int
ascii_only(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* A header field being written: the line's length so far. */
struct hdr {
	struct buf	*b;
	size_t		 col;
	int		 words;		/* the line holds an encoded word */
	int		 first;		/* no token written yet */
};

static void
hdr_start(struct hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	h->col = strlen(name) + 1;
	h->words = 0;
	h->first = 1;
	buf_puts(b, name);
	buf_putc(b, ':');
}

static void
hdr_end(struct hdr *h)
{
	BUF_LIT(h->b, "\r\n");
}

/*
 * Appends the whitespace ws (at least one byte) and the token tok
 * (none), first folding before ws when the line would grow past its
 * limit.  Folding only inserts CRLF before whitespace, so unfolding
 * gives back the value byte for byte.  The first token stays on the
 * name's line: a value that begins with a fold reads as one that
 * begins with a space to some parsers (Python's among them), and a
 * List-Unsubscribe address must reach them as it is.  A token longer
 * than a line (a long URL) cannot be folded and stays whole; one that
 * would pass the hard limit fails the message, which would otherwise
 * be refused.
 */
static void
hdr_put(struct hdr *h, const char *ws, size_t wn, const char *tok, size_t tn,
    int word)
{
	size_t limit = h->words || word ? LINE_WORDS : LINE_SOFT;

	if (h->col + wn + tn > limit && !h->first) {
		BUF_LIT(h->b, "\r\n");
		h->col = 0;
		h->words = 0;
	}
	buf_append(h->b, ws, wn);
	buf_append(h->b, tok, tn);
	h->col += wn + tn;
	h->words |= word;
	h->first = 0;
	/* No buf function fails a buffer on purpose: its sticky error does. */
	if (h->col > LINE_HARD)
		h->b->err = BUF_TOO_LARGE;
}

/*
 * Text as RFC 2047 encoded words of at most 75 columns, each filling
 * what is left of its line, split between UTF-8 characters: a reader
 * decodes each word on its own, and the spaces between words are not
 * part of the text.
 */
static void
hdr_encoded(struct hdr *h, const char *s)
{
	char b64[64], word[80];
	size_t n = strlen(s), i = 0, room, k;

	while (i < n) {
		room = LINE_WORDS - h->col - 1;
		if (room > WORD_MAX)
			room = WORD_MAX;
		k = room > WORD_WRAP ? (room - WORD_WRAP) / 4 * 3 : 0;
		if (h->first && k < 4)
			k = 4;	/* a header name too long to leave room */
		if (k > n - i)
			k = n - i;
		while (k > 0 && i + k < n &&
		    ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		if (k == 0 && !h->first) {
			/* Not one character fits: the next line has room. */
			BUF_LIT(h->b, "\r\n");
			h->col = 0;
			h->words = 0;
			continue;
		}
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i,
		    k, sodium_base64_VARIANT_ORIGINAL);
		snprintf(word, sizeof(word), "=?UTF-8?B?%s?=", b64);
		hdr_put(h, " ", 1, word, strlen(word), 1);
		i += k;
	}
}

/*
 * Whether ASCII text can go out as it is, folded at its spaces: every
 * run of non-space fits on a line of its own, none could be taken for
 * an encoded word, and no space begins or ends it (readers drop those).
 * Otherwise it is encoded, which keeps every byte and can be split
 * anywhere.
 */
static int
plain_fits(const struct hdr *h, const char *s)
{
	size_t k, n = strlen(s), room = LINE_SOFT - h->col;

	if (!ascii_only(s) || (n > 0 && (s[0] == ' ' || s[n - 1] == ' ')))
		return 0;
	/* The first word shares the line with the name (see hdr_put). */
	while (*s != '\0') {
		s += strspn(s, " \t");
		k = strcspn(s, " \t");
		if (k + 1 > room || (k >= 4 && s[0] == '=' &&
		    s[1] == '?' && s[k - 2] == '?' && s[k - 1] == '='))
			return 0;
		room = LINE_SOFT;
		s += k;
	}
	return 1;
}

/* ASCII text folded at its whitespace, every space kept as it was. */
static void
hdr_plain(struct hdr *h, const char *s)
{
	size_t wn, tn;

	/* The first token follows the space after the colon. */
	wn = strspn(s, " \t");
	tn = strcspn(s + wn, " \t");
	hdr_put(h, " ", 1, s + wn, tn, 0);
	s += wn + tn;
	while (*s != '\0') {
		wn = strspn(s, " \t");
		tn = strcspn(s + wn, " \t");
		hdr_put(h, s, wn, s + wn, tn, 0);
		s += wn + tn;
	}
}

/* Unstructured text (a subject): as it is when it can be, else encoded. */
static void
hdr_text(struct hdr *h, const char *s)
{
	char c[VALUE_MAX];

	clean(s, c, sizeof(c));
	if (plain_fits(h, c))
		hdr_plain(h, c);
	else
		hdr_encoded(h, c);
}

/* A display name: atoms, a quoted string, or encoded words. */
static void
hdr_phrase(struct hdr *h, const char *name)
{
	char c[512], q[1100];
	size_t n = 0;
	const char *p;

	clean(name, c, sizeof(c));
	if (ascii_only(c) && strpbrk(c, "()<>[]:;@\\,.\"") == NULL) {
		if (plain_fits(h, c)) {
			hdr_plain(h, c);
			return;
		}
	} else if (ascii_only(c)) {
		/* Folding inside a quoted string keeps its spaces too. */
		q[n++] = '"';
		for (p = c; *p != '\0' && n + 3 < sizeof(q); p++) {
			if (*p == '"' || *p == '\\')
				q[n++] = '\\';
			q[n++] = *p;
		}
		q[n++] = '"';
		q[n] = '\0';
		if (plain_fits(h, q)) {
			hdr_plain(h, q);
			return;
		}
	}
	hdr_encoded(h, c);
}

/* "Name <addr>" or "addr" (the address loses any space or control). */
static void
hdr_mailbox(struct hdr *h, const char *name, const char *addr)
{
	char a[260];
	size_t n = 0;

	a[n++] = '<';
	for (; *addr != '\0' && n + 2 < sizeof(a); addr++)
		if ((unsigned char)*addr > 0x20 && *addr != 0x7f)
			a[n++] = *addr;
	a[n++] = '>';
	a[n] = '\0';
	if (name != NULL && name[0] != '\0') {
		hdr_phrase(h, name);
		hdr_put(h, " ", 1, a, n, 0);
	} else {
		/* A bare address, without the angle brackets. */
		a[n - 1] = '\0';
		hdr_put(h, " ", 1, a + 1, n - 2, 0);
	}
}

/*
 * A structured value given by the caller (List-Unsubscribe's <URL>,
 * List-Id): folded only at its own whitespace; a byte that is not
 * printable ASCII, where no encoded word may stand, is written as %XX,
 * which a URL reads as the same byte.
 */
static void
hdr_structured(struct hdr *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char c[VALUE_MAX], v[3 * VALUE_MAX];
	size_t n = 0;
	const char *p;

	clean(s, c, sizeof(c));
	for (p = c; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x80) {
			v[n++] = *p;
			continue;
		}
		v[n++] = '%';
		v[n++] = hex[(unsigned char)*p >> 4];
		v[n++] = hex[*p & 15];
	}
	v[n] = '\0';
	hdr_plain(h, v);
}

/* Quoted-printable (RFC 2045, 6.7) with CRLF lines of at most 76 bytes. */
static void
put_qp(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '\r')
			continue;
		if (c == '\n') {
			BUF_LIT(b, "\r\n");
			col = 0;
			continue;
		}
		/* A soft break before a line would pass 76 bytes. */
		if (col >= 73) {
			BUF_LIT(b, "=\r\n");
			col = 0;
		}
		if ((c == ' ' || c == '\t') && (s[1] == '\n' || s[1] == '\r' ||
		    s[1] == '\0')) {
			buf_printf(b, "=%02X", c);
			col += 3;
		} else if ((c >= 33 && c <= 126 && c != '=' &&
		    !(c == '.' && col == 0)) || c == ' ' || c == '\t') {
			buf_putc(b, (char)c);
			col++;
		} else {
			buf_putc(b, '=');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
			col += 3;
		}
	}
	BUF_LIT(b, "\r\n");
}

static void
random_hex(char *out, size_t nbytes)
{
	unsigned char raw[32];

	randombytes_buf(raw, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
}

void
mail_compose(struct buf *b, const char *to_name, const char *to,
    const char *subject, const char *text, const char *html)
{
	mail_compose_with(b, to_name, to, subject, text, html, NULL);
}

/* Base64 in CRLF lines of 76 characters (RFC 2045, 6.8). */
static void
put_base64(struct buf *b, const unsigned char *p, size_t n)
{
	char line[80];
	size_t k;

	while (n > 0) {
		k = n < 57 ? n : 57;
		sodium_bin2base64(line, sizeof(line), p, k,
		    sodium_base64_VARIANT_ORIGINAL);
		buf_puts(b, line);
		BUF_LIT(b, "\r\n");
		p += k;
		n -= k;
	}
}

/* A MIME parameter value: printable ASCII without quotes or backslashes. */
static void
put_param(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			buf_putc(b, *s);
}

void
mail_compose_with(struct buf *b, const char *to_name, const char *to,
    const char *subject, const char *text, const char *html,
    const char *const *headers)
{
	mail_compose_attach(b, to_name, to, subject, text, html, headers, NULL);
}

void
mail_compose_attach(struct buf *b, const char *to_name, const char *to,
    const char *subject, const char *text, const char *html,
    const char *const *headers, const struct mail_attachment *att)
{
	compose(b, NULL, to_name, to, subject, text, html, headers, att);
}

void
mail_compose_as(struct buf *b, const char *from, const char *to_name,
    const char *to, const char *subject, const char *text, const char *html,
    const char *const *headers)
{
	compose(b, from, to_name, to, subject, text, html, headers, NULL);
}

/* The message of mail_compose_attach, from the name from (NULL: usual). */
static void
compose(struct buf *b, const char *from, const char *to_name, const char *to,
    const char *subject, const char *text, const char *html,
    const char *const *headers, const struct mail_attachment *att)
{
	struct buf param = BUF_INIT;
	struct hdr h;
	char val[400];
	size_t i;
	char date[64], id[33], boundary[33], mixed[33];
	const char *domain = strchr(from_addr, '@');
	char fname[256];
	time_t now = time(NULL);
	struct tm tm;

	pthread_mutex_lock(&from_lock);
	strlcpy_(fname, from_fixed ? from_name : site_from, sizeof(fname));
	pthread_mutex_unlock(&from_lock);
	/* A sister site's letters carry its name (docs/sites.md). */
	if (from != NULL && from[0] != '\0')
		clean(from, fname, sizeof(fname));
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	random_hex(id, 16);
	random_hex(boundary, 16);
	hdr_start(&h, b, "From");
	hdr_mailbox(&h, fname, from_addr);
	hdr_end(&h);
	hdr_start(&h, b, "To");
	hdr_mailbox(&h, to_name, to);
	hdr_end(&h);
	hdr_start(&h, b, "Subject");
	hdr_text(&h, subject);
	hdr_end(&h);
	snprintf(val, sizeof(val), "<%s.%lld@%s>", id, (long long)now,
	    domain != NULL ? domain + 1 : "localhost");
	buf_printf(b, "Date: %s\r\n", date);
	hdr_start(&h, b, "Message-ID");
	hdr_structured(&h, val);
	hdr_end(&h);
	for (i = 0; headers != NULL && headers[i] != NULL &&
	    headers[i + 1] != NULL; i += 2) {
		hdr_start(&h, b, headers[i]);
		hdr_structured(&h, headers[i + 1]);
		hdr_end(&h);
	}
	BUF_LIT(b, "MIME-Version: 1.0\r\n");
	/*
	 * With an attachment the alternatives become the first part of a
	 * multipart/mixed whose second part is the file.
	 */
	if (att != NULL) {
		random_hex(mixed, 16);
		buf_printf(b, "Content-Type: multipart/mixed;\r\n"
		    " boundary=\"=_%s\"\r\n\r\n", mixed);
		BUF_LIT(b, "This is a message in MIME format.\r\n");
		buf_printf(b, "\r\n--=_%s\r\n", mixed);
	}
	buf_printf(b, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"=_%s\"\r\n\r\n", boundary);
	if (att == NULL)
		BUF_LIT(b, "This is a message in MIME format.\r\n");
	buf_printf(b, "\r\n--=_%s\r\n", boundary);
	BUF_LIT(b, "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	put_qp(b, text);
	buf_printf(b, "\r\n--=_%s\r\n", boundary);
	BUF_LIT(b, "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	put_qp(b, html);
	buf_printf(b, "\r\n--=_%s--\r\n", boundary);
	if (att == NULL)
		return;
	buf_printf(b, "\r\n--=_%s\r\n", mixed);
	hdr_start(&h, b, "Content-Type");
	put_param(&param, att->content_type);
	hdr_structured(&h, param.p != NULL ? param.p : "");
	hdr_end(&h);
	BUF_LIT(b, "Content-Transfer-Encoding: base64\r\n");
	hdr_start(&h, b, "Content-Disposition");
	buf_reset(&param);
	BUF_LIT(&param, "attachment; filename=\"");
	put_param(&param, att->filename);
	buf_putc(&param, '"');
	hdr_structured(&h, param.p != NULL ? param.p : "");
	hdr_end(&h);
	buf_free(&param);
	BUF_LIT(b, "\r\n");
	put_base64(b, (const unsigned char *)att->data, att->len);
	buf_printf(b, "\r\n--=_%s--\r\n", mixed);
}

void
mail_set_site_name(const char *name)
{
	char clean_name[256];

	/* A name with no letter to show would make an empty phrase. */
	clean(name, clean_name, sizeof(clean_name));
	if (clean_name[0] == '\0')
		strlcpy_(clean_name, "masthead", sizeof(clean_name));
	pthread_mutex_lock(&from_lock);
	strlcpy_(site_from, clean_name, sizeof(site_from));
	pthread_mutex_unlock(&from_lock);
}

/* The From name follows the site_name setting as it is now. */
static void
site_refresh(struct db *db)
{
	char tmp[256];

	if (!from_fixed)
		mail_set_site_name(store_setting(db, "site_name", "masthead",
		    tmp, sizeof(tmp)));
}

int
mail_from_effective(struct db *db, char *out, size_t outsz)
{
	char name[256];

	if (db != NULL)
		site_refresh(db);
	pthread_mutex_lock(&from_lock);
	strlcpy_(name, from_fixed ? from_name : site_from, sizeof(name));
	pthread_mutex_unlock(&from_lock);
	if (name[0] == '\0')
		snprintf(out, outsz, "%s", from_addr);
	else
		snprintf(out, outsz, "%s <%s>", name, from_addr);
	return from_local;
}

int
mail_queue(struct db *db, const char *to_name, const char *to,
    const char *subject, const char *text, const char *html)
{
	return mail_queue_with(db, to_name, to, subject, text, html, NULL);
}

int
mail_queue_with(struct db *db, const char *to_name, const char *to,
    const char *subject, const char *text, const char *html,
    const char *const *headers)
{
	return mail_queue_as(db, NULL, to_name, to, subject, text, html,
	    headers);
}

int
mail_queue_as(struct db *db, const char *from, const char *to_name,
    const char *to, const char *subject, const char *text, const char *html,
    const char *const *headers)
{
	struct buf m = BUF_INIT;
	json_t *p;
	int rc;

	site_refresh(db);
	compose(&m, from, to_name, to, subject, text, html, headers, NULL);
	if (buf_err(&m)) {
		buf_free(&m);
		return STORE_INVALID;
	}
	p = json_pack("{s:s,s:s%}", "to", to, "message", m.p, m.len);
	rc = jobs_add(db, JOB_MAIL, p, 0);
	json_decref(p);
	buf_free(&m);
	return rc;
}

int
mail_queue_attach(struct db *db, const char *to_name, const char *to,
    const char *subject, const char *text, const char *html,
    const struct mail_attachment *att)
{
	struct buf m = BUF_INIT;
	json_t *p;
	int rc;

	site_refresh(db);
	mail_compose_attach(&m, to_name, to, subject, text, html, NULL, att);
	if (buf_err(&m)) {
		buf_free(&m);
		return STORE_INVALID;
	}
	p = json_pack("{s:s,s:s%}", "to", to, "message", m.p, m.len);
	rc = jobs_add(db, JOB_MAIL, p, 0);
	json_decref(p);
	buf_free(&m);
	return rc;
}

/* Writes the message into outbox_dir atomically (a temporary name, then rename). */
static int
to_outbox(const char *msg, int (*before_end)(void *), void *arg, char *err,
    size_t errlen)
{
	char id[17], tmp[4096], path[4096];
	size_t len = strlen(msg), off = 0;
	ssize_t n;
	int fd;

	if (mkdir(config.outbox_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "outbox %s: %s", config.outbox_dir,
		    strerror(errno));
		return -1;
	}
	random_hex(id, 8);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", config.outbox_dir, id);
	snprintf(path, sizeof(path), "%s/%lld-%s.eml", config.outbox_dir,
	    (long long)now_unix(), id);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len && (n = write(fd, msg + off, len - off)) > 0)
		off += (size_t)n;
	if (off < len || fsync(fd) != 0 || close(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* The message appears under its name only once the hook agrees. */
	if (before_end != NULL && before_end(arg) != 0) {
		snprintf(err, errlen, "the message was withdrawn");
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct reader {
	const char	*p;
	size_t		 left;
	int		(*before_end)(void *);
	void		*arg;
	int		 ended;		/* the hook ran */
	int		 withdrawn;	/* and said no */
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nmemb < r->left ? size * nmemb : r->left;

	/*
	 * The server takes the message only at the end-of-data mark that
	 * libcurl sends after the last bytes: the hook runs before they
	 * are handed over, and a "no" aborts the transfer, so the message
	 * is never taken.
	 */
	if (n == r->left && r->before_end != NULL && !r->ended) {
		r->ended = 1;
		if (r->before_end(r->arg) != 0) {
			r->withdrawn = 1;
			return CURL_READFUNC_ABORT;
		}
	}
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

int
mail_deliver(const char *to, const char *msg, char *err, size_t errlen)
{
	return mail_send(to, msg, NULL, NULL, NULL, err, errlen);
}

static int
send_msg(const char *to, const char *msg, int (*before_end)(void *),
    void *arg, long *code, char *err, size_t errlen)
{
	char url[512], rcpt[300], from[300], cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *rcpts;
	struct reader rd = { msg, strlen(msg), before_end, arg, 0, 0 };
	int64_t port = config.smtp_port;
	int tls = strcmp(config.smtp_tls, "tls") == 0;
	int starttls = strcmp(config.smtp_tls, "starttls") == 0;
	CURL *c;
	CURLcode rc;

	if (code != NULL)
		*code = 0;
	if (config.smtp_host[0] == '\0')
		return to_outbox(msg, before_end, arg, err, errlen);
	if (port == 0)
		port = tls ? 465 : starttls ? 587 : 25;
	snprintf(url, sizeof(url), "%s://%s:%lld", tls ? "smtps" : "smtp",
	    config.smtp_host, (long long)port);
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	snprintf(from, sizeof(from), "<%s>", from_addr);
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	rcpts = curl_slist_append(NULL, rcpt);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (config.smtp_ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, config.smtp_ca_file);
	if (config.smtp_user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, config.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, config.smtp_password);
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rd.left);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		long reply = 0;

		/* The server's reply code says most: 451, 550 ... */
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
		snprintf(err, errlen, "SMTP %s: %ld %s", url, reply,
		    rd.withdrawn ? "the message was withdrawn" : cerr[0] !=
		    '\0' ? cerr : curl_easy_strerror(rc));
		if (code != NULL)
			*code = reply;
	}
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

/* "Name <addr>" or "addr" into from_name and from_addr. */
static int
parse_from(const char *s, char *err, size_t errlen)
{
	const char *lt = strchr(s, '<'), *gt;
	size_t n;

	if (lt == NULL) {
		from_name[0] = '\0';
		clean(s, from_addr, sizeof(from_addr));
	} else {
		if ((gt = strchr(lt, '>')) == NULL)
			goto bad;
		n = (size_t)(lt - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '"'))
			n--;
		while (n > 0 && (*s == ' ' || *s == '"'))
			s++, n--;
		if (n >= sizeof(from_name) ||
		    (size_t)(gt - lt - 1) >= sizeof(from_addr))
			goto bad;
		memcpy(from_name, s, n);
		from_name[n] = '\0';
		memcpy(from_addr, lt + 1, (size_t)(gt - lt - 1));
		from_addr[gt - lt - 1] = '\0';
	}
	if (strchr(from_addr, '@') == NULL || strpbrk(from_addr, " <>\"") != NULL)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "mail_from: \"%s\" is not an address like "
	    "\"Name <news@example.com>\"", s);
	return -1;
}

int
mail_send(const char *to, const char *msg, int (*before_end)(void *),
    void *arg, long *code, char *err, size_t errlen)
{
	int rc = send_msg(to, msg, before_end, arg, code, err, errlen);

	metrics_count(rc == 0 ? MC_MAIL_SENT : MC_MAIL_FAILED);
	return rc;
}

/* The "mail" job: one composed message to one address. */
static int
mail_job(struct db *db, json_t *payload, char *err, size_t errlen)
{
	const char *to = json_string_value(json_object_get(payload, "to"));
	const char *msg = json_string_value(json_object_get(payload, "message"));

	(void)db;
	if (to == NULL || msg == NULL) {
		snprintf(err, errlen, "malformed mail job");
		return -1;
	}
	return mail_deliver(to, msg, err, errlen);
}

void
mail_jobs_init(void)
{
	/* A message holds personal data: it goes once it is sent. */
	jobs_register(JOB_MAIL, mail_job, JOB_SECRET);
}

int
mail_init(char *err, size_t errlen)
{
	char dflt[300], host[200];
	const char *h;
	size_t n;

	from_fixed = config.mail_from[0] != '\0';
	from_local = 0;
	if (!from_fixed) {
		/*
		 * noreply@ the host of base_url (without a port); the name
		 * is the publication's (mail_set_site_name).
		 */
		h = strstr(config.base_url, "://");
		h = h != NULL ? h + 3 : "";
		n = strcspn(h, ":/");
		if (n == 0 || n >= sizeof(host)) {
			strlcpy_(host, "localhost", sizeof(host));
			from_local = 1;
		} else {
			memcpy(host, h, n);
			host[n] = '\0';
		}
		snprintf(dflt, sizeof(dflt), "masthead <noreply@%s>", host);
		if (parse_from(dflt, err, errlen) != 0)
			return -1;
	} else if (parse_from(config.mail_from, err, errlen) != 0) {
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	return 0;
}

void
mail_free(void)
{
	curl_global_cleanup();
}

void
mail_para(struct buf *text, struct buf *html, const char *s)
{
	buf_printf(text, "%s\n\n", s);
	BUF_LIT(html, "<p>");
	esc_html(html, s, strlen(s));
	BUF_LIT(html, "</p>\n");
}

void
mail_link(struct buf *text, struct buf *html, const char *label,
    const char *url)
{
	buf_printf(text, "%s:\n%s\n\n", label, url);
	BUF_LIT(html, "<p><a href=\"");
	esc_html(html, url, strlen(url));
	BUF_LIT(html, "\">");
	esc_html(html, label, strlen(label));
	BUF_LIT(html, "</a></p>\n");
}
