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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
