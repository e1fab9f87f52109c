"""Front page curation: an editor pins the home page's lead and top
stories (/admin/front and GET/PUT /api/v1/admin/front), each until an
optional expiry; an expired pin, or one whose story is unpublished,
leaves the home page to the newest stories as without pins.  Bad input
is 422 naming the field, and changes nothing."""
import html
import json
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql

PW = "a passphrase long enough"


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-front-")
    db = demo_db(d)
    tokens = {}
    for name, role in (("author", "author"), ("editor", "editor")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        name.title(), name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, name + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[name] = r.stdout.strip()
    return db, tokens


DB, TOK = make_db()
srv = Server(db=DB)
SESS = {}


def sign_in(name):
    if name not in SESS:
        c = Client(srv, ip=None)
        c.sign_in(name + "@example.com", PW)
        SESS[name] = (c.cookie(), c.csrf("/signin"))
    return SESS[name]


def get(path, who):
    s, h, b = srv.request("GET", path, {"Cookie": sign_in(who)[0]})
    return s, h, b.decode("utf-8", "replace")


def post(path, who, fields):
    cookie, tok = sign_in(who)
    fields = dict(fields, csrf=tok)
    s, h, b = srv.request("POST", path, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(fields))
    return s, h, b.decode("utf-8", "replace")


def api(method, path, who, body=None):
    h = {"Authorization": "Bearer " + TOK[who]}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    return s, json.loads(b) if b else None


def home():
    """(lead title, titles of the top stories' row, body, x-cache)."""
    s, h, b = srv.html("/")
    eq(s, 200, "the home page answers")
    lead = re.search(r'<article class="lead">.*?<h1><a href="[^"]*">(.*?)</a></h1>', b, re.S)
    latest = re.search(r'<section class="home-top"[^>]*>(.*?)</section>', b, re.S)
    titles = re.findall(r'<h3 class="story-title"><a href="[^"]*">(.*?)</a>',
                        latest.group(1) if latest else "")
    return (html.unescape(lead.group(1)) if lead else None,
            [html.unescape(t) for t in titles], b, h.get("x-cache"))


def pins():
    return sql(DB, "SELECT slot, article_id, expires_at FROM front_pins ORDER BY slot")


def stories_older_than(days, n):
    return sql(DB, "SELECT id, title FROM articles WHERE status = 'published'"
                   " AND published_at < ? ORDER BY published_at DESC, id DESC LIMIT ?",
               (int(time.time()) - days * 86400, n))


NEWEST = None
BEFORE = None


def test_gate():
    global NEWEST, BEFORE
    NEWEST, latest, BEFORE, _ = home()
    ok(NEWEST is not None and len(latest) == 4, "without pins: a lead and four top stories")
    eq(home()[2], BEFORE, "the home page is stable between two reads")
    eq(get("/admin/front", "author")[0], 403, "an author may not see /admin/front")
    eq(post("/admin/front", "author", {"lead": "1"})[0], 403, "nor pin a story")
    eq(api("GET", "/api/v1/admin/front", "author")[0], 403, "nor through the API")
    s, h, b = get("/admin/front", "editor")
    eq(s, 200, "an editor sees /admin/front")
    contains(b, 'name="lead"', "with the lead's list")
    contains(b, 'name="top4_expires"', "and four top stories with an expiry")
    contains(get("/admin", "editor")[2], 'href="/admin/front"', "the menu links it")
    contains(b, 'name="pick4_expires"', "and four editor's picks")
    eq(api("GET", "/api/v1/admin/front", "editor"), (200, {"lead": None, "top": [], "picks": []}),
       "the demo pins nothing")


def test_pin_lead_and_top():
    (lead_id, lead_t), (top_id, top_t) = stories_older_than(3, 2)
    home()
    eq(home()[3], "hit", "the home page is cached")
    s, h, b = post("/admin/front", "editor", {"lead": str(lead_id), "top1": str(top_id)})
    eq(s, 303, "an editor pins a three-day-old lead and a top story")
    lead, latest, b, xc = home()
    eq(lead, lead_t, "the home page shows the pinned lead at once")
    eq(latest[:2], [top_t, NEWEST], "then the pinned top story, then the newest")
    eq(len(latest), 4, "four top stories still follow the lead")
    eq(latest.count(top_t), 1, "a pinned story is not shown twice")
    s, h, b = get("/admin/front", "editor")
    contains(b, '<option value="%d" selected>' % lead_id, "the form shows the pin")
    s, doc = api("GET", "/api/v1/admin/front", "editor")
    eq((doc["lead"]["article_id"], doc["lead"]["live"], doc["lead"]["expires_at"]),
       (lead_id, True, None), "the API shows the lead")
    eq([p["article_id"] for p in doc["top"]], [top_id], "and the top story")
    s, h, b = post("/admin/front", "editor", {})
    eq(s, 303, "an empty form takes the pins off")
    eq(pins(), [], "none is left")
    eq(home()[2], BEFORE, "the home page is as it was, byte for byte")


def test_bad_input():
    (aid, _t), = stories_older_than(3, 1)
    post("/admin/front", "editor", {"lead": str(aid)})
    kept = pins()
    soon = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 86400))
    past = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 86400))
    section = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
    s, doc = api("POST", "/api/v1/admin/articles", "editor",
                 {"title": "A draft not to pin", "section": section})
    eq(s, 201, "a draft is written")
    cases = [({"lead": "999999"}, "lead: there is no published story"),
             ({"lead": "x"}, "lead: choose the story"),
             ({"top2": str(aid), "top2_expires": "tomorrow"}, "top2_expires: the expiry is"),
             ({"lead": str(aid), "lead_expires": past}, "lead_expires: the expiry is not"),
             ({"lead": str(aid), "top1": str(aid), "top1_expires": soon},
              "top1: that story is pinned already")]
    cases.append(({"top3": str(doc["article"]["id"])}, "top3: there is no published story"))
    for fields, msg in cases:
        s, h, b = post("/admin/front", "editor", fields)
        eq(s, 422, "%r: 422" % fields)
        contains(html.unescape(b), msg, "naming the field (%s)" % msg.split(":")[0])
        eq(pins(), kept, "and nothing changed")
    for body, field in (({"lead": {"article_id": 999999}}, "lead.article_id"),
                        ({"top": [{"article_id": aid, "expires_at": "soon"}]},
                         "top[0].expires_at"),
                        ({"lead": {"article_id": aid, "expires_at": 1000}}, "lead.expires_at"),
                        ({"top": [{"article_id": aid}] * 5}, "top"),
                        ({"lead": {"article_id": aid}, "pins": []}, "unknown field pins")):
        s, doc = api("PUT", "/api/v1/admin/front", "editor", body)
        eq(s, 422, "API %r: 422" % body)
        contains(doc["error"]["message"] if doc else "", field, "naming " + field)
        eq(pins(), kept, "and nothing changed")
    eq(api("PUT", "/api/v1/admin/front", "author", {})[0], 403, "an author may not PUT")
    eq(api("PUT", "/api/v1/admin/front", "editor", {})[0], 200, "an empty PUT clears")
    eq(pins(), [], "no pin left")


def test_expiry():
    (aid, title), (top_id, top_t) = stories_older_than(3, 2)
    at = int(time.time()) + 4
    s, doc = api("PUT", "/api/v1/admin/front", "editor",
                 {"lead": {"article_id": aid, "expires_at": at},
                  "top": [{"article_id": top_id, "expires_at": at}]})
    eq(s, 200, "the API pins a lead and a top story for a few seconds")
    eq(doc["lead"]["expires_at"], at, "it answers with the pins")
    lead, latest, b, xc = home()
    eq((lead, latest[0]), (title, top_t), "the home page shows them")
    eq(home()[3], "hit", "from the cache")
    time.sleep(max(0, at - time.time()) + 1.1)
    lead, latest, b, xc = home()
    eq(lead, NEWEST, "once the pins expire the newest story leads again")
    ok(top_t not in latest[:1], "and the top story is no longer first")
    eq(b, BEFORE, "the page is as without pins")
    s, doc = api("GET", "/api/v1/admin/front", "editor")
    eq(doc["lead"]["live"], False, "the API tells the pin has expired")
    api("PUT", "/api/v1/admin/front", "editor", {})


def test_unpublish():
    (aid, title), = stories_older_than(3, 1)
    eq(api("PUT", "/api/v1/admin/front", "editor", {"lead": {"article_id": aid}})[0], 200,
       "pinned with no expiry")
    home()
    eq(home()[:1] + (home()[3],), (title, "hit"), "the pinned lead is on the cached home page")
    s, doc = api("POST", "/api/v1/admin/articles/%d/unpublish" % aid, "editor", {})
    eq(s, 200, "the story is unpublished")
    eq(home()[0], NEWEST, "the home page falls back to the newest story")
    eq(api("GET", "/api/v1/admin/front", "editor")[1]["lead"]["live"], False,
       "the pin shows as not live")
    s, h, b = get("/admin/front", "editor")
    contains(b, "not showing", "and the form says so")


run_tests([test_gate, test_pin_lead_and_top, test_bad_input, test_expiry, test_unpublish],
          srv.stop)
