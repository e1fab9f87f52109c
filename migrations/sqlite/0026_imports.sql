-- Imports an admin starts at /admin/import (docs/import.md): the file
-- uploaded into import_dir, the options, and what the run did.  status
-- goes queued -> running -> done or failed; busy is 1 while an import is
-- queued or running and NULL after, so the unique index lets one run at
-- a time (NULLs are distinct on both engines).  report is the JSON of
-- the run's counts, warnings and skipped items; error, a failed run's
-- sentence.
CREATE TABLE imports (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER REFERENCES users(id) ON DELETE SET NULL,
	filename	TEXT NOT NULL,
	path		TEXT NOT NULL,
	size		INTEGER NOT NULL,
	options		TEXT NOT NULL DEFAULT '{}',
	status		TEXT NOT NULL DEFAULT 'queued'
	    CHECK (status IN ('queued', 'running', 'done', 'failed')),
	busy		INTEGER CHECK (busy = 1),
	created_at	INTEGER NOT NULL,
	started_at	INTEGER,
	finished_at	INTEGER,
	report		TEXT,
	error		TEXT
);
CREATE UNIQUE INDEX imports_busy ON imports(busy);
CREATE INDEX imports_created ON imports(created_at);
