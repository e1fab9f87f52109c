"""The home page (docs/home.md): the lead, the top stories, Most
commented, the editor's picks, a block per section and the sidebar with
Featured Video and podcasts; pins first; no story twice; the page drops
from the cache when a story is published or a comment counted; and in
Chromium the sidebar runs as far down as the main column at 1366 px,
one column at 390 px (screenshots of both, kept in docs/ when
MASTHEAD_SCREENSHOTS=docs)."""
import html
import json
import os
import re
import subprocess
import tempfile
import time

from harness import (BIN, TOP, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     browser_steps, form_token)

PW = "a passphrase long enough"
DAY = 86400


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-home-")
    db = demo_db(d)
    tokens = {}
    for name, role in (("editor", "editor"), ("alice", "member")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        name.title(), name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, name + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[name] = r.stdout.strip()
    return db, tokens


DB, TOK = make_db()
NOW = int(time.time())
# Older news stories, well away from the newest that lead the page.
OLD = [r for r in sql(DB, "SELECT id, slug, title FROM articles WHERE status = 'published'"
                          " AND type = 'news' ORDER BY published_at DESC, id DESC LIMIT 60")][30:]
ALICE = sql(DB, "SELECT id FROM users WHERE email = 'alice@example.com'")[0][0]


def add_comments(article, n, age, status="approved"):
    """n comments written age seconds ago, as a reader's would be."""
    for i in range(n):
        sql(DB, "INSERT INTO comments (article_id, user_id, status, body_md, body_html,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article, ALICE, status, "Seeded %d" % i, "<p>Seeded %d</p>" % i,
             NOW - age, NOW - age))
    sql(DB, "UPDATE articles SET comment_count = (SELECT count(*) FROM comments c"
            " WHERE c.article_id = articles.id AND c.status = 'approved') WHERE id = ?",
        (article,))


# Before the server starts: X has the most comments, but a week and a day
# old; Q's are held for review; Y and Z were discussed this week.
X, Y, Z, Q = OLD[0], OLD[1], OLD[2], OLD[3]
add_comments(X[0], 5, 8 * DAY)
add_comments(Y[0], 3, 1 * DAY)
add_comments(Z[0], 2, 2 * DAY)
add_comments(Q[0], 4, 1 * DAY, status="pending")

srv = Server(db=DB, args=["--comment_rate_user", "1000", "--comment_rate_ip", "1000"])


def api(method, path, who, body=None):
    h = {"Authorization": "Bearer " + TOK[who]}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    try:
        return s, json.loads(b) if b else None
    except ValueError:
        return s, None


def slugs(fragment):
    """The stories a piece of the page links, in order, each once."""
    out = []
    for s in re.findall(r'href="/article/([^"#?]+)', fragment or ""):
        if s not in out:
            out.append(s)
    return out


def part(b, pattern):
    m = re.search(pattern, b, re.S)
    return m.group(1) if m else None


def home():
    """The page parsed into its blocks: a dict of lists of slugs."""
    s, h, b = srv.html("/")
    eq(s, 200, "the home page answers")
    main = part(b, r'<div class="primary">(.*?)<aside class="sidebar"')
    side = part(b, r'(<aside class="sidebar".*?</aside>)')
    d = {"body": b, "cache": h.get("x-cache"), "main": main or "", "side": side or ""}
    d["lead"] = slugs(part(main or "", r'<article class="lead">(.*?)</article>'))
    d["top"] = slugs(part(main or "", r'<section class="home-top"[^>]*>(.*?)</section>'))
    d["most_html"] = part(main or "", r'<section class="home-most"[^>]*>(.*?)</section>') or ""
    d["most"] = slugs(d["most_html"])
    d["picks_html"] = part(main or "", r'<section class="home-picks"[^>]*>(.*?)</section>') or ""
    d["picks"] = slugs(d["picks_html"])
    d["sections"] = []
    for blk in re.findall(r'<section class="section-block">(.*?)</section>', main or "", re.S):
        d["sections"].append({
            "slug": part(blk, r'<h2 class="home-label"><a href="/section/([^"]+)"'),
            "lead": slugs(part(blk, r'<article class="section-lead">(.*?)</article>')),
            "heads": slugs(part(blk, r'<ul class="headlines">(.*?)</ul>')),
            "more": html.unescape(part(blk, r'<a class="more" href="/section/[^"]+">(More [^<]+)</a>') or ""),
            "name": html.unescape(part(blk, r'<h2 class="home-label"><a [^>]+>([^<]+)</a>') or ""),
        })
    d["video_html"] = part(side or "", r'<section class="block block-video">(.*?)</section>') or ""
    d["video"] = slugs(d["video_html"])
    d["partner_html"] = part(side or "", r'<section class="block block-partner">(.*?)</section>') or ""
    d["partner"] = slugs(d["partner_html"])
    d["guest"] = slugs(part(side or "", r'<section class="block block-guest">(.*?)</section>'))
    d["podcasts"] = slugs(part(side or "", r'<section class="block block-podcasts">(.*?)</section>'))
    blocks = [d["lead"], d["top"], d["most"], d["picks"], d["video"], d["partner"],
              d["guest"], d["podcasts"]]
    blocks += [x["lead"] + x["heads"] for x in d["sections"]]
    d["all"] = [s for blk in blocks for s in blk]
    return d


def newest(n, type_=None):
    """The newest stories of the home's site (the demo's sister sites
    have their own, docs/sites.md)."""
    q = ("SELECT slug FROM articles WHERE status = 'published' AND published_at <= ?"
         " AND site_id = 1" +
         (" AND type = ?" if type_ else "") + " ORDER BY published_at DESC, id DESC LIMIT ?")
    return [r[0] for r in sql(DB, q, (int(time.time()),) + ((type_,) if type_ else ()) + (n,))]


def type_of(slug):
    return sql(DB, "SELECT type FROM articles WHERE slug = ?", (slug,))[0][0]


def id_of(slug):
    return sql(DB, "SELECT id FROM articles WHERE slug = ?", (slug,))[0][0]


def test_blocks():
    d = home()
    eq(len(d["all"]), len(set(d["all"])), "no story shows twice on the page")
    ok(len(d["lead"]) == 1, "there is a lead story", d["lead"])
    contains(part(d["main"], r'(<article class="lead">.*?</article>)') or "", 'class="dek"',
             "with its dek")
    lead_html = part(d["main"], r'(<article class="lead">.*?</article>)') or ""
    ok("<img " in lead_html and 'loading="lazy"' not in lead_html,
       "and its image, not lazy (it is above the fold)")
    sidebar = set(d["partner"] + d["guest"] + d["video"] + d["podcasts"])
    want = [s for s in newest(30) if s not in sidebar][:5]
    eq(d["lead"] + d["top"], want, "without pins the newest stories lead, then four top stories")
    top_html = part(d["main"], r'<section class="home-top"[^>]*>(.*?)</section>') or ""
    eq(top_html.count('loading="lazy"'), top_html.count("<img "),
       "the top stories' images load lazily")
    ok(top_html.count("<img ") >= 3, "and the top stories have images",
       top_html.count("<img "))

    # Most commented: this week's approved comments only, most first.
    contains(d["most_html"], "Most Commented", "Most commented is labelled")
    contains(d["most_html"], "in the last 7 days", "with its window")
    eq(d["most"], [Y[1], Z[1]], "most commented: 3 this week, then 2 (older and held ones not counted)")
    contains(d["most_html"], "3 comments", "each with its count")
    eq(d["picks"], [], "no picks without pins")
    ok("Editor's Picks" not in d["body"],
       "and no empty Editor's Picks block")

    # Sections: menu order, only those with stories, a lead and headlines.
    order = [r[0] for r in sql(DB, "SELECT s.slug FROM sections s WHERE s.parent_id IS NULL"
                                   " AND s.kind = 'topic' ORDER BY s.position, s.id")]
    got = [x["slug"] for x in d["sections"]]
    eq(got, [s for s in order if s in got], "the section blocks follow the sections' order")
    ok(len(got) >= 15, "and every topic section with stories has one", len(got))
    empty = sql(DB, "SELECT slug FROM sections s WHERE s.parent_id IS NULL AND s.kind = 'topic'"
                    " AND NOT EXISTS (SELECT 1 FROM section_articles x WHERE x.section_id = s.id)")
    ok(not any(e[0] in got for e in empty), "a section without stories has no block", empty)
    good = True
    for x in d["sections"]:
        sid = sql(DB, "SELECT id FROM sections WHERE slug = ?", (x["slug"],))[0][0]
        mine = [r[0] for r in sql(DB, "SELECT a.slug FROM section_articles sa JOIN articles a"
                                      " ON a.id = sa.article_id WHERE sa.section_id = ?"
                                      " AND sa.published_at <= ? ORDER BY sa.published_at DESC,"
                                      " sa.article_id DESC LIMIT 20", (sid, int(time.time())))]
        rest = [s for s in mine if s not in d["all"] or s in x["lead"] + x["heads"]]
        if (len(x["lead"]) != 1 or x["lead"] + x["heads"] != rest[:1 + len(x["heads"])] or
                not 0 < len(x["heads"]) <= 3 or x["more"] != "More " + x["name"]):
            good = False
            ok(False, "section %s: its newest story leads, then up to three headlines"
               " and More" % x["slug"], x)
    ok(good, "each section block: its newest story not shown above leads, then up to three,"
             " then More <Section>")
    with_img = sum(1 for blk in re.findall(r'<article class="section-lead">(.*?)</article>',
                                           d["main"], re.S) if "<img " in blk)
    ok(with_img >= len(d["sections"]) // 2, "section leads show their image", with_img)
    ok(d["main"].count('class="dek"') >= len(d["sections"]), "and their dek")

    # The sidebar: Featured Video is the newest video, sponsored stories say so.
    eq(d["video"][:1], newest(1, "video"), "Featured Video is the newest video story")
    ok(all(type_of(s) == "video" for s in d["video"]), "its list holds videos only")
    ok(len(d["partner"]) > 0 and d["partner_html"].count("Sponsored") >= len(d["partner"]),
       "each Partner Perspective is labelled Sponsored")
    ok(all(type_of(s) == "podcast" for s in d["podcasts"]) and d["podcasts"],
       "the podcasts block lists podcasts")
    for block in ("Upcoming Live Events", "Upcoming Webinars", "Educational Resources",
                  "Partner Perspectives", "Featured Video"):
        contains(d["side"], block, "the sidebar has " + block)
    eq(home()["body"], d["body"], "the page is stable between two reads")


def test_pins():
    d0 = home()
    lead, top1, pick1, pick2 = OLD[10], OLD[11], OLD[12], OLD[13]
    partner = d0["partner"][0]
    s, doc = api("PUT", "/api/v1/admin/front", "editor", {
        "lead": {"article_id": lead[0]}, "top": [{"article_id": top1[0]}],
        "picks": [{"article_id": pick1[0]}, {"article_id": pick2[0]},
                  {"article_id": id_of(partner)}]})
    eq(s, 200, "an editor pins a lead, a top story and three picks")
    eq([p["article_id"] for p in (doc or {}).get("picks", [])],
       [pick1[0], pick2[0], id_of(partner)], "the API answers with the picks")
    d = home()
    eq(d["lead"], [lead[1]], "the pinned lead leads")
    eq(d["top"][:1], [top1[1]], "the pinned top story comes first in the row")
    eq(len(d["top"]), 4, "the row is filled with the newest")
    eq(d["picks"], [pick1[1], pick2[1], partner], "Editor's picks are the pinned ones, in order")
    contains(d["picks_html"], "Editor's Picks", "under their label")
    contains(d["picks_html"], "Sponsored", "a sponsored pick is labelled")
    ok(partner not in d["partner"], "a pinned Partner Perspective leaves the sidebar's list")
    eq(len(d["all"]), len(set(d["all"])), "still no story twice")
    # Bad pins: 422 naming the field, and nothing changes.
    kept = sql(DB, "SELECT slot, article_id FROM front_pins ORDER BY slot")
    for body, field in (({"picks": [{"article_id": 1}] * 5}, "picks"),
                        ({"picks": "x"}, "picks"),
                        ({"picks": [{"article_id": 999999}]}, "picks[0].article_id"),
                        ({"lead": {"article_id": lead[0]}, "picks": [{"article_id": lead[0]}]},
                         "picks[0].article_id")):
        s, doc = api("PUT", "/api/v1/admin/front", "editor", body)
        eq(s, 422, "API %r: 422" % body)
        contains((doc or {}).get("error", {}).get("message", ""), field, "naming " + field)
        eq(sql(DB, "SELECT slot, article_id FROM front_pins ORDER BY slot"), kept,
           "and nothing changed")
    eq(api("PUT", "/api/v1/admin/front", "editor", {})[0], 200, "an empty PUT clears")
    eq(home()["body"], d0["body"], "the page is as before the pins")


def post_comment(slug, text):
    c = Client(srv, ip=None)
    c.sign_in("alice@example.com", PW)
    s, h, b = srv.request("GET", "/article/%s/comment" % slug, {"Cookie": c.cookie()})
    tok = form_token(b.decode("utf-8", "replace"))
    import urllib.parse
    s, h, b = srv.request("POST", "/article/%s/comment" % slug,
                          {"Cookie": c.cookie(),
                           "Content-Type": "application/x-www-form-urlencoded"},
                          urllib.parse.urlencode({"body": text, "csrf": tok}))
    return s


def test_invalidation():
    home()
    d = home()
    eq(d["cache"], "hit", "the home page is cached")
    # Two comments on Z put it level with Y; a third puts it first.
    for i in range(3):
        eq(post_comment(Z[1], "Comment number %d on this story." % i), 303,
           "a reader comments (%d)" % (i + 1))
    d = home()
    eq(d["most"][:2], [Z[1], Y[1]], "Most commented follows at once: 5 before 3")
    contains(d["most_html"], "5 comments", "with the new count")
    eq(home()["cache"], "hit", "and is cached again")
    # A new story leads.
    s, doc = api("POST", "/api/v1/admin/articles", "editor",
                 {"title": "Home Page Test Story", "section": "5g", "body_md": "Text.",
                  "dek": "A dek for the lead."})
    ok(s == 201, "a story is written", doc)
    aid = (doc or {}).get("id") or (doc or {}).get("article", {}).get("id")
    eq(api("POST", "/api/v1/admin/articles/%s/publish" % aid, "editor")[0], 200,
       "and published")
    d = home()
    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (aid,))[0][0]
    eq(d["lead"], [slug], "the home page shows it as the lead at once")


def test_section_fragments():
    """Each section block is a fragment with its own tags: a change in
    section X shows in X's block on the very next request, and the other
    blocks come from their fragments, not from the database."""
    home()
    d = home()
    blocks = [b for b in d["sections"] if b["lead"]]
    ok(len(blocks) >= 2, "the demo has two section blocks or more")
    if len(blocks) < 2:
        return
    x, y = blocks[0], blocks[1]
    xlead, ylead = id_of(x["lead"][0]), id_of(y["lead"][0])
    ydek = sql(DB, "SELECT dek FROM articles WHERE id = ?", (ylead,))[0][0]
    # Behind the server's back: no write of masthead's drops anything.
    sql(DB, "UPDATE articles SET dek = ? WHERE id = ?", ("A dek nobody was told of", ylead))
    eq(api("POST", "/api/v1/admin/articles/%d/unpublish" % xlead, "editor")[0], 200,
       "the lead of %s's block is unpublished" % x["slug"])
    d = home()
    nx = [b for b in d["sections"] if b["slug"] == x["slug"]]
    ny = [b for b in d["sections"] if b["slug"] == y["slug"]]
    ok(nx and x["lead"][0] not in nx[0]["lead"] + nx[0]["heads"],
       "%s's block drops it on the very next request" % x["slug"])
    if x["heads"]:
        eq(nx[0]["lead"] if nx else None, x["heads"][:1], "and its next story leads it")
    eq(ny[0]["lead"] if ny else None, y["lead"], "%s's block is as it was" % y["slug"])
    ok("A dek nobody was told of" not in d["main"],
       "read from its fragment, kept: the database was not asked again")
    # A write through masthead drops that block's fragment as well.
    eq(api("PATCH", "/api/v1/admin/articles/%d" % ylead, "editor",
           {"dek": "A dek the newsroom wrote"})[0], 200, "the newsroom edits its lead's dek")
    d = home()
    contains(d["main"], "A dek the newsroom wrote", "%s's block shows it at once" % y["slug"])
    eq(api("PATCH", "/api/v1/admin/articles/%d" % ylead, "editor", {"dek": ydek})[0], 200,
       "the dek is put back")
    eq(api("POST", "/api/v1/admin/articles/%d/publish" % xlead, "editor")[0], 200,
       "and the story published again")
    d = home()
    ok(x["lead"][0] in d["all"], "and the home page shows it again")


def test_featured_video():
    vids = sql(DB, "SELECT id FROM articles WHERE type = 'video' AND status = 'published'")
    ok(len(vids) > 0, "the demo has video stories")
    for (vid,) in vids:
        api("POST", "/api/v1/admin/articles/%d/unpublish" % vid, "editor")
    d = home()
    eq(d["video"], [], "without a published video story there is no Featured Video")
    ok("Featured Video" not in d["body"], "not even its heading")
    eq(api("POST", "/api/v1/admin/articles/%d/publish" % vids[0][0], "editor")[0], 200,
       "a video story is published again")
    d = home()
    eq(d["video"][:1], newest(1, "video"), "and Featured Video shows it")
    ok(d["video"][0] not in d["lead"] + d["top"],
       "in the sidebar only, though it is the newest story")


STEPS = r"""
const measure = async (page) => page.evaluate(() => {
  const b = (e) => e ? e.getBoundingClientRect() : null;
  const p = document.querySelector('.primary'), s = document.querySelector('.sidebar');
  return { main: b(p.lastElementChild).bottom + scrollY, side: b(s.lastElementChild).bottom + scrollY,
           mainTop: b(p).top + scrollY, sideTop: b(s).top + scrollY, sideLeft: b(s).left,
           mainRight: b(p).right, doc: document.documentElement.scrollHeight,
           overflow: document.documentElement.scrollWidth > innerWidth };
});
const shoot = async (page, path) => {
  /* Every image is loaded before the picture is taken (lazy ones too). */
  await page.evaluate(() => Promise.race([
    Promise.all([...document.images].map((i) => {
      i.loading = 'eager';
      return i.complete ? 0 : new Promise((r) => { i.onload = i.onerror = r; });
    })),
    new Promise((r) => setTimeout(r, 10000))]));
  await page.screenshot({ path, fullPage: true });
};
for (const w of [1366, 390]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(base + '/');
  const m = await measure(page);
  check('at ' + w + ' px nothing overflows sideways', !m.overflow, JSON.stringify(m));
  if (w === 1366) {
    check('at 1366 px the sidebar is beside the main column',
      m.sideLeft >= m.mainRight && Math.abs(m.sideTop - m.mainTop) < 2, JSON.stringify(m));
    check('the sidebar runs down to within 400 px of the main column\'s end',
      Math.abs(m.main - m.side) <= 400, JSON.stringify(m));
    check('the page is well under half its old height (6,951 px)', m.doc < 4500, m.doc);
    console.error('home ' + w + ': ' + JSON.stringify(m));
  } else {
    check('at 390 px the sidebar follows the main column', m.sideTop >= m.main, JSON.stringify(m));
    console.error('home ' + w + ': ' + JSON.stringify(m));
  }
  if (process.env.SHOTS) await shoot(page, process.env.SHOTS + '/home-' + w + '.png');
  await ctx.close();
}
/* The menu's panels come from /sections when a reader first points at
 * the menu (mouse), tabs into it (keyboard) or opens it (phone). */
const panels = (page) => page.evaluate(() => [...document.querySelectorAll('.mega-sub')]
  .filter((u) => u.getClientRects().length).map((u) => u.closest('li[data-menu]').firstElementChild.textContent));
{
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(base + '/');
  check('the page carries no panel', await page.locator('.mega-sub').count() === 0);
  check('All Sections is for readers without scripts', !(await page.locator('.mega-all a').isVisible()));
  await page.hover('.mega-top > li:has(> a[href="/events"]) > a');
  await page.waitForSelector('.mega-sub', { state: 'attached' });
  await page.mouse.move(1, 1);
  await page.hover('.mega-top > li:has(> a[href="/events"]) > a');
  const hover = await panels(page);
  check('pointing at Events opens its panel', hover.length === 1 && hover[0] === 'Events', JSON.stringify(hover));
  check('every item with a panel has it', await page.locator('li[data-menu]').count() ===
    await page.locator('li[data-menu] > .mega-sub').count());
  await ctx.close();
}
{
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  await page.mouse.move(1, 1);
  await page.focus('.mega-top a.mega-label');
  await page.waitForSelector('.mega-sub', { state: 'attached' });
  const key = await panels(page);
  const label = await page.textContent('.mega-top a.mega-label');
  check('focus on an item without a page opens its panel', key.length === 1 && key[0] === label, JSON.stringify(key));
  await page.keyboard.press('Tab');
  const into = await page.evaluate(() => !!document.activeElement.closest('.mega-sub'));
  check('and Tab goes into it', into);
  await ctx.close();
}
{
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  await page.click('.nav-button');
  await page.waitForSelector('.mega-sub', { state: 'attached' });
  const open = await panels(page);
  check('on a phone the opened menu shows the panels', open.length >= 5, JSON.stringify(open));
  await ctx.close();
}
{
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  check('without scripts the menu shows All Sections', await page.locator('.mega-all a').isVisible());
  await ctx.close();
}
"""


def test_browser():
    # MASTHEAD_SCREENSHOTS=docs renews the pictures docs/home.md shows;
    # otherwise they go to a scratch directory, so a run leaves the tree
    # as it found it.
    shots = os.environ.get("MASTHEAD_SCREENSHOTS") or tempfile.mkdtemp(prefix="masthead-home-")
    browser_steps(STEPS, srv, PW, env={"SHOTS": shots})
    if shots:
        for w in (1366, 390):
            p = os.path.join(shots, "home-%d.png" % w)
            ok(os.path.exists(p) and os.path.getmtime(p) > NOW, "the screenshot %s is written" % p)


run_tests([test_blocks, test_pins, test_browser, test_invalidation, test_section_fragments,
           test_featured_video],
          srv.stop)
