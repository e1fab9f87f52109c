"""Full-text search (issue 7, and issue 4 on PostgreSQL): /search and
/api/v1/search rank a title hit above a body hit, filter by section, type,
author and dates, sort by date, page through results, escape what they
highlight, survive any input without a 500, follow every publish, edit
and unpublish at once (cached pages included), and agree with each
other; related stories come from the same index; "masthead reindex"
rebuilds it."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, TOP, Server, ok, eq, contains, run_tests, demo_db,
                     is_pg, psql, sql)

PW = "correct horse battery staple"


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-search-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor",
                    "ed@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
    r = subprocess.run([BIN, "token", "add", "--db", db, "ed@example.com"],
                       check=True, capture_output=True, text=True)
    return db, r.stdout.strip()


DB, TOKEN = make_db()
srv = Server(db=DB)


def admin(method, path, body=None, via=None):
    h = {"Authorization": "Bearer " + TOKEN}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, _, b = (via or srv).request(method, path, h, body)
    return s, (json.loads(b) if b else None)


def story(via=None, **fields):
    """Creates and publishes a story (through via, else srv); returns its id."""
    body = {"title": "A story", "section": "asia", "body_md": "Text."}
    body.update(fields)
    s, j = admin("POST", "/api/v1/admin/articles", body, via)
    assert s == 201, (s, j)
    i = j["article"]["id"]
    s, j = admin("POST", "/api/v1/admin/articles/%d/publish" % i, {}, via)
    assert s == 200, (s, j)
    return i


def q(params):
    return urllib.parse.urlencode(params)


def api(params):
    s, h, b = srv.get("/api/v1/search?" + q(params))
    return s, (json.loads(b) if s == 200 or b.startswith(b"{") else None)


def ids(params):
    s, j = api(params)
    assert s == 200, (s, j)
    return [r["id"] for r in j["results"]]


def test_ranking():
    body_hit = story(title="Operators weigh tower leases",
                     body_md="The deal mentions quarbleton once, deep in the text.")
    title_hit = story(title="Quarbleton wins a spectrum licence",
                      body_md="Nothing else to say here.")
    got = ids({"q": "quarbleton"})
    eq(got, [title_hit, body_hit], "a title hit ranks above a body hit")
    got = ids({"q": "quarbleton", "sort": "date"})
    eq(got, [title_hit, body_hit], "sort=date puts the newest first")
    eq(ids({"q": "QUARBLETON"}), [title_hit, body_hit], "case does not matter")


SITE_1 = (" AND (a.site_id = 1 OR EXISTS (SELECT 1 FROM article_sites z"
          " WHERE z.article_id = a.id AND z.site_id = 1))")


PG_WINDOW = 520


def live_scores(match, tsquery, type_=None, since=0, until=2 ** 62, window=True,
                section=0, author=0):
    """The engine's own score of every live story matching the query (of
    type type_, in section (its id; sub-sections included) and by author
    when given), over all its matches (no shortcut): bm25
    with the index's weights on SQLite, ts_rank on PostgreSQL; higher is
    better.  On PostgreSQL a query is answered from its PG_WINDOW most
    recently written matches (docs/search.md), and so is this unless
    window is false; the demo's matches fit in SQLite's window.  The
    demo has sister sites: the default site searches its own stories
    and those shown on it."""
    now = int(time.time())
    listed = (" AND (? = 0 OR EXISTS (SELECT 1 FROM section_articles x"
              " WHERE x.article_id = a.id AND x.section_id = ?))"
              " AND (? = 0 OR EXISTS (SELECT 1 FROM article_authors y"
              " WHERE y.article_id = a.id AND y.author_id = ?))")
    lists = (section, section, author, author)
    if is_pg(DB):
        lo = 0
        if window:
            lo = sql(DB, "SELECT coalesce((SELECT article_id FROM"
                     " article_search WHERE doc @@ to_tsquery('english', ?)"
                     " ORDER BY article_id DESC LIMIT 1 OFFSET ?), 0)",
                     (tsquery, PG_WINDOW - 1))[0][0]
        rows = sql(DB, "SELECT f.article_id, ts_rank(f.doc, to_tsquery("
                   "'english', ?)) FROM article_search f JOIN articles a ON"
                   " a.id = f.article_id WHERE f.doc @@ to_tsquery('english',"
                   " ?) AND a.status = 'published' AND a.published_at <= ?"
                   " AND a.type = coalesce(nullif(?, ''), a.type)"
                   " AND a.published_at >= ? AND a.published_at < ?"
                   " AND f.article_id >= ?" + SITE_1 + listed,
                   (tsquery, tsquery, now, type_ or "", since, until, int(lo))
                   + lists)
        return {int(i): float(r) for i, r in rows}
    live = {r[0] for r in sql(DB, "SELECT id FROM articles a WHERE status ="
                              " 'published' AND published_at <= ? AND type ="
                              " coalesce(?, type) AND published_at >= ? AND"
                              " published_at < ?" + SITE_1 + listed,
                              (now, type_, since, until) + lists)}
    rows = sql(DB, "SELECT rowid, rank FROM article_search WHERE"
               " article_search MATCH ?", (match,))
    return {i: -r for i, r in rows if i in live}


def test_same_first_page():
    # Prefixes and phrases: the first page is the engine's own ranking
    # over every match (scores compared, so ties may come in any order).
    for text, match, tsquery in [
            ("net*", '"net"*', "'net':*"),
            ("tele*", '"tele"*', "'tele':*"),
            ('"open ran"', '"open ran"', "'open' <-> 'ran'"),
            ('"network slicing"', '"network slicing"',
             "'network' <-> 'slicing'"),
            ("private 5g", '"private" AND "5g"', "'private' & '5g'"),
            # In most of the demo's stories: on PostgreSQL the window is
            # found by walking the newest rows, not from the GIN index.
            ("operator", '"operator"', "'oper'"),
            ("oper*", '"oper"*', "'oper':*"),
            # Three words, and a word left out: on PostgreSQL walked
            # (the longer walk) or read from the GIN index by how many
            # of the newest stories match, the excluded word tested on
            # the rows either way.
            ("open ran operator", '"open" AND "ran" AND "operator"',
             "'open' & 'ran' & 'oper'"),
            ("private 5g network", '"private" AND "5g" AND "network"',
             "'privat' & '5g' & 'network'"),
            ("operator -network", '"operator" NOT "network"',
             "'oper' & !'network'"),
            ("5g -operator", '"5g" NOT "operator"', "'5g' & !'oper'")]:
        ref = live_scores(match, tsquery)
        best = sorted(ref.values(), reverse=True)[:10]
        got = ids({"q": text})
        ok(len(best) == 10, "%s matches at least a page of the demo" % text,
           len(best))
        eq([round(ref.get(i, -1e9), 9) for i in got],
           [round(v, 9) for v in best],
           "%s: the first page is the engine's best ten" % text)
    # A filter is applied after ranking, so every match is scored; a
    # date that leaves a few old stories out is ranked with the pruning.
    t = sql(DB, "SELECT published_at FROM articles WHERE status ="
            " 'published' ORDER BY published_at LIMIT 1 OFFSET 30")[0][0]
    day = time.strftime("%Y-%m-%d", time.gmtime(int(t)))
    since = int(t) - int(t) % 86400
    for word, match, tsquery in [("5g", '"5g"', "'5g'"),
                                 ("operator", '"operator"', "'oper'")]:
        for params, ref in [
                ({"type": "news-analysis"},
                 live_scores(match, tsquery, "news-analysis")),
                ({"from": day}, live_scores(match, tsquery, since=since))]:
            best = sorted(ref.values(), reverse=True)[:10]
            got = ids(dict(params, q=word))
            ok(len(best) == 10, "%s, %s: a page of the demo matches"
               % (word, params), len(best))
            eq([round(ref.get(i, -1e9), 9) for i in got],
               [round(v, 9) for v in best],
               "%s, %s: the first page is the engine's best ten"
               % (word, params))
    # The filters whose ids are read from an index of articles first (a
    # type, a range of dates, a section, an author; store_search.c's
    # search_kept) and a prefix longer than the prefix index's: the
    # first page and the count are the engine's own over every match.
    for what, params, match, tsquery, type_, since, until, sect, auth in \
            kept_cases():
        same_page_and_count(what, params, match, tsquery, type_, since,
                            until, sect, auth)


def kept_cases():
    """Queries with the filters search_kept() reads the ids of: each
    with its FTS5 query, its tsquery and the filters live_scores()
    takes."""
    # The middle half of the live stories' days.
    times = [int(r[0]) for r in sql(
        DB, "SELECT published_at FROM articles WHERE status = 'published'"
        " AND published_at <= ? ORDER BY published_at", (int(time.time()),))]
    first = times[len(times) // 4] - times[len(times) // 4] % 86400
    last = times[3 * len(times) // 4] - times[3 * len(times) // 4] % 86400
    span = {"from": time.strftime("%Y-%m-%d", time.gmtime(first)),
            "to": time.strftime("%Y-%m-%d", time.gmtime(last - 86400))}
    section = sql(DB, "SELECT id FROM sections WHERE slug = 'cable-tech'")[0][0]
    sub = sql(DB, "SELECT id, slug FROM sections WHERE parent_id = ?"
              " ORDER BY id LIMIT 1", (section,))[0]
    section_5g = sql(DB, "SELECT id FROM sections WHERE slug = '5g'")[0][0]
    author = sql(DB, "SELECT id FROM authors WHERE slug = 'maren-oakhurst'")[0][0]
    return [
        ("telek*", {"q": "telek*"}, '"telek"*', "'telek':*", None, 0,
         2 ** 62, 0, 0),
        ("spectr*", {"q": "spectr*"}, '"spectr"*', "'spectr':*", None, 0,
         2 ** 62, 0, 0),
        ("network, type opinion", {"q": "network", "type": "opinion"},
         '"network"', "'network'", "opinion", 0, 2 ** 62, 0, 0),
        ("5g, %(from)s to %(to)s" % span, dict(span, q="5g"), '"5g"',
         "'5g'", None, first, last, 0, 0),
        ("network, news, %(from)s to %(to)s" % span,
         dict(span, q="network", type="news"), '"network"', "'network'",
         "news", first, last, 0, 0),
        ("network, section cable-tech", {"q": "network",
         "section": "cable-tech"}, '"network"', "'network'", None, 0,
         2 ** 62, section, 0),
        ("network, section %s" % sub[1], {"q": "network",
         "section": sub[1]}, '"network"', "'network'", None, 0, 2 ** 62,
         sub[0], 0),
        ("5g, author maren-oakhurst", {"q": "5g",
         "author": "maren-oakhurst"}, '"5g"', "'5g'", None, 0, 2 ** 62,
         0, author),
        ("5g, section 5g, maren-oakhurst, news", {"q": "5g",
         "section": "5g", "author": "maren-oakhurst", "type": "news"},
         '"5g"', "'5g'", "news", 0, 2 ** 62, section_5g, author),
        ("network, cable-tech, %(from)s to %(to)s" % span,
         dict(span, q="network", section="cable-tech"), '"network"',
         "'network'", None, first, last, section, 0)]


def same_page_and_count(what, params, match, tsquery, type_, since, until,
                        sect, auth):
    """The first page and the count of params are the engine's own over
    every match the filters keep."""
    ref = live_scores(match, tsquery, type_, since, until, section=sect,
                      author=auth)
    best = sorted(ref.values(), reverse=True)[:10]
    s, j = api(params)
    got = [r["id"] for r in j["results"]]
    ok(len(best) >= 3, "%s matches several stories of the demo" % what,
       len(best))
    eq([round(ref.get(i, -1e9), 9) for i in got],
       [round(v, 9) for v in best],
       "%s: the first page is the engine's best ten" % what)
    eq(j["total"], min(len(ref), 500), "%s: the count is every match"
       % what)


def far_draft():
    """A draft far along the ids (400,001): every window of the demo is
    then wider than a bitmap spans (131,072 ids; a rarer query's at a
    million stories).  drop_far_draft() deletes it."""
    asia = sql(DB, "SELECT id FROM sections WHERE slug = 'asia'")[0][0]
    sql(DB, "INSERT INTO articles (id, slug, type, status, title, section_id,"
        " published_at, updated_at, created_at) VALUES (400001,"
        " 'far-draft', 'news', 'draft', 'A draft far along', ?, 1577836800,"
        " 1577836800, 1577836800)", (asia,))


def drop_far_draft():
    sql(DB, "DELETE FROM articles WHERE id = 400001")


def test_ties_in_id_order():
    # Stories of the same rank come in the order of their ids, as FTS5's
    # own sort hands them over.  On SQLite masthead sorts the ranks of a
    # section's stories in a wide window itself (store_search.c's
    # ranked_page) and must order ties the same way.  Four stories alike
    # but for their slugs tie on both engines.
    made = [story(title="Zanzibarite tie %s" % n, dek="The same dek.",
                  body_md="Zanzibarite in the same words.")
            for n in ("one", "two", "three", "four")]
    # Through FTS5's sort: no filter, and a section over a narrow window.
    got = ids({"q": "zanzibarite"})
    eq(sorted(got), sorted(made), "the four stories alike are found")
    narrow = ids({"q": "zanzibarite", "section": "asia"})
    far_draft()
    try:
        wide = ids({"q": "zanzibarite", "section": "asia", "page": "1"})
    finally:
        drop_far_draft()
    if not is_pg(DB):
        eq(got, sorted(made), "stories of the same rank in the order of"
           " their ids")
        eq((narrow, wide), (got, got), "the same order with a section,"
           " ranked by FTS5 (a narrow window) and by masthead (a wide one)")
        one_site(made)
    for i in made:
        admin("POST", "/api/v1/admin/articles/%d/unpublish" % i, {})


def one_site(made):
    """On an instance of one site, a query with no filter is ranked as it
    is read, newest first, and sorted by masthead (store_search.c's
    SQ_RANK_TOP): the demo's sister sites make every search of the
    other tests a filtered one.  A copy of the demo with its first site
    alone: the first pages are the engine's own, ties in the order of
    ids (the four stories alike, made), a word left out too."""
    d = tempfile.mkdtemp(prefix="masthead-search-one-")
    copy = os.path.join(d, "one.db")
    src, dst = sqlite3.connect(DB), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("DELETE FROM sites WHERE id <> 1")
    dst.commit()
    dst.close()
    one = Server(db=copy)
    try:
        now = int(time.time())
        live = {r[0] for r in sql(copy, "SELECT id FROM articles WHERE"
                                  " status = 'published' AND"
                                  " published_at <= ?", (now,))}
        for text, match, page in [("zanzibarite", '"zanzibarite"', 1),
                                  ("operator", '"operator"', 1),
                                  ("operator", '"operator"', 3),
                                  ("operator -network",
                                   '"operator" NOT "network"', 1),
                                  ('"open ran"', '"open ran"', 2)]:
            ref = {i: -r for i, r in sql(copy, "SELECT rowid, rank FROM"
                                         " article_search WHERE"
                                         " article_search MATCH ?",
                                         (match,)) if i in live}
            best = sorted(ref.values(), reverse=True)
            best = best[(page - 1) * 10:page * 10]
            s, h, b = one.get("/api/v1/search?" + q({"q": text,
                                                    "page": page}))
            got = [r["id"] for r in json.loads(b)["results"]]
            ok(len(best) > 0, "one site, %s: matches" % text)
            eq([round(ref.get(i, -1e9), 9) for i in got],
               [round(v, 9) for v in best],
               "one site, %s, page %d: the engine's own ranking"
               % (text, page))
            if text == "zanzibarite":
                eq(got, sorted(made), "one site: stories of the same rank"
                   " in the order of their ids")
    finally:
        one.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_wide_window():
    # A window over more ids than a bitmap spans (131,072; a rarer
    # query's at a million stories): a draft far along the ids makes
    # every window of the demo that wide, so a section's and an
    # author's ids are found from the window's matches and the list
    # (store_search.c's kept_wide), never from the window's earliest
    # time.  The pages and counts are the engine's own all the same.
    # The queries differ from test_same_first_page's (page=1), so no
    # page of the cache answers them.
    far_draft()
    try:
        for what, params, match, tsquery, type_, since, until, sect, auth \
                in kept_cases():
            if sect or auth:
                same_page_and_count("wide window, " + what,
                                    dict(params, page="1"), match, tsquery,
                                    type_, since, until, sect, auth)
        # A section with stories, none of them a match: no result, a
        # count of 0.
        empty = [slug for i, slug in sql(
            DB, "SELECT id, slug FROM sections s WHERE EXISTS (SELECT 1"
            " FROM section_articles x WHERE x.section_id = s.id)"
            " ORDER BY id") if not live_scores('"cable"', "'cabl'",
                                               section=i)]
        ok(empty, "a section of the demo has no story about cable")
        s, j = api({"q": "cable", "section": empty[0], "page": "1"})
        eq((s, j["results"], j["total"]), (200, [], 0),
           "wide window: a section that keeps none of the matches")
        # Past the first page: the pages follow one another.
        p1 = ids({"q": "network", "section": "cable-tech", "page": "1"})
        p2 = ids({"q": "network", "section": "cable-tech", "page": "2"})
        ref = live_scores('"network"', "'network'",
                          section=sql(DB, "SELECT id FROM sections WHERE"
                                      " slug = 'cable-tech'")[0][0])
        best = sorted(ref.values(), reverse=True)[:20]
        eq([round(ref.get(i, -1e9), 9) for i in p1 + p2],
           [round(v, 9) for v in best],
           "wide window: pages 1 and 2 are the engine's best twenty")
    finally:
        drop_far_draft()


def test_oldest_title_first():
    # The oldest live story, searched for by the words of its title, is
    # the first result however many newer stories share those words.
    now = int(time.time())
    oldest, title = sql(DB, "SELECT id, title FROM articles WHERE status ="
                        " 'published' AND published_at <= ? ORDER BY"
                        " published_at, id LIMIT 1", (now,))[0]
    got = ids({"q": title})
    eq(got[:1], [oldest], "the oldest story comes first for its own title")
    words = [w for w in re.findall(r"\w+", title) if len(w) > 3]
    s, j = api({"q": words[0]})
    ok(s == 200 and j["total"] > 1,
       "its title's first long word (%s) is in other stories too" % words[0],
       j and j["total"])
    newest = story(title="A newer story on " + title,
                   body_md=" ".join([title] * 5))
    got = ids({"q": title})
    ok(oldest in got[:2] and newest in got[:2],
       "a newer story with the same words does not push it off the top",
       got[:3])


def test_snippets_escape():
    i = story(title="<script>alert(1)</script> Zentrovax & friends",
              body_md="Before <b>bold</b> zentrovax \"quoted\" after & more.")
    s, j = api({"q": "zentrovax"})
    r = [x for x in j["results"] if x["id"] == i][0]
    ok("<script>" not in r["title_html"] and "&lt;script&gt;" in r["title_html"],
       "the highlighted title is HTML-escaped", r["title_html"])
    contains(r["title_html"], "<mark>Zentrovax</mark>", "the matched title word is marked")
    contains(r["snippet_html"], "<mark>zentrovax</mark>", "the matched body word is marked")
    ok("<b>" not in r["snippet_html"], "the snippet carries no markup from the body",
       r["snippet_html"])
    s, h, page = srv.html("/search?q=zentrovax")
    eq(s, 200, "the search page answers 200")
    ok("<script>alert(1)</script>" not in page, "the page shows no raw script tag")
    contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Zentrovax</mark>",
             "the page shows the escaped, highlighted title")


def test_filters():
    base = {"q": "5g"}
    s, j = api(dict(base, type="news-analysis"))
    ok(s == 200 and j["results"] and
       all(r["type"] == "news-analysis" for r in j["results"]),
       "type= keeps only that type")
    s, h, sec = srv.json("/api/v1/sections/cable-tech")
    slugs = {"cable-tech"} | {c["slug"] for c in sec["children"]}
    s, j = api({"q": "cable", "section": "cable-tech"})
    ok(s == 200 and j["results"] and
       all(r["section_slug"] in slugs for r in j["results"]),
       "section= keeps the section and its sub-sections",
       [r["section_slug"] for r in j["results"]])
    s, j = api(dict(base, author="maren-oakhurst"))
    good = s == 200 and len(j["results"]) > 0
    for r in j["results"] if good else []:
        s2, h2, a = srv.json("/api/v1/articles/" + r["slug"])
        good = good and "maren-oakhurst" in [x["slug"] for x in a["article"]["authors"]]
    ok(good, "author= keeps that author's stories")
    s, j = api(base)
    day = j["results"][0]["date_iso"][:10]
    s, j = api(dict(base, **{"from": day, "to": day}))
    ok(s == 200 and j["results"] and
       all(r["date_iso"][:10] == day for r in j["results"]),
       "from= and to= keep the stories of those days (UTC)")
    s, j = api(dict(base, **{"from": "2099-01-01"}))
    eq((s, j["results"], j["no_results"]), (200, [], True),
       "a range with no story gives no results")
    for params, why in (({"type": "bogus"}, "an unknown type"),
                        ({"section": "no-such-section"}, "an unknown section"),
                        ({"section": "../etc"}, "a malformed section"),
                        ({"author": "nobody-at-all"}, "an unknown author"),
                        ({"from": "2021-02-30"}, "an impossible date"),
                        ({"to": "yesterday"}, "a date that is not a date"),
                        ({"from": "2022-01-02", "to": "2022-01-01"}, "from after to"),
                        ({"sort": "best"}, "an unknown sort"),
                        ({"page": "0"}, "page 0"),
                        ({"page": "51"}, "a page past the last"),
                        ({"page": "x"}, "a page that is not a number"),
                        ({"bogus": "1"}, "an unknown parameter (API)")):
        s, j = api(dict(base, **params))
        ok(s == 400 and "message" in j["error"], "API: %s is a 400 with a message" % why)
        if "bogus" in params:
            continue
        s, h, b = srv.html("/search?" + q(dict(base, **params)))
        ok(s == 400 and 'class="search-error"' in b,
           "page: %s is a 400 that says what was wrong" % why)


def test_reader_errors():
    """A bad filter answers the search page itself: a sentence in plain
    words above the form, which keeps everything the reader gave."""
    params = {"q": "open ran", "section": "cable-tech", "type": "news", "author": "Maren Oakhurst",
              "from": "2022-01-02", "to": "2022-01-01", "sort": "date"}
    s, h, b = srv.html("/search?" + q(params))
    eq(s, 400, "from after to is a 400")
    contains(b, '<p class="search-error" role="alert">The From date is after the To date: '
             'swap them, or clear one.</p>', "saying so in plain words")
    contains(b, 'name="q" value="open ran"', "the words are kept")
    contains(b, '<option value="cable-tech" selected>', "and the section")
    contains(b, '<option value="news" selected>', "and the type")
    contains(b, 'name="author" value="Maren Oakhurst"', "and the author")
    contains(b, 'name="from" value="2022-01-02"', "and the From date")
    contains(b, 'name="to" value="2022-01-01"', "and the To date")
    contains(b, '<option value="date" selected>', "and the order")
    s, h, b = srv.html("/search?" + q({"q": "5g", "author": "Nobody Atall", "type": "news"}))
    eq(s, 400, "an unknown author is a 400")
    contains(b, "No author of ours has that name", "that says so in plain words")
    ok('name="author" value="Nobody Atall"' in b and '<option value="news" selected>' in b,
       "keeping the name typed and the other filters")
    s, h, b = srv.html("/search?" + q({"q": "5g", "from": "2021-02-30"}))
    ok(s == 400 and "The From date is not a date" in b and 'name="q" value="5g"' in b,
       "an impossible date is a 400 that keeps the words", s)
    contains(b, 'name="from" value=""', "and leaves out what a date field cannot hold")


def test_author_by_name():
    s, h, j = srv.json("/api/v1/authors/maren-oakhurst")
    name = j["author"]["name"]
    by_slug = ids({"q": "5g", "author": "maren-oakhurst"})
    ok(by_slug, "the author has stories about 5G")
    eq(ids({"q": "5g", "author": name}), by_slug, "the author filter takes the author's name")
    eq(ids({"q": "5g", "author": name.upper()}), by_slug, "whatever its case")
    s, h, b = srv.html("/search?q=5g")
    contains(b, '<input type="text" name="author" value="" list="search-authors"',
             "the field suggests names")
    contains(b, '<option value="%s"></option>' % name, "the authors' names")


def test_count_and_past_last():
    s, j = api({"q": "quarbleton"})
    eq((j["total"], j["total_capped"]), (2, False), "the API counts the results")
    s, h, b = srv.html("/search?q=quarbleton")
    contains(b, '<p class="search-count">2 stories match.</p>', "the page shows the count")
    s, j = api({"q": "5g"})
    ok(j["total"] > 10, "a count beyond one page", j["total"])
    s, j2 = api({"q": "5g", "page": "50"})
    ok(j["total_capped"] or j2["results"] == [], "a large count is capped at what pages reach")
    # Found in most stories (on PostgreSQL the page's statement counts,
    # within the window of the newest 520 matches: a lower bound).
    live = len(live_scores('"operator"', "'oper'", window=False))
    ok(live > 500, "operator is in more stories than pages reach", live)
    s, j = api({"q": "operator"})
    if is_pg(DB):
        n = len(live_scores('"operator"', "'oper'"))
        ok(n < live, "the window leaves some out", (n, live))
        want = (n, True, "At least %d stories match." % n)
        last = (n + 9) // 10
    else:
        want = (500, True, "More than 500 stories match.")
        last = 50
    eq((j["total"], j["total_capped"], j["total_text"]), want,
       "a count past what pages or the window reach says so")
    s, j = api({"q": "operator", "page": str(last)})
    ok(len(j["results"]) > 0, "the last page it reaches has results",
       len(j["results"]))
    eq((j["total"], j["total_capped"]), want[:2],
       "and is counted the same as page 1")
    s, j = api({"q": "operator", "page": str(last + 1)})
    if last < 50:
        eq((j["results"], j["past_last"], j["last_page"], j["total_text"]),
           ([], True, last, want[2]), "the page after it is past the last")
    s, j = api({"q": "operator", "type": "news-analysis"})
    eq((j["total"], j["total_capped"]),
       (len(live_scores('"operator"', "'oper'", "news-analysis")), is_pg(DB)),
       "a filter counts what passes it (on PostgreSQL, at least)")
    s, h, b = srv.html("/search?q=operator")
    contains(b, '<p class="search-count">%s</p>' % want[2],
             "the page says the same")
    s, h, b = srv.html("/search?q=quarbleton&page=3")
    eq(s, 200, "a page past the last answers")
    contains(b, 'class="empty search-past">Page 3 is past the last page of results: '
             '2 stories match. <a href="/search?q=quarbleton">Go to page 1</a>, the last.',
             "saying so and linking to the last page")
    ok("search-none" not in b, "not that nothing matches")
    s, j = api({"q": "quarbleton", "page": "3"})
    eq((j["results"], j["no_results"], j["past_last"], j["last_page"]), ([], False, True, 1),
       "the API says the same")


def test_pagination():
    s, p1 = api({"q": "5g"})
    eq(len(p1["results"]), 10, "a page holds 10 results")
    eq(p1["next_page"], 2, "and says which page comes next")
    s, p2 = api({"q": "5g", "page": "2"})
    a = [r["id"] for r in p1["results"]]
    b = [r["id"] for r in p2["results"]]
    ok(b and not set(a) & set(b), "page 2 holds other stories than page 1")
    eq(p2["prev_page"], 1, "page 2 links back to page 1")
    s, h, page = srv.html("/search?q=5g")
    m = re.search(r'href="([^"]*)" rel="next"', page)
    ok(m is not None, "the page links to the next one")
    s, h, page2 = srv.html(m.group(1).replace("&amp;", "&"))
    eq(s, 200, "the next link works")
    contains(page2, 'rel="prev"', "and the next page links back")
    s, last = api({"q": "quarbleton"})
    eq(last["next_page"], None, "the last page has no next page")


def test_states():
    s, h, page = srv.html("/search")
    eq(s, 200, "/search without a query is 200")
    contains(page, "search-empty", "and shows the empty state")
    ok("search-none" not in page, "not the no-results state")
    s, h, page = srv.html("/search?q=xyzzyplughnothing")
    eq(s, 200, "a query that finds nothing is 200")
    contains(page, "search-none", "and shows the no-results state")
    contains(page, "xyzzyplughnothing", "naming the query")
    s, h, page = srv.html("/")
    contains(page, 'href="/search"', "the header links to search")


HOSTILE = [
    "", " ", '"', '""', '"unbalanced', "(((", ")", "a)b(", "NEAR(a b)",
    "NEAR", "*", "**", "a*b", "-", "--", "-5g", "OR", "a OR", "OR b",
    "a OR OR b", "AND", "NOT", "a NOT", "5g AND NOT", ":", "title:5g",
    "{a b}", "^5g", "'", "''", "a'b", "\\", "5g\\", "&|!", "'x' & y",
    "!5g", "<->", "5g:*", "%", "_", "\u00e9l\u00e9phant", "\u201c5G\u201d",
    "\u4e2d\u56fd", "\U0001F4F6", "a" * 1200, "5g " * 400,
    ("x" * 70 + " ") * 20, "\"" * 999, "(" * 1000, "a\tb\u00a0c",
]


def test_hostile():
    for text in HOSTILE:
        for path in ("/search?", "/api/v1/search?"):
            s, h, b = srv.get(path + q({"q": text}))
            if s != 200:
                ok(False, "%r on %s answers 200, not %d" % (text[:40], path, s))
                break
        else:
            ok(True, "%r is searched without an error" % text[:40])
    for raw in ("%ff", "%c3%28", "%ed%a0%80", "%00", "%"):
        s, h, b = srv.get("/search?q=" + raw)
        eq(s, 400, "invalid UTF-8 or a bad escape (%s) is 400, not 500" % raw)
    # A query is one line (docs/text.md): a line break never reaches the search.
    s, h, b = srv.get("/search?q=a%0Ab")
    ok(s == 400 and b"line break" in b, "a line break in q is 400, saying so", s)
    s, j = api({"q": '"quarbleton'})
    ok(len(j["results"]) == 2, "an unbalanced quote is searched as plain words")
    s, j = api({"q": "quarbleton -spectrum"})
    eq(len(j["results"]), 1, "-word leaves stories with that word out")
    s, j = api({"q": "quarbleton OR zentrovax"})
    eq(len(j["results"]), 3, "a OR b finds either")
    s, j = api({"q": "quarble*"})
    eq(len(j["results"]), 2, "word* finds words that start so")
    s, j = api({"q": '"spectrum licence"'})
    ok(len(j["results"]) >= 1, "a quoted phrase is found")


def test_follows_writes():
    s, j = admin("POST", "/api/v1/admin/articles",
                 {"title": "Plinthorax enters the market", "section": "asia",
                  "body_md": "Draft text."})
    i = j["article"]["id"]
    path = "/search?q=plinthorax"
    eq(ids({"q": "plinthorax"}), [], "a draft is not found")
    srv.get(path)
    s, h, b = srv.get(path)
    eq(h.get("x-cache"), "hit", "a search page is cached")
    admin("POST", "/api/v1/admin/articles/%d/publish" % i, {})
    s, h, b = srv.get(path)
    ok(h.get("x-cache") != "hit" and b"Plinthorax" in b,
       "publishing drops the cached search page and the story is found")
    eq(ids({"q": "plinthorax"}), [i], "the API finds it too")
    admin("PATCH", "/api/v1/admin/articles/%d" % i,
          {"title": "Gravenmoor enters the market"})
    eq(ids({"q": "plinthorax"}), [], "after an edit the old title is not found")
    eq(ids({"q": "gravenmoor"}), [i], "and the new one is")
    srv.get(path)
    admin("PATCH", "/api/v1/admin/articles/%d" % i, {"body_md": "Now about plinthorax."})
    s, h, b = srv.get(path)
    ok(h.get("x-cache") != "hit" and b"Gravenmoor" in b,
       "an edit of the body drops the cached page; the body is searched")
    admin("POST", "/api/v1/admin/articles/%d/unpublish" % i, {})
    eq(ids({"q": "gravenmoor"}), [], "an unpublished story is not found")
    s, h, b = srv.get(path)
    ok(b"Gravenmoor" not in b, "and leaves the cached search page")
    later = story(title="Sorvatine launches tomorrow")
    admin("POST", "/api/v1/admin/articles/%d/publish" % later,
          {"at": "2099-01-01T00:00:00Z"})
    eq(ids({"q": "sorvatine"}), [], "a story scheduled for later is not found yet")


def test_api_parity():
    params = {"q": "spectrum auction", "sort": "relevance"}
    s, j = api(params)
    s, h, page = srv.html("/search?" + q(params))
    urls = re.findall(r'<h2 class="story-title"><a href="(/article/[^"]+)">', page)
    eq(urls, [r["url"] for r in j["results"]],
       "the page and the API list the same stories in the same order")
    eq(j["query"]["q"], "spectrum auction", "the API echoes the query")


def test_related():
    a = story(title="Ferrovane opens a lab", tags=["Ferrovane", "Labs"],
              section="cable-tech")
    b = story(title="Ferrovane lab hires engineers", tags=["Ferrovane"],
              section="asia")
    s, h, j = srv.json("/api/v1/articles/" + srv.json(
        "/api/v1/search?q=ferrovane")[2]["results"][0]["slug"])
    rel = [r["id"] for r in j["related"]]
    ok(a in rel or b in rel, "related stories include a story sharing a tag and words",
       rel)
    ok(len(rel) <= 5 and j["article"]["id"] not in rel,
       "at most five, never the story itself")
    s, h, page = srv.html("/article/" + j["article"]["slug"])
    contains(page, "Related Stories", "the article page shows them")
    c = story(title="Ferrovane expands the lab again", tags=["Ferrovane"],
              section="6g")
    s, h, j2 = srv.json("/api/v1/articles/" + j["article"]["slug"])
    ok(c in [r["id"] for r in j2["related"]],
       "a new story with a shared tag joins the cached page's related stories")


def test_related_fragment():
    """With no page cache an article's related stories are still kept, as
    a fragment: every write that changes them shows on the very next
    request."""
    nc = Server(["--cache_size", "0"], db=DB)
    try:
        def related(slug):
            s, h, b = nc.html("/article/" + slug)
            assert s == 200, s
            ok("x-cache" not in h, "the page is rendered, not cached", h.get("x-cache"))
            return b[b.index('class="related"'):b.index('class="comments"')]

        a = story(nc, title="Quindlemar opens a plant", tags=["Quindlemar"])
        story(nc, title="Quindlemar plant hires staff", tags=["Quindlemar"])
        slug = nc.json("/api/v1/search?q=quindlemar+opens")[2]["results"][0]["slug"]
        eq(nc.json("/api/v1/articles/" + slug)[2]["article"]["id"], a, "the story")
        for n in (1, 2):
            contains(related(slug), "Quindlemar plant hires staff",
                     "a story sharing the tag is related (render %d)" % n)
        c = story(nc, title="Quindlemar doubles its output", tags=["Quindlemar"])
        contains(related(slug), "Quindlemar doubles its output",
                 "a story published with the tag joins at the next request")
        s, j = admin("PATCH", "/api/v1/admin/articles/%d" % c,
                     {"title": "Quindlemar triples its output"}, nc)
        eq(s, 200, "the related story's title is edited")
        rel = related(slug)
        ok(">Quindlemar triples its output<" in rel and
           ">Quindlemar doubles its output<" not in rel,
           "its new title shows at the next request", rel)
        s, j = admin("POST", "/api/v1/admin/articles/%d/unpublish" % c, {}, nc)
        eq(s, 200, "the related story is unpublished")
        ok("Quindlemar triples" not in related(slug),
           "and leaves the related stories at the next request")
        s, h, j = nc.json("/api/v1/articles/" + slug)
        ok(c not in [r["id"] for r in j["related"]], "the API's too")
    finally:
        nc.stop()


def test_cache_share():
    """Unique queries cannot push other pages out of the cache: search
    results hold at most an eighth of it."""
    small = Server(["--cache_size", "2000000"], db=DB)
    try:
        arts = ["/article/" + r["slug"] for r in
                small.json("/api/v1/articles?limit=20")[2]["articles"]]
        for p in arts:
            small.get(p)
        for i in range(120):
            s, h, b = small.get("/search?q=5g+w%d" % i)
            assert s == 200, s
        hits = sum(small.get(p)[1].get("x-cache") == "hit" for p in arts)
        eq(hits, len(arts), "120 unique searches leave every cached article in the cache")
        first = small.get("/search?q=5g+w0")[1].get("x-cache")
        last = small.get("/search?q=5g+w119")[1].get("x-cache")
        eq((first, last), ("miss", "hit"),
           "the oldest search pages went first, the newest are kept")
    finally:
        small.stop()


def test_reindex():
    r = subprocess.run([BIN, "reindex", "--db", DB], capture_output=True, text=True)
    eq(r.returncode, 0, "masthead reindex succeeds")
    contains(r.stderr, "search index", "and shows its progress on stderr")
    eq(len(ids({"q": "quarbleton"})), 2, "the rebuilt index finds the same stories")


def test_upgrade_rebuilds():
    # A database from before migration 0038, whose FTS5 table has no
    # prefix index: the migration makes the table again, and opening
    # the database builds the index from the articles.  Later versions
    # exist, and "masthead migrate" applies only those above the
    # highest recorded, so 0038's own file is run here as the upgrade
    # runs it; the demo's schema already records it.
    n = sql(DB, "SELECT count(*) FROM article_search")[0][0]
    ok(n > 100, "the index holds the demo's stories", n)
    eq(sql(DB, "SELECT count(*) FROM schema_migrations WHERE version = 38"),
       [(1,)], "the demo's schema records 0038")
    engine = "postgres" if is_pg(DB) else "sqlite"
    path = os.path.join(TOP, "migrations", engine, "0038_search_prefix.sql")
    if not is_pg(DB):
        sql(DB, "DROP TABLE article_search")
        sql(DB, "CREATE VIRTUAL TABLE article_search USING fts5(title, dek,"
            " body, authors, tags, section, tokenize = 'porter unicode61"
            " remove_diacritics 2')")
        sql(DB, "INSERT INTO article_search (article_search, rank) VALUES"
            " ('rank', 'bm25(10.0, 4.0, 1.0, 4.0, 4.0, 2.0)')")
        con = sqlite3.connect(DB)
        try:
            con.executescript(open(path).read())
        finally:
            con.close()
        eq(sql(DB, "SELECT count(*) FROM article_search")[0][0], 0,
           "0038 leaves the index empty")
    else:
        psql(DB, open(path).read())
        sql(DB, "DELETE FROM article_search")
    r = subprocess.run([BIN, "migrate", "--db", DB], capture_output=True,
                       text=True)
    ok(r.returncode == 0, "masthead opens the upgraded database", r.stderr)
    eq(sql(DB, "SELECT count(*) FROM article_search")[0][0], n,
       "the index is built again with every story")
    if not is_pg(DB):
        spec = sql(DB, "SELECT sql FROM sqlite_master WHERE name ="
                   " 'article_search'")[0][0]
        contains(spec, "prefix = '2 3'", "with the prefix index")
    eq(len(ids({"q": "quarbleton"})), 2, "it finds the same stories")
    eq(len(ids({"q": "net*"})), 10, "and a short prefix fills a page")


run_tests([test_ranking, test_same_first_page, test_ties_in_id_order,
           test_wide_window,
           test_oldest_title_first,
           test_snippets_escape, test_filters, test_reader_errors,
           test_author_by_name, test_count_and_past_last, test_pagination,
           test_states, test_hostile, test_follows_writes, test_api_parity,
           test_related, test_related_fragment, test_cache_share, test_reindex,
           test_upgrade_rebuilds],
          srv.stop)
