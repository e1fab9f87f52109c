"""The newsroom's subscriber list (/admin/subscribers): who may see it,
search by address (LIKE wildcards taken literally, any case), filters by
newsletter and status, pages by id; unsubscribing and deleting with CSRF
and a confirmation step; the CSV import in both opt-in modes (active with
a consent record, or pending with the confirmation email really sent
through the SMTP server of the tests), every kind of bad file or bad
line answered with its line number and nothing changed, a round trip
through the export (formula escaping kept on the way out, undone on the
way in), and 10,000 rows imported in one go (the time is printed)."""
import csv
import http.client
import io
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     is_pg, status_of, cookies_of, form_token)
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"
ROLES = ("member", "contributor", "author", "editor", "admin")
SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-subscribers-"))
for role in ROLES:
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    role.title(), role + "@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
TOKEN = subprocess.run([BIN, "token", "add", "--db", DB, "editor@example.com"], check=True,
                       capture_output=True, text=True).stdout.strip()
srv = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                          "--base_url", "https://news.example.com"])
LIST = "/admin/subscribers"
IMPORT = "/admin/subscribers/import"


SESS = {}


def sign_in(who):
    """(cookie, the session's CSRF token) of a signed-in account, made once."""
    if who not in SESS:
        c = Client(srv, ip=None)
        c.sign_in(who + "@example.com", PW)
        SESS[who] = (c.cookie(), c.csrf("/signin"))
    return SESS[who]


def get(path, who="editor"):
    h = {"Cookie": sign_in(who)[0]} if who else {}
    s, hd, b = srv.request("GET", path, h)
    return s, hd, b.decode("utf-8", "replace")


def post(path, fields, who="editor", csrf=True):
    fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
    cookie, tok = sign_in(who)
    if csrf is True:
        fields.append(("csrf", tok))
    elif csrf:
        fields.append(("csrf", csrf))
    s, hd, b = srv.request("POST", path, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        urllib.parse.urlencode(fields))
    return s, hd, b.decode("utf-8", "replace")


def multipart(fields, data, boundary="MhBoundary7"):
    out = b""
    for k, v in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                % (boundary, k)).encode() + v.encode() + b"\r\n"
    if data is not None:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\n" % boundary).encode()
        out += data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def request(method, path, headers, body, timeout):
    """A request with its own timeout (the harness waits 10 s): a big
    import on a loaded machine may take longer, and no test times it."""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def upload(data, mode="optin", lists=("daily",), consent="", who="editor", csrf=True,
           body=None, timeout=10):
    cookie, tok = sign_in(who)
    fields = []
    if csrf:
        fields.append(("csrf", tok if csrf is True else csrf))
    if mode is not None:
        fields.append(("mode", mode))
    fields.append(("consent", consent))
    fields += [("n", n) for n in lists]
    if isinstance(data, str):
        data = data.encode()
    s, h, b = request("POST", IMPORT, {
        "Cookie": cookie, "Content-Type": "multipart/form-data; boundary=MhBoundary7"},
        body if body is not None else multipart(fields, data), timeout)
    return s, h, b.decode("utf-8", "replace")


def state():
    """Every subscription as (email, newsletter, status, consent)."""
    return sorted(sql(DB, "SELECT s.email, n.slug, su.status, su.consent FROM subscriptions su"
                          " JOIN subscribers s ON s.id = su.subscriber_id"
                          " JOIN newsletters n ON n.id = su.newsletter_id"))


def subs_of(email):
    return {r[0]: r[1] for r in sql(DB, (
        "SELECT n.slug, su.status FROM subscriptions su"
        " JOIN subscribers s ON s.id = su.subscriber_id"
        " JOIN newsletters n ON n.id = su.newsletter_id WHERE s.email = ?"), (email,))}


def add_sub(email, slug, status, consent="signed up on the site", at=1700000000):
    sql(DB, "INSERT INTO subscribers (email, created_at) VALUES (?, ?)"
            " ON CONFLICT (email) DO NOTHING", (email, at))
    sql(DB, "INSERT INTO subscriptions (subscriber_id, newsletter_id, status, consent,"
            " consent_ip, created_at, updated_at) SELECT s.id, n.id, ?, ?, '', ?, ?"
            " FROM subscribers s, newsletters n WHERE s.email = ? AND n.slug = ?",
        (status, consent, at, at, email, slug))


def emails_on(page):
    return re.findall(r"<td>([^<\s]+@[^<\s]+)(?:<br>|</td>)", page)


def test_roles():
    s, h, b = get(LIST, who=None)
    eq(s, 303, "signed out: to the sign-in page")
    contains(h.get("location", ""), "/signin", "with a way back")
    for who in ("member", "contributor", "author"):
        eq(get(LIST, who)[0], 403, "a %s may not see the subscribers" % who)
    for who in ("editor", "admin"):
        s, h, b = get(LIST, who)
        eq(s, 200, "an %s sees the subscriber list" % who)
        contains(h.get("cache-control", ""), "no-store", "which no cache keeps")
        contains(h.get("cache-control", ""), "private", "and is private")
    s, h, b = get("/admin", "editor")
    contains(b, 'href="/admin/subscribers"', "the newsroom's navigation links to it")
    s, h, b = get("/admin/newsletters", "editor")
    contains(b, 'href="/admin/subscribers?n=daily&amp;status=active"',
             "and each newsletter's counts on the newsletters page")
    s, h, b = get("/newsletter", "editor")
    ok('href="/admin/subscribers"' not in b, "the public sign-up page has no newsroom link")


def test_search_filter_paging():
    add_sub("alice.smith@example.org", "daily", "active")
    add_sub("alice.smith@example.org", "5g-weekly", "unsubscribed")
    add_sub("a_b%c@example.org", "daily", "pending")
    add_sub("axbyc@example.org", "daily", "active")
    add_sub("bob@example.org", "cable-weekly", "pending")
    for i in range(1, 121):
        add_sub("page%03d@example.net" % i, "optical-weekly", "active")
    s, h, b = get(LIST + "?q=ALICE")
    eq(emails_on(b), ["alice.smith@example.org"], "search is by substring, in any case")
    contains(b, "unsubscribed", "each subscription shows its status")
    contains(b, "signed up on the site", "and its consent text")
    s, h, b = get(LIST + "?q=" + urllib.parse.quote("a_b%"))
    eq(emails_on(b), ["a_b%c@example.org"], "_ and % in a search are taken literally")
    s, h, b = get(LIST + "?n=daily&status=pending")
    eq(emails_on(b), ["a_b%c@example.org"], "filter by newsletter and status")
    s, h, b = get(LIST + "?status=pending")
    eq(sorted(emails_on(b)), ["a_b%c@example.org", "bob@example.org"],
       "filter by status alone")
    s, h, b = get(LIST + "?n=5g-weekly&status=unsubscribed")
    eq(emails_on(b), ["alice.smith@example.org"], "the unsubscribed are found too")
    seen, path, pages = [], LIST + "?q=page", 0
    while path and pages < 10:
        s, h, b = get(path.replace("&amp;", "&"))
        seen += emails_on(b)
        m = re.search(r'href="([^"]+)" rel="next"', b)
        path = m.group(1) if m else None
        pages += 1
    eq(pages, 3, "120 matches take 3 pages of 50")
    eq(len(seen), 120, "every match is on one page")
    eq(len(set(seen)), 120, "none twice")
    eq(seen, sorted(seen, reverse=True), "newest first")
    for bad in ("?status=gone", "?n=gossip", "?before=abc", "?q=" + "x" * 300):
        eq(get(LIST + bad)[0], 400, "a bad filter %s is 400" % bad[:20])


def sub_id(email):
    r = sql(DB, "SELECT id FROM subscribers WHERE email = ?", (email,))
    return r[0][0] if r else None


def test_actions():
    add_sub("carol@example.org", "daily", "active")
    add_sub("carol@example.org", "cable-weekly", "active")
    add_sub("dave@example.org", "daily", "active")
    cid = sub_id("carol@example.org")
    before = state()
    eq(post("/admin/subscribers/%d/unsubscribe" % cid, {"n": "daily"}, csrf=False)[0], 403,
       "unsubscribing without the CSRF token: 403")
    eq(post("/admin/subscribers/%d/unsubscribe" % cid, {"n": "daily"}, csrf="forged")[0], 403,
       "with a wrong one: 403")
    eq(post("/admin/subscribers/%d/unsubscribe" % cid, {"n": "daily"}, who="author")[0], 403,
       "an author may not: 403")
    eq(post("/admin/subscribers/%d/unsubscribe" % cid, {"n": "gossip"})[0], 422,
       "an unknown newsletter: 422")
    eq(post("/admin/subscribers/999999/unsubscribe", {"n": "daily"})[0], 404,
       "an unknown subscriber: 404")
    eq(state(), before, "none of these changed anything")
    s, h, b = post("/admin/subscribers/%d/unsubscribe" % cid, {"n": "daily"})
    eq(s, 303, "an editor unsubscribes one newsletter")
    eq(subs_of("carol@example.org"), {"daily": "unsubscribed", "cable-weekly": "active"},
       "only that one ends")
    s, h, b = post("/admin/subscribers/%d/unsubscribe" % cid, {"n": "all"})
    eq(subs_of("carol@example.org"), {"daily": "unsubscribed", "cable-weekly": "unsubscribed"},
       "unsubscribing from all ends every one")
    did = sub_id("dave@example.org")
    eq(post("/admin/subscribers/%d/delete" % did, {"confirm": "yes"}, csrf=False)[0], 403,
       "deleting without the CSRF token: 403")
    eq(post("/admin/subscribers/%d/delete" % did, {"confirm": "yes"}, who="member")[0], 403,
       "a member may not delete")
    s, h, b = post("/admin/subscribers/%d/delete" % did, {})
    eq(s, 200, "the delete button first asks to confirm")
    contains(b, 'name="confirm" value="yes"', "with a button that confirms")
    ok(sub_id("dave@example.org") is not None, "and nothing is deleted yet")
    s, h, b = post("/admin/subscribers/%d/delete" % did, {"confirm": "yes"})
    eq(s, 303, "confirmed, the subscriber is deleted")
    eq(sub_id("dave@example.org"), None, "gone")
    eq(subs_of("dave@example.org"), {}, "with the sign-ups")
    eq(post("/admin/subscribers/%d/delete" % did, {"confirm": "yes"})[0], 404,
       "deleting again: 404")
    eq(srv.request("GET", "/admin/subscribers/%d/delete" % cid)[0], 405,
       "there is no GET that deletes (405)")


def test_import_optin():
    add_sub("erin@example.org", "daily", "active", consent="the original consent")
    add_sub("frank@example.org", "daily", "unsubscribed")
    add_sub("gina@example.org", "daily", "pending")
    sql(DB, "UPDATE subscribers SET confirmed_at = NULL WHERE email = 'gina@example.org'")
    data = ("email,name,newsletters,consent,consented_at\r\n"
            "new1@example.com,New One,,,2026-03-01T09:30:00Z\r\n"
            "New2@Example.com,,daily cable-weekly,\"Ticked \"\"yes\"\" at the expo\",\r\n"
            "erin@example.org,,,,\r\n"
            "frank@example.org,,,,\r\n"
            "gina@example.org,,,,\r\n")
    sent = len(SINK.messages)
    s, h, b = upload(data, mode="optin", lists=("daily",), consent="Signed the 2026 expo list")
    eq(s, 200, "an opted-in list imports")
    contains(b, "Imported 5 rows", "the report counts the rows")
    eq(subs_of("new1@example.com"), {"daily": "active"}, "a new address is active at once")
    eq(subs_of("new2@example.com"), {"daily": "active", "cable-weekly": "active"},
       "addresses are lowercased, the newsletters column is used")
    r = sql(DB, "SELECT su.consent, su.created_at, s.name, s.confirmed_at FROM subscriptions su"
                " JOIN subscribers s ON s.id = su.subscriber_id WHERE s.email = 'new1@example.com'")
    eq(r[0][0], "Signed the 2026 expo list", "the form's statement is the consent record")
    eq(int(r[0][1]), 1772357400, "consented_at is the consent's time")
    eq(r[0][2], "New One", "the name is kept")
    ok(r[0][3] is not None and r[0][3] != "", "the address counts as confirmed")
    r = sql(DB, "SELECT DISTINCT su.consent FROM subscriptions su JOIN subscribers s"
                " ON s.id = su.subscriber_id WHERE s.email = 'new2@example.com'")
    eq(r, [('Ticked "yes" at the expo',)], "a consent column wins over the statement, per row")
    r = sql(DB, "SELECT su.consent FROM subscriptions su JOIN subscribers s"
                " ON s.id = su.subscriber_id WHERE s.email = 'erin@example.org'")
    eq(r, [("the original consent",)], "an active subscriber is left as it was")
    eq(subs_of("frank@example.org"), {"daily": "unsubscribed"},
       "an unsubscribed address is not signed up again")
    contains(b, "frank@example.org", "and the report names it")
    contains(b, "not signed up again", "saying why")
    eq(subs_of("gina@example.org"), {"daily": "active"},
       "a pending sign-up becomes active with the consent record")
    time.sleep(0.5)
    eq(len(SINK.messages), sent, "an opted-in import sends no email")
    s, h, b = get(LIST + "?q=new2")
    contains(b, "Ticked &quot;yes&quot; at the expo", "the list shows each consent")


def test_import_confirm():
    add_sub("hana@example.org", "optical-weekly", "active")
    data = "email\nivan@example.org\nhana@example.org\njade@example.org\n"
    s, h, b = upload(data, mode="confirm", lists=("optical-weekly",))
    eq(s, 200, "a list to confirm imports")
    contains(b, "confirmation emails on their way", "the report says emails are sent")
    eq(subs_of("ivan@example.org"), {"optical-weekly": "pending"}, "new rows are pending")
    eq(subs_of("hana@example.org"), {"optical-weekly": "active"}, "an active one stays active")
    r = sql(DB, "SELECT su.consent FROM subscriptions su JOIN subscribers s"
                " ON s.id = su.subscriber_id WHERE s.email = 'ivan@example.org'")
    ok(r and r[0][0].startswith("Imported by editor@example.com on ")
       and r[0][0].endswith("asked to confirm by email."),
       "without a consent text the record says who imported it and that it asked", r)
    t0 = time.time()
    while time.time() - t0 < 15 and not (SINK.to("ivan@example.org") and SINK.to("jade@example.org")):
        time.sleep(0.05)
    msgs = SINK.to("ivan@example.org")
    eq(len(msgs), 1, "each pending address gets the double opt-in email")
    eq(len(SINK.to("jade@example.org")), 1, "each of them")
    eq(len(SINK.to("hana@example.org")), 0, "the active one gets none")
    m = re.search(r"https://news\.example\.com(/newsletter/confirm/[^\s\"<>]+)", body_of(msgs[0]))
    ok(m, "with a confirmation link")
    if m:
        s, h, b = srv.request("GET", m.group(1))
        jar = "mh_csrf=" + cookies_of(h).get("mh_csrf", "")
        s, h, b = srv.request("POST", m.group(1), {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": jar},
            urllib.parse.urlencode({"csrf": form_token(b.decode())}))
        eq(s, 303, "following it confirms")
        eq(subs_of("ivan@example.org"), {"optical-weekly": "active"}, "and the row is active")


BAD_FILES = [
    ("no email column", "name,newsletters\nX,daily\n", 422, 1, "no &quot;email&quot; column"),
    ("an unknown column", "email,colour\na@example.com,red\n", 422, 1, "colour"),
    ("a column twice", "email,email\na@example.com,b@example.com\n", 422, 1, "twice"),
    ("not UTF-8", "email,name\na@example.com,Ren\xe9e\n".encode("latin-1"), 422, 2, "UTF-8"),
    ("an open quote", "email,name\na@example.com,\"never closed\n", 422, 2, "never closed"),
    ("a stray quote", "email,name\na@example.com,Re\"nee\n", 422, 2, "quote"),
    ("text after a quote", "email,name\n\"a@example.com\"x,R\n", 422, 2, "closing quote"),
    ("a NUL byte", b"email\na@exa\x00mple.com\n", 422, 2, "NUL"),
    ("an empty file", "", 422, 1, "empty"),
]


def test_import_bad_files():
    before = state()
    for what, data, status, line, why in BAD_FILES:
        s, h, b = upload(data, consent="consent on file")
        eq(s, status, "a file with %s: %d" % (what, status))
        ok(re.search(r"<td>%d</td><td></td><td>[^<]*%s" % (line, re.escape(why)), b),
           "the report gives line %d and the reason (%s)" % (line, why), b[-3000:])
    eq(state(), before, "none of them changed anything")


def test_import_bad_lines():
    before = state()
    data = ("email,newsletters,consent,consented_at\n"
            "ok1@example.com,,,\n"                                  # 2: fine
            "not-an-address,,,\n"                                   # 3
            "ok2@example.com,gossip,,\n"                            # 4
            "OK1@example.com,,,\n"                                  # 5: dup of 2
            "ok3@example.com,,\n"                                   # 6: 3 fields
            "ok4@example.com,,,yesterday\n"                         # 7
            "ok5@example.com,,,2099-01-01T00:00:00Z\n"              # 8
            "ok6@example.com,,\"two\nlines\",\n"                    # 9-10: fine
            "ok7@example.com,,,2026-02-30\n")                       # 11
    s, h, b = upload(data, consent="Signed up at the expo")
    eq(s, 422, "a file with bad lines: 422")
    contains(b, "Nothing is imported", "nothing is imported")
    for line, why in ((3, "not an email address"), (4, "unknown newsletter &quot;gossip&quot;"),
                      (5, "the same address as line 2"), (6, "3 fields where the header has 4"),
                      (7, "not a past time"), (8, "not a past time"), (11, "not a past time")):
        ok(re.search(r"<td>%d</td><td>[^<]*</td><td>[^<]*%s" % (line, re.escape(why)), b),
           "line %d: %s" % (line, why))
    for line in (2, 9, 10):
        ok("<td>%d</td>" % line not in b, "line %d is not reported" % line)
    eq(state(), before, "nothing changed")
    s, h, b = upload("email,consent\nc1@example.com,at the expo\nc2@example.com,\n", consent="")
    eq(s, 422, "opted in without a consent text for a row: 422")
    ok(re.search(r"<td>3</td><td>c2@example.com</td><td>no consent record", b),
       "the row without one is reported")
    s, h, b = upload("email\nok1@example.com\n", consent="c", lists=())
    eq(s, 422, "no newsletter in the form nor the file: 422")
    contains(b, "no newsletter", "with the reason")
    s, h, b = upload("email\nok1@example.com\n", consent="c", mode=None)
    eq(s, 422, "no opt-in choice: 422")
    contains(b, "already opted in", "the form asks for it")
    eq(upload("email\nok1@example.com\n", consent="c", lists=("gossip",))[0], 400,
       "an unknown newsletter in the form: 400")
    eq(upload("email\nok1@example.com\n", csrf=False)[0], 403, "no CSRF token: 403")
    eq(upload("email\nok1@example.com\n", csrf="forged")[0], 403, "a wrong one: 403")
    eq(upload("email\nok1@example.com\n", who="author")[0], 403, "an author may not import")
    eq(upload(None, consent="c")[0], 400, "a form without a file: 400")
    cookie, tok = sign_in("editor")
    eq(srv.request("POST", IMPORT, {"Cookie": cookie, "Content-Type":
                   "multipart/form-data; boundary=MhBoundary7"}, b"--MhBoundary7\r\nbroken")[0],
       400, "a cut multipart body: 400")
    eq(srv.request("POST", IMPORT, {"Cookie": cookie, "Content-Type":
                   "application/x-www-form-urlencoded"}, "csrf=" + tok)[0], 415,
       "a body that is not multipart: 415")
    many = "email\n" + "".join("m%d@example.com\n" % i for i in range(100001))
    s, h, b = upload(many, consent="c", timeout=120)
    eq(s, 413, "more than 100,000 rows: 413")
    contains(b, "split the file", "saying what to do")
    big = b"email\n" + b"x" * (10 * 1024 * 1024 + 100)
    s, h, b = upload(big, consent="c", timeout=120)
    eq(s, 413, "a file just over max_upload: 413")
    contains(b, "larger than the import takes", "with the reason")
    raw = srv.raw(("POST %s HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
                   "Content-Type: multipart/form-data; boundary=MhBoundary7\r\n"
                   "Content-Length: %d\r\n\r\n" % (IMPORT, cookie, 50 * 1024 * 1024)).encode())
    eq(status_of(raw), 413, "a body announced far over it: 413 before it is read")
    eq(state(), before, "nothing changed")


def export(slug):
    s, h, b = srv.request("GET", "/api/v1/admin/newsletters/%s/subscribers.csv" % slug,
                          {"Authorization": "Bearer " + TOKEN})
    return s, b


def test_round_trip():
    add_sub("=cmd@example.org", "5g-weekly", "active", consent="=HYPERLINK(\"x\")",
            at=1760000000)
    add_sub("plain@example.org", "5g-weekly", "active", consent="-- signed, at the booth",
            at=1760000100)
    add_sub("later@example.org", "5g-weekly", "pending", at=1760000200)
    add_sub("gone@example.org", "5g-weekly", "unsubscribed", at=1760000300)
    s, body = export("5g-weekly")
    eq(s, 200, "the export answers")
    ok(b"'=cmd@example.org" in body and b"'=HYPERLINK" in body,
       "the export escapes formulas")
    s, h, b = upload(body, mode="optin", lists=("cable-weekly",))
    eq(s, 200, "the export's own file imports as it is")
    contains(b, "pending in the file", "a pending row is not imported as opted in")
    contains(b, "unsubscribed in the file", "nor an unsubscribed one")
    eq(subs_of("=cmd@example.org").get("cable-weekly"), "active",
       "the escaped address is read back as the address")
    s, back = export("cable-weekly")
    a = {r[0]: r for r in csv.reader(io.StringIO(body.decode())) if r[1] == "active"}
    c = {r[0]: r for r in csv.reader(io.StringIO(back.decode()))}
    for email in ("'=cmd@example.org", "plain@example.org"):
        ok(email in c, "%s is in the other newsletter's export" % email)
        if email in c:
            eq((c[email][1], c[email][2], c[email][4]), (a[email][1], a[email][2], a[email][4]),
               "with the same status, consent and consent time")
    ok("'=cmd@example.org" in c and c["'=cmd@example.org"][2] == "'=HYPERLINK(\"x\")",
       "and the export still escapes the formula")
    ok("later@example.org" not in c and "gone@example.org" not in c,
       "the pending and unsubscribed rows stayed out")


def test_import_10000():
    rows = "".join("bulk%05d@example.com,Reader %d\r\n" % (i, i) for i in range(10000))
    data = ("email,name\r\n" + rows).encode()
    t0 = time.time()
    s, h, b = upload(data, lists=("daily", "cable-weekly"), consent="Opted in at sign-up",
                     timeout=300)
    took = time.time() - t0
    eq(s, 200, "10,000 rows import")
    m = re.search(r"Imported 10000 rows in (\d+) ms", b)
    ok(m, "the report says how long the import took")
    print("# 10,000 rows (20,000 sign-ups) imported on %s: %.2f s (the server's figure: %s ms)"
          % ("PostgreSQL" if is_pg(DB) else "SQLite", took, m.group(1) if m else "?"))
    n = sql(DB, "SELECT count(*) FROM subscriptions su JOIN subscribers s ON"
                " s.id = su.subscriber_id WHERE s.email LIKE 'bulk%@example.com'"
                " AND su.status = 'active'")[0][0]
    eq(int(n), 20000, "each row is active on both newsletters")
    t0 = time.time()
    s, h, b = get(LIST + "?q=bulk09999")
    eq(emails_on(b), ["bulk09999@example.com"], "the list finds one among them")
    s, h, b = get(LIST + "?n=cable-weekly&status=active")
    eq(len(emails_on(b)), 50, "a filtered page of 50")
    print("# two list pages over %s subscribers: %.3f s" % (
        sql(DB, "SELECT count(*) FROM subscribers")[0][0], time.time() - t0))


tests = [test_roles, test_search_filter_paging, test_actions, test_import_optin,
         test_import_confirm, test_import_bad_files, test_import_bad_lines, test_round_trip,
         test_import_10000]


def cleanup():
    rc = srv.stop()
    SINK.close()
    return rc


if __name__ == "__main__":
    run_tests(tests, cleanup=cleanup)
