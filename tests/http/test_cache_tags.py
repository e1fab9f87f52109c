"""Every kind of write drops the cached pages it changes.

For each write (a story published, edited and unpublished; a section,
a static page, an event, a webinar, a menu, an author and a promo
edited; a comment posted and rejected) the pages that show what it changes are rendered and
cached first, each declaring the dependency tag the write touches in its
Surrogate-Key (the names come from src/tag.h); after the write each is
rendered again (X-Cache: miss) and shows the change."""
import datetime
import re
import subprocess
import tempfile
import urllib.parse
from zoneinfo import ZoneInfo

from harness import BIN, Server, ok, eq, contains, run_tests, demo_db, sql

PW = "a passphrase long enough"


def make_db():
    db = demo_db(tempfile.mkdtemp(prefix="masthead-cache-tags-"))
    for name, role in (("ada", "admin"), ("alice", "member")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        name.title(), name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    return db


DB = make_db()
srv = Server(db=DB, args=["--comment_rate_user", "1000", "--comment_rate_ip", "1000"])
ZONE = sql(DB, "SELECT value FROM settings WHERE key = 'timezone'")
ZONE = ZONE[0][0] if ZONE else "UTC"
SECTION_ID, SECTION = sql(DB, "SELECT id, slug FROM sections WHERE parent_id IS NULL"
                              " ORDER BY id LIMIT 1")[0]
SESS = {}


def cookies_of(h):
    out = {}
    for part in re.split(r",\s*(?=[A-Za-z_]+=)", h.get("set-cookie", "")):
        if "=" in part:
            k, v = part.split(";")[0].split("=", 1)
            out[k.strip()] = v
    return out


def form_token(body):
    m = re.search(r'name="csrf" value="([^"]*)"', body)
    return m.group(1) if m else None


def sign_in(name):
    """(session cookie, CSRF token) of name, signing in once."""
    if name not in SESS:
        s, h, b = srv.html("/signin")
        jar = "mh_csrf=" + cookies_of(h)["mh_csrf"]
        s, h, b = srv.request("POST", "/signin", {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": jar},
            urllib.parse.urlencode({"csrf": form_token(b), "email": name + "@example.com",
                                    "password": PW}))
        cookie = "mh_session=" + cookies_of(h)["mh_session"]
        s, h, b = srv.request("GET", "/signin", {"Cookie": cookie})
        SESS[name] = (cookie, form_token(b.decode()))
    return SESS[name]


def post(path, fields, who="ada"):
    cookie, tok = sign_in(who)
    s, h, b = srv.request("POST", path, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        urllib.parse.urlencode(dict(fields, csrf=tok)))
    return s, h, b.decode("utf-8", "replace")


def keys(h):
    return (h.get("surrogate-key") or "").split()


def cached(pages, what):
    """Renders each (path, tag) twice: stored, then a hit that declares tag."""
    for path, tag in pages:
        srv.get(path)
        s, h, b = srv.get(path)
        eq((s, h.get("x-cache")), (200, "hit"), "%s: %s is cached" % (what, path))
        ok(tag in keys(h), "%s: %s declares %s" % (what, path, tag),
           "Surrogate-Key: %r" % h.get("surrogate-key"))


def after(pages, what, shows=None, gone=None):
    """Each page renders again and shows (or no longer shows) the change."""
    for path, tag in pages:
        s, h, b = srv.html(path)
        eq((s, h.get("x-cache")), (200, "miss"), "after %s: %s is rendered again"
           % (what, path))
        if shows is not None:
            contains(b, shows, "after %s: %s shows it" % (what, path))
        if gone is not None:
            ok(gone not in b, "after %s: %s no longer shows %r" % (what, path, gone))


def article_id(loc):
    m = re.match(r"/admin/articles/(\d+)", loc or "")
    return int(m.group(1)) if m else None


def test_article_publish_edit_unpublish():
    title = "Cache Tags Story One"
    s, h, b = post("/admin/articles", {"title": title, "section": SECTION, "type": "news",
                                       "body_md": "A paragraph.", "then": "save"})
    aid = article_id(h.get("location"))
    ok(aid is not None, "a draft is saved", "%d %s" % (s, b[:300]))
    lists = [("/", "latest"), ("/section/" + SECTION, "ls%d" % SECTION_ID),
             ("/type/news", "ltype:news"), ("/api/v1/articles", "latest")]
    cached(lists, "publish")
    eq(post("/admin/articles/%d/publish" % aid, {})[0], 303, "the story is published")
    after(lists, "publish", shows=title)

    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (aid,))[0][0]
    pages = [("/article/" + slug, "a%d" % aid)] + lists
    cached(pages, "an edit")
    edited = "Cache Tags Story Edited"
    eq(post("/admin/articles/%d" % aid, {"title": edited, "then": "update"})[0], 303,
       "the story is edited")
    after(pages, "an edit", shows=edited)

    cached(lists, "unpublish")
    eq(post("/admin/articles/%d/unpublish" % aid, {})[0], 303, "the story is unpublished")
    after(lists, "unpublish", gone=edited)


def test_section_edit():
    slug = sql(DB, "SELECT a.slug FROM articles a WHERE a.section_id = ? AND"
                   " a.status = 'published' ORDER BY a.id LIMIT 1", (SECTION_ID,))[0][0]
    old = sql(DB, "SELECT name FROM sections WHERE id = ?", (SECTION_ID,))[0][0]
    pages = [("/section/" + SECTION, "s%d" % SECTION_ID), ("/article/" + slug, "s%d" % SECTION_ID),
             ("/api/v1/sections", "sections")]
    cached(pages, "a section edit")
    eq(post("/admin/sections/%d" % SECTION_ID, {"name": old + " Retitled", "position": "0"})[0],
       303, "the section is renamed")
    after(pages, "a section edit", shows=old + " Retitled")
    post("/admin/sections/%d" % SECTION_ID, {"name": old, "position": "0"})


def test_subsection_edit():
    """A section page lists its sub-sections from a fragment of their
    own: a renamed sub-section shows on its parent's page at once."""
    rows = sql(DB, "SELECT c.id, c.name, p.slug, p.id FROM sections c JOIN sections p"
                   " ON p.id = c.parent_id ORDER BY c.id LIMIT 1")
    ok(rows, "the demo has a sub-section")
    if not rows:
        return
    cid, old, parent, pid = rows[0]
    pages = [("/section/" + parent, "s%d" % cid)]
    cached(pages, "a sub-section edit")
    eq(post("/admin/sections/%d" % cid, {"name": old + " Renamed", "position": "0"})[0],
       303, "the sub-section is renamed")
    after(pages, "a sub-section edit", shows=old + " Renamed")
    post("/admin/sections/%d" % cid, {"name": old, "position": "0"})
    after(pages, "the name put back", gone=old + " Renamed")


def test_static_page_edit():
    eq(post("/admin/pages", {"slug": "cache-tags-page", "title": "Tagged Page",
                             "body_md": "First text."})[0], 303, "a static page is added")
    pid = sql(DB, "SELECT id FROM pages WHERE slug = 'cache-tags-page'")[0][0]
    pages = [("/cache-tags-page", "pg%d" % pid)]
    cached(pages, "a page edit")
    eq(post("/admin/pages/%d" % pid, {"title": "Tagged Page", "body_md": "Second text."})[0],
       303, "the page is edited")
    after(pages, "a page edit", shows="Second text.")


def local(days, hours=0):
    d = datetime.datetime.now(ZoneInfo(ZONE)).date() + datetime.timedelta(days=days)
    t = datetime.datetime(d.year, d.month, d.day, 10, 0, tzinfo=ZoneInfo(ZONE))
    return (t + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def event_form(name):
    return {"name": name, "slug": "cache-tags-summit", "kind": "conference",
            "summary": "A day of talks.", "body_md": "Talks.", "starts": local(30),
            "ends": local(30, 3), "timezone": ZONE, "venue": "", "attendance": "online", "url": "",
            "sponsor_id": "0"}


def test_event_edit():
    eq(post("/admin/events", event_form("Cache Tags Summit"))[0], 303, "an event is added")
    eid = sql(DB, "SELECT id FROM events WHERE slug = 'cache-tags-summit'")[0][0]
    pages = [("/events", "events"), ("/events/cache-tags-summit", "ev%d" % eid),
             ("/events/cache-tags-summit.ics", "ev%d" % eid)]
    cached(pages, "an event edit")
    eq(post("/admin/events/%d" % eid, event_form("Cache Tags Summit Renamed"))[0], 303,
       "the event is edited")
    after(pages, "an event edit", shows="Cache Tags Summit Renamed")


def test_webinar_edit():
    form = {"title": "Cache Tags Webinar", "slug": "cache-tags-webinar", "starts": local(20),
            "duration_min": "45"}
    eq(post("/admin/webinars", form)[0], 303, "a webinar is added")
    wid = sql(DB, "SELECT id FROM webinars WHERE slug = 'cache-tags-webinar'")[0][0]
    pages = [("/webinars", "webinars"), ("/webinars/cache-tags-webinar", "wb%d" % wid)]
    cached(pages, "a webinar edit")
    eq(post("/admin/webinars/%d" % wid, dict(form, title="Cache Tags Webinar Renamed"))[0], 303,
       "the webinar is edited")
    after(pages, "a webinar edit", shows="Cache Tags Webinar Renamed")


def test_menu_edit():
    slug = sql(DB, "SELECT slug FROM articles WHERE status = 'published' ORDER BY id LIMIT 1")[0][0]
    pages = [("/", "site"), ("/article/" + slug, "site"), ("/events", "site")]
    cached(pages, "a menu edit")
    eq(post("/admin/menus", {"menu": "footer", "label": "Cache Tags Link", "url": "/about-us",
                             "position": "7"})[0], 303, "a footer link is added")
    after(pages, "a menu edit", shows="Cache Tags Link")


def test_author_edit():
    auid, auslug, name = sql(DB, "SELECT id, slug, name FROM authors ORDER BY id LIMIT 1")[0]
    slug = sql(DB, "SELECT a.slug FROM articles a JOIN article_authors x ON x.article_id = a.id"
                   " WHERE x.author_id = ? AND a.status = 'published' ORDER BY a.id LIMIT 1",
               (auid,))[0][0]
    pages = [("/author/" + auslug, "au%d" % auid), ("/article/" + slug, "au%d" % auid),
             ("/api/v1/authors", "authors")]
    cached(pages, "an author edit")
    eq(post("/admin/authors/%d" % auid, {"name": "Cache Tags Byline", "role": "Writer"})[0], 303,
       "the author is renamed")
    after(pages, "an author edit", shows="Cache Tags Byline")


def test_promo_edit():
    pid, sec = sql(DB, "SELECT id, section_id FROM promos WHERE section_id IS NOT NULL"
                       " AND active = 1 ORDER BY id LIMIT 1")[0]
    slug = sql(DB, "SELECT a.slug FROM section_articles x JOIN articles a ON a.id = x.article_id"
                   " WHERE x.section_id = ? AND a.status = 'published' ORDER BY a.id LIMIT 1",
               (sec,))[0][0]
    pages = [("/article/" + slug, "promos")]
    cached(pages, "a promo edit")
    eq(post("/admin/promos/%d" % pid, {"text": "Cache tags promo", "link_text": "Here",
                                       "url": "/", "active": "1"})[0], 303,
       "the promo is rewritten")
    after(pages, "a promo edit", shows="Cache tags promo")


def test_comment_post_and_reject():
    aid, slug = sql(DB, "SELECT id, slug FROM articles WHERE status = 'published'"
                        " AND type = 'news' ORDER BY id DESC LIMIT 1")[0]
    pages = [("/article/" + slug, "cm%d" % aid), ("/article/%s/comments.atom" % slug,
                                                  "cm%d" % aid)]
    cached(pages, "a comment")
    text = "A comment the cache must show"
    s, h, b = post("/article/%s/comment" % slug, {"body": text}, "alice")
    m = re.match(r"/comments/(\d+)$", h.get("location", ""))
    ok(s == 303 and m is not None, "a member's comment is posted and shown",
       "%d %r" % (s, h.get("location")))
    after(pages, "a comment", shows=text)
    cached(pages, "a rejection")
    eq(post("/admin/comments", {"act": "reject:%s" % m.group(1)})[0], 303,
       "a moderator rejects it")
    after(pages, "a rejection", gone=text)


run_tests([test_article_publish_edit_unpublish, test_section_edit, test_subsection_edit,
           test_static_page_edit,
           test_event_edit, test_webinar_edit, test_menu_edit, test_author_edit, test_promo_edit,
           test_comment_post_and_reject],
          srv.stop)
