-- A story's own title, description and image for search engines and
-- social sites (the page's <title>, its meta description, Open Graph
-- and Twitter).  Empty or NULL, the title, the dek and the hero image
-- serve.
ALTER TABLE articles ADD COLUMN seo_title TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN seo_description TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN seo_image_id BIGINT REFERENCES images(id);
