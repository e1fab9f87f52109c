-- Sister sites (docs/sites.md): one instance serves several publications
-- by host name.  Row 1 is the publication the instance served before,
-- named from its settings, so an existing database reads as it did.
CREATE TABLE sites (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	host		TEXT NOT NULL DEFAULT '',	-- lower case, no port
	name		TEXT NOT NULL,
	tagline		TEXT NOT NULL DEFAULT '',
	base_url	TEXT NOT NULL DEFAULT '',	-- '' = the base_url setting
	logo		TEXT NOT NULL DEFAULT '',	-- an image path or URL
	accent		TEXT NOT NULL DEFAULT '',	-- '#rrggbb' or ''
	position	INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sites_host ON sites(host) WHERE host <> '';
INSERT INTO sites (id, slug, name, tagline)
    VALUES (1, 'main',
    COALESCE((SELECT value FROM settings WHERE key = 'site_name'), 'masthead'),
    COALESCE((SELECT value FROM settings WHERE key = 'tagline'), ''));

ALTER TABLE articles ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1
    REFERENCES sites(id);
ALTER TABLE sections ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1
    REFERENCES sites(id);
CREATE INDEX articles_site ON articles(site_id, published_at DESC, id DESC)
    WHERE status = 'published';

-- A story shown on other sites than its own; its canonical URL stays on
-- its home site (articles.site_id).
CREATE TABLE article_sites (
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	site_id		INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, site_id)
);
CREATE INDEX article_sites_site ON article_sites(site_id);

-- The sites a staff user may publish to; a user with no row may publish
-- to every site.
CREATE TABLE user_sites (
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	site_id		INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, site_id)
);
