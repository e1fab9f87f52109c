-- Staffing the newsroom from the browser: invitations an admin sends
-- (user_id: the pending account, which has no password until the link
-- is used) and the one-time link that creates the first admin account
-- (user_id NULL).  The link carries the token, the table only its hash.
CREATE TABLE staff_tokens (
	id		INTEGER PRIMARY KEY,
	purpose		TEXT NOT NULL CHECK (purpose IN ('invite', 'setup')),
	user_id		INTEGER REFERENCES users(id) ON DELETE CASCADE,
	invited_by	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	token_hash	TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
);
CREATE INDEX staff_tokens_user ON staff_tokens(user_id);
