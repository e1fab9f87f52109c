-- Gated resources (white papers, reports, guides): a reader leaves name,
-- email, company and job title to download one (docs/resources.md).
-- A resource is a PDF kept under media_dir as <sha256>.pdf, a name the
-- public /media/ route refuses, or a link to a page elsewhere.
-- published_at NULL is a draft.
CREATE TABLE resources (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	title		TEXT NOT NULL,
	summary		TEXT NOT NULL DEFAULT '',
	body_md		TEXT NOT NULL DEFAULT '',
	body_html	TEXT NOT NULL DEFAULT '',
	sponsor_id	INTEGER REFERENCES sponsors(id),
	cover_id	INTEGER REFERENCES images(id),
	file_hash	TEXT NOT NULL DEFAULT '',
	file_bytes	INTEGER NOT NULL DEFAULT 0,
	link_url	TEXT NOT NULL DEFAULT '',
	published_at	INTEGER,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX resources_published ON resources(published_at, id);

-- One row per download asked for, with the consent text the reader
-- agreed to and the client address it came from.
CREATE TABLE resource_leads (
	id		INTEGER PRIMARY KEY,
	resource_id	INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
	user_id		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	name		TEXT NOT NULL,
	email		TEXT NOT NULL,
	company		TEXT NOT NULL,
	job_title	TEXT NOT NULL,
	consent		TEXT NOT NULL,
	consent_ip	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL
);
CREATE INDEX resource_leads_resource ON resource_leads(resource_id, id);
CREATE INDEX resource_leads_email ON resource_leads(email);

-- A reader's profile, so a complete one downloads in one click.
ALTER TABLE users ADD COLUMN company TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN job_title TEXT NOT NULL DEFAULT '';
