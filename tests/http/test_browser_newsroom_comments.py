"""Comments in the newsroom in a real browser (Chromium through
playwright-core): a first-time commenter's link waits in the pending
queue; the editor, in the newsroom's layout, follows "Ban or suspend the
author" from that comment and suspends the reader for two days with a
reason; the reader's composer then says so with the end date and has no
box to type in.

playwright-core is pinned in tests/node and the browser is the system's
/usr/bin/chromium, both installed by make test-deps; when either is
missing, the suite fails saying so."""
import subprocess
import tempfile

from harness import BIN, Server, run_tests, demo_db, sql, browser, browser_steps

PW = "a long enough passphrase"

STEPS = r"""
  const slug = process.env.SLUG;
  const reader = await (await browser.newContext()).newPage();
  reader.setDefaultTimeout(15000);
  await signIn(reader, 'nina', '/article/' + slug + '/comment');
  await reader.fill('textarea[name=body]', 'Great story, more at [my blog](https://example.com/nina).');
  await Promise.all([reader.waitForNavigation(), reader.click('form.comment-form button[type=submit]')]);
  check('a first-time commenter with a link is told it waits',
    (await reader.textContent('.form-notice')).includes('moderator'));

  const mod = await (await browser.newContext()).newPage();
  mod.setDefaultTimeout(15000);
  await signIn(mod, 'ed', '/admin/comments');
  check('the queue is in the newsroom layout', (await mod.locator('header.admin-bar').count()) === 1);
  const row = mod.locator('tr', { hasText: 'Great story, more at' });
  check('the comment waits in the pending queue', (await row.count()) === 1);
  check('with its reason', (await row.textContent()).includes('a link from a first-time commenter'));
  await Promise.all([mod.waitForNavigation(), row.locator('a:text("Ban or suspend the author")').click()]);
  check('the ban form names the author', (await mod.textContent('form:has(input[name=comment])')).includes('Nina'));
  await mod.fill('input[name=days]', '2');
  await mod.fill('input[name=reason]', 'advertising');
  await Promise.all([mod.waitForNavigation(),
    mod.click('form:has(input[name=comment]) button[type=submit]')]);
  check('the suspension is saved', (await mod.textContent('.form-notice')).includes('Saved'));
  const bans = await mod.textContent('ul.bans');
  check('and listed with its reason and its end in the site zone', bans.includes('advertising') &&
    /until \d{4}-\d\d-\d\d \d\d:\d\d \S+/.test(bans), bans);

  await reader.goto(base + '/article/' + slug + '/comment');
  const told = await reader.textContent('.comment-form-page .form-error');
  check('the reader is told before typing', told.includes('suspended from commenting until'), told);
  check('there is no box to type in', (await reader.locator('textarea[name=body]').count()) === 0);
"""


def main():
    browser()
    db = demo_db(tempfile.mkdtemp(prefix="masthead-browser-newsroom-comments-"))
    for name, role in (("nina", "member"), ("ed", "editor")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        name.title(), name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    slug = sql(db, "SELECT slug FROM articles WHERE status = 'published' AND type = 'news'"
               " ORDER BY published_at DESC LIMIT 1")[0][0]
    srv = Server(db=db)
    browser_steps(STEPS, srv, PW, {"SLUG": slug})
    run_tests([], srv.stop)


main()
