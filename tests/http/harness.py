"""Test harness for masthead's HTTP tests.

Starts the real binary on a free loopback port with a fresh copy of the
demo database, speaks HTTP to it (through http.client, or raw sockets for
malformed requests) and reports results as TAP lines ("ok N - name").
Only the Python standard library is used.

When MASTHEAD_PG_URL is set (postgres://user@host:port/, as tests/pg.sh
sets it), every database is a new PostgreSQL database on that server
instead of a SQLite file: made from a template holding the demo
(MASTHEAD_PG_TEMPLATE, else one made here) and dropped at exit.  sql()
runs a statement on either engine.
"""
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import traceback

TOP = os.environ.get("MASTHEAD_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("MASTHEAD_BIN") or os.path.join(TOP, "masthead")

# Everything a suite writes to temporary files goes in one directory of
# its own, removed when the suite exits (on SIGTERM too), whether or not
# the suite cleans up after itself: tempfile's functions and the programs
# it starts (through TMPDIR: the server, node, Chromium) all use it.  A
# suite that left its directories behind in /tmp filled the disk.
_TMP = tempfile.mkdtemp(prefix="masthead-suite-")
tempfile.tempdir = _TMP
os.environ["TMPDIR"] = _TMP
atexit.register(shutil.rmtree, _TMP, True)
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

_count = 0
_failed = 0


def ok(cond, name, detail=""):
    """Records one TAP result."""
    global _count, _failed
    _count += 1
    if cond:
        print("ok %d - %s" % (_count, name))
    else:
        _failed += 1
        print("not ok %d - %s" % (_count, name))
        if detail:
            for line in str(detail).splitlines()[:20]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def eq(got, want, name):
    return ok(got == want, name, "got:  %r\nwant: %r" % (got, want))


def contains(hay, needle, name):
    return ok(needle in hay, name, "%r not found" % (needle,))


def done():
    print("1..%d" % _count)
    sys.exit(1 if _failed else 0)


def run_tests(fns, cleanup=None):
    """Runs each function (an exception is one failed test), then cleanup."""
    for fn in fns:
        try:
            fn()
        except Exception:
            ok(False, fn.__name__ + " raised", traceback.format_exc())
    if cleanup is not None:
        rc = cleanup()
        # A server stops on SIGTERM with status 0; under the sanitizers a
        # leak or an error report makes it non-zero.
        if isinstance(rc, int):
            eq(rc, 0, "the server stopped cleanly")
    done()


def until(pred, limit, step=0.02):
    """pred()'s first true value within limit seconds, else its last."""
    t0 = time.time()
    while time.time() - t0 < limit:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


PG_URL = (os.environ.get("MASTHEAD_PG_URL") or "").rstrip("/") + "/" \
    if os.environ.get("MASTHEAD_PG_URL") else None
_pg_demo = None
_pg_made = []
_pg_count = 0


def on_pg():
    """True when this run's databases are PostgreSQL's."""
    return PG_URL is not None


def is_pg(db):
    return db.startswith(("postgres://", "postgresql://"))


def psql(url, script, variables=(), footer=False):
    """Runs psql's script on url; returns its unaligned, tab-separated
    output: the rows alone, or with footer the header line, the rows and
    the "(N rows)" line."""
    args = ["psql", "-X", "-q", "-A", "-F", "\t", "-v", "ON_ERROR_STOP=1",
            "-d", url] + ([] if footer else ["-t"])
    for k, v in variables:
        args += ["-v", "%s=%s" % (k, v)]
    r = subprocess.run(args, input=script, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("psql: %s\n%s" % (script.strip(), r.stderr))
    return r.stdout


def _pg_admin(statement):
    return psql(PG_URL + "postgres", statement + ";\n")


def _pg_value(v):
    try:
        return int(v)
    except ValueError:
        return v


def sql(db, statement, params=()):
    """Runs one statement with ? parameters on db, a SQLite file or a
    PostgreSQL URL, and commits.  Returns its rows as tuples (on
    PostgreSQL, values that are whole numbers come back as int, the rest
    as str, NULL as '')."""
    if not is_pg(db):
        con = sqlite3.connect(db)
        try:
            rows = con.execute(statement, tuple(params)).fetchall()
            con.commit()
        finally:
            con.close()
        return rows
    parts = statement.split("?")
    if len(parts) - 1 != len(params):
        raise ValueError("%d parameters for %d ?" % (len(params), len(parts) - 1))
    text, variables = parts[0], []
    for i, v in enumerate(params):
        text += ":'p%d'" % i + parts[i + 1]
        variables.append(("p%d" % i, "" if v is None else str(v)))
    # The row count tells a row whose only value is '' (an empty line)
    # from no row at all.
    lines = psql(db, text + ";\n", variables, footer=True).splitlines()
    m = re.match(r"\((\d+) rows?\)$", lines[-1]) if lines else None
    rows = lines[1:1 + int(m.group(1))] if m else []
    return [tuple(_pg_value(v) for v in line.split("\t")) for line in rows]


def _pg_drop_all():
    for name in _pg_made:
        try:
            _pg_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        except RuntimeError:
            pass


if PG_URL is not None:
    atexit.register(_pg_drop_all)


def pg_demo():
    """(template database, media directory) of the demo on PostgreSQL."""
    global _pg_demo
    if _pg_demo is None:
        name = os.environ.get("MASTHEAD_PG_TEMPLATE")
        media = os.environ.get("MASTHEAD_PG_MEDIA")
        if not name or not media:
            name = "demo_%d" % os.getpid()
            media = tempfile.mkdtemp(prefix="masthead-pg-media-")
            _pg_admin("CREATE DATABASE " + name)
            _pg_made.append(name)
            r = subprocess.run([BIN, "demo", "--db", PG_URL + name,
                                "--media_dir", media],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("demo failed: " + r.stderr)
        _pg_demo = (name, media)
    return _pg_demo


def pg_db(demo=True):
    """The URL of a new PostgreSQL database, empty or holding the demo."""
    global _pg_count
    tmpl = " TEMPLATE " + pg_demo()[0] if demo else ""
    _pg_count += 1
    name = "t%d_%d" % (os.getpid(), _pg_count)
    _pg_admin("CREATE DATABASE " + name + tmpl)
    _pg_made.append(name)
    return PG_URL + name


def new_db(dest_dir):
    """A new empty database: a file in dest_dir, or a PostgreSQL database."""
    if on_pg():
        return pg_db(demo=False)
    return os.path.join(dest_dir, "m.db")


_demo_cache = None


def demo_db(dest_dir):
    """Copies a demo database (made once per test process) into dest_dir;
    on PostgreSQL, makes a database from the demo's template instead."""
    global _demo_cache
    if on_pg():
        return pg_db()
    if _demo_cache is None:
        cached = os.environ.get("MASTHEAD_DEMO_DIR")
        if cached and os.path.exists(os.path.join(cached, "masthead.db")):
            _demo_cache = cached
        else:
            _demo_cache = tempfile.mkdtemp(prefix="masthead-demo-")
            r = subprocess.run([BIN, "demo", "--db",
                                os.path.join(_demo_cache, "masthead.db")],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("demo failed: " + r.stderr)
    for name in os.listdir(_demo_cache):
        src = os.path.join(_demo_cache, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest_dir, name))
        elif not name.endswith(("-wal", "-shm")):
            shutil.copy(src, dest_dir)
    return os.path.join(dest_dir, "masthead.db")


class Server:
    """One masthead process on a free port with its own database."""

    def __init__(self, args=(), db=None, demo=True):
        self.dir = tempfile.mkdtemp(prefix="masthead-test-")
        if db is None:
            db = demo_db(self.dir) if demo else new_db(self.dir)
        self.db = db
        args = list(args)
        # The demo's images are where the template's loader put them.
        if is_pg(db) and "--media_dir" not in args:
            args += ["--media_dir", pg_demo()[1]]
        # Mail without an SMTP server goes to a file of this server's
        # own: beside a SQLite file that is the test's directory already,
        # but on PostgreSQL the default outbox is relative to the working
        # directory, the checkout.
        if is_pg(db) and "--outbox_dir" not in args:
            args += ["--outbox_dir", os.path.join(self.dir, "outbox")]
        self.port = free_port()
        self.log = open(os.path.join(self.dir, "server.log"), "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", db, "--listen",
             "127.0.0.1:%d" % self.port, "--threads", "2"] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.output())
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start: " + self.output())

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def request(self, method, path, headers=None, body=None):
        """Returns (status, headers dict lower-cased, body bytes).  The
        wait is long: an upload encodes every width of an image, which on
        a loaded machine, or in a sanitizer build, took over ten seconds."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def html(self, path):
        s, h, b = self.get(path)
        return s, h, b.decode("utf-8", "replace")

    def json(self, path):
        s, h, b = self.get(path)
        return s, h, json.loads(b.decode("utf-8"))

    def api(self, token, method, path, body=None):
        """(status, the answer's JSON or None) of an API call with a
        bearer token and, unless None, body sent as JSON."""
        h = {"Authorization": "Bearer " + token}
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body)
        s, hd, b = self.request(method, path, h, body)
        return s, json.loads(b) if b else None

    def raw(self, data, timeout=5):
        """Sends raw bytes; returns the raw response ('' when closed)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout)
        try:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    c = s.recv(65536)
                except socket.timeout:
                    break
                if not c:
                    break
                chunks.append(c)
                if b"\r\n\r\n" in b"".join(chunks):
                    # Read a little more for the body, then stop.
                    s.settimeout(0.3)
            return b"".join(chunks).decode("latin-1")
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self.proc.returncode != 0:
            with open(self.log.name) as f:
                tail = f.read()[-3000:]
            for line in tail.splitlines():
                print("# server: " + line)
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode


def cookies_of(headers):
    """name -> value of the cookies an answer sets, from the headers dict
    Server.request returns (http.client joins several Set-Cookie headers
    into one line, split again here)."""
    out = {}
    for part in re.split(r",\s*(?=[A-Za-z_]+=)", headers.get("set-cookie", "")):
        if "=" in part:
            k, v = part.split(";")[0].split("=", 1)
            out[k.strip()] = v
    return out


def form_token(body):
    """The CSRF token of the first form of a page (text or bytes), None
    when it has none."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    m = re.search(r'name="csrf" value="([^"]*)"', body)
    return m.group(1) if m else None


class Client:
    """A reader's browser against srv: keeps cookies, comes from its own
    address (the server must trust X-Real-IP; ip=None sends no X-Real-IP),
    and fills a form's CSRF token from the page that shows the form."""

    def __init__(self, srv, ip="192.0.2.10"):
        self.srv, self.ip, self.cookies = srv, ip, {}

    def _headers(self, extra=None):
        h = {} if self.ip is None else {"X-Real-IP": self.ip}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        h.update(extra or {})
        return h

    def _keep(self, h):
        self.cookies.update(cookies_of(h))

    def get(self, path):
        s, h, b = self.srv.request("GET", path, self._headers())
        self._keep(h)
        return s, h, b.decode("utf-8", "replace")

    def post(self, path, fields, csrf_from=None, headers=None):
        if csrf_from is not None:
            fields = list(fields) + [("csrf", self.csrf(csrf_from) or "")]
        hd = {"Content-Type": "application/x-www-form-urlencoded"}
        hd.update(headers or {})
        s, h, b = self.srv.request("POST", path, self._headers(hd),
                                   urllib.parse.urlencode(fields))
        self._keep(h)
        return s, h, b.decode("utf-8", "replace")

    def sign_in(self, email, password):
        """Signs in through /signin as a browser does (the form, the
        mh_csrf cookie it sets, the POST) and keeps the session cookie.
        Returns the POST's status: 303 when signed in."""
        # Client's own post: a suite's subclass may post differently.
        s, h, b = Client.post(self, "/signin", [("email", email), ("password", password)],
                              csrf_from="/signin")
        return s

    def csrf(self, path="/account"):
        """The token of the form on path: once signed in, the session's,
        which every form of the session carries."""
        s, h, b = self.get(path)
        return form_token(b)

    def cookie(self, name="mh_session"):
        """The "name=value" of a cookie kept, for a hand-made Cookie header."""
        return "%s=%s" % (name, self.cookies[name])


class Newsroom:
    """Signed-in newsroom sessions on srv, one per account (who is the
    local part of who@example.com, signed in with password once), and
    the forms of the newsroom sent as them: fields as a dict (the
    session's CSRF token added unless csrf is False) or a ready body."""

    def __init__(self, srv, password):
        self.srv, self.password, self.sessions = srv, password, {}

    def session(self, who):
        """(the Cookie header's value, the session's CSRF token)."""
        if who not in self.sessions:
            c = Client(self.srv, ip=None)
            c.sign_in(who + "@example.com", self.password)
            self.sessions[who] = (c.cookie(), c.csrf("/signin"))
        return self.sessions[who]

    def get(self, path, who=None):
        h = {"Cookie": self.session(who)[0]} if who else {}
        s, hd, b = self.srv.request("GET", path, h)
        return s, hd, b.decode("utf-8", "replace")

    def post(self, path, who, fields, csrf=True):
        """csrf: True adds the session's token, a string sends that one
        instead, False none."""
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if isinstance(fields, (dict, list, tuple)):
            fields = dict(fields)
        if who:
            cookie, tok = self.session(who)
            h["Cookie"] = cookie
            if csrf and isinstance(fields, dict):
                fields["csrf"] = tok if csrf is True else csrf
        body = urllib.parse.urlencode(fields) if isinstance(fields, dict) else fields
        s, hd, b = self.srv.request("POST", path, h, body)
        return s, hd, b.decode("utf-8", "replace")


# The tools some suites drive: the system's Chromium, and the npm packages
# pinned in tests/node, which tools/deps.sh installs (make test-deps).
NODE_MODULES = os.path.join(TOP, "tests", "node", "node_modules")
CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM", "/usr/bin/chromium")


def missing_tool(what):
    """Ends the suite with one failed test: a tool it needs is not here.
    A missing tool is never a skip, or a machine without it would pass
    checks it never ran."""
    ok(False, "%s is missing: run make test-deps (tools/deps.sh test)" % what)
    done()


def node_module(name):
    """The directory of a package of tests/node, or the suite fails."""
    path = os.path.join(NODE_MODULES, name)
    if not os.path.exists(os.path.join(path, "package.json")):
        missing_tool("the npm package " + name)
    return path


def browser():
    """(NODE_PATH holding playwright-core, Chromium's path) for a suite
    that drives a real browser, or the suite fails saying what is
    missing."""
    if shutil.which("node") is None:
        missing_tool("node (Debian's nodejs)")
    if not os.access(CHROMIUM, os.X_OK):
        missing_tool("Chromium at " + CHROMIUM)
    node_module("playwright-core")
    return NODE_MODULES, CHROMIUM


# What browser_steps wraps around a suite's steps: check(name, cond,
# detail) records a result, signIn(page, who, next) signs who in with PW;
# the steps run as an async function of the launched browser.
_STEPS_HEAD = r"""
const { chromium } = require('playwright-core');
const base = process.env.BASE, pw = process.env.PW;
const results = [];
function check(name, cond, detail) {
  results.push({ name, ok: !!cond, detail: detail === undefined ? '' : String(detail) });
}
async function signIn(page, who, next) {
  await page.goto(base + '/signin?next=' + encodeURIComponent(next));
  await page.fill('input[name=email]', who + '@example.com');
  await page.fill('input[name=password]', pw);
  await Promise.all([page.waitForNavigation(), page.click('form.form button[type=submit]')]);
}
const steps = async (browser) => {
"""
_STEPS_TAIL = r"""
};
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    await steps(browser);
  } catch (e) {
    check('the browser session ran to the end', false, e.stack || e);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ results }) + '\n', () => process.exit(0));
})();
"""


def browser_steps(steps, srv, password, env=None, timeout=180):
    """Runs steps (the body of an async JavaScript function of the
    browser, with check and signIn) in Chromium against srv, and reports
    each check as a TAP line."""
    modules, chromium = browser()
    d = tempfile.mkdtemp(prefix="masthead-steps-")
    script = os.path.join(d, "steps.js")
    with open(script, "w") as f:
        f.write(_STEPS_HEAD + steps + _STEPS_TAIL)
    e = dict(os.environ, NODE_PATH=modules, CHROMIUM=chromium, PW=password,
             BASE="http://127.0.0.1:%d" % srv.port)
    e.update(env or {})
    p = subprocess.run(["node", script], env=e, capture_output=True, text=True,
                       timeout=timeout)
    results = None
    for line in p.stdout.splitlines():
        msg = json.loads(line)
        if "results" in msg:
            results = msg["results"]
    if results is None:
        ok(False, "the browser script reported", p.stderr)
        return
    for r in results:
        ok(r["ok"], r["name"], r["detail"])


def vips_image(path, w, h, seed, slope=0.3):
    """Writes a w x h test photograph (a gradient of that slope, which
    seed shifts, so each seed is another image) to path, in the format
    its extension names, with the vips command line."""
    d = tempfile.mkdtemp(prefix="masthead-img-")
    p = lambda n: os.path.join(d, n)
    subprocess.run(["vips", "xyz", p("x.v"), str(w), str(h)], check=True)
    subprocess.run(["vips", "linear", p("x.v"), p("y.v"), str(slope), str(seed)], check=True)
    subprocess.run(["vips", "cast", p("y.v"), p("c.v"), "uchar"], check=True)
    subprocess.run(["vips", "extract_band", p("c.v"), p("m.v"), "0"], check=True)
    subprocess.run(["vips", "colourspace", p("m.v"), p("z.v"), "srgb"], check=True)
    subprocess.run(["vips", "copy", p("z.v"), path], check=True)
    return path


def status_of(raw):
    """The status code of a raw HTTP response, or 0."""
    try:
        return int(raw.split(" ", 2)[1])
    except (IndexError, ValueError):
        return 0
