"""The Trash and the bulk actions in a real browser (headless Chromium
driven by playwright-core): an editor ticks two stories of the list,
chooses Move to Trash and Apply, reads how many went, finds them in the
Trash and restores one; an admin's Delete for good asks first, and only
a confirmed one deletes.  Then the editor moves an event to the Trash
from the events list, filters the Trash to events, ticks it and restores
it with the bulk Restore, and its page is back.

playwright-core (pinned in tests/node) and Chromium come from make
test-deps; without them the suite fails saying what is missing.
"""
import json
import os
import subprocess
import tempfile

from harness import BIN, Server, ok, eq, contains, run_tests, demo_db, sql, browser

PW = "a passphrase long enough"
MODULES, CHROMIUM = browser()
MOD = os.path.join(MODULES, "playwright-core")

d = tempfile.mkdtemp(prefix="masthead-trash-browser-")
DB = demo_db(d)
for role in ("editor", "admin"):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name", role.title(),
                    "%s@example.com" % role], input=PW, text=True, check=True,
                   capture_output=True)
srv = Server(db=DB)
# The two stories on top of the list (last changed first).
IDS = [r[0] for r in sql(DB, "SELECT id FROM articles ORDER BY updated_at DESC, id DESC"
                         " LIMIT 2")]
EVENT = sql(DB, "SELECT id, slug FROM events ORDER BY id DESC LIMIT 1")[0]

SCRIPT = r"""
const { chromium } = require(process.env.PW_MODULE);
const base = process.env.BASE, out = {};
const ids = JSON.parse(process.env.IDS), ev = JSON.parse(process.env.EVENT);
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    async function signIn(p, email) {
      await p.goto(base + "/signin");
      await p.fill("input[name=email]", email);
      await p.fill("input[name=password]", process.env.PASSWORD);
      await Promise.all([p.waitForNavigation(), p.click("form.form button[type=submit]")]);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "editor@example.com");
    await page.goto(base + "/admin/articles");
    for (const id of ids)
      await page.check("input[name=id][value='" + id + "']");
    await page.selectOption("select[name=action]", "trash");
    await Promise.all([page.waitForNavigation(), page.click("form.bulk button[type=submit]")]);
    out.after_bulk = page.url();
    out.notice = await page.textContent("p.notice");
    out.list_ids = await page.locator("input[name=id]").evaluateAll(
      els => els.map(e => Number(e.value)));
    await page.goto(base + "/admin/trash");
    out.trash_rows = await page.locator("table.rows tbody tr").count();
    out.delete_buttons = await page.locator("button.danger").count();
    await Promise.all([page.waitForNavigation(),
      page.click("form[action='/admin/trash/" + ids[0] + "/restore'] button")]);
    out.after_restore = page.url();
    out.restored_state = await page.textContent(".admin-head .state");
    const a = await browser.newPage();
    await signIn(a, "admin@example.com");
    await a.goto(base + "/admin/trash");
    const del = "form[action='/admin/trash/" + ids[1] + "/delete'] button";
    a.once("dialog", dlg => { out.dialog = dlg.message(); dlg.dismiss(); });
    await a.click(del);
    await a.waitForTimeout(300);
    out.after_dismiss = a.url();
    a.once("dialog", dlg => dlg.accept());
    await Promise.all([a.waitForNavigation(), a.click(del)]);
    out.after_delete = a.url();
    out.delete_notice = await a.textContent("p.notice");
    out.trash_rows_after = await a.locator("table.rows tbody tr").count();
    await page.goto(base + "/admin/events");
    await Promise.all([page.waitForNavigation(),
      page.click("form[action='/admin/events/" + ev[0] + "/trash'] button")]);
    out.after_event_trash = page.url();
    out.event_gone = (await page.goto(base + "/events/" + ev[1])).status();
    await page.goto(base + "/admin/trash");
    await page.selectOption("select[name=kind]", "event");
    await Promise.all([page.waitForNavigation(), page.click("form.filter button")]);
    out.filtered_url = page.url();
    out.filtered_rows = await page.locator("table.rows tbody tr").count();
    await page.check("input[name=item][value='event:" + ev[0] + "']");
    out.bulk_delete_buttons = await page.locator("#trash-bulk button.danger").count();
    await Promise.all([page.waitForNavigation(),
      page.click("#trash-bulk button:not(.danger)")]);
    out.after_bulk_restore = page.url();
    out.bulk_notice = await page.textContent("p.notice");
    out.event_back = (await page.goto(base + "/events/" + ev[1])).status();
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stdout.write(JSON.stringify(Object.assign(out, { error: String(e) }))); });
"""


def test_bulk_trash_restore_delete():
    script = os.path.join(d, "trash.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, PW_MODULE=MOD, BASE="http://127.0.0.1:%d" % srv.port,
               CHROMIUM=CHROMIUM, PASSWORD=PW, IDS=json.dumps(IDS),
               EVENT=json.dumps(list(EVENT)))
    r = subprocess.run(["node", script], capture_output=True, text=True, env=env, timeout=120)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        ok(False, "the browser script ran", r.stdout[-2000:] + r.stderr[-2000:])
        return
    ok("error" not in out, "the browser script ran to the end", out.get("error", ""))
    contains(out.get("after_bulk", ""), "/admin/articles?done=trash&n=2",
             "ticking two stories and Apply moves them to the Trash")
    eq((out.get("notice") or "").strip(), "2 stories moved to the Trash.", "the list says so")
    ok(not set(IDS) & set(out.get("list_ids", [])), "and no longer shows them")
    eq(out.get("trash_rows"), 2, "the Trash lists both")
    eq(out.get("delete_buttons"), 0, "an editor has no Delete for good")
    contains(out.get("after_restore", ""), "/admin/articles/%d?done=restored" % IDS[0],
             "Restore opens the story's editor")
    eq((out.get("restored_state") or "").strip(), "draft", "a draft again")
    eq(out.get("dialog"), "Delete it for good?", "an admin's Delete for good asks first")
    contains(out.get("after_dismiss", ""), "/admin/trash", "dismissed, it stays on the Trash")
    contains(out.get("after_delete", ""), "/admin/trash?done=deleted", "confirmed, it deletes")
    contains(out.get("delete_notice") or "", "deleted for good", "and says so")
    eq(out.get("trash_rows_after"), 0, "the Trash is empty")
    eq(sql(DB, "SELECT count(*) FROM articles WHERE id = ?", (IDS[1],))[0][0], 0,
       "the row is gone")
    eq(sql(DB, "SELECT count(*) FROM articles WHERE id = ? AND trashed_at IS NULL",
           (IDS[0],))[0][0], 1, "the restored one is out of the Trash")
    contains(out.get("after_event_trash", ""), "/admin/trash?done=trashed",
             "an event's Move to Trash on the events list opens the Trash")
    eq(out.get("event_gone"), 404, "and its page answers 404")
    contains(out.get("filtered_url", ""), "/admin/trash?kind=event", "the Trash filters by kind")
    eq(out.get("filtered_rows"), 1, "and lists the event alone")
    eq(out.get("bulk_delete_buttons"), 0, "an editor has no bulk Delete for good")
    contains(out.get("after_bulk_restore", ""), "/admin/trash?done=bulk&restored=1",
             "ticking it and Restore restores it")
    eq((out.get("bulk_notice") or "").strip(), "1 row restored.", "the Trash says so")
    eq(out.get("event_back"), 200, "and its page is back")
    eq(sql(DB, "SELECT count(*) FROM events WHERE id = ? AND trashed_at IS NULL",
           (EVENT[0],))[0][0], 1, "out of the Trash")


run_tests([test_bulk_trash_restore_delete], srv.stop)
