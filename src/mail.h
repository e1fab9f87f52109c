/*
 * mail.h — the site's email: RFC 5322 messages (text and HTML
 * alternatives), sent by a job through SMTP (libcurl), or written to
 * outbox_dir as .eml files when no SMTP server is configured.
 */
#ifndef MASTHEAD_MAIL_H
#define MASTHEAD_MAIL_H

#include <stddef.h>

struct buf;
struct db;

/* Checks the mail settings and sets libcurl up; 0 or -1 with err. */
int	 mail_init(char *err, size_t errlen);
/* Registers the "mail" job, which sends what mail_queue queued. */
void	 mail_jobs_init(void);
void	 mail_free(void);
/*
 * Without mail_from, messages come from "<site name> <noreply@HOST>",
 * HOST the host of base_url: the name the site has now (queued messages
 * read the site_name setting themselves; this sets it for the rest).
 */
void	 mail_set_site_name(const char *);
/*
 * The From of the next message ("Name <address>") into out, reading the
 * site's name from db when it is not NULL; 1 when no base_url gave the
 * address a host (noreply@localhost: mail servers refuse it), else 0.
 */
int	 mail_from_effective(struct db *, char *out, size_t outsz);
/*
 * Writes a complete message (CRLF lines: From, To, Subject, Date,
 * Message-ID, MIME multipart/alternative with quoted-printable text and
 * HTML parts) into out.  to_name may be NULL; text and html are UTF-8.
 */
void	 mail_compose(struct buf *out, const char *to_name, const char *to,
	    const char *subject, const char *text, const char *html);
/*
 * Composes a message and adds the job that sends it, inside the
 * caller's transaction (call jobs_kick() after the commit).  enum store_rc.
 */
int	 mail_queue(struct db *, const char *to_name, const char *to,
	    const char *subject, const char *text, const char *html);
/*
 * mail_compose with extra headers: NULL-terminated name, value pairs
 * (values are cleaned of line breaks).
 */
void	 mail_compose_with(struct buf *out, const char *to_name, const char *to,
	    const char *subject, const char *text, const char *html,
	    const char *const *headers);
int	 mail_queue_with(struct db *, const char *to_name, const char *to,
	    const char *subject, const char *text, const char *html,
	    const char *const *headers);
/*
 * A file sent with a message: its MIME type (parameters allowed, e.g.
 * "text/calendar; method=PUBLISH; charset=utf-8"), a file name (printable
 * ASCII) and the bytes, base64-encoded in the message.
 */
struct mail_attachment {
	const char	*content_type;
	const char	*filename;
	const char	*data;
	size_t		 len;
};
/*
 * mail_compose_with and one attachment (NULL: none): multipart/mixed
 * around the multipart/alternative text and HTML.
 */
void	 mail_compose_attach(struct buf *out, const char *to_name,
	    const char *to, const char *subject, const char *text,
	    const char *html, const char *const *headers,
	    const struct mail_attachment *);
int	 mail_queue_attach(struct db *, const char *to_name, const char *to,
	    const char *subject, const char *text, const char *html,
	    const struct mail_attachment *);
/*
 * mail_compose_with and mail_queue_with in the name from (a sister
 * site's, docs/sites.md) rather than the usual From name; the address
 * is the usual one.  from NULL or "": the usual name.
 */
void	 mail_compose_as(struct buf *out, const char *from,
	    const char *to_name, const char *to, const char *subject,
	    const char *text, const char *html, const char *const *headers);
int	 mail_queue_as(struct db *, const char *from, const char *to_name,
	    const char *to, const char *subject, const char *text,
	    const char *html, const char *const *headers);
/*
 * Sends a composed message to one address now; 0, or -1 with err and
 * the server's reply code in *code (0 when it gave none; code may be
 * NULL).  before_end (may be NULL) runs just before the end of the
 * data, the moment the server takes the message: when it returns
 * non-zero the message is withdrawn and never delivered.
 */
int	 mail_send(const char *to, const char *msg, int (*before_end)(void *),
	    void *arg, long *code, char *err, size_t errlen);
/* Sends a composed message to one address now; 0, or -1 with err. */
int	 mail_deliver(const char *to, const char *msg, char *err, size_t errlen);

/*
 * The bodies of letters: a paragraph, or a link on a line of its own
 * under its label, appended to both the text and the HTML part.
 */
void	 mail_para(struct buf *text, struct buf *html, const char *s);
void	 mail_link(struct buf *text, struct buf *html, const char *label,
	    const char *url);

#endif
