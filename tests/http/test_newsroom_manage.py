"""The newsroom's API tokens and its events and webinars pages: who may
do what (each role, each action: allowed, or 403 with nothing changed),
CSRF, a token shown once that works on the admin API and is refused
(401) the moment it is revoked, slug conflicts, bad times (422), and the
public pages, lists, sidebars and .ics files showing an edit at once."""
import datetime
import hashlib
import re
import subprocess
import tempfile
import time
from zoneinfo import ZoneInfo

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests,
                     demo_db, sql)

PW = "a passphrase long enough"
ROLES = ("member", "contributor", "author", "editor", "admin")


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-manage-")
    db = demo_db(d)
    for role in ROLES:
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        role.title(), role + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    return db


DB = make_db()
srv = Server(db=DB)
ZONE = sql(DB, "SELECT value FROM settings WHERE key = 'timezone'")
ZONE = ZONE[0][0] if ZONE and ZONE[0][0] else "UTC"
USER_ID = {r: sql(DB, "SELECT id FROM users WHERE email = ?", (r + "@example.com",))[0][0]
           for r in ROLES}

NR = Newsroom(srv, PW)
sign_in, get, post = NR.session, NR.get, NR.post


def api(token):
    """The admin API's answer to a token asking for a story that does not
    exist: 404 (or 403 below editor: the role is checked first) when the
    token is good, 401 when it is not."""
    s = srv.request("GET", "/api/v1/admin/articles/999999999",
                    {"Authorization": "Bearer " + token})[0]
    return "accepted" if s in (403, 404) else s


def tokens_of(who):
    return sql(DB, "SELECT id, name, token_hash FROM api_tokens WHERE user_id = ? ORDER BY id",
               (USER_ID[who],))


def make_token(who, name):
    s, h, b = post("/admin/tokens", who, {"name": name})
    m = re.search(r'id="new-token">(mh_[A-Za-z0-9_-]+)<', b)
    return s, (m.group(1) if m else None), b


# --- API tokens -----------------------------------------------------------

def test_token_roles():
    eq(get("/admin/tokens", "member")[0], 403, "a member may not see /admin/tokens (403)")
    eq(post("/admin/tokens", "member", {"name": "mine"})[0], 403,
       "a member may not make a token (403)")
    eq(tokens_of("member"), [], "and no token was made")
    for who in ("contributor", "author", "editor", "admin"):
        s, tok, b = make_token(who, "script of " + who)
        eq(s, 201, "%s makes a token" % who)
        ok(tok is not None and len(tok) == 46, "%s: the token is shown" % who)
        rows = tokens_of(who)
        eq(len(rows), 1, "%s: one token stored" % who)
        eq(rows[0][2], hashlib.sha256(tok.encode()).hexdigest(),
           "%s: only its SHA-256 is stored" % who)
        eq(api(tok), "accepted", "%s's token works on the admin API" % who)
        s, h, b = get("/admin/tokens", who)
        eq(s, 200, "%s sees the token list" % who)
        contains(b, "script of " + who, "%s: the list names it" % who)
        ok(tok not in b and tok[3:20] not in b, "%s: the list never shows the token again" % who)
        eq(h.get("cache-control"), "private, no-store", "the list is never cached")
    s, h, b = get("/admin/tokens", "contributor")
    ok("script of author" not in b, "a contributor sees only their own tokens")
    s, h, b = get("/admin/tokens", "admin")
    for who in ("contributor", "author", "editor"):
        contains(b, "script of " + who, "an admin sees %s's token" % who)
    contains(b, "contributor@example.com", "with its account")


def test_token_use_and_revoke():
    s, tok, b = make_token("author", "used then revoked")
    tid = tokens_of("author")[-1][0]
    eq(sql(DB, "SELECT COALESCE(last_used_at, 0) FROM api_tokens WHERE id = ?", (tid,)),
       [(0,)], "a new token was never used")
    before = int(time.time())
    eq(api(tok), "accepted", "the token is accepted")
    used = sql(DB, "SELECT COALESCE(last_used_at, 0) FROM api_tokens WHERE id = ?", (tid,))[0][0]
    ok(isinstance(used, int) and used >= before - 1, "its last use is noted")
    s, h, b = get("/admin/tokens", "author")
    ok(re.search(r"used then revoked</td>\s*<td>[^<]+</td>\s*<td>(?!never)\d{4}-", b)
       is not None, "the list shows when it was last used")
    # Someone else's token: a contributor may not revoke it, nor by a forged form.
    eq(post("/admin/tokens/%d/revoke" % tid, "contributor", {})[0], 403,
       "a contributor may not revoke an author's token (403)")
    eq(post("/admin/tokens/%d/revoke" % tid, "editor", {})[0], 403,
       "nor may an editor (403)")
    eq(post("/admin/tokens/%d/revoke" % tid, "author", {}, csrf=None)[0], 403,
       "revoking without the CSRF token: 403")
    eq(post("/admin/tokens/%d/revoke" % tid, "author", {},
            csrf=sign_in("admin")[1])[0], 403, "with another account's CSRF token: 403")
    eq(api(tok), "accepted", "the token still works")
    s, h, b = post("/admin/tokens/%d/revoke" % tid, "author", {})
    eq(s, 303, "its owner revokes it")
    eq(h.get("location"), "/admin/tokens?revoked=1", "back to the list")
    eq(api(tok), 401, "a revoked token is refused at once (401)")
    eq(len([r for r in tokens_of("author") if r[0] == tid]), 0, "and is gone")
    eq(post("/admin/tokens/%d/revoke" % tid, "author", {})[0], 404,
       "revoking it again: 404")
    # An admin revokes anyone's.
    s, tok2, b = make_token("contributor", "revoked by an admin")
    tid2 = tokens_of("contributor")[-1][0]
    eq(post("/admin/tokens/%d/revoke" % tid2, "admin", {})[0], 303,
       "an admin revokes a contributor's token")
    eq(api(tok2), 401, "which is refused at once (401)")
    eq(post("/admin/tokens/%d/revoke" % tid2, "member", {})[0], 403,
       "a member may not revoke anything (403)")


def test_token_form_errors():
    n = len(tokens_of("editor"))
    eq(post("/admin/tokens", "editor", {"name": "forged"}, csrf=None)[0], 403,
       "making a token without the CSRF token: 403")
    eq(post("/admin/tokens", "editor", {"name": "forged"}, csrf="x" * 43)[0], 403,
       "with a wrong CSRF token: 403")
    s, h, b = post("/admin/tokens", "editor", {"name": ""})
    eq(s, 422, "a token without a name: 422")
    contains(b, "Give the token a name", "with the reason")
    eq(post("/admin/tokens", "editor", {"name": "x" * 101})[0], 422, "a name too long: 422")
    eq(len(tokens_of("editor")), n, "no token was made")
    s, h, b = get("/admin/tokens")
    eq(s, 303, "signed out: /admin/tokens sends to sign in")


# --- events and webinars --------------------------------------------------

def local(dt):
    """A datetime-local value (the site's zone) and the UTC .ics time."""
    return dt.strftime("%Y-%m-%dT%H:%M"), \
        dt.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def soon(days, hour=10):
    d = datetime.datetime.now(ZoneInfo(ZONE)).date() + datetime.timedelta(days=days)
    return datetime.datetime(d.year, d.month, d.day, hour, 0, tzinfo=ZoneInfo(ZONE))


def event_form(name, slug, start, end, **extra):
    f = {"name": name, "slug": slug, "kind": "conference", "summary": "A day of talks.",
         "body_md": "Talks and **panels**.", "starts": local(start)[0],
         "ends": local(end)[0], "timezone": ZONE, "venue": "", "attendance": "online", "url": "",
         "sponsor_id": "0"}
    f.update(extra)
    return f


def events_row(slug):
    r = sql(DB, "SELECT id, name, starts_at, ends_at FROM events WHERE slug = ?", (slug,))
    return r[0] if r else None


def event_count():
    return sql(DB, "SELECT count(*) FROM events")[0][0], \
        sql(DB, "SELECT count(*) FROM webinars")[0][0]


def test_event_roles():
    eid = sql(DB, "SELECT id FROM events ORDER BY id LIMIT 1")[0][0]
    wid = sql(DB, "SELECT id FROM webinars ORDER BY id LIMIT 1")[0][0]
    ev = sql(DB, "SELECT * FROM events WHERE id = ?", (eid,))
    wb = sql(DB, "SELECT * FROM webinars WHERE id = ?", (wid,))
    n = event_count()
    start = soon(20)
    for who in ("member", "contributor", "author"):
        for path in ("/admin/events", "/admin/events/new", "/admin/events/%d" % eid,
                     "/admin/webinars", "/admin/webinars/new", "/admin/webinars/%d" % wid):
            eq(get(path, who)[0], 403, "%s may not see %s (403)" % (who, path))
        eq(post("/admin/events", who, event_form("Forged", "forged-" + who, start,
                                                  start + datetime.timedelta(hours=2)))[0],
           403, "%s may not add an event (403)" % who)
        eq(post("/admin/events/%d" % eid, who, event_form("Forged", "forged", start,
                                                          start))[0],
           403, "%s may not edit an event (403)" % who)
        eq(post("/admin/webinars", who, {"title": "Forged", "starts": local(start)[0],
                                         "duration_min": "60"})[0],
           403, "%s may not add a webinar (403)" % who)
        eq(post("/admin/webinars/%d" % wid, who, {"title": "Forged", "starts": local(start)[0],
                                                  "duration_min": "60"})[0],
           403, "%s may not edit a webinar (403)" % who)
    eq(event_count(), n, "no event or webinar was added")
    eq(sql(DB, "SELECT * FROM events WHERE id = ?", (eid,)), ev, "the event did not change")
    eq(sql(DB, "SELECT * FROM webinars WHERE id = ?", (wid,)), wb, "the webinar did not change")
    for who in ("editor", "admin"):
        for path in ("/admin/events", "/admin/events/new", "/admin/events/%d" % eid,
                     "/admin/webinars", "/admin/webinars/new", "/admin/webinars/%d" % wid):
            eq(get(path, who)[0], 200, "%s may see %s" % (who, path))
        s, h, b = post("/admin/events", who, event_form(
            "Made by " + who, "made-by-" + who, start, start + datetime.timedelta(hours=3)))
        eq(s, 303, "%s may add an event" % who)
        s, h, b = post("/admin/webinars", who, {"title": "Webinar by " + who, "slug": "",
                                                "starts": local(start)[0], "duration_min": "45"})
        eq(s, 303, "%s may add a webinar" % who)
        eq(sql(DB, "SELECT slug FROM webinars WHERE title = ?", ("Webinar by " + who,)),
           [("webinar-by-" + who,)], "an empty slug is made from the title")
    s, h, b = get("/admin/events", "editor")
    contains(b, "Made by admin", "the list shows the new events")


def test_event_csrf():
    eid, name = sql(DB, "SELECT id, name FROM events ORDER BY id LIMIT 1")[0]
    before = sql(DB, "SELECT * FROM events WHERE id = ?", (eid,))
    n = event_count()
    start = soon(21)
    form = event_form("Forged name", "forged-csrf", start, start + datetime.timedelta(hours=1))
    for path in ("/admin/events", "/admin/events/%d" % eid):
        eq(post(path, "editor", form, csrf=None)[0], 403, "POST %s without a token: 403" % path)
        eq(post(path, "editor", form, csrf="y" * 43)[0], 403, "with a wrong token: 403")
        eq(post(path, "editor", form, csrf=sign_in("admin")[1])[0], 403,
           "with another account's token: 403")
    wid = sql(DB, "SELECT id FROM webinars ORDER BY id LIMIT 1")[0][0]
    wbefore = sql(DB, "SELECT * FROM webinars WHERE id = ?", (wid,))
    eq(post("/admin/webinars/%d" % wid, "editor", {"title": "Forged", "starts": local(start)[0],
                                                   "duration_min": "60"}, csrf=None)[0],
       403, "a webinar without a token: 403")
    eq(sql(DB, "SELECT * FROM events WHERE id = ?", (eid,)), before, "the event did not change")
    eq(sql(DB, "SELECT * FROM webinars WHERE id = ?", (wid,)), wbefore,
       "the webinar did not change")
    eq(event_count(), n, "nothing was added")


def test_event_errors():
    start = soon(22)
    end = start + datetime.timedelta(hours=4)
    s, h, b = post("/admin/events", "editor", event_form("First Summit", "first-summit",
                                                         start, end))
    eq(s, 303, "an event is made")
    eid = events_row("first-summit")[0]
    eq(h.get("location"), "/admin/events/%d?done=1" % eid, "and its editor opens")
    n = event_count()
    s, h, b = post("/admin/events", "editor", event_form("Second Summit", "first-summit",
                                                         start, end))
    eq(s, 409, "a taken slug: 409")
    contains(b, "Another event already has that slug", "with a clear message")
    contains(b, 'value="Second Summit"', "and the form as it was typed")
    s, h, b = post("/admin/events", "editor", event_form("Second Summit", "second-summit",
                                                         start, end))
    eid2 = events_row("second-summit")[0]
    before = sql(DB, "SELECT * FROM events WHERE id = ?", (eid2,))
    eq(post("/admin/events/%d" % eid2, "editor", event_form("Second Summit", "first-summit",
                                                             start, end))[0],
       409, "moving to a taken slug: 409")
    n = event_count()
    bad = (("not a time", {"starts": "next tuesday"}, "The start is not a date and time"),
           ("a bad end", {"ends": "2026-13-45T10:00"}, "The end is not a date and time"),
           ("an end before the start", {"ends": local(start - datetime.timedelta(hours=1))[0]},
            "ends before it starts"),
           ("an event of 91 days", {"ends": local(start + datetime.timedelta(days=91))[0]},
            "at most 90 days"),
           ("no name", {"name": ""}, "needs a name"),
           ("a bad slug", {"slug": "Bad Slug"}, "lowercase letters"),
           ("an unknown kind", {"kind": "party"}, "kind of event"),
           ("a site that is not http(s)", {"url": "javascript:alert(1)"}, "http or https"),
           ("an unknown sponsor", {"sponsor_id": "999999"}, "sponsor"),
           ("a bad time zone", {"timezone": "Mars; DROP"}, "time zone"))
    for label, change, msg in bad:
        form = event_form("Second Summit", "second-summit", start, end)
        form.update(change)
        s, h, b = post("/admin/events/%d" % eid2, "editor", form)
        eq(s, 422, "%s: 422" % label)
        contains(b, msg, "%s: the reason is given" % label)
    eq(sql(DB, "SELECT * FROM events WHERE id = ?", (eid2,)), before, "the event did not change")
    s, h, b = post("/admin/events", "editor", event_form("Third", "third-summit", start, end,
                                                         starts="2026-02-30T10:00"))
    eq(s, 422, "a new event on February 30th: 422")
    eq(event_count(), n, "nothing was added")
    wid = sql(DB, "SELECT id FROM webinars ORDER BY id LIMIT 1")[0][0]
    wslug = sql(DB, "SELECT slug FROM webinars WHERE id = ?", (wid,))[0][0]
    wbefore = sql(DB, "SELECT * FROM webinars WHERE id = ?", (wid,))
    for label, f in (("a duration of 0", {"duration_min": "0"}),
                     ("a duration of two days", {"duration_min": "2880"}),
                     ("a duration that is not a number", {"duration_min": "an hour"}),
                     ("a start that is not a time", {"starts": "soon"}),
                     ("a recording that is not http(s)", {"recording_url": "ftp://x"}),
                     ("a join link that is not http(s)", {"join_url": "javascript:alert(1)"}),
                     ("an unknown topic", {"topic": "no-such-section"}),
                     ("a series address that is not a slug", {"series_slug": "Live Learning"})):
        form = {"title": "Renamed", "slug": wslug, "starts": local(start)[0],
                "duration_min": "60"}
        form.update(f)
        eq(post("/admin/webinars/%d" % wid, "editor", form)[0], 422, "%s: 422" % label)
    other = sql(DB, "SELECT slug FROM webinars WHERE id <> ? ORDER BY id LIMIT 1", (wid,))[0][0]
    s, h, b = post("/admin/webinars/%d" % wid, "editor", {
        "title": "Renamed", "slug": other, "starts": local(start)[0], "duration_min": "60"})
    eq(s, 409, "a webinar moved to a taken slug: 409")
    contains(b, "Another webinar already has that slug", "with a clear message")
    eq(sql(DB, "SELECT * FROM webinars WHERE id = ?", (wid,)), wbefore,
       "the webinar did not change")


def cached(path):
    """Renders path, then asks again: whether the second answer was a hit."""
    srv.get(path)
    return srv.get(path)[1].get("x-cache") == "hit"


def test_event_edit_shows_at_once():
    start = soon(1, 9)
    end = start + datetime.timedelta(hours=8)
    s, h, b = post("/admin/events", "editor", event_form("Fibre Futures Forum", "fibre-futures",
                                                         start, end, venue="Hall 4",
                                                         attendance="hybrid"))
    eq(s, 303, "an editor makes an event for tomorrow")
    eid = events_row("fibre-futures")[0]
    eq(events_row("fibre-futures")[2:], (int(start.timestamp()), int(end.timestamp())),
       "its times are read in the site's zone (%s)" % ZONE)
    pages = ("/events", "/events/fibre-futures", "/events/fibre-futures.ics", "/events.ics",
             "/", "/api/v1/events")
    for p in pages:
        ok(cached(p), "%s is cached" % p)
        contains(srv.get(p)[2].decode(), "Fibre Futures Forum", "%s shows the event" % p)
    static = sql(DB, "SELECT slug FROM pages ORDER BY id LIMIT 1")
    if static:
        ok(cached("/" + static[0][0]), "a static page (no sidebar) is cached")
    web = "/webinars/" + sql(DB, "SELECT slug FROM webinars ORDER BY id LIMIT 1")[0][0]
    ok(cached(web + ".ics"), "a webinar's .ics is cached")
    nstart = start + datetime.timedelta(hours=1)
    s, h, b = post("/admin/events/%d" % eid, "editor", event_form(
        "Fibre Futures Summit", "fibre-futures", nstart, end, venue="Hall 5", attendance="hybrid",
        body_md="Now with a *keynote*."))
    eq(s, 303, "the editor renames it and moves its start")
    for p in pages:
        body = srv.get(p)[2].decode()
        contains(body, "Fibre Futures Summit", "%s shows the new name at once" % p)
        ok("Fibre Futures Forum" not in body, "%s no longer shows the old one" % p)
    ics = srv.get("/events/fibre-futures.ics")[2].decode()
    contains(ics, "DTSTART:" + local(nstart)[1], "the .ics has the new start in UTC")
    contains(ics, "LOCATION:Hall 5", "and the new venue")
    contains(srv.html("/events/fibre-futures")[2], "<em>keynote</em>",
             "the page shows the new Markdown body")
    if static:
        eq(srv.get("/" + static[0][0])[1].get("x-cache"), "hit",
           "a page that shows no event stays cached")
    eq(srv.get(web + ".ics")[1].get("x-cache"), "hit", "so does a webinar's .ics")
    # A new slug: the page moves, the old address is gone.
    ok(cached("/events/fibre-futures"), "the page is cached again")
    s, h, b = post("/admin/events/%d" % eid, "editor", event_form(
        "Fibre Futures Summit", "fibre-summit", nstart, end))
    eq(s, 303, "the editor changes the slug")
    eq(srv.get("/events/fibre-futures")[0], 404, "the old address is 404 at once")
    eq(srv.get("/events/fibre-futures.ics")[0], 404, "and its .ics")
    eq(srv.get("/events/fibre-summit")[0], 200, "the new one answers")
    contains(srv.html("/events")[2], "/events/fibre-summit", "the list links the new address")
    # A sponsor renamed shows on the event at once.
    spid, spname = sql(DB, "SELECT id, name FROM sponsors ORDER BY id LIMIT 1")[0]
    post("/admin/events/%d" % eid, "editor", event_form(
        "Fibre Futures Summit", "fibre-summit", nstart, end, sponsor_id=str(spid)))
    contains(srv.html("/events/fibre-summit")[2], spname, "the event names its sponsor")
    ok(cached("/events/fibre-summit"), "and is cached")
    eq(post("/admin/sponsors/%d" % spid, "editor", {"name": "Renamed Sponsor Co",
                                                    "url": "https://sponsor.example"})[0],
       303, "the sponsor is renamed")
    contains(srv.html("/events/fibre-summit")[2], "Renamed Sponsor Co",
             "the event page shows the new sponsor name at once")
    ok("Event website" not in srv.html("/events/fibre-summit")[2],
       "an event without a site of its own shows no Event website button")
    post("/admin/events/%d" % eid, "editor", event_form(
        "Fibre Futures Summit", "fibre-summit", nstart, end, sponsor_id=str(spid),
        url="https://fibre-summit.example/"))
    contains(srv.html("/events/fibre-summit")[2],
             'href="https://fibre-summit.example/" rel="noopener">Event website',
             "one with a site links it from the Event website button")


def test_webinar_edit_shows_at_once():
    start = soon(2, 15)
    s, h, b = post("/admin/webinars", "editor", {
        "title": "Coherent Optics Explained", "slug": "coherent-optics", "series": "Basics",
        "summary": "An hour on coherent optics.", "body_md": "We *explain*.",
        "starts": local(start)[0], "duration_min": "60", "sponsor_id": "0"})
    eq(s, 303, "an editor makes a webinar for the day after tomorrow")
    wid = sql(DB, "SELECT id FROM webinars WHERE slug = 'coherent-optics'")[0][0]
    pages = ("/webinars", "/webinars/coherent-optics", "/webinars/coherent-optics.ics",
             "/webinars.ics", "/", "/api/v1/webinars")
    for p in pages:
        ok(cached(p), "%s is cached" % p)
        contains(srv.get(p)[2].decode(), "Coherent Optics Explained", "%s shows the webinar" % p)
    ev = "/events/" + sql(DB, "SELECT slug FROM events ORDER BY id LIMIT 1")[0][0] + ".ics"
    ok(cached(ev), "an event's .ics is cached")
    s, h, b = post("/admin/webinars/%d" % wid, "editor", {
        "title": "Coherent Optics in Depth", "slug": "coherent-optics", "series": "Basics",
        "summary": "Ninety minutes.", "body_md": "We *explain*.", "starts": local(start)[0],
        "duration_min": "90", "recording_url": "https://video.example/coherent"})
    eq(s, 303, "the editor retitles it, makes it longer and adds the recording")
    for p in pages:
        body = srv.get(p)[2].decode()
        contains(body, "Coherent Optics in Depth", "%s shows the new title at once" % p)
    ics = srv.get("/webinars/coherent-optics.ics")[2].decode()
    contains(ics, "DTEND:" + local(start + datetime.timedelta(minutes=90))[1],
             "the .ics ends 90 minutes after the start")
    eq(srv.get(ev)[1].get("x-cache"), "hit", "an event's .ics stays cached")
    s, h, b = get("/admin/webinars/%d" % wid, "editor")
    contains(b, 'value="https://video.example/coherent"', "the editor shows the recording")
    contains(b, 'value="%s"' % local(start)[0], "and the start in the site's zone")
    s, h, b = post("/admin/webinars/%d" % wid, "editor", {
        "title": "Coherent Optics in Depth", "slug": "coherent-optics", "series": "Basics",
        "series_slug": "basics", "topic": "optical-ip", "starts": local(start)[0],
        "duration_min": "90", "join_url": "https://live.example/coherent"})
    eq(s, 303, "the editor gives it a topic, a series address and a link to join")
    eq(sql(DB, "SELECT w.join_url, w.series_slug, s.slug FROM webinars w JOIN sections s"
               " ON s.id = w.topic_id WHERE w.id = ?", (wid,)),
       [("https://live.example/coherent", "basics", "optical-ip")], "which are stored")
    for p in ("/webinars?topic=optical-ip", "/webinars?series=basics", "/webinars.ics?series=basics"):
        contains(srv.get(p)[2].decode(), "Coherent Optics in Depth", "%s lists it at once" % p)
    ok("live.example" not in srv.get("/webinars/coherent-optics")[2].decode(),
       "the public page does not give the join link away")
    s, h, b = get("/admin/webinars/%d" % wid, "editor")
    ok('value="https://live.example/coherent"' in b and 'name="topic" value="optical-ip"' in b and
       'name="series_slug" value="basics"' in b, "the editor shows them")


def cleanup():
    return srv.stop()


run_tests([test_token_roles, test_token_use_and_revoke, test_token_form_errors,
           test_event_roles, test_event_csrf, test_event_errors, test_event_edit_shows_at_once,
           test_webinar_edit_shows_at_once], cleanup)
