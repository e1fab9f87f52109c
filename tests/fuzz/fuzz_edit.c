/*
 * fuzz_edit.c — libFuzzer target for edit_check() (src/edit.c): the
 * checks every article write of the admin API and the newsroom passes,
 * against the rules of the article column table (store_cols.c), without
 * a database.
 *
 * The input is a request body: JSON parsed as api_body() parses it
 * (duplicate keys refused); the first byte's low bit says whether the
 * article is being created.  edit.c is included, not linked, to read
 * its limits; it reaches the store, so the target links the whole
 * program (see the Makefile).  The target aborts when the answer breaks
 * edit.h: a refusal is 400 (an unknown field) or 422 with a sentence,
 * and an accepted body holds only known fields, each of its type and
 * within its size, a slug where a slug is due, a known article type,
 * a title (and a section, when creating).
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edit.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Aborts unless v is a valid value of field f. */
static void
check_value(const struct store_col *f, json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), i;
	json_t *x;

	switch (f->rule) {
	case SR_SLUGS:
	case SR_NAMES:
		if (!json_is_array(v) || json_array_size(v) > MAX_LIST)
			abort();
		json_array_foreach(v, i, x) {
			s = json_string_value(x);
			if (s == NULL || s[0] == '\0' ||
			    json_string_length(x) > f->max ||
			    (f->rule == SR_SLUGS && !url_is_slug(s, strlen(s))))
				abort();
		}
		return;
	case SR_COUNT:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (uint64_t)json_integer_value(v) > f->max)
			abort();
		return;
	case SR_BOOL:
		if (!json_is_boolean(v))
			abort();
		return;
	case SR_NONE:
		abort();
	default:
		break;
	}
	if (s == NULL || n > f->max || strlen(s) != n)
		abort();
	if (f->rule == SR_SLUG && !url_is_slug(s, n))
		abort();
	if (f->rule == SR_URL && n > 0 && strncmp(s, "http://", 7) != 0 &&
	    strncmp(s, "https://", 8) != 0)
		abort();
	if (f->rule == SR_HASH && n > 0 && !hex64(s, n))
		abort();
	if (f->rule == SR_MIME && n > 0 && strncmp(s, "audio/", 6) != 0 &&
	    strncmp(s, "video/", 6) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct store_col *f;
	const char *key;
	json_t *in, *v;
	char msg[300];
	int creating, status;

	if (size < 1)
		return 0;
	creating = data[0] & 1;
	in = json_loadb((const char *)data + 1, size - 1,
	    JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(in)) {
		json_decref(in);
		return 0;
	}
	msg[0] = '\0';
	status = edit_check(in, creating, msg, sizeof(msg));
	if (status != 0) {
		if ((status != 400 && status != 422) || msg[0] == '\0')
			abort();
		json_decref(in);
		return 0;
	}
	json_object_foreach(in, key, v) {
		if ((f = store_col_by_key(key)) == NULL)
			abort();
		check_value(f, v);
	}
	v = json_object_get(in, "type");
	if (v != NULL && view_type_label(json_string_value(v)) == NULL)
		abort();
	v = json_object_get(in, "title");
	if ((creating || v != NULL) && json_string_length(v) == 0)
		abort();
	if (creating && json_object_get(in, "section") == NULL)
		abort();
	json_decref(in);
	return 0;
}
