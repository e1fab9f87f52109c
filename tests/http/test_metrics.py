#!/usr/bin/env python3
"""/metrics on its own listener, and the JSON access log."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import http.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BIN, Server, demo_db, eq, free_port, ok, on_pg,
                     run_tests, until)
from smtpsink import SmtpSink

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"'
SAMPLE = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|\+Inf|-Inf|NaN)$"
                    % (NAME, LABEL, LABEL))
HELP = re.compile(r"^# HELP (%s) \S.*$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % NAME)


def parse(text):
    """Parses the text format strictly: returns ({(name, labels): value},
    [problems])."""
    samples, bad, helps, types = {}, [], set(), {}
    if not text.endswith("\n"):
        bad.append("no final newline")
    for line in text.splitlines():
        m = HELP.match(line)
        if m:
            helps.add(m.group(1))
            continue
        m = TYPE.match(line)
        if m:
            if m.group(1) in types:
                bad.append("two TYPE lines: " + line)
            types[m.group(1)] = m.group(2)
            continue
        m = SAMPLE.match(line)
        if not m:
            bad.append("not a sample: %r" % line)
            continue
        name, labels = m.group(1), m.group(2) or ""
        base = name
        for suf in ("_bucket", "_sum", "_count"):
            if name.endswith(suf) and types.get(name[:-len(suf)]) == "histogram":
                base = name[:-len(suf)]
        if base not in helps or base not in types:
            bad.append("no HELP or TYPE before " + name)
        if (name, labels) in samples:
            bad.append("twice: " + line)
        samples[(name, labels)] = float(m.group(3))
    # Histograms: cumulative buckets ending with +Inf equal to _count.
    for name, t in types.items():
        if t != "histogram":
            continue
        buckets = [(k[1], v) for k, v in samples.items() if k[0] == name + "_bucket"]
        if not buckets or buckets[-1][0] != '{le="+Inf"}':
            bad.append(name + ": the last bucket is not +Inf")
            continue
        vals = [v for _, v in buckets]
        if vals != sorted(vals):
            bad.append(name + ": buckets are not cumulative")
        les = [float(l[5:-2]) for l, _ in buckets[:-1]]
        if les != sorted(les):
            bad.append(name + ": bounds out of order")
        if vals[-1] != samples.get((name + "_count", "")):
            bad.append(name + ": +Inf differs from _count")
    return samples, bad


def scrape(port, method="GET", path="/metrics"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path)
    r = c.getresponse()
    body = r.read().decode("utf-8")
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, body


def value(samples, name, labels=""):
    return samples.get((name, labels), 0.0)


def metrics_server(extra=()):
    mport = free_port()
    d = tempfile.mkdtemp()
    log = os.path.join(d, "access.log")
    srv = Server(["--metrics_listen", "127.0.0.1:%d" % mport,
                  "--access_log", log, "--access_log_format", "json"]
                 + list(extra))
    return srv, mport, log


def test_counters():
    srv, mport, log = metrics_server()
    try:
        s, h, text = scrape(mport)
        eq(s, 200, "GET /metrics answers 200 on its listener")
        ok(h.get("content-type", "").startswith("text/plain; version=0.0.4"),
           "in the text exposition format", h.get("content-type"))
        before, bad = parse(text)
        ok(not bad, "every line of the first scrape parses", "; ".join(bad[:5]))
        for name in ("masthead_cache_hits_total", "masthead_cache_misses_total",
                     "masthead_cache_evictions_total",
                     "masthead_render_seconds_count", "masthead_db_seconds_total",
                     "masthead_mail_sent_total", "masthead_mail_failed_total"):
            ok((name, "") in before, name + " is there")
        ok(("masthead_jobs_failed_total", '{kind="mail"}') in before,
           "masthead_jobs_failed_total is there by kind")
        ok(("masthead_webhook_deliveries_total", '{result="ok"}') in before,
           "masthead_webhook_deliveries_total is there by result")
        ok("# TYPE masthead_jobs_queued gauge" in text,
           "masthead_jobs_queued is a gauge")

        s1, h1, _ = srv.get("/about-us")
        s2, h2, _ = srv.get("/about-us")
        s3, _, _ = srv.get("/no/such/route/at/all")
        eq((s1, h1.get("x-cache"), s2, h2.get("x-cache"), s3),
           (200, "miss", 200, "hit", 404), "a miss, a hit and a 404 were sent")
        # A request is counted when h2o disposes of it, just after its last
        # byte is written: the client may read the 404 and scrape first.
        def moved(name, labels=""):
            return value(after, name, labels) - value(before, name, labels)
        deadline = time.time() + 5
        while True:
            s, _, text = scrape(mport)
            after, bad = parse(text)
            if time.time() > deadline or (
                    moved("masthead_http_requests_total", '{kind="page",code="200"}') >= 2 and
                    moved("masthead_http_requests_total", '{kind="none",code="404"}') >= 1):
                break
            time.sleep(0.02)
        ok(not bad, "every line of the second scrape parses", "; ".join(bad[:5]))
        eq(moved("masthead_http_requests_total", '{kind="page",code="200"}'), 2,
           "two page 200s counted")
        eq(moved("masthead_http_requests_total", '{kind="none",code="404"}'), 1,
           "the 404 counted without a route kind")
        eq(moved("masthead_cache_hits_total"), 1, "one cache hit counted")
        eq(moved("masthead_cache_misses_total"), 1, "one cache miss counted")
        eq(moved("masthead_render_seconds_count"), 1,
           "the render histogram counted the one render")
        ok(moved("masthead_render_seconds_sum") > 0, "and its time")
        ok(moved("masthead_db_seconds_total") > 0,
           "the render's database time counted")
        ok(("masthead_db_round_trips_total", "") in after,
           "masthead_db_round_trips_total is there")
        if on_pg():
            ok(moved("masthead_db_round_trips_total") > 0,
               "the render's waits for PostgreSQL counted")
            ok(moved("masthead_render_db_round_trips_total") > 0,
               "and counted as the render's")
        else:
            eq(moved("masthead_db_round_trips_total"), 0,
               "SQLite makes no round trip")
            eq(moved("masthead_render_db_round_trips_total"), 0,
               "and no render counts one")

        s, h, _ = scrape(mport, "POST")
        eq(s, 405, "POST /metrics: 405")
        eq(h.get("allow"), "GET", "with Allow: GET")
        eq(scrape(mport, "GET", "/")[0], 404, "another path of the listener: 404")
        eq(scrape(mport, "GET", "/metricsx")[0], 404, "a longer path: 404")
        eq(srv.get("/metrics")[0], 404, "/metrics on the public port: 404")
    finally:
        srv.stop()


def test_off_by_default():
    srv = Server()
    try:
        eq(srv.get("/metrics")[0], 404, "without metrics_listen, /metrics is 404")
        ok("metrics" not in srv.output(), "and no metrics listener is started")
    finally:
        srv.stop()
    r = subprocess.run([BIN, "--help"], capture_output=True, text=True)
    out = r.stdout + r.stderr
    m = re.search(r"--metrics_listen[^\n]*", out)
    ok(m is not None and "empty for none" in m.group(0), "the help names metrics_listen, empty by default",
       m.group(0) if m else out[-300:])


def test_json_log():
    srv, mport, log = metrics_server()
    try:
        srv.get("/about-us?utm_source=x", headers={
            "Cookie": "mh_session=sEcReTcOoKiE123",
            "Authorization": "Bearer t0kEnVaLuE456",
            "User-Agent": "tester \"quoted\" \\ caf\u00e9",
            "Referer": "http://example.com/from"})
        srv.get("/no/such/route/at/all")
        time.sleep(0.2)
        with open(log, encoding="utf-8") as f:
            text = f.read()
    finally:
        srv.stop()
    lines = text.splitlines()
    eq(len(lines), 2, "one line per request")
    recs = []
    for l in lines:
        try:
            recs.append(json.loads(l))
        except ValueError:
            ok(False, "a line parses as JSON", l)
    eq(len(recs), 2, "every line parses as JSON")
    r = recs[0]
    for k in ("time", "method", "path", "status", "bytes", "duration_ms", "cache",
              "kind", "remote", "user_agent", "referer"):
        ok(k in r, "the line has " + k)
    ok(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", r.get("time", "")),
       "time is RFC 3339 UTC with milliseconds", r.get("time"))
    eq((r["method"], r["path"], r["status"], r["cache"], r["kind"], r["remote"]),
       ("GET", "/about-us", 200, "none", "page", "127.0.0.1"),
       "method, path without the query, status, cache (none: it carries credentials), kind, address")
    eq(r["user_agent"], "tester \"quoted\" \\ caf\ufffd",
       "the user agent escaped, a byte that is not UTF-8 replaced")
    eq(r["referer"], "http://example.com/from", "the referer")
    ok(r["bytes"] > 0 and r["duration_ms"] >= 0, "bytes and duration")
    eq((recs[1]["status"], recs[1]["kind"], recs[1]["cache"]), (404, "none", "none"),
       "the 404's line")
    ok("sEcReTcOoKiE123" not in text, "no cookie value is logged")
    ok("t0kEnVaLuE456" not in text, "no Authorization is logged")


def test_concurrent_and_reopen():
    srv, mport, log = metrics_server()
    n_clients, each = 8, 15
    errors = []

    def client(i):
        try:
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            for k in range(each):
                path = "/about-us" if k % 3 else "/nothing-%d-%d-%s" % (i, k, "x" * 200)
                c.request("GET", path, headers={"User-Agent": "client-%d-" % i + "y" * 300})
                c.getresponse().read()
            c.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    try:
        ts = [threading.Thread(target=client, args=(i,)) for i in range(n_clients)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        eq(errors, [], "8 clients were answered")
        time.sleep(0.3)
        with open(log, encoding="utf-8") as f:
            lines = f.read().splitlines()
        good = 0
        for l in lines:
            try:
                json.loads(l)
                good += 1
            except ValueError:
                pass
        eq((len(lines), good), (n_clients * each, n_clients * each),
           "every request has one whole JSON line: none interleaved")

        os.rename(log, log + ".1")
        srv.proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        srv.get("/about-us")
        time.sleep(0.2)
        ok(os.path.exists(log), "SIGHUP reopens the access log at its path")
        with open(log, encoding="utf-8") as f:
            fresh = f.read().splitlines()
        eq(len(fresh), 1, "the next request goes to the new file")
        eq(srv.proc.poll(), None, "the server is still serving after SIGHUP")
    finally:
        srv.stop()


def test_jobs_and_mail():
    """A mail job refused by the SMTP server: the first instance retries
    it later (queued), the second gives it up at once (failed)."""
    for attempts, name in (("2", "retried"), ("1", "given up")):
        sink = SmtpSink()
        sink.refuse_always = True
        d = tempfile.mkdtemp()
        db = demo_db(d)
        mport = free_port()
        srv = Server(db=db, args=["--metrics_listen", "127.0.0.1:%d" % mport,
                                  "--smtp_host", "127.0.0.1",
                                  "--smtp_port", str(sink.port),
                                  "--job_attempts", attempts,
                                  "--job_backoff", "600"])
        try:
            before, _ = parse(scrape(mport)[2])
            r = subprocess.run([BIN, "mail", "test", "--db", db, "x@example.org"],
                               capture_output=True, text=True)
            ok(r.returncode == 0, "a test message is queued (%s)" % name, r.stderr)
            after = until(lambda: (lambda smp: smp if value(
                smp[0], "masthead_mail_failed_total") > value(
                before, "masthead_mail_failed_total") else None)(
                parse(scrape(mport)[2])), 10)
            ok(after is not None, "the refused message is counted as failed (%s)" % name)
            if after is None:
                continue
            smp, bad = after
            ok(not bad, "the scrape parses", "; ".join(bad[:5]))
            eq(value(smp, "masthead_mail_failed_total")
               - value(before, "masthead_mail_failed_total"), 1,
               "mail_failed_total moved by one (%s)" % name)
            eq(value(smp, "masthead_mail_sent_total"),
               value(before, "masthead_mail_sent_total"), "mail_sent_total did not")
            if attempts == "2":
                eq(value(smp, "masthead_jobs_queued", '{kind="mail"}'), 1,
                   "the job waiting for its retry is queued")
                eq(value(smp, "masthead_jobs_failed_total", '{kind="mail"}'), 0,
                   "and not failed")
            else:
                smp = until(lambda: (lambda x: x if value(
                    x, "masthead_jobs_failed_total", '{kind="mail"}') else None)(
                    parse(scrape(mport)[2])[0]), 5) or smp
                eq(value(smp, "masthead_jobs_failed_total", '{kind="mail"}'), 1,
                   "the job given up is counted in jobs_failed_total")
                eq(value(smp, "masthead_jobs_queued", '{kind="mail"}'), 0,
                   "and is no longer queued")
        finally:
            srv.stop()
            sink.close()


def render_trips(path, what):
    """Renders path twice, uncached; checks that the second render (its
    fragments made, its statements prepared by the first) waited for
    PostgreSQL once, and not at all on SQLite."""
    srv, mport, _ = metrics_server(["--cache_size", "0",
                                    "--render_threads", "1"])
    try:
        eq(srv.get(path)[0], 200, "the %s answers 200" % what)
        before, _ = parse(scrape(mport)[2])
        s, h, _ = srv.get(path)
        after, _ = parse(scrape(mport)[2])
        eq((s, h.get("x-cache")), (200, None),
           "and again, rendered again (%s)" % what)
        trips = (value(after, "masthead_render_db_round_trips_total") -
                 value(before, "masthead_render_db_round_trips_total"))
        if on_pg():
            eq(trips, 1, "the %s's render waited for PostgreSQL once" % what)
        else:
            eq(trips, 0, "SQLite makes no round trip (%s)" % what)
    finally:
        srv.stop()


def test_article_trips():
    """An uncached article waits for PostgreSQL once: for the story with
    its authors, tags, site, first comments and featured comments, sent
    together (docs/postgres.md, "Round trips")."""
    render_trips("/article/us-scraps-xiaomi-blacklisting", "article")


def test_home_trips():
    """An uncached home page, its lists kept as fragments, waits for
    PostgreSQL once: for the pins and their next expiry, the featured
    video setting and Most commented, sent together."""
    render_trips("/", "home page")


def test_bad_settings():
    d = tempfile.mkdtemp()
    db = demo_db(d)
    for args, want, name in (
            (["--metrics_listen", "nonsense"], "metrics_listen", "a metrics_listen without a port"),
            (["--metrics_listen", "256.1.1.1:9100"], "metrics_listen", "a bad metrics address"),
            (["--access_log_format", "xml"], "access_log_format", "an unknown log format")):
        r = subprocess.run([BIN, "serve", "--db", db, "--listen",
                            "127.0.0.1:%d" % free_port()] + args,
                           capture_output=True, text=True, timeout=20)
        ok(r.returncode != 0 and want in r.stderr, name + " stops the server at start",
           "rc=%d %s" % (r.returncode, r.stderr[-300:]))


run_tests([test_counters, test_off_by_default, test_json_log,
           test_concurrent_and_reopen, test_jobs_and_mail, test_article_trips,
           test_home_trips,
           test_bad_settings])
