#!/usr/bin/env python3
"""The page cache and query strings (docs/cache.md, "Query strings").

A cached page's key holds only the query parameters its route reads,
as src/router.c lists them, in a fixed order; any other parameter is
ignored, so "/?b=random" is "/" and cannot make a cache entry of its
own.  The suite reads the list from src/router.c and, for every route
that reads parameters, checks from outside (raw HTTP, X-Cache) that:

- some two values of each listed parameter give different answers (a
  parameter the page reads but the key left out would be served from
  the entry of another value);
- an added unknown parameter gives the same page from the same entry
  (X-Cache: hit), or, for most of the content API, 400 as always;
- the order and the spelling of the listed parameters do not matter.

And for pages that read no parameter, that "?junk=1" and "?junk=2" are
served from the entry of the bare address; and that a cookie merely
named like the session's does not take a reader out of the cache.
"""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TOP, Server, eq, ok, run_tests, sql  # noqa: E402

srv = Server()


def routes_reading_parameters():
    """[(pattern, kind, [parameters])] from src/router.c's tables."""
    with open(os.path.join(TOP, "src", "router.c")) as f:
        src = f.read()
    lists = {m.group(1): re.findall(r'"([a-z_]+)"', m.group(2)) for m in
             re.finditer(r"static const char \*const (q_\w+)\[\] = \{(.*?)\};",
                         src, re.S)}
    table = re.search(r"route_query\[\] = \{(.*?)\n\};", src, re.S).group(1)
    reads = {fn: lists[q] for fn, q in
             re.findall(r"\{ (\w+), (q_\w+), [01] \}", table)}
    rows = re.findall(r'\{ "GET", "([^"]+)",\s+(\w+),\s+(ROUTE_\w+),', src)
    out = [(pat, kind, reads[fn]) for pat, fn, kind in rows if fn in reads]
    eq(sorted(fn for _, fn, _ in rows if fn in reads), sorted(reads),
       "every handler of route_query[] has a GET route")
    return out


def fetch(target, headers=""):
    """(status, X-Cache or None, body) of a GET on its own connection."""
    raw = srv.raw(("GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n"
                   "\r\n" % (target, headers)).encode(), timeout=10)
    head, _, body = raw.partition("\r\n\r\n")
    m = re.search(r"(?im)^x-cache: (\w+)", head)
    return int(head.split(" ")[1]), m.group(1) if m else None, body


def one(query):
    return sql(srv.db, query)[0][0]


# Arguments of the patterns, from the demo; the article gets three
# comments (before any page is cached) so that its comment parameters
# have something to page and order.
ARTICLE = one("SELECT slug FROM articles WHERE status = 'published' "
              "ORDER BY id LIMIT 1")
_aid = one("SELECT id FROM articles WHERE slug = '%s'" % ARTICLE)
sql(srv.db, "INSERT INTO users (email, display_name, created_at) "
    "VALUES ('reader@example.com', 'Reader', 1700000000)")
_uid = one("SELECT id FROM users WHERE email = 'reader@example.com'")
for _i in range(3):
    sql(srv.db, "INSERT INTO comments (article_id, user_id, status, body_md, "
        "body_html, created_at, updated_at) VALUES (?, ?, 'approved', ?, ?, "
        "?, ?)", (_aid, _uid, "n%d" % _i, "<p>number %d</p>" % _i,
                  1700000000 + _i, 1700000000 + _i))
sql(srv.db, "UPDATE articles SET comment_count = 3 WHERE id = ?", (_aid,))
SECTION = one("SELECT slug FROM sections ORDER BY id LIMIT 1")
AUTHOR = one("SELECT slug FROM authors ORDER BY id LIMIT 1")
TAG = one("SELECT t.slug FROM tags t JOIN article_tags x ON x.tag_id = t.id "
          "GROUP BY t.id, t.slug ORDER BY count(*) DESC LIMIT 1")
ARGS = {"slug": {"/article/": ARTICLE, "/section/": SECTION,
                 "/author/": AUTHOR, "/tag/": TAG,
                 "/api/v1/sections/": SECTION, "/api/v1/authors/": AUTHOR,
                 "/podcasts/": "light-reading-podcast",
                 "/video/series/": "telecom-innovators-showcase"},
        "type": "news"}

# Values to try for each parameter: some two of them must differ.
VALUES = {
    "before": ["1.1", "1800000000.1", "1", "1800000000"],
    "cursor": ["1.1", "1800000000.1"],
    "view": ["newest", "oldest", "threaded"],
    "q": ["5g", "spectrum", "zzzqqq"],
    "section": [SECTION, "6g", "open-ran"],
    "author": [AUTHOR, "nobody"],
    "type": ["news", "opinion", "feature"],
    "tag": [TAG, "no-such-tag"],
    "from": ["2020-01-01", "2099-01-01"],
    "to": ["2020-01-01", "2099-01-01"],
    "sort": ["relevance", "newest", "oldest"],
    "page": ["1", "2"],
    "limit": ["1", "2"],
    "after": ["0", "2"],
    "archive": ["0", "1"],
    "topic": ["5g", "cable-tech", "no-such-topic"],
    "series": ["live-learning", "no-such-series"],
}


def address(pattern):
    def arg(m):
        name = m.group(1)
        if name == "slug":
            for prefix, v in ARGS["slug"].items():
                if pattern.startswith(prefix):
                    return v
        return ARGS[name]
    return re.sub(r":(\w+)", arg, pattern)


def test_declared_parameters():
    routes = routes_reading_parameters()
    ok(len(routes) >= 15, "src/router.c lists the parameters of %d routes"
       % len(routes))
    for pattern, kind, params in routes:
        path = address(pattern)
        # Search answers its other parameters only with a query, the
        # events API its "before" only in the archive.
        base = {"q": "5g"} if "q" in params else {}
        if "archive" in params:
            base["archive"] = "1"
        for p in params:
            seen = set()
            for v in VALUES[p]:
                qs = dict(base) if p not in base else {}
                qs[p] = v
                status, _, body = fetch(path + "?" + urllib.parse.urlencode(qs))
                seen.add((status, body))
            ok(len(seen) > 1, "%s: ?%s= changes the answer" % (pattern, p),
               "every value of %r gave the same answer" % (VALUES[p],))
        # Two listed parameters in either order, and a junk one.
        qs = [(params[0], VALUES[params[0]][0])]
        if len(params) > 1:
            qs.append((params[1], VALUES[params[1]][0]))
        target = path + "?" + urllib.parse.urlencode(qs)
        s1, _, b1 = fetch(target)
        s2, c2, b2 = fetch(path + "?" + urllib.parse.urlencode(qs[::-1]))
        ok(s1 == s2 and b1 == b2 and (s1 != 200 or c2 == "hit"),
           "%s: the listed parameters in another order: the same entry"
           % pattern, "%d/%d %s" % (s1, s2, c2))
        s3, c3, b3 = fetch(target + "&junk=" + "x" * 7)
        if kind == "ROUTE_API" and s3 == 400:
            # Most of the content API refuses what it does not know.
            ok(s1 != 400, "%s: an unknown parameter is refused (400)"
               % pattern)
        else:
            ok(s3 == s1 and b3 == b1 and (s1 != 200 or c3 == "hit"),
               "%s: an unknown parameter: the same page, from the cache"
               % pattern, "%d/%d %s" % (s1, s3, c3))


def test_junk_makes_no_entry():
    for path in ("/", "/events/x-no-such", "/feed.xml", "/sitemap.xml",
                 "/article/" + ARTICLE, "/section/" + SECTION):
        fetch(path)
        s1, c1, b1 = fetch(path + "?junk=1")
        s2, c2, b2 = fetch(path + "?junk=2&b=random")
        if s1 != 200:
            eq((s1, s2), (s1, s1), "%s?junk=: the same error" % path)
            continue
        eq((c1, c2), ("hit", "hit"),
           "%s?junk=1 then ?junk=2: served from the entry of %s"
           % (path, path))
        ok(b1 == b2, "%s: junk parameters do not change the page" % path)


def test_spelling():
    s1, _, b1 = fetch("/search?q=open+ran")
    s2, c2, b2 = fetch("/search?q=open%20ran")
    ok(s1 == s2 == 200 and b1 == b2 and c2 == "hit",
       "/search?q=open+ran and ?q=open%20ran share an entry",
       "%d %d %s" % (s1, s2, c2))
    s3, _, b3 = fetch("/search?q=open%26ran")
    ok(b3 != b1, "an escaped & in a value is part of the value")


def test_canonical_ignores_unread():
    """A page that reads no "before" no longer says it is a later page."""
    _, _, body = fetch("/article/%s?before=1.1" % ARTICLE)
    ok('?before=' not in re.search(r'<link rel="canonical"[^>]*>', body)
       .group(0), "an article's canonical link ignores ?before=")


def test_session_lookalike():
    """Only a cookie called mh_session is a session: the router's test
    used to find "mh_session=" anywhere in the header and skip the cache
    for "xmh_session=1" or a value holding it."""
    # The content API is never answered from the cache for a session.
    fetch("/api/v1/sections")
    for cookie in ("xmh_session=1", "a=mh_session=2", "mh_sessionx=3"):
        _, c, _ = fetch("/api/v1/sections", "Cookie: %s\r\n" % cookie)
        eq(c, "hit", "Cookie: %s is not a session: the API document "
           "comes from the cache" % cookie)


run_tests([test_declared_parameters, test_junk_makes_no_entry,
           test_spelling, test_canonical_ignores_unread,
           test_session_lookalike], srv.stop)
