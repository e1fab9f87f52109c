"""Comments: members post, reply, edit, delete and report; three views with
pagination; the kept count on the article and on lists, with the page
cache following every change; Markdown that cannot carry script; and the
moderators' queues, settings, bans and log, in HTML and JSON, with their
role rules and the rate limits."""
import html as htmllib
import json
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     on_pg, form_token)

PW = "a long enough passphrase"
ACCOUNTS = (("alice", "member"), ("bob", "member"), ("carol", "member"), ("dave", "member"),
            ("ed", "editor"), ("ada", "admin"))


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-comments-")
    db = demo_db(d)
    tokens = {}
    for name, role in ACCOUNTS:
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role,
                        "--name", name.title(), name + "@example.com"],
                       input=PW, text=True, check=True, capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, name + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[name] = r.stdout.strip()
    return db, tokens


DB, TOK = make_db()
# Generous limits here; test_rate_limits starts its own server.
srv = Server(db=DB, args=["--comment_rate_user", "1000",
                          "--comment_rate_ip", "1000"])
SLUGS = [r[0] for r in sql(DB, "SELECT slug FROM articles WHERE status = 'published'"
                           " AND type = 'news' ORDER BY published_at DESC, id DESC LIMIT 30")]
_next_slug = [0]


def fresh_article():
    """A story no other test has commented on."""
    s = SLUGS[_next_slug[0]]
    _next_slug[0] += 1
    return s


_sessions = {}


def session(name, server=None):
    """The session cookie of name (signing in once per server)."""
    server = server or srv
    key = (name, server.port)
    if key not in _sessions:
        c = Client(server, ip=None)
        c.sign_in(name + "@example.com", PW)
        _sessions[key] = c.cookie()
    return _sessions[key]


def page(path, who=None, server=None, cookie=""):
    server = server or srv
    h = {}
    c = "; ".join(x for x in (session(who, server) if who else "", cookie) if x)
    if c:
        h["Cookie"] = c
    s, hd, b = server.request("GET", path, h)
    return s, hd, b.decode("utf-8", "replace")


def csrf_of(who, server=None):
    s, h, b = page("/article/%s/comment" % SLUGS[-1], who, server)
    return form_token(b)


def post(path, fields, who=None, server=None, csrf=True):
    server = server or srv
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    if who:
        h["Cookie"] = session(who, server)
        if csrf is True:
            fields = dict(fields, csrf=csrf_of(who, server))
    s, hd, b = server.request("POST", path, h, urllib.parse.urlencode(fields, doseq=True))
    return s, hd, b.decode("utf-8", "replace")


def comment(slug, text, who="alice", parent=None, server=None):
    """Posts; returns (status, comment id or None, location)."""
    f = {"body": text}
    if parent:
        f["parent"] = str(parent)
    s, h, b = post("/article/%s/comment" % slug, f, who, server)
    loc = h.get("location", "")
    m = re.match(r"/comments/(\d+)$", loc)
    return s, (int(m.group(1)) if m else None), loc


def count_on_article(slug):
    s, h, b = page("/article/" + slug)
    m = re.search(r'class="comment-count" href="#comments">Comment \((\d+)\)', b)
    return int(m.group(1)) if m else None


def db_count(slug):
    return sql(DB, "SELECT comment_count FROM articles WHERE slug = ?", (slug,))[0][0]


def approved_count(slug):
    return sql(DB, "SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id"
               " WHERE a.slug = ? AND c.status = 'approved'", (slug,))[0][0]


def api(method, path, who=None, body=None):
    h = {}
    if who:
        h["Authorization"] = "Bearer " + TOK[who]
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    try:
        return s, json.loads(b) if b else None
    except ValueError:
        return s, None


def settings(who="ed", **fields):
    f = {"form": "settings"}
    f.update(fields)
    return post("/admin/comments/settings", f, who)


# ---- readers ----------------------------------------------------------


def test_signed_out():
    slug = fresh_article()
    s, h, b = page("/article/%s/comment" % slug)
    eq(s, 200, "the composer answers a signed-out reader")
    contains(b, "/signin?next=/article/%s/comment" % slug, "with a sign-in link")
    ok("<textarea" not in b, "and no form")
    s, h, b = srv.request("POST", "/article/%s/comment" % slug,
                          {"Content-Type": "application/x-www-form-urlencoded"},
                          "body=hello&csrf=x")
    eq(s, 401, "a signed-out post is 401")
    eq(db_count(slug), 0, "and adds nothing")


def test_csrf():
    slug = fresh_article()
    eq(post("/article/%s/comment" % slug, {"body": "no token"}, "alice", csrf=False)[0],
       403, "a post without a CSRF token is 403")
    eq(post("/article/%s/comment" % slug, {"body": "bad token", "csrf": "x" * 43},
            "alice", csrf=False)[0], 403, "a wrong CSRF token is 403")
    eq(approved_count(slug), 0, "and neither added a comment")
    s, h, b = page("/article/%s/comment" % slug, "alice")
    ok(form_token(b) and len(form_token(b)) == 43, "the composer carries the session's token")
    eq(h.get("x-cache"), None, "and is not cached")


def test_post_and_counts():
    slug = fresh_article()
    sec = sql(DB, "SELECT s.slug FROM articles a JOIN sections s ON s.id = a.section_id"
              " WHERE a.slug = ?", (slug,))[0][0]
    page("/article/" + slug)
    page("/section/" + sec)
    page("/events")
    eq(page("/article/" + slug)[1].get("x-cache"), "hit", "the article page is cached")
    s, cid, loc = comment(slug, "First thoughts: *very* interesting.")
    eq(s, 303, "a member's comment is accepted (303)")
    ok(cid is not None, "and leads to its permalink", loc)
    s, h, b = page("/article/" + slug)
    eq(h.get("x-cache"), "miss", "the article page was dropped")
    contains(b, "First thoughts: <em>very</em> interesting.", "the comment shows, rendered")
    contains(b, 'id="c%d"' % cid, "with its anchor")
    eq(count_on_article(slug), 1, "the byline says Comment (1)")
    contains(b, "Comments (1)", "and so does the heading")
    s, h, b = page("/section/" + sec)
    contains(b, 'href="/article/%s#comments">Comment (1)' % slug, "the section list shows the new count")
    eq(page("/events")[1].get("x-cache"), "hit", "a page without the story stays cached")
    s, h, b = page("/comments/%d" % cid)
    eq(s, 200, "the permalink answers")
    contains(b, "<em>very</em>", "with the comment")
    s, j = api("GET", "/api/v1/articles/" + slug)
    eq(j["article"]["comment_count"], 1, "the API says 1 too")
    eq(db_count(slug), approved_count(slug), "the kept count equals the approved rows")


def test_reply_and_views():
    slug = fresh_article()
    s, a, _ = comment(slug, "Top comment A")
    time.sleep(1.1)
    s, b_id, _ = comment(slug, "Top comment B", "bob")
    s, h, b = page("/comments/%d/reply" % a, "bob")
    eq(s, 200, "the reply form answers")
    contains(b, 'name="parent" value="%d"' % a, "and carries the parent")
    s, r1, _ = comment(slug, "Reply to A", "bob", parent=a)
    eq(s, 303, "a reply is accepted")
    # A chain deeper than the nesting limit.
    parent, chain = r1, []
    for i in range(4):
        s, parent, _ = comment(slug, "Deeper reply %d" % i, "alice" if i % 2 else "carol", parent=parent)
        chain.append(parent)
    s, h, body = page("/article/%s?view=threaded" % slug)
    eq(s, 200, "the threaded view answers")
    ok("mh_cview=threaded" in h.get("set-cookie", ""), "and remembers the view in a cookie")
    order = [int(x) for x in re.findall(r'id="c(\d+)"', body)]
    eq(order[:2 + len(chain)], [a, r1] + chain, "threads: a top comment, then its replies in order")
    contains(body, 'class="comment depth-1" id="c%d"' % r1, "a reply is nested one level")
    contains(body, 'class="comment depth-3" id="c%d"' % chain[-1], "the deepest reply stops at the limit")
    m = re.search(r'id="c%d".*?</li>' % chain[-1], body, re.S)
    ok(m and "in reply to" in m.group(0), "and says whom it answers")
    s, h, body = page("/article/%s?view=oldest" % slug)
    order = [int(x) for x in re.findall(r'id="c(\d+)"', body)]
    eq(order[0], a, "oldest first starts with the first comment")
    s, h, body = page("/article/%s?view=newest" % slug)
    order = [int(x) for x in re.findall(r'id="c(\d+)"', body)]
    eq(order[0], chain[-1], "newest first starts with the last reply")
    m = re.search(r'id="c%d".*?</li>' % r1, body, re.S)
    ok(m and "in reply to" in m.group(0), "flat views say whom a reply answers")
    # The remembered view: no ?view=, the cookie decides.
    s, h, body = page("/article/" + slug, cookie="mh_cview=oldest")
    order = [int(x) for x in re.findall(r'id="c(\d+)"', body)]
    eq(order[0], a, "a reader who chose oldest first gets it back without the parameter")
    s, h, body = page("/article/" + slug)
    order = [int(x) for x in re.findall(r'id="c(\d+)"', body)]
    eq(order[0], chain[-1], "and the cached default is not theirs")
    eq(page("/article/%s?view=sideways" % slug)[0], 400, "an unknown view is 400")
    eq(page("/article/%s?cursor=zz" % slug)[0], 400, "a malformed cursor is 400")
    s, *_ = comment(slug, "reply to nothing", parent=99999999)
    eq(s, 404, "a reply to an unknown comment is 404")


def test_edit():
    slug = fresh_article()
    s, cid, _ = comment(slug, "Tpyo here")
    s, h, b = page("/comments/%d/edit" % cid, "alice")
    eq(s, 200, "the author may edit")
    contains(b, "Tpyo here", "the form holds the text")
    eq(page("/comments/%d/edit" % cid, "bob")[0], 403, "another member may not")
    eq(post("/comments/%d/edit" % cid, {"body": "hijack"}, "bob")[0], 403,
       "nor post an edit")
    s, h, b = post("/comments/%d/edit" % cid, {"body": "Typo fixed"}, "alice")
    eq(s, 303, "an edit is saved")
    s, h, b = page("/article/" + slug)
    contains(b, "Typo fixed", "the page shows the new text")
    contains(b, "(edited)", "marked as edited")
    ok("hijack" not in b, "and nothing of the refused edit")
    sql(DB, "UPDATE comments SET created_at = created_at - 601 WHERE id = ?", (cid,))
    eq(page("/comments/%d/edit" % cid, "alice")[0], 403, "after ten minutes it may not be edited")
    eq(post("/comments/%d/edit" % cid, {"body": "too late"}, "alice")[0], 403,
       "nor saved")


def test_delete():
    slug = fresh_article()
    s, lone, _ = comment(slug, "Delete me")
    s, parent, _ = comment(slug, "I will have a reply")
    s, reply, _ = comment(slug, "A reply", "bob", parent=parent)
    eq(count_on_article(slug), 3, "three comments")
    eq(post("/comments/%d/delete" % lone, {}, "bob")[0], 403, "another member may not delete")
    eq(post("/comments/%d/delete" % lone, {}, "alice", csrf=False)[0], 403,
       "deleting needs the CSRF token")
    eq(post("/comments/%d/delete" % lone, {}, "alice")[0], 303, "the author deletes")
    eq(post("/comments/%d/delete" % parent, {}, "alice")[0], 303, "and deletes the one with a reply")
    eq(count_on_article(slug), 1, "the count is 1")
    eq(db_count(slug), approved_count(slug), "the kept count equals the approved rows")
    s, h, b = page("/article/" + slug)
    ok('id="c%d"' % lone not in b, "a deleted comment without replies is gone")
    m = re.search(r'id="c%d".*?</li>' % parent, b, re.S)
    ok(m and "Comment deleted." in m.group(0), "one with replies leaves a placeholder")
    ok("I will have a reply" not in b, "without its text")
    contains(b, "A reply", "and the reply stays")


def test_report():
    slug = fresh_article()
    s, cid, _ = comment(slug, "Something reportable")
    s, h, b = page("/comments/%d/report" % cid, "bob")
    eq(s, 200, "the report form answers")
    eq(post("/comments/%d/report" % cid, {"reason": "spam"}, "bob", csrf=False)[0], 403,
       "a report needs the CSRF token")
    eq(post("/comments/%d/report" % cid, {"reason": "nonsense"}, "bob")[0], 422,
       "an unknown reason is 422")
    s, h, b = post("/comments/%d/report" % cid, {"reason": "spam", "detail": "ads"}, "bob")
    eq(s, 303, "a report is taken")
    eq(post("/comments/%d/report" % cid, {"reason": "spam"}, "bob")[0], 409,
       "the same reader reports once")
    s, h, b = page("/admin/comments?queue=reported", "ed")
    contains(b, 'id="c%d"' % cid, "the comment is in the reported queue")
    contains(b, "spam: ads", "with the reason")
    eq(count_on_article(slug), 1, "a reported comment stays visible")


def test_xss():
    slug = fresh_article()
    payload = ("<script>alert(1)</script> [click](javascript:alert(2)) "
               "[data](data:text/html,x) <img src=x onerror=alert(3)> "
               "[fine](https://example.com/a) ![pic](javascript:alert(4)) "
               "<a href=\"javascript:alert(5)\">raw</a> [j2](JaVaScRiPt:alert(6))")
    s, cid, _ = comment(slug, payload)
    eq(s, 303, "the comment is posted")
    for path in ("/article/" + slug, "/comments/%d" % cid, "/article/%s/comments.atom" % slug):
        s, h, b = page(path)
        ok("<script>alert" not in b.lower(), path + ": no script element")
        ok(not re.search(r'(href|src)\s*=\s*"?\s*(javascript|data):', b, re.I),
           path + ": no javascript: or data: link survives")
        ok(not re.search(r'<[^>]*onerror', b, re.I), path + ": no event handler attribute")
    s, h, b = page("/comments/%d" % cid)
    contains(b, '<a href="https://example.com/a" rel="nofollow ugc noopener">fine</a>',
             "an https link survives with rel=nofollow ugc noopener")
    contains(b, "&lt;script&gt;", "raw HTML is shown as text")
    ok(not re.search(r'href="\s*javascript', b, re.I), "no href holds javascript:")


def comments_block(b):
    i = b.find('<section class="comments"')
    return b[i:b.find("</section>\n</article>", i)]


def test_shared_page_holds_nothing_personal():
    slug = fresh_article()
    s, cid, _ = comment(slug, "Mine, and editable for ten minutes")
    page("/article/" + slug)
    s, h, anon = page("/article/" + slug)
    eq(h.get("x-cache"), "hit", "the article page with comments is cached")
    s, h, mine = page("/article/" + slug, "alice")
    eq(h.get("x-cache"), "hit", "the author of a comment gets the same cached page")
    eq(comments_block(mine), comments_block(anon), "its comments block is byte for byte the anonymous one")
    eq(mine.count('name="csrf"'), 1, "the only token on it is the account bar's")
    ok("/edit" not in comments_block(mine) and "/delete" not in comments_block(mine),
       "no edit or delete control is in the shared page")
    contains(h.get("cache-control", ""), "private", "and the reader's copy is private")
    s, h, b = page("/article/%s/comment" % slug, "alice")
    contains(b, "/comments/%d/edit" % cid, "the reader's own controls are on their form page")
    contains(b, 'action="/comments/%d/delete"' % cid, "with a delete form")
    s, h, b = page("/article/%s/comment" % slug, "bob")
    ok("/comments/%d/edit" % cid not in b, "which another reader does not get")
    # A remembered view shares the entry of its link.
    page("/article/%s?view=threaded" % slug)
    s, h, b = page("/article/" + slug, cookie="mh_cview=threaded")
    eq(h.get("x-cache"), "hit", "a remembered view is served from its link's entry")
    ok("set-cookie" not in h, "and sets no cookie")


# ---- moderation ---------------------------------------------------------


def test_roles():
    s, h, b = page("/admin/comments", "alice")
    eq(s, 403, "a member gets 403 on the queues")
    eq(post("/admin/comments", {"act": "approve:1"}, "alice")[0], 403,
       "and on a moderation action")
    eq(post("/admin/comments/settings", {"form": "settings", "premoderation": "all"}, "alice")[0],
       403, "and on the settings")
    s, h, b = page("/admin/comments")
    eq(s, 303, "a visitor is sent to sign in")
    eq(page("/admin/comments", "ed")[0], 200, "an editor sees the queues")
    eq(page("/admin/comments", "ada")[0], 200, "so does an admin")
    eq(page("/admin/comments?queue=nope", "ed")[0], 400, "an unknown queue is 400")
    eq(post("/admin/comments", {"act": "approve:1"}, "ed", csrf=False)[0], 403,
       "a moderator's action needs the CSRF token")
    eq(api("GET", "/api/v1/admin/comments")[0], 401, "the JSON queue needs a token")
    eq(api("GET", "/api/v1/admin/comments", "alice")[0], 403, "a member's token gets 403")
    eq(api("POST", "/api/v1/admin/comments/1/approve", "bob")[0], 403,
       "also on a JSON action")
    eq(api("GET", "/api/v1/admin/comments", "ed")[0], 200, "an editor's token reads the queue")


def test_premoderation_and_actions():
    slug = fresh_article()
    eq(settings(premoderation="all")[0], 303, "an editor turns on pre-moderation for everyone")
    s, held, loc = comment(slug, "Please approve me")
    eq(s, 303, "a post is taken")
    contains(loc, "held=1", "and the reader is told it waits")
    s, h, b = page(loc, "alice")
    contains(b, "once a moderator has read it", "in words")
    contains(b, "waiting for a moderator", "their own list shows it waiting")
    held = sql(DB, "SELECT max(id) FROM comments")[0][0]
    eq(count_on_article(slug), 0, "a held comment is not counted")
    ok("Please approve me" not in page("/article/" + slug)[2], "nor shown")
    s, h, b = page("/admin/comments?queue=pending", "ed")
    contains(b, 'id="c%d"' % held, "it is in the pending queue")
    contains(b, "every comment is pre-moderated", "with the reason it was held")
    page("/article/" + slug)
    eq(post("/admin/comments", {"act": "approve:%d" % held}, "ed")[0], 303, "one click approves it")
    s, h, b = page("/article/" + slug)
    eq(h.get("x-cache"), "miss", "the article page was dropped")
    contains(b, "Please approve me", "the comment shows")
    eq(count_on_article(slug), 1, "and is counted")
    eq(post("/admin/comments", {"act": "feature:%d" % held}, "ed")[0], 303, "one click features it")
    contains(page("/article/" + slug)[2], "comments-featured", "the featured block shows")
    eq(post("/admin/comments", {"act": "reject:%d" % held}, "ed")[0], 303, "one click rejects it")
    eq(count_on_article(slug), 0, "the count goes back to 0")
    ok("Please approve me" not in page("/article/" + slug)[2], "and the comment is gone")
    eq(page("/comments/%d" % held)[0], 404, "its permalink is 404")
    # Bulk.
    ids = []
    for i in range(3):
        s, _, _ = comment(slug, "Bulk %d" % i, "bob")
        ids.append(sql(DB, "SELECT max(id) FROM comments")[0][0])
    s, h, b = post("/admin/comments", {"bulk": "approve", "ids": [str(x) for x in ids],
                                       "queue": "pending"}, "ed")
    eq(s, 303, "a bulk approval is taken")
    eq(count_on_article(slug), 3, "three comments counted")
    eq(db_count(slug), approved_count(slug), "the kept count equals the approved rows")
    eq(post("/admin/comments", {"bulk": "approve"}, "ed")[0], 400, "a bulk action without ids is 400")
    eq(settings(premoderation="off")[0], 303, "pre-moderation off again")
    s, h, b = page("/admin/comments/log", "ed")
    eq(s, 200, "the log answers")
    for action in ("approve", "feature", "reject", "settings"):
        contains(b, "<td>%s</td>" % action, "the log holds " + action)


def test_new_commenters():
    slug = fresh_article()
    eq(settings(premoderation="new", first="1")[0], 303, "hold the first comment of a new commenter")
    s, _, loc = comment(slug, "My very first comment", "dave")
    contains(loc, "held=1", "dave's first comment is held")
    held = sql(DB, "SELECT max(id) FROM comments")[0][0]
    s, _, loc = comment(slug, "Alice has history")
    ok("held" not in loc, "alice, who has approved comments, is not held")
    s, j = api("POST", "/api/v1/admin/comments/%d/approve" % held, "ed")
    eq(s, 200, "the JSON approval answers 200")
    eq(j["comments"][0]["status"], "approved", "and the comment is approved")
    s, _, loc = comment(slug, "My second comment", "dave")
    ok("held" not in loc, "after one approved comment dave is not held")
    eq(settings(premoderation="off")[0], 303, "pre-moderation off again")
    eq(settings(premoderation="sometimes")[0], 422, "an unknown mode is 422")


def test_abuse_rules():
    slug = fresh_article()
    eq(settings(max_links="2", banned_words="cheapwatches, scam")[0], 303, "limits set")
    s, _, loc = comment(slug, "[a](https://a.example) [b](https://b.example) [c](https://c.example)")
    contains(loc, "held=1", "more than two links is held")
    held = sql(DB, "SELECT held_reason FROM comments ORDER BY id DESC LIMIT 1")[0][0]
    contains(held, "links", "with the reason")
    s, _, loc = comment(slug, "Buy CheapWatches today")
    contains(loc, "held=1", "a banned word is held")
    s, _, loc = comment(slug, "Scampi is not a banned word")
    ok("held" not in loc, "a word that only contains one is not")
    s, _, _ = comment(slug, "Same words twice", "bob")
    eq(s, 303, "a comment")
    s, _, _ = comment(slug, "Same words twice", "bob")
    eq(s, 409, "the same comment again is a duplicate (409)")
    eq(settings(max_links="3", banned_words="")[0], 303, "limits back")
    eq(post("/admin/comments/settings", {"form": "article", "slug": slug, "mode": "closed"}, "ed")[0],
       303, "an editor closes the story's comments")
    s, h, b = page("/article/" + slug)
    contains(b, "Comments on this story are closed.", "the page says so")
    eq(comment(slug, "Too late")[0], 403, "a post to a closed story is 403")
    eq(post("/admin/comments/settings", {"form": "article", "slug": slug, "mode": "premoderated"},
            "ed")[0], 303, "then pre-moderates them")
    s, _, loc = comment(slug, "Premoderated story")
    contains(loc, "held=1", "every comment on it is held")
    eq(post("/admin/comments/settings", {"form": "article", "slug": slug, "mode": "open"}, "ed")[0],
       303, "and opens them")


def test_bans():
    slug = fresh_article()
    eq(post("/admin/comments/settings", {"form": "ban", "email": "carol@example.com", "days": "2",
                                          "reason": "cooling off"}, "ed")[0], 303,
       "an editor suspends carol for two days")
    s, _, _ = comment(slug, "Am I suspended?", "carol")
    eq(s, 403, "a suspended reader may not post")
    s, h, b = page("/admin/comments/settings", "ed")
    contains(b, "cooling off", "the suspension is listed")
    eq(post("/admin/comments/settings", {"form": "unban", "email": "carol@example.com"}, "ed")[0],
       303, "and lifted")
    eq(comment(slug, "Back again", "carol")[0], 303, "carol posts again")
    s, j = api("POST", "/api/v1/admin/comments/bans", "ed", {"email": "carol@example.com", "days": 0})
    eq(s, 200, "a ban for good through the API")
    eq(comment(slug, "Banned?", "carol")[0], 403, "a banned reader may not post")
    eq(api("POST", "/api/v1/admin/comments/bans", "ed",
           {"email": "carol@example.com", "lift": True})[0], 200, "lifted through the API")
    eq(api("POST", "/api/v1/admin/comments/bans", "ed", {"email": "nobody@example.com"})[0], 422,
       "an unknown email is 422")
    s, j = api("GET", "/api/v1/admin/comments/log", "ed")
    ok(any(e["action"] == "ban" for e in j["entries"]), "the log has the ban")


def test_api_moderation():
    slug = fresh_article()
    ids = []
    for i in range(2):
        s, cid, _ = comment(slug, "API %d" % i, "bob")
        ids.append(cid)
    eq(count_on_article(slug), 2, "two comments")
    s, j = api("POST", "/api/v1/admin/comments/bulk", "ed", {"action": "reject", "ids": ids})
    eq(s, 200, "a JSON bulk rejection")
    eq(count_on_article(slug), 0, "the count follows")
    s, j = api("GET", "/api/v1/admin/comments?queue=rejected", "ed")
    got = [c["id"] for c in j["comments"]]
    ok(all(i in got for i in ids), "both are in the rejected queue")
    eq(api("POST", "/api/v1/admin/comments/bulk", "ed", {"action": "zap", "ids": ids})[0], 422,
       "an unknown action is 422")
    eq(api("POST", "/api/v1/admin/comments/999999/approve", "ed")[0], 404, "an unknown comment is 404")
    eq(api("POST", "/api/v1/admin/comments/%d/feature" % ids[0], "ed")[0], 409,
       "a rejected comment cannot be featured")
    s, j = api("POST", "/api/v1/admin/comments/%d/approve" % ids[0], "ed")
    eq(count_on_article(slug), 1, "approving one counts it")
    eq(db_count(slug), approved_count(slug), "the kept count equals the approved rows")


def test_feed():
    slug = fresh_article()
    comment(slug, "Feed me <b>bold</b> & [link](https://example.org)")
    s, h, b = page("/article/%s/comments.atom" % slug)
    eq(s, 200, "the comment feed answers")
    contains(h.get("content-type", ""), "application/atom+xml", "as Atom")
    contains(b, "<entry>", "with an entry")
    contains(b, "Feed me", "holding the comment")
    ok("<b>" not in b, "escaped")
    eq(page("/article/no-such-story/comments.atom")[0], 404, "an unknown story's feed is 404")


def test_pagination():
    slug = fresh_article()
    aid = sql(DB, "SELECT id FROM articles WHERE slug = ?", (slug,))[0][0]
    uid = sql(DB, "SELECT id FROM users WHERE email = 'bob@example.com'")[0][0]
    t0 = 1700000000
    for i in range(120):
        sql(DB, "INSERT INTO comments (article_id, user_id, status, body_md, body_html,"
            " created_at, updated_at) VALUES (?, ?, 'approved', ?, ?, ?, ?)",
            (aid, uid, "n%d" % i, "<p>number %d</p>" % i, t0 + i, t0 + i))
    sql(DB, "UPDATE articles SET comment_count = 120 WHERE id = ?", (aid,))
    seen, path, pages = [], "/article/%s?view=oldest" % slug, 0
    while path and pages < 10:
        s, h, b = page(path)
        seen += re.findall(r"<p>number (\d+)</p>", b)
        m = re.search(r'href="([^"]*)" rel="nofollow">More comments', b)
        path = htmllib.unescape(m.group(1)).split("#")[0] if m else None
        pages += 1
    eq(pages, 3, "120 comments are three pages of 50")
    eq([int(x) for x in seen], list(range(120)), "every comment once, in order")
    s, h, b = page("/article/%s?view=newest" % slug)
    eq(re.findall(r"<p>number (\d+)</p>", b)[0], "119", "newest first starts at the last")
    s, h, b = page("/article/%s?view=threaded" % slug)
    eq(len(re.findall(r"<p>number (\d+)</p>", b)), 20, "threaded pages hold 20 threads")


def forget_rates():
    """The counts are kept in the database, shared by every server on it:
    the comments of the other tests are forgotten before each limit."""
    sql(DB, "DELETE FROM rate_limits WHERE key LIKE 'comment:%'")


def test_rate_limits():
    forget_rates()
    other = Server(db=DB, args=["--comment_rate_user", "2", "--comment_rate_ip", "1000"])
    try:
        slug = fresh_article()
        got = [comment(slug, "rate %d" % i, "alice", server=other)[0] for i in range(3)]
        eq(got, [303, 303, 429], "the third comment within the window is 429")
        s, h, b = post("/article/%s/comment" % slug, {"body": "again"}, "alice", other)
        ok(int(h.get("retry-after", "0")) > 0, "with Retry-After")
        eq(comment(slug, "bob is fine", "bob", server=other)[0], 303, "another reader is not limited")
    finally:
        other.stop()
    forget_rates()
    other = Server(db=DB, args=["--comment_rate_user", "1000", "--comment_rate_ip", "1"])
    try:
        slug = fresh_article()
        eq(comment(slug, "ip 1", "alice", server=other)[0], 303, "one comment from this address")
        eq(comment(slug, "ip 2", "bob", server=other)[0], 429, "a second from the same address is 429")
    finally:
        other.stop()


def test_other_instance():
    if not on_pg():
        ok(True, "another instance on the same database # SKIP PostgreSQL only")
        return
    other = Server(db=DB)
    try:
        slug = fresh_article()
        other.get("/article/" + slug)
        eq(other.get("/article/" + slug)[1].get("x-cache"), "hit",
           "another instance has the story cached")
        comment(slug, "Heard on the other instance")
        t0 = time.time()
        seen = False
        while time.time() - t0 < 3 and not seen:
            seen = "Heard on the other instance" in other.html("/article/" + slug)[2]
            time.sleep(0.01)
        ok(seen, "a comment posted on one instance shows on the other (its tags go out as NOTIFY)")
        contains(other.html("/article/" + slug)[2], "Comment (1)", "with the new count")
    finally:
        other.stop()


run_tests([test_signed_out, test_csrf, test_post_and_counts, test_reply_and_views,
           test_edit, test_delete, test_report, test_xss,
           test_shared_page_holds_nothing_personal, test_roles,
           test_premoderation_and_actions, test_new_commenters, test_abuse_rules,
           test_bans, test_api_moderation, test_feed, test_pagination, test_rate_limits,
           test_other_instance],
          srv.stop)
