"""Podcasts and video series (docs/media.md): the hubs (/podcasts,
/video) and each show's page list what the database holds; each podcast
has its own feed that a strict parser reads and that keeps Apple's
rules, with Podcasting 2.0 transcripts and chapters at addresses that
answer in their formats; an episode's page has its chapters, transcript
and show, and a YouTube film is a picture and a button, no frame and no
address of the video's host to load; the menus lead to the hubs; bad
chapters, video links and shows are refused with 4xx and change nothing;
and a story moved into a show shows up on its page at the next request."""
import json
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from harness import BIN, Server, ok, eq, contains, run_tests, demo_db, sql

BASE = "https://news.example.com"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
# Apple's categories that the demo's shows use, with their parents.
APPLE = {("News", "Tech News"), ("Business", "Management")}


def make_db():
    db = demo_db(tempfile.mkdtemp(prefix="masthead-media-shows-"))
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor",
                    "ed@example.com"], input="correct horse battery staple",
                   text=True, check=True, capture_output=True)
    tok = subprocess.run([BIN, "token", "add", "--db", db, "ed@example.com"],
                         check=True, capture_output=True, text=True)
    return db, tok.stdout.strip()


DB, TOKEN = make_db()
srv = Server(db=DB, args=["--base_url", BASE + "/"])


def call(method, path, body=None):
    h = {"Authorization": "Bearer " + TOKEN}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    return s, json.loads(b) if b else None


def shows(kind):
    return [r[0] for r in sql(DB, "SELECT slug FROM shows WHERE kind = ?"
                              " ORDER BY position, id", (kind,))]


def episodes(show):
    return {r[0] for r in sql(DB, "SELECT a.slug FROM articles a JOIN shows s"
                              " ON s.id = a.show_id WHERE s.slug = ? AND"
                              " a.status = 'published'", (show,))}


def linked_stories(html):
    return set(re.findall(r'<h3 class="story-title"><a href="/article/([^"]+)"', html))


def test_hubs():
    pods = shows("podcast")
    eq(pods, ["light-reading-podcast", "executive-spotlight-qa"],
       "the demo has its two podcasts, in order")
    s, h, html = srv.html("/podcasts")
    eq(s, 200, "/podcasts answers")
    got = re.findall(r'<h2><a href="/podcasts/([^"]+)">', html)
    eq(got, pods, "it lists every podcast in order")
    for p in pods:
        contains(html, 'href="/podcasts/%s/feed.xml" type="application/rss+xml"' % p,
                 "with the feed of " + p)
    s, h, html = srv.html("/video")
    eq(s, 200, "/video answers")
    eq(re.findall(r'<h2><a href="/video/series/([^"]+)">', html), shows("video"),
       "it lists every video series")
    vids = {r[0] for r in sql(DB, "SELECT slug FROM articles WHERE type = 'video'"
                              " AND status = 'published'")}
    got = linked_stories(html)
    ok(got and got <= vids, "and the newest videos, only videos", got - vids)
    for path in ("/podcasts/light-reading-podcast", "/podcasts/executive-spotlight-qa",
                 "/video/series/telecom-innovators-showcase"):
        s, h, html = srv.html(path)
        eq(s, 200, path + " answers")
        show = path.rsplit("/", 1)[1]
        eq(linked_stories(html), episodes(show), path + " lists its episodes")
        title = sql(DB, "SELECT title FROM shows WHERE slug = ?", (show,))[0][0]
        contains(html, "<h1>%s</h1>" % title.replace("&", "&amp;"), path + " is headed by its title")
        ok(re.search(r'<div class="show-art"><picture>|<div class="show-art"><img', html),
           path + " shows its artwork")
    # One address each: a podcast is not a series, and no other name is a show.
    for path, want in (("/video/series/light-reading-podcast", 404),
                       ("/podcasts/telecom-innovators-showcase", 404),
                       ("/podcasts/no-such-show", 404),
                       ("/podcasts/Bad%20Slug", 404),
                       ("/podcasts/telecom-innovators-showcase/feed.xml", 404),
                       ("/podcasts/no-such-show/feed.xml", 404),
                       ("/podcasts/light-reading-podcast?before=junk", 400)):
        eq(srv.get(path)[0], want, "%s is %d" % (path, want))


def test_menus():
    s, h, html = srv.html("/")
    for href in ("/video", "/video/series/telecom-innovators-showcase", "/podcasts",
                 "/podcasts/light-reading-podcast", "/podcasts/executive-spotlight-qa"):
        contains(html, 'href="%s"' % href, "the menu leads to " + href)
        eq(srv.get(href)[0], 200, href + " is a page")


def test_show_feed():
    for show in shows("podcast"):
        path = "/podcasts/%s/feed.xml" % show
        s, h, body = srv.get(path)
        eq(s, 200, path + " answers")
        eq(h.get("content-type"), "application/rss+xml; charset=utf-8", path + ": RSS type")
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            ok(False, path + " parses as strict XML", str(e))
            continue
        ch = root.find("channel")
        title = sql(DB, "SELECT title FROM shows WHERE slug = ?", (show,))[0][0]
        eq(ch.findtext("title"), title, path + " is titled as the show")
        eq(ch.findtext("link"), BASE + "/podcasts/" + show, path + " links the show's page")
        eq(ch.find("atom:link", NS).get("href"), BASE + path, path + " names itself")
        # Apple's channel rules (docs/feeds.md).
        for tag in ("itunes:author", "itunes:image", "itunes:explicit", "itunes:owner",
                    "itunes:category", "language", "description"):
            ok(ch.find(tag, NS) is not None, path + " has " + tag)
        eq(ch.findtext("itunes:explicit", None, NS), "false", path + ": explicit is true or false")
        cat = ch.find("itunes:category", NS)
        sub = cat.find("itunes:category", NS)
        ok(sub is not None and (cat.get("text"), sub.get("text")) in APPLE,
           path + ": its category is one of Apple's", cat.attrib)
        ok(ch.findtext("itunes:owner/itunes:email", None, NS), path + ": the owner has an address")
        art = ch.find("itunes:image", NS).get("href")
        hashed = art.rsplit("/", 1)[1].split(".")[0]
        w, hgt = sql(DB, "SELECT width, height FROM images WHERE hash = ?", (hashed,))[0]
        ok(w == hgt and 1400 <= w <= 3000 and art.endswith(".jpg"),
           path + ": its artwork is a square JPEG of 1400 to 3000 px", (w, hgt, art))
        eq(srv.get(art[len(BASE):])[0], 200, path + ": its artwork is served")
        items = ch.findall("item")
        eq({i.findtext("link")[len(BASE + "/article/"):] for i in items}, episodes(show),
           path + " holds the show's episodes")
        for it in items:
            enc = it.find("enclosure")
            ok(enc is not None and enc.get("url").startswith("https://") and
               int(enc.get("length")) > 0 and enc.get("type").startswith("audio/"),
               path + ": an item has its enclosure", enc is not None and enc.attrib)
            ok(it.findtext("guid") and it.findtext("pubDate") and
               re.fullmatch(r"\d\d:\d\d:\d\d", it.findtext("itunes:duration", "", NS)),
               path + ": an item has guid, date and duration")
            tr, cp = it.find("podcast:transcript", NS), it.find("podcast:chapters", NS)
            if ok(tr is not None and cp is not None,
                  path + ": an episode names its transcript and chapters"):
                eq(tr.get("type"), "text/plain", "the transcript's type")
                eq(cp.get("type"), "application/json+chapters", "the chapters' type")
                s, h, t = srv.get(tr.get("url")[len(BASE):])
                eq((s, h.get("content-type")), (200, "text/plain; charset=utf-8"),
                   "the transcript answers as text")
                ok(len(t) > 100, "and holds the transcript")
                check_chapters(cp.get("url")[len(BASE):])
    # The site's one feed of every episode stays.
    s, h, body = srv.get("/podcast.xml")
    eq(s, 200, "/podcast.xml still answers")
    ET.fromstring(body)


def check_chapters(path):
    s, h, body = srv.get(path)
    eq((s, h.get("content-type")), (200, "application/json+chapters; charset=utf-8"),
       path + " answers as chapters")
    doc = json.loads(body)
    eq(doc.get("version"), "1.2.0", path + ": Podcasting 2.0's version")
    starts = [c.get("startTime") for c in doc.get("chapters", [])]
    ok(starts and all(isinstance(x, int) for x in starts) and starts == sorted(set(starts)),
       path + ": start times are numbers going up", starts)
    ok(all(isinstance(c.get("title"), str) and c["title"] for c in doc["chapters"]),
       path + ": every chapter has a title")


def test_episode_pages():
    s, h, html = srv.html("/article/podcast-open-ran-year-of-proof")
    contains(html, 'From <a href="/podcasts/light-reading-podcast">The Light Reading Podcast</a>',
             "an episode links its show")
    contains(html, '<span class="duration">37:36</span>', "with its duration")
    contains(html, '<a href="#t=370" data-seek="370"><time>6:10</time></a> Greenfield',
             "its chapters are links that seek")
    contains(html, '<details class="transcript" id="transcript">', "its transcript is on the page")
    contains(html, "<p>Maren Oakhurst: Fewer than the press releases suggest.",
             "in paragraphs")
    s, h, html = srv.html("/article/showcase-private-5g-robot-lab")
    contains(html, 'data-embed-src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"',
             "a YouTube film plays from the no-cookie host")
    ok("<iframe" not in html, "no frame until the reader asks for it")
    loads = re.findall(r'(?<![-\w])(?:src|srcset|href)="(https?://[^"]+)"', html)
    third = [u for u in loads if re.match(r"https?://[^/]*(youtube|ytimg|vimeo)", u)
             and "watch?v=" not in u]
    eq(third, [], "nothing on the page loads from the video's host")
    contains(html, '<a href="https://www.youtube.com/watch?v=aqz-KE-bpKQ" rel="noopener">'
             'Watch on YouTube</a>', "without JavaScript, a link to the film")
    csp = h.get("content-security-policy", "")
    contains(csp, "frame-src https://www.youtube-nocookie.com", "the policy lets its player in")
    # A story without chapters or transcript has none to serve.
    plain = sql(DB, "SELECT slug FROM articles WHERE status = 'published' AND"
                " chapters = '' AND transcript = '' LIMIT 1")[0][0]
    eq(srv.get("/article/%s/chapters.json" % plain)[0], 404, "no chapters: 404")
    eq(srv.get("/article/%s/transcript.txt" % plain)[0], 404, "no transcript: 404")
    eq(srv.get("/article/no-such-story/chapters.json")[0], 404, "no story: 404")


def test_newsroom_fields():
    count = sql(DB, "SELECT count(*) FROM articles")[0][0]
    for fields, what in (({"chapters": "0:10 One\nlater Two"}, "a chapter without a time"),
                         ({"chapters": "5:00 One\n1:00 Two"}, "chapters going back"),
                         ({"chapters": "1:75 One"}, "a time past 59 seconds"),
                         ({"embed_url": "https://example.com/video/1"}, "a video link elsewhere"),
                         ({"embed_url": "javascript:alert(1)"}, "a script link")):
        body = {"title": "Refused", "section": "light-reading-video", "type": "video"}
        body.update(fields)
        s, j = call("POST", "/api/v1/admin/articles", body)
        eq(s, 422, what + " is refused with 422")
        ok(j and j.get("error"), what + ": the answer says why", j)
    s, j = call("POST", "/api/v1/admin/articles", {
        "title": "Refused", "section": "light-reading-video", "show": "no-such-show"})
    ok(400 <= s < 500, "a show that does not exist is refused", s)
    eq(sql(DB, "SELECT count(*) FROM articles")[0][0], count, "and nothing was stored")
    # A new film joins the series, and its page shows it at once.
    srv.get("/video/series/telecom-innovators-showcase")
    s, j = call("POST", "/api/v1/admin/articles", {
        "title": "Showcase: a satellite modem the size of a phone",
        "section": "telecom-innovators-showcase", "type": "video", "dek": "A demo.",
        "body_md": "Film.", "show": "telecom-innovators-showcase",
        "embed_url": "https://vimeo.com/76979871", "chapters": "0:00 Hello\n1:02:03 Goodbye"})
    eq(s, 201, "a film with a Vimeo link, chapters and a show is stored")
    aid = j["article"]["id"]
    eq(j["article"].get("show_slug"), "telecom-innovators-showcase", "in its show")
    s, j = call("POST", "/api/v1/admin/articles/%d/publish" % aid)
    eq(s, 200, "and published")
    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (aid,))[0][0]
    s, h, html = srv.html("/video/series/telecom-innovators-showcase")
    ok(slug in linked_stories(html), "the series' page lists it at the next request")
    s, h, html = srv.html("/article/" + slug)
    contains(html, 'data-embed-src="https://player.vimeo.com/video/76979871?autoplay=1&amp;dnt=1"',
             "Vimeo plays with do-not-track")
    contains(html, '<time>1:02:03</time></a> Goodbye', "an hour's chapter shows its hours")
    # Out of the show: its page drops it.
    s, j = call("PATCH", "/api/v1/admin/articles/%d" % aid, {"show": ""})
    eq(s, 200, "taking a story out of its show")
    s, h, html = srv.html("/video/series/telecom-innovators-showcase")
    ok(slug not in linked_stories(html), "the series' page drops it at the next request")


run_tests([test_hubs, test_menus, test_show_feed, test_episode_pages,
           test_newsroom_fields], cleanup=srv.stop)
