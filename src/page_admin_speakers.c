/*
 * page_admin_speakers.c — the speakers field of the newsroom's event
 * form: one speaker a line, "Name | Job title | Company | photo", the
 * photo being the name (hash) of an image uploaded under Images.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "buf.h"
#include "own.h"
#include "req.h"
#include "store.h"
#include "view.h"

#define SPEAKER_TEXT	200	/* bytes of a name, title or company */

json_t *
admin_speakers_parse(struct req *r, const char *text, char *msg,
    size_t msgsz)
{
	static const char *const part[4] = { "name", "title", "company",
	    "image" };
	json_t *list = json_array(), *img;
	const char *p = text;
	char c[4][SPEAKER_TEXT + 1];
	size_t line = 0, i;
	int too_long;

	while (p != NULL && *p != '\0') {
		line++;
		p = admin_line_cells(p, c[0], 4, sizeof(c[0]), &too_long);
		if (too_long) {
			snprintf(msg, msgsz, "Speakers, line %zu: a part is "
			    "longer than %d bytes.", line, SPEAKER_TEXT);
			goto fail;
		}
		if (c[0][0] == '\0' && c[1][0] == '\0' && c[2][0] == '\0' &&
		    c[3][0] == '\0')
			continue;
		if (c[0][0] == '\0') {
			snprintf(msg, msgsz, "Speakers, line %zu: begin with "
			    "the speaker's name.", line);
			goto fail;
		}
		if (json_array_size(list) == SPEAKERS_MAX) {
			snprintf(msg, msgsz, "An event has at most %d "
			    "speakers.", SPEAKERS_MAX);
			goto fail;
		}
		if (c[3][0] != '\0' && (strlen(c[3]) != 64 ||
		    strspn(c[3], "0123456789abcdef") != 64 ||
		    store_image_get(r->db, c[3], &img) != STORE_OK)) {
			snprintf(msg, msgsz, "Speakers, line %zu: the photo is "
			    "the 64-character name of an uploaded image (see "
			    "Images), or nothing.", line);
			goto fail;
		}
		if (c[3][0] != '\0')
			json_decref(img);
		img = json_object();
		for (i = 0; i < 4; i++)
			json_object_set_new(img, part[i], json_string(c[i]));
		json_array_append_new(list, img);
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

int
admin_speakers_form(struct req *r, int64_t event, json_t *f)
{
	struct buf *a = own_buf(r, 0);
	json_t *list, *x;
	size_t i;
	int rc;

	if ((rc = store_event_speakers(r->db, event, &list)) != STORE_OK)
		return rc;
	own_json(r, list);
	json_array_foreach(list, i, x) {
		buf_printf(a, "%s | %s | %s", view_str(x, "name"),
		    view_str(x, "title"), view_str(x, "company"));
		if (view_str(x, "photo_hash")[0] != '\0')
			buf_printf(a, " | %s", view_str(x, "photo_hash"));
		buf_putc(a, '\n');
	}
	json_object_set_new(f, "speakers", json_string(a->p != NULL &&
	    !buf_err(a) ? a->p : ""));
	return STORE_OK;
}

int
admin_speakers_save(struct req *r, int64_t event, json_t *list)
{
	struct speaker_input s[SPEAKERS_MAX];
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x) {
		if (i == SPEAKERS_MAX)
			return STORE_INVALID;
		s[i].name = view_str(x, "name");
		s[i].title = view_str(x, "title");
		s[i].company = view_str(x, "company");
		s[i].image = view_str(x, "image");
	}
	return store_event_speakers_set(r->db, event, s,
	    json_array_size(list));
}
