/*
 * avprobe.h — what an uploaded audio or video file is and how long it
 * plays, read from its bytes (docs/media.md): MP4 and M4A (the movie
 * header, mvhd), WebM (the segment's Duration) and MP3 (its frames, or
 * the frame count a Xing or Info header gives).  Nothing is decoded and
 * nothing runs outside this file: a hostile file can only be called
 * "not a media file".
 */
#ifndef MASTHEAD_AVPROBE_H
#define MASTHEAD_AVPROBE_H

#include <stddef.h>
#include <stdint.h>

enum av_kind {
	AV_NONE,
	AV_MP4,		/* video/mp4 */
	AV_M4A,		/* audio/mp4: an MP4 whose brand says audio */
	AV_WEBM,	/* video/webm */
	AV_MP3,		/* audio/mpeg */
	AV__MAX
};

struct av_info {
	enum av_kind	 kind;
	const char	*mime;		/* static */
	const char	*ext;		/* static, without the dot */
	int64_t		 seconds;	/* rounded; 0 when the file does not say */
};

/* 0 and *out filled for a file of a kind above, -1 for anything else. */
int	 avprobe(const unsigned char *p, size_t n, struct av_info *out);

#endif
