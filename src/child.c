/*
 * child.c: run a command with pipes, without a shell.  One poll() loop
 * feeds stdin and drains stdout and stderr together, so that a command
 * busy writing never deadlocks against us, and checks between polls
 * whether the command has exited: its pipes may outlive it.
 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define CHILD_SLICE_MS	100	/* longest poll while the command runs */
#define CHILD_GRACE_MS	2000	/* from SIGTERM to SIGKILL */
#define CHILD_DRAIN_MAX	(1024 * 1024)	/* read after it exited, at most */

extern char **environ;

/* One captured stream: our end of its pipe and what was kept. */
struct capture {
	int	 fd;		/* -1 once closed */
	char	*text;		/* max + 1 bytes */
	size_t	 len;
	size_t	 max;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Read what c's pipe holds now, keeping up to c->max bytes.  Returns
 * what read() returned. */
static ssize_t
capture_read(struct capture *c)
{
	char scratch[512];
	ssize_t n;

	if (c->len < c->max) {
		n = read(c->fd, c->text + c->len, c->max - c->len);
		if (n > 0)
			c->len += (size_t)n;
		c->text[c->len] = '\0';
		return n;
	}
	n = read(c->fd, scratch, sizeof scratch);
	explicit_bzero(scratch, sizeof scratch);
	return n;
}

/* Read c's pipe after the command exited, without waiting for a writer
 * it left behind (or reading one that never stops). */
static void
capture_drain(struct capture *c)
{
	size_t total = 0;
	ssize_t n;

	while (c->fd >= 0 && total < CHILD_DRAIN_MAX) {
		if ((n = capture_read(c)) > 0)
			total += (size_t)n;
		else if (n == 0 || errno != EINTR)
			break;
	}
	close_fd(&c->fd);
}

/* Pipes for stdin (when fed) and the captured streams, our ends
 * close-on-exec and non-blocking.  Returns 0 or an errno. */
static int
make_pipes(const struct child_opts *o, int in[2], int out[2], int er[2])
{
	int *want[3] = { o->in != NULL ? in : NULL,
	    o->out == CHILD_CAPTURE ? out : NULL,
	    o->err == CHILD_CAPTURE ? er : NULL };

	for (int i = 0; i < 3; i++) {
		if (want[i] == NULL)
			continue;
		if (pipe2(want[i], O_CLOEXEC) != 0)
			return errno;
		if (fcntl(want[i][i == 0 ? 1 : 0], F_SETFL, O_NONBLOCK) != 0)
			return errno;
	}
	return 0;
}

static void
stream_action(posix_spawn_file_actions_t *fa, enum child_stream s,
    int pipe_end, int target)
{
	if (s == CHILD_CAPTURE)
		posix_spawn_file_actions_adddup2(fa, pipe_end, target);
	else if (s == CHILD_NULL)
		posix_spawn_file_actions_addopen(fa, target, "/dev/null",
		    O_WRONLY, 0);
}

/* Start argv with its streams on the pipes.  Returns 0 or an errno. */
static int
start(char *const *argv, const struct child_opts *o, int in[2], int out[2],
    int er[2], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	int rc;

	if ((rc = make_pipes(o, in, out, er)) != 0)
		return rc;
	posix_spawn_file_actions_init(&fa);
	if (o->in != NULL)
		posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	stream_action(&fa, o->out, out[1], STDOUT_FILENO);
	stream_action(&fa, o->err, er[1], STDERR_FILENO);
	/* We ignore SIGPIPE while feeding; the command must not. */
	posix_spawnattr_init(&attr);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	/* glibc reports a failed exec as the return value. */
	rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&er[1]);
	return rc;
}

/* One command being run: what it is fed, what it prints, its deadline. */
struct run {
	pid_t			 pid;
	const struct child_opts	*o;
	int			 in_fd;		/* -1 once closed */
	size_t			 off;		/* stdin bytes written */
	int			 in_errno;
	struct capture		 cap[2];	/* stdout, stderr */
	long long		 deadline;	/* ms; -1: none */
	int			 stage;		/* signals sent */
};

/* Write the next part of stdin; close it when done or refused. */
static void
feed(struct run *run)
{
	ssize_t n = write(run->in_fd, run->o->in + run->off,
	    run->o->inlen - run->off);

	if (n < 0 && errno != EINTR && errno != EAGAIN) {
		run->in_errno = errno;
		close_fd(&run->in_fd);
	} else if (n > 0 && (run->off += (size_t)n) == run->o->inlen)
		close_fd(&run->in_fd);
}

/* At the deadline: a polite end first (SIGTERM), then after a grace
 * period a certain one (SIGKILL, and no deadline any more). */
static void
check_deadline(struct run *run, long long now)
{
	if (run->deadline < 0 || now < run->deadline)
		return;
	kill(run->pid, run->stage == 0 ? SIGTERM : SIGKILL);
	close_fd(&run->in_fd);
	run->deadline = run->stage++ == 0 ? now + CHILD_GRACE_MS : -1;
}

/* Wait up to ms for the pipes, and serve those that are ready. */
static void
serve_pipes(struct run *run, long long ms)
{
	struct pollfd pfd[3];
	int n = 0;

	if (run->in_fd >= 0)
		pfd[n++] = (struct pollfd){ run->in_fd, POLLOUT, 0 };
	for (int i = 0; i < 2; i++)
		if (run->cap[i].fd >= 0)
			pfd[n++] = (struct pollfd){ run->cap[i].fd, POLLIN, 0 };
	if (poll(pfd, (nfds_t)n, (int)ms) <= 0)
		return;
	for (int i = 0; i < n; i++) {
		struct capture *c;
		ssize_t got;

		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == run->in_fd) {
			feed(run);
			continue;
		}
		c = pfd[i].fd == run->cap[0].fd ? &run->cap[0] : &run->cap[1];
		got = capture_read(c);
		if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
			close_fd(&c->fd);
	}
}

/* Feed and read until the command exits (or is killed); its status. */
static int
wait_exit(struct run *run)
{
	long long now, ms, idle = 1;
	int status;
	pid_t w;

	for (;;) {
		if ((w = waitpid(run->pid, &status, run->stage == 2 ? 0 :
		    WNOHANG)) == run->pid)
			return status;
		if (w < 0 && errno != EINTR)
			fatal("waitpid: %s", strerror(errno));
		now = now_ms();
		check_deadline(run, now);
		if (run->stage == 2)
			continue;	/* SIGKILL sent: wait for it */
		/* With no pipe left to watch it is about to exit: look
		 * again after 1, 2, 4 ... ms, a slice at most. */
		ms = CHILD_SLICE_MS;
		if (run->in_fd < 0 && run->cap[0].fd < 0 &&
		    run->cap[1].fd < 0) {
			ms = idle;
			if (idle < CHILD_SLICE_MS)
				idle *= 2;
		}
		if (run->deadline >= 0 && run->deadline - now < ms)
			ms = run->deadline - now;
		serve_pipes(run, ms);
	}
}

/* How the command ended, once it has, into r. */
static void
finish(struct run *run, int status, struct child_result *r)
{
	if (run->o->in != NULL && run->off < run->o->inlen &&
	    run->in_errno == 0)
		run->in_errno = EPIPE;
	close_fd(&run->in_fd);
	capture_drain(&run->cap[0]);
	capture_drain(&run->cap[1]);
	r->in_errno = run->in_errno;
	if (run->stage > 0) {
		r->end = CHILD_TIMEDOUT;
		r->code = 0;
	} else if (WIFSIGNALED(status)) {
		r->end = CHILD_SIGNALED;
		r->code = WTERMSIG(status);
	} else {
		r->end = CHILD_EXITED;
		r->code = WEXITSTATUS(status);
	}
	r->out = run->cap[0].text;
	r->outlen = run->cap[0].len;
	r->errout = run->cap[1].text;
	r->errlen = run->cap[1].len;
}

/* A capture buffer for fd, of max bytes when the stream is captured. */
static struct capture
capture_new(int fd, enum child_stream s, size_t max)
{
	struct capture c = { fd, NULL, 0, s == CHILD_CAPTURE ? max : 0 };

	c.text = xmalloc(c.max + 1);
	c.text[0] = '\0';
	return c;
}

int
child_run(char *const *argv, const struct child_opts *opts,
    struct child_result *r, char **err)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 }, rc;
	struct sigaction ign, old;
	struct run run;

	memset(r, 0, sizeof *r);
	memset(&run, 0, sizeof run);
	if ((rc = start(argv, opts, in, out, er, &run.pid)) != 0) {
		int *fds[] = { &in[0], &in[1], &out[0], &out[1], &er[0],
		    &er[1] };

		for (size_t i = 0; i < 6; i++)
			close_fd(fds[i]);
		return set_err(err, "cannot run %s: %s", argv[0],
		    strerror(rc));
	}
	run.o = opts;
	run.in_fd = in[1];
	run.cap[0] = capture_new(out[0], opts->out, opts->max);
	run.cap[1] = capture_new(er[0], opts->err, opts->max);
	run.deadline = opts->timeout > 0 ? now_ms() + opts->timeout * 1000LL :
	    -1;
	if (opts->in != NULL && opts->inlen == 0)
		close_fd(&run.in_fd);
	/* A command that exits early must not kill us with SIGPIPE. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	finish(&run, wait_exit(&run), r);
	sigaction(SIGPIPE, &old, NULL);
	return 0;
}

void
child_result_reset(struct child_result *r)
{
	if (r->out != NULL) {
		explicit_bzero(r->out, r->outlen);
		free(r->out);
	}
	if (r->errout != NULL) {
		explicit_bzero(r->errout, r->errlen);
		free(r->errout);
	}
	memset(r, 0, sizeof *r);
}
