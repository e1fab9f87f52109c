-- Where a webinar's live session is joined (the video platform's
-- address), set by the newsroom.  Never shown on the public page: a
-- registered reader reaches it through a signed link of their own.
ALTER TABLE webinars ADD COLUMN join_url TEXT NOT NULL DEFAULT '';

-- A webinar's topic (one of the site's sections, /webinars?topic=5g)
-- and its series' slug (/webinars?series=live-learning; "series" stays
-- the name shown).  Each list is read by its index in start order.
ALTER TABLE webinars ADD COLUMN topic_id BIGINT REFERENCES sections(id);
ALTER TABLE webinars ADD COLUMN series_slug TEXT NOT NULL DEFAULT '';
CREATE INDEX webinars_topic ON webinars(topic_id, starts_at);
CREATE INDEX webinars_series ON webinars(series_slug, starts_at);
