"""The newsroom's Trash (both databases): a story moved there leaves its
page, the lists, the feeds, the sitemap, search and the API at once,
keeps its slug, and is listed at /admin/trash; Restore brings it back as
a draft; only an admin deletes it for good; the "trash" job deletes it
30 days after it was moved there, unless it was restored.  Writers act
only on what they may edit, with the form's CSRF token; bad ids and
repeated moves change nothing.

The story list's bulk actions (publish, unpublish, move to section,
trash): one POST, all the ticked stories or none; bad input is a 4xx
naming the field and a story the writer may not touch is a 403 naming
it, with nothing changed."""
import re
import subprocess
import tempfile
import time

from harness import BIN, Client, Server, ok, eq, contains, run_tests, demo_db, sql

DB = demo_db(tempfile.mkdtemp(prefix="masthead-trash-"))
PW = "correct horse battery staple"
# The author's byline: someone with live stories, none of the ten newest.
BYLINE = sql(DB, "SELECT au.slug FROM authors au WHERE EXISTS (SELECT 1 FROM article_authors x"
             " JOIN articles a ON a.id = x.article_id WHERE x.author_id = au.id"
             " AND a.status = 'published') AND NOT EXISTS (SELECT 1 FROM article_authors x"
             " WHERE x.author_id = au.id AND x.article_id IN (SELECT id FROM articles"
             " WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT 10))"
             " ORDER BY au.id LIMIT 1")[0][0]
for role in ("contributor", "author", "editor", "admin"):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "%s@example.com" % role]
                   + (["--author", BYLINE] if role == "author" else []),
                   input=PW, text=True, check=True, capture_output=True)
# Authors publish alone here (bulk unpublish and publish of their own).
sql(DB, "INSERT INTO settings (key, value) VALUES ('authors_publish', '1')")
SRV = Server(db=DB, args=["--real_ip_header", "X-Real-IP"])
CLIENTS = {}
DAY = 86400


def client(role):
    if role not in CLIENTS:
        c = Client(SRV, "10.7.0.%d" % (len(CLIENTS) + 1))
        s = c.sign_in("%s@example.com" % role, PW)
        assert s == 303, (role, s)
        CLIENTS[role] = c
    return CLIENTS[role]


def post(role, path, fields=()):
    return client(role).post(path, list(fields), csrf_from="/admin/trash")


def one(statement, params=()):
    rows = sql(DB, statement, params)
    return rows[0][0] if rows else None


def latest():
    """The newest live story: on the home page, the feeds and the sitemap."""
    return sql(DB, "SELECT id, slug, title FROM articles WHERE status = 'published'"
               " AND trashed_at IS NULL ORDER BY published_at DESC, id DESC LIMIT 1")[0]


def public(slug):
    """Where a reader or a robot finds the story, each True when it is there."""
    found = {}
    found["page"] = SRV.get("/article/%s" % slug)[0] == 200
    found["api"] = SRV.get("/api/v1/articles/%s" % slug)[0] == 200
    found["home"] = ("/article/%s" % slug) in SRV.html("/")[2]
    found["feed"] = ("/article/%s" % slug) in SRV.html("/feed.xml")[2]
    found["api list"] = ('"%s"' % slug) in SRV.html("/api/v1/articles")[2]
    parts = re.findall(r"<loc>[^<]*(/sitemaps/[^<]+\.xml)</loc>", SRV.html("/sitemap.xml")[2])
    found["sitemap"] = any(("/article/%s<" % slug) in SRV.html(p)[2] for p in parts)
    return found


def search_finds(title, slug):
    word = max(re.findall(r"[A-Za-z]{5,}", title), key=len)
    return ("/article/%s" % slug) in SRV.html("/search?q=%s" % word)[2]


def test_refused():
    aid, slug, title = latest()
    before = one("SELECT updated_at FROM articles WHERE id = ?", (aid,))
    s, h, b = SRV.request("POST", "/admin/articles/%d/trash" % aid)
    eq(s, 303, "signed out: moving to the Trash sends to sign in")
    s, h, b = client("editor").post("/admin/articles/%d/trash" % aid, [])
    eq(s, 403, "without the CSRF token: 403")
    s, h, b = post("contributor", "/admin/articles/%d/trash" % aid)
    eq(s, 403, "a contributor on a story not theirs: 403")
    s, h, b = post("author", "/admin/articles/%d/trash" % aid)
    eq(s, 403, "an author on a story not theirs: 403")
    for path, want in (("/admin/articles/999999/trash", 404), ("/admin/articles/x1/trash", 404),
                       ("/admin/trash/999999/restore", 404), ("/admin/trash/0/restore", 404),
                       ("/admin/trash/999999/delete", 404)):
        s, h, b = post("admin" if path.endswith("delete") else "editor", path)
        eq(s, want, "%s: %d" % (path, want))
    s, h, b = post("admin", "/admin/trash/%d/delete" % aid)
    eq(s, 404, "a story out of the Trash is not deleted for good: 404")
    s, h, b = post("editor", "/admin/trash/%d/restore" % aid)
    eq(s, 404, "nor restored: 404")
    eq(one("SELECT updated_at FROM articles WHERE id = ?", (aid,)), before, "the story is unchanged")
    eq(one("SELECT count(*) FROM articles WHERE id = ? AND trashed_at IS NULL", (aid,)), 1,
       "and out of the Trash")
    ok(all(public(slug).values()), "and everywhere on the site")


def test_trash_and_restore():
    aid, slug, title = latest()
    where = public(slug)
    ok(all(where.values()), "a live story is on its page, home, feed, sitemap and API: %s" % where)
    ok(search_finds(title, slug), "and search finds it")
    s, h, b = SRV.get("/article/%s" % slug)
    s, h, b = SRV.get("/article/%s" % slug)
    eq(h.get("x-cache"), "hit", "its page is cached")
    s, h, b = client("editor").get("/admin/articles/%d" % aid)
    contains(b, 'action="/admin/articles/%d/trash"' % aid, "its editor has a Move to Trash button")
    s, h, b = post("editor", "/admin/articles/%d/trash" % aid)
    eq(s, 303, "moving it to the Trash answers 303")
    eq(h.get("location"), "/admin/trash?done=trashed", "to the Trash")
    s, h, b = client("editor").get(h["location"])
    contains(b, "moved to the Trash", "which says so")
    contains(b, title.replace("'", "&#39;").replace('"', "&quot;")[:20], "and lists it")
    contains(b, 'action="/admin/trash/%d/restore"' % aid, "with Restore")
    ok("/delete" not in b, "an editor has no Delete for good")
    where = public(slug)
    ok(not any(where.values()), "it is gone from every public place at once: %s" % where)
    ok(not search_finds(title, slug), "and from search")
    eq(one("SELECT status FROM articles WHERE id = ?", (aid,)), "draft", "it is a draft")
    eq(one("SELECT count(*) FROM articles WHERE id = ? AND trashed_at IS NOT NULL", (aid,)), 1,
       "with trashed_at")
    eq(one("SELECT count(*) FROM jobs WHERE kind = 'trash' AND done_at IS NULL"), 1,
       "a trash job waits")
    run_at = one("SELECT run_at FROM jobs WHERE kind = 'trash' AND done_at IS NULL")
    ok(29 * DAY < run_at - time.time() <= 30 * DAY, "30 days away")
    s, h, b = client("editor").get("/admin/articles")
    ok("/admin/articles/%d\"" % aid not in b, "the story list leaves it out")
    s, h, b = post("editor", "/admin/articles/%d/trash" % aid)
    eq(s, 409, "moving it again: 409")
    s, h, b = post("editor", "/admin/articles/%d/publish" % aid)
    eq(s, 404, "publishing it from the Trash: 404")
    eq(one("SELECT status FROM articles WHERE id = ?", (aid,)), "draft", "it stays a draft")
    s, h, b = client("editor").post("/admin/articles", [
        ("title", "Another story"), ("slug", slug), ("section", "5g"),
        ("csrf", client("editor").csrf("/admin/articles/new"))])
    ok(s != 303, "its slug stays taken (a new story with it: %d)" % s)
    eq(one("SELECT count(*) FROM articles WHERE slug = ?", (slug,)), 1, "one story has the slug")
    s, h, b = client("editor").get("/admin/articles/%d" % aid)
    contains(b, 'action="/admin/trash/%d/restore"' % aid, "its editor offers Restore")
    ok('value="publish"' not in b and 'value="schedule"' not in b,
       "and no Publish or Schedule while it is in the Trash")
    s, h, b = post("editor", "/admin/trash/%d/restore" % aid)
    eq(s, 303, "restoring answers 303")
    eq(h.get("location"), "/admin/articles/%d?done=restored" % aid, "to its editor")
    eq(one("SELECT count(*) FROM articles WHERE id = ? AND trashed_at IS NULL", (aid,)), 1,
       "out of the Trash")
    eq(one("SELECT status FROM articles WHERE id = ?", (aid,)), "draft", "as a draft")
    s, h, b = client("editor").get("/admin/articles")
    contains(b, "/admin/articles/%d\"" % aid, "back in the story list")
    s, h, b = client("editor").get("/admin/articles/%d" % aid)
    contains(b, 'value="publish"', "its editor offers Publish again")
    s, h, b = post("editor", "/admin/articles/%d/publish" % aid)
    eq(s, 303, "it can be published again")
    ok(all(public(slug).values()), "and is back on the site")


def test_delete_for_good():
    aid, slug, title = latest()
    s, h, b = post("editor", "/admin/articles/%d/trash" % aid)
    eq(s, 303, "a story goes to the Trash")
    s, h, b = post("editor", "/admin/trash/%d/delete" % aid)
    eq(s, 403, "an editor may not delete it for good")
    s, h, b = client("admin").post("/admin/trash/%d/delete" % aid, [])
    eq(s, 403, "an admin without the CSRF token: 403")
    eq(one("SELECT count(*) FROM articles WHERE id = ?", (aid,)), 1, "it is still there")
    s, h, b = client("admin").get("/admin/trash")
    contains(b, 'action="/admin/trash/%d/delete"' % aid, "an admin sees Delete for good")
    s, h, b = post("admin", "/admin/trash/%d/delete" % aid)
    eq(s, 303, "an admin deletes it for good")
    eq(h.get("location"), "/admin/trash?done=deleted", "back to the Trash")
    s, h, b = client("admin").get(h["location"])
    contains(b, "deleted for good", "which says so")
    eq(one("SELECT count(*) FROM articles WHERE id = ?", (aid,)), 0, "the row is gone")
    eq(one("SELECT count(*) FROM article_revisions WHERE article_id = ?", (aid,)), 0,
       "with its revisions")
    eq(SRV.get("/article/%s" % slug)[0], 404, "its address answers 404")


def wait_for(pred, limit=10):
    t0 = time.time()
    while time.time() - t0 < limit:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def test_job_empties_the_trash():
    old, kept = sql(DB, "SELECT id FROM articles WHERE status = 'published'"
                    " AND trashed_at IS NULL ORDER BY published_at DESC, id DESC LIMIT 2")
    old, kept = old[0], kept[0]
    for aid in (old, kept):
        s, h, b = post("editor", "/admin/articles/%d/trash" % aid)
        eq(s, 303, "story %d goes to the Trash" % aid)
    s, h, b = post("editor", "/admin/trash/%d/restore" % kept)
    eq(s, 303, "one is restored")
    # Thirty-one days later: the story went there that long ago, and the
    # jobs are due.
    sql(DB, "UPDATE articles SET trashed_at = trashed_at - ? WHERE id = ?", (31 * DAY, old))
    sql(DB, "UPDATE jobs SET run_at = 0 WHERE kind = 'trash' AND done_at IS NULL")
    ok(wait_for(lambda: one("SELECT count(*) FROM jobs WHERE kind = 'trash'"
                            " AND done_at IS NULL") == 0), "the trash jobs run")
    eq(one("SELECT count(*) FROM articles WHERE id = ?", (old,)), 0,
       "the story left in the Trash is deleted for good")
    eq(one("SELECT count(*) FROM articles WHERE id = ?", (kept,)), 1, "the restored one stays")
    aid = latest()[0]
    s, h, b = post("editor", "/admin/articles/%d/trash" % aid)
    sql(DB, "UPDATE jobs SET run_at = 0 WHERE kind = 'trash' AND done_at IS NULL")
    ok(wait_for(lambda: one("SELECT count(*) FROM jobs WHERE kind = 'trash'"
                            " AND done_at IS NULL") == 0), "a job run early")
    eq(one("SELECT count(*) FROM articles WHERE id = ?", (aid,)), 1,
       "leaves a story trashed less than 30 days ago")


def bulk(role, action, ids, section=None, csrf=True):
    fields = [("action", action)] + [("id", str(i)) for i in ids]
    if section is not None:
        fields.append(("section", section))
    if csrf:
        return client(role).post("/admin/articles/bulk", fields, csrf_from="/admin/articles")
    return client(role).post("/admin/articles/bulk", fields)


def states(ids):
    return [tuple(sql(DB, "SELECT status, section_id, published_at, updated_at,"
                      " trashed_at FROM articles WHERE id = ?", (i,))[0]) for i in ids]


def newest(n, skip=0):
    return [r[0] for r in sql(DB, "SELECT id FROM articles WHERE status = 'published'"
                              " AND trashed_at IS NULL ORDER BY published_at DESC, id DESC"
                              " LIMIT ? OFFSET ?", (n, skip))]


def test_bulk_list():
    s, h, b = client("editor").get("/admin/articles")
    eq(s, 200, "the story list answers 200")
    contains(b, 'action="/admin/articles/bulk"', "it is a bulk form")
    for v in ("publish", "unpublish", "section", "trash"):
        contains(b, '<option value="%s">' % v, "with the action %s" % v)
    aid = newest(1)[0]
    contains(b, 'name="id" value="%d"' % aid, "and a checkbox per story")


def test_bulk_bad_input():
    ids = newest(3)
    before = states(ids)
    for action, these, section, want, field in (
            ("", ids, None, 422, "action"), ("bogus", ids, None, 422, "action"),
            ("trash", [], None, 422, "id"), ("trash", ["x1"], None, 422, "id"),
            ("trash", ["0"], None, 422, "id"), ("trash", ids + [999999], None, 404, "id"),
            ("trash", list(range(1, 27)), None, 422, "id"),
            ("section", ids, None, 422, "section"), ("section", ids, "no-such", 422, "section")):
        s, h, b = bulk("editor", action, these, section)
        eq(s, want, "%s %s %s: %d" % (action or "no action", these[:4], section, want))
        contains(b, field + ":", "naming %s" % field)
    s, h, b = bulk("editor", "trash", ids, csrf=False)
    eq(s, 403, "without the CSRF token: 403")
    s, h, b = SRV.request("POST", "/admin/articles/bulk")
    eq(s, 303, "signed out: to sign in")
    eq(states(ids), before, "nothing changed")


def test_bulk_rights():
    own = one("SELECT a.id FROM articles a JOIN article_authors x ON x.article_id = a.id"
              " JOIN authors au ON au.id = x.author_id WHERE au.slug = ? AND"
              " a.status = 'published' AND a.trashed_at IS NULL ORDER BY a.id LIMIT 1", (BYLINE,))
    other = newest(1)[0]
    title = one("SELECT title FROM articles WHERE id = ?", (other,))
    before = states([own, other])
    s, h, b = bulk("author", "unpublish", [own, other])
    eq(s, 403, "an author unpublishing their story and another's: 403")
    contains(b, title.replace("'", "&#39;")[:30], "naming the other story")
    s, h, b = bulk("contributor", "publish", [other])
    eq(s, 403, "a contributor may not publish")
    s, h, b = bulk("author", "trash", [other])
    eq(s, 403, "nor an author trash another's story")
    eq(states([own, other]), before, "nothing changed")
    s, h, b = bulk("author", "unpublish", [own])
    eq(s, 303, "an author unpublishes their own story")
    eq(states([own])[0][0], "draft", "which is a draft")
    s, h, b = bulk("author", "publish", [own])
    eq(s, 303, "and publishes it again")
    eq(states([own])[0][0], "published", "which is live again")
    live = states([own])[0][2]
    time.sleep(1.1)
    s, h, b = bulk("author", "publish", [own])
    eq(s, 303, "publishing a live story again")
    eq(states([own])[0][2], live, "keeps its publication date")


def test_bulk_actions():
    ids = newest(3)
    slugs = [one("SELECT slug FROM articles WHERE id = ?", (i,)) for i in ids]
    for slug in slugs:
        SRV.get("/article/%s" % slug)
    s, h, b = bulk("editor", "unpublish", ids[:2])
    eq(s, 303, "unpublishing two stories answers 303")
    eq(h.get("location"), "/admin/articles?done=unpublish&n=2", "back to the list")
    s, h, b = client("editor").get(h["location"])
    contains(b, "2 stories unpublished.", "which says how many")
    eq([st[0] for st in states(ids[:2])], ["draft", "draft"], "both are drafts")
    eq([SRV.get("/article/%s" % sl)[0] for sl in slugs[:2]], [404, 404], "off the site at once")
    s, h, b = bulk("editor", "publish", ids[:2])
    eq(s, 303, "publishing them again")
    eq([SRV.get("/article/%s" % sl)[0] for sl in slugs[:2]], [200, 200], "back on the site")
    sec = sql(DB, "SELECT id, slug FROM sections WHERE id NOT IN (SELECT section_id FROM"
              " articles WHERE id IN (?, ?)) ORDER BY id LIMIT 1", tuple(ids[:2]))[0]
    s, h, b = bulk("editor", "section", ids[:2], sec[1])
    eq(s, 303, "moving two stories to section %s" % sec[1])
    s, h, b = client("editor").get(h["location"])
    contains(b, "2 stories moved to another section.", "which says so")
    eq([st[1] for st in states(ids[:2])], [sec[0], sec[0]], "both are in it")
    contains(SRV.html("/article/%s" % slugs[0])[2], "/section/%s" % sec[1],
             "and the page shows it at once")
    eq(one("SELECT note FROM article_revisions WHERE article_id = ? ORDER BY id DESC LIMIT 1",
           (ids[0],)), "moved to another section", "a revision says so")
    s, h, b = bulk("editor", "trash", ids)
    eq(s, 303, "trashing three stories answers 303")
    s, h, b = client("editor").get(h["location"])
    contains(b, "3 stories moved to the Trash.", "which says so")
    ok(all(st[4] not in (None, "") for st in states(ids)), "all three are in the Trash")
    eq([SRV.get("/article/%s" % sl)[0] for sl in slugs], [404, 404, 404], "off the site")
    s, h, b = bulk("editor", "publish", ids[:1])
    eq(s, 409, "a bulk action on a story in the Trash: 409")
    contains(b, "in the Trash", "saying why")
    for i in ids:
        post("editor", "/admin/trash/%d/restore" % i)


if __name__ == "__main__":
    run_tests([test_refused, test_trash_and_restore, test_delete_for_good,
               test_job_empties_the_trash, test_bulk_list, test_bulk_bad_input,
               test_bulk_rights, test_bulk_actions], cleanup=SRV.stop)
