-- A subscriber's name, as a list imported into the newsroom may carry
-- it ('' when unknown).
ALTER TABLE subscribers ADD COLUMN name TEXT NOT NULL DEFAULT '';
