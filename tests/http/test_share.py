"""What sharing sites, search engines and mail clients read.

Every kind of page (home, article, section, author, tag, event in person
and online, webinar, white paper, static page) is fetched the way a
crawler does and its head parsed: its own feeds are linked before the
site's; og:image names an image whose bytes, fetched from that URL, have
the width and height the tags state; og:image:alt, twitter:image:alt and
og:locale are there; the JSON-LD parses and has the types and the
properties Google documents for NewsArticle, Event, Organization and
their ImageObjects (the logo a raster image, never SVG), and an event in
person its Place with a PostalAddress.  The newsroom's event editor
stores the address and image and refuses bad ones with 422, changing
nothing.  Then a registration with a long name, for a webinar with a
long non-ASCII title, goes through a real SMTP exchange: every header
line keeps to 78 columns (76 with encoded words), and Python's email
package decodes the subject and the name back exactly.
"""
import datetime
import email
import email.header
import email.policy
import email.utils
import html.parser
import json
import re
import struct
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     cookies_of, form_token)
from smtpsink import SmtpSink

BASE = "https://news.example.test"
PW = "a passphrase long enough"
SINK = SmtpSink()


def make_db(settings=()):
    d = demo_db(tempfile.mkdtemp(prefix="masthead-share-"))
    for key, value in settings:
        sql(d, "DELETE FROM settings WHERE key = ?", (key,))
        sql(d, "INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
    return d


DB = make_db()
# An author with a photo: the profile page shares it.
PHOTO = sql(DB, "SELECT id, hash, ext, width, height FROM images ORDER BY id"
            " LIMIT 1")[0]
sql(DB, "UPDATE authors SET photo_id = ? WHERE slug = 'ken-wieland'",
    (PHOTO[0],))
# A story without an image: its NewsArticle still needs one.
NO_IMAGE = sql(DB, "SELECT slug FROM articles WHERE status = 'published' AND"
               " slug <> ? ORDER BY id DESC LIMIT 1", ("us-scraps-xiaomi-blacklisting",))[0][0]
sql(DB, "UPDATE articles SET hero_image_id = NULL WHERE slug = ?", (NO_IMAGE,))
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "editor", "--name",
                "Editor", "editor@example.com"], input=PW, text=True,
               check=True, capture_output=True)
SRV = Server(db=DB, args=["--base_url", BASE, "--smtp_host", "127.0.0.1",
                          "--smtp_port", str(SINK.port),
                          "--real_ip_header", "X-Real-IP"])

# A second site in British English whose share image is an upload.
SHARE = sql(DB, "SELECT hash, ext, width, height, alt FROM images"
            " WHERE alt <> '' ORDER BY id DESC LIMIT 1")[0]
DB_GB = make_db([("language", "en-GB"), ("share_image", SHARE[0]),
                 ("logo_url", "/assets/favicon.svg")])
SRV_GB = Server(db=DB_GB, args=["--base_url", BASE])


class Head(html.parser.HTMLParser):
    """The head's meta tags, alternate links (in order) and JSON-LD."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta, self.alternates, self.jsonld = {}, [], []
        self.dup, self._ld, self._in_head = [], None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self._in_head = True
        if not self._in_head:
            return
        if tag == "meta" and ("property" in a or "name" in a):
            k = a.get("property") or a.get("name")
            if k in self.meta:
                self.dup.append(k)
            self.meta[k] = a.get("content")
        elif tag == "link" and a.get("rel") == "alternate":
            self.alternates.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._ld = []

    def handle_data(self, data):
        if self._ld is not None:
            self._ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._ld is not None:
            self.jsonld.append(json.loads("".join(self._ld)))
            self._ld = None
        if tag == "head":
            self._in_head = False


def head_of(srv, path):
    s, h, body = srv.html(path)
    p = Head()
    p.feed(body)
    p.close()
    return s, p


def local(url):
    """The path of one of the site's absolute URLs, to ask the server."""
    if not url.startswith(BASE + "/"):
        raise AssertionError("not an absolute URL of the site: %r" % url)
    return url[len(BASE):]


def image_size(data):
    """(type, width, height) read from an image's own bytes."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        w, h = struct.unpack(">II", data[16:24])
        return "png", w, h
    if data[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", data[6:10])
        return "gif", w, h
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = data[12:16]
        if kind == b"VP8X":
            w = 1 + int.from_bytes(data[24:27], "little")
            h = 1 + int.from_bytes(data[27:30], "little")
        elif kind == b"VP8L":
            b = int.from_bytes(data[21:25], "little")
            w, h = 1 + (b & 0x3fff), 1 + ((b >> 14) & 0x3fff)
        else:
            w, h = struct.unpack("<HH", data[26:30])
            w, h = w & 0x3fff, h & 0x3fff
        return "webp", w, h
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xff:
                raise AssertionError("a JPEG marker was expected")
            marker = data[i + 1]
            seglen = struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xc0 <= marker <= 0xcf and marker not in (0xc4, 0xc8, 0xcc):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return "jpeg", w, h
            i += 2 + seglen
    return None, 0, 0


def fetch_image(srv, url):
    s, h, data = srv.get(local(url))
    kind, w, hh = image_size(data) if s == 200 else (None, 0, 0)
    return s, h.get("content-type", ""), kind, w, hh


def check_og_image(srv, p, path, want_src=None):
    m = p.meta
    img = m.get("og:image") or ""
    ok(img.startswith(BASE + "/"), path + ": og:image is an absolute URL of "
       "the site", img)
    s, ctype, kind, w, h = fetch_image(srv, img)
    ok(s == 200 and kind in ("png", "jpeg", "gif", "webp") and
       ctype.startswith("image/") and "svg" not in ctype,
       path + ": the og:image is a raster image", (s, ctype, kind))
    eq((m.get("og:image:width"), m.get("og:image:height")), (str(w), str(h)),
       path + ": og:image:width and height are the served image's pixels")
    ok(w >= 200 and h >= 200, path + ": large enough for sharing sites "
       "(200 x 200 or more)", (w, h))
    alt = m.get("og:image:alt") or ""
    ok(alt.strip() != "", path + ": og:image:alt says what it shows")
    eq(m.get("twitter:image:alt"), alt, path + ": twitter:image:alt too")
    eq(m.get("twitter:image"), img, path + ": twitter:image is the same image")
    if want_src is not None:
        eq(local(img), want_src, path + ": shares its own image")
    dup = [k for k in p.dup if k != "article:tag"]
    ok(not dup, path + ": no meta tag twice but article:tag", dup)
    return img, w, h


def check_image_object(srv, o, what):
    """An ImageObject whose url/contentUrl serve an image of its size."""
    if not ok(isinstance(o, dict) and o.get("@type") == "ImageObject",
              what + " is an ImageObject", o):
        return None
    eq(o.get("contentUrl"), o.get("url"), what + ": contentUrl is its url")
    s, ctype, kind, w, h = fetch_image(srv, o.get("contentUrl", ""))
    ok(s == 200 and kind in ("png", "jpeg", "gif", "webp"),
       what + ": a raster image is served at contentUrl", (s, ctype, kind))
    eq((o.get("width"), o.get("height")), (w, h),
       what + ": width and height are the served image's")
    return o


def check_logo(srv, org, what):
    eq(org.get("@type"), "Organization", what + " is an Organization")
    ok(org.get("name"), what + " has a name")
    o = check_image_object(srv, org.get("logo"), what + "'s logo")
    if o:
        ok(not o["contentUrl"].lower().endswith(".svg"),
           what + "'s logo is not SVG (Google rejects it)")
        w, h = o.get("width", 0), o.get("height", 0)
        ok((w == h and w >= 112) or (w <= 600 and h <= 60),
           what + "'s logo is a 112 px+ square or fits 600 x 60", (w, h))


def check_feeds(p, path, own=None, name=None):
    """own: the list's path; its three feeds come first, then the site's."""
    types = ["application/rss+xml", "application/atom+xml",
             "application/feed+json"]
    files = ["feed.xml", "atom.xml", "feed.json"]
    feeds = [a for a in p.alternates if a.get("type") in types]
    site = [BASE + "/" + f for f in files]
    if own is None:
        eq([a.get("href") for a in feeds[:3]], site,
           path + ": the site's three feeds")
        return
    eq([a.get("href") for a in feeds[:3]],
       [BASE + own + "/" + f for f in files],
       path + ": its own RSS, Atom and JSON Feed come first")
    eq([a.get("type") for a in feeds[:3]], types, path + ": in that order")
    ok(all(name in (a.get("title") or "") for a in feeds[:3]),
       path + ": their titles name the list", [a.get("title") for a in feeds])
    eq([a.get("href") for a in feeds[3:6]], site,
       path + ": then the site's feeds")
    for a in feeds[:3]:
        s, h, b = SRV.get(local(a["href"]))
        ok(s == 200 and h.get("content-type", "").startswith(a["type"]),
           path + ": " + a["href"][len(BASE):] + " answers " + a["type"],
           (s, h.get("content-type")))


def ld_of(p, kind):
    return [x for x in p.jsonld if x.get("@type") == kind]


def iso(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


# --- the pages --------------------------------------------------------------

ARTICLE = "us-scraps-xiaomi-blacklisting"


def test_every_page_kind():
    w = sql(DB, "SELECT slug FROM webinars ORDER BY starts_at DESC LIMIT 1")[0][0]
    ev = sql(DB, "SELECT slug FROM events WHERE online = 1 ORDER BY starts_at"
             " DESC LIMIT 1")[0][0]
    res = sql(DB, "SELECT r.slug, i.hash, i.ext FROM resources r JOIN images i"
              " ON i.id = r.cover_id WHERE r.published_at IS NOT NULL"
              " ORDER BY r.id LIMIT 1")[0]
    hero = sql(DB, "SELECT i.hash, i.ext FROM articles a JOIN images i ON"
               " i.id = a.hero_image_id WHERE a.slug = ?", (ARTICLE,))[0]
    pages = [
        ("/", None, None, "/assets/share.png"),
        ("/article/" + ARTICLE, None, None, "/media/%s.%s" % hero),
        ("/section/asia", "/section/asia", "Asia", "/assets/share.png"),
        ("/author/ken-wieland", "/author/ken-wieland", "Ken Wieland",
         "/media/%s.%s" % (PHOTO[1], PHOTO[2])),
        ("/tag/5g", "/tag/5g", "5G", "/assets/share.png"),
        ("/events/" + ev, None, None, "/assets/share.png"),
        ("/events/big-5g-event", None, None, None),
        ("/webinars/" + w, None, None, "/assets/share.png"),
        ("/resources/" + res[0], None, None, "/media/%s.%s" % (res[1], res[2])),
        ("/about-us", None, None, "/assets/share.png"),
    ]
    for path, own, name, src in pages:
        s, p = head_of(SRV, path)
        if not ok(s == 200, path + " answers 200"):
            continue
        check_feeds(p, path, own, name)
        check_og_image(SRV, p, path, src)
        eq(p.meta.get("og:locale"), "en_US",
           path + ": og:locale from the language setting (en by default)")
        eq(p.meta.get("twitter:card"), "summary_large_image",
           path + ": a large-image Twitter card")
        ok(p.jsonld or path in ("/tag/5g", "/author/ken-wieland", "/about-us"),
           path + ": JSON-LD parses")
        for x in p.jsonld:
            eq(x.get("@context"), "https://schema.org",
               path + ": " + str(x.get("@type")) + " has the schema.org context")


def test_home_organization():
    s, p = head_of(SRV, "/")
    orgs = ld_of(p, "Organization")
    if ok(len(orgs) == 1, "the home page describes the publisher"):
        check_logo(SRV, orgs[0], "the home page's Organization")
        eq(orgs[0].get("url"), BASE + "/", "with the site's address")


def test_news_article():
    s, p = head_of(SRV, "/article/" + ARTICLE)
    na = ld_of(p, "NewsArticle")
    if not ok(len(na) == 1, "the article has one NewsArticle"):
        return
    a = na[0]
    ok(isinstance(a.get("headline"), str) and 0 < len(a["headline"]) <= 110,
       "headline: at most 110 characters", a.get("headline"))
    for k in ("datePublished", "dateModified"):
        ok(isinstance(a.get(k), str) and iso(a[k]).tzinfo is not None,
           k + " is ISO 8601 with a zone", a.get(k))
    ok(iso(a["dateModified"]) >= iso(a["datePublished"]),
       "dateModified is not before datePublished")
    authors = a.get("author")
    ok(isinstance(authors, list) and authors and all(
        x.get("@type") == "Person" and x.get("name") and
        x.get("url", "").startswith(BASE + "/author/") for x in authors),
       "author: each a Person with a name and the author's page", authors)
    img = check_image_object(SRV, a.get("image"), "the NewsArticle's image")
    if img:
        eq(img.get("url"), p.meta.get("og:image"),
           "the NewsArticle's image is the shared one")
        ok(img.get("width", 0) >= 696, "wide enough for Google (696 px+)")
        ok(img.get("caption") and img.get("creditText"),
           "with its caption and credit")
    check_logo(SRV, a.get("publisher", {}), "the publisher")
    eq(a.get("mainEntityOfPage"), BASE + "/article/" + ARTICLE,
       "mainEntityOfPage is the article's address")
    # A story without an image still gives Google one: the share image.
    s, p = head_of(SRV, "/article/" + NO_IMAGE)
    if ok(s == 200, "a story without an image answers"):
        na = ld_of(p, "NewsArticle")
        img = check_image_object(SRV, na and na[0].get("image"),
                                 "an imageless story's NewsArticle image")
        eq(img and local(img["url"]), "/assets/share.png",
           "it is the site's share image")


def test_events():
    # (The harness reads PostgreSQL's text output back as numbers where it can.)
    row = [str(v) for v in sql(DB, "SELECT venue, street_address, locality,"
                               " region, postal_code, country FROM events"
                               " WHERE slug = 'big-5g-event'")[0]]
    ok(all(row), "the demo's in-person event has a full address", row)
    s, p = head_of(SRV, "/events/big-5g-event")
    e = ld_of(p, "Event")
    if not ok(len(e) == 1, "the event has one Event"):
        return
    e = e[0]
    for k in ("name", "startDate", "endDate", "location", "description",
              "eventStatus", "eventAttendanceMode", "image", "organizer"):
        ok(e.get(k), "Event has " + k)
    ok(iso(e["endDate"]) >= iso(e["startDate"]), "it ends after it starts")
    eq(e.get("eventAttendanceMode"),
       "https://schema.org/OfflineEventAttendanceMode", "attended in person")
    loc = e.get("location", {})
    eq(loc.get("@type"), "Place", "its location is a Place")
    eq(loc.get("name"), row[0], "named after the venue")
    eq(loc.get("address"), {
        "@type": "PostalAddress", "streetAddress": row[1],
        "addressLocality": row[2], "addressRegion": row[3],
        "postalCode": row[4], "addressCountry": row[5]},
       "whose address is a PostalAddress of the editor's parts")
    img = check_image_object(SRV, e.get("image"), "the Event's image")
    if img:
        eq(img["url"], p.meta.get("og:image"), "the Event's image is the shared one")
        ok(not img["url"].endswith("/assets/share.png"),
           "an event with its own image shares it")
    check_logo(SRV, e.get("organizer", {}), "the Event's organizer")
    s, h, body = SRV.html("/events/big-5g-event")
    contains(body, "700 14th Street, Denver, CO 80202, US",
             "the page shows readers the address")
    # Online events and webinars keep a VirtualLocation and get an image.
    ev = sql(DB, "SELECT slug FROM events WHERE online = 1 AND venue = ''"
             " LIMIT 1")[0][0]
    w = sql(DB, "SELECT slug FROM webinars LIMIT 1")[0][0]
    for path in ("/events/" + ev, "/webinars/" + w):
        s, p = head_of(SRV, path)
        e = ld_of(p, "Event")
        if not ok(len(e) == 1, path + " has an Event"):
            continue
        loc = e[0].get("location", {})
        eq((loc.get("@type"), loc.get("url")), ("VirtualLocation", BASE + path),
           path + ": its location is a VirtualLocation with the page's address")
        img = check_image_object(SRV, e[0].get("image"), path + "'s Event image")
        eq(img and local(img["url"]), "/assets/share.png",
           path + ": the site's share image")


def test_site_settings():
    """language en-GB, a share image upload and an SVG logo_url."""
    for path in ("/", "/events/big-5g-event", "/tag/5g"):
        s, p = head_of(SRV_GB, path)
        eq(p.meta.get("og:locale"), "en_GB", path + ": og:locale en_GB")
    for path in ("/", "/webinars"):
        s, p = head_of(SRV_GB, path)
        img, w, h = check_og_image(SRV_GB, p, path + " (share_image set)",
                                   "/media/%s.%s" % (SHARE[0], SHARE[1]))
        eq((w, h), (SHARE[2], SHARE[3]), path + ": the upload's size")
        eq(p.meta.get("og:image:alt"), SHARE[4], path + ": and its alt text")
    s, p = head_of(SRV_GB, "/")
    org = ld_of(p, "Organization")
    if ok(org, "the home page has its Organization"):
        check_logo(SRV_GB, org[0], "with an SVG logo_url, the Organization")
        eq(local(org[0]["logo"]["url"]), "/assets/logo.png",
           "an SVG logo is replaced by its PNG rendition")
    s, h, svg = SRV_GB.get("/assets/favicon.svg")
    s, h, png = SRV_GB.get("/assets/logo.png")
    eq((s, h.get("content-type")), (200, "image/png"),
       "/assets/logo.png is served as PNG")
    ok(h.get("etag"), "with an ETag")
    eq(image_size(png)[1:], (512, 512), "512 x 512 pixels")


# --- the editor -------------------------------------------------------------

def sign_in():
    """(cookie, the session's CSRF token) of the editor."""
    c = Client(SRV, ip=None)
    c.sign_in("editor@example.com", PW)
    return c.cookie(), c.csrf("/admin/events/new")


def editor_form(cookie, eid):
    """The fields of the event's editor as it shows them."""
    s, h, b = SRV.request("GET", "/admin/events/%d" % eid, {"Cookie": cookie})
    b = b.decode()
    f = dict(re.findall(r'<input type="(?:text|url|number|datetime-local)"'
                        r' name="([a-z_]+)" value="([^"]*)"', b))
    f.update(re.findall(r'<textarea name="([a-z_]+)"[^>]*>([^<]*)</textarea>', b))
    for name in ("kind", "sponsor_id"):
        m = re.search(r'<select name="%s">.*?<option value="([^"]*)" selected'
                      % name, b, re.S)
        f[name] = m.group(1) if m else "0"
    m = re.search(r'name="attendance" value="([a-z-]+)"[^>]* checked', b)
    if m:
        f["attendance"] = m.group(1)
    return {k: v.replace("&amp;", "&").replace("&#39;", "'")
            .replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
            for k, v in f.items()}


def test_editor_address():
    cookie, tok = sign_in()
    eid = sql(DB, "SELECT id FROM events WHERE slug = 'leading-lights-awards'")[0][0]
    img = sql(DB, "SELECT hash FROM images ORDER BY id LIMIT 1 OFFSET 2")[0][0]
    f = editor_form(cookie, eid)
    eq((f.get("locality"), f.get("country")), ("Denver", "US"),
       "the editor shows the stored address")
    before = sql(DB, "SELECT street_address, locality, region, postal_code,"
                 " country, image_id FROM events WHERE id = ?", (eid,))
    for field, value, why in (
            ("country", "USA", "a country that is not two letters"),
            ("country", "U1", "a country with a digit"),
            ("postal_code", "9" * 21, "a postal code over 20 bytes"),
            ("locality", "x" * 101, "a city over 100 bytes"),
            ("street_address", "x" * 301, "a street over 300 bytes"),
            ("image", "f" * 64, "an image that was never uploaded"),
            ("image", "not-a-hash", "an image that is not a hash")):
        g = dict(f, csrf=tok)
        g[field] = value
        s, h, b = SRV.request("POST", "/admin/events/%d" % eid, {
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            urllib.parse.urlencode(g))
        eq(s, 422, "the editor refuses " + why)
    eq(sql(DB, "SELECT street_address, locality, region, postal_code, country,"
           " image_id FROM events WHERE id = ?", (eid,)), before,
       "and nothing changed")
    g = dict(f, csrf=tok, street_address="1 Ocean Parade", locality="Brighton",
             region="East Sussex", postal_code="BN2 1AA", country="gb", image=img,
             venue="Brighton Centre", attendance="in-person")
    s, h, b = SRV.request("POST", "/admin/events/%d" % eid, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(g))
    eq(s, 303, "a good address and image are saved")
    s, p = head_of(SRV, "/events/leading-lights-awards")
    e = ld_of(p, "Event")
    eq(e and e[0].get("location"), {
        "@type": "Place", "name": "Brighton Centre", "address": {
            "@type": "PostalAddress", "streetAddress": "1 Ocean Parade",
            "addressLocality": "Brighton", "addressRegion": "East Sussex",
            "postalCode": "BN2 1AA", "addressCountry": "GB"}},
       "the page's Event has the new Place at once (the country in capitals)")
    ext = sql(DB, "SELECT ext FROM images WHERE hash = ?", (img,))[0][0]
    check_og_image(SRV, p, "the edited event", "/media/%s.%s" % (img, ext))
    g["image"] = ""
    for k in ("street_address", "locality", "region", "postal_code", "country"):
        g[k] = ""
    s, h, b = SRV.request("POST", "/admin/events/%d" % eid, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(g))
    s, p = head_of(SRV, "/events/leading-lights-awards")
    e = ld_of(p, "Event")
    eq(e and e[0].get("location"), {"@type": "Place", "name": "Brighton Centre",
                                   "address": "Brighton Centre"},
       "without an address the venue's words stand for it")
    eq(local(p.meta.get("og:image", BASE)), "/assets/share.png",
       "without an image, the site's share image")


# --- mail -------------------------------------------------------------------

def unfold(v):
    return re.sub(r"\r\n(?=[ \t])", "", v)


def test_mail_headers():
    slug = sql(DB, "SELECT slug FROM webinars WHERE starts_at > ? AND"
               " questions = '' ORDER BY starts_at LIMIT 1",
               (int(time.time()),))[0][0]
    title = ("Réseaux optiques et 5G : ce que les opérateurs européens "
             "attendent de l'année — 次世代ネットワーク 📡 édition spéciale")
    sql(DB, "UPDATE webinars SET title = ? WHERE slug = ?", (title, slug))
    name = ("Zoë-Élodie Àlvarez de la Fuente y Montserrat-Østergård "
            "Ćwiklińska 山田花子 the Third of that Name")
    ascii_name = ("Dr. Alexandra Montgomery-Fitzgerald, Senior Principal "
                  "Network Architect (Optical Transport), Example Networks")
    for who, addr in ((name, "zoe@example.org"), (ascii_name, "alex@example.org")):
        s, h, b = SRV.html("/newsletter")
        jar = "mh_csrf=" + cookies_of(h)["mh_csrf"]
        s, h, b = SRV.request("POST", "/webinars/%s/register" % slug, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": jar,
            "X-Real-IP": "192.0.2.%d" % (len(addr) + 20)},
            urllib.parse.urlencode({"csrf": form_token(b), "name": who,
                                    "email": addr, "company": "Example",
                                    "job_title": "Planner", "consent": "yes"}))
        ok(s in (200, 303), "a reader registers with a long name", s)
    deadline = time.time() + 20
    got = {}
    while time.time() < deadline and len(got) < 2:
        for m in list(SINK.messages):
            to = m.envelope_to if isinstance(m.envelope_to, str) else \
                m.envelope_to[0]
            if to in ("zoe@example.org", "alex@example.org"):
                got[to] = m
        time.sleep(0.1)
    eq(sorted(got), ["alex@example.org", "zoe@example.org"],
       "both confirmations reach the SMTP server")
    for addr, who in (("zoe@example.org", name), ("alex@example.org", ascii_name)):
        m = got.get(addr)
        if m is None:
            continue
        raw = m.raw.decode("ascii")
        headers = raw.split("\r\n\r\n", 1)[0].split("\r\n")
        long_ = [x for x in headers if len(x) > 78]
        ok(not long_, addr + ": every header line keeps to 78 columns", long_)
        wide = [x for x in headers if "=?" in x and len(x) > 76]
        ok(not wide, addr + ": a line with encoded words keeps to 76", wide)
        words = re.findall(r"=\?[^?]+\?[BbQq]\?[^?]*\?=", raw.split("\r\n\r\n")[0])
        ok(words and all(len(w) <= 75 for w in words),
           addr + ": every encoded word is at most 75 characters")
        for w in words:
            data = email.header.decode_header(w)[0][0]
            try:
                data.decode("utf-8")
                whole = True
            except UnicodeDecodeError:
                whole = False
            if not whole:
                ok(False, addr + ": an encoded word splits a character", w)
                break
        else:
            ok(True, addr + ": each encoded word holds whole characters")
        msg = email.message_from_bytes(m.raw, policy=email.policy.default)
        eq(str(msg["Subject"]), "You are registered: " + title,
           addr + ": the subject decodes back exactly")
        ok(not msg.defects and not msg["Subject"].defects and
           not msg["To"].defects, addr + ": the parser finds no defect",
           (msg.defects, msg["Subject"].defects, msg["To"].defects))
        # Python's address parser spaces out adjacent encoded words in a
        # display name (CPython gh-128110); RFC 2047's own decoding does not.
        field = unfold(re.search(r"^To:(.*?)\r\n(?![ \t])", raw,
                                 re.S | re.M).group(1))
        dn, spec = email.utils.parseaddr(field)
        eq(str(email.header.make_header(email.header.decode_header(dn))), who,
           addr + ": the display name decodes back exactly")
        eq(spec, addr, addr + ": to the reader's address")
        eq(msg["To"].addresses[0].addr_spec, addr,
           addr + ": which the strict parser reads too")


def cleanup():
    SRV_GB.stop()
    SINK.close()
    return SRV.stop()


run_tests([test_every_page_kind, test_home_organization, test_news_article,
           test_events, test_site_settings, test_editor_address,
           test_mail_headers], cleanup)
