-- Signed-in sessions: the cookie holds a random token, the table only its
-- hash.  A session ends when idle too long or at its absolute expiry.
CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,
	token_hash	TEXT NOT NULL UNIQUE,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	seen_at		INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
