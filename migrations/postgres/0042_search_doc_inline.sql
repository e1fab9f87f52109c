-- Search: each story's tsvector (article_search.doc) is kept in its row
-- rather than in the table's TOAST table.  A vector is about 1.8 kB at
-- the generated archive's story length, which pglz cannot shrink by the
-- quarter it asks for, so with the default storage (EXTENDED) it was
-- moved out of line whole, and every row a search walks by the primary
-- key cost a lookup in the TOAST index and a read of its chunks: at
-- 1,000,000 stories, testing the newest 10,000 rows took 40-50 ms, and
-- 12 ms with the vectors in their rows.  MAIN still lets PostgreSQL
-- compress a vector, and move it out only when its row would not fit a
-- page; the body, title and dek stay EXTENDED and go out first.
--
-- A storage applies to the values written after it, so the table is
-- written again once, in id order (the order a search walks it): CLUSTER
-- takes every vector back into its row and builds the table's indexes
-- again.  It holds the table's exclusive lock while it runs: 82 s at
-- 1,000,000 stories on 2 cores at load average 4, during which searches
-- and publishing wait.
ALTER TABLE article_search ALTER COLUMN doc SET STORAGE MAIN;
CLUSTER article_search USING article_search_pkey;
