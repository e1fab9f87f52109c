"""The awards programme (docs/awards.md): the reader's pages of the
demo's Leading Lights Awards (the programmes and the archive, a year's
categories, the shortlist and winners with the ceremony linked), the
entry form (multipart with a PDF attachment, bad input refused with what
was typed kept and nothing stored, type and size limits, a duplicate
submit, the deadline to the second), the confirmation letter and its
link to see and withdraw the entry; the newsroom (programmes, categories,
judges, entries with averages, CSV, shortlist and winner marks and their
publication, shown at once through the cache); and judging: a judge
scores the entries of her categories only, never sees another judge's
scores, and reaches no other newsroom page; an author cannot score."""
import csv
import io
import subprocess
import tempfile
import time
import uuid

from harness import (BIN, Server, Client, Newsroom, ok, eq, contains, run_tests,
                     demo_db, sql)
from smtpsink import SmtpSink, body_of

SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-awards-"))
PW = "a passphrase long enough"
BASE = "https://awards.example.com"
for who, role in (("editor", "editor"), ("author", "author"),
                  ("judge1", "member"), ("judge2", "member")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    who.title(), who + "@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
SRV = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port",
                          str(SINK.port), "--real_ip_header", "X-Real-IP",
                          "--base_url", BASE])
NR = Newsroom(SRV, PW)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

_ip = [0]


def reader():
    _ip[0] += 1
    return Client(SRV, "203.0.113.%d" % _ip[0])


def one(q, args=()):
    rows = sql(DB, q, args)
    return rows[0][0] if rows else None


PROG = one("SELECT id FROM award_programmes WHERE year = 2026")
CATS = [r[0] for r in sql(DB, "SELECT id FROM award_categories WHERE"
                              " programme_id = ? ORDER BY position, id", (PROG,))]


def multipart(fields, files=()):
    """A multipart/form-data body: (Content-Type, bytes)."""
    b = "mh" + uuid.uuid4().hex
    out = io.BytesIO()
    for k, v in fields:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                   % (b, k)).encode() + v.encode() + b"\r\n")
    for k, name, ctype, data in files:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                   "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                   % (b, k, name, ctype)).encode() + data + b"\r\n")
    out.write(("--%s--\r\n" % b).encode())
    return "multipart/form-data; boundary=" + b, out.getvalue()


def entry(email, title="Fibre to every farm", cat=None, extra=(), drop=(),
          files=(), c=None, year=2026):
    """Posts the entry form as a reader does: the token from the form."""
    c = c or reader()
    # The anonymous form token is the same on every form.
    tok = c.csrf("/newsletter") or ""
    fields = [("csrf", tok), ("category", str(cat or CATS[0])), ("title", title),
              ("name", "Rosa Entrant"), ("email", email),
              ("company", "Prairie Fibre Co"), ("job_title", "Founder"),
              ("summary", "We lit 300 farms with fibre in the hills."),
              ("impact", "Yields tracked by sensors rose; 300 farms online."),
              ("consent", "yes")] + list(extra)
    fields = [(k, v) for k, v in fields if k not in drop]
    ct, body = multipart(fields, files)
    hd = c._headers({"Content-Type": ct})
    s, h, b = SRV.request("POST", "/awards/%d/enter" % year, hd, body)
    return s, b.decode("utf-8", "replace")


def count(email):
    return one("SELECT count(*) FROM award_entries WHERE email = ?", (email,))


def test_reader_pages():
    s, h, b = SRV.html("/awards")
    eq(s, 200, "/awards answers")
    contains(b, "Leading Lights Awards 2026", "the current programme is shown")
    contains(b, 'href="/awards/2026/enter"', "with Enter while entry is open")
    contains(b, 'href="/awards/2025/winners"', "and last year in the archive")
    s, h, b = SRV.html("/awards/2026")
    eq(s, 200, "a year's page answers")
    contains(b, "Best Open RAN Deployment", "it lists the categories")
    contains(b, "single-vendor sites", "with their criteria")
    contains(b, 'href="/events/leading-lights-awards"', "and the ceremony event")
    contains(h.get("surrogate-key", ""), "awards", "cached under the awards tag")
    eq(SRV.get("/awards/2026/shortlist")[0], 404, "an unpublished shortlist is 404")
    eq(SRV.get("/awards/2026/winners")[0], 404, "unpublished winners are 404")
    s, h, b = SRV.html("/awards/2025/winners")
    eq(s, 200, "last year's winners answer")
    contains(b, "Glenmore Connect", "naming a winner")
    ok("Deccan Rural Net" not in b, "the winners page lists no shortlisted entry")
    s, h, b = SRV.html("/awards/2025/shortlist")
    contains(b, "Deccan Rural Net", "the shortlist names the shortlisted")
    for bad in ("/awards/1999", "/awards/abc", "/awards/99999"):
        eq(SRV.get(bad)[0], 404, "%s is 404" % bad)


def test_enter():
    c = reader()
    s, h, b = c.get("/awards/2026/enter")
    eq(s, 200, "the entry form answers")
    contains(b, 'enctype="multipart/form-data"', "it takes an attachment")
    ok(any(w in h.get("cache-control", "") for w in ("no-cache", "no-store")),
       "the form is never served from a cache unchecked", h.get("cache-control"))
    s, b = entry("rosa@example.net", files=[("file", "plan.pdf",
                                               "application/pdf", PDF)], c=c)
    eq(s, 200, "a good entry is taken")
    contains(b, "Thank you for entering", "and thanked")
    eq(count("rosa@example.net"), 1, "one entry is stored")
    eq(one("SELECT attachment_name FROM award_entries WHERE email = ?",
           ("rosa@example.net",)), "plan.pdf", "with its attachment")
    msgs = [m for m in SINK.wait_for(1) if "rosa@example.net" in m.envelope_to]
    eq(len(msgs), 1, "one confirmation letter")
    text = body_of(msgs[0])
    contains(text, "Fibre to every farm", "the letter names the entry")
    link = [w for w in text.split() if w.startswith(BASE + "/awards/entries/")]
    ok(len(link) == 1, "with its link", text)
    path = link[0][len(BASE):] if link else "/awards/entries/x"
    s, h, b = c.get(path)
    eq(s, 200, "the link shows the entry")
    contains(b, "Prairie Fibre Co", "with its company")
    contains(h.get("cache-control", ""), "no-store", "privately")
    eq(c.get(path[:-3] + "zzz")[0], 404, "a cut link is 404")
    # The attachment goes to the editors, in its bytes.
    eid = one("SELECT id FROM award_entries WHERE email = ?", ("rosa@example.net",))
    s, h, f = SRV.request("GET", "/admin/awards/entries/%d/file" % eid,
                          {"Cookie": NR.session("editor")[0]})
    eq((s, h.get("content-type"), f), (200, "application/pdf", PDF),
       "the editor downloads the attachment as sent")
    eq(SRV.request("GET", "/admin/awards/entries/%d/file" % eid,
                   {"Cookie": NR.session("judge1")[0]})[0], 403,
       "a judge cannot use the newsroom's download")
    # Withdraw by the link.
    s, h, b = c.post(path + "/withdraw", [], csrf_from=path)
    eq((s, h.get("location", "").split("?")[0]), (303, path), "withdrawn, back to it")
    eq(one("SELECT status FROM award_entries WHERE id = ?", (eid,)), "withdrawn",
       "the entry is withdrawn")
    s, h, b = c.post(path + "/withdraw", [], csrf_from="/newsletter")
    eq(s, 409, "a second withdrawal is 409")
    s, h, b = c.post(path + "/withdraw", [("csrf", "forged")])
    eq(s, 403, "without the token, 403")


def test_bad_input():
    mail = "bad@example.net"
    cases = [
        ("no name", {"drop": ("name",)}, 422, "Give your name"),
        ("a bad address", {"extra": ()}, 422, "email address"),
        ("no category", {"cat": 999999}, 422, "Choose the category"),
        ("no consent", {"drop": ("consent",)}, 422, "Tick the box"),
        ("no answer", {"drop": ("impact",)}, 422, "What changed"),
        ("a text file", {"files": [("file", "x.txt", "text/plain", b"hello")]},
         415, "PDF, PNG or JPEG"),
        ("a file over 2 MB", {"files": [("file", "big.pdf", "application/pdf",
                                         b"%PDF-" + b"x" * (2 * 1024 * 1024 + 10))]},
         413, "larger than 2 MB"),
    ]
    for name, kw, want, text in cases:
        email = "not-an-address" if name == "a bad address" else mail
        s, b = entry(email, title="Typed title " + name, **kw)
        eq(s, want, "%s: %d" % (name, want))
        contains(b, text, "%s: the page says why" % name)
        contains(b, 'value="Typed title %s"' % name, "%s: what was typed is kept" % name)
    eq(count(mail), 0, "nothing is stored")
    s, b = entry(mail, files=[("file", "huge.pdf", "application/pdf",
                               b"%PDF-" + b"x" * (4 * 1024 * 1024))])
    eq(s, 413, "a body over the route's limit is 413 before the handler")
    s, b = entry(mail, drop=("csrf",))
    eq(s, 403, "without the token, 403")
    eq(count(mail), 0, "still nothing stored")
    eq(len(SINK.to(mail)), 0, "and no letter sent")


def test_duplicate():
    mail = "twice@example.net"
    eq(entry(mail, title="Same entry")[0], 200, "the first submit is taken")
    s, b = entry(mail, title="Same entry")
    eq(s, 409, "the same entry again is 409")
    contains(b, "already entered", "saying so")
    eq(count(mail), 1, "one entry stored")
    time.sleep(1)
    eq(len(SINK.to(mail)), 1, "one letter sent")
    eq(entry(mail, title="Another entry")[0], 200,
       "another title from the same address is another entry")


def test_deadline():
    now = int(time.time())
    sql(DB, "UPDATE award_programmes SET entry_closes = ? WHERE id = ?",
        (now + 3, PROG))
    eq(entry("early@example.net")[0], 200, "an entry before the deadline is taken")
    while time.time() < now + 3.05:
        time.sleep(0.05)
    s, b = entry("late@example.net")
    eq(s, 410, "after the deadline, 410")
    contains(b, "Entry has closed", "with a page that says so")
    eq(count("late@example.net"), 0, "nothing stored")
    eq(SRV.get("/awards/2026/enter")[0], 410, "the form itself is gone")
    sql(DB, "UPDATE award_programmes SET entry_opens = ?, entry_closes = ?"
        " WHERE id = ?", (now + 3600, now + 7200, PROG))
    s, h, b = SRV.html("/awards/2026/enter")
    eq(s, 403, "before entry opens, 403")
    contains(b, "Entry has not opened yet", "saying when it opens")
    sql(DB, "UPDATE award_programmes SET entry_opens = ?, entry_closes = ?"
        " WHERE id = ?", (now - 86400, now + 86400 * 20, PROG))


def test_judging():
    # The editor assigns judge1 and judge2 to the first category only.
    for j in ("judge1", "judge2"):
        s, h, b = NR.post("/admin/awards/%d/judges" % PROG, "editor",
                          {"category": str(CATS[0]), "email": j + "@example.com"})
        eq(s, 303, "the editor assigns %s" % j)
    s, h, b = NR.post("/admin/awards/%d/judges" % PROG, "editor",
                      {"category": str(CATS[0]), "email": "nobody@example.com"})
    eq(s, 422, "an address without an account is refused")
    mine = one("SELECT id FROM award_entries WHERE category_id = ? AND status"
               " <> 'withdrawn' ORDER BY id", (CATS[0],))
    other = one("SELECT id FROM award_entries WHERE category_id = ? ORDER BY id",
                (CATS[1],))
    s, h, b = NR.get("/judging", "judge1")
    eq(s, 200, "a judge sees the judging page")
    contains(b, 'id="entry-%d"' % mine, "with an entry of her category")
    ok('id="entry-%d"' % other not in b, "and none of another category")
    s, h, b = NR.post("/judging/%d" % mine, "judge1",
                      {"score": "9", "note": "Judge one's private view"})
    eq(s, 303, "judge1 scores an entry")
    s, h, b = NR.post("/judging/%d" % mine, "judge2", {"score": "5", "note": ""})
    eq(s, 303, "judge2 scores it too")
    s, h, b = NR.get("/judging", "judge2")
    ok("Judge one's private view" not in b, "judge2 does not see judge1's note")
    ok('value="9" selected' not in b, "nor her score")
    contains(b, 'value="5" selected', "but sees her own")
    eq(NR.post("/judging/%d" % other, "judge1", {"score": "7"})[0], 403,
       "a judge cannot score outside her categories")
    eq(NR.post("/judging/%d" % mine, "judge1", {"score": "11"})[0], 422,
       "a score above 10 is 422")
    eq(NR.post("/judging/%d" % mine, "judge1", {"score": "7"}, csrf=False)[0],
       403, "a score without the token is 403")
    eq(one("SELECT score FROM award_scores s JOIN users u ON u.id = s.judge_id"
           " WHERE s.entry_id = ? AND u.email = ?", (mine, "judge1@example.com")),
       9, "the refused scores changed nothing")
    for path in ("/admin", "/admin/awards", "/admin/awards/%d/entries" % PROG,
                 "/admin/articles"):
        eq(NR.get(path, "judge1")[0], 403, "a judge cannot reach %s" % path)
    eq(NR.get("/judging", "author")[0], 403, "an author who judges nothing: 403")
    eq(NR.post("/judging/%d" % mine, "author", {"score": "8"})[0], 403,
       "an author cannot score")
    scores = [r[0] for r in sql(DB, "SELECT score FROM award_scores WHERE"
                                    " entry_id = ?", (mine,))]
    ok(9 in scores and 5 in scores, "both judges' scores are stored", scores)
    avg = "%d.%d" % (sum(scores) // len(scores), sum(scores) * 10 // len(scores) % 10)
    # Editors see the average and the count.
    s, h, b = NR.get("/admin/awards/%d/entries?category=%d" % (PROG, CATS[0]),
                     "editor")
    eq(s, 200, "the editor's entries list")
    contains(b, '<span class="avg">%s</span>' % avg, "shows the average of the scores")
    s, h, b = NR.get("/admin/awards/%d/entries.csv?category=%d&status=" %
                     (PROG, CATS[0]), "editor")
    eq((s, h.get("content-type", "").split(";")[0]), (200, "text/csv"),
       "the CSV export")
    rows = list(csv.reader(io.StringIO(b)))
    eq(rows[0][:3], ["id", "category", "title"], "with its header")
    row = [r for r in rows[1:] if r and r[0] == str(mine)]
    ok(row and row[0][-3] == str(len(scores)) and row[0][-2] == avg,
       "and the entry's judging", row)
    eq(NR.get("/admin/awards/%d/entries?status=bogus" % PROG, "editor")[0], 400,
       "an unknown status filter is 400")


def test_publish():
    mine = one("SELECT id FROM award_entries WHERE category_id = ? AND status"
               " = 'submitted' ORDER BY id", (CATS[0],))
    company = one("SELECT company FROM award_entries WHERE id = ?", (mine,))
    SRV.get("/awards/2026")
    s, h, before = SRV.html("/awards/2026")
    ok("/awards/2026/shortlist" not in before, "no shortlist link before")
    eq(NR.post("/admin/awards/entries/%d/mark" % mine, "editor",
               {"status": "bogus"})[0], 422, "an unknown mark is 422")
    eq(NR.post("/admin/awards/entries/%d/mark" % mine, "author",
               {"status": "winner"})[0], 403, "an author cannot mark")
    eq(NR.post("/admin/awards/entries/%d/mark" % mine, "editor",
               {"status": "shortlisted"})[0], 303, "the editor shortlists")
    eq(NR.post("/admin/awards/%d/publish" % PROG, "editor",
               {"shortlist": "1"})[0], 303, "and publishes the shortlist")
    s, h, b = SRV.html("/awards/2026")
    contains(b, 'href="/awards/2026/shortlist"', "the year's page links it at once")
    s, h, b = SRV.html("/awards/2026/shortlist")
    eq(s, 200, "the shortlist answers")
    contains(b, company, "naming the shortlisted company")
    contains(b, 'href="/events/leading-lights-awards"', "with the ceremony linked")
    eq(SRV.get("/awards/2026/winners")[0], 404, "the winners are not out yet")
    NR.post("/admin/awards/entries/%d/mark" % mine, "editor", {"status": "winner"})
    NR.post("/admin/awards/%d/publish" % PROG, "editor",
            {"shortlist": "1", "winners": "1"})
    s, h, b = SRV.html("/awards/2026/winners")
    eq(s, 200, "the winners page once published")
    contains(b, company, "naming the winner")


def test_newsroom_programmes():
    s, h, b = NR.get("/admin/awards", "editor")
    eq(s, 200, "the editor's awards list")
    contains(b, "Leading Lights Awards 2026", "lists the programmes")
    base = {"title": "Leading Lights Awards 2027", "slug": "leading-lights-2027",
            "year": "2027", "intro": "Next year.", "entry_opens": "2027-01-10T09:00",
            "entry_closes": "2027-03-01T17:00", "event_id": "", "status": "draft"}
    bad = dict(base, entry_closes="2027-01-01T09:00")
    s, h, b = NR.post("/admin/awards", "editor", bad)
    eq(s, 422, "closing before opening is 422")
    contains(b, 'value="Leading Lights Awards 2027"', "with what was typed kept")
    eq(NR.post("/admin/awards", "editor", dict(base, year="2026"))[0], 409,
       "a year taken is 409")
    eq(NR.post("/admin/awards", "editor", dict(base, event_id="999999"))[0], 422,
       "an event that is none is 422")
    eq(one("SELECT count(*) FROM award_programmes WHERE year = 2027"), 0,
       "nothing stored by the refused forms")
    s, h, b = NR.post("/admin/awards", "editor", base)
    eq(s, 303, "a programme is created")
    pid = one("SELECT id FROM award_programmes WHERE year = 2027")
    eq(SRV.get("/awards/2027")[0], 404, "a draft is not on the site")
    eq(NR.post("/admin/awards/%d/categories" % pid, "editor",
               {"name": "", "criteria": "x"})[0], 422, "a category needs a name")
    eq(NR.post("/admin/awards/%d/categories" % pid, "editor",
               {"name": "Best Satellite Backhaul", "criteria": "Orbit to tower."})[0],
       303, "a category is added")
    cid = one("SELECT id FROM award_categories WHERE programme_id = ?", (pid,))
    eq(NR.post("/admin/awards/categories/%d" % cid, "editor",
               {"name": "Best Satellite Link", "criteria": "Orbit to tower.",
                "position": "1"})[0], 303, "and renamed")
    eq(NR.post("/admin/awards/%d" % pid, "editor", dict(base, status="published"))[0],
       303, "the programme is published")
    s, h, b = SRV.html("/awards/2027")
    eq(s, 200, "and on the site")
    contains(b, "Best Satellite Link", "with its category")
    eq(NR.get("/admin/awards", "author")[0], 403, "an author cannot manage awards")


run_tests([test_reader_pages, test_enter, test_bad_input, test_duplicate,
           test_deadline, test_judging, test_publish, test_newsroom_programmes],
          cleanup=lambda: (SINK.close(), SRV.stop())[1])
