-- The home page.  Slots 5 to 8 of front_pins are the editor's picks,
-- beside the lead (0) and the top stories (1 to 4).
ALTER TABLE front_pins DROP CONSTRAINT front_pins_slot_check;
ALTER TABLE front_pins ADD CONSTRAINT front_pins_slot_check
    CHECK (slot >= 0 AND slot <= 8);

-- "Most commented" counts the approved comments of the last days: this
-- index reads that window alone, in order, without the comment rows.
CREATE INDEX comments_recent ON comments(status, created_at, article_id);
