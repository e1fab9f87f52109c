-- First-party analytics (docs/analytics.md).  Nothing here names a
-- reader: no address, no user agent, no cookie.  A visitor is a keyed
-- hash of (address, user agent, site) under a salt that lives one day,
-- so the same reader is a different visitor tomorrow and yesterday's
-- hashes cannot be recomputed once the salt is gone.

-- One row per counted page view, kept analytics_raw_days days and then
-- folded into pageview_days.
CREATE TABLE pageviews (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,	-- unix seconds
	day		TEXT NOT NULL,		-- UTC 'YYYY-MM-DD' of at
	kind		TEXT NOT NULL CHECK (kind IN ('home', 'article', 'section')),
	slug		TEXT NOT NULL DEFAULT '',
	visitor		TEXT NOT NULL,		-- 16 hex digits, that day's salt
	referrer	TEXT NOT NULL CHECK (referrer IN ('direct', 'internal',
	    'search', 'social', 'newsletter', 'other')),
	ref_host	TEXT NOT NULL DEFAULT '',
	device		TEXT NOT NULL CHECK (device IN ('desktop', 'mobile',
	    'tablet')),
	country		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pageviews_day ON pageviews(day, kind, slug);
CREATE INDEX pageviews_at ON pageviews(at);

-- Daily counts: per page (kind, slug), a dimension and its value:
-- 'views' and 'visitors' (val ''), 'referrer', 'host', 'device',
-- 'country', and 'seconds' and 'beacons' from the time-on-page beacon.
CREATE TABLE pageview_days (
	day		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	slug		TEXT NOT NULL,
	dim		TEXT NOT NULL,
	val		TEXT NOT NULL DEFAULT '',
	n		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, kind, slug, dim, val)
);

-- The salt of the visitor hash, one per UTC day; deleted once its day
-- is over.
CREATE TABLE analytics_salts (
	day		TEXT PRIMARY KEY,
	salt		TEXT NOT NULL
);
