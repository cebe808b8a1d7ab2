/* check_plan.c: due windows, idempotency, catch-up and check-in resets. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "book_fixture.h"
#include "plan.h"
#include "store.h"
#include "tz.h"

static void
add(const char *name, const char *key, const char *cadence,
    const char *start, const char *sponsor)
{
	struct partner_input in;
	char *err = NULL, *owner;

	memset(&in, 0, sizeof in);
	ck_assert_int_ge(asprintf(&owner, "%s@example.org", key), 0);
	in.name = name;
	in.key = key;
	in.owner = owner;
	in.cadence = cadence;
	in.start = start;
	in.sponsor = sponsor;
	ck_assert_msg(book_partner_add(&book, &in, at("2026-01-01"), NULL,
	    &err) == 0, "%s", err);
	free(owner);
}

static long
plan_at(const char *when)
{
	struct plan_stats st;
	char *err = NULL;

	ck_assert_msg(plan_run(&book, at(when), &st, &err) == 0, "%s", err);
	return st.planned;
}

/* Weekends skipped by default: 2026-02-05 is a Thursday. */
START_TEST(test_windows)
{
	char *rows;

	add("Alpha", "alpha", "monthly", "2026-01-05", "boss@example.org");
	ck_assert_int_eq(book_contact_add(&book, "alpha", "Cee", "c@example.com",
	    NULL, true, NULL), 0);
	ck_assert_int_eq(book_contact_add(&book, "alpha", "Dee", "d@example.com",
	    NULL, false, NULL), 0);
	ck_assert_int_eq(plan_at("2026-01-28"), 0);	/* due - 8 */
	ck_assert_int_eq(plan_at("2026-01-29"), 2);	/* due - lead_days */
	rows = fixture_outbox();
	ck_assert_str_eq(rows, "reminder:alpha:2026-02-05:alpha@example.org "
	    "invitation:alpha:2026-02-05:c@example.com");
	free(rows);
	ck_assert_int_eq(plan_at("2026-02-05"), 0);	/* due day: nothing new */
	ck_assert_int_eq(plan_at("2026-02-07"), 0);	/* due + 2 < grace */
	ck_assert_int_eq(plan_at("2026-02-08"), 1);	/* due + grace_days */
	ck_assert_int_eq(plan_at("2026-02-18"), 0);
	ck_assert_int_eq(plan_at("2026-02-19"), 1);	/* due + 14: escalate */
	rows = fixture_outbox();
	ck_assert_ptr_nonnull(strstr(rows, "overdue:alpha:2026-02-05:"
	    "alpha@example.org"));
	ck_assert_ptr_nonnull(strstr(rows, "escalation:alpha:2026-02-05:"
	    "boss@example.org"));
	free(rows);
}
END_TEST

START_TEST(test_idempotent_and_catch_up)
{
	char *rows;

	add("Beta", "beta", "weekly", "2026-01-07", NULL);	/* due 01-14 */
	add("Gamma", "gamma", "weekly", "2026-01-07", "boss@example.org");
	/* First run long after the due date: one message each, the stage
	 * that is due now, not a reminder plus one per missed day. */
	ck_assert_int_eq(plan_at("2026-02-20"), 2);
	ck_assert_int_eq(plan_at("2026-02-20"), 0);
	ck_assert_int_eq(plan_at("2026-02-21T23:59"), 0);
	rows = fixture_outbox();
	ck_assert_str_eq(rows, "overdue:beta:2026-01-14:beta@example.org "
	    "escalation:gamma:2026-01-14:boss@example.org");
	free(rows);
}
END_TEST

START_TEST(test_checkin_resets)
{
	struct partner p;
	char *err = NULL;

	add("Delta", "delta", "every 10 days", "2026-03-02", NULL);
	ck_assert_int_eq(book_partner_get(&book, "delta", &p, &err), 0);
	ck_assert_str_eq(p.next_due, "2026-03-12");
	partner_reset(&p);
	ck_assert_int_eq(plan_at("2026-03-06"), 1);
	/* Checked in early: the next occurrence counts from the check-in
	 * (2026-03-08 + 10 days, a Wednesday). */
	ck_assert_int_eq(book_checkin(&book, "delta", "2026-03-08", NULL, NULL,
	    at("2026-03-08"), &err), 0);
	ck_assert_int_eq(book_partner_get(&book, "delta", &p, &err), 0);
	ck_assert_str_eq(p.next_due, "2026-03-18");
	partner_reset(&p);
	ck_assert_int_eq(plan_at("2026-03-10"), 0);
	ck_assert_int_eq(plan_at("2026-03-11"), 1);
}
END_TEST

START_TEST(test_only_due_partners_and_archived)
{
	struct plan_stats st;
	char *err = NULL, key[16];

	for (int i = 0; i < 50; i++) {
		snprintf(key, sizeof key, "far%02d", i);
		add(key, key, "yearly", "2026-06-01", NULL);
	}
	add("Near", "near", "monthly", "2026-01-05", NULL);
	add("Gone", "gone", "monthly", "2026-01-05", NULL);
	ck_assert_int_eq(book_partner_archive(&book, "gone", at("2026-01-10"),
	    &err), 0);
	ck_assert_int_eq(plan_run(&book, at("2026-02-01"), &st, &err), 0);
	/* The next_due index hands planning only the partners near due. */
	ck_assert_int_eq(st.partners, 1);
	ck_assert_int_eq(st.planned, 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_idempotent_and_catch_up);
	tcase_add_test(tc, test_checkin_resets);
	tcase_add_test(tc, test_only_due_partners_and_archived);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
