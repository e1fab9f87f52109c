"""Every page masthead serves is valid HTML to the W3C Nu checker (vnu):
a server on the demo database is asked for every page kind — the reader's
pages, forms sent back with their errors, signed links, error pages and
the whole newsroom — as an anonymous reader, a member, a contributor, an
editor and an admin, and the answers are checked in one run of vnu.jar
(one JVM for all the pages).  Every error and every warning is reported
with its page, its role, its line and the line's text; the test needs
none of either.  The GET routes of src/router.c that answer HTML are read
from the route table, and a route no page here reaches with a 200 fails
the test, so a new page cannot go unchecked.

vnu.jar comes from the npm package vnu-jar (tests/node, installed by
"sh tools/deps.sh test"; MASTHEAD_VNU names another); without it or
without java the test fails.  MASTHEAD_HTML_KEEP=1 keeps the pages
checked, with an index of what each file is, to run vnu on by hand."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse

from harness import BIN, TOP, Client, Server, ok, eq, run_tests, demo_db, sql
from smtpsink import SmtpSink, body_of

VNU = os.environ.get("MASTHEAD_VNU") or os.path.join(
    TOP, "tests", "node", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
PW = "a passphrase long enough"
BASE = "https://news.example.com"
# The accounts whose pages differ: a reader's account bar and comment
# forms, a writer's newsroom, an editor's moderation and an admin's users.
ROLES = ("member", "contributor", "editor", "admin")

# GET routes of the table that answer something other than an HTML page
# although their kind is a page or a form, each with the reason.
NOT_HTML = {
    "/resources/:slug/download": "the paper's PDF, or a redirect to its own site",
    "/hub/:slug/go/:n": "a redirect to the hub item's page, counted as a click",
    "/shows/:slug/live": "the live blog's newest posts as JSON, for the show's script",
    "/judging/:id/file": "an awards entry's attachment, for its judges",
    "/admin/awards/entries/:id/file": "an awards entry's attachment, for editors",
    # ActivityPub's JSON documents (test_activitypub.py checks them).
    "/.well-known/webfinger": "WebFinger's JRD",
    "/.well-known/nodeinfo": "NodeInfo's links, JSON",
    "/nodeinfo/2.0": "the NodeInfo document, JSON",
    "/ap/actor": "the publication's actor, ActivityStreams JSON",
    "/ap/actor/followers": "its followers' collection, ActivityStreams JSON",
    "/ap/outbox": "its outbox, ActivityStreams JSON",
    "/ap/articles/:id": "a story as an Article, ActivityStreams JSON",
    "/ap/authors/:slug": "an author's actor, ActivityStreams JSON",
    "/ap/authors/:slug/followers": "an author's followers, ActivityStreams JSON",
    "/site.css": "a sister site's colours, a stylesheet (docs/sites.md)",
}
NOT_HTML_SUFFIXES = (".xml", ".json", ".ics", ".csv", ".atom", ".txt")

SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-html-"))
AUTHOR = sql(DB, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
subprocess.run([BIN, "user", "add", "--db", DB, "--name", "Banned", "banned@example.com"],
               input=PW, text=True, check=True, capture_output=True)
for role in ROLES:
    args = [BIN, "user", "add", "--db", DB, "--role", role, "--name", role.title()]
    if role == "contributor":
        args += ["--author", AUTHOR]
    subprocess.run(args + [role + "@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
SRV = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                          "--real_ip_header", "X-Real-IP", "--base_url", BASE,
                          "--comment_rate_user", "1000", "--comment_rate_ip", "1000"])

# Everything fetched: (role, method, path, status, content type, body).
PAGES = []
_ip = [0]


def client(who=None):
    """A browser from its own address, signed in as who when given."""
    _ip[0] += 1
    c = Client(SRV, "198.51.100.%d" % _ip[0])
    if who:
        s = c.sign_in(who + "@example.com", PW)
        if not ok(s == 303 and "mh_session" in c.cookies, "%s signs in" % who, s):
            raise RuntimeError("cannot sign in as " + who)
    return c


def keep(role, method, path, answer):
    s, h, b = answer
    PAGES.append((role, method, path, s, h.get("content-type", ""), b))
    return answer


def fetch(c, role, path, redirects=True):
    """GETs a page; the page a redirect leads to is kept too."""
    answer = keep(role, "GET", path, c.get(path))
    if redirects:
        follow(c, role, answer)
    return answer


def send(c, role, path, fields, csrf_from=None):
    """Posts a form; the page a 303 leads to (with its notice) is kept too."""
    answer = keep(role, "POST", path, c.post(path, fields, csrf_from=csrf_from))
    follow(c, role, answer)
    return answer


def follow(c, role, answer):
    """Fetches where a redirect leads on this site, one step only."""
    s, h, b = answer
    where = h.get("location", "")
    if s in (301, 302, 303, 307, 308) and where.startswith("/"):
        fetch(c, role, where, redirects=False)


def upload(c, role, path, fields, csv):
    """Posts a multipart form with a CSV file, as the import form does."""
    mark = "MastheadFormBoundary"
    body = b""
    for k, v in fields:
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                 % (mark, k, v)).encode()
    body += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\""
             "\r\nContent-Type: text/csv\r\n\r\n" % mark).encode() + csv.encode() + b"\r\n"
    body += ("--%s--\r\n" % mark).encode()
    s, h, b = SRV.request("POST", path, c._headers({
        "Content-Type": "multipart/form-data; boundary=" + mark}), body)
    answer = keep(role, "POST", path, (s, h, b.decode("utf-8", "replace")))
    follow(c, role, answer)
    return answer


def one(query, params=()):
    return sql(DB, query, params)[0][0]


def mail(addr, pattern, timeout=15):
    """The first path matching pattern in a message to addr."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        for m in SINK.to(addr):
            found = re.search(re.escape(BASE) + "(" + pattern + ")", body_of(m))
            if found:
                return found.group(1)
        time.sleep(0.05)
    raise RuntimeError("no %s in the mail to %s" % (pattern, addr))


def story(kind, nth=0):
    """The slug of the nth newest published story of a type."""
    return one("SELECT slug FROM articles WHERE status = 'published' AND type = ?"
               " ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET ?", (kind, nth))


# Four news stories: one without comments, one with a thread (replies,
# a deleted and a featured comment, a reported one), one pre-moderated
# with a comment waiting, and one whose comments are closed.
NEWS, NEWS_WITH_COMMENTS, PREMODERATED, CLOSED = (story("news", i) for i in range(4))
# Readers' pages: one path stands for its whole family (one section page
# for every section), with the states that change the markup.
PUBLIC = [
    "/", "/sections", "/section/5g", "/section/cable-tech", "/section/docsis", "/section/asia",
    "/sites/connecting-africa/", "/sites/lr-asia/search?q=towers",
    "/article/" + NEWS,
    "/article/" + NEWS_WITH_COMMENTS, "/article/" + PREMODERATED, "/article/" + CLOSED,
    "/article/%s?comments=oldest" % NEWS_WITH_COMMENTS,
    "/article/%s?comments=threaded" % NEWS_WITH_COMMENTS,
    "/article/" + story("partner-perspective"), "/article/" + story("guest-perspective"),
    "/article/" + story("feature"), "/article/" + story("podcast"),
    "/article/" + story("video"), "/article/" + story("interview"),
    "/article/" + story("opinion"), "/article/" + story("news-analysis"),
    "/author/" + AUTHOR, "/tag/5g", "/type/news", "/type/partner-perspective",
    "/type/guest-perspective", "/search", "/search?q=5g", "/search?q=zzzqqqxxyy",
    "/search?q=open+ran&section=5g&type=news&sort=date&from=2020-01-01&to=2030-01-01",
    "/search?q=%225g+core%22+-cloud&page=2", "/search?q=%225g+core%22+-cloud&page=50",
    "/search?q=5g&section=5g&type=news&author=Nobody+Atall&from=2022-01-02&to=2022-01-01&sort=date",
    "/search?q=5g&from=2021-02-30",
    "/events", "/events/archive", "/events/big-5g-event",
    "/events/sd-wan-digital-symposium-2021", "/events/big-5g-event/register",
    "/webinars", "/webinars/archive", "/webinars/standalone-5g-first-year-lessons",
    "/webinars?topic=5g", "/webinars/archive?series=live-learning", "/webinars?topic=no-such-topic",
    "/webinars/odim-simplifying-distributed-infrastructure-management-5g",
    "/webinars/standalone-5g-first-year-lessons/register",
    "/webinars/odim-simplifying-distributed-infrastructure-management-5g/register",
    "/resources", "/resources/fiber-monitoring-field-guide",
    "/resources/as-a-service-networking-buyers-guide",
    "/resources/fiber-monitoring-field-guide/access",
    "/hub/future-vision", "/hub/internet-for-the-future", "/shows/mobile-world-congress",
    "/shows/big-5g-event",
    "/awards", "/awards/2026", "/awards/2025/shortlist", "/awards/2025/winners",
    "/awards/2026/enter",
    "/about-us", "/advertise-with-us",
    "/podcasts", "/podcasts/light-reading-podcast", "/podcasts/executive-spotlight-qa",
    "/video", "/video/series/telecom-innovators-showcase",
    "/article/showcase-private-5g-robot-lab", "/article/podcast-open-ran-year-of-proof",
    "/signin", "/register", "/reset", "/account", "/newsletter", "/your-data",
    # Error pages.
    "/no/such/page", "/article/no-such-story", "/admin", "/search?q=" + "x" * 2000,
    "/section/5g?before=not-a-cursor",
]
ADMIN = [
    "/admin", "/admin/articles", "/admin/articles?status=draft", "/admin/articles/new",
    "/admin/comments", "/admin/comments?queue=reported", "/admin/comments?queue=approved",
    "/admin/comments?queue=rejected", "/admin/comments/settings", "/admin/comments/log",
    "/admin/menus", "/admin/menus?site=lr-asia", "/admin/authors", "/admin/sponsors", "/admin/pages", "/admin/pages/new",
    "/admin/sections", "/admin/promos", "/admin/front", "/admin/users", "/admin/settings",
    "/admin/subscribers",
    "/admin/subscribers?q=example", "/admin/subscribers?q=nobody-at-all", "/admin/tokens",
    "/admin/webhooks",
    "/admin/fediverse",
    "/admin/events", "/admin/events/new",
    "/admin/webinars", "/admin/webinars/new", "/admin/resources", "/admin/resources/new",
    "/admin/media", "/admin/newsletters", "/admin/newsletters/daily", "/admin/redirects",
    "/admin/sites",
    "/admin/export", "/admin/import", "/admin/trash", "/admin/trash?done=trashed",
    "/admin/shows",
    "/admin/articles?done=trash&n=3",
    "/admin/hubs", "/admin/hubs/1", "/admin/hubs/3", "/admin/hubs/3?q=5g",
    "/admin/hubs/1/preview", "/admin/hubs/3/preview",
    "/admin/analytics", "/admin/analytics?range=30",
    "/admin/analytics/article/showcase-private-5g-robot-lab",
    "/admin/analytics/sponsors",
]
FIXTURES = {}


def make_fixtures():
    """The comments, registrations, leads, subscribers, issues and signed
    links whose pages the demo does not have yet."""
    m = client("member")
    # A first-time commenter's link waits for a moderator: one plain
    # comment first, so that the one with a link appears at once.
    send(m, "member", "/article/%s/comment" % NEWS_WITH_COMMENTS,
         [("body", "Hello, a plain comment.")], csrf_from="/article/" + NEWS_WITH_COMMENTS)
    s, h, b = send(m, "member", "/article/%s/comment" % NEWS_WITH_COMMENTS,
                   [("body", "A comment, with a [link](https://example.com/)"
                             " and *emphasis*.")], csrf_from="/article/" + NEWS_WITH_COMMENTS)
    cid = re.match(r"/comments/(\d+)$", h.get("location", ""))
    if not ok(cid, "a member comments", (s, h.get("location"))):
        raise RuntimeError("no comment")
    cid = cid.group(1)
    send(m, "member", "/article/%s/comment" % NEWS_WITH_COMMENTS,
         [("body", "A reply."), ("parent", cid)], csrf_from="/comments/%s/reply" % cid)
    # A comment form sent back with its error.
    send(m, "member", "/article/%s/comment" % NEWS_WITH_COMMENTS, [("body", "")],
         csrf_from="/article/%s/comment" % NEWS_WITH_COMMENTS)
    FIXTURES["comment"] = cid
    s, h, b = send(m, "member", "/article/%s/comment" % NEWS_WITH_COMMENTS,
                   [("body", "A comment to delete.")],
                   csrf_from="/article/" + NEWS_WITH_COMMENTS)
    gone = h.get("location", "").rsplit("/", 1)[-1]
    send(m, "member", "/comments/%s/delete" % gone, [], csrf_from="/comments/%s/edit" % gone)

    # The moderators' queues with something in each: a reported comment,
    # a held one on a pre-moderated story, a featured one, a ban.
    e = client("editor")
    s, h, b = send(e, "editor", "/article/%s/comment" % NEWS_WITH_COMMENTS,
                   [("body", "An editor's note.")], csrf_from="/article/" + NEWS_WITH_COMMENTS)
    note = h.get("location", "").rsplit("/", 1)[-1]
    reason = re.search(r'name="reason" value="([^"]+)"', m.get("/comments/%s/report" % note)[2])
    send(m, "member", "/comments/%s/report" % note,
         [("reason", reason.group(1) if reason else ""), ("detail", "Off topic.")],
         csrf_from="/comments/%s/report" % note)
    settings = "/admin/comments/settings"
    send(e, "editor", settings, [("form", "article"), ("slug", PREMODERATED),
                                 ("mode", "premoderated")], csrf_from=settings)
    send(e, "editor", settings, [("form", "article"), ("slug", CLOSED), ("mode", "closed")],
         csrf_from=settings)
    send(e, "editor", settings, [("form", "ban"), ("email", "banned@example.com"),
                                 ("days", "7"), ("reason", "Spam")], csrf_from=settings)
    send(e, "editor", settings, [("form", "ban"), ("email", "not an address")],
         csrf_from=settings)
    send(m, "member", "/article/%s/comment" % PREMODERATED,
         [("body", "A comment that waits for a moderator.")],
         csrf_from="/article/%s/comment" % PREMODERATED)
    send(e, "editor", "/admin/comments", [("queue", "approved"), ("act", "feature:" + cid)],
         csrf_from="/admin/comments")

    r = client()
    send(r, "anonymous", "/events/big-5g-event/register", person("event@example.org"),
         csrf_from="/events/big-5g-event/register")
    FIXTURES["registration"] = mail("event@example.org", r"/registrations/[^\s\"<>]+")
    web = "odim-simplifying-distributed-infrastructure-management-5g"
    send(r, "anonymous", "/webinars/%s/register" % web,
         person("viewer@example.org", extra=[("q1", "Operations")]),
         csrf_from="/webinars/%s/register" % web)
    FIXTURES["watch"] = mail("viewer@example.org", r"/webinars/%s/watch/[^\s\"<>]+" % web)
    live = "standalone-5g-first-year-lessons"
    send(r, "anonymous", "/webinars/%s/register" % live,
         person("live@example.org", extra=[("q2", "yes")]),
         csrf_from="/webinars/%s/register" % live)
    # A webinar still to come: its join link (not open yet) and the
    # registration page that shows it.
    FIXTURES["join"] = mail("live@example.org", r"/webinars/%s/join/[^\s\"<>]+" % live)
    FIXTURES["live-registration"] = mail("live@example.org", r"/registrations/[^\s\"<>]+")
    # The full forms the cached pages' short forms open by POST.
    send(r, "anonymous", "/events/big-5g-event/register/start",
         [("name", "Ann Reader"), ("email", "ann@example.org")])
    send(r, "anonymous", "/webinars/%s/register/start" % web,
         [("name", "Ann Reader"), ("email", "ann@example.org")])
    send(r, "anonymous", "/resources/fiber-monitoring-field-guide/access/start",
         person("ann@example.org"))
    # Registration forms sent back with their errors.
    send(r, "anonymous", "/events/big-5g-event/register", [("email", "nope")],
         csrf_from="/events/big-5g-event/register")

    paper = "fiber-monitoring-field-guide"
    s, h, b = send(r, "anonymous", "/resources/%s/access" % paper,
                   person("lead@example.org"), csrf_from="/resources/%s/access" % paper)
    dl = re.search(r'href="[^"]*(/resources/[^"/]+/download\?[^"]+)"', b)
    FIXTURES["download"] = dl.group(1).replace("&amp;", "&") if dl else None
    send(r, "anonymous", "/resources/%s/access" % paper, [("email", "lead@example.org")],
         csrf_from="/resources/%s/access" % paper)

    n = client()
    send(n, "anonymous", "/newsletter", [("email", "reader@example.org"), ("consent", "yes"),
                                         ("n", "daily"), ("n", "5g-weekly")],
         csrf_from="/newsletter")
    send(n, "anonymous", "/newsletter", [("email", "bad"), ("n", "daily")],
         csrf_from="/newsletter")
    confirm = mail("reader@example.org", r"/newsletter/confirm/[^\s\"<>]+")
    FIXTURES["confirm"] = confirm
    fetch(n, "anonymous", confirm)
    n.post(confirm, [], csrf_from=confirm)
    FIXTURES["preferences"] = mail("reader@example.org", r"/newsletter/preferences/[^\s\"<>]+")
    FIXTURES["unsubscribe"] = mail("reader@example.org",
                                   r"/newsletter/unsubscribe/[^\s\"<>/]+/[^\s\"<>]+")

    send(n, "anonymous", "/your-data", [("email", "reader@example.org")],
         csrf_from="/your-data")
    FIXTURES["your-data"] = mail("reader@example.org", r"/your-data/[^\s\"<>/]+")

    a = client()
    send(a, "anonymous", "/register", [("email", "newcomer@example.org"), ("name", "New Comer"),
                                       ("password", "a long enough password")],
         csrf_from="/register")
    send(a, "anonymous", "/register", [("email", "x"), ("name", ""), ("password", "short")],
         csrf_from="/register")
    FIXTURES["verify"] = mail("newcomer@example.org", r"/verify/[A-Za-z0-9_-]+")
    send(a, "anonymous", "/reset", [("email", "banned@example.com")], csrf_from="/reset")
    FIXTURES["reset"] = mail("banned@example.com", r"/reset/[A-Za-z0-9_-]+")
    # An invitation (the users page lists it pending), and the form sent
    # back with its error.
    adm = client("admin")
    invite = [("email", "invitee@example.org"), ("name", "In Vitee"), ("role", "author"),
              ("author", ""), ("author_slug", "")]
    send(adm, "admin", "/admin/users/invite", invite, csrf_from="/admin/users")
    send(adm, "admin", "/admin/users/invite", [("email", "bad")] + invite[1:],
         csrf_from="/admin/users")
    FIXTURES["invite"] = mail("invitee@example.org", r"/invite/[A-Za-z0-9_-]+")
    send(a, "anonymous", "/signin", [("email", "member@example.com"), ("password", "wrong")],
         csrf_from="/signin")

    aid = one("SELECT a.id FROM articles a JOIN article_authors aa ON aa.article_id = a.id"
              " JOIN authors au ON au.id = aa.author_id WHERE au.slug = ?"
              " ORDER BY a.id LIMIT 1", (AUTHOR,))
    send(e, "editor", "/admin/articles/%d" % aid, [("title", "A headline edited once"),
                                                    ("then", "update")],
         csrf_from="/admin/articles/%d" % aid)
    send(e, "editor", "/admin/articles/%d" % aid, [("title", "Saved as a draft?"),
                                                    ("then", "save")],
         csrf_from="/admin/articles/%d" % aid)
    send(e, "editor", "/admin/articles/%d" % aid, [("slug", "Not A Slug")],
         csrf_from="/admin/articles/%d" % aid)
    FIXTURES["article"] = aid
    # A story in the Trash, listed there; a bulk action refused.
    send(e, "editor", "/admin/articles/%d/trash" % one("SELECT max(id) FROM articles"), [],
         csrf_from="/admin/trash")
    send(e, "editor", "/admin/articles/bulk", [("action", "bogus"), ("id", str(aid))],
         csrf_from="/admin/articles")
    # A webinar in the Trash: its editor offers Restore; the list filtered.
    FIXTURES["trashed"] = one("SELECT id FROM webinars"
                              " WHERE slug = 'pivoting-to-addressable-ads-pay-tv'")
    send(e, "editor", "/admin/webinars/%d/trash" % FIXTURES["trashed"], [],
         csrf_from="/admin/trash")
    FIXTURES["revision"] = one("SELECT max(id) FROM article_revisions WHERE article_id = ?",
                               (aid,))
    # A story in the review queue, a decision refused (the queue with its
    # error), and an autosave of the story its editor is offered.
    send(e, "editor", "/admin/articles", [("title", "Waiting for review"), ("section", "5g"),
                                          ("then", "submit")], csrf_from="/admin/articles/new")
    send(e, "editor", "/admin/articles/%d/review" % one("SELECT max(id) FROM articles"),
         [("action", "changes"), ("note", "")], csrf_from="/admin/review")
    e.post("/admin/articles/%d/autosave" % aid, [("title", "Autosaved, not saved"),
                                                 ("section", "5g")],
           csrf_from="/admin/articles/%d" % aid)
    s, h, b = send(e, "editor", "/admin/newsletters/daily/issues", [],
                   csrf_from="/admin/newsletters/daily")
    FIXTURES["issue"] = one("SELECT max(id) FROM newsletter_issues")
    # An issue going out (the page refreshes itself) and one sent.
    for status in ("sending", "sent"):
        send(e, "editor", "/admin/newsletters/daily/issues", [],
             csrf_from="/admin/newsletters/daily")
        FIXTURES[status] = one("SELECT max(id) FROM newsletter_issues")
        sql(DB, "UPDATE newsletter_issues SET status = ? WHERE id = ?",
            (status, FIXTURES[status]))
    sql(DB, "UPDATE newsletter_issues SET sent_at = ? WHERE id = ?",
        (int(time.time()), FIXTURES["sent"]))
    upload(e, "editor", "/admin/subscribers/import",
           [("csrf", e.csrf("/admin/subscribers")), ("mode", "optin"),
            ("consent", "Signed up at our stand"), ("n", "daily")],
           "email,name\nada@example.org,Ada\nnot-an-address,Bad\n")
    upload(e, "editor", "/admin/subscribers/import",
           [("csrf", e.csrf("/admin/subscribers")), ("mode", "optin"),
            ("consent", "Signed up at our stand"), ("n", "daily")],
           "email,name\nada@example.org,Ada\nreader@example.org,Reader\n")
    # An awards entry (the link of its letter), the form sent back with
    # its errors, and the member made a judge of this year's categories.
    cat = one("SELECT min(c.id) FROM award_categories c JOIN award_programmes p"
              " ON p.id = c.programme_id WHERE p.year = 2026")
    w = client()
    entry = [("csrf", w.csrf("/awards/2026/enter")), ("category", str(cat)),
             ("title", "Fibre along the river"), ("name", "Ada Entrant"),
             ("email", "entrant@example.org"), ("company", "Example Networks"),
             ("job_title", "Planner"), ("summary", "We built it."),
             ("impact", "Everyone on the river is online."), ("consent", "yes")]
    upload(w, "anonymous", "/awards/2026/enter", entry, "")
    upload(w, "anonymous", "/awards/2026/enter", entry, "not,a,pdf\n")
    upload(w, "anonymous", "/awards/2026/enter", [f for f in entry if f[0] != "name"], "")
    FIXTURES["award-entry"] = mail("entrant@example.org", r"/awards/entries/[A-Za-z0-9_-]+")
    sql(DB, "INSERT INTO award_judges (category_id, user_id) SELECT c.id, u.id"
        " FROM award_categories c, users u WHERE c.id = ? AND u.email = ?",
        (cat, "member@example.com"))


def person(email, extra=()):
    return [("name", "Ada Reader"), ("email", email), ("company", "Example Networks"),
            ("job_title", "Planner"), ("consent", "yes")] + list(extra)


def signed_links():
    f = FIXTURES
    one_list = re.sub(r"/unsubscribe/[^/]+/", "/unsubscribe/daily/", f["unsubscribe"])
    return [f["registration"], f["watch"], f["join"], f["live-registration"], f["confirm"], f["preferences"], f["unsubscribe"],
            one_list,
            f["your-data"], f["verify"], f["reset"], f["invite"], "/comments/" + f["comment"],
            f["award-entry"]]


def admin_pages():
    f = FIXTURES
    event = one("SELECT id FROM events WHERE slug = 'big-5g-event'")
    webinar = one("SELECT id FROM webinars WHERE slug = ?",
                  ("odim-simplifying-distributed-infrastructure-management-5g",))
    resource = one("SELECT id FROM resources WHERE slug = 'fiber-monitoring-field-guide'")
    page = one("SELECT min(id) FROM pages")
    # Three runs of /admin/import: one that reported, one that failed,
    # one waiting for the importer.
    report = json.dumps({"added": {"post": 2, "section": 1},
                         "kept": {"post": 0, "section": 0}, "items": 3,
                         "skipped": 1, "media_missing": 1, "bytes": 900,
                         "seconds": 0.5, "dry_run": False, "notes_dropped": 0,
                         "notes": [{"item": "post 7", "message":
                                    "media file missing, link kept: a.png"}]})
    if not sql(DB, "SELECT id FROM imports"):
        for status, rep, err, busy in (("done", report, "", "NULL"),
                                       ("failed", "", "line 3: not well-formed",
                                        "NULL"),
                                       ("queued", "", "", "1")):
            sql(DB, "INSERT INTO imports (filename, path, size, options,"
                " status, busy, created_at, report, error) VALUES"
                " ('old-site.xml', '/nonexistent', 900, '{\"dry_run\":false}',"
                " ?, " + busy + ", 1700000000, NULLIF(?, ''), NULLIF(?, ''))",
                (status, rep, err))
    runs = [r[0] for r in sql(DB, "SELECT id FROM imports ORDER BY id")]
    awards = one("SELECT id FROM award_programmes WHERE year = 2026")
    return ADMIN + ["/admin/import/%d" % i for i in runs] + [
        "/admin/awards", "/admin/awards/%d" % awards,
        "/admin/awards/%d/entries" % awards,
        "/admin/articles/%d" % f["article"], "/admin/articles/%d/preview" % f["article"],
        "/admin/articles/%d/revisions" % f["article"],
        "/admin/articles/%d?autosave=restore" % f["article"], "/admin/review",
        "/admin/review?done=publish",
        "/admin/articles/%d/revisions/%d" % (f["article"], f["revision"]),
        "/admin/pages/%d" % page, "/admin/events/%d" % event,
        "/admin/events/%d/registrations" % event, "/admin/webinars/%d" % webinar,
        "/admin/webinars/%d/registrations" % webinar, "/admin/resources/%d" % resource,
        "/admin/resources/%d/leads" % resource, "/admin/webinars/%d" % f["trashed"],
        "/admin/trash?kind=webinar", "/admin/trash?done=bulk&restored=2",
        "/admin/newsletters/daily/issues/%d" % f["issue"],
        "/admin/newsletters/daily/issues/%d/preview" % f["issue"],
        "/admin/newsletters/daily/issues/%d" % f["sending"],
        "/admin/newsletters/daily/issues/%d" % f["sent"],
    ]


def setup_pages():
    """The first-run setup page: only a site without an admin has it, so
    a server of its own on a fresh demo prints the link."""
    srv = Server(db=demo_db(tempfile.mkdtemp(prefix="masthead-html-setup-")),
                 args=["--base_url", BASE])
    try:
        time.sleep(0.2)
        m = re.search(r"^Open \S+?(/setup/[A-Za-z0-9_-]{43}) to create", srv.output(), re.M)
        if not ok(m, "a server without an admin prints the setup link", srv.output()[-300:]):
            return
        c = Client(srv, "198.51.100.250")
        fetch(c, "anonymous", m.group(1))
        send(c, "anonymous", m.group(1), [("name", ""), ("email", "bad"), ("password", "x"),
                                          ("password2", "y"), ("site_name", "")],
             csrf_from=m.group(1))
    finally:
        srv.stop()


def test_fetch_every_page():
    make_fixtures()
    setup_pages()
    anon = client()
    for path in PUBLIC + signed_links():
        fetch(anon, "anonymous", path)
    bad = "/resources/fiber-monitoring-field-guide/download?e=1&s=forged"
    fetch(anon, "anonymous", bad)
    if FIXTURES["download"]:
        s, h, b = anon.get(FIXTURES["download"])
        eq((s, h.get("content-type")), (200, "application/pdf"),
           "the download link answers the PDF, not a page")
    cid = FIXTURES["comment"]
    for who in ROLES:
        c = client(who)
        for path in PUBLIC + signed_links() + admin_pages() + [
                "/article/%s/comment" % NEWS_WITH_COMMENTS, "/comments/%s/reply" % cid,
                "/comments/%s/edit" % cid, "/comments/%s/report" % cid, "/judging"]:
            fetch(c, who, path)
    make_changes()
    server_error()
    htmls = [p for p in PAGES if p[4].startswith("text/html")]
    ok(len(htmls) > 300, "%d HTML answers were collected" % len(htmls))


def make_changes():
    """The pages after a reader or an editor acted: a cancelled
    registration, saved preferences, an unsubscription, an erased
    record, a new password, a confirmed address, a profile, and every
    newsroom form sent back with its error."""
    f = FIXTURES
    r = client()
    send(r, "anonymous", f["registration"] + "/cancel", [], csrf_from=f["registration"])
    send(r, "anonymous", f["award-entry"] + "/withdraw", [], csrf_from=f["award-entry"])
    fetch(r, "anonymous", f["registration"])
    fetch(r, "anonymous", f["watch"])
    send(r, "anonymous", f["preferences"], [("n", "daily"), ("action", "save")],
         csrf_from=f["preferences"])
    one_list = re.sub(r"/unsubscribe/[^/]+/", "/unsubscribe/daily/", f["unsubscribe"])
    send(r, "anonymous", one_list, [], csrf_from=one_list)
    send(r, "anonymous", f["unsubscribe"], [], csrf_from=f["unsubscribe"])
    page = r.get(f["your-data"])[2]
    what = re.search(r'name="what" value="([^"]+)"><input type="hidden" name="id" '
                     r'value="([^"]+)"', page)
    if ok(what, "the your-data page offers to erase a record"):
        send(r, "anonymous", f["your-data"], [("what", what.group(1)), ("id", what.group(2))],
             csrf_from=f["your-data"])
    send(r, "anonymous", f["verify"], [], csrf_from=f["verify"])
    send(r, "anonymous", f["invite"], [("password", "short"), ("password2", "short")],
         csrf_from=f["invite"])
    send(r, "anonymous", f["reset"], [("password", "short"), ("password2", "short")],
         csrf_from=f["reset"])
    send(r, "anonymous", f["reset"], [("password", "another long enough password"),
                                      ("password2", "another long enough password")],
         csrf_from=f["reset"])
    fetch(r, "anonymous", "/search?q=5g&from=not-a-date")
    m = client("member")
    send(m, "member", "/account/profile", [("company", "Example Networks"),
                                           ("job_title", "Planner")], csrf_from="/account")
    fetch(m, "member", "/resources/fiber-monitoring-field-guide/access")
    a = client("admin")
    for path, form in (("/admin/sections", "/admin/sections"), ("/admin/pages", "/admin/pages/new"),
                       ("/admin/menus", "/admin/menus"), ("/admin/authors", "/admin/authors"),
                       ("/admin/sponsors", "/admin/sponsors"), ("/admin/promos", "/admin/promos"),
                       ("/admin/events", "/admin/events/new"),
                       ("/admin/webinars", "/admin/webinars/new"),
                       ("/admin/resources", "/admin/resources/new"),
                       ("/admin/newsletters", "/admin/newsletters"),
                       ("/admin/tokens", "/admin/tokens"), ("/admin/users/role", "/admin/users"),
                       ("/admin/articles", "/admin/articles/new")):
        send(a, "admin", path, [("name", "")], csrf_from=form)
    send(a, "admin", "/admin/tokens", [("name", "CMS import")], csrf_from="/admin/tokens")
    send(a, "admin", "/admin/webhooks", [("url", "ftp://example.com/x"),
                                         ("events", "story.published")],
         csrf_from="/admin/webhooks")
    send(a, "admin", "/admin/front", [("lead", "x")], csrf_from="/admin/front")


def server_error():
    """The 500 page: a theme whose sidebar cannot be rendered."""
    d = tempfile.mkdtemp(prefix="masthead-html-theme-")
    os.makedirs(os.path.join(d, "templates", "partials"))
    with open(os.path.join(d, "templates", "partials", "sidebar.mustache"), "w") as f:
        f.write("{{> partials/sidebar}}")
    broken = Server(["--theme_dir", d])
    try:
        s, h, b = broken.html("/article/" + NEWS)
        eq(s, 500, "a page that cannot be rendered is the 500 page")
        PAGES.append(("anonymous", "GET", "/article/%s (500)" % NEWS, s,
                      h.get("content-type", ""), b))
    finally:
        eq(broken.stop(), 0, "the server with the broken theme stopped cleanly")
        shutil.rmtree(d, ignore_errors=True)


def html_routes():
    """The GET patterns of the route table whose answers are HTML pages."""
    with open(os.path.join(TOP, "src", "router.c")) as f:
        text = f.read()
    rows = re.findall(r'\{\s*"GET",\s*"([^"]+)",\s*\w+,\s*(ROUTE_\w+)', text)
    every = re.findall(r'\{\s*"GET",\s*"(/[^"]*)"', text)
    eq(len(rows), len(every), "every GET row of the route table is read with its kind")
    out = [pattern for pattern, kind in rows
           if kind in ("ROUTE_PAGE", "ROUTE_FORM") and pattern not in NOT_HTML
           and not pattern.endswith(NOT_HTML_SUFFIXES)]
    return out, every


def matches(pattern, path):
    """router_match(): a ":name" takes one segment, less a literal suffix."""
    rx = ""
    for part in re.split(r"(:[A-Za-z0-9_]+)", pattern):
        rx += "[^/]+" if part.startswith(":") else re.escape(part)
    return re.fullmatch(rx, path) is not None


def test_every_html_route_is_checked():
    routes, every = html_routes()
    ok(len(routes) > 60, "%d GET routes answer HTML" % len(routes))
    served = {}
    for role, method, path, s, ctype, body in PAGES:
        if method != "GET" or not ctype.startswith("text/html") or s != 200:
            continue
        bare = path.split("?")[0]
        # The first route of the table that matches is the one that ran.
        for pattern in every:
            if matches(pattern, bare):
                served.setdefault(pattern, path)
                break
    for pattern in routes:
        ok(pattern in served, "GET %s is checked (%s)" % (pattern, served.get(pattern)),
           "no page fetched here reaches this route with a 200: add one")


def test_answers_are_html():
    wrong = ["%s %s (%s): %d %s" % (method, path, role, s, ctype)
             for role, method, path, s, ctype, body in PAGES
             if not ctype.startswith("text/html; charset=utf-8")]
    ok(not wrong, "every page fetched answers text/html; charset=utf-8", "\n".join(wrong))


def test_nu_checker():
    have_java = ok(shutil.which("java"), "java is installed (the Nu checker runs on it)")
    have_vnu = ok(os.path.exists(VNU), "vnu.jar is installed (sh tools/deps.sh test)", VNU)
    if not (have_java and have_vnu):
        return
    d = tempfile.mkdtemp(prefix="masthead-vnu-")
    files, seen = {}, set()
    for role, method, path, s, ctype, body in PAGES:
        if not ctype.startswith("text/html"):
            continue
        # The same page for two roles is checked once: only the CSRF
        # tokens of their forms differ.
        key = hashlib.sha256(re.sub(r'name="csrf" value="[^"]*"', "", body)
                             .encode()).hexdigest()
        if key in seen:
            continue
        seen.add(key)
        name = os.path.join(d, "%04d.html" % len(files))
        with open(name, "w") as f:
            f.write(body)
        files[name] = (role, method, path, s, body)
        if os.environ.get("MASTHEAD_HTML_KEEP"):
            with open(os.path.join(d, "index.txt"), "a") as f:
                f.write("%s %s %s %s %d\n" % (os.path.basename(name), role, method, path, s))
    # A control page with a known error proves the checker reads the files.
    control = os.path.join(d, "control.html")
    with open(control, "w") as f:
        f.write('<!doctype html><html lang="en"><title>x</title><span><form></form></span>')
    t0 = time.time()
    r = subprocess.run(["java", "-jar", VNU, "--format", "json", "--stdout", control]
                       + sorted(files), capture_output=True, text=True)
    took = time.time() - t0
    try:
        messages = json.loads(r.stdout)["messages"]
    except ValueError:
        ok(False, "the Nu checker ran", r.stdout[-2000:] + r.stderr[-2000:])
        return
    print("# %d distinct pages checked in %.1f s" % (len(files), took))
    by_file, known = {}, {os.path.realpath(n) for n in list(files) + [control]}
    for msg in messages:
        name = os.path.realpath(urllib.parse.unquote(msg.get("url", "")).replace("file:", ""))
        by_file.setdefault(name if name in known else None, []).append(msg)
    ok(any(m["type"] == "error" for m in by_file.get(os.path.realpath(control), [])),
       "the checker finds the error of a control page (a form in a span)")
    ok(None not in by_file, "the checker's messages are each about a page",
       json.dumps(by_file.get(None), indent=1)[:3000])
    for name in sorted(files):
        role, method, path, s, body = files[name]
        got = by_file.get(os.path.realpath(name), [])
        errors = [m for m in got if m["type"] != "info"]
        warnings = [m for m in got if m["type"] == "info" and m.get("subType") == "warning"]
        detail = []
        for m in errors + warnings:
            detail.append("%s line %d: %s\n    %s" % (
                "warning" if m["type"] == "info" else "error", m.get("lastLine", 0),
                m.get("message", ""), " ".join(m.get("extract", "").split())))
        if not ok(not errors and not warnings, "%s %s (%s, %d) is valid HTML" % (
                method, path, role, s)):
            for line in detail:
                print("#   " + line.replace("\n", "\n#   "))
    if os.environ.get("MASTHEAD_HTML_KEEP"):
        print("# the pages checked are kept in " + d)
    else:
        shutil.rmtree(d, ignore_errors=True)


run_tests([test_fetch_every_page, test_answers_are_html, test_every_html_route_is_checked,
           test_nu_checker], SRV.stop)
