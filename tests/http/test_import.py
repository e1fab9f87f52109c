"""masthead import: WordPress WXR and Ghost JSON exports written here,
imported with the command, then read back over HTTP: stories, pages,
sections with their hierarchy, tags, authors, threaded comments, media,
the 301s of the old addresses, re-runs that change nothing, --dry-run,
and hostile files that end with a clear message and change nothing."""
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

from harness import BIN, Client, Server, ok, eq, contains, run_tests, new_db, sql, on_pg

OLD = "https://old.example.com"
NONASCII = "%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82"   # "привет"


def png(w=8, h=6):
    """A small real PNG, for the media that libvips decodes."""
    raw = b"".join(b"\x00" + b"\xc0\x40\x20" * w for _ in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comment(cid, parent, approved, author, email, text, when="2021-05-13 09:00:00"):
    return """
		<wp:comment>
			<wp:comment_id>%d</wp:comment_id>
			<wp:comment_author>%s</wp:comment_author>
			<wp:comment_author_email>%s</wp:comment_author_email>
			<wp:comment_date_gmt>%s</wp:comment_date_gmt>
			<wp:comment_content>%s</wp:comment_content>
			<wp:comment_approved>%s</wp:comment_approved>
			<wp:comment_type>comment</wp:comment_type>
			<wp:comment_parent>%d</wp:comment_parent>
			<wp:commentmeta><wp:meta_key>akismet_result</wp:meta_key>
			<wp:meta_value>false</wp:meta_value></wp:commentmeta>
		</wp:comment>""" % (cid, cdata(author), email, when, cdata(text),
                           approved, parent)


def item(pid, title, slug, link, status="publish", ptype="post",
         content="", excerpt="", cats=(), creator="alice",
         date="2021-05-12 10:00:00", extra="", sticky=0):
    c = "".join('\n\t\t<category domain="%s" nicename="%s">%s</category>'
                % (d, n, cdata(name)) for d, n, name in cats)
    return """
	<item>
		<title>%s</title>
		<link>%s</link>
		<pubDate>Wed, 12 May 2021 10:00:00 +0000</pubDate>
		<dc:creator>%s</dc:creator>
		<guid isPermaLink="false">%s/?p=%d</guid>
		<description></description>
		<content:encoded>%s</content:encoded>
		<excerpt:encoded>%s</excerpt:encoded>
		<wp:post_id>%d</wp:post_id>
		<wp:post_date>%s</wp:post_date>
		<wp:post_date_gmt>%s</wp:post_date_gmt>
		<wp:comment_status>open</wp:comment_status>
		<wp:post_name>%s</wp:post_name>
		<wp:status>%s</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>%s</wp:post_type>
		<wp:is_sticky>%d</wp:is_sticky>%s%s
	</item>""" % (cdata(title), link, cdata(creator), OLD, pid, cdata(content),
                  cdata(excerpt), pid, date, date, slug, status, ptype, sticky,
                  c, extra)


BODY = """<!-- wp:paragraph -->
<p>The <strong>first</strong> paragraph.</p>
<!-- /wp:paragraph -->

    Indented text is not code.

[caption id="attachment_301" align="alignnone" width="300"]<img src="%s/wp-content/uploads/2021/05/photo.png" alt="A photo" width="300" height="200" /> The photo's caption[/caption]

<p onclick="steal()">Clicked <a href="javascript:alert(1)">here</a>.</p>
<script>alert("x")</script>

https://www.youtube.com/watch?v=abc123

<img src="%s/wp-content/uploads/2021/05/missing.png" alt="gone" />
[gallery ids="1,2"]""" % (OLD, OLD)


def wxr(items="", version="1.2", head=""):
    return """<?xml version="1.0" encoding="UTF-8" ?>%s
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/%s/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/%s/">
<channel>
	<title>Old Site</title>
	<link>%s</link>
	<description>Telecom news</description>
	<language>en-US</language>
	<wp:wxr_version>%s</wp:wxr_version>
	<wp:base_site_url>%s</wp:base_site_url>
	<wp:base_blog_url>%s</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login>alice</wp:author_login><wp:author_email>alice@old.example.com</wp:author_email><wp:author_display_name>%s</wp:author_display_name></wp:author>
	<wp:author><wp:author_id>2</wp:author_id><wp:author_login>bob</wp:author_login><wp:author_email>bob@old.example.com</wp:author_email><wp:author_display_name>%s</wp:author_display_name></wp:author>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>networks</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>%s</wp:cat_name></wp:category>
	<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>fiber</wp:category_nicename><wp:category_parent>networks</wp:category_parent><wp:cat_name>%s</wp:cat_name></wp:category>
	<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>5g</wp:tag_slug><wp:tag_name>%s</wp:tag_name></wp:tag>
%s
</channel>
</rss>
""" % (head, version, version, OLD, version, OLD, OLD, cdata("Alice Writer"),
       cdata("Bob Editor"), cdata("Networks"), cdata("Fiber"),
       cdata("5G Networks"), items)


def site_wxr():
    comments = (comment(11, 0, "1", "Carol", "carol@example.net", "First!") +
                comment(12, 11, "1", "Dan", "dan@example.net", "A reply to Carol") +
                comment(13, 0, "spam", "Spammer", "spam@example.net", "Buy now") +
                comment(14, 0, "0", "Eve", "", "Waiting for a moderator") +
                comment(15, 0, "trash", "Gone", "g@example.net", "deleted"))
    items = [
        item(101, "Hello fiber world", "hello-fiber-world",
             OLD + "/2021/05/12/hello-fiber-world/", content=BODY,
             excerpt="The dek of the first story",
             cats=(("category", "fiber", "Fiber"),
                   ("post_tag", "5g", "5G Networks")),
             extra="""
		<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>301</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_yoast_wpseo_title</wp:meta_key><wp:meta_value>%%title%% %%page%% %%sep%% %%sitename%%</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_yoast_wpseo_metadesc</wp:meta_key><wp:meta_value>Yoast: %%excerpt%%, for search</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_yoast_wpseo_opengraph-image</wp:meta_key><wp:meta_value>""" + OLD + """/wp-content/uploads/2021/05/photo.png</wp:meta_value></wp:postmeta>""" + comments),
        item(102, "A story for later", "a-story-for-later",
             OLD + "/?p=102", status="future", date="2031-01-01 08:00:00",
             cats=(("category", "networks", "Networks"),)),
        item(103, "Still a draft", "", OLD + "/?p=103", status="draft",
             date="0000-00-00 00:00:00",
             cats=(("category", "networks", "Networks"),)),
        item(104, "Привет мир", NONASCII, OLD + "/2021/06/01/" + NONASCII + "/",
             content="<p>Текст</p>", creator="bob",
             cats=(("category", "networks", "Networks"),
                   ("category", "fiber", "Fiber"),
                   ("post_format", "post-format-video", "Video")),
             extra="""
		<wp:postmeta><wp:meta_key>_yoast_wpseo_title</wp:meta_key><wp:meta_value>%%primary_category%% %%sep%% %%title%%</wp:meta_value></wp:postmeta>"""),
        item(105, "Members only", "members-only", OLD + "/2021/05/20/members-only/",
             cats=(("category", "networks", "Networks"),),
             extra="\n\t\t<wp:post_password>secret</wp:post_password>"),
        # Two sticky posts: pinned, the newest first.  The older shows a
        # gallery of two attachments, one listed after it in the file.
        item(106, "Sticky older", "sticky-older", OLD + "/?p=106",
             date="2021-05-14 10:00:00", sticky=1,
             content='<p>Pictures:</p>\n[gallery ids="301, 302" columns="2"]',
             cats=(("category", "networks", "Networks"),)),
        item(107, "Sticky newer", "sticky-newer", OLD + "/?p=107",
             date="2021-05-15 10:00:00", sticky=1,
             cats=(("category", "networks", "Networks"),)),
        item(201, "About us", "about-us", OLD + "/about-us/", ptype="page",
             content="<p>Who we are.</p>"),
        item(301, "photo", "photo", OLD + "/photo/", status="inherit",
             ptype="attachment", extra="""
		<wp:attachment_url>%s/wp-content/uploads/2021/05/photo.png</wp:attachment_url>""" % OLD),
        item(302, "photo2", "photo2", OLD + "/photo2/", status="inherit",
             ptype="attachment", extra="""
		<wp:attachment_url>%s/wp-content/uploads/2021/05/photo2.png</wp:attachment_url>""" % OLD),
        item(401, "Home", "home", OLD + "/home/", ptype="nav_menu_item"),
    ]
    return wxr("".join(items))


def ghost_export():
    posts = [
        {"id": "6100000000000000000000a1", "uuid": "u1", "title": "Ghost story",
         "slug": "ghost-story", "type": "post", "status": "published",
         "html": "<p>Ghost <em>body</em></p><figure class=\"kg-card\"><img src=\"/content/images/2022/01/g.png\"><figcaption>Cap</figcaption></figure>",
         "mobiledoc": "{}", "custom_excerpt": "Ghost dek",
         "meta_title": "Not this one (posts_meta wins)",
         "feature_image": "__GHOST__/content/images/2022/01/g.png",
         "published_at": "2022-01-02T03:04:05.000Z"},
        {"id": "6100000000000000000000a2", "uuid": "u2", "title": "Ghost later",
         "slug": "ghost-later", "type": "post", "status": "scheduled",
         "meta_title": "Later, for search", "meta_description": "Ghost 3 kept these in posts",
         "html": "<p>Later</p>", "published_at": "2031-02-03T00:00:00.000Z"},
        {"id": "6100000000000000000000a3", "uuid": "u3", "title": "Ghost draft",
         "slug": "ghost-draft", "type": "post", "status": "draft",
         "html": None, "plaintext": "Plain draft text\n\nSecond <b>para</b>",
         "published_at": None},
        {"id": "6100000000000000000000a4", "uuid": "u4", "title": "Ghost page",
         "slug": "ghost-page", "type": "page", "status": "published",
         "html": "<p>A page</p>", "published_at": "2022-01-01T00:00:00.000Z"},
    ]
    tags = [
        {"id": "t1", "name": "Cloud", "slug": "cloud", "visibility": "public"},
        {"id": "t2", "name": "Edge Computing", "slug": "edge", "visibility": "public"},
        {"id": "t3", "name": "#hidden", "slug": "hash-hidden", "visibility": "internal"},
    ]
    posts_tags = [
        {"id": "pt1", "post_id": "6100000000000000000000a1", "tag_id": "t3", "sort_order": 0},
        {"id": "pt2", "post_id": "6100000000000000000000a1", "tag_id": "t1", "sort_order": 1},
        {"id": "pt3", "post_id": "6100000000000000000000a1", "tag_id": "t2", "sort_order": 2},
        {"id": "pt4", "post_id": "6100000000000000000000a2", "tag_id": "t2", "sort_order": 0},
    ]
    users = [
        {"id": "1", "name": "Gina Ghost", "slug": "gina", "email": "gina@ghost.example"},
        {"id": "2", "name": "Hal Host", "slug": "hal", "email": "hal@ghost.example"},
    ]
    posts_authors = [
        {"id": "pa1", "post_id": "6100000000000000000000a1", "author_id": "2", "sort_order": 1},
        {"id": "pa2", "post_id": "6100000000000000000000a1", "author_id": "1", "sort_order": 0},
        {"id": "pa3", "post_id": "6100000000000000000000a2", "author_id": "2", "sort_order": 0},
    ]
    members = [
        {"id": "m1", "email": "reader@ghost.example", "name": "Rita Reader",
         "subscribed": True, "created_at": "2022-01-05T00:00:00.000Z"},
        {"id": "m2", "email": "quiet@ghost.example", "name": "Quiet",
         "subscribed": False, "created_at": "2022-01-05T00:00:00.000Z"},
    ]
    return {"db": [{"meta": {"exported_on": 1640000000000, "version": "5.2.0"},
                    "data": {"posts": posts, "tags": tags,
                             "posts_tags": posts_tags, "users": users,
                             "posts_authors": posts_authors,
                             "posts_meta": [{"id": "pm1",
                                             "post_id": "6100000000000000000000a1",
                                             "feature_image_caption": "Feature caption",
                                             "meta_title": "Ghost SEO title",
                                             "meta_description": "Ghost SEO description",
                                             "og_image": "__GHOST__/content/images/2022/01/g.png"}],
                             "members": members}}]}


def run(db, *args):
    return subprocess.run([BIN, "import", "--db", db] + list(args),
                          capture_output=True, text=True)


def counts(db):
    return [sql(db, "SELECT count(*) FROM " + t)[0][0] for t in
            ("articles", "comments", "sections", "tags", "authors", "users",
             "redirects", "pages", "import_ids", "images")]


_site = {}


def wp_site():
    """One fresh site with the WXR fixture imported, shared by the tests."""
    if not _site:
        d = tempfile.mkdtemp(prefix="masthead-import-")
        media = os.path.join(d, "uploads")
        os.makedirs(os.path.join(media, "2021", "05"))
        with open(os.path.join(media, "2021", "05", "photo.png"), "wb") as f:
            f.write(png())
        with open(os.path.join(media, "2021", "05", "photo2.png"), "wb") as f:
            f.write(png(10, 4))
        path = os.path.join(d, "site.xml")
        with open(path, "w") as f:
            f.write(site_wxr())
        db = new_db(d)
        r = run(db, "--media-from", media, "--media_dir",
                os.path.join(d, "media"), path)
        _site.update(dir=d, db=db, path=path, media=media, run=r)
    return _site


def test_wxr_import():
    s = wp_site()
    r = s["run"]
    eq(r.returncode, 0, "the WXR file imports (exit 0)")
    if r.returncode != 0:
        print("# " + r.stderr.replace("\n", "\n# "))
    contains(r.stdout, "post", "the summary counts posts")
    contains(r.stderr, "missing.png", "a missing media file is named")
    contains(r.stdout, "media missing", "and counted")
    contains(r.stderr, "nav_menu_item", "an unknown post type is named as left out")
    db = s["db"]
    rows = dict(sql(db, "SELECT slug, status FROM articles"))
    eq(rows.get("hello-fiber-world"), "published", "a published post is published")
    eq(rows.get("a-story-for-later"), "published", "a future post is scheduled")
    eq(rows.get("still-a-draft"), "draft", "a draft stays a draft")
    eq(rows.get("members-only"), "draft", "a post behind a password comes in as a draft")
    eq(rows.get("post-104"), "published",
       "a slug and title of non-ASCII letters fall back to the source id")
    later = sql(db, "SELECT published_at FROM articles WHERE slug = 'a-story-for-later'")
    eq(later[0][0], 1925020800, "the scheduled time is kept (UTC)")
    eq(sql(db, "SELECT count(*) FROM jobs WHERE kind = 'publish'")[0][0], 1,
       "a scheduled post queues its going-live job")
    par = sql(db, "SELECT p.slug FROM sections s JOIN sections p ON p.id = s.parent_id"
              " WHERE s.slug = 'fiber'")
    eq(par, [("networks",)], "categories keep their hierarchy as sections")
    sec = sql(db, "SELECT s.slug, a.dek, a.type FROM articles a JOIN sections s"
              " ON s.id = a.section_id WHERE a.slug = 'hello-fiber-world'")
    eq(sec, [("fiber", "The dek of the first story", "news")],
       "a post's category is its section, its excerpt the dek")
    eq(sql(db, "SELECT type FROM articles WHERE slug = 'post-104'"), [("video",)],
       "a video post format becomes the video type")
    tags = sql(db, "SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id"
               " JOIN articles a ON a.id = x.article_id WHERE a.slug = 'post-104'")
    eq(tags, [("Fiber",)], "a second category becomes a tag")
    au = sql(db, "SELECT au.slug, au.name FROM article_authors x JOIN authors au"
             " ON au.id = x.author_id JOIN articles a ON a.id = x.article_id"
             " WHERE a.slug = 'post-104'")
    eq(au, [("bob", "Bob Editor")], "the author keeps the display name")
    eq(sql(db, "SELECT count(*) FROM users WHERE email LIKE '%old.example.com'")[0][0],
       0, "no account is made for an author unless asked")
    st = dict(sql(db, "SELECT body_md, status FROM comments"))
    eq(st.get("First!"), "approved", "an approved comment is approved")
    eq(st.get("Buy now"), "rejected", "spam is rejected")
    eq(st.get("Waiting for a moderator"), "pending", "a held comment waits")
    ok("deleted" not in st, "a trashed comment is left out")
    thread = sql(db, "SELECT c.body_md FROM comments c JOIN comments p"
                 " ON p.id = c.parent_id")
    eq(thread, [("A reply to Carol",)], "comment threading is kept")
    eq(sql(db, "SELECT count(*) FROM articles WHERE slug = 'hello-fiber-world'"
           " AND hero_image_id IS NOT NULL")[0][0], 1,
       "the featured image becomes the hero image")
    eq(sql(db, "SELECT raw_html FROM articles WHERE slug = 'hello-fiber-world'"),
       [(1,)], "the imported HTML is kept with raw HTML on")
    eq(sql(db, "SELECT seo_title, seo_description FROM articles"
           " WHERE slug = 'hello-fiber-world'"),
       [("Hello fiber world - Old Site", "Yoast: The dek of the first story, for search")],
       "Yoast's title and description are its SEO overrides, variables replaced")
    eq(sql(db, "SELECT count(*) FROM articles WHERE slug = 'hello-fiber-world'"
           " AND seo_image_id IS NOT NULL AND seo_image_id = hero_image_id")[0][0], 1,
       "Yoast's Open Graph image is the social image, from --media-from")
    eq(sql(db, "SELECT seo_title, seo_description FROM articles WHERE slug = 'post-104'"),
       [("", "")], "a Yoast title with an unknown variable is left out")


def test_wxr_sticky_gallery():
    db = wp_site()["db"]
    pins = sql(db, "SELECT p.slot, a.slug FROM front_pins p JOIN articles a"
               " ON a.id = p.article_id ORDER BY p.slot")
    eq(pins, [(0, "sticky-newer"), (1, "sticky-older")],
       "sticky posts are pinned to the front page, the newest first")
    contains(wp_site()["run"].stdout, "pin", "the summary counts the pins")
    # Counted in SQL: a body has several lines, which psql's output splits.
    q = ("SELECT CASE WHEN %s LIKE '%%[gallery%%' THEN 1 ELSE 0 END,"
         " CASE WHEN %s LIKE '%%<figure class=\"gallery\">%%' THEN 1 ELSE 0 END,"
         " (length(%s) - length(replace(%s, '<img src=\"/media/', ''))) / 17"
         " FROM articles WHERE slug = 'sticky-older'")
    md = sql(db, q % (("body_md",) * 4))[0]
    eq(md[0], 0, "a gallery of imported attachments is no longer a shortcode")
    eq(md[1], 1, "it is a figure")
    eq(md[2], 2, "of both images, the one listed after the post too")
    eq(sql(db, q % (("body_html",) * 4))[0][2], 2, "the page shows both")
    # The newsroom's pins stay: a site with a pin of its own.
    d = tempfile.mkdtemp(prefix="masthead-import-")
    one, two = os.path.join(d, "one.xml"), os.path.join(d, "two.xml")
    with open(one, "w") as f:
        f.write(wxr(item(501, "Own pin", "own-pin", OLD + "/?p=501",
                         cats=(("category", "networks", "Networks"),)) +
                    item(502, "Own pick", "own-pick", OLD + "/?p=502",
                         cats=(("category", "networks", "Networks"),))))
    with open(two, "w") as f:
        f.write(wxr("".join(item(510 + i, "Sticky %d" % i, "sticky-%d" % i,
                                 OLD + "/?p=%d" % (510 + i), sticky=1,
                                 date="2021-06-%02d 10:00:00" % (i + 1),
                                 cats=(("category", "networks", "Networks"),))
                            for i in range(6))))
    db2 = new_db(d)
    eq(run(db2, one).returncode, 0, "a site is imported")
    sql(db2, "INSERT INTO front_pins (slot, article_id) SELECT 0, id"
        " FROM articles WHERE slug = 'own-pin'")
    # An editor's pick (slots after the top stories) is no place for a
    # sticky post, and stays.
    sql(db2, "INSERT INTO front_pins (slot, article_id) SELECT 5, id"
        " FROM articles WHERE slug = 'own-pick'")
    r = run(db2, two)
    eq(r.returncode, 0, "six sticky posts import")
    contains(r.stderr, "2 sticky post(s) left unpinned",
             "those beyond the pins are named")
    eq(sql(db2, "SELECT p.slot, a.slug FROM front_pins p JOIN articles a"
           " ON a.id = p.article_id ORDER BY p.slot"),
       [(0, "own-pin"), (1, "sticky-5"), (2, "sticky-4"), (3, "sticky-3"),
        (4, "sticky-2"), (5, "own-pick")],
       "the newsroom's pins stay (an editor's pick too); the newest sticky"
       " posts take the free slots of the lead and top stories")


def test_wxr_pages():
    s = wp_site()
    srv = Server(db=s["db"], args=["--media_dir", os.path.join(s["dir"], "media")])
    try:
        st, h, body = srv.html("/article/hello-fiber-world")
        eq(st, 200, "the imported story is served")
        contains(body, "Hello fiber world", "with its title")
        contains(body, "<figure>", "[caption] became a figure")
        contains(body, "<figcaption>", "with its figcaption")
        contains(body, "s caption</figcaption>", "holding the caption")
        art = body[body.find("<article"):]
        ok("<script>alert" not in art, "the script is gone")
        ok("onclick" not in art, "the event handler is gone")
        ok("javascript:" not in art, "the javascript: link is gone")
        ok("wp:paragraph" not in art, "block comments are gone")
        ok("[gallery" in art, "an unknown shortcode stays as text")
        contains(art, 'href="https://www.youtube.com/watch?v=abc123"',
                 "an embed URL alone on its line is a link")
        ok("<pre><code>Indented" not in art, "indented text is not code")
        contains(art, "/media/", "an uploaded image's link is rewritten to /media/")
        contains(art, OLD + "/wp-content/uploads/2021/05/missing.png",
                 "a missing image keeps its link")
        contains(art, "Alice Writer", "the byline is the author's name")
        head = body[:body.find("</head>")]
        contains(head, "<title>Hello fiber world - Old Site</title>",
                 "the Yoast title is the page's whole <title>")
        contains(head, '<meta name="description" content="Yoast: The dek of the first story, for search">',
                 "the Yoast description is the meta description")
        contains(head, '<meta property="og:title" content="Hello fiber world - Old Site">',
                 "and the Open Graph title")
        contains(head, '<meta property="og:description" content="Yoast: The dek',
                 "and the Open Graph description")
        contains(head, '<meta name="twitter:description" content="Yoast: The dek',
                 "and Twitter's")
        contains(head, '"headline":"Hello fiber world"',
                 "JSON-LD's headline stays the story's title")
        st, h, body = srv.html("/article/post-104")
        head = body[:body.find("</head>")]
        contains(head, "<title>Привет мир | ", "without an override the title is the story's")
        st, h, body = srv.html("/about-us")
        eq(st, 200, "a page becomes a static page")
        contains(body, "Who we are.", "with its text")
        for old, new in (
                ("/2021/05/12/hello-fiber-world/", "/article/hello-fiber-world"),
                ("/2021/05/12/hello-fiber-world", "/article/hello-fiber-world"),
                ("/?p=101", "/article/hello-fiber-world"),
                ("/2021/06/01/" + NONASCII + "/", "/article/post-104"),
                ("/about-us/", "/about-us"),
                ("/?page_id=201", "/about-us"),
                ("/category/networks/fiber/", "/section/fiber"),
                ("/category/networks/", "/section/networks"),
                ("/?cat=4", "/section/fiber"),
                ("/category/networks/fiber/feed/", "/section/fiber/feed.xml"),
                ("/tag/5g/", "/tag/5g-networks"),
                ("/tag/5g/feed/", "/tag/5g-networks/feed.xml"),
                ("/author/alice/", "/author/alice"),
                ("/author/alice/feed/", "/author/alice/feed.xml"),
                ("/feed/", "/feed.xml"),
                ("/2021/05/12/hello-fiber-world/feed/",
                 "/article/hello-fiber-world/comments.atom")):
            st, h, _ = srv.get(old)
            eq((st, h.get("location")), (301, new), "%s answers 301 to %s" % (old, new))
        st, h, _ = srv.get("/?p=999")
        eq(st, 200, "an unknown ?p= is the home page as before")
        st, _, _ = srv.get("/no/such/old/path/")
        eq(st, 404, "an unknown path is still a 404")
        st, _, _ = srv.get("/article/a-story-for-later")
        eq(st, 404, "a scheduled story is not out yet")
        st, _, _ = srv.get("/article/still-a-draft")
        eq(st, 404, "a draft is not served")
        st, _, body = srv.html("/tag/5g-networks")
        eq(st, 200, "the tag page lists the imported story")
        contains(body, "Hello fiber world", "under its tag")
        st, _, body = srv.html("/section/networks")
        contains(body, "Hello fiber world", "a sub-section's story is listed in its parent")
        st, _, body = srv.html("/article/hello-fiber-world")
        contains(body, "First!", "the approved comment shows")
        ok("Buy now" not in body, "spam does not show")
    finally:
        srv.stop()


def test_wxr_rerun():
    s = wp_site()
    before = counts(s["db"])
    r = run(s["db"], "--media-from", s["media"], "--media_dir",
            os.path.join(s["dir"], "media"), s["path"])
    eq(r.returncode, 0, "a second run succeeds")
    eq(counts(s["db"]), before, "a second run changes no row count")
    contains(r.stdout, "already there", "and says the items were there")
    eq(sql(s["db"], "SELECT count(*) FROM articles WHERE slug LIKE 'hello-fiber-world-%'")[0][0],
       0, "no second copy of a story")


def test_wxr_1_0():
    """WXR 1.0: no channel-level authors or categories; items name them."""
    d = tempfile.mkdtemp(prefix="masthead-import-")
    doc = wxr(item(1, "Old format", "old-format", "http://older.example.org/?p=1",
                   creator="zoe", cats=(("category", "misc", "Misc Things"),
                                        ("tag", "legacy", "Legacy"))) +
              item(2, "Second", "second", "http://older.example.org/second/",
                   creator="zoe", cats=(("category", NONASCII, "Привет"),)),
              version="1.0")
    doc = doc.replace(OLD, "http://older.example.org")
    for tag in ("wp:author", "wp:category", "wp:tag"):
        while "<%s>" % tag in doc:
            a = doc.index("<%s>" % tag)
            b = doc.index("</%s>" % tag, a) + len(tag) + 3
            doc = doc[:a] + doc[b:]
    path = os.path.join(d, "old.xml")
    with open(path, "w") as f:
        f.write(doc)
    db = new_db(d)
    r = run(db, path)
    eq(r.returncode, 0, "a WXR 1.0 file imports")
    got = sql(db, "SELECT a.slug, s.slug, au.slug FROM articles a JOIN sections s"
              " ON s.id = a.section_id JOIN article_authors x ON x.article_id = a.id"
              " JOIN authors au ON au.id = x.author_id")
    eq(got[:1], [("old-format", "misc", "zoe")],
       "its section and author are made from the item's names")
    sec = sql(db, "SELECT s.slug, s.name FROM articles a JOIN sections s"
              " ON s.id = a.section_id WHERE a.slug = 'second'")
    eq(sec, [("section-d0-bf-d1-80-d0-b8-d0-b2-d0-b5-d1-82", "Привет")],
       "a category named in another script gets a slug from its source id")
    eq(sql(db, "SELECT new_path FROM redirects WHERE old_path = ?",
           ("/category/привет/",)),
       [("/section/section-d0-bf-d1-80-d0-b8-d0-b2-d0-b5-d1-82",)],
       "and its old address, decoded as requests carry it, redirects there")


def test_accounts():
    d = tempfile.mkdtemp(prefix="masthead-import-")
    path = os.path.join(d, "a.xml")
    with open(path, "w") as f:
        f.write(wxr(item(1, "One", "one", OLD + "/one/",
                         cats=(("category", "networks", "Networks"),))))
    db = new_db(d)
    r = run(db, path)
    eq(sql(db, "SELECT count(*) FROM users")[0][0], 0, "no account without --accounts")
    r = run(db, "--accounts", path)
    eq(r.returncode, 0, "--accounts on a later run makes them")
    got = sql(db, "SELECT u.email, u.role, a.slug FROM users u JOIN authors a"
              " ON a.id = u.author_id ORDER BY u.email")
    eq(got, [("alice@old.example.com", "author", "alice"),
             ("bob@old.example.com", "author", "bob")],
       "each author with an address gets an author account linked to the profile")
    eq(sql(db, "SELECT count(*) FROM users WHERE password_hash <> ''")[0][0], 0,
       "without a password (it is set by a reset)")
    r = run(db, "--accounts", path)
    eq(sql(db, "SELECT count(*) FROM users")[0][0], 2, "a second run makes no second account")


def test_dry_run():
    d = tempfile.mkdtemp(prefix="masthead-import-")
    path = os.path.join(d, "site.xml")
    with open(path, "w") as f:
        f.write(site_wxr())
    db = new_db(d)
    r = run(db, "--dry-run", path)
    eq(r.returncode, 0, "--dry-run exits 0")
    contains(r.stdout, "dry run", "and says it wrote nothing")
    contains(r.stdout, "post", "and reports what would happen")
    eq(sql(db, "SELECT count(*) FROM articles")[0][0], 0, "--dry-run writes no story")
    eq(sql(db, "SELECT count(*) FROM redirects")[0][0], 0, "nor a redirect")


def hostile_cases():
    ok_item = item(501, "Fine", "fine", OLD + "/fine/",
                   cats=(("category", "networks", "Networks"),))
    laughs = ('\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
              ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
              ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>')
    full = wxr(ok_item + item(502, "&lol3;", "laugh", OLD + "/laugh/"),
               head=laughs)
    truncated = wxr(ok_item)[:-200]
    bad_utf8 = wxr(ok_item + item(503, "Bad", "bad", OLD + "/bad/",
                                  content="caf\udcff")).encode("utf-8", "surrogateescape")
    big = wxr(ok_item + item(504, "Big", "big", OLD + "/big/",
                             content="x" * (40 * 1024 * 1024)))
    return [
        ("billion laughs", full.encode(), "entity"),
        ("truncated XML", truncated.encode(), "cut short"),
        ("invalid UTF-8", bad_utf8, 'in the item "Bad"'),
        ("a 40 MB field", big.encode(), "32 MB"),
        ("a 40 MB field, naming its item", big.encode(), 'in the item "Big"'),
        ("an item without its id", wxr(ok_item + item(505, "No id", "no-id", OLD + "/no-id/")
                                       .replace("<wp:post_id>505</wp:post_id>", "")).encode(),
         "without a wp:post_id"),
        ("a Ghost post without its id",
         json.dumps({"db": [{"data": {"posts": [{"title": "x", "id": ""}]}}]}).encode(),
         "not a post with an id"),
        ("not an export", b"<html><body>hi</body></html>", "not a WordPress export"),
        ("a JSON file that is no export", b'{"hello": 1}', "not a Ghost export"),
        ("broken JSON", b'{"db": [', "json"),
    ]


def test_hostile():
    s = wp_site()
    before = counts(s["db"])
    for name, data, word in hostile_cases():
        path = os.path.join(s["dir"], "hostile")
        with open(path, "wb") as f:
            f.write(data)
        r = run(s["db"], path)
        ok(r.returncode == 1, "%s: exits 1" % name, r.stderr)
        ok(word.lower() in r.stderr.lower(), "%s: the message says why (%s)" % (name, word),
           r.stderr)
        ok("nothing of" in r.stderr, "%s: and that nothing was written" % name)
        eq(counts(s["db"]), before, "%s: the database is as it was" % name)
    # The story before the bad item was not kept either.
    eq(sql(s["db"], "SELECT count(*) FROM articles WHERE slug = 'fine'")[0][0], 0,
       "items read before the failure are rolled back")


def test_cli_errors():
    d = tempfile.mkdtemp(prefix="masthead-import-")
    r = subprocess.run([BIN, "import", "--db", os.path.join(d, "x.db")],
                       capture_output=True, text=True)
    eq(r.returncode, 2, "import without a file exits 2")
    r = run(os.path.join(d, "x.db"), os.path.join(d, "none.xml"))
    eq(r.returncode, 1, "a missing file exits 1")
    contains(r.stderr, "none.xml", "and names it")


def test_ghost():
    d = tempfile.mkdtemp(prefix="masthead-import-")
    media = os.path.join(d, "images")
    os.makedirs(os.path.join(media, "2022", "01"))
    with open(os.path.join(media, "2022", "01", "g.png"), "wb") as f:
        f.write(png(10, 10))
    path = os.path.join(d, "ghost.json")
    with open(path, "w") as f:
        json.dump(ghost_export(), f)
    db = new_db(d)
    mdir = os.path.join(d, "media")
    r = run(db, "--media-from", media, "--media_dir", mdir, path)
    eq(r.returncode, 0, "the Ghost export imports")
    if r.returncode != 0:
        print("# " + r.stderr.replace("\n", "\n# "))
    rows = dict(sql(db, "SELECT slug, status FROM articles"))
    eq(rows, {"ghost-story": "published", "ghost-later": "published",
              "ghost-draft": "draft"}, "published, scheduled and draft posts")
    eq(sql(db, "SELECT s.slug FROM articles a JOIN sections s ON s.id = a.section_id"
           " WHERE a.slug = 'ghost-story'"), [("cloud",)],
       "the primary public tag is the section (an internal tag is not)")
    tags = sql(db, "SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id"
               " JOIN articles a ON a.id = x.article_id WHERE a.slug = 'ghost-story'")
    eq(tags, [("Edge Computing",)], "other public tags are tags; #internal ones are left out")
    au = sql(db, "SELECT au.slug FROM article_authors x JOIN authors au ON au.id = x.author_id"
             " JOIN articles a ON a.id = x.article_id WHERE a.slug = 'ghost-story'"
             " ORDER BY x.position")
    eq(au, [("gina",), ("hal",)], "several authors, in Ghost's order")
    eq(sql(db, "SELECT dek, hero_caption FROM articles WHERE slug = 'ghost-story'"),
       [("Ghost dek", "Feature caption")], "excerpt and feature image caption")
    eq(sql(db, "SELECT count(*) FROM articles WHERE slug = 'ghost-story'"
           " AND hero_image_id IS NOT NULL")[0][0], 1, "the feature image is the hero")
    eq(sql(db, "SELECT slug, seo_title, seo_description FROM articles"
           " WHERE seo_title <> '' ORDER BY slug"),
       [("ghost-later", "Later, for search", "Ghost 3 kept these in posts"),
        ("ghost-story", "Ghost SEO title", "Ghost SEO description")],
       "Ghost's meta_title and meta_description are the SEO overrides")
    eq(sql(db, "SELECT count(*) FROM articles WHERE slug = 'ghost-story'"
           " AND seo_image_id IS NOT NULL AND seo_image_id = hero_image_id")[0][0], 1,
       "its og_image is the social image")
    eq(sql(db, "SELECT count(*) FROM subscribers")[0][0], 0,
       "members are not imported unless asked")
    eq(sql(db, "SELECT count(*) FROM articles WHERE slug = 'ghost-draft'"
           " AND body_md LIKE '%Second &lt;b&gt;para%'")[0][0], 1,
       "a post without HTML keeps its plain text, escaped")
    srv = Server(db=db, args=["--media_dir", mdir])
    try:
        st, _, body = srv.html("/article/ghost-story")
        eq(st, 200, "the Ghost story is served")
        contains(body, "<em>body</em>", "with its HTML")
        contains(body, "<title>Ghost SEO title</title>", "its meta_title is the <title>")
        contains(body, '<meta name="description" content="Ghost SEO description">',
                 "its meta_description the description")
        ok("/content/images/" not in body[body.find("<article"):],
           "its image links point to /media/")
        for old, new in (("/ghost-story/", "/article/ghost-story"),
                         ("/ghost-page/", "/ghost-page"),
                         ("/tag/cloud/", "/section/cloud"),
                         ("/tag/edge/", "/tag/edge-computing"),
                         ("/tag/edge/rss/", "/tag/edge-computing/feed.xml"),
                         ("/author/gina/", "/author/gina"),
                         ("/author/hal/rss/", "/author/hal/feed.xml"),
                         ("/rss/", "/feed.xml")):
            st, h, _ = srv.get(old)
            eq((st, h.get("location")), (301, new), "%s answers 301 to %s" % (old, new))
        st, _, body = srv.html("/ghost-page")
        eq(st, 200, "the Ghost page is a static page")
    finally:
        srv.stop()
    before = counts(db)
    r = run(db, "--media-from", media, "--media_dir", mdir, path)
    eq(r.returncode, 0, "a second Ghost run succeeds")
    eq(counts(db), before, "and changes nothing")
    r = run(db, "--members", path)
    eq(r.returncode, 0, "--members imports the members")
    subs = sql(db, "SELECT s.email, x.status, x.consent FROM subscribers s"
               " JOIN subscriptions x ON x.subscriber_id = s.id")
    eq(len(subs), 1, "only the subscribed member becomes a subscriber")
    ok(subs and subs[0][0] == "reader@ghost.example" and subs[0][1] == "active"
       and "imported" in subs[0][2], "with the consent recorded as imported", subs)


def test_wxr_statuses_formats():
    """Every WordPress status and the post formats that map, in a WXR 1.1
    file (the version between the 1.0 and 1.2 fixtures)."""
    d = tempfile.mkdtemp(prefix="masthead-import-")
    net = ("category", "networks", "Networks")
    items = "".join([
        item(601, "Pending one", "pending-one", OLD + "/?p=601", status="pending",
             cats=(net,)),
        item(602, "Private one", "private-one", OLD + "/2021/05/12/private-one/",
             status="private", cats=(net,)),
        item(603, "Trashed one", "trashed-one", OLD + "/?p=603", status="trash",
             cats=(net,)),
        item(604, "Auto draft", "auto-draft", OLD + "/?p=604", status="auto-draft",
             cats=(net,)),
        item(605, "A podcast", "a-podcast", OLD + "/2021/05/12/a-podcast/",
             cats=(net, ("post_format", "post-format-audio", "Audio"))),
        item(606, "A gallery post", "a-gallery-post", OLD + "/2021/05/12/a-gallery-post/",
             cats=(net, ("post_format", "post-format-gallery", "Gallery"))),
        item(607, "A private page", "a-private-page", OLD + "/a-private-page/",
             status="private", ptype="page", content="<p>Hidden</p>"),
    ])
    path = os.path.join(d, "statuses.xml")
    with open(path, "w") as f:
        f.write(wxr(items, version="1.1"))
    db = new_db(d)
    r = run(db, path)
    ok(r.returncode == 0, "a WXR 1.1 file of every status imports", r.stderr)
    rows = dict(sql(db, "SELECT slug, status FROM articles"))
    eq(rows.get("pending-one"), "draft", "a pending post is a draft")
    eq(rows.get("private-one"), "draft", "a private post is a draft (it was not public)")
    ok("trashed-one" not in rows, "a trashed post is left out")
    ok("auto-draft" not in rows, "an auto-draft is left out")
    types = dict(sql(db, "SELECT slug, type FROM articles"))
    eq(types.get("a-podcast"), "podcast", "the audio post format is the podcast type")
    eq(types.get("a-gallery-post"), "news", "another post format is news")
    eq(sql(db, "SELECT count(*) FROM pages WHERE slug = 'a-private-page'")[0][0], 0,
       "a page that was not published is left out")
    srv = Server(db=db)
    try:
        st, _, _ = srv.get("/article/private-one")
        eq(st, 404, "the private post is not served")
        for old, new in (("/?p=605", "/article/a-podcast"),
                         ("/2021/05/12/a-podcast/", "/article/a-podcast"),
                         ("/2021/05/12/a-podcast/feed/",
                          "/article/a-podcast/comments.atom"),
                         ("/category/networks/feed/", "/section/networks/feed.xml")):
            st, h, _ = srv.get(old)
            eq((st, h.get("location")), (301, new), "%s answers 301 to %s" % (old, new))
    finally:
        srv.stop()


def big_wxr(path, n):
    """A WXR file of n posts of about 2 KB each, written as it goes."""
    para = "<p>" + "Network operators roll out fiber at the edge. " * 40 + "</p>"
    with open(path, "w") as f:
        head = wxr("")
        cut = head.index("</channel>")
        f.write(head[:cut])
        for i in range(n):
            f.write(item(10000 + i, "Story %d" % i, "story-%d" % i,
                         OLD + "/?p=%d" % (10000 + i), content=para,
                         cats=(("category", "networks", "Networks"),)))
        f.write(head[cut:])


def test_interrupted():
    """An import killed half way wrote nothing; run again, it is whole."""
    import re
    d = tempfile.mkdtemp(prefix="masthead-import-")
    path = os.path.join(d, "big.xml")
    # Long enough to outlast the first progress line (written at 5 s) on
    # a quiet machine: with each speed-up of the import a smaller file
    # was done by then on PostgreSQL (2,000 posts, then 6,000), and the
    # first line was the last one, just before the commit.
    n = 40000
    big_wxr(path, n)
    db = new_db(d)
    p = subprocess.Popen([BIN, "import", "--db", db, path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    # Killed at its first progress line, as a power cut would: every
    # progress line, the last one too, comes before the commit.
    line = p.stderr.readline()
    m = re.match(r"import: (\d+) items", line)
    running = p.poll() is None
    p.kill()
    p.wait()
    p.stderr.close()
    ok(m is not None and int(m.group(1)) > 0 and running,
       "the import was killed before it committed", line)
    eq(sql(db, "SELECT count(*) FROM articles")[0][0], 0,
       "an import killed half way left no story")
    eq(sql(db, "SELECT count(*) FROM import_ids")[0][0], 0, "nor any id")
    r = run(db, path)
    ok(r.returncode == 0, "the same import run again succeeds", r.stderr)
    eq(sql(db, "SELECT count(*) FROM articles")[0][0], n, "and brings every story")
    eq(sql(db, "SELECT count(*) FROM redirects WHERE old_path = ?",
           ("/?p=%d" % (10000 + n - 1),))[0][0], 1, "and the last one's old address")


def bulk_wxr(n, extra_items=""):
    """n posts sharing three tags and two authors, with drafts, a page,
    attachments and trashed posts between them, and slugs that collide."""
    items = []
    for i in range(n):
        pid = 20000 + i
        status = "draft" if i % 7 == 3 else "publish"
        # Every tenth post takes the slug of the one before: "-2" it is.
        slug = "bulk-%d" % (i - 1 if i % 10 == 9 else i)
        body = ("<!-- wp:paragraph -->\n<p>Post %d on <em>fiber</em>.</p>\n"
                "[caption id=\"attachment_1\" width=\"30\"]<img src=\"%s/x%d.png\" "
                "alt=\"\" /> Cap %d[/caption]\n[embed]https://example.org/v/%d[/embed]\n"
                "<script>bad()</script>[gallery ids=\"7,8\"]" % (i, OLD, i, i, i))
        items.append(item(pid, "Bulk %d" % i, slug, OLD + "/bulk/%s/" % slug,
                          status=status, content=body,
                          creator="alice" if i % 2 else "bob",
                          date="2021-06-%02d 08:%02d:00" % (i % 28 + 1, i % 60),
                          cats=(("category", "fiber", "Fiber"),
                                ("post_tag", "shared", "Shared"),
                                ("post_tag", "t%d" % (i % 3), "Tag %d" % (i % 3)))))
        if i % 25 == 0:
            items.append(item(pid + 100000, "Attachment %d" % i, "att-%d" % i,
                              OLD + "/att-%d/" % i, status="inherit",
                              ptype="attachment"))
            items.append(item(pid + 200000, "Gone %d" % i, "gone-%d" % i,
                              OLD + "/gone-%d/" % i, status="trash",
                              content="<p>trashed</p>"))
    items.append(item(29999, "A bulk page", "bulk-page", OLD + "/bulk-page/",
                      ptype="page", content="<p>The page.</p>"))
    return wxr("".join(items) + extra_items)


def test_bulk():
    """Bodies made on the reading thread are the bodies made without it;
    tags shared by many posts; colliding slugs; a file imported after a
    part of it adds the rest once."""
    d = tempfile.mkdtemp(prefix="masthead-import-")
    n = 300
    path = os.path.join(d, "bulk.xml")
    with open(path, "w") as f:
        f.write(bulk_wxr(n))
    empty = os.path.join(d, "empty-uploads")
    os.makedirs(empty)
    dbs = []
    for sub in ("a", "p", "h"):
        os.makedirs(os.path.join(d, sub))
        dbs.append(new_db(os.path.join(d, sub)))
    db_ahead, db_plain, db = dbs
    # With --media-from the bodies are made by the writer itself.
    r1 = run(db_ahead, path)
    r2 = run(db_plain, "--media-from", empty, "--media_dir",
             os.path.join(d, "media"), path)
    ok(r1.returncode == 0 and r2.returncode == 0,
       "the bulk file imports with and without --media-from", r1.stderr + r2.stderr)
    # Rows on one line each, as the harness reads psql's output by line.
    nl = "chr(10)" if on_pg() else "char(10)"
    q = ("SELECT slug, status, replace(body_md, %s, '~'), replace(body_html, %s, '~')"
         " FROM articles ORDER BY slug" % (nl, nl))
    a, b = sql(db_ahead, q), sql(db_plain, q)
    eq(len(a), n, "every post is there once")
    ok(a == b, "the bodies made ahead are the bodies made by the writer",
       [x for x in zip(a, b) if x[0] != x[1]][:1])
    eq(sql(db_ahead, "SELECT body_md FROM pages"), sql(db_plain, "SELECT body_md FROM pages"),
       "and the page's")
    body = [x[2] for x in a if x[0] == "bulk-5"][0]
    ok("<figcaption>" in body and "bad()" not in body and "wp:paragraph" not in body,
       "a body made ahead is converted and made safe", body)
    eq(sql(db_ahead, "SELECT count(*) FROM articles WHERE slug = 'bulk-8-2'")[0][0], 1,
       "a slug taken by the post before gets -2")
    eq(sql(db_ahead, "SELECT count(*) FROM redirects WHERE old_path = '/bulk/bulk-8/'")[0][0],
       1, "the first post keeps the old address the two shared")
    shared = sql(db_ahead, "SELECT count(*) FROM article_tags x JOIN tags t ON t.id = x.tag_id"
                 " WHERE t.slug = 'shared'")[0][0]
    eq(shared, n, "one tag shared by every post links them all")
    eq(sql(db_ahead, "SELECT count(*) FROM tags WHERE slug IN ('shared', 'tag-0', 'tag-1', 'tag-2')")[0][0],
       4, "and is made once")
    eq(sql(db_ahead, "SELECT count(*) FROM article_tags x JOIN articles a ON a.id = x.article_id"
           " WHERE x.published_at != COALESCE(a.published_at, 0)")[0][0], 0,
       "every tag row carries its story's time")
    eq(sql(db_ahead, "SELECT count(*) FROM article_authors x JOIN articles a"
           " ON a.id = x.article_id WHERE x.published_at != COALESCE(a.published_at, 0)")[0][0],
       0, "every author row too")
    live = sql(db_ahead, "SELECT count(*) FROM articles WHERE status = 'published'")[0][0]
    eq(sql(db_ahead, "SELECT count(*) FROM section_articles x JOIN sections s"
           " ON s.id = x.section_id WHERE s.slug = 'fiber'")[0][0], live,
       "each published story is listed in its section")
    # Half the file first (as a site exported twice would be), then all.
    half = os.path.join(d, "half.xml")
    with open(half, "w") as f:
        f.write(bulk_wxr(n // 2))
    r = run(db, half)
    r2 = run(db, path)
    ok(r.returncode == 0 and r2.returncode == 0, "a part, then the whole file",
       r.stderr + r2.stderr)
    eq(sql(db, q), a,
       "bring each post once, as the whole file alone does")
    eq(sql(db, "SELECT count(*) FROM import_ids WHERE kind = 'post'")[0][0], n,
       "with one id each")
    shutil.rmtree(d, ignore_errors=True)


def test_progress():
    """A terminal gets a line redrawn in place; a log, plain lines."""
    d = tempfile.mkdtemp(prefix="masthead-import-")
    path = os.path.join(d, "site.xml")
    with open(path, "w") as f:
        f.write(site_wxr())
    # Bytes: text mode would turn carriage returns into newlines.
    r = subprocess.run([BIN, "import", "--db", new_db(d), path], capture_output=True)
    r.stderr = r.stderr.decode("utf-8", "replace")
    eq(r.returncode, 0, "the import runs with its output piped")
    ok("\r" not in r.stderr, "piped, no carriage return")
    contains(r.stderr, "import: 11 items, ", "a plain line counts the items")
    ok(" items/s, " in r.stderr and " bytes" in r.stderr,
       "with items a second and the bytes read", r.stderr)
    for sub in ("bar", "lines", "tty"):
        os.makedirs(os.path.join(d, sub))
    # --progress=bar draws the terminal's line wherever it goes.
    # Bytes: text mode would turn the carriage returns into newlines.
    r = subprocess.run([BIN, "import", "--db", new_db(os.path.join(d, "bar")),
                        "--progress=bar", path], capture_output=True)
    eq(r.returncode, 0, "the import runs with --progress=bar")
    bar_checks(r.stderr.decode("utf-8", "replace"), "--progress=bar")
    r = subprocess.run([BIN, "import", "--db", new_db(os.path.join(d, "lines")),
                        "--progress=lines", path], capture_output=True)
    r.stderr = r.stderr.decode("utf-8", "replace")
    ok(r.returncode == 0 and "\r" not in r.stderr and "import: 11 items, " in r.stderr,
       "--progress=lines writes plain lines", r.stderr)
    # Without it, standard error being a terminal is what chooses the
    # bar.  A chroot or container without /dev/pts has no terminal to
    # give; that is said, not passed over.
    try:
        master, slave = os.openpty()
    except OSError as e:
        ok(True, "# SKIP no pseudo-terminal here (%s): the bar was checked "
           "through --progress=bar" % e)
        return
    db = new_db(os.path.join(d, "tty"))
    p = subprocess.Popen([BIN, "import", "--db", db, path], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    eq(p.wait(), 0, "the import runs on a terminal")
    bar_checks(out.decode("utf-8", "replace"), "on a terminal")


def bar_checks(text, how):
    contains(text, "\rimport 11 items, ", "%s, the line is redrawn in place" % how)
    ok(" items/s, 100%, ETA 0 s" in text,
       "%s, with items a second, the part read and the time left" % how, text)
    ok("import: 11 items" not in text, "%s, and not as plain lines" % how)


PW = "a long enough password 1"


def test_admin_redirects():
    s = wp_site()
    for email, role in (("root@example.com", "admin"), ("ed@example.com", "editor")):
        subprocess.run([BIN, "user", "add", "--db", s["db"], "--role", role, email],
                       input=PW, text=True, check=True, capture_output=True)
    srv = Server(db=s["db"], args=["--media_dir", os.path.join(s["dir"], "media")])
    try:
        ed = Client(srv, ip="192.0.2.31")
        eq(ed.sign_in("ed@example.com", PW), 303, "an editor signs in")
        st, _, _ = ed.get("/admin/redirects")
        eq(st, 403, "an editor may not see the redirects")
        st, _, _ = ed.post("/admin/redirects", [("old_path", "/x/"), ("new_path", "/y")],
                           csrf_from="/admin/articles")
        eq(st, 403, "nor add one")
        anon = Client(srv, ip="192.0.2.32")
        st, h, _ = anon.get("/admin/redirects")
        ok(st in (302, 303) and "/signin" in h.get("location", ""),
           "a reader signed out is sent to sign in", st)
        adm = Client(srv, ip="192.0.2.33")
        eq(adm.sign_in("root@example.com", PW), 303, "an admin signs in")
        st, _, body = adm.get("/admin/redirects")
        eq(st, 200, "the admin sees the redirects")
        contains(body, "/?p=101", "the imported ones are listed")
        contains(body, 'href="/admin/redirects"', "the newsroom's menu links the page")
        st, h, _ = adm.post("/admin/redirects", [("old_path", "/old-promo/"),
                                                 ("new_path", "/section/fiber")],
                            csrf_from="/admin/redirects")
        eq((st, h.get("location")), (303, "/admin/redirects?done=saved"), "a redirect is added")
        st, h, _ = srv.get("/old-promo/")
        eq((st, h.get("location")), (301, "/section/fiber"), "and answers 301 at once")
        st, h, _ = adm.post("/admin/redirects", [("old_path", "/old-promo/"),
                                                 ("new_path", "/section/networks")],
                            csrf_from="/admin/redirects")
        st, h, _ = srv.get("/old-promo/")
        eq(h.get("location"), "/section/networks", "saving an old path again changes it")
        for old, new, why in (("old", "/y", "an old path without /"),
                              ("/x/", "https://evil.example/", "a new address off the site"),
                              ("/x/", "//evil.example/", "a protocol-relative new address"),
                              ("/x/", "/\\evil.example/", "a new address a browser reads as a host"),
                              ("/x/", "/" + "y" * 1000, "a path over 1,000 bytes"),
                              ("/x/", "/x/", "a redirect to itself"),
                              ("/x\nSet-Cookie: a=b", "/y", "a control character")):
            before = sql(s["db"], "SELECT count(*) FROM redirects")[0][0]
            st, _, _ = adm.post("/admin/redirects", [("old_path", old), ("new_path", new)],
                                csrf_from="/admin/redirects")
            eq(st, 422, "%s is refused with 422" % why)
            eq(sql(s["db"], "SELECT count(*) FROM redirects")[0][0], before,
               "%s changes nothing" % why)
        st, _, _ = adm.post("/admin/redirects", [("old_path", "/z/"), ("new_path", "/y")])
        eq(st, 403, "a form without its CSRF token is refused")
        st, h, _ = adm.post("/admin/redirects/delete", [("old_path", "/old-promo/")],
                            csrf_from="/admin/redirects")
        eq((st, h.get("location")), (303, "/admin/redirects?done=deleted"), "a redirect is deleted")
        st, _, _ = srv.get("/old-promo/")
        eq(st, 404, "and its old path is a 404 again")
        st, _, _ = adm.post("/admin/redirects/delete", [("old_path", "/old-promo/")],
                            csrf_from="/admin/redirects")
        eq(st, 404, "deleting one that is not there is a 404")
    finally:
        srv.stop()


def test_ghost_v2():
    """Ghost 2: "page": true instead of a type, one author_id a post."""
    d = tempfile.mkdtemp(prefix="masthead-import-")
    doc = {"db": [{"meta": {"version": "2.31.0"}, "data": {
        "posts": [
            {"id": "5b0000000000000000000001", "title": "Old Ghost post",
             "slug": "old-ghost-post", "page": False, "status": "published",
             "author_id": "1", "html": "<p>v2</p>",
             "published_at": "2018-03-04T05:06:07.000Z"},
            {"id": "5b0000000000000000000002", "title": "Old Ghost page",
             "slug": "old-ghost-page", "page": True, "status": "published",
             "author_id": "1", "html": "<p>page</p>",
             "published_at": "2018-03-04T05:06:07.000Z"}],
        "users": [{"id": "1", "name": "Vera Two", "slug": "vera"}],
        "tags": [], "posts_tags": []}}]}
    path = os.path.join(d, "g2.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    db = new_db(d)
    r = run(db, path)
    eq(r.returncode, 0, "a Ghost 2 export imports")
    eq(sql(db, "SELECT a.slug, a.published_at, au.slug FROM articles a"
           " JOIN article_authors x ON x.article_id = a.id"
           " JOIN authors au ON au.id = x.author_id"),
       [("old-ghost-post", 1520139967, "vera")], "its post, date and author")
    eq(sql(db, "SELECT slug FROM pages"), [("old-ghost-page",)],
       "\"page\": true makes a static page")


def test_masthead_json():
    d = tempfile.mkdtemp(prefix="masthead-import-")
    path = os.path.join(d, "m.json")
    with open(path, "w") as f:
        json.dump({"masthead_export": {"version": 1}}, f)
    r = run(new_db(d), path)
    ok("not a Ghost export" not in r.stderr,
       "masthead's own export is not read as Ghost's", r.stderr)


run_tests([test_wxr_import, test_wxr_sticky_gallery, test_wxr_pages, test_wxr_rerun, test_wxr_1_0, test_accounts,
           test_dry_run, test_wxr_statuses_formats, test_interrupted, test_bulk, test_progress,
           test_hostile, test_cli_errors, test_ghost, test_ghost_v2, test_admin_redirects,
           test_masthead_json])
