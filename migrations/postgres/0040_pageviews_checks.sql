-- SQLite's migration of the same number writes pageviews' checks
-- without IN lists, which cost SQLite a temporary b-tree per row.
-- PostgreSQL checks an IN list against an array, at no such cost, so
-- its checks stay; the table only says what its country column holds.
COMMENT ON COLUMN pageviews.country IS
    'two letters from a GeoIP country database, or empty: never an address';
