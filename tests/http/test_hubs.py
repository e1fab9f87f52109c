"""Sponsored hubs and show hubs (docs/hubs.md): the demo's four hubs behind
their menu entries; a sponsored hub's disclosure, items of every kind with
their kind and sponsor, its strict-XML feed and its counted links; a show's
dates, venue, stories, videos and live blog (newest first, in the site's
zone, as HTML and as the JSON the page polls); a hub not started (404 to
readers, previewed by editors) and one ended (marked); the newsroom's
forms (who may, CSRF, bad input refused with nothing changed, items
added, moved and removed, stories found by title, live posts written,
edited and deleted); every write seen on the very next request while the
other hubs stay cached; views counted at the cache hit and clicks at the
redirect, exported as CSV; the "Sponsored by" label in lists and search;
the news sitemap without the sponsored hubs' stories."""
import json
import re
import subprocess
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests,
                     demo_db, sql)

PW = "a passphrase long enough"
ROLES = ("author", "editor")


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-hubs-")
    db = demo_db(d)
    for role in ROLES:
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        role.title(), role + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    return db


DB = make_db()
srv = Server(db=DB)
news = Newsroom(srv, PW)


def hub_id(slug):
    return sql(DB, "SELECT id FROM hubs WHERE slug = ?", (slug,))[0][0]


def page(path):
    s, h, b = srv.request("GET", path)
    return s, h, b.decode("utf-8", "replace")


def main_of(body):
    m = re.search(r'<main id="main"[^>]*>(.*)</main>', body, re.S)
    return m.group(1) if m else ""


def warm(path):
    """Fetches path until the cache answers it."""
    page(path)
    s, h, b = page(path)
    eq(h.get("x-cache"), "hit", "%s is served from the cache" % path)
    return b


def local(t):
    """The datetime-local value of t in the site's zone."""
    import datetime
    from zoneinfo import ZoneInfo
    z = sql(DB, "SELECT value FROM settings WHERE key = 'timezone'")
    z = z[0][0] if z and z[0][0] else "UTC"
    return datetime.datetime.fromtimestamp(t, ZoneInfo(z)).strftime("%Y-%m-%dT%H:%M")


def hub_form(of, **over):
    """The form of hub of as it is stored, with over changed."""
    row = sql(DB, "SELECT slug, kind, title, intro, sponsor_id, disclosure,"
              " starts_at, ends_at, venue FROM hubs WHERE slug = ?", (of,))[0]
    f = {"slug": row[0], "kind": row[1], "title": row[2], "intro": row[3],
         "sponsor_id": str(row[4] or ""), "disclosure": row[5],
         "starts": local(row[6]), "ends": local(row[7]) if row[7] else "",
         "venue": row[8]}
    f.update(over)
    return f


def test_menus_lead_to_hubs():
    # Pages carry the menu's top row; its panels are on /sections.
    s, h, b = page("/sections")
    eq(s, 200, "the menu's page")
    for label, url, title in (
            ("Future Vision Tech Center", "/hub/future-vision", "Future Vision Tech Center"),
            ("Internet for the Future", "/hub/internet-for-the-future", "Internet for the Future"),
            ("Mobile World Congress", "/shows/mobile-world-congress", "Mobile World Congress"),
            ("Big 5G Event", "/shows/big-5g-event", "Big 5G Event")):
        contains(b, 'href="%s">%s</a>' % (url, label),
                 "the menu's %s leads to %s" % (label, url))
        s, h, p = page(url)
        eq(s, 200, "%s answers" % url)
        contains(p, '<h1 class="headline">%s</h1>' % title, "%s shows its title" % url)


def test_sponsored_hub_page():
    s, h, b = page("/hub/future-vision")
    m = main_of(b)
    disc = m.find("hub-disclosure")
    first = m.find("hub-item")
    ok(0 <= disc < first, "the disclosure is at the top, before the items")
    contains(m, "paid for by Nokia", "the disclosure's text is shown")
    contains(m, 'rel="sponsored">Nokia</a>', "the sponsor is named and linked")
    kinds = re.findall(r'<span class="hub-kind">([^<]+)</span>', m)
    for k in ("White paper", "Webinar", "Event"):
        ok(k in kinds, "an item is labelled %s" % k)
    ok(any(k in ("News", "News Analysis", "Feature") for k in kinds),
       "a story is labelled with its type (%s)" % kinds)
    eq(m.count("Sponsored by Nokia"), len(kinds),
       "each item says who sponsors it")
    n = sql(DB, "SELECT count(*) FROM hub_items WHERE hub_id = ?",
            (hub_id("future-vision"),))[0][0]
    eq(len(kinds), n, "every item of the hub is listed")
    links = re.findall(r'href="(/hub/future-vision/go/\d+)"', m)
    eq(len(links), n, "each item links through the counted redirect")
    ok("surrogate-key" in h and ("hb%d" % hub_id("future-vision")) in h["surrogate-key"].split(),
       "the page declares its hub's tag")
    s, h, b = page("/hub/mobile-world-congress")
    eq(s, 404, "a show is not a sponsored hub's page")
    s, h, b = page("/shows/future-vision")
    eq(s, 404, "nor is a sponsored hub a show")
    for bad in ("/hub/no-such-hub", "/hub/BAD_SLUG", "/hub/future-vision/go/0",
                "/hub/future-vision/go/x", "/hub/future-vision/go/999999",
                "/shows/no-such-show/live"):
        eq(page(bad)[0], 404, "%s is not found" % bad)


def test_feed_is_strict_xml():
    s, h, b = page("/hub/internet-for-the-future/feed.xml")
    eq(s, 200, "the hub's feed answers")
    contains(h.get("content-type", ""), "application/rss+xml", "as RSS")
    root = ET.fromstring(b.encode("utf-8"))
    items = root.findall("./channel/item")
    n = sql(DB, "SELECT count(*) FROM hub_items WHERE hub_id = ?",
            (hub_id("internet-for-the-future"),))[0][0]
    eq(len(items), n, "a strict XML parser reads every item")
    ok(all(i.findtext("link", "").startswith("http") for i in items),
       "each item's link is absolute")
    eq(root.findtext("./channel/title"), "Internet for the Future", "the channel's title")
    s, h, b = page("/hub/internet-for-the-future")
    contains(b, 'href="/hub/internet-for-the-future/feed.xml"', "the page links its feed")


def test_show_page_and_live_blog():
    s, h, b = page("/shows/mobile-world-congress")
    m = main_of(b)
    contains(m, "Fira Gran Via, Barcelona", "the show's venue")
    ok(re.search(r'<p class="event-when"><time datetime="[^"]+">[A-Z][a-z]+ \d', m),
       "the show's dates")
    contains(m, "The show is on", "a show under way says so")
    times = re.findall(r'<li class="live-post" id="post-(\d+)"><p class="live-time"><time datetime="([^"]+)"', m)
    eq(len(times), 5, "the live blog's five posts")
    isos = [t for _, t in times]
    eq(isos, sorted(isos, reverse=True), "newest first")
    ok(re.search(r'<time datetime="[^"]+" title="[^"]+">\d{1,2}:\d\d [AP]M [A-Z]+</time>', m),
       "each post's time in the site's zone")
    contains(m, 'id="stories-h"', "the show's stories")
    contains(m, 'id="videos-h"', "the show's videos")
    contains(b, "/assets/live.js?v=", "the page loads the script that polls")
    contains(m, 'data-live="/shows/mobile-world-congress/live"', "and tells it where")
    s, h, j = page("/shows/mobile-world-congress/live")
    eq(s, 200, "the live document answers")
    contains(h.get("content-type", ""), "application/json", "as JSON")
    d = json.loads(j)
    eq([str(p["id"]) for p in d["posts"]], [i for i, _ in times],
       "the same posts as the page, in the same order")
    ok(all("body_md" not in p for p in d["posts"]), "without the Markdown source")
    s, h, b = page("/shows/big-5g-event")
    contains(b, "The show is over", "a show that ended is marked as ended")
    eq(len(re.findall(r'class="live-post" id="post-', b)), 3, "and keeps its live blog")


def test_newsroom_refuses():
    s, h, b = news.get("/admin/hubs", "author")
    eq(s, 403, "an author may not open the hubs")
    before = sql(DB, "SELECT count(*) FROM hubs")[0][0]
    s, h, b = news.post("/admin/hubs", "author", hub_form("future-vision", slug="x-one"))
    eq(s, 403, "nor create one")
    s, h, b = news.post("/admin/hubs", "editor", hub_form("future-vision", slug="x-two"),
                        csrf=False)
    eq(s, 403, "a form without its CSRF token is refused")
    for name, over, want in (
            ("a bad address", {"slug": "Not A Slug"}, 422),
            ("a bad kind", {"slug": "x-three", "kind": "banner"}, 422),
            ("a sponsored hub without a sponsor", {"slug": "x-four", "sponsor_id": ""}, 422),
            ("a sponsored hub without a disclosure", {"slug": "x-five", "disclosure": ""}, 422),
            ("no title", {"slug": "x-six", "title": ""}, 422),
            ("a bad start", {"slug": "x-seven", "starts": "soon"}, 422),
            ("an end before the start", {"slug": "x-eight", "ends": "2001-01-01T00:00"}, 422),
            ("an unknown sponsor", {"slug": "x-nine", "sponsor_id": "999999"}, 422),
            ("an address in use", {"slug": "internet-for-the-future"}, 409)):
        s, h, b = news.post("/admin/hubs", "editor", hub_form("future-vision", **over))
        eq(s, want, "%s is refused (%d)" % (name, want))
    eq(sql(DB, "SELECT count(*) FROM hubs")[0][0], before, "and no hub was made")
    hid = hub_id("future-vision")
    n = sql(DB, "SELECT count(*) FROM hub_items WHERE hub_id = ?", (hid,))[0][0]
    for f in ({"kind": "poster", "item_id": "1"}, {"kind": "article", "item_id": "x"},
              {"kind": "article", "item_id": "999999999"}):
        s, h, b = news.post("/admin/hubs/%d/items" % hid, "editor", f)
        eq(s, 422, "an item %s is refused" % f)
    first = sql(DB, "SELECT item_id FROM hub_items WHERE hub_id = ? AND kind = 'article'"
                " ORDER BY position", (hid,))[0][0]
    s, h, b = news.post("/admin/hubs/%d/items" % hid, "editor",
                        {"kind": "article", "item_id": str(first)})
    eq(s, 409, "a story the hub has already is refused")
    eq(sql(DB, "SELECT count(*) FROM hub_items WHERE hub_id = ?", (hid,))[0][0], n,
       "and the items are unchanged")
    show = hub_id("mobile-world-congress")
    posts = sql(DB, "SELECT count(*) FROM live_posts")[0][0]
    s, h, b = news.post("/admin/hubs/%d/live" % show, "editor", {"body": "  "})
    eq(s, 422, "an empty live post is refused")
    s, h, b = news.post("/admin/hubs/%d/live" % show, "editor", {"body": "x" * 8001})
    eq(s, 422, "a live post over 8,000 characters is refused")
    s, h, b = news.post("/admin/hubs/%d/live" % hid, "editor", {"body": "Hello"})
    eq(s, 404, "a sponsored hub has no live blog")
    eq(sql(DB, "SELECT count(*) FROM live_posts")[0][0], posts, "and no post was made")
    eq(news.get("/admin/hubs/999999", "editor")[0], 404, "an unknown hub is not found")


def test_items_change_the_page_at_once():
    fv, inf = "/hub/future-vision", "/hub/internet-for-the-future"
    warm(fv)
    other = warm(inf)
    hid = hub_id("future-vision")
    s, h, b = news.get("/admin/hubs/%d?q=fiber" % hid, "editor")
    eq(s, 200, "the editor searches stories by title")
    found = re.findall(r'name="item_id" value="(\d+)">\s*<span>([^<]+)</span>', b)
    ok(found and all("fiber" in t.lower() for _, t in found),
       "the stories found have the words in their title (%d)" % len(found))
    have = set(r[0] for r in sql(DB, "SELECT item_id FROM hub_items WHERE hub_id = ?"
                                  " AND kind = 'article'", (hid,)))
    new = next(int(i) for i, _ in found if int(i) not in have)
    title = sql(DB, "SELECT title FROM articles WHERE id = ?", (new,))[0][0]
    s, h, b = news.post("/admin/hubs/%d/items" % hid, "editor",
                        {"kind": "article", "item_id": str(new)})
    eq(s, 303, "the story is added")
    s, h, b = page(fv)
    eq(h.get("x-cache"), "miss", "the hub's page is rendered again at once")
    contains(b, ">%s</a>" % title.replace("'", "&#39;"), "and lists the new story")
    s, h, b2 = page(inf)
    eq((h.get("x-cache"), b2), ("hit", other), "another hub's page stays cached, unchanged")
    # Move the new story (last) up, then remove it.
    item = sql(DB, "SELECT id FROM hub_items WHERE hub_id = ? AND item_id = ? AND kind = 'article'",
               (hid, new))[0][0]
    order = lambda: [r[0] for r in sql(DB, "SELECT id FROM hub_items WHERE hub_id = ?"
                                       " ORDER BY position, id", (hid,))]
    before = order()
    s, h, b = news.post("/admin/hubs/%d/items/%d" % (hid, item), "editor", {"action": "up"})
    eq(s, 303, "the item moves up")
    after = order()
    eq(after.index(item), before.index(item) - 1, "one place up")
    s, h, b = page(fv)
    links = re.findall(r'/hub/future-vision/go/(\d+)"', b)
    eq([int(x) for x in links], after, "the page shows the new order")
    s, h, b = news.post("/admin/hubs/%d/items/%d" % (hid, item), "editor", {"action": "down"})
    eq(order(), before, "and back down")
    s, h, b = news.post("/admin/hubs/%d/items/%d" % (hid, item), "editor", {"action": "sideways"})
    eq(s, 422, "an unknown action is refused")
    s, h, b = news.post("/admin/hubs/%d/items/%d" % (hid, item), "editor", {"action": "remove"})
    eq(s, 303, "the item is removed")
    s, h, b = page(fv)
    eq(h.get("x-cache"), "miss", "the page is rendered again")
    ok(">%s</a>" % title not in b, "without the story")
    eq(page(inf)[1].get("x-cache"), "hit", "the other hub is still cached")


def test_live_posts_change_the_page_at_once():
    mwc, b5g = "/shows/mobile-world-congress", "/shows/big-5g-event"
    warm(mwc)
    warm(mwc + "/live")
    other = warm(b5g)
    sid = hub_id("mobile-world-congress")
    s, h, b = news.post("/admin/hubs/%d/live" % sid, "editor",
                        {"body": "Breaking from the floor: **a new post**."})
    eq(s, 303, "the editor posts on the live blog")
    s, h, b = page(mwc)
    eq(h.get("x-cache"), "miss", "the show's page is rendered again at once")
    first = re.search(r'<li class="live-post" id="post-(\d+)">.*?<div class="body">(.*?)</div>', b, re.S)
    contains(first.group(2), "<strong>a new post</strong>", "the new post comes first")
    pid = int(first.group(1))
    d = json.loads(page(mwc + "/live")[2])
    eq(d["posts"][0]["id"], pid, "the live document has it first too")
    s, h, b2 = page(b5g)
    eq((h.get("x-cache"), b2), ("hit", other), "another show stays cached, unchanged")
    s, h, b = news.post("/admin/hubs/%d/live/%d" % (sid, pid), "editor",
                        {"body": "Corrected: a new post."})
    eq(s, 303, "the post is edited")
    d = json.loads(page(mwc + "/live")[2])
    eq((d["posts"][0]["id"], "Corrected" in d["posts"][0]["body_html"]), (pid, True),
       "the edit shows at once")
    s, h, b = news.post("/admin/hubs/%d/live/%d" % (sid, pid), "editor", {"action": "delete"})
    eq(s, 303, "the post is deleted")
    s, h, b = page(mwc)
    ok('id="post-%d"' % pid not in b, "and leaves the page at once")
    ok(pid not in [p["id"] for p in json.loads(page(mwc + "/live")[2])["posts"]],
       "and the live document")
    s, h, b = news.post("/admin/hubs/%d/live/%d" % (sid, pid), "editor", {"body": "Again"})
    eq(s, 404, "a deleted post cannot be edited")
    s, h, b = news.get("/admin/hubs/%d" % sid, "editor")
    contains(b, "deleted", "the newsroom still lists it, marked deleted")


def test_not_started_and_ended():
    slug, path = "internet-for-the-future", "/hub/internet-for-the-future"
    hid = hub_id(slug)
    now = int(time.time())
    s, h, b = news.post("/admin/hubs/%d" % hid, "editor",
                        hub_form(slug, starts=local(now + 86400 * 3),
                                 ends=local(now + 86400 * 9)))
    eq(s, 303, "the editor moves the start three days ahead")
    eq(page(path)[0], 404, "readers do not find a hub before its start")
    eq(page(path + "/feed.xml")[0], 404, "nor its feed")
    s, h, b = news.get("/admin/hubs/%d/preview" % hid, "editor")
    eq(s, 200, "the editor previews it")
    contains(b, "Preview: readers see this page from", "marked as a preview")
    ok("no-store" in h.get("cache-control", ""), "and the preview is not stored")
    s, h, b = news.post("/admin/hubs/%d" % hid, "editor",
                        hub_form(slug, starts=local(now - 86400 * 9),
                                 ends=local(now - 86400 * 2)))
    eq(s, 303, "the editor sets dates in the past")
    s, h, b = page(path)
    eq(s, 200, "a hub that ended still shows")
    contains(b, "This program ended", "marked as ended")
    s, h, b = news.post("/admin/hubs/%d" % hid, "editor",
                        hub_form(slug, starts=local(now - 86400 * 9), ends=""))
    eq(s, 303, "and without an end")
    ok("This program ended" not in page(path)[2], "it runs again")


def test_counts_and_csv():
    slug = "future-vision"
    hid = hub_id(slug)
    # The views of the tests before are written within two seconds.
    time.sleep(2.5)
    before = sql(DB, "SELECT COALESCE(sum(views), 0), COALESCE(sum(clicks), 0)"
                 " FROM hub_stats WHERE hub_id = ?", (hid,))[0]
    page("/hub/" + slug)
    hits = 0
    for _ in range(5):
        s, h, b = page("/hub/" + slug)
        hits += h.get("x-cache") == "hit"
    eq(hits, 5, "the page is served from the cache")
    item = sql(DB, "SELECT id, item_id FROM hub_items WHERE hub_id = ? AND kind = 'article'"
               " ORDER BY position", (hid,))[0]
    art = sql(DB, "SELECT slug FROM articles WHERE id = ?", (item[1],))[0][0]
    s, h, b = page("/hub/%s/go/%d" % (slug, item[0]))
    eq((s, h.get("location")), (302, "/article/" + art), "a click goes to the story")
    ok("cookie" not in " ".join(h.keys()), "and sets no cookie")
    deadline = time.time() + 10
    while time.time() < deadline:
        now = sql(DB, "SELECT COALESCE(sum(views), 0), COALESCE(sum(clicks), 0)"
                  " FROM hub_stats WHERE hub_id = ?", (hid,))[0]
        if now[0] - before[0] >= 6 and now[1] - before[1] >= 1:
            break
        time.sleep(0.5)
    eq((now[0] - before[0], now[1] - before[1]), (6, 1),
       "six views (five from the cache) and one click are written within seconds")
    s, h, b = news.get("/admin/hubs/%d/stats.csv" % hid, "editor")
    eq(s, 200, "the editor exports the counts")
    contains(h.get("content-type", ""), "text/csv", "as CSV")
    lines = b.strip().split("\r\n")
    eq(lines[0], "hub,day,views,clicks", "with its header")
    day = time.strftime("%Y-%m-%d", time.gmtime())
    row = [l for l in lines[1:] if ('"%s"' % day) in l]
    ok(row and row[0].startswith('"future-vision","%s",' % day),
       "and a row for today (%s)" % row)
    eq(news.get("/admin/hubs/%d/stats.csv" % hid, "author")[0], 403,
       "an author may not export it")


def test_sponsored_label_in_lists_and_search():
    hid = hub_id("future-vision")
    art = sql(DB, "SELECT a.slug, a.title, s.slug FROM hub_items x JOIN articles a ON a.id = x.item_id"
              " JOIN sections s ON s.id = a.section_id WHERE x.hub_id = ? AND x.kind = 'article'"
              " ORDER BY x.position", (hid,))[0]
    s, h, b = page("/section/" + art[2])
    m = re.search(r'Sponsored by Nokia</span> <a href="/section/[^"]+">[^<]*</a>[^<]*</p>\s*'
                  r'<h2 class="story-title"><a href="/article/%s">' % re.escape(art[0]), b)
    ok(m, "a story of a sponsored hub says \"Sponsored by Nokia\" in its section's list")
    s, h, b = page("/search?q=" + urllib.parse.quote_plus(art[1]))
    ok(re.search(r'Sponsored by Nokia</span>.*?href="/article/%s"' % re.escape(art[0]), b, re.S),
       "and in search results")
    s, h, b = page("/sitemaps/news.xml")
    eq(s, 200, "the news sitemap answers")
    root = ET.fromstring(b)
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    sponsored = [r[0] for r in sql(DB, "SELECT a.slug FROM hub_items x JOIN hubs h ON h.id = x.hub_id"
                                   " JOIN articles a ON a.id = x.item_id WHERE h.kind = 'sponsored'"
                                   " AND x.kind = 'article'")]
    ok(sponsored, "the demo's sponsored hubs hold stories")
    ok(not any(l.endswith("/article/" + s) for l in locs for s in sponsored),
       "none of them is in the news sitemap")
    shows = [r[0] for r in sql(DB, "SELECT a.slug FROM hub_items x JOIN hubs h ON h.id = x.hub_id"
                               " JOIN articles a ON a.id = x.item_id WHERE h.kind = 'show'"
                               " AND x.kind = 'article' AND a.published_at > ?",
                               (int(time.time()) - 2 * 86400,))]
    ok(all(any(l.endswith("/article/" + s) for l in locs) for s in shows),
       "while a show's recent stories are (%d)" % len(shows))


def test_logo():
    slug = "future-vision"
    hid = hub_id(slug)
    img = sql(DB, "SELECT hash, ext FROM images ORDER BY id")[0]
    s, h, b = news.post("/admin/hubs/%d" % hid, "editor", hub_form(slug, logo="f" * 64))
    eq(s, 422, "a logo that is no image of the library is refused")
    eq(sql(DB, "SELECT count(*) FROM hubs WHERE id = ? AND logo_id IS NULL", (hid,))[0][0],
       1, "and nothing is changed")
    s, h, b = news.post("/admin/hubs/%d" % hid, "editor", hub_form(slug, logo=img[0]))
    eq(s, 303, "the editor gives the hub a logo from the library")
    s, h, b = page("/hub/" + slug)
    contains(b, '<img class="hub-logo" src="/media/%s.%s"' % (img[0], img[1]),
             "the page shows it")
    contains(b, 'alt="Nokia"', "named after the sponsor")


def cleanup():
    return srv.stop()


run_tests([test_menus_lead_to_hubs, test_sponsored_hub_page, test_feed_is_strict_xml,
           test_show_page_and_live_blog, test_newsroom_refuses,
           test_items_change_the_page_at_once, test_live_posts_change_the_page_at_once,
           test_not_started_and_ended, test_counts_and_csv,
           test_sponsored_label_in_lists_and_search, test_logo], cleanup)
