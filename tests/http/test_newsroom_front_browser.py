"""Front page curation in a real browser (headless Chromium driven by
playwright-core): an editor opens /admin/front from the newsroom's menu,
chooses a three-day-old story as the lead by its title with an expiry a
day ahead, saves, and finds it leading the home page; the form then
shows the pin as showing.
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

d = tempfile.mkdtemp(prefix="masthead-front-browser-")
DB = demo_db(d)
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "editor", "--name", "Editor",
                "editor@example.com"], input=PW, text=True, check=True, capture_output=True)
srv = Server(db=DB)
LEAD_ID, LEAD = sql(DB, "SELECT id, title FROM articles WHERE status = 'published'"
                        " AND published_at < ? ORDER BY published_at DESC, id DESC LIMIT 1",
                    (int(time.time()) - 3 * 86400,))[0]

SCRIPT = r"""
const { chromium } = require(process.env.PW_MODULE);
const base = process.env.BASE, out = {};
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(base + "/admin");
    await page.fill("input[name=email]", "editor@example.com");
    await page.fill("input[name=password]", process.env.PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await Promise.all([page.waitForNavigation(), page.click("a[href='/admin/front']")]);
    out.front_h1 = await page.textContent("h1");
    out.chosen = await page.selectOption("select[name=lead]", { label: process.env.LEAD });
    await page.fill("input[name=lead_expires]", process.env.EXPIRES);
    await Promise.all([page.waitForNavigation(), page.click("#front-form button[type=submit]")]);
    out.after_save = page.url();
    out.done = await page.textContent("p.form-done");
    out.legend = await page.textContent("fieldset.front-slot legend");
    out.expires = await page.inputValue("input[name=lead_expires]");
    await page.goto(base + "/");
    out.home_lead = await page.textContent("article.lead h1");
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stdout.write(JSON.stringify(Object.assign(out, { error: String(e) }))); });
"""


def test_pin_in_browser():
    script = os.path.join(d, "front.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    # The form's times are in the site's zone.
    zone = sql(DB, "SELECT value FROM settings WHERE key = 'timezone'")
    os.environ["TZ"] = zone[0][0] if zone else "UTC"
    time.tzset()
    expires = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 86400))
    env = dict(os.environ, PW_MODULE=MOD, BASE="http://127.0.0.1:%d" % srv.port,
               CHROMIUM=CHROMIUM, PASSWORD=PW, LEAD=LEAD, EXPIRES=expires)
    r = subprocess.run(["node", script], capture_output=True, text=True, env=env, timeout=120)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        ok(False, "the browser script ran", r.stdout[-2000:] + r.stderr[-2000:])
        return
    ok("error" not in out, "the browser script ran to the end", out.get("error", ""))
    eq(out.get("front_h1"), "Front page", "the newsroom's menu leads to /admin/front")
    eq(out.get("chosen"), [str(LEAD_ID)], "the lead is chosen by its title")
    contains(out.get("after_save", ""), "/admin/front?done=1", "saving comes back to the form")
    contains(out.get("done") or "", "Saved", "which says it is saved")
    contains(out.get("legend") or "", "showing", "and that the pin shows")
    eq(out.get("expires"), expires, "with its expiry in the site's zone")
    eq((out.get("home_lead") or "").strip(), LEAD, "the home page leads with the pinned story")
    row = sql(DB, "SELECT slot, article_id, expires_at FROM front_pins")
    eq([(s, a) for s, a, _ in row], [(0, LEAD_ID)], "one pin, the lead")
    ok(row and abs(row[0][2] - (int(time.time()) + 86400)) < 120,
       "expiring a day ahead", row)


run_tests([test_pin_in_browser], srv.stop)
