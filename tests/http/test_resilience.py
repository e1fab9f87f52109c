"""Resilience under hostile or unlucky conditions, as outside clients see
it (docs/security.md):

- a worst-case image (a 48 KB PNG declaring 7070 x 7070 pixels) is
  decoded off the event loop: on a server with one loop, a cached page
  is answered in well under a second while it is being decoded;
- a decompression bomb (a tiny PNG declaring 100 million pixels), and a
  PNG under the pixel cap whose decoded size is over the memory cap,
  are refused with 422 from their header, at once, with nothing stored;
- the work pool's queue is bounded: past it, an upload is 503 with
  Retry-After;
- a CSV import of 100,000 rows runs off the loop too;
- a full disk (a small tmpfs holding the database and the media) makes
  sign-in, a comment and an upload answer 503 with Retry-After, each
  with a line in the log naming its cause; the 500 page's "logged" is
  true; and the server works again once space is freed;
- after the media directory is lost, uploading a known image again
  writes its files again, and `masthead media check [--repair]` lists
  and restores what it can;
- out of file descriptors, the loops rest instead of spinning, and the
  server answers again once connections close.

Timings are printed as TAP comments; the bounds are generous, since the
machines that run the tests are shared."""
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import zlib

from harness import (BIN, Server, ok, eq, contains, run_tests, demo_db, sql, on_pg,
                     free_port, cookies_of, form_token)

PW = "a passphrase long enough"


def accounts(db):
    """An editor, a contributor and a member; API tokens of the first two."""
    tokens = {}
    for name, role in (("editor", "editor"), ("contributor", "contributor"),
                       ("member", "member")):
        subprocess.run([BIN, "user", "add", "--db", db, "--role", role, "--name",
                        name.title(), name + "@example.com"], input=PW, text=True,
                       check=True, capture_output=True)
        if role != "member":
            tokens[name] = subprocess.run(
                [BIN, "token", "add", "--db", db, name + "@example.com"],
                check=True, capture_output=True, text=True).stdout.strip()
    return tokens


def png(w, h, fill=0, color=0, depth=8):
    """A PNG of one colour, made row by row: a few kilobytes of zlib for
    millions of pixels (color 0: grey, 6: RGBA)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    channels = {0: 1, 6: 4}[color]
    row = b"\x00" + bytes([fill]) * (w * channels * depth // 8)
    z = zlib.compressobj(9)
    idat = b"".join(z.compress(row) for _ in range(h)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0)) +
            chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def call(port, method, path, headers=None, body=None, timeout=300):
    """(status, headers, body, seconds) with a timeout of our own: on the
    code before this work a request could wait tens of seconds."""
    t = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data, time.time() - t
    finally:
        c.close()


def upload_api(port, token, data, path="/api/v1/admin/media", timeout=300):
    return call(port, "POST", path, {"Authorization": "Bearer " + token,
                                     "Content-Type": "image/png"}, data, timeout)


def watch_cached(port, busy, path="/"):
    """GETs a cached page every 50 ms while busy() holds; the latencies."""
    lat = []
    while busy():
        try:
            s, h, b, t = call(port, "GET", path, timeout=120)
            lat.append((t, s, h.get("x-cache")))
        except OSError as e:
            lat.append((120.0, str(e), None))
        time.sleep(0.05)
    return lat


def peak_rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return -1


def media_files(media):
    return sorted(f for f in os.listdir(media) if not f.startswith(".")) \
        if os.path.isdir(media) else []


def test_decode_off_the_loop():
    d = tempfile.mkdtemp(prefix="masthead-resil-")
    db = demo_db(d)
    tok = accounts(db)
    media = os.path.join(d, "uploads")
    srv = Server(db=db, args=["--threads", "1", "--media_dir", media])
    try:
        for _ in range(2):
            s, h, b, t = call(srv.port, "GET", "/")
        eq(h.get("x-cache"), "hit", "the home page is cached")
        images = [png(7070, 7070, fill=f) for f in (1, 2, 3)]
        ok(all(len(i) < 100000 for i in images),
           "three 7070 x 7070 PNGs of %d bytes each" % len(images[0]))
        res = []

        def uploads():
            for data in images:
                res.append(upload_api(srv.port, tok["contributor"], data))

        th = threading.Thread(target=uploads)
        th.start()
        time.sleep(0.02)
        lat = watch_cached(srv.port, th.is_alive)
        th.join()
        worst = max(t for t, s, c in lat) if lat else -1
        print("# uploads took %s s; %d cached GETs meanwhile, the slowest %.0f ms;"
              " the server's peak RSS %.0f MB" % (
                  ", ".join("%.2f" % r[3] for r in res), len(lat), worst * 1000,
                  peak_rss_mb(srv.proc.pid)))
        eq([r[0] for r in res], [201, 201, 201], "the three images are stored (201)")
        ok(len(lat) >= 2, "cached GETs were sent while the images were decoded (%d)" % len(lat))
        ok(lat and all(s == 200 for t, s, c in lat), "each was answered 200")
        ok(0 <= worst < 1.0, "on a server with one event loop, a cached page is answered"
           " in under 1 s while an image is decoded (slowest %.0f ms)" % (worst * 1000))
        j = json.loads(res[0][2])
        eq((j["image"]["width"], j["image"]["widths"]),
           (2560, [200, 320, 480, 640, 1024, 1600, 2560]),
           "the image is made into every width, and kept at the 2,560 px cap")
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def test_header_caps():
    d = tempfile.mkdtemp(prefix="masthead-resil-")
    db = demo_db(d)
    tok = accounts(db)
    media = os.path.join(d, "uploads")
    srv = Server(db=db, args=["--media_dir", media])
    try:
        count = lambda: sql(db, "SELECT count(*) FROM images")[0][0]
        n0 = count()
        cases = (
            ("a decompression bomb: 10000 x 10000 grey pixels",
             png(10000, 10000), "more than 50000000 pixels"),
            ("a 16-bit RGBA PNG of 5100 x 5100 (26 megapixels, 208 MB decoded)",
             png(5100, 5100, color=6, depth=16), "MB decoded"),
        )
        for label, data, msg in cases:
            ok(len(data) < 400000, "%s is %d bytes" % (label, len(data)))
            for path, token in (("/api/v1/admin/media", tok["contributor"]),
                                ("/api/v1/admin/podcast/artwork", tok["editor"])):
                s, h, b, t = upload_api(srv.port, token, data, path)
                print("# %s to %s: %d in %.3f s" % (label, path, s, t))
                eq(s, 422, "%s to %s: 422" % (label, path))
                contains(b.decode(), msg, "saying why")
                ok(t < 1.5, "refused from its header, without decoding (%.3f s)" % t)
        eq(count(), n0, "no image row was added")
        eq(media_files(media), [], "no file was written")
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def test_queue_full():
    d = tempfile.mkdtemp(prefix="masthead-resil-")
    db = demo_db(d)
    tok = accounts(db)
    srv = Server(db=db, args=["--media_dir", os.path.join(d, "uploads"),
                              "--work_threads", "1", "--work_queue", "1"])
    try:
        images = [png(5000, 5000, fill=f) for f in (21, 22, 23, 24)]
        res = [None] * len(images)

        def one(i):
            res[i] = upload_api(srv.port, tok["contributor"], images[i])

        ths = [threading.Thread(target=one, args=(i,)) for i in range(len(images))]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        statuses = sorted(r[0] for r in res)
        print("# four uploads at once, one work thread, a queue of one: %s" % statuses)
        ok(503 in statuses, "an upload past the queue is 503 (%s)" % statuses)
        ok(all(s in (201, 503) for s in statuses), "the others are stored (201)")
        ok(statuses.count(201) >= 2, "the running one and the queued one are stored")
        for s, h, b, t in res:
            if s == 503:
                eq(h.get("retry-after"), "2", "a 503 says when to try again (Retry-After)")
                eq(json.loads(b)["error"]["status"], 503, "as a JSON error")
        contains(srv.output(), "the work queue is full", "the log says why")
        s, h, b, t = upload_api(srv.port, tok["contributor"], images[0])
        eq(s, 201, "once the queue has room, an upload is taken again")
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def sign_in(port, who):
    """(status, session cookie or None, the session's CSRF token)."""
    s, h, b, t = call(port, "GET", "/signin")
    jar = "mh_csrf=" + cookies_of(h).get("mh_csrf", "")
    s, h, b, t = call(port, "POST", "/signin", {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": jar},
        urllib.parse.urlencode({"csrf": form_token(b.decode()), "email": who + "@example.com",
                                "password": PW}))
    sess = cookies_of(h).get("mh_session")
    if sess is None:
        return s, h, None, None
    cookie = "mh_session=" + sess
    s2, h2, b2, t2 = call(port, "GET", "/signin", {"Cookie": cookie})
    return s, h, cookie, form_token(b2.decode())


def multipart(fields, data, boundary="MhBoundary7"):
    out = b""
    for k, v in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                % (boundary, k)).encode() + v.encode() + b"\r\n"
    out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" % boundary).encode() + data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def test_import_off_the_loop():
    d = tempfile.mkdtemp(prefix="masthead-resil-")
    db = demo_db(d)
    accounts(db)
    srv = Server(db=db, args=["--threads", "1"])
    try:
        s, h, cookie, tok = sign_in(srv.port, "editor")
        ok(cookie is not None, "the editor is signed in")
        for _ in range(2):
            s, h, b, t = call(srv.port, "GET", "/")
        eq(h.get("x-cache"), "hit", "the home page is cached")
        rows = "".join("reader%06d@example.com,Reader Number %d,yes at the 2026 expo\r\n"
                       % (i, i) for i in range(100000))
        data = ("email,name,consent\r\n" + rows).encode()
        body = multipart([("csrf", tok), ("mode", "optin"), ("consent", ""),
                          ("n", "daily")], data)
        res = []
        th = threading.Thread(target=lambda: res.append(call(
            srv.port, "POST", "/admin/subscribers/import", {
                "Cookie": cookie,
                "Content-Type": "multipart/form-data; boundary=MhBoundary7"}, body)))
        th.start()
        time.sleep(0.02)
        lat = watch_cached(srv.port, th.is_alive)
        th.join()
        worst = max(t for t, s, c in lat) if lat else -1
        print("# an import of 100,000 rows (%d KB) took %.2f s; %d cached GETs meanwhile,"
              " the slowest %.0f ms" % (len(data) // 1024, res[0][3], len(lat), worst * 1000))
        eq(res[0][0], 200, "the import is answered 200")
        contains(res[0][2].decode(), "100000", "with its report")
        n = sql(db, "SELECT count(*) FROM subscribers WHERE email LIKE 'reader%'")[0][0]
        eq(n, 100000, "every row is imported")
        ok(len(lat) >= 2, "cached GETs were sent during the import (%d)" % len(lat))
        ok(0 <= worst < 1.0, "on a server with one event loop, a cached page is answered"
           " in under 1 s during the import (slowest %.0f ms)" % (worst * 1000))
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def fill(path):
    """Writes a file until the file system is full (unbuffered: the last
    short write is where it ends)."""
    fd = os.open(os.path.join(path, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 65536, 4096, 512, 1):
            block = b"\0" * size
            try:
                while os.write(fd, block) == size:
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)


def log_line(srv, status, method, path):
    """The log's line for a 5xx answer, or ''."""
    for line in srv.output().splitlines():
        if line.startswith("masthead: %d %s %s" % (status, method, path)):
            return line
    return ""


def test_full_disk():
    top = tempfile.mkdtemp(prefix="masthead-resil-full-")
    mnt = os.path.join(top, "disk")
    os.makedirs(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mnt],
                       capture_output=True, text=True)
    if not ok(r.returncode == 0, "a 48 MB tmpfs for the database and the media",
              r.stderr):
        return
    srv = None
    try:
        db = demo_db(mnt) if not on_pg() else demo_db(top)
        tok = accounts(db)
        media = os.path.join(mnt, "media")
        os.makedirs(media, exist_ok=True)
        srv = Server(db=db, args=["--media_dir", media])
        slug = sql(db, "SELECT slug FROM articles WHERE status = 'published'"
                       " ORDER BY id LIMIT 1")[0][0]
        s, h, member, mtok = sign_in(srv.port, "member")
        ok(member is not None, "a reader signs in before the disk is full")
        s, h, b, t = call(srv.port, "GET", "/article/%s/comment" % slug, {"Cookie": member})
        ctok = form_token(b.decode())
        if not on_pg():
            # The write-ahead log is emptied, so the next write must grow it.
            con = sqlite3.connect(db)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        before = sorted(os.listdir(media))
        fill(mnt)
        st = os.statvfs(mnt)
        print("# the tmpfs has %d bytes free" % (st.f_bavail * st.f_frsize))
        checks = []
        if not on_pg():
            s, h, cookie, _ = sign_in(srv.port, "editor")
            checks.append(("signing in", s, h, "POST", "/signin"))
            s, h, b, t = call(srv.port, "POST", "/article/%s/comment" % slug, {
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": member},
                urllib.parse.urlencode({"body": "A comment on a full disk.",
                                        "csrf": ctok}))
            checks.append(("posting a comment", s, h, "POST", "/article/%s/comment" % slug))
        s, h, b, t = upload_api(srv.port, tok["contributor"], png(900, 500, fill=77))
        checks.append(("uploading an image", s, h, "POST", "/api/v1/admin/media"))
        for label, s, h, method, path in checks:
            eq(s, 503, "%s on a full disk: 503" % label)
            ok(h.get("retry-after", "").isdigit(), "with Retry-After (%r)" % h.get("retry-after"))
            line = log_line(srv, 503, method, path)
            ok(line != "", "the log has a line for it", srv.output()[-2000:])
            ok(re.search(r"full|space", line, re.I), "naming the cause: %s" % line)
        eq(sorted(os.listdir(media)), before,
           "no part of the image (or temporary file) is left on the full disk")
        os.unlink(os.path.join(mnt, "filler"))
        if not on_pg():
            s, h, cookie, _ = sign_in(srv.port, "editor")
            eq(s, 303, "once space is freed, signing in works again")
        s, h, b, t = upload_api(srv.port, tok["contributor"], png(900, 500, fill=77))
        eq(s, 201, "and so does the upload")
    finally:
        if srv is not None:
            eq(srv.stop(), 0, "the server stopped cleanly")
        subprocess.run(["umount", mnt], capture_output=True)
        shutil.rmtree(top, ignore_errors=True)


def test_500_is_logged():
    d = tempfile.mkdtemp(prefix="masthead-resil-theme-")
    os.makedirs(os.path.join(d, "templates", "partials"))
    with open(os.path.join(d, "templates", "partials", "sidebar.mustache"), "w") as f:
        f.write("{{> partials/sidebar}}")
    srv = Server(["--theme_dir", d])
    try:
        slug = sql(srv.db, "SELECT slug FROM articles WHERE status = 'published'"
                           " ORDER BY id LIMIT 1")[0][0]
        s, h, b, t = call(srv.port, "GET", "/article/%s" % slug)
        eq(s, 500, "a page that cannot be rendered is 500")
        contains(b.decode(), "has been logged", "the page says it was logged")
        line = log_line(srv, 500, "GET", "/article/%s" % slug)
        ok(line != "", "and the log has its line: %s" % line, srv.output()[-1500:])
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")
        shutil.rmtree(d, ignore_errors=True)


def test_media_restore():
    d = tempfile.mkdtemp(prefix="masthead-resil-")
    db = demo_db(d)
    tok = accounts(db)
    # The demo's own media directory (a copy of it on PostgreSQL, whose
    # demo directory other suites share): its images and PDFs are there.
    media = os.path.join(d, "media")
    if on_pg():
        from harness import pg_demo
        shutil.copytree(pg_demo()[1], media)
    srv = Server(db=db, args=["--media_dir", media])
    try:
        data = png(1200, 700, fill=90)
        s, h, b, t = upload_api(srv.port, tok["contributor"], data)
        eq(s, 201, "an image is uploaded")
        img = json.loads(b)["image"]
        mine = lambda: [f for f in media_files(media) if f.startswith(img["hash"])]
        made = mine()
        eq(len(made), 13, "as 5 widths and the original's 1200 px in PNG and WebP, and"
           " the plain file (%s)" % made)
        for f in made:
            os.unlink(os.path.join(media, f))
        s, h, b, t = upload_api(srv.port, tok["contributor"], data)
        eq(s, 201, "after the media directory is lost, the same image again: 201")
        eq(mine(), made, "and every file of it is written again")
        s, h, body, t = call(srv.port, "GET", "/media/%s-640.webp" % img["hash"])
        eq((s, body[8:12]), (200, b"WEBP"), "and served")

        def check(*extra):
            r = subprocess.run([BIN, "media", "check", "--db", db, "--media_dir", media]
                               + list(extra), capture_output=True, text=True)
            return r.returncode, r.stdout + r.stderr

        rc, out = check()
        eq(rc, 0, "media check: nothing missing, exit 0")
        contains(out, "missing files: 0", "and it says so")
        gone = ["%s-320.webp" % img["hash"], "%s-640.png" % img["hash"],
                "%s.png" % img["hash"]]
        for f in gone:
            os.unlink(os.path.join(media, f))
        pdf = sql(db, "SELECT slug, file_hash FROM resources WHERE file_hash <> ''"
                      " ORDER BY id LIMIT 1")
        ok(pdf and os.path.exists(os.path.join(media, pdf[0][1] + ".pdf")),
           "a white paper's PDF is in the media directory")
        os.unlink(os.path.join(media, pdf[0][1] + ".pdf"))
        rc, out = check()
        print("# " + out.strip().replace("\n", "\n# "))
        eq(rc, 1, "with files missing: exit 1")
        for f in gone:
            ok(re.search(r"^missing %s " % re.escape(f), out, re.M), "it lists %s" % f)
        contains(out, 'white paper "%s"' % pdf[0][0], "and the white paper's lost PDF")
        rc, out = check("--repair")
        print("# " + out.strip().replace("\n", "\n# "))
        for f in gone:
            ok(re.search(r"^restored %s from " % re.escape(f), out, re.M),
               "--repair makes %s again" % f)
            ok(os.path.exists(os.path.join(media, f)), "%s is there" % f)
        s, h, body, t = call(srv.port, "GET", "/media/%s-320.webp" % img["hash"])
        eq((s, body[8:12]), (200, b"WEBP"), "and served")
        ok(re.search(r"^lost %s\.pdf \(white paper" % pdf[0][1], out, re.M),
           "a PDF cannot be made again: listed as lost")
        eq(rc, 1, "so the repair exits 1")
        for f in mine():
            os.unlink(os.path.join(media, f))
        rc, out = check("--repair")
        eq(rc, 1, "with no file of the image left, the repair exits 1")
        ok(re.search(r"^lost %s-640\.webp \(image %s\): .*upload the image again"
                     % (img["hash"], img["hash"]), out, re.M),
           "and says to upload the image again")
    finally:
        eq(srv.stop(), 0, "the server stopped cleanly")


def test_out_of_descriptors():
    d = tempfile.mkdtemp(prefix="masthead-resil-")
    db = demo_db(d)
    port = free_port()
    limit = 64

    def low():
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    log = open(os.path.join(d, "server.log"), "w+")
    args = [BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--threads", "2"]
    if on_pg():
        from harness import pg_demo
        args += ["--media_dir", pg_demo()[1]]
    proc = subprocess.Popen(args, preexec_fn=low, stdout=log, stderr=subprocess.STDOUT)
    socks = []
    try:
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)

        def cpu():
            with open("/proc/%d/stat" % proc.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        for _ in range(150):
            s = socket.create_connection(("127.0.0.1", port), 5)
            s.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(s)
        time.sleep(0.5)
        c0, t0 = cpu(), time.time()
        time.sleep(2)
        share = (cpu() - c0) / (time.time() - t0)
        print("# with RLIMIT_NOFILE %d and 150 connections: %.0f%% of a core over 2 s"
              % (limit, share * 100))
        ok(share < 0.2, "out of descriptors, the server does not spin (%.0f%% of a core)"
           % (share * 100))
        log.flush()
        with open(log.name) as f:
            contains(f.read(), "Too many open files", "the log says it ran out")
        for s in socks:
            s.close()
        socks = []
        t = time.time()
        got = b""
        while time.time() - t < 10 and not got.startswith(b"HTTP/1.1 200"):
            try:
                s = socket.create_connection(("127.0.0.1", port), 5)
                s.settimeout(5)
                s.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                got = s.recv(100)
                s.close()
            except OSError:
                time.sleep(0.1)
        ok(got.startswith(b"HTTP/1.1 200"), "once they are closed, it answers again"
           " (%.2f s)" % (time.time() - t))
    finally:
        for s in socks:
            s.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        eq(proc.returncode, 0, "the server stopped cleanly")
        log.close()


run_tests([test_decode_off_the_loop, test_header_caps, test_queue_full,
           test_import_off_the_loop, test_full_disk, test_500_is_logged,
           test_media_restore, test_out_of_descriptors])
