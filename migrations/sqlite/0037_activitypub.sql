-- ActivityPub (docs/activitypub.md): the keys of the publication's and
-- the authors' actors, the remote actors that follow them, the remote
-- actors whose keys were fetched, the activities already handled, the
-- replies that became comments, and every delivery to a remote inbox.

-- actor: "site" or "author:<authors.id>".  The private key never
-- leaves the database (an export carries it only --with-secrets).
CREATE TABLE ap_keys (
	actor		TEXT PRIMARY KEY,
	public_pem	TEXT NOT NULL,
	private_pem	TEXT NOT NULL,
	created_at	INTEGER NOT NULL
);

-- Remote actors seen in signed requests: their key, inboxes and the
-- member account their replies are held under.
CREATE TABLE ap_actors (
	uri		TEXT PRIMARY KEY,
	key_uri		TEXT NOT NULL,
	public_pem	TEXT NOT NULL,
	inbox		TEXT NOT NULL,
	shared_inbox	TEXT NOT NULL DEFAULT '',
	handle		TEXT NOT NULL,
	user_id		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	fetched_at	INTEGER NOT NULL
);

CREATE TABLE ap_followers (
	id		INTEGER PRIMARY KEY,
	actor_uri	TEXT NOT NULL,
	inbox		TEXT NOT NULL,
	shared_inbox	TEXT NOT NULL DEFAULT '',
	followed	TEXT NOT NULL,		-- ap_keys.actor
	follow_uri	TEXT NOT NULL,
	handle		TEXT NOT NULL,
	accepted_at	INTEGER NOT NULL,
	UNIQUE (actor_uri, followed)
);
CREATE INDEX ap_followers_followed ON ap_followers(followed, id);

-- Ids of the activities handled, so that a repeat changes nothing.
CREATE TABLE ap_received (
	activity	TEXT PRIMARY KEY,
	received_at	INTEGER NOT NULL
);

-- A Note that replied to a story and is held as a comment.
CREATE TABLE ap_notes (
	note_uri		TEXT PRIMARY KEY,
	comment_id	INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	actor_uri	TEXT NOT NULL
);

CREATE TABLE ap_deliveries (
	id		INTEGER PRIMARY KEY,
	inbox		TEXT NOT NULL,
	sender		TEXT NOT NULL,		-- ap_keys.actor
	activity	TEXT NOT NULL,		-- Accept, Create, Update, Delete
	object		TEXT NOT NULL DEFAULT '',
	payload		TEXT NOT NULL,
	status		TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'ok', 'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	last_code	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT NOT NULL DEFAULT '',
	next_at		INTEGER,
	created_at	INTEGER NOT NULL,
	delivered_at	INTEGER
);
