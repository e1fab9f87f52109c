"""A reader's own data (/your-data): the link sent by email, signed and
expiring, that shows what the site keeps about an address (newsletter
subscriptions, event registrations, white papers downloaded) with the
consent given; erasing one record or all of them through it; the JSON
download; the shortcut for signed-in readers; forged, altered and
expired links; bad forms that erase nothing; the rate limit on asking."""
import base64
import hashlib
import hmac
import json
import re
import subprocess
import tempfile
import time

from harness import BIN, Client, Server, ok, eq, contains, run_tests, demo_db, sql
from smtpsink import SmtpSink, body_of

SINK = SmtpSink()
DB = demo_db(tempfile.mkdtemp(prefix="masthead-privacy-"))
PW = "correct horse battery staple"
subprocess.run([BIN, "user", "add", "--db", DB, "--role", "member", "mem@example.com"],
               input=PW, text=True, check=True, capture_output=True)
SRV = Server(db=DB, args=["--smtp_host", "127.0.0.1", "--smtp_port", str(SINK.port),
                          "--real_ip_header", "X-Real-IP",
                          "--base_url", "https://news.example.com"])
BASE = "https://news.example.com"


def data_letters(addr, timeout=8):
    """The letters with a data link sent to addr, waiting for the first."""
    t0 = time.time()
    while True:
        got = [m for m in SINK.to(addr) if "Your data" in str(m["Subject"])]
        if got or time.time() - t0 > timeout:
            return got
        time.sleep(0.02)


def data_link(msg):
    m = re.search(r"https://news\.example\.com(/your-data/[^\s\"<>]+)", body_of(msg))
    return m.group(1) if m else None


def signup(c, email, lists):
    fields = [("email", email), ("consent", "yes")] + [("n", n) for n in lists]
    return c.post("/newsletter", fields, csrf_from="/newsletter")


def subs(email):
    return sorted(r[0] for r in sql(DB, (
        "SELECT n.slug FROM subscriptions su JOIN subscribers s ON s.id = su.subscriber_id"
        " JOIN newsletters n ON n.id = su.newsletter_id WHERE s.email = ?"), (email,)))


def newsletter_id(slug):
    return sql(DB, "SELECT id FROM newsletters WHERE slug = ?", (slug,))[0][0]


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forged(email, expires, key=None):
    """A link signed as the server signs them (with its key from the
    database unless another is given)."""
    if key is None:
        key = bytes.fromhex(sql(DB, "SELECT value FROM site_keys WHERE name = 'newsletter'")[0][0])
    mac = hmac.new(key, b"your-data:%d:%s" % (expires, email.encode()), hashlib.sha256).digest()
    return "/your-data/%d.%s.%s" % (expires, b64(email.encode()), b64(mac))


PAPER = "fiber-monitoring-field-guide"


def download(c, email):
    """Leaves a lead for the demo's PDF white paper through its form."""
    return c.post("/resources/%s/access" % PAPER, [
        ("name", "Ada Reader"), ("email", email), ("company", "Fibreco"),
        ("job_title", "Planner"), ("consent", "yes")], csrf_from="/resources/%s/access" % PAPER)


EVENT = "sd-wan-digital-symposium"


def register(c, email):
    """Registers for the demo's SD-WAN symposium through its form."""
    return c.post("/events/%s/register" % EVENT, [
        ("name", "Ada Reader"), ("email", email), ("company", "Fibreco"),
        ("job_title", "Planner"), ("q1", "Forty branch sites"), ("consent", "yes")],
        csrf_from="/events/%s/register" % EVENT)


def regs(email):
    return sql(DB, "SELECT count(*) FROM registrations WHERE email = ?", (email,))[0][0]


def leads(email):
    return sql(DB, "SELECT count(*) FROM resource_leads WHERE email = ?", (email,))[0][0]


def ask(c, email):
    return c.post("/your-data", [("email", email)], csrf_from="/your-data")


A, B = "ada.reader@example.org", "bo.reader@example.org"


def test_ask_for_a_link():
    c = Client(SRV, "10.9.0.1")
    s, h, page = c.get("/your-data")
    eq(s, 200, "/your-data shows a form")
    contains(page, 'name="csrf"', "with a CSRF token")
    eq(h.get("cache-control"), "private, no-store", "and is never stored by a cache")
    for lists, who in ((["daily", "5g-weekly"], A), (["daily"], B)):
        s, h, page = signup(Client(SRV, "10.9.0.2"), who, lists)
        eq(s, 200, "%s signs up for %s" % (who, ", ".join(lists)))
        s, h, page = download(Client(SRV, "10.9.0.2"), who)
        eq(s, 200, "%s downloads a white paper" % who)
        s, h, page = register(Client(SRV, "10.9.0.2"), who)
        eq(s, 200, "%s registers for an event" % who)
    s, h, page = c.post("/your-data", [("email", A)])
    eq(s, 403, "asking without the CSRF token is refused")
    s, h, page = ask(c, "not an address")
    eq(s, 422, "a malformed address answers 422")
    contains(page, "name@example.com", "saying what an address looks like")
    s, h, page = ask(c, A.upper())
    eq(s, 200, "asking for a known address answers 200")
    contains(page, "Check your email", "and says to look in the inbox")
    s2, h2, page2 = ask(c, "nobody.here@example.org")
    eq((s2, page2.replace("nobody.here@example.org", "")), (s, page.replace(A.upper(), "")),
       "an unknown address gets the same answer")
    msgs = data_letters(A)
    eq(len(msgs), 1, "one letter with the link arrives")
    url = data_link(msgs[0])
    ok(url, "carrying a link to the data page", body_of(msgs[0]))
    contains(body_of(msgs[0], "html"), BASE + url, "in the HTML part too")
    unknown = data_letters("nobody.here@example.org")
    eq(len(unknown), 1, "the unknown address gets its letter too (its page is empty)")


def test_the_page():
    c = Client(SRV, "10.9.0.3")
    url = forged(A, int(time.time()) + 600)
    s, h, page = c.get(url)
    eq(s, 200, "the link shows the data page")
    eq(h.get("cache-control"), "private, no-store", "never stored by a cache")
    eq(h.get("referrer-policy"), "no-referrer", "and sends no Referer")
    contains(page, A, "it names the address")
    for name in ("Light Reading Daily", "5G Weekly"):
        contains(page, name, "it lists the subscription to %s" % name)
    contains(page, "I agree to receive", "with the consent text agreed to")
    contains(page, "10.9.0.2", "and the address it came from")
    ok("Cable Tech Weekly" not in page, "and nothing it did not sign up for")
    ok(B not in page, "and nothing of another reader")
    eq(page.count('name="what" value="subscriptions"'), 2, "each subscription has an Erase button")
    contains(page, "Fiber Monitoring", "it lists the white paper downloaded")
    contains(page, "Fibreco", "with the company given for it")
    eq(page.count('name="what" value="downloads"'), 1, "which has an Erase button too")
    contains(page, "SD-WAN", "it lists the event registration")
    contains(page, "Forty branch sites", "with the answers given")
    eq(page.count('name="what" value="registrations"'), 1, "and an Erase button")
    s, h, body = c.get(url + "/export.json")
    eq(s, 200, "the JSON download answers 200")
    ok("attachment" in h.get("content-disposition", ""), "as an attachment")
    doc = json.loads(body)
    eq(doc["email"], A, "naming the address")
    eq(sorted(x["slug"] for x in doc["subscriptions"]), ["5g-weekly", "daily"],
       "with both subscriptions")
    ok(all("I agree to receive" in x["consent"] for x in doc["subscriptions"]),
       "and their consent")
    eq([x["slug"] for x in doc["downloads"]], [PAPER], "and the white paper")
    eq([(x["slug"], x["answers"][0]["a"]) for x in doc["registrations"]],
       [(EVENT, "Forty branch sites")], "and the registration with its answers")
    s, h, page = c.get(forged("empty@example.org", int(time.time()) + 600))
    eq(s, 200, "an address the site does not know has a page too")
    contains(page, "None.", "saying there is nothing")
    ok('value="all"' not in page, "with nothing to erase")


def test_bad_links():
    c = Client(SRV, "10.9.0.4")
    good = forged(A, int(time.time()) + 600)
    exp, who, mac = good.rsplit("/", 1)[1].split(".")
    cases = {
        "an altered signature": "/your-data/%s.%s.%s" % (exp, who, ("A" if mac[0] != "A" else "B") + mac[1:]),
        "another address under the same signature": "/your-data/%s.%s.%s" % (exp, b64(B.encode()), mac),
        "a later expiry under the same signature": "/your-data/%d.%s.%s" % (int(exp) + 86400, who, mac),
        "a link signed with another key": forged(A, int(time.time()) + 600, key=b"k" * 32),
        "a token cut short": good[:-5],
        "a token without dots": "/your-data/abcdef",
        "an empty address": "/your-data/%s..%s" % (exp, mac),
        "an address with a NUL byte": forged("a\x00b@example.org", int(time.time()) + 600),
    }
    for what, url in cases.items():
        s, h, page = c.get(url)
        eq(s, 404, "%s answers 404" % what)
        ok(A not in page, "and shows nothing of the address (%s)" % what)
    s, h, page = c.get(forged(A, int(time.time()) - 5))
    eq(s, 410, "an expired link answers 410")
    contains(page, "/your-data", "pointing to where a new one is asked for")
    s, h, page = c.post(cases["an altered signature"], [("what", "all")], csrf_from="/your-data")
    eq(s, 404, "an altered link erases nothing")
    s, h, page = c.post(forged(A, int(time.time()) - 5), [("what", "all")], csrf_from="/your-data")
    eq(s, 410, "nor does an expired one")
    eq(subs(A), ["5g-weekly", "daily"], "the subscriptions are all there")


def test_erase():
    c = Client(SRV, "10.9.0.5")
    url = forged(A, int(time.time()) + 600)
    daily = newsletter_id("daily")
    s, h, page = c.post(url, [("what", "subscriptions"), ("id", str(daily))])
    eq(s, 403, "erasing without the CSRF token is refused")
    for fields, want, what in (
            ([("what", "subscriptions")], 400, "without an id"),
            ([("what", "subscriptions"), ("id", "x1")], 400, "with a malformed id"),
            ([("what", "secrets"), ("id", str(daily))], 400, "naming an unknown kind"),
            ([("id", str(daily))], 400, "naming no kind"),
            ([("what", "subscriptions"), ("id", str(newsletter_id("cable-weekly")))], 404,
             "naming a newsletter the address is not subscribed to")):
        s, h, page = c.post(url, fields, csrf_from=url)
        eq(s, want, "a form %s answers %d" % (what, want))
    eq(subs(A), ["5g-weekly", "daily"], "and none of them erased anything")
    s, h, page = c.post(url, [("what", "subscriptions"), ("id", str(daily))], csrf_from=url)
    eq(s, 303, "erasing one subscription answers 303")
    ok(h.get("location", "").endswith("?done=one"), "back to the page", h.get("location"))
    eq(subs(A), ["5g-weekly"], "the subscription and its consent are gone")
    eq(leads(A), 1, "the white paper download is still there")
    rid = sql(DB, "SELECT id FROM registrations WHERE email = ?", (A,))[0][0]
    s, h, page = c.post(url, [("what", "registrations"), ("id", str(rid))], csrf_from=url)
    eq(s, 303, "erasing the registration answers 303")
    eq(regs(A), 0, "the registration is gone")
    eq(regs(B), 1, "another reader's registration for the same event stays")
    eq(subs(B), ["daily"], "another reader's subscription to the same newsletter stays")
    s, h, page = c.get(h["location"])
    contains(page, "That record is erased", "the page says so")
    s, h, page = c.post(url, [("what", "subscriptions"), ("id", str(daily))], csrf_from=url)
    eq(s, 404, "erasing it again answers 404")
    b_lead = sql(DB, "SELECT id FROM resource_leads WHERE email = ?", (B,))[0][0]
    s, h, page = c.post(url, [("what", "downloads"), ("id", str(b_lead))], csrf_from=url)
    eq(s, 404, "another reader's download cannot be erased through this link")
    eq(leads(B), 1, "and stays")
    s, h, page = c.post(url, [("what", "all")], csrf_from=url)
    eq(s, 303, "erasing everything answers 303")
    eq(subs(A), [], "no subscription is left")
    eq(leads(A), 0, "nor the white paper download")
    eq(leads(B), 1, "the other reader's download stays")
    eq(regs(B), 1, "and registration")
    eq(sql(DB, "SELECT count(*) FROM subscribers WHERE email = ?", (A,))[0][0], 0,
       "nor the subscriber")
    eq(subs(B), ["daily"], "the other reader keeps theirs")
    s, h, page = c.get(url)
    contains(page, "None.", "the page now lists nothing")


def test_signed_in():
    c = Client(SRV, "10.9.0.6")
    s = c.sign_in("mem@example.com", PW)
    eq(s, 303, "the member signs in")
    s, h, page = c.get("/account")
    contains(page, 'href="/your-data"', "the account page links to the reader's data")
    s, h, page = c.get("/your-data")
    eq(s, 303, "a signed-in reader needs no emailed link")
    loc = h.get("location", "")
    ok(loc.startswith("/your-data/"), "and goes straight to the page", loc)
    s, h, page = c.get(loc)
    eq(s, 200, "which opens")
    contains(page, "mem@example.com", "for the account's own address")
    contains(page, 'href="/account"', "mentioning the account")
    eq(len([m for m in SINK.to("mem@example.com") if "Your data" in str(m["Subject"])]), 0,
       "and no letter was sent")


def test_rate_limit():
    c = Client(SRV, "10.9.0.7")
    got = [ask(c, "often@example.org")[0] for _ in range(4)]
    eq(got, [200, 200, 200, 429], "a fourth link for one address within the hour answers 429")
    s, h, page = ask(Client(SRV, "10.9.0.8"), "often@example.org")
    eq(s, 429, "from any client address")
    ok(int(h.get("retry-after", "0")) > 0, "with Retry-After")
    c2 = Client(SRV, "10.9.0.9")
    got = [ask(c2, "x%d@example.org" % i)[0] for i in range(11)]
    eq(got[-1], 429, "an eleventh ask from one client address answers 429")


def cleanup():
    # The exit status tells whether the sanitizers found a leak or an error.
    rc = SRV.stop()
    SINK.close()
    return rc


if __name__ == "__main__":
    run_tests([test_ask_for_a_link, test_the_page, test_bad_links, test_erase,
               test_signed_in, test_rate_limit],
              cleanup=cleanup)
