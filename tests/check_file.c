/* check_file.c: reading whole files and replacing them whole. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_suite.h"
#include "file.h"
#include "util.h"

static char dir[64];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_file.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* dir/name (caller frees), written with text when text is not NULL. */
static char *
make(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f;

	if (text != NULL) {
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(text, f);
		ck_assert_int_eq(fclose(f), 0);
	}
	return path;
}

/* How many entries dir holds: no temporary file may be left behind. */
static int
entries(void)
{
	char *cmd = xasprintf("test $(ls -A '%s' | wc -l) -eq 1", dir);
	int rc = system(cmd);

	free(cmd);
	return rc;
}

static const struct {
	const char	*text;
	size_t		 max;
	int		 flags;
	const char	*want;		/* NULL: refused */
	const char	*why;		/* in the error */
} read_cases[] = {
	{ "", 10, 0, "", NULL },
	{ "line one\nline two\n", 100, FILE_REGULAR, "line one\nline two\n",
	    NULL },
	{ "0123456789", 10, 0, "0123456789", NULL },
	{ "0123456789x", 10, 0, NULL, "larger than 10 bytes" },
	{ "0123456789x", 10, FILE_TRUNCATE, "0123456789", NULL },
	{ "s3cret\nrest", 4, FILE_SECRET | FILE_TRUNCATE, "s3cr", NULL },
	{ "s3cret\n", 4096, FILE_SECRET, "s3cret\n", NULL },
	{ "x", 0, 0, NULL, "larger than 0 bytes" },
};

START_TEST(test_read)
{
	char *path = make("f", read_cases[_i].text), *text, *err = NULL;
	bool missing = false;
	size_t len = 99;

	text = file_read(path, read_cases[_i].max, read_cases[_i].flags,
	    &len, &missing, &err);
	ck_assert(!missing);
	if (read_cases[_i].want == NULL) {
		ck_assert_ptr_null(text);
		ck_assert_ptr_nonnull(strstr(err, path));
		ck_assert_ptr_nonnull(strstr(err, read_cases[_i].why));
		free(err);
	} else {
		ck_assert_msg(text != NULL, "%s", err);
		ck_assert_str_eq(text, read_cases[_i].want);
		ck_assert_uint_eq(len, strlen(read_cases[_i].want));
	}
	free(text);
	free(path);
}
END_TEST

/* A big file, read without knowing its size first (a pipe). */
START_TEST(test_read_big)
{
	char *path = make("big", NULL), *text, *err = NULL;
	size_t len, size = 3 * 1024 * 1024 + 7;
	char *data = xmalloc(size);
	pid_t pid;
	int fd;

	for (size_t i = 0; i < size; i++)
		data[i] = (char)('a' + i % 26);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	if ((pid = fork()) == 0) {
		fd = open(path, O_WRONLY);
		_exit(fd < 0 || write_all(fd, data, size) != 0);
	}
	text = file_read(path, 4 * 1024 * 1024, 0, &len, NULL, &err);
	ck_assert_msg(text != NULL, "%s", err);
	ck_assert_uint_eq(len, size);
	ck_assert(memcmp(text, data, size) == 0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	free(text);
	/* The same through a regular file, over its cap. */
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write_all(fd, data, size), 0);
	close(fd);
	ck_assert_ptr_null(file_read(path, 1024 * 1024, FILE_REGULAR, &len,
	    NULL, &err));
	ck_assert_ptr_nonnull(strstr(err, "larger than 1 MiB"));
	free(err);
	free(data);
	free(path);
}
END_TEST

START_TEST(test_read_refused)
{
	char *path = make("none", NULL), *err = NULL;
	bool missing = false;

	/* Missing: an error, or only *missing when the caller asks. */
	ck_assert_ptr_null(file_read(path, 10, 0, NULL, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	ck_assert_ptr_nonnull(strstr(err, path));
	free(err);
	err = NULL;
	ck_assert_ptr_null(file_read(path, 10, 0, NULL, &missing, &err));
	ck_assert(missing);
	ck_assert_ptr_null(err);
	free(path);
	path = make("none/below", NULL);
	missing = false;
	ck_assert_ptr_null(file_read(path, 10, 0, NULL, &missing, &err));
	ck_assert(missing);
	free(path);

	/* A FIFO with no writer, and a directory, are not regular files;
	 * the FIFO is refused at once instead of waiting for a writer. */
	path = make("fifo", NULL);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(file_read(path, 10, FILE_REGULAR, NULL, NULL,
	    &err));
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	free(err);
	err = NULL;
	ck_assert_ptr_null(file_read(dir, 10, FILE_REGULAR, NULL, &missing,
	    &err));
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	free(err);
	free(path);
}
END_TEST

/* path holds text and has permissions mode. */
static void
assert_file(const char *path, const char *text, mode_t mode)
{
	struct stat st;
	char *got, *err = NULL;

	ck_assert_msg((got = file_read(path, 100, 0, NULL, NULL, &err)) !=
	    NULL, "%s", err);
	ck_assert_str_eq(got, text);
	free(got);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, mode);
}

START_TEST(test_replace)
{
	char *path = make("report.html", "old"), *err = NULL;
	mode_t mask = umask(022);

	ck_assert_int_eq(file_replace(path, NULL, 0666, "new page", 8, &err),
	    FILE_OK);
	assert_file(path, "new page", 0644);
	ck_assert_int_eq(entries(), 0);
	/* Into a directory that is not there: nothing is made. */
	free(path);
	path = make("missing/report.html", NULL);
	ck_assert_int_eq(file_replace(path, NULL, 0666, "x", 1, &err),
	    FILE_CANTCREATE);
	ck_assert_ptr_nonnull(strstr(err, path));
	free(err);
	free(path);
	umask(mask);
}
END_TEST

/* A named temporary file, as a Maildir's tmp/ to new/. */
START_TEST(test_replace_tmp)
{
	char *tmp = make("msg.tmp", NULL), *path = make("msg", NULL), *text;
	char *err = NULL;

	ck_assert_int_eq(file_replace(path, tmp, 0600, "body\n", 5, &err),
	    FILE_OK);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	assert_file(path, "body\n", 0600);
	/* A temporary file that exists already is never written over. */
	free(tmp);
	tmp = make("taken", "someone else's");
	ck_assert_int_eq(file_replace(path, tmp, 0600, "other", 5, &err),
	    FILE_CANTCREATE);
	ck_assert_ptr_nonnull(strstr(err, tmp));
	ck_assert_ptr_nonnull(strstr(err, "File exists"));
	free(err);
	ck_assert_ptr_nonnull(text = file_read(tmp, 100, 0, NULL, NULL,
	    NULL));
	ck_assert_str_eq(text, "someone else's");
	free(text);
	free(tmp);
	free(path);
}
END_TEST

START_TEST(test_dirname)
{
	static const char *const cases[][2] = {
		{ "/etc/touchbase.conf", "/etc" },
		{ "/touchbase.conf", "/" },
		{ "conf/touchbase.conf", "conf" },
		{ "a/b/c", "a/b" },
		{ "touchbase.conf", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = file_dirname(cases[i][0]);

		if (cases[i][1] == NULL)
			ck_assert_ptr_null(got);
		else
			ck_assert_str_eq(got, cases[i][1]);
		free(got);
	}
}
END_TEST

static TCase *
tcase(Suite *s, const char *name)
{
	return check_tcase(s, name, setup, teardown);
}

int
main(void)
{
	Suite *s = suite_create("file");

	tcase_add_loop_test(tcase(s, "read"), test_read, 0,
	    NCASES(read_cases));
	tcase_add_test(tcase(s, "read_big"), test_read_big);
	tcase_add_test(tcase(s, "read_refused"), test_read_refused);
	tcase_add_test(tcase(s, "replace"), test_replace);
	tcase_add_test(tcase(s, "replace_tmp"), test_replace_tmp);
	tcase_add_test(tcase(s, "dirname"), test_dirname);
	return check_run(s);
}
