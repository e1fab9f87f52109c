"""/admin/import: an admin uploads a WordPress, Ghost or masthead export
(a form post, or the file's bytes as the page's script sends them), the
import runs as a job, its progress is a JSON document and a page, and
its report (counts by kind, warnings, items left out) is kept.  One
import at a time (409), admins only (403), the CSRF token, bad files
ending with a clear report and nothing changed, and a 200 MB upload
that the server does not hold in its memory.  A Chromium step uploads
through the page's file input and watches the report appear.  On
SQLite, and on PostgreSQL with MASTHEAD_PG_URL set."""
import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.parse

from harness import (BIN, Client, Server, ok, eq, contains, run_tests, sql,
                     new_db, pg_db, on_pg, browser_steps)

PW = "a long enough password 1"
OLD = "https://old.example.com"
D = tempfile.mkdtemp(prefix="masthead-admin-import-")
DB = new_db(D)
for name, role in (("admin", "admin"), ("editor", "editor")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role,
                    name + "@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
srv = Server(db=DB, args=["--import_dir", os.path.join(D, "imports"),
                          "--import_max_mb", "256"])


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def item(pid, title, slug, body="<p>Body</p>", extra=""):
    return """<item><title>%s</title><link>%s/2021/05/12/%s/</link>
<dc:creator>%s</dc:creator><content:encoded>%s</content:encoded>
<excerpt:encoded></excerpt:encoded><wp:post_id>%d</wp:post_id>
<wp:post_date_gmt>2021-05-12 10:00:00</wp:post_date_gmt>
<wp:post_name>%s</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="networks">%s</category>%s</item>
""" % (cdata(title), OLD, slug, cdata("alice"), cdata(body), pid, slug,
       cdata("Networks"), extra)


def wxr(items, pad=""):
    return ("""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old Site</title><link>%s</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>%s</wp:base_site_url>
<wp:base_blog_url>%s</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>alice</wp:author_login><wp:author_email>alice@old.example.com</wp:author_email><wp:author_display_name>Alice Writer</wp:author_display_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>networks</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>Networks</wp:cat_name></wp:category>
%s%s
<item><title>Menu</title><wp:post_id>900</wp:post_id><wp:post_type>nav_menu_item</wp:post_type><wp:status>publish</wp:status></item>
</channel></rss>
""" % (OLD, OLD, OLD, pad, items))


def ghost():
    return json.dumps({"db": [{"meta": {"version": "5.2.0"}, "data": {
        "posts": [{"id": "6100000000000000000000b1", "title": "Ghost via page",
                   "slug": "ghost-via-page", "type": "post",
                   "status": "published", "html": "<p>From Ghost</p>",
                   "published_at": "2022-01-02T03:04:05.000Z"}],
        "users": [{"id": "1", "name": "Gina", "slug": "gina",
                   "email": "gina@old.example.com"}],
        "posts_authors": [{"post_id": "6100000000000000000000b1",
                           "author_id": "1", "sort_order": 0}],
        "tags": [], "posts_tags": []}}]})


admin = Client(srv)
eq(admin.sign_in("admin@example.com", PW), 303, "the admin signs in")
editor = Client(srv, ip="192.0.2.11")
eq(editor.sign_in("editor@example.com", PW), 303, "an editor signs in")


def token():
    return admin.csrf("/admin/import")


def multipart(fields, filename, data, ctype="application/xml"):
    b = "MhImport"
    out = b""
    for k, v in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s"
                "\r\n" % (b, k, v)).encode()
    out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
            "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n" % (b, filename, ctype)
            ).encode() + data + ("\r\n--%s--\r\n" % b).encode()
    return "multipart/form-data; boundary=" + b, out


def post_form(who, fields, filename, data, with_token=True):
    if with_token:
        fields = [("csrf", who.csrf("/admin/import"))] + list(fields)
    ct, body = multipart(fields, filename, data)
    s, h, b = srv.request("POST", "/admin/import", who._headers(
        {"Content-Type": ct}), body)
    return s, h, b.decode("utf-8", "replace")


def put_raw(data, ctype="application/xml", headers=None, tok=True):
    h = {"Content-Type": ctype, "Accept": "application/json"}
    if tok:
        h["X-CSRF-Token"] = token()
    h.update(headers or {})
    s, hd, b = srv.request("PUT", "/admin/import", admin._headers(h), data)
    return s, hd, b.decode("utf-8", "replace")


def wait(url, limit=120):
    """The run's JSON once it has ended."""
    end = time.time() + limit
    while time.time() < end:
        s, h, b = srv.request("GET", url + ".json", admin._headers())
        if s != 200:
            return s, None
        j = json.loads(b)
        if not j["running"]:
            return s, j
        time.sleep(0.2)
    return 0, None


def articles():
    return sql(DB, "SELECT count(*) FROM articles")[0][0]


def test_page():
    s, h, b = admin.get("/admin/import")
    eq(s, 200, "GET /admin/import: 200 for an admin")
    contains(b, 'enctype="multipart/form-data"', "the page has the upload form")
    contains(b, 'type="file" name="file"', "with a file input")
    contains(b, 'name="dry_run"', "and the command's options")
    contains(b, 'href="/admin/export.json"', "it links the JSON export")
    contains(b, 'href="/admin/export.xml"', "and the WXR export")
    contains(b, 'href="/admin/import"', "the newsroom's menu links it")


def test_wxr_form():
    before = articles()
    body = wxr(item(101, "Imported by form", "imported-by-form") +
               item(102, "Second form story", "second-form-story"))
    s, h, b = post_form(admin, [("accounts", "1")], "site.xml", body.encode())
    eq(s, 303, "a form upload is 303 to its run's page")
    loc = h.get("location", "")
    ok(loc.startswith("/admin/import/"), "the run's page", loc)
    s, j = wait(loc)
    eq(s, 200, "the run's JSON is 200")
    eq(j["status"], "done", "the run ended done")
    eq(j["report"]["added"].get("post"), 2, "the report counts the posts")
    eq(j["report"]["added"].get("section"), 1, "and the section")
    eq(j["report"]["skipped"], 1, "the menu item is left out")
    ok(any("nav_menu_item" in n["message"] for n in j["report"]["notes"]),
       "a warning names the type left out", j["report"]["notes"])
    eq(j["options"]["accounts"], True, "the options are kept")
    eq(articles(), before + 2, "the stories are in the database")
    s, h, b = srv.html("/article/imported-by-form")
    eq(s, 200, "the imported story is served at once")
    s, h, b = srv.get("/2021/05/12/imported-by-form/")
    eq((s, h.get("location")), (301, "/article/imported-by-form"),
       "its old address redirects")
    s, h, b = admin.get(loc)
    eq(s, 200, "the run's page is 200")
    contains(b, "Report", "it shows the report")
    contains(b, "nav_menu_item", "with its warnings")
    ok("http-equiv=\"refresh\"" not in b, "an ended run's page does not refresh")
    files = os.listdir(os.path.join(D, "imports")) if not on_pg() else []
    ok(not [f for f in files if f.startswith("import-")],
       "the uploaded file is deleted once imported", files)
    # The same file again: everything is there already.
    s, h, b = post_form(admin, [], "site.xml", body.encode())
    s, j = wait(h.get("location", ""))
    eq((j["status"], j["report"]["added"].get("post", 0),
        j["report"]["kept"].get("post")), ("done", 0, 2),
       "a second run finds every post already there")


def test_ghost_raw():
    s, h, b = put_raw(ghost().encode(), "application/json",
                      {"X-Import-Filename": "ghost.json"})
    eq(s, 202, "a raw upload (PUT, application/json) is 202")
    j = json.loads(b)
    eq(h.get("location"), j["status_url"], "Location names the run")
    s, j = wait(j["status_url"])
    eq((j["status"], j["filename"]), ("done", "ghost.json"),
       "the Ghost export is imported")
    eq(j["report"]["added"].get("post"), 1, "its post is counted")
    eq(srv.get("/article/ghost-via-page")[0], 200, "and served")


def test_masthead_json():
    d = tempfile.mkdtemp(prefix="masthead-admin-import-x-")
    src = new_db(d)
    out = os.path.join(d, "x.json")
    subprocess.run([BIN, "export", "--db", src, "--format", "json", out],
                   check=True, capture_output=True)
    with open(out, "rb") as f:
        data = f.read()
    s, h, b = put_raw(data, "application/json", {"X-Import-Dry-Run": "1"})
    eq(s, 202, "masthead's own export is taken")
    s, j = wait(json.loads(b)["status_url"])
    ok(j["status"] in ("done", "failed") and j["report"]["dry_run"],
       "it runs as a dry run and ends with a report", j)
    ok(j["status"] == "done" or j["error"], "a failure says why", j)


def test_bad_files():
    before = articles()
    redirects = sql(DB, "SELECT count(*) FROM redirects")[0][0]
    broken = wxr(item(201, "Never stored", "never-stored"))[:-40]
    s, h, b = post_form(admin, [], "broken.xml", broken.encode())
    eq(s, 303, "a truncated WXR is taken for import")
    s, j = wait(h["location"])
    eq(j["status"], "failed", "its run fails")
    ok("line" in (j["error"] or ""), "the message names the line", j["error"])
    ok(D not in (j["error"] or ""), "and not the server's file", j["error"])
    s, h, b = admin.get(h["location"])
    contains(b, "Nothing was imported", "the page says nothing was imported")
    eq(articles(), before, "no story was written")
    eq(sql(DB, "SELECT count(*) FROM redirects")[0][0], redirects,
       "nor any redirect")
    s, h, b = put_raw(b"hello, not an export")
    s, j = wait(json.loads(b)["status_url"])
    eq(j["status"], "failed", "a file that is no export fails")
    contains(j["error"], "neither a WordPress export", "saying what it is not")
    s, h, b = put_raw(b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><rss>&a;</rss>")
    s, j = wait(json.loads(b)["status_url"])
    eq(j["status"], "failed", "an entity declaration fails")
    eq(articles(), before, "nothing was written by any of them")
    eq(put_raw(b"", "application/xml")[0], 400, "an empty file is 400")
    eq(put_raw(b"x", "text/plain")[0], 415, "text/plain is 415")
    s, h, b = post_form(admin, [("media_from", "relative/dir")], "a.xml",
                        wxr("").encode())
    eq(s, 422, "a media folder that is not an absolute path is 422")
    contains(b, "absolute path", "saying why")
    s, h, b = post_form(admin, [("media_from", "/no/such/folder")], "a.xml",
                        wxr("").encode())
    eq(s, 422, "a media folder that is not there is 422")


def test_one_at_a_time():
    sql(DB, "INSERT INTO imports (filename, path, size, options, status, busy,"
        " created_at) VALUES ('held.xml', '/nonexistent', 1, '{}', 'running',"
        " 1, 1700000000)")
    held = sql(DB, "SELECT id FROM imports WHERE busy = 1")[0][0]
    s, h, b = post_form(admin, [], "x.xml", wxr("").encode())
    eq(s, 409, "a second import while one runs is 409")
    contains(b, "Another import is running", "saying why")
    s, h, b = put_raw(wxr("").encode())
    eq((s, json.loads(b)["error"]["status"]), (409, 409),
       "the raw upload too, as JSON")
    s, h, b = admin.get("/admin/import")
    contains(b, "/admin/import/%d" % held, "the page links the running import")
    s, j = srv.request("GET", "/admin/import/%d.json" % held,
                       admin._headers())[:2]
    sql(DB, "UPDATE imports SET status = 'failed', busy = NULL WHERE id = ?",
        (held,))
    s, h, b = put_raw(wxr("").encode())
    eq(s, 202, "once it ended, the next is taken")
    wait(json.loads(b)["status_url"])


def test_who_and_csrf():
    eq(editor.get("/admin/import")[0], 403, "an editor's GET is 403")
    s = post_form(editor, [], "x.xml", wxr("").encode(), with_token=False)[0]
    eq(s, 403, "an editor's upload is 403")
    eq(srv.get("/admin/import")[0], 303, "signed out, sent to sign in")
    s = post_form(admin, [], "x.xml", wxr("").encode(), with_token=False)[0]
    eq(s, 403, "a form without the CSRF token is 403")
    eq(put_raw(wxr("").encode(), tok=False)[0], 403,
       "a raw upload without X-CSRF-Token is 403")
    eq(put_raw(wxr("").encode(), headers={"X-CSRF-Token": "forged"},
               tok=False)[0], 403, "with a forged one, 403")
    eq(srv.request("GET", "/admin/import/999999.json", admin._headers())[0],
       404, "an unknown run is 404")
    eq(admin.get("/admin/import/x1")[0], 404, "a run id that is no number, 404")


def rss(pid):
    v = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, rest = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile"):
                v[k] = int(rest.split()[0]) // 1024
    return v


def test_big_upload():
    """200 MB sent in 1 MB writes: the server's anonymous memory (what
    it holds itself, as opposed to pages of the file libh2o spools the
    body to, which the kernel may drop) never grows by more than a
    small part of it."""
    import socket
    pid = srv.proc.pid
    head = wxr(item(301, "After the padding", "after-the-padding"))
    cut = head.index("<wp:author>")
    size = 200 * 1024 * 1024
    # The padding is XML comments of 1 MB each, which the reader passes.
    chunk = b"<!--" + b"x" * ((1 << 20) - 7) + b"-->"
    first = head[:cut].encode()
    last = head[cut:].encode()
    nchunks, rest = divmod(size - len(first) - len(last), len(chunk))
    tail = b"<!--" + b"y" * (rest - 7) + b"-->" if rest >= 7 else b" " * rest
    start, peak = rss(pid), {"VmRSS": 0, "RssAnon": 0}
    s = socket.create_connection(("127.0.0.1", srv.port))
    hd = admin._headers({"Content-Type": "application/xml",
                         "Accept": "application/json",
                         "X-CSRF-Token": token(), "X-Import-Dry-Run": "1",
                         "X-Import-Filename": "big.xml"})
    req = ("PUT /admin/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d"
           "\r\n%s\r\n" % (size, "".join("%s: %s\r\n" % kv for kv in hd.items())))
    s.sendall(req.encode())
    s.sendall(first)
    for i in range(nchunks):
        s.sendall(chunk)
        now = rss(pid)
        for k in peak:
            peak[k] = max(peak[k], now[k])
    s.sendall(tail + last)
    s.settimeout(120)
    resp = b""
    while b"\r\n\r\n" not in resp:
        resp += s.recv(65536)
    now = rss(pid)
    for k in peak:
        peak[k] = max(peak[k], now[k])
    s.close()
    eq(resp.split(b" ", 2)[1], b"202", "the 200 MB upload is taken")
    grew = peak["RssAnon"] - start["RssAnon"]
    ok(grew < 48, "the server's own memory grew by %d MB for 200 MB "
       "(RssAnon %d -> %d MB; VmRSS peak %d MB, start %d MB)" % (
           grew, start["RssAnon"], peak["RssAnon"], peak["VmRSS"],
           start["VmRSS"]))
    # Growth, not the figure itself: a sanitizer build starts far higher.
    ok(peak["VmRSS"] - start["VmRSS"] < 180, "its whole RSS grew by less "
       "than the 200 MB body (%d -> %d MB)" % (start["VmRSS"], peak["VmRSS"]))
    loc = resp.split(b"\r\nlocation: ", 1)[-1].split(b"\r\n")[0].decode() \
        if b"\r\nlocation: " in resp.lower() else None
    run = sql(DB, "SELECT max(id) FROM imports")[0][0]
    s, j = wait("/admin/import/%d" % run, limit=300)
    eq((j["status"], j["report"]["dry_run"]), ("done", True),
       "the big file is read through (a dry run)")
    eq(j["report"]["bytes"], size, "all of its bytes")
    ok(loc is None or loc == "/admin/import/%d" % run, "Location names it")


def test_browser():
    path = os.path.join(D, "browser.xml")
    with open(path, "w") as f:
        f.write(wxr(item(401, "Uploaded in Chromium", "uploaded-in-chromium")))
    browser_steps(r"""
  const page = await browser.newPage();
  await signIn(page, 'admin', '/admin/import');
  check('the import page opens', page.url().endsWith('/admin/import'), page.url());
  await page.setInputFiles('#import-file', process.env.FILE);
  await Promise.all([page.waitForURL(/\/admin\/import\/\d+$/),
                     page.click('#import-form button[type=submit]')]);
  check('the upload opens the run page', /\/admin\/import\/\d+$/.test(page.url()), page.url());
  await page.waitForSelector('#import-report', { timeout: 60000 });
  const text = await page.textContent('#import-report');
  check('the report appears with the post counted', /post\s*1/.test(text.replace(/\s+/g, ' ')), text);
  const r = await page.goto(base + '/article/uploaded-in-chromium');
  check('the story uploaded through the page is served', r.status() === 200, r.status());
""", srv, PW, env={"FILE": path})


run_tests([test_page, test_wxr_form, test_ghost_raw, test_masthead_json,
           test_bad_files, test_one_at_a_time, test_who_and_csrf,
           test_big_upload, test_browser],
          cleanup=lambda: srv.stop())
