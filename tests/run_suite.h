/*
 * run_suite.h: what the unit tests share around check: the size of a
 * table of cases, a test case with its fixture, and the end of main():
 * run the suite, let check print what failed, and turn the count into
 * the exit status that the automake test driver reads.
 */
#ifndef TB_RUN_SUITE_H
#define TB_RUN_SUITE_H

#include <check.h>
#include <stdlib.h>

/* The number of cases in a table, for tcase_add_loop_test. */
#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A test case called name, added to s, with setup and teardown (either
 * may be NULL) run around each test in the test's own process. */
static inline TCase *
check_tcase(Suite *s, const char *name, SFun setup, SFun teardown)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	suite_add_tcase(s, tc);
	return tc;
}

/* Run s (the runner frees it).  Returns EXIT_SUCCESS or EXIT_FAILURE. */
static inline int
check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
