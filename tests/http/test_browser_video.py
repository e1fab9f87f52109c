"""Video and podcast pages in a real browser (Chromium through
playwright-core): a story with a YouTube film asks nothing of any other
host until the reader presses play (the request log says so), and then
loads the player from youtube-nocookie.com, in a frame that takes the
place of the picture; a chapter's link starts that player at its time;
the podcasts' and the video series' pages and an episode's page have no
script errors.  With MASTHEAD_SCREENSHOTS naming a folder, each new page
kind is photographed there (narrow JPEGs, as docs/media.md shows them).

The video's host is never reached: the browser's requests to it are
answered here with a blank page, so the suite needs no network."""
import os
import subprocess
import tempfile

from harness import BIN, Server, run_tests, demo_db, browser_steps

PW = "a long enough passphrase"

STEPS = r"""
  const ctx = await browser.newContext({ viewport: { width: 760, height: 1000 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  const errors = [], seen = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('request', r => seen.push(r.url()));
  /* Nothing leaves the machine: the video's host answers from here. */
  await ctx.route(/^https:\/\/(?!127\.0\.0\.1)/, route =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>player</title>' }));
  const local = u => u.startsWith(base) || u.startsWith('data:');
  const shots = process.env.SHOTS;
  async function shot(path, name) {
    if (!shots) return;
    await page.goto(base + path);
    await page.screenshot({ path: shots + '/' + name + '.jpg', type: 'jpeg', quality: 60 });
  }

  await page.goto(base + '/article/showcase-private-5g-robot-lab');
  await page.waitForLoadState('networkidle');
  check('the play button shows once the script runs', await page.isVisible('.video-embed .embed-play'));
  check('no frame before the reader asks', (await page.$$('iframe')).length === 0);
  const before = seen.filter(u => !local(u));
  check('no request to another host before the click', before.length === 0, before.join(' '));
  await page.click('.video-embed .embed-play');
  await page.waitForSelector('.video-embed iframe.embed-player');
  const src = await page.getAttribute('.video-embed iframe', 'src');
  check('the click puts the no-cookie player in a frame',
        src === 'https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1', src);
  await page.waitForTimeout(300);
  const after = seen.filter(u => !local(u));
  check('and only then is the video host asked, only the no-cookie one',
        after.length > 0 && after.every(u => u.startsWith('https://www.youtube-nocookie.com/')),
        after.join(' '));
  check('the picture made room for the player', (await page.$$('.video-embed .embed-frame img')).length === 0);

  /* A chapter starts the player at its time. */
  await page.goto(base + '/article/showcase-private-5g-robot-lab');
  await page.click('.chapters a[data-seek="250"]');
  await page.waitForSelector('.video-embed iframe.embed-player');
  const at = await page.getAttribute('.video-embed iframe', 'src');
  check('a chapter starts the player at its time', /[?&]start=250$/.test(at), at);

  /* An audio episode: a chapter seeks the player. */
  await page.goto(base + '/article/podcast-open-ran-year-of-proof');
  await page.click('.chapters a[data-seek="870"]');
  const t = await page.evaluate(() => document.querySelector('.media-player audio').currentTime);
  check('a chapter seeks the episode\'s player', Math.round(t) === 870, t);
  check('the transcript opens', await page.evaluate(() => {
    const d = document.querySelector('details.transcript'); d.open = true;
    return d.querySelector('p').offsetHeight > 0; }));

  for (const p of ['/podcasts', '/podcasts/light-reading-podcast', '/video',
                   '/video/series/telecom-innovators-showcase']) {
    const r = await page.goto(base + p);
    check(p + ' opens', r.status() === 200, r.status());
  }
  check('no script errors', errors.length === 0, errors.join(' | '));

  await shot('/podcasts', 'media-podcasts');
  await shot('/podcasts/light-reading-podcast', 'media-show');
  await shot('/video', 'media-video');
  await shot('/article/podcast-open-ran-year-of-proof#chapters-h', 'media-episode');
  await shot('/article/showcase-private-5g-robot-lab', 'media-embed');
  if (shots) {
    await signIn(page, 'ed', '/admin/shows');
    await page.screenshot({ path: shots + '/media-admin-shows.jpg', type: 'jpeg', quality: 60 });
  }
"""


DB = demo_db(tempfile.mkdtemp(prefix="masthead-browser-video-"))
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "editor", "ed@example.com"],
               input=PW, text=True, check=True, capture_output=True)
SRV = Server(db=DB)


def test_browser():
    browser_steps(STEPS, SRV, PW, env={"SHOTS": os.environ.get("MASTHEAD_SCREENSHOTS", "")})


run_tests([test_browser], cleanup=SRV.stop)
