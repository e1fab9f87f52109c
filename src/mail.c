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
#include "store.h"
#include "util.h"

#define WORD_BYTES	45	/* raw bytes in one encoded word (60 base64) */

static char from_name[256];
static char from_addr[256];

/* Copies s without control characters (line breaks become spaces). */
static void
clean(const char *s, char *out, size_t outsz)
{
	size_t i = 0;

	for (; *s != '\0' && i + 1 < outsz; s++)
		out[i++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
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

/* RFC 2047 encoded words, split at character boundaries, folded. */
static void
put_encoded(struct buf *b, const char *s)
{
	char b64[128];
	size_t n = strlen(s), i = 0, k;
	int first = 1;

	while (i < n) {
		k = n - i < WORD_BYTES ? n - i : WORD_BYTES;
		/* Never split a UTF-8 sequence between two words. */
		while (k > 1 && i + k < n &&
		    ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i,
		    k, sodium_base64_VARIANT_ORIGINAL);
		if (!first)
			BUF_LIT(b, "\r\n ");
		buf_printf(b, "=?UTF-8?B?%s?=", b64);
		first = 0;
		i += k;
	}
}

/* A display name: as it is, quoted, or encoded. */
static void
put_phrase(struct buf *b, const char *name)
{
	char c[512];
	const char *p;

	clean(name, c, sizeof(c));
	if (!ascii_only(c)) {
		put_encoded(b, c);
		return;
	}
	if (strpbrk(c, "()<>[]:;@\\,.\"") == NULL) {
		buf_puts(b, c);
		return;
	}
	buf_putc(b, '"');
	for (p = c; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

static void
put_mailbox(struct buf *b, const char *name, const char *addr)
{
	char a[256];

	clean(addr, a, sizeof(a));
	if (name != NULL && name[0] != '\0') {
		put_phrase(b, name);
		buf_printf(b, " <%s>", a);
	} else {
		buf_puts(b, a);
	}
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
	char val[1000];
	size_t i;
	char date[64], id[33], boundary[33], mixed[33], subj[1000];
	const char *domain = strchr(from_addr, '@');
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	random_hex(id, 16);
	random_hex(boundary, 16);
	BUF_LIT(b, "From: ");
	put_mailbox(b, from_name, from_addr);
	BUF_LIT(b, "\r\nTo: ");
	put_mailbox(b, to_name, to);
	BUF_LIT(b, "\r\nSubject: ");
	clean(subject, subj, sizeof(subj));
	if (ascii_only(subj))
		buf_puts(b, subj);
	else
		put_encoded(b, subj);
	buf_printf(b, "\r\nDate: %s\r\nMessage-ID: <%s.%lld@%s>\r\n", date, id,
	    (long long)now, domain != NULL ? domain + 1 : "localhost");
	for (i = 0; headers != NULL && headers[i] != NULL &&
	    headers[i + 1] != NULL; i += 2) {
		clean(headers[i + 1], val, sizeof(val));
		buf_printf(b, "%s: %s\r\n", headers[i], val);
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
	BUF_LIT(b, "Content-Type: ");
	put_param(b, att->content_type);
	BUF_LIT(b, "\r\nContent-Transfer-Encoding: base64\r\n"
	    "Content-Disposition: attachment; filename=\"");
	put_param(b, att->filename);
	BUF_LIT(b, "\"\r\n\r\n");
	put_base64(b, (const unsigned char *)att->data, att->len);
	buf_printf(b, "\r\n--=_%s--\r\n", mixed);
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
	struct buf m = BUF_INIT;
	json_t *p;
	int rc;

	mail_compose_with(&m, to_name, to, subject, text, html, headers);
	if (buf_err(&m)) {
		buf_free(&m);
		return STORE_INVALID;
	}
	p = json_pack("{s:s,s:s%}", "to", to, "message", m.p, m.len);
	rc = jobs_add(db, "mail", p, 0);
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

	mail_compose_attach(&m, to_name, to, subject, text, html, NULL, att);
	if (buf_err(&m)) {
		buf_free(&m);
		return STORE_INVALID;
	}
	p = json_pack("{s:s,s:s%}", "to", to, "message", m.p, m.len);
	rc = jobs_add(db, "mail", p, 0);
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

int
mail_send(const char *to, const char *msg, int (*before_end)(void *),
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
mail_init(char *err, size_t errlen)
{
	char dflt[300], host[200];
	const char *h;
	size_t n;

	if (strcmp(config.smtp_tls, "none") != 0 &&
	    strcmp(config.smtp_tls, "starttls") != 0 &&
	    strcmp(config.smtp_tls, "tls") != 0) {
		snprintf(err, errlen, "smtp_tls: \"%s\" is not none, starttls "
		    "or tls", config.smtp_tls);
		return -1;
	}
	if (config.mail_from[0] == '\0') {
		/* noreply@ the host of base_url (without a port). */
		h = strstr(config.base_url, "://");
		h = h != NULL ? h + 3 : "";
		n = strcspn(h, ":/");
		if (n == 0 || n >= sizeof(host))
			strlcpy_(host, "localhost", sizeof(host));
		else {
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
