"""Every reader page answers with its blocks: home, section, sub-section,
region, article (every block of the seed page), author, tag, type, events,
webinars, static pages, 404 and 500, assets, favicon and media."""
import os
import re
import tempfile

from harness import Server, ok, eq, contains, run_tests

srv = Server()
ARTICLE = "/article/us-scraps-xiaomi-blacklisting"


def page(path, status=200):
    s, h, body = srv.html(path)
    eq(s, status, "GET %s is %d" % (path, status))
    if s == status and status < 400:
        eq(h.get("content-type"), "text/html; charset=utf-8",
           "GET %s is text/html; charset=utf-8" % path)
    return body


def links(body):
    return re.findall(r'href="([^"]+)"', body)


def test_home():
    b = page("/")
    ok(b.startswith("<!doctype html>"), "home is an HTML5 document")
    contains(b, 'class="lead"', "home has a lead story")
    contains(b, "Top Stories", "home has a row of top stories")
    ok(b.count('class="section-block"') >= 5,
       "home shows the newest stories of at least five sections")
    for block in ("Upcoming Live Events", "Upcoming Webinars",
                  "Partner Perspectives", "Guest Perspectives"):
        contains(b, block, "home sidebar has " + block)
    contains(b, '/assets/site.css', "home links its stylesheet")
    contains(b, 'rel="icon"', "home links a favicon")


def test_menu_and_footer():
    b = page("/")
    nav = b[b.index('class="mega"'):b.index("</nav>", b.index('class="mega"'))]
    for label in ("5G", "6G", "The Core", "The Edge", "Open RAN",
                  "Private Networks", "The Cloud", "Security",
                  "AI/Automation", "Cable Tech", "IoT", "OSS/BSS/CX", "SD-WAN",
                  "Optical/IP", "Test &amp; Measurement", "Services",
                  "4G/3G/WiFi", "Satellite", "Video/Media", "Regions",
                  "Industry Show News", "Events", "Webinars", "White Papers",
                  "Tech Centers", "Market Leader Programs", "Communities",
                  "Light Reading Video", "Light Reading Audio"):
        contains(nav, ">%s<" % label, "mega-menu has " + label)
    # The panels are on /sections, where site.js takes them from.
    ok("mega-sub" not in nav, "the page carries the menu's top row only")
    contains(nav, '<a href="/sections">All Sections</a>', "the menu links /sections")
    contains(nav, '<a class="mega-label" href="/sections#menu-', "an item without a page links its panel there")
    nav = page("/sections")
    nav = nav[nav.index('class="section-map"'):]
    cable = nav[nav.index(">Cable Tech<"):nav.index(">IoT<")]
    for child in ("DOCSIS", "CCAP", "Cable Business Services", "10G",
                  "The Bauminator"):
        contains(cable, ">%s<" % child, "Cable Tech has sub-entry " + child)
    regions = nav[nav.index(">Regions<"):]
    for child in ("Asia", "Africa", "Europe", "India", "Middle East"):
        contains(regions, ">%s<" % child, "Regions has " + child)
    audio = nav[nav.index(">Light Reading Audio<"):]
    contains(audio, "Light Reading Podcast", "Light Reading Audio has the podcast")
    for l in ("Newsletter Signup", "Sign In", "Register"):
        contains(b, ">%s<" % l, "header links to " + l)
    foot = b[b.index('class="site-footer"'):]
    for l in ("About Us", "Advertise With Us"):
        contains(foot, ">%s<" % l, "footer links to " + l)


def test_article():
    b = page(ARTICLE)
    contains(b, '<h1 class="headline">US scraps Xiaomi blacklisting</h1>',
             "article has its headline")
    crumbs = b[b.index('class="crumbs"'):b.index("</nav>", b.index('class="crumbs"'))]
    contains(crumbs, ">Asia<", "breadcrumb names the section Asia")
    contains(b, '<span class="kicker">News Analysis</span>', "kicker is News Analysis")
    contains(b, 'href="/author/ken-wieland"', "author is linked to the author page")
    contains(b, "Ken Wieland</a>, contributing editor", "byline carries the role")
    contains(b, ">May 12, 2021</time>", "publication date is May 12, 2021")
    contains(b, "Comment (0)", "comment count is read and shown")
    contains(b, '<figure class="hero">', "hero image is shown")
    contains(b, "keso s on Flickr", "image credit names the source")
    contains(b, "CC BY 2.0", "image credit carries the licence")
    contains(b, 'rel="license"', "licence is linked")
    fig = b[b.index('<figure class="hero">'):b.index("</figure>")]
    ok(re.search(r"<figcaption>[^<(]{20,}", fig) is not None, "hero has a caption")
    body = b[b.index('<div class="body">'):]
    contains(body, "<h2", "body has subheadings")
    contains(body, 'class="promo"', "body carries the section's promo box")
    contains(b, "Related Stories", "related stories are listed")
    rel = b[b.index('class="related"'):b.index('class="comments"')]
    ok(rel.count("<li>") >= 3, "at least three related stories")
    contains(b, "— Ken Wieland, contributing editor", "sign-off is shown")
    contains(b, 'id="comments"', "comments block is there")
    for block in ("Upcoming Live Events", "Upcoming Webinars",
                  "Partner Perspectives", "Guest Perspectives"):
        contains(b, block, "article sidebar has " + block)
    side = b[b.index('class="sidebar"'):]
    contains(side, "Sponsored", "partner perspectives are labelled sponsored")
    contains(side, "Huawei", "partner perspectives name the company")
    contains(side, "Nagra", "guest perspectives name the contributor's company")
    ok(re.search(r"\w+ \d+(-\d+)?, \d{4}, Digital Symposium", side) is not None,
       "events show date range and kind")


def test_image_and_assets():
    b = page(ARTICLE)
    src = re.search(r'<figure class="hero">\s*(?:<picture>.*?)?<img src="([^"]+)"',
                    b, re.S).group(1)
    s, h, data = srv.get(src)
    eq(s, 200, "hero image is served")
    eq(h.get("content-type"), "image/jpeg", "hero image is a JPEG")
    ok(data[:3] == b"\xff\xd8\xff", "hero image bytes are JPEG")
    contains(h.get("cache-control", ""), "immutable", "media is cached for good")
    s, h, data = srv.get("/favicon.ico")
    eq((s, h.get("content-type")), (200, "image/x-icon"), "favicon is served")
    s, h, data = srv.get("/assets/site.css")
    eq(s, 200, "stylesheet is served")
    etag = h.get("etag")
    ok(etag is not None and h.get("content-type", "").startswith("text/css"),
       "stylesheet has an ETag and text/css")
    s, h, data = srv.get("/assets/site.css", {"If-None-Match": etag})
    eq((s, data), (304, b""), "stylesheet revalidates with 304")
    lm = srv.get("/assets/site.css")[1].get("last-modified")
    ok(lm is not None and lm.endswith(" GMT"), "stylesheet has Last-Modified")
    eq(srv.get("/assets/site.css", {"If-Modified-Since": lm})[0], 304,
       "If-Modified-Since answers 304")
    eq(srv.get("/assets/site.css", {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0],
       200, "an older If-Modified-Since gets the file")
    eq(srv.get("/assets/site.css", {"If-None-Match": '"other"', "If-Modified-Since": lm})[0],
       200, "If-None-Match wins over If-Modified-Since")
    eq(srv.get("/assets/nope.css")[0], 404, "unknown asset is 404")
    eq(srv.get("/media/" + "0" * 64 + ".jpg")[0], 404, "unknown media is 404")


def test_sections():
    b = page("/section/asia")
    contains(b, "<h1>Asia</h1>", "region page names the region")
    ok(b.count('class="story-item"') >= 10, "region page lists stories")
    b = page("/section/cable-tech")
    contains(b, 'class="chips"', "parent section lists sub-sections")
    contains(b, 'href="/section/docsis"', "Cable Tech links DOCSIS")
    ok(b.count('class="story-item"') == 20, "a full page has 20 stories")
    nxt = re.search(r'href="([^"]+)" rel="next"', b)
    ok(nxt is not None, "section has a next page")
    b2 = page(nxt.group(1).replace("&amp;", "&"))
    first = set(re.findall(r'<h2 class="story-title"><a href="([^"]+)"', b))
    second = set(re.findall(r'<h2 class="story-title"><a href="([^"]+)"', b2))
    ok(second and not (first & second), "page two shows different stories")
    contains(b2, 'href="/section/cable-tech" rel="prev"', "page two links back to the newer (first) page")
    b = page("/section/docsis")
    crumbs = b[b.index('class="crumbs"'):]
    contains(crumbs, ">Cable Tech<", "sub-section breadcrumb shows its parent")
    ok(b.count('class="story-item"') >= 10, "sub-section lists stories")
    page("/section/no-such-section", 404)
    eq(srv.get("/section/asia?before=xyz")[0], 400, "a malformed cursor is 400")


def test_author_tag_type():
    b = page("/author/ken-wieland")
    contains(b, "<h1>Ken Wieland</h1>", "author page names the author")
    contains(b, "contributing editor", "author page shows the role")
    contains(b, ARTICLE, "author page lists the Xiaomi story")
    a = page(ARTICLE)
    tag = re.search(r'href="(/tag/[^"]+)" rel="tag"', a)
    ok(tag is not None, "article links its tags")
    b = page(tag.group(1))
    contains(b, ARTICLE, "tag page lists the article")
    b = page("/type/partner-perspective")
    contains(b, "Partner Perspectives", "partner perspectives page")
    contains(b, "Sponsored", "partner list is labelled sponsored")
    page("/type/guest-perspective")
    page("/type/nonsense", 404)
    page("/author/nobody-here", 404)
    page("/tag/no-such-tag", 404)


def test_events_webinars():
    b = page("/events")
    ok(b.count('class="event-item"') >= 2, "upcoming events are listed")
    b = page("/events/archive")
    contains(b, "Optical Networking Digital Symposium", "archive has the seed's events")
    contains(b, "May 25-27, 2021", "archived event shows its date range")
    ev = re.search(r'<h2><a href="(/events/[^"]+)"', b).group(1)
    b = page(ev)
    contains(b, "This event has taken place", "a past event says so")
    b = page("/webinars")
    ok(b.count('class="event-item"') >= 2, "upcoming webinars are listed")
    b = page("/webinars/archive")
    contains(b, "SCTE Live Learning Webinar", "webinar archive has the seed's webinars")
    contains(b, "May 13, 2021", "archived webinars show their date")
    wb = re.search(r'<h2><a href="(/webinars/[^"]+)"', b).group(1)
    page(wb)
    page("/events/no-such-event", 404)
    page("/webinars/no-such-webinar", 404)
    eq(srv.get("/events/archive?before=abc")[0], 400, "malformed archive cursor is 400")


def test_static_pages():
    b = page("/about-us")
    contains(b, "About Us", "About Us page")
    b = page("/advertise-with-us")
    contains(b, "Advertise", "Advertise With Us page")


def test_not_found():
    s, h, b = srv.html("/no/such/page")
    eq(s, 404, "unknown path is 404")
    contains(b, "Not Found", "404 page says Not Found")
    contains(b, 'class="mega"', "404 page keeps the site navigation")
    eq(srv.get("/article/no-such-story")[0], 404, "unknown article is 404")
    eq(srv.get("/article/Bad_Slug!")[0], 404, "malformed slug is 404")


def test_server_error():
    """A theme whose partial includes itself fails to render: that is a 500
    with the theme's error page, and the server keeps serving."""
    d = tempfile.mkdtemp()
    os.makedirs(os.path.join(d, "templates", "partials"))
    with open(os.path.join(d, "templates", "partials", "sidebar.mustache"), "w") as f:
        f.write("{{> partials/sidebar}}")
    broken = Server(["--theme_dir", d])
    try:
        s, h, b = broken.html(ARTICLE)
        eq(s, 500, "a page that cannot be rendered is 500")
        contains(b, "Internal Server Error", "500 page says so")
        eq(broken.get("/about-us")[0], 200, "pages without the broken partial still work")
    finally:
        broken.stop()


run_tests([test_home, test_menu_and_footer, test_article, test_image_and_assets,
           test_sections, test_author_tag_type, test_events_webinars,
           test_static_pages, test_not_found, test_server_error], srv.stop)
