-- The stories an editor pins to the home page (/admin/front): slot 0 is
-- the lead, slots 1 to 4 the top stories.  A pin lasts until expires_at
-- (NULL: until it is changed); an expired pin, or one whose story is no
-- longer published, is passed over and the home page shows the newest
-- stories as it does without pins.
CREATE TABLE front_pins (
    slot        INTEGER PRIMARY KEY CHECK (slot >= 0 AND slot <= 4),
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    expires_at  INTEGER
);
CREATE INDEX front_pins_article ON front_pins(article_id);
