"""An editor's whole day in a real browser (Chromium through
playwright-core), as the newsroom's parts allow it today:

1. an admin invites an author from /admin/users (the letter read back
   from a real SMTP server);
2. the author sets a password from the mailed link, writes a story,
   sees it autosaved ("Saved at HH:MM", the address moved to the new
   draft), and submits it for review;
3. every editor gets an email; the editor finds the story in the review
   queue (the menu's count), approves it to go live a few seconds ahead,
   and the public page appears on time (polled); she updates it without
   changing its date (the page's date and JSON-LD datePublished stay,
   dateModified is set), restores a revision after the confirm() of a
   restore onto a live story, and sends a newsletter after the confirm()
   of Send now.

The step of the media library (an image inserted into the body and the
hero picked from the library) has its place in insertImageFromLibrary()
below, which does nothing until the library is part of the editor.

MASTHEAD_SCREENSHOTS=DIR keeps the screenshot of the review queue
(newsroom-review.png, the one docs/newsroom.md shows).

playwright-core is pinned in tests/node and the browser is the system's
/usr/bin/chromium, both installed by make test-deps; when either is
missing, the suite fails saying so."""
import json
import os
import re
import subprocess
import tempfile
import time

from harness import (BIN, Server, ok, eq, contains, run_tests, demo_db, sql, browser,
                     browser_steps)
from smtpsink import SmtpSink, body_of

PW = "a long enough passphrase"
SINK = SmtpSink()

COMMON = r"""
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(20000);
  const dialogs = [];
  let answer = true;
  page.on('dialog', async d => {
    dialogs.push(d.type() + ': ' + d.message());
    if (answer) await d.accept(); else await d.dismiss();
  });
"""

ADMIN_INVITES = COMMON + r"""
  await signIn(page, 'ad', '/admin/users');
  const f = "form[action='/admin/users/invite'] ";
  await page.fill(f + 'input[name=email]', 'ava@example.com');
  await page.fill(f + 'input[name=name]', 'Ava Author');
  await page.selectOption(f + 'select[name=role]', 'author');
  await page.selectOption(f + 'select[name=author]', 'new');
  await page.fill(f + 'input[name=author_slug]', 'ava-author');
  await Promise.all([page.waitForNavigation(), page.click(f + 'button[type=submit]')]);
  check('the admin invites an author', page.url().includes('done=invited'), page.url());
"""

AUTHOR_WRITES = COMMON + r"""
  /* The media library's step: insert an image from the library into the
   * body at the cursor and pick the hero image from it.  It is added here
   * when the library joins the editor; until then the story has none. */
  async function insertImageFromLibrary(page) {
  }

  await page.goto(base + process.env.INVITE);
  check('the mailed link opens the set-password form',
    (await page.textContent('h1')) === 'Join the newsroom');
  await page.fill('input[name=password]', pw);
  await page.fill('input[name=password2]', pw);
  await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
  check('the author is signed in to the newsroom',
    (await page.textContent('.admin-me')).includes('Ava Author'), await page.textContent('.admin-me'));

  await page.goto(base + '/admin/articles/new');
  check('a writer who may not publish alone has no Publish button',
    (await page.locator('button[name=then][value=publish]').count()) === 0);
  await page.fill('#f-title', process.env.TITLE);
  await page.selectOption('select[name=section]', process.env.SECTION);
  await page.fill('#f-body', 'The first paragraph of the day.');
  check('a change says it is not saved yet',
    (await page.textContent('#save-state')) === 'Unsaved changes');
  await page.waitForFunction(() =>
    /^Saved at \d\d:\d\d$/.test(document.getElementById('save-state').textContent));
  const said = await page.textContent('#save-state');
  check('autosave stores it: "Saved at HH:MM"', /^Saved at \d\d:\d\d$/.test(said), said);
  check('the address moves to the new draft', /\/admin\/articles\/\d+$/.test(page.url()), page.url());
  const story = page.url();
  await insertImageFromLibrary(page);
  await page.type('#f-body', '\n\nA second paragraph, typed later.');
  await page.waitForFunction(() =>
    document.getElementById('save-state').textContent === 'Unsaved changes');
  await page.waitForFunction(() =>
    /^Saved at \d\d:\d\d$/.test(document.getElementById('save-state').textContent));
  check('the next autosave goes to the same draft', page.url() === story, page.url());
  await page.context().setOffline(true);
  await page.type('#f-body', ' Written on a train.');
  await page.waitForFunction(() =>
    document.getElementById('save-state').textContent === 'Offline: not saved');
  check('without a network the state line says "Offline: not saved"',
    (await page.textContent('#save-state')) === 'Offline: not saved');
  await page.context().setOffline(false);
  await page.type('#f-body', ' Back online.');
  await page.waitForFunction(() =>
    /^Saved at \d\d:\d\d$/.test(document.getElementById('save-state').textContent));
  check('back online, the next autosave stores it',
    /^Saved at /.test(await page.textContent('#save-state')));
  await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=submit]')]);
  check('Submit for review saves and says so',
    (await page.textContent('p.form-done')).startsWith('Submitted for review'),
    await page.textContent('p.form-done'));
  check('the editor shows it waits', (await page.locator('.review-ready').count()) === 1);
  check('no dialog asked along the way', dialogs.length === 0, dialogs);
  console.log(JSON.stringify({ story }));
"""

EDITOR_DAY = COMMON + r"""
  await signIn(page, 'ed', '/admin');
  check('the menu shows the queue with its count',
    (await page.textContent('a.menu-review')).replace(/\s+/g, ' ').trim() === 'Review 1',
    await page.textContent('a.menu-review'));
  await page.click('a.menu-review');
  await page.waitForURL(/\/admin\/review$/);
  const row = page.locator('tr', { hasText: process.env.TITLE });
  check('the story is in the review queue', (await row.count()) === 1);
  check('with its author', (await row.textContent()).includes('Ava Author'));
  if (process.env.SHOTS)
    await page.screenshot({ path: process.env.SHOTS + '/newsroom-review.png', fullPage: true });
  /* A few seconds ahead, in the site's zone, as the form reads it. */
  const at = new Date(Date.now() + 8000).toLocaleString('sv-SE', { timeZone: process.env.ZONE })
    .replace(' ', 'T');
  /* The field steps by minutes; the server reads seconds too. */
  await row.locator('input[name=at]').evaluate(e => { e.step = 'any'; });
  await row.locator('input[name=at]').fill(at);
  await Promise.all([page.waitForNavigation(),
    row.locator('button[name=action][value=schedule]').click()]);
  check('the editor approves and schedules it', page.url().includes('done=schedule'), page.url());
  const pub = base + '/article/' + process.env.SLUG;
  let early = (await page.request.get(pub)).status();
  check('it is not on the site before its time', early === 404, early);
  const t0 = Date.now();
  let live = 0;
  while (Date.now() - t0 < 30000) {
    if ((await page.request.get(pub)).status() === 200) { live = Date.now(); break; }
    await page.waitForTimeout(250);
  }
  check('the story goes live on time', live !== 0, Date.now() - t0);
  const ld = async () => JSON.parse(await page.locator('script[type="application/ld+json"]')
    .first().textContent());
  await page.goto(pub);
  const date1 = await page.getAttribute('.byline time, time', 'datetime');
  const ld1 = await ld();

  await page.waitForTimeout(1100);
  const story = base + '/admin/articles/' + process.env.ID;
  await page.goto(story);
  await page.fill('textarea[name=dek]', 'Updated in the afternoon.');
  await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=update]')]);
  check('the editor updates the live story', page.url().includes('done=update'), page.url());
  await page.goto(pub);
  check('the page shows the update', (await page.content()).includes('Updated in the afternoon.'));
  const ld2 = await ld();
  check('its date on the page is unchanged',
    (await page.getAttribute('.byline time, time', 'datetime')) === date1, date1);
  check('JSON-LD datePublished is unchanged', ld2.datePublished === ld1.datePublished,
    ld1.datePublished + ' / ' + ld2.datePublished);
  check('JSON-LD dateModified is set, after the publication',
    !!ld2.dateModified && ld2.dateModified > ld2.datePublished, ld2.dateModified);

  await page.goto(story + '/revisions');
  const revs = await page.locator("a[href*='/revisions/']").evaluateAll(
    as => as.map(a => a.getAttribute('href')));
  await page.goto(base + revs[revs.length - 1]);
  answer = false;
  const at1 = page.url();
  await page.click('button[data-confirm]');
  await page.waitForTimeout(300);
  answer = true;
  check('restoring onto the live story asks with confirm()',
    dialogs.some(x => x.startsWith('confirm: This story is live')), dialogs);
  check('saying no stays on the revision', page.url() === at1, page.url());
  await Promise.all([page.waitForNavigation(), page.click('button[data-confirm]')]);
  check('saying yes restores it', page.url().endsWith('/revisions'), page.url());
  await page.goto(pub);
  check('the live page has the restored version',
    !(await page.content()).includes('Updated in the afternoon.'));
  check('with its date still the same', (await ld()).datePublished === ld1.datePublished);

  await page.goto(base + '/admin/newsletters/' + process.env.NEWSLETTER);
  await Promise.all([page.waitForNavigation(), page.click("button.primary:has-text('New issue')")]);
  answer = false;
  const issue = page.url();
  await page.click('button[value=send]');
  await page.waitForTimeout(300);
  answer = true;
  check('Send now asks with confirm()',
    dialogs.some(x => x.startsWith('confirm: Send this issue')), dialogs);
  check('saying no stays on the issue', page.url() === issue, page.url());
  await Promise.all([page.waitForNavigation(), page.click('button[value=send]')]);
  check('saying yes sends the newsletter', page.url().includes('done=sending'), page.url());
"""


def mails(addr, subject, timeout=15):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = [m for m in SINK.to(addr) if subject in str(m["Subject"])]
        if got:
            return got
        time.sleep(0.05)
    return []


def main():
    browser()
    db = demo_db(tempfile.mkdtemp(prefix="masthead-browser-day-"))
    for who, role in (("ad", "admin"), ("ed", "editor")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        who.title(), who + "@example.com"], input=PW, text=True, check=True,
                       capture_output=True)
    section = sql(db, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
    newsletter = sql(db, "SELECT slug FROM newsletters ORDER BY id LIMIT 1")[0][0]
    zone = sql(db, "SELECT value FROM settings WHERE key = 'timezone'")
    zone = zone[0][0] if zone else "UTC"
    shots = os.environ.get("MASTHEAD_SCREENSHOTS", "")
    srv = Server(db=db, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port)])
    title = "A Day in the Newsroom"
    env = {"SECTION": section, "NEWSLETTER": newsletter, "ZONE": zone, "TITLE": title,
           "SHOTS": shots}

    browser_steps(ADMIN_INVITES, srv, PW, env)
    got = mails("ava@example.com", "invited")
    ok(got, "the invitation reaches the author")
    m = re.search(r"/invite/[A-Za-z0-9_-]{43}", body_of(got[0])) if got else None
    env["INVITE"] = m.group(0) if m else "/invite/none"

    browser_steps(AUTHOR_WRITES, srv, PW, env)
    row = sql(db, "SELECT id, slug, status, review_state FROM articles WHERE title = ?", (title,))
    eq([r[2:] for r in row], [("draft", "ready")], "the story is a draft waiting for review")
    eq(sql(db, "SELECT count(*) FROM article_revisions WHERE autosave = 1")[0][0], 1,
       "its autosave was kept apart, in one row")
    for who in ("ad", "ed"):
        ok(mails(who + "@example.com", "Ready for review: " + title),
           "%s is mailed that it waits for review" % who)
    if not row:
        run_tests([], lambda: (srv.stop(), SINK.close())[0])
        return
    env.update(ID=str(row[0][0]), SLUG=row[0][1])

    browser_steps(EDITOR_DAY, srv, PW, env, timeout=240)
    st = sql(db, "SELECT status, review_state, dek FROM articles WHERE id = ?", (row[0][0],))
    eq(st, [("published", "none", "")], "the story is live, out of the queue, its first dek back")
    ok(sql(db, "SELECT count(*) FROM newsletter_issues WHERE status != 'draft'")[0][0] == 1,
       "the issue sent is no longer a draft")
    run_tests([], lambda: (srv.stop(), SINK.close())[0])


main()
