"""Editing stories that are live, scheduled or taken off the site, and
the newsroom's other editors where a label or a default misled (both
databases).

- A live story's editor offers Update and Unpublish, never Save draft:
  Update puts the change on the page at once and keeps the publication
  date (the page and its JSON-LD say when it was updated; the lists and
  feeds keep their order); Save draft on it is refused with 409 and
  changes nothing; publishing it again keeps its date.
- A scheduled story is updated in place (still going live at its time),
  published now, scheduled again or unpublished.
- A draft offers Save draft, Publish and Schedule; an unpublished story's
  header no longer says "published".
- The revision diff lists a changed line's old text before the new.
- An event's attendance (online, in person, hybrid) is chosen, never
  assumed, and its page shows it with the venue.
- A white paper is published only with its PDF or an external link.
"""
import json
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql

PW = "a passphrase long enough"
DAY = 86400


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-edits-")
    db = demo_db(d)
    author = sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
    for name, role, byline in (("author", "author", author), ("editor", "editor", None)):
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name", name.title()]
        if byline:
            args += ["--author", byline]
        subprocess.run(args + [name + "@example.com"], input=PW, text=True, check=True,
                       capture_output=True)
    return db


DB = make_db()
srv = Server(db=DB)
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
SESS = {}


def sign_in(name):
    if name not in SESS:
        c = Client(srv, ip=None)
        c.sign_in(name + "@example.com", PW)
        SESS[name] = (c.cookie(), c.csrf("/signin"))
    return SESS[name]


def get(path, who=None):
    h = {"Cookie": sign_in(who)[0]} if who else {}
    s, hd, b = srv.request("GET", path, h)
    return s, hd, b.decode("utf-8", "replace")


def post(path, who, fields):
    cookie, tok = sign_in(who)
    fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
    s, hd, b = srv.request("POST", path, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(fields + [("csrf", tok)]))
    return s, hd, b.decode("utf-8", "replace")


def story(aid):
    r = sql(DB, "SELECT slug, status, title, published_at, updated_at FROM articles"
            " WHERE id = ?", (aid,))[0]
    return dict(zip(("slug", "status", "title", "published_at", "updated_at"), r))


_n = [0]


def new_story(then="publish", **extra):
    _n[0] += 1
    f = {"title": "Edited Story %d" % _n[0], "section": SECTION, "type": "news",
         "body_md": "One.\n\nTwo.", "then": then}
    f.update(extra)
    s, h, b = post("/admin/articles", "editor", f)
    assert s == 303, (s, b[:400])
    return int(re.match(r"/admin/articles/(\d+)", h["location"]).group(1))


def backdate(aid, days):
    """Makes a live story days old, as if published then and not changed
    since (the page cache learns of it with the next write)."""
    t = int(time.time()) - days * DAY
    sql(DB, "UPDATE articles SET published_at = ?, updated_at = ? WHERE id = ?", (t, t, aid))
    sql(DB, "UPDATE article_authors SET published_at = ? WHERE article_id = ?", (t, aid))
    sql(DB, "UPDATE article_tags SET published_at = ? WHERE article_id = ?", (t, aid))
    return t


def buttons(page):
    """The values of the editor's "then" buttons, in order."""
    return re.findall(r'<button type="submit" name="then" value="([a-z]+)"', page)


def jsonld(page):
    out = []
    for m in re.finditer(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        out.append(json.loads(m.group(1)))
    return [x for x in out if "datePublished" in x]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def test_update_keeps_the_date():
    old = new_story()
    t = backdate(old, 3)
    newer = new_story()
    s, h, b = get("/admin/articles/%d" % old, "editor")
    eq(buttons(b), ["update", "unpublish"], "a live story's editor offers Update and Unpublish")
    ok(">Update</button>" in b and "Save draft" not in b and "Update and publish" not in b,
       "labelled plainly, with no Save draft")
    contains(b, "the publication date stays", "and says what Update does")
    s, h, b = post("/admin/articles/%d" % old, "editor", {
        "title": "Corrected Headline", "then": "update"})
    eq(s, 303, "Update answers 303")
    contains(h.get("location", ""), "done=update", "back to the editor")
    st = story(old)
    eq(st["status"], "published", "the story stays live")
    eq(st["published_at"], t, "its publication date is kept")
    ok(st["updated_at"] >= int(time.time()) - 60, "and the change time is now", st)
    s, h, page = get("/article/" + st["slug"])
    contains(page, "Corrected Headline", "the live page shows the change at once")
    m = re.search(r'<span class="updated">Updated <time datetime="([^"]+)">', page)
    ok(m is not None, "the page says it was updated")
    eq(m and m.group(1), iso(st["updated_at"]), "at the change time")
    ld = jsonld(page)
    eq(ld and ld[0].get("datePublished"), iso(t), "JSON-LD keeps datePublished")
    eq(ld and ld[0].get("dateModified"), iso(st["updated_at"]), "and dateModified is the update")
    s, h, feed = get("/feed.json")
    items = json.loads(feed)["items"]
    contains(items[0].get("url", ""), story(newer)["slug"], "the newer story still leads the feed")
    s, h, j = srv.json("/api/v1/articles")
    eq(j["articles"][0]["id"], newer, "and the newest list (home page, sitemap, newsletters)")
    # Publishing a live story again changes nothing of its date.
    s, h, b = post("/admin/articles/%d/publish" % old, "editor", {})
    eq(s, 303, "the Publish route on a live story answers 303")
    eq(story(old)["published_at"], t, "and keeps the publication date")
    s, h, b = post("/admin/articles/%d" % old, "editor", {"title": "Again", "then": "publish"})
    eq(s, 303, "so does the editor's publish on it")
    eq(story(old)["published_at"], t, "the date is still kept")
    eq(story(old)["title"], "Again", "the change is saved")
    # The admin API's publish without a time keeps the date of a live story
    # too; with an explicit time it still moves it.
    tok = subprocess.run([BIN, "token", "add", "--db", DB, "editor@example.com"],
                         text=True, check=True, capture_output=True).stdout.strip()
    auth = {"Authorization": "Bearer " + tok}
    s, h, b = srv.request("POST", "/api/v1/admin/articles/%d/publish" % old, auth)
    eq(s, 200, "the API's publish on a live story answers 200")
    eq(story(old)["published_at"], t, "and keeps the publication date")
    at = t + 3600
    s, h, b = srv.request("POST", "/api/v1/admin/articles/%d/publish" % old,
                          dict(auth, **{"Content-Type": "application/json"}),
                          json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))}))
    eq(s, 200, "the API's publish with a time answers 200")
    eq(story(old)["published_at"], at, "and moves the date to that time")
    sql(DB, "UPDATE articles SET published_at = ? WHERE id = ?", (t, old))
    sql(DB, "UPDATE article_authors SET published_at = ? WHERE article_id = ?", (t, old))
    sql(DB, "UPDATE article_tags SET published_at = ? WHERE article_id = ?", (t, old))
    # A story published once shows no "Updated".
    s, h, page = get("/article/" + story(newer)["slug"])
    ok('class="updated"' not in page, "a story never changed since it went live shows no Updated")


def test_save_draft_on_a_live_story_is_refused():
    aid = new_story()
    before = story(aid)
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"title": "Sneaked In", "then": "save"})
    eq(s, 409, "Save draft on a live story: 409")
    contains(b, "Update", "the editor says which button does what")
    contains(b, 'value="Sneaked In"', "with the form as typed")
    eq(story(aid), before, "nothing changed")
    ok("Sneaked In" not in get("/article/" + before["slug"])[2], "the live page neither")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "schedule",
                                                          "at": "2099-01-01T10:00"})
    eq(s, 409, "scheduling a live story for later: 409")
    eq(story(aid), before, "nothing changed")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"title": "No Button"})
    eq(s, 303, "a form without a button updates a live story")
    eq(story(aid)["published_at"], before["published_at"], "keeping its date")


def test_unpublish_and_drafts():
    aid = new_story()
    t = story(aid)["published_at"]
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"title": "Taken Back", "then": "unpublish"})
    eq(s, 303, "Unpublish from the editor answers 303")
    st = story(aid)
    eq(st["status"], "draft", "the story is a draft")
    eq(st["title"], "Taken Back", "with the change typed")
    eq(get("/article/" + st["slug"])[0], 404, "off the site")
    s, h, b = get("/admin/articles/%d" % aid, "editor")
    eq(buttons(b), ["save", "publish", "schedule"], "a draft offers Save draft, Publish, Schedule")
    head = re.search(r'<div class="admin-head">(.*?)</div>', b, re.S).group(1)
    ok(re.search(r'state-draft">draft<', head), "its header says draft")
    ok(not re.search(r'class="when">published', head), "and not published", head)
    contains(head, "not on the site", "it says the story is off the site")
    s, h, lst = get("/admin/articles?status=draft", "editor")
    row = re.search(r'<tr>(?:(?!</tr>).)*Taken Back.*?</tr>', lst, re.S)
    ok(row and 'state-draft">draft</span></td>' in row.group(0),
       "the list gives the draft no publication time")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"title": "X", "then": "update"})
    eq(s, 409, "Update on a draft: 409")
    eq(story(aid)["title"], "Taken Back", "nothing changed")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "nonsense"})
    eq(s, 400, "an unknown button: 400")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "publish"})
    eq(s, 303, "publishing the draft again")
    ok(story(aid)["published_at"] >= t, "goes live from now")
    s, h, page = get("/article/" + story(aid)["slug"])
    ok('class="updated"' not in page, "and shows no Updated")


def test_scheduled_story():
    aid = new_story(then="save")
    s, h, b = post("/admin/articles/%d" % aid, "editor",
                   {"then": "schedule", "at": "2099-05-12T13:00"})
    eq(s, 303, "a draft is scheduled")
    at = story(aid)["published_at"]
    s, h, b = get("/admin/articles/%d" % aid, "editor")
    eq(buttons(b), ["update", "publish", "schedule", "unpublish"],
       "a scheduled story offers Update, Publish now, Schedule and Unpublish")
    contains(b, "still goes live at the time set", "Update says it keeps the time")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"title": "Scheduled, Fixed",
                                                          "then": "update"})
    eq(s, 303, "Update on a scheduled story")
    st = story(aid)
    eq((st["status"], st["published_at"], st["title"]), ("published", at, "Scheduled, Fixed"),
       "keeps it scheduled at its time, with the change")
    eq(get("/article/" + st["slug"])[0], 404, "and not on the site before it")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "save"})
    eq(s, 409, "Save draft on a scheduled story: 409")
    contains(b, "This story is scheduled", "saying why")
    eq(story(aid)["published_at"], at, "and still scheduled")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "publish"})
    eq(s, 303, "Publish now")
    ok(story(aid)["published_at"] <= int(time.time()), "puts it live now")
    eq(get("/article/" + st["slug"])[0], 200, "on the site")


def test_diff_order():
    aid = new_story(then="save", body_md="Kept.\nOld line.\nAlso kept.")
    post("/admin/articles/%d" % aid, "editor", {"body_md": "Kept.\nNew line.\nAlso kept.",
                                                "then": "save"})
    rev = sql(DB, "SELECT max(id) FROM article_revisions WHERE article_id = ?", (aid,))[0][0]
    s, h, b = get("/admin/articles/%d/revisions/%d" % (aid, rev), "editor")
    eq(s, 200, "the revision's diff")
    rows = re.findall(r'<span class="(same|del|add)">([^<]*)</span>', b)
    eq(rows, [("same", "Kept."), ("del", "Old line."), ("add", "New line."),
              ("same", "Also kept.")], "lists the removed line before the added one")


def event_form(**extra):
    f = {"name": "Attendance Summit", "slug": "attendance-summit", "kind": "conference",
         "summary": "Talks.", "body_md": "Talks.", "starts": "2099-03-01T09:00",
         "ends": "2099-03-01T17:00", "timezone": "UTC", "venue": "", "url": "",
         "sponsor_id": "0"}
    f.update(extra)
    return f


def events():
    return sql(DB, "SELECT count(*) FROM events")[0][0]


def test_event_attendance():
    s, h, b = get("/admin/events/new", "editor")
    eq(len(re.findall(r'name="attendance"', b)), 3, "the new event's form has three choices")
    ok(not re.search(r'name="attendance"[^>]* checked', b), "none of them chosen")
    n = events()
    for f, why in ((event_form(venue="Hall 9"), "no choice"),
                   (event_form(attendance="in-person"), "in person without a venue"),
                   (event_form(attendance="hybrid"), "hybrid without a venue"),
                   (event_form(attendance="online", venue="Hall 9"), "online with a venue"),
                   (event_form(attendance="somewhere", venue="Hall 9"), "an unknown choice")):
        s, h, b = post("/admin/events", "editor", f)
        eq(s, 422, "an event with %s: 422" % why)
    contains(b, "online, in person or hybrid", "the editor says what to choose")
    eq(events(), n, "none was made")
    s, h, b = post("/admin/events", "editor", event_form(attendance="in-person", venue="Hall 9"))
    eq(s, 303, "an event in person is made")
    eid = sql(DB, "SELECT id, online, venue FROM events WHERE slug = 'attendance-summit'")[0]
    eq(eid[1:], (0, "Hall 9"), "stored in person at its venue")
    page = get("/events/attendance-summit")[2]
    ok(re.search(r'class="event-when">.*· Hall 9</p>', page), "its page shows the venue")
    s, h, b = get("/admin/events/%d" % eid[0], "editor")
    ok(re.search(r'value="in-person"[^>]* checked', b), "the editor shows the choice")
    s, h, b = post("/admin/events/%d" % eid[0], "editor",
                   event_form(attendance="hybrid", venue="Hall 9"))
    eq(s, 303, "made hybrid")
    page = get("/events/attendance-summit")[2]
    ok(re.search(r'class="event-when">.*· Hall 9 and online</p>', page),
       "its page shows the venue and online")
    contains(get("/events")[2], "Hall 9 and online", "so does the list")
    post("/admin/events/%d" % eid[0], "editor", event_form(attendance="online"))
    page = get("/events/attendance-summit")[2]
    ok(re.search(r'class="event-when">.*· Online</p>', page), "online, its page says so")


def resource_form(**extra):
    f = {"title": "Gated Paper", "slug": "gated-paper", "summary": "S.", "body_md": "B.",
         "sponsor_id": "0", "cover": "", "link_url": ""}
    f.update(extra)
    return f


def test_white_paper_needs_its_file():
    n = sql(DB, "SELECT count(*) FROM resources")[0][0]
    s, h, b = post("/admin/resources", "editor", resource_form(published="1"))
    eq(s, 422, "a new white paper published with no PDF or link: 422")
    contains(b, "with its PDF or an external link", "the editor says why")
    eq(sql(DB, "SELECT count(*) FROM resources")[0][0], n, "nothing was made")
    s, h, b = post("/admin/resources", "editor", resource_form())
    eq(s, 303, "saved unpublished, it is made")
    rid = int(re.search(r"/admin/resources/(\d+)", h["location"]).group(1))
    s, h, b = post("/admin/resources/%d" % rid, "editor", resource_form(published="1"))
    eq(s, 422, "publishing it without the PDF: 422")
    contains(b, "upload the PDF below", "the editor says what to do")
    eq(sql(DB, "SELECT published_at FROM resources WHERE id = ?", (rid,))[0][0] in (None, ""),
       True, "it stays unpublished")
    eq(get("/resources/gated-paper")[0], 404, "readers do not see it")
    s, h, b = post("/admin/resources/%d" % rid, "editor",
                   resource_form(published="1", link_url="https://example.com/paper"))
    eq(s, 303, "with an external link it is published")
    eq(get("/resources/gated-paper")[0], 200, "readers see it")


run_tests([test_update_keeps_the_date, test_save_draft_on_a_live_story_is_refused,
           test_unpublish_and_drafts, test_scheduled_story, test_diff_order,
           test_event_attendance, test_white_paper_needs_its_file], srv.stop)
