-- Where a webinar's live session is joined (the video platform's
-- address), set by the newsroom.  Never shown on the public page: a
-- registered reader reaches it through a signed link of their own.
ALTER TABLE webinars ADD COLUMN join_url TEXT NOT NULL DEFAULT '';
