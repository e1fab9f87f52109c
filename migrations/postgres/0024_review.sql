-- Autosave and the review workflow.
--
-- An autosave is a revision of kind 1: the editor's form as it stood a
-- few seconds after its writer last typed, kept apart from the article
-- (whose row and live page it never changes).  There is at most one per
-- article and writer, replaced at each autosave; the revision list does
-- not show them.
ALTER TABLE article_revisions ADD COLUMN autosave INTEGER NOT NULL DEFAULT 0;
CREATE INDEX article_revisions_autosave
	ON article_revisions(article_id, user_id, autosave);

-- Where a draft stands in review: 'none', 'ready' (submitted, in the
-- editors' queue since review_at, by review_by) or 'changes' (an editor
-- asked for changes, saying why in review_note).
ALTER TABLE articles ADD COLUMN review_state TEXT NOT NULL DEFAULT 'none';
ALTER TABLE articles ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN review_at BIGINT;
-- review_by names a user without a foreign key: migrate-db copies the
-- articles before the users.
ALTER TABLE articles ADD COLUMN review_by BIGINT;
CREATE INDEX articles_review ON articles(review_state, review_at);
