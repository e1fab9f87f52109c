"""Feeds, calendars, sitemaps and structured data (issue 7): every RSS,
Atom and JSON feed parses with its media type and absolute URLs; the
podcast feed carries enclosures and iTunes tags; every .ics file parses
with the properties RFC 5545 asks for, folded at 75 octets; sitemaps are
valid XML within the protocol's limits and the news sitemap leaves out
sponsored and older stories; JSON-LD parses with its required fields; a
hostile title stays well-formed everywhere; and feeds follow publish,
edit and unpublish through the cache."""
import json
import os
import re
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

from harness import BIN, Server, ok, eq, contains, run_tests, demo_db, sql

BASE = "https://news.example.com"
PW = "correct horse battery staple"
HOSTILE = "Evil </script><!-- ]]> & \"quotes\" 'apos' <b>bold</b> \u00e9"
# A hostile event name: every character iCalendar escapes, and enough
# multi-byte text that folding has to respect UTF-8 boundaries.
HOSTILE_EVENT = ("Summit; with, commas \\ back\\slash\nnew line </script> ]]> "
                 + "\u00e9\u00e8\u4e16\u754c" * 20)

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}

CT = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
}


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-feeds-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor",
                    "ed@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
    tok = subprocess.run([BIN, "token", "add", "--db", db, "ed@example.com"],
                         check=True, capture_output=True, text=True)
    # Written before the server starts, so no cached page can hold the old one.
    ev = sql(db, "SELECT slug FROM events ORDER BY starts_at DESC LIMIT 1")[0][0]
    sql(db, "UPDATE events SET name = ? WHERE slug = ?", (HOSTILE_EVENT, ev))
    # A story with id 50,001 needs a second article sitemap.
    asia = sql(db, "SELECT id FROM sections WHERE slug = 'asia'")[0][0]
    sql(db, "INSERT INTO articles (id, slug, type, status, title, section_id,"
        " published_at, updated_at, created_at) VALUES (50001, 'far-story',"
        " 'news', 'published', 'A story far along', ?, 1577836800,"
        " 1577836800, 1577836800)", (asia,))
    return db, tok.stdout.strip(), ev


DB, TOKEN, HOSTILE_SLUG = make_db()
srv = Server(db=DB, args=["--base_url", BASE + "/"])


def call(method, path, body=None):
    h = {"Authorization": "Bearer " + TOKEN}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    return s, json.loads(b) if b else None


def new_story(publish=True, at=None, **fields):
    body = {"title": "A story", "section": "asia", "body_md": "Text.",
            "dek": "A dek."}
    body.update(fields)
    s, j = call("POST", "/api/v1/admin/articles", body)
    if s != 201:
        raise RuntimeError("create: %d %r" % (s, j))
    aid = j["article"]["id"]
    if publish:
        s, j2 = call("POST", "/api/v1/admin/articles/%d/publish" % aid,
                     {"at": at} if at else None)
        if s != 200:
            raise RuntimeError("publish: %d %r" % (s, j2))
    return aid, j["article"]["slug"]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def fetch(path):
    s, h, b = srv.get(path)
    return s, h.get("content-type"), b


def xml_of(path, ctype, name):
    s, ct, b = fetch(path)
    eq(s, 200, name + ": 200")
    eq(ct, ctype, name + ": media type")
    try:
        return ET.fromstring(b)
    except ET.ParseError as e:
        ok(False, name + " parses as XML", str(e))
        return None


def all_absolute(urls, name):
    bad = [u for u in urls if not u.startswith(BASE + "/")]
    ok(urls and not bad, name + ": every URL is absolute on base_url", bad[:5])


def json_lds(html):
    return [json.loads(m) for m in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


# --- the story lists' feeds ------------------------------------------------

FEED_LISTS = ["", "/section/asia", "/author/ken-wieland", "/tag/5g"]


def check_rss(path):
    root = xml_of(path, CT["rss"], path)
    if root is None:
        return None
    eq((root.tag, root.get("version")), ("rss", "2.0"), path + " is RSS 2.0")
    ch = root.find("channel")
    items = ch.findall("item")
    ok(len(items) > 0, path + " has items")
    self_link = ch.find("atom:link", NS)
    eq(self_link is not None and self_link.get("href"), BASE + path,
       path + " names itself (atom:link rel=self)")
    urls = [i.findtext("link") for i in items] + [ch.findtext("link")]
    all_absolute(urls, path)
    ok(all(re.match(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$",
                    i.findtext("pubDate") or "") for i in items),
       path + ": pubDate in RFC 822 form")
    ok(all(i.findtext("guid") for i in items), path + ": items have a guid")
    return root


def test_rss_feeds():
    for p in FEED_LISTS:
        root = check_rss(p + "/feed.xml")
        if root is not None:
            item = root.find("channel/item")
            ok(item.find("content:encoded", NS) is not None and
               "<p>" in item.findtext("content:encoded", "", NS),
               p + "/feed.xml carries the full text by default")


def test_atom_feeds():
    for p in FEED_LISTS:
        path = p + "/atom.xml"
        root = xml_of(path, CT["atom"], path)
        if root is None:
            continue
        eq(root.tag, "{%s}feed" % NS["atom"], path + " is Atom")
        entries = root.findall("atom:entry", NS)
        ok(len(entries) > 0, path + " has entries")
        ok(root.find("atom:updated", NS) is not None and
           root.find("atom:id", NS) is not None, path + " has id and updated")
        for e in entries:
            for k in ("title", "id", "updated", "published"):
                if e.find("atom:" + k, NS) is None:
                    ok(False, path + " entry has " + k)
                    break
        urls = [e.find("atom:link", NS).get("href") for e in entries]
        all_absolute(urls, path)
        eq(root.find("atom:link[@rel='self']", NS).get("href"), BASE + path,
           path + " names itself")


def test_json_feeds():
    for p in FEED_LISTS:
        path = p + "/feed.json"
        s, ct, b = fetch(path)
        eq((s, ct), (200, CT["json"]), path + ": 200 with its media type")
        doc = json.loads(b)
        eq(doc["version"], "https://jsonfeed.org/version/1.1",
           path + " is JSON Feed 1.1")
        eq(doc["feed_url"], BASE + path, path + " names itself")
        ok(len(doc["items"]) > 0, path + " has items")
        ok(all(i.get("id") and i.get("url") and ("content_html" in i or
               "content_text" in i) for i in doc["items"]),
           path + ": items have id, url and content")
        all_absolute([i["url"] for i in doc["items"]], path)


def test_unknown_lists_are_404():
    for p in ("/section/no-such/feed.xml", "/author/nobody/atom.xml",
              "/tag/no-such-tag/feed.json", "/section/BAD!/feed.xml",
              "/events/no-such-event.ics", "/webinars/nope.ics",
              "/sitemaps/articles-0.xml", "/sitemaps/articles-99999.xml",
              "/sitemaps/articles-01.xml", "/sitemaps/tags-2.xml",
              "/sitemaps/bogus-1.xml", "/sitemaps/articles-x.xml"):
        eq(srv.get(p)[0], 404, p + " is 404")


def test_summary_setting():
    other = Server(db=DB, args=["--base_url", BASE, "--feed_content",
                                "summary", "--feed_items", "5"])
    try:
        s, h, b = other.get("/feed.xml")
        root = ET.fromstring(b)
        items = root.findall("channel/item")
        eq(len(items), 5, "feed_items sets the number of items")
        ok(all(i.find("content:encoded", NS) is None for i in items),
           "feed_content = summary leaves the full text out of RSS")
        ok(all(i.findtext("description") for i in items),
           "the summary is the description")
        s, h, b = other.get("/feed.json")
        items = json.loads(b)["items"]
        ok(all("content_html" not in i and i.get("content_text")
               for i in items), "summary JSON Feed items carry content_text")
        root = ET.fromstring(other.get("/atom.xml")[2])
        ok(root.find("atom:entry/atom:content", NS) is None and
           root.find("atom:entry/atom:summary", NS) is not None,
           "summary Atom entries have a summary and no content")
    finally:
        other.stop()
    r = subprocess.run([BIN, "serve", "--db", DB, "--feed_content", "most"],
                       capture_output=True, text=True, timeout=10)
    ok(r.returncode != 0 and "feed_content" in r.stderr,
       "an unknown feed_content stops start-up with a message", r.stderr)


# --- podcast and video -----------------------------------------------------

def test_podcast_and_video():
    s, j = call("POST", "/api/v1/admin/articles", {
        "title": "x", "section": "asia", "media_type": "text/html"})
    eq(s, 422, "a media_type that is not audio or video is 422")
    s, j = call("POST", "/api/v1/admin/articles", {
        "title": "x", "section": "asia", "media_bytes": -1})
    eq(s, 422, "a negative media_bytes is 422")
    s, j = call("POST", "/api/v1/admin/articles", {
        "title": "x", "section": "asia", "media_url": "ftp://x/y.mp3"})
    eq(s, 422, "a media_url that is not http(s) is 422")
    srv.get("/podcast.xml")
    aid, slug = new_story(title="Episode 42: spectrum", type="podcast",
                          section="light-reading-podcast",
                          media_url="https://cdn.example.com/ep42.mp3",
                          media_type="audio/mpeg", media_bytes=12345678,
                          media_seconds=3725)
    root = xml_of("/podcast.xml", CT["rss"], "/podcast.xml")
    ch = root.find("channel")
    for tag in ("itunes:author", "itunes:image", "itunes:category",
                "itunes:explicit", "itunes:owner"):
        ok(ch.find(tag, NS) is not None, "the podcast channel has " + tag)
    items = ch.findall("item")
    ok(len(items) >= 1, "the podcast feed lists the new episode")
    ok(all(i.find("enclosure") is not None for i in items),
       "every podcast item has an enclosure")
    ep = [i for i in items if i.findtext("title") == "Episode 42: spectrum"]
    if ok(len(ep) == 1, "the episode is in the podcast feed"):
        enc = ep[0].find("enclosure")
        eq((enc.get("url"), enc.get("length"), enc.get("type")),
           ("https://cdn.example.com/ep42.mp3", "12345678", "audio/mpeg"),
           "the enclosure has url, length and type")
        eq(ep[0].findtext("itunes:duration", None, NS), "01:02:05",
           "itunes:duration")
    vid, vslug = new_story(title="Video: a tour of the lab", type="video",
                           media_url="https://cdn.example.com/lab.mp4",
                           media_type="video/mp4", media_bytes=999,
                           media_seconds=90)
    root = xml_of("/feed.xml", CT["rss"], "/feed.xml after a video")
    it = [i for i in root.findall("channel/item")
          if i.findtext("title") == "Video: a tour of the lab"]
    if ok(len(it) == 1, "the video is in the site feed"):
        eq(it[0].find("enclosure").get("type"), "video/mp4",
           "the video item carries its media as an enclosure")
        mc = it[0].find("media:content", NS)
        eq((mc.get("medium"), mc.get("duration")), ("video", "90"),
           "and as media:content with its duration")
    doc = json.loads(srv.get("/feed.json")[2])
    it = [i for i in doc["items"] if i["title"] == "Video: a tour of the lab"]
    eq(it and it[0].get("attachments"), [{
        "url": "https://cdn.example.com/lab.mp4", "mime_type": "video/mp4",
        "size_in_bytes": 999, "duration_in_seconds": 90}],
        "the JSON Feed item has the video as an attachment")
    root = ET.fromstring(srv.get("/atom.xml")[2])
    links = [l for e in root.findall("atom:entry", NS)
             for l in e.findall("atom:link[@rel='enclosure']", NS)]
    ok(any(l.get("type") == "video/mp4" for l in links),
       "the Atom entry links the video as an enclosure")
    # The demo's episode and film carry their files.
    root = ET.fromstring(srv.get("/podcast.xml")[2])
    demo = [i for i in root.findall("channel/item") if
            i.findtext("link") == BASE + "/article/podcast-open-ran-year-of-proof"]
    if ok(len(demo) == 1, "the demo episode is in the podcast feed"):
        eq(demo[0].findtext("itunes:duration", None, NS), "00:37:36",
           "with its duration")
    s, h, html = srv.html("/article/podcast-open-ran-year-of-proof")
    contains(html, '<audio controls preload="none" src="https://media.example.com/'
             'podcast/open-ran-year-of-proof.mp3">',
             "the episode's page has an audio player")
    na = [x for x in json_lds(html) if x.get("@type") == "NewsArticle"][0]
    eq((na.get("audio", {}).get("@type"), na.get("audio", {}).get("duration")),
       ("AudioObject", "PT0H37M36S"), "its JSON-LD has the audio")
    s, h, html = srv.html("/article/showcase-fiber-sensing-startup-turns-"
                          "cables-into-sensors")
    contains(html, '<video controls preload="none" src="https://media.example.com/'
             'video/fiber-sensing-showcase.mp4"', "the film's page has a video player")
    na = [x for x in json_lds(html) if x.get("@type") == "NewsArticle"][0]
    v = na.get("video", {})
    ok(v.get("@type") == "VideoObject" and v.get("thumbnailUrl", "").startswith(
        BASE + "/media/") and v.get("uploadDate"),
       "its JSON-LD has the video with thumbnail and date")
    s, h, html = srv.html("/type/podcast")
    contains(html, 'href="%s/podcast.xml"' % BASE,
             "the podcast page links the podcast feed")


# --- iCalendar -------------------------------------------------------------

def ics_parse(raw, name):
    """Parses strictly: CRLF lines of at most 75 octets, folding,
    BEGIN/END nesting; returns a list of VEVENT property dicts."""
    ok(raw.endswith(b"\r\n"), name + " ends with CRLF")
    lines = raw.split(b"\r\n")[:-1]
    long_ = [l for l in lines if len(l) > 75]
    ok(not long_, name + ": no line is longer than 75 octets", long_[:2])
    ok(all(b"\n" not in l and b"\r" not in l for l in lines),
       name + ": no bare CR or LF")
    unfolded = []
    for l in lines:
        if l.startswith(b" ") or l.startswith(b"\t"):
            unfolded[-1] += l[1:]
        else:
            unfolded.append(l)
    text = [l.decode("utf-8") for l in unfolded]  # raises on split UTF-8
    stack, events, cur = [], [], None
    for l in text:
        k, _, v = l.partition(":")
        if k == "BEGIN":
            stack.append(v)
            if v == "VEVENT":
                cur = {}
        elif k == "END":
            ok(stack and stack.pop() == v, name + ": END:%s matches" % v)
            if v == "VEVENT":
                events.append(cur)
                cur = None
        elif cur is not None:
            cur[k.split(";")[0]] = v
    eq(stack, [], name + ": every BEGIN is ended")
    eq(text[:2], ["BEGIN:VCALENDAR", "VERSION:2.0"], name + ": VCALENDAR 2.0")
    ok(any(l.startswith("PRODID:") for l in text), name + " has PRODID")
    return events


def ics_unescape(v):
    out, i = "", 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v):
            out += "\n" if v[i + 1] in "nN" else v[i + 1]
            i += 2
        else:
            out += v[i]
            i += 1
    return out


def icalendar_module():
    try:
        import icalendar
        return icalendar
    except ImportError:
        pass
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "python3-icalendar"],
                       capture_output=True, timeout=300)
        try:
            import icalendar
            return icalendar
        except ImportError:
            pass
    return None


def test_ics():
    ical = icalendar_module()
    paths = ["/events.ics", "/webinars.ics", "/events/%s.ics" % HOSTILE_SLUG]
    w = sql(DB, "SELECT slug FROM webinars ORDER BY starts_at DESC LIMIT 1")[0][0]
    paths.append("/webinars/%s.ics" % w)
    for p in paths:
        s, ct, b = fetch(p)
        eq((s, ct), (200, CT["ics"]), p + ": 200 text/calendar")
        events = ics_parse(b, p)
        ok(len(events) > 0, p + " has events")
        for ev in events:
            miss = [k for k in ("UID", "DTSTAMP", "DTSTART", "DTEND",
                                "SUMMARY", "URL", "DESCRIPTION")
                    if k not in ev]
            if miss:
                ok(False, p + ": a VEVENT lacks " + ", ".join(miss))
                break
            if not all(re.match(r"\d{8}T\d{6}Z$", ev[k])
                       for k in ("DTSTAMP", "DTSTART", "DTEND")):
                ok(False, p + ": times are UTC date-times", ev)
                break
            if ev["DTEND"] < ev["DTSTART"]:
                ok(False, p + ": DTEND before DTSTART", ev)
                break
        else:
            ok(True, p + ": every VEVENT has UID, DTSTAMP, DTSTART, DTEND, "
               "SUMMARY, URL, DESCRIPTION")
        all_absolute([ev["URL"] for ev in events], p)
        if ical is not None:
            cal = ical.Calendar.from_ical(b)
            ves = [c for c in cal.walk() if c.name == "VEVENT"]
            eq(len(ves), len(events), p + " parses with python3-icalendar")
            ok(all(c.decoded("dtstart").tzinfo is not None for c in ves),
               p + ": icalendar reads times with a zone")
    ev = ics_parse(fetch("/events/%s.ics" % HOSTILE_SLUG)[2], "hostile")[0]
    eq(ics_unescape(ev["SUMMARY"]), HOSTILE_EVENT,
       "a name with ; , \\ and a newline survives escaping and folding")
    uids = [e["UID"] for e in ics_parse(fetch("/events.ics")[2], "uids")]
    eq(len(uids), len(set(uids)), "UIDs are unique")
    s, h, html = srv.html("/events/%s" % HOSTILE_SLUG)
    contains(html, 'href="/events/%s.ics"' % HOSTILE_SLUG,
             "the event page links its .ics (Add to calendar)")
    contains(html, "Add to calendar", "the link says Add to calendar")
    s, h, html = srv.html("/webinars/%s" % w)
    contains(html, 'href="/webinars/%s.ics"' % w, "the webinar page links its .ics")
    contains(srv.html("/events")[2], 'href="/events.ics"',
             "the events page links the calendar")
    s, h, b = srv.get("/events.ics")
    eq(h.get("x-cache"), "hit", "a calendar is served from the cache")


# --- sitemaps --------------------------------------------------------------

def test_robots_and_sitemaps():
    s, h, body = srv.html("/robots.txt")
    eq((s, h.get("content-type")), (200, "text/plain; charset=utf-8"),
       "robots.txt is text/plain")
    contains(body, "Sitemap: %s/sitemap.xml" % BASE,
             "robots.txt names the sitemap index")
    root = xml_of("/sitemap.xml", CT["xml"], "/sitemap.xml")
    eq(root.tag, "{%s}sitemapindex" % NS["sm"], "the index is a sitemapindex")
    locs = [e.text for e in root.findall("sm:sitemap/sm:loc", NS)]
    all_absolute(locs, "/sitemap.xml")
    for kind in ("news", "pages", "articles-1", "sections-1", "authors-1",
                 "tags-1"):
        ok("%s/sitemaps/%s.xml" % (BASE, kind) in locs,
           "the index lists %s" % kind)
    ok("%s/sitemaps/articles-2.xml" % BASE in locs and
       "%s/sitemaps/articles-3.xml" % BASE not in locs,
       "story id 50,001 makes a second article sitemap, and only that")
    one = ET.fromstring(srv.get("/sitemaps/articles-1.xml")[2])
    two = ET.fromstring(srv.get("/sitemaps/articles-2.xml")[2])
    far = BASE + "/article/far-story"
    high = set(BASE + "/article/" + r[0] for r in sql(
        DB, "SELECT slug FROM articles WHERE id > 50000"))
    locs1 = set(u.findtext("sm:loc", "", NS) for u in one.findall("sm:url", NS))
    locs2 = set(u.findtext("sm:loc", "", NS) for u in two.findall("sm:url", NS))
    ok(far in locs2 and not (locs1 & high) and locs2 <= high,
       "ids 1 to 50,000 are in the first, 50,001 on in the second")
    eq(srv.get("/sitemaps/articles-3.xml")[0], 404, "the part after the last is 404")
    # The default site's: the demo's sister sites list their own
    # (docs/sites.md).
    n_articles = sql(DB, "SELECT count(*) FROM articles WHERE status = "
                     "'published' AND site_id = 1")[0][0]
    seen = 0
    for loc in locs:
        path = loc[len(BASE):]
        s, ct, b = fetch(path)
        eq((s, ct), (200, CT["xml"]), path + ": 200 application/xml")
        ok(len(b) <= 50 * 1024 * 1024, path + " is under 50 MB")
        u = ET.fromstring(b)
        eq(u.tag, "{%s}urlset" % NS["sm"], path + " is a urlset")
        urls = u.findall("sm:url", NS)
        ok(len(urls) <= 50000, path + " has at most 50,000 URLs")
        if urls:
            all_absolute([x.findtext("sm:loc", "", NS) for x in urls], path)
        lm = [x.findtext("sm:lastmod", None, NS) for x in urls]
        ok(all(v is None or re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", v)
               for v in lm), path + ": lastmod in W3C form")
        if "/articles-" in path:
            seen += len(urls)
            ok(all(lm), path + ": every story has a lastmod")
    ok(seen >= n_articles - 5, "the article sitemaps list the published "
       "stories (%d of %d)" % (seen, n_articles))


def test_news_sitemap():
    now = int(time.time())
    fresh, fslug = new_story(title="Fresh news for the news sitemap")
    old, oslug = new_story(title="Three days old", at=iso(now - 72 * 3600))
    pp, pslug = new_story(title="A partner perspective",
                          type="partner-perspective", sponsor="nokia")
    sp, sslug = new_story(title="Sponsored news", sponsor="huawei")
    root = xml_of("/sitemaps/news.xml", CT["xml"], "news sitemap")
    urls = root.findall("sm:url", NS)
    locs = [u.findtext("sm:loc", "", NS) for u in urls]
    ok(BASE + "/article/" + fslug in locs, "a story of today is in it")
    ok(BASE + "/article/" + oslug not in locs, "a story 72 hours old is not")
    ok(BASE + "/article/" + pslug not in locs, "a Partner Perspective is not")
    ok(BASE + "/article/" + sslug not in locs, "a sponsored story is not")
    ok(len(urls) <= 1000, "at most 1,000 URLs")
    for u in urls:
        d = u.findtext("news:news/news:publication_date", "", NS)
        t = time.mktime(time.strptime(d, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        if not (now - 48 * 3600 - 5 <= t <= now + 5):
            ok(False, "news item inside 48 hours", d)
            break
        if not u.findtext("news:news/news:title", "", NS) or \
                not u.findtext("news:news/news:publication/news:name", "", NS):
            ok(False, "news item has title and publication", ET.tostring(u))
            break
    else:
        ok(True, "every news item is from the last 48 hours with its title "
           "and publication")
    for aid in (fresh, old, pp, sp):
        call("POST", "/api/v1/admin/articles/%d/unpublish" % aid)


# --- structured data and sharing -------------------------------------------

def test_jsonld_article():
    s, h, html = srv.html("/article/us-scraps-xiaomi-blacklisting")
    lds = json_lds(html)
    na = [x for x in lds if x.get("@type") == "NewsArticle"]
    if not ok(len(na) == 1, "the article has one NewsArticle"):
        return
    a = na[0]
    for k in ("headline", "datePublished", "dateModified", "author",
              "publisher", "image", "mainEntityOfPage"):
        ok(k in a, "NewsArticle has " + k)
    ok(all(p.get("jobTitle") and p.get("name") for p in a["author"]),
       "every author has a name and a jobTitle")
    ok(a["publisher"].get("name") and
       a["publisher"]["logo"]["url"].startswith(BASE + "/"),
       "the publisher has a name and an absolute logo")
    img = a["image"]
    for k in ("creditText", "copyrightNotice", "license"):
        ok(img.get(k), "the image has " + k)
    ok(img["url"].startswith(BASE + "/media/"), "the image URL is absolute")
    bc = [x for x in lds if x.get("@type") == "BreadcrumbList"]
    ok(len(bc) == 1 and bc[0]["itemListElement"][-1]["item"] ==
       BASE + "/article/us-scraps-xiaomi-blacklisting",
       "a BreadcrumbList ends at the article")
    # Sponsored content says so.
    slug = sql(DB, "SELECT slug FROM articles WHERE type = "
               "'partner-perspective' AND status = 'published' LIMIT 1")[0][0]
    lds = json_lds(srv.html("/article/" + slug)[2])
    na = [x for x in lds if x.get("@type") == "NewsArticle"][0]
    ok(na.get("sponsor", {}).get("name") and
       "AdvertiserContentArticle" in na.get("additionalType", ""),
       "a Partner Perspective is marked sponsored with its sponsor")
    na = [x for x in json_lds(srv.html(
        "/article/us-scraps-xiaomi-blacklisting")[2])
        if x.get("@type") == "NewsArticle"][0]
    ok("sponsor" not in na, "an editorial story has no sponsor")


def test_jsonld_events():
    ev = sql(DB, "SELECT slug FROM events WHERE online = 1 LIMIT 1")[0][0]
    w = sql(DB, "SELECT slug FROM webinars LIMIT 1")[0][0]
    for path in ("/events/" + ev, "/webinars/" + w):
        lds = json_lds(srv.html(path)[2])
        e = [x for x in lds if x.get("@type") == "Event"]
        if not ok(len(e) == 1, path + " has an Event"):
            continue
        e = e[0]
        eq(e.get("eventAttendanceMode"),
           "https://schema.org/OnlineEventAttendanceMode",
           path + " is attended online")
        for k in ("name", "startDate", "endDate", "location", "url"):
            ok(e.get(k), path + " Event has " + k)
        eq(e["url"], BASE + path, path + " Event url is absolute")


def test_every_page_has_head_tags():
    w = sql(DB, "SELECT slug FROM webinars LIMIT 1")[0][0]
    pages = ["/", "/section/asia", "/author/ken-wieland", "/tag/5g",
             "/type/news", "/article/us-scraps-xiaomi-blacklisting",
             "/events", "/events/" + HOSTILE_SLUG, "/webinars",
             "/webinars/" + w, "/about-us", "/events/archive"]
    for p in pages:
        s, h, html = srv.html(p)
        head = html.split("</head>")[0]
        miss = [t for t in (
            '<link rel="canonical" href="%s%s">' % (BASE, p),
            '<meta property="og:title"', '<meta property="og:url"',
            '<meta property="og:type"', '<meta name="twitter:card"',
            '<meta name="description"',
            '<link rel="alternate" type="application/rss+xml" title=',
            'href="%s/feed.xml"' % BASE,
            '<link rel="alternate" type="application/atom+xml"',
            '<link rel="alternate" type="application/feed+json"')
            if t not in head]
        ok(s == 200 and not miss, p + ": canonical, Open Graph, Twitter card, "
           "description and feed links in the head", miss)
    head = srv.html("/section/asia")[2].split("</head>")[0]
    contains(head, 'href="%s/section/asia/feed.xml"' % BASE,
             "a section page links its own feed")
    head = srv.html("/article/us-scraps-xiaomi-blacklisting")[2]
    dek = sql(DB, "SELECT dek FROM articles WHERE slug = "
              "'us-scraps-xiaomi-blacklisting'")[0][0]
    import html as h_
    contains(head, '<meta name="description" content="%s">' %
             h_.escape(dek).replace("&#x27;", "&#39;"),
             "the article's meta description is its dek")
    contains(head, '<meta property="og:type" content="article">',
             "an article is og:type article")
    contains(head, '<meta property="og:image" content="%s/media/' % BASE,
             "an article with an image has an absolute og:image")


# --- hostile input ---------------------------------------------------------

def test_hostile_title_everywhere():
    aid, slug = new_story(title=HOSTILE, dek=HOSTILE, tags=[HOSTILE],
                          body_md="Body with ]]> and </script> & more.")
    tag = sql(DB, "SELECT t.slug FROM tags t JOIN article_tags x ON "
              "x.tag_id = t.id WHERE x.article_id = ?", (aid,))[0][0]
    for p in ("/feed.xml", "/section/asia/feed.xml", "/tag/%s/feed.xml" % tag):
        root = ET.fromstring(srv.get(p)[2])
        titles = [i.findtext("title") for i in root.findall("channel/item")]
        ok(HOSTILE in titles, p + " is well-formed and keeps the title")
    for p in ("/atom.xml", "/tag/%s/atom.xml" % tag):
        root = ET.fromstring(srv.get(p)[2])
        titles = [e.findtext("atom:title", "", NS)
                  for e in root.findall("atom:entry", NS)]
        ok(HOSTILE in titles, p + " is well-formed and keeps the title")
    doc = json.loads(srv.get("/feed.json")[2])
    ok(any(i["title"] == HOSTILE for i in doc["items"]),
       "the JSON Feed keeps the title")
    root = ET.fromstring(srv.get("/sitemaps/news.xml")[2])
    ok(HOSTILE in [u.findtext("news:news/news:title", "", NS)
                   for u in root.findall("sm:url", NS)],
       "the news sitemap is well-formed and keeps the title")
    s, h, html = srv.html("/article/" + slug)
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>',
                         html, re.S)
    ok(scripts and all("<" not in x and ">" not in x for x in scripts),
       "no < or > inside JSON-LD: </script> cannot break out")
    na = [x for x in json_lds(html) if x.get("@type") == "NewsArticle"]
    eq(na and na[0]["headline"], HOSTILE, "JSON-LD parses and keeps the title")
    head = html.split("</head>")[0]
    ok("</script><!--" not in head.replace(
        '</script>\n<script', '').replace('</script>\n<link', ''),
       "the raw title never reaches the head")
    call("POST", "/api/v1/admin/articles/%d/unpublish" % aid)


# --- the cache -------------------------------------------------------------

def feed_titles(path):
    s, h, b = srv.get(path)
    if path.endswith(".json"):
        return h.get("x-cache"), [i["title"] for i in json.loads(b)["items"]]
    root = ET.fromstring(b)
    if root.tag == "rss":
        return h.get("x-cache"), [i.findtext("title")
                                  for i in root.findall("channel/item")]
    if root.tag.endswith("urlset"):
        return h.get("x-cache"), [u.findtext("sm:loc", "", NS)
                                  for u in root.findall("sm:url", NS)]
    return h.get("x-cache"), [e.findtext("atom:title", "", NS)
                              for e in root.findall("atom:entry", NS)]


def test_feeds_follow_writes():
    watched = ["/feed.xml", "/atom.xml", "/feed.json", "/section/asia/feed.xml",
               "/section/asia/atom.xml", "/tag/cache-probe/feed.json",
               "/author/ken-wieland/feed.xml"]
    other = "/section/6g/feed.xml"
    s, ct, b = fetch(other)
    for p in watched[:5]:
        feed_titles(p)
    for p in watched[:5] + [other]:
        eq(feed_titles(p)[0], "hit", p + " is served from the cache")
    s, h, b = srv.get("/feed.xml")
    ok(h.get("surrogate-key") and "latest" in h["surrogate-key"].split(),
       "the site feed carries the list's tag (latest)", h.get("surrogate-key"))
    aid, slug = new_story(title="Cache probe story", tags=["cache probe"],
                          authors=["ken-wieland"])
    for p in watched:
        x, titles = feed_titles(p)
        ok("Cache probe story" in titles, p + " shows a story just published")
    eq(feed_titles(other)[0], "hit", "a feed that does not list it stays cached")
    call("PATCH", "/api/v1/admin/articles/%d" % aid,
         {"title": "Cache probe, edited"})
    for p in watched:
        x, titles = feed_titles(p)
        ok("Cache probe, edited" in titles and "Cache probe story" not in
           titles, p + " shows the edit")
    maps = ["/sitemaps/articles-%d.xml" % ((aid - 1) // 50000 + 1),
            "/sitemaps/news.xml"]
    for p in maps:
        ok(BASE + "/article/" + slug in feed_titles(p)[1], p + " lists it")
    call("POST", "/api/v1/admin/articles/%d/unpublish" % aid)
    for p in watched[:5]:
        x, titles = feed_titles(p)
        ok("Cache probe, edited" not in titles, p + " drops an unpublished story")
    for p in maps:
        ok(BASE + "/article/" + slug not in feed_titles(p)[1],
           p + " drops it too")


def test_compressed_and_paged():
    import gzip
    for p in ("/feed.xml", "/feed.json", "/sitemaps/articles-1.xml",
              "/events.ics"):
        enc = None
        for _ in range(40):
            s, h, b = srv.get(p, {"Accept-Encoding": "gzip"})
            enc = h.get("content-encoding")
            if enc == "gzip":
                break
            time.sleep(0.05)
        if ok(enc == "gzip", p + " is served gzip-compressed from the cache"):
            body = gzip.decompress(b)
            ok(body == srv.get(p)[2], p + ": the gzip variant is the same "
               "document")
    s, h, html = srv.html("/section/cable-tech")
    m = re.search(r'href="(/section/cable-tech\?before=[0-9.]+&amp;page=2)"', html)
    if ok(m is not None, "the section has a second page"):
        head = srv.html(m.group(1).replace("&amp;", "&"))[2].split("</head>")[0]
        contains(head, '<link rel="canonical" href="%s%s">' % (BASE, m.group(1)),
                 "a later page of a list is its own canonical page")


def cleanup():
    return srv.stop()


run_tests([test_rss_feeds, test_atom_feeds, test_json_feeds,
           test_unknown_lists_are_404, test_summary_setting,
           test_podcast_and_video, test_ics, test_robots_and_sitemaps,
           test_news_sitemap, test_jsonld_article, test_jsonld_events,
           test_every_page_has_head_tags, test_hostile_title_everywhere,
           test_feeds_follow_writes, test_compressed_and_paged], cleanup)
