/*
 * resource.c — download links of gated resources and the message that
 * carries one.
 *
 * A link names a lead and a time: /resources/SLUG/download?lead=ID&
 * exp=UNIX&sig=MAC, where MAC is an HMAC-SHA-256 of "resource:ID:EXP"
 * (sign.h)
 * under a key of the site (site_keys, made on the first start, so links
 * work across restarts, instances and migrate-db).  No row per link is
 * kept; changing exp or lead breaks the MAC, and the key's change voids
 * every link ever sent.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "escape.h"
#include "mail.h"
#include "newsletter.h"
#include "resource.h"
#include "sign.h"
#include "store.h"
#include "util.h"
#include "view.h"

static unsigned char key[RESOURCE_KEY_LEN];

int
resource_init(struct db *db, char *err, size_t errlen)
{
	return site_key_load(db, "resource", key, sizeof(key), err, errlen);
}

/* The signed text of a link: its expiry time (sign.h). */
static void
exp_text(int64_t exp, char out[24])
{
	snprintf(out, 24, "%lld", (long long)exp);
}

void
resource_sign_with(const unsigned char k[RESOURCE_KEY_LEN], int64_t lead,
    int64_t exp, char out[RESOURCE_SIG_LEN + 1])
{
	char t[24];

	exp_text(exp, t);
	sign_mac_b64(k, "resource", lead, t, out);
}

enum resource_link
resource_check_with(const unsigned char k[RESOURCE_KEY_LEN], int64_t lead,
    int64_t exp, const char *sig, size_t siglen, int64_t now)
{
	char t[24];

	exp_text(exp, t);
	if (sig == NULL || !sign_mac_ok(k, "resource", lead, t, sig, siglen))
		return RL_LINK_BAD;
	return now > exp ? RL_LINK_EXPIRED : RL_LINK_OK;
}

void
resource_sign(int64_t lead, int64_t exp, char out[RESOURCE_SIG_LEN + 1])
{
	resource_sign_with(key, lead, exp, out);
}

enum resource_link
resource_check(int64_t lead, int64_t exp, const char *sig, size_t siglen,
    int64_t now)
{
	return resource_check_with(key, lead, exp, sig, siglen, now);
}

int
resource_queue_link(struct db *db, const char *name, const char *email,
    const char *title, const char *url, int64_t exp)
{
	struct buf text = BUF_INIT, html = BUF_INIT;
	char site[200], tmp[200], subject[600], until[64];
	int rc;

	strlcpy_(site, store_setting(db, "site_name", "masthead", tmp,
	    sizeof(tmp)), sizeof(site));
	snprintf(subject, sizeof(subject), "Your download: %s", title);
	view_fmt_iso(exp, until, sizeof(until));
	buf_printf(&text, "Hello %s,\n\nthank you for your interest in \"%s\"."
	    "\n\nDownload it here (the link works until %s):\n%s\n\n-- \n%s\n",
	    name, title, until, url, site);
	BUF_LIT(&html, "<!doctype html><html><head><meta charset=\"utf-8\">"
	    "<title>");
	esc_html(&html, subject, strlen(subject));
	BUF_LIT(&html, "</title></head><body style=\"font-family:sans-serif;"
	    "max-width:640px;margin:auto\">\n<p>Hello ");
	esc_html(&html, name, strlen(name));
	BUF_LIT(&html, ",</p>\n<p>thank you for your interest in <strong>");
	esc_html(&html, title, strlen(title));
	BUF_LIT(&html, "</strong>.</p>\n<p><a href=\"");
	esc_html(&html, url, strlen(url));
	BUF_LIT(&html, "\">Download it here</a> (the link works until ");
	esc_html(&html, until, strlen(until));
	BUF_LIT(&html, ").</p>\n<hr>\n<p style=\"font-size:12px;color:#555\">");
	esc_html(&html, site, strlen(site));
	BUF_LIT(&html, "</p></body></html>\n");
	rc = buf_err(&text) || buf_err(&html) ? STORE_INVALID :
	    mail_queue(db, name, email, subject, text.p, html.p);
	buf_free(&text);
	buf_free(&html);
	return rc;
}
