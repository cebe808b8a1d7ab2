/*
 * tz.c: time zones through libical's built-in zones.  Local times are
 * resolved here rather than by libical because libical places times in
 * DST gaps and overlaps differently from RFC 5545 section 3.3.5.
 */
#include "tz.h"

#include <string.h>

#include <libical/ical.h>

#include "util.h"

#define DAY_SECS 86400L
#define TZ_NAME_MAX 64

/* The range of struct tb_date: 0001-01-01T00:00Z .. 9999-12-31T23:59:59Z. */
#define TZ_TIME_MIN (-62135596800LL)
#define TZ_TIME_MAX (253402300799LL)

/*
 * IANA names are letters, digits and "_+-" in "/"-separated parts.  libical
 * opens zoneinfo files by name, so anything path-like ("..", a leading
 * "/") must never reach it, nor the zoneinfo directories that are not
 * zones of their own.
 */
static bool
tz_name_ok(const char *s)
{
	size_t len = strlen(s), part = 0;

	if (len == 0 || len > TZ_NAME_MAX)
		return false;
	if (strncmp(s, "posix/", 6) == 0 || strncmp(s, "right/", 6) == 0 ||
	    strcmp(s, "localtime") == 0 || strcmp(s, "posixrules") == 0)
		return false;
	for (; *s != '\0'; s++) {
		if (*s == '/') {
			if (part == 0)
				return false;
			part = 0;
			continue;
		}
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '+' ||
		    *s == '-'))
			return false;
		part++;
	}
	return part > 0;
}

/*
 * The zones found last, by name: libical searches its few hundred
 * built-in zones from the first on every lookup (some 25,000
 * instructions), and a run asks for the same handful per partner.  A
 * built-in zone lives as long as the process.
 */
#define ZONES_KEPT	16
static struct {
	char		 name[64];
	icaltimezone	*zone;
} zones_kept[ZONES_KEPT];
static size_t zones_next;

static icaltimezone *
builtin_zone(const char *tzid)
{
	icaltimezone *zone;
	size_t i;

	for (i = 0; i < ZONES_KEPT && zones_kept[i].zone != NULL; i++)
		if (strcmp(zones_kept[i].name, tzid) == 0)
			return zones_kept[i].zone;
	if ((zone = icaltimezone_get_builtin_timezone(tzid)) == NULL ||
	    strlen(tzid) >= sizeof zones_kept[0].name)
		return zone;
	i = zones_next++ % ZONES_KEPT;
	strcpy(zones_kept[i].name, tzid);
	zones_kept[i].zone = zone;
	return zone;
}

/* The libical zone for tzid (the UTC zone for "UTC"), or NULL. */
static icaltimezone *
tz_zone(const char *tzid)
{
	icaltimezone *zone, *utc = icaltimezone_get_utc_timezone();

	if (tzid == NULL || !tz_name_ok(tzid))
		return NULL;
	if (strcmp(tzid, "UTC") == 0)
		return utc;
	if ((zone = builtin_zone(tzid)) == NULL)
		return NULL;
	/* "GMT" maps to the UTC zone, which has no VTIMEZONE. */
	if (zone != utc && icaltimezone_get_component(zone) == NULL)
		return NULL;
	return zone;
}

static icaltimezone *
tz_zone_err(const char *tzid, char **err)
{
	icaltimezone *zone = tz_zone(tzid);

	if (zone == NULL)
		set_err(err, "time zone \"%s\" is unknown", tzid ? tzid : "");
	return zone;
}

bool
tz_valid(const char *tzid)
{
	return tz_zone(tzid) != NULL;
}

static long long
floor_div(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The UTC offset (seconds east) of zone at instant t. */
static int
tz_offset(icaltimezone *zone, long long t)
{
	struct icaltimetype tt = icaltime_null_time();
	long long days = floor_div(t, DAY_SECS), secs = t - days * DAY_SECS;
	struct tb_date d = date_from_days((long)days);
	int dst;

	if (zone == icaltimezone_get_utc_timezone())
		return 0;
	tt.year = d.year;
	tt.month = d.month;
	tt.day = d.day;
	tt.hour = (int)(secs / 3600);
	tt.minute = (int)(secs / 60 % 60);
	tt.second = (int)(secs % 60);
	tt.zone = icaltimezone_get_utc_timezone();
	return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &dst);
}

int
tz_local_time(time_t t, const char *tzid, struct tb_date *date, int *hour,
    int *minute, char **err)
{
	icaltimezone *zone;
	long long local, secs;

	if ((zone = tz_zone_err(tzid, err)) == NULL)
		return -1;
	if ((long long)t < TZ_TIME_MIN || (long long)t > TZ_TIME_MAX)
		return set_err(err, "instant %lld is out of range",
		    (long long)t);
	local = (long long)t + tz_offset(zone, t);
	if (local < TZ_TIME_MIN || local > TZ_TIME_MAX)
		return set_err(err, "instant %lld is out of range in %s",
		    (long long)t, tzid);
	*date = date_from_days((long)floor_div(local, DAY_SECS));
	secs = local - floor_div(local, DAY_SECS) * DAY_SECS;
	if (hour != NULL)
		*hour = (int)(secs / 3600);
	if (minute != NULL)
		*minute = (int)(secs / 60 % 60);
	return 0;
}

int
tz_local_date(time_t t, const char *tzid, struct tb_date *out, char **err)
{
	return tz_local_time(t, tzid, out, NULL, NULL, err);
}

/*
 * Try the offsets in force a day before and a day after: a candidate is
 * real when it maps back to the wanted wall clock.  Two real candidates
 * mean an overlap (take the earlier), none a gap (use the offset before
 * the gap, which moves the time forward by the gap's length).
 */
int
tz_local_to_utc(struct tb_date date, int hour, int minute, const char *tzid,
    time_t *out, bool *unusual, char **err)
{
	icaltimezone *zone;
	long long wall, c1, c2;
	int o1, o2;
	bool ok1, ok2, odd = false;

	if ((zone = tz_zone_err(tzid, err)) == NULL)
		return -1;
	if (!date_valid(date.year, date.month, date.day))
		return set_err(err, "%04d-%02d-%02d is not a day of the "
		    "calendar", date.year, date.month, date.day);
	if (hour < 0 || hour > 23 || minute < 0 || minute > 59)
		return set_err(err, "%02d:%02d is not a time of day", hour,
		    minute);
	wall = (long long)date_to_days(date) * DAY_SECS + hour * 3600LL +
	    minute * 60LL;
	o1 = tz_offset(zone, wall - DAY_SECS);
	o2 = tz_offset(zone, wall + DAY_SECS);
	c1 = wall - o1;
	c2 = wall - o2;
	ok1 = c1 + tz_offset(zone, c1) == wall;
	ok2 = c2 + tz_offset(zone, c2) == wall;
	if (ok1 && ok2 && c1 != c2) {
		*out = (time_t)(c1 < c2 ? c1 : c2);
		odd = true;
	} else if (ok1)
		*out = (time_t)c1;
	else if (ok2)
		*out = (time_t)c2;
	else {
		*out = (time_t)c1;
		odd = true;
	}
	if (unusual != NULL)
		*unusual = odd;
	return 0;
}

/* "" (local), "Z", "+HH:MM" or "-HH:MM" into *off (seconds east). */
static int
parse_zone(const char *s, bool *local, int *off)
{
	int h, m;

	*local = false;
	*off = 0;
	if (*s == '\0') {
		*local = true;
		return 0;
	}
	if (strcmp(s, "Z") == 0)
		return 0;
	if ((*s != '+' && *s != '-') ||
	    date_hhmm_scan(s + 1, &h, &m, NULL) != 5 || s[6] != '\0')
		return -1;
	*off = (h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
	return 0;
}

int
tz_parse_now(const char *s, const char *tzid, time_t *out, char **err)
{
	char day[DATE_STRLEN];
	struct tb_date d;
	int h = 12, m = 0, sec = 0, off, used;
	bool local;

	if (s == NULL || strlen(s) < 10)
		return set_err(err, "\"%s\" is not a date or date-time",
		    s ? s : "");
	memcpy(day, s, 10);
	day[10] = '\0';
	if (date_parse(day, &d, err) != 0)
		return prefix_err(err, "\"%s\"", s);
	if (s[10] == '\0')
		local = true;
	else if (s[10] != 'T' || (used = date_hhmm_scan(s + 11, &h, &m,
	    &sec)) < 0 || parse_zone(s + 11 + used, &local, &off) != 0)
		return set_err(err, "\"%s\" is not YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]", s);
	if (local) {
		if (tz_local_to_utc(d, h, m, tzid, out, NULL, err) != 0)
			return prefix_err(err, "\"%s\"", s);
		*out += sec;
		return 0;
	}
	*out = (time_t)((long long)date_to_days(d) * DAY_SECS + h * 3600LL +
	    m * 60LL + sec - off);
	return 0;
}
