/*
 * cadence.h: check-in cadences and due dates.  Pure functions: no I/O
 * except cadence_holidays_load(), which may read an .ics file.
 *
 * Forms: "weekly", "biweekly", "monthly", "quarterly", "yearly",
 * "every N days", "every N weeks", "every N months" (rolling: due = last
 * check-in, else start, + interval; months clamp to the month's end), and
 * "RRULE:..." (fixed: RFC 5545 recurrence anchored at the start date).
 */
#ifndef TB_CADENCE_H
#define TB_CADENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

enum cadence_kind {
	CADENCE_DAYS,		/* rolling, interval in days */
	CADENCE_MONTHS,		/* rolling, interval in months */
	CADENCE_RRULE		/* fixed recurrence */
};

struct cadence {
	enum cadence_kind kind;
	int	 interval;	/* days or months; 0 for RRULE */
	char	*rrule;		/* "FREQ=...;..." without "RRULE:", or NULL */
};

/* Business-day rules applied to every due date. */
struct cadence_calendar {
	bool		 skip_weekends;
	struct tb_date	*holidays;	/* sorted ascending */
	size_t		 nholidays;
	int		 lead_days;	/* RRULE: a check-in this many days
					   before an occurrence satisfies it */
};

/* Parse and validate spec into *out (free with cadence_reset).
 * Returns 0 or -1 with *err ("cadence \"every 0 days\": ..."). */
int cadence_parse(const char *spec, struct cadence *out, char **err);
void cadence_reset(struct cadence *c);

/* The canonical spec text ("monthly", "every 10 days", "RRULE:...").
 * Caller frees. */
char *cadence_format(const struct cadence *c);
/* A phrase for people: "every month", "every 2 weeks", "on a fixed
 * schedule (FREQ=MONTHLY;BYDAY=2TU)".  Caller frees. */
char *cadence_describe(const struct cadence *c);
/* The phrase of cadence_describe for a stored spec, or the spec itself
 * when it does not parse (one written by a later version): for showing,
 * never for scheduling.  Caller frees. */
char *cadence_describe_spec(const char *spec);
/* Nominal length of one period in days (months count 30.44); for charts. */
double cadence_period_days(const struct cadence *c);

/*
 * The next due date.  Rolling: (last check-in, else start) + interval.
 * Fixed: the first occurrence (DTSTART = start) that is on or after start
 * and later than last_checkin + lead_days, i.e. a check-in satisfies the
 * occurrence whose reminder window it falls in.  Then moved to the next
 * business day under cal (cal may be NULL).
 * Returns 0, or -1 with *err when no occurrence exists (an RRULE whose
 * COUNT/UNTIL has run out).
 */
int cadence_next_due(const struct cadence *c, struct tb_date start,
    const struct tb_date *last_checkin, const struct cadence_calendar *cal,
    struct tb_date *due, char **err);

/* The first business day on or after d under cal. */
struct tb_date cadence_business_day(struct tb_date d,
    const struct cadence_calendar *cal);

/*
 * Load holidays from a config value: a comma- or space-separated list of
 * YYYY-MM-DD dates, or the path of an .ics file whose VEVENTs' DTSTART
 * dates are holidays (multi-day events count every day).  Fills cal's
 * holidays (sorted, caller frees cal->holidays).  Returns 0 or -1 with
 * *err naming the file or the bad date.
 */
int cadence_holidays_load(const char *value, struct cadence_calendar *cal,
    char **err);

/*
 * The holidays of an .ics file's text (NUL-terminated; name is used in
 * messages), as cadence_holidays_load reads the file: the same rules,
 * for a text already in memory (the fuzzing harness's seam).  Same
 * results and errors.
 */
int cadence_holidays_parse_ics(const char *name, const char *text,
    struct cadence_calendar *cal, char **err);

/* Whether value is a list of at least one YYYY-MM-DD date, as
 * cadence_holidays_load reads one (for checking a setting early). */
bool cadence_holiday_list_valid(const char *value);
/* Whether value names an .ics file by its name ("2026.ics"), which is how
 * a setting tells a file from a list of dates. */
bool cadence_holidays_ics_name(const char *value);

#endif
