/*
 * config.c — the table of settings and the three ways to set them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

struct config config;

enum ctype {
	C_STR,
	C_URL,		/* empty, or an absolute http(s) URL; trailing / dropped */
	C_INT,
	C_CHOICE,	/* a string from the setting's list in choices[] */
	C_HOSTS,	/* host names, space-separated; kept one space apart */
	C__MAX
};

struct setting {
	const char	*name;
	enum ctype	 type;
	size_t		 off;
	const char	*dflt;
	int64_t		 min, max;
	const char	*help;
};

#define S(f)	offsetof(struct config, f)

static const struct setting settings[] = {
	{ "db", C_STR, S(db), "data/masthead.db", 0, 0,
	  "SQLite file, or postgres://user:pass@host/dbname" },
	{ "listen", C_STR, S(listen), "127.0.0.1:8080", 0, 0,
	  "address and port to serve HTTP on" },
	{ "threads", C_INT, S(threads), "0", 0, 256,
	  "event-loop threads; 0 means one per CPU core" },
	{ "work_threads", C_INT, S(work_threads), "2", 1, 64,
	  "threads that decode images and import files off the event loops" },
	{ "render_threads", C_INT, S(render_threads), "-1", -1, 256,
	  "threads that render pages off the event loops; -1 means two per "
	  "CPU core, 0 renders on the event loops" },
	{ "render_nice", C_INT, S(render_nice), "0", 0, 19,
	  "nice value of the render threads, so that the event loops go "
	  "first when renders fill every core" },
	{ "work_queue", C_INT, S(work_queue), "16", 1, 10000,
	  "uploads and imports that may wait for a work thread (503 beyond)" },
	{ "theme_dir", C_STR, S(theme_dir), "", 0, 0,
	  "directory whose templates and assets override the default theme" },
	{ "media_dir", C_STR, S(media_dir), "", 0, 0,
	  "directory of images; empty means \"media\" beside the SQLite file" },
	{ "access_log", C_STR, S(access_log), "", 0, 0,
	  "access log file, \"-\" for standard error, empty for none" },
	{ "access_log_format", C_CHOICE, S(access_log_format), "combined", 0, 0,
	  "access log lines: combined (Apache) or json (one object a line)" },
	{ "metrics_listen", C_STR, S(metrics_listen), "", 0, 0,
	  "ADDR:PORT that serves GET /metrics (Prometheus); empty for none" },
	{ "base_url", C_URL, S(base_url), "", 0, 0,
	  "the site's absolute URL (default: http://LISTEN)" },
	{ "unknown_host", C_CHOICE, S(unknown_host), "default", 0, 0,
	  "a Host that names no site (docs/sites.md): the \"default\" site "
	  "answers, or \"421\" Misdirected Request" },
	{ "timezone", C_STR, S(timezone), "", 0, 0,
	  "time zone for dates on pages (default: the site setting, else UTC)" },
	{ "max_uri", C_INT, S(max_uri), "8192", 256, 65536,
	  "longest request target in bytes (414 beyond)" },
	{ "max_header", C_INT, S(max_header), "8192", 256, 65536,
	  "longest request header in bytes (431 beyond)" },
	{ "max_headers", C_INT, S(max_headers), "65536", 1024, 409600,
	  "total request header bytes (431 beyond)" },
	{ "max_body", C_INT, S(max_body), "1048576", 1024, 1073741824,
	  "largest request body in bytes (413 beyond)" },
	{ "max_upload", C_INT, S(max_upload), "10485760", 1024, 1073741824,
	  "largest image upload in bytes (413 beyond); other bodies keep max_body" },
	{ "page_size", C_INT, S(page_size), "20", 1, 100,
	  "stories per list page" },
	{ "cache_size", C_INT, S(cache_size), "134217728", 0, 68719476736,
	  "bytes of rendered pages kept in memory; 0 turns the cache off" },
	{ "feed_content", C_CHOICE, S(feed_content), "full", 0, 0,
	  "what feeds carry of each story: \"full\" text or the \"summary\"" },
	{ "feed_items", C_INT, S(feed_items), "20", 1, 100,
	  "stories in each RSS, Atom and JSON feed" },
	{ "smtp_host", C_STR, S(smtp_host), "", 0, 0,
	  "SMTP server for the site's email; empty writes it to outbox_dir" },
	{ "smtp_port", C_INT, S(smtp_port), "0", 0, 65535,
	  "SMTP port; 0 means 25, or 587 with starttls, 465 with tls" },
	{ "smtp_tls", C_CHOICE, S(smtp_tls), "none", 0, 0,
	  "none, starttls (required) or tls (implicit, \"smtps\")" },
	{ "smtp_user", C_STR, S(smtp_user), "", 0, 0,
	  "SMTP user name; empty sends without AUTH" },
	{ "smtp_password", C_STR, S(smtp_password), "", 0, 0,
	  "SMTP password" },
	{ "smtp_ca_file", C_STR, S(smtp_ca_file), "", 0, 0,
	  "CA certificates (PEM) to check the SMTP server with; empty uses "
	  "the system's" },
	{ "mail_from", C_STR, S(mail_from), "", 0, 0,
	  "From: of the site's email (default: SITE NAME <noreply@HOST of base_url>)" },
	{ "import_dir", C_STR, S(import_dir), "", 0, 0,
	  "where /admin/import keeps an uploaded export until its import "
	  "ends; empty means \"imports\" beside the SQLite file" },
	{ "import_max_mb", C_INT, S(import_max_mb), "0", 0, 16384,
	  "largest export file /admin/import takes, in MB (413 beyond); 0 "
	  "means max_upload.  Every request may send this much before it "
	  "is refused" },
	{ "outbox_dir", C_STR, S(outbox_dir), "", 0, 0,
	  "where email goes as .eml files without smtp_host; empty means "
	  "\"outbox\" beside the SQLite file" },
	{ "job_attempts", C_INT, S(job_attempts), "8", 1, 100,
	  "tries of a background job (an email ...) before it is given up" },
	{ "job_backoff", C_INT, S(job_backoff), "30", 1, 86400,
	  "seconds before a failed job's first retry; each retry waits twice as long" },
	{ "webhook_retry", C_INT, S(webhook_retry), "60", 1, 86400,
	  "seconds before a failed webhook delivery's first retry; later "
	  "ones wait 5, 30, 120 and 720 times as long" },
	{ "webhook_private", C_INT, S(webhook_private), "0", 0, 1,
	  "1 lets webhooks reach loopback and private addresses (tests, an "
	  "intranet); 0 refuses them" },
	{ "activitypub_private", C_INT, S(activitypub_private), "0", 0, 1,
	  "1 lets ActivityPub fetch actors from and deliver to loopback and "
	  "private addresses (tests, an intranet); 0 refuses them" },
	{ "activitypub_user", C_STR, S(activitypub_user), "news", 0, 0,
	  "the publication's fediverse user name: @NAME@host follows it" },
	{ "newsletter_rate", C_INT, S(newsletter_rate), "10", 1, 10000,
	  "newsletter messages sent per second at most" },
	{ "newsletter_bounces", C_INT, S(newsletter_bounces), "3", 1, 1000,
	  "hard delivery failures after which an address is unsubscribed" },
	{ "resource_link_ttl", C_INT, S(resource_link_ttl), "86400", 1,
	  2592000, "seconds a white paper's download link works (at most 30 days)" },
	{ "real_ip_header", C_STR, S(real_ip_header), "", 0, 0,
	  "header holding the client's address behind a trusted proxy "
	  "(X-Forwarded-For: its last entry); empty uses the connection's" },
	{ "analytics", C_INT, S(analytics), "1", 0, 1,
	  "1 counts page views (docs/analytics.md); 0 counts none" },
	{ "analytics_raw_days", C_INT, S(analytics_raw_days), "7", 0, 365,
	  "days page views are kept one by one before they are folded into "
	  "daily counts" },
	{ "analytics_refresh", C_INT, S(analytics_refresh), "300", 1, 86400,
	  "seconds between reads of the Most Read block's stories" },
	{ "geoip", C_STR, S(geoip),
	  "/usr/share/GeoIP/GeoIP.dat,/usr/share/GeoIP/GeoIPv6.dat", 0, 0,
	  "country databases (GeoIP .dat files, or a MaxMind .mmdb), "
	  "separated by commas, that analytics reads readers' countries "
	  "from; a missing one is skipped" },
	{ "analytics_day_shift", C_INT, S(analytics_day_shift), "0", 0, 3650,
	  "days the analytics clock runs ahead (tests: a new day's salt)" },
	{ "comment_rate_user", C_INT, S(comment_rate_user), "10", 1, 100000,
	  "comments one reader may post in 10 minutes (429 beyond)" },
	{ "comment_rate_ip", C_INT, S(comment_rate_ip), "30", 1, 100000,
	  "comments one IP address may post in 10 minutes (429 beyond)" },
	{ "embed_hosts", C_HOSTS, S(embed_hosts),
	  "www.youtube-nocookie.com player.vimeo.com", 0, 0,
	  "hosts whose https pages stories may embed as <iframe>s, "
	  "space-separated; empty allows none" },
	{ "varnish", C_STR, S(varnish), "", 0, 0,
	  "Varnish caches in front (host:port, space-separated) that get a "
	  "PURGE by tag after each write; empty for none" },
	{ "varnish_ttl", C_INT, S(varnish_ttl), "86400", 1, 31536000,
	  "seconds Varnish may keep an anonymous page between purges "
	  "(s-maxage), when varnish is set" },
};

/* The values a C_CHOICE setting takes, space-separated. */
static const struct {
	const char	*name;
	const char	*values;
} choices[] = {
	{ "feed_content", "full summary" },
	{ "unknown_host", "default 421" },
	{ "smtp_tls", "none starttls tls" },
	{ "access_log_format", "combined json" },
};

/* 1 when val is one of the words of the setting's list. */
static int
choice_ok(const char *name, const char *val)
{
	const char *w;
	size_t i, n = strlen(val);

	for (i = 0; i < ARRAY_SIZE(choices); i++) {
		if (strcmp(choices[i].name, name) != 0)
			continue;
		for (w = choices[i].values; *w != '\0'; ) {
			size_t k = strcspn(w, " ");

			if (n > 0 && k == n && memcmp(w, val, n) == 0)
				return 1;
			w += k;
			w += strspn(w, " ");
		}
	}
	return 0;
}

static const char *
choice_list(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(choices); i++)
		if (strcmp(choices[i].name, name) == 0)
			return choices[i].values;
	return "";
}

static const struct setting *
find(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (strcmp(settings[i].name, key) == 0)
			return &settings[i];
	return NULL;
}

int
config_known(const char *key)
{
	return find(key) != NULL;
}

/*
 * Whether v is an absolute http or https URL with a host and nothing a
 * link could not carry: no space, control character, quote, angle
 * bracket, query or fragment.
 */
int
config_url_ok(const char *v)
{
	const char *h;
	size_t i;

	if (strncmp(v, "http://", 7) == 0)
		h = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		h = v + 8;
	else
		return 0;
	if (*h == '\0' || *h == '/' || *h == ':')
		return 0;
	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] <= ' ' || v[i] == 0x7f ||
		    strchr("\"'<>\\?#", v[i]) != NULL)
			return 0;
	return 1;
}

/*
 * Copies the space-separated host names of v into a new string, one space
 * apart and lowercased; NULL when one is not a host name (letters,
 * digits, '-' and '.', no empty label) or the list is too long.
 */
static char *
hosts_ok(const char *v)
{
	char *out = xmalloc(strlen(v) + 1);
	size_t i = 0, o = 0, k, j;

	while (v[i] != '\0') {
		if (v[i] == ' ' || v[i] == '\t') {
			i++;
			continue;
		}
		k = strcspn(v + i, " \t");
		if (k > 253 || v[i] == '.' || v[i] == '-' || v[i + k - 1] == '.')
			goto bad;
		for (j = 0; j < k; j++) {
			char ch = (char)tolower((unsigned char)v[i + j]);

			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			    ch == '-' || (ch == '.' && v[i + j + 1] != '.')))
				goto bad;
			if (j == 0 && o > 0)
				out[o++] = ' ';
			out[o++] = ch;
		}
		i += k;
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static int
apply(struct config *c, const struct setting *s, const char *val, char *err,
    size_t errlen)
{
	char **sp;
	int64_t v;
	size_t n;

	switch (s->type) {
	case C_URL:
		if (val[0] != '\0' && !config_url_ok(val)) {
			snprintf(err, errlen, "%s: \"%s\" is not an http:// or "
			    "https:// URL of a host", s->name, val);
			return -1;
		}
		sp = (char **)((char *)c + s->off);
		free(*sp);
		*sp = xstrdup(val);
		n = strlen(*sp);
		while (n > 0 && (*sp)[n - 1] == '/')
			(*sp)[--n] = '\0';
		return 0;
	case C_CHOICE:
		if (!choice_ok(s->name, val)) {
			snprintf(err, errlen, "%s: \"%s\" is not one of: %s",
			    s->name, val, choice_list(s->name));
			return -1;
		}
		/* FALLTHROUGH */
	case C_STR:
		sp = (char **)((char *)c + s->off);
		free(*sp);
		*sp = xstrdup(val);
		return 0;
	case C_HOSTS: {
		char *h = hosts_ok(val);

		if (h == NULL) {
			snprintf(err, errlen, "%s: \"%s\" is not a list of host "
			    "names separated by spaces", s->name, val);
			return -1;
		}
		sp = (char **)((char *)c + s->off);
		free(*sp);
		*sp = h;
		return 0;
	}
	case C_INT:
		if (parse_int(val, strlen(val), s->min, s->max, &v) != 0) {
			snprintf(err, errlen, "%s: \"%s\" is not a whole number "
			    "from %lld to %lld", s->name, val,
			    (long long)s->min, (long long)s->max);
			return -1;
		}
		*(int64_t *)((char *)c + s->off) = v;
		return 0;
	default:
		abort();
	}
}

int
config_set(struct config *c, const char *key, const char *val, char *err,
    size_t errlen)
{
	const struct setting *s = find(key);
	const char *p;

	if (s == NULL) {
		snprintf(err, errlen, "unknown setting \"%s\"", key);
		return -1;
	}
	/*
	 * No setting takes a control character (a tab aside): one in
	 * mail_from or real_ip_header would end up in a header line.
	 */
	for (p = val; *p != '\0'; p++)
		if (((unsigned char)*p < ' ' && *p != '\t') || *p == 0x7f) {
			snprintf(err, errlen, "%s: a control character in the "
			    "value", s->name);
			return -1;
		}
	return apply(c, s, val, err, errlen);
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (settings[i].type != C_INT)
			free(*(char **)((char *)c + settings[i].off));
	memset(c, 0, sizeof(*c));
}

void
config_defaults(struct config *c)
{
	size_t i;
	char err[256];

	memset(c, 0, sizeof(*c));
	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (apply(c, &settings[i], settings[i].dflt, err,
		    sizeof(err)) != 0)
			abort();
}

const char *
config_site_url(char *buf, size_t n)
{
	const char *l = config.listen;

	if (config.base_url[0] != '\0')
		return config.base_url;
	/*
	 * A wildcard address says where the server listens, not where it
	 * can be reached; localhost at least works on the machine itself.
	 */
	if (strncmp(l, "0.0.0.0:", 8) == 0)
		snprintf(buf, n, "http://localhost:%s", l + 8);
	else if (strncmp(l, "[::]:", 5) == 0)
		snprintf(buf, n, "http://localhost:%s", l + 5);
	else
		snprintf(buf, n, "http://%s", l);
	return buf;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = config_load_fp(c, f, path, err, errlen);
	fclose(f);
	return rc;
}

int
config_load_fp(struct config *c, FILE *f, const char *name, char *err,
    size_t errlen)
{
	char *line = NULL, msg[512], *key, *val, *eq;
	size_t cap = 0, n;
	ssize_t got;
	int lineno = 0, rc = 0;

	/* After this point, all errors go through out, which frees line. */
	while ((got = getline(&line, &cap, f)) != -1) {
		lineno++;
		n = (size_t)got;
		if (n > CONFIG_LINE_MAX) {
			snprintf(err, errlen, "%s:%d: line too long (over %d "
			    "bytes)", name, lineno, CONFIG_LINE_MAX);
			rc = -1;
			goto out;
		}
		/* A NUL would silently cut the line short. */
		if (memchr(line, '\0', n) != NULL) {
			snprintf(err, errlen, "%s:%d: a NUL byte", name, lineno);
			rc = -1;
			goto out;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"",
			    name, lineno);
			rc = -1;
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		/* A value may be quoted to keep leading or trailing blanks. */
		if (val[0] == '"' && strlen(val) >= 2 &&
		    val[strlen(val) - 1] == '"') {
			val[strlen(val) - 1] = '\0';
			val++;
		}
		if (config_set(c, key, val, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
			rc = -1;
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		rc = -1;
	}
out:
	free(line);
	return rc;
}

int
config_load_env(struct config *c, char *err, size_t errlen)
{
	char name[128], msg[512];
	const char *v;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		j = strlcpy_(name, "MASTHEAD_", sizeof(name));
		for (const char *p = settings[i].name; *p && j + 1 < sizeof(name);
		    p++)
			name[j++] = (char)toupper((unsigned char)*p);
		name[j] = '\0';
		if ((v = getenv(name)) == NULL)
			continue;
		if (apply(c, &settings[i], v, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s: %s", name, msg);
			return -1;
		}
	}
	return 0;
}

void
config_usage(FILE *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(settings); i++)
		fprintf(f, "  --%-14s %s\n  %16s (default: \"%s\")\n",
		    settings[i].name, settings[i].help, "", settings[i].dflt);
}
