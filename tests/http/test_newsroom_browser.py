"""The newsroom in a real browser (headless Chromium driven by
playwright-core): an author signs in, writes a story with the live
Markdown preview, publishes it, corrects it with Update (its publication
date kept) and finds it on the site; a contributor's editor has no
publish button.

playwright-core (pinned in tests/node) and Chromium come from make
test-deps; without them the suite fails saying what is missing.
MASTHEAD_SCREENSHOTS=DIR keeps the screenshot of the dashboard there (the
editor's is test_browser_newsroom_day.py's, with a hero picked).
"""
import json
import os
import subprocess
import tempfile
import time

from harness import BIN, Server, ok, eq, contains, run_tests, demo_db, sql, browser

PW = "a passphrase long enough"
MODULES, CHROMIUM = browser()
MOD = os.path.join(MODULES, "playwright-core")

d = tempfile.mkdtemp(prefix="masthead-browser-")
DB = demo_db(d)
AUTHOR, OTHER = [r[0] for r in sql(DB, "SELECT slug FROM authors ORDER BY id LIMIT 2")]
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
for email, role, author in (("author@example.com", "author", AUTHOR),
                            ("contributor@example.com", "contributor", OTHER)):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--author", author,
                    "--name", role.title(), email], input=PW, text=True, check=True,
                   capture_output=True)
# The author publishes alone here; test_review.py checks the default.
sql(DB, "INSERT INTO settings (key, value) VALUES ('authors_publish', '1')")
srv = Server(db=DB, args=["--media_dir", os.path.join(d, "media")])
SHOTS = os.environ.get("MASTHEAD_SCREENSHOTS") or d

SCRIPT = r"""
const { chromium } = require(process.env.PW_MODULE);
const base = process.env.BASE, out = {};
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    async function signIn(p, email) {
      await p.goto(base + "/admin");
      out.signin_url = p.url();
      await p.fill("input[name=email]", email);
      await p.fill("input[name=password]", process.env.PASSWORD);
      await Promise.all([p.waitForNavigation(), p.click("form.form button[type=submit]")]);
    }
    await signIn(page, "author@example.com");
    out.after_signin = page.url();
    out.dashboard_h1 = await page.textContent("h1");
    await page.screenshot({ path: process.env.SHOTS + "/newsroom-dashboard.png" });
    await Promise.all([page.waitForNavigation(), page.click("a.btn")]);
    await page.fill("#f-title", "Written in a Browser");
    out.auto_slug = await page.inputValue("#f-slug");
    await page.selectOption("select[name=section]", process.env.SECTION);
    await page.fill("input[name=tags]", "Browsers, Testing");
    await page.fill("#f-body", "The first paragraph, with **strong** words.\n\n" +
      "## A subhead\n\nThe second paragraph.");
    await page.waitForSelector("#md-preview strong", { timeout: 5000 });
    out.preview = await page.innerHTML("#md-preview");
    await Promise.all([page.waitForNavigation(),
      page.click("button[name=then][value=publish]")]);
    out.after_publish = page.url();
    out.state = await page.textContent(".admin-head .state");
    out.live_buttons = await page.locator("fieldset.actions button").allTextContents();
    out.live_when = await page.textContent(".admin-head .when");
    await page.fill("#f-title", "Written in a Browser, Corrected");
    await Promise.all([page.waitForNavigation(), page.click("button[name=then][value=update]")]);
    out.after_update = page.url();
    out.update_state = await page.textContent(".admin-head .state");
    out.update_when = await page.textContent(".admin-head .when");
    await page.goto(base + "/article/" + out.auto_slug);
    out.article_h1 = await page.textContent("h1.headline");
    out.article_date = await page.getAttribute(".byline time", "datetime");
    out.article_body = await page.innerHTML(".body");
    await page.goto(base + "/");
    out.home_has_it = (await page.content()).includes("Written in a Browser");
    const c = await browser.newPage();
    await signIn(c, "contributor@example.com");
    await c.goto(base + "/admin/articles/new");
    out.contributor_publish_buttons = await c.locator("button[name=then][value=publish]").count();
    out.contributor_save_buttons = await c.locator("button[name=then][value=save]").count();
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stdout.write(JSON.stringify(Object.assign(out, { error: String(e) }))); });
"""


def test_write_and_publish():
    script = os.path.join(d, "newsroom.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, PW_MODULE=MOD, BASE="http://127.0.0.1:%d" % srv.port,
               CHROMIUM=CHROMIUM, PASSWORD=PW, SECTION=SECTION, SHOTS=SHOTS)
    r = subprocess.run(["node", script], capture_output=True, text=True, env=env, timeout=120)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        ok(False, "the browser script ran", r.stdout[-2000:] + r.stderr[-2000:])
        return
    ok("error" not in out, "the browser script ran to the end", out.get("error", ""))
    contains(out.get("signin_url", ""), "/signin?next=%2Fadmin", "signed out, /admin asks to sign in")
    eq(out.get("after_signin", "").split("/", 3)[-1], "admin", "and comes back to /admin")
    eq(out.get("dashboard_h1"), "Newsroom", "the dashboard")
    eq(out.get("auto_slug"), "written-in-a-browser", "the slug follows the title as it is typed")
    contains(out.get("preview", ""), "<strong>strong</strong>", "the live preview renders Markdown")
    contains(out.get("after_publish", ""), "done=publish", "Publish now saves and publishes")
    eq((out.get("state") or "").strip(), "published", "the editor says published")
    eq([b.strip() for b in out.get("live_buttons", [])], ["Update", "Unpublish"],
       "the live story's editor offers Update and Unpublish, not Save draft")
    contains(out.get("after_update", ""), "done=update", "Update saves the change")
    eq((out.get("update_state") or "").strip(), "published", "the story stays published")
    eq(out.get("update_when"), out.get("live_when"), "at the same publication time")
    eq(out.get("article_h1"), "Written in a Browser, Corrected",
       "the story is on the site with the change")
    row = sql(DB, "SELECT published_at FROM articles WHERE slug = 'written-in-a-browser'")
    ok(row and out.get("article_date", "").startswith(
        time.strftime("%Y-%m-%dT%H:%M", time.gmtime(row[0][0]))),
       "its page dated when it was first published", out.get("article_date"))
    contains(out.get("article_body", ""), "<strong>strong</strong>", "with its body")
    ok(out.get("home_has_it"), "and on the home page")
    eq(out.get("contributor_publish_buttons"), 0, "a contributor's editor has no publish button")
    eq(out.get("contributor_save_buttons"), 1, "only Save draft")
    p = os.path.join(SHOTS, "newsroom-dashboard.png")
    ok(os.path.exists(p) and os.path.getsize(p) > 10000, "a screenshot: newsroom-dashboard.png")


run_tests([test_write_and_publish], srv.stop)
