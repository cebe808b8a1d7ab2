/*
 * fuzz_holidays.c: the holidays .ics reader (cadence.c).
 *
 * Input: an .ics file.  What it reads is a list of dates of the
 * calendar, sorted, each once; what it refuses has a message naming the
 * file.
 */
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "cadence.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cadence_calendar cal;
	char *text = fuzz_string(data, size), *err = NULL;

	memset(&cal, 0, sizeof cal);
	if (cadence_holidays_parse_ics("fuzz.ics", text, &cal, &err) == 0) {
		for (size_t i = 0; i < cal.nholidays; i++) {
			struct tb_date d = cal.holidays[i];

			fuzz_assert(date_valid(d.year, d.month, d.day),
			    "holiday %d-%d-%d", d.year, d.month, d.day);
			fuzz_assert(i == 0 || date_cmp(cal.holidays[i - 1], d)
			    < 0, "holidays not sorted or repeated");
		}
		free(cal.holidays);
	} else {
		fuzz_assert(err != NULL && strncmp(err, "fuzz.ics", 8) == 0,
		    "error names no file: %s", err ? err : "(null)");
		free(err);
	}
	free(text);
	fuzz_input_done();
	return 0;
}
