/* check_date.c: civil date arithmetic. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

static const struct {
	const char	*text;
	int		 ok;
} parse_cases[] = {
	{ "2024-02-29", 1 }, { "2023-02-29", 0 }, { "2024-02-30", 0 },
	{ "2026-12-31", 1 }, { "2026-13-01", 0 }, { "2026-00-10", 0 },
	{ "2026-04-31", 0 }, { "2000-02-29", 1 }, { "1900-02-29", 0 },
	{ "2026-1-01", 0 }, { "20260101", 0 }, { "2026-01-01x", 0 },
	{ "", 0 }, { "abcd-ef-gh", 0 }, { "0000-01-01", 0 },
};

START_TEST(test_parse)
{
	struct tb_date d;
	char *err = NULL, out[DATE_STRLEN];
	int rc = date_parse(parse_cases[_i].text, &d, &err);

	ck_assert_int_eq(rc == 0, parse_cases[_i].ok);
	if (rc == 0)
		ck_assert_str_eq(date_format(d, out), parse_cases[_i].text);
	else
		ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

static const struct {
	const char	*from;
	long		 months;
	const char	*to;
} month_cases[] = {
	{ "2025-01-31", 1, "2025-02-28" }, { "2024-01-31", 1, "2024-02-29" },
	{ "2026-08-31", 3, "2026-11-30" }, { "2024-02-29", 12, "2025-02-28" },
	{ "2026-12-15", 1, "2027-01-15" }, { "2026-03-31", -1, "2026-02-28" },
	{ "2026-01-31", 2, "2026-03-31" },
};

START_TEST(test_add_months)
{
	struct tb_date d;
	char out[DATE_STRLEN];

	ck_assert_int_eq(date_parse(month_cases[_i].from, &d, NULL), 0);
	ck_assert_str_eq(date_format(date_add_months(d, month_cases[_i].months),
	    out), month_cases[_i].to);
}
END_TEST

START_TEST(test_days_roundtrip)
{
	struct tb_date d = { 1, 1, 1 };
	char a[DATE_STRLEN], b[DATE_STRLEN];

	ck_assert_int_eq(date_to_days((struct tb_date){ 1970, 1, 1 }), 0);
	for (long n = date_to_days(d); n < date_to_days((struct tb_date){
	    2400, 12, 31 }); n += 37) {
		struct tb_date x = date_from_days(n);

		ck_assert(date_valid(x.year, x.month, x.day));
		ck_assert_int_eq(date_to_days(x), n);
		(void)a;
		(void)b;
	}
	ck_assert_int_eq(date_weekday((struct tb_date){ 2026, 11, 22 }), 7);
	ck_assert_int_eq(date_weekday((struct tb_date){ 2026, 11, 23 }), 1);
	ck_assert_int_eq(date_diff((struct tb_date){ 2024, 2, 28 },
	    (struct tb_date){ 2024, 3, 1 }), 2);
	ck_assert_str_eq(date_format(date_add_days((struct tb_date){ 2026, 12,
	    31 }, 1), a), "2027-01-01");
}
END_TEST

/* Clock times: the whole-string form and the prefix scan. */
static const struct {
	const char	*text;
	int		 parsed;	/* date_hhmm_parse: 0 or -1 */
	int		 scanned;	/* date_hhmm_scan with seconds */
	int		 h, m, s;
} hhmm_cases[] = {
	{ "00:00", 0, 5, 0, 0, 0 },
	{ "09:45", 0, 5, 9, 45, 0 },
	{ "23:59", 0, 5, 23, 59, 0 },
	{ "23:59:59", -1, 8, 23, 59, 59 },
	{ "10:15:30Z", -1, 8, 10, 15, 30 },
	{ "10:15+05:30", -1, 5, 10, 15, 0 },
	{ "10:15:", -1, -1, 0, 0, 0 },
	{ "10:15:5", -1, -1, 0, 0, 0 },
	{ "10:15:60", -1, -1, 0, 0, 0 },
	{ "24:00", -1, -1, 0, 0, 0 },
	{ "10:60", -1, -1, 0, 0, 0 },
	{ "9:45", -1, -1, 0, 0, 0 },
	{ "10:5", -1, -1, 0, 0, 0 },
	{ "10", -1, -1, 0, 0, 0 },
	{ "1", -1, -1, 0, 0, 0 },
	{ "", -1, -1, 0, 0, 0 },
	{ "1a:00", -1, -1, 0, 0, 0 },
	{ "10-00", -1, -1, 0, 0, 0 },
	{ "+1:00", -1, -1, 0, 0, 0 },
};

START_TEST(test_hhmm)
{
	int h = -7, m = -7, sec = -7, n;
	char *err = NULL, out[DATE_HHMM_STRLEN];

	n = date_hhmm_scan(hhmm_cases[_i].text, &h, &m, &sec);
	ck_assert_msg(n == hhmm_cases[_i].scanned, "\"%s\": scanned %d",
	    hhmm_cases[_i].text, n);
	if (n > 0) {
		ck_assert_int_eq(h, hhmm_cases[_i].h);
		ck_assert_int_eq(m, hhmm_cases[_i].m);
		ck_assert_int_eq(sec, hhmm_cases[_i].s);
	} else
		ck_assert(h == -7 && m == -7 && sec == -7);
	h = m = -7;
	ck_assert_int_eq(date_hhmm_parse(hhmm_cases[_i].text, &h, &m, &err),
	    hhmm_cases[_i].parsed);
	if (hhmm_cases[_i].parsed == 0) {
		ck_assert_int_eq(h, hhmm_cases[_i].h);
		ck_assert_int_eq(m, hhmm_cases[_i].m);
		/* What is parsed is written back the same way. */
		ck_assert_str_eq(date_hhmm_format(h, m, out),
		    hhmm_cases[_i].text);
	} else {
		ck_assert_ptr_nonnull(strstr(err, hhmm_cases[_i].text));
		free(err);
	}
	/* Without a place for seconds, the scan stops after the minutes. */
	ck_assert_int_eq(date_hhmm_scan("12:34:56", &h, &m, NULL), 5);
	ck_assert_int_eq(date_hhmm_scan(NULL, &h, &m, NULL), -1);
	ck_assert_int_eq(date_hhmm_parse(NULL, &h, &m, NULL), -1);
}
END_TEST

START_TEST(test_days_phrase)
{
	static const struct {
		long		 n;
		const char	*past;
		const char	*want;
	} cases[] = {
		{ 0, " late", "today" },
		{ 1, " late", "1 day late" },
		{ 8, " late", "8 days late" },
		{ -1, " late", "in 1 day" },
		{ -14, " ago", "in 14 days" },
		{ 3, " ago", "3 days ago" },
		{ 2, "", "2 days" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = date_days_phrase(cases[i].n, cases[i].past);

		ck_assert_str_eq(s, cases[i].want);
		free(s);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_parse, 0,
	    sizeof parse_cases / sizeof parse_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("arithmetic");
	tcase_add_loop_test(tc, test_add_months, 0,
	    sizeof month_cases / sizeof month_cases[0]);
	tcase_add_test(tc, test_days_roundtrip);
	tcase_add_test(tc, test_days_phrase);
	suite_add_tcase(s, tc);
	tc = tcase_create("hhmm");
	tcase_add_loop_test(tc, test_hhmm, 0,
	    sizeof hhmm_cases / sizeof hhmm_cases[0]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
