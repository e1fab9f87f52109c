"""White papers (docs/resources.md): the list and each resource's page,
cached with exact tags and dropped on an edit; the access form (every
bad input a 4xx with nothing stored, CSRF, consent stored with the
lead and the client address); the download link on the page and by
email, signed and expiring (tampered: 403, expired: 410), serving the
PDF as an attachment that no cache keeps, or sending on to an external
page; one click for a signed-in reader whose profile is complete; the
newsroom's PDF upload (PDF only: 415, max_upload: 413), leads and CSV
export with formula cells defused; and who may do what."""
import base64
import csv
import hashlib
import hmac
import io
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     is_pg, pg_demo, cookies_of, form_token)
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"
ROLES = ("member", "contributor", "author", "editor", "admin")
TTL = 3600
MAX_UPLOAD = 65536
SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-resources-"))
for role in ROLES:
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    role.title() + " Reader", role + "@example.com"], input=PW,
                   text=True, check=True, capture_output=True)
srv = Server(db=DB, args=["--resource_link_ttl", str(TTL), "--max_upload",
                          str(MAX_UPLOAD), "--real_ip_header", "X-Real-IP",
                          "--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port)])
MEDIA = pg_demo()[1] if is_pg(DB) else os.path.join(os.path.dirname(DB), "media")
PDF_SLUG = "fiber-monitoring-field-guide"
LINK_SLUG = "as-a-service-networking-buyers-guide"


def rid(slug):
    return sql(DB, "SELECT id FROM resources WHERE slug = ?", (slug,))[0][0]


def leads(slug=None):
    if slug is None:
        return sql(DB, "SELECT count(*) FROM resource_leads")[0][0]
    return sql(DB, "SELECT count(*) FROM resource_leads WHERE resource_id = ?",
               (rid(slug),))[0][0]


SESS = {}


def sign_in(who):
    """(cookie, the session's CSRF token) of a signed-in account, made once."""
    if who not in SESS:
        c = Client(srv, ip=None)
        c.sign_in(who + "@example.com", PW)
        SESS[who] = (c.cookie(), c.csrf("/signin"))
    return SESS[who]


def get(path, who=None, headers=None):
    h = dict(headers or {})
    if who:
        h["Cookie"] = sign_in(who)[0]
    s, hd, b = srv.request("GET", path, h)
    return s, hd, b


def post(path, who, fields, csrf=True):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    fields = dict(fields)
    cookie, tok = sign_in(who)
    h["Cookie"] = cookie
    if csrf is True:
        fields["csrf"] = tok
    elif csrf:
        fields["csrf"] = csrf
    s, hd, b = srv.request("POST", path, h, urllib.parse.urlencode(fields))
    return s, hd, b.decode("utf-8", "replace")


class Reader:
    """A signed-out reader with their own address and cookies."""

    def __init__(self, ip):
        self.ip, self.jar = ip, {}

    def _h(self, extra=None):
        h = {"X-Real-IP": self.ip}
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        h.update(extra or {})
        return h

    def get(self, path):
        s, h, b = srv.request("GET", path, self._h())
        self.jar.update(cookies_of(h))
        return s, h, b

    def ask(self, slug, fields, csrf=True):
        s, h, b = self.get("/resources/%s/access" % slug)
        fields = dict(fields)
        if csrf is True:
            fields["csrf"] = form_token(b.decode())
        elif csrf:
            fields["csrf"] = csrf
        s, h, b = srv.request("POST", "/resources/%s/access" % slug, self._h(
            {"Content-Type": "application/x-www-form-urlencoded"}),
            urllib.parse.urlencode(fields))
        return s, h, b.decode("utf-8", "replace")


GOOD = {"name": "Dana Okafor", "email": "Dana@Example.com", "company": "Fibreco",
        "job_title": "Network Planner", "consent": "yes"}


def link_in(page):
    m = re.search(r'href="[^"]*(/resources/[^"/]+/download\?[^"]+)"', page)
    return m.group(1).replace("&amp;", "&") if m else None


def mails_to(addr, n, timeout=8):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if len(SINK.to(addr)) >= n:
            break
        time.sleep(0.05)
    return SINK.to(addr)


def sign(lead, exp):
    """A link's signature made here from the site's key, as masthead makes it."""
    key = bytes.fromhex(sql(DB, "SELECT value FROM site_keys WHERE name = 'resource'")[0][0])
    mac = hmac.new(key, ("resource:%d:%d" % (lead, exp)).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def test_pages():
    s, h, b = srv.html("/resources")
    eq(s, 200, "/resources answers")
    titles = re.findall(r'<h2><a href="/resources/([a-z0-9-]+)">', b)
    eq(titles[:4], ["standalone-5g-core-migration-playbook", PDF_SLUG,
                    "service-assurance-for-network-slices", LINK_SLUG],
       "the demo's white papers, newest first")
    keys = h.get("surrogate-key", "").split()
    ok("resources" in keys and "rs%d" % rid(PDF_SLUG) in keys,
       "the list carries the list tag and each resource's", keys)
    eq(srv.get("/resources")[1].get("x-cache"), "hit", "the list is served from the cache")
    s, h, b = srv.html("/resources/" + PDF_SLUG)
    eq(s, 200, "a resource's page answers")
    contains(b, "Sponsored by <a href=\"https://www.scte.org/\" rel=\"sponsored\">SCTE</a>",
             "it names its sponsor")
    contains(b, '<form method="post" action="/resources/%s/access/start"' % PDF_SLUG,
             "it has the gate form, which posts the reader's details")
    s2, h2, f = srv.request("POST", "/resources/%s/access/start" % PDF_SLUG,
                            {"Content-Type": "application/x-www-form-urlencoded"},
                            urllib.parse.urlencode(GOOD))
    f = f.decode()
    ok(s2 == 200 and 'value="Fibreco"' in f and 'name="csrf"' in f,
       "the short form opens the full form with the details and a token", s2)
    s2, h2, f = srv.request("GET", "/resources/%s/access?name=Dana&company=Fibreco" % PDF_SLUG)
    ok(s2 == 200 and "Fibreco" not in f.decode(), "the full form reads no detail from its address", s2)
    eq(srv.request("POST", "/resources/no-such-paper/access/start",
                   {"Content-Type": "application/x-www-form-urlencoded"},
                   urllib.parse.urlencode(GOOD))[0], 404, "an unknown white paper's short form is 404")
    contains(b, "/media/", "it shows its cover image")
    ok("csrf" not in b.split("<!--account-->")[0], "the shared page carries no token")
    keys = h.get("surrogate-key", "").split()
    ok("rs%d" % rid(PDF_SLUG) in keys and "sp" in " ".join(keys), "the page carries rs<ID> and sp<ID>", keys)
    eq(srv.get("/resources/" + PDF_SLUG)[1].get("x-cache"), "hit", "and is cached")
    s, h, j = srv.json("/api/v1/resources")
    eq([x["slug"] for x in j["resources"]][:2], ["standalone-5g-core-migration-playbook",
                                                  PDF_SLUG], "the API lists them too")
    ok(all("file_hash" not in x and "link_url" not in x for x in j["resources"]),
       "without the file's name or the external link")
    s, h, j = srv.json("/api/v1/resources/" + LINK_SLUG)
    eq((s, j["resource"]["kind"], "link_url" in j["resource"]), (200, "link", False),
       "a linked resource's document says so, without the link")
    eq(srv.get("/resources/no-such-paper")[0], 404, "an unknown resource is 404")
    eq(srv.get("/resources/Bad_Slug")[0], 404, "a malformed slug is 404")
    eq(srv.get("/resources?before=garbage")[0], 400, "a malformed cursor is 400")
    s, h, b = srv.html("/sitemaps/pages.xml")
    contains(b, "/resources/" + PDF_SLUG + "</loc>", "the sitemap lists a resource")
    contains(b, "/resources</loc>", "and the list")
    s, h, b = srv.html("/")
    contains(b, "Educational Resources", "the sidebar has the resources block")
    contains(b, 'href="/resources/standalone-5g-core-migration-playbook"',
             "showing the newest white paper")
    contains(b, 'href="/resources">White Papers</a>', "the menu leads to /resources")
    # A draft is nowhere.
    sql(DB, "UPDATE resources SET published_at = NULL WHERE slug = ?",
        ("service-assurance-for-network-slices",))
    eq(srv.get("/resources/service-assurance-for-network-slices?x=1")[0], 404,
       "a draft has no page")
    sql(DB, "UPDATE resources SET published_at = ? WHERE slug = ?",
        (int(time.time()) - 11 * 86400, "service-assurance-for-network-slices"))


def editor_form(which, **over):
    row = sql(DB, "SELECT title, slug, summary, body_md, COALESCE(sponsor_id, 0),"
              " link_url FROM resources WHERE slug = ?", (which,))[0]
    f = {"title": row[0], "slug": row[1], "summary": row[2], "body_md": row[3],
         "sponsor_id": str(row[4]), "cover": "", "link_url": row[5], "published": "1"}
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def test_edit_drops_pages():
    i = rid(PDF_SLUG)
    for p in ("/resources", "/resources/" + PDF_SLUG, "/api/v1/sections",
              "/api/v1/resources/" + PDF_SLUG):
        srv.get(p)
        eq(srv.get(p)[1].get("x-cache"), "hit", "%s is cached before the edit" % p)
    s, h, b = post("/admin/resources/%d" % i, "editor",
                   editor_form(PDF_SLUG, title="Fiber Monitoring, Revised"))
    eq(s, 303, "an editor saves")
    s, h, b = srv.html("/resources/" + PDF_SLUG)
    contains(b, "Fiber Monitoring, Revised", "the page shows the new title at once")
    eq(h.get("x-cache"), "miss", "rendered afresh")
    contains(srv.html("/resources")[2], "Fiber Monitoring, Revised", "so does the list")
    s, h, j = srv.json("/api/v1/resources/" + PDF_SLUG)
    eq(j["resource"]["title"], "Fiber Monitoring, Revised", "and its API document")
    eq(srv.get("/api/v1/sections")[1].get("x-cache"), "hit",
       "a document that shows no resource stays cached")
    # Unpublishing takes it off the list and its page.
    s, h, b = post("/admin/resources/%d" % i, "editor", editor_form(PDF_SLUG, published=None))
    eq(s, 303, "an editor unpublishes")
    eq(srv.get("/resources/" + PDF_SLUG)[0], 404, "an unpublished resource is gone")
    ok(PDF_SLUG not in srv.html("/resources")[2], "and off the list")
    eq(post("/admin/resources/%d" % i, "editor", editor_form(PDF_SLUG))[0], 303,
       "and publishes it again")
    eq(srv.get("/resources/" + PDF_SLUG)[0], 200, "it is back")
    # Bad input changes nothing.
    before = sql(DB, "SELECT title, updated_at FROM resources WHERE id = ?", (i,))
    for name, over, want in (
            ("no title", {"title": ""}, 422),
            ("a bad slug", {"slug": "Not A Slug"}, 422),
            ("an unknown sponsor", {"sponsor_id": "999999"}, 422),
            ("a cover that is no image", {"cover": "a" * 64}, 422),
            ("a link that is not http", {"link_url": "javascript:alert(1)"}, 422),
            ("a taken slug", {"slug": LINK_SLUG}, 409)):
        eq(post("/admin/resources/%d" % i, "editor", editor_form(PDF_SLUG, **over))[0],
           want, "%s: %d" % (name, want))
    eq(post("/admin/resources/%d" % i, "editor", editor_form(PDF_SLUG), csrf="forged")[0],
       403, "a forged token: 403")
    eq(sql(DB, "SELECT title, updated_at FROM resources WHERE id = ?", (i,)), before,
       "and nothing changed")


def test_gate_refuses_bad_input():
    r = Reader("198.51.100.7")
    n = leads()
    cases = [
        ("no consent", dict(GOOD, consent=None), 422, "Tick the box"),
        ("a malformed address", dict(GOOD, email="not-an-address"), 422, "email address"),
        ("an empty name", dict(GOOD, name="  "), 422, "your name"),
        ("an empty company", dict(GOOD, company=""), 422, "your company"),
        ("an empty job title", dict(GOOD, job_title=""), 422, "job title"),
        ("a name too long", dict(GOOD, name="x" * 201), 422, "your name"),
        # Refused where every form is read (docs/text.md), naming the field.
        ("a line break in the company", dict(GOOD, company="A\r\nBcc: x@example.com"), 422,
         "The field &quot;company&quot; holds a line break"),
        ("no company field", dict(GOOD, company=None), 400, "must carry"),
    ]
    for name, fields, want, says in cases:
        fields = {k: v for k, v in fields.items() if v is not None}
        s, h, b = r.ask(PDF_SLUG, fields)
        eq(s, want, "%s: %d" % (name, want))
        contains(b, says, "%s: the form says why" % name)
    s, h, b = r.ask(PDF_SLUG, GOOD, csrf=None)
    eq(s, 403, "no token: 403")
    s, h, b = r.ask(PDF_SLUG, GOOD, csrf="forged")
    eq(s, 403, "a forged token: 403")
    s, h, b = srv.request("POST", "/resources/%s/access" % PDF_SLUG,
                          {"Content-Type": "text/plain"}, "name=x")
    ok(s in (403, 415), "a body that is not a form is refused", s)
    tok = form_token(r.get("/resources/%s/access" % PDF_SLUG)[2].decode())
    eq(r.ask("no-such-paper", GOOD, csrf=tok)[0], 404, "an unknown resource: 404")
    eq(leads(), n, "nothing was stored")
    s, h, b = r.ask(PDF_SLUG, dict(GOOD, consent=None, company="Fibre & Co"))
    contains(b, 'value="Fibre &amp; Co"', "a refused form keeps what was typed")


def test_lead_and_link():
    r = Reader("203.0.113.9")
    n = leads(PDF_SLUG)
    t0 = int(time.time())
    s, h, b = r.ask(PDF_SLUG, GOOD)
    eq(s, 200, "a complete form gets the download page")
    eq(h.get("cache-control"), "private, no-store", "which no cache keeps")
    eq(leads(PDF_SLUG), n + 1, "one lead is stored")
    row = sql(DB, "SELECT name, email, company, job_title, consent, consent_ip, user_id"
              " FROM resource_leads ORDER BY id DESC LIMIT 1")[0]
    eq(row[:4], ("Dana Okafor", "dana@example.com", "Fibreco", "Network Planner"),
       "with what the reader gave (the address lowercased)")
    contains(row[4], "may contact me", "the consent text the reader agreed to")
    eq(row[5], "203.0.113.9", "and the client address")
    ok(row[6] in (None, ""), "signed out: no account", row[6])
    link = link_in(b)
    ok(link is not None, "the page has the link", b[:400])
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    ok(t0 + TTL - 5 <= int(q["exp"]) <= int(time.time()) + TTL + 5,
       "the link lives resource_link_ttl seconds", q)
    msgs = mails_to("dana@example.com", 1)
    eq(len(msgs), 1, "the link comes by email too")
    if msgs:
        contains(body_of(msgs[0]), link, "the same link")
    s, h, data = srv.get(link)
    eq(s, 200, "the link downloads")
    eq(h.get("content-type"), "application/pdf", "a PDF")
    eq(h.get("content-disposition"), 'attachment; filename="%s.pdf"' % PDF_SLUG,
       "as an attachment")
    eq(h.get("cache-control"), "private, no-store", "kept by no cache")
    ok(data.startswith(b"%PDF-"), "the bytes are the PDF", data[:20])
    ok(h.get("x-cache") is None, "never from the page cache")
    fh = sql(DB, "SELECT file_hash FROM resources WHERE slug = ?", (PDF_SLUG,))[0][0]
    eq(srv.get("/media/%s.pdf" % fh)[0], 404, "/media/ does not serve the PDF")
    # Tampering.
    lead, exp, sig = int(q["lead"]), int(q["exp"]), q["sig"]
    base = "/resources/%s/download" % PDF_SLUG
    for name, qs in (
            ("a changed character", "lead=%d&exp=%d&sig=%s" % (
                lead, exp, sig[:-1] + ("A" if sig[-1] != "A" else "B"))),
            ("a later time", "lead=%d&exp=%d&sig=%s" % (lead, exp + 86400, sig)),
            ("another lead", "lead=%d&exp=%d&sig=%s" % (lead + 1000, exp, sig)),
            ("no signature", "lead=%d&exp=%d" % (lead, exp)),
            ("a cut signature", "lead=%d&exp=%d&sig=%s" % (lead, exp, sig[:20])),
            ("a time that is no number", "lead=%d&exp=soon&sig=%s" % (lead, sig))):
        eq(srv.get(base + "?" + qs)[0], 403, "%s: 403" % name)
    eq(srv.get("/resources/%s/download?lead=%d&exp=%d&sig=%s" % (
        LINK_SLUG, lead, exp, sig))[0], 403, "a genuine link under another resource: 403")
    past = int(time.time()) - 10
    s, h, b = srv.html(base + "?lead=%d&exp=%d&sig=%s" % (lead, past, sign(lead, past)))
    eq(s, 410, "a genuine link past its time: 410")
    contains(b, "expired", "saying so")
    eq(srv.get(base + "?lead=%d&exp=%d&sig=%s" % (lead, exp, sign(lead, exp)))[0], 200,
       "a link signed here with the site's key works: the key is the one in site_keys")
    when = sql(DB, "SELECT published_at FROM resources WHERE slug = ?", (PDF_SLUG,))[0][0]
    sql(DB, "UPDATE resources SET published_at = NULL WHERE slug = ?", (PDF_SLUG,))
    s, h, b = srv.html(link)
    eq(s, 410, "once the resource is unpublished, its links answer 410")
    contains(b, "withdrawn", "saying it was withdrawn")
    sql(DB, "UPDATE resources SET published_at = ? WHERE slug = ?", (when, PDF_SLUG))
    eq(srv.get(link)[0], 200, "and work again when it is published again")


def test_external_link():
    r = Reader("203.0.113.10")
    s, h, b = r.ask(LINK_SLUG, dict(GOOD, email="lin@example.com"))
    eq(s, 200, "a linked resource also asks for the details")
    link = link_in(b)
    s, h, b = srv.get(link)
    eq(s, 303, "its link sends the reader on")
    eq(h.get("location"), "https://www.cisco.com/", "to the external page")
    eq(h.get("cache-control"), "private, no-store", "a redirect no cache keeps")
    eq(srv.get(link.replace("sig=", "sig=x"))[0], 403, "and only with a genuine link")


def test_one_click():
    s, h, b = get("/resources/%s/access" % PDF_SLUG, "member")
    ok('name="oneclick"' not in b.decode(), "an incomplete profile gets the form")
    eq(post("/resources/%s/access" % PDF_SLUG, "member", {"oneclick": "1"})[0], 422,
       "a one-click request without a complete profile: 422")
    eq(post("/account/profile", "member", {"company": "Telco One", "job_title": "x\n"})[0],
       422, "a job title with a line break is refused")
    eq(post("/account/profile", "member", {"company": "Telco One"})[0], 400,
       "a profile form without a job title is 400")
    eq(post("/account/profile", "member", {"company": "Telco One", "job_title": "CTO"},
            csrf="forged")[0], 403, "a forged token: 403")
    eq(sql(DB, "SELECT count(*) FROM users WHERE email = 'member@example.com'"
           " AND company = '' AND job_title = ''")[0][0], 1, "nothing changed")
    s, h, b = post("/account/profile", "member", {"company": "Telco One", "job_title": "CTO"})
    eq(s, 303, "a reader saves company and job title")
    contains(get("/account", "member")[2].decode(), 'value="Telco One"', "the account shows them")
    s, h, b = get("/resources/%s/access" % PDF_SLUG, "member")
    b = b.decode()
    contains(b, 'name="oneclick"', "a complete profile gets the one-click button")
    contains(b, "Telco One", "naming the details it will send")
    n = leads(PDF_SLUG)
    eq(post("/resources/%s/access" % PDF_SLUG, "member", {"oneclick": "1"}, csrf="forged")[0],
       403, "one click is still a POST with a CSRF token")
    s, h, b = post("/resources/%s/access" % PDF_SLUG, "member", {"oneclick": "1"})
    eq(s, 200, "one click downloads")
    ok(link_in(b) is not None, "with the link")
    eq(leads(PDF_SLUG), n + 1, "and is recorded as a lead")
    row = sql(DB, "SELECT name, email, company, job_title, user_id FROM resource_leads"
              " ORDER BY id DESC LIMIT 1")[0]
    eq(row[:4], ("Member Reader", "member@example.com", "Telco One", "CTO"),
       "from the reader's profile")
    eq(row[4], sql(DB, "SELECT id FROM users WHERE email = 'member@example.com'")[0][0],
       "tied to the account")


def multipart(fields, files, boundary="XyZ"):
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary, k, v)).encode()
    for k, (fname, data, ctype) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (boundary, k, fname, ctype)).encode()
        out += data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def upload(who, i, data, ctype="application/pdf", csrf=True):
    cookie, tok = sign_in(who)
    body = multipart({"csrf": tok if csrf is True else csrf},
                     {"file": ("x.pdf", data, ctype)})
    s, h, b = srv.request("POST", "/admin/resources/%d/file" % i, {
        "Cookie": cookie, "Content-Type": "multipart/form-data; boundary=XyZ"}, body)
    return s, h, b.decode("utf-8", "replace")


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
       b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_upload():
    n = sql(DB, "SELECT count(*) FROM resources")[0][0]
    s, h, b = post("/admin/resources", "editor", {"title": "A Paper To Upload",
                                                  "published": "1"})
    eq(s, 422, "a white paper published with neither a PDF nor a link: 422")
    contains(b, "with its PDF or an external link", "the editor says why")
    eq(sql(DB, "SELECT count(*) FROM resources")[0][0], n, "and nothing is made")
    s, h, b = post("/admin/resources", "editor", {"title": "A Paper To Upload"})
    eq(s, 303, "an editor adds it unpublished")
    i = rid("a-paper-to-upload")
    eq(srv.get("/resources/a-paper-to-upload")[0], 404, "readers do not see it yet")
    s, h, b = post("/admin/resources/%d" % i, "editor", {"title": "A Paper To Upload",
                                                         "published": "1"})
    eq(s, 422, "it cannot be published before its PDF is uploaded")
    eq(srv.get("/resources/a-paper-to-upload")[0], 404, "so readers still do not see it")
    # One published before that rule, with nothing to give, takes no lead.
    sql(DB, "UPDATE resources SET published_at = ? WHERE id = ?", (int(time.time()), i))
    r = Reader("203.0.113.11")
    s, h, b = r.ask("a-paper-to-upload", dict(GOOD, email="early@example.com"))
    eq(s, 422, "a white paper published without a file or a link takes no lead")
    eq(leads("a-paper-to-upload"), 0, "and nothing was stored")
    sql(DB, "UPDATE resources SET published_at = NULL WHERE id = ?", (i,))
    before = sql(DB, "SELECT file_hash, file_bytes FROM resources WHERE id = ?", (i,))
    eq(upload("editor", i, PNG, "application/pdf")[0], 415,
       "a PNG (whatever its Content-Type says) is 415")
    eq(upload("editor", i, b"%PDF" + b"-" * 0 + b"x" * 10)[0], 415,
       "bytes that only look like a PDF: 415")
    big = b"%PDF-1.4\n" + b"0" * MAX_UPLOAD
    eq(upload("editor", i, big)[0], 413, "a PDF over max_upload is 413")
    eq(upload("editor", i, b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD * 3))[0], 413,
       "a body far over it too")
    eq(upload("editor", i, b"%PDF-1.4\n%%EOF\n", csrf="forged")[0], 403,
       "a forged token: 403")
    eq(upload("author", i, b"%PDF-1.4\n%%EOF\n")[0], 403, "an author may not upload")
    eq(sql(DB, "SELECT file_hash, file_bytes FROM resources WHERE id = ?", (i,)), before,
       "nothing was stored")
    pdf = b"%PDF-1.4\n% a tiny test file\n%%EOF\n"
    s, h, b = upload("editor", i, pdf)
    eq(s, 303, "a PDF is stored")
    s, h, b = post("/admin/resources/%d" % i, "editor", {"title": "A Paper To Upload",
                                                         "published": "1"})
    eq(s, 303, "with its PDF the white paper is published")
    contains(srv.html("/resources/a-paper-to-upload")[2], "A Paper To Upload",
             "and readers see it")
    fh = hashlib.sha256(pdf).hexdigest()
    eq(sql(DB, "SELECT file_hash, file_bytes FROM resources WHERE id = ?", (i,))[0],
       (fh, len(pdf)), "the row names it by its SHA-256")
    ok(os.path.exists(os.path.join(MEDIA, fh + ".pdf")), "the file is in the media directory")
    eq(srv.get("/media/%s.pdf" % fh)[0], 404, "which /media/ refuses to serve")
    s, h, b = r.ask("a-paper-to-upload", dict(GOOD, email="early@example.com"))
    eq(s, 200, "now readers can ask for it")
    s, h, data = srv.get(link_in(b))
    eq(data, pdf, "and get exactly the uploaded bytes")


def test_leads_csv_and_roles():
    r = Reader("203.0.113.12")
    s, h, b = r.ask(PDF_SLUG, {"name": "=HYPERLINK(\"http://x\")", "email": "csv@example.com",
                               "company": "+Corp", "job_title": "-Head, \"Ops\"",
                               "consent": "yes"})
    eq(s, 200, "a lead with formula-like cells is stored as given")
    i = rid(PDF_SLUG)
    s, h, b = get("/admin/resources/%d/leads" % i, "editor")
    eq(s, 200, "an editor sees the leads")
    contains(b.decode(), "csv@example.com", "listing the lead")
    s, h, b = get("/admin/resources/%d/leads.csv" % i, "editor")
    eq(s, 200, "and exports them")
    eq(h.get("content-type"), "text/csv; charset=utf-8", "as CSV")
    ok("attachment" in h.get("content-disposition", ""), "an attachment")
    rows = list(csv.reader(io.StringIO(b.decode())))
    eq(rows[0], ["name", "email", "company", "job_title", "consent", "consent_ip",
                 "created_at"], "with a header")
    row = [x for x in rows if x[1] == "csv@example.com"][0]
    eq(row[0], "'=HYPERLINK(\"http://x\")", "a leading = is defused")
    eq(row[2], "'+Corp", "so is a +")
    eq(row[3], "'-Head, \"Ops\"", "and a -, with quotes and commas intact")
    eq(row[5], "203.0.113.12", "the client address is in it")
    for who in ("member", "contributor", "author"):
        for path in ("/admin/resources", "/admin/resources/new", "/admin/resources/%d" % i,
                     "/admin/resources/%d/leads" % i, "/admin/resources/%d/leads.csv" % i):
            eq(get(path, who)[0], 403, "%s: %s is 403" % (who, path))
    n = sql(DB, "SELECT count(*) FROM resources")[0][0]
    eq(post("/admin/resources", "author", {"title": "Not Allowed"})[0], 403,
       "an author cannot add one")
    eq(sql(DB, "SELECT count(*) FROM resources")[0][0], n, "nothing was added")
    s, h, b = srv.get("/admin/resources/%d/leads.csv" % i)
    ok(s in (302, 303), "signed out: sent to sign in", s)
    eq(get("/admin/resources", "admin")[0], 200, "an admin manages them too")


def test_rate_limit():
    r = Reader("192.0.2.200")
    got = []
    for k in range(12):
        got.append(r.ask(LINK_SLUG, dict(GOOD, email="same@example.com"))[0])
    eq(got[:10], [200] * 10, "ten requests an hour per address")
    eq(got[10], 429, "the next is 429")


def cleanup():
    # The exit status tells whether the sanitizers found a leak or an error.
    rc = srv.stop()
    SINK.close()
    return rc


if __name__ == "__main__":
    run_tests([test_pages, test_edit_drops_pages, test_gate_refuses_bad_input,
               test_lead_and_link, test_external_link, test_one_click, test_upload,
               test_leads_csv_and_roles, test_rate_limit], cleanup)
