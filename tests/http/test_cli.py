"""The command line: --help, config files with file:line errors, the demo
command, and a clean stop on SIGTERM and SIGINT."""
import os
import signal
import subprocess
import tempfile

from harness import BIN, Server, ok, eq, contains, run_tests, new_db, on_pg, sql


def run(*args, env=None):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True,
                          env=env)


def test_help():
    r = run("--help")
    eq(r.returncode, 0, "--help exits 0")
    for word in ("serve", "demo", "--db", "--listen", "--config", "theme_dir",
                 "max_header", "access_log"):
        contains(r.stdout, word, "--help explains " + word)
    r = run()
    eq(r.returncode, 2, "no command exits 2")
    r = run("frobnicate")
    eq(r.returncode, 2, "unknown command exits 2")
    contains(r.stderr, "unknown command", "and says so")


def test_config_errors():
    d = tempfile.mkdtemp()
    conf = os.path.join(d, "masthead.conf")
    with open(conf, "w") as f:
        f.write("# comment\nlisten = 127.0.0.1:1\n\ncolour = blue\n")
    r = run("serve", "--config", conf, "--db", os.path.join(d, "x.db"))
    ok(r.returncode != 0, "unknown config key stops start-up")
    contains(r.stderr, conf + ":4:", "the error names file and line")
    contains(r.stderr, "colour", "the error names the key")
    with open(conf, "w") as f:
        f.write("threads = many\n")
    r = run("serve", "--config", conf)
    contains(r.stderr, conf + ":1:", "a bad value names file and line")
    with open(conf, "w") as f:
        f.write("just words\n")
    r = run("serve", "--config", conf)
    contains(r.stderr, conf + ":1:", "a line without '=' names file and line")
    r = run("serve", "--config", os.path.join(d, "missing.conf"))
    ok(r.returncode != 0 and "missing.conf" in r.stderr, "a missing config file is an error")
    r = run("serve", "--no-such-flag", "1")
    ok(r.returncode == 2 and "no-such-flag" in r.stderr, "an unknown flag is an error")
    env = dict(os.environ, MASTHEAD_THREADS="lots")
    r = run("serve", env=env)
    contains(r.stderr, "MASTHEAD_THREADS", "a bad environment value is named")


def test_config_file_applies():
    d = tempfile.mkdtemp()
    conf = os.path.join(d, "masthead.conf")
    with open(conf, "w") as f:
        f.write("page_size = 7\n")
    srv = Server(["--config", conf])
    try:
        s, h, j = srv.json("/api/v1/articles")
        eq(len(j["articles"]), 7, "page_size from the config file applies")
    finally:
        srv.stop()


def test_access_log():
    d = tempfile.mkdtemp()
    log = os.path.join(d, "access.log")
    srv = Server(["--access_log", log])
    try:
        srv.get("/about-us")
        srv.get("/no-such-page")
    finally:
        srv.stop()
    with open(log) as f:
        text = f.read()
    ok('"GET /about-us HTTP/1.1" 200' in text, "the access log records a request")
    ok('"GET /no-such-page HTTP/1.1" 404' in text, "and its status")


def test_accounts():
    d = tempfile.mkdtemp()
    db = new_db(d)
    pw = "a passphrase long enough"

    def user(*args, stdin=pw):
        return subprocess.run([BIN, "user"] + list(args) + ["--db", db],
                              input=stdin, capture_output=True, text=True)

    r = user("add", "--role", "editor", "--name", "Ed", "ed@example.com")
    eq(r.returncode, 0, "user add makes an account")
    eq(user("add", "ed@example.com").returncode, 1, "a taken email is refused")
    eq(user("add", "short@example.com", stdin="short").returncode, 2,
       "a short password is refused")
    eq(user("add", "not-an-email").returncode, 2, "a malformed email is refused")
    eq(user("add", "--role", "king", "k@example.com").returncode, 2,
       "an unknown role is refused")
    eq(user("add", "--author", "nobody-at-all", "n@example.com").returncode, 1,
       "an unknown author profile is refused")
    r = user("list")
    ok(r.returncode == 0 and "ed@example.com" in r.stdout and "editor" in r.stdout,
       "user list shows the account and its role")
    eq(user("set-role", "ed@example.com", "admin").returncode, 0, "set-role works")
    contains(user("list").stdout, "admin", "and the list shows the new role")
    eq(user("set-role", "nobody@example.com", "admin").returncode, 1,
       "set-role of an unknown email fails")
    r = subprocess.run([BIN, "token", "add", "--db", db, "ed@example.com"],
                       capture_output=True, text=True)
    ok(r.returncode == 0 and r.stdout.startswith("mh_") and len(r.stdout.strip()) == 46,
       "token add prints a token once")
    r = subprocess.run([BIN, "token", "add", "--db", db, "nobody@example.com"],
                       capture_output=True, text=True)
    eq(r.returncode, 1, "a token for an unknown email is refused")


def test_port_taken():
    srv = Server()
    try:
        r = run("serve", "--db", srv.db, "--listen", "127.0.0.1:%d" % srv.port)
        ok(r.returncode == 1 and "already in use" in r.stderr,
           "a second server on a port in use stops with a clear error")
        eq(srv.get("/about-us")[0], 200, "and the first keeps serving")
    finally:
        srv.stop()


def test_demo_refuses_twice():
    d = tempfile.mkdtemp()
    db = new_db(d)
    if on_pg():
        # A database on a server has no "beside": images go to media_dir.
        media = ["--media_dir", os.path.join(d, "media")]
        r = run("demo", "--db", db, *media)
        eq(r.returncode, 0, "demo loads into a new database")
        ok(os.path.isdir(os.path.join(d, "media")), "demo writes images to media_dir")
    else:
        media = []
        r = run("demo", "--db", db)
        eq(r.returncode, 0, "demo loads into a new file")
        ok(os.path.isdir(os.path.join(d, "media")), "demo writes images beside the database")
    r = run("demo", "--db", db, *media)
    ok(r.returncode != 0, "demo into a database with articles is refused")


def test_migrate_at_once():
    """Instances starting together on one database migrate it once."""
    d = tempfile.mkdtemp()
    db = new_db(d)
    procs = [subprocess.Popen([BIN, "migrate", "--db", db], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    codes = [p.wait(30) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    eq(codes, [0] * 6, "six migrations at once all succeed")
    rows = sql(db, "SELECT version, count(*) FROM schema_migrations"
               " GROUP BY version ORDER BY version")
    ok(len(rows) >= 3 and all(r[1] == 1 for r in rows),
       "each version is applied once", repr(rows))
    if on_pg():
        r = run("migrate", "--db", db.replace("@", ":sekrit@", 1))
        ok(r.returncode == 0 and "***@" in r.stderr and "sekrit" not in r.stderr,
           "migrate does not print the URL's password", r.stderr)


def test_signals():
    for sig, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
        srv = Server()
        eq(srv.get("/")[0], 200, "serving before " + name)
        rc = srv.stop(sig)
        eq(rc, 0, name + " stops the server with status 0")




run_tests([test_help, test_config_errors, test_config_file_applies, test_access_log,
           test_accounts, test_port_taken,
           test_demo_refuses_twice, test_migrate_at_once, test_signals])
