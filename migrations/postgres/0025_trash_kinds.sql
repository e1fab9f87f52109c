-- Events, webinars and white papers in the newsroom's Trash, as stories
-- are (0020): when each went there (NULL: not in it).  While there it is
-- on no public page and its slug stays taken; the purge job deletes it
-- for good 30 days after this time, with its registrations or leads.
ALTER TABLE events ADD COLUMN trashed_at BIGINT;
ALTER TABLE webinars ADD COLUMN trashed_at BIGINT;
ALTER TABLE resources ADD COLUMN trashed_at BIGINT;
CREATE INDEX events_trashed ON events(trashed_at);
CREATE INDEX webinars_trashed ON webinars(trashed_at);
CREATE INDEX resources_trashed ON resources(trashed_at);
