#!/usr/bin/env python3
"""Responsive images on every kind of reader page (README, "Themes").

Every <img> of a page is drawn by partials/picture from an image object
of src/picture.c.  For each kind of page this suite checks, on the demo
(whose images are kept in 200, 320, 480, 640, 1024 and 1600 pixels,
JPEG and WebP):

- every <img> states width and height (no layout shift);
- an uploaded image with widths is a <picture> whose first child is a
  <source type="image/webp"> with srcset and sizes, and whose <img> has
  srcset and sizes of its own;
- every URL of every srcset answers 200 with the type its name says,
  an image exactly as wide as its descriptor, and a year-long immutable
  Cache-Control;
- the first image of the page is fetchpriority="high" and not lazy;
  every other one is loading="lazy".

The home page is held to the same rules: its lead image comes first.
"""
import os
import re
import struct
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, eq, ok, run_tests, sql  # noqa: E402

IMMUTABLE = "public, max-age=31536000, immutable"

srv = Server()


class Images(HTMLParser):
    """The <img> of a page in order, each with its attributes, whether a
    <picture> holds it, the <source> elements before it in that picture,
    and whether it stands in a story list item."""

    def __init__(self):
        super().__init__()
        self.imgs = []
        self.picture = None
        self.items = 0          # open <li class="story-item">
        self.stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li":
            item = "story-item" in (a.get("class") or "").split()
            self.stack.append(item)
            self.items += item
        elif tag == "picture":
            self.picture = {"sources": []}
        elif tag == "source" and self.picture is not None:
            self.picture["sources"].append(a)
        elif tag == "img":
            self.imgs.append({"attrs": a, "picture": self.picture,
                              "in_list": self.items > 0})

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.items -= self.stack.pop()
        elif tag == "picture":
            self.picture = None


def images_of(path, server):
    s, _, body = server.html(path)
    eq(s, 200, "%s answers 200" % path)
    p = Images()
    p.feed(body)
    return p.imgs


def dims(data):
    """(type, width) of a JPEG or WebP file, read from its header."""
    if data[:3] == b"\xff\xd8\xff":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return ("image/jpeg", None)
            marker = data[i + 1]
            seg = struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                return ("image/jpeg", struct.unpack(">H", data[i + 7:i + 9])[0])
            i += 2 + seg
        return ("image/jpeg", None)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8 ":
            return ("image/webp", struct.unpack("<H", data[26:28])[0] & 0x3FFF)
        if chunk == b"VP8L":
            b = data[21:25]
            return ("image/webp", 1 + (((b[1] & 0x3F) << 8) | b[0]))
        if chunk == b"VP8X":
            return ("image/webp", 1 + int.from_bytes(data[24:27], "little"))
    return (None, None)


checked = {}


def check_srcset(where, srcset, want_type, sizes=""):
    entries = [e.strip().split(" ") for e in srcset.split(",")]
    # A slot of a fixed width lists one width when it fills the slot at
    # ratio 3; every other lists two or more.
    fixed = re.fullmatch(r"([0-9]+)px", sizes or "")
    least = 1 if fixed and len(entries) == 1 and entries[0][-1][:-1].isdigit() and \
        int(entries[0][-1][:-1]) >= 3 * int(fixed.group(1)) else 2
    ok(len(entries) >= least and all(len(e) == 2 and e[1].endswith("w")
                                     for e in entries),
       "%s: srcset lists widths" % where, srcset)
    for url, desc in entries:
        if url in checked:
            continue
        s, h, data = srv.get(url)
        kind, width = dims(data)
        checked[url] = True
        eq((s, h.get("content-type"), kind, width),
           (200, want_type, want_type, int(desc[:-1])),
           "%s: %s answers a %s %s pixels wide" % (where, url, want_type,
                                                   desc[:-1]))
        eq(h.get("cache-control"), IMMUTABLE, "%s: %s is immutable"
           % (where, url))


def check_page(path, expect_images=True, only_lists=False, server=None):
    imgs = images_of(path, server or srv)
    if expect_images:
        ok(len(imgs) > 0, "%s shows images" % path)
    for n, img in enumerate(imgs):
        a = img["attrs"]
        where = "%s img %d" % (path, n + 1)
        ok(re.fullmatch(r"[1-9][0-9]*", a.get("width") or "") and
           re.fullmatch(r"[1-9][0-9]*", a.get("height") or ""),
           "%s: width and height" % where, a)
        if only_lists and not img["in_list"]:
            continue
        if not (a.get("src") or "").startswith("/media/"):
            continue
        pic = img["picture"]
        ok(pic is not None, "%s: inside <picture>" % where, a)
        if pic is None:
            continue
        webp = [x for x in pic["sources"] if x.get("type") == "image/webp"]
        eq(len(webp), 1, "%s: one WebP <source>" % where)
        for x in webp:
            ok(x.get("sizes"), "%s: the source has sizes" % where)
            check_srcset(where + " webp", x.get("srcset") or "",
                         "image/webp", x.get("sizes"))
        ok(a.get("sizes"), "%s: sizes" % where, a)
        ext = a["src"].rsplit(".", 1)[-1]
        check_srcset(where, a.get("srcset") or "",
                     "image/png" if ext == "png" else "image/jpeg", a.get("sizes"))
    if only_lists:
        return imgs
    # The first image is fetched first; the others wait to be seen.
    for n, img in enumerate(imgs):
        a = img["attrs"]
        if n == 0:
            eq((a.get("fetchpriority"), a.get("loading")), ("high", None),
               "%s: the first image is fetchpriority=high, not lazy" % path)
        else:
            eq((a.get("fetchpriority"), a.get("loading")), (None, "lazy"),
               "%s img %d: lazy" % (path, n + 1))
    return imgs


def one(query, params=()):
    return sql(srv.db, query, params)[0][0]


def first_article():
    _, _, body = srv.html("/section/5g")
    return re.search(r'href="(/article/[^"#]+)"', body).group(1)


def test_lists():
    for path in ("/section/5g", "/type/news", "/search?q=5g",
                 "/tag/" + one("SELECT slug FROM tags t WHERE EXISTS "
                               "(SELECT 1 FROM article_tags x WHERE "
                               "x.tag_id = t.id) ORDER BY id LIMIT 1")):
        imgs = check_page(path)
        ok(sum(i["in_list"] for i in imgs) >= 1, "%s: thumbnails in the "
           "story list" % path)
        thumb = [i for i in imgs if i["in_list"]][0]["attrs"]
        eq(thumb.get("sizes"), "(max-width: 640px) 110px, 200px",
           "%s: a thumbnail's sizes follow site.css" % path)


def test_home_lists():
    imgs = check_page("/")
    ok(len(imgs) >= 10, "/ shows the images of its lead, top stories and sections",
       len(imgs))
    # At 1366 px the lead is drawn 473 px wide and a top story 187 px:
    # each has a width just above it, so no 640 or 320 px file is taken.
    lead = imgs[0]["picture"]["sources"][0]
    ok(" 473px" in lead["sizes"] and re.search(r"-480\.webp 480w", lead["srcset"]),
       "/: the lead's sizes ends at 473px and it has a 480 px WebP", lead)
    cards = [i["picture"]["sources"][0] for i in imgs[1:5]]
    ok(len(cards) == 4 and all(" 187px" in c["sizes"] and
                               re.search(r"-200\.webp 200w", c["srcset"]) for c in cards),
       "/: the top stories' sizes end at 187px and each has a 200 px WebP", cards)


def test_article():
    path = first_article()
    imgs = check_page(path)
    a = imgs[0]["attrs"]
    ok("808px" in (a.get("sizes") or ""), "the hero's sizes is the story "
       "column's", a.get("sizes"))


def test_resources():
    imgs = check_page("/resources")
    eq(imgs[0]["attrs"].get("sizes"), "180px", "a cover in the list: 180px")
    slug = one("SELECT slug FROM resources WHERE cover_id IS NOT NULL "
               "ORDER BY id LIMIT 1")
    check_page("/resources/" + slug)


def test_event():
    slug = one("SELECT slug FROM events WHERE image_id IS NOT NULL "
               "ORDER BY id LIMIT 1")
    imgs = check_page("/events/" + slug)
    speakers = int(one("SELECT count(*) FROM event_speakers s JOIN events e ON"
                       " e.id = s.event_id WHERE e.slug = ? AND s.image_id IS NOT NULL",
                       (slug,)))
    eq(len(imgs), 1 + speakers, "the event page shows its image, then its "
       "speakers' photos")
    ok(all(i["attrs"].get("sizes") == "96px" for i in imgs[1:]),
       "a speaker's photo: 96px")


def test_author_photo():
    """An author's photo comes first on the page, before the stories."""
    slug = one("SELECT au.slug FROM authors au JOIN article_authors x ON "
               "x.author_id = au.id ORDER BY au.id LIMIT 1")
    sql(srv.db, "UPDATE authors SET photo_id = (SELECT min(id) FROM images) "
        "WHERE slug = ?", (slug,))
    imgs = check_page("/author/" + slug)
    eq(imgs[0]["attrs"].get("sizes"), "96px", "the photo's sizes is 96px")
    ok(not imgs[0]["in_list"] and len(imgs) > 1, "the photo, then the "
       "stories' thumbnails")


def test_plain_fallback():
    """An image kept in one size only is a plain <img>, its size stated."""
    img_id = one("SELECT i.id FROM images i JOIN articles a ON "
                 "a.hero_image_id = i.id ORDER BY a.published_at DESC "
                 "LIMIT 1")
    slug = one("SELECT slug FROM articles WHERE hero_image_id = ? AND "
               "status = 'published' ORDER BY id LIMIT 1", (img_id,))
    widths = one("SELECT widths FROM images WHERE id = ?", (img_id,))
    sql(srv.db, "UPDATE images SET widths = '' WHERE id = ?", (img_id,))
    srv2 = Server(db=srv.db)
    try:
        s, _, body = srv2.html("/article/" + slug)
        p = Images()
        p.feed(body)
        a = p.imgs[0]["attrs"]
        eq((s, p.imgs[0]["picture"], a.get("srcset")), (200, None, None),
           "an image without widths is a plain <img>")
        ok(a.get("width") and a.get("height"),
           "the plain <img> states its size")
    finally:
        srv2.stop()
        sql(srv.db, "UPDATE images SET widths = ? WHERE id = ?",
            (widths, img_id))


def test_body_images():
    """An uploaded image in a story's body is drawn as the hero is; an
    image from elsewhere stays as written."""
    hsh, ext = sql(srv.db, "SELECT hash, ext FROM images ORDER BY id "
                   "LIMIT 1")[0]
    slug = one("SELECT slug FROM articles WHERE status = 'published' "
               "ORDER BY id LIMIT 1")
    body = one("SELECT body_html FROM articles WHERE slug = ?", (slug,))
    sql(srv.db, "UPDATE articles SET body_html = ? WHERE slug = ?",
        ('<p>Figure: <img src="/media/%s.%s" alt="A &amp; B"></p>'
         '<p><img src="https://example.com/x.png" alt="far" width="10" '
         'height="10" loading="lazy"></p>' % (hsh, ext) + body, slug))
    srv2 = Server(db=srv.db)
    try:
        imgs = check_page("/article/" + slug, server=srv2)
        body_imgs = [i for i in imgs if "A & B" == i["attrs"].get("alt")]
        eq(len(body_imgs), 1, "the body's image is on the page once")
        ok(body_imgs and body_imgs[0]["picture"] is not None,
           "the body's uploaded image is a <picture>")
        far = [i for i in imgs if i["attrs"].get("alt") == "far"]
        eq([(i["picture"], i["attrs"].get("srcset")) for i in far],
           [(None, None)], "an image from elsewhere stays a plain <img>")
    finally:
        srv2.stop()
        sql(srv.db, "UPDATE articles SET body_html = ? WHERE slug = ?",
            (body, slug))


run_tests([test_lists, test_home_lists, test_article, test_resources,
           test_event, test_author_photo, test_plain_fallback,
           test_body_images], srv.stop)
