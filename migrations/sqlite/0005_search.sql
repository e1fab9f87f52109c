-- Full-text search over published stories: the title, dek, body text
-- (plain, without markup), author names, tags and section name of every
-- published article, rowid = the article's id.  It is derived data: the
-- store rewrites an article's row in the same transaction as every write
-- of the article, and "masthead reindex" rebuilds it all.  Stories
-- published with a future time are in it and filtered out by time when
-- searched.  Porter stemming on unicode61 words, accents folded.
CREATE VIRTUAL TABLE article_search USING fts5(
	title, dek, body, authors, tags, section,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Ranking: bm25 with a title hit worth ten body hits, the dek, authors
-- and tags four, the section two.  Kept in the table, so "ORDER BY rank"
-- uses it.
INSERT INTO article_search (article_search, rank)
    VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 4.0, 4.0, 2.0)');

-- A search checks each match's status, time and type: from this index,
-- without reading the article's row (whose body spills onto overflow
-- pages before published_at is reached).
CREATE INDEX articles_live ON articles(id, status, published_at, type);
