"""The editor's aids and confirmations in a real browser (Chromium
through playwright-core): the word count, reading time and address
follow the typing, a change not yet saved says so and asks before the
page is left, a save says what it did, an editor back-dates a live
story, and Send now and a restore onto a live story ask with confirm()
before they act (no: nothing happens; yes: it is done).

playwright-core is pinned in tests/node and the browser is the system's
/usr/bin/chromium, both installed by make test-deps; when either is
missing, the suite fails saying so."""
import subprocess
import tempfile
from datetime import datetime
from zoneinfo import ZoneInfo

from harness import BIN, Server, ok, eq, run_tests, demo_db, sql, browser, browser_steps

PW = "a long enough passphrase"

STEPS = r"""
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(15000);
  const dialogs = [];
  let answer = true;
  page.on('dialog', async d => {
    dialogs.push(d.type() + ': ' + d.message());
    if (answer) await d.accept(); else await d.dismiss();
  });
  /* Clicks a button that asks, answers no: true when the page stayed. */
  async function sayNo(selector) {
    const at = page.url();
    answer = false;
    await page.click(selector);
    await page.waitForTimeout(300);
    answer = true;
    return page.url() === at;
  }
  await signIn(page, 'ed', '/admin/articles/new');
  check('a new story is not said to be saved', (await page.textContent('#save-state')) === '');
  await page.fill('#f-title', 'Counted Words');
  await page.selectOption('select[name=section]', process.env.SECTION);
  await page.fill('#f-body', 'one two three\n\nfour five');
  check('the word count follows the body as it is typed',
    (await page.textContent('#f-words')) === '5');
  check('and the reading time', (await page.textContent('#f-minutes')) === '1');
  const url = await page.textContent('#f-url');
  check('the full address follows the title', /^https?:\/\/[^/]+\/article\/counted-words$/.test(url), url);
  const site = await page.getAttribute('#seo-preview', 'data-site');
  const seen = async () => ({ title: await page.textContent('#serp-title'),
    url: await page.textContent('#serp-url'), desc: await page.textContent('#serp-desc'),
    card: await page.textContent('#card-title'), cardDesc: await page.textContent('#card-desc') });
  let p = await seen();
  check('the search result preview follows the title: title, then the site\'s name',
    p.title === 'Counted Words | ' + site && p.url === url, JSON.stringify(p));
  check('and the share card', p.card === 'Counted Words', p.card);
  await page.fill('textarea[name=dek]', 'Five words in two paragraphs.');
  p = await seen();
  check('the dek describes it in both', p.desc === 'Five words in two paragraphs.' &&
    p.cardDesc === p.desc, JSON.stringify(p));
  await page.fill('input[name=seo_title]', 'Words, Counted');
  await page.fill('textarea[name=seo_description]', 'How many words, and how long.');
  p = await seen();
  check('the SEO title and description take their place as they are typed',
    p.title === 'Words, Counted' && p.card === 'Words, Counted' &&
    p.desc === 'How many words, and how long.' && p.cardDesc === p.desc, JSON.stringify(p));
  await page.fill('input[name=seo_title]', '');
  await page.fill('textarea[name=seo_description]', '');
  await page.fill('textarea[name=dek]', '');
  p = await seen();
  check('emptied, the title is back', p.title === 'Counted Words | ' + site, p.title);
  check('a change not saved says so', (await page.textContent('#save-state')) === 'Unsaved changes');

  answer = false;
  try { await page.goto(base + '/admin', { timeout: 3000 }); } catch (e) { }
  check('leaving with it asks first', dialogs.length === 1 && dialogs[0].startsWith('beforeunload'),
    dialogs);
  check('staying keeps the page', page.url().endsWith('/admin/articles/new'), page.url());
  check('and the text typed', (await page.inputValue('#f-body')) === 'one two three\n\nfour five');
  answer = true;

  await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=publish]')]);
  check('publishing saves', page.url().includes('done=publish'), page.url());
  check('and says what it did',
    (await page.textContent('p.form-done')) === 'Published: the story is live.');
  check('the editor says saved', (await page.textContent('#save-state')) === 'Saved');
  check('a submit does not ask about leaving', dialogs.length === 1, dialogs);

  await page.fill('#f-title', 'Counted Words, Corrected');
  await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=update]')]);
  const story = page.url().split('?')[0];
  await page.goto(story + '/revisions');
  const revs = await page.locator("a[href*='/revisions/']").evaluateAll(
    as => as.map(a => a.getAttribute('href')));
  await page.goto(base + revs[revs.length - 1]);
  const stayed = await sayNo('button[data-confirm]');
  check('restoring onto a live story asks with confirm()',
    dialogs.some(x => x.startsWith('confirm: This story is live')), dialogs);
  check('saying no stays on the revision', stayed, page.url());
  await Promise.all([page.waitForNavigation(), page.click('button[data-confirm]')]);
  check('saying yes restores', page.url().endsWith('/revisions'), page.url());

  await page.goto(story);
  await page.fill('input[name=published_at]', '2025-03-01T09:30');
  await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=update]')]);
  check('an editor back-dates the live story', page.url().includes('done=update'), page.url());
  check('the editor shows the new date',
    (await page.inputValue('input[name=published_at]')) === '2025-03-01T09:30');

  await page.goto(base + '/admin/newsletters/' + process.env.NEWSLETTER);
  await Promise.all([page.waitForNavigation(), page.click("button.primary:has-text('New issue')")]);
  const kept = await sayNo('button[value=send]');
  check('Send now asks with confirm()',
    dialogs.some(x => x.startsWith('confirm: Send this issue')), dialogs);
  check('saying no stays on the issue', kept, page.url());
  check('with the box still unticked', !(await page.isChecked('#f-confirm-send')));
  await Promise.all([page.waitForNavigation(), page.click('button[value=send]')]);
  check('saying yes sends', page.url().includes('done=sending'), page.url());
"""


def main():
    browser()
    db = demo_db(tempfile.mkdtemp(prefix="masthead-browser-newsroom-editor-"))
    author = sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
    subprocess.run([BIN, "user", "add", "--db", db, "--role", "editor", "--author", author,
                    "--name", "Ed", "ed@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
    section = sql(db, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
    newsletter = sql(db, "SELECT slug FROM newsletters ORDER BY id LIMIT 1")[0][0]
    zone = sql(db, "SELECT value FROM settings WHERE key = 'timezone'")
    srv = Server(db=db)
    browser_steps(STEPS, srv, PW, {"SECTION": section, "NEWSLETTER": newsletter})
    want = int(datetime(2025, 3, 1, 9, 30,
                        tzinfo=ZoneInfo(zone[0][0] if zone else "UTC")).timestamp())
    eq(sql(db, "SELECT title, status, published_at FROM articles WHERE slug = 'counted-words'"),
       [("Counted Words", "published", want)],
       "the live story has its first title back and the date given, in the site's zone")
    ok(sql(db, "SELECT count(*) FROM newsletter_issues WHERE status != 'draft'")[0][0] == 1,
       "the issue sent is no longer a draft")
    run_tests([], srv.stop)


main()
