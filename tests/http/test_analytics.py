"""First-party analytics (docs/analytics.md): a reader's views of the home
page, sections and stories are counted once each whether the page came
from the cache or was rendered; bots (by user agent, and clients that
send no Accept-Language) are not; a visitor is one per day, and the hash
changes with the day's salt; no address or user agent reaches the
database; referrers are classed (search, social, newsletter, other sites,
direct, internal); the dashboard is for editors (anonymous readers are
sent to sign in, authors refused), with its CSV export and a story's
chart; raw views older than analytics_raw_days are folded into daily
counts that the dashboard still adds up."""
import json
import subprocess
import tempfile
import time

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests,
                     demo_db, sql, until, is_pg)

PW = "a passphrase long enough"
UA = "Mozilla/5.0 (X11; Linux x86_64) MastheadTestBrowser/1.0"
IP = "198.51.100.77"


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-analytics-")
    db = demo_db(d)
    for role in ("author", "editor"):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        role.title(), role + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    return db


DB = make_db()
ARGS = ["--real_ip_header", "X-Forwarded-For"]
srv = Server(ARGS, db=DB)
news = Newsroom(srv, PW)
SLUGS = [r[0] for r in sql(DB, "SELECT slug FROM articles WHERE status = 'published'"
                           " ORDER BY id LIMIT 12")]


def view(path, ip=IP, ua=UA, referer=None, lang="en", accept="text/html"):
    h = {"X-Forwarded-For": ip}
    if ua is not None:
        h["User-Agent"] = ua
    if lang is not None:
        h["Accept-Language"] = lang
    if accept is not None:
        h["Accept"] = accept
    if referer is not None:
        h["Referer"] = referer
    return srv.request("GET", path, h)


def count(slug, kind="article"):
    return sql(DB, "SELECT count(*) FROM pageviews WHERE kind = ? AND slug = ?",
               (kind, slug))[0][0]


def settle(slug, want, kind="article"):
    """The count of slug once the flush wrote want views (or the last)."""
    return until(lambda: count(slug, kind) >= want and count(slug, kind), 10, 0.1) \
        or count(slug, kind)


def test_cached_and_rendered_views_count_once():
    slug = SLUGS[0]
    caches = [view("/article/" + slug)[1].get("x-cache") for _ in range(3)]
    eq(caches[0], "miss", "the first view is rendered")
    eq(caches[1:], ["hit", "hit"], "the next ones come from the cache")
    eq(settle(slug, 3), 3, "three views are three rows, written within seconds")
    time.sleep(2.5)
    eq(count(slug), 3, "and no more")
    eq(sql(DB, "SELECT count(DISTINCT visitor) FROM pageviews WHERE slug = ?",
           (slug,))[0][0], 1, "one visitor")
    sec = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
    eq(view("/section/" + sec)[0], 200, "a section is served")
    view("/section/" + sec)
    view("/")
    eq(settle(sec, 2, "section"), 2, "a section's views are counted")
    ok(settle("", 1, "home") >= 1, "the home page's too")
    s, h, b = view("/article/no-such-story")
    eq(s, 404, "a missing story is a 404")
    time.sleep(2.5)
    eq(count("no-such-story"), 0, "and is not counted")
    srv.request("HEAD", "/article/" + SLUGS[0], {"X-Forwarded-For": IP, "User-Agent": UA,
                                                "Accept-Language": "en", "Accept": "*/*"})
    time.sleep(2.5)
    eq(count(slug), 3, "a HEAD request is no view")


def test_bots_are_not_counted():
    slug = SLUGS[1]
    for ua in ("curl/8.0", "Mozilla/5.0 (compatible; Googlebot/2.1)",
               "Mozilla/5.0 (X11) HeadlessChrome/120.0", "python-requests/2.31", None):
        view("/article/" + slug, ua=ua)
    view("/article/" + slug, lang=None)
    view("/article/" + slug, accept=None)
    time.sleep(2.5)
    eq(count(slug), 0, "crawlers, tools, headless browsers and clients without "
       "Accept-Language are left out")
    view("/article/" + slug)
    eq(settle(slug, 1), 1, "while a browser's view is counted")


def test_visitors_are_one_per_day():
    slug = SLUGS[2]
    view("/article/" + slug, ip="198.51.100.1")
    view("/article/" + slug, ip="198.51.100.1")
    view("/article/" + slug, ip="198.51.100.2")
    view("/article/" + slug, ip="198.51.100.1", ua=UA + " Other")
    eq(settle(slug, 4), 4, "four views")
    eq(sql(DB, "SELECT count(DISTINCT visitor) FROM pageviews WHERE slug = ?",
           (slug,))[0][0], 3, "by three visitors (address and user agent)")
    eq(sql(DB, "SELECT count(*) FROM pageviews WHERE slug = ? AND length(visitor) = 16",
           (slug,))[0][0], 4, "each a 16-digit hash")


def test_referrers_are_classed():
    slug = SLUGS[3]
    cases = [
        ("https://www.google.co.uk/search?q=5g", "", "search", "www.google.co.uk"),
        ("https://duckduckgo.com/", "", "search", "duckduckgo.com"),
        ("https://t.co/abc", "", "social", "t.co"),
        ("https://www.linkedin.com/feed/", "", "social", "www.linkedin.com"),
        ("https://mastodon.example/@x", "", "social", "mastodon.example"),
        (None, "?utm_source=weekly&utm_medium=email", "newsletter", ""),
        ("https://Example.ORG/some/page", "", "other", "example.org"),
        (None, "", "direct", ""),
        ("http://127.0.0.1:%d/" % srv.port, "", "internal", ""),
    ]
    for ref, q, _, _ in cases:
        s, h, b = view("/article/" + slug + q, referer=ref)
        eq(s, 200, "a view from %s%s" % (ref, q))
    settle(slug, len(cases))
    got = sorted(sql(DB, "SELECT referrer, ref_host FROM pageviews WHERE slug = ?", (slug,)))
    eq(got, sorted((c[2], c[3]) for c in cases), "each referrer in its class")


def dump():
    if is_pg(DB):
        return subprocess.run(["pg_dump", "--data-only", DB], capture_output=True,
                              text=True, check=True).stdout
    import sqlite3
    con = sqlite3.connect(DB)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def test_nothing_personal_is_stored():
    time.sleep(2.5)
    d = dump()
    ok(len(d) > 10000 and "pageviews" in d, "the database is dumped with its views")
    for s in (IP, "198.51.100.1", "198.51.100.2", "MastheadTestBrowser", "X11; Linux"):
        ok(s not in d, "%s appears nowhere in it" % s)
    ok("salt" in d, "only the day's salt, which dies with the day")


def test_dashboard():
    s, h, b = news.get("/admin/analytics")
    eq(s, 303, "an anonymous reader is sent to sign in")
    contains(h.get("location", ""), "/signin", "to the sign-in form")
    eq(news.get("/admin/analytics", "author")[0], 403, "an author is refused")
    s, h, b = news.get("/admin/analytics", "editor")
    eq(s, 200, "an editor sees the dashboard")
    title = sql(DB, "SELECT title FROM articles WHERE slug = ?", (SLUGS[0],))[0][0]
    contains(b, "/admin/analytics/article/" + SLUGS[0], "with the stories viewed")
    contains(b, "Right now", "and the last minutes")
    contains(b, "<td>search</td>", "and the referrers")
    contains(b, "<td>example.org</td>", "and the sites")
    contains(b, "<td>desktop</td>", "and the devices")
    contains(b, '<table class="list an-countries">', "and the countries")
    ok("Countries unknown" not in b, "from the GeoIP database Debian ships")
    for q in ("today", "7", "30"):
        eq(news.get("/admin/analytics?range=" + q, "editor")[0], 200, "range " + q)
    eq(news.get("/admin/analytics?range=year", "editor")[0], 400, "a bad range is a 400")
    s, h, b = news.get("/admin/analytics.csv?range=today", "editor")
    eq(s, 200, "the editor exports the top pages")
    contains(h.get("content-type", ""), "text/csv", "as CSV")
    lines = b.strip().split("\r\n")
    eq(lines[0], "kind,slug,title,views,visitors", "with its header")
    row = [l for l in lines if l.startswith('"article","%s",' % SLUGS[0])]
    ok(row and row[0].endswith(',"3","1"') and title.split()[0] in row[0],
       "and the story's views and visitors (%s)" % row)
    eq(news.get("/admin/analytics.csv?range=x", "editor")[0], 400, "a bad range: 400")
    eq(news.get("/admin/analytics.csv", "author")[0], 403, "an author may not export")
    s, h, b = news.get("/admin/analytics/article/" + SLUGS[0], "editor")
    eq(s, 200, "a story's report")
    contains(b, '<svg role="img"', "draws its chart on the server")
    contains(b, "<title id=\"an-chart-title\">", "with a title")
    contains(b, "3 views by 1 visitors", "and its figures")
    contains(b, '<table class="list an-days">', "and a table of its days")
    eq(news.get("/admin/analytics/article/no-such-story", "editor")[0], 404,
       "a story that does not exist is a 404")


def test_sponsor_report():
    art = sql(DB, "SELECT slug, title FROM articles WHERE sponsor_id IS NOT NULL"
              " AND status = 'published' ORDER BY id LIMIT 1")[0]
    hub = sql(DB, "SELECT h.slug, h.title, sp.name FROM hubs h JOIN sponsors sp"
              " ON sp.id = h.sponsor_id ORDER BY h.id LIMIT 1")[0]
    before = count(art[0])
    view("/article/" + art[0])
    view("/article/" + art[0], ip="198.51.100.9")
    srv.request("GET", "/hub/" + hub[0])
    settle(art[0], before + 2)
    time.sleep(2.5)
    want = sql(DB, "SELECT count(*), count(DISTINCT visitor) FROM pageviews"
               " WHERE slug = ?", (art[0],))[0]
    s, h, b = news.get("/admin/analytics/sponsors?range=today", "editor")
    eq(s, 200, "an editor sees each sponsor's reach")
    contains(b, art[1].replace("'", "&#39;"), "with the sponsored story")
    contains(b, hub[1], "and the sponsored hub")
    s, h, b = news.get("/admin/analytics/sponsors.csv?range=today", "editor")
    eq(s, 200, "and exports it")
    contains(h.get("content-type", ""), "text/csv", "as CSV")
    lines = b.strip().split("\r\n")
    eq(lines[0], "sponsor,kind,slug,title,views,visitors,clicks", "with its header")
    row = [l for l in lines if ('"story","%s",' % art[0]) in l]
    ok(before + 2 == want[0] and row and row[0].endswith(',"%d","%d","0"' % want),
       "the story's views and visitors (%s, %s)" % (row, want))
    row = [l for l in lines if l.startswith('"%s","hub","%s",' % (hub[2], hub[0]))]
    ok(row and int(row[0].split('","')[4]) >= 1, "the hub's views (%s)" % row)
    eq(news.get("/admin/analytics/sponsors?range=1y", "editor")[0], 400, "a bad range: 400")
    eq(news.get("/admin/analytics/sponsors", "author")[0], 403, "an author is refused")
    eq(news.get("/admin/analytics/sponsors.csv", "author")[0], 403, "and its export")


def beacon(body, ua=UA, ctype="application/x-www-form-urlencoded"):
    h = {"User-Agent": ua, "Accept": "*/*", "Accept-Language": "en",
         "Content-Type": ctype, "X-Forwarded-For": IP}
    s, hd, b = srv.request("POST", "/api/v1/beacon", h, body)
    return s, hd, b


def seconds(slug):
    return sql(DB, "SELECT COALESCE(sum(n), 0) FROM pageview_days WHERE slug = ?"
               " AND dim = ?", (slug, "seconds"))[0][0], \
        sql(DB, "SELECT COALESCE(sum(n), 0) FROM pageview_days WHERE slug = ?"
            " AND dim = ?", (slug, "beacons"))[0][0]


def test_beacon():
    slug = SLUGS[0]
    s, h, b = beacon("p=/article/%s&s=42" % slug)
    eq(s, 204, "a beacon of 42 seconds is taken")
    ok("set-cookie" not in h, "and sets no cookie")
    eq(beacon("p=/article/%s&s=5000" % slug)[0], 204, "one of 5000 seconds too")
    eq(until(lambda: seconds(slug) == (1842, 2), 10, 0.1) and seconds(slug), (1842, 2),
       "both are added to the story's day, the long one cut to half an hour")
    for body, want, why in (
            ("", 400, "an empty body"),
            ("p=/article/%s" % slug, 400, "no seconds"),
            ("s=10", 400, "no page"),
            ("p=/article/%s&s=-1" % slug, 400, "negative seconds"),
            ("p=/article/%s&s=ten" % slug, 400, "seconds that are no number"),
            ("p=/article/%s&s=86401" % slug, 400, "more than a day"),
            ("p=/events/x&s=10", 400, "a page analytics does not count"),
            ("p=/article/Bad%%20Slug&s=10", 400, "a path that names no story"),
            ("p=/article/no-such-story&s=10", 404, "a story that does not exist"),
            ("p=/section/no-such-section&s=10", 404, "a section that does not exist")):
        s, h, b = beacon(body)
        eq(s, want, "%s: %d" % (why, want))
        ok(b"error" in b, "with a JSON error", b)
    eq(beacon('{"p": "/", "s": 3}', ctype="application/json")[0] // 100, 4,
       "a JSON body is refused")
    eq(beacon("p=/article/%s&s=30" % slug, ua="curl/8.0")[0], 204,
       "a bot's beacon is answered")
    time.sleep(2.5)
    eq(seconds(slug), (1842, 2), "and none of them stored anything")
    eq(sql(DB, "SELECT count(*) FROM pageview_days WHERE dim = 'seconds' AND slug <> ?",
           (slug,))[0][0], 0, "for any page")
    s, h, b = news.get("/admin/analytics/article/" + slug, "editor")
    contains(b, "921 seconds on the page on average", "the story's report shows it")


def test_day_changes_hash_and_old_days_fold():
    global srv, news
    slug = SLUGS[0]
    first = sql(DB, "SELECT DISTINCT visitor, day FROM pageviews WHERE slug = ?", (slug,))
    eq(srv.stop(), 0, "the server stops")
    srv = Server(ARGS + ["--analytics_day_shift", "1"], db=DB)
    news = Newsroom(srv, PW)
    view("/article/" + slug)
    eq(settle(slug, 4), 4, "the next day's view is counted")
    rows = sql(DB, "SELECT visitor, day FROM pageviews WHERE slug = ? AND day <> ?",
               (slug, first[0][1]))
    eq(len(rows), 1, "under the next day")
    ok(rows[0][0] != first[0][0], "the same reader is another visitor the next day")
    eq([r[0] for r in sql(DB, "SELECT day FROM analytics_salts")], [rows[0][1]],
       "and only that day's salt is kept")
    eq(srv.stop(), 0, "the server stops")
    srv = Server(ARGS + ["--analytics_day_shift", "1", "--analytics_raw_days", "0"], db=DB)
    news = Newsroom(srv, PW)
    n = until(lambda: sql(DB, "SELECT count(*) FROM pageviews WHERE day < ?",
                          (rows[0][1],))[0][0] == 0, 10, 0.1)
    ok(n, "the views of the days before are folded")
    eq(sql(DB, "SELECT n FROM pageview_days WHERE slug = ? AND dim = 'views'", (slug,)),
       [(3,)], "into the day's count of views")
    eq(sql(DB, "SELECT n FROM pageview_days WHERE slug = ? AND dim = 'visitors'", (slug,)),
       [(1,)], "and of visitors")
    s, h, b = news.get("/admin/analytics.csv?range=30", "editor")
    row = [l for l in b.split("\r\n") if l.startswith('"article","%s",' % slug)]
    ok(row and row[0].endswith(',"4","2"'),
       "the dashboard adds the folded days to the raw ones (%s)" % row)


def most_read(body, cls):
    import re
    m = re.search(r'<section class="%s"[^>]*>(.*?)</section>' % cls, body, re.S)
    return re.findall(r'<a href="/article/([^"]+)">', m.group(1)) if m else None


def test_most_read_block():
    global srv, news
    eq(srv.stop(), 0, "the server stops")
    srv = Server(ARGS + ["--analytics_day_shift", "1", "--analytics_refresh", "1"], db=DB)
    news = Newsroom(srv, PW)
    s, h, b = until(lambda: (lambda r: most_read(r[2].decode(), "home-most home-most-read")
                             and r)(view("/")), 10, 0.2) or view("/")
    got = most_read(b.decode(), "home-most home-most-read")
    ok(got is not None and got[0] == SLUGS[3] and
       set(got) == {SLUGS[0], SLUGS[1], SLUGS[2], SLUGS[3]},
       "the home page shows Most Read, most read first (%s)" % got)
    contains(b.decode(), "Most Read <small>in the last 24 hours</small>",
             "of the last 24 hours")
    ok('id="home-most-h"' not in b.decode(), "in Most Commented's place")
    eq(view("/")[1].get("x-cache"), "hit", "the home page stays cached")
    s, h, b = view("/article/" + SLUGS[5])
    eq(most_read(b.decode(), "block block-most-read")[0], SLUGS[3],
       "a story's page shows it beside the story")
    sec = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
    s, h, b = view("/section/" + sec)
    eq(most_read(b.decode(), "block block-most-read")[0], SLUGS[3],
       "and a section's page")
    for i in range(12):
        view("/article/" + SLUGS[4], ip="203.0.113.%d" % i)
    first = until(lambda: (most_read(view("/")[2].decode(),
                                     "home-most home-most-read") or [None])[0] == SLUGS[4],
                  15, 0.3)
    ok(first, "a story read more goes to the top within seconds")
    s, h, b = view("/article/" + SLUGS[6])
    eq(most_read(b.decode(), "block block-most-read")[0], SLUGS[4],
       "and the stories' pages follow")
    # The block follows the stories it lists, not the newest stories: a
    # publish elsewhere leaves the pages that show it cached, and a listed
    # story unpublished leaves the block on the very next request.
    tok = subprocess.run([BIN, "token", "add", "--db", DB, "editor@example.com"],
                         check=True, capture_output=True, text=True).stdout.strip()
    auth = {"Authorization": "Bearer " + tok}
    page = "/article/" + SLUGS[6]
    mine = sql(DB, "SELECT section_id FROM articles WHERE slug = ?", (SLUGS[6],))[0][0]
    other = sql(DB, "SELECT slug FROM sections WHERE id <> ? AND parent_id IS NULL"
                " ORDER BY id LIMIT 1", (mine,))[0][0]
    view(page)
    eq(view(page)[1].get("x-cache"), "hit", "a story's page with the block is cached")
    s, h, b = srv.request("POST", "/api/v1/admin/articles",
                          dict(auth, **{"Content-Type": "application/json"}),
                          json.dumps({"title": "Most Read check: another section",
                                      "section": other}))
    eq(s, 201, "a story is made in another section")
    aid = json.loads(b)["article"]["id"]
    eq(srv.request("POST", "/api/v1/admin/articles/%d/publish" % aid, auth)[0], 200,
       "and published")
    eq(view(page)[1].get("x-cache"), "hit",
       "the page with the block stays cached after that publish")
    top = sql(DB, "SELECT id FROM articles WHERE slug = ?", (SLUGS[4],))[0][0]
    eq(srv.request("POST", "/api/v1/admin/articles/%d/unpublish" % top, auth)[0], 200,
       "the most read story is unpublished")
    s, h, b = view(page)
    got = most_read(b.decode(), "block block-most-read") or []
    ok(SLUGS[4] not in got, "and leaves the block at once (%s)" % got)


# Public addresses whose countries the GeoIP database knows, one that it
# does not (a documentation address) and a private one.
PLACES = ["8.8.8.8", "81.2.69.160", "193.0.6.139", "2001:4860:4860::8888",
          "2a00:1450:4001::1", "203.0.113.50", "10.1.2.3"]


def geoiplookup(ip):
    """What geoip-bin's tools say of ip, from the same Debian files."""
    import re
    out = subprocess.run(["geoiplookup6" if ":" in ip else "geoiplookup", ip],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"Edition: ([A-Z]{2}),", out)
    return m.group(1) if m else ""


def test_countries():
    slug = SLUGS[9]
    want = {ip: geoiplookup(ip) for ip in PLACES}
    eq([want[ip] for ip in PLACES[:5]], ["US", "GB", "NL", "US", "DE"],
       "geoiplookup places the public addresses (%s)" % want)
    eq(want["203.0.113.50"] + want["10.1.2.3"], "", "and not the others")
    for ip in PLACES:
        # The proxy appends the address it saw: only that last one counts.
        s, h, b = srv.request("GET", "/article/" + slug, {
            "X-Forwarded-For": "198.51.100.99, " + ip, "User-Agent": UA,
            "Accept-Language": "en", "Accept": "text/html"})
        eq(s, 200, "a view from %s through the proxy" % ip)
    eq(settle(slug, len(PLACES)), len(PLACES), "every view is counted")
    got = sorted(r[0] for r in sql(DB, "SELECT country FROM pageviews WHERE slug = ?",
                                   (slug,)))
    eq(got, sorted(want.values()), "each with its address's country, as geoiplookup says")
    d = dump()
    for ip in PLACES + ["198.51.100.99"]:
        ok(ip not in d, "%s is stored nowhere" % ip)
    s, h, b = news.get("/admin/analytics/article/" + slug, "editor")
    eq(s, 200, "the story's report")
    b = b.decode() if isinstance(b, bytes) else b
    contains(b, '<table class="list an-countries">', "has its countries")
    contains(b, "<tr><td>United States</td><td>2</td><td>2</td><td>2</td></tr>",
             "the United States twice today, in 7 and in 30 days (IPv4 and IPv6)")
    for name in ("United Kingdom", "Netherlands", "Germany"):
        contains(b, "<tr><td>%s</td><td>1</td><td>1</td><td>1</td></tr>" % name,
                 "%s once" % name)
    s, h, b = news.get("/admin/analytics/article/" + SLUGS[0], "editor")
    contains(b, "No views placed in a country yet", "a story read from nowhere known has none")
    s, h, b = news.get("/admin/analytics", "editor")
    contains(b, "<tr><td>United States</td><td>2</td><td>2</td><td>2</td></tr>",
             "the dashboard adds up every page's countries")
    s, h, b = news.get("/admin/analytics.csv?range=7", "editor")
    lines = b.strip().split("\r\n")
    eq(sorted(l for l in lines if l.startswith('"country"')),
       ['"country","DE","Germany","1",""', '"country","GB","United Kingdom","1",""',
        '"country","NL","Netherlands","1",""', '"country","US","United States","2",""'],
       "the CSV export lists the countries' views")
    eq(srv.stop(), 0, "the server stops")
    restart(["--analytics_raw_days", "0", "--analytics_day_shift", "2"])
    ok(until(lambda: sql(DB, "SELECT count(*) FROM pageviews WHERE slug = ?",
                         (slug,))[0][0] == 0, 10, 0.1), "the views are folded")
    eq(sorted(sql(DB, "SELECT val, n FROM pageview_days WHERE slug = ? AND dim = 'country'",
                  (slug,))),
       [("DE", 1), ("GB", 1), ("NL", 1), ("US", 2)], "into counts by country")
    s, h, b = news.get("/admin/analytics/article/" + slug, "editor")
    contains(b, "<tr><td>United States</td><td>0</td><td>2</td><td>2</td></tr>",
             "which the report still shows, two days later")


def restart(extra):
    global srv, news
    srv = Server(ARGS + extra, db=DB)
    news = Newsroom(srv, PW)


def test_countries_unknown():
    eq(srv.stop(), 0, "the server stops")
    restart(["--geoip", "/nonexistent/GeoIP.dat , /etc/hostname"])
    slug = SLUGS[10]
    view("/article/" + slug, ip="8.8.8.8")
    eq(settle(slug, 1), 1, "without a database, views are counted")
    eq(sql(DB, "SELECT country FROM pageviews WHERE slug = ?", (slug,)), [("",)],
       "with no country")
    s, h, b = news.get("/admin/analytics", "editor")
    eq(s, 200, "the dashboard is served")
    contains(b, "Countries unknown: /nonexistent/GeoIP.dat: No such file or directory; "
             "/etc/hostname: not a GeoIP database.", "and says why countries are unknown")
    s, h, b = news.get("/admin/analytics/article/" + slug, "editor")
    contains(b, "Countries unknown: /nonexistent/GeoIP.dat", "and so does a story's report")
    log = srv.output()
    eq(log.count("countries are unknown"), 1, "the server said so once, at start")


def cleanup():
    return srv.stop()


run_tests([test_cached_and_rendered_views_count_once, test_bots_are_not_counted,
           test_visitors_are_one_per_day, test_referrers_are_classed,
           test_nothing_personal_is_stored, test_dashboard, test_sponsor_report, test_beacon,
           test_day_changes_hash_and_old_days_fold, test_most_read_block,
           test_countries, test_countries_unknown], cleanup)
