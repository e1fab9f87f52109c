"""The awards in a real browser (headless Chromium driven by
playwright-core): a reader finds the Leading Lights Awards from the
footer, opens this year's categories, enters with a PDF attached and is
thanked, and opens her entry from the confirmation letter; a judge
signs in, scores that entry and sees her score kept;
the editor sees the average on the entries page and publishes the
shortlist, which readers then reach from the year's page.

MASTHEAD_SCREENSHOTS=DIR keeps a JPEG of each page kind there (the
ones docs/awards.md shows were made so)."""
import os
import re
import subprocess
import tempfile

from harness import (BIN, Server, ok, eq, run_tests, demo_db, sql,
                     browser_steps)
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"
d = tempfile.mkdtemp(prefix="masthead-awards-browser-")
DB = demo_db(d)
for who, role in (("editor", "editor"), ("judge1", "member")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    "Jo Judge" if who == "judge1" else "Eddie Editor",
                    who + "@example.com"], input=PW, text=True, check=True,
                   capture_output=True)
PROG = sql(DB, "SELECT id FROM award_programmes WHERE year = 2026")[0][0]
CAT = sql(DB, "SELECT min(id) FROM award_categories WHERE programme_id = ?",
          (PROG,))[0][0]
sql(DB, "INSERT INTO award_judges (category_id, user_id) SELECT ?, id FROM users"
    " WHERE email = ?", (CAT, "judge1@example.com"))
SINK = SmtpSink()
SRV = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port)])
SHOTS = os.environ.get("MASTHEAD_SCREENSHOTS") or d

STEPS = r"""
  const shots = process.env.SHOTS, prog = process.env.PROG;
  const shot = async (p, name) => {
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.screenshot({ path: shots + '/' + name + '.jpg', type: 'jpeg', quality: 55 });
  };
  const page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  await page.goto(base + '/');
  await Promise.all([page.waitForNavigation(),
    page.click('footer a:has-text("Leading Lights Awards")')]);
  check('the footer leads to the awards', page.url() === base + '/awards', page.url());
  await shot(page, 'awards');
  await Promise.all([page.waitForNavigation(), page.click('.award-current h2 a')]);
  check("this year's page lists the categories",
    (await page.textContent('.award-categories')).includes('Best Open RAN Deployment'));
  await shot(page, 'award-year');
  await Promise.all([page.waitForNavigation(), page.click('a.button:has-text("Enter")')]);
  check('the Enter button opens the form', page.url().endsWith('/awards/2026/enter'),
    page.url());
  await page.selectOption('select[name=category]', { index: 1 });
  await page.fill('input[name=title]', 'Broadband on the ferry routes');
  await page.fill('input[name=name]', 'Mira Entrant');
  await page.fill('input[name=email]', 'mira@example.org');
  await page.fill('input[name=company]', 'Harbour Link');
  await page.fill('textarea[name=summary]', 'We put LTE relays on eleven ferries.');
  await page.fill('textarea[name=impact]', 'Passengers now work on the crossing.');
  await page.setInputFiles('input[name=file]', { name: 'results.pdf',
    mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.check('input[name=consent]');
  await shot(page, 'award-enter');
  await Promise.all([page.waitForNavigation(), page.click('.award-form button[type=submit]')]);
  check('the entrant is thanked', (await page.textContent('h1')) === 'Thank you for entering',
    await page.textContent('main'));

  const judge = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  await signIn(judge, 'judge1', '/judging');
  check('the judge lands on her judging page', judge.url() === base + '/judging', judge.url());
  const entry = judge.locator('article.judge-entry', { hasText: 'Broadband on the ferry routes' });
  check('the new entry is there to judge', await entry.count() === 1);
  await entry.locator('select[name=score]').selectOption('8');
  await entry.locator('textarea[name=note]').fill('Clear figures.');
  await shot(judge, 'judging');
  await Promise.all([judge.waitForNavigation(), entry.locator('button[type=submit]').click()]);
  check('the score is saved', (await judge.textContent('.form-done')) === 'Your score is saved.');
  const again = judge.locator('article.judge-entry', { hasText: 'Broadband on the ferry routes' });
  check('and shown as hers', await again.locator('select[name=score]').inputValue() === '8');
  const admin = await judge.goto(base + '/admin/awards');
  check('the judge cannot open the newsroom', admin.status() === 403, admin.status());

  const ed = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  await signIn(ed, 'editor', '/admin/awards');
  await shot(ed, 'admin-awards');
  await ed.goto(base + '/admin/awards/' + prog);
  await shot(ed, 'admin-award');
  await ed.goto(base + '/admin/awards/' + prog + '/entries');
  const row = ed.locator('tr', { hasText: 'Broadband on the ferry routes' });
  check('the editor sees the average', (await row.locator('.avg').textContent()) === '8.0');
  await row.locator('select[name=status]').selectOption('shortlisted');
  await Promise.all([ed.waitForNavigation(), row.locator('button:has-text("Mark")').click()]);
  await shot(ed, 'admin-award-entries');
  await ed.goto(base + '/admin/awards/' + prog);
  await ed.check('input[name=shortlist]');
  await Promise.all([ed.waitForNavigation(), ed.click('button:has-text("Save publication")')]);
  await page.goto(base + '/awards/2026');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("The shortlist")')]);
  check('readers reach the shortlist at once',
    (await page.textContent('main')).includes('Harbour Link'));
  await shot(page, 'award-shortlist');
  await page.goto(base + '/awards/2025/winners');
  await shot(page, 'award-winners');
"""

# The entrant's page, from the link of her letter; her entry is on the
# shortlist by then, which the link can no longer withdraw.
ENTRY = r"""
  const page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  const r = await page.goto(base + process.env.LINK);
  check('the link of the letter opens the entry', r.status() === 200, r.status());
  check('it shows the entry', (await page.textContent('main')).includes('Broadband on the ferry routes'));
  check('a shortlisted entry offers no withdrawal',
    await page.locator('button:has-text("Withdraw")').count() === 0);
  await page.screenshot({ path: process.env.SHOTS + '/award-entry.jpg', type: 'jpeg', quality: 55 });
"""


def test_browser():
    browser_steps(STEPS, SRV, PW, env={"SHOTS": SHOTS, "PROG": str(PROG)})
    eq(sql(DB, "SELECT attachment_name, status FROM award_entries WHERE email = ?",
           ("mira@example.org",)), [("results.pdf", "shortlisted")],
       "the entry is stored with its file, and shortlisted")
    eq(sql(DB, "SELECT s.score, s.note FROM award_scores s JOIN users u ON"
           " u.id = s.judge_id WHERE u.email = ?", ("judge1@example.com",)),
       [(8, "Clear figures.")], "the judge's score is stored")
    msgs = SINK.wait_for(1)
    text = body_of(msgs[0]) if msgs else ""
    link = re.search(r"/awards/entries/[A-Za-z0-9_-]+", text)
    if ok(link, "the entrant's letter carries her link", text):
        browser_steps(ENTRY, SRV, PW, env={"SHOTS": SHOTS, "LINK": link.group(0)})


run_tests([test_browser], cleanup=lambda: (SINK.close(), SRV.stop())[1])
