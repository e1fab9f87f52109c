-- Shows: a podcast or a video series with its own page, artwork and
-- feed (docs/media.md).  A story joins a show by show_id; an episode
-- may carry its transcript, its chapters ("MM:SS title" lines) and the
-- address of a YouTube or Vimeo video that its page embeds only when the
-- reader asks for it.  The featured_video setting names the story the
-- sidebar's "Featured Video" shows.
CREATE TABLE shows (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	kind		TEXT NOT NULL CHECK (kind IN ('podcast', 'video')),
	title		TEXT NOT NULL,
	description	TEXT NOT NULL DEFAULT '',
	image_id	INTEGER REFERENCES images(id) ON DELETE SET NULL,
	author		TEXT NOT NULL DEFAULT '',
	email		TEXT NOT NULL DEFAULT '',
	category	TEXT NOT NULL DEFAULT '',
	explicit	INTEGER NOT NULL DEFAULT 0,
	position	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL DEFAULT 0,
	updated_at	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX shows_kind ON shows(kind, position, id);
ALTER TABLE articles ADD COLUMN show_id INTEGER
	REFERENCES shows(id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN transcript TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN chapters TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN embed_url TEXT NOT NULL DEFAULT '';
CREATE INDEX articles_show ON articles(show_id, published_at, id);
