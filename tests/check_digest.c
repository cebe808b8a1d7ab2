/* check_digest.c: ISO weeks, the digest's groups and its weekly planning. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "book_fixture.h"
#include "compose.h"
#include "digest.h"
#include "digest_plan.h"
#include "plan.h"
#include "store.h"
#include "tz.h"

/* ISO 8601 weeks around New Year, checked against Python's
 * date.isocalendar(). */
static const struct {
	const char	*date;
	const char	*week;
} iso_weeks[] = {
	{ "2026-11-25", "2026-W48" },	/* an ordinary Wednesday */
	{ "2026-01-01", "2026-W01" },	/* a Thursday starts week 1 */
	{ "2026-01-05", "2026-W02" },
	{ "2025-12-29", "2026-W01" },	/* Monday of next year's week 1 */
	{ "2026-12-28", "2026-W53" },	/* 2026 has 53 weeks */
	{ "2026-12-31", "2026-W53" },
	{ "2027-01-01", "2026-W53" },	/* Friday: last year's week */
	{ "2027-01-03", "2026-W53" },
	{ "2027-01-04", "2027-W01" },
	{ "2024-12-30", "2025-W01" },
	{ "2025-01-01", "2025-W01" },
	{ "2020-12-31", "2020-W53" },
	{ "2021-01-03", "2020-W53" },
	{ "2008-12-29", "2009-W01" },
	{ "2010-01-03", "2009-W53" },
	{ "2005-01-01", "2004-W53" },	/* Saturday */
	{ "2005-01-02", "2004-W53" },
	{ "2007-01-01", "2007-W01" },	/* Monday, January 1 */
	{ "2000-02-29", "2000-W09" },
	{ "0001-01-01", "0001-W01" },
	{ "9999-12-31", "9999-W52" },
};

START_TEST(test_iso_week)
{
	struct tb_date d;
	char week[9];

	ck_assert_int_eq(date_parse(iso_weeks[_i].date, &d, NULL), 0);
	ck_assert_str_eq(digest_iso_week(d, week), iso_weeks[_i].week);
}
END_TEST

/* Day by day over decades: a week changes on Mondays only, to the next
 * number or to week 1 of the next year, never skipping one. */
START_TEST(test_iso_week_sequence)
{
	struct tb_date d = { 1990, 1, 1 };	/* a Monday, 1990-W01 */
	char prev[9], cur[9];
	int py, pw, cy, cw;

	digest_iso_week(d, prev);
	ck_assert_str_eq(prev, "1990-W01");
	for (long i = 1; i < 60L * 366; i++) {
		d = date_add_days(d, 1);
		digest_iso_week(d, cur);
		if (date_weekday(d) != 1) {
			ck_assert_str_eq(cur, prev);
			continue;
		}
		ck_assert_int_eq(sscanf(prev, "%d-W%d", &py, &pw), 2);
		ck_assert_int_eq(sscanf(cur, "%d-W%d", &cy, &cw), 2);
		ck_assert_msg((cy == py && cw == pw + 1) ||
		    (cy == py + 1 && cw == 1 && (pw == 52 || pw == 53)),
		    "%s after %s", cur, prev);
		memcpy(prev, cur, sizeof prev);
	}
}
END_TEST

static void
add(const char *key, const char *owner, const char *cadence,
    const char *start)
{
	struct partner_input in;
	char *err = NULL, *name;

	memset(&in, 0, sizeof in);
	ck_assert_int_ge(asprintf(&name, "Partner %s", key), 0);
	in.name = name;
	in.key = key;
	in.owner = owner;
	in.cadence = cadence;
	in.start = start;
	/* Only a partner with a sponsor escalates (state.h). */
	if (strcmp(key, "esc") == 0)
		in.sponsor = "cmo@example.org";
	ck_assert_msg(book_partner_add(&book, &in, at("2026-01-01"), NULL,
	    &err) == 0, "%s", err);
	free(name);
}

static void
checkin(const char *key, const char *date)
{
	char *err = NULL;

	ck_assert_msg(book_checkin(&book, key, date, NULL, NULL, at(date),
	    &err) == 0, "%s", err);
}

/*
 * On Wednesday 2026-11-25 (lead 7, grace 3, escalate 14; weekends
 * skipped): one partner in each state, owned by Ana or Bob.
 */
static void
add_fixture(void)
{
	/* Due 2026-11-02 (Nov 1 is a Sunday), 23 days late. */
	add("esc", "Ana Silva <ana@example.org>", "monthly", "2026-10-01");
	/* Due 2026-11-20, 5 days late. */
	add("over", "Bob Ray <bob@example.org>", "weekly", "2026-11-13");
	/* Due 2026-11-27, in 2 days; checked in a week before. */
	add("due", "Ana Silva <ana@example.org>", "weekly", "2026-11-06");
	checkin("due", "2026-11-20");
	/* Due 2027-02-02. */
	add("ok", "bob@example.org", "quarterly", "2026-11-02");
	/* A fixed schedule that is finished: nothing scheduled. */
	add("done", "ana@example.org", "RRULE:FREQ=WEEKLY;COUNT=1",
	    "2026-11-02");
	checkin("done", "2026-11-02");
}

/* Render a template over the digest context. */
static char *
render(const char *owner, const char *text)
{
	struct template *t;
	struct tvalue *ctx;
	struct buf out;
	char *err = NULL;

	ck_assert_msg(digest_context(&book, at("2026-11-25"), owner, &ctx,
	    &err) == 0, "%s", err);
	t = template_parse("test", text, strlen(text), TEMPLATE_PLAIN, &err);
	ck_assert_msg(t != NULL, "%s", err);
	buf_init(&out);
	ck_assert_int_eq(template_render(t, ctx, &out, NULL), 0);
	template_free(t);
	tvalue_free(ctx);
	return buf_steal(&out);
}

#define ITEM "{{key}}:{{owner.name}}:{{owner.email}}:{{next_due}}" \
	":{{days_overdue}}:{{days_until_due}}" \
	":{{#last_checkin}}{{last_checkin}}+{{days_since}}{{/last_checkin}}" \
	"{{^last_checkin}}never{{/last_checkin}};"

START_TEST(test_groups)
{
	char *s;

	add_fixture();
	s = render(NULL, "{{today}} {{today_long}} {{week}} {{scope}}|"
	    "{{counts.escalated}} {{counts.overdue}} {{counts.due}} "
	    "{{counts.healthy}} {{counts.total}}");
	ck_assert_str_eq(s, "2026-11-25 Wednesday, 25 November 2026 2026-W48 "
	    "all partnerships|1 1 1 2 5");
	free(s);
	s = render(NULL, "E {{#escalated}}" ITEM "{{/escalated}}\n"
	    "O {{#overdue}}" ITEM "{{/overdue}}\n"
	    "D {{#due}}" ITEM "{{/due}}\n"
	    "H {{#healthy}}" ITEM "{{/healthy}}\n");
	ck_assert_str_eq(s,
	    "E esc:Ana Silva:ana@example.org:2026-11-02:23:0:never;\n"
	    "O over:Bob Ray:bob@example.org:2026-11-20:5:0:never;\n"
	    "D due:Ana Silva:ana@example.org:2026-11-27:0:2:2026-11-20+5;\n"
	    /* ok before unscheduled; an owner without a name shows the
	     * address. */
	    "H ok:bob@example.org:bob@example.org:2027-02-02:0:69:never;"
	    "done:ana@example.org:ana@example.org::0:0:2026-11-02+23;\n");
	free(s);
	s = render(NULL, "{{#healthy}}{{key}}={{cadence}}"
	    "{{^next_due}} (nothing scheduled){{/next_due}};{{/healthy}}");
	ck_assert_str_eq(s, "ok=every 3 months;done=weekly, 1 time "
	    "(nothing scheduled);");
	free(s);
}
END_TEST

START_TEST(test_owner_filter)
{
	char *s;

	add_fixture();
	/* Any case of the address; the scope names the owner. */
	s = render("ANA@example.org", "{{scope}}|{{counts.total}}|"
	    "{{#escalated}}{{key}} {{/escalated}}{{#overdue}}{{key}} "
	    "{{/overdue}}{{#due}}{{key}} {{/due}}{{#healthy}}{{key}} "
	    "{{/healthy}}");
	ck_assert_str_eq(s, "partnerships owned by Ana Silva|3|esc due done ");
	free(s);
	s = render("bob@example.org", "{{scope}}|{{counts.escalated}}"
	    "{{counts.overdue}}{{counts.due}}{{counts.healthy}}");
	ck_assert_str_eq(s, "partnerships owned by Bob Ray|0101");
	free(s);
	s = render("nobody@example.org", "{{scope}}|{{counts.total}}|"
	    "{{^escalated}}none{{/escalated}}");
	ck_assert_str_eq(s, "partnerships owned by nobody@example.org|0|none");
	free(s);
	ck_assert_int_eq(digest_check_owner(&book, "Bob@Example.org", NULL), 0);
	ck_assert_int_eq(digest_check_owner(&book, "nobody@example.org", NULL),
	    BOOK_NOT_FOUND);
}
END_TEST

/* Archived partners are not in the digest, nor are their owners. */
START_TEST(test_archived)
{
	char *s, *err = NULL;

	add_fixture();
	add("gone", "carol@example.org", "monthly", "2026-01-05");
	ck_assert_int_eq(book_partner_archive(&book, "gone", at("2026-06-01"),
	    &err), 0);
	s = render(NULL, "{{counts.total}}");
	ck_assert_str_eq(s, "5");
	free(s);
	ck_assert_int_eq(digest_check_owner(&book, "carol@example.org", NULL),
	    BOOK_NOT_FOUND);
}
END_TEST

/* The real templates render the fixture with every group. */
START_TEST(test_compose)
{
	struct composer c;
	struct composed m;
	struct buf text;
	char *err = NULL;

	add_fixture();
	ck_assert_msg(composer_init(&c, &book, &err) == 0, "%s", err);
	ck_assert_msg(compose_check_templates(&c, &err) == 0, "%s", err);
	buf_init(&text);
	ck_assert_msg(compose_digest_text(&c, NULL, "lead@example.org",
	    at("2026-11-25"), &text, &err) == 0, "%s", err);
	ck_assert_msg(strncmp(buf_str(&text), "Subject: ", 9) == 0, "%s",
	    buf_str(&text));
	ck_assert_ptr_nonnull(strstr(buf_str(&text), "Partner esc"));
	ck_assert_ptr_nonnull(strstr(buf_str(&text), "Bob Ray"));
	buf_reset(&text);
	composed_init(&m);
	ck_assert_msg(compose_digest(&c, "bob@example.org", "bob@example.org",
	    "x@example.org", at("2026-11-25"), &m, &err) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(buf_str(&m.text), "text/html"));
	ck_assert_ptr_null(strstr(buf_str(&m.text), "Partner esc"));
	ck_assert_int_eq(m.nrcpt, 1);
	ck_assert_str_eq(m.rcpt[0], "bob@example.org");
	composed_reset(&m);
	composer_reset(&c);
}
END_TEST

static long
plan_at(const char *when, bool force)
{
	long planned = 0;
	char *err = NULL;

	ck_assert_msg(digest_plan(&book, at(when), force, &planned, &err) == 0,
	    "%s", err);
	return planned;
}

static void
configure(const char *to, int weekday, bool owners)
{
	free(cfg.digest_to);
	cfg.digest_to = to ? strdup(to) : NULL;
	cfg.digest_weekday = weekday;
	cfg.digest_owners = owners;
}

START_TEST(test_plan_weekday)
{
	char *rows;

	add_fixture();
	configure("Leadership <lead@example.org>", 3, false);	/* Wednesday */
	ck_assert_int_eq(plan_at("2026-11-23", false), 0);	/* Monday */
	ck_assert_int_eq(plan_at("2026-11-24T23:59", false), 0);
	ck_assert_int_eq(plan_at("2026-11-25T00:00", false), 1);
	ck_assert_int_eq(plan_at("2026-11-25", false), 0);	/* again */
	ck_assert_int_eq(plan_at("2026-11-26", false), 0);	/* same week */
	ck_assert_int_eq(plan_at("2026-11-29", false), 0);	/* Sunday */
	ck_assert_int_eq(plan_at("2026-11-30", false), 0);	/* Monday W49 */
	/* Wednesday of W49 was missed: Thursday catches up, once. */
	ck_assert_int_eq(plan_at("2026-12-03", false), 1);
	ck_assert_int_eq(plan_at("2026-12-04", false), 0);
	ck_assert_int_eq(plan_at("2026-12-09", false), 1);	/* W50 */
	/* Across New Year: 2027-01-01 is a Friday of 2026-W53. */
	ck_assert_int_eq(plan_at("2027-01-01", false), 1);
	ck_assert_int_eq(plan_at("2027-01-04", false), 0);	/* 2027-W01 Mon */
	ck_assert_int_eq(plan_at("2027-01-06", false), 1);
	rows = fixture_outbox();
	ck_assert_str_eq(rows, "digest:all:2026-W48:lead@example.org "
	    "digest:all:2026-W49:lead@example.org "
	    "digest:all:2026-W50:lead@example.org "
	    "digest:all:2026-W53:lead@example.org "
	    "digest:all:2027-W01:lead@example.org");
	free(rows);
}
END_TEST

/* The weekday is the one in schedule.timezone. */
START_TEST(test_plan_timezone)
{
	configure("lead@example.org", 3, false);
	free(cfg.timezone);
	cfg.timezone = strdup("Pacific/Auckland");
	/* 2026-11-24T12:00Z is Wednesday 01:00 in Auckland. */
	ck_assert_int_eq(plan_at("2026-11-24T12:00Z", false), 1);
	free(cfg.timezone);
	cfg.timezone = strdup("America/Los_Angeles");
	/* 2026-12-02T05:00Z is still Tuesday evening in Los Angeles. */
	ck_assert_int_eq(plan_at("2026-12-02T05:00Z", false), 0);
	ck_assert_int_eq(plan_at("2026-12-02T08:00Z", false), 1);
}
END_TEST

START_TEST(test_plan_force)
{
	char *rows;

	add_fixture();
	configure("lead@example.org", 3, false);
	/* By hand, any day; again a minute later is another digest. */
	ck_assert_int_eq(plan_at("2026-11-23T09:30Z", true), 1);
	ck_assert_int_eq(plan_at("2026-11-23T09:30Z", true), 0);
	ck_assert_int_eq(plan_at("2026-11-23T09:31Z", true), 1);
	/* ... and does not stand in for the weekly one. */
	ck_assert_int_eq(plan_at("2026-11-25", false), 1);
	rows = fixture_outbox();
	ck_assert_str_eq(rows,
	    "digest:all:2026-11-23T09:30:00Z:lead@example.org "
	    "digest:all:2026-11-23T09:31:00Z:lead@example.org "
	    "digest:all:2026-W48:lead@example.org");
	free(rows);
}
END_TEST

START_TEST(test_plan_unconfigured)
{
	add_fixture();
	configure(NULL, 3, false);
	ck_assert_int_eq(plan_at("2026-11-25", false), 0);
	ck_assert_int_eq(plan_at("2026-11-25", true), 0);
	free(fixture_outbox());
}
END_TEST

START_TEST(test_plan_owners)
{
	char *rows, *err = NULL;

	add_fixture();
	/* Same owner in another case (the first spelling in key order is
	 * kept); an owner of only archived partners gets nothing. */
	add("zed", "BOB@example.org", "monthly", "2026-11-02");
	add("gone", "carol@example.org", "monthly", "2026-01-05");
	ck_assert_int_eq(book_partner_archive(&book, "gone", at("2026-06-01"),
	    &err), 0);
	configure(NULL, 3, true);
	ck_assert_int_eq(plan_at("2026-11-24", false), 0);
	ck_assert_int_eq(plan_at("2026-11-25", false), 2);
	ck_assert_int_eq(plan_at("2026-11-26", false), 0);
	rows = fixture_outbox();
	ck_assert_str_eq(rows, "digest:owner:2026-W48:ana@example.org "
	    "digest:owner:2026-W48:bob@example.org");
	free(rows);
	/* With digest.to as well: the leadership's too. */
	configure("lead@example.org", 3, true);
	ck_assert_int_eq(plan_at("2026-12-02", false), 3);
	ck_assert_int_eq(plan_at("2026-12-02", false), 0);
	/* By hand: the same three, now. */
	ck_assert_int_eq(plan_at("2026-12-03T07:00Z", true), 3);
}
END_TEST

START_TEST(test_plan_owner_by_hand)
{
	long planned = 0;
	char *rows, *err = NULL;

	add_fixture();
	configure(NULL, 3, false);
	ck_assert_int_eq(digest_plan_owner(&book, at("2026-11-23T08:00Z"),
	    "BOB@example.org", &planned, &err), 0);
	ck_assert_int_eq(planned, 1);
	ck_assert_int_eq(digest_plan_owner(&book, at("2026-11-23T08:00Z"),
	    "nobody@example.org", &planned, &err), BOOK_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err, "nobody@example.org"));
	free(err);
	rows = fixture_outbox();
	/* Addressed as the book spells the owner. */
	ck_assert_str_eq(rows,
	    "digest:owner:2026-11-23T08:00:00Z:bob@example.org");
	free(rows);
}
END_TEST

/* run plans the digest along with the reminders, in one transaction. */
START_TEST(test_plan_run)
{
	struct plan_stats st;
	char *rows, *err = NULL;

	add("over", "bob@example.org", "weekly", "2026-11-13");
	configure("lead@example.org", 3, false);
	ck_assert_msg(plan_run(&book, at("2026-11-25"), &st, &err) == 0, "%s",
	    err);
	rows = fixture_outbox();
	ck_assert_ptr_nonnull(strstr(rows,
	    "digest:all:2026-W48:lead@example.org"));
	free(rows);
	ck_assert_msg(plan_run(&book, at("2026-11-26"), &st, &err) == 0, "%s",
	    err);
	ck_assert_int_eq(st.planned, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("digest");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("iso_week");
	tcase_add_loop_test(tc, test_iso_week, 0,
	    sizeof iso_weeks / sizeof iso_weeks[0]);
	tcase_add_test(tc, test_iso_week_sequence);
	suite_add_tcase(s, tc);

	tc = tcase_create("context");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_owner_filter);
	tcase_add_test(tc, test_archived);
	tcase_add_test(tc, test_compose);
	suite_add_tcase(s, tc);

	tc = tcase_create("plan");
	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test_plan_weekday);
	tcase_add_test(tc, test_plan_timezone);
	tcase_add_test(tc, test_plan_force);
	tcase_add_test(tc, test_plan_unconfigured);
	tcase_add_test(tc, test_plan_owners);
	tcase_add_test(tc, test_plan_owner_by_hand);
	tcase_add_test(tc, test_plan_run);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
