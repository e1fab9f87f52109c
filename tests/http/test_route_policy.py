"""The route table's policy, row by row.

Reads the table from src/router.c (method, pattern, kind, who, csrf,
body) and, for every row that asks for something, sends what each part
of its policy refuses and what it lets through, with the row's captures
filled with real ids and slugs of the demo:

- who: signed out, a form row sends to /signin?next=<path> (303), a
  member row answers 401, an admin API row 401 with WWW-Authenticate;
  each role below the row's answers 403 (the API's with its reason);
  the row's own role is let through;
- body: a wrong Content-Type is 415 (once who has let the caller in, so
  415 also proves the role was enough without running the handler);
- csrf: a form without the token, or with another, is 403.

GET rows of staff run at their role with real captures and must answer
200 (or a redirect or 404 of their own), never 403; POST rows are only
sent what the router refuses, so nothing in the demo changes."""
import json
import os
import re
import subprocess
import tempfile
import urllib.parse

from harness import BIN, TOP, Server, Client, ok, eq, run_tests, demo_db, sql

PW = "a passphrase long enough"
ROLES = ("member", "contributor", "author", "editor", "admin")
WHO = {"WHO_ANYONE": None, "WHO_MEMBER": "member",
       "WHO_CONTRIBUTOR": "contributor", "WHO_AUTHOR": "author",
       "WHO_EDITOR": "editor", "WHO_ADMIN": "admin"}

ROW = re.compile(r'\{\s*"([A-Z]+)",\s*"([^"]+)",\s*(\w+),\s*(ROUTE_[A-Z]+),\s*'
                 r'(WHO_[A-Z]+),\s*([01]),\s*(BODY_[A-Z]+),\s*'
                 r'(NULL|"(?:[^"\\]|\\.)*")\s*\}', re.S)


def table():
    """The rows of routes[] in src/router.c, in order."""
    with open(os.path.join(TOP, "src", "router.c")) as f:
        src = f.read()
    start = src.index("static const struct route routes[] = {")
    end = src.index("\n};\n", start)
    rows = []
    for m in ROW.finditer(src[start:end]):
        method, pattern, fn, kind, who, csrf, body, refused = m.groups()
        rows.append({"method": method, "pattern": pattern, "fn": fn,
                     "kind": kind, "who": WHO[who], "csrf": csrf == "1",
                     "body": body,
                     "refused": None if refused == "NULL" else
                     json.loads(refused)})
    return rows


def make_db():
    """The demo with one account per role, each with an API token; the
    contributor and the author write under a demo author's byline."""
    d = tempfile.mkdtemp(prefix="masthead-policy-")
    db = demo_db(d)
    slugs = [r[0] for r in sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 2")]
    tokens = {}
    for role in ROLES:
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name",
                role.title()]
        if role == "contributor":
            args += ["--author", slugs[0]]
        if role == "author":
            args += ["--author", slugs[1]]
        subprocess.run(args + [role + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, role + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[role] = r.stdout.strip()
    return db, tokens


DB, TOKEN = make_db()
srv = Server(db=DB)
ROWS = table()
SESS = {}


def session(role):
    """(Cookie header, the session's CSRF token) of role, made once."""
    if role not in SESS:
        c = Client(srv, ip=None)
        eq(c.sign_in(role + "@example.com", PW), 303, "%s signs in" % role)
        SESS[role] = (c.cookie(), c.csrf("/signin"))
    return SESS[role]


def one(statement, params=()):
    rows = sql(DB, statement, params)
    return str(rows[0][0]) if rows else None


def captures():
    """A real value for each capture the table's patterns use, by the
    segment before it; the contributor's own draft for the articles."""
    s, h, b = srv.request("POST", "/api/v1/admin/articles", {
        "Authorization": "Bearer " + TOKEN["contributor"],
        "Content-Type": "application/json"},
        json.dumps({"title": "A draft of the contributor's", "section": "asia",
                    "body_md": "Text."}))
    eq(s, 201, "the contributor writes a draft to open in the newsroom")
    draft = str(json.loads(b)["article"]["id"]) if s == 201 else "1"
    rev = one("SELECT id FROM article_revisions WHERE article_id = ? ORDER BY id",
              (int(draft),)) or "1"
    nl = one("SELECT slug FROM newsletters ORDER BY id") or "daily"
    s, h, b = srv.request("POST", "/api/v1/admin/newsletters/%s/issues" % nl, {
        "Authorization": "Bearer " + TOKEN["editor"]})
    eq(s, 201, "an editor starts an issue of %s to preview" % nl)
    issue = str(json.loads(b)["issue"]["id"]) if s == 201 else None
    return {
        "articles/:id": draft, "revisions/:rev": rev,
        "article/:slug": one("SELECT slug FROM articles WHERE status = 'published' "
                             "ORDER BY id"),
        "authors/:id": one("SELECT id FROM authors ORDER BY id"),
        "sponsors/:id": one("SELECT id FROM sponsors ORDER BY id"),
        "sections/:id": one("SELECT id FROM sections ORDER BY id"),
        "pages/:id": one("SELECT id FROM pages ORDER BY id"),
        "promos/:id": one("SELECT id FROM promos ORDER BY id"),
        "hubs/:id": one("SELECT id FROM hubs ORDER BY id"),
        "menus/:id": one("SELECT id FROM menu_items ORDER BY id"),
        "menu-items/:id": one("SELECT id FROM menu_items ORDER BY id"),
        "events/:id": one("SELECT id FROM events ORDER BY id"),
        "webinars/:id": one("SELECT id FROM webinars ORDER BY id"),
        "resources/:id": one("SELECT id FROM resources ORDER BY id"),
        "subscribers/:id": one("SELECT id FROM subscribers ORDER BY id"),
        "tokens/:id": one("SELECT id FROM api_tokens ORDER BY id"),
        "users/:id": one("SELECT id FROM users ORDER BY id"),
        "newsletters/:slug": nl, "newsletters/:newsletter": nl,
        "issues/:id": issue,
        "comments/:id": one("SELECT id FROM comments ORDER BY id") or "1",
        ":id/:action": "approve",
    }


def fill(pattern, values):
    """The pattern with each capture replaced by the value for
    "segment/:capture", or by a number that names nothing."""
    segs = pattern.split("/")
    for i, seg in enumerate(segs):
        if seg.startswith(":"):
            segs[i] = values.get(pattern.split("/")[i - 1] + "/" + seg, "999999999")
    return "/".join(segs)


CAPS = {}


def caps():
    if not CAPS:
        CAPS.update((k, v) for k, v in captures().items() if v is not None)
    return CAPS


def send(row, path, role=None, token=None, ctype=None, body=None):
    h = {}
    if role is not None:
        h["Cookie"] = session(role)[0]
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if ctype is not None:
        h["Content-Type"] = ctype
    s, hd, b = srv.request(row["method"], path, h, body)
    return s, hd, b.decode("utf-8", "replace")


def good_ctype(row):
    return {"BODY_FORM": "application/x-www-form-urlencoded",
            "BODY_MULTIPART": "multipart/form-data; boundary=MhPolicy",
            "BODY_ATTACHMENT": "multipart/form-data; boundary=MhPolicy",
            "BODY_IMPORT": "multipart/form-data; boundary=MhPolicy",
            "BODY_JSON": "application/json"}.get(row["body"])


def below(role):
    return ROLES[:ROLES.index(role)]


def test_table_read():
    ok(len(ROWS) > 150, "the route table is read (%d rows)" % len(ROWS))
    names = set(r["fn"] for r in ROWS)
    ok("page_admin_dashboard" in names and "api_admin_media" in names,
       "with the newsroom's and the API's rows")


def test_forms_of_staff():
    for row in ROWS:
        if row["kind"] != "ROUTE_FORM" or row["who"] in (None, "member"):
            continue
        name = "%s %s" % (row["method"], row["pattern"])
        path = fill(row["pattern"], caps())
        need = row["who"]
        s, h, b = send(row, path)
        eq((s, h.get("location")), (303, "/signin?next=" + urllib.parse.quote(
            path, safe="")), "%s: signed out, sent to sign in" % name)
        ok("no-store" in h.get("cache-control", ""),
           "%s: the redirect is not stored" % name)
        for lower in below(need):
            eq(send(row, path, role=lower)[0], 403,
               "%s: %s is below %s, 403" % (name, lower, need))
        if row["method"] == "GET":
            s = send(row, path, role=need)[0]
            ok(s in (200, 303, 404), "%s: %s may (%d)" % (name, need, s))
            continue
        eq(send(row, path, role=need, ctype="text/plain", body="csrf=x")[0],
           415, "%s: %s gets past who; a wrong Content-Type is 415" % (name, need))
        if row["body"] == "BODY_FORM":
            body = urllib.parse.urlencode({"x": "1"})
            forged = urllib.parse.urlencode({"csrf": "forged"})
        else:
            body = ("--MhPolicy\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"
                    "1\r\n--MhPolicy--\r\n")
            forged = body.replace('"x"', '"csrf"').replace("\r\n1\r\n",
                                                            "\r\nforged\r\n")
        eq(send(row, path, role=need, ctype=good_ctype(row), body=body)[0], 403,
           "%s: without the CSRF token, 403" % name)
        eq(send(row, path, role=need, ctype=good_ctype(row), body=forged)[0], 403,
           "%s: with a forged one, 403" % name)


def test_admin_api():
    for row in ROWS:
        if row["kind"] != "ROUTE_API" or row["who"] is None:
            continue
        name = "%s %s" % (row["method"], row["pattern"])
        path = fill(row["pattern"], caps())
        need = row["who"]
        s, h, b = send(row, path)
        eq((s, h.get("www-authenticate")), (401, "Bearer"),
           "%s: no token, 401 naming Bearer" % name)
        eq(send(row, path, token="mh_" + "x" * 43)[0], 401,
           "%s: an unknown token, 401" % name)
        eq(send(row, path, role="admin")[0], 401,
           "%s: a session is no token, 401" % name)
        for lower in below(need):
            s, h, b = send(row, path, token=TOKEN[lower])
            eq((s, json.loads(b)["error"]["message"]), (403, row["refused"]),
               "%s: %s is below %s, 403 saying why" % (name, lower, need))
        if row["body"] == "BODY_JSON":
            s, h, b = send(row, path, token=TOKEN[need], ctype="text/plain",
                           body="{}")
            eq((s, json.loads(b)["error"]["message"]), (415, "send application/json"),
               "%s: %s gets past who; text/plain is 415" % (name, need))
        elif row["body"] == "BODY_UPLOAD":
            s = send(row, path, token=TOKEN[need])[0]
            eq(s, 400, "%s: %s gets past who; an empty upload is 400" % (name, need))
        elif row["method"] == "GET":
            s = send(row, path, token=TOKEN[need])[0]
            ok(s in (200, 404), "%s: %s may (%d)" % (name, need, s))
        else:
            # A DELETE of something that does not exist: the handler's 404.
            s = send(row, fill(row["pattern"], {}), token=TOKEN[need])[0]
            eq(s, 404, "%s: %s gets past who to the handler" % (name, need))


def test_readers_forms():
    for row in ROWS:
        if row["kind"] != "ROUTE_FORM" or row["who"] not in (None, "member"):
            continue
        if row["who"] == "member" and row["method"] == "GET":
            path = fill(row["pattern"], caps())
            s, h, b = send(row, path)
            eq((s, h.get("location")), (303, "/signin?next=" + urllib.parse.quote(
                path, safe="")), "GET %s: signed out, sent to sign in" % row["pattern"])
            s, h, b = send(row, path, role="member")
            ok(s != 401 and not h.get("location", "").startswith("/signin"),
               "GET %s: a member gets past who (%d)" % (row["pattern"], s))
            continue
        if not row["csrf"]:
            continue
        name = "%s %s" % (row["method"], row["pattern"])
        path = fill(row["pattern"], caps())
        role = row["who"]
        if role == "member":
            eq(send(row, path, ctype=good_ctype(row), body="x=1")[0], 401,
               "%s: signed out, 401" % name)
        eq(send(row, path, role=role, ctype="text/plain", body="x=1")[0], 415,
           "%s: a wrong Content-Type is 415" % name)
        body, forged = "x=1", "csrf=forged"
        if row["body"] != "BODY_FORM":
            # A reader's form with a file (an awards entry) is multipart.
            body = ("--MhPolicy\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"
                    "1\r\n--MhPolicy--\r\n")
            forged = body.replace('"x"', '"csrf"').replace("\r\n1\r\n",
                                                            "\r\nforged\r\n")
        eq(send(row, path, role=role, ctype=good_ctype(row), body=body)[0], 403,
           "%s: without the CSRF token, 403" % name)
        eq(send(row, path, role=role, ctype=good_ctype(row), body=forged)[0],
           403, "%s: with a forged one, 403" % name)


def test_public_rows():
    """Rows for anyone ask nothing of a signed-out reader: never a
    redirect to sign in, 401 or 403 on a GET."""
    for row in ROWS:
        if row["who"] is not None or row["method"] != "GET" or row["kind"] == "ROUTE_API":
            continue
        if row["fn"] == "page_newsletter_preview":
            continue
        if "999999999" in fill(row["pattern"], caps()):
            continue
        path = fill(row["pattern"], caps())
        s, h, b = send(row, path)
        ok(s not in (401, 403) and not h.get("location", "").startswith("/signin"),
           "GET %s: open to anyone (%d)" % (row["pattern"], s))


def test_issue_preview():
    """The one staff row the table leaves to its handler: an issue's
    preview takes an editor's session or API token
    (docs/newsletters.md)."""
    row = [r for r in ROWS if r["fn"] == "page_newsletter_preview"][0]
    path = fill(row["pattern"], caps())
    eq(send(row, path)[0], 401, "the issue preview: nobody, 401")
    eq(send(row, path, role="author")[0], 403, "an author's session, 403")
    eq(send(row, path, token=TOKEN["author"])[0], 403, "an author's token, 403")
    eq(send(row, path, role="editor")[0], 200, "an editor's session, 200")
    eq(send(row, path, token=TOKEN["editor"])[0], 200, "an editor's token, 200")


run_tests([test_table_read, test_forms_of_staff, test_admin_api,
           test_readers_forms, test_public_rows, test_issue_preview],
          cleanup=srv.stop)
