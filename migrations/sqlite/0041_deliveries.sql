-- One delivery log (docs/webhooks.md, docs/activitypub.md): a webhook's
-- signed POST and an ActivityPub activity sent to an inbox are kinds of
-- one durable delivery, tried again on one schedule and shown from one
-- table.  The rows of the two tables it replaces move over: a webhook's
-- keep their ids and ActivityPub's follow them, and the queued
-- `activitypub` jobs are pointed at their rows' new ids.
CREATE TABLE deliveries (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('webhook', 'activitypub')),
	webhook		INTEGER REFERENCES webhooks(id) ON DELETE CASCADE,
	inbox		TEXT NOT NULL DEFAULT '',	-- activitypub: where to
	sender		TEXT NOT NULL DEFAULT '',	-- activitypub: ap_keys.actor
	event		TEXT NOT NULL,		-- the event, or the activity's type
	object		TEXT NOT NULL DEFAULT '',	-- activitypub: the object's id
	payload		TEXT NOT NULL,
	status		TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'ok', 'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	last_code	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT NOT NULL DEFAULT '',
	next_at		INTEGER,
	created_at	INTEGER NOT NULL,
	delivered_at	INTEGER,
	CHECK ((kind = 'webhook') = (webhook IS NOT NULL))
);
CREATE INDEX deliveries_kind ON deliveries(kind, id DESC);
CREATE INDEX deliveries_hook ON deliveries(webhook) WHERE webhook IS NOT NULL;

INSERT INTO deliveries (id, kind, webhook, event, payload, status, attempts,
    last_code, last_error, next_at, created_at, delivered_at)
SELECT id, 'webhook', webhook, event, payload, status, attempts, last_code,
    last_error, next_at, created_at, delivered_at FROM webhook_deliveries;

INSERT INTO deliveries (id, kind, inbox, sender, event, object, payload,
    status, attempts, last_code, last_error, next_at, created_at,
    delivered_at)
SELECT id + (SELECT COALESCE(MAX(id), 0) FROM webhook_deliveries),
    'activitypub', inbox, sender, activity, object, payload, status,
    attempts, last_code, last_error, next_at, created_at, delivered_at
FROM ap_deliveries;

UPDATE jobs SET payload = json_set(payload, '$.delivery',
    json_extract(payload, '$.delivery') +
    (SELECT COALESCE(MAX(id), 0) FROM webhook_deliveries))
WHERE kind = 'activitypub' AND done_at IS NULL AND failed_at IS NULL
    AND json_valid(payload);

DROP TABLE webhook_deliveries;
DROP TABLE ap_deliveries;
