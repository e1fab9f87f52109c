-- The media library: what an image shows and who made it, kept with the
-- image so every story that uses it has them (a story's own hero caption
-- and credit still win), and who uploaded it under which file name.
-- Rows from before keep empty text and no uploader.
ALTER TABLE images ADD COLUMN caption TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN credit TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN filename TEXT NOT NULL DEFAULT '';
-- The uploader's users.id, kept without a foreign key: an image outlives
-- the account, and a copy of the database (migrate-db) brings images
-- before users.
ALTER TABLE images ADD COLUMN uploaded_by INTEGER;
