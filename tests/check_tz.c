/* check_tz.c: zone names, local dates, RFC 5545 gaps and overlaps, --now. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "book_memo.h"
#include "tz.h"
#include "util.h"

/* "YYYY-MM-DDTHH:MM:SSZ" to an instant, independently of tz.c. */
static time_t
utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	ck_assert_ptr_nonnull(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return timegm(&tm);
}

static const struct {
	const char	*tzid;
	int		 ok;
} valid_cases[] = {
	{ "UTC", 1 }, { "America/New_York", 1 }, { "Europe/Berlin", 1 },
	{ "Asia/Kolkata", 1 }, { "Australia/Lord_Howe", 1 },
	{ "America/Argentina/Buenos_Aires", 1 },
	{ "America/Port-au-Prince", 1 }, { "Etc/GMT+5", 1 }, { "EST5EDT", 1 },
	{ "", 0 }, { "Mars/Base", 0 }, { "/etc/passwd", 0 },
	{ "../etc/passwd", 0 }, { "America/../America/New_York", 0 },
	{ "/usr/share/zoneinfo/America/New_York", 0 },
	{ "America/New_York/", 0 }, { "America//New_York", 0 },
	{ "America/New York", 0 }, { "America/New_York ", 0 },
	{ "america/new_york", 0 }, { "right/America/New_York", 0 },
	{ "posix/Europe/Berlin", 0 }, { "localtime", 0 }, { "America", 0 },
	{ "zone.tab", 0 }, { "America/New_York\n", 0 },
	{ "Europe/Berlin;rm -rf /", 0 },
	{ "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Bbb",
	    0 },
};

START_TEST(test_valid)
{
	ck_assert_msg(tz_valid(valid_cases[_i].tzid) == valid_cases[_i].ok,
	    "tz_valid(\"%s\")", valid_cases[_i].tzid);
}
END_TEST

START_TEST(test_valid_null)
{
	ck_assert(!tz_valid(NULL));
}
END_TEST

static const struct {
	const char	*instant;
	const char	*tzid;
	struct tb_date	 date;
} date_cases[] = {
	{ "2026-01-01T04:59:59Z", "America/New_York", { 2025, 12, 31 } },
	{ "2026-01-01T05:00:00Z", "America/New_York", { 2026, 1, 1 } },
	{ "2026-07-01T03:59:59Z", "America/New_York", { 2026, 6, 30 } },
	{ "2026-07-01T04:00:00Z", "America/New_York", { 2026, 7, 1 } },
	{ "2025-12-31T22:59:59Z", "Europe/Berlin", { 2025, 12, 31 } },
	{ "2025-12-31T23:00:00Z", "Europe/Berlin", { 2026, 1, 1 } },
	{ "2026-06-30T21:59:59Z", "Europe/Berlin", { 2026, 6, 30 } },
	{ "2026-06-30T22:00:00Z", "Europe/Berlin", { 2026, 7, 1 } },
	{ "2026-03-01T14:59:59Z", "Asia/Tokyo", { 2026, 3, 1 } },
	{ "2026-03-01T15:00:00Z", "Asia/Tokyo", { 2026, 3, 2 } },
	{ "2026-02-28T18:29:59Z", "Asia/Kolkata", { 2026, 2, 28 } },
	{ "2026-02-28T18:30:00Z", "Asia/Kolkata", { 2026, 3, 1 } },
	{ "2026-06-30T10:00:00Z", "Pacific/Kiritimati", { 2026, 7, 1 } },
	{ "2026-07-01T10:59:59Z", "Pacific/Pago_Pago", { 2026, 6, 30 } },
	{ "2026-07-01T11:00:00Z", "Pacific/Pago_Pago", { 2026, 7, 1 } },
	{ "2024-02-29T23:59:59Z", "UTC", { 2024, 2, 29 } },
	{ "2024-03-01T00:00:00Z", "UTC", { 2024, 3, 1 } },
	{ "2026-11-01T05:30:00Z", "America/New_York", { 2026, 11, 1 } },
};

START_TEST(test_local_date)
{
	struct tb_date d;
	char *err = NULL;

	ck_assert_int_eq(tz_local_date(utc(date_cases[_i].instant),
	    date_cases[_i].tzid, &d, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_msg(date_cmp(d, date_cases[_i].date) == 0,
	    "%s in %s: got %04d-%02d-%02d", date_cases[_i].instant,
	    date_cases[_i].tzid, d.year, d.month, d.day);
}
END_TEST

START_TEST(test_local_date_bad)
{
	struct tb_date d;
	char *err = NULL;

	ck_assert_int_eq(tz_local_date(0, "Mars/Base", &d, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "Mars/Base"));
	free(err);
	err = NULL;
	ck_assert_int_eq(tz_local_date((time_t)300000000000LL, "UTC", &d,
	    &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

#define NY "America/New_York"
#define BER "Europe/Berlin"
static const struct {
	const char	*tzid;
	struct tb_date	 date;
	int		 hour, minute;
	const char	*instant;
	int		 unusual;
} utc_cases[] = {
	/* Normal days. */
	{ NY, { 2026, 1, 15 }, 10, 0, "2026-01-15T15:00:00Z", 0 },
	{ NY, { 2026, 6, 15 }, 10, 0, "2026-06-15T14:00:00Z", 0 },
	{ BER, { 2026, 12, 1 }, 10, 0, "2026-12-01T09:00:00Z", 0 },
	{ BER, { 2026, 7, 1 }, 10, 0, "2026-07-01T08:00:00Z", 0 },
	{ "Asia/Kolkata", { 2026, 3, 8 }, 10, 0, "2026-03-08T04:30:00Z", 0 },
	{ "UTC", { 2026, 3, 8 }, 2, 30, "2026-03-08T02:30:00Z", 0 },
	/* New York spring forward: 02:00 EST becomes 03:00 EDT. */
	{ NY, { 2026, 3, 8 }, 1, 59, "2026-03-08T06:59:00Z", 0 },
	{ NY, { 2026, 3, 8 }, 2, 0, "2026-03-08T07:00:00Z", 1 },
	{ NY, { 2026, 3, 8 }, 2, 30, "2026-03-08T07:30:00Z", 1 },
	{ NY, { 2026, 3, 8 }, 3, 0, "2026-03-08T07:00:00Z", 0 },
	{ NY, { 2026, 3, 8 }, 10, 0, "2026-03-08T14:00:00Z", 0 },
	/* New York fall back: 02:00 EDT becomes 01:00 EST. */
	{ NY, { 2026, 11, 1 }, 0, 59, "2026-11-01T04:59:00Z", 0 },
	{ NY, { 2026, 11, 1 }, 1, 0, "2026-11-01T05:00:00Z", 1 },
	{ NY, { 2026, 11, 1 }, 1, 30, "2026-11-01T05:30:00Z", 1 },
	{ NY, { 2026, 11, 1 }, 2, 0, "2026-11-01T07:00:00Z", 0 },
	{ NY, { 2026, 11, 1 }, 10, 0, "2026-11-01T15:00:00Z", 0 },
	/* Berlin spring forward: 02:00 CET becomes 03:00 CEST. */
	{ BER, { 2026, 3, 29 }, 1, 59, "2026-03-29T00:59:00Z", 0 },
	{ BER, { 2026, 3, 29 }, 2, 0, "2026-03-29T01:00:00Z", 1 },
	{ BER, { 2026, 3, 29 }, 2, 30, "2026-03-29T01:30:00Z", 1 },
	{ BER, { 2026, 3, 29 }, 3, 0, "2026-03-29T01:00:00Z", 0 },
	/* Berlin fall back: 03:00 CEST becomes 02:00 CET. */
	{ BER, { 2026, 10, 25 }, 1, 59, "2026-10-24T23:59:00Z", 0 },
	{ BER, { 2026, 10, 25 }, 2, 0, "2026-10-25T00:00:00Z", 1 },
	{ BER, { 2026, 10, 25 }, 2, 30, "2026-10-25T00:30:00Z", 1 },
	{ BER, { 2026, 10, 25 }, 3, 0, "2026-10-25T02:00:00Z", 0 },
	/* Half-hour shifts and the southern hemisphere. */
	{ "Australia/Lord_Howe", { 2026, 10, 4 }, 2, 15,
	    "2026-10-03T15:45:00Z", 1 },
	{ "Australia/Lord_Howe", { 2026, 4, 5 }, 1, 45,
	    "2026-04-04T14:45:00Z", 1 },
	{ "Australia/Sydney", { 2026, 10, 4 }, 2, 30,
	    "2026-10-03T16:30:00Z", 1 },
	{ "Australia/Sydney", { 2026, 4, 5 }, 2, 30,
	    "2026-04-04T15:30:00Z", 1 },
	{ "America/St_Johns", { 2026, 3, 8 }, 2, 30,
	    "2026-03-08T06:00:00Z", 1 },
	/* Samoa skipped 2011-12-30 entirely. */
	{ "Pacific/Apia", { 2011, 12, 30 }, 10, 0, "2011-12-30T20:00:00Z", 1 },
};
#undef NY
#undef BER

START_TEST(test_local_to_utc)
{
	time_t t = 0;
	bool unusual = !utc_cases[_i].unusual;
	char *err = NULL;

	ck_assert_int_eq(tz_local_to_utc(utc_cases[_i].date, utc_cases[_i].hour,
	    utc_cases[_i].minute, utc_cases[_i].tzid, &t, &unusual, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_msg(t == utc(utc_cases[_i].instant),
	    "%s %04d-%02d-%02d %02d:%02d: got %lld, want %s",
	    utc_cases[_i].tzid, utc_cases[_i].date.year,
	    utc_cases[_i].date.month, utc_cases[_i].date.day,
	    utc_cases[_i].hour, utc_cases[_i].minute, (long long)t,
	    utc_cases[_i].instant);
	ck_assert_int_eq(unusual, utc_cases[_i].unusual);
	/* *unusual is optional. */
	ck_assert_int_eq(tz_local_to_utc(utc_cases[_i].date, utc_cases[_i].hour,
	    utc_cases[_i].minute, utc_cases[_i].tzid, &t, NULL, NULL), 0);
}
END_TEST

START_TEST(test_local_to_utc_bad)
{
	time_t t;
	char *err = NULL;

	ck_assert_int_eq(tz_local_to_utc((struct tb_date){ 2026, 2, 30 }, 10,
	    0, "UTC", &t, NULL, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;
	ck_assert_int_eq(tz_local_to_utc((struct tb_date){ 2026, 2, 3 }, 24,
	    0, "UTC", &t, NULL, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;
	ck_assert_int_eq(tz_local_to_utc((struct tb_date){ 2026, 2, 3 }, 10,
	    60, "UTC", &t, NULL, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;
	ck_assert_int_eq(tz_local_to_utc((struct tb_date){ 2026, 2, 3 }, 10,
	    0, "Mars/Base", &t, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "Mars/Base"));
	free(err);
}
END_TEST

static const struct {
	const char	*text;
	const char	*tzid;
	const char	*instant;	/* NULL: rejected */
} now_cases[] = {
	{ "2026-03-08", "America/New_York", "2026-03-08T16:00:00Z" },
	{ "2026-01-08", "America/New_York", "2026-01-08T17:00:00Z" },
	{ "2026-03-08", "Europe/Berlin", "2026-03-08T11:00:00Z" },
	{ "2026-03-08", "UTC", "2026-03-08T12:00:00Z" },
	{ "2026-03-08T02:30", "America/New_York", "2026-03-08T07:30:00Z" },
	{ "2026-11-01T01:30", "America/New_York", "2026-11-01T05:30:00Z" },
	{ "2026-03-08T10:15:30", "Europe/Berlin", "2026-03-08T09:15:30Z" },
	{ "2026-03-08T10:15", "Europe/Berlin", "2026-03-08T09:15:00Z" },
	{ "2026-03-08T10:15Z", "Europe/Berlin", "2026-03-08T10:15:00Z" },
	{ "2026-03-08T10:15:59Z", "Mars/Base", "2026-03-08T10:15:59Z" },
	{ "2026-03-08T10:15:30+05:30", "UTC", "2026-03-08T04:45:30Z" },
	{ "2026-03-08T01:00-03:00", "UTC", "2026-03-08T04:00:00Z" },
	{ "2026-01-01T00:00+14:00", "UTC", "2025-12-31T10:00:00Z" },
	{ "2024-02-29T23:59:59Z", "UTC", "2024-02-29T23:59:59Z" },
	{ "2024-02-30", "UTC", NULL },
	{ "2023-02-29T10:00Z", "UTC", NULL },
	{ "2026-13-01", "UTC", NULL },
	{ "2026-3-8", "UTC", NULL },
	{ "2026-03-08x", "UTC", NULL },
	{ "2026-03-08T", "UTC", NULL },
	{ "2026-03-08T10", "UTC", NULL },
	{ "2026-03-08T10:5", "UTC", NULL },
	{ "2026-03-08T24:00", "UTC", NULL },
	{ "2026-03-08T10:60", "UTC", NULL },
	{ "2026-03-08T10:15:60", "UTC", NULL },
	{ "2026-03-08T10:15:5", "UTC", NULL },
	{ "2026-03-08 10:15", "UTC", NULL },
	{ "2026-03-08T10:15+0530", "UTC", NULL },
	{ "2026-03-08T10:15+05", "UTC", NULL },
	{ "2026-03-08T10:15+24:00", "UTC", NULL },
	{ "2026-03-08T10:15+05:30x", "UTC", NULL },
	{ "2026-03-08T10:15ZZ", "UTC", NULL },
	{ "2026-03-08T10:15z ", "UTC", NULL },
	{ "2026-03-08", "Mars/Base", NULL },
	{ "2026-03-08T10:15", "", NULL },
	{ "junk", "UTC", NULL },
	{ "", "UTC", NULL },
	{ "tomorrow-ish", "UTC", NULL },
};

START_TEST(test_parse_now)
{
	time_t t = 0;
	char *err = NULL;
	int rc = tz_parse_now(now_cases[_i].text, now_cases[_i].tzid, &t, &err);

	if (now_cases[_i].instant == NULL) {
		ck_assert_msg(rc == -1, "\"%s\" accepted", now_cases[_i].text);
		ck_assert_ptr_nonnull(err);
		free(err);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\": %s", now_cases[_i].text, err);
	ck_assert_msg(t == utc(now_cases[_i].instant), "\"%s\" in %s: got %lld",
	    now_cases[_i].text, now_cases[_i].tzid, (long long)t);
}
END_TEST

START_TEST(test_parse_now_null)
{
	time_t t;
	char *err = NULL;

	ck_assert_int_eq(tz_parse_now(NULL, "UTC", &t, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

/* Zones kept after a lookup give the same answers: twenty zones (more
 * than are kept), three rounds, the hour at one instant each time. */
START_TEST(test_zones_kept)
{
	static const char *const zones[] = { "Pacific/Kiritimati",
	    "Pacific/Chatham", "Asia/Kathmandu", "Asia/Kolkata",
	    "America/St_Johns", "Australia/Lord_Howe", "Europe/Berlin",
	    "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
	    "Africa/Casablanca", "America/Sao_Paulo", "Europe/Dublin",
	    "Asia/Tehran", "Pacific/Apia", "America/Caracas",
	    "Australia/Eucla", "Asia/Yangon", "Europe/Moscow",
	    "Atlantic/Azores" };
	enum { NZONES = sizeof zones / sizeof zones[0] };
	int first[NZONES], hour, minute;
	struct tb_date d;
	const time_t t = 1780000000;	/* 2026-05-28T20:26:40Z */

	for (int round = 0; round < 3; round++)
		for (int i = 0; i < NZONES; i++) {
			ck_assert_int_eq(tz_local_time(t, zones[i], &d, &hour,
			    &minute, NULL), 0);
			if (round == 0)
				first[i] = hour * 60 + minute;
			else
				ck_assert_int_eq(hour * 60 + minute, first[i]);
		}
	ck_assert_int_eq(first[7], 16 * 60 + 26);	/* New York, EDT */
	ck_assert_int_eq(first[2], 2 * 60 + 11);	/* Kathmandu, +5:45 */
	ck_assert(!tz_valid("Europe/Nowhere"));
	ck_assert(!tz_valid("Europe/Nowhere"));
}
END_TEST

/* A book's memo answers as tz.c and cadence.c do: a date for each new
 * instant, an unknown zone refused with the same words every time, and
 * right answers past BOOK_MEMO_MAX entries. */
START_TEST(test_memo)
{
	static const char *const zones[] = { "America/New_York", "UTC",
	    "Pacific/Auckland", "America/New_York" };
	/* 2026-12-03T18:30Z and a day later. */
	static const time_t at[] = { 1796322600, 1796409000 };
	struct book_memo *m = book_memo_new();
	struct tb_date want, got;
	struct cadence c;
	char *err = NULL, *err2 = NULL;

	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
			ck_assert(book_memo_zone_valid(m, zones[i]));
			ck_assert_int_eq(tz_local_date(at[k], zones[i], &want,
			    NULL), 0);
			ck_assert_int_eq(book_memo_today(m, zones[i], at[k],
			    &got, NULL), 0);
			ck_assert_int_eq(date_cmp(got, want), 0);
		}
	for (int i = 0; i < 2; i++) {
		ck_assert(!book_memo_zone_valid(m, "Mars/Olympus"));
		ck_assert_int_eq(book_memo_today(m, "Mars/Olympus", at[0],
		    &got, &err), -1);
		ck_assert_int_eq(tz_local_date(at[0], "Mars/Olympus", &got,
		    &err2), -1);
		ck_assert_str_eq(err, err2);
		free(err);
		free(err2);
		err = err2 = NULL;
	}
	for (int round = 0; round < 2; round++)
		for (int n = 1; n <= BOOK_MEMO_MAX + 8; n++) {
			char *spec = xasprintf("every %d days", n);

			ck_assert_int_eq(book_memo_cadence(m, spec, &c, NULL), 0);
			ck_assert_int_eq(c.kind, CADENCE_DAYS);
			ck_assert_int_eq(c.interval, n);
			cadence_reset(&c);
			free(spec);
		}
	for (int i = 0; i < 2; i++) {
		struct cadence fresh;

		ck_assert_int_eq(book_memo_cadence(m, "RRULE:FREQ=MONTHLY;"
		    "BYDAY=2TU", &c, NULL), 0);
		ck_assert_int_eq(cadence_parse("RRULE:FREQ=MONTHLY;BYDAY=2TU",
		    &fresh, NULL), 0);
		ck_assert_int_eq(c.kind, CADENCE_RRULE);
		ck_assert_str_eq(c.rrule, fresh.rrule);
		cadence_reset(&c);
		cadence_reset(&fresh);
	}
	ck_assert_int_eq(book_memo_cadence(m, "every 0 days", &c, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	book_memo_free(m);
	/* Without a memo, the same answers, asked afresh. */
	ck_assert_int_eq(book_memo_today(NULL, "UTC", at[0], &got, NULL), 0);
	ck_assert(!book_memo_zone_valid(NULL, NULL));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tz");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("valid");
	tcase_add_loop_test(tc, test_valid, 0,
	    sizeof valid_cases / sizeof valid_cases[0]);
	tcase_add_test(tc, test_valid_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("local_date");
	tcase_add_loop_test(tc, test_local_date, 0,
	    sizeof date_cases / sizeof date_cases[0]);
	tcase_add_test(tc, test_local_date_bad);
	suite_add_tcase(s, tc);
	tc = tcase_create("local_to_utc");
	tcase_add_loop_test(tc, test_local_to_utc, 0,
	    sizeof utc_cases / sizeof utc_cases[0]);
	tcase_add_test(tc, test_local_to_utc_bad);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse_now");
	tcase_add_loop_test(tc, test_parse_now, 0,
	    sizeof now_cases / sizeof now_cases[0]);
	tcase_add_test(tc, test_parse_now_null);
	tcase_add_test(tc, test_zones_kept);
	suite_add_tcase(s, tc);
	tc = tcase_create("memo");
	tcase_add_test(tc, test_memo);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
