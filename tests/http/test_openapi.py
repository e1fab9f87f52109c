"""The OpenAPI description of the JSON API (docs/openapi.yaml) against the
code it describes:

1. Redocly CLI lints it (the rules of redocly.yaml) with no problem.  The
   linter is pinned in tests/node and installed by make test-deps; when it
   is missing, the suite fails.
2. Every /api/v1 route of src/router.c is in the document, and every
   operation of the document is a route.
3. A server on the demo database answers every GET endpoint, the admin
   calls and many errors; each answer's status must be documented for its
   operation and its body must match the documented schema (jsonschema).
   The limits of the request schemas are held against the server: a value
   at the limit is taken by both, one byte or item over it refused by both.
   Images are uploaded (PNGs written here with zlib), as the body and as a
   form, and refused in each documented way.
"""
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import struct
import time
import urllib.parse
import zlib

from harness import (BIN, TOP, PG_URL, Server, Client, ok, eq, run_tests, demo_db,
                     on_pg, psql, status_of, node_module, form_token)

# @redocly/cli, pinned in tests/node.  The 1.x line runs on Debian 12's
# node 18 (2.x needs node 20.19 or later).
REDOCLY = "1.34.20"
DOC_FILE = os.path.join(TOP, "docs", "openapi.yaml")
ROUTER = os.path.join(TOP, "src", "router.c")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PW = "correct horse battery staple"
MAX_UPLOAD = 1048576        # --max_upload of the server: 1 MiB
MEDIA = tempfile.mkdtemp(prefix="masthead-openapi-media-")
UPLOADED = {}               # what the uploads made: {"hash": ...}


import jsonschema
import yaml

with open(DOC_FILE) as f:
    DOC = yaml.safe_load(f)


# 1. The linter ----------------------------------------------------------

def test_lint():
    exe = os.path.join(node_module("@redocly/cli"), "..", "..", ".bin",
                       "redocly")
    env = dict(os.environ, REDOCLY_TELEMETRY="off", NO_COLOR="1",
               REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    r = subprocess.run([exe, "lint", "--config", "redocly.yaml",
                        "--format", "stylish", "docs/openapi.yaml"],
                       cwd=TOP, env=env, capture_output=True, text=True,
                       timeout=120)
    out = "\n".join(x for x in (r.stdout + r.stderr).splitlines()
                    if x.strip() and not x.lstrip().startswith(
                        ("║", "╔", "╚")))
    ok(r.returncode == 0, "redocly %s lints docs/openapi.yaml with no problem"
       % REDOCLY, out)


# 2. Routes ----------------------------------------------------------------

def router_routes():
    """{(METHOD, /api/v1/... with {param})} of the route table."""
    with open(ROUTER) as f:
        src = f.read()
    found = set()
    for method, pattern in re.findall(r'\{\s*"([A-Z]+)",\s*"(/api/[^"]*)"',
                                      src):
        found.add((method, re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}",
                                  pattern)))
    return found


def doc_routes():
    return {(m.upper(), path) for path, item in DOC["paths"].items()
            for m in METHODS if m in item}


def test_routes():
    code, doc = router_routes(), doc_routes()
    ok(len(code) > 0, "src/router.c has /api/ routes (the pattern still reads it)")
    for method, path in sorted(code):
        ok((method, path) in doc, "route %s %s is documented" % (method, path),
           "%s %s is in src/router.c but not in docs/openapi.yaml: add the "
           "operation (its parameters, request body, every status it can "
           "answer and the schema of each answer), then a call to it in "
           "tests/http/test_openapi.py" % (method, path))
    for method, path in sorted(doc - code):
        ok(False, "operation %s %s is a route" % (method, path),
           "%s %s is in docs/openapi.yaml but src/router.c has no such route"
           % (method, path))


# 3. Real answers against the schemas ---------------------------------------

def resolve(obj):
    """Follows a local $ref of a response, parameter or header object."""
    while isinstance(obj, dict) and "$ref" in obj:
        node = DOC
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        obj = node
    return obj


_validators = {}


def validator(schema):
    """A JSON Schema 2020-12 validator for a schema of the document, whose
    #/components/... references resolve in the document."""
    key = json.dumps(schema, sort_keys=True)
    if key not in _validators:
        root = dict(schema)
        root["components"] = DOC["components"]
        _validators[key] = jsonschema.Draft202012Validator(root)
    return _validators[key]


def problems(schema, value):
    out = []
    for e in sorted(validator(schema).iter_errors(value), key=lambda e: list(
            map(str, e.absolute_path))):
        out.append("at /%s: %s" % ("/".join(str(p) for p in e.absolute_path),
                                   e.message[:300]))
    return out


OPS = []        # (METHOD, compiled path pattern, template, operation)
if DOC is not None:
    for _tpl, _item in DOC["paths"].items():
        _rx = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+",
                                      re.escape(_tpl)) + "$")
        for _m in METHODS:
            if _m in _item:
                OPS.append((_m.upper(), _rx, _tpl, _item[_m]))


def find_op(method, path):
    path = path.split("?", 1)[0]
    for m, rx, tpl, op in OPS:
        if m == method and rx.match(path):
            return tpl, op
    return None, None


RESULTS = {}    # "METHOD template -> status" -> [answers, problems]


def record(method, path, status, headers, body):
    """Checks one answer against the document and records the outcome."""
    tpl, op = find_op(method, path)
    key = "%s %s -> %d" % (method, tpl or path.split("?")[0], status)
    errs, value = [], None
    if op is None:
        errs.append("no such operation in the document")
    elif str(status) not in op["responses"]:
        errs.append("status %d is not documented for this operation" % status)
    else:
        resp = resolve(op["responses"][str(status)])
        for name, h in resp.get("headers", {}).items():
            h = resolve(h)
            got = headers.get(name.lower())
            if got is None:
                if h.get("required"):
                    errs.append("no %s header" % name)
                continue
            errs += ["header %s %s" % (name, p)
                     for p in problems(h.get("schema", {}), got)]
        ctype = headers.get("content-type", "").split(";")[0].strip()
        content = resp.get("content")
        if not content:
            if body:
                errs.append("documented without a body; got %d bytes" % len(body))
        elif ctype not in content:
            errs.append("Content-Type %r is not documented (%s)" % (
                ctype, ", ".join(content)))
        else:
            if ctype == "application/json":
                try:
                    value = json.loads(body)
                except ValueError as e:
                    errs.append("not JSON: %s" % e)
            else:
                value = body.decode("utf-8", "replace")
            if not errs:
                errs += problems(content[ctype]["schema"], value)
    rec = RESULTS.setdefault(key, [0, {}])
    rec[0] += 1
    # The same problem in every item of a list is told once, with a count.
    for e in errs:
        k = re.sub(r"/[0-9]+(?=[/:])", "/*", e)
        first, n = rec[1].get(k, ("%s %s: %s" % (method, path, e), 0))
        rec[1][k] = (first, n + 1)
    return value


class Api:
    """Requests to the server, each answer checked by record()."""

    def __init__(self, srv, tokens):
        self.srv, self.tokens = srv, tokens

    def call(self, method, path, who=None, body=None,
             ctype="application/json", headers=None):
        h = dict(headers or {})
        if who is not None:
            h["Authorization"] = "Bearer " + self.tokens[who]
        if body is not None:
            h["Content-Type"] = ctype
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
        s, hd, b = self.srv.request(method, path, h, body)
        return s, hd, record(method, path, s, hd, b)

    def get(self, path, who=None, headers=None):
        return self.call("GET", path, who, headers=headers)


SRV = API = None


def start():
    """A server on a demo database with an editor, a contributor and a
    member, each with an API token."""
    global SRV, API
    d = tempfile.mkdtemp(prefix="masthead-openapi-")
    db = demo_db(d)
    tokens = {}
    for role in ("editor", "contributor", "member"):
        email = role + "@example.com"
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, email],
                       input=PW, text=True, check=True, capture_output=True)
        tokens[role] = subprocess.run(
            [BIN, "token", "add", "--db", db, email], check=True,
            capture_output=True, text=True).stdout.strip()
    # Enough comments for a second page of a moderation queue; the test
    # copy of a newsletter issue goes to an outbox of its own (beside a
    # SQLite file it would be there; a PostgreSQL URL has none).
    # max_upload is 1 MiB, so the HTTP layer's limit (max_upload + 64 KiB)
    # lies just above max_body (1 MiB): a body between the two is read and
    # refused in JSON, a larger one refused unread in plain text.
    SRV = Server(db=db, args=["--comment_rate_user", "1000",
                              "--comment_rate_ip", "1000",
                              "--outbox_dir", os.path.join(d, "outbox"),
                              "--media_dir", MEDIA,
                              "--max_upload", str(MAX_UPLOAD)])
    API = Api(SRV, tokens)


def walk_articles():
    """Every published story, page by page; returns their slugs."""
    slugs, cur, pages = [], None, 0
    while pages < 50:
        s, h, j = API.get("/api/v1/articles?limit=100" +
                          ("&cursor=" + cur if cur else ""))
        pages += 1
        if s != 200:
            break
        slugs += [a["slug"] for a in j["articles"]]
        cur = j["next_cursor"]
        if cur is None:
            break
    ok(len(slugs) > 100 and cur is None,
       "the article list walks to its end (%d stories)" % len(slugs))
    return slugs


def test_content():
    slugs = walk_articles()
    for q in ("", "?limit=1", "?section=asia", "?section=cable-tech&limit=100",
              "?author=ken-wieland", "?type=partner-perspective",
              "?type=guest-perspective&limit=100", "?section=asia&type=news"):
        API.get("/api/v1/articles" + q)
    s, h, j = API.get("/api/v1/articles/us-scraps-xiaomi-blacklisting")
    for t in j["article"]["tags"]:
        API.get("/api/v1/articles?tag=" + t["slug"])
    # Every handwritten story and every tenth generated one.
    for slug in slugs[::10] + slugs[-30:]:
        API.get("/api/v1/articles/" + slug)
    # The reading-time beacon, as a browser sends it, and refused.
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0",
               "Accept": "*/*", "Accept-Language": "en"}
    form = "application/x-www-form-urlencoded"
    for body, status in (("p=/&s=12", 204),
                         ("p=/article/us-scraps-xiaomi-blacklisting&s=30", 204),
                         ("p=/article/no-such-story&s=5", 404),
                         ("p=/events&s=5", 400), ("p=/&s=-1", 400)):
        eq(API.call("POST", "/api/v1/beacon", body=body, ctype=form,
                    headers=browser)[0], status,
           "beacon %s: %d" % (body, status))
    eq(API.call("POST", "/api/v1/beacon", body='{"p": "/"}',
                headers=browser)[0], 415, "a JSON beacon: 415")

    s, h, j = API.get("/api/v1/sections")
    for sec in j["sections"]:
        s, h, one = API.get("/api/v1/sections/" + sec["slug"])
        nc = one["pagination"].get("next_cursor") if s == 200 else None
        if nc:
            API.get("/api/v1/sections/%s?before=%s" % (sec["slug"], nc))

    after, names = None, []
    while True:
        s, h, j = API.get("/api/v1/authors?limit=3" +
                          ("&after=%d" % after if after is not None else ""))
        if s != 200:
            break
        names += [a["slug"] for a in j["authors"]]
        after = j["next_after"]
        if after is None:
            break
    API.get("/api/v1/authors")
    for slug in names:
        s, h, one = API.get("/api/v1/authors/" + slug)
        nc = one["pagination"].get("next_cursor") if s == 200 else None
        if nc:
            API.get("/api/v1/authors/%s?before=%s" % (slug, nc))

    for kind in ("events", "webinars"):
        for q in ("", "?archive=0", "?archive=1"):
            s, h, j = API.get("/api/v1/%s%s" % (kind, q))
            for x in j[kind]:
                API.get("/api/v1/%s/%s" % (kind, x["slug"]))
            if q == "?archive=1" and j[kind]:
                API.get("/api/v1/%s?archive=1&before=%d" % (
                    kind, j[kind][-1]["starts_at"]))

    s, h, j = API.get("/api/v1/resources")
    for x in j["resources"]:
        API.get("/api/v1/resources/" + x["slug"])
    if j["pagination"].get("next_cursor"):
        API.get("/api/v1/resources?before=" + j["pagination"]["next_cursor"])

    s, h, j = API.get("/api/v1/sections")
    s, h, j = API.get("/api/v1/sections",
                      headers={"If-None-Match": h.get("etag", "")})
    eq(s, 304, "a content document revalidates to 304")

    # Search: every parameter, pages, the empty and the no-match answers.
    for q in ("", "?q=", "?q=5g", "?q=5g&page=2", "?q=5g&sort=date",
              "?q=%22subsea+cable%22", "?q=open+OR+cable&section=asia",
              "?q=network&type=news&from=2020-01-01&to=2030-12-31",
              "?q=network&author=ken-wieland&sort=relevance",
              "?q=xyzzyplugh", "?q=%3C%2Fscript%3E+AND+(%22"):
        API.get("/api/v1/search" + q)
    for q in ("?q=5g&page=0", "?q=5g&page=51", "?q=5g&from=2021-02-30",
              "?q=5g&from=2022-01-02&to=2022-01-01", "?q=5g&section=nowhere",
              "?q=5g&type=essay", "?q=5g&sort=best", "?q=5g&lang=en"):
        s = API.get("/api/v1/search" + q)[0]
        eq(s, 400, "GET /api/v1/search%s is 400" % q)


def article_path(aid, tail=""):
    return "/api/v1/admin/articles/%d%s" % (aid, tail)


def test_admin():
    body = {"title": "Operators test 6G in Osaka", "section": "asia",
            "type": "news", "dek": "A six-week trial.",
            "body_md": "\n\n".join("Paragraph %d of the story." % i
                                   for i in range(6)),
            "authors": ["ken-wieland"], "tags": ["6G", "Japan"],
            "hero_caption": "A mast", "hero_credit": "Staff",
            "hero_licence": "CC BY 2.0",
            "hero_licence_url": "https://creativecommons.org/licenses/by/2.0/",
            "sponsor": "cisco", "signoff": "-- Staff"}
    create = DOC["paths"]["/api/v1/admin/articles"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    eq(problems(schema, body), [], "a full create body fits the request schema")
    s, h, j = API.call("POST", "/api/v1/admin/articles", "editor", body)
    eq(s, 201, "create answers 201")
    full = j["article"]["id"]
    API.get(article_path(full), "editor")
    API.call("PATCH", article_path(full), "editor", {"dek": "Seven weeks.",
                                                     "sponsor": ""})
    API.call("POST", article_path(full, "/publish"), "editor",
             {"at": "2031-01-01T09:00:00Z"})
    API.call("POST", article_path(full, "/publish"), "editor")
    s, h, j = API.get("/api/v1/articles/operators-test-6g-in-osaka")
    eq(s, 200, "the published story is a content document")
    ok("body_before_html" in j["article"],
       "a six-paragraph story is split around the promo box")

    # A story without authors, image or tags: the nullable fields are null.
    s, h, j = API.call("POST", "/api/v1/admin/articles", "editor",
                       {"title": "A bare story", "section": "6g"})
    bare = j["article"]["id"]
    API.call("POST", article_path(bare, "/publish"), "editor")
    s, h, j = API.get("/api/v1/articles?limit=3")
    ok(any(a["author_id"] is None and a["image_hash"] is None
           for a in j["articles"]), "a story without author or image is listed")
    API.get("/api/v1/articles/a-bare-story")
    API.get("/api/v1/sections/6g")
    API.call("POST", article_path(bare, "/unpublish"), "editor")
    API.call("POST", article_path(full, "/unpublish"), "editor")

    # The review workflow: submitted, sent back, submitted again, approved.
    s, h, j = API.call("POST", "/api/v1/admin/articles", "editor",
                       {"title": "A reviewed story", "section": "6g"})
    rid = j["article"]["id"]
    review = article_path(rid, "/review")
    eq(API.call("POST", review, "editor", {"action": "submit"})[0], 200, "submit: 200")
    eq(API.call("POST", review, "editor", {"action": "request_changes",
                                           "note": "Shorter."})[0], 200,
       "request_changes: 200")
    eq(API.call("POST", review, "editor", {"action": "approve"})[0], 409,
       "approving a story sent back: 409")
    eq(API.call("POST", review, "editor", {"action": "submit"})[0], 200, "submitted again")
    eq(API.call("POST", review, "editor", {"action": "approve",
                                           "at": "2031-01-01T09:00:00Z"})[0], 200,
       "approve for later: 200")
    eq(API.call("POST", review, "editor", {"action": "submit"})[0], 409,
       "a published story is not submitted: 409")
    eq(API.call("POST", review, "editor", {"action": "dance"})[0], 422,
       "an unknown action: 422")
    eq(API.call("POST", review, "editor", "[")[0], 400, "malformed JSON: 400")
    eq(API.call("POST", review, "member", {"action": "submit"})[0], 403, "a member: 403")
    API.call("POST", article_path(rid, "/unpublish"), "editor")

    s, h, j = API.get("/api/v1/admin/menu-items", "editor")
    parent = j["footer"][0]["id"]
    s, h, j = API.call("POST", "/api/v1/admin/menu-items", "editor",
                       {"menu": "footer", "label": "Careers", "url": "/careers",
                        "position": 9})
    eq(s, 201, "a menu entry is added")
    item = j["item"]["id"]
    API.call("POST", "/api/v1/admin/menu-items", "editor",
             {"menu": "footer", "label": "Sub", "url": "https://example.org/",
              "parent_id": parent})
    API.call("PATCH", "/api/v1/admin/menu-items/%d" % item, "editor",
             {"label": "Jobs", "position": 3})
    s, h, j = API.call("DELETE", "/api/v1/admin/menu-items/%d" % item, "editor")
    eq(s, 204, "a menu entry is removed")
    API.get("/api/v1/admin/menu-items", "editor")

    s, h, j = API.get("/api/v1/articles?limit=2")
    first, second = [a["id"] for a in j["articles"]]
    API.get("/api/v1/admin/front", "editor")
    s, h, j = API.call("PUT", "/api/v1/admin/front", "editor",
                       {"lead": {"article_id": first, "expires_at": 4102444800},
                        "top": [{"article_id": second, "expires_at": None}]})
    eq(s, 200, "the home page's lead and a top story are pinned")
    API.get("/api/v1/admin/front", "editor")
    s, h, j = API.call("PUT", "/api/v1/admin/front", "editor", {})
    eq(j, {"lead": None, "top": [], "picks": []}, "and taken off")


# Comments are posted by a signed-in reader through the site's forms.

class Reader:
    """The member's browser session."""

    def __init__(self):
        c = Client(SRV, ip=None)
        c.sign_in("member@example.com", PW)
        self.cookie = c.cookie()

    def post(self, path, fields, form_page):
        s, h, b = SRV.request("GET", form_page, {"Cookie": self.cookie})
        fields = dict(fields, csrf=form_token(b))
        return SRV.request("POST", path, {
            "Cookie": self.cookie,
            "Content-Type": "application/x-www-form-urlencoded"},
            urllib.parse.urlencode(fields))

    def comment(self, slug, text):
        """Posts a comment; its id."""
        s, h, b = self.post("/article/%s/comment" % slug, {"body": text},
                            "/article/%s/comment" % slug)
        m = re.match(r"/comments/(\d+)$", h.get("location", ""))
        return int(m.group(1)) if s == 303 and m else None


def test_comments():
    slug = "us-scraps-xiaomi-blacklisting"
    me = Reader()
    ids = [me.comment(slug, "Comment %d on the *blacklisting*." % i)
           for i in range(53)]
    ok(all(ids), "the member posts 53 comments")
    me.post("/comments/%d/report" % ids[0], {"reason": "spam",
                                              "detail": "Links to a shop"},
            "/comments/%d/report" % ids[0])
    gone = ids[-1]
    s, h, b = me.post("/comments/%d/delete" % gone, {}, "/comments/%d" % gone)
    eq(s, 303, "the member deletes their last comment")

    q = "/api/v1/admin/comments"
    API.get(q, "editor")
    s, h, j = API.get(q + "?queue=reported", "editor")
    ok(s == 200 and any(c["id"] == ids[0] and c.get("reasons")
                        for c in j["comments"]),
       "the reported queue holds the comment with its reasons")
    s, h, j = API.get(q + "?queue=approved", "editor")
    ok(s == 200 and len(j["comments"]) == 50 and "next_before" in j,
       "a full page of a queue has next_before")
    s, h, j = API.get(q + "?queue=approved&before=%d" % j["next_before"],
                      "editor")
    ok(s == 200 and len(j["comments"]) == 2 and "next_before" not in j,
       "...and the next page the rest")
    for path, status in ((q + "?queue=spam", 400), (q + "?before=0", 400),
                         (q + "?before=x", 400), (q + "/log?before=-1", 400)):
        eq(API.get(path, "editor")[0], status, "GET %s is %d" % (path, status))

    one = "/api/v1/admin/comments/%d/%s"
    for action in ("feature", "unfeature", "reject"):
        s, h, j = API.call("POST", one % (ids[1], action), "editor")
        eq(s, 200, "%s a comment: 200" % action)
    ok(j["comments"][0]["status"] == "rejected", "...and it is rejected")
    API.get(q + "?queue=rejected", "editor")
    for path, status, what in (
            (one % (ids[1], "feature"), 409, "featuring a rejected comment"),
            (one % (gone, "approve"), 409, "approving a deleted comment"),
            (one % (ids[1], "zap"), 404, "an unknown action"),
            (one % (99999999, "approve"), 404, "no such comment"),
            ("/api/v1/admin/comments/abc/approve", 404, "an id that is not one")):
        eq(API.call("POST", path, "editor")[0], status,
           "%s: %d" % (what, status))
    API.call("POST", one % (ids[1], "approve"), "editor")
    eq(API.call("POST", one % (ids[2], "approve"))[0], 401,
       "moderating without a token: 401")
    eq(API.call("POST", one % (ids[2], "approve"), "member")[0], 403,
       "a member's token cannot moderate: 403")
    eq(API.call("POST", one % (ids[2], "approve"), "contributor")[0], 403,
       "nor a contributor's: 403")

    bulk = "/api/v1/admin/comments/bulk"
    s, h, j = API.call("POST", bulk, "editor", {"action": "reject",
                                                "ids": ids[2:5]})
    eq((s, [c["status"] for c in j["comments"]]), (200, ["rejected"] * 3),
       "a bulk reject: 200, every comment rejected")
    API.call("POST", bulk, "editor", {"action": "approve", "ids": ids[2:5]})
    for body, status, what in (
            ("{nope", 400, "malformed JSON"), ([1], 400, "an array"),
            ({"action": "approve", "ids": [ids[2]], "colour": "red"}, 400,
             "an unknown field"),
            ({"action": "zap", "ids": [ids[2]]}, 422, "an unknown action"),
            ({"ids": [ids[2]]}, 422, "no action"),
            ({"action": "approve", "ids": []}, 422, "no ids"),
            ({"action": "approve", "ids": ["x"]}, 422, "an id that is a string"),
            ({"action": "approve", "ids": [0]}, 422, "an id of 0"),
            ({"action": "approve", "ids": [ids[2], 99999999]}, 404,
             "an unknown id"),
            ({"action": "feature", "ids": [ids[5], gone]}, 409,
             "featuring a deleted comment")):
        eq(API.call("POST", bulk, "editor", body)[0], status,
           "bulk with %s: %d" % (what, status))
    s, h, j = API.get(q + "?queue=approved", "editor")
    ok(not any(c["featured"] for c in j["comments"]),
       "...and a refused bulk action changed nothing")
    eq(API.call("POST", bulk, "editor", "{}", ctype="text/plain")[0], 415,
       "bulk with a body that is not JSON: 415")
    eq(API.call("POST", bulk, None, {"action": "approve", "ids": [1]})[0], 401,
       "bulk without a token: 401")
    eq(API.call("POST", bulk, "member", {"action": "approve", "ids": [1]})[0],
       403, "bulk with a member's token: 403")
    schema = resolve({"$ref": "#/components/schemas/CommentBulk"})
    for n, taken in ((200, True), (201, False)):
        body = {"action": "approve", "ids": [ids[6]] * n}
        s = API.call("POST", bulk, "editor", body)[0]
        eq((s, not problems(schema, body)),
           (200, True) if taken else (422, False),
           "bulk of %d ids: server and schema %s it" % (
               n, "take" if taken else "refuse"))

    bans = "/api/v1/admin/comments/bans"
    who = "member@example.com"
    s, h, j = API.call("POST", bans, "editor", {"email": who, "days": 7,
                                                "reason": "Spam links"})
    eq(s, 200, "a suspension: 200")
    eq(me.comment(slug, "Written while suspended."), None,
       "...and the suspended member cannot comment")
    API.call("POST", bans, "editor", {"email": who})
    eq(API.call("POST", bans, "editor", {"email": who, "lift": True})[0], 200,
       "lifting the ban: 200")
    ok(me.comment(slug, "Back again.") is not None,
       "...and the member comments again")
    for body, status, what in (
            ("[", 400, "malformed JSON"),
            ({"email": who, "dayz": 7}, 400, "an unknown field"),
            ({"email": who, "lift": True}, 422, "lifting no ban"),
            ({"email": "nobody@example.com"}, 422, "an unknown email"),
            ({}, 422, "no email"), ({"email": 7}, 422, "an email that is a number"),
            ({"email": who, "days": "7"}, 422, "days as a string"),
            ({"email": who, "days": -1}, 422, "negative days"),
            ({"email": who, "reason": 5}, 422, "a reason that is a number"),
            ({"email": who, "lift": "yes"}, 422, "a lift that is a string")):
        eq(API.call("POST", bans, "editor", body)[0], status,
           "a ban with %s: %d" % (what, status))
    eq(API.call("POST", bans, "editor", "{}", ctype="text/plain")[0], 415,
       "a ban body that is not JSON: 415")
    eq(API.call("POST", bans, None, {"email": who})[0], 401,
       "a ban without a token: 401")
    eq(API.call("POST", bans, "member", {"email": who})[0], 403,
       "a ban with a member's token: 403")
    # The limits: days and reason at the limit are taken, over it refused;
    # an email at the limit is looked up (no account), over it refused.
    schema = resolve({"$ref": "#/components/schemas/CommentBan"})
    for body, taken in limit_cases(schema, {"email": who}):
        field = [k for k in body if k != "email"][0] if len(body) > 1 \
            else "email"
        s, h, j = API.call("POST", bans, "editor", body)
        accepted = not problems(schema, body)
        if field == "email":
            got = (s, j["error"]["message"] != "Give the reader's email.",
                   accepted)
            want = (422, taken, taken)
        else:
            got, want = (s, accepted), ((200, True) if taken else (422, False))
        eq(got, want, "a ban's %s of %s: server and schema %s it" % (
            field, describe(body[field]), "take" if taken else "refuse"))
    API.call("POST", bans, "editor", {"email": who, "lift": True})

    log = "/api/v1/admin/comments/log"
    s, h, j = API.get(log, "editor")
    ok(s == 200 and len(j["entries"]) == 100 and
       {"unban", "ban", "suspend"} <= {e["action"] for e in j["entries"]},
       "the log lists the newest actions, 100 a page")
    s, h, j = API.get(log + "?before=%d" % j["entries"][-1]["id"], "editor")
    ok(s == 200 and j["entries"], "...and its next page")
    eq(API.get(log + "?before=x", "editor")[0], 400, "a malformed before: 400")
    eq(API.get(log)[0], 401, "the log without a token: 401")
    eq(API.get(log, "member")[0], 403, "the log with a member's token: 403")
    eq(API.get(q, "contributor")[0], 403, "a queue with a contributor's token: 403")
    eq(API.get(q)[0], 401, "a queue without a token: 401")
    s, h, j = API.get("/api/v1/articles/" + slug)
    eq((j["article"]["comments_mode"], j["article"]["comment_count"] > 50),
       ("open", True), "the story's document has its comments mode and count")


def test_errors():
    for path in ("/api/v1/articles?colour=red", "/api/v1/articles?cursor=x",
                 "/api/v1/articles?limit=101", "/api/v1/articles?type=gossip",
                 "/api/v1/articles?section=asia&tag=china",
                 "/api/v1/authors?after=-1", "/api/v1/authors?limit=0",
                 "/api/v1/events?archive=2", "/api/v1/webinars?colour=red",
                 "/api/v1/events?archive=1&before=soon",
                 "/api/v1/sections/asia?before=zz",
                 "/api/v1/authors/ken-wieland?before=zz",
                 "/api/v1/resources?before=zz", "/api/v1/resources?limit=5"):
        eq(API.get(path)[0], 400, "GET %s is 400" % path)
    for path in ("/api/v1/articles/no-such-story", "/api/v1/articles/Not_A_Slug",
                 "/api/v1/articles?section=no-such-section",
                 "/api/v1/sections/no-such-section",
                 "/api/v1/authors/no-such-author", "/api/v1/events/no-such-event",
                 "/api/v1/webinars/no-such-webinar",
                 "/api/v1/resources/no-such-paper"):
        eq(API.get(path)[0], 404, "GET %s is 404" % path)

    arts = "/api/v1/admin/articles"
    eq(API.call("POST", arts, None, {"title": "x"})[0], 401, "no token: 401")
    API.tokens["nobody"] = "mh_" + "x" * 43
    eq(API.get("/api/v1/admin/menu-items", "nobody")[0], 401,
       "an unknown token: 401")
    eq(API.call("POST", arts, "member", {"title": "x", "section": "asia"})[0],
       403, "a member cannot create: 403")
    eq(API.get("/api/v1/admin/menu-items", "contributor")[0], 403,
       "menus are for editors: 403")
    eq(API.call("POST", article_path(1, "/publish"), "contributor")[0], 403,
       "a contributor cannot publish: 403")
    eq(API.get(article_path(99999999), "editor")[0], 404, "no such article: 404")
    eq(API.get("/api/v1/admin/articles/abc", "editor")[0], 404,
       "an id that is not a number: 404")
    eq(API.call("PATCH", article_path(99999999), "editor", {"dek": "x"})[0], 404,
       "editing no article: 404")
    eq(API.call("POST", article_path(99999999, "/unpublish"), "editor")[0], 404,
       "unpublishing no article: 404")
    eq(API.call("DELETE", "/api/v1/admin/menu-items/99999999", "editor")[0], 404,
       "no such menu entry: 404")
    eq(API.call("PATCH", "/api/v1/admin/menu-items/99999999", "editor",
                {"label": "x"})[0], 404, "editing no menu entry: 404")
    for body, status, what in (
            ("{nope", 400, "malformed JSON"), ([1, 2], 400, "an array"),
            ({"title": "x", "section": "asia", "colour": "red"}, 400,
             "an unknown field"),
            ({"title": "x"}, 422, "no section"),
            ({"title": "x", "section": "no-such-section"}, 422, "an unknown section"),
            ({"title": "x", "section": "asia", "type": "gossip"}, 422,
             "an unknown type"),
            ({"title": "x", "section": "asia", "slug": "Bad Slug"}, 422,
             "a malformed slug"),
            ({"title": "x", "section": "asia",
              "slug": "us-scraps-xiaomi-blacklisting"}, 409, "a taken slug")):
        eq(API.call("POST", arts, "editor", body)[0], status,
           "create with %s: %d" % (what, status))
    eq(API.call("POST", arts, "editor", "title=x", ctype="text/plain")[0], 415,
       "create with a body that is not JSON: 415")
    eq(API.call("POST", article_path(1, "/publish"), "editor", {"at": "soon"})[0],
       422, "publish at a malformed time: 422")
    eq(API.call("POST", article_path(1, "/publish"), "editor", "[")[0], 400,
       "publish with malformed JSON: 400")
    menu = "/api/v1/admin/menu-items"
    eq(API.call("POST", menu, "editor", {"menu": "side", "label": "x"})[0], 422,
       "a menu that does not exist: 422")
    eq(API.call("POST", menu, "editor", {"menu": "main", "label": "x",
                                         "parent_id": 99999999})[0], 422,
       "a parent that does not exist: 422")
    eq(API.call("PATCH", menu + "/1", "editor", {"menu": "footer"})[0], 400,
       "moving an entry to another menu: 400")
    eq(API.call("POST", menu, "editor", "{}", ctype="text/plain")[0], 415,
       "a menu body that is not JSON: 415")

    # A body over max_body is refused by the HTTP layer, in plain text.
    raw = SRV.raw(("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: 5000000"
                   "\r\n\r\n" % (arts, API.tokens["editor"])).encode() +
                  b"x" * 1000)
    head, _, body = raw.partition("\r\n\r\n")
    hdrs = {}
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    eq(status_of(raw), 413, "a 5 MB body: 413")
    eq(hdrs.get("content-type", "").split(";")[0], "text/plain",
       "...in plain text, before it is read")
    record("POST", arts, status_of(raw), hdrs, body.encode("latin-1"))
    s, h, j = API.call("POST", arts, "editor", b"x" * 1100000)
    eq((s, (j or {}).get("error", {}).get("status")), (413, 413),
       "a 1.1 MB body (over max_body, under the HTTP layer's limit): a JSON 413")

    # Answers of the router that no operation lists (see info.description).
    err = DOC["components"]["schemas"]["Error"]
    for method, path, status in (("DELETE", "/api/v1/articles", 405),
                                 ("PUT", "/api/v1/admin/menu-items/1", 405),
                                 ("BREW", "/api/v1/articles", 501),
                                 ("GET", "/api/v1/no-such-thing", 404)):
        s, h, b = SRV.request(method, path)
        eq(s, status, "%s %s: %d" % (method, path, status))
        ok(not problems(err, json.loads(b)), "...with an Error body",
           problems(err, json.loads(b)))
        if status == 405:
            ok(h.get("allow"), "...and an Allow header")
    for path, status in (("/api/v1/articles/%zz", 400),
                         ("/api/v1/articles?" + "q" * 9000, 414)):
        s, h, b = SRV.request("GET", path)
        eq((s, h.get("content-type", "").split(";")[0]), (status, "text/html"),
           "GET %s...: %d, an HTML page" % (path[:24], status))
    s, h, j = API.get("/api/v1/articles/us-scraps-xiaomi-blacklisting?q=%zz")
    eq(s, 400, "a malformed query string: a JSON 400")


# Images ---------------------------------------------------------------------

def png(w, h, seed=0):
    """A w x h RGB PNG, each seed a different picture."""
    rows = b"".join(b"\0" + bytes((x * 7 + y * 3 + seed) % 256
                                  for x in range(w * 3)) for y in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def form(parts, boundary="bNd"):
    """A multipart/form-data body: parts are (name, bytes, filename)."""
    out = b""
    for name, data, fname in parts:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"%s\r\n"
                % (boundary, name, "; filename=\"%s\"" % fname if fname
                   else "")).encode()
        if fname:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def media_files():
    return sorted(f for f in os.listdir(MEDIA) if not f.startswith("."))


def test_media():
    up = "/api/v1/admin/media"
    fct = "multipart/form-data; boundary=bNd"
    one = png(400, 200, 1)
    s, h, j = API.call("POST", up, "contributor", one, ctype="image/png")
    eq(s, 201, "a contributor uploads a PNG as the body: 201")
    ok(s == 201 and j["image"]["widths"] == [200, 320, 400] and
       j["image"]["width"] == 400 and
       j["image"]["hash"] == hashlib.sha256(one).hexdigest(),
       "...stored in the widths narrower than it and its own, under its SHA-256")
    if s == 201:
        UPLOADED["hash"] = j["image"]["hash"]
    files = media_files()
    s, h, j = API.call("POST", up, "editor", one, ctype="image/png")
    eq((s, j["image"]["hash"] if s == 201 else None),
       (201, UPLOADED.get("hash")), "the same bytes again: 201, the same image")
    eq(media_files(), files, "...and no new file")
    s, h, j = API.call("POST", up, "contributor", png(700, 350, 2),
                       ctype="application/octet-stream")
    eq((s, j["image"]["widths"] if s == 201 else None), (201, [200, 320, 480, 640, 700]),
       "an image sent as application/octet-stream: 201, in five widths")

    # As a form, with alt text at and over its limit of 500 bytes.
    schema = DOC["paths"][up]["post"]["requestBody"]["content"][
        "multipart/form-data"]["schema"]
    schema = resolve(schema)
    n = schema["properties"]["alt"]["maxLength"]
    alts = {}
    cases = (("a" * n, "a" * n), ("a" * (n + 1), ""),
             ("A mast at dusk", "A mast at dusk"))
    for k, (alt, kept) in enumerate(cases):
        s, h, j = API.call("POST", up, "contributor", form(
            [("alt", alt.encode(), None), ("file", png(120, 90, 10 + k),
                                            "m.png")]), ctype=fct)
        want = 201 if kept == alt else 422
        eq(s, want, "a form with a file and %d bytes of alt: %d" % (len(alt), want))
        ok(bool(problems(schema, {"file": "x", "alt": alt})) == (want == 422),
           "...and the schema %s it" % ("takes" if want == 201 else "refuses"))
        if s == 201:
            alts[k] = j["image"]["hash"]
    # The alt shows on the story whose hero image the upload becomes.
    s, h, j = API.call("POST", "/api/v1/admin/articles", "editor",
                       {"title": "A story with an uploaded image",
                        "section": "asia", "body_md": "Text."})
    aid = j["article"]["id"]
    for k, (alt, kept) in enumerate(cases):
        if k not in alts:
            continue
        s, h, j = API.call("PATCH", article_path(aid), "editor",
                           {"hero_image": alts[k]})
        eq((s, j["article"]["hero_image"] if s == 200 else None),
           (200, alts[k]), "hero_image takes the upload's hash")
        API.call("POST", article_path(aid, "/publish"), "editor")
        s, h, j = API.get("/api/v1/articles/a-story-with-an-uploaded-image")
        taken = kept == alt
        eq((j["article"]["image_alt"] if s == 200 else None,
            not problems(schema, {"file": "x", "alt": alt})), (kept, taken),
           "an alt of %d bytes: server and schema %s it" % (
               len(alt), "take" if taken else "refuse"))
    ok(s == 200 and j["article"]["image"].get("srcset", "").startswith(
        "/media/"), "the story's image has a srcset")
    # The library: a page of it, and a change of an image's text.
    s, h, j = API.call("GET", up + "?q=mast%20at%20dusk&page=1", "contributor")
    eq((s, [i["alt"] for i in j["images"]] if s == 200 else None),
       (200, ["A mast at dusk"]), "the library finds the image by its alt text")
    eq(API.call("GET", up + "?page=0", "contributor")[0], 400,
       "page 0 of the library: 400")
    s, h, j = API.call("PATCH", up + "/" + alts.get(2, "0" * 64), "editor",
                       {"caption": "At dusk", "credit": "Staff"})
    eq((s, j["image"]["caption"] if s == 200 else None), (200, "At dusk"),
       "PATCH sets an image's caption")
    eq(API.call("PATCH", up + "/" + "0" * 64, "editor", {"alt": "x"})[0], 404,
       "PATCH of an image no upload has: 404")
    eq(API.call("PATCH", up + "/" + alts.get(2, "0" * 64), "editor",
                {"alt": "x" * 501})[0], 422, "PATCH with alt over 500 bytes: 422")
    s, h, j = API.call("PATCH", article_path(aid), "editor", {"hero_image": ""})
    eq((s, j["article"]["hero_image"]), (200, None),
       "hero_image \"\" takes the image off")
    API.call("POST", article_path(aid, "/unpublish"), "editor")
    eq(API.call("PATCH", article_path(aid), "editor",
                {"hero_image": "0" * 64})[0], 422,
       "a hero_image no upload has: 422")

    # Refusals: each answers its documented status and stores nothing.
    good = png(200, 100, 3)
    files = media_files()
    big = b"\x89PNG\r\n\x1a\n" + os.urandom(MAX_UPLOAD)
    for who, body, ctype, status, what in (
            ("contributor", b"", "image/png", 400, "an empty body"),
            ("contributor", good, None, 400, "a body without Content-Type"),
            ("contributor", form([("alt", b"x", None)]), fct, 400,
             "a form without a file part"),
            ("contributor", form([("file", b"", "e.png")]), fct, 400,
             "a form with an empty file"),
            ("contributor", form([("file", good, "a.png")])[:-30], fct, 400,
             "a form cut short"),
            ("contributor", form([("file", good, "a.png")]),
             "multipart/form-data", 400, "a form without a boundary"),
            (None, good, "image/png", 401, "no token"),
            ("nobody", good, "image/png", 401, "an unknown token"),
            ("member", good, "image/png", 403, "a member's token"),
            ("contributor", b"GIF8 but not really" * 20, "image/gif", 415,
             "text sent as a GIF"),
            ("contributor", b'<svg xmlns="http://www.w3.org/2000/svg"/>',
             "image/svg+xml", 415, "an SVG"),
            ("contributor", form([("file", b"%PDF-1.4 x" * 10, "a.pdf")]),
             fct, 415, "a PDF as the file part"),
            ("contributor", good[:len(good) // 2], "image/png", 422,
             "a truncated PNG"),
            ("contributor", good[:33] + b"\0" * (len(good) - 33), "image/png",
             422, "a PNG with its data zeroed"),
            ("contributor", big, "image/png", 413,
             "an image one byte over max_upload"),
            ("contributor", form([("file", big, "big.png")]), fct, 413,
             "a file part one byte over max_upload")):
        if ctype is None:
            s, h, b = SRV.request("POST", up, {
                "Authorization": "Bearer " + API.tokens[who]}, body)
            record("POST", up, s, h, b)
        else:
            s = API.call("POST", up, who, body, ctype=ctype)[0]
        eq(s, status, "an upload with %s: %d" % (what, status))
    eq(media_files(), files, "...and no refused upload stored a file")
    raw = SRV.raw(("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s"
                   "\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n"
                   % (up, API.tokens["contributor"], 2 * MAX_UPLOAD)).encode())
    head, _, body = raw.partition("\r\n\r\n")
    hdrs = {}
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    eq((status_of(raw), hdrs.get("content-type", "").split(";")[0]),
       (413, "text/plain"), "an upload announced at 2 MiB: 413 in plain text")
    record("POST", up, status_of(raw), hdrs, body.encode("latin-1"))

    # The podcast's artwork: made square from a wide upload, editors only.
    art = "/api/v1/admin/podcast/artwork"
    wide = flat_png(2000, 1500)
    s, h, j = API.call("POST", art, "editor", wide, ctype="image/png")
    eq((s, s == 201 and (j["image"]["width"], j["image"]["height"])),
       (201, (1500, 1500)), "the editor sets a 2000 x 1500 podcast artwork: "
       "201, made 1500 px square")
    s, h, j = API.call("POST", art, "contributor", wide, ctype="image/png")
    eq(s, 403, "a contributor may not: 403")
    s, h, j = API.call("POST", art, "editor", flat_png(1000, 1500),
                       ctype="image/png")
    eq(s, 422, "an artwork under 1400 px on its shorter side: 422")
    s, h, j = API.call("POST", art, "editor", b"not an image",
                       ctype="image/png")
    eq(s, 415, "an artwork that is no image: 415")
    s, h, j = API.call("POST", art, "editor", form([("file", wide, "a.png"),
                       ("alt", b"Our cover", None)]), ctype=fct)
    eq(s, 201, "the artwork as a form: 201")


def flat_png(w, h):
    """A w x h PNG of one colour: a large picture in a few bytes."""
    raw = zlib.compress((b"\0" + b"\x30\x60\x90" * w) * h, 9)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def limit_cases(schema, base):
    """(body, taken) pairs at and just over each limit of an object schema:
    maxLength of its strings, maxItems of its arrays and the maxLength of
    their items, maximum of its integers."""
    props = schema["properties"]
    cases = []
    for name, p in props.items():
        p = resolve(p)
        if "allOf" in p:
            p = resolve(p["allOf"][0])
        if p.get("type") == "string" and "maxLength" in p:
            n = p["maxLength"]
            if p.get("pattern") == "^(https?://.*)?$":
                at = "https://e.org/" + "p" * (n - 14)
            elif name == "url":
                at = "/" + "u" * (n - 1)
            elif p.get("pattern", "").startswith("^((audio|video)/"):
                at = "audio/" + "m" * (n - 6)
            elif p.get("pattern") == "^([0-9a-f]{64})?$":
                at = UPLOADED.get("hash", "a" * n)     # an image's hash
            elif "pattern" in p and p["pattern"].startswith("^[a-z0-9]"):
                at = "s" * n
            else:
                at = "t" * n
            cases.append((dict(base, **{name: at}), True))
            cases.append((dict(base, **{name: at + "x"}), False))
        elif p.get("type") == "array" and "maxItems" in p:
            item = resolve(p["items"])
            if item.get("type") == "string" and "maxLength" in item:
                at = ["t" * item["maxLength"]]
                cases.append((dict(base, **{name: at}), True))
                cases.append((dict(base, **{name: [at[0] + "x"]}), False))
                cases.append((dict(base, **{name: ["t%d" % i for i in
                                                   range(p["maxItems"])]}), True))
            cases.append((dict(base, **{name: ["t%d" % i for i in
                                               range(p["maxItems"] + 1)]}), False))
        elif p.get("type") == "integer" and "maximum" in p:
            cases.append((dict(base, **{name: p["maximum"]}), True))
            cases.append((dict(base, **{name: p["maximum"] + 1}), False))
    return cases


def test_limits():
    s, h, j = API.call("POST", "/api/v1/admin/articles", "editor",
                       {"title": "Limits", "section": "asia"})
    aid = j["article"]["id"]
    schema = resolve({"$ref": "#/components/schemas/ArticleFields"})
    # sponsor, section, site, authors and show name rows that must exist,
    # and a video link and chapters must parse: a made-up value at the
    # limit is refused (422), so only the values over it count.
    rows = {"sponsor", "section", "site", "authors", "show", "embed_url",
            "chapters"}
    if "hash" not in UPLOADED:
        rows.add("hero_image")
    cases = [(b, t) for b, t in limit_cases(schema, {})
             if not (t and rows & set(b))]
    for body, taken in cases:
        field = list(body)[0]
        s = API.call("PATCH", article_path(aid), "editor", body)[0]
        accepted = not problems(schema, body)
        what = "%s of %s" % (field, describe(body[field]))
        eq((s, accepted), (200, True) if taken else (422, False),
           "article %s: server and schema %s it" % (
               what, "take" if taken else "refuse"))
    s, h, j = API.call("POST", "/api/v1/admin/menu-items", "editor",
                       {"menu": "main", "label": "Limits"})
    item = j["item"]["id"]
    schema = resolve({"$ref": "#/components/schemas/MenuItemUpdate"})
    for body, taken in limit_cases(schema, {}):
        field = list(body)[0]
        s = API.call("PATCH", "/api/v1/admin/menu-items/%d" % item, "editor",
                     body)[0]
        accepted = not problems(schema, body)
        eq((s, accepted), (200, True) if taken else (422, False),
           "menu entry %s of %s: server and schema %s it" % (
               field, describe(body[field]), "take" if taken else "refuse"))


def describe(v):
    if isinstance(v, str):
        return "%d bytes" % len(v)
    if isinstance(v, list):
        return "%d items of up to %d bytes" % (len(v), max(len(x) for x in v))
    return str(v)


def test_unavailable():
    """A request that cannot reach the database answers the documented 503
    and writes nothing: on SQLite while another process holds the write
    lock (for the 5 s busy timeout), on PostgreSQL while the database
    takes no connections and the server's have been cut."""
    item = {"menu": "main", "label": "Locked out"}
    if on_pg():
        name = SRV.db.rstrip("/").rsplit("/", 1)[1]
        admin = PG_URL + "postgres"
        psql(admin, "ALTER DATABASE %s ALLOW_CONNECTIONS false;\n"
             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
             " WHERE datname = '%s';\n" % (name, name))
        try:
            s = API.call("POST", "/api/v1/admin/menu-items", "editor", item)[0]
            s_up = API.call("POST", "/api/v1/admin/media", "editor",
                            png(90, 60, 77), ctype="image/png")[0]
        finally:
            psql(admin, "ALTER DATABASE %s ALLOW_CONNECTIONS true;\n" % name)
        what = "while PostgreSQL refuses the server"
    else:
        con = sqlite3.connect(SRV.db, isolation_level=None, timeout=10)
        try:
            con.execute("BEGIN EXCLUSIVE")
            s = API.call("POST", "/api/v1/admin/menu-items", "editor", item)[0]
            s_up = API.call("POST", "/api/v1/admin/media", "editor",
                            png(90, 60, 77), ctype="image/png")[0]
        finally:
            con.execute("ROLLBACK")
            con.close()
        what = "while another process holds the database"
    eq(s, 503, "a write %s: 503" % what)
    eq(s_up, 503, "an upload %s: 503" % what)
    ok(not any(f.startswith(hashlib.sha256(png(90, 60, 77)).hexdigest())
               for f in os.listdir(MEDIA)), "...which left no file behind")
    # A connection is made again at most every 250 ms per thread.
    deadline = time.time() + 5
    while True:
        s, h, j = API.get("/api/v1/admin/menu-items", "editor")
        if s == 200 or time.time() > deadline:
            break
        time.sleep(0.3)
    eq(s, 200, "...the database is back")
    ok(s == 200 and not any(x["label"] == "Locked out" for x in j["main"]),
       "...and nothing was written")


def sample(schema):
    """A value a parameter of this schema takes, for the query string."""
    schema = resolve(schema)
    if "enum" in schema:
        return schema["enum"][-1]
    if schema.get("type") == "integer":
        return str(max(schema.get("minimum", 1), 1))
    if schema.get("pattern", "").startswith("^[0-9]+\\."):
        return "1.1"                                    # a cursor
    return "asia"                                       # a slug


def test_parameters():
    """Every documented query parameter is one the server knows: sent on
    its own with a valid value, it is never an unknown parameter."""
    for m, rx, tpl, op in OPS:
        if m != "GET" or tpl.startswith("/api/v1/admin/"):
            continue
        for p in op.get("parameters", []):
            p = resolve(p)
            if p["in"] != "query":
                continue
            path = tpl.replace("{slug}", "asia" if "sections" in tpl else
                               "ken-wieland" if "authors" in tpl else
                               "us-scraps-xiaomi-blacklisting"
                               if "articles" in tpl else "no-such-slug")
            q = "%s=%s" % (p["name"], sample(p["schema"]))
            s, h, j = API.get(path + "?" + q)
            msg = (j or {}).get("error", {}).get("message", "") \
                if isinstance(j, dict) else ""
            ok(not msg.startswith("unknown parameter"),
               "GET %s?%s: the server knows %s" % (tpl, q, p["name"]),
               "%d %s" % (s, msg))


def test_examples():
    """The examples of the document fit their schemas (the linter checks
    them too, when it can be had)."""
    seen, errs = set(), []
    for tpl, item in DOC["paths"].items():
        for m in METHODS:
            if m not in item:
                continue
            op = item[m]
            media = list(op.get("requestBody", {}).get("content", {}).items())
            for status, resp in op["responses"].items():
                media += list(resolve(resp).get("content", {}).items())
            for ctype, mt in media:
                if "example" in mt and id(mt) not in seen:
                    seen.add(id(mt))
                    errs += ["%s %s (%s): %s" % (m.upper(), tpl, ctype, e)
                             for e in problems(mt["schema"], mt["example"])]
    n = len(seen)
    ok(n > 0 and not errs, "the %d examples fit their schemas" % n,
       "\n".join(errs))


def test_report():
    for key in sorted(RESULTS):
        n, errs = RESULTS[key]
        ok(not errs, "%s: %d answer%s match docs/openapi.yaml" % (
            key, n, "" if n == 1 else "s"), "\n".join(
                first + ("" if k == 1 else " (and %d more like it)" % (k - 1))
                for first, k in list(errs.values())[:10]))
    # Every operation was called and at least one success checked.
    done = {k.rsplit(" -> ", 1)[0] for k in RESULTS
            if k.rsplit(" -> ", 1)[1].startswith("2")}
    for m, rx, tpl, op in OPS:
        ok("%s %s" % (m, tpl) in done, "%s %s: a success was checked" % (m, tpl),
           "no 2xx answer of %s %s was checked: add a call to it in "
           "tests/http/test_openapi.py" % (m, tpl))


def test_newsletters():
    """Issues of a newsletter: compose, read, edit, test, send, export."""
    base = "/api/v1/admin/newsletters/5g-weekly/issues"
    s, h, j = API.call("POST", base, "editor")
    eq(s, 201, "an issue is composed (pre-filled)")
    iid = j["issue"]["id"] if s == 201 else 0
    API.call("POST", base, "editor", {"subject": "A week of 5G", "intro": "Hello."})
    issue = "%s/%d" % (base, iid)
    API.get(issue, "editor")
    API.call("PATCH", issue, "editor", {"intro": "Our pick of the week.",
                                        "articles": []})
    s, h, j = API.call("POST", issue + "/test", "editor",
                       {"email": "desk@example.com"})
    eq(s, 202, "a test copy is queued")
    s, h, j = API.call("POST", issue + "/send", "editor",
                       {"at": "2031-01-01T06:00:00Z"})
    eq(s, 202, "the issue is scheduled")
    API.call("POST", issue + "/send", "editor")
    deadline = time.time() + 20
    while time.time() < deadline:
        s, h, j = API.get(issue, "editor")
        if s != 200 or j["issue"]["status"] == "sent":
            break
        time.sleep(0.2)
    API.call("POST", issue + "/send", "editor")                       # 409
    API.call("PATCH", issue, "editor", {"intro": "late"})             # 409
    API.call("PATCH", issue, "editor", {"colour": "red"})             # 400
    API.call("PATCH", issue, "editor", {"articles": [0]})             # 422
    API.call("PATCH", issue, "editor", "x=1", ctype="text/plain")     # 415
    API.call("POST", issue + "/test", "editor", {"email": "nope"})    # 422
    API.call("POST", issue + "/send", "editor", {"at": "tomorrow"})   # 422
    API.get(issue, "contributor")                                     # 403
    API.get(issue)                                                    # 401
    API.get(base + "/99999999", "editor")                             # 404
    API.call("POST", "/api/v1/admin/newsletters/gossip/issues", "editor")
    csv = "/api/v1/admin/newsletters/daily/subscribers.csv"
    s, h, j = API.get(csv, "editor")
    eq(s, 200, "the subscribers are exported")
    API.get(csv, "member")                                            # 403
    API.get("/api/v1/admin/newsletters/gossip/subscribers.csv", "editor")


def main():
    start()
    run_tests([test_lint, test_routes, test_examples, test_content, test_newsletters,
                       test_parameters, test_admin, test_comments,
                       test_errors, test_media, test_limits, test_unavailable,
                       test_report], SRV.stop)


main()
