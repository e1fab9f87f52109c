-- The checks of pageviews' class columns, written as comparisons joined
-- by OR instead of IN lists.  They allow the same values; but SQLite
-- builds a temporary b-tree for each IN list of a CHECK on every row it
-- inserts, which was 40 % of the CPU time the analytics writer spent on
-- a view (docs/analytics.md).
--
-- SQLite cannot alter a CHECK constraint, and making the table again
-- would copy every raw view (millions of rows on a busy site, minutes
-- of start-up).  A CHECK is not part of how rows are stored, so the
-- table's definition is changed in place, as SQLite's documentation of
-- ALTER TABLE describes for such changes: the new text of the table in
-- sqlite_master, the schema read again, and the schema's version moved
-- on (by a table made and dropped) so that every connection reads it.
-- The rows already there hold only values both forms allow.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = 'CREATE TABLE pageviews (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	day		TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind = ''home'' OR
	    kind = ''article'' OR kind = ''section''),
	slug		TEXT NOT NULL DEFAULT '''',
	visitor		TEXT NOT NULL,
	referrer	TEXT NOT NULL CHECK (referrer = ''direct'' OR
	    referrer = ''internal'' OR referrer = ''search'' OR
	    referrer = ''social'' OR referrer = ''newsletter'' OR
	    referrer = ''other''),
	ref_host	TEXT NOT NULL DEFAULT '''',
	device		TEXT NOT NULL CHECK (device = ''desktop'' OR
	    device = ''mobile'' OR device = ''tablet''),
	country		TEXT NOT NULL DEFAULT ''''
)' WHERE type = 'table' AND name = 'pageviews';
PRAGMA writable_schema = RESET;
CREATE TABLE pageviews_schema_bump (x INTEGER);
DROP TABLE pageviews_schema_bump;
