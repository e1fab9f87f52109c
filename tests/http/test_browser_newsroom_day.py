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
import shutil
import subprocess
import tempfile
import time

from harness import (BIN, Server, ok, eq, contains, run_tests, demo_db, sql, browser,
                     browser_steps, on_pg, pg_demo, vips_image)
from smtpsink import SmtpSink, body_of

PW = "a long enough passphrase"
SINK = SmtpSink()

COMMON = r"""
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
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
  /* The media library's step, while the story is being written: a new
   * photograph uploaded through the library's dialog goes into the body
   * at the cursor, and the hero is one of the library's images, found by
   * a search.  The editor is photographed with the hero picked and the
   * state line saying it is saved. */
  async function insertImageFromLibrary(page) {
    await page.evaluate(() => { const b = document.getElementById('f-body');
      b.focus(); b.selectionStart = b.selectionEnd = b.value.length; });
    await page.click('button[data-media-picker=body]');
    await page.waitForSelector('dialog.media-dialog[open]');
    await page.fill('dialog.media-dialog input[name=alt]', process.env.INLINE_ALT);
    await page.setInputFiles('dialog.media-dialog input[type=file]', process.env.UPLOAD);
    await page.waitForFunction(() => !document.querySelector('dialog.media-dialog').open);
    const body = await page.inputValue('#f-body');
    const md = body.match(/\n\n!\[([^\]]*)\]\(\/media\/([0-9a-f]{64})\.jpg\)$/);
    check('a photograph uploaded in the library dialog goes in at the cursor',
      md && md[1] === process.env.INLINE_ALT &&
      body.startsWith('The first paragraph of the day.\n\n!['), body);
    await page.waitForFunction(() =>
      /^Saved at \d\d:\d\d$/.test(document.getElementById('save-state').textContent));

    await page.click('button[data-media-picker=hero]');
    await page.waitForSelector('dialog.media-dialog[open] .media-pick');
    check('the library lists the upload first',
      ((await page.getAttribute('dialog.media-dialog .media-pick img', 'src')) || '')
        .includes(md ? md[2] : 'none'));
    await page.fill('dialog.media-dialog input[name=q]', process.env.HERO_Q);
    await page.press('dialog.media-dialog input[name=q]', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('dialog .media-pick').length === 1);
    await page.click('dialog.media-dialog .media-pick');
    check('the hero is picked from the library',
      (await page.inputValue('input[name=hero_image]')) === process.env.HERO,
      await page.inputValue('input[name=hero_image]'));
    check('with a preview beside its field',
      ((await page.getAttribute('img.hero-thumb', 'src')) || '').includes(process.env.HERO));
    check('and on the share card\'s preview',
      ((await page.getAttribute('#seo-preview img.card-img', 'src')) || '').includes(process.env.HERO));
    await page.waitForFunction(() =>
      /^Saved at \d\d:\d\d$/.test(document.getElementById('save-state').textContent));
    const state = await page.textContent('#save-state');
    check('the hero is autosaved too: "Saved at HH:MM"', /^Saved at \d\d:\d\d$/.test(state), state);
    if (process.env.SHOTS) {
      await page.waitForFunction(() => Array.from(document.querySelectorAll('img'))
        .every(i => i.complete));
      /* From the top (the state line) down to the hero's preview. */
      await page.evaluate(() => window.scrollTo(0, 0));
      const box = await page.locator('img.hero-thumb').boundingBox();
      await page.setViewportSize({ width: 1280,
        height: Math.min(1400, Math.max(800, Math.ceil(box.y + box.height) + 24)) });
      await page.screenshot({ path: process.env.SHOTS + '/newsroom-editor.png' });
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    return md ? md[2] : '';
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
  const head = async () => (await page.textContent('.admin-head h1')) + ' / ' +
    (await page.textContent('.admin-head .state'));
  const before = await head();
  check('and the heading says it is a draft now', before === 'Edit story / draft', before);
  const story = page.url();
  const inline = await insertImageFromLibrary(page);
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
  const fresh = await (await page.request.get(story)).text();
  check('as the page itself says',
    /<h1>Edit story<\/h1>\s*<span class="state state-draft">draft<\/span>/.test(fresh));
  await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=submit]')]);
  check('Submit for review saves and says so',
    (await page.textContent('p.form-done')).startsWith('Submitted for review'),
    await page.textContent('p.form-done'));
  check('the editor shows it waits', (await page.locator('.review-ready').count()) === 1);
  check('no dialog asked along the way', dialogs.length === 0, dialogs);
  check('no script error on the way', errors.length === 0, errors);
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
  const heroImg = await page.getAttribute('figure.hero > picture > img', 'src');
  check('the published story leads with the hero from the library, in a <picture>',
    (heroImg || '').includes(process.env.HERO), heroImg);
  check('its WebP widths offered', (await page.locator(
    'figure.hero > picture > source[type="image/webp"]').count()) === 1);
  const inl = page.locator('.body picture > img[src*="' + process.env.INLINE + '"]');
  check('the inline image is in the body, in a <picture> of its own', (await inl.count()) === 1);
  check('with the alt text given in the dialog',
    (await inl.getAttribute('alt')) === process.env.INLINE_ALT);
  check('after the first paragraph, not inside it', await page.evaluate(h => {
    const p = document.querySelector('.body p');
    const i = document.querySelector('.body img[src*="' + h + '"]');
    return !!(p && i) && p.textContent.startsWith('The first paragraph') && !p.contains(i) &&
      !!(p.compareDocumentPosition(i) & Node.DOCUMENT_POSITION_FOLLOWING);
  }, process.env.INLINE));
  /* The inline image is lazy: the load event need not wait for it. */
  check('both images load', await page.waitForFunction(() => Array.from(
    document.querySelectorAll('figure.hero img, .body img')).every(i => i.complete && i.naturalWidth > 0),
    null, { timeout: 15000 }).then(() => true, () => false));
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
    d = tempfile.mkdtemp(prefix="masthead-browser-day-")
    db = demo_db(d)
    # The library holds the demo's images (on PostgreSQL a copy of the
    # directory its suites share, as this day adds one).
    media = os.path.join(d, "media")
    if on_pg():
        shutil.copytree(pg_demo()[1], media)
    for who, role in (("ad", "admin"), ("ed", "editor")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        who.title(), who + "@example.com"], input=PW, text=True, check=True,
                       capture_output=True)
    section = sql(db, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
    newsletter = sql(db, "SELECT slug FROM newsletters ORDER BY id LIMIT 1")[0][0]
    zone = sql(db, "SELECT value FROM settings WHERE key = 'timezone'")
    zone = zone[0][0] if zone else "UTC"
    shots = os.environ.get("MASTHEAD_SCREENSHOTS", "")
    srv = Server(db=db, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                              "--media_dir", media])
    title = "A Day in the Newsroom"
    hero = sql(db, "SELECT hash FROM images WHERE alt LIKE 'Concentric signal rings%'")[0][0]
    env = {"SECTION": section, "NEWSLETTER": newsletter, "ZONE": zone, "TITLE": title,
           "SHOTS": shots, "HERO": hero, "HERO_Q": "concentric signal",
           "INLINE_ALT": "The newsroom's morning meeting",
           "UPLOAD": vips_image(os.path.join(d, "meeting.jpg"), 1500, 1000, 40)}

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
    inline = sql(db, "SELECT hash, filename, width FROM images WHERE alt = ?",
                 (env["INLINE_ALT"],))
    eq([r[1:] for r in inline], [("meeting.jpg", 1500)],
       "the upload is in the library with its file name and full width")
    eq(sql(db, "SELECT i.hash FROM articles a JOIN images i ON i.id = a.hero_image_id"
           " WHERE a.id = ?", (row[0][0],)), [(hero,)], "the draft's hero is the one picked")
    env.update(ID=str(row[0][0]), SLUG=row[0][1], INLINE=inline[0][0] if inline else "none")

    browser_steps(EDITOR_DAY, srv, PW, env, timeout=240)
    st = sql(db, "SELECT status, review_state, dek FROM articles WHERE id = ?", (row[0][0],))
    eq(st, [("published", "none", "")], "the story is live, out of the queue, its first dek back")
    ok(sql(db, "SELECT count(*) FROM newsletter_issues WHERE status != 'draft'")[0][0] == 1,
       "the issue sent is no longer a draft")
    run_tests([], lambda: (srv.stop(), SINK.close())[0])


main()
