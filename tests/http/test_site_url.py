"""The site's absolute URL follows the server, not the database.

The demo database used to pin http://127.0.0.1:8080 into its settings, so
a server started on another port wrote feeds, canonical links, sitemaps,
Open Graph tags and mail links that pointed at a port nobody served.
Without base_url every absolute link now follows --listen; with base_url
the setting wins; the newsroom's dashboard says which is in use; a
base_url that is not an http(s) URL of a host stops the server with a
clear message."""
import re
import subprocess
import tempfile
import time

from harness import (BIN, Server, Client, ok, eq, contains, run_tests,
                     demo_db, sql)
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"
SINK = SmtpSink()
DIR = tempfile.mkdtemp(prefix="masthead-siteurl-")
DB = demo_db(DIR)
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "editor",
                "--name", "Ed", "ed@example.com"], input=PW, text=True,
               check=True, capture_output=True)
SLUG = sql(DB, "SELECT slug FROM articles WHERE status = 'published' "
           "ORDER BY published_at DESC LIMIT 1")[0][0]

# Every kind of document that carries absolute links.
DOCS = ["/feed.xml", "/atom.xml", "/feed.json", "/sitemap.xml",
        "/sitemaps/sections-1.xml", "/article/" + SLUG,
        "/article/" + SLUG + "/comments.atom", "/events.ics", "/"]


def absolute_urls(text):
    return re.findall(r"https?://[^\s\"'<>\\]+", text)


def own_links(srv, base):
    """The absolute links of every document kind that point at this
    site: everything but links to other hosts must start with base."""
    wrong = []
    seen = 0
    for path in DOCS:
        s, h, b = srv.html(path)
        if s != 200:
            wrong.append("%s answered %d" % (path, s))
            continue
        for u in absolute_urls(b):
            if re.match(r"https?://(127\.0\.0\.1|localhost|news\.example)",
                        u):
                seen += 1
                if not u.startswith(base):
                    wrong.append("%s: %s" % (path, u))
    return seen, wrong


def signup_mail(srv, addr):
    c = Client(srv)
    s, h, b = c.post("/newsletter", [("email", addr), ("n", "daily"),
                                     ("consent", "yes")],
                     csrf_from="/newsletter")
    t0 = time.time()
    while time.time() - t0 < 15 and not SINK.to(addr):
        time.sleep(0.05)
    got = SINK.to(addr)
    return body_of(got[0]) if got else ""


def dashboard(srv):
    c = Client(srv)
    c.sign_in("ed@example.com", PW)
    s, h, b = c.get("/admin")
    return s, b


def test_follows_listen():
    srv = Server(db=DB, args=["--smtp_host", "127.0.0.1",
                              "--smtp_port", str(SINK.port)])
    base = "http://127.0.0.1:%d/" % srv.port
    try:
        seen, wrong = own_links(srv, base)
        ok(seen > 50 and not wrong, "without base_url, the %d links of "
           "feeds, sitemaps, pages and calendars follow --listen" % seen,
           "\n".join(wrong[:10]))
        s, h, b = srv.html("/article/" + SLUG)
        contains(b, '<link rel="canonical" href="%sarticle/%s"' %
                 (base, SLUG), "the canonical link names the port served")
        ok(re.search(r'<meta property="og:url" content="%s' %
                     re.escape(base), b), "and so does og:url")
        mail = signup_mail(srv, "listen@example.org")
        ok(base + "newsletter/confirm/" in mail,
           "the confirmation letter links to the port served",
           mail[:400])
        ok("8080" not in mail, "and never to the demo's old 8080")
        s, b = dashboard(srv)
        eq(s, 200, "the newsroom's dashboard answers")
        contains(b, 'class="site-url" href="%s"' % base,
                 "the dashboard shows the site address in use")
        contains(b, "as no <code>base_url</code> is set",
                 "and says it comes from the listen address")
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def test_base_url_wins():
    srv = Server(db=DB, args=["--base_url", "https://news.example.com/",
                              "--smtp_host", "127.0.0.1",
                              "--smtp_port", str(SINK.port)])
    try:
        seen, wrong = own_links(srv, "https://news.example.com/")
        ok(seen > 50 and not wrong, "with base_url, every one of the %d "
           "links uses it" % seen, "\n".join(wrong[:10]))
        mail = signup_mail(srv, "base@example.org")
        ok("https://news.example.com/newsletter/confirm/" in mail,
           "the confirmation letter links to base_url", mail[:400])
        s, b = dashboard(srv)
        contains(b, 'class="site-url" href="https://news.example.com/"',
                 "the dashboard shows base_url")
        contains(b, "(the <code>base_url</code> setting)",
                 "and says where it comes from")
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def test_bad_base_url():
    for bad in ("ftp://news.example.com", "news.example.com", "http://",
                "https://news.example.com/?x=1"):
        r = subprocess.run([BIN, "serve", "--db", DB, "--listen",
                            "127.0.0.1:1", "--base_url", bad],
                           capture_output=True, text=True, timeout=20)
        ok(r.returncode != 0 and "base_url" in r.stderr and
           "not an http:// or https:// URL" in r.stderr,
           "base_url %r stops the server with a clear message" % bad,
           "status %d: %s" % (r.returncode, r.stderr.strip()))


run_tests([test_follows_listen, test_base_url_wins, test_bad_base_url],
          SINK.close)
