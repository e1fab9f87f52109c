#!/usr/bin/env python3
"""The theme's assets: compressed like pages, kept a year by their hashed URL.

Every asset of the theme (themes/default/assets/) is served as the page
cache serves a page: gzip or brotli when the client takes it (made once
at start), the identity bytes otherwise, Vary: Accept-Encoding, an ETag
per variant and 304 on revalidation (docs/cache.md, "Theme assets").
Pages link them as /assets/<name>?v=<the theme's content hash>: that URL
is `Cache-Control: public, max-age=31536000, immutable`; the same file
without the hash, or with the hash of another theme (a page cached
before the theme changed), is kept an hour.
"""
import gzip
import os
import re
import sys

import brotli  # python3-brotli, installed by make test-deps

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TOP, Server, eq, ok, run_tests  # noqa: E402

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"
ASSETS = os.path.join(TOP, "themes", "default", "assets")
TEXT = (".css", ".js", ".svg")

srv = Server()


def version():
    """The ?v= of the stylesheet the home page links."""
    _, _, body = srv.html("/")
    m = re.search(r'href="/assets/site\.css\?v=([0-9a-f]+)"', body)
    ok(m is not None, "the home page links site.css with its version")
    return m.group(1)


def raw_get(target, headers="", method="GET"):
    """(status, headers dict, body bytes) over a raw socket: what a strict
    client sees, HEAD included."""
    out = srv.raw(("%s %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n"
                   "\r\n" % (method, target, headers)).encode(), timeout=10)
    head, _, body = out.partition("\r\n\r\n")
    lines = head.split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return int(lines[0].split(" ")[1]), hdrs, body.encode("latin-1")


def text_assets():
    return sorted(n for n in os.listdir(ASSETS) if n.endswith(TEXT))


def test_variants():
    """Each text asset: its three variants decode to the file's bytes."""
    v = version()
    names = text_assets()
    ok({"site.css", "site.js", "admin.css", "admin.js"} <= set(names),
       "the theme has its stylesheets and scripts", names)
    for name in names:
        with open(os.path.join(ASSETS, name), "rb") as f:
            want = f.read()
        url = "/assets/%s?v=%s" % (name, v)
        s, h, body = srv.get(url, {"Accept-Encoding": "identity"})
        eq((s, body), (200, want), "%s: identity is the file's bytes" % name)
        eq(h.get("content-encoding"), None, "%s: identity has no "
           "Content-Encoding" % name)
        eq(h.get("vary"), "Accept-Encoding", "%s: Vary" % name)
        eq(h.get("cache-control"), IMMUTABLE, "%s: hashed URL is immutable"
           % name)
        base = h.get("etag", "")
        ok(re.fullmatch(r'"[0-9a-f]{16}"', base) is not None,
           "%s: a strong ETag" % name, base)
        for coding, undo, suffix in (("gzip", gzip.decompress, "-gz"),
                                     ("br", brotli.decompress, "-br")):
            s, h, body = srv.get(url, {"Accept-Encoding": coding})
            eq((s, h.get("content-encoding")), (200, coding),
               "%s: %s is sent compressed" % (name, coding))
            ok(len(body) < len(want), "%s: %s is smaller (%d < %d)"
               % (name, coding, len(body), len(want)))
            eq(undo(body), want, "%s: %s decodes to the identity bytes"
               % (name, coding))
            eq(h.get("etag"), base[:-1] + suffix + '"',
               "%s: %s has its own ETag" % (name, coding))
            eq(h.get("vary"), "Accept-Encoding", "%s: Vary on %s"
               % (name, coding))
        # A browser sends both: brotli wins, as for pages.
        _, h, _ = srv.get(url, {"Accept-Encoding": "gzip, deflate, br"})
        eq(h.get("content-encoding"), "br", "%s: br preferred" % name)
        # q=0 refuses a coding.
        _, h, _ = srv.get(url, {"Accept-Encoding": "br;q=0, gzip"})
        eq(h.get("content-encoding"), "gzip", "%s: br;q=0 gets gzip" % name)


def test_revalidation():
    """304 for the ETag of the variant asked for, 200 for another's."""
    v = version()
    url = "/assets/site.css?v=" + v
    for coding in ("identity", "gzip", "br"):
        _, h, _ = srv.get(url, {"Accept-Encoding": coding})
        tag = h["etag"]
        s, h2, body = srv.get(url, {"Accept-Encoding": coding,
                                    "If-None-Match": tag})
        eq((s, body), (304, b""), "site.css %s: 304 for its ETag" % coding)
        eq(h2.get("etag"), tag, "site.css %s: the 304 names the ETag"
           % coding)
        eq(h2.get("cache-control"), IMMUTABLE, "site.css %s: the 304 keeps "
           "Cache-Control" % coding)
    _, h, _ = srv.get(url, {"Accept-Encoding": "gzip"})
    s, _, _ = srv.get(url, {"Accept-Encoding": "br",
                            "If-None-Match": h["etag"]})
    eq(s, 200, "the gzip ETag does not revalidate the brotli variant")
    s, _, _ = srv.get(url, {"If-None-Match": '"0000000000000000"'})
    eq(s, 200, "another ETag gets the asset")


def test_head():
    """HEAD: the GET's headers, no body (raw socket, no forgiving client)."""
    v = version()
    for coding in ("identity", "gzip", "br"):
        sg, hg, bg = raw_get("/assets/site.js?v=" + v,
                             "Accept-Encoding: %s\r\n" % coding)
        sh, hh, bh = raw_get("/assets/site.js?v=" + v,
                             "Accept-Encoding: %s\r\n" % coding, "HEAD")
        eq((sg, sh), (200, 200), "site.js %s: GET and HEAD 200" % coding)
        eq(bh, b"", "site.js %s: HEAD has no body" % coding)
        for k in ("content-length", "content-encoding", "etag",
                  "cache-control", "vary", "content-type"):
            eq(hh.get(k), hg.get(k), "site.js %s: HEAD's %s is the GET's"
               % (coding, k))
        eq(int(hg["content-length"]), len(bg), "site.js %s: Content-Length "
           "is the body's" % coding)


def test_cache_control():
    """Immutable only by the current hash; an hour otherwise."""
    v = version()
    cases = [("/assets/site.css?v=" + v, IMMUTABLE),
             ("/assets/admin.js?v=" + v, IMMUTABLE),
             ("/assets/site.css", SHORT),
             ("/assets/site.css?v=", SHORT),
             ("/assets/site.css?v=00000000", SHORT),
             ("/assets/site.css?v=" + v + "x", SHORT),
             ("/favicon.ico", SHORT)]
    for url, want in cases:
        s, h, _ = srv.get(url)
        eq((s, h.get("cache-control")), (200, want), url)
    s, h, _ = srv.get("/assets/nothing.css?v=" + v)
    eq(s, 404, "an unknown asset is 404 even with the hash")
    ok("immutable" not in h.get("cache-control", ""),
       "a 404 is not immutable", h.get("cache-control"))


def test_pages_link_hashed():
    """Every asset a page links carries the theme's hash."""
    v = version()
    _, _, body = srv.html("/")
    links = re.findall(r'<(?:link|script)[^>]*(?:href|src)="(/assets/[^"]+)"',
                       body)
    ok(len([x for x in links if ".css" in x or ".js" in x]) >= 2,
       "the home page links its stylesheet and script", links)
    for link in links:
        eq(link.split("?v=")[-1], v, "%s carries the hash" % link)


def test_binary_plain():
    """An image asset is sent as it is: no compression, its own ETag."""
    s, h, body = srv.get("/favicon.ico", {"Accept-Encoding": "gzip, br"})
    with open(os.path.join(ASSETS, "favicon.ico"), "rb") as f:
        eq((s, body), (200, f.read()), "favicon.ico: the file's bytes")
    eq(h.get("content-encoding"), None, "favicon.ico is not compressed")


run_tests([test_variants, test_revalidation, test_head, test_cache_control,
           test_pages_link_hashed, test_binary_plain], srv.stop)
