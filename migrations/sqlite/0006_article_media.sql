-- The audio or video of a podcast or video story: where the file is, its
-- media type, its size in bytes and its length in seconds.  Feeds carry
-- them as enclosures; an empty media_url means the story has none.
ALTER TABLE articles ADD COLUMN media_url TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN media_type TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN media_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN media_seconds INTEGER NOT NULL DEFAULT 0;
