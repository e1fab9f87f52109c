#!/usr/bin/env python3
"""HTTP/1 message framing: requests a proxy in front and masthead could
read differently (request smuggling, RFC 9112, 6.3 and 11.2) are refused
with 400 before they are routed, and their connection is closed, so that
nothing sent after them on it is ever answered:

- two Content-Length headers that differ, or a list of lengths;
- Content-Length together with Transfer-Encoding;
- Transfer-Encoding other than exactly one "chunked", or any in HTTP/1.0;
- a header line folded onto the next (obs-fold);
- white space between a header's name and its colon.

Each check sends the request and, on the same connection, a second one
that would be answered if the first were taken: the connection must end
after a single 400.  Requests framed correctly keep working (a repeated
identical Content-Length, "chunked" in any case).  Raw sockets only: no
client library would send these.
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, eq, ok, run_tests  # noqa: E402

srv = Server()

# What a smuggler hopes a second parser sees as a request of its own.
NEXT = b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"


def exchange(data, timeout=5):
    """Sends raw bytes; returns every byte until the server closes (or
    the timeout passes: a connection kept open is a failure of its own,
    seen in the answers)."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout)
    out = b""
    try:
        s.sendall(data)
        while True:
            try:
                c = s.recv(65536)
            except socket.timeout:
                return out + b"<still open>"
            if not c:
                return out
            out += c
    finally:
        s.close()


def answers(raw):
    """The statuses of the responses in raw, in order, each read to the
    end of its Content-Length."""
    out = []
    while raw.startswith(b"HTTP/1."):
        end = raw.find(b"\r\n\r\n")
        if end < 0:
            break
        lines = raw[:end].split(b"\r\n")
        out.append(int(lines[0].split(b" ")[1]))
        n = 0
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                n = int(v.strip())
        raw = raw[end + 4 + n:]
    return out


def refused(name, req):
    raw = exchange(req + NEXT)
    eq(answers(raw), [400], name + ": one 400, nothing answered after it")
    head = raw.split(b"\r\n\r\n")[0].lower()
    ok(b"connection: close" in head and not raw.endswith(b"<still open>"),
       name + ": Connection: close, and the server closes",
       raw[:300])


def post(headers, body):
    return (b"POST /signin HTTP/1.1\r\nHost: x\r\n" + headers +
            b"\r\n" + body)


def test_content_length():
    refused("two differing Content-Lengths",
            post(b"Content-Length: 3\r\nContent-Length: 40\r\n", b"abc"))
    refused("Content-Length as a list",
            post(b"Content-Length: 3, 40\r\n", b"abc"))
    refused("differing Content-Lengths, one with leading zeros",
            post(b"Content-Length: 3\r\nContent-Length: 03\r\n", b"abc"))


def test_transfer_encoding():
    chunk = b"3\r\nabc\r\n0\r\n\r\n"
    refused("Content-Length with Transfer-Encoding: chunked",
            post(b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                 chunk))
    refused("Transfer-Encoding: chunked with Content-Length after it",
            post(b"Transfer-Encoding: chunked\r\nContent-Length: 40\r\n",
                 chunk))
    refused("Transfer-Encoding twice",
            post(b"Transfer-Encoding: chunked\r\n"
                 b"Transfer-Encoding: chunked\r\n", chunk))
    refused("Transfer-Encoding: gzip, chunked",
            post(b"Transfer-Encoding: gzip, chunked\r\n", chunk))
    refused("Transfer-Encoding: xchunked",
            post(b"Transfer-Encoding: xchunked\r\n", chunk))
    refused("Transfer-Encoding in HTTP/1.0",
            b"POST /signin HTTP/1.0\r\nHost: x\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunk)


def test_obs_fold():
    refused("a header folded with a space",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n")
    refused("a header folded with a tab",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n")
    refused("Content-Length folded",
            post(b"Content-Length:\r\n 3\r\n", b"abc"))
    refused("Host folded",
            b"GET / HTTP/1.1\r\nHost:\r\n x\r\n\r\n")


def test_space_before_colon():
    refused("a space before the colon",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-A : a\r\n\r\n")
    refused("Content-Length with a tab before the colon",
            post(b"Content-Length\t: 3\r\n", b"abc"))


def test_framed_right():
    """Not regressions: the checks must not refuse what is well framed."""
    raw = exchange(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n"
                   b"Connection: close\r\n\r\n")
    eq(answers(raw), [200], "a plain GET: 200")
    raw = exchange(post(b"Content-Length: 3\r\nContent-Length: 3\r\n"
                        b"Connection: close\r\n", b"abc"))
    ok(answers(raw) and answers(raw)[0] != 400,
       "a repeated identical Content-Length is not a framing error",
       raw[:200])
    for te in (b"chunked", b"Chunked"):
        raw = exchange(post(b"Transfer-Encoding: " + te + b"\r\n"
                            b"Connection: close\r\n",
                            b"3\r\nabc\r\n0\r\n\r\n"))
        ok(answers(raw) and answers(raw)[0] != 400,
           "Transfer-Encoding: %s alone is not a framing error" %
           te.decode(), raw[:200])
    raw = exchange(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n" + NEXT +
                   b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n"
                   b"Connection: close\r\n\r\n")
    eq(answers(raw), [200, 200, 200], "pipelined GETs are all answered")


run_tests([test_content_length, test_transfer_encoding, test_obs_fold,
           test_space_before_colon, test_framed_right], srv.stop)
