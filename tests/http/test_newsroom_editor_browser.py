"""The editor's aids and confirmations in a real browser (headless
Chromium driven by playwright-core): the word count, reading time and
address follow the typing, a change not yet saved says so and asks
before the page is left, a save says what it did, and Send now and a
restore onto a live story ask with confirm() before they act.

playwright-core (pinned in tests/node) and Chromium come from make
test-deps; without them the suite fails saying what is missing.
"""
import json
import os
import subprocess
import tempfile
from datetime import datetime
from zoneinfo import ZoneInfo

from harness import BIN, Server, ok, eq, contains, run_tests, demo_db, sql, browser

PW = "a passphrase long enough"
MODULES, CHROMIUM = browser()
MOD = os.path.join(MODULES, "playwright-core")

d = tempfile.mkdtemp(prefix="masthead-editor-browser-")
DB = demo_db(d)
AUTHOR = sql(DB, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
NEWSLETTER = sql(DB, "SELECT slug FROM newsletters ORDER BY id LIMIT 1")[0][0]
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "editor", "--author", AUTHOR,
                "--name", "Editor", "editor@example.com"], input=PW, text=True, check=True,
               capture_output=True)
srv = Server(db=DB, args=["--media_dir", os.path.join(d, "media")])

SCRIPT = r"""
const { chromium } = require(process.env.PW_MODULE);
const base = process.env.BASE, out = { dialogs: [] };
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    let answer = true;
    page.on("dialog", async d => {
      out.dialogs.push(d.type() + ": " + d.message());
      if (answer) await d.accept(); else await d.dismiss();
    });
    await page.goto(base + "/signin");
    await page.fill("input[name=email]", "editor@example.com");
    await page.fill("input[name=password]", process.env.PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await page.goto(base + "/admin/articles/new");
    out.new_state = await page.textContent("#save-state");
    await page.fill("#f-title", "Counted Words");
    await page.selectOption("select[name=section]", process.env.SECTION);
    await page.fill("#f-body", "one two three\n\nfour five");
    out.words = await page.textContent("#f-words");
    out.minutes = await page.textContent("#f-minutes");
    out.url = await page.textContent("#f-url");
    out.dirty_state = await page.textContent("#save-state");
    /* Leaving with the change unsaved asks; staying keeps it. */
    answer = false;
    try { await page.goto(base + "/admin", { timeout: 3000 }); } catch (e) { }
    out.stayed = page.url();
    out.kept_body = await page.inputValue("#f-body");
    answer = true;
    await Promise.all([page.waitForNavigation(), page.click("button[name=then][value=publish]")]);
    out.after_publish = page.url();
    out.notice = await page.textContent("p.form-done");
    out.saved_state = await page.textContent("#save-state");
    out.dialogs_before_send = out.dialogs.length;
    /* A correction, then the first revision restored onto the live story. */
    await page.fill("#f-title", "Counted Words, Corrected");
    await Promise.all([page.waitForNavigation(), page.click("button[name=then][value=update]")]);
    const story = page.url().split("?")[0];
    await page.goto(story + "/revisions");
    const revs = await page.locator("a[href*='/revisions/']").evaluateAll(
      as => as.map(a => a.getAttribute("href")));
    await page.goto(base + revs[revs.length - 1]);
    answer = false;
    await page.click("button[data-confirm]");
    await page.waitForTimeout(300);
    out.restore_dismissed_url = page.url();
    answer = true;
    await Promise.all([page.waitForNavigation(), page.click("button[data-confirm]")]);
    out.restore_url = page.url();
    /* Back-dating the live story from its editor. */
    await page.goto(story);
    await page.fill("input[name=published_at]", "2025-03-01T09:30");
    await Promise.all([page.waitForNavigation(), page.click("button[name=then][value=update]")]);
    out.after_redate = page.url();
    out.redate_field = await page.inputValue("input[name=published_at]");
    /* Send now asks; saying no sends nothing, yes sends. */
    await page.goto(base + "/admin/newsletters/" + process.env.NEWSLETTER);
    await Promise.all([page.waitForNavigation(), page.click("button.primary:has-text('New issue')")]);
    out.issue_page = page.url();
    out.issue_url = out.issue_page.split("?")[0];
    answer = false;
    await page.click("button[value=send]");
    await page.waitForTimeout(300);
    out.send_dismissed_url = page.url();
    out.send_box_after_no = await page.isChecked("#f-confirm-send");
    answer = true;
    await Promise.all([page.waitForNavigation(), page.click("button[value=send]")]);
    out.after_send = page.url();
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stdout.write(JSON.stringify(Object.assign(out, { error: String(e) }))); });
"""


def test_editor_aids_and_confirmations():
    script = os.path.join(d, "editor.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, PW_MODULE=MOD, BASE="http://127.0.0.1:%d" % srv.port,
               CHROMIUM=CHROMIUM, PASSWORD=PW, SECTION=SECTION, NEWSLETTER=NEWSLETTER)
    r = subprocess.run(["node", script], capture_output=True, text=True, env=env, timeout=120)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        ok(False, "the browser script ran", r.stdout[-2000:] + r.stderr[-2000:])
        return
    ok("error" not in out, "the browser script ran to the end", out.get("error", ""))
    eq(out.get("new_state"), "", "a new story is not said to be saved")
    eq(out.get("words"), "5", "the word count follows the body as it is typed")
    eq(out.get("minutes"), "1", "and the reading time")
    ok((out.get("url") or "").endswith("/article/counted-words"),
       "the full address follows the title", out.get("url"))
    eq(out.get("dirty_state"), "Unsaved changes", "a change not saved says so")
    dialogs = out.get("dialogs", [])
    ok(dialogs and dialogs[0].startswith("beforeunload"), "leaving with it asks first", dialogs)
    ok(out.get("stayed", "").endswith("/admin/articles/new"), "staying keeps the page",
       out.get("stayed"))
    eq(out.get("kept_body"), "one two three\n\nfour five", "and the text typed")
    contains(out.get("after_publish", ""), "done=publish", "publishing saves")
    eq(out.get("notice"), "Published: the story is live.", "and says what it did")
    eq(out.get("saved_state"), "Saved", "the editor says saved")
    eq(out.get("dialogs_before_send"), 1, "a submit does not ask about leaving")
    ok(any(x.startswith("confirm: This story is live") for x in dialogs),
       "restoring onto a live story asks with confirm()", dialogs)
    ok("/revisions/" in out.get("restore_dismissed_url", ""), "saying no stays on the revision")
    ok((out.get("restore_url") or "").endswith("/revisions"), "saying yes restores",
       out.get("restore_url"))
    eq(sql(DB, "SELECT title, status FROM articles WHERE slug = 'counted-words'"),
       [("Counted Words", "published")], "the live story has its first title back")
    contains(out.get("after_redate", ""), "done=update", "an editor back-dates the live story")
    eq(out.get("redate_field"), "2025-03-01T09:30", "the editor shows the new date")
    zone = sql(DB, "SELECT value FROM settings WHERE key = 'timezone'")
    want = int(datetime(2025, 3, 1, 9, 30,
                        tzinfo=ZoneInfo(zone[0][0] if zone else "UTC")).timestamp())
    eq(sql(DB, "SELECT published_at FROM articles WHERE slug = 'counted-words'"), [(want,)],
       "stored as that time in the site's zone")
    ok(any(x.startswith("confirm: Send this issue") for x in dialogs),
       "Send now asks with confirm()", dialogs)
    eq(out.get("send_dismissed_url"), out.get("issue_page"), "saying no stays on the issue")
    eq(out.get("send_box_after_no"), False, "with the box still unticked")
    contains(out.get("after_send", ""), "done=sending", "saying yes sends")
    iid = int(out.get("issue_url", "0").rsplit("/", 1)[-1] or 0)
    ok(sql(DB, "SELECT status FROM newsletter_issues WHERE id = ?", (iid,))[0][0] != "draft",
       "and the issue is no longer a draft")


run_tests([test_editor_aids_and_confirmations], srv.stop)
