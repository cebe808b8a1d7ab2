/*
 * check_inbox_source.c: the Maildir and stdin inbox sources on real files
 * and pipes, the [inbox] settings IMAP refuses before connecting, and
 * folder names in modified UTF-7.  The IMAP source against a real server
 * is tests/cli-imap.sh.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "inbox_source.h"

static char tmp[64];
static char *md;		/* tmp/Maildir */
static struct config cfg;

static void
setup(void)
{
	strcpy(tmp, "/tmp/check_inbox.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_int_ge(asprintf(&md, "%s/Maildir", tmp), 0);
	config_init(&cfg);
	free(cfg.inbox_maildir);
	cfg.inbox_maildir = strdup(md);
}

static void
teardown(void)
{
	char *cmd;

	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", tmp), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(md);
	config_reset(&cfg);
}

static void
make_maildir(void)
{
	static const char *const subs[] = { "", "/new", "/cur", "/tmp" };
	char *path;

	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_ge(asprintf(&path, "%s%s", md, subs[i]), 0);
		ck_assert_int_eq(mkdir(path, 0700), 0);
		free(path);
	}
}

/* md/rel (caller frees). */
static char *
md_path(const char *rel)
{
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/%s", md, rel), 0);
	return path;
}

/* A message at md/rel with Subject subject, modified at time t. */
static void
put(const char *rel, const char *subject, time_t t)
{
	char *path = md_path(rel);
	struct timespec times[2] = { { t, 0 }, { t, 0 } };
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "From: a@example.org\r\nSubject: %s\r\n\r\nbody of %s\r\n",
	    subject, subject);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
	free(path);
}

static bool
exists(const char *rel)
{
	char *path = md_path(rel);
	bool found = access(path, F_OK) == 0;

	free(path);
	return found;
}

static struct inbox_source *
open_source(void)
{
	struct inbox_source *src = NULL;
	char *err = NULL;

	ck_assert_msg(inbox_source_open(&cfg, &src, &err) == INBOX_OK, "%s",
	    err);
	ck_assert_ptr_nonnull(src);
	return src;
}

/* The next message must be rel; it is left in item. */
static void
expect_next(struct inbox_source *src, struct inbox_item *item,
    const char *rel)
{
	char *err = NULL;

	ck_assert_int_eq(inbox_source_next(src, item, &err), 1);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(item->id, rel);
}

static void
expect_end(struct inbox_source *src)
{
	struct inbox_item item = { 0 };
	char *err = NULL;

	ck_assert_int_eq(inbox_source_next(src, &item, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_ptr_null(item.id);
	ck_assert_int_eq(inbox_source_next(src, &item, &err), 0);
}

static void
settle(struct inbox_source *src, const struct inbox_item *item)
{
	char *err = NULL;

	ck_assert_msg(inbox_source_done(src, item, &err) == INBOX_OK, "%s",
	    err);
}

/* No Maildir yet: nothing to read, not an error. */
START_TEST(test_missing)
{
	struct inbox_source *src = open_source();
	struct inbox_item item = { 0 };
	char *want, *err = NULL;

	ck_assert_int_ge(asprintf(&want, "maildir %s", md), 0);
	ck_assert_str_eq(inbox_source_name(src), want);
	expect_end(src);
	item.id = strdup("new/1.x");
	ck_assert_int_eq(inbox_source_done(src, &item, &err), INBOX_ERROR);
	ck_assert_ptr_nonnull(err);
	free(err);
	inbox_item_reset(&item);
	inbox_source_close(src);
	free(want);

	/* Nor is a Maildir without new/ and cur/. */
	ck_assert_int_eq(mkdir(md, 0700), 0);
	src = open_source();
	expect_end(src);
	inbox_source_close(src);
	inbox_source_close(NULL);
}
END_TEST

START_TEST(test_not_a_directory)
{
	struct inbox_source *src = NULL;
	char *err = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(md, "w"));
	fclose(f);
	ck_assert_int_eq(inbox_source_open(&cfg, &src, &err), INBOX_ERROR);
	ck_assert_ptr_null(src);
	ck_assert_ptr_nonnull(strstr(err, "not a directory"));
	free(err);
}
END_TEST

/* new/ and unseen cur/, oldest first; settled into cur/ with S added. */
START_TEST(test_new_and_cur)
{
	struct inbox_source *src;
	struct inbox_item item = { 0 };
	static const char body[] = "From: a@example.org\r\nSubject: cur-f\r\n"
	    "\r\nbody of cur-f\r\n";
	char *path;

	make_maildir();
	put("new/100.a.host", "new-a", 100);
	put("cur/50.b.host:2,F", "cur-f", 50);
	put("cur/10.c.host:2,S", "seen", 10);
	put("cur/200.d.host", "cur-bare", 200);
	put("cur/300.e.host:2,RS", "replied-seen", 300);
	put("new/.hidden", "hidden", 1);
	put("tmp/5.f.host", "in-delivery", 5);
	path = md_path("new/dir");
	ck_assert_int_eq(mkdir(path, 0700), 0);
	free(path);

	src = open_source();
	expect_next(src, &item, "cur/50.b.host:2,F");
	ck_assert_str_eq(item.data, body);
	ck_assert_uint_eq(item.len, strlen(body));
	ck_assert_uint_eq(item.size, strlen(body));
	ck_assert(!item.too_big);
	settle(src, &item);
	expect_next(src, &item, "new/100.a.host");
	settle(src, &item);
	expect_next(src, &item, "cur/200.d.host");
	settle(src, &item);
	expect_end(src);
	inbox_item_reset(&item);
	inbox_source_close(src);

	ck_assert(exists("cur/50.b.host:2,FS"));
	ck_assert(!exists("cur/50.b.host:2,F"));
	ck_assert(exists("cur/100.a.host:2,S"));
	ck_assert(!exists("new/100.a.host"));
	ck_assert(exists("cur/200.d.host:2,S"));
	ck_assert(exists("cur/10.c.host:2,S"));
	ck_assert(exists("tmp/5.f.host"));
	ck_assert(exists("new/.hidden"));

	/* Settled means seen: the next session has nothing. */
	src = open_source();
	expect_end(src);
	inbox_source_close(src);
}
END_TEST

/* A message not settled is there again for the next session, as it was. */
START_TEST(test_unsettled_stays)
{
	struct inbox_source *src;
	struct inbox_item item = { 0 };

	make_maildir();
	put("new/1.a", "first", 1);
	put("new/2.b", "second", 2);
	src = open_source();
	expect_next(src, &item, "new/1.a");
	settle(src, &item);
	expect_next(src, &item, "new/2.b");
	inbox_source_close(src);
	ck_assert(exists("new/2.b"));

	src = open_source();
	expect_next(src, &item, "new/2.b");
	ck_assert_ptr_nonnull(strstr(item.data, "Subject: second"));
	expect_end(src);
	inbox_item_reset(&item);
	inbox_source_close(src);
}
END_TEST

/* A file of size bytes (a hole) at md/rel, modified at time t. */
static void
put_size(const char *rel, off_t size, time_t t)
{
	char *path = md_path(rel);
	struct timespec times[2] = { { t, 0 }, { t, 0 } };
	int fd;

	ck_assert_int_ge(fd = open(path, O_WRONLY | O_CREAT, 0600), 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	ck_assert_int_eq(futimens(fd, times), 0);
	close(fd);
	free(path);
}

/* Over the cap: not read, but still handed out (and settled) with its
 * size; at the cap: read. */
START_TEST(test_too_big)
{
	struct inbox_source *src;
	struct inbox_item item = { 0 };

	make_maildir();
	put_size("new/1.big", (off_t)INBOX_MAX_BYTES + 1, 1);
	put("new/2.small", "small", 2);
	put_size("new/3.exact", (off_t)INBOX_MAX_BYTES, 3);
	src = open_source();
	expect_next(src, &item, "new/1.big");
	ck_assert(item.too_big);
	ck_assert_ptr_null(item.data);
	ck_assert_uint_eq(item.len, 0);
	ck_assert_uint_eq(item.size, INBOX_MAX_BYTES + 1);
	settle(src, &item);
	expect_next(src, &item, "new/2.small");
	ck_assert(!item.too_big);
	expect_next(src, &item, "new/3.exact");
	ck_assert(!item.too_big);
	ck_assert_uint_eq(item.len, INBOX_MAX_BYTES);
	ck_assert_uint_eq(item.size, INBOX_MAX_BYTES);
	ck_assert_int_eq(item.data[item.len], '\0');
	expect_end(src);
	inbox_item_reset(&item);
	inbox_source_close(src);
	ck_assert(exists("cur/1.big:2,S"));
}
END_TEST

/* A mail client or another program moves files while touchbase reads. */
START_TEST(test_vanished)
{
	struct inbox_source *src;
	struct inbox_item item = { 0 }, gone = { 0 };
	char *path, *err = NULL;

	make_maildir();
	put("new/1.a", "a", 1);
	put("new/2.b", "b", 2);
	put("new/3.c", "c", 3);
	src = open_source();
	expect_next(src, &item, "new/1.a");
	path = md_path("new/2.b");
	ck_assert_int_eq(unlink(path), 0);
	free(path);
	expect_next(src, &item, "new/3.c");

	/* Gone before it was settled: said so, nothing else touched. */
	path = md_path("new/3.c");
	ck_assert_int_eq(unlink(path), 0);
	free(path);
	ck_assert_int_eq(inbox_source_done(src, &item, &err), INBOX_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "no longer there"));
	free(err);
	gone.id = strdup("new/2.b");
	err = NULL;
	ck_assert_int_eq(inbox_source_done(src, &gone, &err), INBOX_ERROR);
	free(err);
	expect_end(src);
	inbox_item_reset(&gone);
	inbox_item_reset(&item);
	inbox_source_close(src);
	ck_assert(exists("new/1.a"));
}
END_TEST

/* Odd file names, and flags already in a name. */
static const struct {
	const char	*rel;
	const char	*settled;
} odd_names[] = {
	{ "new/1 with spaces", "cur/1 with spaces:2,S" },
	{ "new/2.ünïcödé.hôst", "cur/2.ünïcödé.hôst:2,S" },
	{ "new/3;semi\"quote'apos$(x)", "cur/3;semi\"quote'apos$(x):2,S" },
	{ "new/4.line\nbreak", "cur/4.line\nbreak:2,S" },
	{ "new/5.colon:in:name", "cur/5.colon:in:name:2,S" },
	{ "new/6.info:2,RS", "cur/6.info:2,RS" },
	{ "cur/7.trashed:2,T", "cur/7.trashed:2,ST" },
	{ "cur/8.keywords:2,Fab", "cur/8.keywords:2,FSab" },
	{ "cur/9.draft:2,DF", "cur/9.draft:2,DFS" },
	{ "cur/10.empty-info:2,", "cur/10.empty-info:2,S" },
};

START_TEST(test_odd_names)
{
	const size_t n = sizeof odd_names / sizeof odd_names[0];
	struct inbox_source *src;
	struct inbox_item item = { 0 };

	make_maildir();
	for (size_t i = 0; i < n; i++)
		put(odd_names[i].rel, "odd", (time_t)(100 + i));
	src = open_source();
	for (size_t i = 0; i < n; i++) {
		expect_next(src, &item, odd_names[i].rel);
		settle(src, &item);
	}
	expect_end(src);
	inbox_item_reset(&item);
	inbox_source_close(src);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(exists(odd_names[i].settled), "no %s",
		    odd_names[i].settled);
		ck_assert(strcmp(odd_names[i].rel, odd_names[i].settled) == 0 ||
		    !exists(odd_names[i].rel));
	}
}
END_TEST

/* done() moves only names the source could have handed out. */
START_TEST(test_foreign_ids)
{
	static const char *const ids[] = {
		"../outside", "new/", "new/../../x", "tmp/5.f", "cur/.hidden",
		"new/a/b", "x"
	};
	struct inbox_source *src;
	struct inbox_item item = { 0 };
	char *err = NULL;

	make_maildir();
	src = open_source();
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		item.id = strdup(ids[i]);
		ck_assert_int_eq(inbox_source_done(src, &item, &err),
		    INBOX_ERROR);
		ck_assert_ptr_nonnull(strstr(err, "is not one of its"));
		free(err);
		err = NULL;
		inbox_item_reset(&item);
	}
	ck_assert_int_eq(inbox_source_done(src, &item, &err), INBOX_ERROR);
	free(err);
	inbox_source_close(src);
}
END_TEST

START_TEST(test_none)
{
	struct inbox_source *src;
	struct inbox_item item = { 0 };
	char *err = NULL;

	cfg.inbox_source = INBOX_SOURCE_NONE;
	src = open_source();
	ck_assert_str_eq(inbox_source_name(src), "none");
	expect_end(src);
	item.id = strdup("1");
	ck_assert_int_eq(inbox_source_done(src, &item, &err), INBOX_ERROR);
	free(err);
	inbox_item_reset(&item);
	inbox_source_close(src);
}
END_TEST

/* Write n bytes of a message into fd from a child process; returns it. */
static pid_t
writer(int fd, size_t n)
{
	static const char head[] = "Subject: piped\r\n\r\n";
	char block[4096];
	pid_t pid;

	ck_assert_int_ge(pid = fork(), 0);
	if (pid > 0)
		return pid;
	memset(block, 'x', sizeof block);
	if (write(fd, head, sizeof head - 1) < 0)
		_exit(1);
	for (size_t left = n - (sizeof head - 1); left > 0; ) {
		size_t k = left < sizeof block ? left : sizeof block;

		if (write(fd, block, k) != (ssize_t)k)
			_exit(2);
		left -= k;
	}
	_exit(0);
}

/* One message on standard input, as an MTA pipes it. */
START_TEST(test_stdin)
{
	const size_t sizes[] = { 100, INBOX_MAX_BYTES + 100 };
	struct inbox_source *src;
	struct inbox_item item = { 0 };
	char *err = NULL;
	int fd[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	pid = writer(fd[1], sizes[_i]);
	close(fd[1]);
	ck_assert_int_eq(inbox_source_open_stdin(fd[0], &src, &err),
	    INBOX_OK);
	close(fd[0]);
	/* The writer could write it all: the pipe was read to its end. */
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_str_eq(inbox_source_name(src), "stdin");
	expect_next(src, &item, "stdin");
	ck_assert_uint_eq(item.size, sizes[_i]);
	if (_i == 0) {
		ck_assert(!item.too_big);
		ck_assert_uint_eq(item.len, sizes[_i]);
		ck_assert(strncmp(item.data, "Subject: piped\r\n", 16) == 0);
	} else {
		ck_assert(item.too_big);
		ck_assert_ptr_null(item.data);
	}
	settle(src, &item);
	expect_end(src);
	inbox_item_reset(&item);
	inbox_source_close(src);
}
END_TEST

START_TEST(test_stdin_closed)
{
	struct inbox_source *src = NULL;
	char *err = NULL;

	ck_assert_int_eq(inbox_source_open_stdin(-1, &src, &err),
	    INBOX_ERROR);
	ck_assert_ptr_null(src);
	ck_assert_ptr_nonnull(strstr(err, "standard input"));
	free(err);
}
END_TEST

/* What IMAP refuses before it connects anywhere. */
static const struct {
	const char	*url;
	const char	*user;
	int		 starttls;
	bool		 plaintext_ok;
	const char	*message;
} imap_refusals[] = {
	{ NULL, NULL, STARTTLS_REQUIRED, false, "inbox.url is not set" },
	{ "imap://u:secret@127.0.0.1/", NULL, STARTTLS_REQUIRED, false,
	    "inbox.url: put the user name in inbox.user" },
	{ "pop3://127.0.0.1/", NULL, STARTTLS_REQUIRED, false,
	    "the scheme must be imap:// or imaps://" },
	{ "imap://127.0.0.1:1/", "office", STARTTLS_OFF, false,
	    "could send the password without TLS" },
	{ "imap://127.0.0.1:1/", "office", STARTTLS_OPTIONAL, false,
	    "could send the password without TLS" },
	{ "imap://127.0.0.1:1/", "office", STARTTLS_REQUIRED, false,
	    "inbox.user is set but neither inbox.password_command nor "
	    "inbox.password_file" },
	{ "imap://127.0.0.1:1/", "office", STARTTLS_OFF, true,
	    "inbox.user is set but neither" },
};

START_TEST(test_imap_refusals)
{
	struct inbox_source *src = NULL;
	char *err = NULL;

	cfg.inbox_source = INBOX_SOURCE_IMAP;
	cfg.inbox_url = imap_refusals[_i].url ?
	    strdup(imap_refusals[_i].url) : NULL;
	cfg.inbox_user = imap_refusals[_i].user ?
	    strdup(imap_refusals[_i].user) : NULL;
	cfg.inbox_starttls = imap_refusals[_i].starttls;
	cfg.inbox_allow_plaintext_auth = imap_refusals[_i].plaintext_ok;
	ck_assert_int_eq(inbox_source_open(&cfg, &src, &err), INBOX_ERROR);
	ck_assert_ptr_null(src);
	ck_assert_msg(strstr(err, imap_refusals[_i].message) != NULL,
	    "\"%s\" lacks \"%s\"", err, imap_refusals[_i].message);
	ck_assert_ptr_null(strstr(err, "secret"));
	free(err);
}
END_TEST

/* Nothing listens on port 1: unavailable, not an error of ours. */
START_TEST(test_imap_unreachable)
{
	struct inbox_source *src = NULL;
	char *err = NULL;

	cfg.inbox_source = INBOX_SOURCE_IMAP;
	cfg.inbox_url = strdup("imap://127.0.0.1:1/");
	ck_assert_int_eq(inbox_source_open(&cfg, &src, &err),
	    INBOX_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(err, "cannot connect to 127.0.0.1"));
	free(err);
}
END_TEST

/* Folder names as configured, and as IMAP has them. */
static const struct {
	const char	*name;
	char		 delim;
	const char	*wire;
} mailboxes[] = {
	{ "INBOX", '.', "INBOX" },
	{ "touchbase/processed", '.', "touchbase.processed" },
	{ "touchbase/processed", '/', "touchbase/processed" },
	{ "touchbase/processed", '\0', "touchbase/processed" },
	{ "Partner Replies", '.', "Partner Replies" },
	{ "Tom & Jerry", '/', "Tom &- Jerry" },
	{ "Entwürfe", '.', "Entw&APw-rfe" },
	/* RFC 3501 5.1.3 */
	{ "~peter/mail/台北/日本語", '/', "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	{ "Archiv/für Ärzte", '.', "Archiv.f&APw-r &AMQ-rzte" },
	{ "😀 grinning", '/', "&2D3eAA- grinning" },
	{ "€", '/', "&IKw-" },
	{ "a\"b\\c", '/', "a\"b\\c" },
};

START_TEST(test_mailbox_names)
{
	char *wire, *err = NULL;

	wire = inbox_imap_mailbox(mailboxes[_i].name, mailboxes[_i].delim,
	    &err);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(wire, mailboxes[_i].wire);
	free(wire);
}
END_TEST

START_TEST(test_mailbox_not_utf8)
{
	char *err = NULL;

	ck_assert_ptr_null(inbox_imap_mailbox("caf\xe9", '/', &err));
	ck_assert_ptr_nonnull(strstr(err, "not valid UTF-8"));
	free(err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("inbox_source");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("maildir");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_not_a_directory);
	tcase_add_test(tc, test_new_and_cur);
	tcase_add_test(tc, test_unsettled_stays);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_vanished);
	tcase_add_test(tc, test_odd_names);
	tcase_add_test(tc, test_foreign_ids);
	tcase_add_test(tc, test_none);
	suite_add_tcase(s, tc);

	tc = tcase_create("stdin");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_stdin, 0, 2);
	tcase_add_test(tc, test_stdin_closed);
	suite_add_tcase(s, tc);

	tc = tcase_create("imap");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_imap_refusals, 0,
	    sizeof imap_refusals / sizeof imap_refusals[0]);
	tcase_add_test(tc, test_imap_unreachable);
	tcase_add_loop_test(tc, test_mailbox_names, 0,
	    sizeof mailboxes / sizeof mailboxes[0]);
	tcase_add_test(tc, test_mailbox_not_utf8);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
