"""Screenshots of the reader pages: the home page, an article, an event
and a webinar of the demo, each at 1366 x 900 and 390 x 844, as a reader
first sees them (the screen, not the whole page).  Each page answers 200,
shows its headline on the first screen and does not overflow sideways;
each picture is a JPEG of the screen's size, under 300 KB.

MASTHEAD_SCREENSHOTS=DIR keeps them in DIR (docs/ shows them, see
docs/reader.md); otherwise they go to a scratch directory that is
removed, so a run leaves the tree as it found it.  Two settings serve
the before/after pair of docs/home.md: MASTHEAD_SCREENSHOT_PAGES (a
comma list of home, article, event, webinar; all by default) and
MASTHEAD_SCREENSHOT_PREFIX (the files' prefix, "reader-" by default;
"before-" for the pair)."""
import json
import os
import shutil
import tempfile

from harness import Server, ok, run_tests, demo_db, browser_steps

PW = "a passphrase long enough"
SIZES = ((1366, 900), (390, 844))
PAGES = [p for p in os.environ.get("MASTHEAD_SCREENSHOT_PAGES",
                                   "home,article,event,webinar").split(",") if p]
PREFIX = os.environ.get("MASTHEAD_SCREENSHOT_PREFIX", "reader-")
KEEP = os.environ.get("MASTHEAD_SCREENSHOTS")

srv = Server(db=demo_db(tempfile.mkdtemp(prefix="masthead-shots-")))

STEPS = r"""
/* Where each page kind is found: the home page's lead story, the first
 * upcoming event and webinar of their lists. */
const find = {
  home: async () => base + '/',
  article: async (page) => { await page.goto(base + '/');
    return page.$eval('.lead h1 a, main h1 a', (a) => a.href); },
  event: async (page) => { await page.goto(base + '/events');
    return page.$eval('main h2 a', (a) => a.href); },
  webinar: async (page) => { await page.goto(base + '/webinars');
    return page.$eval('main h2 a', (a) => a.href); },
};
for (const [w, h] of JSON.parse(process.env.SIZES)) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  for (const kind of process.env.PAGES.split(',')) {
    const url = await find[kind](page);
    const res = await page.goto(url, { waitUntil: 'load' });
    const name = kind + ' at ' + w + ' px';
    check(name + ' answers 200', res.status() === 200, res.status() + ' ' + url);
    /* The images of the first screen are in before the picture is taken. */
    await page.evaluate(() => Promise.race([
      Promise.all([...document.images].filter((i) => i.getBoundingClientRect().top < innerHeight)
        .map((i) => i.complete ? 0 : new Promise((r) => { i.onload = i.onerror = r; }))),
      new Promise((r) => setTimeout(r, 10000))]));
    const m = await page.evaluate(() => {
      const h1 = document.querySelector('h1'), r = h1 ? h1.getBoundingClientRect() : null;
      return { h1: r ? r.top : null, h1Height: r ? r.height : 0,
               overflow: document.documentElement.scrollWidth > innerWidth };
    });
    check(name + ': the headline is on the first screen',
      m.h1 !== null && m.h1 >= 0 && m.h1 < h && m.h1Height > 0, JSON.stringify(m));
    check(name + ': nothing overflows sideways', !m.overflow, JSON.stringify(m));
    await page.screenshot({ path: process.env.SHOTS + '/' + process.env.PREFIX + kind + '-' + w + '.jpg',
      type: 'jpeg', quality: 80 });
  }
  await ctx.close();
}
"""


def jpeg_size(path):
    """The (width, height) of a JPEG's frame, or None."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return (int.from_bytes(data[i + 7:i + 9], "big"),
                    int.from_bytes(data[i + 5:i + 7], "big"))
        i += 2 + length
    return None


def test_screenshots():
    shots = KEEP or tempfile.mkdtemp(prefix="masthead-shots-")
    try:
        ok(set(PAGES) <= {"home", "article", "event", "webinar"},
           "MASTHEAD_SCREENSHOT_PAGES names known pages", PAGES)
        for w, h in SIZES:
            for kind in PAGES:
                p = os.path.join(shots, "%s%s-%d.jpg" % (PREFIX, kind, w))
                if os.path.exists(p):
                    os.unlink(p)
        browser_steps(STEPS, srv, PW, env={"SHOTS": shots, "PAGES": ",".join(PAGES),
                                           "PREFIX": PREFIX, "SIZES": json.dumps(SIZES)})
        for w, h in SIZES:
            for kind in PAGES:
                p = os.path.join(shots, "%s%s-%d.jpg" % (PREFIX, kind, w))
                ok(os.path.exists(p), "the screenshot %s is written" % os.path.basename(p))
                if not os.path.exists(p):
                    continue
                ok(jpeg_size(p) == (w, h), "%s is the screen's size" % os.path.basename(p),
                   jpeg_size(p))
                n = os.path.getsize(p)
                ok(10000 < n < 300000, "%s is a picture under 300 KB" % os.path.basename(p), n)
    finally:
        if not KEEP:
            shutil.rmtree(shots, ignore_errors=True)


run_tests([test_screenshots], srv.stop)
