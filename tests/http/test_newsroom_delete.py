"""Deleting in the newsroom: author profiles, sponsors, static pages,
promos and sections.  Editors only, with the form's CSRF token; what a
story, an event or another section still refers to is refused with 409
and stays; what is deleted leaves every cached page that showed it, on
the spot."""
import subprocess
import tempfile

from harness import BIN, Client, Server, ok, eq, contains, run_tests, demo_db, sql

DB = demo_db(tempfile.mkdtemp(prefix="masthead-delete-"))
PW = "correct horse battery staple"
for role in ("author", "editor"):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "%s@example.com" % role],
                   input=PW, text=True, check=True, capture_output=True)
SRV = Server(db=DB, args=["--real_ip_header", "X-Real-IP"])
CLIENTS = {}


def client(role):
    if role not in CLIENTS:
        c = Client(SRV, "10.6.0.%d" % (len(CLIENTS) + 1))
        s = c.sign_in("%s@example.com" % role, PW)
        assert s == 303, (role, s)
        CLIENTS[role] = c
    return CLIENTS[role]


def post(role, path, fields=(), page="/admin/articles"):
    return client(role).post(path, list(fields), csrf_from=page)


def one(statement, params=()):
    rows = sql(DB, statement, params)
    return rows[0][0] if rows else None


def warm(path):
    """Fetches path twice; True when the second answer came from the cache."""
    SRV.get(path)
    s, h, b = SRV.get(path)
    return h.get("x-cache") == "hit"


def test_who_may_delete():
    aid = one("SELECT id FROM authors WHERE slug = 'ken-wieland'")
    s, h, b = SRV.request("POST", "/admin/authors/%d/delete" % aid)
    eq(s, 303, "signed out: a delete sends to sign in")
    s, h, b = post("author", "/admin/authors/%d/delete" % aid)
    eq(s, 403, "an author may not delete author profiles")
    s, h, b = client("editor").post("/admin/authors/%d/delete" % aid, [])
    eq(s, 403, "an editor's delete without the CSRF token: 403")
    for path in ("/admin/authors/999999/delete", "/admin/sponsors/999999/delete",
                 "/admin/pages/999999/delete", "/admin/promos/999999/delete",
                 "/admin/sections/999999/delete", "/admin/authors/x1/delete"):
        s, h, b = post("editor", path)
        eq(s, 404, "%s: 404" % path)
    eq(one("SELECT count(*) FROM authors WHERE id = ?", (aid,)), 1, "the author is still there")


def test_authors():
    s, h, b = post("editor", "/admin/authors", [("slug", "temp-writer"), ("name", "Temp Writer")],
                   page="/admin/authors")
    eq(s, 303, "an author profile is added")
    aid = one("SELECT id FROM authors WHERE slug = 'temp-writer'")
    ok(warm("/author/temp-writer"), "its page is cached")
    s, h, b = client("editor").get("/admin/authors")
    contains(b, 'formaction="/admin/authors/%d/delete"' % aid, "the list has a Delete button for it")
    s, h, b = post("editor", "/admin/authors/%d/delete" % aid, page="/admin/authors")
    eq(s, 303, "deleting it answers 303")
    eq(h.get("location"), "/admin/authors?done=deleted", "back to the list")
    s, h, b = client("editor").get(h["location"])
    contains(b, "Deleted.", "which says so")
    eq(one("SELECT count(*) FROM authors WHERE slug = 'temp-writer'"), 0, "the row is gone")
    s, h, b = SRV.get("/author/temp-writer")
    eq(s, 404, "and its cached page with it")
    ken = one("SELECT id FROM authors WHERE slug = 'ken-wieland'")
    s, h, b = post("editor", "/admin/authors/%d/delete" % ken, page="/admin/authors")
    eq(s, 409, "an author credited on stories: 409")
    contains(b, "still credited", "saying why")
    eq(one("SELECT count(*) FROM authors WHERE id = ?", (ken,)), 1, "and the profile stays")
    eq(SRV.get("/author/ken-wieland")[0], 200, "with its page")


def test_sponsors():
    used = one("SELECT sponsor_id FROM articles WHERE sponsor_id IS NOT NULL LIMIT 1")
    s, h, b = post("editor", "/admin/sponsors/%d/delete" % used, page="/admin/sponsors")
    eq(s, 409, "a sponsor of stories: 409")
    eq(one("SELECT count(*) FROM sponsors WHERE id = ?", (used,)), 1, "and it stays")
    s, h, b = post("editor", "/admin/sponsors", [("slug", "acme-optics"), ("name", "Acme Optics")],
                   page="/admin/sponsors")
    eq(s, 303, "a sponsor is added")
    sid = one("SELECT id FROM sponsors WHERE slug = 'acme-optics'")
    s, h, b = post("editor", "/admin/sponsors/%d/delete" % sid, page="/admin/sponsors")
    eq(s, 303, "an unused sponsor is deleted")
    eq(one("SELECT count(*) FROM sponsors WHERE id = ?", (sid,)), 0, "its row is gone")


def test_pages():
    pid = one("SELECT id FROM pages WHERE slug = 'about-us'")
    ok(warm("/about-us"), "a static page is cached")
    s, h, b = client("editor").get("/admin/pages/%d" % pid)
    contains(b, 'formaction="/admin/pages/%d/delete"' % pid, "its editor has a Delete button")
    s, h, b = post("editor", "/admin/pages/%d/delete" % pid, page="/admin/pages")
    eq(s, 303, "deleting it answers 303")
    eq(SRV.get("/about-us")[0], 404, "its address answers 404 at once")
    eq(one("SELECT count(*) FROM pages WHERE id = ?", (pid,)), 0, "the row is gone")


def test_promos():
    row = sql(DB, "SELECT p.id, p.text, s.id FROM promos p JOIN sections s ON s.id = p.section_id"
              " WHERE p.active = 1 ORDER BY p.id LIMIT 1")[0]
    slug = one("SELECT a.slug FROM articles a JOIN section_articles sa ON sa.article_id = a.id"
               " WHERE sa.section_id = ? AND a.status = 'published' ORDER BY a.published_at DESC"
               " LIMIT 1", (row[2],))
    path = "/article/%s" % slug
    ok(warm(path), "an article page of the promo's section is cached")
    s, h, b = SRV.get(path)
    contains(b.decode(), row[1].split("?")[0], "and shows the promo")
    s, h, b = post("editor", "/admin/promos/%d/delete" % row[0], page="/admin/promos")
    eq(s, 303, "deleting the promo answers 303")
    s, h, b = SRV.get(path)
    ok(row[1].split("?")[0] not in b.decode(), "the article page no longer shows it")


def test_sections():
    busy = one("SELECT id FROM sections WHERE slug = '5g'")
    s, h, b = post("editor", "/admin/sections/%d/delete" % busy, page="/admin/sections")
    eq(s, 409, "a section with stories: 409")
    contains(b, "still has stories", "saying why")
    eq(SRV.get("/section/5g")[0], 200, "and it stays")
    s, h, b = post("editor", "/admin/sections", [("slug", "quantum"), ("name", "Quantum"),
                                                 ("kind", "topic")], page="/admin/sections")
    eq(s, 303, "a new section is added")
    qid = one("SELECT id FROM sections WHERE slug = 'quantum'")
    ok(warm("/section/quantum"), "its page is cached")
    s, h, b = post("editor", "/admin/sections/%d/delete" % qid, page="/admin/sections")
    eq(s, 303, "an empty section is deleted")
    eq(SRV.get("/section/quantum")[0], 404, "its page answers 404 at once")


if __name__ == "__main__":
    run_tests([test_who_may_delete, test_authors, test_sponsors, test_pages, test_promos,
               test_sections], cleanup=SRV.stop)
