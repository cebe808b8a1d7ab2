/*
 * check_state.c: the one stage rule, over a table of days late, sponsor
 * or none and grace/escalation settings; and status (health) and run
 * (plan) agree on every row of it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "book_fixture.h"
#include "health.h"
#include "plan.h"
#include "state.h"

static const struct {
	long			 late;		/* days past due */
	bool			 sponsor;
	int			 grace, escalate;
	enum partner_state	 state;
	const char		*sends;		/* kind, or "" */
} cases[] = {
	{ -8, true, 3, 14, STATE_OK, "" },
	{ -7, true, 3, 14, STATE_DUE, "reminder" },
	{ 0, true, 3, 14, STATE_DUE, "reminder" },
	{ 2, true, 3, 14, STATE_DUE, "reminder" },
	{ 3, true, 3, 14, STATE_OVERDUE, "overdue" },
	{ 13, true, 3, 14, STATE_OVERDUE, "overdue" },
	{ 14, true, 3, 14, STATE_ESCALATED, "escalation" },
	{ 23, true, 3, 14, STATE_ESCALATED, "escalation" },
	/* No sponsor: never escalated, overdue however late. */
	{ 14, false, 3, 14, STATE_OVERDUE, "overdue" },
	{ 23, false, 3, 14, STATE_OVERDUE, "overdue" },
	{ 400, false, 3, 14, STATE_OVERDUE, "overdue" },
	{ 2, false, 3, 14, STATE_DUE, "reminder" },
	/* No grace: overdue on the due date's next day... */
	{ 0, true, 0, 5, STATE_OVERDUE, "overdue" },
	{ -1, true, 0, 5, STATE_DUE, "reminder" },
	/* ...and escalation at once when both are 0. */
	{ 0, true, 0, 0, STATE_ESCALATED, "escalation" },
	{ 0, false, 0, 0, STATE_OVERDUE, "overdue" },
	{ 5, true, 5, 5, STATE_ESCALATED, "escalation" },
	{ 4, true, 5, 5, STATE_DUE, "reminder" },
};

START_TEST(test_rule)
{
	struct tb_date today = { 2026, 6, 15 };
	struct tb_date due = date_add_days(today, -cases[_i].late);
	struct stage st;

	cfg.grace_days = cases[_i].grace;
	cfg.escalate_after_days = cases[_i].escalate;
	st = state_stage(&cfg, &due, today, cases[_i].sponsor, NULL);
	ck_assert_int_eq(st.state, cases[_i].state);
	ck_assert_int_eq(st.late, cases[_i].late);
	ck_assert_int_eq(st.sends, *cases[_i].sends != '\0');
	if (st.sends)
		ck_assert_str_eq(outbox_kind_name(st.kind), cases[_i].sends);
	ck_assert_int_eq(st.invite_contacts, st.state == STATE_DUE &&
	    cases[_i].late <= 0);
	st = state_stage(&cfg, NULL, today, cases[_i].sponsor, NULL);
	ck_assert_int_eq(st.state, STATE_UNSCHEDULED);
	ck_assert(!st.sends);
	/* Snoozed until tomorrow: the same state, nothing sent; from the
	 * day the snooze ends, sent again. */
	{
		struct tb_date tomorrow = date_add_days(today, 1);

		st = state_stage(&cfg, &due, today, cases[_i].sponsor,
		    &tomorrow);
		ck_assert_int_eq(st.state, cases[_i].state);
		ck_assert(!st.sends);
		ck_assert(st.snoozed);
		st = state_stage(&cfg, &due, today, cases[_i].sponsor,
		    &today);
		ck_assert_int_eq(st.sends, *cases[_i].sends != '\0');
	}
}
END_TEST

/* The kinds of the outbox's messages, as "kind kind ..." */
static int
collect_kind(const struct outbox_msg *m, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s%s", b->len ? " " : "", outbox_kind_name(m->kind));
	return 0;
}

/* What status shows and what run sends, for a partner in each case. */
START_TEST(test_status_and_run_agree)
{
	static const struct outbox_filter all = { .any_state = true };
	struct tb_date today = { 2026, 6, 15 }, start;
	char text[DATE_STRLEN], *err = NULL, *kinds;
	struct partner_input in;
	struct plan_stats ps;
	struct health h;
	struct buf b;

	cfg.grace_days = cases[_i].grace;
	cfg.escalate_after_days = cases[_i].escalate;
	book.cal.skip_weekends = false;
	/* Weekly from start: due a week after it. */
	start = date_add_days(today, -cases[_i].late - 7);
	memset(&in, 0, sizeof in);
	in.name = "Riverside";
	in.owner = "dana@example.org";
	in.cadence = "weekly";
	in.start = date_format(start, text);
	in.sponsor = cases[_i].sponsor ? "cmo@example.org" : NULL;
	ck_assert_msg(book_partner_add(&book, &in, at("2026-01-01"), NULL,
	    &err) == 0, "%s", err);
	ck_assert_msg(health_load(&book, at("2026-06-15T12:00"), NULL, &h,
	    &err) == 0, "%s", err);
	ck_assert_uint_eq(h.nrows, 1);
	ck_assert_str_eq(state_name(h.rows[0].state),
	    state_name(cases[_i].state));
	health_reset(&h);
	ck_assert_msg(plan_run(&book, at("2026-06-15T12:00"), &ps, &err) == 0,
	    "%s", err);
	buf_init(&b);
	buf_adds(&b, "");
	ck_assert_int_eq(outbox_foreach(store, &all, collect_kind, &b, &err),
	    0);
	kinds = buf_steal(&b);
	ck_assert_str_eq(kinds, cases[_i].sends);
	free(kinds);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_loop_test(tc, test_rule, 0, sizeof cases / sizeof cases[0]);
	tcase_add_loop_test(tc, test_status_and_run_agree, 0,
	    sizeof cases / sizeof cases[0]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
