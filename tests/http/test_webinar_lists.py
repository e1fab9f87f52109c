"""Webinars by topic and by series: /webinars?topic=5g and
/webinars?series=live-learning (the mega-menu's links) keep only those
webinars, upcoming or archived, with their own heading and their own
calendar (/webinars.ics?topic=...); an unknown or malformed topic or
series is a 404 page, not the whole list; each parameter is part of the
cache key."""
import re
import tempfile

from harness import Server, ok, eq, contains, run_tests, demo_db, sql

DB = demo_db(tempfile.mkdtemp(prefix="masthead-webinar-lists-"))
SRV = Server(db=DB)


def listed(page):
    return re.findall(r'<h2><a href="/webinars/([^"]+)">', page)


def rows(where, args=()):
    return {r[0] for r in sql(DB, "SELECT w.slug FROM webinars w LEFT JOIN sections s"
                              " ON s.id = w.topic_id WHERE " + where, args)}


def test_topic():
    s, h, all_up = SRV.html("/webinars")
    s, h, page = SRV.html("/webinars?topic=5g")
    eq(s, 200, "the 5G webinars answer")
    got = listed(page)
    want = rows("s.slug = '5g'") & set(listed(all_up))
    ok(got and set(got) == want, "only the upcoming 5G webinars", (got, want))
    ok(set(got) < set(listed(all_up)), "fewer than all of them")
    contains(page, "<h1>Upcoming Webinars: 5G</h1>", "under their own heading")
    contains(page, "<title>Upcoming Webinars: 5G |", "and title")
    ok(re.search(r'<link rel="alternate" type="text/calendar" title="Calendar"'
                 r' href="http://[^"]+/webinars\.ics\?topic=5g">', page),
       "with their own calendar for calendar apps")
    contains(page, '<a href="/webinars.ics?topic=5g" type="text/calendar">', "and for readers")
    s, h, arch = SRV.html("/webinars/archive?topic=5g")
    got = listed(arch)
    ok(got and set(got) == rows("s.slug = '5g'") - set(listed(all_up)),
       "the archive by topic keeps the past 5G webinars", got)
    contains(arch, 'href="/webinars?topic=5g">Upcoming webinars on 5G</a>', "linking back to the upcoming ones")
    s, h, ics = SRV.get("/webinars.ics?topic=5g")
    ics = ics.decode()
    eq(s, 200, "the topic's calendar answers")
    contains(ics, "X-WR-CALNAME:Light Reading: Webinars: 5G", "named for the topic")
    uids = re.findall(r"URL:[^\r\n]*/webinars/([a-z0-9-]+)", ics)
    ok(uids and set(uids) == set(listed(page)), "holding the topic's upcoming webinars", uids)


def test_series():
    s, h, page = SRV.html("/webinars?series=live-learning")
    eq(s, 200, "a series answers")
    got = listed(page)
    want = rows("w.series_slug = 'live-learning' AND w.starts_at > strftime('%s', 'now')"
                if not DB.startswith("postgres") else
                "w.series_slug = 'live-learning' AND w.starts_at > extract(epoch from now())")
    ok(got and set(got) == want, "only that series' upcoming webinars", (got, want))
    contains(page, "<h1>Upcoming Webinars: SCTE Live Learning Webinar™ Series</h1>", "named")
    s, h, arch = SRV.html("/webinars/archive?series=live-learning")
    contains(arch, "/webinars/scte-fighting-fiber-with-more-fiber", "its archive holds the past ones")
    ok("/webinars/odim-simplifying" not in arch, "and no other")
    s, h, ics = SRV.get("/webinars.ics?series=live-learning")
    ok(s == 200 and b"X-WR-CALNAME:Light Reading: Webinars: SCTE Live Learning" in ics, "with its own calendar", s)


def test_unknown():
    for q, why in (("topic=no-such-topic", "an unknown topic"),
                   ("series=no-such-series", "an unknown series"),
                   ("topic=..%2Fetc", "a malformed topic"),
                   ("series=", "an empty series"),
                   ("topic=5g&series=live-learning", "a topic and a series at once")):
        for path in ("/webinars", "/webinars/archive"):
            s, h, b = SRV.html(path + "?" + q)
            ok(s == 404 and "<h2><a href=\"/webinars/" not in b,
               "%s on %s is a 404 page, not the list" % (why, path), s)
        s, h, b = SRV.get("/webinars.ics?" + q)
        eq(s, 404, "%s on the calendar is 404" % why)


def test_menu_and_cache():
    s, h, menu = SRV.html("/sections")
    for link in ("/webinars?topic=5g", "/webinars?series=live-learning"):
        contains(menu, 'href="%s"' % link, "the menu links " + link)
        s, h, b = SRV.html(link)
        eq(s, 200, link + " answers")
    SRV.get("/webinars?topic=5g")
    s, h, b = SRV.get("/webinars?topic=5g")
    eq(h.get("x-cache"), "hit", "a topic's list is cached")
    s, h, b = SRV.html("/webinars?topic=cable-tech")
    ok("Cable Tech" in b and "/webinars/scte-distributed-access-in-practice" in b,
       "under its own key: another topic is another page")


run_tests([test_topic, test_series, test_unknown, test_menu_and_cache], SRV.stop)
