"""The admin API: role rules for every action, input validation, and the
page cache following every write (issue 3): after a publish, an edit, a
move, an unpublish or a scheduled publish, the affected pages show the
change on the very next request while unaffected pages stay cached."""
import json
import os
import subprocess
import tempfile
import time

from harness import BIN, Server, ok, eq, contains, run_tests, demo_db, sql

PW = "correct horse battery staple"


def make_db():
    """A demo database with one account per role and a token for each."""
    d = tempfile.mkdtemp(prefix="masthead-admin-")
    db = demo_db(d)
    tokens = {}
    accounts = (("admin", "admin", None), ("editor", "editor", None),
                ("author", "author", "ken-wieland"),
                ("author2", "author", None),
                ("contributor", "contributor", None),
                ("member", "member", None))
    slugs = [r[0] for r in sql(
        db, "SELECT slug FROM authors WHERE slug <> 'ken-wieland' ORDER BY id LIMIT 2")]
    for name, role, author in accounts:
        if name == "author2":
            author = slugs[0]
        if name == "contributor":
            author = slugs[1]
        args = [BIN, "user", "add", "--db", db, "--role", role]
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
    return db, tokens


DB, TOK = make_db()
srv = Server(db=DB)


def call(method, path, who=None, body=None, ctype="application/json"):
    h = {}
    if who:
        h["Authorization"] = "Bearer " + TOK[who]
    if body is not None:
        h["Content-Type"] = ctype
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    try:
        j = json.loads(b) if b else None
    except ValueError:
        j = None
    return s, hd, j


def create(who, **fields):
    body = {"title": "A story", "section": "asia", "body_md": "Text."}
    body.update(fields)
    return call("POST", "/api/v1/admin/articles", who, body)


def cache_state(path):
    s, h, b = srv.get(path)
    return s, h.get("x-cache"), b.decode("utf-8", "replace")


def test_auth():
    s, h, j = call("POST", "/api/v1/admin/articles", None, {"title": "x"})
    eq(s, 401, "no token is 401")
    eq(h.get("www-authenticate"), "Bearer", "401 names the Bearer scheme")
    s, h, j = srv.request("POST", "/api/v1/admin/articles",
                          {"Authorization": "Bearer mh_nottherightone",
                           "Content-Type": "application/json"}, "{}")
    eq(s, 401, "an unknown token is 401")
    s, h, j = call("GET", "/api/v1/admin/articles/1", "member")
    eq(s, 403, "a member cannot read the newsroom's articles")


def test_roles():
    s, h, j = create("member")
    eq(s, 403, "a member cannot create")
    s, h, j = create("contributor", title="Contributor draft",
                     authors=["ken-wieland"])
    eq(s, 201, "a contributor creates a draft")
    contrib = j["article"]["id"]
    ok(j["article"]["authors"] != ["ken-wieland"],
       "a contributor's draft carries their own byline, not the one asked for")
    eq(h.get("location"), "/api/v1/admin/articles/%d" % contrib, "201 has a Location")
    eq(call("POST", "/api/v1/admin/articles/%d/publish" % contrib, "contributor")[0],
       403, "a contributor cannot publish")
    eq(call("PATCH", "/api/v1/admin/articles/%d" % contrib, "contributor",
            {"dek": "Better"})[0], 200, "a contributor edits their draft")
    eq(call("PATCH", "/api/v1/admin/articles/%d" % contrib, "contributor",
            {"authors": ["ken-wieland"]})[0], 403, "a contributor cannot change bylines")
    eq(call("PATCH", "/api/v1/admin/articles/%d" % contrib, "author", {"dek": "x"})[0],
       403, "an author cannot edit someone else's draft")
    eq(call("POST", "/api/v1/admin/articles/%d/publish" % contrib, "author2")[0],
       403, "an author cannot publish someone else's story")
    eq(call("POST", "/api/v1/admin/articles/%d/publish" % contrib, "editor")[0],
       200, "an editor publishes anyone's story")
    eq(call("PATCH", "/api/v1/admin/articles/%d" % contrib, "contributor",
            {"dek": "After"})[0], 403, "a contributor cannot edit it once published")
    eq(call("POST", "/api/v1/admin/articles/%d/unpublish" % contrib, "contributor")[0],
       403, "a contributor cannot unpublish")
    eq(call("POST", "/api/v1/admin/articles/%d/unpublish" % contrib, "admin")[0],
       200, "an admin unpublishes")
    s, h, j = create("author", title="Author's own")
    eq(s, 201, "an author creates")
    own = j["article"]["id"]
    eq(j["article"]["authors"], ["ken-wieland"], "under their own byline")
    eq(call("POST", "/api/v1/admin/articles/%d/publish" % own, "author")[0], 200,
       "an author publishes their own story")
    eq(call("POST", "/api/v1/admin/articles/%d/unpublish" % own, "author")[0], 200,
       "and unpublishes it")
    eq(call("GET", "/api/v1/admin/articles/%d" % own, "contributor")[0], 403,
       "a contributor cannot read another's article")
    eq(call("GET", "/api/v1/admin/articles/%d" % own, "editor")[0], 200,
       "an editor reads any article")


def test_validation():
    cases = [
        ({"title": "x", "section": "asia", "colour": "red"}, 400, "an unknown field"),
        ({"section": "asia"}, 422, "a missing title"),
        ({"title": "", "section": "asia"}, 422, "an empty title"),
        ({"title": "x"}, 422, "a missing section"),
        ({"title": "x", "section": "no-such-section"}, 422, "an unknown section"),
        ({"title": "x", "section": "asia", "slug": "Bad Slug"}, 422, "a malformed slug"),
        ({"title": "x", "section": "asia", "type": "gossip"}, 422, "an unknown type"),
        ({"title": "x" * 301, "section": "asia"}, 422, "a 301-byte title"),
        ({"title": 5, "section": "asia"}, 422, "a title that is not a string"),
        ({"title": "x", "section": "asia", "authors": ["nobody-at-all"]}, 422,
         "an unknown author"),
        ({"title": "x", "section": "asia", "tags": ["t"] * 21}, 422, "21 tags"),
        ({"title": "x", "section": "asia", "hero_licence_url": "javascript:x"}, 422,
         "a licence URL that is not http(s)"),
        ({"title": "x", "section": "asia", "slug": "us-scraps-xiaomi-blacklisting"},
         409, "a slug that is taken"),
    ]
    for body, st, what in cases:
        s, h, j = call("POST", "/api/v1/admin/articles", "editor", body)
        eq(s, st, "%s is %d" % (what, st))
        ok(j is not None and "message" in j.get("error", {}), "with a JSON message")
    eq(call("POST", "/api/v1/admin/articles", "editor", "{not json")[0], 400,
       "malformed JSON is 400")
    eq(call("POST", "/api/v1/admin/articles", "editor", '{"title":"a","title":"b"}')[0],
       400, "duplicate keys are 400")
    eq(call("POST", "/api/v1/admin/articles", "editor", "[1]")[0], 400,
       "a JSON array is 400")
    eq(call("POST", "/api/v1/admin/articles", "editor", "title=x", "text/plain")[0],
       415, "a non-JSON body is 415")
    eq(call("PATCH", "/api/v1/admin/articles/999999", "editor", {"dek": "x"})[0], 404,
       "editing a missing article is 404")
    eq(call("PATCH", "/api/v1/admin/articles/abc", "editor", {"dek": "x"})[0], 404,
       "a malformed id is 404")
    s, h, j = create("editor", title="Timing")
    eq(call("POST", "/api/v1/admin/articles/%d/publish" % j["article"]["id"], "editor",
            {"at": "tomorrow"})[0], 422, "a malformed publish time is 422")
    s, h, b = srv.request("DELETE", "/api/v1/admin/articles/1",
                          {"Authorization": "Bearer " + TOK["editor"]})
    eq(s, 405, "DELETE is 405")
    contains(h.get("allow", ""), "PATCH", "and Allow lists PATCH")
    # Nothing refused above reached the site.
    s, h, j = srv.json("/api/v1/articles?limit=100")
    ok(not any(a["title"] == "x" for a in j["articles"]), "refused input changed nothing")


def warm(paths):
    for p in paths:
        srv.get(p)
    return {p: cache_state(p)[1] for p in paths}


def test_cache_follows_writes():
    asia = srv.json("/api/v1/sections/asia")[2]["section"]["id"]
    paths = ["/", "/section/asia", "/author/ken-wieland", "/api/v1/articles",
             "/type/news-analysis", "/section/docsis", "/events", "/about-us",
             "/api/v1/sections/asia"]
    states = warm(paths)
    ok(all(v == "hit" for v in states.values()), "all pages are cached before the write")

    # Publish: the story shows on every list it belongs to, at once.
    s, h, j = create("editor", title="Cache check: operators in Asia",
                     type="news-analysis", authors=["ken-wieland"],
                     tags=["Cache Check"])
    aid, slug = j["article"]["id"], j["article"]["slug"]
    eq(cache_state("/section/asia")[1], "hit", "a draft changes no page")
    call("POST", "/api/v1/admin/articles/%d/publish" % aid, "editor")
    for p in ("/", "/section/asia", "/author/ken-wieland", "/api/v1/articles",
              "/type/news-analysis", "/api/v1/sections/asia"):
        s, xc, b = cache_state(p)
        ok(xc == "miss" and "Cache check: operators in Asia" in b,
           "after publish %s shows the story on the next request" % p)
    for p in ("/section/docsis", "/events", "/about-us"):
        eq(cache_state(p)[1], "hit", "after publish %s stays cached" % p)
    s, xc, b = cache_state("/tag/cache-check")
    contains(b, "Cache check", "the new tag's page lists it")
    eq(cache_state("/article/" + slug)[0], 200, "the story's page is there")
    ok(("a%d" % aid) in srv.get("/article/" + slug)[1].get("surrogate-key", ""),
       "its page carries its own tag")

    # Edit: the new title replaces the old one everywhere it was shown.
    warm(["/", "/section/asia", "/article/" + slug, "/section/docsis"])
    call("PATCH", "/api/v1/admin/articles/%d" % aid, "editor",
         {"title": "Cache check: the headline changed"})
    for p in ("/", "/section/asia", "/article/" + slug):
        s, xc, b = cache_state(p)
        ok("the headline changed" in b and "operators in Asia" not in b,
           "after an edit %s shows the new title" % p)
    eq(cache_state("/section/docsis")[1], "hit", "after an edit other sections stay cached")

    # Move: the story leaves Asia and joins DOCSIS and its parent.
    warm(["/section/asia", "/section/docsis", "/section/cable-tech", "/section/europe"])
    call("PATCH", "/api/v1/admin/articles/%d" % aid, "editor", {"section": "docsis"})
    ok("the headline changed" not in cache_state("/section/asia")[2],
       "after a move the old section no longer lists it")
    ok("the headline changed" in cache_state("/section/docsis")[2],
       "the new section lists it")
    ok("the headline changed" in cache_state("/section/cable-tech")[2],
       "and so does the new section's parent")
    eq(cache_state("/section/europe")[1], "hit", "an unrelated section stays cached")

    # Unpublish: gone from every list, and the page is 404.
    warm(["/", "/section/docsis", "/article/" + slug])
    call("POST", "/api/v1/admin/articles/%d/unpublish" % aid, "editor")
    ok("the headline changed" not in cache_state("/")[2], "after unpublish home drops it")
    ok("the headline changed" not in cache_state("/section/docsis")[2],
       "and its section drops it")
    eq(srv.get("/article/" + slug)[0], 404, "and its page is 404")


def test_sidebar_follows_writes():
    """The sidebar is one fragment shared by every page: a new Partner
    Perspective shows in it on every page at once."""
    paths = ["/", "/section/europe", "/article/us-scraps-xiaomi-blacklisting"]
    warm(paths + ["/about-us"])
    s, h, j = create("editor", title="Cache check: a word from our sponsor",
                     type="partner-perspective", sponsor="huawei")
    eq(s, 201, "a partner perspective is created")
    call("POST", "/api/v1/admin/articles/%d/publish" % j["article"]["id"], "editor")
    for p in paths:
        s, xc, b = cache_state(p)
        side = b[b.find('class="sidebar"'):]
        ok(xc == "miss" and "a word from our sponsor" in side,
           "after publish the sidebar of %s shows the new partner perspective" % p)
    eq(cache_state("/about-us")[1], "hit", "a page without a sidebar stays cached")


def test_menu_follows_writes():
    """Every page shows the mega-menu and the footer: a menu change drops
    every cached page at once, and only pages (the API shows no menu)."""
    eq(call("GET", "/api/v1/admin/menu-items", "author")[0], 403,
       "an author cannot edit menus")
    eq(call("GET", "/api/v1/admin/menu-items", None)[0], 401, "nor can nobody")
    s, h, j = call("GET", "/api/v1/admin/menu-items", "editor")
    eq(s, 200, "an editor lists the menus")
    sat = [i for i in j["main"] if i["label"] == "Satellite"][0]
    other_main = j["main"][0]["id"]
    pages = ["/", "/section/asia", "/about-us", "/events", "/sections"]
    api = "/api/v1/articles/us-scraps-xiaomi-blacklisting"
    warm(pages + [api])
    s, h, j = call("PATCH", "/api/v1/admin/menu-items/%d" % sat["id"], "editor",
                   {"label": "Satellite & Space"})
    eq((s, j["item"]["label"]), (200, "Satellite & Space"), "a menu entry is renamed")
    for p in pages:
        s, xc, b = cache_state(p)
        ok(xc == "miss" and ">Satellite &amp; Space<" in b,
           "after a menu change %s shows the new entry at once" % p)
    eq(cache_state(api)[1], "hit", "the API, which shows no menu, stays cached")
    s, h, j = call("POST", "/api/v1/admin/menu-items", "editor",
                   {"menu": "footer", "label": "Careers", "url": "/careers",
                    "position": 99})
    eq(s, 201, "a footer entry is added")
    new = j["item"]["id"]
    foot = cache_state("/")[2].split('class="site-footer"')[1]
    contains(foot, ">Careers<", "and shows in the footer")
    eq(call("DELETE", "/api/v1/admin/menu-items/%d" % new, "editor")[0], 204,
       "and is deleted")
    ok(">Careers<" not in cache_state("/")[2], "and is gone from the pages")
    for body, st, what in (
            ({"menu": "footer", "label": ""}, 422, "an empty label"),
            ({"menu": "footer", "label": "x", "url": "javascript:alert(1)"}, 422,
             "a javascript: URL"),
            ({"menu": "footer", "label": "x", "url": "//evil.example/"}, 422,
             "a protocol-relative URL"),
            ({"menu": "side", "label": "x"}, 422, "an unknown menu"),
            ({"menu": "footer", "label": "x", "parent_id": other_main}, 422,
             "a parent from another menu"),
            ({"menu": "footer", "label": "x", "colour": "red"}, 400, "an unknown field"),
            ({"menu": "footer", "label": "x", "position": -1}, 422, "a negative position")):
        eq(call("POST", "/api/v1/admin/menu-items", "editor", body)[0], st,
           "a menu item with %s is %d" % (what, st))
    eq(call("PATCH", "/api/v1/admin/menu-items/999999", "editor", {"label": "x"})[0],
       404, "renaming a missing entry is 404")
    eq(call("DELETE", "/api/v1/admin/menu-items/999999", "editor")[0], 404,
       "deleting a missing entry is 404")
    s, h, j = call("GET", "/api/v1/admin/menu-items", "editor")
    ok(not any(i["label"] == "x" for i in j["footer"] + j["main"]),
       "refused menu changes changed nothing")


def test_scheduled_publish():
    s, h, j = create("editor", title="Cache check: scheduled for later")
    aid = j["article"]["id"]
    at = int(time.time()) + 3
    s, h, j = call("POST", "/api/v1/admin/articles/%d/publish" % aid, "editor",
                   {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))})
    eq(s, 200, "scheduling is accepted")
    ok("scheduled for later" not in cache_state("/section/asia")[2],
       "a scheduled story is not listed before its time")
    eq(cache_state("/section/asia")[1], "hit", "and the list is cached meanwhile")
    time.sleep(max(0, at - time.time()) + 1.2)
    s, xc, b = cache_state("/section/asia")
    ok(xc == "miss" and "scheduled for later" in b,
       "at its time the cached list is rendered again with the story")


run_tests([test_auth, test_roles, test_validation, test_cache_follows_writes,
           test_sidebar_follows_writes, test_menu_follows_writes,
           test_scheduled_publish], srv.stop)
