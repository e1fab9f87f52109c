"""The analytics dashboard in Chromium (docs/analytics.md): an editor
opens /admin/analytics, sees the views of the stories readers read, the
referrers and devices, goes to a story's report and finds its chart
drawn as SVG with a title for screen readers; the headless browser's own
visits to reader pages are not counted, while a reader's (a browser's
user agent) is, and leaving the story sends its seconds on the page; the
reader sees Most Read on the home page and beside a story.  Every page is screenshot (into
SHOTS, a temporary directory unless set)."""
import os
import subprocess
import tempfile
import time

from harness import (BIN, Server, ok, eq, run_tests, demo_db, sql, until,
                     browser_steps)

PW = "a passphrase long enough"
UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15"


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-analytics-browser-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor", "--name",
                    "Editor", "editor@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
    return db


DB = make_db()
srv = Server(["--real_ip_header", "X-Real-IP", "--analytics_refresh", "1"], db=DB)
SHOTS = os.environ.get("SHOTS") or tempfile.mkdtemp(prefix="masthead-analytics-shots-")
SLUGS = [r[0] for r in sql(DB, "SELECT slug FROM articles WHERE status = 'published'"
                           " ORDER BY id LIMIT 4")]
TITLE = sql(DB, "SELECT title FROM articles WHERE slug = ?", (SLUGS[0],))[0][0]


# Public addresses that Debian's GeoIP database places: the United
# States (IPv4 and IPv6), the United Kingdom, the Netherlands, Brazil.
PLACES = ["8.8.8.8", "81.2.69.160", "2001:4860:4860::8888", "193.0.6.139",
          "200.160.2.3"]


def read(slug, n, referer=None):
    for i in range(n):
        h = {"User-Agent": UA, "Accept": "text/html", "Accept-Language": "en",
             "X-Real-IP": PLACES[i % len(PLACES)]}
        if referer:
            h["Referer"] = referer
        srv.request("GET", "/article/" + slug, h)


def count():
    return sql(DB, "SELECT count(*) FROM pageviews")[0][0]


STEPS = r"""
const shots = process.env.SHOTS, slug = process.env.SLUG, title = process.env.TITLE;
const desk = { viewport: { width: 1366, height: 900 } };
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1,
                isMobile: true, hasTouch: true };

// A reader page in the headless browser: not a reader's view.
const rctx = await browser.newContext(desk);
const reader = await rctx.newPage();
await reader.goto(base + '/article/' + slug);

const ctx = await browser.newContext(desk);
const ed = await ctx.newPage();
await signIn(ed, 'editor', '/admin/analytics');
check('the editor lands on the dashboard', ed.url().endsWith('/admin/analytics'), ed.url());
const first = await ed.textContent('table.an-stories tbody tr:first-child td:first-child');
check('the most read story leads the top stories', first.trim() === title, first);
const views = await ed.textContent('table.an-stories tbody tr:first-child td:nth-child(2)');
check('with its views', views.trim() === '5', views);
const refs = await ed.textContent('table.an-referrers');
check('the referrers name search and social', refs.includes('search') && refs.includes('social'), refs);
const dev = await ed.textContent('table.an-devices');
check('the devices are listed', dev.includes('desktop'), dev);
const lands = await ed.textContent('table.an-countries tbody tr:first-child');
check('the country most read from leads the countries', lands.includes('United States'), lands);
await ed.screenshot({ path: shots + '/analytics-1366.png', fullPage: true });

await Promise.all([ed.waitForNavigation(), ed.click('table.an-stories tbody tr:first-child a')]);
check('a story opens its report', ed.url().endsWith('/admin/analytics/article/' + slug), ed.url());
const bars = await ed.locator('figure.an-chart svg rect').count();
check('its chart has a bar per day of 30', bars === 30, bars);
const label = await ed.evaluate(() => {
  const svg = document.querySelector('figure.an-chart svg');
  const id = svg.getAttribute('aria-labelledby');
  return svg.getAttribute('role') + ' ' + document.getElementById(id).textContent;
});
check('the chart is an image with a title', label.startsWith('img Views per day'), label);
const h = await ed.evaluate(() => {
  const r = [...document.querySelectorAll('figure.an-chart svg rect')];
  return r[r.length - 1].getBoundingClientRect().height;
});
check("today's bar is drawn", h > 50, h);
const mine = await ed.textContent('table.an-countries');
check("the story's countries are listed", mine.includes('United Kingdom'), mine);
await ed.screenshot({ path: shots + '/analytics-story-1366.png', fullPage: true });

const pctx = await browser.newContext(phone);
const ph = await pctx.newPage();
await signIn(ph, 'editor', '/admin/analytics');
await ph.screenshot({ path: shots + '/analytics-390.png', fullPage: true });
check('the dashboard opens on a phone', ph.url().endsWith('/admin/analytics'), ph.url());
"""

# A reader in Chromium with a desktop browser's user agent (headless
# Chromium's own is a bot's): the page is counted, and leaving it sends
# the seconds it was visible.
READER = r"""
const slug = process.env.SLUG;
const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' });
const page = await ctx.newPage();
await page.goto(base + '/');
const most = await page.locator('section.home-most-read ol li').count();
check('the home page shows Most Read', most === 3, most);
await page.locator('section.home-most-read').screenshot({ path: process.env.SHOTS + '/home-most-read-1366.png' });
await page.goto(base + '/article/' + slug);
const shown = Date.now();
const side = await page.locator('aside .block-most-read li').count();
check("and a story's sidebar", side === 3, side);
await page.locator('aside .block-most-read').screenshot({ path: process.env.SHOTS + '/story-most-read.png' });
await page.waitForTimeout(2500);
const sent = page.waitForRequest(r => r.url().endsWith('/api/v1/beacon'));
await page.goto(base + '/sections');
const req = await sent;
check('leaving the story sends a beacon', req.method() === 'POST', req.method());
// At least the 2.5 s waited, at most the seconds since the story loaded
// and one for its clock starting before the load event
// (a loaded machine makes them more than 3).
const secs = (Date.now() - shown) / 1000;
const sm = /^p=%2Farticle%2F[a-z0-9-]+&s=(\d+)$/.exec(req.postData());
check('with the story and its seconds', sm !== null && +sm[1] >= 2 && +sm[1] <= Math.ceil(secs) + 1,
      req.postData() + ' after ' + secs + ' s');
"""


def test_dashboard_in_chromium():
    read(SLUGS[0], 5, "https://www.google.com/")
    read(SLUGS[1], 3, "https://t.co/x")
    read(SLUGS[2], 2)
    eq(until(lambda: count() == 10, 10, 0.1) and count(), 10, "ten views are written")
    browser_steps(STEPS, srv, PW, {"SHOTS": SHOTS, "SLUG": SLUGS[0], "TITLE": TITLE})
    time.sleep(2.5)
    eq(count(), 10, "the headless browser's visits are not counted")
    for f in ("analytics-1366.png", "analytics-story-1366.png", "analytics-390.png"):
        ok(os.path.getsize(os.path.join(SHOTS, f)) > 10000, "screenshot " + f)


def test_reader_beacon():
    slug = SLUGS[3]
    browser_steps(READER, srv, PW, {"SLUG": slug, "SHOTS": SHOTS})
    got = until(lambda: sql(DB, "SELECT COALESCE(sum(n), 0) FROM pageview_days"
                            " WHERE slug = ? AND dim = 'seconds'", (slug,))[0][0], 10, 0.1)
    # As the beacon sent them: 2 or 3 on a quiet machine, more on a loaded one.
    ok(2 <= got <= 30, "the seconds on the story are stored (%s)" % got)
    eq(sql(DB, "SELECT count(*) FROM pageviews WHERE slug = ?", (slug,))[0][0], 1,
       "and the reader's view is counted")
    for f in ("home-most-read-1366.png", "story-most-read.png"):
        ok(os.path.getsize(os.path.join(SHOTS, f)) > 2000, "screenshot " + f)


def cleanup():
    return srv.stop()


run_tests([test_dashboard_in_chromium, test_reader_beacon], cleanup)
