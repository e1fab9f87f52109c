-- Newsletters: lists a reader subscribes to by email, each drawing its
-- issues from some sections (none: every section).
CREATE TABLE newsletters (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE CHECK (slug <> 'all'),
	name		TEXT NOT NULL,
	description	TEXT NOT NULL DEFAULT '',
	position	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL
);

CREATE TABLE newsletter_sections (
	newsletter_id	INTEGER NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
	section_id	INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
	PRIMARY KEY (newsletter_id, section_id)
);

-- One row per address (lowercased).  bounces counts hard failures in a
-- row; at newsletter_bounces every subscription ends.
CREATE TABLE subscribers (
	id		INTEGER PRIMARY KEY,
	email		TEXT NOT NULL UNIQUE,
	bounces		INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	confirmed_at	INTEGER
);

-- A sign-up for one newsletter, with the consent text the reader agreed to.
CREATE TABLE subscriptions (
	subscriber_id	INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
	newsletter_id	INTEGER NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
	status		TEXT NOT NULL
			CHECK (status IN ('pending', 'active', 'unsubscribed')),
	consent		TEXT NOT NULL,
	consent_ip	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (subscriber_id, newsletter_id)
);
CREATE INDEX subscriptions_newsletter ON subscriptions(newsletter_id, status, subscriber_id);

-- Confirmation links (double opt-in): single-use, expiring, hash only.
CREATE TABLE subscriber_tokens (
	id		INTEGER PRIMARY KEY,
	subscriber_id	INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
	token_hash	TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
);
CREATE INDEX subscriber_tokens_subscriber ON subscriber_tokens(subscriber_id);

-- An issue: a subject, an introduction and a list of stories (a JSON
-- array of article ids, in order).
CREATE TABLE newsletter_issues (
	id		INTEGER PRIMARY KEY,
	newsletter_id	INTEGER NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
	subject		TEXT NOT NULL,
	intro		TEXT NOT NULL DEFAULT '',
	articles	TEXT NOT NULL DEFAULT '[]',
	status		TEXT NOT NULL DEFAULT 'draft'
			CHECK (status IN ('draft', 'scheduled', 'sending', 'sent')),
	send_at		INTEGER,
	sent_at		INTEGER,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX newsletter_issues_newsletter ON newsletter_issues(newsletter_id, created_at);

-- Who got an issue: the key makes a second copy impossible.
CREATE TABLE newsletter_deliveries (
	issue_id	INTEGER NOT NULL REFERENCES newsletter_issues(id) ON DELETE CASCADE,
	subscriber_id	INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
	status		TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
	error		TEXT,
	at		INTEGER NOT NULL,
	PRIMARY KEY (issue_id, subscriber_id)
);

-- Secret keys of the site (the one signing newsletter links), made at
-- start-up when missing.
CREATE TABLE site_keys (
	name		TEXT PRIMARY KEY,
	value		TEXT NOT NULL
);
