/*
 * sites.c — the publications one instance serves, in memory (sites.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "sites.h"
#include "util.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct site table[SITES_MAX];
static size_t ntable;

void
sites_set(const struct site *sites, size_t n)
{
	if (n > SITES_MAX)
		n = SITES_MAX;
	pthread_rwlock_wrlock(&lock);
	memcpy(table, sites, n * sizeof(*sites));
	ntable = n;
	pthread_rwlock_unlock(&lock);
}

size_t
sites_count(void)
{
	size_t n;

	pthread_rwlock_rdlock(&lock);
	n = ntable;
	pthread_rwlock_unlock(&lock);
	return n;
}

/* The length of host without its port ("[::1]:8080" keeps "[::1]"). */
static size_t
host_len(const char *host, size_t len)
{
	const char *c;

	if (len > 0 && host[0] == '[') {
		c = memchr(host, ']', len);
		return c != NULL ? (size_t)(c - host) + 1 : len;
	}
	c = memchr(host, ':', len);
	return c != NULL ? (size_t)(c - host) : len;
}

int
sites_by_host(const char *host, size_t len, struct site *out)
{
	size_t i;
	int rc = -1;

	len = host_len(host, len);
	/* A fully qualified name may end in a dot. */
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0)
		return -1;
	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < ntable && rc != 0; i++)
		if (strlen(table[i].host) == len &&
		    strncasecmp(table[i].host, host, len) == 0) {
			*out = table[i];
			rc = 0;
		}
	pthread_rwlock_unlock(&lock);
	return rc;
}

int
sites_at(size_t i, struct site *out)
{
	int rc = -1;

	pthread_rwlock_rdlock(&lock);
	if (i < ntable) {
		*out = table[i];
		rc = 0;
	}
	pthread_rwlock_unlock(&lock);
	return rc;
}

int
sites_by_slug(const char *slug, size_t len, struct site *out)
{
	size_t i;
	int rc = -1;

	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < ntable && rc != 0; i++)
		if (strlen(table[i].slug) == len &&
		    memcmp(table[i].slug, slug, len) == 0) {
			*out = table[i];
			rc = 0;
		}
	pthread_rwlock_unlock(&lock);
	return rc;
}

int
sites_by_id(int64_t id, struct site *out)
{
	size_t i;
	int rc = -1;

	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < ntable && rc != 0; i++)
		if (table[i].id == id) {
			*out = table[i];
			rc = 0;
		}
	pthread_rwlock_unlock(&lock);
	return rc;
}

const char *
sites_url(const struct site *s, char *buf, size_t n)
{
	char own[512];
	const char *u, *h, *port;

	if (s->base_url[0] != '\0')
		return s->base_url;
	u = config_site_url(own, sizeof(own));
	if (s->host[0] == '\0')
		return u == own ? (strlcpy_(buf, own, n), buf) : u;
	h = strstr(u, "://");
	h = h != NULL ? h + 3 : u;
	port = h[0] == '[' ? strchr(h, ']') : h;
	port = port != NULL ? strchr(port, ':') : NULL;
	snprintf(buf, n, "http://%s%.*s", s->host, port != NULL ?
	    (int)strcspn(port, "/") : 0, port != NULL ? port : "");
	return buf;
}

/* Lower-case letters, digits and '-', starting with a letter. */
int
sites_slug_ok(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || n >= sizeof(((struct site *)0)->slug) ||
	    !(v[0] >= 'a' && v[0] <= 'z'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return 0;
	return 1;
}

/*
 * A host name in lower case: labels of letters, digits and '-', none
 * empty, none starting or ending with '-'; no port.  "" is allowed (a
 * site reached by its path prefix only).
 */
int
sites_host_ok(const char *v)
{
	size_t i, n = strlen(v), label = 0;

	if (n >= sizeof(((struct site *)0)->host))
		return 0;
	for (i = 0; i < n; i++) {
		if (v[i] == '.') {
			if (label == 0 || v[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return 0;
		if (v[i] == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return n == 0 || (label > 0 && v[n - 1] != '-');
}

/* "" or '#' and six hexadecimal digits. */
int
sites_accent_ok(const char *v)
{
	size_t i;

	if (v[0] == '\0')
		return 1;
	if (v[0] != '#' || strlen(v) != 7)
		return 0;
	for (i = 1; i < 7; i++)
		if (!((v[i] >= '0' && v[i] <= '9') ||
		    (v[i] >= 'a' && v[i] <= 'f') || (v[i] >= 'A' &&
		    v[i] <= 'F')))
			return 0;
	return 1;
}
