/*
 * fuzz_cadence.c: cadences and due dates (cadence.c, date.c).
 *
 * Input: NUL-separated fields: a cadence, a start date, a last check-in
 * date, a list of holidays and a byte of flags (skip weekends, lead
 * days).  A cadence that parses must read back from its canonical text
 * unchanged; a due date must be a date of the calendar and a business
 * day; the date forms must read back as they were written.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "cadence.h"
#include "date.h"
#include "fuzz.h"
#include "util.h"

enum { F_SPEC, F_START, F_LAST, F_HOLIDAYS, F_FLAGS, NFIELDS };

/* A date's text: what parses is written back the same. */
static bool
read_date(const char *s, struct tb_date *d)
{
	char out[DATE_STRLEN], *err = NULL;

	if (date_parse(s, d, &err) != 0) {
		free(err);
		return false;
	}
	fuzz_assert(strcmp(date_format(*d, out), s) == 0, "date %s read as %s",
	    s, out);
	return true;
}

/* The other forms of date.h, read and written back. */
static void
check_date_forms(const char *s)
{
	char hhmm[DATE_HHMM_STRLEN], stamp[DATE_TIMESTAMP_STRLEN];
	char *err = NULL;
	int hour, minute, second;
	time_t t;

	if (date_hhmm_parse(s, &hour, &minute, &err) == 0)
		fuzz_assert(strcmp(date_hhmm_format(hour, minute, hhmm), s) ==
		    0, "time %s read as %s", s, hhmm);
	free(err);
	if (date_hhmm_scan(s, &hour, &minute, &second) > 0)
		fuzz_assert(hour >= 0 && hour < 24 && minute >= 0 &&
		    minute < 60 && second >= 0 && second < 60, "time %s", s);
	if (date_timestamp_parse(s, &t) == 0)
		fuzz_assert(date_timestamp_parse(date_timestamp(t, stamp), &t)
		    == 0, "timestamp %s written as %s", s, stamp);
}

/* The canonical text of c reads back as the same cadence. */
static void
check_canonical(const struct cadence *c)
{
	struct cadence again;
	char *text = cadence_format(c), *text2, *phrase, *err = NULL;

	if (cadence_parse(text, &again, &err) != 0)
		fuzz_fail("canonical cadence \"%s\" does not parse: %s", text,
		    err);
	text2 = cadence_format(&again);
	fuzz_assert(strcmp(text, text2) == 0, "cadence \"%s\" read back as "
	    "\"%s\"", text, text2);
	phrase = cadence_describe(c);
	free(phrase);
	phrase = cadence_describe_spec(text);
	free(phrase);
	fuzz_assert(cadence_period_days(c) > 0, "cadence %s: no period", text);
	free(text);
	free(text2);
	cadence_reset(&again);
}

static void
check_due(const struct cadence *c, struct tb_date start,
    const struct tb_date *last, const struct cadence_calendar *cal)
{
	struct tb_date due, business;
	char *err = NULL;

	if (cadence_next_due(c, start, last, cal, &due, &err) != 0) {
		fuzz_assert(err != NULL, "cadence_next_due: no error message");
		free(err);
		return;
	}
	fuzz_assert(date_valid(due.year, due.month, due.day), "due %d-%d-%d",
	    due.year, due.month, due.day);
	business = cadence_business_day(due, cal);
	fuzz_assert(date_cmp(business, due) == 0, "due date is no business "
	    "day");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[NFIELDS], *err = NULL;
	struct cadence_calendar cal;
	struct cadence c;
	struct tb_date start, last;
	bool have_last;

	fuzz_fields(data, size, f, NFIELDS);
	memset(&cal, 0, sizeof cal);
	cal.skip_weekends = f[F_FLAGS][0] & 1;
	cal.lead_days = (unsigned char)f[F_FLAGS][0] >> 1;
	check_date_forms(f[F_START]);
	if (cadence_holiday_list_valid(f[F_HOLIDAYS]) &&
	    cadence_holidays_load(f[F_HOLIDAYS], &cal, &err) != 0) {
		fuzz_fail("a valid holiday list did not load: %s", err);
	}
	if (!read_date(f[F_START], &start))
		start = (struct tb_date){ 2026, 1, 15 };
	have_last = read_date(f[F_LAST], &last);
	if (cadence_parse(f[F_SPEC], &c, &err) == 0) {
		check_canonical(&c);
		check_due(&c, start, have_last ? &last : NULL, &cal);
		cadence_reset(&c);
	} else {
		fuzz_assert(err != NULL, "cadence_parse: no error message");
		free(err);
	}
	free(cal.holidays);
	fuzz_fields_free(f, NFIELDS);
	fuzz_input_done();
	return 0;
}
