"""The newsroom's Trash for events, webinars and white papers (both
databases): "Move to Trash" on each one's editor and list takes it off
every public page, list, calendar, sitemap, sidebar and the API at once
(the cache entries that showed it are dropped), its address answers 404
and its slug stays taken; Restore puts it back exactly as it was, with
its registrations or leads; only an admin deletes it for good, and its
registrations or leads go with it; the "trash" job deletes it 30 days
after, unless it was restored.  /admin/trash lists every kind with a
filter, and restores or deletes ticked rows in one transaction.  Wrong
roles, a missing CSRF token and bad input are 4xx that change nothing."""
import re
import subprocess
import tempfile
import time

from harness import BIN, Client, Server, ok, eq, contains, run_tests, demo_db, sql

DB = demo_db(tempfile.mkdtemp(prefix="masthead-trash-kinds-"))
PW = "correct horse battery staple"
for role in ("contributor", "author", "editor", "admin"):
    subprocess.run([BIN, "user", "add", "--db", DB, "--role", role, "%s@example.com" % role],
                   input=PW, text=True, check=True, capture_output=True)
SRV = Server(db=DB, args=["--real_ip_header", "X-Real-IP"])
CLIENTS = {}
DAY = 86400
NOW = int(time.time())

# kind: its table, the column that names it, its public base, the
# newsroom's part of the URL, and what depends on it.
KINDS = {
    "event": ("events", "name", "/events", "events"),
    "webinar": ("webinars", "title", "/webinars", "webinars"),
    "resource": ("resources", "title", "/resources", "resources"),
}


def client(role):
    if role not in CLIENTS:
        c = Client(SRV, "10.8.0.%d" % (len(CLIENTS) + 1))
        s = c.sign_in("%s@example.com" % role, PW)
        assert s == 303, (role, s)
        CLIENTS[role] = c
    return CLIENTS[role]


def post(role, path, fields=()):
    return client(role).post(path, list(fields), csrf_from="/admin/trash")


def one(statement, params=()):
    rows = sql(DB, statement, params)
    return rows[0][0] if rows else None


def wait_for(pred, limit=10):
    t0 = time.time()
    while time.time() - t0 < limit:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def soonest(kind, skip=0):
    """The upcoming event or webinar that starts first (it is on the
    lists, the calendar and the sidebar), or the newest white paper."""
    if kind == "event":
        q = ("SELECT id, slug FROM events WHERE ends_at >= ? AND trashed_at IS NULL"
             " ORDER BY starts_at, id LIMIT 1 OFFSET ?")
    elif kind == "webinar":
        q = ("SELECT id, slug FROM webinars WHERE starts_at + 60 * duration_min >= ?"
             " AND trashed_at IS NULL ORDER BY starts_at, id LIMIT 1 OFFSET ?")
    else:
        q = ("SELECT id, slug FROM resources WHERE published_at <= ? AND trashed_at IS NULL"
             " ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET ?")
    return tuple(sql(DB, q, (NOW, skip))[0])


def pick(kind, skip=0):
    """Any row of the kind out of the Trash, the newest first."""
    return tuple(sql(DB, "SELECT id, slug FROM %s WHERE trashed_at IS NULL"
                     " ORDER BY id DESC LIMIT 1 OFFSET ?" % KINDS[kind][0], (skip,))[0])


def row_of(kind, rid):
    """Every column of the row but trashed_at, to compare before and after."""
    table = KINDS[kind][0]
    cols = [r[0] for r in sql(DB, "SELECT column_name FROM information_schema.columns"
                              " WHERE table_name = ? ORDER BY column_name", (table,))] \
        if DB.startswith("postgres") else \
        sorted(r[1] for r in sql(DB, "PRAGMA table_info(%s)" % table))
    cols = [c for c in cols if c != "trashed_at"]
    return sql(DB, "SELECT %s FROM %s WHERE id = ?" % (", ".join(cols), table), (rid,))


def sitemap_has(path):
    parts = re.findall(r"<loc>[^<]*(/sitemaps/[^<]+\.xml)</loc>", SRV.html("/sitemap.xml")[2])
    return any(("%s<" % path) in SRV.html(p)[2] for p in parts)


def public(kind, slug):
    """Where a reader, a calendar app or a robot finds it: True when there."""
    base = KINDS[kind][2]
    path = "%s/%s" % (base, slug)
    found = {}
    found["page"] = SRV.get(path)[0] == 200
    found["api"] = SRV.get("/api/v1%s" % path)[0] == 200
    found["list"] = ('href="%s"' % path) in SRV.html(base)[2]
    found["api list"] = ('"%s"' % slug) in SRV.html("/api/v1%s" % base)[2]
    # The home page: its sidebar, and its menu (the demo links an event).
    found["home"] = ('href="%s"' % path) in SRV.html("/")[2]
    found["sitemap"] = sitemap_has(path)
    if kind != "resource":
        found["ics"] = SRV.get("%s.ics" % path)[0] == 200
        found["calendar"] = ("%s" % slug) in SRV.html("%s.ics" % base)[2]
        found["register"] = SRV.get("%s/register" % path)[0] == 200
    else:
        found["access"] = SRV.get("%s/access" % path)[0] == 200
    return found


def search_finds(kind, slug):
    word = max(re.findall(r"[a-z]{4,}", slug), key=len)
    return ('href="%s/%s"' % (KINDS[kind][2], slug)) in SRV.html("/search?q=%s" % word)[2]


def add_dependants(kind, rid):
    """A registration (events, webinars) or a lead (white papers) of a reader."""
    if kind == "resource":
        sql(DB, "INSERT INTO resource_leads (resource_id, name, email, company, job_title,"
            " consent, created_at) VALUES (?, 'Dana', 'dana@example.com', 'Fibreco', 'CTO',"
            " 'yes', ?)", (rid, NOW))
        return "SELECT count(*) FROM resource_leads WHERE resource_id = %d" % rid
    col = "event_id" if kind == "event" else "webinar_id"
    sql(DB, "INSERT INTO registrations (%s, email, name, status, consent, created_at,"
        " updated_at) VALUES (?, 'dana@example.com', 'Dana', 'confirmed', 'yes', ?, ?)"
        % col, (rid, NOW, NOW))
    return "SELECT count(*) FROM registrations WHERE %s = %d" % (col, rid)


def letter(kind, rid):
    """Runs a "confirmed" letter of the newest registration of row rid
    now; how many mail jobs that queued."""
    col = "event_id" if kind == "event" else "webinar_id"
    reg = one("SELECT max(id) FROM registrations WHERE %s = ?" % col, (rid,))
    mails = one("SELECT count(*) FROM jobs WHERE kind = 'mail'")
    sql(DB, "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('registration',"
        " ?, 0, ?)", ('{"registration": %d, "what": "confirmed"}' % reg, NOW))
    ok(wait_for(lambda: one("SELECT count(*) FROM jobs WHERE kind = 'registration'"
                            " AND done_at IS NULL") == 0), "%s: the letter's job ran" % kind)
    return one("SELECT count(*) FROM jobs WHERE kind = 'mail'") - mails


def test_refused():
    for kind, (table, name, base, part) in KINDS.items():
        rid, slug = soonest(kind)
        before = row_of(kind, rid)
        s, h, b = SRV.request("POST", "/admin/%s/%d/trash" % (part, rid))
        eq(s, 303, "%s: signed out, moving it to the Trash sends to sign in" % kind)
        s, h, b = client("editor").post("/admin/%s/%d/trash" % (part, rid), [])
        eq(s, 403, "%s: without the CSRF token, 403" % kind)
        for role in ("contributor", "author"):
            s, h, b = post(role, "/admin/%s/%d/trash" % (part, rid))
            eq(s, 403, "%s: an %s may not move it to the Trash: 403" % (kind, role))
        for path, role, want in (("/admin/%s/999999/trash" % part, "editor", 404),
                                 ("/admin/%s/x1/trash" % part, "editor", 404),
                                 ("/admin/trash/%s/%d/restore" % (part, rid), "editor", 404),
                                 ("/admin/trash/%s/%d/delete" % (part, rid), "admin", 404),
                                 ("/admin/trash/%s/999999/restore" % part, "editor", 404),
                                 ("/admin/trash/things/%d/restore" % rid, "editor", 404),
                                 ("/admin/trash/%s/%d/delete" % (part, rid), "editor", 403)):
            s, h, b = post(role, path)
            eq(s, want, "%s: %s by an %s: %d" % (kind, path, role, want))
        eq(row_of(kind, rid), before, "%s: the row is unchanged" % kind)
        eq(one("SELECT count(*) FROM %s WHERE id = ? AND trashed_at IS NULL" % table, (rid,)),
           1, "%s: and out of the Trash" % kind)
        where = public(kind, slug)
        ok(all(where.values()), "%s: and everywhere on the site: %s" % (kind, where))
    eq(one("SELECT count(*) FROM jobs WHERE kind = 'trash'"), 0, "no job was queued")


def test_trash_and_restore():
    for kind, (table, name, base, part) in KINDS.items():
        rid, slug = soonest(kind)
        deps = add_dependants(kind, rid)
        before = row_of(kind, rid)
        where = public(kind, slug)
        ok(all(where.values()), "%s: live, it is on every public place: %s" % (kind, where))
        # Cached once, so that a stale copy would show if the move forgot it.
        for p in ("%s/%s" % (base, slug), base, "/"):
            SRV.get(p)
            eq(SRV.get(p)[1].get("x-cache"), "hit", "%s: %s is cached" % (kind, p))
        s, h, b = client("editor").get("/admin/%s" % part)
        contains(b, 'action="/admin/%s/%d/trash"' % (part, rid), "%s: the list has Move to Trash"
                 % kind)
        s, h, b = client("editor").get("/admin/%s/%d" % (part, rid))
        contains(b, 'action="/admin/%s/%d/trash"' % (part, rid),
                 "%s: so has its editor" % kind)
        s, h, b = post("editor", "/admin/%s/%d/trash" % (part, rid))
        eq(s, 303, "%s: an editor moves it to the Trash: 303" % kind)
        eq(h.get("location"), "/admin/trash?done=trashed", "%s: to the Trash" % kind)
        where = public(kind, slug)
        ok(not any(where.values()), "%s: gone from every public place at once: %s"
           % (kind, where))
        ok(not search_finds(kind, slug), "%s: and search does not show it" % kind)
        for p in ("%s/%s" % (base, slug), "/api/v1%s/%s" % (base, slug)):
            eq(SRV.get(p)[0], 404, "%s: %s answers 404" % (kind, p))
        s, h, b = post("editor", "/admin/%s/%d/trash" % (part, rid))
        eq(s, 409, "%s: a second move is 409" % kind)
        s, h, b = client("editor").get("/admin/%s" % part)
        ok(('/admin/%s/%d"' % (part, rid)) not in b, "%s: it leaves the newsroom's list" % kind)
        s, h, b = client("editor").get("/admin/%s/%d" % (part, rid))
        contains(b, 'action="/admin/trash/%s/%d/restore"' % (part, rid),
                 "%s: its editor offers Restore" % kind)
        s, h, b = client("editor").get("/admin/trash")
        contains(b, 'value="%s:%d"' % (kind, rid), "%s: the Trash lists it, to tick" % kind)
        contains(b, 'action="/admin/trash/%s/%d/restore"' % (part, rid),
                 "%s: with Restore" % kind)
        ok("/delete" not in b, "%s: an editor has no Delete for good" % kind)
        s, h, b = client("admin").get("/admin/trash")
        contains(b, 'action="/admin/trash/%s/%d/delete"' % (part, rid),
                 "%s: an admin has Delete for good" % kind)
        eq(one("SELECT count(*) FROM jobs WHERE kind = 'trash' AND done_at IS NULL"
                " AND payload LIKE ?", ('%%"%s"%%' % kind,)), 1,
           "%s: the move queued its trash job" % kind)
        run_at = one("SELECT run_at FROM jobs WHERE kind = 'trash' AND done_at IS NULL"
                     " AND payload LIKE ?", ('%%"%s"%%' % kind,))
        ok(abs(run_at - NOW - 30 * DAY) < 600, "%s: due in 30 days" % kind)
        eq(one(deps), 1, "%s: its registrations or leads stay while it is there" % kind)
        if kind != "resource":
            eq(letter(kind, rid), 0, "%s: a registration letter due now is not sent" % kind)
        s, h, b = post("editor", "/admin/trash/%s/%d/restore" % (part, rid))
        eq(s, 303, "%s: Restore answers 303" % kind)
        eq(h.get("location"), "/admin/trash?done=restored", "%s: back to the Trash" % kind)
        where = public(kind, slug)
        ok(all(where.values()), "%s: restored, it is everywhere again: %s" % (kind, where))
        eq(row_of(kind, rid), before, "%s: exactly as it was (same slug, every column)" % kind)
        eq(one(deps), 1, "%s: with its registrations or leads" % kind)
        if kind != "resource":
            eq(letter(kind, rid), 1, "%s: and a letter due now is sent again" % kind)
        s, h, b = post("editor", "/admin/trash/%s/%d/restore" % (part, rid))
        eq(s, 404, "%s: restoring what is not in the Trash is 404" % kind)


def test_delete_for_good():
    for kind, (table, name, base, part) in KINDS.items():
        rid, slug = pick(kind, 1)
        deps = add_dependants(kind, rid)
        s, h, b = post("editor", "/admin/%s/%d/trash" % (part, rid))
        eq(s, 303, "%s: moved to the Trash" % kind)
        s, h, b = post("editor", "/admin/trash/%s/%d/delete" % (part, rid))
        eq(s, 403, "%s: an editor may not delete for good: 403" % kind)
        eq(one("SELECT count(*) FROM %s WHERE id = ?" % table, (rid,)), 1,
           "%s: which changed nothing" % kind)
        s, h, b = post("admin", "/admin/trash/%s/%d/delete" % (part, rid))
        eq(s, 303, "%s: an admin deletes it for good: 303" % kind)
        eq(h.get("location"), "/admin/trash?done=deleted", "%s: back to the Trash" % kind)
        eq(one("SELECT count(*) FROM %s WHERE id = ?" % table, (rid,)), 0,
           "%s: the row is gone" % kind)
        eq(one(deps), 0, "%s: its registrations or leads went with it" % kind)
        eq(SRV.get("%s/%s" % (base, slug))[0], 404, "%s: its address is 404" % kind)
        s, h, b = post("admin", "/admin/trash/%s/%d/delete" % (part, rid))
        eq(s, 404, "%s: a second delete is 404" % kind)
    # Webinars that were part of an event lose the link, not themselves.
    eid = one("SELECT event_id FROM webinars WHERE event_id IS NOT NULL ORDER BY id LIMIT 1")
    kept = one("SELECT count(*) FROM webinars WHERE event_id = ?", (eid,))
    s, h, b = post("editor", "/admin/events/%d/trash" % eid)
    s, h, b = post("admin", "/admin/trash/events/%d/delete" % eid)
    eq(s, 303, "an event that webinars belong to is deleted for good")
    eq(one("SELECT count(*) FROM webinars WHERE event_id = ?", (eid,)), 0,
       "no webinar names it any more")
    ok(kept > 0 and one("SELECT count(*) FROM webinars") >= kept, "and the webinars stay")


def test_job_empties_the_trash():
    for kind, (table, name, base, part) in KINDS.items():
        old, kept = pick(kind)[0], pick(kind, 1)[0]
        deps = add_dependants(kind, old)
        for rid in (old, kept):
            s, h, b = post("editor", "/admin/%s/%d/trash" % (part, rid))
            eq(s, 303, "%s %d goes to the Trash" % (kind, rid))
        s, h, b = post("editor", "/admin/trash/%s/%d/restore" % (part, kept))
        eq(s, 303, "%s %d is restored" % (kind, kept))
        # Thirty-one days later: it went there that long ago, and the
        # jobs are due.
        sql(DB, "UPDATE %s SET trashed_at = trashed_at - ? WHERE id = ?" % table,
            (31 * DAY, old))
        sql(DB, "UPDATE jobs SET run_at = 0 WHERE kind = 'trash' AND done_at IS NULL")
        ok(wait_for(lambda: one("SELECT count(*) FROM jobs WHERE kind = 'trash'"
                                " AND done_at IS NULL") == 0), "%s: the trash jobs run" % kind)
        eq(one("SELECT count(*) FROM jobs WHERE kind = 'trash' AND last_error IS NOT NULL"
               " AND last_error <> ''"), 0, "%s: without an error" % kind)
        eq(one("SELECT count(*) FROM %s WHERE id = ?" % table, (old,)), 0,
           "%s: the one left in the Trash is deleted for good" % kind)
        eq(one(deps), 0, "%s: with its registrations or leads" % kind)
        eq(one("SELECT count(*) FROM %s WHERE id = ?" % table, (kept,)), 1,
           "%s: the restored one stays" % kind)
        rid = pick(kind)[0]
        s, h, b = post("editor", "/admin/%s/%d/trash" % (part, rid))
        sql(DB, "UPDATE jobs SET run_at = 0 WHERE kind = 'trash' AND done_at IS NULL")
        ok(wait_for(lambda: one("SELECT count(*) FROM jobs WHERE kind = 'trash'"
                                " AND done_at IS NULL") == 0), "%s: a job run early" % kind)
        eq(one("SELECT count(*) FROM %s WHERE id = ?" % table, (rid,)), 1,
           "%s: leaves one trashed less than 30 days ago" % kind)
        s, h, b = post("editor", "/admin/trash/%s/%d/restore" % (part, rid))
        eq(s, 303, "%s: which is restored" % kind)


def bulk(role, action, items, csrf=True):
    fields = [("item", i) for i in items]
    if csrf:
        return client(role).post("/admin/trash/%s" % action, fields, csrf_from="/admin/trash")
    return client(role).post("/admin/trash/%s" % action, fields)


def trashed():
    return sorted(tuple(r) for r in sql(
        DB, "SELECT 'article', id FROM articles WHERE trashed_at IS NOT NULL"
        " UNION ALL SELECT 'event', id FROM events WHERE trashed_at IS NOT NULL"
        " UNION ALL SELECT 'webinar', id FROM webinars WHERE trashed_at IS NOT NULL"
        " UNION ALL SELECT 'resource', id FROM resources WHERE trashed_at IS NOT NULL"))


def test_list_and_bulk():
    aid = one("SELECT id FROM articles WHERE status = 'published' AND trashed_at IS NULL"
              " ORDER BY published_at DESC, id DESC LIMIT 1")
    s, h, b = post("editor", "/admin/articles/%d/trash" % aid)
    eq(s, 303, "a story goes to the Trash too")
    items = ["article:%d" % aid]
    for kind, (table, name, base, part) in KINDS.items():
        rid = soonest(kind)[0]
        s, h, b = post("editor", "/admin/%s/%d/trash" % (part, rid))
        eq(s, 303, "%s %d goes to the Trash" % (kind, rid))
        items.append("%s:%d" % (kind, rid))
    s, h, b = client("editor").get("/admin/trash")
    for label in ("Story", "Event", "Webinar", "White paper"):
        contains(b, "<td>%s</td>" % label, "the list names the kind: %s" % label)
    s, h, b = client("editor").get("/admin/trash?kind=event")
    eq(s, 200, "the kind filter answers 200")
    ok(items[1] in b and not any(i in b for i in items if not i.startswith("event:")),
       "and lists only events")
    s, h, b = client("editor").get("/admin/trash?kind=bogus")
    eq(s, 422, "an unknown kind is 422")
    before = trashed()
    for fields, want, name in (([], 422, "nothing ticked"),
                               (["event"], 422, "an item without an id"),
                               (["thing:1"], 422, "an unknown kind"),
                               (["event:x"], 422, "an id that is not a number"),
                               (["event:%d" % i for i in range(1, 27)], 422, "over 25 rows"),
                               ([items[1], "event:999999"], 404, "a row not in the Trash")):
        s, h, b = bulk("editor", "restore", fields)
        eq(s, want, "bulk restore, %s: %d" % (name, want))
    s, h, b = bulk("editor", "restore", items, csrf=False)
    eq(s, 403, "bulk restore without the CSRF token: 403")
    s, h, b = bulk("author", "restore", items)
    eq(s, 403, "an author may not bulk restore: 403")
    s, h, b = bulk("editor", "delete", items)
    eq(s, 403, "an editor may not bulk delete: 403")
    eq(trashed(), before, "none of which changed anything")
    s, h, b = bulk("editor", "restore", items[:2])
    eq(s, 303, "an editor restores two ticked rows")
    eq(h.get("location"), "/admin/trash?done=bulk&restored=2", "and the Trash says how many")
    s, h, b = client("editor").get(h["location"])
    contains(b, "2 rows restored.", "which it shows")
    eq(one("SELECT trashed_at FROM articles WHERE id = ?", (aid,)) in (None, ""), True,
       "the story is out of the Trash")
    ok(public("event", soonest("event")[1])["page"], "the event is back on its page")
    deleted = items[2:]
    s, h, b = bulk("admin", "delete", deleted)
    eq(s, 303, "an admin deletes the other two for good")
    eq(h.get("location"), "/admin/trash?done=bulk&deleted=2", "and the Trash says so")
    for it in deleted:
        kind, rid = it.split(":")
        eq(one("SELECT count(*) FROM %s WHERE id = ?" % KINDS[kind][0], (int(rid),)), 0,
           "%s is gone" % it)


run_tests([test_refused, test_trash_and_restore, test_delete_for_good,
           test_job_empties_the_trash, test_list_and_bulk], SRV.stop)
