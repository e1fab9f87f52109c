/*
 * tag.c — the cache tags' constructors (tag.h).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "tag.h"

static struct tag
make(const char *kind, int64_t id)
{
	struct tag t;

	snprintf(t.s, sizeof(t.s), "%s%lld", kind, (long long)id);
	return t;
}

static struct tag
word(const char *s)
{
	struct tag t;

	snprintf(t.s, sizeof(t.s), "%s", s);
	return t;
}

struct tag tag_article(int64_t id)	{ return make("a", id); }
struct tag tag_section(int64_t id)	{ return make("s", id); }
struct tag tag_author(int64_t id)	{ return make("au", id); }
struct tag tag_topic(int64_t id)	{ return make("t", id); }
struct tag tag_sponsor(int64_t id)	{ return make("sp", id); }
struct tag tag_event(int64_t id)	{ return make("ev", id); }
struct tag tag_webinar(int64_t id)	{ return make("wb", id); }
struct tag tag_page(int64_t id)		{ return make("pg", id); }
struct tag tag_resource(int64_t id)	{ return make("rs", id); }
struct tag tag_hub(int64_t id)		{ return make("hb", id); }
struct tag tag_comments(int64_t id)	{ return make("cm", id); }
struct tag tag_comment_count(int64_t id) { return make("cc", id); }
struct tag tag_comment_counts(void)	{ return word("comments"); }

struct tag tag_latest(void)		{ return word("latest"); }
struct tag tag_list_section(int64_t id)	{ return make("ls", id); }
struct tag tag_list_author(int64_t id)	{ return make("lau", id); }
struct tag tag_list_topic(int64_t id)	{ return make("lt", id); }
struct tag tag_list_show(int64_t id)	{ return make("lsh", id); }
struct tag tag_shows(void)		{ return word("shows"); }
struct tag tag_featured_video(void)	{ return word("featured-video"); }

struct tag
tag_list_type(const char *type)
{
	struct tag t;

	snprintf(t.s, sizeof(t.s), "ltype:%s", type);
	return t;
}

struct tag tag_events(void)		{ return word("events"); }
struct tag tag_webinars(void)		{ return word("webinars"); }
struct tag tag_sections(void)		{ return word("sections"); }
struct tag tag_authors(void)		{ return word("authors"); }
struct tag tag_promos(void)		{ return word("promos"); }
struct tag tag_resources(void)		{ return word("resources"); }
struct tag tag_hubs(void)		{ return word("hubs"); }
struct tag tag_awards(void)		{ return word("awards"); }
struct tag tag_site(void)		{ return word("site"); }
struct tag tag_front(void)		{ return word("front"); }
struct tag tag_most_read(void)		{ return word("most-read"); }

struct tag tag_site_row(int64_t id)	{ return make("st", id); }
struct tag tag_sites(void)		{ return word("sites"); }

struct tag
tag_in_site(struct tag t, int64_t site)
{
	size_t n = strlen(t.s);

	snprintf(t.s + n, sizeof(t.s) - n, "@%lld", (long long)site);
	return t;
}

int
tags_has(const char *tags, const char *t)
{
	size_t n = strlen(t);
	const char *p = tags;

	/* As a whole word, not as the start of a longer one. */
	while (p != NULL && (p = strstr(p, t)) != NULL) {
		if ((p == tags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

void
tags_add(struct buf *b, struct tag t)
{
	if (b->len > 0 && tags_has(b->p, t.s))
		return;
	if (b->len > 0)
		buf_putc(b, ' ');
	buf_puts(b, t.s);
}
