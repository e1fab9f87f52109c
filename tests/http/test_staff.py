"""Staffing a newsroom without the command line: the one-time setup link
`masthead serve` prints while no admin exists (the owner's account made
in the browser, the link dead once used), invitations an admin sends
from /admin/users (a pending account that cannot sign in, a single-use
link read back from a real SMTP server, 7 days, stored hashed, re-sent on
a second invitation), and the mail identity: the From of the site's mail
(the publication's name at the host of base_url) shown on /admin/settings
with a test message."""
import hashlib
import re
import subprocess
import tempfile
import time

from harness import BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql
from smtpsink import SmtpSink, body_of

SINK = SmtpSink()
PW = "a passphrase long enough"
SETUP_LINE = re.compile(r"^Open (http://127\.0\.0\.1:\d+)(/setup/[A-Za-z0-9_-]{43}) "
                        r"to create the first admin account$", re.M)
SERVERS = []


def server(db, args=()):
    srv = Server(db=db, args=["--real_ip_header", "X-Real-IP", "--smtp_host", "127.0.0.1",
                              "--smtp_port", str(SINK.port)] + list(args))
    SERVERS.append(srv)
    return srv


def add_user(db, email, role, name=None):
    subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                    name or role.title(), email], input=PW, text=True, check=True,
                   capture_output=True)


def mails_to(addr, n, timeout=5):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = SINK.to(addr)
        if len(got) >= n:
            return got
        time.sleep(0.02)
    return SINK.to(addr)


def link_in(msg, kind):
    m = re.search(r"https?://[^/\s]+(/%s/[A-Za-z0-9_-]{43})" % kind, body_of(msg))
    return m.group(1) if m else None


def sha(tok):
    return hashlib.sha256(tok.encode()).hexdigest()


def count(db, statement, params=()):
    return sql(db, statement, params)[0][0]


def test_setup_link():
    db = demo_db(tempfile.mkdtemp(prefix="masthead-staff-"))
    eq(count(db, "SELECT count(*) FROM users WHERE role = 'admin'"), 0, "the demo has no admin")
    # The demo's only accounts are its awards judges, readers.
    readers = count(db, "SELECT count(*) FROM users")
    srv = server(db)
    time.sleep(0.2)
    m = SETUP_LINE.search(srv.output())
    ok(m, "serve prints the setup link", srv.output()[-500:])
    if not m:
        return
    eq(m.group(1), "http://127.0.0.1:%d" % srv.port, "at the site's URL")
    path = m.group(2)
    tok = path.rsplit("/", 1)[1]
    rows = [r[0] for r in sql(db, "SELECT token_hash FROM staff_tokens WHERE purpose = 'setup'")]
    ok(sha(tok) in rows, "the database keeps the link's SHA-256")
    ok(all(tok not in str(r) for r in sql(db, "SELECT * FROM staff_tokens")),
       "and never the token itself")

    for bad in ("/setup/" + "A" * 43, "/setup/short", "/setup/" + tok[:-1] + "!"):
        eq(srv.get(bad)[0], 404, "a wrong setup link is not found: " + bad[:20])
    b = Client(srv, "192.0.2.21")
    s, h, page = b.get(path)
    eq(s, 200, "the setup link shows a form")
    contains(page, "Create the first admin account", "to create the first admin account")
    eq(h.get("referrer-policy"), "no-referrer", "and leaks no token in a Referer")
    for f in ("name", "email", "password", "password2", "site_name"):
        contains(page, 'name="%s"' % f, "the form asks for " + f)

    good = [("name", "Olive Owner"), ("email", "Owner@Example.com"), ("password", PW),
            ("password2", PW), ("site_name", "The Daily Owl")]
    s, h, page = b.post(path, good)
    eq(s, 403, "without the CSRF token: 403")
    cases = [
        ("name", "", "Name:"),
        ("email", "not an address", "Email:"),
        ("password", "short", "Password:"),
        ("password2", "something else entirely", "Password: the two passwords differ"),
        ("site_name", "x" * 101, "Publication name:"),
        ("site_name", "two\x07lines", "site_name"),
    ]
    for field, value, says in cases:
        fields = [(k, value if k == field else v) for k, v in good]
        s, h, page = b.post(path, fields, csrf_from=path)
        eq(s, 422, "a bad %s: 422" % field)
        contains(page, says, "naming the field " + field)
    eq(count(db, "SELECT count(*) FROM users"), readers, "nothing was created")
    s, h, page = b.post(path, [(k, v) for k, v in good if k != "password2"], csrf_from=path)
    eq(s, 422, "a missing field: 422")

    s, h, page = b.post(path, good, csrf_from=path)
    eq(s, 303, "the setup form creates the account")
    eq(h.get("location"), "/admin", "and goes to the newsroom")
    ok(b.cookies.get("mh_session"), "signed in")
    s, h, page = b.get("/admin")
    eq(s, 200, "the owner sees /admin")
    contains(page, "Olive Owner", "as themselves")
    rows = sql(db, "SELECT email, role, CASE WHEN verified_at > 0 THEN 1 ELSE 0 END FROM users"
               " WHERE role <> 'member'")
    eq(rows, [("owner@example.com", "admin", 1)], "one admin, its address confirmed")
    eq(sql(db, "SELECT value FROM settings WHERE key = 'site_name'")[0][0], "The Daily Owl",
       "the publication's name is saved")
    contains(srv.html("/")[2], "The Daily Owl", "and shown on the site")

    eq(b.get(path)[0], 404, "the used link is not found any more")
    s, h, page = b.post(path, good, csrf_from="/signin")
    eq(s, 404, "nor can it be posted to again")
    eq(count(db, "SELECT count(*) FROM users"), readers + 1, "still one account more")
    eq(b.sign_in("owner@example.com", PW), 303, "the owner signs in with the password")

    srv.stop()
    SERVERS.remove(srv)
    srv2 = server(db)
    time.sleep(0.2)
    ok(not SETUP_LINE.search(srv2.output()) and "/setup/" not in srv2.output(),
       "with an admin, serve prints no setup link", srv2.output()[-300:])
    t0 = time.time()
    while time.time() - t0 < 5 and count(db, "SELECT count(*) FROM staff_tokens") > 0:
        time.sleep(0.1)
    eq(count(db, "SELECT count(*) FROM staff_tokens"), 0,
       "the jobs thread's housekeeping deletes the used setup link")


def test_setup_link_dies_when_an_admin_appears():
    db = demo_db(tempfile.mkdtemp(prefix="masthead-staff-"))
    srv = server(db)
    time.sleep(0.2)
    m = SETUP_LINE.search(srv.output())
    ok(m, "serve prints a setup link")
    if not m:
        return
    eq(srv.get(m.group(2))[0], 200, "it works")
    add_user(db, "cli@example.com", "admin")
    eq(srv.get(m.group(2))[0], 404, "until an admin is made another way")


def invite_server():
    db = demo_db(tempfile.mkdtemp(prefix="masthead-staff-"))
    add_user(db, "boss@example.com", "admin", "Bea Boss")
    add_user(db, "ed@example.com", "editor", "Ed Itor")
    return db, server(db, ["--base_url", "https://news.example.com"])


DB, SRV = None, None
AUTHOR = None


def invite(b, **kw):
    fields = {"email": "", "name": "", "role": "author", "author": "", "author_slug": ""}
    fields.update(kw)
    return b.post("/admin/users/invite", list(fields.items()), csrf_from="/admin/users")


def test_invite_refusals():
    global DB, SRV, AUTHOR
    DB, SRV = invite_server()
    AUTHOR = sql(DB, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
    ok(not SETUP_LINE.search(SRV.output()), "a site with an admin prints no setup link")
    anon = Client(SRV, "192.0.2.31")
    s, h, _ = anon.post("/admin/users/invite", [("email", "x@example.com")])
    eq(s, 303, "signed out, the invitation form sends to sign in")
    ed = Client(SRV, "192.0.2.32")
    eq(ed.sign_in("ed@example.com", PW), 303, "an editor signs in")
    s, h, _ = invite(ed, email="new@example.com", name="New")
    eq(s, 403, "an editor cannot invite (403)")
    boss = Client(SRV, "192.0.2.33")
    eq(boss.sign_in("boss@example.com", PW), 303, "the admin signs in")
    s, h, page = boss.get("/admin/users")
    contains(page, 'action="/admin/users/invite"', "the users page has the invitation form")
    contains(page, 'value="%s"' % AUTHOR, "offering the author profiles")
    s, h, _ = boss.post("/admin/users/invite", [("email", "new@example.com"), ("name", "New"),
                                                 ("role", "author")])
    eq(s, 403, "without the CSRF token: 403")
    before = sql(DB, "SELECT count(*) FROM users")[0][0]
    cases = [
        (dict(email="not an address", name="New"), "Email:"),
        (dict(email="x" * 300 + "@example.com", name="New"), "Email:"),
        (dict(email="new@example.com", name=""), "Name:"),
        (dict(email="new@example.com", name="New", role="member"), "Role:"),
        (dict(email="new@example.com", name="New", role="boss"), "Role:"),
        (dict(email="new@example.com", name="New", author="no-such-author"), "Author profile:"),
        (dict(email="new@example.com", name="New", author="Bad Slug!"), "Author profile:"),
        (dict(email="new@example.com", name="New", author="new", author_slug="Bad Slug"),
         "Author profile:"),
        (dict(email="new@example.com", name="New", author="new", author_slug=AUTHOR),
         "Author profile: that slug is taken"),
        (dict(email="boss@example.com", name="Boss Again"), "already has an account"),
    ]
    for kw, says in cases:
        s, h, page = invite(boss, **kw)
        ok(s in (409, 422), "refused (%d): %s" % (s, says))
        contains(page, says, "naming the field: " + says)
    s, h, page = invite(boss, email="boss@example.com", name="Boss Again")
    eq(s, 409, "an address with an active account: 409")
    contains(page, 'value="Boss Again"', "the form keeps what was typed")
    eq(sql(DB, "SELECT count(*) FROM users")[0][0], before, "no account was made")
    eq(count(DB, "SELECT count(*) FROM staff_tokens"), 0, "no invitation stored")
    eq(count(DB, "SELECT count(*) FROM authors WHERE slug = 'bad-slug'"), 0, "no profile made")
    time.sleep(0.3)
    eq(len(SINK.to("new@example.com")), 0, "and no mail sent")


def test_invite_accept():
    boss = Client(SRV, "192.0.2.41")
    boss.sign_in("boss@example.com", PW)
    s, h, page = invite(boss, email="Nina.New@Example.com", name="Nina New", role="editor",
                        author=AUTHOR)
    eq(s, 303, "the invitation is sent")
    eq(h.get("location"), "/admin/users?done=invited", "back to the users page")
    s, h, page = boss.get("/admin/users?done=invited")
    contains(page, "The invitation is on its way", "saying so")
    contains(page, "Nina New <small>(invited)</small>", "the list shows the pending account")
    msgs = mails_to("nina.new@example.com", 1)
    eq(len(msgs), 1, "one message reaches the invitee")
    if not msgs:
        return
    m = msgs[0]
    contains(str(m["Subject"]), "You are invited to the newsroom of Light Reading",
             "an invitation to the publication")
    eq(str(m["From"]), "Light Reading <noreply@news.example.com>",
       "from the publication at the host of base_url")
    eq(m.envelope_from, "<noreply@news.example.com>", "the envelope too")
    contains(body_of(m), "Bea Boss invited you", "saying who invited")
    contains(body_of(m), "as editor", "and as what")
    link = link_in(m, "invite")
    ok(link, "with an invitation link", body_of(m))
    contains(body_of(m), "https://news.example.com/invite/", "at the site's public address")
    tok = link.rsplit("/", 1)[1]
    rows = sql(DB, "SELECT token_hash, expires_at - created_at FROM staff_tokens"
                   " WHERE purpose = 'invite'")
    eq([(r[0] == sha(tok), r[1]) for r in rows], [(True, 7 * 86400)],
       "kept as its SHA-256, for 7 days")
    eq(sql(DB, "SELECT role, password_hash, CASE WHEN verified_at IS NULL THEN 1 ELSE 0 END"
               " FROM users WHERE email = 'nina.new@example.com'"), [("editor", "", 1)],
       "a pending editor account without a password")

    nina = Client(SRV, "192.0.2.42")
    eq(nina.sign_in("nina.new@example.com", ""), 401, "the pending account cannot sign in")
    eq(nina.sign_in("nina.new@example.com", PW), 401, "with any password")

    s, h, page = nina.get(link)
    eq(s, 200, "the link shows a form")
    contains(page, "Welcome, Nina New", "greeting the invitee")
    contains(page, "<strong>editor</strong>", "with the role")
    eq(h.get("referrer-policy"), "no-referrer", "leaking no token")
    s, h, page = nina.post(link, [("password", "short"), ("password2", "short")], csrf_from=link)
    eq(s, 422, "a short password: 422")
    contains(page, "Password:", "naming the field")
    s, h, page = nina.post(link, [("password", PW), ("password2", PW + "x")], csrf_from=link)
    eq(s, 422, "two different passwords: 422")
    s, h, page = nina.post(link, [("password", PW), ("password2", PW)])
    eq(s, 403, "without the CSRF token: 403")
    eq(sql(DB, "SELECT password_hash FROM users WHERE email = 'nina.new@example.com'")[0][0], "",
       "still no password")

    s, h, page = nina.post(link, [("password", PW), ("password2", PW)], csrf_from=link)
    eq(s, 303, "choosing the password")
    eq(h.get("location"), "/admin", "goes to the newsroom")
    s, h, page = nina.get("/admin")
    eq(s, 200, "signed in as an editor")
    contains(page, "Nina New", "as the invitee")
    row = sql(DB, "SELECT u.role, a.slug, CASE WHEN u.verified_at > 0 THEN 1 ELSE 0 END"
                  " FROM users u"
                  " JOIN authors a ON a.id = u.author_id WHERE u.email = 'nina.new@example.com'")
    eq(row, [("editor", AUTHOR, 1)], "with the role and author profile, address confirmed")
    eq(nina.get(link)[0], 410, "the link works once")
    s, h, page = nina.post(link, [("password", PW), ("password2", PW)], csrf_from="/signin")
    eq(s, 410, "and cannot be posted again")
    eq(Client(SRV, "192.0.2.43").sign_in("nina.new@example.com", PW), 303,
       "she signs in with her password")
    s, h, page = invite(boss, email="nina.new@example.com", name="Nina Again")
    eq(s, 409, "inviting her again now: 409, she has an account")


def test_reinvite_and_expiry():
    boss = Client(SRV, "192.0.2.51")
    boss.sign_in("boss@example.com", PW)
    s, h, _ = invite(boss, email="rex@example.com", name="Rex", role="contributor")
    eq(s, 303, "an invitation")
    first = link_in(mails_to("rex@example.com", 1)[0], "invite")
    s, h, _ = invite(boss, email="rex@example.com", name="Rex Writer", role="author",
                     author="new", author_slug="rex-writer")
    eq(s, 303, "inviting the same address again")
    msgs = mails_to("rex@example.com", 2)
    eq(len(msgs), 2, "sends a new message")
    second = link_in(msgs[-1], "invite")
    ok(second and second != first, "with a new link")
    eq(count(DB, "SELECT count(*) FROM users WHERE email = 'rex@example.com'"), 1,
       "one account still")
    eq(sql(DB, "SELECT u.display_name, u.role, a.name FROM users u JOIN authors a"
               " ON a.id = u.author_id WHERE u.email = 'rex@example.com'"),
       [("Rex Writer", "author", "Rex Writer")],
       "the latest name and role, with a new author profile under that name")
    eq(SRV.get("/author/rex-writer")[0], 200, "the new profile has its page")
    rex = Client(SRV, "192.0.2.52")
    eq(rex.get(first)[0], 410, "the first link no longer works")
    eq(rex.get(second)[0], 200, "the second one does")
    sql(DB, "UPDATE staff_tokens SET expires_at = ? WHERE purpose = 'invite'",
        (int(time.time()) - 1,))
    s, h, page = rex.get(second)
    eq(s, 410, "an expired invitation: 410")
    contains(page, "no longer works", "saying so")
    s, h, page = rex.post(second, [("password", PW), ("password2", PW)], csrf_from="/signin")
    eq(s, 410, "and it cannot be used")
    eq(rex.get("/invite/" + "A" * 43)[0], 410, "an unknown link: 410")
    eq(rex.get("/invite/short")[0], 410, "a malformed one too")


def test_settings_mail_identity():
    boss = Client(SRV, "192.0.2.61")
    boss.sign_in("boss@example.com", PW)
    s, h, page = boss.get("/admin/settings")
    eq(s, 200, "the settings page")
    contains(page, 'class="mail-from">Light Reading &lt;noreply@news.example.com&gt;',
             "shows the From: the publication's name at base_url's host")
    ok("mail-warning" not in page, "with base_url set, no warning")
    contains(page, "through the SMTP server 127.0.0.1", "and how mail leaves")
    s, h, _ = boss.post("/admin/settings/mail-test", [])
    eq(s, 403, "a test message without the CSRF token: 403")
    s, h, _ = boss.post("/admin/settings/mail-test", [], csrf_from="/admin/settings")
    eq(s, 303, "Send test message")
    s, h, page = boss.get(h.get("location", "/admin/settings"))
    contains(page, "A test message to boss@example.com is queued", "reports the result")
    msgs = mails_to("boss@example.com", 1)
    eq(len(msgs), 1, "the message reaches the admin's own address")
    if msgs:
        eq(str(msgs[0]["From"]), "Light Reading <noreply@news.example.com>", "from the site")
        contains(str(msgs[0]["Subject"]), "Test message from Light Reading", "saying what it is")
    ed = Client(SRV, "192.0.2.62")
    ed.sign_in("ed@example.com", PW)
    eq(ed.get("/admin/settings")[0], 403, "an editor cannot see the settings (403)")
    s, h, _ = ed.post("/admin/settings/mail-test", [], csrf_from="/admin")
    eq(s, 403, "nor send a test message")
    time.sleep(0.3)
    eq(len(SINK.to("ed@example.com")), 0, "nothing was sent for the editor")


def test_settings_without_base_url():
    db = demo_db(tempfile.mkdtemp(prefix="masthead-staff-"))
    add_user(db, "owl@example.com", "admin", "Olly Owl")
    sql(db, "UPDATE settings SET value = ? WHERE key = 'site_name'", ("Owl & Co",))
    srv = server(db)
    b = Client(srv, "192.0.2.71")
    b.sign_in("owl@example.com", PW)
    s, h, page = b.get("/admin/settings")
    contains(page, 'class="mail-from">Owl &amp; Co &lt;noreply@localhost&gt;',
             "without base_url: the name at localhost")
    contains(page, "mail-warning", "with a warning")
    contains(page, "must be set for real delivery", "saying base_url must be set for real delivery")
    s, h, _ = b.post("/admin/settings/mail-test", [], csrf_from="/admin/settings")
    eq(s, 303, "a test message is still queued")
    msgs = mails_to("owl@example.com", 1)
    if msgs:
        eq(str(msgs[0]["From"]), "Owl & Co <noreply@localhost>", "from the site's name")
    else:
        ok(False, "the test message arrives")
    srv.stop()
    SERVERS.remove(srv)
    srv = server(db, ["--mail_from", "Desk <desk@owl.example>"])
    b = Client(srv, "192.0.2.72")
    b.sign_in("owl@example.com", PW)
    s, h, page = b.get("/admin/settings")
    contains(page, 'class="mail-from">Desk &lt;desk@owl.example&gt;', "mail_from wins when set")
    ok("mail-warning" not in page, "and needs no warning")


def cleanup():
    rc = 0
    for s in SERVERS:
        rc = s.stop() or rc
    SINK.close()
    return rc


run_tests([test_setup_link, test_setup_link_dies_when_an_admin_appears, test_invite_refusals,
           test_invite_accept, test_reinvite_and_expiry, test_settings_mail_identity,
           test_settings_without_base_url], cleanup)
