-- Newsletter lists per site (docs/sites.md): a list belongs to one of
-- the sites; a sister site's sign-up form offers its own lists, and its
-- issues go out in its name with links on its address.  Every existing
-- list is the instance's own (site 1).
ALTER TABLE newsletters ADD COLUMN site_id BIGINT NOT NULL DEFAULT 1
    REFERENCES sites(id);
CREATE INDEX newsletters_site ON newsletters(site_id, position, id);
