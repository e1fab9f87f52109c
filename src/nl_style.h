/*
 * nl_style.h — the inline styles of a newsletter message's HTML (mail
 * clients take no stylesheet).
 *
 * newsletter.c writes them into every message; the newsroom's preview
 * allows exactly these by their hashes in its Content-Security-Policy
 * (harden.c).  Both include this header, which sits below them, so the
 * hardening headers need not reach up into the newsletter service.
 */
#ifndef MASTHEAD_NL_STYLE_H
#define MASTHEAD_NL_STYLE_H

#define NL_STYLE_BODY	"font-family:sans-serif;max-width:640px;margin:auto"
#define NL_STYLE_FOOT	"font-size:12px;color:#555"

#endif
