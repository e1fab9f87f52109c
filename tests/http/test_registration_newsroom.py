"""The newsroom's registrations (docs/newsroom.md): the CSV export with a
column per custom question, the letter a reader gets on cancelling, an
editor cancelling a registration (the reader told, the waitlist moved
up) and moving one to another event or webinar of the same kind (its
capacity respected, the reader told the new details), with the roles,
the CSRF token and bad input refused with nothing changed; and the
Cancel and Move buttons clicked in headless Chromium
(MASTHEAD_SCREENSHOTS=DIR keeps a screenshot of the list there)."""
import csv
import io
import json
import os
import re
import subprocess
import tempfile
import time
from email import policy
from email.parser import BytesParser

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     browser)
from smtpsink import SmtpSink, body_of

MODULES, CHROMIUM = browser()
MOD = os.path.join(MODULES, "playwright-core")
SINK = SmtpSink()
D = tempfile.mkdtemp(prefix="masthead-regs-newsroom-")
DB = demo_db(D)
PW = "a passphrase long enough"
BASE = "https://events.example.com"
for role in ("member", "author", "editor"):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    role.title(), role + "@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
SRV = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                          "--real_ip_header", "X-Real-IP", "--base_url", BASE])
_ip = [0]


def new_browser():
    _ip[0] += 1
    return Client(SRV, "203.0.%d.%d" % (_ip[0] // 250, _ip[0] % 250 + 1))


def login(who):
    b = new_browser()
    if who:
        b.sign_in(who + "@example.com", PW)
    return b


def register(kind, slug, email, extra=()):
    fields = [("name", "Reader " + email.split("@")[0]), ("email", email),
              ("company", "Example Networks"), ("job_title", "Planner"),
              ("consent", "yes")] + list(extra)
    s, h, b = new_browser().post("/%s/%s/register" % (kind, slug), fields,
                                 csrf_from="/newsletter")
    eq(s, 200, "%s registers for %s" % (email, slug))
    return b


def mail_to(addr, n=1, timeout=15):
    t0 = time.time()
    while time.time() - t0 < timeout and len(SINK.to(addr)) < n:
        time.sleep(0.05)
    return [BytesParser(policy=policy.default).parsebytes(m.as_bytes())
            for m in SINK.to(addr)]


def event_id(slug):
    return sql(DB, "SELECT id FROM events WHERE slug = ?", (slug,))[0][0]


def webinar_id(slug):
    return sql(DB, "SELECT id FROM webinars WHERE slug = ?", (slug,))[0][0]


def reg_of(email):
    """(id, event_id, webinar_id, status) of each registration of email
    (None for the id it has not, on either engine)."""
    return [(i, int(e) if e not in (None, "") else None,
             int(w) if w not in (None, "") else None, st)
            for i, e, w, st in sql(DB, "SELECT id, event_id, webinar_id, status"
                                   " FROM registrations WHERE email = ? ORDER BY id", (email,))]


def test_csv_question_columns():
    slug = "fttp-build-economics"
    wid = webinar_id(slug)
    sql(DB, "UPDATE webinars SET questions = ? WHERE id = ?",
        ("Company size*\nAnything else?\n=SUM(A1) label", wid))
    register("webinars", slug, "one@example.org", [("q1", "50"), ("q3", "=1+2")])
    register("webinars", slug, "two@example.org", [("q1", "9000"), ("q2", "Yes, \"quotes\", commas")])
    # A question the form no longer asks keeps its own column after the others.
    sql(DB, "UPDATE webinars SET questions = ? WHERE id = ?",
        ("Anything else?\nCompany size*\n=SUM(A1) label", wid))
    s, h, body = login("editor").get("/admin/webinars/%d/registrations.csv" % wid)
    eq(s, 200, "the export answers")
    rows = list(csv.reader(io.StringIO(body)))
    eq(rows[0], ["name", "email", "company", "job_title", "status", "registered_at",
                 "consent", "consent_ip", "Anything else?", "Company size",
                 "'=SUM(A1) label"],
       "one column per question, in the form's order, the label formula-safe")
    one = [r for r in rows if r[1] == "one@example.org"][0]
    two = [r for r in rows if r[1] == "two@example.org"][0]
    eq(one[8:], ["", "50", "'=1+2"], "each answer in its question's column, escaped")
    eq(two[8:], ["Yes, \"quotes\", commas", "9000", ""], "quotes and commas survive")
    ok(all(len(r) == 11 for r in rows), "every row has every column")
    sql(DB, "UPDATE webinars SET questions = '' WHERE id = ?", (wid,))
    s, h, body = login("editor").get("/admin/webinars/%d/registrations.csv" % wid)
    rows = list(csv.reader(io.StringIO(body)))
    eq(rows[0][8:], ["Company size", "Anything else?", "=SUM(A1) label".join(["'", ""])],
       "questions since dropped still export their answers")


def test_reader_cancel_letter():
    slug = "5g-orchestration-service-assurance-digital-symposium"
    register("events", slug, "leaver@example.org")
    first = mail_to("leaver@example.org")[0]
    m = re.search(re.escape(BASE) + r"(/registrations/[0-9]+\.[A-Za-z0-9_-]{43})", body_of(first))
    manage = m.group(1)
    b = new_browser()
    s, h, _ = b.post(manage + "/cancel", [], csrf_from=manage)
    eq(s, 303, "the reader cancels with the signed link")
    got = mail_to("leaver@example.org", 2)
    eq(len(got), 2, "and gets a second email")
    contains(got[1]["subject"], "Your registration is cancelled", "saying it is cancelled")
    contains(body_of(got[1]), "5G Orchestration", "naming the event")
    eq(len(list(got[1].iter_attachments())), 0, "with no calendar file")
    ok("/registrations/" not in body_of(got[1]), "and no link to cancel again")
    s, h, _ = b.post(manage + "/cancel", [], csrf_from="/newsletter")
    eq(s, 303, "cancelling again is harmless")
    time.sleep(1.5)
    eq(len(SINK.to("leaver@example.org")), 2, "and sends no second cancellation")


def test_editor_cancel():
    slug = "asia-tech-digital-symposium"
    eid = event_id(slug)
    sql(DB, "UPDATE events SET capacity = 1 WHERE id = ?", (eid,))
    register("events", slug, "seat@example.org")
    register("events", slug, "queue@example.org")
    rid = reg_of("seat@example.org")[0][0]
    url = "/admin/registrations/%d/cancel" % rid
    for who, want in ((None, 303), ("member", 403), ("author", 403)):
        s, h, _ = login(who).post(url, [], csrf_from="/newsletter" if who is None else "/admin/profile")
        eq(s, want, "%s may not cancel: %d" % (who or "anonymous", want))
    ed = login("editor")
    s, h, page = ed.get("/admin/events/%d/registrations" % eid)
    contains(page, 'action="/admin/registrations/%d/cancel"' % rid, "the list has a Cancel button")
    contains(page, 'action="/admin/registrations/%d/move"' % rid, "and a Move form")
    contains(page, '<option value="%d">' % event_id("open-ran-digital-symposium"),
             "offering the other events")
    s, h, _ = ed.post(url, [])
    eq(s, 403, "without the CSRF token: 403")
    for bad in ("abc", "0", "99999999"):
        s, h, _ = ed.post("/admin/registrations/%s/cancel" % bad, [],
                          csrf_from="/admin/events/%d/registrations" % eid)
        eq(s, 404, "a registration id %s that is none: 404" % bad)
    eq(reg_of("seat@example.org")[0][3], "confirmed", "nothing changed yet")
    s, h, _ = ed.post(url, [], csrf_from="/admin/events/%d/registrations" % eid)
    eq(s, 303, "an editor cancels")
    contains(h.get("location", ""), "/admin/events/%d/registrations?done=cancelled" % eid,
             "and goes back to the list")
    s, h, page = ed.get(h["location"])
    contains(page, "The registration is cancelled; the reader is told by email.",
             "which says it is done")
    eq(reg_of("seat@example.org")[0][3], "cancelled", "the registration is cancelled")
    eq(reg_of("queue@example.org")[0][3], "confirmed", "the first waitlisted takes the seat")
    got = mail_to("seat@example.org", 2)
    contains(got[-1]["subject"], "Your registration is cancelled", "the reader is told")
    got = mail_to("queue@example.org", 2)
    contains(got[-1]["subject"], "A seat is yours", "the promoted reader too")


def test_editor_move():
    a, b, c = (event_id(s) for s in ("cable-next-gen-europe-digital-symposium",
                                      "open-ran-digital-symposium", "big-5g-event"))
    sql(DB, "UPDATE events SET capacity = 1 WHERE id IN (?, ?)", (a, b))
    register("events", "cable-next-gen-europe-digital-symposium", "mover@example.org")
    register("events", "cable-next-gen-europe-digital-symposium", "waiter@example.org")
    register("events", "open-ran-digital-symposium", "there@example.org")
    register("events", "big-5g-event", "there@example.org")
    rid = reg_of("mover@example.org")[0][0]
    url = "/admin/registrations/%d/move" % rid
    ed = login("editor")
    tok = "/admin/events/%d/registrations" % a
    s, h, _ = ed.post(url, [("to", str(b))])
    eq(s, 403, "moving needs the CSRF token")
    s, h, _ = login("author").post(url, [("to", str(b))], csrf_from="/admin/profile")
    eq(s, 403, "an author may not move")
    s, h, page = ed.post(url, [("to", str(b))], csrf_from=tok)
    eq(s, 409, "a full event: 409")
    contains(page, "fully booked", "saying it is full")
    for to, why in (([], "no to"), ([("to", "abc")], "to=abc"), ([("to", "-1")], "to=-1"),
                    ([("to", "99999999")], "an unknown event"), ([("to", str(a))], "the same event")):
        s, h, page = ed.post(url, to, csrf_from=tok)
        eq(s, 422, "%s: 422" % why)
        ok("to:" in page or "already for that one" in page, "naming the field", why)
    s, h, _ = ed.post("/admin/registrations/99999999/move", [("to", str(b))], csrf_from=tok)
    eq(s, 404, "an unknown registration: 404")
    eq(reg_of("mover@example.org"), [(rid, a, None, "confirmed")], "nothing changed")
    eq(len(SINK.to("mover@example.org")), 1, "and nobody was written to")
    sql(DB, "UPDATE events SET capacity = 2 WHERE id = ?", (b,))
    s, h, _ = ed.post(url, [("to", str(b))], csrf_from=tok)
    eq(s, 303, "with a seat free the editor moves the registration")
    contains(h.get("location", ""), "/admin/events/%d/registrations?done=moved" % b,
             "to the new event's list")
    s, h, page = ed.get(h["location"])
    contains(page, "The registration is moved here", "which says it is done")
    contains(page, "mover@example.org", "and lists the reader")
    eq(reg_of("mover@example.org"), [(rid, b, None, "confirmed")], "confirmed there")
    eq(reg_of("waiter@example.org")[0][3], "confirmed", "the seat left goes to the waitlist")
    got = mail_to("mover@example.org", 2)
    contains(got[-1]["subject"], "Your registration has moved: Open RAN", "the reader is told")
    contains(body_of(got[-1]), "/events/open-ran-digital-symposium", "with the new event's page")
    eq(len(list(got[-1].iter_attachments())), 1, "and its calendar file")
    contains(mail_to("waiter@example.org", 2)[-1]["subject"], "A seat is yours",
             "the promoted reader is told")
    there = reg_of("there@example.org")
    s, h, page = ed.post("/admin/registrations/%d/move" % there[0][0], [("to", str(c))],
                         csrf_from=tok)
    eq(s, 409, "a reader already registered there: 409")
    contains(page, "already registered", "saying so")
    wid = webinar_id("securing-the-distributed-edge")
    register("webinars", "securing-the-distributed-edge", "web@example.org")
    wr = reg_of("web@example.org")[0][0]
    s, h, _ = ed.post("/admin/registrations/%d/cancel" % wr, [], csrf_from=tok)
    s, h, page = ed.post("/admin/registrations/%d/move" % wr,
                         [("to", str(webinar_id("ai-for-network-operations")))], csrf_from=tok)
    eq(s, 422, "a cancelled registration is not moved")
    eq(reg_of("web@example.org")[0][2:], (wid, "cancelled"), "and stays")


BROWSER = r"""
const { chromium } = require(process.env.PW_MODULE);
const base = process.env.BASE, out = {};
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage();
    await page.goto(base + "/admin");
    await page.fill("input[name=email]", "editor@example.com");
    await page.fill("input[name=password]", process.env.PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await page.goto(base + process.env.LIST);
    const row = page.locator("tr", { hasText: "clicker@example.org" });
    await row.locator("select[name=to]").selectOption(process.env.TO);
    await Promise.all([page.waitForNavigation(), row.locator("form.reg-move button").click()]);
    out.after_move = page.url();
    await page.screenshot({ path: process.env.SHOTS + "/newsroom-registrations.png", fullPage: true });
    out.moved_row = await page.locator("tr", { hasText: "clicker@example.org" }).textContent();
    const row2 = page.locator("tr", { hasText: "clicker@example.org" });
    await Promise.all([page.waitForNavigation(), row2.locator("form.reg-cancel button").click()]);
    out.after_cancel = page.url();
    out.cancelled_row = await page.locator("tr", { hasText: "clicker@example.org" }).textContent();
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stdout.write(JSON.stringify(Object.assign(out, { error: String(e) }))); });
"""


def test_browser_move_and_cancel():
    src = webinar_id("multi-cloud-connectivity-for-enterprises")
    to = webinar_id("satellite-backhaul-rural-mobile")
    register("webinars", "multi-cloud-connectivity-for-enterprises", "clicker@example.org")
    script = os.path.join(D, "regs.js")
    with open(script, "w") as f:
        f.write(BROWSER)
    env = dict(os.environ, PW_MODULE=MOD, BASE="http://127.0.0.1:%d" % SRV.port,
               CHROMIUM=CHROMIUM, PASSWORD=PW, TO=str(to),
               SHOTS=os.environ.get("MASTHEAD_SCREENSHOTS") or D,
               LIST="/admin/webinars/%d/registrations" % src)
    r = subprocess.run(["node", script], capture_output=True, text=True, env=env, timeout=120)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        ok(False, "the browser script ran", r.stdout[-2000:] + r.stderr[-2000:])
        return
    ok("error" not in out, "the browser script ran to the end", out.get("error", ""))
    contains(out.get("after_move", ""), "/admin/webinars/%d/registrations?done=moved" % to,
             "Move lands on the new webinar's list")
    contains(out.get("moved_row", ""), "confirmed", "where the reader is confirmed")
    contains(out.get("after_cancel", ""), "done=cancelled", "Cancel comes back to the list")
    contains(out.get("cancelled_row", ""), "cancelled", "showing the registration cancelled")
    eq(reg_of("clicker@example.org")[0][2:], (to, "cancelled"), "as the database has it")
    got = mail_to("clicker@example.org", 3)
    eq([m["subject"].split(":")[0] for m in got],
       ["You are registered", "Your registration has moved", "Your registration is cancelled"],
       "the reader got each letter")


def cleanup():
    SINK.close()
    return SRV.stop()


run_tests([test_csv_question_columns, test_reader_cancel_letter, test_editor_cancel,
           test_editor_move, test_browser_move_and_cancel], cleanup)
