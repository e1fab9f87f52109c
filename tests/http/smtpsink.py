"""A small SMTP server on loopback for the tests: it takes messages the
way a mail server does (EHLO, optional AUTH PLAIN/LOGIN, MAIL, RCPT,
DATA with dot-unstuffing) and keeps them for the test to read back.

sink = SmtpSink(); sink.port ...; sink.messages (email.message objects,
with .envelope_from, .envelope_to, .received_at); sink.refuse = N makes
the next N deliveries fail with 451 at the end of DATA; sink.attempts
records the time of every DATA attempt; sink.on_message(m), when set, is
called with each message taken, before the client hears the 250 that
takes it.  sink.count_subject = "..." counts the messages with that
subject per recipient in sink.counts without parsing or keeping them
(cheap enough for tens of thousands), calling sink.on_count(total)
before the 250.  A connection lost before the end-of-data mark delivers
nothing, as with a real server.  Only the standard library."""
import asyncio
import base64
import email
import email.policy
import threading
import time


class SmtpSink:
    def __init__(self, port=0, tls=None, starttls=None):
        """tls: an ssl.SSLContext for implicit TLS (smtps); starttls: one
        offered with STARTTLS."""
        self._tls, self._starttls = tls, starttls
        self.messages = []
        self.attempts = []
        self.auth = []
        self.refuse = 0
        self.refuse_always = False
        self.refuse_rcpt = set()     # addresses RCPT answers 550 for
        self.on_message = None
        self.count_subject = None
        self.counts = {}
        self.counted = 0
        self.on_count = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._want_port = port
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._session, "127.0.0.1", self._want_port,
                                 ssl=self._tls))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def close(self):
        def stop():
            self._server.close()
            self._loop.stop()
        self._loop.call_soon_threadsafe(stop)
        self._thread.join(5)

    def wait_for(self, n, timeout=10):
        """Waits until n messages are in; returns the messages."""
        t0 = time.time()
        while time.time() - t0 < timeout:
            with self._lock:
                if len(self.messages) >= n:
                    return list(self.messages)
            time.sleep(0.02)
        with self._lock:
            return list(self.messages)

    def to(self, addr):
        with self._lock:
            return [m for m in self.messages if addr in m.envelope_to]

    async def _session(self, reader, writer):
        def say(line):
            writer.write(line.encode() + b"\r\n")
        say("220 sink ESMTP")
        mail_from, rcpts = None, []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                cmd = line.decode("latin-1").rstrip("\r\n")
                verb = cmd.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    say("250-sink")
                    if self._starttls is not None and \
                            writer.get_extra_info("sslcontext") is None:
                        say("250-STARTTLS")
                    say("250-AUTH PLAIN LOGIN")
                    say("250 8BITMIME")
                elif verb == "STARTTLS" and self._starttls is not None:
                    say("220 go ahead")
                    await writer.drain()
                    await writer.start_tls(self._starttls)
                elif verb == "AUTH":
                    parts = cmd.split(" ")
                    if parts[1].upper() == "PLAIN":
                        if len(parts) > 2:
                            blob = parts[2]
                        else:
                            say("334 ")
                            blob = (await reader.readline()).decode().strip()
                        _, user, pw = base64.b64decode(blob).decode().split("\0")
                    else:
                        say("334 VXNlcm5hbWU6")
                        user = base64.b64decode((await reader.readline()).strip()).decode()
                        say("334 UGFzc3dvcmQ6")
                        pw = base64.b64decode((await reader.readline()).strip()).decode()
                    self.auth.append((user, pw))
                    say("235 ok")
                elif verb == "MAIL":
                    mail_from, rcpts = cmd[10:].strip(), []
                    say("250 ok")
                elif verb == "RCPT":
                    addr = cmd[8:].strip().strip("<>")
                    if addr in self.refuse_rcpt:
                        say("550 no such mailbox")
                    else:
                        rcpts.append(addr)
                        say("250 ok")
                elif verb == "DATA":
                    say("354 go on")
                    await writer.drain()
                    lines = []
                    while True:
                        l = await reader.readline()
                        if not l:
                            return      # lost before the end: nothing taken
                        if l == b".\r\n":
                            break
                        if l.startswith(b".."):
                            l = l[1:]
                        lines.append(l)
                    data = b"".join(lines)
                    with self._lock:
                        self.attempts.append(time.time())
                        refuse = self.refuse_always or self.refuse > 0
                        if self.refuse > 0:
                            self.refuse -= 1
                    subj = self.count_subject
                    if refuse:
                        say("451 try again later")
                    elif subj is not None and ("\r\nSubject: %s\r\n" % subj).encode() in data:
                        with self._lock:
                            for r in rcpts:
                                self.counts[r] = self.counts.get(r, 0) + 1
                            self.counted += 1
                            n = self.counted
                        if self.on_count is not None:
                            self.on_count(n)
                        say("250 queued")
                    else:
                        m = email.message_from_bytes(data, policy=email.policy.default)
                        m.envelope_from = mail_from
                        m.envelope_to = list(rcpts)
                        m.received_at = time.time()
                        m.raw = data
                        m.tls = writer.get_extra_info("sslcontext") is not None
                        with self._lock:
                            self.messages.append(m)
                        if self.on_message is not None:
                            self.on_message(m)
                        say("250 queued")
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    say("250 ok")
                elif verb == "NOOP":
                    say("250 ok")
                elif verb == "QUIT":
                    say("221 bye")
                    await writer.drain()
                    break
                else:
                    say("502 unknown command")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass        # the client went away: what it sent is dropped
        finally:
            writer.close()


def body_of(msg, subtype="plain"):
    """The decoded text of the text/plain (or text/html) part."""
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""
