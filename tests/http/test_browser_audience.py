"""The audience forms in a real browser (Chromium through playwright-core):
a reader signs up for a newsletter from an article's sidebar, opens the
confirmation link that reached the SMTP sink and confirms; then
registers for a webinar from its page and sees the confirmation, whose
email carries the .ics file.  The event page with its agenda and form
is saved as a screenshot (into MASTHEAD_SCREENSHOT_DIR when set).

playwright-core (pinned in tests/node) and the browser are installed by
make test-deps; when either is missing, the suite fails saying so."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from email import policy
from email.parser import BytesParser

from harness import Server, ok, eq, run_tests, demo_db, sql, browser
from smtpsink import SmtpSink, body_of


WEBINAR = "standalone-5g-first-year-lessons"
EVENT = "sd-wan-digital-symposium"
READER = "browser-reader@example.org"

SCRIPT = r"""
const { chromium } = require('playwright-core');
const base = process.env.BASE, slug = process.env.SLUG;
const results = [];
function check(name, cond, detail) {
  results.push({ name, ok: !!cond, detail: detail === undefined ? '' : String(detail) });
}
function ask(phase) {
  process.stdout.write(JSON.stringify({ phase }) + '\n');
  return new Promise(r => process.stdin.once('data', d => r(String(d).trim())));
}
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);

    await page.goto(base + '/article/' + slug);
    await page.fill('.newsletter-mini input[name=email]', process.env.READER);
    await Promise.all([page.waitForNavigation(), page.click('.newsletter-mini button')]);
    check('the sidebar form opens the sign-up form', page.url().includes('/newsletter'), page.url());
    check('with the address filled in',
      (await page.inputValue('form.form input[name=email]')) === process.env.READER);
    await page.check('form.form input[name=n] >> nth=0');
    await page.check('form.form input[name=consent]');
    await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
    check('the sign-up asks to check the email', (await page.textContent('h1')).includes('Check your email'));

    const confirm = await ask('confirm');
    await page.goto(confirm);
    await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
    check('confirming shows the preferences', page.url().includes('/newsletter/preferences/'), page.url());
    check('saying the subscription is confirmed',
      (await page.textContent('body')).includes('Your subscription is confirmed'));

    await page.goto(base + '/webinars/' + process.env.WEBINAR);
    check('the webinar page has the registration box', await page.isVisible('#register'));
    await page.fill('.register-start input[name=name]', 'Browser Reader');
    await page.fill('.register-start input[name=email]', process.env.READER);
    await Promise.all([page.waitForNavigation(), page.click('.register-start button')]);
    check('it opens the full form, name kept',
      (await page.inputValue('.register-form input[name=name]')) === 'Browser Reader');
    await page.fill('.register-form input[name=company]', 'Example Cable');
    await page.fill('.register-form input[name=job_title]', 'Engineer');
    await page.fill('.register-form input[name=q2]', 'yes');
    await page.check('.register-form input[name=consent]');
    await Promise.all([page.waitForNavigation(), page.click('.register-form button[type=submit]')]);
    check('the reader sees the confirmation', (await page.textContent('h1')).includes('You are registered'),
      await page.textContent('h1'));

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(base + '/events/' + process.env.EVENT);
    check('the event page shows its agenda', await page.isVisible('section.agenda'));
    check('and its registration form', await page.isVisible('.register-start'));
    await page.screenshot({ path: process.env.SHOT, fullPage: true });
  } catch (e) {
    check('the browser run finished', false, e.stack);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ results }) + '\n', () => process.exit(0));
})();
"""


def wait_mail(sink, addr, pred, timeout=20):
    t0 = time.time()
    while time.time() - t0 < timeout:
        for m in sink.to(addr):
            if pred(m):
                return m
        time.sleep(0.1)
    return None


def main():
    modules, chromium = browser()
    sink = SmtpSink()
    d = tempfile.mkdtemp(prefix="masthead-audience-")
    db = demo_db(d)
    slug = sql(db, "SELECT slug FROM articles WHERE status = 'published' AND type = 'news'"
               " ORDER BY published_at DESC LIMIT 1")[0][0]
    srv = Server(db=db, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(sink.port)])
    base = "http://127.0.0.1:%d" % srv.port
    script = os.path.join(d, "audience.js")
    shot = os.path.join(d, "event.png")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, NODE_PATH=modules, BASE=base, SLUG=slug, CHROMIUM=chromium,
               READER=READER, WEBINAR=WEBINAR, EVENT=EVENT, SHOT=shot)
    p = subprocess.Popen(["node", script], env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = None
    try:
        for line in p.stdout:
            msg = json.loads(line)
            if msg.get("phase") == "confirm":
                m = wait_mail(sink, READER, lambda m: "/newsletter/confirm/" in body_of(m))
                ok(m is not None, "the confirmation letter reached the SMTP sink")
                url = re.search(r"https?://\S+/newsletter/confirm/[A-Za-z0-9_-]+",
                                body_of(m)).group(0) if m else base + "/"
                # The letter's links use the configured address of the site.
                url = re.sub(r"^https?://[^/]+", base, url)
                p.stdin.write(url + "\n")
                p.stdin.flush()
            elif "results" in msg:
                results = msg["results"]
        p.wait(180)
    finally:
        if p.poll() is None:
            p.kill()
    if results is None:
        ok(False, "the browser script reported", p.stderr.read())
    else:
        for r in results:
            ok(r["ok"], r["name"], r["detail"])
    m = wait_mail(sink, READER, lambda m: "You are registered" in str(m["subject"]))
    ok(m is not None, "the registration's email arrived")
    if m is not None:
        msg = BytesParser(policy=policy.default).parsebytes(m.as_bytes())
        atts = [a for a in msg.iter_attachments() if a.get_content_type() == "text/calendar"]
        eq(len(atts), 1, "with the .ics attached")
        if atts:
            ics = atts[0].get_content()
            ics = ics.decode() if isinstance(ics, bytes) else ics
            ok("BEGIN:VCALENDAR" in ics and "METHOD:PUBLISH" in ics, "a calendar to publish", ics[:200])
    ok(os.path.exists(shot) and os.path.getsize(shot) > 10000, "the event page was captured")
    out = os.environ.get("MASTHEAD_SCREENSHOT_DIR")
    if out and os.path.exists(shot):
        os.makedirs(out, exist_ok=True)
        shutil.copy(shot, os.path.join(out, "event-registration.png"))
    sink.close()
    run_tests([], srv.stop)


main()
