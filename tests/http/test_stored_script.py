"""Stored script in stories (the audit's finding): a contributor's draft
carrying <script>, event handlers, javascript: links, a foreign <iframe>
and friends is saved, and none of it reaches the admin who previews or
edits it, nor the readers of the published story, nor its feeds; only an
admin turns a story's raw HTML on, and then the allow-list still applies.

Pages are read the way a browser reads them (html.parser decodes
references in attribute values as a browser does) and finally opened in
Chromium (harness.browser()): the admin previews and edits the
contributor's drafts, and no dialog opens, no marker is set, nothing is
logged, and the contributor is still a contributor afterwards.  A row
written before the allow-list existed (straight into the database) is
served allow-listed too.
"""
import html.parser
import json
import os
import re
import subprocess
import tempfile

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests, demo_db, sql,
                     browser, on_pg)

PW = "a passphrase long enough"
EMBED = "embed.example"
MODULES, CHROMIUM = browser()
MOD = os.path.join(MODULES, "playwright-core")

# What the contributor's script does in the admin's browser: mark the page,
# say so, and make its author an admin with the admin's own session.
JS = ("window.__pwned=1;console.log('PWNED');"
      "fetch('/admin/users').then(function(r){return r.text()})"
      ".then(function(t){var c=new DOMParser().parseFromString(t,'text/html')"
      ".querySelector('input[name=csrf]').value;"
      "return fetch('/admin/users/role',{method:'POST',headers:"
      "{'Content-Type':'application/x-www-form-urlencoded'},"
      "body:'csrf='+encodeURIComponent(c)+'&email=contributor%40example.com&role=admin'})});"
      "alert('PWNED')")
PAYLOAD = "\n\n".join([
    "A draft with <mark>kept-marker</mark> in it.",
    "<script>" + JS + "</script>",
    '<img src="x" onerror="' + JS + '">',
    '<svg onload="' + JS + '"><circle r="1"></circle></svg>',
    '<details open ontoggle="' + JS + '"><summary>More</summary>x</details>',
    '<video><source src="x" onerror="' + JS + '"></video>',
    '<input autofocus onfocus="' + JS + '">',
    '<a href="javascript:' + JS + '">js link</a> '
    '<a href="jav&#x09;ascript:alert(1)">tab link</a> '
    '<a href="&#106;avascript:alert(1)">entity link</a>',
    "[markdown js](javascript:alert(1))",
    '<iframe src="https://evil.example/steal"></iframe>',
    '<iframe src="http://' + EMBED + '/plain-http"></iframe>',
    '<iframe src="https://' + EMBED + '/v/1" title="Talk" '
    'onload="' + JS + '"></iframe>',
    '<style>body{display:none}</style>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example/"><button>Go</button></form>',
    '<object data="javascript:alert(1)"></object><embed src="x.swf">',
    '<p style="position:fixed">styled</p>',
])
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text")


class Page(html.parser.HTMLParser):
    """What a browser would act on in a page: script, event handlers,
    URLs, frames, base, refresh and form targets."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.urls = [], [], []
        self.frames, self.other = [], []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k, v in attrs:
            if k.startswith("on"):
                self.handlers.append((tag, k, v))
            if k in ("href", "src", "action", "formaction", "poster", "data",
                     "background", "cite") and v is not None:
                self.urls.append((tag, k, v))
        if tag == "script":
            self._in_script = True
            if a.get("src"):
                self.scripts.append("src=" + a["src"])
        if tag == "iframe":
            self.frames.append(a)
        if tag == "base" or (tag == "meta" and "http-equiv" in a) or \
                (tag == "form" and "evil" in (a.get("action") or "")) or \
                tag in ("object", "embed", "svg", "style") or "style" in a:
            self.other.append((tag, a))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def check_page(text, name, frames_ok=True):
    """Nothing of the payload may act in text (a whole page)."""
    p = Page(text)
    ok(not [s for s in p.scripts if "PWNED" in s or "evil" in s],
       name + ": no script of the payload", p.scripts[:3])
    ok(not p.handlers, name + ": no event handler attribute", p.handlers[:3])
    bad = [u for u in p.urls if re.sub(r"[\x00-\x20]", "", u[2]).lower()
           .startswith(BAD_SCHEMES)]
    ok(not bad, name + ": no javascript:, vbscript: or data:text URL", bad[:3])
    foreign = [f for f in p.frames if not (f.get("src") or "").startswith(
        "https://" + EMBED + "/")]
    ok(not foreign, name + ": no frame but from the embed hosts", foreign[:3])
    ok(all(f.get("sandbox") == "allow-scripts allow-same-origin allow-presentation"
           for f in p.frames), name + ": every frame sandboxed", p.frames[:3])
    ok(not [o for o in p.other if o[0] != "meta" or "refresh" in
            (o[1].get("http-equiv") or "").lower()],
       name + ": no base, refresh, foreign form, object, embed, svg, style",
       p.other[:3])
    return p


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-stored-")
    db = demo_db(d)
    slugs = [r[0] for r in sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 2")]
    tokens = {}
    for name, role, author in (("admin", "admin", None), ("editor", "editor", None),
                               ("author", "author", slugs[0]),
                               ("contributor", "contributor", slugs[1])):
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name",
                name.title()]
        if author:
            args += ["--author", author]
        subprocess.run(args + [name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, name + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[name] = r.stdout.strip()
    # A story as an older version stored it: raw HTML rendered as written.
    sec = sql(db, "SELECT id FROM sections ORDER BY id LIMIT 1")[0][0]
    sql(db, "INSERT INTO articles (slug, type, status, title, body_md, body_html,"
        " section_id, published_at, updated_at, created_at) VALUES"
        " ('legacy-story', 'news', 'published', 'Legacy story', 'x', ?, ?,"
        " 1577836800, 1577836800, 1577836800)",
        ("<p>Old <mark>kept-marker</mark></p><script>" + JS + "</script>"
         '<img src="x" onerror="' + JS + '">', sec))
    return db, tokens


DB, TOK = make_db()
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
# Through the environment, the way an operator may set it (and so that a
# binary from before the setting still starts, to show these checks fail).
os.environ["MASTHEAD_EMBED_HOSTS"] = EMBED + " player.example"
srv = Server(db=DB)
BASE = "http://127.0.0.1:%d" % srv.port
NR = Newsroom(srv, PW)
sign_in, get, post = NR.session, NR.get, NR.post


def api(method, path, who, body=None):
    h = {"Authorization": "Bearer " + TOK[who]}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    s, hd, b = srv.request(method, path, h, body)
    try:
        return s, json.loads(b) if b else None
    except ValueError:
        return s, None


def draft(who, title, **extra):
    fields = {"title": title, "section": SECTION, "type": "news",
              "body_md": PAYLOAD, "then": "save"}
    fields.update(extra)
    s, h, b = post("/admin/articles", who, fields)
    m = re.match(r"/admin/articles/(\d+)", h.get("location", ""))
    return s, int(m.group(1)) if m else None, b


def body_of(aid):
    """The stored body_html, on one line (psql's output is read by line)."""
    nl = "translate(body_html, E'\\n\\t', '  ')" if on_pg() else \
        "replace(replace(body_html, char(10), ' '), char(9), ' ')"
    return sql(DB, "SELECT " + nl + " FROM articles WHERE id = ?", (aid,))[0][0]


def raw_flag(aid):
    return sql(DB, "SELECT raw_html FROM articles WHERE id = ?", (aid,))[0][0]


def role_of(name):
    return sql(DB, "SELECT role FROM users WHERE email = ?", (name + "@example.com",))[0][0]


# The contributor's two drafts: one stays in Markdown mode, the other an
# admin switches to raw HTML, the worst case for the allow-list.
S, TEXT_ID, _ = draft("contributor", "Contributor draft as text")
S2, RAW_ID, _ = draft("contributor", "Contributor draft with raw HTML")


def test_contributor_saves():
    eq(S, 303, "the contributor's draft is saved")
    eq(S2, 303, "and a second one")
    for aid in (TEXT_ID, RAW_ID):
        html = body_of(aid)
        check_page(html, "stored body %d" % aid)
        eq(raw_flag(aid), 0, "a new story has raw HTML off")
    html = body_of(TEXT_ID)
    contains(html, "&lt;script&gt;", "with raw HTML off the markup is shown as text")


def test_only_admin_sets_raw_html():
    s, h, b = post("/admin/articles/%d" % TEXT_ID, "contributor", {"raw_html": "1"})
    eq(s, 403, "a contributor cannot turn raw HTML on in the editor")
    eq(raw_flag(TEXT_ID), 0, "and the flag stays off")
    s, aid, b = draft("author", "Author story", raw_html="1")
    eq(s, 403, "an author's new story with raw HTML on is refused")
    eq(aid, None, "and not made")
    s, aid, b = draft("author", "Author story")
    eq(s, 303, "the author's story without it is saved")
    s, h, b = post("/admin/articles/%d" % aid, "author", {"raw_html": "1"})
    eq(s, 403, "the author cannot turn it on in the editor")
    eq(raw_flag(aid), 0, "the flag stays off")
    s, j = api("PATCH", "/api/v1/admin/articles/%d" % aid, "author", {"raw_html": True})
    eq(s, 403, "nor through the admin API")
    eq(raw_flag(aid), 0, "the flag stays off")
    s, j = api("POST", "/api/v1/admin/articles", "author",
               {"title": "API story", "section": SECTION, "body_md": "<b>x</b>",
                "raw_html": True})
    eq(s, 403, "an author's API story with raw HTML on is refused")
    eq(sql(DB, "SELECT count(*) FROM articles WHERE title = 'API story'")[0][0], 0,
       "and not made")
    s, j = api("PATCH", "/api/v1/admin/articles/%d" % aid, "editor", {"raw_html": True})
    eq(s, 403, "an editor cannot either")
    s, j = api("PATCH", "/api/v1/admin/articles/%d" % aid, "author",
               {"raw_html": False, "dek": "Same flag"})
    eq(s, 200, "sending the flag as it stands is no change")
    s, j = api("PATCH", "/api/v1/admin/articles/%d" % aid, "author", {"raw_html": "yes"})
    eq(s, 422, "a flag that is not a boolean is 422")
    s, j = api("PATCH", "/api/v1/admin/articles/%d" % aid, "admin", {"raw_html": True})
    eq(s, 200, "an admin turns raw HTML on through the API")
    eq(j and j["article"].get("raw_html"), True, "the API says so")
    eq(raw_flag(aid), 1, "and it is stored")
    s, h, b = post("/admin/articles/%d" % aid, "author", {"title": "Author story, again"})
    eq(s, 303, "the author still saves the story")
    eq(raw_flag(aid), 1, "without touching the admin's flag")
    s, h, b = get("/admin/articles/%d" % aid, "author")
    ok(re.search(r'<input type="checkbox" name="raw_html" value="1" id="f-raw" '
                 r'checked disabled>', b), "the author's editor shows the box, disabled")
    s, h, b = post("/admin/articles/%d" % RAW_ID, "admin", {
        "title": "Contributor draft with raw HTML", "section": SECTION,
        "type": "news", "raw_html": "1", "then": "save"})
    eq(s, 303, "an admin turns raw HTML on in the editor")
    eq(raw_flag(RAW_ID), 1, "the flag is on")
    html = body_of(RAW_ID)
    contains(html, "<mark>kept-marker</mark>", "the stored Markdown is rendered again, "
             "its allowed HTML kept")
    check_page(html, "the body with raw HTML on")
    ok(re.search(r'<iframe src="https://embed\.example/v/1" title="Talk" sandbox='
                 r'"allow-scripts allow-same-origin allow-presentation" '
                 r'referrerpolicy="strict-origin-when-cross-origin" loading="lazy" '
                 r'allowfullscreen></iframe>', html),
       "the embed from a listed host is kept, sandboxed", html[-1500:])


def test_admin_pages():
    for aid in (TEXT_ID, RAW_ID):
        s, h, b = get("/admin/articles/%d/preview" % aid, "admin")
        eq(s, 200, "the admin previews draft %d" % aid)
        check_page(b, "preview of %d" % aid)
        s, h, b = get("/admin/articles/%d" % aid, "admin")
        eq(s, 200, "the admin opens draft %d in the editor" % aid)
        check_page(b, "editor of %d" % aid)
    for mode in ("0", "1"):
        s, h, b = post("/admin/preview", "admin", {"body_md": PAYLOAD, "raw_html": mode})
        eq(s, 200, "the live preview answers (raw_html=%s)" % mode)
        eq(h.get("content-type"), "text/html; charset=utf-8", "as HTML")
        check_page(b, "live preview, raw_html=" + mode)
    contains(b, "<mark>kept-marker</mark>", "the live preview keeps allowed HTML")


def test_published():
    s, h, b = post("/admin/articles/%d/publish" % RAW_ID, "admin", {})
    eq(s, 303, "the admin publishes the raw-HTML draft")
    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (RAW_ID,))[0][0]
    s, h, b = get("/article/" + slug)
    eq(s, 200, "readers get the story")
    contains(b, "<mark>kept-marker</mark>", "with its allowed HTML")
    check_page(b, "the published page")
    s, h, j = srv.json("/api/v1/articles/" + slug)
    check_page(j["article"]["body_html"], "the content API's body_html")
    for f in ("/feed.xml", "/atom.xml", "/feed.json"):
        s, h, b = get(f)
        ok("kept-marker" in b, f + ": the story is in the feed")
        text = b if f.endswith(".json") else html.unescape(b)
        if f.endswith(".json"):
            text = " ".join(i.get("content_html", "") for i in json.loads(b)["items"])
        check_page(text, f + " content")


def test_legacy_row():
    s, h, b = get("/article/legacy-story")
    eq(s, 200, "a story stored before the allow-list is served")
    contains(b, "<mark>kept-marker</mark>", "with its allowed HTML")
    check_page(b, "the legacy story's page")
    s, h, j = srv.json("/api/v1/articles/legacy-story")
    check_page(j["article"]["body_html"], "the legacy story's API document")


BROWSER = r"""
const { chromium } = require(process.env.PW_MODULE);
const base = process.env.BASE, out = { dialogs: [], console: [], pwned: {} };
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking"] });
  try {
    const page = await browser.newPage();
    page.on("dialog", d => { out.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on("console", m => out.console.push(m.text()));
    await page.goto(base + "/admin");
    await page.fill("input[name=email]", "admin@example.com");
    await page.fill("input[name=password]", process.env.PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    for (const path of JSON.parse(process.env.PATHS)) {
      await page.goto(base + path, { waitUntil: "load" });
      if (path.match(/^\/admin\/articles\/\d+$/))
        await page.waitForSelector("#md-preview:not([hidden])", { timeout: 5000 });
      await page.waitForTimeout(800);
      out.pwned[path] = await page.evaluate(() => window.__pwned === undefined ? 0 : 1);
      if (path.match(/^\/admin\/articles\/\d+$/))
        out.preview_html = await page.innerHTML("#md-preview");
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stdout.write(JSON.stringify(Object.assign(out, { error: String(e) }))); });
"""


def test_browser():
    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (RAW_ID,))[0][0]
    paths = ["/admin/articles/%d/preview" % TEXT_ID, "/admin/articles/%d/preview" % RAW_ID,
             "/admin/articles/%d" % TEXT_ID, "/admin/articles/%d" % RAW_ID,
             "/article/" + slug, "/article/legacy-story"]
    d = tempfile.mkdtemp(prefix="masthead-stored-browser-")
    script = os.path.join(d, "stored.js")
    with open(script, "w") as f:
        f.write(BROWSER)
    env = dict(os.environ, PW_MODULE=MOD, BASE=BASE, CHROMIUM=CHROMIUM, PASSWORD=PW,
               PATHS=json.dumps(paths))
    r = subprocess.run(["node", script], capture_output=True, text=True, env=env,
                       timeout=180)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        ok(False, "the browser script ran", r.stdout[-2000:] + r.stderr[-2000:])
        return
    ok("error" not in out, "the browser script ran to the end", out.get("error", ""))
    eq(sorted(out.get("pwned", {}).keys()), sorted(paths), "the admin opened every page")
    eq([p for p, v in out.get("pwned", {}).items() if v], [],
       "no page ran the payload (window.__pwned unset)")
    eq(out.get("dialogs"), [], "no dialog opened")
    eq([c for c in out.get("console", []) if "PWNED" in c], [], "nothing logged PWNED")
    contains(out.get("preview_html", ""), "kept-marker", "the live preview rendered")
    eq(role_of("contributor"), "contributor", "the contributor is still a contributor")


run_tests([test_contributor_saves, test_only_admin_sets_raw_html, test_admin_pages,
           test_published, test_legacy_row, test_browser], srv.stop)
