"""The reader pages' chrome in a real browser (Chromium through
playwright-core): the space under the header, the sidebar's sign-up
button, the menu control (no hidden tab stop on a wide screen; on a
narrow one a real button that opens a panel, says so with aria-expanded
and closes with Escape or its Close button), a webinar's start time in
the reader's own zone, and registration forms that post the reader's
details instead of putting them in the address.

playwright-core (pinned in tests/node) and the browser are installed by
make test-deps; when either is missing, the suite fails saying so."""
import json
import os
import re
import subprocess
import tempfile

from harness import Server, ok, eq, contains, run_tests, demo_db, sql, browser


WEBINAR = "standalone-5g-first-year-lessons"
EVENT = "sd-wan-digital-symposium"

SCRIPT = r"""
const { chromium } = require('playwright-core');
const base = process.env.BASE;
const results = [];
function check(name, cond, detail) {
  results.push({ name, ok: !!cond, detail: detail === undefined ? '' : String(detail) });
}
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    /* A wide screen, in the site's own zone. */
    const wide = await browser.newContext({ viewport: { width: 1280, height: 900 },
      timezoneId: process.env.SITE_TZ });
    let page = await wide.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(base + '/article/' + process.env.SLUG);
    const gap = await page.evaluate(() => {
      const head = document.querySelector('header.masthead').getBoundingClientRect();
      const first = document.querySelector('main .crumbs, main .kicker, main h1').getBoundingClientRect();
      return first.top - head.bottom;
    });
    check('the page starts clear of the rule under the header', gap >= 16, gap + 'px');
    const btn = await page.evaluate(() => {
      const s = getComputedStyle(document.querySelector('.newsletter-mini button'));
      return { border: s.borderTopStyle, bg: s.backgroundColor, font: s.fontFamily,
               body: getComputedStyle(document.body).fontFamily };
    });
    check('the sidebar Sign up button is the site\'s button',
      btn.border === 'none' && btn.bg !== 'rgb(239, 239, 239)' && btn.font === btn.body, JSON.stringify(btn));
    check('there is no hidden checkbox in the header',
      (await page.locator('header input').count()) === 0);
    check('the Menu button is not shown on a wide screen', !(await page.isVisible('.nav-button')));
    await page.focus('a.logo');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => {
      const a = document.activeElement;
      return a.tagName + ' ' + (a.closest('#site-menu') ? 'menu' : '') + ' ' + a.textContent.trim();
    });
    check('Tab from the logo goes straight to the first menu item', /^(A|SPAN) menu /.test(next), next);
    check('the close control is not a tab stop on a wide screen', !(await page.isVisible('.nav-close')));

    await page.goto(base + '/webinars/' + process.env.WEBINAR);
    const when = await page.textContent('.event-when');
    check('the webinar page gives its start time with the zone',
      /\d{4}, \d{1,2}:\d\d (AM|PM) [A-Z]{3,4} ·/.test(when), when);
    check('in the site\'s zone the reader sees no second time',
      (await page.locator('.event-when .local-time').count()) === 0);

    /* Registration: the details go in a POST body, never in the address. */
    await page.fill('.register-start input[name=name]', 'Browser Reader');
    await page.fill('.register-start input[name=email]', 'reader@example.org');
    const [req] = await Promise.all([
      page.waitForRequest(r => r.url().includes('/register')),
      page.click('.register-start button')]);
    await page.waitForLoadState();
    check('the small form posts', req.method() === 'POST', req.method());
    check('no detail in the address', !page.url().includes('?') && !page.url().includes('reader'), page.url());
    check('the full form has the details',
      (await page.inputValue('.register-form input[name=email]')) === 'reader@example.org');
    await page.goto(base + '/resources/' + process.env.PAPER);
    await page.fill('.gate-mini input[name=name]', 'Browser Reader');
    await page.fill('.gate-mini input[name=email]', 'reader@example.org');
    await page.fill('.gate-mini input[name=company]', 'Example Cable');
    await page.fill('.gate-mini input[name=job_title]', 'Engineer');
    await Promise.all([page.waitForNavigation(), page.click('.gate-mini button')]);
    check('the white paper\'s form keeps the details out of the address',
      !page.url().includes('?') && !page.url().includes('Example'), page.url());
    check('and opens the full form with them',
      (await page.content()).includes('value="Example Cable"'));
    await wide.close();

    /* A phone, in another zone. */
    const narrow = await browser.newContext({ viewport: { width: 390, height: 800 },
      timezoneId: 'Europe/Berlin', hasTouch: true });
    page = await narrow.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(base + '/webinars/' + process.env.WEBINAR);
    const local = await page.textContent('.event-when .local-time').catch(() => '');
    check('a reader in another zone also sees the time in theirs', /your time/.test(local) &&
      /(CET|GMT\+1)/.test(local), local);
    const menu = page.locator('.nav-button');
    check('the Menu control is a visible button', await menu.isVisible());
    check('it says the menu is closed', (await menu.getAttribute('aria-expanded')) === 'false');
    check('the menu is not shown yet', !(await page.isVisible('#site-menu')));
    await page.focus('a.logo');
    await page.keyboard.press('Tab');
    check('Tab reaches the Menu button', await page.evaluate(() =>
      document.activeElement.classList.contains('nav-button')));
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check('which shows a focus ring', ring !== 'none', ring);
    await page.keyboard.press('Enter');
    check('Enter opens the menu', (await menu.getAttribute('aria-expanded')) === 'true');
    const box = await page.locator('#site-menu').boundingBox();
    check('as a panel no taller than the screen', box && box.height <= 800 && box.width <= 390,
      JSON.stringify(box));
    check('focus moves to its Close button', await page.evaluate(() =>
      document.activeElement.classList.contains('nav-close')));
    await page.keyboard.press('Escape');
    check('Escape closes it', !(await page.isVisible('#site-menu')) &&
      (await menu.getAttribute('aria-expanded')) === 'false');
    check('and gives focus back to the Menu button', await page.evaluate(() =>
      document.activeElement.classList.contains('nav-button')));
    await menu.click();
    check('a click opens it again', await page.isVisible('#site-menu'));
    await page.click('.nav-close');
    check('the Close button closes it', !(await page.isVisible('#site-menu')) &&
      (await menu.getAttribute('aria-expanded')) === 'false');
    await narrow.close();

    /* Without JavaScript the narrow menu is a plain list, no dead button. */
    const plain = await browser.newContext({ viewport: { width: 390, height: 800 }, javaScriptEnabled: false });
    page = await plain.newPage();
    await page.goto(base + '/');
    check('without JavaScript there is no Menu button', !(await page.isVisible('.nav-button')));
    check('and the sections are listed', await page.isVisible('#site-menu'));
    await plain.close();
  } catch (e) {
    check('the browser run finished', false, e.stack);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ results }) + '\n', () => process.exit(0));
})();
"""


def main():
    modules, chromium = browser()
    d = tempfile.mkdtemp(prefix="masthead-reader-")
    db = demo_db(d)
    slug = sql(db, "SELECT slug FROM articles WHERE status = 'published' AND type = 'news'"
               " ORDER BY published_at DESC LIMIT 1")[0][0]
    paper = sql(db, "SELECT slug FROM resources ORDER BY id LIMIT 1")[0][0]
    company = sql(db, "SELECT a.slug FROM articles a JOIN article_authors x ON x.article_id = a.id"
                  " JOIN authors p ON p.id = x.author_id"
                  " WHERE p.slug = 'huawei' AND a.status = 'published' LIMIT 1")
    srv = Server(db=db)
    base = "http://127.0.0.1:%d" % srv.port

    # The byline of a company writing as itself names it once.
    if company:
        s, h, b = srv.html("/article/" + company[0][0])
        eq(s, 200, "a company's article answers")
        ok("Huawei, Huawei" not in b, "its byline does not name the company twice")
        contains(b, "Huawei", "and names it")
    else:
        ok(False, "the demo has an article by a company")
    s, h, b = srv.html("/")
    ok("Huawei, Huawei" not in b, "nor does the home page's sidebar")

    # The demo's Events menu lists what is upcoming, soonest first; the
    # archive's menu the latest that took place.
    s, h, j = srv.json("/api/v1/events")
    upcoming = ["/events/" + e["slug"] for e in j["events"]][:6]
    # The menu's panels are on /sections (pages carry its top row).
    s, h, menu = srv.html("/sections")
    block = re.search(r'<a href="/events">Events</a></h2>\s*<ul class="mega-sub">(.*?)</ul>', menu, re.S)
    links = re.findall(r'<a href="([^"]+)">', block.group(1)) if block else []
    ok(len(upcoming) >= 3, "the demo has upcoming events", upcoming)
    eq(links, upcoming, "the Events menu links the upcoming events, soonest first")
    ok(not any("2021" in x for x in links), "and no past edition", links)
    block = re.search(r'<a href="/events/archive">Events Archives</a></h2>\s*<ul class="mega-sub">(.*?)</ul>',
                      menu, re.S)
    past = re.findall(r'<a href="([^"]+)">', block.group(1)) if block else []
    ok(len(past) == 4 and past[0] == "/events/archive" and all("2021" in x for x in past[1:]),
       "the archive's menu links past editions", past)
    ok(not re.search(r'<ul class="mega-sub2">\s*</ul>', menu), "a menu item without children opens no list")

    s, h, b = srv.html("/webinars/" + WEBINAR)
    zone = re.search(r'<time datetime="[^"]+" data-zone="([^"]+)">', b)
    ok(zone is not None, "the webinar's time names the site's zone for the browser")
    zone = zone.group(1) if zone else "UTC"
    script = os.path.join(d, "reader.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, NODE_PATH=modules, BASE=base, SLUG=slug, CHROMIUM=chromium,
               WEBINAR=WEBINAR, PAPER=paper, SITE_TZ=zone)
    p = subprocess.run(["node", script], env=env, capture_output=True, text=True, timeout=240)
    results = None
    for line in p.stdout.splitlines():
        msg = json.loads(line)
        if "results" in msg:
            results = msg["results"]
    if results is None:
        ok(False, "the browser script reported", p.stderr)
    else:
        for r in results:
            ok(r["ok"], r["name"], r["detail"])
    run_tests([], srv.stop)


main()
