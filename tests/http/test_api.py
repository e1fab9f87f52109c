"""The read-only content API: lists with filters and cursor pagination,
single documents equal to what the pages show, and JSON errors."""
import re

from harness import Server, ok, eq, contains, run_tests, sql

srv = Server()


def test_articles_list():
    s, h, j = srv.json("/api/v1/articles")
    eq(s, 200, "GET /api/v1/articles is 200")
    ok(h.get("content-type", "").startswith("application/json"), "it is JSON")
    eq(len(j["articles"]), 20, "default page has 20 articles")
    a = j["articles"][0]
    for k in ("slug", "title", "url", "type", "type_label", "date_iso",
              "section_slug", "author_name", "comment_count"):
        ok(k in a, "list item has " + k)
    seen = set(x["slug"] for x in j["articles"])
    cur, pages = j["next_cursor"], 1
    while cur and pages < 5:
        s, h, j = srv.json("/api/v1/articles?cursor=" + cur)
        slugs = set(x["slug"] for x in j["articles"])
        if seen & slugs:
            break
        seen |= slugs
        cur, pages = j["next_cursor"], pages + 1
    eq(pages, 5, "five pages follow each other without repeats")
    s, h, j = srv.json("/api/v1/articles?limit=3")
    eq(len(j["articles"]), 3, "limit=3 gives three")


def test_filters():
    s, h, j = srv.json("/api/v1/articles?section=asia&limit=100")
    ok(j["articles"] and all(a["section_slug"] in ("asia",) for a in j["articles"]),
       "section filter keeps Asia stories")
    s, h, j = srv.json("/api/v1/articles?section=cable-tech&limit=100")
    secs = set(a["section_slug"] for a in j["articles"])
    ok(len(secs) > 1 and "docsis" in secs,
       "a parent section includes its sub-sections' stories")
    s, h, j = srv.json("/api/v1/articles?author=ken-wieland&limit=100")
    ok(any(a["slug"] == "us-scraps-xiaomi-blacklisting" for a in j["articles"]),
       "author filter finds the Xiaomi story")
    s, h, j = srv.json("/api/v1/articles?type=partner-perspective")
    ok(j["articles"] and all(a["type"] == "partner-perspective" for a in j["articles"]),
       "type filter keeps partner perspectives")
    s, h, j = srv.json("/api/v1/articles?section=asia&type=news-analysis&limit=100")
    ok(all(a["type"] == "news-analysis" and a["section_slug"] == "asia"
           for a in j["articles"]), "section and type combine")
    # Page by page, with and without a type (each has its own statements),
    # a list is the same as in one page.
    for q in ("section=cable-tech", "section=cable-tech&type=news",
              "type=news", "author=ken-wieland&type=news"):
        s, h, whole = srv.json("/api/v1/articles?%s&limit=100" % q)
        want = [a["slug"] for a in whole["articles"]]
        got, cur = [], None
        while len(got) <= len(want):
            s, h, j = srv.json("/api/v1/articles?%s&limit=3%s" % (
                q, "&cursor=" + cur if cur else ""))
            got += [a["slug"] for a in j["articles"]]
            cur = j["next_cursor"]
            if cur is None:
                break
        ok(len(want) > 3 and got[:len(want)] == want,
           "?%s page by page is the whole list (%d stories)" % (q, len(want)))
    s, h, art = srv.json("/api/v1/articles/us-scraps-xiaomi-blacklisting")
    tag = art["article"]["tags"][0]["slug"]
    s, h, j = srv.json("/api/v1/articles?tag=" + tag)
    ok(any(a["slug"] == "us-scraps-xiaomi-blacklisting" for a in j["articles"]),
       "tag filter finds the article")


def test_errors():
    for q, st in (("?cursor=bogus", 400), ("?limit=0", 400), ("?limit=101", 400),
                  ("?limit=abc", 400), ("?type=nonsense", 400),
                  ("?section=asia&tag=x", 400), ("?colour=red", 400),
                  ("?section=no-such-section", 404), ("?author=Bad!", 404)):
        s, h, j = srv.json("/api/v1/articles" + q)
        eq(s, st, "/api/v1/articles%s is %d" % (q, st))
        ok("error" in j and j["error"]["status"] == st, "the error is a JSON document")
    s, h, j = srv.json("/api/v1/articles/no-such-story")
    eq((s, j["error"]["status"]), (404, 404), "unknown article is a JSON 404")
    s, h, j = srv.json("/api/v1/nothing-here")
    eq(s, 404, "unknown API path is a JSON 404")


def test_article_matches_page():
    s, h, j = srv.json("/api/v1/articles/us-scraps-xiaomi-blacklisting")
    eq(s, 200, "article document is 200")
    a = j["article"]
    eq(a["title"], "US scraps Xiaomi blacklisting", "title")
    eq(a["type_label"], "News Analysis", "type label")
    eq(a["authors"][0]["name"], "Ken Wieland", "author")
    eq(a["authors"][0]["role"], "contributing editor", "role")
    eq(a["date"], "May 12, 2021", "date")
    eq(a["hero_credit"], "keso s on Flickr", "credit")
    eq(a["section_path"][-1]["name"], "Asia", "section")
    ok(len(j["related"]) >= 3, "related stories")
    s, h, html = srv.html("/article/us-scraps-xiaomi-blacklisting")
    contains(html, a["body_html"][:200], "page body equals the API's body_html")
    for r in j["related"]:
        contains(html, 'href="%s"' % r["url"], "page links related " + r["slug"])


def test_article_authors_tags():
    """A story's authors come in their byline's order and its tags by
    name, each with its own fields, as the database holds them."""
    slug = "podcast-open-ran-year-of-proof"
    s, h, j = srv.json("/api/v1/articles/" + slug)
    eq(s, 200, "the two-author story's document is 200")
    a = j["article"]
    authors = [r[0] for r in sql(
        srv.db, "SELECT au.slug FROM articles a"
        " JOIN article_authors aa ON aa.article_id = a.id"
        " JOIN authors au ON au.id = aa.author_id WHERE a.slug = ?"
        " ORDER BY aa.position, au.id", (slug,))]
    tags = [r[0] for r in sql(
        srv.db, "SELECT t.slug FROM articles a"
        " JOIN article_tags x ON x.article_id = a.id"
        " JOIN tags t ON t.id = x.tag_id WHERE a.slug = ?"
        " ORDER BY t.name", (slug,))]
    ok(len(authors) == 2 and len(tags) >= 2,
       "the story has two authors and tags (%r, %r)" % (authors, tags))
    eq([x["slug"] for x in a["authors"]], authors,
       "its authors, in the byline's order (not by id)")
    eq([x["slug"] for x in a["tags"]], tags, "its tags, by name")
    eq([sorted(x) for x in a["authors"]],
       [["byline", "company", "id", "name", "role", "slug", "url"]] * 2,
       "an author has an author's fields")
    eq([sorted(x) for x in a["tags"]], [["id", "name", "slug", "url"]] * len(tags),
       "a tag has a tag's fields, none of an author's")
    ok(all(isinstance(x["id"], int) for x in a["authors"] + a["tags"]),
       "ids are numbers")
    s, h, html = srv.html("/article/" + slug)
    first, second = (html.find('"/author/%s"' % x) for x in authors)
    ok(0 <= first < second, "the page's byline names them in the same order")


def test_other_documents():
    s, h, j = srv.json("/api/v1/sections")
    ok(s == 200 and len(j["sections"]) >= 40, "all sections are listed")
    s, h, j = srv.json("/api/v1/sections/asia")
    eq((s, j["section"]["name"]), (200, "Asia"), "section document")
    ok(len(j["articles"]) > 0, "section document lists articles")
    s, h, j = srv.json("/api/v1/authors?limit=5")
    eq(len(j["authors"]), 5, "authors page of five")
    s2, h2, j2 = srv.json("/api/v1/authors?limit=5&after=%d" % j["next_after"])
    ok(not set(a["slug"] for a in j["authors"]) & set(a["slug"] for a in j2["authors"]),
       "authors paginate by name")
    everyone = [a["id"] for a in srv.json("/api/v1/authors?limit=100")[2]["authors"]]
    walked, after = [], 0
    while after is not None and len(walked) <= len(everyone):
        page = srv.json("/api/v1/authors?limit=3&after=%d" % after)[2]
        walked += [a["id"] for a in page["authors"]]
        after = page["next_after"]
    eq(walked, everyone, "walking the authors three at a time lists each once, in order")
    eq(srv.json("/api/v1/authors?after=ken")[0], 400, "after= takes an author id")
    s, h, j = srv.json("/api/v1/authors/ken-wieland")
    eq(j["author"]["role"], "contributing editor", "author document")
    s, h, j = srv.json("/api/v1/events")
    ok(s == 200 and len(j["events"]) >= 2, "upcoming events document")
    s, h, j = srv.json("/api/v1/events?archive=1")
    ok(any(e["name"] == "Optical Networking Digital Symposium" for e in j["events"]),
       "events archive document")
    slug = j["events"][0]["slug"]
    s, h, j = srv.json("/api/v1/events/" + slug)
    eq(s, 200, "event document")
    s, h, j = srv.json("/api/v1/webinars?archive=1")
    ok(any(w["starts_long"] == "May 13, 2021" for w in j["webinars"]),
       "webinar archive document")
    s, h, j = srv.json("/api/v1/webinars/" + j["webinars"][0]["slug"])
    eq(s, 200, "webinar document")
    eq(srv.json("/api/v1/events?archive=2")[0], 400, "archive=2 is 400")


def test_json_escaping():
    s, h, b = srv.get("/api/v1/articles/us-scraps-xiaomi-blacklisting")
    ok(b"</" not in b, "JSON escapes '/' so '</script>' cannot appear")


run_tests([test_articles_list, test_filters, test_errors,
           test_article_matches_page, test_article_authors_tags,
           test_other_documents, test_json_escaping],
          srv.stop)
