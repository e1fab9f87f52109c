"""The security audit's findings, as an attacker sees the server: raw
HTTP/1.1 over a socket, so that a header line an HTTP client would
merge, reorder or drop is seen exactly as it is sent.

- no header carries what a request or the database put in it: a
  sign-in's next with CR LF, a slug with CR LF or a quote in a download
  name or a redirect;
- next is a path on this site of safe characters, or "/";
- every answer kind carries the hardening headers, once each;
- a signed-in request takes the session's CSRF token only, never a
  planted mh_csrf cookie;
- wrong passwords of others do not lock an account: per account and
  address, per address, and past a per-account ceiling a slow-down;
- media types of request bodies are case-insensitive.
See docs/security.md."""
import base64
import json
import os
import re
import subprocess
import tempfile
import urllib.parse

from harness import (BIN, TOP, Server, ok, eq, contains, run_tests, demo_db, sql,
                     status_of, form_token)

PW = "a long enough passphrase"
D = tempfile.mkdtemp(prefix="masthead-security-")
DB = demo_db(D)
for name, role in (("reader", "member"), ("editor", "editor"), ("admin", "admin"),
                   ("victim", "editor"), ("nexter", "member")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    name.title(), name + "@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
TOKEN = subprocess.run([BIN, "token", "add", "--db", DB, "admin@example.com"],
                       check=True, capture_output=True, text=True).stdout.strip()
SRV = Server(db=DB, args=["--real_ip_header", "X-Real-IP"])
SLUG = sql(DB, "SELECT slug FROM articles WHERE status = 'published'"
           " ORDER BY published_at DESC LIMIT 1")[0][0]

HARDENING = ("content-security-policy", "x-frame-options", "x-content-type-options",
             "referrer-policy")


def request(method, path, headers=(), body=b"", srv=None):
    """One raw HTTP/1.1 request: (status, [(name, value)] as sent, body).
    Header names are lower-cased; nothing is merged or dropped."""
    srv = srv or SRV
    if isinstance(body, str):
        body = body.encode()
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % srv.port,
             "Connection: close"]
    lines += ["%s: %s" % kv for kv in headers]
    if body or method == "POST":
        lines.append("Content-Length: %d" % len(body))
    raw = srv.raw(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    head, _, rest = raw.partition("\r\n\r\n")
    hl = head.split("\r\n")
    hdrs = []
    for line in hl[1:]:
        n, _, v = line.partition(":")
        hdrs.append((n.strip().lower(), v.strip()))
    return status_of(raw), hdrs, rest


def values(hdrs, name):
    return [v for n, v in hdrs if n == name]


def one(hdrs, name):
    v = values(hdrs, name)
    return v[0] if len(v) == 1 else None


def cookies(hdrs):
    out = {}
    for v in values(hdrs, "set-cookie"):
        k, _, rest = v.partition("=")
        out[k] = rest.split(";")[0]
    return out


def anon_form(ip="192.0.2.1"):
    """(mh_csrf cookie, the form's token) of an anonymous sign-in form."""
    s, h, b = request("GET", "/signin", [("X-Real-IP", ip)])
    return cookies(h).get("mh_csrf", ""), form_token(b)


def sign_in(who, ip="192.0.2.1", next_=None, password=PW, srv=None):
    s, h, b = request("GET", "/signin", [("X-Real-IP", ip)], srv=srv)
    jar, tok = cookies(h).get("mh_csrf", ""), form_token(b)
    fields = [("csrf", tok), ("email", who + "@example.com"), ("password", password)]
    if next_ is not None:
        fields.append(("next", next_))
    return request("POST", "/signin", [
        ("X-Real-IP", ip), ("Cookie", "mh_csrf=" + jar),
        ("Content-Type", "application/x-www-form-urlencoded")],
        urllib.parse.urlencode(fields), srv=srv)


SESS = {}


def session(who):
    """(Cookie header value, the session's CSRF token) of a signed-in user."""
    if who not in SESS:
        s, h, b = sign_in(who, ip="192.0.2.%d" % (50 + len(SESS)))
        cookie = "mh_session=" + cookies(h)["mh_session"]
        s, h, b = request("GET", "/account", [("Cookie", cookie)])
        SESS[who] = (cookie, form_token(b))
    return SESS[who]


def post_as(who, path, fields, cookie_extra="", ctype="application/x-www-form-urlencoded"):
    cookie, tok = session(who)
    return request("POST", path, [("Cookie", cookie + cookie_extra),
                                  ("Content-Type", ctype)],
                   urllib.parse.urlencode(fields))


def no_injection(hdrs, name):
    ok(not any(n == "set-cookie" and "pwn" in v for n, v in hdrs) and
       not any(n == "pwn" or n.startswith("x-injected") for n, v in hdrs),
       name, hdrs)


# ---- 1. header injection and next ----------------------------------------

def test_next_crlf():
    # A line break in a one-line field is refused before the handler
    # (422, text.c); the redirect's own check would send "/" instead.
    s, h, b = sign_in("nexter", next_="/\r\nSet-Cookie: pwn=1")
    eq(s, 422, "signing in with next=/CR LF Set-Cookie: pwn=1 is refused (422)")
    no_injection(h, "and no Set-Cookie: pwn=1 line is in the answer")
    eq(values(h, "location"), [], "no Location")
    ok("mh_session" not in cookies(h), "no session cookie")
    s, h, b = sign_in("nexter", next_="/account\r\nX-Injected: 1")
    no_injection(h, "next=/account CR LF X-Injected: no injected header")
    eq(values(h, "location"), [], "and no Location")


def test_next_allow_list():
    cases = [
        ("/\t/evil.example/", "/"),
        ("/\t\t/evil.example/", "/"),
        ("/\n/evil.example/", None),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("/ /evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/a#x", "/"),
        ("/caf\u00e9", "/"),
        ("/account", "/account"),
        ("/search?q=5g&section=mobile", "/search?q=5g&section=mobile"),
        ("/%09/evil.example/", "/%09/evil.example/"),
        ("/article/" + SLUG, "/article/" + SLUG),
    ]
    for nxt, want in cases:
        s, h, b = sign_in("nexter", next_=nxt)
        if want is None:
            eq((s, values(h, "location")), (422, []),
               "next=%r is refused (422)" % nxt)
            continue
        eq((s, values(h, "location")), (303, [want]),
           "next=%r sends the browser to %s" % (nxt, want))
    # What a browser makes of the Location: tabs and line breaks are
    # stripped from URLs, so none may be left to strip.
    s, h, b = sign_in("nexter", next_="/\t/evil.example/")
    loc = one(h, "location") or ""
    stripped = re.sub(r"[\t\r\n]", "", loc)
    ok(stripped.startswith("/") and not stripped.startswith("//") and "\\" not in stripped,
       "the tab trick leaves a path on this site once a browser strips it", loc)
    s, h, b = request("GET", "/signin?next=" + urllib.parse.quote("/\t/evil.example/"))
    ok('name="next" value="/"' in b, "the sign-in form does not carry the tab trick on either")


def test_slug_in_redirect():
    """A slug holding CR LF (the database is not to be trusted either)
    never reaches a Location: the redirect goes to / instead."""
    aid, slug = sql(DB, "SELECT id, slug FROM articles WHERE status = 'published'"
                    " ORDER BY published_at LIMIT 1")[0]
    sql(DB, "UPDATE articles SET slug = ? WHERE id = ?",
        ("moved\r\nSet-Cookie: pwn=1", aid))
    sql(DB, "INSERT INTO article_slugs (slug, article_id, created_at) VALUES (?, ?, 0)",
        ("was-here-once", aid))
    s, h, b = request("GET", "/article/was-here-once")
    eq(s, 301, "a story's old slug answers 301")
    no_injection(h, "and no header comes out of the story's slug")
    eq(values(h, "location"), ["/"], "Location falls back to /")
    sql(DB, "UPDATE articles SET slug = ? WHERE id = ?", (slug, aid))


def test_download_names():
    """A slug with CR LF or quotes in a download's file name."""
    eid = sql(DB, "SELECT id FROM events ORDER BY id LIMIT 1")[0][0]
    old = sql(DB, "SELECT slug FROM events WHERE id = ?", (eid,))[0][0]
    cookie, tok = session("admin")
    for bad in ("x\r\nSet-Cookie: pwn=1", 'x"; filename="evil.exe'):
        sql(DB, "UPDATE events SET slug = ? WHERE id = ?", (bad, eid))
        s, h, b = request("GET", "/admin/events/%d/registrations.csv" % eid,
                          [("Cookie", cookie)])
        no_injection(h, "registrations.csv of slug %r: no injected header" % bad)
        cd = values(h, "content-disposition")
        ok(s == 200 and len(cd) == 1 and
           re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+\.csv"', cd[0]) is not None,
           "and one Content-Disposition whose file name is made safe", (s, cd))
    sql(DB, "UPDATE events SET slug = ? WHERE id = ?", (old, eid))


# ---- 2. hardening headers ------------------------------------------------

def check_hardening(h, what, newsroom=False):
    missing = [n for n in HARDENING if len(values(h, n)) != 1]
    ok(not missing, "%s: each hardening header once" % what, missing or "")
    csp = one(h, "content-security-policy") or ""
    ok("frame-ancestors 'none'" in csp and "script-src 'self'" in csp and
       "unsafe-inline" not in csp and "object-src 'none'" in csp,
       "%s: the CSP forbids framing, inline and foreign scripts" % what, csp)
    eq((one(h, "x-frame-options"), one(h, "x-content-type-options")), ("DENY", "nosniff"),
       "%s: X-Frame-Options DENY, nosniff" % what)
    eq(one(h, "referrer-policy"), "same-origin" if newsroom else
       "strict-origin-when-cross-origin", "%s: Referrer-Policy" % what)
    eq(values(h, "strict-transport-security"), [],
       "%s: no HSTS over an http base_url" % what)


def test_hardening_everywhere():
    media = sql(DB, "SELECT hash || '.' || ext FROM images ORDER BY id LIMIT 1")
    kinds = [
        ("GET", "/", [], "the home page"),
        ("GET", "/", [], "the home page from the cache"),
        ("GET", "/article/" + SLUG, [], "an article"),
        ("HEAD", "/article/" + SLUG, [], "a HEAD of an article"),
        ("GET", "/article/" + SLUG, [("Accept-Encoding", "gzip")], "a gzip article"),
        ("GET", "/feed.xml", [], "an RSS feed"),
        ("GET", "/feed.json", [], "a JSON feed"),
        ("GET", "/events.ics", [], "a calendar"),
        ("GET", "/sitemap.xml", [], "the sitemap"),
        ("GET", "/robots.txt", [], "robots.txt"),
        ("GET", "/api/v1/articles", [], "the content API"),
        ("GET", "/api/v1/nothing-here", [], "an API 404"),
        ("GET", "/assets/site.css", [], "a theme asset"),
        ("GET", "/favicon.ico", [], "the favicon"),
        ("GET", "/no-such-page", [], "a 404 page"),
        ("GET", "/signin", [], "the sign-in form"),
        ("GET", "/account", [], "a redirect"),
        ("BREW", "/", [], "a 501"),
        ("PUT", "/", [], "a 405"),
        ("OPTIONS", "/api/v1/articles", [("Origin", "https://a.example"),
                                         ("Access-Control-Request-Method", "GET")],
         "a CORS preflight"),
        ("GET", "/%00", [], "a 400"),
    ]
    if media:
        kinds.append(("GET", "/media/" + media[0][0], [], "a media file"))
    for method, path, hd, what in kinds:
        s, h, b = request(method, path, hd)
        check_hardening(h, "%s (%d)" % (what, s))
    s, h, b = request("GET", "/", [])
    etag = one(h, "etag")
    s, h, b = request("GET", "/", [("If-None-Match", etag or "")])
    eq(s, 304, "a revalidated page is 304")
    check_hardening(h, "a 304 of a page")
    eq(one(h, "x-cache"), "hit", "from the cache")
    s, h, b = request("GET", "/assets/site.css", [])
    s, h, b = request("GET", "/assets/site.css", [("If-None-Match", one(h, "etag") or "")])
    check_hardening(h, "a 304 of an asset (%d)" % s)
    cookie, tok = session("reader")
    s, h, b = request("GET", "/article/" + SLUG, [("Cookie", cookie)])
    check_hardening(h, "a signed-in reader's article (%d)" % s)
    cookie, tok = session("editor")
    for path in ("/admin", "/admin/articles", "/admin/sections", "/admin/menus",
                 "/admin/nothing"):
        s, h, b = request("GET", path, [("Cookie", cookie)])
        check_hardening(h, "newsroom %s (%d)" % (path, s), newsroom=True)
    s, h, b = request("GET", "/api/v1/admin/comments",
                      [("Authorization", "Bearer " + TOKEN)])
    check_hardening(h, "the admin API (%d)" % s, newsroom=True)


def test_stricter_referrer_kept():
    """A page reached by a secret link keeps its no-referrer."""
    s, h, b = request("GET", "/reset/" + "A" * 43)
    eq(values(h, "referrer-policy"), ["no-referrer"],
       "a reset link's page: Referrer-Policy no-referrer, once")


def test_https_only_headers():
    srv = Server(db=DB, args=["--base_url", "https://news.example.com"])
    try:
        s, h, b = request("GET", "/", srv=srv)
        eq(values(h, "strict-transport-security"), ["max-age=31536000"],
           "over an https base_url: Strict-Transport-Security")
        s, h, b = request("GET", "/article/%s?view=oldest" % SLUG, srv=srv)
        view = [v for v in values(h, "set-cookie") if v.startswith("mh_cview=")]
        ok(len(view) == 1 and "; Secure" in view[0],
           "the comment view cookie is Secure under https", view)
        s, h, b = request("GET", "/signin", srv=srv)
        ok(all("; Secure" in v for v in values(h, "set-cookie")) and values(h, "set-cookie"),
           "as is the form cookie", values(h, "set-cookie"))
    finally:
        srv.stop()


def test_frame_src_follows_embed_hosts():
    """The CSP frames only the players a story may embed (embed_hosts)."""
    s, h, b = request("GET", "/")
    csp = one(h, "content-security-policy") or ""
    ok("frame-src https://www.youtube-nocookie.com https://player.vimeo.com;" in csp,
       "by default the CSP frames the two default players, over https only", csp)
    for hosts, want in (("", "frame-src 'none';"),
                        ("video.example.org", "frame-src https://video.example.org;")):
        srv = Server(db=DB, args=["--embed_hosts", hosts])
        try:
            s, h, b = request("GET", "/", srv=srv)
            csp = one(h, "content-security-policy") or ""
            ok(want in csp, "embed_hosts=%r: %s" % (hosts, want), csp)
        finally:
            srv.stop()


def test_templates_have_no_inline_code():
    """The CSP allows no inline script or style: the theme has none."""
    bad = []
    tdir = os.path.join(TOP, "themes", "default", "templates")
    for root, _, files in os.walk(tdir):
        for f in files:
            text = open(os.path.join(root, f), encoding="utf-8").read()
            rel = os.path.relpath(os.path.join(root, f), tdir)
            for m in re.finditer(r"<script\b([^>]*)>", text, re.I):
                if "src=" not in m.group(1) and "application/ld+json" not in m.group(1):
                    bad.append((rel, m.group(0)))
            for pat in (r"<style\b", r"\sstyle\s*=", r"\son[a-z]+\s*=", r"javascript:"):
                for m in re.finditer(pat, text, re.I):
                    bad.append((rel, m.group(0)))
    eq(bad, [], "no inline script, event handler, style attribute or <style> in the theme")


# ---- 3. CSRF -----------------------------------------------------------

PLANTED = "P" * 32


def test_planted_csrf_cookie_refused():
    aid = sql(DB, "SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1")[0][0]
    cases = [
        ("reader", "/account/profile", [("company", "Evil"), ("job_title", "x")]),
        ("reader", "/account/signout-all", []),
        ("reader", "/signout", []),
        ("reader", "/article/%s/comment" % SLUG, [("body", "planted")]),
        ("admin", "/admin/comments/settings", [("form", "settings")]),
        ("admin", "/admin/comments", [("act", "approve"), ("bulk", "1")]),
        ("editor", "/admin/articles/%d/unpublish" % aid, []),
        ("admin", "/admin/users/role", [("email", "reader@example.com"), ("role", "admin")]),
    ]
    for who, path, fields in cases:
        s, h, b = post_as(who, path, fields + [("csrf", PLANTED)],
                          cookie_extra="; mh_csrf=" + PLANTED)
        eq(s, 403, "signed in as %s, POST %s with a planted mh_csrf and the same field: 403"
           % (who, path))
    eq(sql(DB, "SELECT company FROM users WHERE email = 'reader@example.com'")[0][0], "",
       "the profile is unchanged")
    eq(sql(DB, "SELECT role FROM users WHERE email = 'reader@example.com'")[0][0], "member",
       "and the reader is still a member")
    # The session's own token works, so the 403s were the planted cookie's.
    s, h, b = post_as("reader", "/account/profile",
                      [("company", "Acme"), ("job_title", "Analyst"),
                       ("csrf", session("reader")[1])])
    eq(s, 303, "with the session's token the profile is saved (303)")


def test_expired_session_forms():
    """With a session cookie that is no longer valid, a form carries the
    anonymous token, and that token is the one accepted."""
    stale = "mh_session=" + "S" * 43
    s, h, b = request("GET", "/signin", [("Cookie", stale)])
    jar, tok = cookies(h).get("mh_csrf", ""), form_token(b)
    eq(tok, jar, "the form carries the anonymous token of its cookie")
    s, h, b = request("POST", "/signin", [
        ("Cookie", stale + "; mh_csrf=" + jar), ("X-Real-IP", "192.0.2.77"),
        ("Content-Type", "application/x-www-form-urlencoded")],
        urllib.parse.urlencode([("csrf", tok), ("email", "reader@example.com"),
                                ("password", PW)]))
    eq(s, 303, "and signing in with it works")


# ---- 4. sign-in limits ---------------------------------------------------

def test_no_lockout_of_others():
    codes = [sign_in("victim", ip="10.66.0.1", password="wrong %d" % i)[0]
             for i in range(50)]
    eq(codes[:5], [401] * 5, "an attacker's first five wrong passwords are 401s")
    eq(set(codes[5:]), {429}, "the next 45 from that address are 429")
    s, h, b = sign_in("victim", ip="10.66.0.1", password="wrong again")
    ra = one(h, "retry-after")
    ok(s == 429 and ra is not None and 0 < int(ra) <= 900,
       "with Retry-After (%s)" % ra)
    s, h, b = sign_in("victim", ip="10.66.0.1")
    eq(s, 429, "even the right password from the attacker's address is 429")
    s, h, b = sign_in("victim", ip="198.51.100.7")
    eq(s, 303, "the real user signs in at once from another address")


def test_per_address_limit():
    codes = [sign_in("nobody%d" % i, ip="10.77.0.1", password="x")[0] for i in range(30)]
    eq(codes, [401] * 30, "thirty wrong sign-ins from one address, one account each: 401s")
    s, h, b = sign_in("reader", ip="10.77.0.1")
    eq(s, 429, "the next from that address is 429, whatever the account")
    ok(one(h, "retry-after") is not None, "with Retry-After")


def test_account_ceiling_slows():
    """Past 50 wrong passwords for one account from many addresses, the
    account is slowed, not locked: each address may try once a minute."""
    for a in range(10):
        for i in range(5):
            sign_in("editor", ip="10.88.%d.1" % a, password="wrong %d" % i)
    s, h, b = sign_in("editor", ip="10.88.99.1", password="wrong")
    eq(s, 401, "past the account's ceiling a new address may still try")
    s, h, b = sign_in("editor", ip="10.88.99.1", password="wrong")
    ra = one(h, "retry-after")
    ok(s == 429 and ra is not None and 0 < int(ra) <= 60,
       "but its second try within the minute is 429 (Retry-After %s)" % ra)
    s, h, b = sign_in("editor", ip="198.51.100.8")
    eq(s, 303, "and the editor signs in at the first try from their own address")


# ---- 5. media types ------------------------------------------------------

def test_media_types_case_insensitive():
    auth = [("Authorization", "Bearer " + TOKEN)]
    for ct in ("APPLICATION/JSON", "Application/Json; Charset=UTF-8",
               "application/json;charset=\"utf-8\"", "application/json ; charset=utf-8"):
        s, h, b = request("POST", "/api/v1/admin/articles", auth + [("Content-Type", ct)],
                          json.dumps({"title": "Media type " + ct, "body_md": "Text."}))
        ok(s != 415 and s < 500, "Content-Type: %s is JSON (%d)" % (ct, s), b[:200])
    for ct in ("application/json; charset=latin1", "application/jsonx", "text/json",
               "application/json garbage"):
        s, h, b = request("POST", "/api/v1/admin/articles", auth + [("Content-Type", ct)],
                          json.dumps({"title": "x"}))
        eq(s, 415, "Content-Type: %s is 415" % ct)
    jar, tok = anon_form("192.0.2.9")
    for ct in ("APPLICATION/X-WWW-FORM-URLENCODED",
               "Application/x-www-form-urlencoded; Charset=UTF-8"):
        s, h, b = request("POST", "/signin", [
            ("Cookie", "mh_csrf=" + jar), ("Content-Type", ct), ("X-Real-IP", "192.0.2.9")],
            urllib.parse.urlencode([("csrf", tok), ("email", "reader@example.com"),
                                    ("password", PW)]))
        eq(s, 303, "Content-Type: %s is a form: signed in" % ct)
    s, h, b = request("POST", "/signin", [
        ("Cookie", "mh_csrf=" + jar), ("Content-Type", "application/x-www-form-urlencodedx")],
        "csrf=" + tok)
    eq(s, 415, "application/x-www-form-urlencodedx is 415")
    # multipart: the type in any case, the boundary as sent.
    cookie, tok = session("editor")
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    for boundary, sent, want in (("AbCxYz", "AbCxYz", (201,)), ("AbCxYz", "abcxyz", (400, 403))):
        body = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA dot\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.png\"\r\n"
                "Content-Type: image/png\r\n\r\n" % (sent, tok, sent, sent)).encode() + png + \
            ("\r\n--%s--\r\n" % sent).encode()
        s, h, b = request("POST", "/admin/media", [
            ("Cookie", cookie), ("Content-Type", "Multipart/Form-Data; BOUNDARY=" + boundary)],
            body)
        ok(s in want, "Multipart/Form-Data; BOUNDARY=%s, parts delimited by %s: %s"
           % (boundary, sent, "stored (201)" if sent == boundary else
              "refused, the boundary keeps its case (%d)" % s), b[:200])


run_tests([test_next_crlf, test_next_allow_list, test_slug_in_redirect, test_download_names,
           test_hardening_everywhere, test_stricter_referrer_kept, test_https_only_headers,
           test_frame_src_follows_embed_hosts,
           test_templates_have_no_inline_code, test_planted_csrf_cookie_refused,
           test_expired_session_forms, test_no_lockout_of_others, test_per_address_limit,
           test_account_ceiling_slows, test_media_types_case_insensitive], SRV.stop)
