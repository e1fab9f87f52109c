"""Every XML document masthead serves is well-formed for a strict parser,
whatever the database holds, and the feeds are what real clients need.

1. Every C0 control character, U+FFFE and U+FFFF (and, on SQLite, bytes
   that are not UTF-8: a lone surrogate, a stray continuation byte, a
   cut sequence) are written with SQL straight into a story's headline,
   summary and body, a tag, a reader's name and a comment, since the
   forms refuse them.  Every feed (RSS, Atom and JSON Feed of the site,
   a section, an author and a tag; the podcast; the comment feed) and
   every sitemap the index lists is then parsed with lxml's XML parser
   with recover=False, and every JSON Feed with Python's json: not one
   error is allowed, and the story must be in them.
2. Relative URLs of a story body (/x, ../x, x, #x, srcset, poster)
   are absolute in RSS, Atom and JSON Feed content, and in the podcast's
   show notes; absolute, mailto: and data: URLs are left as written.
3. /podcast.xml follows Apple Podcasts' rules: square JPEG or PNG show
   artwork of 1400 to 3000 pixels (read from the served bytes), episode
   art only when square, itunes:owner with name and email, a category
   with a subcategory from Apple's list, lastBuildDate equal to the
   newest episode's date, itunes:explicit, itunes:author and language.
   The artwork API makes a wide upload square and refuses small ones.
4. The comment feed's updated (feed and entry) follows an edit, and a
   tag that repeats the story's section is listed once.
"""
import email.utils
import html.parser
import json
import os
import struct
import subprocess
import tempfile
import time
import urllib.parse
import re
import zlib

from lxml import etree

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     on_pg, form_token)

BASE = "https://news.example.com"
PW = "a long enough passphrase"
# Every C0 control but NUL (PostgreSQL text cannot hold it), U+FFFE and
# U+FFFF, around visible text the documents must keep.
C0 = "".join(chr(c) for c in range(1, 32))
BAD = C0 + "\ufffe\uffff"
HEADLINE = "Strict" + BAD + " headline <&>"
DEK = "Strict" + BAD + " summary"
BODY = "<p>Strict" + BAD + " body &amp; more</p>"
COMMENT = "<p>Strict" + BAD + " comment</p>"
# What XML can carry of them: tab, LF and CR stay (a parser reads a CR as
# LF); the other controls go; U+FFFE and U+FFFF become U+FFFD.
KEPT = "\t\n\n\ufffd\ufffd"
EPISODE_T = 1704164645          # 2024-01-02T03:04:05Z
APPLE = {"News": {"Tech News", "Business News", "Daily News",
                  "Entertainment News", "News Commentary", "Politics",
                  "Sports News"}}
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
REL_MD = """Links of every kind.

[root](/section/5g) [up](../section/open-ran) [here](section/x)
[notes](#notes) [mail](mailto:ed@example.com) [out](https://example.org/x)

![chart](/media/chart.jpg)

<img src="/media/raw.jpg" srcset="/media/raw-320.jpg 320w, /media/raw-640.jpg 640w" alt="raw">
<video poster="/media/poster.jpg" src="../media/film.mp4"></video>
<img src="data:image/png;base64,AAAA" alt="inline">

## Notes
"""


def png(w, h, rgb=(200, 80, 40)):
    """A w x h PNG of one colour, written with zlib."""
    row = b"\x00" + bytes(rgb) * w
    raw = zlib.compress(row * h, 9)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def noise_png(w, h):
    """A w x h PNG of random pixels: as large as its pixels, like a photo's."""
    raw = b"".join(b"\x00" + os.urandom(3 * w) for _ in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def image_size(b):
    """(type, width, height) read from a JPEG's or PNG's own bytes."""
    if b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR":
        w, h = struct.unpack(">II", b[16:24])
        return "png", w, h
    if b[:3] == b"\xff\xd8\xff":
        i = 2
        while i + 9 < len(b):
            if b[i] != 0xFF:
                return None
            m = b[i + 1]
            if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7:
                i += 2
                continue
            n = struct.unpack(">H", b[i + 2:i + 4])[0]
            if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", b[i + 5:i + 9])
                return "jpeg", w, h
            i += 2 + n
    return None


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-xml-")
    db = demo_db(d)
    # An admin: only an admin may turn a story's raw HTML on.
    for mail, role in (("ed@example.com", "admin"), ("rd@example.com", "member")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role,
                        "--name", "Reader", mail], input=PW, text=True,
                       check=True, capture_output=True)
    tok = subprocess.run([BIN, "token", "add", "--db", db, "ed@example.com"],
                         check=True, capture_output=True, text=True)
    return db, tok.stdout.strip()


DB, TOKEN = make_db()
ARGS = ["--base_url", BASE + "/"]
srv = Server(db=DB, args=ARGS)


def call(method, path, body=None, ctype="application/json", token=TOKEN):
    h = {"Authorization": "Bearer " + token} if token else {}
    if body is not None and ctype == "application/json":
        body = json.dumps(body)
    if body is not None:
        h["Content-Type"] = ctype
    s, hd, b = srv.request(method, path, h, body)
    try:
        return s, json.loads(b) if b else None
    except ValueError:
        return s, b


def new_story(**fields):
    body = {"section": "asia", "body_md": "Text.", "dek": "A dek."}
    body.update(fields)
    s, j = call("POST", "/api/v1/admin/articles", body)
    if s != 201:
        raise RuntimeError("create: %d %r" % (s, j))
    aid = j["article"]["id"]
    s, j2 = call("POST", "/api/v1/admin/articles/%d/publish" % aid)
    if s != 200:
        raise RuntimeError("publish: %d %r" % (s, j2))
    return aid, j["article"]["slug"]


def sign_in():
    """The session cookie of rd, signed in through /signin."""
    c = Client(srv, ip=None)
    c.sign_in("rd@example.com", PW)
    return c.cookie()


def form(path, fields, cookie, form_page):
    s, h, b = srv.request("GET", form_page, {"Cookie": cookie})
    fields = dict(fields, csrf=form_token(b.decode("utf-8", "replace")))
    return srv.request("POST", path, {"Content-Type": "application/x-www-form-urlencoded",
                                      "Cookie": cookie}, urllib.parse.urlencode(fields))


def comment(cookie, slug, text):
    s, h, b = form("/article/%s/comment" % slug, {"body": text}, cookie,
                   "/article/%s/comment" % slug)
    m = re.match(r"/comments/(\d+)$", h.get("location", ""))
    if s != 303 or not m:
        raise RuntimeError("comment: %d %r" % (s, b[:300]))
    return int(m.group(1))


# Phase 1: stories, an episode and comments through the API and the forms.
REL_ID, REL_SLUG = new_story(title="Relative links story", section="5g",
                             tags=["5G", "Relative links"], body_md=REL_MD,
                             raw_html=True)
HOST_ID, HOST_SLUG = new_story(title="Strict story", tags=["strict xml"],
                               authors=["ken-wieland"])
s, j = call("POST", "/api/v1/admin/media", png(1600, 1600), "image/png")
EP_ART = j["image"]["hash"] if s == 201 else None
EP_ID, EP_SLUG = new_story(
    title="Episode 7: strict feeds", type="podcast",
    section="light-reading-podcast", body_md=REL_MD, raw_html=True,
    hero_image=EP_ART,
    media_url="https://cdn.example.com/ep7.mp3", media_type="audio/mpeg",
    media_bytes=1234567, media_seconds=1800)
COOKIE = sign_in()
HOST_CID = comment(COOKIE, HOST_SLUG, "A comment to be made hostile")
EDIT_CID = comment(COOKIE, REL_SLUG, "Tpyo in a comment")
TAG_SLUG = sql(DB, "SELECT t.slug FROM tags t JOIN article_tags x ON x.tag_id = t.id"
               " WHERE x.article_id = ?", (HOST_ID,))[0][0]
eq(srv.stop(), 0, "the first server stopped cleanly")

# Phase 2: what no form lets in, written straight into the database (no
# server is running, so no cached page can hold the old text).
sql(DB, "UPDATE articles SET title = ?, dek = ?, body_html = ? WHERE id = ?",
    (HEADLINE, DEK, BODY, HOST_ID))
sql(DB, "UPDATE comments SET body_html = ? WHERE id = ?", (COMMENT, HOST_CID))
sql(DB, "UPDATE tags SET name = ? WHERE slug = ?", ("Strict" + BAD + " tag", TAG_SLUG))
sql(DB, "UPDATE users SET display_name = ? WHERE email = 'rd@example.com'",
    ("Reader" + BAD,))
sql(DB, "UPDATE articles SET published_at = ?, updated_at = ? WHERE id = ?",
    (EPISODE_T - 3600, EPISODE_T, EP_ID))
# Five minutes old: the edit below is still allowed and moves updated.
sql(DB, "UPDATE comments SET created_at = created_at - 300,"
    " updated_at = updated_at - 300 WHERE id = ?", (EDIT_CID,))
# A show's hub (docs/hubs.md) curates both stories, under a hostile
# introduction (a show's: a sponsored hub's stories leave the news sitemap).
sql(DB, "UPDATE hubs SET intro = ? WHERE slug = 'mobile-world-congress'", ("Strict" + BAD + " intro",))
for aid in (HOST_ID, REL_ID):
    sql(DB, "INSERT INTO hub_items (hub_id, kind, item_id, position) SELECT id,"
        " 'article', ?, 100 + ? FROM hubs WHERE slug = 'mobile-world-congress'", (aid, aid))
if not on_pg():
    # Bytes that are not UTF-8 at all: a lone surrogate, a stray
    # continuation byte and a cut sequence (PostgreSQL refuses them; the
    # store reads such a value as empty, so another story carries them).
    sql(DB, "UPDATE articles SET dek = 'Bad' || CAST(X'EDA080' AS TEXT)"
        " || CAST(X'80' AS TEXT) || 'end' || CAST(X'E282' AS TEXT)"
        " WHERE id = ?", (REL_ID,))

# Phase 3: a new server reads it all.
srv = Server(db=DB, args=ARGS)
COOKIE = sign_in()
PARSER = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)


def strict(path, name=None):
    """Fetches path and parses it strictly; the root element, or None."""
    name = name or path
    s, h, b = srv.get(path)
    if not eq(s, 200, name + ": 200"):
        return None
    try:
        root = etree.fromstring(b, PARSER)
    except etree.XMLSyntaxError as e:
        ok(False, name + ": well-formed for lxml (recover=False)",
           "%s\n%r" % (e, b[max(0, e.position[1] - 80):][:200] if e.position else b[:200]))
        return None
    ok(len(PARSER.error_log) == 0, name + ": well-formed for lxml (recover=False), "
       "no error logged", PARSER.error_log)
    return root


def texts(root):
    return "".join(root.itertext()) + " ".join(
        v for e in root.iter() for v in e.attrib.values())


LISTS = ["", "/section/asia", "/author/ken-wieland", "/tag/" + TAG_SLUG]


def test_feeds_are_well_formed():
    for p in LISTS:
        for f in ("/feed.xml", "/atom.xml"):
            root = strict(p + f)
            if root is None:
                continue
            t = texts(root)
            ok("Strict" + KEPT + " headline <&>" in t,
               p + f + ": the headline is there, less what XML cannot carry")
            ok("Strict" + KEPT + " summary" in t, p + f + ": so is the summary")
            ok("Strict" + KEPT + " body &amp; more" in t,
               p + f + ": and the body, as escaped HTML")
            ok(not any(0xd800 <= ord(c) <= 0xdfff or c in "\ufffe\uffff" or
                       (ord(c) < 32 and c not in "\t\n\r") for c in t),
               p + f + ": no character XML 1.0 forbids")
        s, h, b = srv.get(p + "/feed.json")
        eq(s, 200, p + "/feed.json: 200")
        try:
            doc = json.loads(b.decode("utf-8"))
        except ValueError as e:
            ok(False, p + "/feed.json: valid UTF-8 JSON", str(e))
            continue
        it = [i for i in doc["items"] if i["url"] == BASE + "/article/" + HOST_SLUG]
        if ok(len(it) == 1, p + "/feed.json: valid JSON holding the story"):
            eq(it[0]["title"], HEADLINE, p + "/feed.json: the headline is kept whole")
            ok(it[0]["summary"].startswith(DEK),
               p + "/feed.json: and the summary", it[0]["summary"])
            ok(BODY in it[0]["content_html"], p + "/feed.json: and the body")


def test_hub_feed_is_well_formed():
    root = strict("/hub/mobile-world-congress/feed.xml")
    if root is None:
        return
    t = texts(root)
    ok("Strict" + KEPT + " headline <&>" in t,
       "a hub's feed: the headline is there, less what XML cannot carry")
    ok("Strict" + KEPT + " intro" in t, "and the hub's introduction")
    ok(not any(0xd800 <= ord(c) <= 0xdfff or c in "\ufffe\uffff" or
               (ord(c) < 32 and c not in "\t\n\r") for c in t),
       "a hub's feed: no character XML 1.0 forbids")


def test_comment_feed_is_well_formed():
    root = strict("/article/%s/comments.atom" % HOST_SLUG)
    if root is None:
        return
    eq(root.tag, "{%s}feed" % NS["atom"], "the comment feed is Atom")
    t = texts(root)
    ok("Strict" + KEPT + " comment" in t, "the comment is there")
    ok("Reader" + KEPT in t, "and its author's name")
    eq(root.find("atom:entry/atom:id", NS).text, BASE + "/comments/%d" % HOST_CID,
       "entries have absolute ids on base_url")


def test_sitemaps_are_well_formed():
    idx = strict("/sitemap.xml")
    if idx is None:
        return
    locs = [e.text for e in idx.findall("sm:sitemap/sm:loc", NS)]
    kinds = set(re.sub(r"-\d+\.xml$", "", l.rsplit("/", 1)[1]) for l in locs)
    eq(kinds, {"news.xml", "pages.xml", "video.xml", "articles", "sections", "authors",
               "tags"},
       "the index lists every kind of sitemap")
    for l in locs:
        root = strict(l[len(BASE):])
        if root is not None and l.endswith("/news.xml"):
            titles = [u.findtext("news:news/news:title", "", NS)
                      for u in root.findall("sm:url", NS)]
            ok(any(t.startswith("Strict" + KEPT) for t in titles),
               "the news sitemap holds the headline, less what XML cannot carry")
        if root is not None and "/tags-" in l:
            ok(BASE + "/tag/" + TAG_SLUG in texts(root), l + " lists the tag")
    s, h, b = srv.get("/robots.txt")
    contains(b.decode(), "Sitemap: %s/sitemap.xml" % BASE, "robots.txt names the index")


def test_podcast_is_well_formed():
    root = strict("/podcast.xml")
    if root is not None:
        ok(any(i.findtext("link") == BASE + "/article/" + EP_SLUG
               for i in root.findall("channel/item")), "the podcast lists the episode")


class Urls(html.parser.HTMLParser):
    """Every URL attribute of an HTML fragment."""
    ATTRS = ("href", "src", "poster", "srcset")

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "srcset":
                self.urls += [c.strip().split()[0] for c in v.split(",") if c.strip()]
            elif k in self.ATTRS:
                self.urls.append(v)


def urls_of(fragment):
    p = Urls()
    p.feed(fragment)
    p.close()
    return p.urls


def check_urls(fragment, slug, name):
    urls = urls_of(fragment or "")
    page = BASE + "/article/" + slug
    want = {BASE + "/section/5g", BASE + "/section/open-ran",
            BASE + "/article/section/x", page + "#notes", "mailto:ed@example.com",
            "https://example.org/x", BASE + "/media/chart.jpg",
            BASE + "/media/raw.jpg", BASE + "/media/raw-320.jpg",
            BASE + "/media/raw-640.jpg", BASE + "/media/poster.jpg",
            BASE + "/media/film.mp4", "data:image/png;base64,AAAA"}
    eq(set(urls), want, name + ": every relative URL made absolute, the others kept")


def test_absolute_urls():
    root = strict("/section/5g/feed.xml")
    if root is not None:
        it = [i for i in root.findall("channel/item")
              if i.findtext("link") == BASE + "/article/" + REL_SLUG]
        if ok(len(it) == 1, "RSS: the story is in its section's feed"):
            check_urls(it[0].findtext("content:encoded", "", NS), REL_SLUG, "RSS")
    root = strict("/section/5g/atom.xml")
    if root is not None:
        it = [e for e in root.findall("atom:entry", NS)
              if e.findtext("atom:id", "", NS) == BASE + "/article/" + REL_SLUG]
        if ok(len(it) == 1, "Atom: the story is in its section's feed"):
            check_urls(it[0].findtext("atom:content", "", NS), REL_SLUG, "Atom")
    doc = json.loads(srv.get("/section/5g/feed.json")[2])
    it = [i for i in doc["items"] if i["id"] == BASE + "/article/" + REL_SLUG]
    if ok(len(it) == 1, "JSON Feed: the story is in its section's feed"):
        check_urls(it[0].get("content_html"), REL_SLUG, "JSON Feed")
    root = strict("/podcast.xml")
    if root is not None:
        it = [i for i in root.findall("channel/item")
              if i.findtext("link") == BASE + "/article/" + EP_SLUG]
        if ok(len(it) == 1, "podcast: the episode is there"):
            check_urls(it[0].findtext("content:encoded", "", NS), EP_SLUG,
                       "podcast show notes")
    s, h, page = srv.html("/article/" + REL_SLUG)
    contains(page, 'href="../section/open-ran"', "the story's page keeps its own URLs")


def test_categories_once():
    root = strict("/section/5g/feed.xml")
    if root is not None:
        it = [i for i in root.findall("channel/item")
              if i.findtext("link") == BASE + "/article/" + REL_SLUG][0]
        eq([c.text for c in it.findall("category")], ["5G", "Relative links"],
           "RSS: the section that is also a tag is one category")
    root = strict("/section/5g/atom.xml")
    if root is not None:
        it = [e for e in root.findall("atom:entry", NS)
              if e.findtext("atom:id", "", NS) == BASE + "/article/" + REL_SLUG][0]
        eq([c.get("term") for c in it.findall("atom:category", NS)],
           ["5g", "relative-links"], "Atom: once")
    doc = json.loads(srv.get("/section/5g/feed.json")[2])
    it = [i for i in doc["items"] if i["id"] == BASE + "/article/" + REL_SLUG][0]
    eq(it["tags"], ["5G", "Relative links"], "JSON Feed: once, the section first")


def rfc822(t):
    return email.utils.formatdate(t, usegmt=True)


def test_podcast_rules():
    root = strict("/podcast.xml")
    if root is None:
        return
    ch = root.find("channel")
    for tag in ("itunes:author", "itunes:explicit", "itunes:summary"):
        ok((ch.findtext(tag, "", NS) or "").strip(), "the channel has " + tag)
    eq(ch.findtext("itunes:explicit", "", NS), "false", "itunes:explicit is true or false")
    ok(ch.findtext("language"), "the channel has a language")
    owner = ch.find("itunes:owner", NS)
    ok(owner is not None and owner.findtext("itunes:name", "", NS) and
       re.match(r"[^@\s]+@[^@\s]+\.[a-z]+$", owner.findtext("itunes:email", "", NS)),
       "itunes:owner has itunes:name and itunes:email")
    cats = ch.findall("itunes:category", NS)
    if ok(len(cats) >= 1, "the channel has an itunes:category"):
        subs = cats[0].findall("itunes:category", NS)
        ok(len(subs) == 1 and subs[0].get("text") in APPLE.get(cats[0].get("text"), ()),
           "with a subcategory from Apple's list",
           etree.tostring(cats[0]).decode())
    art = ch.find("itunes:image", NS)
    if ok(art is not None and art.get("href", "").startswith(BASE + "/media/"),
          "the show artwork is an image masthead serves"):
        s, h, b = srv.get(art.get("href")[len(BASE):])
        size = image_size(b) if s == 200 else None
        ok(size is not None and h.get("content-type") == "image/" + size[0],
           "it is a JPEG or PNG, as its bytes and its type say", (s, h.get("content-type")))
        ok(size and size[1] == size[2] and 1400 <= size[1] <= 3000,
           "it is square, 1400 to 3000 pixels (%r)" % (size,))
    items = ch.findall("item")
    eq(ch.findtext("lastBuildDate"), rfc822(EPISODE_T),
       "lastBuildDate is the newest episode's last change, not the time of rendering")
    for i in items:
        im = i.find("itunes:image", NS)
        if im is None:
            continue
        s, h, b = srv.get(im.get("href")[len(BASE):])
        size = image_size(b) if s == 200 else None
        if not (size and size[1] == size[2] and 1400 <= size[1] <= 3000):
            ok(False, "episode art is square", (i.findtext("title"), size))
            break
    else:
        ok(True, "every episode's art is square, 1400 to 3000 pixels")
    ep = [i for i in items if i.findtext("link") == BASE + "/article/" + EP_SLUG]
    ok(EP_ART and ep and ep[0].find("itunes:image", NS) is not None,
       "an episode with square art carries it")
    demo = [i for i in items if i.findtext("link") ==
            BASE + "/article/podcast-open-ran-year-of-proof"]
    ok(demo and demo[0].find("itunes:image", NS) is None,
       "an episode with a wide picture carries none (the show's is shown)")


def test_lastbuilddate_follows_the_feed():
    for p in ("/feed.xml", "/section/asia/feed.xml"):
        root = strict(p)
        if root is None:
            continue
        dates = [email.utils.parsedate_to_datetime(i.findtext("pubDate")).timestamp()
                 for i in root.findall("channel/item")]
        last = email.utils.parsedate_to_datetime(
            root.findtext("channel/lastBuildDate")).timestamp()
        ok(dates and last >= max(dates), p + ": lastBuildDate is no older than any item")


def test_comment_updated_follows_edits():
    path = "/article/%s/comments.atom" % REL_SLUG
    created = sql(DB, "SELECT created_at FROM comments WHERE id = ?", (EDIT_CID,))[0][0]
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    root = strict(path, "the comment feed")
    if root is None:
        return
    eq(root.findtext("atom:updated", "", NS), iso(created),
       "before an edit the feed's updated is the comment's posting")
    s, h, b = form("/comments/%d/edit" % EDIT_CID, {"body": "Typo fixed"}, COOKIE,
                   "/comments/%d/edit" % EDIT_CID)
    eq(s, 303, "the reader edits the comment")
    edited = sql(DB, "SELECT edited_at FROM comments WHERE id = ?", (EDIT_CID,))[0][0]
    root = strict(path, "the comment feed after the edit")
    if root is None:
        return
    ok(edited > created, "the edit is later than the posting")
    eq(root.findtext("atom:updated", "", NS), iso(edited),
       "after it the feed's updated is the edit's time")
    e = root.find("atom:entry", NS)
    eq((e.findtext("atom:published", "", NS), e.findtext("atom:updated", "", NS)),
       (iso(created), iso(edited)), "the entry keeps published and moves updated")
    ok("Typo fixed" in e.findtext("atom:content", "", NS), "with the new text")


def test_artwork_api():
    art = "/api/v1/admin/podcast/artwork"
    before = sql(DB, "SELECT value FROM settings WHERE key = 'podcast_image'")
    eq(call("POST", art, png(1600, 1600), "image/png", token=None)[0], 401,
       "the artwork API needs a token")
    s, j = call("POST", art, png(1300, 2000), "image/png")
    eq(s, 422, "an image under 1400 pixels on its shorter side is 422")
    ok(isinstance(j, dict) and "1400" in json.dumps(j), "saying why", j)
    eq(call("POST", art, b"GIF8 not really", "image/png")[0], 415,
       "a file that is no image is 415")
    eq(sql(DB, "SELECT value FROM settings WHERE key = 'podcast_image'"), before,
       "refused uploads change nothing")
    s, j = call("POST", art, png(2400, 1600, (20, 90, 160)), "image/png")
    eq(s, 201, "a wide image of 2400 x 1600 is taken")
    if s != 201:
        return
    eq((j["image"]["width"], j["image"]["height"]), (1600, 1600), "and made square")
    root = strict("/podcast.xml", "the podcast after new artwork")
    href = root.find("channel/itunes:image", NS).get("href") if root is not None else ""
    eq(href, BASE + j["image"]["src"], "the podcast names the new artwork at once")
    s, h, b = srv.get(j["image"]["src"])
    eq((s, image_size(b)), (200, ("jpeg", 1600, 1600)),
       "the served file is a 1600 x 1600 JPEG")
    s, j = call("POST", art, png(4000, 3500, (20, 90, 160)), "image/png")
    eq((s, j and j["image"]["width"]), (201, 3000), "a larger one is made 3000 pixels")
    noisy = noise_png(1500, 1500)
    ok(len(noisy) > 4 * 1024 * 1024, "a photograph-sized upload (%d bytes)" % len(noisy))
    s, j = call("POST", art, noisy, "image/png")
    eq((s, j and j["image"]["width"]), (201, 1500),
       "is taken up to max_upload, as an image upload is")


def cleanup():
    return srv.stop()


run_tests([test_feeds_are_well_formed, test_hub_feed_is_well_formed,
           test_comment_feed_is_well_formed,
           test_sitemaps_are_well_formed, test_podcast_is_well_formed,
           test_absolute_urls, test_categories_once, test_podcast_rules,
           test_lastbuilddate_follows_the_feed, test_comment_updated_follows_edits,
           test_artwork_api], cleanup)
