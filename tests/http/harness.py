"""Test harness for masthead's HTTP tests.

Starts the real binary on a free loopback port with a fresh copy of the
demo database, speaks HTTP to it (through http.client, or raw sockets for
malformed requests) and reports results as TAP lines ("ok N - name").
Only the Python standard library is used.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

TOP = os.environ.get("MASTHEAD_TOP") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("MASTHEAD_BIN") or os.path.join(TOP, "masthead")

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


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


_demo_cache = None


def demo_db(dest_dir):
    """Copies a demo database (made once per test process) into dest_dir."""
    global _demo_cache
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
            db = demo_db(self.dir) if demo else os.path.join(self.dir, "m.db")
        self.db = db
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
        """Returns (status, headers dict lower-cased, body bytes)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
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


def status_of(raw):
    """The status code of a raw HTTP response, or 0."""
    try:
        return int(raw.split(" ", 2)[1])
    except (IndexError, ValueError):
        return 0
