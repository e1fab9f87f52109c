"""Text that would break documents is refused where it comes in: every C0
control character but tab, LF and CR, DEL, the C1 controls,
noncharacters and bytes that are not UTF-8 (overlong forms, surrogates,
truncated sequences, past U+10FFFF), and line breaks in one-line fields.
Each way in is tried: the registration form's name, a comment and its
edit, the newsroom's story editor, the admin API's JSON (create and
update), the newsletter sign-up, an event registration, a subscriber CSV
import and the query string of a page.  Each refusal is a 422 (400 for a
query) whose message names the field, and leaves the database as it was;
tab, LF and CR in a body are taken, and the comment feed stays
well-formed XML."""
import json
import re
import subprocess
import tempfile
import urllib.parse
import xml.dom.minidom

from harness import (BIN, Server, Client, ok, eq, contains, run_tests, demo_db, sql,
                     cookies_of, form_token)

PW = "a passphrase long enough"
DB = demo_db(tempfile.mkdtemp(prefix="masthead-text-"))
TOKENS = {}
for who, role in (("reader", "member"), ("ed", "editor")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    who.title(), who + "@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
    TOKENS[who] = subprocess.run([BIN, "token", "add", "--db", DB, who + "@example.com"],
                                 check=True, capture_output=True, text=True).stdout.strip()
srv = Server(db=DB, args=["--real_ip_header", "X-Real-IP", "--comment_rate_user", "1000",
                          "--comment_rate_ip", "1000", "--outbox_dir",
                          tempfile.mkdtemp(prefix="masthead-text-outbox-")])
SECTION = sql(DB, "SELECT slug FROM sections ORDER BY id LIMIT 1")[0][0]
SLUG = sql(DB, "SELECT slug FROM articles WHERE status = 'published' AND type = 'news'"
               " ORDER BY published_at DESC, id DESC LIMIT 1")[0][0]
AID = sql(DB, "SELECT id FROM articles WHERE slug = ?", (SLUG,))[0][0]
EVENT = "sd-wan-digital-symposium"

# Every C0 control but tab, LF and CR (29 of them).
C0 = [chr(c) for c in range(0x20) if c not in (0x09, 0x0a, 0x0d)]
# DEL, C1 controls and noncharacters, each a well-formed UTF-8 character.
OTHER = ["\x7f", "\x80", "\x85", "\x9f", "\ufdd0", "\ufffe", "\uffff", "\U0010ffff"]
# Bytes that are not UTF-8, and the first bad byte of each.
BAD_UTF8 = [(b"\xc0\xaf", 0xc0), (b"\xc1\x81", 0xc1), (b"\xe0\x80\xaf", 0xe0),
            (b"\xf0\x80\x80\xaf", 0xf0), (b"\xed\xa0\x80", 0xed), (b"\xed\xbf\xbf", 0xed),
            (b"\xc3", 0xc3), (b"\xe2\x82", 0xe2), (b"\xf0\x9f\x93", 0xf0),
            (b"\xf4\x90\x80\x80", 0xf4), (b"\xf5\x80\x80\x80", 0xf5), (b"\xff", 0xff),
            (b"\x80", 0x80)]


def words_of(ch):
    """What the server calls a refused character."""
    c = ord(ch)
    if c == 0:
        return "control character (U+0000"
    if c in (0x0a, 0x0d):
        return "line break"
    if (0xfdd0 <= c <= 0xfdef) or (c & 0xfffe) == 0xfffe:
        return "noncharacter (U+%04X)" % c
    return "control character (U+%04X)" % c


def cases():
    """(label, bytes put in a value, what the message must say)."""
    out = [("U+%04X" % ord(ch), ch.encode(), words_of(ch)) for ch in C0]
    out += [("U+%04X" % ord(ch), ch.encode(), words_of(ch)) for ch in OTHER]
    out += [("bytes %s" % raw.hex(), raw, "not UTF-8 (0x%02X)" % first)
            for raw, first in BAD_UTF8]
    return out


def breaks():
    return [("LF", b"\n", "line break"), ("CR", b"\r", "line break"),
            ("CRLF", b"\r\n", "line break")]


def state():
    """What a refused input must leave as it was."""
    q = lambda s, p=(): sql(DB, s, p)
    return (q("SELECT count(*) FROM users"), q("SELECT display_name FROM users ORDER BY id"),
            q("SELECT id, body_md, updated_at FROM comments ORDER BY id"),
            q("SELECT count(*) FROM articles"),
            q("SELECT title, body_md, updated_at FROM articles WHERE id = ?", (AID,)),
            q("SELECT count(*) FROM article_revisions"),
            q("SELECT email FROM subscribers ORDER BY id"),
            q("SELECT count(*) FROM subscriptions"),
            q("SELECT email, name, company FROM registrations ORDER BY id"),
            q("SELECT count(*) FROM jobs"))


def marked(table, rid):
    """A row's body_md with tab, CR and LF shown as <TAB>, <CR>, <LF>:
    psql's output could not tell them from its own separators."""
    return sql(DB, "SELECT replace(replace(replace(body_md, ?, '<TAB>'), ?, '<CR>'), ?,"
                   " '<LF>') FROM " + table + " WHERE id = ?", ("\t", "\r", "\n", rid))[0][0]


SESS = {}


def sign_in(who):
    """(cookie, the session's CSRF token) of a signed-in account."""
    if who not in SESS:
        c = Client(srv, ip=None)
        c.sign_in(who + "@example.com", PW)
        SESS[who] = (c.cookie(), c.csrf("/signin"))
    return SESS[who]


def anon():
    """(cookie, token) of a reader who is not signed in."""
    s, h, b = srv.html("/newsletter")
    return "mh_csrf=" + cookies_of(h)["mh_csrf"], form_token(b)


def post_form(path, fields, cookie, ip="192.0.2.20"):
    """Posts fields (values str or bytes) urlencoded; (status, body text)."""
    s, h, b = srv.request("POST", path, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
        "X-Real-IP": ip}, urllib.parse.urlencode(fields))
    return s, h, b.decode("utf-8", "replace")


def api(method, path, body, who="ed"):
    """Sends body (bytes, or an object made JSON) with ed's token."""
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    s, h, b = srv.request(method, path, {
        "Authorization": "Bearer " + TOKENS[who], "Content-Type": "application/json"}, body)
    return s, h, b.decode("utf-8", "replace")


def named(body, field, html=True):
    """The message that names field, from an HTML error page or a JSON error."""
    if html:
        return 'The field &quot;%s&quot;' % field in body
    try:
        return ('The field "%s"' % field) in json.loads(body)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return False


def probe(what, field, send, status=422, html=True, lines=False):
    """Sends every refused value through send(value bytes) -> (status,
    body) and checks each answer: the status, the field named, what is
    wrong; then that nothing changed.  lines: the field is one line."""
    before = state()
    bad = []
    groups = {"C0": [], "DEL, C1, noncharacters": [], "not UTF-8": []}
    for label, raw, says in cases():
        group = ("C0" if label.startswith("U+00") and int(label[2:], 16) < 0x20 else
                 "not UTF-8" if label.startswith("bytes") else "DEL, C1, noncharacters")
        s, b = send(b"ok " + raw + b" tail")
        good = s == status and named(b, field, html) and says in b
        groups[group].append((label, good, s, b))
    for group, rows in groups.items():
        wrong = [(l, s, b[:400]) for l, g, s, b in rows if not g]
        ok(not wrong, "%s: each of %d %s values is %d, naming %s and what it holds"
           % (what, len(rows), group, status, field),
           "\n".join("%s: %d %s" % (l, s, re.sub(r"\s+", " ", b)[-300:]) for l, s, b in wrong[:5]))
    if lines:
        wrong = []
        for label, raw, says in breaks():
            s, b = send(b"one" + raw + b"two")
            if not (s == status and named(b, field, html) and says in b):
                wrong.append("%s: %d %s" % (label, s, b[-300:]))
        ok(not wrong, "%s: LF, CR and CRLF in the one-line %s are %d" % (what, field, status),
           "\n".join(wrong))
    eq(state(), before, "%s: none of them changed anything" % what)


def test_register_name():
    cookie, tok = anon()

    def send(v):
        s, h, b = post_form("/register", [("csrf", tok), ("email", "new@example.org"),
                                          ("name", v), ("password", PW)], cookie)
        return s, b
    probe("registration", "name", send, lines=True)
    s, h, b = post_form("/register", [("csrf", tok), ("email", "new@example.org"),
                                      ("name", "Ren\u00e9e Smith \U0001F4F0"), ("password", PW)],
                        cookie)
    eq(s, 200, "a name with accents and a four-byte character registers")
    eq(sql(DB, "SELECT display_name FROM users WHERE email = 'new@example.org'"),
       [("Ren\u00e9e Smith \U0001F4F0",)], "and is stored as sent")


def new_comment(text):
    cookie, tok = sign_in("reader")
    s, h, b = post_form("/article/%s/comment" % SLUG, [("csrf", tok), ("body", text)], cookie)
    m = re.match(r"/comments/(\d+)$", h.get("location", ""))
    return s, int(m.group(1)) if m else None


def test_comment_body():
    cookie, tok = sign_in("reader")

    def send(v):
        s, h, b = post_form("/article/%s/comment" % SLUG, [("csrf", tok), ("body", v)],
                            cookie)
        return s, b
    probe("a comment", "body", send)
    s, cid = new_comment("Tab\there,\r\nCRLF, LF\nand CR\ralone.")
    eq(s, 303, "a comment with tab, CRLF, LF and CR is taken")
    got = marked("comments", cid)
    ok("<TAB>" in got and "<CR><LF>" in got and "<LF>and CR<CR>alone" in got,
       "and keeps its tab and line breaks", got)
    s, h, b = srv.get("/article/%s/comments.atom" % SLUG)
    eq(s, 200, "the story's comment feed answers")
    try:
        xml.dom.minidom.parseString(b)
        ok(True, "and is well-formed XML")
    except Exception as e:
        ok(False, "and is well-formed XML", e)
    s, h, b = srv.get("/article/" + SLUG)
    ok(s == 200 and not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", b),
       "the story's page holds no control character")


def test_comment_edit():
    s, cid = new_comment("Before the edit")
    eq(s, 303, "a comment to edit")
    cookie, tok = sign_in("reader")

    def send(v):
        s, h, b = post_form("/comments/%d/edit" % cid, [("csrf", tok), ("body", v)], cookie)
        return s, b
    probe("a comment's edit", "body", send)
    eq(sql(DB, "SELECT body_md FROM comments WHERE id = ?", (cid,)), [("Before the edit",)],
       "the comment kept its text")
    s, h, b = post_form("/comments/%d/edit" % cid, [("csrf", tok), ("body", "After\r\nthe\tedit")],
                        cookie)
    eq(s, 303, "an edit with a tab and CRLF is saved")


def test_newsroom_editor():
    cookie, tok = sign_in("ed")
    base = [("csrf", tok), ("then", "update")]

    def send_title(v):
        s, h, b = post_form("/admin/articles/%d" % AID, base + [("title", v)], cookie)
        return s, b

    def send_body(v):
        s, h, b = post_form("/admin/articles/%d" % AID, base + [("body_md", v)], cookie)
        return s, b
    probe("the story editor", "title", send_title, lines=True)
    probe("the story editor", "body_md", send_body)
    s, h, b = post_form("/admin/articles/%d" % AID, base + [
        ("body_md", "Para one,\twith a tab.\r\n\r\nPara two.\rThree.")], cookie)
    eq(s, 303, "a body with tab, CRLF and CR is saved")
    body = marked("articles", AID)
    ok("one,<TAB>with" in body and "<LF><LF>Para two.<CR>Three." in body,
       "and stored (the editor keeps CRLF as LF)", body)
    s, h, b = post_form("/admin/articles", [("csrf", tok), ("then", "save")] + [
        ("title", "Ctl \x01 story"), ("section", SECTION), ("type", "news"),
        ("body_md", "x")], cookie)
    eq(s, 422, "creating a story with a control character in its headline is 422")


def test_api_articles():
    arts = "/api/v1/admin/articles"

    def create(field):
        def send(v):
            doc = {"title": "API story", "section": SECTION, "body_md": "Body."}
            doc[field] = "@@"
            body = json.dumps(doc).encode().replace(b"\"@@\"", b"\"" + esc(v) + b"\"")
            s, h, b = api("POST", arts, body)
            return s, b
        return send

    def esc(v):
        """A JSON string's contents for v: characters escaped as \\uXXXX
        (as a JSON encoder writes them), bytes that are not UTF-8 raw."""
        try:
            return json.dumps(v.decode("utf-8"))[1:-1].encode()
        except UnicodeDecodeError:
            return v

    def update(field):
        def send(v):
            body = json.dumps({field: "@@"}).encode().replace(b"\"@@\"", b"\"" + esc(v) + b"\"")
            s, h, b = api("PATCH", "%s/%d" % (arts, AID), body)
            return s, b
        return send
    probe("API create", "title", create("title"), html=False, lines=True)
    probe("API create", "body_md", create("body_md"), html=False)
    probe("API update", "title", update("title"), html=False, lines=True)
    probe("API update", "dek", update("dek"), html=False)
    before = state()
    for label, body, field in (
            ("an escaped lone surrogate", b'{"title": "a\\ud800b"}', "title"),
            ("an escaped low surrogate first", b'{"dek": "\\udc00\\ud800"}', "dek"),
            ("an escaped NUL", b'{"body_md": "a\\u0000b"}', "body_md"),
            ("a raw control byte", b'{"title": "a\x01b"}', "title"),
            ("an overlong byte in a list", b'{"tags": ["ok", "a\xc0\xafb"]}', "tags[1]")):
        s, h, b = api("PATCH", "%s/%d" % (arts, AID), body)
        ok(s == 422 and named(b, field, html=False),
           "API update with %s: 422 naming %s" % (label, field), "%d %s" % (s, b))
    s, h, b = api("PATCH", "%s/%d" % (arts, AID), b'{"ti\\u0001tle": "x"}')
    ok(s == 422 and "name of a field" in b, "a control character in a key: 422", "%d %s" % (s, b))
    eq(state(), before, "none of them changed anything")
    s, h, b = api("POST", arts, {"title": "Tab\tin a title", "section": SECTION,
                                 "body_md": "One\r\n\r\nTwo\nThree\rFour\tfive"})
    eq(s, 201, "a story with tab, CRLF, LF and CR in its body is created")
    s, h, b = api("POST", arts, b'{"title": "Good", "section": "' + SECTION.encode() +
                  b'", "body_md": "A \xf0\x9f\x93\xb0 and \\ud83d\\udcf0"}')
    eq(s, 201, "four-byte UTF-8 and an escaped surrogate pair are taken")
    s, h, b = api("POST", arts, b'{"title": "Bad" "x"}')
    eq(s, 400, "malformed JSON is still 400")


def test_newsletter_signup():
    cookie, tok = anon()

    def send(v):
        s, h, b = post_form("/newsletter", [("csrf", tok), ("email", v), ("n", "daily"),
                                            ("consent", "yes")], cookie)
        return s, b
    probe("the newsletter sign-up", "email", send, lines=True)


def test_event_registration():
    cookie, tok = anon()
    person = [("email", "reg@example.org"), ("consent", "yes")]

    def field(name):
        def send(v):
            fields = [("csrf", tok), ("name", "Ann"), ("company", "Example"),
                      ("job_title", "Planner")]
            fields = [(k, x) for k, x in fields if k != name] + [(name, v)] + person
            s, h, b = post_form("/events/%s/register" % EVENT, fields, cookie)
            return s, b
        return send
    probe("an event registration", "name", field("name"), lines=True)
    probe("an event registration", "company", field("company"), lines=True)
    s, h, b = srv.get("/events/%s/register?name=A%%01nn&email=ann%%40example.org" % EVENT)
    ok(s == 400 and "query parameter &quot;name&quot;" in b.decode("utf-8", "replace"),
       "the registration form's prefill with a control character is 400 naming it",
       "%d %s" % (s, b[-400:]))


def multipart(fields, data, boundary="TxBoundary9"):
    out = b""
    for k, v in fields:
        v = v if isinstance(v, bytes) else v.encode()
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                % (boundary, k)).encode() + v + b"\r\n"
    if data is not None:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\n" % boundary).encode() + data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def upload(data, consent=b"Signed up at the expo"):
    cookie, tok = sign_in("ed")
    s, h, b = srv.request("POST", "/admin/subscribers/import", {
        "Cookie": cookie, "Content-Type": "multipart/form-data; boundary=TxBoundary9"},
        multipart([("csrf", tok), ("mode", "optin"), ("consent", consent), ("n", "daily")],
                  data))
    return s, b.decode("utf-8", "replace")


def test_csv_import():
    before = state()
    wrong = []
    for label, raw, says in cases():
        s, b = upload(b"email,name\r\nfine@example.com,Fine\r\nbad@example.com,Na" + raw +
                      b"me\r\n")
        col = "column 19 (save" if label.startswith("bytes") else \
            "line 3, column 19 (field 2): a " + says
        if not (s == 422 and re.search(r"<td>3</td><td>[^<]*</td><td>[^<]*" + re.escape(col), b)):
            wrong.append("%s: %d %s" % (label, s, re.sub(r"\s+", " ", b)[-600:]))
    ok(not wrong, "CSV import: each of %d refused values in a name is 422 with its line "
       "and column" % len(cases()), "\n".join(wrong[:4]))
    s, b = upload(b"email,name\nbad@example.com,\"Two\nlines\"\n")
    ok(s == 422 and re.search(r"<td>2</td><td>[^<]*</td><td>[^<]*line 2, column 21 "
                              r"\(field 2\): a line break", b),
       "a line break in the one-line name column is 422 with its line and column",
       "%d %s" % (s, b[-600:]))
    s, b = upload(b"email,name\nok@example.com,Fine\n", consent=b"Said \x01 yes")
    ok(s == 422 and "The field &quot;consent&quot; holds a control character (U+0001)" in b,
       "a control character in the form's consent field is 422 naming it", b[-600:])
    eq(state(), before, "CSV import: none of them changed anything")
    s, b = upload(b"email,name,consent\nok@example.com,Tab\there,\"Said yes\r\nat the expo\"\n",
                  consent=b"Line one\r\nline two")
    eq(s, 200, "a tab in a name and line breaks in the consent column and field are taken")


def test_query_strings():
    for path in ("/search?q=", "/api/v1/search?q="):
        wrong = []
        for label, raw, says in cases() + breaks():
            s, h, b = srv.get(path + urllib.parse.quote(b"ok " + raw + b" tail"))
            b = b.decode("utf-8", "replace")
            if path.startswith("/api/"):
                try:
                    b = json.loads(b)["error"]["message"]
                except (ValueError, KeyError):
                    pass
            if not (s == 400 and ('query parameter "q"' in b or
                                  "query parameter &quot;q&quot;" in b) and says in b):
                wrong.append("%s: %d %s" % (label, s, b[-300:]))
        ok(not wrong, "%s: each refused value is 400 naming the parameter" % path,
           "\n".join(wrong[:4]))
    s, h, b = srv.get("/search?q=" + urllib.parse.quote("5G\tfibre"))
    eq(s, 200, "a tab in a search is searched")
    s, h, b = srv.get("/search?q=%zz")
    ok(s == 400 and b"bad %-escape" in b, "a bad escape says so (400)", b[-300:])


def test_raw_form_bytes():
    """Bytes sent unescaped in a form body are held to the same rules."""
    cookie, tok = sign_in("reader")
    before = state()
    for label, raw in (("a raw control byte", b"\x01"), ("a raw overlong", b"\xc0\xaf"),
                       ("a raw C1 control", b"\xc2\x85")):
        s, h, b = srv.request("POST", "/article/%s/comment" % SLUG, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
            b"csrf=" + tok.encode() + b"&body=ok+" + raw + b"+tail")
        ok(s == 422 and named(b.decode("utf-8", "replace"), "body"),
           "a comment with %s unescaped: 422 naming body" % label, "%d" % s)
    s, h, b = srv.request("POST", "/article/%s/comment" % SLUG, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        b"csrf=" + tok.encode() + b"&bo%01dy=x")
    ok(s == 422 and b"name of a field" in b, "a control character in a field's name: 422",
       "%d" % s)
    eq(state(), before, "none of them changed anything")


run_tests([test_register_name, test_comment_body, test_comment_edit, test_newsroom_editor,
           test_api_articles, test_newsletter_signup, test_event_registration,
           test_csv_import, test_query_strings, test_raw_form_bytes], srv.stop)
