/*
 * harden.c — the browser hardening headers (harden.h), built once.
 *
 * Every answer carries them, a cached page served in microseconds as
 * much as an error, so they are made here at start into constant strings
 * and http.c only points at them.  The Content-Security-Policy is
 * written in one place, csp(), from the configuration: a setting that
 * widens it (the hosts of embedded players) is read there and nowhere
 * else.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "harden.h"
#include "nl_style.h"
#include "sanitize.h"
#include "util.h"

static struct harden_set sets[HARDEN__MAX];
static char *csps[HARDEN__MAX];

/* 'sha256-…' of an inline style, as CSP names it (RFC 4648 base64). */
static void
style_hash(struct buf *b, const char *style)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];

	crypto_hash_sha256(h, (const unsigned char *)style, strlen(style));
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
	    sodium_base64_VARIANT_ORIGINAL);
	buf_printf(b, " 'sha256-%s'", b64);
}

/*
 * The policy.  Scripts, styles, fonts and fetches come from the site
 * alone; images and audio or video may come from any https host (a
 * story's pictures and a podcast's episodes may live elsewhere);
 * plugins, <base> elsewhere and forms sent elsewhere are refused, and no
 * site may frame a page (frame-ancestors, which X-Frame-Options repeats
 * for browsers that predate it).
 */
static char *
csp(enum harden_policy p)
{
	struct buf b = BUF_INIT;

	BUF_LIT(&b, "default-src 'self'; script-src 'self'; style-src 'self'");
	if (p == HARDEN_MAIL) {
		/* A message's HTML has no stylesheet: its styles are inline. */
		BUF_LIT(&b, " 'unsafe-hashes'");
		style_hash(&b, NL_STYLE_BODY);
		style_hash(&b, NL_STYLE_FOOT);
	}
	BUF_LIT(&b, "; img-src 'self' https:; media-src 'self' https:; ");
	/* The players a story may embed (embed_hosts), over https only. */
	BUF_LIT(&b, "frame-src ");
	sanitize_frame_src(&b);
	BUF_LIT(&b, "; ");
	BUF_LIT(&b, "object-src 'none'; base-uri 'self'; form-action 'self'; "
	    "frame-ancestors 'none'");
	/* A few hundred bytes: only running out of memory could fail. */
	if (buf_err(&b))
		abort();
	return buf_detach(&b, NULL);
}

static void
add(struct harden_set *s, const char *name, const char *value)
{
	/* The sets are fixed at compile time: more would be a bug here. */
	if (s->n == HARDEN_MAX_HEADERS)
		abort();
	s->h[s->n].name = name;
	s->h[s->n].namelen = strlen(name);
	s->h[s->n].value = value;
	s->h[s->n].len = strlen(value);
	s->n++;
}

void
harden_init(void)
{
	int https = strncmp(config.base_url, "https://", 8) == 0;

	for (int p = HARDEN_SITE; p < HARDEN__MAX; p++) {
		struct harden_set *s = &sets[p];

		free(csps[p]);
		csps[p] = csp((enum harden_policy)p);
		s->n = 0;
		add(s, "content-security-policy", csps[p]);
		add(s, "x-frame-options", "DENY");
		add(s, "x-content-type-options", "nosniff");
		/*
		 * Other sites learn only the origin a reader came from; the
		 * newsroom's addresses (drafts, their titles in slugs) do not
		 * leave it at all.
		 */
		add(s, "referrer-policy", p == HARDEN_NEWSROOM ? "same-origin" :
		    "strict-origin-when-cross-origin");
		/*
		 * Browsers obey HSTS only over https; sent over plain http
		 * (a site behind a proxy that ends TLS still names https in
		 * base_url) it is ignored, so base_url alone decides.
		 */
		if (https)
			add(s, "strict-transport-security", "max-age=31536000");
	}
}

const struct harden_set *
harden_headers(enum harden_policy p)
{
	if (p <= HARDEN_AUTO || p >= HARDEN__MAX)
		p = HARDEN_SITE;
	return &sets[p];
}

const char *
harden_csp(enum harden_policy p)
{
	if (p <= HARDEN_AUTO || p >= HARDEN__MAX)
		p = HARDEN_SITE;
	return csps[p] != NULL ? csps[p] : "";
}
