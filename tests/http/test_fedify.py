"""ActivityPub against a real implementation (docs/activitypub.md):
Fedify (@fedify/fedify from npm, pinned in tests/node) runs a fediverse
server of one actor, bob, on loopback (tests/node/fedify_peer.mjs), and
masthead's base_url is its own loopback address, so each side fetches
the other's actor and key as two servers on the Internet would.

Fedify reads masthead's actor document; bob follows the publication
(masthead verifies Fedify's signature) and Fedify verifies the Accept
masthead signs; a published story reaches bob as a verified
Create(Article); bob's reply, signed by Fedify, becomes a held comment.
A wrong key is refused both ways: masthead answers 401 to a Follow that
Fedify signs with a key that is not bob's, and Fedify answers 401 to a
Create signed under masthead's key id with another key, and keeps
neither."""
import base64
import email.utils
import hashlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import harness
from harness import (BIN, TOP, Server, ok, eq, run_tests, demo_db, sql,
                     free_port, until, missing_tool, node_module)

PW = "a passphrase long enough"

if shutil.which("node") is None:
    missing_tool("node (Debian's nodejs)")
node_module("@fedify/fedify")


class Peer:
    """The Fedify server, and the routes the test drives it by."""

    def __init__(self):
        self.proc = subprocess.Popen(
            ["node", os.path.join(TOP, "tests", "node", "fedify_peer.mjs")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = ""
        if select.select([self.proc.stdout], [], [], 90)[0]:
            line = self.proc.stdout.readline()
        if not line:
            self.proc.kill()
            raise RuntimeError("the Fedify peer did not start: " +
                               self.proc.stderr.read())
        self.port = json.loads(line)["port"]
        self.base = "http://127.0.0.1:%d" % self.port
        self.bob = self.base + "/users/bob"

    def call(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data,
                                     method="GET" if body is None else "POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def received(self):
        return self.call("/_peer/received")[1]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


PEER = Peer()
D = tempfile.mkdtemp(prefix="masthead-fedify-")
DB = demo_db(D)
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "admin", "--name",
                "Admin", "admin@example.com"], input=PW, text=True, check=True,
               capture_output=True)
TOKEN = subprocess.run([BIN, "token", "add", "--db", DB, "admin@example.com"],
                       check=True, capture_output=True, text=True).stdout.strip()
# base_url must be where Fedify can fetch masthead's actor: its own port,
# chosen before the server starts.
PORT = free_port()
_free_port, harness.free_port = harness.free_port, lambda: PORT
try:
    srv = Server(["--activitypub_private", "1", "--webhook_retry", "1",
                  "--base_url", "http://127.0.0.1:%d" % PORT], db=DB)
finally:
    harness.free_port = _free_port
BASE = "http://127.0.0.1:%d" % PORT
BOB_HANDLE = "@bob@127.0.0.1:%d" % PEER.port
STATE = {}


def api(method, path, body=None):
    return srv.api(TOKEN, method, path, body)


def arrived(pred, limit=30):
    """The activities Fedify verified that satisfy pred, waiting for one."""
    return until(lambda: [a for a in PEER.received() if pred(a)], limit, 0.2) or []


def test_fedify_reads_the_actor():
    s, j = PEER.call("/_peer/lookup?url=" + BASE + "/ap/actor")
    eq(s, 200, "Fedify fetches masthead's actor document")
    eq((j.get("type"), j.get("id"), j.get("preferredUsername")),
       ("Organization", BASE + "/ap/actor", "news"),
       "and reads it as the publication's Organization")
    eq((j.get("inbox"), j.get("sharedInbox"), j.get("publicKey")),
       (BASE + "/ap/actor/inbox", BASE + "/ap/inbox", BASE + "/ap/actor#main-key"),
       "with its inboxes and its key")


def test_follow_and_accept():
    s, j = PEER.call("/_peer/follow", {"object": BASE + "/ap/actor"})
    eq(j, {"sent": True}, "masthead accepts the Follow Fedify signed for bob")
    rows = sql(DB, "SELECT actor_uri, followed, handle FROM ap_followers")
    eq(rows, [(PEER.bob, "site", BOB_HANDLE)], "bob follows the publication")
    got = arrived(lambda a: a["type"] == "Accept")
    ok(len(got) == 1 and got[0]["actor"] == BASE + "/ap/actor" and
       got[0].get("objectType") == "Follow" and
       got[0].get("followObject") == BASE + "/ap/actor",
       "Fedify verifies masthead's signed Accept of the Follow", got)
    rows = until(lambda: sql(DB, "SELECT event, status, last_code FROM deliveries"
                             " WHERE kind = 'activitypub' AND status = 'ok'"), 10)
    eq([(r[0], r[1]) for r in rows or []], [("Accept", "ok")],
       "the delivery log has the Accept, delivered")


def test_publish_reaches_fedify():
    s, j = api("POST", "/api/v1/admin/articles",
               {"title": "Fedify hears the news", "section": "africa",
                "body_md": "A story that travels to a real fediverse server."})
    eq(s, 201, "a story is written")
    aid = j["article"]["id"]
    STATE["article"] = aid
    eq(api("POST", "/api/v1/admin/articles/%d/publish" % aid)[0], 200,
       "and published")
    got = arrived(lambda a: a["type"] == "Create")
    ok(len(got) == 1 and got[0]["actor"] == BASE + "/ap/actor" and
       got[0].get("objectType") == "Article" and
       got[0].get("object") == BASE + "/ap/articles/%d" % aid and
       got[0].get("name") == "Fedify hears the news",
       "Fedify verifies masthead's signed Create of the Article", got)
    ok(got and BASE + "/ap/actor" in got[0].get("attributedTo", []),
       "attributed to the publication", got)


def test_reply_from_fedify():
    aid = STATE.get("article", 0)
    before = sql(DB, "SELECT COUNT(*) FROM comments")[0][0]
    s, j = PEER.call("/_peer/reply", {
        "to": BASE + "/ap/actor", "inReplyTo": BASE + "/ap/articles/%d" % aid,
        "content": "<p>Heard it on <b>Fedify</b></p>"})
    eq(j, {"sent": True}, "masthead accepts bob's reply, signed by Fedify")
    rows = sql(DB, "SELECT c.status, c.held_reason, u.display_name, c.body_html"
               " FROM comments c JOIN users u ON u.id = c.user_id"
               " WHERE c.article_id = ? ORDER BY c.id DESC LIMIT 1", (aid,))
    eq(sql(DB, "SELECT COUNT(*) FROM comments")[0][0], before + 1, "one comment more")
    ok(rows and rows[0][:3] == ("pending", "a reply from the fediverse", BOB_HANDLE)
       and "Heard it on Fedify" in rows[0][3],
       "held for moderation under bob's handle, its text kept", rows)


def test_wrong_keys():
    before = (sql(DB, "SELECT COUNT(*) FROM ap_received")[0][0],
              sql(DB, "SELECT COUNT(*) FROM ap_followers")[0][0])
    s, j = PEER.call("/_peer/follow-badkey", {"object": BASE + "/ap/actor"})
    ok("401" in j.get("error", ""),
       "masthead refuses (401) a Follow Fedify signed with a key that is not bob's", j)
    eq((sql(DB, "SELECT COUNT(*) FROM ap_received")[0][0],
        sql(DB, "SELECT COUNT(*) FROM ap_followers")[0][0]), before,
       "and stores nothing")
    # Fedify's side: a Create in masthead's name, signed with another key.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    n0 = len(PEER.received())
    act = {"@context": "https://www.w3.org/ns/activitystreams",
           "id": BASE + "/ap/articles/1#Create-forged", "type": "Create",
           "actor": BASE + "/ap/actor",
           "object": {"id": BASE + "/ap/articles/1", "type": "Article",
                      "name": "Forged", "attributedTo": BASE + "/ap/actor"}}
    body = json.dumps(act).encode()
    date = email.utils.formatdate(usegmt=True)
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    host = "127.0.0.1:%d" % PEER.port
    text = "(request-target): post /inbox\nhost: %s\ndate: %s\ndigest: %s" % (
        host, date, digest)
    sig = base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(),
                                    hashes.SHA256())).decode()
    req = urllib.request.Request(PEER.base + "/inbox", data=body, method="POST", headers={
        "Host": host, "Date": date, "Digest": digest,
        "Content-Type": "application/activity+json",
        "Signature": 'keyId="%s/ap/actor#main-key",algorithm="rsa-sha256",'
                     'headers="(request-target) host date digest",signature="%s"'
                     % (BASE, sig)})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    eq(status, 401, "Fedify refuses (401) a Create signed under masthead's key id "
       "with another key")
    time.sleep(0.5)
    eq(len(PEER.received()), n0, "and its listeners never see it")


run_tests([test_fedify_reads_the_actor, test_follow_and_accept,
           test_publish_reaches_fedify, test_reply_from_fedify, test_wrong_keys],
          cleanup=lambda: (PEER.stop(), srv.stop())[1])
