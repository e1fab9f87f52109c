"""First run in a real browser (headless Chromium driven by
playwright-core): the setup link `masthead serve` prints opens a form;
the owner fills it in, lands in the newsroom signed in, invites a
colleague from /admin/users; the colleague opens the emailed link in a
browser of their own, chooses a password and lands in the newsroom too.
The setup link is not found afterwards.

playwright-core (pinned in tests/node) and Chromium come from make
test-deps; without them the suite fails saying what is missing.
MASTHEAD_SCREENSHOTS=DIR keeps the screenshots of the setup and the
invitation pages there.
"""
import json
import os
import re
import subprocess
import tempfile
import time

from harness import Server, ok, eq, contains, run_tests, demo_db, sql, browser
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"
MODULES, CHROMIUM = browser()
MOD = os.path.join(MODULES, "playwright-core")

SINK = SmtpSink()
d = tempfile.mkdtemp(prefix="masthead-staff-browser-")
DB = demo_db(d)
srv = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port)])
SHOTS = os.environ.get("MASTHEAD_SCREENSHOTS") or d

SCRIPT = r"""
const { chromium } = require(process.env.PW_MODULE);
const base = process.env.BASE, out = {};
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const r = await page.goto(base + process.env.SETUP);
    out.setup_status = r.status();
    out.setup_h1 = await page.textContent("h1");
    await page.fill("input[name=name]", "Olive Owner");
    await page.fill("input[name=email]", "owner@example.com");
    await page.fill("input[name=password]", process.env.PASSWORD);
    await page.fill("input[name=password2]", process.env.PASSWORD);
    await page.fill("input[name=site_name]", "The Daily Owl");
    await page.screenshot({ path: process.env.SHOTS + "/staff-setup.png", fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    out.after_setup = page.url();
    out.dashboard_h1 = await page.textContent("h1");
    out.me = await page.textContent(".admin-me");
    out.brand = await page.textContent(".admin-home");
    await page.goto(base + "/admin/users");
    await page.fill("form[action='/admin/users/invite'] input[name=email]", "wren@example.com");
    await page.fill("form[action='/admin/users/invite'] input[name=name]", "Wren Writer");
    await page.selectOption("form[action='/admin/users/invite'] select[name=role]", "author");
    await page.selectOption("form[action='/admin/users/invite'] select[name=author]", "new");
    await page.fill("form[action='/admin/users/invite'] input[name=author_slug]", "wren-writer");
    await Promise.all([page.waitForNavigation(),
      page.click("form[action='/admin/users/invite'] button[type=submit]")]);
    out.after_invite = page.url();
    out.invite_done = await page.textContent(".form-done");
    out.pending_row = await page.textContent("tbody");
    const again = await page.goto(base + process.env.SETUP);
    out.setup_again = again.status();
    process.stdout.write(JSON.stringify(out) + "\n");
    // The invitee's link comes back on standard input, read by the suite
    // from the SMTP server.
    const link = await new Promise(res => process.stdin.once("data", b => res(String(b).trim())));
    const ctx = await browser.newContext();
    const p2 = await ctx.newPage();
    await p2.goto(base + link);
    out.invite_h1 = await p2.textContent("h1");
    out.invite_text = await p2.textContent(".form-page p");
    await p2.fill("input[name=password]", process.env.PASSWORD);
    await p2.fill("input[name=password2]", process.env.PASSWORD);
    await p2.screenshot({ path: process.env.SHOTS + "/staff-invite.png", fullPage: true });
    await Promise.all([p2.waitForNavigation(), p2.click("form.form button[type=submit]")]);
    out.after_accept = p2.url();
    out.invitee_me = await p2.textContent(".admin-me");
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out) + "\n");
})().catch(e => { process.stdout.write(JSON.stringify(Object.assign(out, { error: String(e) })) + "\n"); });
"""


def test_first_run_and_invitation():
    time.sleep(0.2)
    m = re.search(r"^Open http://127\.0\.0\.1:\d+(/setup/[A-Za-z0-9_-]{43}) to create", srv.output(), re.M)
    ok(m, "serve prints the setup link", srv.output()[-300:])
    if not m:
        return
    script = os.path.join(d, "staff.js")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = dict(os.environ, PW_MODULE=MOD, BASE="http://127.0.0.1:%d" % srv.port,
               CHROMIUM=CHROMIUM, PASSWORD=PW, SETUP=m.group(1), SHOTS=SHOTS)
    p = subprocess.Popen(["node", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    first = json.loads(p.stdout.readline() or "{}")
    ok("error" not in first, "the owner's part ran to the end", first.get("error", ""))
    eq(first.get("setup_status"), 200, "the setup link opens a page")
    eq(first.get("setup_h1"), "Create the first admin account", "the setup form")
    eq((first.get("after_setup") or "").split("/", 3)[-1], "admin", "submitting it lands in /admin")
    eq(first.get("dashboard_h1"), "Newsroom", "on the dashboard")
    contains(first.get("me") or "", "Olive Owner", "signed in as the owner")
    contains(first.get("me") or "", "(admin)", "an admin")
    contains(first.get("brand") or "", "The Daily Owl", "the publication has its name")
    contains(first.get("after_invite") or "", "done=invited", "the invitation is sent")
    contains(first.get("invite_done") or "", "on its way", "the page says so")
    contains(first.get("pending_row") or "", "Wren Writer (invited)", "the list shows it pending")
    eq(first.get("setup_again"), 404, "the used setup link is not found")
    link = None
    t0 = time.time()
    while time.time() - t0 < 10 and link is None:
        for msg in SINK.to("wren@example.com"):
            mm = re.search(r"/invite/[A-Za-z0-9_-]{43}", body_of(msg))
            link = mm.group(0) if mm else None
        time.sleep(0.05)
    ok(link, "the invitation reaches the colleague")
    out, err = p.communicate((link or "/invite/none") + "\n", timeout=120)
    lines = [l for l in out.splitlines() if l.strip()]
    try:
        second = json.loads(lines[-1])
    except (ValueError, IndexError):
        ok(False, "the invitee's part ran", out[-2000:] + err[-2000:])
        return
    ok("error" not in second, "the invitee's part ran to the end", second.get("error", ""))
    eq(second.get("invite_h1"), "Join the newsroom", "the link opens the set-password form")
    contains(second.get("invite_text") or "", "Wren Writer", "greeting the colleague")
    eq((second.get("after_accept") or "").split("/", 3)[-1], "admin", "and lands in /admin")
    contains(second.get("invitee_me") or "", "Wren Writer", "signed in as the colleague")
    contains(second.get("invitee_me") or "", "(author)", "with the role given")
    eq(sql(DB, "SELECT a.slug FROM users u JOIN authors a ON a.id = u.author_id"
               " WHERE u.email = 'wren@example.com'"), [("wren-writer",)],
       "and the new author profile")
    for name in ("staff-setup.png", "staff-invite.png"):
        path = os.path.join(SHOTS, name)
        ok(os.path.exists(path) and os.path.getsize(path) > 5000, "a screenshot: " + name)


def cleanup():
    rc = srv.stop()
    SINK.close()
    return rc


run_tests([test_first_run_and_invitation], cleanup)
