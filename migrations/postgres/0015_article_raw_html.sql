-- Whether a story's raw HTML is kept (through the allow-list) or shown
-- as text.  Only an admin may change it.  Stories that already hold
-- markup keep it, now allow-listed, so they read as they did; the rest
-- start with raw HTML off.
ALTER TABLE articles ADD COLUMN raw_html INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET raw_html = 1 WHERE body_md LIKE '%<%';
