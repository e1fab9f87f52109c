-- The content model: sections, authors, articles and everything the
-- reader-facing pages show.  Times are Unix seconds (UTC).

CREATE TABLE settings (
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL
);

-- A tree: topics (5G, Cable Tech > DOCSIS), regions (Asia), communities,
-- industry-show coverage.  kind decides where a section is listed.
CREATE TABLE sections (
	id		INTEGER PRIMARY KEY,
	parent_id	INTEGER REFERENCES sections(id),
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	kind		TEXT NOT NULL DEFAULT 'topic'
			CHECK (kind IN ('topic', 'region', 'community', 'show')),
	description	TEXT NOT NULL DEFAULT '',
	position	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sections_parent ON sections(parent_id, position);

CREATE TABLE images (
	id		INTEGER PRIMARY KEY,
	hash		TEXT NOT NULL UNIQUE,	-- content address (hex)
	mime		TEXT NOT NULL,
	ext		TEXT NOT NULL,
	width		INTEGER NOT NULL,
	height		INTEGER NOT NULL,
	bytes		INTEGER NOT NULL,
	alt		TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL
);

CREATE TABLE authors (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	role		TEXT NOT NULL DEFAULT '',	-- "contributing editor"
	company		TEXT NOT NULL DEFAULT '',	-- for outside contributors
	bio		TEXT NOT NULL DEFAULT '',
	photo_id	INTEGER REFERENCES images(id),
	created_at	INTEGER NOT NULL
);

CREATE TABLE sponsors (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	url		TEXT NOT NULL DEFAULT '',
	logo_id		INTEGER REFERENCES images(id)
);

CREATE TABLE tags (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL
);

-- type: news, news-analysis, feature, opinion, interview, partner-perspective,
-- guest-perspective, video, podcast.  status: draft, scheduled, published.
CREATE TABLE articles (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	type		TEXT NOT NULL DEFAULT 'news',
	status		TEXT NOT NULL DEFAULT 'draft'
			CHECK (status IN ('draft', 'scheduled', 'published')),
	title		TEXT NOT NULL,
	dek		TEXT NOT NULL DEFAULT '',
	body_md		TEXT NOT NULL DEFAULT '',
	body_html	TEXT NOT NULL DEFAULT '',
	section_id	INTEGER NOT NULL REFERENCES sections(id),
	hero_image_id	INTEGER REFERENCES images(id),
	hero_caption	TEXT NOT NULL DEFAULT '',
	hero_credit	TEXT NOT NULL DEFAULT '',
	hero_licence	TEXT NOT NULL DEFAULT '',
	hero_licence_url TEXT NOT NULL DEFAULT '',
	sponsor_id	INTEGER REFERENCES sponsors(id),
	signoff		TEXT NOT NULL DEFAULT '',
	published_at	INTEGER,
	updated_at	INTEGER NOT NULL,
	created_at	INTEGER NOT NULL
);
CREATE INDEX articles_latest ON articles(status, published_at DESC, id DESC);
CREATE INDEX articles_type ON articles(type, status, published_at DESC, id DESC);

CREATE TABLE article_authors (
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	author_id	INTEGER NOT NULL REFERENCES authors(id),
	position	INTEGER NOT NULL DEFAULT 0,
	published_at	INTEGER NOT NULL DEFAULT 0,	-- copy of the article's, for keyset lists
	PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_list ON article_authors(author_id, published_at DESC, article_id DESC);

CREATE TABLE article_tags (
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	tag_id		INTEGER NOT NULL REFERENCES tags(id),
	published_at	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_list ON article_tags(tag_id, published_at DESC, article_id DESC);

-- Published articles listed under a section: one row for the article's own
-- section and one for each ancestor, so "Cable Tech" lists DOCSIS stories
-- with one indexed range scan.  Maintained by the store on publish/unpublish.
CREATE TABLE section_articles (
	section_id	INTEGER NOT NULL REFERENCES sections(id),
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	published_at	INTEGER NOT NULL,
	PRIMARY KEY (section_id, published_at, article_id)
);
CREATE INDEX section_articles_article ON section_articles(article_id);

-- Readers' accounts arrive with the newsroom; comments are counted from
-- day one, so the table exists now with its final shape.
CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	email		TEXT NOT NULL UNIQUE,
	display_name	TEXT NOT NULL,
	password_hash	TEXT NOT NULL DEFAULT '',
	role		TEXT NOT NULL DEFAULT 'member',
	author_id	INTEGER REFERENCES authors(id),
	verified_at	INTEGER,
	created_at	INTEGER NOT NULL
);

CREATE TABLE comments (
	id		INTEGER PRIMARY KEY,
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	parent_id	INTEGER REFERENCES comments(id),
	user_id		INTEGER NOT NULL REFERENCES users(id),
	status		TEXT NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'approved', 'rejected', 'deleted')),
	body_md		TEXT NOT NULL,
	body_html	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX comments_article ON comments(article_id, status, created_at);

-- kind: digital-symposium, digital-conference, conference, awards.
CREATE TABLE events (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	summary		TEXT NOT NULL DEFAULT '',
	body_md		TEXT NOT NULL DEFAULT '',
	body_html	TEXT NOT NULL DEFAULT '',
	starts_at	INTEGER NOT NULL,
	ends_at		INTEGER NOT NULL,
	timezone	TEXT NOT NULL DEFAULT 'UTC',
	venue		TEXT NOT NULL DEFAULT '',	-- empty: online
	online		INTEGER NOT NULL DEFAULT 1,
	url		TEXT NOT NULL DEFAULT '',
	sponsor_id	INTEGER REFERENCES sponsors(id),
	CHECK (ends_at >= starts_at)
);
CREATE INDEX events_time ON events(ends_at, starts_at);
CREATE INDEX events_start ON events(starts_at);

CREATE TABLE webinars (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	title		TEXT NOT NULL,
	series		TEXT NOT NULL DEFAULT '',
	summary		TEXT NOT NULL DEFAULT '',
	body_md		TEXT NOT NULL DEFAULT '',
	body_html	TEXT NOT NULL DEFAULT '',
	starts_at	INTEGER NOT NULL,
	duration_min	INTEGER NOT NULL DEFAULT 60
			CHECK (duration_min BETWEEN 1 AND 1440),
	sponsor_id	INTEGER REFERENCES sponsors(id),
	event_id	INTEGER REFERENCES events(id),
	recording_url	TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webinars_time ON webinars(starts_at);

-- The inline box in article bodies ("Interested in Asia? ...").
CREATE TABLE promos (
	id		INTEGER PRIMARY KEY,
	section_id	INTEGER REFERENCES sections(id),	-- NULL: site-wide
	text		TEXT NOT NULL,
	link_text	TEXT NOT NULL,
	url		TEXT NOT NULL,
	active		INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX promos_section ON promos(section_id, active);

-- Menus: "main" is the mega-menu, "footer" the footer links.
CREATE TABLE menu_items (
	id		INTEGER PRIMARY KEY,
	menu		TEXT NOT NULL,
	parent_id	INTEGER REFERENCES menu_items(id) ON DELETE CASCADE,
	position	INTEGER NOT NULL DEFAULT 0,
	label		TEXT NOT NULL,
	url		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX menu_items_menu ON menu_items(menu, parent_id, position);

CREATE TABLE pages (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	title		TEXT NOT NULL,
	body_md		TEXT NOT NULL DEFAULT '',
	body_html	TEXT NOT NULL DEFAULT '',
	updated_at	INTEGER NOT NULL
);
