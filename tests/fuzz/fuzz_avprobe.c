/*
 * fuzz_avprobe.c — libFuzzer target for src/avprobe.c (the kind and
 * length of an uploaded MP4, M4A, WebM or MP3) and for the chapters and
 * video links of src/episode.c.
 *
 * The whole input is the file.  The target aborts when an answer breaks
 * avprobe.h: a kind outside the enum, a type or extension that is not
 * the kind's, a negative length or one of more than ten days, a kind
 * for a refused file, or two different answers for the same bytes.
 * The same bytes, cut at the first NUL, are then a chapters text and a
 * video link: accepted chapters must have titles and times going up,
 * and an id must be made of the characters ids have.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "avprobe.h"
#include "episode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), id[32];
	json_t *ch, *c;
	json_int_t last = -1;
	size_t i;
	int line;

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (episode_chapters(s, &ch, &line) == 0) {
		json_array_foreach(ch, i, c) {
			json_int_t t = json_integer_value(json_object_get(c,
			    "start"));

			if (t <= last || json_string_length(json_object_get(c,
			    "title")) == 0)
				abort();
			last = t;
		}
		json_decref(ch);
	} else if (line < 1) {
		abort();
	}
	if (episode_embed(s, id, sizeof(id)) != EMBED_NONE) {
		if (id[0] == '\0' || strspn(id, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(id))
			abort();
	} else if (id[0] != '\0') {
		abort();
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mime[AV__MAX] = { "", "video/mp4",
	    "audio/mp4", "video/webm", "audio/mpeg" };
	struct av_info a, b;
	int r = avprobe(data, size, &a), r2 = avprobe(data, size, &b);

	if (r != r2 || a.kind != b.kind || a.seconds != b.seconds)
		abort();
	if (r != 0 && (a.kind != AV_NONE || a.seconds != 0 || a.mime[0] != '\0'))
		abort();
	if (r == 0 && (a.kind <= AV_NONE || a.kind >= AV__MAX ||
	    strcmp(a.mime, mime[a.kind]) != 0 || a.ext[0] == '\0' ||
	    a.seconds < 0 || a.seconds > 10 * 86400))
		abort();
	check_text(data, strnlen((const char *)data, size));
	return 0;
}
