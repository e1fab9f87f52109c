-- The home page.  Slots 5 to 8 of front_pins are the editor's picks,
-- beside the lead (0) and the top stories (1 to 4).  SQLite cannot
-- change a CHECK constraint, so the table is made again with its rows.
CREATE TABLE front_pins_new (
    slot        INTEGER PRIMARY KEY CHECK (slot >= 0 AND slot <= 8),
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    expires_at  INTEGER
);
INSERT INTO front_pins_new (slot, article_id, expires_at)
    SELECT slot, article_id, expires_at FROM front_pins;
DROP TABLE front_pins;
ALTER TABLE front_pins_new RENAME TO front_pins;
CREATE INDEX front_pins_article ON front_pins(article_id);

-- "Most commented" counts the approved comments of the last days: this
-- index reads that window alone, in order, without the comment rows.
CREATE INDEX comments_recent ON comments(status, created_at, article_id);
