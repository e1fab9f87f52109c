"""Newsletters (issue 8) end to end through a real SMTP server on loopback
(tests/http/smtpsink.py): double opt-in with a single-use confirmation
link, the welcome message, preferences and unsubscribing by the signed
link and by the RFC 8058 one-click POST, answers that never tell whether
an address is subscribed, bad tokens that change nothing, rate limits;
issues composed, previewed, tested and sent as a durable job to 10,000
subscribers with the server killed (SIGKILL) midway and restarted, each
subscriber getting exactly one copy; hard failures and bounces; the CSV
export with formula characters escaped."""
import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import tempfile
import time

from harness import BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql, is_pg
from smtpsink import SmtpSink, body_of

SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-newsletter-"))
PW = "correct horse battery staple"
ARGS = ["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
        "--real_ip_header", "X-Real-IP", "--base_url", "https://news.example.com"]
for role, email in (("editor", "ed@example.com"), ("member", "mem@example.com")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, email],
                   input=PW, text=True, check=True, capture_output=True)
TOKENS = {who: subprocess.run([BIN, "token", "add", "--db", DB, email], check=True,
                              capture_output=True, text=True).stdout.strip()
          for who, email in (("editor", "ed@example.com"), ("member", "mem@example.com"))}
SRV = Server(db=DB, args=ARGS)
BASE = "https://news.example.com"


# The body of a one-click unsubscribe (RFC 8058): List-Unsubscribe=One-Click.
ONE_CLICK = [("List-Unsubscribe", "One-Click")]


def reader(ip):
    """A reader's browser from its own address."""
    return Client(SRV, ip)


def signup(b, email, lists, consent="yes"):
    fields = [("email", email)] + [("n", n) for n in lists]
    if consent is not None:
        fields.append(("consent", consent))
    return b.post("/newsletter", fields, csrf_from="/newsletter")


def mails_to(addr, n, timeout=8):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = SINK.to(addr)
        if len(got) >= n:
            return got
        time.sleep(0.02)
    return SINK.to(addr)


def path_of(url):
    return url[len(BASE):] if url.startswith(BASE) else url


def link(msg, kind):
    m = re.search(r"https://news\.example\.com(/newsletter/%s/[^\s\"<>]+)" % kind,
                  body_of(msg))
    return m.group(1) if m else None


def sub_state(email):
    return {r[0]: r[1] for r in sql(DB, (
        "SELECT n.slug, su.status FROM subscriptions su"
        " JOIN subscribers s ON s.id = su.subscriber_id"
        " JOIN newsletters n ON n.id = su.newsletter_id WHERE s.email = ?"),
        (email,))}


def confirm(b, addr, lists, ip_msgs=1):
    s, h, page = signup(b, addr, lists)
    msgs = mails_to(addr, ip_msgs)
    url = link(msgs[-1], "confirm")
    s, h, page = b.get(url)
    s, h, page = b.post(url, [], csrf_from=url)
    return s, h, url


def test_signup_page():
    s, h, page = SRV.html("/newsletter")
    eq(s, 200, "/newsletter answers 200")
    for name in ("Light Reading Daily", "5G Weekly", "Cable Tech Weekly"):
        contains(page, name, "it offers %s" % name)
    contains(page, 'name="csrf"', "the form carries a CSRF token")
    contains(page, "I agree to receive", "and the consent text")
    s, h, page = SRV.html("/newsletter?email=pre%40example.org&n=cable-weekly")
    contains(page, 'value="pre@example.org"', "the email of the sidebar form is filled in")
    ok(re.search(r'value="cable-weekly" checked', page), "and ?n= ticks a newsletter")
    s, h, home = SRV.html("/")
    contains(home, 'action="/newsletter"', "the front page's Newsletter Signup block posts to /newsletter")
    s2, h2, home2 = SRV.html("/")
    eq(h2.get("x-cache"), "hit", "and the front page stays one cached page for everyone")
    s, h, art = SRV.html("/article/us-scraps-xiaomi-blacklisting")
    eq(art.count("Newsletter Signup") >= 3, True,
       "an article page shows Newsletter Signup in the menu, the header and the sidebar")
    ok('name="csrf"' not in art.split('class="block block-newsletter"')[1][:600]
       if 'class="block block-newsletter"' in art else False,
       "the sidebar block carries no per-reader token")


def test_double_opt_in():
    b = reader("10.1.0.1")
    addr = "reader.one@example.org"
    s, h, page = signup(b, "Reader.One@Example.org", ["daily", "5g-weekly"])
    eq(s, 200, "signing up answers 200")
    contains(page, "Check your email", "asking to check the inbox")
    eq(sub_state(addr), {"daily": "pending", "5g-weekly": "pending"},
       "two pending sign-ups, nothing active yet")
    rows = sql(DB, "SELECT consent, consent_ip FROM subscriptions su JOIN subscribers s"
               " ON s.id = su.subscriber_id WHERE s.email = ?", (addr,))
    ok(all("I agree to receive" in r[0] and r[1] == "10.1.0.1" for r in rows),
       "the consent text and the address it came from are stored with each sign-up", rows)
    msgs = mails_to(addr, 1)
    eq(len(msgs), 1, "one confirmation message arrives")
    m = msgs[0]
    contains(str(m["Subject"]), "Confirm your newsletters", "asking to confirm")
    contains(body_of(m), "Light Reading Daily, 5G Weekly", "naming the newsletters chosen")
    url = link(m, "confirm")
    ok(url, "with a confirmation link", body_of(m))
    contains(body_of(m, "html"), BASE + url, "in the HTML part too")
    tok = url.rsplit("/", 1)[1]
    hashes = [r[0] for r in sql(DB, "SELECT token_hash FROM subscriber_tokens")]
    ok(hashlib.sha256(tok.encode()).hexdigest() in hashes, "the database keeps the link's SHA-256")
    ok(all(tok not in str(r) for r in sql(DB, "SELECT * FROM subscriber_tokens")),
       "and never the token")
    s, h, page = b.get(url)
    eq(s, 200, "opening the link shows a page with a button")
    eq(h.get("referrer-policy"), "no-referrer", "which sends no Referer")
    eq(sub_state(addr)["daily"], "pending", "opening it (as a mail scanner would) confirms nothing")
    s, h, page = b.post(url, [])
    eq(s, 403, "confirming without the CSRF token is refused")
    s, h, page = b.post(url, [], csrf_from=url)
    eq(s, 303, "pressing the button confirms")
    ok("/newsletter/preferences/" in h.get("location", ""), "and leads to the preferences page")
    eq(sub_state(addr), {"daily": "active", "5g-weekly": "active"}, "both sign-ups are active")
    msgs = mails_to(addr, 2)
    eq(len(msgs), 2, "a welcome message follows")
    w = msgs[1]
    contains(str(w["Subject"]), "Welcome", "the welcome message says so")
    contains(body_of(w), "5G Weekly", "and lists the newsletters")
    ok(w["List-Unsubscribe"] and "/newsletter/unsubscribe/all/" in w["List-Unsubscribe"],
       "it carries List-Unsubscribe", w["List-Unsubscribe"])
    eq(w["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click", "and List-Unsubscribe-Post")
    ok(link(w, "preferences"), "and a link to the preferences page")
    s, h, page = b.post(url, [], csrf_from="/newsletter")
    eq(s, 410, "the confirmation link works once")
    sql(DB, "UPDATE subscriber_tokens SET expires_at = 1")
    b2 = reader("10.1.0.2")
    signup(b2, "late@example.org", ["daily"])
    url2 = link(mails_to("late@example.org", 1)[0], "confirm")
    sql(DB, "UPDATE subscriber_tokens SET expires_at = 1")
    s, h, page = b2.get(url2)
    eq(s, 410, "an expired link answers 410")
    eq(sub_state("late@example.org"), {"daily": "pending"}, "and confirms nothing")


def test_no_disclosure():
    b = reader("10.2.0.1")
    addr = "known@example.org"
    confirm(b, addr, ["daily"])
    before = len(mails_to(addr, 2))
    s1, h1, p1 = signup(reader("10.2.0.2"), addr, ["daily"])
    s2, h2, p2 = signup(reader("10.2.0.3"), "unknown@example.org", ["daily"])
    strip = lambda p: re.sub(r'name="csrf" value="[^"]*"', "", p)
    eq((s1, strip(p1)), (s2, strip(p2)),
       "signing up a subscribed address answers exactly as a new one")
    msgs = mails_to(addr, before + 1)
    eq(len(msgs), before + 1, "the subscribed address gets a message instead")
    eq(len(mails_to("unknown@example.org", 1)), 1, "as the new one gets its confirmation")
    contains(body_of(msgs[-1]), "already receives", "saying it already receives the newsletters")
    ok(link(msgs[-1], "preferences"), "with its preferences link")
    eq(sub_state(addr), {"daily": "active"}, "and nothing changed")


def test_bad_input():
    b = reader("10.3.0.1")
    eq(signup(b, "not-an-email", ["daily"])[0], 422, "a malformed address is 422")
    eq(signup(b, "x@example.org", [])[0], 422, "no newsletter chosen is 422")
    eq(signup(b, "x@example.org", ["gossip"])[0], 422, "an unknown newsletter is 422")
    eq(signup(b, "x@example.org", ["daily"], consent=None)[0], 422, "no consent is 422")
    eq(b.post("/newsletter", [("n", "daily")], csrf_from="/newsletter")[0], 400,
       "a form without an email is 400")
    eq(b.post("/newsletter", [("email", "x@example.org"), ("n", "daily"),
                              ("consent", "yes")])[0], 403, "no CSRF token is 403")
    eq(b.post("/newsletter", [], csrf_from="/newsletter",
              headers={"Content-Type": "text/plain"})[0], 415, "a text/plain body is 415")
    time.sleep(0.5)
    eq(sql(DB, "SELECT count(*) FROM subscribers WHERE email = 'x@example.org'")[0][0], 0,
       "none of them made a subscriber")
    eq(len(SINK.to("x@example.org")), 0, "nor sent anything")


def test_rate_limit():
    b = reader("10.4.0.1")
    codes = [signup(b, "rl@example.org", ["daily"])[0] for _ in range(6)]
    eq(codes[:5], [200] * 5, "five sign-ups of one address an hour are taken")
    s, h, page = signup(b, "rl@example.org", ["daily"])
    eq(s, 429, "the sixth is 429")
    ok(h.get("retry-after", "").isdigit(), "with Retry-After")
    b2 = reader("10.4.0.2")
    codes = [signup(b2, "rl%d@example.org" % i, ["daily"])[0] for i in range(21)]
    eq(codes[-1], 429, "the 21st sign-up from one client address in an hour is 429")


def test_preferences_and_unsubscribe():
    b = reader("10.5.0.1")
    addr = "prefs@example.org"
    confirm(b, addr, ["daily", "5g-weekly"])
    w = mails_to(addr, 2)[1]
    prefs = link(w, "preferences")
    s, h, page = b.get(prefs)
    eq(s, 200, "the preferences link opens without a password")
    contains(page, addr, "showing the address")
    ok(re.search(r'value="daily" checked', page) and
       re.search(r'value="5g-weekly" checked', page), "with its newsletters ticked")
    s, h, page = b.post(prefs, [("n", "cable-weekly"), ("n", "daily"), ("action", "save")])
    eq(s, 403, "saving without the CSRF token is refused")
    eq(sub_state(addr), {"daily": "active", "5g-weekly": "active"}, "and changes nothing")
    s, h, page = b.post(prefs, [("n", "cable-weekly"), ("n", "daily"), ("action", "save")],
                        csrf_from=prefs)
    eq(s, 303, "saving a new choice answers 303")
    eq(sub_state(addr), {"daily": "active", "5g-weekly": "unsubscribed",
                         "cable-weekly": "active"}, "the choice is what was ticked")
    eq(b.post(prefs, [("n", "gossip")], csrf_from=prefs)[0], 422,
       "an unknown newsletter is 422")
    eq(sub_state(addr)["daily"], "active", "and changes nothing")

    # One newsletter by the link (a page with a button), then by one-click.
    unsub_all = path_of(w["List-Unsubscribe"].strip("<>").split(">")[0])
    tok = unsub_all.rsplit("/", 1)[1]
    one = "/newsletter/unsubscribe/daily/" + tok
    s, h, page = b.get(one)
    eq(s, 200, "the unsubscribe link shows a page")
    eq(sub_state(addr)["daily"], "active", "opening it unsubscribes nothing")
    s, h, page = b.post(one, [("csrf", "")])
    eq(s, 200, "its button unsubscribes")
    eq(sub_state(addr)["daily"], "unsubscribed", "from that newsletter only")
    eq(sub_state(addr)["cable-weekly"], "active", "the others stay")
    s, h, page = reader("10.5.0.9").post(unsub_all, ONE_CLICK)
    eq(s, 200, "the one-click POST (RFC 8058), without cookies or CSRF token, answers 200")
    eq(set(sub_state(addr).values()), {"unsubscribed"}, "and unsubscribes from all")


def test_bad_tokens():
    b = reader("10.6.0.1")
    addr = "tok@example.org"
    confirm(b, addr, ["daily"])
    prefs = link(mails_to(addr, 2)[1], "preferences")
    tok = prefs.rsplit("/", 1)[1]
    sid, mac = tok.split(".")
    other = sql(DB, "SELECT id FROM subscribers WHERE email = 'reader.one@example.org'")
    forged = [
        "%s.%s" % (other[0][0] if other else 1, mac),       # another subscriber
        "%s.%s" % (sid, mac[:-1] + ("A" if mac[-1] != "A" else "B")),
        "%s.%s" % (sid, mac[:20]),
        "x" + tok, "99999999." + mac, tok + "x", "garbage",
    ]
    for bad in forged:
        s1 = b.get("/newsletter/preferences/" + bad)[0]
        s2 = b.post("/newsletter/preferences/" + bad, [("action", "all")],
                    csrf_from="/newsletter")[0]
        s3 = b.post("/newsletter/unsubscribe/all/" + bad, ONE_CLICK)[0]
        ok(s1 == s2 == s3 == 404, "a bad token %r is 404 everywhere" % bad[:24],
           (s1, s2, s3))
    eq(b.post("/newsletter/unsubscribe/gossip/" + tok, ONE_CLICK)[0],
       404, "an unknown newsletter in the unsubscribe URL is 404")
    eq(sub_state(addr), {"daily": "active"}, "none of them changed anything")
    eq(b.get("/newsletter/confirm/short")[0], 410, "a malformed confirmation link is 410")


def test_signed_in():
    b = reader("10.7.0.1")
    s = b.sign_in("mem@example.com", PW)
    eq(s, 303, "a member signs in")
    s, h, page = b.get("/newsletter")
    contains(page, 'value="mem@example.com"', "the form offers the account's address")
    s, h, page = signup(b, "mem@example.com", ["cable-weekly"])
    eq(s, 200, "signing up the account's own address answers 200")
    eq(sub_state("mem@example.com"), {"cable-weekly": "active"},
       "and needs no confirmation: the account's address is confirmed")
    msgs = mails_to("mem@example.com", 1)
    contains(str(msgs[0]["Subject"]), "Welcome", "a welcome message is sent")


def api(method, path, who="editor", body=None, srv=None):
    h = {}
    if who is not None:
        h["Authorization"] = "Bearer " + TOKENS[who]
    if body is not None:
        h["Content-Type"] = "application/json"
        body = body if isinstance(body, str) else json.dumps(body)
    s, hd, b = (srv or SRV).request(method, path, h, body)
    try:
        j = json.loads(b) if hd.get("content-type", "").startswith("application/json") else b
    except ValueError:
        j = b
    return s, hd, j


ISSUES = "/api/v1/admin/newsletters/%s/issues"


def wait_sent(slug, iid, srv=None, timeout=60):
    t0 = time.time()
    while time.time() - t0 < timeout:
        s, h, j = api("GET", ISSUES % slug + "/%d" % iid, srv=srv)
        if s == 200 and j["issue"]["status"] == "sent":
            return j["issue"]
        time.sleep(0.2)
    return api("GET", ISSUES % slug + "/%d" % iid, srv=srv)[2].get("issue")


def test_issue_compose_and_send():
    # A fresh 5G story: the next issue of 5G Weekly is pre-filled with it.
    s, h, j = api("POST", "/api/v1/admin/articles", body={
        "title": "Operators light up 5G standalone cores", "section": "5g",
        "dek": "Three networks switch over in one week.",
        "body_md": "A story for the newsletter."})
    eq(s, 201, "an editor writes a 5G story")
    aid = j["article"]["id"]
    eq(api("POST", "/api/v1/admin/articles/%d/publish" % aid)[0], 200, "and publishes it")
    s, h, j = api("POST", ISSUES % "cable-weekly", who="member")
    eq(s, 403, "a member may not compose an issue")
    s, h, j = api("POST", ISSUES % "cable-weekly", who=None)
    eq(s, 401, "nor may an anonymous client")
    eq(api("POST", ISSUES % "gossip")[0], 404, "an unknown newsletter is 404")
    s, h, j = api("POST", ISSUES % "5g-weekly")
    eq(s, 201, "an editor composes an issue of 5G Weekly")
    issue = j["issue"]
    iid = issue["id"]
    eq(h.get("location"), ISSUES % "5g-weekly" + "/%d" % iid, "Location names it")
    ok(aid in [a["id"] for a in issue["articles"]],
       "pre-filled with the 5G story published since the last issue", issue["articles"])
    ok(all(a["url"].startswith(BASE + "/article/") for a in issue["articles"]),
       "each with its URL")
    contains(issue["subject"], "5G Weekly", "the subject names the newsletter")
    eq(issue["status"], "draft", "it is a draft")
    s, h, j = api("PATCH", ISSUES % "5g-weekly" + "/%d" % iid,
                  body={"subject": "5G: cores go standalone", "intro": "Our pick of the week.",
                        "articles": [aid]})
    eq(s, 200, "the subject, introduction and stories are editable")
    eq((j["issue"]["subject"], j["issue"]["intro"], [a["id"] for a in j["issue"]["articles"]]),
       ("5G: cores go standalone", "Our pick of the week.", [aid]), "and kept")
    eq(api("PATCH", ISSUES % "5g-weekly" + "/%d" % iid, body={"articles": [99999999]})[0], 422,
       "a story that does not exist is 422")
    eq(api("PATCH", ISSUES % "5g-weekly" + "/%d" % iid, body={"colour": "red"})[0], 400,
       "an unknown field is 400")
    eq(api("PATCH", ISSUES % "5g-weekly" + "/%d" % iid, body={"subject": ""})[0], 422,
       "an empty subject is 422")
    eq(api("GET", ISSUES % "cable-weekly" + "/%d" % iid)[0], 404,
       "the issue is not found under another newsletter")
    eq(api("GET", ISSUES % "5g-weekly" + "/x")[0], 404, "nor under a malformed id")

    preview = "/admin/newsletters/5g-weekly/issues/%d/preview" % iid
    s, h, b = SRV.request("GET", preview, {"Authorization": "Bearer " + TOKENS["editor"]})
    eq(s, 200, "the preview is an HTML page for editors")
    ok(h.get("content-type", "").startswith("text/html"), "of type text/html")
    b = b.decode()
    contains(b, "Operators light up 5G standalone cores", "showing the stories")
    contains(b, "Our pick of the week.", "and the introduction")
    eq(SRV.request("GET", preview, {"Authorization": "Bearer " + TOKENS["member"]})[0], 403,
       "a member cannot preview")
    eq(SRV.get(preview)[0], 401, "nor can an anonymous reader")

    s, h, j = api("POST", ISSUES % "5g-weekly" + "/%d/test" % iid, body={"email": "desk@example.org"})
    eq(s, 202, "a test copy is queued")
    msgs = mails_to("desk@example.org", 1)
    eq(len(msgs), 1, "and arrives")
    eq(str(msgs[0]["Subject"]), "[Test] 5G: cores go standalone", "marked as a test")
    contains(body_of(msgs[0], "html"), "Operators light up 5G standalone cores", "with the stories")
    eq(api("POST", ISSUES % "5g-weekly" + "/%d/test" % iid, body={"email": "nope"})[0], 422,
       "a test to a malformed address is 422")
    eq(api("GET", ISSUES % "5g-weekly" + "/%d" % iid)[2]["issue"]["progress"]["sent"], 0,
       "a test copy is not a delivery")

    b1 = reader("10.8.0.1")
    confirm(b1, "issue.reader@example.org", ["5g-weekly"])
    active = sql(DB, "SELECT count(*) FROM subscriptions su JOIN newsletters n ON"
                 " n.id = su.newsletter_id WHERE n.slug = '5g-weekly' AND su.status = 'active'")[0][0]
    s, h, j = api("POST", ISSUES % "5g-weekly" + "/%d/send" % iid, body={"at": "2020-13-01T00:00:00Z"})
    eq(s, 422, "a malformed send time is 422")
    s, h, j = api("POST", ISSUES % "5g-weekly" + "/%d/send" % iid)
    eq(s, 202, "sending now answers 202")
    done = wait_sent("5g-weekly", iid)
    eq(done and done["status"], "sent", "the issue is sent")
    eq(done and done["progress"], {"total": active, "sent": active, "failed": 0, "remaining": 0},
       "to every active subscriber (%d), as the progress says" % active)
    eq(api("POST", ISSUES % "5g-weekly" + "/%d/send" % iid)[0], 409, "it cannot be sent twice")
    eq(api("PATCH", ISSUES % "5g-weekly" + "/%d" % iid, body={"intro": "x"})[0], 409,
       "nor edited once sent")
    msgs = [m for m in mails_to("issue.reader@example.org", 3)
            if str(m["Subject"]) == "5G: cores go standalone"]
    eq(len(msgs), 1, "the reader gets one copy")
    m = msgs[0]
    ok(m.is_multipart() and m.get_content_type() == "multipart/alternative",
       "multipart/alternative")
    contains(body_of(m), "Operators light up 5G standalone cores", "with a text part")
    contains(body_of(m, "html"), "<h2><a href=\"%s/article/" % BASE, "and an HTML part")
    lu = m["List-Unsubscribe"]
    ok(lu and lu.startswith("<" + BASE + "/newsletter/unsubscribe/5g-weekly/"),
       "List-Unsubscribe is the https URL of this newsletter's unsubscribe", lu)
    eq(m["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click", "with List-Unsubscribe-Post")
    art = re.search(r"%s(/article/[a-z0-9-]+)" % re.escape(BASE), body_of(m)).group(1)
    eq(SRV.get(art)[0], 200, "the story's link works")
    s, h, page = reader("10.8.0.2").post(path_of(lu.strip("<>")), ONE_CLICK)
    eq(s, 200, "the one-click unsubscribe of the issue answers 200")
    eq(sub_state("issue.reader@example.org"), {"5g-weekly": "unsubscribed"},
       "and the reader is off 5G Weekly")

    # Scheduled for later: nothing goes before its time.
    s, h, j = api("POST", ISSUES % "daily", body={"subject": "Later", "articles": [aid]})
    later = j["issue"]["id"]
    s, h, j = api("POST", ISSUES % "daily" + "/%d/send" % later, body={"at": "2031-01-01T06:00:00Z"})
    eq((s, j["issue"]["status"], j["issue"]["send_at"]), (202, "scheduled", "2031-01-01T06:00:00Z"),
       "an issue is scheduled for a time")
    time.sleep(1)
    eq(api("GET", ISSUES % "daily" + "/%d" % later)[2]["issue"]["progress"]["sent"], 0,
       "and nothing is sent before it")


def test_csv_export():
    for addr in ("=cmd@example.org", "+sum@example.org", "-minus@example.org"):
        eq(signup(reader("10.9.0.%d" % len(addr)), addr, ["optical-weekly"])[0], 200,
           "%s signs up" % addr)
    sql(DB, "INSERT INTO subscribers (email, created_at) VALUES ('@at@example.org', 1)")
    sql(DB, "INSERT INTO subscriptions (subscriber_id, newsletter_id, status, consent,"
            " consent_ip, created_at, updated_at) SELECT s.id, n.id, 'active', '=HYPERLINK(\"x\")',"
            " '', 1, 1 FROM subscribers s, newsletters n WHERE s.email = '@at@example.org'"
            " AND n.slug = 'optical-weekly'")
    path = "/api/v1/admin/newsletters/optical-weekly/subscribers.csv"
    eq(api("GET", path, who="member")[0], 403, "a member may not export subscribers")
    eq(api("GET", path, who=None)[0], 401, "nor may an anonymous client")
    eq(api("GET", "/api/v1/admin/newsletters/gossip/subscribers.csv")[0], 404,
       "an unknown newsletter is 404")
    s, h, body = api("GET", path)
    eq(s, 200, "an editor exports the subscribers")
    ok(h.get("content-type", "").startswith("text/csv"), "as text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    eq(rows[0][:3], ["email", "status", "consent"], "with a header row")
    emails = [r[0] for r in rows[1:]]
    for addr in ("=cmd@example.org", "+sum@example.org", "-minus@example.org", "@at@example.org"):
        ok("'" + addr in emails, "%s is exported as '%s (no formula)" % (addr, addr), emails)
    ok(any(r[2] == "'=HYPERLINK(\"x\")" for r in rows[1:]), "so is a consent text starting with =")
    ok(all(r[1] in ("pending", "active", "unsubscribed") for r in rows[1:]),
       "each row states the opt-in status")


BULK = 10000
KILL_AT = 3000


def test_send_killed_and_resumed():
    """An issue to 10,000 subscribers; the server is killed (SIGKILL) while
    it sends and started again: every subscriber gets exactly one copy.
    The rate is raised to its maximum and the mail server only counts
    copies per recipient, so the run is bound by the sender itself."""
    global SRV
    SRV.stop()
    others = sql(DB, "SELECT count(*) FROM subscriptions su JOIN newsletters n ON"
                     " n.id = su.newsletter_id WHERE n.slug = 'cable-weekly'"
                     " AND su.status = 'active'")[0][0]
    sql(DB, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)"
            " INSERT INTO subscribers (email, created_at, confirmed_at)"
            " SELECT 'bulk' || i || '@example.net', 1, 1 FROM k" % BULK)
    sql(DB, "INSERT INTO subscriptions (subscriber_id, newsletter_id, status, consent,"
            " consent_ip, created_at, updated_at) SELECT s.id, n.id, 'active', 'imported',"
            " '', 1, 1 FROM subscribers s, newsletters n WHERE n.slug = 'cable-weekly'"
            " AND s.email LIKE 'bulk%@example.net'")
    # Two addresses the mail server refuses (550); one has bounced twice before.
    SINK.refuse_rcpt.update({"bulk7@example.net", "bulk8@example.net"})
    sql(DB, "UPDATE subscribers SET bounces = 2 WHERE email = 'bulk8@example.net'")
    args = ARGS + ["--newsletter_rate", "10000"]
    srv = Server(db=DB, args=args)
    SRV = srv
    s, h, j = api("POST", ISSUES % "cable-weekly", body={"subject": "Cable at scale"})
    iid = j["issue"]["id"]
    killed = {}

    def on_count(n):
        if n == KILL_AT and not killed:
            # Before the 250 reaches it: the server dies waiting for it.
            os.kill(srv.proc.pid, signal.SIGKILL)
            killed["at"] = time.time()

    SINK.count_subject = "Cable at scale"
    SINK.on_count = on_count
    t0 = time.time()
    eq(api("POST", ISSUES % "cable-weekly" + "/%d/send" % iid)[0], 202,
       "an issue to %d subscribers is sent" % BULK)
    while not killed and time.time() - t0 < 120:
        time.sleep(0.05)
    ok(killed, "the server is killed with SIGKILL after %d copies" % KILL_AT)
    srv.proc.wait()
    srv.log.close()
    SINK.on_count = None
    t1 = time.time()
    srv2 = Server(db=DB, args=args)
    SRV = srv2
    s, h, j = api("GET", ISSUES % "cable-weekly" + "/%d" % iid)
    p = j["issue"]["progress"]
    ok(p["sent"] >= KILL_AT and p["remaining"] > 0 and j["issue"]["status"] == "sending",
       "after the restart the progress shows it midway (%d sent, %d remaining)" % (
           p["sent"], p["remaining"]), p)
    issue = wait_sent("cable-weekly", iid, timeout=300)
    t2 = time.time()
    eq(issue and issue["status"], "sent", "the restarted server finishes the issue")
    print("# %d copies on %s: %.1f s to the kill at %d, %.1f s from the restart"
          " to the last, %.1f s in all" % (BULK + others, "PostgreSQL" if is_pg(DB)
          else "SQLite", killed["at"] - t0, KILL_AT, t2 - t1, t2 - t0))
    got = dict(SINK.counts)
    SINK.count_subject = None
    bulk = {"bulk%d@example.net" % i for i in range(1, BULK + 1)} - SINK.refuse_rcpt
    eq(sorted(set(got.values())), [1], "no subscriber got two copies")
    eq(len(bulk - set(got)), 0, "every subscriber got one (%d of %d)" % (
        len(bulk & set(got)), len(bulk)))
    eq(issue and issue["progress"], {"total": BULK + others, "sent": BULK + others - 2,
                                     "failed": 2, "remaining": 0},
       "the progress counts %d sent and 2 hard failures" % (BULK + others - 2))
    errs = sql(DB, "SELECT error FROM newsletter_deliveries WHERE status = 'failed'"
                   " AND issue_id = ?", (iid,))
    ok(len(errs) == 2 and all("550" in str(e[0]) for e in errs),
       "each failure is recorded with the server's 550", errs)
    eq(sub_state("bulk8@example.net"), {"cable-weekly": "unsubscribed"},
       "the address that failed a third time is unsubscribed")
    eq(sub_state("bulk7@example.net"), {"cable-weekly": "active"},
       "one that failed once is not")
    contains(srv2.output(), "due again", "the restarted server took over the killed one's job")


tests = [test_signup_page, test_double_opt_in, test_no_disclosure, test_bad_input,
         test_rate_limit, test_preferences_and_unsubscribe, test_bad_tokens,
         test_signed_in, test_issue_compose_and_send, test_csv_export,
         test_send_killed_and_resumed]

def cleanup():
    rc = SRV.stop()
    SINK.close()
    return rc


if __name__ == "__main__":
    run_tests(tests, cleanup=cleanup)
