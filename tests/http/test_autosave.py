"""The editor's autosave: POST /admin/articles/{id}/autosave keeps the
form as the writer's autosave (one row per story and writer, replaced
each time, out of the revision list) and never changes the story's row
or its live page (byte for byte); the first autosave of a new story
makes it a draft; the editor offers a newer autosave ("Restore the
autosaved version from HH:MM" / "Discard") to its writer only; and bad
input (no token, a foreign story, a frozen one, a field too long, not
text) is refused with its status and stores nothing."""
import json
import re
import subprocess
import tempfile
import time

from harness import BIN, Server, Newsroom, ok, eq, contains, run_tests, demo_db, sql

PW = "a passphrase long enough"


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-autosave-")
    db = demo_db(d)
    slugs = [r[0] for r in sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 2")]
    for name, role, author in (("contributor", "contributor", slugs[0]),
                               ("author", "author", slugs[1]),
                               ("editor", "editor", None), ("admin", "admin", None),
                               ("member", "member", None)):
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name", name.title()]
        if author:
            args += ["--author", author]
        subprocess.run(args + [name + "@example.com"], input=PW, text=True, check=True,
                       capture_output=True)
    return db, slugs


DB, SLUGS = make_db()
srv = Server(db=DB)
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
NEWSROOM = Newsroom(srv, PW)
get, post = NEWSROOM.get, NEWSROOM.post


def sign_in(who):
    return NEWSROOM.session(who)


def answer(b):
    try:
        return json.loads(b)
    except ValueError:
        return {}


def story(who, title, then="save", **extra):
    fields = {"title": title, "section": SECTION, "type": "news",
              "body_md": "The saved body.", "then": then}
    fields.update(extra)
    s, h, b = post("/admin/articles", who, fields)
    m = re.match(r"/admin/articles/(\d+)", h.get("location", ""))
    assert m, (s, b[:300])
    return int(m.group(1))


def article(aid):
    return sql(DB, "SELECT title, body_md, length(body_html), status, published_at, updated_at, slug"
               " FROM articles WHERE id = ?", (aid,))[0]


def autosaves(aid, user=None):
    q = "SELECT count(*) FROM article_revisions WHERE article_id = ? AND autosave = 1"
    if user is None:
        return sql(DB, q, (aid,))[0][0]
    return sql(DB, q + " AND user_id = (SELECT id FROM users WHERE email = ?)",
               (aid, user + "@example.com"))[0][0]


def revisions(aid):
    return sql(DB, "SELECT count(*) FROM article_revisions WHERE article_id = ?"
               " AND autosave = 0", (aid,))[0][0]


def form(title, body):
    return {"title": title, "section": SECTION, "type": "news", "body_md": body}


def test_live_story_unchanged():
    aid = story("editor", "Autosave Live Story", then="publish")
    slug = article(aid)[6]
    s, h, before = srv.get("/article/" + slug)
    eq(s, 200, "the live story is on the site")
    row = article(aid)
    revs = revisions(aid)
    for i in range(3):
        s, h, b = post("/admin/articles/%d/autosave" % aid, "editor",
                       form("Autosaved Title %d" % i, "Typed but not saved %d." % i))
        eq(s, 200, "autosave %d answers 200" % i)
        ok(h.get("content-type", "").startswith("application/json"), "as JSON")
        j = answer(b)
        eq(j.get("id"), aid, "the answer names the story")
        ok(re.match(r"^\d\d:\d\d$", j.get("time", "")), "and the time HH:MM", j)
        ok(abs(j.get("saved_at", 0) - time.time()) < 60, "and when, in Unix seconds")
    eq(autosaves(aid), 1, "one autosave row per story and writer, replaced each time")
    eq(revisions(aid), revs, "the revision list does not grow")
    eq(article(aid), row, "the story's row is unchanged (title, body, status, times)")
    s, h, after = srv.get("/article/" + slug)
    eq(after, before, "the live page is unchanged, byte for byte")
    ok(b"Typed but not saved" not in after, "and shows nothing of the autosave")
    s, h, b = get("/admin/articles/%d/revisions" % aid, "editor")
    ok("autosave" not in b, "the revisions page does not list the autosave")
    # Another writer's autosave is a row of its own.
    s, h, b = post("/admin/articles/%d/autosave" % aid, "admin", form("Admin's Draft", "x"))
    eq(s, 200, "another editor autosaves the same story")
    eq(autosaves(aid), 2, "into a row of their own")
    eq(autosaves(aid, "editor"), 1, "the first writer's row stays")


def test_offer_restore_discard():
    aid = story("editor", "Autosave Offer Story", then="publish")
    s, h, b = get("/admin/articles/%d" % aid, "editor")
    ok("Restore the autosaved version" not in b, "no offer without an autosave")
    s, h, b = post("/admin/articles/%d/autosave" % aid, "editor",
                   form("Offered Title", "Offered body."))
    hhmm = answer(b).get("time")
    s, h, b = get("/admin/articles/%d" % aid, "editor")
    contains(b, "Restore the autosaved version from %s" % hhmm, "the writer is offered it")
    contains(b, ">Discard</button>", "with a Discard button")
    s, h, b = get("/admin/articles/%d" % aid, "admin")
    ok("Restore the autosaved version" not in b, "another writer is not offered it")
    s, h, b = get("/admin/articles/%d?autosave=restore" % aid, "editor")
    eq(s, 200, "restore opens the editor")
    contains(b, 'value="Offered Title"', "with the autosaved title in the form")
    contains(b, "Offered body.", "and the autosaved body")
    contains(b, "Unsaved changes", "marked as not saved")
    contains(b, 'data-dirty="1"', "so that leaving asks")
    eq(article(aid)[0], "Autosave Offer Story", "restoring into the form saves nothing")
    s, h, b = post("/admin/articles/%d/autosave/discard" % aid, "editor", {})
    eq(s, 303, "discard answers 303")
    eq(h.get("location"), "/admin/articles/%d?done=discarded" % aid, "back to the editor")
    eq(autosaves(aid, "editor"), 0, "the autosave is gone")
    s, h, b = get(h["location"], "editor")
    contains(b, "The autosaved version is discarded.", "with a notice")
    ok("Restore the autosaved version" not in b, "and no offer")
    # A save after an autosave hides it: the offer is of newer work only.
    post("/admin/articles/%d/autosave" % aid, "editor", form("Newer Title", "Newer."))
    s, h, b = post("/admin/articles/%d" % aid, "editor",
                   dict(form("Saved Title", "Saved."), then="update"))
    eq(s, 303, "the writer then saves the story")
    s, h, b = get("/admin/articles/%d" % aid, "editor")
    ok("Restore the autosaved version" not in b, "an autosave older than the save is not offered")


def test_new_story():
    n = sql(DB, "SELECT count(*) FROM articles")[0][0]
    s, h, b = post("/admin/autosave", "author", {"title": "", "section": "", "body_md": "x"})
    eq(s, 422, "a new story without a title or section is not autosaved")
    ok("error" in answer(b), "the answer says why", b[:200])
    eq(sql(DB, "SELECT count(*) FROM articles")[0][0], n, "and nothing is created")
    s, h, b = post("/admin/autosave", "author", form("Autosaved New Story", "Begun."))
    eq(s, 201, "the first autosave of a new story creates it")
    j = answer(b)
    ok(j.get("created") is True, "the answer says it was created")
    aid = j.get("id")
    eq(j.get("url"), "/admin/articles/%d" % aid, "and where the editor moves to")
    row = article(aid)
    eq(row[3], "draft", "as a draft")
    eq(row[4], None if not isinstance(row[4], str) else "", "not published")
    eq(row[1], "Begun.", "with what was typed")
    by = sql(DB, "SELECT au.slug FROM article_authors x JOIN authors au ON au.id = x.author_id"
             " WHERE x.article_id = ?", (aid,))
    eq([r[0] for r in by], [SLUGS[1]], "under the writer's byline")
    s, h, b = post("/admin/articles/%d/autosave" % aid, "author", form("Autosaved New Story",
                                                                         "Begun, and more."))
    eq(s, 200, "the next autosave goes to the story")
    eq(article(aid)[1], "Begun.", "as an autosave: the draft's row keeps its body")
    eq(autosaves(aid, "author"), 1, "in the writer's autosave row")


def test_refused():
    aid = story("editor", "Autosave Refusals", then="publish", authors=SLUGS[0])
    row = article(aid)
    s, h, b = post("/admin/articles/%d/autosave" % aid, "editor", form("No Token", "x"),
                   csrf=False)
    eq(s, 403, "without the CSRF token: 403")
    s, h, b = post("/admin/articles/%d/autosave" % aid, None, form("Signed Out", "x"))
    eq(s, 303, "signed out: sent to sign in (303)")
    s, h, b = post("/admin/articles/%d/autosave" % aid, "member", form("Member", "x"))
    eq(s, 403, "a member: 403")
    s, h, b = post("/admin/articles/%d/autosave" % aid, "author", form("Not Mine", "x"))
    eq(s, 403, "an author on another writer's story: 403")
    ok("error" in answer(b), "with the reason as JSON", b[:200])
    s, h, b = post("/admin/articles/%d/autosave" % aid, "contributor", form("Frozen", "x"))
    eq(s, 403, "a contributor on her published story (frozen): 403")
    s, h, b = post("/admin/articles/%d/autosave" % aid, "editor", form("T" * 301, "x"))
    eq(s, 422, "a title over 300 bytes: 422")
    s, h, b = post("/admin/articles/%d/autosave" % aid, "editor",
                   "title=%FF%FE&section=" + SECTION + "&csrf=" + sign_in("editor")[1])
    ok(s in (400, 422), "a field that is not UTF-8 text: 400 or 422", s)
    s, h, b = post("/admin/articles/99999999/autosave", "editor", form("Gone", "x"))
    eq(s, 404, "a story that does not exist: 404")
    s, h, b = post("/admin/articles/abc/autosave", "editor", form("Bad", "x"))
    eq(s, 404, "an id that is not a number: 404")
    eq(autosaves(aid), 0, "none of them stored an autosave")
    eq(article(aid), row, "nor changed the story")


if __name__ == "__main__":
    run_tests([test_live_story_unchanged, test_offer_restore_discard, test_new_story,
               test_refused], cleanup=srv.stop)
