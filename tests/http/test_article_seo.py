"""A story's SEO title and description (both databases).

- The editor shows both fields, with the story's title and dek as their
  placeholders.
- Over their limits (200 and 500 bytes) the save is refused with 422
  and nothing changes; within them they are kept, and kept again by a
  save that changes something else.
- On the page an SEO title is the whole <title> and the Open Graph and
  Twitter title; an SEO description is the meta, Open Graph and Twitter
  description; JSON-LD keeps the story's own headline.  Emptied, the
  title and dek serve again.
- A social image (an uploaded image's hash) is the page's og:image
  instead of the hero image; JSON-LD keeps the hero; an unknown hash is
  a 422.
- The admin API takes and returns them.
- The editor previews the search result (title, address, description)
  and the share card (image, title, description) as the page gives
  them, before and after the overrides.
"""
import html
import json
import re
import subprocess
import tempfile
import urllib.parse

from harness import BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql

PW = "a passphrase long enough"


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-seo-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor", "--name",
                    "Editor", "editor@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
    return db


DB = make_db()
srv = Server(db=DB)
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
SESS = {}


def session():
    if not SESS:
        c = Client(srv, ip=None)
        c.sign_in("editor@example.com", PW)
        SESS["s"] = (c.cookie(), c.csrf("/signin"))
    return SESS["s"]


def get(path, signed=False):
    h = {"Cookie": session()[0]} if signed else {}
    s, hd, b = srv.request("GET", path, h)
    return s, hd, b.decode("utf-8", "replace")


def post(path, fields):
    cookie, tok = session()
    s, hd, b = srv.request("POST", path, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(list(fields.items()) + [("csrf", tok)]))
    return s, hd, b.decode("utf-8", "replace")


def row(aid):
    return sql(DB, "SELECT title, dek, seo_title, seo_description FROM articles"
               " WHERE id = ?", (aid,))[0]


def head(slug):
    s, h, b = get("/article/" + slug)
    assert s == 200, s
    return b[:b.find("</head>")]


def meta(hd, attr, name):
    m = re.search(r'<meta %s="%s" content="([^"]*)">' % (attr, re.escape(name)), hd)
    return html.unescape(m.group(1)) if m else None


def headline(hd):
    for m in re.finditer(r'<script type="application/ld\+json">(.*?)</script>', hd, re.S):
        v = json.loads(m.group(1))
        if v.get("@type") == "NewsArticle":
            return v.get("headline")
    return None


def new_story():
    s, h, b = post("/admin/articles", {
        "title": "Fiber reaches the valley", "dek": "Three towns get gigabit lines",
        "section": SECTION, "type": "news", "body_md": "One.\n\nTwo.",
        "then": "publish"})
    assert s == 303, (s, b[:400])
    aid = int(re.match(r"/admin/articles/(\d+)", h["location"]).group(1))
    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (aid,))[0][0]
    return aid, slug


def test_editor_fields():
    aid, _ = new_story()
    s, h, b = get("/admin/articles/%d" % aid, True)
    eq(s, 200, "the editor opens")
    contains(b, 'name="seo_title" value="" maxlength="200" placeholder="Fiber reaches the valley"',
             "it shows the SEO title, the story's title as its placeholder")
    ok(re.search(r'<textarea name="seo_description"[^>]*placeholder="Three towns get gigabit lines">',
                 b) is not None, "and the SEO description, the dek as its placeholder")


def test_limits():
    aid, _ = new_story()
    before = row(aid)
    for key, n in (("seo_title", 201), ("seo_description", 501)):
        s, h, b = post("/admin/articles/%d" % aid, {key: "x" * n, "then": "update"})
        eq(s, 422, "%s of %d bytes: 422" % (key, n))
        eq(row(aid), before, "and nothing changes")
    s, h, b = post("/admin/articles/%d" % aid, {"seo_title": "t" * 200,
                                                  "seo_description": "d" * 500,
                                                  "then": "update"})
    eq(s, 303, "at the limits the save succeeds")
    eq(row(aid)[2:], ("t" * 200, "d" * 500), "and both are stored")


def test_head_and_kept():
    aid, slug = new_story()
    hd = head(slug)
    contains(hd, "<title>Fiber reaches the valley | ", "without overrides: the title, then the site's name")
    eq(meta(hd, "name", "description"), "Three towns get gigabit lines", "and the dek describes it")
    s, h, b = post("/admin/articles/%d" % aid, {
        "seo_title": "Gigabit fiber in three valley towns",
        "seo_description": "Which towns, when, and what it costs", "then": "update"})
    eq(s, 303, "the overrides are saved")
    eq(row(aid)[2:], ("Gigabit fiber in three valley towns", "Which towns, when, and what it costs"),
       "and stored")
    hd = head(slug)
    contains(hd, "<title>Gigabit fiber in three valley towns</title>",
             "the SEO title is the whole <title>")
    eq(meta(hd, "property", "og:title"), "Gigabit fiber in three valley towns", "and og:title")
    eq(meta(hd, "name", "twitter:title"), "Gigabit fiber in three valley towns", "and twitter:title")
    eq(meta(hd, "name", "description"), "Which towns, when, and what it costs",
       "the SEO description is the meta description")
    eq(meta(hd, "property", "og:description"), "Which towns, when, and what it costs",
       "and og:description")
    eq(meta(hd, "name", "twitter:description"), "Which towns, when, and what it costs",
       "and twitter:description")
    eq(headline(hd), "Fiber reaches the valley", "JSON-LD's headline stays the story's title")
    s, h, b = get("/article/" + slug)
    contains(b, "<h1", "the page has its heading")
    ok(re.search(r"<h1[^>]*>Fiber reaches the valley</h1>", b) is not None,
       "and the heading is the story's title")
    s, h, b = post("/admin/articles/%d" % aid, {"title": "Fiber reaches the valley at last",
                                                  "then": "update"})
    eq(s, 303, "a save that changes the title only")
    eq(row(aid)[2:], ("Gigabit fiber in three valley towns", "Which towns, when, and what it costs"),
       "keeps both overrides")
    s, h, b = get("/admin/articles/%d" % aid, True)
    contains(b, 'name="seo_title" value="Gigabit fiber in three valley towns"',
             "the editor shows the stored SEO title")
    contains(b, ">Which towns, when, and what it costs</textarea>",
             "and the stored description")
    s, h, b = post("/admin/articles/%d" % aid, {"seo_title": "", "seo_description": "",
                                                  "then": "update"})
    eq(s, 303, "emptying both is saved")
    hd = head(slug)
    contains(hd, "<title>Fiber reaches the valley at last | ", "the title serves again")
    eq(meta(hd, "name", "description"), "Three towns get gigabit lines", "and the dek")


def test_social_image():
    aid, slug = new_story()
    h_, ext = sql(DB, "SELECT hash, ext FROM images ORDER BY id LIMIT 1")[0]
    hd = head(slug)
    ok(("/media/%s.%s" % (h_, ext)) not in (meta(hd, "property", "og:image") or ""),
       "without a social image the page does not share that one")
    s, h, b = post("/admin/articles/%d" % aid, {"seo_image": "f" * 64, "then": "update"})
    eq(s, 422, "an unknown image: 422")
    eq(sql(DB, "SELECT count(*) FROM articles WHERE id = ? AND seo_image_id IS NULL",
           (aid,))[0][0], 1,
       "and nothing changes")
    s, h, b = post("/admin/articles/%d" % aid, {"seo_image": h_, "then": "update"})
    eq(s, 303, "an uploaded image's code is saved")
    hd = head(slug)
    contains(meta(hd, "property", "og:image") or "", "/media/%s.%s" % (h_, ext),
             "and it is the page's og:image")
    eq(meta(hd, "name", "twitter:card"), "summary_large_image", "shared large on Twitter")
    s, h, b = get("/admin/articles/%d" % aid, True)
    contains(b, 'name="seo_image" value="%s"' % h_, "the editor shows its code")
    s, h, b = post("/admin/articles/%d" % aid, {"seo_image": "", "then": "update"})
    eq(s, 303, "emptied")
    eq(sql(DB, "SELECT count(*) FROM articles WHERE id = ? AND seo_image_id IS NULL",
           (aid,))[0][0], 1,
       "it is taken off")


def preview(aid):
    """The editor's previews: {id: text} and the share card's image."""
    s, h, b = get("/admin/articles/%d" % aid, True)
    assert s == 200, s
    got = {k: html.unescape(v) for k, v in
           re.findall(r'<span class="[a-z-]+" id="(serp-[a-z]+|card-[a-z]+)">([^<]*)</span>', b)}
    img = re.search(r'<img class="card-img" src="([^"]*)"', b)
    return got, img.group(1) if img else None


def test_editor_previews():
    aid, slug = new_story()
    for when in ("without overrides", "with overrides"):
        got, img = preview(aid)
        hd = head(slug)
        title = html.unescape(re.search(r"<title>([^<]*)</title>", hd).group(1))
        eq(got.get("serp-title"), title, when + ": the search result's title is the page's")
        eq(got.get("serp-desc"), meta(hd, "name", "description"),
           when + ": its description is the page's")
        eq(got.get("serp-url"), meta(hd, "property", "og:url"), when + ": its address the page's")
        eq(got.get("card-title"), meta(hd, "property", "og:title"),
           when + ": the share card's title is og:title")
        eq(got.get("card-desc"), meta(hd, "property", "og:description"),
           when + ": its description og:description")
        post("/admin/articles/%d" % aid, {
            "seo_title": "Gigabit <fiber> & three towns",
            "seo_description": "Which towns, \"when\", and what it costs", "then": "update"})
    eq(img, None, "without a hero or social image the card has no picture")
    h_, ext = sql(DB, "SELECT hash, ext FROM images ORDER BY id LIMIT 1")[0]
    h2, ext2 = sql(DB, "SELECT hash, ext FROM images ORDER BY id DESC LIMIT 1")[0]
    post("/admin/articles/%d" % aid, {"hero_image": h2, "then": "update"})
    eq(preview(aid)[1], "/media/%s.%s" % (h2, ext2), "with a hero, the card shows the hero")
    post("/admin/articles/%d" % aid, {"seo_image": h_, "then": "update"})
    eq(preview(aid)[1], "/media/%s.%s" % (h_, ext), "with a social image, that one")
    ok(("/media/%s." % h_) in (meta(head(slug), "property", "og:image") or ""),
       "as the page shares it")


def test_api():
    aid, slug = new_story()
    tok = subprocess.run([BIN, "token", "add", "--db", DB, "editor@example.com"],
                         text=True, check=True, capture_output=True).stdout.strip()
    auth = {"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
    s, h, b = srv.request("PATCH", "/api/v1/admin/articles/%d" % aid, auth,
                          json.dumps({"seo_title": "From the API"}))
    ok(s in (200, 204), "the admin API changes the SEO title", s)
    s, h, b = srv.request("GET", "/api/v1/admin/articles/%d" % aid, auth)
    eq(s, 200, "the admin API reads the story")
    v = json.loads(b)
    v = v.get("article", v)
    eq((v.get("seo_title"), v.get("seo_description")), ("From the API", ""),
       "with its SEO title and description")
    s, h, b = srv.request("PATCH", "/api/v1/admin/articles/%d" % aid, auth,
                          json.dumps({"seo_description": "y" * 501}))
    eq(s, 422, "an SEO description over 500 bytes by the API: 422")
    eq(row(aid)[3], "", "and nothing changes")


run_tests([test_editor_fields, test_limits, test_head_and_kept, test_social_image,
           test_editor_previews, test_api],
          srv.stop)
