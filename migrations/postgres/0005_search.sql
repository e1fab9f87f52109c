-- Full-text search over published stories: the title, dek, body text
-- (plain, without markup), author names, tags and section name of every
-- published article.  It is derived data: the store rewrites an
-- article's row in the same transaction as every write of the article,
-- and "masthead reindex" rebuilds it all.  Stories published with a
-- future time are in it and filtered out by time when searched.
--
-- doc weighs the title A, the dek, authors and tags B, the body C and
-- the section D, so that ts_rank ranks a title hit above a body hit, as
-- bm25 with column weights does on SQLite.
CREATE TABLE article_search (
	article_id	BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
	title		TEXT NOT NULL,
	dek		TEXT NOT NULL,
	body		TEXT NOT NULL,
	authors		TEXT NOT NULL,
	tags		TEXT NOT NULL,
	section		TEXT NOT NULL,
	doc		tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('english', title), 'A') ||
		setweight(to_tsvector('english', dek || ' ' || authors || ' ' ||
		    tags), 'B') ||
		setweight(to_tsvector('english', body), 'C') ||
		setweight(to_tsvector('english', section), 'D')) STORED
);
CREATE INDEX article_search_doc ON article_search USING GIN (doc);
