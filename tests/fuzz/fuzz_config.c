/*
 * fuzz_config.c — libFuzzer target for the config file reader
 * (src/config.c, config_load_fp; config_load_file opens the file and
 * calls it).
 *
 * config.c is included, not linked, to reach its table of settings: an
 * accepted file must leave every setting within the table's rules (a
 * number within its bounds, a choice from its list, a URL that is one,
 * without a trailing "/", no control character in any string) and a
 * refused one must say "NAME:LINE: why".  Reading the same file twice
 * must give the same answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct config *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		const struct setting *s = &settings[i];
		const char *v, *p;
		int64_t n;

		if (s->type == C_INT) {
			n = *(const int64_t *)((const char *)c + s->off);
			if (n < s->min || n > s->max)
				abort();
			continue;
		}
		if ((v = *(char *const *)((const char *)c + s->off)) == NULL)
			abort();
		for (p = v; *p != '\0'; p++)
			if (((unsigned char)*p < ' ' && *p != '\t') ||
			    *p == 0x7f)
				abort();
		if (s->type == C_CHOICE && !choice_ok(s->name, v))
			abort();
		if (s->type == C_URL && v[0] != '\0' && (!config_url_ok(v) ||
		    v[strlen(v) - 1] == '/'))
			abort();
	}
}

/* Loads the input into a fresh config: 0 or -1, the message in err. */
static int
load(const uint8_t *data, size_t size, struct config *c, char *err,
    size_t errlen)
{
	FILE *f;
	int rc;

	config_defaults(c);
	if (size == 0)
		return 0;
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		abort();
	rc = config_load_fp(c, f, "fuzz.conf", err, errlen);
	fclose(f);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, c2;
	char err[1024] = "", err2[1024] = "";
	const char *p;
	int rc;

	rc = load(data, size, &c, err, sizeof(err));
	if (rc == 0) {
		check(&c);
	} else {
		/* "fuzz.conf:LINE: why" */
		if (strncmp(err, "fuzz.conf:", 10) != 0)
			abort();
		for (p = err + 10; *p >= '0' && *p <= '9'; p++)
			;
		if (p == err + 10 || p[0] != ':' || p[1] != ' ' || p[2] == '\0')
			abort();
	}
	if (load(data, size, &c2, err2, sizeof(err2)) != rc ||
	    strcmp(err, err2) != 0)
		abort();
	config_free(&c);
	config_free(&c2);
	return 0;
}
