-- Awards programmes (docs/awards.md): one programme a year with its
-- categories, the entries readers send while entry is open, the judges
-- an editor assigns to categories, and one score per judge per entry.
CREATE TABLE award_programmes (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	year		INTEGER NOT NULL UNIQUE,
	title		TEXT NOT NULL,
	intro		TEXT NOT NULL DEFAULT '',
	entry_opens	INTEGER NOT NULL,
	entry_closes	INTEGER NOT NULL,
	event_id	INTEGER REFERENCES events(id) ON DELETE SET NULL,
	status		TEXT NOT NULL DEFAULT 'draft'
			CHECK (status IN ('draft', 'published')),
	shortlist_at	INTEGER,
	winners_at	INTEGER,
	updated_at	INTEGER NOT NULL,
	CHECK (entry_closes > entry_opens)
);
CREATE TABLE award_categories (
	id		INTEGER PRIMARY KEY,
	programme_id	INTEGER NOT NULL REFERENCES award_programmes(id)
			ON DELETE CASCADE,
	name		TEXT NOT NULL,
	criteria	TEXT NOT NULL DEFAULT '',
	position	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX award_categories_programme
	ON award_categories(programme_id, position);
CREATE TABLE award_entries (
	id		INTEGER PRIMARY KEY,
	programme_id	INTEGER NOT NULL REFERENCES award_programmes(id)
			ON DELETE CASCADE,
	category_id	INTEGER NOT NULL REFERENCES award_categories(id)
			ON DELETE CASCADE,
	name		TEXT NOT NULL,
	email		TEXT NOT NULL,
	company		TEXT NOT NULL,
	job_title	TEXT NOT NULL DEFAULT '',
	title		TEXT NOT NULL,
	answers		TEXT NOT NULL DEFAULT '[]',
	attachment_name	TEXT NOT NULL DEFAULT '',
	attachment_type	TEXT NOT NULL DEFAULT '',
	attachment	TEXT NOT NULL DEFAULT '',
	status		TEXT NOT NULL DEFAULT 'submitted'
			CHECK (status IN ('submitted', 'shortlisted', 'winner',
			'withdrawn')),
	token_hash	TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
-- One entry of a title per address and category: a second submit of the
-- same form is the same entry.
CREATE UNIQUE INDEX award_entries_once
	ON award_entries(category_id, email, title);
CREATE INDEX award_entries_programme
	ON award_entries(programme_id, category_id, id);
CREATE TABLE award_judges (
	category_id	INTEGER NOT NULL REFERENCES award_categories(id)
			ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (category_id, user_id)
);
CREATE INDEX award_judges_user ON award_judges(user_id);
CREATE TABLE award_scores (
	entry_id	INTEGER NOT NULL REFERENCES award_entries(id)
			ON DELETE CASCADE,
	judge_id	INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	score		INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),
	note		TEXT NOT NULL DEFAULT '',
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (entry_id, judge_id)
);
