-- Search: FTS5 keeps an index of the first two and three letters of
-- every word beside the words themselves (prefix='2 3'), so that a
-- short prefix ("net*") is one list to read rather than the lists of
-- every word it begins (network, networks, netflix ...) merged on every
-- search: measured at 200,000 stories, finding the newest 10,000
-- matches of "net*" took 11 ms of CPU and ranking them 28 ms, with the
-- prefix index 1 ms and 13 ms.  The index grows by about half.
--
-- FTS5 cannot add the option to a table, so the table is made again;
-- it is derived data, built again from the articles the first time
-- masthead opens the database (as a site from before search is), or
-- by "masthead reindex".  The rest is as 0005 made it.
DROP TABLE article_search;
CREATE VIRTUAL TABLE article_search USING fts5(
	title, dek, body, authors, tags, section,
	tokenize = 'porter unicode61 remove_diacritics 2',
	prefix = '2 3'
);
INSERT INTO article_search (article_search, rank)
    VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 4.0, 4.0, 2.0)');
