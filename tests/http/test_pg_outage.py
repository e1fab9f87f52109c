"""Losing PostgreSQL (issue 4): while the database server is down, a page
or API document that needs the database answers 503, pages already in the
cache are still served, and once PostgreSQL is back the same masthead
process serves uncached pages again, without a restart.

PostgreSQL only: it stops and starts the run's cluster (tests/pg.sh pause
and resume on MASTHEAD_PG_DIR), so it is skipped on SQLite."""
import json
import os
import subprocess
import time

import harness
from harness import TOP, Server, ok, eq, contains, run_tests, on_pg, done

PG_DIR = os.environ.get("MASTHEAD_PG_DIR")

if not on_pg() or not PG_DIR:
    ok(True, "connection loss # SKIP PostgreSQL only (tests/pg.sh run sets"
       " MASTHEAD_PG_URL and MASTHEAD_PG_DIR)")
    done()


def pg(verb):
    subprocess.run(["sh", os.path.join(TOP, "tests", "pg.sh"), verb, PG_DIR],
                   check=True, capture_output=True, text=True)


srv = Server()
_, _, listing = srv.json("/api/v1/articles?limit=12")
SLUGS = [a["slug"] for a in listing["articles"]]
CACHED = ["/article/" + SLUGS[0], "/about-us", "/api/v1/articles/" + SLUGS[0]]
paused = False


def xcache(h):
    return h.get("x-cache", "")


def test_outage():
    global paused
    for path in CACHED:
        srv.get(path)
        st, h, _ = srv.get(path)
        eq((st, xcache(h)), (200, "hit"), "before: %s is cached" % path)

    pg("pause")
    paused = True
    # Every thread has its own connection: ask enough times to reach both.
    for slug in SLUGS[1:5]:
        st, h, b = srv.get("/article/" + slug)
        eq(st, 503, "down: uncached /article/%s is 503" % slug)
    contains(h.get("content-type", ""), "text/html", "down: the 503 is a page")
    st, h, b = srv.get("/api/v1/articles/" + SLUGS[5])
    eq(st, 503, "down: an uncached API document is 503")
    eq(json.loads(b)["error"]["status"], 503, "down: ...with a JSON error")
    st, _, _ = srv.get("/section/asia?before=1700000000.1")
    eq(st, 503, "down: an uncached list page is 503")
    for path in CACHED:
        st, h, _ = srv.get(path)
        eq((st, xcache(h)), (200, "hit"), "down: cached %s is still served" % path)

    pg("resume")
    paused = False
    t0 = time.time()
    st = 0
    while time.time() < t0 + 10:
        st, _, _ = srv.get("/article/" + SLUGS[1])
        if st == 200:
            break
        time.sleep(0.1)
    eq(st, 200, "back: the page that was 503 is 200, without a restart")
    ok(time.time() - t0 < 5, "back: within 5 s of PostgreSQL's return",
       "took %.1f s" % (time.time() - t0))
    # A thread whose last attempt failed tries again 250 ms later.
    time.sleep(0.3)
    for slug in SLUGS[2:8]:
        st, _, _ = srv.get("/article/" + slug)
        eq(st, 200, "back: /article/%s is 200 (every thread reconnected)" % slug)
    st, _, j = srv.json("/api/v1/articles/" + SLUGS[5])
    eq((st, j.get("article", {}).get("slug")), (200, SLUGS[5]),
       "back: the API document is 200")


def cleanup():
    # The cluster serves the suites after this one: it must be running.
    if paused:
        pg("resume")
    if harness._failed:
        for line in srv.output().splitlines():
            print("# server: " + line)
    return srv.stop()


run_tests([test_outage], cleanup)
