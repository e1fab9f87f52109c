-- A story's own title and description for search engines and social
-- sites (the page's <title>, its meta description, Open Graph and
-- Twitter): empty, the story's title and dek serve.
ALTER TABLE articles ADD COLUMN seo_title TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN seo_description TEXT NOT NULL DEFAULT '';
