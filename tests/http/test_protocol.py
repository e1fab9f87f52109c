"""HTTP answers as a standards-following client reads them, with no
proxy in front (docs/http.md).

- HEAD carries no body on every kind of route (cached and uncached
  pages, a signed-in reader's page, media, assets, feeds, the API,
  redirects, errors, a white-paper download) over HTTP/1.0, HTTP/1.1
  and h2c, with the headers and Content-Length of its GET;
- /media/ and white-paper downloads answer Range (206, suffix ranges,
  416 past the end, several ranges as the whole file), If-Range,
  If-None-Match and If-Modified-Since (304);
- an HTTP/1.1 request without Host, or any request with two, is 400;
  absolute-form targets are routed by their path; OPTIONS * is 200;
- a path that takes other methods is 405 with Allow, checked for every
  pattern of src/router.c;
- CORS on the content API and the JSON feeds, and nowhere else.

HTTP/1 is spoken over raw sockets and parsed strictly here (http.client
drops a body after HEAD without a word); h2c goes through curl
(--http2-prior-knowledge) and Node's http2 module, and HTTP/1.1 through
Node's http module too, which all fail on a body after HEAD.  A missing
curl or node is a failure, not a skip.
"""
import email.utils
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, TOP, Server, Client, ok, eq, run_tests, demo_db,
                     is_pg, pg_demo, sql)

PW = "a passphrase long enough"
DB = demo_db(tempfile.mkdtemp(prefix="masthead-protocol-"))
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "member", "--name",
                "Reader One", "reader@example.com"], input=PW, text=True,
               check=True, capture_output=True)
srv = Server(db=DB)
MEDIA = pg_demo()[1] if is_pg(DB) else os.path.join(os.path.dirname(DB), "media")
TMP = tempfile.mkdtemp(prefix="masthead-protocol-files-")
ARTICLE = "/article/us-scraps-xiaomi-blacklisting"
PDF_SLUG = "fiber-monitoring-field-guide"


# HTTP/1 over a raw socket -------------------------------------------------

def exchange(data, timeout=10):
    """Sends raw bytes on a new connection; returns every byte the server
    sends until it closes the connection."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            c = s.recv(65536)
            if not c:
                return out
            out += c
    finally:
        s.close()


class Bad(Exception):
    pass


def parse(buf, head=False):
    """Reads one HTTP/1 response at the start of buf, strictly: returns
    (status, [(name, value)], body, the bytes after it)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        raise Bad("no end of headers in %r" % buf[:200])
    lines = buf[:end].decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3}) [^\r\n]*$", lines[0])
    if not m:
        raise Bad("bad status line %r" % lines[0])
    status = int(m.group(1))
    hdrs = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not re.match(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", name):
            raise Bad("bad header line %r" % line)
        hdrs.append((name.lower(), value.strip(" \t")))
    rest = buf[end + 4:]
    names = [k for k, _ in hdrs]
    if head or status in (204, 304) or 100 <= status < 200:
        return status, hdrs, b"", rest
    if "transfer-encoding" in names:
        raise Bad("chunked answer where a length was expected")
    if names.count("content-length") != 1:
        raise Bad("%d Content-Length headers" % names.count("content-length"))
    n = int(dict(hdrs)["content-length"])
    if len(rest) < n:
        raise Bad("body cut short: %d of %d bytes" % (len(rest), n))
    return status, hdrs, rest[:n], rest[n:]


def request(method, path, headers=(), version="1.1", host="x", body=b""):
    """One request on its own connection (closed by the server after the
    answer): returns (status, headers dict, body, bytes after the body)."""
    lines = ["%s %s HTTP/%s" % (method, path, version)]
    if host is not None:
        lines.append("Host: " + host)
    lines += ["%s: %s" % kv for kv in headers]
    if body:
        lines.append("Content-Length: %d" % len(body))
    lines.append("Connection: close")
    raw = exchange(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    status, hdrs, data, rest = parse(raw, head=(method == "HEAD"))
    return status, hdrs, data, rest


def hdict(hdrs):
    return {k: v for k, v in hdrs}


def comparable(hdrs):
    """The headers a HEAD must share with its GET: all but Date, with
    cookie values (fresh tokens on each answer) left out."""
    out = {}
    for k, v in hdrs:
        if k == "date":
            continue
        if k == "set-cookie":
            v = re.sub(r"=[^;]*", "=...", v, count=1)
        out.setdefault(k, []).append(v)
    return out


# Fixtures -----------------------------------------------------------------

SESSION = {}


def session_cookie():
    """A signed-in reader's session cookie."""
    if not SESSION:
        c = Client(srv, ip=None)
        c.sign_in("reader@example.com", PW)
        SESSION["cookie"] = c.cookie()
    return SESSION["cookie"]


def media_file():
    """(URL path, bytes) of a demo image."""
    for name in sorted(os.listdir(MEDIA)):
        if re.match(r"^[0-9a-f]{64}\.jpg$", name):
            with open(os.path.join(MEDIA, name), "rb") as f:
                return "/media/" + name, f.read()
    raise Bad("no demo image in " + MEDIA)


LINK = {}


def pdf_link():
    """A signed download link of a white paper, through the access form,
    and the PDF's bytes."""
    if not LINK:
        c = Client(srv)
        form = "/resources/%s/access" % PDF_SLUG
        s, h, page = c.post(form, [("name", "Dana Okafor"),
                                   ("email", "dana@example.com"),
                                   ("company", "Fibreco"),
                                   ("job_title", "Network Planner"),
                                   ("consent", "yes")], csrf_from=form)
        m = re.search(r'href="[^"]*(/resources/[^"/]+/download\?[^"]+)"', page)
        if not m:
            raise Bad("no download link on the page (%d)" % s)
        fh = sql(DB, "SELECT file_hash FROM resources WHERE slug = ?", (PDF_SLUG,))[0][0]
        with open(os.path.join(MEDIA, fh + ".pdf"), "rb") as f:
            LINK["path"], LINK["bytes"] = m.group(1).replace("&amp;", "&"), f.read()
    return LINK["path"], LINK["bytes"]


def routes_of_every_kind():
    """(name, path, request headers) of a route of every kind."""
    return [
        ("a cached page", "/", ()),
        ("a cached page, gzip", "/", (("Accept-Encoding", "gzip"),)),
        ("a cached page, brotli", "/", (("Accept-Encoding", "br, gzip"),)),
        ("an article", ARTICLE, ()),
        ("a signed-in reader's page", ARTICLE, (("Cookie", session_cookie()),)),
        ("a signed-in reader's page, gzip", "/",
         (("Cookie", session_cookie()), ("Accept-Encoding", "gzip"))),
        ("an uncached form", "/signin", ()),
        ("media", media_file()[0], ()),
        ("an asset", "/assets/site.css", ()),
        ("the favicon", "/favicon.ico", ()),
        ("RSS", "/feed.xml", ()),
        ("JSON Feed", "/feed.json", ()),
        ("the podcast", "/podcast.xml", ()),
        ("iCalendar", "/events.ics", ()),
        ("the sitemap", "/sitemap.xml", ()),
        ("robots.txt", "/robots.txt", ()),
        ("an API list", "/api/v1/articles", ()),
        ("an API document", "/api/v1/articles/us-scraps-xiaomi-blacklisting", ()),
        ("a redirect", "/account", ()),
        ("a 404 page", "/no-such-page", ()),
        ("an API 404", "/api/v1/articles/no-such-story", ()),
        ("an API 400", "/api/v1/articles?colour=red", ()),
        ("a 400 page", "/article/%zz", ()),
        ("a 405", "/signout", ()),
        ("a conditional 304", "/", (("If-None-Match", "*"),)),
        ("a white-paper download", pdf_link()[0], ()),
    ]


# HEAD ---------------------------------------------------------------------

def warm(path, hd):
    """Fills the cache for path and waits for its compressed copies, which
    the cache makes after it stores a page (docs/cache.md)."""
    wants = dict(hd).get("Accept-Encoding")
    for _ in range(100):
        s, h, b, _ = request("GET", path, hd)
        if not wants or "content-encoding" in hdict(h) or s != 200:
            return
        time.sleep(0.05)


def test_head_http1():
    for name, path, hd in routes_of_every_kind():
        warm(path, hd)
        for version in ("1.1", "1.0"):
            what = "HTTP/%s HEAD of %s" % (version, name)
            gs, gh, gb, _ = request("GET", path, hd, version)
            hs, hh, hb, rest = request("HEAD", path, hd, version)
            eq(rest, b"", what + ": no byte after the headers")
            eq(hs, gs, what + ": the GET's status (%d)" % gs)
            eq(comparable(hh), comparable(gh), what + ": the GET's headers")
            if gs != 304:
                eq(hdict(hh).get("content-length"), str(len(gb)),
                   what + ": Content-Length is the GET body's length")


def test_head_pipelined():
    # A body after HEAD is read as the next answer: the second answer on
    # the connection must start where the HEAD's headers end.
    raw = exchange(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                   b"HEAD /media/none.jpg HTTP/1.1\r\nHost: x\r\n\r\n"
                   b"GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    s1, _, _, rest = parse(raw, head=True)
    s2, _, _, rest = parse(rest, head=True)
    s3, h3, b3, rest = parse(rest)
    eq((s1, s2, s3), (200, 404, 200),
       "HEAD, HEAD, GET on one connection: three answers in order")
    ok(b"User-agent: *" in b3 and rest == b"",
       "the GET's body follows the two HEADs' headers", b3[:60])


def curl(args, timeout=60):
    if shutil.which("curl") is None:
        raise Bad("curl is not installed (Debian's curl, with nghttp2)")
    return subprocess.run(["curl", "-sS", "-v"] + args, capture_output=True,
                          timeout=timeout)


def curl_headers(text):
    """The last header block curl printed (-D or -I): (status, dict)."""
    blocks = [b for b in re.split(r"\r?\n\r?\n", text) if b.strip()]
    lines = blocks[-1].splitlines()
    status = int(lines[0].split()[1])
    hd = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hd.setdefault(k.strip().lower(), []).append(v.strip())
    hd.pop("date", None)
    return status, hd


def test_head_curl():
    url = "http://127.0.0.1:%d" % srv.port
    for name, path, hd in routes_of_every_kind():
        warm(path, hd)
        hargs = []
        for k, v in hd:
            hargs += ["-H", "%s: %s" % (k, v)]
        for proto in ("--http1.1", "--http1.0", "--http2-prior-knowledge"):
            what = "curl %s -I %s" % (proto, name)
            bodyf = os.path.join(TMP, "body")
            g = curl([proto, "-D", "-", "-o", bodyf] + hargs + [url + path])
            h = curl([proto, "-I"] + hargs + [url + path])
            err = h.stderr.decode("latin-1")
            ok(h.returncode == 0 and "Excess found" not in err and
               "PROTOCOL_ERROR" not in err, what + ": no excess, no error",
               "\n".join(l for l in err.splitlines()
                         if "Excess" in l or "curl:" in l or "error" in l.lower()))
            gs, gh = curl_headers(g.stdout.decode("latin-1"))
            hs, hh = curl_headers(h.stdout.decode("latin-1"))
            for k in ("x-cache", "set-cookie"):
                gh.pop(k, None)
                hh.pop(k, None)
            eq((hs, hh), (gs, gh), what + ": the GET's status and headers")
            if proto == "--http2-prior-knowledge" and gs != 304:
                eq(hh.get("content-length"), [str(os.path.getsize(bodyf))],
                   what + ": Content-Length is the GET body's length")


NODE = r"""
const http = require('http'), http2 = require('http2');
const [port, pathsJson] = process.argv.slice(1);
const paths = JSON.parse(pathsJson), out = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function h1(method, path) {
  return new Promise((done) => {
    const r = http.request({ host: '127.0.0.1', port: +port, method, path, agent },
      (res) => { let n = 0; res.on('data', (d) => n += d.length);
        res.on('end', () => done({ status: res.statusCode,
          length: res.headers['content-length'], got: n })); });
    r.on('error', (e) => done({ error: String(e.code || e) }));
    r.end();
  });
}
function h2(session, method, path) {
  return new Promise((done) => {
    const r = session.request({ ':method': method, ':path': path });
    let head = null, n = 0;
    r.on('response', (h) => { head = h; });
    r.on('data', (d) => { n += d.length; });
    r.on('end', () => done({ status: head && head[':status'],
      length: head && head['content-length'], got: n }));
    r.on('error', (e) => done({ error: String(e.code || e) }));
    r.end();
  });
}
(async () => {
  for (const p of paths)
    for (const m of ['HEAD', 'GET'])
      out.push(Object.assign({ proto: 'http/1.1', method: m, path: p }, await h1(m, p)));
  agent.destroy();
  const session = http2.connect('http://127.0.0.1:' + port);
  session.on('error', (e) => { out.push({ proto: 'h2c', error: String(e.code || e) }); });
  for (const p of paths)
    for (const m of ['HEAD', 'GET'])
      out.push(Object.assign({ proto: 'h2c', method: m, path: p }, await h2(session, m, p)));
  session.close();
  console.log(JSON.stringify(out));
})();
"""


def test_head_node():
    if shutil.which("node") is None:
        raise Bad("node is not installed")
    paths = ["/", ARTICLE, "/signin", media_file()[0], "/assets/site.css",
             "/feed.json", "/feed.xml", "/api/v1/articles", "/account",
             "/no-such-page", "/signout", pdf_link()[0]]
    for p in paths:
        request("GET", p)
    r = subprocess.run(["node", "-e", NODE, str(srv.port), json.dumps(paths)],
                       capture_output=True, text=True, timeout=60)
    ok(r.returncode == 0, "node ran", r.stderr)
    rows = json.loads(r.stdout or "[]")
    eq(len(rows), 4 * len(paths), "node made every request")
    by = {(x.get("proto"), x.get("method"), x.get("path")): x for x in rows}
    for proto in ("http/1.1", "h2c"):
        for p in paths:
            hd, gt = by.get((proto, "HEAD", p), {}), by.get((proto, "GET", p), {})
            what = "node %s HEAD %s" % (proto, p[:40])
            ok("error" not in hd and "error" not in gt, what + ": no parser or stream error",
               "%r %r" % (hd, gt))
            eq((hd.get("status"), hd.get("got"), hd.get("length")),
               (gt.get("status"), 0, str(gt.get("got"))),
               what + ": the GET's status, no body, the GET body's length")


# Range and validators ------------------------------------------------------

def ranges(path, data, what):
    n = len(data)
    s, h, b, _ = request("GET", path)
    h = hdict(h)
    etag, lm = h.get("etag", ""), h.get("last-modified", "")
    eq((s, b), (200, data), what + ": GET is 200 with the file")
    eq(h.get("accept-ranges"), "bytes", what + ": Accept-Ranges: bytes")
    ok(re.match(r'^"[^"]+"$', etag), what + ": a strong ETag", etag)
    ok(email.utils.parsedate_to_datetime(lm) is not None and lm.endswith(" GMT"),
       what + ": a Last-Modified date", lm)

    def rng(spec, extra=()):
        s, h, b, _ = request("GET", path, (("Range", spec),) + tuple(extra))
        return s, hdict(h), b

    for spec, first, last in (("bytes=0-99", 0, 99), ("bytes=100-", 100, n - 1),
                              ("bytes=-50", n - 50, n - 1),
                              ("bytes=10-10", 10, 10),
                              ("bytes=0-%d" % (n * 10), 0, n - 1),
                              ("bytes=-%d" % (n * 10), 0, n - 1),
                              ("BYTES = 5-9".replace(" ", ""), 5, 9),
                              ("bytes=%d-" % (n - 1), n - 1, n - 1)):
        s, h, b = rng(spec)
        eq((s, h.get("content-range"), h.get("content-length"), b),
           (206, "bytes %d-%d/%d" % (first, last, n), str(last - first + 1),
            data[first:last + 1]),
           "%s: Range %s is 206 with bytes %d-%d" % (what, spec, first, last))
    for spec in ("bytes=%d-" % n, "bytes=%d-%d" % (n + 5, n + 10), "bytes=-0"):
        s, h, b = rng(spec)
        eq((s, h.get("content-range"), b), (416, "bytes */%d" % n, b""),
           "%s: Range %s is 416 with Content-Range bytes */%d" % (what, spec, n))
    for spec, why in (("bytes=0-1,5-6", "several ranges"),
                      ("bytes=9-2", "a last before the first"),
                      ("items=0-9", "another unit"), ("bytes=x-9", "no number")):
        s, h, b = rng(spec)
        eq((s, h.get("content-range"), b), (200, None, data),
           "%s: %s (%s) is the whole file, 200" % (what, why, spec))
    # If-Range: the range applies only to the very same file.
    for val, applies in ((etag, True), ("W/" + etag, False), ('"other"', False),
                         (lm, True), ("Mon, 01 Jan 2001 00:00:00 GMT", False)):
        s, h, b = rng("bytes=0-9", (("If-Range", val),))
        eq((s, b), (206, data[:10]) if applies else (200, data),
           "%s: If-Range %s: %s" % (what, val[:24], "206" if applies else "the whole file"))
    # Revalidation.
    for hd, want in (((("If-None-Match", etag),), 304),
                     ((("If-None-Match", '"x", ' + etag),), 304),
                     ((("If-None-Match", "W/" + etag),), 304),
                     ((("If-None-Match", '"other"'),), 200),
                     ((("If-Modified-Since", lm),), 304),
                     ((("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"),), 200),
                     ((("If-None-Match", '"other"'), ("If-Modified-Since", lm)), 200)):
        for method in ("GET", "HEAD"):
            s, h, b, rest = request(method, path, hd)
            h = hdict(h)
            eq((s, b, rest), (want, data if want == 200 and method == "GET" else b"", b""),
               "%s: %s with %s: %d" % (what, method, "; ".join("%s: %s" % kv for kv in hd)[:60], want))
            if s == 304:
                ok("content-length" not in h and h.get("etag") == etag,
                   "...a 304 with the ETag and no Content-Length", h)
    s, h, b, rest = request("HEAD", path, (("Range", "bytes=0-9"),))
    eq((s, hdict(h).get("content-length"), b, rest), (200, str(n), b"", b""),
       what + ": HEAD ignores Range (RFC 9110, 14.2): the GET's 200 headers")
    s, h, b, _ = request("GET", path, (("Range", "bytes=0-9"),), version="1.0")
    eq((s, b), (206, data[:10]), what + ": Range over HTTP/1.0 too")


def test_media_ranges():
    ranges(*media_file(), what="media")


def test_pdf_ranges():
    path, data = pdf_link()
    ranges(path, data, "a white paper")
    s, h, b, _ = request("GET", path, (("Range", "bytes=0-4"),))
    h = hdict(h)
    eq((h.get("content-disposition"), h.get("cache-control")),
       ('attachment; filename="%s.pdf"' % PDF_SLUG, "private, no-store"),
       "a white paper's 206 is still an attachment no cache keeps")


def test_resume_and_seek():
    url = "http://127.0.0.1:%d" % srv.port
    for path, data in (media_file(), pdf_link()):
        for proto in ("--http1.1", "--http2-prior-knowledge"):
            part = os.path.join(TMP, "part")
            if os.path.exists(part):
                os.remove(part)
            r1 = curl([proto, "-r", "0-999", "-o", part, url + path])
            r2 = curl([proto, "-C", "-", "-o", part, url + path])
            with open(part, "rb") as f:
                got = f.read()
            ok(r1.returncode == 0 and r2.returncode == 0 and got == data,
               "curl %s resumes %s after 1,000 bytes (-C -): the whole file"
               % (proto, path[:20]), r2.stderr.decode("latin-1")[-400:])


def test_asset_validators():
    s, h, b, _ = request("GET", "/assets/site.css")
    h = hdict(h)
    etag, lm = h.get("etag"), h.get("last-modified")
    ok(etag and re.match(r'^"[0-9a-f]+"$', etag), "an asset has a strong ETag", etag)
    s2, h2, b2, _ = request("GET", "/assets/site.css", (("If-None-Match", etag),))
    eq((s2, b2, "content-length" in hdict(h2)), (304, b"", False),
       "an asset revalidated by ETag: 304, no body, no length")
    s2, h2, b2, _ = request("GET", "/assets/site.css", (("If-Modified-Since", lm),))
    eq((s2, b2), (304, b""), "an asset revalidated by date: 304")
    s, h, b, _ = request("GET", "/", (("Accept-Encoding", "gzip"),))
    s2, h2, b2, _ = request("GET", "/", (("If-None-Match", hdict(h)["etag"]),
                                         ("Accept-Encoding", "gzip")))
    eq((s2, b2, "content-length" in hdict(h2)), (304, b"", False),
       "a cached page revalidated: 304, no body, no length")


# Host, request targets, OPTIONS ---------------------------------------------

def test_host():
    eq(request("GET", "/", host=None)[0], 400, "HTTP/1.1 without Host: 400")
    eq(request("GET", "/no-such-page", host=None)[0], 400,
       "...before routing (not the 404 of the path)")
    raw = exchange(b"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\nConnection: close\r\n\r\n")
    eq(parse(raw)[0], 400, "two Host headers: 400")
    raw = exchange(b"GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n")
    eq(parse(raw)[0], 400, "two Host headers over HTTP/1.0: 400")
    eq(request("GET", "/robots.txt", host=None, version="1.0")[0], 200,
       "HTTP/1.0 without Host: 200")
    eq(request("GET", "/robots.txt", host="")[0], 200, "an empty Host: 200")
    raw = exchange(b"GET /robots.txt HTTP/1.1\r\nHOST: x\r\nConnection: close\r\n\r\n")
    eq(parse(raw)[0], 200, "HOST in capitals: 200")
    raw = exchange(b"\r\nGET /robots.txt HTTP/1.1\r\nX-Host: a\r\nHost: x\r\n"
                   b"X-Forwarded-Host: b\r\nConnection: close\r\n\r\n")
    eq(parse(raw)[0], 200, "X-Host and X-Forwarded-Host are not Host")
    n = sql(DB, "SELECT count(*) FROM sessions")[0][0]
    form = urllib.parse.urlencode({"email": "reader@example.com", "password": PW}).encode()
    s, h, b, _ = request("POST", "/signin", [("Content-Type", "application/x-www-form-urlencoded")],
                         host=None, body=form)
    eq((s, sql(DB, "SELECT count(*) FROM sessions")[0][0]), (400, n),
       "a POST without Host: 400, and nothing changes")
    s, h, b, _ = request("HEAD", "/", host=None)
    eq((s, b), (400, b""), "a HEAD without Host: 400 without a body")


def test_absolute_form():
    s, h, b, _ = request("GET", "/feed.json")
    for target in ("http://127.0.0.1:%d/feed.json" % srv.port,
                   "http://example.com/feed.json", "HTTPS://example.com/feed.json"):
        s2, h2, b2, _ = request("GET", target)
        eq((s2, b2), (s, b), "GET %s is routed by its path" % target)
    eq(hdict(request("GET", "http://example.com/feed.json")[1]).get("x-cache"), "hit",
       "...and served from the same cache entry")
    s, h, b, _ = request("GET", "http://example.com")
    s0, h0, b0, _ = request("GET", "/")
    eq((s, b), (s0, b0), "an absolute target with an empty path is /")
    s, h, b, _ = request("GET", "http://example.com?q=5g")
    eq(s, 200, "...with a query")
    j = json.loads(request("GET", "http://example.com/api/v1/articles?limit=2")[2])
    eq(len(j.get("articles", [])), 2, "an absolute target's query is read")
    for target in ("ftp://example.com/", "http:///feed.json", "http://u@example.com/",
                   "example.com/feed.json", "*/feed.json"):
        eq(request("GET", target)[0], 400, "GET %s: 400" % target)


def test_options():
    s, h, b, rest = request("OPTIONS", "*")
    h = hdict(h)
    methods = {m.strip() for m in h.get("allow", "").split(",")}
    eq((s, h.get("content-length"), b), (200, "0", b""), "OPTIONS * is 200 with no content")
    ok({"GET", "HEAD", "POST", "OPTIONS"} <= methods, "...and Allow lists the server's methods",
       h.get("allow"))
    eq(request("OPTIONS", "*", version="1.0")[0], 200, "OPTIONS * over HTTP/1.0")
    eq(request("GET", "*")[0], 400, "GET * is 400")
    s, h, b, _ = request("OPTIONS", "/")
    eq((s, hdict(h).get("allow"), b), (200, "GET, HEAD, OPTIONS", b""),
       "OPTIONS / answers the path's methods")
    ok("access-control-allow-origin" not in hdict(h), "...and no CORS on a page")
    eq(request("OPTIONS", "/no/such/path")[0], 404, "OPTIONS of no path: 404")


# 405 ------------------------------------------------------------------------

def table():
    """[(method, pattern)] of src/router.c, in order."""
    with open(os.path.join(TOP, "src", "router.c")) as f:
        src = f.read()
    start = src.index("routes[] = {")
    return re.findall(r'\{\s*"([A-Z]+)",\s*"(/[^"]*)"', src[start:src.index("};", start)])


def match(pattern, path):
    """router_match() of src/router.c, for a path without escapes."""
    ps, ss = pattern.split("/"), path.split("/")
    if len(ps) != len(ss):
        return False
    for p, s in zip(ps, ss):
        if p.startswith(":"):
            suffix = re.sub(r"^:[A-Za-z0-9_]+", "", p)
            if len(s) <= len(suffix) or not s.endswith(suffix):
                return False
        elif p != s:
            return False
    return True


def test_405_every_pattern():
    rows = table()
    ok(len(rows) > 100, "src/router.c's table is read (%d routes)" % len(rows))
    methods = {}
    for m, p in rows:
        methods.setdefault(p, []).append(m)
    checked = 0
    for pattern, ms in methods.items():
        path = re.sub(r":[A-Za-z0-9_]+", "x1", pattern)
        owner = next(p for _, p in rows if match(p, path))
        if owner != pattern:
            continue
        want = []
        for m in ms:
            want += [m] + (["HEAD"] if m == "GET" else [])
        want = sorted(set(want + ["OPTIONS"]))
        # A method the pattern does not take (a few take PUT), and GET.
        wrong = next(m for m in ("PUT", "PATCH", "DELETE") if m not in ms)
        for method in [wrong] + (["GET"] if "GET" not in ms else []):
            s, h, b, _ = request(method, path)
            got = sorted(m.strip() for m in hdict(h).get("allow", "").split(","))
            checked += ok(s == 405 and got == want,
                          "%s %s: 405, Allow: %s" % (method, path, ", ".join(want)),
                          "got %d, Allow: %s" % (s, hdict(h).get("allow")))
    ok(checked > 80, "every pattern that owns its paths was checked (%d)" % checked)
    s, h, b, rest = request("GET", "/signout")
    eq((s, hdict(h).get("allow")), (405, "POST, OPTIONS"),
       "GET /signout is 405 (not the static pages' 404)")
    s, h, b, rest = request("HEAD", "/signout")
    eq((s, b, rest), (405, b"", b""), "HEAD /signout is 405 without a body")
    s, h, b, _ = request("POST", "/api/v1/articles")
    eq((s, json.loads(b)["error"]["status"]), (405, 405), "an API 405 is a JSON Error")
    eq(request("BREW", "/")[0], 501, "an unknown method is still 501")
    eq(request("GET", "/about-us")[0], 200, "the static pages still answer")


# CORS -----------------------------------------------------------------------

def test_cors():
    public = ["/api/v1/articles", "/api/v1/articles/us-scraps-xiaomi-blacklisting",
              "/api/v1/sections", "/api/v1/authors", "/api/v1/events",
              "/api/v1/webinars", "/api/v1/resources", "/api/v1/search?q=5g",
              "/api/v1/articles/no-such-story", "/api/v1/articles?colour=red",
              "/feed.json", "/section/asia/feed.json", "/author/ken-wieland/feed.json",
              "/tag/5g/feed.json"]
    for path in public:
        for method in ("GET", "HEAD", "GET"):
            s, h, b, _ = request(method, path, (("Origin", "https://elsewhere.example"),))
            eq(hdict(h).get("access-control-allow-origin"), "*",
               "%s %s (%d%s): Access-Control-Allow-Origin: *" % (
                   method, path, s, ", " + hdict(h)["x-cache"] if "x-cache" in hdict(h) else ""))
    private = [("GET", "/", ()), ("GET", ARTICLE, ()), ("GET", "/signin", ()),
               ("GET", "/feed.xml", ()), ("GET", "/atom.xml", ()),
               ("GET", media_file()[0], ()), ("GET", "/assets/site.css", ()),
               ("GET", "/api/v1/admin/menu-items", ()),
               ("GET", "/api/v1/admin/articles/1", ()),
               ("POST", "/api/v1/admin/articles", ()),
               ("POST", "/api/v1/articles", ()),
               ("OPTIONS", "/api/v1/admin/articles", ()),
               ("OPTIONS", "/signin", ()),
               ("GET", "/", (("Cookie", session_cookie()),)),
               ("GET", "/api/v1/no-such-thing", ())]
    for method, path, hd in private:
        s, h, b, _ = request(method, path, (("Origin", "https://elsewhere.example"),) + hd)
        names = [k for k, _ in h if k.startswith("access-control-")]
        eq(names, [], "%s %s (%d): no CORS headers" % (method, path, s))
    s, h, b, _ = request("OPTIONS", "/api/v1/articles", (
        ("Origin", "https://elsewhere.example"),
        ("Access-Control-Request-Method", "GET"),
        ("Access-Control-Request-Headers", "if-none-match")))
    h = hdict(h)
    eq((s, b, h.get("access-control-allow-origin"), h.get("allow")),
       (200, b"", "*", "GET, HEAD, OPTIONS"), "a preflight of the API: 200, ACAO *, Allow")
    ok("GET" in h.get("access-control-allow-methods", "") and
       "if-none-match" in h.get("access-control-allow-headers", "").lower() and
       h.get("access-control-max-age", "").isdigit(),
       "...allowing GET with If-None-Match, for a while", h)
    s, h, b, _ = request("OPTIONS", "/feed.json", (("Origin", "https://e.example"),
                                                   ("Access-Control-Request-Method", "GET")))
    eq((s, hdict(h).get("access-control-allow-origin")), (200, "*"), "a preflight of /feed.json")


def cleanup():
    shutil.rmtree(TMP, ignore_errors=True)
    return srv.stop()


run_tests([test_head_http1, test_head_pipelined, test_head_curl, test_head_node,
           test_media_ranges, test_pdf_ranges, test_resume_and_seek,
           test_asset_validators, test_host, test_absolute_form, test_options,
           test_405_every_pattern, test_cors], cleanup)
