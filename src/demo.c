/*
 * demo.c — loads the demo publication into an empty database.
 *
 * The content lives in files embedded in the binary: demo/site.json (the
 * publication's settings, sections, menus, people, events, webinars,
 * promos, pages and image specs), demo/articles/<slug>.md (handwritten
 * articles: "key: value" lines, a "---" line, then Markdown) and
 * demo/generator.json (vocabulary and templates for demo_gen.c).  Hero
 * images are abstract SVG illustrations drawn here from a name, turned
 * into JPEG by libvips and stored content-addressed in the media
 * directory.  Everything is written in one transaction.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <vips/vips.h>

#include "buf.h"
#include "db.h"
#include "demo.h"
#include "embed.h"
#include "markdown.h"
#include "media.h"
#include "sites.h"
#include "store.h"
#include "util.h"

#define DEMO_IMAGE_W	1600
#define DEMO_IMAGE_H	900
#define DEMO_SLUG_MAX	160

static const char sql_count_articles[] = "SELECT count(*) FROM articles";
/*
 * The generated podcasts and videos join the show of their section's
 * slug, as the handwritten ones name theirs.
 */
static const char sql_show_of_section[] =
    "UPDATE articles SET show_id = (SELECT sh.id FROM shows sh"
    " JOIN sections s ON s.slug = sh.slug WHERE s.id = articles.section_id"
    " AND sh.kind = CASE WHEN articles.type = 'video' THEN 'video'"
    " ELSE 'podcast' END)"
    " WHERE show_id IS NULL AND type IN ('podcast', 'video')";
static const char sql_setting[] =
    "INSERT INTO settings (key, value) VALUES ($1, $2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char sql_image[] =
    "INSERT INTO images (hash, mime, ext, width, height, bytes, alt, created_at,"
    " widths) VALUES ($1, 'image/jpeg', 'jpg', $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (hash) DO UPDATE SET alt = excluded.alt RETURNING id";
static const char sql_section[] =
    "INSERT INTO sections (parent_id, slug, name, kind, description, position)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char sql_menu_item[] =
    "INSERT INTO menu_items (menu, parent_id, position, label, url)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_author[] =
    "INSERT INTO authors (slug, name, role, company, bio, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char sql_sponsor[] =
    "INSERT INTO sponsors (slug, name, url) VALUES ($1, $2, $3) RETURNING id";
static const char sql_tag[] =
    "INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id";
static const char sql_event[] =
    "INSERT INTO events (slug, name, kind, summary, body_md, body_html,"
    " starts_at, ends_at, timezone, venue, online, url, sponsor_id,"
    " street_address, locality, region, postal_code, country, image_id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
    " $14, $15, $16, $17, $18, $19) RETURNING id";
/* The parts of an event's postal address, bound as $14 to $18. */
static const char *const event_address[] = { "street_address", "locality",
    "region", "postal_code", "country" };
static const char sql_webinar[] =
    "INSERT INTO webinars (slug, title, series, summary, body_md, body_html,"
    " starts_at, duration_min, sponsor_id, event_id, recording_url,"
    " join_url, topic_id, series_slug)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    " RETURNING id";
static const char sql_promo[] =
    "INSERT INTO promos (section_id, text, link_text, url, active)"
    " VALUES ($1, $2, $3, $4, 1)";
static const char sql_newsletter[] =
    "INSERT INTO newsletters (slug, name, description, position, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_newsletter_site[] =
    "UPDATE newsletters SET site_id = (SELECT id FROM sites WHERE slug = $2)"
    " WHERE slug = $1";
static const char sql_newsletter_section[] =
    "INSERT INTO newsletter_sections (newsletter_id, section_id)"
    " VALUES ($1, $2)";
static const char sql_page[] =
    "INSERT INTO pages (slug, title, body_md, body_html, updated_at)"
    " VALUES ($1, $2, $3, $4, $5)";
/* The article types the schema knows. */
static const char *const demo_types[] = {
	"news", "news-analysis", "feature", "opinion", "interview",
	"partner-perspective", "guest-perspective", "video", "podcast",
};

/* One loading run: the connection, the clock and slug -> id maps. */
struct demo {
	struct db	*db;
	const char	*media_dir;
	int64_t		 now;
	char		*err;
	size_t		 errlen;
	struct buf	 html;		/* scratch: rendered Markdown */
	json_t		*sections;	/* slug -> id */
	json_t		*section_names;	/* slug -> name, for the generator */
	json_t		*authors;
	json_t		*sponsors;
	json_t		*tags;
	json_t		*images;	/* spec name -> id */
	json_t		*image_hashes;	/* spec name -> hash */
	json_t		*events;
	json_t		*slugs;		/* article slugs in use */
	const json_t	*event_list;	/* site.json's events, for the menus */
};

static int	demo_fail(struct demo *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
demo_fail(struct demo *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A string member of o, or NULL when absent or not a string. */
static const char *
demo_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
demo_str0(const json_t *o, const char *key)
{
	const char *s = demo_str(o, key);

	return s != NULL ? s : "";
}

static int
demo_need(struct demo *d, const json_t *o, const char *what,
    const char *key, const char **out)
{
	if ((*out = demo_str(o, key)) == NULL || **out == '\0')
		return demo_fail(d, "site.json: %s: missing \"%s\"", what, key);
	return 0;
}

static struct db_stmt *
demo_stmt(struct demo *d, const char *sql)
{
	struct db_stmt *st;

	if ((st = db_stmt(d->db, sql)) == NULL)
		demo_fail(d, "preparing a statement: %s", db_errmsg(d->db));
	return st;
}

/* Runs an INSERT ... RETURNING id and stores the id in *idp if wanted. */
static int
demo_insert(struct demo *d, struct db_stmt *st, const char *what,
    const char *slug, int64_t *idp)
{
	int rc = db_step(st);

	if (rc == DB_ROW && idp != NULL)
		*idp = db_col_int(st, 0);
	if (rc == DB_ROW)
		rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return demo_fail(d, "%s \"%s\": %s", what, slug,
		    db_errmsg(d->db));
	return 0;
}

static void
demo_remember(json_t *map, const char *slug, int64_t id)
{
	json_object_set_new(map, slug, json_integer(id));
}

/* Looks up slug in map; a missing slug is an error that names it. */
static int
demo_lookup(struct demo *d, json_t *map, const char *what, const char *slug,
    const char *where, int64_t *id)
{
	json_t *v = json_object_get(map, slug);

	if (v == NULL)
		return demo_fail(d, "%s: unknown %s \"%s\"", where, what, slug);
	*id = json_integer_value(v);
	return 0;
}

/* Binds the id of an optional slug: NULL or "" binds NULL. */
static int
demo_bind_ref(struct demo *d, struct db_stmt *st, int i, json_t *map,
    const char *what, const char *slug, const char *where)
{
	int64_t id = 0;

	if (slug == NULL || *slug == '\0') {
		db_bind_null(st, i);
		return 0;
	}
	if (demo_lookup(d, map, what, slug, where, &id) != 0)
		return -1;
	db_bind_int(st, i, id);
	return 0;
}

/* Renders Markdown into d->html; the result lives until the next call. */
static int
demo_render(struct demo *d, const char *md, const char *where)
{
	buf_reset(&d->html);
	if (markdown_render(MD_EDITOR, md, strlen(md), &d->html) != 0)
		return demo_fail(d, "%s: Markdown rendering failed", where);
	return 0;
}

static void
demo_bind_html(struct demo *d, struct db_stmt *st, int i)
{
	db_bind_text(st, i, d->html.len ? d->html.p : "", d->html.len);
}

static int
demo_time(struct demo *d, const json_t *o, const char *key,
    const char *where, int64_t *out)
{
	const char *s = demo_str(o, key);

	if (s == NULL || demo_parse_time(s, d->now, out) != 0)
		return demo_fail(d, "%s: bad or missing time \"%s\"", where,
		    s != NULL ? s : key);
	return 0;
}

/*
 * Times.  Absolute ones are UTC; offsets count from now.
 */
static int64_t
demo_days_from_civil(int64_t y, int64_t m, int64_t dd)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
demo_num(const char **pp, size_t ndigits, int64_t min, int64_t max,
    int64_t *out)
{
	const char *p = *pp;
	size_t n = 0;

	while (p[n] >= '0' && p[n] <= '9')
		n++;
	if (n == 0 || (ndigits != 0 && n != ndigits) ||
	    parse_int(p, n, min, max, out) != 0)
		return -1;
	*pp = p + n;
	return 0;
}

int
demo_parse_time(const char *s, int64_t now, int64_t *out)
{
	int64_t y, mo, dd, h = 0, mi = 0, sec = 0, n, off = 0, t;
	const char *p = s;
	int sign;

	if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		do {
			if (demo_num(&p, 0, 0, 100000, &n) != 0)
				return -1;
			switch (*p++) {
			case 'd': off += n * 86400; break;
			case 'h': off += n * 3600; break;
			case 'm': off += n * 60; break;
			default: return -1;
			}
		} while (*p >= '0' && *p <= '9');
		t = now + sign * off;
		if (*p == '@') {
			p++;
			if (demo_num(&p, 2, 0, 23, &h) != 0 || *p++ != ':' ||
			    demo_num(&p, 2, 0, 59, &mi) != 0)
				return -1;
			t = t - ((t % 86400) + 86400) % 86400 + h * 3600 + mi * 60;
		}
		if (*p != '\0')
			return -1;
		*out = t;
		return 0;
	}
	if (demo_num(&p, 4, 1970, 9999, &y) != 0 || *p++ != '-' ||
	    demo_num(&p, 2, 1, 12, &mo) != 0 || *p++ != '-' ||
	    demo_num(&p, 2, 1, 31, &dd) != 0)
		return -1;
	if (*p == 'T') {
		p++;
		if (demo_num(&p, 2, 0, 23, &h) != 0 || *p++ != ':' ||
		    demo_num(&p, 2, 0, 59, &mi) != 0)
			return -1;
		if (*p == ':' && (p++, demo_num(&p, 2, 0, 59, &sec) != 0))
			return -1;
		if (*p++ != 'Z')
			return -1;
	}
	if (*p != '\0')
		return -1;
	*out = demo_days_from_civil(y, mo, dd) * 86400 + h * 3600 + mi * 60 +
	    sec;
	return 0;
}

/*
 * Images: an abstract illustration per spec, drawn from a palette of four
 * colours (dark, mid, accent, light) and a motif, with every random choice
 * seeded by the spec's name so that a name always gives the same picture.
 */
struct demo_draw {
	struct buf	*b;
	const char	*c[4];
	uint64_t	 rng;
};

static int
demo_rnd(struct demo_draw *g, int lo, int hi)
{
	return lo + (int)(demo_rand(&g->rng) % (uint64_t)(hi - lo + 1));
}

static double
demo_rndf(struct demo_draw *g, double lo, double hi)
{
	return lo + (hi - lo) * (double)(demo_rand(&g->rng) >> 11) /
	    (double)(1ull << 53);
}

static void
demo_draw_network(struct demo_draw *g)
{
	int x[40], y[40], n = demo_rnd(g, 26, 36), i, j, k;

	for (i = 0; i < n; i++) {
		x[i] = demo_rnd(g, 60, DEMO_IMAGE_W - 60);
		y[i] = demo_rnd(g, 60, DEMO_IMAGE_H - 60);
	}
	buf_printf(g->b, "<g stroke=\"%s\" fill=\"none\">", g->c[3]);
	for (i = 0; i < n; i++) {
		/* Each node links to its two nearest neighbours. */
		int best[2] = { -1, -1 };
		long bd[2] = { -1, -1 };

		for (j = 0; j < n; j++) {
			long dx = x[i] - x[j], dy = y[i] - y[j], dd = dx * dx + dy * dy;

			if (j == i)
				continue;
			for (k = 0; k < 2; k++) {
				if (bd[k] < 0 || dd < bd[k]) {
					if (k == 0) {
						bd[1] = bd[0];
						best[1] = best[0];
					}
					bd[k] = dd;
					best[k] = j;
					break;
				}
			}
		}
		for (k = 0; k < 2; k++)
			if (best[k] >= 0)
				buf_printf(g->b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\""
				    " y2=\"%d\" stroke-width=\"%.1f\" stroke-opacity="
				    "\"%.2f\"/>", x[i], y[i], x[best[k]], y[best[k]],
				    demo_rndf(g, 1.5, 3.5), demo_rndf(g, 0.2, 0.5));
	}
	BUF_LIT(g->b, "</g>");
	for (i = 0; i < n; i++) {
		if (i % 7 == 0) {
			int r = demo_rnd(g, 12, 22);

			buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\""
			    " fill=\"%s\" fill-opacity=\"0.18\"/>", x[i], y[i],
			    r * 3, g->c[2]);
			buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\""
			    " fill=\"%s\"/>", x[i], y[i], r, g->c[2]);
		} else
			buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\""
			    " fill=\"%s\" fill-opacity=\"%.2f\"/>", x[i], y[i],
			    demo_rnd(g, 4, 9), g->c[3], demo_rndf(g, 0.6, 1));
	}
}

static void
demo_draw_skyline(struct demo_draw *g)
{
	int x, w, h, layer, i, px, py;

	buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\""
	    " fill-opacity=\"0.85\"/>", demo_rnd(g, 200, 1400),
	    demo_rnd(g, 140, 320), demo_rnd(g, 50, 90), g->c[2]);
	/* A rising line across the sky. */
	BUF_LIT(g->b, "<polyline fill=\"none\" stroke-width=\"5\"");
	buf_printf(g->b, " stroke=\"%s\" stroke-opacity=\"0.8\" points=\"",
	    g->c[2]);
	for (px = 0, py = 520; px <= DEMO_IMAGE_W; px += 100) {
		buf_printf(g->b, "%d,%d ", px, py);
		py -= demo_rnd(g, -25, 45);
	}
	BUF_LIT(g->b, "\"/>");
	for (layer = 0; layer < 2; layer++) {
		for (x = -20; x < DEMO_IMAGE_W; x += w + demo_rnd(g, 4, 18)) {
			w = demo_rnd(g, 50, 120);
			h = layer == 0 ? demo_rnd(g, 200, 460) :
			    demo_rnd(g, 90, 330);
			buf_printf(g->b, "<rect x=\"%d\" y=\"%d\" width=\"%d\""
			    " height=\"%d\" fill=\"%s\" fill-opacity=\"%s\"/>",
			    x, DEMO_IMAGE_H - h, w, h,
			    layer == 0 ? g->c[3] : g->c[0],
			    layer == 0 ? "0.12" : "0.92");
			if (layer == 1 && h > 250 && demo_rnd(g, 0, 2) == 0)
				buf_printf(g->b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\""
				    " y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
				    "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/>",
				    x + w / 2, DEMO_IMAGE_H - h, x + w / 2,
				    DEMO_IMAGE_H - h - 60, g->c[0], x + w / 2,
				    DEMO_IMAGE_H - h - 60, g->c[2]);
			if (layer == 1)
				for (i = 0; i < h / 60; i++)
					buf_printf(g->b, "<rect x=\"%d\" y=\"%d\""
					    " width=\"8\" height=\"12\" fill=\"%s\""
					    " fill-opacity=\"%.2f\"/>",
					    x + demo_rnd(g, 6, w - 14),
					    DEMO_IMAGE_H - h + demo_rnd(g, 12, h - 24),
					    g->c[2], demo_rndf(g, 0.3, 0.8));
		}
	}
}

static void
demo_draw_waves(struct demo_draw *g)
{
	int i, x, y, a;

	for (i = 0; i < 8; i++) {
		y = 260 + i * 80 + demo_rnd(g, -30, 30);
		a = demo_rnd(g, 30, 110);
		buf_printf(g->b, "<path d=\"M0,%d", y);
		for (x = 0; x < DEMO_IMAGE_W; x += 400)
			buf_printf(g->b, " C%d,%d %d,%d %d,%d", x + 130, y - a,
			    x + 270, y + a, x + 400, y + demo_rnd(g, -20, 20));
		buf_printf(g->b, " L%d,%d L0,%d Z\" fill=\"%s\""
		    " fill-opacity=\"%.2f\"/>", DEMO_IMAGE_W, DEMO_IMAGE_H,
		    DEMO_IMAGE_H, g->c[1 + i % 3], demo_rndf(g, 0.10, 0.30));
		buf_printf(g->b, "<path d=\"M0,%d C%d,%d %d,%d %d,%d\""
		    " fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
		    " stroke-opacity=\"0.5\"/>", y - 12, 530, y - a - 40,
		    1070, y + a + 40, DEMO_IMAGE_W, y - 12, g->c[3]);
	}
}

static void
demo_draw_rings(struct demo_draw *g)
{
	int cx = demo_rnd(g, 300, 900), cy = demo_rnd(g, 250, 650), i;

	for (i = 0; i < 16; i++)
		buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"none\""
		    " stroke=\"%s\" stroke-width=\"%d\" stroke-opacity=\"%.2f\"/>",
		    cx, cy, 40 + i * 60, g->c[i % 3 == 0 ? 2 : 3],
		    demo_rnd(g, 2, 7), 0.65 - i * 0.035);
	buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"18\" fill=\"%s\"/>",
	    cx, cy, g->c[2]);
	for (i = 0; i < 50; i++)
		buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\""
		    " fill-opacity=\"%.2f\"/>", demo_rnd(g, 0, DEMO_IMAGE_W),
		    demo_rnd(g, 0, DEMO_IMAGE_H), demo_rnd(g, 2, 6), g->c[3],
		    demo_rndf(g, 0.15, 0.5));
}

static void
demo_draw_grid(struct demo_draw *g)
{
	int x, y;

	for (y = 10; y < DEMO_IMAGE_H; y += 58)
		for (x = 10; x < DEMO_IMAGE_W; x += 58) {
			int hot = demo_rnd(g, 0, 99) < 8;

			buf_printf(g->b, "<rect x=\"%d\" y=\"%d\" width=\"50\""
			    " height=\"50\" rx=\"6\" fill=\"%s\""
			    " fill-opacity=\"%.2f\"/>", x, y,
			    g->c[hot ? 2 : 3], hot ? demo_rndf(g, 0.5, 0.9) :
			    demo_rndf(g, 0.03, 0.18));
		}
}

static void
demo_draw_fiber(struct demo_draw *g)
{
	int i, k;

	for (i = 0; i < 16; i++) {
		int y0 = demo_rnd(g, 100, 800), y1 = demo_rnd(g, 100, 800);

		buf_printf(g->b, "<path d=\"M-50,%d C%d,%d %d,%d %d,%d\""
		    " fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\""
		    " stroke-opacity=\"%.2f\" stroke-linecap=\"round\"/>", y0,
		    demo_rnd(g, 300, 700), demo_rnd(g, -100, 1000),
		    demo_rnd(g, 900, 1300), demo_rnd(g, -100, 1000),
		    DEMO_IMAGE_W + 50, y1, g->c[2 + i % 2],
		    demo_rndf(g, 1.5, 7), demo_rndf(g, 0.3, 0.9));
		for (k = 0; k < 2; k++)
			buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\""
			    " fill=\"%s\" fill-opacity=\"0.8\"/>",
			    demo_rnd(g, 0, DEMO_IMAGE_W),
			    demo_rnd(g, 80, 820), demo_rnd(g, 3, 7), g->c[3]);
	}
}

static void
demo_draw_orbit(struct demo_draw *g)
{
	int i;

	for (i = 0; i < 140; i++)
		buf_printf(g->b, "<circle cx=\"%d\" cy=\"%d\" r=\"%.1f\""
		    " fill=\"%s\" fill-opacity=\"%.2f\"/>",
		    demo_rnd(g, 0, DEMO_IMAGE_W), demo_rnd(g, 0, 600),
		    demo_rndf(g, 0.8, 2.5), g->c[3], demo_rndf(g, 0.2, 0.9));
	buf_printf(g->b, "<circle cx=\"%d\" cy=\"1650\" r=\"1000\""
	    " fill=\"%s\" stroke=\"%s\" stroke-width=\"4\""
	    " stroke-opacity=\"0.8\"/>", demo_rnd(g, 600, 1000), g->c[1],
	    g->c[2]);
	for (i = 0; i < 4; i++) {
		int rx = demo_rnd(g, 650, 1000), ry = demo_rnd(g, 160, 330);
		int rot = demo_rnd(g, -10, 10);
		double a = demo_rndf(g, 3.3, 6.1);

		buf_printf(g->b, "<g transform=\"translate(800 700) rotate(%d)\">"
		    "<ellipse rx=\"%d\" ry=\"%d\" fill=\"none\" stroke=\"%s\""
		    " stroke-width=\"2\" stroke-opacity=\"0.4\""
		    " stroke-dasharray=\"10 8\"/>"
		    "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"9\" fill=\"%s\"/>"
		    "<rect x=\"%.0f\" y=\"%.0f\" width=\"36\" height=\"6\""
		    " fill=\"%s\"/></g>", rot, rx, ry, g->c[3],
		    rx * cos(a), ry * sin(a), g->c[2], rx * cos(a) - 18,
		    ry * sin(a) - 3, g->c[3]);
	}
}

static const struct {
	const char	*name;
	void		 (*draw)(struct demo_draw *);
} demo_motifs[] = {
	{ "network", demo_draw_network },
	{ "skyline", demo_draw_skyline },
	{ "waves", demo_draw_waves },
	{ "rings", demo_draw_rings },
	{ "grid", demo_draw_grid },
	{ "fiber", demo_draw_fiber },
	{ "orbit", demo_draw_orbit },
};

static int
demo_colour_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 7 || s[0] != '#')
		return 0;
	for (i = 1; i < 7; i++)
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return 0;
	return 1;
}

/* Writes the SVG of one image spec into b. */
static int
demo_svg(struct demo *d, const char *name, const json_t *spec, struct buf *b)
{
	const json_t *pal = json_object_get(spec, "palette");
	const char *motif = demo_str(spec, "motif");
	struct demo_draw g;
	size_t i;

	g.b = b;
	g.rng = demo_hash(name);
	if (json_array_size(pal) != 4)
		return demo_fail(d, "site.json: image \"%s\": the palette needs"
		    " four colours", name);
	for (i = 0; i < 4; i++) {
		g.c[i] = json_string_value(json_array_get(pal, i));
		if (!demo_colour_ok(g.c[i]))
			return demo_fail(d, "site.json: image \"%s\": colour %zu"
			    " is not #rrggbb", name, i + 1);
	}
	for (i = 0; i < ARRAY_SIZE(demo_motifs); i++)
		if (motif != NULL && strcmp(motif, demo_motifs[i].name) == 0)
			break;
	if (i == ARRAY_SIZE(demo_motifs))
		return demo_fail(d, "site.json: image \"%s\": unknown motif",
		    name);
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
	    " height=\"%d\" viewBox=\"0 0 %d %d\"><defs>"
	    "<linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"%.2f\" y2=\"1\">"
	    "<stop offset=\"0\" stop-color=\"%s\"/>"
	    "<stop offset=\"1\" stop-color=\"%s\"/></linearGradient>"
	    "<radialGradient id=\"glow\"><stop offset=\"0\" stop-color=\"%s\""
	    " stop-opacity=\"0.45\"/><stop offset=\"1\" stop-color=\"%s\""
	    " stop-opacity=\"0\"/></radialGradient></defs>"
	    "<rect width=\"%d\" height=\"%d\" fill=\"url(#bg)\"/>"
	    "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"url(#glow)\"/>",
	    DEMO_IMAGE_W, DEMO_IMAGE_H, DEMO_IMAGE_W, DEMO_IMAGE_H,
	    demo_rndf(&g, 0, 1), g.c[0], g.c[1], g.c[2], g.c[2],
	    DEMO_IMAGE_W, DEMO_IMAGE_H, demo_rnd(&g, 200, 1400),
	    demo_rnd(&g, 100, 800), demo_rnd(&g, 350, 650));
	demo_motifs[i].draw(&g);
	BUF_LIT(b, "</svg>");
	if (buf_err(b))
		return demo_fail(d, "image \"%s\": SVG too large", name);
	return 0;
}

/* Creates dir and its parents, like mkdir -p. */
static int
demo_mkdirs(struct demo *d, const char *dir)
{
	char path[4096];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return demo_fail(d, "bad media directory \"%s\"", dir);
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return demo_fail(d, "%s: %s", path, strerror(errno));
		path[i] = i == n ? '\0' : '/';
	}
	return 0;
}

/* Stores bytes as <media_dir>/<hex>.jpg unless that file is already there. */
static int
demo_save(struct demo *d, const char *hex, const void *p, size_t n)
{
	char path[4200], tmp[4300];
	struct stat sb;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s.jpg", d->media_dir, hex);
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == n)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", d->media_dir, hex,
	    (long)getpid());
	if ((f = fopen(tmp, "wb")) == NULL)
		return demo_fail(d, "%s: %s", tmp, strerror(errno));
	ok = fwrite(p, 1, n, f) == n;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		unlink(tmp);
		return demo_fail(d, "%s: write failed", tmp);
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return demo_fail(d, "%s: %s", path, strerror(errno));
	}
	return 0;
}

/* Draws one image spec, saves the JPEG and inserts its images row. */
static int
demo_image(struct demo *d, const char *name, const json_t *spec)
{
	unsigned char sum[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1], ws[64], msg[300];
	struct buf svg = BUF_INIT;
	VipsImage *img = NULL, *flat = NULL, *sq;
	int64_t side = json_integer_value(json_object_get(spec, "square"));
	int bad;
	void *jpg = NULL;
	size_t jlen = 0;
	struct db_stmt *st;
	int64_t id = 0;
	int rc = -1;

	/* After this point, all errors go through fail. */
	if (demo_svg(d, name, spec, &svg) != 0)
		goto fail;
	bad = vips_svgload_buffer(svg.p, svg.len, &img, NULL) != 0 ||
	    vips_flatten(img, &flat, NULL) != 0;
	/*
	 * "square": N makes an N x N picture cut from the middle, for a
	 * speaker's photo shown small.
	 */
	if (!bad && side > 0 && side <= DEMO_IMAGE_H) {
		bad = vips_thumbnail_image(flat, &sq, (int)side, "height",
		    (int)side, "crop", VIPS_INTERESTING_CENTRE, NULL) != 0;
		if (!bad) {
			g_object_unref(flat);
			flat = sq;
		}
	}
	if (bad || vips_jpegsave_buffer(flat, &jpg, &jlen, "Q", 82, "strip",
	    TRUE, "optimize_coding", TRUE, NULL) != 0) {
		demo_fail(d, "image \"%s\": %s", name, vips_error_buffer());
		vips_error_clear();
		goto fail;
	}
	crypto_hash_sha256(sum, jpg, jlen);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	if (demo_save(d, hex, jpg, jlen) != 0)
		goto fail;
	/* The widths and WebP files an upload of the drawing would have. */
	if (media_widths(d->media_dir, hex, "jpg", jpg, jlen, ws, sizeof(ws),
	    msg, sizeof(msg)) != 0) {
		demo_fail(d, "image \"%s\": %s", name, msg);
		goto fail;
	}
	if ((st = demo_stmt(d, sql_image)) == NULL)
		goto fail;
	db_bind_str(st, 1, hex);
	db_bind_int(st, 2, vips_image_get_width(flat));
	db_bind_int(st, 3, vips_image_get_height(flat));
	db_bind_int(st, 4, (int64_t)jlen);
	db_bind_str(st, 5, demo_str0(spec, "alt"));
	db_bind_int(st, 6, d->now);
	db_bind_str(st, 7, ws);
	if (demo_insert(d, st, "image", name, &id) != 0)
		goto fail;
	demo_remember(d->images, name, id);
	json_object_set_new(d->image_hashes, name, json_string(hex));
	rc = 0;
fail:
	if (flat != NULL)
		g_object_unref(flat);
	if (img != NULL)
		g_object_unref(img);
	g_free(jpg);
	buf_free(&svg);
	return rc;
}

static int
demo_images(struct demo *d, const json_t *specs)
{
	const char *name;
	json_t *spec;

	if (VIPS_INIT("masthead") != 0) {
		demo_fail(d, "libvips: %s", vips_error_buffer());
		vips_error_clear();
		return -1;
	}
	if (sodium_init() < 0)
		return demo_fail(d, "libsodium failed to initialise");
	if (demo_mkdirs(d, d->media_dir) != 0)
		return -1;
	json_object_foreach((json_t *)specs, name, spec)
		if (demo_image(d, name, spec) != 0)
			return -1;
	return 0;
}

/*
 * A square podcast cover made of the illustration name, once: its hash
 * is kept in image_hashes under "cover:<name>".
 */
static int
demo_square(struct demo *d, const json_t *site, const char *name,
    char hash[65])
{
	const json_t *spec;
	struct buf svg = BUF_INIT;
	char key[96];
	int rc;

	snprintf(key, sizeof(key), "cover:%s", name);
	if (json_is_string(json_object_get(d->image_hashes, key))) {
		snprintf(hash, 65, "%s", json_string_value(json_object_get(
		    d->image_hashes, key)));
		return 0;
	}
	if ((spec = json_object_get(json_object_get(site, "images"),
	    name)) == NULL)
		return demo_fail(d, "site.json: cover: no image \"%s\"", name);
	rc = demo_svg(d, name, spec, &svg) != 0 ? -1 : demo_podcast(d->db,
	    d->media_dir, svg.p, svg.len, demo_str0(spec, "alt"), hash,
	    d->err, d->errlen);
	buf_free(&svg);
	if (rc == 0)
		json_object_set_new(d->image_hashes, key, json_string(hash));
	return rc;
}

/* The podcast's cover, from the image spec site.json's podcast_art names. */
static int
demo_cover(struct demo *d, const json_t *site)
{
	const char *name = demo_str(site, "podcast_art");
	char hash[65];

	if (name == NULL)
		return 0;
	if (demo_square(d, site, name, hash) != 0)
		return -1;
	if (store_setting_set(d->db, "podcast_image", hash) != STORE_OK)
		return demo_fail(d, "podcast cover: %s", db_errmsg(d->db));
	return 0;
}

/*
 * The podcasts and video series (docs/media.md): a podcast's "cover" is
 * an illustration made square for the directories, a series' "image"
 * one of the site's images as it is.
 */
static int
demo_shows(struct demo *d, const json_t *site)
{
	const json_t *list = json_object_get(site, "shows"), *s;
	struct show_input in;
	char hash[65];
	int64_t id;
	size_t i;

	json_array_foreach(list, i, s) {
		memset(&in, 0, sizeof(in));
		hash[0] = '\0';
		in.slug = demo_str0(s, "slug");
		in.kind = demo_str0(s, "kind");
		in.title = demo_str0(s, "title");
		in.description = demo_str0(s, "description");
		in.author = demo_str0(s, "author");
		in.email = demo_str0(s, "email");
		in.category = demo_str0(s, "category");
		in.position = (int64_t)i;
		if (demo_str(s, "cover") != NULL &&
		    demo_square(d, site, demo_str(s, "cover"), hash) != 0)
			return -1;
		if (demo_str(s, "image") != NULL)
			snprintf(hash, sizeof(hash), "%s", json_string_value(
			    json_object_get(d->image_hashes, demo_str(s,
			    "image"))) != NULL ? json_string_value(
			    json_object_get(d->image_hashes, demo_str(s,
			    "image"))) : "");
		in.image = hash;
		if (store_show_save(d->db, &in, d->now, &id) != STORE_OK)
			return demo_fail(d, "show \"%s\": %s", in.slug,
			    db_errmsg(d->db));
	}
	return 0;
}

/*
 * The publication's structure: settings, sections, menus, people, tags.
 */
/*
 * The sister sites (docs/sites.md): each takes its sections, with
 * their stories, from the instance's own site.
 */
static int
demo_sites(struct demo *d, const json_t *list)
{
	const json_t *o, *sec;
	struct site s;
	size_t i, j;

	json_array_foreach(list, i, o) {
		memset(&s, 0, sizeof(s));
		strlcpy_(s.slug, demo_str0(o, "slug"), sizeof(s.slug));
		strlcpy_(s.host, demo_str0(o, "host"), sizeof(s.host));
		strlcpy_(s.name, demo_str0(o, "name"), sizeof(s.name));
		strlcpy_(s.tagline, demo_str0(o, "tagline"), sizeof(s.tagline));
		strlcpy_(s.accent, demo_str0(o, "accent"), sizeof(s.accent));
		if (!sites_slug_ok(s.slug) || !sites_host_ok(s.host) ||
		    !sites_accent_ok(s.accent))
			return demo_fail(d, "site \"%s\": bad slug, host or "
			    "accent", s.slug);
		if (store_site_put(d->db, &s) != STORE_OK)
			return demo_fail(d, "site %s: %s", s.slug,
			    db_errmsg(d->db));
		json_array_foreach(json_object_get(o, "sections"), j, sec)
			if (store_site_adopt(d->db, s.id,
			    json_string_value(sec)) != STORE_OK)
				return demo_fail(d, "site %s: %s", s.slug,
				    db_errmsg(d->db));
	}
	return 0;
}

/* The newsletters that name a sister site ("site") become its lists. */
static int
demo_newsletter_sites(struct demo *d, const json_t *list)
{
	struct db_stmt *st;
	const json_t *o;
	size_t i;

	json_array_foreach(list, i, o) {
		if (demo_str(o, "site") == NULL)
			continue;
		if ((st = demo_stmt(d, sql_newsletter_site)) == NULL)
			return -1;
		db_bind_str(st, 1, demo_str0(o, "slug"));
		db_bind_str(st, 2, demo_str(o, "site"));
		if (db_run(st) != DB_OK)
			return demo_fail(d, "newsletter \"%s\": no site \"%s\"",
			    demo_str0(o, "slug"), demo_str(o, "site"));
	}
	return 0;
}

static int
demo_settings(struct demo *d, const json_t *settings)
{
	struct db_stmt *st;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)settings, key, v) {
		if (!json_is_string(v))
			return demo_fail(d, "site.json: setting \"%s\" is not"
			    " a string", key);
		if ((st = demo_stmt(d, sql_setting)) == NULL)
			return -1;
		db_bind_str(st, 1, key);
		db_bind_str(st, 2, json_string_value(v));
		if (db_run(st) != DB_OK)
			return demo_fail(d, "setting \"%s\": %s", key,
			    db_errmsg(d->db));
	}
	return 0;
}

static int
demo_sections(struct demo *d, const json_t *list, int64_t parent_id,
    const char *parent_kind)
{
	const char *slug, *name, *kind;
	struct db_stmt *st;
	size_t i;
	json_t *s;
	int64_t id = 0;

	json_array_foreach(list, i, s) {
		if (demo_need(d, s, "section", "slug", &slug) != 0 ||
		    demo_need(d, s, slug, "name", &name) != 0)
			return -1;
		if ((kind = demo_str(s, "kind")) == NULL)
			kind = parent_kind;
		if ((st = demo_stmt(d, sql_section)) == NULL)
			return -1;
		if (parent_id != 0)
			db_bind_int(st, 1, parent_id);
		else
			db_bind_null(st, 1);
		db_bind_str(st, 2, slug);
		db_bind_str(st, 3, name);
		db_bind_str(st, 4, kind);
		db_bind_str(st, 5, demo_str0(s, "description"));
		db_bind_int(st, 6, (int64_t)i);
		if (demo_insert(d, st, "section", slug, &id) != 0)
			return -1;
		demo_remember(d->sections, slug, id);
		json_object_set_new(d->section_names, slug, json_string(name));
		if (demo_sections(d, json_object_get(s, "children"), id,
		    kind) != 0)
			return -1;
	}
	return 0;
}

#define MENU_UPCOMING	6	/* events the Events menu lists */
#define MENU_PAST	3	/* and the archive's menu */

struct menu_event {
	int64_t		 starts;
	const char	*slug, *name;
};

static int
menu_event_cmp(const void *a, const void *b)
{
	const struct menu_event *x = a, *y = b;

	return (x->starts > y->starts) - (x->starts < y->starts);
}

/*
 * A menu item with "events": "upcoming" (or "past") lists the events
 * that are to come, soonest first (or the latest that took place), after
 * its own children: the demo is loaded at any date, and a menu written
 * once would soon point at last year's editions.
 */
static int
demo_menu_events(struct demo *d, const char *menu, const char *which,
    int64_t parent_id, int64_t position)
{
	struct menu_event ev[64];
	struct db_stmt *st;
	char url[300];
	size_t i, n = 0, k, max;
	int64_t starts, ends, id;
	int past = strcmp(which, "past") == 0;
	json_t *e;

	if (!past && strcmp(which, "upcoming") != 0)
		return demo_fail(d, "menu: \"events\" is upcoming or past, not "
		    "\"%s\"", which);
	json_array_foreach(d->event_list, i, e) {
		if (n == ARRAY_SIZE(ev) ||
		    demo_time(d, e, "starts", "event", &starts) != 0 ||
		    demo_time(d, e, "ends", "event", &ends) != 0)
			return n == ARRAY_SIZE(ev) ? demo_fail(d, "menu: too "
			    "many events") : -1;
		if ((ends > d->now) == past)
			continue;
		ev[n].starts = past ? -starts : starts;
		ev[n].slug = demo_str0(e, "slug");
		ev[n].name = demo_str0(e, "name");
		n++;
	}
	qsort(ev, n, sizeof(ev[0]), menu_event_cmp);
	max = past ? MENU_PAST : MENU_UPCOMING;
	for (k = 0; k < n && k < max; k++) {
		if ((st = demo_stmt(d, sql_menu_item)) == NULL)
			return -1;
		snprintf(url, sizeof(url), "/events/%s", ev[k].slug);
		db_bind_str(st, 1, menu);
		db_bind_int(st, 2, parent_id);
		db_bind_int(st, 3, position + (int64_t)k);
		db_bind_str(st, 4, ev[k].name);
		db_bind_str(st, 5, url);
		if (demo_insert(d, st, "menu item", ev[k].name, &id) != 0)
			return -1;
	}
	return 0;
}

static int
demo_menu(struct demo *d, const char *menu, const json_t *list,
    int64_t parent_id)
{
	const char *label;
	struct db_stmt *st;
	size_t i;
	json_t *m;
	int64_t id = 0;

	json_array_foreach(list, i, m) {
		if (demo_need(d, m, menu, "label", &label) != 0 ||
		    (st = demo_stmt(d, sql_menu_item)) == NULL)
			return -1;
		db_bind_str(st, 1, menu);
		if (parent_id != 0)
			db_bind_int(st, 2, parent_id);
		else
			db_bind_null(st, 2);
		db_bind_int(st, 3, (int64_t)i);
		db_bind_str(st, 4, label);
		db_bind_str(st, 5, demo_str0(m, "url"));
		if (demo_insert(d, st, "menu item", label, &id) != 0 ||
		    demo_menu(d, menu, json_object_get(m, "children"), id) != 0)
			return -1;
		if (demo_str(m, "events") != NULL &&
		    demo_menu_events(d, menu, demo_str(m, "events"), id,
		    (int64_t)json_array_size(json_object_get(m, "children"))) !=
		    0)
			return -1;
	}
	return 0;
}

static int
demo_people(struct demo *d, const json_t *site)
{
	const char *slug, *name;
	struct db_stmt *st;
	size_t i;
	json_t *o;
	int64_t id = 0;

	json_array_foreach(json_object_get(site, "authors"), i, o) {
		if (demo_need(d, o, "author", "slug", &slug) != 0 ||
		    demo_need(d, o, slug, "name", &name) != 0 ||
		    (st = demo_stmt(d, sql_author)) == NULL)
			return -1;
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, name);
		db_bind_str(st, 3, demo_str0(o, "role"));
		db_bind_str(st, 4, demo_str0(o, "company"));
		db_bind_str(st, 5, demo_str0(o, "bio"));
		db_bind_int(st, 6, d->now);
		if (demo_insert(d, st, "author", slug, &id) != 0)
			return -1;
		demo_remember(d->authors, slug, id);
	}
	json_array_foreach(json_object_get(site, "sponsors"), i, o) {
		if (demo_need(d, o, "sponsor", "slug", &slug) != 0 ||
		    demo_need(d, o, slug, "name", &name) != 0 ||
		    (st = demo_stmt(d, sql_sponsor)) == NULL)
			return -1;
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, name);
		db_bind_str(st, 3, demo_str0(o, "url"));
		if (demo_insert(d, st, "sponsor", slug, &id) != 0)
			return -1;
		demo_remember(d->sponsors, slug, id);
	}
	json_array_foreach(json_object_get(site, "tags"), i, o) {
		if (demo_need(d, o, "tag", "slug", &slug) != 0 ||
		    demo_need(d, o, slug, "name", &name) != 0 ||
		    (st = demo_stmt(d, sql_tag)) == NULL)
			return -1;
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, name);
		if (demo_insert(d, st, "tag", slug, &id) != 0)
			return -1;
		demo_remember(d->tags, slug, id);
	}
	return 0;
}

/*
 * Events, webinars, promos and static pages.
 */
/*
 * An event's speakers: {"name", "title", "company", "photo": an image of
 * site.json's}.  The people are invented for the demo.
 */
static int
demo_speakers(struct demo *d, int64_t id, const json_t *list,
    const char *slug)
{
	struct speaker_input s[SPEAKERS_MAX];
	const char *photo;
	json_t *v;
	size_t i, n = 0;

	json_array_foreach(list, i, v) {
		if (n == SPEAKERS_MAX)
			break;
		if (demo_need(d, v, slug, "name", &s[n].name) != 0)
			return -1;
		s[n].title = demo_str0(v, "title");
		s[n].company = demo_str0(v, "company");
		photo = demo_str0(v, "photo");
		s[n].image = json_string_value(json_object_get(d->image_hashes,
		    photo));
		if (photo[0] != '\0' && s[n].image == NULL)
			return demo_fail(d, "%s: speaker photo \"%s\" is no "
			    "image of site.json", slug, photo);
		if (s[n].image == NULL)
			s[n].image = "";
		n++;
	}
	if (n > 0 && store_event_speakers_set(d->db, id, s, n) != STORE_OK)
		return demo_fail(d, "%s: speakers", slug);
	return 0;
}

/*
 * Registration settings (capacity, questions: a list, one a string) and,
 * for an event, its agenda: {"day": offset from the first day, "start",
 * "end", "title", "speakers", "description"}.
 */
static int
demo_registration(struct demo *d, enum reg_kind k, int64_t id,
    int64_t starts, const json_t *o, const char *slug)
{
	struct session_input s[64];
	struct buf qs = BUF_INIT;
	json_t *v, *agenda = json_object_get(o, "agenda");
	char days[64][16];
	time_t t;
	struct tm tm;
	size_t i, n = 0;
	int rc;

	json_array_foreach(json_object_get(o, "questions"), i, v)
		buf_printf(&qs, "%s\n", json_string_value(v));
	rc = store_reg_settings_save(d->db, k, id, json_integer_value(
	    json_object_get(o, "capacity")), 0, qs.p != NULL ? qs.p : "");
	buf_free(&qs);
	if (rc != STORE_OK)
		return demo_fail(d, "%s: registration settings", slug);
	json_array_foreach(agenda, i, v) {
		if (n == 64)
			break;
		t = (time_t)(starts + 86400 * json_integer_value(
		    json_object_get(v, "day")));
		gmtime_r(&t, &tm);
		strftime(days[n], sizeof(days[n]), "%Y-%m-%d", &tm);
		s[n].day = days[n];
		s[n].start_time = demo_str0(v, "start");
		s[n].end_time = demo_str0(v, "end");
		s[n].title = demo_str0(v, "title");
		s[n].speakers = demo_str0(v, "speakers");
		s[n].description = demo_str0(v, "description");
		n++;
	}
	if (n > 0 && store_event_sessions_set(d->db, id, s, n) != STORE_OK)
		return demo_fail(d, "%s: agenda", slug);
	return k == REG_EVENT ? demo_speakers(d, id, json_object_get(o,
	    "speakers"), slug) : 0;
}

static int
demo_events(struct demo *d, const json_t *list)
{
	const char *slug, *name, *kind, *venue;
	struct db_stmt *st;
	int64_t starts, ends, id;
	size_t i, k;
	json_t *e;

	json_array_foreach(list, i, e) {
		if (demo_need(d, e, "event", "slug", &slug) != 0 ||
		    demo_need(d, e, slug, "name", &name) != 0 ||
		    demo_need(d, e, slug, "kind", &kind) != 0 ||
		    demo_time(d, e, "starts", slug, &starts) != 0 ||
		    demo_time(d, e, "ends", slug, &ends) != 0)
			return -1;
		if (ends < starts)
			return demo_fail(d, "event \"%s\" ends before it starts",
			    slug);
		if (demo_render(d, demo_str0(e, "body"), slug) != 0 ||
		    (st = demo_stmt(d, sql_event)) == NULL)
			return -1;
		venue = demo_str0(e, "venue");
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, name);
		db_bind_str(st, 3, kind);
		db_bind_str(st, 4, demo_str0(e, "summary"));
		db_bind_str(st, 5, demo_str0(e, "body"));
		demo_bind_html(d, st, 6);
		db_bind_int(st, 7, starts);
		db_bind_int(st, 8, ends);
		db_bind_str(st, 9, demo_str(e, "timezone") != NULL ?
		    demo_str(e, "timezone") : "UTC");
		db_bind_str(st, 10, venue);
		db_bind_int(st, 11, json_is_integer(json_object_get(e,
		    "online")) ? json_integer_value(json_object_get(e,
		    "online")) : *venue == '\0');
		db_bind_str(st, 12, demo_str0(e, "url"));
		for (k = 0; k < ARRAY_SIZE(event_address); k++)
			db_bind_str(st, 14 + (int)k, demo_str0(e, event_address[k]));
		if (demo_bind_ref(d, st, 13, d->sponsors, "sponsor",
		    demo_str(e, "sponsor"), slug) != 0 ||
		    demo_bind_ref(d, st, 19, d->images, "image",
		    demo_str(e, "image"), slug) != 0 ||
		    demo_insert(d, st, "event", slug, &id) != 0 ||
		    demo_registration(d, REG_EVENT, id, starts, e, slug) != 0)
			return -1;
		demo_remember(d->events, slug, id);
	}
	return 0;
}

static int
demo_webinars(struct demo *d, const json_t *list)
{
	const char *slug, *title;
	struct db_stmt *st;
	json_t *w, *dur;
	int64_t starts, id;
	size_t i;

	json_array_foreach(list, i, w) {
		if (demo_need(d, w, "webinar", "slug", &slug) != 0 ||
		    demo_need(d, w, slug, "title", &title) != 0 ||
		    demo_time(d, w, "starts", slug, &starts) != 0 ||
		    demo_render(d, demo_str0(w, "body"), slug) != 0 ||
		    (st = demo_stmt(d, sql_webinar)) == NULL)
			return -1;
		dur = json_object_get(w, "duration");
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, title);
		db_bind_str(st, 3, demo_str0(w, "series"));
		db_bind_str(st, 4, demo_str0(w, "summary"));
		db_bind_str(st, 5, demo_str0(w, "body"));
		demo_bind_html(d, st, 6);
		db_bind_int(st, 7, starts);
		db_bind_int(st, 8, json_is_integer(dur) ?
		    json_integer_value(dur) : 60);
		db_bind_str(st, 11, demo_str0(w, "recording_url"));
		db_bind_str(st, 12, demo_str0(w, "join_url"));
		db_bind_str(st, 14, demo_str0(w, "series_slug"));
		if (demo_bind_ref(d, st, 13, d->sections, "topic",
		    demo_str(w, "topic"), slug) != 0 ||
		    demo_bind_ref(d, st, 9, d->sponsors, "sponsor",
		    demo_str(w, "sponsor"), slug) != 0 ||
		    demo_bind_ref(d, st, 10, d->events, "event",
		    demo_str(w, "event"), slug) != 0 ||
		    demo_insert(d, st, "webinar", slug, &id) != 0 ||
		    demo_registration(d, REG_WEBINAR, id, starts, w, slug) != 0)
			return -1;
	}
	return 0;
}

/* The newsletters and the sections each draws from. */
static int
demo_newsletters(struct demo *d, const json_t *list)
{
	const char *slug, *name;
	struct db_stmt *st;
	json_t *o, *sec;
	int64_t id = 0, sid = 0;
	size_t i, k;

	json_array_foreach(list, i, o) {
		if (demo_need(d, o, "newsletter", "slug", &slug) != 0 ||
		    demo_need(d, o, slug, "name", &name) != 0 ||
		    (st = demo_stmt(d, sql_newsletter)) == NULL)
			return -1;
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, name);
		db_bind_str(st, 3, demo_str0(o, "description"));
		db_bind_int(st, 4, (int64_t)i);
		db_bind_int(st, 5, d->now);
		if (demo_insert(d, st, "newsletter", slug, &id) != 0)
			return -1;
		json_array_foreach(json_object_get(o, "sections"), k, sec) {
			if (demo_lookup(d, d->sections, "section",
			    json_string_value(sec) != NULL ?
			    json_string_value(sec) : "", slug, &sid) != 0 ||
			    (st = demo_stmt(d, sql_newsletter_section)) == NULL)
				return -1;
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, sid);
			if (db_run(st) != DB_OK)
				return demo_fail(d, "newsletter \"%s\": %s",
				    slug, db_errmsg(d->db));
		}
	}
	return 0;
}

static int
demo_promos_pages(struct demo *d, const json_t *site)
{
	const char *text, *slug, *title;
	struct db_stmt *st;
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(site, "promos"), i, o) {
		if (demo_need(d, o, "promo", "text", &text) != 0 ||
		    (st = demo_stmt(d, sql_promo)) == NULL ||
		    demo_bind_ref(d, st, 1, d->sections, "section",
		    demo_str(o, "section"), "promo") != 0)
			return -1;
		db_bind_str(st, 2, text);
		db_bind_str(st, 3, demo_str0(o, "link_text"));
		db_bind_str(st, 4, demo_str0(o, "url"));
		if (db_run(st) != DB_OK)
			return demo_fail(d, "promo: %s", db_errmsg(d->db));
	}
	json_array_foreach(json_object_get(site, "pages"), i, o) {
		if (demo_need(d, o, "page", "slug", &slug) != 0 ||
		    demo_need(d, o, slug, "title", &title) != 0 ||
		    demo_render(d, demo_str0(o, "body"), slug) != 0 ||
		    (st = demo_stmt(d, sql_page)) == NULL)
			return -1;
		db_bind_str(st, 1, slug);
		db_bind_str(st, 2, title);
		db_bind_str(st, 3, demo_str0(o, "body"));
		demo_bind_html(d, st, 4);
		db_bind_int(st, 5, d->now);
		if (db_run(st) != DB_OK)
			return demo_fail(d, "page \"%s\": %s", slug,
			    db_errmsg(d->db));
	}
	return 0;
}

/*
 * Articles.
 */
void
demo_article_clear(struct demo_article *a)
{
	char **const f[] = {
		&a->slug, &a->title, &a->type, &a->section, &a->authors,
		&a->tags, &a->dek, &a->image, &a->caption, &a->credit,
		&a->licence, &a->licence_url, &a->sponsor, &a->signoff,
		&a->media_url, &a->media_type, &a->media_bytes,
		&a->media_seconds, &a->show, &a->embed_url, &a->chapters,
		&a->transcript, &a->body,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
	a->published_at = 0;
}

void
demo_articles_free(struct demo_article *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		demo_article_clear(&a[i]);
	free(a);
}

/* The front matter keys of an article file and where they go. */
static const struct {
	const char	*key;
	size_t		 off;
} demo_fm_keys[] = {
	{ "title", offsetof(struct demo_article, title) },
	{ "slug", offsetof(struct demo_article, slug) },
	{ "type", offsetof(struct demo_article, type) },
	{ "section", offsetof(struct demo_article, section) },
	{ "authors", offsetof(struct demo_article, authors) },
	{ "tags", offsetof(struct demo_article, tags) },
	{ "dek", offsetof(struct demo_article, dek) },
	{ "image", offsetof(struct demo_article, image) },
	{ "caption", offsetof(struct demo_article, caption) },
	{ "credit", offsetof(struct demo_article, credit) },
	{ "licence", offsetof(struct demo_article, licence) },
	{ "licence_url", offsetof(struct demo_article, licence_url) },
	{ "sponsor", offsetof(struct demo_article, sponsor) },
	{ "signoff", offsetof(struct demo_article, signoff) },
	{ "media_url", offsetof(struct demo_article, media_url) },
	{ "media_type", offsetof(struct demo_article, media_type) },
	{ "media_bytes", offsetof(struct demo_article, media_bytes) },
	{ "media_seconds", offsetof(struct demo_article, media_seconds) },
	{ "show", offsetof(struct demo_article, show) },
	{ "embed_url", offsetof(struct demo_article, embed_url) },
	{ "chapters", offsetof(struct demo_article, chapters) },
};

static size_t
demo_trim(const char **p, size_t n)
{
	while (n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		n--;
	}
	while (n > 0 && ((*p)[n - 1] == ' ' || (*p)[n - 1] == '\t' ||
	    (*p)[n - 1] == '\r'))
		n--;
	return n;
}

/*
 * An episode's file ends with its transcript after a line
 * "+++ transcript"; its chapters are one front matter line, the
 * chapters apart by " | ", which become the lines the store keeps.
 */
#define DEMO_TRANSCRIPT	"\n+++ transcript\n"
static void
demo_split_transcript(struct demo_article *a)
{
	char *cut, *p;

	if ((cut = strstr(a->body, DEMO_TRANSCRIPT)) != NULL) {
		a->transcript = xstrndup(cut + strlen(DEMO_TRANSCRIPT),
		    strlen(cut + strlen(DEMO_TRANSCRIPT)));
		cut[1] = '\0';
	}
	for (p = a->chapters; p != NULL && (p = strstr(p, " | ")) != NULL;) {
		/* " | " becomes "\n" and the two bytes after it move up. */
		*p = '\n';
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
		p++;
	}
}

/* Parses an article file: front matter, a "---" line, the Markdown body. */
static int
demo_parse_article(struct demo *d, const struct embed_file *f,
    struct demo_article *a)
{
	const char *p = (const char *)f->data, *end = p + f->len;
	const char *nl, *key, *val, *colon;
	size_t klen, vlen, i, line = 0;
	char published[64] = "";

	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		key = p;
		klen = demo_trim(&key, (size_t)(nl - p));
		p = nl < end ? nl + 1 : end;
		if (klen == 3 && memcmp(key, "---", 3) == 0) {
			a->body = xstrndup(p, (size_t)(end - p));
			break;
		}
		if (klen == 0)
			continue;
		if ((colon = memchr(key, ':', klen)) == NULL)
			return demo_fail(d, "%s:%zu: expected \"key: value\"",
			    f->name, line);
		val = colon + 1;
		vlen = demo_trim(&val, klen - (size_t)(val - key));
		klen = demo_trim(&key, (size_t)(colon - key));
		if (klen == 9 && memcmp(key, "published", 9) == 0) {
			if (vlen >= sizeof(published))
				return demo_fail(d, "%s:%zu: bad date", f->name,
				    line);
			memcpy(published, val, vlen);
			published[vlen] = '\0';
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(demo_fm_keys); i++)
			if (strlen(demo_fm_keys[i].key) == klen &&
			    memcmp(demo_fm_keys[i].key, key, klen) == 0)
				break;
		if (i == ARRAY_SIZE(demo_fm_keys))
			return demo_fail(d, "%s:%zu: unknown key \"%.*s\"",
			    f->name, line, (int)klen, key);
		free(*(char **)((char *)a + demo_fm_keys[i].off));
		*(char **)((char *)a + demo_fm_keys[i].off) =
		    xstrndup(val, vlen);
	}
	if (a->body == NULL)
		return demo_fail(d, "%s: no \"---\" line before the body",
		    f->name);
	demo_split_transcript(a);
	if (a->slug == NULL || a->title == NULL || a->section == NULL ||
	    a->authors == NULL)
		return demo_fail(d, "%s: slug, title, section and authors are"
		    " required", f->name);
	if (demo_parse_time(published, d->now, &a->published_at) != 0)
		return demo_fail(d, "%s: bad or missing published date \"%s\"",
		    f->name, published);
	return 0;
}

/*
 * The slugs of a comma-separated list of authors or tags as a JSON
 * array, each one checked against map (what the site has).
 */
static int
demo_list(struct demo *d, const char *list, json_t *map, const char *what,
    const char *where, json_t *out)
{
	char slug[DEMO_SLUG_MAX], made[DEMO_SLUG_MAX];
	const char *p = list, *item;
	size_t n, i;
	int64_t id;
	json_t *v;

	while (p != NULL && *p != '\0') {
		item = p;
		n = strcspn(p, ",");
		p = p[n] == ',' ? p + n + 1 : p + n;
		if ((n = demo_trim(&item, n)) == 0)
			continue;
		if (n >= sizeof(slug))
			return demo_fail(d, "%s: slug too long", where);
		memcpy(slug, item, n);
		slug[n] = '\0';
		if (demo_lookup(d, map, what, slug, where, &id) != 0)
			return -1;
		json_array_foreach(out, i, v)
			if (strcmp(json_string_value(v), slug) == 0)
				return demo_fail(d, "%s: %s \"%s\" twice", where,
				    what, slug);
		/* The store names a tag by its name and makes the slug of it. */
		store_slugify(slug, made, sizeof(made));
		if (strcmp(made, slug) != 0)
			return demo_fail(d, "%s: %s \"%s\" is not a slug", where,
			    what, slug);
		json_array_append_new(out, json_string(slug));
	}
	return 0;
}

/*
 * The audio or video of a story (its URL, type, size and length) as
 * fields of the article's input.
 */
static int
demo_media(struct demo *d, json_t *in, const struct demo_article *a)
{
	const char *bytes = a->media_bytes != NULL ? a->media_bytes : "0";
	const char *secs = a->media_seconds != NULL ? a->media_seconds : "0";
	int64_t nbytes, nsecs;

	if (a->media_type == NULL ||
	    parse_int(bytes, strlen(bytes), 0, INT64_MAX, &nbytes) != 0 ||
	    parse_int(secs, strlen(secs), 0, 604800, &nsecs) != 0)
		return demo_fail(d, "%s: media_url needs a media_type, and "
		    "media_bytes and media_seconds are whole numbers", a->slug);
	json_object_set_new(in, "media_url", json_string(a->media_url));
	json_object_set_new(in, "media_type", json_string(a->media_type));
	json_object_set_new(in, "media_bytes", json_integer(nbytes));
	json_object_set_new(in, "media_seconds", json_integer(nsecs));
	return 0;
}

/* Sets key of in to s when s is a string that is not empty. */
static void
demo_set(json_t *in, const char *key, const char *s)
{
	if (s != NULL && *s != '\0')
		json_object_set_new(in, key, json_string(s));
}

/*
 * Stores one article through the store's own creation
 * (store_article_create), as the newsroom would, but published (or
 * scheduled) at its time from the start.
 */
static int
demo_article(struct demo *d, const struct demo_article *a)
{
	const char *type = a->type != NULL ? a->type : "news", *where = a->slug;
	json_t *in, *authors = json_array(), *tags = json_array();
	int64_t id = 0;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(demo_types); i++)
		if (strcmp(type, demo_types[i]) == 0)
			break;
	if (i == ARRAY_SIZE(demo_types)) {
		json_decref(authors);
		json_decref(tags);
		return demo_fail(d, "%s: unknown type \"%s\"", where, type);
	}
	in = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:I,s:I}", "slug",
	    a->slug, "type", type, "title", a->title, "status",
	    a->published_at <= d->now ? "published" : "scheduled", "authors",
	    authors, "tags", tags, "published_at",
	    (json_int_t)a->published_at, "updated_at",
	    (json_int_t)a->published_at, "created_at",
	    (json_int_t)a->published_at);
	if (in == NULL)
		return demo_fail(d, "%s: a field is not UTF-8", where);
	demo_set(in, "dek", a->dek);
	demo_set(in, "body_md", a->body);
	demo_set(in, "hero_caption", a->caption);
	demo_set(in, "hero_credit", a->credit);
	demo_set(in, "hero_licence", a->licence);
	demo_set(in, "hero_licence_url", a->licence_url);
	demo_set(in, "signoff", a->signoff);
	demo_set(in, "section", a->section);
	demo_set(in, "sponsor", a->sponsor);
	demo_set(in, "show", a->show);
	demo_set(in, "embed_url", a->embed_url);
	demo_set(in, "chapters", a->chapters);
	demo_set(in, "transcript", a->transcript);
	demo_set(in, "hero_image", json_string_value(json_object_get(
	    d->image_hashes, a->image != NULL ? a->image : "")));
	/* As migration 0015 says of older stories: markup keeps raw HTML on. */
	json_object_set_new(in, "raw_html", json_boolean(strchr(a->body, '<') !=
	    NULL));
	/* After this point, all errors go through done. */
	rc = -1;
	if (demo_lookup(d, d->sections, "section", a->section, where,
	    &id) != 0 ||
	    (a->sponsor != NULL && *a->sponsor != '\0' &&
	    demo_lookup(d, d->sponsors, "sponsor", a->sponsor, where,
	    &id) != 0) ||
	    (a->image != NULL && *a->image != '\0' &&
	    demo_lookup(d, d->images, "image", a->image, where, &id) != 0) ||
	    demo_list(d, a->authors, d->authors, "author", where,
	    authors) != 0 ||
	    demo_list(d, a->tags, d->tags, "tag", where, tags) != 0)
		goto done;
	if (json_array_size(authors) == 0) {
		demo_fail(d, "%s: no author", where);
		goto done;
	}
	if ((a->media_url != NULL && demo_media(d, in, a) != 0) ||
	    demo_render(d, a->body, where) != 0)
		goto done;
	if (store_article_create(d->db, in, d->html.len ? d->html.p : "",
	    &id) != STORE_OK) {
		demo_fail(d, "article \"%s\": %s", where, db_errmsg(d->db));
		goto done;
	}
	json_object_set_new(d->slugs, a->slug, json_true());
	rc = 0;
done:
	json_decref(in);
	return rc;
}

static int
demo_handwritten(struct demo *d)
{
	static const char dir[] = "demo/articles/";
	struct demo_article a;
	unsigned long i;
	size_t n;
	int rc;

	for (i = 0; i < embed_count; i++) {
		const char *name = embed_files[i].name;

		n = strlen(name);
		if (strncmp(name, dir, sizeof(dir) - 1) != 0 || n < 3 ||
		    strcmp(name + n - 3, ".md") != 0)
			continue;
		memset(&a, 0, sizeof(a));
		rc = demo_parse_article(d, &embed_files[i], &a);
		if (rc == 0)
			rc = demo_article(d, &a);
		demo_article_clear(&a);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
demo_generated(struct demo *d, const json_t *gen)
{
	struct demo_article *arts = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (demo_gen_articles(gen, d->section_names, d->now, d->slugs, &arts,
	    &n, d->err, d->errlen) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = demo_article(d, &arts[i]);
	demo_articles_free(arts, n);
	return rc;
}

/* Parses an embedded JSON file. */
static json_t *
demo_json(struct demo *d, const char *name)
{
	const struct embed_file *f = embed_find(name);
	json_error_t je;
	json_t *j;

	if (f == NULL) {
		demo_fail(d, "%s is not embedded in this binary", name);
		return NULL;
	}
	if ((j = json_loadb((const char *)f->data, f->len, 0, &je)) == NULL)
		demo_fail(d, "%s:%d: %s", name, je.line, je.text);
	else if (!json_is_object(j)) {
		demo_fail(d, "%s: not a JSON object", name);
		json_decref(j);
		j = NULL;
	}
	return j;
}

int
demo_load(struct db *db, const char *media_dir, char *err, size_t errlen)
{
	struct demo d;
	json_t *site = NULL, *gen = NULL, **maps[] = {
		&d.sections, &d.section_names, &d.authors, &d.sponsors,
		&d.tags, &d.images, &d.image_hashes, &d.events, &d.slugs,
	};
	struct db_stmt *st;
	int64_t have;
	size_t i;
	int rc = -1, intx = 0;

	memset(&d, 0, sizeof(d));
	d.db = db;
	d.media_dir = media_dir;
	d.now = now_unix();
	d.err = err;
	d.errlen = errlen;
	buf_init(&d.html, 0);
	for (i = 0; i < ARRAY_SIZE(maps); i++)
		*maps[i] = json_object();

	/* After this point, all errors go through fail. */
	if ((st = demo_stmt(&d, sql_count_articles)) == NULL)
		goto fail;
	if (db_step(st) != DB_ROW) {
		demo_fail(&d, "counting articles: %s", db_errmsg(db));
		db_reset(st);
		goto fail;
	}
	have = db_col_int(st, 0);
	db_reset(st);
	if (have > 0) {
		demo_fail(&d, "the database already has %lld articles; the demo"
		    " loads only into an empty database", (long long)have);
		goto fail;
	}
	if ((site = demo_json(&d, "demo/site.json")) == NULL ||
	    (gen = demo_json(&d, "demo/generator.json")) == NULL)
		goto fail;
	if (db_begin(db) != DB_OK) {
		demo_fail(&d, "begin: %s", db_errmsg(db));
		goto fail;
	}
	intx = 1;
	d.event_list = json_object_get(site, "events");
	if (demo_settings(&d, json_object_get(site, "settings")) != 0 ||
	    demo_images(&d, json_object_get(site, "images")) != 0 ||
	    demo_cover(&d, site) != 0 ||
	    demo_shows(&d, site) != 0 ||
	    demo_sections(&d, json_object_get(site, "sections"), 0,
	    "topic") != 0 ||
	    demo_menu(&d, "main", json_object_get(json_object_get(site,
	    "menus"), "main"), 0) != 0 ||
	    demo_menu(&d, "footer", json_object_get(json_object_get(site,
	    "menus"), "footer"), 0) != 0 ||
	    demo_people(&d, site) != 0 ||
	    demo_events(&d, json_object_get(site, "events")) != 0 ||
	    demo_webinars(&d, json_object_get(site, "webinars")) != 0 ||
	    demo_awards(db, json_object_get(site, "awards"), d.now, err,
	    errlen) != 0 ||
	    demo_promos_pages(&d, site) != 0 ||
	    demo_newsletters(&d, json_object_get(site, "newsletters")) != 0 ||
	    demo_resources(db, media_dir, json_object_get(site, "resources"),
	    d.sponsors, d.images, d.now, err, errlen) != 0 ||
	    demo_handwritten(&d) != 0 ||
	    demo_generated(&d, gen) != 0 ||
	    demo_hubs(db, json_object_get(site, "hubs"), d.sponsors, d.now,
	    err, errlen) != 0 ||
	    demo_sites(&d, json_object_get(site, "sites")) != 0 ||
	    demo_newsletter_sites(&d, json_object_get(site,
	    "newsletters")) != 0)
		goto fail;
	if ((st = demo_stmt(&d, sql_show_of_section)) == NULL)
		goto fail;
	if (db_run(st) != DB_OK) {
		demo_fail(&d, "shows: %s", db_errmsg(db));
		goto fail;
	}
	if (db_commit(db) != DB_OK) {
		demo_fail(&d, "commit: %s", db_errmsg(db));
		goto fail;
	}
	intx = 0;
	rc = 0;
fail:
	if (intx)
		db_rollback(db);
	for (i = 0; i < ARRAY_SIZE(maps); i++)
		json_decref(*maps[i]);
	json_decref(site);
	json_decref(gen);
	buf_free(&d.html);
	return rc;
}
