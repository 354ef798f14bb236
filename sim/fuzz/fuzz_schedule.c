/*
 * The schedule parser (sim/explore/schedule.c, the text of --schedule) on arbitrary
 * bytes, and its contract: what it accepts is valid, formats to a canonical text, and
 * that text parses back to an equal schedule.
 */
#include "explore/schedule.h"
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xs_schedule s, again;
	char *text = malloc(size + 1), *canon;
	char err[512];
	size_t len;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (xs_schedule_parse(text, &s, err, sizeof(err))) {
		if (!err[0])
			abort();
		free(text);
		return 0;
	}
	if (xs_schedule_check(&s, err, sizeof(err)))
		abort();
	len = xs_schedule_format(&s, NULL, 0);
	canon = malloc(len + 1);
	if (canon) {
		xs_schedule_format(&s, canon, len + 1);
		if (xs_schedule_parse(canon, &again, err, sizeof(err)))
			abort();
		if (!xs_schedule_equal(&s, &again))
			abort();
		xs_schedule_free(&again);
		free(canon);
	}
	xs_schedule_free(&s);
	free(text);
	return 0;
}
