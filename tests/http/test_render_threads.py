"""Render threads (docs/http.md, "Threads"): on a server with one event
loop, a cached page is answered at once while a request that needs the
database waits for it on a render thread.

The wait is made on purpose: another connection holds the lock a
sign-in needs to store its session (SQLite: the write lock, by an open
BEGIN IMMEDIATE; PostgreSQL: LOCK TABLE sessions), for HOLD seconds.

- With render threads (the default), the cached home page comes back
  in well under a second meanwhile, and the sign-in is answered (303,
  signed in) once the lock goes.
- With render_threads = 0 the loop itself waits for the lock, and the
  cached page with it: the setting gives the old behaviour, and the
  test can tell the two apart.
- Stopping the server while the sign-in waits still answers it: the
  session is stored, the server exits 0.
- A client that goes away (an HTTP/2 connection closed) while its
  request waits on a render thread leaves the server answering, and
  stopping cleanly."""
import os
import sqlite3
import subprocess
import threading
import time

from harness import (BIN, Server, Client, ok, eq, run_tests, sql, is_pg,
                     form_token, on_pg)

PW = "a passphrase long enough"
HOLD = 3.0
EMAIL = "reader@example.com"


class Lock:
    """Holds what storing a session needs, from another connection, for
    HOLD seconds from start(); started() returns once it is held."""

    def __init__(self, db):
        self.db, self.thread, self.held = db, None, threading.Event()

    def _sqlite(self):
        con = sqlite3.connect(self.db, isolation_level=None, timeout=10)
        con.execute("BEGIN IMMEDIATE")
        self.held.set()
        time.sleep(HOLD)
        con.execute("ROLLBACK")
        con.close()

    def _pg(self):
        p = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                              "-d", self.db], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        p.stdin.write("BEGIN;\nLOCK TABLE sessions IN ACCESS EXCLUSIVE MODE;\n"
                      "\\echo held\n")
        p.stdin.flush()
        p.stdout.readline()
        self.held.set()
        time.sleep(HOLD)
        p.communicate("ROLLBACK;\n")

    def start(self):
        self.thread = threading.Thread(
            target=self._pg if is_pg(self.db) else self._sqlite)
        self.thread.start()
        self.held.wait(10)

    def join(self):
        self.thread.join()


def setup(args):
    srv = Server(args=["--threads", "1"] + args)
    subprocess.run([BIN, "user", "add", "--db", srv.db, "--role", "member",
                    EMAIL], input=PW, text=True, check=True,
                   capture_output=True)
    srv.get("/")
    s, h, _ = srv.get("/")
    eq(h.get("x-cache"), "hit", "the home page is in the cache")
    return srv


def start_sign_in(srv):
    """Starts a sign-in that will wait for the lock; returns the thread
    and where its status and time go."""
    c = Client(srv)
    token = c.csrf("/signin")
    out = {}

    def go():
        t = time.time()
        s, h, b = c.post("/signin", [("email", EMAIL), ("password", PW),
                                     ("csrf", token)])
        out["status"], out["took"] = s, time.time() - t
        out["cookie"] = "mh_session" in c.cookies

    th = threading.Thread(target=go)
    th.start()
    return th, out


def cached_during_wait(args):
    """The cached page's status, X-Cache and time while a sign-in waits;
    whether the sign-in was still waiting then; the sign-in's result."""
    srv = setup(args)
    try:
        lock = Lock(srv.db)
        lock.start()
        th, out = start_sign_in(srv)
        time.sleep(0.4)
        t = time.time()
        s, h, _ = srv.get("/")
        took = time.time() - t
        waiting = th.is_alive()
        th.join()
        lock.join()
        return s, h.get("x-cache"), took, waiting, out
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def test_cached_beside_wait():
    s, xc, took, waiting, out = cached_during_wait([])
    print("# cached page while a sign-in waits for the lock: %.3f s" % took)
    eq(s, 200, "render threads: the cached page is answered")
    eq(xc, "hit", "render threads: from the cache")
    ok(took < 1.0, "render threads: at once (%.3f s, the lock is held %.1f s)"
       % (took, HOLD))
    ok(waiting, "render threads: the sign-in was still waiting then")
    eq(out.get("status"), 303, "the sign-in is answered once the lock goes")
    ok(out.get("cookie"), "the sign-in stored its session")
    ok(out.get("took", 0) >= HOLD - 1.0,
       "the sign-in waited for the lock (%.2f s)" % out.get("took", 0))


def test_loop_waits_without_threads():
    s, xc, took, waiting, out = cached_during_wait(["--render_threads", "0"])
    print("# render_threads 0: the cached page took %.3f s" % took)
    eq(s, 200, "render_threads 0: the cached page is answered")
    ok(took >= 1.0, "render_threads 0: only after the sign-in's wait "
       "(%.3f s): the loop waited for the lock" % took)
    eq(out.get("status"), 303, "render_threads 0: the sign-in is answered")


def test_stop_answers_waiting():
    srv = setup([])
    lock = Lock(srv.db)
    lock.start()
    th, out = start_sign_in(srv)
    time.sleep(0.4)
    srv.proc.terminate()
    th.join()
    lock.join()
    eq(out.get("status"), 303, "a sign-in waiting as the server stops is "
       "answered")
    rc = srv.proc.wait(15)
    eq(rc, 0, "the server stopped cleanly after answering it")
    db = srv.db
    n = sql(db, "SELECT count(*) FROM sessions")[0][0]
    ok(n >= 1, "the session it answered for is stored (%s)" % n)
    eq(srv.stop(), 0, "the server's exit status")


def test_client_gone():
    srv = setup([])
    try:
        c = Client(srv)
        token = c.csrf("/signin")
        lock = Lock(srv.db)
        lock.start()
        # HTTP/2, given up after half a second: the connection closes
        # while the request waits on a render thread.
        r = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
             "--http2-prior-knowledge", "--max-time", "0.5",
             "-H", "Cookie: " + "; ".join("%s=%s" % kv for kv in
                                          c.cookies.items()),
             "-H", "X-Real-IP: 192.0.2.10",
             "--data-urlencode", "email=" + EMAIL,
             "--data-urlencode", "password=" + PW,
             "--data-urlencode", "csrf=" + token,
             "http://127.0.0.1:%d/signin" % srv.port],
            capture_output=True, text=True)
        eq(r.stdout, "000", "the client gave up before the answer")
        lock.join()
        time.sleep(0.3)
        s, h, _ = srv.get("/")
        eq(s, 200, "the server answers after the clients went away")
        s, h, _ = srv.get("/section/5g?before=1770000000.2")
        eq(s, 200, "and renders pages")
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


if __name__ == "__main__":
    run_tests([test_cached_beside_wait, test_loop_waits_without_threads,
               test_stop_answers_waiting, test_client_gone])
