-- What `masthead import` brought in, and the old addresses it keeps.
--
-- import_ids maps an item of a source site (a WordPress or Ghost
-- export) to the row it became, so that importing the same file again
-- finds it and changes nothing.  source names the site ("wordpress:"
-- or "ghost:" and its address), kind the item's sort (post, page,
-- section, tag, author, comment, subscriber).
CREATE TABLE import_ids (
	source		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	source_id	TEXT NOT NULL,
	target_id	INTEGER NOT NULL,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (source, kind, source_id)
);

-- Old paths that answer 301 with new_path: an imported site's
-- permalinks, archives and feeds, and whatever the newsroom adds.
-- old_path is the decoded path as a request carries it, with "?p=123"
-- kept for the query-string permalinks of WordPress.
CREATE TABLE redirects (
	old_path	TEXT PRIMARY KEY,
	new_path	TEXT NOT NULL,
	created_at	INTEGER NOT NULL
);
