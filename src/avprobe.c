/*
 * avprobe.c — the kind and length of MP4, M4A, WebM and MP3 files
 * (avprobe.h).  Every read is checked against the bytes left; sizes in
 * the file are never trusted to be less than what is there.
 */
#include <string.h>

#include "avprobe.h"

static const struct {
	const char	*mime, *ext;
} kinds[AV__MAX] = {
	[AV_NONE] = { "", "" },
	[AV_MP4] = { "video/mp4", "mp4" },
	[AV_M4A] = { "audio/mp4", "m4a" },
	[AV_WEBM] = { "video/webm", "webm" },
	[AV_MP3] = { "audio/mpeg", "mp3" },
};

static uint64_t
be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static int64_t
rounded(uint64_t units, uint64_t per_second)
{
	if (per_second == 0)
		return 0;
	/* No media plays for more than a few days: anything else is junk. */
	if (units / per_second > 10 * 86400)
		return 0;
	return (int64_t)((units + per_second / 2) / per_second);
}

/*
 * MP4: boxes of (size, type); size 1 means a 64-bit size follows, 0 "to
 * the end".  The length is the movie header's duration / timescale.
 */
static int
box(const unsigned char *p, size_t n, size_t *hdr, uint64_t *size)
{
	if (n < 8)
		return -1;
	*size = be(p, 4);
	*hdr = 8;
	if (*size == 1) {
		if (n < 16)
			return -1;
		*size = be(p + 8, 8);
		*hdr = 16;
	} else if (*size == 0) {
		*size = n;
	}
	if (*size < *hdr || *size > n)
		*size = n;	/* a truncated upload: read what is there */
	return 0;
}

static int64_t
mvhd_seconds(const unsigned char *p, size_t n)
{
	size_t hdr, off = 0, in;
	uint64_t size;

	/* moov at the top level, then mvhd inside it. */
	while (off < n && box(p + off, n - off, &hdr, &size) == 0) {
		if (memcmp(p + off + 4, "moov", 4) == 0) {
			for (in = off + hdr; in < off + size;) {
				const unsigned char *b = p + in;
				size_t left = off + size - in, h2;
				uint64_t s2;

				if (box(b, left, &h2, &s2) != 0)
					return 0;
				if (memcmp(b + 4, "mvhd", 4) == 0) {
					b += h2;
					left = s2 - h2;
					if (left >= 20 && b[0] == 0)
						return rounded(be(b + 16, 4),
						    be(b + 12, 4));
					if (left >= 32 && b[0] == 1)
						return rounded(be(b + 24, 8),
						    be(b + 20, 4));
					return 0;
				}
				in += s2;
			}
			return 0;
		}
		off += size;
	}
	return 0;
}

static int
probe_mp4(const unsigned char *p, size_t n, struct av_info *out)
{
	size_t hdr;
	uint64_t size;

	if (n < 12 || memcmp(p + 4, "ftyp", 4) != 0 ||
	    box(p, n, &hdr, &size) != 0 || size < 16)
		return -1;
	/* The major brand says audio for iTunes audio and audiobooks. */
	out->kind = memcmp(p + 8, "M4A ", 4) == 0 ||
	    memcmp(p + 8, "M4B ", 4) == 0 ? AV_M4A : AV_MP4;
	out->seconds = mvhd_seconds(p, n);
	return 0;
}

/*
 * WebM (Matroska): EBML elements of (id, size), both variable-length
 * integers.  Segment > Info > TimecodeScale (ns per tick, 1 ms unless
 * said) and Duration (a float of ticks).
 */
static int
vint(const unsigned char *p, size_t n, int keep_marker, uint64_t *v,
    size_t *len)
{
	int i, l;

	if (n == 0 || p[0] == 0)
		return -1;
	for (l = 1; !(p[0] & (0x80 >> (l - 1))); l++)
		;
	if ((size_t)l > n)
		return -1;
	*v = keep_marker ? p[0] : p[0] & (0xff >> l);
	for (i = 1; i < l; i++)
		*v = *v << 8 | p[i];
	*len = (size_t)l;
	return 0;
}

#define EBML_UNKNOWN(v, l)	((v) == (((uint64_t)1 << (7 * (l))) - 1))

static double
ebml_float(const unsigned char *p, uint64_t size)
{
	union { uint32_t u; float f; } f4;
	union { uint64_t u; double d; } f8;

	if (size == 4) {
		f4.u = (uint32_t)be(p, 4);
		return f4.f;
	}
	if (size == 8) {
		f8.u = be(p, 8);
		return f8.d;
	}
	return 0;
}

static int
probe_webm(const unsigned char *p, size_t n, struct av_info *out)
{
	uint64_t id, size, scale = 1000000;
	size_t off = 0, il, sl, end;
	double dur = -1;

	if (n < 4 || memcmp(p, "\x1a\x45\xdf\xa3", 4) != 0)
		return -1;
	/* The EBML header must name the webm DocType. */
	if (vint(p + 4, n - 4, 0, &size, &sl) != 0 || size > n - 4 - sl ||
	    memmem(p + 4 + sl, (size_t)size, "webm", 4) == NULL)
		return -1;
	out->kind = AV_WEBM;
	off = 4 + sl + (size_t)size;
	/* Into the Segment, then its Info; anything else is stepped over. */
	while (off < n && vint(p + off, n - off, 1, &id, &il) == 0 &&
	    vint(p + off + il, n - off - il, 0, &size, &sl) == 0) {
		off += il + sl;
		if (id == 0x18538067 || id == 0x1549a966)
			continue;	/* Segment, Info: read their children */
		if (EBML_UNKNOWN(size, sl) || size > n - off)
			break;
		if (id == 0x2ad7b1 && size >= 1 && size <= 8)
			scale = be(p + off, (int)size);
		else if (id == 0x4489)
			dur = ebml_float(p + off, size);
		end = off + (size_t)size;
		/* A Cluster means the headers are over. */
		if (id == 0x1f43b675)
			break;
		off = end;
	}
	out->seconds = 0;
	if (dur > 0 && scale > 0 && dur * (double)scale < 864000e9)
		out->seconds = (int64_t)(dur * (double)scale / 1e9 + 0.5);
	return 0;
}

/*
 * MP3: an ID3v2 tag may come first; then frames, each with a 4-byte
 * header giving its size.  A Xing or Info header in the first frame
 * counts the frames; else they are walked, which is exact for constant
 * and variable bit rates alike.
 */
static const int mp3_rates[2][16] = {
	/* MPEG-1 layer III, then MPEG-2 and 2.5 layer III, kbit/s */
	{ 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0 },
	{ 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0 },
};
static const int mp3_hz[4][3] = {
	{ 11025, 12000, 8000 },		/* MPEG 2.5 */
	{ 0, 0, 0 },			/* reserved */
	{ 22050, 24000, 16000 },	/* MPEG 2 */
	{ 44100, 48000, 32000 },	/* MPEG 1 */
};

struct mp3_frame {
	size_t	 len;
	int	 hz, samples, mono, v1;
};

static int
mp3_header(const unsigned char *p, size_t n, struct mp3_frame *f)
{
	int ver, layer, rate, hz, pad;

	if (n < 4 || p[0] != 0xff || (p[1] & 0xe0) != 0xe0)
		return -1;
	ver = (p[1] >> 3) & 3;
	layer = (p[1] >> 1) & 3;
	rate = p[2] >> 4;
	hz = (p[2] >> 2) & 3;
	pad = (p[2] >> 1) & 1;
	/* Layer III only (01), no free or bad rate, a known sample rate. */
	if (ver == 1 || layer != 1 || rate == 0 || rate == 15 || hz == 3)
		return -1;
	f->v1 = ver == 3;
	f->hz = mp3_hz[ver][hz];
	f->samples = f->v1 ? 1152 : 576;
	f->mono = (p[3] >> 6) == 3;
	f->len = (size_t)(f->v1 ? 144 : 72) * 1000 *
	    (size_t)mp3_rates[f->v1 ? 0 : 1][rate] / (size_t)f->hz +
	    (size_t)pad;
	return f->len >= 4 ? 0 : -1;
}

static int
probe_mp3(const unsigned char *p, size_t n, struct av_info *out)
{
	struct mp3_frame f, g;
	size_t off = 0, side;
	uint64_t frames = 0, samples = 0;
	const unsigned char *x;

	if (n >= 10 && memcmp(p, "ID3", 3) == 0) {
		off = 10 + ((size_t)(p[6] & 0x7f) << 21 |
		    (size_t)(p[7] & 0x7f) << 14 | (size_t)(p[8] & 0x7f) << 7 |
		    (size_t)(p[9] & 0x7f));
		if (p[5] & 0x10)
			off += 10;	/* a footer */
		if (off >= n)
			return -1;
	}
	/* Two frames in a row, or one that fills the file: an MP3. */
	if (mp3_header(p + off, n - off, &f) != 0 || (off + f.len < n &&
	    mp3_header(p + off + f.len, n - off - f.len, &g) != 0))
		return -1;
	out->kind = AV_MP3;
	side = f.v1 ? (f.mono ? 17 : 32) : (f.mono ? 9 : 17);
	x = p + off + 4 + side;
	if (off + 4 + side + 12 <= n && (memcmp(x, "Xing", 4) == 0 ||
	    memcmp(x, "Info", 4) == 0) && (x[7] & 1)) {
		out->seconds = rounded(be(x + 8, 4) * (uint64_t)f.samples,
		    (uint64_t)f.hz);
		return 0;
	}
	while (off < n && mp3_header(p + off, n - off, &g) == 0 &&
	    g.hz == f.hz) {
		frames++;
		samples += (uint64_t)g.samples;
		off += g.len;
	}
	out->seconds = frames > 0 ? rounded(samples, (uint64_t)f.hz) : 0;
	return 0;
}

int
avprobe(const unsigned char *p, size_t n, struct av_info *out)
{
	memset(out, 0, sizeof(*out));
	if (probe_mp4(p, n, out) != 0 && probe_webm(p, n, out) != 0 &&
	    probe_mp3(p, n, out) != 0) {
		memset(out, 0, sizeof(*out));
		out->mime = out->ext = "";
		return -1;
	}
	out->mime = kinds[out->kind].mime;
	out->ext = kinds[out->kind].ext;
	return 0;
}
