"""migrate-db copies a whole site between databases and checks the row
counts: SQLite to SQLite, and (with PostgreSQL) SQLite to PostgreSQL and
back; the copy serves the same pages and API documents, and keeps taking
new rows (PostgreSQL's id sequences move past the copied ids)."""
import json
import os
import subprocess
import tempfile

from harness import BIN, Server, ok, eq, contains, run_tests, on_pg, pg_db

D = tempfile.mkdtemp(prefix="masthead-copy-")
SRC = os.path.join(D, "source.db")
MEDIA = os.path.join(D, "media")
subprocess.run([BIN, "demo", "--db", SRC], check=True, capture_output=True)
subprocess.run([BIN, "user", "add", "--db", SRC, "--role", "editor",
                "ed@example.com"], input="a long enough passphrase", text=True,
               check=True, capture_output=True)
PAGES = ["/article/us-scraps-xiaomi-blacklisting", "/section/asia",
         "/author/ken-wieland", "/api/v1/articles?limit=100", "/events/archive"]


def migrate(a, b):
    return subprocess.run([BIN, "migrate-db", "--from", a, "--to", b],
                          capture_output=True, text=True)


SEARCH = "/api/v1/search?q=xiaomi"


def snapshot(db):
    """The pages that matter, as the site on db serves them (at one
    address: without base_url, links follow the port served on)."""
    srv = Server(["--media_dir", MEDIA, "--base_url",
                  "https://news.example.com"], db=db)
    try:
        return {p: srv.get(p)[2] for p in PAGES + [SEARCH]}
    finally:
        srv.stop()


def result_ids(doc):
    return sorted(r["id"] for r in json.loads(doc)["results"])


def same_site(a, b, what, same_engine=True):
    """The copy serves the same pages.  The search index is rebuilt at the
    destination; across engines the ranking functions differ (bm25 and
    ts_rank), so there search is compared by the stories it finds."""
    sa, sb = snapshot(a), snapshot(b)
    for p in PAGES:
        eq(sb[p], sa[p], "%s serves %s exactly as the source" % (what, p))
    if same_engine:
        eq(sb[SEARCH], sa[SEARCH], "%s searches exactly as the source" % what)
    else:
        eq(result_ids(sb[SEARCH]), result_ids(sa[SEARCH]),
           "%s's rebuilt index finds the same stories" % what)
    ok(len(json.loads(sb[SEARCH])["results"]) > 0,
       "%s's search index was rebuilt" % what)


def can_publish(db, what):
    r = subprocess.run([BIN, "token", "add", "--db", db, "ed@example.com"],
                       capture_output=True, text=True)
    ok(r.returncode == 0, "%s: the copied account takes a new token" % what)
    srv = Server(["--media_dir", MEDIA], db=db)
    try:
        s, h, b = srv.request("POST", "/api/v1/admin/articles",
                              {"Authorization": "Bearer " + r.stdout.strip(),
                               "Content-Type": "application/json"},
                              json.dumps({"title": "After the move", "section": "asia"}))
        eq(s, 201, "%s: a new article can be written after the copy" % what)
        ok(json.loads(b)["article"]["id"] > 600,
           "%s: and gets an id after the copied ones" % what)
    finally:
        srv.stop()


def test_sqlite_to_sqlite():
    dst = os.path.join(D, "copy.db")
    r = migrate(SRC, dst)
    eq(r.returncode, 0, "SQLite to SQLite: migrate-db succeeds")
    contains(r.stderr, "articles", "and prints its row counts")
    ok("MISMATCH" not in r.stderr, "with no mismatch")
    same_site(SRC, dst, "the SQLite copy")
    r = migrate(SRC, dst)
    ok(r.returncode == 1 and "not empty" in r.stderr,
       "copying into a database that has a site is refused")
    eq(migrate(SRC, SRC).returncode, 2, "copying a database onto itself is refused")
    r = subprocess.run([BIN, "migrate-db", "--from", SRC], capture_output=True, text=True)
    eq(r.returncode, 2, "migrate-db without --to is refused")
    can_publish(dst, "the SQLite copy")


def test_postgres_round_trip():
    if not on_pg():
        ok(True, "SQLite to PostgreSQL and back # SKIP PostgreSQL only")
        return
    pg = pg_db(demo=False)
    r = migrate(SRC, pg)
    eq(r.returncode, 0, "SQLite to PostgreSQL: migrate-db succeeds")
    ok("MISMATCH" not in r.stderr, "with no mismatch")
    same_site(SRC, pg, "the PostgreSQL copy", same_engine=False)
    back = os.path.join(D, "back.db")
    r = migrate(pg, back)
    eq(r.returncode, 0, "PostgreSQL to SQLite: migrate-db succeeds")
    same_site(SRC, back, "the copy brought back to SQLite")
    can_publish(pg, "the PostgreSQL copy")


run_tests([test_sqlite_to_sqlite, test_postgres_round_trip])
