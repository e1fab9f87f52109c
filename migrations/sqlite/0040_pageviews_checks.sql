-- The checks of pageviews' class columns, written as comparisons joined
-- by OR instead of IN lists.  They allow the same values; but SQLite
-- builds a temporary b-tree for each IN list of a CHECK on every row it
-- inserts, which was 40 % of the CPU time the analytics writer spent on
-- a view (docs/analytics.md).  SQLite cannot change a CHECK constraint,
-- so the table is made again with its rows and its indexes.
CREATE TABLE pageviews_new (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,	-- unix seconds
	day		TEXT NOT NULL,		-- UTC 'YYYY-MM-DD' of at
	kind		TEXT NOT NULL CHECK (kind = 'home' OR kind = 'article' OR
	    kind = 'section'),
	slug		TEXT NOT NULL DEFAULT '',
	visitor		TEXT NOT NULL,		-- 16 hex digits, that day's salt
	referrer	TEXT NOT NULL CHECK (referrer = 'direct' OR
	    referrer = 'internal' OR referrer = 'search' OR
	    referrer = 'social' OR referrer = 'newsletter' OR
	    referrer = 'other'),
	ref_host	TEXT NOT NULL DEFAULT '',
	device		TEXT NOT NULL CHECK (device = 'desktop' OR
	    device = 'mobile' OR device = 'tablet'),
	country		TEXT NOT NULL DEFAULT ''	-- two letters, or ''
);
INSERT INTO pageviews_new (id, at, day, kind, slug, visitor, referrer,
    ref_host, device, country)
    SELECT id, at, day, kind, slug, visitor, referrer, ref_host, device,
    country FROM pageviews;
DROP TABLE pageviews;
ALTER TABLE pageviews_new RENAME TO pageviews;
CREATE INDEX pageviews_day ON pageviews(day, kind, slug);
CREATE INDEX pageviews_at ON pageviews(at);
