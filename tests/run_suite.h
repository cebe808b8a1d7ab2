/*
 * run_suite.h: the end of every unit test's main(): run the suite, let
 * check print what failed, and turn the count into the exit status that
 * the automake test driver reads.
 */
#ifndef TB_RUN_SUITE_H
#define TB_RUN_SUITE_H

#include <check.h>
#include <stdlib.h>

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
