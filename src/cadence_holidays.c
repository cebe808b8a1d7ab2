/* cadence_holidays.c: the business-day calendar: weekends, and holidays
 * from a list of dates or an iCalendar file (libical). */
#include "cadence.h"

#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "file.h"
#include "util.h"

#define HOLIDAY_YEARS	20		/* how far a yearly holiday expands */
#define HOLIDAY_STEPS	10000		/* occurrences per holiday RRULE */
#define HOLIDAY_MAX	1000000		/* holiday dates in all */
#define EVENT_MAX_DAYS	366		/* longest holiday event */
#define ICS_MAX		(16u * 1024 * 1024)

/* t's date as a DATE value, every other field zero. */
static struct icaltimetype
date_only(struct icaltimetype t)
{
	struct icaltimetype d;

	memset(&d, 0, sizeof d);
	d.year = t.year;
	d.month = t.month;
	d.day = t.day;
	d.is_date = 1;
	return d;
}

static bool
is_holiday(const struct cadence_calendar *cal, long day)
{
	size_t lo = 0, hi = cal->nholidays, mid;
	long h;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		h = date_to_days(cal->holidays[mid]);
		if (h == day)
			return true;
		if (h < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct tb_date
cadence_business_day(struct tb_date d, const struct cadence_calendar *cal)
{
	const long last = date_to_days((struct tb_date){ 9999, 12, 31 });
	long day = date_to_days(d);

	if (cal == NULL)
		return d;
	/* Each step passes a weekend day or a holiday, so this ends. */
	while (day < last) {
		d = date_from_days(day);
		if (!(cal->skip_weekends && date_weekday(d) >= 6) &&
		    !is_holiday(cal, day))
			break;
		day++;
	}
	return date_from_days(day);
}

struct dates {
	struct tb_date	*v;
	size_t		 n;
	size_t		 cap;
};

static int
dates_add(struct dates *ds, struct tb_date d, char **err)
{
	if (ds->n == HOLIDAY_MAX)
		return set_err(err, "more than %d holiday dates", HOLIDAY_MAX);
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 32;
		ds->v = xreallocarray(ds->v, ds->cap, sizeof *ds->v);
	}
	ds->v[ds->n++] = d;
	return 0;
}

static int
dates_cmp(const void *a, const void *b)
{
	return date_cmp(*(const struct tb_date *)a, *(const struct tb_date *)b);
}

static int
load_list(const char *value, struct dates *ds, char **err)
{
	char *copy = xstrdup(value), *tok, *save = NULL, *why = NULL;
	struct tb_date d;
	int rc = 0;

	for (tok = strtok_r(copy, ", \t\r\n", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ", \t\r\n", &save)) {
		if (date_parse(tok, &d, &why) != 0)
			rc = set_err(err, "holiday %s", why);
		else
			rc = dates_add(ds, d, err);
	}
	free(why);
	free(copy);
	return rc;
}

bool
cadence_holiday_list_valid(const char *value)
{
	struct dates ds = { NULL, 0, 0 };
	bool ok = load_list(value, &ds, NULL) == 0 && ds.n > 0;

	free(ds.v);
	return ok;
}

/* A VEVENT's SUMMARY (or UID) for messages, control characters masked. */
static void
event_name(icalcomponent *ev, char *out, size_t size)
{
	const char *s = icalcomponent_get_summary(ev);
	size_t i;

	if (s == NULL && (s = icalcomponent_get_uid(ev)) == NULL)
		s = "(no SUMMARY)";
	snprintf(out, size, "%s", s);
	for (i = 0; out[i] != '\0'; i++)
		if (iscntrl((unsigned char)out[i]) || out[i] == '"')
			out[i] = '?';
}

static bool
time_valid(struct icaltimetype t)
{
	return !icaltime_is_null_time(t) && date_valid(t.year, t.month, t.day);
}

static struct tb_date
time_date(struct icaltimetype t)
{
	return (struct tb_date){ t.year, t.month, t.day };
}

static long
time_secs(struct icaltimetype t)
{
	return t.is_date ? 0 : t.hour * 3600L + t.minute * 60L + t.second;
}

/* Days an event covers: DTEND is exclusive, a DURATION counts from DTSTART;
 * a timed event covers each day it touches. */
static long
event_days(icalcomponent *ev, struct icaltimetype start)
{
	icalproperty *p;
	struct icaltimetype end;
	struct icaldurationtype dur;
	long secs = 0;

	if ((p = icalcomponent_get_first_property(ev,
	    ICAL_DTEND_PROPERTY)) != NULL) {
		end = icalproperty_get_dtend(p);
		if (!time_valid(end))
			return -1;
		secs = date_diff(time_date(start), time_date(end)) * 86400L +
		    time_secs(end);
	} else if ((p = icalcomponent_get_first_property(ev,
	    ICAL_DURATION_PROPERTY)) != NULL) {
		dur = icalproperty_get_duration(p);
		if (!dur.is_neg)
			secs = time_secs(start) + ((dur.weeks * 7L + dur.days) *
			    24L + dur.hours) * 3600L + dur.minutes * 60L +
			    dur.seconds;
	}
	return secs > 86400L ? (secs + 86399) / 86400 : 1;
}

static int
add_span(struct dates *ds, struct tb_date d, long ndays, char **err)
{
	for (long i = 0; i < ndays; i++) {
		struct tb_date x = date_add_days(d, i);

		if (x.year > 9999)
			break;
		if (dates_add(ds, x, err) != 0)
			return -1;
	}
	return 0;
}

/*
 * An event's EXDATEs, read once: a component has one property cursor,
 * so reading them inside the RRULE loop would move that loop's cursor
 * (two RRULEs with an EXDATE between them never ended).
 */
struct exdates {
	struct icaltimetype	*v;
	size_t			 n;
};

static void
exdates_read(icalcomponent *ev, struct exdates *xs)
{
	icalproperty *p;
	size_t cap = 0;

	xs->v = NULL;
	xs->n = 0;
	for (p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(ev,
	    ICAL_EXDATE_PROPERTY)) {
		if (xs->n == cap) {
			cap = cap ? cap * 2 : 8;
			xs->v = xreallocarray(xs->v, cap, sizeof *xs->v);
		}
		xs->v[xs->n++] = icalproperty_get_exdate(p);
	}
}

static bool
excluded(const struct exdates *xs, struct icaltimetype t)
{
	for (size_t i = 0; i < xs->n; i++)
		if (xs->v[i].year == t.year && xs->v[i].month == t.month &&
		    xs->v[i].day == t.day)
			return true;
	return false;
}

/* Occurrences of each RRULE, DTSTART to HOLIDAY_YEARS later. */
static int
expand_rrules(icalcomponent *ev, struct icaltimetype start, long ndays,
    const struct exdates *xs, struct dates *ds, const char *where,
    char **err)
{
	icalproperty *p;
	icalrecur_iterator *it;
	struct icaltimetype t, from = start;
	int limit = start.year + HOLIDAY_YEARS > 9999 ? 9999 :
	    start.year + HOLIDAY_YEARS, rc = 0;

	if (start.is_date)
		from = date_only(start);
	from.zone = NULL;
	for (p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	    p != NULL && rc == 0; p = icalcomponent_get_next_property(ev,
	    ICAL_RRULE_PROPERTY)) {
		it = icalrecur_iterator_new(icalproperty_get_rrule(p), from);
		icalerror_clear_errno();
		if (it == NULL)
			return set_err(err, "%s: libical cannot expand its "
			    "RRULE", where);
		for (int step = 0; step < HOLIDAY_STEPS && rc == 0; step++) {
			t = icalrecur_iterator_next(it);
			if (icaltime_is_null_time(t) || t.year > limit)
				break;
			if (!date_valid(t.year, t.month, t.day))
				rc = set_err(err, "%s: its RRULE gives the "
				    "impossible date %04d-%02d-%02d", where,
				    t.year, t.month, t.day);
			else if (!excluded(xs, t))
				rc = add_span(ds, time_date(t), ndays, err);
		}
		icalrecur_iterator_free(it);
	}
	icalerror_clear_errno();
	return rc;
}

static int
add_event(icalcomponent *ev, const char *path, struct dates *ds, char **err)
{
	struct exdates xs = { NULL, 0 };
	icalproperty *p;
	struct icaltimetype start;
	char name[64], *where;
	long ndays;
	int rc = -1;

	event_name(ev, name, sizeof name);
	where = xasprintf("%s: VEVENT \"%s\"", path, name);
	if ((p = icalcomponent_get_first_property(ev,
	    ICAL_XLICERROR_PROPERTY)) != NULL) {
		set_err(err, "%s: %.200s", where, icalproperty_get_xlicerror(p));
		goto out;
	}
	if ((p = icalcomponent_get_first_property(ev,
	    ICAL_DTSTART_PROPERTY)) == NULL) {
		set_err(err, "%s: no DTSTART", where);
		goto out;
	}
	start = icalproperty_get_dtstart(p);
	if (!time_valid(start)) {
		set_err(err, "%s: DTSTART %04d-%02d-%02d is not a day of the "
		    "calendar", where, start.year, start.month, start.day);
		goto out;
	}
	if ((ndays = event_days(ev, start)) < 0) {
		set_err(err, "%s: DTEND is not a day of the calendar", where);
		goto out;
	}
	if (ndays > EVENT_MAX_DAYS) {
		set_err(err, "%s: lasts more than %d days", where,
		    EVENT_MAX_DAYS);
		goto out;
	}
	exdates_read(ev, &xs);
	/* RFC 5545: DTSTART is always the first instance. */
	if (!excluded(&xs, start) &&
	    add_span(ds, time_date(start), ndays, err) != 0)
		goto out;
	if (expand_rrules(ev, start, ndays, &xs, ds, where, err) != 0)
		goto out;
	rc = 0;
out:
	free(xs.v);
	free(where);
	return rc;
}

/* Add the VEVENTs under c; *found counts them. */
static int
walk_events(icalcomponent *c, const char *path, struct dates *ds,
    size_t *found, char **err)
{
	icalcomponent *k;

	if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT) {
		(*found)++;
		return add_event(c, path, ds, err);
	}
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	    k != NULL; k = icalcomponent_get_next_component(c,
	    ICAL_ANY_COMPONENT))
		if (walk_events(k, path, ds, found, err) != 0)
			return -1;
	return 0;
}

static bool
has_vcalendar(const char *text)
{
	for (const char *p = text; (p = strchr(p, ':')) != NULL; p++)
		if (p - text >= 5 && strncasecmp(p - 5, "BEGIN:VCALENDAR",
		    15) == 0)
			return true;
	return false;
}

/* The holidays of an iCalendar text (name: for messages) into ds. */
static int
parse_ics(const char *name, const char *text, struct dates *ds, char **err)
{
	icalcomponent *root;
	size_t found = 0;
	int rc;

	if (!has_vcalendar(text))
		return set_err(err, "%s: not an iCalendar file (no "
		    "BEGIN:VCALENDAR)", name);
	root = icalparser_parse_string(text);
	icalerror_clear_errno();
	if (root == NULL)
		return set_err(err, "%s: libical cannot parse it", name);
	rc = walk_events(root, name, ds, &found, err);
	icalcomponent_free(root);
	icalerror_clear_errno();
	if (rc == 0 && found == 0)
		rc = set_err(err, "%s: no VEVENT in it", name);
	return rc;
}

static int
load_ics(const char *path, struct dates *ds, char **err)
{
	char *text;
	int rc;

	if ((text = file_read(path, ICS_MAX, 0, NULL, NULL, err)) == NULL)
		return -1;
	rc = parse_ics(path, text, ds, err);
	free(text);
	return rc;
}

/* Sorted and without repeats into cal (which takes ds's array), or ds
 * freed when rc is not 0.  Returns rc. */
static int
dates_finish(struct dates *ds, int rc, struct cadence_calendar *cal)
{
	size_t i, n = 0;

	if (rc != 0) {
		free(ds->v);
		return -1;
	}
	if (ds->n > 0)
		qsort(ds->v, ds->n, sizeof *ds->v, dates_cmp);
	for (i = 0; i < ds->n; i++)
		if (n == 0 || date_cmp(ds->v[n - 1], ds->v[i]) != 0)
			ds->v[n++] = ds->v[i];
	cal->holidays = ds->v;
	cal->nholidays = n;
	return 0;
}

bool
cadence_holidays_ics_name(const char *value)
{
	size_t n = strlen(value);

	return n > 4 && strcasecmp(value + n - 4, ".ics") == 0;
}

/* An .ics name, or a file by another name. */
static bool
is_ics_path(const char *value)
{
	struct stat sb;

	return cadence_holidays_ics_name(value) || (stat(value, &sb) == 0 &&
	    !S_ISDIR(sb.st_mode));
}

int
cadence_holidays_load(const char *value, struct cadence_calendar *cal,
    char **err)
{
	struct dates ds = { NULL, 0, 0 };
	int rc;

	if (value == NULL)
		value = "";
	if (*value != '\0' && is_ics_path(value))
		rc = load_ics(value, &ds, err);
	else
		rc = load_list(value, &ds, err);
	return dates_finish(&ds, rc, cal);
}

int
cadence_holidays_parse_ics(const char *name, const char *text,
    struct cadence_calendar *cal, char **err)
{
	struct dates ds = { NULL, 0, 0 };

	return dates_finish(&ds, parse_ics(name, text, &ds, err), cal);
}
