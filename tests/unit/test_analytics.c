/*
 * test_analytics.c — analytics.c's rules (docs/analytics.md): which
 * requests are bots', the device classes, the referrer classes with
 * their hosts, and the batch: views counted, taken once, and the
 * digest that stands for the reader, never the address itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "analytics.h"
#include "config.h"

#define FIREFOX	"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"

static const struct {
	const char	*ua;
	const char	*lang;
	const char	*accept;
	int		 bot;
} bots[] = {
	{ FIREFOX, "en", "text/html", 0 },
	{ FIREFOX, NULL, "text/html", 1 },
	{ FIREFOX, "", "text/html", 1 },
	{ FIREFOX, "en", NULL, 1 },
	{ NULL, "en", "text/html", 1 },
	{ "curl/8.5.0", "en", "*/*", 1 },
	{ "Wget/1.21", "en", "*/*", 1 },
	{ "python-requests/2.31", "en", "*/*", 1 },
	{ "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	  "en", "*/*", 1 },
	{ "Mozilla/5.0 (compatible; bingbot/2.0)", "en", "*/*", 1 },
	{ "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0", "en", "*/*", 1 },
	{ "Mozilla/5.0 (compatible; YandexSpider)", "en", "*/*", 1 },
	{ "facebookexternalhit/1.1", "en", "*/*", 1 },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148 Safari/604.1",
	  "en-GB", "text/html", 0 },
};

static void
test_bots(void **state)
{
	struct an_hit h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bots) / sizeof(bots[0]); i++) {
		memset(&h, 0, sizeof(h));
		h.ua = bots[i].ua;
		h.accept_language = bots[i].lang;
		h.accept = bots[i].accept;
		if (analytics_is_bot(&h) != bots[i].bot)
			fail_msg("%s: bot %d", bots[i].ua ? bots[i].ua : "(none)",
			    bots[i].bot);
	}
}

static void
test_devices(void **state)
{
	(void)state;
	assert_int_equal(analytics_device(FIREFOX), AN_DESKTOP);
	assert_int_equal(analytics_device("Mozilla/5.0 (iPhone; CPU iPhone "
	    "OS 17_0) Mobile/15E148"), AN_MOBILE);
	assert_int_equal(analytics_device("Mozilla/5.0 (Linux; Android 14; "
	    "Pixel 8) Chrome/120 Mobile Safari/537.36"), AN_MOBILE);
	assert_int_equal(analytics_device("Mozilla/5.0 (Linux; Android 13; "
	    "SM-X700) Chrome/120 Safari/537.36"), AN_TABLET);
	assert_int_equal(analytics_device("Mozilla/5.0 (iPad; CPU OS 17_0)"),
	    AN_TABLET);
	assert_int_equal(analytics_device(NULL), AN_BOT);
}

static const struct {
	const char	*referer;
	const char	*medium;
	const char	*source;
	enum an_ref	 ref;
	const char	*host;
} refs[] = {
	{ NULL, NULL, NULL, AN_DIRECT, "" },
	{ "", NULL, NULL, AN_DIRECT, "" },
	{ "not a url", NULL, NULL, AN_DIRECT, "" },
	{ "https://www.google.com/", NULL, NULL, AN_SEARCH, "www.google.com" },
	{ "https://www.google.co.uk/search?q=x", NULL, NULL, AN_SEARCH,
	  "www.google.co.uk" },
	{ "https://WWW.Bing.COM/search", NULL, NULL, AN_SEARCH, "www.bing.com" },
	{ "https://duckduckgo.com/", NULL, NULL, AN_SEARCH, "duckduckgo.com" },
	{ "https://notgoogle.example/", NULL, NULL, AN_OTHER,
	  "notgoogle.example" },
	{ "https://t.co/abc", NULL, NULL, AN_SOCIAL, "t.co" },
	{ "https://www.linkedin.com/feed/", NULL, NULL, AN_SOCIAL,
	  "www.linkedin.com" },
	{ "https://mastodon.example:443/@x", NULL, NULL, AN_SOCIAL,
	  "mastodon.example" },
	{ "https://user:pw@example.org/x", NULL, NULL, AN_OTHER, "example.org" },
	{ "https://news.example.com/article/x", NULL, NULL, AN_INTERNAL, "" },
	{ "https://www.google.com/", "email", NULL, AN_NEWSLETTER, "" },
	{ NULL, "EMAIL", NULL, AN_NEWSLETTER, "" },
	{ NULL, NULL, "weekly-newsletter", AN_NEWSLETTER, "" },
	{ NULL, "social", "x", AN_DIRECT, "" },
	{ "https://exa<mple.org/", NULL, NULL, AN_OTHER, "" },
};

static void
test_referrers(void **state)
{
	struct an_hit h;
	char host[AN_HOST_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		memset(&h, 0, sizeof(h));
		h.referer = refs[i].referer;
		h.utm_medium = refs[i].medium;
		h.utm_source = refs[i].source;
		h.site_host = "news.example.com";
		if (analytics_referrer(&h, host, sizeof(host)) != refs[i].ref ||
		    strcmp(host, refs[i].host) != 0)
			fail_msg("%s: got %s, %s", refs[i].referer ?
			    refs[i].referer : "(none)", host,
			    an_ref_names[refs[i].ref]);
	}
}

static void
test_batch(void **state)
{
	const struct an_view *v;
	struct an_hit h;
	size_t n, i;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.ua = FIREFOX;
	h.accept = "text/html";
	h.accept_language = "en";
	h.ip = "198.51.100.7";
	h.site_host = "news.example.com";
	assert_int_equal(analytics_count(AN_ARTICLE, "a-story", 7, &h), 1);
	assert_int_equal(analytics_count(AN_ARTICLE, "a-story", 7, &h), 1);
	h.ip = "198.51.100.8";
	assert_int_equal(analytics_count(AN_SECTION, "5g", 2, &h), 1);
	h.ua = "curl/8";
	assert_int_equal(analytics_count(AN_HOME, "", 0, &h), 0);
	assert_int_equal(analytics_pending(), 3);
	n = analytics_take(&v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].slug, "a-story");
	assert_int_equal(v[2].kind, AN_SECTION);
	/* One reader, one digest; another address, another. */
	assert_memory_equal(v[0].digest, v[1].digest, AN_DIGEST);
	assert_memory_not_equal(v[0].digest, v[2].digest, AN_DIGEST);
	for (i = 0; i < n; i++)
		assert_null(memmem(&v[i], sizeof(v[i]), "198.51.100", 10));
	assert_int_equal(analytics_pending(), 0);
	assert_int_equal(analytics_take(&v), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bots),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_referrers),
		cmocka_unit_test(test_batch),
	};

	config_defaults(&config);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
