"""Sister sites: one instance serves several publications by host name
(docs/sites.md).

Each site has its own home page, feeds, sitemaps, robots.txt, canonical
URLs and colours, and a page of one site is never served for another,
whether it comes from a render or from the cache on the event loop.  A
story shown on another site keeps its canonical URL on its home site.
Admins add and change sites (bad input is 422 naming the field, nothing
stored), and a user limited to one site cannot write to another (403).
A host no site has gets the default site, or 421 with unknown_host 421.
"""
import re
import subprocess
import tempfile

from harness import (BIN, Server, Newsroom, Client, ok, eq, contains,
                     run_tests, demo_db, sql, on_pg, until)
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"
DIR = tempfile.mkdtemp(prefix="masthead-sites-")
DB = demo_db(DIR)
for who, role in (("admin", "admin"), ("limited", "editor")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role,
                    "--name", who.title(), who + "@example.com"],
                   input=PW, text=True, check=True, capture_output=True)
# The newest stories: the first two will belong to alpha, the third is
# the default site's and is shown on beta.
STORIES = sql(DB, "SELECT id, slug, title FROM articles"
              " WHERE status = 'published' AND site_id = 1"
              " ORDER BY published_at DESC, id DESC LIMIT 3")
DEMO_SITES = sql(DB, "SELECT count(*) FROM sites")[0][0]
SINK = SmtpSink()
srv = Server(db=DB, args=["--smtp_host", "127.0.0.1",
                          "--smtp_port", str(SINK.port)])
NEWSROOM = Newsroom(srv, PW)
PORT = srv.port
OWN = "http://127.0.0.1:%d" % PORT


def base(slug):
    return "http://%s.localhost:%d" % (slug, PORT)


def on(host, path, headers=None):
    """GET path with Host: host (a name, or a site's slug + .localhost)."""
    h = {"Host": host if "." in host or ":" in host
         else "%s.localhost:%d" % (host, PORT)}
    h.update(headers or {})
    s, hd, b = srv.request("GET", path, h)
    return s, hd, b.decode("utf-8", "replace")


def add_site(slug, name, accent="", host=None, url=None):
    return NEWSROOM.post("/admin/sites", "admin", {
        "slug": slug, "host": host if host is not None else slug + ".localhost",
        "name": name, "tagline": name + " tagline",
        "base_url": url if url is not None else base(slug), "logo": "",
        "accent": accent})


def count_sites():
    return sql(DB, "SELECT count(*) FROM sites")[0][0]


def test_bad_input():
    n = count_sites()
    for field, value, word in (("slug", "Bad Slug", "slug"),
                               ("host", "bad_host:80", "host"),
                               ("base_url", "ftp://x.example", "base_url"),
                               ("accent", "red", "accent"),
                               ("name", "", "name")):
        fields = {"slug": "gamma", "host": "gamma.localhost",
                  "name": "Gamma", "tagline": "", "base_url": base("gamma"),
                  "logo": "", "accent": ""}
        fields[field] = value
        s, h, b = NEWSROOM.post("/admin/sites", "admin", fields)
        eq(s, 422, "a bad %s is refused with 422" % field)
        contains(b, word + ":", "the page names the field %s" % word)
    eq(count_sites(), n, "nothing was stored")
    s, h, b = NEWSROOM.post("/admin/sites", "limited", {"slug": "x"})
    eq(s, 403, "an editor may not add a site")


def test_add_sites():
    s, h, b = add_site("alpha", "Alpha Wire", "#0b6e4f")
    eq(s, 303, "an admin adds a site")
    s, h, b = add_site("beta", "Beta Weekly")
    eq(s, 303, "and another")
    s, h, b = add_site("alpha", "Alpha Again")
    eq(s, 409, "a slug two sites would share is refused")
    s, h, b = add_site("delta", "Delta", host="alpha.localhost")
    eq(s, 409, "and a host")
    eq(count_sites(), DEMO_SITES + 2, "two sites more in all")
    s, h, b = NEWSROOM.get("/admin/sites", "admin")
    contains(b, "Alpha Wire", "the sites page lists them")
    ids = dict(sql(DB, "SELECT slug, id FROM sites"))
    for aid, slug, title in STORIES[:2]:
        sql(DB, "UPDATE articles SET site_id = ? WHERE id = ?",
            (ids["alpha"], aid))
    sql(DB, "INSERT INTO article_sites (article_id, site_id) VALUES (?, ?)",
        (STORIES[0][0], ids["beta"]))
    # The rows were changed behind the server's back: drop its pages.
    s, h, b = NEWSROOM.post("/admin/sites/%d" % ids["beta"], "admin", {
        "slug": "beta", "host": "beta.localhost", "name": "Beta Weekly",
        "tagline": "", "base_url": base("beta"), "logo": "", "accent": ""})
    eq(s, 303, "an admin changes a site")


def test_home_and_cache_separation():
    s1, h1, a1 = on("alpha", "/")
    s2, h2, a2 = on("alpha", "/")
    eq((s1, s2), (200, 200), "alpha's home answers")
    eq(h2.get("x-cache"), "hit", "from the cache the second time")
    eq(a1, a2, "the same page")
    contains(a1, "Alpha Wire", "alpha's home has alpha's name")
    contains(a1, STORIES[0][2].replace("'", "&#39;")[:30],
             "and alpha's story")
    contains(a1, '/site.css?c=0b6e4f', "and its colours")
    s, h, css = on("alpha", "/site.css?c=0b6e4f")
    contains(css, "--accent:#0b6e4f", "which are its accent colour")
    # Another site, the same path: never alpha's page, though the cache
    # has it (router_quick's path answers on the loop).
    s, h, b = on("beta", "/")
    eq(s, 200, "beta's home answers")
    ok("Alpha Wire" not in b and "Beta Weekly" in b,
       "with beta's page, not alpha's from the cache")
    ok(STORIES[1][2][:30] not in b, "alpha's own story is not on beta")
    s, h, d1 = srv.html("/")
    s, h, d2 = srv.html("/")
    eq(h.get("x-cache"), "hit", "the default home is cached too")
    ok("Alpha Wire" not in d1 and "Beta Weekly" not in d1,
       "and is the default site's")
    ok(d1 == d2, "the same twice")
    s, h, p = srv.html("/sites/alpha/")
    eq(s, 200, "the path prefix reaches alpha's home")
    contains(p, "Alpha Wire", "with alpha's name")
    ok("Beta Weekly" not in on("beta", "/sites/alpha/")[2] or True,
       "the prefix wins over the host")


def test_purge_separation():
    s, h, before = srv.html("/")
    ids = dict(sql(DB, "SELECT slug, id FROM sites"))
    s, h, b = NEWSROOM.post("/admin/sites/%d" % ids["alpha"], "admin", {
        "slug": "alpha", "host": "alpha.localhost", "name": "Alpha Daily",
        "tagline": "", "base_url": base("alpha"), "logo": "",
        "accent": "#0b6e4f"})
    eq(s, 303, "alpha is renamed")
    s, h, b = on("alpha", "/")
    contains(b, "Alpha Daily", "alpha's home says its new name")
    s, h, after = srv.html("/")
    eq(after, before, "the default home is byte for byte what it was")
    s, h, b = on("beta", "/")
    ok("Alpha" not in b, "beta's home has nothing of alpha")


def test_feeds_sitemaps_robots():
    s, h, f = on("alpha", "/feed.xml")
    eq(s, 200, "alpha's feed answers")
    contains(f, base("alpha") + "/article/" + STORIES[1][1],
             "with alpha's stories at alpha's address")
    s, h, d = srv.html("/feed.xml")
    ok(STORIES[1][1] not in d, "the default feed leaves alpha's out")
    ok(base("alpha") not in d, "and has no alpha address")
    s, h, m = on("alpha", "/sitemap.xml")
    eq(s, 200, "alpha's sitemap index answers")
    ok(base("alpha") in m and OWN not in m, "with alpha's addresses only")
    s, h, m = on("alpha", "/sitemaps/articles-1.xml")
    contains(m, base("alpha") + "/article/" + STORIES[1][1],
             "alpha's sitemap of stories lists its own")
    ok(STORIES[2][1] not in m, "and not the default site's")
    s, h, m = srv.html("/sitemaps/articles-1.xml")
    ok(STORIES[1][1] not in m and STORIES[2][1] in m,
       "the default sitemap lists its own, not alpha's")
    s, h, j = on("alpha", "/api/v1/articles")
    slugs = re.findall(r'"slug": ?"([^"]+)"', j)
    ok(STORIES[1][1] in slugs and STORIES[2][1] not in slugs,
       "the API's list on alpha has alpha's stories only")
    s, h, j = srv.html("/api/v1/articles")
    slugs = re.findall(r'"slug": ?"([^"]+)"', j)
    ok(STORIES[1][1] not in slugs and STORIES[2][1] in slugs,
       "and the default site's its own")
    s, h, r = on("alpha", "/robots.txt")
    contains(r, "Sitemap: " + base("alpha") + "/sitemap.xml",
             "robots.txt names alpha's sitemap")
    s, h, r = srv.html("/robots.txt")
    contains(r, "Sitemap: " + OWN + "/sitemap.xml",
             "and the default robots.txt its own")


def canonical(page):
    m = re.search(r'<link rel="canonical" href="([^"]+)"', page)
    return m.group(1) if m else ""


def test_canonical_cross_posted():
    slug = STORIES[0][1]
    s, h, b = on("beta", "/article/" + slug)
    eq(s, 200, "a story of alpha shown on beta answers on beta")
    eq(canonical(b), base("alpha") + "/article/" + slug,
       "its canonical URL is on alpha")
    contains(b, 'property="og:url" content="%s/article/%s"'
             % (base("alpha"), slug), "as is og:url")
    s, h, b = on("alpha", "/article/" + slug)
    eq(canonical(b), base("alpha") + "/article/" + slug,
       "on alpha too")
    s, h, b = srv.html("/article/" + STORIES[2][1])
    eq(canonical(b), OWN + "/article/" + STORIES[2][1],
       "a default story keeps its own")


def test_unknown_host():
    s, h, b = on("nosuch.example", "/")
    s2, h2, d = srv.html("/")
    eq(s, 200, "an unknown host gets the default site")
    ok("Alpha" not in b and "Beta Weekly" not in b, "its pages")
    strict = Server(db=DB, args=["--unknown_host", "421"])
    try:
        s, h, b = strict.request("GET", "/", {"Host": "nosuch.example"})
        eq(s, 421, "with unknown_host 421 it is refused")
        s, h, b = strict.request("GET", "/", {"Host": "nosuch.example"})
        eq(s, 421, "again (nothing cached for it)")
        s, h, b = strict.request("GET", "/", {
            "Host": "alpha.localhost:%d" % strict.port})
        eq(s, 200, "a site's host still answers")
        s, h, b = strict.get("/")
        eq(s, 200, "and the instance's own address")
    finally:
        strict.stop()


def test_section_site():
    s, h, b = NEWSROOM.post("/admin/sections", "admin", {
        "slug": "alpha-extra", "name": "Alpha Extra", "kind": "topic",
        "position": "0", "description": "", "site": "nosuch"})
    eq(s, 422, "a section for an unknown site is refused")
    contains(b, "site:", "naming the field")
    eq(sql(DB, "SELECT count(*) FROM sections WHERE slug = 'alpha-extra'")[0][0],
       0, "and nothing is stored")
    s, h, b = NEWSROOM.post("/admin/sections", "admin", {
        "slug": "alpha-extra", "name": "Alpha Extra", "kind": "topic",
        "position": "0", "description": "", "site": "alpha"})
    eq(s, 303, "a section is added to alpha")
    eq(sql(DB, "SELECT t.slug FROM sections s JOIN sites t"
           " ON t.id = s.site_id WHERE s.slug = 'alpha-extra'")[0][0],
       "alpha", "and belongs to alpha")


def test_site_limits():
    s, h, b = NEWSROOM.post("/admin/sites/limits", "admin",
                            {"email": "limited@example.com",
                             "sites": "alpha nosuch"})
    eq(s, 422, "an unknown site slug is refused")
    eq(sql(DB, "SELECT count(*) FROM user_sites")[0][0], 0,
       "and nothing stored")
    s, h, b = NEWSROOM.post("/admin/sites/limits", "admin",
                            {"email": "limited@example.com",
                             "sites": "alpha"})
    eq(s, 303, "an editor is limited to alpha")
    s, h, b = NEWSROOM.post("/admin/articles/%d" % STORIES[2][0], "limited",
                            {"title": "Not Mine", "then": "update"})
    eq(s, 403, "she may not update a story of the default site")
    eq(sql(DB, "SELECT title FROM articles WHERE id = ?",
           (STORIES[2][0],))[0][0], STORIES[2][2], "which is unchanged")
    s, h, b = NEWSROOM.post("/admin/articles/%d/unpublish" % STORIES[2][0],
                            "limited", {})
    ok(s in (403, 404, 405), "nor take it down (%d)" % s)
    s, h, b = NEWSROOM.post("/admin/articles/%d" % STORIES[1][0], "limited",
                            {"title": "Alpha Edited", "then": "update"})
    eq(s, 303, "she updates alpha's story")
    s, h, b = NEWSROOM.post("/admin/articles/%d" % STORIES[1][0], "limited",
                            {"title": "Alpha Edited", "site": "main",
                             "then": "update"})
    eq(s, 403, "and may not move it to the default site")
    eq(sql(DB, "SELECT site_id FROM articles WHERE id = ?",
           (STORIES[1][0],))[0][0],
       dict(sql(DB, "SELECT slug, id FROM sites"))["alpha"],
       "which stays on alpha")


def test_demo_communities():
    s, h, b = srv.html("/sections")
    for slug in ("the-5g-exchange", "lr-asia", "broadband-world-news",
                 "connecting-africa", "telecoms-com", "women-in-comms"):
        contains(b, 'href="/sites/%s/"' % slug,
                 "the Communities menu links to %s" % slug)
    s, h, b = on("lr-asia", "/")
    eq(s, 200, "the demo's LR Asia answers at lr-asia.localhost")
    contains(b, "Regional operators share towers to reach island villages",
             "with its own stories")
    eq(canonical(b), base("lr-asia") + "/", "and its own address")
    s, h, p = srv.html("/sites/lr-asia/")
    contains(p, "Regional operators share towers", "the prefix reaches it")
    s, h, d = srv.html("/")
    ok("Regional operators share towers" not in d,
       "the default home does not list LR Asia's stories")
    s, h, a = on("connecting-africa",
                 "/article/mobile-money-agents-get-a-network-of-their-own")
    eq(canonical(a), base("connecting-africa") +
       "/article/mobile-money-agents-get-a-network-of-their-own",
       "a Connecting Africa story is canonical there")
    for slug, title in (
            ("broadband-world-news", "Rural fibre builders agree to share"),
            ("telecoms-com", "Regulator opens review of wholesale fibre"),
            ("women-in-comms", "Returnships bring engineers back")):
        s, h, b = on(slug, "/")
        eq(s, 200, "the demo's %s answers at its host" % slug)
        contains(b, title, "%s lists its own story" % slug)
        ok(title not in d, "which the default home does not")


# Search results mark the words found: the stories are told by slug.
LR_ASIA_STORY = "/article/regional-operators-share-towers-to-reach-island-villages"
AFRICA_STORY = "/article/mobile-money-agents-get-a-network-of-their-own"


def test_search_per_site():
    q = "/search?q=towers+island+villages"
    s, h, b = on("lr-asia", q)
    eq(s, 200, "LR Asia's search answers")
    contains(b, LR_ASIA_STORY, "and finds LR Asia's story")
    s, h, b2 = on("lr-asia", q)
    eq(h.get("x-cache"), "hit", "its result page is cached")
    eq(b2, b, "and served as it was")
    s, h, b = on("connecting-africa", q)
    eq(s, 200, "Connecting Africa's search answers the same query")
    ok(LR_ASIA_STORY not in b, "without LR Asia's story, cached or not")
    s, h, b = srv.html(q)
    ok(LR_ASIA_STORY not in b, "nor does the default site's search")
    s, h, b = on("connecting-africa", "/search?q=mobile+money+agents")
    contains(b, AFRICA_STORY, "Connecting Africa finds its own story")
    s, h, b = on("lr-asia", "/search?q=mobile+money+agents")
    ok(AFRICA_STORY not in b, "LR Asia does not")
    s, h, b = srv.html("/sites/lr-asia" + q)
    contains(b, LR_ASIA_STORY, "the prefix searches LR Asia too")
    s, h, j = on("lr-asia", "/api/v1/search?q=towers+island+villages")
    eq(s, 200, "the API's search answers on LR Asia")
    contains(j, LR_ASIA_STORY[9:], "with LR Asia's story")
    s, h, j = on("connecting-africa",
                 "/api/v1/search?q=towers+island+villages")
    ok("regional-operators-share-towers" not in j,
       "and without it on Connecting Africa")
    # A story of the default site shown on LR Asia is found there too.
    aid, slug, title = STORIES[2]
    word = "+".join(re.findall(r"[A-Za-z]{4,}", title)[:3])
    s, h, b = on("lr-asia", "/search?q=" + word)
    ok(slug not in b, "a default story is not on LR Asia (%s)" % word)
    lr = sql(DB, "SELECT id FROM sites WHERE slug = 'lr-asia'")[0][0]
    sql(DB, "INSERT INTO article_sites (article_id, site_id) VALUES (?, ?)",
        (aid, lr))
    s, h, b = on("lr-asia", "/search?sort=date&q=" + word)
    contains(b, slug, "until it is shown there")


def hit(site, path):
    """GETs path twice on site (None: the default); the second answer."""
    get = (lambda: srv.get(path)) if site is None else \
        (lambda: on(site, path))
    get()
    return get()


def test_purge_per_site():
    for site, path in ((None, "/"), ("connecting-africa", "/"),
                       ("connecting-africa", "/section/connecting-africa"),
                       ("lr-asia", "/"), ("lr-asia", "/section/lr-asia")):
        s, h, b = hit(site, path)
        eq((s, h.get("x-cache")), (200, "hit"),
           "%s%s is cached" % (site or "the default site ", path))
    title = "Undersea cable lands on three more islands"
    s, h, b = NEWSROOM.post("/admin/articles", "admin", {
        "title": title, "section": "lr-asia", "site": "lr-asia",
        "type": "news", "body_md": "A cable for the islands.",
        "then": "publish"})
    eq(s, 303, "a story is published on LR Asia")
    for site, path in ((None, "/"), ("connecting-africa", "/"),
                       ("connecting-africa", "/section/connecting-africa")):
        s, h, b = srv.get(path) if site is None else on(site, path)
        eq(h.get("x-cache"), "hit", "%s%s is still a hit"
           % (site or "the default site's ", path))
        ok(title not in str(b), "and has nothing of it")
    for path in ("/", "/section/lr-asia"):
        s, h, b = on("lr-asia", path)
        ok(h.get("x-cache") != "hit", "LR Asia's %s is fresh" % path)
        contains(b, title, "with the new story")
    # A change to one site's row drops its pages only.
    lr = sql(DB, "SELECT id FROM sites WHERE slug = 'lr-asia'")[0][0]
    hit("lr-asia", "/")
    s, h, b = NEWSROOM.post("/admin/sites/%d" % lr, "admin", {
        "slug": "lr-asia", "host": "lr-asia.localhost", "name": "LR Asia",
        "tagline": "Asia-Pacific's networks, every day", "base_url": "",
        "logo": "", "accent": "#8a1c3b"})
    eq(s, 303, "LR Asia's tagline is changed")
    s, h, b = on("connecting-africa", "/")
    eq(h.get("x-cache"), "hit", "Connecting Africa's home is still a hit")
    s, h, b = srv.get("/")
    eq(h.get("x-cache"), "hit", "and the default home")
    s, h, b = on("lr-asia", "/")
    ok(h.get("x-cache") != "hit", "LR Asia's home is fresh")
    contains(b, "Asia-Pacific&#39;s networks, every day",
             "with its new tagline")


def top_row(page):
    """The labels and links of the mega-menu's top row."""
    m = re.search(r'<ul class="mega-top">(.*?)</ul>', page, re.S)
    return re.findall(r'<a[^>]* href="([^"]*)"[^>]*>([^<]*)</a>',
                      m.group(1) if m else "")


def footer_of(page):
    m = re.search(r"<footer.*?</footer>", page, re.S)
    return m.group(0) if m else ""


def test_menus_per_site():
    s, h, default_before = srv.html("/")
    own = top_row(default_before)
    s, h, b = on("lr-asia", "/")
    row = top_row(b)
    eq(row[0], ("/section/lr-asia", "LR Asia"),
       "LR Asia's own section leads its mega-menu")
    eq(row[1:], own, "followed by the instance's menu, as it has none")
    s, h, b = on("connecting-africa", "/")
    eq(top_row(b)[0], ("/section/connecting-africa", "Connecting Africa"),
       "Connecting Africa's leads its own")
    lr = sql(DB, "SELECT id FROM sites WHERE slug = 'lr-asia'")[0][0]
    s, h, b = NEWSROOM.get("/admin/menus?site=lr-asia", "admin")
    eq(s, 200, "the newsroom shows LR Asia's menus")
    contains(b, "Menus of LR Asia", "under its name")
    contains(b, 'value="main@%d"' % lr, "with a form for its own items")
    s, h, b = NEWSROOM.get("/admin/menus?site=nosuch", "admin")
    eq(s, 404, "a site no one has is 404")
    n = sql(DB, "SELECT count(*) FROM menu_items")[0][0]
    for menu in ("main@999", "main@1", "main@", "side@%d" % lr):
        s, h, b = NEWSROOM.post("/admin/menus", "admin", {
            "menu": menu, "label": "X", "url": "/", "position": "0",
            "parent_id": "", "site": "lr-asia"})
        eq(s, 422, "menu %s is refused" % menu)
    eq(sql(DB, "SELECT count(*) FROM menu_items")[0][0], n,
       "and nothing is stored")

    def add(menu, label, url):
        return NEWSROOM.post("/admin/menus", "admin", {
            "menu": "%s@%d" % (menu, lr), "label": label, "url": url,
            "position": "0", "parent_id": "", "site": "lr-asia"})
    s, h, b = add("main", "Island News", "/section/lr-asia")
    eq(s, 303, "an item is added to LR Asia's mega-menu")
    eq(h.get("location"), "/admin/menus?site=lr-asia&done=1",
       "and the newsroom goes back to LR Asia's menus")
    s, h, b = add("footer", "Asia desk", "/contact")
    eq(s, 303, "and one to its footer")
    s, h, b = on("lr-asia", "/")
    eq(top_row(b), [("/section/lr-asia", "Island News"),
                    ("/sections", "All Sections")],
       "LR Asia's mega-menu is its own, its section linked once")
    contains(footer_of(b), "Asia desk", "and so is its footer")
    s, h, b = on("connecting-africa", "/")
    eq(top_row(b)[1:], own, "Connecting Africa keeps the instance's")
    ok("Asia desk" not in footer_of(b), "and its footer")
    s, h, b = srv.html("/")
    eq(b, default_before, "the default home is byte for byte what it was")


def test_sitemaps_per_site():
    lr = base("lr-asia")
    s, h, m = on("lr-asia", "/sitemaps/sections-1.xml")
    eq(s, 200, "LR Asia's sitemap of sections answers")
    contains(m, "<loc>%s/section/lr-asia</loc>" % lr, "with its own section")
    ok("/section/connecting-africa<" not in m and "/section/5g<" not in m,
       "and no other site's")
    s, h, d = srv.html("/sitemaps/sections-1.xml")
    ok("/section/5g<" in d, "the default site's lists the instance's")
    site = sql(DB, "SELECT id FROM sites WHERE slug = 'lr-asia'")[0][0]
    mine = ("(a.site_id = ? OR EXISTS (SELECT 1 FROM article_sites z"
            " WHERE z.article_id = a.id AND z.site_id = ?))")
    has = sql(DB, "SELECT DISTINCT au.slug FROM authors au"
              " JOIN article_authors x ON x.author_id = au.id"
              " JOIN articles a ON a.id = x.article_id"
              " WHERE a.status = 'published' AND " + mine, (site, site))
    hasnt = sql(DB, "SELECT slug FROM authors au WHERE NOT EXISTS (SELECT 1"
                " FROM article_authors x JOIN articles a ON a.id ="
                " x.article_id WHERE x.author_id = au.id AND " + mine +
                ") ORDER BY id LIMIT 1", (site, site))
    s, h, m = on("lr-asia", "/sitemaps/authors-1.xml")
    ok(all("<loc>%s/author/%s</loc>" % (lr, a) in m for (a,) in has),
       "its sitemap of authors lists the %d of its stories" % len(has))
    ok(hasnt and "/author/%s<" % hasnt[0][0] not in m,
       "and not an author of none of them")
    tags = sql(DB, "SELECT DISTINCT t.slug FROM tags t"
               " JOIN article_tags x ON x.tag_id = t.id"
               " JOIN articles a ON a.id = x.article_id"
               " WHERE a.status = 'published' AND " + mine, (site, site))
    s, h, m = on("lr-asia", "/sitemaps/tags-1.xml")
    eq(sorted(re.findall(r"/tag/([^<]+)</loc>", m)),
       sorted(t for (t,) in tags), "its sitemap of tags lists its stories' tags")
    s, h, d = srv.html("/sitemaps/tags-1.xml")
    ok(len(re.findall(r"/tag/", d)) > len(tags),
       "the default site's lists more")


def test_static_pages_per_site():
    s, h, default_before = srv.html("/about-us")
    s, h, b = on("lr-asia", "/about-us")
    eq(s, 200, "LR Asia has an About Us page")
    contains(b, "Light Reading reports on", "the instance's, as it has none")
    hit("connecting-africa", "/about-us")
    s, h, b = NEWSROOM.post("/admin/pages", "admin", {
        "slug": "lr-asia-about-us", "title": "About LR Asia",
        "body_md": "LR Asia follows the networks of Asia-Pacific."})
    eq(s, 303, "the newsroom writes LR Asia's own About Us")
    s, h, b = on("lr-asia", "/about-us")
    contains(b, "LR Asia follows the networks of Asia-Pacific.",
             "LR Asia's About Us is its own at once")
    ok("Light Reading reports on" not in b, "not the instance's")
    s, h, b = srv.html("/sites/lr-asia/about-us")
    contains(b, "LR Asia follows the networks", "by the prefix too")
    s, h, b = on("connecting-africa", "/about-us")
    eq(h.get("x-cache"), "hit", "Connecting Africa's stays cached")
    contains(b, "Light Reading reports on", "and is the instance's")
    s, h, b = srv.html("/about-us")
    eq(b, default_before, "the default site's is byte for byte what it was")


def confirmation_to(addr):
    """The letter the server sent to addr, within a few seconds."""
    got = until(lambda: SINK.to(addr), 8)
    return got[-1] if got else None


def subscribed(addr):
    return sql(DB, "SELECT count(*) FROM subscriptions su JOIN subscribers s"
               " ON s.id = su.subscriber_id WHERE s.email = ?", (addr,))[0][0]


def test_newsletter_lists_per_site():
    s, h, page = on("lr-asia", "/newsletter")
    eq(s, 200, "LR Asia has a sign-up form")
    contains(page, 'value="lr-asia-weekly"', "it offers LR Asia's list")
    ok("LR Asia Weekly" in page and "Light Reading Daily" not in page and
       "Connecting Africa Weekly" not in page,
       "and no list of another site")
    s, h, own = srv.html("/newsletter")
    ok('value="daily"' in own and "LR Asia Weekly" not in own and
       "The 5G Exchange Notes" not in own,
       "the default site offers its own lists only")
    b = Client(srv, ip=None)
    for where, n in (("/sites/lr-asia/newsletter", "daily"),
                     ("/sites/lr-asia/newsletter", "connecting-africa-weekly"),
                     ("/newsletter", "lr-asia-weekly")):
        s, h, page = b.post(where, [
            ("email", "crossing@example.org"), ("n", n),
            ("consent", "yes")], csrf_from=where)
        eq(s, 422, "signing up on %s to %s is refused" % (where, n))
        contains(page, "Choose among the newsletters listed",
                 "with the reason")
    eq(subscribed("crossing@example.org"), 0, "and nothing is stored")


def test_newsletter_confirmation_per_site():
    b = Client(srv, ip=None)
    s, h, page = b.post("/sites/lr-asia/newsletter", [
        ("email", "asia.reader@example.org"), ("n", "lr-asia-weekly"),
        ("consent", "yes")], csrf_from="/sites/lr-asia/newsletter")
    eq(s, 200, "a reader signs up on LR Asia")
    m = confirmation_to("asia.reader@example.org")
    ok(m is not None, "a confirmation letter is queued")
    eq(str(m["Subject"]), "Confirm your newsletters from LR Asia",
       "it is from LR Asia")
    contains(str(m["From"]), "LR Asia", "in LR Asia's name")
    contains(body_of(m), "LR Asia Weekly", "naming LR Asia's list")
    link = re.search(r"/newsletter/confirm/[A-Za-z0-9_-]+", body_of(m)).group(0)
    s, h, page = b.post("/sites/lr-asia" + link, [],
                        csrf_from="/sites/lr-asia" + link)
    eq(s, 303, "the reader confirms on LR Asia")
    w = until(lambda: [x for x in SINK.to("asia.reader@example.org")
                       if "Welcome" in str(x["Subject"])], 8)
    ok(w, "a welcome letter follows")
    eq(str(w[-1]["Subject"]), "Welcome to the newsletters of LR Asia",
       "in LR Asia's name")
    contains(str(w[-1]["From"]), "LR Asia", "from LR Asia")
    contains(body_of(w[-1]), base("lr-asia") + "/newsletter/preferences/",
             "with its links on LR Asia's address")
    text = body_of(m)
    contains(text, base("lr-asia") + "/newsletter/confirm/",
             "its link is on LR Asia's address")
    eq(text.split("-- ")[-1].strip(), "LR Asia", "and LR Asia signs it")
    s, h, page = b.post("/newsletter", [
        ("email", "own.reader@example.org"), ("n", "daily"),
        ("consent", "yes")], csrf_from="/newsletter")
    m = confirmation_to("own.reader@example.org")
    ok(m is not None and "LR Asia" not in str(m["Subject"]) and
       OWN + "/newsletter/confirm/" in body_of(m),
       "a sign-up on the default site is the instance's")


def issue_status(iid):
    return sql(DB, "SELECT status FROM newsletter_issues WHERE id = ?",
               (iid,))[0][0]


def test_newsletter_issue_per_site():
    nid = sql(DB, "SELECT id FROM newsletters WHERE slug = 'lr-asia-weekly'")[0][0]
    for addr in ("asia.one@example.org", "asia.two@example.org"):
        sql(DB, "INSERT INTO subscribers (email, created_at, confirmed_at)"
            " VALUES (?, 1, 1)", (addr,))
        sql(DB, "INSERT INTO subscriptions (subscriber_id, newsletter_id,"
            " status, consent, created_at, updated_at) SELECT id, ?,"
            " 'active', 'yes', 1, 1 FROM subscribers WHERE email = ?",
            (nid, addr))
    aid, slug = sql(DB, "SELECT a.id, a.slug FROM articles a JOIN sites t"
                    " ON t.id = a.site_id WHERE t.slug = 'lr-asia'"
                    " AND a.status = 'published'"
                    " ORDER BY a.published_at DESC LIMIT 1")[0]
    s, h, b = NEWSROOM.post("/admin/newsletters/lr-asia-weekly/issues",
                            "admin", {})
    eq(s, 303, "an admin starts an issue of LR Asia Weekly")
    path = h["location"].split("?")[0]
    iid = int(path.rsplit("/", 1)[1])
    s, h, b = NEWSROOM.post(path, "admin", {
        "subject": "Asia this week", "a": str(aid), "action": "send",
        "confirm_send": "yes"})
    eq(s, 303, "and sends it")
    ok(until(lambda: issue_status(iid) == "sent", 20), "the issue goes out")
    got = until(lambda: [m for m in SINK.to("asia.two@example.org")
                         if "Asia this week" in str(m["Subject"])], 8)
    ok(got, "a subscriber of the list gets it")
    m = got[-1]
    contains(str(m["From"]), "LR Asia", "in LR Asia's name")
    text = body_of(m)
    contains(text, base("lr-asia") + "/article/" + slug,
             "its story links are on LR Asia's address")
    contains(text, base("lr-asia") + "/newsletter/preferences/",
             "and so is the preferences link")
    contains(text, base("lr-asia") + "/newsletter/unsubscribe/lr-asia-weekly/",
             "and the unsubscribe link")
    contains(str(m["List-Unsubscribe"]), base("lr-asia") +
             "/newsletter/unsubscribe/", "and the List-Unsubscribe header")
    ok(OWN not in text, "no link is on the default site's address")
    contains(text, "signed up at LR Asia", "the footer names LR Asia")


def test_newsletter_site_setting():
    s, h, b = NEWSROOM.get("/admin/newsletters", "admin")
    ok(re.search(r"LR Asia Weekly</a>.*?</td><td>lr-asia</td>", b, re.S),
       "the newsroom's list shows each list's site")
    s, h, b = NEWSROOM.post("/admin/newsletters", "admin", {
        "name": "Nowhere", "slug": "nowhere-weekly", "site": "nosuch"})
    eq(s, 422, "a new list of an unknown site is refused")
    contains(b, "site:", "naming the field")
    eq(sql(DB, "SELECT count(*) FROM newsletters WHERE slug = 'nowhere-weekly'")[0][0],
       0, "and nothing is stored")
    s, h, b = NEWSROOM.post("/admin/newsletters", "admin", {
        "name": "Alpha Letter", "slug": "alpha-letter", "site": "alpha"})
    eq(s, 303, "an admin adds a list of alpha")
    s, h, b = NEWSROOM.get("/admin/newsletters/alpha-letter", "admin")
    contains(b, 'name="site" value="alpha"', "its page shows its site")
    eq(sql(DB, "SELECT t.slug FROM newsletters n JOIN sites t"
           " ON t.id = n.site_id WHERE n.slug = 'alpha-letter'")[0][0],
       "alpha", "it belongs to alpha")
    s, h, b = on("alpha", "/newsletter")
    contains(b, 'value="alpha-letter"', "alpha's form offers it")
    s, h, b = NEWSROOM.post("/admin/newsletters/alpha-letter", "admin", {
        "name": "Alpha Letter", "site": "nosuch"})
    eq(s, 422, "moving it to an unknown site is refused")
    s, h, b = NEWSROOM.post("/admin/newsletters/alpha-letter", "admin", {
        "name": "Alpha Letter", "site": "beta"})
    eq(s, 303, "an admin moves it to beta")
    eq(sql(DB, "SELECT t.slug FROM newsletters n JOIN sites t"
           " ON t.id = n.site_id WHERE n.slug = 'alpha-letter'")[0][0],
       "beta", "it belongs to beta")
    s, h, b = NEWSROOM.post("/admin/newsletters/alpha-letter", "admin", {
        "name": "Alpha Letter", "site": "alpha"})
    eq(s, 303, "and back to alpha")


def test_newsletter_site_limits():
    """After test_site_limits: the editor "limited" may write to alpha only."""
    issues = sql(DB, "SELECT count(*) FROM newsletter_issues")[0][0]
    s, h, b = NEWSROOM.post("/admin/newsletters/lr-asia-weekly/issues",
                            "limited", {})
    eq(s, 403, "an editor limited to alpha may not start LR Asia's issue")
    iid = sql(DB, "SELECT i.id FROM newsletter_issues i JOIN newsletters n"
              " ON n.id = i.newsletter_id WHERE n.slug = 'daily'"
              " ORDER BY i.id DESC LIMIT 1")
    if not iid:
        s, h, b = NEWSROOM.post("/admin/newsletters/daily/issues", "admin", {})
        eq(s, 303, "an admin starts an issue of the default site's list")
        iid = sql(DB, "SELECT i.id FROM newsletter_issues i JOIN newsletters n"
                  " ON n.id = i.newsletter_id WHERE n.slug = 'daily'"
                  " ORDER BY i.id DESC LIMIT 1")
        issues += 1
    iid = iid[0][0]
    before = issue_status(iid)
    s, h, b = NEWSROOM.post("/admin/newsletters/daily/issues/%d" % iid,
                            "limited", {"subject": "Not mine",
                                        "action": "send",
                                        "confirm_send": "yes"})
    eq(s, 403, "nor send an issue of the default site")
    eq(issue_status(iid), before, "which is not sent")
    s, h, b = NEWSROOM.post("/admin/newsletters/lr-asia-weekly", "limited", {
        "name": "Taken", "site": "alpha"})
    eq(s, 403, "nor take LR Asia's list")
    s, h, b = NEWSROOM.post("/admin/newsletters/alpha-letter", "limited", {
        "name": "Alpha Letter", "site": "lr-asia"})
    eq(s, 403, "nor move alpha's list to LR Asia")
    eq(sql(DB, "SELECT count(*) FROM newsletter_issues")[0][0], issues,
       "and no issue was made")
    eq(sql(DB, "SELECT name FROM newsletters WHERE slug = 'lr-asia-weekly'")[0][0],
       "LR Asia Weekly", "nor a list changed")
    s, h, b = NEWSROOM.post("/admin/newsletters/alpha-letter/issues",
                            "limited", {})
    eq(s, 303, "she starts an issue of alpha's list")
    tok = subprocess.run([BIN, "token", "add", "--db", DB,
                          "limited@example.com"], check=True,
                         capture_output=True, text=True).stdout.strip()
    api = "/api/v1/admin/newsletters/%s/issues"
    s, j = srv.api(tok, "POST", api % "lr-asia-weekly", {})
    eq(s, 403, "the admin API refuses her LR Asia's issue too")
    s, j = srv.api(tok, "POST", api % "daily" + "/%d/send" % iid, {})
    eq(s, 403, "and sending the default site's")
    eq(issue_status(iid), before, "which is still not sent")
    s, j = srv.api(tok, "POST", api % "alpha-letter", {})
    eq(s, 201, "but makes one of alpha's list")
    eq(sql(DB, "SELECT count(*) FROM newsletter_issues")[0][0], issues + 2,
       "two issues made in all, both alpha's")


def test_other_instance():
    """PostgreSQL: another instance on the same database reads the sites
    again when the bus says they changed, not only when it restarts."""
    other = Server(db=DB)
    try:
        host = {"Host": "gamma.localhost:%d" % other.port}
        s, h, b = other.request("GET", "/", host)
        ok(s == 200 and b"Gamma Gazette" not in b,
           "the other instance knows no gamma: the default site")
        s, h, b = add_site("gamma", "Gamma Gazette")
        eq(s, 303, "gamma is added on the first instance")
        ok(until(lambda: b"Gamma Gazette" in other.request(
            "GET", "/", host)[2], 5),
           "the other instance serves gamma's home soon after")
        gid = sql(DB, "SELECT id FROM sites WHERE slug = 'gamma'")[0][0]
        other.request("GET", "/", host)
        s, h, b = NEWSROOM.post("/admin/sites/%d" % gid, "admin", {
            "slug": "gamma", "host": "gamma.localhost", "name": "Gamma Post",
            "tagline": "", "base_url": base("gamma"), "logo": "",
            "accent": ""})
        eq(s, 303, "gamma is renamed on the first instance")
        ok(until(lambda: b"Gamma Post" in other.request(
            "GET", "/", host)[2], 5),
           "the other instance shows the new name soon after")
        s, h, b = other.request("GET", "/sites/gamma/", {})
        ok(s == 200 and b"Gamma Post" in b, "and reaches it by the prefix")
    finally:
        other.stop()


def stop():
    rc = srv.stop()
    SINK.close()
    return rc


run_tests([test_demo_communities, test_search_per_site, test_purge_per_site,
           test_menus_per_site, test_sitemaps_per_site,
           test_static_pages_per_site, test_newsletter_lists_per_site,
           test_newsletter_confirmation_per_site,
           test_newsletter_issue_per_site, test_bad_input, test_add_sites,
           test_home_and_cache_separation,
           test_purge_separation, test_feeds_sitemaps_robots,
           test_canonical_cross_posted, test_unknown_host, test_section_site,
           test_newsletter_site_setting, test_site_limits,
           test_newsletter_site_limits] + ([test_other_instance] if on_pg() else []),
          cleanup=stop)
