/*
 * test_avprobe.c — the kind and length of media files (avprobe.h) and
 * an episode's chapters and video links (episode.h), from files built
 * byte by byte here, so each case says exactly what it holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "avprobe.h"
#include "episode.h"

static unsigned char file[1 << 20];
static size_t len;

static void
put(const void *p, size_t n)
{
	memcpy(file + len, p, n);
	len += n;
}

static void
put_be(uint64_t v, int bytes)
{
	while (bytes-- > 0)
		file[len++] = (unsigned char)(v >> (8 * bytes));
}

/* An MP4 with ftyp, an mdat and a moov holding mvhd of that version. */
static void
make_mp4(const char *brand, int version, uint32_t scale, uint64_t dur)
{
	len = 0;
	put_be(20, 4); put("ftyp", 4); put(brand, 4); put_be(0, 4);
	put("isom", 4);
	put_be(16, 4); put("mdat", 4); put("12345678", 8);
	if (version == 0) {
		put_be(8 + 8 + 100, 4); put("moov", 4);
		put_be(108, 4); put("mvhd", 4);
		put_be(0, 4);			/* version 0, flags */
		put_be(1, 4); put_be(2, 4);	/* created, modified */
		put_be(scale, 4); put_be(dur, 4);
		memset(file + len, 0, 80); len += 80;
	} else {
		put_be(8 + 8 + 112, 4); put("moov", 4);
		put_be(120, 4); put("mvhd", 4);
		put_be(0x01000000, 4);		/* version 1, flags */
		put_be(1, 8); put_be(2, 8);
		put_be(scale, 4); put_be(dur, 8);
		memset(file + len, 0, 80); len += 80;
	}
}

static void
test_mp4(void **state)
{
	struct av_info ai;

	(void)state;
	make_mp4("isom", 0, 600, 600 * 372);
	assert_int_equal(avprobe(file, len, &ai), 0);
	assert_int_equal(ai.kind, AV_MP4);
	assert_string_equal(ai.mime, "video/mp4");
	assert_int_equal(ai.seconds, 372);
	make_mp4("M4A ", 1, 44100, (uint64_t)44100 * 2256 + 100);
	assert_int_equal(avprobe(file, len, &ai), 0);
	assert_int_equal(ai.kind, AV_M4A);
	assert_string_equal(ai.ext, "m4a");
	assert_int_equal(ai.seconds, 2256);
	/* No timescale: a kind, but no length. */
	make_mp4("mp42", 0, 0, 1000);
	assert_int_equal(avprobe(file, len, &ai), 0);
	assert_int_equal(ai.seconds, 0);
	/* Cut before the moov: still MP4, length unknown. */
	make_mp4("mp42", 0, 600, 6000);
	assert_int_equal(avprobe(file, 40, &ai), 0);
	assert_int_equal(ai.seconds, 0);
}

static void
make_webm(int with_scale, double dur)
{
	union { double d; uint64_t u; } f;

	len = 0;
	put("\x1a\x45\xdf\xa3", 4); put_be(0x80 | 11, 1);
	put("\x42\x82", 2); put_be(0x80 | 4, 1); put("webm", 4);
	put("\x42\x87\x81\x04", 4);		/* DocTypeVersion 4 */
	put("\x18\x53\x80\x67", 4); put("\x01\xff\xff\xff\xff\xff\xff\xff", 8);
	put("\x11\x4d\x9b\x74", 4); put_be(0x80 | 2, 1); put("\xec\x80", 2);
	put("\x15\x49\xa9\x66", 4); put_be(0x80 | (with_scale ? 18 : 11), 1);
	if (with_scale) {
		put("\x2a\xd7\xb1", 3); put_be(0x80 | 3, 1);
		put_be(100000, 3);	/* 0.1 ms a tick */
	}
	f.d = dur;
	put("\x44\x89", 2); put_be(0x80 | 8, 1); put_be(f.u, 8);
	put("\x1f\x43\xb6\x75", 4); put("\x01\xff\xff\xff\xff\xff\xff\xff", 8);
}

static void
test_webm(void **state)
{
	struct av_info ai;

	(void)state;
	make_webm(0, 90500.0);		/* ms */
	assert_int_equal(avprobe(file, len, &ai), 0);
	assert_int_equal(ai.kind, AV_WEBM);
	assert_string_equal(ai.mime, "video/webm");
	assert_int_equal(ai.seconds, 91);
	make_webm(1, 36000000.0);	/* 0.1 ms ticks: an hour */
	assert_int_equal(avprobe(file, len, &ai), 0);
	assert_int_equal(ai.seconds, 3600);
	/* Matroska that is not WebM is not taken. */
	make_webm(0, 1000.0);
	memcpy(file + 8, "mkvx", 4);
	assert_int_equal(avprobe(file, len, &ai), -1);
}

/* MPEG-1 layer III, 128 kbit/s, 44.1 kHz, stereo: 417 bytes a frame. */
static void
make_mp3(int id3, int frames, int xing)
{
	int i;

	len = 0;
	if (id3) {
		put("ID3\x03\x00\x00", 6);
		put("\x00\x00\x01\x00", 4);	/* 128 bytes, syncsafe */
		memset(file + len, 'x', 128); len += 128;
	}
	for (i = 0; i < frames; i++) {
		size_t at = len;

		put("\xff\xfb\x90\x44", 4);
		memset(file + len, 0, 413);
		if (i == 0 && xing) {
			memcpy(file + at + 4 + 32, "Xing\x00\x00\x00\x01", 8);
			file[at + 4 + 32 + 8] = 0;
			file[at + 4 + 32 + 9] = 0;
			file[at + 4 + 32 + 10] = (unsigned char)(xing >> 8);
			file[at + 4 + 32 + 11] = (unsigned char)xing;
		}
		len += 413;
	}
}

static void
test_mp3(void **state)
{
	struct av_info ai;

	(void)state;
	/* 1,000 frames of 1,152 samples at 44.1 kHz: 26.1 s. */
	make_mp3(1, 1000, 0);
	assert_int_equal(avprobe(file, len, &ai), 0);
	assert_int_equal(ai.kind, AV_MP3);
	assert_string_equal(ai.mime, "audio/mpeg");
	assert_int_equal(ai.seconds, 26);
	/* A Xing header's count wins over the frames there are. */
	make_mp3(0, 3, 38281);
	assert_int_equal(avprobe(file, len, &ai), 0);
	assert_int_equal(ai.seconds, 1000);
	/* One frame header then junk is not an MP3. */
	make_mp3(0, 2, 0);
	file[417] = 'J';
	assert_int_equal(avprobe(file, len, &ai), -1);
	/* A tag that claims more than the file. */
	make_mp3(1, 2, 0);
	file[6] = 0x7f;
	assert_int_equal(avprobe(file, len, &ai), -1);
}

static void
test_not_media(void **state)
{
	static const char *const junk[] = { "", "GIF89a", "\x89PNG\r\n\x1a\n",
	    "RIFF\x24\x00\x00\x00WAVEfmt ", "<html>", "\xff\xd8\xff\xe0" };
	struct av_info ai;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		assert_int_equal(avprobe((const unsigned char *)junk[i],
		    strlen(junk[i]), &ai), -1);
		assert_int_equal(ai.kind, AV_NONE);
		assert_string_equal(ai.mime, "");
	}
	/* Every cut of every kind reads inside the bytes it was given. */
	make_mp4("isom", 1, 1000, 5000);
	for (k = 0; k < len; k++)
		(void)avprobe(file, k, &ai);
	make_webm(1, 5.0);
	for (k = 0; k < len; k++)
		(void)avprobe(file, k, &ai);
}

static void
test_chapters(void **state)
{
	json_t *ch;
	int line;

	(void)state;
	assert_int_equal(episode_chapters("0:00 Opening\r\n\n12:30 Middle\n"
	    "1:02:03   The end", &ch, &line), 0);
	assert_int_equal(json_array_size(ch), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ch,
	    1), "start")), 750);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    ch, 2), "time")), "1:02:03");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    ch, 2), "title")), "The end");
	json_decref(ch);
	assert_int_equal(episode_chapters("45 Seconds in", NULL, &line), 0);
	assert_int_equal(episode_chapters("", NULL, &line), 0);
	assert_int_equal(episode_chapters("1:00 A\n0:30 B", NULL, &line), -1);
	assert_int_equal(line, 2);
	assert_int_equal(episode_chapters("1:00 A\n1:00 B", NULL, &line), -1);
	assert_int_equal(episode_chapters("1:60 A", NULL, &line), -1);
	assert_int_equal(episode_chapters("1:00", NULL, &line), -1);
	assert_int_equal(episode_chapters("a:00 A", NULL, &line), -1);
	assert_int_equal(episode_chapters("1::00 A", NULL, &line), -1);
	assert_int_equal(episode_chapters("1:00:00:00 A", NULL, &line), -1);
	assert_int_equal(episode_chapters("\n\n-1 A", NULL, &line), -1);
	assert_int_equal(line, 3);
}

static void
test_embed(void **state)
{
	static const struct {
		const char		*url;
		enum embed_provider	 p;
		const char		*id;
	} cases[] = {
		{ "https://www.youtube.com/watch?v=aqz-KE-bpKQ", EMBED_YOUTUBE,
		    "aqz-KE-bpKQ" },
		{ "https://www.youtube.com/watch?feature=x&v=abc_123&t=4",
		    EMBED_YOUTUBE, "abc_123" },
		{ "https://youtu.be/aqz-KE-bpKQ?t=30", EMBED_YOUTUBE,
		    "aqz-KE-bpKQ" },
		{ "https://www.youtube.com/embed/xyz", EMBED_YOUTUBE, "xyz" },
		{ "https://vimeo.com/76979871", EMBED_VIMEO, "76979871" },
		{ "https://player.vimeo.com/video/123?h=1", EMBED_VIMEO, "123" },
		{ "https://vimeo.com/channels/staff", EMBED_NONE, "" },
		{ "https://www.youtube.com/watch?v=a\"b", EMBED_NONE, "" },
		{ "https://www.youtube.com/watch?list=x", EMBED_NONE, "" },
		{ "https://evil.example/youtu.be/abc", EMBED_NONE, "" },
		{ "javascript:alert(1)", EMBED_NONE, "" },
		{ "https://youtu.be/", EMBED_NONE, "" },
	};
	char id[64], src[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(episode_embed(cases[i].url, id, sizeof(id)),
		    cases[i].p);
		assert_string_equal(id, cases[i].id);
	}
	episode_embed_src(EMBED_YOUTUBE, "abc", src, sizeof(src));
	assert_string_equal(src,
	    "https://www.youtube-nocookie.com/embed/abc?autoplay=1");
	/* An id longer than the room is no id. */
	assert_int_equal(episode_embed("https://youtu.be/abcdef", id, 4),
	    EMBED_NONE);
}

static void
test_paragraphs(void **state)
{
	json_t *p;

	(void)state;
	p = episode_paragraphs("\n\nOne line\nstill one\n\n \r\nTwo\n\n\n");
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(json_string_value(json_array_get(p, 0)),
	    "One line\nstill one");
	assert_string_equal(json_string_value(json_array_get(p, 1)), "Two");
	json_decref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mp4),
		cmocka_unit_test(test_webm),
		cmocka_unit_test(test_mp3),
		cmocka_unit_test(test_not_media),
		cmocka_unit_test(test_chapters),
		cmocka_unit_test(test_embed),
		cmocka_unit_test(test_paragraphs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
