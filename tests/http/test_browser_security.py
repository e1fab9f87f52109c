"""The security audit's findings in a real browser (Chromium through
playwright-core), where a browser's own rules (stripping tabs and line
breaks from URLs, taking a bare LF as the end of a header line, obeying
CSP and frame-ancestors) decide what an attack achieves:

- a victim signs in from a crafted link whose next holds CR LF and a
  Set-Cookie: no cookie is planted;
- a victim signs in from a link whose next is "/<TAB>/evil.example/":
  the browser stays on the site;
- every page kind, the newsroom's included, runs under the
  Content-Security-Policy with no violation reported, and the editor's
  live preview still works;
- another site cannot frame the newsroom.

playwright-core is pinned in tests/node and the browser is the system's
Chromium, both installed by make test-deps; when either is missing, the
suite fails saying so."""
import json
import os
import subprocess
import tempfile

from harness import BIN, Server, ok, run_tests, demo_db, sql, browser

PW = "a long enough passphrase"

SCRIPT = r"""
const { chromium } = require('playwright-core');
const base = process.env.BASE, pw = process.env.PW;
const pages = JSON.parse(process.env.PAGES);
const results = [];
const evilHost = u => new URL(u).hostname.endsWith('evil.example');
function check(name, cond, detail) {
  results.push({ name, ok: !!cond, detail: detail === undefined ? '' : String(detail) });
}
// Every CSP report of a page: the console's and the DOM event's.
async function watched(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.violations = [];
  page.on('console', m => {
    const t = m.text();
    if (/Content Security Policy|Refused to/.test(t)) page.violations.push(t);
  });
  page.on('pageerror', e => page.violations.push('page error: ' + e.message));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e =>
      console.log('Refused to (securitypolicyviolation) ' + e.violatedDirective + ' ' + e.blockedURI));
  });
  return page;
}
async function signIn(page, who, next) {
  await page.goto(base + '/signin?next=' + encodeURIComponent(next));
  await page.fill('input[name=email]', who + '@example.com');
  await page.fill('input[name=password]', pw);
  await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
}
async function visit(page, path, what) {
  page.violations.length = 0;
  const r = await page.goto(base + path);
  await page.waitForLoadState('load');
  await page.waitForTimeout(50);
  const csp = r ? (await r.allHeaders())['content-security-policy'] || '' : '';
  check(what + ' ' + path + ': served under a CSP (' + (r ? r.status() : 0) + ')',
    csp.includes("script-src 'self'"), csp);
  check(what + ' ' + path + ': no CSP violation', page.violations.length === 0,
    page.violations.join(' | '));
}
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    // 1. The crafted link with CR LF in next.
    const victim = await browser.newContext();
    const v = await victim.newPage();
    v.setDefaultTimeout(15000);
    await victim.route(evilHost, r => r.fulfill({ status: 200,
      contentType: 'text/html', body: '<title>evil</title>evil' }));
    // A line break in a query parameter is refused before any page
    // sees it (400); the victim then signs in from the plain form.
    const crafted = await v.goto(base + '/signin?next=' +
      encodeURIComponent('/\r\nSet-Cookie: pwn=1; Path=/'));
    check('a link with CR LF Set-Cookie in next is refused (400)',
      crafted.status() === 400, crafted.status());
    await signIn(v, 'victim', '/');
    let names = (await victim.cookies()).map(c => c.name);
    check('the victim then signs in from the plain form', names.includes('mh_session'), names);
    check('no cookie is planted', !names.includes('pwn'), names);
    check('and the victim is on the site', new URL(v.url()).host === new URL(base).host, v.url());

    // 2. The tab trick: browsers strip tabs, so "/\t/x" would be "//x".
    const victim2 = await browser.newContext();
    await victim2.route(evilHost, r => r.fulfill({ status: 200,
      contentType: 'text/html', body: '<title>evil</title>evil' }));
    const v2 = await victim2.newPage();
    v2.setDefaultTimeout(15000);
    let offsite = [];
    v2.on('request', q => { if (evilHost(q.url())) offsite.push(q.url()); });
    let navError = '';
    try {
      await signIn(v2, 'victim', '/\t/evil.example/');
    } catch (e) {
      navError = String(e.message || e).split('\n')[0];
    }
    await v2.waitForTimeout(200);
    check('the sign-in lands on a page', navError === '', navError);
    check('signing in from next=/<TAB>/evil.example/ stays on the site',
      new URL(v2.url()).host === new URL(base).host, v2.url());
    check('and never asks evil.example for anything', offsite.length === 0, offsite);

    // 3. Every page kind under the CSP, anonymous and signed in.
    const anon = await watched(await browser.newContext());
    for (const p of pages.reader) await visit(anon, p, 'reader page');
    const readerCtx = await browser.newContext();
    const reader = await watched(readerCtx);
    await signIn(reader, 'reader', '/');
    for (const p of pages.signed_in) await visit(reader, p, 'signed-in page');

    const adminCtx = await browser.newContext();
    const admin = await watched(adminCtx);
    await signIn(admin, 'admin', '/admin');
    for (const p of pages.newsroom) await visit(admin, p, 'newsroom');

    // The editor's live preview: admin.js fetches the rendered body.
    await visit(admin, '/admin/articles/' + pages.article_id, 'the editor');
    admin.violations.length = 0;
    await admin.fill('#f-body', 'Live **preview** under the policy.');
    await admin.waitForSelector('#md-preview:not([hidden]) strong', { timeout: 10000 });
    check('the live preview renders under the CSP',
      (await admin.innerHTML('#md-preview')).includes('<strong>preview</strong>'));
    check('with no CSP violation', admin.violations.length === 0, admin.violations.join(' | '));

    // A newsletter issue and its preview, an email with inline styles.
    await visit(admin, '/admin/newsletters/' + pages.newsletter, 'newsroom');
    await Promise.all([admin.waitForNavigation(),
      admin.click('form[action$="/issues"] button[type=submit]')]);
    const issue = new URL(admin.url()).pathname;
    check('a new issue is made', /\/issues\/\d+$/.test(issue), admin.url());
    await visit(admin, issue, 'newsroom');
    await visit(admin, issue + '/preview', 'the newsletter preview');
    const bodyStyle = await admin.evaluate(() => getComputedStyle(document.body).maxWidth);
    check('whose inline styles apply (allowed by hash)', bodyStyle === '640px', bodyStyle);

    // 4. Another site frames the newsroom: a page on another port of the
    // same machine (another origin, the same site, so the session
    // cookie goes with the frame's request, as from a sibling site).
    const http = require('http');
    const evilSrv = http.createServer((q, s) => {
      s.writeHead(200, { 'Content-Type': 'text/html' });
      s.end('<title>x</title><iframe id=f src="' + base + '/admin/users"></iframe>');
    });
    await new Promise(r => evilSrv.listen(0, '127.0.0.1', r));
    const evil = await adminCtx.newPage();
    await evil.goto('http://127.0.0.1:' + evilSrv.address().port + '/');
    await evil.waitForTimeout(1000);
    evilSrv.close();
    const fr = evil.frames().find(f => f !== evil.mainFrame());
    let inner = '';
    try { inner = fr ? await fr.content() : ''; } catch (e) { inner = 'unreadable: ' + e.message; }
    process.stderr.write('frame: ' + (fr ? fr.url() : 'none') + ' ' + inner.slice(0, 400) + '\n');
    check('a page of another site cannot show the newsroom (or any page of the site) in a frame',
      fr && !inner.includes('/assets/') && !inner.startsWith('unreadable'),
      (fr ? fr.url() : 'no frame') + ' ' + inner.slice(0, 300));
  } catch (e) {
    check('the browser session ran to the end', false, e.stack || e);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ results }) + '\n', () => process.exit(0));
})();
"""


def one(db, q, params=()):
    rows = sql(db, q, params)
    return rows[0][0] if rows else None


def main():
    modules, chromium = browser()
    d = tempfile.mkdtemp(prefix="masthead-browser-security-")
    db = demo_db(d)
    for name, role in (("reader", "member"), ("admin", "admin"), ("victim", "editor")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        name.title(), name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    art = sql(db, "SELECT id, slug FROM articles WHERE status = 'published'"
              " ORDER BY published_at DESC LIMIT 1")[0]
    s = lambda table, extra="": one(db, "SELECT slug FROM %s %s ORDER BY id LIMIT 1"
                                    % (table, extra))
    reader = ["/", "/article/" + art[1], "/section/" + s("sections"),
              "/author/" + s("authors"), "/tag/" + s("tags"), "/type/news",
              "/search?q=network", "/events", "/events/archive", "/events/" + s("events"),
              "/webinars", "/webinars/archive", "/webinars/" + s("webinars"), "/resources",
              "/resources/" + s("resources"), "/" + s("pages"), "/signin", "/register",
              "/reset", "/newsletter", "/your-data", "/no-such-page",
              "/article/%s/comment" % art[1]]
    signed_in = ["/", "/article/" + art[1], "/account", "/article/%s/comment" % art[1]]
    newsroom = ["/admin", "/admin/articles", "/admin/articles/new",
                "/admin/articles/%d/preview" % art[0], "/admin/articles/%d/revisions" % art[0],
                "/admin/menus", "/admin/sections", "/admin/authors", "/admin/sponsors",
                "/admin/pages", "/admin/pages/new", "/admin/promos", "/admin/front",
                "/admin/events",
                "/admin/events/new", "/admin/webinars", "/admin/webinars/new",
                "/admin/newsletters", "/admin/subscribers", "/admin/resources",
                "/admin/resources/new", "/admin/media", "/admin/users", "/admin/tokens",
                "/admin/comments", "/admin/comments/settings", "/admin/comments/log"]
    pages = {"reader": reader, "signed_in": signed_in, "newsroom": newsroom,
             "article_id": art[0], "newsletter": s("newsletters")}
    srv = Server(db=db)
    script = os.path.join(d, "security.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, NODE_PATH=modules, BASE="http://127.0.0.1:%d" % srv.port,
               PW=PW, CHROMIUM=chromium, PAGES=json.dumps(pages))
    p = subprocess.run(["node", script], env=env, capture_output=True, text=True,
                       timeout=600)
    results = None
    for line in p.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        results = msg.get("results", results)
    if os.environ.get("MASTHEAD_DEBUG"):
        print("# " + p.stderr.replace("\n", "\n# "))
    if results is None:
        ok(False, "the browser script reported", p.stderr[-3000:])
    else:
        for r in results:
            ok(r["ok"], r["name"], r["detail"])
    run_tests([], srv.stop)


main()
