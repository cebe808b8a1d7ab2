/*
 * tz.h: time zones through libical's built-in tzdata: validating names,
 * the local date at an instant, and local wall-clock times to instants
 * following RFC 5545 section 3.3.5 in DST gaps and overlaps.
 */
#ifndef TB_TZ_H
#define TB_TZ_H

#include <stdbool.h>
#include <time.h>

#include "date.h"

/* True when tzid is "UTC" or an IANA name libical knows. */
bool tz_valid(const char *tzid);

/* The calendar date in tzid at instant t.  Returns 0 or -1 with *err. */
int tz_local_date(time_t t, const char *tzid, struct tb_date *out, char **err);

/* The same, with the wall-clock hour and minute (either may be NULL). */
int tz_local_time(time_t t, const char *tzid, struct tb_date *date, int *hour,
    int *minute, char **err);

/*
 * The instant of local time DATE HOUR:MINUTE in tzid, per RFC 5545
 * section 3.3.5: a time inside a DST gap is moved forward by the gap's
 * length, an ambiguous time takes its first occurrence.  *unusual (when
 * not NULL) is set true when the local time falls in a gap or overlap,
 * so that invites can write that date in UTC.  Returns 0 or -1 with *err.
 */
int tz_local_to_utc(struct tb_date date, int hour, int minute,
    const char *tzid, time_t *out, bool *unusual, char **err);

/*
 * Parse a --now argument: "YYYY-MM-DD" (taken as 12:00 local in tzid, so
 * that the date is the same in every zone within 12 hours),
 * "YYYY-MM-DDTHH:MM[:SS]" (local in tzid), or the same with "Z" or
 * "+HH:MM"/"-HH:MM".  Returns 0 or -1 with *err.
 */
int tz_parse_now(const char *s, const char *tzid, time_t *out, char **err);

#endif
