"""Malformed and oversized requests get the exact 4xx/5xx status, and the
server keeps serving afterwards."""
from harness import Server, ok, eq, run_tests, status_of

srv = Server()


def test_bad_request_line():
    eq(status_of(srv.raw(b"THIS IS NOT HTTP\r\n\r\n")), 400,
       "garbage request line is 400")
    eq(status_of(srv.raw(b"GET\r\n\r\n")), 400, "request line without target is 400")
    eq(status_of(srv.raw(b"GET / HTTP/9\r\nHost: x\r\n\r\n")), 400,
       "unknown HTTP version is 400")


def test_oversized_header():
    big = b"a" * 10000
    eq(status_of(srv.raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + b"\r\n\r\n")),
       431, "a 10 KB header is 431")
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 1000) for i in range(80))
    eq(status_of(srv.raw(b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")),
       431, "80 KB of headers in all is 431")


def test_long_uri():
    eq(status_of(srv.raw(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")),
       414, "a 9 KB request target is 414")


def test_bad_percent_encoding():
    for path in (b"/article/%zz", b"/article/%", b"/section/%4",
                 b"/article/a%00b", b"/?before=%g1", b"/section/%C0%AF"):
        eq(status_of(srv.raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")),
           400, "invalid percent-encoding %s is 400" % path.decode())


def test_traversal():
    for path in (b"/assets/..%2f..%2fetc%2fpasswd", b"/assets/%2e%2e/x",
                 b"/media/../../etc/passwd"):
        st = status_of(srv.raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
        ok(st in (400, 404), "traversal %s is refused (%d)" % (path.decode(), st))


def test_methods():
    eq(status_of(srv.raw(b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n")), 501,
       "unknown method is 501")
    raw = srv.raw(b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n")
    eq(status_of(raw), 405, "DELETE on a page is 405")
    ok("allow: get, head" in raw.lower(), "405 carries Allow: GET, HEAD")
    s, h, b = srv.request("HEAD", "/")
    eq((s, b), (200, b""), "HEAD / is 200 without a body")


def test_body_limit():
    # Bodies up to max_upload (10 MiB) are read, for the upload routes;
    # one announced larger is refused before it is read.
    raw = srv.raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n" +
                  b"x" * 1000)
    eq(status_of(raw), 413, "a 50 MB body is 413")


def test_still_serving():
    s, h, b = srv.html("/")
    eq(s, 200, "server still serves / after the bad requests")
    s, h, b = srv.html("/article/us-scraps-xiaomi-blacklisting")
    eq(s, 200, "and the article page")


def test_keepalive():
    raw = srv.raw(b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    eq(raw.count("HTTP/1.1 200"), 2, "two requests on one keep-alive connection")


run_tests([test_bad_request_line, test_oversized_header, test_long_uri,
           test_bad_percent_encoding, test_traversal, test_methods,
           test_body_limit, test_still_serving, test_keepalive], srv.stop)
