"""ActivityPub (docs/activitypub.md).  The test plays a remote server:
http.server on a free loopback port (activitypub_private 1 lets masthead
reach it) serving an actor, @alice, whose RSA key `openssl genpkey`
made, and an inbox that keeps what masthead delivers.  Signatures are
checked both ways: masthead verifies alice's, and the test verifies
masthead's against the key its actor document publishes.

WebFinger, NodeInfo, the actor documents (content negotiation; HTML
stays the browsers'), the outbox and the followers; a signed Follow
gets a signed Accept; publishing, updating and unpublishing a story
sends Create(Article), Update and Delete(Tombstone) to the shared
inbox; a signed reply is held in the comment queue and shown only once
approved, fires comment.posted to a webhook as a held local comment
does, and its Delete takes it away; a bad or missing signature, a
stale Date, a wrong Digest, an unknown actor, malformed JSON, another
Content-Type and an oversized body each get their 4xx and store nothing;
an Undo removes the follower; /admin/fediverse lists them (editors)."""
import base64
import email.utils
import hashlib
import hmac
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from harness import (BIN, Server, Newsroom, ok, eq, contains, run_tests,
                     demo_db, sql, free_port, until)

PW = "a passphrase long enough"
BASE = "https://news.example.com"
HOST = "news.example.com"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def make_key(d, name):
    path = os.path.join(d, name + ".pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:2048", "-out", path], check=True,
                   capture_output=True)
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def pem_of(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class Remote:
    """A fediverse server of one actor, alice, with a personal and a
    shared inbox that keep (path, headers, body) of every POST."""

    def __init__(self, key):
        self.key, self.got, self.lock = key, [], threading.Lock()
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.actor = self.base + "/users/alice"
        rem = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != "/users/alice":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps(rem.actor_doc()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with rem.lock:
                    rem.got.append((self.path, {k.lower(): v for k, v in
                                                self.headers.items()}, body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def actor_doc(self):
        return {"@context": ["https://www.w3.org/ns/activitystreams",
                             "https://w3id.org/security/v1"],
                "id": self.actor, "type": "Person", "preferredUsername": "alice",
                "inbox": self.actor + "/inbox",
                "endpoints": {"sharedInbox": self.base + "/inbox"},
                "publicKey": {"id": self.actor + "#main-key", "owner": self.actor,
                              "publicKeyPem": pem_of(self.key)}}

    def wait(self, pred, limit=10):
        t0 = time.time()
        while time.time() - t0 < limit:
            with self.lock:
                hits = [g for g in self.got if pred(g)]
            if hits:
                return hits
            time.sleep(0.05)
        return []


D = tempfile.mkdtemp(prefix="masthead-ap-")
DB = demo_db(D)
for who, role in (("admin", "admin"), ("editor", "editor"), ("author", "author")):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "--name",
                    who.title(), who + "@example.com"], input=PW, text=True,
                   check=True, capture_output=True)
TOKEN = subprocess.run([BIN, "token", "add", "--db", DB, "admin@example.com"],
                       check=True, capture_output=True, text=True).stdout.strip()
srv = Server(["--activitypub_private", "1", "--webhook_private", "1",
              "--webhook_retry", "1",
              "--base_url", BASE], db=DB)
NR = Newsroom(srv, PW)
KEY = make_key(D, "alice")
OTHER = make_key(D, "mallory")
R = Remote(KEY)
SEQ = [0]
STATE = {}


def new_id():
    SEQ[0] += 1
    return "%s/activities/%d-%d" % (R.base, SEQ[0], time.time_ns())


def signed_post(path, activity, key=None, keyid=None, date=None, digest=None,
                body=None, ctype="application/activity+json",
                headers_list="(request-target) host date digest", sign=True):
    """POSTs activity signed as alice (or as key/keyid) to masthead."""
    body = body if body is not None else json.dumps(activity).encode()
    host = "127.0.0.1:%d" % srv.port
    date = date or email.utils.formatdate(usegmt=True)
    digest = digest or "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    values = {"(request-target)": "post " + path, "host": host, "date": date,
              "digest": digest}
    text = "\n".join("%s: %s" % (h, values[h]) for h in headers_list.split())
    sig = base64.b64encode((key or KEY).sign(text.encode(), padding.PKCS1v15(),
                                             hashes.SHA256())).decode()
    h = {"Host": host, "Date": date, "Digest": digest, "Content-Type": ctype}
    if sign:
        h["Signature"] = ('keyId="%s",algorithm="rsa-sha256",headers="%s",'
                          'signature="%s"' % (keyid or R.actor + "#main-key",
                                              headers_list, sig))
    return srv.request("POST", path, h, body)


def masthead_key(keyid):
    """The public key masthead publishes at keyid's actor."""
    path = keyid.split("#")[0][len(BASE):]
    s, h, b = srv.get(path, {"Accept": "application/activity+json"})
    doc = json.loads(b)
    eq(doc["publicKey"]["id"], keyid, "the keyId is the actor's key")
    return serialization.load_pem_public_key(doc["publicKey"]["publicKeyPem"].encode())


def verifies(path, headers, body):
    """Whether masthead's request verifies: Digest, Date and signature."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', headers.get("signature", "")))
    if not params or "digest" not in params.get("headers", ""):
        return False
    want = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    if headers.get("digest") != want:
        return False
    when = email.utils.parsedate_to_datetime(headers["date"]).timestamp()
    if abs(time.time() - when) > 300:
        return False
    values = {"(request-target)": "post " + path}
    text = "\n".join("%s: %s" % (h, values.get(h) or headers[h])
                     for h in params["headers"].split())
    try:
        masthead_key(params["keyId"]).verify(base64.b64decode(params["signature"]),
                                             text.encode(), padding.PKCS1v15(),
                                             hashes.SHA256())
        return True
    except Exception:
        return False


def api(method, path, body=None):
    return srv.api(TOKEN, method, path, body)


def counts():
    return tuple(sql(DB, "SELECT COUNT(*) FROM " + t)[0][0] for t in
                 ("ap_received", "ap_followers", "ap_notes", "comments", "ap_actors"))


def test_discovery():
    s, h, b = srv.get("/.well-known/webfinger?resource=acct:news@" + HOST)
    eq(s, 200, "webfinger finds the publication")
    ok(h.get("content-type", "").startswith("application/jrd+json"), "as JRD")
    eq(h.get("access-control-allow-origin"), "*", "which any site's script may read")
    j = json.loads(b)
    eq(j["subject"], "acct:news@" + HOST, "its subject")
    self_link = [l for l in j["links"] if l["rel"] == "self"][0]
    eq((self_link["type"], self_link["href"]), ("application/activity+json",
                                                BASE + "/ap/actor"), "its actor")
    slug = sql(DB, "SELECT slug FROM authors ORDER BY id LIMIT 1")[0][0]
    STATE["author"] = slug
    s, h, b = srv.get("/.well-known/webfinger?resource=acct:%s@%s" % (slug, HOST))
    eq(s, 200, "webfinger finds an author")
    eq([l["href"] for l in json.loads(b)["links"] if l["rel"] == "self"],
       [BASE + "/ap/authors/" + slug], "the author's actor")
    eq(srv.get("/.well-known/webfinger?resource=acct:nobody@" + HOST)[0], 404,
       "an unknown name is 404")
    eq(srv.get("/.well-known/webfinger?resource=acct:news@elsewhere.example")[0], 404,
       "another host is 404")
    eq(srv.get("/.well-known/webfinger?resource=news")[0], 400, "a bad resource is 400")
    eq(srv.get("/.well-known/webfinger?resource=acct:@" + HOST)[0], 400,
       "an acct without a name is 400")
    eq(srv.get("/.well-known/webfinger")[0], 400, "no resource is 400")
    s, h, b = srv.get("/ap/actor", {"Accept": "application/activity+json"})
    eq(s, 200, "the actor document")
    eq(h.get("content-type"), "application/activity+json", "as activity+json")
    eq(h.get("vary"), "Accept", "with Vary: Accept")
    ok("x-cache" not in h, "never from the page cache")
    a = json.loads(b)
    eq((a["type"], a["preferredUsername"], a["inbox"], a["endpoints"]["sharedInbox"]),
       ("Organization", "news", BASE + "/ap/actor/inbox", BASE + "/ap/inbox"),
       "type, name and inboxes")
    contains(a["publicKey"]["publicKeyPem"], "BEGIN PUBLIC KEY", "with its public key")
    eq(sql(DB, "SELECT COUNT(*) FROM ap_keys WHERE actor = 'site'")[0][0], 1,
       "the key is kept in the database")
    s2, h2, b2 = srv.get("/ap/actor", {"Accept": "application/activity+json"})
    eq(json.loads(b2)["publicKey"], a["publicKey"], "and stays the same")
    s, h, b = srv.get("/ap/actor", {"Accept": 'application/ld+json; profile='
                                    '"https://www.w3.org/ns/activitystreams"'})
    eq((s, h.get("content-type")), (200, 'application/ld+json; profile='
                                    '"https://www.w3.org/ns/activitystreams"'),
       "ld+json asked, ld+json given")
    s, h, b = srv.get("/ap/actor", {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    eq((s, h.get("location")), (303, "/"), "a browser is sent to the front page")
    s, h, b = srv.get("/", {"Accept": "application/activity+json"})
    ok(s == 200 and h.get("content-type", "").startswith("text/html"),
       "the front page stays HTML whatever the Accept")
    s, h, b = srv.get("/ap/authors/" + slug, {"Accept": "application/activity+json"})
    a = json.loads(b)
    eq((s, a["type"], a["preferredUsername"]), (200, "Person", slug), "an author's actor")
    eq(srv.get("/ap/authors/" + slug, {"Accept": "text/html"})[1].get("location"),
       "/author/" + slug, "a browser is sent to the author's page")
    eq(srv.get("/ap/authors/nobody-at-all")[0], 404, "an unknown author is 404")
    s, h, b = srv.get("/ap/actor/followers")
    j = json.loads(b)
    eq((s, j["type"], j["totalItems"]), (200, "OrderedCollection", 0), "no followers yet")
    s, h, b = srv.get("/ap/outbox")
    j = json.loads(b)
    ok(s == 200 and j["totalItems"] > 20, "the outbox counts the live stories")
    s, h, b = srv.get("/ap/outbox?page=1")
    p1 = json.loads(b)
    eq(len(p1["orderedItems"]), 20, "a page of 20")
    item = p1["orderedItems"][0]
    eq((item["type"], item["object"]["type"], item["actor"]),
       ("Create", "Article", BASE + "/ap/actor"), "of Create(Article)")
    s, h, b = srv.get(p1["next"][len(BASE):])
    p2 = json.loads(b)
    eq(s, 200, "the next page")
    ok(not set(i["id"] for i in p1["orderedItems"]) & set(i["id"] for i in p2["orderedItems"]),
       "shares no story with the first")
    eq(srv.get("/ap/outbox?before=nonsense")[0], 400, "a bad cursor is 400")
    s, h, b = srv.get("/.well-known/nodeinfo")
    href = json.loads(b)["links"][0]["href"]
    s, h, b = srv.get(href[len(BASE):])
    j = json.loads(b)
    eq((s, j["version"], j["protocols"]), (200, "2.0", ["activitypub"]), "nodeinfo 2.0")
    aid = item["object"]["id"]
    s, h, b = srv.get(aid[len(BASE):], {"Accept": "application/activity+json"})
    eq((s, json.loads(b)["name"]), (200, item["object"]["name"]), "a story as an Article")


def test_refusals():
    """Every refusal is a 4xx and stores nothing."""
    before = counts()
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": new_id(),
              "type": "Follow", "actor": R.actor, "object": BASE + "/ap/actor"}
    eq(signed_post("/ap/inbox", follow, sign=False)[0], 401, "no signature: 401")
    eq(signed_post("/ap/inbox", follow, key=OTHER)[0], 401, "signed with another key: 401")
    old = email.utils.formatdate(time.time() - 600, usegmt=True)
    eq(signed_post("/ap/inbox", follow, date=old)[0], 401, "a Date ten minutes old: 401")
    eq(signed_post("/ap/inbox", follow, digest="SHA-256=" + base64.b64encode(
        b"x" * 32).decode())[0], 401, "a wrong Digest: 401")
    eq(signed_post("/ap/inbox", follow, headers_list="(request-target) host date")[0],
       401, "a signature without the digest: 401")
    eq(signed_post("/ap/inbox", follow, keyid=R.base + "/users/nobody#main-key")[0],
       401, "an actor that cannot be fetched: 401")
    eq(signed_post("/ap/inbox", follow, body=b"{not json")[0], 400, "malformed JSON: 400")
    eq(signed_post("/ap/inbox", follow, body=b'{"type": "Follow"}')[0], 400,
       "an activity without id or actor: 400")
    eq(signed_post("/ap/inbox", follow, ctype="application/json")[0], 415,
       "another Content-Type: 415")
    big = dict(follow, padding="x" * 300000)
    eq(signed_post("/ap/inbox", big)[0], 413, "a body over 256 KB: 413")
    spoof = dict(follow, actor=R.base + "/users/bob")
    eq(signed_post("/ap/inbox", spoof)[0], 401, "signed by someone else than its actor: 401")
    now = counts()
    eq(now[:4], before[:4], "nothing was stored")


def test_follow_accept():
    fid = new_id()
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": fid,
              "type": "Follow", "actor": R.actor, "object": BASE + "/ap/actor"}
    s, h, b = signed_post("/ap/inbox", follow)
    eq(s, 202, "a signed Follow is accepted (202)")
    eq(sql(DB, "SELECT actor_uri, inbox, shared_inbox, followed, handle FROM ap_followers"),
       [(R.actor, R.actor + "/inbox", R.base + "/inbox", "site",
         "@alice@127.0.0.1:%d" % R.port)], "the follower is kept")
    got = R.wait(lambda g: g[0] == "/users/alice/inbox" and
                 json.loads(g[2]).get("type") == "Accept")
    eq(len(got), 1, "a signed Accept arrives at alice's inbox")
    if got:
        path, hd, body = got[0]
        acc = json.loads(body)
        eq((acc["actor"], acc["object"]["id"]), (BASE + "/ap/actor", fid),
           "it accepts this Follow, from the publication")
        eq(hd.get("content-type"), "application/activity+json", "as activity+json")
        ok(verifies(path, hd, body), "its signature verifies against the published key")
        ok(not verifies(path, hd, body + b" "), "and not over another body")
    eq(signed_post("/ap/inbox", follow)[0], 202, "the same Follow again: 202")
    time.sleep(0.5)
    eq(len(R.wait(lambda g: json.loads(g[2]).get("type") == "Accept", 0.3)), 1,
       "and no second Accept")
    eq(json.loads(srv.get("/ap/actor/followers")[2])["totalItems"], 1, "one follower")
    # An author's own inbox takes a Follow of that author.
    slug = STATE["author"]
    f2 = dict(follow, id=new_id(), object=BASE + "/ap/authors/" + slug)
    eq(signed_post("/ap/authors/%s/inbox" % slug, f2)[0], 202, "a Follow of an author")
    got = R.wait(lambda g: json.loads(g[2]).get("type") == "Accept" and
                 json.loads(g[2])["actor"].endswith("/ap/authors/" + slug))
    ok(len(got) == 1 and verifies(*got[0]), "is accepted, signed with the author's key")
    eq(json.loads(srv.get("/ap/authors/%s/followers" % slug)[2])["totalItems"], 1,
       "the author has one follower")


def test_publish_update_delete():
    # The story is by the author alice follows too: one delivery all the same.
    s, j = api("POST", "/api/v1/admin/articles",
               {"title": "Fibre reaches the fediverse", "section": "africa",
                "dek": "A story for followers", "body_md": "Hello **fediverse**.",
                "authors": [STATE["author"]], "tags": ["Open RAN"]})
    eq(s, 201, "a draft is written")
    aid = j["article"]["id"]
    STATE["article"] = aid
    time.sleep(0.3)
    ok(not R.wait(lambda g: g[0] == "/inbox", 0.3), "a draft is not delivered")
    eq(api("POST", "/api/v1/admin/articles/%d/publish" % aid)[0], 200, "it is published")
    got = R.wait(lambda g: g[0] == "/inbox" and json.loads(g[2])["type"] == "Create")
    eq(len(got), 1, "one Create reaches the shared inbox")
    if got:
        act = json.loads(got[0][2])
        o = act["object"]
        eq((o["type"], o["name"], o["summary"]), ("Article", "Fibre reaches the fediverse",
                                                  "A story for followers"), "an Article")
        contains(o["content"], "<strong>fediverse</strong>", "with its HTML")
        eq(o["id"], BASE + "/ap/articles/%d" % aid, "at its stable id")
        ok(o["url"].startswith(BASE + "/article/"), "with its page")
        eq(o["attributedTo"], [BASE + "/ap/authors/" + STATE["author"], BASE + "/ap/actor"],
           "by its author and the publication")
        ok(PUBLIC in act["to"], "public")
        eq([(t["type"], t["name"]) for t in o["tag"]], [("Hashtag", "#OpenRAN")],
           "its tags as hashtags")
        ok(verifies(*got[0]), "its signature verifies")
    eq(api("PATCH", "/api/v1/admin/articles/%d" % aid,
           {"title": "Fibre reaches the fediverse, again"})[0], 200, "it is updated")
    got = R.wait(lambda g: g[0] == "/inbox" and json.loads(g[2])["type"] == "Update")
    ok(len(got) == 1 and json.loads(got[0][2])["object"]["name"] ==
       "Fibre reaches the fediverse, again" and verifies(*got[0]), "a signed Update follows")
    eq(api("POST", "/api/v1/admin/articles/%d/unpublish" % aid)[0], 200, "it is unpublished")
    got = R.wait(lambda g: g[0] == "/inbox" and json.loads(g[2])["type"] == "Delete")
    ok(len(got) == 1 and json.loads(got[0][2])["object"] ==
       {"id": BASE + "/ap/articles/%d" % aid, "type": "Tombstone"} and verifies(*got[0]),
       "a signed Delete of a Tombstone follows")
    eq(srv.get("/ap/articles/%d" % aid)[0], 404, "the Article is gone")
    rows = until(lambda: [r for r in sql(DB, "SELECT event, status, last_code FROM"
                                         " deliveries WHERE kind = 'activitypub' AND inbox = ?"
                                         " ORDER BY id",
                                         (R.base + "/inbox",)) if r[1] == "ok"], 5)
    eq([(r[0], r[2]) for r in rows], [("Create", 202), ("Update", 202), ("Delete", 202)],
       "three deliveries, all answered 202")


def test_reply_held():
    slug, aid = sql(DB, "SELECT slug, id FROM articles WHERE status = 'published'"
                    " AND comments_mode = 'open' ORDER BY published_at DESC LIMIT 1")[0]
    nid = R.base + "/notes/%d" % time.time_ns()
    note = {"id": nid, "type": "Note", "attributedTo": R.actor,
            "inReplyTo": BASE + "/ap/articles/%d" % aid, "to": [PUBLIC],
            "content": "<p>Quite a <b>story</b> &amp; well told</p>"
                       "<script>alert(1)</script>"}
    create = {"@context": "https://www.w3.org/ns/activitystreams", "id": nid + "/activity",
              "type": "Create", "actor": R.actor, "object": note}
    form = urllib.parse.urlencode([("url", R.base + "/hook"), ("events", "comment.posted"),
                                   ("csrf", NR.session("admin")[1])])
    s, h, b = NR.post("/admin/webhooks", "admin", form)
    eq(s, 201, "a webhook for comment.posted")
    m = re.search(r'id="new-secret">(whsec_[0-9a-f]{64})<', b)
    secret = m.group(1) if m else ""
    eq(signed_post("/ap/inbox", create)[0], 202, "a signed reply is accepted")
    rows = sql(DB, "SELECT c.id, c.status, c.held_reason, u.display_name"
               " FROM comments c JOIN users u ON u.id = c.user_id"
               " WHERE c.article_id = ? ORDER BY c.id DESC LIMIT 1", (aid,))
    cid, status, why, name = rows[0]
    eq((status, why), ("pending", "a reply from the fediverse"), "it is held for moderation")
    got = R.wait(lambda g: g[0] == "/hook")
    hd, body = got[0][1:] if got else ({}, b"{}")
    p = json.loads(body)
    eq((hd.get("masthead-webhook-event"), p.get("event")), ("comment.posted",) * 2,
       "the reply fires comment.posted")
    ts = hd.get("masthead-webhook-timestamp", "")
    eq(hd.get("masthead-webhook-signature"), "v1=" + hmac.new(
        secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest(),
       "signed with the webhook's secret")
    eq(p.get("data"), {"id": cid, "status": "pending",
                       "story": {"id": aid, "url": BASE + "/article/" + slug}},
       "as a held local comment's: its id, held, its story, no page yet")
    ok(b"Quite a" not in body and b"alice" not in body,
       "without the reply's text or its author")
    eq(name, "@alice@127.0.0.1:%d" % R.port, "under alice's handle")
    html = lambda like: sql(DB, "SELECT COUNT(*) FROM comments WHERE id = ?"
                            " AND body_html LIKE ?", (cid, like))[0][0]
    eq(html("%Quite a story &amp; well told%"), 1, "its text kept")
    ok(html("%<script%") == 0 and html("%<b>%") == 0 and html("%alert%") == 0,
       "its markup made by the comment rules")
    s, h, b = srv.html("/article/" + slug)
    ok("Quite a story" not in b, "not on the story's page while held")
    s, h, b = NR.post("/admin/comments", "editor", {"act": "approve:%d" % cid})
    eq(s, 303, "an editor approves it")
    s, h, b = srv.html("/article/" + slug)
    contains(b, "Quite a story", "then it is on the page")
    eq(signed_post("/ap/inbox", create)[0], 202, "the same Create again: 202")
    eq(sql(DB, "SELECT COUNT(*) FROM ap_notes WHERE note_uri = ?", (nid,))[0][0], 1,
       "and no second comment")
    delete = {"@context": "https://www.w3.org/ns/activitystreams", "id": nid + "#delete",
              "type": "Delete", "actor": R.actor, "object": {"id": nid, "type": "Tombstone"}}
    eq(signed_post("/ap/inbox", delete)[0], 202, "its Delete is accepted")
    eq(sql(DB, "SELECT status FROM comments WHERE id = ?", (cid,))[0][0], "deleted",
       "the comment is deleted")
    ok("Quite a story" not in srv.html("/article/" + slug)[2], "and off the page")


def test_newsroom_page():
    s, h, b = NR.get("/admin/fediverse", "editor")
    eq(s, 200, "an editor sees /admin/fediverse")
    contains(b, "@news@" + HOST, "the publication's handle")
    contains(b, "@alice@127.0.0.1:%d" % R.port, "the follower")
    contains(b, "Create", "and the deliveries")
    contains(b, "<td>202 </td>", "with the answers")
    did = sql(DB, "SELECT MAX(id) FROM deliveries WHERE kind = 'activitypub'")[0][0]
    eq(NR.post("/admin/webhook-deliveries/%d/resend" % did, "admin", {})[0], 404,
       "an activity's delivery is not a webhook's to resend (404)")
    eq(NR.get("/admin/fediverse", "author")[0], 403, "an author may not (403)")
    eq(srv.get("/admin/fediverse")[0], 303, "signed out, sent to sign in")


def test_undo_follow():
    follow = {"id": new_id(), "type": "Follow", "actor": R.actor,
              "object": BASE + "/ap/actor"}
    undo = {"@context": "https://www.w3.org/ns/activitystreams", "id": new_id(),
            "type": "Undo", "actor": R.actor, "object": follow}
    eq(signed_post("/ap/actor/inbox", undo)[0], 202, "an Undo of the Follow")
    eq(sql(DB, "SELECT COUNT(*) FROM ap_followers WHERE followed = 'site'")[0][0], 0,
       "the follower is gone")
    eq(json.loads(srv.get("/ap/actor/followers")[2])["totalItems"], 0, "none left")
    other = {"@context": "https://www.w3.org/ns/activitystreams", "id": new_id(),
             "type": "Like", "actor": R.actor, "object": BASE + "/ap/articles/1"}
    eq(signed_post("/ap/inbox", other)[0], 202, "anything else: 202, ignored")


run_tests([test_discovery, test_refusals, test_follow_accept, test_publish_update_delete,
           test_reply_held, test_newsroom_page, test_undo_follow], cleanup=srv.stop)
