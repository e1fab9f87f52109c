-- Durable background work: a job runs at run_at or later, on exactly one
-- instance (claimed by setting locked_by and locked_until in one
-- statement), and is tried again with back-off when it fails.
CREATE TABLE jobs (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL,
	payload		TEXT NOT NULL DEFAULT '{}',
	run_at		INTEGER NOT NULL,
	attempts	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT,
	locked_by	TEXT,
	locked_until	INTEGER,
	done_at		INTEGER,
	failed_at	INTEGER,
	created_at	INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(run_at) WHERE done_at IS NULL AND failed_at IS NULL;

-- Single-use links sent by email (verifying an address, resetting a
-- password): the email carries the token, the table only its hash.
CREATE TABLE account_tokens (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	purpose		TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
	token_hash	TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
);
CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose);

-- Attempts counted per key ("signin:ip:ADDR", "reset:acct:EMAIL" ...) in
-- fixed windows, shared by every instance of the site.
CREATE TABLE rate_limits (
	key		TEXT PRIMARY KEY,
	window_start	INTEGER NOT NULL,
	hits		INTEGER NOT NULL
);
