-- Comments: threads, kept counts, moderation.
--
-- articles.comment_count is the number of approved comments, changed in
-- the same transaction as every comment write, so a list of stories
-- shows counts without counting.  comments_mode: open, premoderated
-- (every new comment waits for a moderator) or closed.
ALTER TABLE articles ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN comments_mode TEXT NOT NULL DEFAULT 'open'
	CHECK (comments_mode IN ('open', 'premoderated', 'closed'));
UPDATE articles SET comment_count = (SELECT count(*) FROM comments c
	WHERE c.article_id = articles.id AND c.status = 'approved');

-- root_id: the top comment of the thread (NULL for a top comment);
-- depth: 0 for a top comment; reply_count: approved direct replies (a
-- deleted comment with replies stays as a placeholder); featured: pinned
-- by a moderator; reports_open: reports not yet resolved; held_reason:
-- why a comment waits for review; body_hash: SHA-256 of the text, for
-- duplicate detection; ip: the poster's address, for abuse handling.
ALTER TABLE comments ADD COLUMN root_id INTEGER REFERENCES comments(id);
ALTER TABLE comments ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN featured INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN reports_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN held_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN edited_at INTEGER;
UPDATE comments SET reply_count = (SELECT count(*) FROM comments r
	WHERE r.parent_id = comments.id AND r.status = 'approved');

-- One index range per view: flat pages by time, top comments of the
-- threaded view, the replies of a page of threads, the replies of one
-- comment, the featured ones, a reader's own comments, and the
-- moderation queues.
CREATE INDEX comments_article_time ON comments(article_id, created_at, id);
CREATE INDEX comments_article_roots ON comments(article_id, parent_id, created_at, id);
CREATE INDEX comments_root ON comments(root_id, created_at, id);
CREATE INDEX comments_parent ON comments(parent_id, created_at, id);
CREATE INDEX comments_featured ON comments(article_id, featured, created_at, id);
CREATE INDEX comments_user ON comments(user_id, created_at);
CREATE INDEX comments_queue ON comments(status, id);
CREATE INDEX comments_reported ON comments(reports_open, id);

-- A reader reports a comment once, with a reason.
CREATE TABLE comment_reports (
	id		INTEGER PRIMARY KEY,
	comment_id	INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	reason		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	resolved_at	INTEGER,
	UNIQUE (comment_id, user_id)
);

-- Readers who may not comment: until a time (a suspension) or for good
-- (until_at NULL).
CREATE TABLE comment_bans (
	user_id		INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	until_at	INTEGER,
	reason		TEXT NOT NULL DEFAULT '',
	by_user_id	INTEGER REFERENCES users(id),
	created_at	INTEGER NOT NULL
);

-- Every moderation action: who did what to which comment or reader.
CREATE TABLE comment_log (
	id		INTEGER PRIMARY KEY,
	comment_id	INTEGER REFERENCES comments(id) ON DELETE SET NULL,
	target_user_id	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	moderator_id	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	action		TEXT NOT NULL,
	detail		TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL
);
CREATE INDEX comment_log_time ON comment_log(created_at, id);

-- Moderation settings live in settings (comments_premoderation: off, new
-- or all; comments_premoderation_first; comments_max_links;
-- comments_banned_words); a missing key means its default.
