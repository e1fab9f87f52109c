"""Every page kind passes axe-core (the accessibility engine of Deque,
pinned in tests/node) with all of its rules but WCAG's AAA ones, at
1366x900 and 390x844, in a real Chromium through playwright-core: the
reader's pages signed out and signed in as a member, the registration
steps, the account and newsletter pages, the comment form, the 404 and
a static page, and the newsroom signed in as an editor and an admin.
One TAP line per page, width and reader; a failure prints every
violation with its rule, impact, the elements it found and axe's help
text.  The target is no violation of any impact, not only the serious
ones.

One browser with two tabs working through the list at once (each
signed in as its reader once) visits the pages; each page is loaded
once and checked at both widths (the window is resized between the two
runs, as a reader turning a tablet would).  The newsletter's signed
links come from the mails of an SMTP sink on loopback.  axe-core,
playwright-core and Chromium are installed by "sh tools/deps.sh test";
without any of them the suite fails saying so."""
import json
import re
import subprocess
import tempfile
import time

from harness import BIN, Client, Server, ok, run_tests, demo_db, sql, browser_steps, node_module
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"


def mailed(srv, sink, addr, n):
    """The paths of this site in the first n messages to addr (waits for
    them a while)."""
    t0 = time.time()
    while len(sink.to(addr)) < n and time.time() - t0 < 15:
        time.sleep(0.05)
    text = "".join(body_of(m) + str(m.get("List-Unsubscribe", "")) for m in sink.to(addr))
    base = "http://127.0.0.1:%d" % srv.port
    return re.findall(re.escape(base) + r"(/[^\s\"<>]+)", text)

STEPS = r"""
  const axeSource = require('axe-core').source;
  const widths = [[1366, 900], [390, 844]];
  const plan = JSON.parse(process.env.PLAN);
  /* Every rule axe knows, the experimental and best-practice ones too,
   * except WCAG's AAA level (7:1 contrast, for one), which is not the
   * level a publication claims. */
  let rules = null;

  /* Checks the page at path, or (want 0) the page the tab shows, at
   * each size; log(name, ok, detail) records a result. */
  async function audit(page, log, who, path, want, sizes = widths) {
    let status = 0;
    if (want) {
      const r = await page.goto(base + path);
      status = r ? r.status() : 0;
    }
    await page.evaluate(axeSource);
    if (rules === null)
      rules = await page.evaluate(() => axe.getRules()
        .filter(r => !r.tags.includes('wcag2aaa')).map(r => r.ruleId));
    for (const [w, h] of sizes) {
      await page.setViewportSize({ width: w, height: h });
      const found = await page.evaluate(async (ids) => {
        const opts = { resultTypes: ['violations'], rules: {} };
        for (const id of ids) opts.rules[id] = { enabled: true };
        const r = await axe.run(document, opts);
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ?
            ' -- ' + n.failureSummary.split('\n').slice(1).join(' ').trim() : '')) }));
      }, rules);
      const lines = [];
      if (status !== want)
        lines.push('status ' + status + ', want ' + want);
      for (const v of found) {
        lines.push(v.id + ' (' + v.impact + '): ' + v.help);
        for (const n of v.nodes.slice(0, 5))
          lines.push('    ' + n.slice(0, 300));
        if (v.nodes.length > 5)
          lines.push('    and ' + (v.nodes.length - 5) + ' more');
      }
      log(path + ' at ' + w + 'x' + h + ' ' + who + ': no axe violation',
        lines.length === 0, lines.join('\n'));
    }
  }

  /* A registration: its form (the small first step first, where the
   * page has one), the reader's details, and the confirmation. */
  async function register(page, log, who, reg) {
    await page.goto(base + reg.path);
    const small = page.locator('.register-start');
    if (await small.count()) {
      for (const [name, value] of Object.entries(reg.fields)) {
        const f = small.locator('input[name=' + name + ']');
        if ((await f.count()) && !(await f.inputValue()))
          await f.fill(value);
      }
      await Promise.all([page.waitForNavigation(), small.locator('button').click()]);
    }
    await audit(page, log, who, reg.path + ' (form)', 0);
    for (const [name, value] of Object.entries(reg.fields)) {
      const f = page.locator('.register-form input[name=' + name + ']');
      if ((await f.count()) && !(await f.inputValue()))
        await f.fill(value);
    }
    /* The event's own questions and the consent box. */
    for (const f of await page.locator('.register-form input[required]').all()) {
      if ((await f.getAttribute('type')) === 'checkbox') await f.check();
      else if (!(await f.inputValue())) await f.fill('An answer');
    }
    await Promise.all([page.waitForNavigation(), page.click('.register-form button[type=submit]')]);
    const said = await page.textContent('main h1');
    log(reg.path + ' leads to a confirmation (' + who + ')', /registered/i.test(said), said);
    await audit(page, log, who, reg.path + ' (done)', 0);
  }

  /* On a phone: the top bar keeps its links on one line, and the menu
   * opened as a panel passes too. */
  async function phone(page, log, who) {
    await page.goto(base + '/');
    await page.setViewportSize({ width: 390, height: 844 });
    const bar = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll('.topbar .account a, .topbar .account button')]
        .map(a => a.getBoundingClientRect());
      return { tops: boxes.map(b => Math.round(b.top)), right: Math.max(...boxes.map(b => b.right)),
               page: document.documentElement.scrollWidth };
    });
    log('the top bar is one line inside a 390 px screen (' + who + ')',
      bar.tops.length >= 3 && bar.tops.every(t => t === bar.tops[0]) && bar.right <= 390 &&
      bar.page <= 390, JSON.stringify(bar));
    await page.click('.nav-button');
    await audit(page, log, who, '/ (menu open)', 0, [[390, 844]]);
  }

  /* The checker itself: a picture without a text and an empty link
   * planted on the home page are found, with every rule enabled. */
  async function planted(page, log) {
    await page.goto(base + '/');
    await page.evaluate(axeSource);
    const ids = await page.evaluate(async () => {
      const m = document.querySelector('main');
      m.insertAdjacentHTML('afterbegin', '<img src="/favicon.ico"><a href="/"></a>');
      const opts = { resultTypes: ['violations'], rules: {} };
      for (const r of axe.getRules()) opts.rules[r.ruleId] = { enabled: true };
      return [axe.getRules().length, (await axe.run(document, opts)).violations.map(v => v.id)];
    });
    log('axe runs its ' + ids[0] + ' rules and finds faults planted on a page',
      ids[0] > 90 && ids[1].includes('image-alt') && ids[1].includes('link-name'), ids[1]);
  }

  /* Two tabs work through the list at once (each reader signed in once
   * per tab); the results are reported in the list's order. */
  const items = [{ who: 'signed out', run: (p, log) => planted(p, log) }];
  for (const step of plan) {
    for (const [path, want] of step.pages)
      items.push({ who: step.who, run: (p, log) => audit(p, log, step.who, path, want) });
    for (const reg of step.register || [])
      items.push({ who: step.who, run: (p, log) => register(p, log, step.who, reg) });
    if (step.phone)
      items.push({ who: step.who, run: (p, log) => phone(p, log, step.who) });
  }
  const out = items.map(() => []);
  let next = 0;
  async function worker() {
    const tabs = {};
    while (next < items.length) {
      const i = next++, it = items[i];
      const log = (name, cond, detail) =>
        out[i].push({ name, ok: !!cond, detail: detail === undefined ? '' : String(detail) });
      try {
        if (!tabs[it.who]) {
          const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
          const page = await ctx.newPage();
          page.setDefaultTimeout(20000);
          if (it.who !== 'signed out')
            await signIn(page, it.who, '/');
          tabs[it.who] = page;
        }
        await it.run(tabs[it.who], log);
      } catch (e) {
        log('item ' + i + ' (' + it.who + ') ran to the end', false, e.stack || e);
      }
    }
  }
  await Promise.all([worker(), worker()]);
  for (const o of out)
    results.push(...o);
"""


def main():
    node_module("axe-core")
    d = tempfile.mkdtemp(prefix="masthead-axe-")
    db = demo_db(d)
    author = sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
    for who, role in (("member", "member"), ("editor", "editor"), ("admin", "admin")):
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name", who.title()]
        if role != "member":
            args += ["--author", author]
        subprocess.run(args + [who + "@example.com"], input=PW, text=True, check=True,
                       capture_output=True)

    def one(query):
        rows = sql(db, query)
        return rows[0][0] if rows else None

    def story(kind):
        rows = sql(db, "SELECT slug FROM articles WHERE status = 'published' AND type = ?"
                   " ORDER BY published_at DESC, id DESC LIMIT 1", (kind,))
        return rows[0][0] if rows else None

    news = story("news")
    discussed = one("SELECT slug FROM articles WHERE status = 'published' AND type = 'news'"
                    " ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET 1")
    event = "big-5g-event"
    webinar = "standalone-5g-first-year-lessons"
    paper = one("SELECT slug FROM resources ORDER BY id LIMIT 1")
    page = one("SELECT slug FROM pages ORDER BY id LIMIT 1")
    draft = one("SELECT id FROM articles ORDER BY id DESC LIMIT 1")
    ok(all((news, discussed, event, paper, page, draft)),
       "the demo has every kind of page", (news, discussed, event, paper, page, draft))

    # A thread on one story: a comment by the editor and a reply by the
    # member, so the comment list, a comment's page and its forms exist.
    sink = SmtpSink()
    srv = Server(db=db, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(sink.port)])
    ids = []
    for who, text in (("editor", "A first comment from the newsroom."),
                      ("member", "A reply from a reader.")):
        c = Client(srv, None)
        ok(c.sign_in(who + "@example.com", PW) == 303, who + " signs in")
        fields = [("body", text)] + ([("parent", str(ids[0]))] if ids else [])
        s, h, b = c.post("/article/%s/comment" % discussed, fields,
                         csrf_from="/article/%s/comment" % discussed)
        ok(s == 303, who + " comments", s)
        ids.append(one("SELECT max(id) FROM comments"))
    comment = ids[0]

    # The member judges this year's awards categories: her /judging page.
    awards = one("SELECT id FROM award_programmes WHERE year = 2026")
    sql(db, "INSERT INTO award_judges (category_id, user_id) SELECT c.id, u.id"
        " FROM award_categories c, users u WHERE c.programme_id = ? AND u.email = ?",
        (awards, "member@example.com"))

    # The newsletter's signed links: a confirmation not yet used, and the
    # preferences and unsubscribe pages of a confirmed reader.
    links = {}
    for addr in ("axe.pending@example.org", "axe.confirmed@example.org"):
        c = Client(srv, None)
        s, h, b = c.post("/newsletter", [("email", addr), ("n", "daily"), ("consent", "yes")],
                         csrf_from="/newsletter")
        ok(s == 200, addr + " signs up", s)
        found = [p for p in mailed(srv, sink, addr, 1) if p.startswith("/newsletter/confirm/")]
        if addr.startswith("axe.pending"):
            links["confirm"] = found[0] if found else None
            continue
        if found:
            c.post(found[0], [], csrf_from=found[0])
        for p in mailed(srv, sink, addr, 2):
            for kind in ("preferences", "unsubscribe"):
                if p.startswith("/newsletter/%s/" % kind) and kind not in links:
                    links[kind] = p
    ok(all(links.get(k) for k in ("confirm", "preferences", "unsubscribe")),
       "the newsletter's mails carry their links", links)
    newsletter = [p for p in links.values() if p]

    reader = [
        "/", "/article/" + news, "/article/" + discussed,
        "/article/" + story("podcast"), "/article/" + story("video"),
        "/article/" + story("partner-perspective"),
        "/section/5g", "/tag/5g", "/author/" + author, "/type/news",
        "/events", "/events/archive", "/events/" + event,
        "/webinars", "/webinars/archive", "/webinars/" + webinar,
        "/resources", "/resources/" + paper, "/resources/%s/access" % paper,
        "/hub/future-vision", "/shows/mobile-world-congress", "/shows/big-5g-event",
        "/search?q=5g", "/search?q=zzzqqqxxyy", "/search",
        "/article/%s/comment" % news, "/comments/%d" % comment,
        "/newsletter", "/" + page, "/sections", "/sites/connecting-africa/", "/sites/lr-asia/search?q=towers",
        "/podcasts", "/podcasts/light-reading-podcast", "/video",
        "/video/series/telecom-innovators-showcase",
        "/article/showcase-private-5g-robot-lab",
        "/awards", "/awards/2026", "/awards/2025/shortlist", "/awards/2025/winners",
        "/awards/2026/enter",
    ]
    signed_out = reader + ["/signin", "/register", "/reset", "/your-data"] + newsletter
    member = ["/", "/article/" + discussed, "/article/%s/comment" % news,
              "/comments/%d/reply" % comment, "/comments/%d/report" % comment,
              "/comments/%d/edit" % ids[1],
              "/account", "/newsletter", "/your-data", "/events/" + event,
              "/webinars/" + webinar, "/search?q=5g", "/judging"]
    newsroom = [
        "/admin", "/admin/articles", "/admin/articles/new", "/admin/articles/%d" % draft,
        "/admin/articles/%d/revisions" % draft,
        "/admin/comments", "/admin/comments/settings", "/admin/events", "/admin/events/new",
        "/admin/webinars", "/admin/webinars/new", "/admin/resources", "/admin/resources/new",
        "/admin/newsletters", "/admin/menus", "/admin/menus?site=lr-asia", "/admin/sections", "/admin/front",
        "/admin/pages", "/admin/pages/new", "/admin/authors", "/admin/sponsors",
        "/admin/promos", "/admin/media", "/admin/subscribers", "/admin/trash",
        "/admin/comments/log", "/article/" + discussed,
        "/admin/hubs", "/admin/shows",
        "/admin/fediverse",
        "/admin/analytics", "/admin/analytics/article/" + discussed,
        "/admin/analytics/sponsors",
        "/admin/awards", "/admin/awards/%d" % awards, "/admin/awards/%d/entries" % awards,
    ] + ["/admin/hubs/%d" % r[0] for r in sql(db, "SELECT id FROM hubs WHERE slug IN"
                                              " ('future-vision', 'mobile-world-congress')")]
    # What only an admin reaches.
    admin = ["/admin/users", "/admin/settings", "/admin/redirects", "/admin/tokens",
             "/admin/export", "/admin/webhooks"]
    details = {"name": "Axe Reader", "email": "axe.reader@example.org",
               "company": "Example Cable", "job_title": "Engineer", "country": "US"}
    plan = [
        {"who": "signed out", "pages": [[p, 200] for p in signed_out]
         + [["/no/such/page", 404], ["/article/no-such-story", 404]],
         "register": [{"path": "/events/%s/register" % event, "fields": details}],
         "phone": True},
        {"who": "member", "pages": [[p, 200] for p in member],
         "register": [{"path": "/webinars/%s/register" % webinar, "fields": details}],
         "phone": True},
        {"who": "editor", "pages": [[p, 200] for p in newsroom]},
        {"who": "admin", "pages": [[p, 200] for p in admin]},
    ]
    browser_steps(STEPS, srv, PW, {"PLAN": json.dumps(plan)}, timeout=600)
    run_tests([], srv.stop)


main()
