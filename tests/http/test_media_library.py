"""The media library (/admin/media and GET/PATCH /api/v1/admin/media):
uploads keep the original's size (a 400 px picture stays 400 px, a
1,500 px one 1,500, a 3,000 px one is capped at 2,560) beside the srcset
widths; alt text, caption, credit and the file name are kept with the
image and edited per image (CSRF, own images only below editor); search
and paging; bad input is refused with nothing changed; a story's hero
code that names no image is a 422 that names the field; the hero's
caption and credit come from the image unless the story sets its own.
Runs on SQLite, and on PostgreSQL with MASTHEAD_PG_URL."""
import json
import os
import re
import shutil
import subprocess
import tempfile

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests, demo_db, sql,
                     vips_image)

PW = "a passphrase long enough"
MAX_UPLOAD = 2000000


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-medialib-")
    db = demo_db(d)
    slugs = [r[0] for r in sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 2")]
    tokens = {}
    for name, role, author in (("member", "member", None),
                               ("contributor", "contributor", slugs[0]),
                               ("author", "author", slugs[1]),
                               ("editor", "editor", None)):
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name", name.title()]
        if author:
            args += ["--author", author]
        subprocess.run(args + [name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, name + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[name] = r.stdout.strip()
    return db, tokens


DB, TOK = make_db()
MEDIA = tempfile.mkdtemp(prefix="masthead-medialib-files-")
srv = Server(db=DB, args=["--media_dir", MEDIA, "--max_upload", str(MAX_UPLOAD)])
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
NR = Newsroom(srv, PW)
sign_in, get, post = NR.session, NR.get, NR.post


def api(method, path, who, body=None):
    h = {"Authorization": "Bearer " + TOK[who]}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    try:
        return s, json.loads(b) if b else None
    except ValueError:
        return s, None


_img = {}


def image(fmt, w, h, seed=0):
    """A picture made by the vips command line (a gradient, no alpha)."""
    key = (fmt, w, h, seed)
    if key not in _img:
        out = vips_image(os.path.join(tempfile.mkdtemp(prefix="masthead-img-"),
                                      "out." + fmt), w, h, seed, slope=0.05)
        with open(out, "rb") as f:
            _img[key] = f.read()
    return _img[key]


def webp_size(data, width, q):
    """Bytes of data made width pixels wide and WebP at quality q by the
    vips command line, as uploads are (effort 6 up to 640 px)."""
    d = tempfile.mkdtemp(prefix="masthead-q-")
    try:
        src, out = os.path.join(d, "in.jpg"), os.path.join(d, "out.webp")
        with open(src, "wb") as f:
            f.write(data)
        subprocess.run(["vips", "thumbnail", src, out + "[Q=%d,effort=6,strip]" % q,
                        str(width), "--height", "100000"], check=True)
        return os.path.getsize(out)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def multipart(files, fields=None, boundary="XyZ"):
    out = b""
    for k, v in (fields or {}).items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                % (boundary, k)).encode() + v.encode() + b"\r\n"
    for k, (fname, data, ctype) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (boundary, k, fname, ctype)).encode()
        out += data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def upload(who, fname, data, csrf=True, **fields):
    cookie, tok = sign_in(who)
    if csrf:
        fields["csrf"] = tok
    body = multipart({"file": (fname, data, "image/jpeg")}, fields)
    s, h, b = srv.request("POST", "/admin/media", {
        "Cookie": cookie, "Content-Type": "multipart/form-data; boundary=XyZ"}, body)
    b = b.decode("utf-8", "replace")
    m = re.search(r'<code class="hash">([0-9a-f]{64})</code>', b)
    return s, b, m.group(1) if m else None


def image_row(hsh):
    r = sql(DB, "SELECT width, height, widths, alt, caption, credit, filename,"
            " uploaded_by FROM images WHERE hash = ?", (hsh,))
    # PostgreSQL's rows give "200" back as a number: widths are text.
    return (r[0][0], r[0][1], str(r[0][2])) + tuple(r[0][3:]) if r else None


def user_id(name):
    return sql(DB, "SELECT id FROM users WHERE email = ?", (name + "@example.com",))[0][0]


def files_of(hsh):
    return sorted(f for f in os.listdir(MEDIA) if f.startswith(hsh))


def test_sizes_kept():
    # A small picture keeps its own size; no width above it is made.
    s, b, h400 = upload("contributor", "small.jpg", image("jpg", 400, 300, seed=1))
    eq(s, 201, "a 400 x 300 upload is accepted")
    row = image_row(h400)
    eq(row[:3], (400, 300, "200,320,400"),
       "it is recorded as 400 x 300 with widths 200, 320 and 400")
    contains(b, "400×300", "and the page says 400×300")
    eq(files_of(h400), sorted([h400 + ".jpg", h400 + "-200.jpg", h400 + "-200.webp",
                               h400 + "-320.jpg", h400 + "-320.webp",
                               h400 + "-400.jpg", h400 + "-400.webp"]),
       "its files: the original re-encoded (JPEG and WebP), the 200 and 320 px widths"
       " and the plain URL")
    s, hd, body = srv.request("GET", "/media/%s.jpg" % h400)
    eq(s, 200, "the plain URL is served")
    s2, _, body2 = srv.request("GET", "/media/%s-400.jpg" % h400)
    eq(body, body2, "and is the original's own size, not the 320 px width")
    # A 1,500 px picture keeps 1,500 px beside the smaller widths.
    s, b, h1500 = upload("contributor", "mid.jpg", image("jpg", 1500, 1000, seed=2))
    eq(image_row(h1500)[:3], (1500, 1000, "200,320,480,640,1024,1500"),
       "a 1,500 px upload keeps 1,500 px (not 1,024) and its real height")
    ok(h1500 + "-1500.webp" in files_of(h1500), "with a WebP of the original")
    # WebP is quality 65 up to 480 px and 75 above: each stored file is
    # nearer in size to the vips command line's at its quality.
    for w, q, other in ((480, 65, 75), (640, 75, 65)):
        kept = os.path.getsize(os.path.join(MEDIA, "%s-%d.webp" % (h1500, w)))
        want, far = (webp_size(image("jpg", 1500, 1000, seed=2), w, x) for x in (q, other))
        ok(abs(kept - want) < abs(kept - far),
           "the %d px WebP is quality %d: %d bytes (vips: %d at %d, %d at %d)"
           % (w, q, kept, want, q, far, other))
    # One wider than the cap is scaled to it.
    s, b, hbig = upload("contributor", "wide.jpg", image("jpg", 3000, 1000, seed=3))
    eq(s, 201, "a 3,000 px upload is accepted")
    eq(image_row(hbig)[:3], (2560, 853, "200,320,480,640,1024,1600,2560"),
       "a 3,000 px upload is kept at the 2,560 px cap")
    # Narrower than every width: the one width is its own.
    s, b, htiny = upload("contributor", "tiny.png", image("png", 200, 100, seed=4))
    eq(image_row(htiny)[:3], (200, 100, "200"), "a 200 px upload keeps 200 px, no upscaling")
    s, j = api("GET", "/api/v1/admin/media?q=small.jpg", "contributor")
    eq((j["images"][0]["width"], j["images"][0]["height"]), (400, 300),
       "the API reports the real size too")
    eq(j["images"][0]["thumb"], "/media/%s-320.jpg" % h400,
       "the library's thumbnail is the 320 px width, not the 200 px one")


def test_old_rows():
    """An image stored before the original was kept (its largest width
    1024, no file at its own size) still lists, serves and checks."""
    s, b, hsh = upload("editor", "legacy.jpg", image("jpg", 1300, 650, seed=90))
    eq(s, 201, "an upload to make old")
    sql(DB, "UPDATE images SET widths = '320,640,1024', width = 1024, height = 512"
        " WHERE hash = ?", (hsh,))
    for ext in ("jpg", "webp"):
        os.unlink(os.path.join(MEDIA, "%s-1300.%s" % (hsh, ext)))
    s, j = api("GET", "/api/v1/admin/media?q=legacy", "editor")
    eq([(i["width"], i["thumb"]) for i in j["images"]],
       [(1024, "/media/%s-320.jpg" % hsh)], "the library lists it at its recorded size")
    eq(srv.request("GET", "/media/%s.jpg" % hsh)[0], 200, "its plain URL is served")
    r = subprocess.run([BIN, "media", "check", "--db", DB, "--media_dir", MEDIA],
                       capture_output=True, text=True)
    # The demo's own images are not in this suite's media directory.
    ok("checked" in r.stdout and hsh not in r.stdout,
       "media check finds every file its row names", r.stdout[-2000:] + r.stderr)
    s, b2, again = upload("editor", "legacy.jpg", image("jpg", 1300, 650, seed=90))
    eq((s, again), (201, hsh), "the same bytes again find the old row")
    eq(image_row(hsh)[:3], (1024, 512, "320,640,1024"), "which stays as it was")
    ok(os.path.exists(os.path.join(MEDIA, "%s-1024.jpg" % hsh)), "with its files")


def test_metadata_kept_with_upload():
    s, b, hsh = upload("author", "harbour.jpg", image("jpg", 700, 400, seed=5),
                       alt="Boats in a harbour", caption="The harbour at dawn",
                       credit="Photo: A. Person")
    eq(s, 201, "an upload with alt text, caption and credit")
    eq(image_row(hsh)[3:], ("Boats in a harbour", "The harbour at dawn", "Photo: A. Person",
                            "harbour.jpg", user_id("author")),
       "they are kept with the image, with its file name and uploader")
    n = sql(DB, "SELECT count(*) FROM images")[0][0]
    s, b, h2 = upload("author", "long.jpg", image("jpg", 500, 400, seed=6), caption="x" * 1001)
    eq(s, 422, "a caption over 1,000 characters: 422")
    contains(b, "Caption: at most 1000 characters", "the error names the field")
    eq(sql(DB, "SELECT count(*) FROM images")[0][0], n, "and nothing was stored")
    s, b, h3 = upload("author", "x.jpg", image("jpg", 500, 400, seed=7), csrf=False)
    eq(s, 403, "an upload without the CSRF token: 403")
    eq(sql(DB, "SELECT count(*) FROM images")[0][0], n, "nothing stored")
    # The API takes the same fields.
    body = multipart({"file": ("api.jpg", image("jpg", 640, 480, seed=8), "image/jpeg")},
                     {"alt": "From the API", "credit": "Wire"})
    s, hd, b = srv.request("POST", "/api/v1/admin/media", {
        "Authorization": "Bearer " + TOK["contributor"],
        "Content-Type": "multipart/form-data; boundary=XyZ"}, body)
    eq(s, 201, "an API upload with alt text and credit")
    j = json.loads(b)["image"]
    eq((j["alt"], j["credit"], j["filename"], j["width"]), ("From the API", "Wire", "api.jpg", 640),
       "answers them with the real width")


def test_edit_metadata():
    s, b, hsh = upload("contributor", "edit.jpg", image("jpg", 500, 300, seed=9), alt="Before")
    s, h, b = post("/admin/media/" + hsh, "contributor",
                   {"alt": "After", "caption": "A new caption", "credit": "Me"})
    eq(s, 303, "the uploader changes her image's text")
    eq(image_row(hsh)[3:6], ("After", "A new caption", "Me"), "it is saved")
    s, h, b = get("/admin/media?done=saved", "contributor")
    contains(b, "The image&#39;s text is saved", "and the library says so") \
        if "&#39;" in b else contains(b, "text is saved", "and the library says so")
    before = image_row(hsh)
    s, h, b = post("/admin/media/" + hsh, "contributor",
                   {"alt": "x", "caption": "y", "credit": "z"}, csrf=False)
    eq(s, 403, "without the CSRF token: 403")
    s, h, b = post("/admin/media/" + hsh, "contributor",
                   {"alt": "x", "caption": "y", "credit": "z" * 301})
    eq(s, 422, "a credit over 300 characters: 422")
    contains(b, "Credit: at most 300 characters", "naming the field")
    s, h, b = post("/admin/media/" + hsh, "contributor", {"alt": "x", "caption": "y"})
    eq(s, 422, "a form without the credit field: 422")
    s, h, b = post("/admin/media/" + hsh, "contributor",
                   {"alt": "two\nlines", "caption": "", "credit": ""})
    eq(s, 422, "alt text of two lines: 422")
    s, h, b = post("/admin/media/" + hsh, "author", {"alt": "x", "caption": "", "credit": ""})
    eq(s, 403, "an author cannot change an image someone else uploaded")
    eq(image_row(hsh), before, "none of these changed anything")
    s, h, b = post("/admin/media/" + "0" * 64, "editor", {"alt": "x", "caption": "", "credit": ""})
    eq(s, 404, "an image that does not exist: 404")
    s, h, b = post("/admin/media/nothex", "editor", {"alt": "x", "caption": "", "credit": ""})
    eq(s, 404, "a code that is not one: 404")
    s, h, b = post("/admin/media/" + hsh, "editor", {"alt": "Editor's", "caption": "", "credit": ""})
    eq(s, 303, "an editor changes anyone's image")
    eq(image_row(hsh)[3], "Editor's", "saved")
    # The API's PATCH: only what is sent changes.
    s, j = api("PATCH", "/api/v1/admin/media/" + hsh, "editor", {"caption": "Via API"})
    eq(s, 200, "PATCH changes the caption")
    eq(image_row(hsh)[3:5], ("Editor's", "Via API"), "and keeps the alt text")
    s, j = api("PATCH", "/api/v1/admin/media/" + hsh, "editor", {"colour": "red"})
    eq(s, 400, "PATCH with an unknown field: 400")
    s, j = api("PATCH", "/api/v1/admin/media/" + hsh, "editor", {"alt": 5})
    eq(s, 422, "PATCH with a number for text: 422")
    s, j = api("PATCH", "/api/v1/admin/media/" + hsh, "editor", {"alt": "a" * 501})
    eq(s, 422, "PATCH with alt text over 500: 422")
    contains(j["error"]["message"], "Alt text", "naming the field")
    s, j = api("PATCH", "/api/v1/admin/media/" + hsh, "author", {"alt": "mine now"})
    eq(s, 403, "an author's PATCH of another's image: 403")
    s, j = api("PATCH", "/api/v1/admin/media/" + "1" * 64, "editor", {"alt": "x"})
    eq(s, 404, "PATCH of an unknown image: 404")
    eq(image_row(hsh)[3:5], ("Editor's", "Via API"), "none of the refused ones changed it")


def test_search_and_paging():
    for i in range(27):
        s, b, h = upload("editor", "bulk-%02d.png" % i, image("png", 330, 200, seed=40 + i),
                         alt="bulk picture %d" % i, credit="Agency %s" % ("Q" if i % 9 == 0 else "R"))
        if s != 201:
            ok(False, "bulk upload %d: %d" % (i, s))
    s, j = api("GET", "/api/v1/admin/media?q=agency%20q", "contributor")
    eq(s, 200, "a search by credit")
    eq(sorted(im["alt"] for im in j["images"]),
       sorted("bulk picture %d" % i for i in (0, 9, 18)), "finds the three credited to Agency Q (any case)")
    s, j = api("GET", "/api/v1/admin/media?q=BULK-05", "contributor")
    eq([im["filename"] for im in j["images"]], ["bulk-05.png"], "a search by file name")
    s, j = api("GET", "/api/v1/admin/media?q=100%25", "contributor")
    eq(j["images"], [], "% in a search is a character, not a wildcard")
    s, j = api("GET", "/api/v1/admin/media?q=bulk", "contributor")
    eq(len(j["images"]), 24, "a page holds 24 images")
    eq(j["more"], True, "and says there are more")
    eq(j["images"][0]["alt"], "bulk picture 26", "newest first")
    s, j2 = api("GET", "/api/v1/admin/media?q=bulk&page=2", "contributor")
    eq(len(j2["images"]), 3, "the second page holds the other three")
    eq(j2["more"], False, "and is the last")
    ok(not set(i["hash"] for i in j["images"]) & set(i["hash"] for i in j2["images"]),
       "pages do not overlap")
    s, h, b = get("/admin/media?q=bulk", "contributor")
    eq(s, 200, "the library page searches too")
    eq(len(re.findall(r'class="media-item"', b)), 24, "with 24 images on the page")
    contains(b, 'href="/admin/media?q=bulk&amp;page=2"', "and a link to the next page")
    contains(b, "330×200 px", "each with its size in pixels")
    ok(re.search(r"\d+ (bytes|KB)", b), "and in bytes")
    s, h, b = get("/admin/media?q=bulk&page=2", "contributor")
    eq(len(re.findall(r'class="media-item"', b)), 3, "page 2 of the library page")
    for bad in ("page=0", "page=x", "page=10001", "q=" + "a" * 201):
        s, j = api("GET", "/api/v1/admin/media?" + bad, "contributor")
        eq(s, 400, "the API refuses %s: 400" % bad[:20])
        s, h, b = get("/admin/media?" + bad, "contributor")
        eq(s, 400, "the page refuses %s: 400" % bad[:20])


def test_who():
    s, h, b = get("/admin/media")
    eq(s, 303, "signed out: sent to sign in")
    s, h, b = get("/admin/media", "member")
    eq(s, 403, "a member: 403")
    s, h, b = get("/admin/media", "contributor")
    eq(s, 200, "a contributor sees the library")
    s, j = srv.request("GET", "/api/v1/admin/media")[:2]
    eq(s, 401, "the API without a token: 401")
    s, j = api("GET", "/api/v1/admin/media", "member")
    eq(s, 403, "the API with a member's token: 403")
    s, h, b = post("/admin/media/" + "0" * 64, "member", {"alt": "", "caption": "", "credit": ""})
    eq(s, 403, "a member cannot change an image: 403")


def test_hero_from_library():
    s, b, hsh = upload("editor", "hero.jpg", image("jpg", 900, 500, seed=80),
                       alt="Hero alt", caption="Library caption", credit="Library credit")
    n = sql(DB, "SELECT count(*) FROM articles")[0][0]
    s, h, b = post("/admin/articles", "editor", {
        "title": "Bad hero story", "section": SECTION, "type": "news",
        "body_md": "Text.", "then": "save", "hero_image": "abc"})
    eq(s, 422, "a hero code that is not one: 422")
    contains(b, "Hero image: no image with that code", "the error names the field")
    s, h, b = post("/admin/articles", "editor", {
        "title": "Bad hero story", "section": SECTION, "type": "news",
        "body_md": "Text.", "then": "save", "hero_image": "e" * 64})
    eq(s, 422, "a code of no image: 422")
    contains(b, "Hero image: no image with that code", "naming the field")
    eq(sql(DB, "SELECT count(*) FROM articles")[0][0], n, "no story was made")
    s, h, b = post("/admin/articles", "editor", {
        "title": "Library hero story", "section": SECTION, "type": "news",
        "body_md": "Text.", "then": "publish", "hero_image": hsh})
    eq(s, 303, "a story with a hero from the library")
    slug = sql(DB, "SELECT slug FROM articles WHERE title = 'Library hero story'")[0][0]
    s, h, b = get("/article/" + slug)
    contains(b, "Library caption", "the page shows the image's caption")
    contains(b, "Library credit", "and its credit")
    contains(b, 'alt="Hero alt"', "and its alt text")
    aid = sql(DB, "SELECT id FROM articles WHERE slug = ?", (slug,))[0][0]
    s, h, b = post("/admin/articles/%d" % aid, "editor", {
        "title": "Library hero story", "section": SECTION, "type": "news",
        "body_md": "Text.", "then": "update", "hero_image": hsh,
        "hero_caption": "The story's own caption"})
    eq(s, 303, "the story sets its own caption")
    s, h, b = get("/article/" + slug)
    contains(b, "The story&#39;s own caption", "which wins over the image's") \
        if "&#39;" in b else contains(b, "own caption", "which wins over the image's")
    ok("Library caption" not in b, "the image's caption is not shown then")
    contains(b, "Library credit", "the credit still comes from the image")


def test_picker_json():
    """What the editor's script calls, with the session's cookie."""
    cookie, tok = sign_in("contributor")
    s, h, b = srv.request("GET", "/admin/media.json?q=small.jpg", {"Cookie": cookie})
    eq(s, 200, "the picker reads a page of the library")
    j = json.loads(b)
    eq([(i["width"], i["height"]) for i in j["images"]], [(400, 300)], "with each image's size")
    ok(j["images"][0]["markdown"].startswith("![") and
       j["images"][0]["markdown"].endswith("(%s)" % j["images"][0]["src"]),
       "and the Markdown that inserts it")
    eq(srv.request("GET", "/admin/media.json?page=0", {"Cookie": cookie})[0], 400,
       "a bad page: 400")
    eq(srv.request("GET", "/admin/media.json")[0], 303, "signed out: sent to sign in")
    n = sql(DB, "SELECT count(*) FROM images")[0][0]
    hdr = {"Cookie": cookie, "Content-Type": "multipart/form-data; boundary=XyZ"}
    png = image("png", 360, 240, seed=99)
    s, h, b = srv.request("POST", "/admin/media.json", hdr,
                          multipart({"file": ("p.png", png, "image/png")}))
    eq(s, 403, "an upload without the CSRF token: 403")
    s, h, b = srv.request("POST", "/admin/media.json", hdr,
                          multipart({"file": ("p.png", b"not an image", "image/png")},
                                    {"csrf": tok}))
    eq((s, json.loads(b).get("error", "")[:11]), (415, "the file is"),
       "a file that is no image: 415 with the reason in JSON")
    eq(sql(DB, "SELECT count(*) FROM images")[0][0], n, "neither stored anything")
    s, h, b = srv.request("POST", "/admin/media.json", hdr,
                          multipart({"file": ("p.png", png, "image/png")},
                                    {"csrf": tok, "alt": "Picked"}))
    eq(s, 201, "an upload from the picker: 201")
    j = json.loads(b)["image"]
    eq((j["alt"], j["width"], j["filename"]), ("Picked", 360, "p.png"), "answered in JSON")


def test_editor_has_picker():
    s, h, b = get("/admin/articles/new", "contributor")
    contains(b, '/assets/media.js', "the editor loads the media library's script")
    contains(b, 'data-media-picker', "the hero field has a picker")
    contains(b, 'name="hero_image"', "and the plain field stays for use without JavaScript")


def cleanup():
    return srv.stop()


if __name__ == "__main__":
    run_tests([test_sizes_kept, test_old_rows, test_metadata_kept_with_upload, test_edit_metadata,
               test_search_and_paging, test_who, test_hero_from_library,
               test_picker_json, test_editor_has_picker], cleanup)
