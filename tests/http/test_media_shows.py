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

import struct
import uuid

from harness import BIN, Server, Newsroom, ok, eq, contains, run_tests, demo_db, sql

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
NEWSROOM = Newsroom(srv, "correct horse battery staple")


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
    # Pages carry the menu's top row; its panels are on /sections.
    s, h, html = srv.html("/sections")
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
        playable = {r[0] for r in sql(DB, "SELECT a.slug FROM articles a JOIN shows s"
                                      " ON s.id = a.show_id WHERE s.slug = ? AND"
                                      " a.status = 'published' AND a.media_url <> ''", (show,))}
        eq({i.findtext("link")[len(BASE + "/article/"):] for i in items}, playable,
           path + " holds the show's episodes that have their audio")
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
    contains(html, '<a href="#t=370" data-seek="370"><time datetime="PT370S">6:10</time></a> Greenfield',
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


def test_video_sitemap_and_ld():
    s, h, body = srv.get("/sitemaps/video.xml")
    eq((s, h.get("content-type")), (200, "application/xml; charset=utf-8"),
       "the video sitemap answers as XML")
    root = ET.fromstring(body)
    vns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
           "video": "http://www.google.com/schemas/sitemap-video/1.1"}
    urls = root.findall("sm:url", vns)
    locs = {u.findtext("sm:loc", None, vns) for u in urls}
    ok(BASE + "/article/showcase-private-5g-robot-lab" in locs and
       BASE + "/article/showcase-fiber-sensing-startup-turns-cables-into-sensors" in locs,
       "it lists the uploaded film and the YouTube one", locs)
    for u in urls:
        v = u.find("video:video", vns)
        ok(v is not None and v.findtext("video:thumbnail_loc", "", vns).startswith(BASE + "/media/")
           and v.findtext("video:title", None, vns) and v.findtext("video:description", None, vns)
           and (v.findtext("video:content_loc", None, vns) or v.findtext("video:player_loc", None, vns)),
           "a video has Google's required tags", u.findtext("sm:loc", None, vns))
    yt = [u for u in urls if u.findtext("sm:loc", None, vns).endswith("robot-lab")][0]
    eq(yt.findtext("video:video/video:player_loc", None, vns),
       "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ", "the YouTube film names its player")
    s, h, b = srv.get("/sitemap-video.xml")
    ok(s == 301 and h.get("location", "").endswith("/sitemaps/video.xml"),
       "/sitemap-video.xml leads there", (s, h.get("location")))
    idx = ET.fromstring(srv.get("/sitemap.xml")[2])
    ok(BASE + "/sitemaps/video.xml" in [e.text for e in idx.iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")], "the index lists it")
    s, h, html = srv.html("/article/showcase-private-5g-robot-lab")
    lds = [json.loads(m) for m in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    na = [x for x in lds if x.get("@type") == "NewsArticle"][0]
    v = na.get("video", {})
    eq((v.get("@type"), v.get("embedUrl")), ("VideoObject",
       "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"), "JSON-LD: the film's player")
    ok(v.get("thumbnailUrl", "").startswith(BASE + "/media/") and v.get("uploadDate")
       and v.get("transcript", "").startswith("Founder:"), "with thumbnail, date and transcript")
    eq(na.get("isPartOf", {}).get("@type"), "CreativeWorkSeries", "and its series")
    s, h, html = srv.html("/article/podcast-open-ran-year-of-proof")
    na = [x for x in (json.loads(m) for m in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S))
        if x.get("@type") == "NewsArticle"][0]
    eq((na.get("isPartOf", {}).get("@type"), na.get("isPartOf", {}).get("url")),
       ("PodcastSeries", BASE + "/podcasts/light-reading-podcast"), "an episode's podcast")


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
    contains(html, '<time datetime="PT3723S">1:02:03</time></a> Goodbye', "an hour's chapter shows its hours")
    # Out of the show: its page drops it.
    s, j = call("PATCH", "/api/v1/admin/articles/%d" % aid, {"show": ""})
    eq(s, 200, "taking a story out of its show")
    s, h, html = srv.html("/video/series/telecom-innovators-showcase")
    ok(slug not in linked_stories(html), "the series' page drops it at the next request")


def test_newsroom_shows():
    s, h, html = NEWSROOM.get("/admin/shows", "ed")
    eq(s, 200, "the newsroom lists the shows")
    for slug in shows("podcast") + shows("video"):
        contains(html, 'name="slug" value="%s"' % slug, "with a form for " + slug)
    eq(srv.get("/admin/shows")[0] in (302, 303, 401, 403), True, "only for the newsroom")
    count = sql(DB, "SELECT count(*) FROM shows")[0][0]
    for fields, what in (({"slug": "Bad Slug", "kind": "podcast", "title": "T"}, "a bad slug"),
                         ({"slug": "ok-slug", "kind": "radio", "title": "T"}, "a kind that is none"),
                         ({"slug": "ok-slug", "kind": "podcast", "title": ""}, "no title"),
                         ({"slug": "ok-slug", "kind": "podcast", "title": "T",
                           "image": "0" * 64}, "artwork that is no image"),
                         ({"slug": "ok-slug", "kind": "podcast", "title": "T",
                           "position": "-3"}, "a negative position")):
        s, h, html = NEWSROOM.post("/admin/shows", "ed", fields)
        eq(s, 422, what + " is refused with 422")
        contains(html, 'class="form-error"', what + ": the page says why")
    eq(sql(DB, "SELECT count(*) FROM shows")[0][0], count, "and no show was made")
    srv.get("/podcasts")
    s, h, html = NEWSROOM.post("/admin/shows", "ed", {
        "slug": "night-shift", "kind": "podcast", "title": "The Night Shift",
        "description": "Network operations after dark.", "author": "Sable Lindqvist",
        "email": "night@example.com", "category": "Technology", "position": "5"})
    eq(s, 303, "a new podcast is made")
    s, h, html = srv.html("/podcasts")
    contains(html, '<a href="/podcasts/night-shift">The Night Shift</a>',
             "the podcasts' page lists it at the next request")
    s, h, body = srv.get("/podcasts/night-shift/feed.xml")
    ch = ET.fromstring(body).find("channel")
    eq(ch.find("itunes:category", NS).get("text"), "Technology", "its feed has its category")
    s, j = call("POST", "/api/v1/admin/articles", {
        "title": "Night shift, episode one", "section": "light-reading-podcast",
        "type": "podcast", "show": "night-shift", "body_md": "Notes.", "dek": "A dek."})
    ep = j["article"]["slug"]
    eq(call("POST", "/api/v1/admin/articles/%d/publish" % j["article"]["id"])[0], 200,
       "an episode of it is published")
    contains(srv.html("/article/" + ep)[2], ">The Night Shift</a>", "its page names the show")
    s, h, html = NEWSROOM.post("/admin/shows", "ed", {
        "slug": "night-shift", "kind": "podcast", "title": "The Late Shift", "position": "5"})
    eq(s, 303, "a show is changed by its slug")
    contains(srv.html("/podcasts/night-shift")[2], "<h1>The Late Shift</h1>",
             "its page shows the change at the next request")
    contains(srv.html("/article/" + ep)[2], ">The Late Shift</a>",
             "and so does its episode's page")
    # Featured Video: a chosen film leads the home page's block.
    s, h, home = srv.html("/")
    first = re.search(r'<section class="block block-video">.*?<h3><a href="/article/([^"]+)"',
                      home, re.S).group(1)
    other = sql(DB, "SELECT slug FROM articles WHERE type = 'video' AND status = 'published'"
                " AND slug <> ? ORDER BY published_at LIMIT 1", (first,))[0][0]
    for slug, what in (("podcast-open-ran-year-of-proof", "a story that is not a video"),
                       ("no-such-story", "no story"), ("Bad!", "a bad slug")):
        s, h, html = NEWSROOM.post("/admin/shows/featured", "ed", {"featured_video": slug})
        eq(s, 422, what + " cannot be the Featured Video")
    s, h, html = NEWSROOM.post("/admin/shows/featured", "ed", {"featured_video": other})
    eq(s, 303, "an editor chooses the Featured Video")
    s, h, home = srv.html("/")
    got = re.search(r'<section class="block block-video">.*?<h3><a href="/article/([^"]+)"',
                    home, re.S).group(1)
    eq(got, other, "the home page shows the chosen one at the next request")
    block = re.search(r'<section class="block block-video">.*?</section>', home, re.S).group(0)
    eq(block.count('<li><a href="/article/%s"' % other), 0, "and not again among the others")
    contains(block, 'href="/article/%s"' % first, "the newest one among the others")
    NEWSROOM.post("/admin/shows/featured", "ed", {"featured_video": ""})
    got = re.search(r'<section class="block block-video">.*?<h3><a href="/article/([^"]+)"',
                    srv.html("/")[2], re.S).group(1)
    eq(got, first, "empty: the newest video again")


def multipart(fields, filename, data, ctype):
    b = "----masthead" + uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (b, k, v)).encode()
    out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: %s\r\n\r\n" % (b, filename, ctype)).encode() + data
    out += ("\r\n--%s--\r\n" % b).encode()
    return out, "multipart/form-data; boundary=" + b


def upload(aid, filename, data, ctype):
    cookie, tok = NEWSROOM.session("ed")
    body, ct = multipart({"csrf": tok}, filename, data, ctype)
    return srv.request("POST", "/admin/articles/%d/media" % aid,
                       {"Cookie": cookie, "Content-Type": ct}, body)


def test_upload():
    s, j = call("POST", "/api/v1/admin/articles", {
        "title": "Episode with its own file", "section": "light-reading-podcast",
        "type": "podcast", "show": "executive-spotlight-qa", "body_md": "Notes.",
        "dek": "A dek."})
    eq(s, 201, "a new episode")
    aid = j["article"]["id"]
    before = sql(DB, "SELECT media_url, media_type FROM articles WHERE id = ?", (aid,))[0]
    s, h, b = upload(aid, "notes.txt", b"just some text, not audio", "text/plain")
    eq(s, 415, "a file that is not audio or video is 415")
    eq(sql(DB, "SELECT media_url, media_type FROM articles WHERE id = ?", (aid,))[0], before,
       "and the story is as it was")
    # 2,300 frames of MPEG-1 layer III at 44.1 kHz: 60.08 s.
    frame = b"\xff\xfb\x90\x44" + b"\0" * 413
    mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + frame * 2300
    s, h, b = upload(aid, "episode.mp3", mp3, "audio/mpeg")
    eq(s, 303, "an MP3 is uploaded")
    url, mtype, nbytes, secs = sql(DB, "SELECT media_url, media_type, media_bytes,"
                                   " media_seconds FROM articles WHERE id = ?", (aid,))[0]
    ok(re.fullmatch(r"/media/[0-9a-f]{64}\.mp3", url), "the story names the file", url)
    eq((mtype, nbytes, secs), ("audio/mpeg", len(mp3), 60),
       "with its type, size and the length read from it")
    s, h, got = srv.get(url)
    eq((s, h.get("content-type"), len(got)), (200, "audio/mpeg", len(mp3)),
       "/media serves it with its type")
    s, h, part = srv.request("GET", url, {"Range": "bytes=100-199"})
    eq((s, h.get("content-range"), part), (206, "bytes 100-199/%d" % len(mp3), mp3[100:200]),
       "and in ranges, as players ask")
    # An MP4 film of 372 s (mvhd version 0).
    mvhd = b"\0\0\0\0" + struct.pack(">IIII", 1, 2, 600, 600 * 372) + b"\0" * 80
    box = lambda t, d: struct.pack(">I", 8 + len(d)) + t + d
    mp4 = box(b"ftyp", b"isom\0\0\0\0isom") + box(b"moov", box(b"mvhd", mvhd)) + \
        box(b"mdat", b"\0" * 5000)
    s, h, b = upload(aid, "film.mp4", mp4, "video/mp4")
    eq(s, 303, "an MP4 is uploaded")
    eq(sql(DB, "SELECT media_type, media_seconds FROM articles WHERE id = ?", (aid,))[0],
       ("video/mp4", 372), "its type and length are read from it")
    eq(upload(999999, "film.mp4", mp4, "video/mp4")[0], 404, "no such story: 404")


run_tests([test_hubs, test_menus, test_show_feed, test_episode_pages,
           test_video_sitemap_and_ld, test_newsroom_fields, test_newsroom_shows, test_upload], cleanup=srv.stop)
