"""Webhooks: an admin registers a URL for events in /admin/webhooks and a
receiver started here (http.server on a free loopback port) records what
masthead sends.  Publishing a story gives one delivery whose signature
verifies; a receiver answering 500 is tried again (webhook_retry 1 makes
the back-off a second) and then succeeds; bad input (a bad URL, no event,
an unknown event, a non-admin, no CSRF token) is refused with its 4xx and
stores nothing; a delivery is resent, a webhook pinged, paused and
deleted; and with webhook_private off a loopback URL is refused."""
import hashlib
import hmac
import http.server
import json
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse

from harness import (BIN, Server, Client, Newsroom, ok, eq, contains, run_tests,
                     demo_db, sql, free_port)

PW = "a passphrase long enough"


class Receiver:
    """A loopback HTTP server that answers POSTs with the statuses queued
    in answers (then 200) and keeps (headers, body) of each."""

    def __init__(self):
        self.got, self.answers, self.lock = [], [], threading.Lock()
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with rec.lock:
                    rec.got.append(({k.lower(): v for k, v in self.headers.items()},
                                    body, self.path))
                    code = rec.answers.pop(0) if rec.answers else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.port = free_port()
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def wait(self, n, limit=8):
        t0 = time.time()
        while time.time() - t0 < limit:
            with self.lock:
                if len(self.got) >= n:
                    return list(self.got)
            time.sleep(0.05)
        with self.lock:
            return list(self.got)


def make_db(d):
    db = demo_db(d)
    for who, role in (("admin", "admin"), ("editor", "editor"), ("reader", "member")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        who.title(), who + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    token = subprocess.run([BIN, "token", "add", "--db", db, "admin@example.com"],
                           check=True, capture_output=True, text=True).stdout.strip()
    return db, token


DB, TOKEN = make_db(tempfile.mkdtemp(prefix="masthead-webhooks-"))
BASE = "https://news.example.com"
srv = Server(["--webhook_private", "1", "--webhook_retry", "1", "--base_url", BASE], db=DB)
NR = Newsroom(srv, PW)
RX = Receiver()
HOOK = {}


def add_hook(nr, who, url, events, csrf=True):
    """Posts the add form with events as repeated fields."""
    fields = [("url", url)] + [("events", e) for e in events]
    if csrf:
        fields.append(("csrf", nr.session(who)[1]))
    return nr.post("/admin/webhooks", who, urllib.parse.urlencode(fields))


def api(method, path, body=None):
    return srv.api(TOKEN, method, path, body)


def deliveries(db=DB):
    return sql(db, "SELECT id, event, status, attempts, last_code FROM deliveries"
               " WHERE kind = 'webhook'"
               " ORDER BY id")


def settle(pred, limit=5):
    t0 = time.time()
    while time.time() - t0 < limit:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return pred()


def verify(headers, body, secret):
    ts = headers.get("masthead-webhook-timestamp", "")
    mac = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return headers.get("masthead-webhook-signature") == "v1=" + mac and \
        abs(time.time() - int(ts or 0)) < 300


def test_register_and_publish():
    s, h, b = add_hook(NR, "admin", RX.url(), ["story.published", "story.unpublished"])
    eq(s, 201, "an admin registers a webhook (201)")
    m = re.search(r'id="new-secret">(whsec_[0-9a-f]{64})<', b)
    ok(m is not None, "its secret is shown once on the answer")
    HOOK["secret"] = m.group(1) if m else ""
    rows = sql(DB, "SELECT id, url, events, active FROM webhooks")
    eq(len(rows), 1, "one webhook is stored")
    HOOK["id"] = rows[0][0]
    eq(rows[0][2], "story.published story.unpublished", "with the events asked for")
    s, j = api("POST", "/api/v1/admin/articles",
               {"title": "Webhooks reach the newsroom", "section": "africa"})
    aid = j["article"]["id"]
    HOOK["article"] = aid
    eq(len(RX.wait(1, 1.5)), 0, "a draft is not news to the webhook")
    s, j = api("POST", "/api/v1/admin/articles/%d/publish" % aid)
    eq(s, 200, "the story is published")
    got = RX.wait(1)
    eq(len(got), 1, "the receiver got one delivery")
    if not got:
        return
    headers, body, path = got[0]
    eq(path, "/hook", "at the URL registered")
    eq(headers.get("content-type"), "application/json", "as JSON")
    eq(headers.get("masthead-webhook-event"), "story.published", "Masthead-Webhook-Event")
    ok(verify(headers, body, HOOK["secret"]), "the signature verifies with the secret",
       headers)
    ok(not verify(headers, body + b" ", HOOK["secret"]), "and not over another body")
    p = json.loads(body)
    eq(p["event"], "story.published", "the body names the event")
    eq(p["data"]["id"], aid, "and the story")
    eq(p["data"]["url"], BASE + "/article/" + p["data"]["slug"], "with its URL")
    eq(headers.get("masthead-webhook-id"), p["id"], "Masthead-Webhook-Id is the event's id")
    rows = settle(lambda: [r for r in deliveries() if r[2] == "ok"])
    eq([(r[1], r[2], r[3], r[4]) for r in rows], [("story.published", "ok", 1, 200)],
       "the log shows one delivery, ok on the first try with 200")
    s, h, b = NR.get("/admin/webhooks", "admin")
    eq(s, 200, "the newsroom page lists it")
    contains(b, RX.url(), "with the URL")
    contains(b, "story.published", "and the delivery")


def test_retry_after_500():
    n = len(RX.wait(0, 0))
    with RX.lock:
        RX.answers[:] = [500]
    s, j = api("POST", "/api/v1/admin/articles/%d/unpublish" % HOOK["article"])
    eq(s, 200, "the story is unpublished")
    got = RX.wait(n + 2, 10)
    eq(len(got) - n, 2, "the receiver answering 500 is tried again")
    if len(got) - n == 2:
        ok(all(verify(g[0], g[1], HOOK["secret"]) for g in got[n:]),
           "each try is signed afresh")
        eq(got[n][0]["masthead-webhook-id"], got[n + 1][0]["masthead-webhook-id"],
           "with the same event id")
    rows = settle(lambda: [r for r in deliveries() if r[1] == "story.unpublished"
                           and r[2] == "ok"])
    eq([(r[2], r[3], r[4]) for r in rows], [("ok", 2, 200)],
       "the delivery succeeds on its second try")
    s, h, b = NR.get("/admin/webhooks", "admin")
    contains(b, "<td>200 </td>", "the newsroom's log shows the answer's code")


def test_bad_input():
    before = sql(DB, "SELECT COUNT(*) FROM webhooks")[0][0]
    cases = [
        ("ftp://127.0.0.1/x", ["story.published"], "admin", True, 422, "a non-http URL"),
        ("not a url", ["story.published"], "admin", True, 422, "a malformed URL"),
        ("http://user:pw@127.0.0.1:%d/x" % RX.port, ["story.published"], "admin", True,
         422, "a URL with a password"),
        (RX.url(), [], "admin", True, 422, "no event"),
        (RX.url(), ["story.deleted"], "admin", True, 422, "an unknown event"),
        (RX.url(), ["story.published"], "editor", True, 403, "an editor (not admin)"),
        (RX.url(), ["story.published"], "admin", False, 403, "no CSRF token"),
    ]
    for url, events, who, csrf, want, name in cases:
        s, h, b = add_hook(NR, who, url, events, csrf)
        eq(s, want, "%s is refused (%d)" % (name, want))
    eq(sql(DB, "SELECT COUNT(*) FROM webhooks")[0][0], before, "and nothing is stored")
    eq(NR.get("/admin/webhooks", "editor")[0], 403, "an editor may not see the page")
    eq(NR.get("/admin/webhooks")[0] in (302, 303, 401, 403), True,
       "nor may a visitor")
    n = len(deliveries())
    s, j = api("POST", "/api/v1/admin/articles/999999/publish")
    eq(s, 404, "publishing a story that does not exist fails")
    eq(len(deliveries()), n, "and queues no delivery")
    eq(NR.post("/admin/webhook-deliveries/999999/resend", "admin", {})[0], 404,
       "resending no delivery is 404")
    eq(NR.post("/admin/webhooks/999999/pause", "admin", {})[0], 404,
       "pausing no webhook is 404")


def test_resend_ping_pause_delete():
    first = deliveries()[0]
    n = len(RX.wait(0, 0))
    s, h, b = NR.post("/admin/webhook-deliveries/%d/resend" % first[0], "admin", {})
    eq(s, 303, "a delivery is resent")
    got = RX.wait(n + 1)
    eq(len(got) - n, 1, "the receiver gets it again")
    if len(got) > n:
        eq(got[n][0].get("masthead-webhook-event"), "story.published", "the same event")
    settle(lambda: sql(DB, "SELECT status FROM deliveries WHERE id = ?",
                       (first[0],))[0][0] == "ok")
    eq(sql(DB, "SELECT status, attempts FROM deliveries WHERE id = ?",
           (first[0],))[0], ("ok", 1), "counted from its first try again")
    s, h, b = NR.post("/admin/webhooks/%d/ping" % HOOK["id"], "admin", {})
    eq(s, 303, "a test ping is sent")
    got = RX.wait(n + 2)
    ok(len(got) >= n + 2 and got[n + 1][0].get("masthead-webhook-event") == "ping" and
       verify(got[n + 1][0], got[n + 1][1], HOOK["secret"]),
       "the receiver gets a signed ping")
    eq(NR.post("/admin/webhooks/%d/pause" % HOOK["id"], "admin", {})[0], 303, "paused")
    eq(sql(DB, "SELECT active FROM webhooks WHERE id = ?", (HOOK["id"],))[0][0], 0,
       "the webhook is paused")
    before = len(deliveries())
    s, j = api("POST", "/api/v1/admin/articles/%d/publish" % HOOK["article"])
    eq(s, 200, "the story is published again")
    time.sleep(1)
    eq(len(deliveries()), before, "a paused webhook gets no delivery")
    eq(NR.post("/admin/webhooks/%d/resume" % HOOK["id"], "admin", {})[0], 303, "resumed")
    eq(NR.post("/admin/webhooks/%d/delete" % HOOK["id"], "admin", {})[0], 303, "deleted")
    eq(sql(DB, "SELECT COUNT(*) FROM webhooks")[0][0], 0, "the webhook is gone")
    eq(len(deliveries()), 0, "with its delivery log")


def test_reader_events():
    s, h, b = add_hook(NR, "admin", RX.url("/readers"),
                       ["comment.posted", "subscriber.confirmed", "registration.made"])
    eq(s, 201, "a webhook for the readers' events")
    m = re.search(r'id="new-secret">(whsec_[0-9a-f]{64})<', b)
    secret = m.group(1) if m else ""
    n = len(RX.wait(0, 0))
    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (HOOK["article"],))[0][0]
    s, h, b = NR.post("/article/%s/comment" % slug, "reader",
                      {"body": "A reader's thoughts on webhooks."})
    eq(s, 303, "a reader posts a comment")
    got = RX.wait(n + 1)
    p = json.loads(got[n][1]) if len(got) > n else {}
    eq(p.get("event"), "comment.posted", "comment.posted is delivered")
    ok(len(got) > n and verify(got[n][0], got[n][1], secret), "signed")
    eq(p.get("data", {}).get("story"), {"id": HOOK["article"],
                                        "url": BASE + "/article/" + slug}, "naming the story")
    ok(str(p.get("data", {}).get("url", "")).startswith(BASE + "/comments/"),
       "and the comment's page", p)
    ok(b"thoughts" not in (got[n][1] if len(got) > n else b"thoughts") and
       b"reader@" not in got[n][1], "without the comment's text or its author", p)
    nl = sql(DB, "SELECT slug FROM newsletters ORDER BY id LIMIT 1")[0][0]
    s, h, b = NR.post("/newsletter", "reader", {"email": "reader@example.com", "n": nl,
                                                 "consent": "yes"})
    ok(s in (200, 303), "the signed-in reader subscribes (confirmed at once)", s)
    got = RX.wait(n + 2)
    p = json.loads(got[n + 1][1]) if len(got) > n + 1 else {}
    eq(p.get("event"), "subscriber.confirmed", "subscriber.confirmed is delivered")
    ok(len(got) > n + 1 and b"@" not in got[n + 1][1], "without the address", p)
    c = Client(srv, "198.51.100.7")
    s, h, b = c.post("/webinars/standalone-5g-first-year-lessons/register",
                     [("name", "Ada Reader"), ("email", "ada@example.org"),
                      ("company", "Example Networks"), ("job_title", "Planner"),
                      ("consent", "yes"), ("q1", "A standalone core"), ("q2", "yes")],
                     csrf_from="/newsletter")
    eq(s, 200, "a reader registers for a webinar")
    got = RX.wait(n + 3)
    p = json.loads(got[n + 2][1]) if len(got) > n + 2 else {}
    eq(p.get("event"), "registration.made", "registration.made is delivered")
    eq(p.get("data", {}).get("kind"), "webinar", "naming the kind")
    ok(len(got) > n + 2 and b"ada@example" not in got[n + 2][1].lower() and
       b"ada reader" not in got[n + 2][1].lower() and
       b"Example Networks" not in got[n + 2][1], "without who registered", p)


def test_private_addresses_refused():
    db, _ = make_db(tempfile.mkdtemp(prefix="masthead-webhooks-"))
    other = Server(db=db)
    try:
        nr = Newsroom(other, PW)
        for url in (RX.url(), "http://localhost:%d/x" % RX.port, "http://[::1]/x",
                    "http://10.0.0.1/x", "http://169.254.169.254/latest"):
            s, h, b = add_hook(nr, "admin", url, ["story.published"])
            eq(s, 422, "without webhook_private, %s is refused (422)" % url)
        contains(b, "private address", "saying why")
        eq(sql(db, "SELECT COUNT(*) FROM webhooks")[0][0], 0, "and nothing is stored")
    finally:
        other.stop()


if __name__ == "__main__":
    run_tests([test_register_and_publish, test_retry_after_500, test_bad_input,
               test_resend_ping_pause_delete, test_reader_events,
               test_private_addresses_refused],
              cleanup=srv.stop)
