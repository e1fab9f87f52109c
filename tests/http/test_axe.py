"""Every page kind passes axe-core (the accessibility engine of Deque,
pinned in tests/node) with all of its rules, at 1366x900 and 390x844,
in a real Chromium through playwright-core: the reader's pages signed
out and signed in as a member, the registration steps, the account and
newsletter pages, the comment form, the 404 and a static page, and the
newsroom signed in as an editor.  One TAP line per page, width and
reader; a failure prints every violation with its rule, impact, the
elements it found and axe's help text.  The target is no violation of
any impact, not only the serious ones.

One browser and one tab per reader visit every page in turn; each page
is loaded once and checked at both widths (the window is resized between
the two runs, as a reader turning a tablet would).  axe-core,
playwright-core and Chromium are installed by "sh tools/deps.sh test";
without any of them the suite fails saying so."""
import json
import subprocess
import tempfile

from harness import BIN, Client, Server, ok, run_tests, demo_db, sql, browser_steps, node_module

PW = "a passphrase long enough"

STEPS = r"""
  const axeSource = require('axe-core').source;
  const widths = [[1366, 900], [390, 844]];
  const plan = JSON.parse(process.env.PLAN);
  /* Every rule axe knows, the experimental and best-practice ones too,
   * except WCAG's AAA level (7:1 contrast, for one), which is not the
   * level a publication claims. */
  let rules = null;
  /* Checks the page at path, or (want 0) the page the tab shows. */
  async function audit(page, who, path, want, sizes = widths) {
    let status = 0;
    if (want) {
      try {
        const r = await page.goto(base + path);
        status = r ? r.status() : 0;
      } catch (e) {
        check(who + ' ' + path + ' loads', false, e.message);
        return;
      }
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
      check(path + ' at ' + w + 'x' + h + ' ' + who + ': no axe violation',
        lines.length === 0, lines.join('\n'));
    }
  }
  for (const step of plan) {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    if (step.who !== 'signed out')
      await signIn(page, step.who, '/');
    for (const [path, want] of step.pages)
      await audit(page, step.who, path, want);
    if (step.who !== 'editor' && step.who !== 'admin') {
      /* On a phone: the top bar keeps its links on one line, and the
       * menu opened as a panel passes too. */
      await page.goto(base + '/');
      await page.setViewportSize({ width: 390, height: 844 });
      const bar = await page.evaluate(() => {
        const boxes = [...document.querySelectorAll('.topbar .account a, .topbar .account button')]
          .map(a => a.getBoundingClientRect());
        return { tops: boxes.map(b => Math.round(b.top)), right: Math.max(...boxes.map(b => b.right)),
                 page: document.documentElement.scrollWidth };
      });
      check('the top bar is one line inside a 390 px screen (' + step.who + ')',
        bar.tops.length >= 3 && bar.tops.every(t => t === bar.tops[0]) && bar.right <= 390 &&
        bar.page <= 390, JSON.stringify(bar));
      await page.click('.nav-button');
      await audit(page, step.who, '/ (menu open)', 0, [[390, 844]]);
    }
    /* The pages a form leads to: a registration's second step and its
     * confirmation, checked where the reader lands. */
    for (const reg of step.register || []) {
      await page.goto(base + reg.path);
      const small = page.locator('.register-start');
      if (await small.count()) {
        if (!(await small.locator('input[name=email]').inputValue()))
          await small.locator('input[name=email]').fill('axe.reader@example.org');
        if (await small.locator('input[name=name]').count() &&
            !(await small.locator('input[name=name]').inputValue()))
          await small.locator('input[name=name]').fill('Axe Reader');
        await Promise.all([page.waitForNavigation(), small.locator('button').click()]);
      }
      await audit(page, step.who, reg.path + ' (form)', 0);
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
      check(reg.path + ' leads to a confirmation (' + step.who + ')',
        /registered/i.test(said), said);
      await audit(page, step.who, reg.path + ' (done)', 0);
    }
    await ctx.close();
  }
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
    srv = Server(db=db)
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

    reader = [
        "/", "/article/" + news, "/article/" + discussed,
        "/article/" + story("podcast"), "/article/" + story("video"),
        "/article/" + story("partner-perspective"),
        "/section/5g", "/tag/5g", "/author/" + author, "/type/news",
        "/events", "/events/archive", "/events/" + event,
        "/webinars", "/webinars/archive", "/webinars/" + webinar,
        "/resources", "/resources/" + paper, "/resources/%s/access" % paper,
        "/search?q=5g", "/search?q=zzzqqqxxyy", "/search",
        "/article/%s/comment" % news, "/comments/%d" % comment,
        "/newsletter", "/" + page,
    ]
    signed_out = reader + ["/signin", "/register", "/reset", "/your-data"]
    member = ["/", "/article/" + discussed, "/article/%s/comment" % news,
              "/comments/%d/reply" % comment, "/comments/%d/report" % comment,
              "/comments/%d/edit" % ids[1],
              "/account", "/newsletter", "/your-data", "/events/" + event,
              "/webinars/" + webinar, "/search?q=5g"]
    newsroom = [
        "/admin", "/admin/articles", "/admin/articles/new", "/admin/articles/%d" % draft,
        "/admin/articles/%d/revisions" % draft,
        "/admin/comments", "/admin/comments/settings", "/admin/events", "/admin/events/new",
        "/admin/webinars", "/admin/webinars/new", "/admin/resources", "/admin/resources/new",
        "/admin/newsletters", "/admin/menus", "/admin/sections", "/admin/front",
        "/admin/pages", "/admin/pages/new", "/admin/authors", "/admin/sponsors",
        "/admin/promos", "/admin/media", "/admin/subscribers", "/admin/trash",
        "/admin/comments/log", "/article/" + discussed,
    ]
    # What only an admin reaches.
    admin = ["/admin/users", "/admin/settings", "/admin/redirects", "/admin/tokens",
             "/admin/export"]
    details = {"name": "Axe Reader", "email": "axe.reader@example.org",
               "company": "Example Cable", "job_title": "Engineer", "country": "US"}
    plan = [
        {"who": "signed out", "pages": [[p, 200] for p in signed_out]
         + [["/no/such/page", 404], ["/article/no-such-story", 404]],
         "register": [{"path": "/events/%s/register" % event, "fields": details}]},
        {"who": "member", "pages": [[p, 200] for p in member],
         "register": [{"path": "/webinars/%s/register" % webinar, "fields": details}]},
        {"who": "editor", "pages": [[p, 200] for p in newsroom]},
        {"who": "admin", "pages": [[p, 200] for p in admin]},
    ]
    browser_steps(STEPS, srv, PW, {"PLAN": json.dumps(plan)}, timeout=600)
    run_tests([], srv.stop)


main()
