"""Comments in the newsroom: banning or suspending a comment's author
from the comment itself (queue and log), the reader's composer saying so
before they type and the same words on a refused post, first-time
commenters' links held for review by default, times in the site's zone,
and the moderation pages in the newsroom's layout."""
import re
import subprocess
import tempfile
import time
import urllib.parse
from datetime import datetime
from zoneinfo import ZoneInfo

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     form_token)

PW = "a long enough passphrase"
ACCOUNTS = (("fay", "member"), ("gus", "member"), ("hal", "member"), ("ivy", "member"),
            ("ed", "editor"))
ZONE = "Asia/Tokyo"     # no summer time: the expected text is fixed


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-newsroom-comments-")
    db = demo_db(d)
    for name, role in ACCOUNTS:
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role,
                        "--name", name.title(), name + "@example.com"],
                       input=PW, text=True, check=True, capture_output=True)
    sql(db, "UPDATE settings SET value = ? WHERE key = 'timezone'", (ZONE,))
    if not sql(db, "SELECT 1 FROM settings WHERE key = 'timezone'"):
        sql(db, "INSERT INTO settings (key, value) VALUES ('timezone', ?)", (ZONE,))
    return db


DB = make_db()
srv = Server(db=DB, args=["--comment_rate_user", "1000", "--comment_rate_ip", "1000"])
SLUGS = [r[0] for r in sql(DB, "SELECT slug FROM articles WHERE status = 'published'"
                           " AND type = 'news' ORDER BY published_at DESC, id DESC LIMIT 10")]
_sessions = {}


def session(name):
    if name not in _sessions:
        c = Client(srv, ip=None)
        c.sign_in(name + "@example.com", PW)
        _sessions[name] = c.cookie()
    return _sessions[name]


def page(path, who=None):
    h = {"Cookie": session(who)} if who else {}
    s, hd, b = srv.request("GET", path, h)
    return s, hd, b.decode("utf-8", "replace")


_tokens = {}


def csrf_of(who):
    """The session's CSRF token, read once while the composer shows a form."""
    if who not in _tokens:
        _tokens[who] = form_token(page("/article/%s/comment" % SLUGS[-1], who)[2])
    return _tokens[who]


def post(path, fields, who):
    h = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": session(who)}
    fields = dict(fields, csrf=csrf_of(who))
    s, hd, b = srv.request("POST", path, h, urllib.parse.urlencode(fields))
    return s, hd, b.decode("utf-8", "replace")


def comment(slug, text, who):
    s, h, b = post("/article/%s/comment" % slug, {"body": text}, who)
    return s, h.get("location", ""), b


def status_of(cid):
    return sql(DB, "SELECT status, held_reason FROM comments WHERE id = ?", (cid,))[0]


def last_comment(who):
    return sql(DB, "SELECT c.id FROM comments c JOIN users u ON u.id = c.user_id"
               " WHERE u.email = ? ORDER BY c.id DESC LIMIT 1", (who + "@example.com",))[0][0]


def local(t):
    return datetime.fromtimestamp(t, ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M") + " JST"


def test_first_time_links():
    slug = SLUGS[0]
    s, loc, _ = comment(slug, "See [my site](https://example.com/fay) for more.", "fay")
    eq(s, 303, "a first-time commenter's comment with a link is taken")
    ok(loc.endswith("?held=1"), "and held for a moderator", loc)
    st = status_of(last_comment("fay"))
    eq(st[0], "pending", "the comment is pending")
    eq(st[1], "a link from a first-time commenter", "with its reason")
    s, loc, _ = comment(slug, "A first comment without links.", "gus")
    ok(re.match(r"/comments/\d+$", loc) is not None, "a first comment without a link appears", loc)
    s, loc, _ = comment(slug, "And now [a link](https://example.com/gus).", "gus")
    ok(re.match(r"/comments/\d+$", loc) is not None,
       "a commenter with an approved comment may post a link", loc)
    s, _, b = page("/admin/comments/settings", "ed")
    contains(b, '<option value="on" selected>on</option>', "the setting is on by default")
    eq(post("/admin/comments/settings", {"form": "settings", "first_links": "sometimes"},
            "ed")[0], 422, "a bad value is 422")
    s, _, b = post("/admin/comments/settings", {"form": "settings", "first_links": "maybe"}, "ed")
    contains(b, "first-time commenter&#39;s links is on or off", "the error names the setting")
    eq(sql(DB, "SELECT count(*) FROM settings WHERE key = 'comments_first_links'")[0][0], 0,
       "and nothing was stored")
    eq(post("/admin/comments/settings", {"form": "settings", "first_links": "off"}, "ed")[0],
       303, "an editor turns it off")
    eq(sql(DB, "SELECT value FROM settings WHERE key = 'comments_first_links'")[0][0], "off",
       "stored off")
    eq(sql(DB, "SELECT value FROM settings WHERE key = 'comments_premoderation'"), [],
       "a form without the other fields leaves them alone")
    s, loc, _ = comment(slug, "Off: [a link](https://example.com/hal).", "hal")
    ok(re.match(r"/comments/\d+$", loc) is not None, "with it off a first link appears", loc)
    eq(post("/admin/comments/settings", {"form": "settings", "first_links": "on"}, "ed")[0],
       303, "and on again")


def test_ban_from_comment():
    slug = SLUGS[1]
    s, loc, _ = comment(slug, "Something rude enough to ban.", "ivy")
    cid = last_comment("ivy")
    s, _, b = page("/admin/comments?queue=approved", "ed")
    contains(b, 'href="/admin/comments/settings?comment=%d#ban"' % cid,
             "the queue links each comment to banning its author")
    s, _, b = page("/admin/comments/settings?comment=%d" % cid, "ed")
    eq(s, 200, "the ban form for the comment")
    contains(b, '<input type="hidden" name="comment" value="%d">' % cid, "names the comment")
    contains(b, "<strong>Ivy</strong>", "and its author")
    s, _, b = page("/admin/comments/settings?comment=abc", "ed")
    eq(s, 400, "a malformed comment is 400")
    contains(b, "The comment is a comment&#39;s number.", "naming the field")
    s, _, b = page("/admin/comments/settings?comment=999999", "ed")
    eq(s, 404, "an unknown comment is 404")
    contains(b, "No comment has that number.", "saying so")
    s, _, b = post("/admin/comments/settings", {"form": "ban", "comment": "999999", "days": "3"},
                   "ed")
    eq(s, 422, "banning the author of no comment is 422")
    contains(b, "No comment has that number.", "saying so")
    s, _, b = post("/admin/comments/settings", {"form": "ban", "comment": str(cid),
                                                 "days": "many"}, "ed")
    eq(s, 422, "bad days are 422")
    contains(b, "Days is a whole number", "naming the field")
    eq(sql(DB, "SELECT count(*) FROM comment_bans")[0][0], 0, "nobody was banned")
    before = int(time.time())
    eq(post("/admin/comments/settings", {"form": "ban", "comment": str(cid), "days": "3",
                                         "reason": "rudeness"}, "ed")[0], 303,
       "the editor suspends the author for three days")
    after = int(time.time())
    until = sql(DB, "SELECT b.until_at FROM comment_bans b JOIN users u ON u.id = b.user_id"
                " WHERE u.email = 'ivy@example.com'")[0][0]
    ok(before + 3 * 86400 <= until <= after + 3 * 86400, "until three days from now")
    row = sql(DB, "SELECT action, comment_id, detail FROM comment_log ORDER BY id DESC LIMIT 1")[0]
    eq((row[0], row[1]), ("suspend", cid), "the log has the suspension with the comment")
    contains(row[2], "rudeness", "and the reason")

    s, _, b = page("/article/%s/comment" % slug, "ivy")
    eq(s, 200, "the suspended reader opens the composer")
    m = re.search(r'<p class="form-error" role="alert">(Your account is suspended[^<]*)</p>', b)
    ok(m is not None, "and is told before typing")
    ok("<textarea" not in b, "without a box to type in")
    s, _, b2 = post("/article/%s/comment" % slug, {"body": "Let me in"}, "ivy")
    eq(s, 403, "a post is refused")
    contains(b2, m.group(1) if m else "(no message)", "with the same words")
    eq(sql(DB, "SELECT count(*) FROM comments WHERE body_md = 'Let me in'")[0][0], 0,
       "and nothing is stored")

    s, _, b = page("/admin/comments/log", "ed")
    contains(b, 'href="/admin/comments/settings?comment=%d#ban"' % cid,
             "the log links the comment to banning its author")
    t = sql(DB, "SELECT created_at FROM comment_log ORDER BY id DESC LIMIT 1")[0][0]
    contains(b, local(t), "the log's times are in the site's zone")
    s, _, b = page("/admin/comments/settings", "ed")
    contains(b, "until " + local(until), "the suspension's end is in the site's zone")

    eq(post("/admin/comments/settings", {"form": "ban", "comment": str(cid), "days": "0"},
            "ed")[0], 303, "a ban for good from the comment")
    s, _, b = page("/article/%s/comment" % slug, "ivy")
    contains(b, "Your account may no longer post comments.", "the banned reader is told")
    s, _, b = post("/article/%s/comment" % slug, {"body": "Still here"}, "ivy")
    eq(s, 403, "and refused")
    contains(b, "Your account may no longer post comments.", "with the same words")
    eq(post("/admin/comments/settings", {"form": "unban", "email": "ivy@example.com"}, "ed")[0],
       303, "lifted")
    s, _, b = page("/article/%s/comment" % slug, "ivy")
    contains(b, "<textarea", "the reader has the form again")


def test_newsroom_layout():
    cid = last_comment("fay")
    created = sql(DB, "SELECT created_at FROM comments WHERE id = ?", (cid,))[0][0]
    for path in ("/admin/comments", "/admin/comments/settings", "/admin/comments/log"):
        s, _, b = page(path, "ed")
        eq(s, 200, path)
        contains(b, '<header class="admin-bar">', path + " has the newsroom's bar")
        contains(b, '<a href="/admin/comments">Comments</a>', path + " with Comments in the menu")
        contains(b, "/assets/admin.css", path + " and its style sheet")
    s, _, b = page("/admin/comments", "ed")
    contains(b, local(created), "the queue's times are in the site's zone")
    s, _, b = page("/admin", "ed")
    contains(b, '<a href="/admin/comments">Comments</a>', "the dashboard's menu has Comments")
    aid = sql(DB, "SELECT id FROM articles WHERE slug = ?", (SLUGS[0],))[0][0]
    s, _, b = page("/admin/articles/%d/preview" % aid, "ed")
    eq(s, 200, "the preview")
    contains(b, '<a href="/admin/articles/%d">Back to the editor</a>' % aid,
             "the preview links back to the editor")


run_tests([test_first_time_links, test_ban_from_comment, test_newsroom_layout], srv.stop)
