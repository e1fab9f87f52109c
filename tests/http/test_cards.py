"""A story's card (docs/cache.md#fragments): the later pages of a list
take each story from its card, a fragment kept with the story's own
tags, and the first pages and the home page from their list fragments.
An edit through masthead changes the story everywhere it is shown on the
very next request: the home page, and its section's, author's and tag's
lists, first and later pages alike; a change behind the server's back
does not show on a later page, which proves the card is kept; and an
unpublished story leaves every list at once.  The server keeps no pages
(--cache_size 0), only fragments, and lists three stories a page, so
that most stories are on a later page of their lists."""
import html
import re
import tempfile
import time

from harness import BIN, Server, ok, eq, run_tests, demo_db, sql
import subprocess

PW = "a passphrase long enough"
PAGE = 3


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-cards-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor", "--name",
                    "Editor", "editor@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
    r = subprocess.run([BIN, "token", "add", "--db", db, "editor@example.com"],
                       check=True, capture_output=True, text=True)
    return db, r.stdout.strip()


DB, TOKEN = make_db()
srv = Server(db=DB, args=["--cache_size", "0", "--page_size", str(PAGE)])


def api(method, path, body=None):
    return srv.api(TOKEN, method, path, body)


def get(path):
    s, h, b = srv.html(path)
    if s != 200:
        eq(s, 200, "%s answers" % path)
    return b


def older(b):
    """The page's "Older stories" link, or None on the last page."""
    m = re.search(r'href="([^"]*\?before=[^"]*)" rel="next"', b)
    return html.unescape(m.group(1)) if m else None


def pages_showing(base, slug, limit=60):
    """The pages of the list at base (the first, then its Older links)
    that link the story slug."""
    out, path, n = [], base, 0
    while path is not None and n < limit:
        b = get(path)
        if 'href="/article/%s"' % slug in b:
            out.append(path)
        path, n = older(b), n + 1
    return out


def pick():
    """A story on the home page with an author and a tag whose section,
    author and tag lists all show it on a later page: the fifth story of
    its section or later, so that it is past the first page."""
    home = get("/")
    now = int(time.time())
    for slug in re.findall(r'href="/article/([^"#?]+)"', home):
        rows = sql(DB, "SELECT a.id, s.slug, au.slug FROM articles a"
                       " JOIN sections s ON s.id = a.section_id"
                       " JOIN article_authors aa ON aa.article_id = a.id AND aa.position = 0"
                       " JOIN authors au ON au.id = aa.author_id"
                       " WHERE a.slug = ? AND a.status = 'published'", (slug,))
        if not rows:
            continue
        aid, section, author = rows[0]
        tags = sql(DB, "SELECT t.slug FROM article_tags x JOIN tags t ON t.id = x.tag_id"
                       " WHERE x.article_id = ? ORDER BY t.slug", (aid,))
        newer = sql(DB, "SELECT count(*) FROM section_articles x JOIN articles a"
                        " ON a.id = x.article_id WHERE x.section_id = (SELECT section_id"
                        " FROM articles WHERE id = ?) AND a.published_at <= ?"
                        " AND (x.published_at, x.article_id) > ((SELECT published_at FROM"
                        " articles WHERE id = ?), ?)", (aid, now, aid, aid))[0][0]
        if tags and newer >= PAGE:
            return aid, slug, section, author, tags[0][0]
    return None


def lists_of(slug, section, author, tag):
    """Every list page that shows the story, and whether one is a later page."""
    where = {}
    for base in ("/section/" + section, "/author/" + author, "/tag/" + tag):
        where[base] = pages_showing(base, slug)
    return where


def test_edit_shows_everywhere():
    p = pick()
    ok(p is not None, "the demo has a story on the home page past its section's first page")
    if p is None:
        return
    aid, slug, section, author, tag = p
    where = lists_of(slug, section, author, tag)
    for base, found in where.items():
        ok(len(found) == 1, "the list %s shows the story on one page" % base, found)
    later = [x for found in where.values() for x in found if "before=" in x]
    ok(later, "and at least one of them is a later page, read from cards", where)
    pages = ["/"] + [x for found in where.values() for x in found]
    # Each page twice: the first render makes the cards, the second reads them.
    for path in pages:
        get(path)
    old = sql(DB, "SELECT title, dek FROM articles WHERE id = ?", (aid,))[0]
    for path in pages:
        ok(html.escape(old[0], quote=False) in get(path).replace("&#39;", "'"),
           "%s shows the story's title" % path)

    # Behind the server's back: no write of masthead's drops the card.
    sql(DB, "UPDATE articles SET title = ? WHERE id = ?", ("A title nobody was told of", aid))
    for path in later:
        ok("A title nobody was told of" not in get(path),
           "%s takes the story from its card, kept: the row was not read again" % path)
    sql(DB, "UPDATE articles SET title = ? WHERE id = ?", (old[0], aid))

    # Through masthead: every page shows the new title on the next request.
    s, doc = api("PATCH", "/api/v1/admin/articles/%d" % aid,
                 {"title": "A Card Edited By The Newsroom", "dek": "A dek the newsroom wrote"})
    eq(s, 200, "the newsroom edits the story's title and dek")
    for path in pages:
        b = get(path)
        ok("A Card Edited By The Newsroom" in b, "%s shows the new title at once" % path)
        ok(html.escape(old[0], quote=False) not in b.replace("&#39;", "'"),
           "%s shows the old title no more" % path)
    for path in later:
        ok("A Card Edited By The Newsroom" in get(path),
           "%s shows it again from the new card" % path)

    # Unpublished, it leaves every list; published again, it is back.
    eq(api("POST", "/api/v1/admin/articles/%d/unpublish" % aid)[0], 200, "the story is unpublished")
    for path in pages:
        s, h, b = srv.html(path)
        ok(s in (200, 404) and "A Card Edited By The Newsroom" not in b,
           "%s drops it at once" % path)
    eq(api("POST", "/api/v1/admin/articles/%d/publish" % aid)[0], 200, "and published again")
    where = lists_of(slug, section, author, tag)
    for base, found in where.items():
        ok(len(found) == 1, "the list %s shows it again" % base, found)
    eq(api("PATCH", "/api/v1/admin/articles/%d" % aid, {"title": old[0], "dek": old[1]})[0], 200,
       "the title and dek are put back")
    for path in [x for found in where.values() for x in found]:
        b = get(path).replace("&#39;", "'")
        ok(html.escape(old[0], quote=False) in b and "A Card Edited By The Newsroom" not in b,
           "%s shows the title as it was" % path)


def test_comment_count():
    """A card shows the story's comment count, which has its own tag: a
    comment counted changes the card on a later page at once."""
    rows = sql(DB, "SELECT a.id, a.slug, s.slug FROM articles a JOIN sections s ON"
                   " s.id = a.section_id WHERE a.status = 'published' AND a.comments_mode"
                   " = 'open' AND a.published_at <= ? ORDER BY a.published_at DESC, a.id DESC"
                   " LIMIT 200", (int(time.time()),))
    for aid, slug, section in rows[PAGE * 4:]:
        found = [x for x in pages_showing("/section/" + section, slug, 20) if "before=" in x]
        if found:
            break
    else:
        ok(False, "a story with open comments is on a later page of its section")
        return
    path = found[0]
    before = sql(DB, "SELECT comment_count FROM articles WHERE id = ?", (aid,))[0][0]
    get(path)
    # A reader's comment held for review, then approved by the newsroom.
    user = sql(DB, "SELECT id FROM users WHERE email = 'editor@example.com'")[0][0]
    now = int(time.time())
    sql(DB, "INSERT INTO comments (article_id, user_id, status, body_md, body_html,"
            " created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?)",
        (aid, user, "A comment that counts.", "<p>A comment that counts.</p>", now, now))
    cid = sql(DB, "SELECT max(id) FROM comments WHERE article_id = ?", (aid,))[0][0]
    b = get(path)
    ok("Comment (%d)" % before in part_of(b, slug), "a held comment counts for nothing")
    s, doc = api("POST", "/api/v1/admin/comments/%d/approve" % cid)
    eq(s, 200, "the newsroom approves it")
    after = sql(DB, "SELECT comment_count FROM articles WHERE id = ?", (aid,))[0][0]
    eq(after, before + 1, "and it is counted")
    ok("Comment (%d)" % after in part_of(get(path), slug),
       "the card on %s shows %d comments at once" % (path, after))


def part_of(b, slug):
    """The story's card on a list page."""
    i = b.find('href="/article/%s"' % slug)
    return b[i:b.find("</li>", i)] if i >= 0 else ""


run_tests([test_edit_shows_everywhere, test_comment_count], srv.stop)
