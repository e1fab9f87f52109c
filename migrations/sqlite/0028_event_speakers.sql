-- An event's speakers, in the order its page shows them (docs/events.md):
-- name, job title and company as the programme prints them, and a photo
-- from the site's images.
CREATE TABLE event_speakers (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	position	INTEGER NOT NULL,
	name		TEXT NOT NULL,
	title		TEXT NOT NULL DEFAULT '',
	company		TEXT NOT NULL DEFAULT '',
	image_id	INTEGER REFERENCES images(id) ON DELETE SET NULL
);
CREATE INDEX event_speakers_event ON event_speakers(event_id, position);
