-- Event agendas and registration for events and webinars
-- (docs/events.md).

-- A session of an event's agenda: its day and times are wall-clock
-- values in the event's own time zone, as the programme prints them.
CREATE TABLE event_sessions (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
	position	INTEGER NOT NULL,
	day		TEXT NOT NULL,		-- 2026-05-12
	start_time	TEXT NOT NULL,		-- 09:00
	end_time	TEXT NOT NULL,		-- 09:45
	title		TEXT NOT NULL,
	speakers	TEXT NOT NULL DEFAULT '',
	description	TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_sessions_event ON event_sessions(event_id, position);

-- Registration settings: capacity (NULL: unlimited), when registration
-- closes (NULL: at the end of an event, the start of a webinar), and the
-- extra questions, one a line, a trailing "*" marking a required one.
ALTER TABLE events ADD COLUMN capacity INTEGER CHECK (capacity > 0);
ALTER TABLE events ADD COLUMN reg_closes_at INTEGER;
ALTER TABLE events ADD COLUMN questions TEXT NOT NULL DEFAULT '';
ALTER TABLE webinars ADD COLUMN capacity INTEGER CHECK (capacity > 0);
ALTER TABLE webinars ADD COLUMN reg_closes_at INTEGER;
ALTER TABLE webinars ADD COLUMN questions TEXT NOT NULL DEFAULT '';

-- One reader's registration for one event or one webinar, with the
-- consent text they agreed to.  answers: a JSON array of
-- {"q": question, "a": answer}.
CREATE TABLE registrations (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER REFERENCES events(id) ON DELETE CASCADE,
	webinar_id	INTEGER REFERENCES webinars(id) ON DELETE CASCADE,
	email		TEXT NOT NULL,
	name		TEXT NOT NULL,
	company		TEXT NOT NULL DEFAULT '',
	job_title	TEXT NOT NULL DEFAULT '',
	answers		TEXT NOT NULL DEFAULT '[]',
	status		TEXT NOT NULL
			CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
	consent		TEXT NOT NULL,
	consent_ip	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	CHECK ((event_id IS NULL) <> (webinar_id IS NULL))
);
CREATE UNIQUE INDEX registrations_event ON registrations(event_id, email);
CREATE UNIQUE INDEX registrations_webinar ON registrations(webinar_id, email);
CREATE INDEX registrations_email ON registrations(email);
