/* check_report.c: the HTML report: structure, order, escaping, no scripts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "book_fixture.h"
#include "outbox.h"
#include "plan.h"
#include "report.h"
#include "store.h"
#include "tz.h"

/* The fixture, with an organization whose name needs escaping. */
static void
setup(void)
{
	fixture_setup();
	free(cfg.from);
	cfg.from = strdup("\"St. Mary's & <Grace> Hospital\" "
	    "<partnerships@example.org>");
}

static void
add(const char *name, const char *key, const char *owner_name,
    const char *cadence, const char *start, const char *notes)
{
	struct partner_input in;
	char *err = NULL, *owner;

	memset(&in, 0, sizeof in);
	ck_assert_int_ge(asprintf(&owner, "%s@example.org", key), 0);
	in.name = name;
	in.key = key;
	in.owner = owner;
	in.owner_name = owner_name;
	in.cadence = cadence;
	in.start = start;
	in.notes = notes;
	in.sponsor = "sponsor@example.org";
	ck_assert_msg(book_partner_add(&book, &in, at("2026-01-01"), NULL,
	    &err) == 0, "%s", err);
	free(owner);
}

/* The report at 2026-06-15, allocated. */
static char *
report(void)
{
	struct buf out;
	char *err = NULL;

	buf_init(&out);
	ck_assert_msg(report_html(&book, at("2026-06-15"), &out, &err) == 0,
	    "%s", err);
	return buf_steal(&out);
}

static long
count(const char *hay, const char *needle)
{
	long n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Where needle first is, failing when it is absent. */
static const char *
find(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	ck_assert_msg(p != NULL, "no \"%s\" in the report", needle);
	return p;
}

static void
assert_self_contained(const char *html)
{
	ck_assert_msg(strncmp(html, "<!DOCTYPE html>\n", 16) == 0,
	    "not an HTML5 document");
	ck_assert_str_eq(html + strlen(html) - 8, "</html>\n");
	find(html, "<meta name=\"viewport\"");
	find(html, "Content-Security-Policy\" content=\"default-src 'none'");
	/* No scripts, nothing fetched from anywhere. */
	ck_assert_ptr_null(strcasestr(html, "<script"));
	ck_assert_ptr_null(strcasestr(html, "javascript:"));
	ck_assert_ptr_null(strcasestr(html, "<link"));
	ck_assert_ptr_null(strcasestr(html, "<img"));
	ck_assert_ptr_null(strcasestr(html, " src="));
	ck_assert_ptr_null(strstr(html, "://"));
	ck_assert_ptr_null(strstr(html, "@import"));
	ck_assert_int_eq(count(html, "<svg"), count(html, "</svg>"));
	ck_assert_int_eq(count(html, "<table"), count(html, "</table>"));
	ck_assert_int_eq(count(html, "<tr"), count(html, "</tr>"));
}

/*
 * Six partners at 2026-06-15 (weekends skipped, lead 7, grace 3,
 * escalate 14): two escalated, one overdue, one due, one ok, one
 * archived.
 */
static void
add_six(void)
{
	char *err = NULL;

	add("Escalated Clinic", "esc", "Dana Lee", "monthly", "2026-01-05",
	    NULL);
	add("Way Past Center", "far", NULL, "weekly", "2026-01-01", NULL);
	add("<b>&\"x", "tricky", "Pat <i>O'Brien</i>", "monthly",
	    "2026-05-06", "<script>alert(1)</script>");
	add("Due Soon Health", "soon", "Sam Ortiz", "monthly", "2026-05-18",
	    NULL);
	add("Fine Foundation", "fine", "Ann Wu", "monthly", "2026-06-10",
	    NULL);
	add("Archived Name Hospital", "gone", "Old Owner", "monthly",
	    "2026-01-05", NULL);
	ck_assert_int_eq(book_partner_archive(&book, "gone", at("2026-02-01"),
	    &err), 0);
}

START_TEST(test_structure)
{
	char *html;

	add_six();
	html = report();
	assert_self_contained(html);
	/* One bar per active partner, archived ones absent. */
	ck_assert_int_eq(count(html, "class=\"bar\""), 5);
	ck_assert_ptr_null(strstr(html, "Archived Name Hospital"));
	ck_assert_ptr_null(strstr(html, "partner-gone"));
	/* Counts per state, with the schedule's numbers. */
	find(html, "<span class=\"n\">2</span><span class=\"t\">Escalated");
	find(html, "<span class=\"n\">1</span><span class=\"t\">Overdue");
	find(html, "<span class=\"n\">1</span><span class=\"t\">Due");
	find(html, "<span class=\"n\">1</span><span class=\"t\">On track");
	find(html, "<strong>4 of 5</strong> partnerships need attention, "
	    "owned by 4 people.");
	find(html, "Monday, 15 June 2026");
	/* Bars past 2.5 times the cadence are marked. */
	ck_assert_int_eq(count(html, "class=\"more\""), 2);
	find(html, "<td class=\"nowrap\" data-label=\"Next check-in\">"
	    "2026-02-05<span class=\"sub late\">130 days late</span>");
	find(html, "in 3 days");
	free(html);
}
END_TEST

START_TEST(test_urgent_first)
{
	static const char *const order[] = {
		"id=\"attention\"",
		"id=\"owners\"",
		"<tr id=\"partner-esc\" class=\"s-escalated attn\">",
		"<tr id=\"partner-tricky\" class=\"s-overdue attn\">",
		"<tr id=\"partner-soon\" class=\"s-due attn\">",
		/* the chart, in the same order */
		"<a href=\"#partner-esc\">",
		"<a href=\"#partner-tricky\">",
		"<a href=\"#partner-soon\">",
		"<a href=\"#partner-fine\">",
		"id=\"on-track\"",
		"<tr id=\"partner-fine\" class=\"s-ok\">",
	};
	char *html;

	add_six();
	html = report();
	for (size_t i = 1; i < sizeof order / sizeof order[0]; i++)
		ck_assert_msg(find(html, order[i - 1]) < find(html, order[i]),
		    "\"%s\" comes after \"%s\"", order[i - 1], order[i]);
	/* Owners can be written to. */
	find(html, "href=\"mailto:esc@example.org\"");
	free(html);
}
END_TEST

START_TEST(test_escaping)
{
	char *html;

	add_six();
	html = report();
	find(html, "&lt;b&gt;&amp;&quot;x");
	ck_assert_ptr_null(strstr(html, "<b>&\"x"));
	find(html, "Pat &lt;i&gt;O&#39;Brien&lt;/i&gt;");
	ck_assert_ptr_null(strstr(html, "<i>O'Brien"));
	find(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
	find(html, "St. Mary&#39;s &amp; &lt;Grace&gt; Hospital");
	free(html);
}
END_TEST

static int
first_row(const struct outbox_msg *r, void *arg)
{
	outbox_msg_copy(arg, r);
	return 1;
}

START_TEST(test_undelivered_mail)
{
	static const struct outbox_filter f = { .any_state = true,
	    .undelivered = true };
	struct plan_stats st;
	struct outbox_msg row;
	char *html, *err = NULL;

	add_six();
	ck_assert_msg(plan_run(&book, at("2026-06-15"), &st, &err) == 0, "%s",
	    err);
	ck_assert_int_gt(st.planned, 0);
	memset(&row, 0, sizeof row);
	ck_assert_int_eq(outbox_foreach(store, &f, first_row, &row, &err), 1);
	ck_assert_int_eq(outbox_move(store, &row, OUTBOX_SENDING, NULL, NULL,
	    at("2026-06-15T12:00:00Z"), &err), 0);
	ck_assert_int_eq(outbox_move(store, &row, OUTBOX_FAILED,
	    "550 <nobody@example.org> & \"gone\"", NULL,
	    at("2026-06-15T12:00:00Z"), &err), 0);
	outbox_msg_reset(&row);
	html = report();
	assert_self_contained(html);
	find(html, "<section id=\"mail\">");
	find(html, "550 &lt;nobody@example.org&gt; &amp; &quot;gone&quot;");
	find(html, ">failed</span>");
	find(html, "not delivered: <a href=\"#mail\">");
	find(html, " undelivered</a>");
	free(html);
}
END_TEST

START_TEST(test_empty_book)
{
	char *html = report();

	assert_self_contained(html);
	ck_assert_int_eq(count(html, "class=\"bar\""), 0);
	find(html, "There are no active partnerships yet.");
	free(html);
}
END_TEST

/* Many partners: thinner rows, still one bar each. */
START_TEST(test_many_partners)
{
	char name[32], key[16], *html;

	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof name, "Partner %02d", i);
		snprintf(key, sizeof key, "p%02d", i);
		add(name, key, NULL, i % 2 ? "monthly" : "quarterly",
		    i % 3 ? "2026-05-01" : "2026-01-10", NULL);
	}
	html = report();
	assert_self_contained(html);
	ck_assert_int_eq(count(html, "class=\"bar\""), 60);
	find(html, "<svg class=\"chart compact\"");
	free(html);
}
END_TEST

/* Text that means something to HTML, and what the page must show. */
static const struct {
	const char	*name;
	const char	*shown;
} names[] = {
	{ "A & B", "A &amp; B" },
	{ "</td><td>", "&lt;/td&gt;&lt;td&gt;" },
	{ "\"quoted\"", "&quot;quoted&quot;" },
	{ "St. Luke's", "St. Luke&#39;s" },
	{ "Tab\there", "Tab here" },
	{ "Clínica São José", "Clínica São José" },
};

START_TEST(test_names)
{
	char *html;

	add(names[_i].name, "n", NULL, "monthly", "2026-06-01", NULL);
	html = report();
	/* In the table, the chart label and the chart's tooltip. */
	ck_assert_int_ge(count(html, names[_i].shown), 3);
	free(html);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, fixture_teardown);
	tcase_add_test(tc, test_structure);
	tcase_add_test(tc, test_urgent_first);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_undelivered_mail);
	tcase_add_test(tc, test_empty_book);
	tcase_add_test(tc, test_many_partners);
	tcase_add_loop_test(tc, test_names, 0,
	    sizeof names / sizeof names[0]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
