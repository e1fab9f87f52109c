"""migrate-db copies a whole site between databases and checks the row
counts: SQLite to SQLite, and (with PostgreSQL) SQLite to PostgreSQL and
back; the copy serves the same pages and API documents, and keeps taking
new rows (PostgreSQL's id sequences move past the copied ids)."""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

from harness import (BIN, Server, ok, eq, contains, run_tests, on_pg, pg_db,
                     psql)

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
    eq(rows(dst, INDEXES), rows(SRC, INDEXES),
       "the indexes dropped for the load are all made again")
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


# Values the bulk paths must carry unchanged: COPY's text format escapes
# tabs, newlines, carriage returns and backslashes and spells NULL \N,
# so each of those (and "\N" and "\." as text) is here, with NULL
# beside the empty string and integers at the ends of 64 bits.
ODD = ["tab\there", "line\nbreak\r\nand CR\r", "back\\slash \\N \\.",
       "\\", "\\.", "\\N", "", " ", "ünïcødé ✓ 日本語 🗞", "'quoted' \"double\"",
       "x" * 70000]
BIG = [9223372036854775807, -9223372036854775808, 9007199254740993, 0, -1]
INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY 1"
JOBS = "SELECT * FROM jobs WHERE kind LIKE 'odd%' ORDER BY id"
LIMITS = "SELECT * FROM rate_limits ORDER BY key"


def odd_source():
    """The demo with rows of awkward values in jobs and rate_limits."""
    path = os.path.join(D, "odd.db")
    shutil.copy(SRC, path)
    c = sqlite3.connect(path)
    for i, v in enumerate(ODD):
        # last_error NULL and locked_by text, then the other way round.
        c.execute("INSERT INTO jobs (id, kind, payload, run_at, last_error,"
                  " locked_by, locked_until, done_at, created_at)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)",
                  (900000 + i, "odd %d" % i, v, BIG[i % len(BIG)],
                   None if i % 2 else v, v if i % 2 else None,
                   None if i % 3 else BIG[i % len(BIG)]))
        c.execute("INSERT INTO rate_limits (key, window_start, hits)"
                  " VALUES (?, ?, ?)", ("k%02d %s" % (i, v[:100]),
                                        BIG[(i + 1) % len(BIG)], i))
    c.commit()
    c.close()
    return path


def rows(path, sql):
    c = sqlite3.connect(path)
    try:
        return c.execute(sql).fetchall()
    finally:
        c.close()


def test_odd_values():
    src = odd_source()
    want_jobs, want_limits = rows(src, JOBS), rows(src, LIMITS)
    eq(len(want_jobs), len(ODD), "the source holds the awkward rows")
    dst = os.path.join(D, "odd-copy.db")
    r = migrate(src, dst)
    eq(r.returncode, 0, "SQLite to SQLite with awkward values succeeds")
    eq(rows(dst, JOBS), want_jobs, "tabs, newlines, backslashes, NULLs, "
       "empty strings and 64-bit integers arrive unchanged in SQLite")
    eq(rows(dst, LIMITS), want_limits, "and so do text keys")
    if not on_pg():
        ok(True, "the same through PostgreSQL # SKIP PostgreSQL only")
        return
    pg = pg_db(demo=False)
    r = migrate(src, pg)
    eq(r.returncode, 0, "SQLite to PostgreSQL with awkward values succeeds")
    contains(r.stderr, "rows/s", "and prints its rate")
    got = psql(pg, "SELECT payload = last_error, last_error IS NULL,"
               " locked_by IS NULL, octet_length(payload), run_at FROM jobs"
               " WHERE kind LIKE 'odd%' ORDER BY id;\n")
    want = ""
    for i in range(len(want_jobs)):
        v = ODD[i]
        want += "%s\t%s\t%s\t%d\t%d\n" % (
            "t" if i % 2 == 0 else "", "t" if i % 2 else "f",
            "f" if i % 2 else "t", len(v.encode()), BIG[i % len(BIG)])
    eq(got, want, "PostgreSQL holds each value itself: NULL is NULL, '' is ''"
       ", escapes are undone, bytes are counted right")
    back = os.path.join(D, "odd-back.db")
    r = migrate(pg, back)
    eq(r.returncode, 0, "and back to SQLite")
    eq(rows(back, JOBS), want_jobs, "the round trip keeps every value")
    eq(rows(back, LIMITS), want_limits, "and every text key")


def dangling_source():
    """The demo with a story's tag row pointing at no story."""
    path = os.path.join(D, "dangling.db")
    shutil.copy(SRC, path)
    c = sqlite3.connect(path)   # Python's sqlite3 leaves references off
    c.execute("INSERT INTO article_tags VALUES (987654321, 987654321, 1)")
    c.commit()
    c.close()
    return path


def test_sqlite_failure():
    src = dangling_source()
    dst = os.path.join(D, "dangling-copy.db")
    r = migrate(src, dst)
    eq(r.returncode, 1, "a row referring to no row fails the copy")
    contains(r.stderr, "article_tags, row", "and names the table and row")
    eq(rows(dst, "SELECT count(*) FROM articles") +
       rows(dst, "SELECT count(*) FROM article_tags"), [(0,), (0,)],
       "the destination keeps no row")
    eq(rows(dst, INDEXES), rows(SRC, INDEXES),
       "and every index it had (the drops are rolled back)")


def pg_table_counts(url):
    """Rows in every table and the number of indexes and foreign keys."""
    return psql(url, "SELECT (SELECT count(*) FROM pg_indexes WHERE"
                " schemaname = current_schema()), (SELECT count(*) FROM"
                " pg_constraint WHERE contype = 'f'), (SELECT count(*) FROM"
                " settings), (SELECT count(*) FROM articles), (SELECT"
                " count(*) FROM rate_limits);\n")


def test_postgres_failures():
    if not on_pg():
        ok(True, "failures into PostgreSQL # SKIP PostgreSQL only")
        return
    # Into a database that has a site: refused, and nothing moves.
    pg = pg_db(demo=False)
    eq(migrate(SRC, pg).returncode, 0, "a first copy into PostgreSQL")
    before = pg_table_counts(pg)
    r = migrate(SRC, pg)
    ok(r.returncode == 1 and "not empty" in r.stderr,
       "copying into a PostgreSQL database that has a site is refused")
    eq(pg_table_counts(pg), before, "and its rows, indexes and foreign keys "
       "are as they were")

    # A NUL byte cannot be PostgreSQL text: a clear error, nothing kept.
    src = os.path.join(D, "nul.db")
    shutil.copy(SRC, src)
    c = sqlite3.connect(src)
    c.execute("INSERT INTO rate_limits VALUES (?, 1, 1)", ("nul\x00byte",))
    c.commit()
    c.close()
    pg = pg_db(demo=False)
    eq(migrate(pg, os.path.join(D, "empty-first.db")).returncode, 0,
       "an empty PostgreSQL database copies (its schema made)")
    empty = pg_table_counts(pg)
    r = migrate(src, pg)
    eq(r.returncode, 1, "a text value holding a NUL byte fails the copy")
    contains(r.stderr, "rate_limits, row 1: a text value holds a NUL byte",
             "and says which table, which row and why")
    eq(pg_table_counts(pg), empty, "the destination keeps no row of it, and "
       "its indexes and foreign keys")

    # A row referring to no row: found when the references are made again.
    r = migrate(dangling_source(), pg)
    eq(r.returncode, 1, "a row referring to no row fails the copy into "
       "PostgreSQL")
    contains(r.stderr, "article_tags", "and names the table")
    contains(r.stderr, "foreign key", "and the reference")
    eq(pg_table_counts(pg), empty, "the destination keeps no row, and its "
       "indexes and foreign keys")

    # The connection broken in the middle of the load.
    big = os.path.join(D, "big.db")
    shutil.copy(SRC, big)
    c = sqlite3.connect(big)
    c.executemany("INSERT INTO rate_limits VALUES (?, ?, ?)",
                  (("key %d\twith a tab" % i, i, i) for i in range(300000)))
    c.commit()
    c.close()
    pg = pg_db(demo=False)
    name = pg.rsplit("/", 1)[1]
    p = subprocess.Popen([BIN, "migrate-db", "--from", big, "--to", pg],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    killed = ""
    deadline = time.time() + 60
    while not killed and p.poll() is None and time.time() < deadline:
        killed = psql(pg, "SELECT pg_terminate_backend(pid) FROM"
                      " pg_stat_activity WHERE datname = '%s' AND pid <>"
                      " pg_backend_pid() AND query LIKE 'COPY %%';\n"
                      % name).strip()
        time.sleep(0.02)
    out, err = p.communicate(timeout=120)
    ok(killed.startswith("t"), "the loading connection was ended mid-copy")
    eq(p.returncode, 1, "a connection lost mid-copy fails migrate-db")
    ok("migrate-db:" in err and "connection" in err and "terminat" in err,
       "with a clear error naming the lost connection", err[-600:])
    eq(pg_table_counts(pg), empty, "and the destination is as it was: no "
       "row, every index and foreign key")


run_tests([test_sqlite_to_sqlite, test_postgres_round_trip, test_odd_values,
           test_sqlite_failure, test_postgres_failures])
