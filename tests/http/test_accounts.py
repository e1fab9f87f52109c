"""Readers' accounts (issue 5): registering with an emailed confirmation
link read back from a real SMTP server, signing in, refusals that do not
tell which emails have accounts, password reset by a single-use link that
expires, signing out everywhere, CSRF, rate limits (429 with
Retry-After), and clear 400/422 answers to bad input."""
import hashlib
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql, is_pg
from smtpsink import SmtpSink, body_of

SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-accounts-"))
subprocess.run([BIN, "user", "add", "--db", DB, "--name", "Old Hand",
                "old@example.com"], input="an old long passphrase", text=True,
               check=True, capture_output=True)
# Each test speaks from an address of its own (a trusted proxy's header),
# so the per-address limits of one test do not touch another.
SRV = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                          "--real_ip_header", "X-Real-IP"])


class Browser(Client):
    """harness.Client that forgets a cookie the server expires, and posts
    with the CSRF token of the page that shows the form it posts."""

    def _keep(self, h):
        for part in re.split(r",\s*(?=[A-Za-z_]+=)", h.get("set-cookie", "")):
            if "=" in part:
                k, v = part.split(";")[0].split("=", 1)
                if "Max-Age=0" in part:
                    self.cookies.pop(k.strip(), None)
                else:
                    self.cookies[k.strip()] = v

    def post(self, path, fields, csrf=True, ctype="application/x-www-form-urlencoded"):
        fields = dict(fields)
        if csrf is True:
            fields["csrf"] = self.token(path)
        s, h, b = self.srv.request("POST", path, self._headers({"Content-Type": ctype}),
                                   urllib.parse.urlencode(fields))
        self._keep(h)
        return s, h, b.decode("utf-8", "replace")

    def token(self, path):
        """The CSRF token of the form that posts to path (from its GET page)."""
        page = {"/signout": "/account", "/account/signout-all": "/account"}.get(path, path)
        tok = self.csrf(page)
        if tok is None and page != "/signin":
            # A link that no longer works has no form: any anonymous
            # form's token will do.
            return self.token("/signin")
        return tok or ""


def session_of(b):
    return b.cookies.get("mh_session")


def mails_to(addr, n, timeout=5):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = SINK.to(addr)
        if len(got) >= n:
            return got
        time.sleep(0.02)
    return SINK.to(addr)


def link_in(msg, kind):
    m = re.search(r"https?://[^/\s]+(/%s/[A-Za-z0-9_-]{43})" % kind, body_of(msg))
    return m.group(1) if m else None


def without_tokens(html):
    return re.sub(r'name="csrf" value="[^"]*"', "", html)


def register(b, email, name="A Reader", password="a long enough password"):
    return b.post("/register", {"email": email, "name": name, "password": password})


def sign_in(b, email, password):
    return b.post("/signin", {"email": email, "password": password})


def test_header_links():
    s, h, b = SRV.html("/")
    contains(b, 'href="/signin"', "the header links to Sign In")
    contains(b, 'href="/register"', "and to Register")
    for path in ("/signin", "/register", "/reset"):
        s, h, b = SRV.html(path)
        eq(s, 200, "%s answers 200" % path)
    contains(SRV.html("/signin")[2], 'href="/reset"', "the sign-in page links to the reset form")


def test_register_verify_sign_in():
    b = Browser(SRV, "10.0.0.1")
    s, h, page = b.get("/register")
    contains(page, 'name="password"', "the register form asks for a password")
    contains(page, 'class="site-header', "in the site's layout") if 'class="site-header' in page else \
        contains(page, "<nav", "in the site's layout")
    s, h, page = register(b, "Zoe.Reader@Example.org", "Zoë Reader", "correct horse battery")
    eq(s, 200, "registering answers 200")
    contains(page, "Check your email", "and asks the reader to check their email")
    msgs = mails_to("zoe.reader@example.org", 1)
    eq(len(msgs), 1, "one message reaches the SMTP server, to the lowercased address")
    m = msgs[0]
    contains(str(m["Subject"]), "Confirm your email address", "asking to confirm the address")
    eq(str(m["To"]), "Zoë Reader <zoe.reader@example.org>", "to the reader by name (encoded)")
    link = link_in(m, "verify")
    ok(link, "with a confirmation link", body_of(m))
    contains(body_of(m, "html"), link, "in the HTML part too")
    tok = link.rsplit("/", 1)[1]
    rows = sql(DB, "SELECT token_hash FROM account_tokens WHERE purpose = 'verify'")
    ok(any(r[0] == hashlib.sha256(tok.encode()).hexdigest() for r in rows),
       "the database keeps the link's SHA-256")
    ok(all(tok not in str(r) for r in sql(DB, "SELECT * FROM account_tokens")),
       "and never the token itself")
    ok(all(tok not in str(r) for r in sql(DB, "SELECT payload FROM jobs")),
       "nor does the sent message stay in the jobs table")

    s, h, page = sign_in(b, "zoe.reader@example.org", "correct horse battery")
    eq(s, 403, "signing in before confirming is refused (403)")
    contains(page, "Confirm your email address first", "saying why")
    ok(not session_of(b), "without a session")
    eq(len(mails_to("zoe.reader@example.org", 2)), 2, "and a new link is sent")

    s, h, page = b.get(link)
    eq(s, 200, "the emailed link opens a confirmation page")
    eq(h.get("referrer-policy"), "no-referrer", "which leaks no token through Referer")
    s, h, page = b.post(link, {}, csrf=False)
    eq(s, 403, "confirming without the CSRF token is 403")
    eq(sql(DB, "SELECT count(*) FROM users WHERE email = ? AND verified_at IS NULL",
           ("zoe.reader@example.org",))[0][0], 1, "and changes nothing")
    s, h, page = b.post(link, {})
    eq(s, 303, "confirming redirects")
    eq(h.get("location"), "/signin?done=verified", "to the sign-in page")
    contains(b.get("/signin?done=verified")[2], "Your email address is confirmed",
             "which says the address is confirmed")
    eq(b.get(link)[0], 410, "the link works once (410 after)")
    eq(b.post(link, {})[0], 410, "also when posted again")

    b.cookies["mh_session"] = "planted" + "x" * 36
    s, h, page = sign_in(b, "zoe.reader@example.org", "correct horse battery")
    eq(s, 303, "now the reader signs in")
    first = session_of(b)
    ok(first and len(first) == 43 and not first.startswith("planted"),
       "with a new 256-bit session id, not the one the browser had")
    s, h, page = b.get("/account")
    eq(s, 200, "the account page is theirs")
    contains(page, "zoe.reader@example.org", "showing their address")
    s, h, page = sign_in(b, "zoe.reader@example.org", "correct horse battery")
    ok(session_of(b) and session_of(b) != first, "signing in again changes the session id")
    old = Browser(SRV, "10.0.0.1")
    old.cookies["mh_session"] = first
    eq(old.get("/account")[0], 303, "and the old id no longer works")


def test_duplicate_registration():
    a, b = Browser(SRV, "10.0.1.1"), Browser(SRV, "10.0.1.2")
    s1, h1, p1 = register(a, "old@example.com", "Imposter", "another long password")
    s2, h2, p2 = register(b, "brand.new@example.org", "Newcomer", "another long password")
    eq((s1, without_tokens(p1)), (s2, without_tokens(p2)),
       "registering a taken address answers exactly as a new one does")
    eq(sql(DB, "SELECT count(*) FROM users WHERE email = ?", ("old@example.com",))[0][0], 1,
       "no second account is made")
    m = mails_to("old@example.com", 1)
    ok(m and "already has an account" in body_of(m[0]),
       "the owner of the address is told by email instead")
    ok(m and not link_in(m[0], "verify"), "with no confirmation link")
    s, h, p = sign_in(Browser(SRV, "10.0.1.3"), "old@example.com", "an old long passphrase")
    eq(s, 303, "the account keeps its password and name")
    # Two registrations of one new address at the same moment.
    import threading
    res = []
    bs = [Browser(SRV, "10.0.1.%d" % (10 + i)) for i in range(2)]
    toks = [b.token("/register") for b in bs]

    def go(b, tok):
        res.append(b.post("/register", {"email": "twin@example.org", "name": "Twin",
                                        "password": "a long enough password",
                                        "csrf": tok}, csrf=False))
    ts = [threading.Thread(target=go, args=(b, t)) for b, t in zip(bs, toks)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    eq(sorted(r[0] for r in res), [200, 200], "two registrations racing for one address both answer 200")
    eq(sql(DB, "SELECT count(*) FROM users WHERE email = ?", ("twin@example.org",))[0][0], 1,
       "and make one account")


def test_reset_flow():
    me = Browser(SRV, "10.0.2.1")
    eq(sign_in(me, "old@example.com", "an old long passphrase")[0], 303, "a reader is signed in")
    other = Browser(SRV, "10.0.2.2")
    sign_in(other, "old@example.com", "an old long passphrase")
    n = len(SINK.to("old@example.com"))
    s1, h1, p1 = Browser(SRV, "10.0.2.3").post("/reset", {"email": "OLD@example.com"})
    s2, h2, p2 = Browser(SRV, "10.0.2.4").post("/reset", {"email": "nobody@example.com"})
    eq(s1, 200, "asking for a reset answers 200")
    eq((s1, without_tokens(p1)), (s2, without_tokens(p2)),
       "the same for an address without an account")
    msgs = mails_to("old@example.com", n + 1)
    eq(len(msgs), n + 1, "the account's address gets a message")
    time.sleep(0.3)
    eq(SINK.to("nobody@example.com"), [], "an unknown address gets none")
    link = link_in(msgs[-1], "reset")
    ok(link, "with a reset link")
    b = Browser(SRV, "10.0.2.5")
    s, h, page = b.get(link)
    eq(s, 200, "the link opens a new-password form")
    contains(page, 'name="password2"', "asking for it twice")
    s, h, page = b.post(link, {"password": "new pass one two", "password2": "different one"})
    eq(s, 422, "two different passwords are 422")
    contains(page, "differ", "saying so")
    s, h, page = b.post(link, {"password": "short", "password2": "short"})
    eq(s, 422, "a short one is 422")
    contains(page, "at least 10 characters", "saying how long")
    s, h, page = b.post(link, {"password": "new pass one two", "password2": "new pass one two"}, csrf=False)
    eq(s, 403, "without a CSRF token it is 403")
    eq(sign_in(Browser(SRV, "10.0.2.6"), "old@example.com", "an old long passphrase")[0], 303,
       "and the old password still works")
    s, h, page = b.post(link, {"password": "new pass one two", "password2": "new pass one two"})
    eq(s, 303, "a good new password is taken")
    eq(h.get("location"), "/account?done=reset", "and the reader is signed in")
    eq(b.get("/account")[0], 200, "with a new session")
    eq(me.get("/account")[0], 303, "every earlier session has ended")
    eq(other.get("/account")[0], 303, "on every device")
    eq(sign_in(Browser(SRV, "10.0.2.7"), "old@example.com", "an old long passphrase")[0], 401,
       "the old password no longer works")
    eq(sign_in(Browser(SRV, "10.0.2.8"), "old@example.com", "new pass one two")[0], 303,
       "the new one does")
    eq(b.get(link)[0], 410, "the link works once")
    eq(b.post(link, {"password": "third pass three", "password2": "third pass three"})[0], 410,
       "also when posted")
    # A link that has expired.
    Browser(SRV, "10.0.2.9").post("/reset", {"email": "old@example.com"})
    msgs = mails_to("old@example.com", n + 2)
    link = link_in(msgs[-1], "reset")
    sql(DB, "UPDATE account_tokens SET expires_at = ? WHERE purpose = 'reset'"
        " AND used_at IS NULL", (int(time.time()) - 1,))
    eq(b.get(link)[0], 410, "an expired link is 410")
    eq(b.post(link, {"password": "third pass three", "password2": "third pass three"})[0], 410,
       "and sets nothing")
    eq(sign_in(Browser(SRV, "10.0.2.10"), "old@example.com", "new pass one two")[0], 303,
       "the password is still the one set before")


def test_signout_everywhere():
    subprocess.run([BIN, "user", "add", "--db", DB, "--name", "Ev", "ev@example.com"],
                   input="everywhere passphrase", text=True, check=True, capture_output=True)
    one, two = Browser(SRV, "10.0.3.1"), Browser(SRV, "10.0.3.2")
    sign_in(one, "ev@example.com", "everywhere passphrase")
    sign_in(two, "ev@example.com", "everywhere passphrase")
    eq((one.get("/account")[0], two.get("/account")[0]), (200, 200), "two sessions live")
    s, h, p = one.post("/account/signout-all", {"csrf": "x" * 43}, csrf=False)
    eq(s, 403, "signing out everywhere with a wrong CSRF token is 403")
    eq(two.get("/account")[0], 200, "and ends nothing")
    s, h, p = one.post("/account/signout-all", {})
    eq(s, 303, "signing out everywhere redirects")
    eq(h.get("location"), "/signin?done=everywhere", "to the sign-in page")
    eq(one.get("/account")[0], 303, "this session has ended")
    eq(two.get("/account")[0], 303, "and so has the other one")
    eq(sql(DB, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id"
           " WHERE u.email = ?", ("ev@example.com",))[0][0], 0, "no session row is left")


def test_csrf_changes_nothing():
    b = Browser(SRV, "10.0.4.1")
    users = sql(DB, "SELECT count(*) FROM users")[0][0]
    jobs = sql(DB, "SELECT count(*) FROM jobs")[0][0]
    s, h, p = b.post("/register", {"email": "csrf@example.org", "name": "C",
                                   "password": "a long enough password"}, csrf=False)
    eq(s, 403, "registering without a CSRF token is 403")
    s, h, p = b.post("/register", {"email": "csrf@example.org", "name": "C", "csrf": "y" * 32,
                                   "password": "a long enough password"}, csrf=False)
    eq(s, 403, "so is a token that matches no cookie")
    eq(b.post("/reset", {"email": "old@example.com"}, csrf=False)[0], 403,
       "asking for a reset without one is 403")
    eq(sql(DB, "SELECT count(*) FROM users")[0][0], users, "no account was made")
    eq(sql(DB, "SELECT count(*) FROM jobs")[0][0], jobs, "and no email queued")


def test_bad_input():
    b = Browser(SRV, "10.0.5.1")
    s, h, p = b.post("/register", {"email": "x@example.org"})
    eq(s, 400, "a registration without name and password is 400")
    contains(p, "must carry an email, a name and a password", "with a clear message")
    s, h, p = register(b, "not-an-address")
    eq(s, 422, "a malformed email is 422")
    contains(p, "like name@example.com", "with a clear message")
    contains(p, 'value="not-an-address"', "keeping what was typed")
    s, h, p = register(b, "short@example.org", password="nine char")
    eq(s, 422, "a 9-character password is 422")
    contains(p, "at least 10 characters", "saying how long it must be")
    s, h, p = register(b, "noname@example.org", name="")
    eq(s, 422, "an empty name is 422")
    contains(p, "1 to 100 characters", "saying what a name may be")
    s, h, p = register(b, "ctl@example.org", name="bad\x07name")
    eq(s, 422, "a name with a control character is 422")
    eq(sql(DB, "SELECT count(*) FROM users WHERE email IN (?, ?, ?)",
           ("short@example.org", "noname@example.org", "ctl@example.org"))[0][0], 0,
       "none of them made an account")
    s, h, p = b.post("/register", {"email": "json@example.org"}, ctype="application/json")
    eq(s, 415, "a body that is not a form is 415")
    eq(b.post("/reset", {})[0], 400, "a reset request without an email is 400")
    s, h, p = b.post("/reset", {"email": "nope"})
    eq(s, 422, "a reset request for a malformed email is 422")
    long_pw = "päss" * 256 + "x" * 300   # 1,324 bytes
    b2 = Browser(SRV, "10.0.5.2")
    s, h, p = register(b2, "longpw@example.org", password=long_pw)
    eq(s, 200, "a password of 1,324 bytes is accepted")
    m = mails_to("longpw@example.org", 1)
    b2.post(link_in(m[0], "verify"), {})
    eq(sign_in(b2, "longpw@example.org", long_pw)[0], 303, "and signs in")
    eq(sign_in(Browser(SRV, "10.0.5.3"), "longpw@example.org", long_pw[:-1])[0], 401,
       "all of it counts")


def test_rate_limits():
    d = tempfile.mkdtemp(prefix="masthead-limits-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "lim@example.com"],
                   input="limited passphrase", text=True, check=True, capture_output=True)
    srv = Server(db=db, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                              "--base_url", "https://news.example.com"])
    try:
        b = Browser(srv, "")
        codes = [sign_in(b, "lim@example.com", "wrong passphrase %d" % i)[0] for i in range(5)]
        eq(codes, [401] * 5, "five wrong passwords are five 401s")
        s, h, p = sign_in(b, "lim@example.com", "limited passphrase")
        eq(s, 429, "the sixth try from that address within 15 minutes is 429, even with the right password")
        ra = int(h.get("retry-after", "0"))
        ok(0 < ra <= 900, "with Retry-After in seconds (%d)" % ra)
        contains(p, "Too many tries", "and a page that says so")
        s, h, p = sign_in(b, "unknown@example.com", "whatever it is")
        eq(s, 401, "the limit is per account and address: another account may still be tried")
        codes = [b.post("/reset", {"email": e})[0]
                 for e in ["lim@example.com"] * 4 + ["ghost@example.com"] * 4]
        eq(codes, [200, 200, 200, 429] * 2,
           "a fourth reset request for one address within the hour is 429, known or not")
        codes = [register(b, "r%d@example.org" % i)[0] for i in range(11)]
        eq(codes, [200] * 10 + [429], "the eleventh registration from one address is 429")
        # Secure cookies when the site is https.
        srv2 = Browser(srv, "")
        sql(db, "DELETE FROM rate_limits")
        s, h, p = sign_in(srv2, "lim@example.com", "limited passphrase")
        eq(s, 303, "with the counters cleared the reader signs in")
        ok("Secure" in h.get("set-cookie", ""), "over an https base_url the cookie is Secure")
    finally:
        srv.stop()


def cleanup():
    rc = SRV.stop()
    SINK.close()
    return rc


run_tests([test_header_links, test_register_verify_sign_in, test_duplicate_registration,
           test_reset_flow, test_signout_everywhere, test_csrf_changes_nothing,
           test_bad_input, test_rate_limits], cleanup)
