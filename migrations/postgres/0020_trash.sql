-- A story in the newsroom's Trash: when it went there (NULL: not in
-- it).  It is a draft while there, its slug stays taken, and the purge
-- job deletes it for good 30 days after this time.
ALTER TABLE articles ADD COLUMN trashed_at BIGINT;
CREATE INDEX articles_trashed ON articles(trashed_at);
