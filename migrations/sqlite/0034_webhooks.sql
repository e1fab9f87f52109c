-- Webhooks (docs/webhooks.md): URLs an admin registered to be told of
-- events (a story published, a comment posted ...), and every delivery
-- made to them, kept as the newsroom's delivery log.
CREATE TABLE webhooks (
	id		INTEGER PRIMARY KEY,
	url		TEXT NOT NULL,
	events		TEXT NOT NULL,		-- space-separated event names
	secret		TEXT NOT NULL,		-- the HMAC key, shown once
	active		INTEGER NOT NULL DEFAULT 1,
	created_at	INTEGER NOT NULL,
	created_by	INTEGER REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE webhook_deliveries (
	id		INTEGER PRIMARY KEY,
	webhook		INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
	event		TEXT NOT NULL,
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
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook, id DESC);
