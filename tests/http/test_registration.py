"""Registering for events and webinars (docs/events.md): the agenda and
the small form on the cached page, the uncached form with its CSRF token
and custom questions, validation (4xx, nothing stored), duplicates,
capacity with a waitlist promoted when a reader cancels by the signed
link, many readers racing for the last seats through two instances,
closing time (409), the confirmation email with its .ics attachment
parsed by Python's email module, the recording of a past webinar shown
only through a signed personal link, the newsroom's list and CSV export
(formula cells escaped) and who may see them, and the agenda editor."""
import csv
import io
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from email import policy
from email.parser import BytesParser

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     form_token)
from smtpsink import SmtpSink, body_of

SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-registration-"))
PW = "a passphrase long enough"
BASE = "https://events.example.com"
ARGS = ["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
        "--real_ip_header", "X-Real-IP", "--base_url", BASE]
for role in ("member", "author", "editor"):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    role.title(), role + "@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
SRV = Server(db=DB, args=ARGS)
SRV2 = Server(db=DB, args=ARGS)
RECORDING = "https://video.example.com/recordings/odim-5g-infrastructure"


_ip = [0]


def new_browser(srv=SRV):
    _ip[0] += 1
    return Client(srv, "198.51.%d.%d" % (_ip[0] // 250, _ip[0] % 250 + 1))


def register(kind, slug, fields, b=None):
    """Posts the form with the reader's CSRF token (from the newsletter
    form: the anonymous token is the same on every form)."""
    b = b or new_browser()
    return b.post("/%s/%s/register" % (kind, slug), fields, csrf_from="/newsletter")


def person(email, name="Ada Reader", extra=()):
    return [("name", name), ("email", email), ("company", "Example Networks"),
            ("job_title", "Planner"), ("consent", "yes")] + list(extra)


def regs(where, arg):
    return sql(DB, "SELECT r.email, r.status FROM registrations r " + where +
               " ORDER BY r.id", (arg,))


def of_webinar(slug):
    return regs("JOIN webinars w ON w.id = r.webinar_id WHERE w.slug = ?", slug)


def of_event(slug):
    return regs("JOIN events e ON e.id = r.event_id WHERE e.slug = ?", slug)


def mail_to(addr, n=1, timeout=15):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = SINK.to(addr)
        if len(got) >= n:
            return got
        time.sleep(0.05)
    return SINK.to(addr)


def parsed(msg):
    """The message as Python's email module reads it from its raw bytes."""
    return BytesParser(policy=policy.default).parsebytes(msg.as_bytes())


def link(msg, pattern):
    m = re.search(re.escape(BASE) + pattern, body_of(msg))
    return m.group(0)[len(BASE):] if m else None


def webinar_id(slug):
    return sql(DB, "SELECT id FROM webinars WHERE slug = ?", (slug,))[0][0]


def event_id(slug):
    return sql(DB, "SELECT id FROM events WHERE slug = ?", (slug,))[0][0]


# --- The event page -------------------------------------------------------

def test_event_page():
    s, h, page = SRV.html("/events/sd-wan-digital-symposium")
    eq(s, 200, "an upcoming event's page answers")
    contains(page, '<h2 id="agenda-h">Agenda</h2>', "with its agenda")
    contains(page, "Times are New York time (EST).", "in the event's own time zone, as readers say it")
    contains(page, "11:10–11:50", "sessions with their times")
    contains(page, "Panel: SD-WAN meets SASE", "titles")
    contains(page, "Three operators and an analyst", "and speakers")
    contains(page, '<form method="post" action="/events/sd-wan-digital-symposium/register/start"',
             "and a form that posts name and email to open the registration form")
    ok('name="csrf"' not in page, "the shared page holds no CSRF token")
    s, h2, _ = SRV.html("/events/sd-wan-digital-symposium")
    ok(h2.get("etag") and "private" not in h2.get("cache-control", ""),
       "the page stays public and cached", h2)
    s, h, form = new_browser().post("/events/sd-wan-digital-symposium/register/start",
                                    [("name", "Ann"), ("email", "ann@example.org")])
    eq(s, 200, "the registration form answers the small form's POST")
    contains(form, 'name="csrf"', "with a CSRF token")
    contains(form, 'value="ann@example.org"', "prefilled from the small form")
    contains(form, '<form method="post" action="/events/sd-wan-digital-symposium/register"',
             "posting to the registration itself")
    contains(form, "How many branch sites does your network serve?", "asking the custom questions")
    contains(form, "250 of 250 seats left.", "and telling the seats left")
    ok("etag" not in h and "no-cache" in h.get("cache-control", ""),
       "the form is not cached", h)
    eq(sql(DB, "SELECT count(*) FROM registrations WHERE email = 'ann@example.org'")[0][0], 0,
       "opening the form stores nothing")
    s, h, form = new_browser().get("/events/sd-wan-digital-symposium/register?name=Ann&email=ann%40example.org")
    eq(s, 200, "the form still answers an old link with details in its address")
    ok("ann@example.org" not in form and 'value="Ann"' not in form,
       "but reads no personal detail from a URL")
    s, h, form = new_browser().post("/webinars/standalone-5g-first-year-lessons/register/start",
                                    [("name", "Ann"), ("email", "ann@example.org")])
    ok(s == 200 and 'value="ann@example.org"' in form, "a webinar's small form posts too", s)
    s, h, form = new_browser().post("/events/no-such-event/register/start",
                                    [("name", "Ann"), ("email", "ann@example.org")])
    eq(s, 404, "an unknown event's small form is 404")
    s, h, form = new_browser().post("/events/sd-wan-digital-symposium/register/start",
                                    [("name", "A\x01nn"), ("email", "ann@example.org")])
    eq(s, 422, "a control character in the small form is refused")
    b = new_browser()
    b.sign_in("member@example.com", PW)
    s, h, form = b.get("/events/sd-wan-digital-symposium/register")
    contains(form, 'value="member@example.com"', "a signed-in reader finds their email filled in")
    contains(form, 'value="Member"', "and their name")


# --- Registering ----------------------------------------------------------

WEB = "standalone-5g-first-year-lessons"


def test_register_webinar_and_email():
    s, h, b = register("webinars", WEB, person("ada@example.org", extra=[
        ("q1", "We run a standalone core"), ("q2", "yes")]))
    eq(s, 200, "a registration is taken")
    contains(b, "You are registered", "and confirmed")
    eq(of_webinar(WEB), [("ada@example.org", "confirmed")], "one confirmed row")
    row = sql(DB, "SELECT name, company, job_title, answers, consent, consent_ip "
              "FROM registrations WHERE email = 'ada@example.org'")[0]
    eq(row[:3], ("Ada Reader", "Example Networks", "Planner"), "with the reader's details")
    answers = json.loads(row[3])
    eq([a["a"] for a in answers], ["We run a standalone core", "yes"], "and the answers")
    contains(row[4], "I agree that the organisers keep the details", "the consent text is kept")
    ok(row[5].startswith("198.51."), "with the reader's address", row[5])
    m = mail_to("ada@example.org")
    eq(len(m), 1, "one confirmation email")
    msg = parsed(m[0])
    contains(msg["subject"], "You are registered", "saying so")
    eq(msg.get_content_type(), "multipart/mixed", "a mixed message")
    atts = list(msg.iter_attachments())
    eq(len(atts), 1, "with one attachment")
    att = atts[0]
    eq(att.get_content_type(), "text/calendar", "a calendar")
    eq(att.get_param("method"), "PUBLISH", "method=PUBLISH")
    eq(att.get_filename(), "webinar.ics", "named webinar.ics")
    ics = att.get_content()
    if isinstance(ics, bytes):
        ics = ics.decode()
    contains(ics, "BEGIN:VEVENT", "holding an event")
    contains(ics, "SUMMARY:Standalone 5G: Lessons From the First Year in Service", "this webinar")
    contains(ics, "URL:%s/webinars/%s" % (BASE, WEB), "with its address")
    contains(body_of(msg), "confirmed", "the text part says it is confirmed")
    start = int(sql(DB, "SELECT starts_at FROM webinars WHERE slug = ?", (WEB,))[0][0])
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    lt = time.localtime(start)
    when = "%s %d, %d, %d:%02d %s %s" % (time.strftime("%B", lt), lt.tm_mday, lt.tm_year,
                                        lt.tm_hour % 12 or 12, lt.tm_min,
                                        "AM" if lt.tm_hour < 12 else "PM", time.strftime("%Z", lt))
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()
    contains(body_of(msg), "(%s)" % when, "the letter gives the start time in the site's zone")
    s, h, page = SRV.html("/webinars/" + WEB)
    contains(page, ">%s</time> · 60 minutes · Online" % when, "and so does the webinar's page")
    s, h, page = SRV.html("/webinars")
    contains(page, ">%s</time>" % when, "and the list of webinars")
    s, h, page = SRV.html("/search")
    side = re.search(r'<section class="block block-webinars">(.*?)</section>', page, re.S)
    ok(side and re.search(r'>%s</time> <a href="[^"]*/webinars/%s">' % (re.escape(when), WEB),
                          side.group(1)),
       "and the sidebar's Upcoming Webinars", side.group(1) if side else page[-2000:])
    contains(body_of(msg, "html"), "<a href=", "and the HTML part has the links")
    ok(link(msg, r"/webinars/%s/watch/[0-9]+\.[A-Za-z0-9_-]{43}" % WEB),
       "with a personal link to watch", body_of(msg))
    ok(link(msg, r"/registrations/[0-9]+\.[A-Za-z0-9_-]{43}"), "and one to cancel")


JOIN_URL = "https://live.example.com/join/standalone-5g-first-year-lessons"


def test_join_link():
    """A confirmed reader's signed link to the live session: it says when
    it opens, lets them in from 15 minutes before the start until the
    end, and after points to the recording; a forged or borrowed token
    is refused."""
    m = mail_to("ada@example.org")
    msg = parsed(m[0])
    join = link(msg, r"/webinars/%s/join/[0-9]+\.[A-Za-z0-9_-]{43}" % WEB)
    ok(join, "the confirmation email has a personal link to join", body_of(msg))
    contains(body_of(msg), "15 minutes before the start", "saying when it opens")
    manage = link(msg, r"/registrations/[0-9]+\.[A-Za-z0-9_-]{43}")
    watch = link(msg, r"/webinars/%s/watch/[0-9]+\.[A-Za-z0-9_-]{43}" % WEB)
    s, h, page = new_browser().get(manage)
    contains(page, 'class="button join-link" href="%s%s"' % (BASE, join),
             "the registration page has the same link")
    b = new_browser()
    s, h, page = b.get(join)
    eq(s, 200, "before the window the link answers")
    contains(page, "The webinar has not opened yet", "saying it has not opened")
    ok(re.search(r"Your link opens on \w+ \d+, \d{4} at \d+:\d\d (AM|PM) [A-Z]{3,4}", page),
       "and when it opens", page[-800:])
    ok("private" in h.get("cache-control", "") or "no-store" in h.get("cache-control", ""),
       "privately", h.get("cache-control"))
    ok(JOIN_URL not in page, "without giving the address away early")
    eq(b.get(join[:-1] + ("A" if join[-1] != "A" else "B"))[0], 404, "a forged token is 404")
    eq(b.get(watch.replace("/watch/", "/join/"))[0], 404, "the watch token does not open the session")
    eq(b.get(join.replace(WEB, "securing-the-distributed-edge"))[0], 404,
       "nor does the link on another webinar")
    wid = webinar_id(WEB)
    start, url = sql(DB, "SELECT starts_at, join_url FROM webinars WHERE id = ?", (wid,))[0]
    try:
        sql(DB, "UPDATE webinars SET starts_at = ? WHERE id = ?", (int(time.time()) + 600, wid))
        s, h, page = b.get(join)
        eq((s, h.get("location")), (303, JOIN_URL), "in the window it takes the reader in")
        sql(DB, "UPDATE webinars SET join_url = '' WHERE id = ?", (wid,))
        s, h, page = b.get(join)
        ok(s == 200 and "The link to join is not ready" in page,
           "without an address yet it says so", s)
        sql(DB, "UPDATE webinars SET starts_at = ? WHERE id = ?", (int(time.time()) - 7200, wid))
        s, h, page = b.get(join)
        ok(s == 410 and "This webinar has ended" in page and "/webinars/%s/watch/" % WEB in page,
           "after the end it is 410 and points to the recording", s)
    finally:
        sql(DB, "UPDATE webinars SET starts_at = ?, join_url = ? WHERE id = ?", (start, url, wid))
    rid = sql(DB, "SELECT id FROM registrations WHERE email = 'ada@example.org'")[0][0]
    sql(DB, "UPDATE registrations SET status = 'waitlisted' WHERE id = ?", (rid,))
    try:
        s, h, page = b.get(join)
        ok(s == 403 and "waitlist" in page, "a reader on the waitlist is not let in", s)
    finally:
        sql(DB, "UPDATE registrations SET status = 'confirmed' WHERE id = ?", (rid,))


def test_validation():
    slug = "scte-distributed-access-in-practice"
    before = sql(DB, "SELECT count(*) FROM registrations")[0][0]
    cases = (
        ("no name", [("email", "v@example.org"), ("consent", "yes"), ("q1", "x")]),
        ("a bad email", person("not-an-address", extra=[("q1", "x")])),
        ("no answer to a required question", person("v@example.org")),
        ("no consent", [p for p in person("v@example.org", extra=[("q1", "x")])
                        if p[0] != "consent"]),
        ("a name too long", person("v@example.org", name="n" * 201, extra=[("q1", "x")])),
        ("an answer too long", person("v@example.org", extra=[("q1", "y" * 1001)])),
    )
    for what, fields in cases:
        s, h, b = register("webinars", slug, fields)
        eq(s, 422, "%s: 422" % what)
        contains(b, 'class="form-error"', "%s: said in the form" % what)
    s, h, b = register("webinars", slug, person("v@example.org", extra=[("q1", "")]))
    contains(b, "Your cable operator or vendor", "the refused form names the question")
    contains(b, 'value="Example Networks"', "and keeps what the reader typed")
    b = new_browser()
    s, h, _ = b.post("/webinars/%s/register" % slug, person("v@example.org", extra=[("q1", "x")]))
    eq(s, 403, "no CSRF token: 403")
    s, h, _ = register("webinars", "no-such-webinar", person("v@example.org"))
    eq(s, 404, "an unknown webinar: 404")
    eq(sql(DB, "SELECT count(*) FROM registrations")[0][0], before, "nothing was stored")
    eq(len(SINK.to("v@example.org")), 0, "nor sent")


def test_duplicate():
    slug = "securing-the-distributed-edge"
    s, h, b = register("webinars", slug, person("twice@example.org"))
    eq(s, 200, "a first registration")
    s, h, b = register("webinars", slug, person("Twice@Example.org", name="Again"))
    eq(s, 409, "the same address again: 409")
    contains(b, "already registered", "with a clear answer")
    eq(of_webinar(slug), [("twice@example.org", "confirmed")], "and no second row")
    mail_to("twice@example.org")
    time.sleep(0.3)
    eq(len(SINK.to("twice@example.org")), 1, "and no second email")


def test_capacity_waitlist_promotion():
    slug = "scte-distributed-access-in-practice"
    for i in range(1, 5):
        s, h, b = register("webinars", slug, person("cap%d@example.org" % i,
                                                    extra=[("q1", "Operator %d" % i)]))
        eq(s, 200, "registration %d is taken" % i)
        if i == 4:
            contains(b, "You are on the waitlist", "the fourth is told it waits")
    eq([r[1] for r in of_webinar(slug)], ["confirmed"] * 3 + ["waitlisted"],
       "three seats, then the waitlist")
    s, h, form = new_browser().get("/webinars/%s/register" % slug)
    contains(form, "Fully booked", "the form says it is full")
    w = parsed(mail_to("cap4@example.org")[0])
    contains(w["subject"], "waitlist", "the waitlisted reader is told by email")
    eq(len(list(w.iter_attachments())), 0, "without a calendar file")
    first = parsed(mail_to("cap1@example.org")[0])
    manage = link(first, r"/registrations/[0-9]+\.[A-Za-z0-9_-]{43}")
    forged = manage[:-3] + ("AAA" if not manage.endswith("AAA") else "BBB")
    b = new_browser()
    s, h, page = b.get(forged)
    eq(s, 404, "a forged cancel link: 404")
    s, h, _ = b.post(forged + "/cancel", [], csrf_from=manage)
    eq(s, 404, "and cancels nothing")
    s, h, page = b.get(manage)
    eq(s, 200, "the cancel link opens the registration")
    contains(page, "Status: confirmed.", "showing its state")
    s, h, _ = b.post(manage + "/cancel", [])
    eq(s, 403, "cancelling needs the CSRF token")
    s, h, _ = b.post(manage + "/cancel", [], csrf_from=manage)
    eq(s, 303, "cancelling answers a redirect")
    s, h, page = b.get(h["location"])
    contains(page, "Your registration is cancelled.", "to a page that says so")
    eq([r[1] for r in of_webinar(slug)], ["cancelled", "confirmed", "confirmed", "confirmed"],
       "the first on the waitlist takes the seat")
    p = mail_to("cap4@example.org", 2)
    eq(len(p), 2, "the promoted reader gets a second email")
    p = parsed(p[1])
    contains(p["subject"], "A seat is yours", "saying the seat is theirs")
    eq(len(list(p.iter_attachments())), 1, "with the calendar file")
    s, h, _ = b.post(manage + "/cancel", [], csrf_from="/newsletter")
    eq(s, 303, "cancelling twice is harmless")
    eq([r[1] for r in of_webinar(slug)].count("confirmed"), 3, "and frees no second seat")
    s, h, b2 = register("webinars", slug, person("cap1@example.org", extra=[("q1", "Back")]))
    contains(b2, "You are on the waitlist", "a cancelled reader may register again, in turn")


def test_last_seat_race():
    slug = "ai-for-network-operations"
    wid = webinar_id(slug)
    sql(DB, "UPDATE webinars SET capacity = 5 WHERE id = ?", (wid,))
    n = 24
    browsers = [new_browser(SRV if i % 2 == 0 else SRV2) for i in range(n)]
    tokens = [b.csrf("/webinars/%s/register" % slug) for b in browsers]
    results = [None] * n
    gate = threading.Barrier(n)

    def go(i):
        gate.wait()
        results[i] = browsers[i].post("/webinars/%s/register" % slug,
                                      person("race%d@example.org" % i) + [("csrf", tokens[i])])[0]

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    eq(results, [200] * n, "%d readers racing through two instances are all answered" % n)
    statuses = [r[1] for r in of_webinar(slug)]
    eq(statuses.count("confirmed"), 5, "exactly the capacity is confirmed")
    eq(statuses.count("waitlisted"), n - 5, "every other reader waits")
    # The last seat, freed and raced for: exactly one of two gets it.
    sql(DB, "UPDATE webinars SET capacity = 6 WHERE id = ?", (wid,))
    pair = [new_browser(SRV), new_browser(SRV2)]
    toks = [b.csrf("/webinars/%s/register" % slug) for b in pair]
    gate2 = threading.Barrier(2)
    got = [None, None]

    def last(i):
        gate2.wait()
        got[i] = pair[i].post("/webinars/%s/register" % slug,
                              person("last%d@example.org" % i) + [("csrf", toks[i])])[2]

    ts = [threading.Thread(target=last, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    eq(sorted("You are registered" in g for g in got), [False, True],
       "two instances, one last seat: exactly one gets it")
    eq([r[1] for r in of_webinar(slug)].count("confirmed"), 6, "and the count holds")


def test_closing_time():
    slug = "open-ran-digital-symposium"
    sql(DB, "UPDATE events SET reg_closes_at = ? WHERE slug = ?", (int(time.time()) - 60, slug))
    s, h, page = SRV.html("/events/" + slug)
    eq(s, 200, "a closed event's page answers")
    contains(page, "Registration closed", "saying registration is closed")
    ok("/register\" class=\"form register-start\"" not in page, "without the form")
    s, h, form = new_browser().get("/events/%s/register" % slug)
    contains(form, "Registration closed", "the form page says it too")
    s, h, b = register("events", slug, person("late@example.org"))
    eq(s, 409, "a registration after the closing time: 409")
    eq(of_event(slug), [], "and nothing is stored")
    s, h, page = SRV.html("/events/optical-networking-digital-symposium-2021")
    contains(page, "Registration closed", "a past event is closed (at its end, by default)")


def test_on_demand_gating():
    slug = "odim-simplifying-distributed-infrastructure-management-5g"
    s, h, page = SRV.html("/webinars/" + slug)
    eq(s, 200, "a past webinar's page answers")
    contains(page, "Watch on demand", "offering it on demand")
    ok(RECORDING not in page, "the recording's address is not on the public page")
    eq(sql(DB, "SELECT recording_url FROM webinars WHERE slug = ?", (slug,))[0][0], RECORDING,
       "though the webinar has one")
    for path in ("/api/v1/webinars/" + slug, "/api/v1/webinars?past=1",
                 "/api/v1/webinars", "/webinars/%s.ics" % slug, "/webinars/archive"):
        s, h, b = SRV.get(path)
        ok(RECORDING.encode() not in b, "nor in " + path)
    s, h, doc = SRV.json("/api/v1/webinars/" + slug)
    eq(doc["webinar"].get("has_recording"), True, "the API says a recording exists")
    ok("recording_url" not in doc["webinar"], "without giving it")
    s, h, b = register("webinars", slug, person("late-viewer@example.org",
                                                extra=[("q1", "Operations")]))
    eq(s, 200, "registering after the live date is possible")
    m = parsed(mail_to("late-viewer@example.org")[0])
    watch = link(m, r"/webinars/%s/watch/[0-9]+\.[A-Za-z0-9_-]{43}" % slug)
    ok(watch, "the email carries the watch link", body_of(m))
    contains(body_of(m), "Watch the recording", "to the recording")
    b = new_browser()
    s, h, page = b.get(watch)
    eq(s, 200, "the signed link opens")
    contains(page, RECORDING, "and shows the recording")
    contains(h.get("cache-control", ""), "no-store", "never cached")
    forged = watch[:-4] + ("AAAA" if not watch.endswith("AAAA") else "BBBB")
    eq(b.get(forged)[0], 404, "a forged link: 404")
    eq(b.get(re.sub(r"/watch/[0-9]+\.", "/watch/999999.", watch))[0], 404,
       "another registration's number: 404")
    manage = link(m, r"/registrations/[0-9]+\.[A-Za-z0-9_-]{43}")
    tok = manage.rsplit("/", 1)[1]
    eq(b.get("/webinars/%s/watch/%s" % (slug, tok))[0], 404,
       "the cancel link's token does not open the recording")
    eq(b.get(watch.replace(slug, "pivoting-to-addressable-ads-pay-tv"))[0], 404,
       "nor another webinar's page")
    b.post(manage + "/cancel", [], csrf_from=manage)
    eq(b.get(watch)[0], 403, "a cancelled registration no longer watches")


def test_recording_ready_note():
    slug = "pivoting-to-addressable-ads-pay-tv"
    wid = webinar_id(slug)
    sql(DB, "UPDATE webinars SET reg_closes_at = ? WHERE id = ?", (int(time.time()) + 3600, wid))
    s, h, b = register("webinars", slug, person("early@example.org"))
    eq(s, 200, "a reader registers for a past webinar without a recording")
    mail_to("early@example.org")
    ed = login("editor")
    s, h, page = ed.get("/admin/webinars/%d" % wid)
    f = {}
    for name in ("title", "slug", "series", "starts", "duration_min", "capacity",
                 "reg_closes"):
        m = re.search(r'name="%s" value="([^"]*)"' % name, page)
        f[name] = m.group(1).replace("&amp;", "&") if m else ""
    f.update(summary="A talk.", body_md="A talk.", sponsor_id="0", questions="",
             recording_url="https://video.example.com/recordings/addressable",
             csrf=form_token(page))
    s, h, b = ed.post("/admin/webinars/%d" % wid, list(f.items()))
    eq(s, 303, "the editor adds the recording")
    got = mail_to("early@example.org", 2)
    eq(len(got), 2, "the registered reader is told")
    m = parsed(got[1])
    contains(m["subject"], "The recording is ready", "that the recording is ready")
    watch = link(m, r"/webinars/%s/watch/[0-9]+\.[A-Za-z0-9_-]{43}" % slug)
    s, h, page = new_browser().get(watch)
    contains(page, "https://video.example.com/recordings/addressable", "and the link shows it")
    s, h, b = ed.post("/admin/webinars/%d" % wid, list(dict(
        f, csrf=ed.csrf("/admin/webinars/%d" % wid),
        recording_url="https://video.example.com/recordings/addressable-v2").items()))
    eq(s, 303, "changing the recording later")
    time.sleep(1)
    eq(len(SINK.to("early@example.org")), 2, "sends no second note")


def login(who):
    b = new_browser()
    if who:
        b.sign_in(who + "@example.com", PW)
    return b


def test_newsroom_list_csv_roles():
    slug = "private-5g-for-manufacturing"
    wid = webinar_id(slug)
    evil = [("name", "=HYPERLINK(\"http://x\")"), ("email", "csv@example.org"),
            ("company", "+1 Networks"), ("job_title", "@boss"), ("consent", "yes")]
    sql(DB, "UPDATE webinars SET questions = ? WHERE id = ?",
        ("Favourite band*\nAnything else?", wid))
    s, h, b = register("webinars", slug, evil + [("q1", "-2+3"), ("q2", " Tabbed")])
    eq(s, 200, "a registration with formula-like fields is taken")
    base = "/admin/webinars/%d/registrations" % wid
    for who, want in ((None, 303), ("member", 403), ("author", 403)):
        s, h, _ = login(who).get(base)
        eq(s, want, "%s: the list answers %d" % (who or "anonymous", want))
        s, h, _ = login(who).get(base + ".csv")
        eq(s, want, "%s: the CSV answers %d" % (who or "anonymous", want))
    ed = login("editor")
    s, h, page = ed.get(base)
    eq(s, 200, "an editor sees the registrations")
    contains(page, "csv@example.org", "listing the reader")
    contains(page, 'class="n-confirmed">1</strong> (no limit)', "with counts against the capacity")
    s, h, body = ed.get(base + ".csv")
    eq(s, 200, "and exports them")
    contains(h.get("content-type", ""), "text/csv", "as CSV")
    rows = list(csv.reader(io.StringIO(body)))
    eq(rows[0], ["name", "email", "company", "job_title", "status", "registered_at",
                 "consent", "consent_ip", "Favourite band", "Anything else?"],
       "with a header row, a column per question")
    row = [r for r in rows if r[1] == "csv@example.org"][0]
    eq(row[0], "'=HYPERLINK(\"http://x\")", "a formula name is escaped")
    eq(row[2], "'+1 Networks", "so is a company starting with +")
    eq(row[3], "'@boss", "and a job title starting with @")
    eq(row[4], "confirmed", "the status")
    contains(row[6], "I agree that the organisers", "the consent text")
    eq(row[8:], ["'-2+3", "Tabbed"], "and the answers, a formula-like one escaped")
    ok(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row[5]), "with the time", row[5])


def editor_fields(page):
    """The event editor's fields as the page has them."""
    f = {}
    for name in ("name", "slug", "starts", "ends", "timezone", "venue", "url"):
        m = re.search(r'name="%s" value="([^"]*)"' % name, page)
        f[name] = m.group(1).replace("&amp;", "&") if m else ""
    f["kind"] = re.search(r'<option value="([a-z-]+)" selected', page).group(1)
    f["attendance"] = re.search(r'name="attendance" value="([a-z-]+)"[^>]* checked',
                                page).group(1)
    f["sponsor_id"] = "0"
    f["summary"] = f["body_md"] = "An event."
    f["csrf"] = form_token(page)
    return f


def test_agenda_editor():
    slug = "big-5g-event"
    eid = event_id(slug)
    ed = login("editor")
    s, h, page = ed.get("/admin/events/%d" % eid)
    eq(s, 200, "the event editor answers")
    contains(page, 'name="agenda"', "with an agenda box")
    contains(page, 'name="capacity"', "and the registration settings")
    f = editor_fields(page)
    for what, agenda in (("a line without times", "Keynote | Someone"),
                         ("a session ending before it starts", "2026-05-12 10:00-09:00 | Keynote"),
                         ("a session without a title", "2026-05-12 09:00-09:30"),
                         ("an hour 25", "2026-05-12 25:00-26:00 | Late")):
        s, h, b = ed.post("/admin/events/%d" % eid, list(dict(f, agenda=agenda).items()))
        eq(s, 422, "%s: 422" % what)
        contains(b, agenda.split("|")[0].strip(), "%s: the form is kept" % what)
    eq(sql(DB, "SELECT count(*) FROM event_sessions WHERE event_id = ?", (eid,))[0][0], 0,
       "nothing was saved")
    s, h, b = ed.post("/admin/events/%d" % eid, list(dict(f, capacity="abc").items()))
    eq(s, 422, "a capacity that is not a number: 422")
    agenda = ("2026-05-12 09:00-09:45 | Opening keynote | Chief engineer\n"
              "2026-05-12 10:00-10:30 | Radio panel | Two vendors | Where the next "
              "sites go.\n\n2026-05-13 09:00-09:30 | Day two opens\n")
    s, h, b = ed.post("/admin/events/%d" % eid, list(dict(
        f, agenda=agenda, capacity="2", questions="Your company size*").items()))
    eq(s, 303, "a good agenda is saved")
    s, h, page = SRV.html("/events/" + slug)
    contains(page, "Opening keynote", "the public page shows it at once")
    contains(page, "Where the next sites go.", "with descriptions")
    contains(page, "Day two opens", "and the second day")
    eq(page.count('class="agenda-day"'), 2, "under two day headings")
    s, h, page = ed.get("/admin/events/%d" % eid)
    contains(page, "2026-05-12 10:00-10:30 | Radio panel | Two vendors | Where the next sites go.",
             "the editor shows the agenda as it was typed")
    s, h, form = new_browser().get("/events/%s/register" % slug)
    contains(form, "Your company size", "the new question is asked")
    contains(form, "2 of 2 seats left.", "with the new capacity")
    s, h, b = ed.post("/admin/events/%d" % eid, list(dict(
        f, agenda="", capacity="", questions="\n".join("q%d" % i for i in range(11))).items()))
    eq(s, 422, "eleven questions: 422")


def test_capacity_raised_seats_the_waitlist():
    slug = "asia-tech-digital-symposium"
    eid = event_id(slug)
    ed = login("editor")
    s, h, page = ed.get("/admin/events/%d" % eid)
    f = editor_fields(page)
    s, h, b = ed.post("/admin/events/%d" % eid, list(dict(f, capacity="1").items()))
    eq(s, 303, "the event gets one seat")
    for i in range(1, 4):
        register("events", slug, person("raise%d@example.org" % i))
    eq([r[1] for r in of_event(slug)], ["confirmed", "waitlisted", "waitlisted"],
       "one seat taken, two readers waiting")
    s, h, b = ed.post("/admin/events/%d" % eid, list(dict(f, capacity="2").items()))
    eq(s, 303, "the editor raises the capacity to two")
    eq([r[1] for r in of_event(slug)], ["confirmed", "confirmed", "waitlisted"],
       "the first reader waiting takes the new seat at once")
    got = [parsed(m)["subject"] for m in mail_to("raise2@example.org", 2)]
    ok(any("A seat is yours" in x for x in got), "and is told by email", got)
    eq(len([m for m in SINK.to("raise3@example.org")]), 1,
       "the next one only has the waitlist email")
    s, h, b = ed.post("/admin/events/%d" % eid, list(dict(f, capacity="").items()))
    eq(s, 303, "the editor lifts the limit")
    eq([r[1] for r in of_event(slug)], ["confirmed"] * 3, "everyone waiting is seated")


def cleanup():
    SRV2.stop()
    SINK.close()
    return SRV.stop()


run_tests([test_event_page, test_register_webinar_and_email, test_join_link, test_validation,
           test_duplicate, test_capacity_waitlist_promotion,
           test_capacity_raised_seats_the_waitlist, test_last_seat_race,
           test_closing_time, test_on_demand_gating, test_recording_ready_note,
           test_newsroom_list_csv_roles,
           test_agenda_editor], cleanup)
