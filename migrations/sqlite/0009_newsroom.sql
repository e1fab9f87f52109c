-- The newsroom: every save of an article keeps a revision, a published
-- article's old slugs keep answering (301 to the current one), and an
-- uploaded image records the responsive widths made from it.

-- data is the article as the editor saw it after the save (JSON: title,
-- slug, dek, body_md, section, type, authors, tags, hero and sponsor).
CREATE TABLE article_revisions (
	id		INTEGER PRIMARY KEY,
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	user_id		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	note		TEXT NOT NULL DEFAULT '',
	data		TEXT NOT NULL,
	created_at	INTEGER NOT NULL
);
CREATE INDEX article_revisions_article ON article_revisions(article_id, id);

-- A slug an article was once published under.
CREATE TABLE article_slugs (
	slug		TEXT PRIMARY KEY,
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL
);
CREATE INDEX article_slugs_article ON article_slugs(article_id);

-- "320,640,1024,1600": the widths of <hash>-<w>.<ext> and <hash>-<w>.webp
-- in the media directory; empty for images without them.
ALTER TABLE images ADD COLUMN widths TEXT NOT NULL DEFAULT '';
CREATE INDEX articles_updated ON articles(updated_at DESC, id DESC);
