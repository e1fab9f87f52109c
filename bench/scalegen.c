/*
 * scalegen.c — fills a masthead database with a large generated archive
 * for bench/scale: sections (a tree), authors, tags, users, articles with
 * their listing rows, and comments, plus the settings, menus, events,
 * webinars and promos a page needs.
 *
 *   cc -O2 -o scalegen bench/scalegen.c $(pkg-config --cflags --libs sqlite3) -lm
 *   scalegen --db FILE [--masthead ./masthead] [--articles N] [--comments N]
 *            [--sections N] [--authors N] [--users N] [--tags N]
 *            [--events N] [--webinars N] [--hot N] [--seed N]
 *
 * The schema is masthead's own: the file is created by running
 * "masthead migrate --db FILE", then rows are bulk-inserted with prepared
 * statements in large transactions (WAL, synchronous=OFF).  The listing
 * rows (section_articles for the article's section and every ancestor,
 * published_at copied into article_authors and article_tags) are written
 * as the store's reindex would write them.  Everything is drawn from one
 * seeded generator, so the same sizes and seed give the same database.
 * Progress goes to standard error: a bar on a terminal, a line every 10%
 * otherwise.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BATCH_ROWS	50000	/* rows per transaction */
#define YEAR		(365 * 86400LL)
#define TEXT_MAX	(32 * 1024)

/* The sizes of the archive, from the command line. */
struct sizes {
	int64_t	articles, comments, sections, authors, users, tags;
	int64_t	events, webinars;	/* past ones; a few upcoming are added */
	int64_t	hot;			/* comments of the one crowded story */
	uint64_t seed;
};

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---- */

static uint64_t rng_s[4];

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		rng_s[i] = splitmix(&seed);
}

static uint64_t
rng_next(void)
{
	uint64_t r = rng_s[1] * 5, t = rng_s[1] << 17;

	r = ((r << 7) | (r >> 57)) * 9;
	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = (rng_s[3] << 45) | (rng_s[3] >> 19);
	return r;
}

/* Uniform in [0, 1). */
static double
rng_unit(void)
{
	return (double)(rng_next() >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n). */
static int64_t
rng_below(int64_t n)
{
	return n <= 1 ? 0 : (int64_t)(rng_unit() * (double)n);
}

/*
 * Skewed in [0, n): a power of a uniform number crowds the draws towards
 * 0, so a few sections, authors, tags and users get most of the rows, as
 * in a real archive.
 */
static int64_t
rng_skew(int64_t n, double power)
{
	int64_t v = (int64_t)(pow(rng_unit(), power) * (double)n);

	return v >= n ? n - 1 : v;
}

#define PICK(list)	((list)[rng_below((int64_t)ARRAY_SIZE(list))])

/* ---- text: a bounded buffer that truncates and says so once ---- */

struct text {
	char	 p[TEXT_MAX];
	size_t	 len;
	int	 truncated;
};

static void
text_reset(struct text *t)
{
	t->len = 0;
	t->p[0] = '\0';
	t->truncated = 0;
}

static void
text_add(struct text *t, const char *s, size_t n)
{
	if (t->truncated || n >= sizeof(t->p) - t->len) {
		t->truncated = 1;
		return;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void
text_puts(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void
text_printf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
text_printf(struct text *t, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		t->truncated = 1;
		return;
	}
	text_add(t, tmp, (size_t)n);
}

/* Appends s escaped for HTML text (the generated words carry "&"). */
static void
text_html(struct text *t, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: continue;
		}
		text_add(t, s + from, i - from);
		text_puts(t, rep);
		from = i + 1;
	}
	text_add(t, s + from, n - from);
}

/* Writes the slug of s (lower case, words joined by "-") into out. */
static void
slugify(const char *s, char *out, size_t outsz, size_t maxlen)
{
	size_t n = 0;
	int dash = 0;

	if (maxlen >= outsz)
		maxlen = outsz - 1;
	for (; *s != '\0' && n < maxlen; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0 && n + 1 < maxlen)
				out[n++] = '-';
			out[n++] = c;
			dash = 0;
		} else {
			dash = 1;
		}
	}
	out[n] = '\0';
}

/* ---- vocabulary ---- */

static const char *const companies[] = {
	"Verizon", "AT&T", "T-Mobile", "Vodafone", "Orange", "Deutsche Telekom",
	"Telefonica", "BT", "Nokia", "Ericsson", "Samsung", "Cisco", "Juniper",
	"Ciena", "Comcast", "Charter", "Liberty Global", "NTT Docomo",
	"SK Telecom", "Reliance Jio", "Bharti Airtel", "Rakuten", "Dish",
	"Lumen", "Zayo", "Equinix", "AWS", "Google Cloud", "Microsoft",
	"Telstra", "Singtel", "America Movil", "Swisscom", "Telia", "KPN",
	"Iliad", "Cox", "Altice", "Frontier", "Mavenir",
};
static const char *const techs[] = {
	"5G", "Open RAN", "fiber", "DOCSIS 4.0", "Wi-Fi 7", "edge computing",
	"network slicing", "private 5G", "satellite broadband", "XGS-PON",
	"400G optics", "SD-WAN", "cloud-native core", "AI-driven operations",
	"fixed wireless", "mmWave", "6G research", "IoT", "LEO constellation",
	"spectrum sharing", "vRAN", "FTTH", "coherent optics", "SASE",
	"network automation", "standalone 5G", "small cells", "subsea cable",
	"data center interconnect", "RedCap",
};
static const char *const verbs[] = {
	"expands", "launches", "delays", "scraps", "doubles down on", "trials",
	"cuts", "bets on", "wins", "rethinks", "accelerates", "pauses",
	"prices", "unveils", "sells", "outsources", "revives", "shelves",
};
static const char *const verbs_inf[] = {
	"expand", "launch", "delay", "scrap", "trial", "cut", "accelerate",
	"pause", "price", "unveil", "sell", "outsource", "revive", "shelve",
	"rebuild", "speed up", "scale back", "open up",
};
static const char *const things[] = {
	"rollout", "trial", "deal", "contract", "strategy", "budget", "network",
	"upgrade", "pilot", "partnership", "spin-off", "auction bid", "venture",
	"tender", "roadmap", "buildout", "migration", "launch",
};
static const char *const places[] = {
	"Texas", "Germany", "India", "Japan", "Brazil", "the UK", "Spain",
	"Kenya", "Australia", "Canada", "Poland", "Indonesia", "rural markets",
	"Europe", "Asia", "Latin America", "the Nordics", "the Middle East",
	"South Africa", "Mexico", "the Midwest", "Scotland", "Vietnam",
};
static const char *const firsts[] = {
	"Maren", "Desmond", "Felix", "Tomasz", "Juno", "Ada", "Ken", "Priya",
	"Omar", "Lena", "Hiro", "Sofia", "Mateo", "Ines", "Kwame", "Ruth",
	"Arjun", "Mei", "Noor", "Pavel", "Clara", "Diego", "Elif", "Femi",
	"Greta", "Hugo", "Ivy", "Jonas", "Kira", "Lars", "Mira", "Nils",
	"Olga", "Paulo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
	"Wen", "Xavier", "Yara", "Zeno", "Aisha", "Bruno", "Chloe", "Dmitri",
	"Esme", "Farid", "Gita", "Hamid", "Isla", "Jae", "Kofi", "Lucia",
	"Marco", "Nadia", "Oscar", "Petra", "Rafael", "Selin", "Theo", "Una",
	"Viktor", "Wanda", "Yusuf", "Zara", "Anton", "Bea", "Cyrus", "Dora",
	"Emil", "Freya", "Gus", "Hana", "Ivan", "Jana", "Karl", "Lior",
	"Mads", "Nina", "Otto", "Pia", "Remy", "Sara", "Tomas", "Ulla",
	"Vik", "Willa", "Yann", "Zoe", "Alba", "Ben", "Cato", "Dina",
	"Eli", "Fay", "Gil", "Hal",
};
static const char *const lasts[] = {
	"Oakhurst", "Farrowby", "Harrowgate", "Greyling", "Calloway", "Wieland",
	"Okafor", "Lindqvist", "Nakamura", "Ferreira", "Kowalski", "Mensah",
	"Haddad", "Ivanova", "Brennan", "Castillo", "Duarte", "Eriksen",
	"Fischer", "Gallo", "Hughes", "Iqbal", "Jensen", "Kaur", "Laurent",
	"Moreau", "Novak", "Olsen", "Petrov", "Quist", "Rossi", "Santos",
	"Tanaka", "Ueda", "Varga", "Weiss", "Xu", "Yilmaz", "Zhang",
	"Abbott", "Baker", "Chen", "Dalton", "Ellis", "Foster", "Grant",
	"Hale", "Ingram", "Jordan", "Keller", "Lowe", "Mercer", "Nash",
	"Ortiz", "Price", "Quinn", "Reyes", "Shah", "Turner", "Underwood",
	"Vance", "Walsh", "Young", "Ziegler", "Arnold", "Blake", "Cross",
	"Drake", "Evans", "Fleming", "Gordon", "Hart", "Irving", "James",
	"Knight", "Lang", "Marsh", "Noble", "Owens", "Pike", "Rhodes",
	"Stone", "Thorne", "Upton", "Vaughn", "Wells", "York", "Adler",
	"Bishop", "Cole", "Dunn", "Frost", "Gray", "Holt", "Jain", "Kemp",
	"Lyons", "Moss", "North", "Park",
};
static const char *const roles[] = {
	"Senior Editor", "Contributing Editor", "Principal Analyst",
	"Reporter", "Editor-in-Chief", "News Editor", "Correspondent",
	"Contributor",
};
static const char *const section_words[] = {
	"5G", "Cable Tech", "Optical IP", "Open RAN", "The Cloud", "Services",
	"Security", "Broadband", "Video Media", "Wireless", "Satellite",
	"Data Centers", "Automation", "IoT", "Enterprise", "Policy",
	"Finance", "Semiconductors", "Devices", "Edge", "Fiber", "Spectrum",
	"AI", "Test Measurement", "Components", "Backhaul", "Core Network",
	"Private Networks", "Small Cells", "Subsea", "Towers", "Billing",
	"OSS BSS", "SD-WAN", "Wi-Fi", "Metro", "Access", "Transport",
	"Orchestration", "Sustainability",
};
static const char *const regions[] = {
	"Asia", "Europe", "Africa", "Latin America", "Middle East",
	"North America", "Oceania", "Nordics",
};
/* Article types with their share in tenths of a percent. */
static const struct {
	const char	*type;
	int		 per_mille;
} types[] = {
	{ "news", 500 }, { "news-analysis", 200 }, { "feature", 120 },
	{ "opinion", 40 }, { "interview", 40 }, { "video", 30 },
	{ "podcast", 30 }, { "partner-perspective", 20 },
	{ "guest-perspective", 20 },
};

/* ---- sentences ---- */

static void
sentence(struct text *t, int64_t year)
{
	const char *c = PICK(companies), *c2 = PICK(companies);

	switch (rng_below(12)) {
	case 0:
		text_printf(t, "%s said it would %s its %s %s in %s by %lld.",
		    c, PICK(verbs_inf), PICK(techs), PICK(things), PICK(places),
		    (long long)(year + 1 + rng_below(3)));
		break;
	case 1:
		text_printf(t, "Analysts expect %s spending to %s %d%% next "
		    "year, according to %s.", PICK(techs),
		    rng_below(2) ? "rise" : "fall", (int)(2 + rng_below(30)),
		    PICK(companies));
		break;
	case 2:
		text_printf(t, "The move follows %s's decision to %s a %s %s "
		    "earlier this %s.", c2, PICK(verbs_inf), PICK(techs),
		    PICK(things), rng_below(2) ? "year" : "quarter");
		break;
	case 3:
		text_printf(t, "%s %s, %s at %s, said the %s would reach %d "
		    "million homes.", PICK(firsts), PICK(lasts),
		    rng_below(2) ? "chief technology officer" : "head of networks",
		    c, PICK(things), (int)(1 + rng_below(40)));
		break;
	case 4:
		text_printf(t, "Competition from %s has pushed %s to %s its "
		    "plans for %s.", c, c2, PICK(verbs_inf), PICK(techs));
		break;
	case 5:
		text_printf(t, "Regulators in %s are reviewing the %s, which "
		    "could be worth $%d million.", PICK(places), PICK(things),
		    (int)(10 + rng_below(990)));
		break;
	case 6:
		text_printf(t, "%s did not disclose the cost of the %s.", c,
		    PICK(things));
		break;
	case 7:
		text_printf(t, "Its shares %s %d.%d%% in early trading.",
		    rng_below(2) ? "rose" : "fell", (int)rng_below(9),
		    (int)rng_below(10));
		break;
	case 8:
		text_printf(t, "Early %s results in %s showed latency below %d "
		    "milliseconds.", PICK(techs), PICK(places),
		    (int)(2 + rng_below(40)));
		break;
	case 9:
		text_printf(t, "Suppliers including %s and %s are said to be "
		    "bidding for the %s.", c, c2, PICK(things));
		break;
	case 10:
		text_printf(t, "The %s is the largest %s project in %s since "
		    "%lld.", PICK(things), PICK(techs), PICK(places),
		    (long long)(year - 1 - rng_below(8)));
		break;
	default:
		text_printf(t, "%s expects the %s %s to pay for itself within "
		    "%d years.", c, PICK(techs), PICK(things),
		    (int)(2 + rng_below(6)));
		break;
	}
}

/* A title in plain text; its slug is made from it. */
static void
title(struct text *t)
{
	switch (rng_below(4)) {
	case 0:
		text_printf(t, "%s %s %s %s in %s", PICK(companies), PICK(verbs),
		    PICK(techs), PICK(things), PICK(places));
		break;
	case 1:
		text_printf(t, "%s %s %s %s", PICK(companies), PICK(verbs),
		    PICK(techs), PICK(things));
		break;
	case 2:
		text_printf(t, "Why %s's %s %s matters", PICK(companies),
		    PICK(techs), PICK(things));
		break;
	default:
		text_printf(t, "%s: %s %s %s", PICK(techs), PICK(companies),
		    PICK(verbs), PICK(places));
		break;
	}
}

/* Paragraphs of HTML as the Markdown renderer writes them: "<p>…</p>\n". */
static void
body_html(struct text *t, int paragraphs, int64_t year)
{
	struct text s;
	int i, k, n;

	for (i = 0; i < paragraphs; i++) {
		text_puts(t, "<p>");
		n = 2 + (int)rng_below(4);
		for (k = 0; k < n; k++) {
			text_reset(&s);
			sentence(&s, year);
			if (k > 0)
				text_puts(t, " ");
			text_html(t, s.p, s.len);
		}
		text_puts(t, "</p>\n");
	}
}

/* ---- progress on standard error ---- */

struct progress {
	const char	*phase;
	int64_t		 phase_total, phase_done;
	double		 total, done, weight;	/* weighted units, overall */
	double		 t_start, t_phase, t_last;
	int		 tty;
	int		 last_tenth;
};

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_draw(struct progress *p, int final)
{
	double t = now_sec(), frac = p->total > 0 ? p->done / p->total : 1;
	double el = t - p->t_phase, rate = el > 0 ? p->phase_done / el : 0;
	double all = t - p->t_start, eta = frac > 0 ? all / frac - all : 0;
	char bar[31];
	int i, fill = (int)(frac * 30), tenth;

	if (!final && t - p->t_last < 0.2)
		return;
	p->t_last = t;
	if (!p->tty) {
		/* A log file gets a line every tenth of a phase. */
		tenth = p->phase_total > 0 ? (int)(p->phase_done * 10 /
		    p->phase_total) : 10;
		if (!final && tenth == p->last_tenth)
			return;
		p->last_tenth = tenth;
	}
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "%s[%s] %5.1f%%  %-9s %10lld/%-10lld %9.0f rows/s"
	    "  %4.0fs elapsed, ~%.0fs left%s", p->tty ? "\r" : "", bar,
	    frac * 100, p->phase, (long long)p->phase_done,
	    (long long)p->phase_total, rate, all, eta < 0 ? 0 : eta,
	    p->tty ? "\033[K" : "\n");
	if (final && p->tty)
		fputc('\n', stderr);
}

static void
progress_phase(struct progress *p, const char *name, int64_t total,
    double weight)
{
	p->phase = name;
	p->phase_total = total;
	p->phase_done = 0;
	p->weight = weight;
	p->t_phase = now_sec();
	p->last_tenth = -1;
}

static void
progress_step(struct progress *p)
{
	p->phase_done++;
	p->done += p->weight;
	if ((p->phase_done & 1023) == 0)
		progress_draw(p, 0);
}

static void
progress_end(struct progress *p)
{
	progress_draw(p, 1);
	fprintf(stderr, "  %s: %lld rows in %.1f s\n", p->phase,
		    (long long)p->phase_total, now_sec() - p->t_phase);
}

/* ---- the database ---- */

enum stmt {
	ST_SETTING, ST_SECTION, ST_MENU, ST_SPONSOR, ST_EVENT, ST_WEBINAR,
	ST_PROMO, ST_PAGE, ST_AUTHOR, ST_TAG, ST_USER, ST_ARTICLE,
	ST_ARTICLE_AUTHOR, ST_ARTICLE_TAG, ST_SECTION_ARTICLE, ST_COMMENT,
	ST_COMMENT_COUNT, ST__MAX
};

static const char *const sql[ST__MAX] = {
	[ST_SETTING] = "INSERT INTO settings (key, value) VALUES (?1, ?2)",
	[ST_SECTION] = "INSERT INTO sections (id, parent_id, slug, name, kind,"
	    " description, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_MENU] = "INSERT INTO menu_items (id, menu, parent_id, position,"
	    " label, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_SPONSOR] = "INSERT INTO sponsors (id, slug, name, url)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[ST_EVENT] = "INSERT INTO events (slug, name, kind, summary, body_md,"
	    " body_html, starts_at, ends_at, venue, online, sponsor_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_WEBINAR] = "INSERT INTO webinars (slug, title, series, summary,"
	    " body_md, body_html, starts_at, duration_min, sponsor_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_PROMO] = "INSERT INTO promos (section_id, text, link_text, url,"
	    " active) VALUES (?1, ?2, ?3, ?4, 1)",
	[ST_PAGE] = "INSERT INTO pages (slug, title, body_md, body_html,"
	    " updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_AUTHOR] = "INSERT INTO authors (id, slug, name, role, company, bio,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_TAG] = "INSERT INTO tags (id, slug, name) VALUES (?1, ?2, ?3)",
	[ST_USER] = "INSERT INTO users (id, email, display_name, role,"
	    " verified_at, created_at) VALUES (?1, ?2, ?3, 'member', ?4, ?4)",
	[ST_ARTICLE] = "INSERT INTO articles (id, slug, type, status, title,"
	    " dek, body_html, section_id, sponsor_id, signoff, published_at,"
	    " updated_at, created_at) VALUES (?1, ?2, ?3, 'published', ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
	[ST_ARTICLE_AUTHOR] = "INSERT INTO article_authors (article_id,"
	    " author_id, position, published_at) VALUES (?1, ?2, 0, ?3)",
	[ST_ARTICLE_TAG] = "INSERT INTO article_tags (article_id, tag_id,"
	    " published_at) VALUES (?1, ?2, ?3)",
	[ST_SECTION_ARTICLE] = "INSERT INTO section_articles (section_id,"
	    " article_id, published_at) VALUES (?1, ?2, ?3)",
	[ST_COMMENT] = "INSERT INTO comments (id, article_id, parent_id,"
	    " user_id, status, body_md, body_html, created_at, updated_at,"
	    " root_id, depth) VALUES (?1, ?2, ?3, ?4, 'approved', ?5, ?6, ?7,"
	    " ?7, ?8, ?9)",
	/* The kept count of approved comments, as comment writes keep it. */
	[ST_COMMENT_COUNT] = "UPDATE articles SET comment_count = ?2"
	    " WHERE id = ?1",
};

struct gen {
	sqlite3		*db;
	sqlite3_stmt	*st[ST__MAX];
	struct sizes	 n;
	struct progress	 pr;
	int64_t		 now, in_tx;
	int64_t		*section_parent;	/* [id], 0 for none */
	int64_t		*published;		/* [article id] */
};

static void
die_db(struct gen *g, const char *what)
{
	fprintf(stderr, "scalegen: %s: %s\n", what, sqlite3_errmsg(g->db));
	exit(1);
}

static void
exec_sql(struct gen *g, const char *s)
{
	if (sqlite3_exec(g->db, s, NULL, NULL, NULL) != SQLITE_OK)
		die_db(g, s);
}

/* Runs a bound statement once and resets it. */
static void
run(struct gen *g, enum stmt s)
{
	if (sqlite3_step(g->st[s]) != SQLITE_DONE)
		die_db(g, sql[s]);
	sqlite3_reset(g->st[s]);
	sqlite3_clear_bindings(g->st[s]);
	/* Large transactions, not one huge one: the WAL stays bounded. */
	if (++g->in_tx >= BATCH_ROWS) {
		exec_sql(g, "COMMIT; BEGIN");
		g->in_tx = 0;
	}
}

static void
bind_int(struct gen *g, enum stmt s, int i, int64_t v)
{
	sqlite3_bind_int64(g->st[s], i, v);
}

static void
bind_text(struct gen *g, enum stmt s, int i, const char *v, size_t n)
{
	sqlite3_bind_text(g->st[s], i, v, (int)n, SQLITE_TRANSIENT);
}

static void
bind_str(struct gen *g, enum stmt s, int i, const char *v)
{
	bind_text(g, s, i, v, strlen(v));
}

static int64_t
year_of(int64_t t)
{
	return 1970 + (int64_t)((double)t / (365.2425 * 86400));
}

/* ---- the site: settings, sponsors, sections, menus, events ---- */

static void
gen_site(struct gen *g)
{
	static const char *const settings[][2] = {
		{ "site_name", "The Scale Test Gazette" },
		{ "tagline", "A generated archive for masthead's bench/scale" },
		{ "timezone", "UTC" },
	};
	static const char *const footer[][2] = {
		{ "About us", "/about-us" }, { "Events", "/events" },
		{ "Webinars", "/webinars" }, { "API", "/api/v1/sections" },
	};
	int64_t s, top = g->n.sections / 5, menu_id = 1, i;
	char slug[128], name[128], url[160];
	struct text t;

	if (top < 1)
		top = 1;
	for (i = 0; i < (int64_t)ARRAY_SIZE(settings); i++) {
		bind_str(g, ST_SETTING, 1, settings[i][0]);
		bind_str(g, ST_SETTING, 2, settings[i][1]);
		run(g, ST_SETTING);
	}
	for (i = 1; i <= 10; i++) {
		snprintf(name, sizeof(name), "%s Labs %lld", PICK(companies),
		    (long long)i);
		slugify(name, slug, sizeof(slug), 100);
		bind_int(g, ST_SPONSOR, 1, i);
		bind_str(g, ST_SPONSOR, 2, slug);
		bind_str(g, ST_SPONSOR, 3, name);
		bind_str(g, ST_SPONSOR, 4, "https://example.com/");
		run(g, ST_SPONSOR);
	}

	/*
	 * A tree: the first fifth are top-level (topics, then a few
	 * regions), the next two fifths their children, the rest
	 * grandchildren.
	 */
	progress_phase(&g->pr, "sections", g->n.sections, 1);
	for (s = 1; s <= g->n.sections; s++) {
		int64_t parent = 0, nregions = top >= 10 ? 4 : 0;
		const char *kind = "topic";

		if (s <= top) {
			if (s > top - nregions) {
				kind = "region";
				snprintf(name, sizeof(name), "%s",
				    regions[(s - (top - nregions) - 1) %
				    (int64_t)ARRAY_SIZE(regions)]);
			} else {
				snprintf(name, sizeof(name), "%s",
				    section_words[(s - 1) %
				    (int64_t)ARRAY_SIZE(section_words)]);
			}
		} else {
			parent = s <= 3 * top ? 1 + (s - top - 1) % top :
			    top + 1 + (s - 3 * top - 1) % (2 * top);
			if (parent >= s)
				parent = 1;
			snprintf(name, sizeof(name), "%s %s",
			    section_words[(s - 1) %
			    (int64_t)ARRAY_SIZE(section_words)],
			    PICK(techs));
		}
		if (s > (int64_t)ARRAY_SIZE(section_words) || s > top)
			snprintf(slug, sizeof(slug), "%.100s-%lld", name,
			    (long long)s);
		else
			snprintf(slug, sizeof(slug), "%.100s", name);
		slugify(slug, slug, sizeof(slug), 120);
		g->section_parent[s] = parent;
		text_reset(&t);
		sentence(&t, year_of(g->now));
		bind_int(g, ST_SECTION, 1, s);
		if (parent)
			bind_int(g, ST_SECTION, 2, parent);
		bind_str(g, ST_SECTION, 3, slug);
		bind_str(g, ST_SECTION, 4, name);
		bind_str(g, ST_SECTION, 5, kind);
		bind_text(g, ST_SECTION, 6, t.p, t.len);
		bind_int(g, ST_SECTION, 7, s);
		run(g, ST_SECTION);

		/* The mega-menu: top-level sections and their children. */
		if (parent == 0 || g->section_parent[parent] == 0) {
			snprintf(url, sizeof(url), "/section/%s", slug);
			bind_int(g, ST_MENU, 1, menu_id);
			bind_str(g, ST_MENU, 2, "main");
			if (parent)
				bind_int(g, ST_MENU, 3, parent);
			bind_int(g, ST_MENU, 4, s);
			bind_str(g, ST_MENU, 5, name);
			bind_str(g, ST_MENU, 6, url);
			run(g, ST_MENU);
			/* Menu ids of top-level sections equal theirs. */
			menu_id++;
		}
		progress_step(&g->pr);
	}
	progress_end(&g->pr);
	/* Menu ids so far were 1..top for the top level, then children. */
	for (i = 0; i < (int64_t)ARRAY_SIZE(footer); i++) {
		bind_int(g, ST_MENU, 1, menu_id++);
		bind_str(g, ST_MENU, 2, "footer");
		bind_int(g, ST_MENU, 4, i);
		bind_str(g, ST_MENU, 5, footer[i][0]);
		bind_str(g, ST_MENU, 6, footer[i][1]);
		run(g, ST_MENU);
	}

	/* Promos: one site-wide, one per top-level section. */
	for (s = 0; s <= top; s++) {
		snprintf(name, sizeof(name), "Interested in %s? Sign up for "
		    "our newsletter.", s ? section_words[(s - 1) %
		    (int64_t)ARRAY_SIZE(section_words)] : "telecom");
		if (s)
			bind_int(g, ST_PROMO, 1, s);
		bind_str(g, ST_PROMO, 2, name);
		bind_str(g, ST_PROMO, 3, "Subscribe");
		bind_str(g, ST_PROMO, 4, "/about-us");
		run(g, ST_PROMO);
	}
	bind_str(g, ST_PAGE, 1, "about-us");
	bind_str(g, ST_PAGE, 2, "About us");
	bind_str(g, ST_PAGE, 3, "A generated publication.");
	bind_str(g, ST_PAGE, 4, "<p>A generated publication.</p>\n");
	bind_int(g, ST_PAGE, 5, g->now);
	run(g, ST_PAGE);
}

/*
 * Events and webinars: n.events and n.webinars past ones spread over ten
 * years (by default monthly and weekly), and a few upcoming ones for the
 * sidebar.
 */
static void
gen_events(struct gen *g)
{
	int64_t span = 10 * YEAR, i, start;
	char name[160], slug[200];
	struct text t;

	progress_phase(&g->pr, "events", g->n.events + 6, 1);
	for (i = 0; i < g->n.events + 6; i++) {
		if (i < g->n.events)
			start = g->now - span + i * (span / g->n.events);
		else
			start = g->now + (i - g->n.events + 1) * 30 * 86400;
		text_reset(&t);
		sentence(&t, year_of(start));
		snprintf(name, sizeof(name), "%s Summit %lld", PICK(techs),
		    (long long)year_of(start));
		slugify(name, slug, sizeof(slug), 120);
		snprintf(slug + strlen(slug), sizeof(slug) - strlen(slug),
		    "-%lld", (long long)i + 1);
		bind_str(g, ST_EVENT, 1, slug);
		bind_str(g, ST_EVENT, 2, name);
		bind_str(g, ST_EVENT, 3, i % 3 ? "digital-symposium" :
		    "conference");
		bind_text(g, ST_EVENT, 4, t.p, t.len);
		bind_text(g, ST_EVENT, 5, t.p, t.len);
		bind_str(g, ST_EVENT, 6, "");
		bind_int(g, ST_EVENT, 7, start);
		bind_int(g, ST_EVENT, 8, start + 2 * 86400);
		bind_str(g, ST_EVENT, 9, i % 3 ? "" : "London");
		bind_int(g, ST_EVENT, 10, i % 3 ? 1 : 0);
		bind_int(g, ST_EVENT, 11, 1 + rng_below(10));
		run(g, ST_EVENT);
		progress_step(&g->pr);
	}
	progress_end(&g->pr);
	progress_phase(&g->pr, "webinars", g->n.webinars + 12, 1);
	for (i = 0; i < g->n.webinars + 12; i++) {
		if (i < g->n.webinars)
			start = g->now - span + i * (span / g->n.webinars);
		else
			start = g->now + (i - g->n.webinars + 1) * 7 * 86400;
		text_reset(&t);
		sentence(&t, year_of(start));
		snprintf(name, sizeof(name), "%s: what comes next",
		    PICK(techs));
		slugify(name, slug, sizeof(slug), 120);
		snprintf(slug + strlen(slug), sizeof(slug) - strlen(slug),
		    "-%lld", (long long)i + 1);
		bind_str(g, ST_WEBINAR, 1, slug);
		bind_str(g, ST_WEBINAR, 2, name);
		bind_str(g, ST_WEBINAR, 3, "Leadership Webinars");
		bind_text(g, ST_WEBINAR, 4, t.p, t.len);
		bind_text(g, ST_WEBINAR, 5, t.p, t.len);
		bind_str(g, ST_WEBINAR, 6, "");
		bind_int(g, ST_WEBINAR, 7, start);
		bind_int(g, ST_WEBINAR, 8, 60);
		bind_int(g, ST_WEBINAR, 9, 1 + rng_below(10));
		run(g, ST_WEBINAR);
		progress_step(&g->pr);
	}
	progress_end(&g->pr);
}

/* ---- people and tags ---- */

static void
person_name(int64_t i, char *name, size_t namesz)
{
	/*
	 * Walk the first × last grid in a scattered order, so the first
	 * ones are all distinct and neighbours differ in both names.
	 */
	int64_t nf = (int64_t)ARRAY_SIZE(firsts), nl = (int64_t)ARRAY_SIZE(lasts);
	int64_t k = (i * 7919) % (nf * nl);

	snprintf(name, namesz, "%s %s", firsts[k % nf], lasts[k / nf]);
}

static void
gen_authors(struct gen *g)
{
	int64_t nf = (int64_t)ARRAY_SIZE(firsts), nl = (int64_t)ARRAY_SIZE(lasts);
	char name[128], slug[160], bio[512];
	int64_t i;

	progress_phase(&g->pr, "authors", g->n.authors, 1);
	for (i = 1; i <= g->n.authors; i++) {
		person_name(i, name, sizeof(name));
		slugify(name, slug, sizeof(slug), 120);
		if (i >= nf * nl) {
			size_t n = strlen(slug);

			snprintf(slug + n, sizeof(slug) - n, "-%lld",
			    (long long)i);
		}
		snprintf(bio, sizeof(bio), "%s covers %s and %s.", name,
		    PICK(techs), PICK(techs));
		bind_int(g, ST_AUTHOR, 1, i);
		bind_str(g, ST_AUTHOR, 2, slug);
		bind_str(g, ST_AUTHOR, 3, name);
		bind_str(g, ST_AUTHOR, 4, PICK(roles));
		bind_str(g, ST_AUTHOR, 5, i % 10 == 0 ? PICK(companies) : "");
		bind_str(g, ST_AUTHOR, 6, bio);
		bind_int(g, ST_AUTHOR, 7, g->now - 10 * YEAR);
		run(g, ST_AUTHOR);
		progress_step(&g->pr);
	}
	progress_end(&g->pr);
}

static void
gen_tags(struct gen *g)
{
	char name[160], slug[200];
	int64_t i, nt = (int64_t)ARRAY_SIZE(techs);

	progress_phase(&g->pr, "tags", g->n.tags, 1);
	for (i = 1; i <= g->n.tags; i++) {
		if (i <= nt)
			snprintf(name, sizeof(name), "%s", techs[i - 1]);
		else if (i <= nt + (int64_t)ARRAY_SIZE(companies))
			snprintf(name, sizeof(name), "%s", companies[i - nt - 1]);
		else
			snprintf(name, sizeof(name), "%s %s %lld", PICK(techs),
			    PICK(things), (long long)i);
		slugify(name, slug, sizeof(slug), 150);
		bind_int(g, ST_TAG, 1, i);
		bind_str(g, ST_TAG, 2, slug);
		bind_str(g, ST_TAG, 3, name);
		run(g, ST_TAG);
		progress_step(&g->pr);
	}
	progress_end(&g->pr);
}

static void
gen_users(struct gen *g)
{
	char name[128], email[64];
	int64_t i;

	progress_phase(&g->pr, "users", g->n.users, 1);
	for (i = 1; i <= g->n.users; i++) {
		person_name(i * 31 + 7, name, sizeof(name));
		snprintf(email, sizeof(email), "reader%lld@example.com",
		    (long long)i);
		bind_int(g, ST_USER, 1, i);
		bind_str(g, ST_USER, 2, email);
		bind_str(g, ST_USER, 3, name);
		bind_int(g, ST_USER, 4, g->now - rng_below(10 * YEAR));
		run(g, ST_USER);
		progress_step(&g->pr);
	}
	progress_end(&g->pr);
}

/* ---- articles and their listing rows ---- */

static const char *
pick_type(void)
{
	int r = (int)rng_below(1000), acc = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		acc += types[i].per_mille;
		if (r < acc)
			return types[i].type;
	}
	return "news";
}

static void
gen_articles(struct gen *g)
{
	int64_t span = 10 * YEAR, first = g->now - span - 3600, i;
	static struct text t, dek, body;
	char slug[200];

	progress_phase(&g->pr, "articles", g->n.articles, 4);
	for (i = 1; i <= g->n.articles; i++) {
		/* Spread over ten years in id order, the newest an hour old. */
		double step = (double)span / (double)g->n.articles;
		int64_t pub = first + (int64_t)(step * ((double)i - 1 +
		    0.9 * rng_unit()));
		int64_t section = 1 + rng_skew(g->n.sections, 1.3);
		int64_t author = 1 + rng_skew(g->n.authors, 2.0);
		int64_t tags[4], s;
		const char *type = pick_type();
		int ntags = 1 + (int)rng_below(4), k, j;
		size_t n;

		g->published[i] = pub;
		text_reset(&t);
		title(&t);
		slugify(t.p, slug, sizeof(slug), 80);
		n = strlen(slug);
		snprintf(slug + n, sizeof(slug) - n, "-%lld", (long long)i);
		text_reset(&dek);
		sentence(&dek, year_of(pub));
		text_reset(&body);
		body_html(&body, 4 + (int)rng_below(4), year_of(pub));

		bind_int(g, ST_ARTICLE, 1, i);
		bind_str(g, ST_ARTICLE, 2, slug);
		bind_str(g, ST_ARTICLE, 3, type);
		bind_text(g, ST_ARTICLE, 4, t.p, t.len);
		bind_text(g, ST_ARTICLE, 5, dek.p, dek.len);
		bind_text(g, ST_ARTICLE, 6, body.p, body.len);
		bind_int(g, ST_ARTICLE, 7, section);
		if (strcmp(type, "partner-perspective") == 0)
			bind_int(g, ST_ARTICLE, 8, 1 + rng_below(10));
		bind_str(g, ST_ARTICLE, 9, "");
		bind_int(g, ST_ARTICLE, 10, pub);
		run(g, ST_ARTICLE);

		bind_int(g, ST_ARTICLE_AUTHOR, 1, i);
		bind_int(g, ST_ARTICLE_AUTHOR, 2, author);
		bind_int(g, ST_ARTICLE_AUTHOR, 3, pub);
		run(g, ST_ARTICLE_AUTHOR);

		for (k = 0; k < ntags; k++) {
			tags[k] = 1 + rng_skew(g->n.tags, 2.5);
			for (j = 0; j < k; j++)
				if (tags[j] == tags[k])
					break;
			if (j < k)
				continue;
			bind_int(g, ST_ARTICLE_TAG, 1, i);
			bind_int(g, ST_ARTICLE_TAG, 2, tags[k]);
			bind_int(g, ST_ARTICLE_TAG, 3, pub);
			run(g, ST_ARTICLE_TAG);
		}

		/* The article's section and every ancestor list it. */
		for (s = section; s != 0; s = g->section_parent[s]) {
			bind_int(g, ST_SECTION_ARTICLE, 1, s);
			bind_int(g, ST_SECTION_ARTICLE, 2, i);
			bind_int(g, ST_SECTION_ARTICLE, 3, pub);
			run(g, ST_SECTION_ARTICLE);
		}
		progress_step(&g->pr);
	}
	progress_end(&g->pr);
}

/* ---- comments ---- */

static void
comment_text(struct text *t, int64_t year)
{
	switch (rng_below(6)) {
	case 0:
		text_printf(t, "Good piece. %s is overhyped, though.",
		    PICK(techs));
		break;
	case 1:
		text_printf(t, "I doubt %s can reach %d million homes by %lld.",
		    PICK(companies), (int)(1 + rng_below(40)),
		    (long long)(year + 1 + rng_below(4)));
		break;
	case 2:
		text_printf(t, "What about %s in %s? Nobody mentions it.",
		    PICK(techs), PICK(places));
		break;
	case 3:
		text_printf(t, "We trialled %s last year; the %s was the hard "
		    "part.", PICK(techs), PICK(things));
		break;
	case 4:
		text_printf(t, "%s tried the same %s in %s and gave up.",
		    PICK(companies), PICK(things), PICK(places));
		break;
	default:
		text_printf(t, "Interesting. Does anyone know what %s pays "
		    "for %s?", PICK(companies), PICK(techs));
		break;
	}
}

/*
 * Comments per article: a heavy-tailed weight (a few stories draw
 * thousands of comments, most a handful or none) that favours recent
 * stories, scaled so the counts add up to exactly n.comments.  With
 * --hot N, N of them go to one story a tenth of the archive from its
 * newest end (a year old at the default sizes), and the rest are spread
 * as before.
 */
static int32_t *
comment_counts(struct gen *g)
{
	int64_t na = g->n.articles, i, given = 0, spread = g->n.comments -
	    g->n.hot;
	double *w = calloc((size_t)na + 1, sizeof(*w)), sum = 0;
	int32_t *c = calloc((size_t)na + 1, sizeof(*c));

	if (w == NULL || c == NULL) {
		fprintf(stderr, "scalegen: out of memory\n");
		exit(1);
	}
	for (i = 1; i <= na; i++) {
		double u = 1 - rng_unit(), v = pow(u, -1 / 1.3) - 1;

		if (v > 2000)
			v = 2000;
		w[i] = v * (0.3 + 0.7 * (double)i / (double)na);
		sum += w[i];
	}
	for (i = 1; i <= na && sum > 0; i++) {
		c[i] = (int32_t)((double)spread * w[i] / sum);
		given += c[i];
	}
	while (given < spread) {
		c[1 + rng_below(na)]++;
		given++;
	}
	c[na - na / 10] += (int32_t)g->n.hot;
	free(w);
	return c;
}

static void
gen_comments(struct gen *g)
{
	static struct text md, html;
	int32_t *count = comment_counts(g), most = 0;
	int64_t a, id = 0, k, first, *root, *depth;

	for (a = 1; a <= g->n.articles; a++)
		if (count[a] > most)
			most = count[a];
	/* The thread (top comment) and depth of each comment of one article. */
	root = calloc((size_t)most + 1, sizeof(*root));
	depth = calloc((size_t)most + 1, sizeof(*depth));
	if (root == NULL || depth == NULL) {
		fprintf(stderr, "scalegen: out of memory\n");
		exit(1);
	}
	progress_phase(&g->pr, "comments", g->n.comments, 1);
	/* Article by article, so the comments index grows at its end. */
	for (a = 1; a <= g->n.articles; a++) {
		int64_t at = g->published[a];

		first = id + 1;
		for (k = 0; k < count[a]; k++) {
			int64_t created = at + 60 + rng_skew(14 * 86400, 3.0) +
			    k * 30;

			if (created > g->now)
				created = g->now;
			id++;
			text_reset(&md);
			comment_text(&md, year_of(at));
			text_reset(&html);
			text_puts(&html, "<p>");
			text_html(&html, md.p, md.len);
			text_puts(&html, "</p>\n");
			bind_int(g, ST_COMMENT, 1, id);
			bind_int(g, ST_COMMENT, 2, a);
			root[k] = id;
			depth[k] = 0;
			if (id > first && rng_below(4) == 0) {
				int64_t p = first + rng_below(id - first);

				bind_int(g, ST_COMMENT, 3, p);
				root[k] = root[p - first];
				depth[k] = depth[p - first] + 1;
				bind_int(g, ST_COMMENT, 8, root[k]);
			}
			bind_int(g, ST_COMMENT, 9, depth[k]);
			bind_int(g, ST_COMMENT, 4, 1 + rng_skew(g->n.users,
			    2.0));
			bind_text(g, ST_COMMENT, 5, md.p, md.len);
			bind_text(g, ST_COMMENT, 6, html.p, html.len);
			bind_int(g, ST_COMMENT, 7, created);
			run(g, ST_COMMENT);
			progress_step(&g->pr);
		}
		if (count[a] > 0) {
			bind_int(g, ST_COMMENT_COUNT, 1, a);
			bind_int(g, ST_COMMENT_COUNT, 2, count[a]);
			run(g, ST_COMMENT_COUNT);
		}
	}
	free(root);
	free(depth);
	free(count);
	progress_end(&g->pr);
}

/* ---- command line ---- */

static int
parse_count(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Runs "masthead migrate --db FILE": the schema is the server's own. */
static int
migrate(const char *masthead, const char *db)
{
	char *argv[] = { (char *)masthead, "migrate", "--db", (char *)db, NULL };
	pid_t pid;
	int status;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execv(masthead, argv);
		fprintf(stderr, "scalegen: %s: %s\n", masthead, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
usage(void)
{
	fputs("usage: scalegen --db FILE [--masthead PATH] [--articles N]"
	    " [--comments N]\n"
	    "                [--sections N] [--authors N] [--users N]"
	    " [--tags N]\n"
	    "                [--events N] [--webinars N] [--hot N]"
	    " [--seed N]\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct gen g;
	const char *db = NULL, *masthead = "./masthead";
	struct stat sb;
	double t0;
	int i, s;

	memset(&g, 0, sizeof(g));
	g.n = (struct sizes){ 1000000, 10000000, 100, 5000, 50000, 2000, 120,
	    520, 0, 1 };
	for (i = 1; i < argc; i++) {
		static const struct {
			const char	*flag;
			int64_t		 min, max;
			size_t		 off;
		} counts[] = {
			{ "--articles", 1, 100000000, offsetof(struct sizes, articles) },
			{ "--comments", 0, 1000000000, offsetof(struct sizes, comments) },
			{ "--sections", 1, 100000, offsetof(struct sizes, sections) },
			{ "--authors", 1, 10000000, offsetof(struct sizes, authors) },
			{ "--users", 1, 100000000, offsetof(struct sizes, users) },
			{ "--tags", 1, 10000000, offsetof(struct sizes, tags) },
			{ "--events", 1, 100000000, offsetof(struct sizes, events) },
			{ "--webinars", 1, 100000000, offsetof(struct sizes, webinars) },
			{ "--hot", 0, 100000000, offsetof(struct sizes, hot) },
		};
		size_t k;
		int64_t v;

		if (i + 1 == argc)
			usage();
		if (strcmp(argv[i], "--db") == 0) {
			db = argv[++i];
			continue;
		}
		if (strcmp(argv[i], "--masthead") == 0) {
			masthead = argv[++i];
			continue;
		}
		if (strcmp(argv[i], "--seed") == 0) {
			if (parse_count(argv[++i], 0, INT64_MAX, &v) != 0)
				usage();
			g.n.seed = (uint64_t)v;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(counts); k++)
			if (strcmp(argv[i], counts[k].flag) == 0)
				break;
		if (k == ARRAY_SIZE(counts) ||
		    parse_count(argv[i + 1], counts[k].min, counts[k].max,
		    (int64_t *)((char *)&g.n + counts[k].off)) != 0) {
			fprintf(stderr, "scalegen: bad %s %s\n", argv[i],
			    argv[i + 1]);
			usage();
		}
		i++;
	}
	if (db == NULL)
		usage();
	if (g.n.hot > g.n.comments) {
		fprintf(stderr, "scalegen: --hot %lld is more than --comments"
		    " %lld\n", (long long)g.n.hot, (long long)g.n.comments);
		return 1;
	}
	if (stat(db, &sb) == 0) {
		fprintf(stderr, "scalegen: %s exists; generate into a new file\n",
		    db);
		return 1;
	}
	if (migrate(masthead, db) != 0) {
		fprintf(stderr, "scalegen: %s migrate --db %s failed\n",
		    masthead, db);
		return 1;
	}
	if (sqlite3_open(db, &g.db) != SQLITE_OK)
		die_db(&g, db);
	exec_sql(&g, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
	    " PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY");
	for (s = 0; s < ST__MAX; s++)
		if (sqlite3_prepare_v2(g.db, sql[s], -1, &g.st[s], NULL) !=
		    SQLITE_OK)
			die_db(&g, sql[s]);

	rng_seed(g.n.seed);
	g.now = time(NULL);
	g.section_parent = calloc((size_t)g.n.sections + 1, sizeof(int64_t));
	g.published = calloc((size_t)g.n.articles + 1, sizeof(int64_t));
	if (g.section_parent == NULL || g.published == NULL) {
		fprintf(stderr, "scalegen: out of memory\n");
		return 1;
	}
	g.pr.tty = isatty(2);
	g.pr.total = (double)(g.n.sections + g.n.authors + g.n.tags +
	    g.n.users + g.n.events + 6 + g.n.webinars + 12) + 4.0 * (double)g.n.articles + (double)g.n.comments;
	g.pr.t_start = t0 = now_sec();
	fprintf(stderr, "scalegen: %s: %lld articles, %lld comments, %lld "
	    "sections, %lld authors, %lld users, %lld tags, %lld+6 events,"
	    " %lld+12 webinars\n", db, (long long)g.n.articles,
	    (long long)g.n.comments, (long long)g.n.sections,
	    (long long)g.n.authors, (long long)g.n.users, (long long)g.n.tags,
	    (long long)g.n.events, (long long)g.n.webinars);

	exec_sql(&g, "BEGIN");
	gen_site(&g);
	gen_events(&g);
	gen_authors(&g);
	gen_tags(&g);
	gen_users(&g);
	gen_articles(&g);
	gen_comments(&g);
	exec_sql(&g, "COMMIT");

	for (s = 0; s < ST__MAX; s++)
		sqlite3_finalize(g.st[s]);
	exec_sql(&g, "PRAGMA wal_checkpoint(TRUNCATE)");
	if (sqlite3_close(g.db) != SQLITE_OK)
		die_db(&g, "close");
	free(g.section_parent);
	free(g.published);
	fprintf(stderr, "scalegen: done in %.1f s\n", now_sec() - t0);
	return 0;
}
