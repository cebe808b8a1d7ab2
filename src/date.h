/*
 * date.h: civil (proleptic Gregorian) calendar dates without time zones.
 * Due dates, check-in dates and holidays are all local calendar dates, so
 * they are kept as plain year/month/day and compared by day number.
 */
#ifndef TB_DATE_H
#define TB_DATE_H

#include <stdbool.h>
#include <time.h>

struct tb_date {
	int	year;	/* 1..9999 */
	int	month;	/* 1..12 */
	int	day;	/* 1..days_in_month */
};

#define DATE_STRLEN 11	/* "YYYY-MM-DD" and NUL */

bool date_is_leap(int year);
int date_days_in_month(int year, int month);
bool date_valid(int year, int month, int day);

/* Parse exactly "YYYY-MM-DD" into a date that exists (2024-02-30 does not).
 * Returns 0, or -1 with *err set. */
int date_parse(const char *s, struct tb_date *out, char **err);

/* Write "YYYY-MM-DD" into out (DATE_STRLEN bytes). Returns out. */
char *date_format(struct tb_date d, char out[DATE_STRLEN]);

#define DATE_LONG_STRLEN 40	/* "Wednesday, 30 September 2026" and NUL */
/* "Tuesday, 8 December 2026" into out.  Returns out. */
char *date_format_long(struct tb_date d, char out[DATE_LONG_STRLEN]);

/* Day number: days since 1970-01-01 (negative before). */
long date_to_days(struct tb_date d);
struct tb_date date_from_days(long days);

/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int date_weekday(struct tb_date d);

struct tb_date date_add_days(struct tb_date d, long n);
/* Add months, clamping the day to the end of the target month
 * (2024-01-31 + 1 month = 2024-02-29). */
struct tb_date date_add_months(struct tb_date d, long n);
/* b - a in days. */
long date_diff(struct tb_date a, struct tb_date b);
/* <0, 0, >0 like strcmp. */
int date_cmp(struct tb_date a, struct tb_date b);
/* n days after a date as people say it: "today", "in 3 days" before it
 * (n < 0), "1 day" and then past (" ago", " late") after it.  Caller
 * frees. */
char *date_days_phrase(long n, const char *past);

/* Parse exactly "HH:MM" (00:00 to 23:59).  Returns 0, or -1 with *err. */
int date_hhmm_parse(const char *s, int *hour, int *minute, char **err);

#define DATE_HHMM_STRLEN 6	/* "HH:MM" and NUL */
/* hour (0..23) and minute (0..59) as "HH:MM", the form date_hhmm_parse
 * reads, into out.  Returns out. */
char *date_hhmm_format(int hour, int minute, char out[DATE_HHMM_STRLEN]);

/*
 * The clock time at the start of s, for parsers of longer forms (ISO 8601
 * date-times, UTC offsets): "HH:MM" (00:00 to 23:59) and, when second is
 * not NULL, ":SS" (00 to 59) if it follows (else *second is 0).  Returns
 * the characters read (5 or 8), or -1 when s does not start with a time
 * of day; nothing is written then.
 */
int date_hhmm_scan(const char *s, int *hour, int *minute, int *second);

#define DATE_TIMESTAMP_STRLEN 21	/* "YYYY-MM-DDTHH:MM:SSZ" and NUL */
/* t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out.  Returns out. */
char *date_timestamp(time_t t, char out[DATE_TIMESTAMP_STRLEN]);
/* Parse that form back.  Returns 0, or -1 when s is not one. */
int date_timestamp_parse(const char *s, time_t *t);

#endif
