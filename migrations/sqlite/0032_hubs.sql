-- Hubs (docs/hubs.md): a sponsor's landing page (kind 'sponsored': a
-- Tech Center, a Market Leader Program) or a trade show's (kind 'show'),
-- each gathering stories, white papers, webinars and events in the order
-- its editor set, and for a show a live blog.
CREATE TABLE hubs (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	kind		TEXT NOT NULL CHECK (kind IN ('sponsored', 'show')),
	title		TEXT NOT NULL,
	intro		TEXT NOT NULL DEFAULT '',
	sponsor_id	INTEGER REFERENCES sponsors(id) ON DELETE SET NULL,
	disclosure	TEXT NOT NULL DEFAULT '',
	logo_id		INTEGER REFERENCES images(id) ON DELETE SET NULL,
	starts_at	INTEGER NOT NULL,
	ends_at		INTEGER,
	venue		TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	CHECK (ends_at IS NULL OR ends_at >= starts_at)
);

-- What a hub curates: a story (its videos are stories of type video),
-- a white paper, a webinar or an event, by id, at a position.
CREATE TABLE hub_items (
	id		INTEGER PRIMARY KEY,
	hub_id		INTEGER NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
	kind		TEXT NOT NULL
	    CHECK (kind IN ('article', 'resource', 'webinar', 'event')),
	item_id		INTEGER NOT NULL,
	position	INTEGER NOT NULL,
	UNIQUE (hub_id, kind, item_id)
);
CREATE INDEX hub_items_hub ON hub_items(hub_id, position);
CREATE INDEX hub_items_item ON hub_items(kind, item_id);

-- A show's live blog: timestamped posts, newest first.  A deleted post
-- is kept (deleted_at set) so the newsroom sees what was taken down.
CREATE TABLE live_posts (
	id		INTEGER PRIMARY KEY,
	hub_id		INTEGER NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
	body_md		TEXT NOT NULL,
	body_html	TEXT NOT NULL,
	author_id	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	posted_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	deleted_at	INTEGER
);
CREATE INDEX live_posts_hub ON live_posts(hub_id, posted_at DESC, id DESC);

-- Page views and clicks per hub and day (UTC, 'YYYY-MM-DD'): counts only,
-- nothing about who.
CREATE TABLE hub_stats (
	hub_id		INTEGER NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
	day		TEXT NOT NULL,
	views		INTEGER NOT NULL DEFAULT 0,
	clicks		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (hub_id, day)
);
