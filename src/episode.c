/*
 * episode.c — chapters, video links and transcripts (episode.h).
 */
#include <stdio.h>
#include <string.h>

#include "episode.h"
#include "util.h"

void
episode_fmt_time(int64_t s, char *out, size_t n)
{
	if (s >= 3600)
		snprintf(out, n, "%lld:%02lld:%02lld", (long long)(s / 3600),
		    (long long)(s / 60 % 60), (long long)(s % 60));
	else
		snprintf(out, n, "%lld:%02lld", (long long)(s / 60),
		    (long long)(s % 60));
}

/* "SS", "MM:SS" or "H:MM:SS" of p[0..n); minutes and seconds below 60. */
static int
parse_time(const char *p, size_t n, int64_t *out)
{
	int64_t part, t = 0;
	size_t i = 0, k;
	int parts = 0;

	while (i <= n) {
		for (k = i; k < n && p[k] != ':'; k++)
			;
		if (k == i || k - i > 2 + (parts == 0 ? 1 : 0) ||
		    parse_int(p + i, k - i, 0, parts == 0 ? 999 : 59,
		    &part) != 0)
			return -1;
		t = t * 60 + part;
		if (++parts > 3)
			return -1;
		i = k + 1;
	}
	*out = t;
	return 0;
}

int
episode_chapters(const char *text, json_t **out, int *line)
{
	const char *p = text, *e, *sp;
	json_t *list = json_array();
	int64_t t, last = -1;
	char shown[32];
	int n = 0;

	*line = 0;
	/* After this point, all errors go through fail. */
	while (*p != '\0') {
		n++;
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		/* A line ending in CR (a form's text) ends there. */
		if (e > p && e[-1] == '\r')
			e--;
		if (e == p)
			goto next;
		for (sp = p; sp < e && *sp != ' ' && *sp != '\t'; sp++)
			;
		if (parse_time(p, (size_t)(sp - p), &t) != 0 || t <= last)
			goto fail;
		while (sp < e && (*sp == ' ' || *sp == '\t'))
			sp++;
		if (sp == e || e - sp > EPISODE_TITLE_MAX ||
		    json_array_size(list) == EPISODE_CHAPTERS_MAX)
			goto fail;
		last = t;
		episode_fmt_time(t, shown, sizeof(shown));
		if (json_array_append_new(list, json_pack("{s:I,s:s,s:s%}",
		    "start", (json_int_t)t, "time", shown, "title", sp,
		    (size_t)(e - sp))) != 0)
			goto fail;
next:
		p = e;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
	if (out != NULL)
		*out = list;
	else
		json_decref(list);
	return 0;
fail:
	*line = n;
	json_decref(list);
	if (out != NULL)
		*out = NULL;
	return -1;
}

/* Copies the id that starts at p (up to a character ids do not have). */
static int
take_id(const char *p, char *id, size_t idsz, int digits)
{
	size_t n = 0;

	while ((p[n] >= '0' && p[n] <= '9') || (!digits &&
	    ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	    p[n] == '-' || p[n] == '_')))
		n++;
	if (n == 0 || n >= idsz || (p[n] != '\0' && strchr("?&#/", p[n]) ==
	    NULL))
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	return 0;
}

static const char *
after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

enum embed_provider
episode_embed(const char *url, char *id, size_t idsz)
{
	static const char *const yt_hosts[] = { "www.youtube.com/",
	    "youtube.com/", "m.youtube.com/", "www.youtube-nocookie.com/" };
	const char *p, *q;
	size_t i;

	if (idsz > 0)
		id[0] = '\0';
	if ((p = after(url, "https://")) == NULL &&
	    (p = after(url, "http://")) == NULL)
		return EMBED_NONE;
	if ((q = after(p, "youtu.be/")) != NULL)
		return take_id(q, id, idsz, 0) == 0 ? EMBED_YOUTUBE :
		    EMBED_NONE;
	for (i = 0; i < sizeof(yt_hosts) / sizeof(yt_hosts[0]); i++) {
		if ((q = after(p, yt_hosts[i])) == NULL)
			continue;
		if ((p = after(q, "embed/")) != NULL ||
		    (p = after(q, "shorts/")) != NULL)
			return take_id(p, id, idsz, 0) == 0 ? EMBED_YOUTUBE :
			    EMBED_NONE;
		if ((p = after(q, "watch?")) == NULL)
			return EMBED_NONE;
		/* v= among the parameters. */
		while (p != NULL && *p != '\0' && *p != '#') {
			if (strncmp(p, "v=", 2) == 0)
				return take_id(p + 2, id, idsz, 0) == 0 ?
				    EMBED_YOUTUBE : EMBED_NONE;
			p = strchr(p, '&');
			if (p != NULL)
				p++;
		}
		return EMBED_NONE;
	}
	if ((q = after(p, "vimeo.com/")) != NULL ||
	    (q = after(p, "www.vimeo.com/")) != NULL ||
	    ((q = after(p, "player.vimeo.com/video/")) != NULL))
		return take_id(q, id, idsz, 1) == 0 ? EMBED_VIMEO : EMBED_NONE;
	return EMBED_NONE;
}

void
episode_embed_src(enum embed_provider p, const char *id, char *out,
    size_t outsz)
{
	switch (p) {
	case EMBED_YOUTUBE:
		/* The no-cookie host sets no cookie until the video plays. */
		snprintf(out, outsz,
		    "https://www.youtube-nocookie.com/embed/%s?autoplay=1", id);
		break;
	case EMBED_VIMEO:
		snprintf(out, outsz,
		    "https://player.vimeo.com/video/%s?autoplay=1&dnt=1", id);
		break;
	default:
		if (outsz > 0)
			out[0] = '\0';
		break;
	}
}

const char *
episode_provider_name(enum embed_provider p)
{
	static const char *const names[EMBED__MAX] = {
		[EMBED_NONE] = "",
		[EMBED_YOUTUBE] = "YouTube",
		[EMBED_VIMEO] = "Vimeo",
	};

	return (unsigned)p < EMBED__MAX ? names[p] : "";
}

json_t *
episode_paragraphs(const char *text)
{
	json_t *list = json_array();
	const char *p = text, *start, *end;

	for (;;) {
		/* Skip blank lines. */
		while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		/* A paragraph ends at an empty line or the end. */
		for (end = p; *end != '\0'; end++) {
			const char *q = end;

			if (*q != '\n')
				continue;
			q++;
			while (*q == ' ' || *q == '\t' || *q == '\r')
				q++;
			if (*q == '\n' || *q == '\0')
				break;
		}
		p = end;
		while (end > start && (end[-1] == '\r' || end[-1] == ' ' ||
		    end[-1] == '\t' || end[-1] == '\n'))
			end--;
		json_array_append_new(list, json_stringn(start,
		    (size_t)(end - start)));
	}
	return list;
}
