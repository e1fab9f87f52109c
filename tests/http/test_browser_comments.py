"""Comments in a real browser (Chromium through playwright-core): a
member signs in, posts, replies and switches views; a moderator approves
a held comment with one click; a visitor then sees it.

playwright-core is pinned in tests/node and the browser is the system's
/usr/bin/chromium, both installed by make test-deps; when either is
missing, the suite fails saying so."""
import json
import os
import subprocess
import tempfile

from harness import BIN, Server, ok, run_tests, demo_db, sql, browser

PW = "a long enough passphrase"


SCRIPT = r"""
const { chromium } = require('playwright-core');
const base = process.env.BASE, slug = process.env.SLUG, pw = process.env.PW;
const results = [];
function check(name, cond, detail) {
  results.push({ name, ok: !!cond, detail: detail === undefined ? '' : String(detail) });
}
async function signIn(page, who, next) {
  await page.goto(base + '/signin?next=' + encodeURIComponent(next));
  await page.fill('input[name=email]', who + '@example.com');
  await page.fill('input[name=password]', pw);
  await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
}
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const alice = await browser.newContext({ javaScriptEnabled: false });
    const page = await alice.newPage();
    page.setDefaultTimeout(15000);
    await signIn(page, 'alice', '/article/' + slug);
    check('signing in leads back to the story', page.url().endsWith('/article/' + slug), page.url());
    check('the account bar names the reader', (await page.textContent('.account')).includes('Alice'));

    await Promise.all([page.waitForNavigation(), page.click('.comment-add a')]);
    await page.fill('textarea[name=body]', 'Posted from a *real* browser.');
    await Promise.all([page.waitForNavigation(), page.click('form.comment-form button[type=submit]')]);
    check('posting leads to the permalink', /\/comments\/\d+$/.test(page.url()), page.url());
    check('which shows the rendered comment', (await page.innerHTML('.comment-focus')).includes('<em>real</em>'));
    const first = page.url().match(/\/comments\/(\d+)$/)[1];

    await page.goto(base + '/article/' + slug);
    check('the story counts it', (await page.textContent('.comment-count')).includes('Comment (1)'));
    await Promise.all([page.waitForNavigation(), page.click('#c' + first + ' .comment-actions a:text("Reply")')]);
    await page.fill('textarea[name=body]', 'And a reply to it.');
    await Promise.all([page.waitForNavigation(), page.click('form.comment-form button[type=submit]')]);
    check('the reply is posted', (await page.textContent('.comment-focus')).includes('And a reply to it.'));

    await page.goto(base + '/article/' + slug);
    await Promise.all([page.waitForNavigation(), page.click('.comment-views a:text("Threaded View")')]);
    check('the view is a link', page.url().includes('view=threaded'), page.url());
    check('threaded: the reply is nested under its parent',
      (await page.textContent('.comment.depth-1')).includes('And a reply to it.'));
    await page.goto(base + '/article/' + slug);
    check('the chosen view is remembered', (await page.textContent('.comment-views [aria-current=page]')) === 'Threaded View');
    await Promise.all([page.waitForNavigation(), page.click('.comment-views a:text("Newest First")')]);
    const order = await page.$$eval('.comment-list .comment', els => els.map(e => e.id));
    check('newest first puts the reply on top', order[0] !== 'c' + first && order[1] === 'c' + first, order);
    const replyLine = await page.textContent('.comment-list .comment:first-child .comment-meta');
    check('and says whom it answers', replyLine.includes('in reply to Alice'), replyLine);

    // The site now holds every comment for review (set by the test).
    await page.goto(base + '/article/' + slug + '/comment');
    process.stdout.write(JSON.stringify({ phase: 'hold' }) + '\n');
    await new Promise(r => process.stdin.once('data', r));
    process.stdin.pause();
    await page.fill('textarea[name=body]', 'Please let this one through.');
    await Promise.all([page.waitForNavigation(), page.click('form.comment-form button[type=submit]')]);
    check('a held comment is announced', (await page.textContent('.form-notice')).includes('moderator'));

    const ed = await browser.newContext({ javaScriptEnabled: false });
    const mod = await ed.newPage();
    mod.setDefaultTimeout(15000);
    await signIn(mod, 'ed', '/admin/comments');
    check('the moderator lands on the pending queue', mod.url().endsWith('/admin/comments'), mod.url());
    const row = mod.locator('tr', { hasText: 'Please let this one through.' });
    check('the held comment is in it', (await row.count()) === 1);
    await Promise.all([mod.waitForNavigation(), row.locator('button:text("Approve")').click()]);
    check('one click approves it', (await mod.textContent('.form-notice')).includes('Done'));

    const anon = await (await browser.newContext()).newPage();
    await anon.goto(base + '/article/' + slug);
    check('a visitor now sees it', (await anon.textContent('#comments')).includes('Please let this one through.'));
    check('and the count is 3', (await anon.textContent('.comment-count')).includes('Comment (3)'));
  } catch (e) {
    check('the browser session ran to the end', false, e.stack || e);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ results }) + '\n', () => process.exit(0));
})();
"""


def main():
    modules, chromium = browser()
    d = tempfile.mkdtemp(prefix="masthead-browser-")
    db = demo_db(d)
    for name, role in (("alice", "member"), ("ed", "editor")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        name.title(), name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
    slug = sql(db, "SELECT slug FROM articles WHERE status = 'published' AND type = 'news'"
               " ORDER BY published_at DESC LIMIT 1")[0][0]
    srv = Server(db=db)
    script = os.path.join(d, "comments.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, NODE_PATH=modules, BASE="http://127.0.0.1:%d" % srv.port,
               SLUG=slug, PW=PW, CHROMIUM=chromium)
    p = subprocess.Popen(["node", script], env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = None
    try:
        for line in p.stdout:
            msg = json.loads(line)
            if msg.get("phase") == "hold":
                sql(db, "INSERT INTO settings (key, value) VALUES ('comments_premoderation', 'all')"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                p.stdin.write("go\n")
                p.stdin.close()
            elif "results" in msg:
                results = msg["results"]
        p.wait(120)
    finally:
        if p.poll() is None:
            p.kill()
    if results is None:
        ok(False, "the browser script reported", p.stderr.read())
    else:
        for r in results:
            ok(r["ok"], r["name"], r["detail"])
    run_tests([], srv.stop)


main()
