"""Newsletters in the newsroom (/admin/newsletters): who may use them;
making a newsletter and choosing its sections, with every bad form
refused and nothing changed; an issue pre-filled from the sections,
edited (stories left out, moved, added by slug or address), tried on one
address, scheduled in the site's time zone and taken back, then sent to
real subscribers through an SMTP server on loopback, each getting one
copy, with the progress shown; a sent issue cannot change."""
import datetime
import json
import re
import subprocess
import tempfile
import time
import zoneinfo

from harness import BIN, Client, Server, ok, eq, contains, run_tests, demo_db, sql
from smtpsink import SmtpSink, body_of

SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-nladmin-"))
PW = "correct horse battery staple"
ROLES = ("member", "contributor", "author", "editor", "admin")
for role in ROLES:
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "%s@example.com" % role],
                   input=PW, text=True, check=True, capture_output=True)
SRV = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                          "--real_ip_header", "X-Real-IP", "--newsletter_rate", "200",
                          "--base_url", "https://news.example.com"])
TZ = zoneinfo.ZoneInfo(sql(DB, "SELECT value FROM settings WHERE key = 'timezone'")[0][0])
CLIENTS = {}


def client(role):
    if role not in CLIENTS:
        c = Client(SRV, "10.7.0.%d" % (len(CLIENTS) + 1))
        s = c.sign_in("%s@example.com" % role, PW)
        assert s == 303, (role, s)
        CLIENTS[role] = c
    return CLIENTS[role]


def form(role, path, fields, page=None):
    """Posts fields with the CSRF token of page (the form's own page)."""
    return client(role).post(path, fields, csrf_from=page or "/admin/newsletters")


def newsletter(slug):
    rows = sql(DB, "SELECT id, name, description, position FROM newsletters WHERE slug = ?", (slug,))
    return rows[0] if rows else None


def sections_of(slug):
    return sorted(r[0] for r in sql(DB, (
        "SELECT s.slug FROM newsletter_sections ns JOIN sections s ON s.id = ns.section_id"
        " JOIN newsletters n ON n.id = ns.newsletter_id WHERE n.slug = ?"), (slug,)))


def issue(iid):
    r = sql(DB, "SELECT subject, intro, articles, status, send_at FROM newsletter_issues"
            " WHERE id = ?", (iid,))[0]
    return {"subject": r[0], "intro": r[1], "articles": json.loads(r[2]), "status": r[3],
            "send_at": r[4]}


def slug_of(aid):
    return sql(DB, "SELECT slug FROM articles WHERE id = ?", (aid,))[0][0]


def test_roles():
    s, h, b = SRV.get("/admin/newsletters")
    eq(s, 303, "signed out: /admin/newsletters sends to sign in")
    for role in ROLES:
        s, h, page = client(role).get("/admin/newsletters")
        want = 200 if role in ("editor", "admin") else 403
        eq(s, want, "%s: /admin/newsletters answers %d" % (role, want))
    s, h, page = client("author").post("/admin/newsletters/daily/issues", [],
                                       csrf_from="/admin/articles")
    eq(s, 403, "an author cannot start an issue")
    eq(sql(DB, "SELECT count(*) FROM newsletter_issues")[0][0], 0, "and none was made")
    s, h, page = client("editor").get("/admin/newsletters")
    for name in ("Light Reading Daily", "5G Weekly", "Cable Tech Weekly"):
        contains(page, name, "the list shows %s" % name)
    eq(h.get("cache-control"), "private, no-store", "the page is never stored by a cache")
    s, h, page = client("editor").get("/admin")
    contains(page, 'href="/admin/newsletters"', "the newsroom's menu links to it")


def test_make_a_newsletter():
    good = [("name", "Optical Networking Weekly"), ("slug", "optical-networking"),
            ("description", "Coherent optics and fiber builds."), ("position", "7"),
            ("section", "optical-ip"), ("section", "fttx")]
    s, h, b = client("editor").post("/admin/newsletters", good)
    eq(s, 403, "making one without the CSRF token: 403")
    for fields, want, what in (
            ([("slug", "x"), ("name", "")], 422, "without a name"),
            ([("slug", "Bad Slug"), ("name", "N")], 422, "with a malformed slug"),
            ([("slug", "all"), ("name", "N")], 422, "with the reserved slug all"),
            ([("slug", "ok-slug"), ("name", "N" * 101)], 422, "with a name too long"),
            ([("slug", "ok-slug"), ("name", "N"), ("position", "x")], 422, "with a bad position"),
            ([("slug", "ok-slug"), ("name", "N"), ("section", "no-such")], 422,
             "with an unknown section"),
            ([("slug", "daily"), ("name", "N")], 409, "with a slug taken")):
        s, h, page = form("editor", "/admin/newsletters", fields)
        eq(s, want, "making one %s: %d" % (what, want))
    eq(newsletter("ok-slug"), None, "none of them was made")
    eq(newsletter("daily")[1], "Light Reading Daily", "the taken slug's newsletter is unchanged")
    s, h, page = form("editor", "/admin/newsletters", good)
    eq(s, 303, "a good form makes it")
    eq(h.get("location"), "/admin/newsletters/optical-networking?done=1", "and goes to its page")
    row = newsletter("optical-networking")
    eq(row[1:], ("Optical Networking Weekly", "Coherent optics and fiber builds.", 7),
       "with its name, description and position")
    eq(sections_of("optical-networking"), ["fttx", "optical-ip"], "drawing from the sections ticked")
    s, h, page = SRV.html("/newsletter")
    contains(page, "Optical Networking Weekly", "readers can choose it at /newsletter")
    path = "/admin/newsletters/optical-networking"
    s, h, page = form("editor", path, [("name", "Optical Weekly"), ("section", "dci")], page=path)
    eq(s, 303, "its settings change")
    eq(newsletter("optical-networking")[1], "Optical Weekly", "the new name is kept")
    eq(sections_of("optical-networking"), ["dci"], "and the new sections")
    s, h, page = form("editor", path, [("name", "")], page=path)
    eq(s, 422, "a change without a name: 422")
    eq(newsletter("optical-networking")[1], "Optical Weekly", "and changes nothing")
    s, h, page = client("editor").get("/admin/newsletters/no-such")
    eq(s, 404, "an unknown newsletter: 404")


def start_issue(slug="daily"):
    s, h, page = form("editor", "/admin/newsletters/%s/issues" % slug, [])
    assert s == 303, s
    m = re.search(r"/issues/(\d+)\?done=new$", h["location"])
    return int(m.group(1)), h["location"].split("?")[0]


def test_compose():
    iid, path = start_issue()
    s, h, page = client("editor").get(path + "?done=new")
    eq(s, 200, "a new issue opens in the editor")
    contains(page, "filled with the stories", "saying it was filled in")
    first = issue(iid)
    ok(len(first["articles"]) > 3, "with stories from the sections", first["articles"])
    eq(first["status"], "draft", "as a draft")
    contains(page, 'href="/admin/newsletters/daily/issues/%d/preview"' % iid, "with a preview link")
    s, h, prev = client("editor").get("/admin/newsletters/daily/issues/%d/preview" % iid)
    eq(s, 200, "the preview opens")
    contains(prev, first["subject"], "showing the issue")
    a, b, c = first["articles"][:3]
    extra = sql(DB, "SELECT id, slug FROM articles WHERE status = 'published' ORDER BY published_at"
                " LIMIT 2")
    fields = [("subject", "Daily: the week in access"), ("intro", "Good morning. Three stories."),
              ("a", str(a)), ("p%d" % a, "3"), ("a", str(b)), ("p%d" % b, "1"),
              ("a", str(extra[0][0])), ("add", "https://news.example.com/article/%s" % extra[1][1]),
              ("action", "save")]
    s, h, page = form("editor", path, fields, page=path)
    eq(s, 303, "saving answers 303")
    got = issue(iid)
    eq(got["subject"], "Daily: the week in access", "the subject is saved")
    eq(got["intro"], "Good morning. Three stories.", "and the introduction")
    eq(got["articles"], [b, a, extra[0][0], extra[1][0]],
       "stories unticked are left out, numbers set the order, unnumbered ones and the added one follow")
    ok(c not in got["articles"], "the unticked story is gone")
    before = issue(iid)
    for fields, want, what in (
            ([("subject", ""), ("action", "save")], 422, "without a subject"),
            ([("subject", "S" * 301), ("action", "save")], 422, "with a subject too long"),
            ([("subject", "S"), ("intro", "i" * 5001), ("action", "save")], 422,
             "with an introduction too long"),
            ([("subject", "S"), ("add", "no-such-story"), ("action", "save")], 422,
             "adding a story that does not exist"),
            ([("subject", "S"), ("a", "999999"), ("action", "save")], 422,
             "with an id that is no published story"),
            ([("subject", "S"), ("a", "x"), ("action", "save")], 422, "with a malformed id"),
            ([("subject", "S"), ("a", str(a)), ("p%d" % a, "0"), ("action", "save")], 422,
             "with a place out of range"),
            ([("subject", "S"), ("a", str(a)), ("action", "launch")], 400, "naming no known action"),
            ([("subject", "S"), ("action", "send"), ("confirm_send", "yes")], 422,
             "sending with no story"),
            ([("subject", "S"), ("a", str(a)), ("action", "send")], 422,
             "sending without ticking the box"),
            ([("subject", "S"), ("a", str(a)), ("action", "send"), ("confirm_send", "no")], 422,
             "sending with the box's value wrong"),
            ([("subject", "S"), ("a", str(a)), ("action", "test"), ("test_email", "nope")], 422,
             "testing on a malformed address"),
            ([("subject", "S"), ("a", str(a)), ("action", "schedule"), ("at", "2020-01-01T09:00")],
             422, "scheduling in the past"),
            ([("subject", "S"), ("a", str(a)), ("action", "schedule"), ("at", "soon")], 422,
             "scheduling at a malformed time")):
        s, h, page = form("editor", path, fields, page=path)
        eq(s, want, "a form %s: %d" % (what, want))
    eq(issue(iid), before, "none of them changed the issue")
    s, h, page = client("editor").post(path, [("subject", "S"), ("action", "save")])
    eq(s, 403, "saving without the CSRF token: 403")
    s, h, page = client("editor").get("/admin/newsletters/5g-weekly/issues/%d" % iid)
    eq(s, 404, "the issue under another newsletter: 404")


def test_try_schedule_and_take_back():
    iid, path = start_issue("5g-weekly")
    aid = issue(iid)["articles"][0]
    n = len(SINK.to("proof@example.org"))
    s, h, page = form("editor", path, [("subject", "5G: proof"), ("a", str(aid)), ("action", "test"),
                                       ("test_email", "Proof@Example.org")], page=path)
    eq(s, 303, "a test send answers 303")
    t0 = time.time()
    while time.time() - t0 < 8 and len(SINK.to("proof@example.org")) == n:
        time.sleep(0.05)
    got = SINK.to("proof@example.org")[n:]
    eq(len(got), 1, "one test copy arrives")
    contains(str(got[0]["Subject"]), "5G: proof", "with the subject just saved")
    contains(body_of(got[0]), slug_of(aid), "and the story")
    eq(issue(iid)["status"], "draft", "the issue is still a draft")
    local = (datetime.datetime.now(TZ) + datetime.timedelta(days=2)).replace(
        hour=9, minute=30, second=0, microsecond=0)
    s, h, page = form("editor", path, [("subject", "5G: proof"), ("a", str(aid)),
                                       ("action", "schedule"),
                                       ("at", local.strftime("%Y-%m-%dT%H:%M"))], page=path)
    eq(s, 303, "scheduling answers 303")
    got = issue(iid)
    eq(got["status"], "scheduled", "the issue is scheduled")
    eq(got["send_at"], int(local.timestamp()), "at the time given, read in the site's time zone")
    eq(sql(DB, "SELECT count(*) FROM jobs WHERE kind = 'newsletter' AND run_at = ?",
           (int(local.timestamp()),))[0][0], 1, "with a job for that moment")
    s, h, page = client("editor").get(path)
    contains(page, "Goes out at", "the page says when it goes out")
    s, h, page = form("editor", path, [("subject", "5G: proof"), ("a", str(aid)),
                                       ("action", "unschedule")], page=path)
    eq(s, 303, "taking it back answers 303")
    eq(issue(iid)["status"], "draft", "it is a draft again")
    s, h, page = form("editor", path, [("subject", "5G"), ("a", str(aid)), ("action", "unschedule")],
                      page=path)
    eq(s, 409, "taking back a draft: 409")


def test_intro_paragraphs():
    iid, path = start_issue("daily")
    aid = sql(DB, "SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1")[0][0]
    intro = "Good morning.\r\nA second line of the first paragraph.\r\n\r\n \r\nA new paragraph <b>here</b>."
    n = len(SINK.to("paras@example.org"))
    s, h, page = form("editor", path, [("subject", "5G: paragraphs"), ("intro", intro),
                                       ("a", str(aid)), ("action", "test"),
                                       ("test_email", "paras@example.org")], page=path)
    eq(s, 303, "an issue with a two-paragraph introduction is tried on one address")
    s, h, prev = client("editor").get(path + "/preview")
    eq(s, 200, "the preview opens")
    contains(prev, "<p>Good morning.\r\nA second line of the first paragraph.</p>",
             "the preview's first paragraph keeps its two lines together")
    contains(prev, "<p>A new paragraph &lt;b&gt;here&lt;/b&gt;.</p>",
             "the blank line starts a second paragraph, its text escaped")
    eq(len(re.findall(r"<p>[^<]*(?:Good morning|A new paragraph)", prev)), 2,
       "two paragraphs, not one")
    t0 = time.time()
    while time.time() - t0 < 8 and len(SINK.to("paras@example.org")) == n:
        time.sleep(0.05)
    got = SINK.to("paras@example.org")[n:]
    eq(len(got), 1, "the test copy arrives")
    html = body_of(got[0], "html") if got else ""
    text = body_of(got[0]) if got else ""
    ok(re.search(r"<p>Good morning.\r?\nA second line of the first paragraph.</p>", html),
       "its HTML part has the first paragraph", html[:600])
    contains(html, "<p>A new paragraph &lt;b&gt;here&lt;/b&gt;.</p>", "and the second")
    ok(re.search(r"first paragraph.\r?\n[ \r\n]*\r?\nA new paragraph <b>here</b>.", text),
       "the text part keeps the blank line between them", text[:600])


def test_send():
    subs = ["reader%d@example.org" % i for i in range(25)]
    nid = newsletter("cable-weekly")[0]
    for i, addr in enumerate(subs):
        sql(DB, "INSERT INTO subscribers (email, created_at, confirmed_at) VALUES (?, 1, 1)", (addr,))
        sql(DB, "INSERT INTO subscriptions (subscriber_id, newsletter_id, status, consent,"
                " created_at, updated_at) SELECT id, ?, ?, 'yes', 1, 1 FROM subscribers"
                " WHERE email = ?", (nid, "active" if i < 20 else "unsubscribed", addr))
    s, h, page = client("editor").get("/admin/newsletters")
    ok(re.search(r"Cable Tech Weekly</a>.*?>20</a></td><td><a [^>]*>0</a></td><td><a [^>]*>5</a>",
                 page, re.S),
       "the list counts 20 active and 5 unsubscribed")
    iid, path = start_issue("cable-weekly")
    aid = sql(DB, "SELECT id FROM articles WHERE status = 'published' ORDER BY published_at DESC"
              " LIMIT 1")[0][0]
    s, h, page = form("editor", path, [("subject", "Cable: this week"), ("a", str(aid)),
                                       ("action", "send")], page=path)
    eq(s, 422, "sending without ticking the box: 422")
    contains(page, "(confirm_send)", "naming the field")
    eq(issue(iid)["status"], "draft", "and the issue stays a draft")
    s, h, page = client("editor").get(path)
    contains(page, '<input type="checkbox" name="confirm_send" value="yes" id="f-confirm-send">',
             "the form has the box to tick")
    contains(page, 'data-confirm="Send this issue', "and asks again with JavaScript")
    s, h, page = form("editor", path, [("subject", "Cable: this week"), ("a", str(aid)),
                                       ("action", "send"), ("confirm_send", "yes")], page=path)
    eq(s, 303, "sending answers 303")
    t0 = time.time()
    while time.time() - t0 < 20 and issue(iid)["status"] != "sent":
        time.sleep(0.1)
    eq(issue(iid)["status"], "sent", "the issue goes out")
    got = {a: len([m for m in SINK.to(a) if "Cable: this week" in str(m["Subject"])]) for a in subs}
    eq([a for a in subs[:20] if got[a] != 1], [], "every active subscriber gets exactly one copy")
    eq(sum(got[a] for a in subs[20:]), 0, "and no unsubscribed one gets any")
    s, h, page = client("editor").get(path)
    contains(page, "<strong>20</strong> sent", "the page shows 20 sent")
    contains(page, "Finished", "and that it finished")
    ok('name="action"' not in page, "with no form left to change it")
    before = issue(iid)
    s, h, page = form("editor", path, [("subject", "Changed"), ("a", str(aid)), ("action", "save")],
                      page="/admin/newsletters")
    eq(s, 409, "changing a sent issue: 409")
    eq(issue(iid), before, "and nothing changed")
    s, h, page = client("editor").get("/admin/newsletters/cable-weekly")
    contains(page, "Cable: this week", "the newsletter's page lists the issue")
    contains(page, 'href="/admin/newsletters/cable-weekly/subscribers.csv"', "and links its export")
    s, h, body = client("editor").get("/admin/newsletters/cable-weekly/subscribers.csv")
    eq(s, 200, "the export answers 200 to an editor")
    eq(h.get("content-type"), "text/csv; charset=utf-8", "as CSV")
    contains(h.get("content-disposition", ""), 'filename="cable-weekly-subscribers.csv"',
             "to save under the newsletter's name")
    eq(h.get("cache-control"), "private, no-store", "never kept by a cache")
    lines = body.strip().split("\r\n")
    eq(lines[0], "email,status,consent,consent_ip,signed_up_at,confirmed_at,updated_at",
       "its header names the columns")
    eq(len(lines) - 1, 25, "one row per sign-up, unsubscribed ones included")
    eq(client("author").get("/admin/newsletters/cable-weekly/subscribers.csv")[0], 403,
       "an author may not export")


if __name__ == "__main__":
    run_tests([test_roles, test_make_a_newsletter, test_compose, test_try_schedule_and_take_back,
               test_intro_paragraphs, test_send], cleanup=lambda: (SRV.stop(), SINK.close()))
