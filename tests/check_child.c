/*
 * check_child.c: running commands with pipes: how they end (exit status,
 * signal, deadline), what they read and print, and that nothing waits
 * for a daemon that a command left holding its pipes.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run_suite.h"
#include "child.h"
#include "util.h"

/* Run script with sh -c; fails the test when it cannot start. */
static void
run_sh(const char *script, const struct child_opts *o, struct child_result *r)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	char *err = NULL;

	ck_assert_msg(child_run(argv, o, r, &err) == 0, "%s", err);
}

static const struct {
	const char	*script;
	int		 timeout;
	enum child_end	 end;
	int		 code;
	const char	*errout;	/* what it printed on stderr */
	int		 seconds;	/* at most, in all */
} end_cases[] = {
	{ "echo done >&2; exit 0", 10, CHILD_EXITED, 0, "done\n", 2 },
	{ "echo later >&2; exit 75", 10, CHILD_EXITED, 75, "later\n", 2 },
	{ "echo bye >&2; kill -KILL $$", 10, CHILD_SIGNALED, SIGKILL,
	    "bye\n", 2 },
	{ "kill -TERM $$", 0, CHILD_SIGNALED, SIGTERM, "", 2 },
	/* Past the deadline: SIGTERM ends it. */
	{ "echo waiting >&2; exec sleep 30", 1, CHILD_TIMEDOUT, 0,
	    "waiting\n", 4 },
	/* One that ignores SIGTERM gets SIGKILL after a grace period. */
	{ "trap '' TERM; echo stubborn >&2; while :; do sleep 1; done", 1,
	    CHILD_TIMEDOUT, 0, "stubborn\n", 6 },
	/* A daemon holding stdout and stderr open: the command's exit
	 * is the end, not the pipes'. */
	{ "sleep 10 & echo forked >&2; exit 0", 30, CHILD_EXITED, 0,
	    "forked\n", 3 },
	{ "(trap '' HUP; exec sleep 10) & exit 3", 0, CHILD_EXITED, 3, "",
	    3 },
};

START_TEST(test_end)
{
	struct child_opts o = { "", 0, CHILD_CAPTURE, CHILD_CAPTURE, 1024,
	    end_cases[_i].timeout };
	struct child_result r;
	time_t start = time(NULL);

	run_sh(end_cases[_i].script, &o, &r);
	ck_assert_int_eq(r.end, end_cases[_i].end);
	ck_assert_int_eq(r.code, end_cases[_i].code);
	ck_assert_str_eq(r.errout, end_cases[_i].errout);
	ck_assert_uint_eq(r.errlen, strlen(end_cases[_i].errout));
	ck_assert_str_eq(r.out, "");
	ck_assert_int_le(time(NULL) - start, end_cases[_i].seconds);
	child_result_reset(&r);
	child_result_reset(&r);
}
END_TEST

/* stdin fed whole to a command that echoes it, however large. */
START_TEST(test_io)
{
	size_t len = 3 * 1024 * 1024;
	char *data = xmalloc(len);
	struct child_opts o = { data, len, CHILD_CAPTURE, CHILD_CAPTURE, len,
	    10 };
	struct child_result r;

	for (size_t i = 0; i < len; i++)
		data[i] = (char)('A' + i % 50);
	/* Filling stderr before reading stdin must not deadlock. */
	run_sh("head -c 300000 /dev/zero >&2; cat", &o, &r);
	ck_assert_int_eq(r.end, CHILD_EXITED);
	ck_assert_int_eq(r.code, 0);
	ck_assert_int_eq(r.in_errno, 0);
	ck_assert_uint_eq(r.outlen, len);
	ck_assert(memcmp(r.out, data, len) == 0);
	ck_assert_uint_eq(r.errlen, 300000);
	child_result_reset(&r);
	free(data);
}
END_TEST

/* A command that exits without reading its input: no SIGPIPE for us,
 * and the caller learns the input was not taken. */
START_TEST(test_unread_input)
{
	size_t len = 1024 * 1024;
	char *data = xcalloc(1, len);
	struct child_opts o = { data, len, CHILD_NULL, CHILD_CAPTURE, 64, 10 };
	struct child_result r;

	run_sh("echo no thanks >&2; exit 0", &o, &r);
	ck_assert_int_eq(r.end, CHILD_EXITED);
	ck_assert_int_eq(r.code, 0);
	ck_assert_int_eq(r.in_errno, EPIPE);
	ck_assert_str_eq(r.errout, "no thanks\n");
	child_result_reset(&r);
	free(data);
}
END_TEST

/* Output past max is read (the command is not blocked) and dropped. */
START_TEST(test_capture_max)
{
	struct child_opts o = { NULL, 0, CHILD_CAPTURE, CHILD_NULL, 10, 10 };
	struct child_result r;

	run_sh("yes secret | head -c 200000; echo oops >&2", &o, &r);
	ck_assert_int_eq(r.end, CHILD_EXITED);
	ck_assert_int_eq(r.code, 0);
	ck_assert_str_eq(r.out, "secret\nsec");
	ck_assert_uint_eq(r.outlen, 10);
	ck_assert_str_eq(r.errout, "");
	child_result_reset(&r);
	ck_assert_ptr_null(r.out);
}
END_TEST

START_TEST(test_cannot_run)
{
	char *argv[] = { "/nonexistent/tool", "-x", NULL };
	char *path_argv[] = { "no-such-command-anywhere", NULL };
	struct child_opts o = { "x", 1, CHILD_CAPTURE, CHILD_CAPTURE, 10, 1 };
	struct child_result r;
	char *err = NULL;

	ck_assert_int_eq(child_run(argv, &o, &r, &err), -1);
	ck_assert_str_eq(err, "cannot run /nonexistent/tool: No such file or "
	    "directory");
	ck_assert_ptr_null(r.out);
	free(err);
	err = NULL;
	ck_assert_int_eq(child_run(path_argv, &o, &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot run no-such-command"));
	free(err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("child");
	TCase *tc = check_tcase(s, "end", NULL, NULL);

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_end, 0, NCASES(end_cases));
	tc = check_tcase(s, "io", NULL, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_io);
	tcase_add_test(tc, test_unread_input);
	tcase_add_test(tc, test_capture_max);
	tcase_add_test(tc, test_cannot_run);
	return check_run(s);
}
