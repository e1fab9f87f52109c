-- Search: on PostgreSQL this version keeps each story's tsvector in its
-- row of article_search instead of its TOAST table.  SQLite's FTS5 table
-- has no such storage; the version exists for both engines.
SELECT 1;
