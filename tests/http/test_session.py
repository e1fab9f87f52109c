"""Signing in and out, and signed-in readers on cached pages: the shared
page with their own account bar spliced in, never stored, never shown to
anyone else; CSRF tokens on both forms."""
import gzip
import re
import subprocess
import time
import tempfile
import urllib.parse

from harness import (BIN, Server, ok, eq, contains, run_tests, demo_db,
                     cookies_of, form_token)

PW = {"alice": "alice's long passphrase", "bob": "bob's other passphrase"}


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-session-")
    db = demo_db(d)
    for name, pw in PW.items():
        subprocess.run([BIN, "user", "add", "--db", db, "--name", name.title(),
                        name + "@example.com"], input=pw, text=True, check=True,
                       capture_output=True)
    return db


srv = Server(db=make_db())


def post(path, fields, cookie=""):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        h["Cookie"] = cookie
    return srv.request("POST", path, h, urllib.parse.urlencode(fields))


def sign_in(name, nxt=None):
    s, h, b = srv.html("/signin")
    csrf_cookie = cookies_of(h)["mh_csrf"]
    fields = {"csrf": form_token(b), "email": name + "@example.com",
              "password": PW[name]}
    if nxt is not None:
        fields["next"] = nxt
    s, h, b = post("/signin", fields, "mh_csrf=" + csrf_cookie)
    return s, h, cookies_of(h).get("mh_session")


def test_signin_form():
    s, h, b = srv.html("/signin")
    eq(s, 200, "the sign-in page is 200")
    ok(form_token(b) and len(form_token(b)) == 32, "its form carries a CSRF token")
    c = cookies_of(h).get("mh_csrf")
    eq(c, form_token(b), "equal to the mh_csrf cookie it sets")
    ok("HttpOnly" in h.get("set-cookie", ""), "the form cookie is HttpOnly")
    eq(h.get("x-cache"), None, "forms are not cached")


def test_signin_refusals():
    s, h, b = srv.html("/signin")
    tok, cookie = form_token(b), "mh_csrf=" + cookies_of(h)["mh_csrf"]
    good = {"csrf": tok, "email": "alice@example.com", "password": PW["alice"]}
    eq(post("/signin", dict(good, csrf=""), cookie)[0], 403, "no CSRF token is 403")
    eq(post("/signin", dict(good, csrf="x" * 32), cookie)[0], 403, "a wrong CSRF token is 403")
    eq(post("/signin", good, "")[0], 403, "a token without its cookie is 403")
    s, h, b = post("/signin", dict(good, password="not it at all"), cookie)
    eq(s, 401, "a wrong password is 401")
    contains(b.decode(), "do not match", "with a message")
    ok("mh_session" not in h.get("set-cookie", ""), "and no session")
    s2, h2, b2 = post("/signin", dict(good, email="nobody@example.com"), cookie)
    eq(s2, 401, "an unknown email is 401 too")
    eq(re.sub(r"value=\"[^\"]*\"", "", b2.decode()),
       re.sub(r"value=\"[^\"]*\"", "", b.decode()),
       "and the same page: nothing tells which emails have accounts")
    s, h, b = srv.request("POST", "/signin", {"Content-Type": "application/json",
                                               "Cookie": cookie}, "{}")
    eq(s, 415, "a JSON body is 415")
    s, h, b = post("/signin", dict(good, email="a" * 300), cookie)
    eq(s, 400, "a 300-byte email is 400")


def test_signed_in_pages():
    s, h, alice = sign_in("alice")
    eq(s, 303, "signing in redirects")
    eq(h.get("location"), "/", "to the front page")
    ok(alice and len(alice) == 43, "and sets a 256-bit session cookie")
    sc = h.get("set-cookie", "")
    ok("HttpOnly" in sc and "SameSite=Lax" in sc, "HttpOnly and SameSite=Lax")
    s, h, bob = sign_in("bob")
    ok(bob and bob != alice, "a second reader gets a session of their own")

    # A fresh page asked for first by Alice: rendered once, for everyone.
    path = "/section/middle-east"
    s, h, b = srv.request("GET", path, {"Cookie": "mh_session=" + alice})
    b = b.decode()
    eq(s, 200, "Alice gets the page")
    contains(b, "Signed in as <strong>Alice</strong>", "with her account bar")
    ok("Sign In</a>" not in b.split('class="account"')[1][:300],
       "instead of the Sign In link")
    eq(h.get("cache-control"), "private, no-cache", "marked private")
    ok("etag" not in h, "without the shared page's ETag")
    s, h, b = srv.get(path)
    b = b.decode()
    eq(h.get("x-cache"), "hit", "the next anonymous request is served from the cache")
    ok("Alice" not in b and "Signed in as" not in b,
       "and the anonymous page carries nobody's name")
    s, h, b = srv.request("GET", path, {"Cookie": "mh_session=" + bob})
    b = b.decode()
    contains(b, "Signed in as <strong>Bob</strong>", "Bob sees his own name")
    ok("Alice" not in b, "and never Alice's")
    eq(h.get("x-cache"), "hit", "from the same cached page")
    # Once the shared page's gzip halves exist, a signed-in reader who
    # takes gzip gets them with the account bar spliced between.
    s, h, plain = srv.request("GET", path, {"Cookie": "mh_session=" + alice})
    for _ in range(250):
        s, h, b = srv.request("GET", path, {"Cookie": "mh_session=" + alice,
                                             "Accept-Encoding": "gzip, br"})
        if h.get("content-encoding"):
            break
        time.sleep(0.02)
    eq(h.get("content-encoding"), "gzip", "a signed-in reader who takes gzip gets gzip")
    eq(gzip.decompress(b), plain,
       "which decodes to exactly the page with their account bar")
    ok(len(b) < len(plain) // 2, "at a fraction of the size")
    eq(h.get("cache-control"), "private, no-cache", "and it stays private")
    s, h, b = srv.request("GET", path, {"Cookie": "mh_session=" + alice,
                                         "Accept-Encoding": "br"})
    eq((h.get("content-encoding"), b), (None, plain),
       "a reader who takes only brotli gets the page whole")
    s, h, b = srv.request("GET", "/signin", {"Cookie": "mh_session=" + alice})
    contains(b.decode(), "You are signed in as <strong>Alice</strong>",
             "the sign-in page knows her")
    return alice


def test_next_and_signout():
    s, h, c = sign_in("alice", "/section/asia")
    eq(h.get("location"), "/section/asia", "next= brings the reader back")
    s, h, c2 = sign_in("alice", "//evil.example/")
    eq(h.get("location"), "/", "a next= to another site is ignored")
    s, h, b = srv.request("GET", "/", {"Cookie": "mh_session=" + c})
    tok = form_token(b.decode())
    ok(tok and len(tok) == 43, "the account bar's sign-out form has a CSRF token")
    eq(post("/signout", {"csrf": "nope"}, "mh_session=" + c)[0], 403,
       "signing out without the token is 403")
    s, h, b = srv.request("GET", "/", {"Cookie": "mh_session=" + c})
    contains(b.decode(), "Signed in as", "and the reader is still signed in")
    s, h, b = post("/signout", {"csrf": tok}, "mh_session=" + c)
    eq((s, h.get("location")), (303, "/"), "signing out redirects home")
    ok("mh_session=;" in h.get("set-cookie", "") and "Max-Age=0" in h.get("set-cookie", ""),
       "and clears the cookie")
    s, h, b = srv.request("GET", "/", {"Cookie": "mh_session=" + c})
    ok("Signed in as" not in b.decode(), "the old cookie signs nobody in")
    s, h, b = srv.request("GET", "/", {"Cookie": "mh_session=" + c2})
    contains(b.decode(), "Signed in as", "another session of the same reader lives on")


run_tests([test_signin_form, test_signin_refusals, test_signed_in_pages,
           test_next_and_signout], srv.stop)
