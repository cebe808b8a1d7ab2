/*
 * check_owner_cmd.c: an owner's one-line commands, as they type them
 * on a phone, and every way one is refused with what is understood.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "owner_cmd.h"
#include "util.h"

#define TODAY	"2026-12-08"
#define USAGE	"reply done [DATE] [NOTE], snooze N days|weeks, snooze " \
		"until DATE, or note TEXT"

static const struct {
	const char	*line;
	int		 verb;		/* -1: refused */
	const char	*date;		/* or the error's text */
	const char	*note;
} cases[] = {
	{ "done", OWNER_DONE, TODAY, NULL },
	{ "Done.", OWNER_DONE, TODAY, NULL },
	{ "DONE!", OWNER_DONE, TODAY, NULL },
	{ "  done  ", OWNER_DONE, TODAY, NULL },
	{ "done today", OWNER_DONE, TODAY, NULL },
	{ "done today.", OWNER_DONE, TODAY, NULL },
	{ "Done yesterday Great call", OWNER_DONE, "2026-12-07",
	  "Great call" },
	{ "done\tyesterday\tGreat call ", OWNER_DONE, "2026-12-07",
	  "Great call" },
	{ "met 2026-12-01 quarterly review", OWNER_DONE, "2026-12-01",
	  "quarterly review" },
	{ "Met 2026-12-08, all good", OWNER_DONE, TODAY, "all good" },
	{ "done great call, they are hiring", OWNER_DONE, TODAY,
	  "great call, they are hiring" },
	{ "Done - great call", OWNER_DONE, TODAY, "great call" },
	{ "Done! — great call", OWNER_DONE, TODAY, "great call" },
	{ "done: great call", OWNER_DONE, TODAY, "great call" },
	{ "done yesterday - great call", OWNER_DONE, "2026-12-07",
	  "great call" },
	{ "done -5% on the budget", OWNER_DONE, TODAY, "-5% on the budget" },
	{ "done 2026 was a good year", OWNER_DONE, TODAY,
	  "2026 was a good year" },
	{ "done Clínica São José visited 🙂", OWNER_DONE, TODAY,
	  "Clínica São José visited 🙂" },
	{ "done 2026-12-09", -1, "done: 2026-12-09 is in the future (today is "
	  "2026-12-08): reply done with the day you met", NULL },
	{ "done tomorrow", -1, "is in the future", NULL },
	{ "done 2026-02-30 review", -1, "done: 2026-02-30 is not a day of the "
	  "calendar", NULL },
	{ "done 2026-1-5", -1, "done: \"2026-1-5\" is not a date (YYYY-MM-DD)",
	  NULL },
	{ "snooze 2 weeks", OWNER_SNOOZE, "2026-12-22", NULL },
	{ "snooze 10 days", OWNER_SNOOZE, "2026-12-18", NULL },
	{ "Snooze 1 week.", OWNER_SNOOZE, "2026-12-15", NULL },
	{ "SNOOZE 1 DAY", OWNER_SNOOZE, "2026-12-09", NULL },
	{ "snooze 365 days", OWNER_SNOOZE, "2027-12-08", NULL },
	{ "snooze 52 weeks", OWNER_SNOOZE, "2027-12-07", NULL },
	{ "snooze until 2027-01-15", OWNER_SNOOZE, "2027-01-15", NULL },
	{ "snooze until tomorrow", OWNER_SNOOZE, "2026-12-09", NULL },
	{ "snooze until 2027-12-08.", OWNER_SNOOZE, "2027-12-08", NULL },
	{ "snooze 0 days", -1, "snooze: 0 days is no snooze: snooze 1 to 365 "
	  "days", NULL },
	{ "snooze 366 days", -1, "snooze: 366 days is longer than a year: "
	  "snooze 1 to 365 days", NULL },
	{ "snooze 53 weeks", -1, "371 days is longer than a year", NULL },
	{ "snooze 9999999 days", -1, "snooze: \"9999999\" is not a number of "
	  "days or weeks", NULL },
	{ "snooze until 2026-12-08", -1, "snooze until 2026-12-08: that is not "
	  "after today (2026-12-08)", NULL },
	{ "snooze until yesterday", -1, "that is not after today", NULL },
	{ "snooze until 2027-12-09", -1, "366 days is longer than a year",
	  NULL },
	{ "snooze until someday", -1, "snooze until: \"someday\" is not a date:"
	  " reply snooze until YYYY-MM-DD", NULL },
	{ "snooze until", -1, "is not a date", NULL },
	{ "snooze until 2027-02-29", -1, "snooze until: 2027-02-29 is not a "
	  "day of the calendar", NULL },
	{ "snooze", -1, "snooze: for how long? reply snooze N days|weeks or "
	  "snooze until DATE", NULL },
	{ "snooze two weeks", -1, "snooze: \"two\" is not a number of days or "
	  "weeks", NULL },
	{ "snooze 2 fortnights", -1, "snooze 2: say days or weeks (snooze 2 "
	  "days, snooze 2 weeks)", NULL },
	{ "snooze 2", -1, "say days or weeks", NULL },
	{ "snooze 2 weeks please", -1, "snooze: \"please\" is not understood "
	  "after the length", NULL },
	{ "note They are hiring a new director", OWNER_NOTE, TODAY,
	  "They are hiring a new director" },
	{ "Note: call back in March", OWNER_NOTE, TODAY, "call back in March" },
	{ "note", -1, "note: nothing to note: reply note TEXT", NULL },
	{ "note  -  ", -1, "nothing to note", NULL },
	{ "blah", -1, "unknown command \"blah\": " USAGE, NULL },
	{ "Thanks!", -1, "unknown command \"Thanks\": " USAGE, NULL },
	{ "donezo", -1, "unknown command \"donezo\"", NULL },
	{ "", -1, "no command: " USAGE, NULL },
	{ "   ", -1, "no command: " USAGE, NULL },
	{ "Supercalifragilisticexpialidocious-and-then-some more", -1,
	  "unknown command \"Supercalifragilisticexpialidocious-and-t\":",
	  NULL },
	{ "done \x1b[31mred", -1, "command: has a control character (\\x1b",
	  NULL },
	{ "done caf\xc3", -1, "command: is not valid UTF-8", NULL },
	{ "done\nsnooze 2 weeks", -1, "command: must be one line", NULL },
};

START_TEST(test_parse)
{
	struct owner_cmd c;
	struct tb_date today;
	char *err = NULL, when[DATE_STRLEN];
	int rc;

	ck_assert_int_eq(date_parse(TODAY, &today, NULL), 0);
	rc = owner_cmd_parse(cases[_i].line, today, &c, &err);
	if (cases[_i].verb < 0) {
		ck_assert_msg(rc == -1, "\"%s\" accepted", cases[_i].line);
		ck_assert_msg(strstr(err, cases[_i].date) != NULL,
		    "\"%s\": %s", cases[_i].line, err);
		ck_assert_ptr_null(c.note);
	} else {
		ck_assert_msg(rc == 0, "\"%s\": %s", cases[_i].line, err);
		ck_assert_int_eq(c.verb, cases[_i].verb);
		ck_assert_str_eq(date_format(c.date, when), cases[_i].date);
		ck_assert_pstr_eq(c.note, cases[_i].note);
	}
	owner_cmd_reset(&c);
	free(err);
}
END_TEST

START_TEST(test_long_note)
{
	struct owner_cmd c;
	struct tb_date today = { 2026, 12, 8 };
	struct buf line;
	char *err = NULL;

	/* 1 + 600 two-byte characters: cut before the one at byte 1000. */
	buf_init(&line);
	buf_adds(&line, "note a");
	for (int i = 0; i < 600; i++)
		buf_adds(&line, "é");
	ck_assert_int_eq(owner_cmd_parse(buf_str(&line), today, &c, &err), 0);
	ck_assert_uint_eq(strlen(c.note), OWNER_NOTE_MAX - 1);
	ck_assert_str_eq(c.note + strlen(c.note) - 2, "é");
	owner_cmd_reset(&c);
	buf_reset(&line);

	ck_assert_int_eq(owner_cmd_parse(NULL, today, &c, &err), -1);
	ck_assert(strncmp(err, "no command", 10) == 0);
	free(err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("owner_cmd");
	TCase *tc = tcase_create("owner_cmd");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_parse, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, test_long_note);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
