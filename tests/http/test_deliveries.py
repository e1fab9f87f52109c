"""The one deliveries table (docs/webhooks.md, docs/activitypub.md):
migration 0041 moves the rows of the two logs it replaces,
webhook_deliveries and ap_deliveries, into deliveries with their kind,
points the queued `activitypub` jobs at their rows' new ids and drops the
old tables.  The test migrates a database, puts it back as it was before
0041 (the two tables made by their own migrations' SQL, rows in them and
in jobs), migrates it again and checks every row, on SQLite and on
PostgreSQL."""
import json
import os
import re
import sqlite3
import subprocess
import tempfile

from harness import BIN, ok, eq, run_tests, new_db, sql, is_pg, psql, TOP

D = tempfile.mkdtemp(prefix="masthead-deliveries-")
DB = new_db(D)
ENGINE = "postgres" if is_pg(DB) else "sqlite"


def migrate():
    return subprocess.run([BIN, "migrate", "--db", DB], capture_output=True,
                          text=True)


def script(text):
    """Runs several statements at once on the test's database."""
    if is_pg(DB):
        psql(DB, text)
        return
    con = sqlite3.connect(DB)
    try:
        con.executescript(text)
    finally:
        con.close()


def old_table(migration, table):
    """The CREATE TABLE (and its indexes) of table in an earlier migration."""
    path = os.path.join(TOP, "migrations", ENGINE, migration)
    with open(path) as f:
        text = f.read()
    stmts = re.findall(r"CREATE (?:TABLE|INDEX \w+ ON) %s\b.*?\);" % table, text,
                       re.S)
    ok(len(stmts) >= 1, "%s's SQL is in %s" % (table, migration))
    return "\n".join(stmts) + "\n"


def tables():
    if is_pg(DB):
        q = ("SELECT table_name FROM information_schema.tables"
             " WHERE table_schema = 'public'")
    else:
        q = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return {r[0] for r in sql(DB, q)}


def test_migration_moves_rows():
    r = migrate()
    eq(r.returncode, 0, "a new database migrates")
    ok("deliveries" in tables(), "it has the deliveries table")
    # Back to the schema before 0041, with rows in the two old logs.
    # "masthead migrate" applies the versions above the highest recorded,
    # so the later ones are forgotten too (each may run again).
    script("DROP TABLE deliveries;\n"
           "DELETE FROM schema_migrations WHERE version >= 41;\n" +
           old_table("0034_webhooks.sql", "webhook_deliveries") +
           old_table("0037_activitypub.sql", "ap_deliveries"))
    hook = sql(DB, "INSERT INTO webhooks (url, events, secret, active, created_at)"
               " VALUES ('https://hooks.example.com/x', 'story.published',"
               " 'whsec_x', 1, 1700000000) RETURNING id")[0][0]
    for i, st in ((1, "ok"), (2, "pending")):
        sql(DB, "INSERT INTO webhook_deliveries (id, webhook, event, payload, status,"
            " attempts, last_code, created_at) VALUES (?, ?, 'story.published',"
            " '{\"id\":\"evt_1\"}', ?, 1, 200, 1700000000)", (i, hook, st))
    for i, act, st in ((1, "Accept", "failed"), (2, "Create", "pending")):
        sql(DB, "INSERT INTO ap_deliveries (id, inbox, sender, activity, object,"
            " payload, status, attempts, last_code, last_error, created_at)"
            " VALUES (?, 'https://social.example/inbox', 'site', ?,"
            " 'https://news.example.com/ap/articles/7', '{}', ?, 2, 500,"
            " 'the receiver answered 500', 1700000100)", (i, act, st))
    for kind, d in (("webhook", 2), ("activitypub", 2)):
        sql(DB, "INSERT INTO jobs (kind, payload, run_at, created_at)"
            " VALUES (?, ?, 1700000200, 1700000000)", (kind, '{"delivery":%d}' % d))
    r = migrate()
    ok(r.returncode == 0, "migration 0041 runs over the old logs", r.stderr)
    t = tables()
    ok("webhook_deliveries" not in t and "ap_deliveries" not in t,
       "the two old tables are dropped")
    rows = sql(DB, "SELECT id, kind, COALESCE(webhook, 0), inbox, sender, event,"
               " object, status, attempts, last_code, last_error FROM deliveries"
               " ORDER BY id")
    eq([r[:3] for r in rows], [(1, "webhook", hook), (2, "webhook", hook),
                               (3, "activitypub", 0), (4, "activitypub", 0)],
       "the webhooks' rows keep their ids, the activities' follow them")
    eq(rows[1][5:10], ("story.published", "", "pending", 1, 200),
       "a webhook's row keeps its event and its state")
    eq(rows[3][3:], ("https://social.example/inbox", "site", "Create",
                     "https://news.example.com/ap/articles/7", "pending", 2, 500,
                     "the receiver answered 500"),
       "an activity's row keeps its inbox, sender, type, object and state")
    jobs = {k: json.loads(p)["delivery"] for k, p in
            sql(DB, "SELECT kind, payload FROM jobs WHERE kind IN"
                " ('webhook', 'activitypub')")}
    eq(jobs, {"webhook": 2, "activitypub": 4},
       "the queued activitypub job names its row's new id")
    nid = sql(DB, "INSERT INTO deliveries (kind, inbox, event, payload, created_at)"
              " VALUES ('activitypub', 'https://social.example/inbox', 'Update',"
              " '{}', 1700000300) RETURNING id")[0][0]
    eq(nid, 5, "a new row follows the largest id")
    try:
        sql(DB, "INSERT INTO deliveries (kind, event, payload, created_at)"
            " VALUES ('webhook', 'ping', '{}', 1700000300)")
        refused = False
    except (sqlite3.Error, RuntimeError):
        refused = True
    ok(refused, "a webhook's row without its webhook is refused")
    # masthead's SQLite connections enforce foreign keys; so does this one.
    script(("" if is_pg(DB) else "PRAGMA foreign_keys = ON;\n") +
           "DELETE FROM webhooks WHERE id = %d;\n" % hook)
    eq(sql(DB, "SELECT COUNT(*) FROM deliveries WHERE kind = 'webhook'")[0][0], 0,
       "deleting a webhook deletes its deliveries")


run_tests([test_migration_moves_rows])
