"""The newsroom at /admin: who may see and do what (each role, each
action: allowed or 403), CSRF on every form, slugs (unique, and old ones
answering 301), revisions (list, diff, restore), and image uploads (the
four types made into every width plus WebP, the original's size kept; bad, fake, truncated and
oversized files refused with nothing stored)."""
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests, demo_db, sql,
                     status_of)

PW = "a passphrase long enough"
ROLES = ("member", "contributor", "author", "author2", "editor", "admin")
MAX_UPLOAD = 400000
MAX_BODY = 300000


def make_db():
    """A demo database with one account per role; the writers below
    editor have author profiles, so they have stories of their own."""
    d = tempfile.mkdtemp(prefix="masthead-newsroom-")
    db = demo_db(d)
    slugs = [r[0] for r in sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 3")]
    accounts = (("member", "member", None), ("contributor", "contributor", slugs[0]),
                ("author", "author", slugs[1]), ("author2", "author", slugs[2]),
                ("editor", "editor", None), ("admin", "admin", None))
    tokens = {}
    for name, role, author in accounts:
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name", name.title()]
        if author:
            args += ["--author", author]
        subprocess.run(args + [name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, name + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[name] = r.stdout.strip()
    # The role rules below are those of a site that lets authors publish
    # alone; test_review.py checks the default, review first.
    sql(db, "INSERT INTO settings (key, value) VALUES ('authors_publish', '1')")
    return db, tokens, dict(zip(("contributor", "author", "author2"), slugs))


DB, TOK, BYLINE = make_db()
MEDIA = tempfile.mkdtemp(prefix="masthead-newsroom-media-")
srv = Server(db=DB, args=["--media_dir", MEDIA, "--max_upload", str(MAX_UPLOAD),
                          "--max_body", str(MAX_BODY)])
ZONE = sql(DB, "SELECT value FROM settings WHERE key = 'timezone'")
ZONE = ZONE[0][0] if ZONE else "UTC"
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
NR = Newsroom(srv, PW)
sign_in, get, post = NR.session, NR.get, NR.post


def article_count():
    return sql(DB, "SELECT count(*) FROM articles")[0][0]


def row(aid):
    return sql(DB, "SELECT slug, status, title, published_at FROM articles WHERE id = ?",
               (aid,))[0]


def new_story(who, title, then="save", **extra):
    """Creates a story as who; returns (status, id or None, body)."""
    fields = {"title": title, "section": SECTION, "type": "news",
              "body_md": "First paragraph.\n\nSecond paragraph.", "then": then}
    fields.update(extra)
    s, h, b = post("/admin/articles", who, fields)
    m = re.match(r"/admin/articles/(\d+)", h.get("location", ""))
    return s, int(m.group(1)) if m else None, b


_n = [0]


def fresh(owner, publish=False):
    """A story of owner's (an editor writes it under owner's byline)."""
    _n[0] += 1
    s, aid, b = new_story("editor", "Story %d for %s" % (_n[0], owner),
                          then="publish" if publish else "save",
                          authors=BYLINE.get(owner, BYLINE["author"]))
    assert s == 303, (s, b[:300])
    return aid


def test_gate():
    s, h, b = get("/admin")
    eq(s, 303, "signed out: /admin redirects")
    eq(h.get("location"), "/signin?next=%2Fadmin", "to the sign-in page, coming back after")
    eq(get("/admin/articles/new")[0], 303, "signed out: the editor redirects too")
    eq(post("/admin/articles", None, {"title": "x"})[0], 303,
       "signed out: a POST redirects and creates nothing")
    s, h, b = get("/admin", "member")
    eq(s, 403, "a member gets 403")
    eq(h.get("cache-control"), "private, no-store", "and the 403 is not stored either")
    for who in ROLES[1:]:
        for path in ("/admin", "/admin/articles", "/admin/articles/new", "/admin/media"):
            s, h, b = get(path, who)
            eq(s, 200, "%s sees %s" % (who, path))
            eq(h.get("cache-control"), "private, no-store",
               "%s on %s: Cache-Control private, no-store" % (who, path))
            ok("x-cache" not in h, "%s on %s: not from the page cache" % (who, path))
    s, h, b = get("/admin", "editor")
    for block in ("Drafts", "Scheduled", "Recently published"):
        contains(b, block, "the dashboard shows " + block)
    contains(b, 'value="%s"' % sign_in("editor")[1], "its forms carry the session's token")


def test_dashboard_and_list():
    aid = fresh("author")
    title = row(aid)[2]
    s, h, b = get("/admin", "contributor")
    contains(b, title, "a new draft is on the dashboard")
    link = ">%s</a>" % title
    s, h, b = get("/admin/articles?status=draft&q=" + urllib.parse.quote(title.upper()),
                  "contributor")
    contains(b, link, "title search ignores case")
    s, h, b = get("/admin/articles?status=published&q=" + urllib.parse.quote(title),
                  "contributor")
    ok(link not in b, "a draft is not among the published")
    s, h, b = get("/admin/articles?author=%s&type=news" % BYLINE["author"], "editor")
    contains(b, link, "filtered by author and type")
    s, h, b = get("/admin/articles?author=%s" % BYLINE["author2"], "editor")
    ok(link not in b, "and not under another author")
    s, h, b = get("/admin/articles?section=%s&status=draft" % SECTION, "editor")
    contains(b, link, "filtered by section")
    s, h, b = get("/admin/articles?q=%25", "editor")
    eq(s, 200, "a % in the search is a character, not a wildcard")
    ok(link not in b, "and matches only titles holding one")
    s, h, b = get("/admin/articles", "editor")
    m = re.search(r'rel="next" href="([^"]+)"', b)
    ok(m is not None, "the list has a next page (the demo has hundreds of stories)")
    if m:
        s, h, b2 = get(m.group(1).replace("&amp;", "&"), "editor")
        eq(s, 200, "the next page answers")
        first = re.findall(r'href="/admin/articles/(\d+)"', b)
        second = re.findall(r'href="/admin/articles/(\d+)"', b2)
        ok(second and not set(first) & set(second), "with other stories")
    for bad in ("status=gone", "section=Not%20A%20Slug", "before=x"):
        eq(get("/admin/articles?" + bad, "editor")[0], 400, "?%s is 400" % bad)


# Each action of the newsroom, and the roles allowed to do it.  Every
# other role gets 403 and nothing changes.
def act_create(who):
    n = article_count()
    s, aid, b = new_story(who, "Created by " + who)
    return s, article_count() - n


def act_create_publish(who):
    n = article_count()
    s, aid, b = new_story(who, "Published by " + who, then="publish")
    return s, article_count() - n


def act_edit_own(who):
    aid = fresh(who)
    s, h, b = post("/admin/articles/%d" % aid, who, {"title": "Edited", "then": "save"})
    return s, row(aid)[2] == "Edited"


def act_edit_other(who):
    aid = fresh("author2")
    s, h, b = post("/admin/articles/%d" % aid, who, {"title": "Edited", "then": "save"})
    return s, row(aid)[2] == "Edited"


def act_view_other(who):
    aid = fresh("author2")
    return get("/admin/articles/%d" % aid, who)[0], False


def act_preview_other(who):
    aid = fresh("author2")
    return get("/admin/articles/%d/preview" % aid, who)[0], False


def act_revisions_other(who):
    aid = fresh("author2")
    return get("/admin/articles/%d/revisions" % aid, who)[0], False


def act_publish_own(who):
    aid = fresh(who)
    s, h, b = post("/admin/articles/%d/publish" % aid, who, {})
    return s, row(aid)[1] == "published"


def act_publish_other(who):
    aid = fresh("author2")
    s, h, b = post("/admin/articles/%d/publish" % aid, who, {})
    return s, row(aid)[1] == "published"


def act_schedule_own(who):
    aid = fresh(who)
    at = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 86400 * 3))
    s, h, b = post("/admin/articles/%d/schedule" % aid, who, {"at": at})
    return s, row(aid)[1] == "published"


def act_unpublish_own(who):
    aid = fresh(who, publish=True)
    s, h, b = post("/admin/articles/%d/unpublish" % aid, who, {})
    return s, row(aid)[1] == "draft"


def act_unpublish_other(who):
    aid = fresh("author2", publish=True)
    s, h, b = post("/admin/articles/%d/unpublish" % aid, who, {})
    return s, row(aid)[1] == "draft"


def act_edit_own_published(who):
    aid = fresh(who, publish=True)
    s, h, b = post("/admin/articles/%d" % aid, who, {"title": "Edited", "then": "update"})
    return s, row(aid)[2] == "Edited"


def act_upload(who):
    n = sql(DB, "SELECT count(*) FROM images")[0][0]
    s, h, b = upload(who, "a.png", image("png", 400, 200, seed=len(who)))
    return s, sql(DB, "SELECT count(*) FROM images")[0][0] - n


WRITERS = ("contributor", "author", "editor", "admin")
PUBLISHERS = ("author", "editor", "admin")
EDITORS = ("editor", "admin")
MATRIX = (
    ("create a draft", act_create, WRITERS, 303),
    ("create and publish", act_create_publish, PUBLISHERS, 303),
    ("edit an own draft", act_edit_own, WRITERS, 303),
    ("edit another's draft", act_edit_other, EDITORS, 303),
    ("open another's story", act_view_other, EDITORS, 200),
    ("preview another's story", act_preview_other, EDITORS, 200),
    ("see another's revisions", act_revisions_other, EDITORS, 200),
    ("publish an own story", act_publish_own, PUBLISHERS, 303),
    ("publish another's story", act_publish_other, EDITORS, 303),
    ("schedule an own story", act_schedule_own, PUBLISHERS, 303),
    ("unpublish an own story", act_unpublish_own, PUBLISHERS, 303),
    ("unpublish another's story", act_unpublish_other, EDITORS, 303),
    ("edit an own published story", act_edit_own_published, PUBLISHERS, 303),
    ("upload an image", act_upload, WRITERS, 201),
)


def test_role_matrix():
    for label, fn, allowed, good in MATRIX:
        for who in ("member", "contributor", "author", "editor", "admin"):
            s, changed = fn(who)
            if who in allowed:
                eq(s, good, "%s may %s" % (who, label))
            else:
                eq(s, 403, "%s may not %s (403)" % (who, label))
                ok(not changed, "%s: nothing changed" % label)


def test_csrf():
    aid = fresh("author")
    before = row(aid)
    n = article_count()
    other = sign_in("admin")[1]
    cases = (("/admin/articles", {"title": "Forged", "section": SECTION}),
             ("/admin/articles/%d" % aid, {"title": "Forged"}),
             ("/admin/articles/%d/publish" % aid, {}),
             ("/admin/articles/%d/unpublish" % aid, {}),
             ("/admin/articles/%d/revisions/1/restore" % aid, {}),
             ("/admin/preview", {"body_md": "x"}))
    for path, fields in cases:
        eq(post(path, "editor", fields, csrf=None)[0], 403, "POST %s without a token: 403" % path)
        eq(post(path, "editor", fields, csrf="x" * 43)[0], 403, "with a wrong token: 403")
        eq(post(path, "editor", fields, csrf=other)[0], 403,
           "with another account's token: 403")
    eq(row(aid), before, "the story did not change")
    eq(article_count(), n, "no story was made")
    s, h, b = srv.request("POST", "/admin/media", {
        "Cookie": sign_in("editor")[0],
        "Content-Type": "multipart/form-data; boundary=XyZ"},
        multipart({"file": ("a.png", image("png", 400, 200, seed=99), "image/png")}))
    eq(s, 403, "an upload without a token: 403")


def test_slugs():
    s, a1, b = new_story("editor", "Slugs Are Unique", then="publish")
    eq(row(a1)[0], "slugs-are-unique", "the slug is made from the title")
    n = article_count()
    s, aid, b = new_story("editor", "Another", slug="slugs-are-unique")
    eq(s, 409, "a new story with a taken slug: 409")
    contains(b, "already has that slug", "with a clear message")
    contains(b, 'value="Another"', "and the form keeps what was typed")
    eq(article_count(), n, "nothing was created")
    s, a2, b = new_story("editor", "Slugs Are Unique")
    eq(row(a2)[0], "slugs-are-unique-2", "an automatic slug avoids the taken one")
    s, h, b = post("/admin/articles/%d" % a2, "editor", {"slug": "slugs-are-unique"})
    eq(s, 409, "changing to a taken slug: 409")
    eq(row(a2)[0], "slugs-are-unique-2", "the slug stayed")
    eq(post("/admin/articles/%d" % a2, "editor", {"slug": "Not A Slug"})[0], 422,
       "a slug that is not one: 422")
    # Moving a published story keeps its old address.
    eq(get("/article/slugs-are-unique")[0], 200, "the published story answers")
    s, h, b = post("/admin/articles/%d" % a1, "editor", {"slug": "slugs-moved"})
    eq(s, 303, "its slug changes")
    s, h, b = get("/article/slugs-are-unique")
    eq(s, 301, "the old URL answers 301")
    eq(h.get("location"), "/article/slugs-moved", "to the new one")
    eq(get("/article/slugs-moved")[0], 200, "which answers")
    s, h, b = post("/admin/articles/%d" % a1, "editor", {"slug": "slugs-moved-again"})
    eq(get("/article/slugs-are-unique")[1].get("location"), "/article/slugs-moved-again",
       "after a second move the first URL goes straight to the newest")
    eq(get("/article/slugs-moved")[1].get("location"), "/article/slugs-moved-again",
       "and so does the second")
    post("/admin/articles/%d" % a1, "editor", {"slug": "slugs-are-unique"})
    eq(get("/article/slugs-are-unique")[0], 200, "taking the old slug back serves it again")
    post("/admin/articles/%d/unpublish" % a1, "editor", {})
    eq(get("/article/slugs-moved")[0], 404, "an unpublished story's old URLs are 404")
    s, aid, b = new_story("editor", "Draft Slug")
    post("/admin/articles/%d" % aid, "editor", {"slug": "draft-slug-b"})
    eq(get("/article/draft-slug")[0], 404, "a draft's old slug is not kept")


def test_revisions():
    s, aid, b = new_story("author", "Revised Story", body_md="Line one.\nLine two.")
    post("/admin/articles/%d" % aid, "author", {
        "body_md": "Line one.\r\nLine 2 <script>alert(1)</script>\r\nLine three."})
    post("/admin/articles/%d" % aid, "author", {"title": "Revised Story, Again"})
    s, h, b = get("/admin/articles/%d/revisions" % aid, "author")
    eq(s, 200, "the revisions page answers")
    revs = re.findall(r'href="/admin/articles/%d/revisions/(\d+)"' % aid, b)
    eq(len(revs), 3, "every save kept a revision")
    s, h, d = get("/admin/articles/%d/revisions/%s" % (aid, revs[1]), "author")
    eq(s, 200, "a revision's diff answers")
    contains(d, '<span class="del">Line two.</span>', "the removed line")
    contains(d, '<span class="add">Line 2 &lt;script&gt;alert(1)&lt;/script&gt;</span>',
             "the added line, escaped")
    contains(d, '<span class="same">Line one.</span>', "the kept line")
    ok("<script>alert" not in d, "nothing of the body is raw HTML")
    s, h, d = get("/admin/articles/%d/revisions/%s" % (aid, revs[0]), "author")
    contains(d, "Revised Story, Again", "the title change is listed")
    contains(d, '<td class="del">Revised Story</td>', "with the title before")
    s, h, b = post("/admin/articles/%d/revisions/%s/restore" % (aid, revs[2]), "author", {})
    eq(s, 303, "restoring the first revision")
    eq(row(aid)[2], "Revised Story", "brings its title back")
    s, h, b = get("/admin/articles/%d" % aid, "author")
    contains(b, ">Line one.\nLine two.</textarea>", "and its body")
    s, h, b = get("/admin/articles/%d/revisions" % aid, "author")
    eq(len(re.findall(r'href="/admin/articles/%d/revisions/(\d+)"' % aid, b)), 4,
       "restoring is itself a new revision")
    contains(b, "restored revision " + revs[2], "noted as such")
    other = fresh("author2")
    rev = sql(DB, "SELECT min(id) FROM article_revisions WHERE article_id = ?", (other,))[0][0]
    eq(get("/admin/articles/%d/revisions/%s" % (aid, rev), "editor")[0], 404,
       "a revision of another story under this one's URL is 404")


def test_preview():
    s, aid, b = new_story("author", "Preview Me", body_md="Some *bold* words.")
    slug = row(aid)[0]
    s, h, b = get("/admin/articles/%d/preview" % aid, "author")
    eq(s, 200, "the writer previews a draft")
    contains(b, "Preview Me", "as the article page")
    contains(b, "<em>bold</em>", "with the body rendered")
    contains(b, "readers do not see this page", "marked as a preview")
    eq(h.get("cache-control"), "private, no-store", "not stored anywhere")
    eq(get("/article/" + slug)[0], 404, "readers still get 404")
    eq(get("/admin/articles/%d/preview" % aid)[0], 303, "signed out: to sign in")
    s, h, b = post("/admin/preview", "author", {"body_md": "# Hi <b>x</b>"})
    eq(s, 200, "the live Markdown preview answers")
    ok(re.search(r"<h\d[^>]*>Hi ", b), "with the editors' rendering", b[:200])


def test_schedule():
    s, aid, b = new_story("author", "Scheduled Story")
    from datetime import datetime
    from zoneinfo import ZoneInfo
    at = int(time.time()) // 60 * 60 + 7200
    local = datetime.fromtimestamp(at, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")
    s, h, b = post("/admin/articles/%d" % aid, "author", {"then": "schedule", "at": local})
    eq(s, 303, "scheduling from the editor")
    r = row(aid)
    eq(r[1], "published", "the story is published...")
    eq(r[3], at, "at the time given, read in the site's zone (%s)" % ZONE)
    eq(get("/article/" + r[0])[0], 404, "and not live before it")
    s, h, b = get("/admin", "author")
    contains(b, "Scheduled Story", "the dashboard lists it as scheduled")
    s, h, b = get("/admin/articles/%d" % aid, "author")
    contains(b, "(%s)" % ZONE, "the editor shows the time zone")
    s, h, b = post("/admin/articles/%d" % aid, "author", {"then": "schedule",
                                                          "at": "2001-01-01T00:00"})
    eq(s, 422, "a time in the past is refused")
    eq(post("/admin/articles/%d" % aid, "author", {"then": "schedule", "at": "soon"})[0], 422,
       "and so is a time that is not one")
    eq(post("/admin/articles/%d" % aid, "author", {"then": "fly"})[0], 400,
       "an unknown action is 400")


def test_hero_and_sponsor():
    s, h, b = upload("editor", "hero.jpg", image("jpg", 1700, 900, seed=7))
    hsh = re.search(r'<code class="hash">([0-9a-f]{64})</code>', b).group(1)
    sponsor = sql(DB, "SELECT slug FROM sponsors ORDER BY id LIMIT 1")[0][0]
    s, aid, b = new_story("editor", "Partner Story", then="publish", type="partner-perspective",
                          sponsor=sponsor, hero_image=hsh, hero_caption="A caption",
                          hero_credit="A credit", hero_licence="CC BY 4.0",
                          authors="%s, %s" % (BYLINE["author"], BYLINE["author2"]),
                          tags="5G, Open RAN")
    eq(s, 303, "a Partner Perspective with a hero image, two authors and tags")
    s, h, b = get("/article/" + row(aid)[0])
    contains(b, 'srcset="/media/%s-200.jpg 200w' % hsh, "the article page has a srcset")
    contains(b, 'type="image/webp" srcset="/media/%s-200.webp 200w' % hsh, "and a WebP source")
    contains(b, 'sizes="', "with sizes")
    contains(b, "A caption", "the caption")
    contains(b, "CC BY 4.0", "the licence")
    contains(b, "Partner Perspective", "the sponsor note")
    eq(len(re.findall(r'rel="author"', b)), 2, "both authors in the byline")
    contains(b, 'rel="tag">Open RAN<', "the tags")
    s, h, b = new_story("editor", "Bad Hero", hero_image="0" * 64)
    eq(s, 422, "an image that was never uploaded: 422")


def test_body_limit():
    n = article_count()
    s, h, b = post("/admin/articles", "editor", {"title": "Huge", "section": SECTION,
                                                 "body_md": "x" * (MAX_BODY + 1000)})
    eq(s, 413, "a form over max_body is 413 (the upload limit is for uploads only)")
    eq(article_count(), n, "nothing was made")


# Images, made by the vips command line.
_img = {}


def image(fmt, w, h, seed=0):
    key = (fmt, w, h, seed)
    if key not in _img:
        d = tempfile.mkdtemp(prefix="masthead-img-")
        base = os.path.join(d, "x.v")
        subprocess.run(["vips", "xyz", base, str(w), str(h)], check=True)
        subprocess.run(["vips", "linear", base, os.path.join(d, "y.v"), "0.05",
                        str(seed)], check=True)
        subprocess.run(["vips", "cast", os.path.join(d, "y.v"), os.path.join(d, "c.v"),
                        "uchar"], check=True)
        # xyz makes two bands (x, y): one band, then sRGB, makes a plain
        # colour picture without transparency.
        subprocess.run(["vips", "extract_band", os.path.join(d, "c.v"),
                        os.path.join(d, "m.v"), "0"], check=True)
        subprocess.run(["vips", "colourspace", os.path.join(d, "m.v"),
                        os.path.join(d, "z.v"), "srgb"], check=True)
        out = os.path.join(d, "out." + fmt)
        subprocess.run(["vips", "copy", os.path.join(d, "z.v"), out], check=True)
        with open(out, "rb") as f:
            _img[key] = f.read()
    return _img[key]


def multipart(files, fields=None, boundary="XyZ"):
    out = b""
    for k, v in (fields or {}).items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary, k, v)).encode()
    for k, (fname, data, ctype) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (boundary, k, fname, ctype)).encode()
        out += data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def upload(who, fname, data, ctype="image/jpeg", body=None):
    cookie, tok = sign_in(who)
    if body is None:
        body = multipart({"file": (fname, data, ctype)}, {"csrf": tok, "alt": "alt text"})
    s, h, b = srv.request("POST", "/admin/media", {
        "Cookie": cookie, "Content-Type": "multipart/form-data; boundary=XyZ"}, body)
    return s, h, b.decode("utf-8", "replace")


def stored():
    return (sql(DB, "SELECT count(*) FROM images")[0][0],
            sorted(f for f in os.listdir(MEDIA) if not f.startswith(".")))


def test_upload_types():
    for fmt, fallback in (("jpg", "jpg"), ("png", "png"), ("webp", "jpg"), ("gif", "png")):
        data = image(fmt, 1700, 900, seed=len(fmt) * 3)
        ok(len(data) < MAX_UPLOAD, "the %s test image fits the limit (%d bytes)" % (fmt, len(data)))
        s, h, b = upload("contributor", "photo.bin", data, ctype="application/octet-stream")
        eq(s, 201, "a %s upload is accepted (whatever its name and Content-Type)" % fmt)
        m = re.search(r'<code class="hash">([0-9a-f]{64})</code>', b)
        if not ok(m, "the page shows the image's code"):
            continue
        hsh = m.group(1)
        files = set(os.listdir(MEDIA))
        for w in (200, 320, 480, 640, 1024, 1600, 1700):
            for ext in (fallback, "webp"):
                ok("%s-%d.%s" % (hsh, w, ext) in files, "%s: %d px as %s" % (fmt, w, ext))
        ok("%s.%s" % (hsh, fallback) in files, "%s: the plain URL's file" % fmt)
        r = sql(DB, "SELECT widths, width, height FROM images WHERE hash = ?", (hsh,))
        eq(r, [("200,320,480,640,1024,1600,1700", 1700, 900)],
           "%s: its row (the original's own size kept)" % fmt)
        s, hd, body = srv.request("GET", "/media/%s-640.webp" % hsh)
        eq(s, 200, "%s: a width is served" % fmt)
        eq(hd.get("content-type"), "image/webp", "as WebP")
        eq(body[8:12], b"WEBP", "really WebP")
        contains(hd.get("cache-control", ""), "max-age=31536000, immutable",
                 "for a year, immutable")
        contains(b, 'srcset="/media/%s-200.%s 200w' % (hsh, fallback), "the page shows a srcset")
    s, h, b = upload("contributor", "small.png", image("png", 200, 100, seed=5))
    hsh = re.search(r'<code class="hash">([0-9a-f]{64})</code>', b).group(1)
    eq(str(sql(DB, "SELECT widths FROM images WHERE hash = ?", (hsh,))[0][0]), "200",
       "an image narrower than 320 px keeps its width (no upscaling)")
    n = stored()
    s, h, b = upload("contributor", "again.png", image("png", 200, 100, seed=5))
    eq(s, 201, "the same bytes again are accepted")
    eq(stored(), n, "and stored once")


def test_upload_rejections():
    jpg = image("jpg", 1700, 900, seed=1)
    png = image("png", 800, 400, seed=2)
    cases = (
        ("a text file named .jpg", "fake.jpg", b"just some text, not a picture\n" * 20,
         "image/jpeg", 415, "not a JPEG, PNG, WebP or GIF"),
        ("random bytes", "noise.png", os.urandom(5000), "image/png", 415, "not a JPEG"),
        ("a truncated JPEG", "half.jpg", jpg[:len(jpg) // 2], "image/jpeg", 422,
         "damaged or truncated"),
        ("a truncated PNG", "half.png", png[:len(png) // 2], "image/png", 422,
         "damaged or truncated"),
        ("a file over max_upload", "big.jpg", b"\xff\xd8\xff" + os.urandom(MAX_UPLOAD + 10),
         "image/jpeg", 413, "larger than"),
        ("an SVG", "x.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png", 415,
         "not a JPEG"),
    )
    for label, fname, data, ctype, want, msg in cases:
        before = stored()
        s, h, b = upload("editor", fname, data, ctype)
        eq(s, want, "%s: %d" % (label, want))
        contains(b, msg, "%s: a clear message" % label)
        eq(stored(), before, "%s: no row and no file stored" % label)
    cookie, tok = sign_in("editor")
    bodies = (
        ("a multipart body cut short", multipart({"file": ("a.png", png, "image/png")},
                                                 {"csrf": tok})[:-40]),
        ("no file part", multipart({}, {"csrf": tok})),
        ("a part without a name", ("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n"
                                   "--XyZ--\r\n").encode()),
        ("a preamble before the first boundary", b"junk\r\n" + multipart(
            {"file": ("a.png", png, "image/png")}, {"csrf": tok})),
    )
    for label, body in bodies:
        before = stored()
        s, h, b = upload("editor", None, None, body=body)
        ok(s in (400, 403), "%s: refused (%d)" % (label, s))
        eq(stored(), before, "%s: nothing stored" % label)
    s, h, b = srv.request("POST", "/admin/media", {
        "Cookie": cookie, "Content-Type": "multipart/form-data"}, multipart(
        {"file": ("a.png", png, "image/png")}, {"csrf": tok}))
    eq(s, 400, "a Content-Type without a boundary: the form cannot be read, 400")
    raw = srv.raw(("POST /admin/media HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
                   "Content-Type: multipart/form-data; boundary=XyZ\r\n"
                   "Content-Length: %d\r\n\r\n" % (cookie, MAX_UPLOAD + 70000)).encode())
    eq(status_of(raw), 413, "a body announced over max_upload is 413 before it is read")


def test_api_upload():
    png = image("png", 700, 300, seed=11)
    s, h, b = srv.request("POST", "/api/v1/admin/media", {
        "Authorization": "Bearer " + TOK["contributor"], "Content-Type": "image/png"}, png)
    eq(s, 201, "the API takes an image as the body")
    import json
    j = json.loads(b)
    eq(j["image"]["widths"], [200, 320, 480, 640, 700], "in the widths narrower than it, and its own")
    ok(os.path.exists(os.path.join(MEDIA, j["image"]["hash"] + "-640.webp")), "with WebP")
    s, h, b = srv.request("POST", "/api/v1/admin/media", {
        "Authorization": "Bearer " + TOK["contributor"],
        "Content-Type": "multipart/form-data; boundary=XyZ"},
        multipart({"file": ("b.gif", image("gif", 500, 300, seed=12), "image/gif")}))
    eq(s, 201, "or as the file part of a form")
    before = stored()
    s, h, b = srv.request("POST", "/api/v1/admin/media", {
        "Authorization": "Bearer " + TOK["contributor"], "Content-Type": "image/png"},
        png[:len(png) // 3])
    eq(s, 422, "a truncated image through the API: 422")
    eq(json.loads(b)["error"]["status"], 422, "as a JSON error")
    eq(stored(), before, "nothing stored")
    s, h, b = srv.request("POST", "/api/v1/admin/media", {
        "Authorization": "Bearer " + TOK["member"], "Content-Type": "image/png"}, png)
    eq(s, 403, "a member's token: 403")
    s, h, b = srv.request("POST", "/api/v1/admin/media", {"Content-Type": "image/png"}, png)
    eq(s, 401, "no token: 401")


def test_api_revisions():
    import json
    s, h, b = srv.request("POST", "/api/v1/admin/articles", {
        "Authorization": "Bearer " + TOK["editor"], "Content-Type": "application/json"},
        json.dumps({"title": "From the API", "section": SECTION, "body_md": "x"}))
    aid = json.loads(b)["article"]["id"]
    srv.request("PATCH", "/api/v1/admin/articles/%d" % aid, {
        "Authorization": "Bearer " + TOK["editor"], "Content-Type": "application/json"},
        json.dumps({"body_md": "y"}))
    n = sql(DB, "SELECT count(*) FROM article_revisions WHERE article_id = ?", (aid,))[0][0]
    eq(n, 2, "saves through the API keep revisions too")


def test_users():
    for who in ("member", "contributor", "author", "editor"):
        eq(get("/admin/users", who)[0], 403, "%s may not see the users (403)" % who)
        eq(post("/admin/users/role", who, {"email": "author2@example.com",
                                           "role": "admin"})[0], 403,
           "%s may not change a role (403)" % who)
    role = lambda e: sql(DB, "SELECT role FROM users WHERE email = ?", (e,))[0][0]
    eq(role("author2@example.com"), "author", "the role did not change")
    s, h, b = get("/admin/users", "admin")
    eq(s, 200, "an admin sees the users")
    contains(b, "author2@example.com", "with their emails")
    eq(post("/admin/users/role", "admin", {"email": "author2@example.com", "role": "editor"},
            csrf=None)[0], 403, "without a token: 403")
    eq(role("author2@example.com"), "author", "unchanged")
    aid = fresh("author")
    eq(get("/admin/articles/%d" % aid, "author2")[0], 403, "author2 cannot open another's story")
    s, h, b = post("/admin/users/role", "admin", {"email": "author2@example.com",
                                                  "role": "editor"})
    eq(s, 303, "an admin makes author2 an editor")
    eq(role("author2@example.com"), "editor", "it is stored")
    eq(get("/admin/articles/%d" % aid, "author2")[0], 200,
       "and takes effect on author2's next request")
    post("/admin/users/role", "admin", {"email": "author2@example.com", "role": "author"})
    eq(role("author2@example.com"), "author", "and back")
    eq(post("/admin/users/role", "admin", {"email": "admin@example.com", "role": "member"})[0],
       422, "an admin cannot change their own role")
    eq(post("/admin/users/role", "admin", {"email": "author2@example.com", "role": "king"})[0],
       422, "an unknown role: 422")
    eq(post("/admin/users/role", "admin", {"email": "nobody@example.com", "role": "author"})[0],
       404, "an unknown account: 404")


def test_menus():
    for who in ("member", "contributor", "author"):
        eq(get("/admin/menus", who)[0], 403, "%s may not see the menus (403)" % who)
        eq(post("/admin/menus", who, {"menu": "main", "label": "X", "url": "/x"})[0], 403,
           "%s may not add a menu item (403)" % who)
    count = lambda: sql(DB, "SELECT count(*) FROM menu_items")[0][0]
    n = count()
    s, h, b = get("/admin/menus", "editor")
    eq(s, 200, "an editor sees the menus")
    first = sql(DB, "SELECT label FROM menu_items WHERE menu = 'main' ORDER BY id LIMIT 1")[0][0]
    contains(b, 'value="%s"' % first, "with their items")
    srv.get("/")
    eq(srv.get("/")[1].get("x-cache"), "hit", "the home page is cached")
    eq(post("/admin/menus", "editor", {"menu": "main", "label": "Newsroom Link",
                                       "url": "/about-us"}, csrf=None)[0], 403,
       "adding without a token: 403")
    s, h, b = post("/admin/menus", "editor", {"menu": "main", "label": "Newsroom Link",
                                              "url": "javascript:alert(1)"})
    eq(s, 422, "a javascript: link is refused")
    contains(b, "a path on this site or an http(s) address", "with the reason")
    eq(count(), n, "nothing was added")
    s, h, b = post("/admin/menus", "editor", {"menu": "footer", "label": "Newsroom Link",
                                              "url": "/about-us", "position": "7"})
    eq(s, 303, "an editor adds a footer link")
    iid = sql(DB, "SELECT id FROM menu_items WHERE label = 'Newsroom Link'")[0][0]
    s, h, b = srv.html("/")
    contains(b, "Newsroom Link", "the cached home page shows it at once")
    post("/admin/menus/%d" % iid, "editor", {"label": "Renamed Link", "url": "/about-us",
                                             "position": "7"})
    contains(srv.html("/")[2], "Renamed Link", "a rename shows at once")
    eq(post("/admin/menus/%d" % iid, "editor", {"label": "", "url": "/"})[0], 422,
       "an empty label: 422")
    eq(post("/admin/menus/%d" % iid, "editor", {"label": "X", "position": "-3"})[0], 422,
       "a negative position: 422")
    s, h, b = post("/admin/menus/%d/delete" % iid, "editor", {})
    eq(s, 303, "the link is removed")
    ok("Renamed Link" not in srv.html("/")[2], "and gone from the page")
    eq(count(), n, "the menus are as they were")
    eq(post("/admin/menus/999999/delete", "editor", {})[0], 404, "an unknown item: 404")


def test_authors_and_sponsors():
    for who in ("member", "contributor", "author"):
        for path in ("/admin/authors", "/admin/sponsors"):
            eq(get(path, who)[0], 403, "%s may not see %s (403)" % (who, path))
            eq(post(path, who, {"slug": "x-" + who, "name": "X"})[0], 403,
               "%s may not add to %s (403)" % (who, path))
    eq(sql(DB, "SELECT count(*) FROM authors WHERE slug LIKE 'x-%'")[0][0], 0, "none was added")
    s, h, b = post("/admin/authors", "editor", {"slug": "newsroom-writer", "name": "Nora Writer",
                                                "role": "Staff Writer", "bio": "Writes <b>."})
    eq(s, 303, "an editor adds an author")
    eq(get("/author/newsroom-writer")[0], 200, "whose page answers")
    s, h, b = get("/admin/authors", "editor")
    contains(b, "Writes &lt;b&gt;.", "the list shows the bio, escaped")
    eq(post("/admin/authors", "editor", {"slug": "newsroom-writer", "name": "Again"})[0], 409,
       "a taken slug: 409")
    eq(post("/admin/authors", "editor", {"slug": "Bad Slug", "name": "Bad"})[0], 422,
       "a bad slug: 422")
    eq(post("/admin/authors", "editor", {"slug": "no-name", "name": ""})[0], 422,
       "no name: 422")
    eq(post("/admin/authors", "editor", {"slug": "x-forged", "name": "X"}, csrf=None)[0], 403,
       "without a token: 403")
    # A byline on a cached article page changes with the profile.
    aid = fresh("author", publish=True)
    slug = row(aid)[0]
    auid, auslug = sql(DB, "SELECT id, slug FROM authors WHERE slug = ?",
                       (BYLINE["author"],))[0]
    srv.get("/article/" + slug)
    eq(srv.get("/article/" + slug)[1].get("x-cache"), "hit", "the article page is cached")
    s, h, b = post("/admin/authors/%d" % auid, "editor", {"name": "Renamed Byline",
                                                          "role": "Editor at Large"})
    eq(s, 303, "an editor renames an author")
    contains(srv.html("/article/" + slug)[2], "Renamed Byline", "the cached article shows it")
    contains(srv.html("/author/" + auslug)[2], "Renamed Byline", "and the author's page")
    s, h, b = post("/admin/sponsors", "editor", {"slug": "acme-networks", "name": "Acme Networks",
                                                 "url": "https://acme.example"})
    eq(s, 303, "an editor adds a sponsor")
    eq(post("/admin/sponsors", "editor", {"slug": "acme-networks", "name": "Acme"})[0], 409,
       "a taken sponsor slug: 409")
    eq(post("/admin/sponsors", "editor", {"slug": "bad-url", "name": "Bad",
                                          "url": "javascript:alert(1)"})[0], 422,
       "a sponsor address that is not http(s): 422")
    s, aid, b = new_story("editor", "Sponsored by Acme", then="publish",
                          type="partner-perspective", sponsor="acme-networks")
    contains(srv.html("/article/" + row(aid)[0])[2], "Acme Networks", "the sponsor is named")
    spid = sql(DB, "SELECT id FROM sponsors WHERE slug = 'acme-networks'")[0][0]
    post("/admin/sponsors/%d" % spid, "editor", {"name": "Acme Optical",
                                                 "url": "https://acme.example"})
    contains(srv.html("/article/" + row(aid)[0])[2], "Acme Optical",
             "a renamed sponsor shows at once")


def test_static_pages():
    for who in ("member", "contributor", "author"):
        eq(get("/admin/pages", who)[0], 403, "%s may not see the pages (403)" % who)
        eq(post("/admin/pages", who, {"slug": "x-page", "title": "X"})[0], 403,
           "%s may not add a page (403)" % who)
    eq(get("/admin/pages/new", "editor")[0], 200, "an editor opens a new page")
    s, h, b = post("/admin/pages", "editor", {"slug": "newsroom-policy", "title": "Our Policy",
                                              "body_md": "We *check* facts.\r\n"})
    eq(s, 303, "an editor adds a page")
    s, h, b = srv.html("/newsroom-policy")
    eq(s, 200, "it lives at /newsroom-policy")
    contains(b, "We <em>check</em> facts.", "with its Markdown rendered")
    eq(srv.get("/newsroom-policy")[1].get("x-cache"), "hit", "and is cached")
    pid = sql(DB, "SELECT id FROM pages WHERE slug = 'newsroom-policy'")[0][0]
    s, h, b = get("/admin/pages/%d" % pid, "editor")
    contains(b, "We *check* facts.\n</textarea>", "the editor shows the Markdown (CRLF made LF)")
    post("/admin/pages/%d" % pid, "editor", {"title": "Our Policy", "body_md": "Revised."})
    contains(srv.html("/newsroom-policy")[2], "Revised.", "a change shows at once")
    for slug, want, why in (("admin", 422, "a slug of the site's own"),
                            ("newsroom-policy", 409, "a taken slug"),
                            ("Bad Slug", 422, "a bad slug")):
        eq(post("/admin/pages", "editor", {"slug": slug, "title": "T"})[0], want,
           "%s: %d" % (why, want))
    eq(post("/admin/pages/%d" % pid, "editor", {"title": ""})[0], 422, "no title: 422")
    eq(post("/admin/pages/%d" % pid, "editor", {"title": "Forged"}, csrf=None)[0], 403,
       "without a token: 403")
    eq(sql(DB, "SELECT title FROM pages WHERE id = ?", (pid,))[0][0], "Our Policy",
       "unchanged")


def test_sections():
    for who in ("member", "contributor", "author"):
        eq(get("/admin/sections", who)[0], 403, "%s may not see the sections (403)" % who)
        eq(post("/admin/sections", who, {"slug": "x-sec", "name": "X", "kind": "topic"})[0],
           403, "%s may not add a section (403)" % who)
    parent = sql(DB, "SELECT id, slug FROM sections WHERE parent_id IS NULL ORDER BY id LIMIT 1")[0]
    s, h, b = post("/admin/sections", "editor", {"slug": "newsroom-desk", "name": "Newsroom Desk",
                                                 "kind": "topic", "parent_id": str(parent[0]),
                                                 "description": "From the desk."})
    eq(s, 303, "an editor adds a sub-section")
    eq(sql(DB, "SELECT parent_id FROM sections WHERE slug = 'newsroom-desk'")[0][0], parent[0],
       "under its parent")
    eq(srv.get("/section/newsroom-desk")[0], 200, "its page answers")
    srv.get("/section/" + parent[1])
    eq(srv.get("/section/" + parent[1])[1].get("x-cache"), "hit", "the parent's page is cached")
    sid = sql(DB, "SELECT id FROM sections WHERE slug = ?", (parent[1],))[0][0]
    old = sql(DB, "SELECT name FROM sections WHERE id = ?", (sid,))[0][0]
    s, h, b = post("/admin/sections/%d" % sid, "editor", {"name": old + " Renamed",
                                                          "position": "0"})
    eq(s, 303, "an editor renames a section")
    contains(srv.html("/section/" + parent[1])[2], old + " Renamed", "its page shows it at once")
    post("/admin/sections/%d" % sid, "editor", {"name": old, "position": "0"})
    for fields, want, why in (
            ({"slug": "newsroom-desk", "name": "Again", "kind": "topic"}, 409, "a taken slug"),
            ({"slug": "orphan", "name": "Orphan", "kind": "topic", "parent_id": "999999"}, 409,
             "an unknown parent"),
            ({"slug": "odd-kind", "name": "Odd", "kind": "planet"}, 422, "an unknown kind"),
            ({"slug": "no-name", "name": "", "kind": "topic"}, 422, "no name"),
            ({"slug": "Bad Slug", "name": "Bad", "kind": "topic"}, 422, "a bad slug")):
        eq(post("/admin/sections", "editor", fields)[0], want, "%s: %d" % (why, want))
    eq(post("/admin/sections", "editor", {"slug": "forged", "name": "F", "kind": "topic"},
            csrf=None)[0], 403, "without a token: 403")
    eq(sql(DB, "SELECT count(*) FROM sections WHERE slug IN ('orphan', 'odd-kind', 'no-name',"
               " 'forged')")[0][0], 0, "none of those was made")


def test_promos():
    for who in ("member", "contributor", "author"):
        eq(get("/admin/promos", who)[0], 403, "%s may not see the promos (403)" % who)
    pid, sec, text = sql(DB, "SELECT id, section_id, text FROM promos WHERE section_id IS NOT NULL"
                             " AND active = 1 ORDER BY id LIMIT 1")[0]
    slug = sql(DB, "SELECT a.slug FROM section_articles x JOIN articles a ON a.id = x.article_id"
                   " WHERE x.section_id = ? AND a.status = 'published' ORDER BY a.id LIMIT 1",
               (sec,))[0][0]
    s, h, b = srv.html("/article/" + slug)
    contains(b, text.split("?")[0], "an article of the section shows its promo")
    eq(srv.get("/article/" + slug)[1].get("x-cache"), "hit", "from the cache")
    eq(post("/admin/promos/%d" % pid, "author", {"text": "X", "link_text": "Y", "url": "/"})[0],
       403, "an author may not change a promo (403)")
    eq(post("/admin/promos/%d" % pid, "editor", {"text": "X", "link_text": "Y", "url": "/"},
            csrf=None)[0], 403, "without a token: 403")
    eq(post("/admin/promos/%d" % pid, "editor", {"text": "X", "link_text": "Y",
                                                 "url": "javascript:alert(1)"})[0], 422,
       "a javascript: link: 422")
    s, h, b = post("/admin/promos/%d" % pid, "editor", {
        "text": "Read the newsroom's pick?", "link_text": "Here", "url": "/section/asia",
        "active": "1"})
    eq(s, 303, "an editor rewrites a promo")
    contains(srv.html("/article/" + slug)[2], "Read the newsroom&#39;s pick?",
             "the cached article shows it at once")
    post("/admin/promos/%d" % pid, "editor", {"text": "Read the newsroom's pick?",
                                              "link_text": "Here", "url": "/section/asia"})
    ok("newsroom&#39;s pick" not in srv.html("/article/" + slug)[2],
       "switched off, it leaves the page")
    s, h, b = post("/admin/promos", "editor", {"text": "Everywhere?", "link_text": "Yes",
                                               "url": "/", "active": "1",
                                               "section_id": "999999"})
    eq(s, 422, "a promo of an unknown section: 422")
    eq(sql(DB, "SELECT count(*) FROM promos WHERE text = ?", ("Everywhere?",))[0][0], 0,
       "not made")


def test_restore_live():
    s, aid, b = new_story("editor", "Live Restore", then="publish")
    post("/admin/articles/%d" % aid, "editor", {"title": "Live Restore, Corrected"})
    s, h, b = get("/admin/articles/%d/revisions" % aid, "editor")
    revs = re.findall(r'href="/admin/articles/%d/revisions/(\d+)"' % aid, b)
    first = revs[-1]
    s, h, d = get("/admin/articles/%d/revisions/%s" % (aid, first), "editor")
    contains(d, '<input type="checkbox" name="confirm" value="yes" id="f-confirm-restore" required>',
             "a live story's revision asks to tick a box before restoring")
    contains(d, 'data-confirm="This story is live', "and asks again with JavaScript")
    before = row(aid)
    n = sql(DB, "SELECT count(*) FROM article_revisions WHERE article_id = ?", (aid,))[0][0]
    for fields, what in (({}, "without the box"), ({"confirm": "no"}, "with the box wrong")):
        s, h, b = post("/admin/articles/%d/revisions/%s/restore" % (aid, first), "editor", fields)
        eq(s, 422, "restoring onto a live story %s: 422" % what)
        contains(b, "(confirm)", "the answer names the field")
    eq(row(aid), before, "the story did not change")
    eq(sql(DB, "SELECT count(*) FROM article_revisions WHERE article_id = ?", (aid,))[0][0], n,
       "and no revision was made")
    s, h, b = post("/admin/articles/%d/revisions/%s/restore" % (aid, first), "editor",
                   {"confirm": "yes"})
    eq(s, 303, "with the box ticked it restores")
    eq(row(aid)[2], "Live Restore", "the live story has its first title back")
    eq(row(aid)[1], "published", "and stays live")
    draft = fresh("author")
    post("/admin/articles/%d" % draft, "editor", {"title": "Draft, Changed"})
    s, h, b = get("/admin/articles/%d/revisions" % draft, "editor")
    rev = re.findall(r'href="/admin/articles/%d/revisions/(\d+)"' % draft, b)[-1]
    s, h, d = get("/admin/articles/%d/revisions/%s" % (draft, rev), "editor")
    ok('name="confirm"' not in d, "a draft's revision restores without a box")
    from datetime import datetime
    from zoneinfo import ZoneInfo
    at = int(time.time()) // 60 * 60 + 7200
    post("/admin/articles/%d" % draft, "editor", {"then": "schedule", "at": datetime.fromtimestamp(
        at, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")})
    eq(row(draft)[1:4:2], ("published", at), "scheduled for later")
    s, h, d = get("/admin/articles/%d/revisions/%s" % (draft, rev), "editor")
    ok('name="confirm"' not in d, "a scheduled story, not live yet, has no box either")
    s, h, b = post("/admin/articles/%d/revisions/%s/restore" % (draft, rev), "editor", {})
    eq(s, 303, "and restores at once")
    eq(row(draft)[2], "Story %d for author" % (_n[0]), "its title back")


def test_editor_aids():
    body = " ".join(["word"] * 461)
    s, aid, b = new_story("editor", "Aided Story", body_md=body)
    eq(s, 303, "a story of 461 words")
    s, h, b = get("/admin/articles/%d?done=save" % aid, "editor")
    contains(b, '<p class="form-done" role="status">Saved as a draft: nothing on the site changed.</p>',
             "after saving, the editor says what the save did")
    contains(b, 'id="save-state" aria-live="polite">Saved</span>', "and that the story is saved")
    contains(b, '<span id="f-words">461</span> words', "the word count is on the page")
    contains(b, '<span id="f-minutes">3</span> min read', "with the reading time, rounded up")
    ok(re.search(r'<span id="f-url" data-base="https?://[^"/]+/article/">https?://[^"/]+'
                 r'/article/aided-story</span>', b), "the slug is shown as a full address")
    s, h, b = get("/admin/articles/%d" % aid, "editor")
    ok('class="form-done"' not in b, "opened again, there is no notice")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"slug": "Not A Slug"})
    eq(s, 422, "a bad slug: 422")
    contains(b, 'id="save-state" aria-live="polite">Not saved</span>', "the editor says not saved")
    post("/admin/articles/%d" % aid, "editor", {"then": "publish"})
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "update", "dek": "A dek"})
    eq(h.get("location"), "/admin/articles/%d?done=update" % aid, "an update comes back with done=")
    s, h, b = get(h["location"], "editor")
    contains(b, "Updated: the live page shows your changes.", "an update says so")
    s, h, b = get("/admin/articles/%d?done=nonsense" % aid, "editor")
    ok('class="form-done"' not in b, "an unknown done= shows nothing")
    s, h, b = get("/admin/articles/new", "editor")
    contains(b, '<span id="f-words">0</span> words', "a new story counts no words")
    contains(b, 'id="save-state" aria-live="polite"></span>', "and is not said to be saved")
    from datetime import datetime
    from zoneinfo import ZoneInfo
    s, sid, b = new_story("editor", "Scheduled Aid")
    at = int(time.time()) // 60 * 60 + 7200
    local = datetime.fromtimestamp(at, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")
    s, h, b = post("/admin/articles/%d" % sid, "editor", {"then": "schedule", "at": local})
    s, h, b = get(h["location"], "editor")
    contains(b, "Scheduled: it goes live at the time shown.", "scheduling says so")
    contains(b, '<input type="datetime-local" name="at" value="%s">' % local,
             "and the scheduled time is filled in when the story is reopened")
    s, h, b = get("/admin/articles/%d" % sid, "editor")
    shown = datetime.fromtimestamp(at, ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M ")
    contains(b, '<span class="when">goes live ' + shown,
             "reopened, its header shows when it goes live, in the site's zone")
    contains(b, '<input type="datetime-local" name="at" value="%s">' % local,
             "and its Go live field holds that time")


def test_backdate():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def local(t):
        return datetime.fromtimestamp(t, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")

    def copies(aid):
        return sorted(set(r[0] for q in ("article_authors", "article_tags", "section_articles")
                          for r in sql(DB, "SELECT published_at FROM %s WHERE article_id = ?" % q,
                                       (aid,))))

    s, aid, b = new_story("editor", "Imported Story", then="publish", tags="Imports",
                          authors=BYLINE["author"])
    eq(s, 303, "a live story")
    pub = row(aid)[3]
    s, h, b = get("/admin/articles/%d" % aid, "editor")
    contains(b, '<input type="datetime-local" name="published_at" value="%s">' % local(pub),
             "an editor sees the live story's publication date, in the site's zone")
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "update", "dek": "Same date",
                                                          "published_at": local(pub)})
    eq(s, 303, "an update sending the date unchanged")
    eq(row(aid)[3], pub, "keeps it to the second")
    before = row(aid)
    for when, want, what in (("2999-01-01T09:00", 422, "a future date"),
                             ("soon", 422, "a date that is not one"),
                             ("2025-13-01T09:00", 422, "a month that does not exist")):
        s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "update",
                                                              "published_at": when})
        eq(s, want, "%s on a live story: %d" % (what, want))
        contains(b, "(published_at)", "naming the field")
    eq(row(aid), before, "none of them changed the story")
    s, h, b = post("/admin/articles/%d" % aid, "author", {"then": "update",
                                                          "published_at": "2025-03-01T09:30"})
    eq(s, 403, "an author may not back-date (403)")
    eq(row(aid), before, "and nothing changed")
    ok('name="published_at"' not in get("/admin/articles/%d" % aid, "author")[2],
       "an author's editor has no date field")
    want = int(datetime(2025, 3, 1, 9, 30, tzinfo=ZoneInfo(ZONE)).timestamp())
    s, h, b = post("/admin/articles/%d" % aid, "editor", {"then": "update",
                                                          "published_at": "2025-03-01T09:30"})
    eq(s, 303, "an editor back-dates the live story")
    eq(row(aid)[3], want, "to the time given, read in the site's zone (%s)" % ZONE)
    eq(row(aid)[1], "published", "it stays live")
    eq(copies(aid), [want], "its author, tag and section rows follow")
    contains(get("/article/" + row(aid)[0])[2], "2025-03-01", "the article page shows the date")
    s, h, b = get("/admin/articles/%d/revisions" % aid, "editor")
    contains(b, "publication date changed", "the revision says so")
    s, sid, b = new_story("editor", "Scheduled, Not Back-dated")
    at = int(time.time()) // 60 * 60 + 7200
    post("/admin/articles/%d" % sid, "editor", {"then": "schedule", "at": local(at)})
    s, h, b = post("/admin/articles/%d" % sid, "editor", {"then": "update",
                                                          "published_at": "2025-03-01T09:30"})
    eq(row(sid)[3], at, "a scheduled story's date moves only by Schedule")


run_tests([test_gate, test_users, test_menus, test_authors_and_sponsors, test_static_pages,
           test_sections, test_promos, test_dashboard_and_list, test_role_matrix, test_csrf, test_slugs,
           test_revisions, test_restore_live, test_editor_aids, test_backdate,
           test_preview, test_schedule, test_hero_and_sponsor,
           test_body_limit, test_upload_types, test_upload_rejections, test_api_upload,
           test_api_revisions], srv.stop)
