"""The review workflow: a contributor's or author's "Submit for review"
saves the draft and puts it in the editors' queue (/admin/review: author,
section, submitted time, links to the editor and to the changes), every
editor and admin gets an email (a job, read back from a real SMTP
server); an editor asks for changes with a note (mailed to the writer)
or approves, publishing or scheduling the story.  The site setting
"authors may publish without review" (off by default, on the settings
page) is the server's rule: an author's publish, schedule or live update
without it is 403 and changes nothing, in the newsroom and the admin
API alike.  The menu and the dashboard show the queue's count."""
import json
import re
import subprocess
import tempfile
import time

from harness import BIN, Server, Newsroom, ok, eq, contains, run_tests, demo_db, sql
from smtpsink import SmtpSink, body_of

PW = "a passphrase long enough"
SINK = SmtpSink()


def make_db():
    d = tempfile.mkdtemp(prefix="masthead-review-")
    db = demo_db(d)
    slugs = [r[0] for r in sql(db, "SELECT slug FROM authors ORDER BY id LIMIT 2")]
    tokens = {}
    for name, role, author in (("contributor", "contributor", slugs[0]),
                               ("author", "author", slugs[1]),
                               ("editor", "editor", None), ("admin", "admin", None)):
        args = [BIN, "user", "add", "--db", db, "--role", role, "--name", name.title()]
        if author:
            args += ["--author", author]
        subprocess.run(args + [name + "@example.com"], input=PW, text=True, check=True,
                       capture_output=True)
        r = subprocess.run([BIN, "token", "add", "--db", db, name + "@example.com"],
                           check=True, capture_output=True, text=True)
        tokens[name] = r.stdout.strip()
    return db, slugs, tokens


DB, SLUGS, TOK = make_db()
srv = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port)])
SECTION, SECTION_NAME = sql(DB, "SELECT slug, name FROM sections ORDER BY id LIMIT 1")[0]
NEWSROOM = Newsroom(srv, PW)
get, post = NEWSROOM.get, NEWSROOM.post


def sign_in(who):
    return NEWSROOM.session(who)


def api(method, path, who, body=None):
    h = {"Authorization": "Bearer " + TOK[who], "Content-Type": "application/json"}
    s, hd, b = srv.request(method, path, h, json.dumps(body) if body is not None else None)
    try:
        return s, json.loads(b)
    except ValueError:
        return s, {}


def mails(addr, subject, n=1, timeout=10):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = [m for m in SINK.to(addr) if subject in str(m["Subject"])]
        if len(got) >= n:
            return got
        time.sleep(0.05)
    return [m for m in SINK.to(addr) if subject in str(m["Subject"])]


def story(who, title, then="save", **extra):
    fields = {"title": title, "section": SECTION, "type": "news",
              "body_md": "A draft to review.", "then": then}
    fields.update(extra)
    s, h, b = post("/admin/articles", who, fields)
    m = re.match(r"/admin/articles/(\d+)", h.get("location", ""))
    return s, int(m.group(1)) if m else None, b


def state(aid):
    return sql(DB, "SELECT status, published_at, review_state, review_note, title"
               " FROM articles WHERE id = ?", (aid,))[0]


def setting(on):
    s, h, b = post("/admin/settings/review", "admin", {"authors_publish": "1"} if on else {})
    assert s == 303, (s, b[:300])


def test_author_may_not_publish_alone():
    s, h, b = get("/admin/settings", "admin")
    contains(b, "Authors may publish without review", "the setting is on the settings page")
    ok('name="authors_publish" value="1" checked' not in b, "and off by default")
    s, aid, b = story("author", "Author Publishes Alone", then="publish")
    eq(s, 403, "an author's Publish is refused (403)")
    eq(aid, None, "and creates nothing")
    eq(sql(DB, "SELECT count(*) FROM articles WHERE title = 'Author Publishes Alone'")[0][0], 0,
       "no story was stored")
    s, aid, b = story("author", "Author Draft For Review")
    eq(s, 303, "the author saves a draft")
    before = state(aid)
    for then in ("publish", "schedule"):
        s, h, b = post("/admin/articles/%d" % aid, "author",
                       {"title": "Changed", "section": SECTION, "then": then,
                        "at": "2099-01-01T10:00"})
        eq(s, 403, "the author's %s of her draft: 403" % then)
    for action in ("publish", "schedule", "unpublish"):
        s, h, b = post("/admin/articles/%d/%s" % (aid, action), "author",
                       {"at": "2099-01-01T10:00"})
        eq(s, 403, "the short form's %s: 403" % action)
    eq(state(aid), before, "nothing changed")
    s, h, b = get("/admin/articles/%d" % aid, "author")
    contains(b, 'value="submit"', "her editor offers Submit for review")
    ok('value="publish"' not in b, "and no Publish button")
    # The admin API obeys the same rule.
    s, j = api("POST", "/api/v1/admin/articles/%d/publish" % aid, "author", {})
    eq(s, 403, "the API's publish by the author: 403")
    contains(j.get("error", {}).get("message", ""), "review", "saying it goes through review")
    eq(state(aid), before, "still nothing changed")
    # An editor's live story of hers cannot be changed by her alone either.
    s, live, b = story("editor", "Author's Live Story", then="publish", authors=SLUGS[1])
    was = state(live)
    s, h, b = post("/admin/articles/%d" % live, "author",
                   {"title": "Changed Live", "section": SECTION, "then": "update"})
    eq(s, 403, "the author's Update of a live story: 403")
    s, j = api("PATCH", "/api/v1/admin/articles/%d" % live, "author", {"title": "Changed"})
    eq(s, 403, "the API's PATCH of a live story by the author: 403")
    eq(state(live), was, "the live story is unchanged")
    # With the setting on, she publishes alone.
    setting(True)
    s, h, b = get("/admin/settings", "admin")
    contains(b, 'name="authors_publish" value="1" checked', "the setting shows as on")
    s, j = api("POST", "/api/v1/admin/articles/%d/publish" % aid, "author", {})
    eq(s, 200, "with the setting on the author publishes with the API")
    eq(state(aid)[0], "published", "the story is published")
    s, aid2, b = story("author", "Author Publishes With Setting", then="publish")
    eq(s, 303, "and from the newsroom")
    eq(state(aid2)[0], "published", "that story is published too")
    # Contributors never publish, whatever the setting.
    s, cid, b = story("contributor", "Contributor Tries", then="publish")
    eq(s, 403, "a contributor's Publish stays 403 with the setting on")
    setting(False)
    eq(post("/admin/settings/review", "admin", {"authors_publish": "yes"})[0], 422,
       "a setting value that is not 1 is refused (422)")
    eq(post("/admin/settings/review", "editor", {"authors_publish": "1"})[0], 403,
       "an editor cannot change the setting (admins only)")
    s, h, b = get("/admin/settings", "admin")
    ok('name="authors_publish" value="1" checked' not in b, "the setting stayed off")


def test_submit_queue_and_decide():
    s, aid, b = story("contributor", "Contributor Review Story", then="submit")
    eq(s, 303, "Submit for review saves a new draft (303)")
    ok(aid, "the story is made")
    st = state(aid)
    eq((st[0], st[2]), ("draft", "ready"), "a draft, ready for review")
    s, h, b = get("/admin/articles/%d?done=submit" % aid, "contributor")
    contains(b, "Submitted for review", "the writer is told")
    contains(b, "Waiting for review since", "and the editor shows it waits")
    for who in ("editor", "admin"):
        got = mails(who + "@example.com", "Ready for review: Contributor Review Story")
        eq(len(got), 1, "%s gets one email about it" % who)
        if got:
            body = body_of(got[0])
            contains(body, "/admin/articles/%d" % aid, "%s's email links to the story" % who)
            contains(body, "/admin/review", "and to the queue")
    eq(mails("contributor@example.com", "Ready for review", 1, timeout=0.5), [],
       "the writer is not mailed about her own submission")
    s, h, b = get("/admin/review", "editor")
    eq(s, 200, "an editor opens the queue")
    contains(b, "Contributor Review Story", "the story is in it")
    contains(b, 'href="/admin/articles/%d"' % aid, "with a link to the editor")
    contains(b, "/admin/articles/%d/revisions/" % aid, "and to its changes")
    contains(b, SECTION_NAME, "its section")
    contains(b, "submitted by Contributor", "who submitted it")
    contains(b, '<span class="count">', "the menu shows the queue's count")
    s, h, b = get("/admin", "editor")
    contains(b, "to review</a>", "the dashboard shows the queue")
    m = re.search(r'href="(/admin/articles/%d/revisions/\d+\?against=\d+)"' % aid, b) or \
        re.search(r'href="(/admin/articles/%d/revisions/\d+\?against=\d+)"' % aid,
                  get("/admin/review", "editor")[2])
    ok(m, "the changes link compares with the last published revision")
    if m:
        s, h, d = get(m.group(1).replace("&amp;", "&"), "editor")
        eq(s, 200, "the diff opens")
        contains(d, "A draft to review.", "and shows the body as added")
    eq(get("/admin/review", "author")[0], 403, "an author cannot open the queue")
    eq(get("/admin/review", "contributor")[0], 403, "nor a contributor")
    # Request changes: a note is required, mailed to the writer.
    s, h, b = post("/admin/articles/%d/review" % aid, "editor", {"action": "changes",
                                                                 "note": ""})
    eq(s, 422, "changes without a note: 422")
    eq(state(aid)[2], "ready", "the story still waits")
    s, h, b = post("/admin/articles/%d/review" % aid, "editor", {"action": "dance"})
    eq(s, 400, "an unknown action: 400")
    s, h, b = post("/admin/articles/%d/review" % aid, "author", {"action": "publish"})
    eq(s, 403, "an author cannot decide: 403")
    s, h, b = post("/admin/articles/%d/review" % aid, "editor", {"action": "publish"},
                   csrf=False)
    eq(s, 403, "without the CSRF token: 403")
    eq(state(aid)[0:3], ("draft", None if not isinstance(state(aid)[1], str) else "", "ready"),
       "none of them changed the story")
    s, h, b = post("/admin/articles/%d/review" % aid, "editor",
                   {"action": "changes", "note": "Add a quote from the operator."})
    eq(s, 303, "an editor requests changes")
    eq(state(aid)[2:4], ("changes", "Add a quote from the operator."), "state and note kept")
    got = mails("contributor@example.com", "Changes requested: Contributor Review Story")
    eq(len(got), 1, "the writer gets the note by email")
    if got:
        contains(body_of(got[0]), "Add a quote from the operator.", "with the note")
    s, h, b = get("/admin/articles/%d" % aid, "contributor")
    contains(b, "Add a quote from the operator.", "the editor shows the note to the writer")
    s, h, b = get("/admin/review", "editor")
    ok("Contributor Review Story" not in b, "the story left the queue")
    s, h, b = post("/admin/articles/%d/review" % aid, "editor", {"action": "publish"})
    eq(s, 409, "approving a story that does not wait: 409")
    eq(state(aid)[0], "draft", "and it stays a draft")
    # Submitted again, then approved and scheduled.
    s, h, b = post("/admin/articles/%d" % aid, "contributor",
                   {"title": "Contributor Review Story", "section": SECTION,
                    "body_md": "A draft to review.\n\n\"Quote\", said the operator.",
                    "then": "submit"})
    eq(s, 303, "the writer submits again")
    eq(state(aid)[2], "ready", "ready again")
    s, h, b = post("/admin/articles/%d/review" % aid, "editor",
                   {"action": "schedule", "at": "2001-01-01T10:00"})
    eq(s, 422, "scheduling in the past: 422")
    s, h, b = post("/admin/articles/%d/review" % aid, "editor",
                   {"action": "schedule", "at": "2099-01-01T10:00"})
    eq(s, 303, "an editor approves and schedules")
    st = state(aid)
    eq((st[0], st[2]), ("published", "none"), "published for later, out of the queue")
    ok(st[1] > time.time() + 86400, "at the time chosen")


def test_approve_publish_and_api():
    s, aid, b = story("author", "Author Review Story", then="submit")
    eq(s, 303, "the author submits a draft")
    eq(state(aid)[2], "ready", "it waits")
    slug = sql(DB, "SELECT slug FROM articles WHERE id = ?", (aid,))[0][0]
    eq(srv.get("/article/" + slug)[0], 404, "it is not on the site")
    s, h, b = post("/admin/articles/%d/review" % aid, "editor", {"action": "publish"})
    eq(s, 303, "an editor approves and publishes")
    eq(h.get("location"), "/admin/review?done=publish", "back to the queue")
    s, h, b = get(h["location"], "editor")
    contains(b, "Approved and published", "with a notice")
    eq(state(aid)[0:1] + state(aid)[2:3], ("published", "none"), "published, out of the queue")
    eq(srv.get("/article/" + slug)[0], 200, "the story is live")
    # The API: submit, request changes, approve.
    s, j = api("POST", "/api/v1/admin/articles", "author",
               {"title": "API Review Story", "section": SECTION, "body_md": "x"})
    eq(s, 201, "the author creates a draft with the API")
    api_id = j["article"]["id"]
    eq(j["article"].get("review_state"), "none", "its review_state is none")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "author",
               {"action": "approve"})
    eq(s, 403, "the author cannot approve her own story")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "author",
               {"action": "submit"})
    eq(s, 200, "she submits it with the API")
    eq(j["article"]["review_state"], "ready", "it is ready for review")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "editor",
               {"action": "request_changes"})
    eq(s, 422, "request_changes without a note: 422")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "editor",
               {"action": "fly"})
    eq(s, 422, "an unknown action: 422")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "editor",
               {"action": "approve", "at": "2001-01-01T00:00:00Z"})
    eq(s, 422, "approving for a time past: 422")
    eq(state(api_id)[0:1] + state(api_id)[2:3], ("draft", "ready"), "nothing changed")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "editor",
               {"action": "request_changes", "note": "Shorter, please."})
    eq(s, 200, "the editor requests changes with the API")
    eq((j["article"]["review_state"], j["article"]["review_note"]),
       ("changes", "Shorter, please."), "the article says so")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "author",
               {"action": "submit"})
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "editor",
               {"action": "approve"})
    eq(s, 200, "the editor approves it with the API")
    eq((j["article"]["status"], j["article"]["review_state"]), ("published", "none"),
       "it is published")
    s, j = api("POST", "/api/v1/admin/articles/%d/review" % api_id, "author",
               {"action": "submit"})
    eq(s, 409, "a published story cannot be submitted: 409")


if __name__ == "__main__":
    run_tests([test_author_may_not_publish_alone, test_submit_queue_and_decide,
               test_approve_publish_and_api], cleanup=lambda: (srv.stop(), SINK.close())[0])
