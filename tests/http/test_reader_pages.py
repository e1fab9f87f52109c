#!/usr/bin/env python3
"""The smaller things readers notice (docs/comments.md, docs/events.md,
README "Reader pages"):

- one date style: "May 12, 2021" on every page, with the time and the
  zone's abbreviation where the hour matters (comments);
- the signed-out composer links Register next to Sign In;
- a reader's own comments offer Edit and Delete on the article page while
  the cached page stays the same for every reader (their id rides in
  the account bar, the page's one personal part);
- story lists page both ways (Newer and Older, rel=prev/next, the page
  number in the title) and a page past the last is 404;
- the 404 page offers search and the main sections, and stays a 404;
- event pages: the zone as readers say it, Register near the top on a
  phone, no "Add to calendar" once the event is over;
- the demo's footer links its privacy, terms and contact pages.

Pages are read with html.parser, as a browser reads them; the last test
drives Chromium for what only a browser shows.
"""
import html.parser
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, Server, Client, ok, eq, contains, run_tests,
                     demo_db, sql, form_token, browser_steps)

PW = "a long enough passphrase"
PAGE_SIZE = 4


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-reader-")
    db = demo_db(d)
    for name, role in (("rita", "member"), ("sam", "member"), ("ed", "editor")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role,
                        "--name", name.title(), name + "@example.com"],
                       input=PW, text=True, check=True, capture_output=True)
    return db


DB = make_db()
srv = Server(db=DB, args=["--page_size", str(PAGE_SIZE),
                          "--comment_rate_user", "1000",
                          "--comment_rate_ip", "1000"])
SLUGS = [r[0] for r in sql(DB, "SELECT slug FROM articles WHERE status ="
                           " 'published' AND type = 'news' AND comments_mode"
                           " = 'open' ORDER BY published_at DESC, id DESC"
                           " LIMIT 5")]


def name(k):
    """An attribute's name from a keyword: class_ is class, data_by
    data-by."""
    return k.rstrip("_").replace("_", "-")


class Page(html.parser.HTMLParser):
    """Every start tag with its attributes, the text of each element that
    has an id or a class, in document order."""

    def __init__(self, body):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.title, self._in_title = [], [], "", False
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_title:
            self.title += data

    def find(self, tag, **want):
        out = []
        for t, a in self.tags:
            if t != tag:
                continue
            if all((a.get(name(k)) or "") == v if not callable(v)
                   else v(a.get(name(k)) or "") for k, v in want.items()):
                out.append(a)
        return out


def get(path, who=None):
    c = Client(srv, ip=None)
    if who:
        eq(c.sign_in(who + "@example.com", PW), 303, who + " signs in")
    s, h, b = c.get(path)
    return s, h, b, c


def test_one_date_style():
    slash = re.compile(r">\s*\d{1,2}/\d{1,2}/\d{4}\s*<")
    long_date = re.compile(r"^(January|February|March|April|May|June|July|"
                           r"August|September|October|November|December) "
                           r"\d{1,2}, \d{4}$")
    for path in ("/", "/section/5g", "/article/" + SLUGS[0],
                 "/author/ken-wieland", "/type/news"):
        s, h, b, _ = get(path)
        eq(s, 200, path + " answers")
        ok(not slash.search(b), path + ": no date written 5/12/2021")
        p = Page(b)
        dates = [m for m in re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", b)]
        ok(dates and all(long_date.match(d) for d in dates),
           path + ": every date is spelt out (%d)" % len(dates),
           [d for d in dates if not long_date.match(d)][:3])
        ok(p.find("time"), path + " marks its dates with <time>")


def test_composer_signed_out():
    s, h, b, _ = get("/article/%s/comment" % SLUGS[0])
    eq(s, 200, "the composer answers a signed-out reader")
    p = Page(b)
    ok(p.find("a", href=lambda v: v.startswith("/signin")), "it links Sign In")
    ok(p.find("a", href="/register"), "and Register")


def post_comment(c, slug, text):
    tok = form_token(c.get("/article/%s/comment" % slug)[2])
    s, h, b = c.post("/article/%s/comment" % slug,
                     [("body", text), ("csrf", tok or "")])
    m = re.match(r"/comments/(\d+)$", h.get("location", ""))
    return s, int(m.group(1)) if m else None


def account_hole(b):
    i, j = b.find('<div class="account">'), b.find("</div>", b.find('<div class="account">'))
    return b[:i] + b[j:]


def test_own_comments():
    slug = SLUGS[1]
    rita = Client(srv, ip=None)
    eq(rita.sign_in("rita@example.com", PW), 303, "rita signs in")
    sam = Client(srv, ip=None)
    eq(sam.sign_in("sam@example.com", PW), 303, "sam signs in")
    s, cid = post_comment(rita, slug, "Rita's first thought on this story.")
    eq(s, 303, "rita posts a comment")
    s, sid = post_comment(sam, slug, "Sam disagrees, politely.")
    eq(s, 303, "sam posts a comment")
    path = "/article/" + slug
    s, h, anon = srv.html(path)
    eq(s, 200, "the article answers")
    s, h, anon2 = srv.html(path)
    eq(h.get("x-cache"), "hit", "the article is a cached page")
    _, hr, br = rita.get(path)
    _, hs, bs = sam.get(path)
    eq(account_hole(br), account_hole(bs),
       "rita and sam get the same page outside the account bar")
    eq(account_hole(br), account_hole(anon2),
       "and the same as a signed-out reader's")
    ok("data-me=" not in anon2, "a signed-out page names no reader")
    pr, ps = Page(br), Page(bs)
    me_r = pr.find("span", class_="signed-in")[0].get("data-me", "")
    me_s = ps.find("span", class_="signed-in")[0].get("data-me", "")
    uid = sql(DB, "SELECT id FROM users WHERE email = 'rita@example.com'")[0][0]
    eq(me_r, str(uid), "rita's account bar carries her id")
    ok(me_r != me_s, "sam's is his")
    again = Client(srv, ip=None)
    again.sign_in("rita@example.com", PW)
    eq(Page(again.get(path)[2]).find("span", class_="signed-in")[0].get("data-me"),
       me_r, "the same in another of rita's sessions")
    mine = pr.find("li", data_by=me_r)
    eq([a.get("data-id") for a in mine], [str(cid)],
       "her id marks her comment and no other")
    eq([a.get("data-id") for a in pr.find("li", data_by=me_s)], [str(sid)],
       "sam's is on his")
    ok("/comments/%d/edit" % cid not in anon2 and
       "/comments/%d/delete" % cid not in anon2,
       "the shared page holds no Edit or Delete (the script adds them)")
    s, h, b = rita.get("/article/%s/comment" % slug)
    ok("/comments/%d/edit" % cid in b and "/comments/%d/delete" % cid in b,
       "without a script, the composer still offers Edit and Delete")
    # The server decides whose comment it is, not the page.
    tok = form_token(sam.get("/article/%s/comment" % slug)[2])
    s, h, b = sam.post("/comments/%d/delete" % cid, [("csrf", tok)])
    eq(s, 403, "sam cannot delete rita's comment")
    # A comment's time of day, in the site's zone.
    times = [m for m in re.findall(
        r'<li class="comment[^"]*" id="c%d"[^>]*>.*?<time datetime="[^"]+">([^<]+)</time>'
        % cid, anon2, re.S)]
    ok(times and re.match(r"^[A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M [A-Z]{3,4}$",
                          times[0]),
       "a comment shows its date and time of day with the zone", times)


def pager(b):
    p = Page(b)
    prev = [a["href"] for a in p.find("a", rel="prev")]
    nxt = [a["href"] for a in p.find("a", rel="next")]
    head_prev = [a["href"] for a in p.find("link", rel="prev")]
    head_next = [a["href"] for a in p.find("link", rel="next")]
    stories = re.findall(r'<h2 class="story-title"><a href="([^"]+)"', b)
    return p, prev, nxt, head_prev, head_next, stories


def test_lists_page_both_ways():
    for base in ("/section/5g", "/tag/" + sql(DB, "SELECT t.slug FROM tags t JOIN article_tags x ON"
                                           " x.tag_id = t.id GROUP BY t.id, t.slug"
                                           " ORDER BY count(*) DESC LIMIT 1")[0][0],
                 "/type/news"):
        url, pages, titles = base, [], []
        while url and len(pages) < 4:
            s, h, b = srv.html(url)
            eq(s, 200, "%s answers" % url)
            p, prev, nxt, hp, hn, stories = pager(b)
            pages.append((url, prev, nxt, stories))
            titles.append(p.title)
            eq(hp, prev, url + ": <link rel=prev> is the Newer link")
            eq(hn, nxt, url + ": <link rel=next> is the Older link")
            url = nxt[0] if nxt else None
        ok(len(pages) >= 3, base + ": three pages or more to walk")
        eq(pages[0][1], [], base + ": the first page has no Newer link")
        for k in range(1, len(pages)):
            eq(pages[k][1], [pages[k - 1][0]],
               "%s page %d: Newer leads to page %d" % (base, k + 1, k))
            contains(titles[k], ", page %d |" % (k + 1),
                     "%s page %d: its title says which" % (base, k + 1))
            ok(pages[k][3] and not set(pages[k][3]) & set(pages[k - 1][3]),
               "%s page %d: other stories than page %d" % (base, k + 1, k))
        ok(", page" not in titles[0], base + ": the first page's title has no number")
    s, h, b = srv.html("/section/5g?before=1.1&page=9")
    eq(s, 404, "a page past the last is 404")
    eq(srv.html("/section/5g?page=2")[0], 404, "a page number without a cursor is 404")
    eq(srv.html("/section/5g?page=x")[0], 404, "a malformed page number is 404")
    eq(srv.html("/section/5g?page=1")[0], 200, "page=1 is the first page")
    s, h, b = srv.html("/section/5g")
    m = re.search(r'<link rel="next" href="([^"]+)"', b)
    s, h, b = srv.html(m.group(1).replace("&amp;", "&"))
    contains(b, '<link rel="canonical" href="http://127.0.0.1:%d%s"'
             % (srv.port, m.group(1)), "a later page's canonical URL keeps its number")


def test_404():
    for path in ("/no-such-page", "/article/no-such-story", "/section/no-such"):
        s, h, b = srv.html(path)
        eq(s, 404, path + " is 404")
        p = Page(b)
        forms = p.find("form", action="/search")
        ok(forms and forms[0].get("method") == "get", path + ": a search form")
        ok(p.find("input", name="q"), path + ": with its query box")
        ok(p.find("label", for_=p.find("input", name="q")[0].get("id", "-")),
           path + ": the box has a label")
        links = [a["href"] for a in p.find("a")]
        for sec in ("/section/5g", "/section/cable-tech", "/events"):
            ok(links.count(sec) >= 2, "%s: links %s (the menu and the list)" % (path, sec))
        ok(h.get("x-cache") is None and "etag" not in h,
           path + ": not served from or kept in the page cache")
    eq(srv.html("/no-such-page")[0], 404, "the 404 stays a 404 the second time")


EVENT = "sd-wan-digital-symposium"


def test_event_page():
    s, h, b = srv.html("/events/" + EVENT)
    eq(s, 200, "an upcoming event answers")
    contains(b, "Times are New York time (EST).", "the zone as readers say it")
    ok("America/New_York" not in re.sub(r"<[^>]+>", "", b),
       "the zone's IANA name is not shown")
    days = re.findall(r'<li class="agenda-day"><h3>([^<]+)</h3>', b)
    ok(days and all(re.match(r"^[A-Z][a-z]+day, [A-Z][a-z]+ [1-9]\d?$", d) for d in days),
       "agenda days read \"Friday, December 18\"", days)
    p = Page(b)
    jump = p.find("a", href="#register")
    ok(jump, "a Register link near the top goes to the form")
    ok(b.find('href="#register"') < b.find('<section class="agenda"'),
       "before the agenda")
    ok(p.find("section", id="register"), "the form is there")
    contains(b, "Add to calendar", "an upcoming event offers Add to calendar")
    past = sql(DB, "SELECT slug FROM events WHERE ends_at < ? ORDER BY ends_at DESC"
               " LIMIT 1", (int(time.time()),))[0][0]
    s, h, b = srv.html("/events/" + past)
    eq(s, 200, "a past event answers")
    ok("Add to calendar" not in b and ".ics" not in re.sub(r"<link[^>]*>", "", b),
       "a past event offers no Add to calendar")
    ok('href="#register"' not in b, "nor the Register link")
    now = int(time.time())
    for slug, want in ((sql(DB, "SELECT slug FROM webinars WHERE starts_at > ? ORDER BY"
                            " starts_at LIMIT 1", (now,))[0][0], True),
                       (sql(DB, "SELECT slug FROM webinars WHERE starts_at + 60 *"
                            " duration_min < ? ORDER BY starts_at DESC LIMIT 1",
                            (now,))[0][0], False)):
        s, h, b = srv.html("/webinars/" + slug)
        eq(s, 200, "webinar %s answers" % slug)
        eq("Add to calendar" in b, want, "an upcoming webinar offers Add to calendar"
           if want else "a webinar that is over does not")


class Form(html.parser.HTMLParser):
    """The fields of the first form whose action is action, as a browser
    would send them (checked radios only, selected options)."""

    def __init__(self, body, action):
        super().__init__(convert_charrefs=True)
        self.action, self.fields, self._in, self._area, self._sel = action, [], False, None, None
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in = a.get("action") == self.action and not self.fields
        elif not self._in or "name" not in a and tag != "option":
            return
        elif tag == "input":
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.append([a["name"], a.get("value") or ""])
        elif tag == "textarea":
            self._area = [a["name"], ""]
            self.fields.append(self._area)
        elif tag == "select":
            self._sel = [a["name"], None]
            self.fields.append(self._sel)
        if tag == "option" and self._in and self._sel is not None and \
                (self._sel[1] is None or "selected" in a):
            self._sel[1] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in = False
        elif tag == "textarea":
            self._area = None
        elif tag == "select":
            self._sel = None

    def handle_data(self, data):
        if self._area is not None:
            self._area[1] += data


def test_speakers():
    s, h, b = srv.html("/events/" + EVENT)
    p = Page(b)
    ok(p.find("section", class_="speakers"), "the event page has its speakers")
    contains(b, '<strong class="speaker-name">Maren Okafor</strong>', "a speaker's name")
    contains(b, '<span class="speaker-role">Conference chair, Light Reading</span>',
             "with their job title and company")
    photos = [i for i in p.find("img") if i.get("src", "").startswith("/media/")
              and i.get("loading") == "lazy"]
    ok(len(photos) == 4, "and a photo each (%d)" % len(photos))
    eid = sql(DB, "SELECT id FROM events WHERE slug = ?", (EVENT,))[0][0]
    ed = Client(srv, ip=None)
    eq(ed.sign_in("ed@example.com", PW), 303, "an editor signs in")
    form = "/admin/events/%d" % eid
    s, h, b = ed.get(form)
    eq(s, 200, "the event form answers")
    fields = Form(b, form).fields
    sp = [v for k, v in fields if k == "speakers"]
    ok(sp and "Maren Okafor | Conference chair | Light Reading | " in sp[0],
       "the form lists the speakers, one a line, with the photo's name")
    photo = sql(DB, "SELECT hash FROM images ORDER BY id LIMIT 1")[0][0]

    def save(text):
        f = [(k, text if k == "speakers" else v) for k, v in fields]
        return ed.post(form, f)

    s, h, b = save("Nadia Quist | Head of research | Example Labs | %s\n"
                   "\nOmar Beck\n" % photo)
    eq(s, 303, "the editor saves two speakers")
    s, h, b = srv.html("/events/" + EVENT)
    names = re.findall(r'<strong class="speaker-name">([^<]+)</strong>', b)
    eq(names, ["Nadia Quist", "Omar Beck"], "the page shows them at once, in order")
    contains(b, '<span class="speaker-role">Head of research, Example Labs</span>',
             "title and company")
    ok('src="/media/%s' % photo in b, "the photo chosen")
    ok("Maren Okafor" not in b, "the old list is replaced")
    before = sql(DB, "SELECT name FROM event_speakers WHERE event_id = ? ORDER BY position",
                 (eid,))
    for bad, why in (("| Title only", "a line without a name"),
                     ("Ann Lee | x | y | nothex", "a photo that is no image's name"),
                     ("Ann Lee | x | y | " + "0" * 64, "a photo of no uploaded image"),
                     ("A" * 201, "a name over 200 bytes"),
                     ("\n".join("Person %d" % i for i in range(25)), "25 speakers")):
        s, h, b = save(bad)
        eq(s, 422, "%s is refused (422)" % why)
        ok(Page(b).find("p", class_="form-error"), why + ": the form says why")
        contains(b, bad.split("\n")[0][:20], why + ": what was typed comes back")
    eq(sql(DB, "SELECT name FROM event_speakers WHERE event_id = ? ORDER BY position",
           (eid,)), before, "and nothing changed")
    # The agenda's lines are split the same way.
    agenda = [v for k, v in fields if k == "agenda"][0]
    for text, want in (("D" * 1001, 422), ("D" * 1000, 303)):
        f = [(k, "2026-12-18 09:00-09:30 | Talk | Someone |%s" % text if k == "agenda"
              else v) for k, v in fields]
        s, h, b = ed.post(form, f)
        eq(s, want, "an agenda description of %d bytes: %d" % (len(text), want))
        if want == 422:
            contains(b, "longer than 1000 bytes", "and the form says why")
    s, h, b = ed.post(form, [(k, agenda if k == "agenda" else v) for k, v in fields])
    eq(s, 303, "the agenda is put back")
    s, h, b = save("")
    eq(s, 303, "emptying the field saves")
    s, h, b = srv.html("/events/" + EVENT)
    ok('class="speakers"' not in b, "an event without speakers shows no Speakers block")


def test_footer_pages():
    s, h, b = srv.html("/")
    foot = b[b.index('class="site-footer"'):]
    p = Page(foot)
    for path, title in (("/privacy", "Privacy"), ("/terms", "Terms of Use"),
                        ("/contact", "Contact")):
        ok(p.find("a", href=path), "the footer links " + path)
        s, h, b = srv.html(path)
        eq(s, 200, path + " answers")
        contains(b, '<h1 class="headline">%s</h1>' % title, path + " has its title")
        contains(b, "demo", path + " says it is the demo's")


STEPS = r"""
  const slug = process.env.SLUG, cid = process.env.CID;
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  await signIn(page, 'rita', '/article/' + slug);
  await page.goto(base + '/article/' + slug);
  const li = page.locator('#c' + cid);
  check('the author sees Edit on her comment', await li.locator('.comment-actions a', { hasText: 'Edit' }).count() === 1);
  check('and Delete', await li.locator('.comment-actions button', { hasText: 'Delete' }).count() === 1);
  const others = await page.locator('li.comment:not(#c' + cid + ') .comment-actions button').count();
  check("no Delete on anyone else's comment", others === 0, others);
  await Promise.all([page.waitForNavigation(), li.locator('button', { hasText: 'Delete' }).click()]);
  check('Delete goes to the composer', page.url().endsWith('/article/' + slug + '/comment'), page.url());
  await page.goto(base + '/article/' + slug);
  check('the comment is gone', await page.locator('#c' + cid + ' .comment-body').count() === 0);
  await ctx.close();
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await other.newPage();
  await signIn(page, 'sam', '/article/' + slug);
  await page.goto(base + '/article/' + slug);
  check('another reader gets Delete on their own comment only',
    await page.locator('.comment-actions button').count() === 1 &&
    await page.locator('#c' + process.env.OTHER + ' .comment-actions button').count() === 1);
  await other.close();
  for (const [w, want] of [[390, true], [1280, false]]) {
    const c = await browser.newContext({ viewport: { width: w, height: 844 } });
    const p = await c.newPage();
    await p.goto(base + '/events/' + process.env.EVENT);
    const jump = p.locator('.register-jump a');
    const shown = await jump.isVisible();
    check('at ' + w + ' px the Register link by the date is ' + (want ? 'shown' : 'hidden'), shown === want);
    if (want) {
      const box = await jump.boundingBox();
      check('at 390 px it is in the first screen', box && box.y + box.height < 844, JSON.stringify(box));
      await jump.click();
      await p.waitForTimeout(300);
      const top = await p.locator('#register').evaluate(e => e.getBoundingClientRect().top);
      check('and takes the reader to the form', top >= -2 && top < 200, top);
    }
    await c.close();
  }
"""


def test_browser():
    slug = SLUGS[2]
    rita = Client(srv, ip=None)
    rita.sign_in("rita@example.com", PW)
    s, cid = post_comment(rita, slug, "A comment to delete from the story page.")
    eq(s, 303, "rita posts a comment")
    sam = Client(srv, ip=None)
    sam.sign_in("sam@example.com", PW)
    s, sid = post_comment(sam, slug, "Sam's comment stays.")
    eq(s, 303, "sam posts a comment")
    browser_steps(STEPS, srv, PW, env={"SLUG": slug, "CID": str(cid),
                                       "OTHER": str(sid), "EVENT": EVENT})


run_tests([test_one_date_style, test_composer_signed_out, test_own_comments,
           test_lists_page_both_ways, test_404, test_event_page,
           test_footer_pages, test_browser, test_speakers], cleanup=srv.stop)
