"""masthead export: the JSON export read back by import into an empty
database serves every page byte for byte as the source does (crawled from
the sitemap, plus the pages it does not list); the WXR export is
well-formed XML that lxml's strict parser reads, with WordPress's
namespaces and as many authors, categories, tags, items and comments as
the site has; bad command lines and bad files are refused and change
nothing.  On SQLite, and on PostgreSQL with MASTHEAD_PG_URL set."""
import atexit
import json
import os
import re
import shutil
import subprocess
import tempfile

from lxml import etree

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, sql,
                     demo_db, new_db, is_pg, pg_demo, on_pg, pg_db)

D = tempfile.mkdtemp(prefix="masthead-export-")
atexit.register(shutil.rmtree, D, True)
SRC = demo_db(D)
MEDIA = pg_demo()[1] if is_pg(SRC) else os.path.join(D, "media")
BASE = "https://news.example.com"
PASSWORD = "a long enough passphrase"

# What the demo lacks and an export must carry: an account with a
# password, a thread of comments (one with "]]>" in it, for WXR's CDATA),
# and a subscriber with the consent given.
subprocess.run([BIN, "user", "add", "--db", SRC, "--role", "member",
                "--name", "Reader One", "reader@example.com"],
               input=PASSWORD, text=True, check=True, capture_output=True)
UID = sql(SRC, "SELECT id FROM users WHERE email = 'reader@example.com'")[0][0]
ART, SLUG = sql(SRC, "SELECT id, slug FROM articles WHERE status = 'published'"
                " ORDER BY published_at DESC, id DESC LIMIT 1")[0]
sql(SRC, "INSERT INTO comments (article_id, user_id, status, body_md, body_html,"
    " created_at, updated_at, reply_count, ip) VALUES (?, ?, 'approved',"
    " 'First ]]> word', '<p>First ]]> word</p>', 1700000000, 1700000000, 1,"
    " '192.0.2.7')", (ART, UID))
CID = sql(SRC, "SELECT max(id) FROM comments")[0][0]
sql(SRC, "INSERT INTO comments (article_id, parent_id, root_id, depth, user_id,"
    " status, body_md, body_html, created_at, updated_at) VALUES (?, ?, ?, 1,"
    " ?, 'approved', 'A reply', '<p>A reply</p>', 1700000100, 1700000100)",
    (ART, CID, CID, UID))
sql(SRC, "INSERT INTO comments (article_id, user_id, status, body_md, body_html,"
    " created_at, updated_at) VALUES (?, ?, 'pending', 'Waiting',"
    " '<p>Waiting</p>', 1700000200, 1700000200)", (ART, UID))
sql(SRC, "UPDATE articles SET comment_count = 2 WHERE id = ?", (ART,))
sql(SRC, "INSERT INTO subscribers (email, created_at, confirmed_at, name)"
    " VALUES ('sub@example.org', 1700000000, 1700000050, 'Sub Scriber')")
SUB = sql(SRC, "SELECT id FROM subscribers WHERE email = 'sub@example.org'")[0][0]
NL = sql(SRC, "SELECT min(id) FROM newsletters")[0][0]
sql(SRC, "INSERT INTO subscriptions (subscriber_id, newsletter_id, status,"
    " consent, consent_ip, created_at, updated_at) VALUES (?, ?, 'active',"
    " 'I agree to the weekly letter', '198.51.100.4', 1700000000, 1700000050)",
    (SUB, NL))

# An old address kept from a site imported before.
sql(SRC, "INSERT INTO redirects (old_path, new_path, created_at) VALUES"
    " ('/2019/05/old-story/', ?, 1700000000)", ("/article/" + SLUG,))

# Every table an export carries (the others are refused by import).
TABLES = ["settings", "sites", "sections", "images", "authors", "sponsors", "tags",
          "shows",
          "articles", "article_authors", "article_tags", "section_articles",
          "users", "user_sites", "article_sites", "comments",
          "comment_reports", "comment_bans",
          "comment_log", "events", "webinars", "event_sessions",
          "event_speakers",
          "registrations", "award_programmes", "award_categories",
          "award_entries", "award_judges", "award_scores",
          "promos", "menu_items", "pages",
          "article_revisions", "article_slugs", "newsletters",
          "newsletter_sections", "subscribers", "subscriptions",
          "newsletter_issues", "newsletter_deliveries", "resources",
          "resource_leads", "import_ids", "redirects", "front_pins", "hubs",
          "hub_items", "live_posts", "hub_stats", "pageviews",
          "pageview_days", "ap_actors", "ap_followers", "ap_received",
          "ap_notes"]


def export(fmt, path, db=SRC, extra=()):
    return subprocess.run([BIN, "export", "--db", db, "--format", fmt,
                           "--base_url", BASE] + list(extra) + [path],
                          capture_output=True, text=True)


def import_(path, db, extra=()):
    return subprocess.run([BIN, "import", "--db", db] + list(extra) + [path],
                          capture_output=True, text=True)


def counts(db):
    """Rows of every table; site 1, which every database has from its
    migration, is not counted."""
    return {t: sql(db, "SELECT count(*) FROM " + t +
                   (" WHERE id <> 1" if t == "sites" else ""))[0][0]
            for t in TABLES}


def crawl_paths(srv):
    """Every page of the sitemap, as paths, and the pages it leaves out."""
    paths = ["/", "/sitemap.xml", "/robots.txt", "/feed.xml", "/atom.xml",
             "/feed.json", "/podcast.xml", "/events", "/events/archive",
             "/events.ics", "/webinars", "/webinars/archive", "/webinars.ics",
             "/resources", "/search?q=network", "/article/%s/comments.atom" % SLUG,
             "/api/v1/articles?limit=100", "/api/v1/sections",
             "/api/v1/authors", "/api/v1/events", "/api/v1/webinars",
             "/2019/05/old-story/"]
    s, h, body = srv.get("/sitemap.xml")
    parts = re.findall(rb"<loc>([^<]+)</loc>", body)
    for part in parts:
        part_path = part.decode().replace(BASE, "", 1)
        paths.append(part_path)
        s, h, b = srv.get(part_path)
        for loc in re.findall(rb"<loc>([^<]+)</loc>", b):
            paths.append(loc.decode().replace(BASE, "", 1))
    # The feeds of the lists the sitemap names.
    for p in list(paths):
        if re.match(r"^/(section|author|tag)/[^/?]+$", p):
            paths += [p + "/feed.xml", p + "/atom.xml", p + "/feed.json"]
    return list(dict.fromkeys(paths))


def stamped(body):
    """A calendar's DTSTAMP is the moment it was made: two servers asked
    one after the other may be a second apart, so the stamp is left out
    of the comparison (every other byte counts)."""
    return re.sub(rb"\r\nDTSTAMP:[0-9TZ]+\r\n", b"\r\nDTSTAMP:\r\n", body)


def same_pages(a, b, what):
    """Starts a server on each database with the same settings and compares
    every page's status and bytes, asking both at the same moment."""
    args = ["--media_dir", MEDIA, "--base_url", BASE]
    sa, sb = Server(args, db=a), Server(args, db=b)
    try:
        paths = crawl_paths(sa)
        ok(len(paths) > 700, "%s: the crawl reaches the whole site (%d pages)"
           % (what, len(paths)))
        differ = []
        for p in paths:
            ra, rb = sa.get(p), sb.get(p)
            if ra[0] != rb[0] or stamped(ra[2]) != stamped(rb[2]):
                differ.append(p)
        eq(differ, [], "%s: every page is byte-identical to the source's" % what)
        s, h, body = sb.html("/article/" + SLUG)
        contains(body, "A reply", "%s: the imported comment thread is shown" % what)
        return sb.db
    finally:
        eq(sa.stop(), 0, "%s: the source's server stopped cleanly" % what)
        eq(sb.stop(), 0, "%s: the imported site's server stopped cleanly" % what)


def test_json_round_trip():
    path = os.path.join(D, "site.json")
    r = export("json", path)
    eq(r.returncode, 0, "export --format json succeeds")
    with open(path, "rb") as f:
        doc = json.loads(f.read())
    eq(doc["masthead_export"], 1, "the document says its version")
    ok(isinstance(doc["schema"], int) and doc["schema"] >= 15,
       "and the schema version it was written at")
    eq(list(doc["tables"]), TABLES, "it holds the exported tables in copy order")
    for t in ("sessions", "api_tokens", "jobs", "rate_limits", "site_keys",
              "webhooks", "deliveries", "ap_keys",
              "analytics_salts",
              "account_tokens", "subscriber_tokens"):
        ok(t not in doc["tables"], "%s is left out" % t)
    users = doc["tables"]["users"]
    ok(len(users) >= 1 and all(u["password_hash"] == "" for u in users),
       "password hashes are left out by default")
    subs = doc["tables"]["subscriptions"]
    ok(any(s["consent"] == "I agree to the weekly letter" and
           s["consent_ip"] == "198.51.100.4" for s in subs),
       "subscribers travel with their consent")
    ok(isinstance(doc["tables"]["articles"][0]["id"], int),
       "integer columns are JSON numbers")

    dst = new_db(tempfile.mkdtemp(prefix="dst-", dir=D))
    r = import_(path, dst)
    eq(r.returncode, 0, "import into an empty database succeeds")
    contains(r.stdout, "items read", "and says how many rows it read")
    eq(counts(dst), counts(SRC), "every exported table has its rows at the destination")
    again = os.path.join(D, "again.json")
    eq(export("json", again, db=dst).returncode, 0, "the imported site exports")
    with open(path, "rb") as fa, open(again, "rb") as fb:
        ok(fa.read() == fb.read(), "byte for byte the document it was made from")
    same_pages(SRC, dst, "the imported site")

    # The imported site keeps working: a new row gets a fresh id.
    r = subprocess.run([BIN, "user", "add", "--db", dst, "new@example.com"],
                       input=PASSWORD, text=True, capture_output=True)
    eq(r.returncode, 0, "a new account can be added after the import")
    ok(sql(dst, "SELECT id FROM users WHERE email = 'new@example.com'")[0][0] > UID,
       "and gets an id after the imported ones")

    # Without secrets, the account has to set a new password.
    srv = Server(["--media_dir", MEDIA], db=dst)
    try:
        ok(Client(srv).sign_in("reader@example.com", PASSWORD) != 303,
           "without --with-secrets an imported account cannot sign in with its old password")
    finally:
        srv.stop()


def test_secrets():
    path = os.path.join(D, "secrets.json")
    # Keys are made on a server's first start: start one to have them.
    Server(["--media_dir", MEDIA], db=SRC).stop()
    r = export("json", path, extra=["--with-secrets"])
    eq(r.returncode, 0, "export --with-secrets succeeds")
    with open(path) as f:
        doc = json.load(f)
    eq(doc["secrets"], True, "the document says it holds secrets")
    ok(len(doc["tables"]["site_keys"]) >= 1, "the signing keys are in it")
    ok(all(u["password_hash"] != "" for u in doc["tables"]["users"]),
       "and the password hashes")
    dst = new_db(tempfile.mkdtemp(prefix="sec-", dir=D))
    Server(["--media_dir", MEDIA], db=dst, demo=False).stop()
    ok(sql(dst, "SELECT count(*) FROM site_keys")[0][0] >= 1,
       "a database a server started on once has keys of its own")
    r = import_(path, dst)
    eq(r.returncode, 0, "it imports into such a database")
    eq(sorted(sql(dst, "SELECT name, value FROM site_keys")),
       sorted(sql(SRC, "SELECT name, value FROM site_keys")),
       "whose keys become the site's own")
    srv = Server(["--media_dir", MEDIA], db=dst)
    try:
        eq(Client(srv).sign_in("reader@example.com", PASSWORD), 303,
           "with --with-secrets an account signs in with its old password")
    finally:
        srv.stop()


def test_wxr():
    path = os.path.join(D, "site.xml")
    r = export("wxr", path)
    eq(r.returncode, 0, "export --format wxr succeeds")
    parser = etree.XMLParser(resolve_entities=False, no_network=True,
                             huge_tree=True, recover=False)
    tree = etree.parse(path, parser)
    root = tree.getroot()
    eq(root.tag, "rss", "the root is RSS")
    eq(root.get("version"), "2.0", "RSS 2.0")
    ns = {"wp": "http://wordpress.org/export/1.2/",
          "content": "http://purl.org/rss/1.0/modules/content/",
          "excerpt": "http://wordpress.org/export/1.2/excerpt/",
          "dc": "http://purl.org/dc/elements/1.1/",
          "wfw": "http://wellformedweb.org/CommentAPI/"}
    for prefix, uri in ns.items():
        eq(root.nsmap.get(prefix), uri, "the %s: namespace is WordPress's" % prefix)
    ch = root.find("channel")
    eq(ch.findtext("wp:wxr_version", namespaces=ns), "1.2", "WXR version 1.2")
    eq(ch.findtext("wp:base_site_url", namespaces=ns), BASE, "the site's address")

    def n(q):
        return sql(SRC, q)[0][0]
    eq(len(ch.findall("wp:author", ns)), n("SELECT count(*) FROM authors"),
       "one wp:author per author")
    eq(len(ch.findall("wp:category", ns)), n("SELECT count(*) FROM sections"),
       "one wp:category per section")
    eq(len(ch.findall("wp:tag", ns)), n("SELECT count(*) FROM tags"),
       "one wp:tag per tag")
    items = ch.findall("item")
    types = [i.findtext("wp:post_type", namespaces=ns) for i in items]
    eq(types.count("post"), n("SELECT count(*) FROM articles"), "one post per story")
    eq(types.count("page"), n("SELECT count(*) FROM pages"), "one page per page")
    eq(types.count("attachment"), n("SELECT count(*) FROM images"),
       "one attachment per image")
    eq(len(tree.findall(".//wp:comment", ns)), n("SELECT count(*) FROM comments"),
       "every comment")
    ids = [i.findtext("wp:post_id", namespaces=ns) for i in items]
    eq(len(set(ids)), len(ids), "post ids are unique across posts, pages and attachments")

    post = [i for i in items if i.findtext("wp:post_name", namespaces=ns) == SLUG][0]
    eq(post.findtext("link"), BASE + "/article/" + SLUG, "a post links to its story")
    # The body as the database holds it (the JSON export carries it whole).
    jpath = os.path.join(D, "bodies.json")
    eq(export("json", jpath).returncode, 0, "a JSON export to compare with")
    with open(jpath) as f:
        body = [a for a in json.load(f)["tables"]["articles"]
                if a["id"] == ART][0]["body_html"]
    eq(post.findtext("content:encoded", namespaces=ns), body,
       "content:encoded holds the rendered body exactly")
    cs = post.findall("wp:comment", ns)
    eq(len(cs), 3, "the story carries its three comments")
    by = {c.findtext("wp:comment_id", namespaces=ns): c for c in cs}
    first = by[str(CID)]
    eq(first.findtext("wp:comment_content", namespaces=ns), "<p>First ]]> word</p>",
       "a comment's HTML survives its CDATA section")
    eq(first.findtext("wp:comment_approved", namespaces=ns), "1", "approved is 1")
    reply = by[str(CID + 1)]
    eq(reply.findtext("wp:comment_parent", namespaces=ns), str(CID),
       "a reply names its parent")
    eq(by[str(CID + 2)].findtext("wp:comment_approved", namespaces=ns), "0",
       "a comment waiting for review is 0")
    hero = n("SELECT COALESCE(hero_image_id, 0) FROM articles WHERE id = %d" % ART)
    thumbs = [m.findtext("wp:meta_value", namespaces=ns)
              for m in post.findall("wp:postmeta", ns)
              if m.findtext("wp:meta_key", namespaces=ns) == "_thumbnail_id"]
    if hero:
        ok(len(thumbs) == 1 and thumbs[0] in ids,
           "_thumbnail_id names the hero image's attachment")
        att = items[ids.index(thumbs[0])]
        ok(att.findtext("wp:attachment_url", namespaces=ns).startswith(BASE + "/media/"),
           "whose attachment_url is the image's address")
    else:
        eq(thumbs, [], "a story without a hero image has no _thumbnail_id")
    with open(path, "rb") as f:
        raw = f.read()
    contains(raw, b"First ]]]]><![CDATA[> word", "the ]]> inside is split")


def test_bad_command_lines():
    r = export("xml", os.path.join(D, "x.out"))
    eq(r.returncode, 2, "an unknown --format is exit 2")
    contains(r.stderr, "--format json or --format wxr", "with a clear message")
    ok(not os.path.exists(os.path.join(D, "x.out")), "and no file is written")
    r = subprocess.run([BIN, "export", "--db", SRC, os.path.join(D, "y.out")],
                       capture_output=True, text=True)
    eq(r.returncode, 2, "export without --format is exit 2")
    r = subprocess.run([BIN, "export", "--db", SRC, "--format", "json"],
                       capture_output=True, text=True)
    eq(r.returncode, 2, "export without a FILE is exit 2")
    r = import_(os.path.join(D, "missing.json"), os.path.join(D, "none.db"))
    eq(r.returncode, 1, "importing a missing file is exit 1")


def test_refusals():
    path = os.path.join(D, "refuse.json")
    eq(export("json", path).returncode, 0, "an export to refuse")
    # A database with a site in it.
    full = demo_db(tempfile.mkdtemp(prefix="full-", dir=D))
    before = counts(full)
    r = import_(path, full)
    eq(r.returncode, 1, "importing into a database with a site is exit 1")
    contains(r.stderr, "not empty", "saying the database is not empty")
    eq(counts(full), before, "and that database is unchanged")

    with open(path, "rb") as f:
        data = f.read()
    for cut, what in ((len(data) // 2, "in the middle"),
                      (len(data) - 3, "before the last brackets"),
                      (data.index(b'"tables"'), "before the tables")):
        short = os.path.join(D, "short.json")
        with open(short, "wb") as f:
            f.write(data[:cut])
        dst = new_db(tempfile.mkdtemp(prefix="short-", dir=D))
        r = import_(short, dst)
        eq(r.returncode, 1, "a file cut %s is refused" % what)
        contains(r.stderr, "was written", "with a clear message")
        eq(sum(counts(dst).values()), 0, "and the database stays empty")

    # Another schema version, and a table no export holds.
    for bad, what in ((data.replace(b'"schema": ', b'"schema": 9', 1),
                       "another schema version"),
                      (data.replace(b'"settings": [', b'"sessions": [', 1),
                       "a table exports leave out")):
        other = os.path.join(D, "other.json")
        with open(other, "wb") as f:
            f.write(bad)
        dst = new_db(tempfile.mkdtemp(prefix="other-", dir=D))
        r = import_(other, dst)
        eq(r.returncode, 1, "a file with %s is refused" % what)
        eq(sum(counts(dst).values()), 0, "and nothing is written")

    dst = new_db(tempfile.mkdtemp(prefix="dry-", dir=D))
    r = import_(path, dst, ["--dry-run"])
    eq(r.returncode, 0, "--dry-run reads the whole file")
    contains(r.stdout, "dry run, nothing written", "and says what it would do")
    eq(sum(counts(dst).values()), 0, "without writing")


def test_admin_download():
    """/admin/export: the same files as the command, for admins alone."""
    for role, email in (("admin", "boss@example.com"), ("editor", "ed@example.com")):
        subprocess.run([BIN, "user", "add", "--db", SRC, "--role", role, email],
                       input=PASSWORD, text=True, check=True, capture_output=True)
    path = os.path.join(D, "cli.json")
    eq(export("json", path).returncode, 0, "a command-line export to compare with")
    srv = Server(["--media_dir", MEDIA, "--base_url", BASE], db=SRC)
    try:
        s, h, b = srv.get("/admin/export.json")
        ok(s in (302, 303) and "/signin" in h.get("location", ""),
           "signed out, /admin/export.json sends to sign in")
        ed = Client(srv)
        eq(ed.sign_in("ed@example.com", PASSWORD), 303, "an editor signs in")
        for p in ("/admin/export", "/admin/export.json", "/admin/export.xml"):
            eq(ed.get(p)[0], 403, "an editor is refused %s" % p)
        boss = Client(srv)
        eq(boss.sign_in("boss@example.com", PASSWORD), 303, "an admin signs in")
        s, h, page = boss.get("/admin/export")
        eq(s, 200, "an admin sees /admin/export")
        contains(page, 'href="/admin/export.xml"', "which links to both downloads")
        s, h, b = srv.request("GET", "/admin/export.json", boss._headers())
        eq(s, 200, "an admin downloads the JSON")
        eq(h.get("content-disposition"), 'attachment; filename="masthead-export.json"',
           "as a file to save")
        ok("no-store" in h.get("cache-control", ""), "never kept by a cache")
        with open(path, "rb") as f:
            eq(b, f.read(), "byte for byte what the command writes")
        s, h, b = srv.request("GET", "/admin/export.xml", boss._headers())
        eq(s, 200, "an admin downloads the WXR")
        root = etree.fromstring(b, etree.XMLParser(resolve_entities=False,
                                                   no_network=True, huge_tree=True))
        eq(root.find("channel").findtext("link"), BASE,
           "which parses strictly and links to the site")
    finally:
        eq(srv.stop(), 0, "the server that sent the downloads stopped cleanly")
    tmp = [n for n in os.listdir(os.environ.get("TMPDIR") or "/tmp")
           if n.startswith("masthead-export-") and
           not os.path.isdir(os.path.join(os.environ.get("TMPDIR") or "/tmp", n))]
    eq(tmp, [], "no temporary file is left behind")


def test_across_engines():
    """A SQLite site's export read into PostgreSQL: the same document comes
    back out, and the stories read the same."""
    if not on_pg():
        ok(True, "SQLite to PostgreSQL through an export # SKIP PostgreSQL only")
        return
    d = tempfile.mkdtemp(prefix="x-", dir=D)
    lite = os.path.join(d, "lite.db")
    subprocess.run([BIN, "demo", "--db", lite], check=True, capture_output=True)
    a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
    eq(export("json", a, db=lite).returncode, 0, "the SQLite site exports")
    pg = pg_db(demo=False)
    r = import_(a, pg)
    eq(r.returncode, 0, "its export imports into PostgreSQL")
    eq(export("json", b, db=pg).returncode, 0, "which exports in turn")
    with open(a, "rb") as fa, open(b, "rb") as fb:
        ok(fa.read() == fb.read(),
           "byte for byte the document the SQLite site wrote")
    args = ["--media_dir", os.path.join(d, "media"), "--base_url", BASE]
    sa, sb = Server(args, db=lite), Server(args, db=pg)
    try:
        paths = ["/", "/article/" + sql(lite, "SELECT slug FROM articles WHERE"
                 " status = 'published' ORDER BY id LIMIT 1")[0][0],
                 "/section/asia", "/events", "/feed.xml", "/sitemap.xml"]
        differ = [p for p in paths if sa.get(p)[2] != sb.get(p)[2]]
        eq(differ, [], "the PostgreSQL site serves its pages as the SQLite one")
    finally:
        eq(sa.stop(), 0, "the SQLite server stopped cleanly")
        eq(sb.stop(), 0, "the PostgreSQL server stopped cleanly")


run_tests([test_across_engines, test_admin_download, test_json_round_trip, test_secrets, test_wxr, test_bad_command_lines,
           test_refusals])
