/* date.c: civil date arithmetic (days-from-civil, after H. Hinnant). */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

bool
date_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
date_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (month < 1 || month > 12)
		return 0;
	return month == 2 && date_is_leap(year) ? 29 : days[month - 1];
}

bool
date_valid(int year, int month, int day)
{
	return year >= 1 && year <= 9999 && month >= 1 && month <= 12 &&
	    day >= 1 && day <= date_days_in_month(year, month);
}

static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_parse(const char *s, struct tb_date *out, char **err)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    (y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0)
		return set_err(err, "\"%s\" is not a date (YYYY-MM-DD)",
		    s ? s : "");
	if (!date_valid(y, m, d))
		return set_err(err, "%s is not a day of the calendar", s);
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
}

char *
date_format(struct tb_date d, char out[DATE_STRLEN])
{
	snprintf(out, DATE_STRLEN, "%04u-%02u-%02u", (unsigned)d.year % 10000u,
	    (unsigned)d.month % 100u, (unsigned)d.day % 100u);
	return out;
}

long
date_to_days(struct tb_date d)
{
	long y = d.year - (d.month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (d.month + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d.day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

struct tb_date
date_from_days(long z)
{
	struct tb_date d;
	long era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(y + (d.month <= 2));
	return d;
}

int
date_weekday(struct tb_date d)
{
	long days = date_to_days(d);	/* 1970-01-01 was a Thursday (4) */
	long w = (days + 3) % 7;

	if (w < 0)
		w += 7;
	return (int)w + 1;
}

struct tb_date
date_add_days(struct tb_date d, long n)
{
	return date_from_days(date_to_days(d) + n);
}

struct tb_date
date_add_months(struct tb_date d, long n)
{
	long total = (long)d.year * 12 + (d.month - 1) + n;
	struct tb_date r;
	int dim;

	r.year = (int)(total / 12);
	r.month = (int)(total % 12) + 1;
	dim = date_days_in_month(r.year, r.month);
	r.day = d.day > dim ? dim : d.day;
	return r;
}

long
date_diff(struct tb_date a, struct tb_date b)
{
	return date_to_days(b) - date_to_days(a);
}

int
date_cmp(struct tb_date a, struct tb_date b)
{
	long x = date_to_days(a), y = date_to_days(b);

	return x < y ? -1 : x > y;
}

char *
date_days_phrase(long n, const char *past)
{
	long a = n < 0 ? -n : n;

	if (n == 0)
		return xstrdup("today");
	return xasprintf("%s%ld day%s%s", n < 0 ? "in " : "", a,
	    a == 1 ? "" : "s", n > 0 ? past : "");
}

char *
date_format_long(struct tb_date d, char out[DATE_LONG_STRLEN])
{
	static const char *const weekdays[] = { "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
	static const char *const months[] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };

	if (!date_valid(d.year, d.month, d.day)) {
		snprintf(out, DATE_LONG_STRLEN, "(no date)");
		return out;
	}
	snprintf(out, DATE_LONG_STRLEN, "%s, %d %s %d",
	    weekdays[date_weekday(d) - 1], d.day, months[d.month - 1], d.year);
	return out;
}

int
date_hhmm_scan(const char *s, int *hour, int *minute, int *second)
{
	int h, m, sec = 0, used = 5;

	/* digits() stops at the NUL, so a short s is never read past. */
	if (s == NULL || (h = digits(s, 2)) < 0 || h > 23 || s[2] != ':' ||
	    (m = digits(s + 3, 2)) < 0 || m > 59)
		return -1;
	if (second != NULL && s[5] == ':') {
		if ((sec = digits(s + 6, 2)) < 0 || sec > 59)
			return -1;
		used = 8;
	}
	*hour = h;
	*minute = m;
	if (second != NULL)
		*second = sec;
	return used;
}

int
date_hhmm_parse(const char *s, int *hour, int *minute, char **err)
{
	int h, m;

	if (date_hhmm_scan(s, &h, &m, NULL) != 5 || s[5] != '\0')
		return set_err(err, "\"%s\" is not a time of day (HH:MM)",
		    s ? s : "");
	*hour = h;
	*minute = m;
	return 0;
}

char *
date_hhmm_format(int hour, int minute, char out[DATE_HHMM_STRLEN])
{
	snprintf(out, DATE_HHMM_STRLEN, "%02u:%02u", (unsigned)hour % 100u,
	    (unsigned)minute % 100u);
	return out;
}

char *
date_timestamp(time_t t, char out[DATE_TIMESTAMP_STRLEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, DATE_TIMESTAMP_STRLEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

int
date_timestamp_parse(const char *s, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) ==
	    NULL || *end != '\0')
		return -1;
	*t = timegm(&tm);
	return 0;
}
