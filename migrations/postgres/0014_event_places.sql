-- The PostgreSQL twin of migrations/sqlite/0014_event_places.sql.
-- Where an in-person event takes place, in the parts of a postal
-- address (search engines read them as a schema.org PostalAddress;
-- venue stays the name people know the place by), and the image an
-- event or a webinar is shared with ('' and NULL when not given).
-- country is an ISO 3166-1 alpha-2 code ("US").
ALTER TABLE events ADD COLUMN street_address TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN locality TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN image_id BIGINT REFERENCES images(id);
ALTER TABLE webinars ADD COLUMN image_id BIGINT REFERENCES images(id);
