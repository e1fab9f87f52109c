"""masthead's side of a Varnish in front (docs/deploy.md, "Varnish in
front"): with the setting varnish, an anonymous page from the cache says
s-maxage (varnish_ttl, or less when the page changes at a known time)
and carries its tags in xkey; a signed-in reader's page is private and
has neither; a write sends PURGE with xkey-purge naming the tags it
dropped to every Varnish listed, from a thread of its own; a Varnish
that fails is tried again and then logged; a bad address stops the
server at start.  Without the setting the headers are as before.  A
listener here stands for Varnish; tools/varnish-check runs the real one."""
import gzip
import http.server
import json
import re
import subprocess
import tempfile
import threading
import time

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests,
                     demo_db, sql)

PW = "a passphrase long enough"


class FakeVarnish(http.server.BaseHTTPRequestHandler):
    """Keeps (method, path, xkey-purge) of each request; answers 200, or
    500 to the first `fail` requests."""
    got = []
    fail = 0

    def do_PURGE(self):
        cls = type(self)
        cls.got.append((self.command, self.path,
                        self.headers.get("xkey-purge")))
        code = 500 if cls.fail > 0 else 200
        cls.fail -= 1
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def listen(handler):
    s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-varnish-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor",
                    "--name", "Editor", "editor@example.com"], input=PW,
                   text=True, check=True, capture_output=True)
    tok = subprocess.run([BIN, "token", "add", "--db", db, "editor@example.com"],
                         text=True, check=True, capture_output=True).stdout.strip()
    return db, tok


class V1(FakeVarnish):
    got = []


class V2(FakeVarnish):
    got = []
    fail = 1


v1, v2 = listen(V1), listen(V2)
DB, TOKEN = make_db()
srv = Server(db=DB, args=["--varnish", "127.0.0.1:%d http://127.0.0.1:%d"
                          % (v1.server_port, v2.server_port)])
plain = Server(db=DB)
news = Newsroom(srv, PW)
ARTICLE = "/article/" + sql(DB, "SELECT slug FROM articles WHERE status = "
                            "'published' ORDER BY id LIMIT 1")[0][0]
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]


def cached(s, path, headers=None):
    """GETs path until the cache answers it (X-Cache: hit)."""
    for _ in range(100):
        st, h, b = s.get(path, headers)
        if h.get("x-cache") == "hit":
            return st, h, b
        time.sleep(0.02)
    return st, h, b


def test_without_the_setting():
    st, h, _ = cached(plain, ARTICLE)
    eq(h.get("cache-control"), "public, no-cache", "no varnish: Cache-Control as before")
    ok("xkey" not in h, "no varnish: no xkey header")
    ok(h.get("surrogate-key"), "no varnish: Surrogate-Key as before")


def test_anonymous_page():
    st, h, _ = cached(srv, ARTICLE)
    eq(st, 200, "article 200")
    eq(h.get("cache-control"), "public, max-age=0, s-maxage=86400",
       "an anonymous article may be kept by Varnish for varnish_ttl")
    eq(h.get("xkey"), h.get("surrogate-key"), "xkey carries the page's tags")
    ok(re.search(r"(^| )a\d+( |$)", h.get("xkey", "")), "xkey names the article's tag",
       h.get("xkey"))
    st, h, _ = cached(srv, "/")
    m = re.match(r"public, max-age=0, s-maxage=(\d+)$", h.get("cache-control", ""))
    ok(m and 0 < int(m.group(1)) <= 3600,
       "the home page: s-maxage no longer than its hour", h.get("cache-control"))


def test_compressed_variant():
    """The answer in the coding the client takes is offered to Varnish;
    an identity answer to a gzip client (variants not yet made) is not."""
    path = "/section/" + SECTION
    seen = []
    for _ in range(100):
        st, h, b = srv.get(path, {"Accept-Encoding": "gzip"})
        seen.append((h.get("content-encoding"), h.get("cache-control")))
        if h.get("content-encoding") == "gzip":
            break
        time.sleep(0.02)
    bad = [s for s in seen if s[0] != "gzip" and "s-maxage" in (s[1] or "")]
    eq(bad, [], "no identity answer to a gzip client says s-maxage")
    eq(seen[-1], ("gzip", "public, max-age=0, s-maxage=86400"),
       "the gzip answer says s-maxage")
    ok(gzip.decompress(b).startswith(b"<!"), "and is gzip")


def test_signed_in_is_private():
    s, h, b = news.get(ARTICLE, "editor")
    eq(s, 200, "signed-in article 200")
    eq(h.get("cache-control"), "private, no-cache", "signed in: private")
    ok("xkey" not in h, "signed in: no xkey")


def retitle(aid, title):
    return srv.request("PATCH", "/api/v1/admin/articles/%d" % aid,
                       {"Authorization": "Bearer " + TOKEN,
                        "Content-Type": "application/json"},
                       json.dumps({"title": title}))


def test_write_purges_every_varnish():
    V1.got.clear()
    V2.got.clear()
    aid = sql(DB, "SELECT id FROM articles WHERE status = 'published' "
              "ORDER BY id LIMIT 1")[0][0]
    s, h, b = retitle(aid, "Retitled for the shared cache")
    eq(s, 200, "the edit is saved")
    for _ in range(100):
        if V1.got and len(V2.got) >= 2:
            break
        time.sleep(0.02)
    ok(V1.got, "the first Varnish got a purge")
    m, path, tags = V1.got[0] if V1.got else (None, None, "")
    eq((m, path), ("PURGE", "/"), "PURGE /")
    contains(" %s " % tags, " a%d " % aid, "xkey-purge names the article")
    eq(len(V2.got), 2, "the second Varnish failed once and was tried again")
    eq(V2.got[-1][2] if V2.got else None, tags, "with the same tags")
    time.sleep(0.3)
    ok("purge of" not in srv.output(), "a purge that worked the second time logs nothing")
    st, h, b = srv.get(ARTICLE)
    contains(b.decode(), "Retitled for the shared cache", "the page is fresh")


def test_failure_is_logged():
    V2.fail = 5
    V1.got.clear()
    V2.got.clear()
    s, h, b = retitle(sql(DB, "SELECT id FROM articles WHERE status = "
                          "'published' ORDER BY id LIMIT 1")[0][0], "Retitled again")
    eq(s, 200, "the second edit is saved")
    for _ in range(150):
        if "purge of" in srv.output():
            break
        time.sleep(0.02)
    contains(srv.output(), "purge of", "a Varnish failing twice is logged")
    contains(srv.output(), "127.0.0.1:%d failed" % v2.server_port, "naming it")
    eq(len(V2.got), 2, "tried twice")
    ok(V1.got, "the other Varnish still got its purge")
    V2.fail = 0


def test_bad_address_stops_the_server():
    for bad in ("127.0.0.1", "host:99999", "http://h:80/path"):
        r = subprocess.run([BIN, "serve", "--db", DB, "--listen", "127.0.0.1:1",
                            "--varnish", bad], capture_output=True, text=True,
                           timeout=20)
        eq(r.returncode, 1, "varnish = %r: exit 1" % bad)
        contains(r.stderr, "varnish:", "varnish = %r: says why" % bad)


def cleanup():
    plain.stop()
    return srv.stop()


run_tests([test_without_the_setting, test_anonymous_page,
           test_compressed_variant, test_signed_in_is_private,
           test_write_purges_every_varnish, test_failure_is_logged,
           test_bad_address_stops_the_server], cleanup)
