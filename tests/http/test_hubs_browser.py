"""Hubs in Chromium (docs/hubs.md): a reader's show page takes a new live
post without a reload while an editor writes it from a phone-sized
newsroom page; without JavaScript the same page is the posts as served;
the sponsored hub's disclosure is on screen at the top on a phone; every
page is screenshot (into SHOTS, a temporary directory unless set)."""
import os
import subprocess
import tempfile

from harness import BIN, Server, ok, run_tests, demo_db, sql, browser_steps

PW = "a passphrase long enough"


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-hubs-browser-")
    db = demo_db(d)
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor", "--name",
                    "Editor", "editor@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
    return db


DB = make_db()
srv = Server(db=DB)
SHOTS = os.environ.get("SHOTS") or tempfile.mkdtemp(prefix="masthead-hubs-shots-")
SHOW = sql(DB, "SELECT id FROM hubs WHERE slug = 'mobile-world-congress'")[0][0]

STEPS = r"""
const shots = process.env.SHOTS, show = process.env.SHOW;
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1,
                isMobile: true, hasTouch: true };
const desk = { viewport: { width: 1366, height: 900 } };

// A reader with JavaScript keeps the show open.
const rctx = await browser.newContext(desk);
const reader = await rctx.newPage();
await reader.goto(base + '/shows/mobile-world-congress');
await reader.evaluate(() => { window.stillHere = 'yes'; });
const firstBefore = await reader.textContent('#live-posts li:first-child .body');
check('the reader sees the live blog', firstBefore && firstBefore.length > 10, firstBefore);
await reader.screenshot({ path: shots + '/show-1366.jpg', type: 'jpeg', quality: 60 });

// An editor writes a post from a phone.
const ectx = await browser.newContext(phone);
const ed = await ectx.newPage();
await signIn(ed, 'editor', '/admin/hubs/' + show);
check('the editor opens the show in the newsroom', ed.url().endsWith('/admin/hubs/' + show), ed.url());
const wide = await ed.evaluate(() => document.documentElement.scrollWidth);
check('the composer fits a phone without sideways scrolling', wide <= 390, wide);
const box = await ed.locator('#live-new textarea[name=body]').boundingBox();
check('its text box is on screen and wide enough to write in',
      box && box.x >= 0 && box.x + box.width <= 390 && box.width >= 250, JSON.stringify(box));
await ed.screenshot({ path: shots + '/newsroom-hub-390.jpg', type: 'jpeg', quality: 60 });
await ed.fill('#live-new textarea[name=body]', 'Live from the browser: the **keynote** starts now.');
await Promise.all([ed.waitForNavigation(), ed.click('#live-new button[type=submit]')]);
check('the post is saved', (await ed.content()).includes('Live from the browser'), ed.url());

// The reader's page shows it within a poll, without a reload.
let got = '';
for (let i = 0; i < 40 && !got.includes('Live from the browser'); i++) {
  await reader.waitForTimeout(1000);
  got = await reader.textContent('#live-posts li:first-child .body');
}
check('the reader sees the new post first, without reloading',
      got.includes('Live from the browser'), got);
check('on the same page (no reload)', await reader.evaluate(() => window.stillHere) === 'yes');
const strong = await reader.locator('#live-posts li:first-child .body strong').count();
check('with its formatting', strong === 1, strong);

// Without JavaScript the page is the posts as served.
const nctx = await browser.newContext(Object.assign({ javaScriptEnabled: false }, phone));
const nojs = await nctx.newPage();
await nojs.goto(base + '/shows/mobile-world-congress');
const n = await nojs.locator('#live-posts li.live-post').count();
check('without JavaScript the live blog is plain HTML', n >= 6, n);
await nojs.screenshot({ path: shots + '/show-390.jpg', type: 'jpeg', quality: 60 });

// A sponsored hub on a phone: the disclosure is on the first screen.
const hctx = await browser.newContext(phone);
const hub = await hctx.newPage();
await hub.goto(base + '/hub/future-vision');
const d = await hub.locator('.hub-disclosure').boundingBox();
check('the disclosure is on the first screen of a phone', d && d.y + d.height < 844, JSON.stringify(d));
await hub.screenshot({ path: shots + '/hub-390.jpg', type: 'jpeg', quality: 60 });
const hd = await browser.newContext(desk);
const hubd = await hd.newPage();
await hubd.goto(base + '/hub/future-vision');
await hubd.screenshot({ path: shots + '/hub-1366.jpg', type: 'jpeg', quality: 60 });
const ended = await hd.newPage();
await ended.goto(base + '/shows/big-5g-event');
check('a show that ended says so', (await ended.textContent('main')).includes('The show is over'));
"""


def test_browser():
    browser_steps(STEPS, srv, PW, env={"SHOTS": SHOTS, "SHOW": str(SHOW)})
    for name in ("show-1366.jpg", "show-390.jpg", "hub-390.jpg", "hub-1366.jpg",
                 "newsroom-hub-390.jpg"):
        p = os.path.join(SHOTS, name)
        ok(os.path.exists(p) and os.path.getsize(p) > 5000, "screenshot %s" % name)


run_tests([test_browser], lambda: srv.stop())
