-- API tokens for the admin API: a user's bearer tokens, stored as hashes.
CREATE TABLE api_tokens (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name		TEXT NOT NULL DEFAULT '',
	token_hash	TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	last_used_at	INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
